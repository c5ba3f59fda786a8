"""Relations between two entities of one sentence: used-for, evaluate-for, compare, hyponym-of.

A linear classifier over features of the pair read off the parse (the words and the dependency
path between the two, their types and order, the words that introduce each), trained on SciERC's
relation annotations by :mod:`kg.train_relations` and shipped as ``kg/models/relations.json``:
one weight per (feature, class). It decides, for each pair of mentions in a sentence taken in
text order, one of: no relation, a relation from the first to the second, or from the second to
the first. SciERC's direction convention holds: ``used-for(A, B)`` is "A is used for B",
``evaluate-for(A, B)`` is "A evaluates B", ``hyponym-of(A, B)`` is "A is a kind of B";
``compare`` is symmetric and written first -> second.

Plain functions over a parsed ``Doc`` and ``(start, end, type)`` token spans, so training (on
SciERC's gold spans) and extraction (on kg's mentions) share every feature.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy
from spacy.tokens import Doc, Span

__all__ = [
    "NAME",
    "RELATIONS",
    "OUTPUT_RELATIONS",
    "DEFAULT_RELATION_MODEL",
    "Pair",
    "pairs",
    "features",
    "RelationModel",
    "load_model",
    "find",
]

#: SciERC's relation labels, kg's spelling; every one is learnt, the first four are written.
RELATIONS = ("used-for", "evaluate-for", "compare", "hyponym-of", "part-of", "feature-of", "conjunction")
OUTPUT_RELATIONS = RELATIONS[:4]
SYMMETRIC = frozenset({"compare", "conjunction"})

NAME = "kg_relations"  # the name build_nlp's ``exclude`` takes to leave relations out
DEFAULT_RELATION_MODEL = Path(__file__).resolve().parent.parent / "models" / "relations.json"

_MAX_GAP = 40  # tokens between two mentions beyond which no pair is considered


@dataclass(frozen=True)
class Pair:
    """Two mentions of one sentence in text order, as token offsets and types."""

    first: tuple[int, int, str]
    second: tuple[int, int, str]


def pairs(spans: Sequence[tuple[int, int, str]], sentence: Span) -> Iterator[Pair]:
    """Every pair of non-overlapping spans inside ``sentence``, in text order, at most
    ``_MAX_GAP`` tokens apart."""
    inside = sorted({s for s in spans if sentence.start <= s[0] and s[1] <= sentence.end})
    for i, a in enumerate(inside):
        for b in inside[i + 1 :]:
            if b[0] < a[1]:
                continue  # overlapping (a name inside a description): not two things
            if b[0] - a[1] > _MAX_GAP:
                break
            yield Pair(a, b)


def _root(doc: Doc, start: int, end: int):
    return doc[start:end].root


def _path(doc: Doc, a, b) -> list[str]:
    """The dependency path from token ``a`` up to the lowest common ancestor and down to ``b``:
    labels with a direction, and the lemmas of the tokens on the way."""
    up = [a]
    while up[-1].head.i != up[-1].i and len(up) < 12:
        up.append(up[-1].head)
    ancestors = {t.i: n for n, t in enumerate(up)}
    down = [b]
    while down[-1].i not in ancestors and down[-1].head.i != down[-1].i and len(down) < 12:
        down.append(down[-1].head)
    if down[-1].i not in ancestors:
        return []
    top = ancestors[down[-1].i]
    steps = [f"{t.dep_}^" for t in up[:top]]
    steps.append(f"<{up[top].lemma_.lower()}>")
    steps += [f"{t.dep_}v" for t in reversed(down[:-1])]
    return steps


def features(doc: Doc, pair: Pair) -> list[str]:
    """The pair's features, as strings (their weights are the model)."""
    (s1, e1, t1), (s2, e2, t2) = pair.first, pair.second
    between = doc[e1:s2]
    words = [t.lemma_.lower() for t in between if not t.is_space]
    gap = len(words)
    out = [
        f"types={t1}>{t2}",
        f"gap={min(gap, 10) if gap < 10 else (15 if gap < 20 else 30)}",
        f"types_gap={t1}>{t2}:{min(gap, 4)}",
    ]
    out += [f"between={w}" for w in set(words[:8] + words[-4:])]
    if words:
        out += [f"first_between={words[0]}", f"last_between={words[-1]}", f"types_last={t1}>{t2}:{words[-1]}"]
        if gap <= 3:
            out.append("between_all=" + "_".join(words))
    else:
        out.append("adjacent")
    before = doc[s1 - 1].lemma_.lower() if s1 > 0 else "<s>"
    after = doc[e2].lemma_.lower() if e2 < len(doc) else "</s>"
    out += [f"before_first={before}", f"after_second={after}"]
    r1, r2 = _root(doc, s1, e1), _root(doc, s2, e2)
    out += [f"head1={r1.lemma_.lower()}", f"head2={r2.lemma_.lower()}", f"dep1={r1.dep_}", f"dep2={r2.dep_}"]
    path = _path(doc, r1, r2)
    if path:
        out.append("path=" + " ".join(path))
        out.append("path_labels=" + " ".join(p for p in path if not p.startswith("<")))
        out.append(f"path_len={min(len(path), 8)}")
        out += [f"path_step={p}" for p in path]
        out.append(f"types_path={t1}>{t2}:" + " ".join(p for p in path if not p.startswith("<")))
    else:
        out.append("no_path")
    if r2.head.i == r1.i or r1.head.i == r2.i:
        out.append("direct_link")
    if any(c.i == r2.i for c in r1.conjuncts):
        out.append("conjuncts")
    return out


