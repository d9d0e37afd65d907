"""The audit store: an embedded SQLite database beside the archive (``.replylint-audit.sqlite``).

Tables (plain SQL, so that a supervisor can also query them with any SQLite tool):

``files``      path → (size, mtime_ns, sha256): the fast path. A file whose size and modification time are
               unchanged is not read again; its recorded hash is trusted unless the modification time fell
               within ``RACY_SECONDS`` of the moment it was hashed (the file may have changed again in the
               same clock tick), in which case it is re-hashed.
``results``    one row per (sha256, ruleset): what ``check`` said about that content under that rule-set
               version (see ``fingerprint``): kind, organ, year, 成文日期, 文号, the counts and the error of
               an unreadable file.
``findings``   the diagnostics of a result, one row each, with the offending source lines.
``fragments``  the HTML of a result (its table cells and its findings), rendered once per renderer version.
``blocks``     the HTML of the latest reports' letter table and details, keyed by what they show: re-auditing
               an unchanged archive neither loads the letters' findings nor renders them again.
``runs``       one row per audit: when, what, and its counts — the trend over runs.

Results of an older tool or rule catalogue (another ``base`` version) can never be used again and are
deleted by the next audit.

Everything an audit writes is written in one transaction, with the database in WAL mode.

The store is marked as replylint's (``PRAGMA application_id`` and a ``meta`` row) and a file is checked before
anything is written to it: ``--db`` naming another program's database, or a file that is not SQLite at all,
is refused untouched. Every SQLite failure (a full disk, a lock held too long, a read-only or damaged file)
becomes a ``StoreError`` that says so in Chinese.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Union

from ..names import printable_path

SCHEMA_VERSION = 1
RACY_SECONDS = 2.0
APPLICATION_ID = 0x524C4155  # "RLAU" in the file header: this SQLite file is a replylint audit store
APPLICATION = "replylint-audit"  # the same, in the meta table, for a person reading it with any SQLite tool
LOCK_WAIT_SECONDS = 15.0  # another audit's final transaction takes seconds; longer than this is a stuck lock
_SQLITE_MAGIC = b"SQLite format 3\x00"
_HEADER_BYTES = 100

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    hashed_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS results (
    sha256 TEXT NOT NULL,
    ruleset TEXT NOT NULL,
    base TEXT NOT NULL,
    path TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    kind TEXT NOT NULL,
    organ TEXT,
    year INTEGER,
    date TEXT,
    doc_number TEXT,
    title TEXT,
    error TEXT,
    n_error INTEGER NOT NULL,
    n_warning INTEGER NOT NULL,
    n_info INTEGER NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY (sha256, ruleset)
);
CREATE TABLE IF NOT EXISTS findings (
    sha256 TEXT NOT NULL,
    ruleset TEXT NOT NULL,
    seq INTEGER NOT NULL,
    code TEXT NOT NULL,
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    line INTEGER NOT NULL,
    col INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    end_col INTEGER NOT NULL,
    message TEXT NOT NULL,
    fix TEXT,
    location TEXT,
    source TEXT,
    PRIMARY KEY (sha256, ruleset, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fragments (
    sha256 TEXT NOT NULL,
    ruleset TEXT NOT NULL,
    version TEXT NOT NULL,
    cells TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (sha256, ruleset)
);
CREATE TABLE IF NOT EXISTS blocks (
    key TEXT PRIMARY KEY,
    created_ns INTEGER NOT NULL,
    html BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    seconds REAL NOT NULL,
    tool_version TEXT NOT NULL,
    base TEXT NOT NULL,
    paths TEXT NOT NULL,
    since TEXT,
    files INTEGER NOT NULL,
    checked INTEGER NOT NULL,
    compliant INTEGER NOT NULL,
    with_findings INTEGER NOT NULL,
    unreadable INTEGER NOT NULL,
    n_error INTEGER NOT NULL,
    n_warning INTEGER NOT NULL,
    n_info INTEGER NOT NULL,
    rechecked INTEGER NOT NULL,
    reused INTEGER NOT NULL
);
"""


_INT64 = (-(1 << 63), (1 << 63) - 1)


