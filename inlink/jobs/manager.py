"""Durable background jobs: the public API (see docs/architecture.md section 1).

JobManager is the front door (re-exported by inlink.jobs); the pieces behind it:
  state.py      statuses, transitions, errors        store.py    metadata, events, locks, listing
  record.py     the typed Job record                 results.py  results + checkpoint log (exactly once)
  task.py       Task, TaskContext, registry          runner.py   runs one job on a thread
  scheduler.py  the manager's thread: FIFO claims under a cross-process cap, recovery of orphans,
                relaying pause/stop/delete from other processes, heartbeats
  annotations.py  a front end's notes kept with a job
  results_check.py  a read of the results checked against what the checkpoints committed (DamagedResults)
"""
from __future__ import annotations

import contextlib
import copy
import json
import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping, Sequence


if TYPE_CHECKING:
    import pandas as pd

from inlink.jobs.record import ACTIVE_STATUSES, Job
from inlink.jobs.annotations import read_annotations, update_annotations
from inlink.jobs.results import (ResultFrames, header_bytes, last_checkpoint, read_results, require_all_committed,
                                 results_csv_bytes)
from inlink.jobs.state import (JOB_ID_PATTERN, TERMINAL_STATUSES, DamagedResults, InvalidJobId, InvalidJobOperation,
                      ItemError, JobError, JobNotFound, JobStatus, PauseJob, SecretInConfig,
                      StorageError, UnknownTask, check_transition, iso_to_epoch, new_job_id,
                      secret_keys, utc_now_iso, validate_job_id)
from inlink.jobs.scheduler import DELETED, OVER, JobScheduler, catch_up_with_log, end_as_asked
from inlink.jobs.store import JobStore, atomic_write_bytes, owner_alive
from inlink.jobs.task import STATE_DIR, Task, TaskContext, get_task, is_registered, register_task, registered_tasks

__all__ = ["JobStatus", "TERMINAL_STATUSES", "JobError", "JobNotFound", "InvalidJobId",
           "InvalidJobOperation", "SecretInConfig", "UnknownTask", "StorageError", "DamagedResults", "ItemError",
           "PauseJob", "TaskContext", "Task", "register_task", "registered_tasks", "is_registered",
           "JobManager", "default_jobs_dir", "job_of_file", "Job", "ACTIVE_STATUSES", "validate_job_id"]

_DELETE_WAIT = 10.0    # how long delete() waits for another process to release a running job


def _new_job(job_id: str, task: Task, config: dict, label: str, inputs: list[str]) -> Job:
    steps = tuple(task.steps)
    return Job(job_id=job_id, task=task.name, label=label, status=JobStatus.QUEUED, created_at=utc_now_iso(),
               current_step=steps[0], total_steps=len(steps), steps=list(steps), config=config,
               message="Queued: waiting for a free slot.", result_columns=list(task.result_columns),
               numeric_columns=list(task.numeric_columns), inputs=inputs)


def _checked_config(config: Mapping | None) -> dict:
    """The config as stored: JSON-serialisable and free of anything that looks like a secret."""
    config = dict(config or {})
    found = secret_keys(config)
    if found:
        raise SecretInConfig(f"config key(s) {', '.join(found)} look like secrets: pass them as "
                             "secrets=..., which are kept in memory only and never written")
    try:
        json.dumps(config)
    except (TypeError, ValueError) as exc:
        raise InvalidJobOperation(f"config must be JSON-serialisable: {exc}") from None
    return config


def default_jobs_dir() -> Path:
    """The data folder when none is given: $INLINK_JOBS_DIR, else ./jobs (one rule for every front end)."""
    return Path(os.environ.get("INLINK_JOBS_DIR") or "jobs")