@dataclass
class RelationModel:
    """Weights per (feature, label) and per-label thresholds; labels are ``NONE`` or
    ``relation>`` (first -> second) or ``relation<`` (second -> first)."""

    labels: list[str]
    weights: dict[str, list[float]]
    bias: list[float]
    thresholds: dict[str, float]
    meta: dict

    def __post_init__(self) -> None:
        self._rows = {name: k for k, name in enumerate(self.weights)}
        self._matrix = numpy.array(list(self.weights.values()), dtype="float64").reshape(len(self.weights), len(self.labels))
        self._bias = numpy.array(self.bias, dtype="float64")

    def probabilities(self, names: Iterable[str]) -> list[float]:
        """The softmax over the labels of the features' summed weights."""
        rows = [k for k in map(self._rows.get, names) if k is not None]
        scores = self._bias + self._matrix[rows].sum(axis=0) if rows else self._bias.copy()
        exps = numpy.exp(scores - scores.max())
        return (exps / exps.sum()).tolist()

    def predict(self, names: Iterable[str]) -> tuple[str, str, float] | None:
        """``(relation, direction, probability)`` for the most probable label other than NONE,
        when its probability reaches that relation's threshold (which may be below NONE's: the
        thresholds are chosen for F1 on dev), or None."""
        probs = self.probabilities(names)
        best = max((k for k, label in enumerate(self.labels) if label != "NONE"), key=probs.__getitem__)
        relation, direction = self.labels[best][:-1], self.labels[best][-1]
        if probs[best] < self.thresholds.get(relation, 0.5):
            return None
        return relation, direction, probs[best]

    def to_json(self) -> dict:
        return {"labels": self.labels, "bias": self.bias, "thresholds": self.thresholds, "meta": self.meta,
                "weights": self.weights}

    @classmethod
    def from_json(cls, data: dict) -> "RelationModel":
        return cls(list(data["labels"]), {k: list(v) for k, v in data["weights"].items()}, list(data["bias"]),
                   dict(data.get("thresholds", {})), dict(data.get("meta", {})))


@lru_cache(maxsize=4)
def load_model(path: str | Path = DEFAULT_RELATION_MODEL) -> RelationModel:
    """The relation model at ``path`` (read once per path)."""
    return RelationModel.from_json(json.loads(Path(path).read_text("utf-8")))


def _names(mention) -> set[str]:
    """A mention's canonical key and its acronym partner's."""
    from ..textnorm import canonical_key

    return {mention.canonical} | {canonical_key(n) for n in (mention.short_form, mention.long_form) if n}


def find(docs: dict[str, Doc], mentions: Sequence, model: RelationModel) -> list:
    """The relations between a paper's mentions (:class:`kg.model.Mention`), sentence by
    sentence, in text order; each mention pair gets at most one relation."""
    from ..model import Relation

    out = []
    for field_name, doc in docs.items():
        by_span: dict[tuple[int, int, str], object] = {}
        for m in mentions:
            if m.field != field_name:
                continue
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is not None:
                by_span.setdefault((span.start, span.end, m.type), m)
        if len(by_span) < 2:
            continue
        for sentence in doc.sents:
            for pair in pairs(list(by_span), sentence):
                found = model.predict(features(doc, pair))
                if found is None or found[0] not in OUTPUT_RELATIONS:
                    continue
                relation, direction, probability = found
                head, tail = by_span[pair.first], by_span[pair.second]
                if direction == "<" and relation not in SYMMETRIC:
                    head, tail = tail, head
                if _names(head) & _names(tail):
                    continue  # one entity: the same name, or an acronym and its long form
                out.append(Relation(
                    head=head.text, head_type=head.type, relation=relation, tail=tail.text, tail_type=tail.type,
                    sentence=sentence.text, start=sentence.start_char, end=sentence.end_char,
                    confidence=round(probability, 3), field=field_name,
                    head_key=head.canonical, tail_key=tail.canonical,
                ))
    return out
