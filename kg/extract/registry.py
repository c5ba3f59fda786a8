"""The registry of kg's extraction rules: one table (``kg/patterns/rules.json``) names every rule,
the stage it runs in, the source tag its mentions carry and the confidence it gives; each rule is
a small function registered under its name with :func:`rule`. A stage runs its enabled rules in
the table's order (:func:`stage`), so a rule can be seen (``kg rules``), switched off
(``--disable-rule NAME``) and scored (``kg eval --by-rule``, ``--ablate``).

Every mention and claim records the rules that made or changed it (``Mention.rules``); the span
model's own spans record ``model``.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..errors import ExtractionError

__all__ = ["MODEL", "Rule", "check_names", "rule", "rules", "stage"]

#: What records a mention the trained span model found (not a rule of the table).
MODEL = "model"


@dataclass(frozen=True)
class Rule:
    """One row of the rule table."""

    name: str
    stage: str
    source: str
    confidence: float | None
    what: str


_IMPLEMENTATIONS: dict[str, Callable] = {}


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], tuple[Rule, ...]]:
    data = json.loads(resources.files("kg.patterns").joinpath("rules.json").read_text("utf-8"))
    table = tuple(Rule(**row) for row in data["rules"])
    stages = dict(data["stages"])
    for row in table:
        if row.stage not in stages:
            raise ExtractionError(f"kg/patterns/rules.json: rule {row.name!r} names unknown stage {row.stage!r}")
    return stages, table


def rules() -> tuple[Rule, ...]:
    """Every rule, in table order."""
    return _table()[1]


def stages() -> dict[str, str]:
    """The stages with what each does, in the order a Doc goes through them."""
    return _table()[0]


@lru_cache(maxsize=None)
def _by_name() -> dict[str, Rule]:
    return {r.name: r for r in rules()}


def get(name: str) -> Rule:
    """The table row of ``name`` (a KeyError names an unknown rule)."""
    return _by_name()[name]


def rule(name: str) -> Callable[[Callable], Callable]:
    """Register the function that implements the rule ``name`` of the table."""

    def register(fn: Callable) -> Callable:
        if name not in _by_name():
            raise ExtractionError(f"rule {name!r} is not in kg/patterns/rules.json; add its row there")
        if name in _IMPLEMENTATIONS and _IMPLEMENTATIONS[name] is not fn:
            raise ExtractionError(f"rule {name!r} is implemented twice")
        _IMPLEMENTATIONS[name] = fn
        return fn

    return register


def implementation(name: str) -> Callable:
    return _IMPLEMENTATIONS[name]


def implemented() -> frozenset[str]:
    return frozenset(_IMPLEMENTATIONS)


def stage(name: str, disabled: frozenset[str] = frozenset()) -> list[tuple[Rule, Callable]]:
    """The enabled rules of stage ``name`` with their functions, in table order."""
    return _stage(name, disabled)


@lru_cache(maxsize=256)
def _stage(name: str, disabled: frozenset[str]) -> list[tuple[Rule, Callable]]:
    return [(r, _IMPLEMENTATIONS[r.name]) for r in rules() if r.stage == name and r.name not in disabled]


def check_names(names: Iterable[str]) -> frozenset[str]:
    """``names`` as a frozenset, or an ExtractionError naming an unknown rule and the closest known ones."""
    known = _by_name()
    out = frozenset(names)
    for name in sorted(out):
        if name not in known:
            close = difflib.get_close_matches(name, known, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else "; 'kg rules' lists them"
            raise ExtractionError(f"unknown rule {name!r}{hint}")
    return out
