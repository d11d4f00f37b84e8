"""The active-job panel: progress, controls, latest events and the tail of the results, refreshed live.

The panel is a fragment that reruns every REFRESH_S seconds while its job can still change (queued, running,
paused — a paused job may be resumed from another tab), and not at all once the job is finished. When the
job crosses that line the whole page reruns, so the refresh switches itself on or off. Each refresh reads
only the job's metadata, its last events and the last TAIL_ROWS result rows, whatever the job's size.
"""
from __future__ import annotations

import html
import time
from dataclasses import dataclass
from typing import Callable

import pandas as pd
import streamlit as st

from inlink.jobs import TERMINAL_STATUSES, Job, JobError, JobNotFound, JobStatus
from inlink.ui import eta
from inlink.ui import format as fmt
from inlink.ui import navigation
from inlink.ui.cards import cards_html
from inlink.ui.exports import csv_download
from inlink.ui.fragments import fragment
from inlink.ui.gemini_key import gemini_key, remember_gemini_key, resume_secrets
from inlink.ui.page import guard, job_gone, plain_message

REFRESH_S = 1.0
TAIL_ROWS = 8
EVENT_ROWS = 6
_NOTICE = "job_panel_notice"
MEASURED_S = 5.0                         # a stopped job's rate is shown from this much working time
#: What the Spent figure is: counted here from the tokens Gemini reported, at the price the settings give the model,
#: not read from Google's bill (a paying user compared the two, and nothing said which to trust)
SPENT_IS = ("An estimate from the tokens Gemini reported, at the model's price in the Gemini settings; Google's "
            "billing is the final word.")
ESTIMATING = "…"                         # time left before a few pages were seen (a metric tile is narrow)
_SAMPLES = "job_panel.progress_seen."   # + job id: (time, pages done) seen by this tab, for the time left


def active_jobs(manager) -> list[Job]:
    """Jobs that are queued, running or paused, newest first."""
    return [job for job in manager.jobs() if job.is_active]


LAST_JOB = "last_job"   # session state: the analysis this session started or followed last
GONE_JOB = "job_panel.gone_job"   # session state: that analysis, found deleted (gone_notice says so once)
STARTED = "started_job"          # a click (Start, the home page's sample) made this job: "Analysis started"
FOLLOWED = "generate.identical"  # a click found this job doing (or done with) the same analysis and made none


def job_to_show(manager) -> str | None:
    """The analysis a page follows: ?job=<id> when it is one, else the newest active analysis (a fetch is followed
    on the Upload page), else this session's last: one it started or followed, so a tab watching a job another tab
    started keeps it once it finishes (the panel turned to "No analysis running" the moment the job was done).
    A fetch's id in the address was shown as if it were an analysis: the page says so instead (requested_fetch)."""
    requested = requested_job(manager)
    if requested is not None and not fmt.is_fetch(requested):
        return requested.job_id
    active = [job for job in active_jobs(manager) if not fmt.is_fetch(job)]
    if active:
        st.session_state[LAST_JOB] = active[0].job_id
        return active[0].job_id
    last = st.session_state.get(LAST_JOB)
    if last and not _exists(manager, last):   # deleted elsewhere: said once (gone_notice), not "No analysis running" alone
        st.session_state[GONE_JOB] = st.session_state.pop(LAST_JOB)
        return None
    return last or None


def gone_notice() -> None:
    """Say, once, that the analysis this tab followed was deleted (by another tab, the Jobs page or the command
    line): the panel turned to "No analysis running. Start one above" without a word, as if it had never been."""
    gone = st.session_state.pop(GONE_JOB, None)
    if gone:
        st.info(f"The analysis this page was following (job {gone}) was deleted, in another tab or from the command "
                "line.", icon=":material/delete:")


def requested_job(manager) -> Job | None:
    """The job ?job=<id> names, when there is one and it exists."""
    requested = st.query_params.get("job")
    if not requested:
        return None
    try:
        return manager.job(requested)
    except (JobError, ValueError):
        return None


def requested_fetch(manager) -> Job | None:
    """The fetch job ?job=<id> names, when it names one (a page of analyses says so and links to it)."""
    requested = requested_job(manager)
    return requested if requested is not None and fmt.is_fetch(requested) else None


