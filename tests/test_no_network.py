"""No network, ever, unless asked: the guard every test runs under, and the places kg could leak.

``tests/netguard.py`` (loaded by ``tests/conftest.py``) refuses any socket beyond loopback and
fails the test that tried. These tests show that the guard is on, that it catches each way out
(connect, DNS, UDP, urllib; IPv4 and IPv6), that loopback servers still work, that a swallowed
attempt still fails its test, and that kg's own loaders never try: JSON-LD with a remote
``@context`` is refused before rdflib can fetch it; an RDF/XML external entity is not fetched.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rdflib import Graph

import netguard
from kg.errors import GraphError
from kg.rdf import load

TESTS = Path(__file__).parent
OUTSIDE_V4 = ("192.0.2.1", 80)  # TEST-NET-1: documentation only, never routed
OUTSIDE_V6 = ("2001:db8::1", 80, 0, 0)  # the IPv6 documentation prefix


def test_the_guard_is_armed_in_every_test():
    assert netguard.armed()
    assert netguard.attempts() == []


@pytest.mark.parametrize(
    ("attempt", "event"),
    [
        (lambda: socket.create_connection(OUTSIDE_V4, timeout=1), "socket.getaddrinfo"),
        (lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM).connect(OUTSIDE_V4), "socket.connect"),
        (lambda: socket.socket(socket.AF_INET6, socket.SOCK_STREAM).connect(OUTSIDE_V6), "socket.connect"),
        (lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("198.51.100.7", 53)), "socket.sendto"),
        (lambda: socket.getaddrinfo("example.org", 443), "socket.getaddrinfo"),
        (lambda: socket.gethostbyname("example.org"), "socket.gethostbyname"),
        (lambda: urllib.request.urlopen("https://example.org/context.jsonld", timeout=1), "urllib.Request"),
    ],
    ids=["create_connection", "connect-v4", "connect-v6", "udp-sendto", "getaddrinfo", "gethostbyname", "urlopen"],
)
def test_each_way_out_is_refused_before_it_happens(attempt, event):
    with netguard.expect_blocked() as caught:
        with pytest.raises(netguard.NetworkBlocked, match="netguard refused"):
            attempt()
    assert caught and caught[0].startswith(event), caught


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the http.server API)
        body = b"hello from loopback"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_loopback_server_still_works(host):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://{host}:{server.server_port}/", timeout=10) as response:
            assert response.read() == b"hello from loopback"
    finally:
        server.shutdown()
        server.server_close()
    assert netguard.attempts() == []


def test_a_swallowed_attempt_still_fails_its_test(pytester, monkeypatch):
    """The guard records every attempt, so code that catches the refusal cannot hide it."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]))
    pytester.makepyfile(
        test_inner="""
        import socket

        def test_sneaky():
            try:
                socket.create_connection(("192.0.2.1", 80), timeout=1)
            except OSError:
                pass  # "works offline" by accident

        def test_loopback_only():
            server = socket.socket()
            server.bind(("127.0.0.1", 0))
            server.listen()
            client = socket.create_connection(server.getsockname(), timeout=5)
            client.close()
            server.close()
        """
    )
    result = pytester.runpytest_subprocess("-p", "netguard", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*test_sneaky used the network during call: socket.getaddrinfo to '192.0.2.1'*"])


def test_the_hook_is_a_no_op_outside_a_pytest_session():
    """An audit hook cannot be removed; outside pytest_configure..pytest_unconfigure it refuses nothing."""
    script = (
        "import socket, netguard\n"
        "netguard._install()\n"
        "print(socket.getaddrinfo('192.0.2.1', 80)[0][4])\n"  # numeric: no DNS, no packet
        "netguard.pytest_configure(type('C', (), {'addinivalue_line': lambda *a: None})())\n"
        "try:\n"
        "    socket.getaddrinfo('192.0.2.1', 80)\n"
        "except netguard.NetworkBlocked:\n"
        "    print('refused while armed')\n"
        "netguard.pytest_unconfigure(None)\n"
        "print(socket.getaddrinfo('192.0.2.1', 80)[0][4])\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["('192.0.2.1', 80)", "refused while armed", "('192.0.2.1', 80)"]


# --------------------------------------------------------------------------- kg's loaders


REMOTE_CONTEXTS = {
    "string": {"@context": "http://192.0.2.1/context.jsonld", "@id": "http://example.org/p", "title": "x"},
    "list": {"@context": [{"dc": "http://purl.org/dc/terms/"}, "https://192.0.2.1/more.jsonld"], "@id": "http://example.org/p"},
    "import": {"@context": {"@version": 1.1, "@import": "http://192.0.2.1/base.jsonld"}, "@id": "http://example.org/p"},
    "nested": {"@context": {"dc": "http://purl.org/dc/terms/"}, "@graph": [{"@id": "http://example.org/p", "@context": "http://192.0.2.1/c"}]},
    "relative": {"@context": "context.jsonld", "@id": "http://example.org/p"},
}


def test_rdflib_alone_would_fetch_a_remote_context():
    """Why load() checks first: rdflib 7.6 urlopens a string @context (the guard refuses it here)."""
    with netguard.expect_blocked() as caught:
        with pytest.raises(Exception):
            Graph().parse(data=json.dumps(REMOTE_CONTEXTS["string"]), format="json-ld")
    assert any("192.0.2.1" in attempt for attempt in caught)


@pytest.mark.parametrize("case", sorted(REMOTE_CONTEXTS))
def test_load_refuses_json_ld_with_a_remote_context_without_fetching(case, tmp_path):
    path = tmp_path / "graph.jsonld"
    path.write_text(json.dumps(REMOTE_CONTEXTS[case]), encoding="utf-8")
    (tmp_path / "context.jsonld").write_text('{"@context": {"title": "http://purl.org/dc/terms/title"}}', encoding="utf-8")
    with pytest.raises(GraphError, match="remote JSON-LD context .*kg never fetches contexts: embed the context object"):
        load(path)
    # had load() tried, netguard would fail this test (and attempts() would not be empty)
    assert netguard.attempts() == []


def test_load_reads_json_ld_with_an_inline_context_and_context_lookalike_text(tmp_path):
    path = tmp_path / "graph.jsonld"
    document = {
        "@context": {"dc": "http://purl.org/dc/terms/"},
        "@id": "http://example.org/p",
        "dc:title": '{"@context": "http://192.0.2.1/ctx"} is only text here',
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    graph = load(path)
    assert [str(o) for o in graph.objects()] == [document["dc:title"]]


def test_load_does_not_fetch_an_rdf_xml_external_entity(tmp_path):
    path = tmp_path / "graph.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE rdf:RDF [<!ENTITY ext SYSTEM "http://192.0.2.1/entity.txt">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/terms/">\n'
        '  <rdf:Description rdf:about="http://example.org/p"><dc:title>before&ext;after</dc:title></rdf:Description>\n'
        "</rdf:RDF>\n",
        encoding="utf-8",
    )
    graph = load(path)
    assert [str(o) for o in graph.objects()] == ["beforeafter"]
    assert netguard.attempts() == []


# --------------------------------------------------------------------------- SPARQL (kg.query)


REACHING_QUERIES = {
    "service": "SELECT * WHERE { SERVICE <http://192.0.2.1/sparql> { ?s ?p ?o } }",
    "service-silent-in-optional": "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://192.0.2.1/> { ?s ?q ?x } } }",
    "service-in-subquery": "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://192.0.2.1/> { ?s ?p ?o } } } }",
    "service-in-union": "SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <http://192.0.2.1/> { ?s ?p ?o } } }",
    "service-variable": "SELECT * WHERE { BIND(<http://192.0.2.1/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "service-in-ask": "ASK { SERVICE <http://192.0.2.1/> { ?s ?p ?o } }",
    "service-in-construct": "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://192.0.2.1/> { ?s ?p ?o } }",
    "from": "SELECT * FROM <http://192.0.2.1/graph.ttl> WHERE { ?s ?p ?o }",
    "from-named": "SELECT * FROM NAMED <http://192.0.2.1/graph.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "load": "LOAD <http://192.0.2.1/graph.ttl>",
    "load-into": "LOAD SILENT <http://192.0.2.1/graph.ttl> INTO GRAPH <http://example.org/g>",
}


@pytest.fixture(scope="module")
def small_graph_file(tmp_path_factory) -> Path:
    import contextlib
    import io

    from kg.cli import main

    out = tmp_path_factory.mktemp("sparql")
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["build", str(TESTS / "data" / "papers.jsonl"), "--out", str(out), "--no-html", "--no-validate"]) == 0
    return out / "graph.ttl"


@pytest.mark.parametrize("case", sorted(REACHING_QUERIES))
def test_sparql_that_would_reach_out_is_refused_before_evaluation(case, small_graph_file):
    query = pytest.importorskip("kg.query", reason="kg.query (the query engineer's) is not merged yet")
    from kg.errors import QueryError

    graph = load(small_graph_file)
    with pytest.raises(QueryError, match="refused|read-only"):
        query.run(graph, REACHING_QUERIES[case])
    assert netguard.attempts() == []  # and had rdflib tried, netguard would have failed this test


def test_an_ordinary_query_still_runs(small_graph_file):
    query = pytest.importorskip("kg.query", reason="kg.query (the query engineer's) is not merged yet")

    answer = query.run(load(small_graph_file), "SELECT (COUNT(*) AS ?n) WHERE { ?p a kg:Paper }")
    assert "4" in query.write(answer, "csv").decode("utf-8")


@pytest.mark.parametrize("case", ["service", "from", "load"])
def test_kg_query_refuses_with_exit_5_and_one_line(case, small_graph_file, capsys):
    pytest.importorskip("kg.query", reason="kg.query (the query engineer's) is not merged yet")
    from kg.cli import main

    assert main(["query", str(small_graph_file), REACHING_QUERIES[case]]) == 5
    err = capsys.readouterr().err
    assert err.startswith("kg: error: ") and err.count("\n") == 1 and "Traceback" not in err