def job_of_file(path: str | Path, jobs_dir: str | Path | None = None) -> str | None:
    """The id of the job one of whose files (metadata, results, logs, locks, its input folder) `path` is, in the
    jobs folder; None for any other path. A front end refuses to write a user's file there: `jobs export ID -o
    jobs/ID_results.csv` replaced the job's results with an export of them (a byte-order mark, formula guards)."""
    folder = os.path.realpath(jobs_dir or default_jobs_dir())
    inside = os.path.relpath(os.path.realpath(path), folder)
    first = Path(inside).parts[0] if inside != "." else ""
    if inside.startswith(os.pardir) or not JOB_ID_PATTERN.match(first) or first[12:13] not in (".", "_"):
        return None
    return first[:12] if os.path.exists(os.path.join(folder, f"{first[:12]}.json")) else None   # a job's, not a name


class JobManager:
    def __init__(self, jobs_dir: str | Path | None = None, max_running: int = 2,
                 durability: str = "crash", heartbeat_interval: float = 1.0,
                 stale_after: float = 15.0, autostart: bool = True, max_recoveries: int = 3):
        if durability not in ("crash", "power"):
            raise ValueError(f"durability must be 'crash' or 'power', not {durability!r}")
        self.store = JobStore(jobs_dir or default_jobs_dir())
        self.jobs_dir = self.store.root
        self.max_running = max(1, int(max_running))
        self.durability = durability
        self.heartbeat_interval = float(heartbeat_interval)
        self.stale_after = float(stale_after)
        self.max_recoveries = int(max_recoveries)
        self._secrets: dict[str, dict] = {}
        self._frames = ResultFrames()
        self._changed = threading.Condition()
        self._scheduler = JobScheduler(
            self.store, max_running=self.max_running, durability=durability,
            heartbeat_interval=self.heartbeat_interval, stale_after=self.stale_after,
            max_recoveries=self.max_recoveries, secrets=self._secrets, on_change=self._notify)
        self.store.clean_temp_files()
        self.store.ensure_reserve()
        if autostart:
            self.start()

    # ================================================================ lifecycle
    def start(self) -> None:
        """Start the scheduler thread (idempotent): recovers orphans, then starts queued jobs."""
        self._scheduler.start()

    def shutdown(self, pause: bool = False, timeout: float = 10) -> None:
        """Stop scheduling. This manager's running jobs stop after their current item: paused
        (pause=True) or handed back to the queue so the next manager resumes them by itself."""
        self._scheduler.shutdown(pause, timeout)
        self._notify()

    def _notify(self) -> None:
        with self._changed:
            self._changed.notify_all()

    # ================================================================ create / read
    def create_job(self, task: str, *, inputs: Mapping[str, str | Path | bytes] | None = None,
                   config: Mapping | None = None, label: str = "",
                   secrets: Mapping[str, str] | None = None, refuse: Callable[[], None] | None = None) -> str:
        """A queued job with its own copy of `inputs` (str/Path: files to copy; bytes: content).
        Nothing is left behind when this raises. The label is made one line (lists show one line per job).

        ``refuse`` is called under the folder's creation lock, right before the job's metadata is written, and
        raises to refuse the job: a caller's check (no identical job queued) and the creation are then one step
        for every process on the folder, where two processes' checks could both pass before either job existed."""
        label = " ".join(str(label or "").split())
        task_obj = get_task(task)
        config = _checked_config(config)
        job_id = new_job_id()
        while self.store.exists(job_id):
            job_id = new_job_id()
        if secrets:                   # before the metadata exists: the scheduler may claim it at once
            self._secrets[job_id] = dict(secrets)
        try:
            self.store.copy_inputs(job_id, inputs or {})
            atomic_write_bytes(self.store.results_path(job_id), header_bytes(task_obj.result_columns))
            with self.store.creation_lock() if refuse else contextlib.nullcontext():
                if refuse:
                    refuse()
                with self.store.job_lock(job_id, must_exist=False):
                    self.store.write_job(_new_job(job_id, task_obj, config, label, sorted(inputs or {})))
            self.store.add_event(job_id, "created", f"Job created for task '{task}'"
                                 + (f" ({label})." if label else "."))
        except BaseException:
            self._secrets.pop(job_id, None)
            with contextlib.suppress(JobError, OSError):
                self.store.remove_job_files(job_id)
            raise
        self._scheduler.wake()
        return job_id

    def get(self, job_id) -> dict:
        """Metadata plus computed `progress` (the dict form of job(); see docs/architecture.md)."""
        return self.job(job_id).public()

    def job(self, job_id) -> Job:
        """The typed record of a job; a running job's counts come from its checkpoint log, and a status this
        process could not write yet (a full disk) is shown as it will be written."""
        job = self._read(job_id)
        if job.status is JobStatus.RUNNING:
            self._refresh_from_checkpoint(job)
            self._scheduler.overlay_unwritten(job)
        return job

    def missing_inputs(self, job_id) -> list[str]:
        """The names of the input files the job was made with that its folder no longer holds (removed by hand, or
        by a clean-up of the disk), so a front end can tell a retry that would only fail the same way from one that
        may work; [] for a job made before its record listed them."""
        job = self._read(job_id)
        folder = self.store.input_dir(job.job_id)
        return [name for name in job.inputs if not (folder / name).is_file()]

    def orphaned(self, job: Job) -> bool:
        """A job marked running that no live process writes (its worker was killed, or its machine slept past
        the heartbeat): nothing advances it until a manager starts (`jobs worker`, the dashboard) and resumes it."""
        return job.status is JobStatus.RUNNING and not self.store.runs(job, self.stale_after)

    def _read(self, job_id) -> Job:
        validate_job_id(job_id)
        try:
            return self.store.read_job(job_id)
        except ValueError as exc:
            raise JobError(f"job {job_id}: its metadata file is corrupt ({exc})") from None

    def _refresh_from_checkpoint(self, job: Job) -> None:
        """The checkpoint log is ahead of the (time-based) metadata: read its last line."""
        catch_up_with_log(job, self.store.checkpoints_path(job.job_id))

    def list_jobs(self, status: str | None = None) -> list[dict]:
        """Newest first, as get() dicts. Reads each small JSON once (cached by mtime); never scans results."""
        return [job.public() for job in self.jobs(status)]

    def jobs(self, status: str | JobStatus | None = None) -> list[Job]:
        """The typed records of list_jobs(), newest first (copies: the listing's cache stays as read)."""
        jobs = [copy.copy(job) for job in self.store.scan()]
        if status is not None:
            wanted = JobStatus(status)
            jobs = [job for job in jobs if job.status is wanted]
        return sorted(jobs, key=lambda job: str(job.created_at or ""), reverse=True)

    def has_work(self) -> bool:
        """Queued jobs this process can run, or running ones (its own, or orphans it may recover)."""
        return any(job.status in (JobStatus.QUEUED, JobStatus.RUNNING) and is_registered(job.task)
                   for job in self.jobs())

    def ran_here(self) -> set[str]:
        """The ids of the jobs this manager has run (claimed, then run some of, whatever the outcome) since it was
        made. Another manager on the same folder runs the rest: a worker that saw a job queued or running tells its
        own runs from those (it reported another process's run as its own)."""
        return self._scheduler.ran_here()

    def problems(self) -> list[str]:
        """Corrupt or foreign files seen by the last listing (scans now if none has run yet)."""
        if self.store.last_problems is None:
            self.store.scan()
        return list(self.store.last_problems)

    def events(self, job_id, limit: int = 50) -> list[dict]:
        """The last `limit` events, oldest first: {"ts", "event", "message", ...}."""
        self._read(job_id)
        with self._deleted_meanwhile(job_id, "its events"):
            return self.store.read_events(job_id, limit)

    # ================================================================ control
    def pause(self, job_id) -> None:
        """Queued: paused at once. Running: pauses after the item in progress (any process)."""
        self._control(job_id, "pause")

    def stop(self, job_id) -> None:
        """Final stop; a running job stops after the item in progress. Partial results stay."""
        self._control(job_id, "stop")

    def _control(self, job_id, action: str) -> None:
        """Pause/stop: at once when nothing runs the job, else at the owner's next item boundary."""
        validate_job_id(job_id)
        with self.store.job_lock(job_id):
            job = self._read(job_id)
            event = None
            if self._honour_orphan_request(job) != action:    # the same request, honoured now: nothing more to do
                event = self._control_change(job_id, job, action)
                self.store.write_job(job)
        if job.status in OVER:
            self._secrets.pop(job_id, None)   # it never runs again: its API key is not kept for nothing
        if event is not None:
            self.store.add_event(job_id, *event)
        runner = self._scheduler.runner(job_id)
        if runner is not None:
            runner.request(action)
        self._notify()

    def _control_change(self, job_id: str, job: Job, action: str) -> tuple[str, str]:
        """Edit `job` (its lock held) for a pause or stop; returns the event to log."""
        check_transition(job_id, job.status, action)
        if self.store.runs(job, self.stale_after):
            _refuse_weaker_request(job_id, action, job.requested_action)
            job.requested_action = action
            job.message = f"{action.capitalize()} requested: takes effect after the item in progress."
            return f"{action}_requested", job.message
        if job.status is JobStatus.RUNNING:   # an orphan: its worker died between two metadata writes
            self._refresh_from_checkpoint(job)
            job.close_session(ended=(job.owner or {}).get("heartbeat"))   # its last sign of life
        return self._apply_now(job, action)

    def _honour_orphan_request(self, job: Job) -> str | None:
        """Under the job's lock, before a pause, stop or resume of it: an orphan's request that its dead worker never
        reached (pause, stop, delete) is carried out first; returns the request honoured, or None.

        Why: a resume requeued the orphan, which clears requests, and a job the user had stopped ran on to the end (a
        job being deleted too); a pause or stop after a delete ended the job paused or stopped, its files kept. The
        action asked now then meets the job as the earlier request left it (a resume of a stopped job is refused)."""
        action = job.requested_action
        if action is None or not self.orphaned(job):
            return None
        event = self._scheduler.honour_request(job)
        if event is None:
            return None
        if event[0] == DELETED:
            raise JobNotFound(f"job {job.job_id} not found: it was {event[1]}")
        self.store.write_job(job)
        self.store.add_event(job.job_id, *event, locked=True)
        return action

    @staticmethod
    def _apply_now(job: Job, action: str) -> tuple[str, str]:
        return end_as_asked(job, action, "Paused by request." if action == "pause"
                            else "Stopped by request; partial results are kept.")

    def resume(self, job_id, secrets: Mapping[str, str] | None = None) -> None:
        """Queue a paused or failed job again (it continues after its last checkpoint); on a running
        job whose pause has not taken effect yet, withdraw the pause."""
        validate_job_id(job_id)
        with self._secrets_for(job_id, secrets):
            with self.store.job_lock(job_id):
                job = self._read(job_id)
                self._honour_orphan_request(job)
                event = self._resume_change(job_id, job)
                self.store.write_job(job)
        self.store.ensure_reserve()        # space was freed: keep the ballast for the next full disk
        self.store.add_event(job_id, *event)
        self._scheduler.wake()
        self._notify()

    @contextlib.contextmanager
    def _secrets_for(self, job_id: str, secrets: Mapping[str, str] | None) -> Iterator[None]:
        """Hold a resume's secrets for the job, and give the job back the ones it had if the resume is refused.

        Why before the resume's write: the scheduler may claim the queued job at once. Why undone on a refusal
        (a stopped job, a job not found): an API key the user gave for nothing stayed in memory for the manager's
        life, over the job's own."""
        if not secrets:
            yield
            return
        before = self._secrets.get(job_id)
        self._secrets[job_id] = dict(secrets)
        try:
            yield
        except BaseException:
            if before is None:
                self._secrets.pop(job_id, None)
            else:
                self._secrets[job_id] = before
            raise

    def _resume_change(self, job_id: str, job: Job) -> tuple[str, str]:
        status = job.status
        if status is JobStatus.RUNNING and job.requested_action == "pause":
            job.update(requested_action=None, message="Running (pause withdrawn).")
            runner = self._scheduler.runner(job_id)
            if runner is not None:
                runner.cancel_request("pause")
            return "resumed", "Pause withdrawn before it took effect."
        if self.orphaned(job):
            return self._scheduler.requeue(job, "its process is gone")
        if status is JobStatus.RUNNING:   # a pending stop or delete read "it is running already"
            _refuse_weaker_request(job_id, "resume", job.requested_action)
        check_transition(job_id, status, "resume")
        reason = "retried" if status is JobStatus.FAILED else "resumed"
        job.update(status=JobStatus.QUEUED, resume_reason=reason, error=None, failed_step=None, recoveries=0,
                   message="Queued to resume: waiting for a free slot.")
        return reason, (f"{'Retry' if reason == 'retried' else 'Resume'} requested from item "
                        f"{job.items_done + 1}.")

    def edit_config(self, job_id, edit: Callable[[dict], Mapping], note: str | None = None) -> None:
        """Change the config of a job that no process runs (paused, queued, failed...), e.g. a raised budget before
        a resume; a running job is refused (its run read the config when it started). `edit` makes the new config
        from a copy of the job's own, read under the job's lock: two front ends changing two settings of one job at
        once (a budget here, a model there) both keep theirs, where a config read before the lock and written back
        whole (update_config, removed) lost the other's change. `note`, when given, goes into the job's events
        ("config"), so its history says what changed between two runs."""
        validate_job_id(job_id)

        def change(job: Job) -> None:
            if self.store.runs(job, self.stale_after):     # not an orphan: its worker died, no run reads it now
                raise InvalidJobOperation(f"cannot change the settings of job {job_id} while it runs: pause it "
                                          "first")
            job.config = _checked_config(edit(copy.deepcopy(job.config or {})))
        self.store.update_job(job_id, change)
        if note:
            self.store.add_event(job_id, "config", note)

    def delete(self, job_id) -> None:
        """Stop the job if it runs (at its next item boundary), then remove every file of it.

        A job whose metadata is corrupt is deleted too: nothing can run or resume it, and its files would stay
        forever. A job that was not running is read again under its lock before its files go: a scheduler may have
        claimed it meanwhile (queued), and its runner would write the files again under a deleted job; that run is
        then asked to stop first, as a running job's is. The files of a job id whose metadata is gone (its creator or
        deleter was killed in between) are removed too, once settled (store.remove_leftovers)."""
        validate_job_id(job_id)
        if not self.store.exists(job_id) and self.store.remove_leftovers(job_id):
            self._notify()
            return
        asked = False
        while True:
            if not asked and self._run_by_a_live_process(job_id):
                self._delete_running(job_id)
                asked = True
            self._scheduler.settle(job_id, _DELETE_WAIT)
            with self.store.job_lock(job_id, must_exist=False):     # the owner may have removed it already
                if asked or not self._run_by_a_live_process(job_id, missing_ok=True):
                    self.store.remove_job_files(job_id)
                    break
        self._secrets.pop(job_id, None)
        self._notify()

    def _run_by_a_live_process(self, job_id: str, missing_ok: bool = False) -> bool:
        """Whether a live process runs the job now (False for a corrupt record: nothing can run it; JobNotFound
        for a job that does not exist, unless `missing_ok`)."""
        try:
            job = self.store.read_job(job_id)
        except ValueError:
            return False
        except JobNotFound:
            if missing_ok:
                return False
            raise
        return job.status is JobStatus.RUNNING and owner_alive(job.owner, self.stale_after)

    def _delete_running(self, job_id: str) -> None:
        def ask(job: Job) -> None:
            job.requested_action = "delete"
        with contextlib.suppress(JobNotFound):
            self.store.update_job(job_id, ask)
        runner = self._scheduler.runner(job_id)
        if runner is not None:
            runner.request("delete")
            if runner.thread is not threading.current_thread():
                runner.join(_DELETE_WAIT)
            return
        deadline = time.monotonic() + _DELETE_WAIT
        while time.monotonic() < deadline:
            try:
                job = self.store.read_job(job_id)
            except (JobNotFound, ValueError):
                return
            if job.status is not JobStatus.RUNNING:
                return
            with self._changed:
                self._changed.wait(0.05)

    def expired(self, days: float) -> list[Job]:
        """The finished (completed, stopped, failed) jobs last updated more than `days` ago, newest first: what
        cleanup(days) would remove now (a front end names them before it asks)."""
        cutoff = time.time() - float(days) * 86400
        return [job for job in self.jobs() if _finished_before(job, cutoff)]

    def cleanup(self, days: float, only: Iterable[str] | None = None) -> list[str]:
        """Delete finished (completed, stopped, failed) jobs last updated more than `days` ago; with `only`, just
        those of these ids (the ones a user was shown and confirmed), each checked again as it is deleted."""
        cutoff = time.time() - float(days) * 86400
        wanted = None if only is None else set(only)
        removed = []
        for job in self.store.scan():
            if (wanted is None or job.job_id in wanted) and _finished_before(job, cutoff):
                with contextlib.suppress(JobNotFound):
                    if self._delete_finished(job.job_id, cutoff):
                        removed.append(job.job_id)
        return removed

    def _delete_finished(self, job_id: str, cutoff: float) -> bool:
        """Remove a job's files if it is still finished before `cutoff`, checked under its lock: a failed job resumed
        since the listing (another tab, the command line) is queued or running again and stays. delete() would
        have removed it, stopping it if it ran."""
        self._scheduler.settle(job_id, _DELETE_WAIT)   # a run that has just ended may still write its outcome
        with self.store.job_lock(job_id):
            try:
                job = self.store.read_job(job_id)
            except ValueError:         # damaged since the listing: not this clean-up's to judge
                return False
            if not _finished_before(job, cutoff):
                return False
            self.store.remove_job_files(job_id)
        self._secrets.pop(job_id, None)
        self._notify()
        return True

    def wait(self, job_id, timeout: float, until: Iterable = TERMINAL_STATUSES) -> dict:
        """Block until the job's status is in `until` or `timeout` passes; returns the metadata
        either way (check its status)."""
        wanted = {JobStatus(s) for s in ([until] if isinstance(until, str) else until)}
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(job_id)
            left = deadline - time.monotonic()
            if job.status in wanted or left <= 0:
                return job.public()
            with self._changed:
                self._changed.wait(min(0.05, left))

    # ================================================================ annotations
    def state_dir(self, job_id) -> Path:
        """The job's task state folder (TaskContext.state_dir), for a front end that reads what its task kept."""
        return self.store.input_dir(str(job_id)) / STATE_DIR

    def annotations(self, job_id) -> dict:
        """A front end's notes on the job (e.g. accepted / rejected rows); {} when none were set."""
        self._read(job_id)
        with self._deleted_meanwhile(job_id, "its notes"):
            return read_annotations(self.store, job_id)

    def set_annotation(self, job_id, key: str, value) -> None:
        """Set one note (a JSON value; None removes it). Kept with the job, across restarts."""
        self.set_annotations(job_id, {key: value})

    def set_annotations(self, job_id, changes: Mapping[str, object]) -> dict:
        """Set several notes in one write (None removes a key); returns all of the job's notes."""
        self._read(job_id)          # a job that does not exist gets no lock file either
        return update_annotations(self.store, job_id, changes)

    # ================================================================ results
    def results_frame(self, job_id, limit: int | None = None, tail: bool = False) -> pd.DataFrame:
        """Committed rows only; `limit` rows from the start, or from the end with tail=True
        (found through the checkpoint log, so a tail never reads the whole file)."""
        job = self._read(job_id)
        paths = self.store.results_path(job_id), self.store.checkpoints_path(job_id)
        columns = tuple(job.result_columns or ())
        with self._deleted_meanwhile(job_id):
            if limit is None:   # all the rows: kept while nothing is committed (an opened job's page reads them each rerun)
                frame = self._frames.read(*paths, columns, numeric=job.numeric_columns)
                if _written_by_none(job):   # after the read, which says a fault in the rows at its line
                    require_all_committed(*paths)
                return frame
            return read_results(*paths, columns, limit=limit, tail=tail, numeric=job.numeric_columns)

    def results_count(self, job_id) -> int:
        """Committed rows, from the last checkpoint line (no scan of the results)."""
        self._read(job_id)
        with self._deleted_meanwhile(job_id):
            last = last_checkpoint(self.store.checkpoints_path(job_id))
        return last.rows_total if last else 0

    def results_csv(self, job_id, keep: Sequence[bool] | None = None) -> bytes:
        """Committed rows as CSV for spreadsheets: UTF-8 BOM, formula-looking cells neutralised; with `keep`, only
        the rows whose position in it is true (rows past its end are left out)."""
        job = self._read(job_id)
        with self._deleted_meanwhile(job_id):
            return results_csv_bytes(self.store.results_path(job_id), self.store.checkpoints_path(job_id), keep,
                                     columns=tuple(job.result_columns or ()) or None, whole=_written_by_none(job))

    @contextlib.contextmanager
    def _deleted_meanwhile(self, job_id: str, what: str = "its results") -> Iterator[None]:
        """Around every read of a job's files after its metadata: a job deleted meanwhile is said to be gone.

        Why: `jobs export` racing `jobs delete` read "[Errno 2] No such file or directory: '.../ID_results.csv'", a
        file the user never named; and a read that found the files gone read nothing (no events, no notes, 0 rows,
        an empty frame, a CSV without its header), so a panel refreshing as another tab deleted the job drew it
        empty, where a read of its metadata says "job X not found"."""
        try:
            yield
        except (FileNotFoundError, DamagedResults):   # (files removed under a check read as cut short)
            if self.store.exists(job_id):
                raise
        else:
            if self.store.exists(job_id):
                return
        raise JobNotFound(f"job {job_id} not found: it was deleted while {what} were read")


