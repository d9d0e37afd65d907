"""The ``replylint`` command. Thin: parse arguments, call the API, pick a reporter, choose the exit code.

Exit codes: 0 nothing at or above the fail level; 1 findings at or above it; 2 usage, configuration or
read error (a file that could not be read counts: its letter was not checked).
"""

from __future__ import annotations

import json
import sys

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import __version__
from .api import check_file, check_paths
from .model import FIELD_NAMES, Report, Severity
from .reporters import render_concise, render_full, render_json
from .reporters.json_format import SCHEMA_VERSION, file_to_dict
from .reporters.text import KIND_LABELS
from .structure import FIELD_TO_ELEMENT

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _stdout_console() -> Console:
    # Letters contain [ ] and other rich markup characters: every print passes Text, never markup.
    return Console(highlight=False, soft_wrap=True)


def exit_code(report: Report, fail_on: Severity) -> int:
    if any(f.error for f in report.files):
        return EXIT_ERROR
    for f in report.files:
        if any(d.severity.rank >= fail_on.rank for d in f.diagnostics):
            return EXIT_FINDINGS
    return EXIT_CLEAN


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="replylint")
def main() -> None:
    """replylint：建议/提案答复函合规检查工具。

    \b
    replylint check examples/          检查文件或目录
    replylint parse letter.txt         查看答复函被识别出的各个要素
    """


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(["full", "concise", "json"]), default="full",
              show_default=True, help="输出格式：full 带原文和标记，concise 每条一行，json 供程序读取。")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default="warning", show_default=True,
              help="达到这一级别的问题使退出码为 1。")
@click.option("--exit-zero", is_flag=True, help="有问题也以 0 退出（无法读取的文件仍为 2）。")
def check(paths: tuple[str, ...], output_format: str, fail_on: str, exit_zero: bool) -> None:
    """检查答复函（.txt/.md 文件或目录，- 表示标准输入）。"""
    report = check_paths(paths)
    if output_format == "json":
        sys.stdout.write(render_json(report))
    elif output_format == "concise":
        render_concise(report, _stdout_console())
    else:
        render_full(report, _stdout_console())
    code = exit_code(report, Severity(fail_on))
    if exit_zero and code == EXIT_FINDINGS:
        code = EXIT_CLEAN
    sys.exit(code)


@main.command()
@click.argument("file")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)
def parse(file: str, output_format: str) -> None:
    """显示从一封答复函中识别出的要素及其所在行。"""
    result = check_file(file)
    if output_format == "json":
        data = {"version": SCHEMA_VERSION, "tool": {"name": "replylint", "version": __version__}}
        data.update(file_to_dict(result))
        del data["diagnostics"]
        data["layout"] = (
            [{"element": e.element, "line": e.line, "zone": e.zone} for e in result.letter.layout]
            if result.letter else []
        )
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        sys.exit(EXIT_ERROR if result.error else EXIT_CLEAN)
    console = _stdout_console()
    if result.error:
        console.print(Text(f"{result.path}: 无法读取：{result.error}", style="bold red"))
        sys.exit(EXIT_ERROR)
    letter = result.letter
    table = Table(title=Text(f"{result.path}（{KIND_LABELS[letter.kind.value]}）"), show_lines=False)
    table.add_column("要素")
    table.add_column("字段", style="dim")
    table.add_column("行:列", justify="right")
    table.add_column("识别结果")
    for name in FIELD_NAMES:
        if name == "headings":
            continue
        element = getattr(letter, name)
        label = FIELD_TO_ELEMENT.get(name, {"contact_person": "联系人", "contact_phone": "联系电话"}.get(name, name))
        if element is None:
            table.add_row(label, name, "", Text("未找到", style="red"))
            continue
        value = "、".join(element.value) if isinstance(element.value, list) else element.value
        table.add_row(label, name, f"{element.span.line}:{element.span.column}", Text(value))
    for heading in letter.headings:
        table.add_row(f"  {heading.level} 级标题", "headings", f"{heading.span.line}:{heading.span.column}",
                      Text(heading.marker + heading.text[:30]))
    console.print(table)
    signals = "，".join(f"{s.element}“{s.text}”→{KIND_LABELS[s.kind.value]}" for s in letter.kind_signals)
    console.print(Text(f"类型判断依据：{signals or '无'}"))
    sys.exit(EXIT_CLEAN)


if __name__ == "__main__":  # pragma: no cover
    main()
