"""Extraction engines: batches of papers in, their extractions out, in input order.

Three engines share one contract, ``engine.map(batches) -> Iterator[list[Extraction]]``:

``InProcess``   the spaCy pipeline in this process (``--workers 1``)
``LocalPool``   N worker processes on this machine, each with its own pipeline (``--workers N``)
``kg.distributed.DaskEngine``   the workers of a Dask cluster (``--scheduler ADDRESS``)

Workers receive whole papers and send back small JSON records (:meth:`Extraction.to_json`),
never spaCy Docs, so the parent does no parsing and no Doc deserialization: with two cores,
two workers come close to twice the throughput. A pool splits each batch among its workers and
keeps at most three batches in flight, so memory stays flat however long the input is.

>>> from kg.model import Paper
>>> list(batched(iter([1, 2, 3, 4, 5]), 2))
[[1, 2], [3, 4], [5]]
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from .model import Extraction, Paper

__all__ = ["ExtractorSpec", "InProcess", "LocalPool", "batched", "extract_batch", "rebuild"]


@dataclass(frozen=True)
class ExtractorSpec:
    """Everything a worker needs to build the same pipeline: the model, pattern files (their
    contents, so workers on other machines need no shared folder) and excluded components."""

    model: str
    patterns: tuple[tuple[str, bytes], ...] = ()
    exclude: tuple[str, ...] = ("ner",)
    batch_size: int = 64

    @classmethod
    def create(cls, model: str, patterns: Sequence[Path] = (), exclude: Sequence[str] = ("ner",), batch_size: int = 64) -> "ExtractorSpec":
        from .errors import ExtractionError

        contents = []
        for path in patterns:
            try:
                contents.append((Path(path).name, Path(path).read_bytes()))
            except OSError as err:
                raise ExtractionError(f"{path}: cannot read pattern file ({err.strerror}); check the path") from err
        return cls(model, tuple(contents), tuple(exclude), batch_size)


def batched(items: Iterator, size: int) -> Iterator[list]:
    """Lists of ``size`` consecutive items (the last may be shorter)."""
    while batch := list(islice(items, size)):
        yield batch


def rebuild(paper: Paper, record: dict) -> Extraction:
    """An :class:`Extraction` of ``paper`` from a worker's (or the cache's) JSON record."""
    shell = Extraction.from_json({**record, "id": paper.id})
    return Extraction(paper, shell.mentions, shell.claims, shell.code, shell.relations)


# ---------------------------------------------------------------------------------------------
# The worker side: one pipeline per process, built on first use


_PIPELINES: dict[ExtractorSpec, object] = {}


def _pipeline(spec: ExtractorSpec):
    nlp = _PIPELINES.get(spec)
    if nlp is None:
        import tempfile

        from .extract import build_nlp

        folder = Path(tempfile.mkdtemp(prefix="kg-patterns-"))
        paths = []
        for index, (name, data) in enumerate(spec.patterns):
            path = folder / f"{index}-{name}"
            path.write_bytes(data)
            paths.append(path)
        nlp = build_nlp(spec.model, patterns=paths, exclude=spec.exclude)
        _PIPELINES[spec] = nlp
    return nlp


def extract_batch(spec: ExtractorSpec, papers: Sequence[Paper]) -> list[dict]:
    """Extract ``papers`` with the pipeline ``spec`` names; return one JSON record per paper.

    This is what a worker process (local or Dask) runs; it is a plain function of picklable
    arguments.
    """
    from .extract import extract

    nlp = _pipeline(spec)
    return [e.to_json() for e in extract(papers, nlp, batch_size=spec.batch_size)]


# ---------------------------------------------------------------------------------------------
# Engines


@dataclass
class InProcess:
    """Extract in this process, streaming each batch through ``nlp.pipe``."""

    spec: ExtractorSpec
    nlp: object = None

    def map(self, batches: Iterable[list[Paper]]) -> Iterator[list[Extraction]]:
        from .extract import extract

        for batch in batches:
            if not batch:  # all cached: spaCy is not even loaded
                yield []
                continue
            if self.nlp is None:
                self.nlp = _pipeline(self.spec)
            yield list(extract(batch, self.nlp, batch_size=self.spec.batch_size))

    def run(self, func, items: Iterable) -> Iterator:
        """``func(item)`` for each item, in order (the graph shards of a store build)."""
        for item in items:
            yield func(item)

    def close(self) -> None:
        pass


@dataclass
class LocalPool:
    """Extract in ``workers`` processes on this machine (``spawn``ed, so no state leaks in).

    Each worker builds its pipeline on its first batch (a store build that extracts nothing
    only renders graph shards there and never loads spaCy)."""

    spec: ExtractorSpec
    workers: int
    _pool: object = field(default=None, repr=False)

    def _executor(self):
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
            )
        return self._pool

    def map(self, batches: Iterable[list[Paper]]) -> Iterator[list[Extraction]]:
        pool = self._executor()

        def submit(batch: list[Paper]) -> list:
            # each batch is shared out among the workers, so none waits long for the last one
            share = -(-len(batch) // self.workers)
            return [pool.submit(extract_batch, self.spec, batch[i : i + share]) for i in range(0, len(batch), share)]

        yield from _in_order(batches, submit, lambda futures: [r for f in futures for r in f.result()], 3)

    def run(self, func, items: Iterable) -> Iterator:
        """``func(item)`` for each item in the worker processes, results in order."""
        pool = self._executor()
        yield from _ordered(items, lambda item: pool.submit(func, item), lambda f: f.result(), 2 * self.workers)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _ordered(items: Iterable, submit, result, in_flight: int) -> Iterator:
    """Submit items ahead (at most ``in_flight`` pending) and yield their results in input order."""
    pending: deque = deque()
    for item in items:
        pending.append(submit(item))
        if len(pending) >= in_flight:
            yield result(pending.popleft())
    while pending:
        yield result(pending.popleft())


def _in_order(batches: Iterable[list[Paper]], submit, result, in_flight: int) -> Iterator[list[Extraction]]:
    """Extract batches ahead and yield their extractions in input order (empty batches stay local)."""
    pairs = ((batch, submit(batch) if batch else None) for batch in batches)

    def finish(pair) -> list[Extraction]:
        batch, future = pair
        if future is None:
            return []
        return [rebuild(paper, record) for paper, record in zip(batch, result(future), strict=True)]

    yield from _ordered(pairs, lambda pair: pair, finish, in_flight)
