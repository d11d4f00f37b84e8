"""The background half of JobManager: one thread per manager that

  - claims queued jobs FIFO while fewer than max_running jobs run in the folder (all processes),
  - takes over jobs whose owner process is gone (dead pid on this host, or a stale heartbeat),
  - relays pause/stop/delete requests written by other processes to its runners (every 0.2 s),
  - writes its runners' progress and heartbeat about once a second,
  - records how each run ended (retrying if the disk refuses the write).
"""
from __future__ import annotations

import contextlib
import logging
import threading
import time
import uuid
from pathlib import Path
from typing import Callable

from inlink.jobs.record import Job, percentage_of
from inlink.jobs.results import last_checkpoint
from inlink.jobs.runner import JobRunner, Outcome, asked_outcome, items_words
from inlink.jobs.state import JobError, JobNotFound, JobStatus, StorageError, UnknownTask, utc_now_iso
from inlink.jobs.store import JobStore, owner_alive, owner_record
from inlink.jobs.task import get_task, is_registered
from inlink.wording import counted

log = logging.getLogger(__name__)
TICK = 0.2            # control requests reach a runner within this
SCAN_EVERY = 0.5      # how often the folder is scanned for queued and orphaned jobs


def steps_finished(job: Job) -> int:
    """Preparation steps the last run finished (from the progress it flushed): a run that got further through
    its steps than the one before made progress, even before its first item (e.g. it built and saved an index),
    so the crash-loop cap does not count it as a crash in the same place."""
    last, steps = job.last_successful_step, list(job.steps or ())
    return steps.index(last) + 1 if last in steps else 0


