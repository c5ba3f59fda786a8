"""Input files -> ``Iterator[Paper]``: one reader per format, one registry of formats.

The flow for every file is the same::

    path --detect_format--> FORMATS[name].reader --raw records--> _build --> Paper
                                   |                                 |
                                   +---- RecordError (bad record) ---+--> IngestReport.skipped

A reader turns the bytes of one file into raw records (a line number and a dict of
fields) or :class:`~kg.errors.RecordError` values; it never builds a :class:`Paper`
itself, so validation, text hygiene and paper ids live in one place (:func:`_build`).
Whole-file problems (missing, empty, a CSV without the needed columns, an XML document
with a DTD) raise :class:`~kg.errors.InputError` when the file is the only input. Among
several files (a folder, several paths) with ``on_error="skip"``, such a file is reported
like a bad record (``file:line: reason``, line 0 when the problem has no line) and the
other files are still read: one broken file costs only itself.

Every reader decodes its file a line at a time, so a line that is not UTF-8 (or holds
a NUL byte) costs only the record it belongs to, and the error names its line and byte
offset.

>>> paper_id("A Fully First-Order Method for Stochastic Bilevel Optimization")
'a-fully-first-order-method-for-stochastic-064fc1af'
>>> paper_id("anything", arxiv_id="arXiv:2301.00001v2")
'arxiv:2301.00001'
>>> paper_id("anything", doi="10.1000/ABC.1")
'doi:10.1000/abc.1'
"""

from __future__ import annotations

import csv
import json
import os
import re
import unicodedata
import xml.etree.ElementTree as ET
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from kg.errors import InputError, RecordError
from kg.model import Paper
from kg.textnorm import normalize_title, short_hash, slugify, strip_controls

__all__ = [
    "MAX_CHARS",
    "Format",
    "FORMATS",
    "IngestReport",
    "detect_format",
    "read",
    "read_papers",
    "dedupe",
    "paper_id",
    "normalize_arxiv_id",
    "normalize_doi",
]

MAX_CHARS = 100_000
"""Default longest abstract (in characters, after cleaning) accepted before a record is refused."""

MAX_TITLE_CHARS = 2_000
"""Longer "titles" are refused: usually a sign that title and abstract lines are out of step."""

_OPTIONAL = ("id", "url", "authors", "year", "arxiv_id", "doi")
_FIELDS = ("title", "abstract", *_OPTIONAL)


# --------------------------------------------------------------------------- report


@dataclass
class IngestReport:
    """What happened while reading: counts that balance, and every skipped record.

    ``read`` counts records attempted (good or bad); ``merged`` the duplicates
    :func:`dedupe` folded into an earlier paper; ``skipped`` the bad records.
    ``read == kept + merged + len(skipped)`` always holds.
    """

    read: int = 0
    merged: int = 0
    skipped: list[RecordError] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    untitled: int = 0
    """Papers read without a title (their ids come from their abstracts): said once, not per record."""

    @property
    def kept(self) -> int:
        """Papers handed on: records read, less duplicates and bad records."""
        return self.read - self.merged - len(self.skipped)

    def summary(self) -> str:
        """One line for a CLI, e.g. ``'2 files: 250 records read, 243 kept, 2 merged, 5 skipped'``."""
        files = f"{len(self.files)} file{'s' if len(self.files) != 1 else ''}"
        return (
            f"{files}: {self.read} records read, {self.kept} kept, "
            f"{self.merged} merged, {len(self.skipped)} skipped"
        )


# --------------------------------------------------------------------------- ids


_ARXIV_NEW = re.compile(r"(\d{4}\.\d{4,5})(?:v\d+)?")
_ARXIV_OLD = re.compile(r"([a-z][a-z-]*(?:\.[A-Za-z]{2})?/\d{7})(?:v\d+)?")
_ARXIV_PREFIX = re.compile(r"^(?:arxiv:|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)", re.I)
_ARXIV_URL = re.compile(r"^https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/", re.I)
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_DOI_PREFIX = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", re.I)


def normalize_arxiv_id(value: str) -> str | None:
    """The bare arXiv identifier in ``value`` without its version, or ``None`` if it is not one.

    >>> normalize_arxiv_id("arXiv:2301.00001v2")
    '2301.00001'
    >>> normalize_arxiv_id("http://arxiv.org/abs/hep-th/9901001v1")
    'hep-th/9901001'
    >>> normalize_arxiv_id("not an id") is None
    True
    """
    text = _ARXIV_PREFIX.sub("", value.strip())
    if text.lower().endswith(".pdf"):
        text = text[:-4]
    for pattern in (_ARXIV_NEW, _ARXIV_OLD):
        match = pattern.fullmatch(text)
        if match:
            return match.group(1)
    return None


def normalize_doi(value: str) -> str | None:
    """The DOI in ``value`` without a ``doi:`` or ``https://doi.org/`` prefix, or ``None``.

    >>> normalize_doi("https://doi.org/10.1145/3580305.3599256")
    '10.1145/3580305.3599256'
    """
    text = _DOI_PREFIX.sub("", value.strip())
    return text if _DOI.fullmatch(text) else None


def _title_key(title: str) -> str:
    """The key two titles share when they name the same paper.

    ``normalize_title`` keeps only ASCII letters and digits, so a title in another
    script normalises to ``""``; such titles fall back to their case-folded text.
    """
    key = normalize_title(title)
    if key:
        return key
    return " ".join(unicodedata.normalize("NFKC", title).casefold().split())


def paper_id(
    title: str, id: str | None = None, arxiv_id: str | None = None, doi: str | None = None, abstract: str = ""
) -> str:
    """The stable id of a paper: its own id, else ``arxiv:<id>``, else ``doi:<doi>``, else from its
    title, else (an abstract without a title) from its abstract.

    A title-derived id is ``<slug>-<hash>``: the same title in any case, punctuation or
    spacing gives the same id. An abstract-derived one is ``untitled-<hash>``, by the same rule.

    Raises ``ValueError`` when ``arxiv_id`` or ``doi`` is malformed, or when there is
    neither a title, an abstract nor an id (the readers check this first and raise ``RecordError``).

    >>> paper_id("Attention Is All You Need") == paper_id("attention is all you need!")
    True
    >>> paper_id("ignored", id="  P-17 ")
    'P-17'
    >>> paper_id("", abstract="We study X.") == paper_id("", abstract="we study x")
    True
    """
    if id is not None and str(id).strip():
        return str(id).strip()
    if arxiv_id:
        bare = normalize_arxiv_id(arxiv_id)
        if bare is None:
            raise ValueError(f"not an arXiv identifier: {arxiv_id!r}")
        return f"arxiv:{bare.lower()}"
    if doi:
        bare = normalize_doi(doi)
        if bare is None:
            raise ValueError(f"not a DOI: {doi!r}")
        return f"doi:{bare.lower()}"
    key = _title_key(title)
    if key:
        return f"{slugify(title)}-{short_hash(key)}"
    key = _title_key(abstract)
    if not key:
        raise ValueError("a paper needs a title, an abstract or an id")
    return f"untitled-{short_hash(key)}"


