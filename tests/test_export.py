"""Every export format round-trips: on the bundled graph, on hostile labels, and under hypothesis.

RDF exports parse back isomorphic with rdflib and triple-for-triple with pyoxigraph (a second,
strict parser); GraphML, GEXF and node-link JSON read back with networkx unchanged; CSV and
Cytoscape JSON reload to the same counts. Graphs come from the real pipeline.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import networkx as nx
import pyoxigraph
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import RDF, Literal
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import DCTERMS, SKOS, XSD

from kg.analyze import project
from kg.errors import ExportError, GraphError
from kg.export import (
    FORMATS,
    LIST_SEPARATOR,
    csv_paths,
    export,
    jsonld_context,
    node_table,
    paper_dataset,
    xml_safe,
)
from kg.link import link
from kg.model import Claim, Extraction, Mention, Paper
from kg.rdf import load, mint, to_graph
from kg.textnorm import canonical_key
from kg.vocab import KG

HOSTILE_JSONL = Path(__file__).parent / "data" / "hostile" / "papers.jsonl"
RDF_FORMATS = [name for name, f in FORMATS.items() if f.kind == "rdf"]
NETWORK_FORMATS = [name for name, f in FORMATS.items() if f.kind == "network"]
OXIGRAPH = {
    "turtle": pyoxigraph.RdfFormat.TURTLE,
    "nt": pyoxigraph.RdfFormat.N_TRIPLES,
    "jsonld": pyoxigraph.RdfFormat.JSON_LD,
    "xml": pyoxigraph.RdfFormat.RDF_XML,
    "nquads": pyoxigraph.RdfFormat.N_QUADS,
    "trig": pyoxigraph.RdfFormat.TRIG,
}
RDFLIB = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml", "nquads": "nquads", "trig": "trig"}
XML_ILLEGAL = {chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"} | {"\ufffe", "\uffff"}


# ---------------------------------------------------------------------------------------------
# Helpers


def assert_isomorphic(expected: rdflib.Graph, actual: rdflib.Graph) -> None:
    """Like rdflib's GraphHelper.assert_isomorphic: on failure, show what differs."""
    if isomorphic(expected, actual):
        return
    _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    show = lambda g: "\n".join(sorted(f"  {s.n3()} {p.n3()} {o.n3()[:200]}" for s, p, o in g)[:10])  # noqa: E731
    pytest.fail(f"graphs differ\nonly in expected ({len(only_expected)}):\n{show(only_expected)}\n"
                f"only in actual ({len(only_actual)}):\n{show(only_actual)}")


def parse_rdflib(path: Path, name: str) -> rdflib.Graph:
    """The export at ``path`` parsed by rdflib, named graphs merged into one graph."""
    if name in ("nquads", "trig"):
        dataset = rdflib.Dataset()
        dataset.parse(path, format=RDFLIB[name])
        merged = rdflib.Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            merged.add((s, p, o))
        return merged
    if name == "jsonld":
        return load(path)  # kg.rdf.load: refuses remote contexts
    return rdflib.Graph().parse(path, format=RDFLIB[name])


def _ox_term(term) -> tuple:
    if isinstance(term, pyoxigraph.Literal):
        kind = term.language or term.datatype.value
        return ("literal", term.value, kind)
    return ("iri", term.value)


def _rdflib_term(term) -> tuple:
    if isinstance(term, Literal):
        kind = term.language or str(term.datatype or XSD.string)
        return ("literal", str(term), kind)
    return ("iri", str(term))


def oxigraph_triples(path: Path, name: str) -> set[tuple]:
    quads = pyoxigraph.parse(path=str(path), format=OXIGRAPH[name])
    return {(_ox_term(q.subject), _ox_term(q.predicate), _ox_term(q.object)) for q in quads}


def rdflib_triples(graph: rdflib.Graph) -> set[tuple]:
    return {tuple(map(_rdflib_term, triple)) for triple in graph}


