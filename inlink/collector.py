"""Python's cyclic garbage collector paused while a step builds many objects that all stay alive.

Why: building the link index (or restoring it from saved state) creates a few hundred thousand small
containers (phrases, their dicts and tuples, blocks); their allocations trigger collections, and the full ones
walk every object the process holds (pandas, the parsed site...) to find nothing to free: on the docs corpus
two full collections cost a quarter of the index step. Reference counting still frees everything that is not
in a cycle meanwhile.

Pauses may overlap (two jobs build their indexes on two threads): the collector is resumed when the last one
ends, and only if it was running when the first began (a process that turned it off keeps it off).

Once built, the index stays alive for the whole run, yet the first collections after it walked it all (young,
then middle-aged, nothing to free: 20-45 ms of a docs job's pages). frozen_for_run() moves every object the
process tracks to the collector's permanent generation (gc.freeze) until the run ends (thawed(): the last run
to end unfreezes them, and the next full collection frees whatever cyclic garbage they became meanwhile).
"""
from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

_lock = threading.Lock()
_pauses = 0
_resume = False   # whether the collector was running when the first of the current pauses began


@contextmanager
def paused() -> Iterator[None]:
    global _pauses, _resume
    with _lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()


_frozen = 0   # runs between frozen_for_run() and their thawed()


def frozen_for_run() -> None:
    """Freeze what the process holds now (a run's built index) until the run calls thawed()."""
    global _frozen
    with _lock:
        _frozen += 1
        gc.freeze()


def thawed() -> None:
    """A run that froze has ended: when no other frozen run is left, every frozen object is collectable again."""
    global _frozen
    with _lock:
        _frozen = max(0, _frozen - 1)
        if _frozen == 0:
            gc.unfreeze()
