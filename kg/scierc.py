"""SciERC documents (the DyGIE++ JSON Lines format) as text with character offsets.

SciERC (Luan et al., EMNLP 2018) gives each abstract as tokenized sentences with entity and
relation annotations on token indices (document-wide, end inclusive), and writes brackets the
Penn Treebank way (``-LRB-``). kg trains its span model on it and scores itself on it, and both
need plain text with character offsets: the abstract a user would paste, tokenized again by kg's
own pipeline. :func:`read` rebuilds that text (brackets and quotes as characters, no space before
closing punctuation) and moves every annotation onto it.

Entity types map onto kg's (:data:`TYPE_MAP`): Method, Task and Metric keep their names, and
Material becomes Dataset (SciERC's Material also covers corpora and other data). Generic and
OtherScientificTerm have no kg type; they stay in the document (a model may learn from them) but
:meth:`Document.gold_record` leaves them out.

>>> line = ('{"doc_key": "d1", "sentences": [["We", "use", "BERT", "-LRB-", "Devlin", "-RRB-", '
...         '"for", "NER", "."]], "ner": [[[2, 2, "Method"], [7, 7, "Task"]]], '
...         '"relations": [[[2, 2, 7, 7, "USED-FOR"]]]}')
>>> doc = parse(line)
>>> doc.text
'We use BERT (Devlin) for NER.'
>>> [(e.text, e.label) for e in doc.entities]
[('BERT', 'Method'), ('NER', 'Task')]
>>> doc.relations[0].label, doc.relations[0].head.text, doc.relations[0].tail.text
('USED-FOR', 'BERT', 'NER')
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError
from .model import Paper

__all__ = ["TYPE_MAP", "RELATION_MAP", "Annotation", "Relation", "Document", "parse", "read", "is_scierc"]

TYPE_MAP: dict[str, str] = {"Method": "Method", "Task": "Task", "Metric": "Metric", "Material": "Dataset"}
#: SciERC's relation labels in kg's spelling (kg.extract.relations.RELATIONS)
RELATION_MAP: dict[str, str] = {"USED-FOR": "used-for", "EVALUATE-FOR": "evaluate-for", "COMPARE": "compare",
                                "HYPONYM-OF": "hyponym-of", "PART-OF": "part-of", "FEATURE-OF": "feature-of",
                                "CONJUNCTION": "conjunction"}

_BRACKETS = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}",
             "``": '"', "''": '"'}
_NO_SPACE_BEFORE = {".", ",", ";", ":", "?", "!", "%", ")", "]", "}", "'s", "'S", "n't", "'"}
_NO_SPACE_AFTER = {"(", "[", "{"}


@dataclass(frozen=True)
class Annotation:
    """An entity span: ``text == document.text[start:end]``; ``label`` is SciERC's type."""

    start: int
    end: int
    label: str
    text: str

    @property
    def kg_type(self) -> str | None:
        """The kg entity type, or None for Generic and OtherScientificTerm."""
        return TYPE_MAP.get(self.label)


@dataclass(frozen=True)
class Relation:
    """A relation between two entity spans of one sentence (SciERC's direction: USED-FOR(head,
    tail) is "head is used for tail")."""

    head: Annotation
    tail: Annotation
    label: str
    sentence: int


@dataclass(frozen=True)
class Document:
    """One SciERC abstract: its rebuilt text, its sentences as character ranges, its annotations."""

    key: str
    text: str
    sentences: tuple[tuple[int, int], ...]
    entities: tuple[Annotation, ...]
    relations: tuple[Relation, ...]

    def paper(self) -> Paper:
        """The abstract as a kg paper (SciERC has no titles)."""
        return Paper(id=self.key, title="", abstract=self.text)

    def gold_record(self) -> dict[str, Any]:
        """The document as a ``kg eval`` gold record: unique entities of kg's types (one per type
        and exact name), every mention with its offsets, and the relations between entities of
        kg's types (unique by head, relation and tail)."""
        mentions = [e for e in self.entities if e.kg_type]
        unique: dict[tuple[str, str], dict[str, Any]] = {}
        for e in mentions:
            entry = unique.setdefault((e.kg_type, e.text.casefold()), {"text": e.text, "type": e.kg_type, "mentions": 0})
            entry["mentions"] += 1
        relations = {
            (r.head.text, r.head.kg_type, RELATION_MAP[r.label], r.tail.text, r.tail.kg_type)
            for r in self.relations if r.head.kg_type and r.tail.kg_type and r.label in RELATION_MAP
        }
        return {
            "id": self.key,
            "entities": list(unique.values()),
            "mentions": [{"field": "abstract", "start": e.start, "end": e.end, "text": e.text, "type": e.kg_type}
                         for e in mentions],
            "relations": [dict(zip(("head", "head_type", "relation", "tail", "tail_type"), r)) for r in sorted(relations)],
        }


