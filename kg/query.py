"""SPARQL over a kg graph: open the graph, check and run a query, write its results.

One path serves ``kg query`` and ``kg serve``: :func:`prepare` parses a query with rdflib's
parser (our prefixes bound) and refuses, before anything is evaluated, what could write or
reach the network: updates (``INSERT``, ``DELETE``, ``LOAD`` ...), ``SERVICE`` anywhere in the
algebra, and dataset clauses (``FROM`` / ``FROM NAMED``). :func:`run` evaluates it with
parameters bound as RDF terms (``initBindings``, never pasted into the text) and collects an
:class:`Answer`; :func:`write` turns an answer into one of the W3C result formats (JSON, XML,
CSV, TSV), a readable table, or Turtle / N-Triples for ``CONSTRUCT`` and ``DESCRIBE``.

Named queries are ``kg/queries/*.rq`` files; their parameters are declared in a comment header
(``# param: task  the task's name or alias``) and listed by :func:`named_queries`. A header may
also derive a parameter (``# derive: taskKey = nameKey(task)``): :func:`run` binds it to a lookup
key computed in Python from the given one (:data:`DERIVATIONS`), so the query can find things
through an index (``?t kg:nameKey ?taskKey``) on any engine.

>>> from rdflib import Graph, Literal, URIRef
>>> from kg.vocab import KG
>>> g = Graph()
>>> g.add((URIRef("https://example.org/f2sa"), KG.confidence, Literal(0.9)))
<Graph identifier=... (<class 'rdflib.graph.Graph'>)>
>>> answer = run(g, "SELECT ?s WHERE { ?s kg:confidence ?c }")
>>> print(write(answer, "tsv").decode(), end="")
?s
<https://example.org/f2sa>
>>> run(g, "INSERT DATA { <a:b> <a:c> <a:d> }")
Traceback (most recent call last):
    ...
kg.query.UpdateRefused: this is a SPARQL update (INSERT DATA); kg graphs are read-only: ask with SELECT, ASK, CONSTRUCT or DESCRIBE
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import XMLGenerator

from rdflib import BNode, Literal, URIRef
from rdflib import namespace as ns  # one module name: pytest's doctest finder probes globals
from rdflib.term import Identifier

from .errors import GraphError, QueryError
from .textnorm import name_key, title_word

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.plugins.sparql.sparql import Query

__all__ = [
    "RESULT_FORMATS",
    "GRAPH_FORMATS",
    "MEDIA_TYPES",
    "QuerySyntaxError",
    "QueryRefused",
    "UpdateRefused",
    "QueryTimeout",
    "TooManyRows",
    "Answer",
    "Param",
    "NamedQuery",
    "open_graph",
    "prepare",
    "parse_param",
    "run",
    "write",
    "named_queries",
    "named_query",
    "run_named",
    "DERIVATIONS",
]

#: formats for SELECT and ASK answers
RESULT_FORMATS = ("table", "json", "xml", "csv", "tsv")
#: formats for CONSTRUCT and DESCRIBE answers
GRAPH_FORMATS = ("turtle", "nt")
#: format -> the media type we answer with (the W3C's for result formats)
MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "table": "text/plain; charset=utf-8",
}


class QuerySyntaxError(QueryError):
    """The text is not a SPARQL 1.1 query (the message gives rdflib's line and column)."""


class QueryRefused(QueryError):
    """The query would reach beyond the graph (``SERVICE``, ``FROM``, ``FROM NAMED``)."""


class UpdateRefused(QueryRefused):
    """The text is a SPARQL update; kg graphs are read-only."""


class QueryTimeout(QueryError):
    """The query ran longer than it was allowed to and was stopped."""


class TooManyRows(QueryError):
    """The answer has more rows than allowed."""


# ---------------------------------------------------------------------------------------------
# The graph source


def open_graph(source: str | os.PathLike[str]) -> Graph:
    """Load the graph that queries run on.

    ``source`` is a graph file written by ``kg build`` (any suffix :func:`kg.rdf.load` knows)
    or the folder ``kg build`` wrote (its ``graph.ttl`` is used). This is the one place that
    knows where graphs come from, so other sources (a persistent store) plug in here.

    Raises
    ------
    GraphError
        When there is no graph at ``source``.
    """
    from .rdf import load
    from .store import is_store

    path = Path(source)
    if path.is_dir():
        if is_store(path):
            return load(path)  # an on-disk Oxigraph store written by `kg build --store`
        if (path / "graph.ttl").is_file():
            return load(path / "graph.ttl")
        raise GraphError(
            f"{path}: a folder with no graph.ttl and not a kg store; pass a graph file, "
            f"a 'kg build --out' folder or a 'kg build --store' folder"
        )
    return load(path)


# ---------------------------------------------------------------------------------------------
# Checking a query

_UPDATE_NAMES = {
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT",
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
}


def _walk(node) -> Iterable:
    """Every CompValue inside an rdflib algebra or parse tree (depth first)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) or type(item).__name__ == "ParseResults":
            stack.extend(item)


def _refuse_update(text: str) -> None:
    """Raise UpdateRefused if ``text`` parses as a SPARQL update; return if it does not."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parsed = parseUpdate(text)
    except Exception:  # not an update either: the caller reports the query syntax error
        return
    operations = [_UPDATE_NAMES.get(op.name, op.name) for op in parsed.get("request", [])]
    what = ", ".join(dict.fromkeys(operations)) or "empty update"
    network = "; LOAD would also fetch from the network" if "LOAD" in operations else ""
    raise UpdateRefused(
        f"this is a SPARQL update ({what}){network}; kg graphs are read-only: "
        "ask with SELECT, ASK, CONSTRUCT or DESCRIBE"
    )


def prepare(text: str) -> Query:
    """Parse ``text`` as a SPARQL 1.1 query with kg's prefixes and refuse what must not run.

    Nothing is evaluated: the refusals look at rdflib's parse tree and algebra, not the text.
    The last 256 prepared queries are kept (rdflib's parser takes 70-300 ms a query, more than
    Oxigraph takes to answer most), so a server or notebook asking the same query again with
    other parameters skips it; evaluation never changes a prepared query.

    Raises
    ------
    UpdateRefused
        ``text`` is an update (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR`` ...).
    QueryRefused
        The query has a ``SERVICE`` pattern or a ``FROM`` / ``FROM NAMED`` clause.
    QuerySyntaxError
        ``text`` is not a query; the message says where it stops making sense.

    >>> prepare("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    Traceback (most recent call last):
        ...
    kg.query.QueryRefused: SERVICE <http://127.0.0.1:9/> is refused: kg queries never reach the network
    >>> prepare("ASK { ?s kg:proposes ?m }").algebra.name
    'AskQuery'
    """
    if not isinstance(text, str) or not text.strip():
        raise QuerySyntaxError("the query is empty; pass SPARQL text, --file F.rq or --name NAME")
    return _prepare(text)


@lru_cache(maxsize=256)
def _prepare(text: str) -> Query:
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    from .vocab import PREFIXES

    try:
        parsed = parseQuery(text)
    except Exception as err:
        _refuse_update(text)
        raise QuerySyntaxError(f"not a SPARQL query: {_one_line(err)}") from err
    for node in _walk(parsed):
        if node.name == "ServiceGraphPattern":
            raise QueryRefused(f"SERVICE <{node.get('term')}> is refused: kg queries never reach the network")
    try:
        query = translateQuery(parsed, initNs=PREFIXES)
    except Exception as err:  # unknown prefix, bad aggregate ...
        raise QuerySyntaxError(f"not a valid SPARQL query: {_one_line(err)}") from err
    if query.algebra.get("datasetClause"):
        iris = ", ".join(f"<{d.get('default') or d.get('named')}>" for d in query.algebra.datasetClause)
        raise QueryRefused(
            f"FROM / FROM NAMED ({iris}) is refused: kg queries run on the loaded graph only and never load others"
        )
    for node in _walk(query.algebra):
        if node.name == "ServiceGraphPattern":
            raise QueryRefused(f"SERVICE <{node.get('term')}> is refused: kg queries never reach the network")
    query._original_args = (text, PREFIXES, None)  # as rdflib's prepareQuery keeps it: a store may run the text
    query._kg_derived = _derived_params(text)
    return query


#: ``# derive: NAME = FUNCTION(PARAM)`` functions -> how the value is computed from the parameter's text
DERIVATIONS = {
    "nameKey": name_key,  # matches kg:nameKey
    "titleWord": lambda text: title_word(text) or "",  # matches kg:titleWord
}
_HEADER_DERIVE = re.compile(r"^#\s*derive:\s*(?P<name>[A-Za-z_]\w*)\s*=\s*(?P<function>\w+)\(\s*(?P<param>[A-Za-z_]\w*)\s*\)\s*$")


def _header(text: str) -> list[str]:
    """The comment lines a query begins with (its header)."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.strip())
    return lines


def _derived_params(text: str) -> tuple[tuple[str, str, str], ...]:
    """``(name, function, param)`` of each ``# derive:`` line of the header; unknown functions are an error."""
    found = []
    for line in _header(text):
        if not line.removeprefix("#").strip().startswith("derive:"):
            continue
        match = _HEADER_DERIVE.match(line)
        if not match or match["function"] not in DERIVATIONS:
            raise QuerySyntaxError(
                f"{line!r}: write '# derive: NAME = FUNCTION(PARAM)' with FUNCTION one of {', '.join(DERIVATIONS)}"
            )
        found.append((match["name"], match["function"], match["param"]))
    return tuple(found)


def _with_derived(query: Query, terms: dict[str, Identifier]) -> dict[str, Identifier]:
    """``terms`` plus the parameters the query's header derives. A derived parameter is always
    bound: to the key of the parameter's text, or to ``""`` (which no key equals) when the
    parameter is left out or is an IRI; a value given for it is kept."""
    derived = dict(terms)
    for name, function, param in getattr(query, "_kg_derived", ()):
        if name in derived:
            continue
        value = terms.get(param)
        key = DERIVATIONS[function](str(value)) if isinstance(value, Literal) else ""
        derived[name] = Literal(key)
    return derived


def _one_line(err: Exception) -> str:
    return " ".join(str(err).split())


# ---------------------------------------------------------------------------------------------
# Parameters

#: ``NAME:TYPE=VALUE`` type names -> XSD datatypes
PARAM_TYPES = {
    "string": ns.XSD.string,
    "int": ns.XSD.integer,
    "integer": ns.XSD.integer,
    "decimal": ns.XSD.decimal,
    "double": ns.XSD.double,
    "float": ns.XSD.double,
    "bool": ns.XSD.boolean,
    "boolean": ns.XSD.boolean,
    "date": ns.XSD.date,
    "year": ns.XSD.gYear,
}
_PARAM = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::(?P<type>[a-z]+))?=(?P<value>.*)$", re.S)


