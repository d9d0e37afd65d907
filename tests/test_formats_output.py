"""Machine output formats (issue #5): SARIF, GitHub workflow commands, JUnit XML and JSON lines, through the
command line and through ``write_report``; ``--output-file``; the pre-commit hook definition.

SARIF is validated against the official SARIF 2.1.0 schema (tests/data/sarif-schema-2.1.0.json, see
tests/data/README.md). Every letter is a fictional one from examples/.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft4Validator

from checker.cli import main
from checker.engine import load_rules
from checker.model import Diagnostic, FileResult, Fix, Report, Severity, Span
from checker.reporters import FORMATS, OutputContext, write_report
from checker.reporters.github import render_github
from checker.reporters.junit import render_junit
from checker.reporters.sarif import FINGERPRINT_KEY, render_sarif

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
VALIDATOR = Draft4Validator(SCHEMA, format_checker=Draft4Validator.FORMAT_CHECKER)
DOC_NUMBER_LETTER = "examples/defective/npc-doc-number-and-date.txt"  # 东建复[2025]8号, no 签发人, 2025年06月10日
MACHINE = ("json", "json-lines", "sarif", "github", "junit")


def run(*args: str):
    return CliRunner().invoke(main, ["check", "--isolated", "-j", "1", *args], catch_exceptions=False)


@pytest.fixture(autouse=True)
def in_repo(monkeypatch):
    """Paths in the reports are relative to the working directory: run from the repository's root."""
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="module")
def reference():
    """The JSON report for the text letters of examples/ (compliant, defective, GBK) plus a file that does not
    exist; the Word/PDF/OFD examples (examples/formats/) have tests of their own below."""
    with pytest.MonkeyPatch.context() as patch:  # a module fixture is set up before the autouse chdir
        patch.chdir(ROOT)
        result = CliRunner().invoke(main, ["check", "--isolated", "-j", "1", "--format", "json", "examples",
                                           "--exclude", "formats", "examples/missing-letter.txt"], catch_exceptions=False)
    return json.loads(result.stdout)


def sarif_errors(log: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(log)]


def by_path(reference: dict) -> dict:
    return {f["path"]: f for f in reference["files"]}


# ---- SARIF ----------------------------------------------------------------------------------------------


