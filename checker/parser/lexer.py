"""Stage 3a, the line lexer: clean lines → one token per element line, typed by what the line is.

Two passes. ``classify`` looks at a line alone (is it a 文号? a date? a heading?). ``assign_zones`` then looks
at the sequence: lines before the salutation that are nothing else form the title; an organ name above the
salutation is the 发文机关标志 and below the body the 署名; a grade or disclosure line under the body is a
footer one. Last, ``merge`` joins what the page layout split: a sentence broken by a page break, and the
印发 organ and date written on two lines. The grammar (grammar/letter.lark) then parses the token sequence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import patterns as P
from ..model import Artifact, Span
from .normalize import Line


@dataclass(slots=True)
class LineToken:
    kind: str  # a terminal of grammar/letter.lark
    lines: list[Line]
    match: re.Match | None = None
    level: int = 0  # heading level 1–4, 0 otherwise
    notes: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        if len(self.lines) == 1:
            return self.lines[0].text
        return "".join(line.text for line in self.lines)

    @property
    def first(self) -> Line:
        return self.lines[0]


# Terminal names. Zone-specific variants exist where one kind of line may stand in two zones.
FRONT_KINDS = {"GRADE", "DISCLOSURE", "SECRECY", "URGENCY", "COPY_NO", "ORGAN_MARK", "DOC_NUMBER", "SIGNER"}
CLOSING_KINDS = {"ORGAN", "SEAL", "DATE", "NO_BODY", "CONTACT", "CC", "PRINT"}


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


def _classify_doc_number(text: str) -> LineToken | None:
    m = P.DOC_NUMBER.match(text) or P.DOC_NUMBER_UNBRACKETED.match(text)
    if not m:
        return None
    rest = m.group("rest")
    if rest and not P.SIGNER_AFTER_NUMBER.match(rest):
        return None
    return LineToken("DOC_NUMBER", [], m)


def _try(kind: str, pattern: re.Pattern, text: str) -> LineToken | None:
    m = pattern.match(text)
    return LineToken(kind, [], m) if m else None


def _classify_heading(text: str) -> LineToken | None:
    for level, pattern in P.HEADING_PATTERNS:
        m = pattern.match(text)
        if m and m.group("text"):
            return LineToken("HEADING", [], m, level=level)
    return None


def _classify_bracketed(text: str) -> LineToken | None:
    return (
        _try("SEAL", P.SEAL, text)
        or _try("NO_BODY", P.NO_BODY_MARKER, text)
        or _try("DISCLOSURE", P.DISCLOSURE_BRACKETED, text)
        or _try("GRADE", P.GRADE_BARE, text)
        or (_try("CONTACT", P.CONTACT, text) if len(text) < 120 else None)
        or (_try("DISCLOSURE", P.DISCLOSURE_LABELLED, text) if len(text) < 40 else None)
        or _classify_heading(text)
    )


def _classify_digit(text: str) -> LineToken | None:
    t = text.translate(P.FULLWIDTH_DIGITS)
    if len(t) < 30:
        hit = _try("DATE", P.DATE_LINE, t) or _try("PRINT", P.PRINT_LINE, t) or _try("COPY_NO", P.COPY_NUMBER, t)
        if hit:
            return hit
    return _classify_heading(text)


def _classify_han(text: str) -> LineToken | None:
    """Lines starting with a Han character: most body paragraphs, so cheap tests guard every regex."""
    first = text[0]
    n = len(text)
    if first == "抄":
        hit = _try("CC", P.CC, text)
        if hit and (hit.match.group("colon") or hit.match.group("value")):
            return hit
    if first == "签" and n < 60:
        hit = _try("SIGNER", P.SIGNER, text)
        if hit:
            return hit
    if n < 40 and first in "办答落结":
        hit = _try("GRADE", P.GRADE_LABELLED, text)
        if hit:
            return hit
    if n < 40 and first in "信公主依不全摘":
        hit = _try("DISCLOSURE", P.DISCLOSURE_LABELLED, text) or _try("DISCLOSURE", P.DISCLOSURE_BARE, text)
        if hit:
            return hit
    if n < 20 and first in "绝机秘特加平":
        hit = _try("SECRECY", P.SECRECY, text) or _try("URGENCY", P.URGENCY, text)
        if hit:
            return hit
    if n < 120 and first in "联经承邮电手传办通":
        hit = _try("CONTACT", P.CONTACT, text)
        if hit:
            return hit
    if first == "附":
        hit = _try("ATTACH", P.ATTACHMENT, text)
        if hit:
            return hit
    if first == "此":
        hit = _try("NO_BODY", P.NO_BODY_MARKER, text)
        if hit:
            return hit
    if first in "一二三四五六七八九十":
        hit = _classify_heading(text)
        if hit:
            return hit
        if n < 20:
            hit = _try("DATE", P.DATE_LINE, text)
            if hit:
                return hit
    if n < 80 and text.endswith(("号", "印发")) or (n < 80 and "签" in text and "号" in text):
        hit = _classify_doc_number(text) or (_try("PRINT", P.PRINT_LINE, text.translate(P.FULLWIDTH_DIGITS)) if text.endswith("印发") else None)
        if hit:
            return hit
    if n < 64:
        if text.endswith("文件"):
            hit = _try("ORGAN_MARK", P.ORGAN_MARK, text)
            if hit:
                return hit
        if text[-1] in "：:员表" or "：" in text[:20] or ":" in text[:20]:
            hit = _try("SALUTATION", P.SALUTATION, text)
            if hit and (hit.match.group("colon") or not hit.match.group("rest")):
                return hit
            hit = _try("SALUTATION", P.SALUTATION_ORGAN, text)
            if hit:
                hit.notes["organ"] = True
                return hit
        hit = _try("ORGAN", P.ORGAN, text)
        if hit:
            return hit
    return None


def classify(line: Line) -> LineToken:
    text = line.text
    first = text[0]
    hit: LineToken | None
    if _is_han(first):
        hit = _classify_han(text)
    elif first in "（(【[〔":
        hit = _classify_bracketed(text)
    elif first.isdigit():
        hit = _classify_digit(text)
    elif first in "ABCDＡＢＣＤ" and len(text) <= 4:
        hit = _try("GRADE", P.GRADE_BARE, text)
    else:
        hit = None
    if hit is None:
        hit = LineToken("TEXT", [])
    hit.lines = [line]
    return hit


def _body_like(token: LineToken) -> bool:
    """Does this line read as body prose (so the header zone has ended)?"""
    if token.kind == "HEADING":
        return True
    if token.kind != "TEXT":
        return False
    text = token.text
    return text[-1] in P.TERMINAL_PUNCT or (len(text) >= 40 and ("，" in text or "。" in text))


def assign_zones(tokens: list[LineToken]) -> None:
    """Rename tokens by where they stand: title lines, organ mark vs 署名, footer grade/disclosure."""
    body_start = len(tokens)
    salutation = None
    for i, token in enumerate(tokens):
        if token.kind == "SALUTATION" and salutation is None:
            salutation = i
            body_start = i + 1
            break
        if _body_like(token):
            body_start = i
            break
    front_end = salutation if salutation is not None else body_start
    for token in tokens[:front_end]:
        if token.kind == "TEXT":
            token.kind = "TITLE"
        elif token.kind == "ORGAN":
            token.kind = "ORGAN_MARK"
    for token in tokens[body_start:]:
        kind = token.kind
        if kind in ("TEXT", "SALUTATION"):  # a second salutation-like line is body text
            token.kind = "PARA"
        elif kind in ("GRADE", "DISCLOSURE"):
            token.kind = "FOOT_" + kind


@dataclass(slots=True)
class _Joined:
    """What ``_incomplete`` reads of the whole text of a token being joined, kept up to date line by line:
    re-joining a growing paragraph for every line made a long run of unpunctuated lines quadratic."""

    length: int = 0
    period: bool = False  # "。" somewhere in it
    pause: bool = False  # "，", "。" or "、" somewhere in it

    def add(self, text: str) -> None:
        self.length += len(text)
        self.period = self.period or "。" in text
        self.pause = self.pause or self.period or "，" in text or "、" in text


def _incomplete(token: LineToken, whole: _Joined) -> bool:
    """A body line that stops mid-sentence: no closing punctuation, and it reads as prose."""
    text = token.lines[-1].text
    last = text[-1]
    if last in P.CLOSING_BRACKETS and len(text) > 1:
        last = text[-2]
    if last in P.TERMINAL_PUNCT:
        return False
    if token.kind == "HEADING":  # a heading runs on only when its line also holds body sentences
        return whole.period or whole.length >= 40
    return whole.length >= 30 or (whole.length >= 20 and whole.pause)


def merge(tokens: list[LineToken], artifacts: list[Artifact]) -> list[LineToken]:
    """Join a paragraph split by a page break, and a 印发 organ line with its date line below."""
    out: list[LineToken] = []
    whole = _Joined()  # of out[-1]
    for token in tokens:
        prev = out[-1] if out else None
        if (
            prev is not None
            and token.kind == "PARA"
            and prev.kind in ("PARA", "HEADING")
            and _incomplete(prev, whole)
        ):
            if token.first.blank_before:
                last = prev.lines[-1]
                artifacts.append(Artifact.trusted(
                    kind="page-break",
                    text=last.text[-8:] + " / " + token.first.text[:8],
                    span=Span.trusted(
                        line=last.number, column=last.column(len(last.text) - 1),
                        end_line=token.first.number, end_column=token.first.column(0) + 1),
                ))
            prev.lines.extend(token.lines)
            whole.add(token.text)
            continue
        if (
            prev is not None
            and prev.kind == "CC"
            and token.kind == "PARA"
            and prev.lines[-1].text[-1] in "，、,：:；;"
        ):  # 抄送 wrapped onto the next line: "抄送：市人大选工委，" / "市政府督查室。"
            prev.lines.extend(token.lines)
            whole.add(token.text)
            continue
        if (
            prev is not None
            and token.kind == "PRINT"
            and prev.kind == "ORGAN"
            and not token.match.group("organ")
        ):
            prev.kind = "PRINT"
            prev.notes["organ_line"] = prev.lines[0]
            prev.match = token.match
            prev.lines.extend(token.lines)
            whole.add(token.text)
            continue
        out.append(token)
        whole = _Joined()
        whole.add(token.text)
    return out


def lex(lines: list[Line], artifacts: list[Artifact]) -> list[LineToken]:
    tokens = [classify(line) for line in lines]
    assign_zones(tokens)
    return merge(tokens, artifacts)