def _exists(manager, job_id: str) -> bool:
    try:
        manager.job(job_id)
    except (JobError, ValueError):
        return False
    return True


_BANNERED = "job_panel.bannered"   # session state: the job the home banner last showed at work


def active_banner(manager, every_job: list[Job]) -> None:
    """Home-page banner while a job is active: its file name and progress, refreshed live; once none is, how the
    job it showed ended (ended_banner). `every_job`: the jobs as the page read them (manager.jobs())."""
    jobs = [job for job in every_job if job.is_active]
    if jobs:
        st.session_state[_BANNERED] = jobs[0].job_id
        fragment(_banner_body, run_every=REFRESH_S)(manager, jobs[0].job_id)
    elif st.session_state.get(_BANNERED):
        ended_banner(manager, st.session_state[_BANNERED])


def ended_banner(manager, job_id: str) -> None:
    """How the job the banner showed ended, with the way to its results: the banner vanished the moment its job
    completed, leaving a user who watched it with no word of the end. Said until another job is active (a job this
    tab never showed at work is not brought up)."""
    try:
        job = manager.job(job_id)
    except JobError:   # deleted since: nothing to say
        st.session_state.pop(_BANNERED, None)
        return
    with st.container(border=True):
        _banner_title(job)
        _progress(job)
        rows = int(job.rows_written or 0)
        review = not fmt.is_fetch(job) and rows
        label = (f"Review its {fmt.plural(rows, 'suggestion')}" if review
                 else "Open its pages and links" if fmt.is_fetch(job) else "Open it")
        st.page_link(navigation.JOBS, label=label, icon=":material/rate_review:" if review else ":material/open_in_new:",
                     query_params={"job": job_id})


def _banner_body(manager, job_id: str) -> None:
    with guard("The active-job banner"):
        try:
            job = manager.job(job_id)
        except JobNotFound:
            st.rerun()
        if not job.is_active:
            st.rerun()
        with st.container(border=True):
            _banner_title(job)
            _progress(job)
            paused = job.status is JobStatus.PAUSED
            st.page_link(navigation.UPLOAD if fmt.is_fetch(job) else navigation.GENERATE,
                         label="Open it to resume or stop it" if paused else "Open the live panel",
                         icon=":material/monitoring:", query_params={"job": job_id})


def _banner_title(job: Job) -> None:
    """The banner's line: its status ("Running analysis: x.csv"), not "Resuming active", which it read for a job just
    started; a fetch's label starts with "fetch " itself (it read "Paused fetch: fetch urls.txt (1 URL)"); the
    status's own icon (a paused job's read ":material/sync:", turning arrows, as if it were at work)."""
    kind = fmt.job_kind(job)
    name = fmt.file_name_of(job).removeprefix(f"{kind} ")
    st.markdown(f"{fmt.STATUS_STYLE[job.status][2]} **{fmt.shown_status(job)} {kind}:** {fmt.as_code(name)}")


def job_panel(manager, job_id: str, *, key: str = "panel", download: bool = True) -> None:
    """Render the live panel for one job (refreshing only while the job can still change).

    `download=False` is for pages that show the results themselves: no CSV button, and the latest
    suggestions only while the job runs.
    """
    try:
        job = manager.job(job_id)
    except JobError as exc:
        st.warning(fmt.as_text(f"Job {job_id} cannot be shown: {plain_message(exc)}"))
        return
    live = job.is_active
    panel = fragment(_panel_body, run_every=REFRESH_S if live else None)
    panel(manager, job_id, live, key, download)


@dataclass
class PanelData:
    """Everything one refresh of the panel reads: bounded, whatever the size of the job."""

    job: Job
    events: list[dict]
    tail: pd.DataFrame
    missing_inputs: list[str]   # a failed job's input files that are gone: its retry would fail the same way


def read_panel(manager, job_id: str) -> PanelData:
    """The job's metadata, its last EVENT_ROWS events and last TAIL_ROWS result rows (raises JobNotFound)."""
    job = manager.job(job_id)
    missing = manager.missing_inputs(job_id) if job.status is JobStatus.FAILED else []
    return PanelData(job, manager.events(job_id, limit=EVENT_ROWS),
                     manager.results_frame(job_id, limit=TAIL_ROWS, tail=True), missing)


