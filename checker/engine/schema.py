"""The shape of a rule file (rules/*.toml), validated by pydantic before any rule runs.

A rule is data: a stable code and name, a severity, the letter kinds it applies to, a Chinese message, a
description citing its source, a ``check`` (one of the kinds below, by its ``kind`` key) and pass/fail
examples. Regular expressions are compiled here, at load; an unknown key, a bad regex, an unknown field
or kind is an error that names the file, the rule and the key (see loader.py). Nothing is executed.
"""

from __future__ import annotations

import re
import string
from typing import Annotated, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator, StrictBool

from ..model import FIELD_NAMES, Letter

Severity = Literal["error", "warning", "info"]
AppliesTo = Literal["npc-suggestion", "cppcc-proposal", "both"]
# the letter roles a rule applies to: a reply to the member, or a 会办/协办 letter to the lead unit
LetterRole = Literal["reply", "co-handling"]
LETTER_ROLES: tuple[str, ...] = ("reply", "co-handling")

# Fields a rule may name: the Letter's elements (not its bookkeeping lists).
RULE_FIELDS = tuple(
    name for name in Letter.model_fields if name not in ("kind", "kind_signals", "layout", "artifacts")
)
LAYOUT_ELEMENTS = (
    "grade", "disclosure", "secrecy", "urgency", "copy_number", "organ_mark", "doc_number", "signer", "title",
    "salutation", "attachment", "signature_organ", "seal", "date", "no_body_marker", "contact", "cc", "printed",
)
TEXT_SCOPES = ("body", "title", "opening", "closing", "cc", "contact", "headings")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


def _compile(pattern: str | None, flags: int = 0) -> re.Pattern | None:
    if pattern is None:
        return None
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression ({exc}): {pattern!r}") from None


def _check_field(name: str) -> str:
    if name not in RULE_FIELDS:
        raise ValueError(f"unknown field {name!r}; known fields: {', '.join(RULE_FIELDS)}")
    return name


class Condition(_Strict):
    """A test on one element: present or absent, or its attribute matching a regex. An absent element
    fails ``match`` and passes ``not_match`` (no title is no title of a 会办意见)."""

    field: str
    attribute: str = "value"
    present: Optional[bool] = None
    match: Optional[str] = None
    not_match: Optional[str] = None

    _match_re: Optional[re.Pattern] = PrivateAttr(default=None)
    _not_match_re: Optional[re.Pattern] = PrivateAttr(default=None)

    _field = field_validator("field")(lambda cls, v: _check_field(v))

    @model_validator(mode="after")
    def _one_test(self):
        if self.present is None and self.match is None and self.not_match is None:
            raise ValueError("a condition needs 'present', 'match' or 'not_match'")
        self._match_re = _compile(self.match)
        self._not_match_re = _compile(self.not_match)
        return self


# ---- the kinds ------------------------------------------------------------------------------------------

class RequiredCheck(_Strict):
    """An element is present (``expect = "present"``) or must not be (``expect = "absent"``)."""

    kind: Literal["required"]
    field: str
    expect: Literal["present", "absent"] = "present"

    _field = field_validator("field")(lambda cls, v: _check_field(v))


class PatternCheck(_Strict):
    """An attribute of an element matches (``match``) or must not match (``not_match``) a regex. For list
    values, ``items`` says whether ``any`` item, ``all`` items or ``each`` item (one finding per item) must
    pass. Absent elements are the ``required`` rules' business: the check is silent then."""

    kind: Literal["pattern"]
    field: str
    attribute: str = "value"
    match: Optional[str] = None
    not_match: Optional[str] = None
    items: Literal["any", "all", "each"] = "all"
    _regex: Optional[re.Pattern] = PrivateAttr(default=None)

    _field = field_validator("field")(lambda cls, v: _check_field(v))

    @model_validator(mode="after")
    def _one_regex(self):
        if (self.match is None) == (self.not_match is None):
            raise ValueError("a pattern check needs exactly one of 'match' and 'not_match'")
        self._regex = _compile(self.match or self.not_match)
        return self


class EnumCheck(_Strict):
    """An attribute's value is one of ``values``, or of the profile's list named by ``profile_key``."""

    kind: Literal["enum"]
    field: str
    attribute: str = "value"
    values: Optional[list[Union[str, bool, int]]] = None
    profile_key: Optional[Literal["grades", "disclosures"]] = None

    _field = field_validator("field")(lambda cls, v: _check_field(v))

    @model_validator(mode="after")
    def _one_source(self):
        if (self.values is None) == (self.profile_key is None):
            raise ValueError("an enum check needs exactly one of 'values' and 'profile_key'")
        return self


class ForbiddenCheck(_Strict):
    """Text matching ``pattern`` must not occur in a scope of the letter (body paragraphs, title, cc …).
    One finding per match, pointing at the matched text."""

    kind: Literal["forbidden"]
    scope: Literal["body", "title", "opening", "closing", "cc", "contact", "headings"]
    pattern: str
    # text inside “…” and 《…》 is quoted from elsewhere (a proposal's own title): skip it when true
    skip_quoted: bool = False
    _regex: Optional[re.Pattern] = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _compile_pattern(self):
        self._regex = _compile(self.pattern, re.MULTILINE)  # ^ and $: each paragraph (each line of a scope)
        return self


