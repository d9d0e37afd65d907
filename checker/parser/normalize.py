"""Stage 2, normalize: source lines → clean lines that remember where each character came from.

What is removed here never reaches the parser, but is kept as an ``Artifact`` for the rules that report it:
leading and trailing white space (tabs, spaces, full-width spaces), markdown marks (``#``, ``**``, ``>``),
lone page numbers (``40``, ``- 3 -``, ``— 3 —``, ``第3页``, ``3/5``) and rule lines (``────────``, the
版记's separators). Blank lines are not kept as lines; each kept line counts the blank lines before it,
which is how the lexer recognizes page breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Artifact, Span

_PAGE_NUMBER = re.compile(
    r"^(?:\d{1,3}"  # 40
    r"|[-—–－~～]{1,2}\s*+\d{1,3}\s*+[-—–－~～]{1,2}"  # - 3 -  — 3 —  —3—
    r"|第\s*+\d{1,3}\s*+页(?:\s*+[，,]?\s*+共\s*+\d{1,3}\s*+页)?"  # 第3页 / 第3页 共5页
    r"|\d{1,3}\s*+/\s*+\d{1,3})$"  # 3/5 (white space possessive: linear on a row of blanks)
)
# a line drawn across the page (the 版记's separators, the red line under the 版头) as a row of box-drawing
# characters, dashes, underscores or equal signs, at least four of them, maybe spaced
_RULE_LINE = re.compile(r"^(?:[─━—\-_＿=＝═－][ \t\u3000]*+){4,}$")
_MARKDOWN_PREFIX = re.compile(r"^(?:#{1,6}[ \t\u3000]*|>[ \t]?)")
_RULE_LINE_FIRST = frozenset("─━—-_＿=＝═－")


@dataclass(slots=True)
class Line:
    """A non-blank line after clean-up.

    ``cuts`` maps offsets in ``text`` to 0-based columns of ``raw``: a tuple of (offset, column) pairs,
    one where a stretch of text starts (markdown removed in between makes several stretches).
    """

    number: int  # 1-based line number in the source
    text: str
    raw: str
    cuts: tuple[tuple[int, int], ...]
    blank_before: int  # blank lines (and removed page-number lines) since the previous kept line
    markdown: bool
    _whole: Span | None = None  # the span of the whole text, made once

    def column(self, offset: int) -> int:
        """1-based source column of the code point at ``offset`` of ``text`` (may be len(text))."""
        cuts = self.cuts
        start, col = cuts[0]
        if len(cuts) > 1:
            for cut_start, cut_col in cuts:
                if cut_start > offset:
                    break
                start, col = cut_start, cut_col
        return col + (offset - start) + 1

    def slice(self, start: int, end: int) -> "Line":
        """The part text[start:end] as a line of its own that still maps to the source columns: one line
        may hold several elements (a 文号 with its grade), and each element's builder reads its own part."""
        cuts = self.cuts
        first = cuts[0]
        for cut in cuts:
            if cut[0] > start:
                break
            first = cut
        kept = [(0, first[1] + (start - first[0]))]
        kept.extend((offset - start, col) for offset, col in cuts if start < offset < end)
        return Line(number=self.number, text=self.text[start:end], raw=self.raw, cuts=tuple(kept),
                    blank_before=self.blank_before, markdown=self.markdown)

    def span(self, start: int = 0, end: int | None = None) -> Span:
        """Span of text[start:end] in the source (end exclusive). Treat it as read-only: the span of the
        whole line is shared by the elements that cover it."""
        if end is None:
            if start == 0 and self._whole is not None:
                return self._whole
            end = len(self.text)
            whole = start == 0
        else:
            whole = False
        number = self.number
        cuts = self.cuts
        if len(cuts) == 1:  # one stretch of text (no markdown removed inside): columns are offsets moved
            base = cuts[0][1] - cuts[0][0] + 1
            span = Span.at(number, base + start, number, base + max(start, end - 1) + (1 if end > start else 0))
        else:
            span = Span.at(number, self.column(start), number,
                           self.column(max(start, end - 1)) + (1 if end > start else 0))
        if whole:
            self._whole = span
        return span


def _line_span(number: int, start: int, end: int) -> Span:
    return Span.at(number, start + 1, number, end + 1)


def normalize(raw_lines: list[str]) -> tuple[list[Line], list[Artifact]]:
    lines: list[Line] = []
    artifacts: list[Artifact] = []
    blank = 0
    for number, raw in enumerate(raw_lines, 1):
        body = raw.rstrip()
        if len(body) != len(raw) and ("\t" in raw[len(body):] or " " in raw[len(body):]):
            artifacts.append(Artifact.trusted(
                kind="trailing-whitespace", text=raw[len(body):], span=_line_span(number, len(body), len(raw))))
        if not body:
            blank += 1
            continue
        stripped = body.lstrip()
        lead = len(body) - len(stripped)
        if lead and ("\t" in body[:lead] or " " in body[:lead]):
            # An indent of full-width spaces is the normal first-line indent; tabs and ASCII spaces are not.
            artifacts.append(Artifact.trusted(
                kind="leading-whitespace", text=body[:lead], span=_line_span(number, 0, lead)))
        markdown = False
        col0 = lead
        text = stripped
        if text[0] in "#>":
            m = _MARKDOWN_PREFIX.match(text)
            if m and m.end() < len(text):
                markdown = True
                artifacts.append(Artifact.trusted(
                    kind="markdown", text=m.group(0), span=_line_span(number, col0, col0 + m.end())))
                col0 += m.end()
                text = text[m.end():]
        cuts: tuple[tuple[int, int], ...] = ((0, col0),)
        if "**" in text and "***" not in text:  # a row of three is a name left out (***代表：), not bold
            markdown = True
            pieces = text.split("**")
            cut_list = []
            offset = 0
            col = col0
            for i, piece in enumerate(pieces):
                if i:
                    artifacts.append(Artifact.trusted(
                        kind="markdown", text="**", span=_line_span(number, col, col + 2)))
                    col += 2
                if piece:
                    cut_list.append((offset, col))
                offset += len(piece)
                col += len(piece)
            text = "".join(pieces).rstrip()
            if not text:
                blank += 1
                continue
            cuts = tuple(cut_list) or ((0, col0),)
            skip = len(text) - len(text.lstrip())
            if skip:  # "** 一、…": drop the space the removed marks left at the start
                text = text[skip:]
                cuts = tuple((max(0, off - skip), col + max(0, skip - off)) for off, col in cuts)
        if _PAGE_NUMBER.match(text):
            artifacts.append(Artifact.trusted(
                kind="page-number", text=text, span=_line_span(number, lead, len(body))))
            blank += 1
            continue
        if text[0] in _RULE_LINE_FIRST and _RULE_LINE.match(text):  # no text for the parser: a drawn line
            artifacts.append(Artifact.trusted(
                kind="rule-line", text=text, span=_line_span(number, lead, len(body))))
            continue
        lines.append(Line(number=number, text=text, raw=raw, cuts=cuts, blank_before=blank, markdown=markdown))
        blank = 0
    return lines, artifacts