def parse_param(spec: str) -> tuple[str, Identifier]:
    """Read one ``--param``: ``NAME=VALUE`` (a plain literal), ``NAME=<IRI>`` (an IRI) or
    ``NAME:TYPE=VALUE`` (a typed literal; TYPE is one of :data:`PARAM_TYPES`).

    >>> parse_param("task=bilevel optimization")
    ('task', rdflib.term.Literal('bilevel optimization'))
    >>> parse_param("paper=<https://w3id.org/kg-papers/id/paper/x>")
    ('paper', rdflib.term.URIRef('https://w3id.org/kg-papers/id/paper/x'))
    >>> parse_param("min:decimal=21.5")
    ('min', rdflib.term.Literal('21.5', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#decimal')))
    >>> parse_param("min:int=many")
    Traceback (most recent call last):
        ...
    kg.errors.QueryError: --param min:int=many: 'many' is not a valid int; e.g. min:int=10
    """
    match = _PARAM.match(spec)
    if not match:
        raise QueryError(f"--param {spec}: expected NAME=VALUE, NAME=<IRI> or NAME:TYPE=VALUE (e.g. task=ranking)")
    name, kind, value = match["name"], match["type"], match["value"]
    if kind is None:
        if value.startswith("<") and value.endswith(">") and len(value) > 2:
            iri = value[1:-1]
            if re.search(r'[\s<>"{}|\\^`]', iri):
                raise QueryError(f"--param {spec}: {iri!r} is not an IRI (no spaces or <>\"{{}}|\\^` allowed)")
            return name, URIRef(iri)
        return name, Literal(value)
    if kind not in PARAM_TYPES:
        raise QueryError(f"--param {spec}: unknown type {kind!r}; use one of {', '.join(PARAM_TYPES)}")
    literal = Literal(value, datatype=PARAM_TYPES[kind])
    if literal.ill_typed:
        example = {"int": "10", "integer": "10", "bool": "true", "boolean": "true", "date": "2024-01-31", "year": "2024"}
        raise QueryError(f"--param {spec}: {value!r} is not a valid {kind}; e.g. {name}:{kind}={example.get(kind, '1.5')}")
    return name, literal


