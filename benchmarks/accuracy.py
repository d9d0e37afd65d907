#!/usr/bin/env python3
"""How often the checker reads a letter as a careful reviewer does, on the labelled corpus (tests/corpus/).

    python benchmarks/accuracy.py                  # the report: scores overall and per variant section, disagreements
    python benchmarks/accuracy.py --section 5      # only the letters of §5 (repeatable)
    python benchmarks/accuracy.py --json           # the same for machines
    python benchmarks/accuracy.py --floors         # exit 1 when a score is below its floor

Each letter ``NAME.txt`` has its expectation ``NAME.toml`` (format: tests/corpus/README.md). Every letter is
checked through the public API with isolated settings (no config file, the built-in profile, every rule), and:

* element agreement: for each (letter, element of the README table) where the expectation or the checker
  has the element, agreement when both have it on the same line and every key the expectation states equals
  the model's; a missing, extra, misplaced or wrongly valued element is one disagreement;
* kind, role and letter / not-a-letter accuracy: per letter;
* precision (reported findings that are expected ÷ reported findings) and recall (expected findings that are
  reported ÷ expected findings): a finding is its rule name and line, counted as often as it occurs (two
  findings of one rule on one line need two entries in the expectation);
* all of it per variant section (a letter counts for each of its sections) and overall.

A bad expectation file (not TOML, an unknown key or element, a missing line, a line outside the letter, a rule
name not in the catalogue) is an error naming the file and the key: exit 2. ``score_corpus`` returns the
scores to a test (tests/test_corpus.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Literal, Optional

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:  # this repository's checker, not an installed one
    sys.path.insert(0, str(ROOT))


def _require_dependencies() -> None:
    """Run by a Python without replylint's dependencies, say so in one line (not a traceback from deep in
    the checker) and exit 2."""
    import importlib.util

    missing = [name for name in ("pydantic", "lark", "click", "rich") if importlib.util.find_spec(name) is None]
    if missing:
        print(f"accuracy.py: {sys.executable} lacks replylint's dependencies ({', '.join(missing)}): install them "
              f"first, e.g. pip install '.[test]' (the README's test command), then run it again", file=sys.stderr)
        raise SystemExit(2)


_require_dependencies()

from pydantic import BaseModel, ConfigDict, Field, ValidationError  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
FLOORS = {"elements": 0.98, "kind": 0.98, "precision": 0.97, "recall": 0.95}
# the findings of the parse stage itself, besides the rule catalogue's names
STRUCTURE_FINDINGS = ("not-a-reply-letter", "unrecognised-text", "element-out-of-place")
NOT_A_LETTER = "not-a-reply-letter"
CONFIG_FILES = ("replylint.toml", "pyproject.toml")  # settings the scorer ignores (isolated), not expectations


# ---- the expectation file ----------------------------------------------------------------------------------

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ExpectedElement(_Strict):
    line: int = Field(ge=1)
    source: Optional[Literal["letter", "metadata"]] = None


class TextElement(ExpectedElement):
    value: Optional[str] = None


class GradeElement(ExpectedElement):
    value: Optional[Literal["A", "B", "C", "D"]] = None


class ListValueElement(ExpectedElement):
    value: Optional[list[str]] = None


ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
DateStyle = Literal["arabic", "chinese-numerals", "separator", "full-width", "digit-run", "unfilled"]


class DateValueElement(ExpectedElement):
    value: Optional[str] = Field(default=None, pattern=ISO_DATE)
    style: Optional[DateStyle] = None


class SessionElement(ExpectedElement):
    term: Optional[int] = Field(default=None, ge=1)
    meeting: Optional[int] = Field(default=None, ge=1)
    body: Optional[Literal["人大", "政协"]] = None


class SalutationElement(ExpectedElement):
    names: Optional[list[str]] = None
    role: Optional[Literal["代表", "委员"]] = None
    addressee: Optional[Literal["person", "organisation", "unit", "placeholder", "greeting"]] = None


class ExpectedFields(_Strict):
    """The elements of the README table, in the order of the JSON "fields"."""

    doc_number: Optional[TextElement] = None
    signer: Optional[TextElement] = None
    grade: Optional[GradeElement] = None
    disclosure: Optional[TextElement] = None
    organ_mark: Optional[TextElement] = None
    title: Optional[TextElement] = None
    proposal_number: Optional[TextElement] = None
    session: Optional[SessionElement] = None
    salutation: Optional[SalutationElement] = None
    signature_organ: Optional[TextElement] = None
    date: Optional[DateValueElement] = None
    contact_person: Optional[TextElement] = None
    contact_phone: Optional[ListValueElement] = None
    cc: Optional[ListValueElement] = None
    print_organ: Optional[TextElement] = None
    print_date: Optional[DateValueElement] = None


ELEMENTS: tuple[str, ...] = tuple(ExpectedFields.model_fields)


class ExpectedFinding(_Strict):
    rule: str
    line: int = Field(ge=1)
    why: str = ""


class Pending(_Strict):
    defect: str
    line: int = Field(ge=1)
    why: str = ""


SECTIONS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "S0", "S1", "S2", "S3", "S4")
Section = Literal[SECTIONS]


class Expectation(_Strict):
    sections: list[Section] = Field(min_length=1)
    style: str = ""
    kind: Optional[Literal["npc-suggestion", "cppcc-proposal", "unknown"]] = None
    role: Optional[Literal["reply", "co-handling"]] = None
    letter: bool = True
    note: str = ""
    fields: ExpectedFields = ExpectedFields()
    findings: list[ExpectedFinding] = []
    pending: list[Pending] = []

    @property
    def expected_kind(self) -> str:
        return self.kind or "unknown"

    @property
    def expected_role(self) -> Optional[str]:
        """A letter's role (reply unless stated); a text that is not a reply letter has none."""
        return (self.role or "reply") if self.letter else None


