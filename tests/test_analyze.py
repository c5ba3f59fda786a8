"""Analytics on the real bundled graph: projections built from project(), centrality,
communities, related papers and connections, checked against the triples themselves."""

from __future__ import annotations

import json

import pytest
from rdflib import Literal
from rdflib import namespace as ns  # one module name: pytest's doctest finder probes globals

from kg import analyze
from kg.cli import main
from kg.vocab import KG

F2SA_TITLE = "A Fully First-Order Method for Stochastic Bilevel Optimization"
PARL_TITLE = "PARL: A Unified Framework for Policy Alignment in Reinforcement Learning"


@pytest.fixture(scope="module")
def projection(bundled_graph):
    size = len(bundled_graph)
    projected = analyze.project(bundled_graph, claims=False)
    assert len(bundled_graph) == size  # the rdflib graph is read, not changed
    return projected


@pytest.fixture(scope="module")
def cooc(projection):
    return analyze.cooccurrence(projection)


def _iri(graph, label):
    return str(next(graph.subjects(ns.SKOS.prefLabel, Literal(label))))


def test_bipartite_links_papers_to_entities_only(projection):
    papers = analyze.bipartite(projection)
    kinds = {papers.nodes[n]["kind"] for n in papers}
    assert kinds == {"Paper", *analyze.ENTITY_KINDS}
    for a, b in papers.edges():
        assert {papers.nodes[a]["bipartite"], papers.nodes[b]["bipartite"]} == {0, 1}
    assert "bipartite" not in next(iter(projection.nodes.values()))  # the projection is not changed


def test_cooccurrence_weight_counts_shared_papers(bundled_graph, cooc):
    task = _iri(bundled_graph, "bilevel optimization")
    f2sa = _iri(bundled_graph, "F2SA")
    assert cooc.has_edge(f2sa, task)
    # recount from the triples: papers that name both
    def papers_of(entity):
        return {s for p in (KG.proposes, KG.uses, KG.addresses, KG.evaluatesOn, KG.introducesDataset, KG.reportsMetric)
                for s in bundled_graph.subjects(p, entity)}
    from rdflib import URIRef

    for neighbour in list(cooc[task])[:25]:
        shared = papers_of(URIRef(task)) & papers_of(URIRef(neighbour))
        assert cooc[task][neighbour]["weight"] == len(shared) > 0


def test_find_node_by_label_alias_and_title(projection, bundled_graph):
    f2sa = _iri(bundled_graph, "F2SA")
    assert analyze.find_node(projection, "fully first-order STOCHASTIC approximation") == f2sa
    assert analyze.find_node(projection, "f2sa", ("Method",)) == f2sa
    paper = analyze.find_node(projection, "policy alignment in reinforcement", ("Paper",))
    assert projection.nodes[paper]["label"] == PARL_TITLE
    with pytest.raises(analyze.UnknownNode, match="did you mean 'F2SA'"):
        analyze.find_node(projection, "F2SB", ("Method",))


def test_central_entities_are_ranked_by_links(cooc):
    ranked = analyze.central(cooc, top=5)
    assert set(ranked) == {"Method", "Task", "Dataset"}
    for kind, rows in ranked.items():
        assert len(rows) == 5 and {r["kind"] for r in rows} == {kind}
        assert [r["weighted_degree"] for r in rows] == sorted((r["weighted_degree"] for r in rows), reverse=True)
        best = max((cooc.degree(n, weight="weight") for n, k in cooc.nodes(data="kind") if k == kind))
        assert rows[0]["weighted_degree"] == best


def test_communities_are_seeded_named_by_members_and_partition(cooc):
    first = analyze.communities(cooc, seed=0, top=50)
    assert first == analyze.communities(cooc, seed=0, top=50)
    assert len(first) >= 3
    assert [c["size"] for c in first] == sorted((c["size"] for c in first), reverse=True)
    for community in first:
        names = community["name"].split(" / ")
        assert names == community["top"][: len(names)]
        assert sum(community["kinds"].values()) == community["size"]
    linked = sum(1 for n in cooc if cooc.degree(n) > 0)
    assert sum(c["size"] for c in analyze.communities(cooc, seed=0, top=10_000)) == linked  # a partition


def test_related_papers_share_what_they_say(projection):
    rows = analyze.related_papers(projection, F2SA_TITLE, top=50)
    assert rows and F2SA_TITLE not in {r["title"] for r in rows}
    assert any("bilevel optimization" in r["via"] for r in rows)
    start = analyze.find_node(projection, F2SA_TITLE, ("Paper",))
    mine = {projection.nodes[e]["label"] for e in projection[start]}
    for row in rows:
        theirs = {projection.nodes[e]["label"] for e in projection[row["iri"]]}
        assert set(row["via"]) <= mine & theirs and row["shared"] == len(row["via"])


def test_connection_is_a_chain_of_real_links(projection):
    chain = analyze.connection(projection, "F2SA", "PARL")
    labels = [projection.nodes[n]["label"] for n in chain]
    assert labels[0] == "F2SA" and labels[-1] == "PARL"
    kinds = [projection.nodes[n]["kind"] for n in chain]
    assert kinds[1::2] == ["Paper"] * (len(chain) // 2)  # entities and papers alternate
    for a, b in zip(chain, chain[1:]):
        assert projection.has_edge(a, b) or projection.has_edge(b, a)
    with pytest.raises(analyze.UnknownNode):
        analyze.connection(projection, "F2SA", "no such method anywhere")


def test_cli_analyze_json(bundled_build, capsys):
    out, _, _ = bundled_build
    code = main(["analyze", str(out / "graph.ttl"), "--format", "json", "--top", "3",
                 "--paper", "Fully First-Order Method", "--path", "F2SA", "MNIST"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["nodes"]["Paper"] >= 200
    assert report["related"]["paper"] == F2SA_TITLE
    assert [s["label"] for s in report["path"]][:1] == ["F2SA"] and report["path"][-1]["label"] == "MNIST"
    assert len(report["central"]["Method"]) == 3 and report["communities"]


def test_cli_analyze_unknown_name_is_one_line(bundled_build, capsys):
    out, _, _ = bundled_build
    assert main(["analyze", str(out / "graph.ttl"), "--path", "F2SA", "zzz-nothing"]) == 5
    assert capsys.readouterr().err.count("\n") == 1
