"""Fixers: the replacement a rule's ``fix = { function = "…" }`` proposes for one finding.

A fixer takes the finding and the letter and returns ``(span, replacement, original)`` — the stretch of one
source line to replace, its new text, and the text expected there now (``checker.fix`` skips a fix whose
place holds something else) — or None when the finding has no mechanical fix (a wrapped 抄送 list, 抄报).
"""

from __future__ import annotations

from typing import Callable, Optional

from ..model import Artifact, Letter, Span
from .context import Finding

Fixer = Callable[[Finding, Letter], Optional[tuple[Span, str, str]]]
FIXERS: dict[str, Fixer] = {}


def fixer(fn: Fixer) -> Fixer:
    FIXERS[fn.__name__] = fn
    return fn


def _one_line(element) -> bool:
    return element is not None and element.span.line == element.span.end_line and "\n" not in element.raw


def _at(element, start: int, end: int) -> Span:
    """The stretch [start, end) of a one-line element's raw text."""
    column = element.span.column
    return Span.at(element.span.line, column + start, element.span.line, column + end)


@fixer
def stray_whitespace(finding: Finding, letter: Letter):
    """Delete the ASCII spaces and tabs of a line's leading or trailing white space. A full-width indent
    (the normal first-line indent of two 　) is kept: " 　　正文" becomes "　　正文"."""
    a = _artifact(finding, letter)
    if a is not None and a.span.line == a.span.end_line:
        if a.kind == "leading-whitespace":
            return a.span, "".join(ch for ch in a.text if ch not in " \t"), a.text
        if a.kind == "trailing-whitespace":
            return a.span, "", a.text
    return None


def _artifact(finding: Finding, letter: Letter):
    """The artifact a finding is about: the one it carries (artifact rules give it), else the one at its span
    (looked for only then: searching all artifacts for every finding was quadratic on a letter of many)."""
    if isinstance(finding.element, Artifact):
        return finding.element
    return next((a for a in letter.artifacts if a.span == finding.span), None)


@fixer
def page_number_line(finding: Finding, letter: Letter):
    """Delete a page number standing alone on its line (not a sentence broken by a page break)."""
    a = _artifact(finding, letter)
    if a is not None and a.kind == "page-number" and a.span.line == a.span.end_line:
        return a.span, "", a.text
    return None


@fixer
def signer_label(finding: Finding, letter: Letter):
    """签发： / 签发人: / 签 发 人： → 签发人："""
    signer = finding.element
    if not _one_line(signer) or not signer.raw.startswith(signer.label):
        return None
    compact = signer.label.replace(" ", "").replace("\u3000", "")
    if compact not in ("签发：", "签发:", "签发人:", "签发人：", "签发人"):
        return None
    return _at(signer, 0, len(signer.label)), "签发人：", signer.label


@fixer
def cc_label(finding: Finding, letter: Letter):
    """抄送: / 抄送 (no colon) → 抄送：; 抄报 is a word to change, not a mark: no fix."""
    cc = finding.element or letter.cc
    if cc is None or cc.label != "抄送" or cc.colon == "：" or not cc.raw.startswith("抄送" + cc.colon):
        return None
    end = len("抄送") + len(cc.colon)
    return Span.at(cc.span.line, cc.span.column, cc.span.line, cc.span.column + end), "抄送：", cc.raw[:end]


_BAD_SEPARATORS = {"、", ",", ";", "；"}


@fixer
def cc_separators(finding: Finding, letter: Letter):
    """Separators between the organs of a one-line 抄送 list → "，", when each separator is the same mark and
    the line holds it exactly where the list has separators (outside brackets: no 市委、市政府 inside a name)."""
    cc = letter.cc
    if not _one_line(cc) or not cc.separators:
        return None
    marks = set(cc.separators)
    if len(marks) != 1 or not marks <= _BAD_SEPARATORS:
        return None
    mark = marks.pop()
    start = len(cc.label) + len(cc.colon)
    body, depth, hits = cc.raw[start:], 0, []
    for i, ch in enumerate(body):
        if ch in "（(〔[【《“":
            depth += 1
        elif ch in "）)〕]】》”":
            depth = max(depth - 1, 0)
        elif ch == mark and depth == 0:
            hits.append(i)
    if len(hits) != len(cc.separators):
        return None
    fixed = "".join("，" if i in hits else ch for i, ch in enumerate(body))
    return _at(cc, start, len(cc.raw)), fixed, body


@fixer
def cc_terminal(finding: Finding, letter: Letter):
    """The final 。 of a one-line 抄送 list: a half-width . or a comma in its place is replaced, a missing one
    added after the last organ (after its copy count)."""
    cc = letter.cc
    if not _one_line(cc) or not cc.value or cc.terminal == "。":
        return None
    last = cc.raw[-1]
    if last in ".．，,；;、":
        return _at(cc, len(cc.raw) - 1, len(cc.raw)), "。", last
    return _at(cc, len(cc.raw), len(cc.raw)), "。", ""


__all__ = ["FIXERS", "fixer"]
