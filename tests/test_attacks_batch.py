"""Attacks on the batch (issue 8): a worker that dies, starves or stops answering costs only its own file;
running out of memory is that file's error, never a crash or a lost batch; ``parse`` shares ``check``'s
limits.

The hostile behaviour is real: worker processes that really exit, are really killed (from inside, and
from outside through /proc), really block their alarm, and allocations that really hit the address-space
limit. The in-process tests patch ``checker.pipeline.check_file`` in this process; fork-started workers inherit
the patch. Every test is bounded: subprocesses by their timeout, in-process batches by ``watchdog``."""

from __future__ import annotations

import faulthandler
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import checker.pipeline
import checker.batch
from checker.batch import died_text, discover, run_batch, timeout_text
from checker.config import Configurator, Overrides
from checker.memory import MEMORY_PER_FILE, REPORT_ROOM, memory_budget
from checker.reporters.json_format import file_to_dict
from hostile import CHECKER_HOME, CHILD_ENV, TIMEOUT, run_cli

MiB = 1024 * 1024
LETTERS = 64  # enough for a parallel run with chunks of several files
VICTIM = 21  # mid-chunk: files before it in its chunk are answered, files after it must be re-run
MEMORY_ERROR = "处理这个文件需要的内存超过了允许的上限，已跳过（文件可能损坏或是恶意构造的）"
# Where the limit strikes decides which: a MemoryError, or (Python 3.11, when a frame cannot be pushed)
# "SystemError: error return without exception set", which says "possibly memory".
OUT_OF_MEMORY = "处理这个文件需要的内存"


