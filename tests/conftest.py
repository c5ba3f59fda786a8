"""Shared fixtures: the real spaCy pipeline and one real build of the bundled corpus per session.

Building the bundled corpus takes tens of seconds, so every test that needs the graph shares
``bundled_build``; tests must not modify its files (copy them first).
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def nlp():
    from kg.extract import build_nlp

    return build_nlp()


@pytest.fixture(scope="session")
def bundled_papers():
    from kg.ingest import read_papers
    from kg.pipeline import BUNDLED_CORPUS

    papers, report = read_papers([BUNDLED_CORPUS])
    return papers


@pytest.fixture(scope="session")
def bundled_build(tmp_path_factory):
    """``kg build`` of the bundled corpus, run once through the CLI: (out_dir, exit code, stdout)."""
    import contextlib
    import io

    from kg.cli import main

    out = tmp_path_factory.mktemp("bundled")
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["build", "--out", str(out)])
    return out, code, buffer.getvalue()


@pytest.fixture(scope="session")
def bundled_graph(bundled_build):
    from kg.rdf import load

    out, _, _ = bundled_build
    return load(out / "graph.ttl")


@pytest.fixture(scope="session")
def bundled_extractions(bundled_build):
    from kg.pipeline import read_extractions

    out, _, _ = bundled_build
    return {e.paper.title: e for e in read_extractions(out / "extractions.jsonl")}
