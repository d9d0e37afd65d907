"""``check --fix`` / ``--diff`` / ``--unsafe-fixes`` and ``checker.fix_text``: safe fixes applied to text
letters in place, atomically, with the encoding, byte order mark and line ends kept byte for byte."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import checker
from checker.api import check_text
from checker.cli import main
from checker.fix import apply_once, fix_text
from checker.model import Diagnostic, Fix, Severity, Span
from checker.resources import data_dir

ROOT = Path(__file__).resolve().parent.parent
DEFECTIVE = sorted((ROOT / "examples" / "defective").glob("*.txt"))
NPC = (data_dir("rules") / "bases" / "npc.txt").read_text(encoding="utf-8")

# each a safe fix's defect in the compliant base letter: (correct text, defective text)
DEFECTS = [
    ("青建复〔2025〕12号", "青建复[2025]12号"),
    ("签发人：林志远", "签发：林志远"),
    ("抄送：市人大常委会选工委，市政府督查室。", "抄送:市人大常委会选工委、市政府督查室"),
    ("感谢您对我市住房和城乡建设工作的关心和支持！", "感谢您对我市住房和城乡建设工作的关心和支持！  "),
]


def defective(text: str = NPC) -> str:
    for good, bad in DEFECTS:
        assert good in text
        text = text.replace(good, bad, 1)
    return text


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def safe_codes(text: str) -> set[str]:
    return {d.code for d in check_text(text).diagnostics if d.fix is not None and d.fix.safe}


# ---- fix_text ----------------------------------------------------------------------------------------------

def test_fix_text_repairs_the_safe_defects_and_nothing_else():
    bad = defective()
    assert {"RL107", "RL110", "RL602", "RL603", "RL604", "RL802"} <= safe_codes(bad)
    fixed, applied = checker.fix_text(bad)
    assert fixed == NPC
    assert {a.code for a in applied} == {"RL107", "RL110", "RL602", "RL603", "RL604", "RL802"}
    assert all(a.safe for a in applied)


def test_fixing_twice_is_fixing_once():
    once, applied = fix_text(defective())
    twice, again = fix_text(once)
    assert twice == once and again == []


def test_unsafe_fixes_only_when_asked():
    bad = NPC.replace("2025年6月10日\n\n（联系人", "二〇二五年六月十日\n\n（联系人", 1)
    assert fix_text(bad) == (bad, [])
    fixed, applied = fix_text(bad, unsafe=True)
    assert fixed == NPC and [a.code for a in applied] == ["RL404"] and not applied[0].safe


def test_full_width_and_padded_dates_are_safe():
    for bad in ("２０２５年６月１０日", "2025年06月10日"):
        fixed, applied = fix_text(NPC.replace("2025年6月10日\n\n（联系人", bad + "\n\n（联系人", 1))
        assert fixed == NPC, bad
        assert [a.code for a in applied] == ["RL404"]


def test_two_fixes_on_one_line_leading_spaces_and_a_padded_date():
    bad = NPC.replace("\n2025年6月10日\n\n（联系人", "\n        2025年06月10日\n\n（联系人", 1)
    fixed, applied = fix_text(bad)
    assert fixed == NPC
    assert {a.code for a in applied} == {"RL404", "RL802"}


def test_a_lone_page_number_line_is_deleted_but_a_broken_sentence_is_left():
    bad = NPC.replace("二、办理成效", "- 3 -\n\n二、办理成效", 1)
    fixed, applied = fix_text(bad)
    assert [a.code for a in applied] == ["RL312"]
    # the page number's line goes with its line end; the blank line written after it stays
    assert fixed == NPC.replace("二、办理成效", "\n二、办理成效", 1)
    spaces = NPC.replace("\n\n二、办理成效", "\n   \n二、办理成效", 1)  # a blank line of spaces
    assert fix_text(spaces)[0] == NPC  # emptied, kept: it is the blank line between paragraphs
    broken = NPC.replace("清理废弃车辆210余辆。", "清理废弃\n\n车辆210余辆。", 1)
    assert fix_text(broken) == (broken, [])


def test_a_fix_never_changes_text_outside_its_span():
    bad = defective()
    fixed, applied = fix_text(bad)
    before, after = bad.split("\n"), fixed.split("\n")
    assert len(before) == len(after)
    touched = {a.line for a in applied}
    for number, (old, new) in enumerate(zip(before, after), 1):
        if number not in touched:
            assert old == new
    for a in applied:  # on a touched line, what precedes the first fix is unchanged
        firsts = min(b.column for b in applied if b.line == a.line)
        assert after[a.line - 1][:firsts - 1] == before[a.line - 1][:firsts - 1]


def _diag(code: str, line: int, start: int, end: int, original: str, replacement: str, safe=True) -> Diagnostic:
    span = Span.at(line, start, line, end)
    return Diagnostic(code=code, rule=code.lower(), severity=Severity.WARNING, span=span, message="m",
                      fix=Fix(replacement=replacement, span=span, description="d", safe=safe, original=original))


def test_overlapping_fixes_the_first_in_order_wins_and_the_later_is_skipped():
    text = "abcdef\r\nxyz"
    first = _diag("RL900", 1, 2, 5, "bcd", "B")
    later = _diag("RL901", 1, 4, 6, "de", "D")  # overlaps the first: left for another round
    apart = _diag("RL902", 2, 1, 2, "x", "X")
    for order in ([later, apart, first], [first, later, apart]):  # stable whatever order the rules report in
        fixed, applied = apply_once(text, order)
        assert fixed == "aBef\r\nXyz"
        assert [a.code for a in applied] == ["RL900", "RL902"]


def test_a_fix_whose_place_does_not_hold_its_text_is_skipped():
    text = "abcdef\n"
    wrong = _diag("RL900", 1, 2, 4, "zz", "Q")  # the normalized line differed: never edit elsewhere
    outside = _diag("RL901", 3, 1, 2, "a", "Q")
    unsafe = _diag("RL902", 1, 1, 2, "a", "Q", safe=False)
    assert apply_once(text, [wrong, outside, unsafe]) == (text, [])
    assert apply_once(text, [unsafe], unsafe=True)[0] == "Qbcdef\n"


def test_json_fix_says_whether_it_is_safe(tmp_path):
    import json

    letter = tmp_path / "letter.txt"
    letter.write_text(NPC.replace("签发人：林志远", "签发：林志远", 1), encoding="utf-8")
    result = run("check", str(letter), "--format", "json")
    fixes = [d["fix"] for f in json.loads(result.stdout)["files"] for d in f["diagnostics"] if d["fix"]]
    assert fixes and all(f["safe"] is True for f in fixes)


# ---- files -------------------------------------------------------------------------------------------------

def test_fix_in_place_then_the_report_shows_what_remains(tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(defective(), encoding="utf-8")
    result = run("check", str(letter), "--fix", "--format", "concise")
    assert letter.read_text(encoding="utf-8") == NPC
    assert "已自动修正 6 个问题" in result.stdout
    assert result.exit_code == 0
    assert [p.name for p in tmp_path.iterdir()] == ["letter.txt"]  # no temporary file left


def test_without_fix_the_summary_says_how_many_are_fixable(tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(NPC.replace("签发人：林志远", "签发：林志远", 1), encoding="utf-8")
    result = run("check", str(letter), "--format", "concise")
    assert "其中 1 个可自动修正，加 --fix" in result.stdout


@pytest.mark.parametrize("encoding, newline, bom", [
    ("gb18030", "\r\n", b""), ("utf-8", "\r\n", b"\xef\xbb\xbf"), ("utf-8", "\r", b""), ("utf-8", "\n", b""),
    ("utf-16-le", "\r\n", b"\xff\xfe"),
])
def test_encoding_bom_and_line_ends_are_kept_byte_for_byte(tmp_path, encoding, newline, bom):
    letter = tmp_path / "letter.txt"
    letter.write_bytes(bom + defective().replace("\n", newline).encode(encoding))
    run("check", str(letter), "--fix")
    assert letter.read_bytes() == bom + NPC.replace("\n", newline).encode(encoding)


def test_the_gbk_example_stays_gbk(tmp_path):
    gbk = ROOT / "examples" / "encodings" / "cppcc-compliant-gbk.txt"
    text = gbk.read_bytes().decode("gb18030")
    letter = tmp_path / "letter.txt"
    bad = text.replace("签发人：", "签发：", 1)
    assert bad != text
    letter.write_bytes(bad.encode("gb18030"))
    run("check", str(letter), "--fix")
    assert letter.read_bytes() == gbk.read_bytes()


def test_diff_prints_the_changes_and_changes_nothing(tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(defective(), encoding="utf-8")
    before, stat = letter.read_bytes(), letter.stat()
    result = run("check", str(letter), "--diff")
    assert letter.read_bytes() == before and letter.stat().st_mtime_ns == stat.st_mtime_ns
    removed = [line for line in result.stdout.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in result.stdout.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert any("签发：林志远" in line and "[2025]" in line for line in removed)
    assert any("签发人：林志远" in line and "〔2025〕" in line for line in added)
    assert result.exit_code == 1
    assert [p.name for p in tmp_path.iterdir()] == ["letter.txt"]


def test_an_interrupted_write_leaves_the_original_and_no_partial_file(tmp_path, monkeypatch):
    letter = tmp_path / "letter.txt"
    letter.write_text(defective(), encoding="utf-8")
    before = letter.read_bytes()

    def interrupted(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", interrupted)
    result = run("check", str(letter), "--fix")
    assert letter.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["letter.txt"]
    assert "文件未修改" in result.stderr


def test_fix_leaves_word_pdf_and_ofd_unchanged_and_says_so(tmp_path):
    for name in ("npc-doc-number-and-date.docx", "npc-doc-number-and-date.pdf"):
        shutil.copy(ROOT / "examples" / "formats" / name, tmp_path / name)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    result = run("check", str(tmp_path), "--fix", "--format", "concise")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    assert "只有 .txt、.md 文本文件会就地修正" in result.stderr
    assert "RL107" in result.stdout  # still checked and reported
    assert result.exit_code == 1  # the findings, not a usage error


@pytest.mark.parametrize("example", DEFECTIVE, ids=lambda p: p.name)
def test_defective_examples_keep_only_findings_without_a_safe_fix(tmp_path, example):
    letter = tmp_path / example.name
    shutil.copy(example, letter)
    run("check", str(letter), "--fix")
    text = letter.read_text(encoding="utf-8")
    remaining = check_text(text, str(letter)).diagnostics
    assert not [d.code for d in remaining if d.fix is not None and d.fix.safe and d.fix.span.line == d.fix.span.end_line]
    fixed, _ = fix_text(example.read_text(encoding="utf-8"))
    assert fixed == text


def test_defective_examples_get_the_expected_fixes():
    expected = {
        "npc-doc-number-and-date.txt": {"RL107", "RL404"},
        "npc-committee-salutation.txt": {"RL603", "RL604"},
    }
    for name, codes in expected.items():
        _, applied = fix_text((ROOT / "examples" / "defective" / name).read_text(encoding="utf-8"))
        assert {a.code for a in applied} == codes, name


def test_unsafe_fixes_needs_fix_or_diff(tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(NPC, encoding="utf-8")
    assert run("check", str(letter), "--unsafe-fixes").exit_code == 2


def test_markdown_marks_around_a_fixed_stretch_are_kept(tmp_path):
    letter = tmp_path / "letter.md"
    letter.write_text(NPC.replace("青建复〔2025〕12号", "**青建复[2025]12号**", 1).replace("抄送：", "**抄送:**", 1),
                      encoding="utf-8")
    run("check", str(letter), "--fix")
    assert letter.read_text(encoding="utf-8") == NPC.replace("青建复〔2025〕12号", "**青建复〔2025〕12号**", 1).replace(
        "抄送：", "**抄送：**", 1)


def test_stray_spaces_go_but_a_full_width_first_line_indent_stays():
    line = "感谢您对我市住房和城乡建设工作的关心和支持！"
    bad = NPC.replace(line, " \u3000\u3000" + line + " \t", 1)
    fixed, applied = fix_text(bad)
    assert fixed == NPC.replace(line, "\u3000\u3000" + line, 1)
    assert [a.code for a in applied] == ["RL802", "RL802"]
