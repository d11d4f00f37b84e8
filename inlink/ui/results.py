"""The results view of one job: filters, the review of each suggestion, a plain table and three charts.

This module composes them: the filters (inlink/ui/filters.py) choose the rows, a line counts them and the
decisions, the accepted rows can be downloaded (inlink/ui/exports.py), and three tabs show the rows: the review's
cards (inlink/ui/review_cards.py), the table (inlink/ui/results_table.py) and the charts (inlink/ui/charts.py);
only the open tab is drawn (TABS). The view is a fragment: a decision reruns it alone; a decision made in
another tab redraws it within 2 s, and new rows of a running job are a click away (_watch).
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from inlink.jobs import Job, JobError, JobNotFound, JobStatus
from inlink.ui import format as fmt
from inlink.ui import review
from inlink.ui.charts import ORPHANS_LATER, results_charts
from inlink.ui.exports import accepted_downloads
from inlink.ui.filters import NO_MATCH, filter_suggestions, filter_widgets, no_match_text, order_suggestions
from inlink.ui.fragments import fragment
from inlink.ui.page import guard
from inlink.ui.results_table import MAX_TABLE_ROWS, results_table
from inlink.ui.review_cards import review_cards

DECISIONS_REFRESH_S = 1.5   # a decision made in another tab shows here within 2 s
#: The view's tabs. Only the open one is drawn, and switching reruns the view: the table (a grid of up to
#: MAX_TABLE_ROWS rows) and three Vega charts drawn in hidden tabs made every job page and every decision's rerun
#: pay for them (a finished sample job's page drew in 4.7 s in headless Chromium, 3.8 s without them).
TABS = (":material/rate_review: Review", ":material/table: Table", ":material/bar_chart: Charts")


def results_view(manager, job: Job, *, key: str = "results") -> None:
    """Filters, downloads of the accepted suggestions, the review, the table and the charts for one job; and a
    watch that redraws them when another tab records a decision."""
    fragment(_watch, run_every=DECISIONS_REFRESH_S)(manager, job.job_id, key)
    fragment(_results_body)(manager, job, key)


def _seen(key: str) -> str:
    return f"{key}_seen"


def _watch(manager, job_id: str, key: str) -> None:
    """Every DECISIONS_REFRESH_S: the page again when the job's decisions are not the ones the view last drew
    (made in another tab) or when the first rows come; then, while the job adds rows, a button to show them
    (redrawing by itself would reread every row each time). It reads the job's notes and its row count, never
    its results."""
    with guard("The review's refresh"):
        try:
            decisions, rows = review.decisions(manager, job_id), manager.results_count(job_id)
        except JobNotFound:
            st.rerun()   # deleted: the whole page again, which then says so alone (no results, no buttons)
        except JobError:
            return
        seen_decisions, seen_rows = st.session_state.get(_seen(key), (decisions, rows))
        if seen_decisions != decisions or (rows and not seen_rows):   # the first rows come by themselves
            st.session_state[_seen(key)] = (decisions, rows)   # this watch runs first in the page's run
            st.rerun()
        if rows > seen_rows and st.button(f"Show {fmt.plural(rows - seen_rows, 'new suggestion')}",
                                          key=f"{key}_show_new", icon=":material/refresh:", type="tertiary"):
            st.rerun()


def _results_body(manager, job: Job, key: str) -> None:
    job_id = job.job_id
    try:
        frame = manager.results_frame(job_id)
        decisions = review.decisions(manager, job_id)
    except JobNotFound:   # deleted since the page was drawn (a decision's rerun of this fragment alone)
        st.rerun()
    st.session_state[_seen(key)] = (decisions, len(frame))
    if frame.empty:
        st.info("No suggestions yet. They appear here page by page while the analysis runs.")
        return
    decided = review.decision_column(frame, decisions)
    filters = filter_widgets(manager, job_id, frame, key)
    shown = order_suggestions(filter_suggestions(frame, filters.source, filters.destination, filters.minimum,
                                                 filters.tiers, decided, filters.show), filters.order)
    _summary_line(frame, shown, decided)
    empty = no_match_text(frame, filters, decided) if shown.empty else NO_MATCH
    accepted_downloads(manager, job, key=key, accepted=review.row_keys(frame[(decided == review.ACCEPTED).to_numpy()]))
    review_tab, table_tab, chart_tab = st.tabs(list(TABS), key=tab_key(key), on_change="rerun")
    if review_tab.open:   # only the open tab is drawn: a switch reruns the view (see TABS)
        with review_tab:
            review_cards(manager, job_id, shown, decided, key, empty)
    if table_tab.open:
        with table_tab:
            if shown.empty:
                st.caption(empty)
            else:
                results_table(shown, decided, key)
    if chart_tab.open:
        with chart_tab:
            results_charts(shown, job.summary, fmt.links_given(job), empty, orphans_missing_words(job))


def orphans_missing_words(job: Job) -> str:
    """Why a job shows no orphan figures: they count the whole site, so only an analysis that ran to its end has
    them (a stopped job said "Shown once the analysis has finished", and it never would)."""
    if job.status is JobStatus.STOPPED:
        return "Not counted: the analysis was stopped before its end, and orphan pages count the whole site."
    if job.status is JobStatus.FAILED:
        return "Counted once the analysis has finished: resume it above to finish it."
    return ORPHANS_LATER


def tab_key(key: str) -> str:
    """The widget key of a results view's tabs (its value: the open tab's label, one of TABS)."""
    return f"{key}_tab"


def _summary_line(frame: pd.DataFrame, shown: pd.DataFrame, decided: pd.Series) -> None:
    st.caption(summary_text(frame, shown, decided))


def summary_text(frame: pd.DataFrame, shown: pd.DataFrame, decided: pd.Series) -> str:
    """How many rows the filters show, and the decisions: all of the job's, with how many the filters hide ("Show:
    accepted" read "1 of 1,899 match · 2 accepted" when the Tier filter hid the other accepted row)."""
    counts = []
    for word, value in (("accepted", review.ACCEPTED), ("rejected", review.REJECTED)):
        total = int((decided == value).sum())
        hidden = total - int((decided.loc[shown.index] == value).sum())
        counts.append(f"{total:,} {word}" + (f" ({hidden:,} of them filtered out)" if hidden else ""))
    verb = "matches" if len(shown) == 1 else "match"   # "1 of 1 suggestion match" read as a slip
    return (f"{len(shown):,} of {fmt.plural(len(frame), 'suggestion')} {verb} · {' · '.join(counts)}"
            + (f" · the table shows the first {MAX_TABLE_ROWS:,}" if len(shown) > MAX_TABLE_ROWS else ""))
