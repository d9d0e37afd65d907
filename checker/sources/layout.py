"""Positioned text (PDF, OFD) → the lines a person would have typed: one line per paragraph.

A page of a PDF or OFD holds glyphs at coordinates, nothing more. ``paragraph_lines`` rebuilds the text:

1. **Lines.** Runs of glyphs are grouped by baseline (within 0.3 of the font size) and sorted left to right.
   Within a line, glyphs drawn twice at almost the same place (fake bold) are kept once; a wide gap (at
   least 1.5 characters) becomes four spaces, as between the 文号 and the 签发人 of a .txt; a small gap
   between two Latin letters or digits becomes one space; any other gap (the spacing LibreOffice and
   Word put between Chinese and digits, justification) is no text at all.
2. **Page numbers.** A line at the top or bottom of a page that is only a page number (``— 3 —``,
   ``- 3 -``, ``3``, ``第3页``, ``3/5``) is running matter printed outside the text block, not text.
3. **Paragraphs.** The text block's left and right edges are found from the body lines (the smallest and
   largest x shared by two or more lines of the body size). A line continues the paragraph above when
   the line above is a body line that reached the right edge (within one character) and this line starts
   at the left edge with no indent, in the same size, without a gap wider than a blank line — on the same
   page, or as the first line of the next page. A centred title that fills the width continues on a
   centred line below. Centred and right-aligned lines (发文机关标志, signature, date) never continue
   anything, nor does a row with a wide gap (文号 … 签发人), and a line that starts a heading (一、 （一） 1.)
   or a labelled block (抄送 …) always starts a new paragraph.

Coordinates are in any unit (points for PDF, millimetres for OFD) with y growing downward; every
tolerance is relative to the font size, so the same code serves both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(slots=True)
class Run:
    """Glyphs drawn on one baseline: ``x0``/``x1`` the left and right ends, ``y`` the baseline (downward)."""

    x0: float
    x1: float
    y: float
    size: float
    text: str


@dataclass(slots=True)
class Line:
    text: str
    x0: float
    x1: float
    y: float
    size: float
    page: int


@dataclass(slots=True)
class Paragraph:
    text: str
    lines: list[Line] = field(default_factory=list)

    @property
    def pages(self) -> tuple[int, int]:
        """The first and the last page it stands on."""
        return self.lines[0].page, self.lines[-1].page


COLUMN_GAP = "    "

# A running page number, alone on its line: — 3 —, - 3 -, 3, 第3页, 第 3 页 共 5 页, 3/5.
_FOLIO = re.compile(
    r"^(?:[-—–－~～·•]{0,2}\s*+\d{1,4}\s*+[-—–－~～·•]{0,2}"
    r"|第\s*+\d{1,4}\s*+页(?:\s*+[，,]?\s*+共\s*+\d{1,4}\s*+页)?"
    r"|\d{1,4}\s*+/\s*+\d{1,4})$"
)

# The first characters of a line that always starts a paragraph of its own.
_BLOCK_START = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.．]"
    r"|[（(][一二三四五六七八九十]{1,3}[）)]"
    r"|\d{1,2}[.．、](?!\d)"
    r"|[（(]\d{1,2}[）)]"
    r"|抄\s*送|抄\s*报|附\s*件|[（(]?联系人|公开属性|办理结果|此页无正文)"
)


def _ascii_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def physical_lines(runs: list[Run], page: int) -> list[Line]:
    """Group one page's runs into lines, top to bottom, each with its text and horizontal extent."""
    runs = [r for r in runs if r.text and r.size > 0]
    runs.sort(key=lambda r: (r.y, r.x0))
    groups: list[list[Run]] = []
    for run in runs:
        if groups:
            first = groups[-1][0]
            if abs(run.y - first.y) <= 0.3 * max(first.size, run.size):
                groups[-1].append(run)
                continue
        groups.append([run])
    lines = []
    for group in groups:
        line = _line(group, page)
        if line is not None:
            lines.append(line)
    return lines


def _dominant_size(group: list[Run]) -> float:
    weights: dict[float, int] = {}
    for run in group:
        if run.text.strip():
            key = round(run.size, 1)
            weights[key] = weights.get(key, 0) + len(run.text)
    if not weights:
        return max(r.size for r in group)
    return max(weights.items(), key=lambda kv: (kv[1], kv[0]))[0]


def _line(group: list[Run], page: int) -> Line | None:
    group.sort(key=lambda r: r.x0)
    size = _dominant_size(group)
    parts: list[str] = []
    prev: Run | None = None
    x0 = x1 = None
    for run in group:
        if prev is not None:
            if run.text == prev.text and abs(run.x0 - prev.x0) < 0.3 * size and abs(run.y - prev.y) < 0.3 * size:
                continue  # the same glyphs drawn again, a little offset: fake bold
            gap = run.x0 - prev.x1
            before, after = (parts[-1][-1:] if parts else ""), run.text[:1]
            if before.strip() and after.strip():
                if gap >= 1.5 * size:
                    parts.append(COLUMN_GAP)
                elif gap > 0.15 * size and _ascii_word(before) and _ascii_word(after):
                    parts.append(" ")
        parts.append(run.text)
        if run.text.strip():
            if x0 is None:
                x0 = run.x0
            x1 = run.x1 if x1 is None else max(x1, run.x1)
        prev = run
    text = "".join(parts).strip()
    if not text or x0 is None:
        return None
    return Line(text=text, x0=x0, x1=x1, y=group[0].y, size=size, page=page)


