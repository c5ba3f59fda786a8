"""Extraction on a Dask cluster: ``kg build --scheduler tcp://host:8786``.

The client (the machine running ``kg build``) reads the input, sends batches of papers to the
cluster's workers, and gets back one JSON record per paper (:func:`kg.workers.extract_batch`);
it checks the cache, links, and writes every output itself. Workers only need ``kg`` and the
spaCy model installed; pattern files travel with the task, so no shared folder is needed.
Each worker process builds its pipeline once, on its first batch.

Dask (``pip install 'kg[distributed]'``) because it is pure Python, installs from PyPI, runs
the same code on a laptop (``LocalCluster``) and on a cluster (``dask-scheduler`` plus
``dask-worker`` on each machine), and its futures give us back-pressure and input order.

>>> DaskEngine.__name__
'DaskEngine'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .errors import KGError
from .model import Extraction, Paper
from .workers import ExtractorSpec, _in_order, _ordered, extract_batch

__all__ = ["DaskEngine", "DistributedError"]


class DistributedError(KGError):
    """The Dask scheduler cannot be reached, or Dask is not installed."""

    exit_code = 3


class DaskEngine:
    """Extraction engine over the workers of the Dask scheduler at ``address``.

    At most ``2 * workers`` batches are in flight (at least 4), so the client's memory stays
    flat; results come back in input order.
    """

    def __init__(self, spec: ExtractorSpec, address: str, *, timeout: float = 30):
        try:
            from distributed import Client
        except ImportError as err:
            raise DistributedError(
                "--scheduler needs Dask: pip install 'kg[distributed]' (or 'dask[distributed]')"
            ) from err
        self.spec = spec
        self.address = address
        try:
            self.client = Client(address, timeout=timeout)
        except (OSError, TimeoutError) as err:
            raise DistributedError(
                f"cannot reach the Dask scheduler at {address} ({err}); start one with 'dask-scheduler' "
                "and workers with 'dask-worker ADDRESS', or drop --scheduler"
            ) from err

    def map(self, batches: Iterable[list[Paper]]) -> Iterator[list[Extraction]]:
        workers = max(2, len(self.client.scheduler_info().get("workers", {})))
        counter = iter(range(1 << 62))

        def submit(batch: list[Paper]):
            # a key per batch: the same papers submitted twice are still two tasks we wait for
            return self.client.submit(extract_batch, self.spec, batch, key=f"kg-extract-{id(self)}-{next(counter)}")

        yield from _in_order(batches, submit, lambda future: future.result(), 2 * workers)

    def run(self, func, items: Iterable) -> Iterator:
        """``func(item)`` for each item on the cluster, results in order (graph shards)."""
        workers = max(2, len(self.client.scheduler_info().get("workers", {})))
        yield from _ordered(items, lambda item: self.client.submit(func, item, pure=False), lambda f: f.result(), 2 * workers)

    def close(self) -> None:
        self.client.close()
