"""The on-disk graph store: a pyoxigraph (RocksDB) SPARQL store for graphs beyond memory.

``kg build --store DIR`` never holds the whole graph in memory: the graph is written as
N-Triples shards, a chunk of papers at a time, and bulk-loaded into a new store that then
replaces the old one. Every other command reads a store like a graph file, through
:func:`open_graph`, which returns an ordinary ``rdflib.Graph`` whose SPARQL queries run inside
Oxigraph.

A store folder holds ``kg-store.json`` (what was built) and ``oxigraph/`` (the database).

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "store"
>>> shard = folder.parent / "part.nt"
>>> _ = shard.write_text('<https://e.org/a> <https://e.org/p> "x" .\\n')
>>> _ = write_store([shard], folder)
>>> graph = open_graph(folder)
>>> [str(row.o) for row in graph.query("SELECT ?o WHERE { ?s ?p ?o }")]
['x']
>>> graph.close()

Why not oxrdflib's store plugin: with rdflib 7.6 it hands plain literals back typed
``xsd:string`` (so ``Literal("x")`` lookups and comparisons differ from the in-memory graph),
and it refuses ``initBindings`` for variables a query does not project. The adapter here is
read-only, converts terms to exactly what rdflib's own parser makes, and lets rdflib evaluate
the queries Oxigraph cannot take as they are.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.store import Store

from .errors import GraphError
from .rdf import corpus_rdf, to_oxigraph

__all__ = ["STORE_MARKER", "is_store", "open_graph", "write_store", "shard_corpus", "paper_shard", "entity_shard", "OxigraphReadOnly"]

STORE_MARKER = "kg-store.json"
_DB = "oxigraph"


def is_store(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a folder written by ``kg build --store``."""
    return (Path(path) / STORE_MARKER).is_file()


# ---------------------------------------------------------------------------------------------
# Writing


def shard_corpus(corpus, extractions: Sequence):
    """The part of a linked corpus that a chunk of papers needs: its extractions, the entities
    they (and their claims) refer to, and the keys that lead there. Small, self-contained and
    picklable, so a worker process or a Dask worker can turn it into triples."""
    from .link import LinkedCorpus
    from .textnorm import canonical_key

    wanted: set[str] = set()
    key_of: dict[str, str] = {}
    for extraction in extractions:
        for mention in extraction.mentions:
            key = corpus.key_of.get(mention.canonical)
            if key is not None:
                key_of[mention.canonical] = key
                wanted.add(key)
        for relation in extraction.relations:
            for form in (relation.head_key, relation.tail_key):
                key = corpus.key_of.get(form)
                if key is not None:
                    key_of[form] = key
                    wanted.add(key)
        for claim in extraction.claims:
            for text in (claim.subject, claim.compared_to, claim.dataset, claim.metric):
                if not text:
                    continue
                for form in (text, canonical_key(text)):
                    key = corpus.key_of.get(form)
                    if key is not None:
                        key_of[form] = key
                        wanted.add(key)
    return LinkedCorpus(list(extractions), {k: corpus.entities[k] for k in sorted(wanted)}, key_of)


def paper_shard(part, base: str) -> bytes:
    """N-Triples of a :func:`shard_corpus` part: its papers' triples, which refer to entities
    whose own triples are in the :func:`entity_shard` (written once, not once a shard)."""
    return corpus_rdf(part, base, "nt", entities=False)[0]


def entity_shard(corpus, base: str) -> bytes:
    """N-Triples of every entity (type, labels, aliases, paper count) and of every relation
    between two entities (its direct triple and its reified kg:Relation), with no paper."""
    from .link import LinkedCorpus

    return corpus_rdf(LinkedCorpus([], corpus.entities, corpus.key_of, corpus.relations), base, "nt")[0]


