"""Jobs page: every analysis, filterable and paged; ?job=<id> opens one job (so a shared tab shows it too)."""
from __future__ import annotations

import streamlit as st

from inlink.jobs import Job, JobError, JobNotFound
from inlink.ui import format as fmt
from inlink.ui.exports import csv_download, fetched_downloads, xlsx_download
from inlink.ui.fragments import fragment
from inlink.ui.job_panel import job_panel
from inlink.ui import fetch_form, jobs_table, jobs_watch, navigation, page_width
from inlink.ui.jobs_table import matching_jobs, page_count, page_rows
from inlink.ui.page import gone_action, guard, page_manager, plain_message
from inlink.ui.results import results_view

STATUS_CHOICES = ("all",) + tuple(fmt.STATUS_STYLE)
_CONFIRMING = "jobs.confirm_delete_for"
_DELETED = "jobs.deleted"
_DELETE_ERROR = "jobs.delete_error"
_TABLE_GENERATION = "jobs.table_generation"
_OPENED = "jobs.opened"     # the jobs this session showed: one missing since was deleted, and is said so
_CLEANED = "jobs.cleaned"   # what the last clean-up removed, said once
_CLEANUP_ASKED = "jobs.cleanup_asked"   # the days and ids a clean-up's question names, until Remove or Cancel
CLEANUP_NAMED = 5            # files named in the confirmation; the rest are counted


#: What the File header's tooltip says: the column holds about 13 characters at the width the page leaves it, and a
#: name such as "Sample site: Ridgeline Coffee Roasters" read "Sample site: Ridgelin…" with no way to read the rest.
FILE_HELP = ("The file or site the job reads. A long name is cut here: select the row to open the job and read it "
             "whole, or drag the column's edge to widen it.")
#: Widths in pixels: the ten columns fit the page at 1,400 px with the sidebar open (measured in Chromium), each wide
#: enough for its longest value in the grid's font and padding (16 px): a job id (up to 109 px: "dddddddddddd"; 100 cut
#: some), "Completed" (81), "Gemini" (58), "104,230/104,230" pages (112: 100 cut it above 100,000 pages), a cost of
#: "$1,234.56" (72: 60 cut it from $100), "May 30 22:48" (91). A long file name is cut with an ellipsis (the opened
#: job shows it whole).
JOBS_COLUMNS = {
    "Job": st.column_config.TextColumn("Job", width=110),
    "File": st.column_config.TextColumn("File", width=106, help=FILE_HELP),
    "Status": st.column_config.TextColumn("Status", width=82),
    "Engine": st.column_config.TextColumn("Engine", width=61),
    "Progress": st.column_config.ProgressColumn("Progress", format="%.0f%%", min_value=0, max_value=100, width=82),
    "Pages": st.column_config.TextColumn("Pages", width=113),
    "Suggestions": st.column_config.TextColumn("Suggestions", width=88, alignment="right"),
    "Cost": st.column_config.TextColumn("Cost", width=74),
    "Created": st.column_config.TextColumn("Created", width=92, help="Time in UTC"),
    "Updated": st.column_config.TextColumn("Updated", width=92, help="Time in UTC"),
}
#: The columns a main area narrower than the whole table needs shows (at 1,024 px with the sidebar open it has 564 px,
#: and the ten columns scrolled sideways): which file, how far it got, what it gave and when; the caption names the
#: others, and the opened job shows them all.
NARROW_COLUMNS = ("File", "Status", "Progress", "Suggestions", "Updated")
NARROW_NOTE = " · a wider window also shows the job id, engine, pages, cost and creation time"
ROW_PICKER_PX = 38   # the selection column Streamlit adds before the first
WIDE_TABLE_PX = sum(column["width"] for column in JOBS_COLUMNS.values()) + ROW_PICKER_PX
LIST_REFRESH_S = 1.0     # an action in another tab shows here within 2 s (the panel refreshes as often)


def list_view(manager) -> None:
    """The jobs table; it refreshes itself while any job is active, and once none is, the page reruns when a job is
    created, deleted or changes elsewhere (jobs_watch)."""
    every_job = manager.jobs()
    live = any(job.is_active for job in every_job)
    fragment(list_body, run_every=LIST_REFRESH_S if live else None)(manager, live)
    if not live:
        jobs_watch.rerun_on_change(manager, every_job)


def list_body(manager, live: bool) -> None:
    with guard("The jobs list"):
        every_job = manager.jobs()
        table_section(every_job)
        skipped_files(manager)
        if any(job.is_active for job in every_job) != live:
            st.rerun()   # the whole page again, so the refresh switches on or off


