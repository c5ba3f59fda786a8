"""Text normalisation shared by ingest (paper ids), link (entity keys) and eval (matching).

>>> normalize_title("  A Fully First-Order  Method! ")
'a fully first order method'
>>> slugify("A Fully First-Order Method for Stochastic Bilevel Optimization")
'a-fully-first-order-method-for-stochastic'
>>> short_hash("abc")
'a9993e36'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

__all__ = [
    "normalize_title",
    "slugify",
    "short_hash",
    "strip_controls",
    "canonical_key",
    "singular",
    "name_key",
    "title_words",
    "title_word",
    "untitled_label",
]

_NON_ALNUM = re.compile(r"[\W_]+")
_ASCII_WORD = re.compile(r"^[0-9a-z]+$")
# C0/C1 controls except tab/newline, plus bidi overrides and isolates (U+202A-202E, U+2066-2069)
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")


def strip_controls(text: str) -> str:
    """Remove control characters, bidi overrides and BOMs that have no place in a title or abstract."""
    return _CONTROLS.sub("", text)


def normalize_title(text: str) -> str:
    """NFKC, casefold, and every run of non-alphanumerics as one space."""
    if text.isascii():  # the common case: NFKC, NFKD and accent stripping change no ASCII text
        return _NON_ALNUM.sub(" ", text.lower()).strip()
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = unicodedata.normalize("NFKD", folded)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", folded).strip()


def slugify(text: str, max_length: int = 48) -> str:
    """A lowercase ASCII slug of whole words, at most ``max_length`` characters (never empty)."""
    words = [w for w in normalize_title(text).split() if _ASCII_WORD.match(w)]
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    if not slug and words:
        slug = words[0][:max_length]
    return slug or "untitled"


def untitled_label(abstract: str, words: int = 8) -> str:
    """A display name for a paper without a title: its abstract's first words.

    >>> untitled_label("We study the problem of learning to rank from implicit feedback at scale.")
    'Untitled: We study the problem of learning to rank …'
    """
    head = abstract.split()
    return "Untitled: " + " ".join(head[:words]) + (" …" if len(head) > words else "")


def short_hash(text: str, length: int = 8) -> str:
    """The first ``length`` hex digits of the SHA-1 of ``text`` (UTF-8)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


_SINGULAR_EXCEPTIONS = ("ss", "us", "is", "ics", "sis", "xis")
_GLUED_PREFIXES = re.compile(
    r"\b(bi|multi|non|pre|post|self|semi|co|re|sub|meta|hyper|inter|intra|cross|over|under|un|de) (?=\w)"
)


def singular(word: str) -> str:
    """A simple English singular of one lowercase word: ``"estimators"`` -> ``"estimator"``."""
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(_SINGULAR_EXCEPTIONS):
        return word[:-1]
    return word


@lru_cache(maxsize=1 << 16)  # names repeat within and across papers; extraction asks for each many times
def canonical_key(text: str) -> str:
    """The key entity mentions link by: casefolded, hyphens and spaces unified, last word singular.

    >>> canonical_key("Bi-Level Optimization") == canonical_key("bilevel optimizations")
    True
    >>> canonical_key("GFlowNets") == canonical_key("GFlowNet")
    True
    """
    words = normalize_title(text).split()
    if not words:
        return ""
    words[-1] = singular(words[-1])
    return _GLUED_PREFIXES.sub(r"\1", " ".join(words))


def name_key(text: str) -> str:
    """The form ``kg:nameKey`` holds: ``text`` lower-cased, as SPARQL's ``LCASE`` does.

    A named query finds an entity by ``?e kg:nameKey "..."``, an index lookup, with the same
    answer as comparing ``lcase(str(?label))`` with the lower-cased parameter for every label.

    >>> name_key("Bi-Level Optimization")
    'bi-level optimization'
    """
    return text.lower()


def title_words(text: str) -> list[str]:
    """The distinct words of a title, normalised (:func:`normalize_title`), sorted: its ``kg:titleWord`` values.

    >>> title_words("PARL: A Unified Framework for Policy Alignment, a Framework")
    ['a', 'alignment', 'for', 'framework', 'parl', 'policy', 'unified']
    """
    return sorted(set(normalize_title(text).split()))


def title_word(text: str) -> str | None:
    """The word of ``text`` a title search looks up first: its longest normalised word (the first
    of the longest), most likely the rarest; None when ``text`` has no word.

    >>> title_word("policy alignment in Reinforcement")
    'reinforcement'
    >>> title_word("--") is None
    True
    """
    words = normalize_title(text).split()
    return max(words, key=len) if words else None