# --------------------------------------------------------------------------- lines


@dataclass(frozen=True)
class _Line:
    """One physical line of a file, decoded; ``problem`` says why the line is unusable."""

    number: int
    text: str
    problem: str | None = None


@dataclass(frozen=True)
class _Raw:
    """One record as a reader found it: where it starts, what it is called, its fields."""

    line: int
    fields: Mapping[str, Any]
    what: str = ""  # names the record in messages when its line alone is not enough


def _open_error(path: Path, err: OSError) -> InputError:
    if isinstance(err, FileNotFoundError):
        return InputError(f"{path}: no such file; check the path")
    if isinstance(err, PermissionError):
        return InputError(f"{path}: permission denied; check the file's permissions")
    if isinstance(err, IsADirectoryError):
        return InputError(f"{path}: is a directory; pass the directory itself to read() instead")
    return InputError(f"{path}: cannot be read ({err.strerror or err}); check the file")


_CHUNK = 1 << 16


def _physical_lines(handle) -> Iterator[bytes]:
    """The byte lines of a file, each with its line end: LF and CRLF, or a lone CR when the
    file's first 64 KiB hold CRs and no LF (classic Mac, Excel's "CSV (Macintosh)").

    A lone CR inside a file that has LFs stays part of its line (a CSV field may hold one).
    """
    head = handle.read(_CHUNK)
    handle.seek(0)
    if b"\r" not in head or b"\n" in head:
        yield from handle
        return
    rest = b""
    while chunk := handle.read(_CHUNK):
        lines = (rest + chunk).split(b"\r")
        rest = lines.pop()
        for line in lines:
            yield line + b"\r"
    if rest:
        yield rest


def _lines(path: Path) -> Iterator[_Line]:
    """Decode ``path`` as UTF-8 one line at a time (BOM and the CR of CRLF or CR line ends removed).

    A line that is not UTF-8 or holds a NUL byte is still yielded (with U+FFFD for the
    bad bytes, so readers keep their place) but carries a ``problem``.
    """
    try:
        handle = open(path, "rb")
    except OSError as err:
        raise _open_error(path, err) from err
    with handle:
        offset = 0
        for number, raw in enumerate(_physical_lines(handle), start=1):
            size = len(raw)
            start = 0
            if number == 1:
                if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
                    raise InputError(f"{path}: file is UTF-16 or UTF-32 encoded; save it as UTF-8")
                if raw.startswith(b"\xef\xbb\xbf"):
                    start = 3
            end = size
            if raw.endswith(b"\r") and end > start:  # a CR line end (or a stray CR at the very end)
                end -= 1
            elif raw.endswith(b"\n"):
                end -= 1
                if end > start and raw[end - 1 : end] == b"\r":
                    end -= 1
            body = raw[start:end]
            problem = None
            nul = body.find(b"\x00")
            if nul >= 0:
                problem = (
                    f"line has a NUL byte at byte offset {offset + start + nul}; the file may be "
                    "binary or UTF-16: save it as UTF-8 text or remove the line"
                )
                body = body.replace(b"\x00", b"")
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as err:
                text = body.decode("utf-8", errors="replace")
                if problem is None:
                    problem = (
                        f"line is not valid UTF-8 (byte 0x{body[err.start]:02x} at byte offset "
                        f"{offset + start + err.start}); re-save the file as UTF-8 or fix the line"
                    )
            yield _Line(number, text, problem)
            offset += size


def _ensure_not_empty(path: Path) -> None:
    """Raise ``InputError`` if ``path`` holds nothing but whitespace (or a lone BOM)."""
    try:
        with open(path, "rb") as handle:
            first = True
            while chunk := handle.read(1 << 16):
                if first and chunk.startswith(b"\xef\xbb\xbf"):
                    chunk = chunk[3:]
                first = False
                if chunk.strip():
                    return
    except OSError as err:
        raise _open_error(path, err) from err
    raise InputError(f"{path}: file is empty; give a file with at least one paper")


class _LineIndex:
    """Maps a character offset in a decoded file to its 1-based line number."""

    def __init__(self, lines: list[_Line]):
        self.starts: list[int] = []
        position = 0
        for line in lines:
            self.starts.append(position)
            position += len(line.text) + 1

    def line(self, offset: int) -> int:
        return max(1, bisect_right(self.starts, offset))


class _BadLines:
    """The unusable lines of a file, handed out once each to the record that spans them.

    Lines are added in increasing order, so finding those of a record is a bisection.
    """

    def __init__(self) -> None:
        self._problems: dict[int, str] = {}
        self._numbers: list[int] = []

    def add(self, line: _Line) -> None:
        if line.problem is not None:
            self._problems[line.number] = line.problem
            self._numbers.append(line.number)

    def take(self, path: Path, first: int, last: int) -> RecordError | None:
        """The error for the first bad line in ``first..last``; those lines are then used up."""
        error = None
        at = bisect_left(self._numbers, first)
        while at < len(self._numbers) and self._numbers[at] <= last:
            number = self._numbers[at]
            problem = self._problems.pop(number, None)
            if error is None and problem is not None:
                error = RecordError(str(path), number, problem)
            at += 1
        return error

    def rest(self, path: Path) -> Iterator[RecordError]:
        """Errors for bad lines that belonged to no record (a comment, the space between entries)."""
        for number in sorted(self._problems):
            yield RecordError(str(path), number, self._problems[number])
        self._problems.clear()


def _whole_text(path: Path) -> tuple[str, list[_Line], _BadLines]:
    """The file decoded in one piece (for formats that need it), its lines and its bad lines."""
    lines = list(_lines(path))
    bad = _BadLines()
    for line in lines:
        bad.add(line)
    return "\n".join(line.text for line in lines), lines, bad


# --------------------------------------------------------------------------- building papers


