"""The Jobs page's data: one row per job, filtered, searched and cut into pages.

Thousands of jobs stay fast because only metadata is read (never results) and only one page of rows is
formatted for display.
"""
from __future__ import annotations

import math

import pandas as pd

from inlink.jobs import Job, JobStatus
from inlink.ui import format as fmt

PAGE_SIZE = 25
_WIDE = 14   # Suggestions is text ("—" for a fetch job, was "None"): padded on the left, it still sorts as numbers
COLUMNS = ("Job", "File", "Status", "Engine", "Progress", "Pages", "Suggestions", "Cost", "Created", "Updated")


def matching_jobs(jobs: list[Job], status: str | JobStatus | None = None, search: str = "") -> list[Job]:
    """The jobs (from one listing, newest first) with the given status whose file name or id contains
    the search text."""
    needle = search.strip().lower()
    return [job for job in jobs
            if (not status or job.status == status)
            and (not needle or needle in fmt.file_name_of(job).lower()
                 or needle in str(job.job_id).lower())]


def page_count(total: int, size: int | None = None) -> int:
    return max(1, math.ceil(total / (size or PAGE_SIZE)))


def page_rows(jobs: list[Job], page: int, size: int | None = None) -> pd.DataFrame:
    """The display table for page `page` (1-based) of the jobs."""
    size = size or PAGE_SIZE
    page = min(max(1, page), page_count(len(jobs), size))
    chunk = jobs[(page - 1) * size: page * size]
    return pd.DataFrame([job_row(job) for job in chunk], columns=list(COLUMNS))


def job_row(job: Job) -> dict:
    """One job as the Jobs table shows it."""
    done, total, percent = fmt.progress_figures(job)
    return {
        "Job": job.job_id,
        "File": fmt.file_name_of(job),
        "Status": fmt.status_label(job.status),
        "Engine": fmt.engine_of(job).title(),
        "Progress": percent,
        "Pages": f"{done:,}/{total:,}" if total else "—",
        "Suggestions": "—" if fmt.is_fetch(job) else f"{int(job.rows_written or 0):,}".rjust(_WIDE),
        "Cost": fmt.money(fmt.spent_usd(job.counters)) if fmt.is_gemini(job) else "free",   # "—" read as a cost not known
        "Created": fmt.short_timestamp(job.created_at),
        "Updated": fmt.short_timestamp(job.updated_at),
    }
