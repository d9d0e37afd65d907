"""One audit: find the letters, re-use what the store knows, check the rest, record the run.

For each discovered file:

1. its rule-set version (``fingerprint``), computed without compiling the rules;
2. its SHA-256 from the ``files`` table when size and modification time are unchanged, and the stored result
   for (hash, version): no read at all;
3. else its bytes, read once through the checker's bounded reader (``read_letter``), hashed, and — when the
   store has no result for that content — checked as they are (``run_batch``, in worker processes with
   ``jobs`` > 1); fresh results are stored.

Everything is written in one transaction at the end, with the run's counts (``runs``). Only what was read is
stored: a file that could not be read (gone for a moment, a pipe, no permission) is reported for this audit
and stored nowhere; results that depend on the moment rather than on the bytes (a time-out, memory) are not
stored either.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import time
import unicodedata
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

from .. import __version__
from ..batch import TRANSIENT_ERRORS, Selection, default_jobs, discover, run_batch, time_limit
from ..config import Configurator, Overrides
from ..limits import MiB
from ..names import printable_path
from ..sources import SourceError, read_file_bytes
from ..tomlfile import tomllib
from .fingerprint import Fingerprints
from .store import RACY_SECONDS, Finding, Result, Store, make_digest

if TYPE_CHECKING:
    from ..model import FileResult

DB_NAME = ".replylint-audit.sqlite"
READ_SECONDS = 30.0  # reading one file's bytes: milliseconds, unless its disk or network share stopped answering
MAX_WAITING_BYTES = 64 * MiB  # bytes read and waiting for their check: a first audit of a big archive goes in rounds
_MAX_SOURCE_LINES = 3  # offending lines kept per finding


@dataclass
class Entry:
    """One file of this audit: its stored result, or the problem that kept it from being checked."""

    path: str
    result: Optional[Result] = None
    problem: Optional[str] = None  # discovery or read problem when there is no result
    fail_on: str = "warning"


@dataclass
class Audit:
    entries: list[Entry]
    db_path: Path
    base: str
    seconds: float
    rechecked: int
    reused: int
    runs: list[dict] = field(default_factory=list)
    paths: tuple[str, ...] = ()
    catalogue: dict[str, dict] = field(default_factory=dict)  # rule code → name, title, severity, description


@lru_cache(maxsize=1)
def rule_catalogue() -> dict[str, dict]:
    """code → name, title, severity, description (first paragraph), read from the rule files without compiling them."""
    from ..resources import data_dir

    out = {}
    try:
        files = sorted(data_dir("rules").glob("*.toml"))
    except FileNotFoundError:
        return out
    for path in files:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            continue
        for rule in data.get("rule", []):
            if isinstance(rule, dict) and "code" in rule:
                description = " ".join(str(rule.get("description", "")).split())
                out[rule["code"]] = {"name": rule.get("name", ""), "title": rule.get("title", ""),
                                     "severity": rule.get("severity", ""), "description": description}
    return out


def stored_rule_catalogue(store: Store, base: str) -> dict[str, dict]:
    """``rule_catalogue`` kept in the store under the rule-set's base version: parsing every rule file
    (pure-Python TOML) would be a large part of re-auditing an unchanged archive."""
    key = f"catalogue-v2:{base}"  # v2: with each rule's title
    cached = store.block(key)
    if cached is not None:
        return json.loads(cached)
    catalogue = rule_catalogue()
    store.save_block(key, json.dumps(catalogue, ensure_ascii=False).encode("utf-8"), keep=4)
    return catalogue


def default_db_path(paths) -> Path:
    first = Path(str(paths[0]))
    folder = first if os.path.isdir(first) else first.parent
    return folder / DB_NAME


def read_letter(path: str) -> bytes:
    """A file's bytes through the checker's own reader (regular files only, at most MAX_BYTES + 1 bytes, a
    non-blocking open) and under a time limit; ``SourceError`` says in Chinese why it could not be read."""
    began = time.monotonic()
    try:
        with time_limit(READ_SECONDS):
            return read_file_bytes(path)
    except (SourceError, TimeoutError) as exc:
        if time.monotonic() - began >= READ_SECONDS:  # the reader words an interrupted read as an OSError
            raise SourceError(f"读取文件超过 {READ_SECONDS:g} 秒仍未完成，已跳过（文件所在的磁盘或网络共享可能无响应）") from None
        raise SourceError(str(exc)) from None


def is_transient(error: Optional[str]) -> bool:
    """An error that depends on the moment (time, memory, a worker process that died), not on the bytes: it
    is not stored, and the file is checked again by the next audit."""
    return bool(error) and any(mark in error for mark in TRANSIENT_ERRORS)


# ---- what a checked letter gives the store ------------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DOC_YEAR = re.compile(r"[〔\[（(【［〖{｛]\s*((?:19|20)\d{2})\s*[〕\]）)】］〗}｝]")
_SPACES = re.compile(r"\s+")


def normalise_organ(value: Optional[str]) -> Optional[str]:
    """One spelling per organ: NFKC, no spaces or markdown marks, no trailing 文件 of the 版头 mark."""
    if not value:
        return None
    text = _SPACES.sub("", unicodedata.normalize("NFKC", value)).strip("#*>_`")
    if text.endswith("文件") and len(text) > 4:
        text = text[:-2]
    return text or None


def _value(fields: dict, name: str):
    item = fields.get(name)
    return item.get("value") if isinstance(item, dict) else None


def iso_date(value) -> Optional[str]:
    if not isinstance(value, str):
        return None
    m = _ISO.match(value)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


def doc_year(fields: dict) -> Optional[int]:
    item = fields.get("doc_number")
    if not isinstance(item, dict):
        return None
    year = item.get("year")
    if isinstance(year, (int, str)) and str(year).isdigit():
        return int(year)
    m = _DOC_YEAR.search(str(item.get("value") or item.get("raw") or ""))
    return int(m[1]) if m else None


def _source_excerpt(lines: list[str], line: int, end_line: int) -> Optional[str]:
    if not (1 <= line <= len(lines)):
        return None
    last = min(len(lines), max(line, end_line), line + _MAX_SOURCE_LINES - 1)
    return "\n".join(text.rstrip("\r\n") for text in lines[line - 1:last])


def to_result(file_result: FileResult, sha256: str, ruleset: str, checked_at: str) -> Result:
    if file_result.error:
        return Result(sha256=sha256, ruleset=ruleset, path=file_result.path, checked_at=checked_at,
                      kind=file_result.kind.value, error=file_result.error)
    from ..reporters.json_format import fields_of

    fields = fields_of(file_result)
    date = iso_date(_value(fields, "date"))
    year = int(date[:4]) if date else doc_year(fields)
    organ = None
    for name in ("organ_mark", "signature_organ", "print_organ"):
        organ = normalise_organ(_value(fields, name))
        if organ:
            break
    counts = {"error": 0, "warning": 0, "info": 0}
    findings = []
    lines = file_result.source_lines
    for d in file_result.diagnostics:
        severity = d.severity.value
        counts[severity] = counts.get(severity, 0) + 1
        findings.append(Finding(
            code=d.code, rule=d.rule, severity=severity, line=d.span.line, column=d.span.column,
            end_line=d.span.end_line, end_column=d.span.end_column, message=d.message,
            fix=None if d.fix is None else d.fix.replacement, location=getattr(d, "location", None),
            source=_source_excerpt(lines, d.span.line, d.span.end_line)))
    doc_number = _value(fields, "doc_number")
    title = _value(fields, "title")
    return Result(sha256=sha256, ruleset=ruleset, path=file_result.path, checked_at=checked_at,
                  kind=file_result.kind.value, organ=organ, year=year, date=date,
                  doc_number=doc_number if isinstance(doc_number, str) else None,
                  title=title if isinstance(title, str) else None, error=None, n_error=counts["error"],
                  n_warning=counts["warning"], n_info=counts["info"], findings=findings, digest=make_digest(findings))


# ---- the audit ----------------------------------------------------------------------------------------------------

def run_audit(paths, overrides: Overrides = Overrides(), *, selection: Selection = Selection(), jobs: int = 1,
              db_path: Optional[str | Path] = None, since: Optional[str] = None,
              skip: tuple[str | Path, ...] = (), with_findings: bool = False,
              progress: Optional[Callable[[int], object]] = None) -> Audit:
    """Audit files and folders. ``progress(total)`` returns a context manager yielding an ``advance(n)``
    callable (or None), as ``cli._progress``. ``skip`` names files never to audit (the report outputs).
    Fresh results carry their findings; ``with_findings`` loads those of stored results too (the workbook
    lists them; the HTML report does not need them, see ``html.write_html``). Raises ConfigError,
    RuleFileError, StoreError."""

    from ..gcpause import batch_gc

    with batch_gc():  # thousands of long-lived rows: automatic collections would rescan them again and again
        return _run_audit(paths, overrides, selection, jobs, db_path, since, skip, with_findings, progress)


def _run_audit(paths, overrides, selection, jobs, db_path, since, skip, with_findings, progress) -> Audit:
    start = time.perf_counter()
    started_at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    paths = [str(p) for p in paths]
    db_path = Path(db_path) if db_path else default_db_path(paths)
    ignored = {os.path.abspath(p) for p in (*skip, db_path, f"{db_path}-wal", f"{db_path}-shm", f"{db_path}-journal")}
    configurator = Configurator(overrides)  # a --config that does not exist fails here, before the store is made
    fingerprints = Fingerprints(configurator)

    with Store(db_path) as store:
        known = store.known_files()
        entries: list[Entry] = []
        rulesets: list[str] = []
        stats: list[Optional[os.stat_result]] = []
        fast: dict[int, tuple[str, str]] = {}  # entry → key, from the files table (unchanged since it was hashed)
        racy = int(RACY_SECONDS * 1e9)
        for path, problem in discover(paths, selection):
            absolute = os.path.abspath(path)
            if absolute in ignored:
                continue
            ruleset, fail_on = fingerprints.for_path(path)
            entries.append(Entry(path=path, fail_on=fail_on, problem=problem))
            rulesets.append(ruleset)
            st = None
            if not problem:
                try:
                    st = os.stat(path)
                except OSError:
                    pass  # reading it says why (gone, no permission …)
            stats.append(st)
            record = known.get(absolute) if st is not None else None
            if (record is not None and record[0] == st.st_size and record[1] == st.st_mtime_ns
                    and record[2] - st.st_mtime_ns > racy):
                fast[len(entries) - 1] = (record[3], ruleset)

        stored = store.results_for(fast.values())
        reused = 0
        to_read = []
        for i, entry in enumerate(entries):
            if entry.problem:
                continue
            key = fast.get(i)
            if key in stored:
                entry.result = stored[key]
                reused += 1
            else:
                to_read.append(i)  # unknown, changed, or known content without a result under this rule-set

        checking = _Checking(store, configurator, jobs or default_jobs(), stored)
        context = progress(len(to_read)) if progress and to_read else nullcontext(None)
        with context as advance:
            checking.advance = advance
            for i in to_read:
                checking.add(entries[i], rulesets[i], stats[i])
            checking.finish()
        if not checking.validated and not stored:
            configurator.for_path(paths[0])  # nothing checked nor stored: the settings are still validated
        reused += checking.reused

        if with_findings:
            store.load_findings(e.result for e in entries if e.result is not None)

        seconds = time.perf_counter() - start
        counts = run_counts(entries)
        run = {"started_at": started_at, "seconds": round(seconds, 3), "tool_version": __version__,
               "base": fingerprints.base, "paths": "\n".join(map(printable_path, paths)), "since": since, **counts,
               "rechecked": checking.checked, "reused": reused}
        with store.transaction():
            store.remember_files(checking.remembered)
            store.save_results(checking.fresh, fingerprints.base)
            store.record_run(run)
        runs = store.runs()
        catalogue = stored_rule_catalogue(store, fingerprints.base)
    return Audit(entries=entries, db_path=db_path, base=fingerprints.base, seconds=time.perf_counter() - start,
                 rechecked=checking.checked, reused=reused, runs=runs, paths=tuple(paths), catalogue=catalogue)


class _Checking:
    """Files read once each, in order: the bytes read are hashed, and when the store has no result for that
    content they are the very bytes checked (no second read that could differ). Bytes wait for their check in
    rounds of at most ``MAX_WAITING_BYTES``. A file that cannot be read is reported for this audit only: no
    hash, nothing stored, read again next time."""

    def __init__(self, store: Store, configurator: Configurator, jobs: int, stored: dict):
        self.store, self.configurator, self.jobs, self.stored = store, configurator, jobs, stored
        self.advance: Optional[Callable[[int], object]] = None
        self.now = time.time_ns()  # before any read: a file changed while it is read looks "racy" next time
        self.remembered: list[tuple] = []  # files table rows: what was read, with the stat taken before
        self.fresh: list[Result] = []  # results to store
        self.waiting: dict[tuple[str, str], list[Entry]] = {}  # content to check → the entries that have it
        self.round: list[tuple[Entry, tuple[str, str], bytes]] = []
        self.held = 0
        self.checked = self.reused = 0
        self.validated = False

    def _advance(self, n: int = 1) -> None:
        if self.advance:
            self.advance(n)

    def add(self, entry: Entry, ruleset: str, st: Optional[os.stat_result]) -> None:
        try:
            data = read_letter(entry.path)
        except SourceError as exc:
            entry.problem = str(exc)
            self._advance()
            return
        digest = hashlib.sha256(data).hexdigest()
        if st is not None:
            self.remembered.append((os.path.abspath(entry.path), st.st_size, st.st_mtime_ns, self.now, digest))
        key = (digest, ruleset)
        if key in self.stored:  # checked earlier in this audit
            entry.result = self.stored[key]
            self.reused += 1
            self._advance()
        elif key in self.waiting:  # the same content waits for its check
            self.waiting[key].append(entry)
            self.reused += 1
            self._advance()
        else:
            self.waiting[key] = [entry]
            self.round.append((entry, key, data))
            self.held += len(data)
            if self.held >= MAX_WAITING_BYTES:
                self.finish()

    def finish(self) -> None:
        """Look up the round's content in the store, check what it does not know, and hand out the results."""
        if not self.round:
            return
        found = self.store.results_for(key for _, key, _ in self.round)
        self.stored.update(found)
        todo = [(entry, key, data) for entry, key, data in self.round if key not in found]
        self._advance(len(self.round) - len(todo))
        self.reused += len(self.round) - len(todo)
        if todo:
            if not self.validated:
                # Settings are validated in full (selectors, profile) when something is checked; when
                # everything is re-used, the same settings were validated by the audit that stored the results.
                self.configurator.for_path(todo[0][0].path)  # fails here, once
                self.validated = True
            items = [(entry.path, None, data) for entry, _, data in todo]
            results = run_batch(items, self.configurator, jobs=self.jobs, progress=self.advance)
            checked_at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
            for (entry, key, _), file_result in zip(todo, results):
                result = self.stored[key] = to_result(file_result, key[0], key[1], checked_at)
                if not is_transient(result.error):
                    self.fresh.append(result)
            self.checked += len(todo)
        for key, waiting in self.waiting.items():
            for entry in waiting:
                entry.result = self.stored[key]
        self.waiting.clear()
        self.round = []
        self.held = 0


def run_counts(entries: list[Entry]) -> dict:
    """The counts of a run over the whole archive (the ``runs`` row)."""
    checked = compliant = with_findings = unreadable = n_error = n_warning = n_info = 0
    for e in entries:
        r = e.result
        if r is None or r.error:
            unreadable += 1
            continue
        checked += 1
        n_error += r.n_error
        n_warning += r.n_warning
        n_info += r.n_info
        compliant += r.compliant
        with_findings += r.n_findings > 0
    return {"files": len(entries), "checked": checked, "compliant": compliant, "with_findings": with_findings,
            "unreadable": unreadable, "n_error": n_error, "n_warning": n_warning, "n_info": n_info}


__all__ = ["run_audit", "Audit", "Entry", "default_db_path", "normalise_organ", "to_result", "DB_NAME"]
