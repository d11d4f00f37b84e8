"""One JobManager per server process, shared by the server's lifespan hook and every page.

Jobs must resume after a restart before anyone opens a page, so the manager is started from the `st.App`
lifespan (see streamlit_app.py) and again, idempotently, by every page (AppTest and plain
`streamlit run` without the ASGI entry point never run the lifespan). The manager is keyed by its jobs folder
because tests point INLINK_JOBS_DIR at a fresh temporary folder each time, in one process.
"""
from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from pathlib import Path

from inlink.tasks import analysis as link_task  # noqa: F401  (registers the link analysis task before any job is recovered)
from inlink.jobs import JobManager, default_jobs_dir
from inlink.tasks import fetch as fetch_task  # noqa: F401  (registers the fetch task the same way)

LOG = logging.getLogger(__name__)
_LOCK = threading.Lock()
_MANAGERS: dict[Path, JobManager] = {}


def jobs_dir() -> Path:
    """The jobs folder this process uses: $INLINK_JOBS_DIR, else ./jobs (the JobManager's own default)."""
    return default_jobs_dir().resolve()


def get_manager() -> JobManager:
    """The started JobManager for the current jobs folder, created on first use."""
    folder = jobs_dir()
    with _LOCK:
        manager = _MANAGERS.get(folder)
        if manager is None:
            manager = JobManager(folder)
            _MANAGERS[folder] = manager
    manager.start()
    return manager


def shutdown_all(timeout: float = 10) -> None:
    """Stop every scheduler this process started; running jobs are left to resume on the next start."""
    with _LOCK:
        managers = list(_MANAGERS.values())
        _MANAGERS.clear()
    for manager in managers:
        try:
            manager.shutdown(pause=False, timeout=timeout)
        except Exception:  # a failing shutdown must not hide the others
            LOG.exception("JobManager shutdown failed")


@asynccontextmanager
async def lifespan(_app):
    """ASGI lifespan: start the JobManager with the server so interrupted jobs resume on their own."""
    import asyncio

    await asyncio.to_thread(get_manager)
    LOG.info("JobManager started for %s", jobs_dir())
    try:
        yield None
    finally:
        await asyncio.to_thread(shutdown_all)
