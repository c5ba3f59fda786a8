"""The on-disk store: same triples and the same SPARQL answers as the in-memory graph."""

from __future__ import annotations

import contextlib
import io
import re

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS

from kg.errors import GraphError
from kg.store import open_graph, write_store
from kg.vocab import KG

PREFIXES = """
PREFIX kg: <https://w3id.org/kg-papers/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

#: representative questions: joins, aggregates, filters on typed values, optional parts, ASK
QUERIES = {
    "methods-for-task": """
        SELECT ?method ?label WHERE {
          ?paper kg:addresses ?task . ?task skos:prefLabel ?taskLabel .
          FILTER(CONTAINS(LCASE(?taskLabel), "bilevel optimization"))
          ?paper kg:proposes|kg:uses ?method . ?method skos:prefLabel ?label }""",
    "datasets-by-papers": """
        SELECT ?dataset (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
          ?paper kg:evaluatesOn ?dataset } GROUP BY ?dataset HAVING (COUNT(DISTINCT ?paper) > 1)""",
    "claims-with-values": """
        SELECT ?paper ?value ?unit ?metric WHERE {
          ?claim kg:claimOf ?paper ; kg:value ?value .
          OPTIONAL { ?claim kg:unit ?unit } OPTIONAL { ?claim kg:measuredBy ?metric }
          FILTER(?value > 10) }""",
    "outperforms": "SELECT ?a ?b WHERE { ?a kg:outperforms ?b }",
    "proposed-with-alias": """
        SELECT ?paper ?label ?alias WHERE {
          ?paper kg:proposes ?m . ?m skos:prefLabel ?label ; skos:altLabel ?alias }""",
    "code-per-paper": "SELECT ?title ?code WHERE { ?p dcterms:title ?title ; kg:hasCode ?code }",
    "ask-f2sa": 'ASK { ?m skos:altLabel|skos:prefLabel "F2SA" }',
}


def _norm(term):
    """Compare literals by value: Oxigraph stores xsd:decimal in canonical form ('1' for '1.0')."""
    if isinstance(term, Literal):
        return ("literal", term.value if term.value is not None else str(term), term.datatype, term.language)
    return term


def _answers(graph, query, **bindings):
    result = graph.query(PREFIXES + query, initBindings=bindings or None)
    if result.type == "ASK":
        return result.askAnswer
    return sorted((tuple(_norm(v) for v in row) for row in result), key=repr)


@pytest.fixture(scope="module")
def stored(bundled_store):
    graph = open_graph(bundled_store[0])
    yield graph
    graph.close()


def test_store_build_reuses_the_cache_and_holds_the_same_triples(bundled_store, bundled_graph, stored):
    _, stdout = bundled_store
    assert "extracted 0, from cache 243" in stdout
    assert len(stored) == len(bundled_graph)
    assert {tuple(map(_norm, t)) for t in stored} == {tuple(map(_norm, t)) for t in bundled_graph}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_sparql_answers_match_the_in_memory_graph(name, stored, bundled_graph):
    expected = _answers(bundled_graph, QUERIES[name])
    assert expected, f"{name} finds nothing on the bundled graph: the comparison would prove nothing"
    assert _answers(stored, QUERIES[name]) == expected


def test_bound_parameters_give_the_same_answers(stored, bundled_graph):
    """rdflib's initBindings, projected or not (Oxigraph substitutes only projected ones)."""
    mnist = next(bundled_graph.subjects(URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), Literal("MNIST")))
    query = "SELECT ?title WHERE { ?p kg:evaluatesOn ?d ; dcterms:title ?title }"
    assert _answers(stored, query, d=mnist) == _answers(bundled_graph, query, d=mnist) != []
    projected = "SELECT ?d ?title WHERE { ?p kg:evaluatesOn ?d ; dcterms:title ?title }"
    assert _answers(stored, projected, d=mnist) == _answers(bundled_graph, projected, d=mnist) != []


def test_triple_lookups_with_plain_literals_work_on_the_store(stored, bundled_graph):
    title = "A Fully First-Order Method for Stochastic Bilevel Optimization"
    paper = next(stored.subjects(DCTERMS.title, Literal(title)))
    assert paper == next(bundled_graph.subjects(DCTERMS.title, Literal(title)))
    assert set(stored.objects(paper, KG.proposes)) == set(bundled_graph.objects(paper, KG.proposes))


