"""`kg serve` as a real process on a loopback port, asked by SPARQLWrapper and by plain HTTP.

One server runs for the module (3 s timeout, 2 workers, 5,000-row cap) on the bundled graph.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph

from kg.query import run, write

#: a simple ordered SELECT whose answer is the same in every process
SELECT = """SELECT ?title ?code WHERE { ?p kg:hasCode ?r ; dcterms:title ?title . ?r schema:url ?code }
ORDER BY ?title ?code"""
#: a cross product of the whole graph with itself, three times over: never finishes in time
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TIMEOUT = 3.0


@pytest.fixture(scope="module")
def server(bundled_build, tmp_path_factory):
    out, code, _ = bundled_build
    assert code == 0
    graph_file = out / "graph.ttl"
    log = tmp_path_factory.mktemp("serve") / "stderr.log"
    with log.open("w") as stderr:  # a file, not a pipe nobody reads: the server never blocks on it
        process = subprocess.Popen(
            [sys.executable, "-m", "kg.cli", "serve", str(graph_file), "--port", "0", "--timeout", str(TIMEOUT),
             "--max-rows", "5000", "--workers", "2", "--quiet"],
            stdout=subprocess.PIPE, stderr=stderr, text=True,
        )
    ready, _, _ = select.select([process.stdout], [], [], 120)
    line = process.stdout.readline() if ready else ""
    if not line.startswith("kg serve: http://127.0.0.1:"):
        process.kill()
        pytest.fail(f"kg serve did not start: {line!r} {log.read_text()!r}")
    endpoint = line.split()[2]
    yield endpoint, graph_file, process
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=20)


def http(url, *, data=None, headers=None, method=None, timeout=30):
    """(status, headers, body) for one request; HTTP errors are answers too."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def get(endpoint, query, accept=None, **fields):
    params = urllib.parse.urlencode({"query": query, **fields})
    return http(f"{endpoint}?{params}", headers={"Accept": accept} if accept else {})


def test_binds_loopback_only(server):
    endpoint, _, _ = server
    assert urllib.parse.urlsplit(endpoint).hostname == "127.0.0.1"


@pytest.mark.parametrize(
    "accept, fmt",
    [
        ("application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tsv"),
    ],
)
def test_plain_http_results_equal_kg_query(server, bundled_graph, accept, fmt):
    endpoint, _, _ = server
    expected = write(run(bundled_graph, SELECT), fmt)
    status, headers, body = get(endpoint, SELECT, accept)
    assert status == 200 and headers["Content-Type"].startswith(accept)
    assert body == expected
    # the same through POST, both encodings of the protocol
    form = urllib.parse.urlencode({"query": SELECT}).encode()
    assert http(endpoint, data=form, headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})[2] == expected
    direct = http(endpoint, data=SELECT.encode(), headers={"Accept": accept, "Content-Type": "application/sparql-query"})
    assert direct[0] == 200 and direct[2] == expected


def test_cli_and_server_give_the_same_json(server, capsysbinary):
    from kg.cli import main

    endpoint, graph_file, _ = server
    assert main(["query", str(graph_file), SELECT, "--format", "json"]) == 0
    assert get(endpoint, SELECT, "application/sparql-results+json")[2] == capsysbinary.readouterr().out


