"""``replylint audit``: the incremental store, --since, the HTML report, the workbook, exit codes."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

import checker.batch
from checker.audit import build_report, run_audit
from checker.audit.collect import DB_NAME, doc_year, normalise_organ
from checker.audit.html import result_fragment
from checker.audit.store import Store
from checker.cli import main
from checker.engine import load_rules
from conftest import EXAMPLES, LETTERS, ROOT

NPC = (EXAMPLES / "npc-compliant.txt").read_text(encoding="utf-8")
EVIL = ("办理结果：A\n<script>alert('x')</script></td>局文件\n\n关于</td><b>加粗</b>的答复\n\n尊敬的张三代表：\n\n"
        "正文 <img src=x onerror=alert(1)> & \"引号\" '单引号' </table>\n\n=HYPERLINK(\"http://example.invalid\")\n")


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def backdate(folder: Path, seconds: float = 3600) -> None:
    """Files of an archive were written a while ago (files written within two seconds are re-hashed)."""
    when = time.time() - seconds
    for path in folder.rglob("*"):
        if path.is_file() and not path.name.startswith(".replylint"):
            os.utime(path, (when, when))


@pytest.fixture
def archive(tmp_path):
    folder = tmp_path / "archive"
    (folder / "2025").mkdir(parents=True)
    shutil.copy(EXAMPLES / "npc-compliant.txt", folder / "2025" / "npc.txt")
    shutil.copy(EXAMPLES / "cppcc-compliant.txt", folder / "2025" / "cppcc.txt")
    for p in sorted((EXAMPLES / "defective").glob("*.txt")):
        shutil.copy(p, folder / "2025" / p.name)
    backdate(folder)
    return folder


@pytest.fixture
def spy(monkeypatch):
    """Counts the letters actually checked (audits here run with --jobs 1, in this process)."""
    calls = []
    original = checker.batch.check_one

    def counting(path, *args, **kwargs):
        calls.append(path)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(checker.batch, "check_one", counting)
    return calls


def last_run(folder: Path) -> dict:
    with Store(folder / DB_NAME) as store:
        return store.runs()[-1]


def audit(folder: Path, *args: str):
    return run("audit", str(folder), "--jobs", "1", *args)


# ---- the incremental store --------------------------------------------------------------------------------------------

def test_second_audit_of_an_unchanged_archive_checks_nothing(archive, tmp_path, spy):
    html = tmp_path / "r.html"
    first = audit(archive, "--html", str(html))
    assert first.exit_code == 1, first.output
    assert len(spy) == 6 and last_run(archive)["rechecked"] == 6
    spy.clear()
    second = audit(archive, "--html", str(html))
    assert second.exit_code == 1
    assert spy == []
    run_row = last_run(archive)
    assert run_row["rechecked"] == 0 and run_row["reused"] == 6
    assert "新检查 0 个" in second.output
    assert (archive / DB_NAME).is_file()


def test_changed_file_is_checked_again_and_others_are_reused(archive, spy):
    audit(archive)
    spy.clear()
    letter = archive / "2025" / "npc.txt"
    letter.write_text(NPC.replace("2025年6月10日\n", "2025年6月11日\n", 1), encoding="utf-8")
    os.utime(letter, (time.time() - 60, time.time() - 60))  # a different modification time, long enough ago
    audit(archive)
    assert [Path(p).name for p in spy] == ["npc.txt"]
    assert last_run(archive)["rechecked"] == 1


def test_touched_but_identical_file_is_rehashed_not_rechecked(archive, spy):
    audit(archive)
    spy.clear()
    os.utime(archive / "2025" / "npc.txt", (time.time() - 30, time.time() - 30))
    audit(archive)
    assert spy == []  # same bytes: the result keyed by the hash is re-used


def test_a_new_file_with_the_content_of_a_known_one_reuses_its_result(archive, spy):
    audit(archive)
    spy.clear()
    shutil.copy(archive / "2025" / "npc.txt", archive / "2025" / "copy-of-npc.txt")
    result = audit(archive)
    assert spy == [] and "审计 7 个文件" in result.output


def test_identical_files_in_one_audit_are_checked_once_and_all_listed(tmp_path, spy):
    folder = tmp_path / "a"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text(NPC, encoding="utf-8")
    report = build_report(run_audit([folder]))
    assert len(spy) == 1
    assert [Path(l.path).name for l in report.letters] == ["a.txt", "b.txt", "c.txt"]


def test_config_change_rechecks_and_reverting_reuses(archive, spy):
    audit(archive)
    spy.clear()
    config = archive / "replylint.toml"
    config.write_text('ignore = ["signer-missing"]\n', encoding="utf-8")
    audit(archive)
    assert len(spy) == 6
    spy.clear()
    audit(archive, "--ignore", "date-format")  # a command-line override is part of the settings too
    assert len(spy) == 6
    spy.clear()
    config.unlink()
    audit(archive)
    assert spy == []  # the results for the original settings are still in the store


def test_rule_file_change_rechecks_everything(archive, spy, monkeypatch, tmp_path):
    from checker.audit import fingerprint
    from checker.resources import data_dir

    audit(archive)
    spy.clear()
    rules = tmp_path / "rules"
    shutil.copytree(data_dir("rules"), rules)
    header = rules / "header.toml"
    header.write_text(header.read_text(encoding="utf-8").replace("缺少办理结果", "没有办理结果", 1), encoding="utf-8")
    monkeypatch.setattr(fingerprint, "data_dir", lambda name: rules if name == "rules" else data_dir(name))
    fingerprint.base_version.cache_clear()
    try:
        audit(archive)
        assert len(spy) == 6
        with Store(archive / DB_NAME) as store:
            assert store.count_results() == 6  # results of the old catalogue are gone
    finally:
        fingerprint.base_version.cache_clear()


def test_store_keeps_fields_diagnostics_and_offending_lines(archive):
    audit(archive)
    db = sqlite3.connect(archive / DB_NAME)
    row = db.execute("SELECT kind, organ, year, date, doc_number FROM results r JOIN files f USING (sha256) "
                     "WHERE f.path LIKE '%npc-doc-number-and-date.txt'").fetchone()
    assert row == ("npc-suggestion", "东河县住房和城乡建设局", 2025, "2025-06-10", "东建复[2025]8号")
    finding = db.execute("SELECT code, rule, severity, line, col, message, source FROM findings "
                         "WHERE rule = 'doc-number-brackets'").fetchone()
    assert finding[0] == "RL107" and finding[2] == "error" and finding[3] == 6
    assert finding[6].startswith("东建复[2025]8号")
    runs = db.execute("SELECT files, checked, compliant, unreadable FROM runs").fetchall()
    assert runs == [(6, 6, 2, 0)]


def test_parallel_audit_stores_the_same_as_serial(tmp_path):
    import lettergen

    folder = tmp_path / "gen"
    folder.mkdir()
    for i, text in enumerate(lettergen.generate_corpus(12, seed=3)):
        (folder / f"{i:02d}.txt").write_text(text, encoding="utf-8")
    backdate(folder)
    serial = run_audit([folder], jobs=1, db_path=tmp_path / "serial.sqlite")
    parallel = run_audit([folder], jobs=2, db_path=tmp_path / "parallel.sqlite")

    def rows(a):
        return [(Path(e.path).name, e.result.kind, e.result.organ, e.result.year, e.result.date, e.result.doc_number,
                 e.result.digest, result_fragment(e.result)) for e in a.entries]

    assert rows(serial) == rows(parallel)
    assert all(e.result.organ for e in serial.entries)


def test_helpers_normalise_organs_and_read_doc_number_years():
    assert normalise_organ("# 青川市 住房和城乡建设局文件") == "青川市住房和城乡建设局"
    assert normalise_organ("   ") is None
    assert doc_year({"doc_number": {"value": "东建复[2025]8号"}}) == 2025
    assert doc_year({"doc_number": {"value": "东建复〔2019〕8号", "year": "2019"}}) == 2019
    assert doc_year({"doc_number": None}) is None


# ---- what the report covers ------------------------------------------------------------------------------------------

def test_unreadable_files_are_listed_with_their_message(archive, tmp_path):
    (archive / "broken.docx").write_bytes(b"\x00\x01 not a zip")
    (archive / "empty.txt").write_bytes(b"")
    html, xlsx = tmp_path / "r.html", tmp_path / "r.xlsx"
    result = audit(archive, "--html", str(html), "--xlsx", str(xlsx))
    assert result.exit_code == 2
    page = html.read_text(encoding="utf-8")
    assert "无法读取的文件（2）" in page and "broken.docx" in page and "empty.txt" in page
    assert "文件为空" in page
    import openpyxl

    files = openpyxl.load_workbook(xlsx)["文件"]
    unreadable = [r for r in files.iter_rows(min_row=2, values_only=True) if r[2] == "无法读取"]
    assert sorted(Path(r[1]).name for r in unreadable) == ["broken.docx", "empty.txt"]
    assert all(r[13] for r in unreadable)
    # unreadable twice: still listed (errors are stored too, and a second audit reports them again)
    again = audit(archive, "--html", str(html))
    assert again.exit_code == 2 and "无法读取的文件（2）" in html.read_text(encoding="utf-8")


def test_since_covers_letters_dated_on_or_after_and_lists_undated_ones(tmp_path):
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "new.txt").write_text(NPC, encoding="utf-8")
    (folder / "old.txt").write_text(NPC.replace("2025年6月10日\n", "2023年6月10日\n", 1), encoding="utf-8")
    (folder / "undated.txt").write_text(NPC.replace("2025年6月10日\n", "\n", 1), encoding="utf-8")
    backdate(folder)
    report = build_report(run_audit([folder]), since="2024-01-01")
    assert [Path(l.path).name for l in report.letters] == ["new.txt"]
    assert [Path(l.path).name for l in report.undated] == ["undated.txt"]
    assert report.before_since == 1
    html = tmp_path / "r.html"
    result = run("audit", str(folder), "--since", "2024-01-01", "--html", str(html), "--fail-on", "error")
    page = html.read_text(encoding="utf-8")
    assert "早于该日期的 1 封未计入" in page and "另有 1 封没有可识别的成文日期" in page
    assert "无成文日期的答复函（1）" in page and "undated.txt" in page and "old.txt" not in page
    assert result.exit_code == 1  # the undated letter's date-missing error is listed, so it counts
    assert run("audit", str(folder), "--since", "2025-13-01").exit_code == 2


def test_trends_per_organ_and_year(tmp_path):
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "a.txt").write_text(NPC, encoding="utf-8")
    (folder / "b.txt").write_text(NPC.replace("2025年6月10日\n", "2024年6月10日\n", 1), encoding="utf-8")
    report = build_report(run_audit([folder]))
    assert [g.key for g in report.by_year] == ["2024", "2025"]
    cells = report.organ_year["青川市住房和城乡建设局"]
    assert set(cells) == {"2024", "2025"} and cells["2025"].rate == 1.0 and cells["2024"].letters == 1


# ---- the HTML report ---------------------------------------------------------------------------------------------------

class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_html_is_self_contained(archive, tmp_path):
    html = tmp_path / "r.html"
    audit(archive, "--html", str(html))
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page and '<meta charset="utf-8">' in page
    assert "Noto Sans CJK SC" in page and "Microsoft YaHei" in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    lowered = page.lower()
    for needle in ("<script src", "<link", "@import", "url(", "src=\"http", "href=\"http", "src='http", "href='http",
                   "//fonts.", "cdn"):
        assert needle not in lowered, needle
    parser = _Tags()
    parser.feed(page)
    for tag, attrs in parser.tags:
        assert "src" not in attrs, (tag, attrs)
        if "href" in attrs:
            assert attrs["href"].startswith("#"), attrs
    assert sum(1 for tag, _ in parser.tags if tag == "svg") >= 5
    assert sum(1 for tag, attrs in parser.tags if tag == "rect" and "bar" in attrs.get("class", "")) > 5


def test_html_escapes_every_value_from_letters(tmp_path):
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "evil <b>.txt").write_text(EVIL, encoding="utf-8")
    (folder / "npc.txt").write_text(NPC, encoding="utf-8")
    html = tmp_path / "r.html"
    run("audit", str(folder), "--html", str(html))
    page = html.read_text(encoding="utf-8")
    assert page.count("<script") == 1  # ours, at the end
    assert "<img" not in page and "<b>" not in page and "</table>" in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;/td&gt;" in page and "evil &lt;b&gt;.txt" in page
    parser = _Tags()
    parser.feed(page)
    rows = [attrs for tag, attrs in parser.tags if tag == "tr" and attrs.get("class") in ("clean", "dirty")]
    assert len(rows) == 2  # the letters table kept its shape
    anchors = {attrs["id"] for tag, attrs in parser.tags if "id" in attrs}
    links = [attrs["href"][1:] for tag, attrs in parser.tags if tag == "a" and attrs.get("href", "").startswith("#f-")]
    assert links and all(link in anchors for link in links)


# ---- the workbook --------------------------------------------------------------------------------------------------------

def test_xlsx_counts_equal_the_store_and_the_json(archive, tmp_path):
    import openpyxl
    (archive / "empty.txt").write_bytes(b"")
    xlsx = tmp_path / "r.xlsx"
    audit(archive, "--xlsx", str(xlsx))
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames[:8] == ["概览", "按规则", "按机关", "按年份", "按类型", "机关逐年", "文件", "问题"]
    for ws in wb:
        assert ws.freeze_panes == "A2"
    overview = {row[0]: row[1] for row in wb["概览"].iter_rows(min_row=2, values_only=True)}

    run_row = last_run(archive)
    for label, column in (("发现的文件", "files"), ("已检查的答复函", "checked"), ("合规（无错误和警告）", "compliant"),
                          ("有错误、警告或提示", "with_findings"), ("无法读取", "unreadable"), ("错误", "n_error"),
                          ("警告", "n_warning"), ("提示（不计入问题）", "n_info")):
        assert overview[label] == run_row[column], label
    assert overview["合规率"] == pytest.approx(run_row["compliant"] / run_row["checked"], abs=1e-4)

    checked = json.loads(run("check", str(archive), "--format", "json", "--jobs", "1").output)
    totals = {s: sum(d["severity"] == s for f in checked["files"] for d in f["diagnostics"]) for s in ("error", "warning", "info")}
    assert (overview["错误"], overview["警告"], overview["提示（不计入问题）"]) == (totals["error"], totals["warning"], totals["info"])
    assert overview["无法读取"] == sum(1 for f in checked["files"] if f["error"])

    problems = list(wb["问题"].iter_rows(min_row=2, values_only=True))
    assert len(problems) == sum(totals.values())
    by_rule = list(wb["按规则"].iter_rows(min_row=2, values_only=True))
    assert sum(r[4] for r in by_rule) == sum(totals.values())
    titles = {r.rule.code: r.rule.title for r in load_rules()}
    assert all(r[1] == titles[r[0]] for r in by_rule)  # 代码, 标题 (缺少签发人), 规则 …
    assert all(row[6] == titles[row[5]] for row in problems)
    files = list(wb["文件"].iter_rows(min_row=2, values_only=True))
    assert len(files) == overview["发现的文件"]
    for sheet in ("按机关", "按年份", "按类型"):
        rows = list(wb[sheet].iter_rows(min_row=2, values_only=True))
        assert sum(r[1] for r in rows) == overview["已检查的答复函"], sheet
        # 问题合计 counts errors and warnings; 提示 are the last column, apart
        assert sum(r[7] for r in rows) == totals["error"] + totals["warning"], sheet
        assert sum(r[8] for r in rows) == totals["info"], sheet
    width = wb["文件"].column_dimensions["B"].width
    assert 12 <= width <= 62


def test_xlsx_writes_letter_text_as_text_never_as_a_formula(tmp_path):
    import openpyxl
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "evil.txt").write_text(EVIL, encoding="utf-8")
    xlsx = tmp_path / "r.xlsx"
    run("audit", str(folder), "--xlsx", str(xlsx))
    wb = openpyxl.load_workbook(xlsx)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert any(isinstance(c.value, str) and c.value.startswith("=HYPERLINK") for c in cells)
    assert not any(c.data_type == "f" for c in cells)


# ---- the command ----------------------------------------------------------------------------------------------------------

def test_exit_codes_mirror_check(tmp_path):
    clean = tmp_path / "clean"
    clean.mkdir()
    shutil.copy(EXAMPLES / "npc-compliant.txt", clean / "a.txt")
    assert run("audit", str(clean)).exit_code == 0
    defective = tmp_path / "defective"
    defective.mkdir()
    shutil.copy(LETTERS / "s3_cppcc_no_date.txt", defective / "a.txt")
    assert run("audit", str(defective)).exit_code == 1
    assert run("audit", str(defective), "--exit-zero").exit_code == 0
    (defective / "empty.txt").write_bytes(b"")
    assert run("audit", str(defective), "--exit-zero").exit_code == 2
    assert run("audit").exit_code == 2
    assert run("audit", "-").exit_code == 2
    assert run("audit", str(clean), "--select", "no-such-rule").exit_code == 2
    assert run("audit", str(clean), "--config", str(tmp_path / "missing.toml")).exit_code == 2


def test_fail_on_error_ignores_warnings(tmp_path):
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "w.txt").write_text("\n".join(l for l in NPC.splitlines() if not l.startswith("公开属性")), encoding="utf-8")
    assert run("audit", str(folder)).exit_code == 1
    assert run("audit", str(folder), "--fail-on", "error").exit_code == 0


def test_db_option_and_outputs_are_not_audited(tmp_path):
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "a.txt").write_text(NPC, encoding="utf-8")
    db = tmp_path / "elsewhere" / "audit.sqlite"
    result = run("audit", str(folder), "--db", str(db), "--include", "*", "--html", str(folder / "report.html"))
    assert result.exit_code == 0, result.output
    assert db.is_file() and not (folder / DB_NAME).exists()
    result = run("audit", str(folder), "--db", str(db), "--include", "*", "--html", str(folder / "report.html"))
    assert "审计 1 个文件" in result.output  # neither the report nor the database is taken for a letter


def test_check_does_not_load_the_audit_machinery():
    code = ("import sys\nfrom checker.cli import main\n"
            f"try:\n    main(['check', {str(EXAMPLES / 'npc-compliant.txt')!r}])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('sqlite3', 'openpyxl', 'checker.audit') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_a_report_from_stored_parts_equals_a_fresh_rendering(archive, tmp_path):
    from checker.audit import write_html
    from checker.audit.html import render_html

    audit(archive, "--html", str(tmp_path / "first.html"))  # stores fragments and the block
    report = build_report(run_audit([archive], with_findings=True))
    write_html(report, tmp_path / "cached.html")
    assert (tmp_path / "cached.html").read_text(encoding="utf-8") == render_html(report)
    with Store(archive / DB_NAME) as store:
        assert store.db.execute("SELECT count(*) FROM blocks").fetchone()[0] >= 1
    # another view of the same letters: no stored block, but each letter's stored fragment
    result = run_audit([archive], with_findings=True)
    from_store = build_report(result, since="2020-01-01")
    write_html(from_store, tmp_path / "fragments.html")
    fresh = build_report(result, since="2020-01-01")
    fresh.generated_at = from_store.generated_at
    assert (tmp_path / "fragments.html").read_text(encoding="utf-8") == render_html(fresh)