def test_the_store_is_read_only(stored):
    with pytest.raises(GraphError, match="read-only"):
        stored.add((URIRef("https://e.org/a"), URIRef("https://e.org/p"), Literal("x")))


def test_render_reads_the_store_like_the_graph_file(bundled_store, bundled_build, tmp_path):
    from kg.cli import main

    out, _, _ = bundled_build
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        for name, graph in (("file", out / "graph.ttl"), ("store", bundled_store[0])):
            assert main(["render", str(graph), "-o", str(tmp_path / f"{name}.html"), "--focus", "F2SA"]) == 0
    counts = re.findall(r"(\d+)\s+nodes,\s+(\d+)\s+edges", buffer.getvalue())
    assert len(counts) == 2 and counts[0] == counts[1], buffer.getvalue()
    assert "F2SA" in (tmp_path / "store.html").read_text("utf-8")


#: every named query with parameters that find something on the bundled corpus
NAMED = [
    ("methods-for-task", {"task": "bilevel optimization"}),
    ("papers-on-dataset", {"dataset": "mnist"}),
    ("paper-claims", {"paper": "policy alignment in reinforcement"}),
    ("leaderboard", {"metric": "accuracy"}),
    ("outperforms", {}),
    ("outperforms", {"method": "gflownets"}),
    ("top-datasets-metrics", {}),
    ("aliases", {"name": "fully first-order stochastic approximation"}),
    ("papers-with-code", {"search": "infrared small"}),
    ("related-papers", {"paper": "A Fully First-Order Method for Stochastic Bilevel Optimization"}),
    ("evaluated-on", {"dataset": "gsm8k"}),
    ("compared-with", {"method": "ppo"}),
]


@pytest.mark.parametrize("name,params", NAMED, ids=[f"{n}-{'-'.join(p) or 'all'}" for n, p in NAMED])
def test_named_queries_give_the_same_answers_on_the_store(name, params, stored, bundled_graph):
    from kg.query import named_queries, run_named

    assert {n for n, _ in NAMED} == set(named_queries()), "a named query is missing from this test"
    expected = run_named(bundled_graph, name, params)
    assert expected.rows, f"{name} finds nothing on the bundled graph: the comparison would prove nothing"
    answer = run_named(stored, name, params)
    assert answer.vars == expected.vars

    def norm(term):  # GROUP_CONCAT joins in no defined order: compare the joined parts as a set
        if isinstance(term, Literal) and " | " in str(term):
            return tuple(sorted(str(term).split(" | ")))
        return _norm(term)

    assert sorted((tuple(map(norm, r)) for r in answer.rows), key=repr) == sorted(
        (tuple(map(norm, r)) for r in expected.rows), key=repr
    )


@pytest.mark.parametrize("name,params", NAMED, ids=[f"{n}-{'-'.join(p) or 'all'}" for n, p in NAMED])
def test_named_queries_run_inside_oxigraph_on_the_store(name, params, stored, monkeypatch):
    """No named query falls back to rdflib evaluating over the store (seconds at 100k papers)."""
    from kg.query import run_named
    from kg.store import OxigraphReadOnly

    fallbacks = []
    native = OxigraphReadOnly.query

    def spy(self, *args, **kwargs):
        try:
            return native(self, *args, **kwargs)
        except NotImplementedError as err:
            fallbacks.append(str(err))
            raise

    monkeypatch.setattr(OxigraphReadOnly, "query", spy)
    assert run_named(stored, name, params).rows
    assert fallbacks == []


def test_a_bound_value_stays_a_literal_whatever_it_holds(stored, bundled_graph):
    """Bindings become constants in the text Oxigraph runs: quotes, braces and keywords in a
    value must stay inside the literal (netguard fails the test if SERVICE were reached)."""
    query = "SELECT ?m WHERE { ?m skos:prefLabel ?name }"
    hostile = Literal('x" } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } # \\ \n')
    assert _answers(stored, query, name=hostile) == _answers(bundled_graph, query, name=hostile) == []
    assert _answers(stored, query, name=Literal("F2SA")) == _answers(bundled_graph, query, name=Literal("F2SA")) != []


