"""Errors raised by kg.

Every error a user can cause derives from :class:`KGError` and carries a message
that says what went wrong, where, and what to do about it::

    KGError
     ├── InputError            a file cannot be read at all (missing, unreadable, unknown format)
     │    └── RecordError      one record of an input file is bad (file:line: reason)
     ├── ExtractionError       the spaCy pipeline cannot be loaded or configured
     ├── GraphError            a graph file or store cannot be loaded or written
     ├── QueryError            a SPARQL query is malformed, refused, or timed out
     ├── ValidationError       a graph violates the SHACL shapes
     └── ExportError           an export format is unknown or cannot be written

The CLI turns each of these into a one-line message and the exit code in ``exit_code``.
"""

from __future__ import annotations

__all__ = [
    "KGError",
    "InputError",
    "RecordError",
    "ExtractionError",
    "GraphError",
    "QueryError",
    "ValidationError",
    "ExportError",
]


class KGError(Exception):
    """Base class of every error kg raises on purpose."""

    exit_code = 1


class InputError(KGError):
    """An input file cannot be used (missing, empty, unknown format)."""

    exit_code = 2


class RecordError(InputError):
    """One record of an input file is invalid.

    ``path`` and ``line`` say where; ``reason`` says what is wrong.
    """

    def __init__(self, path: str, line: int, reason: str):
        self.path = str(path)
        self.line = line
        self.reason = reason
        super().__init__(f"{self.path}:{line}: {reason}")


class ExtractionError(KGError):
    """The extraction pipeline cannot be built (model missing, bad pattern file)."""

    exit_code = 3


class GraphError(KGError):
    """A graph cannot be loaded, parsed or written."""

    exit_code = 4


class QueryError(KGError):
    """A SPARQL query is malformed, refused, or ran out of time."""

    exit_code = 5


class ValidationError(KGError):
    """A graph does not conform to the ontology's SHACL shapes."""

    exit_code = 6


class ExportError(KGError):
    """An export format is unknown or the export cannot be written."""

    exit_code = 7
