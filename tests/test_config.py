"""Configuration: discovery by walking up, selection by code, prefix or name, severities, per-file ignores,
fail-on, and clear errors."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from checker.api import check_file
from checker.cli import main
from checker.config import ConfigError, Configurator, Overrides
from conftest import EXAMPLES, LETTERS


def rules_fired(path, **overrides) -> set[str]:
    return {d.rule for d in check_file(path, Configurator(Overrides(**overrides))).diagnostics}


@pytest.fixture
def archive(tmp_path):
    sub = tmp_path / "archive" / "2021"
    sub.mkdir(parents=True)
    shutil.copy(LETTERS / "s1_cppcc_heading_gap.txt", sub / "letter.txt")
    return tmp_path


def test_config_is_found_by_walking_up_from_the_file(archive):
    letter = archive / "archive" / "2021" / "letter.txt"
    assert "disclosure-missing" in rules_fired(letter)
    (archive / "replylint.toml").write_text('ignore = ["disclosure-missing"]\n', encoding="utf-8")
    assert "disclosure-missing" not in rules_fired(letter)


def test_pyproject_tool_section_is_read(archive):
    letter = archive / "archive" / "2021" / "letter.txt"
    (archive / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.replylint]\nselect = ["RL1"]\n', encoding="utf-8")
    fired = rules_fired(letter)
    assert fired and all(name in {"grade-label-format", "disclosure-missing", "signer-missing", "signer-position"}
                         or name.startswith(("grade", "disclosure", "doc-number", "signer", "secret", "issuer-mark"))
                         for name in fired)


def test_selection_by_code_prefix_and_name():
    path = LETTERS / "s1_cppcc_heading_gap.txt"
    assert rules_fired(path, isolated=True, select=("RL104",)) == {"disclosure-missing"}
    assert rules_fired(path, isolated=True, select=("disclosure-missing", "signer-missing")) == {"disclosure-missing", "signer-missing"}
    assert "disclosure-missing" not in rules_fired(path, isolated=True, ignore=("RL10",))
    assert rules_fired(path, isolated=True, select=("RL104",), extend_select=("signer-missing",)) == {"disclosure-missing", "signer-missing"}


def test_per_rule_severity_and_fail_on(archive):
    letter = archive / "archive" / "2021" / "letter.txt"
    (archive / "replylint.toml").write_text(
        'select = ["disclosure-missing"]\nfail-on = "error"\n[severity]\ndisclosure-missing = "error"\n', encoding="utf-8")
    (d,) = check_file(letter, Configurator(Overrides())).diagnostics
    assert d.severity.value == "error"
    assert CliRunner().invoke(main, ["check", str(letter)]).exit_code == 1
    (archive / "replylint.toml").write_text('select = ["disclosure-missing"]\nfail-on = "error"\n', encoding="utf-8")
    assert CliRunner().invoke(main, ["check", str(letter)]).exit_code == 0  # a warning, below the fail level
    assert CliRunner().invoke(main, ["check", "--fail-on", "warning", str(letter)]).exit_code == 1


def test_per_file_ignores_by_glob(archive):
    letter = archive / "archive" / "2021" / "letter.txt"
    (archive / "replylint.toml").write_text('[per-file-ignores]\n"archive/*/letter.txt" = ["RL104", "signer-missing"]\n',
                                            encoding="utf-8")
    fired = rules_fired(letter)
    assert "disclosure-missing" not in fired and "signer-missing" not in fired and "grade-label-format" in fired


def test_profile_changes_accepted_grades(tmp_path):
    letter = tmp_path / "d.txt"
    letter.write_text((EXAMPLES / "npc-compliant.txt").read_text(encoding="utf-8").replace("办理结果：A", "办理结果：D"),
                      encoding="utf-8")
    assert "grade-invalid-value" in rules_fired(letter, isolated=True)
    assert "grade-invalid-value" not in rules_fired(letter, isolated=True, profile="four-grade")


@pytest.mark.parametrize("content, expected", [
    ('selcet = ["RL1"]\n', "键 'selcet'"),
    ('select = ["RL999"]\n', "'RL999' 不对应任何规则"),
    ('fail-on = "fatal"\n', "键 'fail-on'"),
    ('profile = "martian"\n', "没有名为 'martian' 的档案"),
    ('select = [\n', "不是有效的 TOML"),
])
def test_bad_config_is_a_clear_error_with_exit_code_2(archive, content, expected):
    (archive / "replylint.toml").write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(archive / "archive")])
    assert result.exit_code == 2
    assert expected in result.output and "replylint.toml" in result.output
    with pytest.raises(ConfigError):
        Configurator(Overrides()).for_path(str(archive / "archive" / "2021" / "letter.txt"))


def test_show_config_prints_the_effective_settings(archive):
    (archive / "replylint.toml").write_text('profile = "four-grade"\nignore = ["RL111"]\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--show-config", "--ignore", "RL110", str(archive / "archive")])
    data = json.loads(result.output)
    assert data["profile"] == "four-grade" and data["grades"] == ["A", "B", "C", "D"]
    assert data["ignore"] == ["RL111", "RL110"] and data["config_file"].endswith("replylint.toml")
    assert not any(r.startswith(("RL110", "RL111")) for r in data["enabled_rules"])


def test_cli_selection_flags_accept_comma_lists():
    result = CliRunner().invoke(main, ["check", "--isolated", "--select", "RL104,signer-missing", "--format", "json",
                                       str(LETTERS / "s1_cppcc_heading_gap.txt")])
    rules = {d["rule"] for d in json.loads(result.output)["files"][0]["diagnostics"]}
    assert rules == {"disclosure-missing", "signer-missing"}
