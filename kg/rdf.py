"""The RDF graph: linked entities and claims -> an rdflib Graph under ``ontology/kg.ttl``; load and save.

IRIs are minted from a slug of ASCII words plus a short hash of the exact key, never from raw
text, so no label can break Turtle, N-Triples or RDF/XML. Every literal is a plain rdflib
Literal; serializers escape them.

>>> mint("https://w3id.org/kg-papers/id/", "method", "F2SA <x> \\"quoted\\"")
rdflib.term.URIRef('https://w3id.org/kg-papers/id/method/f2sa-x-quoted-3b74d67d')
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SDO, SKOS

from .atomic import write_atomically
from .errors import GraphError
from .link import LinkedCorpus
from .model import EXTRACTOR_VERSION, Entity
from .textnorm import name_key, short_hash, slugify, title_words, untitled_label
from .vocab import KG, bind_prefixes

__all__ = [
    "DEFAULT_BASE",
    "RDF_FORMATS",
    "mint",
    "paper_iri",
    "entity_iri",
    "to_graph",
    "triples",
    "Terms",
    "RDFLIB_TERMS",
    "OXIGRAPH_TERMS",
    "corpus_rdf",
    "save",
    "load",
    "write_atomically",
]

DEFAULT_BASE = "https://w3id.org/kg-papers/id/"

#: file suffix -> rdflib format name
RDF_FORMATS = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".json-ld": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".n3": "n3",
}

_TYPE_CLASS = {"Method": KG.Method, "Task": KG.Task, "Dataset": KG.Dataset, "Metric": KG.Metric}
#: a relation's kg spelling -> its property (kg.model.RELATION_TYPES)
_RELATION_PREDICATE = {"used-for": KG.usedFor, "evaluate-for": KG.evaluates, "compare": KG.comparedWith,
                       "hyponym-of": KG.kindOf}
#: (entity type, role) -> the paper's link to the entity
_PAPER_LINK = {
    ("Method", "proposed"): KG.proposes,
    ("Method", "used"): KG.uses,
    ("Dataset", "proposed"): KG.introducesDataset,
    ("Dataset", "used"): KG.evaluatesOn,
    ("Task", "proposed"): KG.addresses,
    ("Task", "used"): KG.addresses,
    ("Metric", "proposed"): KG.reportsMetric,
    ("Metric", "used"): KG.reportsMetric,
}
_XSD_INTEGER = str(XSD.integer)
_XSD_DECIMAL = str(XSD.decimal)
_XSD_ANY_URI = str(XSD.anyURI)
_XSD_GYEAR = str(XSD.gYear)
#: only URLs made of these characters become IRIs as they are (others are minted)
# (RFC 3987: no brackets outside an IPv6 host, '%' only before two hex digits; Oxigraph and Jena reject others)
_SAFE_URL = re.compile(r"^https?://(?:[A-Za-z0-9\-._~:/?#@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+$")


def mint(base: str, kind: str, key: str) -> URIRef:
    """An IRI ``{base}{kind}/{slug}-{hash}``: readable, unique per key, always safe."""
    return URIRef(f"{base}{kind}/{slugify(key)}-{short_hash(key)}")


def relation_iri(base: str, key: tuple[str, str, str]) -> URIRef:
    """The IRI of the reified relation ``(head entity key, relation, tail entity key)``."""
    return mint(base, "relation", "|".join(key))


def paper_iri(base: str, paper_id: str) -> URIRef:
    """The IRI of a paper, from its id (which may hold any characters)."""
    return mint(base, "paper", paper_id)


def entity_iri(base: str, entity: Entity) -> URIRef:
    """The IRI of an entity, from its type and linking key."""
    return mint(base, entity.type.lower(), entity.key)


@lru_cache(maxsize=4096)  # confidences and values repeat
def _decimal_lexical(value: float) -> str:
    """The xsd:decimal lexical form of ``value``, rounded to 6 places, always with a decimal
    point (so Turtle writes it as a bare decimal and every parser reads it back unchanged).

    >>> [_decimal_lexical(v) for v in (21.96, 10, 0, 1e-7, 0.1234567)]
    ['21.96', '10.0', '0.0', '0.0', '0.123457']
    """
    text = f"{Decimal(str(round(float(value), 6))).normalize():f}"
    return text if "." in text else text + ".0"


@dataclass(frozen=True)
class Terms:
    """How :func:`triples` makes RDF terms: one library's IRI, plain-literal and typed-literal
    constructors. The graph's content is written once, in :func:`triples`; rdflib terms feed
    :func:`to_graph` (Turtle, SHACL, the in-memory graph), pyoxigraph terms feed the store's
    N-Triples shards without building an rdflib Graph (about 20x cheaper per triple)."""

    iri: Callable[[str], object]
    literal: Callable[[str], object]
    typed: Callable[[str, str], object]  # (lexical form, datatype IRI) -> literal


@lru_cache(maxsize=None)
def _ox_datatype(datatype: str) -> ox.NamedNode:
    return ox.NamedNode(datatype)


RDFLIB_TERMS = Terms(URIRef, Literal, lambda lexical, datatype: Literal(lexical, datatype=URIRef(datatype)))
OXIGRAPH_TERMS = Terms(ox.NamedNode, ox.Literal, lambda lexical, datatype: ox.Literal(lexical, datatype=_ox_datatype(datatype)))


def corpus_rdf(
    corpus: LinkedCorpus, base: str = DEFAULT_BASE, format: str = "turtle", *, entities: bool = True
) -> tuple[bytes, int]:
    """The graph of a linked corpus serialized straight from :func:`triples` by pyoxigraph,
    with no rdflib Graph in between: ``(data, number of triples)``.

    ``turtle`` is canonical: triples sorted by subject, predicate and object, kg's prefixes,
    so two builds of the same input give the same bytes and diff cleanly (rdflib's canonical
    ``longturtle`` gives the same graph some 250 times slower). ``nt``: one triple a line, in
    generation order (the store's shards). ``entities=False`` leaves out the entities' own
    triples (type, labels, keys, counts): a paper shard refers to entities another shard describes.
    """
    made = list(dict.fromkeys(ox.Triple(s, p, o) for s, p, o in triples(corpus, base, OXIGRAPH_TERMS, entities=entities)))
    if format == "nt":
        return ox.serialize(made, format=ox.RdfFormat.N_TRIPLES) or b"", len(made)
    return _canonical_turtle(made), len(made)


def _canonical_turtle(made: Iterable) -> bytes:
    from .vocab import PREFIXES

    ordered = sorted(made, key=lambda t: (t.subject.value, t.predicate.value, str(t.object)))
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    return ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""


def to_oxigraph(term):
    """The pyoxigraph term for an rdflib IRI, blank node or literal (lexical form kept)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def to_graph(corpus: LinkedCorpus, base: str = DEFAULT_BASE) -> Graph:
    """Build the knowledge graph of a linked corpus as an rdflib Graph (see :func:`triples`)."""
    graph = bind_prefixes(Graph())
    graph += triples(corpus, base, RDFLIB_TERMS)
    return graph


_VOCABULARIES = (RDF, RDFS, KG, DCTERMS, SKOS, PROV, SDO)


class _TermsOf:
    """A vocabulary's terms made by one library, each made on first use and then kept as a plain
    attribute: reading one costs an attribute read, where rdflib's ``KG.subject`` builds a new
    URIRef (and a closed namespace checks the name) every time."""

    def __init__(self, namespace, iri: Callable[[str], object]):
        self._namespace, self._iri = namespace, iri

    def __getattr__(self, name: str):
        term = self._iri(str(self._namespace[name]))
        setattr(self, name, term)
        return term


#: which finders a mention's ``source`` names (a paper's mention node unions its occurrences')
_FINDERS = {"model": frozenset({"model"}), "rules": frozenset({"rules"}), "both": frozenset({"model", "rules"})}


def triples(
    corpus: LinkedCorpus, base: str = DEFAULT_BASE, terms: Terms = RDFLIB_TERMS, *, entities: bool = True
) -> Iterator[tuple]:
    """The knowledge graph of a linked corpus, triple by triple, made of ``terms``.

    Per paper: its metadata, one ``kg:Mention`` per (paper, entity) with the evidence sentence,
    the direct role link (``kg:proposes``, ``kg:uses``, ``kg:addresses`` ...), claims with typed
    values, and code repositories. Per entity: type, preferred label, aliases, paper count
    (left out with ``entities=False``; the papers still refer to the entities' IRIs).

    Two lookup keys let named queries find things by index instead of scanning every label or
    title: ``kg:nameKey`` (each name and alias lower-cased, :func:`kg.textnorm.name_key`) and
    ``kg:titleWord`` (each normalised word of a title, :func:`kg.textnorm.title_words`).
    """
    iri, text = terms.iri, terms.literal
    # the vocabularies' terms made by ``terms``, each once (see _TermsOf); they shadow the
    # rdflib namespaces of the same names, so ``KG.proposes`` here is already the term to write
    RDF, RDFS, KG, DCTERMS, SKOS, PROV, SDO = (_TermsOf(ns, iri) for ns in _VOCABULARIES)  # noqa: N806
    const = lru_cache(maxsize=None)(iri)  # classes and predicates picked from a table: each made once

    def number(value: int):
        return terms.typed(str(int(value)), _XSD_INTEGER)

    def decimal(value: float):
        return terms.typed(_decimal_lexical(float(value) + 0.0), _XSD_DECIMAL)  # + 0.0: -0.0 is 0.0

    def confidence(value: float):
        return decimal(min(1.0, max(0.0, value)))

    entity_iris: dict[str, object] = {}
    for key, entity in corpus.entities.items():
        e = entity_iris[key] = iri(entity_iri(base, entity))
        if not entities:
            continue
        yield e, RDF.type, const(_TYPE_CLASS[entity.type])
        yield e, SKOS.prefLabel, text(entity.label)
        yield e, RDFS.label, text(entity.label)
        for alias in sorted(entity.aliases):
            yield e, SKOS.altLabel, text(alias)
        for key_form in sorted({name_key(name) for name in (entity.label, *entity.aliases)}):
            yield e, KG.nameKey, text(key_form)
        yield e, KG.confidence, confidence(entity.confidence)
        yield e, KG.paperCount, number(len(entity.papers))

    if entities:  # each distinct relation once: the direct triple, and reified with its paper count
        for key, papers in sorted(corpus.relations.items()):
            head, relation, tail = key
            predicate = const(_RELATION_PREDICATE[relation])
            r = iri(relation_iri(base, key))
            yield entity_iris[head], predicate, entity_iris[tail]
            yield r, RDF.type, KG.Relation
            yield r, RDF.subject, entity_iris[head]
            yield r, RDF.predicate, predicate
            yield r, RDF.object, entity_iris[tail]
            yield r, KG.paperCount, number(len(papers))

    for extraction in corpus.extractions:
        paper = extraction.paper
        p_iri = paper_iri(base, paper.id)
        p = iri(p_iri)
        yield p, RDF.type, KG.Paper
        yield p, DCTERMS.identifier, text(paper.id)
        if paper.title:
            yield p, DCTERMS.title, text(paper.title)
        for word in title_words(paper.title):
            yield p, KG.titleWord, text(word)
        yield p, DCTERMS.abstract, text(paper.abstract)
        yield p, RDFS.label, text(paper.title or untitled_label(paper.abstract))
        if paper.url:
            yield p, SDO.url, terms.typed(paper.url, _XSD_ANY_URI)
        for author in paper.authors:
            yield p, DCTERMS.creator, text(author)
        if paper.year:
            yield p, DCTERMS.issued, terms.typed(f"{int(paper.year):04d}", _XSD_GYEAR)
        if paper.arxiv_id:
            yield p, KG.arxivId, text(paper.arxiv_id)
        if paper.doi:
            yield p, KG.doi, text(paper.doi)

        # one mention node per (paper, entity): the first occurrence is the evidence, roles merge;
        # confidence and model score are the best of the occurrences, the finders their union
        first: dict[str, tuple] = {}
        for mention in extraction.mentions:
            entity_key = corpus.key_of.get(mention.canonical)
            if entity_key is None:
                continue
            role = corpus.entities[entity_key].papers.get(paper.id, mention.role)
            finders = _FINDERS[mention.source]
            if entity_key not in first:
                first[entity_key] = (mention, role, mention.confidence, finders, mention.model_score)
            else:
                kept, kept_role, best, found, model_best = first[entity_key]
                if mention.model_score is not None:
                    model_best = mention.model_score if model_best is None else max(model_best, mention.model_score)
                first[entity_key] = (kept, kept_role, max(best, mention.confidence), found | finders, model_best)
        for entity_key, (mention, role, score, found, model_score) in sorted(first.items()):
            entity = corpus.entities[entity_key]
            e = entity_iris[entity_key]
            yield p, const(_PAPER_LINK[(entity.type, role)]), e
            m = iri(f"{p_iri}/mention/{short_hash(entity_key)}")
            yield p, KG.hasMention, m
            yield m, RDF.type, KG.Mention
            yield m, KG.denotes, e
            yield m, KG.role, text(role if entity.type in ("Method", "Dataset") else "used")
            yield m, KG.evidence, text(mention.sentence or mention.text)
            yield m, KG.field, text(mention.field)
            yield m, KG.start, number(mention.start)
            yield m, KG.end, number(mention.end)
            yield m, KG.confidence, confidence(score)
            yield m, KG.foundBy, text("both" if len(found) == 2 else next(iter(found)))
            if model_score is not None:
                yield m, KG.modelScore, confidence(model_score)
            yield m, PROV.wasDerivedFrom, p

        for index, claim in enumerate(extraction.claims):
            c = iri(f"{p_iri}/claim/{index + 1}")
            yield p, KG.hasClaim, c
            yield c, RDF.type, KG.Claim
            yield c, KG.claimOf, p
            yield c, PROV.wasDerivedFrom, p
            yield c, KG.evidence, text(claim.text)
            yield c, RDFS.label, text(claim.text)
            yield c, KG.claimKind, text(claim.kind)
            yield c, KG.field, text(claim.field)
            yield c, KG.start, number(claim.start)
            yield c, KG.end, number(claim.end)
            yield c, KG.confidence, confidence(claim.confidence)
            if claim.value is not None:
                yield c, KG.value, decimal(claim.value)
            if claim.unit:
                yield c, KG.unit, text(claim.unit)
            if claim.value_text:
                yield c, KG.valueText, text(claim.value_text)
            if claim.direction:
                yield c, KG.direction, text(claim.direction)
            links = (
                (claim.subject, KG.subject, "Method"),
                (claim.compared_to, KG.comparedTo, "Method"),
                (claim.dataset, KG.onDataset, "Dataset"),
                (claim.metric, KG.measuredBy, "Metric"),
            )
            resolved = {}
            for mentioned, predicate, wanted in links:
                entity = corpus.entity_for(mentioned)
                if entity is not None and entity.type == wanted:
                    yield c, predicate, entity_iris[entity.key]
                    resolved[predicate] = entity.key
            subject, compared = resolved.get(KG.subject), resolved.get(KG.comparedTo)
            if claim.kind == "comparative" and subject and compared and subject != compared:
                yield entity_iris[subject], KG.outperforms, entity_iris[compared]

        for index, relation in enumerate(extraction.relations):
            key = corpus.relation_key(relation)
            if key is None:
                continue
            ev = iri(f"{p_iri}/relation/{index + 1}")
            yield p, KG.statesRelation, ev
            yield ev, RDF.type, KG.RelationEvidence
            yield ev, KG.supports, iri(relation_iri(base, key))
            yield ev, KG.evidence, text(relation.sentence)
            yield ev, KG.field, text(relation.field)
            yield ev, KG.start, number(relation.start)
            yield ev, KG.end, number(relation.end)
            yield ev, KG.confidence, confidence(relation.confidence)
            yield ev, KG.extractorVersion, text(EXTRACTOR_VERSION)
            yield ev, PROV.wasDerivedFrom, p

        for url in extraction.code:
            r = iri(url if _SAFE_URL.match(url) else mint(base, "code", url))
            yield p, KG.hasCode, r
            yield r, RDF.type, KG.CodeRepository
            yield r, SDO.url, terms.typed(url, _XSD_ANY_URI)
            yield r, RDFS.label, text(url)


# ---------------------------------------------------------------------------------------------
# Load and save


def rdf_format(path: str | os.PathLike[str], format: str | None = None) -> str:
    """The rdflib format for ``path`` (from its suffix) unless ``format`` is given."""
    if format:
        return format
    suffix = Path(path).suffix.lower()
    if suffix not in RDF_FORMATS:
        raise GraphError(
            f"{path}: cannot tell the RDF format from the suffix {suffix!r}; "
            f"use one of {', '.join(sorted(RDF_FORMATS))} or pass a format"
        )
    return RDF_FORMATS[suffix]


def serialize(graph: Graph, format: str = "turtle") -> bytes:
    """Serialize deterministically. Turtle: without blank nodes, the canonical form ``kg build``
    writes (:func:`corpus_rdf`: sorted, kg's prefixes, by pyoxigraph), so exporting a loaded
    ``graph.ttl`` gives its bytes back; with blank nodes, rdflib's canonical ``longturtle``.
    N-Triples: sorted lines."""
    if format in ("turtle", "ttl", "longturtle"):
        if any(isinstance(term, BNode) for triple in graph for term in triple):
            return graph.serialize(format="longturtle", canon=True, encoding="utf-8")
        return _canonical_turtle(ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph)
    if format in ("nt", "ntriples", "nt11"):
        data = graph.serialize(format="nt", encoding="utf-8")
        lines = sorted(line for line in data.splitlines() if line.strip())
        return b"\n".join(lines) + b"\n"
    return graph.serialize(format=format, encoding="utf-8")


def save(graph: Graph, path: str | os.PathLike[str], format: str | None = None) -> Path:
    """Serialize ``graph`` to ``path`` atomically; the format comes from the suffix unless given."""
    fmt = rdf_format(path, format)
    write_atomically(path, serialize(graph, fmt))
    return Path(path)


def load(path: str | os.PathLike[str], format: str | None = None) -> Graph:
    """Parse an RDF file written by ``kg build`` (or any RDF file rdflib reads).

    A folder written by ``kg build --store`` opens as a read-only graph over the store
    (:func:`kg.store.open_graph`), so every command that loads a graph also reads stores.

    Raises
    ------
    GraphError
        When the file is missing or does not parse; the message names the file.
    """
    path = Path(path)
    if path.is_dir():  # an on-disk store written by 'kg build --store'
        from .store import open_graph

        return open_graph(path)
    if not path.is_file():
        raise GraphError(f"{path}: no such graph file; run 'kg build' first or check the path")
    fmt = rdf_format(path, format)
    if fmt in ("json-ld", "jsonld"):
        _refuse_remote_contexts(path)
    graph = bind_prefixes(Graph())
    try:
        graph.parse(path, format=fmt)
    except Exception as err:  # rdflib raises many unrelated types for syntax errors
        raise GraphError(f"{path}: cannot parse as {fmt}: {err}") from err
    return graph


def _refuse_remote_contexts(path: Path) -> None:
    """Raise GraphError if a JSON-LD file names a ``@context`` (or ``@import``) by address:
    rdflib would fetch it from the network. Contexts must be embedded objects."""
    import json

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as err:
        raise GraphError(f"{path}: cannot parse as json-ld: {err}") from err
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key in ("@context", "@import"):
                    for item in value if isinstance(value, list) else [value]:
                        if isinstance(item, str):
                            raise GraphError(
                                f"{path}: refers to the remote JSON-LD context {item!r}; kg never fetches "
                                f"contexts: embed the context object in the file (kg export writes it embedded)"
                            )
                stack.append(value)


def triples_count(graphs: Iterable[Graph]) -> int:
    return sum(len(g) for g in graphs)
