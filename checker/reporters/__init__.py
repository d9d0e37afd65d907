"""Stage 6, report: one module per output format, each a function of the results to text.

``FORMATS`` is the one list of output formats ``replylint check --format`` accepts; ``write_report`` sends
a report to standard output or, with ``--output-file``, atomically to a file (a half-written SARIF file
must never be uploaded). Machine formats and the documents (``html``: a page to read and print) are plain
text renderers; the terminal formats draw with rich.

File names that are not UTF-8 (``names.printable_path``) are shown with their bytes escaped, in every
format: the terminal formats get a report with printable paths, the others name a file through
``OutputContext.display_path`` or ``json_format.file_to_dict`` (the html page through ``printable_path``).
Text renderers are written as UTF-8 bytes whatever the locale (JSON, SARIF, JUnit XML and HTML are UTF-8
documents).
"""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from rich.console import Console

from ..formats import DOCUMENT_FORMATS, FORMATS, MACHINE_FORMATS
from ..model import Report
from ..names import printable_path
from ..outfile import write_atomically
from .json_format import render_json, report_to_dict
from .text import render_concise, render_full


@dataclass(frozen=True)
class OutputContext:
    """What a renderer may need besides the results: where paths are relative to (SARIF, GitHub), and
    which rules were enabled (SARIF lists them)."""

    root: str = field(default_factory=os.getcwd)
    baseline_note: Optional[str] = None  # e.g. "已按基线略去 12 条已知问题"
    # the codes of the rules that were enabled for this run (None: not known, e.g. an API caller's report);
    # SARIF lists the whole catalogue and marks the others as disabled for this run
    enabled_rules: Optional[frozenset[str]] = None
    # the fail-on level of a file (the flag, else its config's; None: "warning"): JUnit marks as failures
    # only the findings at or above it
    fail_level: Optional[Callable[[str], str]] = None
    # whether a file's 提示 were left out of the report (``Report.without_info``; None: none were): the html
    # report says so beside that letter's counts
    info_hidden: Optional[Callable[[str], bool]] = None

    def fails(self, path: str, severity) -> bool:
        """Whether a finding of this severity in this file reaches the file's fail-on level."""
        from ..defaults import DEFAULT_FAIL_ON, SEVERITY_RANK

        level = (self.fail_level(path) if self.fail_level else None) or DEFAULT_FAIL_ON
        return SEVERITY_RANK[getattr(severity, "value", severity)] >= SEVERITY_RANK[level]

    def relative(self, path: str) -> Optional[str]:
        """``path`` as a POSIX path relative to ``root``, or None when it lies outside ``root`` or is not a
        file at all (``<stdin>``, ``<text 3>``)."""
        if path in ("-", "") or path.startswith("<"):
            return None
        absolute = os.path.abspath(path)
        try:
            relative = os.path.relpath(absolute, os.path.abspath(self.root))
        except ValueError:  # another drive (Windows)
            return None
        if relative == os.curdir or relative == os.pardir or relative.startswith(os.pardir + os.sep):
            return None
        return Path(relative).as_posix()

    def display_path(self, path: str) -> str:
        """The path to show and to match in CI: relative to ``root`` when inside it, else as given."""
        relative = self.relative(path)
        if relative is not None:
            return printable_path(relative)
        return printable_path(Path(path).as_posix() if not path.startswith("<") else path)


TextRenderer = Callable[[Report, OutputContext], str]
ConsoleRenderer = Callable[[Report, Console], None]

# name -> (kind, renderer): "text" renderers return a string; "console" renderers draw on a rich console
_RENDERERS: dict[str, tuple[str, Callable]] = {
    "full": ("console", render_full),
    "concise": ("console", render_concise),
    "json": ("text", lambda report, context: render_json(report)),
}


def register(name: str, renderer: TextRenderer) -> None:
    """Add a text format (used by the machine formats' modules)."""
    _RENDERERS[name] = ("text", renderer)


# The machine formats and the documents (html), each in its own module that registers itself; imported only
# when asked for, so that `replylint check` on a terminal loads none of them.
_FORMAT_MODULES = {name: module for name, module in {**MACHINE_FORMATS, **DOCUMENT_FORMATS}.items()
                   if name not in _RENDERERS}


def _load_format(name: str) -> None:
    import importlib

    importlib.import_module(f".{_FORMAT_MODULES[name]}", __package__)


def terminal_console(file=None) -> Console:
    # Letters contain [ ] and other rich markup characters: every print passes Text, never markup.
    return Console(file=file, highlight=False, soft_wrap=True)


def printable_paths(report: Report) -> Report:
    """The report with every file name as ``printable_path`` shows it (the same report when all are)."""
    if all(printable_path(f.path) is f.path for f in report.files):
        return report
    files = [f if printable_path(f.path) is f.path else f.model_copy(update={"path": printable_path(f.path)})
             for f in report.files]
    return report.model_copy(update={"files": files})


def _utf8(text: str) -> bytes:
    # the renderers make valid text; should a lone surrogate slip through (a damaged document's text), it
    # is escaped rather than ending the run after all the letters were checked
    return text.encode("utf-8", "backslashreplace")


def _write_stdout(data: bytes) -> None:
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream (an embedding program's)
        sys.stdout.write(data.decode("utf-8"))
        return
    buffer.write(data)
    buffer.flush()


def write_report(report: Report, name: str, output_file: Optional[str] = None,
                 context: Optional[OutputContext] = None, protect=()) -> None:
    """Render ``report`` as format ``name`` to standard output or, atomically, to ``output_file`` (never
    over a file in ``protect``, see ``outfile``). Raises ``OSError`` when the output cannot be written."""
    if name not in _RENDERERS:
        _load_format(name)
    kind, renderer = _RENDERERS[name]
    context = context or OutputContext()
    if kind == "text":
        data = _utf8(renderer(report, context))
    elif output_file is None:
        try:  # a terminal in a locale that cannot show a character: escape it, do not fail
            sys.stdout.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass
        renderer(printable_paths(report), terminal_console())
        return
    else:
        buffer = io.StringIO()
        renderer(printable_paths(report), Console(file=buffer, highlight=False, soft_wrap=True, no_color=True,
                                                  color_system=None, width=120))
        data = _utf8(buffer.getvalue())
    if output_file is None:
        _write_stdout(data)
    else:
        write_atomically(Path(output_file), data, protect)


__all__ = ["FORMATS", "OutputContext", "register", "write_report", "printable_paths", "write_atomically", "report_to_dict",
           "render_json", "render_concise", "render_full", "terminal_console"]
