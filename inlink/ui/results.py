"""The results view of one job: filters, the review of each suggestion, a plain table and three charts.

The review shows REVIEW_PAGE_SIZE suggestions at a time as cards (the anchor highlighted in its context, no
sideways scrolling) with Accept / Reject; decisions are kept with the job (inlink/ui/review.py). The table
shows at most MAX_TABLE_ROWS filtered rows (downloads carry everything); charts are computed on the filtered
rows so the analyst sees what the filters leave; only the open tab is drawn (TABS). The view is a fragment: a
decision reruns it alone; a decision made in another tab redraws it within 2 s, and new rows of a running job are a
click away (_watch).
"""
from __future__ import annotations

import math

import os
import re
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from inlink.jobs import Job, JobError
from inlink.ui import format as fmt
from inlink.ui import review
from inlink.ui.cards import card_html, context_marked
from inlink.ui.exports import accepted_downloads
from inlink.ui.format import short_url
from inlink.ui.fragments import fragment
from inlink.ui.page import guard

MAX_TABLE_ROWS = 2_000
NO_MATCH = "No suggestion matches the filters."
DECISIONS_REFRESH_S = 1.5   # a decision made in another tab shows here within 2 s
REVIEW_PAGE_SIZE = 20
TOP_TARGETS = 15
SCORE_BINS = 10
_REGEX_SPECIALS = re.compile(r"([.*+?^${}()|\[\]\\])")
SHOW = {"all": "All", "undecided": "To review", review.ACCEPTED: "Accepted", review.REJECTED: "Rejected"}
#: How the rows are listed: as the analysis wrote them (a source page's suggestions together, pages in the crawl's
#: order: editing page by page), or the most confident first (reviewing the surest suggestions before the rest).
ORDERS = {"page": "By page", "confidence": "Most confident"}
_DECISION_LABELS = {review.ACCEPTED: "Accept", review.REJECTED: "Reject"}
#: The view's tabs. Only the open one is drawn, and switching reruns the view: the table (a grid of up to
#: MAX_TABLE_ROWS rows) and three Vega charts drawn in hidden tabs made every job page and every decision's rerun
#: pay for them (a finished sample job's page drew in 4.7 s in headless Chromium, 3.8 s without them).
TABS = (":material/rate_review: Review", ":material/table: Table", ":material/bar_chart: Charts")


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


def links_given(job: Job) -> bool:
    """Whether the analysis had the site's existing links (without them, orphans before are unknown)."""
    files = (job.config or {}).get("files") or {}
    return bool(files.get("links"))


def orphan_figures(summary: dict | None, links_known: bool = True) -> pd.DataFrame | None:
    """Orphan pages (no inbound internal link) before and after the suggestions, from the job's summary;
    None when unknown: before the job finishes, or when no existing links were given (every page would
    count as an orphan before, which says nothing about the site)."""
    summary = summary or {}
    if not links_known or "orphans_before" not in summary or "orphans_after" not in summary:
        return None
    return pd.DataFrame({"When": ["Before", "After suggestions"],
                         "Orphan pages": [int(summary["orphans_before"]), int(summary["orphans_after"])]})


def results_view(manager, job: Job, *, key: str = "results") -> None:
    """Filters, downloads of the accepted suggestions, the review, the table and the charts for one job; and a
    watch that redraws them when another tab records a decision."""
    fragment(_watch, run_every=DECISIONS_REFRESH_S)(manager, job.job_id, key)
    fragment(_results_body)(manager, job, key)


def _seen(key: str) -> str:
    return f"{key}_seen"


def _watch(manager, job_id: str, key: str) -> None:
    """Every DECISIONS_REFRESH_S: the page again when the job's decisions are not the ones the view last drew
    (made in another tab) or when the first rows come; then, while the job adds rows, a button to show them
    (redrawing by itself would reread every row each time). It reads the job's notes and its row count, never
    its results."""
    with guard("The review's refresh"):
        try:
            decisions, rows = review.decisions(manager, job_id), manager.results_count(job_id)
        except JobError:
            return    # deleted: the page says so at its next run
        seen_decisions, seen_rows = st.session_state.get(_seen(key), (decisions, rows))
        if seen_decisions != decisions or (rows and not seen_rows):   # the first rows come by themselves
            st.session_state[_seen(key)] = (decisions, rows)   # this watch runs first in the page's run
            st.rerun()
        if rows > seen_rows and st.button(f"Show {fmt.plural(rows - seen_rows, 'new suggestion')}",
                                          key=f"{key}_show_new", icon=":material/refresh:", type="tertiary"):
            st.rerun()


