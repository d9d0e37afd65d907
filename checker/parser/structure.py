"""Structural diagnostics: what the parser itself found about the shape of the letter.

* ``unrecognised-text`` (RL001): a stretch of text the grammar could not place (text inside the 版头,
  body prose after the date or after 抄送).
* ``element-out-of-place`` (RL002): a recognised element standing where the letter's structure does not
  allow it (a 签发人 under the date, a second salutation inside the body …).
* ``element-duplicated`` (RL003): an element given twice (two 文号, two dates …).
* ``not-a-reply-letter`` (RL004): the text is no reply letter at all (a news item, a 交办 notice, a table);
  it is then the only finding.

Missing elements are the rule catalogue's ``required`` rules; ``missing_anchor`` says where they point.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Diagnostic, Severity, Span

if TYPE_CHECKING:  # the rule engine reads missing_anchor from here: it need not load the parser and Lark
    from .build import ParseResult

ELEMENT_NAMES = {
    "GRADE": "办理结果", "FOOT_GRADE": "办理结果", "DISCLOSURE": "公开属性", "FOOT_DISCLOSURE": "公开属性",
    "SECRECY": "密级", "URGENCY": "紧急程度", "COPY_NO": "份号", "ORGAN_MARK": "发文机关标志",
    "DOC_NUMBER": "发文字号", "SIGNER": "签发人", "TITLE": "标题", "SALUTATION": "主送（称呼）",
    "PARA": "正文段落", "HEADING": "正文标题", "ATTACH": "附件说明", "ORGAN": "发文机关署名", "SEAL": "印章",
    "DATE": "成文日期", "CONTACT": "联系人/联系电话", "CC": "抄送", "PRINT": "印发机关和印发日期",
    "NO_BODY": "“此页无正文”", "NOTE_DISCLOSURE": "公开属性", "ANNEX": "附件", "ANNEX_TEXT": "附件内容",
}
FIELD_TO_ELEMENT = {
    "grade": "办理结果", "disclosure": "公开属性", "secrecy": "密级", "urgency": "紧急程度", "copy_number": "份号",
    "organ_mark": "发文机关标志", "doc_number": "发文字号", "signer": "签发人", "title": "标题",
    "salutation": "主送（称呼）", "attachment": "附件说明", "signature_organ": "发文机关署名", "seal": "印章",
    "date": "成文日期", "no_body_marker": "“此页无正文”", "cc": "抄送", "print_organ": "印发机关",
    "print_date": "印发日期", "proposal_number": "建议/提案编号", "session": "会议届次",
}
ZONE_NAMES = {"header": "版头", "title": "标题", "salutation": "主送", "body": "正文", "closing": "落款和版记"}
WHERE_IT_BELONGS = {
    "GRADE": "版头（标题之上）", "FOOT_GRADE": "版头（标题之上）", "DISCLOSURE": "版头",
    "FOOT_DISCLOSURE": "版头（或以“（此件主动公开）”的附注写在成文日期之下）", "SECRECY": "版头左上角", "URGENCY": "版头左上角",
    "COPY_NO": "版头左上角", "ORGAN_MARK": "版头", "DOC_NUMBER": "版头（发文机关标志之下）",
    "SIGNER": "版头（与发文字号同一行或其下）", "TITLE": "版头之下、主送之上", "SALUTATION": "标题之下、正文之前",
    "HEADING": "正文之中", "PARA": "正文之中（署名和成文日期之前）", "ATTACH": "正文之后、署名之前",
    "ORGAN": "成文日期之上", "SEAL": "署名和成文日期处", "DATE": "署名之下", "CONTACT": "成文日期之下、抄送之上",
    "CC": "版记（成文日期之后）", "PRINT": "版记末行", "NO_BODY": "（不应出现）",
    "ANNEX": "成文日期和附注之后、版记之前", "ANNEX_TEXT": "成文日期和附注之后、版记之前",
}


def _snippet(text: str, limit: int = 16) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _line_span(token) -> Span:
    first, last = token.lines[0], token.lines[-1]
    return Span.trusted(
        line=first.number, column=first.column(0), end_line=last.number, end_column=last.column(len(last.text) - 1) + 1
    )


def structural_diagnostics(result: ParseResult) -> list[Diagnostic]:
    if result.letter.role is None:  # not a reply letter: no element of one is misplaced or missing
        return [Diagnostic.trusted(
            code="RL004", rule="not-a-reply-letter", severity=Severity.WARNING, span=Span.at(1, 1, 1, 1), fix=None,
            message="这份文本看起来不是建议、提案的答复函（没有称呼、答复开头语，也没有答复标题），"
                    "未按答复函逐项检查",
        )]
    out: list[Diagnostic] = []
    for record in result.misplaced:
        token = record.token
        zone = ZONE_NAMES.get(record.zone, record.zone)
        if token.kind == "STRAY":  # a header line that is no element and not the title
            out.append(Diagnostic.trusted(
                code="RL001", rule="unrecognised-text", severity=Severity.WARNING, span=_line_span(token), fix=None,
                message=f"无法确定版头中“{_snippet(token.text)}”的作用：它不是标题，也不是能识别的版头要素"
                        f"（发文字号、签发人、办理结果、公开属性等）；请按规范写法标注，或删去",
            ))
        elif token.kind in ("PARA", "TITLE", "TEXT"):
            out.append(Diagnostic.trusted(
                code="RL001", rule="unrecognised-text", severity=Severity.WARNING, span=_line_span(token), fix=None,
                message=f"无法确定这段文字在答复函中的作用（位于{zone}）：“{_snippet(token.text)}”；"
                        f"正文内容应写在主送之后、署名和成文日期之前",
            ))
        else:
            name = ELEMENT_NAMES.get(token.kind, token.kind)
            where = "标题之下" if record.zone == "title" else zone
            out.append(Diagnostic.trusted(
                code="RL002", rule="element-out-of-place", severity=Severity.WARNING, span=_line_span(token), fix=None,
                message=f"{name}出现在{where}，位置不对；应放在{WHERE_IT_BELONGS.get(token.kind, '规定位置')}",
            ))
    for field, token in result.duplicates:
        name = FIELD_TO_ELEMENT.get(field, field)
        existing = getattr(result.letter, field, None)
        where = f"（第 {existing.span.line} 行已有）" if existing is not None and hasattr(existing, "span") else ""
        out.append(Diagnostic.trusted(
            code="RL003", rule="element-duplicated", severity=Severity.WARNING, span=_line_span(token), fix=None,
            message=f"{name}重复出现{where}；一封答复函只应有一处{name}",
        ))
    return out


def missing_anchor(letter, field: str, last_line: int) -> Span:
    """Where to point when ``field`` is absent: the place it should have stood (a point, not a range).
    Never at a value taken from publication metadata: that line is not the letter's."""
    paragraphs = letter.paragraphs
    first_body = paragraphs[0] if paragraphs else None
    last_body = paragraphs[-1] if paragraphs else None
    named = {"first_body": first_body, "last_body": last_body}
    candidates = _ANCHORS.get(field) or ("doc_number", "header")
    for name in candidates:
        if name == "header":
            span = _header_anchor(letter)
            if span is not None:
                return span
            continue
        element = named[name] if name in named else getattr(letter, name)
        if element is not None and getattr(element, "source", "letter") != "metadata":
            span = element.span
            return Span.at(span.line, span.column, span.line, span.column + 1)
    if field in _AT_END:
        line = max(1, last_line)
        return Span.at(line, 1, line, 1)
    line = _first_line_of_letter(letter)
    return Span.at(line, 1, line, 1)


