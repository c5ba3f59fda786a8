"""Parallel and streaming builds give exactly the output of the plain one-process build."""

from __future__ import annotations

import contextlib
import io

from kg.cli import main


def _build(*args: str) -> tuple[int, str]:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["build", *args])
    return code, buffer.getvalue()


def test_two_workers_write_the_same_files_as_one(small_corpus, small_build, tmp_path):
    code, stdout = _build(str(small_corpus), "--out", str(tmp_path), "--no-html", "--no-validate",
                          "--no-cache", "--workers", "2", "--batch-size", "4")
    assert code == 0, stdout
    assert "extracted 30, from cache 0" in stdout
    assert (tmp_path / "extractions.jsonl").read_bytes() == (small_build / "extractions.jsonl").read_bytes()
    assert (tmp_path / "graph.ttl").read_bytes() == (small_build / "graph.ttl").read_bytes()


def test_batch_size_does_not_change_the_output(small_corpus, small_build, tmp_path):
    code, _ = _build(str(small_corpus), "--out", str(tmp_path), "--no-html", "--no-validate", "--no-cache",
                     "--batch-size", "7")
    assert code == 0
    assert (tmp_path / "extractions.jsonl").read_bytes() == (small_build / "extractions.jsonl").read_bytes()


def test_graph_ttl_holds_exactly_the_rdflib_graph_in_canonical_order(small_corpus, small_build):
    """graph.ttl is written by pyoxigraph from the same triples as kg.rdf.to_graph: the same
    graph, sorted by subject (so a rebuild diffs cleanly), with kg's prefixes."""
    from rdflib.compare import isomorphic

    from kg.ingest import read_papers
    from kg.link import link
    from kg.model import Extraction
    from kg.pipeline import read_extractions
    from kg.rdf import load, to_graph

    papers = {p.id: p for p in read_papers([small_corpus])[0]}
    extractions = [Extraction(papers[e.paper.id], e.mentions, e.claims, e.code, e.relations)
                   for e in read_extractions(small_build / "extractions.jsonl")]
    expected = to_graph(link(extractions))
    written = load(small_build / "graph.ttl")
    assert len(written) == len(expected) > 1000
    assert isomorphic(written, expected)
    text = (small_build / "graph.ttl").read_text("utf-8")
    assert text.startswith("@prefix ") and "kg:proposes" in text
    subjects = [line.split(" ", 1)[0].strip("<>") for line in text.splitlines() if line.startswith("<")]
    assert subjects == sorted(subjects) and len(subjects) == len(set(subjects))


def test_linking_a_slim_copy_gives_the_same_entities(bundled_extractions):
    """The store build links mentions without their evidence text; entities must not change."""
    from kg.link import link
    from kg.pipeline import _slim

    full = link(bundled_extractions.values())
    slim = link(_slim(e) for e in bundled_extractions.values())
    assert slim.key_of == full.key_of
    assert {k: (e.type, e.label, e.aliases, e.papers, e.confidence) for k, e in slim.entities.items()} == {
        k: (e.type, e.label, e.aliases, e.papers, e.confidence) for k, e in full.entities.items()
    }


def test_bad_worker_count_is_a_clean_error(small_corpus, tmp_path, capsys):
    assert main(["build", str(small_corpus), "--out", str(tmp_path), "--workers", "0"]) == 1
    assert "--workers" in capsys.readouterr().err


def _normalized(graph):
    from rdflib import Literal

    def norm(term):
        return (term.value if term.value is not None else str(term), term.datatype) if isinstance(term, Literal) else term

    return {tuple(map(norm, triple)) for triple in graph}


def test_store_built_by_two_workers_holds_the_graph_of_the_one_process_build(small_corpus, small_build, tmp_path):
    """Extraction and the store's graph shards both run in the worker processes."""
    from kg.rdf import load
    from kg.store import open_graph

    code, stdout = _build(str(small_corpus), "--out", str(tmp_path), "--no-cache", "--workers", "2",
                          "--batch-size", "4", "--store", str(tmp_path / "store"))
    assert code == 0, stdout
    assert (tmp_path / "extractions.jsonl").read_bytes() == (small_build / "extractions.jsonl").read_bytes()
    stored = open_graph(tmp_path / "store")
    try:
        assert _normalized(stored) == _normalized(load(small_build / "graph.ttl"))
    finally:
        stored.close()
