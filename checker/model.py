"""The typed model: what a letter contains, and what the checker says about it.

Every element carries its normalized ``value``, the ``raw`` source text it came from and a ``span`` in the
original file. Spans are 1-based; ``column`` counts code points; ``end_column`` is exclusive (as in SARIF).
``docs/model.md`` documents each field, the Chinese term it stands for and where its span points.

The parser builds these objects with ``trusted`` (no re-validation of values it has just matched), so that
building a ``Letter`` stays cheap on archives of thousands of letters.
"""

from __future__ import annotations

from bisect import bisect_right
from enum import Enum
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict


class Kind(str, Enum):
    NPC = "npc-suggestion"  # 人大代表建议
    CPPCC = "cppcc-proposal"  # 政协委员提案
    UNKNOWN = "unknown"


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


_set = object.__setattr__
_new = object.__new__
_TRUSTED_PLANS: dict[type, tuple[dict, tuple, set]] = {}  # per class: defaults, list defaults, field names


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)

    @classmethod
    def trusted(cls, **values):
        """Build from values our own parser produced, without re-validating them.

        Validation is for data from outside (JSON, API callers); the parser creates about a hundred
        objects per letter from values it has just matched, and validating each would cost more than the
        parse itself. Equivalent to ``cls(**values)`` for valid values (tests/test_model.py checks it)."""
        plan = _TRUSTED_PLANS.get(cls)
        if plan is None:
            plan = cls._plan_trusted()
        defaults, list_defaults, fields_set = plan
        if len(values) != len(fields_set):  # some fields left to their defaults: filled in place (the
            for name, value in defaults.items():  # keyword dict is this call's own), a fresh list each time
                if name not in values:
                    values[name] = [] if name in list_defaults else value
        obj = _new(cls)
        _set(obj, "__dict__", values)
        # every field is set, so one shared set serves all instances (pydantic only ever adds names to it)
        _set(obj, "__pydantic_fields_set__", fields_set)
        _set(obj, "__pydantic_extra__", None)
        _set(obj, "__pydantic_private__", None)
        return obj

    @classmethod
    def _plan_trusted(cls):
        defaults = {name: f.get_default(call_default_factory=True) for name, f in cls.model_fields.items()
                    if not f.is_required()}
        list_defaults = tuple(name for name, value in defaults.items() if isinstance(value, list))
        plan = _TRUSTED_PLANS[cls] = (defaults, list_defaults, set(cls.model_fields))
        return plan


class Span(_Model):
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def at(cls, line: int, column: int, end_line: int, end_column: int) -> "Span":
        """``trusted`` for the most frequent object of all, without keyword packing."""
        obj = _new(cls)
        _set(obj, "__dict__", {"line": line, "column": column, "end_line": end_line, "end_column": end_column})
        _set(obj, "__pydantic_fields_set__", _SPAN_FIELDS)
        _set(obj, "__pydantic_extra__", None)
        _set(obj, "__pydantic_private__", None)
        return obj

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "end_line": self.end_line, "end_column": self.end_column}


_SPAN_FIELDS = {"line", "column", "end_line", "end_column"}


Source = Literal["letter", "metadata"]
Placement = Literal["standard", "out-of-place", "labelled-field"]


class Element(_Model):
    """One element of the letter: normalized value, source text, place in the source. ``source`` is
    ``metadata`` for a value found only in a publishing system's metadata (a portal's 发文字号 or 成文日期
    field), which fills an element the letter itself does not give. ``placement`` says how the element
    stood: ``standard`` in its own place, ``out-of-place`` where the structure does not allow it (a 签发人
    under the date, a 文号 below the title: reported once as element-out-of-place), ``labelled-field`` as a
    field of a form-style footer (单位负责人：…, 承办单位：…, 答复日期：…)."""

    value: str
    raw: str
    span: Span
    source: Source = "letter"
    placement: Placement = "standard"


class ListElement(_Model):
    """An element whose value is a list (联系电话, 抄送)."""

    value: list[str]
    raw: str
    span: Span
    source: Source = "letter"


