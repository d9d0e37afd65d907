"""``--format junit``: JUnit XML, the test-report format GitLab (``artifacts:reports:junit``), Jenkins
(``junit``), Azure DevOps and most CI servers display.

``<testsuites>`` holds one ``<testsuite>`` per checked file (name = the path relative to
``OutputContext.root``) and one ``<testcase>`` per finding, classname = the path, name = "RL107 发文字号括号不规范
doc-number-brackets 第6行" (code, Chinese title, name and line; the column is added when the same rule fires
twice on one line, so names stay unique within a suite).

A finding at or above the file's ``fail-on`` level (``--fail-on``, else the config's, else warning) is a
``<failure>`` — ``type`` says error, warning or info and ``message`` carries the message; the body gives
line:column, the message and the source line. A finding below it (a 提示 at the default level; a warning
with ``--fail-on error``) did not fail the check: it is a *passing* test case whose ``<system-out>`` holds
the same text, so CI servers count it as passed and still show the note on the test case (a ``<skipped>``
case would read as "not checked", which it was). So the failures JUnit shows are exactly what makes the exit
code 1. A clean file is one passing test case; a file that could not be read, one ``<error>`` case. Counts
are on every suite and on ``<testsuites>``.

Built with ElementTree, which escapes markup; characters XML 1.0 cannot carry at all (control characters
other than tab, LF and CR, lone surrogates, U+FFFE/U+FFFF), which a damaged letter can contain, are removed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..formats import SEVERITY_LABELS
from ..model import FileResult, Report
from . import OutputContext, register
from .titles import labelled

# everything outside XML 1.0's Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_ILLEGAL_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
CLEAN_CASE = "全部规则通过"


def xml_text(text: str) -> str:
    return _ILLEGAL_XML.sub("", text)


def _element(tag: str, attributes: dict, text: str | None = None) -> ET.Element:
    element = ET.Element(tag, {key: xml_text(str(value)) for key, value in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _where(d) -> str:
    return d.location if d.location is not None else f"第{d.span.line}行"


def _suite(result: FileResult, path: str, context: OutputContext) -> tuple[ET.Element, int, int, int]:
    """The file's <testsuite> and its (tests, failures, errors)."""
    cases: list[ET.Element] = []
    failures = errors = 0
    if result.error:
        case = _element("testcase", {"classname": path, "name": "读取文件", "file": path})
        case.append(_element("error", {"type": "unreadable", "message": f"无法检查：{result.error}"},
                             f"{path}\n无法检查：{result.error}"))
        cases.append(case)
        errors = 1
    elif not result.diagnostics:
        cases.append(_element("testcase", {"classname": path, "name": CLEAN_CASE, "file": path}))
    else:
        names: set[str] = set()
        for d in result.diagnostics:
            name = f"{labelled(d.code, d.rule)} {_where(d)}"
            if name in names:
                name += f"第{d.span.column}列"
            base, n = name, 2
            while name in names:
                name, n = f"{base} #{n}", n + 1
            names.add(name)
            attributes = {"classname": path, "name": name, "file": path}
            if d.location is None:
                attributes["line"] = d.span.line
            case = _element("testcase", attributes)
            # a document's line numbers are the reader's, not the file's: it is named by paragraph or page
            where = f"{path}（{d.location}）" if d.location else f"{path}:{d.span.line}:{d.span.column}"
            body = [f"{where} {SEVERITY_LABELS[d.severity]} {labelled(d.code, d.rule)}", d.message]
            source = result.line_text(d.span.line)
            if source is not None:
                body.append(f"    {source}" if d.location else f"    {d.span.line} │ {source}")
            if d.fix is not None:
                body.append(f"建议：{d.fix.description}")
            if context.fails(result.path, d.severity):
                case.append(_element("failure", {"type": d.severity.value, "message": d.message}, "\n".join(body)))
                failures += 1
            else:  # below the fail level: passed, with the note for whoever opens the test case
                case.append(_element("system-out", {}, "\n".join(body)))
            cases.append(case)
    suite = _element("testsuite", {"name": path, "tests": len(cases), "failures": failures, "errors": errors,
                                   "skipped": 0})
    suite.extend(cases)
    return suite, len(cases), failures, errors


def render_junit(report: Report, context: OutputContext) -> str:
    root = ET.Element("testsuites", {"name": "replylint"})
    tests = failures = errors = 0
    for result in report.files:
        suite, t, f, e = _suite(result, context.display_path(result.path), context)
        root.append(suite)
        tests, failures, errors = tests + t, failures + f, errors + e
    root.set("tests", str(tests))
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


register("junit", render_junit)

__all__ = ["render_junit", "xml_text"]
