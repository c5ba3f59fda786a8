"""kg.render without a browser: one offline file, escaped data, selection options."""

from __future__ import annotations

import copy
import json
import re

import pytest
from render_fixtures import CLOSE, HOSTILE, IMG, SCRIPT, sample_graph

from benchmarks.render_bench import synthetic_graph
from kg.errors import ExportError
from kg.render import RenderStats, render_html, select_subgraph

DATA_BLOCK = re.compile(r'<script type="application/json" id="kg-data">(.*?)</script>', re.S)


def render(tmp_path, graph=None, **options) -> tuple[RenderStats, str]:
    out = tmp_path / "graph.html"
    stats = render_html(graph if graph is not None else sample_graph(), out, **options)
    return stats, out.read_text(encoding="utf-8")


def page_data(page: str) -> dict:
    (block,) = DATA_BLOCK.findall(page)
    return json.loads(block)


def test_writes_one_file_and_nothing_in_the_working_directory(tmp_path, monkeypatch):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    out = tmp_path / "out" / "graph.html"
    out.parent.mkdir()
    stats = render_html(sample_graph(), out)
    assert list(cwd.iterdir()) == []
    assert [p.name for p in out.parent.iterdir()] == ["graph.html"]
    assert stats == RenderStats(nodes=12, edges=17, hidden_nodes=0, bytes=out.stat().st_size)


def test_page_references_nothing_outside_itself(tmp_path):
    _, page = render(tmp_path)
    tags = re.findall(r"<[a-zA-Z][^>]*>", page.split('<script type="application/json"')[0])
    tags += re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", page)
    for tag in tags:
        assert not re.search(r"\b(src|href)\s*=", tag, re.I), tag
        assert "http://" not in tag and "https://" not in tag, tag
    lowered = page.lower()
    for marker in ("<script src", "<link href", "cdn.jsdelivr", "cdnjs", "bootstrap", "tom-select", "sourcemappingurl"):
        assert marker not in lowered
    assert "default-src 'none'" in page


def test_same_input_gives_the_same_bytes(tmp_path):
    a = tmp_path / "a.html"
    b = tmp_path / "b.html"
    render_html(sample_graph(), a, seed=3)
    render_html(sample_graph(), b, seed=3)
    assert a.read_bytes() == b.read_bytes()


def test_large_graph_gets_a_fixed_layout_deterministically(tmp_path):
    graph = synthetic_graph(1600)
    first = render(tmp_path, graph)[1]
    second = render(tmp_path, graph)[1]
    assert first == second
    data = page_data(first)
    assert data["physics"] is False
    assert all(isinstance(n["x"], int) and isinstance(n["y"], int) for n in data["nodes"])


def test_hostile_strings_appear_only_escaped_in_the_data_block(tmp_path):
    _, page = render(tmp_path, title=SCRIPT)
    for raw in (SCRIPT, IMG, CLOSE, "<img", "\u202e"):
        assert raw not in page
    (block,) = DATA_BLOCK.findall(page)
    assert "<" not in block and ">" not in block and "&" not in block
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in block
    assert page.count("</script>") == 3  # the data block, vis-network, our script
    data = json.loads(block)
    assert SCRIPT in {n["label"] for n in data["nodes"]}
    assert data["title"] == SCRIPT
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>" in page


def test_control_and_bidi_characters_are_dropped_for_display(tmp_path):
    data = page_data(render(tmp_path)[1])
    aliases = {a for n in data["nodes"] for a in n.get("aliases", [])}
    assert "eviltxt.exe" in aliases


def test_does_not_change_the_callers_graph(tmp_path):
    graph = sample_graph()
    before = copy.deepcopy((dict(graph.nodes(data=True)), list(graph.edges(data=True))))
    render(tmp_path, graph, max_nodes=3, types=["Method"], min_confidence=0.5)
    assert (dict(graph.nodes(data=True)), list(graph.edges(data=True))) == before


def test_max_nodes_keeps_the_most_connected_and_says_how_many_are_hidden(tmp_path):
    graph = sample_graph()
    stats, page = render(tmp_path, graph, max_nodes=4)
    top = sorted(graph.degree(), key=lambda nd: (-nd[1], nd[0]))[:4]
    data = page_data(page)
    assert {n["iri"] for n in data["nodes"]} == {n for n, _ in top}
    assert stats.nodes == 4 and stats.hidden_nodes == 8
    assert data["cappedOut"] == 8 and data["totalNodes"] == 12


def test_focus_selects_the_ego_graph_by_label_or_alias(tmp_path):
    graph = sample_graph()
    by_alias = select_subgraph(graph, focus="fully first-order stochastic approximation", depth=1).graph
    assert set(by_alias) == {
        "kg:method/f2sa", "kg:paper/p1", "kg:paper/p2", "kg:claim/c1",
    }
    assert set(select_subgraph(graph, focus="F2SA", depth=0).graph) == {"kg:method/f2sa"}
    assert len(select_subgraph(graph, focus="f2sa", depth=2).graph) > len(by_alias)
    stats, _ = render(tmp_path, graph, focus="F2SA")
    assert stats.nodes == 4 and stats.hidden_nodes == 8


def test_unknown_focus_is_an_error_with_suggestions():
    with pytest.raises(ExportError, match="did you mean 'F2SA'"):
        select_subgraph(sample_graph(), focus="F2SB")


def test_types_keep_those_kinds_and_their_papers():
    kept = select_subgraph(sample_graph(), types=["Dataset"]).graph
    assert {kept.nodes[n]["kind"] for n in kept} == {"Dataset", "Paper"}
    assert set(kept) == {"kg:dataset/mnist", "kg:paper/p1"}
    with pytest.raises(ExportError, match="unknown node type"):
        select_subgraph(sample_graph(), types=["Person"])


def test_confidence_and_degree_filters():
    graph = sample_graph()
    confident = select_subgraph(graph, min_confidence=0.7).graph
    assert all(graph.nodes[n].get("confidence", 1.0) >= 0.7 for n in confident)
    assert "kg:method/sgd" not in confident
    connected = select_subgraph(graph, min_degree=3).graph
    assert all(graph.degree(n) >= 3 for n in connected)
