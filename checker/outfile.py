"""Writing the files the checker makes (reports, baselines, workbooks): atomically, never half a file.

Each is written to a temporary file in the target's folder and renamed over the target, so a reader (a CI
upload step, a supervisor opening the report) sees the old file or the new one, never a part. The result
gets the usual permissions of a new file (``mkstemp`` makes it private), since reports are passed on.
Input letters are never written: nothing here is called with an input's path.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Union


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: Union[str, Path]) -> Iterator[str]:
    """A temporary path to write to; renamed to ``path`` when the block ends without an exception."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_atomically(path: Union[str, Path], data: Union[str, bytes, Iterable[bytes]]) -> None:
    """Write text (UTF-8, LF line ends), bytes, or byte chunks to ``path`` atomically."""
    chunks = [data.encode("utf-8")] if isinstance(data, str) else [data] if isinstance(data, bytes) else data
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        for chunk in chunks:
            fh.write(chunk)


__all__ = ["atomic_path", "write_atomically"]