def write_store(shards: Iterable[str | os.PathLike[str]], path: str | os.PathLike[str], info: dict | None = None) -> Path:
    """Bulk-load N-Triples ``shards`` into a new store and move it into place at ``path``.

    ``shards`` may be a generator that renders them: each shard is loaded by a background
    thread as soon as it is yielded (Oxigraph's loader releases the GIL), so rendering the
    next shard and loading this one share the machine's cores.

    The new store is built beside ``path`` and swapped in by two renames, so a crash leaves
    either the old store, the new one, or (between the renames, a moment) none; the next build
    cleans up what a crash left behind.

    Raises
    ------
    GraphError
        If ``path`` exists and is not a kg store (it is never overwritten), or loading fails.
    """
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    target = Path(path)
    if target.exists() and not is_store(target) and (not target.is_dir() or any(target.iterdir())):
        raise GraphError(f"{target}: exists and is not a kg store; choose another folder for --store or remove it")
    target.parent.mkdir(parents=True, exist_ok=True)
    _clean_leftovers(target)
    fresh = target.parent / f".{target.name}.new-{os.getpid()}"
    try:
        fresh.mkdir()
        store = ox.Store(str(fresh / _DB))
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-store-load") as loader:
            loads: deque = deque()
            for shard in shards:
                loads.append(loader.submit(_bulk_load, store, shard))
                while loads and loads[0].done():
                    loads.popleft().result()  # a failed load stops the build now, not after the last shard
            for load in loads:
                load.result()
        store.flush()
        triples = len(store)
        del store
        record = {"format": 1, "triples": triples, **(info or {})}
        (fresh / STORE_MARKER).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", "utf-8")
        _fsync_tree(fresh)
    except OSError as err:
        shutil.rmtree(fresh, ignore_errors=True)
        raise GraphError(f"{target}: cannot build the store ({err}); check free disk space") from err
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    if target.exists():
        os.replace(target, old)
    os.replace(fresh, target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def _bulk_load(store: ox.Store, shard: str | os.PathLike[str]) -> None:
    try:
        store.bulk_load(path=str(shard), format=ox.RdfFormat.N_TRIPLES)
    except (SyntaxError, ValueError) as err:
        raise GraphError(f"{shard}: not valid N-Triples ({err})") from err


def _clean_leftovers(target: Path) -> None:
    """Remove what an interrupted write left; restore the old store if the swap was cut short."""
    olds = sorted(target.parent.glob(f".{target.name}.old-*"))
    if not target.exists() and olds:
        os.replace(olds.pop(), target)
    for leftover in olds + sorted(target.parent.glob(f".{target.name}.new-*")):
        shutil.rmtree(leftover, ignore_errors=True)


def _fsync_tree(folder: Path) -> None:
    for root, _dirs, files in os.walk(folder):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


# ---------------------------------------------------------------------------------------------
# Reading


def open_graph(path: str | os.PathLike[str]):
    """An ``rdflib.Graph`` of a graph file or of a store folder written by ``kg build --store``.

    A store is opened read-only; SPARQL runs in Oxigraph, triple patterns are answered from its
    indexes, nothing is loaded into memory.

    Raises
    ------
    GraphError
        If the path is neither a graph file nor a kg store.
    """
    path = Path(path)
    if path.is_dir():
        if not is_store(path):
            raise GraphError(f"{path}: a folder but not a kg store (no {STORE_MARKER}); build one with 'kg build --store {path}'")
        from rdflib import Graph
        from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

        from .vocab import bind_prefixes

        try:
            database = ox.Store.read_only(str(path / _DB))
        except OSError as err:
            raise GraphError(f"{path}: cannot open the store ({err}); rebuild it with 'kg build --store {path}'") from err
        return bind_prefixes(Graph(store=OxigraphReadOnly(database), identifier=DATASET_DEFAULT_GRAPH_ID))
    from .rdf import load

    return load(path)


class OxigraphReadOnly(Store):
    """A read-only rdflib Store over a pyoxigraph Store's default graph."""

    context_aware = True  # one graph only, but rdflib's ConjunctiveGraph (pySHACL uses it) asks
    formula_aware = False
    transaction_aware = False
    graph_aware = True  # likewise, for rdflib's Dataset

    def __init__(self, database) -> None:
        super().__init__()
        self._db = database
        self._prefixes: dict[str, object] = {}
        self._namespaces: dict[object, str] = {}

    # --- triples

    def triples(self, pattern, context=None) -> Iterator:
        s, p, o = pattern
        try:
            quads = self._db.quads_for_pattern(_to_ox(s), _to_ox(p), _to_ox(o), ox.DefaultGraph())
        except (TypeError, ValueError):
            return
        for quad in quads:
            yield (_from_ox(quad.subject), _from_ox(quad.predicate), _from_ox(quad.object)), iter((None,))

    def __len__(self, context=None) -> int:
        return len(self._db)

    def contexts(self, triple=None):
        return iter(())

    def add_graph(self, graph):
        raise GraphError("a kg store is read-only here; rebuild it with 'kg build --store DIR'")

    def remove_graph(self, graph):
        raise GraphError("a kg store is read-only here; rebuild it with 'kg build --store DIR'")

    def add(self, triple, context=None, quoted=False):
        raise GraphError("a kg store is read-only here; rebuild it with 'kg build --store DIR'")

    def addN(self, quads):  # noqa: N802 (rdflib's name)
        raise GraphError("a kg store is read-only here; rebuild it with 'kg build --store DIR'")

    def remove(self, triple, context=None):
        raise GraphError("a kg store is read-only here; rebuild it with 'kg build --store DIR'")

    # --- namespaces (kept in memory, like rdflib's Memory store)

    def bind(self, prefix, namespace, override=True, replace=False) -> None:
        if not override and namespace in self._namespaces:
            return
        if prefix in self._prefixes and not replace and not override:
            return
        old = self._prefixes.get(prefix)
        if old is not None:
            self._namespaces.pop(old, None)
        self._prefixes[prefix] = namespace
        self._namespaces[namespace] = prefix

    def namespace(self, prefix):
        return self._prefixes.get(prefix)

    def prefix(self, namespace):
        return self._namespaces.get(namespace)

    def namespaces(self):
        yield from sorted(self._prefixes.items())

    # --- SPARQL

    def query(self, query, initNs, initBindings, queryGraph, **kwargs):  # noqa: N803 (rdflib's names)
        """Run ``query`` in Oxigraph; NotImplementedError makes rdflib evaluate it instead.

        The query text is the one given, or the text an rdflib prepared ``Query`` was made from
        (``kg query`` prepares its queries). Bound variables (``initBindings``) become constants
        in the text, everywhere outside strings, comments and IRIs, subqueries included, which
        is how rdflib applies them too (Oxigraph's own substitutions only reach projected
        variables). A value becomes a constant only as a term serialized by rdflib (a quoted,
        escaped literal or a checked IRI), never as raw text. Where a constant cannot stand
        (``BOUND(?x)``, ``BIND ... AS ?x``) Oxigraph refuses the text and rdflib evaluates the
        query over the store instead. Either way the answer is the one rdflib gives.
        """
        from rdflib import Graph, Variable
        from rdflib.query import Result

        if kwargs:
            raise NotImplementedError("extra query options are evaluated by rdflib")
        text = _query_text(query)
        if text is None:
            raise NotImplementedError("this prepared query cannot be turned back into SPARQL text")
        if initBindings:
            text = _with_constants(text, initBindings)
        prefixes = {p: str(ns) for p, ns in self._prefixes.items()}
        prefixes.update({p: str(ns) for p, ns in (initNs or {}).items()})
        try:
            answer = self._db.query(text, prefixes=prefixes)
        except (RuntimeError, ValueError, SyntaxError) as err:
            if initBindings or not isinstance(query, str):
                raise NotImplementedError(str(err)) from err
            raise
        if isinstance(answer, ox.QueryBoolean):
            result = Result("ASK")
            result.askAnswer = bool(answer)
        elif isinstance(answer, ox.QuerySolutions):
            result = Result("SELECT")
            result.vars = [Variable(v.value) for v in answer.variables]
            bound = {Variable(str(k)): v for k, v in (initBindings or {}).items()}
            result.bindings = [
                {**{var: _from_ox(value) for var, value in zip(result.vars, solution) if value is not None},
                 **{var: value for var, value in bound.items() if var in result.vars}}
                for solution in answer
            ]
        else:
            result = Result("CONSTRUCT")
            result.graph = Graph()
            for triple in answer:
                result.graph.add((_from_ox(triple.subject), _from_ox(triple.predicate), _from_ox(triple.object)))
        return result

    def update(self, *args, **kwargs):
        raise GraphError("a kg store is read-only here; rebuild it with 'kg build --store DIR'")

    def close(self, commit_pending_transaction: bool = False) -> None:
        self._db = None


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: what a variable name must not be replaced in: strings, comments, IRIs (or it is a variable)
_TOKENS = re.compile(r'''("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[^\n]*|<[^<>"{}|^`\\\s]*>)|[?$]([A-Za-z0-9_]+)''')
_SAFE_IRI = re.compile(r'^[^\s<>"{}|\\^`]+$')


def _with_constants(text: str, bindings) -> str:
    """``text`` with each bound variable replaced by its value as a SPARQL term.

    >>> from rdflib import Literal
    >>> print(_with_constants("SELECT ?x { ?x ?p ?task FILTER(?task != '?task') } # ?task", {"task": Literal("ab")}))
    SELECT ?x { ?x ?p "ab" FILTER("ab" != '?task') } # ?task
    """
    constants = {}
    for name, value in bindings.items():
        iris = [value] if isinstance(value, URIRef) else [getattr(value, "datatype", None)]
        if isinstance(value, BNode) or any(i is not None and not _SAFE_IRI.match(i) for i in iris):
            raise NotImplementedError(f"{value!r} cannot be written as a SPARQL constant; rdflib binds it")
        constants[str(name)] = value.n3()

    def replace(match: re.Match) -> str:
        if match.group(1) is None and match.group(2) in constants:
            return constants[match.group(2)]
        return match.group(0)

    return _TOKENS.sub(replace, text)


def _query_text(query) -> str | None:
    """SPARQL text of a query given as text or as an rdflib prepared ``Query``."""
    if isinstance(query, str):
        return query
    original = getattr(query, "_original_args", None)
    if original:
        return original[0]
    try:
        from rdflib.plugins.sparql.algebra import translateAlgebra

        return translateAlgebra(query)
    except Exception:  # rdflib cannot write every algebra back; rdflib evaluates those itself
        return None


@lru_cache(maxsize=65536)
def _from_ox(term):
    """A pyoxigraph term as the rdflib term rdflib's own N-Triples parser would make."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise GraphError(f"unsupported term in the store: {term!r}")


def _to_ox(term):
    return None if term is None else to_oxigraph(term)
