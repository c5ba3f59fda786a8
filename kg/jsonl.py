"""JSON Lines files of kg's own (extraction records, gold sets, pattern files), read as objects.

Every error names the file and the line and says what to do. Paper inputs in JSONL go through
:mod:`kg.ingest` instead, which skips bad records and reports them rather than stopping.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .errors import InputError, KGError

__all__ = ["objects"]


def objects(
    path: str | os.PathLike[str], error: Callable[[str], KGError] = InputError, what: str = "file"
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line number, object)`` for each non-blank line of ``path``.

    Raises ``error(message)`` for a file that cannot be read (``what`` names it in the message)
    and for a line that is not UTF-8 or not one JSON object.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
    ...     _ = f.write('{"id": 1}\\n\\n[2]\\n')
    >>> lines = objects(f.name)
    >>> next(lines)
    (1, {'id': 1})
    >>> next(lines)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kg.errors.InputError: ...jsonl:3: not a JSON object (a list); one object a line
    >>> os.unlink(f.name)
    """
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError as err:
        raise error(f"{path}: cannot read {what} ({err.strerror}); check the path") from err
    with handle:
        for number, raw in enumerate(handle, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                raise error(f"{path}:{number}: not UTF-8 (byte {raw[err.start]:#04x} at offset {err.start}); "
                            "save the file as UTF-8") from err
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as err:
                raise error(f"{path}:{number}: not valid JSON ({err.msg}); fix or remove the line") from err
            if not isinstance(value, dict):
                raise error(f"{path}:{number}: not a JSON object (a {_kind(value)}); one object a line")
            yield number, value


def _kind(value: Any) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(type(value), "null")
