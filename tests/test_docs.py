"""docs/rules.md is generated from the rule files; it must not go stale, and the rule commands work."""

import json
import re
from pathlib import Path

from click.testing import CliRunner

from checker.cli import main
from checker.engine import load_rules
from checker.reporters.rules import rules_markdown

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_docs_rules_md_is_up_to_date():
    assert DOCS.read_text(encoding="utf-8") == rules_markdown(), \
        "docs/rules.md is stale: run `replylint rules --format markdown > docs/rules.md`"


def test_rules_json_lists_every_rule():
    data = json.loads(CliRunner().invoke(main, ["rules", "--format", "json"]).output)
    assert [r["code"] for r in data] == [r.rule.code for r in load_rules()]
    assert {"code", "name", "severity", "applies_to", "kind", "message", "description", "source"} <= set(data[0])


def test_explain_by_name_and_by_code():
    by_name = CliRunner().invoke(main, ["explain", "doc-number-brackets"])
    by_code = CliRunner().invoke(main, ["explain", "rl107"])
    assert by_name.exit_code == 0 and by_name.output == by_code.output
    assert "GB/T 9704-2012 7.2.5" in by_name.output and "错误示例" in by_name.output
    assert CliRunner().invoke(main, ["explain", "no-such-rule"]).exit_code == 2


def test_the_readme_and_the_help_name_every_output_format():
    from checker.formats import FORMATS

    readme = (DOCS.parent.parent / "README.md").read_text(encoding="utf-8")
    (listed,) = re.findall(r"Options of `check`: `--format ([a-z|-]+)`", readme)
    assert listed.split("|") == list(FORMATS)
    (option,) = [p for p in next(c for c in main.commands.values() if c.name == "check").params if p.name == "output_format"]
    for name in FORMATS:
        assert re.search(rf"(?<![a-z-]){name}(?![a-z-])", option.help), name


def test_the_files_the_readme_links_to_exist_and_its_pictures_are_small():
    root = DOCS.parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(((?:docs|examples)/[^)#\s]+)", readme)
    assert "docs/img/html-report.png" in targets
    for target in targets:
        assert (root / target).is_file(), target
        if target.endswith(".png"):
            assert (root / target).stat().st_size < 400 * 1024, target
