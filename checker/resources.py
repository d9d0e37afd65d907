"""Where the shipped data lives: ``grammar/`` and ``rules/``.

In a wheel they are inside the package (checker/grammar, checker/rules: see pyproject.toml); in a source
checkout or an editable install they are the top-level folders beside ``checker/``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"replylint is installed without its {name}/ folder (looked in {_PACKAGE})")
