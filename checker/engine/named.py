"""Named checks: the few rules no declarative kind can express, each a small function a rule file refers
to by name (``check = { kind = "python", function = "cc_separators" }``). Registered here and nowhere else;
nothing in a rule file is executed.

Each function takes (letter, ctx, params) and returns findings.
"""

from __future__ import annotations

import datetime as dt
import re

from ..model import Kind, Letter, Span
from ..parser.patterns import CC_CPPCC_OFFICE, CC_NPC_OFFICE, FULLWIDTH_DIGITS, PHONE, Quoted
from . import schema as S
from .context import Finding, body_span, joined_body
from .registry import NAMED, named  # the registry, shared with language.py


def compile_python(check: S.PythonCheck):
    fn = NAMED[check.function]
    params = check.params

    def run(letter: Letter, ctx) -> list:
        return fn(letter, ctx, params)
    return run


# ---- 类型一致 ------------------------------------------------------------------------------------------------

@named
def kind_consistency(letter: Letter, ctx, params) -> list:
    """Every frame signal (title, 抄送) that contradicts the letter's kind. Only the frame is read: the body
    may mention documents of the other kind. A salutation of the wrong role is salutation-role-mismatch's
    one finding, not a second one here."""
    if letter.kind is Kind.UNKNOWN:
        return []
    found = []
    seen = set()
    for signal in letter.kind_signals:
        if signal.kind is letter.kind or signal.element not in ("title", "cc"):
            continue
        key = (signal.element, signal.text)
        if key in seen:
            continue
        seen.add(key)
        expected = "人大代表建议" if letter.kind is Kind.NPC else "政协委员提案"
        found.append(Finding(signal.span, {"found": signal.text, "expected": expected, "value": signal.text,
                                           "element": {"title": "标题", "salutation": "称呼", "cc": "抄送"}[signal.element]}))
    return found


_OTHER_NOUN = {Kind.NPC: re.compile(r"提案"), Kind.CPPCC: re.compile(r"建议")}
_OWN_NOUN = {Kind.NPC: "建议", Kind.CPPCC: "提案"}
# "建议" is also an ordinary verb/noun (建议区政府…, 宝贵建议); only "您(提出)的建议", "此建议", "该建议", "建议答复"
# name the submission itself
# the member's item named by a noun: 您提出的建议, 该提案, 提案答复, and the two nouns run together (建议提案收悉),
# which calls the item by both names, so the other kind's one is always there (建议提案办理工作 is the generic
# term for the work, not a name of this item: only 建议提案（第N号）收悉 counts), and 您提出的关于……的提案收悉 (the item
# named unquoted; a title in 《》 or quotation marks is the member's own and never counts)
_SUBMISSION_NOUN = re.compile(r"(?:您(?:提出|所提)?的|此|该|本|这一|这个|贵)(?:件)?(?P<noun>建议|提案)|(?P<noun2>建议|提案)(?:答复|办理)"
                              r"|(?P<both>建议提案|提案建议)(?:[（(][^（()）]{0,12}[）)])?收悉"
                              r"|的(?P<noun3>建议|提案)(?:[（(][^（()）]{0,12}[）)])?收悉")


@named
def kind_term_mixed(letter: Letter, ctx, params) -> list:
    """Opening, closing and headings calling the submission by the other kind's noun (outside quotes)."""
    if letter.kind is Kind.UNKNOWN:
        return []
    other = "提案" if letter.kind is Kind.NPC else "建议"
    if other not in joined_body(letter, ctx)[0]:
        return []
    found = []
    targets = [p for p in letter.paragraphs if p.heading_level is not None]
    for element in (letter.opening, letter.closing):
        if element is not None:
            targets.extend(p for p in letter.paragraphs if element.span.line <= p.span.line <= element.span.end_line)
    seen = set()
    for p in targets:
        if id(p) in seen or other not in p.text:
            continue
        seen.add(id(p))
        quoted = Quoted(p.text)
        for m in _SUBMISSION_NOUN.finditer(p.text):
            if m.start() in quoted:
                continue
            if m.group("both"):
                start = m.start("both") + m.group("both").index(other)
                found.append(Finding(p.span_of(start, start + 2),
                                     {"found": m.group(0), "value": m.group(0), "expected": _OWN_NOUN[letter.kind]}))
                continue
            noun_group = "noun" if m.group("noun") else "noun2" if m.group("noun2") else "noun3"
            if m.group(noun_group) != other:
                continue
            found.append(Finding(p.span_of(m.start(noun_group), m.end(noun_group)),
                                 {"found": m.group(0), "value": m.group(0), "expected": _OWN_NOUN[letter.kind]}))
    return found