def element_keys(name: str) -> tuple[str, ...]:
    """The keys an expectation may state for an element, besides ``line``."""
    annotation = ExpectedFields.model_fields[name].annotation
    model = next(a for a in annotation.__args__ if a is not type(None))
    return tuple(k for k in model.model_fields if k != "line")


class CorpusError(Exception):
    """The corpus cannot be scored: every problem found, one per line, each naming its file and key."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def _describe(error: dict) -> str:
    loc = tuple(error["loc"])
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
    kind = error["type"]
    if kind == "extra_forbidden":
        if len(loc) == 2 and loc[0] == "fields":
            return f"unknown element '{loc[1]}' (the elements: {', '.join(ELEMENTS)})"
        if len(loc) == 3 and loc[0] == "fields" and loc[1] in ELEMENTS:
            return (f"unknown key '{where}' (keys of {loc[1]}: line, {', '.join(element_keys(loc[1]))})")
        return f"unknown key '{where}'"
    if kind == "missing":
        return f"missing key '{where}'"
    given = error.get("input")
    shown = f" (given: {given!r})" if not isinstance(given, (dict, list)) or len(repr(given)) < 80 else ""
    return f"key '{where}': {error['msg']}{shown}"


def _blank(line: str) -> bool:
    return not line.strip()


@dataclass
class Case:
    """One labelled letter: its text file, its lines as the checker reads them, its expectation."""

    name: str  # path relative to the corpus, for the report
    path: Path
    lines: list[str]
    expectation: Expectation


@dataclass
class Corpus:
    root: Path
    cases: list[Case]
    unlabelled: list[str]  # letters with no expectation file yet


def read_expectation(toml_path: Path, lines: list[str], rule_names: frozenset, label: str) -> tuple[Optional[Expectation], list[str]]:
    """The expectation of one letter, or the problems with it (each message starts with ``label``)."""
    from checker.tomlfile import tomllib

    try:
        data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{label}: cannot be read: {exc}"]
    except tomllib.TOMLDecodeError as exc:
        return None, [f"{label}: not valid TOML: {exc}"]
    try:
        expectation = Expectation.model_validate(data)
    except ValidationError as exc:
        return None, [f"{label}: {_describe(error)}" for error in exc.errors()]
    problems = []
    count = len(lines)

    def check_line(key: str, line: int, element: bool = False) -> None:
        if line > count:
            problems.append(f"{label}: key '{key}': line {line} is past the end of the letter ({count} lines)")
        elif element and _blank(lines[line - 1]):
            problems.append(f"{label}: key '{key}': line {line} is blank (an element starts on a line of text)")

    for name in ELEMENTS:
        element = getattr(expectation.fields, name)
        if element is not None:
            check_line(f"fields.{name}.line", element.line, element=True)
    for i, finding in enumerate(expectation.findings):
        if finding.rule not in rule_names:
            problems.append(f"{label}: key 'findings[{i}].rule': '{finding.rule}' is not a rule of the catalogue "
                            f"(rules/*.toml) nor one of {', '.join(STRUCTURE_FINDINGS)}")
        check_line(f"findings[{i}].line", finding.line)
    for i, pending in enumerate(expectation.pending):
        if pending.defect in rule_names:
            problems.append(f"{label}: key 'pending[{i}].defect': '{pending.defect}' is a rule of the catalogue: "
                            f"a defect it checks is a [[findings]] entry")
        check_line(f"pending[{i}].line", pending.line)
    rules = [f.rule for f in expectation.findings]
    if not expectation.letter:
        if rules != [NOT_A_LETTER]:
            problems.append(f"{label}: key 'findings': a text that is not a reply letter (letter = false) has exactly "
                            f"one finding, {NOT_A_LETTER}")
        if expectation.role is not None:
            problems.append(f"{label}: key 'role': a text that is not a reply letter (letter = false) has no role")
        listed = [name for name in ELEMENTS if getattr(expectation.fields, name) is not None]
        if listed:
            problems.append(f"{label}: key 'fields': a text that is not a reply letter (letter = false) has no "
                            f"elements of one to list ({', '.join(listed)})")
    elif NOT_A_LETTER in rules:
        problems.append(f"{label}: key 'findings': {NOT_A_LETTER} on a letter (write letter = false)")
    if expectation.letter and expectation.kind is None:
        problems.append(f"{label}: missing key 'kind'")
    return (None if problems else expectation), problems


def known_rule_names() -> frozenset:
    from checker.engine import load_rules

    return frozenset(r.rule.name for r in load_rules()) | frozenset(STRUCTURE_FINDINGS)


def load_corpus(root: Path = CORPUS) -> Corpus:
    """Every labelled letter under ``root``; raises ``CorpusError`` listing every bad expectation file."""
    from checker.sources import SourceError, read_source

    root = Path(root)
    if not root.is_dir():
        raise CorpusError([f"{root}: no such folder"])
    rule_names = known_rule_names()
    cases, unlabelled, problems = [], [], []
    texts = sorted(root.rglob("*.txt"))
    for txt in texts:
        name = txt.relative_to(root).as_posix()
        toml_path = txt.with_suffix(".toml")
        if not toml_path.is_file():
            unlabelled.append(name)
            continue
        label = toml_path.relative_to(root).as_posix()
        try:
            lines = read_source(txt).lines
        except SourceError as exc:
            problems.append(f"{name}: the letter cannot be read: {exc}")
            continue
        expectation, found = read_expectation(toml_path, lines, rule_names, label)
        problems.extend(found)
        if expectation is not None:
            cases.append(Case(name=name, path=txt, lines=lines, expectation=expectation))
    for toml_path in sorted(root.rglob("*.toml")):
        if toml_path.name not in CONFIG_FILES and not toml_path.with_suffix(".txt").is_file():
            problems.append(f"{toml_path.relative_to(root).as_posix()}: no letter beside it "
                            f"({toml_path.with_suffix('.txt').name})")
    if problems:
        raise CorpusError(problems)
    return Corpus(root=root, cases=cases, unlabelled=unlabelled)


# ---- scoring ------------------------------------------------------------------------------------------------

@dataclass
class Disagreement:
    file: str
    sections: list[str]
    what: Literal["element", "finding", "kind", "role", "letter", "error"]
    name: str  # the element, the rule, or what was compared
    expected: str
    got: str
    line: Optional[int] = None  # the expected line (the reported one for an unexpected finding)
    message: str = ""  # the checker's message, for an unexpected finding

    def as_dict(self) -> dict:
        return {"file": self.file, "sections": self.sections, "what": self.what, "name": self.name, "line": self.line,
                "expected": self.expected, "got": self.got, "message": self.message}

    def __str__(self) -> str:
        where = f" line {self.line}" if self.line is not None else ""
        text = f"{self.what} {self.name}{where}: expected {_short(self.expected)}; got {_short(self.got)}"
        return text + (f" — “{_short(self.message)}”" if self.message else "")


def _short(text: str, limit: int = 160) -> str:
    """One line of at most ``limit`` characters (a title swallowing a whole table would fill the screen)."""
    text = " ⏎ ".join(part.strip() for part in text.splitlines()) if "\n" in text or "\r" in text else text
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class PendingEntry:
    file: str
    sections: list[str]
    defect: str
    line: int
    why: str

    def as_dict(self) -> dict:
        return {"file": self.file, "sections": self.sections, "defect": self.defect, "line": self.line, "why": self.why}


@dataclass
class Counts:
    letters: int = 0
    elements_agree: int = 0
    elements_total: int = 0
    kind_correct: int = 0
    role_correct: int = 0
    letter_correct: int = 0
    findings_matched: int = 0  # reported findings that are expected (= expected findings that are reported)
    findings_reported: int = 0
    findings_expected: int = 0

    def add(self, other: "Counts") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @staticmethod
    def _ratio(part: int, whole: int) -> Optional[float]:
        return part / whole if whole else None

    @property
    def elements(self) -> Optional[float]:
        return self._ratio(self.elements_agree, self.elements_total)

    @property
    def kind(self) -> Optional[float]:
        return self._ratio(self.kind_correct, self.letters)

    @property
    def role(self) -> Optional[float]:
        return self._ratio(self.role_correct, self.letters)

    @property
    def letter(self) -> Optional[float]:
        return self._ratio(self.letter_correct, self.letters)

    @property
    def precision(self) -> Optional[float]:
        return self._ratio(self.findings_matched, self.findings_reported)

    @property
    def recall(self) -> Optional[float]:
        return self._ratio(self.findings_matched, self.findings_expected)

    @property
    def false_alarms_per_letter(self) -> Optional[float]:
        """Reported findings nobody expected, per letter (issue 9 aims at fewer than 0.5 on real letters)."""
        return self._ratio(self.findings_reported - self.findings_matched, self.letters)

    def as_dict(self) -> dict:
        return {
            "letters": self.letters,
            "false_alarms_per_letter": self.false_alarms_per_letter,
            "elements": {"agree": self.elements_agree, "total": self.elements_total, "score": self.elements},
            "kind": {"correct": self.kind_correct, "total": self.letters, "score": self.kind},
            "role": {"correct": self.role_correct, "total": self.letters, "score": self.role},
            "letter": {"correct": self.letter_correct, "total": self.letters, "score": self.letter},
            "precision": {"matched": self.findings_matched, "reported": self.findings_reported, "score": self.precision},
            "recall": {"matched": self.findings_matched, "expected": self.findings_expected, "score": self.recall},
        }


@dataclass
class LetterScore:
    file: str
    sections: list[str]
    counts: Counts
    disagreements: list[Disagreement]
    pending: list[PendingEntry]


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(repr(v) for v in value) + "]"
    return repr(value)


def _describe_model(name: str, element) -> str:
    keys = element_keys(name)
    parts = [f"line {element.span.line}"]
    for key in keys:
        if key == "source" and getattr(element, "source", "letter") == "letter":
            continue
        if hasattr(element, key):
            parts.append(f"{key} {_shown(_plain(getattr(element, key)))}")
    return ", ".join(parts)


def _describe_expected(expected: ExpectedElement) -> str:
    stated = expected.model_dump(exclude_none=True, exclude={"line"})
    return ", ".join([f"line {expected.line}"] + [f"{k} {_shown(v)}" for k, v in stated.items()])


def compare_element(name: str, expected: Optional[ExpectedElement], got) -> Optional[tuple[str, str]]:
    """None when the checker agrees with the expectation on ``name``, else (expected, got) described."""
    if expected is None and got is None:
        return None
    if got is None:
        return _describe_expected(expected), "absent"
    if expected is None:
        return "absent", _describe_model(name, got)
    wrong = []
    if got.span.line != expected.line:
        wrong.append("line")
    for key, value in expected.model_dump(exclude_none=True, exclude={"line"}).items():
        if _plain(getattr(got, key, None)) != value:
            wrong.append(key)
    if not wrong:
        return None
    expected_parts = [f"line {expected.line}"] + [f"{k} {_shown(getattr(expected, k))}" for k in wrong if k != "line"]
    got_parts = [f"line {got.span.line}"] + [f"{k} {_shown(_plain(getattr(got, k, None)))}" for k in wrong if k != "line"]
    return ", ".join(expected_parts), ", ".join(got_parts)


def _role(role: Optional[str]) -> str:
    return "none (not a reply letter)" if role is None else role


def is_letter(result) -> bool:
    """Whether the checker took the text for a reply letter: it says otherwise with its one finding."""
    return result.error is None and not any(d.rule == NOT_A_LETTER for d in result.diagnostics)


def score_letter(name: str, expectation: Expectation, result) -> LetterScore:
    """Compare one checked letter (a ``FileResult``) with its expectation."""
    sections = list(expectation.sections)
    counts = Counts(letters=1)
    out: list[Disagreement] = []

    def disagree(what, item, expected, got, line=None, message=""):
        out.append(Disagreement(file=name, sections=sections, what=what, name=item, expected=expected, got=got,
                                line=line, message=message))

    if result.error is not None:
        disagree("error", "check", "a result", f"the file was not checked: {result.error}")
    letter = result.letter if result.error is None else None

    # a text that is not a reply letter has no elements of one: its verdict and its one finding are scored
    for element in ELEMENTS if expectation.letter else ():
        expected = getattr(expectation.fields, element)
        got = getattr(letter, element, None) if letter is not None else None
        if expected is None and got is None:
            continue
        counts.elements_total += 1
        difference = compare_element(element, expected, got)
        if difference is None:
            counts.elements_agree += 1
        else:
            disagree("element", element, *difference, line=expected.line if expected is not None else got.span.line)

    got_kind = _plain(result.kind) if result.error is None else "(not checked)"
    if got_kind == expectation.expected_kind:
        counts.kind_correct += 1
    else:
        disagree("kind", "kind", expectation.expected_kind, str(got_kind))
    got_role = result.role if result.error is None else "(not checked)"
    if got_role == expectation.expected_role:
        counts.role_correct += 1
    else:
        disagree("role", "role", _role(expectation.expected_role), _role(got_role))
    checker_letter = is_letter(result)
    if result.error is None and checker_letter == expectation.letter:
        counts.letter_correct += 1
    else:
        disagree("letter", "letter", "a reply letter" if expectation.letter else "not a reply letter",
                 "(not checked)" if result.error else "a reply letter" if checker_letter else "not a reply letter")

    expected_findings = Counter((f.rule, f.line) for f in expectation.findings)
    reported = result.diagnostics if result.error is None else []
    reported_findings = Counter((d.rule, d.span.line) for d in reported)
    matched = expected_findings & reported_findings
    counts.findings_expected = sum(expected_findings.values())
    counts.findings_reported = sum(reported_findings.values())
    counts.findings_matched = sum(matched.values())
    unexpected = reported_findings - matched
    missed = expected_findings - matched
    elsewhere = {rule: sorted(line for (r, line), n in unexpected.items() if r == rule for _ in range(n))
                 for rule, _ in missed}
    why = {(f.rule, f.line): f.why for f in expectation.findings}
    for (rule, line), n in sorted(missed.items(), key=lambda item: (item[0][1], item[0][0])):
        other = elsewhere.get(rule)
        got = f"not reported on this line (reported on line {', '.join(map(str, other))})" if other else "not reported"
        for _ in range(n):
            disagree("finding", rule, "reported" + (f" ({why[(rule, line)]})" if why.get((rule, line)) else ""), got,
                     line=line)
    taken: Counter = Counter()
    for d in sorted(reported, key=lambda d: d.sort_key()):
        key = (d.rule, d.span.line)
        if taken[key] < unexpected[key]:
            taken[key] += 1
            disagree("finding", d.rule, "not reported", f"reported ({_plain(d.severity)})", line=d.span.line,
                     message=d.message)

    pending = [PendingEntry(file=name, sections=sections, defect=p.defect, line=p.line, why=p.why)
               for p in expectation.pending]
    return LetterScore(file=name, sections=sections, counts=counts, disagreements=out, pending=pending)


def _section_order(section: str) -> tuple:
    return (1, int(section[1:])) if section.startswith("S") else (0, int(section))


@dataclass
class Scores:
    corpus: str
    overall: Counts
    sections: dict[str, Counts]
    letters: list[LetterScore]
    unlabelled: list[str] = field(default_factory=list)

    @property
    def disagreements(self) -> list[Disagreement]:
        return [d for letter in self.letters for d in letter.disagreements]

    @property
    def pending(self) -> list[PendingEntry]:
        return [p for letter in self.letters for p in letter.pending]

    def floors(self, floors: dict[str, float] = FLOORS) -> dict[str, dict]:
        """Each floor, the score and whether it is met (a score with nothing to count is met; no letters is not)."""
        out = {}
        for name, floor in floors.items():
            score = getattr(self.overall, name)
            met = self.overall.letters > 0 and (score is None or score >= floor)
            out[name] = {"floor": floor, "score": score, "met": met}
        return out

    def floors_met(self, floors: dict[str, float] = FLOORS) -> bool:
        return all(entry["met"] for entry in self.floors(floors).values())

    def as_dict(self) -> dict:
        return {
            "corpus": self.corpus,
            "overall": self.overall.as_dict(),
            "sections": {name: counts.as_dict() for name, counts in self.sections.items()},
            "floors": self.floors(),
            "disagreements": [d.as_dict() for d in self.disagreements],
            "pending": [p.as_dict() for p in self.pending],
            "unlabelled": self.unlabelled,
        }


def aggregate(letter_scores: list[LetterScore], corpus: str = "", unlabelled=(), only: Optional[set] = None) -> Scores:
    overall = Counts()
    sections: dict[str, Counts] = {}
    for score in letter_scores:
        overall.add(score.counts)
        for section in score.sections:
            if only is None or section in only:
                sections.setdefault(section, Counts()).add(score.counts)
    ordered = {name: sections[name] for name in sorted(sections, key=_section_order)}
    return Scores(corpus=corpus, overall=overall, sections=ordered, letters=letter_scores, unlabelled=list(unlabelled))


def isolated_configurator():
    from checker.config import Configurator, Overrides

    return Configurator(Overrides(isolated=True))


def score_corpus(root: Path = CORPUS, sections: Optional[list[str]] = None, configurator=None) -> Scores:
    """Check every labelled letter under ``root`` (those of ``sections`` only, when given) and score it.
    Raises ``CorpusError`` when an expectation file is bad."""
    from checker.api import check_file

    corpus = load_corpus(root)
    configurator = configurator or isolated_configurator()
    only = {str(s) for s in sections} if sections else None
    cases = [c for c in corpus.cases if only is None or only & set(c.expectation.sections)]
    scores = [score_letter(case.name, case.expectation, check_file(case.path, configurator)) for case in cases]
    return aggregate(scores, corpus=_display(Path(root)), unlabelled=corpus.unlabelled, only=only)


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


# ---- the report ---------------------------------------------------------------------------------------------

COLUMNS = ("elements", "kind", "role", "letter", "precision", "recall")


def _cell(counts: Counts, column: str) -> str:
    score = getattr(counts, column)
    part, whole = {
        "elements": (counts.elements_agree, counts.elements_total),
        "kind": (counts.kind_correct, counts.letters),
        "role": (counts.role_correct, counts.letters),
        "letter": (counts.letter_correct, counts.letters),
        "precision": (counts.findings_matched, counts.findings_reported),
        "recall": (counts.findings_matched, counts.findings_expected),
    }[column]
    return "—" if score is None else f"{score:.3f} ({part}/{whole})"


def _section_label(section: str) -> str:
    return f"seed layout {section}" if section.startswith("S") else f"§{section}"


def score_rows(scores: Scores) -> list[list[str]]:
    rows = [["overall", str(scores.overall.letters)] + [_cell(scores.overall, c) for c in COLUMNS]]
    for name, counts in scores.sections.items():
        rows.append([_section_label(name), str(counts.letters)] + [_cell(counts, c) for c in COLUMNS])
    return rows


def render_text(scores: Scores, check_floors: bool = False) -> str:
    """The whole report as plain text (also the assertion message of tests/test_corpus.py)."""
    header = ["", "letters", *COLUMNS]
    rows = score_rows(scores)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [f"Accuracy on {scores.overall.letters} labelled letters of {scores.corpus} "
             f"(isolated settings, built-in profile, every rule)", ""]
    for row in [header, *rows]:
        lines.append("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))))
    lines += ["", _false_alarms_line(scores), _floors_line(scores, check_floors)]
    lines += [""] + _listing_lines(scores)
    return "\n".join(lines).rstrip() + "\n"


def _false_alarms_line(scores: Scores) -> str:
    rate = scores.overall.false_alarms_per_letter
    unexpected = scores.overall.findings_reported - scores.overall.findings_matched
    return "false alarms: —" if rate is None else f"false alarms: {rate:.2f} per letter ({unexpected} unexpected findings)"


def _floors_line(scores: Scores, check_floors: bool) -> str:
    if not scores.overall.letters:
        return "floors: NOT MET, no letter was scored"
    parts = []
    for name, entry in scores.floors().items():
        shown = "—" if entry["score"] is None else f"{entry['score']:.3f}"
        parts.append(f"{name} {shown} ≥ {entry['floor']:.2f} {'met' if entry['met'] else 'NOT MET'}")
    return ("floors: " if check_floors else "floors (not checked): ") + "; ".join(parts)


def _listing_lines(scores: Scores) -> list[str]:
    lines = []
    disagreements = scores.disagreements
    lines.append(f"Disagreements ({len(disagreements)}):" if disagreements else "Disagreements: none")
    current = None
    for d in disagreements:
        if d.file != current:
            current = d.file
            lines.append(f"  {d.file}  [{' '.join(_section_label(s) for s in d.sections)}]")
        lines.append(f"    {d}")
    pending = scores.pending
    lines.append("")
    lines.append(f"Pending, not scored ({len(pending)}):" if pending else "Pending, not scored: none")
    for p in pending:
        lines.append(f"  {p.file} line {p.line}: {p.defect}" + (f" — {p.why}" if p.why else ""))
    if scores.unlabelled:
        lines.append("")
        lines.append(f"Letters without an expectation file, not scored ({len(scores.unlabelled)}):")
        lines.extend(f"  {name}" for name in scores.unlabelled)
    return lines


def print_report(scores: Scores, check_floors: bool = False, console=None) -> None:
    """Rich tables on a terminal, the plain text of ``render_text`` anywhere else."""
    from rich.console import Console

    console = console or Console(highlight=False)
    if not console.is_terminal:
        console.file.write(render_text(scores, check_floors))
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"Accuracy on {scores.overall.letters} labelled letters of {scores.corpus}",
                  caption="isolated settings, built-in profile, every rule")
    table.add_column("")
    for name in ("letters", *COLUMNS):
        table.add_column(name, justify="right")
    for row in score_rows(scores):
        table.add_row(*row)
    console.print(table)
    console.print(escape(_false_alarms_line(scores)))
    console.print(escape(_floors_line(scores, check_floors)))
    console.print()
    for line in _listing_lines(scores):
        console.print(escape(line), soft_wrap=True)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the labelled corpus (default tests/corpus)")
    parser.add_argument("--section", action="append", metavar="N", choices=SECTIONS,
                        help="only the letters of this variant section (1–12, S0–S4); repeatable")
    parser.add_argument("--json", action="store_true", help="the scores and disagreements as JSON")
    parser.add_argument("--floors", action="store_true",
                        help="exit 1 when a score is below its floor (" +
                             ", ".join(f"{k} {v}" for k, v in FLOORS.items()) + ")")
    args = parser.parse_args(argv)
    try:
        scores = score_corpus(args.corpus, args.section)
    except CorpusError as exc:
        print("the corpus cannot be scored:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    try:
        if args.json:
            json.dump(scores.as_dict(), sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            print_report(scores, args.floors)
        sys.stdout.flush()
    except BrokenPipeError:  # piped into head: the reader has what it wanted
        sys.stdout = None
    return 1 if args.floors and not scores.floors_met() else 0


if __name__ == "__main__":
    sys.exit(main())