def test_sarif_of_the_examples_is_valid_and_has_every_finding(reference):
    result = run("--format", "sarif", "examples", "--exclude", "formats", "examples/missing-letter.txt")
    assert result.exit_code == 2  # the missing file
    log = json.loads(result.stdout)
    assert sarif_errors(log) == []
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run_ = log["runs"][0]
    assert run_["columnKind"] == "utf16CodeUnits"
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.as_uri() + "/"
    rules = run_["tool"]["driver"]["rules"]

    expected = [(f["path"], d) for f in reference["files"] for d in f["diagnostics"]]
    assert len(run_["results"]) == len(expected) > 0
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for sarif_result, (path, d) in zip(run_["results"], expected):
        assert sarif_result["ruleId"] == d["code"] == rules[sarif_result["ruleIndex"]]["id"]
        assert sarif_result["level"] == levels[d["severity"]]
        assert sarif_result["message"]["text"] == d["message"]
        (location,) = sarif_result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": path, "uriBaseId": "%SRCROOT%"}
        region = physical["region"]
        # no character outside the BMP in the examples: UTF-16 columns equal the code-point columns
        assert (region["startLine"], region["startColumn"], region["endLine"], region["endColumn"]) == \
               (d["line"], d["column"], d["end_line"], d["end_column"])
        source = (ROOT / path).read_text(encoding="utf-8").splitlines()
        assert physical["contextRegion"]["snippet"]["text"] == source[d["line"] - 1]
        if d["line"] == d["end_line"]:
            assert region["snippet"]["text"] == source[d["line"] - 1][d["column"] - 1:d["end_column"] - 1]

    (invocation,) = run_["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and "文件或目录不存在" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "examples/missing-letter.txt"


def test_sarif_lists_the_whole_catalogue_with_help_from_the_rule_files():
    log = json.loads(run("--format", "sarif", "examples/npc-compliant.txt").stdout)
    run_ = log["runs"][0]
    assert run_["results"] == [] and run_["invocations"][0]["executionSuccessful"] is True
    assert "toolExecutionNotifications" not in run_["invocations"][0]
    rules = run_["tool"]["driver"]["rules"]
    catalogue = list(load_rules())
    assert [r["id"] for r in rules] == [c.rule.code for c in catalogue]
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for descriptor, compiled in zip(rules, catalogue):
        rule = compiled.rule
        assert descriptor["name"] == rule.name
        assert descriptor["defaultConfiguration"]["level"] == levels[Severity(rule.severity).value]
        assert descriptor["fullDescription"]["text"] == rule.description.strip()
        assert descriptor["shortDescription"]["text"] == rule.title  # 缺少签发人: what code scanning shows
        assert "{" not in descriptor["messageStrings"]["default"]["text"]  # placeholders shown as …
        for help_text in (descriptor["help"]["text"], descriptor["help"]["markdown"]):
            assert rule.source in help_text and "正确示例" in help_text and "错误示例" in help_text
    brackets = next(r for r in rules if r["id"] == "RL107")
    assert brackets["shortDescription"]["text"] == "发文字号括号不规范"
    assert brackets["messageStrings"]["default"]["text"] == "发文字号“…”的年份应用六角括号“〔〕”括入"
    assert "GB/T 9704-2012 7.2.5" in brackets["help"]["markdown"]


def test_sarif_fixes_repair_the_letter(tmp_path):
    letter = tmp_path / "letter.txt"
    shutil.copy(ROOT / DOC_NUMBER_LETTER, letter)
    log = json.loads(run("--format", "sarif", str(letter)).stdout)
    assert sarif_errors(log) == []
    results = log["runs"][0]["results"]
    fixed = {r["ruleId"]: r["fixes"] for r in results if "fixes" in r}
    assert set(fixed) == {"RL107", "RL404"}
    lines = letter.read_text(encoding="utf-8").split("\n")
    for rule_id, (fix,) in fixed.items():
        (change,) = fix["artifactChanges"]
        assert change["artifactLocation"] == {"uri": letter.as_uri()}  # outside the root: absolute
        (replacement,) = change["replacements"]
        region = replacement["deletedRegion"]
        assert region["startLine"] == region["endLine"]
        n = region["startLine"] - 1
        lines[n] = (lines[n][:region["startColumn"] - 1] + replacement["insertedContent"]["text"]
                    + lines[n][region["endColumn"] - 1:])
    assert "东建复〔2025〕8号" in lines and "2025年6月10日" in lines
    letter.write_text("\n".join(lines), encoding="utf-8")
    after = json.loads(run("--format", "sarif", str(letter)).stdout)["runs"][0]["results"]
    assert {r["ruleId"] for r in after} == {r["ruleId"] for r in results} - {"RL107", "RL404"}


def test_sarif_columns_are_utf16_code_units():
    # 𠮷 (U+20BB7) is one code point and two UTF-16 code units
    result = FileResult(path="letter.txt", source_lines=["签发人：𠮷𠮷明", "东建复[2025]8号"], diagnostics=[
        Diagnostic(code="RL110", rule="signer-label", severity=Severity.WARNING, message="m",
                   span=Span(line=1, column=7, end_line=1, end_column=8)),
        Diagnostic(code="RL107", rule="doc-number-brackets", severity=Severity.ERROR, message="m",
                   span=Span(line=2, column=4, end_line=2, end_column=10),
                   fix=Fix(replacement="〔2025〕", description="改为“〔2025〕”",
                           span=Span(line=2, column=4, end_line=2, end_column=10))),
    ])
    log = json.loads(render_sarif(Report(files=[result]), OutputContext(root=str(ROOT))))
    assert sarif_errors(log) == []
    first, second = log["runs"][0]["results"]
    region = first["locations"][0]["physicalLocation"]["region"]
    assert (region["startColumn"], region["endColumn"]) == (9, 10)  # after two characters of two units each
    assert region["snippet"]["text"] == "明"
    region = second["locations"][0]["physicalLocation"]["region"]
    assert (region["startColumn"], region["endColumn"]) == (4, 10)
    assert second["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"]["startColumn"] == 4
    github = render_github(Report(files=[result]), OutputContext(root=str(ROOT))).splitlines()
    assert "line=1,col=9,endLine=1,endColumn=10," in github[0]


def _fingerprints(log: dict) -> list[tuple[str, str]]:
    return sorted((r["ruleId"], r["partialFingerprints"][FINGERPRINT_KEY]) for r in log["runs"][0]["results"])


def test_fingerprints_survive_an_unrelated_line_inserted_above(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("npc-doc-number-and-date.txt", "npc-committee-salutation.txt"):
        shutil.copy(EXAMPLES / "defective" / name, tmp_path / name)
    before = json.loads(run("--format", "sarif", ".").stdout)
    for name, anchor in (("npc-doc-number-and-date.txt", "全县城区现有老旧小区53个"),
                         ("npc-committee-salutation.txt", "感谢您")):
        path = tmp_path / name
        lines = path.read_text(encoding="utf-8").split("\n")
        at = next(i for i, line in enumerate(lines) if line.startswith(anchor))
        lines[at:at] = ["此外，我们还将加强日常巡查，发现问题及时处理。", ""]
        path.write_text("\n".join(lines), encoding="utf-8")
    after = json.loads(run("--format", "sarif", ".").stdout)

    def lines_of(log):
        return sorted((r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
                      for r in log["runs"][0]["results"])

    assert lines_of(before) != lines_of(after)  # the findings below the new paragraph moved down
    assert _fingerprints(before) == _fingerprints(after)
    fingerprints = [fp for _, fp in _fingerprints(after)]
    assert len(set(fingerprints)) == len(fingerprints)
    assert all(re.fullmatch(r"[0-9a-f]{32}:\d+", fp) for fp in fingerprints)


def test_fingerprints_change_with_the_offending_text_and_not_with_the_checkout_folder(tmp_path, monkeypatch):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(ROOT / DOC_NUMBER_LETTER, tmp_path / folder / "letter.txt")
    monkeypatch.chdir(tmp_path / "a")
    in_a = json.loads(run("--format", "sarif", "letter.txt").stdout)
    monkeypatch.chdir(tmp_path / "b")
    in_b = json.loads(run("--format", "sarif", "letter.txt").stdout)
    assert _fingerprints(in_a) == _fingerprints(in_b)  # nothing of the absolute path goes in

    letter = tmp_path / "b" / "letter.txt"
    letter.write_text(letter.read_text(encoding="utf-8").replace("东建复[2025]8号", "东建复[2025]9号"), encoding="utf-8")
    edited = dict(_fingerprints(json.loads(run("--format", "sarif", "letter.txt").stdout)))
    original = dict(_fingerprints(in_b))
    assert edited["RL107"] != original["RL107"]  # a different 文号 is a different finding
    assert edited["RL404"] == original["RL404"]


def test_sarif_paths_outside_the_root_and_standard_input(tmp_path):
    outside = tmp_path / "其他 目录" / "letter.txt"
    outside.parent.mkdir()
    shutil.copy(ROOT / DOC_NUMBER_LETTER, outside)
    log = json.loads(run("--format", "sarif", str(outside)).stdout)
    assert sarif_errors(log) == []
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {outside.as_uri()}
    assert "%E5%85%B6%E4%BB%96%20%E7%9B%AE%E5%BD%95" in outside.as_uri()  # percent-encoded, no raw space
    for location in (r["locations"][0]["physicalLocation"]["artifactLocation"] for r in log["runs"][0]["results"]):
        assert "uriBaseId" not in location

    stdin = CliRunner().invoke(main, ["check", "--isolated", "--format", "sarif", "-"],
                               input=(ROOT / DOC_NUMBER_LETTER).read_bytes(), catch_exceptions=False)
    log = json.loads(stdin.stdout)
    assert sarif_errors(log) == []
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]} \
        == {"%3Cstdin%3E"}


def test_sarif_marks_rules_not_enabled_in_this_run():
    report = Report(files=[FileResult(path="a.txt")])
    log = json.loads(render_sarif(report, OutputContext(root=str(ROOT), enabled_rules=frozenset({"RL107", "RL404"}))))
    assert sarif_errors(log) == []
    overrides = log["runs"][0]["invocations"][0]["ruleConfigurationOverrides"]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert {o["descriptor"]["id"] for o in overrides} == {r["id"] for r in rules} - {"RL107", "RL404"}
    assert all(rules[o["descriptor"]["index"]]["id"] == o["descriptor"]["id"] for o in overrides)
    assert all(o["configuration"] == {"enabled": False} for o in overrides)
    # not known: nothing is claimed
    log = json.loads(render_sarif(report, OutputContext(root=str(ROOT))))
    assert "ruleConfigurationOverrides" not in log["runs"][0]["invocations"][0]


# ---- findings in Word documents, PDF and OFD (no file lines) --------------------------------------------------


def document_report() -> Report:
    return Report(files=[FileResult(path="letters/答复.docx", source_lines=["东建复[2025]8号"], diagnostics=[
        Diagnostic(code="RL107", rule="doc-number-brackets", severity=Severity.ERROR, message="发文字号有误",
                   span=Span(line=1, column=1, end_line=1, end_column=12), location="第 3 段“东建复[2025]8号”",
                   fix=Fix(replacement="东建复〔2025〕8号", description="改为“东建复〔2025〕8号”",
                           span=Span(line=1, column=1, end_line=1, end_column=12))),
    ])])


def test_document_findings_name_the_paragraph_not_a_line():
    context = OutputContext(root=str(ROOT))
    log = json.loads(render_sarif(document_report(), context))
    assert sarif_errors(log) == []
    (result,) = log["runs"][0]["results"]
    (location,) = result["locations"]
    assert "region" not in location["physicalLocation"] and "fixes" not in result
    assert location["message"]["text"] == "第 3 段“东建复[2025]8号”"
    assert result["message"]["text"].startswith("第 3 段“东建复[2025]8号”：")
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "letters/%E7%AD%94%E5%A4%8D.docx"

    (line, summary) = render_github(document_report(), context).splitlines()
    assert line.startswith("::error file=letters/答复.docx,title=RL107 发文字号括号不规范 doc-number-brackets::第 3 段")
    assert "line=" not in line

    (case,) = ET.fromstring(render_junit(document_report(), context)).iter("testcase")
    assert case.get("name") == "RL107 发文字号括号不规范 doc-number-brackets 第 3 段“东建复[2025]8号”" and case.get("line") is None
    assert case.find("failure").text.startswith("letters/答复.docx（第 3 段“东建复[2025]8号”） 错误 RL107")


def test_a_real_word_document_in_every_ci_format(tmp_path, monkeypatch):
    pytest.importorskip("docx")
    import formats_fixtures as ff

    monkeypatch.chdir(tmp_path)
    Path("答复 一.docx").write_bytes(ff.build_docx((ROOT / DOC_NUMBER_LETTER).read_text(encoding="utf-8")))
    log = json.loads(run("--format", "sarif", "答复 一.docx").stdout)
    assert sarif_errors(log) == []
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"RL107", "RL109", "RL203", "RL404"}  # RL203: its title's 关于对 (info)
    for r in results:
        physical = r["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "%E7%AD%94%E5%A4%8D%20%E4%B8%80.docx"
        assert "region" not in physical and "fixes" not in r
        assert re.match(r"第 \d+ 段“", r["locations"][0]["message"]["text"])
    lines = run("--format", "github", "答复 一.docx").stdout.splitlines()
    # three annotations (RL107, RL109, RL404) and the summary: RL203's 提示 is hidden without --show-info
    assert all(line.startswith("::") and ",line=" not in line for line in lines[:-1]) and len(lines) == 4
    root = ET.fromstring(run("--format", "junit", "答复 一.docx").stdout.encode("utf-8"))
    assert root.get("failures") == "3"  # a 提示 is below the fail level (warning): a passed case, not a failure


# ---- GitHub workflow commands ---------------------------------------------------------------------------


def test_github_escapes_data_and_properties():
    report = Report(files=[FileResult(path="dir/a,b:c%.txt", source_lines=["x"], diagnostics=[
        Diagnostic(code="RL999", rule="made-up", severity=Severity.INFO,
                   message="完成率100%，比例:50%, 即一半\n第二行\r\n::error::伪造",
                   span=Span(line=3, column=2, end_line=5, end_column=4)),
    ]), FileResult(path="bad%,:.txt", error="编码无法识别：50%\n请另存为 UTF-8")])
    lines = render_github(report, OutputContext(root=str(ROOT))).splitlines()
    assert lines[0] == ("::notice file=dir/a%2Cb%3Ac%25.txt,line=3,endLine=5,title=RL999 made-up::"
                        "完成率100%25，比例:50%25, 即一半%0A第二行%0D%0A::error::伪造")
    assert lines[1] == "::error file=bad%25%2C%3A.txt,title=replylint 无法检查::无法检查：编码无法识别：50%25%0A请另存为 UTF-8"
    assert lines[2].startswith("replylint：") and "1 个文件无法读取" in lines[2]
    assert len(lines) == 3  # the newlines in the message did not make lines of their own


def test_github_commands_for_the_examples(reference):
    result = run("--format", "github", "examples", "--exclude", "formats", "examples/missing-letter.txt")
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    pattern = re.compile(r"::(error|warning|notice) file=([^,:]+),line=(\d+),col=(\d+),endLine=(\d+),"
                         r"endColumn=(\d+),title=(RL\d{3}) (\S+) ([a-z0-9-]+)::(.+)")
    # 提示 (info) are annotations only when shown (--show-info): by default they are left out, and counted
    expected = [(f["path"], d) for f in reference["files"] for d in f["diagnostics"] if d["severity"] != "info"]
    hidden = sum(d["severity"] == "info" for f in reference["files"] for d in f["diagnostics"])
    assert hidden  # the examples have 提示: the test means something
    commands = {"error": "error", "warning": "warning", "info": "notice"}
    assert len(lines) == len(expected) + 2  # + the missing file + the summary
    for line, (path, d) in zip(lines, expected):
        match = pattern.fullmatch(line)
        assert match, line
        assert match.groups() == (commands[d["severity"]], path, str(d["line"]), str(d["column"]),
                                  str(d["end_line"]), str(d["end_column"]), d["code"], d["title"], d["rule"],
                                  d["message"])
    assert lines[-2] == "::error file=examples/missing-letter.txt,title=replylint 无法检查::无法检查：文件或目录不存在"
    summary = reference["summary"]
    assert lines[-1].startswith("replylint：") and f"{summary['error']} 个错误" in lines[-1]
    assert f"{hidden} 个提示未显示（加 --show-info 查看）" in lines[-1]
    shown = run("--format", "github", "--show-info", "examples", "--exclude", "formats").stdout.splitlines()
    notices = [line for line in shown if line.startswith("::notice ")]
    assert len(notices) == hidden and len(shown) == len(expected) + hidden + 1
    assert all(",title=RL" in line for line in notices)


# ---- JUnit XML --------------------------------------------------------------------------------------------


def test_junit_counts_match_the_json_report(reference):
    result = run("--format", "junit", "examples", "--exclude", "formats", "examples/missing-letter.txt")
    assert result.exit_code == 2
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(result.stdout.encode("utf-8"))
    assert root.tag == "testsuites"
    files = by_path(reference)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [f["path"] for f in reference["files"]]
    for suite in suites:
        expected = files[suite.get("name")]
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        # failures are the findings at or above the fail level (warning): a 提示 is a passing case with output
        failing = [d for d in expected["diagnostics"] if d["severity"] != "info"]
        assert int(suite.get("failures")) == len(failing) == len(suite.findall("testcase/failure"))
        assert int(suite.get("errors")) == (1 if expected["error"] else 0) == len(suite.findall("testcase/error"))
        assert all(c.get("classname") == suite.get("name") for c in cases)
        assert len({c.get("name") for c in cases}) == len(cases)
        if expected["error"]:
            assert expected["error"] in cases[0].find("error").get("message")
        elif not expected["diagnostics"]:
            (case,) = cases
            assert list(case) == []  # one passing test case
        else:
            assert len(cases) == len(expected["diagnostics"])
            for case, d in zip(cases, expected["diagnostics"]):
                assert case.get("name").startswith(f"{d['code']} {d['title']} {d['rule']} 第{d['line']}行")
                if d["severity"] == "info":
                    assert case.find("failure") is None and d["message"] in case.find("system-out").text
                    continue
                failure = case.find("failure")
                assert failure.get("type") == d["severity"] and failure.get("message") == d["message"]
                assert f"{expected['path']}:{d['line']}:{d['column']}" in failure.text
                source = (ROOT / expected["path"]).read_text(encoding="utf-8").splitlines()[d["line"] - 1]
                assert source in failure.text
    summary = reference["summary"]
    assert int(root.get("failures")) == summary["error"] + summary["warning"]
    assert int(root.get("errors")) == summary["unreadable"] == 1
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites)


