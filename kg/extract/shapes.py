"""What a token or span looks like, for the rules: coined-name shapes (``is_name_like``), hyphen
words and glued names, coordinations, and the small tests of the parse the rules share
("is this a kind of thing", "does it say how", "is it inside a new description")."""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Span

from .wordlists import _cue, _cues, _heads

# code identifiers: "get_info_api", "genjax.vi"
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(?:[._][a-z0-9]+)*_[a-z0-9]+(?:[._][a-z0-9]+)*$|^[a-z][a-z0-9]{2,}\.[a-z][a-z0-9]*$")
_NAME_SHAPE = re.compile(r"^(?=.*[A-Za-z])(?:[A-Z0-9][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9]*|[A-Za-z]+[0-9][A-Za-z0-9.]*|[a-z]+[A-Z][A-Za-z0-9]*)$")
# "250k", "7B", "2D", "3rd", "10x": quantities, not names
_QUANTITY = re.compile(r"^\d+(?:[.,]\d+)?(?:[kKmMbBtTdDxX%]|st|nd|rd|th|px)?$")
_DATASET_NAME = re.compile(r"(?i)(bench|benchmark|dataset|corpus|arena|gym|world|suite|-?qa|leaderboard)(?:-?v?\d{1,2})?$")
# adjective endings that name a kind of thing ("spectral", "adversarial"), not praise or size
_SUFFIX_TECHNICAL = ("al", "ic", "ive", "ous", "ar", "ary", "ed")
# hyphen compounds that place or size a thing rather than name it: "upper-level", "first-order"
_POSITIONAL = ("-level", "-order", "-scale", "-grained", "-wise", "-stage", "-step", "-time")


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


def _mention_span(doc, start: int, end: int, label: str, confidence: float, source: str = "nested", rule: str = "") -> Span:
    """A candidate mention: the span with its type as label and its confidence, source tag and
    rule set (``nested``: found inside another mention, which it overlaps)."""
    span = Span(doc, start, end, label=label)
    span._.kg_confidence = confidence
    span._.kg_source = source
    span._.kg_rule = rule
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
