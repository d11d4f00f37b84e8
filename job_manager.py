"""Public entry point of the durable job engine: `from job_manager import JobManager, JobStatus, Task, ...`.

The engine lives in `inlink.jobs`; this module only re-exports its public API (see docs/architecture.md).
"""
from inlink.jobs import *  # noqa: F403  (a re-export: the names are listed in __all__)
from inlink.jobs import __all__ as __all__
