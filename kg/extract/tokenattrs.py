"""One component in place of the trained pipeline's ``attribute_ruler`` and ``lemmatizer``.

Both are rule components that give every token the same POS, morphology and lemma whenever its
text, tag and dependency label are the same, yet they recompute them token by token: the
attribute ruler runs its 179 Matcher patterns over every token, and the English lemmatizer does
not cache base forms (most tokens). Together they cost a quarter of kg's pipeline.

:class:`TokenAttributes` keeps the two components and asks them only once per
``(text, tag, dependency)``: for a token it has not seen, it runs them on a one-token doc with
that text, tag and label, and remembers the tag, POS, morphology and lemma they set. The answer
is theirs, so it is the same as running them on the whole doc, with one exception the class
handles: the ruler's few patterns that span two tokens ("let 's", "gon na"). A doc where one of
those matches goes through the two components whole, as before.
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import DEP, LEMMA, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

__all__ = ["NAME", "TokenAttributes", "replace_rule_components"]

NAME = "kg_token_attributes"

_READ = [ORTH, TAG, DEP]
_WRITE = [TAG, POS, MORPH, LEMMA]


class TokenAttributes:
    """``attribute_ruler`` then ``lemmatizer``, remembered per ``(text, tag, dependency)``.

    Three memories, each answered by the components themselves the first time:

    - ``known``: the four attributes of a ``(text, tag, dependency)``;
    - ``ruled``: what the ruler sets for a ``(word, is_space, tag, dependency)``, where the word
      is kept only if one of the ruler's patterns names it (any other word gets what its tag and
      label alone give it, so "transformer" and "diffusion" as NN nsubj share one entry);
    - ``lemmas``: the lemma of a ``(text, POS, morphology, ruler's lemma)``.

    ``limit`` bounds each memory (about 400 bytes an entry, so at most 80 MB each by default):
    a full one starts afresh.

    It takes the two components over (:func:`replace_rule_components` removes them from the
    pipeline): the lemmatizer's index tables become sets.
    """

    def __init__(self, ruler, lemmatizer, limit: int = 200_000):
        self.ruler = ruler
        self.lemmatizer = lemmatizer
        self.vocab = ruler.vocab
        self.limit = limit
        self.known: dict[tuple[int, int, int], tuple[int, int, int, int]] = {}
        self.ruled: dict[tuple, tuple[int, int, int, int]] = {}
        self.lemmas: dict[tuple[int, int, int, int], int] = {}
        self.spans_two = Matcher(self.vocab)
        single = []
        for index, patterns in enumerate(ruler.patterns):
            longer = [p for p in patterns["patterns"] if len(p) > 1]
            if longer:
                self.spans_two.add(f"p{index}", longer)
            single.extend(p[0] for p in patterns["patterns"] if len(p) == 1)
        self.words, self.word_patterns = _named_words(single)
        _index_as_sets(lemmatizer)

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        if self.spans_two(doc, allow_missing=True):
            return self.lemmatizer(self.ruler(doc))
        known = self.known
        rows = []
        for key in map(tuple, doc.to_array(_READ).tolist()):
            row = known.get(key)
            if row is None:
                row = self._learn(*key)
            rows.append(row)
        doc.from_array(_WRITE, numpy.asarray(rows, dtype="uint64"))
        return doc

    def forget(self) -> None:
        """Empty the memories (benchmarks start every timed run cold)."""
        self.known.clear()
        self.ruled.clear()
        self.lemmas.clear()

    def _named(self, lower: str) -> bool:
        if self.words is None:
            return True
        return lower in self.words or any(p.search(lower) for p in self.word_patterns)

    def _learn(self, orth: int, tag: int, dep: int) -> tuple[int, int, int, int]:
        lexeme = self.vocab[orth]
        rkey = (lexeme.lower if self._named(lexeme.lower_) else 0, lexeme.is_space, tag, dep)
        ruled = self.ruled.get(rkey)
        if ruled is None:
            token = self._single(orth)
            token.tag, token.dep = tag, dep
            self.ruler(token.doc)
            ruled = _remember(self.ruled, rkey, (token.tag, token.pos, token.morph.key, token.lemma), self.limit)
        new_tag, pos, morph, ruler_lemma = ruled
        lkey = (orth, pos, morph, ruler_lemma)
        lemma = self.lemmas.get(lkey)
        if lemma is None:
            token = self._single(orth)
            token.tag, token.pos, token.lemma = new_tag, pos, ruler_lemma
            token.set_morph(morph)
            self.lemmatizer(token.doc)
            lemma = _remember(self.lemmas, lkey, token.lemma, self.limit)
        return _remember(self.known, (orth, tag, dep), (new_tag, pos, morph, lemma), self.limit)

    def _single(self, orth: int):
        return Doc(self.vocab, words=[self.vocab.strings[orth]], spaces=[False])[0]


def _remember(memory: dict, key, value, limit: int):
    if len(memory) >= limit:
        memory.clear()
    memory[key] = value
    return value


def _named_words(patterns: list[dict]) -> tuple[set[str] | None, list[re.Pattern]]:
    """The words the one-token ``patterns`` name in LOWER, and their LOWER regexes.

    ``None`` if a pattern tests anything else about the word (then every word is kept apart).
    """
    words: set[str] = set()
    regexes = []
    for pattern in patterns:
        if not set(pattern) <= {"LOWER", "TAG", "DEP", "IS_SPACE"}:
            return None, []
        lower = pattern.get("LOWER")
        if lower is None:
            continue
        if isinstance(lower, str):
            words.add(lower)
        elif isinstance(lower, dict) and set(lower) == {"IN"}:
            words.update(lower["IN"])
        elif isinstance(lower, dict) and set(lower) == {"REGEX"}:
            regexes.append(re.compile(lower["REGEX"]))
        else:
            return None, []
    return words, regexes


def _index_as_sets(lemmatizer) -> None:
    """The rule lemmatizer asks ``form in index`` of lists of up to 57,000 words: make them sets
    (only membership is asked of them)."""
    if "lemma_index" not in lemmatizer.lookups.tables:
        return
    table = lemmatizer.lookups.get_table("lemma_index")
    for key in list(table):
        if isinstance(table[key], list):
            table[key] = frozenset(table[key])


@Language.factory(NAME)
def _make(nlp: Language, name: str) -> TokenAttributes:
    return TokenAttributes(nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer"))


def replace_rule_components(nlp: Language) -> None:
    """Put one :class:`TokenAttributes` where ``attribute_ruler`` and ``lemmatizer`` were.

    A pipeline without either of them (excluded, or a model without them) is left as it is.
    """
    names = nlp.pipe_names
    if "attribute_ruler" not in names or "lemmatizer" not in names:
        return
    if names.index("lemmatizer") != names.index("attribute_ruler") + 1:
        return
    nlp.add_pipe(NAME, before="attribute_ruler")
    nlp.remove_pipe("attribute_ruler")
    nlp.remove_pipe("lemmatizer")
