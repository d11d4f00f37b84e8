"""A page drawn while no job was active reran by itself no more: it showed neither a job created, deleted or ended
elsewhere (another tab, `cli.py jobs ...`) until a click. This watch looks at the jobs every WATCH_S seconds and reruns
the page when they are no longer the ones it drew; it reads their records only, never their results."""
from __future__ import annotations

import streamlit as st

from inlink.jobs import Job
from inlink.ui.fragments import fragment
from inlink.ui.page import guard

WATCH_S = 1.0   # a change made elsewhere shows within 2 s, as an active job's does


def listing(jobs: list[Job]) -> tuple:
    """What a page drawn from these jobs shows of them: which jobs, and their status."""
    return tuple((job.job_id, job.status) for job in jobs)


def rerun_on_change(manager, drawn: list[Job]) -> None:
    """Rerun the whole page once the jobs differ from `drawn` (the ones this run drew)."""
    fragment(_watch, run_every=WATCH_S)(manager, listing(drawn))


def _watch(manager, drawn: tuple) -> None:
    with guard("The jobs' refresh"):
        if listing(manager.jobs()) != drawn:
            st.rerun()
