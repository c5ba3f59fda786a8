"""A build killed with SIGKILL leaves every output old-and-complete, new-and-complete, or absent,
and ``kg build --resume`` then finishes with exactly the output of an uninterrupted build."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import write_papers_jsonl
from kg.cli import main

FILES = ("extractions.jsonl", "graph.ttl")
BUILD = ("--no-html", "--no-validate", "--batch-size", "4")


def _run(*args: str) -> str:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["build", *args])
    assert code == 0, buffer.getvalue()
    return buffer.getvalue()


def _cached_rows(folder: Path) -> int:
    path = folder / ".cache" / "extractions.sqlite"
    if not path.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(path, timeout=0.1)) as db:
            return db.execute("SELECT COUNT(*) FROM extraction").fetchone()[0]
    except sqlite3.Error:
        return 0


def _kill_when(folder: Path, corpus: Path, extra: tuple[str, ...], ready) -> float:
    """Start ``kg build`` in a subprocess, SIGKILL it once ``ready(folder, seconds)`` is true."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).parents[1])] + sys.path))
    process = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(folder), *BUILD, *extra],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    started = time.monotonic()
    while process.poll() is None and not ready(folder, time.monotonic() - started):
        time.sleep(0.005)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait()
    return time.monotonic() - started


#: when to kill: after a delay, once extraction has checkpointed a batch, while a file is being moved in
KILL_POINTS = {
    "during start-up": lambda folder, t: t > 0.5,
    "after 4 s": lambda folder, t: t > 4,
    "after the first checkpoint": lambda folder, t: _cached_rows(folder) >= 4,
    "half way through extraction": lambda folder, t: _cached_rows(folder) >= 16,
    "after extraction, while linking and writing": lambda folder, t: _cached_rows(folder) >= 30,
    "while graph.ttl is being written": lambda folder, t: any(folder.glob(".graph.ttl.*.tmp")),
}


@pytest.fixture(scope="module")
def versions(bundled_papers, small_corpus, small_build, tmp_path_factory):
    """The old build (20 papers) and the new one (30 papers), each complete."""
    root = tmp_path_factory.mktemp("crash")
    old_corpus = write_papers_jsonl(root / "old.jsonl", bundled_papers[:20])
    _run(str(old_corpus), "--out", str(root / "old"), *BUILD, "--no-cache")
    return root / "old", small_build


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_killed_build_leaves_complete_files_and_resumes_to_the_same_output(point, versions, small_corpus, tmp_path):
    old, new = versions
    folder = tmp_path / "out"
    shutil.copytree(old, folder)
    _kill_when(folder, small_corpus, (), KILL_POINTS[point])

    for name in FILES:
        path = folder / name
        if path.exists():
            data = path.read_bytes()
            assert data in ((old / name).read_bytes(), (new / name).read_bytes()), f"{name} is partial after a kill {point}"
    checkpointed = _cached_rows(folder)

    stdout = _run(str(small_corpus), "--out", str(folder), *BUILD, "--resume")
    assert f"from cache {checkpointed}" in stdout.replace("\n", " ")
    for name in FILES:
        assert (folder / name).read_bytes() == (new / name).read_bytes(), name
    assert not list(folder.glob(".*.tmp")), "temporary files left behind"


def test_killed_store_build_leaves_the_old_or_the_new_store(versions, bundled_papers, small_corpus, tmp_path):
    from kg.rdf import serialize
    from kg.store import open_graph

    def content(store: Path) -> bytes:
        graph = open_graph(store)
        try:
            return serialize(graph, "nt")
        finally:
            graph.close()

    old_corpus = write_papers_jsonl(tmp_path / "old.jsonl", bundled_papers[:20])
    _run(str(old_corpus), "--out", str(tmp_path / "old"), *BUILD, "--no-cache", "--store", str(tmp_path / "old" / "store"))
    _run(str(small_corpus), "--out", str(tmp_path / "new"), *BUILD, "--no-cache", "--store", str(tmp_path / "new" / "store"))
    old_store, new_store = content(tmp_path / "old" / "store"), content(tmp_path / "new" / "store")

    points = {
        "during extraction": lambda folder, t: _cached_rows(folder) >= 8,
        "while loading the store": lambda folder, t: any(folder.glob(".store.new-*")),
    }
    for point, ready in points.items():
        folder = tmp_path / point.replace(" ", "-")
        shutil.copytree(tmp_path / "old", folder)
        _kill_when(folder, small_corpus, ("--store", str(folder / "store")), ready)
        if (folder / "store").exists():
            assert content(folder / "store") in (old_store, new_store), point
        _run(str(small_corpus), "--out", str(folder), *BUILD, "--resume", "--store", str(folder / "store"))
        assert content(folder / "store") == new_store, point
        assert not list(folder.glob(".store.*")), "leftovers of the interrupted store build"
