"""Reading the project's TOML files (rules, profiles, config) with errors that name the file and the key."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


def read_toml(path: Path, error: type[Exception]) -> dict:
    """The parsed file; ``error`` (the caller's exception type) for a file that cannot be read or parsed."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None


def describe(path: Path, exc: ValidationError, limit: int = 5) -> str:
    """One line per validation error: the file, the dotted key and what is wrong with it."""
    lines = []
    for err in exc.errors()[:limit]:
        key = ".".join(str(part) for part in err["loc"])
        lines.append(f"{path}: key '{key}': {err['msg']}")
    return "\n".join(lines)