class CcList(ListElement):
    """抄送: value lists the recipients (copy counts such as （2份） removed); the punctuation is kept so that
    rules can check it without re-reading the line."""

    label: str  # 抄送 or 抄报, as written
    colon: str  # "：", ":" or ""
    separators: list[str]  # the separators between recipients, outside brackets, in order
    terminal: str  # the last character of the list ("。" when correct)


class DocNumber(Element):
    """发文字号: 机关代字〔年份〕顺序号号. Brackets as written, so rules can name the wrong glyph."""

    code: str
    open_bracket: str
    year: str
    close_bracket: str
    number_prefix: str  # "第" when written, else ""
    sequence: str
    suffix: str  # "号" when written, else ""


class Signer(Element):
    """签发人: value is the name(s) joined by "、"."""

    label: str  # the label exactly as written, e.g. "签发人：" or "签发："
    names: list[str]
    on_doc_number_line: bool


class Grade(Element):
    """办理结果 / 答复类别: value A–D; ``label`` is the word label when one was written (已经解决 …)."""

    label: Optional[str]
    form: Literal["labelled", "bare", "class-suffix", "bracketed", "word"]


class Disclosure(Element):
    """公开属性: value is the text after the label (主动公开 …), without brackets. For 依申请公开 and 不予公开
    the reason written with it (不予公开（理由：涉及个人隐私）, 依申请公开，理由：…) is cut off the value into
    ``reason`` (the words of the reason, without 理由： and the brackets); None when none is written."""

    label: Optional[str]
    bracketed: bool
    reason: Optional[str] = None


Addressee = Literal["person", "organisation", "unit", "placeholder", "greeting"]


class Salutation(Element):
    """主送 / 称呼: value is what addresses the reader, without 尊敬的, the colon and spaces (王某某委员,
    周某、李某代表, 周某等5位代表, 市住房和城乡建设局). ``names`` lists the people named (empty for an
    organisation, a unit, a placeholder such as ×××代表 or a bare greeting); ``role`` is 代表, 委员 or None;
    ``addressee`` says who is addressed: a person (one or several members), an organisation (a party
    committee, 工商联, a 政协 committee: a 集体提案), a unit (a government unit: the lead unit of a 会办/协办
    letter), a placeholder left by a publisher or a template, or only a greeting (您好：)."""

    name: str  # the names joined by "、", or the organisation's name; "" for a placeholder or greeting
    role: Optional[str]
    honorific: bool  # 尊敬的 (or 尊敬, which ``form`` reports)
    colon: str  # the colon as written ("：", ":", "，" or "")
    trailing: str  # text after the colon on the same line (您好！), normally ""
    names: list[str] = []
    addressee: Addressee = "person"
    # what is wrong with the form as written, "" when nothing is: 同志 / 先生 / 女士 (a person not addressed
    # as 代表 or 委员), missing-de (尊敬周某代表), spaced (周某  委员), colon (not a full-width ：),
    # trailing-text (周某代表：您好！), greeting (您好： instead of a salutation)
    form: str = ""
    others: bool = False  # 等 written: more members are addressed than named (周某等5位代表, 何某委员等)
    count: Optional[int] = None  # the N of 等N位, when written


class Session(Element):
    """会议届次: value is the phrase as written without spaces (市政协七届五次会议). ``national`` (derived
    from the value) tells a session of 全国人大 or 全国政协 from a regional one with the same numbers."""

    body: Optional[Literal["人大", "政协"]]
    term: Optional[int]
    meeting: Optional[int]

    @property
    def national(self) -> bool:
        """十四届全国人大二次会议, 第十四届全国人民代表大会…, 全国政协…, 政协第十四届全国委员会…: the value names
        the national body itself (a 全国 elsewhere, as in 全国文明城市, does not make a session national)."""
        return any(name in self.value for name in _NATIONAL_BODIES)


_NATIONAL_BODIES = ("全国人大", "全国人民代表大会", "全国政协", "全国委员会")


