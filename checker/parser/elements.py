"""Stage 3c, element builders: one classified line token → the typed model element it stands for.

Each builder reads the regex match the lexer already made; none re-scans the line. Values are normalized
(see docs/model.md); ``raw`` is the source text under the element's span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import patterns as P
from .lexer import LineToken
from ..model import (
    Annex,
    Attachment,
    AttachmentItem,
    CcList,
    DateElement,
    Disclosure,
    DocNumber,
    Element,
    Grade,
    Heading,
    ListElement,
    Paragraph,
    Salutation,
    Session,
    Signer,
    Span,
)
from .normalize import Line
from ..profile import Profile

_CN_VALUES = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "0": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(text: str) -> int | None:
    """一 → 1, 十四 → 14, 二十 → 20, 一百零二 → 102; Arabic digits pass through."""
    if text.isdigit():
        return int(text.translate(P.FULLWIDTH_DIGITS))
    total, current = 0, 0
    for ch in text:
        if ch in _CN_VALUES:
            current = _CN_VALUES[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def _chinese_year(text: str) -> int | None:
    digits = [str(_CN_VALUES[ch]) for ch in text if ch in _CN_VALUES]
    return int("".join(digits)) if len(digits) == len(text) else None


_WHITESPACE = re.compile(r"\s+")
_NAME_SEPARATORS = re.compile(r"[\s、，,]+")
# anchored (it is only ever fullmatched): a search would rescan a row of blanks from each of them
_GRADE_LETTER = re.compile(r"\A[（(]?\s*+([A-Za-zＡ-Ｚａ-ｚ])\s*+类?\s*+[）)]?\Z")


def squeeze(text: str) -> str:
    """Remove all white space (inner spaces are layout in Chinese text, not content)."""
    return _WHITESPACE.sub("", text) if (" " in text or "\t" in text or "\u3000" in text) else text


def raw_of(line: Line, span: Span) -> str:
    return line.raw[span.column - 1 : span.end_column - 1]


def element(line: Line, value: str, start: int = 0, end: int | None = None) -> Element:
    span = line.span(start, end)
    return Element.trusted(value=value, raw=raw_of(line, span), span=span)


def _whole(token: LineToken) -> tuple[Line, Span, str]:
    line = token.first
    span = line.span()
    return line, span, raw_of(line, span)


def joined(lines: list[Line], heading_level: int | None = None) -> Paragraph:
    """Concatenate lines into one text that still maps every offset back to the source."""
    if len(lines) == 1:  # the common case: one source line
        line = lines[0]
        pieces = [(offset, line.number, col + 1) for offset, col in line.cuts]
        return Paragraph.trusted(text=line.text, span=line.span(), pieces=pieces, heading_level=heading_level)
    pieces: list[tuple[int, int, int]] = []
    offset = 0
    for line in lines:
        for cut_offset, cut_col in line.cuts:
            pieces.append((offset + cut_offset, line.number, cut_col + 1))
        offset += len(line.text)
    first, last = lines[0], lines[-1]
    span = Span.trusted(
        line=first.number, column=first.column(0), end_line=last.number, end_column=last.column(len(last.text) - 1) + 1
    )
    return Paragraph.trusted(text="".join(line.text for line in lines), span=span, pieces=pieces,
                             heading_level=heading_level)


def _raw_lines(lines: list[Line]) -> str:
    """The source text under each line's span (markdown prefix and outer white space excluded)."""
    return "\n".join(raw_of(line, line.span()) for line in lines)


# ---- 版头 -------------------------------------------------------------------------------------------

def grade(token: LineToken, profile: Profile) -> Grade:
    m = token.match
    line, span, raw = _whole(token)
    if "label" in m.re.groupindex:  # 办理结果：B / 办理结果：已经解决 / 办理结果：B类（正在解决）
        written = m.group("value").strip()
        letter = _GRADE_LETTER.fullmatch(written)
        if letter:
            value = letter.group(1).translate(_FULLWIDTH_LATIN).upper()
            return Grade.trusted(value=value, raw=raw, span=span, label=None, form="labelled")
        if written in P.CN_GRADE_LETTERS:  # 办理结果：乙 — after its label a bare 乙 can only be the grade
            return Grade.trusted(value=P.CN_GRADE_LETTERS[written], raw=raw, span=span, label=None, form="labelled")
        with_word = P.GRADE_LINE.match(written)
        if with_word:  # the letter, and its meaning in words after it
            return Grade.trusted(value=_grade_letter(with_word), raw=raw, span=span,
                                 label=with_word.group("word"), form="labelled")
        mapped = profile.grade_words.get(written.rstrip("类"))
        return Grade.trusted(value=mapped or written, raw=raw, span=span, label=written, form="word")
    form = "bracketed" if m.group("open") else "class-suffix" if (m.group("cls") or m.group("cn")) else "bare"
    word = m.group("word") if "word" in m.re.groupindex else None
    return Grade.trusted(value=_grade_letter(m), raw=raw, span=span, label=word, form=form)


