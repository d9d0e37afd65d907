"""Named checks: the few rules no declarative kind can express, each a small function a rule file refers
to by name (``check = { kind = "python", function = "cc_separators" }``). Registered here and nowhere else;
nothing in a rule file is executed.

Each function takes (letter, ctx, params) and returns findings.
"""

from __future__ import annotations

import datetime as dt
import re

from ..model import Kind, Letter, Span
from ..parser.elements import chinese_number
from ..parser.patterns import CC_CPPCC_OFFICE, CC_NPC_OFFICE, FULLWIDTH_DIGITS, PHONE, SESSION, Quoted
from ..parser.structure import missing_anchor
from . import named_address
from . import schema as S
from .context import Finding, body_span, joined_body
from .registry import NAMED, named  # the registry, shared with language.py


def compile_python(check: S.PythonCheck):
    fn = NAMED[check.function]
    params = check.params

    def run(letter: Letter, ctx) -> list:
        return fn(letter, ctx, params)
    return run


# ---- 版头 ------------------------------------------------------------------------------------------------------

# 办理结果：A, A类, （A类）, or 甲乙丙丁 in place of the letter (乙类). The words of a grade after its letter
# (办理结果：B类（正在解决）) are valid (grade-invalid-value reads the letter) but not the plain form: info
_GRADE_FORM = re.compile(
    r"^(?:(?:办理结果|答复类别|办复类别|办理类别|办理结果类别)：(?P<labelled>[A-D甲乙丙丁])类?"
    r"|(?P<suffixed>[A-D甲乙丙丁])类|（(?P<bracketed>[A-D甲乙丙丁])类）)$"
)
_CN_GRADE = frozenset("甲乙丙丁")


@named
def grade_label_format(letter: Letter, ctx, params) -> list:
    """The 办理结果 in one of its standard forms. 甲乙丙丁 are standard in a profile that writes its grades so
    (``cn_grades``: its ``grades`` list 甲乙丙丁), elsewhere a letter is the clearer form."""
    grade = letter.grade
    if grade is None:
        return []
    m = _GRADE_FORM.match(grade.raw)
    written = m and (m.group("labelled") or m.group("suffixed") or m.group("bracketed"))
    if written and (written not in _CN_GRADE or getattr(ctx.profile, "cn_grades", False)):
        return []
    return [Finding(grade.span, {"value": grade.value, "raw": grade.raw, "found": grade.raw}, element=grade)]


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
# "建议" is also an ordinary verb/noun (建议区政府…, 宝贵建议, 这个建议, 意见建议); only "您提出的（这个）建议",
# "此建议", "该建议", "建议答复" name the submission itself
# the member's item named by a noun: 您提出的建议, 该提案, 提案答复, and the two nouns run together (建议提案收悉),
# which calls the item by both names, so the other kind's one is always there (建议提案办理工作 is the generic
# term for the work, not a name of this item: only 建议提案（第N号）收悉 counts), and 您提出的关于……的提案(收悉) (the
# item named unquoted; a title in 《》 or quotation marks is the member's own and never counts). 贵 is the
# honorific (贵提案), not the end of 宝贵/珍贵 (宝贵建议 is praise, not a name of the item)
_SUBMISSION_NOUN = re.compile(r"(?:您(?:提出|所提)?的(?:这个|这一|此|该)?|此|该|本|(?<![宝珍可昂])贵)(?:件|项)?(?P<noun>建议|提案)"
                              r"|(?P<noun2>建议|提案)(?:答复|办理)"
                              r"|(?P<both>建议提案|提案建议)(?:[（(][^（()）]{0,12}[）)])?收悉"
                              r"|的(?P<noun3>建议|提案)(?:[（(][^（()）]{0,12}[）)])?收悉"
                              r"|您(?:提出|所提)的关于[^，。；：！？“”《》\n]{1,40}?的(?P<noun4>建议|提案)")
