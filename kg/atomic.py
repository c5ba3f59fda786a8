"""Atomic file writes: every output is written to a temporary file beside its final name,
fsynced, given the mode any new file gets under the user's umask, and moved into place, so a
reader (or a crash) sees the old complete file or the new complete one, never a part.

Standard library only, so light modules (the HTML view) use it without loading rdflib.

>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
>>> write_atomically(target, b"done\\n")
>>> target.read_bytes(), sorted(p.name for p in target.parent.iterdir())
(b'done\\n', ['out.txt'])
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomically", "temporary_beside", "publish"]


def write_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see the module docstring)."""
    path = Path(path)
    if not path.parent.exists():  # a parent that is a file is left for mkstemp to name: "Not a directory"
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = temporary_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        publish(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def temporary_beside(path: Path) -> tuple[int, str]:
    """A new private temporary file in ``path``'s folder, named after it: ``(fd, name)``.
    A build removes such leftovers (``.NAME.*.tmp``) at its start."""
    return tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent if str(path.parent) else ".")


def publish(tmp: str | os.PathLike[str], path: str | os.PathLike[str]) -> None:
    """Move a finished temporary file into place as an ordinary file: mkstemp made it private
    (0600), the output gets 0666 less the umask, as ``open()`` would have given it."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, path)
