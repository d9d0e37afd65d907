"""The settings a config file may hold, validated (kebab-case keys, as in ruff). See config.py for where
config files are found and how flags override them; this module is loaded only when a config is read."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .config import DEFAULT_FAIL_ON, DEFAULT_PROFILE, ConfigError
from .tomlfile import describe, read_toml

SeverityName = Literal["error", "warning", "info"]


class Settings(BaseModel):
    """The settings of one config file."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    profile: str = DEFAULT_PROFILE
    select: list[str] = ["ALL"]
    extend_select: list[str] = Field(default=[], alias="extend-select")
    ignore: list[str] = []
    severity: dict[str, SeverityName] = {}
    per_file_ignores: dict[str, list[str]] = Field(default={}, alias="per-file-ignores")
    fail_on: SeverityName = Field(default=DEFAULT_FAIL_ON, alias="fail-on")
    assigned_date: Optional[str] = Field(default=None, alias="assigned-date", pattern=r"^\d{4}-\d{2}-\d{2}$")


def read_config_file(path: Path) -> Optional[Settings]:
    """Settings from a replylint.toml, or from [tool.replylint] of a pyproject.toml (None if it has none)."""
    data = read_toml(path, ConfigError)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("replylint")
        if data is None:
            return None
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe(path, exc)) from None


__all__ = ["Settings", "SeverityName", "read_config_file"]
