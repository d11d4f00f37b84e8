"""Waiting on a condition with a timeout: the one way tests synchronise with background work (no bare sleeps)."""
from __future__ import annotations

import threading
import time
from typing import Callable


def wait_for(condition: Callable[[], object], timeout: float = 60.0, what: str = "condition"):
    """Poll `condition` until it returns something truthy and return that; fail the test after `timeout` s.

    The default is generous on purpose: it only bounds a failing test, and a loaded CI machine may take many
    seconds to import and index before a job reaches the state a test waits for."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        pause.wait(0.01)
