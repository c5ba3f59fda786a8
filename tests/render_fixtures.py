"""Small graphs in the shape kg.render expects, shared by the render tests."""

from __future__ import annotations

import networkx as nx

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
CLOSE = "</script><script>alert(2)</script>"
QUOTES = "\"quoted\" 'single' `back`"
BIDI = "evil\u202etxt.exe\u0007"
JS_URL = "javascript:alert(1)"
HOSTILE = (SCRIPT, IMG, CLOSE, QUOTES, BIDI)


def entity(g: nx.DiGraph, iri: str, kind: str, label: str, *, aliases=(), papers=1, confidence=0.9):
    g.add_node(iri, kind=kind, label=label, aliases=list(aliases), papers=papers, confidence=confidence)


def paper(g: nx.DiGraph, iri: str, label: str, *, title: str, paper_id: str, url: str = "", proposed=()):
    g.add_node(
        iri, kind="Paper", label=label, title=title, paper_id=paper_id, url=url,
        proposed=list(proposed), confidence=1.0,
    )


def sample_graph() -> nx.DiGraph:
    """Two ordinary papers, a hostile one, and the entities and claims around them."""
    g = nx.DiGraph()
    paper(g, "kg:paper/p1", "Bilevel without Hessians", title="Bilevel optimisation without Hessians",
          paper_id="2401.00001", url="https://arxiv.org/abs/2401.00001", proposed=["F2SA"])
    paper(g, "kg:paper/p2", "Faster bilevel", title="A faster bilevel method", paper_id="2402.00002")
    paper(g, "kg:paper/evil", SCRIPT, title=IMG + CLOSE, paper_id=QUOTES, url=JS_URL, proposed=[SCRIPT])
    entity(g, "kg:method/f2sa", "Method", "F2SA", aliases=["Fully First-order Stochastic Approximation"], papers=2)
    entity(g, "kg:method/sgd", "Method", "SGD", aliases=["stochastic gradient descent"], papers=1, confidence=0.6)
    entity(g, "kg:method/evil", "Method", IMG, aliases=[CLOSE, BIDI], papers=1, confidence=0.5)
    entity(g, "kg:task/bilevel", "Task", "bilevel optimization", papers=2)
    entity(g, "kg:dataset/mnist", "Dataset", "MNIST", papers=1)
    entity(g, "kg:metric/acc", "Metric", "accuracy", papers=1)
    g.add_node("kg:claim/c1", kind="Claim", label="F2SA reaches 98.1% accuracy on MNIST",
               evidence="F2SA reaches 98.1% accuracy on MNIST.", value=98.1, unit="%",
               value_text="98.1%", confidence=0.8)
    g.add_node("kg:claim/evil", kind="Claim", label=QUOTES, evidence=SCRIPT + "\n" + BIDI,
               value=None, unit="", value_text=CLOSE, confidence=0.4)
    g.add_node("kg:code/f2sa", kind="CodeRepository", label="f2sa-code", url="https://github.com/example/f2sa")
    for u, v, r in [
        ("kg:paper/p1", "kg:method/f2sa", "proposes"),
        ("kg:paper/p1", "kg:task/bilevel", "addresses"),
        ("kg:paper/p1", "kg:dataset/mnist", "evaluatesOn"),
        ("kg:paper/p1", "kg:metric/acc", "reportsMetric"),
        ("kg:paper/p1", "kg:code/f2sa", "hasCode"),
        ("kg:paper/p1", "kg:claim/c1", "hasClaim"),
        ("kg:claim/c1", "kg:method/f2sa", "subject"),
        ("kg:claim/c1", "kg:method/sgd", "comparedTo"),
        ("kg:claim/c1", "kg:dataset/mnist", "onDataset"),
        ("kg:claim/c1", "kg:metric/acc", "measuredBy"),
        ("kg:paper/p2", "kg:method/f2sa", "uses"),
        ("kg:paper/p2", "kg:method/sgd", "uses"),
        ("kg:paper/p2", "kg:task/bilevel", "addresses"),
        ("kg:paper/evil", "kg:method/evil", "proposes"),
        ("kg:paper/evil", "kg:claim/evil", "hasClaim"),
        ("kg:claim/evil", "kg:method/evil", "subject"),
        ("kg:paper/evil", "kg:task/bilevel", SCRIPT),
    ]:
        g.add_edge(u, v, relation=r)
    return g
