"""Rule titles (缺少签发人) for the reporters, looked up by rule code.

A ``Diagnostic`` carries its code and name, not its title: results from worker processes stay as small as
they were, and the parser's own findings (RL001–RL004) need no engine. Every reporter asks here instead;
the catalogue is the one the run already loaded (``load_rules`` is cached), read into a dict once.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Optional


@lru_cache(maxsize=1)
def rule_titles() -> dict[str, str]:
    """code → title for every rule of the catalogue ({} when the rule files cannot be loaded: a report is
    still written, without titles)."""
    from ..engine import load_rules
    from ..errors import RuleFileError

    try:
        return {compiled.rule.code: compiled.rule.title for compiled in load_rules()}
    except RuleFileError:
        return {}


def title_of(code: str) -> Optional[str]:
    return rule_titles().get(code)


def labelled(code: str, name: Optional[str] = None) -> str:
    """``RL109 缺少签发人`` (with ``name``: ``RL109 缺少签发人 signer-missing``); the code alone for a code the
    catalogue does not know."""
    parts = [code, title_of(code), name]
    return " ".join(part for part in parts if part)


__all__ = ["rule_titles", "title_of", "labelled"]
