"""Durable background jobs: the public API (see docs/architecture.md section 1).

JobManager ties the pieces together:
  jobstate.py   statuses, transitions, errors        jobstore.py   metadata, events, locks, listing
  jobresults.py results + checkpoint log (exactly once) jobrunner.py  runs one job on a thread
  jobtask.py    Task, TaskContext, registry
A scheduler thread per manager starts queued jobs (FIFO, capped across processes), recovers jobs
whose owner process died, relays pause/stop/delete requests to its runners within ~0.2 s and writes
their progress and heartbeat about once a second.
"""
from __future__ import annotations

import contextlib
import json
import os
import threading
import time
import uuid
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from jobresults import (committed_length, header_bytes, last_checkpoint, read_results,
                        results_csv_bytes)
from jobrunner import JobRunner, Outcome
from jobstate import (FINISHED_STATUSES, TERMINAL_STATUSES, InvalidJobId, InvalidJobOperation,
                      ItemError, JobError, JobNotFound, JobStatus, PauseJob, SecretInConfig,
                      StorageError, UnknownTask, check_transition, iso_to_epoch, new_job_id,
                      secret_keys, utc_now_iso, validate_job_id)
from jobstore import JobStore, atomic_write_bytes, owner_alive, owner_record
from jobtask import Task, TaskContext, get_task, is_registered, register_task, registered_tasks

__all__ = ["JobStatus", "TERMINAL_STATUSES", "JobError", "JobNotFound", "InvalidJobId",
           "InvalidJobOperation", "SecretInConfig", "UnknownTask", "StorageError", "ItemError",
           "PauseJob", "TaskContext", "Task", "register_task", "registered_tasks", "JobManager"]

_TICK = 0.2            # control requests reach a runner within this
_SCAN_EVERY = 0.5      # how often the folder is scanned for queued/orphaned jobs
_DELETE_WAIT = 10.0    # how long delete() waits for another process to release a running job


def _new_metadata(job_id: str, task: Task, config: dict, label: str) -> dict:
    steps = tuple(task.steps)
    return {
        "job_id": job_id, "task": task.name, "label": label, "status": JobStatus.QUEUED.value,
        "created_at": utc_now_iso(), "started_at": None, "updated_at": None, "completed_at": None,
        "paused_at": None, "stopped_at": None, "total_items": None, "items_done": 0,
        "progress_percentage": 0.0, "current_step": steps[0], "current_step_index": 0,
        "total_steps": len(steps), "steps": list(steps), "last_successful_step": None,
        "failed_step": None, "error": None, "can_resume": False, "attempts": 0, "owner": None,
        "rows_written": 0, "counters": {}, "config": config, "summary": None,
        "message": "Queued: waiting for a free slot.", "result_columns": list(task.result_columns),
        "requested_action": None, "resume_reason": None, "active_seconds": 0.0,
        "run_started_epoch": None, "session_items_start": 0, "recoveries": 0,
        "recovery_progress_mark": -1,
    }


def compute_progress(meta: Mapping, now: float | None = None) -> dict:
    """items done/total, percentage, rate, ETA and elapsed (paused time excluded)."""
    now = time.time() if now is None else now
    done, total = int(meta.get("items_done") or 0), meta.get("total_items")
    elapsed = float(meta.get("active_seconds") or 0.0)
    rate = None
    started = meta.get("run_started_epoch")
    if meta.get("status") == JobStatus.RUNNING.value and started:
        session = max(now - float(started), 0.0)
        elapsed += session
        session_items = done - int(meta.get("session_items_start") or 0)
        rate = session_items / session if session > 0 and session_items > 0 else None
    elif elapsed > 0 and done:
        rate = done / elapsed
    if total:
        percentage = round(100.0 * done / total, 2)
    else:
        percentage = 100.0 if meta.get("status") == JobStatus.COMPLETED.value else 0.0
    eta = (total - done) / rate if rate and total is not None and total >= done else None
    return {"items_done": done, "total_items": total, "percentage": percentage,
            "rate_per_s": round(rate, 3) if rate else None,
            "eta_s": round(eta, 1) if eta is not None else None, "elapsed_s": round(elapsed, 1)}


