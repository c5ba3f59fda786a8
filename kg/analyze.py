"""Analytics: the rdflib graph projected to networkx.

:func:`project` is the one projection that render and export reuse: a ``networkx.DiGraph``
whose nodes are IRIs (strings) with a ``kind`` (Paper, Method, Task, Dataset, Metric, Claim,
CodeRepository), a ``label`` and per-kind attributes, and whose edges carry a ``relation``
(the local name of the kg property).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS, SDO, SKOS

from .vocab import KG

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["KIND_OF_CLASS", "RELATIONS", "project"]

KIND_OF_CLASS = {
    KG.Paper: "Paper",
    KG.Method: "Method",
    KG.Task: "Task",
    KG.Dataset: "Dataset",
    KG.Metric: "Metric",
    KG.Claim: "Claim",
    KG.CodeRepository: "CodeRepository",
}

#: the kg properties that become edges of the projection
RELATIONS = (
    KG.proposes,
    KG.introducesDataset,
    KG.uses,
    KG.addresses,
    KG.evaluatesOn,
    KG.reportsMetric,
    KG.hasCode,
    KG.hasClaim,
    KG.subject,
    KG.comparedTo,
    KG.onDataset,
    KG.measuredBy,
    KG.outperforms,
)


def _local(iri: URIRef) -> str:
    return str(iri).rsplit("#", 1)[-1]


def _text(graph: Graph, node, predicate) -> str:
    value = graph.value(node, predicate)
    return str(value) if value is not None else ""


def _number(graph: Graph, node, predicate, default=None):
    value = graph.value(node, predicate)
    return float(value.toPython()) if value is not None else default


def project(graph: Graph, *, claims: bool = True) -> "nx.DiGraph":
    """Project the knowledge graph onto a ``networkx.DiGraph`` (see the module docstring).

    Parameters
    ----------
    graph:
        A graph built by :func:`kg.rdf.to_graph` (or loaded from its output).
    claims:
        Whether claims become nodes (they do in the HTML view; analytics may leave them out).
    """
    import networkx as nx

    out = nx.DiGraph()
    for cls, kind in KIND_OF_CLASS.items():
        if kind == "Claim" and not claims:
            continue
        for node in graph.subjects(RDF.type, cls):
            attrs: dict = {"kind": kind}
            if kind == "Paper":
                title = _text(graph, node, DCTERMS.title)
                attrs.update(
                    label=title,
                    title=title,
                    paper_id=_text(graph, node, DCTERMS.identifier),
                    url=_text(graph, node, SDO.url),
                    proposed=sorted(
                        _text(graph, m, SKOS.prefLabel) for m in graph.objects(node, KG.proposes)
                    ),
                    confidence=1.0,
                )
            elif kind == "Claim":
                attrs.update(
                    label=_text(graph, node, KG.valueText) or _text(graph, node, KG.claimKind),
                    evidence=_text(graph, node, KG.evidence),
                    value=_number(graph, node, KG.value),
                    unit=_text(graph, node, KG.unit),
                    value_text=_text(graph, node, KG.valueText),
                    confidence=_number(graph, node, KG.confidence, 0.0),
                )
            elif kind == "CodeRepository":
                url = _text(graph, node, SDO.url)
                attrs.update(label=url, url=url, confidence=1.0)
            else:
                attrs.update(
                    label=_text(graph, node, SKOS.prefLabel) or _text(graph, node, RDFS.label),
                    aliases=sorted(str(a) for a in graph.objects(node, SKOS.altLabel)),
                    papers=int(_number(graph, node, KG.paperCount, 0)),
                    confidence=_number(graph, node, KG.confidence, 0.0),
                )
            out.add_node(str(node), **attrs)
    for predicate in RELATIONS:
        relation = _local(predicate)
        for s, o in graph.subject_objects(predicate):
            if str(s) in out and str(o) in out:
                out.add_edge(str(s), str(o), relation=relation)
    return out
