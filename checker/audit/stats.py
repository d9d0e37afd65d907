"""The numbers of an audit report, computed once and shared by the HTML page, the workbook and the exit code.

Definitions (the same in every output):

* **checked**: letters that were read and checked; files that could not be read are **unreadable** and are
  not counted as checked.
* **compliant**: a checked letter with no error and no warning (information notes do not count);
  **compliance rate** = compliant ÷ checked.
* **with findings**: a checked letter with at least one finding of any severity.
* **problems**: errors and warnings. 提示 (info) findings are notes for the drafter: they are counted and
  listed apart (their own column), never in a problem total or a per-letter average.
* ``--since DATE``: the report covers the checked letters whose 成文日期 is on or after DATE. A letter
  whose 成文日期 could not be read cannot be placed before or after DATE: it is *not* counted in the
  covered numbers, but listed separately (``undated``) with its findings. Unreadable files are always listed.
* Organ: 发文机关标志, else 署名, else 印发机关 (normalised); year: of the 成文日期, else of the 文号.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from ..config import SEVERITY_RANK, reaches_fail_level
from ..formats import SEVERITY_LABELS
from ..names import printable_path
from .collect import Audit, Entry
from .store import Result

KIND_LABELS = {"npc-suggestion": "人大建议答复", "cppcc-proposal": "政协提案答复", "unknown": "未识别"}
KIND_ORDER = ("npc-suggestion", "cppcc-proposal", "unknown")
SEVERITIES = ("error", "warning", "info")
NO_ORGAN = "（未识别发文机关）"
NO_YEAR = "（无年份）"


# What a row shows of its stored result, and what it shows when the file could not be read (no result)
_FROM_RESULT = {"kind": "unknown", "organ": None, "date": None, "year": None, "doc_number": None, "title": None,
                "n_error": 0, "n_warning": 0, "n_info": 0, "digest": "", "findings": None}


@dataclass
class Letter:
    """One row of the report: a file and its stored result (``store.Result``), whose fields it shows as its
    own (``letter.organ``, ``letter.n_error`` …); without a result, ``problem`` says why it was not checked."""

    index: int  # the anchor: #f-<index>
    path: str
    result: Optional[Result] = None
    problem: Optional[str] = None
    fragment: Optional[tuple[str, str]] = None  # its table cells and details as HTML (html.result_fragment)
    fail_on: str = "warning"

    def __getattr__(self, name: str):
        if name in _FROM_RESULT:
            result = self.__dict__.get("result")
            return _FROM_RESULT[name] if result is None else getattr(result, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def key(self) -> Optional[tuple[str, str]]:
        """(sha256, ruleset) of the stored result."""
        return None if self.result is None else (self.result.sha256, self.result.ruleset)

    @property
    def error(self) -> Optional[str]:
        return (self.problem or "无法读取") if self.result is None else self.result.error

    @property
    def compliant(self) -> bool:
        return self.result is not None and self.result.compliant

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def organ_label(self) -> str:
        return self.organ or NO_ORGAN

    @property
    def n_findings(self) -> int:
        return 0 if self.result is None else self.result.n_findings


@dataclass
class Group:
    """Counts for one rule, organ, year or kind."""

    key: str
    label: str
    letters: int = 0
    compliant: int = 0
    error: int = 0
    warning: int = 0
    info: int = 0
    letters_with: int = 0  # by rule: letters where it fired
    severity: str = ""  # by rule: its (most frequent) severity
    description: str = ""  # by rule
    title: str = ""  # by rule: its Chinese title (缺少签发人)

    @property
    def findings(self) -> int:
        """Every finding, 提示 included."""
        return self.error + self.warning + self.info

    @property
    def problems(self) -> int:
        """Errors and warnings: 提示 are notes, not problems."""
        return self.error + self.warning

    @property
    def heading(self) -> str:
        """By rule: "RL109 缺少签发人" (the code alone for a rule the catalogue does not know)."""
        return f"{self.key} {self.title}" if self.title else f"{self.key} {self.label}"

    @property
    def rate(self) -> Optional[float]:
        return self.compliant / self.letters if self.letters else None

    def add_group(self, other: "Group") -> None:
        self.letters += other.letters
        self.compliant += other.compliant
        self.error += other.error
        self.warning += other.warning
        self.info += other.info

    def add_letter(self, letter: Letter) -> None:
        self.letters += 1
        self.compliant += letter.compliant
        self.error += letter.n_error
        self.warning += letter.n_warning
        self.info += letter.n_info


@dataclass
class AuditReport:
    generated_at: str
    paths: tuple[str, ...]
    db_path: str  # to open (write_html); shown through printable_path
    since: Optional[str]
    tool_version: str
    ruleset: str
    total_files: int
    letters: list[Letter]  # covered by the report (checked, and dated on/after --since when given)
    undated: list[Letter]  # with --since: checked letters without a readable 成文日期
    unreadable: list[Letter]
    before_since: int  # with --since: checked letters dated before it (left out)
    rechecked: int
    reused: int
    by_rule: list[Group]
    by_organ: list[Group]
    by_year: list[Group]
    by_kind: list[Group]
    organ_year: dict[str, dict[str, Group]]  # organ → year → counts (compliance rate per organ per year)
    years: list[str]
    runs: list[dict]
    titles: dict[str, str] = field(default_factory=dict)  # rule code → title (缺少签发人)

    @property
    def checked(self) -> int:
        return len(self.letters)

    @property
    def compliant(self) -> int:
        return sum(1 for l in self.letters if l.compliant)

    @property
    def with_findings(self) -> int:
        return sum(1 for l in self.letters if l.n_findings)

    @property
    def with_problems(self) -> int:
        return self.checked - self.compliant

    @property
    def rate(self) -> Optional[float]:
        return self.compliant / self.checked if self.checked else None

    def total(self, severity: str) -> int:
        return sum(getattr(l, f"n_{severity}") for l in self.letters)

    def summary(self) -> dict:
        """The counts every output shows (the xlsx 概览 sheet, the HTML cards, the tests)."""
        return {
            "files": self.total_files, "checked": self.checked, "compliant": self.compliant,
            "with_problems": self.with_problems, "with_findings": self.with_findings,
            "unreadable": len(self.unreadable), "undated": len(self.undated), "before_since": self.before_since,
            "error": self.total("error"), "warning": self.total("warning"), "info": self.total("info"),
            "rate": self.rate,
        }

    def exit_code(self, fail_on: Optional[str] = None) -> int:
        """As ``replylint check``: 2 when a file could not be read, 1 when a letter the report lists has a
        finding at the fail level (the flag, else each file's configured fail-on), else 0."""
        if self.unreadable:
            return 2
        for letter in (*self.letters, *self.undated):
            if reaches_fail_level(fail_on or letter.fail_on, letter.n_error, letter.n_warning, letter.n_info):
                return 1
        return 0


def _letter(index: int, entry: Entry) -> Letter:
    # the report shows a name that is not UTF-8 with its bytes escaped (\\xb0): every output stays valid UTF-8
    return Letter(index=index, path=printable_path(entry.path), result=entry.result, problem=entry.problem,
                  fail_on=entry.fail_on)


def year_label(year: Optional[int]) -> str:
    return str(year) if year else NO_YEAR


def build_report(audit: Audit, since: Optional[str] = None) -> AuditReport:
    from ..gcpause import batch_gc

    with batch_gc():  # many small objects, none cyclic: no collections meanwhile
        return _build_report(audit, since)


def _build_report(audit: Audit, since: Optional[str]) -> AuditReport:
    letters: list[Letter] = []
    undated: list[Letter] = []
    unreadable: list[Letter] = []
    before = 0
    for i, entry in enumerate(audit.entries, 1):
        letter = _letter(i, entry)
        if letter.error is not None:
            unreadable.append(letter)
        elif since is None:
            letters.append(letter)
        elif letter.date is None:
            undated.append(letter)
        elif letter.date >= since:
            letters.append(letter)
        else:
            before += 1

    rules = _by_rule(letters, audit.catalogue)
    organs: dict[str, Group] = {}
    years: dict[str, Group] = {}
    kinds: dict[str, Group] = {k: Group(key=k, label=KIND_LABELS[k]) for k in KIND_ORDER}
    organ_year: dict[str, dict[str, Group]] = {}
    for letter in letters:
        organ = letter.organ_label
        year = year_label(letter.year)
        for groups, key in ((organs, organ), (years, year)):
            group = groups.get(key)
            if group is None:
                group = groups[key] = Group(key=key, label=key)
            group.add_letter(letter)
        kinds.setdefault(letter.kind, Group(key=letter.kind, label=letter.kind_label)).add_letter(letter)
        cells = organ_year.get(organ)
        if cells is None:
            cells = organ_year[organ] = {}
        cell = cells.get(year)
        if cell is None:
            cell = cells[year] = Group(key=year, label=year)
        cell.add_letter(letter)

    def ordered_years(keys):
        return sorted(keys, key=lambda y: (y == NO_YEAR, y))

    year_keys = ordered_years(years)
    return AuditReport(
        generated_at=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        paths=tuple(map(printable_path, audit.paths)), db_path=str(audit.db_path), since=since,
        tool_version=_tool_version(),
        ruleset=audit.base[:12], total_files=len(audit.entries), letters=letters, undated=undated,
        unreadable=unreadable, before_since=before, rechecked=audit.rechecked, reused=audit.reused,
        by_rule=rules,
        by_organ=sorted(organs.values(), key=lambda g: (g.key == NO_ORGAN, -g.letters, g.key)),
        by_year=[years[y] for y in year_keys],
        by_kind=[g for g in kinds.values() if g.letters or g.key in KIND_ORDER],
        organ_year=organ_year, years=year_keys, runs=audit.runs,
        titles={code: entry.get("title", "") for code, entry in audit.catalogue.items() if entry.get("title")},
    )


def _by_rule(letters: list[Letter], catalogue: dict[str, dict]) -> list[Group]:
    """Findings and letters per rule, from the letters' digests (counted in C by Counter, not per finding)."""
    findings: Counter = Counter()
    letters_with: Counter = Counter()
    for letter in letters:
        if letter.digest:
            lines = letter.digest.split("\n")
            findings.update(lines)
            letters_with.update({line.split(" ", 1)[0] for line in lines})
    groups: dict[str, Group] = {}
    severities: dict[str, Counter] = {}
    for line, count in findings.items():
        code, severity, rule = (line.split(" ", 2) + ["", ""])[:3]
        group = groups.get(code)
        if group is None:
            entry = catalogue.get(code, {})
            group = groups[code] = Group(key=code, label=rule, letters_with=letters_with[code],
                                         description=entry.get("description", ""), title=entry.get("title", ""))
            severities[code] = Counter()
        if severity in SEVERITIES:
            setattr(group, severity, getattr(group, severity) + count)
        severities[code][severity] += count
    for code, group in groups.items():
        counts = severities[code]
        group.severity = max(counts, key=lambda s: (counts[s], SEVERITY_RANK.get(s, 0)))
    return sorted(groups.values(), key=lambda g: (-g.findings, g.key))


def _tool_version() -> str:
    from .. import __version__

    return __version__


def percent(rate: Optional[float]) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def parse_since(value: str) -> str:
    """YYYY-MM-DD → the same, validated (ValueError with a message for the user otherwise)."""
    text = value.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    raise ValueError(f"应为 YYYY-MM-DD 格式的日期，例如 2024-01-01（收到 {value!r}）")


__all__ = ["AuditReport", "Letter", "Group", "build_report", "percent", "parse_since",
           "KIND_LABELS", "SEVERITY_LABELS", "SEVERITIES"]
