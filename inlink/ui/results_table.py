"""The Table tab of the results view: the filtered suggestions as a grid that fits the page.

It shows at most MAX_TABLE_ROWS filtered rows (the downloads carry everything), the anchor marked in its
context between « », the decision and the tier in the cards' words, and the pages' paths from the folder they
all share (shared_folder, path_display: the Upload page shows its dataset's paths the same way).
"""
from __future__ import annotations

import os
import re

import pandas as pd
import streamlit as st

from inlink.ui import page_width, review
from inlink.ui.cards import context_marked

MAX_TABLE_ROWS = 2_000
_REGEX_SPECIALS = re.compile(r"([.*+?^${}()|\[\]\\])")
#: The Table tab fits the page at 1,400 px (about 940 px for the table with the sidebar open, measured in Chromium):
#: the columns an editor reads by default, each with a width; the two long texts share what the others leave and
#: wrap on three lines (a click on a cell shows its whole text). More columns are the analyst's choice: past the
#: page's width the table scrolls sideways.
TABLE_WIDTH = 920
TABLE_COLUMNS = ("Source", "In context", "Destination", "Tier", "Reason", "Decision")
MORE_COLUMNS = ("Anchor", "Confidence", "Score", "Engine")
_WIDTHS = {"Source": 140, "Destination": 140, "Tier": 62, "Decision": 82, "Anchor": 130, "Confidence": 84,
           "Score": 60, "Engine": 68}
_LONG = {"In context": 0.58, "Reason": 0.42}   # their shares of the width left
_MIN_LONG = 150
#: A main area narrower than the table (at 1,024 px with the sidebar open it has 562 px, and the table scrolled
#: sideways by 360 px): narrower paths and decision, the long texts down to NARROW_MIN_LONG, and the Tier a column
#: on request (the reason ends with it: "Confidence 0.622 (medium).").
NARROW_WIDTH = 545
NARROW_COLUMNS = ("Source", "In context", "Destination", "Reason", "Decision")
_NARROW_WIDTHS = {"Source": 100, "Destination": 100, "Decision": 76}
NARROW_MIN_LONG = 100
WIDE_FROM = TABLE_WIDTH + 18   # the area the whole table needs (its frame's border and scrollbar's room)
ROW_HEIGHT = 75   # Streamlit wraps a cell's text only in rows taller than 64 px
TABLE_ROWS_SHOWN = 10


def table_widths(columns, narrow: bool = False) -> dict[str, int]:
    """Pixel widths of the shown columns: the long texts share what the others leave of the table's width."""
    widths = {**_WIDTHS, **_NARROW_WIDTHS} if narrow else _WIDTHS
    fixed = {column: widths[column] for column in columns if column in widths}
    left = (NARROW_WIDTH if narrow else TABLE_WIDTH) - sum(fixed.values())
    least = NARROW_MIN_LONG if narrow else _MIN_LONG
    return {**fixed, **{column: max(least, int(left * share)) for column, share in _LONG.items()
                        if column in columns}}


def table_frame(shown: pd.DataFrame, decided: pd.Series) -> pd.DataFrame:
    """The rows as the table shows them: every column of the results, plus the context with its anchor marked,
    the decision in words and the tier as the cards name it."""
    words = {
        "In context": [context_marked(context, anchor) for context, anchor in zip(shown["Context"], shown["Anchor"])],
        "Decision": decided[shown.index].map({review.ACCEPTED: "Accepted", review.REJECTED: "Rejected"}).fillna("")}
    if "Tier" in shown:   # "Medium", as the cards' badges read
        words["Tier"] = shown["Tier"].fillna("").astype(str).str.title()
    return shown.assign(**words)


def shared_folder(urls) -> str:
    """The folder every URL's path starts with ("/stable/cargo" for /stable/cargo/commands/a.html and
    /stable/cargo/reference/b.html), "" when they share none. Every URL counts, however many (the Upload page asks
    it of all the pages, not of the first rows it previews): the prefix of the smallest and the largest path, one
    vectorised pass. Found on the whole URLs, then cut after their host: pages on one host order as their paths do,
    and pages on several share no folder; a regular expression taking each path out cost an Upload rerun 0.42 s
    for 500,000 pages."""
    urls = [str(url) for url in urls]
    common = os.path.commonprefix([min(urls), max(urls)]) if urls else ""
    origin = _ORIGIN_RE.match(common)
    path = common[origin.end():] if origin else ""
    return path[:path.rfind("/")] if "/" in path else ""


_ORIGIN_RE = re.compile(r"https?://[^/]+(?=/)")   # a scheme and a whole host (the path's slash after it)


def path_display(folder: str = "") -> str:
    """A LinkColumn's display_text: a URL's path after the host and the folder every row shares, so that narrow
    columns show what tells the pages apart (the table cut every path of a docs site to "/stable/cargo/refere…")."""
    return r"https?://[^/]+" + _REGEX_SPECIALS.sub(r"\\\1", folder) + "(/.*)?"


def results_table(shown: pd.DataFrame, decided: pd.Series, key: str) -> None:
    """The first MAX_TABLE_ROWS rows, with the columns an editor reads and those the analyst adds."""
    with st.container(horizontal=True, gap=None):   # the probe after the pills (no gap, no indent), asked first
        pills = st.empty()
        narrow = page_width.narrower_than(WIDE_FROM, key=f"{key}_page_width")
    offered = ("Tier",) * narrow + MORE_COLUMNS
    more = pills.pills("More columns", [c for c in offered if c in shown], selection_mode="multi",
                       key=f"{key}_more_columns", help="Adding columns may make the table wider than the page.")
    frame = table_frame(shown.head(MAX_TABLE_ROWS), decided)
    columns = [c for c in (NARROW_COLUMNS if narrow else TABLE_COLUMNS) if c in frame]
    columns[-1:-1] = [c for c in offered if c in (more or ())]   # before Decision
    widths = table_widths(columns, narrow)
    folder = shared_folder(pd.concat([frame["Source"], frame["Destination"]]))
    st.caption("The anchor stands between « ». Click a cell to read its whole text."
               + (f" Every page is under {folder}/: the table shows the paths from there." if folder else ""))
    text = st.column_config.TextColumn
    st.dataframe(
        frame, hide_index=True, width="stretch", row_height=ROW_HEIGHT, column_order=columns,
        height=38 + ROW_HEIGHT * max(1, min(len(frame), TABLE_ROWS_SHOWN)),
        column_config={
            "Source": st.column_config.LinkColumn("Source page", width=widths.get("Source"),
                                                  display_text=path_display(folder)),
            "Destination": st.column_config.LinkColumn("Target page", width=widths.get("Destination"),
                                                       display_text=path_display(folder)),
            "In context": text("Anchor in context", width=widths.get("In context")),
            "Reason": text("Reason", width=widths.get("Reason")),
            "Tier": text("Tier", width=widths.get("Tier")),
            "Decision": text("Decision", width=widths.get("Decision")),
            "Anchor": text("Anchor text", width=widths.get("Anchor")),
            "Engine": text("Engine", width=widths.get("Engine")),
            "Score": st.column_config.NumberColumn("Score", format="%.2f", width=widths.get("Score")),
            "Confidence": st.column_config.NumberColumn("Confidence", format="%.3f", width=widths.get("Confidence")),
        },
    )
