"""Everything a job keeps on disk, except the results and checkpoint files (see results.py).

Layout inside the jobs folder (nothing outside it is ever touched; folders 0700, files 0600, see inlink.fileio):
  <id>.json            the Job record, replaced atomically (temp file in the same folder, fsync, os.replace)
  <id>.lock            filelock guarding every read-modify-write of that job's metadata (only for a job that exists)
  <id>.run.lock        held by the thread writing the job's results for its whole run (the writer fence)
  <id>_events.jsonl    append-only event log (a line whole or not at all), trimmed to the last MAX_EVENTS lines
  <id>_input/          the job's own copy of its inputs
  <id>_annotations.json  a front end's notes on the job (annotations.py)
  .scheduler.lock      guards claiming a queued job, so the running-jobs cap holds across processes
  .creation.lock       held while a job's metadata is written after its creator's last check (create_job's refuse)
  .reserve             ballast released when the disk fills, so a job's pause can still be recorded
  datasets/            reserved for the dashboard's upload store: ignored here
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import shutil
import socket
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

import filelock

from inlink import fileio
from inlink.jobs.record import Job
from inlink.jobs.state import (InvalidJobOperation, JobNotFound, JobStatus, StorageError, utc_now_iso,
                      validate_job_id)

MAX_EVENTS = 500
_EVENTS_TRIM_BYTES = 400_000          # trim when the event file grows past this
LOCK_TIMEOUT = 30.0
RESERVED_DIRS = {"datasets"}
SCHEDULER_LOCK = ".scheduler.lock"
CREATION_LOCK = ".creation.lock"
_TEMP_RE = re.compile(r"\.[0-9a-f]{12}[a-z_.]*\.[0-9]+_[0-9]+\.tmp")
_TEMP_MAX_AGE = 60.0                  # a younger temp file may belong to a write in progress
ANNOTATIONS_SUFFIX = "_annotations.json"   # a front end's notes on the job (inlink/jobs/annotations.py)
_JOB_FILE_RE = re.compile(r"([0-9a-f]{12})(\.json|\.lock|\.run\.lock|_results\.csv|_checkpoints\.log|"
                          r"_events\.jsonl|_annotations\.json|_input)")
#: A job's files besides its metadata and locks (its input folder last)
_DATA_SUFFIXES = ("_results.csv", "_checkpoints.log", "_events.jsonl", ANNOTATIONS_SUFFIX, "_input")
_INPUT_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._ -]{0,200}")

_STATUS_VALUES = tuple(s.value for s in JobStatus)   # a tuple: an odd (unhashable) status is no error
HOST = socket.gethostname()


DISK_FULL_MESSAGE = "the disk is full: free space and resume"
_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
_HELD = (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES)   # flock's "someone holds it" (EACCES on some file systems)
RESERVE = ".reserve"                  # ballast released on a full disk so a job's pause can still be recorded
RESERVE_BYTES = 64 * 1024
#: The folder's own files, which no listing reports: .creation.lock, left by every Start that checks for an identical
#: job, showed on the Jobs page as "1 unreadable file in the jobs folder was skipped".
_FOLDER_FILES = (SCHEDULER_LOCK, CREATION_LOCK, RESERVE)


def is_disk_full(exc: OSError) -> bool:
    return exc.errno in _DISK_FULL


def storage_error(exc: OSError, action: str) -> StorageError:
    """Turn a low-level OSError into one sentence the user can act on."""
    if isinstance(exc, StorageError):
        return exc
    hint = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exceeded",
            errno.EACCES: "permission denied", errno.EROFS: "the file system is read-only",
            errno.EPERM: "operation not permitted"}.get(exc.errno, exc.strerror or str(exc))
    where = f" ({exc.filename})" if exc.filename else ""
    return StorageError(exc.errno, f"could not {action}: {hint}{where}")


# ----------------------------------------------------------------------------- owner liveness
def _proc_stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state first), or None when unreadable."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read().decode("ascii", "replace")
        return stat.rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def process_start_time(pid: int) -> str | None:
    """Start time of a process in clock ticks since boot (tells a reused pid from the original)."""
    fields = _proc_stat(pid)
    return fields[19] if fields and len(fields) > 19 else None


def pid_alive(pid: int) -> bool:
    """Whether the process runs. A zombie (killed, not yet reaped by its parent) still answers kill(pid, 0) but
    will never write again: it counts as gone, so its job is recovered now rather than when its heartbeat goes
    stale."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    fields = _proc_stat(pid)
    return not (fields and fields[0] in ("Z", "X"))


