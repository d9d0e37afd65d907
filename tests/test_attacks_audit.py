"""Attacks on ``replylint audit`` (issue 8): what it reads, what it stores, the database it is given and the
disk it writes to. Every hostile input is built here, at test time; the CLI runs as a real process under a
memory limit and a timeout (``hostile.run_cli``) unless a test needs to reach inside (a race, a lock)."""

from __future__ import annotations

import os
import sqlite3
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import checker.audit.collect
from checker.audit import store as store_module
from checker.audit.collect import DB_NAME
from checker.audit.store import APPLICATION_ID, describe_sqlite_error
from checker.cli import main
from conftest import EXAMPLES
from hostile import run_cli

NPC = (EXAMPLES / "npc-compliant.txt").read_bytes()
OTHER_NPC = NPC.replace("周文华".encode(), "王建国".encode())  # another compliant letter: other bytes
DEFECTIVE = sorted((EXAMPLES / "defective").glob("*.txt"))
QUICK = 30  # seconds: each of these audits takes one or two; a hang shows as a timeout


def audit_cli(*args, **kwargs):
    return run_cli("audit", "--jobs", "1", *map(str, args), timeout=QUICK, **kwargs)


def audit_here(*args):
    """The audit in this process (a monkeypatched reader, a patched lock wait)."""
    return CliRunner().invoke(main, ["audit", "--jobs", "1", *map(str, args)], catch_exceptions=False)


def backdate(*paths: Path, seconds: float = 3600) -> None:
    """Written a while ago: the next audit trusts the recorded hash (see store.RACY_SECONDS)."""
    when = time.time() - seconds
    for path in paths:
        os.utime(path, (when, when))


def stderr(result) -> str:
    return result.stderr.decode("utf-8")


def no_trace(result) -> None:
    text = stderr(result)
    assert "Traceback" not in text and "Exception ignored" not in text, text


def store_rows(db: Path, query: str) -> list:
    with sqlite3.connect(db) as connection:
        return connection.execute(query).fetchall()


def archive_of(tmp_path: Path, name: str) -> Path:
    """An archive folder holding one compliant letter."""
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / name).write_bytes(NPC)
    return folder


def findings_archive(folder: Path, copies: int) -> Path:
    """Letters with findings, all different (so that the store and the reports grow with ``copies``)."""
    folder.mkdir(parents=True)
    for i in range(copies):
        for path in DEFECTIVE:
            text = path.read_text(encoding="utf-8")
            (folder / f"{i:03d}-{path.name}").write_text(text + f"\n（第 {i} 份）\n", encoding="utf-8")
    return folder


# ---- what the audit reads ------------------------------------------------------------------------------------------

def test_a_pipe_or_a_link_to_a_device_named_like_a_letter_is_reported_without_hanging(tmp_path):
    folder = archive_of(tmp_path, "good.txt")
    os.mkfifo(folder / "letter.txt")  # nobody ever writes to it: reading it would block for ever
    (folder / "zero.txt").symlink_to("/dev/zero")  # reading it would never end
    named = tmp_path / "named.txt"
    os.mkfifo(named)
    html = tmp_path / "r.html"
    result = audit_cli(folder, named, "--html", html)
    no_trace(result)
    assert result.returncode == 2
    out = result.stdout.decode("utf-8")
    assert "审计 4 个文件" in out and "已检查 1 封" in out and "无法读取 3 个" in out
    page = html.read_text(encoding="utf-8")
    assert page.count("这不是普通文件") == 3
    # nothing stored for them: they are read (and refused) again next time, not remembered as content
    assert store_rows(folder / DB_NAME, "SELECT count(*) FROM results") == [(1,)]
    assert [Path(p).name for p, in store_rows(folder / DB_NAME, "SELECT path FROM files")] == ["good.txt"]


def test_a_huge_sparse_file_is_refused_by_size_without_reading_it_all(tmp_path):
    folder = archive_of(tmp_path, "good.txt")
    with open(folder / "huge.txt", "wb") as fh:
        fh.truncate(8 * 1024 ** 3)  # 8 GiB of zeros, no disk used
    result = audit_cli(folder, "--html", tmp_path / "r.html", memory=1024 ** 3)
    no_trace(result)
    assert result.returncode == 2
    assert "文件过大" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_a_read_that_never_returns_ends_at_the_time_limit_and_is_not_stored(tmp_path, monkeypatch):
    letter = tmp_path / "a.txt"
    letter.write_bytes(NPC)
    monkeypatch.setattr(checker.audit.collect, "READ_SECONDS", 0.2)
    monkeypatch.setattr(checker.audit.collect, "read_file_bytes", lambda path: time.sleep(30))  # a dead share
    began = time.monotonic()
    with pytest.raises(checker.audit.collect.SourceError) as raised:
        checker.audit.collect.read_letter(str(letter))
    assert time.monotonic() - began < 10
    assert "秒仍未完成" in str(raised.value) and checker.audit.collect.is_transient(str(raised.value))


