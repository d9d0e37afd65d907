"""Rule-set versions: which stored results are still valid for a file.

A stored result is keyed by the SHA-256 of the file's bytes and a *rule-set version*: a hash of everything
that decides what ``check`` says about those bytes:

* the tool: its version and the source of the checker package (so an edited checker in a checkout does not
  serve stale results), the grammar and every file under ``rules/`` (rule files, shipped profiles);
* the effective settings for the file's folder: the config file's settings as read, the command-line
  overrides, and the content of a custom profile file;
* for the file itself: its extension (it chooses the reader) and the ``per-file-ignores`` patterns it matches.

The version is computed from these inputs without compiling the rule catalogue (``load_rules`` costs about
0.3 s), so that re-auditing an unchanged archive stays fast. Config discovery mirrors
``Configurator.for_path``; a config file that is broken is reported here too (``ConfigError``).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Optional

from .. import __version__
from ..config import DEFAULT_FAIL_ON, DEFAULT_PROFILE, Configurator, matching_globs
from ..limits import MAX_CONFIG_BYTES
from ..resources import data_dir

_PACKAGE = Path(__file__).resolve().parent.parent


def _hash_tree(h, root: Path, pattern: str = "*", skip: tuple[str, ...] = ()) -> None:
    for path in sorted(p for p in root.rglob(pattern) if p.is_file()):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(skip) or "__pycache__" in relative:
            continue
        h.update(relative.encode("utf-8") + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")


@lru_cache(maxsize=1)
def base_version() -> str:
    """The tool part of every rule-set version: version, checker source, grammar, rules/ (with profiles)."""
    h = hashlib.sha256(f"replylint {__version__}\0".encode())
    _hash_tree(h, _PACKAGE, "*.py", skip=("audit/",))  # the audit package does not change what check finds
    for name in ("grammar", "rules"):
        try:
            _hash_tree(h, data_dir(name))
        except FileNotFoundError:
            h.update(f"no {name}".encode())
    return h.hexdigest()


def _file_digest(path: Path) -> str:
    """The profile file's content (a regular file, bounded: a pipe named like a profile cannot hang the audit;
    the checker then reports what is wrong with it)."""
    from ..sources import SourceError, read_file_bytes

    try:
        return hashlib.sha256(read_file_bytes(path, MAX_CONFIG_BYTES)).hexdigest()
    except SourceError:
        return "unreadable"


def _version(signature: str, extra: str) -> str:
    # a file name that is not UTF-8 reaches us with surrogates: hashed as they are, never refused
    return hashlib.sha256(f"{signature}\0{extra}".encode("utf-8", "surrogatepass")).hexdigest()[:32]


class Fingerprints:
    """Rule-set version and fail level per file, for the settings a ``Configurator`` finds (the same one the
    audit then checks with: config files are looked up and read once)."""

    def __init__(self, configurator: Configurator):
        self.configurator = configurator
        overrides = self.overrides = configurator.overrides
        self.base = base_version()
        self._found: dict[str, Optional[Path]] = {}
        self._sources: dict[Optional[Path], tuple[str, str, dict, Path]] = {}
        self._versions: dict[tuple[str, str], str] = {}
        # only the flags that change results; where the config file was found is covered by its content
        flags = {k: v for k, v in asdict(overrides).items() if k not in ("config_file", "isolated")}
        self._flags = json.dumps(flags, sort_keys=True, ensure_ascii=False, default=list)

    def _source(self, path: str) -> Optional[Path]:
        folder = os.path.dirname(path)  # as written: files of one folder share it, so abspath runs once per folder
        if folder not in self._found:
            self._found[folder] = self.configurator.source_for(path)
        return self._found[folder]

    def _for_source(self, source: Optional[Path]) -> tuple[str, str, dict, Path]:
        known = self._sources.get(source)
        if known is not None:
            return known
        settings = self.configurator.settings_for(source)  # ConfigError when broken
        base_dir = source.parent if source else Path.cwd()
        # Without a config file the defaults apply; they are part of the checker's source, which base_version
        # hashes, so no settings object (nor pydantic) is needed to name them.
        profile = self.overrides.profile or (settings.profile if settings else DEFAULT_PROFILE)
        profile_digest = _file_digest(base_dir / profile) if profile.endswith(".toml") else "shipped"
        fail_on = self.overrides.fail_on or (settings.fail_on if settings else DEFAULT_FAIL_ON)
        per_file_ignores = settings.per_file_ignores if settings else {}
        h = hashlib.sha256()
        for part in (self.base, settings.model_dump_json() if settings else "defaults", self._flags, profile,
                     profile_digest):
            h.update(part.encode("utf-8") + b"\0")
        known = self._sources[source] = (h.hexdigest(), fail_on, per_file_ignores, base_dir)
        return known

    def for_path(self, path: str) -> tuple[str, str]:
        """(rule-set version, fail-on level) for a file."""
        signature, fail_on, per_file_ignores, base_dir = self._for_source(self._source(path))
        extra = os.path.splitext(path)[1].lower()
        if not per_file_ignores:
            key = (signature, extra)
            version = self._versions.get(key)
            if version is None:
                version = self._versions[key] = _version(signature, extra)
            return version, fail_on
        matched = sorted(matching_globs(path, base_dir, per_file_ignores))
        extra += "\0" + "\0".join(matched)
        return _version(signature, extra), fail_on


__all__ = ["Fingerprints", "base_version"]
