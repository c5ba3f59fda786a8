"""kg.render's page in headless Chromium: offline, error-free, searchable, inert to hostile data."""

from __future__ import annotations

import os
import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from render_fixtures import JS_URL, SCRIPT, sample_graph

import browser as chromium
from kg.render import render_html

if reason := chromium.missing():
    if os.environ.get("CI"):
        raise RuntimeError(f"browser tests cannot run on CI: {reason}")
    pytest.skip(f"browser tests need headless Chromium: {reason}", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    with chromium.Browser() as b:
        yield b


@pytest.fixture(scope="module")
def page(browser, tmp_path_factory):
    """The sample graph's page, loaded and ready; the graph travels along."""
    graph = sample_graph()
    path = tmp_path_factory.mktemp("page") / "graph.html"
    render_html(graph, path, title=SCRIPT)
    browser.open(path)
    browser.wait_for("return window.kgReady === true")
    return graph


def test_request_counting_sees_requests(browser, tmp_path):
    """The zero-request check below means something: a page that fetches is caught."""
    leaky = tmp_path / "leaky.html"
    leaky.write_text('<img src="http://127.0.0.1:9/x.png">', encoding="utf-8")
    browser.open(leaky)
    browser.wait_for("return document.readyState === 'complete'")
    assert browser.requests() == ["http://127.0.0.1:9/x.png"]


def test_page_loads_offline_without_errors_with_the_graphs_counts(browser, page, tmp_path):
    assert browser.requests() == []
    assert browser.errors() == []
    assert browser.js("return window.kgStats") == {
        "nodes": page.number_of_nodes(),
        "edges": page.number_of_edges(),
        "visibleNodes": page.number_of_nodes(),
        "visibleEdges": page.number_of_edges(),
    }
    assert browser.js("return document.getElementById('kg-title').textContent") == SCRIPT
    shot = tmp_path / "graph.png"
    assert browser.driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000


@pytest.mark.parametrize("query", ["F2SA", "fully first-order STOCHASTIC"])
def test_search_by_label_or_alias_selects_the_node(browser, page, query):
    f2sa = browser.js("return kgIdOf('kg:method/f2sa')")
    box = browser.driver.find_element("id", "kg-search")
    box.clear()
    box.send_keys(query + "\n")
    assert browser.js("return kgNetwork.getSelectedNodes()") == [f2sa]
    panel = browser.js("return document.getElementById('kg-panel-body').textContent")
    assert "Bilevel optimisation without Hessians" in panel


def test_hostile_data_stays_inert(browser, page):
    evil = browser.js("return kgIdOf('kg:paper/evil')")
    # Click the hostile paper with the mouse, as a user would, where it is drawn once an
    # earlier search's focus animation (400 ms) and the panel's resize have settled.
    time.sleep(0.6)
    browser.js("kgNetwork.moveTo({position: kgNetwork.getPosition(arguments[0]), scale: 1.5})", evil)
    x, y, width, height = browser.js(
        "const p = kgNetwork.canvasToDOM(kgNetwork.getPosition(arguments[0]));"
        "const r = document.querySelector('#kg-network canvas').getBoundingClientRect();"
        "return [p.x, p.y, r.width, r.height];",
        evil,
    )
    canvas = browser.driver.find_element("css selector", "#kg-network canvas")
    ActionChains(browser.driver).move_to_element_with_offset(canvas, int(x - width / 2), int(y - height / 2)).click().perform()
    assert browser.js("return kgNetwork.getSelectedNodes()") == [evil]
    panel = browser.js("return document.getElementById('kg-panel-body').textContent")
    assert SCRIPT in panel and JS_URL in panel
    assert browser.js("return document.querySelectorAll('#kg-panel a').length") == 0
    assert browser.js("return [...document.querySelectorAll('a')].filter(a => !/^https?:/.test(a.href)).length") == 0
    assert browser.js("return document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert browser.js("return document.scripts.length") == 3  # data block, vis-network, ours
    assert browser.dialogs() == []
    assert browser.errors() == []
    # A real dialog would have blocked the session; none is open.
    browser.driver.switch_to.active_element  # noqa: B018 (raises UnexpectedAlertPresent if one were)


def test_filters_hide_nodes_and_their_edges(browser, page):
    browser.driver.find_element("css selector", "input[data-kind='Paper']").click()
    papers = sum(1 for _, kind in page.nodes(data="kind") if kind == "Paper")
    visible = browser.js("return kgNetwork.body.data.nodes.length")
    assert visible == page.number_of_nodes() - papers
    browser.driver.find_element("css selector", "input[data-kind='Paper']").click()
    assert browser.js("return kgNetwork.body.data.nodes.length") == page.number_of_nodes()
