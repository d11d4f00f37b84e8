"""The home page: what the tool does, the three steps, the job counts and the active-job banner."""
from __future__ import annotations

from collections import Counter

import streamlit as st

from inlink import uploads as datasets
from inlink.jobs import JobStatus
from inlink.ui import format as fmt
from inlink.ui import navigation
from inlink.ui import jobs_watch
from inlink.ui.job_panel import FOLLOWED, LAST_JOB, STARTED, active_banner
from inlink.ui.page import guard, page_manager
from inlink.ui.sample import start_sample_analysis

STEPS = (
    (navigation.UPLOAD, "1 · Upload a crawl", ":material/upload_file:",
     "A CSV or XLSX export with one row per page, or the sample site."),
    (navigation.GENERATE, "2 · Generate links", ":material/link:",
     "Pick the engine and limits, then start a background analysis."),
    (navigation.JOBS, "3 · Review jobs", ":material/work_history:",
     "Follow progress, filter suggestions, download CSV or Excel."),
)


def render() -> None:
    manager = page_manager()
    st.title(navigation.APP_NAME)
    st.caption("Internal-link suggestions for every page of a site: which page to link to, with an anchor text "
               "that already stands in the page, a confidence (high, medium or low) and a plain reason.")
    with guard("The home page"):
        if manager is not None:
            every_job = manager.jobs()
            active_banner(manager, every_job)
            if not any(job.is_active for job in every_job):   # one started elsewhere (another tab, the CLI) brings
                jobs_watch.rerun_on_change(manager, every_job)   # its banner
            _try_the_sample(manager)
        _steps()
        if manager is not None:
            _figures(manager)


def _try_the_sample(manager) -> None:
    """One click from a fresh install to a running analysis of the sample site."""
    row = st.container(horizontal=True, vertical_alignment="center")   # a column cut "Try it on th…" at 1,024 px
    clicked = row.button("Try it on the sample site", type="primary", icon=":material/science:", key="home.sample")
    row.caption("A small coffee-roaster site that ships with the app: it becomes the current dataset and an "
                  "offline analysis starts at once.")
    if clicked:
        job_id, earlier = start_sample_analysis(manager)
        st.session_state[LAST_JOB] = job_id
        st.session_state[FOLLOWED if earlier is not None else STARTED] = job_id   # said as it is (identical_notice)
        st.switch_page(navigation.GENERATE, query_params={"job": job_id})


def _steps() -> None:
    for column, (page, label, icon, text) in zip(st.columns(len(STEPS)), STEPS):
        with column.container(border=True, height="stretch"):
            st.page_link(page, label=label, icon=icon)
            st.caption(text)


#: The characters of the current dataset's name the figure shows whole at 1,024 px (its large type fits about 30
#: in the 563 px the sidebar leaves); a longer name is cut in the middle, and said whole in the figure's help.
DATASET_CHARS = 28


def _figures(manager) -> None:
    jobs = manager.jobs()
    counts = Counter(job.status for job in jobs)
    dataset = datasets.latest_dataset()
    row = st.container(horizontal=True)   # wraps: a column cut the dataset's name to "pages…" at 1,024 px
    name = (fmt.fetched_host(dataset.summary) or dataset.pages_name) if dataset else "—"   # a fetch: its site
    row.metric("Current dataset", fmt.file_name_in(name, DATASET_CHARS),
               help=f"{name} (the file the next analysis reads)" if len(name) > DATASET_CHARS else None)
    row.metric("Jobs", f"{len(jobs):,}")
    row.metric("Active", f"{sum(counts[s] for s in fmt.ACTIVE_STATUSES):,}")
    row.metric("Completed", f"{counts[JobStatus.COMPLETED]:,}")


if __name__ == "__main__":   # run as a page by st.navigation
    render()
