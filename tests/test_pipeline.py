"""The spine end to end: the bundled corpus through the real CLI into a graph that parses back."""

from __future__ import annotations

import json

from rdflib import RDF, Graph
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, SKOS

from kg.vocab import KG

F2SA_TITLE = "A Fully First-Order Method for Stochastic Bilevel Optimization"
IRSTD_TITLE = "Enhancing Infrared Small Target Detection Robustness with Bi-Level Adversarial Framework"
PARL_TITLE = "PARL: A Unified Framework for Policy Alignment in Reinforcement Learning"


def test_build_writes_the_three_outputs_and_a_summary(bundled_build):
    out, code, stdout = bundled_build
    assert code == 0
    for name in ("graph.ttl", "extractions.jsonl", "graph.html"):
        assert (out / name).stat().st_size > 0
    assert "papers" in stdout and "243" in stdout
    assert "conforms" in stdout
    assert not list(out.glob(".*.tmp")), "temporary files left behind"


def test_outputs_are_ordinary_files_not_private_temporaries(bundled_build, tmp_path):
    """Atomic writes go through mkstemp (mode 0600); the files moved into place get the mode
    any new file gets under the user's umask, so a shared folder or web server can read them."""
    import os

    from kg.rdf import write_atomically

    out, _, _ = bundled_build
    umask = os.umask(0)
    os.umask(umask)
    for name in ("graph.ttl", "extractions.jsonl", "graph.html"):
        assert (out / name).stat().st_mode & 0o777 == 0o666 & ~umask, name
    old = os.umask(0o027)
    try:
        write_atomically(tmp_path / "x.nt", b"")
    finally:
        os.umask(old)
    assert (tmp_path / "x.nt").stat().st_mode & 0o777 == 0o640


def test_bundled_graph_has_every_paper_with_title_and_abstract(bundled_graph):
    papers = set(bundled_graph.subjects(RDF.type, KG.Paper))
    assert len(papers) == 243
    for paper in papers:
        assert len(list(bundled_graph.objects(paper, DCTERMS.title))) == 1
        abstracts = list(bundled_graph.objects(paper, DCTERMS.abstract))
        assert len(abstracts) == 1 and str(abstracts[0]).strip()


def test_every_entity_type_is_present(bundled_graph):
    for cls in (KG.Method, KG.Task, KG.Dataset, KG.Metric, KG.Claim, KG.CodeRepository):
        assert next(bundled_graph.subjects(RDF.type, cls), None) is not None, cls


def test_graph_ttl_parses_back_isomorphic(bundled_build, bundled_graph):
    from kg.rdf import serialize

    out, _, _ = bundled_build
    again = Graph().parse(data=serialize(bundled_graph, "turtle").decode("utf-8"), format="turtle")
    assert isomorphic(again, bundled_graph)
    nt = Graph().parse(data=serialize(bundled_graph, "nt").decode("utf-8"), format="nt")
    assert isomorphic(nt, bundled_graph)


def _paper(graph, title):
    return next(graph.subjects(DCTERMS.title, _lit(title)))


def _lit(text):
    from rdflib import Literal

    return Literal(text)


def _labels(graph, node):
    return {str(x) for x in graph.objects(node, SKOS.prefLabel)} | {str(x) for x in graph.objects(node, SKOS.altLabel)}


def test_f2sa_is_proposed_by_its_paper_with_its_long_form(bundled_graph):
    paper = _paper(bundled_graph, F2SA_TITLE)
    proposed = [_labels(bundled_graph, m) for m in bundled_graph.objects(paper, KG.proposes)]
    assert any("F2SA" in names and "Fully First-order Stochastic Approximation" in names for names in proposed)


def test_mnist_is_a_dataset_of_the_f2sa_paper(bundled_graph):
    paper = _paper(bundled_graph, F2SA_TITLE)
    datasets = [_labels(bundled_graph, d) for d in bundled_graph.objects(paper, KG.evaluatesOn)]
    assert any("MNIST" in names for names in datasets)
    mnist = next(d for d in bundled_graph.objects(paper, KG.evaluatesOn) if "MNIST" in _labels(bundled_graph, d))
    assert (mnist, RDF.type, KG.Dataset) in bundled_graph


def test_iou_is_a_metric_of_the_infrared_paper(bundled_graph):
    paper = _paper(bundled_graph, IRSTD_TITLE)
    metrics = {n.casefold() for m in bundled_graph.objects(paper, KG.reportsMetric) for n in _labels(bundled_graph, m)}
    assert "iou" in metrics


def test_parl_is_proposed_by_its_paper(bundled_graph):
    paper = _paper(bundled_graph, PARL_TITLE)
    proposed = {n for m in bundled_graph.objects(paper, KG.proposes) for n in _labels(bundled_graph, m)}
    assert "PARL" in proposed


def test_infrared_claim_has_its_number_as_a_typed_decimal(bundled_graph):
    from decimal import Decimal

    paper = _paper(bundled_graph, IRSTD_TITLE)
    values = {c: bundled_graph.value(c, KG.value) for c in bundled_graph.objects(paper, KG.hasClaim)}
    assert any(v is not None and v.toPython() == Decimal("21.96") for v in values.values())


def test_extractions_follow_the_contract(bundled_build):
    out, _, _ = bundled_build
    lines = (out / "extractions.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 243
    for line in lines:
        record = json.loads(line)
        assert {"id", "title", "entities", "claims", "code"} <= set(record)
        for entity in record["entities"]:
            assert {"text", "type", "start", "end", "field", "canonical", "role", "confidence"} <= set(entity)
            assert entity["type"] in {"Method", "Task", "Dataset", "Metric"}
            assert entity["role"] in {"proposed", "used"}
            assert entity["field"] in {"title", "abstract"}
            assert 0.0 <= entity["confidence"] <= 1.0
        for claim in record["claims"]:
            assert {"text", "start", "end", "kind", "value", "metric", "subject", "compared_to", "dataset"} <= set(claim)
        assert all(url.startswith(("http://", "https://")) for url in record["code"])


def test_mention_offsets_point_at_the_mention_text(bundled_extractions, bundled_papers):
    by_id = {p.id: p for p in bundled_papers}
    for extraction in list(bundled_extractions.values())[:60]:
        paper = by_id[extraction.paper.id]
        for mention in extraction.mentions:
            assert paper.text(mention.field)[mention.start : mention.end] == mention.text
        for claim in extraction.claims:
            assert paper.abstract[claim.start : claim.end] == claim.text
