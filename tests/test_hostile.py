"""Hostile text stays text: markup, quotes, </script>, bidi overrides and controls in every output.

Two halves:

* property tests (hypothesis) push generated titles, abstracts and entity labels through the
  real ingest hygiene, :func:`kg.rdf.mint` and every RDF serializer, and parse the results back
  with rdflib and pyoxigraph;
* an end-to-end ``kg build`` of ``tests/data/hostile.jsonl`` (papers written to attack each
  output) whose graph.ttl, N-Triples, JSON-LD, RDF/XML, extractions.jsonl and graph.html are
  checked, the page in headless Chromium.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pyoxigraph import RdfFormat
from pyoxigraph import parse as ox_parse
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from kg.ingest import IngestReport, read
from kg.link import link
from kg.model import Claim, Extraction, Mention
from kg.rdf import DEFAULT_BASE, mint, serialize, to_graph
from kg.textnorm import canonical_key
from kg.vocab import KG

DATA = Path(__file__).parent / "data"
HOSTILE = DATA / "hostile.jsonl"

#: kg.rdf.serialize format -> (rdflib parser name, pyoxigraph format)
SERIALIZATIONS = {
    "turtle": ("turtle", RdfFormat.TURTLE),
    "nt": ("nt", RdfFormat.N_TRIPLES),
    "json-ld": ("json-ld", RdfFormat.JSON_LD),
    "xml": ("xml", RdfFormat.RDF_XML),
    "trig": ("trig", RdfFormat.TRIG),  # our graph becomes one named graph: parsed into a Dataset
}

MINTED = re.compile(r"^[a-z-]+/[a-z0-9]+(?:-[a-z0-9]+)*-[0-9a-f]{8}$")
IRI_SAFE = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$")


# --------------------------------------------------------------------------- minting


@settings(max_examples=1000)
@given(key=st.text(), kind=st.sampled_from(["paper", "method", "task", "dataset", "metric", "code"]))
def test_minted_iris_are_slug_plus_hash_whatever_the_key(key, kind):
    iri = mint(DEFAULT_BASE, kind, key)
    assert iri == mint(DEFAULT_BASE, kind, key), "minting is deterministic"
    assert iri.startswith(DEFAULT_BASE)
    local = iri[len(DEFAULT_BASE) :]
    assert MINTED.match(local), local
    assert IRI_SAFE.match(str(iri)), "only unreserved/reserved IRI characters"


@settings(max_examples=500)
@given(st.text(min_size=1), st.text(min_size=1))
def test_keys_that_differ_get_different_iris(a, b):
    if a != b:
        assert mint(DEFAULT_BASE, "method", a) != mint(DEFAULT_BASE, "method", b)


def test_mint_known_value_and_hostile_key():
    assert mint(DEFAULT_BASE, "method", "F2SA") == URIRef(f"{DEFAULT_BASE}method/f2sa-dd40d7f5")
    hostile = mint(DEFAULT_BASE, "method", '<script>alert("x")</script> \u202e> """ ^^ @en')
    assert hostile == URIRef(f"{DEFAULT_BASE}method/script-alert-x-script-en-" + hostile[-8:])
    assert IRI_SAFE.match(str(hostile))


# --------------------------------------------------------------------------- every serializer


def _paper_graph(tmp: Path, title: str, abstract: str):
    """Title and abstract through the real JSONL reader, then to_graph; None if ingest refused them."""
    source = tmp / "generated.jsonl"
    source.write_text(json.dumps({"title": title, "abstract": abstract}) + "\n", encoding="utf-8")
    report = IngestReport()
    papers = list(read(source, report=report))
    if not papers:
        assert len(report.skipped) == 1 and report.skipped[0].line == 1
        return None, None
    paper = papers[0]
    key = canonical_key(paper.title) or paper.title
    mention = Mention(paper.title, "Method", 0, len(paper.title), "title", paper.title, role="proposed", confidence=0.9, canonical=key)
    claim = Claim(paper.abstract, 0, len(paper.abstract), "qualitative", subject=paper.title)
    code = (f"https://github.com/{paper.title}", "https://github.com/kg/safe-repo")  # any text, and a clean URL
    corpus = link([Extraction(paper, (mention,), (claim,), code)])
    return paper, to_graph(corpus)