def _public(meta: Mapping) -> dict:
    out = dict(meta)
    out["progress"] = compute_progress(meta)
    return out


class JobManager:
    def __init__(self, jobs_dir: str | Path | None = None, max_running: int = 2,
                 durability: str = "crash", heartbeat_interval: float = 1.0,
                 stale_after: float = 15.0, autostart: bool = True, max_recoveries: int = 3):
        if durability not in ("crash", "power"):
            raise ValueError(f"durability must be 'crash' or 'power', not {durability!r}")
        root = jobs_dir or os.environ.get("INLINK_JOBS_DIR") or "jobs"
        self.store = JobStore(root)
        self.jobs_dir = self.store.root
        self.max_running = max(1, int(max_running))
        self.durability = durability
        self.heartbeat_interval = float(heartbeat_interval)
        self.stale_after = float(stale_after)
        self.max_recoveries = int(max_recoveries)
        self._runners: dict[str, JobRunner] = {}
        self._unwritten: dict[str, tuple[JobRunner, Outcome]] = {}   # final states to retry
        self._secrets: dict[str, dict] = {}
        self._lock = threading.RLock()
        self._changed = threading.Condition()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.store.clean_temp_files()
        if autostart:
            self.start()

    # ================================================================ lifecycle
    def start(self) -> None:
        """Start the scheduler thread (idempotent): recovers orphans, then starts queued jobs."""
        with self._lock:
            if self._thread and self._thread.is_alive():
                return
            self._stopping.clear()
            self._thread = threading.Thread(target=self._scheduler, name="job-scheduler", daemon=True)
            self._thread.start()

    def shutdown(self, pause: bool = False, timeout: float = 10) -> None:
        """Stop scheduling; pause this manager's running jobs, or hand them back to the queue."""
        deadline = time.monotonic() + timeout
        self._stopping.set()
        self._wake.set()
        if self._thread and self._thread is not threading.current_thread():
            self._thread.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            runners = list(self._runners.values())
        for runner in runners:
            if pause:
                runner.request("pause", "Paused because the app or worker shut down.")
            else:
                runner.request("release")
        for runner in runners:
            runner.thread.join(max(0.0, deadline - time.monotonic()))
        self._retry_unwritten()

    # ================================================================ create / read
    def create_job(self, task: str, *, inputs: Mapping[str, str | Path | bytes] | None = None,
                   config: Mapping | None = None, label: str = "",
                   secrets: Mapping[str, str] | None = None) -> str:
        task_obj = get_task(task)
        config = dict(config or {})
        found = secret_keys(config)
        if found:
            raise SecretInConfig(f"config key(s) {', '.join(found)} look like secrets: pass them as "
                                 "secrets=..., which are kept in memory only and never written")
        try:
            json.dumps(config)
        except (TypeError, ValueError) as exc:
            raise InvalidJobOperation(f"config must be JSON-serialisable: {exc}") from None
        job_id = new_job_id()
        while self.store.exists(job_id):
            job_id = new_job_id()
        meta = _new_metadata(job_id, task_obj, config, str(label or ""))
        try:
            self.store.copy_inputs(job_id, inputs or {})
            atomic_write_bytes(self.store.results_path(job_id), header_bytes(task_obj.result_columns))
            with self.store.job_lock(job_id):
                self.store.write_meta(meta)
            self.store.add_event(job_id, "created", f"Job created for task '{task}'"
                                 + (f" ({label})." if label else "."))
        except BaseException:
            with contextlib.suppress(JobError, OSError):
                self.store.remove_job_files(job_id)
            raise
        if secrets:
            self._secrets[job_id] = dict(secrets)
        self._wake.set()
        return job_id

    def get(self, job_id) -> dict:
        meta = self._read(job_id)
        if meta["status"] == JobStatus.RUNNING.value:
            self._refresh_from_checkpoint(meta)
        return _public(meta)

    def _read(self, job_id) -> dict:
        validate_job_id(job_id)
        try:
            return self.store.read_meta(job_id)
        except ValueError as exc:
            raise JobError(f"job {job_id}: its metadata file is corrupt ({exc})") from None

    def _refresh_from_checkpoint(self, meta: dict) -> None:
        """The checkpoint log is ahead of the (time-based) metadata: read its last line."""
        with contextlib.suppress(OSError):
            last = last_checkpoint(self.store.checkpoints_path(meta["job_id"]))
            if last is not None and last.index + 1 >= int(meta.get("items_done") or 0):
                meta.update(items_done=last.index + 1, rows_written=last.rows_total,
                            counters=last.counters_total)
                if meta.get("total_items"):
                    meta["progress_percentage"] = round(100.0 * meta["items_done"]
                                                        / meta["total_items"], 2)

    def list_jobs(self, status: str | None = None) -> list[dict]:
        """Newest first. Reads each small JSON once (cached by mtime); never scans results."""
        jobs = self.store.scan()
        if status is not None:
            wanted = JobStatus(status).value
            jobs = [m for m in jobs if m.get("status") == wanted]
        jobs.sort(key=lambda m: str(m.get("created_at") or ""), reverse=True)
        return [_public(m) for m in jobs]

    def problems(self) -> list[str]:
        """Corrupt or foreign files seen by the last listing (scans now if none has run yet)."""
        if not self.store.last_problems:
            self.store.scan()
        return list(self.store.last_problems)

    def events(self, job_id, limit: int = 50) -> list[dict]:
        self._read(job_id)
        return self.store.read_events(job_id, limit)

    # ================================================================ control
    def pause(self, job_id) -> None:
        self._control(job_id, "pause")

    def stop(self, job_id) -> None:
        self._control(job_id, "stop")

    def _control(self, job_id, action: str) -> None:
        """Pause/stop: at once when nothing runs the job, else at the owner's next item boundary."""
        validate_job_id(job_id)
        with self.store.job_lock(job_id):
            meta = self._read(job_id)
            check_transition(job_id, meta["status"], action)
            running = meta["status"] == JobStatus.RUNNING.value
            if running and owner_alive(meta.get("owner"), self.stale_after):
                meta["requested_action"] = action
                meta["message"] = (f"{action.capitalize()} requested: takes effect after the "
                                   "item in progress.")
                event = (f"{action}_requested", meta["message"])
            else:
                event = self._apply_now(meta, action)
            self.store.write_meta(meta)
        self.store.add_event(job_id, *event)
        runner = self._runners.get(job_id)
        if runner is not None:
            runner.request(action)
        self._notify()

    def _apply_now(self, meta: dict, action: str) -> tuple[str, str]:
        now = utc_now_iso()
        meta.update(owner=None, requested_action=None)
        if action == "pause":
            meta.update(status=JobStatus.PAUSED.value, paused_at=now, can_resume=True,
                        message="Paused by request.")
            return "paused", "Paused by request."
        meta.update(status=JobStatus.STOPPED.value, stopped_at=now, can_resume=False,
                    message="Stopped by request; partial results are kept.")
        return "stopped", meta["message"]

    def resume(self, job_id, secrets: Mapping[str, str] | None = None) -> None:
        validate_job_id(job_id)
        if secrets:
            self._secrets[job_id] = dict(secrets)
        with self.store.job_lock(job_id):
            meta = self._read(job_id)
            status = meta["status"]
            if status == JobStatus.RUNNING.value and meta.get("requested_action") == "pause":
                meta.update(requested_action=None, message="Running (pause withdrawn).")
                event = ("resumed", "Pause withdrawn before it took effect.")
                runner = self._runners.get(job_id)
                if runner is not None:
                    runner.cancel_request("pause")
            elif status == JobStatus.RUNNING.value and not owner_alive(meta.get("owner"),
                                                                       self.stale_after):
                event = self._requeue(meta, "recovered", "its process is gone")
            else:
                check_transition(job_id, status, "resume")
                reason = "retried" if status == JobStatus.FAILED.value else "resumed"
                meta.update(status=JobStatus.QUEUED.value, resume_reason=reason, error=None,
                            failed_step=None, message="Queued to resume: waiting for a free slot.")
                event = (reason, f"{'Retry' if reason == 'retried' else 'Resume'} requested from "
                         f"item {int(meta.get('items_done') or 0) + 1}.")
            self.store.write_meta(meta)
        self.store.add_event(job_id, *event)
        self._wake.set()
        self._notify()

    def set_secrets(self, job_id, secrets: Mapping[str, str]) -> None:
        """Secrets for the job's next run, in memory only (e.g. an API key typed after a restart)."""
        validate_job_id(job_id)
        self._secrets[job_id] = dict(secrets or {})

    def delete(self, job_id) -> None:
        """Stop the job if it runs (at its next item boundary), then remove every file of it."""
        meta = self._read(job_id)
        if meta["status"] == JobStatus.RUNNING.value and owner_alive(meta.get("owner"),
                                                                     self.stale_after):
            self._delete_running(job_id)
        with self.store.job_lock(job_id):
            self.store.remove_job_files(job_id)
        self._secrets.pop(job_id, None)
        self._notify()

    def _delete_running(self, job_id: str) -> None:
        def ask(meta: dict) -> None:
            meta["requested_action"] = "delete"
        with contextlib.suppress(JobNotFound):
            self.store.update_meta(job_id, ask)
        runner = self._runners.get(job_id)
        if runner is not None:
            runner.request("delete")
            if runner.thread is not threading.current_thread():
                runner.thread.join(_DELETE_WAIT)
            return
        deadline = time.monotonic() + _DELETE_WAIT
        while time.monotonic() < deadline:
            try:
                meta = self.store.read_meta(job_id)
            except (JobNotFound, ValueError):
                return
            if meta["status"] != JobStatus.RUNNING.value:
                return
            with self._changed:
                self._changed.wait(0.05)

    def cleanup(self, days: float) -> list[str]:
        """Delete finished (completed, stopped, failed) jobs last updated more than `days` ago."""
        cutoff = time.time() - float(days) * 86400
        removed = []
        finished = {s.value for s in FINISHED_STATUSES}
        for meta in self.store.scan():
            if meta.get("status") not in finished:
                continue
            when = max(filter(None, (iso_to_epoch(meta.get(k)) for k in
                                     ("completed_at", "stopped_at", "updated_at", "created_at"))),
                       default=None)
            if when is not None and when < cutoff:
                with contextlib.suppress(JobNotFound):
                    self.delete(meta["job_id"])
                    removed.append(meta["job_id"])
        return removed

    def wait(self, job_id, timeout: float, until: Iterable = TERMINAL_STATUSES) -> dict:
        """Block until the job's status is in `until` or `timeout` passes; returns the metadata
        either way (check its status)."""
        wanted = {JobStatus(s).value for s in ([until] if isinstance(until, str) else until)}
        deadline = time.monotonic() + timeout
        while True:
            meta = self.get(job_id)
            left = deadline - time.monotonic()
            if meta["status"] in wanted or left <= 0:
                return meta
            with self._changed:
                self._changed.wait(min(0.05, left))

    # ================================================================ results
    def _columns(self, job_id) -> tuple[str, ...]:
        return tuple(self._read(job_id).get("result_columns") or ())

    def results_frame(self, job_id, limit: int | None = None, tail: bool = False) -> pd.DataFrame:
        columns = self._columns(job_id)
        return read_results(self.store.results_path(job_id), self.store.checkpoints_path(job_id),
                            columns, limit=limit, tail=tail)

    def results_count(self, job_id) -> int:
        self._read(job_id)
        last = last_checkpoint(self.store.checkpoints_path(job_id))
        return last.rows_total if last else 0

    def results_csv(self, job_id) -> bytes:
        self._read(job_id)
        return results_csv_bytes(self.store.results_path(job_id),
                                 self.store.checkpoints_path(job_id))

    def committed_bytes(self, job_id) -> int:
        """Length of the results file a reader may trust (for tests and diagnostics)."""
        self._read(job_id)
        return committed_length(self.store.results_path(job_id),
                                self.store.checkpoints_path(job_id))[1]

    # ================================================================ scheduler
    def _notify(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def _scheduler(self) -> None:
        next_scan = 0.0
        while not self._stopping.is_set():
            now = time.monotonic()
            self._poll_runners(now)
            self._retry_unwritten()
            if now >= next_scan or self._wake.is_set():
                self._wake.clear()
                with contextlib.suppress(JobError, OSError):
                    self._recover_orphans()
                    self._start_queued()
                next_scan = now + _SCAN_EVERY
            self._wake.wait(_TICK)

    def _poll_runners(self, now: float) -> None:
        """Relay requests written by other processes; heartbeat + progress about once a second."""
        with self._lock:
            runners = list(self._runners.values())
        for runner in runners:
            try:
                meta = self.store.read_meta(runner.job_id)
            except (JobNotFound, ValueError):
                runner.request("lost")
                continue
            except OSError:
                continue
            if (meta.get("owner") or {}).get("token") != runner.token:
                runner.request("lost")
            elif meta.get("requested_action"):
                runner.request(meta["requested_action"])
            if now - runner.last_flush >= self.heartbeat_interval:
                with contextlib.suppress(JobError, OSError):
                    runner.flush()

    def _recover_orphans(self) -> None:
        for meta in self.store.scan():
            if meta.get("status") != JobStatus.RUNNING.value or meta["job_id"] in self._runners:
                continue
            if owner_alive(meta.get("owner"), self.stale_after):
                continue
            with contextlib.suppress(JobNotFound, ValueError):
                with self.store.job_lock(meta["job_id"]):
                    fresh = self.store.read_meta(meta["job_id"])
                    if fresh.get("status") != JobStatus.RUNNING.value or \
                            owner_alive(fresh.get("owner"), self.stale_after):
                        continue
                    event = self._requeue(fresh, "recovered", "the process running it is gone")
                    self.store.write_meta(fresh)
                self.store.add_event(meta["job_id"], *event)

    def _requeue(self, meta: dict, reason: str, why: str) -> tuple[str, str]:
        """Orphaned running job -> queued again, or failed when it keeps crashing without progress."""
        last = last_checkpoint(self.store.checkpoints_path(meta["job_id"]))
        done = last.index + 1 if last else 0
        pid = (meta.get("owner") or {}).get("pid")
        self._close_session(meta, done)
        same_place = done <= int(meta.get("recovery_progress_mark", -1))
        meta["recoveries"] = int(meta.get("recoveries") or 0) + 1 if same_place else 1
        meta["recovery_progress_mark"] = done
        if meta["recoveries"] > self.max_recoveries:
            message = (f"Failed: it crashed {meta['recoveries']} times in a row without progress "
                       f"(max_recoveries={self.max_recoveries}); resume it to try again.")
            meta.update(status=JobStatus.FAILED.value, owner=None, can_resume=True,
                        failed_step=meta.get("current_step"), message=message,
                        error={"type": "RepeatedCrash", "message": message})
            return "failed", message
        meta.update(status=JobStatus.QUEUED.value, owner=None, resume_reason=reason,
                    requested_action=None,
                    message=f"Recovered after restart: resumes from item {done + 1}.")
        return "recovered", (f"Recovered after restart: {why} (pid {pid}); it resumes from its "
                             f"last checkpoint ({done} items done).")

    def _close_session(self, meta: dict, items_done: int | None = None) -> None:
        """Add the running time of the session that just ended to active_seconds."""
        started = meta.get("run_started_epoch")
        if started:
            meta["active_seconds"] = float(meta.get("active_seconds") or 0) + \
                max(0.0, time.time() - float(started))
        meta["run_started_epoch"] = None
        if items_done is not None:
            meta["items_done"] = items_done

    def _start_queued(self) -> None:
        with self.store.scheduler_lock():
            jobs = self.store.scan()
            running = sum(1 for m in jobs if m.get("status") == JobStatus.RUNNING.value
                          and owner_alive(m.get("owner"), self.stale_after))
            queued = sorted((m for m in jobs if m.get("status") == JobStatus.QUEUED.value
                             and is_registered(m.get("task", ""))),
                            key=lambda m: str(m.get("created_at") or ""))
            for meta in queued[: max(0, self.max_running - running)]:
                with contextlib.suppress(JobNotFound, ValueError, UnknownTask):
                    self._claim(meta["job_id"])

    def _claim(self, job_id: str) -> None:
        token = uuid.uuid4().hex
        with self.store.job_lock(job_id):
            meta = self.store.read_meta(job_id)
            if meta.get("status") != JobStatus.QUEUED.value:
                return
            task = get_task(meta["task"])
            last = last_checkpoint(self.store.checkpoints_path(job_id))
            done = last.index + 1 if last else 0
            first = not meta.get("attempts")
            meta.update(status=JobStatus.RUNNING.value, owner=owner_record(token),
                        attempts=int(meta.get("attempts") or 0) + 1, requested_action=None,
                        started_at=meta.get("started_at") or utc_now_iso(), items_done=done,
                        run_started_epoch=time.time(), session_items_start=done,
                        can_resume=False, message="Running.")
            self.store.write_meta(meta)
            runner = JobRunner(self.store, job_id, task, token, self._secrets.get(job_id),
                               self.durability, self._runner_exited)
            runner.last_flush = time.monotonic()
            with self._lock:
                self._runners[job_id] = runner
        if first:
            self.store.add_event(job_id, "started", "Started.")
        else:
            self.store.add_event(job_id, "resumed", f"Running again from item {done + 1} "
                                 f"(attempt {meta['attempts']}).")
        runner.start()

    # ================================================================ end of a run
    def _runner_exited(self, runner: JobRunner, outcome: Outcome) -> None:
        try:
            self._write_outcome(runner, outcome)
        except (JobError, OSError):
            with self._lock:
                self._unwritten[runner.job_id] = (runner, outcome)
        with self._lock:
            if self._runners.get(runner.job_id) is runner and runner.job_id not in self._unwritten:
                del self._runners[runner.job_id]
        self._wake.set()
        self._notify()

    def _retry_unwritten(self) -> None:
        with self._lock:
            pending = list(self._unwritten.values())
        for runner, outcome in pending:
            with contextlib.suppress(JobError, OSError):
                self._write_outcome(runner, outcome)
                with self._lock:
                    self._unwritten.pop(runner.job_id, None)
                    if self._runners.get(runner.job_id) is runner:
                        del self._runners[runner.job_id]
                self._notify()

    def _write_outcome(self, runner: JobRunner, outcome: Outcome) -> None:
        if outcome.status == "lost":
            return
        if outcome.status == "delete":
            with contextlib.suppress(JobNotFound):
                with self.store.job_lock(runner.job_id):
                    self.store.remove_job_files(runner.job_id)
            return
        with contextlib.suppress(JobNotFound):
            self.store.update_meta(runner.job_id, lambda m: self._final(m, runner, outcome))

    def _final(self, meta: dict, runner: JobRunner, outcome: Outcome) -> bool:
        """Under the job's lock: the event first, then the status (a reader who sees the new
        status also finds its event)."""
        if (meta.get("owner") or {}).get("token") != runner.token:
            return False              # someone took the job over: leave their metadata alone
        extra = {"error": outcome.error} if outcome.error else {}
        self.store.add_event(runner.job_id, {"queued": "requeued"}.get(outcome.status, outcome.status),
                             outcome.message, locked=True, **extra)
        now = utc_now_iso()
        meta.update(runner.snapshot())
        self._close_session(meta)
        meta.update(status=outcome.status, message=outcome.message, owner=None,
                    requested_action=None, error=outcome.error)
        status = JobStatus(outcome.status)
        if status is JobStatus.COMPLETED:
            meta.update(completed_at=now, can_resume=False, summary=outcome.summary,
                        progress_percentage=100.0)
        elif status is JobStatus.PAUSED:
            meta.update(paused_at=now, can_resume=True)
        elif status is JobStatus.STOPPED:
            meta.update(stopped_at=now, can_resume=False)
        elif status is JobStatus.FAILED:
            meta.update(failed_step=outcome.failed_step, can_resume=True)
        elif status is JobStatus.QUEUED:
            meta.update(resume_reason="requeued")
        return True