def _results_body(manager, job: Job, key: str) -> None:
    job_id = job.job_id
    frame = manager.results_frame(job_id)
    decisions = review.decisions(manager, job_id)
    st.session_state[_seen(key)] = (decisions, len(frame))
    if frame.empty:
        st.info("No suggestions yet. They appear here page by page while the analysis runs.")
        return
    decided = review.decision_column(frame, decisions)
    filters = _filters(manager, job_id, frame, key)
    shown = order_suggestions(filter_suggestions(frame, filters.source, filters.destination, filters.minimum,
                                                 filters.tiers, decided, filters.show), filters.order)
    _summary_line(frame, shown, decided)
    empty = no_match_text(frame, filters, decided) if shown.empty else NO_MATCH
    accepted_downloads(manager, job, key=key, accepted=review.row_keys(frame[(decided == review.ACCEPTED).to_numpy()]))
    review_tab, table_tab, chart_tab = st.tabs(list(TABS), key=tab_key(key), on_change="rerun")
    if review_tab.open:   # only the open tab is drawn: a switch reruns the view (see TABS)
        with review_tab:
            _review(manager, job_id, shown, decided, key, empty)
    if table_tab.open:
        with table_tab:
            if shown.empty:
                st.caption(empty)
            else:
                _table(shown, decided, key)
    if chart_tab.open:
        with chart_tab:
            _charts(shown, job.summary, links_given(job), empty)


def tab_key(key: str) -> str:
    """The widget key of a results view's tabs (its value: the open tab's label, one of TABS)."""
    return f"{key}_tab"


def no_match_text(frame: pd.DataFrame, filters: Filters, decided: pd.Series) -> str:
    """Why nothing shows, when the Tier filter alone hides rows (a job whose suggestions are all low-tier looked
    as if it had none)."""
    untiered = filter_suggestions(frame, filters.source, filters.destination, filters.minimum, None, decided,
                                  filters.show)
    if filters.tiers is None or untiered.empty:
        return NO_MATCH
    hidden = sorted(set(untiered["Tier"].astype(str).str.lower()) & set(review.TIERS), key=review.TIERS.index)
    tiers = " and ".join(tier.title() for tier in hidden) + (" tiers" if len(hidden) > 1 else " tier")
    return (f"{NO_MATCH} {fmt.plural(len(untiered), 'suggestion')} {'is' if len(untiered) == 1 else 'are'} "
            f"in the {tiers}, which the Tier filter above hides.")


def _summary_line(frame: pd.DataFrame, shown: pd.DataFrame, decided: pd.Series) -> None:
    st.caption(summary_text(frame, shown, decided))


def summary_text(frame: pd.DataFrame, shown: pd.DataFrame, decided: pd.Series) -> str:
    """How many rows the filters show, and the decisions: all of the job's, with how many the filters hide ("Show:
    accepted" read "1 of 1,899 match · 2 accepted" when the Tier filter hid the other accepted row)."""
    counts = []
    for word, value in (("accepted", review.ACCEPTED), ("rejected", review.REJECTED)):
        total = int((decided == value).sum())
        hidden = total - int((decided.loc[shown.index] == value).sum())
        counts.append(f"{total:,} {word}" + (f" ({hidden:,} hidden by the filters)" if hidden else ""))
    return (f"{len(shown):,} of {fmt.plural(len(frame), 'suggestion')} match · {' · '.join(counts)}"
            + (f" · the table shows the first {MAX_TABLE_ROWS:,}" if len(shown) > MAX_TABLE_ROWS else ""))