class RepeatedCheck(_Strict):
    """The same stretch of text written twice in a row (“改善改善”): ``min`` to ``max`` characters of the
    class ``chars``, immediately repeated, in a scope (Vale's ``repetition``, over characters, since Chinese
    puts no spaces between words). The longest repeat at the leftmost place wins, as in a regex
    ``([chars]{min,max})\\1``, but found without trying every place (see kinds.find_repeats)."""

    kind: Literal["repeated"]
    scope: Literal["body", "title", "opening", "closing", "cc", "contact", "headings"]
    chars: str  # the inside of a regex character class, e.g. "\u4e00-\u9fff"
    min: int = Field(default=2, ge=1, le=16)
    max: int = Field(default=4, ge=1, le=16)
    not_starting: str = ""  # characters a repeated stretch may not begin with (“一个一个” is ordinary speech)
    # repeated stretches another rule reports (关于关于: guanyu-repeated)
    not_words: list[str] = []
    skip_quoted: bool = False
    # a phrase repeated across one of these marks (“2024年，2024年，”, “我局，我局”): a whole phrase between
    # marks (of the class ``across_chars``, at most ``across_max`` long) that the next phrase begins with again;
    # a phrase fully matching ``across_skip`` (a bare quantity: 10个，10个 in a list of figures) is not reported
    across: str = ""
    across_chars: str = ""
    across_max: int = Field(default=12, ge=2, le=32)
    across_skip: Optional[str] = None
    # characters that, right after the repeat, show it begins a longer word (2024年，2024年度…: no repeat)
    across_not_followed: str = ""
    _class: Optional[re.Pattern] = PrivateAttr(default=None)
    _across_class: Optional[re.Pattern] = PrivateAttr(default=None)
    _across_skip: Optional[re.Pattern] = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _compile_class(self):
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        self._class = _compile(f"[{self.chars}]+")
        if self.across:
            self._across_class = _compile(f"[{self.across_chars or self.chars}]+")
            self._across_skip = _compile(self.across_skip)
        elif self.across_chars or self.across_skip:
            raise ValueError("'across_chars' and 'across_skip' go with 'across'")
        return self


class CompareCheck(_Strict):
    """A relation between two elements' attributes, through a named operator. Silent when either side is
    absent."""

    kind: Literal["compare"]
    left: str  # field.attribute, e.g. "doc_number.year"
    operator: Literal["equal", "same-organ", "on-or-after", "role-matches-kind"]
    right: Optional[str] = None  # absent for role-matches-kind (the letter's kind is the other side)

    @field_validator("left", "right")
    @classmethod
    def _path(cls, v):
        if v is not None:
            _check_field(v.split(".", 1)[0])
        return v


class SequenceCheck(_Strict):
    """Numbered headings: ``gap`` (siblings consecutive, an unnumbered line between numbered siblings),
    ``punct`` (the mark after the number), ``level-order`` (a level before its parent), ``level-skip``
    (一、 straight to 1.)."""

    kind: Literal["sequence"]
    check: Literal["gap", "punct", "level-order", "level-skip"]
    # level → the marks allowed after the number ("" = nothing), and whether brackets must be full-width
    allowed_punct: dict[str, list[str]] = Field(default_factory=lambda: {"1": ["、"], "2": [""], "3": [".", "．"], "4": [""]})


class OrderCheck(_Strict):
    """An element stands after every element of ``after`` and before every element of ``before``.
    Standing too late is reported with the rule's severity; too early with ``early_severity``."""

    kind: Literal["order"]
    element: Literal[LAYOUT_ELEMENTS]  # type: ignore[valid-type]
    after: list[Literal[LAYOUT_ELEMENTS]] = []  # type: ignore[valid-type]
    before: list[Literal[LAYOUT_ELEMENTS]] = []  # type: ignore[valid-type]
    early_severity: Optional[Severity] = None
    early_message: Optional[str] = None


class ConditionalCheck(_Strict):
    """If ``when`` holds, ``then`` must hold."""

    kind: Literal["conditional"]
    when: Condition
    then: Condition


class ArtifactCheck(_Strict):
    """Report what the normalizer removed or repaired (page numbers, page breaks, markdown, white space)."""

    kind: Literal["artifact"]
    artifacts: list[Literal["page-number", "page-break", "markdown", "leading-whitespace", "trailing-whitespace"]]


class PythonCheck(_Strict):
    """A named check written in Python (checker/engine/named.py), for what no kind above can say.
    ``params`` are passed to it; the name must be registered."""

    kind: Literal["python"]
    function: str
    params: dict[str, Union[str, int, float, bool, list[str]]] = {}


class ParserCheck(_Strict):
    """Findings the parser makes itself (structure.py); the rule file gives them a code, docs and config."""

    kind: Literal["parser"]
    finding: Literal["unrecognised-text", "element-out-of-place", "element-duplicated", "not-a-reply-letter"]


