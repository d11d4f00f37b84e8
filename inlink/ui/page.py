"""What every page does first, and the error boundary that keeps tracebacks off the page.

With a pages/ folder Streamlit runs each page file on its own (the entry script only renders the home page),
so each page calls `start_page()` itself: page config, the shared JobManager, the sidebar footer.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager

import streamlit as st

from inlink.ui.manager import get_manager

LOG = logging.getLogger("inlink.ui")
APP_NAME = "InLink Prospector"
NAVIGATION = (
    ("streamlit_app.py", "Home", ":material/home:"),
    ("pages/1_Upload.py", "Upload", ":material/upload_file:"),
    ("pages/2_Generate_Links.py", "Generate links", ":material/link:"),
    ("pages/3_Jobs.py", "Jobs", ":material/work_history:"),
)


def start_page(title: str, icon: str):
    """Configure the page and return the started JobManager (None, with a message shown, if it cannot start)."""
    st.set_page_config(page_title=f"{title} · {APP_NAME}", page_icon=icon, layout="wide")
    with st.sidebar:
        st.markdown(f"### :material/hub: {APP_NAME}")
        for page, label, page_icon in NAVIGATION:
            st.page_link(page, label=label, icon=page_icon)
        st.divider()
        st.caption("Internal-link suggestions from a site crawl. Analyses run on the server: "
                   "you can close this tab at any time.")
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
