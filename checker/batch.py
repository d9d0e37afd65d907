"""Archives: walk a tree of letters and check them, in parallel processes when there are many.

* Discovery is deterministic (sorted), follows symbolic links to folders but reports a loop instead of
  walking it forever, and reports folders it cannot list. Files named directly are checked whatever their
  extension (the reader says if it cannot read them); under folders, ``include`` globs pick the files (by
  default the supported extensions) and ``exclude`` globs drop files and whole folders.
* ``jobs`` > 1 checks files in worker processes. A worker sends back a compact record (the JSON fields,
  the diagnostics, the source lines) rather than the whole ``Letter``: unpickling a full model costs as much
  as checking the letter, and the parent would become the bottleneck.
* Each file runs under a time limit; a broken file becomes an error result and the batch goes on.
"""

from __future__ import annotations

import fnmatch
import os
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Optional

from .config import Configurator, Overrides

if TYPE_CHECKING:  # the model loads with the first letter checked, not to walk a folder
    from .model import FileResult

DEFAULT_TIME_LIMIT = 60  # seconds per file: a letter takes milliseconds; anything near this is stuck


@dataclass(frozen=True)
class Selection:
    """Which files under a folder are letters to check."""

    include: tuple[str, ...] = ()  # globs on the file name or the path below the folder; empty = by extension
    exclude: tuple[str, ...] = ()

    def wanted(self, relative: str, name: str, suffixes: tuple[str, ...]) -> bool:
        if self.excluded(relative, name):
            return False
        if self.include:
            return any(fnmatch.fnmatch(relative, g) or fnmatch.fnmatch(name, g) for g in self.include)
        return name.lower().endswith(suffixes) and not name.startswith((".", "~$"))  # ~$ = Word lock files

    def excluded(self, relative: str, name: str) -> bool:
        return any(fnmatch.fnmatch(relative, g) or fnmatch.fnmatch(name, g) for g in self.exclude)


def discover(paths: Iterable[str | Path], selection: Selection = Selection()) -> Iterator[tuple[str, Optional[str]]]:
    """Yield (path, problem) for every file to check, in a stable order; ``problem`` is set for a path
    that cannot be checked at all (missing, a symlink loop, an unlistable folder)."""
    from .sources import SUPPORTED_SUFFIXES

    for raw in paths:
        name = str(raw)
        if name == "-":
            yield name, None
            continue
        path = Path(name)
        if path.is_dir():
            yield from _walk(path, selection, SUPPORTED_SUFFIXES)
        elif path.exists():
            yield name, None
        elif path.is_symlink():
            yield name, "符号链接指向的文件不存在"
        else:
            yield name, "文件或目录不存在"


def _walk(root: Path, selection: Selection, suffixes: tuple[str, ...]) -> Iterator[tuple[str, Optional[str]]]:
    seen: set[tuple[int, int]] = set()
    top = str(root)
    prefix = len(os.path.join(top, ""))  # every entry path below is os.path.join(top, …), as scandir makes it

    def visit(folder: str) -> Iterator[tuple[str, Optional[str]]]:
        try:
            stat = os.stat(folder)
        except OSError as exc:
            yield folder, f"无法访问目录：{exc.strerror or exc}"
            return
        key = (stat.st_dev, stat.st_ino)
        if key in seen:
            yield folder, "符号链接形成循环（指回上级目录），已跳过"
            return
        seen.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield folder, f"无法列出目录内容：{exc.strerror or exc}"
            return
        for entry in entries:
            relative = entry.path[prefix:].replace(os.sep, "/")  # the path below root (pathlib is slow here)
            try:
                is_dir = entry.is_dir()  # follows links
            except OSError:
                is_dir = False
            if is_dir:
                if not entry.name.startswith(".") and not selection.excluded(relative, entry.name):
                    yield from visit(entry.path)
            elif selection.wanted(relative, entry.name, suffixes):
                if entry.is_symlink() and not os.path.exists(entry.path):
                    yield entry.path, "符号链接指向的文件不存在"
                else:
                    yield entry.path, None

    yield from visit(top)


