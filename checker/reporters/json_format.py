"""``--format json``: the machine contract documented in the README (version 1).

Later versions may add keys; they never rename or remove these. Added since: ``title`` of each diagnostic
(the rule's Chinese title, null for a code the catalogue does not know) and ``summary.with_problems`` (files
with an error or a warning; ``with_findings`` still counts 提示 too). JSON keeps every finding, 提示 included,
whatever ``--show-info`` says.
"""

from __future__ import annotations

import json

from .. import __version__
from ..model import FIELD_NAMES, FileResult, Letter, Report
from ..names import printable_path
from .titles import title_of

SCHEMA_VERSION = 1


def _field(letter: Letter, name: str):
    element = getattr(letter, name)
    if name == "headings":
        if not element:
            return None
        first = element[0]
        return {
            "value": [h.marker + h.text for h in element], "raw": first.raw, "line": first.span.line,
            "column": first.span.column,
            "items": [{"level": h.level, "marker": h.marker, "text": h.text, "line": h.span.line,
                       "column": h.span.column} for h in element],
        }
    if element is None:
        return None
    out = {"value": element.value, "raw": element.raw, "line": element.span.line, "column": element.span.column}
    if element.source != "letter":  # found only in a publishing system's metadata
        out["source"] = element.source
    placement = getattr(element, "placement", "standard")
    if placement != "standard":  # out of place, or a field of a form-style footer
        out["placement"] = placement
    if name == "salutation":
        out["name"] = element.name
        out["role"] = element.role
        out["names"] = element.names
        out["addressee"] = element.addressee
    return out


def fields_dict(letter: Letter | None) -> dict:
    return {name: (_field(letter, name) if letter is not None else None) for name in FIELD_NAMES}


def diagnostic_to_dict(d) -> dict:
    out = {
        "code": d.code, "rule": d.rule, "title": title_of(d.code), "severity": d.severity.value, "line": d.span.line,
        "column": d.span.column, "end_line": d.span.end_line, "end_column": d.span.end_column,
        "message": d.message,
        "fix": None if d.fix is None else {
            "replacement": d.fix.replacement, "line": d.fix.span.line, "column": d.fix.span.column,
            "end_line": d.fix.span.end_line, "end_column": d.fix.span.end_column, "safe": d.fix.safe,
        },
    }
    if d.location is not None:  # only for files whose lines are not an editor's (.docx, .pdf, .ofd)
        out["location"] = d.location
    return out


def fields_of(result: FileResult) -> dict:
    """The JSON ``fields``: from the letter, or as a worker process sent them back (``FileResult.fields``)."""
    return result.fields if result.letter is None and result.fields is not None else fields_dict(result.letter)


def file_to_dict(result: FileResult) -> dict:
    fields = fields_of(result)
    return {
        "path": printable_path(result.path),  # valid UTF-8 whatever the file name's bytes
        "kind": result.kind.value,
        "role": result.role,  # reply, co-handling; None: not a reply letter, or not read
        "error": result.error,
        "fields": fields,
        "diagnostics": [diagnostic_to_dict(d) for d in result.diagnostics],
    }


def header() -> dict:
    """The keys every JSON document replylint writes starts with: schema version and tool."""
    return {"version": SCHEMA_VERSION, "tool": {"name": "replylint", "version": __version__}}


def report_to_dict(report: Report) -> dict:
    summary = report.summary
    return {
        **header(),
        "files": [file_to_dict(f) for f in report.files],
        "summary": {"files": summary.files, "error": summary.error, "warning": summary.warning, "info": summary.info,
                    "unreadable": summary.unreadable, "with_findings": summary.with_findings,
                    "suppressed_by_baseline": summary.suppressed, "with_problems": summary.with_problems},
    }


def render_json(report: Report) -> str:
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n"
