"""The HTML view that `kg build` writes for the bundled corpus, in headless Chromium."""

from __future__ import annotations

import os

import pytest
from rdflib.namespace import SKOS

import browser as chromium
from kg.analyze import project

if reason := chromium.missing():
    if os.environ.get("CI"):
        raise RuntimeError(f"browser tests cannot run on CI: {reason}")
    pytest.skip(f"browser tests need headless Chromium: {reason}", allow_module_level=True)


@pytest.fixture(scope="module")
def page(bundled_build):
    out, code, _ = bundled_build
    assert code == 0
    with chromium.Browser() as browser:
        browser.open(out / "graph.html")
        browser.wait_for("return window.kgReady === true", timeout=90)
        yield browser


def test_bundled_page_is_offline_error_free_and_complete(page, bundled_graph):
    assert page.requests() == []
    assert page.errors() == []
    assert page.dialogs() == []
    projected = project(bundled_graph)
    stats = page.js("return window.kgStats")
    assert stats["nodes"] == projected.number_of_nodes()
    assert stats["edges"] == projected.number_of_edges()


def test_searching_f2sa_focuses_the_method_its_paper_proposes(page, bundled_graph):
    f2sa_iri = next(
        s for s, label in bundled_graph.subject_objects(SKOS.prefLabel | SKOS.altLabel) if str(label) == "F2SA"
    )
    node = page.js("return kgIdOf(arguments[0])", str(f2sa_iri))
    box = page.driver.find_element("id", "kg-search")
    box.clear()
    box.send_keys("F2SA\n")
    assert page.js("return kgNetwork.getSelectedNodes()") == [node]
    panel = page.js("return document.getElementById('kg-panel-body').textContent")
    assert "A Fully First-Order Method for Stochastic Bilevel Optimization" in panel


def test_relation_edges_are_drawn_filtered_by_type_and_show_their_evidence(page, bundled_graph):
    """The entity relations sentences state (used for, evaluates, ...) are edges of their own
    colour; each type can be switched off; clicking one shows the sentences behind it."""
    from kg.analyze import ENTITY_RELATIONS

    projected = project(bundled_graph)
    expected = sum(1 for _, _, r in projected.edges(data="relation") if r in ENTITY_RELATIONS)
    used_for = sum(1 for _, _, r in projected.edges(data="relation") if r == "usedFor")
    assert used_for > 0
    boxes = page.driver.find_elements("css selector", "#kg-relations input[data-relation]")
    assert {b.get_attribute("data-relation") for b in boxes} <= set(ENTITY_RELATIONS) and boxes
    drawn = page.js("return kgData().edges.filter(e => e[3] >= 0).length")
    assert drawn == expected
    before = page.js("return kgNetwork.body.data.edges.length")
    page.driver.find_element("css selector", "#kg-relations input[data-relation='usedFor']").click()
    assert page.js("return kgNetwork.body.data.edges.length") == before - used_for
    page.driver.find_element("css selector", "#kg-relations input[data-relation='usedFor']").click()
    assert page.js("return kgNetwork.body.data.edges.length") == before
    # click a used-for edge: the side panel names the relation and quotes a sentence of a paper
    edge = page.js("return kgData().edges.findIndex(e => e[2] === 'usedFor')")
    page.js("kgNetwork.emit('click', {nodes: [], edges: [arguments[0]], pointer: {DOM: {x: 0, y: 0}}})", edge)
    panel = page.js("return document.getElementById('kg-panel-body').textContent")
    detail = page.js("return kgData().relationDetails[kgData().edges[arguments[0]][3]]", edge)
    assert "used for" in panel and detail["evidence"] and detail["evidence"][0][:40] in panel
    assert page.errors() == []
