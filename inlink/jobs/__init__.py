"""The durable job engine's front door: `from inlink.jobs import JobManager, JobStatus, Task, ...`.

Everything outside the engine (tasks, dashboard, CLI) imports from here or from the root `job_manager.py`,
never from the modules behind it (import-linter's "front-door" contract in pyproject.toml checks it).

Names are loaded on first use (PEP 562): a caller that needs only the statuses and errors (`cli.py --help`
builds its `--status` choices from JobStatus) does not pay for the manager, its store and filelock (0.07-0.13 s of
a 0.4 s `--help` on a slow machine).
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

#: public name -> the module behind the door that defines it
_WHERE = {
    **dict.fromkeys(["JobStatus", "TERMINAL_STATUSES", "JobError", "JobNotFound", "InvalidJobId", "InvalidJobOperation",
                     "SecretInConfig", "UnknownTask", "StorageError", "DamagedResults", "ItemError", "PauseJob",
                     "validate_job_id"],
                    "inlink.jobs.state"),
    **dict.fromkeys(["TaskContext", "Task", "register_task", "registered_tasks", "is_registered"], "inlink.jobs.task"),
    **dict.fromkeys(["Job", "ACTIVE_STATUSES"], "inlink.jobs.record"),
    **dict.fromkeys(["JobManager", "default_jobs_dir", "job_of_file"], "inlink.jobs.manager"),
}
__all__ = list(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value   # once: later lookups are plain module attributes
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:   # for type checkers and editors: the names as ordinary imports
    from inlink.jobs.manager import JobManager, default_jobs_dir, job_of_file  # noqa: F401
    from inlink.jobs.record import ACTIVE_STATUSES, Job  # noqa: F401
    from inlink.jobs.state import (  # noqa: F401
        TERMINAL_STATUSES, DamagedResults, InvalidJobId, InvalidJobOperation, ItemError, JobError, JobNotFound,
        JobStatus, PauseJob, SecretInConfig, StorageError, UnknownTask, validate_job_id)
    from inlink.jobs.task import Task, TaskContext, is_registered, register_task, registered_tasks  # noqa: F401