def _grade_letter(m: re.Match) -> str:
    """A–D from a match of patterns.GRADE_LINE (甲乙丙丁 read as A–D)."""
    cn = m.group("cn") if "cn" in m.re.groupindex else None
    if cn:
        return P.CN_GRADE_LETTERS[cn]
    return m.group("letter").translate(_FULLWIDTH_LATIN).upper()


_FULLWIDTH_LATIN = str.maketrans("ＡＢＣＤＥＦａｂｃｄｅｆ", "ABCDEFabcdef")


# 依申请公开 / 不予公开 and what is written after them on the line: their reason
_WITH_REASON = re.compile(r"(?P<value>依申请公开|不予公开|(?<![予])不公开)(?P<rest>.+)", re.S)
_REASON_EDGES = " \t\u3000（()）【】[]，,；;：:、。."


def disclosure(token: LineToken) -> Disclosure:
    m = token.match
    line, span, raw = _whole(token)
    value = m.group("value").strip()
    if value.startswith("此件"):
        value = value[2:]
    groups = m.re.groupindex
    label = m.group("label") if "label" in groups else None
    bracketed = "open" in groups and bool(m.group("open")) or line.text[0] in "（("
    reason = None
    with_reason = _WITH_REASON.fullmatch(value)
    if with_reason:  # 不予公开（理由：涉及个人隐私）: the value, and its reason apart
        value = with_reason.group("value")
        words = with_reason.group("rest").strip(_REASON_EDGES)
        if words.startswith("理由"):
            words = words[2:].strip(_REASON_EDGES)
        reason = words or None
    return Disclosure.trusted(value=value, raw=raw, span=span, label=label, bracketed=bracketed, reason=reason)


def simple(token: LineToken) -> Element:
    line, span, raw = _whole(token)
    return Element.trusted(value=token.match.group("value"), raw=raw, span=span)


def organ_mark(token: LineToken) -> Element:
    m = token.match
    line = token.first
    return element(line, squeeze(m.group("organ")), m.start("organ"), m.end("organ"))


def doc_number(token: LineToken) -> DocNumber:
    """The 文号 alone: a 签发人 or a grade glued after it on its line is a part of the token of its own."""
    m = token.match
    line = token.first
    end = m.start("rest") if m.group("rest") else len(line.text)
    text = line.text[:end].rstrip()
    span = line.span(0, len(text))
    value = squeeze(text)
    return DocNumber.trusted(
        value=value, raw=raw_of(line, span), span=span, code=m.group("code"), open_bracket=m.group("open"),
        # the year and the number as their digits (〔２０２４〕 is the year 2024: compared with the date's year as
        # digits; the value keeps the glyphs as written, for the format rules)
        year=m.group("year").translate(P.FULLWIDTH_DIGITS), close_bracket=m.group("close"),
        number_prefix=m.group("prefix"), sequence=m.group("seq").translate(P.FULLWIDTH_DIGITS), suffix=m.group("suffix"),
    )


def _signer(line: Line, label: str, names_text: str, start: int, end: int, on_number_line: bool,
            placement: str = "standard") -> Signer:
    names = [n for n in _NAME_SEPARATORS.split(names_text.strip()) if n]
    span = line.span(start, end)
    return Signer.trusted(
        value="、".join(names), raw=raw_of(line, span), span=span, label=label, names=names,
        on_doc_number_line=on_number_line, placement=placement,
    )


def signer(token: LineToken) -> Signer:
    m = token.match
    line = token.first
    end = token.notes.get("end", len(line.text))  # a grade glued after the names is not part of the signer
    names = line.text[m.start("names"):end]
    return _signer(line, m.group("label"), names, 0, end, on_number_line=token.notes.get("on_doc_number_line", False))