def table_section(every_job: list[Job]) -> None:
    """Filters, one page of the matching jobs, and row selection to open a job."""
    if not every_job:
        no_jobs()
        return
    filters = st.columns([1, 2, 1], vertical_alignment="bottom")
    status = filters[0].selectbox("Status", STATUS_CHOICES, key="jobs.status_filter",
                                  format_func=lambda s: "All statuses" if s == "all" else fmt.status_label(s))
    search = filters[1].text_input("Search", key="jobs.search", placeholder="File name or job id")
    jobs = matching_jobs(every_job, None if status == "all" else status, search)
    pages = page_count(len(jobs))
    if st.session_state.get("jobs.page", 1) > pages:   # a narrower filter left fewer pages
        st.session_state["jobs.page"] = pages
    page = filters[2].number_input(f"Page (of {pages})", min_value=1, max_value=pages, value=1, step=1,
                                   key="jobs.page") if pages > 1 else 1   # one page (or none): no pager
    if not jobs:
        ways = [way for way, needed in (("clear the search", search.strip()), ("choose All statuses", status != "all"))
                if needed]
        st.info("No jobs match" + (f": {' or '.join(ways)}." if ways else "."), icon=":material/info:")
        return
    table = page_rows(jobs, int(page))
    first = (int(page) - 1) * jobs_table.PAGE_SIZE + 1
    shown = f" · showing {first:,}–{first + len(table) - 1:,}" if pages > 1 else ""   # not "showing 1–1"
    with st.container(horizontal=True, gap=None, vertical_alignment="center"):   # the probe adds no gap of its own
        words = st.empty()
        narrow = page_width.narrower_than(WIDE_TABLE_PX, key="jobs.page_width")
    words.caption(f"{fmt.plural(len(jobs), 'job')}{shown} · select a row to open it" + (NARROW_NOTE if narrow else ""))
    picked = st.dataframe(
        table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
        key=f"jobs.table_{st.session_state.get(_TABLE_GENERATION, 0)}",
        column_config=JOBS_COLUMNS, column_order=NARROW_COLUMNS if narrow else None)
    rows = picked.selection.rows if picked is not None else []
    if rows:
        open_job(table.iloc[rows[0]]["Job"])


def no_jobs() -> None:
    """An empty jobs folder: what to do, and the way there (before, a status filter, a search box and a clean-up over
    no jobs at all, beside "start an analysis on the Generate links page" with no way to it)."""
    st.info("No jobs yet: an analysis or a fetch appears here once it starts.", icon=":material/info:")
    with st.container(horizontal=True, gap="medium"):
        st.page_link(navigation.GENERATE, label="Start an analysis", icon=":material/link:")
        st.page_link(navigation.UPLOAD, label="Upload or fetch a site", icon=":material/upload_file:")


def skipped_files(manager) -> None:
    """The files of the jobs folder the listing skipped, each named (a damaged job's with how to clear it): shown
    with the table or without it (a folder whose only job is damaged lists no job)."""
    problems = manager.problems()
    if problems:
        with st.expander(f"{fmt.plural(len(problems), 'unreadable file')} in the jobs folder "
                         f"{'was' if len(problems) == 1 else 'were'} skipped"):
            st.text("\n".join(problems))
            st.caption("A job whose metadata is damaged cannot run or resume: `python3 cli.py jobs delete <job id>` "
                       "removes its files.")


def open_job(job_id: str) -> None:
    """Show one job; a fresh table key afterwards, so coming back does not reopen the same selection."""
    st.session_state[_TABLE_GENERATION] = st.session_state.get(_TABLE_GENERATION, 0) + 1
    st.query_params["job"] = job_id
    st.rerun()


def cleanup_section(manager) -> None:
    """Old finished jobs removed after a confirmation that names them; a fragment, so that asking, cancelling or
    changing the days redraws this section alone (the list above neither moves nor fades)."""
    if not manager.jobs():   # nothing to clean up (the expander asked for days over an empty folder)
        return
    with st.expander("Clean up old jobs"):
        fragment(cleanup_body)(manager)


def cleanup_body(manager) -> None:
    """The days and the Clean up button are one form: the days typed and the click reach the server in one message.
    As two widgets they were two messages, and a click run with the days from before the typing (30: "Nothing to
    clean up", erased by the days' own run right after) lost the question about once in a few hundred runs."""
    with guard("The clean-up"):
        with st.form("jobs.cleanup_form", border=False):
            days = st.number_input("Remove finished jobs older than (days)", min_value=0, value=30, step=1,
                                   key="jobs.cleanup_days")   # whole days: "30", not "30.00"
            st.form_submit_button("Clean up", icon=":material/cleaning_services:", key="jobs.cleanup",
                                  on_click=_ask_cleanup, args=(manager,))
        asked = _question_for(float(days))
        if asked is not None:
            _confirm_cleanup(manager, float(days), asked)
        cleaned = st.session_state.pop(_CLEANED, None)
        if cleaned is not None:
            st.success(cleaned)