def _filters(manager, job_id: str, frame: pd.DataFrame, key: str) -> Filters:
    columns = st.columns([2, 2, 1])
    source = columns[0].text_input("Source page contains", key=f"{key}_source", placeholder="e.g. /blog/")
    destination = columns[1].text_input("Target page contains", key=f"{key}_destination",
                                        placeholder="e.g. /pricing")
    strength = strength_column(frame)
    values = pd.to_numeric(frame[strength], errors="coerce")
    top = float(max(values.max(), 1.0)) if values.notna().any() else 1.0
    low = min(math.floor(float(values.min()) * 100) / 100, round(top, 2) - 0.01) if values.notna().any() else 0.0
    minimum = columns[2].slider(f"Minimum {strength.lower()}", low, round(top, 2), low, step=0.01,   # from the
                                key=f"{key}_minimum_{strength.lower()}")   # job's lowest row: its floor, not 0.00
    left, right, last = st.columns([2, 3, 2])
    tiers = None
    if review.has_tiers(frame):
        widget = f"{key}_tiers"   # first drawn in this session (a reload too): the choice kept with the job
        default = review.DEFAULT_TIERS if widget in st.session_state else review.saved_tiers(manager, job_id)
        tiers = tuple(left.pills("Tier", review.TIERS, selection_mode="multi", default=default, key=widget,
                                 format_func=str.title, on_change=_tiers_chosen, args=(manager, job_id, widget))
                      or ())
    show = right.segmented_control("Show", tuple(SHOW), default="all", key=f"{key}_show",
                                   format_func=SHOW.get) or "all"
    order = last.segmented_control("Order", tuple(ORDERS), default="page", key=f"{key}_order",
                                   format_func=ORDERS.get) or "page"
    return Filters(source.strip(), destination.strip(), float(minimum), tiers, show, order)


def _tiers_chosen(manager, job_id: str, widget: str) -> None:
    with guard("Keeping the Tier filter"):
        review.save_tiers(manager, job_id, st.session_state.get(widget))


