"""``--format html``: the report a drafter reads or prints, one page for one letter or a batch.

Each letter is shown line by line as the checker read it (for a Word document one line per paragraph, for a
PDF or OFD the lines of its text layer), each finding highlighted in place on exactly the text its span
covers, and beside the line, like a comment in Word's margin, what is wrong: the message, the rule's title
and code, the clause it rests on, the fix (``建议改为：…``, marked 可自动修正 when it is safe) and, for a Word,
PDF or OFD file, the paragraph or page. For PDF and OFD letters, which cannot carry 批注, this is the review
copy. A finding about something missing (缺少签发人) has no text to highlight: a badge ``缺：签发人`` stands
where the element belongs (the place the finding points to), and one beyond the last line stands at the end.

The page is self-contained (``htmlpage``: inline CSS and a few lines of script, no other source, a policy
that forbids any), printable (A4, a print stylesheet: the notes stay beside the lines, no line is split across
pages, each letter starts a page) and every text from a letter or a file name is escaped.

Overlapping findings never nest: a line is cut at every start and end of a finding, and each piece is one
``<mark>`` naming all the findings that cover it (``data-f``), coloured by the gravest. Each finding's first
piece carries its id (``m-…``), its note the id ``n-…``; marks point at their notes (``aria-describedby``) and
the notes link back. A line is cut in time proportional to its length and its findings, and the page is built
as a list of parts joined once, so a 1 MiB line or a letter of 20,000 lines renders in linear time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Optional

from .. import __version__
from ..formats import SEVERITY_LABELS
from ..htmlpage import FONTS, esc, page_head
from ..model import Diagnostic, FileResult, Report, Severity
from ..names import printable_path
from . import OutputContext, register
from .text import KIND_LABELS, summary_text

_RANK = {Severity.ERROR: 2, Severity.WARNING: 1, Severity.INFO: 0}


@dataclass(frozen=True)
class RuleInfo:
    title: str
    name: str
    source: str
    description: str
    missing: Optional[str]  # the element a "missing" rule reports absent (签发人), else None


@lru_cache(maxsize=1)
def rule_infos() -> dict[str, RuleInfo]:
    """code → what a note says about the rule ({} when the rule files cannot be loaded: the page is still
    written, with codes and messages only)."""
    from ..engine import load_rules
    from ..engine.kinds import ELEMENT_LABELS
    from ..errors import RuleFileError

    try:
        rules = load_rules()
    except RuleFileError:
        return {}
    out = {}
    for compiled in rules:
        rule = compiled.rule
        check = rule.check
        missing = None
        if check.kind == "required" and check.expect == "present":
            missing = ELEMENT_LABELS.get(check.field, check.field)
        elif rule.title.startswith("缺少"):  # a named check for an absent element (缺少印发机关和日期)
            missing = rule.title[2:]
        out[rule.code] = RuleInfo(rule.title, rule.name, rule.source.strip(), " ".join(rule.description.split()), missing)
    return out


# ---- placing the findings on the lines ---------------------------------------------------------------------------

@dataclass
class _Placed:
    """One finding of a letter as the page shows it."""

    diagnostic: Diagnostic
    key: str  # "<file>-<finding>": the ids m-<key> (its first mark or badge) and n-<key> (its note)
    line: int = 0  # the row its note stands beside (0: after the last line)


def _place(result: FileResult, file_index: int) -> tuple[list[_Placed], dict[int, list], dict[int, list]]:
    """The findings of a letter, and per line (1-based) the stretches to highlight [(start, end, placed)]
    and the badges [(column, placed)], columns 0-based and clamped to the line."""
    lines = result.source_lines
    last = len(lines)
    infos = rule_infos()
    placed: list[_Placed] = []
    ranges: dict[int, list] = {}
    gaps: dict[int, list] = {}
    for index, d in enumerate(sorted(result.diagnostics, key=Diagnostic.sort_key)):
        span = d.span
        info = infos.get(d.code)
        p = _Placed(d, f"{file_index}-{index}")
        placed.append(p)
        if not 1 <= span.line <= last:  # beyond the last line (or no lines kept): at the end
            gaps.setdefault(0, []).append((0, p))
            continue
        p.line = span.line
        text = lines[span.line - 1]
        start = min(max(0, span.column - 1), len(text))
        if info is not None and info.missing is not None:  # points where the element belongs, a 1-character span
            gaps.setdefault(span.line, []).append((start, p))
            continue
        pieces = []
        for number in range(span.line, min(span.end_line, last) + 1):
            line_text = lines[number - 1]
            begin = start if number == span.line else 0
            end = (span.end_column - 1) if number == span.end_line else len(line_text)
            end = min(max(end, 0), len(line_text))
            if end > begin:
                pieces.append((number, begin, end))
        if not pieces:  # an empty span: a point, shown as a badge
            gaps.setdefault(span.line, []).append((start, p))
            continue
        for number, begin, end in pieces:
            ranges.setdefault(number, []).append((begin, end, p))
    return placed, ranges, gaps


def _label(p: _Placed) -> str:
    """错误 RL107 发文字号括号不规范"""
    d = p.diagnostic
    info = rule_infos().get(d.code)
    return " ".join(part for part in (SEVERITY_LABELS[d.severity], d.code, info.title if info else None) if part)


def _gap_badge(p: _Placed, first: set) -> str:
    d = p.diagnostic
    info = rule_infos().get(d.code)
    missing = info.missing if info is not None and info.missing else None
    shown = f"缺：{missing}" if missing else (info.title if info else d.code)
    first.add(p.key)
    return (f'<mark class="gap {d.severity.value}" id="m-{p.key}" data-f="{p.key}" aria-describedby="n-{p.key}" '
            f'title="{esc(_label(p) + "：" + d.message)}">{esc(shown)}</mark>')


def _line_html(text: str, ranges: list, gaps: list, first: set) -> str:
    """One line, escaped, cut at every start and end of its findings; each piece a ``<mark>`` of all the
    findings over it, the badges at their columns. ``first``: the keys whose id was given already."""
    if not ranges and not gaps:
        return esc(text)
    starts: dict[int, list] = {}
    ends: dict[int, list] = {}
    at: dict[int, list] = {}
    for begin, end, p in ranges:
        starts.setdefault(begin, []).append(p)
        ends.setdefault(end, []).append(p)
    for column, p in gaps:
        at.setdefault(column, []).append(p)
    cuts = sorted({0, len(text), *starts, *ends, *at})
    active: dict[str, _Placed] = {}
    out = []
    for i, cut in enumerate(cuts):
        for p in ends.get(cut, ()):
            del active[p.key]
        for p in at.get(cut, ()):
            out.append(_gap_badge(p, first))
        new = starts.get(cut, ())
        for p in new:
            active[p.key] = p
        if i + 1 == len(cuts):
            break
        piece = esc(text[cut:cuts[i + 1]])
        if not active:
            out.append(piece)
            continue
        covering = list(active.values())
        gravest = max(covering, key=lambda p: _RANK[p.diagnostic.severity]).diagnostic.severity.value
        keys = " ".join(p.key for p in covering)
        described = " ".join(f"n-{p.key}" for p in covering)
        title = "；".join(_label(p) + "：" + p.diagnostic.message for p in covering)
        ids = [p.key for p in new if p.key not in first]
        first.update(ids)
        anchor = f' id="m-{ids[0]}"' if ids else ""
        # several start here: the others' ids on empty anchors just before the mark
        extra = "".join(f'<span class="anchor" id="m-{key}"></span>' for key in ids[1:])
        several = " several" if len(covering) > 1 else ""
        out.append(f'{extra}<mark class="{gravest}{several}"{anchor} data-f="{keys}" aria-describedby="{described}" '
                   f'title="{esc(title)}">{piece}</mark>')
    return "".join(out)


# ---- the notes -------------------------------------------------------------------------------------------------

def _fix_html(d: Diagnostic) -> str:
    fix = d.fix
    if fix is None:
        return ""
    verb = "建议加上" if fix.original == "" else "建议删去" if fix.replacement == "" else "建议改为"
    shown = fix.original if verb == "建议删去" else fix.replacement
    badge = ('<span class="safe">可自动修正</span>' if fix.safe
             else '<span class="unsafe">需人工确认</span>')
    return f'<div class="fix">{verb}：“<span class="repl">{esc(shown)}</span>” {badge}</div>'


def _note_html(p: _Placed) -> str:
    d = p.diagnostic
    info = rule_infos().get(d.code)
    severity = d.severity.value
    if p.line:
        where = f"第 {d.span.line} 行第 {d.span.column} 列"
    else:
        where = "文末"
    location = f' · <span class="loc">{esc(d.location)}</span>' if d.location else ""
    title = (f'<b class="title">{esc(info.title)}</b> ' if info else "")
    name = info.name if info else d.rule
    source = f'<div class="src">依据：{esc(info.source)}</div>' if info and info.source else ""
    return (f'<aside class="note {severity}" id="n-{p.key}" data-f="{p.key}" aria-label="{esc(_label(p))}">'
            f'<div class="head"><span class="sev {severity}">{esc(SEVERITY_LABELS[d.severity])}</span> {title}'
            f'<code>{esc(d.code)}</code> <span class="rname">{esc(name)}</span></div>'
            f'<div class="msg">{esc(d.message)}</div>{_fix_html(d)}{source}'
            f'<div class="where"><a href="#m-{p.key}">{where}</a>{location}</div></aside>')


def _rules_html(placed: list[_Placed]) -> str:
    """The rules this letter's findings name, once each, with their description and source."""
    infos = rule_infos()
    codes = sorted({p.diagnostic.code for p in placed if p.diagnostic.code in infos})
    if not codes:
        return ""
    items = "".join(f'<li><b>{esc(code)} {esc(infos[code].title)}</b> <span class="rname">{esc(infos[code].name)}</span>'
                    f'<div>{esc(infos[code].description)}</div><div class="src">依据：{esc(infos[code].source)}</div></li>'
                    for code in codes)
    return f'<div class="rules"><h3>本函涉及的规则</h3><ul>{items}</ul></div>'


