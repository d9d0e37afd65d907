"""The registry of named checks (``check = { kind = "python", function = "…" }``): ``NAMED`` and the
``@named`` decorator, below every module that defines named checks (named.py and the modules it imports,
such as language.py), so that none of them imports another to register."""

from __future__ import annotations

from typing import Callable

NAMED: dict[str, Callable] = {}


def named(fn: Callable) -> Callable:
    NAMED[fn.__name__] = fn
    return fn


__all__ = ["NAMED", "named"]