# ---- 标题, 主送 ----------------------------------------------------------------------------------------

def title(tokens: list[LineToken]) -> tuple[Element, Paragraph]:
    lines = [line for token in tokens for line in token.lines]
    text = joined(lines)
    value = squeeze(text.text)
    return Element.trusted(value=value, raw=_raw_lines(lines), span=text.span), text


def proposal_number(text: Paragraph) -> Element | None:
    m = P.PROPOSAL_NUMBER.search(text.text)
    if not m:
        return None
    span = text.span_of(m.start(), m.end())
    return Element.trusted(value=m.group("number").translate(P.FULLWIDTH_DIGITS), raw=m.group(0), span=span)


def session(text: Paragraph) -> Session | None:
    m = P.SESSION.search(text.text)
    if not m:
        return None
    start = m.start()
    # extend left over the place and body (市, 政协某某区, 中国人民政治协商会议某某市) up to a stop character
    limit = max(0, start - 20)
    while start > limit and text.text[start - 1] not in P.SESSION_PREFIX_STOP:
        start -= 1
    if text.text.startswith("关于", start):
        start += 2
    phrase = text.text[start : m.end()]
    value = squeeze(phrase)
    body = "人大" if ("人大" in value or "人民代表大会" in value) else "政协" if ("政协" in value or "政治协商" in value) else None
    return Session.trusted(
        value=value, raw=phrase, span=text.span_of(start, m.end()), body=body,
        term=chinese_number(m.group("term")), meeting=chinese_number(m.group("meeting")),
    )


def salutation(token: LineToken) -> Salutation:
    """The salutation as the lexer read it (lexer.classify_salutation put names, role, addressee and form
    into the token's notes)."""
    notes = token.notes
    line, span, raw = _whole(token)
    count = notes["count"]
    return Salutation.trusted(
        value=notes["value"], raw=raw, span=span, name=notes["name"], role=notes["role"],
        honorific=notes["honorific"], colon=notes["colon"], trailing=notes["trailing"], names=list(notes["names"]),
        addressee=notes["addressee"], form=notes["form"], others=notes["others"],
        count=chinese_number(count.translate(P.FULLWIDTH_DIGITS)) if count else None,
    )


# ---- 正文 -------------------------------------------------------------------------------------------

def heading(token: LineToken) -> Heading:
    m = token.match
    line = token.first
    marker_end = m.start("text")
    marker = line.text[:marker_end].rstrip()
    span = line.span()
    return Heading.trusted(
        level=token.level, ordinal=chinese_number(m.group("num")) or 0, marker=marker,
        punct=m.group("punct").strip() if m.group("punct").strip() else ("" if not m.group("punct") else " "),
        text=m.group("text"), raw=raw_of(line, span), span=span,
    )


# ---- 落款, 附注, 版记 ----------------------------------------------------------------------------------

def date_from_match(line: Line, m: re.Match, group: str | None = None) -> DateElement:
    """Build a date from a match of patterns.DATE_TEXT (inside ``group`` when the match is larger)."""
    start, end = (m.start(group), m.end(group)) if group else (m.start(), m.end())
    span = line.span(start, end)
    written = line.text[start:end]
    if m.group("y"):
        year, month, day = int(m.group("y")), int(m.group("m")), int(m.group("d"))
        style = "full-width" if written != written.translate(P.FULLWIDTH_DIGITS) else "arabic"
    elif m.group("cy"):
        year, month, day = _chinese_year(m.group("cy")), chinese_number(m.group("cm")), chinese_number(m.group("cd"))
        style = "chinese-numerals"
    elif m.group("sy"):
        year, month, day = int(m.group("sy")), int(m.group("sm")), int(m.group("sd"))
        style = "separator"
    elif "ry" in m.re.groupindex and m.group("ry"):  # (the 印发 line's pattern has neither of the last two)
        year, month, day = int(m.group("ry")), int(m.group("rm")), int(m.group("rd"))
        style = "digit-run"
    else:  # 2024年  月  日: the date is there, its day (and month) are not
        written_year = m.group("uy")
        year = (int(written_year) if written_year.isdigit() else _chinese_year(written_year)) if written_year else None
        written_month = m.group("um")
        month = (int(written_month) if written_month.isdigit() else chinese_number(written_month)) if written_month else None
        day = None
        style = "unfilled"
    if year is not None and year >= 1000 and month is not None and day is not None:
        value = f"{year:04d}-{month:02d}-{day:02d}"
    elif style == "unfilled":
        value = ""
    else:  # a two-digit year cannot be told for sure: keep what was written
        value = squeeze(written)
    return DateElement.trusted(
        value=value, raw=raw_of(line, span), span=span, year=year, month=month, day=day, style=style
    )


