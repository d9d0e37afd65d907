"""Positions for the machine formats: the model counts columns in code points; SARIF's default column unit,
and that of GitHub's annotations (JavaScript strings), is the UTF-16 code unit. They differ only after a
character outside the Basic Multilingual Plane on the same line (𠮷 in a name, an emoji), which takes two
UTF-16 units; so the conversion needs the source line, and without it the column stays as it is."""

from __future__ import annotations

from typing import Optional

from ..model import FileResult, Span


def line_text(result: FileResult, line: int) -> Optional[str]:
    """The source line (1-based), or None when the result keeps no lines or the line is past the end."""
    lines = result.source_lines
    if 1 <= line <= len(lines):
        return lines[line - 1]
    return None


def utf16_column(text: Optional[str], column: int) -> int:
    """The 1-based code-point ``column`` on a line with this ``text`` as a 1-based UTF-16 column."""
    if text is None or column <= 1:
        return column
    return column + sum(1 for ch in text[: column - 1] if ord(ch) > 0xFFFF)


def utf16_span(result: FileResult, span: Span) -> tuple[int, int, int, int]:
    """(line, column, end_line, end_column) with both columns in UTF-16 code units."""
    return (span.line, utf16_column(line_text(result, span.line), span.column),
            span.end_line, utf16_column(line_text(result, span.end_line), span.end_column))


def span_text(result: FileResult, span: Span) -> Optional[str]:
    """The exact source text the span covers (lines joined with "\\n"), or None when the lines are not known."""
    lines = result.source_lines
    if not (1 <= span.line <= span.end_line <= len(lines)):
        return None
    if span.line == span.end_line:
        return lines[span.line - 1][span.column - 1 : max(span.column - 1, span.end_column - 1)]
    parts = [lines[span.line - 1][span.column - 1 :]]
    parts.extend(lines[n - 1] for n in range(span.line + 1, span.end_line))
    parts.append(lines[span.end_line - 1][: span.end_column - 1])
    return "\n".join(parts)
