"""The nested rules: mentions inside or beside the chosen ones, kept although they overlap
("[Intrusion Detection] System", "a novel [RL] framework"), and the filter rule that drops a
description set beside a name. Each nested rule yields ``(start, end, type)``; the first rule to
find a span keeps it (:func:`nested_mentions`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from ..textnorm import canonical_key
from . import registry
from .candidates import DocState
from .registry import rule
from .resolve import Candidate
from .shapes import (
    _after_glued_hyphen,
    _by_means,
    _compound_word,
    _describes_a_name,
    _hyphen_words,
    _mention_span,
    is_name_like,
)
from .wordlists import _cue

Found = Iterator[tuple[int, int, str]]


@dataclass
class Nesting:
    """What a nested rule reads: the Doc's state, its chosen mentions and candidates, and the
    nested mentions found so far."""

    doc: Doc
    state: DocState
    chosen: list[Span]
    candidates: list[Candidate]
    nested: dict[tuple[int, int], Span]


def nested_mentions(finder, doc: Doc, state: DocState, chosen: list[Span], candidates: list[Candidate],
                    disabled: frozenset[str]) -> dict[tuple[int, int], Span]:
    """The nested mentions by their tokens, from the enabled nested rules in table order."""
    nesting = Nesting(doc, state, chosen, candidates, {})
    for row, fn in registry.stage("nested", disabled):
        for start, end, label in list(fn(finder, nesting)):
            nesting.nested.setdefault((start, end), _mention_span(doc, start, end, label, row.confidence, row.source, row.name))
    return nesting.nested


@rule("description-beside-name")
def drop_descriptions_of_names(finder, chosen: list[Span], model: list[tuple[Span, float]]) -> tuple[list[Span], list[tuple[Span, float]]]:
    named_at = {m.start for m in chosen if m._.kg_source != "phrase"}
    chosen = [m for m in chosen if not _describes_a_name(m, named_at)]
    model = [(span, score) for span, score in model if not _describes_a_name(span, named_at, "model")]
    return chosen, model


@rule("task-in-name")
def tasks_in_names(finder, nesting: Nesting) -> Found:
    # a chunk holding a container word names a task before it, also when the parse roots it
    # elsewhere: "[Video Captioning] Challenge 2020 Summary"
    containers = [*nesting.chosen, *(
        c for c in nesting.state.chunks if len(c) >= 3 and any(t.lemma_.lower() in _cue("task_containers") for t in c[1:])
    )]
    for span in _tasks_in_names(finder, containers):
        yield span.start, span.end, "Task"


@rule("name-inside-defined-name")
def names_inside_defined_names(finder, nesting: Nesting) -> Found:
    """A known name inside a defined name (or a task) is still mentioned: "Federated User
    [Representation Learning] (FURL)", "Temporal [Dropout] (TD)"."""
    for span, label, _, source, _ in nesting.candidates:
        if source == "lexicon" and label in {"Task", "Method"} and any(
            (label == "Task" or c._.kg_source in {"acronym-long", "described"}) and c.start <= span.start and span.end <= c.end and len(c) > len(span)
            for c in nesting.chosen
        ):
            yield span.start, span.end, label


@rule("name-in-short-form-base")
def names_in_short_form_bases(finder, nesting: Nesting) -> Found:
    """A coined name the short form is built on: "Clustering [InfoNCE] (Cl-InfoNCE)"."""
    short_of = nesting.state.short_of
    for span, label, _, source, _ in nesting.candidates:
        if source == "name" and label == "Method" and any(
            c.label_ == "Method" and span.text in short_of.get((c.start, c.end), "")
            and len(c) > len(span) and c.start <= span.start and span.end <= c.end
            for c in nesting.chosen
        ):
            yield span.start, span.end, label


@rule("name-in-new-description")
def names_in_new_descriptions(finder, nesting: Nesting) -> Found:
    """A name inside a new description is still mentioned, as used: "a novel [RL] framework"."""
    for span, label in nesting.state.set_aside:
        if any(c.start <= span.start and span.end <= c.end for c in nesting.chosen):
            yield span.start, span.end, label


@rule("name-qualifies-task-head")
def names_qualifying_task_heads(finder, nesting: Nesting) -> Found:
    """A name that qualifies a task head names a task with it: "[LLM alignment]", "[ImageNet classification]"."""
    for m in nesting.chosen:
        root = m.root
        head = root.head
        if (
            m.label_ in {"Method", "Dataset"} and m._.kg_source != "phrase" and root.dep_ == "compound"
            and head.i == m.end and head.pos_ == "NOUN" and head.lemma_.lower() in finder.head_types["Task"]
            and not _by_means(m)
        ):
            yield m.start, head.i + 1, "Task"


@rule("task-before-with")
def tasks_before_with(finder, nesting: Nesting) -> Found:
    """A name "X with Y" / "X via Y" says what it does before the preposition: "[Conditional Text
    Generation] with BERT (CG-BERT)"."""
    doc = nesting.doc
    for m in nesting.chosen:
        if m.label_ not in {"Task", "Method"} or m._.kg_source == "phrase" or len(m) < 4:
            continue
        cut = next((t.i for t in m[2:-1] if t.lower_ in {"with", "via", "using"}), None)
        task = doc[m.start : cut] if cut is not None else None
        if task is not None and finder.type_phrase(task) == "Task" and not _by_means(task):
            yield task.start, task.end, "Task"


