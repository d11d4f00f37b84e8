"""The analyst's review of a job's suggestions: accept or reject each one, and export the accepted ones.

Decisions are kept with the job through the job engine's annotations (JobManager.annotations /
set_annotations), so they survive restarts and every tab sees them. A suggestion is named by its Source,
Destination and Anchor (the engine never suggests the same link with the same anchor twice in a job), so a
decision stays with its row however the table is filtered or sorted.
"""
from __future__ import annotations

import hashlib

import pandas as pd


ACCEPTED, REJECTED = "accepted", "rejected"
DECISIONS = (ACCEPTED, REJECTED)
TIERS = ("high", "medium", "low")
DEFAULT_TIERS = ("high", "medium")
_PREFIX = "review\t"          # this module's annotation keys: one per decided suggestion
_TIERS_SHOWN = "view\ttiers"  # the Tier filter the analyst last chose for the job (a list of TIERS)
_KEY_COLUMNS = ("Source", "Destination", "Anchor")


def row_keys(frame: pd.DataFrame) -> pd.Series:
    """The annotation key of every row."""
    if frame.empty:
        return pd.Series([], index=frame.index, dtype=object)
    parts = frame[list(_KEY_COLUMNS)].astype(str)
    return _PREFIX + parts["Source"] + "\t" + parts["Destination"] + "\t" + parts["Anchor"]


def decisions(manager, job_id: str) -> dict[str, str]:
    """{suggestion key: "accepted" | "rejected"} for the job's decided suggestions."""
    return {key: value for key, value in manager.annotations(job_id).items()
            if key.startswith(_PREFIX) and value in DECISIONS}


def decide(manager, job_id: str, keys, decision: str | None) -> None:
    """Record one decision for these suggestions (None: back to undecided), in one write."""
    if decision is not None and decision not in DECISIONS:
        raise ValueError(f"a decision is {' or '.join(DECISIONS)}, not {decision!r}")
    manager.set_annotations(job_id, {key: decision for key in keys})


def decision_column(frame: pd.DataFrame, decided: dict[str, str]) -> pd.Series:
    """"accepted", "rejected" or "" per row."""
    return row_keys(frame).map(lambda key: decided.get(key, ""))


def has_tiers(frame: pd.DataFrame) -> bool:
    """Whether the engine gave tiers: results written before Confidence / Tier existed, and rows of a task that
    leaves the column empty, have none (then no tier filter is offered)."""
    return "Tier" in frame.columns and bool(frame["Tier"].astype(str).str.lower().isin(TIERS).any())


def saved_tiers(manager, job_id: str) -> tuple[str, ...]:
    """The tiers the analyst last chose to see for this job (DEFAULT_TIERS until a choice): kept with the job, so
    a reload, another tab or a restart shows the same rows (the filter went back to high and medium)."""
    chosen = manager.annotations(job_id).get(_TIERS_SHOWN)
    if not isinstance(chosen, list) or not set(chosen) <= set(TIERS):
        return DEFAULT_TIERS
    return tuple(tier for tier in TIERS if tier in chosen)


def save_tiers(manager, job_id: str, tiers) -> None:
    """Keep the Tier filter's choice with the job (none chosen is a choice too: no row shows)."""
    manager.set_annotation(job_id, _TIERS_SHOWN, [tier for tier in TIERS if tier in (tiers or ())])


def accepted_frame(manager, job_id: str) -> pd.DataFrame:
    frame = manager.results_frame(job_id)
    return frame[(decision_column(frame, decisions(manager, job_id)) == ACCEPTED).to_numpy()]


def accepted_csv(manager, job_id: str) -> bytes:
    """The job's CSV export cut to the accepted rows: the same bytes per row as the full download.

    The committed results are append-only, so row i of results_frame is row i of results_csv (which may hold
    a few more rows if the job committed in between); the rows are picked by position, so every cell keeps
    the export's own text and formula neutralisation."""
    frame = manager.results_frame(job_id)
    return manager.results_csv(job_id, keep=(decision_column(frame, decisions(manager, job_id)) == ACCEPTED).tolist())


def short_hash(key: str) -> str:
    """A short stable name for a suggestion, for widget keys."""
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()
