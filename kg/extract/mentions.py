"""The ``kg_acronyms`` and ``kg_mentions`` components: acronym definitions and typed candidate
mentions (Method, Task, Dataset, Metric), written to ``doc.spans``."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

import numpy
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc, Span

from .. import acronyms
from ..textnorm import canonical_key, singular

from . import merge as merging
from .spans import END_TAGS, KG_TYPES, SPANS_KEY, START_TAGS
from .wordlists import _cue, _cues, _heads

@Language.factory("kg_acronyms")
def _make_acronyms(nlp: Language, name: str) -> "AcronymDetector":
    return AcronymDetector()


class AcronymDetector:
    """Finds ``long form (SF)`` and ``SF (long form)`` definitions.

    Writes ``doc.spans["kg_long_forms"]`` and ``doc.spans["kg_short_forms"]``, aligned by index,
    and ``doc.spans["kg_short_form_uses"]``: every later use of a defined short form.
    """

    def __call__(self, doc: Doc) -> Doc:
        longs: list[Span] = []
        shorts: list[Span] = []
        for open_tok in doc:
            if open_tok.text != "(":
                continue
            close = _closing_paren(doc, open_tok.i)
            if close is None or close - open_tok.i > 4 or close == open_tok.i + 1:
                continue
            inner = doc[open_tok.i + 1 : close]
            sent_start = open_tok.sent.start
            # a LaTeX non-breaking space before the parenthesis is no word: "segmentation~(VOS)"
            end = open_tok.i - 1 if open_tok.i > sent_start and doc[open_tok.i - 1].text == "~" else open_tok.i
            if acronyms.is_short_form_candidate(inner.text):
                words = [t.text for t in doc[max(sent_start, end - 14) : end]]
                n = acronyms.best_long_form(inner.text, words)
                if n:
                    long_span = doc[end - n : end]
                    longs.append(long_span)
                    shorts.append(inner)
                    continue
                if _elided_long_form(doc, end, inner.text, longs, shorts):
                    longs.append(doc[end - 1 : end])  # "Sign Language Recognition (SLR) and [Translation] (SLT)"
                    shorts.append(inner)
                    continue
            # reversed: SF (long form)
            if open_tok.i > sent_start and acronyms.is_short_form_candidate(doc[open_tok.i - 1].text):
                short_tok = doc[open_tok.i - 1]
                words = [t.text for t in inner]
                n = acronyms.best_long_form(short_tok.text, words)
                if n == len(words):
                    longs.append(inner)
                    shorts.append(doc[short_tok.i : short_tok.i + 1])
        doc.spans["kg_long_forms"] = longs
        doc.spans["kg_short_forms"] = shorts
        defined = {s.text for s in shorts}
        defining = {(s.start, s.end) for s in shorts}
        doc.spans["kg_short_form_uses"] = [
            doc[t.i : t.i + 1] for t in doc if t.text in defined and (t.i, t.i + 1) not in defining
        ]
        return doc


def _mention_span(doc: Doc, start: int, end: int, label: str, confidence: float, source: str = "nested") -> Span:
    """A candidate mention: the span with its type as label and its confidence and source set
    (``nested``: found inside another mention, which it overlaps)."""
    span = Span(doc, start, end, label=label)
    span._.kg_confidence = confidence
    span._.kg_source = source
    return span


def _before_parenthesis(span: Span) -> Span | None:
    """``span`` without a parenthesis it ends in ("Dynamic Time Warping (DTW)" -> "Dynamic Time
    Warping"); None when nothing is left or it starts inside one."""
    if span[0].text in {"(", ")"}:
        return None
    cut = next((t.i for t in span if t.text == "("), None)
    if cut is None:
        return span
    if cut == span.start:
        return None
    return Span(span.doc, span.start, cut, label=span.label_)


def _elided_long_form(doc: Doc, end: int, short: str, longs: list[Span], shorts: list[Span]) -> bool:
    """Whether the one word before ``end`` is the head of a long form whose modifiers are shared
    with the long form defined just before it: "Sign Language Recognition (SLR) and Translation
    (SLT)" defines SLT as Sign Language Translation, written once as "Translation"."""
    if not longs or end < 4 or not doc[end - 1].is_alpha or doc[end - 2].lower_ not in {"and", "or"}:
        return False
    previous_long, previous_short = longs[-1], shorts[-1]
    if doc[end - 3].text != ")" or previous_short.end != end - 3 or len(previous_long) < 2:
        return False
    words = [t.text for t in previous_long[:-1]] + [doc[end - 1].text]
    return acronyms.best_long_form(short, words) == len(words)


def _closing_paren(doc: Doc, start: int) -> int | None:
    for tok in doc[start + 1 : start + 8]:
        if tok.text == ")":
            return tok.i
        if tok.text == "(":
            return None
    return None



# code identifiers: "get_info_api", "genjax.vi"


_IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(?:[._][a-z0-9]+)*_[a-z0-9]+(?:[._][a-z0-9]+)*$|^[a-z][a-z0-9]{2,}\.[a-z][a-z0-9]*$")


_NAME_SHAPE = re.compile(r"^(?=.*[A-Za-z])(?:[A-Z0-9][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9]*|[A-Za-z]+[0-9][A-Za-z0-9.]*|[a-z]+[A-Z][A-Za-z0-9]*)$")
# "250k", "7B", "2D", "3rd", "10x": quantities, not names


_QUANTITY = re.compile(r"^\d+(?:[.,]\d+)?(?:[kKmMbBtTdDxX%]|st|nd|rd|th|px)?$")


@lru_cache(maxsize=1 << 16)  # asked of every token of every candidate: a few hundred times a paper
def is_name_like(text: str) -> bool:
    """Whether a token looks like a coined name: ``F2SA``, ``GFlowNets``, ``LLaMA``, ``GPT-4o``, ``YOLOv10``.

    >>> [is_name_like(w) for w in ["F2SA", "GFlowNets", "LLaMA", "YOLOv10", "Method", "IT", "the", "2023", "250k", "7B"]]
    [True, True, True, True, False, True, False, False, False, False]
    >>> [is_name_like(w) for w in ["get_info_api", "genjax.vi", "e.g.", "i.e", "etc."]]
    [True, True, False, False, False]
    """
    if _QUANTITY.match(text):
        return False
    if _IDENTIFIER.match(text):
        return True
    parts = [p for p in re.split(r"[-/+]", text) if p]
    return any(_NAME_SHAPE.match(p) and not _QUANTITY.match(p) for p in parts) and not text.isdigit()


_DATASET_NAME = re.compile(r"(?i)(bench|benchmark|dataset|corpus|arena|gym|world|suite|-?qa|leaderboard)(?:-?v?\d{1,2})?$")
# adjective endings that name a kind of thing ("spectral", "adversarial"), not praise or size


_SUFFIX_TECHNICAL = ("al", "ic", "ive", "ous", "ar", "ary", "ed")
# hyphen compounds that place or size a thing rather than name it: "upper-level", "first-order"


_POSITIONAL = ("-level", "-order", "-scale", "-grained", "-wise", "-stage", "-step", "-time")


@Language.factory("kg_mentions", default_config={"merge": "rules", "min_score": 0.5})
def _make_mentions(nlp: Language, name: str, merge: str, min_score: float) -> "MentionFinder":
    return MentionFinder(nlp.vocab, merge=merge, min_score=min_score)


class MentionFinder:
    """Types candidate spans as Method, Task, Dataset or Metric into ``doc.spans["kg_mentions"]``.

    Sources, strongest first: the lexicon ruler, acronym definitions, coined names
    (``is_name_like``), and noun phrases whose head noun types them (``heads.json``).
    Overlaps are resolved longest-first with the stronger source winning ties.
    """

    def __init__(self, vocab=None, merge: str = "rules", min_score: float = 0.5) -> None:
        if merge not in merging.STRATEGIES:
            raise ValueError(f"unknown merge strategy {merge!r}; choose one of {', '.join(merging.STRATEGIES)}")
        self.merge = merge
        self.min_score = min_score
        heads = _heads()
        self.appositions = None
        self.proposals = None
        self.title_runs = None
        self.task_clause_starts = None
        self._lexicon_at: dict = {}
        self.means = tuple(_cues()["means_suffixes"])
        if vocab is not None:
            self.appositions = DependencyMatcher(vocab)
            self.appositions.add("NAMED_BY_APPOSITION", [_cues()["apposition_pattern"]])
            self.proposals = Matcher(vocab)
            self.proposals.add("PROPOSED_DESCRIPTION", _cues()["proposal_description_pattern"])
            # a Title Case run ending in a task head word: "Spoken Language Understanding"
            self.title_runs = Matcher(vocab)
            self.title_runs.add("TITLE_CASE_TASK", [[
                {"IS_TITLE": True, "OP": "{1,4}"},
                {"IS_TITLE": True, "LOWER": {"IN": sorted(set(heads["Task"]) - {"learning"})}},
            ]])
            # "the problem of [mapping English sentences to Bash commands]"
            self.task_clause_starts = Matcher(vocab)
            self.task_clause_starts.add("TASK_OF_GERUND", [[
                {"LEMMA": {"IN": sorted(_cue("task_kinds"))}}, {"LOWER": "of"}, {"TAG": "VBG"},
            ]])
        self.head_types = {t: set(heads[t]) for t in ("Method", "Task", "Dataset", "Metric")}
        self.generic = set(heads["generic"])
        self.dropped = set(heads["modifiers_dropped"])
        self.evaluative = set(heads["evaluative"])
        self.weak_heads = set(heads["weak_heads"])
        self.generic_phrases = {canonical_key(p) for p in heads["generic_phrases"]}
        self.adjective_endings = tuple(heads["adjective_endings"])
        self.adjective_shaped_nouns = set(heads["adjective_shaped_nouns"])

    def __call__(self, doc: Doc) -> Doc:
        self._lexicon_at = {(doc, s.start, s.end): s.label_ for s in doc.spans.get("kg_lexicon", [])}
        candidates: list[tuple[Span, str, float, str]] = []
        set_aside: list[tuple[Span, str]] = []
        for span in doc.spans.get("kg_lexicon", []):
            if _negated_compound(span):
                continue
            if _inside_new_description(span):
                set_aside.append((span, span.label_))
            else:
                candidates.append((span, span.label_, 0.9, "lexicon"))
        lexicon_types = {span.text.lower(): span.label_ for span in doc.spans.get("kg_lexicon", [])}
        defined: dict[str, str] = {}
        short_of: dict[tuple[int, int], str] = {}
        previous: tuple[Span, str] | None = None
        for long_span, short_span in zip(doc.spans.get("kg_long_forms", []), doc.spans.get("kg_short_forms", [])):
            trimmed = self.trim(long_span, keep_generic_tail=True)
            if trimmed is None or short_span.text in _cue("not_names"):
                continue
            label = (
                lexicon_types.get(short_span.text.lower())
                or lexicon_types.get(trimmed.text.lower())
                or _said_to_be(long_span)
                or self.type_phrase(trimmed, strict=False)
                # "Hierarchical Constraint Satisfaction Problems (HCSPs)": a kind of problem is a task
                or ("Task" if len(trimmed) > 1 and singular(trimmed[-1].lower_) in _cue("task_kinds") else None)
                or _listed_with(previous, long_span)
                or self.type_name(short_span)
            )
            previous = (short_span, label)
            defined[short_span.text] = label
            candidates.append((trimmed, label, 0.85, "acronym-long"))
            short_of[(trimmed.start, trimmed.end)] = short_span.text
            candidates.append((short_span, label, 0.85, "acronym-short"))
        for use in doc.spans.get("kg_short_form_uses", []):
            label = defined.get(use.text)
            if label and _inside_new_description(use):
                set_aside.append((use, label))  # "a novel three-layer [HRL] algorithm" is one new thing
            elif label:
                candidates.append((use, label, 0.8, "acronym-use"))
        candidates.extend(self.appositive_names(doc))
        candidates.extend(self.proposed_descriptions(doc))
        candidates.extend(
            (c[0], _prefixed_form_type(c[0].text, defined) or c[1], *c[2:])
            for c in self.names(doc)  # a known name inside "a novel ... algorithm" is set aside above
            if not ((c[0].text in defined or c[0].text.lower() in lexicon_types) and _inside_new_description(c[0]))
        )
        candidates.extend(self.hyphen_names(doc))
        candidates.extend(self.title_case_tasks(doc))
        candidates.extend(self.task_clauses(doc))
        chunks = list(doc.noun_chunks)  # the chunk iterator walks the parse: once per Doc
        candidates.extend(self.noun_phrases(doc, chunks))
        candidates = [
            (_glue(c[0], variants=c[3] == "acronym-use") if c[3] in {"lexicon", "name", "acronym-use"} else c[0], *c[1:])
            for c in candidates
        ]
        model = self.model_spans(doc)
        if self.merge == "candidates":  # the model's spans compete with the rules' own candidates
            candidates.extend((span, span.label_, round(score, 2), "model") for span, score in model)
        chosen = self.resolve(doc, candidates)
        named_at = {m.start for m in chosen if m._.kg_source != "phrase"}
        chosen = [m for m in chosen if not _describes_a_name(m, named_at)]
        model = [(span, score) for span, score in model if not _describes_a_name(span, named_at, "model")]
        # a chunk holding a container word names a task before it, also when the parse roots it
        # elsewhere: "[Video Captioning] Challenge 2020 Summary"
        containers = [*chosen, *(c for c in chunks if len(c) >= 3 and any(t.lemma_.lower() in _cue("task_containers") for t in c[1:]))]
        nested = {(n.start, n.end): n for n in self.nested_tasks(containers)}
        # a known name inside a defined name is still mentioned: "Federated User [Representation
        # Learning] (FURL)", "Temporal [Dropout] (TD)"
        for span, label, confidence, source in candidates:
            if source == "lexicon" and label in {"Task", "Method"} and any(
                (label == "Task" or c._.kg_source in {"acronym-long", "described"}) and c.start <= span.start and span.end <= c.end and len(c) > len(span)
                for c in chosen
            ):
                inner = _mention_span(doc, span.start, span.end, label, 0.6)
                nested.setdefault((span.start, span.end), inner)
            elif source == "name" and label == "Method" and any(
                c.label_ == "Method" and span.text in short_of.get((c.start, c.end), "")
                and len(c) > len(span) and c.start <= span.start and span.end <= c.end
                for c in chosen
            ):  # a coined name the short form is built on: "Clustering [InfoNCE] (Cl-InfoNCE)"
                inner = _mention_span(doc, span.start, span.end, label, 0.6)
                nested.setdefault((span.start, span.end), inner)
        # a name inside a new description is still mentioned, as used: "a novel [RL] framework"
        for span, label in set_aside:
            if any(c.start <= span.start and span.end <= c.end for c in chosen):
                inner = _mention_span(doc, span.start, span.end, label, 0.6)
                nested.setdefault((span.start, span.end), inner)
        # a name that qualifies a task head names a task with it: "[LLM alignment]", "[ImageNet classification]"
        for m in chosen:
            root = m.root
            head = root.head
            if (
                m.label_ in {"Method", "Dataset"} and m._.kg_source != "phrase" and root.dep_ == "compound"
                and head.i == m.end and head.pos_ == "NOUN" and head.lemma_.lower() in self.head_types["Task"]
                and not _by_means(m)
            ):
                task = _mention_span(doc, m.start, head.i + 1, "Task", 0.55)
                nested.setdefault((task.start, task.end), task)
        # a name "X with Y" / "X via Y" says what it does before the preposition: "[Conditional Text
        # Generation] with BERT (CG-BERT)"
        for m in chosen:
            if m.label_ not in {"Task", "Method"} or m._.kg_source == "phrase" or len(m) < 4:
                continue
            cut = next((t.i for t in m[2:-1] if t.lower_ in {"with", "via", "using"}), None)
            task = doc[m.start : cut] if cut is not None else None
            if task is not None and self.type_phrase(task) == "Task" and not _by_means(task):
                inner = _mention_span(doc, task.start, task.end, "Task", 0.5)
                nested.setdefault((task.start, task.end), inner)
        # a task gerund the tagger reads as a verb inside a noun compound: "min-cut [graph
        # partitioning] algorithm" (not a weak head: "machine learning techniques")
        task_heads = self.head_types["Task"]
        for tok in doc[1:-1]:
            after = doc[tok.i + 1]
            if (
                tok.tag_ == "VBG" and tok.lower_ in task_heads and tok.lower_ not in self.weak_heads and after.pos_ in {"NOUN", "PROPN"}
                and after.lemma_.lower() in _cue("task_containers") and _compound_word(doc[tok.i - 1], self.evaluative)
            ):
                start = tok.i - 1
                while start - 1 >= 0 and _compound_word(doc[start - 1], self.evaluative):
                    start -= 1
                inner = _mention_span(doc, start, tok.i + 1, "Task", 0.5)
                if not any(m.start <= start and tok.i < m.end and m.label_ == "Task" for m in chosen):
                    nested.setdefault((inner.start, inner.end), inner)
        for core in self.kind_cores([*chosen, *nested.values()]):
            nested.setdefault((core.start, core.end), core)
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
        return _mention_span(span.doc, span.start, span.end, label, confidence, source)

    def nested_tasks(self, mentions: list[Span]) -> list[Span]:
        """Tasks named inside a method or dataset name: "[Intrusion Detection] System",
        "German [Traffic Sign Recognition] Benchmark" (these overlap their container)."""
        nested = []
        task_heads = self.head_types["Task"]
        for span in mentions:
            if span.label_ in {"Task", "Metric"} or len(span) < 3:
                continue
            for j in range(span.end - 2, span.start, -1):
                tok = span.doc[j]
                # "learning" is weak alone but names a paradigm inside a name: "[Federated Learning] framework"
                if tok.lemma_.lower() in task_heads and tok.pos_ in {"NOUN", "PROPN"} and (tok.lemma_.lower() not in self.weak_heads or tok.lower_ == "learning"):
                    # the task is the head with its noun compounds: "German [Traffic Sign Recognition] Benchmark"
                    start = j
                    while start - 1 >= span.start and _compound_word(span.doc[start - 1], self.evaluative):
                        start -= 1
                    trimmed = self.trim(span.doc[start : j + 1])
                    if (
                        trimmed is not None and len(trimmed) >= 2 and trimmed[0].pos_ in {"NOUN", "PROPN", "ADJ"}
                        and not _after_glued_hyphen(trimmed)
                        and self._lexicon_at.get((span.doc, trimmed.start, trimmed.end)) in {None, "Task"}
                        and canonical_key(trimmed.text) not in self.generic_phrases
                    ):  # a known method ("Deep [Reinforcement Learning] techniques") keeps its type
                        start = trimmed.start
                        inner = _mention_span(span.doc, start, j + 1, "Task", 0.5)
                        nested.append(inner)
                    break
        return nested

    def kind_cores(self, mentions: list[Span]) -> list[Span]:
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
            if len(words) < 3 or not self._describing_word(words[0]) or self._describing_word(words[1]):
                continue
            if not all(w[0].text[:1].isupper() for w in words) or (span.doc, span.start, span.end) in self._lexicon_at:
                continue  # a known name is fixed as a whole: "Named Entity Recognition"
            core = span.doc[words[1].start : span.end]
            if not all(t.pos_ in {"NOUN", "PROPN"} and t.is_alpha and not is_name_like(t.text) for t in core):
                continue
            if span.label_ == "Method" and (core[-1].lower_ in self.weak_heads or core[-1].lemma_.lower() in self.weak_heads | self.generic):
                continue
            label = self._lexicon_at.get((span.doc, core.start, core.end)) or self.type_phrase(core, strict=False)
            if label != span.label_ or canonical_key(core.text) in self.generic_phrases:
                continue
            inner = _mention_span(span.doc, core.start, core.end, label, 0.5)
            cores.append(inner)
        return cores

    def _describing_word(self, word: Span) -> bool:
        """An adjective or participle that says which kind ("automatic", "source-conditioned"), also
        where Title Case makes the tagger read it as a proper noun ("Multilingual", "Acoustic")."""
        last = word[-1]
        low = last.lower_
        if not last.is_alpha or low in self.adjective_shaped_nouns:
            return False
        if len(word) > 1:
            return last.tag_ in {"VBN", "VBG", "JJ"} or low.endswith(_DESCRIBING_TAILS)
        if last.pos_ == "ADJ" or last.tag_ == "VBN":
            return True
        return last.pos_ == "PROPN" and last.is_title and low.endswith(self.adjective_endings)

    # -- candidate sources ------------------------------------------------------------------

    def appositive_names(self, doc: Doc) -> Iterator[tuple[Span, str, float, str]]:
        """The name an appositive gives a new generic thing: "a new framework, [reinforcement learning
        with relative feedback], and ...", "a novel objective, [Performance Difference via Advantage
        in Model], to ...", "novel strategies: (1) [flexible segment partition]; ...". The whole
        appositive is the name, prepositions included, up to the next comma, parenthesis or clause."""
        if self.appositions is None:
            return
        for _, (head_i, _novelty, name_i) in self.appositions(doc):
            head, name = doc[head_i], doc[name_i]
            label = next((t for t in ("Dataset", "Task", "Method") if head.lemma_.lower() in self.head_types[t]), "Method")
            start = name.left_edge.i
            while start < name.i and (doc[start].is_punct or doc[start].pos_ in {"NUM", "X", "DET"}):
                start += 1
            end = name.i + 1
            for tok in doc[name.i + 1 : name.right_edge.i + 1]:
                if tok.text in {",", ";", "(", ":", ")"} or tok.dep_ in {"relcl", "acl", "cc", "conj"} or tok.pos_ == "VERB":
                    break
                end = tok.i + 1
            span = doc[start:end]
            if not 2 <= len(span) <= 7 or span[0].pos_ not in {"NOUN", "PROPN", "ADJ"} or is_name_like(span[0].text):
                continue  # a coined name is found as a name already
            if any(lf.start < end and start < lf.end for lf in doc.spans.get("kg_long_forms", [])):
                continue  # "a novel framework, Unified Reward & Policy Optimization (URPO)": the acronym names it
            yield span, label, 0.6, "appositive"

    def proposed_descriptions(self, doc: Doc) -> Iterator[tuple[Span, str, float, str]]:
        """What "we propose" names with a description rather than a name: "we also propose a
        [retroactive goal relabeling scheme]", "we propose a [multi-trace objective]". The run of
        adjectives, nouns and participles after the verb must end in a Method head word (the
        phrase's end, not a noun before it) and keep a specific modifier once praise is trimmed, so
        "we propose a simple yet effective method" gives nothing. The parse of such runs is often
        wrong ("relabeling" read as a verb), so this reads the tags, not the tree."""
        if self.proposals is None:
            return
        heads = _cue("proposal_description_heads")
        best: dict[int, Span] = {}
        for _, start, end in self.proposals(doc):
            verb = doc[start]
            last = doc[end - 1]
            if last.lemma_.lower() not in heads or last.tag_ not in {"NN", "NNS"}:
                continue
            if end < len(doc) and doc[end].tag_ in {"NN", "NNS", "NNP", "NNPS", "HYPH"}:
                continue  # the head word is inside a longer run
            if end - start > len(best.get(start, ())) + 1 or start not in best:
                best[start] = doc[start + 1 : end]
        for start, run in best.items():
            verb = doc[start]
            if not _subject_is_us(verb):
                continue
            trimmed = self.trim(run)
            if trimmed is None or len(trimmed) < 2 or trimmed[-1].i != run[-1].i:
                continue
            if trimmed[0].lower_ in _cue("activity_gerunds"):
                continue  # "we propose training reward models": a way of training, not a thing
            if any(is_name_like(t.text) and t.i == trimmed.start for t in trimmed[:1]) and len(trimmed) == 2:
                continue  # "the SSO algorithm" names SSO, found as a name
            coined = any(  # a hyphen compound says what kind: "multi-trace objective"
                len(w) > 1 and not w.text.lower().endswith(_POSITIONAL) and w.text.lower() not in self.evaluative | self.dropped
                for w in _hyphen_words(trimmed[:-1])
            )
            if canonical_key(trimmed.text) in self.generic_phrases or not (coined or self._specific_modifiers(trimmed)):
                continue
            yield trimmed, "Method", 0.6, "described"

    def names(self, doc: Doc) -> Iterator[tuple[Span, str, float, str]]:
        """Coined-name tokens glued to attached pieces: ``GPT-4o``, ``BrowseComp-Plus``, ``Qwen2.5-7B``."""
        i = 0
        while i < len(doc):
            tok = doc[i]
            if not is_name_like(tok.text) or tok.text in _cue("not_names") or tok.like_url or tok.like_email:
                i += 1
                continue
            start, end = i, i + 1
            # glue an attached prefix: "A-PARL", "u-PMLM"
            if i >= 2 and doc[i - 1].text == "-" and doc[i - 1].whitespace_ == "" and doc[i - 2].whitespace_ == "" and doc[i - 2].text.isalnum():
                start = i - 2
            while end < len(doc) and doc[end - 1].whitespace_ == "":
                nxt = doc[end]
                if nxt.text in {"-", ".", "+", "/"} and nxt.whitespace_ == "" and end + 1 < len(doc) and doc[end + 1].text[:1].isalnum():
                    end += 2
                elif nxt.text[:1].isalnum():
                    end += 1
                else:
                    break
            span = doc[start:end]
            yield span, self.type_name(span), 0.7, "name"
            i = end

    def hyphen_names(self, doc: Doc) -> Iterator[tuple[Span, str, float, str]]:
        """Capitalised hyphen compounds inside a sentence: "Meta-Explore", "Open-Reasoner" (not in
        a Title Case run, where every word is capitalised)."""
        for dash in doc:
            i = dash.i - 1
            if dash.text != "-" or i < 1 or dash.i + 1 >= len(doc):
                continue
            a, b = doc[i], doc[dash.i + 1]
            if not (a.whitespace_ == "" and dash.whitespace_ == ""):
                continue
            if not (a.text[:1].isupper() and b.text[:1].isupper() and a.is_alpha and b.is_alpha):
                continue
            if a.is_sent_start or doc[i - 1].is_title or (i + 3 < len(doc) and doc[i + 3].is_title):
                continue
            span = doc[i : i + 3]
            yield span, self.type_name(span), 0.65, "name"

    def title_case_tasks(self, doc: Doc) -> Iterator[tuple[Span, str, float, str]]:
        """A run of capitalised words inside a sentence that ends in a task head names a task, also
        where the parse puts it in no noun chunk: "on the task of [Reading Comprehension] based
        Question Answering", "to perform [Spoken Language Understanding] onmicroprocessors". The run
        must be whole (no capitalised word on either side, but for a container word after it, as in
        "a Classifier based [Text Simplification] Model forEnglish-Hindi ...") and start after the
        sentence's first word."""
        if self.title_runs is None:
            return
        for _, start, end in self.title_runs(doc):
            if doc[start].is_sent_start or doc[start - 1].is_title:
                continue
            if end < len(doc) and doc[end].is_title and (
                singular(doc[end].lower_) not in _cue("task_containers") or (end + 1 < len(doc) and doc[end + 1].is_title)
            ):
                continue
            span = doc[start:end]
            if any(t.is_sent_start for t in span) or not all(t.pos_ in {"NOUN", "PROPN", "ADJ"} for t in span):
                continue
            if _after_glued_hyphen(span) or (end < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_):
                continue  # part of a hyphen compound: "Goal-[Driven Web Navigation]"
            if end >= span.sent.end or not any(t.is_lower and t.is_alpha and not t.is_stop for t in span.sent):
                continue  # a title capitalises every word, and its last run names the paper's own thing
            after = end + 3 if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")" else end
            if after > end and after < len(doc) and doc[after].lemma_.lower() in _cue("name_heads"):
                continue  # "Ranking Preference Optimization (IRPO) framework" names a method
            yield span, "Task", 0.55, "phrase"

    def task_clauses(self, doc: Doc) -> Iterator[tuple[Span, str, float, str]]:
        """A task said as a clause after "the task / problem of": "the problem of [mapping English
        sentences to Bash commands] (NL2Bash)". The gerund and what it governs, up to punctuation,
        a parenthesis or a relative clause; two to ten words."""
        if self.task_clause_starts is None:
            return
        for _, start, end in self.task_clause_starts(doc):
            verb = doc[end - 1]
            stop = verb.right_edge.i + 1
            for tok in doc[verb.i + 1 : stop]:
                if tok.is_punct and tok.text != "-" or tok.tag_ in {"WDT", "WP", "WRB"}:
                    stop = tok.i
                    break
            span = doc[verb.i : stop]
            if 2 <= len(span) <= 10 and span[-1].pos_ in {"NOUN", "PROPN"}:
                yield span, "Task", 0.5, "phrase"

    def noun_phrases(self, doc: Doc, chunks: Sequence[Span] | None = None) -> Iterator[tuple[Span, str, float, str]]:
        """Noun chunks, coordinations split ("learned policy and expert policy" is two), typed by head."""
        for chunk in doc.noun_chunks if chunks is None else chunks:
            if any(t.like_url or t.like_email for t in chunk):
                continue
            for piece in _split_coordination(chunk):
                trimmed = self.trim(piece)
                if trimmed is None:
                    continue
                label = self.type_phrase(trimmed)
                head = trimmed[-1].lemma_.lower()
                if label in {None, "Task", "Method"} and self._metric_context(trimmed):
                    yield trimmed, "Metric", 0.55, "phrase"
                    continue
                if label is None and head in {"task", "problem"} and len(trimmed) > 1:
                    modifiers = self.trim(trimmed[:-1])
                    if modifiers is not None and any(
                        t.pos_ in {"NOUN", "PROPN"} or is_name_like(t.text) for t in modifiers
                    ) and not modifiers.text.lower().endswith(_POSITIONAL) and not _describing_modifier(modifiers):
                        first = modifiers[0]
                        named = (first.pos_ == "PROPN" or is_name_like(first.text) or first.is_title) and not first.is_sent_start
                        yield modifiers, "Dataset" if named else "Task", 0.6, "phrase"
                    continue
                if label is None:
                    if self._task_context(trimmed) and len(trimmed) > 1 and trimmed[-1].pos_ in {"NOUN", "PROPN"}:
                        yield trimmed, "Task", 0.55, "phrase"
                    elif all(t.pos_ == "PROPN" for t in trimmed) and not trimmed[0].is_sent_start and self._dataset_context(trimmed):
                        yield trimmed, "Dataset", 0.55, "phrase"  # "constructed from the English Wikipedia"
                    elif _title_case_name(trimmed) and trimmed.root.head.lemma_.lower() in {
                        "use", "via", "employ", "apply", "adopt", "with", "propose", "introduce"
                    }:
                        yield trimmed, "Method", 0.5, "phrase"  # "trained using Experience Replay", "by proposing Atrous Spatial Pyramid Pooling"
                    elif (
                        len(trimmed) > 1 and not trimmed[0].like_num and not trimmed[0].lower_.endswith("ed")
                        and (self._specific_modifiers(trimmed) or trimmed[0].lower_ in _cue("means_modifiers"))
                        and self._listed_with_named(trimmed)
                    ):
                        label = self.type_phrase(trimmed, strict=False)
                        if label in {"Method", "Task"}:
                            yield trimmed, label, 0.5, "phrase"  # "reinforcement learning, imitation learning and [adversarial training]"
                    continue
                if label == "Metric" and len(trimmed) == 2 and head == "score" and is_name_like(trimmed[0].text) and not trimmed[0].is_sent_start:
                    yield trimmed[:1], "Dataset", 0.55, "phrase"  # "a RewardBench score of 85.15": the score on a benchmark
                    continue
                if len(trimmed) == 2 and head in _cue("name_heads") and (
                    is_name_like(trimmed[0].text) or trimmed[0].pos_ == "PROPN" and not (trimmed[0].is_title and trimmed[1].is_title)
                ):  # not in Title Case, where "A Hybrid Approach" is no name "Hybrid"
                    trimmed = trimmed[:1]  # "the Xception model" names Xception
                yield trimmed, label, 0.6, "phrase"

    def _listed_with_named(self, span: Span) -> bool:
        """Whether a phrase with a weak head is coordinated with a method or task that its own
        words type: listed things are of one kind, so "random search and Bayesian optimization"
        and "imitation learning and adversarial training" name techniques, not descriptions."""
        for other in span.root.conjuncts:
            known = next((label for (_, start, end), label in self._lexicon_at.items() if start <= other.i < end), None)
            if known is None:
                trimmed = self.trim(span.doc[other.left_edge.i : other.i + 1])
                known = self.type_phrase(trimmed) if trimmed is not None and len(trimmed) > 1 else None
            if known in {"Method", "Task"}:
                return True
        return False

    # -- typing -------------------------------------------------------------------------------

    def trim(self, span: Span, keep_generic_tail: bool = False) -> Span | None:
        """Drop determiners, possessives and evaluative modifiers at the left edge, punctuation at
        both edges, and cut at an unbalanced parenthesis; None when nothing specific is left
        (a generic word alone)."""
        start, end = span.start, span.end
        doc = span.doc
        if keep_generic_tail:
            # an acronym's long form is a name: keep its words, drop only articles and possessives
            while start < end and (doc[start].pos_ in {"DET", "PRON"} or doc[start].is_punct or doc[start].lower_ in {"novel", "new", "proposed"}):
                start += 1
            while end > start and doc[end - 1].is_punct:
                end -= 1
            return doc[start:end] if end - start >= 1 and len(doc[start:end].text) > 1 else None
        for tok in span:
            if tok.text in {"(", ")", "[", "]", ":", ";", '"'}:
                if tok.i - start >= 1 and tok.i > start:
                    end = min(end, tok.i)
                    break
                start = tok.i + 1
        while start < end:
            tok = doc[start]
            low = tok.lower_
            if start + 2 < end and doc[start + 1].text == "-" and tok.whitespace_ == "" and doc[start + 1].whitespace_ == "":
                compound = doc[start : start + 3].text.lower()
                if tok.like_num and doc[start + 2].pos_ == "NOUN" and doc[start + 2].lower_ not in self.dropped | self.evaluative:
                    break  # "three-layer HRL algorithm", "two-stage training": a count that says what kind it is
                if low in self.evaluative or low in self.dropped or compound in self.evaluative or compound in self.dropped:
                    start += 3  # "lower-level objective": the compound goes with its first word
                    continue
                break
            if (
                low in self.dropped or low in self.evaluative or tok.is_punct or tok.is_stop
                or tok.pos_ in {"DET", "PRON", "NUM", "ADV", "CCONJ", "ADP"} or _QUANTITY.match(tok.text)
            ):
                start += 1
                continue
            break
        while end > start and (doc[end - 1].is_punct or doc[end - 1].is_stop):
            end -= 1
        if start >= end:
            return None
        trimmed = doc[start:end]
        words = [t.lower_ for t in trimmed if not t.is_punct]
        if not words or all(w in self.generic or w in self.dropped or w in self.evaluative for w in words):
            return None
        if len(trimmed.text) < 2 or len(trimmed) > 8 or any(t.pos_ == "VERB" and t.tag_ not in {"VBN", "VBG"} for t in trimmed):
            return None
        return trimmed

    def _specific_modifiers(self, span: Span) -> bool:
        """Whether the words before the head name a kind of thing ("interaction", "tree-based",
        "adversarial") rather than praise or size it ("good", "smaller", "learned")."""
        for word in _hyphen_words(span[:-1]):
            low = word.text.lower()
            if low in self.evaluative or low in self.dropped or low.endswith(_POSITIONAL):
                continue
            for tok in word:
                if tok.pos_ in {"NOUN", "PROPN"} or is_name_like(tok.text):
                    return True
                if tok.pos_ == "ADJ" and tok.tag_ == "JJ" and tok.lower_.endswith(_SUFFIX_TECHNICAL) and tok.lower_ not in self.evaluative:
                    return True
                if tok.pos_ == "ADJ" and tok.is_title and not tok.is_sent_start and not span[0].is_sent_start and tok.lower_ not in self.evaluative:
                    return True  # an adjective made from a name: "Riemannian optimization", "Gaussian"
        return False

    def type_phrase(self, span: Span, strict: bool = True) -> str | None:
        """Type a noun phrase by its head word, or None when the head says nothing.

        ``strict``: the modifiers of a weak head ("model", "policy", "estimation") must be specific.
        """
        head = span[-1]
        if any(t.pos_ == "ADP" for t in span[1:-1]) and span.root.i < span.end - 1:
            head = span.root  # "Question Answering over Knowledge Graphs" is a kind of answering
            span = span.doc[span.start : head.i + 1]
            known = self._lexicon_at.get((span.doc, span.start, span.end))
            if known:
                return known  # "[Reinforcement Learning] from AI Feedback" is a kind of reinforcement learning
        lemma = head.lemma_.lower()
        if head.pos_ == "PROPN":
            lemma = singular(lemma)  # Title Case plurals keep their "s" as proper nouns: "Detection Systems"
        text_lower = head.lower_
        if _modality(head.lower_) and head.pos_ in {"NOUN", "PROPN"}:
            return "Task"  # "electroencephalography", "Computed Tomography": a recording modality, a field
        if len(span) == 1 and (not is_name_like(head.text) or head.text in _cue("not_names")):
            return None
        if canonical_key(span.text) in self.generic_phrases:
            return None
        if strict and (lemma in self.weak_heads or text_lower in self.weak_heads):
            if not self._specific_modifiers(span):
                return None
            modifiers = [w for w in _hyphen_words(span[:-1]) if w.text.lower() not in self.evaluative]
            if (
                len(modifiers) == 1 and lemma not in self.head_types["Task"] and lemma not in self.head_types["Metric"]
                and len(modifiers[0]) == 1
                and not any(t.pos_ == "PROPN" or is_name_like(t.text) for t in modifiers[0])
            ):
                return None  # "exploration policy", "critic model": a description, not a name
        if lemma in self.head_types["Dataset"] or text_lower in self.head_types["Dataset"] or _DATASET_NAME.search(head.text):
            named = any(is_name_like(t.text) or t.pos_ == "PROPN" or t.is_title for t in span[:-1])
            return "Dataset" if named or _DATASET_NAME.search(span[0].text) else None
        if lemma in self.head_types["Metric"] and len(span) <= 3:
            return "Metric"
        if (lemma in self.head_types["Task"] or text_lower in self.head_types["Task"]) and _by_means(span):
            return "Method"  # "attention-based graph modeling", "gradient-based optimization": a way to do it
        if lemma in self.head_types["Task"] or text_lower in self.head_types["Task"]:
            return "Task"
        if lemma in self.head_types["Method"] or text_lower in self.head_types["Method"]:
            if _class_of_things(span):
                return None  # "gradient estimation strategies", "model backbones": a class of things, not a name
            return "Method"
        if any(is_name_like(t.text) and t.text not in _cue("not_names") for t in span):
            return self.type_name(span)  # not "commercial APIs", "user-friendly Web UI"
        return None

    def type_name(self, span: Span) -> str:
        """Type a coined name from its shape and context: ``X-Bench``, ``X dataset``, ``on X``
        after an evaluation word, or a list after "benchmarks such as" make a Dataset."""
        if _DATASET_NAME.search(span.text):
            return "Dataset"
        doc = span.doc
        if span.end < len(doc) and doc[span.end].lemma_.lower() in self.head_types["Dataset"]:
            return "Dataset"
        if span.end < len(doc) and doc[span.end].lemma_.lower() in {"task", "problem"}:
            return "Task"
        if self._task_context(span):
            return "Task"
        last = doc[span.end - 1]
        if span.end - span.start >= 3 and doc[span.end - 2].text == "-" and last.lower_ in self.head_types["Task"] and not _by_means(span):
            return "Task"  # "Meta-Learning", "Re-Identification": the hyphen name says what is done
        if self._metric_context(span) or self._listed_with_metric(span):
            return "Metric"  # "improvements of 14.2% in both EM and F1", "the success rate by 17.1% and SPL by 20.6%"
        return "Dataset" if self._dataset_context(span) or self._described_as_source(span) else "Method"

    def _described_as_source(self, span: Span) -> bool:
        """"wikiHow, a website containing ...", "X, a large benchmark of ...": the description set
        right after a name says what it is (read from the words: the parse often misses it)."""
        doc = span.doc
        i = span.end
        if i + 2 >= len(doc) or doc[i].text != "," or doc[i + 1].lower_ not in {"a", "an", "the"}:
            return False
        containers = self.head_types["Dataset"] | _cue("data_source_words")
        for tok in doc[i + 2 : i + 6]:
            if tok.lemma_.lower() in containers and tok.pos_ == "NOUN":
                return True
            if tok.pos_ not in {"ADJ", "NOUN", "PROPN", "PUNCT"} or tok.text == ",":
                return False
        return False

    def _listed_with_metric(self, span: Span) -> bool:
        """A name coordinated with a measure ("success rate ... and SPL", "EM and F1") is one too."""
        root = _first_conjunct(span.root)
        if root.i == span.root.i:
            return any(c.dep_ == "conj" and self._measure_word(c) for c in root.children)
        return self._measure_word(root)

    def _measure_word(self, tok) -> bool:
        metric_heads = self.head_types["Metric"]
        if tok.lemma_.lower() in metric_heads or tok.lower_ in metric_heads:
            return True
        return any(label == "Metric" and start <= tok.i < end for (_, start, end), label in self._lexicon_at.items())

    def _metric_context(self, span: Span) -> bool:
        """"in terms of X", "X improves by 4%", "improves X by 21%", "X of 85.1" make X a measure."""
        doc = span.doc
        root = span.root
        if span.start >= 2 and doc[span.start - 2].lower_ == "terms" and doc[span.start - 1].lower_ == "of":
            return True
        before = span.start - 1
        while before >= 0 and doc[before].lower_ in {"both", "the", "all"}:
            before -= 1  # "in both EM and F1"
        if before >= 0 and doc[before].lower_ in {"in", "on"} and root.head.lemma_.lower() in {"gain", "improvement", "drop", "increase", "reduction"}:
            return True
        head = root.head
        changes = {"improve", "boost", "increase", "reduce", "decrease", "raise", "lower", "cut"}
        after = doc[span.end : span.end + 3]
        if len(after) == 3 and after[0].lower_ == "by" and after[0].head.lemma_.lower() in changes and after[1].like_num and after[2].text in {"%", "points"}:
            return True  # "improves the success rate by 17.1% and [SPL] by 20.6%"
        if len(span) >= 2 and root.dep_ == "dobj" and head.lemma_.lower() in {"achieve", "obtain", "yield", "reach", "attain"} and any(
            c.dep_ == "amod" and c.tag_ == "JJR" and c.lower_ in {"higher", "better", "lower"} for c in root.children
        ):
            return True  # "achieves higher goal completion"
        if root.dep_ == "nsubj" and any(c.dep_ == "dobj" for c in head.children):
            return False  # "[local goal search] improves the success rate by 17.1%": the agent, not the measure
        if root.dep_ in {"dobj", "nsubj"} and head.lemma_.lower() in changes:
            by = [c for c in head.children if c.lower_ == "by"]
            return any(any(t.like_num or t.text == "%" for t in c.subtree) for c in by)
        return False

    def _task_context(self, span: Span) -> bool:
        """"the task of X", "tasks such as X, Y", "three tasks: X, Y and Z"."""
        doc = span.doc
        root = _first_conjunct(span.root)
        if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lemma_.lower() in {"task", "problem"}:
            return True
        if root.dep_ == "appos" and root.head.lemma_.lower() in {"task", "problem"}:
            return True
        window = doc[max(root.sent.start, root.i - 4) : root.i]
        return any(t.lemma_.lower() == "task" for t in window) and any(
            t.lower_ in {"as", "e.g.", "including", ":"} for t in window
        )

    def _dataset_context(self, span: Span) -> bool:
        doc = span.doc
        root = _first_conjunct(span.root)
        dataset_heads = self.head_types["Dataset"] | _cue("data_source_words")
        if root.dep_ == "appos" and root.head.lemma_.lower() in dataset_heads:
            return True
        if any(c.dep_ == "appos" and c.lemma_.lower() in dataset_heads for c in root.children):
            return True
        sent = root.sent
        window = doc[max(sent.start, root.i - 6) : root.i]
        if any(t.lemma_.lower() in dataset_heads for t in window) and any(
            t.lower_ in {"as", "e.g.", "e.g", "including", "like", ":", "("} for t in window
        ):
            return True
        if root.dep_ == "pobj" and root.head.lower_ == "from" and root.head.head.lemma_.lower() in _cue("sourcing_verbs"):
            return True
        if root.dep_ == "pobj" and root.head.lower_ in {"on", "across"}:
            governor = root.head.head
            if governor.lemma_.lower() in {"base", "build", "rely", "focus", "depend"}:
                return False
            if governor.lemma_.lower() in _cue("evaluation_words"):
                return True
            return any(t.lemma_.lower() in _cue("evaluation_words") for t in sent)
        return False

    # -- overlap resolution -------------------------------------------------------------------

    def _generic(self, span: Span) -> bool:
        """A generic phrase, also behind participles and plain adjectives that only say which one:
        "a separately [trained reward model]", "a [separate reward model]"."""
        if canonical_key(span.text) in self.generic_phrases:
            return True
        start = span.start
        while start < span.end - 1 and (
            span.doc[start].tag_ == "VBN" or span.doc[start].tag_ == "JJ" and not span.doc[start].lower_.endswith(_SUFFIX_TECHNICAL)
        ):
            start += 1
        return start > span.start and canonical_key(span.doc[start : span.end].text) in self.generic_phrases

    _PRIORITY = {"appositive": 5, "described": 5, "lexicon": 4, "acronym-long": 3, "acronym-short": 3, "acronym-use": 3, "name": 2,
                 "model": 1.5, "phrase": 1}

    def resolve(self, doc: Doc, candidates: list[tuple[Span, str, float, str]]) -> list[Span]:
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
            candidates, key=lambda c: (-self._PRIORITY[c[3]], -(c[0].end - c[0].start), c[0].start)
        )
        taken = [False] * len(doc)
        chosen: list[Span] = []
        for span, label, confidence, source in ordered:
            if label is None or any(taken[span.start : span.end]):
                continue
            if source != "lexicon" and self._generic(span):
                continue
            for i in range(span.start, span.end):
                taken[i] = True
            new = _mention_span(doc, span.start, span.end, label, confidence, source)
            chosen.append(new)
        return sorted(chosen, key=lambda s: s.start)