# ---------------------------------------------------------------------------------------------
# Running


@dataclass
class Answer:
    """What a query answered: ``kind`` is SELECT, ASK, CONSTRUCT or DESCRIBE.

    SELECT fills ``vars`` and ``rows`` (tuples of terms, None where unbound); ASK sets
    ``boolean``; CONSTRUCT and DESCRIBE set ``graph``.
    """

    kind: str
    vars: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None

    def __len__(self) -> int:
        if self.kind == "SELECT":
            return len(self.rows)
        if self.kind == "ASK":
            return 1
        return len(self.graph)

    def column(self, var: str) -> list:
        """The values of one variable, as Python values (str for IRIs, None where unbound)."""
        index = self.vars.index(var)
        return [None if row[index] is None else (row[index].toPython() if isinstance(row[index], Literal) else str(row[index])) for row in self.rows]

    def records(self) -> list[dict]:
        """Rows as dicts of Python values (unbound variables left out)."""
        out = []
        for row in self.rows:
            out.append(
                {
                    var: (term.toPython() if isinstance(term, Literal) else str(term))
                    for var, term in zip(self.vars, row)
                    if term is not None
                }
            )
        return out


_KINDS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}


def run(
    graph: Graph,
    query: str | Query,
    bindings: Mapping[str, Identifier] | None = None,
    *,
    max_rows: int | None = None,
) -> Answer:
    """Check and evaluate ``query`` on ``graph`` with ``bindings`` as initial RDF terms.

    A binding's value is an RDF term (see :func:`parse_param`); a plain Python value becomes
    a literal. Parameters the query's header derives (``# derive: taskKey = nameKey(task)``)
    are bound too. ``max_rows`` bounds the rows (or triples) of the answer.

    Raises
    ------
    QueryError
        (or a subclass) when the query is refused, malformed, fails or has too many rows.
    """
    from .vocab import bind_prefixes

    prepared = prepare(query) if isinstance(query, str) else query
    terms = {}
    for name, value in (bindings or {}).items():
        terms[str(name)] = value if isinstance(value, Identifier) else Literal(value)
    terms = _with_derived(prepared, terms)
    kind = _KINDS[prepared.algebra.name]
    try:
        result = graph.query(prepared, initBindings=terms)
        if kind == "ASK":
            return Answer(kind, boolean=bool(result.askAnswer))
        if kind in ("CONSTRUCT", "DESCRIBE"):
            out = bind_prefixes(type(result.graph)())
            for count, triple in enumerate(result.graph, 1):
                if max_rows is not None and count > max_rows:
                    raise TooManyRows(f"the answer has more than {max_rows} triples; narrow the query or raise the row cap")
                out.add(triple)
            return Answer(kind, graph=out)
        names = [str(v) for v in (result.vars or [])]
        rows = []
        for row in result:
            if max_rows is not None and len(rows) >= max_rows:
                raise TooManyRows(f"the answer has more than {max_rows} rows; add a LIMIT or raise the row cap")
            rows.append(tuple(row))
        return Answer(kind, vars=names, rows=rows)
    except QueryError:
        raise
    except Exception as err:  # rdflib raises many unrelated types while evaluating
        raise QueryError(f"the query failed while running: {type(err).__name__}: {_one_line(err)}") from err