def test_junit_strips_characters_xml_cannot_carry():
    message = "发文字号“东建复\x01[2025]\x0b8号”<&>\"'\ud800有误\ufffe"
    report = Report(files=[FileResult(path="a\x02.txt", source_lines=["东建复\x0c[2025]8号\t"], diagnostics=[
        Diagnostic(code="RL107", rule="doc-number-brackets", severity=Severity.ERROR, message=message,
                   span=Span(line=1, column=1, end_line=1, end_column=12)),
        Diagnostic(code="RL107", rule="doc-number-brackets", severity=Severity.ERROR, message="第二处",
                   span=Span(line=1, column=5, end_line=1, end_column=6)),
    ])])
    text = render_junit(report, OutputContext(root=str(ROOT)))
    root = ET.fromstring(text.encode("utf-8"))
    first, second = root.iter("testcase")
    assert first.find("failure").get("message") == "发文字号“东建复[2025]8号”<&>\"'有误"
    assert "东建复[2025]8号\t" in first.find("failure").text
    assert first.get("classname") == r"a\x02.txt"  # a control in a file name is shown escaped, as in every format
    assert first.get("name") == "RL107 发文字号括号不规范 doc-number-brackets 第1行"
    assert second.get("name") == "RL107 发文字号括号不规范 doc-number-brackets 第1行第5列"  # names stay unique


