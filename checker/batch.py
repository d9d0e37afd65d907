"""Archives: walk a tree of letters and check them, in parallel processes when there are many.

* Discovery is deterministic (sorted), follows symbolic links to folders but reports a loop instead of
  walking it forever, and reports folders it cannot list. Files named directly are checked whatever their
  extension (the reader says if it cannot read them); under folders, ``include`` globs pick the files (by
  default the supported extensions) and ``exclude`` globs drop files and whole folders.
* ``jobs`` > 1 checks files in worker processes. A worker sends back a compact record (the JSON fields,
  the diagnostics, the source lines) rather than the whole ``Letter``: unpickling a full model costs as much
  as checking the letter, and the parent would become the bottleneck.
* Each file runs under a time limit and a memory budget (``memory.memory_budget``); whatever one file does
  (times out, runs out of memory, raises, kills its worker process) becomes that file's error result and
  the batch goes on. Workers are supervised by the parent: see "worker processes" below.
"""

from __future__ import annotations

import errno
import fnmatch
import gc
import os
import signal
import threading
import time
from collections import deque
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
        # os.path's tests, not Path's: they answer False where Path raises (a name too long for the system)
        if os.path.isdir(name):
            yield from _walk(path, selection, SUPPORTED_SUFFIXES)
        elif os.path.exists(name):
            yield name, None
        elif os.path.islink(name):
            yield name, broken_link_problem(name)
        else:
            yield name, "文件或目录不存在"


def broken_link_problem(path: str) -> str:
    """Why a symbolic link leads to no file: its target is missing, or links lead round in a circle."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "符号链接形成循环（几个链接互相指向），没有可读的文件，已跳过"
    return "符号链接指向的文件不存在"


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
                    yield entry.path, broken_link_problem(entry.path)
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
    """Check one file under the time limit and the memory budget; whatever goes wrong becomes its error.
    ``data``: the file's bytes, when the caller has read them already (the audit hashes what it checks)."""
    from .pipeline import check_file
    from .gcpause import set_aside
    from .memory import memory_budget
    from .model import FileResult

    set_aside()
    try:
        with memory_budget(), time_limit(seconds):  # the alarm is off before the budget is lifted
            return check_file(path, configurator, data)
    except Exception as exc:  # noqa: BLE001 - one file, whatever it does, must not end a batch of thousands
        error = failure_text(exc, seconds)
    # Out of the handler the traceback is gone, and with it the frames that held the file's data; what
    # of it is cyclic the batch's paused collector would keep to the end, so collect it now (set aside,
    # the results before it are not rescanned).
    gc.collect()
    return FileResult(path=path, error=error)


def failure_text(exc: BaseException, seconds: float) -> str:
    """The per-file message for an exception that escaped the checker (readers word their own errors)."""
    from .memory import is_memory_failure

    if isinstance(exc, TimeoutError):
        return timeout_text(seconds)
    if is_memory_failure(exc):
        return "处理这个文件需要的内存超过了允许的上限，已跳过（文件可能损坏或是恶意构造的）"
    if isinstance(exc, RecursionError):
        return "文件结构嵌套过深，无法分析，已跳过"
    if isinstance(exc, SystemError):  # "error return without exception set": 3.11 could not push a frame, or a
        # C extension failed an allocation without saying so; either way almost always memory
        return "处理这个文件需要的内存可能超过了限制（内部出错：SystemError），已跳过"
    return f"检查这个文件时检查工具内部出错（{type(exc).__name__}），已跳过；请把这个文件提供给维护者"


def timeout_text(seconds: float) -> str:
    return f"处理超过 {seconds:g} 秒仍未完成，已跳过（文件可能损坏或过于复杂）"


def died_text(exitcode: Optional[int]) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            how = f"被信号 {signal.Signals(-exitcode).name} 终止"
        except ValueError:
            how = f"被信号 {-exitcode} 终止"
    else:
        how = f"退出码 {exitcode}"
    return f"检查这个文件时处理进程意外退出（{how}，可能是内存不足），已跳过"


# Errors that say nothing about the file's content, only that this run could not finish it: the audit
# store does not keep them, so that the next audit tries again.
TRANSIENT_ERRORS = ("秒仍未完成", "处理这个文件需要的内存", "检查这个文件时处理进程意外退出")