def owner_record(token: str) -> dict:
    pid = os.getpid()
    return {"pid": pid, "host": HOST, "heartbeat": time.time(), "token": token,
            "started": process_start_time(pid)}


def owner_alive(owner: Mapping | None, stale_after: float) -> bool:
    """Alive = same-host process still there (and not a reused pid) and a recent enough heartbeat."""
    if not owner:
        return False
    heartbeat = owner.get("heartbeat") or 0
    if owner.get("host") == HOST:
        pid = int(owner.get("pid") or 0)
        if pid <= 0 or not pid_alive(pid):
            return False
        started = owner.get("started")
        if started and process_start_time(pid) not in (None, started):
            return False
    return time.time() - float(heartbeat) <= stale_after


# ----------------------------------------------------------------------------- writes (inlink.fileio + messages)
def atomic_write_bytes(path: Path, data: bytes) -> None:
    """fileio.atomic_write_bytes (old or new file, never half; mode 0600) with a StorageError saying what failed."""
    try:
        fileio.atomic_write_bytes(path, data)
    except OSError as exc:
        raise storage_error(exc, f"write {path.name}") from exc


def append_line(path: Path, data: bytes) -> None:
    """fileio.append_line (the whole line or nothing; mode 0600) with a StorageError saying what failed."""
    try:
        fileio.append_line(path, data)
    except OSError as exc:
        raise storage_error(exc, f"append to {path.name}") from exc


def _settled(entry: os.DirEntry | Path) -> bool:
    """Older than a job creation could take: a newer file may belong to a job being created."""
    try:
        return time.time() - entry.stat().st_mtime > _TEMP_MAX_AGE
    except OSError:
        return False