def date(token: LineToken) -> DateElement:
    return date_from_match(token.first, token.match)


def printed(token: LineToken) -> tuple[Element | None, DateElement]:
    m = token.match
    organ_line = token.notes.get("organ_line")
    date_line = token.lines[-1]
    when = date_from_match(date_line, m, "date")
    if organ_line is not None:
        organ = element(organ_line, squeeze(organ_line.text))
    elif m.group("organ").strip():
        organ = element(date_line, squeeze(m.group("organ")), m.start("organ"), m.end("organ"))
    else:
        organ = None
    return organ, when


@dataclass(slots=True)
class FieldLine:
    """What a line of 附注 or footer fields gives: the line itself, and each field the model keeps, with
    its own span (联系人 马海燕, 联系电话 0871-6812345, 承办单位 → 署名, 单位负责人 → 签发人, 答复日期)."""

    line: Element
    person: Element | None = None
    phones: list[tuple[str, Span]] = field(default_factory=list)
    organ: Element | None = None
    unit: Element | None = None  # 联系单位 / 联系处室: a unit named in place of a contact person
    signer: Signer | None = None
    date: DateElement | None = None


# the kinds of patterns.FIELD_LABELS a phone number may stand under (not 邮政编码, 传真, an organ, a date)
_PHONE_KINDS = {"phone", "person", "person+phone", "unit+phone", None}
_VALUE_EDGES = " \t\u3000，,；;。:：、（(）)"


def _labels(token: LineToken, text: str) -> list[tuple[int, int, str | None, str]]:
    """(start, end, kind, label) of every label on the line, in order: the known ones (kind from
    patterns.FIELD_LABELS) and any other (kind None) that is not inside a known one."""
    known = token.notes.get("labels")
    if known is None:
        known = list(P.CONTACT_LABEL.finditer(text))
    found = []
    for m in known:
        label = squeeze(m.group("label"))
        found.append((m.start(), m.end(), P.FIELD_LABELS.get(label, ""), label))
    if ":" in text or text.count("：") > len(known):
        taken = [(start, end) for start, end, _, _ in found]
        for m in P.OTHER_LABEL.finditer(text):
            if not any(start < m.end() and m.start() < end for start, end in taken):
                found.append((m.start(), m.end(), None, m.group("label")))
        found.sort()
    return found


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _VALUE_EDGES:
        start += 1
    while end > start and text[end - 1] in _VALUE_EDGES:
        end -= 1
    return start, end


def contact(token: LineToken) -> FieldLine:
    """A line of 附注 or footer fields → the line and the fields it gives. A label's value runs to the next
    label, known or not, so that an unknown label (职务：科长) neither hides a field nor joins its value."""
    line, span, raw = _whole(token)
    text = line.text
    result = FieldLine(line=Element.trusted(value=squeeze(text), raw=raw, span=span))
    labels = _labels(token, text)
    for i, (_, value_start, kind, label) in enumerate(labels):
        value_end = labels[i + 1][0] if i + 1 < len(labels) else len(text)
        if kind in ("person", "person+phone") and result.person is None:
            name = P.PERSON_NAME.search(text, value_start, value_end)
            if name:
                result.person = element(line, name.group(0), name.start(), name.end())
        if kind in ("unit", "unit+phone") and result.unit is None:
            # the unit runs to its first phone number (联系单位及电话：某部某司，010-58934567)
            phone = P.PHONE.search(text, value_start, value_end) if kind == "unit+phone" else None
            start, end = _trimmed(text, value_start, phone.start() if phone else value_end)
            if end > start and not text[start].isdigit():
                result.unit = element(line, squeeze(text[start:end]), start, end)
        if kind in _PHONE_KINDS:
            for phone in P.PHONE.finditer(text, value_start, value_end):
                result.phones.append((squeeze(phone.group(0)), line.span(phone.start(), phone.end())))
        elif kind == "organ" and result.organ is None:
            start, end = _trimmed(text, value_start, value_end)
            if end > start:
                organ = element(line, squeeze(text[start:end]), start, end)
                organ.placement = "labelled-field"
                result.organ = organ
        elif kind == "signer" and result.signer is None:
            start, end = _trimmed(text, value_start, value_end)
            if end > start and P.PERSON_NAME.match(text, start):
                result.signer = _signer(line, text[labels[i][0]:value_start], text[start:end], start, end,
                                        on_number_line=False, placement="labelled-field")
        elif kind == "date" and result.date is None:
            start, end = _trimmed(text, value_start, value_end)
            m = P.DATE_IN_FIELD.match(text, start, end)
            if m:
                result.date = date_from_match(line, m)
                result.date.placement = "labelled-field"
    return result


