"""Human-readable formats: ``full`` (grouped by file, the source line and a caret under the finding) and
``concise`` (one line per finding, for editors and grep). Both end with a summary line.

For a Word document, PDF or OFD the line numbers count the lines the reader made (one per paragraph); each
finding then also names the paragraph (第 12 段“关于……”) or the page, right after the line number.

Both stay linear in the number of findings: each source line is prepared once however many findings it
has, a line longer than any paragraph (``WHOLE_LINE_LIMIT``) is shown as an excerpt around the finding
rather than in full under every one of its findings, and when the output is not a terminal (a pipe, a
file) the lines are written as plain text in large pieces instead of one rich ``print`` each (tens of
microseconds a line: most of the time of a report with 200,000 findings). The characters are the same
rich would write (tests/test_linear_time.py compares them).
"""

from __future__ import annotations

import re
import unicodedata
from itertools import accumulate

from rich.console import Console
from rich.control import strip_control_codes
from rich.text import Text

from ..formats import SEVERITY_LABELS
from ..model import FileResult, Report, Severity
from .titles import title_of

KIND_LABELS = {"npc-suggestion": "人大代表建议答复", "cppcc-proposal": "政协委员提案答复", "unknown": "类型未识别"}
_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}

WHOLE_LINE_LIMIT = 1000  # characters: a longer source line (no paragraph is that long) is shown as an excerpt
EXCERPT_CONTEXT = 40  # characters of an excerpt on either side of the finding
EXCERPT_SPAN = 200  # characters of the finding itself an excerpt shows at most
_ELLIPSIS = "…"  # one cell
_RICH_DROPS = re.compile("[\a\b\v\f\r]")  # the control codes rich's Text removes (rich.control)


class _Cells(dict):
    """Terminal cells of each character, looked up once per distinct character."""

    def __missing__(self, ch: str) -> int:
        cells = self[ch] = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        return cells


_CELLS = _Cells()


def display_width(text: str) -> int:
    """Terminal cells: CJK and full-width characters take two, so the caret lines up under them."""
    text = text.expandtabs(4)
    return len(text) if text.isascii() else sum(map(_CELLS.__getitem__, text))


def _cell_offsets(text: str) -> list[int]:
    """offsets[i] = display_width(text[:i]), for a text without tabs."""
    return [0, *accumulate(map(_CELLS.__getitem__, text))]


class _ShownLines:
    """The source lines of one file as the ``full`` format shows them, each prepared once."""

    def __init__(self, result: FileResult):
        self.result = result
        self.cache: dict[int, tuple[str, list[int] | None] | None] = {}

    def line(self, number: int) -> tuple[str, list[int] | None] | None:
        """(the line as stored without its line break, its cell offsets when it has no tab) or None."""
        if number not in self.cache:
            source = self.result.line_text(number)
            if source is not None:
                source = source.rstrip("\r\n")
                source = (source, None if "\t" in source else _cell_offsets(source))
            self.cache[number] = source
        return self.cache[number]


def _caret_lines(lines: _ShownLines, diagnostic) -> list[tuple]:
    """The source line and the caret line under the finding, each as the parts of a ``Text.assemble``."""
    span = diagnostic.span
    shown_line = lines.line(span.line)
    if shown_line is None:
        return []
    source, cells = shown_line
    number = str(span.line)
    gutter = " " * (len(number) + 1)
    start = max(0, span.column - 1)
    end = span.end_column - 1 if span.end_line == span.line else len(source)
    end = max(start + 1, min(end, len(source)))
    if len(source) > WHOLE_LINE_LIMIT:  # an excerpt: … 40 characters, the finding, 40 characters …
        start = min(start, len(source) - 1)
        end = min(end, start + EXCERPT_SPAN)
        first, last = max(0, start - EXCERPT_CONTEXT), min(len(source), end + EXCERPT_CONTEXT)
        before = (_ELLIPSIS if first else "") + source[first:start]
        shown = (before + source[start:last] + (_ELLIPSIS if last < len(source) else "")).expandtabs(4)
        if cells is not None:
            pad = (1 if first else 0) + cells[start] - cells[first]
            width = max(1, cells[end] - cells[start])
        else:
            pad = display_width(before)
            width = max(1, display_width(source[start:end]))
    elif cells is not None:
        shown = source
        pad = cells[min(start, len(source))]
        width = max(1, cells[end] - cells[start]) if start < len(source) else 1
    else:
        shown = source.expandtabs(4)
        pad = display_width(source[:start])
        width = max(1, display_width(source[start:end]))
    return [
        ((f"    {number} │ ", "dim"), shown),
        ((f"    {gutter}│ ", "dim"), " " * pad, ("^" * width, _STYLES[diagnostic.severity])),
    ]