_NOUN_GROUPS = ("noun", "noun2", "noun3", "noun4")


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
            noun_group = next(g for g in _NOUN_GROUPS if m.group(g))
            if m.group(noun_group) != other:
                continue
            if other == "建议" and m.group(0).startswith("您的"):
                continue  # 感谢您的建议: the common word (a 提案 is full of 建议), not the item's name
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
    it is late (info). Needs the session's year from the profile's ``session_years`` table: a national
    session (全国人大, 全国政协) under the key "全国人大14届2次", a region's under "人大14届2次", so that the
    years of the national sessions never judge a 市人大 十四届 letter."""
    session, date = letter.session, letter.date
    if session is None or date is None or date.year is None or session.term is None or session.meeting is None:
        return []
    body = session.body or ("政协" if "全国委员会" in session.value else "")  # 第十四届全国委员会: the CPPCC's
    key = f"{'全国' if session.national else ''}{body}{session.term}届{session.meeting}次"
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

# area codes of three digits: 010 (北京) and 020–029; they are followed by 8 digits. Every other area code
# has four digits (0311, 0871 …) and is followed by 7 or 8.
_LANDLINE_SEPARATED = re.compile(r"^(?:[（(](?P<bracketed>0\d{2,3})[）)]-?|(?P<area>0\d{2,3})-)(?P<local>\d+)$")
_SERVICE = re.compile(r"^(?:[48]00-?\d{3}-?\d{4}|12\d{3})$")  # 400/800 numbers, 12345-type hotlines
_MOBILE = re.compile(r"^1[3-9]\d(?:-?\d{4}){2}$")  # 13808712345, 138-0871-2345 (spaces are gone from values)
_EXTENSION = re.compile(r"(?:转|-)\d{1,5}$")  # 0871-6812345转8001, 0871-6812345-8001
_LANDLINE_LOCAL = re.compile(r"^[2-9]\d{6,7}$")
_MASKED = re.compile(r"[xX×＊*]")  # digits hidden by the publisher (010-5893xxxx): nothing to judge
_DASHES = ("—", "–")


def _short_area(area: str) -> bool:
    return area == "010" or area.startswith("02")


def _phone_problem(digits: str) -> tuple[str, str] | None:
    """None for a valid number, else ("local" | "wrong", what is expected). ``digits`` has no spaces and
    only ASCII digits and hyphens (a dash already replaced)."""
    if _MOBILE.match(digits) or _SERVICE.match(digits):
        return None
    m = _LANDLINE_SEPARATED.match(digits)
    if m:
        area, local = m.group("bracketed") or m.group("area"), m.group("local")
        if _short_area(area):
            if len(local) == 8:
                return None
            return "wrong", f"区号{area}后应接8位号码（现为{len(local)}位），如“{area}-12345678”"
        if len(area) == 3:
            return "wrong", f"区号“{area}”不全：除010和020–029外，区号都是4位（如“0871”），后接7位或8位号码"
        if len(local) in (7, 8):
            return None
        return "wrong", f"区号{area}后应接7位或8位号码（现为{len(local)}位），如“{area}-1234567”"
    plain = digits.replace("-", "")
    if plain.isdigit() and plain.startswith("0"):  # area code and number run together: 08355550123
        if (len(plain) == 11 if _short_area(plain[:3]) else len(plain) in (11, 12)):
            return None
        return "wrong", "位数不对：区号010和020–029后接8位号码，其他区号（4位）后接7位或8位，宜写成“区号-号码”，如“0871-1234567”"
    if _LANDLINE_LOCAL.match(digits):
        return "local", "固定电话应带区号，写成“区号-号码”，如“0871-1234567”"
    if plain.isdigit() and plain.startswith("1"):
        return "wrong", f"手机号应为以13–19开头的11位数字（现为{len(plain)}位）"
    return "wrong", "应为11位手机号或“区号-号码”，如“0871-1234567”"


@named
def contact_phone_format(letter: Letter, ctx, params) -> list:
    """Digits by kind of number: a mobile has 11 (1[3-9]…, also grouped 138 0871 2345); a landline after
    010 or 020–029 has 8, after any other (four-digit) area code 7 or 8; 400/800 numbers and 12345-type
    hotlines are valid; an extension (转8001, -8001) is allowed. A local number without area code, or an
    area code joined by a dash instead of a hyphen (0871—6812345), is reported with a lower severity
    (``local_severity``, ``dash_severity``)."""
    phones = letter.contact_phone
    if phones is None:
        return []
    found = []
    spans = None
    for number in phones.value:
        if _MASKED.search(number):
            continue
        digits = number.replace(" ", "").replace("－", "-").translate(FULLWIDTH_DIGITS)
        fixed = digits.replace("—", "-").replace("–", "-")
        problem = _phone_problem(fixed)
        if problem is not None and _EXTENSION.search(fixed):
            without = _EXTENSION.sub("", fixed)
            if _phone_problem(without) is None and not _MOBILE.match(without):
                problem = None
        if problem is None and fixed == digits:
            continue
        if spans is None:
            spans = _number_spans(letter)
        span = spans.get(number) or phones.span
        if problem is None:  # valid once the dash is a hyphen
            found.append(Finding(span, {"value": number, "found": number,
                                        "expected": f"区号与号码之间应用连字符“-”，不用破折号，写成“{fixed}”"},
                                 severity=params.get("dash_severity", "info")))
            continue
        kind, expected = problem
        found.append(Finding(span, {"value": number, "found": number, "expected": expected},
                             severity=params.get("local_severity", "info") if kind == "local" else None))
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


# a sentence about another item than the letter's: handled together with it (并案, 一并), like it (同类, 内容相近),
# or put earlier (曾提出, 此前, 往年)
_OTHER_ITEM_CUES = ("并案", "同类", "内容相近", "曾提出", "此前")
_SENTENCE_END = "。！？；!?;\n"
_WINDOW = 200  # how far back and on a sentence is looked for: bounded, so many mentions stay linear


def _another_item(text: str, m: re.Match, session) -> bool:
    """Is the 第N号 of ``m`` another item's: named after a 届次 of its own that is not the letter's
    (市政协九届三次会议第56号提案), or in a sentence that speaks of another item (并案, 同类, 内容相近, 曾提出, 此前)."""
    start, end = m.start(), m.end()
    low = max(0, start - _WINDOW)
    begin = max(text.rfind(ch, low, start) for ch in _SENTENCE_END) + 1
    begin = max(begin, low)
    stop = min((at for ch in _SENTENCE_END if (at := text.find(ch, end, end + _WINDOW)) >= 0), default=end + _WINDOW)
    if any(cue in text[begin:stop] for cue in _OTHER_ITEM_CUES):
        return True
    own = None
    for own in SESSION.finditer(text, max(begin, start - 40), start):
        pass
    if own is None or text[own.end():start].strip():
        return False
    if session is None:
        return False
    before = text[max(begin, own.start() - 8):own.end()]
    body = "人大" if ("人大" in before or "人民代表大会" in before) else "政协" if ("政协" in before or "政治协商" in before) else None
    if body and session.body and body != session.body:
        return True
    term, meeting = chinese_number(own.group("term")), chinese_number(own.group("meeting"))
    return None not in (term, meeting, session.term, session.meeting) and (term, meeting) != (session.term, session.meeting)


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
        if number != title_number.value and not _another_item(text, m, letter.session):
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


# ---- 正文内容与各要素一致（办理结果、届次、日期、不采纳理由、推诿）: checker/engine/content.py -------------------

from . import content as _content  # noqa: E402

for _check in _content.CHECKS:
    named(_check)


# ---- 落款、附注、版记：联系人括号、印发机关、附件说明、签发人兼联系人 -----------------------------------------------

def _date_line(letter: Letter) -> int | None:
    """The line of the 成文日期 as it stands in the letter (also as a footer field 答复日期：…), not a date
    from the publication's metadata."""
    date = letter.date
    if date is None or date.source != "letter":
        return None
    return date.span.line


