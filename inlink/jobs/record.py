"""The job record: one typed object for what `<id>.json` holds (in the spirit of RQ's Job).

The engine reads and writes typed fields instead of string keys; the file on disk keeps its JSON shape and key
order (`to_dict`), and an older or newer file still loads (`from_dict`: missing keys take their defaults,
unknown keys are kept in `extra` and written back).
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import Any, Mapping

from inlink.jobs.state import JobStatus

ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.PAUSED)   # a job the user may still act on
ETA_STEP_S = 0.1   # an ETA is given to a tenth of a second; work left is at least one step


def percentage_of(done: int, total: int | None) -> float:
    """Items done as a share of the total, in percent to two places (0 without a total): one rule for the
    metadata a run writes, a reader's refresh from the checkpoint log and the progress it computes."""
    return round(100.0 * done / total, 2) if total else 0.0


@dataclass
class Job:
    job_id: str
    task: str
    label: str = ""
    status: JobStatus = JobStatus.QUEUED
    created_at: str | None = None          # ISO-8601 UTC strings (utc_now_iso) or None
    started_at: str | None = None
    updated_at: str | None = None
    completed_at: str | None = None
    paused_at: str | None = None
    stopped_at: str | None = None
    total_items: int | None = None
    items_done: int = 0
    items_ahead: int = 0                   # items the run finished past its last checkpoint, not committed yet (a
                                           # task's second core): they count in the rate and time left only
    progress_percentage: float = 0.0
    current_step: str | None = None
    current_step_index: int = 0
    total_steps: int = 0
    steps: list[str] = field(default_factory=list)
    last_successful_step: str | None = None
    failed_step: str | None = None
    error: dict | None = None              # {"type", "message"}
    can_resume: bool = False
    attempts: int = 0
    owner: dict | None = None              # {"pid", "host", "heartbeat", "token", "started"} while running
    rows_written: int = 0
    counters: dict = field(default_factory=dict)
    config: dict = field(default_factory=dict)
    summary: dict | None = None
    message: str = ""                      # a plain sentence for the user, e.g. why it paused
    result_columns: list[str] = field(default_factory=list)
    numeric_columns: list[str] | None = None   # Task.numeric_columns; None: a job made before, its types guessed
    requested_action: str | None = None    # pause/stop/delete asked by any process, applied by the owner
    resume_reason: str | None = None
    active_seconds: float = 0.0            # working time of the finished sessions
    run_started_epoch: float | None = None  # start of the current session (None when not running)
    session_items_start: int = 0
    items_started_epoch: float | None = None  # when the current session's items began (its preparation done)
    items_started_done: int = 0               # items done then
    recoveries: int = 0                    # takeovers in a row without progress (crash-loop cap)
    recovery_progress_mark: int = -1
    recovery_step_mark: int | None = None   # preparation steps finished at the last recovery
    inputs: list[str] = field(default_factory=list)   # the input files' names it was made with (missing_inputs)
    extra: dict = field(default_factory=dict)   # keys this version does not know: kept as they are

    # -- (de)serialisation --------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Job:
        """A Job from `<id>.json` (or get()'s dict): the status must be valid; `progress` is dropped."""
        known = {name: data[name] for name in _FIELD_NAMES if name in data and name != "extra"}
        known["status"] = JobStatus(data["status"])
        for name, default in _NOT_NONE.items():
            if known.get(name, 0) is None:
                known[name] = default()
        extra = {k: v for k, v in data.items() if k not in _FIELD_NAMES and k != "progress"}
        return cls(**known, extra=extra)

    def to_dict(self) -> dict:
        """The JSON-ready dict, keys in the order the file has always had (status as its string value)."""
        out = {name: getattr(self, name) for name in _FIELD_NAMES if name != "extra"}
        out["status"] = self.status.value
        out.update(self.extra)
        return out

    def update(self, **changes: Any) -> None:
        """Set several fields at once; an unknown name is a bug, not a new key."""
        for name, value in changes.items():
            if name not in _FIELD_NAMES:
                raise AttributeError(f"Job has no field {name!r}")
            setattr(self, name, JobStatus(value) if name == "status" else value)

    # -- derived figures ----------------------------------------------------------------------
    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def owner_token(self) -> str | None:
        return (self.owner or {}).get("token")

    def close_session(self, items_done: int | None = None, ended: float | None = None) -> None:
        """Add the running time of the session that just ended (at `ended`, default now) to active_seconds."""
        if self.run_started_epoch:
            end = time.time() if ended is None else ended
            self.active_seconds = float(self.active_seconds or 0) + max(0.0, end - float(self.run_started_epoch))
        self.run_started_epoch = None
        self.items_ahead = 0                  # the session's uncommitted work ended with it
        if items_done is not None:
            self.items_done = items_done

    def progress(self, now: float | None = None) -> dict:
        """items done/total, percentage, rate, ETA and elapsed (paused and stuck time excluded)."""
        now = time.time() if now is None else now
        done, total = int(self.items_done or 0), self.total_items
        elapsed, rate, ahead = float(self.active_seconds or 0.0), None, 0
        if self.status is JobStatus.RUNNING and self.run_started_epoch:
            session = max(now - float(self.run_started_epoch), 0.0)
            elapsed += session
            ahead = int(self.items_ahead or 0)
            session_items = done + ahead - int(self.session_items_start or 0)
            rate = session_items / session if session > 0 and session_items > 0 else None
            rate = self._items_rate(now, done + ahead) or rate
        elif elapsed > 0 and done:
            rate = done / elapsed
        if total:
            percentage = percentage_of(done, total)
        else:
            percentage = 100.0 if self.status is JobStatus.COMPLETED else 0.0
        left = max(0, total - done - ahead) if total is not None and total >= done else None
        eta = left / rate if rate and left is not None else None
        if eta is not None:   # work left is never "0.0 s" left (fast items once rounded to it)
            eta = max(round(eta, 1), ETA_STEP_S) if total > done else 0.0
        return {"items_done": done, "total_items": total, "percentage": percentage,
                "rate_per_s": round(rate, 3) if rate else None, "eta_s": eta, "elapsed_s": round(elapsed, 1)}

    def _items_rate(self, now: float, done: int) -> float | None:
        """Items a second since this session's items began: the session's rate counts its preparation too
        (reading the crawl, building the index), so right after a start the ETA of a 497-page job that ended 3 s
        later read 3,096 s. None before this session's items began, or before one of them is done."""
        began = self.items_started_epoch
        if not began or not self.run_started_epoch or float(began) < float(self.run_started_epoch):
            return None              # a previous session's
        items, seconds = done - int(self.items_started_done or 0), now - float(began)
        return items / seconds if items > 0 and seconds > 0 else None

    def public(self) -> dict:
        """What JobManager.get() returns: the metadata plus the computed `progress`."""
        return {**self.to_dict(), "progress": self.progress()}


_FIELD_NAMES = tuple(f.name for f in dataclasses.fields(Job))
# Fields whose null in an old or hand-edited file means "the default" (the code adds to or indexes them).
_NOT_NONE = {"items_done": int, "items_ahead": int, "attempts": int, "rows_written": int, "counters": dict, "config": dict,
             "active_seconds": float, "session_items_start": int, "recoveries": int, "label": str,
             "message": str, "steps": list, "result_columns": list, "current_step_index": int,
             "total_steps": int, "progress_percentage": float, "can_resume": bool, "inputs": list}
