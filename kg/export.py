"""Exports: one table of formats -> writers, for the tools people open graphs with.

:data:`FORMATS` maps a format name to its :class:`Format` (extension, what opens it, writer);
:func:`export` looks the name up and writes. Every writer takes the rdflib graph and a path,
writes atomically (:func:`kg.rdf.write_atomically`) and deterministically (sorted, canonical),
so two builds of the same input export byte-identical files.

Two families:

* **RDF** (``turtle``, ``nt``, ``jsonld``, ``xml``, ``nquads``, ``trig``): the whole graph.
  ``nquads`` and ``trig`` split it into one named graph per paper (:func:`paper_dataset`);
  ``jsonld`` embeds a compact ``@context`` made from the ontology (:func:`jsonld_context`).
* **Network** (``graphml``, ``gexf``, ``json``, ``cytoscape``, ``csv``): the projection of
  :func:`kg.analyze.project`. GraphML, GEXF and CSV hold flat values only, so :func:`node_table`
  gives every node every column (defaults for missing values, lists joined with ``"; "``) and
  XML-bound text goes through :func:`xml_safe`.

>>> sorted(FORMATS)[:4]
['csv', 'cytoscape', 'gexf', 'graphml']
>>> FORMATS["jsonld"].extension
'.jsonld'
>>> xml_safe("ok\\x00\\x1b done\\r\\n")
'ok done\\n'
>>> csv_paths("out/graph.csv")
(PosixPath('out/graph-nodes.csv'), PosixPath('out/graph-edges.csv'))
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import RDF, RDFS, Graph, Literal, URIRef
# one module name, not its DefinedNamespaces: pytest's doctest finder probes module globals
from rdflib import namespace as ns

from .errors import ExportError
from .rdf import serialize, write_atomically
from .textnorm import short_hash
from .vocab import KG, KG_NS, PREFIXES, bind_prefixes, ontology_graph

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Dataset

__all__ = [
    "Format",
    "FORMATS",
    "ExportResult",
    "export",
    "formats_table",
    "format_for_path",
    "jsonld_context",
    "paper_dataset",
    "node_table",
    "xml_safe",
    "csv_paths",
    "LIST_SEPARATOR",
]

#: how GraphML, GEXF and CSV write list attributes (aliases, proposed methods)
LIST_SEPARATOR = "; "

# Characters XML 1.0 cannot hold at all (most C0 controls, U+FFFE, U+FFFF, lone surrogates).
_XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Cells a spreadsheet would read as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportResult:
    """What :func:`export` wrote: the format, the files, and notes worth telling the user
    (e.g. characters removed because the format cannot hold them)."""

    format: str
    paths: tuple[Path, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Format:
    """One export format: its name, file extension, the tools that open it, and its writer.

    ``writer(graph, path)`` writes the file(s) and returns ``(paths written, notes)`` for
    :class:`ExportResult`.
    """

    name: str
    extension: str
    opens_with: str
    kind: str  # "rdf" or "network"
    writer: Callable[[Graph, Path], tuple[tuple[Path, ...], tuple[str, ...]]] = field(repr=False)


# ---------------------------------------------------------------------------------------------
# XML safety


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold, line breaks as ``\\n``.

    XML parsers turn ``\\r\\n`` and a lone ``\\r`` into ``\\n`` anyway; doing it before writing
    means what is written is what reads back.
    """
    return _XML_ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _n3_key(term) -> str:
    return term.n3()


class _SortedGraph(Graph):
    """A graph that lists subjects and their properties in sorted order.

    rdflib's RDF/XML writer walks ``subjects()`` and ``predicate_objects()`` in store order,
    which changes from process to process; sorting them makes the RDF/XML export deterministic.
    """

    def subjects(self, predicate=None, object=None, unique=False):  # noqa: A002 - rdflib's name
        yield from sorted(set(super().subjects(predicate, object)), key=_n3_key)

    def predicate_objects(self, subject=None, unique=False):
        yield from sorted(super().predicate_objects(subject), key=lambda po: (po[0].n3(), po[1].n3()))