_HEADER_ELEMENTS = frozenset({"copy_number", "secrecy", "urgency", "grade", "disclosure", "organ_mark", "doc_number",
                              "signer"})


def _header_anchor(letter) -> Span | None:
    """The first element standing in the letter's 版头, or None when it has no 版头."""
    entries = [entry for entry in letter.layout if entry.zone == "header" and entry.element in _HEADER_ELEMENTS]
    if not entries:
        return None
    first = min(entries, key=lambda entry: entry.line)
    element = getattr(letter, first.element, None)
    if element is not None and element.span.line == first.line:
        span = element.span
        return Span.at(span.line, span.column, span.line, span.column + 1)
    return Span.at(first.line, 1, first.line, 1)


def _first_line_of_letter(letter) -> int:
    """The first line of the letter proper (its title, salutation or first body line): publication lines
    are neither elements nor paragraphs."""
    lines = [entry.line for entry in letter.layout]
    if letter.paragraphs:
        lines.append(letter.paragraphs[0].span.line)
    return min(lines, default=1)


# the elements (in order of preference) next to which a missing element should have stood
_ANCHORS = {
    "signer": ("doc_number", "header"),
    "title": ("salutation", "first_body"),
    "salutation": ("title", "first_body"),
    "signature_organ": ("seal", "date", "last_body"),
    "date": ("signature_organ", "seal", "last_body"),
    "contact_person": ("date", "cc"),
    "contact_phone": ("contact_person", "date", "cc"),
    "cc": ("print_date", "date", "last_body"),
    "print_date": ("cc", "date", "last_body"),
    "print_organ": ("print_date", "cc", "date"),
    "opening": ("first_body", "salutation"),
    "proposal_number": ("title", "first_body"),
    "closing": ("last_body",),
}
_AT_END = {"cc", "date", "signature_organ", "contact_person", "contact_phone", "print_date"}
