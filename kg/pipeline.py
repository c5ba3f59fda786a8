"""The whole chain: ingest -> extract -> link -> graph, and the files ``kg build`` writes.

>>> from kg.pipeline import BUNDLED_CORPUS
>>> BUNDLED_CORPUS.name
'trending-papers.txt'
"""

from __future__ import annotations

import json
import os
import pickle
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .ingest import IngestReport, read, dedupe
from .model import Extraction, Paper

__all__ = ["BUNDLED_CORPUS", "BuildResult", "build", "extract_to_jsonl", "write_jsonl", "read_extractions"]

BUNDLED_CORPUS = Path(str(resources.files("kg.data").joinpath("trending-papers.txt")))


@dataclass
class BuildResult:
    """What a build read, made and wrote."""

    ingest: IngestReport
    papers: int = 0
    entities: Counter = field(default_factory=Counter)
    claims: int = 0
    code_links: int = 0
    triples: int = 0
    outputs: dict[str, Path] = field(default_factory=dict)
    validation: str = "not run"
    conforms: bool | None = None
    extracted: int = 0
    from_cache: int = 0
    resumed: bool = False
    timings: dict[str, float] = field(default_factory=dict)

    def summary_rows(self) -> list[tuple[str, str]]:
        rows = [
            ("records read", str(self.ingest.read)),
            ("papers", str(self.papers)),
            ("duplicates merged", str(self.ingest.merged)),
            ("records skipped", str(len(self.ingest.skipped))),
            ("extraction", f"extracted {self.extracted}, from cache {self.from_cache}"
             + (" (resumed from the checkpoint)" if self.resumed else "")),
        ]
        for entity_type in ("Method", "Task", "Dataset", "Metric"):
            rows.append((f"{entity_type} entities", str(self.entities.get(entity_type, 0))))
        rows += [
            ("claims", str(self.claims)),
            ("code links", str(self.code_links)),
            ("triples", str(self.triples)),
            ("SHACL validation", self.validation),
        ]
        if self.timings:
            rows.append(("time", ", ".join(f"{step} {seconds:.1f} s" for step, seconds in self.timings.items())))
        return rows


def _papers(inputs: Sequence[str | os.PathLike[str]], format: str | None, on_error: str, report: IngestReport) -> Iterator[Paper]:
    sources = list(inputs) or [BUNDLED_CORPUS]
    return dedupe(read(sources, format=format, on_error=on_error, report=report), report)