def _xml_cleaned_graph(graph: Graph) -> tuple[Graph, int]:
    """A sorted copy of ``graph`` whose literals XML can hold, and how many literals changed."""
    out = bind_prefixes(_SortedGraph())
    changed = 0
    for s, p, o in graph:
        if isinstance(o, Literal) and _XML_ILLEGAL.search(str(o)):
            o = Literal(_XML_ILLEGAL.sub("", str(o)), lang=o.language, datatype=o.datatype)
            changed += 1
        out.add((s, p, o))
    return out, changed


def _xml_note(changed: int) -> tuple[str, ...]:
    if not changed:
        return ()
    return (
        f"removed characters XML 1.0 cannot hold (control characters, U+FFFE/U+FFFF) from "
        f"{changed} literal{'s' * (changed != 1)}; use turtle, nt or jsonld to keep them",
    )


# ---------------------------------------------------------------------------------------------
# RDF writers


def _turtle(graph: Graph) -> bytes:
    """Canonical Turtle, as :func:`kg.rdf.serialize` writes it (and ``kg build`` wrote graph.ttl)."""
    return serialize(graph, "turtle")


def _write_turtle(graph: Graph, path: Path):
    write_atomically(path, _turtle(graph))
    return (path,), ()


def _write_nt(graph: Graph, path: Path):
    write_atomically(path, serialize(graph, "nt"))
    return (path,), ()


def _write_xml(graph: Graph, path: Path):
    cleaned, changed = _xml_cleaned_graph(graph)
    write_atomically(path, cleaned.serialize(format="xml", encoding="utf-8"))
    return (path,), _xml_note(changed)


#: standard terms kg writes (see the comment "Reused standard terms" in ontology/kg.ttl):
#: JSON-LD key -> (IRI, datatype the values carry, or "@id" for links, or None for plain text)
_REUSED_TERMS: dict[str, tuple[URIRef, str | None]] = {
    "title": (ns.DCTERMS.title, None),
    "abstract": (ns.DCTERMS.abstract, None),
    "identifier": (ns.DCTERMS.identifier, None),
    "creator": (ns.DCTERMS.creator, None),
    "issued": (ns.DCTERMS.issued, str(ns.XSD.gYear)),
    "url": (ns.SDO.url, str(ns.XSD.anyURI)),
    "prefLabel": (ns.SKOS.prefLabel, None),
    "altLabel": (ns.SKOS.altLabel, None),
    "label": (RDFS.label, None),
    "wasDerivedFrom": (ns.PROV.wasDerivedFrom, "@id"),
    # a kg:Relation is an rdf:Statement; kg:subject (a claim's method) already owns "subject"
    "relationSubject": (RDF.subject, "@id"),
    "relationPredicate": (RDF.predicate, "@id"),
    "relationObject": (RDF.object, "@id"),
}
# Literal datatypes worth coercing in the context (strings stay plain; integers are JSON numbers).
_COERCED = {ns.XSD.decimal, ns.XSD.gYear, ns.XSD.anyURI}


@lru_cache(maxsize=1)
def _context() -> dict[str, Any]:
    onto = ontology_graph()
    context: dict[str, Any] = {prefix: str(ns) for prefix, ns in sorted(PREFIXES.items())}
    for term in sorted(t for t in onto.subjects(RDF.type, None) if isinstance(t, URIRef)):
        if not str(term).startswith(str(KG_NS)):
            continue
        name = str(term)[len(str(KG_NS)) :]
        kinds = set(onto.objects(term, RDF.type))
        if ns.OWL.Class in kinds:
            context[name] = f"kg:{name}"
        elif ns.OWL.ObjectProperty in kinds:
            context[name] = {"@id": f"kg:{name}", "@type": "@id"}
        elif ns.OWL.DatatypeProperty in kinds and onto.value(term, RDFS.range) in _COERCED:
            context[name] = {"@id": f"kg:{name}", "@type": str(onto.value(term, RDFS.range))}
        else:
            context[name] = f"kg:{name}"
    for name, (iri, datatype) in _REUSED_TERMS.items():
        if name in context:  # a kg term with the same name would be shadowed: refuse to build
            raise ExportError(f"JSON-LD key {name!r} names both kg:{name} and {iri}; rename one")
        context[name] = {"@id": str(iri), "@type": datatype} if datatype else str(iri)
    return context


