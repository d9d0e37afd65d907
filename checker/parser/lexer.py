"""Stage 3a, the line lexer: clean lines → one token per element line, typed by what the line is.

Two passes. ``classify`` looks at a line alone (is it a 文号? a date? a heading?), and splits a line that holds
several elements (a 文号 with its grade glued after it) into a token and its ``parts``. ``assign_zones`` then
looks at the sequence: among the lines before the salutation that are nothing else, ``choose_title`` picks
the title by its pattern and the rest are stray; an organ name above the salutation is the 发文机关标志 and
below the body the 署名; a grade or 公开属性 field under the salutation is out of place. Last, ``merge`` joins
what the page layout split: a sentence broken by a page break, the 印发 organ and date written on two lines,
a row of stray header lines; and ``mark_field_lines`` tells the lines of a form-style footer from the 附注.
The grammar (grammar/letter.lark) then parses the token sequence.
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
    # elements written on the same line after this one (a 文号 with its grade, a 签发人 with the grade):
    # each a token of its own over its part of the line, which the builder adds after this one's element
    parts: list["LineToken"] = field(default_factory=list)

    @property
    def text(self) -> str:
        if len(self.lines) == 1:
            return self.lines[0].text
        return "".join(line.text for line in self.lines)

    @property
    def first(self) -> Line:
        return self.lines[0]


# the first characters of the footer field labels (patterns.FIELD_LABELS): a cheap guard before the regex
_FIELD_LABEL_FIRST = frozenset(label[0] for label in P.FIELD_LABELS)
# how a 文号 line with a grade glued after it may end: 7号(B类), 19号B类, 7号 B
_GLUED_LAST = frozenset("类）)]】ABCDＡＢＣＤ")
_OPEN_BRACKETS = frozenset("〔[［【(（﹝〖〘")  # a 文号 without its 号 still has its year in brackets

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
    token = LineToken("DOC_NUMBER", [], m)
    if rest:  # a 签发人 or a grade glued after the number: split off in classify()
        parts = _glued_parts_end(text, m.start("rest"))
        if parts is None:
            return None
        token.notes["tail"] = parts
    return token


# what may follow a 签发人's names on its line after a space, and is no further name: a 甲乙丙丁 grade, or a
# labelled grade or 公开属性 (签发人：周立新    办理结果：B)
_AFTER_NAMES = ("甲类", "乙类", "丙类", "丁类", "办理结果", "答复类别", "办复类别", "公开属性", "信息公开")


def _signer_names_end(text: str, m: re.Match) -> int:
    """Where the names of a 签发人 match end: before a grade or a label the name class took in."""
    start, end = m.start("names"), m.end("names")
    at = start
    while True:
        space = next((i for i in range(at, end) if text[i].isspace()), None)
        if space is None:
            return end
        word = space
        while word < end and text[word].isspace():
            word += 1
        if text.startswith(_AFTER_NAMES, word):
            return space
        at = word


def _glued_parts_end(text: str, at: int, signer: bool = True) -> list[tuple[str, int, int]] | None:
    """The elements glued on a line from ``at`` on: (kind, start, end) for each 签发人 (at most one) and
    grade, and last a labelled grade or 公开属性 (whose value runs to the end of the line), white space
    between them skipped; None when the rest of the line is anything else."""
    parts = []
    n = len(text)
    while True:
        while at < n and text[at].isspace():
            at += 1
        if at == n:
            return parts
        first = text[at]
        if signer and first == "签":
            m = P.SIGNER_PART.match(text, at)
            if m:
                end = _signer_names_end(text, m)
                parts.append(("SIGNER", at, end))
                at, signer = end, False
                continue
        if first in "办答公信" and n - at < 40:  # a labelled field is the last thing on its line
            rest = text[at:]
            if P.GRADE_LABELLED.match(rest):
                return [*parts, ("GRADE_LABELLED", at, n)]
            if P.DISCLOSURE_LABELLED.match(rest):
                return [*parts, ("DISCLOSURE", at, n)]
        m = P.GRADE_PART.match(text, at)
        if m is None or m.end() == at:
            return None
        end = m.end()
        while text[end - 1].isspace():  # the spaces before what follows are not the grade's
            end -= 1
        parts.append(("GRADE", at, end))
        at = end


# the pattern each kind of part is read with, over its own part of the line, and the kind it becomes
_PART_PATTERNS = {"SIGNER": ("SIGNER", P.SIGNER), "GRADE": ("GRADE", P.GRADE_LINE),
                  "GRADE_LABELLED": ("GRADE", P.GRADE_LABELLED), "DISCLOSURE": ("DISCLOSURE", P.DISCLOSURE_LABELLED)}


def _split_glued(token: LineToken, line: Line, parts: list[tuple[str, int, int]]) -> None:
    """Give a token the elements glued after its own on the line (as ``_glued_parts_end`` found them),
    each over its own part of the line."""
    for found, start, end in parts:
        part_line = line.slice(start, end)
        kind, pattern = _PART_PATTERNS[found]
        part = LineToken(kind, [part_line], pattern.match(part_line.text))
        if kind == "SIGNER" and token.kind == "DOC_NUMBER":
            part.notes["on_doc_number_line"] = True
        token.parts.append(part)


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
        or (_try("GRADE", P.GRADE_LINE, text) if len(text) <= 24 else None)
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


# The tests of a line by its first character, in the order they are tried; a line whose first character
# has none goes straight to the tests of any line (``_classify_any``). Most lines are body prose, so a
# line pays only for the few tests its first character admits.

def _cc_line(text: str, n: int) -> LineToken | None:
    hit = _try("CC", P.CC, text)
    return hit if hit and (hit.match.group("colon") or hit.match.group("value")) else None


def _signer_line(text: str, n: int) -> LineToken | None:
    return _classify_signer(text) if n < 60 else None


def _labelled_grade(text: str, n: int) -> LineToken | None:
    if n >= 40:
        return None
    hit = _try("GRADE", P.GRADE_LABELLED, text)
    # "类别：" alone is a grade only with a grade for its value (类别：B)
    if hit and (hit.match.group("label") != "类别" or P.GRADE_LINE.match(hit.match.group("value").strip())):
        return hit
    return None


def _grade_word(text: str, n: int) -> LineToken | None:  # 乙类, 甲 (甲乙丙丁 = A–D)
    return _try("GRADE", P.GRADE_LINE, text) if n <= 24 else None


def _year_date(text: str, n: int) -> LineToken | None:  # 年 first: a date line torn by a layout
    return _try("DATE", P.DATE_LINE, text) if n < 16 else None


def _disclosure_line(text: str, n: int) -> LineToken | None:
    if n >= 100:  # 公开属性：不予公开（理由：……） carries its reason
        return None
    return _try("DISCLOSURE", P.DISCLOSURE_LABELLED, text) or _try("DISCLOSURE", P.DISCLOSURE_BARE, text)


def _secrecy_line(text: str, n: int) -> LineToken | None:
    if n >= 20:
        return None
    return _try("SECRECY", P.SECRECY, text) or _try("URGENCY", P.URGENCY, text)


def _contact_line(text: str, n: int) -> LineToken | None:
    if n >= 120 or (text.find("：", 0, 20) < 0 and text.find(":", 0, 20) < 0):
        return None
    return _try("CONTACT", P.CONTACT, text)


def _attachment_line(text: str, n: int) -> LineToken | None:
    return _try("ATTACH", P.ATTACHMENT, text)


def _no_body_line(text: str, n: int) -> LineToken | None:
    return _try("NO_BODY", P.NO_BODY_MARKER, text)


def _heading_or_date(text: str, n: int) -> LineToken | None:  # 一、… / 二〇二二年八月三十日
    return _classify_heading(text) or (_try("DATE", P.DATE_LINE, text) if n < 20 else None)


def _first_char_tests() -> dict[str, tuple]:
    tests: dict[str, list] = {}
    for chars, test in (
        ("抄", _cc_line), ("签", _signer_line), ("办答落结类", _labelled_grade), (P.CN_GRADE_LETTERS, _grade_word),
        ("年", _year_date), ("信公主依不全摘", _disclosure_line), ("绝机秘特加平急紧", _secrecy_line),
        (_FIELD_LABEL_FIRST, _contact_line), ("附", _attachment_line), ("此", _no_body_line),
        ("一二三四五六七八九十", _heading_or_date),
    ):
        for ch in chars:
            tests.setdefault(ch, []).append(test)
    return {ch: tuple(found) for ch, found in tests.items()}


_FIRST_CHAR_TESTS = _first_char_tests()
# what a line of 120 characters or more can be besides prose: 抄送 (a long list), 附件, a heading with its text
_LONG_LINE_FIRST = frozenset("抄附一二三四五六七八九十")


def _classify_han(text: str) -> LineToken | None:
    """Lines starting with a Han character: most body paragraphs, so cheap tests guard every regex."""
    first = text[0]
    n = len(text)
    if n >= 120 and first not in _LONG_LINE_FIRST:  # a long line is body prose, or one of the few above
        return None
    for test in _FIRST_CHAR_TESTS.get(first, ()):
        hit = test(text, n)
        if hit:
            return hit
    return _classify_any(text, first, n)


def _classify_any(text: str, first: str, n: int) -> LineToken | None:
    """The tests for a line of any first character: 文号, 印发, 发文机关标志, 主送, organ names, field lines."""
    if n < 80:
        last = text[-1]
        # a 文号, maybe with a 签发人 or a grade glued after it, or without its 号 (华川交复〔2023〕7)
        if (last == "号" or ("号" in text and (last in _GLUED_LAST or "签" in text or "：" in text))
                or ((last.isdigit() or "签" in text) and not _OPEN_BRACKETS.isdisjoint(text[:24]))):
            hit = _classify_doc_number(text)
            if hit:
                return hit
        if last == "发" and text.endswith("印发"):
            hit = _try("PRINT", P.PRINT_LINE, text.translate(P.FULLWIDTH_DIGITS))
            if hit:
                return hit
    if n < 64:
        if text.endswith("文件"):
            hit = _try("ORGAN_MARK", P.ORGAN_MARK, text)
            if hit:
                return hit
        if (text[-1] in "：:员表志生士等" or text.find("：", 0, 30) >= 0 or text.find(":", 0, 30) >= 0
                or (first in "您你" and n <= 6) or text.find("代表，", 0, 30) >= 0 or text.find("委员，", 0, 30) >= 0):
            hit = classify_salutation(text)
            if hit:
                return hit
        hit = _try("ORGAN", P.ORGAN, text)
        if hit:
            return hit
    if n < 100 and (text.find("：", 0, 9) >= 0 or text.find(":", 0, 9) >= 0):
        # a footer line whose first label is not one we know (负责同志：周立新  联系人：马海燕): the known
        # labels after it still make it a line of fields
        m = P.LEADING_LABEL.match(text)
        if m and P.CONTACT_LABEL.search(text, m.end()):
            return LineToken("CONTACT", [], m)
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


def _plain_salutation(text: str, m: re.Match) -> dict | None:
    """The common form at once: (尊敬的)周文华代表： — one name of two to four Han characters, a role, a
    full-width colon and nothing after it; None for anything else (``_person_salutation`` reads that)."""
    name = m.group("name")
    role = m.group("role")
    hon = m.group("hon")
    if (not 2 <= len(name) <= 4 or role not in _ROLE_WORDS or m.group("colon") != "：" or m.group("rest")
            or m.group("others") or m.group("etc") or hon == "尊敬" or m.end("role") != m.start("colon")
            or (hon and m.end("hon") != m.start("name")) or m.end("name") != m.start("role")
            or not all("\u4e00" <= ch <= "\u9fff" for ch in name) or any(ch in P.PLACEHOLDER_CHARS for ch in name)
            or name.endswith(_ROLE_WORDS + _BODY_WORDS) or name.startswith(_NOT_A_NAME) or name in _COLLECTIVE):
        return None
    return {"value": name + role, "name": name, "names": [name], "role": role, "addressee": "person", "form": "",
            "honorific": bool(hon), "colon": "：", "trailing": "", "others": False, "count": None}


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
        notes = _plain_salutation(text, m) or _person_salutation(text, m)
        if notes is not None:
            return LineToken("SALUTATION", [], m, notes=notes)
    m = P.SALUTATION_NO_ROLE.match(text) if text[-1] in "：:" else None
    if m and not m.group("name").endswith(_BODY_WORDS) and not P.SALUTATION_ORGAN.match(text):
        name = m.group("name")
        return LineToken("SALUTATION", [], m, notes={
            "value": name, "name": name, "names": [name], "role": None, "addressee": "person", "form": "no-role",
            "honorific": True, "colon": m.group("colon"), "trailing": "", "others": False, "count": None})
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




def _classify_signer(text: str) -> LineToken | None:
    """签发人：周立新, or with a grade glued after the names (签发人：周立新 (A类), 签发人：周立新 乙类)."""
    m = P.SIGNER_PART.match(text)
    if m is None:
        return None
    end = _signer_names_end(text, m)
    if end == m.end("names") and P.SIGNER.match(text):
        return LineToken("SIGNER", [], P.SIGNER.match(text))
    parts = _glued_parts_end(text, end, signer=False)
    if not parts:
        return None
    token = LineToken("SIGNER", [], m)
    token.notes["end"] = end
    token.notes["tail"] = parts
    return token


def _split_header_fields(line: Line) -> LineToken | None:
    """A grade or 公开属性 line with more header fields written after it, a gap of spaces before each label
    (办理结果：A　　　　公开属性：主动公开, A类    公开属性：主动公开): the first field's token, the others its
    parts, each over its own part of the line; None when the line is anything else."""
    text = line.text
    cuts = [m for m in P.HEADER_FIELD_GAP.finditer(text)
            if m.start() > 0 and (m.end() - m.start() >= 2 or "\u3000" in m.group() or "\t" in m.group())]
    if not cuts:
        return None
    token = classify(line.slice(0, cuts[0].start()))
    if token.kind not in ("GRADE", "DISCLOSURE"):
        return None
    parts = []
    for k, cut in enumerate(cuts):
        end = cuts[k + 1].start() if k + 1 < len(cuts) else len(text)
        part = classify(line.slice(cut.end(), end))
        if part.kind not in FRONT_KINDS:
            return None
        parts.extend((part, *part.parts))
        part.parts = []
    token.parts.extend(parts)
    return token


def classify(line: Line) -> LineToken:
    text = line.text
    first = text[0]
    if len(text) < 80 and ("\u3000" in text or "  " in text or "\t" in text):
        split = _split_header_fields(line)
        if split is not None:
            return split
    hit: LineToken | None
    if _is_han(first):
        hit = _classify_han(text)
    elif first in "（(【[〔":
        hit = _classify_bracketed(text)
    elif first.isdigit():
        hit = _classify_digit(text)
    elif first in "ABCDＡＢＣＤ" and len(text) <= 24:
        hit = _try("GRADE", P.GRADE_LINE, text)
    elif first in P.PLACEHOLDER_CHARS and len(text) < 64:  # ×××代表： / xx委员： / ***代表：
        hit = classify_salutation(text)
    else:
        hit = None
    if hit is None:
        hit = LineToken("TEXT", [])
    hit.lines = [line]
    if "tail" in hit.notes:
        _split_glued(hit, line, hit.notes.pop("tail"))
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
    front = tokens[:front_end]
    prefixes = []  # an organ name below the 文号, on the line above 关于…: the title's first line
    for i, token in enumerate(front):
        if token.kind == "ORGAN":
            token.kind = "ORGAN_MARK"
            if (i + 1 < front_end and front[i + 1].kind == "TEXT" and front[i + 1].text.startswith("关于")
                    and any(t.kind == "DOC_NUMBER" for t in front[:i])):
                prefixes.append(i)
    choose_title(front)
    for i in prefixes:
        if front[i + 1].kind == "TITLE":
            front[i].kind = "TITLE"
    for token in tokens[body_start:]:
        kind = token.kind
        if kind in ("TEXT", "SALUTATION"):  # a second salutation-like line is body text
            token.kind = "PARA"
        elif kind == "GRADE":  # below the salutation a grade is out of place (the grammar does not take it)
            token.kind = "FOOT_GRADE"
        elif kind == "DISCLOSURE":
            # （此件公开发布） is the 附注 that belongs below the date; a 公开属性 field there is out of place
            token.kind = "NOTE_DISCLOSURE" if "此件" in token.text[:4] else "FOOT_DISCLOSURE"


def _title_start(text: str) -> bool:
    return text[0] == "对" or "关于" in text[:40]


def _title_piece(text: str) -> bool:
    """A line that may carry on a title begun or ended on the line next to it (市十五届人大三次会议)."""
    return len(text) <= 60 and P.TITLE_PIECE.match(text) is not None and P.TITLE_WORDS.search(text) is not None


def _glued_grade_start(text: str) -> int | None:
    """Where a grade written at the end of a title line starts (…建议的答复      B类: the grade printed at the
    title's top right), or None."""
    if len(text) < 8 or text[-1] not in _GLUED_LAST:
        return None
    space = len(text)
    while space > 0 and not text[space - 1].isspace():
        space -= 1
    if space == 0 or space < len(text) - 10 or not P.GRADE_LINE.match(text[space:]):
        return None
    return space


def _pattern_title(front: list[LineToken], runs: list[list[int]], texts: dict[int, str]) -> list[int] | None:
    """The title's lines, chosen by what a title looks like: from a line that starts as one (关于…, 对…,
    an organ name before 关于) to a line that ends with its 文种, over at most four lines. Of several, the
    last: the letter's title stands just above the salutation, a page title repeating it at the top."""
    ends = {i for i, text in texts.items() if P.TITLE_END.search(text)}
    blocks = []
    for run in runs:
        k = 0
        while k < len(run):
            if _title_start(texts[run[k]]):
                end = next((m for m in range(k, min(k + 4, len(run))) if run[m] in ends), None)
                if end is not None:
                    blocks.append(run[k:end + 1])
                    k = end
            k += 1
    if blocks:
        return blocks[-1]
    for run in reversed(runs):  # no 关于: a line ending with a 文种, with the session on the lines just above it
        for k in range(len(run) - 1, -1, -1):
            i = run[k]
            if i in ends and not P.DOCTYPE_LINE.match(texts[i]):
                first = k
                while first > 0 and k - first < 3 and _title_piece(texts[run[first - 1]]):
                    first -= 1
                return run[first:k + 1]
    for run in reversed(runs):  # 关于… without a 文种 (…的情况说明): the title is still the title
        for k in range(len(run) - 1, -1, -1):
            if _title_start(texts[run[k]]):
                last = k
                while last + 1 < len(run) and last - k < 3 and _title_piece(texts[run[last + 1]]):
                    last += 1
                return run[k:last + 1]
    return None


def _fallback_title(front: list[LineToken], runs: list[list[int]]) -> list[int] | None:
    """No line reads as a title: the lines just above the salutation are the title if they are title text
    (not a label line such as 类别：B, not a word such as 急件)."""
    run = runs[-1][-4:]
    text = "".join(front[i].text for i in run)
    if len(text) < 6 or P.LEADING_LABEL.match(front[run[0]].text) or any(mark in text for mark in "。！？；!?;"):
        return None
    return run


def choose_title(front: list[LineToken]) -> None:
    """Among the lines before the salutation that are nothing else, the title is chosen by its pattern,
    not by its position: the other lines become STRAY (one unrecognised-text finding for a row of them),
    a letter-spaced 文种 line (答    复) that is not part of the title is the 文种 line (DOCTYPE), and a line
    repeating the title (a portal's page title) is no second title (REPEATED_TITLE)."""
    runs: list[list[int]] = []  # runs of consecutive text lines
    for i, token in enumerate(front):
        if token.kind == "TEXT":
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
    if not runs:
        return
    grades = {i: at for run in runs for i in run if (at := _glued_grade_start(front[i].text)) is not None}
    texts = {i: front[i].text[:grades[i]].rstrip() if i in grades else front[i].text for run in runs for i in run}
    title = set(_pattern_title(front, runs, texts) or _fallback_title(front, runs) or ())
    chosen = "".join("".join(texts[i].split()) for i in sorted(title))
    for run in runs:
        for i in run:
            token = front[i]
            if i not in title and chosen and len(chosen) >= 8 and "".join(texts[i].split()).endswith(chosen):
                token.kind = "REPEATED_TITLE"  # a page title above the letter repeating its title (an organ before it)
                continue
            if i in title:
                token.kind = "TITLE"
                if i in grades:  # the grade beside the title is a part of its own
                    line = token.first
                    token.lines = [line.slice(0, len(texts[i]))]
                    grade = line.slice(grades[i], len(line.text))
                    token.parts.append(LineToken("GRADE", [grade], P.GRADE_LINE.match(grade.text)))
            elif title and P.DOCTYPE_LINE.match(token.text):
                token.kind = "DOCTYPE"
            else:
                token.kind = "STRAY"


def mark_field_lines(tokens: list[LineToken]) -> None:
    """A contact line that gives the 署名 or the 成文日期 as a labelled field (承办单位：…  单位负责人：…,
    答复单位：…  答复日期：…) stands for the 落款 of a form-style footer: a line of fields, not an 附注."""
    for token in tokens:
        # every label of such a field has 单位 or 答复 in it: a cheap test before the labels are read
        if token.kind == "CONTACT" and ("单位" in token.first.text or "答复" in token.first.text):
            labels = list(P.CONTACT_LABEL.finditer(token.first.text))
            token.notes["labels"] = labels
            if any(P.FIELD_LABELS.get(squeeze_label(m.group("label"))) in _FORM_FIELDS for m in labels):
                token.notes["form"] = True


_FORM_FIELDS = {"organ", "date"}


def squeeze_label(label: str) -> str:
    """A label without the spaces written between its characters (联 系 人 → 联系人)."""
    return "".join(label.split()) if " " in label or "\u3000" in label or "\t" in label else label


@dataclass(slots=True)
class _Joined:
    """What ``_incomplete`` reads of the whole text of a token being joined, kept up to date line by line:
    re-joining a growing paragraph for every line made a long run of unpunctuated lines quadratic."""

    length: int = 0
    period: bool = False  # "。" somewhere in it
    pause: bool = False  # "，", "。" or "、" somewhere in it
    # 《〈 and （( opened and not yet closed: a title or a bracket never runs on into the next paragraph
    titles: int = 0
    brackets: int = 0
    quotes: int = 0  # “ opened and not closed: a quotation may, each paragraph opening with “ again

    def add(self, text: str) -> None:
        self.length += len(text)
        self.period = self.period or "。" in text
        self.pause = self.pause or self.period or "，" in text or "、" in text
        self.titles += text.count("《") + text.count("〈") - text.count("》") - text.count("〉")
        self.brackets += text.count("（") + text.count("(") - text.count("）") - text.count(")")
        self.quotes += text.count("“") - text.count("”")


def _wrapped_inside(token: LineToken, whole: _Joined) -> bool:
    """A line that carries on a paragraph hard-wrapped inside its 《…》, （…） or “…” (a copy out of a PDF or
    a plain-text export breaks lines anywhere): directly below, not indented, while the paragraph above has a
    mark open. A quotation's next paragraph opens with “ again (GB/T 15834): that line starts one."""
    line = token.first
    if line.blank_before or line.raw[:1].isspace() or line.markdown:
        return False
    return whole.titles > 0 or whole.brackets > 0 or (whole.quotes > 0 and line.text[0] not in "“\"")


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
            and (_incomplete(prev, whole) or (prev.kind == "PARA" and _wrapped_inside(token, whole)))
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
        if prev is not None and prev.kind == "ATTACH" and _attachment_continues(prev, token):
            prev.lines.extend(token.lines)  # 附件：1.×× / 2.××: the items below the first, or a wrapped name
            whole.add(token.text)
            continue
        if prev is not None and token.kind == "STRAY" and prev.kind == "STRAY":  # a row of them: one finding
            prev.lines.extend(token.lines)
            whole.add(token.text)
            continue
        out.append(token)
        whole = _Joined()
        whole.add(token.text)
    return out


def _attachment_continues(prev: LineToken, token: LineToken) -> bool:
    """A line below the 附件说明 that is one of its items: a numbered item (2.××, at most one blank line
    above it), another 附件2：×× line, or a wrapped name (unnumbered, directly below)."""
    if token.kind == "ATTACH":
        return token.first.blank_before <= 1
    if token.kind not in ("PARA", "HEADING") or len(token.lines) > 1 or len(token.text) >= 80:
        return False
    if P.ATTACHMENT_ITEM.match(token.text):
        return token.first.blank_before <= 1
    return not token.first.blank_before and "。" not in token.text[:-1]


def mark_annexes(tokens: list[LineToken]) -> list[LineToken]:
    """The attachments printed after the letter (GB/T 9704 7.5): from a line 附件1 (附件 and its number alone)
    below the date, its title and content run to the next such line or to the 版记 (抄送, 印发): the heading
    is an ANNEX, the rest one ANNEX_TEXT token (an attachment's text is no part of the letter to judge)."""
    signoff = next((i for i in range(len(tokens) - 1, -1, -1) if tokens[i].kind in ("DATE", "ORGAN", "SEAL")), None)
    if signoff is None:
        return tokens
    out = tokens[:signoff + 1]
    content: LineToken | None = None
    in_annex = False
    for token in tokens[signoff + 1:]:
        text = token.text
        if token.kind in ("PARA", "HEADING", "ATTACH") and len(text) <= 10 and P.ANNEX_HEADING.match(text):
            token.kind = "ANNEX"
            out.append(token)
            in_annex, content = True, None
            continue
        if in_annex and token.kind not in ("CC", "PRINT"):
            if content is None:
                content = LineToken("ANNEX_TEXT", list(token.lines))
                out.append(content)
            else:
                content.lines.extend(token.lines)
            continue
        in_annex = False
        out.append(token)
    return out


def lex(lines: list[Line], artifacts: list[Artifact]) -> list[LineToken]:
    tokens = [classify(line) for line in lines]
    assign_zones(tokens)
    tokens = merge(tokens, artifacts)
    if any(t.first.text[0] == "附" for t in tokens):  # only a letter with a line starting 附 has attachments
        tokens = mark_annexes(tokens)
    mark_field_lines(tokens)
    return tokens