# Unicode noncharacters (U+FDD0-FDEF and the last two code points of every plane): never text,
# and U+FFFE/U+FFFF make an RDF/XML or GraphML file ill-formed (XML 1.0 forbids them).
_NONCHARACTERS = re.compile("[\ufdd0-\ufdef" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17)
) + "]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(text: str) -> str:
    """Controls and noncharacters out, NFC, and every run of whitespace (newlines included) as one space."""
    text = " ".join(text.split())  # first, so line-breaking controls (VT, FF, NEL) part words
    text = _NONCHARACTERS.sub("", strip_controls(text))
    return " ".join(unicodedata.normalize("NFC", text).split())


def _visible(text: str) -> bool:
    """Whether ``text`` shows anything: not only format marks (U+200E, U+200B ...) and spaces."""
    return any(unicodedata.category(char)[0] not in "CZ" for char in text)


def _surrogate_problem(fields: Mapping[str, Any]) -> str | None:
    """Why a record's text cannot be written as UTF-8: a lone surrogate (a broken ``\\ud800`` escape)."""
    for key in _FIELDS:  # fields kg does not read may hold anything
        value = fields.get(key)
        texts = value if isinstance(value, (list, tuple)) else [value]
        for text in texts:
            if isinstance(text, str) and (match := _SURROGATE.search(text)):
                return (
                    f"{key} holds a lone surrogate \\u{ord(match.group()):04x} at character {match.start()} "
                    "(half of a broken \\u escape pair), which is not text; fix the escape or remove it"
                )
    return None


def _kind(value: Any) -> str:
    """How a JSON-ish value is called in an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


_AUTHOR_SPLIT = re.compile(r"\s*(?:;|,|\band\b|&)\s*", re.I)
_YEAR = re.compile(r"\d{4}")


def _split_authors(value: str) -> list[str]:
    """``"A and B"``, ``"A, B"``, ``"A; B"`` -> ``["A", "B"]``."""
    return [name for name in (_clean(part) for part in _AUTHOR_SPLIT.split(value)) if name]


class _Fields:
    """Typed access to one raw record's fields, raising ``RecordError`` that says what to do."""

    def __init__(self, path: str, raw: _Raw, names: Mapping[str, str]):
        self.path = path
        self.raw = raw
        self.names = names

    def error(self, reason: str) -> RecordError:
        prefix = f"{self.raw.what}: " if self.raw.what else ""
        return RecordError(self.path, self.raw.line, prefix + reason)

    def name(self, key: str) -> str:
        return self.names.get(key, key)

    def text(self, key: str) -> str | None:
        """An optional text field, cleaned; ``None`` when absent or blank."""
        value = self.raw.fields.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.error(f"{self.name(key)} is {_kind(value)}, not a string; write it as text")
        cleaned = _clean(value)
        return cleaned if _visible(cleaned) else None

    def required(self, key: str, blank_ok: bool = False) -> str:
        """A text field that must be present and non-blank, cleaned. With ``blank_ok``, a missing
        or blank field is ``""``; one whose characters are all invisible is still refused."""
        if self.raw.fields.get(key) is None:
            if blank_ok:
                return ""
            raise self.error(f"{self.name(key)} is missing; add one or remove the record")
        cleaned = self.text(key)
        if cleaned is None:
            raw = str(self.raw.fields.get(key))
            if blank_ok and not raw.strip():
                return ""
            if raw.strip():
                raise self.error(
                    f"{self.name(key)} has no visible characters (only controls or format marks); "
                    "fill it in or remove the record"
                )
            raise self.error(f"{self.name(key)} is empty; fill it in or remove the record")
        return cleaned

    def own_id(self) -> str | None:
        value = self.raw.fields.get("id")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise self.error(f"id is {_kind(value)}; write it as a string or leave it out")
        return _clean(str(value)) or None

    def authors(self) -> tuple[str, ...]:
        value = self.raw.fields.get("authors")
        if value is None:
            return ()
        if isinstance(value, str):
            return tuple(_split_authors(value))
        if isinstance(value, (list, tuple)):
            names = []
            for item in value:
                if not isinstance(item, str):
                    raise self.error(
                        f"{self.name('authors')} list holds {_kind(item)}; "
                        'list names as strings, e.g. ["Ada Lovelace", "Alan Turing"]'
                    )
                if cleaned := _clean(item):
                    names.append(cleaned)
            return tuple(names)
        raise self.error(
            f"{self.name('authors')} is {_kind(value)}; "
            'give a list of names or a string like "A and B"'
        )

    def year(self) -> int | None:
        value = self.raw.fields.get("year")
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            year = value
        elif isinstance(value, str) and _YEAR.fullmatch(value.strip()):
            year = int(value.strip())
        else:
            raise self.error(
                f"year is {_kind(value)} {str(value)[:20]!r}; "
                "write a four-digit year like 2024 or leave it out"
            )
        if not 1000 <= year <= 2999:
            raise self.error(f"year {year} is out of range; write a four-digit year")
        return year

    def arxiv_id(self, url: str | None) -> str | None:
        value = self.text("arxiv_id")
        if value is None:
            if url and _ARXIV_URL.match(url):
                return normalize_arxiv_id(url)
            return None
        bare = normalize_arxiv_id(value)
        if bare is None:
            raise self.error(
                f"{self.name('arxiv_id')} {value[:40]!r} is not an arXiv id; "
                "write it like 2301.00001 or hep-th/9901001, or leave it out"
            )
        return bare

    def doi(self) -> str | None:
        value = self.text("doi")
        if value is None:
            return None
        bare = normalize_doi(value)
        if bare is None:
            raise self.error(
                f"doi {value[:40]!r} is not a DOI; write it like 10.1145/3580305 "
                "or leave it out"
            )
        return bare


def _build(path: str, raw: _Raw, max_chars: int, names: Mapping[str, str]) -> Paper:
    """Validate and clean one raw record into a :class:`Paper` (or raise ``RecordError``)."""
    f = _Fields(path, raw, names)
    if problem := _surrogate_problem(raw.fields):
        raise f.error(problem)
    title = f.required("title", blank_ok=True)  # an abstract alone is a paper (PwC, SciERC, abstract-only CSVs)
    abstract = f.required("abstract")
    if len(title) > MAX_TITLE_CHARS:
        raise f.error(
            f"title is {len(title):,} characters (limit {MAX_TITLE_CHARS:,}); "
            "is a title line really an abstract? check the record"
        )
    if len(abstract) > max_chars:
        raise f.error(
            f"abstract is {len(abstract):,} characters, more than max_chars={max_chars:,}; "
            "shorten it or raise max_chars"
        )
    url = f.text("url")
    arxiv_id = f.arxiv_id(url)
    doi = f.doi()
    own = f.own_id()
    return Paper(
        id=paper_id(title, id=own, arxiv_id=arxiv_id, doi=doi, abstract=abstract),
        title=title,
        abstract=abstract,
        url=url,
        authors=f.authors(),
        year=f.year(),
        arxiv_id=arxiv_id,
        doi=doi,
        source=f"{path}:{raw.line}",
    )


