"""One mention list from two sources: the trained span model's spans and the rules' mentions.

The model (``kg_spans``) finds what annotators call a method, task, dataset or metric in text it
has never seen; the rules know kg's own conventions (acronym pairs, defined names, lexicon names,
what a paper proposes). :func:`merge` combines them by one of the :data:`STRATEGIES`, chosen by
measurement on the dev sets (README, "Extraction quality"):

``rules``        the rules alone (the model's spans are ignored)
``model``        the model alone, plus the rules' acronym pairs and lexicon names
``rules-first``  every rule mention; a model span where no rule mention overlaps it
``model-first``  every model span, except where a strong rule mention (a lexicon name, an acronym
                 pair, a coined name, a described or appositive name) overlaps it; the rules'
                 weak mentions (noun phrases typed by their head word) only where no model span is
``union``        both, overlaps and all (but a model span inside a rule mention of its type, or
                 inside a strong rule name)
``candidates``   the model's spans join the rules' candidates before the rules choose among them
                 (above noun phrases typed by their head word, below every named source), so the
                 rules' later passes (nested tasks, descriptions of a name) see them too

A mention both sources found with the same tokens is one mention found by ``both``; its type is the
rules' and its confidence the higher of the two. Every span leaves with ``span._.kg_found_by`` set
to ``model``, ``rules`` or ``both`` and ``span._.kg_model_score`` (the model's probability, or None).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from spacy.tokens import Span

__all__ = ["STRATEGIES", "STRONG_SOURCES", "merge"]

STRATEGIES = ("rules", "model", "rules-first", "model-first", "union", "candidates")

#: Rule sources that win over an overlapping model span under ``model-first`` (and that ``model``
#: keeps): names the rules know for certain.
STRONG_SOURCES = frozenset({"lexicon", "acronym-long", "acronym-short", "acronym-use", "appositive", "described", "name"})

if not Span.has_extension("kg_found_by"):
    Span.set_extension("kg_found_by", default="rules")
if not Span.has_extension("kg_model_score"):
    Span.set_extension("kg_model_score", default=None)


def _overlaps(span: Span, taken: list[bool]) -> bool:
    return any(taken[span.start : span.end])


def _mark(spans: Sequence[Span], length: int) -> list[bool]:
    taken = [False] * length
    for span in spans:
        for i in range(span.start, span.end):
            taken[i] = True
    return taken


def merge(
    rules: Sequence[Span],
    model: Sequence[tuple[Span, float]],
    strategy: str,
    make: Callable[[Span, str, float, str], Span],
) -> list[Span]:
    """The mentions of one Doc from the rules' ``rules`` and the model's ``(span, probability)``.

    ``make(span, label, confidence, source)`` builds a new mention span (the rules' own helper,
    so model mentions carry the same extensions). Returns the mentions sorted by position.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown merge strategy {strategy!r}; choose one of {', '.join(STRATEGIES)}")
    scores = {(s.start, s.end): p for s, p in model}
    for span in rules:
        if span._.kg_source == "model":  # chosen among the candidates
            span._.kg_found_by = "model"
            span._.kg_model_score = scores.get((span.start, span.end))
        else:
            span._.kg_found_by = "rules"
            span._.kg_model_score = None
    if strategy == "rules" or not model:
        return sorted(rules, key=lambda s: (s.start, s.end))
    by_tokens = {(s.start, s.end): s for s in rules if s._.kg_source != "model"}
    agreed: set[tuple[int, int]] = set()
    for span, score in model:
        rule = by_tokens.get((span.start, span.end))
        if rule is not None:
            rule._.kg_found_by = "both"
            rule._.kg_model_score = score
            rule._.kg_confidence = round(max(rule._.kg_confidence, score), 2)
            agreed.add((span.start, span.end))
    fresh = [(s, p) for s, p in model if (s.start, s.end) not in agreed]
    length = len(rules[0].doc) if rules else len(model[0][0].doc)
    if strategy == "candidates":
        return sorted(rules, key=lambda s: (s.start, s.end))
    if strategy == "union":
        kept_rules = list(rules)
        # one entity per thing: a model span inside a rule mention of its type adds nothing, nor one
        # inside a name the rules are sure of (a defined long form, a known name), whatever its type
        added = [(s, p) for s, p in fresh if not any(
            r.start <= s.start and s.end <= r.end and (r.label_ == s.label_ or r._.kg_source in STRONG_SOURCES)
            for r in rules)]
    elif strategy == "rules-first":
        kept_rules = list(rules)
        taken = _mark(kept_rules, length)
        added = [(s, p) for s, p in fresh if not _overlaps(s, taken)]
    elif strategy == "model-first":
        strong = [s for s in rules if s._.kg_source in STRONG_SOURCES or s._.kg_found_by == "both"]
        taken = _mark(strong, length)
        added = [(s, p) for s, p in fresh if not _overlaps(s, taken)]
        taken = _mark([*strong, *(s for s, _ in added)], length)
        strong_at = {(s.start, s.end) for s in strong}
        kept_rules = [*strong, *(s for s in rules if (s.start, s.end) not in strong_at and not _overlaps(s, taken))]
    else:  # "model"
        kept_rules = [s for s in rules if s._.kg_source in STRONG_SOURCES - {"name"} or s._.kg_found_by == "both"]
        taken = _mark(kept_rules, length)
        added = [(s, p) for s, p in fresh if not _overlaps(s, taken)]
    out = list(kept_rules)
    for span, score in added:
        new = make(span, span.label_, round(score, 2), "model")
        new._.kg_found_by = "model"
        new._.kg_model_score = score
        out.append(new)
    return sorted(out, key=lambda s: (s.start, s.end))
