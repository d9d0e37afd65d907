"""The rule loader: a bad rule file fails at load with the file, the rule and the key named."""

from __future__ import annotations

import textwrap

import pytest

from checker.engine import RuleFileError, load_rules_from

GOOD = '''
group = "test"

[[rule]]
code = "RL901"
name = "test-rule"
title = "测试规则"
severity = "warning"
message = "缺少{element}"
description = "测试"
source = "测试"
check = { kind = "required", field = "signer" }

[[rule.examples.pass]]
base = "npc"

[[rule.examples.fail]]
base = "npc"
replace = { "签发人：林志远" = "" }
'''


def load(tmp_path, text: str):
    path = tmp_path / "bad.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_rules_from([path])


def test_a_good_file_loads(tmp_path):
    rules = load(tmp_path, GOOD)
    assert [r.rule.name for r in rules] == ["test-rule"]


@pytest.mark.parametrize("edit, expected", [
    (('severity = "warning"', 'severity = "warning"\ncolour = "red"'), "key 'colour': Extra inputs are not permitted"),
    (('check = { kind = "required", field = "signer" }', 'check = { kind = "pattern", field = "date", match = "(" }'),
     "not a valid regular expression"),
    (('field = "signer"', 'field = "signatory"'), "unknown field 'signatory'"),
    (('kind = "required"', 'kind = "magic"'), "key 'check'"),
    (('check = { kind = "required", field = "signer" }', 'check = { kind = "python", function = "no_such_check" }'),
     "no named check 'no_such_check'"),
    (('check = { kind = "required", field = "signer" }', 'check = { kind = "pattern", field = "date", attribute = "yaer", match = "1" }'),
     "date has no attribute 'yaer'"),
    (('check = { kind = "required", field = "signer" }',
      'check = { kind = "repeated", scope = "body", chars = "a-z", min = 5, max = 2 }'), "min (5) is greater than max (2)"),
    (('check = { kind = "required", field = "signer" }', 'check = { kind = "repeated", scope = "body", chars = "z-a" }'),
     "not a valid regular expression"),
    (('code = "RL901"', 'code = "R901"'), "key 'code'"),
    (('name = "test-rule"', 'name = "Test_Rule"'), "key 'name'"),
    (('title = "测试规则"', 'title = "test rule"'), "key 'title'"),
    (('title = "测试规则"\n', ''), "key 'title'"),
    (('message = "缺少{element}"', 'message = "缺少{value.__class__}"'), "placeholder"),
    (('message = "缺少{element}"', 'message = "缺少{secret}"'), "unknown placeholder"),
    (('[[rule.examples.fail]]\nbase = "npc"', '[[rule.examples.fail]]\nbase = "npc"\ntext = "x"'), "exactly one of 'text' and 'base'"),
    (('severity = "warning"', 'severity = "warning"\nfix = { template = "{value}", safe = true, sure = true }'),
     "key 'fix.sure': Extra inputs are not permitted"),
    (('severity = "warning"', 'severity = "warning"\nfix = { template = "{value}", function = "cc_terminal" }'),
     "exactly one of 'template' or 'function'"),
    (('severity = "warning"', 'severity = "warning"\nfix = { safe = true }'), "exactly one of 'template' or 'function'"),
    (('severity = "warning"', 'severity = "warning"\nfix = { function = "no_such_fixer" }'), "no fixer 'no_such_fixer'"),
    (('severity = "warning"', 'severity = "warning"\nfix = { function = "cc_terminal", safe = "yes" }'), "key 'fix.safe'"),
    (('severity = "warning"',
      'severity = "warning"\nfix = { template = "{value}", safe = true, safe_when = { field = "date", attribute = "stlye", match = "x" } }'),
     "date has no attribute 'stlye'"),
])
def test_bad_rule_files_name_the_file_rule_and_key(tmp_path, edit, expected):
    old, new = edit
    assert old in GOOD
    with pytest.raises(RuleFileError) as info:
        load(tmp_path, GOOD.replace(old, new, 1))
    message = str(info.value)
    assert "bad.toml" in message and expected in message
    if "rule" in message and "key 'code'" not in expected:
        assert "RL901" in message or "test-rule" in message or "#1" in message


