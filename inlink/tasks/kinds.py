"""What kind of job a job is, and what it spent: read here only, for the tasks and every front end.

A job's config and counters are written by the tasks (start_analysis, start_fetch, the Gemini engine's per-page
counters), so the tasks' layer is where they are read. The dashboard, the CLI and set_budget all ask these
functions; none reads "engine" or "cost_usd" out of a job itself, and no front end reads a job's config. Light on
purpose: the job engine's records only, so `jobs list` and `jobs status` import no pandas through it.
"""
from __future__ import annotations

from collections.abc import Mapping

from inlink.jobs import Job

LINK_TASK = "link_analysis"    # inlink.tasks.analysis.TASK_NAME
FETCH_TASK = "site_fetch"      # inlink.tasks.fetch.TASK_NAME
SPENT_COUNTER = "cost_usd"     # the Gemini engine's per-page cost (PageOutcome.counters), summed over the job


def engine_of(job: Job) -> str:
    """'fetch' for a fetch job (it reads the site: no link engine), else the analysis's engine from its config:
    'offline' or 'gemini'."""
    if job.task == FETCH_TASK:
        return "fetch"
    config = job.config or {}
    options = config.get("options") if isinstance(config.get("options"), dict) else config
    return str(options.get("engine") or config.get("engine") or "offline")


def is_gemini(job: Job) -> bool:
    """Whether the job analyses with Gemini (the one that spends, asks for a key, may have a budget)."""
    return engine_of(job) == "gemini"


def is_fetch(job: Job) -> bool:
    """Whether the job fetches a site (no link engine, no suggestions: pages and links)."""
    return job.task == FETCH_TASK


def budget_usd(job: Job) -> float | None:
    """The budget in US dollars of a Gemini analysis that has one; None for every other job."""
    if not is_gemini(job):
        return None
    budget = _options(job).get("budget_usd")
    return float(budget) if budget else None


def model_of(job: Job) -> str:
    """The Gemini model an analysis asks (its options keep the one it started with: clean_options); "" for a job
    without one."""
    return str(_options(job).get("model") or "")


def links_given(job: Job) -> bool:
    """Whether the analysis was given the site's existing links, as a links file or in its pages' HTML (without
    them, its orphans before are unknown)."""
    return bool(_files(job).get("links") or _files(job).get("links_in_pages"))


def pages_label(job: Job) -> str:
    """The name of the pages file an analysis was given (start_analysis keeps it as files.pages_label); "" for a job
    without one."""
    return str(_files(job).get("pages_label") or "")


def _options(job: Job) -> Mapping:
    options = (job.config or {}).get("options")
    return options if isinstance(options, Mapping) else {}


def _files(job: Job) -> Mapping:
    files = (job.config or {}).get("files")
    return files if isinstance(files, Mapping) else {}


def spent_usd(counters: Mapping | None) -> float:
    """The Gemini spend in US dollars recorded in a job's (or a foreground run's) counters; 0 without one."""
    return float((counters or {}).get(SPENT_COUNTER) or 0.0)


def fetched_site(job: Job) -> str:
    """The site a finished fetch job read (scheme and host, e.g. "https://example.com"); "" before it finished."""
    return str((job.summary or {}).get("site") or "") if job.task == FETCH_TASK else ""