@pytest.fixture(autouse=True)
def watchdog():
    """No test here may hang the suite: past the limit, dump every thread's stack and exit."""
    faulthandler.dump_traceback_later(4 * TIMEOUT, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A folder of generated letters, and what a serial run without any attack says about each."""
    import lettergen

    folder = tmp_path_factory.mktemp("letters")
    for i, text in enumerate(lettergen.generate_corpus(LETTERS, seed=8)):
        (folder / f"{i:03d}.txt").write_text(text, encoding="utf-8")
    items = list(discover([folder]))
    expected = [file_to_dict(r) for r in run_batch(items, isolated(), jobs=1)]
    assert all(e["error"] is None for e in expected)
    return items, expected


def isolated() -> Configurator:
    return Configurator(Overrides(isolated=True))


def poison(monkeypatch, victims, act) -> None:
    """Make checking any of ``victims`` (indices into the corpus) do ``act`` first."""
    names = {f"{i:03d}.txt" for i in victims}
    original = checker.pipeline.check_file

    def check_file(path, configurator=None, data=None):
        if os.path.basename(str(path)) in names:
            act()
        return original(path, configurator, data)

    monkeypatch.setattr(checker.pipeline, "check_file", check_file)


def abort_quietly() -> None:
    """What a Rust extension does when an allocation fails (SIGABRT), without leaving a core file."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.abort()


def assert_only_victims_failed(results, corpus, victims, message: str) -> None:
    items, expected = corpus
    assert [r.path for r in results] == [path for path, _ in items]  # every file, in input order
    got = [file_to_dict(r) for r in results]
    for i, (have, want) in enumerate(zip(got, expected)):
        if i in victims:
            assert have["error"] == message, f"file {i}"
            assert have["diagnostics"] == []
        else:
            assert have == want, f"file {i}"


# ---- a worker that dies ------------------------------------------------------------------------------------

@pytest.mark.parametrize("act, how", [
    (lambda: os._exit(137), "退出码 137"),
    (lambda: os.kill(os.getpid(), signal.SIGKILL), "被信号 SIGKILL 终止"),  # as the kernel's OOM killer does
    (abort_quietly, "被信号 SIGABRT 终止"),
], ids=["exit", "sigkill", "abort"])
def test_a_dying_worker_costs_only_its_own_file(monkeypatch, corpus, act, how):
    poison(monkeypatch, {VICTIM}, act)
    results = run_batch(corpus[0], isolated(), jobs=2)
    assert_only_victims_failed(results, corpus, {VICTIM}, f"检查这个文件时处理进程意外退出（{how}，可能是内存不足），已跳过")


def test_many_dying_workers_are_each_replaced(monkeypatch, corpus):
    victims = set(range(3, LETTERS, 5)) | {0, LETTERS - 1}  # the first and last files too
    poison(monkeypatch, victims, lambda: os.kill(os.getpid(), signal.SIGKILL))
    results = run_batch(corpus[0], isolated(), jobs=2)
    assert_only_victims_failed(results, corpus, victims, died_text(-signal.SIGKILL))


def test_a_batch_where_every_file_kills_its_worker_still_finishes(monkeypatch, corpus):
    items = corpus[0][:12]
    poison(monkeypatch, range(12), lambda: os._exit(1))
    results = run_batch(items, isolated(), jobs=2)
    assert [r.path for r in results] == [path for path, _ in items]
    assert {r.error for r in results} == {died_text(1)}


def test_a_worker_killed_from_outside_costs_one_file(tmp_path):
    """A real ``replylint check --jobs 2``: kill one of its workers (found through /proc) as it runs."""
    import lettergen

    count = 1000  # a couple of seconds of work: the kill lands well before the end
    for i, text in enumerate(lettergen.generate_corpus(count, seed=9)):
        (tmp_path / f"{i:03d}.txt").write_text(text, encoding="utf-8")
    command = [sys.executable, "-c", "from checker.cli import main; main()",
               "check", str(tmp_path), "--format", "json", "--jobs", "2", "--isolated"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                          cwd=CHECKER_HOME, env=CHILD_ENV) as cli:
        deadline = time.monotonic() + TIMEOUT
        workers: list[int] = []
        while not workers and time.monotonic() < deadline and cli.poll() is None:
            workers = children(cli.pid)
            time.sleep(0.02)
        assert workers, "the batch never started a worker process"
        time.sleep(0.1)  # let it be in the middle of its files
        os.kill(workers[0], signal.SIGKILL)
        out, err = cli.communicate(timeout=TIMEOUT)
    assert cli.returncode == 2, err.decode()  # a file that was not checked counts as unreadable
    files = json.loads(out)["files"]
    assert [Path(f["path"]).name for f in files] == [f"{i:03d}.txt" for i in range(count)]
    failed = [f for f in files if f["error"]]
    assert [f["error"] for f in failed] == [died_text(-signal.SIGKILL)]


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:  # the thread ended meanwhile
            pass
    return found


def test_without_worker_processes_the_batch_runs_here(monkeypatch, corpus):
    def no_process(*args, **kwargs):
        raise OSError(11, "Resource temporarily unavailable")  # fork at the process limit

    monkeypatch.setattr(checker.batch._Worker, "__init__", no_process)
    assert_only_victims_failed(run_batch(corpus[0], isolated(), jobs=2), corpus, set(), "")


def test_standard_input_in_a_parallel_batch_is_read_by_the_parent(tmp_path, compliant_npc):
    import lettergen

    for i, text in enumerate(lettergen.generate_corpus(9, seed=6)):
        (tmp_path / f"{i}.txt").write_text(text, encoding="utf-8")
    done = run_cli("check", "-", str(tmp_path), "--format", "json", "--jobs", "2", "--isolated",
                   input=compliant_npc.encode("utf-8"))
    files = json.loads(done.stdout)["files"]
    assert len(files) == 10 and all(f["error"] is None for f in files), done.stderr.decode()
    assert files[0]["fields"]["title"] is not None  # the letter on stdin, not an empty file


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_batch_of_bombs_ends_with_one_error_for_each(tmp_path, jobs):
    import formats_fixtures as ff
    import lettergen

    letters = lettergen.generate_corpus(6, seed=7)
    bombs = {"entity.docx": ff.entity_bomb_docx(letters[0]), "entity.ofd": ff.entity_bomb_ofd(letters[0]),
             "lying-zip.docx": ff.lying_zip_bomb(), "flate.pdf": ff.pdf_flate_bomb()}
    for i, text in enumerate(letters):
        (tmp_path / f"letter-{i}.txt").write_text(text, encoding="utf-8")
        for name, data in bombs.items():
            (tmp_path / f"bomb-{i}-{name}").write_bytes(data)
    done = run_cli("check", str(tmp_path), "--format", "json", "--jobs", jobs, "--isolated")
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    files = json.loads(done.stdout)["files"]
    assert [Path(f["path"]).name for f in files] == sorted(p.name for p in tmp_path.iterdir())
    assert all(bool(f["error"]) == Path(f["path"]).name.startswith("bomb-") for f in files)


# ---- a worker that stops answering -------------------------------------------------------------------------

def block_the_alarm_and_wait() -> None:
    """Stuck where the worker's own alarm cannot reach (as in C code that never returns to Python)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(10 * TIMEOUT)


@pytest.mark.parametrize("act", [block_the_alarm_and_wait, lambda: os.kill(os.getpid(), signal.SIGSTOP)],
                         ids=["alarm-blocked", "stopped"])
def test_a_worker_that_stops_answering_is_killed_after_the_time_limit(monkeypatch, corpus, act):
    monkeypatch.setattr(checker.batch, "KILL_GRACE", 1)
    poison(monkeypatch, {VICTIM}, act)
    start = time.monotonic()
    results = run_batch(corpus[0], isolated(), jobs=2, seconds=2)
    assert time.monotonic() - start < TIMEOUT  # the file is given up after 2 + 1 s; the rest takes a few
    assert_only_victims_failed(results, corpus, {VICTIM}, timeout_text(2))


# ---- out of memory, and exceptions nobody expected ---------------------------------------------------------

def grow_until_refused() -> None:
    """Ask for address space 32 MiB at a time, far past the budget. ``bytes(n)`` of that size is fresh
    zeroed pages from the kernel: the address space is real (the limit sees it), the RAM is never touched."""
    hoard = []
    for _ in range(3 * MEMORY_PER_FILE // (32 * MiB)):
        hoard.append(bytes(32 * MiB))


def raise_system_error_from_memory_error() -> None:
    try:
        raise MemoryError
    except MemoryError as exc:  # a C extension "returned a result with an exception set"
        raise SystemError("<built-in method decompress> returned a result with an exception set") from exc


def raise_bare_system_error() -> None:
    raise SystemError("error return without exception set")  # what 3.11 says when a frame cannot be pushed


def raise_key_error() -> None:
    raise {}["defect"]


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("act, message", [
    (grow_until_refused, MEMORY_ERROR),
    (raise_system_error_from_memory_error, MEMORY_ERROR),
    (raise_bare_system_error, "处理这个文件需要的内存可能超过了限制（内部出错：SystemError），已跳过"),
    (raise_key_error, "检查这个文件时检查工具内部出错（KeyError），已跳过；请把这个文件提供给维护者"),
], ids=["out-of-budget", "system-error-from-memory-error", "bare-system-error", "defect"])
def test_a_failing_file_becomes_its_own_error(monkeypatch, corpus, jobs, act, message):
    before = resource.getrlimit(resource.RLIMIT_AS)
    poison(monkeypatch, {VICTIM, VICTIM + 1}, act)
    results = run_batch(corpus[0], isolated(), jobs=jobs)
    assert_only_victims_failed(results, corpus, {VICTIM, VICTIM + 1}, message)
    assert resource.getrlimit(resource.RLIMIT_AS) == before  # the budget is lifted after each file


def test_failures_in_a_long_batch_cost_time_in_proportion(monkeypatch, corpus):
    """Each failure collects its file's garbage; that must not rescan every result the batch has kept."""
    items = corpus[0]

    def cyclic_failure() -> None:
        hoard = [[i] for i in range(1000)]
        hoard.append(hoard)
        raise KeyError("defect")

    poison(monkeypatch, range(0, LETTERS, 4), cyclic_failure)

    def seconds_for(copies: int) -> float:
        best = float("inf")
        for _ in range(2):  # the better of two: a loaded machine only ever adds time
            start = time.perf_counter()
            results = run_batch(items * copies, isolated(), jobs=1)
            best = min(best, time.perf_counter() - start)
            assert sum(1 for r in results if r.error) == copies * LETTERS // 4
        return best

    small, large = seconds_for(3), seconds_for(12)
    assert large < 8 * small  # 4x the files: about 4x the time (16x if each collection rescanned the batch)


def test_the_budget_keeps_room_below_a_limit_set_from_outside():
    """Under ``ulimit -v`` the budget ends REPORT_ROOM short of it, so the handler has memory to work in."""
    code = (
        "import resource\n"
        "from checker.memory import REPORT_ROOM, memory_budget\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, resource.RLIM_INFINITY))\n"
        "with memory_budget():\n"
        "    inside = resource.getrlimit(resource.RLIMIT_AS)[0]\n"
        "    try:\n"
        "        bytes(1 << 30)\n"
        "    except MemoryError:\n"
        "        refused = True\n"
        "after = resource.getrlimit(resource.RLIMIT_AS)[0]\n"
        "room = bytes(REPORT_ROOM // 2)  # what the budget kept free is there once it is lifted\n"
        "print(inside == (1 << 30) - REPORT_ROOM, refused, after == 1 << 30)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT,
                          cwd=CHECKER_HOME, env=CHILD_ENV)
    assert done.stdout.split() == ["True", "True", "True"], done.stderr


def test_the_budget_is_relative_to_what_the_process_already_has():
    before = resource.getrlimit(resource.RLIMIT_AS)
    with memory_budget():
        soft = resource.getrlimit(resource.RLIMIT_AS)[0]
        with pytest.raises(MemoryError):
            bytes(MEMORY_PER_FILE + REPORT_ROOM)
        kept = bytes(MEMORY_PER_FILE // 4)  # a quarter of the budget is granted
    assert soft != resource.RLIM_INFINITY and len(kept) == MEMORY_PER_FILE // 4
    assert resource.getrlimit(resource.RLIMIT_AS) == before


# ---- the real command under a small address space -------------------------------------------------------------

def allowed_but_large(path: Path) -> None:
    """The largest letter the readers let through: 45,000 short paragraphs, under 500,000 characters."""
    import lettergen

    text = lettergen.generate_corpus(1, seed=2)[0]
    lines = [line[:9] for line in text.splitlines() if line.strip()]
    path.write_text("\n".join((lines * 5000)[:45_000]), encoding="utf-8")


PEAK = """import atexit, sys
def peak():
    status = open("/proc/self/status").read()
    sys.stderr.write("\\nPEAK " + status.split("VmPeak:")[1].split()[0] + "\\n")
atexit.register(peak)
from checker.cli import main
main()
"""


def peak_address_space(*args: str) -> int:
    """The most address space ``replylint ARGS`` maps in its main process, in bytes."""
    done = subprocess.run([sys.executable, "-c", PEAK, *args], capture_output=True, timeout=TIMEOUT,
                          cwd=CHECKER_HOME, env=CHILD_ENV, stdin=subprocess.DEVNULL)
    return int(done.stderr.split(b"PEAK ")[-1].split()[0]) * 1024


def room_for_small_letters(*args: str) -> int:
    """An address-space limit the command needs for small letters, with room to spare, yet far too little
    for ``allowed_but_large`` (measured: it needs some 150 MiB more)."""
    return peak_address_space(*args) + REPORT_ROOM + 40 * MiB


@pytest.fixture
def mixed(tmp_path):
    """Eight small letters and one large one in the middle."""
    import lettergen

    folder = tmp_path / "mixed"
    folder.mkdir()
    for i, text in enumerate(lettergen.generate_corpus(8, seed=4)):
        (folder / f"{i:02d}.txt").write_text(text, encoding="utf-8")
    allowed_but_large(folder / "04-large.txt")
    return folder


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_running_out_of_address_space_costs_only_that_file(mixed, tmp_path, jobs):
    small = tmp_path / "small"
    small.mkdir()
    for path in mixed.glob("0[0-7].txt"):
        (small / path.name).write_bytes(path.read_bytes())
    common = ("check", "--format", "json", "--isolated", "--jobs", jobs)
    memory = room_for_small_letters(*common, str(small))
    assert memory < peak_address_space(*common, str(mixed / "04-large.txt"))  # it cannot fit
    done = run_cli(*common, str(mixed), memory=memory)
    assert done.returncode == 2, done.stderr.decode()
    assert b"Traceback" not in done.stderr
    files = json.loads(done.stdout)["files"]
    assert [Path(f["path"]).name for f in files] == sorted(p.name for p in mixed.iterdir())
    assert [(Path(f["path"]).name, f["error"][:len(OUT_OF_MEMORY)]) for f in files if f["error"]] == [
        ("04-large.txt", OUT_OF_MEMORY)]


@pytest.mark.parametrize("output_format", ["table", "json"])
def test_parse_has_the_memory_budget_of_check(mixed, output_format):
    memory = room_for_small_letters("parse", "--format", output_format, str(mixed / "00.txt"))
    done = run_cli("parse", "--format", output_format, str(mixed / "04-large.txt"), memory=memory)
    assert done.returncode == 2
    assert b"Traceback" not in done.stderr
    assert OUT_OF_MEMORY in done.stdout.decode()


def test_parse_has_the_time_limit_of_check(monkeypatch, mixed):
    from click.testing import CliRunner

    from checker.cli import main

    def never_ends(path, configurator=None, data=None):
        while True:
            pass

    monkeypatch.setattr(checker.pipeline, "check_file", never_ends)
    monkeypatch.setattr(checker.batch, "DEFAULT_TIME_LIMIT", 1)
    start = time.monotonic()
    result = CliRunner().invoke(main, ["parse", "--format", "json", str(mixed / "00.txt")])
    assert time.monotonic() - start < TIMEOUT
    assert result.exit_code == 2
    assert json.loads(result.output)["error"] == timeout_text(1)