def _first_conjunct(token):
    """The first of a coordination the token is in ("X, Y and [Z]" -> X), at most six hops up:
    what governs a list is attached to its first item."""
    for _ in range(6):
        if token.dep_ != "conj" or token.head.i == token.i:
            break
        token = token.head
    return token


def _modality(word: str) -> bool:
    """A recording or imaging modality: "tomography", "electroencephalogram", "endoscopy".

    >>> [_modality(w) for w in ["tomography", "electroencephalograms", "microscopy", "histogram", "program"]]
    [True, True, True, False, False]
    """
    return word.endswith(tuple(_cue("modality_suffixes"))) and word not in _cue("modality_exceptions")


def _prefixed_form_type(text: str, defined: dict[str, str]) -> str | None:
    """The type of a defined short form that a name adds a lowercase prefix to: "bioNER" is
    NER in a domain, a task when NER is one (not a function word glued by PDF extraction: "ofSC").

    >>> [_prefixed_form_type(t, {"NER": "Task"}) for t in ("bioNER", "NERD", "ofNER")]
    ['Task', None, None]
    """
    for short, label in defined.items():
        prefix = text[: -len(short)]
        if len(short) >= 2 and text.endswith(short) and prefix.isalpha() and prefix.islower() and prefix not in STOP_WORDS:
            return label
    return None


