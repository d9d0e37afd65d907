"""``check --format html``: the one-letter report (issue 11, part 4).

The page is parsed back (``html.parser``) and judged as a reader would: each finding's highlight covers
exactly the text of its span, a missing element is a badge at its place, hostile letter text and file names
stay text, overlapping findings never break the markup, a batch has a section per file (an unreadable one
with its reason), and nothing is loaded from outside the file. The browser test is
``test_html_report_browser.py``.
"""

from __future__ import annotations

import html
import json
import os
import re
import time
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

import formats_fixtures as ff
from checker.cli import SHOWN_FORMATS, main
from checker.formats import FORMATS
from checker.model import Diagnostic, FileResult, Fix, Kind, Report, Severity, Span
from checker.reporters import write_report
from checker.reporters.html import render_html
from conftest import EXAMPLES

DEFECTIVE = sorted((EXAMPLES / "defective").glob("*.txt"))
NPC_DEFECTIVE = EXAMPLES / "defective" / "npc-doc-number-and-date.txt"
FIXED_TIME = {"SOURCE_DATE_EPOCH": "1780000000"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def run(*args: str, env=None):
    return CliRunner(env=env).invoke(main, ["check", "--isolated", "-j", "1", *args], catch_exceptions=False)


class Page(HTMLParser):
    """The parsed page: checks that every element is closed in order, and collects each ``<mark>`` (with its
    text), each note, the ids, and every src/href."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.problems: list[str] = []
        self.marks: list[dict] = []  # in document order: attrs + "text"
        self.notes: dict[str, dict] = {}  # note id → attrs + "text"
        self.ids: list[str] = []
        self.links: list[str] = []
        self.tags: list[str] = []
        self.scripts: list[str] = []
        self._open_marks: list[dict] = []
        self._open_note: dict | None = None
        self.feed(text)
        self.close()
        if self.stack:
            self.problems.append(f"not closed: {[t for t, _ in self.stack]}")

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        for key in ("src", "href", "action", "srcset", "data", "poster"):
            if key in attrs:
                self.links.append(attrs[key])
        if tag in VOID:
            return
        self.stack.append((tag, attrs))
        if tag == "mark":
            if self._open_marks:
                self.problems.append("a mark inside a mark")
            mark = {**attrs, "text": ""}
            self.marks.append(mark)
            self._open_marks.append(mark)
        if tag == "aside":
            self._open_note = self.notes[attrs["id"]] = {**attrs, "text": ""}

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1][0] if self.stack else 'nothing'}")
            return
        self.stack.pop()
        if tag == "mark":
            self._open_marks.pop()
        if tag == "aside":
            self._open_note = None

    def handle_data(self, data):
        for mark in self._open_marks:
            mark["text"] += data
        if self._open_note is not None:
            self._open_note["text"] += data
        if self.stack and self.stack[-1][0] == "script":
            self.scripts.append(data)

    def marks_of(self, key: str) -> list[dict]:
        return [m for m in self.marks if key in m.get("data-f", "").split()]

    def highlighted(self, key: str) -> str:
        """The text of every piece of one finding's highlight, joined."""
        return "".join(m["text"] for m in self.marks_of(key) if "gap" not in m.get("class", "").split())

    def note_for(self, code: str, line: int, column: int) -> str:
        """The key of the note about finding ``code`` at ``line:column``."""
        found = [note_id[2:] for note_id, note in self.notes.items()
                 if re.search(rf"\b{code}\b", note["text"]) and f"第 {line} 行第 {column} 列" in note["text"]]
        assert len(found) == 1, (code, line, column, found)
        return found[0]


def row_text(text: str, file: int, line: int) -> str:
    """The letter's text on one row of the page: its pieces without the tags and badges, unescaped."""
    row = text[text.index(f'id="l-{file}-{line}"'):]
    cell = row[row.index('<div class="text">') + len('<div class="text">'):]
    cell = cell[:cell.index("</div>")]
    cell = re.sub(r'<mark class="gap[^"]*"[^>]*>[^<]*</mark>', "", cell)
    return html.unescape(re.sub(r"<[^>]+>", "", cell))


def parsed(text: str) -> Page:
    page = Page(text)
    page.text = text
    assert page.problems == [], page.problems[:5]
    return page


def span_text(lines: list[str], d: dict) -> str:
    """The text a JSON finding's span covers, the lines' pieces joined without line breaks."""
    if d["line"] == d["end_line"]:
        return lines[d["line"] - 1][d["column"] - 1:d["end_column"] - 1]
    parts = [lines[d["line"] - 1][d["column"] - 1:]]
    parts += lines[d["line"]:d["end_line"] - 1]
    parts.append(lines[d["end_line"] - 1][:d["end_column"] - 1])
    return "".join(parts)


# ---- the highlights --------------------------------------------------------------------------------------------

def test_the_highlights_of_a_defective_letter_are_exactly_its_findings_text():
    result = run("--format", "html", "--show-info", str(NPC_DEFECTIVE))
    assert result.exit_code == 1  # RL107 and RL404 are errors
    page = parsed(result.stdout)
    # what a reviewer reads in the letter: the 文号 with [ ], the 签发人 missing before it, the title with 关于对, the date
    assert page.highlighted(page.note_for("RL107", 6, 1)) == "东建复[2025]8号"
    assert page.highlighted(page.note_for("RL203", 8, 1)) == "关于对县十届人大四次会议第42号建议的答复"
    assert page.highlighted(page.note_for("RL404", 32, 1)) == "2025年06月10日"
    missing = page.note_for("RL109", 6, 1)
    (badge,) = page.marks_of(missing)
    assert badge["class"].split() == ["gap", "warning"] and badge["text"] == "缺：签发人"
    assert page.highlighted(missing) == ""  # the 东 of the 文号 is not what is wrong
    # the badge stands where the 签发人 belongs: on line 6, before the 文号's highlight
    order = [m.get("id") for m in page.marks]
    assert order.index(f"m-{missing}") + 1 == order.index(f"m-{page.note_for('RL107', 6, 1)}")
    assert re.search(r'id="l-0-6"><span class="ln">6</span><div class="text"><mark class="gap warning"', result.stdout)


@pytest.mark.parametrize("path", DEFECTIVE, ids=lambda p: p.name)
def test_every_finding_of_each_defective_example_is_highlighted_on_its_span(path):
    data = json.loads(run("--format", "json", str(path)).stdout)["files"][0]
    page = parsed(run("--format", "html", "--show-info", str(path)).stdout)
    lines = path.read_text(encoding="utf-8").split("\n")
    assert len(page.notes) == len(data["diagnostics"]) > 0
    for d in data["diagnostics"]:
        key = page.note_for(d["code"], d["line"], d["column"])
        assert page.ids.count(f"m-{key}") == 1, d  # the note links to exactly one place
        assert f"#m-{key}" in page.links  # and the note links to it
        if d["title"].startswith("缺少"):  # a badge where the element belongs, nothing highlighted
            assert [m["text"] for m in page.marks_of(key)] == [f"缺：{d['title'][2:]}"], d
            assert row_text(page.text, 0, d["line"]) == lines[d["line"] - 1]
        else:
            assert page.highlighted(key) == span_text(lines, d), d
        note = page.notes[f"n-{key}"]["text"]
        assert d["message"] in note and d["title"] in note and d["rule"] in note
        assert "依据：" in note
        if d["fix"] is not None:
            assert d["fix"]["replacement"] in note
            assert ("可自动修正" in note) == d["fix"]["safe"]


def test_the_note_names_the_rule_source_fix_and_links_to_its_mark():
    page = parsed(run("--format", "html", str(NPC_DEFECTIVE)).stdout)
    key = page.note_for("RL107", 6, 1)
    note = page.notes[f"n-{key}"]["text"]
    assert "错误" in note and "发文字号括号不规范" in note and "doc-number-brackets" in note
    assert "依据：GB/T 9704-2012 7.2.5" in note
    assert "建议改为：“东建复〔2025〕8号”" in note and "可自动修正" in note
    assert f"#m-{key}" in page.links  # the note links to its highlight …
    (mark,) = page.marks_of(key)
    assert mark["id"] == f"m-{key}" and mark["aria-describedby"] == f"n-{key}"  # … and the highlight to its note
    assert mark["title"].startswith("错误 RL107 发文字号括号不规范：发文字号")
    # the description, once per rule, below the letter
    assert "本函涉及的规则" in run("--format", "html", str(NPC_DEFECTIVE)).stdout


def test_info_is_hidden_unless_asked_and_the_page_says_so():
    hidden = run("--format", "html", str(NPC_DEFECTIVE)).stdout
    assert "RL203" not in re.sub(r"<div class=\"rules\">.*?</div></section>", "", hidden, flags=re.S)
    assert "本报告没有显示 1 个“提示”" in hidden and "--show-info" in hidden
    assert "另有 1 个提示未显示（加 --show-info 查看）" in hidden  # the summary line of the other formats
    assert "错误 2</span>，<span class=\"count warning\">警告 1</span>，<span class=\"count info\">提示未显示" in hidden
    shown = run("--format", "html", "--show-info", str(NPC_DEFECTIVE)).stdout
    assert "本报告没有显示" not in shown and "提示 1</span>" in shown
    assert parsed(shown).note_for("RL203", 8, 1)
    assert "本报告没有显示" not in run("--format", "html", "--fail-on", "info", str(NPC_DEFECTIVE)).stdout
    assert "html" in SHOWN_FORMATS and "html" in FORMATS


# ---- hostile text, overlaps, the places a span can point to ---------------------------------------------------

def finding(code: str, line: int, column: int, end_line: int, end_column: int, severity=Severity.WARNING,
            message: str = "有问题", fix: Fix | None = None) -> Diagnostic:
    return Diagnostic(code=code, rule=code.lower(), severity=severity, message=message, fix=fix,
                      span=Span(line=line, column=column, end_line=end_line, end_column=end_column))


def test_hostile_letter_text_messages_and_file_names_stay_text():
    hostile = "<script>alert(1)</script> & \"双\" 'single' <img src=x onerror=alert(2)>"
    report = Report(files=[FileResult(
        path="<b>x</b>\"&.txt", kind=Kind.NPC, source_lines=["标题", hostile, "</div></section><!--"],
        diagnostics=[finding("RL107", 2, 1, 2, 26, Severity.ERROR, message="<i>坏</i> & “x”",
                             fix=Fix(replacement="</mark><script>x</script>", span=Span(line=2, column=1, end_line=2, end_column=26),
                                     description="", safe=True)),
                     finding("RL404", 3, 1, 3, 7)])])
    text = render_html(report)
    page = parsed(text)
    assert page.tags.count("script") == 1 and page.tags.count("img") == 0 and "i" not in page.tags
    assert page.links == [l for l in page.links if l.startswith("#")]
    key = page.note_for("RL107", 2, 1)
    assert page.highlighted(key) == "<script>alert(1)</script>"
    assert row_text(text, 0, 2) == hostile and row_text(text, 0, 3) == "</div></section><!--"
    assert ' &amp; &quot;双&quot; &#x27;single&#x27; &lt;img src=x onerror=alert(2)&gt;' in text
    assert page.highlighted(page.note_for("RL404", 3, 1)) == "</div>"
    assert "<i>坏</i> & “x”" in page.notes[f"n-{key}"]["text"]
    assert "</mark><script>x</script>" in page.notes[f"n-{key}"]["text"]
    assert "&lt;b&gt;x&lt;/b&gt;&quot;&amp;.txt" in text
    assert "<!--" not in text.split("<body>", 1)[1]


def test_the_whole_line_of_hostile_text_is_shown_as_written(tmp_path):
    letter = (EXAMPLES / "npc-compliant.txt").read_text(encoding="utf-8").replace(
        "经认真研究", "经<script>alert('研究')</script>&amp;认真研究", 1)
    path = tmp_path / "hostile.txt"
    path.write_text(letter, encoding="utf-8")
    text = run("--format", "html", str(path)).stdout
    page = parsed(text)
    assert page.tags.count("script") == 1
    assert "经&lt;script&gt;alert(&#x27;研究&#x27;)&lt;/script&gt;&amp;amp;认真研究" in text


def test_overlapping_and_nested_findings_give_valid_markup_and_exact_highlights():
    lines = ["abcdefghij", "line two", "last"]
    findings = [
        finding("RL107", 1, 1, 1, 6, Severity.ERROR),    # abcde
        finding("RL404", 1, 4, 1, 9, Severity.WARNING),  # defgh  (overlaps the first)
        finding("RL203", 1, 3, 1, 5, Severity.INFO),     # cd     (inside both)
        finding("RL604", 1, 6, 1, 6),                    # empty: a point after e
        finding("RL303", 1, 8, 3, 3),                    # hij + line two + la (three lines)
        finding("RL304", 2, 1, 2, 9),                    # line two (inside the multi-line one)
        finding("RL109", 1, 1, 1, 2),                    # 缺少签发人: a badge at the start, a not highlighted by it
        finding("RL302", 9, 1, 9, 1),                    # beyond the last line: at the end
        finding("RL305", 3, 2, 7, 1),                    # runs past the last line: to the end of the text
    ]
    report = Report(files=[FileResult(path="a.txt", kind=Kind.NPC, source_lines=lines, diagnostics=findings)])
    page = parsed(render_html(report))
    key = lambda code, line, column: page.note_for(code, line, column)  # noqa: E731
    assert page.highlighted(key("RL107", 1, 1)) == "abcde"
    assert page.highlighted(key("RL404", 1, 4)) == "defgh"
    assert page.highlighted(key("RL203", 1, 3)) == "cd"
    assert page.highlighted(key("RL303", 1, 8)) == "hij" + "line two" + "la"
    assert page.highlighted(key("RL304", 2, 1)) == "line two"
    assert page.highlighted(key("RL305", 3, 2)) == "ast"
    # the pieces: d is under three findings, coloured by the gravest
    (d_piece,) = [m for m in page.marks if m["text"] == "d"]
    assert len(d_piece["data-f"].split()) == 3 and d_piece["class"].split()[0] == "error"
    # points: badges, each the one mark of its finding
    (at_end,) = [note_id[2:] for note_id, note in page.notes.items() if "RL302" in note["text"]]
    for point in (key("RL604", 1, 6), key("RL109", 1, 1), at_end):
        (badge,) = page.marks_of(point)
        assert "gap" in badge["class"].split()
    assert page.marks_of(key("RL109", 1, 1))[0]["text"] == "缺：签发人"
    # every mark's id is unique, and every mark points to notes that exist
    assert len(page.ids) == len(set(page.ids))
    for mark in page.marks:
        for note in mark["aria-describedby"].split():
            assert note in page.notes
    # the text of the lines is all there, in order, once (badges aside)
    assert [row_text(page.text, 0, n) for n in (1, 2, 3)] == lines


def test_a_finding_beyond_the_last_line_stands_at_the_end():
    report = Report(files=[FileResult(path="a.txt", source_lines=["一", "二"],
                                      diagnostics=[finding("RL302", 40, 1, 40, 1)])])
    text = render_html(report)
    page = parsed(text)
    end = text.index('id="l-0-end"')
    assert text.index("缺：结尾致谢") > end > text.index('id="l-0-2"')
    assert "文末" in list(page.notes.values())[0]["text"]


# ---- a batch, unreadable files, other file kinds ---------------------------------------------------------------

def test_a_batch_has_a_section_per_file_a_table_of_contents_and_the_unreadable_one_with_its_reason(tmp_path):
    missing = tmp_path / "不存在.txt"
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    targets = [str(NPC_DEFECTIVE), str(EXAMPLES / "npc-compliant.txt"), str(broken), str(missing)]
    result = run("--format", "html", *targets)
    assert result.exit_code == 2  # files that could not be read: as every other format
    errors = {f["path"]: f["error"] for f in json.loads(run("--format", "json", *targets).stdout)["files"]}
    text = result.stdout
    page = parsed(text)
    sections = re.findall(r'<section class="letter" id="(file-\d+)"', text)
    assert sections == ["file-0", "file-1", "file-2", "file-3"]
    assert [l for l in page.links if l.startswith("#file-")] == ["#file-0", "#file-1", "#file-2", "#file-3"]
    assert "答复函检查报告（4 个文件）" in text
    for path in (str(broken), str(missing)):
        section = text[text.index(f'<span class="path">{path}</span>'):]
        section = section[:section.index("</section>")]
        assert "无法检查：" in section and errors[path] in section
    compliant = text[text.index("npc-compliant.txt</span>"):]
    assert "未发现问题" in compliant[:compliant.index("</section>")]
    assert "2 个文件无法读取" in text
    # the 提示 of RL203 were left out: the contents say so rather than count 0
    assert '<td class="num">2</td><td class="num">1</td><td class="num">未显示</td>' in text


def test_worker_processes_keep_the_lines_the_page_shows(tmp_path):
    for i in range(8):  # enough files for --jobs 2 to use workers
        (tmp_path / f"{i}.txt").write_bytes(NPC_DEFECTIVE.read_bytes())
    one = run("--format", "html", str(tmp_path), env=FIXED_TIME)
    two = CliRunner(env=FIXED_TIME).invoke(main, ["check", "--isolated", "-j", "2", "--format", "html", str(tmp_path)],
                                           catch_exceptions=False)
    assert two.exit_code == one.exit_code == 1
    assert two.stdout == one.stdout
    assert parsed(two.stdout).highlighted("7-0") == "东建复[2025]8号"


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_a_word_or_pdf_letter_gives_a_page_with_its_paragraph_or_page(kind, tmp_path):
    text = NPC_DEFECTIVE.read_text(encoding="utf-8")
    path = tmp_path / f"letter.{kind}"
    if kind == "pdf" and not ff.reportlab_available():
        pytest.skip("reportlab is needed to build the PDF")
    path.write_bytes(ff.build_docx(text) if kind == "docx" else ff.build_pdf(text))
    data = json.loads(run("--format", "json", str(path)).stdout)["files"][0]
    page = parsed(run("--format", "html", str(path)).stdout)
    doc_number = next(d for d in data["diagnostics"] if d["code"] == "RL107")
    key = page.note_for("RL107", doc_number["line"], doc_number["column"])
    assert page.highlighted(key) == "东建复[2025]8号"
    note = page.notes[f"n-{key}"]["text"]
    assert doc_number["location"] in note
    assert ("第 4 段" if kind == "docx" else "第 1 页") in doc_number["location"]


# ---- self-contained, written safely, in linear time -----------------------------------------------------------

def test_the_page_is_self_contained_and_forbids_every_other_source():
    text = run("--format", "html", "--show-info", *map(str, DEFECTIVE)).stdout
    page = parsed(text)
    assert page.links and all(link.startswith("#") for link in page.links)
    assert not re.search(r"https?:|//[a-z]", " ".join(page.links))
    for tag in ("link", "img", "iframe", "object", "embed", "base", "form"):
        assert tag not in page.tags
    assert "@import" not in text and "url(" not in text and "https://" not in text and "http://" not in text
    assert "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';" in text
    assert text.startswith("<!DOCTYPE html>\n<html lang=\"zh-CN\">")
    assert "@page { size: A4;" in text and "@media print" in text and "print-color-adjust: exact" in text


def test_output_file_is_written_atomically_and_never_over_the_letter(tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_bytes(NPC_DEFECTIVE.read_bytes())
    out = tmp_path / "out" / "report.html"
    written = run("--format", "html", "-o", str(out), str(letter), env=FIXED_TIME)
    assert written.exit_code == 1 and written.stdout == ""
    assert sorted(p.name for p in out.parent.iterdir()) == ["report.html"]  # no temporary file left
    assert out.read_text(encoding="utf-8") == run("--format", "html", str(letter), env=FIXED_TIME).stdout
    refused = run("--format", "html", "-o", str(letter), str(letter))
    assert refused.exit_code == 2 and "不能用结果覆盖它" in refused.stderr
    assert letter.read_bytes() == NPC_DEFECTIVE.read_bytes()
    os.link(letter, tmp_path / "another-name.html")
    assert run("--format", "html", "-o", str(tmp_path / "another-name.html"), str(letter)).exit_code == 2
    assert letter.read_bytes() == NPC_DEFECTIVE.read_bytes()


@pytest.mark.parametrize("target", [str(NPC_DEFECTIVE), str(EXAMPLES / "npc-compliant.txt"), "examples/no-such.txt"])
def test_the_exit_code_is_that_of_the_other_formats(target):
    assert run("--format", "html", target).exit_code == run("--format", "full", target).exit_code
    assert run("--format", "html", "--exit-zero", target).exit_code == run("--format", "concise", "--exit-zero", target).exit_code


def test_the_check_time_and_version_are_in_the_header():
    text = run("--format", "html", str(NPC_DEFECTIVE), env=FIXED_TIME).stdout
    assert "检查时间：2026-05-28 20:26 UTC" in text and "replylint 0.1.0" in text
    assert "人大代表建议答复" in text and "错误 2" in text and "警告 1" in text


def _timed_render(report: Report) -> float:
    start = time.perf_counter()
    text = render_html(report)
    seconds = time.perf_counter() - start
    assert text.endswith("</html>\n")
    return seconds


def _long_line(n: int) -> Report:
    line = ("的一是在不了有和人这" * (n // 10 + 1))[:n]
    findings = [finding("RL320", 1, c, 1, c + 3) for c in range(1, n - 3, max(1, n // 2000))]
    return Report(files=[FileResult(path="a.txt", source_lines=[line], diagnostics=findings)])


def _many_lines(n: int) -> Report:
    lines = [f"第{i}行，内容<&>" for i in range(n)]
    findings = [finding("RL320", i, 1, i, 3) for i in range(1, n + 1, 2)]
    return Report(files=[FileResult(path="a.txt", source_lines=lines, diagnostics=findings)])


@pytest.mark.parametrize("make,small,large", [(_long_line, 1 << 18, 1 << 20), (_many_lines, 5_000, 20_000)],
                         ids=["1-MiB-line", "20000-lines"])
def test_a_long_line_or_many_lines_render_in_linear_time(make, small, large):
    base = min(_timed_render(make(small)) for _ in range(2))
    seconds = _timed_render(make(large))
    assert seconds < 20.0, f"{seconds:.1f} s"
    assert seconds < 8 * max(base, 0.05), f"{base:.2f} s → {seconds:.2f} s from {small} to {large}"  # linear: ×4


def test_write_report_sends_the_page_to_stdout_or_a_file(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    report = Report(files=[FileResult(path="a.txt", source_lines=["东建复[2025]8号"],
                                      diagnostics=[finding("RL107", 1, 1, 1, 12, Severity.ERROR)])])
    out = tmp_path / "r.html"
    write_report(report, "html", str(out))
    assert capsys.readouterr().out == ""
    write_report(report, "html", None)
    assert capsys.readouterr().out == out.read_text(encoding="utf-8")
