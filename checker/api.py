"""The public API: check one text, many texts, a file or a tree of files (``replylint check`` and callers).

One letter goes through ``pipeline`` (read → normalize → parse → rules → filters); many go through
``batch``, which runs ``pipeline`` in supervised worker processes. Errors are values: a file that cannot be
read becomes a ``FileResult`` with ``error`` set, and a batch always finishes the other files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from .batch import Selection, discover, run_batch
from .config import Configurator
from .gcpause import batch_gc
from .model import FileResult, Report
from .pipeline import check_file, check_source, check_text, default_configurator
from .sources import Source
from .sources.text import split_lines

__all__ = ["fix_text", "check_file", "check_path", "check_paths", "check_source", "check_text", "check_texts",
           "default_configurator"]

def check_texts(texts: Iterable[str], configurator: Configurator | None = None) -> list[FileResult]:
    """Check many letters given as text (results in the same order)."""
    effective = (configurator or default_configurator()).for_path("<text>")  # texts have no folder of their own
    results = []
    with batch_gc():
        for i, text in enumerate(texts, 1):
            results.append(check_source(Source(path=f"<text {i}>", lines=split_lines(text), encoding="utf-8"), effective))
    return results


def check_paths(paths: Iterable[str | Path], configurator: Configurator | None = None, *, jobs: int = 1,
                selection: Selection = Selection(), progress=None) -> Report:
    """Check files and folders (recursively). With ``jobs`` > 1 the letters are checked in that many
    processes and each result carries its JSON ``fields`` instead of the whole ``Letter``."""
    items = list(discover(paths, selection))
    return Report(files=run_batch(items, configurator or default_configurator(), jobs=jobs, progress=progress))


def check_path(path: str | Path, configurator: Configurator | None = None) -> Report:
    """Check a file or a directory tree; the same data as ``replylint check --format json``."""
    return check_paths([path], configurator)


def fix_text(text: str, unsafe: bool = False, configurator: Configurator | None = None):
    """Apply the checker's safe fixes to a letter given as text; return ``(fixed_text, applied)``.

    ``applied`` lists each fix made (``checker.fix.Applied``: rule code and name, line, column, the text
    replaced and its replacement, whether it is safe). With ``unsafe`` the fixes that need a person's
    judgement are applied too. The text is re-checked and fixed again until no fix applies (a few rounds at
    most); line ends and everything outside the fixed stretches are kept exactly."""
    from .fix import fix_text as _fix_text

    return _fix_text(text, unsafe=unsafe, configurator=configurator)
