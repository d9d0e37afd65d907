"""Baselines (issue #5): record today's findings, then report only new ones, keyed by content, not lines."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
LETTER = "npc-doc-number-and-date.txt"  # 文号 with [ ], no 签发人, a 成文日期 written 2025年06月10日


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    folder = tmp_path / "archive"
    shutil.copytree(EXAMPLES / "defective", folder)
    return folder


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def findings(result) -> list[tuple[str, str, int]]:
    data = json.loads(result.stdout)
    return [(Path(f["path"]).name, d["rule"], d["line"]) for f in data["files"] for d in f["diagnostics"]]


def test_a_baseline_suppresses_every_known_finding(archive: Path, tmp_path: Path):
    before = run("check", str(archive), "--format", "json", "--isolated")
    total = len(findings(before))
    assert before.exit_code == 1 and total > 0

    baseline = tmp_path / "baseline.json"
    written = run("check", str(archive), "--isolated", "--write-baseline", str(baseline))
    assert written.exit_code == 0
    assert f"{total} 条问题" in written.stderr
    stored = json.loads(baseline.read_text(encoding="utf-8"))
    assert sum(e["count"] for entries in stored["files"].values() for e in entries) == total
    assert all(not name.startswith("/") for name in stored["files"])  # relative to the baseline's folder

    after = run("check", str(archive), "--format", "json", "--isolated", "--baseline", str(baseline))
    assert after.exit_code == 0
    assert findings(after) == []
    assert json.loads(after.stdout)["summary"]["suppressed_by_baseline"] == total
    text = run("check", str(archive), "--isolated", "--baseline", str(baseline))
    assert f"另有 {total} 条已知问题按基线略去" in text.stdout


def test_editing_unrelated_lines_does_not_resurrect_known_findings(archive: Path, tmp_path: Path):
    baseline = tmp_path / "baseline.json"
    run("check", str(archive), "--isolated", "--write-baseline", str(baseline))
    letter = archive / LETTER
    text = letter.read_text(encoding="utf-8")
    # shift every line down and rewrite an unrelated paragraph
    edited = "\n\n\n" + text.replace("全县城区现有老旧小区53个，", "全县城区现有老旧小区53个（2025年普查数），")
    letter.write_text(edited, encoding="utf-8")
    plain = run("check", str(letter), "--format", "json", "--isolated")
    assert {rule for _, rule, _ in findings(plain)} >= {"doc-number-brackets", "date-format"}  # still there…
    after = run("check", str(archive), "--format", "json", "--isolated", "--baseline", str(baseline))
    assert findings(after) == []  # …but known


def test_a_new_defect_is_reported_and_a_repeat_of_a_known_one_too(archive: Path, tmp_path: Path):
    baseline = tmp_path / "baseline.json"
    run("check", str(archive), "--isolated", "--write-baseline", str(baseline))
    letter = archive / LETTER
    text = letter.read_text(encoding="utf-8")
    text = text.replace("抄送：县人大常委会选工委，县政府督查室。", "抄送：县人大常委会选工委、县政府督查室。")
    letter.write_text(text, encoding="utf-8")
    after = run("check", str(archive), "--format", "json", "--isolated", "--baseline", str(baseline))
    assert after.exit_code == 1
    assert [(name, rule) for name, rule, _ in findings(after)] == [(LETTER, "cc-separator")]


def test_counts_matter_a_second_identical_finding_is_new(tmp_path: Path):
    letter = tmp_path / "letter.txt"
    base = (EXAMPLES / "npc-compliant.txt").read_text(encoding="utf-8")
    letter.write_text(base.replace("增加停车泊位供给", "增加增加停车泊位供给"), encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    run("check", str(letter), "--isolated", "--write-baseline", str(baseline))
    letter.write_text(base.replace("增加停车泊位供给", "增加增加停车泊位供给")
                      .replace("推行错时共享", "推行推行错时共享"), encoding="utf-8")
    after = run("check", str(letter), "--format", "json", "--isolated", "--baseline", str(baseline), "--fail-on", "info")
    assert [rule for _, rule, _ in findings(after)] == ["duplicate-word"]
    assert after.exit_code == 1


def test_the_baseline_works_from_another_working_directory(archive: Path, tmp_path: Path, monkeypatch):
    baseline = archive / "baseline.json"
    run("check", str(archive), "--isolated", "--write-baseline", str(baseline))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    after = run("check", "../archive", "--format", "json", "--isolated", "--baseline", "../archive/baseline.json")
    assert after.exit_code == 0 and findings(after) == []


@pytest.mark.parametrize("content, message", [
    (None, "不存在"),
    ("{not json", "不是有效的 JSON"),
    ('{"version": 99, "files": {}}', "格式版本"),
    ('{"version": 1, "files": {"a.txt": [{"content": "x"}]}}', "不完整或已损坏"),
])
def test_a_bad_baseline_file_is_a_clear_error(archive: Path, tmp_path: Path, content, message):
    baseline = tmp_path / "baseline.json"
    if content is not None:
        baseline.write_text(content, encoding="utf-8")
    result = run("check", str(archive), "--isolated", "--baseline", str(baseline))
    assert result.exit_code == 2
    assert message in result.stderr
