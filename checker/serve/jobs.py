"""The letters of ``replylint serve`` are read and checked in a small supervised pool of worker processes.

A request thread takes an idle worker (waiting at most ``wait`` seconds, else ``Busy``: 503), sends it one
job — a module-level function and its arguments — and waits for the answer. In the worker each job runs
under the time limit and the memory budget of ``check`` (``batch.time_limit``, ``memory.memory_budget``);
whatever it raises becomes a ``JobFailed`` with the status the server answers and a Chinese message
(``batch.failure_text``). A worker that answers nothing for longer than the time limit plus ``KILL_GRACE``
(stuck in C code, where its own alarm cannot reach) is killed (504), one that dies is replaced (422, the
message of ``batch.died_text``); the other workers and requests go on.

The workers are started through a fork server where the system has one (a single-threaded process that
forks them, so that a worker never inherits a lock some request thread of the server held), else spawned.
Nothing is written to disk: the jobs read bytes (``pipeline.check_file`` with ``data`` never opens the
name, which only names the letter) and give back bytes or plain data.
"""

from __future__ import annotations

import gc
import queue
import signal
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

from ..batch import DEFAULT_TIME_LIMIT, KILL_GRACE, WorkerProcess, died_text, failure_text, time_limit, timeout_text
from ..config import Overrides

START_SECONDS = 60.0  # for a new worker to start and load the rules
QUEUE_WAIT = 30.0  # seconds a request waits for an idle worker before it is answered 503
BUSY_TEXT = "服务器正忙（所有检查进程都在处理别的文件），请稍后再试"
PRELOAD = ["checker.serve.jobs", "checker.pipeline", "checker.fix", "checker.annotate", "checker.sources.docx",
           "checker.sources.pdf", "checker.sources.ofd", "checker.reporters.json_format"]


class JobFailed(Exception):
    """A job that gave no result: ``status`` is the HTTP status to answer, ``message`` a Chinese sentence."""

    def __init__(self, status: int, message: str):
        super().__init__(status, message)
        self.status, self.message = status, message


def failure_status(exc: BaseException) -> int:
    """The HTTP status of an exception that escaped a job: 504 out of time, 422 a file too big to handle
    (memory, nesting), 500 a defect of the checker."""
    from ..memory import is_memory_failure

    if isinstance(exc, TimeoutError):
        return 504
    if is_memory_failure(exc) or isinstance(exc, (RecursionError, SystemError)):
        return 422
    return 500


def run_guarded(func: Callable, args: tuple, seconds: float) -> tuple:
    """``("ok", value)`` or ``("failed", status, message)``: one job under the time limit and memory budget."""
    from ..memory import memory_budget

    try:
        with memory_budget(), time_limit(seconds):  # the alarm is off before the budget is lifted
            return ("ok", func(*args))
    except JobFailed as exc:
        return ("failed", exc.status, exc.message)
    except Exception as exc:  # noqa: BLE001 - whatever a file makes the checker do is that request's answer
        answer = ("failed", failure_status(exc), failure_text(exc, seconds))
    gc.collect()  # out of the handler: what the failed file left in cycles goes now
    return answer


