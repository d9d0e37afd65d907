"""A memory budget per file: an input that slips past the readers' own bounds runs out of *its* budget,
as a ``MemoryError`` for that file, before it can exhaust the machine (and be killed by the kernel, taking
the batch with it) or leave the process no room to report it.

``memory_budget`` lowers the process's soft address-space limit (``RLIMIT_AS``) for the duration of one
file to what the process already has plus ``MEMORY_PER_FILE``, but always ``REPORT_ROOM`` below any limit
already in force (``ulimit -v``, a container's): when the file runs out, the budget is lifted and that
room is there for the handler, the error result and the files after it. Only the main thread of a Linux
process does this (as ``batch.time_limit``): the limit is the whole process's, and a library caller's
other threads should not feel it.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager

MiB = 1024 * 1024
MEMORY_PER_FILE = 1024 * MiB  # address space one file may add; a real letter needs well under 100 MiB
REPORT_ROOM = 64 * MiB  # kept below an outer limit: room to report a failure and go on with the batch

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _address_space() -> int | None:
    """Bytes of address space this process has mapped (VmSize), or None where /proc is not there."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split(None, 1)[0]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


def is_memory_failure(exc: BaseException) -> bool:
    """A MemoryError, or an error raised because of one (a C extension's SystemError ``returned a result
    with an exception set``, an exception raised while handling a MemoryError)."""
    for _ in range(20):  # a bounded walk: a chain may loop
        if exc is None:
            return False
        if isinstance(exc, MemoryError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


@contextmanager
def memory_budget(extra: int = MEMORY_PER_FILE):
    """Let the block add at most ``extra`` bytes of address space; past that, allocations fail (MemoryError)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not Unix
        yield
        return
    used = _address_space() if threading.current_thread() is threading.main_thread() else None
    if used is None:
        yield
        return
    previous = resource.getrlimit(resource.RLIMIT_AS)
    soft, hard = previous
    budget = used + extra
    if soft != resource.RLIM_INFINITY:
        budget = min(budget, soft - REPORT_ROOM)
    resource.setrlimit(resource.RLIMIT_AS, (max(budget, 0), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, previous)  # a syscall: needs no memory of its own


__all__ = ["MEMORY_PER_FILE", "is_memory_failure", "memory_budget"]
