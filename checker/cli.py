"""The ``replylint`` command. Thin: parse arguments, call the API, pick a reporter, choose the exit code.

Exit codes: 0 nothing at or above the fail level; 1 findings at or above it; 2 usage, configuration or
read error (a file that could not be read counts: its letter was not checked).
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__
from .formats import FORMATS
from .names import printable_path

# Everything else is imported inside the commands that use it: `replylint --version`, `--help` and an audit
# of an unchanged archive then start without loading the parser, the rule engine or the model.

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
# the formats a person reads (in a terminal, as annotations on a pull request, as a page): 提示 (info) are left
# out of them unless asked for; the machine formats (json, json-lines, sarif, junit) keep every finding
SHOWN_FORMATS = ("full", "concise", "github", "html")
MAX_JOBS = 256  # worker processes: each costs tens of MiB; -j 100000 must be refused, not attempted


def _stdout_console():
    from .reporters import terminal_console

    return terminal_console()


def exit_code(report, fail_on, configurator=None) -> int:
    """2 if a file could not be read; 1 if a finding reaches the fail level (the flag, else each file's
    configured ``fail-on``); else 0."""
    from .config import DEFAULT_FAIL_ON, reaches_fail_level
    from .model import Severity

    if any(f.error for f in report.files):
        return EXIT_ERROR
    for f in report.files:
        level = fail_on or (configurator.for_path(f.path).settings.fail_on if configurator else DEFAULT_FAIL_ON)
        if reaches_fail_level(level, f.count(Severity.ERROR), f.count(Severity.WARNING), f.count(Severity.INFO)):
            return EXIT_FINDINGS
    return EXIT_CLEAN


def _finish(code: int, exit_zero: bool) -> None:
    """Exit with ``code``; --exit-zero turns "findings" into success (never a read or usage error)."""
    sys.exit(EXIT_CLEAN if exit_zero and code == EXIT_FINDINGS else code)


def _fail(message: str) -> None:
    click.echo(f"replylint: {message}", err=True)
    sys.exit(EXIT_ERROR)


@contextmanager
def _terminate_as_exit():
    """While files are written: SIGTERM (a closed terminal, a killed job) ends the run as Ctrl-C would, so
    that an atomic write removes its temporary copy instead of leaving it beside the letter."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _selectors(values: tuple[str, ...]) -> tuple[str, ...]:
    """--select A,B --select C → (A, B, C)."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="replylint")
def main() -> None:
    """replylint：建议/提案答复函合规检查工具。

    \b
    replylint check examples/          检查文件或目录
    replylint parse letter.txt         查看答复函被识别出的各个要素
    """


# The options `check` and `audit` share: which rules, which settings, which files, how many processes.
_RUN_OPTIONS = [
    click.option("--select", multiple=True, help="只启用这些规则（代码、代码前缀如 RL1、规则名，逗号分隔；ALL 为全部）。"),
    click.option("--extend-select", multiple=True, help="在配置之外再启用这些规则。"),
    click.option("--ignore", multiple=True, help="停用这些规则（代码、前缀或规则名）。"),
    click.option("--profile", help="地区档案：three-grade（默认，A–C 三类；旧名 national 仍可用）、four-grade（A–D 四类），或档案文件路径。"),
    click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
                 help="达到这一级别的发现使退出码为 1（默认取配置，未配置为 warning；为 info 时提示也计入并显示）。"),
    click.option("--assigned-date", help="交办日期 YYYY-MM-DD，用于检查答复期限（reply-deadline）。"),
    click.option("--config", "config_file", type=click.Path(), help="使用这个配置文件，不再向上查找。"),
    click.option("--isolated", is_flag=True, help="忽略所有配置文件。"),
    click.option("--exit-zero", is_flag=True, help="有问题也以 0 退出（无法读取的文件仍为 2）。"),
    click.option("-j", "--jobs", type=click.IntRange(min=0, max=MAX_JOBS), default=0,
                 help="并行检查的进程数（默认 0 = 全部 CPU 核心；1 = 不并行）。"),
    click.option("--include", multiple=True, help="目录中只检查匹配这些通配符的文件（默认按扩展名）。"),
    click.option("--exclude", multiple=True, help="跳过匹配这些通配符的文件或目录。"),
]


def run_options(command):
    """Add the shared options to a command (in the order listed, in its --help)."""
    for option in reversed(_RUN_OPTIONS):
        command = option(command)
    return command


def _overrides(select, extend_select, ignore, profile, fail_on, assigned_date, config_file, isolated, show_info=None):
    from .config import Overrides

    return Overrides(
        profile=profile, select=_selectors(select) or None, extend_select=_selectors(extend_select),
        ignore=_selectors(ignore), fail_on=fail_on, assigned_date=assigned_date, config_file=config_file,
        isolated=isolated, show_info=show_info,
    )


def _check_output(what: str, target: str, protect) -> None:
    """Refuse, before anything is checked, an output that would replace an input, a device or a folder."""
    from .outfile import output_target

    try:
        output_target(target, protect)
    except OSError as exc:
        _fail(f"无法写入{what} {printable_path(target)}：{exc.strerror or exc}（没有写入任何内容）")


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="full", show_default=True,
              help="输出格式：full 带原文和标记，concise 每条一行；html 为可打印的网页报告（原文逐行、问题就地标出、旁注说明和依据，"
                   "用 -o 写成文件）；json、json-lines、sarif、github、junit 供程序和 CI 读取。")
# -o and the baseline options take any path: outfile and the baseline reader word folders, devices and
# missing files in Chinese (click's own checks would answer in English)
@click.option("-o", "--output-file", type=click.Path(), help="把结果写入这个文件（而不是屏幕），退出码不变。")
@run_options
@click.option("--show-info", is_flag=True, default=None,
              help="同时显示“提示”级别的发现（默认不显示：提示供参考，不计入问题；json、sarif、junit 总是包含）。")
@click.option("--show-config", is_flag=True, help="显示生效的配置后退出。")
@click.option("--baseline", "baseline_file", type=click.Path(),
              help="只报告这个基线文件里没有的新问题（基线由 --write-baseline 生成）。")
@click.option("--write-baseline", "write_baseline_file", type=click.Path(),
              help="把这次发现的全部问题记入基线文件后退出（以后用 --baseline 只看新问题）。")
@click.option("--fix", "apply_fixes", is_flag=True,
              help="就地修正 .txt、.md 文件中可安全自动修正的问题（其他格式的文件照常检查、不修改），再报告剩下的问题。")
@click.option("--diff", "show_diff", is_flag=True,
              help="只显示 --fix 会做的修改（unified diff），不修改任何文件。")
@click.option("--unsafe-fixes", is_flag=True,
              help="连同需要人工确认的修正（如汉字数字日期改为阿拉伯数字）一起做，与 --fix 或 --diff 一起用。")
def check(paths, output_format, output_file, select, extend_select, ignore, profile, fail_on, assigned_date, config_file,
          isolated, show_info, show_config, exit_zero, jobs, include, exclude, baseline_file, write_baseline_file,
          apply_fixes, show_diff, unsafe_fixes) -> None:
    """检查答复函：.docx、.pdf、.ofd、.txt、.md 文件或目录（- 表示标准输入）。

    “提示”级别的发现供参考，不计入问题，默认不显示（--show-info 或配置 show-info = true 显示）。"""
    from .baseline import BaselineError
    from .batch import Selection, default_jobs, discover, run_batch
    from .config import ConfigError, Configurator
    from .engine import RuleFileError
    from .model import Report
    from .outfile import file_identities
    from .reporters import OutputContext, write_report

    overrides = _overrides(select, extend_select, ignore, profile, fail_on, assigned_date, config_file, isolated,
                           show_info or None)
    baseline = None
    try:
        configurator = Configurator(overrides)
        if show_config:
            _show_config(configurator, paths[0] if paths else ".")
            sys.exit(EXIT_CLEAN)
        if not paths:
            raise click.UsageError("请给出要检查的文件或目录（- 表示标准输入）")
        selection = Selection(include=_selectors(include), exclude=_selectors(exclude))
        items = list(discover(paths, selection))
        # every folder's config file is read and resolved here, once, before any letter is checked or any
        # worker starts: a broken one deep in an archive stops the run with its message
        configurator.prepare([path for path, _ in items] or paths[:1])
        if baseline_file:
            from .baseline import Baseline

            baseline = Baseline.load(baseline_file)  # a broken baseline fails before the batch, not after it
        # what the run reads must never be replaced by what it writes (check letter.txt -o letter.txt)
        # (a baseline may be written over the one it replaces: that one was read in full above)
        inputs = protect = frozenset()  # nothing is written to a file without -o or --write-baseline
        if output_file or write_baseline_file:
            inputs = file_identities([*(path for path, _ in items), *paths, *configurator.sources(),
                                      *([config_file] if config_file else [])])
            protect = inputs | file_identities([baseline_file] if baseline_file else [])
        for what, target, protected in (("输出文件", output_file, protect), ("基线文件", write_baseline_file, inputs)):
            if target:
                _check_output(what, target, protected)
        fixed = 0
        if apply_fixes or show_diff:
            if write_baseline_file:
                raise click.UsageError("--fix/--diff 不能与 --write-baseline 一起用")
            with _terminate_as_exit():
                fixed, changed = _fix_files(items, configurator, write=apply_fixes and not show_diff,
                                            unsafe=unsafe_fixes)
            if show_diff:
                sys.exit(EXIT_FINDINGS if changed else EXIT_CLEAN)
        elif unsafe_fixes:
            raise click.UsageError("--unsafe-fixes 要与 --fix 或 --diff 一起用")
        with _progress(len(items)) as advance:
            files = run_batch(items, configurator, jobs=jobs or default_jobs(), progress=advance)
        report = Report(files=files, fixed=fixed)
        if write_baseline_file:
            from .baseline import write_baseline

            try:
                recorded = write_baseline(report, write_baseline_file, inputs)
            except OSError as exc:
                _fail(f"无法写入基线文件 {printable_path(write_baseline_file)}：{exc.strerror or exc}")
            shown = printable_path(write_baseline_file)
            click.echo(f"已把 {recorded} 条问题记入基线 {shown}；以后加 --baseline {shown} 只报告新问题", err=True)
            sys.exit(EXIT_ERROR if report.summary.unreadable else EXIT_CLEAN)
        if baseline is not None:
            report, _ = baseline.apply(report)
    except (ConfigError, RuleFileError, BaselineError) as exc:
        _fail(str(exc))
    checked = report  # every finding: the exit code counts what fails, whether or not it is shown
    info_fails = frozenset(f.path for f in report.files if f.diagnostics and
                           (fail_on or configurator.for_path(f.path).settings.fail_on) == "info")
    if info_fails:  # the summary counts their 提示 as the problems they are for this run
        report = report.model_copy(update={"info_fails": info_fails})
    info_hidden = None
    if output_format in SHOWN_FORMATS:  # the formats people read show 提示 only when asked (or when they can fail)
        info_hidden = lambda path: not configurator.for_path(path).shows_info  # noqa: E731
        report = report.without_info(info_hidden)
    if not apply_fixes:  # counted among the findings shown, so that “其中 N 个可自动修正” is a part of the problems
        report = report.model_copy(update={"fixable": _fixable(report)})
    enabled = None
    if output_format == "sarif":  # SARIF marks the catalogue's rules that were off in this run
        settings = {id(e): e for e in map(configurator.for_path, {f.path for f in report.files})}.values()
        enabled = frozenset(r.rule.code for e in settings for r in e.enabled) or None
    try:
        context = OutputContext(enabled_rules=enabled, info_hidden=info_hidden,
                                fail_level=lambda path: fail_on or configurator.for_path(path).settings.fail_on)
        write_report(report, output_format, output_file, context, protect)
    except OSError as exc:
        where = f"输出文件 {printable_path(output_file)}" if output_file else "结果"
        _fail(f"无法写入{where}：{exc.strerror or exc}")
    _finish(exit_code(checked, fail_on, configurator), exit_zero)


def _fix_files(items, configurator, write: bool, unsafe: bool) -> tuple[int, int]:
    """Fix (``write``) or print the diff of the text files among ``items``; say plainly which files were left
    unchanged and why. Returns (findings fixed, files changed). Other files are checked as usual afterwards."""
    from .fix import TEXT_SUFFIXES, NotFixable, fix_file, unified_diff, write_back
    from .pipeline import check_source
    from .sources import Source
    from .sources.text import split_lines

    fixed = changed = 0
    others = []
    for item in items:
        path, problem = item[0], item[1]
        if problem is not None:
            continue  # reported by the check that follows
        if str(path) == "-" or not str(path).lower().endswith(TEXT_SUFFIXES):
            others.append(path)
            continue
        effective = configurator.for_path(str(path))
        def check(text, path=path, effective=effective):
            return check_source(Source(path=str(path), lines=split_lines(text), encoding="utf-8"), effective)

        result = fix_file(path, check, unsafe=unsafe)
        if result.error:
            click.echo(f"{printable_path(str(path))}：{result.error}", err=True)
            continue
        if not result.applied:
            continue
        if not write:
            click.echo(unified_diff(result), nl=False)
        else:
            try:
                write_back(result)
            except NotFixable as exc:
                click.echo(f"{printable_path(str(path))}：{exc}", err=True)
                continue
            except OSError as exc:
                click.echo(f"{printable_path(str(path))}：无法写回（{_write_problem(exc)}），文件未修改", err=True)
                continue
        fixed += len(result.applied)
        changed += 1
    if others:
        shown = "、".join(printable_path(str(p)) for p in others[:3]) + ("等" if len(others) > 3 else "")
        words = [ext for ext in (".docx", ".pdf", ".ofd") if any(str(p).lower().endswith(ext) for p in others)]
        where = []
        if ".docx" in words:
            where.append("Word 文件可用 replylint annotate 另存一份带批注和修订的副本")
        if ".pdf" in words or ".ofd" in words:
            where.append("PDF、OFD 可用 check 文件 --format html -o 报告.html 看标出问题的报告")
        hint = f"；{'，'.join(where)}" if where else ""
        click.echo(f"只有 .txt、.md 文本文件会就地修正；{shown} 共 {len(others)} 个文件未修改（照常检查）{hint}", err=True)
    if not write:
        click.echo(f"{changed} 个文件可修正 {fixed} 个问题（加 --fix 修正；以上修改未写入）", err=True)
    return fixed, changed


def _fixable(report) -> int:
    """The findings ``--fix`` would fix now: safe one-line fixes in text files (a re-check may find more)."""
    from .fix import TEXT_SUFFIXES

    return sum(1 for f in report.files if f.path.lower().endswith(TEXT_SUFFIXES) for d in f.diagnostics
               if d.fix is not None and d.fix.safe and d.location is None and d.fix.original is not None
               and d.fix.span.line == d.fix.span.end_line)


@contextmanager
def _progress(total: int):
    """A progress bar on stderr for long runs in a terminal; nothing otherwise (CI logs, pipes).

    The bar is redrawn from the calls that advance it, not by a thread of its own: worker processes are
    forked while it shows, and a fork copies a lock such a thread may hold (stderr's) as held forever."""
    if total < 200 or not sys.stderr.isatty():
        yield None
        return
    import time

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("检查中"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True, auto_refresh=False) as bar:
        task = bar.add_task("check", total=total)
        shown = [0.0]

        def advance(n: int) -> None:
            bar.advance(task, n)
            now = time.monotonic()
            if now - shown[0] >= 0.1:  # ten redraws a second at most: drawing costs more than a letter
                shown[0] = now
                bar.refresh()

        yield advance


def _show_config(configurator, path: str) -> None:
    probe = path if path == "-" or not os.path.isdir(path) else str(Path(path) / "letter.txt")
    effective = configurator.for_path(probe)
    settings = effective.settings
    data = {
        "config_file": printable_path(str(effective.source)) if effective.source else None,
        "profile": effective.profile.name,
        "grades": effective.profile.grades,
        "disclosures": effective.profile.disclosures,
        "select": settings.select,
        "extend-select": settings.extend_select,
        "ignore": settings.ignore,
        "fail-on": settings.fail_on,
        "show-info": settings.show_info,
        "assigned-date": settings.assigned_date,
        "severity": {name: level.value for name, level in effective.severities.items()},
        "per-file-ignores": settings.per_file_ignores,
        "words": settings.words.model_dump(by_alias=True),
        "enabled_rules": [f"{r.rule.code} {r.rule.name}" for r in effective.enabled],
    }
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@main.command()
@click.option("--format", "output_format", type=click.Choice(["table", "json", "markdown"]), default="table",
              show_default=True, help="table 终端表格；json 供程序读取；markdown 即 docs/rules.md。")
def rules(output_format: str) -> None:
    """列出全部规则：代码、标题、名称、级别、适用类型、检查方式。"""
    from .engine import RuleFileError
    from .reporters.rules import render_rules

    try:
        render_rules(output_format, _stdout_console())
    except RuleFileError as exc:
        _fail(str(exc))


@main.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """说明一条规则：为什么、依据的条款、正反示例（以答复函原文显示）。

    \b
    可给出代码、规则名、标题或关键词：
    replylint explain RL109
    replylint explain signer-missing
    replylint explain 缺少签发人
    replylint explain 签发人          列出标题、名称或提示中含“签发人”的规则
    """
    from .engine import RuleFileError
    from .reporters.rules import choices_text, close_rules, explain_text, find_rules, rule_label

    try:
        found = find_rules(rule)
        if len(found) == 1:
            _stdout_console().print(explain_text(found[0].rule.code))
            return
        if found:
            _stdout_console().print(choices_text(rule, found))
            return
        near = close_rules(rule)
    except RuleFileError as exc:
        _fail(str(exc))
    hint = f"；是不是要找：{'、'.join(map(rule_label, near))}" if near else ""
    _fail(f"没有代码、名称或标题为 “{rule}” 的规则，也没有规则的标题或提示提到它{hint}"
          f"（replylint rules 列出全部规则）")


@main.command()
@click.argument("file")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)
def parse(file: str, output_format: str) -> None:
    """显示从一封答复函中识别出的要素及其所在行。"""
    from rich.table import Table
    from rich.text import Text

    from . import batch
    from .pipeline import default_configurator
    from .model import FIELD_NAMES
    from .reporters.json_format import file_to_dict, header
    from .reporters.text import KIND_LABELS
    from .parser.structure import FIELD_TO_ELEMENT

    result = batch.check_one(file, default_configurator(), batch.DEFAULT_TIME_LIMIT)  # the limits of `check`
    if output_format == "json":
        data = header() | file_to_dict(result)
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