# --------------------------------------------------------------------------- readers

_Item = _Raw | RecordError
Reader = Callable[[Path], Iterator[_Item]]

_BOILERPLATE = ("get trending papers in your email inbox",)
_SUBSCRIBE = "Subscribe"


def _read_trending(path: Path) -> Iterator[_Item]:
    """The bundled page text: optional boilerplate, then title and abstract lines in turn.

    Blank lines are ignored; ``Subscribe`` glued to the first title is removed.
    """
    in_preamble = True
    title: _Line | None = None
    for line in _lines(path):
        text = line.text.strip()
        if not text and line.problem is None:
            continue
        if in_preamble and line.problem is None:
            if text.casefold().startswith(_BOILERPLATE) or text == _SUBSCRIBE:
                continue
            rest = text[len(_SUBSCRIBE) :]
            if text.startswith(_SUBSCRIBE) and (rest[:1].isupper() or rest[:1].isdigit()):
                text = rest
            line = _Line(line.number, text)
        in_preamble = False
        if title is None:
            title = line
            continue
        bad = title if title.problem else line if line.problem else None
        if bad is not None:
            yield RecordError(str(path), bad.number, f"{bad.problem}; its paper was skipped")
        else:
            yield _Raw(title.number, {"title": title.text, "abstract": line.text})
        title = None
    if title is not None:
        yield RecordError(
            str(path),
            title.number,
            "title has no abstract line after it (end of file); add the abstract or remove the title",
        )


def _json_error(err: ValueError) -> str:
    if isinstance(err, json.JSONDecodeError):
        return f"{err.msg.removesuffix(' at')} at column {err.colno}"
    return str(err)


def _read_jsonl(path: Path) -> Iterator[_Item]:
    """One JSON object a line; blank lines are ignored."""
    for line in _lines(path):
        if line.problem is not None:
            yield RecordError(str(path), line.number, line.problem)
            continue
        if not line.text.strip():
            continue
        try:
            record = json.loads(line.text)
        except RecursionError:
            yield RecordError(str(path), line.number, "line is JSON nested too deeply; flatten it or remove it")
            continue
        except ValueError as err:
            yield RecordError(
                str(path), line.number, f"line is not valid JSON ({_json_error(err)}); fix the line or remove it"
            )
            continue
        if not isinstance(record, dict):
            yield RecordError(
                str(path),
                line.number,
                f'line is {_kind(record)}, not a JSON object; write one object a line like {{"title": ..., "abstract": ...}}',
            )
            continue
        yield _Raw(line.number, record)


_WS = re.compile(r"\s*")


def _read_json(path: Path) -> Iterator[_Item]:
    """A JSON array of objects; a file that does not start with ``[`` is read as JSONL."""
    text, lines, bad = _whole_text(path)
    start = _WS.match(text).end()  # type: ignore[union-attr]
    if not text.startswith("[", start):
        yield from _read_jsonl(path)
        return
    index = _LineIndex(lines)
    decoder = json.JSONDecoder()
    pos = start + 1
    while True:
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        if text.startswith("]", pos):
            break
        first = index.line(pos)
        try:
            record, end = decoder.raw_decode(text, pos)
        except RecursionError:
            yield RecordError(str(path), first, "array item is nested too deeply; flatten it or remove it")
            break
        except ValueError as err:
            line = index.line(err.pos) if isinstance(err, json.JSONDecodeError) else first
            yield bad.take(path, first, line) or RecordError(
                str(path),
                line,
                f"file is not valid JSON from here ({_json_error(err)}); fix it (items after this were not read)",
            )
            break
        problem = bad.take(path, first, index.line(end - 1))
        if problem is not None:
            yield problem
        elif not isinstance(record, dict):
            yield RecordError(
                str(path), first, f"array item is {_kind(record)}, not an object; each item must be an object"
            )
        else:
            yield _Raw(first, record)
        pos = _WS.match(text, end).end()  # type: ignore[union-attr]
        if text.startswith(",", pos):
            pos += 1
        elif not text.startswith("]", pos):
            yield RecordError(
                str(path),
                index.line(pos),
                "expected ',' or ']' after an array item; fix the JSON (items after this were not read)",
            )
            break
    yield from bad.rest(path)


_CSV_FIELD_LIMIT = 1 << 24  # 16 MiB: far beyond any abstract, small enough to stop a runaway quote


def _raise_csv_field_limit() -> None:
    """Let a CSV field hold a long abstract (the csv module's default stops at 128 KiB).

    The limit is process-wide in the csv module, so we only ever raise it, and to a
    value that fits a C ``long`` on every platform (``sys.maxsize`` overflows on Windows).
    Abstracts over ``max_chars`` are refused later, with a clearer message.
    """
    if csv.field_size_limit() < _CSV_FIELD_LIMIT:
        csv.field_size_limit(_CSV_FIELD_LIMIT)


def _read_delimited(path: Path, delimiter: str) -> Iterator[_Item]:
    """A header row naming ``title`` and ``abstract`` (any case), then one record a row."""
    _raise_csv_field_limit()
    bad = _BadLines()

    def physical_lines() -> Iterator[str]:
        for line in _lines(path):
            bad.add(line)
            yield line.text + "\n"

    rows = csv.reader(physical_lines(), delimiter=delimiter, strict=True)
    end = 0
    header: list[str] | None = None
    header_line = 0
    while header is None:
        start = end + 1
        try:
            row = next(rows)
        except StopIteration:
            raise InputError(f"{path}: file has no header row; the first row must name the columns, e.g. title,abstract") from None
        except csv.Error as err:
            raise InputError(f"{path}:{start}: the header row cannot be parsed ({err}); fix its quoting") from err
        end = rows.line_num
        if any(cell.strip() for cell in row):
            header, header_line = row, start
    problem = bad.take(path, header_line, end)
    if problem is not None:
        raise InputError(f"{path}:{problem.line}: the header row is unusable: {problem.reason}")
    names = [cell.strip().lstrip("\ufeff").casefold() for cell in header]
    missing = [name for name in ("title", "abstract") if name not in names]
    if missing:
        found = ", ".join(repr(cell.strip()) for cell in header) or "none"
        sep = "tab" if delimiter == "\t" else repr(delimiter)
        raise InputError(
            f"{path}:{header_line}: the header row has no {' or '.join(repr(m) for m in missing)} column "
            f"(found: {found}, separated by {sep}); name the columns in the first row, e.g. title{delimiter}abstract"
        )
    columns: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in _FIELDS:
            columns.setdefault(name, i)
    while True:
        start = end + 1
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as err:
            end = rows.line_num
            yield bad.take(path, start, end) or RecordError(
                str(path), start, f"row cannot be parsed ({err}); check its quotes"
            )
            continue
        end = rows.line_num
        problem = bad.take(path, start, end)
        if problem is not None:
            yield problem
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield RecordError(
                str(path),
                start,
                f"row has {_count(len(row), 'field')} but the header (line {header_line}) has {len(header)}; "
                f"quote fields that contain {'tabs' if delimiter == chr(9) else 'commas'} or fix the row",
            )
            continue
        yield _Raw(start, {name: row[i] for name, i in columns.items()})
    yield from bad.rest(path)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _read_csv(path: Path) -> Iterator[_Item]:
    return _read_delimited(path, ",")


