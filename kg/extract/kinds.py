"""What kind of entity a phrase names: :class:`Kinds` trims a span to its specific words and
types it by its head word (``kg/patterns/heads.json``) and its context ("the task of X", "on X"
after an evaluation word, "in terms of X"). The candidate, phrase and nesting rules ask it."""

from __future__ import annotations

from spacy.tokens import Span

from ..textnorm import canonical_key, singular
from .shapes import (
    _DATASET_NAME,
    _DESCRIBING_TAILS,
    _POSITIONAL,
    _QUANTITY,
    _SUFFIX_TECHNICAL,
    _by_means,
    _class_of_things,
    _first_conjunct,
    _hyphen_words,
    _modality,
    is_name_like,
)
from .wordlists import _cue, _heads


class Kinds:
    """The word sets of ``heads.json`` and the typing of phrases by them.

    ``_lexicon_at`` maps ``(doc, start, end)`` of every lexicon name of the Doc being read to its
    type (set per Doc by the mention finder).
    """

    def __init__(self) -> None:
        heads = _heads()
        self._lexicon_at: dict = {}
        self.head_types = {t: set(heads[t]) for t in ("Method", "Task", "Dataset", "Metric")}
        self.generic = set(heads["generic"])
        self.dropped = set(heads["modifiers_dropped"])
        self.evaluative = set(heads["evaluative"])
        self.weak_heads = set(heads["weak_heads"])
        self.generic_phrases = {canonical_key(p) for p in heads["generic_phrases"]}
        self.adjective_endings = tuple(heads["adjective_endings"])
        self.adjective_shaped_nouns = set(heads["adjective_shaped_nouns"])

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