class JobScheduler:
    def __init__(self, store: JobStore, *, max_running: int, durability: str,
                 heartbeat_interval: float, stale_after: float, max_recoveries: int,
                 secrets: dict[str, dict], on_change: Callable[[], None]):
        self.store = store
        self.max_running, self.durability = max_running, durability
        self.heartbeat_interval, self.stale_after = heartbeat_interval, stale_after
        self.max_recoveries = max_recoveries
        self._secrets, self._on_change = secrets, on_change
        self._runners: dict[str, JobRunner] = {}
        self._ran: set[str] = set()               # every job this scheduler claimed (ran_here)
        self._unwritten: dict[str, tuple[JobRunner, Outcome]] = {}   # final states to retry
        self._lock = threading.RLock()
        self._polling = threading.Lock()        # held for a round of heartbeats (see settle)
        self._wake = threading.Event()
        self._draining = threading.Event()     # shutting down: no new claims, heartbeats go on
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # ================================================================ lifecycle
    def start(self) -> None:
        with self._lock:
            if self._thread and self._thread.is_alive():
                return
            self._stopping.clear()
            self._draining.clear()
            self._thread = threading.Thread(target=self._loop, name="job-scheduler", daemon=True)
            self._thread.start()

    def shutdown(self, pause: bool, timeout: float) -> None:
        """Runners stop after their current item (paused, or back to the queue); then the thread."""
        deadline = time.monotonic() + timeout
        self._draining.set()
        runners = self.runners()
        for runner in runners:
            if pause:
                runner.request("shutdown", "Paused because the app or worker shut down.")
            else:
                runner.request("release")
        for runner in runners:
            runner.join(max(0.0, deadline - time.monotonic()))
        for runner in runners:
            if runner.thread.is_alive():
                self._safely(self._leave_word, runner, pause)
        self._stopping.set()
        self._wake.set()
        if self._thread and self._thread is not threading.current_thread():
            self._thread.join(max(0.0, deadline - time.monotonic()))
        self._retry_unwritten()

    def _leave_word(self, runner: JobRunner, pause: bool) -> None:
        """A run still in a step that takes no request when the shutdown's wait ended (building an index, fetching a
        sitemap), whose process is about to end: what the shutdown asked is written in the job's file for the
        manager that takes the job over. A pause (Ctrl-C of a worker) is a requested pause it carries out
        (honour_request); a hand-back (the app restarting) marks the owner released, which `requeue` does not count
        as a crash. Both were taken for crashes: the job resumed after a Ctrl-C, and three restarts of the app in
        a long preparation failed a healthy job ("its process ended 4 times in a row")."""
        with self.store.job_lock(runner.job_id):
            job = self.store.read_job(runner.job_id)
            if job.status is not JobStatus.RUNNING or (job.owner or {}).get("token") != runner.token:
                return
            if pause:
                if job.requested_action is not None:
                    return   # a pause, stop or delete asked already: carried out as it is
                job.requested_action = "pause"
                job.message = "Paused because the app or worker shut down (while it prepared)."
            else:
                job.owner["released"] = True
            self.store.write_job(job)

    def wake(self) -> None:
        self._wake.set()

    def runner(self, job_id: str) -> JobRunner | None:
        return self._runners.get(job_id)

    def ran_here(self) -> set[str]:
        """The ids of the jobs this scheduler has claimed and run (some of it, at least) since it was made."""
        with self._lock:
            return set(self._ran)

    def runners(self) -> list[JobRunner]:
        with self._lock:
            return list(self._runners.values())

    def settle(self, job_id: str, timeout: float) -> None:
        """Wait until no thread of this scheduler may still write the job, before its files go: its runner's
        thread has ended (it may be writing its outcome just after a waiter saw the final status), and a
        heartbeat round that picked the runner up before that is over (its lock would recreate a file)."""
        runner = self.runner(job_id)
        if runner is not None and runner.thread is not threading.current_thread():
            runner.join(timeout)
        if self._thread is not threading.current_thread():
            with self._polling:
                pass

    # ================================================================ the loop
    def _loop(self) -> None:
        next_scan = 0.0
        while not self._stopping.is_set():
            now = time.monotonic()
            # A wake is taken before the round (cleared only when seen set), so one during the round is kept for
            # the next wait; and taken while draining too: a runner ending during a shutdown wakes the loop, and a
            # wake left set made every wait return at once (the loop spun, taking the GIL from the runners the
            # shutdown waits for).
            woken = self._wake.is_set()
            if woken:
                self._wake.clear()
            self._safely(self._poll_runners, now)
            self._safely(self._retry_unwritten)
            if not self._draining.is_set() and (now >= next_scan or woken):
                self._safely(self._schedule)
                next_scan = now + SCAN_EVERY
            self._wake.wait(TICK)

    @staticmethod
    def _safely(step: Callable, *args) -> None:
        """One bad round (a full disk, an odd file) must not end the thread every job relies on."""
        try:
            step(*args)
        except (JobError, OSError):
            pass                      # storage trouble: the next round tries again
        except Exception:             # a bug: keep scheduling, leave a trace for developers
            log.exception("job scheduler round failed")

    def _poll_runners(self, now: float) -> None:
        """Relay requests written by other processes; heartbeat + progress about once a second."""
        with self._polling:
            for runner in self.runners():
                # an ended run's outcome write owns the metadata (a deleted job must get no lock file from a
                # heartbeat); one whose outcome could not be written yet keeps its heartbeat, so no other
                # process takes the job over meanwhile
                if not runner.ended.is_set() or runner.job_id in self._unwritten:
                    self._poll_runner(runner, now)

    def _poll_runner(self, runner: JobRunner, now: float) -> None:
        """Relay this job's requests from other processes; its heartbeat when one is due."""
        try:
            job = self.store.read_job(runner.job_id)
        except (JobNotFound, ValueError):
            runner.request("lost")
            return
        except OSError:
            return
        if job.owner_token != runner.token:
            runner.request("lost")
        elif job.requested_action:
            runner.request(job.requested_action)
        else:
            runner.cancel_request("pause")     # another process withdrew its pause in time
        if now - runner.last_flush >= self.heartbeat_interval:
            try:
                runner.flush()
            except StorageError as exc:
                runner.storage_failed(exc)
            except (JobError, OSError):
                pass

    def _schedule(self) -> None:
        """One scan under the folder lock: recover orphans, then fill free slots FIFO."""
        with self.store.scheduler_lock():
            jobs = self.store.scan()
            running, orphans = 0, []
            for job in jobs:
                if job.status is not JobStatus.RUNNING:
                    continue
                if job.job_id in self._runners or owner_alive(job.owner, self.stale_after):
                    running += 1
                else:
                    orphans.append(job.job_id)
            for job_id in orphans:
                if not self._recover(job_id):
                    running += 1          # its writer still holds it: it still takes a slot
            if orphans:
                jobs = self.store.scan()
            queued = sorted((job for job in jobs if job.status is JobStatus.QUEUED and is_registered(job.task)),
                            key=lambda job: str(job.created_at or ""))
            for job in queued[: max(0, self.max_running - running)]:
                with contextlib.suppress(JobNotFound, ValueError, KeyError, UnknownTask):
                    self._claim(job.job_id)

    # ================================================================ recovery
    def _recover(self, job_id: str) -> bool:
        """Requeue a running job whose owner is gone; False when it was left alone (still owned or written)."""
        with contextlib.suppress(JobNotFound, ValueError):
            with self.store.job_lock(job_id):
                job = self.store.read_job(job_id)
                if job.status is not JobStatus.RUNNING or self.store.runs(job, self.stale_after):
                    return False   # a live owner, or a stale heartbeat whose writer still runs: no second writer
                event = self.honour_request(job) or self.requeue(job, "the process running it is gone")
                if event[0] == DELETED:
                    return True
                self.store.write_job(job)
            self.store.add_event(job_id, *event)
            return True
        return False

    def honour_request(self, job: Job) -> tuple[str, str] | None:
        """Under the job's lock, for a running job no live process runs: carry out the pause, stop or delete asked
        before its process ended; returns the event to log (DELETED: its files are gone, nothing to write), or None
        when no such request waits.

        Why: the request waits in the job file for the owner's next item boundary; a worker killed before it left
        the request there, and requeueing the job (which clears requests) ran it on to the end though the user had
        stopped or deleted it."""
        if job.requested_action == "delete":
            self.store.remove_job_files(job.job_id)
            self._secrets.pop(job.job_id, None)
            return DELETED, "deleted as asked (its process ended before the delete took effect)"
        if job.requested_action not in ("pause", "stop"):
            return None
        event = self._end_as_asked(job)
        if job.status in OVER:
            self._secrets.pop(job.job_id, None)   # it never runs again: its API key is not kept for nothing
        return event

    def _end_as_asked(self, job: Job) -> tuple[str, str]:
        """An orphan whose pause or stop was asked before its process ended: paused or stopped as the user asked."""
        action = job.requested_action
        catch_up_with_log(job, self.store.checkpoints_path(job.job_id))
        job.close_session(ended=(job.owner or {}).get("heartbeat"))    # its last sign of life, not now
        done = items_words(job.items_done, job.total_items)
        if action == "pause":
            message = (f"Paused by request after {done} items (its process ended before the pause took effect); it "
                       f"resumes {_where_from(job.items_done, job.total_items)}.")
        else:
            message = (f"Stopped by request after {done} items (its process ended before the stop took effect); "
                       "partial results are kept.")
        return end_as_asked(job, action, message)

    def requeue(self, job: Job, why: str) -> tuple[str, str]:
        """Orphaned running job -> queued again, or failed when it keeps crashing without progress.
        Edits `job` (the caller holds the job lock and writes it); returns the event to log."""
        last = last_checkpoint(self.store.checkpoints_path(job.job_id))
        done = last.index + 1 if last else 0
        pid = (job.owner or {}).get("pid")
        job.close_session(done, ended=(job.owner or {}).get("heartbeat"))   # its last sign of life, not now
        steps = steps_finished(job)
        progress_mark = job.recovery_progress_mark if job.recovery_progress_mark is not None else -1
        step_mark = job.recovery_step_mark if job.recovery_step_mark is not None else steps
        same_place = done <= int(progress_mark) and steps <= int(step_mark)
        released = bool((job.owner or {}).get("released"))   # handed back by a shutdown (_leave_word): no crash
        job.recoveries = job.recoveries if released else job.recoveries + 1 if same_place else 1
        job.recovery_progress_mark, job.recovery_step_mark = done, steps
        if job.recoveries > self.max_recoveries:
            message = (f"Failed: its process ended {job.recoveries} times in a row (killed or crashed) before "
                       f"it made progress, more than the {self.max_recoveries} restarts allowed; resume it to try "
                       "again.")
            job.update(status=JobStatus.FAILED, owner=None, can_resume=True, failed_step=job.current_step,
                       message=message, error={"type": "RepeatedCrash", "message": message})
            return "failed", message
        job.update(status=JobStatus.QUEUED, owner=None, resume_reason="recovered", requested_action=None,
                   message=f"Recovered after restart: resumes {_where_from(done, job.total_items)}.")
        if released:
            why = "its app or worker shut down while it prepared"
        return "recovered", (f"Recovered after restart: {why} (pid {pid}); it resumes from its "
                             f"last checkpoint ({counted(done, 'item')} done).")

    # ================================================================ starting a run
    def _claim(self, job_id: str) -> None:
        token = uuid.uuid4().hex
        with self.store.job_lock(job_id):
            job = self.store.read_job(job_id)
            if job.status is not JobStatus.QUEUED:
                return
            task = get_task(job.task)
            last = last_checkpoint(self.store.checkpoints_path(job_id))
            done = last.index + 1 if last else 0
            first = not job.attempts
            job.update(status=JobStatus.RUNNING, owner=owner_record(token), attempts=job.attempts + 1,
                       requested_action=None, started_at=job.started_at or utc_now_iso(), items_done=done,
                       run_started_epoch=time.time(), session_items_start=done, can_resume=False,
                       message="Running.")
            self.store.write_job(job)
            runner = JobRunner(self.store, job_id, task, token, self._secrets.get(job_id),
                               self.durability, self._runner_exited)
            runner.last_flush = time.monotonic()
            with self._lock:
                self._runners[job_id] = runner
                self._ran.add(job_id)
        try:
            self.store.add_event(job_id, "started", "Started." if first else
                                 f"Running again {_where_from(done, job.total_items)} (run {job.attempts}).")
        finally:                      # claimed and registered: a lost event must not strand it
            runner.start()

    # ================================================================ end of a run
    def _runner_exited(self, runner: JobRunner, outcome: Outcome) -> None:
        if outcome.disk_full:
            self.store.release_reserve()     # room for the pause's event and status
        try:
            self._write_outcome(runner, outcome)
        except (JobError, OSError, ValueError):      # full disk, busy lock: retried every tick
            with self._lock:
                self._unwritten[runner.job_id] = (runner, outcome)
        except Exception:
            log.exception("job %s: could not record how its run ended", runner.job_id)
        with self._lock:
            if self._runners.get(runner.job_id) is runner and runner.job_id not in self._unwritten:
                del self._runners[runner.job_id]
        self._wake.set()
        self._on_change()

    def _retry_unwritten(self) -> None:
        with self._lock:
            pending = list(self._unwritten.values())
        for runner, outcome in pending:
            with contextlib.suppress(JobError, OSError, ValueError):
                self._write_outcome(runner, outcome)
                with self._lock:
                    self._unwritten.pop(runner.job_id, None)
                    if self._runners.get(runner.job_id) is runner:
                        del self._runners[runner.job_id]
                self._on_change()

    def _write_outcome(self, runner: JobRunner, outcome: Outcome) -> None:
        if outcome.status == "lost":
            return
        if outcome.status == "delete":
            with contextlib.suppress(JobNotFound):
                with self.store.job_lock(runner.job_id):
                    self.store.remove_job_files(runner.job_id)
            return
        with contextlib.suppress(JobNotFound):
            self.store.update_job(runner.job_id, lambda job: self._final(job, runner, outcome))

    def _final(self, job: Job, runner: JobRunner, outcome: Outcome) -> bool:
        """Under the job's lock: the event first, then the status (a reader who sees the new
        status also finds its event). The event is written once even when the status write is retried."""
        if job.owner_token != runner.token:
            return False              # someone took the job over: leave their metadata alone
        _take_a_later_request(job, runner, outcome)
        if outcome.paused_by_request and job.requested_action is None:
            # Resumed in time: the resume found the job running and withdrew its pause (under this lock), after the
            # run had taken the pause (its last item boundary, or an item the task gave up for it). Paused, the job
            # stood still though the user's last word was resume ("pause_requested", "resumed", then "paused").
            outcome.status, outcome.paused_by_request = JobStatus.QUEUED, False
            outcome.message = (f"The pause was withdrawn as it took effect: queued to go on "
                               f"{_where_from(runner.items_done, runner.total_items)}.")
        if not outcome.event_logged:
            extra = {"error": outcome.error} if outcome.error else {}
            self.store.add_event(runner.job_id, {"queued": "requeued"}.get(outcome.status, str(outcome.status)),
                                 outcome.message, locked=True, **extra)
            outcome.event_logged = True
        _apply_outcome(job, runner, outcome)
        if job.status in OVER:
            self._secrets.pop(runner.job_id, None)   # it never runs again: its API key is not kept for nothing
        return True

    def overlay_unwritten(self, job: Job) -> None:
        """Show how a run of this process ended even while the disk refuses to record it (a full disk): the
        dashboard in this process then sees the job paused at once, not "running" until space is freed."""
        with self._lock:
            runner, outcome = self._unwritten.get(job.job_id, (None, None))
        if runner is not None and outcome.status in _STATUS_VALUES and job.owner_token == runner.token:
            _apply_outcome(job, runner, outcome)


