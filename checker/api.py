"""The pipeline end to end: read → normalize → parse → diagnostics, for one text, one file or a tree.

Errors are values: a file that cannot be read becomes a ``FileResult`` with ``error`` set, and a batch
always finishes the other files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from .batch import Selection, discover, run_batch
from .config import Configurator, Effective, Overrides
from .engine import Context, load_rules, run_rules
from .gcpause import batch_gc
from .model import FileResult, Report
from .parse import LetterTooLarge, parse_lines
from .sources import Source, SourceError, read_source
from .sources.text import split_lines
from .structure import structural_diagnostics

_DEFAULT: list[Configurator] = []


def default_configurator() -> Configurator:
    """Settings found from config files near each checked file, no command-line overrides."""
    if not _DEFAULT:
        _DEFAULT.append(Configurator(Overrides()))
    return _DEFAULT[0]


def check_source(source: Source, effective: Effective | None = None) -> FileResult:
    effective = effective or default_configurator().for_path(source.path)
    rules = load_rules()
    try:
        result = parse_lines(source.lines, effective.profile)
    except LetterTooLarge as exc:  # a per-file error, as for a file that cannot be read
        return FileResult(path=source.path, error=str(exc))
    letter = result.letter
    context = Context(profile=effective.profile, last_line=len(source.lines),
                      options={"assigned_date": effective.settings.assigned_date})
    parser_findings = structural_diagnostics(result)
    for d in parser_findings:  # the parser words its own messages; the rule file sets their severity
        compiled = rules.by_name.get(d.rule)
        if compiled is not None:
            d.severity = compiled.severity
    found = parser_findings + run_rules(effective.rules_for(letter.kind), letter, context)
    enabled = effective.enabled_names
    ignored = effective.ignored_for(source.path)
    severities = effective.severities
    diagnostics = []
    for d in found:
        if d.rule not in enabled or d.rule in ignored:
            continue
        if d.rule in severities:
            d.severity = severities[d.rule]
        diagnostics.append(d)
    diagnostics.sort(key=lambda d: d.sort_key())
    if source.locator is not None:  # .docx, .pdf, .ofd: name the paragraph or page (text files have none)
        describe = source.locator.describe
        for d in diagnostics:
            d.location = describe(d.span.line)
    return FileResult.trusted(
        path=source.path, kind=letter.kind, error=None, letter=letter, diagnostics=diagnostics,
        source_lines=source.lines,
    )


def check_text(text: str, path: str | None = None, configurator: Configurator | None = None) -> FileResult:
    """Check a letter given as text. ``path`` names it in the results (and finds its config file)."""
    source = Source(path=path or "<text>", lines=split_lines(text), encoding="utf-8")
    return check_source(source, (configurator or default_configurator()).for_path(source.path))


def check_file(path: str | Path, configurator: Configurator | None = None, data: bytes | None = None) -> FileResult:
    """Check the file at ``path``; with ``data``, check those bytes as that file's (they are not read again)."""
    try:
        source = read_source(path, data)
    except SourceError as exc:
        return FileResult(path=str(path), error=str(exc))
    if not any(line.strip() for line in source.lines):
        return FileResult(path=source.path, error="文件为空（没有任何文字）", source_lines=source.lines)
    return check_source(source, (configurator or default_configurator()).for_path(source.path))


def check_texts(texts: Iterable[str], configurator: Configurator | None = None) -> list[FileResult]:
    """Check many letters given as text (results in the same order)."""
    effective = (configurator or default_configurator()).for_path("<text>")  # texts have no folder of their own
    results = []
    with batch_gc():
        for i, text in enumerate(texts, 1):
            results.append(check_source(Source(path=f"<text {i}>", lines=split_lines(text), encoding="utf-8"), effective))
    return results


def check_paths(paths: Iterable[str | Path], configurator: Configurator | None = None, *, jobs: int = 1,
                selection: Selection = Selection(), progress=None) -> Report:
    """Check files and folders (recursively). With ``jobs`` > 1 the letters are checked in that many
    processes and each result carries its JSON ``fields`` instead of the whole ``Letter``."""
    items = list(discover(paths, selection))
    return Report(files=run_batch(items, configurator or default_configurator(), jobs=jobs, progress=progress))


def check_path(path: str | Path, configurator: Configurator | None = None) -> Report:
    """Check a file or a directory tree; the same data as ``replylint check --format json``."""
    return check_paths([path], configurator)