# ---- a letter ------------------------------------------------------------------------------------------------

def _counts(result: FileResult, info_hidden: bool) -> str:
    counts = [f'<span class="count {s.value}">{SEVERITY_LABELS[s]} {result.count(s)}</span>'
              for s in (Severity.ERROR, Severity.WARNING)]
    if info_hidden:
        counts.append('<span class="count info">提示未显示</span>')
    else:
        counts.append(f'<span class="count info">{SEVERITY_LABELS[Severity.INFO]} {result.count(Severity.INFO)}</span>')
    return "，".join(counts)


def _letter_html(result: FileResult, index: int, out: list, info_hidden: bool = False) -> None:
    path = printable_path(result.path)
    out.append(f'<section class="letter" id="file-{index}" aria-labelledby="h-{index}">'
               f'<h2 id="h-{index}"><span class="path">{esc(path)}</span></h2>')
    if result.error:
        out.append(f'<p class="unreadable"><b>无法检查：</b>{esc(result.error)}</p>'
                   '<p class="meta">这个文件没有被检查；请修复、转换或另存后重新检查。</p></section>')
        return
    lines = result.source_lines
    out.append(f'<p class="meta">{esc(KIND_LABELS.get(result.kind.value, result.kind.value))} · {_counts(result, info_hidden)} · '
               f'共 {len(lines)} 行</p>')
    placed, ranges, gaps = _place(result, index)
    if not placed:
        out.append('<p class="ok">未发现问题。</p>')
    notes: dict[int, list[_Placed]] = {}
    for p in placed:
        notes.setdefault(p.line, []).append(p)
    first: set = set()
    out.append('<div class="doc">')
    for number, text in enumerate(lines, 1):
        row_notes = notes.get(number)
        kind = " noted" if row_notes else " blank" if not text.strip() and number not in gaps else ""
        out.append(f'<div class="row{kind}" id="l-{index}-{number}">'
                   f'<span class="ln">{number}</span>'
                   f'<div class="text">{_line_html(text, ranges.get(number, ()), gaps.get(number, ()), first)}</div>')
        if row_notes:
            out.append('<div class="notes">' + "".join(_note_html(p) for p in row_notes) + "</div>")
        out.append("</div>")
    if notes.get(0):
        badges = "".join(_gap_badge(p, first) for _, p in gaps.get(0, ()))
        out.append(f'<div class="row noted end" id="l-{index}-end"><span class="ln">文末</span>'
                   f'<div class="text">{badges}</div><div class="notes">'
                   + "".join(_note_html(p) for p in notes[0]) + "</div></div>")
    out.append("</div>")
    out.append(_rules_html(placed))
    out.append("</section>")


