"""Shared, built-once data for the extraction tests: the real pipeline and the bundled corpus.

Each test module wraps these in a fixture; the cache makes the spaCy pipeline load once per
test session whichever module asks first.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from kg.model import Paper
from kg.textnorm import normalize_title, short_hash, slugify


@lru_cache(maxsize=1)
def nlp():
    from kg.extract import build_nlp

    return build_nlp()


def paper_id(title: str) -> str:
    return f"{slugify(title)}-{short_hash(normalize_title(title))}"


@lru_cache(maxsize=1)
def corpus() -> tuple[Paper, ...]:
    """The bundled trending-papers corpus: two header lines, then title / abstract line pairs."""
    lines = files("kg").joinpath("data", "trending-papers.txt").read_text("utf-8").splitlines()[2:]
    lines[0] = lines[0].removeprefix("Subscribe")
    return tuple(
        Paper(id=paper_id(t.strip()), title=t.strip(), abstract=a.strip()) for t, a in zip(lines[0::2], lines[1::2])
    )


def paper_titled(prefix: str) -> Paper:
    return next(p for p in corpus() if p.title.startswith(prefix))


@lru_cache(maxsize=64)
def extraction(prefix: str):
    from kg.extract import extract_paper

    return extract_paper(paper_titled(prefix), nlp())
