"""Job states, the transitions allowed between them, and the errors of the job engine.

Kept apart from the storage and the runner so every layer (manager, CLI, dashboard) can name a
status or catch an error without importing the machinery that runs jobs.
"""
from __future__ import annotations

import re
import secrets as _random
from datetime import datetime, timezone
from enum import Enum
from typing import Any, Mapping

from inlink.wording import clipped


class JobStatus(str, Enum):
    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"
    FAILED = "failed"
    STOPPED = "stopped"

    def __str__(self) -> str:  # so f"{status}" reads "paused", not "JobStatus.PAUSED"
        return self.value


TERMINAL_STATUSES = (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.STOPPED)  # also what cleanup(days) may remove


class JobError(Exception):
    """Base of every error the job engine raises on purpose (the CLI prints these as one line)."""


class JobNotFound(JobError, KeyError):
    def __str__(self) -> str:  # KeyError would otherwise print the message in quotes
        return str(self.args[0]) if self.args else "job not found"


class InvalidJobId(JobError, ValueError):
    pass


class InvalidJobOperation(JobError, ValueError):
    pass


class SecretInConfig(JobError, ValueError):
    pass


class UnknownTask(JobError, LookupError):
    pass


class DamagedResults(JobError, ValueError):
    """A job's results file does not hold what its checkpoints committed (edited or cut by hand): said with the file
    and line, never read as fewer rows or a table of shifted cells."""


class StorageError(JobError, OSError):
    """A job file could not be read or written; an OSError with its errno, read as the plain sentence
    storage_error wrote ("could not copy the inputs of job x: the disk is full"), not "[Errno 28] could not ..."."""

    def __str__(self) -> str:
        return self.strerror if self.strerror is not None else super().__str__()


class ItemError(Exception):
    """Raised by Task.process: record this item as errored (it counts as done) and go on."""


class PauseJob(Exception):
    """Raised by Task.process: pause the job with this message; the item is not done."""


# action -> statuses it may start from. "start"/"finish" are the runner's own moves.
_ALLOWED_FROM: dict[str, tuple[JobStatus, ...]] = {
    "start": (JobStatus.QUEUED,),
    "pause": (JobStatus.QUEUED, JobStatus.RUNNING),
    "resume": (JobStatus.PAUSED, JobStatus.FAILED),
    "stop": (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.PAUSED, JobStatus.FAILED),
    "finish": (JobStatus.RUNNING,),
}


# (action, status) -> what the refusal adds: what the user may do instead ("cannot resume job X: it is stopped" named
# no way on, and a stopped job never runs again).
_WAY_ON: dict[tuple[str, JobStatus], str] = {
    ("resume", JobStatus.STOPPED): "a stopped job is over for good; start a new job to run it again",
    ("resume", JobStatus.COMPLETED): "it has finished; its results can be exported",
    ("pause", JobStatus.FAILED): "a failed job is not running; resume it or stop it",
    ("stop", JobStatus.COMPLETED): "it has finished; its results can be exported",
}


#: (action, status) where the job already is where the action would take it: said "it is paused already" (a pause of
#: a paused job read "it is paused (it is paused already)").
_ALREADY = {("pause", JobStatus.PAUSED), ("stop", JobStatus.STOPPED), ("resume", JobStatus.QUEUED),
            ("resume", JobStatus.RUNNING)}


def check_transition(job_id: str, status: str, action: str) -> None:
    """Refuse an action the job's current status does not allow, with a sentence saying why and, where there is
    one, what to do instead."""
    current = JobStatus(status)
    if current not in _ALLOWED_FROM[action]:
        way_on = _WAY_ON.get((action, current))
        raise InvalidJobOperation(f"cannot {action} job {job_id}: it is {current.value}"
                                  + (" already" if (action, current) in _ALREADY else "")
                                  + (f" ({way_on})" if way_on else ""))


JOB_ID_PATTERN = re.compile(r"[0-9a-f]{12}")


def new_job_id() -> str:
    return _random.token_hex(6)


def validate_job_id(job_id: Any) -> str:
    """Only ids of the fixed shape reach the file system: no path can be smuggled in."""
    if not isinstance(job_id, str) or not JOB_ID_PATTERN.fullmatch(job_id):
        raise InvalidJobId(f"invalid job id {shorten(job_id)}: expected 12 lowercase hex characters")
    return job_id


def shorten(value: Any, limit: int = 20) -> str:
    """repr() of a value for a message, cut to `limit` characters + '…' (a pasted 5,000-character id
    must not flood the terminal)."""
    return clipped(repr(value), limit + 1)


_SECRET_WORDS = {"token", "secret", "secrets", "password", "passwd", "pwd", "credential",
                 "credentials", "apikey", "passphrase", "bearer"}
_SECRET_PAIRS = {("api", "key"), ("private", "key"), ("access", "key"), ("secret", "key"),
                 ("auth", "key"), ("client", "secret")}


def _key_words(key: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", key)
    return [w for w in re.split(r"[^a-zA-Z0-9]+", spaced.lower()) if w]


def looks_secret(key: str) -> bool:
    """True for keys such as api_key, apiKey, token, client_secret; False for max_tokens."""
    words = _key_words(str(key))
    if any(w in _SECRET_WORDS for w in words):
        return True
    return any(pair in _SECRET_PAIRS for pair in zip(words, words[1:]))


def secret_keys(config: Any, prefix: str = "") -> list[str]:
    """Dotted paths of every key in a (nested) config that looks like a secret."""
    found: list[str] = []
    if isinstance(config, Mapping):
        for key, value in config.items():
            path = f"{prefix}{key}"
            if looks_secret(key):
                found.append(path)
            found.extend(secret_keys(value, path + "."))
    elif isinstance(config, (list, tuple)):
        for i, value in enumerate(config):
            found.extend(secret_keys(value, f"{prefix}{i}."))
    return found


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def iso_to_epoch(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None