def _said_to_be(span: Span) -> str | None:
    """The type a copula gives the subject: "Independent Component Analysis (ICA) is a widespread
    tool for ..." is a method, whatever its head word says (``copula_kinds`` in cues.json)."""
    root = span.root
    if root.dep_ != "nsubj" or root.head.lemma_ != "be":
        return None
    attr = next((c for c in root.head.children if c.dep_ == "attr" and c.i > root.i), None)
    if attr is None:
        return None
    return next((label for label, words in _cue("copula_kinds").items() if attr.lemma_.lower() in words), None)


def _listed_with(previous: tuple[Span, str] | None, long_span: Span) -> str | None:
    """The type of the acronym defined just before, when this long form follows it in one list:
    "success rate (SR), success weighted by path length (SPL) and ..." are all measures."""
    if previous is None:
        return None
    short, label = previous
    doc = long_span.doc
    if short.end > long_span.start or long_span.start - short.end > 4:
        return None
    between = doc[short.end : long_span.start]
    if not any(t.text == "," or t.lower_ == "and" for t in between):
        return None
    return label if all(t.is_punct or t.lower_ in {"and", "or"} for t in between) else None


def _after_glued_hyphen(span: Span) -> bool:
    """Whether the span starts inside a hyphenated word: "real-[world manipulation]" is a fragment."""
    doc = span.doc
    return span.start >= 2 and doc[span.start - 1].text == "-" and not doc[span.start - 2].whitespace_ and not doc[span.start - 1].whitespace_


