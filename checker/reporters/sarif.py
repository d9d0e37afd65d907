"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning, GitLab, Azure DevOps and SARIF viewers.

One run, with every finding (提示 included, level ``note``: ``--show-info`` concerns the formats people
read). A rule descriptor's ``shortDescription`` is the rule's Chinese title (缺少签发人), what code scanning
shows beside its id; the message with placeholders elided is its ``messageStrings.default``.
``tool.driver.rules`` is the whole rule catalogue, in code order, whatever was enabled: a rule's
``ruleIndex`` is then the same in every run and every configuration, a viewer can show the help of any rule,
and the log says which rules exist. When the caller says which rules were enabled
(``OutputContext.enabled_rules``), the others are marked ``enabled: false`` in
``invocations[0].ruleConfigurationOverrides`` — the place SARIF gives for "configured off in this run".

Positions. Lines are 1-based. Columns are **UTF-16 code units** (SARIF's default ``columnKind``, stated
explicitly in the run): the model counts code points, and every column is converted with the source line
(positions.py), so a name with 𠮷 before the finding still puts the highlight in the right place in GitHub
and VS Code, which count UTF-16 units. ``endColumn`` is exclusive, as in the model.

Paths. ``artifactLocation.uri`` is the file's path relative to ``OutputContext.root`` (POSIX, percent-
encoded; bytes of a name that are not UTF-8 as ``%B0``, which messages show as ``\\xb0``), with
``uriBaseId`` ``%SRCROOT%``, which ``originalUriBaseIds`` maps to ``root``. A file outside ``root`` gets an
absolute ``file:`` URI; standard input (``<stdin>``) its encoded pseudo-name.

Word documents, PDF and OFD: their line numbers count the lines the reader made, not lines of the file, so
such a result has no ``region`` (code scanning shows it on the file) and no ``fixes``; the paragraph or page
(``Diagnostic.location``) goes into the message, the location's message and ``properties``.

Fingerprints. ``partialFingerprints["replylintFingerprint/v1"]`` is ``<hash>:<n>``: a SHA-256 (first 32 hex
digits) of the rule code, the path and the text the finding is about (the source text under its span with
white space removed, "" for a missing element — the same notion of "the same finding" as ``--baseline``),
and ``n``, the occurrence of that (rule, text) in the file. No line or column goes in, so inserting or
editing other lines leaves a finding's fingerprint unchanged.

Files that could not be read are ``toolExecutionNotifications`` (level error, with the file's location),
and ``executionSuccessful`` is false when there is any.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from .. import __version__
from ..baseline import absent_rules, finding_content
from ..engine import CompiledRule, load_rules
from ..model import Diagnostic, FileResult, Report, Severity
from . import OutputContext, register
from .positions import utf16_span
from .rules import explain_plain, rule_markdown
from .titles import title_of

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "replylintFingerprint/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


class _Elided(dict):
    def __missing__(self, key):
        return "…"


def short_description(compiled: CompiledRule) -> str:
    """The rule's message with its placeholders shown as "…" (发文字号“…”的年份应用六角括号“〔〕”括入)."""
    # safe: the rule schema admits only plain {name} placeholders (checked when the rules are loaded)
    return compiled.rule.message.format_map(_Elided())


def rule_descriptor(compiled: CompiledRule) -> dict:
    rule = compiled.rule
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.title},  # what code scanning shows beside the id: 缺少签发人
        "messageStrings": {"default": {"text": short_description(compiled)}},
        "fullDescription": {"text": rule.description.strip()},
        "help": {"text": explain_plain(compiled),
                 "markdown": f"## {rule.code} {rule.title}（{rule.name}）\n\n" + rule_markdown(compiled)},
        "defaultConfiguration": {"level": LEVELS[Severity(rule.severity)]},
        "properties": {"title": rule.title, "tags": ["replylint", compiled.group], "appliesTo": rule.applies_to,
                       "source": rule.source, "fixable": rule.fix is not None},
    }


def artifact_location(path: str, context: OutputContext) -> dict:
    # a file name's bytes that are not UTF-8 are percent-encoded as they are (%B0), so the URI names the file
    relative = context.relative(path)
    if relative is not None:
        return {"uri": quote(relative, safe="/", errors="surrogateescape"), "uriBaseId": SRCROOT}
    if path in ("-", "") or path.startswith("<"):
        return {"uri": quote(path or "-", safe="", errors="surrogateescape")}
    return {"uri": Path(path).resolve().as_uri()}


def _bare_region(result: FileResult, span) -> dict:
    line, column, end_line, end_column = utf16_span(result, span)
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": max(end_column, 1)}