def attachment(token: LineToken) -> Attachment:
    """附件说明 over its lines: each numbered item (1.×× on the first line, 2.×× below; or 附件1：×× lines) is
    an item, an unnumbered line below an item is its wrapped name."""
    m = token.match
    items: list[AttachmentItem] = []
    for line in token.lines:
        text = line.text
        labelled = P.ATTACHMENT.match(text)
        start = labelled.start("value") if labelled else 0
        label_number = labelled.group("num") if labelled else ""
        item = P.ATTACHMENT_ITEM.match(text[start:])  # (^ anchors at the string's start, not at a pos)
        if item:
            number, name_start = int(item.group("num").translate(P.FULLWIDTH_DIGITS)), start + item.start("name")
        else:
            number, name_start = (int(label_number) if label_number else None), start
        name = text[name_start:].strip()
        if not name:
            continue
        if item or labelled or not items:
            items.append(AttachmentItem.trusted(number=number, name=name, span=line.span(name_start, len(text))))
        else:  # the name wrapped onto this line
            last = items[-1]
            items[-1] = AttachmentItem.trusted(number=last.number, name=last.name + name, span=Span.trusted(
                line=last.span.line, column=last.span.column, end_line=line.number, end_column=line.column(len(text) - 1) + 1))
    line, span, raw = _whole(token)
    if len(token.lines) > 1:
        last = token.lines[-1]
        span = Span.trusted(line=span.line, column=span.column, end_line=last.number, end_column=last.column(len(last.text) - 1) + 1)
        raw = _raw_lines(token.lines)
    return Attachment.trusted(value=m.group("value").strip(), raw=raw, span=span, items=items)


def annex(token: LineToken) -> Annex:
    """The heading line of an attachment after the letter (附件1); its title is filled in by the builder."""
    line, span, raw = _whole(token)
    m = P.ANNEX_HEADING.match(line.text)
    number = m.group("num") if m else ""
    return Annex.trusted(value="", raw=raw, span=span, number=int(number.translate(P.FULLWIDTH_DIGITS)) if number else None)


def phone_list(phones: list[tuple[str, Span]], lines: dict[int, Line]) -> ListElement | None:
    if not phones:
        return None
    first_span = phones[0][1]
    return ListElement.trusted(
        value=[number for number, _ in phones], raw=raw_of(lines[first_span.line], first_span), span=first_span
    )


def cc(token: LineToken) -> CcList:
    m = token.match
    line, span, raw = _whole(token)
    body = m.group("value").rstrip()
    if len(token.lines) > 1:  # wrapped onto following lines
        body += "".join(l.text for l in token.lines[1:])
        last = token.lines[-1]
        span = Span.trusted(line=span.line, column=span.column, end_line=last.number,
                            end_column=last.column(len(last.text) - 1) + 1)
        raw = _raw_lines(token.lines)
    terminal = body[-1:] if body else ""
    recipients: list[str] = []
    separators: list[str] = []
    depth = 0
    current = []
    for ch in body:
        if ch in "（(【[":
            depth += 1
        elif ch in "）)】]":
            depth = max(0, depth - 1)
        if depth == 0 and ch in "，,、；;":
            separators.append(ch)
            recipients.append("".join(current))
            current = []
            continue
        current.append(ch)
    recipients.append("".join(current))
    cleaned = []
    for name in recipients:
        name = P.COPY_COUNT.sub("", name).strip().rstrip("。.").strip()
        if name:
            cleaned.append(name)
    return CcList.trusted(
        value=cleaned, raw=raw, span=span, label=squeeze(m.group("label")), colon=m.group("colon"),
        separators=separators, terminal=terminal,
    )