def jsonld_context() -> dict[str, Any]:
    """The compact JSON-LD ``@context`` for kg graphs, made from ``ontology/kg.ttl``.

    Classes and kg properties read as their local names (``Paper``, ``proposes``), links are
    ``@id``-typed, decimals and years carry their datatype; the standard terms kg reuses read
    as plain names too (``title``, ``prefLabel``, ``wasDerivedFrom``). A fresh copy each call.

    >>> ctx = jsonld_context()
    >>> ctx["proposes"]
    {'@id': 'kg:proposes', '@type': '@id'}
    >>> ctx["confidence"]["@type"]
    'http://www.w3.org/2001/XMLSchema#decimal'
    >>> ctx["title"]
    'http://purl.org/dc/terms/title'
    """
    return json.loads(json.dumps(_context()))


def _canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _sorted_node(node: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in node.items():
        if isinstance(value, list):
            value = sorted(value, key=_canonical_json)
        out[key] = value
    return out


def _write_jsonld(graph: Graph, path: Path):
    context = jsonld_context()
    data = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    # rdflib gives a list, one node object, or an object with "@graph", depending on the graph
    if isinstance(data, list):
        nodes = data
    else:
        nodes = data.get("@graph", [data] if "@id" in data else [])
    nodes = [{k: v for k, v in n.items() if k != "@context"} for n in nodes]
    document = {
        "@context": context,
        "@graph": sorted((_sorted_node(n) for n in nodes), key=lambda n: n.get("@id", "")),
    }
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    write_atomically(path, text.encode("utf-8"))
    return (path,), ()


def paper_dataset(graph: Graph) -> "Dataset":
    """Split ``graph`` into one named graph per paper plus the default (shared) graph.

    A paper's graph is named by the paper's IRI and holds every triple whose subject is the
    paper, one of its mentions (``kg:hasMention``), one of its claims (``kg:hasClaim``,
    ``kg:claimOf``) or one of its relation statements (``kg:statesRelation``). Everything else
    (entity descriptions, code repositories, the derived ``kg:outperforms`` links, the relations
    between entities and their paper counts) is shared by papers and stays in the default graph. The union of
    all graphs is ``graph`` again; ``graph`` is not changed.
    """
    from rdflib import Dataset

    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace, override=True, replace=True)
    owner: dict[Any, URIRef] = {}
    for paper in graph.subjects(RDF.type, KG.Paper):
        owner[paper] = paper
        for member in graph.objects(paper, KG.hasMention):
            owner.setdefault(member, paper)
        for member in graph.objects(paper, KG.hasClaim):
            owner.setdefault(member, paper)
        for member in graph.subjects(KG.claimOf, paper):
            owner.setdefault(member, paper)
        for member in graph.objects(paper, KG.statesRelation):
            owner.setdefault(member, paper)
    graphs: dict[URIRef, Graph] = {}
    for triple in graph:
        paper = owner.get(triple[0])
        if paper is None:
            dataset.default_graph.add(triple)
        else:
            if paper not in graphs:
                graphs[paper] = dataset.graph(paper)
            graphs[paper].add(triple)
    return dataset


def _named_parts(graph: Graph) -> tuple[Graph, list[tuple[URIRef, Graph]]]:
    dataset = paper_dataset(graph)
    shared = bind_prefixes(Graph())
    for triple in dataset.default_graph:
        shared.add(triple)
    named = []
    for context in dataset.graphs():
        if context.identifier == dataset.default_graph.identifier or not isinstance(context.identifier, URIRef):
            continue
        part = bind_prefixes(Graph())
        for triple in context:
            part.add(triple)
        named.append((context.identifier, part))
    return shared, sorted(named, key=lambda item: str(item[0]))


def _write_nquads(graph: Graph, path: Path):
    # Split on b"\n" only: N-Triples escapes CR and LF in literals but keeps U+0085, U+2028,
    # form feeds ... raw, and str.splitlines() would cut a literal there.
    shared, named = _named_parts(graph)
    lines = [line for line in serialize(shared, "nt").split(b"\n") if line.strip()]
    for name, part in named:
        label = name.n3().encode("utf-8")
        for line in serialize(part, "nt").split(b"\n"):
            if line.strip():
                lines.append(line.rstrip().removesuffix(b".").rstrip() + b" " + label + b" .")
    write_atomically(path, b"\n".join(sorted(lines)) + b"\n")
    return (path,), ()