def _parse_back(data: bytes, fmt: str) -> Graph:
    if fmt != "trig":
        return Graph().parse(data=data.decode("utf-8"), format=fmt)
    merged = Graph()
    for s, p, o, _ in Dataset().parse(data=data.decode("utf-8"), format=fmt).quads():
        merged.add((s, p, o))
    return merged


def _ox_triples(data: bytes, fmt) -> set[tuple[str, str, str]]:
    return {(q.subject.value, q.predicate.value, q.object.value) for q in ox_parse(data, format=fmt)}


def _str_triples(graph: Graph) -> set[tuple[str, str, str]]:
    return {(str(s), str(p), str(o)) for s, p, o in graph}


HOSTILE_TEXT = st.text() | st.sampled_from(
    [
        '<img src=x onerror="alert(1)">',
        "</script><script>alert(1)</script>",
        '""" ; <x> . @prefix a: <http://evil/> .',
        "]]><!-- --><![CDATA[",
        "\u202eevil\u202c \u2066isolate\u2069",
        "line\u2028separator\u2029paragraph\x85next",
        "\\u0022 \\\" \\n \\\\",
        "{{ '{' }} ${x} `cmd`",
        '{"@context": "http://192.0.2.1/ctx", "@id": "_:b0"}',
        "\ufffe\uffff\U0010ffff\U0001f600",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=HOSTILE_TEXT, abstract=HOSTILE_TEXT)
@example(title="0", abstract="\ufffe")  # found by this test: RDF/XML was not well-formed
@example(title="half \ud83d", abstract="a broken escape pair")  # was a UnicodeEncodeError when graph.ttl was written
def test_generated_text_survives_every_serializer(tmp_path, title, abstract):
    paper, graph = _paper_graph(tmp_path, title, abstract)
    if graph is None:
        return
    node = next(graph.subjects(RDF.type, KG.Paper))
    title = Literal(paper.title) if paper.title else None  # an abstract without a title is a paper with none
    assert graph.value(node, DCTERMS.title) == title
    assert all(IRI_SAFE.match(str(term)) for triple in graph for term in triple if isinstance(term, URIRef))
    expected = _str_triples(graph)
    for fmt, (rdflib_name, ox_format) in SERIALIZATIONS.items():
        data = serialize(graph, fmt)
        again = _parse_back(data, rdflib_name)
        assert again.value(node, DCTERMS.title) == title, fmt
        assert again.value(node, DCTERMS.abstract) == Literal(paper.abstract), fmt
        assert len(again) == len(graph), fmt
        assert _ox_triples(data, ox_format) == expected, fmt


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=HOSTILE_TEXT, abstract=HOSTILE_TEXT)
@example(title="</script><script>alert(1)</script>", abstract="<!-- <script>")
def test_generated_text_stays_data_in_the_html_page(tmp_path, title, abstract):
    """The page's tags never depend on the text: it travels only inside the JSON data block."""
    from kg.analyze import project
    from kg.render import render_html

    paper, graph = _paper_graph(tmp_path, title, abstract)
    if graph is None:
        return
    path = tmp_path / "graph.html"
    render_html(project(graph), path, title=paper.title)
    page = _PageParser()
    page.feed(path.read_text("utf-8"))
    assert page.tags == _benign_page_tags(tmp_path)
    data = json.loads(page.data)
    assert data["title"] == paper.title
    assert paper.title in _strings(data["nodes"]), "the paper's title reaches the page as it is"