class JobStore:
    """Paths, locks, metadata and events of the jobs in one folder."""

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        try:
            fileio.make_private_dir(self.root, exist_ok=True)
        except OSError as exc:
            raise storage_error(exc, f"create the jobs folder {self.root}") from exc
        self._cache: dict[str, tuple[tuple, Job]] = {}
        self._scan_lock = threading.Lock()     # the dashboard lists while the scheduler scans
        self.last_problems: list[str] | None = None    # None until the first scan

    # -- paths --------------------------------------------------------------------------------
    def path(self, job_id: str, suffix: str) -> Path:
        return self.root / f"{validate_job_id(job_id)}{suffix}"

    def meta_path(self, job_id: str) -> Path:
        return self.path(job_id, ".json")

    def input_dir(self, job_id: str) -> Path:
        return self.path(job_id, "_input")

    def results_path(self, job_id: str) -> Path:
        return self.path(job_id, "_results.csv")

    def checkpoints_path(self, job_id: str) -> Path:
        return self.path(job_id, "_checkpoints.log")

    def events_path(self, job_id: str) -> Path:
        return self.path(job_id, "_events.jsonl")

    # -- locks ----------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self, path: Path, what: str) -> Iterator[None]:
        lock = filelock.FileLock(str(path), timeout=LOCK_TIMEOUT, mode=fileio.FILE_MODE)
        try:
            lock.acquire()
        except filelock.Timeout as exc:
            raise StorageError(errno.EBUSY, f"{what} is busy: its lock is held too long") from exc
        except OSError as exc:
            raise storage_error(exc, f"lock {what}") from exc
        try:
            yield
        finally:
            lock.release()

    def job_lock(self, job_id: str, *, must_exist: bool = True):
        """The lock of one job's metadata. A job that does not exist gets no lock file (JobNotFound), unless
        `must_exist=False` (creating it); a lock file whose job vanished meanwhile is removed on release."""
        if must_exist and not self.exists(job_id):
            raise JobNotFound(f"job {job_id} not found")
        return self._job_locked(job_id)

    @contextlib.contextmanager
    def _job_locked(self, job_id: str) -> Iterator[None]:
        try:
            with self._locked(self.path(job_id, ".lock"), f"job {job_id}"):
                yield
        finally:
            if not self.exists(job_id):
                self._remove_stale_lock(job_id)

    def _remove_stale_lock(self, job_id: str) -> None:
        """Best effort: the .lock of a job with no metadata (deleted, or never created) is litter."""
        with contextlib.suppress(OSError):
            os.unlink(self.path(job_id, ".lock"))

    def writer_lock(self, job_id: str) -> filelock.FileLock:
        """The writer fence: the runner thread holds it for the whole run and the OS drops it when the process
        dies. A live owner whose heartbeat went stale (a suspended laptop, a long item) still holds it, so no
        other process takes the job over and writes its results at the same time."""
        return filelock.FileLock(str(self.path(job_id, ".run.lock")), timeout=0, mode=fileio.FILE_MODE)

    def writer_active(self, job_id: str) -> bool:
        """Whether some thread or process holds the job's writer fence (probed: flock taken and let go at once).

        Why its file is opened, never made: a run makes it as it takes the fence, so a missing file is a fence held
        by none; a probe through filelock made it, and a job deleted between a listing's read and its probe (`jobs
        list`, `jobs status`) got back a <id>.run.lock that belonged to no job. flock, as filelock takes it."""
        try:
            fd = os.open(self.path(job_id, ".run.lock"), os.O_RDWR | os.O_NOFOLLOW)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            return exc.errno in _HELD
        finally:
            os.close(fd)            # also lets go of a flock the probe took
        return False

    def runs(self, job: Job, stale_after: float) -> bool:
        """Whether a live process runs the job: its owner's heartbeat is fresh, or its writer still holds the fence.

        Why both: a worker stopped (SIGSTOP) or asleep (a suspended laptop) past its heartbeat writes again when it
        wakes. Judged by the heartbeat alone, a resume requeued it as an orphan (the next claim could not take the
        fence, and the job read "running" with nothing running it) and a pause or stop was applied over its head."""
        return job.status is JobStatus.RUNNING and (owner_alive(job.owner, stale_after)
                                                    or self.writer_active(job.job_id))

    def scheduler_lock(self):
        return self._locked(self.root / SCHEDULER_LOCK, "the jobs folder")

    def creation_lock(self):
        """One job creation at a time in this folder, across processes (a check that no twin exists and the new
        job's metadata, as one step)."""
        return self._locked(self.root / CREATION_LOCK, "job creation")

    # -- metadata -------------------------------------------------------------------------------
    def exists(self, job_id: str) -> bool:
        return self.meta_path(job_id).exists()

    def read_job(self, job_id: str) -> Job:
        """The job's record; JobNotFound when it has no metadata, ValueError when the file is not a job's."""
        path = self.meta_path(job_id)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise JobNotFound(f"job {job_id} not found") from None
        except OSError as exc:
            raise storage_error(exc, f"read {path.name}") from exc
        meta = json.loads(data)
        if (not isinstance(meta, dict) or meta.get("job_id") != job_id
                or meta.get("status") not in _STATUS_VALUES or not isinstance(meta.get("task"), str)):
            raise ValueError("not a job metadata file")
        try:
            return Job.from_dict(meta)
        except TypeError as exc:         # a field of the wrong shape in a hand-edited file
            raise ValueError(f"not a job metadata file ({exc})") from None

    def write_job(self, job: Job) -> None:
        job.updated_at = utc_now_iso()
        data = json.dumps(job.to_dict(), indent=1, default=str).encode()
        atomic_write_bytes(self.meta_path(job.job_id), data)

    def update_job(self, job_id: str, change: Callable[[Job], Any]) -> Job:
        """Read-modify-write under the job's lock; `change` edits the job in place
        (returning False means: leave the file as it is)."""
        with self.job_lock(job_id):
            job = self.read_job(job_id)
            if change(job) is not False:
                self.write_job(job)
            return job

    # -- events ---------------------------------------------------------------------------------
    def add_event(self, job_id: str, event: str, message: str, *, locked: bool = False,
                  **extra: Any) -> None:
        """Append one event; `locked=True` when the caller already holds the job's lock.

        Why under the job's lock: a trim reads the log and replaces it, so a line appended between the two by
        another thread or process went with the old file. A job deleted meanwhile gets no event (the file would
        belong to no job)."""
        record = {"ts": utc_now_iso(), "event": event, "message": message, **extra}
        path = self.events_path(job_id)
        with contextlib.nullcontext() if locked else self._job_locked(job_id):
            if not locked and not self.exists(job_id):
                return
            append_line(path, (json.dumps(record, default=str) + "\n").encode())
            with contextlib.suppress(OSError):
                if path.stat().st_size > _EVENTS_TRIM_BYTES:
                    self._trim_events(job_id)

    def _trim_events(self, job_id: str) -> None:
        lines = self.events_path(job_id).read_bytes().splitlines(keepends=True)
        if len(lines) > MAX_EVENTS:
            atomic_write_bytes(self.events_path(job_id), b"".join(lines[-MAX_EVENTS:]))

    def read_events(self, job_id: str, limit: int = 50) -> list[dict]:
        try:
            lines = self.events_path(job_id).read_bytes().splitlines()
        except FileNotFoundError:
            return []
        events = []
        for line in lines[-limit:] if limit > 0 else []:
            with contextlib.suppress(ValueError):
                events.append(json.loads(line))
        return events

    # -- inputs ---------------------------------------------------------------------------------
    def copy_inputs(self, job_id: str, inputs: Mapping[str, str | Path | bytes]) -> None:
        """Str and Path values are files to copy; bytes are the content itself."""
        folder = self.input_dir(job_id)
        try:
            fileio.make_private_dir(folder)
            for name, value in inputs.items():
                if not isinstance(name, str) or not _INPUT_NAME_RE.fullmatch(name) or ".." in name:
                    raise InvalidJobOperation(f"invalid input name {name!r}: use a plain file name")
                if isinstance(value, (bytes, bytearray, memoryview)):
                    fileio.atomic_write_bytes(folder / name, bytes(value))
                elif isinstance(value, (str, Path)):
                    if not Path(value).is_file():
                        raise InvalidJobOperation(f"input {name!r}: file {value} does not exist")
                    shutil.copyfile(value, folder / name)
                    os.chmod(folder / name, fileio.FILE_MODE)
                else:
                    raise InvalidJobOperation(f"input {name!r} must be a file path or bytes")
        except OSError as exc:
            raise storage_error(exc, f"copy the inputs of job {job_id}") from exc

    # -- listing --------------------------------------------------------------------------------
    def scan(self) -> list[Job]:
        """Every readable job's record; unreadable or foreign entries go to last_problems.

        Metadata is cached by (inode, size, mtime) so a listing of 1,000 jobs costs stats, not reads.
        """
        with self._scan_lock:
            return self._scan()

    def _scan(self) -> list[Job]:
        problems: list[str] = []
        jobs: list[Job] = []
        seen: set[str] = set()
        try:
            entries = list(os.scandir(self.root))
        except OSError as exc:
            raise storage_error(exc, f"list the jobs folder {self.root}") from exc
        ids_with_meta = {e.name[:-5] for e in entries if e.name.endswith(".json")}
        for entry in entries:
            name = entry.name
            if name in RESERVED_DIRS or name in _FOLDER_FILES or _TEMP_RE.fullmatch(name):
                continue
            match = _JOB_FILE_RE.fullmatch(name)
            if not match:
                problems.append(f"{name}: not a file of this job manager (left alone)")
                continue
            job_id, suffix = match.groups()
            if suffix != ".json":
                if job_id not in ids_with_meta and not suffix.endswith(".lock") and _settled(entry):
                    problems.append(f"{name}: belongs to no job (its {job_id}.json is missing); deleting job "
                                    f"{job_id} removes it")
                continue
            job = self._cached_job(entry, job_id, problems)
            if job is not None:
                seen.add(job_id)
                jobs.append(job)
        self._cache = {k: v for k, v in self._cache.items() if k in seen}
        self.last_problems = problems
        return jobs

    def _cached_job(self, entry: os.DirEntry, job_id: str, problems: list[str]) -> Job | None:
        try:
            st = entry.stat()
            key = (st.st_ino, st.st_size, st.st_mtime_ns)
            cached = self._cache.get(job_id)
            if cached and cached[0] == key:
                return cached[1]
            job = self.read_job(job_id)
        except (JobNotFound, FileNotFoundError):
            return None                       # deleted between listing and reading (or its stat)
        except (OSError, ValueError) as exc:
            problems.append(f"{entry.name}: unreadable job metadata ({exc.__class__.__name__}: {exc}); nothing can "
                            f"run or resume job {job_id}: deleting it removes its files")
            return None
        self._cache[job_id] = (key, job)
        return job

    # -- the reserve ----------------------------------------------------------------------------
    def ensure_reserve(self) -> None:
        """Keep RESERVE_BYTES of the disk for the one moment it fills: the file is released then, so the job's
        "paused: the disk is full" event and status can still be written (best effort: no space, no reserve)."""
        path = self.root / RESERVE
        try:
            if path.stat().st_size >= RESERVE_BYTES:
                return
        except FileNotFoundError:
            pass
        except OSError:
            return
        try:
            fd = fileio.open_private(path, os.O_WRONLY)
            try:
                os.posix_fallocate(fd, 0, RESERVE_BYTES)
            finally:
                os.close(fd)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(path)

    def release_reserve(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.root / RESERVE)

    def clean_temp_files(self) -> None:
        """Remove temp files left by a write that was killed before its os.replace, and the lock files of jobs
        that no longer exist (deleted by an older version, or a crash between two unlinks)."""
        with contextlib.suppress(OSError):
            entries = list(os.scandir(self.root))
            with_meta = {e.name[:-5] for e in entries if e.name.endswith(".json")}
            for entry in entries:
                match = _JOB_FILE_RE.fullmatch(entry.name)
                stale_lock = (match is not None and match.group(2) in (".lock", ".run.lock")
                              and match.group(1) not in with_meta)
                if (stale_lock or _TEMP_RE.fullmatch(entry.name)) and _settled(entry):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)

    def remove_leftovers(self, job_id: str) -> bool:
        """Remove the files of a job id that has no metadata, when they are settled (older than a creation takes);
        True when there were some.

        Why: a process killed while it created a job (after its inputs were copied) or deleted one (after its
        metadata went) leaves them; every listing named them as belonging to no job, and deleting the job, the one
        way the user has, said it was not found."""
        with self.job_lock(job_id, must_exist=False):
            left = [self.path(job_id, suffix) for suffix in _DATA_SUFFIXES]
            left = [path for path in left if os.path.lexists(path)]
            if self.exists(job_id) or not left or not all(_settled(path) for path in left):
                return False
            self.remove_job_files(job_id)
        return True

    def remove_job_files(self, job_id: str) -> None:
        """Delete every file of a job, the metadata first so the job vanishes from listings at once."""
        validate_job_id(job_id)
        try:
            for suffix in (".json", *_DATA_SUFFIXES[:-1]):     # the metadata first; the input folder below
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.path(job_id, suffix))
            if self.input_dir(job_id).exists():
                shutil.rmtree(self.input_dir(job_id))
            for lock in (".run.lock", ".lock"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.path(job_id, lock))
        except OSError as exc:
            raise storage_error(exc, f"delete job {job_id}") from exc
        self._cache.pop(job_id, None)
