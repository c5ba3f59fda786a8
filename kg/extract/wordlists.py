"""The word lists kg's extraction rules read, all package data in ``kg/patterns/``: the head
words that type a phrase (``heads.json``), the cue words of the rules (``cues.json``), the
lexicons of known names (``datasets.txt``, ``metrics.txt``, ``methods.txt``, ``tasks.txt``);
and the reader of user pattern files (``kg build --patterns``)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path


from ..errors import ExtractionError
from ..jsonl import objects


@lru_cache(maxsize=1)
def _heads() -> dict:
    return json.loads(resources.files("kg.patterns").joinpath("heads.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def _cues() -> dict:
    """Cue words of the role and claim rules (``kg/patterns/cues.json``)."""
    return json.loads(resources.files("kg.patterns").joinpath("cues.json").read_text("utf-8"))


@lru_cache(maxsize=None)
def _cue(name: str):
    """One cue list of ``cues.json`` as a frozenset (a mapping stays a dict)."""
    value = _cues()[name]
    return value if isinstance(value, dict) else frozenset(value)


def _term_list(name: str) -> list[str]:
    text = resources.files("kg.patterns").joinpath(name).read_text("utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


_LEXICON_FILES = {"Dataset": "datasets.txt", "Metric": "metrics.txt", "Method": "methods.txt", "Task": "tasks.txt"}


def lexicon_patterns() -> list[dict]:
    """SpanRuler phrase patterns for every term of the bundled lexicons."""
    patterns = []
    for label, name in _LEXICON_FILES.items():
        for term in _term_list(name):
            patterns.append({"label": label, "pattern": term, "id": "lexicon"})
    return patterns


def load_user_patterns(path: Path) -> list[dict]:
    """Read a JSONL file of SpanRuler patterns: ``{"label": "Method", "pattern": "..."}`` a line."""
    patterns = []
    for number, pattern in objects(path, ExtractionError, "pattern file"):
        if pattern.get("label") not in _LEXICON_FILES or "pattern" not in pattern:
            raise ExtractionError(
                f"{path}:{number}: a pattern needs \"label\" (one of Method, Task, Dataset, Metric) and \"pattern\""
            )
        pattern.setdefault("id", "user")
        patterns.append(pattern)
    return patterns
