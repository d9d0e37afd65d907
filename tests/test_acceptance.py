"""What the checker must report on letters with the layouts and defects of real ones: every core finding
(error or warning) under its rule name on its line, and no other error or warning."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from checker.api import check_file
from checker.config import Configurator, Overrides
from conftest import LETTERS, SEEDS

FIXTURES = sorted(LETTERS.glob("*.txt"))


def core(result) -> list[tuple[str, int]]:
    return sorted((d.rule, d.span.line) for d in result.diagnostics if d.severity.value in ("error", "warning"))


def assert_core_findings(result, expected: list[dict]) -> None:
    got = core(result)
    assert sorted({rule for rule, _ in got}) == sorted({e["rule"] for e in expected}), got
    for e in expected:
        if e["line"] is not None:
            assert (e["rule"], e["line"]) in got, (e, got)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_core_findings(path: Path):
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
    result = check_file(path, Configurator(Overrides(isolated=True)))
    assert result.kind.value == expected["kind"]
    assert_core_findings(result, expected["core_findings"])


# The five real letters (§4 of the domain reference), by rule name and line only: no text of theirs is kept
# here. They live outside the project; the test runs where they are (REPLYLINT_SEEDS or ../shared/seeds).
SEED_EXPECTATIONS = {
    "000": ("cppcc-proposal", [("title-missing", None), ("signer-label", 8), ("disclosure-invalid-value", 4),
                               ("cited-doc-number-brackets", 38), ("page-no-body-marker", 62),
                               ("cc-required-gov-supervision", 64), ("proposal-number-missing", None)]),
    "001": ("cppcc-proposal", [("heading-sequence-gap", 19), ("signer-missing", None), ("disclosure-missing", None)]),
    "002": ("npc-suggestion", [("issuer-signature-missing", None), ("disclosure-missing", None)]),
    "003": ("cppcc-proposal", [("issuer-signature-missing", None), ("date-missing", None),
                               ("closing-thanks-missing", None), ("disclosure-missing", None)]),
    "004": ("npc-suggestion", [("disclosure-invalid-value", 3), ("closing-thanks-missing", None), ("cc-separator", 82),
                               ("cc-terminal-period", 82), ("contact-position", 84)]),
}
SEED_DIR = Path(os.environ.get("REPLYLINT_SEEDS", SEEDS))


@pytest.mark.skipif(not SEED_DIR.is_dir(), reason="the real letters are not beside this checkout")
@pytest.mark.parametrize("prefix", sorted(SEED_EXPECTATIONS))
def test_real_letters_core_findings(prefix):
    (path,) = SEED_DIR.glob(f"{prefix}_*.txt")
    kind, expected = SEED_EXPECTATIONS[prefix]
    result = check_file(path, Configurator(Overrides(isolated=True)))
    assert result.kind.value == kind
    assert_core_findings(result, [{"rule": r, "line": line} for r, line in expected])
    assert "kind-consistency" not in {d.rule for d in result.diagnostics}