_STATUS_VALUES = {status.value for status in JobStatus}
OVER = (JobStatus.COMPLETED, JobStatus.STOPPED)   # a job in one of these never runs again (a failed one may resume)
DELETED = "deleted"   # honour_request's event for a job whose files it removed


#: pending request -> the outcomes it overrides: a run that stops short of what the user asked since ends as asked
_OVERRIDES = {"pause": (JobStatus.QUEUED,), "stop": (JobStatus.QUEUED, JobStatus.PAUSED)}


def _take_a_later_request(job: Job, runner: JobRunner, outcome: Outcome) -> None:
    """A pause or stop written to the job file after the run took its own way out (its last item boundary: a
    shutdown's hand-back to the queue, a pause of the task's or one asked before) and before its outcome is written
    here: the user's request is the later word, so the job ends as asked.

    Why: the outcome's write cleared the request, so a stop asked then ended the job paused, and a pause or stop
    asked as the worker shut down ended it queued: the next manager ran it on to the end."""
    action = job.requested_action
    if outcome.status not in _OVERRIDES.get(action, ()):
        return
    asked = asked_outcome(action, runner.items_done, runner.total_items)
    outcome.status, outcome.message, outcome.error, outcome.paused_by_request = asked.status, asked.message, None, False


def _apply_outcome(job: Job, runner: JobRunner, outcome: Outcome) -> None:
    """The job record once a run has ended with `outcome` (status, times, progress, message)."""
    now = utc_now_iso()
    job.update(**runner.snapshot())
    job.close_session(ended=outcome.ended)       # time stuck on a full disk is not working time
    status = JobStatus(outcome.status)
    job.update(status=status, message=outcome.message, owner=None, requested_action=None,
               error=outcome.error)
    if status is JobStatus.COMPLETED:
        job.update(completed_at=now, can_resume=False, summary=outcome.summary, progress_percentage=100.0)
    elif status is JobStatus.PAUSED:
        job.update(paused_at=now, can_resume=True)
    elif status is JobStatus.STOPPED:
        job.update(stopped_at=now, can_resume=False)
    elif status is JobStatus.FAILED:
        job.update(failed_step=outcome.failed_step, can_resume=True)
    elif status is JobStatus.QUEUED:
        job.update(resume_reason="requeued")


