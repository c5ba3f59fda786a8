"""Overlap resolution: one mention per token, longest first, the stronger source winning ties.

The source tags (``kg/patterns/rules.json``) rank: appositive and described names, then lexicon
names, acronym pairs and uses, coined names, model spans among the candidates, and last noun
phrases typed by their head word. Two conventions come first: a known name inside a capitalised
dataset name is part of it ("Open Ko-[LLM] Leaderboard2"), and a defined long form is the name as
written ("Pairwise [Proximal Policy Optimization] (P3O)" names P3O, not the PPO inside it).
"""

from __future__ import annotations

from typing import NamedTuple

from spacy.tokens import Doc, Span

from .shapes import _DATASET_NAME, _capitalised_run, _mention_span

PRIORITY = {"appositive": 5, "described": 5, "lexicon": 4, "acronym-long": 3, "acronym-short": 3, "acronym-use": 3, "name": 2,
            "model": 1.5, "phrase": 1}


class Candidate(NamedTuple):
    """A span a rule offers as a mention: its type, confidence, source tag and rule."""

    span: Span
    label: str | None
    confidence: float
    source: str
    rule: str


def resolve(kinds, doc: Doc, candidates: list[Candidate]) -> list[Span]:
    """The chosen mentions of ``candidates``, in text order (``kinds``: a :class:`~kg.extract.kinds.Kinds`)."""
    typed_phrases = [
        c[0] for c in candidates
        if c[3] == "phrase" and (c[1] in {"Task", "Dataset", "Metric"} or _capitalised_run(c[0]))
    ]
    if typed_phrases:
        covered = [None] * len(doc)
        for span in typed_phrases:
            for i in range(span.start, span.end):
                if covered[i] is None or len(covered[i]) < len(span):
                    covered[i] = span
        named_datasets = {
            (c[0].start, c[0].end) for c in candidates
            if c[3] == "phrase" and c[1] == "Dataset" and _DATASET_NAME.search(c[0][-1].text)
            and all(t.text[:1].isupper() or t.text == "-" for t in c[0])
        }
        candidates = [
            c for c in candidates
            if not (
                c[3] == "name" or c[3] == "lexicon" and (covered[c[0].start].start, covered[c[0].start].end) in named_datasets
                if covered[c[0].start] is not None else False
            ) or not (
                covered[c[0].start] is not None and len(covered[c[0].start]) > len(c[0])
                and covered[c[0].start].start <= c[0].start and c[0].end <= covered[c[0].start].end
            )
        ]  # a known name inside a capitalised dataset name is part of it: "Open Ko-[LLM] Leaderboard2"
    # a defined long form is the name as written: "Pairwise [Proximal Policy Optimization] (P3O)"
    # names P3O, not the known PPO inside it
    long_forms = [c[0] for c in candidates if c[3] == "acronym-long"]
    if long_forms:
        candidates = [
            c for c in candidates
            if c[3] != "lexicon" or not any(
                lf.start <= c[0].start and c[0].end <= lf.end and len(lf) > len(c[0]) for lf in long_forms
            )
        ]
    ordered = sorted(
        candidates, key=lambda c: (-PRIORITY[c.source], -(c[0].end - c[0].start), c[0].start)
    )
    taken = [False] * len(doc)
    chosen: list[Span] = []
    for span, label, confidence, source, rule in ordered:
        if label is None or any(taken[span.start : span.end]):
            continue
        if source != "lexicon" and kinds._generic(span):
            continue
        for i in range(span.start, span.end):
            taken[i] = True
        new = _mention_span(doc, span.start, span.end, label, confidence, source, rule)
        chosen.append(new)
    return sorted(chosen, key=lambda s: s.start)