def _work(tasks, answers, seconds: float) -> None:
    """A worker process: run each job sent, until sent None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle; it ends the workers
    warm()
    answers.send("ready")  # the time limit of its first job starts now, not while it starts
    while True:
        task = tasks.recv()
        if task is None:
            return
        func, args = task
        answers.send(run_guarded(func, args, seconds))


def warm() -> None:
    """Load the rules and the parser now, so that the first letter a new worker gets costs what the others do."""
    from ..pipeline import check_text

    check_text("青川市住房和城乡建设局\n关于市九届人大四次会议第1号建议的答复\n", "warm.txt", configurator(Overrides(isolated=True)))


def _context():
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(PRELOAD)
    return context


class Pool:
    """``workers`` worker processes; ``run`` gives a job to an idle one and returns what the job returned,
    or raises ``JobFailed``. Thread-safe: every request thread of the server calls it."""

    def __init__(self, workers: int = 2, seconds: float = DEFAULT_TIME_LIMIT, wait: float = QUEUE_WAIT,
                 grace: float = KILL_GRACE):
        self.size, self.seconds, self.wait, self.grace = workers, seconds, wait, grace
        self.context = _context()
        self._idle: queue.Queue[WorkerProcess] = queue.Queue()
        self._lock = threading.Lock()
        self._workers: set[WorkerProcess] = set()
        self._missing = 0  # workers that could not be started (no memory, process limit): tried again later
        self._closed = False
        for _ in range(workers):
            self._idle.put(self._start())

    def _start(self) -> WorkerProcess:
        worker = WorkerProcess(self.context, _work, (self.seconds,))
        with self._lock:
            self._workers.add(worker)
        return worker

    def _replace(self, worker: WorkerProcess) -> None:
        """Kill a worker that died or hangs and put a new one in its place (later, if none can start now)."""
        worker.kill()
        worker.close()
        with self._lock:
            self._workers.discard(worker)
            if self._closed:
                return
        self._refill()

    def _take(self) -> WorkerProcess:
        deadline = time.monotonic() + self.wait
        while True:
            with self._lock:
                if self._closed:
                    raise JobFailed(503, "服务正在停止")
                retry, self._missing = self._missing, 0
            for _ in range(retry):
                self._refill()
            remaining = deadline - time.monotonic()
            try:
                worker = self._idle.get(timeout=max(0.0, min(remaining, 1.0)))
            except queue.Empty:
                if remaining <= 0:
                    raise JobFailed(503, BUSY_TEXT) from None
                continue
            if worker.process.is_alive():
                return worker
            self._replace(worker)  # it died while idle (killed from outside)

    def _refill(self) -> None:
        try:
            self._idle.put(self._start())
        except OSError:
            with self._lock:
                self._missing += 1

    def run(self, func: Callable, *args):
        """Run ``func(*args)`` in a worker; its return value, or ``JobFailed``."""
        from multiprocessing.connection import wait

        for _ in range(3):
            worker = self._take()
            if self._started(worker):
                break
            self._replace(worker)
        else:
            raise JobFailed(503, "检查进程无法启动，请稍后再试（或重新启动 replylint serve）")
        try:
            worker.tasks.send((func, args))
            ready = wait([worker.answers, worker.process.sentinel], self.seconds + self.grace)
            answer = worker.answers.recv() if worker.answers in ready else None
        except (OSError, EOFError):  # it died before or while answering
            answer, ready = None, [worker.process.sentinel]
        except BaseException:  # the server is stopping: this worker's job is not for anyone any more
            self._replace(worker)
            raise
        if answer is None:
            if ready:
                worker.process.join(0.5)  # for its exit code
            failure = (JobFailed(504, timeout_text(self.seconds)) if not ready
                       else JobFailed(422, died_text(worker.process.exitcode)))
            self._replace(worker)
            raise failure
        self._idle.put(worker)
        if answer[0] == "ok":
            return answer[1]
        raise JobFailed(answer[1], answer[2])

    def _started(self, worker: WorkerProcess) -> bool:
        """Whether the worker has said it is ready (waiting for that, the first time)."""
        from multiprocessing.connection import wait

        if getattr(worker, "ready", False):
            return True
        try:
            if worker.answers in wait([worker.answers, worker.process.sentinel], START_SECONDS):
                worker.ready = worker.answers.recv() == "ready"
        except (OSError, EOFError):
            pass
        return getattr(worker, "ready", False)

    def pids(self) -> list[int]:
        with self._lock:
            return sorted(w.process.pid for w in self._workers if w.process.pid is not None)

    def close(self) -> None:
        """End every worker: idle ones are told to stop, any still busy after a second are killed."""
        with self._lock:
            self._closed = True
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            try:
                worker.tasks.send(None)
            except OSError:
                pass
        end = time.monotonic() + 1
        for worker in workers:
            worker.process.join(max(0.0, end - time.monotonic()))
            worker.close()  # kills it if it still runs

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# ---- the jobs (they run in the workers) ---------------------------------------------------------------------

_CONFIGURATORS: dict = {}


def configurator(overrides: Overrides):
    """One Configurator per set of overrides (a worker sees a handful: the profiles times 显示提示)."""
    from ..config import Configurator

    found = _CONFIGURATORS.get(overrides)
    if found is None:
        found = _CONFIGURATORS[overrides] = Configurator(overrides)
    return found


def forget(overrides: Overrides) -> None:
    """Drop a Configurator whose settings turned out wrong (a request must not fill the cache)."""
    _CONFIGURATORS.pop(overrides, None)


def kind_of(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return {".pdf": "pdf", ".ofd": "ofd", ".docx": "docx", ".doc": "docx", ".wps": "docx"}.get(suffix, "text")


def rule_notes(codes) -> dict:
    """What the page shows of each rule found: its title, name, severity, description and source clause."""
    from ..engine import load_rules
    from ..reporters.rules import rule_to_dict

    from ..reporters.html import rule_infos

    by_code = load_rules().by_code
    infos = rule_infos()
    keys = ("title", "name", "severity", "description", "source")
    # "missing": the element a finding of the rule reports absent (the page shows a 缺：… badge, as html does)
    notes = {}
    for code in sorted(set(codes)):
        if code in by_code:
            rule = rule_to_dict(by_code[code])  # once per rule, not once per key
            notes[code] = {**{k: rule[k] for k in keys}, "missing": infos[code].missing if code in infos else None}
    return notes


def check_job(data: bytes, name: str, overrides: Overrides) -> dict:
    """/api/check: the JSON of ``check --format json`` for the one letter, its lines and its rules."""
    from ..model import Report, Severity
    from ..pipeline import check_file
    from ..reporters.json_format import report_to_dict

    settings = configurator(overrides)
    result = check_file(name, settings, data)  # with data, the name is never opened
    if result.error:
        raise JobFailed(422, result.error)
    shows_info = settings.for_path(name).shows_info
    return {
        "report": report_to_dict(Report(files=[result])),
        "lines": list(result.source_lines),
        "rules": rule_notes(d.code for d in result.diagnostics),
        "hidden_info": 0 if shows_info else result.count(Severity.INFO),
        "kind": kind_of(name),
    }


def unsafe_id(d) -> str:
    """How the page names an unsafe fix it may accept: code, line and column of the fix in the original text."""
    return f"{d.code}:{d.fix.span.line}:{d.fix.span.column}"


def _fix_key(d) -> tuple:
    return (d.code, d.fix.original, d.fix.replacement)


def _on_offer(d) -> bool:
    f = d.fix
    return f is not None and not f.safe and f.original is not None and f.span.line == f.span.end_line


def fix_job(data: bytes, name: str, overrides: Overrides, accept: tuple[str, ...] = ()) -> dict:
    """/api/fix: the letter's lines (joined with "\\n") with the safe fixes and the accepted unsafe ones made.

    An accepted fix is known by its id in the original text; in the re-checks after the first round it is
    known by its rule, the text it replaces and its replacement (its place may have moved)."""
    from ..fix import fix_text_with
    from ..pipeline import check_source
    from ..reporters.titles import title_of
    from ..sources import Source, SourceError, source_from_bytes
    from ..sources.text import split_lines

    effective = configurator(overrides).for_path(name)
    try:
        source = source_from_bytes(data, name)
    except SourceError as exc:
        raise JobFailed(422, str(exc)) from None
    if not any(line.strip() for line in source.lines):
        raise JobFailed(422, "文件为空（没有任何文字）")
    text_name = str(Path(name).with_suffix(".txt"))

    def check(text: str):
        return check_source(Source(path=text_name, lines=split_lines(text), encoding="utf-8"), effective)

    text = "\n".join(source.lines)
    first = check(text)
    if first.error:
        raise JobFailed(422, first.error)
    offered = {unsafe_id(d): d for d in first.diagnostics if _on_offer(d)}
    accepted = {_fix_key(offered[i]) for i in accept if i in offered}

    unused = [first]  # fix_text_with checks the original text first: that is done

    def chosen(text: str):
        result = unused.pop() if unused else check(text)
        return SimpleNamespace(error=result.error, diagnostics=[
            d for d in result.diagnostics if d.fix is None or d.fix.safe or _fix_key(d) in accepted])

    fixed, applied, _ = fix_text_with(text, chosen, unsafe=True)
    made = {(a.code, a.original, a.replacement) for a in applied if not a.safe}
    return {
        "text": fixed,
        "applied": [a.as_dict() for a in applied],
        "unsafe": [{"id": i, "code": d.code, "title": title_of(d.code), "line": d.fix.span.line,
                    "column": d.fix.span.column, "original": d.fix.original, "replacement": d.fix.replacement,
                    "message": d.message} for i, d in offered.items() if _fix_key(d) not in made],
        "filename": f"{Path(name).stem}.修正.txt",
    }


def annotate_job(data: bytes, name: str, overrides: Overrides, mode: str) -> tuple[bytes, int]:
    """/api/annotate: the reviewed copy of a .docx and the number of 批注 in it."""
    from ..annotate import AnnotateError, annotate_bytes

    try:
        package, result = annotate_bytes(data, name, mode=mode, configurator=configurator(overrides))
    except AnnotateError as exc:
        raise JobFailed(422, str(exc)) from None
    return package, result.comments


__all__ = ["Pool", "JobFailed", "QUEUE_WAIT", "check_job", "fix_job", "annotate_job", "configurator", "unsafe_id"]