def _class_of_things(span: Span) -> bool:
    """A plural description with no name in it ("unbiased gradient estimators", "commercial APIs") speaks of a
    class of things, not one method; unless the paper brings them as new ("two novel epsilon-greedy
    acquisition functions", "we present two no-regret algorithms")."""
    head = span[-1]
    if head.tag_ != "NNS" or any(is_name_like(t.text) or t.pos_ == "PROPN" for t in span):
        return False
    if any(c.lower_ in {"novel", "new", "our", "proposed"} for c in head.children):
        return False
    counted = any(c.dep_ == "nummod" for c in head.children)
    return not (counted and head.dep_ == "dobj" and head.head.lemma_ in {"present", "introduce", "propose", "develop", "design"})


def _by_means(span: Span) -> bool:
    """Whether a task-headed phrase says *how* ("gradient-based", "retrieval-augmented"): a technique."""
    suffixes = tuple(_cues()["means_suffixes"])
    doc = span.doc
    if len(span) >= 2 and span[0].lower_ in _cue("means_modifiers"):
        return True  # "random search", "Bayesian optimisation", "Differentiable Architecture Search"
    return any(
        doc[i].text == "-" and doc[i + 1].lower_.endswith(suffixes) for i in range(span.start, span.end - 2)
    )


def _describing_modifier(span: Span) -> bool:
    """Words before "task(s)" that say what the task is like or who does it, not what it is:
    "time-consuming tasks", "end-user tasks"."""
    last = span[-1]
    if last.tag_ in {"VBG", "VBN", "JJ"} and len(span) > 1 and span[-2].text == "-":
        return True
    return len(span) == 3 and span[1].text == "-" and last.lemma_.lower() in _cue("agent_nouns")