class DateElement(Element):
    """A date: value is YYYY-MM-DD whenever year, month and day could be read ("" for a date left unfilled).
    ``style`` is how it was written: arabic (2021年6月10日), chinese-numerals (二〇二二年八月三十日, also mixed
    with Arabic zeros: 二0二一年五月六日), separator (2021.6.10, 2021-06-10), full-width (２０２１年…),
    digit-run (20211026), unfilled (2024年  月  日: a template's date nobody filled in)."""

    year: Optional[int]
    month: Optional[int]
    day: Optional[int]
    style: Literal["arabic", "chinese-numerals", "separator", "full-width", "digit-run", "unfilled", "unknown"]


class AttachmentItem(_Model):
    """One attachment named in the 附件说明: its number as written (None when unnumbered), its name without
    the number, and the span of the item (over a wrapped name's lines)."""

    number: Optional[int]
    name: str
    span: Span


class Attachment(Element):
    """附件说明: value is the text after 附件： on its first line; ``items`` lists the attachments it names,
    one per numbered item (附件：1.×× / 2.××, each on its line, or 附件1：×× / 附件2：×× lines), a wrapped name
    joined to its item."""

    items: list[AttachmentItem] = []


class Annex(Element):
    """An attachment itself, after the letter (GB/T 9704 7.5): the heading line 附件1 (``number``, None for
    附件 alone) and the attachment's title, the first line below it (``value``, "" when none)."""

    number: Optional[int]


class Heading(_Model):
    """A numbered heading of the body: level 1 一、, 2 （一）, 3 1., 4 （1）."""

    level: int
    ordinal: int
    marker: str  # the marker as written, e.g. "一、", "(二)、", "1、"
    punct: str  # what follows the number ("、", ".", "" …)
    text: str
    raw: str
    span: Span


_LAST = float("inf")  # in a piece, sorts after every line and column


class Paragraph(_Model):
    """A body paragraph, joined across page breaks. ``pieces`` maps text offsets back to the source:
    each piece is (offset in text, original line, original 1-based column)."""

    text: str
    span: Span
    pieces: list[tuple[int, int, int]]
    heading_level: Optional[int] = None

    def position(self, offset: int) -> tuple[int, int]:
        """Original (line, column) of the code point at ``offset`` in ``text``."""
        pieces = self.pieces
        if len(pieces) == 1:
            best = pieces[0]
        else:  # a paragraph joined from many lines: a binary search, not a walk, for each finding in it
            best = pieces[max(0, bisect_right(pieces, (offset, _LAST, _LAST)) - 1)]
        return best[1], best[2] + (offset - best[0])

    def span_of(self, start: int, end: int) -> Span:
        line, col = self.position(start)
        end_line, end_col = self.position(max(start, end - 1))
        return Span.trusted(line=line, column=col, end_line=end_line, end_column=end_col + 1)


class Artifact(_Model):
    """Something the normalizer removed or repaired: a page number, a page break inside a sentence,
    markdown marks, a seal placeholder, a rule line (a row of ─ or — drawn as the 版记's separator in
    a file-format letter). Rules report these; the parser ignores them."""

    kind: Literal["page-number", "page-break", "markdown", "leading-whitespace", "trailing-whitespace",
                  "publication", "rule-line"]
    text: str
    span: Span


class KindSignal(_Model):
    """One clue for the letter kind: which element said 人大/建议/代表 or 政协/提案/委员."""

    element: str
    kind: Kind
    text: str
    span: Span


class LayoutEntry(_Model):
    """Where an element stood: the order of elements as they appear in the letter."""

    element: str
    line: int
    zone: Literal["header", "title", "salutation", "body", "closing"]


Role = Literal["reply", "co-handling"]


