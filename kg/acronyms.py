"""Acronym definitions: a Schwartz & Hearst (2003) style long-form / short-form matcher.

Plain functions over strings, so they can be tested without spaCy, and :func:`mark_definitions`,
which applies them to a parsed Doc (``kg.extract`` registers it as the ``kg_acronyms`` pipeline
component). All of kg's acronym detection is here.

>>> best_long_form("F2SA", "we propose a Fully First-order Stochastic Approximation".split())
4
>>> is_short_form_candidate("F2SA"), is_short_form_candidate("e.g."), is_short_form_candidate("2023")
(True, False, False)
"""

from __future__ import annotations

import re

__all__ = ["is_short_form_candidate", "best_long_form", "mark_definitions", "short_form_letters", "spelled_by"]

_HAS_LETTER = re.compile(r"[A-Za-z]")
_NOT_SHORT = {"e.g.", "i.e.", "et al.", "etc.", "cf.", "resp.", "ours", "see"}


def is_short_form_candidate(text: str) -> bool:
    """Whether ``text`` (the inside of a parenthesis) may be an acronym.

    Two to twelve characters, at most two words, starting with a letter or digit, with at
    least one letter and at least one capital (so lowercase words in parentheses are not).
    """
    text = text.strip()
    if not 2 <= len(text) <= 12 or text.lower() in _NOT_SHORT:
        return False
    if len(text.split()) > 2 or not text[0].isalnum():
        return False
    if not _HAS_LETTER.search(text) or not any(ch.isupper() for ch in text):
        return False
    return True


def short_form_letters(short: str) -> str:
    """The alphanumeric characters of a short form, lowercased: ``"F2-SA"`` -> ``"f2sa"``."""
    return "".join(ch.lower() for ch in short if ch.isalnum())


def _matches(short: str, long_words: list[str]) -> bool:
    """Schwartz-Hearst's backward scan: every short-form character, right to left, is found
    in the long form in order, and the first one starts a word of the long form."""
    long_text = " ".join(long_words).lower()
    chars = short_form_letters(short)
    if not chars:
        return False
    s = len(chars) - 1
    l = len(long_text) - 1
    while s >= 0:
        c = chars[s]
        if not c.isalnum():
            s -= 1
            continue
        while l >= 0 and (
            long_text[l] != c
            or (s == 0 and l > 0 and long_text[l - 1].isalnum())
        ):
            l -= 1
        if l < 0:
            return False
        l -= 1
        s -= 1
    # the first word of the long form must be used (its initial matches the short form's start)
    return long_text.split()[0][0] == chars[0] if long_text.split() else False


def _expand_counts(letters: str) -> str:
    """Read a digit after a letter as a count: ``"f2sa"`` -> ``"ffsa"`` (Fully First-order ...)."""
    return re.sub(r"([a-z])([2-4])(?![0-9])", lambda m: m.group(1) * int(m.group(2)), letters)


_STOP_BOUNDARY = {"the", "a", "an", "our", "their", "its", "this", "these", "we", "of", "and", "or",
                  "called", "named", "dubbed", "termed", "as", "is", "are", "via", "with", "by", "to",
                  "for", "in", "on", "from", "that", "which", ",", ";", ":"}


_NAMING = {"called", "named", "dubbed", "termed"}


def _initials_long_form(letters: str, words: list[str], limit: int) -> int | None:
    """The shortest run of trailing words whose initials spell the short form, when one exists:
    "Pairwise Proximal Policy Optimization (P3O)" takes all four words, although the letters
    p, p, o can also be found inside "Proximal Policy Optimization"."""
    for n in range(2, limit + 1):
        candidate = words[len(words) - n :]
        if any(w in {",", ";", ":", "(", ")", "."} for w in candidate):
            return None
        initials = "".join(part[0].lower() for w in candidate for part in re.split(r"[-/]", w) if part[:1].isalnum())
        if candidate[0].lower() in _STOP_BOUNDARY and not (candidate[0].lower() in _NAMING and initials == letters):
            continue  # "named entity recognition (NER)": every initial used, so "named" is part of the name
        if initials[:1] == letters[:1] and _is_subsequence(letters, initials) and _word_count_fits(letters, candidate):
            return n
    return None


def _is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(ch in it for ch in small)


def _word_count_fits(letters: str, candidate: list[str]) -> bool:
    """Every word of the candidate but short function words gives a letter: no unused content words."""
    content = [w for w in candidate if w.lower() not in _STOP_BOUNDARY]
    return len(content) <= len(letters)


