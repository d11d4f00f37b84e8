"""Result downloads, built when the user clicks (never on every rerun: a job may hold 100,000 rows)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import streamlit as st

from inlink.exports import CSV_MIME, XLSX_MIME
from inlink.exports import frame_to_xlsx as frame_to_xlsx   # the one formula-safe XLSX writer, re-exported
from inlink.ui.format import file_name_of


def results_csv(manager, job_id: str) -> Callable[[], bytes]:
    """A zero-argument builder of the job's results as CSV (the JobManager's formula-safe export)."""
    return lambda: manager.results_csv(job_id)


def results_xlsx(manager, job_id: str) -> Callable[[], bytes]:
    """A zero-argument builder of the job's results as an Excel workbook, formula-injection safe."""
    return lambda: frame_to_xlsx(manager.results_frame(job_id))


def download_name(job: dict, extension: str) -> str:
    """'inlinks-<file stem>-<job id>.<ext>' so several downloads never overwrite each other."""
    stem = Path(file_name_of(job)).stem.replace(" ", "_")[:40] or "analysis"
    return f"inlinks-{stem}-{job['job_id']}.{extension}"


def csv_download(manager, job: dict, *, key: str, label: str = "Download CSV") -> None:
    """A CSV download button whose file is built at click time."""
    st.download_button(label, data=results_csv(manager, job["job_id"]), file_name=download_name(job, "csv"),
                       mime=CSV_MIME, key=key, icon=":material/download:", on_click="ignore")


def xlsx_download(manager, job: dict, *, key: str, label: str = "Download Excel") -> None:
    """An XLSX download button whose workbook is built at click time."""
    st.download_button(label, data=results_xlsx(manager, job["job_id"]), file_name=download_name(job, "xlsx"),
                       mime=XLSX_MIME, key=key, icon=":material/table_view:", on_click="ignore")