# ---- worker processes ---------------------------------------------------------------------------------------
# The parent supervises its workers itself rather than through ProcessPoolExecutor, whose pool breaks as a
# whole when one worker dies (every other letter lost) and whose shutdown can wait forever. Each worker is
# sent a chunk of files and answers each file as soon as it is done, so the parent always knows which file a
# worker is on: if the worker dies, or answers nothing for longer than the time limit plus ``KILL_GRACE``
# (stuck in C code, where the worker's own alarm cannot reach), that file gets an error, the worker is
# replaced and the rest of its chunk is checked by the next worker.

KILL_GRACE = 5  # seconds past the time limit: the worker's own alarm has had time to end the file by then


def _serve(tasks, answers, overrides: Overrides, seconds: float) -> None:
    """A worker process: check the files of each chunk sent, until sent None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # The parent pauses its collector for the results it keeps; a worker keeps nothing between files, and
    # what a reader leaves in cycles (pdfminer does) would pile up. Frozen, what it inherited is never rescanned.
    gc.freeze()
    gc.enable()
    configurator = Configurator(overrides)
    while True:
        chunk = tasks.recv()
        if chunk is None:
            return
        for index, path, *data in chunk:
            answers.send((index, compact(check_one(path, configurator, seconds, *data))))


class WorkerProcess:
    """A worker process and its two pipes: tasks to it, answers from it. ``target(tasks, answers, *args)``
    runs in the process until it receives None. (``replylint serve``'s pool uses it too.)"""

    def __init__(self, context, target: Callable, args: tuple):
        task_end, self.tasks = context.Pipe(duplex=False)
        self.answers, answer_end = context.Pipe(duplex=False)
        self.process = context.Process(target=target, args=(task_end, answer_end, *args), daemon=True)
        try:
            self.process.start()
        except BaseException:
            self.tasks.close()
            self.answers.close()
            raise
        finally:
            task_end.close()  # only the worker's copies stay open: its death then shows as end of file
            answer_end.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)

    def close(self) -> None:
        """Let an idle worker finish; kill it if it does not within a second."""
        if self.process.is_alive():
            try:
                self.tasks.send(None)
            except OSError:
                pass
            self.process.join(1)
            if self.process.is_alive():
                self.kill()
        self.tasks.close()
        self.answers.close()


class _Worker(WorkerProcess):
    """One supervised worker process of a batch and the files it has been given but not yet answered."""

    def __init__(self, context, overrides: Overrides, seconds: float):
        super().__init__(context, _serve, (overrides, seconds))
        self.pending: deque[int] = deque()
        self.since = 0.0  # when the file it is on began, as far as the parent can tell

    def give(self, chunk: list[int], items: list[tuple]) -> bool:
        self.pending = deque(chunk)
        self.since = time.monotonic()
        try:  # (index, path, bytes the caller read, if any)
            self.tasks.send([(i, items[i][0], *items[i][2:]) for i in chunk])
        except OSError:  # it died while idle
            return False
        return True

    def receive(self, deliver: Callable[[int, tuple], None]) -> bool:
        """Take every answer waiting; False once the worker can answer no more (it died)."""
        try:
            while self.answers.poll():
                index, record = self.answers.recv()
                self.pending.popleft()
                self.since = time.monotonic()
                deliver(index, record)
        except (EOFError, OSError):
            return False
        return True

    def end(self, deliver: Callable[[int, tuple], None]) -> None:
        """Kill the worker if it still runs, and take the answers it sent before it stopped."""
        self.kill()
        self.receive(deliver)


