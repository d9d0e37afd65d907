"""Stage 1, read: bytes from a file (or standard input) → a ``Source`` of text lines.

A reader never raises on bad input: it raises ``SourceError`` with a message fit for the user, and the
caller turns that into a per-file error so that a batch goes on.

Text files are decoded here (``text``); Word (.docx), PDF, OFD and the old binary .doc/.wps have readers of
their own (``docx``, ``pdf``, ``ofd``, ``legacy``), imported only when such a file is read, so that checking
text never loads lxml or pdfminer. Each of them gives the lines the same letter would have as a .txt — one
line per paragraph — and a ``locator`` that names the paragraph or page a line came from.
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .text import decode_text, split_lines


class SourceError(Exception):
    """The file could not be read as a letter; the message says why, in plain words."""


@dataclass(slots=True)
class Source:
    """The text of one input, split into lines exactly as an editor counts them (CRLF, CR or LF)."""

    path: str
    lines: list[str]
    encoding: str
    # How the diagnostics should name a place in this source (e.g. docx paragraphs); None for text.
    locator: object = None
    notes: list[str] = field(default_factory=list)


TEXT_SUFFIXES = (".txt", ".md", ".text", ".markdown")
DOCUMENT_SUFFIXES = (".docx", ".pdf", ".ofd", ".doc", ".wps")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + DOCUMENT_SUFFIXES

from ..limits import MAX_BYTES, MAX_CHARS, MAX_LINES, content_error_text  # noqa: E402


def empty_file_error() -> SourceError:
    return SourceError("文件为空（0 字节），没有可检查的内容")


def content_error(what: str) -> SourceError:
    """A file that asks for more than a bound allows (checker/limits.py): “文件内容异常：{what}，……”."""
    return SourceError(content_error_text(what))


def too_many_chars() -> SourceError:
    return content_error(f"文字超过 {MAX_CHARS} 个字符")


def too_many_lines() -> SourceError:
    return content_error(f"段落（行）超过 {MAX_LINES} 个")


def within_bounds(source: Source) -> Source:
    """The last guard on what any reader returns: at most MAX_LINES lines and MAX_CHARS characters.
    (Each reader also counts while it works, so that it never builds more than that.)"""
    if len(source.lines) > MAX_LINES:
        raise too_many_lines()
    if sum(map(len, source.lines)) > MAX_CHARS:
        raise too_many_chars()
    return source


_KIND_NAMES = {".docx": "Word 文档", ".pdf": "PDF 文件", ".ofd": "OFD 文件", ".doc": "Word 文档", ".wps": "WPS 文档"}


def _reader(suffix: str, data: bytes):
    """The reader of a document format, imported on first use. A .docx that is an OLE file (a .doc renamed,
    or a password-protected package) goes to the legacy reader, which converts or explains it."""
    from .safety import OLE_MAGIC

    if suffix == ".docx" and not data.startswith(OLE_MAGIC):
        from .docx import read_docx

        return read_docx
    if suffix == ".pdf":
        from .pdf import read_pdf

        return read_pdf
    if suffix == ".ofd":
        from .ofd import read_ofd

        return read_ofd
    from .legacy import read_legacy

    return lambda data, path: read_legacy(data, path, claimed=suffix)


def source_from_bytes(data: bytes, path: str, suffix: str | None = None) -> Source:
    """Read the bytes of a file named ``path``; the format follows ``suffix`` (by default the path's)."""
    if len(data) > MAX_BYTES:
        raise SourceError(f"文件过大（超过 {MAX_BYTES // 1024 // 1024} MiB），不像一封答复函，已跳过")
    if not data:
        raise empty_file_error()
    if suffix is None:
        suffix = Path(path).suffix.lower() if path != "<stdin>" else ""
    if suffix in DOCUMENT_SUFFIXES:
        try:
            return within_bounds(_reader(suffix, data)(data, path))
        except (SourceError, TimeoutError, MemoryError, RecursionError):
            raise  # the batch words the last three itself
        except Exception as exc:  # noqa: BLE001 - a reader's defect must not end a batch of thousands of files
            raise SourceError(f"无法读取这个{_KIND_NAMES[suffix]}：文件结构异常（{type(exc).__name__}），"
                              "可能已损坏，请用 Word/WPS 重新保存后再检查") from None
    text, encoding = decode_text(data)
    return within_bounds(Source(path=path, lines=split_lines(text), encoding=encoding))


def read_limited(stream, limit: int) -> bytes:
    """At most ``limit`` + 1 bytes from a binary stream, read in pieces (no buffer of ``limit`` up front)."""
    chunks, size = [], 0
    while size <= limit:
        chunk = stream.read(min(1024 * 1024, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def read_file_bytes(path: str | Path, limit: int = MAX_BYTES, what: str = "文件") -> bytes:
    """The bytes of a regular file, at most ``limit`` + 1 of them (the caller judges the size).

    A FIFO, a device, a socket or a link to one is refused before anything is read: opening is
    non-blocking and the type is checked on the open descriptor, so a pipe named ``letter.txt`` or a link
    to /dev/zero can neither hang nor flood the reader. ``SourceError`` says what was wrong, in Chinese."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except IsADirectoryError:
        raise SourceError(f"这是一个目录，不是{what}") from None
    except PermissionError:
        raise SourceError("没有读取权限") from None
    except FileNotFoundError:
        raise SourceError(f"{what}不存在") from None
    except OSError as exc:
        raise SourceError(f"无法读取{what}：{exc.strerror or type(exc).__name__}") from None
    try:
        fh = os.fdopen(fd, "rb", buffering=0)
    except IsADirectoryError:  # a folder opens read-only, but no file object is made for it
        os.close(fd)
        raise SourceError(f"这是一个目录，不是{what}") from None
    with fh:
        try:
            mode = os.fstat(fd).st_mode
            if stat.S_ISDIR(mode):
                raise SourceError(f"这是一个目录，不是{what}")
            if not stat.S_ISREG(mode):
                raise SourceError(f"这不是普通文件（而是设备、管道或套接字），不能作为{what}读取，已跳过")
            return read_limited(fh, limit)
        except OSError as exc:
            raise SourceError(f"无法读取{what}：{exc.strerror or type(exc).__name__}") from None


def read_source(path: str | Path, data: bytes | None = None) -> Source:
    """Read a file by its extension; ``-`` reads standard input as text. ``data``: the file's bytes when the
    caller has read them already (the audit checks exactly the bytes it hashed)."""
    name = str(path)
    if name == "-":
        return source_from_bytes(read_limited(sys.stdin.buffer, MAX_BYTES), "<stdin>")
    suffix = Path(path).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise SourceError(f"不支持的文件类型 “{suffix or '无扩展名'}”（支持：{'、'.join(SUPPORTED_SUFFIXES)}）")
    return source_from_bytes(read_file_bytes(path) if data is None else data, name, suffix)


__all__ = ["Source", "SourceError", "read_source", "read_file_bytes", "read_limited", "source_from_bytes", "SUPPORTED_SUFFIXES", "TEXT_SUFFIXES",
           "DOCUMENT_SUFFIXES", "MAX_BYTES"]
