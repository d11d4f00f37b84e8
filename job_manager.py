"""Public entry point of the durable job engine: `from job_manager import JobManager, JobStatus, Task, ...`.

The engine lives in `inlink.jobs`; this module only re-exports its public API (see docs/architecture.md).
"""
from inlink.jobs.manager import *  # noqa: F401,F403
from inlink.jobs.manager import __all__  # noqa: F401
