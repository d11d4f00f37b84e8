"""Generate Links page: analysis settings for the saved dataset, Start, and the live panel of the job.

A typed Gemini key lives only in this browser session's memory and goes to start_analysis as api_key; the
job engine keeps it in memory too, so it is never written to jobs/, logs or exports.
"""
from __future__ import annotations

import streamlit as st

from inlink import uploads as datasets
from inlink.gemini import settings as gemini_settings
from inlink.tasks import analysis as link_task
from inlink.site import load as site_import
from inlink.site import scope
from inlink.jobs import JobError, JobStatus
from inlink.links.confidence import DEFAULT_MIN_CONFIDENCE, HIGH_CONFIDENCE, MEDIUM_CONFIDENCE
from inlink.ui import fetch_form
from inlink.ui import format as fmt
from inlink.ui import jobs_watch, navigation
from inlink.ui.gemini_key import forget_gemini_key, gemini_key, remember_gemini_key, typed_gemini_key
from inlink.ui.job_panel import (FOLLOWED, LAST_JOB, STARTED, gone_notice, job_panel, job_to_show,
                                 requested_fetch)
from inlink.ui.page import guard, page_manager, plain_message

_START_ERROR = "generate.start_error"
_SHOWN = "generate.dataset_shown"   # the dataset this tab's page showed when it was last drawn


def engine_settings() -> tuple[str, dict, str | None]:
    """(engine, engine-specific options, api key) from the engine widgets."""
    engine = st.segmented_control("Engine", ["offline", "gemini"], default="offline", key="generate.engine",
                                  format_func={"offline": "Offline (free, on this machine)",
                                               "gemini": "Gemini (Google AI, paid)"}.get) or "offline"
    if engine == "offline":
        st.caption("Scores pages by shared vocabulary and proposes phrases already in the source page.")
        return engine, {}, None
    key_section()
    key = gemini_key()
    left, right = st.columns(2)
    default_model = gemini_settings.GeminiSettings.from_options().model
    models = sorted(set(gemini_settings.DEFAULT_PRICES) | {default_model})
    model = left.selectbox("Model", models, index=models.index(default_model), accept_new_options=True,
                           key="generate.model")
    unknown_price = gemini_settings.unknown_price_words(model)
    if unknown_price:   # a model typed in: its spend and budget are estimates (as `cli.py` warns)
        st.warning(unknown_price[0].upper() + unknown_price[1:] + ".")
    budget = right.number_input("Budget cap (US$)", min_value=0.0, value=1.0, step=0.5, key="generate.budget_usd",
                                help="The job pauses when its spend reaches this amount. 0 = no cap.")
    return engine, {"model": model, "budget_usd": budget or None}, key


def cost_estimate(dataset: datasets.Dataset, options: dict) -> None:
    """What the analysis may cost with Gemini, before Start (gemini.estimate): one paid call a page, and the budget
    field alone said nothing of how far a budget goes."""
    with st.spinner("Estimating the cost from the pages' text…"):   # an older dataset's first time: parsed once
        chars, urls = datasets.analysable_text_chars(dataset), datasets.analysable_urls(dataset)
    if not chars or urls is None or len(urls) != len(chars):   # (no text, or files of two different parses)
        return
    try:
        said = link_task.gemini_estimate_words(urls, chars, options)
    except gemini_settings.SettingsError:
        return   # Start says what is wrong with the model
    st.caption(fmt.as_text(said))


_KEY_FIELD = "generate.gemini_api_key"
#: The empty key field said nothing of why it was there, nor that Start would be refused without it.
NO_KEY_YET = "Paste a key: none is set in GEMINI_API_KEY or GOOGLE_API_KEY"


def key_section() -> None:
    """Which Gemini key a job started here gets, and how to change it: a typed key goes before the environment's
    (GEMINI_API_KEY / GOOGLE_API_KEY) for the session, and Forget goes back to it. Before, a typed key could not be
    cleared: once typed (here, or in a job's panel when Gemini refused the environment's) it stayed, the field
    empty again on the next visit while the key was still used."""
    from inlink.gemini.keys import api_key_from_env   # the key lookup alone: never the google-genai SDK

    env = api_key_from_env()
    if typed_gemini_key():
        st.caption("Using the API key typed in this browser session"
                   + (", not the GEMINI_API_KEY / GOOGLE_API_KEY environment variable's." if env else "."))
        st.button("Use the environment's key instead" if env else "Forget the typed key", icon=":material/key_off:",
                  key="generate.forget_key", on_click=forget_gemini_key,
                  help="The key typed in this session is dropped from memory"
                       + ("; jobs started after this use GEMINI_API_KEY / GOOGLE_API_KEY." if env else "."))
    elif env:
        st.caption("Using the API key from the GEMINI_API_KEY / GOOGLE_API_KEY environment variable.")
    else:
        st.text_input("Gemini API key", type="password", key=_KEY_FIELD, on_change=remember_gemini_key,
                      args=(_KEY_FIELD,), placeholder=NO_KEY_YET,
                      help="Kept in this browser session's memory only; never saved to disk.")