def _review(manager, job_id: str, shown: pd.DataFrame, decided: pd.Series, key: str, empty: str = NO_MATCH) -> None:
    """One page of suggestion cards, each with Accept / Reject, and the same for the whole page at once."""
    if shown.empty:
        st.caption(empty)
        return
    pages = max(1, -(-len(shown) // REVIEW_PAGE_SIZE))
    if st.session_state.get(f"{key}_page", 1) > pages:   # narrower filters left fewer pages
        st.session_state[f"{key}_page"] = pages
    page = st.pagination(pages, key=f"{key}_page") if pages > 1 else 1
    rows = shown.iloc[(page - 1) * REVIEW_PAGE_SIZE: page * REVIEW_PAGE_SIZE]
    keys = review.row_keys(rows)
    _page_actions(manager, job_id, keys, key)
    for index, row in rows.iterrows():
        with st.container(border=True):
            card, decision = st.columns([5, 1.2], vertical_alignment="center")
            card.html(card_html(row))
            with decision:
                _decision_widget(manager, job_id, keys[index], decided[index], key)


def _decision_widget(manager, job_id: str, suggestion: str, current: str, key: str) -> None:
    """Accept / Reject for one suggestion; it shows the decision stored with the job (maybe made in another
    tab), and a click stores the new one (clicking the chosen one again clears it).

    The widget's key names the stored decision, so a decision made elsewhere (another tab, "Reject these") makes
    a new widget that starts from it. The browser may still send the old widget's value with its next rerun,
    and Streamlit then calls the old widget's on_change: a value equal to the one the widget was drawn with is
    no click and is ignored, or it would write the old decision back over the new one (seen with "Clear these"
    while a running job's live panel refreshed beside the cards)."""
    drawn = current or None
    widget = f"{key}_decision_{review.short_hash(suggestion)}_{drawn or 'none'}"
    st.segmented_control("Decision", review.DECISIONS, default=drawn, key=widget,
                         label_visibility="collapsed", format_func=_DECISION_LABELS.get, on_change=_decided,
                         args=(manager, job_id, [suggestion], widget, drawn))


def _decided(manager, job_id: str, suggestions: list[str], widget: str, drawn: str | None = None) -> None:
    chosen = st.session_state.get(widget)
    if chosen != drawn:
        review.decide(manager, job_id, suggestions, chosen)


def _page_actions(manager, job_id: str, keys: pd.Series, key: str) -> None:
    left, middle, right, _ = st.columns([1, 1, 1, 3])
    for column, (label, decision, icon) in zip((left, middle, right), (
            ("Accept these", review.ACCEPTED, ":material/done_all:"),
            ("Reject these", review.REJECTED, ":material/remove_done:"),
            ("Clear these", None, ":material/restart_alt:"))):
        column.button(label, key=f"{key}_all_{decision or 'clear'}", icon=icon, width="stretch",
                      help=f"{label.split()[0]} the {fmt.plural(len(keys), 'suggestion')} on this page.",
                      on_click=review.decide, args=(manager, job_id, list(keys), decision))


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
ROW_HEIGHT = 75   # Streamlit wraps a cell's text only in rows taller than 64 px
TABLE_ROWS_SHOWN = 10


def table_widths(columns) -> dict[str, int]:
    """Pixel widths of the shown columns: the long texts share what the others leave of TABLE_WIDTH."""
    fixed = {column: _WIDTHS[column] for column in columns if column in _WIDTHS}
    left = TABLE_WIDTH - sum(fixed.values())
    return {**fixed, **{column: max(_MIN_LONG, int(left * share)) for column, share in _LONG.items()
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
    /stable/cargo/reference/b.html), "" when they share none."""
    paths = [re.sub(r"^https?://[^/]+", "", str(url)) for url in urls]
    common = os.path.commonprefix(paths) if paths else ""
    return common[:common.rfind("/")] if "/" in common else ""


def path_display(folder: str = "") -> str:
    """A LinkColumn's display_text: a URL's path after the host and the folder every row shares, so that narrow
    columns show what tells the pages apart (the table cut every path of a docs site to "/stable/cargo/refere…")."""
    return r"https?://[^/]+" + _REGEX_SPECIALS.sub(r"\\\1", folder) + "(/.*)?"


def _table(shown: pd.DataFrame, decided: pd.Series, key: str) -> None:
    more = st.pills("More columns", [c for c in MORE_COLUMNS if c in shown], selection_mode="multi",
                    key=f"{key}_more_columns", help="Adding columns may make the table wider than the page.")
    frame = table_frame(shown.head(MAX_TABLE_ROWS), decided)
    columns = [c for c in TABLE_COLUMNS if c in frame]
    columns[-1:-1] = [c for c in MORE_COLUMNS if c in (more or ())]   # before Decision
    widths = table_widths(columns)
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
            "Reason": text("Why", width=widths.get("Reason")),
            "Tier": text("Tier", width=widths.get("Tier")),
            "Decision": text("Decision", width=widths.get("Decision")),
            "Anchor": text("Anchor text", width=widths.get("Anchor")),
            "Engine": text("Engine", width=widths.get("Engine")),
            "Score": st.column_config.NumberColumn("Score", format="%.2f", width=widths.get("Score")),
            "Confidence": st.column_config.NumberColumn("Confidence", format="%.3f", width=widths.get("Confidence")),
        },
    )


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


def _charts(frame: pd.DataFrame, summary: dict | None, links_known: bool, empty: str = NO_MATCH) -> None:
    if frame.empty:   # empty axes said nothing; the orphans are the job's, whatever the filters
        st.caption(empty)
        _orphans(summary, links_known)
        return
    targets = per_target(frame)
    st.markdown("**Suggestions per target page**" + (f" (the {len(targets)} most suggested)"
                                                     if frame["Destination"].nunique() > len(targets) else ""))
    st.vega_lite_chart(bar_spec(targets, "Target page", "Suggestions", horizontal=True, sort="-x"))
    bands = score_histogram(frame)
    figure = bands.columns[0]
    st.markdown(f"**{figure} distribution**")
    st.vega_lite_chart(bar_spec(bands, figure, "Suggestions", horizontal=False), height=240)
    _orphans(summary, links_known)


def _orphans(summary: dict | None, links_known: bool) -> None:
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
        st.caption("Shown once the analysis has finished.")
