"""One suggestion as an editor reads it: Source → Destination, the Anchor highlighted in its Context, the
Tier and the Reason, laid out to wrap (never to scroll sideways) at the dashboard's width.

Rendered with st.html and escaped with html.escape: page text may hold anything (Markdown syntax, colons
that Streamlit's Markdown would read as icons or colours, angle brackets), and escaping HTML is exact.
"""
from __future__ import annotations

import html
import re

import pandas as pd

from inlink.ui.format import url_path
from inlink.exports import RESULT_DECIMALS

TIER_COLOURS = {"high": "#1b8a3a", "medium": "#b26a00", "low": "#7a7a7a"}
#: link | anchor in context | tier and reason: the reason is the longest text, so it gets as much room as the
#: sentence (with a quarter of the card it made each card two or three times as tall as its sentence)
_GRID = ("display:grid;grid-template-columns:minmax(0,3fr) minmax(0,5fr) minmax(0,5fr);gap:0.9rem;"
         "font-size:0.92rem;line-height:1.4;overflow-wrap:anywhere")
_LABEL = "font-size:0.75rem;opacity:0.65;text-transform:uppercase;letter-spacing:0.04em"
_MARK = "background:rgba(255,196,0,0.45);color:inherit;padding:0 0.15em;border-radius:0.2em;font-weight:600"


def context_html(context, anchor) -> str:
    """The context with the anchor marked where it stands (_anchor_at); an anchor
    missing from its context is shown after it, so the editor still sees both."""
    before, found, after, anchor = _around_anchor(context, anchor)
    if found is None:
        return html.escape(before) + (f' <span style="opacity:0.7">(anchor: {_mark(anchor)})</span>' if anchor else "")
    return html.escape(before) + _mark(found) + html.escape(after)


def context_marked(context, anchor, left: str = "«", right: str = "»") -> str:
    """The context as plain text with the anchor between `left` and `right` where it stands (a table cell cannot
    colour a word); an anchor missing from its context is shown after it."""
    before, found, after, anchor = _around_anchor(context, anchor)
    if found is None:
        return before + (f" (anchor: {left}{anchor}{right})" if anchor else "")
    return f"{before}{left}{found}{right}{after}"


def _around_anchor(context, anchor) -> tuple[str, str | None, str, str]:
    """The context split where its anchor stands (_anchor_at): (before, the anchor as the context spells it,
    after, the anchor); a missing anchor gives (the whole context, None, "", the anchor). context_html and
    context_marked differ only in how they wrap the anchor."""
    text, anchor = _text(context), _text(anchor)
    at = _anchor_at(text, anchor) if anchor else -1
    if at < 0:
        return text, None, "", anchor
    end = at + len(anchor)
    return text[:at], text[at:end], text[end:], anchor


def _anchor_at(text: str, anchor: str) -> int:
    """Where the anchor stands in its context: as a whole word first ("str" in "instances of str", not the
    "str" of an earlier "strings"), exact case before any case; else anywhere; -1 when missing."""
    whole = re.compile(rf"(?<!\w){re.escape(anchor)}(?!\w)")
    for found in (whole.search(text), re.compile(whole.pattern, re.IGNORECASE).search(text)):
        if found:
            return found.start()
    at = text.find(anchor)
    return at if at >= 0 else text.lower().find(anchor.lower())


def _mark(text: str) -> str:
    return f'<mark style="{_MARK}">{html.escape(text)}</mark>'


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _link(url) -> str:
    url = _text(url)
    safe = html.escape(url, quote=True)
    return f'<a href="{safe}" target="_blank" rel="noopener noreferrer">{breakable_path(url_path(url))}</a>'


def breakable_path(path: str) -> str:
    """A path, escaped, that a narrow column wraps after a "/", "-" or "_" rather than anywhere (the live panel's
    cards broke "/stable/book/appe" "ndix-04-useful-development-tools.html")."""
    return re.sub(r"([/\-_])(?=.)", r"\1<wbr>", html.escape(path))


def tier_badge(tier) -> str:
    tier = _text(tier).lower()
    if not tier:
        return ""
    colour = TIER_COLOURS.get(tier, "#7a7a7a")
    return (f'<span style="background:{colour};color:#fff;border-radius:0.6em;padding:0.05em 0.55em;'
            f'font-size:0.8rem;font-weight:600">{html.escape(tier.title())}</span>')


def _strength(row: pd.Series) -> str:
    """'confidence 0.824' when the engine gave one, else 'score 0.3512': as the exports write them."""
    for column in ("Confidence", "Score"):
        value = _number(row.get(column))
        if value is not None:
            return f"{column.lower()} {value:.{RESULT_DECIMALS[column]}f}"
    return ""


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number


def card_html(row: pd.Series) -> str:
    """One suggestion in three columns: the link, the anchor in its sentence, tier and reason."""
    strength = _strength(row)
    return (
        f'<div class="inlink-card" style="{_GRID}">'
        f'<div><div style="{_LABEL}">From</div>{_link(row.get("Source"))}'
        f'<div style="{_LABEL};margin-top:0.3rem">Link to</div>{_link(row.get("Destination"))}</div>'
        f'<div><div style="{_LABEL}">Anchor in context</div>{context_html(row.get("Context"), row.get("Anchor"))}</div>'
        f'<div><div>{tier_badge(row.get("Tier"))} <span style="opacity:0.7;font-size:0.8rem">'
        f'{html.escape(strength)}</span></div>'
        f'<div style="margin-top:0.3rem">{html.escape(_text(row.get("Reason")))}</div></div>'
        "</div>")


#: The live panel's list sits in a column of its own: at 1,024 px it has about 330 px, and three columns of 75, 125 and
#: 125 px broke every path and sentence into a word a line ("/shop/brewing-" "gear/" "gooseneck" "-kettle"). Below
#: NARROW_LIST_PX the link and the sentence share the first row and the reason takes the whole second.
NARROW_LIST_PX = 480
_NARROW_LIST = (f"<style>@container (max-width: {NARROW_LIST_PX}px) {{"
                "[data-kind=\"latest\"] .inlink-card {grid-template-columns:minmax(0,2fr) minmax(0,3fr) !important}"
                "[data-kind=\"latest\"] .inlink-card > :last-child {grid-column:1 / -1}}}</style>")


def cards_html(frame: pd.DataFrame) -> str:
    """Several suggestions, one under the other (the live panel's compact list), two rows a card when narrow."""
    rule = '<hr style="margin:0.5rem 0;opacity:0.25">'
    return (_NARROW_LIST + '<div data-kind="latest" style="container-type:inline-size">'
            + rule.join(card_html(row) for _, row in frame.iterrows()) + "</div>")