def _panel_body(manager, job_id: str, live: bool, key: str, download: bool) -> None:
    with guard("The job panel"):
        try:
            data = read_panel(manager, job_id)
        except JobNotFound:
            st.rerun()   # the whole page again: it says the job was deleted, without the rest of the job's page
        job = data.job
        if job.is_active != live:
            st.rerun()   # the whole page again, so the refresh switches on or off
        with st.container(border=True):
            _header(job)
            _progress(job)
            _figures(job)
            _message(job, data.missing_inputs)
            _controls(manager, job, key, download, retry=not data.missing_inputs)
            _latest(data, rows=download or job.is_active)


def _header(job: Job) -> None:
    _, colour, icon = fmt.STATUS_STYLE.get(job.status, ("Unknown", "gray", ""))
    label = fmt.shown_status(job)
    left, right = st.columns([4, 1], vertical_alignment="center")
    with left:   # HTML, escaped: Markdown linked "crawl-www.example-shop.co.uk-2026.csv" (escapes do not stop
        st.html(title_html(fmt.file_name_of(job)))   # its autolinks) and read "*draft* [v2](x).csv" as emphasis
    engine = "" if fmt.is_fetch(job) else f" · {fmt.engine_of(job).title()} engine"   # a fetch has no link engine
    left.caption(f"Job `{job.job_id}`{engine} · "
                 f"started {fmt.timestamp(job.created_at)}")
    with right:
        st.badge(label, icon=icon or None, color=colour)


#: the look of Streamlit's own "####" heading, without its anchor link (a file name is no section to link to)
_TITLE = "font-size:1.25rem;font-weight:600;line-height:1.2;margin:0;padding:0.75rem 0 0.25rem;overflow-wrap:anywhere"


def title_html(name: str) -> str:
    """A job's file name as its panel's title: plain text whatever it holds (a web address, Markdown signs, HTML)."""
    return f'<h4 data-kind="job-title" style="{_TITLE}">{html.escape(name)}</h4>'


def _progress(job: Job) -> None:
    done, total, percent = fmt.progress_figures(job)
    status = fmt.shown_status(job)
    text = f"{status} · {done:,} of {fmt.plural(total, fmt.item_noun(job))} · {percent:.0f}%"   # a fetch's are URLs
    ahead = int(job.items_ahead or 0) if job.status is JobStatus.RUNNING and total else 0
    if ahead:   # a second core's pages, analysed and not saved yet: the pace and time left count them, so does this
        analysed = min(total, done + ahead)
        percent = 100.0 * analysed / total
        text = (f"{status} · {analysed:,} of {fmt.plural(total, fmt.item_noun(job))} analysed, {done:,} saved · "
                f"{percent:.0f}%")
    if not total:
        text = f"{status} · {_before_the_first_item(job)}"
    st.progress(min(max(percent / 100.0, 0.0), 1.0), text=text)


def _before_the_first_item(job: Job) -> str:
    """The bar's words for a job with no items counted yet; a fetch's in its own words (a fetch that failed on its
    sitemap read "no pages analysed", and one paused on an unreachable sitemap "preparing: reading the sitemap…")."""
    fetch = fmt.is_fetch(job)
    if job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
        return "preparing: " + ("reading the sitemap…" if fetch
                                else "reading the crawl and building the link index…")
    none = "no URLs fetched" if fetch else "no pages analysed"
    return none + " yet" if job.status is JobStatus.PAUSED else none   # a paused job reads nothing meanwhile


