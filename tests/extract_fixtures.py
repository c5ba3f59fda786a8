"""Shared, built-once data for the extraction tests: the real pipeline and the bundled corpus.

Each test module wraps these in a fixture; the cache makes the spaCy pipeline load once per
test session whichever module asks first.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from kg.model import Paper


@lru_cache(maxsize=1)
def nlp():
    from kg.extract import build_nlp

    return build_nlp()


@lru_cache(maxsize=1)
def corpus() -> tuple[Paper, ...]:
    """The bundled trending-papers corpus, read by kg.ingest (ids are ``paper_id(title)``)."""
    from kg.ingest import read

    return tuple(read(files("kg") / "data" / "trending-papers.txt"))


def paper_titled(prefix: str) -> Paper:
    return next(p for p in corpus() if p.title.startswith(prefix))


@lru_cache(maxsize=64)
def extraction(prefix: str):
    from kg.extract import extract_paper

    return extract_paper(paper_titled(prefix), nlp())