def _strings(value) -> set[str]:
    found, stack = set(), [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            found.add(item)
    return found


class _PageParser(HTMLParser):
    """The page's start tags, and the text of its JSON data block."""

    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.data = ""
        self._in_data = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_data = tag == "script" and ("id", "kg-data") in attrs

    def handle_endtag(self, tag):
        self._in_data = False

    def handle_data(self, data):
        if self._in_data:
            self.data += data


_BENIGN: list[str] = []


def _benign_page_tags(tmp: Path) -> list[str]:
    if not _BENIGN:
        from kg.analyze import project
        from kg.render import render_html

        _, graph = _paper_graph(tmp, "A Benign Title", "A benign abstract.")
        render_html(project(graph), tmp / "benign.html", title="A Benign Title")
        page = _PageParser()
        page.feed((tmp / "benign.html").read_text("utf-8"))
        _BENIGN.extend(page.tags)
    return _BENIGN


# --------------------------------------------------------------------------- end to end: kg build


# The titles of tests/data/hostile.jsonl as they must come out: controls, bidi overrides and
# isolates removed, whitespace runs as one space, everything else (markup, quotes) kept as text.
HOSTILE_TITLES = {
    "Pwned Alpha: <img src=x onerror=\"alert('t1')\" data-pwned=1> Networks",
    "Pwned Beta \"\"\" ''' <!-- --> ]]> ^^<http://evil.example/> @prefix x: <http://evil.example/> .",
    "Pwned Gamma gnp.exe isolate \u200fRLM bell [31mred[0m",
    "Pwned Delta {{constructor.constructor('alert(1)')()}} ${alert(2)} `whoami` %s %n \\u0022",
    '=HYPERLINK("http://evil.example/","Pwned Epsilon")+@SUM(A1)',  # a spreadsheet formula
}
MARKUP_TAGS = {"script", "img", "svg", "iframe", "a", "b"}
HOSTILE_FILE_NAME = "<img src=x onerror=alert(9) data-pwned=1>'\"\x1b[2J.jsonl"


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    """``kg build tests/data/hostile.jsonl`` through the CLI: (out dir, exit code, graph)."""
    import contextlib
    import io

    from kg.cli import main
    from kg.rdf import load

    out = tmp_path_factory.mktemp("hostile")
    source = tmp_path_factory.mktemp("input") / HOSTILE_FILE_NAME  # the page title comes from the file name
    source.write_bytes(HOSTILE.read_bytes())
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(["build", str(source), "--out", str(out)])
    return out, code, load(out / "graph.ttl")


def _titles(graph: Graph) -> set[str]:
    return {str(graph.value(p, DCTERMS.title)) for p in graph.subjects(RDF.type, KG.Paper)}


def test_hostile_build_succeeds_and_keeps_every_title_as_text(hostile_build):
    out, code, graph = hostile_build
    assert code == 0
    assert _titles(graph) == HOSTILE_TITLES
    assert not (out / "skipped.jsonl").exists()
    turtle = (out / "graph.ttl").read_bytes()
    assert {str(o) for (_, p, o) in _ox_quads(turtle, RdfFormat.TURTLE) if p == str(DCTERMS.title)} == HOSTILE_TITLES
    for paper in graph.subjects(RDF.type, KG.Paper):
        assert str(paper).startswith(DEFAULT_BASE + "paper/") and IRI_SAFE.match(str(paper))
    assert all(IRI_SAFE.match(str(term)) for triple in graph for term in triple if isinstance(term, URIRef))


def _ox_quads(data: bytes, fmt):
    return {(q.subject.value, q.predicate.value, q.object.value) for q in ox_parse(data, format=fmt)}


@pytest.mark.parametrize("fmt", ["nt", "json-ld", "xml"])
def test_hostile_graph_round_trips_through_every_rdf_format(hostile_build, fmt, tmp_path):
    from rdflib.compare import isomorphic

    from kg.rdf import load, save

    _, _, graph = hostile_build
    suffix = {"nt": ".nt", "json-ld": ".jsonld", "xml": ".rdf"}[fmt]
    path = save(graph, tmp_path / f"graph{suffix}")
    again = load(path)  # kg's own loader: for JSON-LD it also checks there is no remote @context
    assert isomorphic(again, graph), fmt
    assert _titles(again) == HOSTILE_TITLES
    rdflib_name, ox_format = SERIALIZATIONS[fmt]
    assert _ox_quads(path.read_bytes(), ox_format) == _str_triples(graph)


def test_hostile_markup_is_no_element_in_rdf_xml(hostile_build):
    import xml.etree.ElementTree as ET

    _, _, graph = hostile_build
    tags = {element.tag.rsplit("}", 1)[-1] for element in ET.fromstring(serialize(graph, "xml")).iter()}
    assert not tags & MARKUP_TAGS, tags & MARKUP_TAGS


def test_hostile_json_ld_holds_the_titles_as_strings(hostile_build):
    _, _, graph = hostile_build
    document = json.loads(serialize(graph, "json-ld"))
    strings = set()
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            assert not isinstance(node.get("@context"), str)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str):
            strings.add(node)
    assert HOSTILE_TITLES <= strings


