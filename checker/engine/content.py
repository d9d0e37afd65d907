"""Named checks of the letter's content against its own elements: the 办理结果 against what the body says
(grade-body-consistency), the 届次 of the opening against the title's (session-consistency), dates in the
body against the 成文日期 (body-date-after-written), a refusal without its reason (refusal-without-reason)
and a lead unit sending the member elsewhere (deflection).

named.py registers the functions of ``CHECKS`` (this module does not import named.py). The cue lists are the rules' params
(rules/consistency.toml, rules/body.toml), each a regular expression; they are compiled once per list and
kept in ``CUE_PATTERNS`` (tests/test_content_rules.py runs the linear-time attack on every one of them).

Trust first: every check here reads only sentences that speak of the answer. A cue inside quotation marks
or 《》 (the member's own words, a document's title), in a sentence describing the problem (群众反映无法停车
的问题已经解决, 对尚未改造的市场, 存在…难以统一等问题), in a conditional (如确实无法解决的) or in a section
describing the situation (基本情况, 存在的困难) is not the answer and is never reported.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from typing import Iterable, Optional

from ..model import Grade, Letter, Paragraph
from ..parser.patterns import Quoted
from .context import Finding

# ---- shared: cue lists, sentences, what a sentence is about --------------------------------------------------

CUE_PATTERNS: dict[tuple[str, ...], list[re.Pattern]] = {}


def cues(params: dict, key: str, default: Iterable[str] = ()) -> list[re.Pattern]:
    """The rule's cue list ``key`` compiled (once per distinct list), in the order written: the order is the
    strength, the first the strongest."""
    raw = params.get(key, list(default))
    source = tuple([raw] if isinstance(raw, str) else raw)
    compiled = CUE_PATTERNS.get(source)
    if compiled is None:
        compiled = CUE_PATTERNS[source] = [re.compile(c) for c in source]
    return compiled


_SENTENCE_END = re.compile(r"[。！？；!?;]")
_CLAUSE_STOP = "，,。；;！!？?：:"


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a paragraph, the end mark included."""
    out, at = [], 0
    for m in _SENTENCE_END.finditer(text):
        out.append((at, m.end()))
        at = m.end()
    if at < len(text):
        out.append((at, len(text)))
    return out


REACH = 60  # characters read on either side of a cue: a clause is short, and the reading stays linear