def _read_tsv(path: Path) -> Iterator[_Item]:
    return _read_delimited(path, "\t")


# ---- BibTeX


class _BibSyntax(Exception):
    """A BibTeX entry that cannot be parsed; ``pos`` is where parsing gave up."""

    def __init__(self, pos: int, reason: str):
        super().__init__(reason)
        self.pos = pos
        self.reason = reason
        self.start = pos
        self.end = pos


_MONTHS = {m: str(i) for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
)}
_ENTRY_HEAD = re.compile(r"@[ \t]*([A-Za-z]+)\s*([{(])")
_NEXT_ENTRY = re.compile(r"^[ \t]*@", re.M)
_FIELD_NAME = re.compile(r"[A-Za-z_][\w\-:.+]*")
_KEY = re.compile(r"[^\s,{}()]*")
_BARE = re.compile(r"[\w\-:.+/]+")


class _BibParser:
    """A small, tolerant BibTeX parser: entries, ``@string`` macros, ``#`` concatenation.

    ``@comment`` and ``@preamble`` are skipped; text outside entries is a comment.
    """

    def __init__(self, text: str):
        self.text = text
        self.macros = dict(_MONTHS)

    def entries(self) -> Iterator[tuple[int, int, str, str, dict[str, str]] | _BibSyntax]:
        """``(start, end, type, key, fields)`` per entry, or a ``_BibSyntax`` for a broken one.

        After a broken entry, parsing resumes at the next line that starts with ``@``
        (the error's ``end``).
        """
        pos = 0
        text = self.text
        while (at := text.find("@", pos)) >= 0:
            head = _ENTRY_HEAD.match(text, at)
            if head is None:
                pos = at + 1
                continue
            kind = head.group(1).lower()
            close = "}" if head.group(2) == "{" else ")"
            try:
                if kind in ("comment", "preamble"):
                    pos = self._skip_group(head.end(), close, at)
                    continue
                if kind == "string":
                    fields, pos = self._fields(head.end(), close, at)
                    self.macros.update((name, value) for name, value in fields.items())
                    continue
                key, pos = self._key(head.end(), close)
                fields, pos = self._fields(pos, close, at)
                yield at, pos, kind, key, fields
            except _BibSyntax as err:
                resume = _NEXT_ENTRY.search(text, at + 1)
                pos = err.end = resume.start() if resume else len(text)
                err.start = at
                yield err

    def _skip_ws(self, pos: int) -> int:
        return _WS.match(self.text, pos).end()  # type: ignore[union-attr]

    def _skip_group(self, pos: int, close: str, start: int) -> int:
        """Past the ``close`` matching an already-opened entry delimiter."""
        depth = 0
        text = self.text
        while pos < len(text):
            char = text[pos]
            if char == "\\":
                pos += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}" and depth > 0:
                depth -= 1
            elif char == close and depth == 0:
                return pos + 1
            pos += 1
        raise _BibSyntax(start, "entry is never closed (unbalanced braces?)")

    def _key(self, pos: int, close: str) -> tuple[str, int]:
        pos = self._skip_ws(pos)
        match = _KEY.match(self.text, pos)
        key = match.group(0) if match else ""
        pos = self._skip_ws(match.end() if match else pos)
        if self.text.startswith(",", pos):
            return key, pos + 1
        if self.text.startswith(close, pos):
            return key, pos
        raise _BibSyntax(pos, "expected ',' after the citation key")

    def _fields(self, pos: int, close: str, start: int) -> tuple[dict[str, str], int]:
        fields: dict[str, str] = {}
        text = self.text
        while True:
            pos = self._skip_ws(pos)
            if pos >= len(text):
                raise _BibSyntax(start, "entry is never closed (unbalanced braces?)")
            if text.startswith(close, pos):
                return fields, pos + 1
            name = _FIELD_NAME.match(text, pos)
            if name is None:
                raise _BibSyntax(pos, f"expected a field name, found {text[pos:pos + 12]!r}")
            pos = self._skip_ws(name.end())
            if not text.startswith("=", pos):
                raise _BibSyntax(pos, f"expected '=' after field {name.group(0)!r}")
            value, pos = self._value(pos + 1, start)
            fields.setdefault(name.group(0).lower(), value)
            pos = self._skip_ws(pos)
            if text.startswith(",", pos):
                pos += 1
            elif not text.startswith(close, pos):
                raise _BibSyntax(pos, f"expected ',' or '{close}' after field {name.group(0)!r}")

    def _value(self, pos: int, start: int) -> tuple[str, int]:
        parts = []
        text = self.text
        while True:
            pos = self._skip_ws(pos)
            if text.startswith("{", pos):
                part, pos = self._delimited(pos + 1, "}", start)
            elif text.startswith('"', pos):
                part, pos = self._delimited(pos + 1, '"', start)
            else:
                bare = _BARE.match(text, pos)
                if bare is None:
                    raise _BibSyntax(pos, "expected a value in braces, quotes, a number or a @string name")
                word = bare.group(0)
                part = word if word.isdigit() else self.macros.get(word.lower(), word)
                pos = bare.end()
            parts.append(part)
            pos = self._skip_ws(pos)
            if not text.startswith("#", pos):
                return "".join(parts), pos
            pos += 1

    def _delimited(self, pos: int, end: str, start: int) -> tuple[str, int]:
        """The text up to ``end`` at brace depth 0 (braces kept, for LaTeX conversion)."""
        depth = 0
        text = self.text
        begin = pos
        while pos < len(text):
            char = text[pos]
            if char == "\\":
                pos += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                if depth == 0:
                    if end == "}":
                        return text[begin:pos], pos + 1
                    raise _BibSyntax(pos, "a '}' closes nothing inside a quoted value")
                depth -= 1
            elif char == end and depth == 0:
                return text[begin:pos], pos + 1
            pos += 1
        raise _BibSyntax(start, "entry is never closed (unbalanced braces?)")