def _ask_cleanup(manager) -> None:
    """The Clean up click: the jobs it would remove, named before anything is removed (it removed them at once)."""
    days = float(st.session_state["jobs.cleanup_days"])    # the value the click came with
    expired = manager.expired(days)
    if not expired:
        st.session_state[_CLEANED] = f"Nothing to clean up: no finished job {_older_than(days)}."
        return
    st.session_state[_CLEANUP_ASKED] = {"days": days, "ids": [job.job_id for job in expired]}


def _question_for(days: float) -> list[str] | None:
    """The ids the open question names, while the days are still those it was asked with: Clean up with other days
    closes it (then asks again, for the jobs those days select)."""
    asked = st.session_state.get(_CLEANUP_ASKED)
    if asked is not None and asked["days"] != days:
        forget_cleanup()
        return None
    return None if asked is None else asked["ids"]


def forget_cleanup() -> None:
    st.session_state.pop(_CLEANUP_ASKED, None)


def _span(days: float) -> str:
    """'30 days', '1 day', '0.5 days'."""
    return fmt.plural(int(days), "day") if days == int(days) else f"{days:g} days"


def _older_than(days: float) -> str:
    """'was last updated more than 30 days ago'; any age for 0 days."""
    return f"was last updated more than {_span(days)} ago" if days > 0 else "is left"


def cleanup_question(jobs: list[Job], days: float) -> str:
    """What a clean-up will remove, for its confirmation: how many jobs, of which statuses, and which files."""
    statuses: dict[str, int] = {}
    for job in jobs:
        label = fmt.status_label(job.status).lower()
        statuses[label] = statuses.get(label, 0) + 1
    kinds = ", ".join(f"{count:,} {label}" for label, count in statuses.items())
    age = f", last updated more than {_span(days)} ago" if days > 0 else ""
    return (f"Remove {fmt.plural(len(jobs), 'finished job')} ({kinds}{age}) for good, with "
            f"{'its' if len(jobs) == 1 else 'their'} results and decisions?")


def cleanup_names(jobs: list[Job]) -> str:
    """The files of the jobs a clean-up will remove, the first CLEANUP_NAMED of them, as written (not Markdown)."""
    names = [fmt.as_code(fmt.file_name_of(job)) for job in jobs[:CLEANUP_NAMED]]   # www.a.com.csv: no link
    more = f" and {len(jobs) - len(names):,} more" if len(jobs) > len(names) else ""
    return ", ".join(names) + more


def _confirm_cleanup(manager, days: float, asked: list[str]) -> None:
    """The question under the Clean up button, with Remove and Cancel; Remove deletes only the jobs named."""
    jobs = [job for job in manager.expired(days) if job.job_id in set(asked)]   # still finished and old
    if not jobs:
        forget_cleanup()
        st.session_state[_CLEANED] = "Nothing to clean up: the jobs asked about are gone or running again."
        st.rerun(scope="fragment")
    with st.container(border=True):
        st.markdown(f":material/warning: {cleanup_question(jobs, days)}")
        st.caption(cleanup_names(jobs))
        left, right, _ = st.columns([1.3, 1, 2])
        remove = left.button(f"Remove {fmt.plural(len(jobs), 'job')}", type="primary", icon=":material/delete:",
                             key="jobs.cleanup_confirm", width="stretch")
        right.button("Cancel", key="jobs.cleanup_cancel", on_click=forget_cleanup, width="stretch")
    if remove:
        forget_cleanup()
        removed = manager.cleanup(days, only=[job.job_id for job in jobs])
        st.session_state[_CLEANED] = (f"Removed {fmt.plural(len(removed), 'finished job')}." if removed
                                      else "Nothing was removed: the jobs are gone or running again.")
        st.rerun()   # the whole page: the list above no longer shows them (it did beside "Removed 6 finished jobs.")


def forget_delete() -> None:
    st.session_state.pop(_CONFIRMING, None)


