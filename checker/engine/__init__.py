"""Stage 4, rules: load the catalogue (rules/*.toml), validate it, compile each check once, run them.

    rules = load_rules()                       # cached; raises RuleFileError naming file, rule and key
    diagnostics = rules.run(letter, context)   # every rule that applies to the letter's kind
"""

from __future__ import annotations

import bisect
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Optional

from pydantic import ValidationError

from ..model import Diagnostic, Fix, Kind, Letter, Severity, Span
from ..resources import data_dir
from ..tomlfile import read_toml
from ..errors import RuleFileError
from .fixes import FIXERS
from .kinds import Context, Finding, compile_check, compile_condition, guarded
from .named import NAMED
from .schema import Rule, RuleFile



@dataclass(slots=True)
class CompiledRule:
    rule: Rule
    group: str
    run: Callable[[Letter, Context], list]
    kinds: frozenset  # the letter kinds it applies to (unknown letters get every rule)
    severity: Severity
    roles: frozenset = frozenset(("reply", "co-handling"))  # the letter roles it applies to
    messages: dict = None  # Kind → the rule's message for a letter of that kind (``messages_by_kind``)

    def message_for(self, kind: Kind) -> str:
        """The rule's message for a letter of this kind: its ``messages_by_kind`` entry, else ``message``."""
        return (self.messages or {}).get(kind) or self.rule.message


class _Params(dict):
    def __missing__(self, key):  # a placeholder the finding did not fill renders empty, never raises
        return ""


@lru_cache(maxsize=None)
def _placeholders(template: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name)


def render(template: str, params: dict) -> str:
    # Safe: the schema admits only plain {name} placeholders (no attribute or index access), checked at load.
    return template.format_map(_Params(params))


class RuleSet:
    def __init__(self, rules: list[CompiledRule]):
        self.rules = rules
        self.by_name = {r.rule.name: r for r in rules}
        self.by_code = {r.rule.code: r for r in rules}
        self.by_title = {r.rule.title: r for r in rules}

    def __iter__(self):
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def find(self, name_or_code: str) -> Optional[CompiledRule]:
        key = name_or_code.strip()
        return self.by_name.get(key) or self.by_code.get(key.upper()) or self.by_title.get(key)

    def run(self, letter: Letter, ctx: Context, enabled: Optional[Iterable[CompiledRule]] = None) -> list[Diagnostic]:
        """Run the rules (all, or ``enabled``) that apply to the letter's kind and role."""
        return run_rules(applicable(self.rules if enabled is None else enabled, letter.kind, letter.role), letter, ctx)


def applicable(rules: Iterable[CompiledRule], kind: Kind, role: Optional[str] = None) -> list[CompiledRule]:
    """The rules for a letter kind and role. A letter of unknown kind gets the rules for both kinds, not
    those of one kind (which would contradict each other: "copy the 人大 body" and "copy the 政协 body").
    A co-handling letter skips the rules for replies only (no grade, no thanks to the member); a letter of
    no role (None) is not filtered by role."""
    if kind is Kind.UNKNOWN:
        rules = [r for r in rules if len(r.kinds) > 1]
    else:
        rules = [r for r in rules if kind in r.kinds]
    if role is None:
        return rules
    return [r for r in rules if role in r.roles]


def run_rules(rules: list[CompiledRule], letter: Letter, ctx: Context) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    superseding = False
    for compiled in rules:  # a rule's ``when`` is part of its compiled ``run``
        for finding in compiled.run(letter, ctx):
            out.append(_diagnostic(compiled, finding, letter.kind, letter))
            superseding = superseding or bool(compiled.rule.supersedes)
    return _drop_superseded(rules, out) if superseding else out


class _Cover:
    """The stretches a superseding rule reported on, to ask whether a finding overlaps one of them: sorted by
    start, with the furthest end of each prefix, so a question is one binary search (a letter with thousands
    of findings is not compared pair by pair)."""

    def __init__(self, spans: list[Span]):
        spans = sorted(spans, key=lambda s: (s.line, s.column))
        self.starts = [(s.line, s.column) for s in spans]
        self.furthest, far = [], (0, 0)
        for s in spans:
            far = max(far, (s.end_line, s.end_column))
            self.furthest.append(far)

    def overlaps(self, span: Span) -> bool:
        """Whether a stretch starts where ``span`` starts (empty spans included), or starts before its end
        and ends after its start."""
        start, end = (span.line, span.column), (span.end_line, span.end_column)
        at = bisect.bisect_left(self.starts, start)
        if at < len(self.starts) and self.starts[at] == start:
            return True
        before_end = bisect.bisect_left(self.starts, end)  # the stretches starting before span's end
        return before_end > 0 and self.furthest[before_end - 1] > start