def _sqlite_int(value: int) -> int:
    """``value`` within SQLite's 64-bit integers."""
    return min(max(value, _INT64[0]), _INT64[1])


class StoreError(Exception):
    """The database cannot be opened or written; the message says where and why."""


@dataclass(slots=True)
class Finding:
    code: str
    rule: str
    severity: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    fix: Optional[str] = None
    location: Optional[str] = None
    source: Optional[str] = None  # the offending line(s), as in the file

    def as_row(self, sha256: str, ruleset: str, seq: int) -> tuple:
        return (sha256, ruleset, seq, self.code, self.rule, self.severity, self.line, self.column, self.end_line,
                self.end_column, self.message, self.fix, self.location, self.source)


@dataclass(slots=True)
class Result:
    """What the store holds for one content under one rule-set version."""

    sha256: str
    ruleset: str
    path: str
    checked_at: str
    kind: str = "unknown"
    organ: Optional[str] = None
    year: Optional[int] = None
    date: Optional[str] = None
    doc_number: Optional[str] = None
    title: Optional[str] = None
    error: Optional[str] = None
    n_error: int = 0
    n_warning: int = 0
    n_info: int = 0
    # one "code severity rule" line per finding, in order: enough for the statistics without loading findings
    digest: str = ""
    findings: Optional[list] = None  # None: not loaded (see Store.load_findings)

    @property
    def compliant(self) -> bool:
        """Checked, and no error or warning (what the compliance rate counts)."""
        return self.error is None and self.n_error == 0 and self.n_warning == 0

    @property
    def n_findings(self) -> int:
        return self.n_error + self.n_warning + self.n_info


def make_digest(findings: list[Finding]) -> str:
    return "\n".join(f"{f.code} {f.severity} {f.rule}" for f in findings)


_RESULT_COLUMNS = ("sha256", "ruleset", "path", "checked_at", "kind", "organ", "year", "date", "doc_number", "title",
                   "error", "n_error", "n_warning", "n_info", "digest")


_TABLES = frozenset(("meta", "files", "results", "findings", "fragments", "blocks", "runs"))

# What a person can do about each kind of SQLite failure (by the primary result code's name)
_SQLITE_PROBLEMS = {
    "SQLITE_FULL": "磁盘空间不足，无法写入审计数据库",
    "SQLITE_IOERR": "读写审计数据库时发生磁盘错误（可能是磁盘已满或设备故障）",
    "SQLITE_BUSY": "审计数据库正被另一个程序使用，等待 {wait:g} 秒后仍被锁定；请稍后再试",
    "SQLITE_LOCKED": "审计数据库正被另一个程序使用，等待 {wait:g} 秒后仍被锁定；请稍后再试",
    "SQLITE_READONLY": "审计数据库是只读的（没有写入权限）",
    "SQLITE_PERM": "没有写入审计数据库的权限",
    "SQLITE_CANTOPEN": "无法打开审计数据库文件（所在目录不存在或没有权限）",
    "SQLITE_CORRUPT": "审计数据库已损坏；删除它后重新审计即可（全部文件会重新检查）",
    "SQLITE_NOTADB": "这个文件不是 SQLite 数据库",
}


def describe_sqlite_error(path: Union[str, Path], exc: sqlite3.Error) -> str:
    name = getattr(exc, "sqlite_errorname", "") or ""
    problem = next((text.format(wait=LOCK_WAIT_SECONDS) for code, text in _SQLITE_PROBLEMS.items()
                    if name == code or name.startswith(code + "_")), None)
    if problem is None:
        problem = f"审计数据库出错：{printable_path(str(exc))}"
    return f"{printable_path(str(path))}: {problem}；可用 --db 指定别的位置"


def _not_ours(path: Path, what: str) -> StoreError:
    return StoreError(f"{printable_path(str(path))}: {what}，不是 replylint 的审计数据库；为免损坏它，未作任何改动。"
                      "请用 --db 指定另一个文件（不存在的文件会新建）")