@named
def contact_bracketed(letter: Letter, ctx, params) -> list:
    """The 附注 below the date is one line in full-width round brackets. A contact block standing above the
    署名 and the date is an accepted practice written without brackets: contact-position says it (info) once,
    and this rule does not add a second finding for the same block."""
    lines = letter.contact_lines
    if not lines:
        return []
    below = _date_line(letter)
    if below is not None:
        lines = [line for line in lines if line.span.line > below]
    for line in lines:
        raw = line.raw
        if not (raw.startswith("（") and raw.endswith("）")):
            return [Finding(line.span, {"value": line.value, "raw": raw, "found": raw}, element=line)]
    return []


@named
def signer_is_contact(letter: Letter, ctx, params) -> list:
    """The 签发人 (the responsible leader who signs) named again as the 联系人 (the staff member who handled
    the item and answers the member's questions)."""
    signer, person = letter.signer, letter.contact_person
    if signer is None or person is None:
        return []
    names = signer.names or [signer.value]
    if person.value not in names:
        return []
    return [Finding(person.span, {"value": person.value, "found": person.value, "line": signer.span.line,
                                  "raw": person.raw}, element=person)]


@named
def printed_by_missing(letter: Letter, ctx, params) -> list:
    """The 印发机关和印发日期 line is part of the 版记 of a letter in the file format only: the rule speaks
    when the letter has such a 版记 — a 印发 line (then its organ must be there), or 抄送 with the 版记's
    rule lines drawn below the letter — and not on a 信函格式 letter whose 版记 is the 抄送 alone."""
    organ, when = letter.print_organ, letter.print_date
    if when is not None:
        if organ is not None:
            return []
        return [Finding(when.span, {"element": "印发机关", "value": when.raw, "raw": when.raw})]
    if letter.cc is None:
        return []
    body_end = letter.paragraphs[-1].span.end_line if letter.paragraphs else 0
    if not any(a.kind == "rule-line" and a.span.line > body_end for a in letter.artifacts):
        return []
    return [Finding(missing_anchor(letter, "print_date", ctx.last_line), {"element": "印发机关和印发日期"})]


