"""Region profiles: the values a letter may carry (grade letters, word labels …), as data in rules/profiles/."""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from .resources import data_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


class ProfileError(Exception):
    """A profile file is missing or malformed; the message names the file and the key."""


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str = ""
    grades: list[str]
    grade_words: dict[str, str]


def load_profile_file(path: Path) -> Profile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read profile: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: not valid TOML: {exc}") from None
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        raise ProfileError(f"{path}: key '{key}': {first['msg']}") from None


@lru_cache(maxsize=None)
def builtin_profile(name: str = "national") -> Profile:
    return load_profile_file(data_dir("rules") / "profiles" / f"{name}.toml")