def _clause_bounds(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """The clause (between commas and sentence marks) around text[start:end], within [lo, hi) and at most
    ``REACH`` characters on either side."""
    left, floor = start, max(lo, start - REACH)
    while left > floor and text[left - 1] not in _CLAUSE_STOP:
        left -= 1
    right, ceiling = end, min(hi, end + REACH)
    while right < ceiling and text[right] not in _CLAUSE_STOP:
        right += 1
    return left, right


class Sentences:
    """The sentences of one paragraph, found by position in logarithmic time, with a per-sentence memo."""

    __slots__ = ("bounds", "starts", "memo")

    def __init__(self, text: str):
        self.bounds = sentences(text)
        self.starts = [b[0] for b in self.bounds]
        self.memo: dict = {}

    def index(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def remember(self, key, compute):
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]


# a sentence that explains the grades themselves (注：办理结果A类为已经解决…C类为留作参考)
_GRADE_NOTE = re.compile(r"[A-DＡ-Ｄ甲乙丙丁]\s*+类(?:为|是|指|表示)|办理结果|答复类别")
# the cue is part of a noun phrase naming the problem or a group (无法停车的问题, 尚未改造的市场, 难以统一等问题)
_DESCRIBES_AFTER = re.compile(r"[^，,。；;！!？?：:、的等]{0,12}(?:的|等(?:问题|情况|现象|困难|矛盾))")
# … or stands after a verb that reports or names the problem (存在, 反映, 针对, 导致 …), or in a condition
_DESCRIBES_BEFORE = re.compile(r"存在|反映|针对|关于|导致|造成|出现|遇到|面临|解决了|如果|假如|如|若|一旦|凡|是否|有的|部分")
# the member's words reported: 您在建议中提出，…无法… / 代表反映…难以… (提出的 names the item: not a report)
_MEMBER_REPORT = re.compile(r"(?:您|代表|委员)[^，,。；;您]{0,10}?(?:提出|提到|反映|指出|认为|谈到|所说|表示)(?!的)")
# a section describing the situation, not the answer (一、基本情况, 三、存在困难, 二、问题及原因)
_SITUATION_HEADING = re.compile(r"基本情况|现状|概况|存在|困难|难点|原因|背景|有关情况")
_ANSWER_HEADING = re.compile(r"措施|办理|答复|打算|下一步|今后|计划|意见|做法|成效|落实")


def situation_paragraphs(letter: Letter) -> set[int]:
    """Indexes of the paragraphs (headings with text of their own included) under a level-1 heading that
    describes the situation, except a level-2 part of it that answers (（二）下一步措施)."""
    out, describing, answering = set(), False, False
    for i, p in enumerate(letter.paragraphs):
        if p.heading_level == 1:
            describing = bool(_SITUATION_HEADING.search(p.text)) and not _ANSWER_HEADING.search(p.text)
            answering = False
        elif p.heading_level == 2:
            answering = bool(_ANSWER_HEADING.search(p.text))
        if describing and not answering:
            out.add(i)
    return out


def _describes_problem(text: str, start: int, end: int, sentence: tuple[int, int]) -> bool:
    """Whether the cue text[start:end] is part of a description of the problem or of someone's words."""
    lo, hi = sentence
    left, right = _clause_bounds(text, start, end, lo, hi)
    if _DESCRIBES_AFTER.match(text, end, right):
        return True
    if _DESCRIBES_BEFORE.search(text, left, start):
        return True
    return _MEMBER_REPORT.search(text, max(lo, start - REACH), start) is not None


class Candidate:
    __slots__ = ("paragraph", "index", "start", "end", "strength", "sentence", "marks")

    def __init__(self, paragraph: Paragraph, index: int, start: int, end: int, strength: int, sentence, marks):
        self.paragraph, self.index, self.start, self.end = paragraph, index, start, end
        self.strength, self.sentence, self.marks = strength, sentence, marks

    @property
    def text(self) -> str:
        return self.paragraph.text[self.start:self.end]

    def key(self):
        return (self.strength, self.index, self.start)


def answer_cues(letter: Letter, patterns: list[re.Pattern], skip_sentence=None, descriptive_ok=False) -> list[Candidate]:
    """Every occurrence of a cue in a sentence of the answer (not quoted, not in a section
    describing the situation, not a grade note, not describing the problem unless ``descriptive_ok``)."""
    if not patterns:
        return []
    situation = situation_paragraphs(letter)
    found = []
    for i, p in enumerate(letter.paragraphs):
        if i in situation:
            continue
        text = p.text
        hits = [(rank, m) for rank, pattern in enumerate(patterns) for m in pattern.finditer(text)]
        if not hits:
            continue
        quoted = Quoted(text)
        marks = Sentences(text)
        for rank, m in hits:
            if m.start() in quoted:
                continue
            at = marks.index(m.start())
            sentence = marks.bounds[at]
            if marks.remember(("note", at), lambda: _GRADE_NOTE.search(text, *sentence) is not None):
                continue
            if skip_sentence is not None and marks.remember(("skip", at), lambda: skip_sentence(text, sentence)):
                continue
            if not descriptive_ok and _describes_problem(text, m.start(), m.end(), sentence):
                continue
            found.append(Candidate(p, i, m.start(), m.end(), rank, sentence, marks))
    return found


def _any_in_body(letter: Letter, patterns: list[re.Pattern]) -> bool:
    for p in letter.paragraphs:
        quoted = None
        for pattern in patterns:
            for m in pattern.finditer(p.text):
                quoted = quoted or Quoted(p.text)
                if m.start() not in quoted:
                    return True
    return False


# ---- 办理结果与正文 -----------------------------------------------------------------------------------------

def _valid(grade: Grade, ctx) -> bool:
    """A grade the profile knows: one it does not (D in a three-grade region) is grade-invalid-value's one
    finding, and its meaning is not compared with the body."""
    grades = getattr(getattr(ctx, "profile", None), "grades", None)
    return not grades or grade.value in grades


_AGAINST = {"A": "against_a", "B": "against_b", "C": "against_cd", "D": "against_cd"}


def grade_body_consistency(letter: Letter, ctx, params) -> list:
    """A strong cue against the grade (A/B with 留作参考, 暂不具备…条件, 无法 …; C/D with 已经解决) is a
    warning, pointed at the strongest cue; a weak one (A with 下一步, 将继续, 逐步) is reported (info) only
    when the body never says the matter is solved."""
    grade = letter.grade
    if grade is None or grade.value not in _AGAINST or not _valid(grade, ctx):
        return []
    key = _AGAINST[grade.value]
    solved = cues(params, "solved")
    if grade.value == "B" and _any_in_body(letter, cues(params, "progress")):
        return []  # part done, part not: what B means (a request not adopted is refusal-without-reason's)
    if key == "against_cd":
        # the cue ends its clause (…问题已经解决。): a predicate, never part of a description
        strong = answer_cues(letter, cues(params, key), skip_sentence=_contrast_skip(params), descriptive_ok=True)
    else:
        markers = cues(params, "answer_markers")

        def skip(text, s):
            # said of something solved, or of something that is not the item or the unit's answer (住户…意识尚未形成)
            return any(pt.search(text, *s) for pt in solved) or (markers and not any(pt.search(text, *s) for pt in markers))
        strong = answer_cues(letter, cues(params, key), skip_sentence=skip)
    if strong:
        best = min(strong, key=Candidate.key)
        return [_grade_finding(best, grade, params.get("strong_severity", "warning"))]
    if grade.value != "A":
        return []
    # a heading (三、下一步工作) names a section of the answer, which an A reply may have: not a cue; the
    # sentences after a heading's own title ((一)完善机制。…力争两年…) are the answer's
    weak = [c for c in answer_cues(letter, cues(params, "weak"), descriptive_ok=True)
            if c.paragraph.heading_level is None or "。" in c.paragraph.text[:c.start]]
    if not weak or _any_in_body(letter, solved):
        return []
    best = min(weak, key=Candidate.key)
    finding = _grade_finding(best, grade, params.get("weak_severity", "info"))
    finding.message = params.get("weak_message") or None
    return [finding]


def _contrast_skip(params):
    """A C/D sentence saying part is solved but the rest is not (…已基本解决，但…暂不具备条件) is no
    contradiction of the grade."""
    contrast = cues(params, "contrast")

    def skip(text, sentence):
        return any(pt.search(text, *sentence) for pt in contrast)
    return skip


def _grade_finding(best: Candidate, grade: Grade, severity: str) -> Finding:
    span = best.paragraph.span_of(best.start, best.end)
    return Finding(span, {"value": grade.value, "found": best.text, "line": grade.span.line, "raw": grade.raw,
                          "other": str(span.line)}, severity=severity, element=grade)


# ---- 不采纳未说明理由 -------------------------------------------------------------------------------------

def refusal_without_reason(letter: Letter, ctx, params) -> list:
    """不予采纳 / 暂不采纳 / 不能解决 (or a C/D reply) with no reason cue in its paragraph or the ``window``
    paragraphs before it. A refusal in a letter graded A is the grade's contradiction, which
    grade-body-consistency reports: this rule then says nothing, so one sentence never has two findings. In a
    letter graded B only the refusal of a request (``refusals_in_b``: 暂不采纳 one request of several) is
    judged here, unless the body shows progress (``progress``: 已建成…, 正在…), when every refusal is; the rest
    (留作参考, 暂不能 …) in a B letter without progress contradicts B and is grade-body-consistency's."""
    grade = letter.grade
    if grade is not None and (grade.value == "A" or not _valid(grade, ctx)):
        return []
    refusal_key = "refusals"
    if grade is not None and grade.value == "B" and not _any_in_body(letter, cues(params, "progress")):
        refusal_key = "refusals_in_b"  # the other refusals contradict a B without progress: grade-body-consistency's
    reasons = cues(params, "reasons")
    window = int(params.get("window", 1))
    body = [i for i, p in enumerate(letter.paragraphs) if p.heading_level is None]
    position_of = {index: position for position, index in enumerate(body)}
    refusals = answer_cues(letter, cues(params, refusal_key))
    found = []
    seen = set()
    for c in sorted(refusals, key=lambda c: (c.index, c.start)):
        if c.index in seen:
            continue  # one finding per paragraph, its reasons looked for once
        seen.add(c.index)
        position = position_of.get(c.index, len(body))  # a heading with a refusal: the paragraphs before it
        nearby = [letter.paragraphs[j] for j in body[max(0, position - window):position]]
        nearby.append(c.paragraph)
        if any(pt.search(p.text) for p in nearby for pt in reasons):
            continue
        found.append((c.index, Finding(c.paragraph.span_of(c.start, c.end), {"found": c.text, "value": c.text})))
    if found or grade is None or grade.value not in ("C", "D"):
        return [f for _, f in found]
    if any(pt.search(p.text) for p in letter.paragraphs for pt in reasons):
        return []
    return [Finding(grade.span, {"found": f"{grade.value}类", "value": grade.value}, element=grade)]


# ---- 届次前后一致 -------------------------------------------------------------------------------------------

def session_consistency(letter: Letter, ctx, params) -> list:
    """The 届次 the opening names is the title's: term and meeting the same (the body 人大/政协 is the
    kind's business, kind-consistency)."""
    title, opening = letter.title, letter.opening_session
    session = letter.session
    if title is None or session is None or opening is None or session is opening:
        return []
    if not (title.span.line <= session.span.line <= title.span.end_line):
        return []
    if None in (session.term, session.meeting, opening.term, opening.meeting):
        return []
    if session.body and opening.body and session.body != opening.body:
        return []
    if (session.term, session.meeting) == (opening.term, opening.meeting):
        return []
    return [Finding(opening.span, {"found": opening.value, "value": opening.value, "expected": session.value,
                                   "line": session.span.line}, element=opening)]


# ---- 正文日期晚于成文日期 ----------------------------------------------------------------------------------

_CN = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "0": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
       "八": 8, "九": 9}
