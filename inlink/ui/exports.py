"""Result downloads, built when the user clicks (never on every rerun: a job may hold 100,000 rows)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import streamlit as st

from inlink.exports import CSV_MIME, XLSX_MIME
from inlink.jobs import Job
from inlink.exports import frame_to_xlsx as frame_to_xlsx   # the one formula-safe XLSX writer, re-exported
from inlink.ui import review
from inlink.ui import format as fmt
from inlink.ui.format import file_name_of


def results_csv(manager, job_id: str) -> Callable[[], bytes]:
    """A zero-argument builder of the job's results as CSV (the JobManager's formula-safe export)."""
    return lambda: manager.results_csv(job_id)


def results_xlsx(manager, job_id: str) -> Callable[[], bytes]:
    """A zero-argument builder of the job's results as an Excel workbook, formula-injection safe."""
    return lambda: frame_to_xlsx(manager.results_frame(job_id))


_TABLE_SUFFIXES = (".gz", ".csv", ".tsv", ".txt", ".xlsx", ".xlsm")


def download_name(job: Job, extension: str, part: str = "") -> str:
    """'inlinks-<file stem>-<job id>[-<part>].<ext>' so several downloads never overwrite each other; the stem
    without every table suffix ('pages.csv.gz' gave 'inlinks-pages.csv-<id>.csv')."""
    stem = Path(file_name_of(job)).name
    while stem.lower().endswith(_TABLE_SUFFIXES):
        stem = stem[: stem.rfind(".")]
    stem = stem.replace(" ", "_")[:40] or "analysis"
    return f"inlinks-{stem}-{job.job_id}{'-' + part if part else ''}.{extension}"


def csv_download(manager, job: Job, *, key: str, label: str = "Download CSV") -> None:
    """A CSV download button whose file is built at click time."""
    st.download_button(label, data=results_csv(manager, job.job_id), file_name=download_name(job, "csv"),
                       mime=CSV_MIME, key=key, icon=":material/download:", on_click="ignore")


def xlsx_download(manager, job: Job, *, key: str, label: str = "Download Excel") -> None:
    """An XLSX download button whose workbook is built at click time."""
    st.download_button(label, data=results_xlsx(manager, job.job_id), file_name=download_name(job, "xlsx"),
                       mime=XLSX_MIME, key=key, icon=":material/table_view:", on_click="ignore")


def fetched_downloads(manager, job: Job, columns, *, key: str) -> None:
    """A fetch job's pages and links as the crawl CSVs the importer reads (built at click time): its raw rows
    are no table an analyst wants."""
    from inlink.tasks import fetch as fetch_task

    for column, (label, part, build) in zip(columns, (("Pages CSV", "pages", fetch_task.pages_csv),
                                                      ("Links CSV", "links", fetch_task.links_csv))):
        column.download_button(label, data=lambda build=build: build(manager, job.job_id),
                               file_name=download_name(job, "csv", part), mime=CSV_MIME, key=f"{key}_{part}",
                               icon=":material/download:", on_click="ignore")


def accepted_downloads(manager, job: Job, *, key: str, accepted: int) -> None:
    """CSV and Excel downloads of only the suggestions the analyst accepted (built at click time)."""
    job_id = job.job_id
    left, right, note = st.columns([1, 1, 2], vertical_alignment="center")
    with left:
        st.download_button("Accepted (CSV)", data=lambda: review.accepted_csv(manager, job_id),
                           file_name=download_name(job, "csv", "accepted"), mime=CSV_MIME, key=f"{key}_accepted_csv",
                           icon=":material/download:", on_click="ignore", disabled=not accepted, width="stretch")
    with right:
        st.download_button("Accepted (Excel)", data=lambda: frame_to_xlsx(review.accepted_frame(manager, job_id)),
                           file_name=download_name(job, "xlsx", "accepted"), mime=XLSX_MIME,
                           key=f"{key}_accepted_xlsx", icon=":material/table_view:", on_click="ignore",
                           disabled=not accepted, width="stretch")
    note.caption(f"Downloads of the {fmt.plural(accepted, 'accepted suggestion')}." if accepted
                 else "Accept suggestions below to download only those.")
