"""Human-readable formats: ``full`` (grouped by file, the source line and a caret under the finding) and
``concise`` (one line per finding, for editors and grep). Both end with a summary line.

For a Word document, PDF or OFD the line numbers count the lines the reader made (one per paragraph); each
finding then also names the paragraph (第 12 段“关于……”) or the page, right after the line number."""

from __future__ import annotations

import unicodedata

from rich.console import Console
from rich.text import Text

from ..formats import SEVERITY_LABELS
from ..model import FileResult, Report, Severity

KIND_LABELS = {"npc-suggestion": "人大代表建议答复", "cppcc-proposal": "政协委员提案答复", "unknown": "类型未识别"}
_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def display_width(text: str) -> int:
    """Terminal cells: CJK and full-width characters take two, so the caret lines up under them."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text.expandtabs(4))


def _caret_lines(result: FileResult, diagnostic) -> list[Text]:
    span = diagnostic.span
    source = result.line_text(span.line)
    if source is None:
        return []
    source = source.rstrip("\r\n")
    number = str(span.line)
    gutter = " " * (len(number) + 1)
    start = max(0, span.column - 1)
    end = span.end_column - 1 if span.end_line == span.line else len(source)
    end = max(start + 1, min(end, len(source)))
    pad = display_width(source[:start])
    width = max(1, display_width(source[start:end]))
    shown = source.expandtabs(4)
    return [
        Text.assemble((f"    {number} │ ", "dim"), shown),
        Text.assemble((f"    {gutter}│ ", "dim"), " " * pad, ("^" * width, _STYLES[diagnostic.severity])),
    ]


def summary_text(report: Report) -> Text:
    s = report.summary
    checked = s.files - s.unreadable
    text = (f"检查了 {checked} 个文件（{s.with_findings} 个有问题，{checked - s.with_findings} 个没有问题）："
            f"{s.error} 个错误，{s.warning} 个警告，{s.info} 个提示")
    if s.unreadable:
        text += f"；{s.unreadable} 个文件无法读取"
    if s.suppressed:
        text += f"；另有 {s.suppressed} 条已知问题按基线略去"
    style = "bold red" if s.error or s.unreadable else "yellow" if s.warning else "green"
    return Text(text, style=style)


def render_full(report: Report, console: Console) -> None:
    for result in report.files:
        header = Text(result.path, style="bold underline")
        if result.error:
            console.print(header)
            console.print(Text.assemble(("  无法检查：", "bold red"), result.error))
            console.print()
            continue
        if not result.diagnostics:
            continue
        header.append(f"  （{KIND_LABELS[result.kind.value]}）", style="dim")
        console.print(header)
        for d in result.diagnostics:
            console.print(Text.assemble(
                f"  {d.span.line}:{d.span.column}  ",
                (f"{d.location}  " if d.location else "", "cyan"),
                (f"{SEVERITY_LABELS[d.severity]} ", _STYLES[d.severity]),
                (f"{d.code} {d.rule}", "bold"),
            ))
            console.print(Text("    " + d.message))
            for line in _caret_lines(result, d):
                console.print(line)
            if d.fix is not None:
                console.print(Text(f"    建议改为：{d.fix.replacement}", style="green"))
        console.print()
    console.print(summary_text(report))


def render_concise(report: Report, console: Console) -> None:
    for result in report.files:
        if result.error:
            console.print(Text(f"{result.path}: 无法检查：{result.error}"))
            continue
        for d in result.diagnostics:
            console.print(Text.assemble(
                f"{result.path}:{d.span.line}:{d.span.column}: ",
                # after “path:line:column:”, which editors parse: where that line is in the Word document or PDF
                f"{d.location}: " if d.location else "",
                (d.code, "bold"), " ", (f"[{d.severity.value}]", _STYLES[d.severity]), f" {d.rule}: {d.message}",
            ))
    console.print(summary_text(report))
