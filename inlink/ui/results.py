"""The results view of one job: filterable suggestions table and three charts.

The table shows at most MAX_TABLE_ROWS filtered rows (downloads carry everything); charts are computed on the
filtered rows so the analyst sees what the filters leave.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from inlink.ui.format import short_url

MAX_TABLE_ROWS = 2_000
TOP_TARGETS = 15
SCORE_BINS = 10
_PATH = r"https?://[^/]+(/.*)?"   # links show their path; the host is the same on every row


def filter_suggestions(frame: pd.DataFrame, source: str = "", destination: str = "",
                       min_score: float = 0.0) -> pd.DataFrame:
    """Rows whose Source / Destination contain the given text (case-insensitive) and Score ≥ min_score."""
    mask = pd.Series(True, index=frame.index)
    if source:
        mask &= frame["Source"].astype(str).str.contains(source, case=False, regex=False)
    if destination:
        mask &= frame["Destination"].astype(str).str.contains(destination, case=False, regex=False)
    if min_score > 0 and "Score" in frame:
        mask &= pd.to_numeric(frame["Score"], errors="coerce").fillna(0) >= min_score
    return frame[mask]


def per_target(frame: pd.DataFrame, top: int = TOP_TARGETS) -> pd.DataFrame:
    """Suggestions per destination page, the most linked-to first."""
    counts = frame["Destination"].value_counts().head(top)
    return pd.DataFrame({"Target page": counts.index.map(short_url), "Suggestions": counts.values})


def score_histogram(frame: pd.DataFrame, bins: int = SCORE_BINS) -> pd.DataFrame:
    """How many suggestions fall in each score band (bands of equal width between 0 and the max score)."""
    scores = pd.to_numeric(frame["Score"], errors="coerce").dropna()
    if scores.empty:
        return pd.DataFrame({"Score": [], "Suggestions": []})
    top = max(float(scores.max()), 1.0)
    edges = [top * i / bins for i in range(bins + 1)]
    bands = pd.cut(scores, edges, include_lowest=True)
    counts = bands.value_counts(sort=False)
    labels = [f"{max(interval.left, 0):.1f}–{interval.right:.1f}" for interval in counts.index]
    return pd.DataFrame({"Score": labels, "Suggestions": counts.values})


def orphan_figures(summary: dict | None) -> pd.DataFrame | None:
    """Orphan pages (no inbound internal link) before and after the suggestions, from the job's summary."""
    summary = summary or {}
    if "orphans_before" not in summary or "orphans_after" not in summary:
        return None
    return pd.DataFrame({"When": ["Before", "After suggestions"],
                         "Orphan pages": [int(summary["orphans_before"]), int(summary["orphans_after"])]})


def results_view(manager, job: dict, *, key: str = "results") -> None:
    """Filters, the suggestions table and the charts for one job."""
    frame = manager.results_frame(job["job_id"])
    if frame.empty:
        st.info("No suggestions yet. They appear here page by page while the analysis runs.")
        return
    source, destination, min_score = _filters(frame, key)
    shown = filter_suggestions(frame, source, destination, min_score)
    st.caption(f"{len(shown):,} of {len(frame):,} suggestions match"
               + (f" · table shows the first {MAX_TABLE_ROWS:,}" if len(shown) > MAX_TABLE_ROWS else ""))
    table_tab, chart_tab = st.tabs([":material/table: Suggestions", ":material/bar_chart: Charts"])
    with table_tab:
        _table(shown.head(MAX_TABLE_ROWS))
    with chart_tab:
        _charts(shown, job.get("summary"))


def _filters(frame: pd.DataFrame, key: str) -> tuple[str, str, float]:
    columns = st.columns([2, 2, 1])
    source = columns[0].text_input("Source page contains", key=f"{key}_source", placeholder="e.g. /blog/")
    destination = columns[1].text_input("Target page contains", key=f"{key}_destination",
                                        placeholder="e.g. /pricing")
    scores = pd.to_numeric(frame["Score"], errors="coerce")
    top = float(max(scores.max(), 1.0)) if scores.notna().any() else 1.0
    min_score = columns[2].slider("Minimum score", 0.0, round(top, 2), 0.0, step=0.01, key=f"{key}_min_score")
    return source.strip(), destination.strip(), float(min_score)


def _table(frame: pd.DataFrame) -> None:
    st.dataframe(
        frame, hide_index=True, width="stretch",
        column_config={
            "Source": st.column_config.LinkColumn("Source page", width="medium", display_text=_PATH),
            "Destination": st.column_config.LinkColumn("Target page", width="medium", display_text=_PATH),
            "Anchor": st.column_config.TextColumn("Anchor text"),
            "Context": st.column_config.TextColumn("Where it stands", width="large"),
            "Score": st.column_config.ProgressColumn("Score", format="%.2f", min_value=0.0,
                                                     max_value=float(max(frame["Score"].max(), 1.0))
                                                     if len(frame) else 1.0),
            "Reason": st.column_config.TextColumn("Why", width="large"),
        },
    )


def _charts(frame: pd.DataFrame, summary: dict | None) -> None:
    left, right = st.columns(2)
    with left:
        st.markdown("**Suggestions per target page**")
        targets = per_target(frame)
        st.bar_chart(targets, x="Target page", y="Suggestions", horizontal=True, sort="-Suggestions",
                     height=max(240, 26 * len(targets)))
    with right:
        st.markdown("**Score distribution**")
        st.bar_chart(score_histogram(frame), x="Score", y="Suggestions", height=max(240, 26 * TOP_TARGETS))
    orphans = orphan_figures(summary)
    st.markdown("**Orphan pages before and after**")
    if orphans is None:
        st.caption("Shown once the analysis has finished.")
        return
    before, after = orphans["Orphan pages"]
    metric_column, chart_column = st.columns([1, 2])
    metric_column.metric("Orphan pages after the suggestions", f"{after:,}", delta=f"{after - before:,}",
                         delta_color="inverse")
    chart_column.bar_chart(orphans, x="When", y="Orphan pages", horizontal=True, sort=False, height=160)