def _figures(job: Job) -> None:
    progress = job.progress()
    index, steps = job.current_step_index, job.total_steps
    step_label = f"Step {int(index) + 1} of {steps}" if index is not None and steps else "Step"
    if job.status in (JobStatus.STOPPED, JobStatus.FAILED, JobStatus.PAUSED):   # "Step 3 of 3 · Analyze" read
        step_label = f"{job.status.value.capitalize()} at {step_label[:1].lower()}{step_label[1:]}"   # as at work
    step = "Done" if job.status is JobStatus.COMPLETED else str(job.current_step or "—").title()
    spend = fmt.spend_text(job)
    row = st.container(horizontal=True)   # wraps: fixed columns cut "Pages per mi…" and "Ana…" at 1,024 px
    row.metric(step_label, step)
    recent, left = _recent_figures(job)
    noun = fmt.item_noun(job)
    running = job.status is JobStatus.RUNNING   # its pace as this tab saw it, else "…" (the run's own rate
    measured = float(progress.get("elapsed_s") or 0) >= MEASURED_S   # "0 s" beside "6,817 per minute": noise
    pace = ((fmt.per_minute(recent) if recent else ESTIMATING) if running
            else fmt.per_minute(_rate(progress)) if measured else "—")
    row.metric(f"{noun[:1].upper()}{noun[1:]}s per minute", pace,   # counts the second core's burst)
               help=None if running or measured else f"Not measured: the job worked under {MEASURED_S:.0f} s.")
    finished = job.status in TERMINAL_STATUSES   # completed, stopped, failed: "Time left —" read as not known yet
    if not finished:
        row.metric("Time left", left, help="From the pace of the last pages; '…' until a few pages "
                   "have gone by." if left == ESTIMATING else None)
    row.metric("Duration" if finished else "Elapsed", fmt.duration(progress.get("elapsed_s")),
               help="The time the job worked, its pauses left out." if finished else None)
    if fmt.is_fetch(job):
        row.metric("Pages fetched", f"{fetched_pages(job):,}", help=_fetched_help(job))
    else:
        row.metric("Suggestions", f"{int(job.rows_written or 0):,}")
    if spend:   # a paid engine: what it cost so far, and of what budget (the budget pauses the job)
        row.metric("Spent", fmt.usd(fmt.spent_usd(job.counters)), help=spend[:1].upper() + spend[1:] + ". " + SPENT_IS)


def _fetched_help(job: Job) -> str | None:
    """What the rows that are no page fetched are: redirects (their pages have rows of their own) and URLs not
    fetched. It said every other row was under "Pages not fetched and why", where redirects are not."""
    from inlink.tasks import fetch as fetch_task

    fetched, rows = fetched_pages(job), int(job.rows_written or 0)
    if fetched >= rows:
        return None
    statuses = fetch_task.status_counts(job.counters or {})
    redirected, failed = statuses.get(fetch_task.NOT_FAILED[1], 0), fetch_task.not_fetched_count(statuses)
    others = [fmt.plural(redirected, "redirect") + " (where each leads has a row of its own)" if redirected else "",
              f"{fmt.plural(failed, 'URL')} under \"Pages not fetched and why\"" if failed else ""]
    return f"Fetched of {fmt.plural(rows, 'URL')} done so far; " + ", ".join(filter(None, others)) + "."


def fetched_pages(job: Job) -> int:
    """The pages a fetch job fetched (status OK): its page rows also hold the URLs that failed (the panel said
    "Pages fetched 105" beside "OK 104, HTTP error 1")."""
    from inlink.tasks import fetch as fetch_task

    statuses = fetch_task.status_counts(job.counters or {})
    return int(statuses.get("OK", 0)) if statuses else int(job.rows_written or 0)


def _recent_figures(job: Job) -> tuple[float | None, str]:
    """(recent pages per second or None, time left as shown) from what this tab saw of the running job."""
    slot = f"{_SAMPLES}{job.job_id}"
    done, total, _ = fmt.progress_figures(job)
    if job.status is not JobStatus.RUNNING or not total:
        st.session_state.pop(slot, None)     # paused or preparing time is not working time
        return None, "—"
    now = time.monotonic()
    done += int(job.items_ahead or 0)        # pages a second core has analysed, not committed yet: work done
    samples = eta.observe(st.session_state.get(slot, []), now, done)
    st.session_state[slot] = samples
    left = eta.time_left(samples, now, min(done, total), total)
    return eta.recent_rate(samples, now), fmt.duration(left) if left is not None else ESTIMATING


def _rate(progress: dict) -> float | None:
    """The engine's rate for this run, else the job's average (right after a resume the former is unknown)."""
    elapsed, done = float(progress.get("elapsed_s") or 0), int(progress.get("items_done") or 0)
    return progress.get("rate_per_s") or (done / elapsed if elapsed > 0 and done else None)


