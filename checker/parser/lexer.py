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
        if (text[-1] in "：:员表志生士等" or "：" in text[:30] or ":" in text[:30] or (first in "您你" and n <= 6)
                or "代表，" in text[:30] or "委员，" in text[:30]):
            hit = classify_salutation(text)
            if hit:
                return hit
        hit = _try("ORGAN", P.ORGAN, text)
        if hit:
            return hit
    return None


# ---- 主送 ----------------------------------------------------------------------------------------------
_NAME_GROUPS = re.compile(r"[、，,]")
_WHITE = re.compile(r"\s+")
_COLLECTIVE = ("各位", "全体", "诸位", "各位人大", "各位政协")
_ROLE_WORDS = ("代表", "委员")
_BODY_WORDS = ("人大", "政协")  # 周立新人大代表: the body is not part of the name
_ROLE_SUFFIXES = ("人大代表", "政协委员", "代表", "委员")  # 周立新代表、马海燕代表：each name with its role
_DOTS = "·•・"
_NOT_A_NAME = ("关于", "对")


def _name_pieces(written: str) -> tuple[list[str], bool, set[str]] | None:
    """The names of a salutation's name run, whether a name is letter-spaced (周 立 新), and the roles
    written after single names (周某代表、马某代表); None when a piece is too long to be a name (the line
    is prose, not a salutation)."""
    pieces: list[str] = []
    spaced = False
    roles: set[str] = set()
    for group in _NAME_GROUPS.split(written):
        parts = _WHITE.split(group.strip())
        if len(parts) > 1 and all(len(part) == 1 for part in parts):  # 周 立 新: one name, letter-spaced
            parts = ["".join(parts)]
            spaced = True
        for part in parts:
            for suffix in _ROLE_SUFFIXES:
                if part.endswith(suffix) and len(part) > len(suffix):
                    part = part[: -len(suffix)]
                    roles.add(suffix[-2:])
                    break
            for body in _BODY_WORDS:
                if part.endswith(body) and len(part) > len(body):
                    part = part[: -len(body)]
            if not part or part in _COLLECTIVE:
                continue
            if part.startswith(_NOT_A_NAME):  # 关于对周某代表: a title line wrapped after the name
                return None
            if len(part) > 5 and not any(dot in part for dot in _DOTS) and not _is_placeholder(part):
                return None
            if len(part) > 12:
                return None
            pieces.append(part)
    return pieces, spaced, roles


def _is_placeholder(name: str) -> bool:
    return all(ch in P.PLACEHOLDER_CHARS for ch in name)


def _person_salutation(text: str, m: re.Match) -> dict | None:
    read = _name_pieces(m.group("name"))
    if read is None:
        return None
    pieces, spaced, roles_written = read
    hon = m.group("hon") or ""
    if hon and text[m.end("hon"):m.start("name")].strip() != text[m.end("hon"):m.start("name")]:
        spaced = True  # 尊敬的 周立新代表
    if any(ch.isspace() for ch in text[m.end("name"):m.start("role")]):
        spaced = True  # 周立新  委员, 周立新等 5 位代表
    names = [piece for piece in pieces if not _is_placeholder(piece)]
    placeholder = bool(pieces) and not names
    word = m.group("role")
    colon = m.group("colon") or ""
    rest = (m.group("rest") or "").strip()
    if word not in _ROLE_WORDS:
        form = word  # 同志, 先生, 女士: a person, but not addressed as a deputy or member
    elif hon == "尊敬":
        form = "missing-de"
    elif spaced:
        form = "spaced"
    elif colon != "：":
        form = "colon"
    elif rest:
        form = "trailing-text"
    else:
        form = ""
    end = m.end("etc") if m.group("etc") else m.end("role")
    return {
        "value": _WHITE.sub("", text[m.start("name"):end]), "name": "、".join(names), "names": names,
        # 各位代表、委员: deputies and members together have no one role
        "role": word if word in _ROLE_WORDS and roles_written <= {word} else None,
        "addressee": "placeholder" if placeholder else "person",
        "form": form, "honorific": bool(hon), "colon": colon, "trailing": rest,
        "others": bool(m.group("others") or m.group("etc")), "count": m.group("count"),
    }


def classify_salutation(text: str) -> LineToken | None:
    """A salutation in any form (one or several names, 等N位, a placeholder, an organisation or a unit, a
    wrong form such as 同志 or a missing 的, a bare greeting), with what it says in the token's notes."""
    first = text[0]
    if first in "您你" and len(text) <= 6:
        m = P.GREETING.match(text)
        if m:
            return LineToken("SALUTATION", [], m, notes={
                "value": m.group("name"), "name": "", "names": [], "role": None, "addressee": "greeting",
                "form": "greeting", "honorific": False, "colon": m.group("colon"), "trailing": "",
                "others": False, "count": None})
    m = P.SALUTATION.match(text)
    if m and (m.group("colon") is not None or len(text) <= 24):
        notes = _person_salutation(text, m)
        if notes is not None:
            return LineToken("SALUTATION", [], m, notes=notes)
    m = P.SALUTATION_ORGAN.match(text) if text[-1] in "：:" else None
    if m:
        name = _WHITE.sub("", m.group("name"))
        organisation = P.ADDRESSEE_ORGANISATION.search(name) is not None
        return LineToken("SALUTATION", [], m, notes={
            "value": name, "name": name, "names": [], "role": None,
            "addressee": "organisation" if organisation else "unit",
            "form": "" if m.group("colon") == "：" else "colon", "honorific": bool(m.group("hon")),
            "colon": m.group("colon"), "trailing": "", "others": False, "count": None})
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
    elif first in P.PLACEHOLDER_CHARS and len(text) < 64:  # ×××代表： / xx委员： / ***代表：
        hit = classify_salutation(text)
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