def test_sparqlwrapper_client(server, bundled_graph):
    from SPARQLWrapper import CSV, JSON, TSV, XML, SPARQLWrapper

    endpoint, _, _ = server
    client = SPARQLWrapper(endpoint)
    client.setQuery(SELECT)
    client.setReturnFormat(JSON)
    answer = client.query().convert()
    assert answer == json.loads(write(run(bundled_graph, SELECT), "json"))
    assert "https://github.com/LiuZhu-CV/BALISTD" in {b["code"]["value"] for b in answer["results"]["bindings"]}
    client.setMethod("POST")
    for fmt, ours in ((CSV, "csv"), (TSV, "tsv")):
        client.setReturnFormat(fmt)
        assert client.query().convert() == write(run(bundled_graph, SELECT), ours)
    client.setReturnFormat(XML)
    document = client.query().convert()  # xml.dom.minidom document
    uris = [n.firstChild.data for n in document.getElementsByTagName("literal")]
    assert "https://github.com/LiuZhu-CV/BALISTD" in uris
    client.setQuery("ASK { ?p kg:proposes ?m }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


def test_construct_and_describe_negotiate_turtle_and_ntriples(server):
    endpoint, _, _ = server
    query = "CONSTRUCT { ?m rdfs:label ?l } WHERE { ?m skos:prefLabel ?l ; a kg:Method } ORDER BY ?l LIMIT 3"
    status, headers, body = get(endpoint, query, "text/turtle")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert len(Graph().parse(data=body, format="turtle")) == 3
    status, headers, body = get(endpoint, "DESCRIBE ?m WHERE { ?m skos:prefLabel 'F2SA' }", "application/n-triples")
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")
    described = Graph().parse(data=body, format="nt")
    assert "Fully First-order Stochastic Approximation" in {str(o) for o in described.objects()}


@pytest.mark.parametrize(
    "how",
    ["get-update-field", "post-update-field", "post-sparql-update", "get-query-is-update", "post-query-is-load"],
)
def test_updates_are_refused_with_403_in_every_form(server, how):
    endpoint, _, _ = server
    update = "INSERT DATA { <https://example.org/a> <https://example.org/b> 'c' }"
    if how == "get-update-field":
        status, _, body = http(f"{endpoint}?{urllib.parse.urlencode({'update': update})}")
    elif how == "post-update-field":
        form = urllib.parse.urlencode({"update": update}).encode()
        status, _, body = http(endpoint, data=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    elif how == "post-sparql-update":
        status, _, body = http(endpoint, data=update.encode(), headers={"Content-Type": "application/sparql-update"})
    elif how == "get-query-is-update":
        status, _, body = get(endpoint, update)
    else:
        status, _, body = http(
            endpoint, data=b"LOAD <http://127.0.0.1:9/x.ttl>", headers={"Content-Type": "application/sparql-query"}
        )
    assert status == 403, body
    assert b"read-only" in body
    assert get(endpoint, "ASK { <https://example.org/a> ?p ?o }", "application/sparql-results+json")[2].count(b"false") == 1


@pytest.fixture()
def listener():
    """A loopback socket that records whether anything connects to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    sock.settimeout(1.0)
    yield sock
    sock.close()


def _nothing_connects(sock) -> bool:
    try:
        connection, _ = sock.accept()
    except socket.timeout:
        return True
    connection.close()
    return False


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ ?x a kg:Paper OPTIONAL {{ SERVICE SILENT <{url}> {{ ?x ?p ?o }} }} }}",
        "SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ],
)
def test_network_reaching_queries_are_refused_with_400_and_nothing_connects(server, listener, template):
    endpoint, _, _ = server
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    status, _, body = get(endpoint, template.format(url=url))
    assert status == 400, body
    assert b"refused" in body
    assert _nothing_connects(listener)


def test_graph_patterns_fail_without_loading_anything(server, listener):
    endpoint, _, _ = server
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/g"
    status, _, body = get(endpoint, f"SELECT * WHERE {{ GRAPH <{url}> {{ ?s ?p ?o }} }}")
    assert status == 400 and b"dataset" in body  # one graph is served: there are no named graphs
    assert _nothing_connects(listener)


def test_dataset_protocol_parameters_are_refused(server, listener):
    endpoint, _, _ = server
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/g"
    status, _, _ = get(endpoint, "ASK { ?s ?p ?o }", **{"default-graph-uri": url})
    assert status == 400
    assert _nothing_connects(listener)


def test_row_cap_and_bad_queries(server):
    endpoint, _, _ = server
    status, _, body = get(endpoint, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 400 and b"more than 5000 rows" in body
    status, _, body = get(endpoint, "SELECT ?x WHERE { ?x ")
    assert status == 400 and b"not a SPARQL query" in body
    assert http(endpoint)[0] == 400  # no query at all


def test_timeout_stops_a_runaway_query_while_others_are_answered(server):
    endpoint, _, process = server
    runaway: dict = {}

    def ask_forever():
        started = time.monotonic()
        runaway["reply"] = get(endpoint, ENDLESS, timeout=60)
        runaway["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=ask_forever)
    thread.start()
    time.sleep(0.5)  # the runaway query is now running in one worker
    started = time.monotonic()
    status, _, body = get(endpoint, "ASK { ?p kg:proposes ?m }", "application/sparql-results+json")
    elapsed = time.monotonic() - started
    assert status == 200 and json.loads(body)["boolean"] is True
    assert elapsed < 3.0, f"a simple query took {elapsed:.1f} s while another ran"
    thread.join(timeout=60)
    status, _, body = runaway["reply"]
    assert status == 503 and b"ran out of time" in body
    assert TIMEOUT <= runaway["seconds"] < TIMEOUT + 20
    # the killed worker was replaced: two queries at once still both get answered
    replies = []
    threads = [threading.Thread(target=lambda: replies.append(get(endpoint, SELECT)[0])) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert replies == [200, 200]
    assert process.poll() is None


def test_query_page_is_self_contained_and_lists_named_queries(server):
    from kg.query import named_queries

    endpoint, _, _ = server
    status, headers, body = http(endpoint.rsplit("/", 1)[0] + "/")
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp and "sha256-" in csp
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    assert "innerHTML" not in page
    for name in named_queries():
        assert f'"name": "{name}"' in page


def test_query_page_runs_a_named_query_in_a_browser(server):
    import browser as chromium

    if reason := chromium.missing():
        if os.environ.get("CI"):
            raise RuntimeError(f"browser tests cannot run on CI: {reason}")
        pytest.skip(f"browser tests need headless Chromium: {reason}")
    from selenium.webdriver.support.ui import Select

    Browser = chromium.Browser
    endpoint, _, _ = server
    page = endpoint.rsplit("/", 1)[0] + "/"
    with Browser() as browser:
        browser.driver.get_log("performance")
        browser.driver.get(page)
        browser.wait_for("return window.kgReady === true")
        Select(browser.driver.find_element("id", "example")).select_by_value("papers-with-code")
        browser.driver.find_element("css selector", "#params input").send_keys("infrared")
        browser.driver.find_element("id", "run").click()
        browser.wait_for("return window.kgLastRun === 'done'")
        cells = browser.js("return [...document.querySelectorAll('#results td')].map(td => td.textContent)")
        assert "https://github.com/LiuZhu-CV/BALISTD" in cells
        assert browser.js("return document.querySelectorAll('#results tr').length") == 2  # header + one paper
        origin = page.rstrip("/")
        assert [u for u in browser.requests() if not u.startswith(origin)] == []
        assert browser.errors() == []


def _children(pid: int) -> set[int]:
    children = set()
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as handle:
            children |= {int(c) for c in handle.read().split()}
    return children


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="needs Linux /proc")
def test_stopping_the_server_stops_its_workers(bundled_build):
    out, _, _ = bundled_build
    process = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", str(out / "graph.ttl"), "--port", "0", "--workers", "2", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        ready, _, _ = select.select([process.stdout], [], [], 120)
        assert ready and process.stdout.readline().startswith("kg serve: http://127.0.0.1:")
        workers = _children(process.pid)
        assert len(workers) == 2
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


def _alive(pid: int) -> bool:
    """Running, i.e. neither gone nor a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