_ACCENTS = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a", "d": "\u0323", "b": "\u0331",
}
_SYMBOLS = {
    "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
    "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "S": "§", "P": "¶", "dag": "†", "ddag": "‡",
    "copyright": "©", "textregistered": "®", "texttrademark": "™", "ldots": "…", "dots": "…",
    "textendash": "–", "textemdash": "—", "textquoteleft": "‘", "textquoteright": "’",
    "textquotedblleft": "“", "textquotedblright": "”", "textasciitilde": "~", "textbackslash": "\\",
    "textbar": "|", "textless": "<", "textgreater": ">", "euro": "€", "pounds": "£",
}
_FORMATTING = {
    "emph", "textbf", "textit", "texttt", "textrm", "textsf", "textsc", "textup", "textsl",
    "textnormal", "textsuperscript", "textsubscript", "mbox", "hbox", "text", "url", "em", "bf",
    "it", "tt", "rm", "sc", "sf", "sl", "relax", "protect", "noopsort",
}
_ESCAPED = {
    **{char: char for char in "&%$#_{}"},
    **{char: " " for char in " ,;:!\\"},  # spacing commands and the \\ line break
    "-": "",  # a hyphenation hint
}
_COMMAND = re.compile(r"[A-Za-z]+")


#: TeX input ligatures, longest first: "---" is an em dash before "--" can be an en dash
_LATEX_LIGATURES = (("---", "—"), ("--", "–"), ("``", "“"), ("''", "”"))


def _latex_to_text(value: str) -> str:
    """Plain Unicode from a BibTeX value: accents, escapes, dashes, quotes; braces dropped.

    Math between ``$`` signs is kept as written; unknown commands keep their name.

    >>> _latex_to_text(r'Sch{\\"o}lkopf \\& M\\"{u}ller~--- {GAN}s')
    'Schölkopf & Müller — GANs'
    """
    out: list[str] = []
    i, n = 0, len(value)
    while i < n:
        char = value[i]
        if char == "$":
            close = value.find("$", i + 1)
            close = n - 1 if close < 0 else close
            out.append(value[i : close + 1])
            i = close + 1
        elif char == "\\":
            i = _latex_command(value, i + 1, out)
        elif char in "{}":
            i += 1
        elif char == "~":
            out.append(" ")
            i += 1
        else:
            ligature = next((pair for pair in _LATEX_LIGATURES if value.startswith(pair[0], i)), None)
            out.append(ligature[1] if ligature else char)
            i += len(ligature[0]) if ligature else 1
    return unicodedata.normalize("NFC", "".join(out))


def _latex_command(value: str, i: int, out: list[str]) -> int:
    """Convert the command starting after a backslash at ``i``; return where parsing resumes."""
    if i >= len(value):
        out.append("\\")
        return i
    word = _COMMAND.match(value, i)
    name = word.group(0) if word else value[i]
    after = word.end() if word else i + 1
    if name in _ACCENTS and (word is None or len(name) == 1):
        base, after = _accent_base(value, after, letter_command=word is not None)
        if base is None:
            out.append(name if word else "")
            return after
        out.append(base + _ACCENTS[name])
        return after
    if word is None:
        out.append(_ESCAPED.get(name, "\\" + name))
        return after
    if name in _SYMBOLS:
        out.append(_SYMBOLS[name])
    elif name not in _FORMATTING:
        out.append("\\" + name)
        return after
    # a control word swallows the spaces after it
    return _WS.match(value, after).end()  # type: ignore[union-attr]


def _accent_base(value: str, i: int, letter_command: bool) -> tuple[str | None, int]:
    """The letter an accent applies to, starting at ``i``, and where parsing resumes.

    ``{o}`` and ``{\\i}`` give their letter; the closing brace is left to the caller,
    which drops braces anyway (so nesting costs no recursion).
    """
    if letter_command:
        i = _WS.match(value, i).end()  # type: ignore[union-attr]
    if value.startswith("{", i):
        i += 1
    if i >= len(value) or value[i] in "{}":
        return None, i
    if value[i] == "\\":
        word = _COMMAND.match(value, i + 1)
        if word and word.group(0) in ("i", "j"):
            return word.group(0), word.end()
        return None, i
    return value[i], i + 1


_BIB_AND = re.compile(r"\s+and\s+", re.I)


def _bib_authors(value: str) -> list[str]:
    """``"Doe, Jane and {Barnes and Noble} and others"`` -> ``["Jane Doe", "Barnes and Noble"]``."""
    names, depth, begin = [], 0, 0
    pieces = []
    i = 0
    while i < len(value):
        char = value[i]
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        elif depth == 0 and (match := _BIB_AND.match(value, i)):
            pieces.append(value[begin:i])
            i = begin = match.end()
            continue
        i += 1
    pieces.append(value[begin:])
    for piece in pieces:
        parts = _split_top_level(piece, ",")
        if len(parts) == 3:  # von Last, Jr, First
            piece = f"{parts[2]} {parts[0]} {parts[1]}"
        elif len(parts) == 2:  # von Last, First
            piece = f"{parts[1]} {parts[0]}"
        name = _clean(_latex_to_text(piece))
        if name and name.casefold() != "others":
            names.append(name)
    return names


def _split_top_level(text: str, sep: str) -> list[str]:
    parts, depth, begin = [], 0, 0
    for i, char in enumerate(text):
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        elif char == sep and depth == 0:
            parts.append(text[begin:i])
            begin = i + 1
    parts.append(text[begin:])
    return [part.strip() for part in parts]


