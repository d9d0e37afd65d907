"""The command line: formats, exit codes, batches with broken files, standard input."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from checker.cli import main
from conftest import EXAMPLES, LETTERS

DIAGNOSTIC_KEYS = {"code", "rule", "severity", "line", "column", "end_line", "end_column", "message", "fix", "title"}
FIELD_NAMES = {"doc_number", "signer", "grade", "disclosure", "organ_mark", "title", "proposal_number", "session",
               "salutation", "headings", "signature_organ", "date", "contact_person", "contact_phone", "cc",
               "print_organ", "print_date"}


def run(*args: str, input: bytes | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_json_output_has_the_documented_shape():
    result = run("check", "--format", "json", str(LETTERS / "s2_npc_seal_only.txt"))
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["version"] == 1 and data["tool"]["name"] == "replylint" and data["tool"]["version"]
    assert set(data["summary"]) == {"files", "error", "warning", "info", "unreadable", "with_findings", "suppressed_by_baseline",
                                    "with_problems"}
    (file,) = data["files"]
    assert set(file) == {"path", "kind", "role", "error", "fields", "diagnostics"}
    assert file["kind"] == "npc-suggestion" and file["role"] == "reply" and file["error"] is None
    assert set(file["fields"]) == FIELD_NAMES
    assert {"value", "raw", "line", "column"} <= set(file["fields"]["doc_number"])
    assert isinstance(file["fields"]["cc"]["value"], list) and isinstance(file["fields"]["contact_phone"]["value"], list)
    expected = json.loads((LETTERS / "s2_npc_seal_only.expected.json").read_text(encoding="utf-8"))
    assert file["fields"]["date"]["value"] == expected["fields"]["date"]["value"]
    assert file["fields"]["signature_organ"] is None
    for d in file["diagnostics"]:
        assert set(d) == DIAGNOSTIC_KEYS and d["severity"] in ("error", "warning", "info")
    assert {"code": "RL401", "rule": "issuer-signature-missing", "title": "缺少发文机关署名"}.items() <= next(
        d for d in file["diagnostics"] if d["rule"] == "issuer-signature-missing").items()
    assert data["summary"]["error"] == sum(d["severity"] == "error" for d in file["diagnostics"])


def test_exit_codes(tmp_path):
    compliant = EXAMPLES / "npc-compliant.txt"
    assert run("check", str(compliant)).exit_code == 0
    defective = str(LETTERS / "s3_cppcc_no_date.txt")
    assert run("check", defective).exit_code == 1
    assert run("check", "--exit-zero", defective).exit_code == 0
    assert run("check", str(tmp_path / "absent.txt")).exit_code == 2
    assert run("check", "--format", "nonsense", defective).exit_code == 2  # usage error
    assert run("check").exit_code == 2


def test_fail_on_error_ignores_warnings(tmp_path):
    letter = (EXAMPLES / "npc-compliant.txt").read_text(encoding="utf-8")
    only_warning = tmp_path / "w.txt"
    only_warning.write_text("\n".join(l for l in letter.splitlines() if not l.startswith("公开属性")), encoding="utf-8")
    assert run("check", str(only_warning)).exit_code == 1
    assert run("check", "--fail-on", "error", str(only_warning)).exit_code == 0


def test_full_output_shows_the_line_and_a_caret_under_the_element():
    result = run("check", str(LETTERS / "s2_npc_seal_only.txt"))
    out = result.output
    assert "错误 RL401 缺少发文机关署名（issuer-signature-missing）" in out  # the title beside the code
    lines = out.splitlines()
    source_line = next(i for i, l in enumerate(lines) if "│ （印  章）" in l)
    caret = lines[source_line + 1]
    # the missing 署名 is pointed at where it belongs: the first character of the seal line (2 cells wide)
    assert caret.index("^") == lines[source_line].index("（") and caret.rstrip().endswith("│ ^^")
    assert "检查了 1 个文件" in lines[-1]


def test_concise_output_is_one_line_per_finding():
    result = run("check", "--format", "concise", str(LETTERS / "s3_cppcc_no_date.txt"))
    finding_lines = [l for l in result.output.splitlines() if l.startswith(str(LETTERS))]
    assert any(":41:1: RL403 [error] 缺少成文日期 date-missing:" in l for l in finding_lines)


def test_a_batch_reports_broken_files_and_finishes_the_rest(tmp_path):
    shutil.copy(EXAMPLES / "npc-compliant.txt", tmp_path / "a-good.txt")
    (tmp_path / "b-binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    (tmp_path / "c-empty.txt").write_bytes(b"")
    shutil.copy(EXAMPLES / "encodings" / "cppcc-compliant-gbk.txt", tmp_path / "d-gbk.txt")
    (tmp_path / "e-undecodable.md").write_bytes("正文".encode() + b"\xff\xfe\x81")
    (tmp_path / "ignored.docx.bak").write_bytes(b"x")
    result = run("check", "--format", "json", str(tmp_path))
    data = json.loads(result.output)
    by_name = {f["path"].rsplit("/", 1)[-1]: f for f in data["files"]}
    assert list(by_name) == ["a-good.txt", "b-binary.txt", "c-empty.txt", "d-gbk.txt", "e-undecodable.md"]
    assert "二进制" in by_name["b-binary.txt"]["error"]
    assert "空" in by_name["c-empty.txt"]["error"]
    assert "编码" in by_name["e-undecodable.md"]["error"]
    assert by_name["a-good.txt"]["error"] is None and by_name["d-gbk.txt"]["error"] is None
    assert by_name["d-gbk.txt"]["kind"] == "cppcc-proposal"
    assert by_name["d-gbk.txt"]["fields"]["signer"]["value"]
    assert result.exit_code == 2  # some files could not be checked
    text = run("check", str(tmp_path)).output
    assert "3 个文件无法读取" in text and "无法检查：" in text


def test_gbk_crlf_letter_gives_the_same_result_as_utf8():
    utf8 = json.loads(run("check", "--format", "json", str(EXAMPLES / "cppcc-compliant.txt")).output)["files"][0]
    gbk = json.loads(run("check", "--format", "json", str(EXAMPLES / "encodings" / "cppcc-compliant-gbk.txt")).output)["files"][0]
    assert utf8["fields"] == gbk["fields"] and utf8["diagnostics"] == gbk["diagnostics"]


def test_stdin_is_checked_when_the_path_is_a_dash():
    data = (LETTERS / "s3_cppcc_no_date.txt").read_bytes()
    result = run("check", "--format", "json", "-", input=data)
    file = json.loads(result.output)["files"][0]
    assert file["path"] == "<stdin>" and file["kind"] == "cppcc-proposal"
    assert result.exit_code == 1


def test_parse_table_and_json():
    table = run("parse", str(LETTERS / "s1_cppcc_heading_gap.txt"))
    assert table.exit_code == 0
    assert "发文字号" in table.output and "未找到" in table.output and "政协委员提案答复" in table.output
    data = json.loads(run("parse", "--format", "json", str(LETTERS / "s1_cppcc_heading_gap.txt")).output)
    assert data["kind"] == "cppcc-proposal"
    assert data["fields"]["title"]["line"] == 7 and data["fields"]["signer"] is None
    assert [e["element"] for e in data["layout"]][:3] == ["grade", "organ_mark", "doc_number"]
    assert run("parse", "/nonexistent/letter.txt").exit_code == 2


def test_markup_like_text_in_a_letter_is_printed_verbatim(tmp_path):
    path = tmp_path / "m.txt"
    path.write_text("[bold]某建复[2021]2号[/bold]\n张某委员：\n正文。", encoding="utf-8")
    assert "[bold]某建复[2021]2号[/bold]" in run("check", str(path)).output


@pytest.mark.parametrize("name", ["npc-compliant.txt", "cppcc-compliant.txt"])
def test_compliant_examples_are_clean(name):
    data = json.loads(run("check", "--format", "json", str(EXAMPLES / name)).output)
    assert data["files"][0]["diagnostics"] == []


def test_starting_the_command_loads_no_checking_stage():
    """`replylint --version`, `--help` and an audit with nothing to re-check must not pay for the parser,
    the grammar, the rule engine or the model: the command module imports them inside the commands."""
    import subprocess
    import sys

    probe = ("import sys, checker.cli; "
             "print(sorted(m for m in ('lark', 'checker.model', 'checker.engine', 'checker.parser', 'checker.api', "
             "'pydantic', 'rich') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr
