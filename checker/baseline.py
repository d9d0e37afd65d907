"""Baselines: adopt the checker on an old archive and see only what is new.

``--write-baseline FILE`` records today's findings; ``--baseline FILE`` then drops the findings it
records and reports the rest. A finding is known by its file, its rule and the *content* it is about (the
offending text, white space squeezed out), never by its line: inserting or editing other lines of a letter
leaves a known finding known. A finding about something absent (``signer-missing``) has no content, so it
is known by file and rule alone. The same finding twice in a file is counted, so a third occurrence after
two known ones is new.

Paths are stored relative to the baseline file's folder, so the baseline works from any working directory
and inside a checkout on another machine; a name that is not UTF-8 is stored with its bytes escaped
(``\\xb0``, ``names.printable_path``), the same way each run, so that it still matches.

A baseline is read as untrusted input: at most ``MAX_BASELINE_BYTES`` from a regular file, and anything
that is not a baseline (bad JSON, nesting thousands deep, wrong types) is a ``BaselineError`` in Chinese.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .limits import MAX_BASELINE_BYTES
from .model import Diagnostic, FileResult, Report
from .names import printable_path

BASELINE_VERSION = 1
MAX_FINDING_COUNT = 1_000_000  # the same finding this often in one letter: not a baseline we wrote
_SPACE = re.compile(r"\s+")


class BaselineError(Exception):
    """The baseline file cannot be read; the message says why."""


def absent_rules() -> frozenset[str]:
    """Rules whose findings are about a missing element (their span is only where it should be)."""
    from .engine import load_rules

    return frozenset(
        c.rule.name for c in load_rules()
        if c.rule.check.kind == "required" and getattr(c.rule.check, "expect", "present") == "present"
    )


def finding_content(result: FileResult, d: Diagnostic, absent: frozenset[str]) -> str:
    """The text a finding is about, from the source lines under its span (white space removed)."""
    if d.rule in absent:
        return ""
    return _SPACE.sub("", result.span_text(d.span, clamp=True) or "")


def _relative(path: str, folder: Path) -> str:
    if path == "-" or path.startswith("<"):  # standard input, <text …>: not paths
        return path
    return printable_path(Path(os.path.relpath(os.path.abspath(path), folder)).as_posix())


def _keys(report: Report, folder: Path) -> dict[str, Counter]:
    absent = absent_rules()
    keys: dict[str, Counter] = {}
    for result in report.files:
        if result.error or not result.diagnostics:
            continue
        counter = keys.setdefault(_relative(result.path, folder), Counter())
        for d in result.diagnostics:
            counter[(d.rule, finding_content(result, d, absent))] += 1
    return keys


def write_baseline(report: Report, path: str | Path, protect=()) -> int:
    """Record the report's findings in ``path`` (atomically, never over a file in ``protect``: see
    ``outfile``); returns how many were recorded."""
    from .outfile import write_atomically

    path = Path(path)
    keys = _keys(report, path.resolve().parent)
    files = {
        name: [{"rule": rule, "content": content, "count": count}
               for (rule, content), count in sorted(counter.items())]
        for name, counter in sorted(keys.items())
    }
    from .reporters.json_format import header

    data = {"version": BASELINE_VERSION, "tool": header()["tool"], "files": files}
    write_atomically(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n", protect)
    return sum(sum(c.values()) for c in keys.values())


@dataclass
class Baseline:
    folder: Path
    known: dict[str, Counter]

    @classmethod
    def load(cls, path: str | Path) -> "Baseline":
        from .sources import SourceError, read_file_bytes
        from .tomlfile import oversize_text

        path = Path(path)
        name = printable_path(str(path))
        if not os.path.lexists(path):
            raise BaselineError(f"基线文件 {name} 不存在（先用 --write-baseline {name} 生成）")
        try:
            raw = read_file_bytes(path, limit=MAX_BASELINE_BYTES, what="基线文件")
        except SourceError as exc:
            raise BaselineError(f"无法读取基线文件 {name}：{str(exc).removesuffix('，已跳过')}") from None
        if len(raw) > MAX_BASELINE_BYTES:
            raise BaselineError(f"{name}：{oversize_text('基线文件', MAX_BASELINE_BYTES)}")
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise BaselineError(f"基线文件 {name} 不是 UTF-8 文本（第 {exc.start} 字节）") from None
        except json.JSONDecodeError as exc:
            raise BaselineError(f"基线文件 {name} 不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）") from None
        except RecursionError:
            raise BaselineError(f"基线文件 {name}：文件内容异常：JSON 嵌套层数过深，不是 replylint 生成的基线") from None
        except ValueError:  # a number of more than 4300 digits (Python's bound on int conversion)
            raise BaselineError(f"基线文件 {name}：文件内容异常：JSON 中的数字位数过多，不是 replylint 生成的基线") from None
        broken = BaselineError(f"基线文件 {name} 的内容不完整或已损坏（应为 replylint --write-baseline 生成的文件）")
        if not isinstance(data, dict):
            raise broken
        if data.get("version") != BASELINE_VERSION:
            raise BaselineError(f"基线文件 {name} 的格式版本 {data.get('version')!r:.40} 不受支持（应为 {BASELINE_VERSION}）")
        files = data.get("files")
        if not isinstance(files, dict) or not all(isinstance(entries, list) for entries in files.values()):
            raise broken
        known = {}
        for file_name, entries in files.items():
            counter: Counter = Counter()
            for entry in entries:
                if not isinstance(entry, dict):
                    raise broken
                rule, content, count = entry.get("rule"), entry.get("content"), entry.get("count", 1)
                if not (isinstance(rule, str) and isinstance(content, str) and type(count) is int
                        and 0 < count <= MAX_FINDING_COUNT):
                    raise broken
                counter[(rule, content)] = count
            known[file_name] = counter
        return cls(folder=path.resolve().parent, known=known)

    def apply(self, report: Report) -> tuple[Report, int]:
        """The report without the known findings, and how many were dropped."""
        absent = absent_rules()
        suppressed = 0
        files = []
        for result in report.files:
            known = self.known.get(_relative(result.path, self.folder))
            if result.error or not result.diagnostics or not known:
                files.append(result)
                continue
            remaining = Counter(known)
            kept = []
            for d in result.diagnostics:
                key = (d.rule, finding_content(result, d, absent))
                if remaining[key] > 0:
                    remaining[key] -= 1
                    suppressed += 1
                else:
                    kept.append(d)
            files.append(result.model_copy(update={"diagnostics": kept}))
        return Report(files=files, suppressed=report.suppressed + suppressed), suppressed


__all__ = ["Baseline", "BaselineError", "write_baseline", "finding_content", "absent_rules"]