Check = Annotated[
    Union[RequiredCheck, PatternCheck, EnumCheck, ForbiddenCheck, RepeatedCheck, CompareCheck, SequenceCheck, OrderCheck,
          ConditionalCheck, ArtifactCheck, PythonCheck, ParserCheck],
    Field(discriminator="kind"),
]


class Example(_Strict):
    """A letter for the rule's self-test: ``text`` in full, or a shipped compliant ``base`` letter
    (rules/bases/<base>.txt) with ``replace`` edits (each key must occur in the base)."""

    text: Optional[str] = None
    base: Optional[Literal["npc", "cppcc"]] = None
    replace: dict[str, str] = {}
    note: str = ""
    # settings for this example: profile (a shipped name, or a profile file in rules/bases/), assigned_date
    config: dict[str, Union[str, int, list[str]]] = {}

    @model_validator(mode="after")
    def _one_source(self):
        if (self.text is None) == (self.base is None):
            raise ValueError("an example needs exactly one of 'text' and 'base'")
        if self.text is not None and self.replace:
            raise ValueError("'replace' goes with 'base', not with 'text'")
        return self


class Examples(_Strict):
    pass_: list[Example] = Field(alias="pass", min_length=1)
    fail: list[Example] = Field(min_length=1)


class Fix(_Strict):
    """How a finding is fixed: ``template`` rewrites the element's text from its attributes; ``function``
    names a fixer of ``checker/engine/fixes.py`` that computes the replacement from the finding (a named
    check's own replacement: the separators of a 抄送 list, a stray space). ``safe`` fixes are mechanical
    and keep the meaning (``check --fix`` applies them); the others need a person (``--unsafe-fixes``).
    ``safe_when`` narrows ``safe`` to the elements it holds for (a 06 month is safe, a 二〇二五 year is not)."""

    template: Optional[str] = None
    function: Optional[str] = None
    safe: StrictBool = False  # "yes" is a typo, not true
    safe_when: Optional[Condition] = None

    @model_validator(mode="after")
    def _one_way(self):
        if (self.template is None) == (self.function is None):
            raise ValueError("a fix has exactly one of 'template' or 'function'")
        if self.safe_when is not None and not self.safe:
            raise ValueError("'safe_when' narrows a safe fix: set safe = true")
        return self


_PLACEHOLDER_NAMES = {"value", "raw", "expected", "found", "line", "element", "other", "attribute"}


def _placeholders(text: str) -> set[str]:
    names = set()
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(f"placeholder {{{name}}} may only be a plain name (no attributes, indexes or formats)")
        names.add(name)
    return names


class Rule(_Strict):
    code: str = Field(pattern=r"^RL\d{3}$")
    name: str = Field(pattern=r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
    # a short Chinese title shown beside the code in every output (缺少签发人): what staff read, not the name
    title: str = Field(min_length=2, max_length=16, pattern=r"[\u4e00-\u9fff]")
    severity: Severity
    applies_to: AppliesTo = "both"
    # the roles of letter it applies to: a rule about what only a reply to the member has (a grade, thanks to
    # the member, the 抄送 to 人大/政协) says roles = ["reply"], and a 会办/协办 letter skips it
    roles: list[LetterRole] = Field(default_factory=lambda: list(LETTER_ROLES), min_length=1)
    message: str
    # the message for a letter of one kind (a 提案 letter is shown a 提案 model title): the key is the kind
    # (npc-suggestion, cppcc-proposal); a letter of another kind or of unknown kind is shown ``message``
    messages_by_kind: dict[Literal["npc-suggestion", "cppcc-proposal"], str] = {}
    description: str
    source: str
    check: Check
    when: Optional[Condition] = None  # the rule runs only when this holds
    # rules whose finding on the same stretch of text says the same mistake less precisely (a cited 文号's
    # [2024] is a bracket error, not also half-width punctuation): dropped where this rule reports
    supersedes: list[str] = []
    fix: Optional[Fix] = None
    examples: Examples

    @field_validator("roles")
    @classmethod
    def _distinct_roles(cls, v):
        if len(set(v)) != len(v):
            raise ValueError(f"a role is listed twice: {v}")
        return v

    @model_validator(mode="after")
    def _messages(self):
        for text in (self.message, *self.messages_by_kind.values(), getattr(self.check, "early_message", None) or ""):
            unknown = _placeholders(text) - _PLACEHOLDER_NAMES
            if unknown:
                raise ValueError(f"unknown placeholder(s) {sorted(unknown)} in message; allowed: {sorted(_PLACEHOLDER_NAMES)}")
        if self.fix is not None and self.fix.template is not None:
            _placeholders(self.fix.template)
        return self


class RuleFile(_Strict):
    group: str
    description: str = ""
    rule: list[Rule]


__all__ = ["Rule", "RuleFile", "Condition", "Check", "Example", "FIELD_NAMES", "RULE_FIELDS", "TEXT_SCOPES"]