def xml_cleaned(graph: rdflib.Graph) -> rdflib.Graph:
    """What the RDF/XML export promises to keep: literals without XML-illegal characters."""
    out = rdflib.Graph()
    for s, p, o in graph:
        if isinstance(o, Literal):
            o = Literal("".join(ch for ch in str(o) if ch not in XML_ILLEGAL), lang=o.language, datatype=o.datatype)
        out.add((s, p, o))
    return out


def check_rdf_roundtrip(graph: rdflib.Graph, directory: Path, name: str) -> None:
    path = directory / f"graph{FORMATS[name].extension}"
    result = export(graph, path, name)
    assert result.paths == (path,) and path.is_file()
    expected = xml_cleaned(graph) if name == "xml" else graph
    assert_isomorphic(expected, parse_rdflib(path, name))
    assert oxigraph_triples(path, name) == rdflib_triples(expected)


def flat_projection(graph: rdflib.Graph, xml: bool) -> tuple[dict, dict]:
    """Nodes and edges as the flat exports promise them (from the real projection)."""
    projection = project(graph)
    _, rows = node_table(projection)
    nodes = {}
    for node, row in rows:
        flat = {k: LIST_SEPARATOR.join(v) if isinstance(v, list) else v for k, v in row.items()}
        nodes[node] = {k: xml_safe(v) if xml and isinstance(v, str) else v for k, v in flat.items()}
    edges = {(s, t): d["relation"] for s, t, d in projection.edges(data=True)}
    return nodes, edges


def check_network_roundtrip(graph: rdflib.Graph, directory: Path, name: str) -> None:
    path = directory / f"graph{FORMATS[name].extension}"
    result = export(graph, path, name)
    projection = project(graph)
    if name == "graphml":
        back = nx.read_graphml(path)
        nodes, edges = flat_projection(graph, xml=True)
        assert dict(back.nodes(data=True)) == nodes
        assert {(s, t): d["relation"] for s, t, d in back.edges(data=True)} == edges
        assert_every_graphml_node_has_every_key(path)
    elif name == "gexf":
        back = nx.read_gexf(path)
        nodes, edges = flat_projection(graph, xml=True)
        assert dict(back.nodes(data=True)) == nodes
        assert {(s, t): d["relation"] for s, t, d in back.edges(data=True)} == edges
        assert_every_gexf_node_has_every_attribute(path)
    elif name == "json":
        back = nx.node_link_graph(json.loads(path.read_text("utf-8")), edges="edges")
        assert dict(back.nodes(data=True)) == dict(projection.nodes(data=True))
        assert {(s, t): d for s, t, d in back.edges(data=True)} == {(s, t): d for s, t, d in projection.edges(data=True)}
        assert back.is_directed()
    elif name == "cytoscape":
        elements = json.loads(path.read_text("utf-8"))["elements"]
        ids = {n["data"]["id"] for n in elements["nodes"]}
        assert ids == set(projection.nodes)
        assert all({"id", "label", "name", "kind"} <= n["data"].keys() for n in elements["nodes"])
        assert {(e["data"]["source"], e["data"]["target"]) for e in elements["edges"]} == set(projection.edges)
        assert len({e["data"]["id"] for e in elements["edges"]}) == projection.number_of_edges()
    elif name == "csv":
        nodes_path, edges_path = result.paths
        with nodes_path.open(encoding="utf-8", newline="") as handle:
            node_rows = list(csv.DictReader(handle))
        with edges_path.open(encoding="utf-8", newline="") as handle:
            edge_rows = list(csv.DictReader(handle))
        assert len(node_rows) == projection.number_of_nodes()
        assert len(edge_rows) == projection.number_of_edges()
        assert {r["id"] for r in node_rows} == set(projection.nodes)
        assert len({r["id"] for r in edge_rows}) == len(edge_rows), "edge ids are unique"
        assert {r["source"] for r in edge_rows} | {r["target"] for r in edge_rows} <= set(projection.nodes)
        assert Counter(r["relation"] for r in edge_rows) == Counter(d["relation"] for *_, d in projection.edges(data=True))
    else:  # pragma: no cover - a new format needs a round-trip check here
        pytest.fail(f"no round-trip check for {name}")


