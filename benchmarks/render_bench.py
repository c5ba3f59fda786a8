"""How long kg.render takes, and how long its page takes to become usable.

Run from the repository root::

    python -m benchmarks.render_bench            # 1,000 and 10,000 nodes
    python -m benchmarks.render_bench 2000 5000  # other sizes

For each size it renders a synthetic graph (a realistic mix of kinds, about 2.5
edges per node) and prints the Python render time, the HTML size, and the time
from navigation start until ``window.kgReady`` in headless Chromium.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from kg.render import render_html

# Share of each kind among the nodes, roughly as in a corpus of abstracts.
MIX = {"Paper": 0.25, "Method": 0.22, "Task": 0.08, "Dataset": 0.08, "Metric": 0.05, "Claim": 0.25, "CodeRepository": 0.07}
TARGET_SECONDS = 5.0


def synthetic_graph(n_nodes: int, seed: int = 0) -> nx.DiGraph:
    """A graph in kg.render's input shape with ``n_nodes`` nodes and ~2.5 edges per node.

    Entities are picked with a skew (a few methods and datasets are in many
    papers), as in real corpora.

    >>> g = synthetic_graph(200)
    >>> g.number_of_nodes(), 2.0 < g.number_of_edges() / 200 < 3.0
    (200, True)
    """
    rng = random.Random(seed)
    g = nx.DiGraph()
    counts = {kind: max(1, round(share * n_nodes)) for kind, share in MIX.items()}
    counts["Paper"] += n_nodes - sum(counts.values())
    ids = {kind: [f"https://kg.example/{kind.lower()}/{i}" for i in range(n)] for kind, n in counts.items()}

    def skewed(kind: str) -> str:
        pool = ids[kind]
        return pool[min(len(pool) - 1, int(rng.paretovariate(1.2)) - 1)] if rng.random() < 0.5 else rng.choice(pool)

    for kind in ("Method", "Task", "Dataset", "Metric"):
        for i, iri in enumerate(ids[kind]):
            g.add_node(iri, kind=kind, label=f"{kind} {i}", aliases=[f"{kind[0]}{i}"],
                       papers=rng.randint(1, 20), confidence=round(rng.uniform(0.3, 1.0), 2))
    for i, iri in enumerate(ids["Paper"]):
        g.add_node(iri, kind="Paper", label=f"Paper {i}", title=f"On the study of topic {i}",
                   paper_id=f"2401.{i:05d}", url=f"https://arxiv.org/abs/2401.{i:05d}", proposed=[], confidence=1.0)
    for i, iri in enumerate(ids["CodeRepository"]):
        g.add_node(iri, kind="CodeRepository", label=f"repo-{i}", url=f"https://github.com/example/repo-{i}")
        g.add_edge(rng.choice(ids["Paper"]), iri, relation="hasCode")
    for i, iri in enumerate(ids["Claim"]):
        g.add_node(iri, kind="Claim", label=f"Claim {i}", evidence=f"Method reaches {i % 100}.5% on the benchmark.",
                   value=i % 100 + 0.5, unit="%", value_text=f"{i % 100}.5%", confidence=round(rng.uniform(0.3, 1.0), 2))
        g.add_edge(rng.choice(ids["Paper"]), iri, relation="hasClaim")
        g.add_edge(iri, skewed("Method"), relation="subject")
        if rng.random() < 0.5:
            g.add_edge(iri, skewed("Method"), relation="comparedTo")
        if rng.random() < 0.6:
            g.add_edge(iri, skewed("Dataset"), relation="onDataset")
        if rng.random() < 0.5:
            g.add_edge(iri, skewed("Metric"), relation="measuredBy")
    for iri in ids["Paper"]:
        for _ in range(rng.randint(1, 4)):
            g.add_edge(iri, skewed("Method"), relation=rng.choice(["proposes", "uses", "uses"]))
        for _ in range(rng.randint(1, 2)):
            g.add_edge(iri, skewed("Task"), relation="addresses")
        for _ in range(rng.randint(0, 2)):
            g.add_edge(iri, skewed("Dataset"), relation="evaluatesOn")
        if rng.random() < 0.6:
            g.add_edge(iri, skewed("Metric"), relation="reportsMetric")
    return g


def run(sizes: list[int]) -> list[dict]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from browser import Browser  # tests/browser.py: headless Chromium with the agreed flags

    rows = []
    with tempfile.TemporaryDirectory() as tmp, Browser() as browser:
        for n in sizes:
            graph = synthetic_graph(n)
            page = Path(tmp) / f"graph-{n}.html"
            start = time.perf_counter()
            stats = render_html(graph, page, title=f"synthetic {n}")
            render_s = time.perf_counter() - start
            browser.open(page)
            browser.wait_for("return window.kgReady === true", timeout=120)
            # performance.now() counts from navigation start; the page records it when ready.
            ready_ms = browser.js("return window.kgReadyAt")
            rows.append({
                "nodes": stats.nodes, "edges": stats.edges, "render_s": render_s,
                "html_mb": stats.bytes / 1e6, "ready_s": ready_ms / 1000,
                "requests": len(browser.requests()), "errors": len(browser.errors()),
            })
    return rows


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [1000, 10000]
    rows = run(sizes)
    print(f"{'nodes':>7} {'edges':>7} {'render (s)':>11} {'HTML (MB)':>10} {'page ready (s)':>15} {'requests':>9} {'JS errors':>10}")
    for r in rows:
        print(f"{r['nodes']:>7,} {r['edges']:>7,} {r['render_s']:>11.2f} {r['html_mb']:>10.2f} "
              f"{r['ready_s']:>15.2f} {r['requests']:>9} {r['errors']:>10}")
    if any(r["nodes"] >= 10000 and r["ready_s"] > TARGET_SECONDS for r in rows):
        print(f"page ready later than the {TARGET_SECONDS:.0f} s target at 10k nodes (machine load counts)")


if __name__ == "__main__":
    main(sys.argv[1:])