def _turtle_body(graph: Graph) -> tuple[list[str], str]:
    """Canonical Turtle of ``graph`` split into its PREFIX lines and the rest."""
    text = _turtle(graph).decode("utf-8")
    prefixes, body = [], []
    lines = text.split("\n")
    index = 0
    while index < len(lines) and (lines[index].startswith(("PREFIX ", "@prefix ")) or not lines[index].strip()):
        line = lines[index]
        if line.startswith("@prefix "):  # pyoxigraph writes '@prefix p: <...> .'; TriG takes either
            line = "PREFIX " + line.removeprefix("@prefix ").removesuffix(" .")
        if line.strip():
            prefixes.append(line)
        index += 1
    body = "\n".join(lines[index:]).rstrip("\n")
    return prefixes, body


def _write_trig(graph: Graph, path: Path):
    shared, named = _named_parts(graph)
    prefixes: set[str] = set()
    blocks = []
    for name, part in [(None, shared), *named]:
        if not len(part):
            continue
        used, body = _turtle_body(part)
        prefixes.update(used)
        opening = "{" if name is None else f"{name.n3()} {{"
        # the body is not indented: that would change multi-line string literals
        blocks.append(f"{opening}\n{body}\n}}\n")
    text = "\n".join(sorted(prefixes)) + "\n\n" + "\n".join(blocks)
    write_atomically(path, text.encode("utf-8"))
    return (path,), ()


# ---------------------------------------------------------------------------------------------
# Network writers (over kg.analyze.project)


def _column_type(values: list[Any]) -> type:
    present = [v for v in values if v is not None]
    if any(isinstance(v, (list, tuple, set, frozenset)) for v in present):
        return list
    if present and all(isinstance(v, bool) for v in present):
        return bool
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return int
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return float
    return str


_DEFAULTS: dict[type, Any] = {list: [], bool: False, int: 0, float: 0.0, str: ""}
_FIRST_COLUMNS = ("label", "kind")


def node_table(projection: "nx.DiGraph") -> tuple[list[tuple[str, type]], list[tuple[str, dict[str, Any]]]]:
    """Columns and rows of the projection's nodes, every row holding every column.

    Columns are ``label`` and ``kind`` first, then the others by name; a column's type is what
    its values share (list, bool, int, float, else str). A node without a value gets the type's
    default (``[]``, ``False``, ``0``, ``0.0``, ``""``), so a claim without a number has
    ``value`` 0.0: tell them apart by ``value_text``. Rows are sorted by node id.

    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_node("b", kind="Method", label="B", aliases=["b1"], papers=2)
    >>> g.add_node("a", kind="Claim", label="A", value=1.5)
    >>> columns, rows = node_table(g)
    >>> [(name, t.__name__) for name, t in columns]
    [('label', 'str'), ('kind', 'str'), ('aliases', 'list'), ('papers', 'int'), ('value', 'float')]
    >>> rows[0]
    ('a', {'label': 'A', 'kind': 'Claim', 'aliases': [], 'papers': 0, 'value': 1.5})
    """
    names = sorted({key for _, data in projection.nodes(data=True) for key in data})
    names = [*_FIRST_COLUMNS, *(n for n in names if n not in _FIRST_COLUMNS)]
    columns = [(name, _column_type([d.get(name) for _, d in projection.nodes(data=True)])) for name in names]
    rows = []
    for node in sorted(projection.nodes, key=str):
        data = projection.nodes[node]
        row = {}
        for name, kind in columns:
            value = data.get(name)
            if value is None:
                value = [] if kind is list else _DEFAULTS[kind]
            elif kind is list:
                value = sorted(str(v) for v in value)
            elif kind is float:
                value = float(value)
            elif kind is str:
                value = str(value)
            row[name] = value
        rows.append((str(node), row))
    return columns, rows


