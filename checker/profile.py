"""Region profiles: the values a letter may carry (grade letters, word labels …), as data in rules/profiles/."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .defaults import EARLIEST_YEAR, LATEST_YEAR
from .resources import data_dir
from .tomlfile import describe, read_toml

# Bounds of a profile's values: a profile may come with an archive, and each of these is looped over or
# computed with for every letter. Far above any real region's (a handful of grades, a few dozen labels).
MAX_PROFILE_ITEMS = 1000
MAX_REPLY_MONTHS = 24  # 代表法: three months, at most six with approval; two years is already absurd
Year = Annotated[int, Field(ge=EARLIEST_YEAR, le=LATEST_YEAR)]


class ProfileError(Exception):
    """A profile file is missing or malformed; the message names the file and the key."""


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str = ""
    grades: Annotated[list[str], Field(max_length=MAX_PROFILE_ITEMS)]  # 办理结果 letters accepted
    grade_words: Annotated[dict[str, str], Field(max_length=MAX_PROFILE_ITEMS)]  # word label → letter
    disclosures: Annotated[list[str], Field(max_length=MAX_PROFILE_ITEMS)]  # 公开属性 values accepted
    # months from 交办 to the reply (reply-deadline, with --assigned-date)
    reply_months: int = Field(default=3, ge=1, le=MAX_REPLY_MONTHS)
    # session → the year it was held, for date-vs-session-year; key "<人大|政协><届>届<次>次", e.g. "人大14届2次"
    session_years: Annotated[dict[str, Year], Field(max_length=MAX_PROFILE_ITEMS)] = {}


def load_profile_file(path: Path) -> Profile:
    data = read_toml(path, ProfileError, what="档案文件")
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(describe(path, exc)) from None


def builtin_profiles() -> list[str]:
    return sorted(p.stem for p in (data_dir("rules") / "profiles").glob("*.toml"))


@lru_cache(maxsize=None)
def builtin_profile(name: str = "national") -> Profile:
    path = data_dir("rules") / "profiles" / f"{name}.toml"
    if not os.path.isfile(path):  # not Path.is_file: a name too long for the system raises there
        raise ProfileError(f"没有名为 {name!r} 的档案；自带的档案有 {'、'.join(builtin_profiles())}"
                           f"（也可以给出档案文件的路径，以 .toml 结尾）")
    return load_profile_file(path)


@lru_cache(maxsize=None)
def load_profile(name_or_path: str, base_dir: str = ".") -> Profile:
    """A shipped profile by name, or a profile file by path (relative to the config file's folder)."""
    if name_or_path.endswith(".toml"):
        path = Path(base_dir) / name_or_path
        return load_profile_file(path)
    return builtin_profile(name_or_path)
