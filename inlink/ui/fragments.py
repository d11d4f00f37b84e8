"""Fragments that stand in a container of their own: the one way the dashboard makes a fragment.

Why: Streamlit (1.67) drops the messages of a fragment still waiting to reach the browser when a run of that same
fragment starts (ForwardMsgQueue.clear at SCRIPT_STARTED). When a fragment's timer fired during a whole-page run,
the page run's container for that fragment could be dropped that way; the browser's clean-up at the end of the page
run then removed the fragment's old container, which moved every later sibling up one place, and the fragment's
own run wrote its container into the place of the next sibling. Seen in the websocket frames of the downloads
browser test on a loaded machine: the job page showed down to its "Results" heading and nothing under it, the whole
review overwritten by the decision watch's empty container. Inside a container that the page run draws (and never
drops: it belongs to no fragment) the fragment is the only child, so nothing moves.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st


def fragment(body: Callable[..., Any], *, run_every: float | None = None) -> Callable[..., Any]:
    """st.fragment(body, run_every=...) whose call draws it inside a container of its own."""
    run = st.fragment(body, run_every=run_every)

    def call(*args, **kwargs):
        with st.container():
            return run(*args, **kwargs)
    return call