@st.dialog("Delete this job?", on_dismiss=forget_delete)
def confirm_delete(manager, job: Job) -> None:
    """Asks before deleting; stays open across reruns (tracked in the session) until confirmed or cancelled."""
    noun = "fetched page" if fmt.is_fetch(job) else "suggestion"
    st.write(f"{fmt.as_code(fmt.file_name_of(job))} (job `{job.job_id}`) and its "
             f"{fmt.plural(int(job.rows_written or 0), noun)} will be removed for good.")
    left, right = st.columns(2)
    if left.button("Delete", type="primary", icon=":material/delete:", key="jobs.confirm_delete", width="stretch"):
        forget_delete()
        try:
            manager.delete(job.job_id)
        except JobError as exc:
            st.session_state[_DELETE_ERROR] = f"The job was not deleted: {plain_message(exc)}"
            st.rerun()
        st.query_params.pop("job", None)
        st.session_state[_DELETED] = fmt.file_name_of(job)
        st.rerun()
    if right.button("Cancel", key="jobs.cancel_delete", width="stretch"):
        forget_delete()
        st.rerun()


def detail_view(manager, job_id: str) -> None:
    try:
        job = manager.job(job_id)
    except (JobError, ValueError) as exc:   # not found said "Job 3941d… cannot be opened: job 3941d… not found"
        missing_job(job_id, exc)
        return
    st.session_state.setdefault(_OPENED, set()).add(job_id)
    fetch = fmt.is_fetch(job)
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):   # wraps, never "All …", "De…"
        st.button("All jobs", icon=":material/arrow_back:", on_click=st.query_params.pop, args=("job", None),
                  key="jobs.back")
        if fetch:
            fetched_downloads(manager, job, key="jobs.fetched")
        else:
            csv_download(manager, job, key="jobs.csv")
            xlsx_download(manager, job, key="jobs.xlsx")
        st.button("Delete", icon=":material/delete:", key="jobs.delete", on_click=st.session_state.__setitem__,
                  args=(_CONFIRMING, job_id))
    error = st.session_state.pop(_DELETE_ERROR, None)
    if error:
        st.error(error)
    if st.session_state.get(_CONFIRMING) == job_id:
        confirm_delete(manager, job)
    job_panel(manager, job_id, key="jobs.panel", download=False)
    if fetch:
        fetched_view(manager, job)
        return
    st.subheader("Results")
    results_view(manager, job, key=f"jobs.results.{job_id}")


def missing_job(job_id: str, exc: Exception) -> None:
    """The notice alone, and the way back to the list: a job this tab showed and that is gone since (deleted in
    another tab or with `cli.py jobs delete`) was deleted, and an action that raced the deletion says what it
    could not do; any other id cannot be opened, and why."""
    lost = gone_action(job_id)
    if isinstance(exc, JobNotFound) and (lost or job_id in st.session_state.get(_OPENED, ())):
        st.info(f"Job {job_id} was deleted" + (f", so {lost}." if lost else "."), icon=":material/delete:")
    elif isinstance(exc, JobNotFound):
        st.warning(f"Job {job_id} cannot be opened: there is no such job. It may have been deleted or cleaned up, "
                   "or the link was made with another data folder.")
    else:   # no job id: the message names it, cut and as text
        st.warning(f"This job link cannot be opened: {fmt.as_text(plain_message(exc))}")
    st.button("All jobs", icon=":material/arrow_back:", on_click=st.query_params.pop, args=("job", None),
              key="jobs.back_missing")


def fetched_view(manager, job: Job) -> None:
    """A fetch job has pages, not suggestions: what was fetched, and the pages that were not and why."""
    st.subheader("Fetched pages")
    statuses = (job.summary or {}).get("statuses") or {}
    counts = ", ".join(f"{label} {count:,}" for label, count in statuses.items())
    site = fmt.fetched_site(job)
    st.caption((f"Pages{f' of {site}' if site else ''} by status: {counts}. " if counts else "")
               + "Pages CSV and Links CSV are a crawl export: upload them (or open the Upload page, where a "
                 "finished fetch becomes the current dataset) to analyse the site.")
    fetch_form.not_fetched(manager, job.job_id, statuses)


LIST_CAPTION = "Every analysis and fetch, newest first. Open one to follow it, review its suggestions or download them."
OPENED_CAPTION = "One job: its progress, its results and their downloads. All jobs goes back to the list."


def render() -> None:
    manager = page_manager()
    st.title("Jobs")
    requested = st.query_params.get("job")
    st.caption(OPENED_CAPTION if requested else LIST_CAPTION)   # the list's "Open one to follow it" over an open one
    with guard("The Jobs page"):
        deleted = st.session_state.pop(_DELETED, None)
        if deleted:
            st.success(f"Deleted the job for {fmt.as_code(deleted)}.", icon=":material/delete:")
        if manager is not None:
            if requested:
                detail_view(manager, requested)
            else:
                list_view(manager)
                cleanup_section(manager)


if __name__ == "__main__":   # run as a page by st.navigation
    render()