# ---- 抄送 -------------------------------------------------------------------------------------------------

@named
def cc_separators(letter: Letter, ctx, params) -> list:
    """Recipients are separated by "，". "、" is fine inside a group of same-kind organs, which shows as
    "、" beside "，" in the same list; a list joined by "、" alone, or by ASCII "," ";", is not."""
    cc = letter.cc
    if cc is None or not cc.separators:
        return []
    seps = cc.separators
    bad = [s for s in seps if s in ",;；"]
    if not bad and "、" in seps and "，" not in seps:
        bad = ["、"]
    if not bad:
        return []
    first_line = cc.raw.split("\n", 1)[0]
    offset = max(first_line.find(bad[0], len(cc.label)), 0)  # a mark on a wrapped line: point at the label
    span = Span.trusted(line=cc.span.line, column=cc.span.column + offset, end_line=cc.span.line,
                        end_column=cc.span.column + offset + 1)
    return [Finding(span, {"found": bad[0], "value": bad[0], "expected": "，", "raw": cc.raw})]




@named
def cc_wrong_body(letter: Letter, ctx, params) -> list:
    """An NPC letter copied only to the CPPCC proposals committee, or the reverse."""
    cc = letter.cc
    if cc is None or letter.kind is Kind.UNKNOWN:
        return []
    npc = any(CC_NPC_OFFICE.search(r) for r in cc.value)
    cppcc = any(CC_CPPCC_OFFICE.search(r) for r in cc.value)
    if letter.kind is Kind.NPC and cppcc and not npc:
        return [Finding(cc.span, {"found": "政协提案委", "expected": "人大常委会代表工作机构", "value": cc.raw})]
    if letter.kind is Kind.CPPCC and npc and not cppcc:
        return [Finding(cc.span, {"found": "人大代表工作机构", "expected": "政协提案委", "value": cc.raw})]
    return []


# ---- 日期 ---------------------------------------------------------------------------------------------------

@named
def date_valid(letter: Letter, ctx, params) -> list:
    """A calendar date, and not after today (the day of the check, or ``today`` in the options)."""
    found = []
    today = ctx.options.get("today") or dt.date.today().isoformat()
    for name in params.get("fields", ["date"]):
        element = getattr(letter, name)
        if element is None or element.year is None or element.month is None or element.day is None:
            continue
        try:
            day = dt.date(element.year, element.month, element.day)
        except ValueError:
            found.append(Finding(element.span, {"value": element.raw, "raw": element.raw, "found": element.raw,
                                                "expected": "日历上存在的日期"}))
            continue
        if day.isoformat() > today:
            found.append(Finding(element.span, {"value": element.raw, "raw": element.raw, "found": element.raw,
                                                "expected": f"不晚于 {today} 的日期"}))
    return found


@named
def date_vs_session_year(letter: Letter, ctx, params) -> list:
    """The reply cannot predate the session that received the proposal; a reply more than a year after
    it is late (info). Needs the session's year from the profile's ``session_years`` table."""
    session, date = letter.session, letter.date
    if session is None or date is None or date.year is None or session.term is None or session.meeting is None:
        return []
    key = f"{session.body or ''}{session.term}届{session.meeting}次"
    year = ctx.profile.session_years.get(key)
    if year is None:
        return []
    if date.year < year:
        return [Finding(date.span, {"value": date.raw, "other": str(year), "found": date.raw, "expected": f"{year}年或以后"})]
    if date.year > year + 1:
        return [Finding(date.span, {"value": date.raw, "other": str(year), "found": date.raw, "expected": f"{year}或{year + 1}年"},
                        severity=params.get("late_severity", "info"))]
    return []


