"""Writing the files the checker makes (reports, baselines, workbooks): atomically, never half a file, and
never over something that is not ours to replace.

Each is written to a temporary file in the target's folder and renamed over the target, so a reader (a CI
upload step, a supervisor opening the report) sees the old file or the new one, never a part. A new file
gets the usual permissions (``mkstemp`` makes it private, reports are passed on); a replaced one keeps its own.

The target must be a regular file or not exist yet. A directory, a device (``-o /dev/null`` renamed over the
node would replace it, as root), a FIFO or a socket is refused, and so is any file given in ``protect`` (the
letters being checked, the config and baseline files: ``check letter.txt -o letter.txt`` must not destroy
the letter), compared by device and inode so that another name or a hard link of an input is caught too.
A symbolic link is written through: the new file is made beside the link's final target and renamed over
it, so the link stays a link. Refusals are ``UnsafeOutputError``, an ``OSError`` whose ``strerror`` is a
Chinese sentence, so that every caller's ``except OSError`` already reports them.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

PathLike = Union[str, Path]


_SYSTEM_FOLDERS = ("/dev/", "/proc/", "/sys/")


class UnsafeOutputError(OSError):
    """The output path names something that must not be replaced; ``strerror`` says what, in Chinese."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def file_identities(paths: Iterable[PathLike]) -> frozenset[tuple[int, int]]:
    """(device, inode) of each path that exists (links followed); the others are left out."""
    identities = set()
    for path in paths:
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            continue
        identities.add((st.st_dev, st.st_ino))
    return frozenset(identities)


def output_target(path: PathLike, protect: Iterable[PathLike] | frozenset = ()) -> tuple[Path, Optional[os.stat_result]]:
    """The file writing ``path`` will replace (a link's final target) and its status (None: not there yet).
    Raises ``UnsafeOutputError`` when it must not be replaced (see the module docstring)."""
    target = Path(os.path.realpath(path))
    if any(str(p).startswith(_SYSTEM_FOLDERS) and not str(p).startswith("/dev/shm/")  # shm: ordinary files
           for p in (os.path.abspath(path), target)):
        # /dev/stdout, /dev/fd/1, /proc/self/fd/1 resolve to whatever fd 1 is: renaming over that (a shell's
        # redirect target, a log opened for appending) would not be "writing to standard output"
        raise UnsafeOutputError(errno.EINVAL, "这是系统的设备或进程路径，不能写成报告；要输出到屏幕请不用 -o")
    try:
        st: Optional[os.stat_result] = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:  # a loop of links, a parent that is a file …
        raise UnsafeOutputError(exc.errno or errno.EINVAL, f"无法使用这个输出路径：{exc.strerror or exc}") from None
    if st is None:
        return target, None
    if stat.S_ISDIR(st.st_mode):
        raise UnsafeOutputError(errno.EISDIR, "这是一个目录，请给出要写入的文件名")
    if not stat.S_ISREG(st.st_mode):
        raise UnsafeOutputError(errno.EINVAL, "这不是普通文件（而是设备、管道或套接字），不能写成报告；"
                                              "要输出到屏幕请不用 -o")
    identities = protect if isinstance(protect, frozenset) else file_identities(protect)
    if (st.st_dev, st.st_ino) in identities:
        raise UnsafeOutputError(errno.EEXIST, "这是本次要读取的文件（答复函、配置或基线），不能用结果覆盖它；"
                                              "请换一个输出文件名")
    return target, st


@contextmanager
def atomic_path(path: PathLike, protect: Iterable[PathLike] | frozenset = ()) -> Iterator[str]:
    """A temporary path to write to; renamed over ``path`` (through a link, over its target) when the block
    ends without an exception. ``protect``: files that must not be replaced."""
    identities = protect if isinstance(protect, frozenset) else file_identities(protect)
    target, st = output_target(path, identities)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield tmp
        target, st = output_target(path, identities)  # again: the target may have changed while we wrote
        os.chmod(tmp, stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_atomically(path: PathLike, data: Union[str, bytes, Iterable[bytes]],
                     protect: Iterable[PathLike] | frozenset = ()) -> None:
    """Write text (UTF-8, LF line ends), bytes, or byte chunks to ``path`` atomically."""
    chunks = [data.encode("utf-8")] if isinstance(data, str) else [data] if isinstance(data, bytes) else data
    with atomic_path(path, protect) as tmp, open(tmp, "wb") as fh:
        for chunk in chunks:
            fh.write(chunk)
        fh.flush()
        os.fsync(fh.fileno())  # on disk before the rename: a crash leaves the old file or the whole new one


__all__ = ["atomic_path", "write_atomically", "output_target", "file_identities", "UnsafeOutputError"]