def common_options(dataset: datasets.Dataset) -> dict:
    """Options both engines share."""
    left, right = st.columns(2)
    per_page = left.number_input("Max suggestions per page", min_value=1, max_value=50, value=5, step=1,
                                 key="generate.max_per_page")
    inbound = right.number_input("Max new inbound links per target", min_value=1, max_value=10_000, value=None,
                                 step=1, key="generate.max_inbound", placeholder="No limit",
                                 help="Empty: no limit (a 0 here read as \"no new links\").")
    patterns = st.text_area("Exclude URLs matching", key="generate.exclude_patterns", height=90,
                            placeholder="One pattern per line, e.g. /tag/ or */page/*",
                            help="Matching pages are neither sources nor targets. Plain text matches anywhere in "
                                 "the URL; a glob (* ? [ ]) matches the whole URL, or its path when it starts "
                                 "with a slash (/blog/*). Below the box: how many of the dataset's pages the "
                                 "patterns leave out, and any pattern that matches no page.")
    excluded = [line.strip() for line in patterns.splitlines() if line.strip()]
    if excluded:
        pattern_feedback(dataset, excluded)
    floor = st.slider("Minimum confidence", min_value=0.0, max_value=1.0, value=DEFAULT_MIN_CONFIDENCE, step=0.05,
                      key="generate.min_confidence",
                      help="No suggestion below this confidence (the chance that an editor keeps the link), so "
                           "\"max per page\" is a maximum, never a quota. Higher: fewer, surer suggestions.")
    with st.expander("Advanced"):
        high, medium = tier_cut_offs()
        throttle = st.number_input("Pause after each page (seconds)", min_value=0.0, max_value=30.0, value=0.0,
                                   step=0.1, key="generate.throttle_s", help="Slows the job down for demonstrations.")
    return {"max_per_page": int(per_page), "max_inbound_per_target": int(inbound) if inbound else None,
            "exclude_patterns": excluded,
            "min_confidence": float(floor), "high_confidence": high, "medium_confidence": medium,
            "throttle_s": float(throttle)}


def pattern_feedback(dataset: datasets.Dataset, patterns: list[str]) -> None:
    """What the exclude patterns do to this dataset, before Start: the pages they leave out, and each pattern that
    matches no page (a typo excluded nothing, and was said only in the job's events once it ran)."""
    with st.spinner("Matching the patterns against the dataset's pages…"):   # a large crawl's first time: seconds
        reach = datasets.pattern_reach(dataset, patterns)
    if reach is None:
        return
    left_out, pages, unmatched = reach
    these = "This pattern leaves" if len(patterns) == 1 else "These patterns leave"
    st.caption(f"{these} out {left_out:,} of the dataset's {fmt.plural(pages, 'page')}: they are neither sources "
               "nor targets." if left_out else f"{these} out none of the dataset's {fmt.plural(pages, 'page')}.")
    refused = datasets.excludes_every_page(dataset, patterns)   # Start's own check, said before it is pressed
    if refused is not None:
        words = str(refused)
        st.warning(fmt.as_text(f"{words[:1].upper()}{words[1:]}: Start analysis will refuse "
                               f"{'it' if len(patterns) == 1 else 'them'}."), icon=":material/warning:")
    for pattern in unmatched:
        st.warning(fmt.as_text(f"The exclude pattern {link_task.unmatched_pattern_words(pattern)}."),   # its *
                   icon=":material/warning:")


def tier_cut_offs() -> tuple[float, float]:
    """(high, medium): the confidences from which a suggestion is in the high and the medium tier."""
    left, right = st.columns(2)
    high = left.number_input("High tier from confidence", min_value=0.0, max_value=1.0, value=HIGH_CONFIDENCE,
                             step=0.01, key="generate.high_confidence",
                             help="Suggestions at least this confident are tiered high: links to add as they are.")
    medium = right.number_input("Medium tier from confidence", min_value=0.0, max_value=1.0,
                                value=MEDIUM_CONFIDENCE, step=0.01, key="generate.medium_confidence",
                                help="Suggestions at least this confident (and below high) are medium: worth a "
                                     "look; the rest are low.")
    return float(high), float(medium)


