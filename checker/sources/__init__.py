"""Stage 1, read: bytes from a file (or standard input) → a ``Source`` of text lines.

A reader never raises on bad input: it raises ``SourceError`` with a message fit for the user, and the
caller turns that into a per-file error so that a batch goes on.
"""

from __future__ import annotations

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
SUPPORTED_SUFFIXES = TEXT_SUFFIXES

# Letters are a few pages; anything far larger is not a letter and would only cost memory.
MAX_BYTES = 20 * 1024 * 1024


def source_from_bytes(data: bytes, path: str) -> Source:
    if len(data) > MAX_BYTES:
        raise SourceError(f"文件过大（{len(data) // 1024 // 1024} MiB），不像一封答复函，已跳过")
    text, encoding = decode_text(data)
    return Source(path=path, lines=split_lines(text), encoding=encoding)


def read_source(path: str | Path) -> Source:
    """Read a file by its extension; ``-`` reads standard input as text."""
    name = str(path)
    if name == "-":
        return source_from_bytes(sys.stdin.buffer.read(), "<stdin>")
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise SourceError(f"不支持的文件类型 “{suffix or '无扩展名'}”（支持：{'、'.join(SUPPORTED_SUFFIXES)}）")
    try:
        with p.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise SourceError("这是一个目录，不是文件") from None
    except PermissionError:
        raise SourceError("没有读取权限") from None
    except FileNotFoundError:
        raise SourceError("文件不存在") from None
    except OSError as exc:
        raise SourceError(f"无法读取文件：{exc.strerror or exc}") from None
    return source_from_bytes(data, name)


__all__ = ["Source", "SourceError", "read_source", "source_from_bytes", "SUPPORTED_SUFFIXES", "TEXT_SUFFIXES"]
