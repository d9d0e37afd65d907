"""What every configuration starts from: the default profile and fail level, the dates a setting may hold,
and the error a wrong setting raises. Shared by ``config`` (finding and merging config files) and
``settings`` (validating one), below both, so that neither imports the other to get them."""

from __future__ import annotations

DEFAULT_PROFILE = "three-grade"  # its old name "national" is an alias (profile.PROFILE_ALIASES)
DEFAULT_FAIL_ON = "warning"
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


def reaches_fail_level(fail_on: str, n_error: int, n_warning: int, n_info: int) -> bool:
    """Whether a letter's findings make the exit code 1 at this ``fail-on`` level (``check`` and ``audit``)."""
    return bool(n_error or (n_warning and fail_on != "error") or (n_info and fail_on == "info"))


# Dates a letter of the people's congresses and CPPCC can carry: anything outside is a typo (9999-12-31)
EARLIEST_YEAR, LATEST_YEAR = 1949, 2100


class ConfigError(Exception):
    """A configuration file or flag is wrong; the message names the file and the key."""


def checked_date(text: str) -> str:
    """``text`` if it is a real date YYYY-MM-DD between EARLIEST_YEAR and LATEST_YEAR; else ValueError with
    a Chinese message (2025-02-30 does not exist)."""
    import datetime as dt
    import re

    if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"日期 {text!r} 的格式应为 YYYY-MM-DD，例如 2025-03-15")
    try:
        date = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"日期 {text} 不存在（检查月份和日期）") from None
    if not EARLIEST_YEAR <= date.year <= LATEST_YEAR:
        raise ValueError(f"日期 {text} 的年份不合理（应在 {EARLIEST_YEAR}–{LATEST_YEAR} 年之间）")
    return text