def test_invalid_toml_and_duplicate_codes(tmp_path):
    with pytest.raises(RuleFileError, match="不是有效的 TOML"):
        load(tmp_path, "group = ")
    other = tmp_path / "other.toml"
    other.write_text(GOOD, encoding="utf-8")
    first = tmp_path / "first.toml"
    first.write_text(GOOD, encoding="utf-8")
    with pytest.raises(RuleFileError, match="RL901 is already used"):
        load_rules_from([first, other])


def test_the_shipped_catalogue_loads_and_every_kind_is_used():
    from checker.engine import load_rules

    kinds = {r.rule.check.kind for r in load_rules()}
    assert {"required", "pattern", "enum", "compare", "parser"} <= kinds


def test_repeated_kind_finds_what_the_equivalent_regex_finds():
    """``find_repeats`` replaces a backreference regex for speed; on random text over a small alphabet
    (so repeats, runs, astral characters and excluded starts all occur) both give the same matches."""
    import random
    import re

    from checker.engine.kinds import find_repeats

    chars = "\u4e00-\u9fff\U00020000-\U0002a6df"
    allowed = re.compile(f"[{chars}]+")
    reference = re.compile(f"(?P<w>(?!一)[{chars}]{{2,4}})(?P=w)")
    rng = random.Random(11)
    alphabet = "一个改善\U00020001停\n，A\u3000 "
    for trial in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400 if trial % 100 == 0 else 24)))
        assert find_repeats(text, 2, 4, allowed, "一") == [m.span() for m in reference.finditer(text)], text



def test_a_superseded_rule_must_be_another_rule_of_the_catalogue(tmp_path):
    with pytest.raises(RuleFileError) as info:
        load(tmp_path, GOOD.replace('severity = "warning"', 'severity = "warning"\nsupersedes = ["no-such-rule"]', 1))
    assert "key 'supersedes'" in str(info.value) and "no-such-rule" in str(info.value)


def test_one_mistake_one_finding_where_a_rule_supersedes_another():
    from checker import api
    from checker.resources import data_dir

    base = (data_dir("rules") / "bases" / "npc.txt").read_text(encoding="utf-8")
    cited = base.replace("清理废弃车辆210余辆。", "清理废弃车辆210余辆（青政办[2024]7号）。", 1)
    assert cited != base
    found = [(d.rule, d.span.line) for d in api.check_text(cited, "t.txt").diagnostics]
    line = next(n for n, text in enumerate(cited.splitlines(), 1) if "[2024]" in text)
    # the bracket error of a cited 文号, not also half-width punctuation on the same [2024]
    assert ("cited-doc-number-brackets", line) in found and ("ascii-punct-in-cjk", line) not in found
    # half-width punctuation elsewhere on that line is still reported: only the overlapping stretch is dropped
    both = cited.replace("清理废弃车辆210余辆（", "清理废弃车辆210余辆,（", 1)
    found = [(d.rule, d.span.line) for d in api.check_text(both, "t.txt").diagnostics]
    assert ("ascii-punct-in-cjk", line) in found and ("cited-doc-number-brackets", line) in found


def test_the_superseding_cover_agrees_with_comparing_every_pair():
    import random

    from checker.engine import _Cover
    from checker.model import Span

    def overlap(a, b):  # the definition, pair by pair
        a0, a1, b0, b1 = (a.line, a.column), (a.end_line, a.end_column), (b.line, b.column), (b.end_line, b.end_column)
        return a0 == b0 or (b0 < a1 and a0 < b1)

    rng = random.Random(7)

    def span():
        line, column = rng.randint(1, 4), rng.randint(1, 6)
        end_line = line + rng.choice((0, 0, 1))
        end_column = rng.randint(column if end_line == line else 1, 8)
        return Span(line=line, column=column, end_line=end_line, end_column=end_column)

    for _ in range(300):
        covering = [span() for _ in range(rng.randint(0, 5))]
        cover = _Cover(covering)
        for _ in range(10):
            d = span()
            assert cover.overlaps(d) == any(overlap(d, c) for c in covering), (d, covering)
