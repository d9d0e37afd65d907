"""``--format github``: GitHub Actions workflow commands, one per finding, which the runner turns into
annotations on the pull request's changed files and on the run's summary page:

    ::error file=letters/a.txt,line=6,col=1,endLine=6,endColumn=12,title=RL107 发文字号括号不规范 doc-number-brackets::发文字号…

Levels: error → ``::error``, warning → ``::warning``, info → ``::notice`` — and only when 提示 are shown
(``--show-info``, ``show-info = true`` or ``--fail-on info``; ``check`` leaves them out of this format
otherwise, and the summary line says how many). The title is "RL107 发文字号括号不规范 doc-number-brackets". Paths are relative to
``OutputContext.root`` (the job's working directory, normally the checkout: what GitHub matches ``file``
against). Columns are UTF-16 code units like SARIF's (see positions.py); ``endColumn`` is exclusive, and
``col``/``endColumn`` are left out when a finding spans several lines (GitHub accepts them only within one).

Word documents, PDF and OFD have no lines GitHub could show, so their findings carry only ``file`` and name
the paragraph or page in the message. A file that could not be read is an ``::error`` on that file.

Escaping follows the runner (actions/toolkit ``command.ts``): in the message ``%``, CR and LF become
``%25``, ``%0D``, ``%0A``; in property values ``:`` and ``,`` also become ``%3A`` and ``%2C``. So no letter
text can end a command early or start a new one (a command must begin a line). The last line is the
summary, a plain log line.
"""

from __future__ import annotations

from ..model import Report, Severity
from . import OutputContext, register
from .positions import utf16_span
from .text import summary_text
from .titles import labelled

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: dict, message: str) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def render_github(report: Report, context: OutputContext) -> str:
    out = []
    for result in report.files:
        path = context.display_path(result.path)
        if result.error:
            out.append(command("error", {"file": path, "title": "replylint 无法检查"}, f"无法检查：{result.error}"))
            continue
        for d in result.diagnostics:
            properties: dict = {"file": path}
            message = d.message
            if d.location is None:
                line, column, end_line, end_column = utf16_span(result, d.span)
                properties["line"] = line
                if end_line == line:  # GitHub takes columns only for a one-line annotation
                    properties["col"] = column
                properties["endLine"] = end_line
                if end_line == line:
                    properties["endColumn"] = end_column
            else:
                message = f"{d.location}：{message}"
            properties["title"] = labelled(d.code, d.rule)
            out.append(command(COMMANDS[d.severity], properties, message))
    out.append("replylint：" + summary_text(report).plain)
    return "".join(line + "\n" for line in out)


register("github", render_github)

__all__ = ["render_github", "escape_data", "escape_property", "command"]