def _detokenize(sentences: list[list[str]]) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]]:
    """Text, each token's character range, and each sentence's, from tokenized sentences."""
    parts: list[str] = []
    tokens: list[tuple[int, int]] = []
    spans: list[tuple[int, int]] = []
    length = 0
    glue_next = True  # no space before the first token, nor after an opening bracket or quote
    quote_open = False
    for sentence in sentences:
        for raw in sentence:
            word = _BRACKETS.get(raw, raw)
            is_quote = raw in {"``", "''", '"'}
            opening = is_quote and (raw == "``" or (raw == '"' and not quote_open))
            if not (glue_next or word in _NO_SPACE_BEFORE or (is_quote and not opening)):
                parts.append(" ")
                length += 1
            tokens.append((length, length + len(word)))
            parts.append(word)
            length += len(word)
            if is_quote:
                quote_open = opening
            glue_next = word in _NO_SPACE_AFTER or opening
        if sentence:
            spans.append((tokens[-len(sentence)][0], length))
    return "".join(parts), tokens, spans


def parse(line: str | dict[str, Any], where: str = "") -> Document:
    """One SciERC document from its JSON line (or the decoded object).

    Raises
    ------
    InputError
        If a field is missing or a token index is out of range (``where`` names the file:line).
    """
    record = json.loads(line) if isinstance(line, str) else line
    prefix = f"{where}: " if where else ""
    try:
        sentences = record["sentences"]
        ner = record.get("ner") or [[] for _ in sentences]
        relations = record.get("relations") or [[] for _ in sentences]
        key = str(record.get("doc_key") or "")
    except (KeyError, TypeError) as err:
        raise InputError(f"{prefix}not a SciERC document (needs \"sentences\" and \"ner\"); is this the DyGIE++ JSON format?") from err
    text, tokens, sentence_spans = _detokenize(sentences)

    def annotation(first: int, last: int, label: str) -> Annotation:
        if not 0 <= first <= last < len(tokens):
            raise InputError(f"{prefix}entity [{first}, {last}] is outside the document's {len(tokens)} tokens")
        start, end = tokens[first][0], tokens[last][1]
        return Annotation(start, end, label, text[start:end])

    entities = []
    found_relations = []
    for number, (sentence_ner, sentence_relations) in enumerate(zip(ner, relations)):
        by_tokens = {}
        for first, last, label in sentence_ner:
            by_tokens[(first, last)] = annotation(first, last, label)
            entities.append(by_tokens[(first, last)])
        for h1, h2, t1, t2, label in sentence_relations:
            head = by_tokens.get((h1, h2)) or annotation(h1, h2, "")
            tail = by_tokens.get((t1, t2)) or annotation(t1, t2, "")
            found_relations.append(Relation(head, tail, label, number))
    if not key:
        from .textnorm import short_hash

        key = f"scierc-{short_hash(text)}"
    return Document(key, text, tuple(sentence_spans), tuple(entities), tuple(found_relations))


def read(path: str | os.PathLike[str]) -> Iterator[Document]:
    """Every document of a SciERC JSON Lines file, in order; errors name the file and line."""
    from .jsonl import objects

    for number, record in objects(path):
        yield parse(record, f"{path}:{number}")


def is_scierc(path: str | os.PathLike[str]) -> bool:
    """Whether the first record of a JSON Lines file looks like a SciERC document.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
    ...     _ = f.write('{"doc_key": "x", "sentences": [["A"]], "ner": [[]]}\\n')
    >>> is_scierc(f.name)
    True
    >>> os.unlink(f.name)
    """
    try:
        with Path(path).open("rb") as handle:
            first = next((line for line in handle if line.strip()), b"")
        record = json.loads(first)
    except (OSError, ValueError):
        return False
    return isinstance(record, dict) and "sentences" in record and "ner" in record
