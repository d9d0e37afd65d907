"""One letter through every stage: read (``sources``) → normalize and parse (``parser``) → rules (``engine``)
→ filters (``config``: enabled rules, per-file ignores, severities) → a ``FileResult``.

Below ``batch`` (whose workers call ``check_file``) and ``api`` (which also offers batches), so that the
data flow is the import order. A letter too large for the parser is that file's error, never an exception.
"""

from __future__ import annotations

from pathlib import Path

from .config import Configurator, Effective, Overrides
from .engine import Context, load_rules, run_rules
from .model import FileResult
from .parser import LetterTooLarge, parse_lines
from .parser.structure import structural_diagnostics
from .sources import Source, SourceError, read_source
from .sources.text import split_lines

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
                      options={"assigned_date": effective.settings.assigned_date, "words": effective.words})
    parser_findings = structural_diagnostics(result)
    for d in parser_findings:  # the parser words its own messages; the rule file sets their severity
        compiled = rules.by_name.get(d.rule)
        if compiled is not None:
            d.severity = compiled.severity
    found = parser_findings
    if letter.role is not None:  # a text that is no reply letter gets not-a-reply-letter alone
        found = found + run_rules(effective.rules_for(letter.kind, letter.role), letter, context)
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
        path=source.path, kind=letter.kind, role=letter.role, error=None, letter=letter, diagnostics=diagnostics,
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
