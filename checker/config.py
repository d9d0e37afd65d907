"""Stage 5, filters: settings from ``replylint.toml`` or ``[tool.replylint]`` in ``pyproject.toml`` (found by
walking up from the checked file), overridden by command-line flags.

    profile = "three-grade"         # a shipped profile (three-grade, four-grade) or a path to a profile file
    select = ["ALL"]                # codes, code prefixes (RL1, RL60) or rule names
    extend-select = []
    ignore = ["signer-position"]
    fail-on = "warning"             # error | warning | info
    show-info = false               # show 提示 (info) findings in full/concise/github output
    assigned-date = "2025-03-15"    # 交办 date, for reply-deadline
    [severity]                      # per-rule severity
    signer-missing = "error"
    [per-file-ignores]              # glob (relative to the config file) → selectors
    "templates/*.txt" = ["date-missing", "RL6"]
    [words]                         # the word rules (misused-word)
    allow = ["其它科技有限公司"]        # names containing a listed form: never reported
    extra-list = "规范用语.toml"      # the organisation's own word list (relative to the config file)

Config files come with the letters (an unzipped archive), so every problem with one — unreadable, too large,
not TOML, an unknown key, an impossible date — is a ``ConfigError`` with a Chinese message naming the file,
the line or the key; ``check`` reports it and exits 2 before checking anything. A ``pyproject.toml`` is ours
when it has a ``[tool.replylint]`` table; one that cannot be read as TOML, or whose ``tool`` is not a table,
is reported when its text mentions ``replylint`` (it may then hold our settings) and skipped otherwise (a
broken pyproject of some other tool is not our business).
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from .names import printable_path
from .tomlfile import file_label, read_toml

if TYPE_CHECKING:
    from .engine import CompiledRule, RuleSet
    from .model import Severity
    from .profile import Profile
    from .settings import Settings

# The settings model (pydantic), the engine, the model and the profiles load on first use: finding config files
# and walking an archive need none of them (an audit of an unchanged archive never loads them).
from .defaults import (  # noqa: E402 - re-exported: callers know them as config's
    DEFAULT_FAIL_ON,
    DEFAULT_PROFILE,
    EARLIEST_YEAR,
    LATEST_YEAR,
    SEVERITY_RANK,
    ConfigError,
    checked_date,
    reaches_fail_level,
)


def __getattr__(name: str):
    if name in ("Settings", "read_config_file"):
        from . import settings

        return getattr(settings, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Overrides:
    """Command-line flags; ``None`` means "as configured"."""

    profile: Optional[str] = None
    select: Optional[tuple[str, ...]] = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Optional[str] = None
    assigned_date: Optional[str] = None
    show_info: Optional[bool] = None  # --show-info (None: as configured)
    config_file: Optional[str] = None
    isolated: bool = False  # ignore config files


@dataclass
class Effective:
    """Settings resolved for one config location: the rules to run, their severities, the profile."""

    settings: Settings
    source: Optional[Path]  # the config file, or None for defaults
    profile: Profile
    enabled: list[CompiledRule]
    severities: dict[str, Severity]  # rule name → severity, where it differs from the rule file
    base_dir: Path = field(default_factory=Path.cwd)
    per_file_ignores: list[tuple[str, frozenset]] = field(default_factory=list)  # glob → rule names
    words: Optional[object] = None  # the word rules' lists and allowed words (None: the shipped lists alone)
    _by_kind: dict = field(default_factory=dict)
    _enabled_names: Optional[frozenset] = None

    @property
    def enabled_names(self) -> frozenset:
        """The names of the enabled rules (made once: every letter's findings are filtered by it)."""
        if self._enabled_names is None:
            self._enabled_names = frozenset(r.rule.name for r in self.enabled)
        return self._enabled_names

    def rules_for(self, kind, role=None) -> list[CompiledRule]:
        """The enabled rules that apply to a letter kind and role (computed once per kind and role)."""
        rules = self._by_kind.get((kind, role))
        if rules is None:
            from .engine import applicable

            rules = self._by_kind[kind, role] = applicable(self.enabled, kind, role)
        return rules

    @property
    def shows_info(self) -> bool:
        """Whether the terminal formats show 提示 (info) findings: when configured or asked for (--show-info),
        and whenever they can fail the run (fail-on = "info": what makes the exit code 1 is always shown)."""
        return self.settings.show_info or self.settings.fail_on == "info"

    def ignored_for(self, path: str) -> set[str]:
        """Rule names that per-file-ignores switch off for this file (globs relative to the config file)."""
        if not self.per_file_ignores:
            return set()
        names: set[str] = set()
        matched = set(matching_globs(path, self.base_dir, [pattern for pattern, _ in self.per_file_ignores]))
        for pattern, rule_names in self.per_file_ignores:
            if pattern in matched:
                names |= rule_names
        return names


def matching_globs(path: str, base_dir: Path, patterns) -> list[str]:
    """The per-file-ignores globs that match ``path``: by its path relative to the config file's folder, or
    by its name."""
    try:
        relative = Path(os.path.abspath(path)).relative_to(base_dir.resolve()).as_posix()
    except ValueError:
        relative = Path(path).as_posix()
    name = Path(path).name
    return [p for p in patterns if fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(name, p)]


def _matching(rules: RuleSet, selectors: list[str] | tuple[str, ...], key: str) -> list[CompiledRule]:
    out = []
    for selector in selectors:
        s = selector.strip()
        if s.upper() == "ALL":
            hits = list(rules)
        elif s.upper().startswith("RL"):
            hits = [r for r in rules if r.rule.code.startswith(s.upper())]
        else:
            hits = [r for r in rules if r.rule.name == s or r.rule.title == s]
        if not hits:
            near = _did_you_mean(rules, s)
            hint = ("（replylint rules 列出全部规则）" if near else
                    "（可写规则代码如 RL101、代码前缀如 RL1、规则名如 signer-missing、标题如 缺少签发人，或 ALL；"
                    "replylint rules 列出全部规则）")
            raise ConfigError(f"{key}：{selector!r} 不对应任何规则{near}{hint}")
        out.extend(hits)
    return out


def _did_you_mean(rules: RuleSet, selector: str) -> str:
    """"，是不是要写 'signer-missing'（RL109 缺少签发人）" for a misspelt rule name, code or title; "" when none is close."""
    from .tomlfile import close_matches

    by_key = {}
    for r in rules:
        for key in (r.rule.name, r.rule.code, r.rule.title):
            by_key.setdefault(key, r)
    near = close_matches(selector, list(by_key), n=2, cutoff=0.8)
    if not near:
        return ""
    shown = [f"'{key}'（{by_key[key].rule.code} {by_key[key].rule.title}）" if key != by_key[key].rule.code
             else f"'{key}'（{by_key[key].rule.title}）" for key in near]
    return "，是不是要写 " + " 或 ".join(shown) + "？"


def resolve(settings: Settings, source: Optional[Path], overrides: Overrides) -> Effective:
    from pydantic import ValidationError

    from .engine import load_rules
    from .model import Severity
    from .profile import ProfileError, load_profile
    from .settings import Settings
    from .tomlfile import describe

    from_file = settings
    data = settings.model_dump()
    if overrides.profile is not None:
        data["profile"] = overrides.profile
    if overrides.select is not None:
        data["select"] = list(overrides.select)
    data["extend_select"] = list(settings.extend_select) + list(overrides.extend_select)
    data["ignore"] = list(settings.ignore) + list(overrides.ignore)
    if overrides.fail_on is not None:
        data["fail_on"] = overrides.fail_on
    if overrides.assigned_date is not None:
        data["assigned_date"] = overrides.assigned_date
    if overrides.show_info is not None:
        data["show_info"] = overrides.show_info
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:  # the file's own values were valid when it was read: a flag is wrong
        flags = {name: "--" + name.replace("_", "-") for name in data}
        raise ConfigError(describe("命令行", exc, key_names=flags)) from None
    base_dir = source.parent if source else Path.cwd()

    def where(key: str, from_flag: bool) -> str:  # whom a message blames: the flag, or the file's key
        if from_flag or source is None:
            return f"命令行 --{key.split('.', 1)[0]}"
        line = _line_of_key(source, key)
        return f"{file_label(source)}：{f'第 {line} 行：' if line else ''}键 '{key}'"

    def matching(key: str, in_file, in_flags) -> list[CompiledRule]:
        return _matching(rules, in_file, where(key, False)) + _matching(rules, in_flags, where(key, True))

    rules = load_rules()
    selected = {id(r): r for r in _matching(rules, settings.select, where("select", overrides.select is not None))}
    selected.update({id(r): r for r in matching("extend-select", from_file.extend_select, overrides.extend_select)})
    for r in matching("ignore", from_file.ignore, overrides.ignore):
        selected.pop(id(r), None)
    severities = {}
    for name, level in settings.severity.items():
        for r in _matching(rules, [name], where(f"severity.{name}", False)):
            severities[r.rule.name] = Severity(level)
    per_file = [(pattern, frozenset(r.rule.name for r in _matching(rules, selectors, where(f"per-file-ignores.{pattern}", False))))
                for pattern, selectors in settings.per_file_ignores.items()]
    try:
        profile = load_profile(settings.profile, str(base_dir))
    except ProfileError as exc:
        raise ConfigError(f"{where('profile', overrides.profile is not None)}：{exc}{_profile_hint(settings.profile)}") from None
    enabled = sorted(selected.values(), key=lambda r: r.rule.code)
    words = None
    if settings.words.allow or settings.words.extra_list:
        from .engine.language import word_settings

        words = word_settings(list(settings.words.allow), settings.words.extra_list, base_dir,
                              where("words.extra-list", False), ConfigError)
    return Effective(settings=settings, source=source, profile=profile, enabled=enabled, severities=severities,
                     base_dir=base_dir, per_file_ignores=per_file, words=words)


def _profile_hint(name: str) -> str:
    """"；是不是要写 'national'？" for a misspelt shipped profile name ("" for a path or nothing close)."""
    from .profile import builtin_profiles
    from .tomlfile import close_matches

    if name.endswith(".toml") or "/" in name or "\\" in name:
        return ""
    near = close_matches(name, builtin_profiles(), n=1, cutoff=0.75)
    return f"；是不是要写 '{near[0]}'？" if near else ""


def _line_of_key(source: Path, key: str) -> Optional[int]:
    """The line of a config file's key (``severity.signer-missng``), for a message about its value."""
    from .tomlfile import key_lines, line_of, read_text_file

    try:
        text = read_text_file(source, ConfigError, what="配置文件")
    except ConfigError:
        return None
    first, _, rest = key.partition(".")
    loc = (first, rest) if rest else (first,)
    prefix = ("tool", "replylint") if source.name == "pyproject.toml" else ()
    return line_of(key_lines(text), prefix + loc)


def find_config(directory: str) -> Optional[Path]:
    """The nearest replylint.toml, or pyproject.toml with [tool.replylint], walking up from ``directory``."""
    current = Path(directory).resolve()
    for folder in (current, *current.parents):
        for name in ("replylint.toml", "pyproject.toml"):
            candidate = folder / name
            if name == "replylint.toml" and os.path.lexists(candidate):  # whatever it is: reading it says what
                return candidate
            if name == "pyproject.toml" and os.path.isfile(candidate) and _concerns_us(candidate):
                return candidate
    return None


def _concerns_us(pyproject: Path) -> bool:
    """Whether a pyproject.toml holds (or, broken, may hold) our settings: see the module docstring."""
    try:
        tool = read_toml(pyproject, ConfigError, what="配置文件").get("tool")
    except ConfigError:
        return _mentions_us(pyproject)
    if isinstance(tool, dict):
        return "replylint" in tool
    return tool is not None and _mentions_us(pyproject)


def _mentions_us(path: Path) -> bool:
    from .limits import MAX_CONFIG_BYTES
    from .sources import SourceError, read_file_bytes

    try:
        data = read_file_bytes(path, limit=MAX_CONFIG_BYTES, what="配置文件")
    except (SourceError, ValueError):
        return False
    return any(word.encode(encoding) in data for word in ("replylint",) for encoding in ("ascii", "utf-16-le", "utf-16-be"))


class Configurator:
    """Effective settings per file: config files are found by walking up, read once, resolved once."""

    def __init__(self, overrides: Overrides = Overrides()):
        self.overrides = overrides
        self._cache: dict[Optional[Path], Effective] = {}
        self._found: dict[str, Optional[Path]] = {}  # directory → its config file (a batch asks per file)
        self._settings: dict[Path, Optional[Settings]] = {}
        if overrides.config_file:
            path = Path(overrides.config_file)
            if not os.path.isfile(path):
                raise ConfigError(f"配置文件 {printable_path(str(path))} 不存在或不是普通文件")
            self._fixed: Optional[Path] = path
        else:
            self._fixed = None

    def source_for(self, path: str) -> Optional[Path]:
        """The config file that applies to ``path`` (None: the defaults); found once per folder."""
        if self.overrides.isolated:
            return None
        if self._fixed is not None:
            return self._fixed
        directory = os.path.dirname(os.path.abspath(path)) if path not in ("-", "<stdin>") else os.getcwd()
        if directory not in self._found:
            self._found[directory] = find_config(directory)
        return self._found[directory]

    def settings_for(self, source: Optional[Path]) -> Optional[Settings]:
        """The settings a config file holds, read once (None: no file, or a pyproject.toml without a
        [tool.replylint] table). Raises ``ConfigError`` for a broken file."""
        if source is None:
            return None
        if source not in self._settings:
            from .settings import read_config_file

            self._settings[source] = read_config_file(source)
        return self._settings[source]

    def for_path(self, path: str) -> Effective:
        source = self.source_for(path)
        if source not in self._cache:
            from .settings import Settings

            self._cache[source] = resolve(self.settings_for(source) or Settings(), source, self.overrides)
        return self._cache[source]

    def sources(self) -> list[Path]:
        """The config files found so far (for files the run must not overwrite)."""
        found = {source for source in self._found.values() if source is not None}
        return sorted(found | ({self._fixed} if self._fixed is not None else set()))

    def prepare(self, paths) -> None:
        """Find, read and resolve the config file of every one of ``paths`` now (once per folder), so that a
        broken config file deep in an archive stops the run with its message before any letter is checked,
        instead of surfacing in the middle of a batch or in a worker process. Raises ``ConfigError``."""
        for path in paths:
            self.for_path(path)


__all__ = ["Overrides", "Effective", "Configurator", "ConfigError", "checked_date", "EARLIEST_YEAR", "LATEST_YEAR", "find_config", "matching_globs", "DEFAULT_PROFILE",
           "DEFAULT_FAIL_ON", "SEVERITY_RANK", "reaches_fail_level"]
