"""What every page does first (the shared JobManager), and the error boundary that keeps tracebacks off the page.

The router (inlink/ui/navigation.py) sets the page config and draws the navigation; a page asks for the
JobManager with `page_manager()`, which starts it idempotently (AppTest and plain script runs never run the
st.App lifespan that starts it with the server).
"""
from __future__ import annotations

import logging
from contextlib import contextmanager

import streamlit as st

from inlink.jobs import JobNotFound
from inlink.ui import format as fmt
from inlink.ui.manager import get_manager

LOG = logging.getLogger(__name__)
_GONE = "page.job_gone"   # {"job": id, "what": what was not done}: an action that found its job deleted


def page_manager():
    """The started JobManager, or None with a plain message on the page when it cannot start."""
    try:
        return get_manager()
    except Exception as exc:  # e.g. an unwritable jobs folder
        LOG.exception("JobManager could not start")
        st.error(fmt.as_text(f"The job engine could not start: {plain_message(exc)}"))
        return None


def plain_message(exc: BaseException) -> str:
    """The user-facing text of an error: its message, never its traceback."""
    text = str(exc).strip() or exc.__class__.__name__
    if isinstance(exc, KeyError) and text.startswith("'") and text.endswith("'"):
        text = text[1:-1]
    return text


@contextmanager
def guard(action: str = "This page"):
    """Show any unexpected error as one plain sentence and log its traceback to the server log only."""
    try:
        yield
    except Exception as exc:  # Streamlit's rerun/stop are BaseException and pass through untouched
        LOG.exception("%s failed", action)
        st.error(fmt.as_text(f"{action} ran into a problem: {plain_message(exc)}"), icon=":material/error:")


def job_gone(job_id: str, what: str) -> None:
    """An action on a job found it deleted (another tab, `cli.py jobs delete`): keep what was not done for the
    page to say in words at its next run (gone_action), instead of "Something went wrong: job … not found"."""
    st.session_state[_GONE] = {"job": job_id, "what": what}


@contextmanager
def job_action(job_id: str, what: str):
    """Around a button's or widget's callback on one job: JobNotFound becomes job_gone(job_id, what)."""
    try:
        yield
    except JobNotFound:
        job_gone(job_id, what)


def gone_action(job_id: str) -> str | None:
    """What an action on this deleted job could not do ("your decision was not kept"), said once; else None."""
    gone = st.session_state.get(_GONE)
    if not gone or gone.get("job") != job_id:
        return None
    del st.session_state[_GONE]
    return gone["what"]


def report_script_error(exc: Exception) -> bool:
    """st.App's on_script_error hook: log the traceback, show a plain message, hide the default one."""
    LOG.error("Unhandled error in a page", exc_info=exc)
    st.error(fmt.as_text(f"Something went wrong: {plain_message(exc)}"), icon=":material/error:")
    return True
