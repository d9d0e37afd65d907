"""What a check is given and what it returns: the ``Context`` of one letter, a ``Finding``, and the body text
joined once per letter that the prose-scanning checks share. Below both the declarative kinds (``kinds``)
and the named Python checks (``named``), which build on it."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from ..model import Letter, Paragraph, Span


@dataclass(slots=True)
class Finding:
    span: Span
    params: dict = field(default_factory=dict)
    severity: Optional[str] = None
    element: Any = None  # the element the finding is about (for fix templates)
    message: Optional[str] = None  # a message of its own (order checks standing early)


@dataclass(slots=True)
class Context:
    """What a rule may know besides the letter."""

    profile: Any
    last_line: int
    options: dict = field(default_factory=dict)
    cache: dict = field(default_factory=dict)  # per-letter work rules share (the joined body text)


CheckFn = Callable[[Letter, Context], list]

def joined_body(letter: Letter, ctx: Context) -> tuple[str, list[int], list[Paragraph]]:
    """All body paragraphs joined by newlines, made once per letter and shared by the rules that scan
    prose: one regex pass over the body instead of one per paragraph."""
    cached = ctx.cache.get("body")
    if cached is None:
        paragraphs = letter.paragraphs
        starts, offset = [], 0
        for p in paragraphs:
            starts.append(offset)
            offset += len(p.text) + 1
        cached = ctx.cache["body"] = ("\n".join(p.text for p in paragraphs), starts, paragraphs)
    return cached


def body_span(starts: list[int], paragraphs: list[Paragraph], start: int, end: int) -> Span:
    """The source span of text[start:end] of the joined body."""
    i = bisect_right(starts, start) - 1
    base = starts[i]
    return paragraphs[i].span_of(start - base, end - base)