# ---------------------------------------------------------------------------------------------
# Writing answers


def write(answer: Answer, format: str = "json", *, prefixes: Graph | None = None) -> bytes:
    """Serialize ``answer``.

    SELECT and ASK: ``json``, ``xml``, ``csv``, ``tsv`` (SPARQL 1.1 Query Results formats) or
    ``table`` (readable text). CONSTRUCT and DESCRIBE: ``turtle`` or ``nt``; ``table`` gives
    Turtle too. ``prefixes`` (a graph) shortens IRIs in tables.
    """
    if answer.kind in ("CONSTRUCT", "DESCRIBE"):
        from .rdf import serialize

        if format in ("turtle", "table"):
            return serialize(answer.graph, "turtle")
        if format == "nt":
            return serialize(answer.graph, "nt")
        raise QueryError(f"a {answer.kind} answer is a graph: use --format turtle or nt, not {format}")
    writers = {"json": _json, "xml": _xml, "csv": _csv, "tsv": _tsv, "table": lambda a: _table(a, prefixes)}
    if format not in writers:
        raise QueryError(f"a {answer.kind} answer cannot be written as {format}: use one of {', '.join(RESULT_FORMATS)}")
    return writers[format](answer)


def _json_term(term) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype:
        out["datatype"] = str(term.datatype)
    return out


