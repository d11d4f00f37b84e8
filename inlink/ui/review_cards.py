"""The Review tab of the results view: one page of suggestion cards at a time, each with Accept / Reject.

REVIEW_PAGE_SIZE suggestions show at a time as cards (the anchor highlighted in its context, no sideways
scrolling: inlink/ui/cards.py); a decision is stored with the job at the click (inlink/ui/review.py), so every
tab sees it. Kept apart from the view that composes the tabs because the decision widgets carry the subtle part
(a widget key per stored decision, see _decision_widget).
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from inlink.ui import format as fmt
from inlink.ui import review
from inlink.ui.cards import card_html
from inlink.ui.filters import NO_MATCH, page_key
from inlink.ui.page import job_action

REVIEW_PAGE_SIZE = 20
_DECISION_LABELS = {review.ACCEPTED: "Accept", review.REJECTED: "Reject"}


def review_cards(manager, job_id: str, shown: pd.DataFrame, decided: pd.Series, key: str,
                 empty: str = NO_MATCH) -> None:
    """One page of suggestion cards, each with Accept / Reject, and the same for the whole page at once."""
    if shown.empty:
        st.caption(empty)
        return
    pages = max(1, -(-len(shown) // REVIEW_PAGE_SIZE))
    if st.session_state.get(page_key(key), 1) > pages:   # narrower filters left fewer pages
        st.session_state[page_key(key)] = pages
    page = st.pagination(pages, key=page_key(key)) if pages > 1 else 1
    rows = shown.iloc[(page - 1) * REVIEW_PAGE_SIZE: page * REVIEW_PAGE_SIZE]
    keys = review.row_keys(rows)
    _page_actions(manager, job_id, keys, key, decided.loc[rows.index])
    for index, row in rows.iterrows():
        # the card takes what Accept / Reject leave (a column of its own cut "Reject" off at 1,024 px)
        with st.container(border=True, horizontal=True, vertical_alignment="center"):
            st.html(card_html(row))
            _decision_widget(manager, job_id, keys[index], decided[index], key)
    if pages > 1:   # the pages again under the last card: after reading a page, the next one without scrolling up
        st.session_state[f"{key}_page_end"] = page
        st.pagination(pages, key=f"{key}_page_end", on_change=_same_page, args=(key,))


def _same_page(key: str) -> None:
    """The page chosen under the cards, for the pager above them too (the one that picks the rows)."""
    st.session_state[page_key(key)] = st.session_state[f"{key}_page_end"]


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
        _decide(manager, job_id, suggestions, chosen)


def _decide(manager, job_id: str, suggestions: list[str], decision: str | None) -> None:
    """Store a decision; on a job deleted meanwhile the page says so (it said "job … not found")."""
    with job_action(job_id, "your decision was not kept"):
        review.decide(manager, job_id, suggestions, decision)


def _page_actions(manager, job_id: str, keys: pd.Series, key: str, decided: pd.Series) -> None:
    """Accept, Reject or Clear the page's cards at once; each is disabled when the page already is so (Clear these on
    a page with no decision was a click that changed nothing on the page)."""
    with st.container(horizontal=True, gap="small"):   # fixed columns read "Ac…", "Rej…", "Cle…" at 1,024 px
        for label, decision, icon in (("Accept these", review.ACCEPTED, ":material/done_all:"),
                                      ("Reject these", review.REJECTED, ":material/remove_done:"),
                                      ("Clear these", None, ":material/restart_alt:")):
            st.button(label, key=f"{key}_all_{decision or 'clear'}", icon=icon,
                      help=f"{label.split()[0]} the {fmt.plural(len(keys), 'suggestion')} on this page.",
                      disabled=bool((decided == (decision or "")).all()),
                      on_click=_decide, args=(manager, job_id, list(keys), decision))
