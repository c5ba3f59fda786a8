"""A read-only SPARQL 1.1 Protocol endpoint over one kg graph, and its offline query page.

``/sparql`` answers ``GET ?query=``, ``POST`` form-encoded and ``POST application/sparql-query``
with JSON, XML, CSV or TSV results (Turtle or N-Triples for CONSTRUCT and DESCRIBE), chosen
by the ``Accept`` header. ``/`` is a query page (one inline file, no network) with the named
queries as examples.

How a query runs
    The graph is loaded once, in the server process. A small pool of worker processes is forked
    from it, so each worker holds the graph without loading it again. A request borrows an idle
    worker, sends it the query text and waits at most ``timeout`` seconds. A worker that does not
    answer in time is killed (SIGKILL) and a fresh one is forked in its place; the client gets
    503. Other requests are served meanwhile by the other workers (HTTP requests each have a
    thread: ``ThreadingHTTPServer``). The row cap is applied in the worker while it collects.

What is refused, before anything is evaluated
    Updates in every protocol form: an ``update=`` field, an ``application/sparql-update`` body,
    or update text passed as a query (403). ``SERVICE``, ``FROM`` / ``FROM NAMED`` and the
    protocol's ``default-graph-uri`` / ``named-graph-uri`` (400): the checks are
    :func:`kg.query.prepare`'s, on rdflib's parse tree and algebra. Workers also install an audit
    hook that stops any socket connection or URL open, should something slip through.

Parameters
    Besides ``query``, a request may carry ``param`` fields (``NAME=VALUE``, ``NAME=<IRI>``,
    ``NAME:TYPE=VALUE``, as ``kg query --param``), bound as RDF terms: this is how the page runs
    named queries. It is our extension; plain SPARQL clients never need it.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import queue
import re
import sys
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from .errors import QueryError
from .query import MEDIA_TYPES, QueryRefused, QuerySyntaxError, QueryTimeout, TooManyRows, UpdateRefused

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "WorkerPool", "negotiate", "make_server", "serve"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
#: request bodies larger than this are refused (413)
MAX_BODY = 1_000_000

#: media type -> our format name, for the Accept header
_ACCEPT = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "nt",
}
_RESULT_CHOICES = ("json", "xml", "csv", "tsv")
_GRAPH_CHOICES = ("turtle", "nt")

#: error class name (as a worker reports it) -> HTTP status
_STATUS = {
    UpdateRefused.__name__: HTTPStatus.FORBIDDEN,
    QueryRefused.__name__: HTTPStatus.BAD_REQUEST,
    QuerySyntaxError.__name__: HTTPStatus.BAD_REQUEST,
    TooManyRows.__name__: HTTPStatus.BAD_REQUEST,
    QueryTimeout.__name__: HTTPStatus.SERVICE_UNAVAILABLE,
    QueryError.__name__: HTTPStatus.BAD_REQUEST,
}


def negotiate(accept: str | None, kind: str, explicit: str | None = None) -> str:
    """The format to answer a ``kind`` query with, from an Accept header (q-values honoured).

    ``explicit`` (a ``format=`` request field) wins when it fits the kind. Defaults: JSON for
    SELECT and ASK, Turtle for CONSTRUCT and DESCRIBE.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", "SELECT")
    'xml'
    >>> negotiate("*/*", "CONSTRUCT")
    'turtle'
    >>> negotiate("text/tab-separated-values", "SELECT", explicit="json")
    'json'
    """
    choices = _GRAPH_CHOICES if kind in ("CONSTRUCT", "DESCRIBE") else _RESULT_CHOICES
    if explicit in choices:
        return explicit
    ranked = []
    for position, part in enumerate((accept or "").split(",")):
        media, *options = [p.strip() for p in part.split(";")]
        q = 1.0
        for option in options:
            if option.startswith("q="):
                try:
                    q = float(option[2:])
                except ValueError:
                    q = 0.0
        ranked.append((-q, position, media.lower()))
    for q, _, media in sorted(ranked):
        if q < 0 and _ACCEPT.get(media) in choices:
            return _ACCEPT[media]
    return choices[0]


# ---------------------------------------------------------------------------------------------
# Worker processes


def _no_network(event: str, args) -> None:
    if event in ("socket.connect", "socket.getaddrinfo", "urllib.Request", "socket.sendto"):
        raise PermissionError(f"kg serve workers never use the network ({event})")


def _worker_main(conn, graph: Graph, max_rows: int) -> None:
    """Answer requests from ``conn`` until it closes: (text, params, accept, format) -> reply."""
    import signal

    import rdflib.plugins.sparql

    from .query import parse_param, prepare, run, write

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which kills us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    sys.addaudithook(_no_network)
    while True:
        try:
            text, params, accept, explicit = conn.recv()
        except (EOFError, OSError):
            return
        try:
            query = prepare(text)
            bindings = dict(parse_param(p) for p in params)
            answer = run(graph, query, bindings, max_rows=max_rows)
            fmt = negotiate(accept, answer.kind, explicit)
            reply = ("ok", MEDIA_TYPES[fmt], write(answer, fmt))
        except QueryError as err:
            reply = ("error", type(err).__name__, str(err))
        except Exception as err:  # keep the worker alive whatever rdflib raises
            reply = ("error", QueryError.__name__, f"the query failed: {type(err).__name__}: {err}")
        conn.send(reply)


def _die_with_parent() -> None:
    """Ask Linux to kill this process when the server dies, however it dies (best effort)."""
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the pool still kills workers on a clean stop
        pass


class _Worker:
    def __init__(self, context, graph: Graph, max_rows: int):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, graph, max_rows), daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


@dataclass
class Reply:
    """What the endpoint sends back: status, content type and body."""

    status: int
    content_type: str
    body: bytes


class WorkerPool:
    """``size`` forked worker processes sharing the graph; each query gets ``timeout`` seconds.

    A worker that runs out of time is killed and replaced, so a runaway query never blocks the
    pool for longer than the timeout.
    """

    def __init__(self, graph: Graph, *, size: int = 2, timeout: float = 10.0, max_rows: int = 10_000):
        import multiprocessing

        if size < 1 or timeout <= 0 or max_rows < 1:
            raise QueryError("--workers and --max-rows must be at least 1 and --timeout above 0")
        # fork: each worker starts with the graph already in memory (copy-on-write)
        self._context = multiprocessing.get_context("fork")
        self._graph, self.size, self.timeout, self.max_rows = graph, size, timeout, max_rows
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(size):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        with self._lock:
            worker = _Worker(self._context, self._graph, self.max_rows)
            self._all.add(worker)
            return worker

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.stop()
        if not self._closed:
            self._idle.put(self._spawn())

    def ask(self, text: str, params=(), accept: str | None = None, format: str | None = None) -> Reply:
        """Run one query on an idle worker and return the HTTP reply for it."""
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return _error(HTTPStatus.SERVICE_UNAVAILABLE, f"all {self.size} query workers are busy; try again shortly")
        try:
            worker.conn.send((text, list(params), accept, format))
            if not worker.conn.poll(self.timeout):
                self._retire(worker)
                return _error(
                    HTTPStatus.SERVICE_UNAVAILABLE,
                    f"the query ran out of time after {self.timeout:g} s and was stopped; "
                    "narrow it (LIMIT, fewer unbound patterns) or ask the server's operator for a longer --timeout",
                )
            outcome, first, second = worker.conn.recv()
        except (EOFError, OSError):
            self._retire(worker)
            return _error(HTTPStatus.INTERNAL_SERVER_ERROR, "the query worker died; the query was not answered")
        self._idle.put(worker)
        if outcome == "ok":
            return Reply(HTTPStatus.OK, first, second)
        return _error(_STATUS.get(first, HTTPStatus.BAD_REQUEST), second)

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()


def _error(status: int, message: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


# ---------------------------------------------------------------------------------------------
# The query page


def _script_json(value) -> str:
    """JSON that is safe inside <script type="application/json">: no '<', '>', '&' or U+2028/9."""
    text = json.dumps(value, ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def query_page(title: str) -> tuple[bytes, str]:
    """The query page with the named queries embedded, and its Content-Security-Policy."""
    from .query import named_queries

    template = resources.files("kg.static").joinpath("query.html").read_text(encoding="utf-8")
    examples = [
        {
            "name": q.name,
            "summary": q.summary,
            "params": [{"name": p.name, "description": p.description, "optional": p.optional} for p in q.params],
            "text": q.text,
        }
        for q in named_queries().values()
    ]
    page = template.replace("{{TITLE}}", html.escape(title)).replace("{{QUERIES}}", _script_json(examples))
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    styles = re.findall(r"<style>(.*?)</style>", page, flags=re.S)
    csp = (
        "default-src 'none'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
        f"script-src {' '.join(_csp_hash(s) for s in scripts)}; style-src {' '.join(_csp_hash(s) for s in styles)}"
    )
    return page.encode("utf-8"), csp


# ---------------------------------------------------------------------------------------------
# HTTP


class _Handler(BaseHTTPRequestHandler):
    server_version = "kg-serve"
    pool: WorkerPool
    page: tuple[bytes, str]
    quiet: bool = False

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        if not self.quiet:
            sys.stderr.write(f"kg serve: {self.address_string()} {format % args}\n")

    def _send(self, reply: Reply, extra: dict | None = None) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    def do_GET(self):  # noqa: N802 (http.server's naming)
        url = urlsplit(self.path)
        if url.path in ("/", "/index.html"):
            body, csp = self.page
            return self._send(Reply(HTTPStatus.OK, "text/html; charset=utf-8", body), {"Content-Security-Policy": csp})
        if url.path != "/sparql":
            return self._send(_error(HTTPStatus.NOT_FOUND, "no such page: the endpoint is /sparql, the query page /"))
        return self._answer(parse_qs(url.query, keep_blank_values=True))

    do_HEAD = do_GET

    def do_POST(self):  # noqa: N802
        url = urlsplit(self.path)
        if url.path != "/sparql":
            return self._send(_error(HTTPStatus.NOT_FOUND, "no such endpoint: POST to /sparql"))
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return self._send(_error(HTTPStatus.BAD_REQUEST, "Content-Length is not a number"))
        if length > MAX_BODY:
            return self._send(_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {MAX_BODY} bytes"))
        body = self.rfile.read(length)
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        fields = parse_qs(url.query, keep_blank_values=True)
        if media == "application/sparql-update":
            return self._send(_error(HTTPStatus.FORBIDDEN, "SPARQL updates are refused: this endpoint is read-only"))
        if media == "application/x-www-form-urlencoded":
            for name, values in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
                fields.setdefault(name, []).extend(values)
            return self._answer(fields)
        if media == "application/sparql-query":
            if "query" in fields:
                return self._send(_error(HTTPStatus.BAD_REQUEST, "pass the query in the body or in ?query=, not both"))
            fields["query"] = [body.decode("utf-8", "replace")]
            return self._answer(fields)
        return self._send(
            _error(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                "POST application/sparql-query or application/x-www-form-urlencoded (query=...)",
            )
        )

    def _answer(self, fields: dict[str, list[str]]) -> None:
        if "update" in fields:
            return self._send(_error(HTTPStatus.FORBIDDEN, "SPARQL updates are refused: this endpoint is read-only"))
        if "default-graph-uri" in fields or "named-graph-uri" in fields:
            return self._send(
                _error(HTTPStatus.BAD_REQUEST, "default-graph-uri / named-graph-uri are refused: the endpoint serves one graph and loads no other")
            )
        queries = fields.get("query", [])
        if len(queries) != 1:
            return self._send(_error(HTTPStatus.BAD_REQUEST, "pass exactly one query: /sparql?query=SELECT..."))
        explicit = (fields.get("format") or [None])[0]
        reply = self.pool.ask(queries[0], fields.get("param", []), self.headers.get("Accept"), explicit)
        self._send(reply)


def make_server(
    graph: Graph,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    timeout: float = 10.0,
    max_rows: int = 10_000,
    workers: int = 2,
    title: str = "kg",
    quiet: bool = False,
) -> tuple[ThreadingHTTPServer, WorkerPool]:
    """A server bound to ``host:port`` (port 0: any free port) and its worker pool; not started."""
    pool = WorkerPool(graph, size=workers, timeout=timeout, max_rows=max_rows)
    handler = type("Handler", (_Handler,), {"pool": pool, "page": query_page(title), "quiet": quiet})
    try:
        server = ThreadingHTTPServer((host, port), handler)
    except OSError as err:
        pool.close()
        raise QueryError(f"cannot listen on {host}:{port}: {err.strerror}; pick another --port") from err
    server.daemon_threads = True
    return server, pool


def serve(graph: Graph, *, on_ready=None, **options) -> None:
    """Serve ``graph`` until interrupted; ``on_ready(url)`` is called once it listens."""
    import signal

    server, pool = make_server(graph, **options)
    host, port = server.server_address[:2]

    def stop(signum, frame):
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)  # `kill PID` stops the workers too
    try:
        if on_ready:
            on_ready(f"http://{host}:{port}/")
        server.serve_forever()
    finally:
        server.server_close()
        pool.close()
