"""The audit report as one self-contained HTML file.

Nothing is loaded from anywhere: the CSS, the script and the charts (SVG) are inline, fonts are the reader's
own (a stack of common CJK fonts), and a Content-Security-Policy forbids every other source. Every value
taken from a letter is untrusted and passes through ``esc`` (text and attributes alike); the script reads
the table, never letter text as markup.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable, Optional

from .. import htmlpage
from ..htmlpage import FONTS, NEVER_INVALID as _NEVER_INVALID, esc, page_head
from ..names import printable_path
from ..outfile import write_atomically
from .stats import KIND_LABELS, NO_ORGAN, NO_YEAR, SEVERITIES, SEVERITY_LABELS, AuditReport, Group, Letter, percent

# Fragments stored by an older renderer are rendered again: the version is the content of this file and of
# the escaping it uses.
FRAGMENT_VERSION = hashlib.sha256(Path(__file__).read_bytes() + Path(htmlpage.__file__).read_bytes()).hexdigest()[:16]


def _num(n) -> str:
    return f"{n:,}"


_CSS = """
:root { --error:#c62828; --warning:#ef6c00; --info:#1565c0; --ok:#2e7d32; --muted:#666; --line:#ddd; --bg:#fafafa; }
* { box-sizing: border-box; }
body { margin: 0; padding: 0 24px 48px; color: #222; background: #fff;
  font-family: %FONTS%;
  font-size: 14px; line-height: 1.6; }
header { border-bottom: 3px solid #b71c1c; margin-bottom: 16px; padding-top: 12px; }
h1 { font-size: 24px; margin: 8px 0; } h2 { font-size: 19px; margin: 28px 0 10px; border-left: 4px solid #b71c1c; padding-left: 8px; }
h3 { font-size: 15px; margin: 0 0 4px; }
.meta { color: var(--muted); font-size: 13px; margin: 2px 0; word-break: break-all; }
nav { position: sticky; top: 0; background: #fff; padding: 6px 0; border-bottom: 1px solid var(--line); z-index: 2; }
nav a { margin-right: 14px; color: #333; text-decoration: none; } nav a:hover { text-decoration: underline; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 16px; min-width: 130px; background: var(--bg); }
.card .v { font-size: 26px; font-weight: bold; } .card .k { color: var(--muted); font-size: 13px; }
.card.rate .v { color: var(--ok); font-size: 34px; }
.note { background: #fff8e1; border: 1px solid #ffe082; padding: 8px 12px; border-radius: 4px; margin: 10px 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 18px; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 10px; }
figcaption { font-weight: bold; margin-bottom: 6px; }
svg.chart { width: 100%; height: auto; display: block; }
svg text { font-size: 12px; fill: #333; } svg .axis { stroke: #999; stroke-width: 1; }
.bar.error, .sw.error { fill: var(--error); } .bar.warning, .sw.warning { fill: var(--warning); }
.bar.info, .sw.info { fill: var(--info); } .bar.ok, .sw.ok { fill: var(--ok); } .bar.bad, .sw.bad { fill: #e57373; }
.line { fill: none; stroke: var(--ok); stroke-width: 2; } .dot { fill: var(--ok); }
.legend { font-size: 12px; color: var(--muted); } .legend span { margin-right: 12px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
i.error { background: var(--error); } i.warning { background: var(--warning); } i.info { background: var(--info); }
i.ok { background: var(--ok); } i.bad { background: #e57373; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
#letters-table th { position: sticky; top: 36px; z-index: 1; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.sortable th { cursor: pointer; user-select: none; white-space: nowrap; }
table.sortable th[aria-sort="ascending"]::after { content: " ▲"; }
table.sortable th[aria-sort="descending"]::after { content: " ▼"; }
td.path { word-break: break-all; } tr.clean td.path a { color: #555; }
.matrix td { text-align: center; min-width: 64px; } .matrix td.organ { text-align: left; }
.tools { margin: 8px 0; display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
#search { font: inherit; padding: 5px 8px; width: 360px; max-width: 100%; border: 1px solid #aaa; border-radius: 4px; }
article.letter { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; margin: 12px 0; }
article.letter:target { outline: 3px solid #ffb300; }
ol.findings { margin: 6px 0 0; padding-left: 22px; } ol.findings li { margin: 8px 0; }
.sev { display: inline-block; padding: 0 6px; border-radius: 3px; color: #fff; font-size: 12px; }
.sev.error { background: var(--error); } .sev.warning { background: var(--warning); } .sev.info { background: var(--info); }
code { font-family: "Sarasa Mono SC", "Noto Sans Mono CJK SC", Consolas, "Courier New", monospace; }
pre.src { background: #f6f6f6; border: 1px solid #e4e4e4; padding: 6px 8px; margin: 4px 0 0; overflow-x: auto;
  white-space: pre-wrap; word-break: break-all;
  font-family: "Sarasa Mono SC", "Noto Sans Mono CJK SC", "Noto Sans CJK SC", Consolas, "Microsoft YaHei", monospace; }
pre.src .ln { color: #999; display: inline-block; min-width: 3em; user-select: none; }
pre.src mark { background: #ffcdd2; }
.fix { color: var(--ok); } .ok-text { color: var(--ok); } .back { font-size: 12px; font-weight: normal; margin-left: 8px; }
@media print { nav { display: none; } th { position: static; } }
""".replace("%FONTS%", FONTS)

_SCRIPT = r"""
(function () {
  "use strict";
  var table = document.getElementById("letters-table");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
  var search = document.getElementById("search");
  var shown = document.getElementById("shown");
  function filter() {
    var words = search.value.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
    var n = 0;
    rows.forEach(function (row, i) {
      var hit = words.every(function (w) { return texts[i].indexOf(w) !== -1; });
      row.hidden = !hit;
      if (hit) { n += 1; }
    });
    shown.textContent = String(n);
  }
  search.addEventListener("input", filter);
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function key(row, col, numeric) {
    var cell = row.cells[col];
    var v = cell.getAttribute("data-v");
    if (v === null) { v = cell.textContent; }
    if (numeric) { var n = parseFloat(v); return isNaN(n) ? -Infinity : n; }
    return v;
  }
  var collator = new Intl.Collator("zh-CN", { numeric: true });
  headers.forEach(function (th, col) {
    th.setAttribute("role", "button");
    th.tabIndex = 0;
    function sort() {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      var numeric = th.getAttribute("data-type") === "num";
      headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var order = rows.map(function (row, i) { return i; });
      order.sort(function (a, b) {
        var x = key(rows[a], col, numeric), y = key(rows[b], col, numeric);
        var c = numeric ? (x < y ? -1 : x > y ? 1 : 0) : collator.compare(x, y);
        if (c === 0) { c = a - b; return c; }
        return ascending ? c : -c;
      });
      var fragment = document.createDocumentFragment();
      var sortedRows = [], sortedTexts = [];
      order.forEach(function (i) { fragment.appendChild(rows[i]); sortedRows.push(rows[i]); sortedTexts.push(texts[i]); });
      rows = sortedRows; texts = sortedTexts;
      body.appendChild(fragment);
    }
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
  });
})();
"""


# ---- charts -----------------------------------------------------------------------------------------------------------

_LABEL_CHARS = 16


def _short(label: str, limit: int = _LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"


def _legend(items: Iterable[tuple[str, str]]) -> str:
    return '<div class="legend">' + "".join(f'<span><i class="{cls}"></i>{esc(text)}</span>' for cls, text in items) + "</div>"


_SEVERITY_LEGEND = [(s, SEVERITY_LABELS[s]) for s in SEVERITIES]


def hbar_chart(rows: list[tuple[str, list[tuple[str, int]], str, str]], caption: str, legend: str = "",
               label_chars: int = _LABEL_CHARS, note: str = "") -> str:
    """Horizontal stacked bars. rows: (label, [(css class, value)…], text at the bar's end, tooltip)."""
    if not rows:
        return f'<figure><figcaption>{esc(caption)}</figcaption><p class="meta">没有数据</p></figure>'
    label_w, bar_w, tail_w, row_h = 14 * label_chars, 380, 150, 22
    width = label_w + bar_w + tail_w
    height = row_h * len(rows) + 8
    top = max((sum(v for _, v in parts) for _, parts, _, _ in rows), default=0) or 1
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" style="max-width:{width * 1.3:.0f}px" role="img" '
           f'aria-label="{esc(caption)}">']
    for i, (label, parts, tail, tip) in enumerate(rows):
        y = 4 + i * row_h
        out.append(f'<g><title>{esc(tip)}</title>'
                   f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{esc(_short(label, label_chars))}</text>')
        x = float(label_w)
        for cls, value in parts:
            w = bar_w * value / top
            if w > 0:
                out.append(f'<rect class="bar {cls}" x="{x:.1f}" y="{y + 3}" width="{max(w, 1):.1f}" height="{row_h - 6}"/>')
                x += w
        out.append(f'<text x="{x + 6:.1f}" y="{y + 15}">{esc(tail)}</text></g>')
    out.append(f'<line class="axis" x1="{label_w}" y1="0" x2="{label_w}" y2="{height}"/></svg>')
    return f"<figure><figcaption>{esc(caption)}</figcaption>{legend}{''.join(out)}{note}</figure>"


def column_chart(columns: list[tuple[str, list[tuple[str, int]], str]], caption: str, legend: str = "") -> str:
    """Vertical stacked columns (years). columns: (label, [(css class, value)…], tooltip)."""
    if not columns:
        return f'<figure><figcaption>{esc(caption)}</figcaption><p class="meta">没有数据</p></figure>'
    col_w, gap, plot_h, left, bottom = 46, 14, 200, 40, 24
    width = left + len(columns) * (col_w + gap) + gap
    height = plot_h + bottom + 20
    top = max((sum(v for _, v in parts) for _, parts, _ in columns), default=0) or 1
    width = max(width, 300)
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" style="max-width:{width * 1.3:.0f}px" role="img" '
           f'aria-label="{esc(caption)}">',
           f'<line class="axis" x1="{left}" y1="{20 + plot_h}" x2="{width}" y2="{20 + plot_h}"/>']
    for i, (label, parts, tip) in enumerate(columns):
        x = left + gap + i * (col_w + gap)
        y = 20.0 + plot_h
        out.append(f"<g><title>{esc(tip)}</title>")
        for cls, value in parts:
            h = plot_h * value / top
            if h > 0:
                y -= h
                out.append(f'<rect class="bar {cls}" x="{x}" y="{y:.1f}" width="{col_w}" height="{max(h, 1):.1f}"/>')
        total = sum(v for _, v in parts)
        out.append(f'<text x="{x + col_w / 2}" y="{y - 4:.1f}" text-anchor="middle">{_num(total)}</text>')
        out.append(f'<text x="{x + col_w / 2}" y="{20 + plot_h + 16}" text-anchor="middle">{esc(_short(label, 6))}</text></g>')
    out.append("</svg>")
    return f"<figure><figcaption>{esc(caption)}</figcaption>{legend}{''.join(out)}</figure>"


def line_chart(points: list[tuple[str, Optional[float], str]], caption: str) -> str:
    """A rate (0–1) over labels: compliance rate per year or per run."""
    points = [p for p in points if p[1] is not None]
    if not points:
        return f'<figure><figcaption>{esc(caption)}</figcaption><p class="meta">没有数据</p></figure>'
    step, left, plot_h, top_pad = 70, 46, 180, 16
    width = left + step * max(len(points), 1) + 10
    height = plot_h + top_pad + 30
    width = max(width, 300)
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" style="max-width:{width * 1.3:.0f}px" role="img" '
           f'aria-label="{esc(caption)}">']
    for tick in (0, 0.5, 1):
        y = top_pad + plot_h * (1 - tick)
        out.append(f'<line class="axis" x1="{left}" y1="{y}" x2="{width}" y2="{y}" stroke-dasharray="2,3"/>'
                   f'<text x="{left - 6}" y="{y + 4}" text-anchor="end">{int(tick * 100)}%</text>')
    coords = []
    for i, (label, rate, tip) in enumerate(points):
        x = left + step / 2 + i * step
        y = top_pad + plot_h * (1 - rate)
        coords.append(f"{x:.1f},{y:.1f}")
        out.append(f'<g><title>{esc(tip)}</title><circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="4"/>'
                   f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle">{percent(rate)}</text>'
                   f'<text x="{x:.1f}" y="{top_pad + plot_h + 18}" text-anchor="middle">{esc(_short(label, 10))}</text></g>')
    if len(coords) > 1:
        out.insert(1, f'<polyline class="line" points="{" ".join(coords)}"/>')
    out.append("</svg>")
    return f"<figure><figcaption>{esc(caption)}</figcaption>{''.join(out)}</figure>"


def _severity_parts(g: Group) -> list[tuple[str, int]]:
    """The bars of a group: its problems (errors, warnings); 提示 are not problems and are not drawn."""
    return [("error", g.error), ("warning", g.warning)]


def _group_tip(g: Group) -> str:
    return (f"{g.label}：{g.letters} 封，合规 {g.compliant} 封（{percent(g.rate)}）；"
            f"问题 {g.problems} 条（错误 {g.error}，警告 {g.warning}）；另有提示 {g.info} 条（不计入问题）")


def _top(groups: list[Group], limit: int) -> tuple[list[Group], Optional[Group]]:
    """The first ``limit`` groups, and the rest summed into one group (nothing is dropped), or None."""
    if len(groups) <= limit:
        return groups, None
    rest = Group(key="", label=f"其余 {len(groups) - limit} 个")
    for g in groups[limit:]:
        rest.add_group(g)
    return groups[:limit], rest


def charts(report: AuditReport) -> str:
    legend = _legend(_SEVERITY_LEGEND)
    problem_legend = _legend(_SEVERITY_LEGEND[:2])
    rule_rows = [(g.heading, [(g.severity or "info", g.findings)],
                  f"{g.findings} 条 / {g.letters_with} 封",
                  f"{g.heading}（{g.label}）：{g.findings} 条，涉及 {g.letters_with} 封。{g.description}")
                 for g in report.by_rule]
    organs, rest = _top(report.by_organ, 20)
    organ_rows = [(g.label, _severity_parts(g), f"{g.problems} 条 · 合规 {percent(g.rate)}", _group_tip(g))
                  for g in organs]
    organ_note = "" if rest is None else (
        f'<p class="meta">图中为答复函最多的 {len(organs)} 个机关；{esc(rest.label)}机关共 {rest.letters} 封、'
        f"问题 {rest.problems} 条，合规率 {percent(rest.rate)}，逐个见下方“各发文机关逐年合规率”。</p>")
    kind_rows = [(g.label, _severity_parts(g), f"{g.problems} 条 · {g.letters} 封", _group_tip(g)) for g in report.by_kind]
    year_cols = [(g.label, _severity_parts(g), _group_tip(g)) for g in report.by_year]
    return "".join([
        '<div class="grid">',
        hbar_chart(rule_rows, "按规则：发现条数（颜色为规则级别；提示级不计入问题）", legend, label_chars=30),
        hbar_chart(organ_rows, "按发文机关：问题条数（错误和警告）与合规率", problem_legend, note=organ_note),
        column_chart(year_cols, "按年份：问题条数（错误和警告）", problem_legend),
        hbar_chart(kind_rows, "按答复函类型：问题条数（错误和警告）", problem_legend),
        "</div>",
    ])


def trends(report: AuditReport) -> str:
    year_points = [(g.label, g.rate, _group_tip(g)) for g in report.by_year if g.key != NO_YEAR]
    letters_cols = [(g.label, [("ok", g.compliant), ("bad", g.letters - g.compliant)], _group_tip(g)) for g in report.by_year]
    parts = ['<div class="grid">', line_chart(year_points, "合规率（按成文年份）"),
             column_chart(letters_cols, "答复函数量（按成文年份）", _legend([("ok", "合规"), ("bad", "有错误或警告")])),
             "</div>"]
    # compliance rate per organ per year
    years = report.years
    parts.append('<h3 style="margin-top:18px">各发文机关逐年合规率</h3>'
                 '<p class="meta">每格：合规率（合规封数/答复函封数）；空格表示该年没有答复函。</p>'
                 '<div style="overflow-x:auto"><table class="matrix"><thead><tr><th>发文机关</th>'
                 + "".join(f"<th>{esc(y)}</th>" for y in years) + '<th>合计</th></tr></thead><tbody>')
    for g in report.by_organ:
        cells = report.organ_year.get(g.key, {})
        row = [f'<tr><td class="organ">{esc(g.label)}</td>']
        for y in years:
            c = cells.get(y)
            row.append("<td></td>" if c is None else _matrix_cell(c))
        row.append(_matrix_cell(g))
        row.append("</tr>")
        parts.append("".join(row))
    parts.append("</tbody></table></div>")
    # findings per year, by severity
    parts.append('<h3 style="margin-top:18px">逐年问题数</h3><table><thead><tr><th>年份</th><th class="num">答复函</th>'
                 '<th class="num">合规</th><th class="num">合规率</th><th class="num">错误</th><th class="num">警告</th>'
                 '<th class="num">问题合计</th><th class="num">每封平均</th><th class="num">提示（不计入）</th></tr></thead><tbody>')
    for g in report.by_year:
        average = f"{g.problems / g.letters:.2f}" if g.letters else "—"
        parts.append(f'<tr><td>{esc(g.label)}</td><td class="num">{g.letters}</td><td class="num">{g.compliant}</td>'
                     f'<td class="num">{percent(g.rate)}</td><td class="num">{g.error}</td><td class="num">{g.warning}</td>'
                     f'<td class="num">{g.problems}</td><td class="num">{average}</td><td class="num">{g.info}</td></tr>')
    parts.append("</tbody></table>")
    return "".join(parts)


def _matrix_cell(g: Group) -> str:
    rate = g.compliant / g.letters if g.letters else None
    return (f'<td style="background:{_heat(rate)}">{percent(rate)}<br>'
            f'<span class="meta">{g.compliant}/{g.letters}</span></td>')


def _heat(rate: Optional[float]) -> str:
    if rate is None:
        return "transparent"
    return f"hsl({int(rate * 120)}, 70%, 88%)"


def runs_section(report: AuditReport) -> str:
    runs = report.runs[-20:]
    if not runs:
        return ""
    points = [(f"#{r['id']} {r['started_at'][5:10]}", (r["compliant"] / r["checked"]) if r["checked"] else None,
               f"第 {r['id']} 次审计：{r['checked']} 封，合规 {r['compliant']} 封") for r in runs]
    rows = []
    for r in reversed(runs):
        rate = percent(r["compliant"] / r["checked"]) if r["checked"] else "—"
        rows.append(f'<tr><td class="num">{r["id"]}</td><td>{esc(r["started_at"].replace("T", " "))}</td>'
                    f'<td class="num">{r["files"]}</td><td class="num">{r["checked"]}</td><td class="num">{r["compliant"]}</td>'
                    f'<td class="num">{rate}</td><td class="num">{r["with_findings"]}</td><td class="num">{r["unreadable"]}</td>'
                    f'<td class="num">{r["n_error"]}</td><td class="num">{r["n_warning"]}</td><td class="num">{r["n_info"]}</td>'
                    f'<td class="num">{r["rechecked"]}</td><td class="num">{r["reused"]}</td>'
                    f'<td class="num">{r["seconds"]:.2f}</td></tr>')
    chart = line_chart(points, "历次审计的合规率（全部档案）") if len(points) > 1 else ""
    return (f'<h2 id="runs">历次审计</h2><p class="meta">每次审计对整个档案的统计（不受 --since 影响），最近 {len(runs)} 次。</p>'
            f"{chart}<table><thead><tr><th class=\"num\">次</th><th>时间</th><th class=\"num\">文件</th><th class=\"num\">检查</th>"
            '<th class="num">合规</th><th class="num">合规率</th><th class="num">有问题</th><th class="num">无法读取</th>'
            '<th class="num">错误</th><th class="num">警告</th><th class="num">提示</th><th class="num">新检查</th>'
            f'<th class="num">沿用</th><th class="num">秒</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


# ---- letters -----------------------------------------------------------------------------------------------------------

def letters_table(letters: list[Letter]) -> str:
    head = ('<table id="letters-table" class="sortable"><thead><tr>'
            '<th data-type="text">文件</th><th data-type="text">发文机关</th><th data-type="text">成文日期</th>'
            '<th data-type="text">类型</th><th data-type="num" class="num">错误</th><th data-type="num" class="num">警告</th>'
            '<th data-type="num" class="num">提示</th></tr></thead><tbody>')
    rows = []
    for l in letters:
        cells, _ = _parts(l)
        rows.append(f'<tr class="{"clean" if l.compliant else "dirty"}"><td class="path"><a href="#f-{l.index}">'
                    f'{esc(l.path)}</a></td>{cells}</tr>')
    return head + "".join(rows) + "</tbody></table>"


def _highlight(text: str, start: int, end: Optional[int]) -> str:
    """One source line, escaped, with columns [start, end) (0-based code points) marked."""
    if start >= len(text) or (end is not None and end <= start):
        return esc(text)
    end = len(text) if end is None else min(end, len(text))
    return f"{esc(text[:start])}<mark>{esc(text[start:end])}</mark>{esc(text[end:])}"


def _source_block(f) -> str:
    if not f.source:
        return ""
    lines = f.source.split("\n")
    out = []
    for i, text in enumerate(lines):
        number = f.line + i
        if i == 0:
            end = f.end_column - 1 if f.end_line == f.line else None
            shown = _highlight(text, max(0, f.column - 1), end)
        elif number == f.end_line:
            shown = _highlight(text, 0, f.end_column - 1)
        elif number < f.end_line:
            shown = _highlight(text, 0, None)
        else:
            shown = esc(text)
        out.append(f'<span class="ln">{number}</span>{shown}')
    return '<pre class="src">' + "\n".join(out) + "</pre>"


def _findings_html(findings, titles: dict) -> str:
    if not findings:
        return '<p class="ok-text">未发现问题。</p>'
    items = []
    # the problems first, then the 提示 (notes, not problems), each in line order
    for f in sorted(findings, key=lambda f: f.severity == "info"):
        title = titles.get(f.code)
        named = f"{esc(title)} <span class=\"meta\">{esc(f.rule)}</span>" if title else esc(f.rule)
        where = f"第 {f.line} 行第 {f.column} 列" + (f"（{esc(f.location)}）" if f.location else "")
        fix = f'<div class="fix">建议改为：<code>{esc(f.fix)}</code></div>' if f.fix else ""
        items.append(f'<li><span class="sev {esc(f.severity)}">{esc(SEVERITY_LABELS.get(f.severity, f.severity))}</span> '
                     f'<code>{esc(f.code)}</code> {named} · {where}<div class="msg">{esc(f.message)}</div>'
                     f"{fix}{_source_block(f)}</li>")
    return '<ol class="findings">' + "".join(items) + "</ol>"


def catalogue_titles() -> dict[str, str]:
    """code → title from the rule files (read once; for a fragment rendered without a report's titles)."""
    from .collect import rule_catalogue

    return {code: entry.get("title", "") for code, entry in rule_catalogue().items() if entry.get("title")}


def result_fragment(result, titles: Optional[dict] = None) -> tuple[str, str]:
    """The HTML of a checked letter that depends only on its content and the rules (its ``store.Result``, with
    findings): its cells in the letters table, and the body of its details. Rendered once and kept in the
    store (``FRAGMENT_VERSION``)."""
    if result.findings is None and (result.n_error or result.n_warning or result.n_info):
        raise ValueError(f"{result.path}: findings not loaded (Store.load_findings)")
    organ = result.organ or NO_ORGAN
    kind = KIND_LABELS.get(result.kind, result.kind)
    cells = (f'<td>{esc(organ)}</td><td>{esc(result.date or "—")}</td><td>{esc(kind)}</td>'
             f'<td class="num">{result.n_error}</td><td class="num">{result.n_warning}</td><td class="num">{result.n_info}</td>')
    body = (f'<p class="meta">发文机关：{esc(organ)} · 成文日期：{esc(result.date or "未识别")} · '
            f'文号：{esc(result.doc_number or "未识别")} · 类型：{esc(kind)}</p>')
    if result.title:
        body += f'<p class="meta">标题：{esc(result.title)}</p>'
    return cells, body + _findings_html(result.findings, catalogue_titles() if titles is None else titles)


def _parts(letter: Letter) -> tuple[str, str]:
    if letter.fragment is None:
        letter.fragment = result_fragment(letter.result)
    return letter.fragment


def letter_details(letter: Letter) -> str:
    _, body = _parts(letter)
    return (f'<article class="letter" id="f-{letter.index}"><h3><code>{esc(letter.path)}</code>'
            f'<a class="back" href="#letters">↑ 返回列表</a></h3>{body}</article>')


def _unreadable(report: AuditReport) -> str:
    if not report.unreadable:
        return '<h2 id="unreadable">无法读取的文件（0）</h2><p class="ok-text">所有文件都已读取并检查。</p>'
    rows = "".join(f'<tr id="f-{l.index}"><td class="path">{esc(l.path)}</td><td>{esc(l.error)}</td></tr>'
                   for l in report.unreadable)
    return (f'<h2 id="unreadable">无法读取的文件（{len(report.unreadable)}）</h2>'
            '<p class="meta">这些文件没有被检查，不计入合规率；请修复或转换后重新审计。</p>'
            f"<table><thead><tr><th>文件</th><th>原因</th></tr></thead><tbody>{rows}</tbody></table>")


def _undated(report: AuditReport) -> str:
    if report.since is None:
        return ""
    if not report.undated:
        return '<h2 id="undated">无成文日期的答复函（0）</h2><p class="meta">所有已检查的答复函都识别出了成文日期。</p>'
    rows = "".join(f'<tr><td class="path"><a href="#f-{l.index}">{esc(l.path)}</a></td><td>{esc(l.organ_label)}</td>'
                   f'<td class="num">{l.n_error}</td><td class="num">{l.n_warning}</td><td class="num">{l.n_info}</td></tr>'
                   for l in report.undated)
    details = "".join(letter_details(l) for l in report.undated)
    return (f'<h2 id="undated">无成文日期的答复函（{len(report.undated)}）</h2>'
            f'<p class="meta">无法判断这些答复函是否在 {esc(report.since)} 之后，未计入上面的统计，在此单独列出。</p>'
            f'<table><thead><tr><th>文件</th><th>发文机关</th><th class="num">错误</th><th class="num">警告</th>'
            f'<th class="num">提示</th></tr></thead><tbody>{rows}</tbody></table>{details}')


def summary_cards(report: AuditReport) -> str:
    s = report.summary()
    cards = [
        ("rate", percent(s["rate"]), f"合规率（{s['compliant']}/{s['checked']} 封无错误和警告）"),
        ("", _num(s["checked"]), "已检查的答复函"),
        ("", _num(s["compliant"]), "合规（无错误和警告）"),
        ("", _num(s["with_problems"]), "有错误或警告"),
        ("", _num(s["with_findings"]), "有错误、警告或提示"),
        ("", _num(s["unreadable"]), "无法读取"),
        ("", _num(s["error"]), "错误"),
        ("", _num(s["warning"]), "警告"),
        ("", _num(s["info"]), "提示（不计入问题）"),
    ]
    out = ['<div class="cards">']
    for cls, value, label in cards:
        out.append(f'<div class="card {cls}" data-k="{esc(label)}"><div class="v">{esc(value)}</div>'
                   f'<div class="k">{esc(label)}</div></div>')
    out.append("</div>")
    notes = []
    if report.since:
        notes.append(f"只统计成文日期在 {esc(report.since)} 及以后的答复函：{s['checked']} 封；"
                     f"早于该日期的 {s['before_since']} 封未计入；"
                     f"另有 {s['undated']} 封没有可识别的成文日期，无法判断，未计入统计，见<a href=\"#undated\">下方单独列表</a>。")
    if s["unreadable"]:
        notes.append(f"{s['unreadable']} 个文件无法读取，未检查，见<a href=\"#unreadable\">列表</a>。")
    notes.append(f"共发现文件 {s['files']} 个；本次新检查 {report.rechecked} 个，其余 {report.reused} 个内容和规则均未变化，沿用上次结果。")
    out.append("".join(f'<p class="note">{n}</p>' for n in notes))
    return "".join(out)


def render_head(report: AuditReport) -> str:
    """Everything before the letters table: header, summary, charts, trends, the search box."""
    scope = "、".join(report.paths)
    title = "答复函合规审计报告"
    return "".join([
        page_head(title, _CSS),
        f"<header><h1>{title}</h1>",
        f'<p class="meta">审计范围：{esc(scope)}</p>',
        f'<p class="meta">生成时间：{esc(report.generated_at.replace("T", " "))} · replylint {esc(report.tool_version)} · '
        f'规则集版本 {esc(report.ruleset)} · 审计数据库 {esc(printable_path(report.db_path))}'
        + (f" · 成文日期不早于 {esc(report.since)}" if report.since else "") + "</p></header>",
        '<nav><a href="#summary">概览</a><a href="#charts">图表</a><a href="#trends">趋势</a><a href="#letters">答复函列表</a>'
        '<a href="#details">问题详情</a>' + ('<a href="#undated">无日期</a>' if report.since else "")
        + '<a href="#unreadable">无法读取</a><a href="#runs">历次审计</a></nav>',
        '<h2 id="summary">概览</h2>', summary_cards(report),
        '<h2 id="charts">统计图</h2>', charts(report),
        '<h2 id="trends">趋势</h2>', trends(report),
        f'<h2 id="letters">答复函列表（{len(report.letters)}）</h2>',
        '<div class="tools"><label>搜索：<input id="search" type="search" placeholder="文件名、机关、日期、类型……" '
        'autocomplete="off"></label>'
        f'<span class="meta">显示 <span id="shown">{len(report.letters)}</span> / {len(report.letters)} 封；点击表头排序</span></div>',
    ])


def render_block(report: AuditReport) -> str:
    """The letters table, every letter's details and the undated letters: the bulk of the page, a function of
    the letters alone (see ``block_key``)."""
    details = "".join(letter_details(l) for l in report.letters)
    return "".join([letters_table(report.letters),
                    f'<h2 id="details">问题详情</h2>{details or "<p class=meta>没有答复函。</p>"}',
                    _undated(report)])


def render_tail(report: AuditReport) -> str:
    return "".join([_unreadable(report), runs_section(report), f"<script>{_SCRIPT}</script></body></html>\n"])


def render_html(report: AuditReport) -> str:
    """The whole page (every letter must carry its findings or its fragment)."""
    from ..gcpause import batch_gc

    with batch_gc():
        return render_head(report) + render_block(report) + render_tail(report)


def block_key(report: AuditReport) -> str:
    """What the block shows: the renderer, --since, and each letter's place, path and stored result."""
    h = hashlib.sha256(f"{FRAGMENT_VERSION}\0{report.since}\0".encode("utf-8"))
    for section, letters in (("letters", report.letters), ("undated", report.undated)):
        h.update(section.encode() + b"\0")
        for l in letters:
            h.update(f"{l.index}\t{l.path}\t{l.key}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def write_html(report: AuditReport, path: str | Path) -> None:
    """Write the page, re-using from the store what an earlier report of the same letters rendered: the block
    when the letters are the same, else each letter's fragment; only what is new is rendered (and kept)."""
    from ..gcpause import batch_gc
    from .store import Store

    with batch_gc(), Store(report.db_path) as store:
        key = block_key(report)
        block = store.block(key)
        if block is None:
            letters = [l for l in (*report.letters, *report.undated) if l.fragment is None]
            stored = store.fragments_for((l.key for l in letters if l.key), FRAGMENT_VERSION)
            new: dict[tuple[str, str], tuple[str, str]] = {}
            missing = []
            for l in letters:
                l.fragment = stored.get(l.key)
                if l.fragment is None:
                    missing.append(l)
            findings = store.findings_for(l.key for l in missing if l.findings is None and l.key)
            for l in missing:
                if l.result.findings is None:
                    l.result.findings = findings.get(l.key, [])
                l.fragment = new[l.key] = result_fragment(l.result, report.titles or None)
            block = render_block(report).encode("utf-8", _NEVER_INVALID)
            with store.transaction():
                store.save_fragments(((sha, ruleset, cells, body) for (sha, ruleset), (cells, body) in new.items()),
                                     FRAGMENT_VERSION)
                store.save_block(key, block)
        head = render_head(report).encode("utf-8", _NEVER_INVALID)
        tail = render_tail(report).encode("utf-8", _NEVER_INVALID)
    write_atomically(Path(path), (head, block, tail))


__all__ = ["render_html", "write_html", "result_fragment", "esc", "FRAGMENT_VERSION"]
