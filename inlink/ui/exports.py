"""Result downloads: the user prepares a file (built once, on that click: a job may hold 100,000 rows), then
downloads it.

Why two steps: every Streamlit script run ends by deleting the media files no session references, and while a job
runs its live panel, the home banner and the Jobs list rerun every second in every open tab. A file built by the
download click itself (a "deferred" download) is referenced by no session, so a refresh anywhere could delete it
before the browser fetched it, and the download came back "canceled". A prepared file is the download button's own
data: the page references it as long as the button shows, so no refresh can take it away
(tests/test_e2e_downloads.py). The bytes are kept in the session (at most KEEP_PREPARED files).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import pandas as pd
import streamlit as st

from inlink.exports import CSV_MIME, XLSX_MIME
from inlink.jobs import Job
from inlink.exports import frame_to_xlsx as frame_to_xlsx   # the one formula-safe XLSX writer, re-exported
from inlink.ui import review
from inlink.ui import format as fmt
from inlink.ui.format import file_name_of
from inlink.ui.page import guard, job_action

KEEP_PREPARED = 6
_PREPARED = "exports.prepared"     # session: {button key: Prepared}, the newest last


def results_csv(manager, job_id: str) -> Callable[[], bytes]:
    """A zero-argument builder of the job's results as CSV (the JobManager's formula-safe export)."""
    return lambda: manager.results_csv(job_id)


def results_xlsx(manager, job_id: str) -> Callable[[], bytes]:
    """A zero-argument builder of the job's results as an Excel workbook, formula-injection safe."""
    return lambda: frame_to_xlsx(manager.results_frame(job_id))


_TABLE_SUFFIXES = (".gz", ".zip", ".csv", ".tsv", ".txt", ".xls", ".xlsx", ".xlsm")


def download_name(job: Job, extension: str, part: str = "") -> str:
    """'inlinks-<file stem>-<job id>[-<part>].<ext>' so several downloads never overwrite each other; the stem
    without every table suffix ('pages.csv.gz' gave 'inlinks-pages.csv-<id>.csv')."""
    stem = Path(file_name_of(job)).name
    while stem.lower().endswith(_TABLE_SUFFIXES):
        stem = stem[: stem.rfind(".")]
    stem = stem.replace(" ", "_")[:40] or "analysis"
    return f"inlinks-{stem}-{job.job_id}{'-' + part if part else ''}.{extension}"


@dataclass(frozen=True)
class Prepared:
    """A file made ready for download: its bytes, what it was built from, and when (UTC)."""

    version: tuple
    data: bytes
    at: str


def prepared(key: str) -> Prepared | None:
    return st.session_state.get(_PREPARED, {}).get(key)


def _prepare(key: str, version: tuple, build: Callable[[], bytes], what: str) -> None:
    """Button callback: build the file now and keep it for the download button that replaces this one."""
    with guard(f"Preparing the {what}"), job_action(version[0], f"the {what} was not prepared"):
        data = build()
        files = {name: file for name, file in st.session_state.get(_PREPARED, {}).items() if name != key}
        files[key] = Prepared(version, data, datetime.now(timezone.utc).strftime("%H:%M:%S"))
        st.session_state[_PREPARED] = dict(list(files.items())[-KEEP_PREPARED:])


def prepared_download(what: str, build: Callable[[], bytes], *, key: str, version: tuple, file_name: str,
                      mime: str, icon: str, keep_older: bool = False, disabled: bool = False,
                      width="content") -> None:
    """'Prepare <what>' (builds the file on click), then 'Download <what>' with the prepared bytes.

    A file built from another `version` (more rows, other decisions) is offered again only with `keep_older` (a
    running job's results so far: its version changes every page), beside 'Prepare again'; else the user prepares
    the file anew."""
    ready = prepared(key)
    if ready is not None and ready.version != version and not keep_older:
        ready = None
    if ready is None or disabled:
        st.button(f"Prepare {what}", key=f"{key}_prepare", icon=":material/build:", disabled=disabled, width=width,
                  on_click=_prepare, args=(key, version, build, what),
                  help=None if disabled else "Builds the file from the job's rows now; then download it.")
        return
    current = ready.version == version
    # As wide as its buttons: a stretching row split the free width with its neighbours, so the row's buttons
    # moved apart each time a Prepare button turned into a Download one
    with st.container(horizontal=True, gap="small", vertical_alignment="center", width="content"):
        st.download_button(f"Download {what}", data=ready.data, file_name=file_name, mime=mime,
                           key=f"{key}_file", icon=icon, on_click="ignore", width=width,
                           help=f"As prepared at {ready.at} UTC" + ("." if current else
                                                                  "; the job has more rows since."))
        if not current:
            st.button("Prepare again", key=f"{key}_again", icon=":material/refresh:", on_click=_prepare,
                      args=(key, version, build, what), help="Build the file again with the rows there are now.")


def results_version(job: Job) -> tuple:
    """What a file of all the job's rows depends on: the committed rows (read from the job's metadata)."""
    return job.job_id, int(job.rows_written or 0)


def csv_download(manager, job: Job, *, key: str, what: str = "CSV", width="content") -> None:
    """Prepare, then download, the job's results as CSV (the JobManager's formula-safe export)."""
    prepared_download(what, results_csv(manager, job.job_id), key=key, version=results_version(job),
                      file_name=download_name(job, "csv"), mime=CSV_MIME, icon=":material/download:",
                      keep_older=job.is_active, width=width)


def xlsx_download(manager, job: Job, *, key: str, what: str = "Excel", width="content") -> None:
    """Prepare, then download, the job's results as an Excel workbook, formula-injection safe."""
    prepared_download(what, results_xlsx(manager, job.job_id), key=key, version=results_version(job),
                      file_name=download_name(job, "xlsx"), mime=XLSX_MIME, icon=":material/table_view:",
                      keep_older=job.is_active, width=width)


def fetched_downloads(manager, job: Job, *, key: str) -> None:
    """A fetch job's pages and links as the crawl CSVs the importer reads: its raw rows are no table an analyst
    wants."""
    from inlink.tasks import fetch as fetch_task

    for what, part, build in (("pages CSV", "pages", fetch_task.pages_csv),
                              ("links CSV", "links", fetch_task.links_csv)):
        prepared_download(what, lambda build=build: build(manager, job.job_id), key=f"{key}_{part}",
                          version=results_version(job), file_name=download_name(job, "csv", part),
                          mime=CSV_MIME, icon=":material/download:", keep_older=job.is_active)


def accepted_downloads(manager, job: Job, *, key: str, accepted: pd.Series) -> None:
    """CSV and Excel files of only the suggestions the analyst accepted (`accepted`: their keys); a new decision
    asks for them to be prepared again."""
    job_id, count = job.job_id, len(accepted)
    version = (job_id, hashlib.sha1("\n".join(sorted(accepted)).encode()).hexdigest())
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):   # wraps at 1,024 px, never cuts
        prepared_download("accepted (CSV)", lambda: review.accepted_csv(manager, job_id), key=f"{key}_accepted_csv",
                          version=version, file_name=download_name(job, "csv", "accepted"), mime=CSV_MIME,
                          icon=":material/download:", disabled=not count)
        prepared_download("accepted (Excel)", lambda: frame_to_xlsx(review.accepted_frame(manager, job_id)),
                          key=f"{key}_accepted_xlsx", version=version,
                          file_name=download_name(job, "xlsx", "accepted"), mime=XLSX_MIME,
                          icon=":material/table_view:", disabled=not count)
        st.caption(f"Files of the {fmt.plural(count, 'accepted suggestion')}." if count
                   else "Accept suggestions below to download only those.")