@contextmanager
def time_limit(seconds: float):
    """Raise TimeoutError in the block after ``seconds`` (main thread of a Unix process; else no limit)."""
    usable = seconds and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_one(path: str, configurator: Configurator, seconds: float = DEFAULT_TIME_LIMIT,
              data: Optional[bytes] = None) -> FileResult:
    from .api import check_file
    from .model import FileResult

    try:
        with time_limit(seconds):
            return check_file(path, configurator) if data is None else check_file(path, configurator, data)
    except TimeoutError:
        return FileResult(path=path, error=f"处理超过 {seconds:g} 秒仍未完成，已跳过（文件可能损坏或过于复杂）")
    except MemoryError:
        return FileResult(path=path, error="处理这个文件需要的内存超过限制，已跳过")
    except RecursionError:
        return FileResult(path=path, error="文件结构嵌套过深，无法分析，已跳过")


# ---- worker processes ---------------------------------------------------------------------------------------

_WORKER: dict = {}


def _init_worker(overrides: Overrides, seconds: float) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _WORKER["configurator"] = Configurator(overrides)
    _WORKER["seconds"] = seconds


def _work(item: tuple) -> tuple:
    path, problem, *data = item
    if problem:
        from .model import FileResult

        return compact(FileResult(path=path, error=problem))
    return compact(check_one(path, _WORKER["configurator"], _WORKER["seconds"], *data))


def compact(result: FileResult) -> tuple:
    """A result as plain tuples, cheap to send between processes (see the module docstring)."""
    from .reporters.json_format import fields_dict

    diagnostics = tuple(
        (d.code, d.rule, d.severity.value, d.span.line, d.span.column, d.span.end_line, d.span.end_column, d.message,
         None if d.fix is None else (d.fix.replacement, d.fix.span.line, d.fix.span.column, d.fix.span.end_line,
                                     d.fix.span.end_column, d.fix.description), d.location)
        for d in result.diagnostics
    )
    fields = fields_dict(result.letter) if result.letter is not None else None
    return (result.path, result.kind.value, result.error, fields, diagnostics, result.source_lines)


def expand(record: tuple) -> FileResult:
    from .model import Diagnostic, FileResult, Fix, Kind, Severity, Span

    path, kind, error, fields, diagnostics, source_lines = record
    out = []
    for code, rule, severity, line, column, end_line, end_column, message, fix, location in diagnostics:
        span = Span.trusted(line=line, column=column, end_line=end_line, end_column=end_column)
        fix_obj = None
        if fix is not None:
            replacement, fl, fc, fel, fec, description = fix
            fix_obj = Fix.trusted(replacement=replacement, description=description,
                                  span=Span.trusted(line=fl, column=fc, end_line=fel, end_column=fec))
        out.append(Diagnostic.trusted(code=code, rule=rule, severity=Severity(severity), span=span, message=message,
                                      fix=fix_obj, location=location))
    return FileResult.trusted(path=path, kind=Kind(kind), error=error, letter=None, fields=fields, diagnostics=out,
                              source_lines=source_lines)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def run_batch(items: list[tuple], configurator: Configurator, jobs: int = 1,
              progress: Optional[Callable[[int], None]] = None, seconds: float = DEFAULT_TIME_LIMIT) -> list[FileResult]:
    """Check the discovered files, in order. ``progress`` is called with the number of files done. An item is
    (path, problem) as ``discover`` yields it, or (path, None, bytes) for a file the caller has read."""
    from .gcpause import batch_gc
    from .model import FileResult

    # Parallel pays for its process start-up only from a few dozen letters on.
    if jobs <= 1 or len(items) < 4 * jobs:
        results = []
        with batch_gc():
            for path, problem, *data in items:
                results.append(FileResult(path=path, error=problem) if problem
                               else check_one(path, configurator, seconds, *data))
                if progress:
                    progress(1)
        return results
    from concurrent.futures import ProcessPoolExecutor  # loads multiprocessing: only when it is used

    chunk = max(1, min(64, len(items) // (jobs * 8)))
    results = []
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                             initargs=(configurator.overrides, seconds)) as pool, batch_gc():
        for record in pool.map(_work, items, chunksize=chunk):
            results.append(expand(record))
            if progress:
                progress(1)
    return results