def _message(job: Job, missing_inputs: list[str]) -> None:
    status = job.status
    if status is JobStatus.FAILED:
        st.error(fmt.as_text(failure_text(job, missing_inputs)))
    elif job.message and status in (JobStatus.PAUSED, JobStatus.STOPPED, JobStatus.QUEUED):
        st.info(panel_words(job, job.message))
    notice = st.session_state.pop(_NOTICE, None)
    if notice:
        st.warning(notice)


def failure_text(job: Job, missing_inputs: list[str] | tuple[str, ...] = ()) -> str:
    """Why a failed job stopped, in its kind's words ("The fetch failed during the discover step: ..."; a fetch
    read "The analysis failed"), and what to do: resume it, or, when its input files are gone (a resume read them
    and failed again, while the panel said "You can resume it"), start a new one from the files."""
    where = f" during the {job.failed_step} step" if job.failed_step else ""
    hint = " You can resume it: it continues from its last checkpoint." if job.can_resume else ""
    if missing_inputs:
        hint = (f" Its input files are gone from the jobs folder ({', '.join(missing_inputs)} in {job.job_id}_input), "
                f"so a resume would fail the same way: start a new {fmt.job_kind(job)} from the Upload page instead.")
    message = str((job.error or {}).get("message") or "unknown error").rstrip(".")
    return f"The {fmt.job_kind(job)} failed{where}: {message}.{hint}"


def _controls(manager, job: Job, key: str, download: bool, retry: bool = True) -> None:
    """Pause / Resume / Stop as the job's status allows, and its download; `retry=False`: a failed job whose
    resume could only fail again (its input files are gone) offers none."""
    status, job_id = job.status, job.job_id
    can_pause = status in (JobStatus.QUEUED, JobStatus.RUNNING) and not job.requested_action
    can_resume = status in fmt.RESUMABLE_STATUSES and bool(job.can_resume) and retry
    if not (can_pause or can_resume or status in (*fmt.ACTIVE_STATUSES, JobStatus.FAILED)):
        if download:   # finished: its download alone, not three buttons that can do nothing, and where to review it
            csv_download(manager, job, key=f"{key}_csv", what="CSV")
            if not fmt.is_fetch(job) and job.rows_written:
                st.page_link(navigation.JOBS, label="Review the suggestions", icon=":material/rate_review:",
                             query_params={"job": job_id})
        return
    needs_key = can_resume and fmt.is_gemini(job) and not gemini_key()
    if needs_key or (can_resume and fmt.paused_for_key(job)):   # Resume waits for a key, or Gemini refused this one
        st.text_input("Gemini API key, to resume", type="password", key=f"{key}_gemini_key",
                      help="Kept in this browser session's memory only; never saved to disk.",
                      on_change=remember_gemini_key, args=(f"{key}_gemini_key",))
    if can_resume and fmt.budget_usd(job) is not None and fmt.paused_at_budget(job):
        _budget_control(manager, job, key)
    if can_resume and fmt.paused_for_model(job):
        _model_control(manager, job, key)
    # a row that wraps, never cuts a label (fixed columns read "P…", "R…", "St…" at 1,024 px beside the CSV button)
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        st.button("Pause", icon=":material/pause:", key=f"{key}_pause", disabled=not can_pause,
                  on_click=_act, args=(manager, "pause", job_id))
        st.button("Resume", icon=":material/play_arrow:", key=f"{key}_resume", disabled=not can_resume or needs_key,
                  help="Type the Gemini API key above first." if needs_key else None,
                  on_click=_act, args=(manager, "resume", job_id, fmt.engine_of(job)))
        stoppable = status in (*fmt.ACTIVE_STATUSES, JobStatus.FAILED)   # as the engine allows
        st.button("Stop", icon=":material/stop:", key=f"{key}_stop", disabled=not stoppable,
                  on_click=_ask_to_stop, args=(key, job_id))
        if download:
            csv_download(manager, job, key=f"{key}_csv",
                         what="results so far (CSV)" if status is not JobStatus.COMPLETED else "CSV")
    if stoppable and st.session_state.get(f"{key}{_STOP_ASKED}") == job_id:
        _confirm_stop(manager, job, key)


_STOP_ASKED = "_stop_asked"   # + the panel's key, in session state: the job whose Stop was clicked, to confirm


