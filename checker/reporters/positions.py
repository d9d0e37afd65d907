"""Positions for the machine formats: the model counts columns in code points; SARIF's default column unit,
and that of GitHub's annotations (JavaScript strings), is the UTF-16 code unit. They differ only after a
character outside the Basic Multilingual Plane on the same line (𠮷 in a name, an emoji), which takes two
UTF-16 units; so the conversion needs the source line, and without it the column stays as it is."""

from __future__ import annotations

from typing import Optional

from ..model import FileResult, Span


def utf16_column(text: Optional[str], column: int) -> int:
    """The 1-based code-point ``column`` on a line with this ``text`` as a 1-based UTF-16 column."""
    if text is None or column <= 1:
        return column
    return column + sum(1 for ch in text[: column - 1] if ord(ch) > 0xFFFF)


def utf16_span(result: FileResult, span: Span) -> tuple[int, int, int, int]:
    """(line, column, end_line, end_column) with both columns in UTF-16 code units."""
    return (span.line, utf16_column(result.line_text(span.line), span.column),
            span.end_line, utf16_column(result.line_text(span.end_line), span.end_column))
