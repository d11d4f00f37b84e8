"""The Charts tab of the results view: suggestions per target page, the confidence (or score) distribution and
the orphan pages before and after.

The charts are computed on the filtered rows, so the analyst sees what the filters leave; the orphan figures are
the job's (from its summary), whatever the filters. The figures (per_target, score_histogram, orphan_figures)
and the chart spec (bar_spec) are plain functions of the rows, which the tests check; results_charts draws them.
"""
from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from inlink.ui import format as fmt
from inlink.ui.filters import NO_MATCH, strength_column
from inlink.ui.format import short_url

TOP_TARGETS = 15
SCORE_BINS = 10


def per_target(frame: pd.DataFrame, top: int = TOP_TARGETS) -> pd.DataFrame:
    """Suggestions per destination page, the most linked-to first."""
    counts = frame["Destination"].value_counts().head(top)
    return pd.DataFrame({"Target page": counts.index.map(short_url), "Suggestions": counts.values})


def score_histogram(frame: pd.DataFrame, bins: int = SCORE_BINS) -> pd.DataFrame:
    """How many suggestions fall in each band of strength_column (Confidence, what the tiers and the filter use,
    else Score; bands of equal width between 0 and the max): the chart drew the Score of rows the Tier filter
    kept by their Confidence, so High and Medium rows showed in the 0.0–0.1 band. The first column is named after
    the figure."""
    column = strength_column(frame)
    scores = pd.to_numeric(frame[column], errors="coerce").dropna()
    if scores.empty:
        return pd.DataFrame({column: [], "Suggestions": []})
    top = max(float(scores.max()), 1.0)
    edges = [top * i / bins for i in range(bins)] + [math.nextafter(top, math.inf)]
    bands = pd.cut(scores, edges, right=False)   # a band holds its lower edge: 0.200 (the floor) is in 0.2–0.3
    counts = bands.value_counts(sort=False)
    labels = [f"{max(interval.left, 0):.1f}–{interval.right:.1f}" for interval in counts.index]
    return pd.DataFrame({column: labels, "Suggestions": counts.values})


def orphan_figures(summary: dict | None, links_known: bool = True) -> pd.DataFrame | None:
    """Orphan pages (no inbound internal link) before and after the suggestions, from the job's summary;
    None when unknown: before the job finishes, or when no existing links were given (every page would
    count as an orphan before, which says nothing about the site)."""
    summary = summary or {}
    if not links_known or "orphans_before" not in summary or "orphans_after" not in summary:
        return None
    return pd.DataFrame({"When": ["Before", "After suggestions"],
                         "Orphan pages": [int(summary["orphans_before"]), int(summary["orphans_after"])]})


#: The charts draw one under the other across the page, so the target pages' paths (the long labels) get up to
#: LABEL_LIMIT px before an ellipsis (side by side, the paths were cut at about 100 px: "/shop/single-orig…") and the
#: score bands read level, not turned on their side. The full path is in each bar's tooltip.
LABEL_LIMIT = 420
BAR_STEP = 24     # px per bar of a horizontal chart: every label has its line (closer, Vega hid every other one)


def bar_spec(frame: pd.DataFrame, category: str, value: str, *, horizontal: bool, sort=None) -> dict:
    """A Vega-Lite bar chart of `value` per `category` whose axis labels are never cut short."""
    category_axis = {"labelLimit": LABEL_LIMIT, "labelAngle": 0, "title": None if horizontal else category}
    encoding = {"category": {"field": category, "type": "nominal", "sort": sort, "axis": category_axis},
                "value": {"field": value, "type": "quantitative", "axis": {"tickMinStep": 1, "format": "d"}}}
    return {"mark": {"type": "bar", "tooltip": True}, **({"height": {"step": BAR_STEP}} if horizontal else {}),
            "encoding": {("y" if horizontal else "x"): encoding["category"],
                         ("x" if horizontal else "y"): encoding["value"]},
            "data": {"values": frame.to_dict("records")}}


ORPHANS_LATER = "Shown once the analysis has finished."


def results_charts(frame: pd.DataFrame, summary: dict | None, links_known: bool, empty: str = NO_MATCH,
                   no_orphans: str = ORPHANS_LATER) -> None:
    """The three charts of the filtered rows (the orphans: the job's), or why there is nothing to chart;
    `no_orphans`: why the job has no orphan figures (it has not finished, or never will)."""
    if frame.empty:   # empty axes said nothing; the orphans are the job's, whatever the filters
        st.caption(empty)
        _orphans(summary, links_known, no_orphans)
        return
    targets = per_target(frame)
    st.markdown("**Suggestions per target page**" + (f" (the {len(targets)} most suggested)"
                                                     if frame["Destination"].nunique() > len(targets) else ""))
    st.vega_lite_chart(bar_spec(targets, "Target page", "Suggestions", horizontal=True, sort="-x"))
    bands = score_histogram(frame)
    figure = bands.columns[0]
    st.markdown(f"**{figure} distribution**")
    st.vega_lite_chart(bar_spec(bands, figure, "Suggestions", horizontal=False), height=240)
    _orphans(summary, links_known, no_orphans)


def _orphans(summary: dict | None, links_known: bool, no_orphans: str = ORPHANS_LATER) -> None:
    st.markdown("**Orphan pages before and after**")
    orphans = orphan_figures(summary, links_known)
    if orphans is not None:
        before, after = orphans["Orphan pages"]
        metric_column, chart_column = st.columns([1, 2])
        metric_column.metric("Orphan pages after the suggestions", f"{after:,}", delta=f"{after - before:,}",
                             delta_color="inverse")
        chart_column.vega_lite_chart(bar_spec(orphans, "When", "Orphan pages", horizontal=True))
    elif not links_known and "orphans_after" in (summary or {}):
        st.metric("Orphan pages before", "unknown", help="No existing links were given with this crawl, so "
                  "which pages had inbound links before is not known.")
        st.caption(f"After the suggestions, {fmt.plural(int(summary['orphans_after']), 'page')} would still "
                   "have no inbound link from the suggestions. Add the site's existing links (an All Inlinks "
                   "export) to compare with before.")
    else:
        st.caption(no_orphans)
