"""Region profiles: the values a letter may carry (grade letters, word labels …), as data in rules/profiles/."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from .resources import data_dir
from .tomlfile import describe, read_toml



class ProfileError(Exception):
    """A profile file is missing or malformed; the message names the file and the key."""


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str = ""
    grades: list[str]  # 办理结果 letters accepted
    grade_words: dict[str, str]  # word label → letter
    disclosures: list[str]  # 公开属性 values accepted
    reply_months: int = 3  # months from 交办 to the reply (reply-deadline, with --assigned-date)
    # session → the year it was held, for date-vs-session-year; key "<人大|政协><届>届<次>次", e.g. "人大14届2次"
    session_years: dict[str, int] = {}


def load_profile_file(path: Path) -> Profile:
    data = read_toml(path, ProfileError)
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(describe(path, exc)) from None


def builtin_profiles() -> list[str]:
    return sorted(p.stem for p in (data_dir("rules") / "profiles").glob("*.toml"))


@lru_cache(maxsize=None)
def builtin_profile(name: str = "national") -> Profile:
    path = data_dir("rules") / "profiles" / f"{name}.toml"
    if not path.is_file():
        raise ProfileError(f"no profile named {name!r}; shipped profiles: {', '.join(builtin_profiles())} "
                           f"(or give the path of a profile file)")
    return load_profile_file(path)


@lru_cache(maxsize=None)
def load_profile(name_or_path: str, base_dir: str = ".") -> Profile:
    """A shipped profile by name, or a profile file by path (relative to the config file's folder)."""
    if name_or_path.endswith(".toml"):
        path = Path(base_dir) / name_or_path
        return load_profile_file(path)
    return builtin_profile(name_or_path)