def write_jsonl(path: str | os.PathLike[str], records: Iterable[dict]) -> Path:
    """Write JSON records one a line, atomically, keys in a stable order."""
    from .atomic import write_atomically

    data = "".join(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n" for r in records)
    write_atomically(path, data.encode("utf-8"))
    return Path(path)


def read_extractions(path: str | os.PathLike[str]) -> list[Extraction]:
    """Read a ``kg extract`` JSONL file back into records."""
    from .errors import RecordError
    from .jsonl import objects

    records = []
    for number, record in objects(path):
        try:
            records.append(Extraction.from_json(record))
        except (ValueError, KeyError, TypeError) as err:
            raise RecordError(str(path), number, f"not a kg extraction record ({err}); re-run 'kg extract'") from err
    return records


def extract_to_jsonl(
    inputs: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    format: str | None = None,
    on_error: str = "skip",
    model: str | None = None,
    patterns: Sequence[Path] = (),
    exclude: Sequence[str] = ("ner",),
    progress: Callable[[int], None] | None = None,
) -> tuple[list[Extraction], IngestReport]:
    """``kg extract``: read, extract, and write one JSON object per paper to ``out``."""
    from .extract import DEFAULT_MODEL, build_nlp, extract

    report = IngestReport()
    nlp = build_nlp(model or DEFAULT_MODEL, patterns=patterns, exclude=exclude)
    extractions = []
    for extraction in extract(_papers(inputs, format, on_error, report), nlp):
        extractions.append(extraction)
        if progress:
            progress(1)
    write_jsonl(out, (e.to_json() for e in extractions))
    return extractions, report


def build(
    inputs: Sequence[str | os.PathLike[str]] = (),
    out_dir: str | os.PathLike[str] = "outputs",
    *,
    format: str | None = None,
    on_error: str = "skip",
    model: str | None = None,
    patterns: Sequence[Path] = (),
    base: str | None = None,
    validate: bool = True,
    html: bool = True,
    title: str | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
    cache: bool | str | os.PathLike[str] = True,
    resume: bool = False,
    store: str | os.PathLike[str] | None = None,
    scheduler: str | None = None,
    exclude: Sequence[str] = ("ner",),
    batch_papers: int = 64,
) -> BuildResult:
    """Build the knowledge graph of ``inputs`` (default: the bundled corpus) into ``out_dir``.

    Writes ``extractions.jsonl`` (the ``kg extract`` records), then either ``graph.ttl``
    (canonical Turtle) and ``graph.html`` (the offline view), validated against
    ``ontology/shapes.ttl`` unless ``validate`` is false, or, with ``store``, an on-disk
    Oxigraph store built a chunk of papers at a time (no whole graph in memory; no Turtle,
    view or SHACL run: ``kg export``/``kg render``/``kg validate`` read the store).
    Every file is written beside its final name and moved into place, so a killed build
    leaves each output either as it was or complete.

    Parameters
    ----------
    workers:
        Extraction processes on this machine (1: in this process).
    cache:
        True: the extraction cache in ``out_dir/.cache``; a folder: that cache; False: none.
        Papers whose id, title and abstract are cached for this extractor are not re-extracted.
    resume:
        Continue a killed build: insists on the cache (the per-batch checkpoint) and reports
        how many papers it recovered.
    store:
        Folder of the on-disk store to (re)build instead of ``graph.ttl``.
    scheduler:
        Address of a Dask scheduler (``tcp://host:8786``): extraction runs on its workers.
    """
    import time

    from .link import link

    timings: dict[str, float] = {}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    report = IngestReport()
    model = model or _default_model()
    cache_dir = _cache_dir(cache, out, resume)
    result = BuildResult(ingest=report)
    started = time.perf_counter()

    with _ExtractionRun(model, patterns, exclude, cache_dir, workers, scheduler) as run, \
            _AtomicLines(out / "extractions.jsonl") as jsonl, \
            _Spool(out, enabled=store is not None) as spool:
        kept: list[Extraction] = []
        for extraction in run.extract(_papers(inputs, format, on_error, report), batch_papers):
            record = extraction.to_json()
            jsonl.write(record)
            result.papers += 1
            result.claims += len(extraction.claims)
            result.code_links += len(extraction.code)
            if store is None:
                kept.append(extraction)
            else:
                spool.write(extraction)
                kept.append(_slim(extraction))
            if progress:
                progress(1)
        result.extracted, result.from_cache = run.extracted, run.from_cache
        timings["read+extract"] = time.perf_counter() - started

        mark = time.perf_counter()
        corpus = link(kept)
        result.entities = Counter(e.type for e in corpus.entities.values())
        timings["link"] = time.perf_counter() - mark

        mark = time.perf_counter()
        if store is None:
            result.triples, graph = _write_graph_file(corpus, out, base, result, need_graph=validate or html)
        else:
            del kept
            result.triples = _write_store(corpus, spool, out, Path(store), base, result, run)
            graph = None
        timings["graph"] = time.perf_counter() - mark
        result.outputs["extractions"] = jsonl.commit()

    if report.skipped:
        result.outputs["skipped"] = write_jsonl(
            out / "skipped.jsonl",
            ({"file": err.path, "line": err.line, "reason": err.reason} for err in report.skipped),
        )
    if graph is not None and validate:
        from .validate import validate as shacl_validate

        mark = time.perf_counter()
        validation = shacl_validate(graph)
        result.conforms = validation.conforms
        result.validation = "conforms" if validation.conforms else f"{len(validation.violations)} violations"
        timings["validate"] = time.perf_counter() - mark
    elif store is not None:
        result.validation = "not run on a store build"
    if graph is not None and html:
        from .analyze import project
        from .render import render_html

        mark = time.perf_counter()
        name = title or (Path(inputs[0]).name if inputs else "bundled corpus")
        render_html(project(graph), out / "graph.html", title=f"kg: {name}")
        result.outputs["html"] = out / "graph.html"
        timings["html"] = time.perf_counter() - mark
    result.timings = timings
    result.resumed = resume
    return result


_OUTPUTS = ("extractions.jsonl", "graph.ttl", "graph.html", "skipped.jsonl")


def _remove_leftovers(out: Path) -> None:
    """Remove the temporary files a killed build left beside its outputs (never the outputs)."""
    import shutil

    for name in _OUTPUTS:
        for leftover in out.glob(f".{name}.*.tmp"):
            leftover.unlink(missing_ok=True)
    for leftover in out.glob(".kg-shards-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _default_model() -> str:
    from .extract import DEFAULT_MODEL

    return DEFAULT_MODEL


def _cache_dir(cache: bool | str | os.PathLike[str], out: Path, resume: bool) -> Path | None:
    from .errors import InputError

    if cache is False or cache is None:
        if resume:
            raise InputError("--resume continues from the extraction cache; drop --no-cache")
        return None
    return out / ".cache" if cache is True else Path(cache)


def _slim(extraction: Extraction) -> Extraction:
    """What linking needs of a paper, and no more: its id, its mentions without evidence and its
    relations' arguments.

    Repeated strings are interned, so 100,000 papers' mentions share one copy of each name.
    """
    from .model import Mention, Relation

    intern = sys.intern

    def opt(text: str | None) -> str | None:
        return intern(text) if text else text

    mentions = tuple(
        Mention(
            intern(m.text), intern(m.type), 0, 0, intern(m.field), "", intern(m.role), m.confidence,
            intern(m.canonical), opt(m.short_form), opt(m.long_form),
        )
        for m in extraction.mentions
    )
    relations = tuple(
        Relation("", "", intern(r.relation), "", "", "", 0, 0, r.confidence, head_key=intern(r.head_key), tail_key=intern(r.tail_key))
        for r in extraction.relations
    )
    return Extraction(Paper(extraction.paper.id, "", ""), mentions, relations=relations)


def _write_graph_file(corpus, out: Path, base: str | None, result: BuildResult, need_graph: bool):
    """Write graph.ttl (canonical Turtle, by pyoxigraph); return the triple count and, when the
    view or SHACL need one, the rdflib Graph of the same triples."""
    from .rdf import DEFAULT_BASE, corpus_rdf, to_graph, write_atomically

    data, count = corpus_rdf(corpus, base or DEFAULT_BASE, "turtle")
    path = out / "graph.ttl"
    write_atomically(path, data)
    result.outputs["graph"] = path
    return count, to_graph(corpus, base or DEFAULT_BASE) if need_graph else None


_SHARD_PAPERS = 500  # small enough that two workers share the rendering of a few thousand papers


def _write_store(corpus, spool: "_Spool", out: Path, store: Path, base: str | None, result: BuildResult, run) -> int:
    """Write the graph as N-Triples shards of ``_SHARD_PAPERS`` papers and bulk-load them into the store.

    The shards are rendered by the extraction engine (worker processes or Dask workers when
    there are any), each from a small self-contained part of the linked corpus, while the
    store loads the shards already rendered.
    """
    import shutil
    import tempfile

    from .rdf import DEFAULT_BASE
    from .store import STORE_MARKER, entity_shard, shard_corpus, write_store
    from .workers import batched

    base = base or DEFAULT_BASE
    shards = Path(tempfile.mkdtemp(prefix=".kg-shards-", dir=out))

    def rendered() -> Iterator[Path]:
        path = shards / "entities.nt"
        path.write_bytes(entity_shard(corpus, base))
        yield path
        parts = ((shard_corpus(corpus, chunk), base) for chunk in batched(spool.records(), _SHARD_PAPERS))
        for index, data in enumerate(run.engine.run(_render_shard, parts)):
            path = shards / f"papers-{index:05d}.nt"
            path.write_bytes(data)
            yield path

    try:
        write_store(rendered(), store, info={"papers": result.papers, "extractor": run.fingerprint})
    finally:
        shutil.rmtree(shards, ignore_errors=True)
    result.outputs["store"] = store
    return json.loads((store / STORE_MARKER).read_text("utf-8"))["triples"]


def _render_shard(item) -> bytes:
    from .store import paper_shard

    part, base = item
    return paper_shard(part, base)


class _ExtractionRun:
    """Papers -> extractions in input order: cached ones from the cache, the others from an
    engine (this process, local worker processes or a Dask cluster); each engine batch is
    committed to the cache as soon as it is done, which is the checkpoint ``--resume`` uses."""

    def __init__(self, model: str, patterns: Sequence[Path], exclude: Sequence[str], cache_dir: Path | None,
                 workers: int, scheduler: str | None):
        from .workers import ExtractorSpec

        self.spec = ExtractorSpec.create(model, patterns, exclude)
        self.cache_dir = cache_dir
        self.workers = workers
        self.scheduler = scheduler
        self.extracted = 0
        self.from_cache = 0
        self.cache = None
        self.engine = None
        self.fingerprint = ""

    def __enter__(self) -> "_ExtractionRun":
        from .cache import ExtractionCache, extractor_fingerprint

        self.fingerprint = extractor_fingerprint(self.spec.model, self.spec.patterns, self.spec.exclude)
        if self.cache_dir is not None:
            self.cache = ExtractionCache(self.cache_dir, self.fingerprint)
        if self.scheduler:
            from .distributed import DaskEngine

            self.engine = DaskEngine(self.spec, self.scheduler)
        elif self.workers > 1:
            from .workers import LocalPool

            self.engine = LocalPool(self.spec, self.workers)
        else:
            from .workers import InProcess

            self.engine = InProcess(self.spec)
        return self

    def __exit__(self, *exc) -> None:
        if self.engine is not None:
            self.engine.close()
        if self.cache is not None:
            self.cache.close()

    def extract(self, papers: Iterable[Paper], batch_papers: int) -> Iterator[Extraction]:
        from collections import deque

        from .workers import batched

        stash: deque = deque()

        def misses() -> Iterator[list[Paper]]:
            for batch in batched(iter(papers), batch_papers):
                hits = [self.cache.get(p) if self.cache is not None else None for p in batch]
                stash.append((batch, hits))
                yield [p for p, hit in zip(batch, hits) if hit is None]

        for fresh in self.engine.map(misses()):
            batch, hits = stash.popleft()
            if fresh and self.cache is not None:
                self.cache.put_many(fresh)
            self.extracted += len(fresh)
            self.from_cache += len(batch) - len(fresh)
            new = iter(fresh)
            for hit in hits:
                yield hit if hit is not None else next(new)


class _AtomicLines:
    """A JSONL file written line by line to a temporary file beside it, moved into place on commit."""

    def __init__(self, path: Path):
        from .atomic import temporary_beside

        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = temporary_beside(self.path)
        self.tmp = Path(tmp)
        self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def write(self, record: dict) -> None:
        self.handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    def commit(self) -> Path:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        from .atomic import publish

        publish(self.tmp, self.path)
        return self.path

    def __enter__(self) -> "_AtomicLines":
        return self

    def __exit__(self, *exc) -> None:
        if not self.handle.closed:
            self.handle.close()
        self.tmp.unlink(missing_ok=True)


class _Spool:
    """A temporary file of the full extractions (abstracts, evidence) for the store's second
    pass, which renders them once linking is done; pickled, since only this build reads it back
    (about twice as fast as JSON and ``Extraction.from_json``)."""

    def __init__(self, folder: Path, enabled: bool):
        self.enabled = enabled
        self.handle = None
        if enabled:
            import tempfile

            self.handle = tempfile.TemporaryFile("w+b", dir=folder, prefix=".kg-spool-")

    def write(self, extraction: Extraction) -> None:
        pickle.dump(extraction, self.handle, protocol=pickle.HIGHEST_PROTOCOL)

    def records(self) -> Iterator[Extraction]:
        self.handle.flush()
        self.handle.seek(0)
        while True:
            try:
                yield pickle.load(self.handle)
            except EOFError:
                return

    def __enter__(self) -> "_Spool":
        return self

    def __exit__(self, *exc) -> None:
        if self.handle is not None:
            self.handle.close()