def _edges(projection: "nx.DiGraph") -> list[tuple[str, str, str, str]]:
    """(edge id, source, target, relation), sorted; the id is stable across builds."""
    out = []
    for source, target, data in projection.edges(data=True):
        relation = str(data.get("relation", ""))
        out.append((f"e{short_hash(f'{source} {relation} {target}', 12)}", str(source), str(target), relation))
    return sorted(out, key=lambda e: (e[1], e[3], e[2]))


def _flat(value: Any) -> Any:
    return LIST_SEPARATOR.join(value) if isinstance(value, list) else value


def _flat_graph(graph: Graph, xml: bool) -> "nx.DiGraph":
    """The projection with flat, filled (and, for XML, XML-safe) attributes, in sorted order."""
    import networkx as nx

    from .analyze import project

    projection = project(graph)
    columns, rows = node_table(projection)
    out = nx.DiGraph()
    # declared defaults too: a tool that adds a node still finds every key (GraphML <default>,
    # GEXF <default>)
    out.graph["node_default"] = {name: _flat([] if kind is list else _DEFAULTS[kind]) for name, kind in columns}
    out.graph["edge_default"] = {"relation": ""}
    for node, row in rows:
        if xml and _XML_ILLEGAL.search(node):
            raise ExportError(f"node id {node!r} holds characters XML cannot carry; rebuild the graph with 'kg build'")
        attrs = {name: _flat(value) for name, value in row.items()}
        if xml:
            attrs = {k: xml_safe(v) if isinstance(v, str) else v for k, v in attrs.items()}
        out.add_node(node, **attrs)
    for _, source, target, relation in _edges(projection):
        out.add_edge(source, target, relation=relation)
    return out


def _write_graphml(graph: Graph, path: Path):
    import networkx as nx

    buffer = io.BytesIO()
    nx.write_graphml(_flat_graph(graph, xml=True), buffer, encoding="utf-8", named_key_ids=True)
    write_atomically(path, buffer.getvalue())
    return (path,), ()


def _write_gexf(graph: Graph, path: Path):
    from networkx.readwrite.gexf import GEXFWriter

    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    if meta is not None:  # networkx stamps today's date: drop it so exports diff cleanly
        meta.attrib.pop("lastmodifieddate", None)
    writer.add_graph(_flat_graph(graph, xml=True))
    buffer = io.BytesIO()
    writer.write(buffer)
    write_atomically(path, buffer.getvalue())
    return (path,), ()


def _projection(graph: Graph) -> "nx.DiGraph":
    """The projection as it is (lists, None), nodes and edges in sorted order."""
    import networkx as nx

    from .analyze import project

    projection = project(graph)
    out = nx.DiGraph()
    for node in sorted(projection.nodes, key=str):
        out.add_node(node, **projection.nodes[node])
    for _, source, target, relation in _edges(projection):
        out.add_edge(source, target, **projection.edges[source, target])
    return out


def _dump_json(path: Path, document: Any) -> None:
    text = json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"
    write_atomically(path, text.encode("utf-8"))


def _write_node_link(graph: Graph, path: Path):
    import networkx as nx

    _dump_json(path, nx.node_link_data(_projection(graph), edges="edges"))
    return (path,), ()


def _write_cytoscape(graph: Graph, path: Path):
    from .analyze import project

    projection = project(graph)
    _, rows = node_table(projection)
    nodes = [{"data": {**row, "id": node, "name": row["label"]}} for node, row in rows]
    edges = [
        {"data": {"id": edge_id, "source": source, "target": target, "relation": relation, "interaction": relation}}
        for edge_id, source, target, relation in _edges(projection)
    ]
    _dump_json(path, {"elements": {"nodes": nodes, "edges": edges}})
    return (path,), ()