def drop_folios(lines: list[Line]) -> list[Line]:
    """Remove running page numbers: lines that are only a number, at the top or the bottom of the page."""
    end = len(lines)
    while end and _FOLIO.match(lines[end - 1].text):
        end -= 1
    start = 0
    while start < end and _FOLIO.match(lines[start].text):
        start += 1
    return lines[start:end]  # one slice: slicing once per number was quadratic on a page of them


def _edge(values: list[float], tolerance: float, lowest: bool) -> float:
    """The smallest (or largest) value that at least two lines share, within ``tolerance``."""
    ordered = sorted(values, reverse=not lowest)
    for a, b in zip(ordered, ordered[1:]):
        if abs(a - b) <= tolerance:
            return a
    return ordered[0]


@dataclass(slots=True)
class _Block:
    left: float
    right: float
    size: float

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2


def text_block(lines: list[Line]) -> _Block:
    """The left and right edges of the text block, from the lines in the body's font size."""
    weights: dict[float, int] = {}
    for line in lines:
        key = round(line.size, 1)
        weights[key] = weights.get(key, 0) + len(line.text)
    body = max(weights.items(), key=lambda kv: kv[1])[0]
    body_lines = [ln for ln in lines if abs(ln.size - body) <= 0.1 * body] or lines
    tolerance = 0.25 * body
    return _Block(left=_edge([ln.x0 for ln in body_lines], tolerance, lowest=True),
                  right=_edge([ln.x1 for ln in body_lines], tolerance, lowest=False), size=body)


def _continues(prev: Line, line: Line, block: _Block) -> bool:
    """Does ``line`` go on with the paragraph whose last line is ``prev``?"""
    size = line.size
    if abs(prev.size - size) > 0.1 * size:
        return False
    if prev.page == line.page and line.y - prev.y > 2.6 * size:
        return False  # a gap wider than a blank line: a new paragraph
    if prev.page != line.page and line.page != prev.page + 1:
        return False
    if prev.x1 < block.right - 1.0 * size:
        return False  # the line above ended short of the right edge: its paragraph ended there
    if COLUMN_GAP in prev.text:
        return False  # two things at the two ends of a line (文号 … 签发人): a row, never wrapped text
    if line.x0 <= block.left + 0.5 * size:
        # a body line: the one above started at the margin or at a first-line indent of two characters
        if prev.x0 > block.left + 2.5 * size:
            return False
        return not _BLOCK_START.match(line.text)
    # a centred title that filled the width, going on on a centred line (as wide on the left as on the
    # right: a first-line indent is two characters on the left only)
    centred = abs((line.x0 + line.x1) / 2 - block.centre) <= 0.3 * size
    prev_centred = abs((prev.x0 + prev.x1) / 2 - block.centre) <= 0.5 * size
    return (prev.page == line.page and centred and prev_centred and prev.x0 <= block.left + 1.5 * size
            and line.x0 > block.left + 1.0 * size)


def _joined_text(lines: list[Line]) -> str:
    """The lines of a paragraph as one text, joined once (adding line by line was quadratic in a long one)."""
    parts = [lines[0].text]
    for before, line in zip(lines, lines[1:]):
        a, b = before.text, line.text
        # Latin words wrap at a space, which the layout dropped; Chinese text wraps anywhere, with no space
        if a and b and a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha():
            parts.append(" ")
        parts.append(b)
    return "".join(parts)


def paragraph_lines(pages: list[list[Run]], deadline=None) -> list[Paragraph]:
    """Pages of runs (the first page first) → paragraphs in reading order."""
    all_lines: list[Line] = []
    for number, runs in enumerate(pages, 1):
        if deadline is not None:
            deadline.check()
        all_lines.extend(drop_folios(physical_lines(runs, number)))
    if not all_lines:
        return []
    block = text_block(all_lines)
    paragraphs: list[Paragraph] = []
    for line in all_lines:
        if paragraphs and _continues(paragraphs[-1].lines[-1], line, block):
            paragraphs[-1].lines.append(line)
        else:
            paragraphs.append(Paragraph(text=line.text, lines=[line]))
    for paragraph in paragraphs:
        if len(paragraph.lines) > 1:
            paragraph.text = _joined_text(paragraph.lines)
    return paragraphs


def to_source(paragraphs: list[Paragraph], path: str, encoding: str):
    """One line per paragraph, each naming its page(s) in diagnostics (PDF and OFD alike)."""
    from . import Source
    from .locator import PageLocator

    return Source(path=path, lines=[p.text for p in paragraphs], encoding=encoding,
                  locator=PageLocator([p.pages for p in paragraphs]))


__all__ = ["Run", "Line", "Paragraph", "paragraph_lines", "to_source", "physical_lines", "drop_folios", "text_block"]