# ---- the page ----------------------------------------------------------------------------------------------------

_CSS = """
:root { --error:#c62828; --error-bg:#ffcdd2; --warning:#e65100; --warning-bg:#ffe0b2; --info:#1565c0;
  --info-bg:#d6e6fb; --ok:#2e7d32; --muted:#666; --line:#e0e0e0; }
* { box-sizing: border-box; }
body { margin: 0 auto; padding: 0 20px 40px; max-width: 1200px; color: #222; background: #fff;
  font-family: %FONTS%; font-size: 15px; line-height: 1.6; }
header.page { border-bottom: 3px solid #b71c1c; margin-bottom: 12px; padding-top: 10px; }
h1 { font-size: 22px; margin: 6px 0; } h2 { font-size: 18px; margin: 22px 0 4px; border-left: 4px solid #b71c1c;
  padding-left: 8px; word-break: break-all; } h3 { font-size: 15px; margin: 12px 0 4px; }
.meta { color: var(--muted); font-size: 13px; margin: 2px 0; }
.summary { font-weight: bold; margin: 6px 0; }
.hidden-info { background: #fff8e1; border: 1px solid #ffe082; padding: 4px 10px; border-radius: 4px; margin: 6px 0; }
.legend { font-size: 13px; color: var(--muted); } .legend .sample { margin: 0 4px; color: #222; }
table.toc { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
table.toc th, table.toc td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; }
table.toc td.num { text-align: right; font-variant-numeric: tabular-nums; } table.toc td.path { word-break: break-all; }
.unreadable { color: var(--error); background: #fff5f5; border: 1px solid var(--error-bg); padding: 6px 10px; border-radius: 4px; }
.ok { color: var(--ok); }
.count.error { color: var(--error); } .count.warning { color: var(--warning); } .count.info { color: var(--info); }
.doc { border-top: 1px solid var(--line); margin-top: 8px; }
.row { display: grid; grid-template-columns: 3.2em minmax(0, 1fr) minmax(0, 24em); column-gap: 12px;
  border-bottom: 1px solid #f3f3f3; min-height: 1.6em; }
.row.blank { min-height: 0.7em; } .row.blank .ln { font-size: 9px; line-height: 1; padding: 0; }
.ln { color: #999; text-align: right; font-size: 12px; padding-top: 2px; user-select: none; font-variant-numeric: tabular-nums; }
.text { grid-column: 2; white-space: pre-wrap; overflow-wrap: anywhere; padding: 1px 0; }
.notes { grid-column: 3; padding: 2px 0; }
mark, .sample { color: inherit; border-radius: 2px; padding: 0 1px; }
mark { cursor: pointer; }
mark.error, .sample.error { background: var(--error-bg); border-bottom: 2px solid var(--error); }
mark.warning, .sample.warning { background: var(--warning-bg); border-bottom: 2px solid var(--warning); }
mark.info, .sample.info { background: var(--info-bg); border-bottom: 2px dotted var(--info); }
mark.several { outline: 1px dashed #555; outline-offset: -1px; }
mark.gap, .sample.gap { display: inline-block; font-size: 12px; line-height: 1.3; padding: 0 4px; margin: 0 2px;
  border: 1px dashed; border-radius: 3px; vertical-align: 1px; background: #fff; white-space: nowrap; }
mark.gap.error, .sample.gap.error { color: var(--error); } mark.gap.warning, .sample.gap.warning { color: var(--warning); }
mark.gap.info, .sample.gap.info { color: var(--info); }
mark.lit, mark:target, .anchor:target + mark { outline: 2px solid #222; outline-offset: 1px; }
.note { border-left: 4px solid; background: #fafafa; border-radius: 3px; padding: 3px 8px; margin: 2px 0 6px; font-size: 13px;
  line-height: 1.5; overflow-wrap: anywhere; }
.note.error { border-color: var(--error); } .note.warning { border-color: var(--warning); } .note.info { border-color: var(--info); }
.note.lit, .note:target { background: #fff3c4; }
.sev { display: inline-block; padding: 0 5px; border-radius: 3px; color: #fff; font-size: 12px; }
.sev.error { background: var(--error); } .sev.warning { background: var(--warning); } .sev.info { background: var(--info); }
.rname { color: var(--muted); font-size: 12px; }
code { font-family: Consolas, "Courier New", monospace; font-size: 12px; }
.fix { color: var(--ok); } .repl { font-weight: bold; white-space: pre-wrap; }
.safe, .unsafe { font-size: 11px; border: 1px solid; border-radius: 3px; padding: 0 3px; margin-left: 2px; }
.unsafe { color: var(--muted); }
.src, .where { color: var(--muted); font-size: 12px; } .where a { color: inherit; }
.rules { margin-top: 12px; font-size: 13px; } .rules ul { padding-left: 20px; margin: 4px 0; } .rules li { margin: 4px 0; }
@page { size: A4; margin: 14mm 12mm 16mm 12mm; }
@media print {
  html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  * { box-shadow: none !important; background-image: none !important; text-shadow: none !important; }
  .row { grid-template-columns: 2.4em minmax(0, 1fr) minmax(0, 40%); column-gap: 8px; break-inside: avoid; }
  .note { break-inside: avoid; font-size: 9pt; }
  section.letter + section.letter, .toc-block + section.letter { break-before: page; }
  h2 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  mark { cursor: auto; }
}
@media screen and (max-width: 760px) {
  .row { grid-template-columns: 2.6em minmax(0, 1fr); } .notes { grid-column: 2; }
}
""".replace("%FONTS%", FONTS)

