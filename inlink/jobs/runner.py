"""Runs one claimed job on a background thread: steps, then items with one checkpoint each.

The item loop does as little as possible (process, two raw appends, a flag check): heartbeats,
progress in the metadata and polling for pause/stop requests from other processes are done by the
manager's scheduler thread through snapshot()/request(), on a time basis.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Callable, Mapping, Sequence

import filelock

from inlink.jobs.record import Job, percentage_of
from inlink.jobs.results import ResultsWriter, iter_result_rows, read_results, recover_files
from inlink.jobs.state import ItemError, JobNotFound, JobStatus, PauseJob, StorageError
from inlink.jobs.store import DISK_FULL_MESSAGE, JobStore, is_disk_full
from inlink.jobs.task import Task, TaskContext
from inlink.wording import counted

log = logging.getLogger(__name__)

# Which request wins when several arrive before the item boundary.
# "shutdown" is a pause asked by this process itself (metadata does not carry it, so a poll of the
# metadata that finds no request withdraws "pause" only).
FENCE_WAIT = 5.0   # seconds a run waits for the writer fence (see JobRunner._main)
_REQUEST_RANK = {None: 0, "release": 1, "pause": 2, "shutdown": 2, "stop": 3, "delete": 4,
                 "lost": 5}


@dataclass
class Outcome:
    """How a run ended: the status to write and what to tell the user."""
    status: JobStatus | str          # a JobStatus, or "delete" / "lost" (ownership taken away)
    message: str = ""
    error: dict | None = None
    failed_step: str | None = None
    summary: dict | None = None
    ended: float = field(default_factory=time.time)   # when the work stopped (the status may be written later)
    disk_full: bool = False          # the run stopped because the disk is full
    event_logged: bool = False       # its event is in the log already (a retried status write adds none)
    paused_by_request: bool = False  # a pause a user asked for (the job file's requested_action): one withdrawn
                                     # since is a queued job instead (see JobScheduler._final)


class _Interrupted(Exception):
    """Internal: a pause/stop/delete request was seen between steps or items."""


class JobRunner:
    def __init__(self, store: JobStore, job_id: str, task: Task, token: str,
                 secrets: Mapping[str, str] | None, durability: str,
                 on_exit: Callable[["JobRunner", Outcome], None]):
        self.store, self.job_id, self.task, self.token = store, job_id, task, token
        self.durability = durability
        self.requested: str | None = None
        self.request_message = ""
        self.stop_flag = threading.Event()
        self.writer: ResultsWriter | None = None   # the truth about progress once running
        self.total_items: int | None = None
        self.step_index = 0
        self.step = task.steps[0]
        self.last_step_done: str | None = None
        self.items_started: tuple[float, int] | None = None   # (epoch, items done) when this run's items began
        self.last_flush = 0.0
        self.ended = threading.Event()   # the run is over: its outcome is being written
        self._on_exit = on_exit
        self._secrets = dict(secrets or {})
        self.storage_problem: StorageError | None = None   # a failed metadata/event write: pause with it
        self._ctx: TaskContext | None = None                # while the items run: for the task's items_ahead
        self.thread = threading.Thread(target=self._main, name=f"job-{job_id}", daemon=True)
        self._started = threading.Event()

    # -- control, called from other threads ----------------------------------------------------
    def start(self) -> None:
        self.thread.start()
        self._started.set()

    def join(self, timeout: float) -> None:
        """Wait up to `timeout` s for the run's thread to end, also when it is not started yet: the scheduler
        registers a claimed job's runner, writes its "started" event, then starts it, and a delete or shutdown in
        that moment joined an unstarted thread (RuntimeError: "cannot join thread before it is started")."""
        deadline = time.monotonic() + timeout
        if self._started.wait(timeout):
            self.thread.join(max(0.0, deadline - time.monotonic()))

    def request(self, action: str, message: str = "") -> None:
        """Ask the loop to stop at the next item boundary with this action (the strongest wins)."""
        if _REQUEST_RANK.get(action, 0) > _REQUEST_RANK[self.requested]:
            self.requested, self.request_message = action, message
        self.stop_flag.set()

    def storage_failed(self, exc: StorageError) -> None:
        """A write of this job outside the item loop failed (heartbeat metadata, an event): on a full disk the
        job pauses at the next item boundary with the disk's message, instead of running on unseen."""
        if not is_disk_full(exc):
            return                       # a busy lock or a passing error: the next heartbeat retries
        if self.storage_problem is None:
            self.storage_problem = exc
        self.request("pause")

    def cancel_request(self, action: str) -> None:
        """Withdraw a pause that has not taken effect yet (the user pressed resume in time)."""
        if self.storage_problem is not None and action == "pause":
            return                       # the disk, not a user, asked for this pause
        if self.requested == action:
            self.requested = None
        if self.requested is None:       # also a flag a relay's request() set just after this withdrawal (two threads)
            self.stop_flag.clear()

    def asked(self) -> bool:
        """Whether a request stands (what ctx.should_stop() says): the flag alone may be set with nothing requested,
        when a withdrawal came between a request() on another thread and its flag, and a task that gives its item
        up when asked (a fetch, a Gemini retry wait) then paused the job that nobody wanted paused."""
        return self.stop_flag.is_set() and self.requested is not None

    @property
    def items_done(self) -> int:
        return self.writer.next_index if self.writer else 0

    @property
    def rows_total(self) -> int:
        return self.writer.rows_total if self.writer else 0

    def snapshot(self) -> dict:
        total = self.total_items
        return {"items_done": self.items_done, "items_ahead": self._items_ahead(), "total_items": total,
                "rows_written": self.rows_total,
                "counters": dict(self.writer.counters_total) if self.writer else {},
                "current_step": self.step,
                "current_step_index": self.step_index, "last_successful_step": self.last_step_done,
                "progress_percentage": percentage_of(self.items_done, total),
                **({"items_started_epoch": self.items_started[0], "items_started_done": self.items_started[1]}
                   if self.items_started else {})}

    def _items_ahead(self) -> int:
        ctx = self._ctx
        if ctx is None or self.ended.is_set():
            return 0
        try:
            return max(0, int(self.task.items_ahead(ctx)))
        except Exception:   # a figure for the ETA: never worth a failed heartbeat
            return 0

    def flush(self) -> None:
        """Write progress and heartbeat into the metadata, if this runner still owns the job."""
        def change(job: Job):
            if job.owner_token != self.token:
                self.request("lost")
                return False
            job.update(**self.snapshot())
            job.owner["heartbeat"] = time.time()
        self.last_flush = time.monotonic()
        self.store.update_job(self.job_id, change)

    def _flush_quietly(self) -> None:
        try:
            self.flush()
        except JobNotFound:
            pass    # the heartbeat retries within a second
        except StorageError as exc:
            self.storage_failed(exc)

    # -- the run ------------------------------------------------------------------------------
    def _main(self) -> None:
        """Run the job holding its writer fence until the outcome is written (or handed to the retries).

        Why until then: the heartbeat stops when the run ends, and a fence let go before the outcome was written
        let another process that found the heartbeat stale (this one stalled in between) requeue the job and run
        it again, the outcome then dropped. Why a wait for the fence: this process's previous run of the job (a
        run requeued as it ended, claimed again at once) lets go of it just after writing its outcome."""
        fence = self.store.writer_lock(self.job_id)
        try:
            fence.acquire(timeout=FENCE_WAIT)     # released below, in this same thread
        except filelock.Timeout:
            self._on_exit(self, Outcome("lost", "Another process is still writing this job."))
            return
        except OSError:
            fence = None        # a folder that cannot hold the lock fails the run below, with its own message
        try:
            try:
                outcome = self._execute()
            except BaseException as exc:   # last resort: never let a job thread die silently
                outcome = Outcome(JobStatus.FAILED, f"Internal error: {exc}",
                                  error=_error_dict(exc), failed_step=self.step)
            self.ended.set()
            self._on_exit(self, outcome)
        finally:
            if fence is not None:
                fence.release()

    def _log(self, event: str, message: str, **extra) -> None:
        try:
            self.store.add_event(self.job_id, event, message, **extra)
        except StorageError as exc:
            self.storage_failed(exc)   # the event is lost (never half-written); a full disk pauses the job

    def _execute(self) -> Outcome:
        job = self.store.read_job(self.job_id)
        results = self.store.results_path(self.job_id)
        checkpoints = self.store.checkpoints_path(self.job_id)
        # the columns the job was created with, its results file's header: a job an older version created, resumed
        # by a version whose task writes more columns, goes on writing lines its header describes
        columns = tuple(job.result_columns or self.task.result_columns)
        try:
            last = recover_files(results, checkpoints, columns)
            writer = ResultsWriter(results, checkpoints, columns, last, self.durability,
                                   newer=self.task.result_columns)
        except StorageError as exc:
            return self._storage_outcome(exc)
        self.writer = writer
        self.total_items = job.total_items   # the last known total, so progress shows while preparing
        ctx = TaskContext(self.job_id, job.config or {}, self.store.input_dir(self.job_id),
                          self._secrets, log=lambda m: self._log("log", m),
                          results=lambda: read_results(results, checkpoints, columns),
                          rows=lambda: iter_result_rows(results, checkpoints),
                          stop_flag=SimpleNamespace(is_set=self.asked), counters=lambda: writer.counters_total,
                          committed=lambda: writer.next_index)
        try:
            return self._run_steps(ctx, writer, last.key if last else None)
        except _Interrupted:
            return self._requested_outcome()
        finally:
            writer.close()
            try:
                self.task.release(ctx)
            except Exception:   # a task's cleanup never changes the run's outcome
                log.exception("job %s: releasing the task failed", self.job_id)

    def _run_steps(self, ctx: TaskContext, writer: ResultsWriter, last_key: str | None) -> Outcome:
        """Every preparation step again (they rebuild ctx.state), then the items after the last
        checkpoint, then finish()."""
        outcome = self._prepare_steps(ctx)
        if outcome is None:
            outcome = self._item_step(ctx, writer, last_key)
        return outcome

    def _prepare_steps(self, ctx: TaskContext) -> Outcome | None:
        steps = tuple(self.task.steps)
        for index, step in enumerate(steps[:-1]):
            self._check_interrupt()
            self.step_index, self.step = index, step
            self._flush_quietly()
            try:
                self._log("step_started", f"Step {index + 1}/{len(steps)} '{step}' started.")
                self.task.prepare(ctx, step)
                self._log("step_finished", f"Step {index + 1}/{len(steps)} '{step}' finished.")
                self.last_step_done = step
            except PauseJob as exc:
                if self.asked():   # the task gave its step up for a request: a shutdown's "release" requeues the
                    return self._requested_outcome()   # job (it was left paused), a stop stops it
                return Outcome(JobStatus.PAUSED, str(exc) or f"Paused during step '{step}'.")
            except StorageError as exc:
                return self._storage_outcome(exc)
            except Exception as exc:
                return self._failed(step, exc, f"step '{step}'")
        return None

    def _item_step(self, ctx: TaskContext, writer: ResultsWriter, last_key: str | None) -> Outcome:
        steps = tuple(self.task.steps)
        self.step_index, self.step = len(steps) - 1, steps[-1]
        try:
            keys = [str(k) for k in self.task.items(ctx)]
        except Exception as exc:
            return self._failed(self.step, exc, f"listing the items of step '{self.step}'")
        problem = _item_list_problem(keys, writer.next_index, last_key)
        if problem:
            return Outcome(JobStatus.FAILED, problem, failed_step=self.step,
                           error={"type": "InvalidJobOperation", "message": problem})
        self.total_items = len(keys)
        self._check_interrupt()   # after the count: a job paused as its preparation ended read "0/?" in this step
        self.items_started = (time.time(), writer.next_index)   # the rate counts from here, not from the
        self._flush_quietly()                                   # preparation steps before
        label = f"Step {len(steps)}/{len(steps)} '{self.step}'"
        self._log("step_started", f"{label} started: {len(keys) - writer.next_index:,} of "   # "4,510", as the
                  f"{counted(len(keys), 'item')} to process.")                       # panel writes it
        self._ctx = ctx
        try:
            outcome = self._run_items(ctx, writer, keys)
        finally:
            self._ctx = None
        if outcome is not None:
            return outcome
        self._log("step_finished", f"{label} finished.")
        self.last_step_done = self.step
        try:
            summary = self.task.finish(ctx)
        except Exception as exc:
            return self._failed(self.step, exc, "finishing the job")
        return Outcome(JobStatus.COMPLETED,
                       f"Completed: {counted(len(keys), 'item')}, {counted(self.rows_total, 'result row')}.",
                       summary=summary)

    def _check_interrupt(self) -> None:
        if self.stop_flag.is_set() and self.requested and self._request_stands():
            raise _Interrupted

    def _request_stands(self) -> bool:
        """Whether a pause is still wanted, asked of the job file at the boundary where it would take effect.

        Why: the scheduler relays another process's pause from a read of the file that may be stale by the time
        it is applied (pause then resume in the other process between that read and the relay); acting on it
        ended the job paused although the user's last word was resume. A pause the disk asked for, or one the
        file cannot confirm (unreadable), stands."""
        if self.requested != "pause" or self.storage_problem is not None:
            return True
        try:
            job = self.store.read_job(self.job_id)
        except (JobNotFound, ValueError, OSError):
            return True
        if job.owner_token != self.token:
            return True
        if job.requested_action:
            self.request(job.requested_action)   # a stronger one written since (stop) is taken here, not an item later
            return True
        self.cancel_request("pause")
        return False

    # -- items ----------------------------------------------------------------------------------
    def _run_items(self, ctx: TaskContext, writer: ResultsWriter, keys: Sequence[str]) -> Outcome | None:
        """None when every item is done; otherwise how the job stopped early."""
        self.current_index = writer.next_index
        try:
            width = max(1, int(self.task.concurrency_for(ctx)))
            if width > 1:
                self._items_in_pool(ctx, writer, keys, width)
            else:
                self._items_in_order(ctx, writer, keys)
        except _Interrupted:
            return self._requested_outcome()
        except PauseJob as exc:
            if self.stop_flag.is_set() and self.requested:   # the task gave up its item for a request
                return self._requested_outcome()
            message = str(exc) or f"Paused by the task at item {self.current_index + 1}."
            return Outcome(JobStatus.PAUSED, message)
        except StorageError as exc:
            return self._storage_outcome(exc)
        except Exception as exc:
            where = f"item {self.current_index + 1} ({keys[self.current_index]!r})"
            return self._failed(self.step, exc, where)
        return None

    def _process(self, ctx: TaskContext, key: str) -> tuple[list, dict, str | None]:
        """Rows, counters and ItemError message of one item (PauseJob and bugs propagate)."""
        try:
            rows = self.task.process(ctx, key)
            return (rows or []), ctx._take_counters(), None
        except ItemError as exc:
            return [], ctx._take_counters(), str(exc) or exc.__class__.__name__
        except BaseException:
            ctx._take_counters()
            raise

    def _commit(self, writer: ResultsWriter, index: int, key: str, outcome: tuple) -> None:
        rows, counters, error = outcome
        writer.commit(index, key, rows, counters, error)
        if error is not None:
            self._log("item_error", f"Item {index + 1:,} ({key}) failed and was skipped: {error}",
                      item=key)

    def _items_in_order(self, ctx: TaskContext, writer: ResultsWriter, keys: Sequence[str]) -> None:
        """The hot loop: kept flat (no per-item helper calls) for the per-item overhead target."""
        stop_flag, process, commit = self.stop_flag, self.task.process, writer.commit
        take_counters = ctx._take_counters
        for index in range(writer.next_index, len(keys)):
            if stop_flag.is_set():
                self._check_interrupt()
            self.current_index = index
            key = keys[index]
            try:
                commit(index, key, process(ctx, key) or (), take_counters())
            except ItemError as exc:
                self._commit(writer, index, key, ([], take_counters(), str(exc) or exc.__class__.__name__))

    def _items_in_pool(self, ctx: TaskContext, writer: ResultsWriter, keys: Sequence[str],
                       width: int) -> None:
        """Up to `width` items in flight; results committed strictly in item order."""
        next_index, pending = writer.next_index, deque()
        with ThreadPoolExecutor(width, thread_name_prefix=f"job-{self.job_id}") as pool:
            try:
                while True:
                    while (len(pending) < width and next_index < len(keys)
                           and not (self.stop_flag.is_set() and self.requested)):
                        pending.append((next_index, pool.submit(self._process, ctx, keys[next_index])))
                        next_index += 1
                    if not pending:
                        if next_index == len(keys):
                            break              # every item done
                        self._check_interrupt()   # submitting stopped for a request: it raises if it stands,
                        continue               # else (a pause withdrawn in time) the rest is submitted
                    index, future = pending.popleft()
                    self.current_index = index
                    self._commit(writer, index, keys[index], future.result())
            finally:
                for _, future in pending:
                    future.cancel()

    # -- outcomes -------------------------------------------------------------------------------
    def _requested_outcome(self) -> Outcome:
        done = items_words(self.items_done, self.total_items)
        action = self.requested
        if action == "pause" and self.storage_problem is not None:
            return self._storage_outcome(self.storage_problem)
        if action in ("pause", "shutdown", "stop"):
            outcome = asked_outcome("stop" if action == "stop" else "pause", self.items_done, self.total_items)
            outcome.message = self.request_message or outcome.message
            outcome.paused_by_request = action == "pause"
            return outcome
        if action == "release":
            return Outcome(JobStatus.QUEUED, self.request_message
                           or f"Interrupted by a shutdown after {done} items; it resumes by itself.")
        return Outcome(action or "lost", self.request_message)

    def _storage_outcome(self, exc: StorageError) -> Outcome:
        if is_disk_full(exc):
            message = f"Paused: {DISK_FULL_MESSAGE}."
        else:
            message = f"Paused: {exc}. Free some space or fix the folder's permissions, then resume."
        return Outcome(JobStatus.PAUSED, message, error=_error_dict(exc), disk_full=is_disk_full(exc))

    def _failed(self, step: str, exc: BaseException, where: str) -> Outcome:
        # an error that says it is worded for the user (plain_message) is shown as it stands; any other is a bug
        # whose class name helps whoever reads it ("GeminiRequestError: Gemini refused the API key" read oddly)
        said = str(exc) if getattr(exc, "plain_message", False) else f"{exc.__class__.__name__}: {exc}"
        message = f"Failed in {where}: {said}"
        log.debug("job %s: %s", self.job_id, message, exc_info=exc)   # traceback for developers only
        return Outcome(JobStatus.FAILED, message, error=_error_dict(exc), failed_step=step)


def items_words(done: int, total: int | None) -> str:
    """Items done, for a sentence: "12 of 497", or "12" before the total is known."""
    return f"{done:,} of {total:,}" if total is not None else f"{done:,}"


def asked_outcome(action: str, done: int, total: int | None) -> Outcome:
    """How a run ends on a user's "pause" or "stop" after `done` items (of `total`)."""
    if action == "pause":
        return Outcome(JobStatus.PAUSED, f"Paused by request after {items_words(done, total)} items.")
    return Outcome(JobStatus.STOPPED, f"Stopped by request after {items_words(done, total)} items; partial results "
                                      "are kept.")


def _error_dict(exc: BaseException) -> dict:
    return {"type": exc.__class__.__name__, "message": str(exc)}


def _item_list_problem(keys: Sequence[str], next_index: int, last_key: str | None) -> str | None:
    if next_index == 0:
        return None
    if next_index > len(keys) or keys[next_index - 1] != last_key:
        return (f"cannot resume: the task's item list changed since the last checkpoint "
                f"(item {next_index} was {last_key!r})")
    return None