def assert_every_graphml_node_has_every_key(path: Path) -> None:
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.parse(path).getroot()
    keys = {k.get("id") for k in root.findall("g:key", ns) if k.get("for") == "node"}
    nodes = list(root.iter("{http://graphml.graphdrawing.org/xmlns}node"))
    assert keys or not nodes
    for node in nodes:
        assert {d.get("key") for d in node.findall("g:data", ns)} == keys, node.get("id")


def assert_every_gexf_node_has_every_attribute(path: Path) -> None:
    root = ET.parse(path).getroot()
    ns = root.tag.split("}")[0] + "}"
    declared = {a.get("id") for attrs in root.iter(ns + "attributes") if attrs.get("class") == "node"
                for a in attrs.findall(ns + "attribute")}
    nodes = list(root.iter(ns + "node"))
    assert declared or not nodes
    for node in nodes:
        assert node.get("label") is not None
        assert {v.get("for") for v in node.iter(ns + "attvalue")} == declared, node.get("id")


# ---------------------------------------------------------------------------------------------
# Hostile graphs, through the real pipeline


def _hostile_records() -> list[dict]:
    return [json.loads(line) for line in HOSTILE_JSONL.read_text("utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    """``kg.pipeline.build`` of the hostile JSONL: real ingest, spaCy, linking, graph, SHACL."""
    from kg.pipeline import build

    out = tmp_path_factory.mktemp("hostile-build")
    result = build([HOSTILE_JSONL], out, html=False)
    return result, load(out / "graph.ttl")


@pytest.fixture(scope="module")
def hostile_graph(hostile_build):
    return hostile_build[1]


def raw_hostile_graph() -> rdflib.Graph:
    """The hostile texts, control characters and all, as extractions fed to link and to_graph.

    Ingest strips control characters, so this is the way they reach the graph builder: each
    paper's title is also a Method mention, a slice of its abstract a Dataset mention, and
    its abstract a quantitative claim comparing the two.
    """
    extractions = []
    for record in _hostile_records():
        title, abstract = record["title"], record["abstract"]
        paper = Paper(id=record["id"], title=title, abstract=abstract, url="https://example.org/a b\"<>",
                      authors=("O'Brien \"Bob\"", "\u05e9\u05dc\u05d5\u05dd\u200f"), year=2024)
        method = Mention(title, "Method", 0, len(title), "title", title, role="proposed", confidence=0.9,
                         canonical=canonical_key(title) or title, short_form=None)
        data_text = abstract[:40]
        dataset = Mention(data_text, "Dataset", 0, 40, "abstract", abstract, confidence=0.6,
                          canonical=canonical_key(data_text) or data_text)
        claim = Claim(abstract, 0, len(abstract), "quantitative", value=3.5, unit="%\x01\"", value_text="3.5%\r\n<",
                      subject=title, dataset=data_text, direction="improves", confidence=0.7)
        extractions.append(Extraction(paper, (method, dataset), (claim,), ("https://github.com/x/y\"><script>",)))
    return to_graph(link(extractions))


def test_hostile_build_is_real_and_valid(hostile_build):
    result, graph = hostile_build
    assert result.papers == len(_hostile_records()) == 7
    assert result.conforms is True, "SHACL validation of the hostile build"
    titles = {str(t) for t in graph.objects(None, DCTERMS.title)}
    assert any("</script>" in t for t in titles) and any('"""' in t for t in titles)
    assert any("\u200f" in t for t in titles), "the right-to-left mark survives ingest"
    assert sum(1 for _ in graph.subjects(RDF.type, KG.Method)) >= 5, "spaCy found methods in hostile text"


def test_raw_hostile_graph_holds_controls_and_newlines():
    graph = raw_hostile_graph()
    labels = [str(o) for o in graph.objects(None, SKOS.prefLabel)]
    assert any("\x07" in label for label in labels) and any("</script>" in label for label in labels)
    assert any("\r\n" in str(o) for o in graph.objects(None, KG.evidence))


# ---------------------------------------------------------------------------------------------
# The format table and the CLI


def test_format_table_names_every_format_once():
    assert list(FORMATS) == ["turtle", "nt", "jsonld", "xml", "nquads", "trig", "graphml", "gexf", "json", "cytoscape", "csv"]
    assert len({f.extension for f in FORMATS.values()}) == len(FORMATS)
    assert all(f.opens_with and f.kind in ("rdf", "network") for f in FORMATS.values())


def run_kg(*args):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    return subprocess.run([sys.executable, "-m", "kg.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=600, env=env)


def test_cli_list_shows_every_format():
    result = run_kg("export", "--list")
    assert result.returncode == 0, result.stderr
    for f in FORMATS.values():
        line = next(line for line in result.stdout.splitlines() if line.split()[:1] == [f.name])
        assert f.extension in line and f.opens_with.split(",")[0] in line


def test_cli_export_and_errors(tmp_path, hostile_build):
    graph_path = tmp_path / "hostile.ttl"
    export(hostile_build[1], graph_path, "turtle")
    result = run_kg("export", graph_path, "--format", "gexf", "-o", tmp_path / "h.gexf")
    assert result.returncode == 0, result.stderr
    assert "h.gexf" in result.stdout and nx.read_gexf(tmp_path / "h.gexf").number_of_nodes() > 0
    inferred = run_kg("export", graph_path, "-o", tmp_path / "h.jsonld")
    assert inferred.returncode == 0 and (tmp_path / "h.jsonld").is_file()
    unknown = run_kg("export", graph_path, "--format", "dot", "-o", tmp_path / "h.dot")
    assert unknown.returncode == 7 and "unknown export format 'dot'" in unknown.stderr and "kg export --list" in unknown.stderr
    no_suffix = run_kg("export", graph_path, "-o", tmp_path / "h.unknown")
    assert no_suffix.returncode == 7 and "pass --format" in no_suffix.stderr
    assert "Traceback" not in no_suffix.stderr
    missing = run_kg("export", tmp_path / "nope.ttl", "--format", "nt", "-o", tmp_path / "x.nt")
    assert missing.returncode == 4 and "kg build" in missing.stderr


def test_export_api_errors(tmp_path, hostile_graph):
    with pytest.raises(ExportError, match="unknown export format 'dot'"):
        export(hostile_graph, tmp_path / "g.dot", "dot")
    with pytest.raises(ExportError, match="is a directory"):
        export(hostile_graph, tmp_path, "turtle")


# ---------------------------------------------------------------------------------------------
# Round trips on the bundled graph


@pytest.fixture(scope="module")
def bundled_exports(bundled_graph, tmp_path_factory):
    return tmp_path_factory.mktemp("bundled-exports")


@pytest.mark.parametrize("name", RDF_FORMATS)
@pytest.mark.parametrize("graph", ["bundled_graph", "hostile_graph"])
def test_rdf_roundtrip(graph, name, request, tmp_path):
    """Every RDF format back through rdflib: the real bundled graph and the hostile one."""
    check_rdf_roundtrip(request.getfixturevalue(graph), tmp_path, name)


@pytest.mark.parametrize("name", NETWORK_FORMATS)
@pytest.mark.parametrize("graph", ["bundled_graph", "hostile_graph"])
def test_network_roundtrip(graph, name, request, tmp_path):
    """Every network format back through networkx: the real bundled graph and the hostile one."""
    check_network_roundtrip(request.getfixturevalue(graph), tmp_path, name)


def test_bundled_turtle_export_is_the_build_output(bundled_build, bundled_graph, bundled_exports):
    """Canonical Turtle: the export of the loaded graph is byte-identical to what kg build wrote."""
    out, _, _ = bundled_build
    path = bundled_exports / "again.ttl"
    export(bundled_graph, path, "turtle")
    assert path.read_bytes() == (out / "graph.ttl").read_bytes()


def test_named_graphs_split_per_paper(bundled_graph):
    dataset = paper_dataset(bundled_graph)
    papers = set(bundled_graph.subjects(RDF.type, KG.Paper))
    named = {g.identifier: g for g in dataset.graphs() if g.identifier != dataset.default_graph.identifier and len(g)}
    assert set(named) == papers
    shared = dataset.default_graph
    assert not set(shared.subjects(RDF.type, KG.Paper)) and not set(shared.subjects(RDF.type, KG.Mention))
    assert set(shared.subjects(RDF.type, KG.Method)), "entity descriptions are shared"
    for paper, part in named.items():
        assert part.value(paper, DCTERMS.title) is not None
        assert not set(part.subjects(SKOS.prefLabel, None)), "no entity description inside a paper's graph"
        for subject in set(part.subjects()):
            assert (subject == paper or (paper, KG.hasMention, subject) in bundled_graph
                    or (subject, KG.claimOf, paper) in bundled_graph or (paper, KG.statesRelation, subject) in bundled_graph)
    assert any((paper, KG.statesRelation, None) in part for paper, part in named.items()), "relation evidence is the paper's"
    assert len(shared) + sum(len(g) for g in named.values()) == len(bundled_graph)


def test_jsonld_reads_as_plain_names(bundled_exports, bundled_graph):
    path = bundled_exports / "names.jsonld"
    export(bundled_graph, path, "jsonld")
    document = json.loads(path.read_text("utf-8"))
    assert document["@context"] == jsonld_context()
    keys = {key for node in document["@graph"] for key in node}
    assert {"title", "abstract", "proposes", "hasMention", "prefLabel", "confidence", "evidence"} <= keys
    assert not [k for k in keys if ":" in k], "every key is a plain name or a JSON-LD keyword"
    types = Counter(t for node in document["@graph"] for t in ([node["@type"]] if isinstance(node.get("@type"), str) else node.get("@type", [])))
    assert types["Paper"] == 243 and types["Method"] > 0


def test_jsonld_remote_context_is_refused(tmp_path):
    path = tmp_path / "remote.jsonld"
    path.write_text(json.dumps({"@context": "https://example.org/context.jsonld", "@id": "urn:x", "name": "y"}))
    with pytest.raises(GraphError, match="remote JSON-LD context"):
        load(path)
    nested = tmp_path / "nested.jsonld"
    nested.write_text(json.dumps({"@context": [{"@import": "https://example.org/c"}], "@id": "urn:x"}))
    with pytest.raises(GraphError, match="never fetches"):
        load(nested)



@pytest.mark.parametrize("name", RDF_FORMATS)
def test_raw_hostile_rdf_roundtrip(tmp_path, name):
    check_rdf_roundtrip(raw_hostile_graph(), tmp_path, name)


@pytest.mark.parametrize("name", NETWORK_FORMATS)
def test_raw_hostile_network_roundtrip(tmp_path, name):
    check_network_roundtrip(raw_hostile_graph(), tmp_path, name)


def test_xml_export_says_what_it_removed(tmp_path):
    result = export(raw_hostile_graph(), tmp_path / "g.rdf", "xml")
    assert len(result.notes) == 1 and "XML 1.0 cannot hold" in result.notes[0]
    assert export(raw_hostile_graph(), tmp_path / "g.ttl", "turtle").notes == ()


@pytest.mark.parametrize("name", ["graphml", "gexf"])
def test_xml_network_exports_are_well_formed_and_clean(tmp_path, name):
    path = export(raw_hostile_graph(), tmp_path / f"g.{name}", name).paths[0]
    text = path.read_text("utf-8")
    assert not XML_ILLEGAL & set(text)
    root = ET.fromstring(path.read_bytes())  # a strict XML 1.0 parser
    labels = " ".join(el.get("value", "") + (el.text or "") for el in root.iter())
    assert "</script>" in labels and "\u200f" in labels, "hostile text is kept as text, escaped"


def test_csv_cells_never_become_formulas(tmp_path, hostile_graph):
    nodes_path, _ = export(hostile_graph, tmp_path / "out" / "kg", "csv").paths
    with nodes_path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    text_cells = [value for row in rows for key, value in row.items() if key not in ("confidence", "papers", "value")]
    assert any(cell.startswith("'=HYPERLINK") for cell in text_cells)
    assert not [cell for cell in text_cells if cell[:1] in ("=", "+", "-", "@")]


def test_csv_paths_directory_and_prefix(tmp_path):
    assert csv_paths(tmp_path) == (tmp_path / "nodes.csv", tmp_path / "edges.csv")
    assert csv_paths(f"{tmp_path}/new/") == (tmp_path / "new" / "nodes.csv", tmp_path / "new" / "edges.csv")
    assert csv_paths(tmp_path / "kg.csv") == (tmp_path / "kg-nodes.csv", tmp_path / "kg-edges.csv")
    result = export(raw_hostile_graph(), f"{tmp_path}/dir/", "csv")
    assert [p.name for p in result.paths] == ["nodes.csv", "edges.csv"]


def test_export_does_not_change_the_graph(tmp_path):
    graph = raw_hostile_graph()
    before = set(graph)
    for name in FORMATS:
        export(graph, tmp_path / f"g{FORMATS[name].extension}", name)
    assert set(graph) == before


def test_exports_are_deterministic_across_processes(tmp_path, hostile_build):
    """Two processes with different hash seeds write byte-identical files in every format."""
    source = tmp_path / "hostile.ttl"
    export(hostile_build[1], source, "turtle")
    script = (
        "import sys; from kg.rdf import load; from kg.export import FORMATS, export\n"
        "g = load(sys.argv[1])\n"
        "for name, f in FORMATS.items(): export(g, sys.argv[2] + '/g' + f.extension, name)\n"
    )
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}"
        out.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
        subprocess.run([sys.executable, "-c", script, str(source), str(out)], check=True, env=env, timeout=600)
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert len(outputs[0]) == len(FORMATS) + 1  # csv writes two files
    for name in outputs[0]:
        assert outputs[0][name] == outputs[1][name], f"{name} differs between runs"


# ---------------------------------------------------------------------------------------------
# Property tests: generated labels through minting, linking, every serializer and two parsers

HOSTILE_CHARS = list('"\'<>{}|^`\\&;:@=+-#%/ ]]>\n\r\t\x00\x01\x0b\x0c\x1b\x7f\x85\u200e\u200f\u202e\u2028\ufeff\ufffe\U0001f600')
# any text, and text made only of what breaks writers
label_text = st.one_of(st.text(min_size=1, max_size=60), st.text(st.sampled_from(HOSTILE_CHARS), min_size=1, max_size=60))


def generated_graph(title: str, label: str, evidence: str) -> rdflib.Graph:
    paper = Paper(id=title, title=title, abstract=evidence, authors=(label,))
    mention = Mention(label, "Method", 0, len(label), "abstract", evidence, role="proposed",
                      canonical=canonical_key(label) or label)
    claim = Claim(evidence, 0, len(evidence), "comparative", subject=label, value_text=label, confidence=0.5)
    return to_graph(link([Extraction(paper, (mention,), (claim,), (label,))]))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=label_text, label=label_text, evidence=label_text)
def test_generated_labels_roundtrip_every_rdf_format(title, label, evidence):
    graph = generated_graph(title, label, evidence)
    iri = mint("https://w3id.org/kg-papers/id/", "method", label)
    assert str(iri).isascii() and not set(str(iri)) & set(" <>\"{}|^`\\")
    with tempfile.TemporaryDirectory() as directory:
        for name in RDF_FORMATS:
            check_rdf_roundtrip(graph, Path(directory), name)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=label_text, label=label_text, evidence=label_text)
def test_generated_labels_roundtrip_every_network_format(title, label, evidence):
    graph = generated_graph(title, label, evidence)
    with tempfile.TemporaryDirectory() as directory:
        for name in NETWORK_FORMATS:
            check_network_roundtrip(graph, Path(directory), name)



@pytest.mark.parametrize("name", list(FORMATS))
def test_empty_graph_exports_and_reads_back_empty(tmp_path, name):
    result = export(rdflib.Graph(), tmp_path / f"empty{FORMATS[name].extension}", name)
    assert all(path.is_file() for path in result.paths)
    if name in RDF_FORMATS:
        assert len(parse_rdflib(result.paths[0], name)) == 0
        assert oxigraph_triples(result.paths[0], name) == set()
    else:
        check_network_roundtrip(rdflib.Graph(), tmp_path, name)