# hovering or focusing a note lights its marks, and a mark its notes; clicking a mark goes to its note
_SCRIPT = r"""
(function () {
  "use strict";
  function keys(el) { return (el.getAttribute("data-f") || "").split(" ").filter(function (k) { return k; }); }
  function light(el, on) {
    keys(el).forEach(function (k) {
      document.querySelectorAll('mark[data-f~="' + k + '"]').forEach(function (m) { m.classList.toggle("lit", on); });
      var note = document.getElementById("n-" + k);
      if (note) { note.classList.toggle("lit", on); }
    });
  }
  function target(e) { return e.target.closest ? e.target.closest("mark[data-f], aside.note") : null; }
  ["mouseover", "focusin"].forEach(function (type) {
    document.addEventListener(type, function (e) { var t = target(e); if (t) { light(t, true); } });
  });
  ["mouseout", "focusout"].forEach(function (type) {
    document.addEventListener(type, function (e) { var t = target(e); if (t) { light(t, false); } });
  });
  document.addEventListener("click", function (e) {
    var m = e.target.closest ? e.target.closest("mark[data-f]") : null;
    if (m) { location.hash = "n-" + keys(m)[0]; }
  });
})();
"""


def _checked_at() -> str:
    """When the check ran (local time with its offset); ``SOURCE_DATE_EPOCH`` fixes it (reproducible pages)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %z")


def _toc_html(report: Report, info_hidden) -> str:
    rows = []
    for i, f in enumerate(report.files):
        if f.error:
            state = '<td colspan="4" class="unreadable-cell">无法读取</td>'
        else:
            info = "未显示" if info_hidden and info_hidden(f.path) else f.count(Severity.INFO)
            state = (f'<td>{esc(KIND_LABELS.get(f.kind.value, f.kind.value))}</td>'
                     + "".join(f'<td class="num">{f.count(s)}</td>' for s in (Severity.ERROR, Severity.WARNING))
                     + f'<td class="num">{info}</td>')
        rows.append(f'<tr><td class="path"><a href="#file-{i}">{esc(printable_path(f.path))}</a></td>{state}</tr>')
    return ('<div class="toc-block"><h2 id="toc">目录</h2><table class="toc"><thead><tr><th>文件</th><th>类型</th>'
            '<th>错误</th><th>警告</th><th>提示</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table></div>")


def render_html(report: Report, context: Optional[OutputContext] = None) -> str:
    """The whole page for ``report`` (one section per file, in order)."""
    from ..gcpause import batch_gc

    files = report.files
    if len(files) == 1:
        title = f"答复函检查报告：{printable_path(files[0].path)}"
    else:
        title = f"答复函检查报告（{len(files)} 个文件）"
    hidden = report.summary.hidden_info
    out = [page_head(title, _CSS),
           f'<header class="page"><h1>{esc(title)}</h1>',
           f'<p class="meta">检查时间：{esc(_checked_at())} · replylint {esc(__version__)}</p>',
           f'<p class="summary">{esc(summary_text(report).plain)}</p>']
    if hidden:
        out.append(f'<p class="hidden-info">本报告没有显示 {hidden} 个“提示”（供参考，不计入问题）；'
                   '加 --show-info 重新生成可以看到。</p>')
    # samples of the highlights, not highlights: every <mark> of the page is a finding's
    out.append('<p class="legend">图例：<span class="sample error">错误</span><span class="sample warning">警告</span>'
               '<span class="sample info">提示</span><span class="sample gap warning">缺：某要素</span>'
               '（缺少的要素标在它应在的位置）；右侧为每处问题的说明、依据和修改建议。</p></header>')
    # whether a file's 提示 were left out (when the run left any out)
    info_hidden = context.info_hidden if context is not None and context.info_hidden and hidden else None
    if len(files) > 1:
        out.append(_toc_html(report, info_hidden))
    if not files:
        out.append('<p class="meta">没有检查任何文件。</p>')
    with batch_gc():
        for index, result in enumerate(files):
            _letter_html(result, index, out, bool(info_hidden and info_hidden(result.path)))
    out.append(f"<script>{_SCRIPT}</script></body></html>\n")
    return "".join(out)


register("html", render_html)

__all__ = ["render_html", "rule_infos"]
