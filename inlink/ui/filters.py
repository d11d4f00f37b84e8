"""The filters over a job's suggestions: what the analyst narrows the rows to, and in which order they are listed.

One owner for the rows the results view shows: the pure functions (filter_suggestions, order_suggestions,
strength_column, no_match_text) that the tests and the view share, and the widgets that set them
(filter_widgets: the Tier choice is kept with the job through inlink/ui/review.py, so a reload keeps it).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from inlink.ui import format as fmt
from inlink.ui import review
from inlink.ui.page import guard, job_action

NO_MATCH = "No suggestion matches the filters."
SHOW = {"all": "All", "undecided": "To review", review.ACCEPTED: "Accepted", review.REJECTED: "Rejected"}
#: How the rows are listed: as the analysis wrote them (a source page's suggestions together, pages in the crawl's
#: order: editing page by page), or the most confident first (reviewing the surest suggestions before the rest).
ORDERS = {"page": "By page", "confidence": "Most confident"}


@dataclass
class Filters:
    source: str = ""
    destination: str = ""
    minimum: float = 0.0                    # of strength_column's values
    tiers: tuple[str, ...] | None = None     # None: every row (the results have no Tier column)
    show: str = "all"                       # a key of SHOW
    order: str = "page"                     # a key of ORDERS


def strength_column(frame: pd.DataFrame) -> str:
    """The figure the rows are filtered by: Confidence (what the tiers and the cards show) when the engine gave
    one, else Score. A "Minimum score" beside cards that read "confidence 0.62" filtered on another number."""
    if "Confidence" in frame and pd.to_numeric(frame["Confidence"], errors="coerce").notna().any():
        return "Confidence"
    return "Score"


def filter_suggestions(frame: pd.DataFrame, source: str = "", destination: str = "", minimum: float = 0.0,
                       tiers=None, decided: pd.Series | None = None, show: str = "all") -> pd.DataFrame:
    """Rows whose Source / Destination contain the given text (case-insensitive), strength_column ≥ minimum,
    Tier in `tiers` (when given and the rows have tiers) and decision matching `show` (with `decided` per row)."""
    mask = pd.Series(True, index=frame.index)
    if source:
        mask &= frame["Source"].astype(str).str.contains(source, case=False, regex=False)
    if destination:
        mask &= frame["Destination"].astype(str).str.contains(destination, case=False, regex=False)
    strength = strength_column(frame)
    if minimum > 0 and strength in frame:
        mask &= pd.to_numeric(frame[strength], errors="coerce").fillna(0) >= minimum
    if tiers is not None and review.has_tiers(frame):
        tier = frame["Tier"].astype(str).str.lower()
        mask &= tier.isin(list(tiers)) | ~tier.isin(review.TIERS)   # a row without a tier is never hidden by it
    if decided is not None and show != "all":
        mask &= decided == ("" if show == "undecided" else show)
    return frame[mask]


def order_suggestions(frame: pd.DataFrame, order: str = "page") -> pd.DataFrame:
    """The rows as the analysis wrote them ("page"), or by strength_column, highest first ("confidence"; rows
    without a figure last, ties in the analysis's order)."""
    if order != "confidence" or frame.empty:
        return frame
    values = pd.to_numeric(frame[strength_column(frame)], errors="coerce")
    return frame.loc[values.sort_values(ascending=False, kind="stable", na_position="last").index]


def no_match_text(frame: pd.DataFrame, filters: Filters, decided: pd.Series) -> str:
    """Why nothing shows, when the Tier filter alone hides rows (a job whose suggestions are all low-tier looked
    as if it had none)."""
    untiered = filter_suggestions(frame, filters.source, filters.destination, filters.minimum, None, decided,
                                  filters.show)
    if filters.tiers is None or untiered.empty:
        return NO_MATCH
    hidden = sorted(set(untiered["Tier"].astype(str).str.lower()) & set(review.TIERS), key=review.TIERS.index)
    names = [tier.title() for tier in hidden]   # "High, Medium and Low", not "High and Medium and Low"
    tiers = (", ".join(names[:-1]) + " and " + names[-1] + " tiers") if len(names) > 1 else f"{names[0]} tier"
    return (f"{NO_MATCH} {fmt.plural(len(untiered), 'suggestion')} {'is' if len(untiered) == 1 else 'are'} "
            f"in the {tiers}, which the Tier filter above hides.")


def page_key(key: str) -> str:
    """The session key of the page of cards shown (review_cards' pager) under filters drawn with `key`."""
    return f"{key}_page"


def first_page(key: str) -> None:
    """Back to the first page of cards: a new order or filter shows its best or first rows, not page 2 of them."""
    st.session_state[page_key(key)] = 1


def filter_widgets(manager, job_id: str, frame: pd.DataFrame, key: str) -> Filters:
    """Source / Target text, the minimum of strength_column, the Tier, which decisions and the order: the
    filters as the analyst set them."""
    columns = st.columns([5, 5, 4])   # [2, 2, 1] gave the slider 105 px at 1,024 px: "Minimum / confidence"
    source = columns[0].text_input("Source page contains", key=f"{key}_source", placeholder="e.g. /blog/",
                                   on_change=first_page, args=(key,))
    destination = columns[1].text_input("Target page contains", key=f"{key}_destination",
                                        placeholder="e.g. /pricing", on_change=first_page, args=(key,))
    minimum = _minimum_slider(columns[2], frame, key)
    row = st.container(horizontal=True, gap="medium")   # fixed columns cut "Most confident" at 1,024 px; a "large"
    # gap is also the space between wrapped lines: a blank band of 4 rem over "Order" at 1,024 px
    tiers = None
    if review.has_tiers(frame):
        widget = f"{key}_tiers"   # first drawn in this session (a reload too): the choice kept with the job
        default = review.DEFAULT_TIERS if widget in st.session_state else review.saved_tiers(manager, job_id)
        tiers = tuple(row.pills("Tier", review.TIERS, selection_mode="multi", default=default, key=widget,
                                 format_func=str.title, on_change=_tiers_chosen, args=(manager, job_id, widget, key))
                      or ())
    show = row.segmented_control("Show", tuple(SHOW), default="all", key=f"{key}_show",
                                   format_func=SHOW.get, on_change=first_page, args=(key,)) or "all"
    order = row.segmented_control("Order", tuple(ORDERS), default="page", key=f"{key}_order",
                                   format_func=ORDERS.get, on_change=first_page, args=(key,)) or "page"
    return Filters(source.strip(), destination.strip(), float(minimum), tiers, show, order)


def _minimum_slider(column, frame: pd.DataFrame, key: str) -> float:
    """The minimum of strength_column, from the job's lowest row (its floor, not 0.00) to the top.

    A running job's next rows may lower that bottom, and a slider whose range changes is a new widget, drawn at its
    default: the minimum the analyst had set was silently gone, every row shown again. So the minimum last set is
    kept apart (_minimum_set) and is the new widget's value; one set at the bottom stays at the bottom."""
    strength = strength_column(frame)
    values = pd.to_numeric(frame[strength], errors="coerce")
    top = float(max(values.max(), 1.0)) if values.notna().any() else 1.0
    low = min(math.floor(float(values.min()) * 100) / 100, round(top, 2) - 0.01) if values.notna().any() else 0.0
    widget = f"{key}_minimum_{strength.lower()}"
    chosen = st.session_state.get(f"{widget}_set")
    return column.slider(f"Minimum {strength.lower()}", low, round(top, 2), low if chosen is None else
                         min(max(chosen, low), round(top, 2)), step=0.01, key=widget, on_change=_minimum_set,
                         args=(widget, low, key))


def _minimum_set(widget: str, low: float, key: str) -> None:
    """Keep the minimum the analyst set (None: the bottom, which follows the range down)."""
    first_page(key)
    value = st.session_state.get(widget)
    st.session_state[f"{widget}_set"] = value if value is not None and value > low else None


def _tiers_chosen(manager, job_id: str, widget: str, key: str) -> None:
    first_page(key)
    with guard("Keeping the Tier filter"), job_action(job_id, "the Tier filter was not kept"):
        review.save_tiers(manager, job_id, st.session_state.get(widget))