def end_as_asked(job: Job, action: str, message: str) -> tuple[str, str]:
    """Pause or stop, at once, a job that no process runs; returns the event to log (the caller holds the job's lock
    and writes it)."""
    now = utc_now_iso()
    job.update(owner=None, requested_action=None, message=message)
    if action == "pause":
        job.update(status=JobStatus.PAUSED, paused_at=now, can_resume=True)
        return "paused", message
    job.update(status=JobStatus.STOPPED, stopped_at=now, can_resume=False)
    return "stopped", message


def catch_up_with_log(job: Job, checkpoints: Path) -> None:
    """The job's counts from its checkpoint log, which is ahead of the (time-based) metadata: its last line."""
    with contextlib.suppress(OSError):
        last = last_checkpoint(checkpoints)
        if last is not None and last.index + 1 >= job.items_done:
            job.update(items_done=last.index + 1, rows_written=last.rows_total, counters=last.counters_total)
            if job.total_items:
                job.progress_percentage = percentage_of(job.items_done, job.total_items)


def _where_from(done: int, total: int | None) -> str:
    """Where a run picks up: "from item 12", or "to finish (every item is done)" (not "from item 498" of 497)."""
    if total is not None and done >= total:
        return "to finish (every item is done)"
    return f"from item {done + 1}"
