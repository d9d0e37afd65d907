"""Every rule's pass and fail examples, from its rule file, run as tests (sqlfluff's YAML rule cases, in
TOML). A pass example must not raise the rule; a fail example must, and where the rule proposes a fix for it,
applying the fix (to the original text, as ``check --fix`` does) makes the rule pass on it."""

from __future__ import annotations

import pytest

from checker.api import check_text
from checker.config import Configurator, Overrides
from checker.engine import load_rules
from checker.fix import fix_text_with
from checker.resources import data_dir

RULES = load_rules()
BASES = {name: (data_dir("rules") / "bases" / f"{name}.txt").read_text(encoding="utf-8") for name in ("npc", "cppcc")}


def build(example) -> str:
    if example.text is not None:
        return example.text
    text = BASES[example.base]
    for old, new in example.replace.items():
        assert old in text, f"example edit {old!r} does not occur in the {example.base} base letter"
        text = text.replace(old, new, 1)
    return text


def cases():
    for compiled in RULES:
        rule = compiled.rule
        for outcome, examples in (("pass", rule.examples.pass_), ("fail", rule.examples.fail)):
            for i, example in enumerate(examples, 1):
                yield pytest.param(rule, outcome, example, id=f"{rule.code}-{rule.name}-{outcome}{i}")


def configurator(example) -> Configurator:
    config = dict(example.config)
    profile = config.get("profile")
    if profile and profile.endswith(".toml"):  # a profile made for the examples, beside the base letters
        profile = str(data_dir("rules") / "bases" / profile)
    return Configurator(Overrides(isolated=True, profile=profile, assigned_date=config.get("assigned_date")))


@pytest.mark.parametrize("rule, outcome, example", list(cases()))
def test_rule_example(rule, outcome, example):
    result = check_text(build(example), "example.txt", configurator(example))
    fired = [d for d in result.diagnostics if d.rule == rule.name]
    if outcome == "pass":
        assert not fired, f"{rule.name} fired on its pass example: {[(d.span.line, d.message) for d in fired]}"
    else:
        assert fired, f"{rule.name} did not fire on its fail example; found: {sorted({d.rule for d in result.diagnostics})}"
        assert all(d.code == rule.code for d in fired)
        # a fix over several lines (a title broken across lines) is a suggestion only: --fix edits one line
        if any(d.fix is not None and d.fix.span.line == d.fix.span.end_line for d in fired):
            assert_fix_passes(rule, example)


def assert_fix_passes(rule, example):
    """Applying this rule's own fixes (safe and unsafe) leaves no finding of the rule."""
    def check_rule_only(text):
        result = check_text(text, "example.txt", configurator(example))
        result.diagnostics = [d for d in result.diagnostics if d.rule == rule.name]
        return result

    fixed, applied, result = fix_text_with(build(example), check_rule_only, unsafe=True)
    assert applied, f"{rule.name}: its fix was not applied to the fail example"
    assert not result.diagnostics, f"{rule.name} still fires after its fix: {fixed!r}"


SAFE_FIX_RULES = {"RL107", "RL110", "RL312", "RL404", "RL602", "RL603", "RL604", "RL610", "RL802"}


def test_safe_fixes_are_the_mechanical_ones():
    """The rules whose fix is safe (``check --fix`` applies it without asking) are exactly the mechanical
    ones; every such rule has a fail example its safe fix repairs."""
    safe = {c.rule.code for c in RULES if c.rule.fix is not None and c.rule.fix.safe}
    assert safe == SAFE_FIX_RULES
    for compiled in RULES:
        if compiled.rule.code not in safe:
            continue
        repaired = 0
        for example in compiled.rule.examples.fail:
            result = check_text(build(example), "example.txt", configurator(example))
            repaired += any(d.rule == compiled.rule.name and d.fix is not None and d.fix.safe for d in result.diagnostics)
        assert repaired, f"{compiled.rule.code}: no fail example gets a safe fix"


@pytest.mark.parametrize("base", sorted(BASES))
def test_compliant_bases_have_no_error_or_warning(base):
    result = check_text(BASES[base], "base.txt", Configurator(Overrides(isolated=True)))
    assert [(d.rule, d.span.line) for d in result.diagnostics if d.severity.value != "info"] == []


def test_bases_are_the_compliant_examples():
    from conftest import EXAMPLES

    assert BASES["npc"] == (EXAMPLES / "npc-compliant.txt").read_text(encoding="utf-8")
    assert BASES["cppcc"] == (EXAMPLES / "cppcc-compliant.txt").read_text(encoding="utf-8")


def test_codes_and_names_are_unique_and_stable_in_form():
    codes = [r.rule.code for r in RULES]
    names = [r.rule.name for r in RULES]
    assert len(set(codes)) == len(codes) and len(set(names)) == len(names)
