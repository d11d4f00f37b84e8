"""Python's cyclic garbage collector paused while a step builds many objects that all stay alive.

Why: building the link index (or restoring it from saved state) creates a few hundred thousand small
containers (phrases, their dicts and tuples, blocks); their allocations trigger collections, and the full ones
walk every object the process holds (pandas, the parsed site...) to find nothing to free: on the docs corpus
two full collections cost a quarter of the index step. Reference counting still frees everything that is not
in a cycle meanwhile.

Pauses may overlap (two jobs build their indexes on two threads): the collector is resumed when the last one
ends, and only if it was running when the first began (a process that turned it off keeps it off).
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