@named
def reply_deadline(letter: Letter, ctx, params) -> list:
    """With an assigned date (``--assigned-date``), the reply is dated within the profile's months."""
    assigned = ctx.options.get("assigned_date")
    date = letter.date
    if not assigned or date is None or date.year is None or date.month is None or date.day is None:
        return []
    try:
        start = dt.date.fromisoformat(str(assigned))
        written = dt.date(date.year, date.month, date.day)
    except ValueError:
        return []
    months = int(ctx.profile.reply_months)
    month = start.month - 1 + months
    year = start.year + month // 12
    month = month % 12 + 1
    day = min(start.day, [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1])
    deadline = dt.date(year, month, day)
    if written <= deadline:
        return []
    return [Finding(date.span, {"value": date.raw, "other": start.isoformat(), "expected": deadline.isoformat(),
                                "found": date.raw})]


# ---- 联系方式 -----------------------------------------------------------------------------------------------

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_GROUPED_MOBILE = re.compile(r"^1[3-9]\d-?\d{4}-?\d{4}$")  # 138-0871-2345 (spaces are gone from values)
_LANDLINE_WITH_AREA = re.compile(r"^(?:0\d{2,3}-?|[（(]0\d{2,3}[）)])\d{7,8}$")
_LANDLINE_LOCAL = re.compile(r"^\d{7,8}$")
_MASKED = re.compile(r"[xX×＊*]")  # digits hidden by the publisher (010-5893xxxx): nothing to judge
_DASHES = ("—", "–")


@named
def contact_phone_format(letter: Letter, ctx, params) -> list:
    """Mobile 1[3-9]+9 digits (also grouped 138 0871 2345); landline with area code 0xxx-xxxxxxx; a local
    number without area code, or an area code joined by a dash instead of a hyphen (0871—6812345), is
    reported with a lower severity (``local_severity``, ``dash_severity``)."""
    phones = letter.contact_phone
    if phones is None:
        return []
    found = []
    spans = None
    for number in phones.value:
        if _MASKED.search(number):
            continue
        digits = number.replace(" ", "").replace("－", "-")
        if _MOBILE.match(digits) or _GROUPED_MOBILE.match(digits) or _LANDLINE_WITH_AREA.match(digits):
            continue
        if spans is None:
            spans = _number_spans(letter)
        if any(dash in digits for dash in _DASHES):
            fixed = digits.replace("—", "-").replace("–", "-")
            if _LANDLINE_WITH_AREA.match(fixed) or _GROUPED_MOBILE.match(fixed):
                found.append(Finding(spans.get(number) or phones.span,
                                     {"value": number, "found": number, "expected": f"“{fixed}”（区号与号码之间用连字符“-”，不用破折号）"},
                                     severity=params.get("dash_severity", "info")))
                continue
        span = spans.get(number) or phones.span
        if _LANDLINE_LOCAL.match(digits) and not digits.startswith("1"):
            found.append(Finding(span, {"value": number, "found": number, "expected": "区号-号码（如 0871-12345678）"},
                                 severity=params.get("local_severity", "info")))
        else:
            found.append(Finding(span, {"value": number, "found": number, "expected": "11 位手机号或区号-号码"}))
    return found


def _number_spans(letter: Letter) -> dict[str, Span]:
    """Where each phone-like number first stands in the contact and footer-field lines, keyed by the number
    as the model gives it (spaces removed), from one pass over them (looking each number up line by line
    was quadratic in a letter of thousands of contact lines)."""
    spans: dict[str, Span] = {}
    for line in (*letter.contact_lines, *letter.footer_fields):
        for m in PHONE.finditer(line.raw):
            key = "".join(m.group(0).split())
            if key not in spans:
                spans[key] = Span.trusted(line=line.span.line, column=line.span.column + m.start(),
                                          end_line=line.span.line, end_column=line.span.column + m.end())
    return spans


# ---- 届次、编号、姓名 ------------------------------------------------------------------------------------------

@named
def session_ordinal(letter: Letter, ctx, params) -> list:
    s = letter.session
    if s is None or s.term is None or s.meeting is None:
        return []
    if 1 <= s.meeting <= int(params.get("max_meeting", 7)) and 1 <= s.term <= int(params.get("max_term", 20)):
        return []
    return [Finding(s.span, {"value": s.value, "found": s.value, "raw": s.raw,
                             "expected": f"届次 1–{params.get('max_term', 20)}、会次 1–{params.get('max_meeting', 7)}"})]


_NUMBER_IN_BODY = re.compile(r"第\s*(?P<number>[0-9A-Za-z][0-9A-Za-z\-]{0,11})\s*号\s*(?:建议|提案|议案)")
_NUMBER_IN_PARENS = re.compile(r"[（(]\s*第\s*(?P<number>[0-9A-Za-z０-９][0-9A-Za-z０-９\-－]{0,11})\s*号\s*[）)]")


