"""The settings a config file may hold, validated (kebab-case keys, as in ruff). See config.py for where
config files are found and how flags override them; this module is loaded only when a config is read."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Optional

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, ValidationError

from .defaults import DEFAULT_FAIL_ON, DEFAULT_PROFILE, ConfigError, checked_date
from .tomlfile import describe, file_label, parse_toml, read_text_file

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
    # 提示 (info) findings in the terminal formats (full, concise, github): hidden unless asked for; the
    # machine formats (json, sarif, junit) always carry them, and fail-on = "info" shows them too
    show_info: StrictBool = Field(default=False, alias="show-info")  # true or false, not "yes" or 1
    assigned_date: Optional[Annotated[str, AfterValidator(checked_date)]] = Field(default=None, alias="assigned-date")
    words: WordsSettings = WordsSettings()


def setting_keys(loc: tuple = (), model: type[BaseModel] = None) -> list[str]:
    """The keys a config file may write at ``loc`` (() = the top level; ("words",) = a nested table's), as
    written in the file (kebab-case), for a "did you mean" on an unknown key."""
    model = model or Settings
    for part in loc:
        field = next((f for name, f in model.model_fields.items() if part in (name, f.alias)), None)
        inner = getattr(field, "annotation", None) if field is not None else None
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            return []
        model = inner
    return [f.alias or name for name, f in model.model_fields.items()]


def read_config_file(path: Path) -> Optional[Settings]:
    """Settings from a replylint.toml, or from [tool.replylint] of a pyproject.toml (None if it has none)."""
    text = read_text_file(path, ConfigError, what="配置文件")
    data = parse_toml(text, file_label(path), ConfigError)
    prefix: tuple = ()
    if path.name == "pyproject.toml":
        prefix = ("tool", "replylint")
        tool = data.get("tool")
        if tool is not None and not isinstance(tool, dict):
            raise ConfigError(f"{file_label(path)}：键 'tool' 应为表（写作 [tool.replylint] 一节），而不是 {tool!r:.40}")
        data = (tool or {}).get("replylint")
        if data is None:
            return None
        if not isinstance(data, dict):
            raise ConfigError(f"{file_label(path)}：键 'tool.replylint' 应为表（写作 [tool.replylint] 一节），"
                              f"而不是 {data!r:.40}")
    _refuse_field_names(data, path, text, prefix)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe(path, exc, source_text=text, prefix=prefix, known_keys=setting_keys)) from None


def _refuse_field_names(data, path: Path, text: str, prefix: tuple, model: type[BaseModel] = None, loc: tuple = ()) -> None:
    """A key written as the Python name (``fail_on``) instead of the documented one (``fail-on``) is a
    misspelling the model would accept (it is validated by field name too, for the command line's values):
    the file must use one spelling, the documented one."""
    from .tomlfile import key_lines, line_of

    model = model or Settings
    if not isinstance(data, dict):
        return
    for name, field in model.model_fields.items():
        if field.alias and field.alias != name and name in data:
            line = line_of(key_lines(text), prefix + loc + (name,))
            at = f"第 {line} 行：" if line else ""
            dotted = ".".join((*loc, name))
            raise ConfigError(f"{file_label(path)}：{at}键 '{dotted}'：不认识的设置项，是不是要写 '{field.alias}'？"
                              f"（设置项用连字符，不用下划线）")
        inner = field.annotation
        key = field.alias or name
        if isinstance(inner, type) and issubclass(inner, BaseModel) and isinstance(data.get(key), dict):
            _refuse_field_names(data[key], path, text, prefix, inner, loc + (key,))


__all__ = ["Settings", "WordsSettings", "SeverityName", "read_config_file", "setting_keys", "MAX_SETTING_ITEMS", "MAX_TEXT_CHARS"]