def test_hostile_extractions_are_json_with_exact_titles_and_offsets(hostile_build):
    out, _, _ = hostile_build
    records = [json.loads(line) for line in (out / "extractions.jsonl").read_text("utf-8").splitlines()]
    assert {r["title"] for r in records} == HOSTILE_TITLES
    by_title = {r["title"]: r for r in records}
    alpha = by_title[next(t for t in HOSTILE_TITLES if t.startswith("Pwned Alpha"))]
    assert any(e["text"] == "PwnNet" for e in alpha["entities"])
    # a code link never carries the markup that followed it in the abstract
    assert all(re.fullmatch(r"https?://[^\s\"'<>]+", url) for r in records for url in r["code"])


class _Tags(HTMLParser):
    """Every start tag of a page with its attributes, the way a browser's tokenizer splits them."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_hostile_html_has_no_injected_tag(hostile_build):
    out, _, _ = hostile_build
    page = (out / "graph.html").read_text("utf-8")
    parser = _Tags()
    parser.feed(page)
    assert [t for t, attrs in parser.tags if "data-pwned" in attrs] == []
    assert [t for t, _ in parser.tags].count("script") == 3  # data block, vis-network, ours
    for needle in ("</script><script>alert('a1')", "<img src=x onerror", "<svg onload", "<iframe srcdoc"):
        assert needle not in page


def test_hostile_page_in_chromium_shows_text_and_runs_nothing(hostile_build):
    import browser as chromium

    if reason := chromium.missing():
        pytest.skip(f"needs headless Chromium: {reason}")
    out, _, _ = hostile_build
    with chromium.Browser() as b:
        b.open(out / "graph.html")
        b.wait_for("return window.kgReady === true")
        assert b.requests() == [] and b.errors() == [] and b.dialogs() == []
        assert b.js("return document.querySelectorAll('[data-pwned]').length") == 0
        assert b.js("return document.scripts.length") == 3
        assert b.js("return document.title") == "kg: <img src=x onerror=alert(9) data-pwned=1>'\"[2J.jsonl"
        box = b.driver.find_element("id", "kg-search")
        box.send_keys("Pwned Alpha\n")
        panel = b.js("return document.getElementById('kg-panel-body').textContent")
        alpha = next(t for t in HOSTILE_TITLES if t.startswith("Pwned Alpha"))
        assert alpha in panel
        assert b.js("return document.querySelectorAll('[data-pwned], #kg-panel img, #kg-panel svg').length") == 0
        assert b.dialogs() == [] and b.errors() == []


def test_terminal_output_carries_no_escape_sequences_from_file_names(tmp_path):
    """A downloaded file's name is untrusted too: kg's messages never pass its controls to the terminal."""
    import contextlib
    import io

    from kg.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    name = "clear\x1b[2J\x07\u202eevil.jsonl"
    (folder / name).write_text('{"title": "A Paper", "abstract": "An abstract."}\n{not json\n', encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["build", str(folder), "--out", str(tmp_path / "out"), "--no-html", "--no-validate"])
    assert code == 0
    printed = out.getvalue() + err.getvalue()
    assert "skipped " in printed and "clear[2Jevil.jsonl:2: line is not valid JSON" in printed
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e]", printed)
    skipped = [json.loads(line) for line in (tmp_path / "out" / "skipped.jsonl").read_text("utf-8").splitlines()]
    assert [Path(r["file"]).name for r in skipped] == [name], "the report keeps the real name"
    strict = io.StringIO()
    with contextlib.redirect_stderr(strict):
        assert main(["build", str(folder), "--on-error", "fail", "--out", str(tmp_path / "o2"), "--no-html"]) == 2
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e]", strict.getvalue()) and strict.getvalue().count("\n") == 1


# --------------------------------------------------------------------------- the export formats (kg.export)


def _all_strings_json(path: Path) -> set[str]:
    return _strings(json.loads(path.read_text("utf-8")))


def _xml_tags(path: Path) -> set[str]:
    import xml.etree.ElementTree as ET

    return {element.tag.rsplit("}", 1)[-1] for element in ET.parse(path).iter()}


def _network_strings(path: Path, reader) -> set[str]:
    graph = reader(path)
    found = set()
    for _, attrs in graph.nodes(data=True):
        found |= {v for v in attrs.values() if isinstance(v, str)}
    return found


EXPORT_SUFFIX = {
    "turtle": ".ttl", "nt": ".nt", "jsonld": ".jsonld", "xml": ".rdf", "nquads": ".nq", "trig": ".trig",
    "graphml": ".graphml", "gexf": ".gexf", "json": ".json", "cytoscape": ".cyjs", "csv": ".csv",
}


def test_every_export_format_is_covered_here():
    export = pytest.importorskip("kg.export", reason="kg.export (the export engineer's) is not merged yet")
    assert set(export.FORMATS) == set(EXPORT_SUFFIX), "a new export format needs a hostile-text check below"


@pytest.mark.parametrize("fmt", sorted(EXPORT_SUFFIX))
def test_hostile_titles_survive_every_export_format_as_text(fmt, hostile_build, tmp_path):
    export = pytest.importorskip("kg.export", reason="kg.export (the export engineer's) is not merged yet")
    import networkx as nx

    _, _, graph = hostile_build
    result = export.export(graph, tmp_path / f"graph{EXPORT_SUFFIX[fmt]}", fmt)
    path = result.paths[0]
    if fmt in ("turtle", "nt", "jsonld", "xml"):
        from kg.rdf import load

        again = load(path)  # kg's own loader: JSON-LD must carry its context inline
        assert _titles(again) == HOSTILE_TITLES
        ox_format = {"turtle": RdfFormat.TURTLE, "nt": RdfFormat.N_TRIPLES, "jsonld": RdfFormat.JSON_LD, "xml": RdfFormat.RDF_XML}[fmt]
        ox_titles = {o for (_, p, o) in _ox_quads(path.read_bytes(), ox_format) if p == str(DCTERMS.title)}
        assert ox_titles == HOSTILE_TITLES
        if fmt == "xml":
            assert not _xml_tags(path) & MARKUP_TAGS
    elif fmt in ("nquads", "trig"):
        dataset = Dataset().parse(path, format=fmt)
        titles = {str(o) for _, p, o, _ in dataset.quads() if p == DCTERMS.title}
        assert titles == HOSTILE_TITLES
        ox_format = RdfFormat.N_QUADS if fmt == "nquads" else RdfFormat.TRIG
        assert {o for (_, p, o) in _ox_quads(path.read_bytes(), ox_format) if p == str(DCTERMS.title)} == HOSTILE_TITLES
    elif fmt in ("graphml", "gexf"):
        reader = nx.read_graphml if fmt == "graphml" else nx.read_gexf
        assert HOSTILE_TITLES <= _network_strings(path, reader)
        assert not _xml_tags(path) & MARKUP_TAGS
    elif fmt in ("json", "cytoscape"):
        assert HOSTILE_TITLES <= _all_strings_json(path)
    else:  # csv: nodes and edges files
        import csv

        cells = [cell for p in result.paths for row in csv.reader(p.open(encoding="utf-8", newline="")) for cell in row]
        formula = next(t for t in HOSTILE_TITLES if t.startswith("="))
        assert formula not in cells, "a cell starting with '=' would run as a spreadsheet formula"
        assert not [c for c in cells if c[:1] in ("=", "+", "@") or (c[:1] == "-" and not re.fullmatch(r"-[\d.]+", c))]
        kept = {c.removeprefix("'") for c in cells}
        assert HOSTILE_TITLES <= kept, "titles come back once the formula guard is taken off"
