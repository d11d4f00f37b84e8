"""Everything a job keeps on disk, except the results and checkpoint files (see jobresults.py).

Layout inside the jobs folder (nothing outside it is ever touched):
  <id>.json            metadata, replaced atomically (temp file in the same folder, fsync, os.replace)
  <id>.lock            filelock guarding every read-modify-write of that job's metadata
  <id>.run.lock        held by the thread writing the job's results for its whole run (the writer fence)
  <id>_events.jsonl    append-only event log, trimmed to the last MAX_EVENTS lines
  <id>_input/          the job's own copy of its inputs
  .scheduler.lock      guards claiming a queued job, so the running-jobs cap holds across processes
  datasets/            reserved for the dashboard's upload store: ignored here
"""
from __future__ import annotations

import contextlib
import errno
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

from inlink.jobs.state import (InvalidJobOperation, JobNotFound, JobStatus, StorageError, utc_now_iso,
                      validate_job_id)

MAX_EVENTS = 500
_EVENTS_TRIM_BYTES = 400_000          # trim when the event file grows past this
LOCK_TIMEOUT = 30.0
RESERVED_DIRS = {"datasets"}
SCHEDULER_LOCK = ".scheduler.lock"
_TEMP_RE = re.compile(r"\.[0-9a-f]{12}[a-z_.]*\.[0-9]+_[0-9]+\.tmp")
_TEMP_MAX_AGE = 60.0                  # a younger temp file may belong to a write in progress
ANNOTATIONS_SUFFIX = "_annotations.json"   # a front end's notes on the job (inlink/jobs/annotations.py)
_JOB_FILE_RE = re.compile(r"([0-9a-f]{12})(\.json|\.lock|\.run\.lock|_results\.csv|_checkpoints\.log|"
                          r"_events\.jsonl|_annotations\.json|_input)")
_INPUT_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._ -]{0,200}")