def _negated_compound(span: Span) -> bool:
    """A known term fused to a function word: "two no-[regret] algorithms" is not about regret."""
    doc = span.doc
    return span.start >= 2 and doc[span.start - 1].text == "-" and not doc[span.start - 2].whitespace_ and (
        doc[span.start - 2].is_lower and doc[span.start - 2].is_stop
    )


def _inside_new_description(span: Span) -> bool:
    """A known name that is only part of a larger new thing: "a novel [deep Reinforcement Learning]
    architecture". The larger phrase is the mention (the name stays, nested, as used)."""
    root = span.root
    head = root.head
    if not (root.dep_ in {"compound", "amod", "nmod"} and head.i == span.end and head.lemma_.lower() in _cue("name_heads")):
        return False
    novelty = {"novel", "new", "our", "proposed"}
    if any(c.lower_ in novelty for c in head.children):
        return True
    # the parse may hang "novel" elsewhere in the phrase: "a novel three-layer [HRL] algorithm"
    for tok in reversed(span.doc[max(0, span.start - 4) : span.start]):
        if tok.lower_ in novelty:
            return True
        if tok.pos_ not in {"NUM", "NOUN", "ADJ", "PROPN"} and tok.text != "-":
            return False
    return False


def _describes_a_name(span: Span, named_at: set[int], source: str | None = None) -> bool:
    """A generic description set beside a name: "we propose Meta-Explore, [a hierarchical navigation
    method] ...", "[a novel policy gradient algorithm], Pairwise Proximal Policy Optimization (P3O)"
    say what the name is; the description is not another entity. ``named_at``: start tokens of names."""
    root = span.root
    head = root.head
    if (source or span._.kg_source) not in {"phrase", "described", "model"} or root.lemma_.lower() not in _cue("name_heads"):
        return False
    doc = span.doc
    if span.end + 1 < len(doc) and doc[span.end].text == "," and (
        span.end + 1 in named_at
        or doc[span.end + 1].lower_ in set(_heads()["naming_words"]) and span.end + 2 in named_at
    ):
        return True  # "a new bilevel optimization algorithm, namely BO-REP"
    return root.dep_ == "appos" and head.i < span.start and (is_name_like(head.text) or head.pos_ == "PROPN")