def _storable_row(values: Iterable) -> tuple:
    """Values SQLite can take as UTF-8 text: a name's undecodable bytes written ``\\xNN`` (``printable_path``)."""
    return tuple(printable_path(v) if isinstance(v, str) else v for v in values)


def path_key(path: str) -> Union[str, bytes]:
    """How the ``files`` table keys a path: as text, or, for a name that is not UTF-8 (an archive unzipped from
    Windows), as its exact bytes (a BLOB, which never equals a text key): the file is still found again."""
    shown = printable_path(path)
    if shown == path:
        return path
    try:
        return os.fsencode(path)
    except UnicodeEncodeError:  # a surrogate that did not come from the file system: shown, not found again
        return shown


def _header(path: Path) -> Optional[bytes]:
    """The first bytes of the file at ``path``, or None when there is no file yet. Only a regular file is
    opened (non-blocking): a pipe or a device named as the database can neither hang nor be written."""
    from ..sources import SourceError, read_file_bytes

    if not os.path.lexists(path):
        return None
    try:
        return read_file_bytes(path, _HEADER_BYTES - 1, what="审计数据库")
    except SourceError as exc:
        raise StoreError(f"{printable_path(str(path))}: {str(exc).removesuffix('，已跳过')}（可用 --db 指定别的位置）") from None


def _application_id(header: bytes) -> int:
    return int.from_bytes(header[68:72], "big")


