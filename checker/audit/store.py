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
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

SCHEMA_VERSION = 1
RACY_SECONDS = 2.0

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


class Store:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(self.path), timeout=60, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA temp_store=MEMORY")
            self.db.executescript(_SCHEMA)
            version = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if version is None:
                self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            elif version[0] != str(SCHEMA_VERSION):
                raise StoreError(f"{self.path}: 审计数据库的格式版本是 {version[0]}，本工具使用 {SCHEMA_VERSION}；"
                                 "请换一个 --db 文件或删除它后重新审计")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: 无法打开审计数据库：{exc}（可用 --db 指定别的位置）") from None
        except OSError as exc:
            raise StoreError(f"{self.path}: 无法创建审计数据库：{exc.strerror or exc}（可用 --db 指定别的位置）") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- reads ------------------------------------------------------------------------------------------------

    def known_files(self) -> dict[str, tuple[int, int, int, str]]:
        """path → (size, mtime_ns, hashed_ns, sha256), for the whole table (one query)."""
        return {row[0]: row[1:] for row in self.db.execute("SELECT path, size, mtime_ns, hashed_ns, sha256 FROM files")}

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
        self.db.executemany("INSERT OR REPLACE INTO files (path, size, mtime_ns, hashed_ns, sha256) VALUES (?, ?, ?, ?, ?)",
                            rows)

    def save_results(self, results: Iterable[Result], base: str) -> None:
        db = self.db
        for r in results:
            db.execute("DELETE FROM findings WHERE sha256=? AND ruleset=?", (r.sha256, r.ruleset))
            db.execute(f"INSERT OR REPLACE INTO results (base, {', '.join(_RESULT_COLUMNS)}) "
                       f"VALUES ({', '.join('?' * (len(_RESULT_COLUMNS) + 1))})",
                       (base, r.sha256, r.ruleset, r.path, r.checked_at, r.kind, r.organ, r.year, r.date, r.doc_number,
                        r.title, r.error, r.n_error, r.n_warning, r.n_info, r.digest))
            db.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [f.as_row(r.sha256, r.ruleset, i) for i, f in enumerate(r.findings or ())])

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
        cursor = self.db.execute(f"INSERT INTO runs ({columns}) VALUES ({', '.join('?' * len(run))})", tuple(run.values()))
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
            self.db.execute("COMMIT")
        else:
            self.db.execute("ROLLBACK")
        return False


__all__ = ["Store", "StoreError", "Result", "Finding", "make_digest", "RACY_SECONDS", "SCHEMA_VERSION"]