def _capitalised_run(span: Span) -> bool:
    """Every word capitalised inside a sentence: "SubGoal Completion Reward" is one name, not the
    coined "SubGoal" with two words after it."""
    return (
        len(span) >= 2 and not span[0].is_sent_start and all(t.text[:1].isupper() or t.text == "-" for t in span)
        and not span.doc[max(0, span.start - 1)].text[:1].isupper()
    )


def _title_case_name(span: Span) -> bool:
    """A multiword Title Case phrase inside a sentence ("Experience Replay"): a name, not prose."""
    return (
        len(span) >= 2 and not span[0].is_sent_start and all(t.is_title or t.text == "-" for t in span)
        and not span.doc[max(0, span.start - 1)].is_title
    )


def _compound_word(tok, evaluative: set[str]) -> bool:
    """A plain noun that can stand inside a task name (not a name, a place or a praise word)."""
    return (
        tok.pos_ in {"NOUN", "PROPN"} and tok.is_alpha and not is_name_like(tok.text)
        and tok.lower_ not in evaluative and tok.ent_type_ not in {"GPE", "NORP", "ORG", "DATE"}
        and tok.whitespace_ != ""
    )


# lowercase hyphen tails that turn a name into a description of something else


_DESCRIBING_TAILS = ("ed", "like", "style", "level", "aware", "free", "specific", "only", "wise", "agnostic",
                     "centric", "friendly", "compatible", "scale", "size", "sized", "oriented", "inspired", "ing")