class Store:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.db: Optional[sqlite3.Connection] = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            header = _header(self.path)
            if header and (len(header) < _HEADER_BYTES or not header.startswith(_SQLITE_MAGIC)):
                raise _not_ours(self.path, "这个文件不是 SQLite 数据库")
            if header and _application_id(header) not in (0, APPLICATION_ID):
                raise _not_ours(self.path, "这是别的程序的 SQLite 数据库")
            self.db = sqlite3.connect(self.path, timeout=LOCK_WAIT_SECONDS, isolation_level=None)
            if not (header and _application_id(header) == APPLICATION_ID):
                self._refuse_foreign_tables()  # before the first write (journal mode included)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA temp_store=MEMORY")
            if self.db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                self._create()
            version = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if version is None or version[0] != str(SCHEMA_VERSION):
                raise StoreError(f"{printable_path(str(self.path))}: 审计数据库的格式版本是 "
                                 f"{version[0] if version else '未知'}，本工具使用 {SCHEMA_VERSION}；"
                                 "请换一个 --db 文件或删除它后重新审计")
        except sqlite3.Error as exc:
            self.close()
            raise StoreError(describe_sqlite_error(self.path, exc)) from None
        except OSError as exc:
            self.close()
            raise StoreError(f"{printable_path(str(self.path))}: 无法创建审计数据库：{exc.strerror or exc}"
                             "（可用 --db 指定别的位置）") from None
        except BaseException:
            self.close()
            raise

    def _refuse_foreign_tables(self) -> None:
        """An SQLite file without replylint's mark: an empty one, or a store made before the mark existed
        (only replylint's tables), is taken; anything else belongs to another program."""
        rows = self.db.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
        if any(kind != "table" or name not in _TABLES for kind, name in rows):
            raise _not_ours(self.path, "这是别的程序的 SQLite 数据库")

    def _create(self) -> None:
        """Mark the file and create the tables, in one transaction: an audit killed meanwhile leaves an empty
        database, never half a schema. The check is repeated under the write lock."""
        with self.transaction():
            found = self.db.execute("PRAGMA application_id").fetchone()[0]
            if found not in (0, APPLICATION_ID):
                raise _not_ours(self.path, "这是别的程序的 SQLite 数据库")
            self._refuse_foreign_tables()
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('application', ?)", (APPLICATION,))

    def close(self) -> None:
        if self.db is not None:
            try:
                self.db.close()
            except sqlite3.Error:
                pass
            self.db = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        """SQLite failing anywhere inside the block (a full disk, a lock) ends it with a ``StoreError``."""
        self.close()
        if isinstance(exc, sqlite3.Error):
            raise StoreError(describe_sqlite_error(self.path, exc)) from None
        return False

    # ---- reads ------------------------------------------------------------------------------------------------

    def known_files(self) -> dict[str, tuple[int, int, int, str]]:
        """path → (size, mtime_ns, hashed_ns, sha256), for the whole table (one query)."""
        return {(os.fsdecode(row[0]) if isinstance(row[0], bytes) else row[0]): row[1:]
                for row in self.db.execute("SELECT path, size, mtime_ns, hashed_ns, sha256 FROM files")}

    def _wanted(self, keys: Iterable[tuple[str, str]]) -> None:
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (sha256 TEXT, ruleset TEXT, PRIMARY KEY (sha256, ruleset))"
                   " WITHOUT ROWID")
        db.execute("DELETE FROM temp.wanted")
        db.executemany("INSERT OR IGNORE INTO temp.wanted VALUES (?, ?)", keys)

    def results_for(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Result]:
        """The stored results for these (sha256, ruleset) keys (missing keys are absent), without findings."""
        wanted = set(keys)
        rulesets = sorted({ruleset for _, ruleset in wanted})
        columns = ", ".join(_RESULT_COLUMNS)
        out: dict[tuple[str, str], Result] = {}
        # by rule-set version (a handful), then by key in Python: no temporary table to fill and join
        for start in range(0, len(rulesets), 500):
            chunk = rulesets[start:start + 500]
            query = f"SELECT {columns} FROM results WHERE ruleset IN ({', '.join('?' * len(chunk))})"
            for row in self.db.execute(query, chunk):
                key = (row[0], row[1])
                if key in wanted:
                    out[key] = Result(*row)
        return out

    def findings_for(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], list[Finding]]:
        out: dict[tuple[str, str], list[Finding]] = {key: [] for key in keys}
        if not out:
            return out
        self._wanted(out)
        for row in self.db.execute("SELECT f.sha256, f.ruleset, f.code, f.rule, f.severity, f.line, f.col, f.end_line, "
                                   "f.end_col, f.message, f.fix, f.location, f.source FROM findings f "
                                   "JOIN temp.wanted w USING (sha256, ruleset) ORDER BY f.sha256, f.ruleset, f.seq"):
            out[(row[0], row[1])].append(Finding(*row[2:]))
        self.db.execute("DELETE FROM temp.wanted")
        return out

    def load_findings(self, results: Iterable[Result]) -> None:
        """Fill ``findings`` of these results (those not loaded yet) from the findings table."""
        todo = {(r.sha256, r.ruleset): r for r in results if r.findings is None}
        for key, findings in self.findings_for(todo).items():
            todo[key].findings = findings

    def fragments_for(self, keys: Iterable[tuple[str, str]], version: str) -> dict[tuple[str, str], tuple[str, str]]:
        """(sha256, ruleset) → (table cells, details body) rendered by renderer ``version``."""
        wanted = set(keys)
        if not wanted:
            return {}
        self._wanted(wanted)
        rows = self.db.execute("SELECT f.sha256, f.ruleset, f.cells, f.body FROM fragments f JOIN temp.wanted w "
                               "USING (sha256, ruleset) WHERE f.version = ?", (version,)).fetchall()
        self.db.execute("DELETE FROM temp.wanted")
        return {(sha, ruleset): (cells, body) for sha, ruleset, cells, body in rows}

    def block(self, key: str) -> Optional[bytes]:
        row = self.db.execute("SELECT html FROM blocks WHERE key = ?", (key,)).fetchone()
        return None if row is None else bytes(row[0])

    def runs(self, limit: int = 50) -> list[dict]:
        cursor = self.db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor][::-1]

    def count_results(self) -> int:
        return self.db.execute("SELECT count(*) FROM results").fetchone()[0]

    # ---- writes (call inside ``transaction``) --------------------------------------------------------------------

    def transaction(self):
        return _Transaction(self.db)

    def remember_files(self, rows: Iterable[tuple[str, int, int, int, str]]) -> None:
        # a file dated after 2262 has a modification time past SQLite's 64-bit integers: stored clamped, it
        # never matches, and the file is hashed again each time (its result is still found by its hash)
        self.db.executemany("INSERT OR REPLACE INTO files (path, size, mtime_ns, hashed_ns, sha256) VALUES (?, ?, ?, ?, ?)",
                            ((path_key(path), size, _sqlite_int(mtime_ns), _sqlite_int(hashed_ns), digest)
                             for path, size, mtime_ns, hashed_ns, digest in rows))

    def save_results(self, results: Iterable[Result], base: str) -> None:
        for r in results:
            try:
                self._save_result(r, base, tuple)
            except UnicodeEncodeError:  # text no UTF-8 encoder takes (a lone surrogate): stored escaped
                self._save_result(r, base, _storable_row)

    def _save_result(self, r: Result, base: str, row) -> None:
        db = self.db
        db.execute("DELETE FROM findings WHERE sha256=? AND ruleset=?", (r.sha256, r.ruleset))
        db.execute(f"INSERT OR REPLACE INTO results (base, {', '.join(_RESULT_COLUMNS)}) "
                   f"VALUES ({', '.join('?' * (len(_RESULT_COLUMNS) + 1))})",
                   row((base, r.sha256, r.ruleset, printable_path(r.path), r.checked_at, r.kind, r.organ, r.year,
                        r.date, r.doc_number, r.title, r.error, r.n_error, r.n_warning, r.n_info, r.digest)))
        db.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [row(f.as_row(r.sha256, r.ruleset, i)) for i, f in enumerate(r.findings or ())])

    def save_fragments(self, rows: Iterable[tuple[str, str, str, str]], version: str) -> None:
        """rows: (sha256, ruleset, table cells, details body)."""
        self.db.executemany("INSERT OR REPLACE INTO fragments VALUES (?, ?, ?, ?, ?)",
                            [(sha, ruleset, version, cells, body) for sha, ruleset, cells, body in rows])

    def save_block(self, key: str, html: bytes, keep: int = 2) -> None:
        """Keep the latest ``keep`` blocks of the key's kind (the part before ":"; several archives or --since
        views may share a store): report blocks and the cached rule catalogue age separately."""
        kind = key.split(":", 1)[0] + ":%" if ":" in key else None
        self.db.execute("INSERT OR REPLACE INTO blocks VALUES (?, ?, ?)", (key, time.time_ns(), html))
        if kind is None:
            self.db.execute("DELETE FROM blocks WHERE key NOT LIKE '%:%' AND key NOT IN (SELECT key FROM blocks "
                            "WHERE key NOT LIKE '%:%' ORDER BY created_ns DESC LIMIT ?)", (keep,))
        else:
            self.db.execute("DELETE FROM blocks WHERE key LIKE ? AND key NOT IN (SELECT key FROM blocks "
                            "WHERE key LIKE ? ORDER BY created_ns DESC LIMIT ?)", (kind, kind, keep))

    def record_run(self, run: dict) -> int:
        """Add a run with its counts; delete the results of an older tool or rule catalogue."""
        columns = ", ".join(run)
        cursor = self.db.execute(f"INSERT INTO runs ({columns}) VALUES ({', '.join('?' * len(run))})",
                                 _storable_row(run.values()))
        base = run["base"]
        if self.db.execute("SELECT EXISTS (SELECT 1 FROM results WHERE base <> ?)", (base,)).fetchone()[0]:
            stale = "SELECT sha256, ruleset FROM results WHERE base <> ?"
            for table in ("findings", "fragments"):
                self.db.execute(f"DELETE FROM {table} WHERE (sha256, ruleset) IN ({stale})", (base,))
            self.db.execute("DELETE FROM results WHERE base <> ?", (base,))
        return cursor.lastrowid


class _Transaction:
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            try:
                self.db.execute("COMMIT")
                return False
            except sqlite3.Error:
                self._rollback()
                raise
        self._rollback()
        return False

    def _rollback(self) -> None:
        """Undo what the transaction wrote; SQLite may have rolled back already (a full disk): the error that
        ended the transaction is the one to report, not a second one from here."""
        if self.db.in_transaction:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass


__all__ = ["Store", "StoreError", "Result", "Finding", "make_digest", "RACY_SECONDS", "SCHEMA_VERSION",
           "APPLICATION_ID", "describe_sqlite_error"]