class Letter(_Model):
    """A reply letter as the parser understood it. Absent elements are None (or empty lists).

    ``role`` is ``reply`` for a letter answering the member, ``co-handling`` for a 会办/协办 letter to the
    lead unit, and None for a text that is not a reply letter at all (a news item, a 交办 notice)."""

    kind: Kind = Kind.UNKNOWN
    kind_signals: list[KindSignal] = []
    role: Optional[Role] = "reply"
    # 版头
    copy_number: Optional[Element] = None  # 份号
    secrecy: Optional[Element] = None  # 密级和保密期限
    urgency: Optional[Element] = None  # 紧急程度
    grade: Optional[Grade] = None  # 办理结果
    disclosure: Optional[Disclosure] = None  # 公开属性
    organ_mark: Optional[Element] = None  # 发文机关标志
    doc_number: Optional[DocNumber] = None  # 发文字号
    signer: Optional[Signer] = None  # 签发人
    # 标题, 主送
    title: Optional[Element] = None
    proposal_number: Optional[Element] = None  # 建议/提案编号 (第N号)
    session: Optional[Session] = None  # 会议届次
    # the 届次 the opening names (您在市十四届人大三次会议上提出的…), whether or not the title names one: the
    # ``session`` above is the title's when the title has one, so the two can be compared
    opening_session: Optional[Session] = None
    salutation: Optional[Salutation] = None
    # 正文
    opening: Optional[Element] = None
    closing: Optional[Element] = None  # closing thanks (感谢…关心和支持)
    headings: list[Heading] = []
    paragraphs: list[Paragraph] = []
    attachment: Optional[Attachment] = None  # 附件说明
    # 落款
    signature_organ: Optional[Element] = None  # 发文机关署名
    seal: Optional[Element] = None  # 印章 placeholder
    date: Optional[DateElement] = None  # 成文日期
    no_body_marker: Optional[Element] = None  # 此页无正文
    # 附注 / 版记
    contact_person: Optional[Element] = None
    # 联系单位 / 联系处室: a unit named in place of a contact person (联系单位及电话：某部某司，010-…)
    contact_unit: Optional[Element] = None
    contact_phone: Optional[ListElement] = None
    contact_lines: list[Element] = []
    # the lines of a form-style footer (承办单位：…  单位负责人：…, 答复日期：…): their fields fill the 署名,
    # 签发人, 联系人, 联系电话 and 成文日期 the letter does not give in their own place
    footer_fields: list[Element] = []
    cc: Optional[CcList] = None  # 抄送
    print_organ: Optional[Element] = None  # 印发机关
    print_date: Optional[DateElement] = None  # 印发日期
    annexes: list[Annex] = []  # the attachments after the letter (附件1 + title), in order
    # what the parser saw around the elements
    layout: list[LayoutEntry] = []
    artifacts: list[Artifact] = []


# The fields that the JSON output lists under "fields", in this order (issue #2's contract).
FIELD_NAMES: tuple[str, ...] = (
    "doc_number",
    "signer",
    "grade",
    "disclosure",
    "organ_mark",
    "title",
    "proposal_number",
    "session",
    "salutation",
    "headings",
    "signature_organ",
    "date",
    "contact_person",
    "contact_phone",
    "cc",
    "print_organ",
    "print_date",
)


class Fix(_Model):
    """A suggested replacement of the text in ``span``."""

    replacement: str
    span: Span
    description: str
    # mechanical and meaning-preserving (``check --fix`` applies it); else it needs a person (--unsafe-fixes)
    safe: bool = False
    # the text the fix expects at ``span`` in the source line: a fix whose place does not hold it (a line the
    # normalizer changed) is skipped rather than applied at the wrong place
    original: Optional[str] = None


class Diagnostic(_Model):
    code: str
    rule: str
    severity: Severity
    span: Span
    message: str
    fix: Optional[Fix] = None
    # Where the line is in the file a person opened, when its lines are not the editor's: for a Word document
    # the paragraph (第 12 段“关于市人大代表……”), for a PDF or OFD the page. None for text files.
    location: Optional[str] = None

    def sort_key(self) -> tuple:
        return (self.span.line, self.span.column, self.code)