def test_query_command_gives_the_same_answers_on_the_store(bundled_store, bundled_build):
    from kg.cli import main

    out, _, _ = bundled_build
    runs = []
    for graph in (out / "graph.ttl", bundled_store[0]):
        buffer = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")  # the CSV writer writes bytes
        with contextlib.redirect_stdout(buffer):
            code = main(["query", str(graph), "--name", "papers-on-dataset", "--param", "dataset=mnist", "--format", "csv"])
        buffer.flush()
        runs.append((code, sorted(buffer.buffer.getvalue().decode("utf-8").splitlines())))
    assert runs[0] == runs[1] and runs[0][0] == 0


def test_a_folder_that_is_not_a_store_is_refused_not_overwritten(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "holiday.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(GraphError, match="not a kg store"):
        open_graph(folder)
    shard = tmp_path / "s.nt"
    shard.write_text('<https://e.org/a> <https://e.org/p> "x" .\n', "utf-8")
    with pytest.raises(GraphError, match="not a kg store"):
        write_store([shard], folder)
    assert (folder / "holiday.jpg").read_bytes() == b"\xff\xd8"


def test_rebuilding_a_store_replaces_it_and_leaves_nothing_behind(tmp_path):
    first, second = tmp_path / "1.nt", tmp_path / "2.nt"
    first.write_text('<https://e.org/a> <https://e.org/p> "old" .\n', "utf-8")
    second.write_text('<https://e.org/a> <https://e.org/p> "new" .\n', "utf-8")
    write_store([first], tmp_path / "store")
    write_store([second], tmp_path / "store")
    graph = open_graph(tmp_path / "store")
    assert [str(o) for o in graph.objects()] == ["new"]
    graph.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1.nt", "2.nt", "store"]


def test_a_broken_shard_names_itself_and_the_old_store_stays(tmp_path):
    good, broken = tmp_path / "good.nt", tmp_path / "broken.nt"
    good.write_text('<https://e.org/a> <https://e.org/p> "old" .\n', "utf-8")
    broken.write_text('<https://e.org/a> <https://e.org/p> "unclosed .\n', "utf-8")
    write_store([good], tmp_path / "store")
    with pytest.raises(GraphError, match=r"broken\.nt: not valid N-Triples"):
        write_store([good, broken], tmp_path / "store")
    graph = open_graph(tmp_path / "store")
    assert [str(o) for o in graph.objects()] == ["old"]
    graph.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.nt", "good.nt", "store"]


def test_shards_rendered_while_loading_all_arrive_and_a_failing_renderer_changes_nothing(tmp_path):
    def rendered(count: int, fail_after: int | None = None):
        for index in range(count):
            if index == fail_after:
                raise RuntimeError("renderer died")
            shard = tmp_path / f"part-{index}.nt"
            shard.write_text("".join(f'<https://e.org/s{index}-{n}> <https://e.org/p> "{n}" .\n' for n in range(500)), "utf-8")
            yield shard

    write_store(rendered(6), tmp_path / "store")
    graph = open_graph(tmp_path / "store")
    assert len(graph) == 3000
    graph.close()
    with pytest.raises(RuntimeError, match="renderer died"):
        write_store(rendered(6, fail_after=3), tmp_path / "store")
    graph = open_graph(tmp_path / "store")
    assert len(graph) == 3000
    graph.close()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".store")]


def test_export_reads_the_store_like_the_graph_file(bundled_store, bundled_build, tmp_path):
    """kg export loads through kg.rdf.load, which opens store folders: same triples out."""
    from rdflib import Graph

    from kg.cli import main

    out, _, _ = bundled_build
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["export", str(out / "graph.ttl"), "-o", str(tmp_path / "file.nt")]) == 0
        assert main(["export", str(bundled_store[0]), "-o", str(tmp_path / "store.nt")]) == 0
    from_file = Graph().parse(tmp_path / "file.nt", format="nt")
    from_store = Graph().parse(tmp_path / "store.nt", format="nt")
    assert len(from_store) == len(from_file) > 30000
    assert {tuple(map(_norm, t)) for t in from_store} == {tuple(map(_norm, t)) for t in from_file}