# ---- annotate: a reviewed copy of a Word letter, with 批注 and 修订 (issue 11) --------------------------------------

@main.command()
@click.argument("paths", nargs=-1)
@click.option("-o", "--output-file", type=click.Path(), help="批注版写到这个文件（只给一个文件时可用；默认为原文件旁的 原名.批注.docx）。")
@click.option("--track-changes", is_flag=True, help="同时把可安全自动修正的问题做成“修订”，可在 Word/WPS 中逐条接受或拒绝。")
@click.option("--apply-fixes", is_flag=True, help="直接改正可安全自动修正的问题（不留修订），其余问题加批注。")
@click.option("--unsafe-fixes", is_flag=True, help="连同需要人工确认的修正一起做（与 --track-changes 或 --apply-fixes 一起用）。")
@click.option("--force", is_flag=True, help="批注版文件已存在时替换它。")
@click.option("--show-info", is_flag=True, default=None, help="“提示”级别的发现也加批注（默认不加）。")
@run_options
def annotate(paths, output_file, track_changes, apply_fixes, unsafe_fixes, force, show_info, select, extend_select,
             ignore, profile, fail_on, assigned_date, config_file, isolated, exit_zero, jobs, include, exclude) -> None:
    """给 Word 答复函（.docx）加批注：另存一份 原名.批注.docx，原文件不改。

    每个发现一条批注（作者 replylint），批注在问题所在的文字上，写明问题、改法和规则。

    \b
    replylint annotate 答复函.docx
    replylint annotate 答复函.docx --track-changes     可自动修正的做成修订
    replylint annotate 答复函.docx --apply-fixes -o 改后.docx
    """
    from .annotate import MAX_COMMENTS, MAX_FIXES, AnnotateError, annotate_docx
    from .batch import Selection, discover
    from .config import ConfigError, Configurator
    from .engine import RuleFileError
    from .model import FileResult, Report

    if not paths:
        raise click.UsageError("请给出要加批注的 Word 文件（.docx）或目录")
    if track_changes and apply_fixes:
        raise click.UsageError("--track-changes 和 --apply-fixes 只能选一个")
    if unsafe_fixes and not (track_changes or apply_fixes):
        raise click.UsageError("--unsafe-fixes 要与 --track-changes 或 --apply-fixes 一起用")
    if "-" in paths:
        raise click.UsageError("annotate 不读标准输入：请给出 .docx 文件")
    mode = "track-changes" if track_changes else "apply-fixes" if apply_fixes else "comments"
    overrides = _overrides(select, extend_select, ignore, profile, fail_on, assigned_date, config_file, isolated,
                           show_info or None)
    # in a folder: the Word letters, not the copies annotate wrote before; other formats are named, not annotated
    selection = Selection(include=_selectors(include), exclude=_selectors(exclude) + ("*.批注.docx",))
    named = {str(p) for p in paths}
    items, others = [], 0
    for path, problem in discover(paths, selection):
        if path not in named and problem is None and Path(path).suffix.lower() != ".docx":
            others += 1
        else:
            items.append((path, problem))
    if others:
        click.echo(f"目录中另有 {others} 个非 Word 文件未加批注（文本文件可用 check --fix，PDF、OFD 可用 check --format html）",
                   err=True)
    if output_file and len(items) != 1:
        raise click.UsageError("-o 只能与一个文件一起用（多个文件各自写成 原名.批注.docx）")
    try:
        configurator = Configurator(overrides)
        configurator.prepare([path for path, _ in items] or list(paths[:1]))
    except (ConfigError, RuleFileError) as exc:
        _fail(str(exc))
    from .outfile import file_identities

    inputs = file_identities(path for path, _ in items)  # stat-ed once, not once per letter annotated
    results = []
    for path, problem in items:
        shown = printable_path(path)
        suffix = Path(path).suffix.lower()
        if problem is None and suffix in (".doc", ".wps"):
            from .sources.legacy import how_to_convert

            problem = f"annotate 只处理 .docx：{how_to_convert(suffix)}，再加批注"
        elif problem is None and suffix in (".docm", ".dotx", ".dotm", ".dot", ".rtf", ".odt", ".wpt"):
            problem = "annotate 只处理 .docx：请在 Word 或 WPS 中打开，“另存为”Word 文档（*.docx）后再加批注"
        elif problem is None and suffix != ".docx":
            problem = ("annotate 只处理 Word 文件（.docx）：文本文件请用 replylint check --fix 就地修正，PDF、OFD 请用 "
                       f"replylint check {shown} --format html -o 报告.html 看标出问题的报告")
        if problem is not None:
            click.echo(f"replylint: {shown}：{problem}", err=True)
            results.append(FileResult(path=path, error=problem))
            continue
        try:
            with _terminate_as_exit():
                done = annotate_docx(path, output_file, mode=mode, unsafe=unsafe_fixes, force=force,
                                     configurator=configurator, protect=inputs)
        except AnnotateError as exc:
            click.echo(f"replylint: {exc}", err=True)
            results.append(FileResult(path=path, error=str(exc)))
            continue
        except (ConfigError, RuleFileError) as exc:
            _fail(str(exc))
        results.append(done.result)
        changes = ""
        if mode == "track-changes":
            changes = f"，修订 {done.revisions} 处"
        elif mode == "apply-fixes":
            changes = f"，已自动修正 {len(done.applied)} 处"
        left = f"（{done.unplaced} 处修正无法在 Word 中自动完成，见批注）" if done.unplaced else ""
        if done.uncommented:
            left += f"（问题超过 {MAX_COMMENTS} 条，其余 {done.uncommented} 条未加批注，请用 check 查看全部）"
        if done.held:
            left += f"（修正超过 {MAX_FIXES} 处，其余 {done.held} 处未做；可对批注版再运行一次）"
        what = f"批注 {done.comments} 条" if done.comments or done.applied else "没有发现需要批注的问题"
        click.echo(f"已写出 {printable_path(done.output)}：{what}{changes}{left}", err=True)
    _finish(exit_code(Report(files=results), fail_on, configurator), exit_zero)