@rule("task-gerund-in-compound")
def task_gerunds_in_compounds(finder, nesting: Nesting) -> Found:
    """A task gerund the tagger reads as a verb inside a noun compound: "min-cut [graph
    partitioning] algorithm" (not a weak head: "machine learning techniques")."""
    doc = nesting.doc
    task_heads = finder.head_types["Task"]
    for tok in doc[1:-1]:
        after = doc[tok.i + 1]
        if (
            tok.tag_ == "VBG" and tok.lower_ in task_heads and tok.lower_ not in finder.weak_heads and after.pos_ in {"NOUN", "PROPN"}
            and after.lemma_.lower() in _cue("task_containers") and _compound_word(doc[tok.i - 1], finder.evaluative)
        ):
            start = tok.i - 1
            while start - 1 >= 0 and _compound_word(doc[start - 1], finder.evaluative):
                start -= 1
            # kept for one commit, to prove the restructuring changes no output: the old code made this
            # span before the test, and a new Span over the same tokens overwrites the confidence an
            # equal mention already holds (spaCy keeps Span extension values per tokens and label)
            _mention_span(doc, start, tok.i + 1, "Task", 0.5)
            if not any(m.start <= start and tok.i < m.end and m.label_ == "Task" for m in nesting.chosen):
                yield start, tok.i + 1, "Task"


@rule("kind-core")
def kind_cores(finder, nesting: Nesting) -> Found:
    for core in _kind_cores(finder, [*nesting.chosen, *nesting.nested.values()]):
        yield core.start, core.end, core.label_


def _tasks_in_names(finder, mentions: list[Span]) -> list[Span]:
    """Tasks named inside a method or dataset name: "[Intrusion Detection] System",
    "German [Traffic Sign Recognition] Benchmark" (these overlap their container)."""
    nested = []
    task_heads = finder.head_types["Task"]
    for span in mentions:
        if span.label_ in {"Task", "Metric"} or len(span) < 3:
            continue
        for j in range(span.end - 2, span.start, -1):
            tok = span.doc[j]
            # "learning" is weak alone but names a paradigm inside a name: "[Federated Learning] framework"
            if tok.lemma_.lower() in task_heads and tok.pos_ in {"NOUN", "PROPN"} and (tok.lemma_.lower() not in finder.weak_heads or tok.lower_ == "learning"):
                # the task is the head with its noun compounds: "German [Traffic Sign Recognition] Benchmark"
                start = j
                while start - 1 >= span.start and _compound_word(span.doc[start - 1], finder.evaluative):
                    start -= 1
                trimmed = finder.trim(span.doc[start : j + 1])
                if (
                    trimmed is not None and len(trimmed) >= 2 and trimmed[0].pos_ in {"NOUN", "PROPN", "ADJ"}
                    and not _after_glued_hyphen(trimmed)
                    and finder._lexicon_at.get((span.doc, trimmed.start, trimmed.end)) in {None, "Task"}
                    and canonical_key(trimmed.text) not in finder.generic_phrases
                ):  # a known method ("Deep [Reinforcement Learning] techniques") keeps its type
                    start = trimmed.start
                    inner = _mention_span(span.doc, start, j + 1, "Task", 0.5)
                    nested.append(inner)
                break
    return nested


def _kind_cores(finder, mentions: list[Span]) -> list[Span]:
    """The task or method a describing adjective makes a kind of, in a capitalised name:
    "Automatic [License Plate Recognition]", "Deformable [Image Registration]",
    "Source-Conditioned [Instance Normalization]". Only the first word is dropped, not one of a
    run of adjectives ("Analytical Hierarchical Process"), and what is left must be a noun
    compound of two words or more that its head word still types; a method's head must say
    more than "network" or "model". Lowercase phrases keep their adjective: "fake news
    detection" is no kind of "news detection"."""
    cores = []
    for span in list(mentions):
        if span.label_ not in {"Task", "Method"} or span._.kg_source not in {"phrase", "acronym-long", "appositive", "described", "nested"}:
            continue
        words = _hyphen_words(span)
        if len(words) < 3 or not finder._describing_word(words[0]) or finder._describing_word(words[1]):
            continue
        if not all(w[0].text[:1].isupper() for w in words) or (span.doc, span.start, span.end) in finder._lexicon_at:
            continue  # a known name is fixed as a whole: "Named Entity Recognition"
        core = span.doc[words[1].start : span.end]
        if not all(t.pos_ in {"NOUN", "PROPN"} and t.is_alpha and not is_name_like(t.text) for t in core):
            continue
        if span.label_ == "Method" and (core[-1].lower_ in finder.weak_heads or core[-1].lemma_.lower() in finder.weak_heads | finder.generic):
            continue
        label = finder._lexicon_at.get((span.doc, core.start, core.end)) or finder.type_phrase(core, strict=False)
        if label != span.label_ or canonical_key(core.text) in finder.generic_phrases:
            continue
        inner = _mention_span(span.doc, core.start, core.end, label, 0.5)
        cores.append(inner)
    return cores
