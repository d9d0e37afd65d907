"""Stage 6, report: one module per output format, each a function of the results to text.

``FORMATS`` is the one list of output formats ``replylint check --format`` accepts; ``write_report`` sends
a report to standard output or, with ``--output-file``, atomically to a file (a half-written SARIF file
must never be uploaded). Machine formats are plain text renderers; the terminal formats draw with rich.
"""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from rich.console import Console

from ..formats import FORMATS, MACHINE_FORMATS
from ..model import Report
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
            return relative
        return Path(path).as_posix() if not path.startswith("<") else path


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


# The machine formats, each in its own module that registers itself; imported only when asked for, so that
# `replylint check` on a terminal loads none of them.
_MACHINE_MODULES = {name: module for name, module in MACHINE_FORMATS.items() if name not in _RENDERERS}


def _load_format(name: str) -> None:
    import importlib

    importlib.import_module(f".{_MACHINE_MODULES[name]}", __package__)


def terminal_console(file=None) -> Console:
    # Letters contain [ ] and other rich markup characters: every print passes Text, never markup.
    return Console(file=file, highlight=False, soft_wrap=True)


def write_report(report: Report, name: str, output_file: Optional[str] = None,
                 context: Optional[OutputContext] = None) -> None:
    """Render ``report`` as format ``name`` to standard output or, atomically, to ``output_file``."""
    if name not in _RENDERERS:
        _load_format(name)
    kind, renderer = _RENDERERS[name]
    context = context or OutputContext()
    if output_file is None:
        if kind == "text":
            sys.stdout.write(renderer(report, context))
        else:
            renderer(report, terminal_console())
        return
    if kind == "text":
        text = renderer(report, context)
    else:
        buffer = io.StringIO()
        renderer(report, Console(file=buffer, highlight=False, soft_wrap=True, no_color=True, color_system=None,
                                 width=120))
        text = buffer.getvalue()
    write_atomically(Path(output_file), text)


__all__ = ["FORMATS", "OutputContext", "register", "write_report", "write_atomically", "report_to_dict",
           "render_json", "render_concise", "render_full", "terminal_console"]
