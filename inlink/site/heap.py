"""Giving freed memory back to the system while a large file is imported.

Why: glibc's malloc keeps what is freed inside its heaps for reuse, and after the first large block is
freed it serves blocks up to that size from the heaps instead of fresh mappings. An import frees a steady
stream of such blocks (the CSV reader's blocks once converted, each HTML cell's tree once parsed) between
the strings it keeps, so the freed space cannot be reused for the next, larger string and the resident set
grows well past what is alive (docs corpus pages: 3.6x the file's size resident for 2.2x alive;
bench/bench_import.py). malloc_trim(0) hands the free pages back; calling it every few megabytes of input
keeps the resident set near the live size for about 1 ms a call. No library offers this (it is one libc
call), hence the small helper; where the C library has no malloc_trim (not glibc), it does nothing.
"""
from __future__ import annotations

import ctypes
import functools

TRIM_EVERY = 1 << 20   # bytes of input between two trims


@functools.cache
def _malloc_trim():
    """glibc's malloc_trim, or None elsewhere."""
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def trim() -> None:
    """Hand the heaps' free pages back to the system now (after a large temporary has been freed)."""
    malloc_trim = _malloc_trim()
    if malloc_trim is not None:
        malloc_trim(0)


class HeapTrimmer:
    """Counts the bytes an import has worked through and trims the heaps every TRIM_EVERY of them."""

    def __init__(self, every: int = TRIM_EVERY):
        self.every, self.pending = every, 0

    def processed(self, size: int) -> None:
        self.pending += size
        if self.pending >= self.every:
            self.pending = 0
            trim()