_NAME_END_PUNCT = "。．.，,；;：:、！!？?"
_NAME_NOISE = re.compile(r"[\s《》“”\"'‘’]|\.(?:xlsx?|docx?|pdf|wps|et|ofd)$", re.IGNORECASE)


def _annex_name(name: str) -> str:
    return _NAME_NOISE.sub("", name).rstrip(_NAME_END_PUNCT)


def _same_name(listed: str, title: str) -> bool:
    """The title below 附件N is the name the 附件说明 gives (a title wrapped onto a second line: its first line
    begins the name; marks of quotation, spaces and a file extension do not count)."""
    a, b = _annex_name(listed), _annex_name(title)
    return bool(a) and bool(b) and (a == b or a.startswith(b) or b.startswith(a))


@named
def attachment_format(letter: Letter, ctx, params) -> list:
    """The 附件说明 (GB/T 9704 7.3.4): no punctuation after a name; several attachments numbered 1., 2. … in
    order. And the attachments after the letter (7.5) agree with it: as many, numbered alike, each titled as
    the 附件说明 names it."""
    att, annexes = letter.attachment, letter.annexes
    found = []

    def add(span, element, text, expected):
        found.append(Finding(span, {"element": element, "found": text, "value": text, "expected": expected}))

    items = att.items if att is not None else []
    for item in items:
        if item.name[-1] in _NAME_END_PUNCT:
            add(item.span, "附件说明", item.name,
                f"的附件名称后不加标点符号：写成“{item.name.rstrip(_NAME_END_PUNCT)}”")
    if len(items) > 1 and [item.number for item in items] != list(range(1, len(items) + 1)):
        add(att.span, "附件说明", "；".join(item.name for item in items),
            "有多个附件，应依次用阿拉伯数字标注顺序号，写成“附件：1.××××”，下一行“2.××××”与上一行附件名称的首字对齐")
    if not annexes:
        return found
    first = annexes[0]
    if att is None:
        add(first.span, "附件", first.raw, "附在文后，但正文之下没有附件说明：应在正文下空一行写“附件：1.××××”，列出每个附件的名称")
        return found
    if len(annexes) > 1 and any(annex.number is None for annex in annexes):
        unnumbered = next(annex for annex in annexes if annex.number is None)
        add(unnumbered.span, "附件", unnumbered.raw, "没有顺序号：有多个附件时，每个附件写“附件1”“附件2”……，与附件说明的顺序号一致")
    if len(annexes) != len(items):
        add(att.span, "附件说明", "；".join(item.name for item in items) or att.value,
            f"列了{len(items)}个附件，正文之后附了{len(annexes)}个（第{first.span.line}行起）：附件说明和附件应一一对应")
        return found
    for item, annex in zip(items, annexes):
        if annex.value and not _same_name(item.name, annex.value):
            add(annex.span, "附件标题", annex.value,
                f"（第{annex.span.line}行{annex.raw}）与附件说明中的“{item.name}”不一致：附件顺序号和标题应与附件说明的表述一致")
        elif item.number is not None and annex.number is not None and item.number != annex.number:
            add(annex.span, "附件", annex.raw, f"的顺序号与附件说明中“{item.name}”的顺序号{item.number}不一致")
    return found
# the checks on the title and on how the letter addresses the member (named_address.py)
for _check in named_address.CHECKS:
    named(_check)


# ---- 语言：用词、引号括号、引用文号、关于叠用 (rules/language.toml) ----------------------------------------------
# in a module of their own (the word lists they load are data: rules/words/); imported here to register them

from . import language  # noqa: E402,F401