class FileResult(_Model):
    """The outcome for one input: a letter and its diagnostics, or an error saying why it was not read."""

    path: str
    kind: Kind = Kind.UNKNOWN
    role: Optional[Role] = None  # the letter's role (reply, co-handling; None: not a reply letter, or not read)
    error: Optional[str] = None
    letter: Optional[Letter] = None
    # the JSON "fields" of the letter, when the letter itself was not kept (results from worker processes)
    fields: Optional[dict] = None
    diagnostics: list[Diagnostic] = []
    # original lines, for reporters that show the offending line; not part of the JSON output
    source_lines: list[str] = []

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity is severity)

    def line_text(self, line: int) -> Optional[str]:
        """The source line (1-based), or None when no lines are kept or the line is past the end."""
        lines = self.source_lines
        return lines[line - 1] if 1 <= line <= len(lines) else None

    def span_text(self, span: "Span", clamp: bool = False) -> Optional[str]:
        """The exact source text a span covers (lines joined with "\\n"); None when its lines are not known.
        With ``clamp``, a span running past the last line covers up to the end of the text."""
        lines = self.source_lines
        last = len(lines)
        if not (1 <= span.line <= last) or span.end_line < span.line or (span.end_line > last and not clamp):
            return None
        if span.line == span.end_line:
            return lines[span.line - 1][span.column - 1 : max(span.column - 1, span.end_column - 1)]
        parts = [lines[span.line - 1][span.column - 1 :]]
        parts.extend(lines[n - 1] for n in range(span.line + 1, min(span.end_line, last + 1)))
        if span.end_line <= last:
            parts.append(lines[span.end_line - 1][: span.end_column - 1])
        return "\n".join(parts)


class Summary(_Model):
    files: int
    error: int
    warning: int
    info: int
    unreadable: int = 0  # files that could not be checked
    with_findings: int = 0  # files with at least one finding (提示 included)
    suppressed: int = 0  # known findings left out by a baseline (--baseline)
    with_problems: int = 0  # files with at least one error or warning (提示 are not problems)
    hidden_info: int = 0  # 提示 (info) findings left out of the shown report (shown with --show-info)
    counted_info: int = 0  # 提示 in files whose fail-on level is info: they count as problems there


class Report(_Model):
    files: list[FileResult]
    suppressed: int = 0  # known findings a baseline left out of ``files``
    hidden_info: int = 0  # 提示 (info) findings ``without_info`` left out of ``files``
    # the files checked with fail-on = "info" (set by ``check``): their 提示 are problems, they fail the run
    info_fails: frozenset[str] = frozenset()
    fixed: int = 0  # findings ``check --fix`` fixed before this check (the summary says so)
    fixable: Optional[int] = None  # findings ``check --fix`` would fix (set by ``check``; None: not counted)

    def without_info(self, hide) -> "Report":
        """The report without the 提示 (info) findings of the files for which ``hide(path)`` is true, their
        number kept in ``hidden_info`` (the terminal formats show info only when asked: see ``check``)."""
        files, hidden = [], 0
        for f in self.files:
            n = f.count(Severity.INFO) if f.diagnostics and hide(f.path) else 0
            if n:
                f = f.model_copy(update={"diagnostics": [d for d in f.diagnostics if d.severity is not Severity.INFO]})
                hidden += n
            files.append(f)
        if not hidden:
            return self
        return self.model_copy(update={"files": files, "hidden_info": self.hidden_info + hidden})

    @property
    def summary(self) -> Summary:
        return Summary(
            files=len(self.files),
            error=sum(f.count(Severity.ERROR) for f in self.files),
            warning=sum(f.count(Severity.WARNING) for f in self.files),
            info=sum(f.count(Severity.INFO) for f in self.files),
            unreadable=sum(1 for f in self.files if f.error),
            with_findings=sum(1 for f in self.files if f.diagnostics),
            suppressed=self.suppressed,
            with_problems=sum(1 for f in self.files if any(d.severity is not Severity.INFO or f.path in self.info_fails
                                                           for d in f.diagnostics)),
            hidden_info=self.hidden_info,
            counted_info=sum(f.count(Severity.INFO) for f in self.files if f.path in self.info_fails),
        )