#: Said while Start checks and copies the crawl (a 10,000-page crawl took 40 s with nothing on the page).
_CHECKING = "Checking the crawl and creating the job…"


def start(manager, dataset: datasets.Dataset, engine: str, options: dict, api_key: str | None) -> None:
    """Create the job; a bad file, option or missing key becomes a message, not an exception."""
    if engine == "gemini" and not api_key:
        st.session_state[_START_ERROR] = "Gemini needs an API key: type one above or choose the offline engine."
        return
    refused = datasets.excludes_every_page(dataset, options.get("exclude_patterns") or [])
    if refused is not None:   # known from the dataset's saved URLs: said at once, not after the crawl's 2 s check
        st.session_state[_START_ERROR] = str(refused)
        return
    try:
        job_id = link_task.start_analysis(
            manager, dataset.pages_path, pages_name=dataset.pages_name, label=fmt.analysis_label(dataset.summary),
            links=dataset.links_path,
            links_name=dataset.links_name, engine=engine, options=options, api_key=api_key,
            column_map=dataset.column_map or None, sheet=dataset.sheet, site_hosts=dataset.site_hosts,
            links_sheet=dataset.links_sheet, refuse_identical=True)
    except link_task.IdenticalAnalysis as twin:   # a double click, or Start pressed again: follow the one running
        job_id = twin.job.job_id
        st.session_state[FOLLOWED] = job_id
        st.session_state[LAST_JOB] = job_id
        st.query_params["job"] = job_id
        return
    except site_import.NothingToAnalyse as exc:   # in the dashboard's words: its Upload page, not the CLI's flags
        st.session_state[_START_ERROR] = exc.in_words_of(scope.DASHBOARD)
        return
    except (site_import.SiteDataError, link_task.OptionError, JobError, OSError) as exc:
        st.session_state[_START_ERROR] = plain_message(exc)
        return
    st.session_state[LAST_JOB] = job_id
    st.session_state[STARTED] = job_id
    st.query_params["job"] = job_id


def settings_section(manager, dataset: datasets.Dataset) -> None:
    with st.container(border=True):
        pages = dataset.summary.get("pages")
        st.markdown(f"**Dataset:** {fmt.dataset_files(dataset.pages_name, dataset.links_name, dataset.summary)}"
                    + (f" · {fmt.dataset_pages(dataset.summary)}" if pages is not None else "")
                    + (f" · hosts {', '.join(dataset.site_hosts)}" if dataset.site_hosts else ""))
        engine, engine_options, api_key = engine_settings()
        options = {**common_options(dataset), **engine_options}
        if engine == "gemini":
            cost_estimate(dataset, options)
        shown_before = st.session_state.get(_SHOWN)
        st.session_state[_SHOWN] = dataset.dataset_id
        if st.button("Start analysis", type="primary", icon=":material/rocket_launch:", key="generate.start"):
            if shown_before not in (None, dataset.dataset_id):
                st.session_state[_START_ERROR] = changed_dataset_words(dataset)
            else:
                with guard("Starting the analysis"), st.spinner(_CHECKING):   # this run's widget values
                    start(manager, dataset, engine, options, api_key)
    error = st.session_state.pop(_START_ERROR, None)
    if error:
        st.error(fmt.as_text(f"The analysis could not start: {error}"), icon=":material/error:")   # its *
    twin = st.session_state.pop(FOLLOWED, None)
    if twin:
        identical_notice(manager, twin)
    if st.session_state.pop(STARTED, None):
        st.success("Analysis started. You can close this tab: the job runs on the server, keeps its progress "
                   "and resumes by itself after a restart.", icon=":material/cloud_done:")


def identical_notice(manager, job_id: str) -> None:
    """Why a click made no job: one with the same dataset and settings is queued or running (a double click started
    the same analysis twice, 3 s apart, and the panel followed only the second), or, for the home page's sample
    site, paused or completed (a second click said "Analysis started" over the job it had started before)."""
    try:
        status = manager.job(job_id).status
    except (JobError, ValueError):   # gone since: the next click starts a new one
        return
    st.info(followed_words(job_id, status), icon=":material/info:")
    st.page_link(navigation.JOBS, label=f"Open job {job_id} on the Jobs page", icon=":material/open_in_new:",
                 query_params={"job": job_id})