def _json(answer: Answer) -> bytes:
    if answer.kind == "ASK":
        doc = {"head": {}, "boolean": answer.boolean}
    else:
        bindings = [
            {var: _json_term(term) for var, term in zip(answer.vars, row) if term is not None} for row in answer.rows
        ]
        doc = {"head": {"vars": answer.vars}, "results": {"bindings": bindings}}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


_SRX = "http://www.w3.org/2005/sparql-results#"


def _xml(answer: Answer) -> bytes:
    buffer = io.BytesIO()
    out = XMLGenerator(buffer, encoding="utf-8", short_empty_elements=True)
    out.startDocument()
    out.startElement("sparql", {"xmlns": _SRX})
    out.startElement("head", {})
    for var in answer.vars:
        out.startElement("variable", {"name": var})
        out.endElement("variable")
    out.endElement("head")
    if answer.kind == "ASK":
        out.startElement("boolean", {})
        out.characters("true" if answer.boolean else "false")
        out.endElement("boolean")
    else:
        out.startElement("results", {})
        for row in answer.rows:
            out.startElement("result", {})
            for var, term in zip(answer.vars, row):
                if term is None:
                    continue
                out.startElement("binding", {"name": var})
                if isinstance(term, URIRef):
                    tag, attrs = "uri", {}
                elif isinstance(term, BNode):
                    tag, attrs = "bnode", {}
                elif term.language:
                    tag, attrs = "literal", {"xml:lang": term.language}
                elif term.datatype:
                    tag, attrs = "literal", {"datatype": str(term.datatype)}
                else:
                    tag, attrs = "literal", {}
                out.startElement(tag, attrs)
                out.characters(str(term))
                out.endElement(tag)
                out.endElement("binding")
            out.endElement("result")
        out.endElement("results")
    out.endElement("sparql")
    out.endDocument()
    return buffer.getvalue() + b"\n"