def _bib_record(fields: dict[str, str]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for key in ("title", "abstract"):
        if key in fields:
            record[key] = _latex_to_text(fields[key])
    if "author" in fields:
        record["authors"] = _bib_authors(fields["author"])
    year = fields.get("year") or fields.get("date", "")[:4]
    if year:
        record["year"] = _latex_to_text(year).strip()
    for key in ("doi", "url"):
        if key in fields:
            record[key] = fields[key].replace("{", "").replace("}", "").replace("\\_", "_")
    prefix = fields.get("archiveprefix", fields.get("eprinttype", "arxiv")).strip("{} ").lower()
    for key in ("arxiv", "arxivid", "eprint"):
        if key in fields and (key != "eprint" or prefix == "arxiv"):
            record["arxiv_id"] = fields[key].strip("{} ")
            break
    return record


def _read_bibtex(path: Path) -> Iterator[_Item]:
    """``@article{key, title = {...}, ...}`` entries; ``@string`` macros and ``#`` are understood."""
    text, lines, bad = _whole_text(path)
    index = _LineIndex(lines)
    for entry in _BibParser(text).entries():
        if isinstance(entry, _BibSyntax):
            first = index.line(entry.start)
            problem = bad.take(path, first, index.line(max(entry.start, entry.end - 1)))
            where = index.line(entry.pos)
            at = f" (at line {where})" if where != first else ""
            yield problem or RecordError(
                str(path), first, f"entry is malformed{at}: {entry.reason}; check its braces, quotes and commas"
            )
            continue
        start, end, kind, key, fields = entry
        first = index.line(start)
        problem = bad.take(path, first, index.line(end - 1))
        if problem is not None:
            yield problem
            continue
        yield _Raw(first, _bib_record(fields), f"entry @{kind}{{{key}}}")
    yield from bad.rest(path)


# ---- Atom


_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV_NS = "{http://arxiv.org/schemas/atom}"
_DTD = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.I)


def _element_text(element: ET.Element | None) -> str | None:
    return None if element is None else "".join(element.itertext())


def _first(element: ET.Element, *tags: str) -> ET.Element | None:
    """The first child with one of ``tags`` (an Element with no children is falsy: no ``or``)."""
    for tag in tags:
        found = element.find(tag)
        if found is not None:
            return found
    return None


def _atom_record(entry: ET.Element) -> dict[str, Any]:
    record: dict[str, Any] = {
        "title": _element_text(entry.find(f"{_ATOM}title")),
        "abstract": _element_text(_first(entry, f"{_ATOM}summary", f"{_ATOM}content")),
        "authors": [
            name for author in entry.findall(f"{_ATOM}author")
            if (name := _element_text(author.find(f"{_ATOM}name")))
        ],
    }
    entry_id = (_element_text(entry.find(f"{_ATOM}id")) or "").strip()
    if entry_id and _ARXIV_URL.match(entry_id):
        record["arxiv_id"] = entry_id
    elif entry_id:
        record["id"] = entry_id
    published = (_element_text(_first(entry, f"{_ATOM}published", f"{_ATOM}updated")) or "").strip()
    if _YEAR.match(published):
        record["year"] = published[:4]
    doi = _element_text(entry.find(f"{_ARXIV_NS}doi"))
    if doi:
        record["doi"] = doi
    links = entry.findall(f"{_ATOM}link")
    alternate = [link.get("href") for link in links if link.get("rel", "alternate") == "alternate"]
    if alternate and alternate[0]:
        record["url"] = alternate[0]
    elif entry_id.startswith(("http://", "https://")):
        record["url"] = entry_id
    return record


def _read_atom(path: Path) -> Iterator[_Item]:
    """An Atom feed such as the arXiv API returns, parsed as it is read.

    Documents with a DTD or entity declarations are refused (no XXE, no entity bombs).
    """
    parser = ET.XMLPullParser(events=("start", "end"))
    bad = _BadLines()
    root: ET.Element | None = None
    entry_line = 0
    last = 0
    try:
        for line in _lines(path):
            last = line.number
            bad.add(line)
            if _DTD.search(line.text):
                raise InputError(
                    f"{path}:{line.number}: the document declares a DTD or entity (<!DOCTYPE or <!ENTITY); "
                    "kg refuses these to stay safe from entity attacks (XXE); remove the declaration"
                )
            parser.feed(line.text + "\n")
            for event, element in parser.read_events():
                if root is None:
                    root = element
                    if element.tag != f"{_ATOM}feed":
                        raise InputError(
                            f"{path}:{line.number}: the root element is <{element.tag}>, not an Atom <feed>; "
                            "give an Atom feed or force another format"
                        )
                    continue
                if element.tag != f"{_ATOM}entry":
                    continue
                if event == "start":
                    entry_line = line.number
                    continue
                yield _atom_item(path, element, entry_line, bad.take(path, entry_line, line.number))
                _forget(root, element)
        parser.close()
        for event, element in parser.read_events():
            if element.tag == f"{_ATOM}entry" and event == "end" and root is not None:
                yield _atom_item(path, element, entry_line, bad.take(path, entry_line, last))
    except ET.ParseError as err:
        line_number = err.position[0] if err.position else last
        yield bad.take(path, line_number, line_number) or RecordError(
            str(path),
            line_number,
            f"the XML is not well-formed ({err}); "
            "fix the document (entries after this point were not read)",
        )
        return
    if root is None:
        raise InputError(f"{path}: no XML element found; give an Atom feed")
    yield from bad.rest(path)


def _forget(root: ET.Element, element: ET.Element) -> None:
    """Drop a finished entry so a long feed does not pile up in memory."""
    element.clear()
    try:
        root.remove(element)
    except ValueError:  # not a direct child of the feed
        pass


def _atom_item(path: Path, entry: ET.Element, line: int, problem: RecordError | None) -> _Item:
    if problem is not None:
        return problem
    entry_id = _element_text(entry.find(f"{_ATOM}id")) or ""
    if "arxiv.org/api/errors" in entry_id:
        summary = _clean(_element_text(entry.find(f"{_ATOM}summary")) or "unknown error")
        return RecordError(str(path), line, f"the arXiv API returned an error ({summary}); fix the query")
    return _Raw(line, _atom_record(entry))


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class Format:
    """One input format: its name, the file extensions that imply it, and its reader."""

    name: str
    extensions: tuple[str, ...]
    reader: Reader
    description: str
    field_names: Mapping[str, str] = field(default_factory=dict)


FORMATS: Mapping[str, Format] = MappingProxyType({
    fmt.name: fmt
    for fmt in (
        Format("trending", (".txt",), _read_trending, "page text: title and abstract lines in turn"),
        Format("jsonl", (".jsonl", ".ndjson"), _read_jsonl, "one JSON object a line"),
        Format("json", (".json",), _read_json, "a JSON array of objects (or JSONL)"),
        Format("csv", (".csv",), _read_csv, "comma-separated, header row with title and abstract"),
        Format("tsv", (".tsv",), _read_tsv, "tab-separated, header row with title and abstract"),
        Format(
            "bibtex", (".bib",), _read_bibtex, "BibTeX entries with an abstract field",
            {"authors": "author", "arxiv_id": "eprint"},
        ),
        Format(
            "atom", (".atom", ".xml"), _read_atom, "an Atom feed (the arXiv API)",
            {"abstract": "<summary>", "title": "<title>", "doi": "<arxiv:doi>"},
        ),
    )
})
"""Every input format by name; ``read(format=...)`` takes one of these names."""

