"""The settings a config file may hold, validated (kebab-case keys, as in ruff). See config.py for where
config files are found and how flags override them; this module is loaded only when a config is read."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Optional

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from .defaults import DEFAULT_FAIL_ON, DEFAULT_PROFILE, ConfigError, checked_date
from .tomlfile import describe, file_label, read_toml

SeverityName = Literal["error", "warning", "info"]
# Far more selectors or globs than the rule catalogue has rules; each per-file-ignores glob is matched
# against every checked file, so their number is what a hostile config could multiply.
MAX_SETTING_ITEMS = 1000
MAX_TEXT_CHARS = 1000  # one selector, glob or profile path

Text = Annotated[str, Field(max_length=MAX_TEXT_CHARS)]
Texts = Annotated[list[Text], Field(max_length=MAX_SETTING_ITEMS)]


class WordsSettings(BaseModel):
    """``[words]``: words the word rules never report (names of people, places, organisations that contain a
    listed form, such as a company called 其它科技), and an organisation's own word list (a file in the format
    of rules/words/*.toml, relative to the config file), merged with the shipped lists."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    allow: Texts = []
    extra_list: Optional[Text] = Field(default=None, alias="extra-list")


class Settings(BaseModel):
    """The settings of one config file."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    profile: Text = DEFAULT_PROFILE
    select: Texts = ["ALL"]
    extend_select: Texts = Field(default=[], alias="extend-select")
    ignore: Texts = []
    severity: Annotated[dict[Text, SeverityName], Field(max_length=MAX_SETTING_ITEMS)] = {}
    per_file_ignores: Annotated[dict[Text, Texts], Field(max_length=MAX_SETTING_ITEMS)] = Field(
        default={}, alias="per-file-ignores")
    fail_on: SeverityName = Field(default=DEFAULT_FAIL_ON, alias="fail-on")
    assigned_date: Optional[Annotated[str, AfterValidator(checked_date)]] = Field(default=None, alias="assigned-date")
    words: WordsSettings = WordsSettings()


def read_config_file(path: Path) -> Optional[Settings]:
    """Settings from a replylint.toml, or from [tool.replylint] of a pyproject.toml (None if it has none)."""
    data = read_toml(path, ConfigError, what="配置文件")
    if path.name == "pyproject.toml":
        tool = data.get("tool")
        if tool is not None and not isinstance(tool, dict):
            raise ConfigError(f"{file_label(path)}：键 'tool' 应为表（写作 [tool.replylint] 一节），而不是 {tool!r:.40}")
        data = (tool or {}).get("replylint")
        if data is None:
            return None
        if not isinstance(data, dict):
            raise ConfigError(f"{file_label(path)}：键 'tool.replylint' 应为表（写作 [tool.replylint] 一节），"
                              f"而不是 {data!r:.40}")
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe(path, exc)) from None


__all__ = ["Settings", "WordsSettings", "SeverityName", "read_config_file", "MAX_SETTING_ITEMS", "MAX_TEXT_CHARS"]