def _csv(answer: Answer) -> bytes:
    """SPARQL 1.1 CSV: variable names without '?', terms as plain strings, CRLF line ends."""
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    if answer.kind == "ASK":
        out.writerow(["_askResult"])
        out.writerow(["true" if answer.boolean else "false"])
    else:
        out.writerow(answer.vars)
        for row in answer.rows:
            out.writerow(["" if t is None else (f"_:{t}" if isinstance(t, BNode) else str(t)) for t in row])
    return buffer.getvalue().encode("utf-8")


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _tsv_term(term) -> str:
    """A term in SPARQL/Turtle syntax, as SPARQL 1.1 TSV writes it (rdflib has no TSV writer)."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    text = '"' + str(term).translate(_TSV_ESCAPES) + '"'
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype and term.datatype != ns.XSD.string:
        return f"{text}^^<{term.datatype}>"
    return text


def _tsv(answer: Answer) -> bytes:
    if answer.kind == "ASK":
        return ("?_askResult\n" + ("true" if answer.boolean else "false") + "\n").encode("utf-8")
    lines = ["\t".join(f"?{var}" for var in answer.vars)]
    lines += ["\t".join(_tsv_term(term) for term in row) for row in answer.rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _table(answer: Answer, prefixes: Graph | None) -> bytes:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    def show(term) -> Text:
        if term is None:
            return Text("")
        if isinstance(term, URIRef) and prefixes is not None:
            try:
                return Text(prefixes.namespace_manager.normalizeUri(term).strip("<>"))
            except Exception:  # not every IRI has a prefixed form
                return Text(str(term))
        return Text(str(term))  # Text, never markup: labels come from papers

    buffer = io.StringIO()
    console = Console(file=buffer, width=160, no_color=True, highlight=False, emoji=False)
    if answer.kind == "ASK":
        console.print(Text("true" if answer.boolean else "false"))
    else:
        table = Table(*answer.vars, caption=f"{len(answer.rows)} rows", show_lines=False)
        for row in answer.rows:
            table.add_row(*(show(term) for term in row))
        console.print(table)
    return buffer.getvalue().encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Named queries


@dataclass(frozen=True)
class Param:
    """A named query's parameter, from a ``# param: NAME  description`` header line."""

    name: str
    description: str
    optional: bool = False


@dataclass(frozen=True)
class NamedQuery:
    """A shipped query: its name (the file stem), what it answers, its parameters and text."""

    name: str
    summary: str
    params: tuple[Param, ...]
    text: str

    def bindings(self, values: Mapping[str, Identifier | str] | None) -> dict[str, Identifier]:
        """Check ``values`` against the declared parameters; return them as RDF terms."""
        values = dict(values or {})
        known = {p.name for p in self.params}
        unknown = sorted(set(values) - known)
        if unknown:
            usable = ", ".join(sorted(known)) or "none"
            raise QueryError(f"named query {self.name!r} has no parameter {unknown[0]!r}; its parameters: {usable}")
        for param in self.params:
            if not param.optional and param.name not in values:
                raise QueryError(
                    f"named query {self.name!r} needs --param {param.name}=VALUE ({param.description})"
                )
        return {k: v if isinstance(v, Identifier) else Literal(v) for k, v in values.items()}


_HEADER_PARAM = re.compile(r"^#\s*param:\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<desc>.+)$")


def _parse_named(name: str, text: str) -> NamedQuery:
    summary, params = "", []
    for line in _header(text):
        match = _HEADER_PARAM.match(line)
        if match:
            desc = match["desc"].strip()
            optional = desc.startswith("(optional)")
            params.append(Param(match["name"], desc.removeprefix("(optional)").strip(), optional))
        elif not summary and line.strip("# ").strip():
            summary = line.strip("# ").strip()
    return NamedQuery(name, summary, tuple(params), text)


def named_queries() -> dict[str, NamedQuery]:
    """The queries shipped in ``kg/queries/``, by name, in name order.

    >>> "methods-for-task" in named_queries()
    True
    >>> [p.name for p in named_queries()["methods-for-task"].params]
    ['task']
    """
    folder = resources.files("kg.queries")
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = entry.name[: -len(".rq")]
            found[name] = _parse_named(name, entry.read_text(encoding="utf-8"))
    return found


def named_query(name: str) -> NamedQuery:
    """One shipped query by name; the error lists the names there are."""
    queries = named_queries()
    if name not in queries:
        raise QueryError(f"no named query {name!r}; 'kg query --list' shows them: {', '.join(queries)}")
    return queries[name]


def run_named(
    graph: Graph, name: str, params: Mapping[str, Identifier | str] | None = None, *, max_rows: int | None = None
) -> Answer:
    """Run a shipped query with its parameters (plain strings become literals)."""
    query = named_query(name)
    return run(graph, query.text, query.bindings(params), max_rows=max_rows)
