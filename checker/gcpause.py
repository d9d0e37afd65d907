"""Pausing the cyclic garbage collector while a batch builds many long-lived objects."""

from __future__ import annotations

import gc
from contextlib import contextmanager


_pauses: list[bool] = []  # one entry per batch_gc in force


@contextmanager
def batch_gc():
    """Pause automatic cyclic garbage collection for a batch.

    A letter makes about a hundred acyclic objects, and a batch keeps every result alive for the report;
    automatic collections would rescan all of them again and again (measured: half the throughput on
    2,000 letters). Reference counting still frees everything dropped; nothing the checker makes per
    letter is cyclic, so nothing accumulates while the collector rests."""
    was_enabled = gc.isenabled()
    gc.disable()
    _pauses.append(True)
    try:
        yield
    finally:
        _pauses.pop()
        if was_enabled:
            # Everything allocated meanwhile still counts as "young": re-enabling as is would make the next
            # allocation scan it all at once (measured: ~80 µs per letter of the batch). Freezing then
            # unfreezing files it with the old objects, where collections are rare; nothing is leaked.
            gc.freeze()
            gc.unfreeze()
            gc.enable()
        elif not _pauses:
            gc.unfreeze()  # what set_aside froze


def set_aside() -> None:
    """Within a batch, put everything made so far out of the collector's sight (the batch keeps it for the
    report anyway), so that ``gc.collect()`` after a failed file scans that file's objects only, not the
    whole batch's (measured: 300 ms after 2,000 letters). O(1); the end of ``batch_gc`` gives them back."""
    if _pauses and not gc.isenabled():  # a worker process inherits the list, but collects as usual
        gc.freeze()


__all__ = ["batch_gc", "set_aside"]