def _drop_superseded(rules: list[CompiledRule], diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """One mistake, one finding: a finding of a rule that another rule ``supersedes`` is dropped where the
    superseding rule reports on an overlapping stretch of text."""
    supersedes = {c.rule.name: c.rule.supersedes for c in rules if c.rule.supersedes}
    spans: dict[str, list[Span]] = {}
    for d in diagnostics:
        for name in supersedes.get(d.rule, ()):
            spans.setdefault(name, []).append(d.span)
    cover = {name: _Cover(found) for name, found in spans.items()}
    return [d for d in diagnostics if d.rule not in cover or not cover[d.rule].overlaps(d.span)]


def _diagnostic(compiled: CompiledRule, finding: Finding, kind: Kind = Kind.UNKNOWN, letter: Letter | None = None) -> Diagnostic:
    rule = compiled.rule
    severity = Severity(finding.severity) if finding.severity else compiled.severity
    message = render(finding.message or compiled.message_for(kind), finding.params)
    fix = None
    if rule.fix is not None:
        fix = _fix(rule.fix, finding, letter)
    return Diagnostic.trusted(code=rule.code, rule=rule.name, severity=severity, span=finding.span, message=message, fix=fix,
                              location=None)


_SAFE_WHEN: dict[int, object] = {}  # id of a fix's safe_when → its compiled test


def _fix(declared, finding: Finding, letter: Letter | None) -> Fix | None:
    if declared.template is not None:
        element = finding.element
        if element is None:
            return None
        values = {name: getattr(element, name, "") for name in type(element).model_fields}
        # a fix needs every value it names (an unfilled date has no month or day to write)
        if not all(values.get(name) is not None for name in _placeholders(declared.template)):
            return None
        replacement = render(declared.template, values)
        raw = getattr(element, "raw", None)
        if replacement == raw:  # a "fix" that changes nothing is none
            return None
        span, original = element.span, raw
    else:
        if letter is None:
            return None
        made = FIXERS[declared.function](finding, letter)
        if made is None:
            return None
        span, replacement, original = made
        if replacement == original:
            return None
    safe = declared.safe
    if safe and declared.safe_when is not None:
        test = _SAFE_WHEN.get(id(declared.safe_when))
        if test is None:
            test = _SAFE_WHEN[id(declared.safe_when)] = compile_condition(declared.safe_when)
        safe = letter is not None and test(letter)
    description = f"删去“{original}”" if replacement == "" else (
        f"补上“{replacement}”" if original == "" else f"改为“{replacement}”")
    return Fix.trusted(replacement=replacement, span=span, description=description, safe=safe, original=original)


_KINDS = {
    "npc-suggestion": frozenset({Kind.NPC}),
    "cppcc-proposal": frozenset({Kind.CPPCC}),
    "both": frozenset({Kind.NPC, Kind.CPPCC}),
}


def _describe_error(path: Path, data: dict, exc: ValidationError) -> str:
    lines = []
    for error in exc.errors()[:5]:
        loc = list(error["loc"])
        where = ""
        if len(loc) >= 2 and loc[0] == "rule" and isinstance(loc[1], int):
            index = loc[1]
            try:
                raw = data["rule"][index]
                where = f" rule {raw.get('code', '?')} ({raw.get('name', '?')}),"
            except (KeyError, IndexError, TypeError, AttributeError):
                where = f" rule #{index + 1},"
            loc = loc[2:]
        key = ".".join(str(part) for part in loc if not str(part).startswith(("function-", "tagged-union")))
        lines.append(f"{path}:{where} key '{key}': {error['msg']}")
    return "\n".join(lines)


def load_rule_file(path: Path) -> RuleFile:
    data = read_toml(path, RuleFileError)
    try:
        rule_file = RuleFile.model_validate(data)
    except ValidationError as exc:
        raise RuleFileError(_describe_error(path, data, exc)) from None
    for rule in rule_file.rule:
        if rule.check.kind == "python" and rule.check.function not in NAMED:
            raise RuleFileError(f"{path}: rule {rule.code} ({rule.name}), key 'check.function': "
                                f"no named check {rule.check.function!r}; known: {', '.join(sorted(NAMED))}")
        if rule.fix is not None and rule.fix.function is not None and rule.fix.function not in FIXERS:
            raise RuleFileError(f"{path}: rule {rule.code} ({rule.name}), key 'fix.function': "
                                f"no fixer {rule.fix.function!r}; known: {', '.join(sorted(FIXERS))}")
        if rule.check.kind == "python":
            prepare = getattr(NAMED[rule.check.function], "prepare", None)  # data the check loads (word lists)
            if prepare is not None:
                prepare()
        _check_attributes(path, rule)
    return rule_file


def _check_attributes(path: Path, rule: Rule) -> None:
    """An attribute a rule names must exist on the element it names: typos fail at load, not silently."""
    from ..model import Letter as _Letter
    import typing

    def element_class(field: str):
        annotation = _Letter.model_fields[field].annotation
        for arg in typing.get_args(annotation) or (annotation,):
            inner = typing.get_args(arg)
            candidate = inner[0] if inner else arg
            if hasattr(candidate, "model_fields"):
                return candidate
        return None

    def check(field: str, attribute: str, key: str) -> None:
        cls = element_class(field)
        if cls is not None and attribute not in cls.model_fields:
            raise RuleFileError(f"{path}: rule {rule.code} ({rule.name}), key '{key}': {field} has no attribute "
                                f"{attribute!r}; it has: {', '.join(cls.model_fields)}")

    c = rule.check
    if c.kind in ("pattern", "enum"):
        check(c.field, c.attribute, "check.attribute")
    elif c.kind == "compare":
        for side, path_ in (("left", c.left), ("right", c.right)):
            if path_ and "." in path_:
                field, attribute = path_.split(".", 1)
                check(field, attribute, f"check.{side}")
    for cond_key, cond in (("when", rule.when), ("check.when", getattr(c, "when", None)), ("check.then", getattr(c, "then", None)),
                          ("fix.safe_when", rule.fix.safe_when if rule.fix is not None else None)):
        if cond is not None:
            check(cond.field, cond.attribute, f"{cond_key}.attribute")


def rule_files(directory: Optional[Path] = None) -> list[Path]:
    return sorted((directory or data_dir("rules")).glob("*.toml"))


def load_rules_from(paths: Iterable[Path]) -> RuleSet:
    compiled: list[CompiledRule] = []
    codes: dict[str, Path] = {}
    names: dict[str, Path] = {}
    titles: dict[str, Path] = {}  # staff find a rule by its title (explain 缺少签发人): two rules may not share one
    for path in paths:
        rule_file = load_rule_file(path)
        for rule in rule_file.rule:
            for key, seen in (("code", codes), ("name", names), ("title", titles)):
                value = getattr(rule, key)
                if value in seen:
                    raise RuleFileError(f"{path}: rule {rule.code} ({rule.name}), key '{key}': "
                                        f"{value} is already used in {seen[value]}")
                seen[value] = path
            compiled.append(CompiledRule(rule=rule, group=rule_file.group, run=guarded(compile_check(rule.check), rule.when),
                                         kinds=_KINDS[rule.applies_to], severity=Severity(rule.severity),
                                         roles=frozenset(rule.roles),
                                         messages={Kind(kind): text for kind, text in rule.messages_by_kind.items()}))
    for c in compiled:  # a superseded rule must exist: a misspelt name would silently keep both findings
        for name in c.rule.supersedes:
            if name not in names or name == c.rule.name:
                raise RuleFileError(f"{names[c.rule.name]}: rule {c.rule.code} ({c.rule.name}), key 'supersedes': "
                                    f"{name!r} is not another rule of the catalogue")
    compiled.sort(key=lambda r: r.rule.code)
    return RuleSet(compiled)


@lru_cache(maxsize=1)
def load_rules() -> RuleSet:
    """The shipped catalogue, loaded and compiled once per process."""
    return load_rules_from(rule_files())


__all__ = ["applicable", "run_rules", "RuleSet", "CompiledRule", "RuleFileError", "load_rules", "load_rules_from", "load_rule_file", "Context", "render"]
