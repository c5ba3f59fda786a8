"""The kg ontology's terms as a closed rdflib namespace, and the prefixes we write with.

``ontology/kg.ttl`` is the source of truth; :class:`KG` names exactly its ``kg:`` terms
(``tests/test_vocab.py`` checks both ways), so a misspelt term fails where it is written
instead of producing a triple nobody queries.

Only rdflib is imported here.

>>> KG.Paper
rdflib.term.URIRef('https://w3id.org/kg-papers/ontology#Paper')
>>> KG.proposes in KG
True
>>> KG.propose
Traceback (most recent call last):
    ...
AttributeError: term 'propose' not in namespace 'https://w3id.org/kg-papers/ontology#'
>>> g = bind_prefixes(rdflib.Graph())
>>> g.namespace_manager.normalizeUri(KG.evaluatesOn)
'kg:evaluatesOn'
"""

# No ``from __future__ import annotations``: DefinedNamespace reads the annotations below as
# real classes (``as_jsonld_context`` checks they are URIRef), not as strings.

from functools import lru_cache
from pathlib import Path

import rdflib
from rdflib import namespace as ns  # one module name: pytest's doctest finder probes globals
from rdflib.term import URIRef

__all__ = [
    "KG",
    "KG_NS",
    "ONTOLOGY_PATH",
    "SHAPES_PATH",
    "PREFIXES",
    "ontology_graph",
    "bind_prefixes",
]

_ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
ONTOLOGY_PATH: Path = _ONTOLOGY_DIR / "kg.ttl"
SHAPES_PATH: Path = _ONTOLOGY_DIR / "shapes.ttl"

KG_NS = ns.Namespace("https://w3id.org/kg-papers/ontology#")


class KG(ns.DefinedNamespace):
    """The kg ontology (``ontology/kg.ttl``): one attribute per term; others raise AttributeError."""

    _NS = KG_NS
    _fail = True

    # Classes
    Paper: URIRef  # A research paper, known by its title and abstract.
    Entity: URIRef  # A method, task, dataset or metric shared across papers (abstract).
    Method: URIRef  # A method, model, algorithm or system.
    Task: URIRef  # A problem that methods are built to solve.
    Dataset: URIRef  # A dataset, corpus or benchmark.
    Metric: URIRef  # A measure of how well a method does.
    Claim: URIRef  # A result a paper states in one sentence.
    CodeRepository: URIRef  # Where a paper's source code is.
    Mention: URIRef  # One evidenced place where a paper names an entity.
    Relation: URIRef  # A relation between two entities, reified: its paper count and evidence.
    RelationEvidence: URIRef  # One paper's statement of a Relation: sentence, offsets, confidence.

    # Object properties: paper -> entity
    proposes: URIRef  # Paper -> Method it introduces.
    introducesDataset: URIRef  # Paper -> Dataset it introduces.
    uses: URIRef  # Paper -> Method it uses without proposing.
    addresses: URIRef  # Paper -> Task it works on.
    evaluatesOn: URIRef  # Paper -> Dataset it reports results on.
    reportsMetric: URIRef  # Paper -> Metric it reports results with.
    hasCode: URIRef  # Paper -> CodeRepository.
    hasClaim: URIRef  # Paper -> Claim (inverse of claimOf).
    claimOf: URIRef  # Claim -> Paper (exactly one).
    hasMention: URIRef  # Paper -> Mention.
    denotes: URIRef  # Mention -> Entity (exactly one).

    # Object properties: what a claim is about
    subject: URIRef  # Claim -> Method the claim is about.
    comparedTo: URIRef  # Claim -> Method it is compared with.
    onDataset: URIRef  # Claim -> Dataset.
    measuredBy: URIRef  # Claim -> Metric.
    aboutTask: URIRef  # Claim -> Task (reserved: not written yet).
    outperforms: URIRef  # Method -> Method, derived from comparative claims.
    # Object properties: entity -> entity, read by the relation classifier
    usedFor: URIRef  # Entity -> Entity it is used for (SciERC USED-FOR).
    evaluates: URIRef  # Entity (metric, dataset) -> Entity it evaluates (SciERC EVALUATE-FOR).
    comparedWith: URIRef  # Entity <-> Entity compared with it (SciERC COMPARE).
    kindOf: URIRef  # Entity -> the broader Entity it is a kind of (SciERC HYPONYM-OF).
    supports: URIRef  # RelationEvidence -> Relation.
    statesRelation: URIRef  # Paper -> RelationEvidence.

    # Datatype properties
    role: URIRef  # Mention -> "proposed" | "used".
    confidence: URIRef  # Mention | Claim | Entity -> xsd:decimal in [0, 1].
    evidence: URIRef  # Mention | Claim -> the sentence it was read from.
    field: URIRef  # Mention | Claim -> "title" | "abstract".
    start: URIRef  # Mention | Claim -> first character offset in the field.
    end: URIRef  # Mention | Claim -> offset just past the last character.
    value: URIRef  # Claim -> xsd:decimal.
    unit: URIRef  # Claim -> unit of the value as written.
    valueText: URIRef  # Claim -> the value as written.
    direction: URIRef  # Claim -> improves | outperforms | reduces | matches | converges | achieves.
    claimKind: URIRef  # Claim -> quantitative | comparative | qualitative.
    arxivId: URIRef  # Paper -> arXiv identifier.
    doi: URIRef  # Paper -> DOI.
    paperCount: URIRef  # Entity -> number of papers that mention it.
    nameKey: URIRef  # Entity -> a lower-cased name or alias, for case-insensitive lookups by index.
    titleWord: URIRef  # Paper -> a normalised word of its title, for title searches by index.
    foundBy: URIRef  # Mention -> "model" | "rules" | "both": which part of the extractor found it.
    extractorVersion: URIRef  # RelationEvidence -> the kg extractor version that read it.
    modelScore: URIRef  # Mention -> xsd:decimal in [0, 1], the span model's probability.

    # Annotation property
    status: URIRef  # "reserved": defined but not yet written by kg.


# Plain (open) Namespace objects, so they also serve as SPARQL ``initNs``.
PREFIXES: dict[str, ns.Namespace] = {
    prefix: ns.Namespace(str(namespace))
    for prefix, namespace in (
        ("kg", KG_NS),
        ("dcterms", ns.DCTERMS),
        # rdflib's SDO (and its default "schema" binding) is https://schema.org/; we follow it.
        ("schema", ns.SDO),
        ("skos", ns.SKOS),
        ("prov", ns.PROV),
        ("rdfs", ns.RDFS),
        ("rdf", ns.RDF),
        ("owl", ns.OWL),
        ("xsd", ns.XSD),
    )
}


def bind_prefixes(graph: rdflib.Graph) -> rdflib.Graph:
    """Bind every prefix of :data:`PREFIXES` on ``graph`` (replacing other bindings of those
    prefixes) and return the same graph, for chaining."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


@lru_cache(maxsize=1)
def _parsed_ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY_PATH, format="turtle")


def ontology_graph() -> rdflib.Graph:
    """Return ``ontology/kg.ttl`` as a graph with our prefixes bound.

    The file is parsed once; every call returns a fresh copy, so callers may change it.
    """
    graph = bind_prefixes(rdflib.Graph())
    for triple in _parsed_ontology():
        graph.add(triple)
    return graph