def _ask_to_stop(key: str, job_id: str) -> None:
    """Stop's first click asks (_confirm_stop): a stopped job is over for good, and Stop stood beside Resume."""
    st.session_state[f"{key}{_STOP_ASKED}"] = job_id


def _confirm_stop(manager, job: Job, key: str) -> None:
    """Stop for good, or keep the job: asked under the buttons, and kept over the panel's refreshes."""
    with st.container(border=True):
        st.warning(f"Stop this {fmt.job_kind(job)} for good? A stopped job cannot be resumed; pause it instead to go "
                   "on later. Its results so far stay, and can be downloaded.", icon=":material/stop_circle:")
        with st.container(horizontal=True, gap="small"):
            st.button("Stop for good", type="primary", key=f"{key}_stop_confirmed", on_click=_stop_confirmed,
                      args=(manager, job.job_id, key))
            st.button("Keep it", key=f"{key}_stop_cancelled", on_click=_forget_stop, args=(key,))


def _stop_confirmed(manager, job_id: str, key: str) -> None:
    _forget_stop(key)
    _act(manager, "stop", job_id)


def _forget_stop(key: str) -> None:
    st.session_state.pop(f"{key}{_STOP_ASKED}", None)


def panel_words(job: Job, text: str | None) -> str:
    """A job engine sentence in the task's words; a budget pause names the panel's budget field (_budget_control),
    which does what the command line's `jobs resume ID --budget USD` does, and a pause for a model its model field
    (_model_control: `jobs resume ID --model NAME`)."""
    return fmt.in_task_words(job, text, raise_budget="the budget field below" if fmt.budget_usd(job) else None,
                             new_model="the model field below" if fmt.is_gemini(job) else None)


def _budget_control(manager, job: Job, key: str) -> None:
    """A Gemini job that stopped at its budget goes on only with a larger one (as `jobs resume ID --budget USD`)."""
    from inlink.tasks import analysis as link_task

    budget, spent = fmt.budget_usd(job), fmt.spent_usd(job.counters)
    ahead = link_task.spent_ahead_usd(manager, job.job_id)
    kept = (f" on the pages done, and {fmt.usd(ahead)} on answers kept for pages still to come (paid, and counted "
            "in the budget)") if ahead else ""
    field, button = st.columns([2, 2], vertical_alignment="bottom")
    field.number_input("Budget (US dollars)", min_value=0.0, value=budget, step=1.0 if budget >= 1 else 0.01,
                       format="%.2f" if budget >= 1 else "%.4f", key=f"{key}_budget",
                       help=f"Spent so far: {fmt.usd(spent)}{kept}. A job paused at its budget goes on with a "
                            "larger one.")
    button.button("Raise budget and resume", icon=":material/paid:", key=f"{key}_raise_budget",
                  on_click=_raise_budget, args=(manager, job.job_id, f"{key}_budget"), width="stretch")


def _raise_budget(manager, job_id: str, widget_key: str) -> None:
    """Button callback: the job's new budget (refused at or under what it spent: a notice), then its resume."""
    from inlink.tasks import analysis as link_task

    def change() -> str:
        link_task.set_budget(manager, job_id, float(st.session_state.get(widget_key) or 0))
        return ""
    _change_and_resume(manager, job_id, "The budget change", change)


def _model_control(manager, job: Job, key: str) -> None:
    """A Gemini job paused because Gemini does not know its model goes on only with another (as `jobs resume ID
    --model NAME`)."""
    model = fmt.model_of(job)
    field, button = st.columns([2, 2], vertical_alignment="bottom")
    field.text_input("Gemini model", value=model, key=f"{key}_model",
                     help="A model name of the Gemini API, e.g. gemini-2.5-flash; the next pages are asked of it, "
                          "and costed at its price.")
    button.button("Change model and resume", icon=":material/swap_horiz:", key=f"{key}_change_model",
                  on_click=_change_model, args=(manager, job.job_id, f"{key}_model"), width="stretch")


def _change_model(manager, job_id: str, widget_key: str) -> None:
    """Button callback: the job's new model (checked as at its start; a refusal is a notice), then its resume."""
    from inlink.gemini.settings import unknown_price_words   # light: not the SDK
    from inlink.tasks import analysis as link_task

    def change() -> str:
        model = link_task.set_model(manager, job_id, str(st.session_state.get(widget_key) or ""))
        unknown_price = unknown_price_words(model)
        return f"Note: {unknown_price}." if unknown_price else ""
    _change_and_resume(manager, job_id, "The model change", change)