def summary_text(report: Report) -> Text:
    """The last line: files, errors and warnings (the problems), then the 提示 apart — they are notes, not
    problems, and do not count (nor make the exit code 1 unless fail-on is info)."""
    s = report.summary
    checked = s.files - s.unreadable
    text = (f"检查了 {checked} 个文件（{s.with_problems} 个有问题，{checked - s.with_problems} 个没有问题）："
            f"{s.error} 个错误，{s.warning} 个警告")
    notes = []
    if s.counted_info:  # fail-on = "info": these 提示 are problems and make the exit code 1
        text += f"，{s.counted_info} 个提示（fail-on 为 info，计入问题）"
    if s.info - s.counted_info:
        notes.append(f"{s.info - s.counted_info} 个提示（供参考，不计入问题）")
    if s.hidden_info:
        notes.append(f"{s.hidden_info} 个提示未显示（加 --show-info 查看）")
    if notes:
        text += "；另有 " + "，".join(notes)
    if s.unreadable:
        text += f"；{s.unreadable} 个文件无法读取"
    if s.suppressed:
        text += f"；另有 {s.suppressed} 条已知问题按基线略去"
    if report.fixed:
        text += f"；已自动修正 {report.fixed} 个问题"
    if report.fixable:
        text += f"；其中 {report.fixable} 个可自动修正，加 --fix"
    style = "bold red" if s.error or s.unreadable else "yellow" if s.warning else "green"
    return Text(text, style=style)


class _Output:
    """Lines for a console, each given as the parts ``Text.assemble`` takes (strings and (string, style)).
    On a terminal, or a console that records, captures or wraps, each line is a rich ``print``; otherwise
    the plain characters rich would write are written in large pieces."""

    BATCH = 2000  # lines per write

    def __init__(self, console: Console):
        self.console = console
        self.plain = (not console.is_terminal and console.color_system is None and console.soft_wrap
                      and not console.record and not console.quiet and not console.is_jupyter
                      and not console.legacy_windows and getattr(console, "_buffer_index", 0) == 0)
        self.pending: list[str] = []

    def line(self, *parts) -> None:
        """One line from the parts of a ``Text.assemble``; no parts, an empty line."""
        if not self.plain:
            if parts:
                self.console.print(Text.assemble(*parts))
            else:
                self.console.print()
            return
        self._add("".join([part if part.__class__ is str else part[0] for part in parts]))

    def text(self, text: Text | str, style: str | None = None) -> None:
        """One line from a ``Text`` (or a string and its style)."""
        if not self.plain:
            self.console.print(text if isinstance(text, Text) else Text(text, style=style or ""))
            return
        self._add(text.plain if isinstance(text, Text) else text)

    def _add(self, line: str) -> None:
        self.pending.append(line)
        if len(self.pending) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        written = "\n".join(self.pending) + "\n"
        self.pending.clear()
        # what rich does to plain text on its way out: control codes (BEL, BS, VT, FF, CR) dropped, and tabs
        # expanded line by line to the console's tab stops, counted in cells
        if _RICH_DROPS.search(written):
            written = strip_control_codes(written)
        if "\t" in written:
            expanded = Text(written)
            expanded.expand_tabs(self.console.tab_size or 8)
            written = expanded.plain
        self.console.file.write(written)
        self.console.file.flush()


def _full_finding(out: "_Output", lines: _ShownLines, d) -> None:
    title = title_of(d.code)
    out.line(
        f"  {d.span.line}:{d.span.column}  ",
        (f"{d.location}  " if d.location else "", "cyan"),
        (f"{SEVERITY_LABELS[d.severity]} ", _STYLES[d.severity]),
        (f"{d.code} {title}" if title else d.code, "bold"),
        (f"（{d.rule}）", "dim"),
    )
    out.text("    " + d.message)
    for parts in _caret_lines(lines, d):
        out.line(*parts)
    if d.fix is not None:
        out.text(f"    建议改为：{d.fix.replacement}", "green")


def render_full(report: Report, console: Console) -> None:
    out = _Output(console)
    for result in report.files:
        header = Text(result.path, style="bold underline")
        if result.error:
            out.text(header)
            out.line(("  无法检查：", "bold red"), result.error)
            out.line()
            continue
        if not result.diagnostics:
            continue
        header.append(f"  （{KIND_LABELS[result.kind.value]}）", style="dim")
        out.text(header)
        lines = _ShownLines(result)
        problems = [d for d in result.diagnostics if d.severity is not Severity.INFO]
        notes = [d for d in result.diagnostics if d.severity is Severity.INFO]
        for d in problems:
            _full_finding(out, lines, d)
        if notes:  # 提示 are listed apart, after the problems: they are notes for the drafter, not defects
            out.line(("  提示（供参考，不计入问题）：", "cyan"))
            for d in notes:
                _full_finding(out, lines, d)
        out.line()
    out.text(summary_text(report))
    out.flush()


def _title_and(code: str, name: str) -> str:
    title = title_of(code)
    return f"{title} {name}" if title else name


def render_concise(report: Report, console: Console) -> None:
    out = _Output(console)
    for result in report.files:
        if result.error:
            out.text(f"{result.path}: 无法检查：{result.error}")
            continue
        for d in result.diagnostics:
            out.line(
                f"{result.path}:{d.span.line}:{d.span.column}: ",
                # after “path:line:column:”, which editors parse: where that line is in the Word document or PDF
                f"{d.location}: " if d.location else "",
                (d.code, "bold"), " ", (f"[{d.severity.value}]", _STYLES[d.severity]),
                f" {_title_and(d.code, d.rule)}: {d.message}",
            )
    out.text(summary_text(report))
    out.flush()