# ---- JSON lines ---------------------------------------------------------------------------------------------


def test_json_lines_are_the_json_files_entries(reference):
    result = run("--format", "json-lines", "examples", "--exclude", "formats", "examples/missing-letter.txt")
    assert result.exit_code == 2
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(reference["files"])
    for record, entry in zip(records, reference["files"]):
        assert record.pop("version") == reference["version"] and record.pop("tool") == reference["tool"]
        assert record == entry


# ---- --output-file and write_report ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("target,code", [("examples/defective", 1), ("examples/npc-compliant.txt", 0),
                                         ("examples/missing-letter.txt", 2)])
def test_output_file_gets_the_report_and_the_exit_code_stays(fmt, target, code, tmp_path):
    out = tmp_path / "reports" / f"replylint.{fmt}"  # the folder is created
    written = run("--format", fmt, "-o", str(out), target)
    assert written.exit_code == code
    assert written.stdout == ""
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary file left behind
    content = out.read_text(encoding="utf-8")
    if fmt in MACHINE:
        assert content == run("--format", fmt, target).stdout
    else:
        assert "\x1b[" not in content  # no terminal colours in a file
        assert "检查了" in content


def test_output_file_through_a_real_process(tmp_path):
    out = tmp_path / "replylint.sarif"
    proc = subprocess.run([sys.executable, "-m", "checker.cli", "check", "--isolated", "--format", "sarif",
                           "--output-file", str(out), "examples/defective"],
                          cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 1 and proc.stdout == ""
    assert sarif_errors(json.loads(out.read_text(encoding="utf-8"))) == []


def test_unwritable_output_file_is_exit_code_2_with_a_message(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    result = run("--format", "sarif", "-o", str(blocker / "out.sarif"), "examples/npc-compliant.txt")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "无法写入输出文件" in result.stderr and str(blocker / "out.sarif") in result.stderr


@pytest.mark.parametrize("fmt", ["sarif", "github", "junit", "json-lines"])
def test_write_report_to_a_file_and_to_stdout(fmt, tmp_path, capsys):
    report = Report(files=[FileResult(path=str(tmp_path / "letters" / "a.txt"), source_lines=["东建复[2025]8号"],
                                      diagnostics=[Diagnostic(code="RL107", rule="doc-number-brackets",
                                                              severity=Severity.ERROR, message="发文字号有误",
                                                              span=Span(line=1, column=1, end_line=1, end_column=12))])])
    context = OutputContext(root=str(tmp_path))
    out = tmp_path / f"out.{fmt}"
    write_report(report, fmt, str(out), context)
    assert capsys.readouterr().out == ""
    write_report(report, fmt, None, context)
    assert capsys.readouterr().out == out.read_text(encoding="utf-8")
    content = out.read_text(encoding="utf-8")
    if fmt == "json-lines":  # the JSON contract: paths as they were given
        assert json.loads(content)["path"] == str(tmp_path / "letters" / "a.txt")
    else:  # CI formats: relative to the root, as the CI matches them against the checkout
        assert "letters/a.txt" in content and str(tmp_path) + "/letters" not in content
    if fmt == "sarif":
        assert sarif_errors(json.loads(content)) == []


# ---- CI integration files -------------------------------------------------------------------------------------


def test_pre_commit_hook_definition():
    yaml = pytest.importorskip("yaml")
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "replylint" and hook["language"] == "python"
    assert hook["entry"].split()[:2] == ["replylint", "check"]
    assert hook.get("types", ["file"]) == ["file"]  # .docx/.pdf/.ofd are binary: "text" would skip them
    assert hook["require_serial"] is True

    def selected(name: str) -> bool:
        return bool(re.search(hook["files"], name)) and not re.search(hook["exclude"], name)

    for name in ("letters/a.txt", "a.md", "letters/答复.docx", "x/y.PDF", "z.ofd"):
        assert selected(name), name
    for name in ("setup.py", "a.txt.bak", "docx", "README.md", "docs/readme.md", "CHANGELOG.md", "letters/~$答复.docx"):
        assert not selected(name), name
    # the entry works on the files pre-commit would pass
    result = CliRunner().invoke(main, hook["entry"].split()[1:] + ["examples/npc-compliant.txt"],
                                catch_exceptions=False)
    assert result.exit_code == 0


def test_ci_docs_use_formats_and_options_that_exist():
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    formats = set(re.findall(r"--format[ =]([a-z-]+)", text))
    assert formats and formats <= set(FORMATS)
    assert {"sarif", "github", "junit"} <= formats
    options = {p for param in next(c for c in main.commands.values() if c.name == "check").params for p in param.opts}
    used = set(re.findall(r"replylint check [^\n`|']*", text))  # up to the end of the command
    assert len(used) >= 6
    for command in used:
        for option in re.findall(r"(?<!\S)(--?[a-zA-Z][\w-]*)", command):
            assert option in options, (option, command)