def _supervise(todo: list[int], items: list[tuple], configurator: Configurator, jobs: int, seconds: float,
               deliver: Callable[[int, tuple], None], blame: Callable[[int, str], None]) -> list[int]:
    """Check the files ``todo`` (indices into ``items``, as ``run_batch`` takes them) in up to ``jobs`` workers; return those left
    unchecked because no worker process could be started at all."""
    import multiprocessing
    from multiprocessing.connection import wait

    # fork: a worker starts with everything the parent has loaded, in milliseconds
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    size = max(1, min(64, len(todo) // (jobs * 8)))
    queue = deque(todo[i:i + size] for i in range(0, len(todo), size))
    workers: list[_Worker] = []
    patience = seconds + KILL_GRACE

    def retire(worker: _Worker, timed_out: bool = False) -> None:
        """End a worker that died (or is stuck): the file it was on gets the error, the rest of its chunk
        goes back to the queue."""
        stuck = worker.pending[0] if timed_out else None
        workers.remove(worker)
        worker.end(deliver)
        if worker.pending and (not timed_out or worker.pending[0] == stuck):  # not if it answered meanwhile
            blame(worker.pending.popleft(), timeout_text(seconds) if timed_out else died_text(worker.process.exitcode))
        if worker.pending:
            queue.appendleft(list(worker.pending))
        worker.close()

    try:
        while queue or any(w.pending for w in workers):
            for worker in [w for w in workers if not w.pending]:
                if queue and not worker.give(queue.popleft(), items):
                    retire(worker)
            while queue and len(workers) < jobs:
                try:
                    worker = _Worker(context, configurator.overrides, seconds)
                except OSError:  # no process to be had (memory, process limit): carry on with those there are
                    break
                workers.append(worker)
                if not worker.give(queue.popleft(), items):
                    retire(worker)
            busy = [w for w in workers if w.pending]
            if not busy:  # not a single worker could be started
                return [i for chunk in queue for i in chunk]
            timeout = max(0.0, min(w.since for w in busy) + patience - time.monotonic())
            ready = set(wait([w.answers for w in busy] + [w.process.sentinel for w in busy], timeout))
            for worker in busy:
                if not worker.receive(deliver) or worker.process.sentinel in ready:
                    retire(worker)  # a worker exits by itself only when told to: this one died
                elif worker.pending and time.monotonic() > worker.since + patience:
                    retire(worker, timed_out=True)
        return []
    finally:
        for worker in workers:
            worker.close()


def compact(result: FileResult) -> tuple:
    """A result as plain tuples, cheap to send between processes (see the module docstring)."""
    from .reporters.json_format import fields_dict

    diagnostics = tuple(
        (d.code, d.rule, d.severity.value, d.span.line, d.span.column, d.span.end_line, d.span.end_column, d.message,
         None if d.fix is None else (d.fix.replacement, d.fix.span.line, d.fix.span.column, d.fix.span.end_line,
                                     d.fix.span.end_column, d.fix.description, d.fix.safe, d.fix.original), d.location)
        for d in result.diagnostics
    )
    fields = fields_dict(result.letter) if result.letter is not None else None
    return (result.path, result.kind.value, result.role, result.error, fields, diagnostics, result.source_lines)


def expand(record: tuple) -> FileResult:
    from .model import Diagnostic, FileResult, Fix, Kind, Severity, Span

    path, kind, role, error, fields, diagnostics, source_lines = record
    out = []
    for code, rule, severity, line, column, end_line, end_column, message, fix, location in diagnostics:
        span = Span.trusted(line=line, column=column, end_line=end_line, end_column=end_column)
        fix_obj = None
        if fix is not None:
            replacement, fl, fc, fel, fec, description, safe, original = fix
            fix_obj = Fix.trusted(replacement=replacement, description=description, safe=safe, original=original,
                                  span=Span.trusted(line=fl, column=fc, end_line=fel, end_column=fec))
        out.append(Diagnostic.trusted(code=code, rule=rule, severity=Severity(severity), span=span, message=message,
                                      fix=fix_obj, location=location))
    return FileResult.trusted(path=path, kind=Kind(kind), role=role, error=error, letter=None, fields=fields, diagnostics=out,
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

    results: list[Optional[FileResult]] = [None] * len(items)

    def settle(index: int, result: FileResult) -> None:
        results[index] = result
        if progress:
            progress(1)

    with batch_gc():
        todo = []  # indices of the files to check
        for index, (path, problem, *_) in enumerate(items):
            if problem:
                settle(index, FileResult(path=path, error=problem))
            else:
                todo.append(index)
        # Parallel pays for its process start-up only from a few dozen letters on.
        if jobs > 1 and len(items) >= 4 * jobs:
            paths = [item[0] for item in items]
            stdin = [i for i in todo if paths[i] == "-"]  # standard input is the parent's to read
            todo = stdin + _supervise([i for i in todo if paths[i] != "-"], items, configurator, jobs, seconds,
                                      deliver=lambda index, record: settle(index, expand(record)),
                                      blame=lambda index, error: settle(index, FileResult(path=paths[index], error=error)))
        for index in todo:
            settle(index, check_one(items[index][0], configurator, seconds, *items[index][2:]))
    return results