def _change_and_resume(manager, job_id: str, what: str, change: Callable[[], str]) -> None:
    """A Gemini job's setting changed (`change`: what to note after, or ""), then its resume with the key this
    browser holds; a refusal of either becomes a notice (both panel controls: budget and model)."""
    from inlink.tasks import analysis as link_task

    with guard(what):
        try:
            note = change()
            manager.resume(job_id, secrets=resume_secrets("gemini"))
            if note:
                st.session_state[_NOTICE] = note
        except (JobError, link_task.OptionError) as exc:
            st.session_state[_NOTICE] = plain_message(exc)


_DONE = {"pause": "paused", "resume": "resumed", "stop": "stopped"}


def _act(manager, action: str, job_id: str, engine: str = "offline") -> None:
    """Button callback: pause, resume or stop; a refused action becomes a notice, not an exception."""
    with guard(f"The {action} action"):
        try:
            if action == "resume":
                manager.resume(job_id, secrets=resume_secrets(engine))
            else:
                getattr(manager, action)(job_id)
        except JobNotFound:
            job_gone(job_id, f"it was not {_DONE[action]}")
        except JobError as exc:
            st.session_state[_NOTICE] = plain_message(exc)


#: time | message: the message wraps (a long URL breaks anywhere), so a whole event reads at any width without a
#: sideways scroll (a table cell cut every long event at 1,400 px: "Paused: the site cannot be reached (conn…")
_EVENTS = ("display:grid;grid-template-columns:max-content minmax(0,1fr);column-gap:0.75rem;row-gap:0.3rem;"
           "font-size:0.88rem;line-height:1.4")
_EVENT_TIME = "font-variant-numeric:tabular-nums;opacity:0.65;white-space:nowrap"


def events_html(events: list[tuple[str, str]]) -> str:
    """(time, message) pairs, oldest first, as a two-column list whose messages wrap; escaped (a message may quote
    a page's URL or a server's answer)."""
    cells = "".join(f'<div style="{_EVENT_TIME}">{html.escape(when)}</div>'
                    f'<div style="overflow-wrap:anywhere">{html.escape(message or "")}</div>' for when, message in events)
    return f'<div data-kind="events" style="{_EVENTS}">{cells}</div>'


#: A fetch's latest pages in the panel's right-hand column: 323 px at 1,024 px, where the columns drawn to their
#: contents scrolled sideways and cut Word Count; wider pages grow them. Counts as every count on the page ("6,532").
LATEST_PAGES_COLUMNS = {
    "Address": st.column_config.TextColumn("Address", width=135),
    "Status": st.column_config.TextColumn("Status", width=70),
    "Status Code": st.column_config.NumberColumn("Code", width=50, format="%d"),
    "Word Count": st.column_config.NumberColumn("Words", width=60, format="localized"),
}


def _latest(data: PanelData, rows: bool = True) -> None:
    events_column, rows_column = st.columns([3, 5]) if rows else (st.container(), None)
    with events_column:
        st.markdown("**Latest events**")
        if data.events:
            st.html(events_html([(fmt.clock(e.get("ts")), panel_words(data.job, e.get("message") or e.get("event")))
                                 for e in reversed(data.events)]))
        else:
            st.caption("No events yet.")
    if rows_column is None:
        return
    with rows_column:
        fetch = fmt.is_fetch(data.job)
        st.markdown("**Latest pages**" if fetch else "**Latest suggestions**")
        if len(data.tail) and fetch:
            shown = data.tail[[c for c in ("Address", "Status", "Status Code", "Word Count")
                               if c in data.tail.columns]].iloc[::-1]
            shown["Address"] = shown["Address"].map(fmt.short_url)
            st.dataframe(shown, hide_index=True, width="stretch", column_config=LATEST_PAGES_COLUMNS)
        elif len(data.tail):
            st.html(cards_html(data.tail.iloc[::-1]))
        else:
            st.caption("No pages yet." if fetch else "No suggestions yet.")
