"""The audit report as an Excel workbook (openpyxl), with the same numbers as the HTML page.

Sheets: 概览, 按规则, 按机关, 按年份, 按类型, 机关逐年 (compliance rate per organ per year), 文件 (one row per
file, unreadable ones included), 问题 (one row per finding, 提示 included), 历次审计. Rules are named by code and
Chinese title (RL109 缺少签发人) beside the rule name; 问题合计 counts errors and warnings, 提示 are a column apart. Header rows are frozen and filtered;
column widths follow the text (a CJK character counts twice). Text from letters is written as text, never
as a formula, and characters Excel cannot store are replaced.
"""

from __future__ import annotations

import errno
import gc
import io
import os
import re
import sys
import unicodedata
from pathlib import Path
from typing import Iterable, Optional

from ..outfile import write_atomically
from .stats import NO_YEAR, SEVERITY_LABELS, AuditReport, Group


class XlsxUnavailable(Exception):
    """openpyxl is not installed."""


def _openpyxl():
    try:
        import openpyxl
    except ImportError:
        raise XlsxUnavailable("导出 Excel 需要 openpyxl（pip install openpyxl）") from None
    return openpyxl


def _width(value) -> int:
    text = "" if value is None else str(value)
    if text.isascii() and "\n" not in text:
        return len(text)
    longest = max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                   for line in text.split("\n")), default=0)
    return longest


class _Sheet:
    MAX_WIDTH = 60
    SAMPLE = 500

    def __init__(self, workbook, title: str, header: list[str], illegal):
        self.ws = workbook.create_sheet(title)
        self.illegal = illegal
        self.widths = [_width(h) for h in header]
        self.ws.append(header)
        from openpyxl.styles import Font, PatternFill

        for cell in self.ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="F0F0F0")
        self.ws.freeze_panes = "A2"
        self.rows = 1

    def add(self, values: Iterable) -> None:
        row = [self.illegal.sub("\ufffd", v) if isinstance(v, str) else v for v in values]
        if self.rows <= self.SAMPLE:  # column widths from the first rows: enough to size them, cheap on big sheets
            for i, value in enumerate(row):
                width = min(_width(value), self.MAX_WIDTH)
                if i < len(self.widths):
                    self.widths[i] = max(self.widths[i], width)
                else:
                    self.widths.append(width)
        self.ws.append(row)
        self.rows += 1
        for i, value in enumerate(row, 1):
            if isinstance(value, str) and value.startswith("="):  # a letter's "=…" is text, not a formula
                self.ws.cell(row=self.rows, column=i).data_type = "s"

    def finish(self, filter_: bool = True) -> None:
        from openpyxl.utils import get_column_letter

        for i, width in enumerate(self.widths, 1):
            self.ws.column_dimensions[get_column_letter(i)].width = max(8, min(width + 2, self.MAX_WIDTH + 2))
        if filter_ and self.rows > 1:
            self.ws.auto_filter.ref = self.ws.dimensions


def _rate(value: Optional[float]):
    return None if value is None else round(value, 4)


def _group_rows(sheet: _Sheet, groups: list[Group]) -> None:
    for g in groups:
        sheet.add([g.label, g.letters, g.compliant, g.letters - g.compliant, _rate(g.rate), g.error, g.warning,
                   g.problems, g.info])
    _percent_column(sheet, 5)


def _percent_column(sheet: _Sheet, column: int) -> None:
    for row in sheet.ws.iter_rows(min_row=2, min_col=column, max_col=column):
        for cell in row:
            cell.number_format = "0.0%"


# 问题合计 = 错误 + 警告; 提示 are notes, counted apart in the last column
_GROUP_HEADER = ["答复函", "合规", "有错误或警告", "合规率", "错误", "警告", "问题合计（错误和警告）", "提示（不计入问题）"]


