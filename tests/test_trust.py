"""Trust and noise (issue 10 §3): 提示 are not problems, rules are named by their Chinese titles in every
output, `explain` finds a rule the way staff ask for it, and a config file's mistakes are said in Chinese with
the file, the line, the key and what was probably meant — exit 2, never a traceback."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import main
from checker.engine import load_rules
from checker.resources import data_dir
from conftest import EXAMPLES

BASE = (data_dir("rules") / "bases" / "npc.txt").read_text(encoding="utf-8")
TITLES = {r.rule.code: r.rule.title for r in load_rules()}
# two 提示 and nothing else: a doubled word in the body, a seal placeholder between 署名 and date
ONLY_NOTES = (BASE.replace("增加停车泊位供给", "增加增加停车泊位供给", 1)
              .replace("青川市住房和城乡建设局\n\n2025年6月10日\n", "青川市住房和城乡建设局\n\n（印  章）\n\n2025年6月10日\n", 1))
# one warning (no 签发人) besides the same two 提示
WITH_WARNING = ONLY_NOTES.replace("青建复〔2025〕12号    签发人：林志远", "青建复〔2025〕12号", 1)


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def check(*args: str):
    return run("check", "-j", "1", *args)


@pytest.fixture
def letters(tmp_path: Path) -> Path:
    folder = tmp_path / "letters"
    folder.mkdir()
    (folder / "notes.txt").write_text(ONLY_NOTES, encoding="utf-8")
    (folder / "warning.txt").write_text(WITH_WARNING, encoding="utf-8")
    return folder


def findings(folder_or_file: Path, *args: str) -> dict[str, list[dict]]:
    data = json.loads(check("--isolated", "--format", "json", *args, str(folder_or_file)).output)
    return {Path(f["path"]).name: f["diagnostics"] for f in data["files"]}


def test_the_letters_are_what_the_tests_say(letters):
    found = findings(letters)
    assert {d["severity"] for d in found["notes.txt"]} == {"info"} and len(found["notes.txt"]) == 2
    assert sorted(d["severity"] for d in found["warning.txt"]) == ["info", "info", "warning"]


# ---- 提示 are not problems ---------------------------------------------------------------------------------

def test_notes_alone_do_not_fail_and_are_hidden_with_a_count(letters):
    result = check("--isolated", str(letters / "notes.txt"))
    assert result.exit_code == 0
    assert "RL311" not in result.output and "RL402" not in result.output
    last = result.output.splitlines()[-1]
    assert last == "检查了 1 个文件（0 个有问题，1 个没有问题）：0 个错误，0 个警告；另有 2 个提示未显示（加 --show-info 查看）"


def test_show_info_lists_the_notes_apart_after_the_problems(letters):
    result = check("--isolated", "--show-info", str(letters / "warning.txt"))
    assert result.exit_code == 1  # the warning, not the notes
    lines = result.output.splitlines()
    heading = lines.index("  提示（供参考，不计入问题）：")
    warning = next(i for i, l in enumerate(lines) if "警告 RL109 缺少签发人（signer-missing）" in l)
    notes = [i for i, l in enumerate(lines) if re.match(r"  \d+:\d+  提示 RL\d{3} ", l)]
    assert warning < heading and len(notes) == 2 and all(i > heading for i in notes)
    assert lines[-1] == "检查了 1 个文件（1 个有问题，0 个没有问题）：0 个错误，1 个警告；另有 2 个提示（供参考，不计入问题）"


def test_the_summary_counts_files_with_errors_or_warnings_only(letters):
    last = check("--isolated", str(letters)).output.splitlines()[-1]
    assert last.startswith("检查了 2 个文件（1 个有问题，1 个没有问题）：0 个错误，1 个警告；另有 4 个提示未显示")


def test_concise_hides_notes_too_and_names_the_title(letters):
    out = check("--isolated", "--format", "concise", str(letters)).output.splitlines()
    assert [l for l in out if ": RL" in l] == [
        next(l for l in out if l.endswith("签发人：张三”），答复函须经单位主要负责人审核签发"))]
    assert ": RL109 [warning] 缺少签发人 signer-missing: " in out[0]
    shown = check("--isolated", "--format", "concise", "--show-info", str(letters)).output
    assert shown.count(" [info] ") == 4 and f" [info] {TITLES['RL311']} duplicate-word: " in shown


def test_fail_on_info_fails_and_shows_what_failed(letters):
    result = check("--isolated", "--fail-on", "info", str(letters / "notes.txt"))
    assert result.exit_code == 1
    assert "提示 RL311" in result.output and "未显示" not in result.output
    # the summary agrees with the exit code: with fail-on = info the 提示 are this run's problems
    summary = result.output.strip().splitlines()[-1]
    assert "（1 个有问题，0 个没有问题）" in summary and "个提示（fail-on 为 info，计入问题）" in summary
    assert "不计入问题" not in summary


def test_show_info_from_the_config_file_and_the_key_is_validated(letters):
    (letters / "replylint.toml").write_text("show-info = true\n", encoding="utf-8")
    result = check(str(letters / "notes.txt"))
    assert result.exit_code == 0 and "提示 RL402" in result.output and "未显示" not in result.output
    (letters / "replylint.toml").write_text('# 设置\nshow-info = "yes"\n', encoding="utf-8")
    result = check(str(letters / "notes.txt"))
    assert result.exit_code == 2
    assert re.search(r"replylint\.toml：第 2 行：键 'show-info'：", result.stderr), result.stderr


def test_machine_formats_keep_every_finding(letters):
    notes = findings(letters)["notes.txt"]
    assert len(notes) == 2  # JSON has the 提示 without --show-info
    sarif = json.loads(check("--isolated", "--format", "sarif", str(letters / "notes.txt")).output)
    results = sarif["runs"][0]["results"]
    assert [r["level"] for r in results] == ["note", "note"]
    assert {r["properties"]["title"] for r in results} == {TITLES["RL311"], TITLES["RL402"]}


def test_junit_fails_only_at_the_fail_level(letters):
    def suite(*args: str) -> ET.Element:
        result = check("--isolated", "--format", "junit", *args, str(letters / "warning.txt"))
        return ET.fromstring(result.output.encode("utf-8")).find("testsuite")

    default = suite()
    cases = default.findall("testcase")
    assert (default.get("tests"), default.get("failures")) == ("3", "1")
    failing = [c for c in cases if c.find("failure") is not None]
    assert [c.get("name") for c in failing] == ["RL109 缺少签发人 signer-missing 第6行"]
    passed = [c for c in cases if c.find("failure") is None]
    assert len(passed) == 2 and all("提示" in c.find("system-out").text for c in passed)
    assert suite("--fail-on", "info").get("failures") == "3"
    strict = suite("--fail-on", "error")
    assert strict.get("failures") == "0" and len(strict.findall("testcase/system-out")) == 3


def test_github_annotations_notes_only_when_shown(letters):
    plain = check("--isolated", "--format", "github", str(letters / "warning.txt")).output.splitlines()
    assert [l.split(" ", 1)[0] for l in plain[:-1]] == ["::warning"]
    assert ",title=RL109 缺少签发人 signer-missing::" in plain[0]
    assert "2 个提示未显示" in plain[-1]
    shown = check("--isolated", "--format", "github", "--show-info", str(letters / "warning.txt")).output
    assert shown.count("::notice ") == 2 and f",title=RL402 {TITLES['RL402']} seal-placeholder::" in shown


def test_a_baseline_and_hidden_notes_are_both_said(letters, tmp_path):
    baseline = tmp_path / "baseline.json"
    check("--isolated", "--write-baseline", str(baseline), str(letters / "warning.txt"))
    last = check("--isolated", "--baseline", str(baseline), str(letters / "warning.txt")).output.splitlines()[-1]
    assert "0 个警告" in last and "按基线略去" in last


# ---- titles -----------------------------------------------------------------------------------------------

def test_titles_from_batch_workers(tmp_path):
    for i in range(4):
        shutil.copy(EXAMPLES / "defective" / "cppcc-missing-parts.txt", tmp_path / f"{i}.txt")
    data = json.loads(run("check", "--isolated", "-j", "2", "--format", "json", str(tmp_path)).output)
    diagnostics = [d for f in data["files"] for d in f["diagnostics"]]
    assert diagnostics and all(d["title"] == TITLES[d["code"]] for d in diagnostics)


def test_rules_lists_titles():
    table = run("rules").output
    assert "缺少签发人" in table and "标题" in table
    data = json.loads(run("rules", "--format", "json").output)
    assert {r["code"]: r["title"] for r in data} == TITLES


def test_explain_by_title_and_by_keyword():
    by_title = run("explain", "缺少签发人")
    assert by_title.exit_code == 0 and by_title.output == run("explain", "RL109").output
    assert by_title.output.startswith("RL109 缺少签发人（signer-missing）")
    listed = run("explain", "签发人")
    assert listed.exit_code == 0
    codes = re.findall(r"^ ?(RL\d{3}) ", listed.output, flags=re.M)
    expected = [r.rule.code for r in load_rules()
                if "签发人" in r.rule.title or "签发人" in r.rule.name or "签发人" in r.rule.message]
    assert codes == expected and len(codes) > 1 and "RL109" in codes
    assert "replylint explain RL" in listed.output


def test_explain_shows_examples_as_letter_text():
    out = run("explain", "RL107").output
    examples = out[out.index("错误示例："):]
    assert "│ " in examples and "改为“" not in out and "replace" not in out
    # the fail example is a letter line with square brackets, as staff would have typed it
    assert re.search(r"│ \S*\[20\d\d\]\S*号", examples), examples


def test_explain_suggests_a_close_name_and_exits_2():
    result = run("explain", "signer-mising")
    assert result.exit_code == 2
    assert "是不是要找：RL109 缺少签发人（signer-missing）" in result.stderr


def test_audit_report_and_workbook_name_rules_by_title(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "a.txt").write_text(WITH_WARNING, encoding="utf-8")
    html, xlsx = tmp_path / "r.html", tmp_path / "r.xlsx"
    result = run("audit", str(folder), "--html", str(html), "--xlsx", str(xlsx), "--db", str(tmp_path / "db.sqlite"))
    assert result.exit_code == 1, result.output
    page = html.read_text(encoding="utf-8")
    assert "RL109 缺少签发人" in page and "<code>RL109</code> 缺少签发人" in page
    import openpyxl

    wb = openpyxl.load_workbook(xlsx)
    header = [c.value for c in wb["按规则"][1]]
    assert header[:3] == ["代码", "标题", "规则"]
    rows = {r[0]: r for r in wb["按规则"].iter_rows(min_row=2, values_only=True)}
    assert rows["RL109"][1] == "缺少签发人"


# ---- config errors ----------------------------------------------------------------------------------------

def config_error(tmp_path: Path, text: str | bytes, *args: str) -> str:
    """The message `check` prints for this replylint.toml (asserting exit 2 and no traceback)."""
    folder = tmp_path / "c"
    folder.mkdir(exist_ok=True)
    (folder / "letter.txt").write_text(BASE, encoding="utf-8")
    path = folder / "replylint.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    result = CliRunner().invoke(main, ["check", "-j", "1", *args, str(folder / "letter.txt")])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    return result.stderr


@pytest.mark.parametrize("text, expected", [
    ('profile = "national"\nselct = ["ALL"]\n', "第 2 行：键 'selct'：不认识的设置项，是不是要写 'select'？"),
    ('fail_on = "error"\n', "第 1 行：键 'fail_on'：不认识的设置项，是不是要写 'fail-on'？"),
    ('ignore = ["signer-mising"]\n', "第 1 行：键 'ignore'：'signer-mising' 不对应任何规则，是不是要写 'signer-missing'（RL109 缺少签发人）？"),
    ('[severity]\n\nsigner-missng = "error"\n', "第 3 行：键 'severity.signer-missng'：'signer-missng' 不对应任何规则，是不是要写 'signer-missing'"),
    ('[per-file-ignores]\n"drafts/*.txt" = ["缺少签发"]\n', "第 2 行：键 'per-file-ignores.drafts/*.txt'：'缺少签发' 不对应任何规则，是不是要写 '缺少签发人'（RL109 缺少签发人）？"),
    ('select = ["RL1O9"]\n', "'RL1O9' 不对应任何规则，是不是要写 'RL109'（缺少签发人）？"),
    ('[foo]\nx = 1\n', "第 1 行：键 'foo'：不认识的设置项（检查拼写）；可用的设置项：profile、select"),
    ('\nfail-on = "warnings"\n', "第 2 行：键 'fail-on'：应为 'error'、'warning'、'info' 之一，是不是要写 'warning'？"),
    ('[severity]\nsigner-missing = "high"\n', "第 2 行：键 'severity.signer-missing'：应为 'error'、'warning'、'info' 之一（收到 'high'）"),
    ('profile = "natonal"\n', "第 1 行：键 'profile'：没有名为 'natonal' 的档案"),
    ('select = ["ALL"\n', "文件末尾：不是有效的 TOML（列表缺少结尾的“]”"),
])
def test_config_mistakes_name_the_line_and_what_was_meant(tmp_path, text, expected):
    message = config_error(tmp_path, text)
    assert message.startswith("replylint: ") and "replylint.toml：" in message
    assert expected in message, message


def test_pyproject_keys_are_placed_under_tool_replylint(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "letter.txt").write_text(BASE, encoding="utf-8")
    (folder / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.replylint]\nextend_select = []\n',
                                           encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "-j", "1", str(folder / "letter.txt")])
    assert result.exit_code == 2
    assert "pyproject.toml：第 5 行：键 'extend_select'：不认识的设置项，是不是要写 'extend-select'？" in result.stderr


def test_select_on_the_command_line_gets_the_same_did_you_mean():
    result = run("check", "--isolated", "--select", "signer-mising", str(EXAMPLES / "npc-compliant.txt"))
    assert result.exit_code == 2
    assert result.stderr.startswith("replylint: 命令行 --select：'signer-mising' 不对应任何规则，是不是要写 'signer-missing'")


def test_a_title_is_a_selector(tmp_path):
    letter = tmp_path / "a.txt"
    letter.write_text(WITH_WARNING, encoding="utf-8")
    assert check("--isolated", str(letter)).exit_code == 1
    assert check("--isolated", "--ignore", "缺少签发人", str(letter)).exit_code == 0


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_a_gbk_or_bom_config_file_is_read(tmp_path, encoding):
    folder = tmp_path / "g"
    folder.mkdir()
    (folder / "letter.txt").write_text(WITH_WARNING, encoding="utf-8")
    (folder / "replylint.toml").write_bytes('# 本单位的设置：签发人不作要求\nignore = ["缺少签发人"]\n'.encode(encoding))
    assert check(str(folder / "letter.txt")).exit_code == 0
    (folder / "replylint.toml").write_bytes('# 本单位的设置\nignroe = ["缺少签发人"]\n'.encode(encoding))
    result = check(str(folder / "letter.txt"))
    assert result.exit_code == 2
    assert "replylint.toml：第 2 行：键 'ignroe'：不认识的设置项，是不是要写 'ignore'？" in result.stderr


@pytest.mark.parametrize("text", [
    b'select = "ALL"\n', b"severity = 3\n", b'[severity]\nsigner-missing = "eror"\n', b"fail-on = [\n",
    b'profile = "no-such-profile"\n', b'assigned-date = "2025-02-30"\n', b"\xff\xfe\x00\x00\x81",
    b'[per-file-ignores]\n"*.txt" = "RL1"\n', b"show-info = 1\n", b'select = ["RL1"]\nselect = ["RL2"]\n',
    b"[tool]\n", b'"" = 1\n', b"x.y.z = 1\n",
])
def test_no_config_problem_is_a_traceback(tmp_path, text):
    message = config_error(tmp_path, text)
    assert "replylint.toml" in message and message.count("\n") <= 5
