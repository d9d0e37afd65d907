"""Where a line of a converted document stands in the original, in the words a person uses for it.

A reader of a .docx, .pdf or .ofd gives the checker text lines; a diagnostic's line number counts those
lines, which the person never sees. The locator turns a line number back into what they can find in the
file they opened: the paragraph of the Word document (with its first words), or the page of the PDF/OFD.
Text files have no locator: their line numbers are the editor's own.
"""

from __future__ import annotations

PREVIEW_CHARS = 12


def preview(text: str) -> str:
    """The first words of a paragraph, as a person would quote them to find it."""
    text = " ".join(text.split())
    return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS] + "……"


class ParagraphLocator:
    """For a Word document: each output line → (paragraph number, line within it, its lines, first words).

    Paragraphs are counted as Word's 字数统计 counts them: every paragraph with text, in document order,
    those in table cells and text boxes included, empty ones not."""

    __slots__ = ("entries",)

    def __init__(self, entries: list[tuple[int, int, int, str] | None]):
        self.entries = entries

    def describe(self, line: int) -> str | None:
        if not 1 <= line <= len(self.entries):
            return None
        entry = self.entries[line - 1]
        if entry is None:
            return None
        number, sub, count, first_words = entry
        text = f"第 {number} 段“{first_words}”"
        if count > 1:
            text += f"第 {sub} 行"
        return text


class PageLocator:
    """For a PDF or OFD: each output line (one paragraph, joined across layout lines) → its pages."""

    __slots__ = ("entries",)

    def __init__(self, entries: list[tuple[int, int]]):
        self.entries = entries

    def describe(self, line: int) -> str | None:
        if not 1 <= line <= len(self.entries):
            return None
        first, last = self.entries[line - 1]
        return f"第 {first} 页" if first == last else f"第 {first}—{last} 页"
