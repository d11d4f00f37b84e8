"""Client-side pacing for a remote API: a requests-per-minute limiter and the retry backoff policy.

Kept apart from the Gemini engine so the math can be tested with an injected clock and no network.
"""
from __future__ import annotations

import random
import re
import threading
import time
from collections import deque
from typing import Callable

_DURATION = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*s\s*$")


class RateLimiter:
    """At most `rpm` requests start in any sliding window of `window_s` seconds, across threads.

    Each caller reserves the earliest free start time under a lock, then waits OUTSIDE the lock, so callers are
    served first come, first served and none holds the others up while it waits.
    """

    def __init__(self, rpm: int, window_s: float = 60.0, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if rpm < 1:
            raise ValueError(f"rpm must be at least 1, not {rpm!r}")
        self.rpm = rpm
        self.window_s = window_s
        self._clock = clock
        self._sleep = sleep
        self._starts: deque[float] = deque(maxlen=rpm)   # the last `rpm` reserved start times
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Book the next start time (now, or when the oldest of the last `rpm` starts leaves the window)."""
        with self._lock:
            now = self._clock()
            start = now
            if len(self._starts) == self.rpm:
                start = max(now, self._starts[0] + self.window_s)
            self._starts.append(start)
            return start

    def acquire(self) -> float:
        """Wait for a slot; returns the seconds waited."""
        wait = self.reserve() - self._clock()
        if wait > 0:
            self._sleep(wait)
        return max(wait, 0.0)


def backoff_delay(attempt: int, base_s: float, max_s: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with full jitter: uniform(0, min(max_s, base_s * 2**attempt)), attempt from 0.

    Full jitter spreads retries of many clients (or threads) hit by the same outage over the whole interval.
    """
    ceiling = min(max_s, base_s * (2 ** attempt))
    return (rng or random).uniform(0, ceiling)


def parse_duration(text: object) -> float | None:
    """A protobuf Duration as JSON ("12s", "1.5s", "0.250s") in seconds; None when it is not one."""
    match = _DURATION.match(str(text)) if text is not None else None
    return float(match.group(1)) if match else None
