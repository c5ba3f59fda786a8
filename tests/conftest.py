"""Shared fixtures: the real spaCy pipeline and one real build of the bundled corpus per session.

Building the bundled corpus takes tens of seconds, so every test that needs the graph shares
``bundled_build``; tests must not modify its files (copy them first).
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def nlp():
    from kg.extract import build_nlp

    return build_nlp()


@pytest.fixture(scope="session")
def bundled_papers():
    from kg.ingest import read_papers
    from kg.pipeline import BUNDLED_CORPUS

    papers, report = read_papers([BUNDLED_CORPUS])
    return papers


@pytest.fixture(scope="session")
def bundled_build(tmp_path_factory):
    """``kg build`` of the bundled corpus, run once through the CLI: (out_dir, exit code, stdout)."""
    import contextlib
    import io

    from kg.cli import main

    out = tmp_path_factory.mktemp("bundled")
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["build", "--out", str(out)])
    return out, code, buffer.getvalue()


@pytest.fixture(scope="session")
def bundled_graph(bundled_build):
    from kg.rdf import load

    out, _, _ = bundled_build
    return load(out / "graph.ttl")


@pytest.fixture(scope="session")
def bundled_extractions(bundled_build):
    from kg.pipeline import read_extractions

    out, _, _ = bundled_build
    return {e.paper.title: e for e in read_extractions(out / "extractions.jsonl")}


# --- scale: a small slice of the bundled corpus, and one reference build of it -----------------

SMALL_PAPERS = 30


def write_papers_jsonl(path, papers):
    """Write papers as a kg JSONL input file (id, title, abstract, url)."""
    import json

    with open(path, "w", encoding="utf-8") as handle:
        for p in papers:
            handle.write(json.dumps({"id": p.id, "title": p.title, "abstract": p.abstract, "url": p.url}) + "\n")
    return path


@pytest.fixture(scope="session")
def small_corpus(bundled_papers, tmp_path_factory):
    """The first 30 bundled papers as a JSONL input file."""
    return write_papers_jsonl(tmp_path_factory.mktemp("small") / "papers.jsonl", bundled_papers[:SMALL_PAPERS])


@pytest.fixture(scope="session")
def small_build(small_corpus, tmp_path_factory):
    """``kg build`` of the small corpus with one process and no cache: the reference output folder."""
    from kg.cli import main

    out = tmp_path_factory.mktemp("small-build")
    code = main(["build", str(small_corpus), "--out", str(out), "--no-html", "--no-validate", "--no-cache"])
    assert code == 0
    return out


@pytest.fixture(scope="session")
def bundled_store(bundled_build, tmp_path_factory):
    """``kg build --store`` of the bundled corpus, from a copy of ``bundled_build``'s cache:
    (store folder, stdout)."""
    import contextlib
    import io
    import shutil

    from kg.cli import main

    out, _, _ = bundled_build
    work = tmp_path_factory.mktemp("bundled-store")
    shutil.copytree(out / ".cache", work / "cache")
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["build", "--out", str(work / "out"), "--cache", str(work / "cache"), "--store", str(work / "store")])
    assert code == 0, buffer.getvalue()
    return work / "store", buffer.getvalue()


# Every test runs under the network guard: a socket to anything but loopback fails the test.
pytest_plugins = ["netguard", "pytester"]
