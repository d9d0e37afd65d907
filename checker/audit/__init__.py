"""``replylint audit``: audit an archive of sent letters for supervisors.

    audit = run_audit(["archive/"], overrides, jobs=0)      # checks only what changed since the last audit
    report = build_report(audit, since="2024-01-01")        # the numbers, shared by every output
    write_html(report, "report.html"); write_xlsx(report, "report.xlsx")

Modules: ``fingerprint`` (rule-set versions), ``store`` (the SQLite database), ``collect`` (one audit),
``stats`` (the report's numbers), ``html`` and ``xlsx`` (the outputs). Imported only by the ``audit`` command,
so that ``replylint check`` never loads sqlite3 or openpyxl.
"""

from __future__ import annotations

from pathlib import Path

from .collect import DB_NAME, Audit, default_db_path, run_audit
from .stats import AuditReport, build_report, parse_since
from .store import Store, StoreError


def write_html(report: AuditReport, path: str | Path) -> None:
    """The HTML report, atomically; what an earlier report of the same letters rendered is re-used."""
    from .html import write_html as write

    write(report, path)


def write_xlsx(report: AuditReport, path: str | Path) -> None:
    from .xlsx import write_xlsx as write

    write(report, path)


__all__ = ["run_audit", "build_report", "parse_since", "write_html", "write_xlsx", "Audit", "AuditReport", "Store",
           "StoreError", "DB_NAME", "default_db_path"]