# ---- audit: reports for supervisors over an archive (issue 5) -----------------------------------------------------
# Everything it needs (sqlite3, openpyxl, the audit package) is imported inside the command, so that `check` and
# the other commands start as before.

@main.command()
@click.argument("paths", nargs=-1)
@click.option("--html", "html_file", type=click.Path(dir_okay=False), help="把审计报告写成这个 HTML 文件（单个文件，离线可看）。")
@click.option("--xlsx", "xlsx_file", type=click.Path(dir_okay=False), help="同时导出 Excel 工作簿（需要 openpyxl）。")
@click.option("--db", "db_file", type=click.Path(dir_okay=False),
              help="审计数据库（默认为第一个路径所在目录下的 .replylint-audit.sqlite）。")
@click.option("--since", help="只统计成文日期在这一天及以后的答复函（YYYY-MM-DD）。")
@run_options
def audit(paths, html_file, xlsx_file, db_file, since, select, extend_select, ignore, profile, fail_on, assigned_date,
          config_file, isolated, exit_zero, jobs, include, exclude) -> None:
    """审计答复函档案：只重新检查有变化的文件，生成 HTML 报告和 Excel 工作簿。

    \b
    replylint audit 档案/ --html 报告.html --xlsx 报告.xlsx
    replylint audit 档案/ --html 报告.html --since 2024-01-01
    """
    import importlib.util

    from .batch import Selection
    from .config import ConfigError
    from .errors import RuleFileError

    if not paths:
        raise click.UsageError("请给出要审计的目录或文件")
    if "-" in paths:
        raise click.UsageError("audit 不读标准输入：请给出目录或文件")
    if xlsx_file and importlib.util.find_spec("openpyxl") is None:
        _fail("导出 Excel 需要 openpyxl（pip install openpyxl）")
    import os

    from .audit import StoreError, build_report, default_db_path, parse_since, run_audit, write_html, write_xlsx
    from .audit.stats import percent
    from .names import printable_path

    if since is not None:
        try:
            since = parse_since(since)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--since") from None
    overrides = _overrides(select, extend_select, ignore, profile, fail_on, assigned_date, config_file, isolated)
    outputs = tuple(p for p in (html_file, xlsx_file) if p)
    written = [os.path.realpath(p) for p in (*outputs, db_file or default_db_path(paths))]
    if len(set(written)) < len(written):  # a report written over the database (or the other report)
        raise click.UsageError("--html、--xlsx 和审计数据库（--db）必须是不同的文件")
    try:
        result = run_audit(paths, overrides, selection=Selection(include=_selectors(include), exclude=_selectors(exclude)),
                           jobs=jobs, db_path=db_file, since=since, skip=outputs, with_findings=bool(xlsx_file),
                           progress=_progress)
    except (ConfigError, RuleFileError, StoreError) as exc:
        _fail(str(exc))
    report = build_report(result, since=since)
    for name, write in ((html_file, write_html), (xlsx_file, write_xlsx)):
        if name:
            try:
                write(report, name)
            except StoreError as exc:
                _fail(str(exc))
            except OSError as exc:
                _fail(f"无法写入 {printable_path(name)}：{_write_problem(exc)}")
    s = report.summary()
    rate = percent(s["rate"])
    click.echo(f"审计 {s['files']} 个文件：新检查 {result.rechecked} 个，沿用上次结果 {result.reused} 个（{result.seconds:.2f} 秒）")
    scope = f"（成文日期不早于 {since}；无日期 {s['undated']} 封另列）" if since else ""
    click.echo(f"已检查 {s['checked']} 封{scope}：合规 {s['compliant']} 封（{rate}），有错误或警告 {s['with_problems']} 封；"
               f"无法读取 {s['unreadable']} 个")
    written = "、".join(map(printable_path, outputs)) or "（未指定 --html/--xlsx，只更新了数据库）"
    click.echo(f"报告：{written}；审计数据库：{printable_path(str(result.db_path))}")
    _finish(report.exit_code(fail_on), exit_zero)