def best_long_form(short: str, words: list[str]) -> int | None:
    """How many trailing ``words`` form the long form of ``short``, or None.

    ``words`` are the words right before the parenthesis. Candidates are limited to
    ``min(len(short) + 5, 2 * len(short))`` words, as in Schwartz & Hearst; the shortest
    candidate that matches and does not start with a function word wins, so "we propose a
    Fully First-order ..." yields the name without "we propose a".
    """
    letters = short_form_letters(short)
    if not letters:
        return None
    variants = [short]
    expanded = _expand_counts(letters)
    if expanded != letters:
        variants.append(expanded)
        letters = expanded
    limit = min(len(letters) + 5, 2 * len(letters), len(words))
    by_initials = _initials_long_form(letters, words, limit)
    if by_initials:
        return by_initials
    # a long form must hold at least as many words as the short form has leading letters (loosely)
    for n in range(1, limit + 1):
        candidate = words[len(words) - n:]
        first = candidate[0].lower()
        if first in _STOP_BOUNDARY and not (candidate[0][:1].isupper() and first in _NAMING):
            continue  # "Named Entity Recognition" may start a long form; "named X" may not
        if any(w in {",", ";", ":", "(", ")", "."} for w in candidate):
            return None
        if any(_matches(v, candidate) for v in variants):
            # extend over words that only repeat letters already used? Keep the shortest match,
            # but require the long form to be longer than the short form itself.
            if len(" ".join(candidate)) <= len(short):
                continue
            return n
    return None


def spelled_by(short: str, long_text: str) -> bool:
    """Whether the initials of ``long_text`` (hyphen parts counted) spell ``short`` exactly, for an
    acronym a paper uses without defining it: "RL" and "reinforcement learning" are one thing.

    Stricter than :func:`best_long_form` (every word gives exactly one letter, in order), since no
    parenthesis says the two belong together. A plural ``s`` on the short form is not a letter.

    >>> spelled_by("RL", "reinforcement learning"), spelled_by("MBRL", "model-based reinforcement learning")
    (True, True)
    >>> spelled_by("VLMs", "vision-language models"), spelled_by("RL", "robot learning of skills")
    (True, False)
    """
    short = short.strip()
    if not is_short_form_candidate(short) or not short[:1].isupper():
        return False
    letters = short_form_letters(short[:-1] if short.endswith("s") and short[:-1].isupper() else short)
    if len(letters) < 2 or not letters.isalpha():
        return False
    parts = [p for w in long_text.split() for p in re.split(r"[-/]", w) if p]
    return len(parts) == len(letters) and all(p[:1].isalpha() for p in parts) and "".join(
        p[0].lower() for p in parts
    ) == letters


def mark_definitions(doc) -> None:
    """Find ``long form (SF)`` and ``SF (long form)`` definitions in a spaCy Doc.

    Writes ``doc.spans["kg_long_forms"]`` and ``doc.spans["kg_short_forms"]``, aligned by index,
    and ``doc.spans["kg_short_form_uses"]``: every later use of a defined short form. (The
    ``kg_acronyms`` pipeline component of :mod:`kg.extract` calls this.)
    """
    longs: list = []
    shorts: list = []
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
        if is_short_form_candidate(inner.text):
            words = [t.text for t in doc[max(sent_start, end - 14) : end]]
            n = best_long_form(inner.text, words)
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
        if open_tok.i > sent_start and is_short_form_candidate(doc[open_tok.i - 1].text):
            short_tok = doc[open_tok.i - 1]
            words = [t.text for t in inner]
            n = best_long_form(short_tok.text, words)
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


def _elided_long_form(doc, end: int, short: str, longs: list, shorts: list) -> bool:
    """Whether the one word before ``end`` is the head of a long form whose modifiers are shared
    with the long form defined just before it: "Sign Language Recognition (SLR) and Translation
    (SLT)" defines SLT as Sign Language Translation, written once as "Translation"."""
    if not longs or end < 4 or not doc[end - 1].is_alpha or doc[end - 2].lower_ not in {"and", "or"}:
        return False
    previous_long, previous_short = longs[-1], shorts[-1]
    if doc[end - 3].text != ")" or previous_short.end != end - 3 or len(previous_long) < 2:
        return False
    words = [t.text for t in previous_long[:-1]] + [doc[end - 1].text]
    return best_long_form(short, words) == len(words)


def _closing_paren(doc, start: int) -> int | None:
    for tok in doc[start + 1 : start + 8]:
        if tok.text == ")":
            return tok.i
        if tok.text == "(":
            return None
    return None



# code identifiers: "get_info_api", "genjax.vi"