def csv_paths(path: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Where the ``csv`` export writes its two files.

    An existing directory, or a path ending in a separator, gets ``nodes.csv`` and
    ``edges.csv`` inside; anything else is a prefix: ``out/kg`` or ``out/kg.csv`` ->
    ``out/kg-nodes.csv`` and ``out/kg-edges.csv``.
    """
    text = os.fspath(path)
    target = Path(text)
    if text.endswith((os.sep, "/")) or target.is_dir():
        return target / "nodes.csv", target / "edges.csv"
    stem = target.name.removesuffix(".csv")
    return target.with_name(f"{stem}-nodes.csv"), target.with_name(f"{stem}-edges.csv")


def _cell(value: Any) -> Any:
    value = _flat(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value  # shown as text by spreadsheets, never evaluated
    return value


def _csv_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    # RFC 4180 line ends: the writer then quotes every cell holding CR or LF (with "\n" alone
    # it leaves a lone CR unquoted, and readers take it for the end of the row)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _write_csv(graph: Graph, path: Path):
    from .analyze import project

    projection = project(graph)
    columns, rows = node_table(projection)
    nodes_path, edges_path = csv_paths(path)
    names = [name for name, _ in columns]
    write_atomically(nodes_path, _csv_bytes(["id", *names], [[node, *(_cell(row[n]) for n in names)] for node, row in rows]))
    write_atomically(edges_path, _csv_bytes(["id", "source", "target", "relation"], [list(e) for e in _edges(projection)]))
    return (nodes_path, edges_path), ()


# ---------------------------------------------------------------------------------------------
# The table

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("turtle", ".ttl", "any RDF tool: rdflib, Apache Jena, Protege, GraphDB, Oxigraph", "rdf", _write_turtle),
        Format("nt", ".nt", "any RDF tool; line-based, so grep and diff work", "rdf", _write_nt),
        Format("jsonld", ".jsonld", "JSON-LD Playground, rdflib, pyld, any JSON reader", "rdf", _write_jsonld),
        Format("xml", ".rdf", "Protege, Apache Jena, older RDF tools (RDF/XML)", "rdf", _write_xml),
        Format("nquads", ".nq", "triple stores (Oxigraph, Jena TDB, GraphDB): one named graph per paper", "rdf", _write_nquads),
        Format("trig", ".trig", "triple stores and Jena: one named graph per paper, readable", "rdf", _write_trig),
        Format("graphml", ".graphml", "Gephi, Cytoscape, yEd, networkx", "network", _write_graphml),
        Format("gexf", ".gexf", "Gephi, networkx", "network", _write_gexf),
        Format("json", ".json", "networkx (node-link JSON), D3", "network", _write_node_link),
        Format("cytoscape", ".cyjs", "Cytoscape (File > Import > Network), Cytoscape.js", "network", _write_cytoscape),
        Format("csv", ".csv", "spreadsheets, pandas, Gephi data lab: nodes and edges files", "network", _write_csv),
    )
}


def formats_table() -> list[tuple[str, str, str]]:
    """(name, extension, what opens it) for each format, in table order."""
    return [(f.name, f.extension, f.opens_with) for f in FORMATS.values()]


def format_for_path(path: str | os.PathLike[str]) -> str:
    """The format whose extension ``path`` has.

    >>> format_for_path("graph.gexf")
    'gexf'
    """
    suffix = Path(path).suffix.lower()
    for f in FORMATS.values():
        if f.extension == suffix:
            return f.name
    raise ExportError(
        f"{path}: cannot tell the export format from the suffix {suffix!r}; "
        f"pass --format (one of {', '.join(FORMATS)})"
    )


def export(graph: Graph, path: str | os.PathLike[str], format: str | None = None) -> ExportResult:
    """Write ``graph`` to ``path`` in ``format`` (default: from the suffix of ``path``).

    ``graph`` is read, never changed. The ``csv`` format writes two files (see
    :func:`csv_paths`); every other format writes ``path``.

    Raises
    ------
    ExportError
        When the format is unknown, or ``path`` is a directory for a one-file format.
    """
    name = format or format_for_path(path)
    if name not in FORMATS:
        raise ExportError(f"unknown export format {name!r}; choose one of {', '.join(FORMATS)} (kg export --list)")
    target = Path(path)
    if name != "csv" and target.is_dir():
        raise ExportError(f"{target} is a directory; give a file name such as {target / ('graph' + FORMATS[name].extension)}")
    # csv gets the path as given: a trailing separator means "a directory" (see csv_paths)
    paths, notes = FORMATS[name].writer(graph, path if name == "csv" else target)
    return ExportResult(format=name, paths=tuple(paths), notes=tuple(notes))
