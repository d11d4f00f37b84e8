"""Redraw a page when another tab or process changed what it shows, without redrawing it every second.

A page that shows something which cannot change by itself (a finished job, its decisions, a list of finished
jobs) does not refresh itself; yet another tab may accept a suggestion, resume or delete the job meanwhile. The
page notes a cheap stamp of what it drew (`drawn`: a file's stat, from the job engine), and an empty fragment
compares the stamp once a second (`redraw_on_change`) and reruns the whole page when it moved, so two tabs agree
within about a second (issue 4: "an action in one shows in the other within 2 s").
"""
from __future__ import annotations

from typing import Callable

import streamlit as st

CHECK_S = 1.0
_SLOT = "watch."


def drawn(key: str, stamp) -> None:
    """Record the stamp of what this run draws for `key` (taken before reading what it stamps)."""
    st.session_state[_SLOT + key] = stamp


def redraw_on_change(key: str, stamp: Callable[[], object]) -> None:
    """Rerun the page once `stamp()` differs from the one drawn for `key` (checked every CHECK_S seconds)."""
    st.fragment(_check, run_every=CHECK_S)(key, stamp)


def _check(key: str, stamp: Callable[[], object]) -> None:
    try:
        now = stamp()
    except Exception:   # a folder that cannot be read now: the page says so on its next ordinary run
        return
    if now != st.session_state.get(_SLOT + key, now):
        st.rerun()
