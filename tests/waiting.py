"""Waiting on a condition with a timeout: the one way tests synchronise with background work (no bare sleeps)."""
from __future__ import annotations

import threading
import time
from typing import Callable


def wait_for(condition: Callable[[], object], timeout: float = 10.0, what: str = "condition"):
    """Poll `condition` until it returns something truthy and return that; fail the test after `timeout` s."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        pause.wait(0.01)