_BY_EXTENSION = {ext: fmt.name for fmt in FORMATS.values() for ext in fmt.extensions}
_SNIFF_BYTES = 1 << 16


def detect_format(path: str | os.PathLike[str]) -> str:
    """The format name of ``path``: from its extension, else from its first bytes.

    >>> detect_format("papers.ndjson"), detect_format("refs.BIB"), detect_format("x.tsv")
    ('jsonl', 'bibtex', 'tsv')
    """
    path = Path(path)
    by_extension = _BY_EXTENSION.get(path.suffix.lower())
    if by_extension:
        return by_extension
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as err:
        raise _open_error(path, err) from err
    text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace").lstrip()
    if not text:
        raise InputError(f"{path}: file is empty; give a file with at least one paper")
    first_line = text.split("\n", 1)[0].casefold()
    if text.startswith("<"):
        return "atom"
    if text.startswith("["):
        return "json"
    if text.startswith("{"):
        return "jsonl"
    if re.search(r"^\s*@[ \t]*[A-Za-z]+\s*[{(]", text, re.M):
        return "bibtex"
    if "title" in first_line and "abstract" in first_line:
        return "tsv" if "\t" in first_line else "csv"
    return "trending"


# --------------------------------------------------------------------------- reading


def _expand(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The files to read: each path itself, or a directory's supported files, sorted by name."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            inside = sorted(
                child for child in path.iterdir()
                if child.is_file() and not child.name.startswith(".") and child.suffix.lower() in _BY_EXTENSION
            )
            if not inside:
                raise InputError(
                    f"{path}: directory holds no supported files; expected one of "
                    f"{', '.join(sorted(_BY_EXTENSION))}"
                )
            files.extend(inside)
        elif path.exists():
            files.append(path)
        else:
            raise InputError(f"{path}: no such file or directory; check the path")
    return files


def read(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    format: str | None = None,
    on_error: str = "skip",
    report: IngestReport | None = None,
    *,
    max_chars: int = MAX_CHARS,
) -> Iterator[Paper]:
    """Read papers from files (or directories of files), one at a time.

    Parameters
    ----------
    paths : a path, or several; a directory stands for its supported files, sorted by name.
    format : a name in :data:`FORMATS` to force for every file; ``None`` detects each file's.
    on_error : ``"skip"`` collects bad records in ``report.skipped``; ``"fail"`` raises the first.
    report : an :class:`IngestReport` to fill in (counts and skipped records).
    max_chars : abstracts longer than this are bad records (never truncated).

    Raises
    ------
    InputError
        at once for a missing path or unknown format; while reading for a file that cannot
        be used at all (empty, CSV without title/abstract columns, XML with a DTD) when it
        is the only file, or ``on_error="fail"``, or every file is unusable. Otherwise such
        a file is one entry of ``report.skipped`` (line 0 when the problem has no line).
    RecordError
        for the first bad record when ``on_error="fail"``.

    Duplicates are not removed here; see :func:`dedupe` and :func:`read_papers`.
    """
    if on_error not in ("skip", "fail"):
        raise ValueError(f"on_error must be 'skip' or 'fail', not {on_error!r}")
    if format is not None and format not in FORMATS:
        raise InputError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    if max_chars < 1:
        raise ValueError(f"max_chars must be positive, not {max_chars}")
    files = _expand(paths)
    return _read_files(files, format, on_error, report if report is not None else IngestReport(), max_chars)


def _read_files(
    files: list[Path], format: str | None, on_error: str, report: IngestReport, max_chars: int
) -> Iterator[Paper]:
    tolerate = on_error == "skip" and len(files) > 1
    unusable: list[InputError] = []
    for path in files:
        try:
            yield from _read_file(path, format, on_error, report, max_chars)
        except RecordError:
            raise
        except InputError as err:
            if not tolerate:
                raise
            unusable.append(err)
            report.read += 1
            report.skipped.append(_as_record_error(path, err))
    if unusable and len(unusable) == len(files):
        raise unusable[0]


def _read_file(
    path: Path, format: str | None, on_error: str, report: IngestReport, max_chars: int
) -> Iterator[Paper]:
    fmt = FORMATS[format or detect_format(path)]
    _ensure_not_empty(path)
    report.files.append(str(path))
    for item in fmt.reader(path):
        report.read += 1
        if isinstance(item, _Raw):
            try:
                paper = _build(str(path), item, max_chars, fmt.field_names)
                report.untitled += not paper.title
                yield paper
                continue
            except RecordError as err:
                item = err
        if on_error == "fail":
            raise item
        report.skipped.append(item)


_LINE_PREFIX = re.compile(r"(\d+): ")


def _as_record_error(path: Path, err: InputError) -> RecordError:
    """A whole-file problem as a skipped record: ``file:line: reason`` (line 0: the whole file)."""
    message = str(err).removeprefix(f"{path}:").lstrip()
    line = 0
    if match := _LINE_PREFIX.match(message):
        line, message = int(match.group(1)), message[match.end() :]
    return RecordError(str(path), line, f"{message}; the whole file was skipped")


def dedupe(papers: Iterable[Paper], report: IngestReport | None = None) -> Iterator[Paper]:
    """Drop a paper seen before: same id, normalised title, arXiv id or DOI.

    The first paper wins whole: it has already been handed on when a duplicate arrives
    (this is a stream), so a later copy's extra fields are not merged into it.
    ``report.merged`` counts the dropped copies.
    """
    seen: set[tuple[str, str]] = set()
    for paper in papers:
        keys = {("id", paper.id)}
        if paper.title:
            keys.add(("title", _title_key(paper.title)))
        if paper.arxiv_id:
            keys.add(("arxiv", paper.arxiv_id.lower()))
        if paper.doi:
            keys.add(("doi", paper.doi.lower()))
        if keys & seen:
            if report is not None:
                report.merged += 1
            continue
        seen |= keys
        yield paper


def read_papers(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    format: str | None = None,
    on_error: str = "skip",
    *,
    max_chars: int = MAX_CHARS,
) -> tuple[list[Paper], IngestReport]:
    """All papers from ``paths``, duplicates merged, with the report of what happened.

    >>> from importlib.resources import files
    >>> papers, report = read_papers(files("kg") / "data" / "trending-papers.txt")
    >>> len(papers), report.kept, len(report.skipped)
    (243, 243, 0)
    """
    report = IngestReport()
    papers = list(dedupe(read(paths, format, on_error, report, max_chars=max_chars), report))
    return papers, report