def _glue(span: Span, variants: bool = False) -> Span:
    """Extend a name over hyphen-attached pieces that make it another name: "M-BERT", "Tree-LSTM",
    "Transformer-XL" (not "BERT-based", whose lowercase tail describes rather than names)."""
    doc = span.doc
    start, end = span.start, span.end
    if start >= 2 and doc[start - 1].text == "-" and doc[start - 1].whitespace_ == "" and doc[start - 2].whitespace_ == "" and doc[start - 2].text.isalnum():
        start -= 2
    while end + 1 < len(doc) and doc[end].text == "-" and doc[end - 1].whitespace_ == "" and doc[end].whitespace_ == "":
        piece = doc[end + 1]
        if not piece.text[:1].isalnum():
            break
        if piece.text.islower() and (
            not variants or piece.pos_ not in {"NOUN", "PROPN"} or piece.lower_.endswith(_DESCRIBING_TAILS)
        ):
            break  # "BERT-based", "RL-enhanced" describe; a paper's own "SPO-chain" is a variant's name
        end += 2
    # a version number after a capitalised name: "Qwen 3", "Llama 2", "Qwen 2.5"
    if end < len(doc) and doc[end - 1].text[:1].isupper() and re.fullmatch(r"\d{1,2}(?:\.\d)?", doc[end].text):
        end += 1
    return span if (start, end) == (span.start, span.end) else Span(doc, start, end, label=span.label_)