# ---- what the audit stores: only what it read --------------------------------------------------------------------

def test_a_file_gone_for_a_moment_is_reported_once_and_never_stored(tmp_path, monkeypatch):
    folder = archive_of(tmp_path, "a.txt")
    letter = folder / "b.txt"
    letter.write_bytes(OTHER_NPC)
    backdate(folder / "a.txt", letter)
    real_read = checker.audit.collect.read_file_bytes
    aside = tmp_path / "aside.txt"

    def gone_while_read(path, *args, **kwargs):  # b.txt is moved away just as it is read, then comes back
        if Path(path) == letter and not aside.exists():
            letter.rename(aside)
            try:
                return real_read(path, *args, **kwargs)
            finally:
                aside.rename(letter)
        return real_read(path, *args, **kwargs)

    monkeypatch.setattr(checker.audit.collect, "read_file_bytes", gone_while_read)
    first = audit_here(folder)
    assert first.exit_code == 2, first.output
    assert "无法读取 1 个" in first.output
    db = folder / DB_NAME
    assert store_rows(db, "SELECT count(*) FROM results WHERE error IS NOT NULL") == [(0,)]
    assert [Path(p).name for p, in store_rows(db, "SELECT path FROM files")] == ["a.txt"]
    monkeypatch.setattr(checker.audit.collect, "read_file_bytes", real_read)
    second = audit_here(folder)  # the same, unchanged file: checked now, not "unreadable" from the store
    assert second.exit_code == 0, second.output
    assert "无法读取 0 个" in second.output and "新检查 1 个" in second.output


def test_the_bytes_checked_are_the_bytes_hashed_even_if_the_file_goes_before_its_check(tmp_path, monkeypatch):
    folder = archive_of(tmp_path, "a.txt")
    letter = folder / "a.txt"
    backdate(letter)
    real_batch = checker.audit.collect.run_batch

    def file_deleted_before_the_check(items, *args, **kwargs):
        letter.unlink()  # after the read, before the check: the check must not read the file again
        return real_batch(items, *args, **kwargs)

    monkeypatch.setattr(checker.audit.collect, "run_batch", file_deleted_before_the_check)
    result = audit_here(folder)
    assert result.exit_code == 0, result.output
    assert "已检查 1 封：合规 1 封" in result.output
    rows = store_rows(folder / DB_NAME, "SELECT error, n_error, n_warning FROM results")
    assert rows == [(None, 0, 0)]  # the letter's real result, under the hash of what was read


