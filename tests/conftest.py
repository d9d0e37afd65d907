from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
LETTERS = FIXTURES / "letters"
EXAMPLES = ROOT / "examples"
SEEDS = ROOT.parent / "shared" / "seeds"

# the letter generator is shared with the benchmark
sys.path.insert(0, str(ROOT / "benchmarks"))


def letter_fixtures() -> list[Path]:
    return sorted(LETTERS.glob("*.txt"))


def expected_for(path: Path) -> dict:
    return json.loads(path.with_suffix("").with_suffix(".expected.json").read_text(encoding="utf-8")) \
        if path.with_name(path.stem + ".expected.json").exists() else {}


@pytest.fixture
def compliant_npc() -> str:
    return (EXAMPLES / "npc-compliant.txt").read_text(encoding="utf-8")


@pytest.fixture
def compliant_cppcc() -> str:
    return (EXAMPLES / "cppcc-compliant.txt").read_text(encoding="utf-8")
