"""Analytics: the rdflib graph projected to networkx, and what we compute on it.

:func:`project` is the one projection that render and export reuse: a ``networkx.DiGraph``
whose nodes are IRIs (strings) with a ``kind`` (Paper, Method, Task, Dataset, Metric, Claim,
CodeRepository), a ``label`` and per-kind attributes, and whose edges carry a ``relation``
(the local name of the kg property).

Everything else is built from that projection, never from rdflib again:

- :func:`bipartite`: papers and the entities they name (undirected);
- :func:`cooccurrence`: entities linked when papers name both, ``weight`` = shared papers;
- :func:`central`, :func:`communities`, :func:`related_papers`, :func:`connection` and
  :func:`summarize`, which ``kg analyze`` prints.

Nodes and edges are added in sorted order and randomised algorithms are seeded, so two runs on
the same graph give the same answer.

>>> import networkx as nx
>>> g = nx.DiGraph()
>>> for node, kind, label in [("p1", "Paper", "P1"), ("p2", "Paper", "P2"), ("m", "Method", "F2SA"),
...                           ("t", "Task", "bilevel optimization"), ("d", "Dataset", "MNIST")]:
...     g.add_node(node, kind=kind, label=label, aliases=[])
>>> g.add_edges_from([("p1", "m"), ("p1", "t"), ("p2", "t"), ("p2", "d")], relation="uses")
>>> sorted(cooccurrence(g).edges(data="weight"))
[('d', 't', 1), ('m', 't', 1)]
>>> [g.nodes[n]["label"] for n in connection(g, "F2SA", "mnist")]
['F2SA', 'P1', 'bilevel optimization', 'P2', 'MNIST']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib import namespace as ns  # one module name: pytest's doctest finder probes globals

from .errors import QueryError
from .vocab import KG

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "KIND_OF_CLASS",
    "RELATIONS",
    "ENTITY_KINDS",
    "UnknownNode",
    "project",
    "bipartite",
    "cooccurrence",
    "relation_graph",
    "relations",
    "ENTITY_RELATIONS",
    "find_node",
    "central",
    "communities",
    "related_papers",
    "connection",
    "summarize",
]

#: the kinds that papers share: co-occurrence, centrality and communities are about these
ENTITY_KINDS = ("Method", "Task", "Dataset", "Metric")


class UnknownNode(QueryError):
    """No paper or entity has the name asked for."""

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
    KG.usedFor,
    KG.evaluates,
    KG.comparedWith,
    KG.kindOf,
)

#: the relations between two entities that sentences state (read by kg's relation classifier)
ENTITY_RELATIONS = ("usedFor", "evaluates", "comparedWith", "kindOf")

#: how many evidence sentences a relation edge of the projection keeps
EVIDENCE_PER_EDGE = 5


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
                title = _text(graph, node, ns.DCTERMS.title)
                attrs.update(
                    label=title or _text(graph, node, RDFS.label),  # an untitled paper's label quotes its abstract
                    title=title,
                    paper_id=_text(graph, node, ns.DCTERMS.identifier),
                    url=_text(graph, node, ns.SDO.url),
                    proposed=sorted(
                        _text(graph, m, ns.SKOS.prefLabel) for m in graph.objects(node, KG.proposes)
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
                url = _text(graph, node, ns.SDO.url)
                attrs.update(label=url, url=url, confidence=1.0)
            else:
                attrs.update(
                    label=_text(graph, node, ns.SKOS.prefLabel) or _text(graph, node, RDFS.label),
                    aliases=sorted(str(a) for a in graph.objects(node, ns.SKOS.altLabel)),
                    papers=int(_number(graph, node, KG.paperCount, 0)),
                    confidence=_number(graph, node, KG.confidence, 0.0),
                )
            out.add_node(str(node), **attrs)
    for predicate in RELATIONS:
        relation = _local(predicate)
        for s, o in graph.subject_objects(predicate):
            if str(s) in out and str(o) in out and not out.has_edge(str(s), str(o)):
                out.add_edge(str(s), str(o), relation=relation)
    _relation_evidence(graph, out)
    return out


def _relation_evidence(graph: Graph, out: "nx.DiGraph") -> None:
    """Give each entity-relation edge of the projection its paper count, best confidence and
    evidence sentences (from the kg:Relation it reifies and its kg:RelationEvidence)."""
    for relation in graph.subjects(RDF.type, KG.Relation):
        s, p, o = (graph.value(relation, term) for term in (RDF.subject, RDF.predicate, RDF.object))
        if s is None or o is None or not out.has_edge(str(s), str(o)) or out.edges[str(s), str(o)]["relation"] != _local(p):
            continue
        found = []
        for evidence in graph.subjects(KG.supports, relation):
            paper = graph.value(evidence, ns.PROV.wasDerivedFrom)
            found.append((-_number(graph, evidence, KG.confidence, 0.0), _text(graph, evidence, KG.evidence),
                          _text(graph, paper, ns.DCTERMS.title) or _text(graph, paper, RDFS.label)))
        found.sort()
        out.edges[str(s), str(o)].update(
            papers=int(_number(graph, relation, KG.paperCount, 0)),
            confidence=-found[0][0] if found else 0.0,
            evidence=[sentence for _, sentence, _ in found[:EVIDENCE_PER_EDGE]],
            evidence_papers=[title for _, _, title in found[:EVIDENCE_PER_EDGE]],
        )


def relation_graph(projection: "nx.DiGraph", relations: tuple[str, ...] = ENTITY_RELATIONS) -> "nx.DiGraph":
    """The entities and the relations sentences state between them (``relations``, by their
    kg local names), as a directed graph: nodes keep the projection's attributes, edges its
    ``relation``, ``papers``, ``confidence`` and ``evidence``. Entities in no such relation are left out.
    """
    import networkx as nx

    out = nx.DiGraph()
    for source, target, attrs in sorted(projection.edges(data=True)):
        if attrs.get("relation") in relations:
            for node in (source, target):
                if node not in out:
                    out.add_node(node, **dict(projection.nodes[node]))
            out.add_edge(source, target, **dict(attrs))
    return out


# ---------------------------------------------------------------------------------------------
# Projections built from project()'s output


def bipartite(projection: "nx.DiGraph", kinds: tuple[str, ...] = ENTITY_KINDS) -> "nx.Graph":
    """Papers and the entities of ``kinds`` they name, as an undirected graph.

    Nodes keep the projection's attributes plus ``bipartite`` (0 papers, 1 entities); an edge
    keeps the paper's ``relation`` to the entity. The projection is not changed.
    """
    import networkx as nx

    out = nx.Graph()
    for node in sorted(projection):
        attrs = projection.nodes[node]
        if attrs.get("kind") == "Paper" or attrs.get("kind") in kinds:
            out.add_node(node, **dict(attrs), bipartite=0 if attrs["kind"] == "Paper" else 1)
    for paper, entity, relation in sorted(projection.edges(data="relation")):
        if paper in out and entity in out and out.nodes[paper]["bipartite"] == 0 and out.nodes[entity]["bipartite"] == 1:
            out.add_edge(paper, entity, relation=relation)
    return out


def cooccurrence(projection: "nx.DiGraph", kinds: tuple[str, ...] = ENTITY_KINDS) -> "nx.Graph":
    """Entities of ``kinds``, linked when a paper names both; ``weight`` counts those papers.

    Entities no paper shares with another stay in the graph as isolated nodes.
    """
    import itertools

    import networkx as nx

    papers = bipartite(projection, kinds)
    out = nx.Graph()
    for node, attrs in papers.nodes(data=True):
        if attrs["bipartite"] == 1:
            out.add_node(node, **{k: v for k, v in attrs.items() if k != "bipartite"})
    weights: dict[tuple[str, str], int] = {}
    for node, attrs in papers.nodes(data=True):
        if attrs["bipartite"] == 0:
            for a, b in itertools.combinations(sorted(papers[node]), 2):
                weights[(a, b)] = weights.get((a, b), 0) + 1
    for (a, b), weight in sorted(weights.items()):
        out.add_edge(a, b, weight=weight)
    return out


# ---------------------------------------------------------------------------------------------
# Finding nodes by name


def _fold(text: str) -> str:
    return " ".join(str(text).casefold().split())


def find_node(projection: "nx.DiGraph", name: str, kinds: tuple[str, ...] | None = None) -> str:
    """The node named ``name``: its IRI, label or an alias (case-insensitive); for papers also
    the paper id or a phrase of the title. Exact names win over title phrases; ties go to the
    node with the most papers, then the smallest IRI.

    Raises
    ------
    UnknownNode
        When nothing matches; the message suggests close labels.
    """
    wanted = _fold(name)
    exact, partial = [], []
    for node, attrs in projection.nodes(data=True):
        if kinds is not None and attrs.get("kind") not in kinds:
            continue
        names = {node, attrs.get("label", ""), attrs.get("paper_id", ""), *attrs.get("aliases", [])}
        if wanted in {_fold(n) for n in names if n}:
            exact.append(node)
        elif attrs.get("kind") == "Paper" and wanted and wanted in _fold(attrs.get("label", "")):
            partial.append(node)
    found = exact or partial
    if not found:
        import difflib

        labels = sorted({attrs.get("label", "") for _, attrs in projection.nodes(data=True)
                         if kinds is None or attrs.get("kind") in kinds})
        close = difflib.get_close_matches(name, labels, n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else "; check the spelling or try an alias"
        what = "/".join(kinds) if kinds else "paper or entity"
        raise UnknownNode(f"no {what} named {name!r} in the graph{hint}")
    return min(found, key=lambda n: (-projection.nodes[n].get("papers", 0), n))


# ---------------------------------------------------------------------------------------------
# Measures


def central(cooc: "nx.Graph", kinds: tuple[str, ...] = ("Method", "Task", "Dataset"), top: int = 10) -> dict[str, list[dict]]:
    """The most central entities of each kind in the co-occurrence graph.

    Ranked by weighted degree (how many paper-level links the entity has to other entities),
    then betweenness (how often it lies on shortest paths between others; estimated from at most
    300 seeded sample sources on large graphs), then label.
    """
    import networkx as nx

    samples = min(300, len(cooc)) or None
    between = nx.betweenness_centrality(cooc, k=samples, seed=0) if len(cooc) else {}
    out: dict[str, list[dict]] = {}
    for kind in kinds:
        rows = [
            {
                "label": attrs.get("label", ""),
                "kind": kind,
                "degree": cooc.degree(node),
                "weighted_degree": cooc.degree(node, weight="weight"),
                "betweenness": round(between.get(node, 0.0), 6),
                "papers": attrs.get("papers", 0),
                "iri": node,
            }
            for node, attrs in cooc.nodes(data=True)
            if attrs.get("kind") == kind
        ]
        rows.sort(key=lambda r: (-r["weighted_degree"], -r["betweenness"], r["label"], r["iri"]))
        out[kind] = rows[:top]
    return out


def communities(cooc: "nx.Graph", *, seed: int = 0, top: int = 10, name_size: int = 3) -> list[dict]:
    """Communities of the co-occurrence graph (Louvain, weighted, seeded), largest first.

    Each is named by its ``name_size`` entities of highest weighted degree inside it; isolated
    entities are left out.
    """
    import networkx as nx

    linked = cooc.subgraph([n for n in cooc if cooc.degree(n) > 0])
    if not len(linked):
        return []
    found = nx.community.louvain_communities(linked, weight="weight", seed=seed)
    out = []
    for members in found:
        inside = linked.subgraph(members)
        ranked = sorted(members, key=lambda n: (-inside.degree(n, weight="weight"), linked.nodes[n]["label"], n))
        labels = [linked.nodes[n]["label"] for n in ranked]
        out.append(
            {
                "name": " / ".join(labels[:name_size]),
                "size": len(members),
                "kinds": {k: sum(1 for n in members if linked.nodes[n]["kind"] == k) for k in ENTITY_KINDS},
                "top": labels[:10],
            }
        )
    out.sort(key=lambda c: (-c["size"], c["name"]))
    return out[:top]


def related_papers(projection: "nx.DiGraph", paper: str, top: int = 10) -> list[dict]:
    """Papers sharing entities with ``paper`` (title, phrase of the title, id or IRI), most
    shared first; each row lists the shared entities."""
    papers = bipartite(projection)
    start = find_node(projection, paper, ("Paper",))
    shared: dict[str, list[str]] = {}
    for entity in papers[start]:
        for other in papers[entity]:
            if other != start:
                shared.setdefault(other, []).append(papers.nodes[entity]["label"])
    rows = [
        {"title": papers.nodes[o]["label"], "shared": len(v), "via": sorted(v), "iri": o}
        for o, v in shared.items()
    ]
    rows.sort(key=lambda r: (-r["shared"], r["title"], r["iri"]))
    return rows[:top]


def connection(projection: "nx.DiGraph", a: str, b: str) -> list[str]:
    """The shortest chain of papers and entities linking entity ``a`` to entity ``b`` (names,
    aliases or IRIs), as node IRIs from ``a`` to ``b``.

    Raises
    ------
    UnknownNode
        When either name is unknown, or when nothing connects them.
    """
    import networkx as nx

    papers = bipartite(projection)
    source = find_node(projection, a, ENTITY_KINDS)
    target = find_node(projection, b, ENTITY_KINDS)
    try:
        return nx.shortest_path(papers, source, target)
    except nx.NetworkXNoPath as err:
        raise UnknownNode(f"no chain of papers connects {a!r} and {b!r}") from err


def relations(projection: "nx.DiGraph", *, top: int = 10) -> dict:
    """The entity-relation graph in brief: how many relations of each kind, the ones the most
    papers state (with a sentence that says so), and the entities most others are used for.

    Plain data (JSON-ready), what ``kg analyze --relations`` prints.
    """
    graph = relation_graph(projection)
    by_kind: dict[str, int] = {}
    for _, _, relation in graph.edges(data="relation"):
        by_kind[relation] = by_kind.get(relation, 0) + 1
    label = lambda n: graph.nodes[n].get("label", n)  # noqa: E731
    strongest = sorted(graph.edges(data=True), key=lambda e: (-(e[2].get("papers") or 0), -(e[2].get("confidence") or 0), e[0], e[1]))
    used_for = {}
    for source, target, relation in graph.edges(data="relation"):
        if relation == "usedFor":
            used_for.setdefault(target, set()).add(source)
    return {
        "entities": graph.number_of_nodes(),
        "relations": dict(sorted(by_kind.items())),
        "strongest": [
            {"head": label(a), "relation": attrs["relation"], "tail": label(b), "papers": attrs.get("papers", 0),
             "evidence": (attrs.get("evidence") or [""])[0]}
            for a, b, attrs in strongest[:top]
        ],
        "most_used_for": [
            {"label": label(n), "kind": graph.nodes[n].get("kind"), "used": len(used),
             "by": sorted(label(m) for m in used)[:top]}
            for n, used in sorted(used_for.items(), key=lambda item: (-len(item[1]), label(item[0])))[:top]
        ],
    }


def summarize(projection: "nx.DiGraph", *, top: int = 10, seed: int = 0) -> dict:
    """Everything ``kg analyze`` reports by default, as plain data (JSON-ready)."""
    cooc = cooccurrence(projection)
    papers = bipartite(projection)
    kinds = {}
    for _, kind in projection.nodes(data="kind"):
        kinds[kind] = kinds.get(kind, 0) + 1
    return {
        "nodes": dict(sorted(kinds.items())),
        "bipartite": {"nodes": papers.number_of_nodes(), "edges": papers.number_of_edges()},
        "cooccurrence": {
            "nodes": cooc.number_of_nodes(),
            "edges": cooc.number_of_edges(),
            "isolated": sum(1 for n in cooc if cooc.degree(n) == 0),
        },
        "central": central(cooc, top=top),
        "communities": communities(cooc, seed=seed, top=top),
    }
