"""Render a knowledge graph as one self-contained, offline, interactive HTML page.

The page draws the graph with vis-network. We take vis-network's script and
stylesheet from the copy that pyvis ships (so the version is pinned by our pyvis
pin) and inline them; the page, its script and its style are ours, in
``kg/static/``. The page makes no network request.

Data reaches the page only as JSON inside ``<script type="application/json">``
with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, and the page's script puts
every string into the DOM as text. A Content-Security-Policy allows only our own
inline scripts (by hash) and no network access at all.

    >>> import networkx as nx, tempfile, pathlib
    >>> g = nx.DiGraph()
    >>> g.add_node("kg:m/f2sa", kind="Method", label="F2SA", aliases=[], papers=1, confidence=0.9)
    >>> g.add_node("kg:p/1", kind="Paper", label="P1", title="A paper", paper_id="1",
    ...            url="", proposed=["F2SA"], confidence=1.0)
    >>> g.add_edge("kg:p/1", "kg:m/f2sa", relation="proposes")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     stats = render_html(g, pathlib.Path(tmp) / "graph.html", title="demo")
    >>> (stats.nodes, stats.edges, stats.hidden_nodes)
    (2, 1, 0)
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import html
import json
import math
import os
import random
import re
import unicodedata
from collections import deque
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from kg.atomic import write_atomically
from kg.errors import ExportError

if TYPE_CHECKING:  # networkx is imported where it is used, so `import kg.render` stays cheap
    import networkx as nx

__all__ = ["KINDS", "RenderStats", "render_html", "select_subgraph"]

#: Node kinds in legend order, with the colour and vis-network shape of each.
KINDS: dict[str, tuple[str, str]] = {
    "Paper": ("#4e79a7", "square"),
    "Method": ("#e15759", "dot"),
    "Task": ("#59a14f", "triangle"),
    "Dataset": ("#f28e2b", "diamond"),
    "Metric": ("#b07aa1", "star"),
    "Claim": ("#9c755f", "triangleDown"),
    "CodeRepository": ("#76b7b2", "hexagon"),
}

#: Relations between entities (kg.analyze.ENTITY_RELATIONS): the label the page shows, the colour
#: of the edge. Each can be switched off in the page; the side panel shows its sentences.
RELATION_STYLE: dict[str, tuple[str, str]] = {
    "usedFor": ("used for", "#2b6cb0"),
    "evaluates": ("evaluates", "#b7791f"),
    "comparedWith": ("compared with", "#805ad5"),
    "kindOf": ("kind of", "#2f855a"),
}

#: Above this many nodes the page keeps our layout as is; below, physics polishes it.
PRECOMPUTED_LAYOUT_ABOVE = 1500
#: How many of the best-connected nodes the spring layout places; the rest follow them.
LAYOUT_CORE = 300
#: Physics iterations per node budget: a bound on the page's work before it is usable.
#: vis-network's solver took ~35 ms per iteration at 1,000 nodes in headless Chromium.
PHYSICS_BUDGET = 30_000
#: Labels longer than this are cut for display; the tooltip shows them whole.
LABEL_MAX = 32
VIS_DIR = "lib/vis-9.1.2"


@dataclass(frozen=True)
class RenderStats:
    """What :func:`render_html` wrote: node and edge counts, nodes left out, file size."""

    nodes: int
    edges: int
    hidden_nodes: int
    bytes: int


def render_html(
    graph: nx.DiGraph,
    path: str | os.PathLike[str],
    *,
    title: str = "kg",
    focus: str | None = None,
    depth: int = 1,
    types: Iterable[str] | None = None,
    min_degree: int = 0,
    min_confidence: float = 0.0,
    max_nodes: int | None = None,
    seed: int = 7,
) -> RenderStats:
    """Write ``graph`` as one self-contained HTML page to ``path``.

    Parameters
    ----------
    graph : networkx.DiGraph
        Nodes keyed by IRI with ``kind`` and ``label`` (see ``KINDS``); edges with
        ``relation``. It is not modified.
    path : path-like
        The HTML file to write; written atomically (temporary file, then rename).
    title : str
        Corpus name shown in the title bar.
    focus, depth : str, int
        Keep only the nodes within ``depth`` links of the node whose label or
        alias equals ``focus`` (case-insensitive).
    types : iterable of str
        Keep only these kinds; papers linked to a kept node stay too.
    min_degree, min_confidence : int, float
        Drop nodes with fewer links, or lower confidence, than this.
    max_nodes : int
        Keep at most this many nodes, the most connected first.
    seed : int
        Seed of the layout; the same input and seed give the same bytes.

    Returns
    -------
    RenderStats

    Raises
    ------
    ExportError
        If ``focus`` matches nothing, ``types`` names an unknown kind, a
        numeric option is out of range, or the file cannot be written.
    """
    selection = select_subgraph(
        graph,
        focus=focus,
        depth=depth,
        types=types,
        min_degree=min_degree,
        min_confidence=min_confidence,
        max_nodes=max_nodes,
    )
    payload = _payload(selection, title=title, seed=seed)
    page = _page(title, payload)
    data = page.encode("utf-8")
    _write_atomically(Path(path), data)
    return RenderStats(
        nodes=selection.graph.number_of_nodes(),
        edges=selection.graph.number_of_edges(),
        hidden_nodes=selection.total_nodes - selection.graph.number_of_nodes(),
        bytes=len(data),
    )


@dataclass(frozen=True)
class Selection:
    """The part of a graph to draw, and how many nodes each step left out."""

    graph: nx.DiGraph
    total_nodes: int
    total_edges: int
    filtered_out: int
    capped_out: int


def select_subgraph(
    graph: nx.DiGraph,
    *,
    focus: str | None = None,
    depth: int = 1,
    types: Iterable[str] | None = None,
    min_degree: int = 0,
    min_confidence: float = 0.0,
    max_nodes: int | None = None,
) -> Selection:
    """Apply focus, type, confidence, degree and size limits, in that order.

    Returns a :class:`Selection` holding a new graph; ``graph`` is not touched.

    >>> import networkx as nx
    >>> g = nx.DiGraph([("a", "b"), ("a", "c"), ("d", "e")])
    >>> nx.set_node_attributes(g, "Method", "kind")
    >>> nx.set_node_attributes(g, {n: n.upper() for n in g}, "label")
    >>> sorted(select_subgraph(g, focus="A").graph)
    ['a', 'b', 'c']
    >>> s = select_subgraph(g, max_nodes=1)
    >>> sorted(s.graph), s.capped_out
    (['a'], 4)
    """
    import networkx as nx

    if depth < 0:
        raise ExportError(f"depth must be 0 or more, not {depth}")
    if min_degree < 0:
        raise ExportError(f"min_degree must be 0 or more, not {min_degree}")
    if not 0.0 <= min_confidence <= 1.0:
        raise ExportError(f"min_confidence must be between 0 and 1, not {min_confidence}")
    if max_nodes is not None and max_nodes < 1:
        raise ExportError(f"max_nodes must be 1 or more, not {max_nodes}")

    kept: set = set(graph.nodes)
    if focus is not None:
        undirected = graph.to_undirected(as_view=True)
        kept = set()
        for centre in _find_by_name(graph, focus):
            kept |= set(nx.ego_graph(undirected, centre, radius=depth))

    if types is not None:
        wanted = set(types)
        unknown = sorted(wanted - set(KINDS))
        if unknown:
            raise ExportError(
                f"unknown node type(s) {', '.join(unknown)}; choose from {', '.join(KINDS)}"
            )
        core = {n for n in kept if graph.nodes[n].get("kind") in wanted}
        linked_papers = {
            m
            for n in core
            for m in _neighbours(graph, n)
            if m in kept and graph.nodes[m].get("kind") == "Paper"
        }
        kept = core | linked_papers

    if min_confidence > 0.0:
        kept = {n for n in kept if _confidence(graph.nodes[n]) >= min_confidence}

    if min_degree > 0:
        view = graph.subgraph(kept)
        kept = {n for n, d in view.degree() if d >= min_degree}
    filtered_out = graph.number_of_nodes() - len(kept)

    capped_out = 0
    if max_nodes is not None and len(kept) > max_nodes:
        view = graph.subgraph(kept)
        ranked = sorted(view.degree(), key=lambda nd: (-nd[1], str(nd[0])))
        kept = {n for n, _ in ranked[:max_nodes]}
        capped_out = len(ranked) - max_nodes

    return Selection(
        graph=graph.subgraph(kept).copy(),
        total_nodes=graph.number_of_nodes(),
        total_edges=graph.number_of_edges(),
        filtered_out=filtered_out,
        capped_out=capped_out,
    )


def _find_by_name(graph: nx.DiGraph, name: str) -> list:
    """Nodes whose label or one of whose aliases equals ``name``, ignoring case."""
    wanted = name.strip().casefold()
    found = [
        n
        for n, attrs in graph.nodes(data=True)
        if wanted in {s.strip().casefold() for s in _names(attrs)}
    ]
    if found:
        return sorted(found, key=str)
    names = sorted({s for _, attrs in graph.nodes(data=True) for s in _names(attrs)})
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise ExportError(f"no node is labelled or aliased {name!r}{hint}")


def _names(attrs: dict) -> list[str]:
    names = [attrs.get("label") or ""]
    names.extend(a for a in attrs.get("aliases") or [] if isinstance(a, str))
    return [n for n in names if n]


def _neighbours(graph: nx.DiGraph, node) -> Iterable:
    yield from graph.successors(node)
    yield from graph.predecessors(node)


def _confidence(attrs: dict) -> float:
    value = attrs.get("confidence")
    return 1.0 if value is None else float(value)


# --- the data the page receives --------------------------------------------------------

_INVISIBLE = re.compile(
    "[\u0000-\u0008\u000b-\u001f\u007f-\u009f"  # control characters except tab and newline
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"  # bidirectional formatting
)


def _text(value) -> str:
    """A string safe to show: no control or bidi-override characters, NFC-normalised."""
    if value is None:
        return ""
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", str(value)))


def _short(label: str) -> str:
    one_line = " ".join(label.split())
    return one_line if len(one_line) <= LABEL_MAX else one_line[: LABEL_MAX - 1] + "\u2026"


def _payload(selection: Selection, *, title: str, seed: int) -> dict:
    graph = selection.graph
    order = sorted(graph.nodes, key=str)
    index = {n: i for i, n in enumerate(order)}
    degree = dict(graph.degree())
    positions = _layout(graph, seed)
    physics = len(order) <= PRECOMPUTED_LAYOUT_ABOVE

    nodes = []
    for n in order:
        attrs = graph.nodes[n]
        kind = attrs.get("kind") if attrs.get("kind") in KINDS else "Method"
        label = _text(attrs.get("label") or n)
        record = {
            "id": index[n],
            "iri": _text(n),
            "kind": kind,
            "label": label,
            "short": _short(label),
            "degree": degree[n],
            "size": round(8 + 5 * math.sqrt(degree[n]), 1),
            "confidence": round(_confidence(attrs), 3),
        }
        record.update(_details(kind, attrs))
        record["x"], record["y"] = positions[n]
        nodes.append(record)

    edges = sorted(
        (index[u], index[v], _text(attrs.get("relation", "")))
        for u, v, attrs in graph.edges(data=True)
    )
    # relations sentences state between two entities: their evidence, and how to draw them
    details: list[dict] = []
    relation_counts: dict[str, int] = {}
    by_pair = {(index[u], index[v]): attrs for u, v, attrs in graph.edges(data=True)}
    drawn = []
    for u, v, relation in edges:
        attrs = by_pair[(u, v)]
        if relation in RELATION_STYLE:
            relation_counts[relation] = relation_counts.get(relation, 0) + 1
            details.append({
                "papers": int(attrs.get("papers") or 0),
                "confidence": round(float(attrs.get("confidence") or 0.0), 3),
                "evidence": [_text(e) for e in attrs.get("evidence") or []],
                "evidencePapers": [_text(t) for t in attrs.get("evidence_papers") or []],
            })
            drawn.append([u, v, relation, len(details) - 1])
        else:
            drawn.append([u, v, relation, -1])
    counts = {kind: 0 for kind in KINDS}
    for record in nodes:
        counts[record["kind"]] += 1
    return {
        "title": _text(title),
        "nodes": nodes,
        "edges": drawn,
        "relationDetails": details,
        "relations": [{"relation": r, "label": label, "color": color, "count": relation_counts[r]}
                      for r, (label, color) in RELATION_STYLE.items() if relation_counts.get(r)],
        "kinds": [{"kind": k, "color": c, "shape": s, "count": counts[k]} for k, (c, s) in KINDS.items()],
        "totalNodes": selection.total_nodes,
        "totalEdges": selection.total_edges,
        "filteredOut": selection.filtered_out,
        "cappedOut": selection.capped_out,
        "physics": physics,
        "iterations": min(200, max(25, PHYSICS_BUDGET // max(len(order), 1))) if physics else 0,
        "seed": seed,
    }


def _details(kind: str, attrs: dict) -> dict:
    """The kind-specific fields the tooltip and side panel show."""
    if kind == "Paper":
        return {
            "title": _text(attrs.get("title")),
            "paperId": _text(attrs.get("paper_id")),
            "url": _text(attrs.get("url")),
            "proposed": [_text(p) for p in attrs.get("proposed") or []],
        }
    if kind == "Claim":
        value = attrs.get("value")
        return {
            "evidence": _text(attrs.get("evidence")),
            "value": None if value is None or not math.isfinite(value) else float(value),
            "unit": _text(attrs.get("unit")),
            "valueText": _text(attrs.get("value_text")),
        }
    if kind == "CodeRepository":
        return {"url": _text(attrs.get("url"))}
    return {
        "aliases": [_text(a) for a in attrs.get("aliases") or []],
        "papers": int(attrs.get("papers") or 0),
    }


def _layout(graph: nx.DiGraph, seed: int) -> dict:
    """Deterministic positions in vis-network pixel units.

    A force-directed layout of every node is too slow for large graphs
    (networkx's sparse spring layout needs SciPy, its dense one is quadratic in
    memory), so ``spring_layout`` places a connected core of a few hundred nodes
    (breadth-first from each component's best-connected node) and every other
    node goes on a disc around the neighbour that reached it, the disc growing
    with the number of nodes placed there. Components come largest first, each
    starting outside what is already placed. Small graphs are all core.
    """
    import networkx as nx

    rng = random.Random(seed)
    undirected = graph.to_undirected(as_view=True)

    degree = dict(undirected.degree())

    def key(n):
        return (-degree[n], str(n))

    layouts = []
    components = sorted(
        (sorted(c, key=key) for c in nx.connected_components(undirected)),
        key=lambda c: (-len(c), key(c[0])),
    )
    for members in components:
        order, parent_of = _breadth_first(undirected, members[0], key)
        core = order[:LAYOUT_CORE]
        if len(core) == 1:
            local = {core[0]: (0.0, 0.0)}
        else:
            local = {
                n: (float(x), float(y))
                for n, (x, y) in nx.spring_layout(
                    undirected.subgraph(core), seed=seed, iterations=50, scale=60.0 * math.sqrt(len(core))
                ).items()
            }
        for node in order[LAYOUT_CORE:]:
            parent = parent_of[node]
            x0, y0 = local[parent]
            spread = 30.0 * math.sqrt(degree[parent])
            angle = rng.uniform(0.0, 2 * math.pi)
            r = spread * math.sqrt(rng.uniform(0.05, 1.0))
            local[node] = (x0 + r * math.cos(angle), y0 + r * math.sin(angle))
        layouts.append((local, max(math.hypot(x, y) for x, y in local.values()) + 40.0))

    # The largest component in the middle, the others on a golden-angle spiral around it.
    placed: dict = dict(layouts[0][0]) if layouts else {}
    step = 2.2 * max((size for _, size in layouts[1:]), default=0.0)
    for i, (local, _) in enumerate(layouts[1:], start=1):
        distance = layouts[0][1] + step * math.sqrt(i)
        cx, cy = distance * math.cos(i * 2.39996), distance * math.sin(i * 2.39996)
        placed.update((n, (cx + x, cy + y)) for n, (x, y) in local.items())
    return {n: (round(x), round(y)) for n, (x, y) in placed.items()}


def _breadth_first(undirected, start, key) -> tuple[list, dict]:
    """Nodes in breadth-first order from ``start`` (neighbours by ``key``), and each one's parent."""
    order, parent_of, queue = [start], {start: start}, deque([start])
    while queue:
        node = queue.popleft()
        for other in sorted(undirected[node], key=key):
            if other not in parent_of:
                parent_of[other] = node
                order.append(other)
                queue.append(other)
    return order, parent_of


# --- the page ---------------------------------------------------------------------------


def _json_for_script(payload: dict) -> str:
    """JSON that cannot end the ``<script>`` element it sits in."""
    text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _asset(package: str, name: str) -> str:
    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    # A source-map comment would make the browser's developer tools fetch a file.
    return re.sub(r"^\s*//[#@] sourceMappingURL=.*$", "", text, flags=re.MULTILINE)


def _inline(text: str, tag: str) -> str:
    if f"</{tag}" in text.lower() or "<!--" in text:
        raise ExportError(f"cannot inline an asset that contains '</{tag}' or '<!--'")
    return text


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def _page(title: str, payload: dict) -> str:
    vis_js = _inline(_asset("pyvis", f"{VIS_DIR}/vis-network.min.js"), "script")
    vis_css = _inline(_asset("pyvis", f"{VIS_DIR}/vis-network.css"), "style")
    page_js = _inline(_asset("kg", "static/render.js"), "script")
    page_css = _inline(_asset("kg", "static/render.css"), "style")
    csp = "; ".join(
        [
            "default-src 'none'",
            f"script-src {_csp_hash(vis_js)} {_csp_hash(page_js)}",
            "style-src 'unsafe-inline'",  # vis-network sets inline styles on its elements
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    fills = {
        "csp": html.escape(csp, quote=False).replace('"', "&quot;"),
        "title": html.escape(_text(title), quote=True),
        "vis_css": vis_css,
        "page_css": page_css,
        "vis_js": vis_js,
        "page_js": page_js,
        "data": _json_for_script(payload),
    }
    template = _asset("kg", "static/render.html")
    # One pass, so text that was filled in is never scanned for placeholders again.
    return re.sub(r"\{\{(\w+)\}\}", lambda m: fills[m.group(1)], template)


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        write_atomically(path, data)
    except OSError as err:
        raise ExportError(f"cannot write {path}: {err.strerror}; check the folder is writable and has space") from err
