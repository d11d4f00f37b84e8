"""The durable job engine's front door: `from inlink.jobs import JobManager, JobStatus, Task, ...`.

Everything outside the engine (tasks, dashboard, CLI) imports from here or from the root `job_manager.py`,
never from the modules behind it (import-linter's "front-door" contract in pyproject.toml checks it).
"""
from inlink.jobs.manager import *  # noqa: F403  (the front door re-exports the manager's public API)
from inlink.jobs.manager import __all__ as __all__