def followed_words(job_id: str, status: JobStatus) -> str:
    """The notice's words: what the job followed is doing, and what the user can do next."""
    if status is JobStatus.COMPLETED:
        return (f"This analysis has been done already (job {job_id}, the same dataset and settings), so no second "
                "job was started. Its results are shown below. To run it again, press Start analysis.")
    then = ("It is shown below: Resume carries on from where it stopped." if status is JobStatus.PAUSED
            else "Its progress is shown below. To start another, change a setting first.")
    return (f"This analysis is already {fmt.status_label(status).lower()} (job {job_id}, the same dataset and "
            f"settings), so no second job was started. {then}")


def changed_dataset_words(dataset: datasets.Dataset) -> str:
    """Why Start did nothing: the saved dataset is the newest one accepted in any tab, and another tab (an upload,
    the sample site, a finished fetch) replaced the one this page showed between its drawing and the click. The
    job would have read a file the user never saw here, so the page shows the new one and waits for a new click.
    A fetch that finished meanwhile is said as such: this page adopts it itself (fetch_form.adopt_newer_fetch), so
    "another tab saved fetched-pages.csv" named a tab that did nothing."""
    fetch_job = dataset.summary.get("fetch_job")
    why = (f"the pages fetched by job {fetch_job} became the current dataset" if fetch_job
           else f"another tab saved {dataset.pages_name}")
    return (f"the dataset changed since this page was shown ({why}). Check the dataset and the settings above, "
            "then press Start analysis again.")


def no_dataset() -> None:
    st.info("No dataset yet: upload a crawl or try the sample site first.", icon=":material/info:")
    st.page_link(navigation.UPLOAD, label="Upload a crawl", icon=":material/upload_file:")


def render() -> None:
    manager = page_manager()
    st.title("Generate links")
    st.caption("Choose how suggestions are made, then start the analysis. It runs as a background job: "
               "progress is saved page by page.")
    with guard("The Generate links page"):
        fetched = fetch_form.adopt_newer_fetch(manager) if manager is not None else None
        dataset = datasets.latest_dataset()
        if fetched is not None:
            site = fmt.fetched_site(fetched)
            st.success(f"Fetched pages{f' of {site}' if site else ''} saved as the current dataset: the fetch "
                       "finished after the dataset before it was saved.", icon=":material/check_circle:")
        if dataset is None:
            no_dataset()
        elif manager is not None:
            settings_section(manager, dataset)
        if manager is not None:
            analysis_section(manager, dataset)


def analysis_section(manager, dataset) -> None:
    st.subheader("Analysis")
    fetch = requested_fetch(manager)
    if fetch is not None:
        not_an_analysis(fetch)
    shown = job_to_show(manager)
    if shown:
        job_panel(manager, shown, key="generate.panel")
    else:   # "No analysis yet" read wrong beside finished analyses: this page follows the running ones
        gone_notice()
        every_job = manager.jobs()
        done = any(job.task == link_task.TASK_NAME for job in every_job)
        if dataset is None:
            st.caption("No analysis running: once a dataset is saved, its progress appears here.")
        else:
            st.caption("No analysis running. Start one above; its progress appears here.")
        if done:
            st.page_link(navigation.JOBS, label="Earlier analyses are on the Jobs page", icon=":material/work_history:")
        jobs_watch.rerun_on_change(manager, every_job)   # one started elsewhere (another tab, the CLI) shows here


def not_an_analysis(fetch) -> None:
    """A link to this page naming a fetch job (/generate_links?job=<a fetch's id>) showed the fetch under "Analysis"
    as if it were one ("Suggestions 0", an analysis's steps): the page says what the job is, by its label, and
    links to it on the Jobs page, where a job of any kind is shown with its pages and links (as the home page's
    banner links a finished fetch)."""
    st.info(f"Job `{fetch.job_id}` is a fetch of pages, not an analysis: {fmt.as_code(fmt.file_name_of(fetch))}. "
            "This page shows analyses; the fetch, with the pages and links it fetched, is on the Jobs page.",
            icon=":material/info:")
    st.page_link(navigation.JOBS, label=f"Open the fetch {fetch.job_id} on the Jobs page",
                 icon=":material/open_in_new:", query_params={"job": fetch.job_id})


if __name__ == "__main__":   # run as a page by st.navigation
    render()