def _hyphen_words(span: Span) -> list[Span]:
    """Group tokens into words, hyphen compounds kept whole: "tree - based policy" -> "tree-based", "policy"."""
    words: list[Span] = []
    doc = span.doc
    i = span.start
    while i < span.end:
        j = i + 1
        while j + 1 < span.end + 1 and j < span.end and doc[j].text == "-" and doc[j - 1].whitespace_ == "" and doc[j].whitespace_ == "":
            j += 2
        j = min(j, span.end)
        words.append(doc[i:j])
        i = j
    return words


def _split_coordination(chunk: Span) -> list[Span]:
    """Split a noun chunk at coordinating conjunctions and commas: "CIFAR-10 and ImageNet" -> two."""
    pieces = []
    start = chunk.start
    for tok in chunk:
        if tok.dep_ == "cc" or tok.text in {",", ";", ":"} or tok.lower_ in {"and", "or", "&", "vs", "vs."}:
            if tok.i > start:
                pieces.append(chunk.doc[start : tok.i])
            start = tok.i + 1
    if start < chunk.end:
        pieces.append(chunk.doc[start : chunk.end])
    return pieces


def _subject_is_us(verb) -> bool:
    """'we propose', 'this paper introduces', 'is proposed' (passive, in a 'we'/'this' context)."""
    for child in verb.children:
        if child.dep_ in {"nsubj", "nsubjpass"}:
            words = {t.lower_ for t in child.subtree}
            if words & {"we", "i", "paper", "work", "our", "my", "study", "article"}:  # not "this separation creates ..."
                return True
            if child.dep_ == "nsubjpass":
                sentence = verb.sent.text.lower()
                return any(cue in sentence for cue in ("this paper", "this work", "here,", "in this", "our "))
    if verb.dep_ in {"conj", "xcomp", "advcl"} and verb.head.i != verb.i:
        return _subject_is_us(verb.head)
    return False