_BODY_DATE = re.compile(
    r"(?<![\d０-９])(?P<y>[12１２][\d０-９]{3})\s*+年\s*+(?P<m>[\d０-９]{1,2})\s*+月\s*+(?P<d>[\d０-９]{1,2})\s*+日"
    r"|(?P<cy>[〇零○Ｏ0O一二三四五六七八九]{4})年(?P<cm>[一二三四五六七八九十]{1,3})月(?P<cd>[一二三四五六七八九十]{1,3})日"
)


def _cn_number(text: str) -> Optional[int]:
    total, current = 0, 0
    for ch in text:
        if ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch in _CN:
            current = _CN[ch]
        else:
            return None
    return total + current


def _date_of(m: re.Match) -> Optional[dt.date]:
    try:
        if m.group("y"):
            return dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        year = "".join(str(_CN[ch]) for ch in m.group("cy"))
        return dt.date(int(year), _cn_number(m.group("cm")) or 0, _cn_number(m.group("cd")) or 0)
    except (ValueError, KeyError):
        return None


def body_date_after_written(letter: Letter, ctx, params) -> list:
    """A full date of a past event in the body (2024年7月15日，我局召开… / 于2024年7月15日召开了…) later than
    the 成文日期. A date with a plan or deadline word before it in its sentence, in its clause or in the
    clause after (计划, 预计, 将于, 前, 争取 …) is a future date, which a reply may name; a date that neither opens its clause nor has a past marker
    (已, 了) after it is not read either."""
    written = letter.date
    if written is None or written.year is None or written.month is None or written.day is None:
        return []
    try:
        limit = dt.date(written.year, written.month, written.day)
    except ValueError:
        return []
    future = cues(params, "future")
    past = cues(params, "past")
    found = []
    for p in letter.paragraphs:
        text = p.text
        if "日" not in text:
            continue
        quoted = None
        marks = None
        for m in _BODY_DATE.finditer(text):
            day = _date_of(m)
            if day is None or day <= limit:
                continue
            quoted = quoted or Quoted(text)
            if m.start() in quoted:
                continue
            marks = marks or Sentences(text)
            at = marks.index(m.start())
            lo, hi = marks.bounds[at]
            left, right = _clause_bounds(text, m.start(), m.end(), lo, hi)
            # a plan or deadline word from the sentence's start to the end of the clause after the date's
            # (2024年9月1日，新规将实施): a plan in a later clause (…，计划10月报审) dates what follows, not this
            _, reach = _clause_bounds(text, right + 1, right + 1, lo, hi) if right < hi else (right, right)
            if any(pt.search(text, lo, reach) for pt in future):
                continue
            opens_clause = not text[left:m.start()].strip(" \u3000于在")
            # a past marker in the clause after the date
            if not (opens_clause and right < hi and text[right] in "，,") and not any(
                    pt.search(text, m.end(), right) for pt in past):
                continue
            found.append(Finding(p.span_of(m.start(), m.end()),
                                 {"found": m.group(0), "value": m.group(0), "expected": written.raw,
                                  "line": written.span.line}))
    return found


# ---- 推诿职责 -----------------------------------------------------------------------------------------------

def deflection(letter: Letter, ctx, params) -> list:
    """不属于我单位职责 / 请向…反映 / 建议您向…咨询 in a reply to the member, when the paragraph does not
    say the unit itself forwarded or coordinated the matter (已转交…并协调办理 is the lead unit doing its
    work, not sending the member away)."""
    handled = cues(params, "handled")
    found = []
    for c in answer_cues(letter, cues(params, "phrases"), descriptive_ok=True):
        if found and found[-1][0] == c.index:
            continue
        text, marks = c.paragraph.text, c.marks
        at = marks.index(c.start)
        lo, hi = c.sentence[0], marks.bounds[min(len(marks.bounds) - 1, at + 1)][1]
        # in its sentence or the next one
        if marks.remember(("handled", at), lambda: any(pt.search(text, lo, hi) for pt in handled)):
            continue
        found.append((c.index, Finding(c.paragraph.span_of(c.start, c.end), {"found": c.text, "value": c.text})))
    return [f for _, f in found]


CHECKS = (grade_body_consistency, refusal_without_reason, session_consistency, body_date_after_written, deflection)