def test_a_corrupt_document_is_stored_under_the_hash_of_its_bytes(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    backdate(folder / "broken.docx")
    assert audit_cli(folder).returncode == 2
    errors = store_rows(folder / DB_NAME, "SELECT error FROM results")
    assert len(errors) == 1 and "损坏" in errors[0][0]
    again = audit_cli(folder)  # the content, not the moment, is at fault: the stored error serves
    assert again.returncode == 2 and "新检查 0 个，沿用上次结果 1 个" in again.stdout.decode("utf-8")


# ---- names that are not UTF-8 --------------------------------------------------------------------------------------

def test_names_that_are_not_utf8_are_shown_escaped_and_found_again(tmp_path):
    root = os.fsencode(tmp_path)
    folder = root + b"/\xb5\xb5\xb0\xb8"  # 档案 in GBK, as an archive unzipped from Windows names it
    os.mkdir(folder)
    gbk_name = folder + b"/\xb0\xb8.txt"
    literal_name = folder + b"/\\xb0\\xb8.txt"  # a real file named with a backslash: must not be confused
    with open(gbk_name, "wb") as fh:
        fh.write(NPC)
    with open(literal_name, "wb") as fh:
        fh.write(OTHER_NPC)
    backdate(Path(os.fsdecode(gbk_name)), Path(os.fsdecode(literal_name)))
    html, xlsx = root + b"/\xb1\xa8.html", root + b"/\xb1\xa8.xlsx"
    args = [os.fsdecode(p) for p in (folder, b"--html", html, b"--xlsx", xlsx)]

    first = audit_cli(*args)
    no_trace(first)
    assert first.returncode == 0, stderr(first)
    out = first.stdout.decode("utf-8")  # valid UTF-8 whatever the names
    assert "已检查 2 封" in out and "\\xb1\\xa8.html" in out and "\\xb1\\xa8.xlsx" in out
    page = open(html, "rb").read().decode("utf-8")  # strict: the page is valid UTF-8
    assert "\\xb5\\xb5\\xb0\\xb8/\\xb0\\xb8.txt" in page
    import openpyxl

    rows = list(openpyxl.load_workbook(os.fsdecode(xlsx))["文件"].iter_rows(min_row=2, values_only=True))
    assert [r[1].rsplit("/", 1)[1] for r in rows] == ["\\xb0\\xb8.txt"] * 2  # shown alike, stored apart
    db = os.fsdecode(folder + b"/" + DB_NAME.encode())
    keys = store_rows(Path(db), "SELECT path FROM files")  # the exact names (as BLOBs: they are not UTF-8)
    assert sorted(key for key, in keys) == sorted([os.path.abspath(gbk_name), os.path.abspath(literal_name)])

    second = audit_cli(*args)  # both found again by their exact names: nothing read, nothing checked
    no_trace(second)
    assert "新检查 0 个，沿用上次结果 2 个" in second.stdout.decode("utf-8")


# ---- the database it is given --------------------------------------------------------------------------------------

def _foreign_sqlite(path: Path, application_id: int = 0) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO customers VALUES (1, '张三')")
        if application_id:
            connection.execute(f"PRAGMA application_id = {application_id}")
    connection.close()


def _zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", "hello")


@pytest.mark.parametrize("make, why", [
    (_foreign_sqlite, "别的程序的 SQLite 数据库"),
    (lambda p: _foreign_sqlite(p, application_id=0x4D504244), "别的程序的 SQLite 数据库"),
    (lambda p: p.write_text("名单\n张三\n", encoding="utf-8"), "不是 SQLite 数据库"),
    (_zip, "不是 SQLite 数据库"),
    (lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\x00" * 20), "不是 SQLite 数据库"),  # a header cut short
], ids=["foreign-sqlite", "foreign-application-id", "text", "zip", "truncated-header"])
def test_a_db_that_is_not_replylints_is_refused_untouched(tmp_path, make, why):
    folder = archive_of(tmp_path, "a.txt")
    db = tmp_path / "other" / "data.db"
    db.parent.mkdir()
    make(db)
    before = db.read_bytes()
    result = audit_cli(folder, "--db", db, "--html", tmp_path / "r.html")
    no_trace(result)
    assert result.returncode == 2
    assert why in stderr(result) and "不是 replylint 的审计数据库" in stderr(result)
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["data.db"]  # no journal, WAL or shm either
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("clash", [("--html", "DB"), ("--xlsx", "DB"), ("--html", "--xlsx")])
def test_a_report_is_never_written_over_the_database_or_the_other_report(tmp_path, clash):
    folder = archive_of(tmp_path, "a.txt")
    assert audit_cli(folder).returncode == 0
    db = folder / DB_NAME
    before = db.read_bytes()
    same = str(db) if "DB" in clash else str(tmp_path / "r.out")
    args = [arg for option in clash if option != "DB" for arg in (option, same)]
    result = audit_cli(folder, *args)
    no_trace(result)
    assert result.returncode == 2 and "必须是不同的文件" in stderr(result)
    assert db.read_bytes() == before and not (tmp_path / "r.out").exists()


@pytest.mark.parametrize("target", ["fifo", "/dev/null"])
def test_a_db_that_is_a_pipe_or_a_device_is_refused_without_hanging(tmp_path, target):
    folder = archive_of(tmp_path, "a.txt")
    db = tmp_path / "audit.sqlite" if target == "fifo" else Path(target)
    if target == "fifo":
        os.mkfifo(db)
    result = audit_cli(folder, "--db", db)
    no_trace(result)
    assert result.returncode == 2 and "不是普通文件" in stderr(result)


def test_an_empty_file_and_a_store_made_before_the_mark_are_taken(tmp_path):
    folder = archive_of(tmp_path, "a.txt")
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    assert audit_cli(folder, "--db", empty).returncode == 0
    assert store_rows(empty, "PRAGMA application_id") == [(APPLICATION_ID,)]
    assert ("application", "replylint-audit") in store_rows(empty, "SELECT key, value FROM meta")

    legacy = tmp_path / "legacy.sqlite"  # the tables an older replylint made, without the mark
    with sqlite3.connect(legacy) as connection:
        connection.executescript(store_module._SCHEMA)
        connection.execute("INSERT INTO meta VALUES ('schema', '1')")
    connection.close()
    result = audit_cli(folder, "--db", legacy)
    no_trace(result)
    assert result.returncode == 0
    assert store_rows(legacy, "PRAGMA application_id") == [(APPLICATION_ID,)]
    assert store_rows(legacy, "SELECT count(*) FROM runs") == [(1,)]


def test_a_damaged_store_is_a_message_not_a_traceback(tmp_path):
    folder = archive_of(tmp_path, "a.txt")
    assert audit_cli(folder).returncode == 0
    db = folder / DB_NAME
    data = db.read_bytes()
    db.write_bytes(data[:100] + bytes(range(256)) * ((len(data) - 100) // 256 + 1))  # our header, garbage pages
    result = audit_cli(folder)
    no_trace(result)
    assert result.returncode == 2 and "审计数据库已损坏" in stderr(result)


def test_a_store_locked_by_another_program_is_a_message(tmp_path, monkeypatch):
    folder = archive_of(tmp_path, "a.txt")
    assert audit_here(folder).exit_code == 0
    (folder / "b.txt").write_bytes(OTHER_NPC)  # something to write
    monkeypatch.setattr(store_module, "LOCK_WAIT_SECONDS", 0.2)
    holder = sqlite3.connect(folder / DB_NAME, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        result = audit_here(folder)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 2
    assert "正被另一个程序使用" in result.output and "Traceback" not in result.output


def test_sqlite_failures_are_worded_for_a_person(tmp_path):
    db = tmp_path / "x.sqlite"
    sqlite3.connect(db).close()
    readonly = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    with pytest.raises(sqlite3.Error) as raised:
        readonly.execute("CREATE TABLE t (x)")
    readonly.close()
    assert "只读" in describe_sqlite_error(db, raised.value)
    not_a_db = tmp_path / "text.sqlite"
    not_a_db.write_bytes(b"x" * 4096)
    with pytest.raises(sqlite3.Error) as raised:
        sqlite3.connect(not_a_db).execute("SELECT * FROM sqlite_master").fetchall()
    assert "不是 SQLite 数据库" in describe_sqlite_error(not_a_db, raised.value)


# ---- the disk it writes to -----------------------------------------------------------------------------------------

def test_a_full_disk_while_storing_is_one_message_and_the_store_stays_usable(tmp_path):
    folder = findings_archive(tmp_path / "archive", copies=8)
    db = tmp_path / "audit.sqlite"
    result = audit_cli(folder, "--db", db, file_size=48 * 1024)  # the findings of 32 letters need far more
    no_trace(result)
    assert result.returncode == 2
    assert "审计数据库" in stderr(result) and "磁盘" in stderr(result)
    again = audit_cli(folder, "--db", db)  # room again: the interrupted audit left nothing half-written
    no_trace(again)
    assert again.returncode == 1 and f"已检查 {8 * len(DEFECTIVE)} 封" in again.stdout.decode("utf-8")


# The disk fills up once the store is written and closed, while the report is written: every file the process
# writes from then on stops at 40 KiB (RLIMIT_FSIZE; Python ignores SIGXFSZ, so a write fails with EFBIG).
REPORTS_ON_A_FULL_DISK = """
import resource
import checker.audit as audit

def on_a_full_disk(write):
    def limited(*args, **kwargs):
        resource.setrlimit(resource.RLIMIT_FSIZE, (40 * 1024, 40 * 1024))
        return write(*args, **kwargs)
    return limited

audit.write_html = on_a_full_disk(audit.write_html)
audit.write_xlsx = on_a_full_disk(audit.write_xlsx)
from checker.cli import main
main()
"""


@pytest.mark.parametrize("option", ["--html", "--xlsx"])
def test_a_full_disk_while_writing_a_report_is_one_message_and_no_partial_file(tmp_path, option):
    folder = findings_archive(tmp_path / "archive", copies=30)
    db = tmp_path / "audit.sqlite"
    reports = tmp_path / "reports"
    reports.mkdir()
    target = reports / f"report.{option[2:]}"
    assert audit_cli(folder, "--db", db, option, target).returncode == 1  # the store, and the report, once
    target.write_bytes(b"the previous report")
    result = run_cli("audit", "--jobs", "1", "--db", str(db), option, str(target),
                     str(folder), timeout=QUICK, program=REPORTS_ON_A_FULL_DISK)
    no_trace(result)
    assert result.returncode == 2
    assert f"无法写入 {target}：磁盘空间不足" in stderr(result)
    assert target.read_bytes() == b"the previous report"  # the old report stays whole
    assert sorted(p.name for p in reports.iterdir()) == [target.name]  # no temporary file left behind


def test_a_file_dated_after_2262_is_audited_and_found_again(tmp_path):
    """Its modification time in nanoseconds is past SQLite's 64-bit integers."""
    folder = archive_of(tmp_path, "good.txt")
    far = 41_024_448_000  # the year 3270
    os.utime(folder / "good.txt", (far, far))
    db = tmp_path / "audit.sqlite"
    for _ in range(2):  # stored, then found again by its hash
        result = audit_cli(folder, "--db", db)
        no_trace(result)
        assert result.returncode == 0, stderr(result)
        assert "已检查 1 封" in result.stdout.decode("utf-8")
