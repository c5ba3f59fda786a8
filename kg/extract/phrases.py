"""The phrase rules: how one noun phrase (a noun chunk's conjunct, trimmed) becomes a candidate.

Each takes the phrase and the type its head word gives it (or None) and returns ``(span, type)``
or None; the first rule of the table's ``phrase`` stage that returns one decides
(:func:`kg.extract.candidates.phrase_candidates`). A phrase no rule takes is no candidate.
"""

from __future__ import annotations

from spacy.tokens import Span

from .registry import rule
from .shapes import _POSITIONAL, _describing_modifier, _title_case_name, is_name_like
from .wordlists import _cue

Found = tuple[Span, str] | None


def _task_headed(span: Span) -> bool:
    return span[-1].lemma_.lower() in {"task", "problem"} and len(span) > 1


def _untyped(span: Span, label: str | None) -> bool:
    """No type from the head word, and no "X task" either (its modifiers are the task's rule)."""
    return label is None and not _task_headed(span)


@rule("phrase-metric-context")
def metric_context(finder, span: Span, label: str | None) -> Found:
    if label in {None, "Task", "Method"} and finder._metric_context(span):
        return span, "Metric"
    return None


@rule("phrase-task-modifiers")
def task_modifiers(finder, span: Span, label: str | None) -> Found:
    if label is not None or not _task_headed(span):
        return None
    modifiers = finder.trim(span[:-1])
    if modifiers is None or not any(t.pos_ in {"NOUN", "PROPN"} or is_name_like(t.text) for t in modifiers):
        return None
    if modifiers.text.lower().endswith(_POSITIONAL) or _describing_modifier(modifiers):
        return None
    first = modifiers[0]
    named = (first.pos_ == "PROPN" or is_name_like(first.text) or first.is_title) and not first.is_sent_start
    return modifiers, "Dataset" if named else "Task"


@rule("phrase-task-context")
def task_context(finder, span: Span, label: str | None) -> Found:
    if _untyped(span, label) and finder._task_context(span) and len(span) > 1 and span[-1].pos_ in {"NOUN", "PROPN"}:
        return span, "Task"
    return None


@rule("phrase-dataset-context")
def dataset_context(finder, span: Span, label: str | None) -> Found:
    if _untyped(span, label) and all(t.pos_ == "PROPN" for t in span) and not span[0].is_sent_start and finder._dataset_context(span):
        return span, "Dataset"  # "constructed from the English Wikipedia"
    return None


@rule("phrase-title-case-method")
def title_case_method(finder, span: Span, label: str | None) -> Found:
    if _untyped(span, label) and _title_case_name(span) and span.root.head.lemma_.lower() in {
        "use", "via", "employ", "apply", "adopt", "with", "propose", "introduce"
    }:
        return span, "Method"  # "trained using Experience Replay", "by proposing Atrous Spatial Pyramid Pooling"
    return None


@rule("phrase-listed-with-named")
def listed_with_named(finder, span: Span, label: str | None) -> Found:
    if not _untyped(span, label) or len(span) < 2 or span[0].like_num or span[0].lower_.endswith("ed"):
        return None
    if not (finder._specific_modifiers(span) or span[0].lower_ in _cue("means_modifiers")) or not finder._listed_with_named(span):
        return None
    label = finder.type_phrase(span, strict=False)
    return (span, label) if label in {"Method", "Task"} else None  # "imitation learning and [adversarial training]"


@rule("phrase-score-on-benchmark")
def score_on_benchmark(finder, span: Span, label: str | None) -> Found:
    if label == "Metric" and len(span) == 2 and span[-1].lemma_.lower() == "score" and is_name_like(span[0].text) and not span[0].is_sent_start:
        return span[:1], "Dataset"  # "a RewardBench score of 85.15": the score on a benchmark
    return None


@rule("phrase-name-before-generic-head")
def name_before_generic_head(finder, span: Span, label: str | None) -> Found:
    if label is None or len(span) != 2 or span[-1].lemma_.lower() not in _cue("name_heads"):
        return None
    first = span[0]
    if is_name_like(first.text) or first.pos_ == "PROPN" and not (first.is_title and span[1].is_title):
        return span[:1], label  # "the Xception model" names Xception (not in Title Case: "A Hybrid Approach")
    return None


@rule("phrase-typed-by-head")
def typed_by_head(finder, span: Span, label: str | None) -> Found:
    return (span, label) if label is not None else None
