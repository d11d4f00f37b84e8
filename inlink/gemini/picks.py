"""Gemini's picks held to the offline engine's rules: each pick must be one of the page's candidates and pass
validate_suggestion, its anchor placed where the offline engine would place it and never over another kept
anchor, the page cap and one link per target and per anchor text kept; the rejects counted by a stable name
(drop_category)."""
from __future__ import annotations

from collections import Counter
from typing import Any

from inlink.gemini import prompt as gemini_prompt
from inlink.gemini.answers import LinkPick, LinkPicks
from inlink.links import suggest as analyzer
from inlink.site import urls

#: validate_suggestion answers in sentences that name pages; counters need one stable name per rule.
_DROP_CATEGORIES = (
    ("not in the crawl", "unknown_target"),
    ("cannot link to itself", "self_link"),
    ("not indexable or is excluded", "target_not_indexable"),
    ("already links to the target", "existing_link"),
    ("maximum of new inbound", "inbound_cap"),
    ("made only of stop words", "weak_anchor"),
    ("does not name the target", "weak_anchor"),
    ("does not stand as whole words", "anchor_not_in_text"),
    ("not running prose", "anchor_not_in_prose"),
    ("is code-like", "anchor_code_like"),
    ("not among the page's candidates", "not_a_candidate"),
    ("per-page limit", "over_page_cap"),
    ("duplicate target", "duplicate_target"),
    ("anchor already used", "duplicate_anchor"),
    ("overlaps an anchor already chosen", "anchor_overlap"),
)


def drop_category(reason: str) -> str:
    """A short stable name for why a suggestion was dropped ("other" for a rule this table does not know)."""
    return next((name for phrase, name in _DROP_CATEGORIES if phrase in reason), "other")


def by_url(picks: LinkPicks, candidates: list, source: str) -> LinkPicks:
    """The picks with each destination as a candidate's URL: a candidate's number ("3") as the URL it stands for,
    and a candidate's URL written another way ("https://ex.com/watering/", "/watering", "HTTP://EX.COM/watering")
    as the candidate's own. Written so, a pick of a listed target was dropped as a page not in the crawl."""
    by_number = {str(n): c.destination for n, c in enumerate(candidates, start=1)}
    by_form = {_url_form(c.destination, source): c.destination for c in candidates}

    def target(written: str) -> str:
        written = written.strip()
        return by_number.get(written) or by_form.get(_url_form(written, source), written)
    return LinkPicks(suggestions=[pick.model_copy(update={"destination": target(pick.destination)})
                                  for pick in picks.suggestions])


def _url_form(url: str, source: str) -> str:
    """A URL as the crawl's URLs are compared (normalised, relative to the source page, either scheme), or itself
    when it is none."""
    try:
        normal = urls.normalize_url(url, base_host=source)
    except urls.SiteDataError:
        return url
    return normal.split("://", 1)[-1]


def _free_span(index: Any, source: str, pick: LinkPick, candidate: Any,
               taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    """Where a valid pick's anchor stands: where the offline engine placed it when the model kept its anchor, else
    the first well-placed occurrence; when that overlaps an anchor kept for the page, the first that overlaps none,
    or None. Picks were checked one by one, and two of them ("tomato composting", "composting guide") were kept
    over the same words, which no editor can link twice (the offline engine never overlaps its anchors)."""
    index = analyzer.page_index(index, source)   # the index the page's candidates were placed with
    s, d = index.url_pos[source], index.url_pos[pick.destination]
    span = candidate.span if candidate.anchor == pick.anchor and candidate.span else \
        analyzer.anchor_placement(index, s, d, pick.anchor)
    if span is not None and not any(span[0] < end and start < span[1] for start, end in taken):
        return span
    return analyzer.anchor_placement(index, s, d, pick.anchor, avoid=tuple(taken))


#: Quotes a model may copy around an anchor it took from the prompt, where each suggested anchor stands in JSON quotes.
_QUOTES = "\"'“”‘’«»„‚`"


def _anchor_as_the_page_has_it(anchor: str, candidate: Any) -> str:
    """The pick's anchor, or the candidate's own when the pick is that anchor copied with quotes around it, another
    case, a full stop after it or other spacing ('"watering tips"', "Watering Tips", "watering tips."). Gemini
    copies the suggested anchor as the prompt shows it, in JSON quotes, or writes it as a title; no such anchor stands
    in the page, and each pick was dropped as "not in the text" though the candidate's anchor, checked by the
    offline engine, was the one meant."""
    anchor = anchor.strip()
    suggested = getattr(candidate, "anchor", None)
    if not suggested or anchor == suggested:
        return anchor
    return suggested if _bare(anchor) == _bare(suggested) else anchor


def _bare(anchor: str) -> str:
    """An anchor without the quotes around it, its closing punctuation, its case and its spacing, for comparing."""
    return " ".join(anchor.strip(_QUOTES + " ").rstrip(".,;:!?").strip(_QUOTES + " ").split()).casefold()


def _page_level_problem(rows: list[dict], pick: LinkPick, max_links: int) -> str | None:
    """Rules across one page's picks, which validate_suggestion (one suggestion at a time) cannot see."""
    if len(rows) >= max_links:
        return "over the per-page limit"
    if any(row["Destination"] == pick.destination for row in rows):
        return "duplicate target on this page"
    if any(row["Anchor"].lower() == pick.anchor.lower() for row in rows):
        return "anchor already used on this page"
    return None


def validated_rows(index: Any, source: str, picks: LinkPicks, candidates: list, max_links: int,
               dropped: Counter, engine_name: str) -> list[dict]:
    """Check each pick like an offline suggestion; count the rejects by reason; keep the page cap."""
    rows: list[dict] = []
    taken: list[tuple[int, int]] = []     # where the anchors kept so far stand: two never share a character
    by_url = {c.destination: c for c in candidates}
    for pick in sorted(picks.suggestions, key=lambda p: -p.score):
        candidate = by_url.get(pick.destination)
        pick = pick.model_copy(update={"anchor": _anchor_as_the_page_has_it(pick.anchor, candidate)})
        why = _page_level_problem(rows, pick, max_links) or \
            analyzer.validate_suggestion(index, source, pick.destination, pick.anchor) or \
            (None if candidate is not None else "the target is not among the page's candidates")
        span = None if why else _free_span(index, source, pick, candidate, taken)
        if span is None:
            dropped[drop_category(why or "overlaps an anchor already chosen on this page")] += 1
            continue
        taken.append(span)
        config = index.config
        rows.append(gemini_prompt.result_row(index, source, pick, candidate, engine_name,
                                             candidate.confidence, analyzer.tier(
                                                 candidate.confidence, config.high_confidence,
                                                 config.medium_confidence), span))
    return rows
