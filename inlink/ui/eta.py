"""Time left from a recent window of pages, as this browser tab saw them advance.

The engine's rate (Job.progress: what `jobs status` shows) averages over every page of the current run since its
pages began; when the pace changes (a slow part of a site, Gemini's rate limit, a second core joining) it answers
late, and before the engine measured from the first page rather than the run's start, the first "time left" came out
at minutes for a job that ended seconds later. The panel therefore keeps, per tab and job, the
(time, pages done) it saw at each refresh, and estimates from the last WINDOW_PAGES pages or WINDOW_S
seconds, whichever is shorter, but never fewer than the last two counts it saw (a job doing more than WINDOW_PAGES
pages between two refreshes had no estimate at all); until it has seen MIN_PAGES pages advance the panel shows
"…".
"""
from __future__ import annotations

WINDOW_PAGES = 30
WINDOW_S = 60.0
MIN_PAGES = 2
MAX_SAMPLES = WINDOW_PAGES + 2       # the window never needs more


def observe(samples: list[tuple[float, int]], now: float, done: int) -> list[tuple[float, int]]:
    """The samples with (now, done) added when the count moved; a count that went back starts afresh."""
    if samples and done < samples[-1][1]:
        samples = []
    if not samples or samples[-1][1] != done:
        samples = [*samples, (now, done)][-MAX_SAMPLES:]
    return samples


def recent_rate(samples: list[tuple[float, int]], now: float) -> float | None:
    """Pages per second from the first page boundary in the window until now; None until MIN_PAGES pages
    were seen advancing. The first sample is not a boundary (the tab does not know when that count was
    reached), so neither preparation time nor the time before the tab opened is counted."""
    boundaries = samples[1:]
    if not boundaries:
        return None
    last_done = samples[-1][1]
    recent = [(when, done) for when, done in boundaries
              if now - when <= WINDOW_S and last_done - done <= WINDOW_PAGES]
    if len(recent) < 2:   # a fast job moves more than WINDOW_PAGES a refresh: the last two boundaries, never one
        recent = boundaries[-2:]
    start, start_done = recent[0]
    pages, seconds = last_done - start_done, now - start
    if pages < MIN_PAGES or seconds <= 0:
        return None
    return pages / seconds


def time_left(samples: list[tuple[float, int]], now: float, done: int, total: int) -> float | None:
    rate = recent_rate(samples, now)
    return (total - done) / rate if rate and total >= done else None