def _region(result: FileResult, span) -> dict:
    region = _bare_region(result, span)
    text = result.span_text(span)
    if text:
        region["snippet"] = {"text": text}
    return region


def _context_region(result: FileResult, span) -> dict | None:
    lines = [result.line_text(n) for n in range(span.line, span.end_line + 1)]
    if not lines or any(line is None for line in lines):
        return None
    return {"startLine": span.line, "endLine": span.end_line, "snippet": {"text": "\n".join(lines)}}


def _directory_uri(root: str) -> str:
    uri = Path(root).resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"  # a base URI must end with a slash


def fingerprint(rule_code: str, path: str, content: str, occurrence: int) -> str:
    digest = hashlib.sha256("\0".join((rule_code, path, content)).encode("utf-8")).hexdigest()[:32]
    return f"{digest}:{occurrence}"


def _result(d: Diagnostic, result: FileResult, location: dict, rule_index: dict, fp: str) -> dict:
    physical: dict = {"artifactLocation": dict(location)}
    message = d.message
    entry: dict = {"ruleId": d.code}
    if d.code in rule_index:
        entry["ruleIndex"] = rule_index[d.code]
    entry["level"] = LEVELS[d.severity]
    sarif_location: dict = {"physicalLocation": physical}
    properties: dict = {"rule": d.rule}
    title = title_of(d.code)
    if title:
        properties["title"] = title
    if d.location is None:
        physical["region"] = _region(result, d.span)
        context_region = _context_region(result, d.span)
        if context_region is not None:
            physical["contextRegion"] = context_region
    else:
        message = f"{d.location}：{message}"
        sarif_location["message"] = {"text": d.location}
        properties.update({"location": d.location, "readerLine": d.span.line})
    entry["message"] = {"text": message}
    entry["locations"] = [sarif_location]
    entry["partialFingerprints"] = {FINGERPRINT_KEY: fp}
    if d.fix is not None and d.location is None:
        entry["fixes"] = [{
            "description": {"text": d.fix.description},
            "artifactChanges": [{
                "artifactLocation": dict(location),
                "replacements": [{
                    "deletedRegion": _bare_region(result, d.fix.span),
                    "insertedContent": {"text": d.fix.replacement},
                }],
            }],
        }]
    entry["properties"] = properties
    return entry


def sarif_log(report: Report, context: OutputContext) -> dict:
    catalogue = list(load_rules())
    rule_index = {compiled.rule.code: i for i, compiled in enumerate(catalogue)}
    absent = absent_rules()
    results: list[dict] = []
    notifications: list[dict] = []
    for file_result in report.files:
        location = artifact_location(file_result.path, context)
        if file_result.error:
            notifications.append({
                "level": "error",
                "message": {"text": f"无法检查 {context.display_path(file_result.path)}：{file_result.error}"},
                "locations": [{"physicalLocation": {"artifactLocation": dict(location)}}],
            })
            continue
        path_key = context.display_path(file_result.path)
        seen: Counter = Counter()
        for d in file_result.diagnostics:
            content = finding_content(file_result, d, absent)
            seen[(d.code, content)] += 1
            fp = fingerprint(d.code, path_key, content, seen[(d.code, content)])
            results.append(_result(d, file_result, location, rule_index, fp))

    invocation: dict = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    if context.enabled_rules is not None:
        disabled = [{"descriptor": {"id": c.rule.code, "index": i}, "configuration": {"enabled": False}}
                    for i, c in enumerate(catalogue) if c.rule.code not in context.enabled_rules]
        if disabled:
            invocation["ruleConfigurationOverrides"] = disabled

    run: dict = {
        "tool": {"driver": {
            "name": "replylint",
            "fullName": "replylint 建议提案答复函合规检查",
            "version": __version__,
            "semanticVersion": __version__,
            "language": "zh-CN",
            "rules": [rule_descriptor(compiled) for compiled in catalogue],
        }},
        "invocations": [invocation],
        "originalUriBaseIds": {SRCROOT: {"uri": _directory_uri(context.root)}},
        "language": "zh-CN",
        "columnKind": "utf16CodeUnits",
        "results": results,
    }
    if report.suppressed:
        run["properties"] = {"suppressedByBaseline": report.suppressed}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(report: Report, context: OutputContext) -> str:
    return json.dumps(sarif_log(report, context), ensure_ascii=False, indent=2) + "\n"


register("sarif", render_sarif)

__all__ = ["render_sarif", "sarif_log", "fingerprint", "FINGERPRINT_KEY", "artifact_location"]
