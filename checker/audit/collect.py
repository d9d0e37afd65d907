"""One audit: find the letters, re-use what the store knows, check the rest, record the run.

For each discovered file:

1. its SHA-256, from the ``files`` table when size and modification time are unchanged (no read), else by
   reading it;
2. its rule-set version (``fingerprint``), computed without compiling the rules;
3. the stored result for (hash, version), or, when there is none, a fresh check (``run_batch``, in worker
   processes with ``jobs`` > 1); fresh results are stored.

Everything is written in one transaction at the end, with the run's counts (``runs``). Results that depend
on the moment rather than on the bytes (a time-out, memory) are not stored.
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
from ..batch import TRANSIENT_ERRORS, Selection, default_jobs, discover, run_batch
from ..config import Configurator, Overrides
from ..tomlfile import tomllib
from .fingerprint import Fingerprints
from .store import RACY_SECONDS, Finding, Result, Store, make_digest

if TYPE_CHECKING:
    from ..model import FileResult

DB_NAME = ".replylint-audit.sqlite"
# errors that depend on the moment, not on the file's bytes: checked again next time
_TRANSIENT = TRANSIENT_ERRORS
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
    catalogue: dict[str, dict] = field(default_factory=dict)  # rule code → name, severity, description


@lru_cache(maxsize=1)
def rule_catalogue() -> dict[str, dict]:
    """code → name, severity, description (first paragraph), read from the rule files without compiling them."""
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
                out[rule["code"]] = {"name": rule.get("name", ""), "severity": rule.get("severity", ""),
                                     "description": description}
    return out


def stored_rule_catalogue(store: Store, base: str) -> dict[str, dict]:
    """``rule_catalogue`` kept in the store under the rule-set's base version: parsing every rule file
    (pure-Python TOML) would be a large part of re-auditing an unchanged archive."""
    key = f"catalogue:{base}"
    cached = store.block(key)
    if cached is not None:
        return json.loads(cached)
    catalogue = rule_catalogue()
    store.save_block(key, json.dumps(catalogue, ensure_ascii=False).encode("utf-8"), keep=4)
    return catalogue


def default_db_path(paths) -> Path:
    first = Path(str(paths[0]))
    folder = first if first.is_dir() else first.parent
    return folder / DB_NAME


def sha256_of(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


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
        keys: list[Optional[tuple[str, str]]] = []
        remembered: list[tuple] = []
        now = time.time_ns()
        racy = int(RACY_SECONDS * 1e9)
        for path, problem in discover(paths, selection):
            absolute = os.path.abspath(path)
            if absolute in ignored:
                continue
            ruleset, fail_on = fingerprints.for_path(path)
            entry = Entry(path=path, fail_on=fail_on, problem=problem)
            entries.append(entry)
            if problem:
                keys.append(None)
                continue
            try:
                st = os.stat(path)
                record = known.get(absolute)
                if (record is not None and record[0] == st.st_size and record[1] == st.st_mtime_ns
                        and record[2] - st.st_mtime_ns > racy):
                    digest = record[3]
                else:
                    digest = sha256_of(path)
                    remembered.append((absolute, st.st_size, st.st_mtime_ns, now, digest))
            except OSError:
                keys.append(None)  # the checker words the problem (permission, a folder …) and nothing is stored
                continue
            keys.append((digest, ruleset))

        stored = store.results_for(k for k in keys if k is not None)
        misses: list[int] = []  # entries to check: unknown content (each once), and files that could not be hashed
        copies: list[int] = []  # further files with the content of one of those
        pending: set[tuple[str, str]] = set()
        for i, key in enumerate(keys):
            if key is None:
                if entries[i].problem is None:
                    misses.append(i)
            elif key in stored:
                entries[i].result = stored[key]
            elif key in pending:
                copies.append(i)
            else:
                pending.add(key)
                misses.append(i)

        fresh: list[Result] = []
        if misses or not stored:
            # Settings are validated in full (selectors, profile) when something is checked; when everything
            # is re-used, the same settings were validated by the audit that stored the results.
            configurator.for_path(entries[misses[0]].path if misses else paths[0])  # fails here, once
            items = [(entries[i].path, None) for i in misses]
            context = progress(len(items)) if progress else nullcontext(None)
            with context as advance:
                checked = run_batch(items, configurator, jobs=jobs or default_jobs(), progress=advance)
            checked_at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
            for i, file_result in zip(misses, checked):
                entry, key = entries[i], keys[i]
                if key is None:
                    entry.problem = file_result.error or "无法读取文件"
                    continue
                result = to_result(file_result, key[0], key[1], checked_at)
                entry.result = result
                stored[key] = result
                if not (result.error and result.error.startswith(_TRANSIENT)):
                    fresh.append(result)
            for i in copies:
                entries[i].result = stored[keys[i]]

        if with_findings:
            store.load_findings(e.result for e in entries if e.result is not None)

        seconds = time.perf_counter() - start
        counts = run_counts(entries)
        run = {"started_at": started_at, "seconds": round(seconds, 3), "tool_version": __version__,
               "base": fingerprints.base, "paths": "\n".join(paths), "since": since, **counts,
               "rechecked": len(misses), "reused": len(entries) - len(misses)}
        with store.transaction():
            store.remember_files(remembered)
            store.save_results(fresh, fingerprints.base)
            store.record_run(run)
        runs = store.runs()
        catalogue = stored_rule_catalogue(store, fingerprints.base)
    return Audit(entries=entries, db_path=db_path, base=fingerprints.base, seconds=time.perf_counter() - start,
                 rechecked=len(misses), reused=len(entries) - len(misses), runs=runs, paths=tuple(paths),
                 catalogue=catalogue)


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
