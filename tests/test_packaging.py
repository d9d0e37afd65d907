"""What a plain `pip install .` must ship: the grammar and the rule data inside the package."""

import os
from pathlib import Path

import checker
from checker.resources import data_dir


def test_grammar_and_profiles_are_found():
    assert (data_dir("grammar") / "letter.lark").is_file()
    assert (data_dir("rules") / "profiles" / "three-grade.toml").is_file()
    assert (data_dir("rules") / "words" / "common.toml").is_file()  # the word list of misused-word
    assert (data_dir("rules") / "language.toml").is_file()


def test_an_installed_wheel_carries_its_data_inside_the_package():
    package = Path(checker.__file__).resolve().parent
    if os.environ.get("CI") == "true":  # .ci/run installs the wheel: the tests must run against it
        assert "site-packages" in package.parts, package
    if "site-packages" in package.parts:  # a real install (CI installs non-editable into a fresh venv)
        assert (package / "grammar" / "letter.lark").is_file()
        assert (package / "rules" / "profiles" / "three-grade.toml").is_file()
        assert (package / "rules" / "words" / "common.toml").is_file()
    else:  # a source checkout: the top-level folders serve
        assert (package.parent / "grammar" / "letter.lark").is_file()
