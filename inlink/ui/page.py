"""What every page does first (the shared JobManager), and the error boundary that keeps tracebacks off the page.

The router (inlink/ui/navigation.py) sets the page config and draws the navigation; a page asks for the
JobManager with `page_manager()`, which starts it idempotently (AppTest and plain script runs never run the
st.App lifespan that starts it with the server).
"""
from __future__ import annotations

import logging
from contextlib import contextmanager

import streamlit as st

from inlink.ui.manager import get_manager

LOG = logging.getLogger(__name__)


def page_manager():
    """The started JobManager, or None with a plain message on the page when it cannot start."""
    try:
        return get_manager()
    except Exception as exc:  # e.g. an unwritable jobs folder
        LOG.exception("JobManager could not start")
        st.error(f"The job engine could not start: {plain_message(exc)}")
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
        st.error(f"{action} ran into a problem: {plain_message(exc)}", icon=":material/error:")


def report_script_error(exc: Exception) -> bool:
    """st.App's on_script_error hook: log the traceback, show a plain message, hide the default one."""
    LOG.error("Unhandled error in a page", exc_info=exc)
    st.error(f"Something went wrong: {plain_message(exc)}", icon=":material/error:")
    return True