def build_workbook(report: AuditReport):
    openpyxl = _openpyxl()
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # what a workbook cannot hold: XML-illegal controls, and lone surrogates (no UTF-8 encoder takes them)
    unstorable = re.compile(f"{ILLEGAL_CHARACTERS_RE.pattern}|[\ud800-\udfff]")

    if any(l.findings is None and l.n_findings for l in (*report.letters, *report.undated)):
        raise ValueError("the workbook lists every finding: audit with run_audit(..., with_findings=True)")
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    s = report.summary()

    overview = _Sheet(wb, "概览", ["项目", "数值"], unstorable)
    rows = [
        ("审计范围", "、".join(report.paths)),
        ("生成时间", report.generated_at.replace("T", " ")),
        ("replylint 版本", report.tool_version),
        ("规则集版本", report.ruleset),
        ("成文日期不早于", report.since or "（全部）"),
        ("发现的文件", s["files"]),
        ("已检查的答复函", s["checked"]),
        ("合规（无错误和警告）", s["compliant"]),
        ("合规率", _rate(s["rate"])),
        ("有错误或警告", s["with_problems"]),
        ("有错误、警告或提示", s["with_findings"]),
        ("无法读取", s["unreadable"]),
        ("错误", s["error"]),
        ("警告", s["warning"]),
        ("提示（不计入问题）", s["info"]),
        ("本次新检查", report.rechecked),
        ("沿用上次结果", report.reused),
    ]
    if report.since:
        rows += [("早于该日期未计入", s["before_since"]), ("无成文日期未计入", s["undated"])]
    for row in rows:
        overview.add(row)
        if row[0] == "合规率":
            overview.ws.cell(row=overview.rows, column=2).number_format = "0.0%"
    overview.finish(filter_=False)

    by_rule = _Sheet(wb, "按规则", ["代码", "标题", "规则", "级别", "发现条数", "涉及答复函", "错误", "警告", "提示", "说明"],
                     unstorable)
    for g in report.by_rule:
        by_rule.add([g.key, g.title or None, g.label, SEVERITY_LABELS.get(g.severity, g.severity), g.findings,
                     g.letters_with, g.error, g.warning, g.info, g.description])
    by_rule.finish()

    for title, first, groups in (("按机关", "发文机关", report.by_organ), ("按年份", "年份", report.by_year),
                                 ("按类型", "类型", report.by_kind)):
        sheet = _Sheet(wb, title, [first, *_GROUP_HEADER], unstorable)
        _group_rows(sheet, groups)
        sheet.finish()

    matrix = _Sheet(wb, "机关逐年", ["发文机关", *[f"{y} 合规率" for y in report.years],
                                  *[f"{y} 封数" for y in report.years]], unstorable)
    for g in report.by_organ:
        cells = report.organ_year.get(g.key, {})
        matrix.add([g.label, *[_rate(cells[y].rate) if y in cells else None for y in report.years],
                    *[cells[y].letters if y in cells else None for y in report.years]])
    for i in range(len(report.years)):
        _percent_column(matrix, 2 + i)
    matrix.finish()

    files = _Sheet(wb, "文件", ["序号", "文件", "状态", "发文机关", "成文日期", "年份", "文号", "类型", "标题", "错误", "警告",
                               "提示", "合规", "无法读取的原因"], unstorable)
    groups = [("已统计", report.letters), ("无成文日期（未统计）", report.undated), ("无法读取", report.unreadable)]
    for status, letters in groups:
        for l in letters:
            readable = l.error is None
            files.add([l.index, l.path, status, l.organ_label if readable else None, l.date,
                       (l.year if l.year else NO_YEAR) if readable else None, l.doc_number,
                       l.kind_label if readable else None, l.title, l.n_error, l.n_warning, l.n_info,
                       ("是" if l.compliant else "否") if readable else None, l.error])
    files.finish()

    problems = _Sheet(wb, "问题", ["序号", "文件", "状态", "发文机关", "成文日期", "代码", "标题", "规则", "级别", "行", "列",
                                  "位置", "说明", "建议改为", "原文"], unstorable)
    titles = report.titles
    for status, letters in groups[:2]:
        for l in letters:
            for f in l.findings or ():
                problems.add([l.index, l.path, status, l.organ_label, l.date, f.code, titles.get(f.code), f.rule,
                              SEVERITY_LABELS.get(f.severity, f.severity), f.line, f.column, f.location, f.message, f.fix,
                              f.source])
    problems.finish()

    runs = _Sheet(wb, "历次审计", ["次", "时间", "文件", "检查", "合规", "合规率", "有问题", "无法读取", "错误", "警告", "提示",
                                "新检查", "沿用", "秒"], unstorable)
    for r in report.runs:
        runs.add([r["id"], r["started_at"].replace("T", " "), r["files"], r["checked"], r["compliant"],
                  _rate(r["compliant"] / r["checked"]) if r["checked"] else None, r["with_findings"], r["unreadable"],
                  r["n_error"], r["n_warning"], r["n_info"], r["rechecked"], r["reused"], r["seconds"]])
    _percent_column(runs, 6)
    runs.finish()
    return wb


def write_xlsx(report: AuditReport, path: str | Path) -> None:
    """Build the workbook in memory, then write it atomically (a temporary file in the same folder, then a
    rename). openpyxl writing to the file itself would, on a full disk, leave its zip half-closed for the
    garbage collector to fail on again ("Exception ignored"); a failed plain write is one clean OSError."""
    write_atomically(path, workbook_bytes(build_workbook(report)))


def workbook_bytes(workbook) -> bytes:
    """The saved workbook, or an ``OSError`` that says why not. openpyxl writes each sheet to a temporary file
    first; when that fails (a full disk) its half-written sheets fail again as they are collected, which
    Python would print as "Exception ignored": that second failure says nothing new and is not shown."""
    buffer = io.BytesIO()
    previous = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: None
    try:
        try:
            workbook.save(buffer)
            return buffer.getvalue()
        except Exception as exc:  # noqa: BLE001 - lxml reports a failed write as its own SerialisationError
            failure = _as_os_error(exc)
        gc.collect()  # the half-written sheets go now, while their errors are not shown
    finally:
        sys.unraisablehook = previous
    raise failure


def _as_os_error(exc: Exception) -> OSError:
    if isinstance(exc, OSError):
        return exc
    text = str(exc)  # lxml: "IO_ENOSPC", "IO_EFBIG" …
    for name in ("ENOSPC", "EDQUOT", "EFBIG", "EACCES", "EROFS"):
        if name in text and hasattr(errno, name):
            code = getattr(errno, name)
            return OSError(code, os.strerror(code))
    return OSError(f"生成 Excel 工作簿时出错（{type(exc).__name__}）")


__all__ = ["build_workbook", "write_xlsx", "XlsxUnavailable"]
