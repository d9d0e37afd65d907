"""Region profiles: the values a letter may carry (grade letters, word labels …), as data in rules/profiles/."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .defaults import DEFAULT_PROFILE, EARLIEST_YEAR, LATEST_YEAR
from .resources import data_dir
from .tomlfile import describe, read_toml

# Bounds of a profile's values: a profile may come with an archive, and each of these is looped over or
# computed with for every letter. Far above any real region's (a handful of grades, a few dozen labels).
MAX_PROFILE_ITEMS = 1000
MAX_REPLY_MONTHS = 24  # 代表法: three months, at most six with approval; two years is already absurd
Year = Annotated[int, Field(ge=EARLIEST_YEAR, le=LATEST_YEAR)]

# Old names of shipped profiles. ``national`` was the first name of ``three-grade`` (the default): the
# profile is not a national rule (regions use A–C, A–D or 甲乙丙丁), so it is named for what it holds; the old
# name keeps working in configs, --profile and the API.
PROFILE_ALIASES = {"national": "three-grade"}
# 甲乙丙丁 written for A–D (乙类 = B); the model keeps the letter
CN_GRADES = {"甲": "A", "乙": "B", "丙": "C", "丁": "D"}


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
    # the region writes its grades 甲乙丙丁 (甲类 = A): set when ``grades`` lists them. The grades are kept as
    # the letters they stand for, as the letter model keeps them; grade-label-format then accepts 甲类
    cn_grades: bool = False

    @model_validator(mode="before")
    @classmethod
    def _letters_for_cn_grades(cls, data):
        """``grades = ["甲", "乙", "丙", "丁"]`` (and 甲乙丙丁 as the letter of a word label) → A–D, cn_grades."""
        if not isinstance(data, dict):
            return data
        grades, words = data.get("grades"), data.get("grade_words")
        if isinstance(grades, list) and any(isinstance(g, str) and g.rstrip("类") in CN_GRADES for g in grades):
            data = {**data, "cn_grades": True,
                    "grades": [CN_GRADES.get(g.rstrip("类"), g) if isinstance(g, str) else g for g in grades]}
        if isinstance(words, dict):
            data = {**data, "grade_words": {k: CN_GRADES.get(v.rstrip("类"), v) if isinstance(v, str) else v
                                            for k, v in words.items()}}
        return data


def load_profile_file(path: Path) -> Profile:
    data = read_toml(path, ProfileError, what="档案文件")
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(describe(path, exc)) from None


def builtin_profiles() -> list[str]:
    return sorted(p.stem for p in (data_dir("rules") / "profiles").glob("*.toml"))


@lru_cache(maxsize=None)
def builtin_profile(name: str = DEFAULT_PROFILE) -> Profile:
    """A shipped profile by its name (or an old name of it: ``national`` is ``three-grade``)."""
    name = PROFILE_ALIASES.get(name, name)
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
