"""The ``kg_acronyms`` and ``kg_mentions`` components: acronym definitions (:mod:`kg.acronyms`)
and typed mentions (Method, Task, Dataset, Metric) in ``doc.spans["kg_mentions"]``.

``kg_mentions`` runs the rule table's stages (:mod:`kg.extract.registry`): the candidate rules
(:mod:`~kg.extract.candidates`) and the phrase rules (:mod:`~kg.extract.phrases`) offer spans,
overlaps are resolved (:mod:`~kg.extract.resolve`), the filter and nested rules
(:mod:`~kg.extract.nesting`) follow, and the trained span model's spans are merged in
(:mod:`~kg.extract.merge`). Every mention records its rule in ``span._.kg_rule``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy
from spacy.language import Language
from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc, Span

from .. import acronyms
from . import merge as merging
from . import phrases  # noqa: F401  (registers the phrase rules)
from . import registry
from .candidates import DocState, phrase_candidates
from .kinds import Kinds
from .nesting import nested_mentions
from .registry import MODEL
from .resolve import Candidate, resolve
from .shapes import _before_parenthesis, _class_of_things, _glue, _mention_span, _split_coordination, is_name_like
from .spans import END_TAGS, KG_TYPES, SPANS_KEY, START_TAGS
from .wordlists import _cue, _cues, _heads

__all__ = ["MentionFinder", "is_name_like"]

# the sources whose names take hyphen-attached pieces: "M-BERT", "Tree-LSTM"
_GLUED = {"lexicon", "name", "acronym-use"}


@Language.factory("kg_acronyms")
def _make_acronyms(nlp: Language, name: str):
    def find(doc: Doc) -> Doc:
        acronyms.mark_definitions(doc)
        return doc

    return find


@Language.factory("kg_mentions", default_config={"merge": "rules", "min_score": 0.5, "disabled_rules": []})
def _make_mentions(nlp: Language, name: str, merge: str, min_score: float, disabled_rules: list[str]) -> "MentionFinder":
    return MentionFinder(nlp.vocab, merge=merge, min_score=min_score, disabled=disabled_rules)


class MentionFinder(Kinds):
    """Types candidate spans as Method, Task, Dataset or Metric into ``doc.spans["kg_mentions"]``.

    ``disabled``: names of rules (``kg/patterns/rules.json``) not to run.
    """

    def __init__(self, vocab=None, merge: str = "rules", min_score: float = 0.5, disabled: Sequence[str] = ()) -> None:
        if merge not in merging.STRATEGIES:
            raise ValueError(f"unknown merge strategy {merge!r}; choose one of {', '.join(merging.STRATEGIES)}")
        super().__init__()
        self.merge = merge
        self.min_score = min_score
        self.disabled = registry.check_names(disabled)
        self.appositions = None
        self.proposals = None
        self.title_runs = None
        self.task_clause_starts = None
        self.means = tuple(_cues()["means_suffixes"])
        if vocab is not None:
            self._add_matchers(vocab)

    def _add_matchers(self, vocab) -> None:
        self.appositions = DependencyMatcher(vocab)
        self.appositions.add("NAMED_BY_APPOSITION", [_cues()["apposition_pattern"]])
        self.proposals = Matcher(vocab)
        self.proposals.add("PROPOSED_DESCRIPTION", _cues()["proposal_description_pattern"])
        # a Title Case run ending in a task head word: "Spoken Language Understanding"
        self.title_runs = Matcher(vocab)
        self.title_runs.add("TITLE_CASE_TASK", [[
            {"IS_TITLE": True, "OP": "{1,4}"},
            {"IS_TITLE": True, "LOWER": {"IN": sorted(set(_heads()["Task"]) - {"learning"})}},
        ]])
        # "the problem of [mapping English sentences to Bash commands]"
        self.task_clause_starts = Matcher(vocab)
        self.task_clause_starts.add("TASK_OF_GERUND", [[
            {"LEMMA": {"IN": sorted(_cue("task_kinds"))}}, {"LOWER": "of"}, {"TAG": "VBG"},
        ]])

    def __call__(self, doc: Doc) -> Doc:
        self._lexicon_at = {(doc, s.start, s.end): s.label_ for s in doc.spans.get("kg_lexicon", [])}
        state = DocState(self, doc)
        candidates: list[Candidate] = []
        for row, fn in registry.stage("candidates", self.disabled):
            candidates.extend(Candidate(span, label, row.confidence, row.source, row.name) for span, label in fn(self, doc, state))
        candidates.extend(phrase_candidates(self, doc, state, self.disabled))
        candidates = [c._replace(span=_glue(c.span, variants=c.source == "acronym-use")) if c.source in _GLUED else c for c in candidates]
        model = self.model_spans(doc)
        if self.merge == "candidates":  # the model's spans compete with the rules' own candidates
            candidates.extend(Candidate(span, span.label_, round(score, 2), "model", MODEL) for span, score in model)
        chosen = resolve(self, doc, candidates)
        for _, fn in registry.stage("filter", self.disabled):
            chosen, model = fn(self, chosen, model)
        nested = nested_mentions(self, doc, state, chosen, candidates, self.disabled)
        taken = {(m.start, m.end) for m in chosen}
        found = sorted([*chosen, *(n for k, n in nested.items() if k not in taken)], key=lambda m: m.start)
        doc.spans["kg_mentions"] = merging.merge(found, model, self.merge, self._model_mention)
        return doc

    def model_spans(self, doc: Doc) -> list[tuple[Span, float]]:
        """The span model's spans of kg's types (``doc.spans["kg_model"]``) with their
        probabilities, at least ``min_score``, put in kg's conventions the rules keep too
        (``eval/README.md``): a definition's parenthesis cut off ("recurrent neural networks
        (RNNs)" names the long form; the acronym pair is the rules'), coordinations split, articles
        and "novel" trimmed, generic phrases ("the proposed method"), plural descriptions of a class
        of methods ("gradient estimation strategies") and a name's generic head ("Llama 3 model")
        left out, and a Dataset only when it is a name (kg's datasets are named resources;
        SciERC's Material, which the model learnt them from, is any data: "images")."""
        group = doc.spans.get(SPANS_KEY)
        if not group or self.merge == "rules":
            return []
        scores = group.attrs.get("scores")
        scores = [] if scores is None else [float(x) for x in numpy.asarray(scores).reshape(-1)]
        out = []
        for i, found in enumerate(group):
            score = scores[i] if i < len(scores) else 1.0
            if found.label_ not in KG_TYPES or score < self.min_score:
                continue
            whole = _before_parenthesis(found)
            for piece in _split_coordination(whole) if whole is not None else ():
                span = self._model_piece(piece, found.label_)
                if span is not None:
                    out.append((span, score))
        return out

    def _model_piece(self, piece: Span, label: str) -> Span | None:
        """One conjunct of a model span in kg's conventions, or None (see :meth:`model_spans`)."""
        doc = piece.doc
        trimmed = self.trim(piece, keep_generic_tail=True)
        if trimmed is None or self._generic(trimmed) or all(
            t.is_punct or t.lower_ in self.generic or t.lower_ in self.dropped or t.lower_ in self.evaluative for t in trimmed
        ):
            return None
        span = Span(doc, trimmed.start, trimmed.end, label=label)
        if span[0].tag_ not in START_TAGS or span[-1].tag_ not in END_TAGS:
            return None  # a piece of a split coordination that is no noun phrase: "discrete" (and continuous ...)
        title_case = all(t.is_title for t in span)  # where "A Hybrid Approach" names no "Hybrid"
        if len(span) >= 2 and span[-1].lemma_.lower() in _cue("name_heads") and all(
            is_name_like(t.text) or (t.pos_ == "PROPN" and not title_case) or t.like_num or t.text == "-" for t in span[:-1]
        ):
            span = Span(doc, span.start, span.end - 1, label=label)  # "MBRL methods", "Llama 3 model"
        if label == "Method" and _class_of_things(span):
            return None
        if label == "Dataset" and not (
            any(is_name_like(t.text) or t.like_num or (t.is_title and not t.is_sent_start) for t in span)
            or (doc, span.start, span.end) in self._lexicon_at
        ):
            return None
        return span

    @staticmethod
    def _model_mention(span: Span, label: str, confidence: float, source: str) -> Span:
        return _mention_span(span.doc, span.start, span.end, label, confidence, source, MODEL if source == "model" else "")