_STATUS_VALUES = tuple(s.value for s in JobStatus)   # a tuple: an odd (unhashable) status is no error
HOST = socket.gethostname()


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
def process_start_time(pid: int) -> str | None:
    """Start time of a process in clock ticks since boot (tells a reused pid from the original)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read().decode("ascii", "replace")
        return stat.rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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


# ----------------------------------------------------------------------------- low-level writes
def write_all(fd: int, data: bytes) -> None:
    """os.write until every byte is out (a regular file rarely writes short, but it may)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Readers see the old file or the new one, never half of it, even after kill -9 or power loss."""
    tmp = path.parent / f".{path.name}.{os.getpid()}_{time.monotonic_ns() % 10**9}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise storage_error(exc, f"write {path.name}") from exc


def append_line(path: Path, data: bytes) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            write_all(fd, data)
        finally:
            os.close(fd)
    except OSError as exc:
        raise storage_error(exc, f"append to {path.name}") from exc


def _settled(entry: os.DirEntry) -> bool:
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
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise storage_error(exc, f"create the jobs folder {self.root}") from exc
        self._cache: dict[str, tuple[tuple, dict]] = {}
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
        lock = filelock.FileLock(str(path), timeout=LOCK_TIMEOUT)
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

    def job_lock(self, job_id: str):
        return self._locked(self.path(job_id, ".lock"), f"job {job_id}")

    def writer_lock(self, job_id: str) -> filelock.FileLock:
        """The writer fence: the runner thread holds it for the whole run and the OS drops it when the process
        dies. A live owner whose heartbeat went stale (a suspended laptop, a long item) still holds it, so no
        other process takes the job over and writes its results at the same time."""
        return filelock.FileLock(str(self.path(job_id, ".run.lock")), timeout=0)

    def writer_active(self, job_id: str) -> bool:
        """Whether some thread or process holds the job's writer fence (probed: acquired and released here)."""
        lock = self.writer_lock(job_id)
        try:
            lock.acquire()
        except filelock.Timeout:
            return True
        except OSError:
            return False
        lock.release()
        return False

    def scheduler_lock(self):
        return self._locked(self.root / SCHEDULER_LOCK, "the jobs folder")

    # -- metadata -------------------------------------------------------------------------------
    def exists(self, job_id: str) -> bool:
        return self.meta_path(job_id).exists()

    def read_meta(self, job_id: str) -> dict:
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
        return meta

    def write_meta(self, meta: dict) -> None:
        meta["updated_at"] = utc_now_iso()
        data = json.dumps(meta, indent=1, default=str).encode()
        atomic_write_bytes(self.meta_path(meta["job_id"]), data)

    def update_meta(self, job_id: str, change: Callable[[dict], Any]) -> dict:
        """Read-modify-write under the job's lock; `change` edits the dict in place
        (returning False means: leave the file as it is)."""
        with self.job_lock(job_id):
            meta = self.read_meta(job_id)
            if change(meta) is not False:
                self.write_meta(meta)
            return meta

    # -- events ---------------------------------------------------------------------------------
    def add_event(self, job_id: str, event: str, message: str, *, locked: bool = False,
                  **extra: Any) -> None:
        """Append one event; `locked=True` when the caller already holds the job's lock."""
        record = {"ts": utc_now_iso(), "event": event, "message": message, **extra}
        path = self.events_path(job_id)
        append_line(path, (json.dumps(record, default=str) + "\n").encode())
        with contextlib.suppress(OSError):
            if path.stat().st_size > _EVENTS_TRIM_BYTES:
                with contextlib.nullcontext() if locked else self.job_lock(job_id):
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
            folder.mkdir()
            for name, value in inputs.items():
                if not isinstance(name, str) or not _INPUT_NAME_RE.fullmatch(name) or ".." in name:
                    raise InvalidJobOperation(f"invalid input name {name!r}: use a plain file name")
                if isinstance(value, (bytes, bytearray, memoryview)):
                    (folder / name).write_bytes(bytes(value))
                elif isinstance(value, (str, Path)):
                    if not Path(value).is_file():
                        raise InvalidJobOperation(f"input {name!r}: file {value} does not exist")
                    shutil.copyfile(value, folder / name)
                else:
                    raise InvalidJobOperation(f"input {name!r} must be a file path or bytes")
        except OSError as exc:
            raise storage_error(exc, f"copy the inputs of job {job_id}") from exc

    # -- listing --------------------------------------------------------------------------------
    def scan(self) -> list[dict]:
        """Every readable job's metadata; unreadable or foreign entries go to last_problems.

        Metadata is cached by (inode, size, mtime) so a listing of 1,000 jobs costs stats, not reads.
        """
        with self._scan_lock:
            return self._scan()

    def _scan(self) -> list[dict]:
        problems: list[str] = []
        jobs: list[dict] = []
        seen: set[str] = set()
        try:
            entries = list(os.scandir(self.root))
        except OSError as exc:
            raise storage_error(exc, f"list the jobs folder {self.root}") from exc
        ids_with_meta = {e.name[:-5] for e in entries if e.name.endswith(".json")}
        for entry in entries:
            name = entry.name
            if name in RESERVED_DIRS or name == SCHEDULER_LOCK or _TEMP_RE.fullmatch(name):
                continue
            match = _JOB_FILE_RE.fullmatch(name)
            if not match:
                problems.append(f"{name}: not a file of this job manager (left alone)")
                continue
            job_id, suffix = match.groups()
            if suffix != ".json":
                if job_id not in ids_with_meta and not suffix.endswith(".lock") and _settled(entry):
                    problems.append(f"{name}: belongs to no job (its {job_id}.json is missing)")
                continue
            meta = self._cached_meta(entry, job_id, problems)
            if meta is not None:
                seen.add(job_id)
                jobs.append(meta)
        self._cache = {k: v for k, v in self._cache.items() if k in seen}
        self.last_problems = problems
        return jobs

    def _cached_meta(self, entry: os.DirEntry, job_id: str, problems: list[str]) -> dict | None:
        try:
            st = entry.stat()
            key = (st.st_ino, st.st_size, st.st_mtime_ns)
            cached = self._cache.get(job_id)
            if cached and cached[0] == key:
                return cached[1]
            meta = self.read_meta(job_id)
        except JobNotFound:
            return None                       # deleted between listing and reading
        except (OSError, ValueError) as exc:
            problems.append(f"{entry.name}: unreadable job metadata ({exc.__class__.__name__}: {exc})")
            return None
        self._cache[job_id] = (key, meta)
        return meta

    def clean_temp_files(self) -> None:
        """Remove temp files left by a write that was killed before its os.replace."""
        now = time.time()
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.root):
                if _TEMP_RE.fullmatch(entry.name):
                    with contextlib.suppress(OSError):
                        if now - entry.stat().st_mtime > _TEMP_MAX_AGE:
                            os.unlink(entry.path)

    def remove_job_files(self, job_id: str) -> None:
        """Delete every file of a job, the metadata first so the job vanishes from listings at once."""
        validate_job_id(job_id)
        try:
            for suffix in (".json", "_results.csv", "_checkpoints.log", "_events.jsonl", ANNOTATIONS_SUFFIX):
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