# ---- serve: the page for drafting staff and its HTTP API (issue 12) -----------------------------------------------
# The server (http.server, email, the worker pool) is imported inside the command only.

@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听的地址；默认只有本机可以打开。给局域网用（如 0.0.0.0）时必须同时设置 --token。")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="端口（0 = 任选一个空闲端口）。")
@click.option("--open", "open_browser", is_flag=True, help="启动后在浏览器中打开网页。")
@click.option("--token", help="访问口令（至少 8 个字母、数字或 ._~-）：请求须带上它，或先打开启动时显示的登录链接。")
@click.option("--workers", type=click.IntRange(1, 32), default=2, show_default=True, help="检查文件的进程数。")
@click.option("--max-upload", type=click.IntRange(1, 20), default=20, show_default=True, help="上传文件的大小上限（MB）。")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True,
              help="每个文件的处理时限（秒），超过时答复 504。")
@click.option("--log-names", is_flag=True, help="日志中也记下上传的文件名（默认不记，也从不记答复函的文字）。")
def serve(host, port, open_browser, token, workers, max_upload, time_limit, log_names) -> None:
    """启动本机网页：在浏览器中上传答复函，看问题标在原文中，下载带批注的 Word 文件或修正后的文本。

    \b
    replylint serve --open                          只在本机使用
    replylint serve --host 0.0.0.0 --token 口令      给科室同事在局域网中使用
    按 Ctrl-C 停止。
    """
    import signal

    from .engine import RuleFileError
    from .serve.server import MiB, TOKEN_PATTERN, Settings, is_loopback, make_server

    if token is not None and not TOKEN_PATTERN.fullmatch(token):
        _fail("--token 口令应为 8–128 个字母、数字或 . _ ~ - 字符（可用 python -c \"import secrets; "
              "print(secrets.token_urlsafe(16))\" 生成一个）")
    if not is_loopback(host) and not token:
        _fail(f"--host {host} 会让局域网里的其他电脑也能打开本服务：请同时用 --token 设置访问口令，"
              "只把登录链接发给要用的同事（例如 --token $(python -c \"import secrets; print(secrets.token_urlsafe(16))\")）")
    settings = Settings(host=host, port=port, token=token, workers=workers, max_upload=max_upload * MiB,
                        time_limit=time_limit, log_names=log_names)
    try:
        server = make_server(settings)
    except RuleFileError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"无法在 {host}:{port} 启动网页服务：{exc.strerror or exc}（端口可能已被占用，可用 --port 换一个）")

    def stop(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    url = server.url("127.0.0.1" if is_loopback(host) else None)
    if not is_loopback(host):
        click.echo(f"注意：本服务在 {host} 上监听，局域网中的电脑都能连上；只有带口令的请求会被处理。", err=True)
    click.echo(f"replylint 网页已启动：{url}  （按 Ctrl-C 停止）")
    if token:
        click.echo(f"登录链接（只发给要用的同事；打开一次后浏览器记住口令）：{url}?token={token}")
    sys.stdout.flush()
    if open_browser:
        import threading
        import webbrowser

        threading.Thread(target=webbrowser.open, args=(f"{url}?token={token}" if token else url,), daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the ending short
        try:
            server.close()
        finally:
            signal.signal(signal.SIGINT, interrupt)
            signal.signal(signal.SIGTERM, previous)
    click.echo("replylint 网页已停止", err=True)
    sys.exit(EXIT_CLEAN)


def _write_problem(exc: OSError) -> str:
    """Why an output could not be written, in words a person can act on."""
    import errno

    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "磁盘空间不足（或超出了允许的文件大小）"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "没有写入权限"
    if exc.errno == errno.EROFS:
        return "所在磁盘是只读的"
    return exc.strerror or str(exc)


if __name__ == "__main__":  # pragma: no cover
    main()