def _written_by_none(job: Job) -> bool:
    """Whether no process writes the job's results now or will recover them first: then its results file holds every
    byte its checkpoints commit, unless it was cut by hand (a running job's, after a power cut, may not yet)."""
    return job.status not in (JobStatus.QUEUED, JobStatus.RUNNING)


#: The requests a running job may have pending that a weaker one must not write over: the owner takes the request the
#: job file holds, and a pause written over a stop (`jobs stop`, then `jobs pause`) ended the job paused.
_STRONGER = {"pause": ("stop", "delete"), "stop": ("delete",), "resume": ("stop", "delete")}


def _refuse_weaker_request(job_id: str, action: str, pending: str | None) -> None:
    if pending in _STRONGER[action]:
        raise InvalidJobOperation(f"cannot {action} job {job_id}: a {pending} is requested already (it takes effect "
                                  "after the item in progress)")


def _finished_before(job: Job, cutoff: float) -> bool:
    """Whether cleanup may remove the job: finished, and last updated before `cutoff` (epoch seconds)."""
    if job.status not in TERMINAL_STATUSES:
        return False
    when = max(filter(None, (iso_to_epoch(value) for value in
                             (job.completed_at, job.stopped_at, job.updated_at, job.created_at))), default=None)
    return when is not None and when < cutoff