@named
def proposal_number_consistency(letter: Letter, ctx, params) -> list:
    """A 第N号建议/提案 in the body names the same number as the title."""
    title_number = letter.proposal_number
    if title_number is None:
        return []
    text, starts, paragraphs = joined_body(letter, ctx)
    mentions = [m for m in _NUMBER_IN_BODY.finditer(text)]
    opening = letter.opening
    if opening is not None:  # “您提出的《关于……的建议》（第15号）收悉”: the number the opening cites
        for i, paragraph in enumerate(paragraphs):
            if opening.span.line <= paragraph.span.line <= opening.span.end_line:
                end = starts[i] + len(paragraph.text)
                mentions.extend(m for m in _NUMBER_IN_PARENS.finditer(text, starts[i], end))
    found = []
    for m in sorted(mentions, key=lambda m: m.start()):
        number = m.group("number").translate(FULLWIDTH_DIGITS)
        if number != title_number.value:
            found.append(Finding(body_span(starts, paragraphs, m.start("number"), m.end("number")),
                                 {"found": number, "value": number, "expected": title_number.value,
                                  "line": title_number.span.line}))
    return found


@named
def salutation_form(letter: Letter, ctx, params) -> list:
    """One finding for a salutation written in a wrong form (the parser's ``form``: 同志, a missing 的, a
    greeting instead of a salutation, a half-width or missing colon …), worded by ``params``: the form →
    what is wrong. Placeholders, organisations, units, several names and 等N位 are not wrong forms."""
    sal = letter.salutation
    if sal is None or not sal.form:
        return []
    found = params.get(sal.form) or params.get("other", "")
    return [Finding(sal.span, {"raw": sal.raw, "value": sal.value, "found": found}, element=sal)]


# the role and verb first, so the regex engine jumps between the rare characters 代/委; the name is read
# backwards from there (up to four characters)
_PROPOSER = re.compile(r"(?:代表|委员)(?:领衔)?(?:提出|所提)")
_NAME_BEFORE = re.compile(r"[\u4e00-\u9fff·]{2,4}$")


@named
def salutation_name_consistency(letter: Letter, ctx, params) -> list:
    """A proposer named in the body (××代表提出的) is the addressee of the salutation."""
    sal = letter.salutation
    # no name to compare with (a placeholder, an organisation, a unit, 各位代表), or members left unnamed
    # (周某等5位代表: the proposer may be one of the others)
    if sal is None or not sal.role or not sal.names or sal.others:
        return []
    text, starts, paragraphs = joined_body(letter, ctx)
    if "提" not in text:
        return []
    names = sal.names
    found = []
    for m in _PROPOSER.finditer(text):
        before = _NAME_BEFORE.search(text, max(0, m.start() - 4), m.start())
        if before is None:
            continue
        name = before.group(0)
        if name in ("您", "各位", "人大", "政协") or any(name.endswith(n) or n.endswith(name) for n in names):
            continue
        found.append(Finding(body_span(starts, paragraphs, before.start(), before.end()),
                             {"found": name, "value": name, "expected": "、".join(names), "line": sal.span.line}))
    return found


_FORWARD = re.compile(r"下一步|列入计划|逐步|力争|拟于|计划于|将进一步|将继续|将积极")
_SOLVED = re.compile(r"已(?:经)?(?:全部|基本)?解决")


@named
def grade_body_consistency(letter: Letter, ctx, params) -> list:
    """Grade A (solved) but the body plans future work; grade C (for reference) but it says solved."""
    grade = letter.grade
    if grade is None or grade.value not in ("A", "C", "D"):
        return []
    pattern = _FORWARD if grade.value == "A" else _SOLVED
    for p in letter.paragraphs:
        m = pattern.search(p.text)
        if m:
            # pointed at the words that contradict the grade: that is where the reader decides which is wrong
            return [Finding(p.span_of(m.start(), m.end()), {"value": grade.value, "found": m.group(0),
                                                            "line": grade.span.line, "raw": grade.raw}, element=grade)]
    return []


# ---- 语言：用词、引号括号、引用文号、关于叠用 (rules/language.toml) ----------------------------------------------
# in a module of their own (the word lists they load are data: rules/words/); imported here to register them

from . import language  # noqa: E402,F401
