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
import tempfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SDO, SKOS

from .errors import GraphError
from .link import LinkedCorpus
from .model import Entity, Extraction
from .textnorm import short_hash, slugify
from .vocab import KG, bind_prefixes

__all__ = [
    "DEFAULT_BASE",
    "RDF_FORMATS",
    "mint",
    "paper_iri",
    "entity_iri",
    "to_graph",
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
#: only URLs made of these characters become IRIs as they are (others are minted)
# (RFC 3987: no brackets outside an IPv6 host, '%' only before two hex digits; Oxigraph and Jena reject others)
_SAFE_URL = re.compile(r"^https?://(?:[A-Za-z0-9\-._~:/?#@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+$")


def mint(base: str, kind: str, key: str) -> URIRef:
    """An IRI ``{base}{kind}/{slug}-{hash}``: readable, unique per key, always safe."""
    return URIRef(f"{base}{kind}/{slugify(key)}-{short_hash(key)}")


def paper_iri(base: str, paper_id: str) -> URIRef:
    """The IRI of a paper, from its id (which may hold any characters)."""
    return mint(base, "paper", paper_id)


def entity_iri(base: str, entity: Entity) -> URIRef:
    """The IRI of an entity, from its type and linking key."""
    return mint(base, entity.type.lower(), entity.key)


def _decimal(value: float) -> Literal:
    return Literal(Decimal(str(round(float(value), 6))).normalize(), datatype=XSD.decimal)


def _confidence(value: float) -> Literal:
    return _decimal(min(1.0, max(0.0, value)))


def to_graph(corpus: LinkedCorpus, base: str = DEFAULT_BASE) -> Graph:
    """Build the knowledge graph of a linked corpus.

    Per paper: its metadata, one ``kg:Mention`` per (paper, entity) with the evidence sentence,
    the direct role link (``kg:proposes``, ``kg:uses``, ``kg:addresses`` ...), claims with typed
    values, and code repositories. Per entity: type, preferred label, aliases, paper count.
    """
    graph = bind_prefixes(Graph())
    entity_iris: dict[str, URIRef] = {}
    for key, entity in corpus.entities.items():
        iri = entity_iri(base, entity)
        entity_iris[key] = iri
        graph.add((iri, RDF.type, _TYPE_CLASS[entity.type]))
        graph.add((iri, SKOS.prefLabel, Literal(entity.label)))
        graph.add((iri, RDFS.label, Literal(entity.label)))
        for alias in sorted(entity.aliases):
            graph.add((iri, SKOS.altLabel, Literal(alias)))
        graph.add((iri, KG.confidence, _confidence(entity.confidence)))
        graph.add((iri, KG.paperCount, Literal(len(entity.papers))))
    for extraction in corpus.extractions:
        _add_paper(graph, corpus, extraction, entity_iris, base)
    return graph


def _add_paper(
    graph: Graph, corpus: LinkedCorpus, extraction: Extraction, entity_iris: dict[str, URIRef], base: str
) -> None:
    paper = extraction.paper
    p = paper_iri(base, paper.id)
    graph.add((p, RDF.type, KG.Paper))
    graph.add((p, DCTERMS.identifier, Literal(paper.id)))
    graph.add((p, DCTERMS.title, Literal(paper.title)))
    graph.add((p, DCTERMS.abstract, Literal(paper.abstract)))
    graph.add((p, RDFS.label, Literal(paper.title)))
    if paper.url:
        graph.add((p, SDO.url, Literal(paper.url, datatype=XSD.anyURI)))
    for author in paper.authors:
        graph.add((p, DCTERMS.creator, Literal(author)))
    if paper.year:
        graph.add((p, DCTERMS.issued, Literal(f"{int(paper.year):04d}", datatype=XSD.gYear)))
    if paper.arxiv_id:
        graph.add((p, KG.arxivId, Literal(paper.arxiv_id)))
    if paper.doi:
        graph.add((p, KG.doi, Literal(paper.doi)))

    # one mention node per (paper, entity): the first occurrence is the evidence, roles merge
    first: dict[str, tuple] = {}
    for mention in extraction.mentions:
        entity_key = corpus.key_of.get(mention.canonical)
        if entity_key is None:
            continue
        role = corpus.entities[entity_key].papers.get(paper.id, mention.role)
        if entity_key not in first:
            first[entity_key] = (mention, role, mention.confidence)
        else:
            kept, kept_role, best = first[entity_key]
            first[entity_key] = (kept, kept_role, max(best, mention.confidence))
    for entity_key, (mention, role, confidence) in sorted(first.items()):
        entity = corpus.entities[entity_key]
        e = entity_iris[entity_key]
        graph.add((p, _PAPER_LINK[(entity.type, role)], e))
        m = URIRef(f"{p}/mention/{short_hash(entity_key)}")
        graph.add((p, KG.hasMention, m))
        graph.add((m, RDF.type, KG.Mention))
        graph.add((m, KG.denotes, e))
        graph.add((m, KG.role, Literal(role if entity.type in ("Method", "Dataset") else "used")))
        graph.add((m, KG.evidence, Literal(mention.sentence or mention.text)))
        graph.add((m, KG.field, Literal(mention.field)))
        graph.add((m, KG.start, Literal(mention.start)))
        graph.add((m, KG.end, Literal(mention.end)))
        graph.add((m, KG.confidence, _confidence(confidence)))
        graph.add((m, PROV.wasDerivedFrom, p))

    for index, claim in enumerate(extraction.claims):
        c = URIRef(f"{p}/claim/{index + 1}")
        graph.add((p, KG.hasClaim, c))
        graph.add((c, RDF.type, KG.Claim))
        graph.add((c, KG.claimOf, p))
        graph.add((c, PROV.wasDerivedFrom, p))
        graph.add((c, KG.evidence, Literal(claim.text)))
        graph.add((c, RDFS.label, Literal(claim.text)))
        graph.add((c, KG.claimKind, Literal(claim.kind)))
        graph.add((c, KG.field, Literal(claim.field)))
        graph.add((c, KG.start, Literal(claim.start)))
        graph.add((c, KG.end, Literal(claim.end)))
        graph.add((c, KG.confidence, _confidence(claim.confidence)))
        if claim.value is not None:
            graph.add((c, KG.value, _decimal(claim.value)))
        if claim.unit:
            graph.add((c, KG.unit, Literal(claim.unit)))
        if claim.value_text:
            graph.add((c, KG.valueText, Literal(claim.value_text)))
        if claim.direction:
            graph.add((c, KG.direction, Literal(claim.direction)))
        links = (
            (claim.subject, KG.subject, "Method"),
            (claim.compared_to, KG.comparedTo, "Method"),
            (claim.dataset, KG.onDataset, "Dataset"),
            (claim.metric, KG.measuredBy, "Metric"),
        )
        resolved = {}
        for text, predicate, wanted in links:
            entity = corpus.entity_for(text)
            if entity is not None and entity.type == wanted:
                graph.add((c, predicate, entity_iris[entity.key]))
                resolved[predicate] = entity_iris[entity.key]
        if claim.kind == "comparative" and KG.subject in resolved and KG.comparedTo in resolved:
            if resolved[KG.subject] != resolved[KG.comparedTo]:
                graph.add((resolved[KG.subject], KG.outperforms, resolved[KG.comparedTo]))

    for url in extraction.code:
        r = URIRef(url) if _SAFE_URL.match(url) else mint(base, "code", url)
        graph.add((p, KG.hasCode, r))
        graph.add((r, RDF.type, KG.CodeRepository))
        graph.add((r, SDO.url, Literal(url, datatype=XSD.anyURI)))
        graph.add((r, RDFS.label, Literal(url)))


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


def write_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync it, and move it into place.

    A reader (or a crash) sees either the old complete file or the new complete file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def serialize(graph: Graph, format: str = "turtle") -> bytes:
    """Serialize deterministically: Turtle as rdflib's canonical ``longturtle``, N-Triples sorted."""
    if format in ("turtle", "ttl", "longturtle"):
        return graph.serialize(format="longturtle", canon=True, encoding="utf-8")
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
