"""The offline link engine: from a SiteData to internal-link suggestions, one source page at a time.

build_index prepares the shared state once (TF-IDF, top-k neighbours, the site-wide phrase index, existing
links); analyze_page then ranks targets for one page and picks verbatim anchors under the caps. The only state
that changes while pages are analysed is the count of new inbound links per target, which record_suggestions
rebuilds from committed rows, so a resumed run gives exactly the rows of an uninterrupted one.

This module chooses a page's rows (page_choices) and is the engine's public API (analyzer.py re-exports it):
index.py builds the shared state, ranking.py scores a page's targets, anchor_choice.py picks each target's
anchor on the page (placement.py says where an anchor may stand), evidence.py and confidence.py weigh and explain a row (row_confidence.py: the caps on a placed row's
confidence), validation.py holds the rules any row obeys
(validate_suggestion, anchor_placement: re-exported here). docs/architecture.md draws the rest.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inlink.links.anchor_choice import PagePlace, first_usable, own_blocks, page_place
from inlink.links.confidence import floor_logit, tier
from inlink.links.evidence import best_logits, features, reason, topic_terms
from inlink.links.link_lists import item_span
from inlink.links.index import (  # noqa: F401  (public API, see docs/architecture.md)
    AnalysisConfig,
    LinkIndex,
    build_index,
    matches_pattern,
    page_index,
    page_prose,
    page_see_also,
    under_inbound_cap,
    unmatched_patterns,
)
from inlink.links.mentions import linkable
from inlink.links.placement import block_bounds, sentence_context
from inlink.links.ranking import Option, Ranked, ranked_items, score_targets
from inlink.links.row_confidence import caution, listed_confidence, row_confidence
from inlink.links.spans import Taken
from inlink.links.validation import anchor_placement, validate_suggestion  # noqa: F401  (public API)

RESULT_COLUMNS = ("Source", "Destination", "Anchor", "Context", "Score", "Confidence", "Tier", "Reason", "Engine")
NUMERIC_COLUMNS = ("Score", "Confidence")   # of RESULT_COLUMNS, the numbers (the rest is text as written)
ENGINE = "offline"
RANKED_WEIGHED = 20        # targets per page weighed for confidence (the score's best; the rest rarely make it)
RANKED_PER_SLOT = 4        # ... and at least this many per suggestion asked for
LOGIT_MARGIN = 1e-6        # best_logits sums the features in another order than confidence: far within this


@dataclass
class Candidate:
    destination: str
    anchor: str          # verbatim text of the source page; "" when no anchor was found (TF-IDF neighbour only)
    context: str
    score: float
    reason: str
    confidence: float = 0.0
    tier: str = "low"
    span: tuple[int, int] | None = None   # where the anchor stands in the source text (None: no anchor)


@dataclass
class Choice:
    """One target with the anchor option and occurrence chosen for it, and its confidence."""
    item: Ranked
    option: Option
    span: tuple[int, int]
    confidence: float
    features: dict


# ---------------------------------------------------------------- one page

def source_pages(index: LinkIndex) -> list[str]:
    """The pages to analyse, in the input's order (stable, so a resumed run replays the same sequence)."""
    return [index.urls[i] for i in np.flatnonzero(index.is_source)]


def _weigh(index: LinkIndex, item: Ranked, option: Option, span: tuple[int, int], page: PagePlace) -> Choice:
    found = features(index, item, option)
    return Choice(item, option, span, row_confidence(index, item, option, page, span, found), found)


def _reachable(index: LinkIndex, scored, bar: float | None) -> list[bool] | None:
    """Per scored target, whether any of its options has a confidence logit that may reach the floor's (`bar`;
    None: any may). Most ranked targets have none, and need neither option objects nor an anchor placed to know
    that they will be left out."""
    if bar is None:
        return None
    reach = best_logits(index, scored) + LOGIT_MARGIN >= bar
    if scored.listed and listed_confidence(index) >= index.config.min_confidence:
        reach |= np.array(scored.listed, dtype=bool)
    return reach.tolist()


def _by_score(item: Ranked) -> float:
    return -item.score


def _equal_scores(items: list[Ranked]):
    """Items sorted best score first, in runs of equal score: _order ranks by the score, and within one score by
    the confidence, so each run is weighed (an anchor placed, a confidence computed) only when the rows chosen so
    far leave room for it. Weighing every ranked target first cost a page about twice the weighing it needs (a
    page that fills its rows from its first targets weighed all the others for nothing)."""
    start = 0
    for end in range(1, len(items) + 1):
        if end == len(items) or items[end].score != items[start].score:
            yield items[start:end]
            start = end


def _order(choice: Choice) -> tuple:
    """Best first by the ranking score, confidence breaking ties.

    Why the score and not the confidence: the confidence says whether a row is worth showing (the floor, the
    tier) and is calibrated across pages; the score also weighs how specific the anchor is and how close the
    two pages are, and orders one page's targets better (P@5 on every development cell, recall in recovery)."""
    return (-choice.item.score, -choice.confidence, choice.item.target)


def page_choices(index: LinkIndex, source: int, floor: float | None = None,
                 limit: int | None = None) -> tuple[list[Choice], np.ndarray]:
    """The page's suggestions, best ranked first: at most `limit`, none below the confidence `floor`, anchors never
    overlapping, one anchor text and one link per target. Also returns the page's spread TF-IDF row."""
    config = index.config
    floor = config.min_confidence if floor is None else floor
    limit = config.max_per_page if limit is None else limit
    scored = score_targets(index, source, max(RANKED_WEIGHED, RANKED_PER_SLOT * limit))
    page = page_place(index, source, scored.words)
    items = [item for item in ranked_items(index, scored, _reachable(index, scored, floor_logit(floor)))
             if item.score >= config.min_score]
    items.sort(key=_by_score)
    chosen, taken, used_anchors = [], Taken(page.text, page.linked), set()   # none inside text it links already
    for group in _equal_scores(items):
        if len(chosen) >= limit:
            break
        for choice in _weighed(index, group, page, floor):
            if len(chosen) >= limit:
                break
            if not under_inbound_cap(index, choice.item.target):
                continue
            choice = _placed(index, choice, page, taken)
            if choice is None or choice.confidence < floor:
                continue
            anchor = page.text[choice.span[0]:choice.span[1]].lower()
            if anchor not in used_anchors:
                taken.add(choice.span)
                used_anchors.add(anchor)
                chosen.append(choice)
    return chosen, scored.source_row


def _weighed(index: LinkIndex, group: list[Ranked], page: PagePlace, floor: float) -> list[Choice]:
    """Targets of one score with a usable anchor anywhere on the page, weighed (confidence), at or above the floor,
    in _order."""
    weighed = []
    for item in group:
        usable = first_usable(index, item, page, Taken(page.text, page.linked), weigh=False)
        if usable:
            weighed.append(_weigh(index, item, *usable, page))
    return sorted((choice for choice in weighed if choice.confidence >= floor), key=_order)


def _placed(index: LinkIndex, choice: Choice, page: PagePlace, taken: Taken) -> Choice | None:
    """The choice with the occurrence it is shown at (none overlapping the `taken` ones) and that occurrence's
    confidence, or None when the target has no free occurrence left."""
    usable = first_usable(index, choice.item, page, taken)
    if usable is None:
        return None
    if usable[0] is not choice.option:
        return _weigh(index, choice.item, *usable, page)
    choice.span = usable[1]
    choice.confidence = row_confidence(index, choice.item, choice.option, page, usable[1], choice.features)
    return choice


def _rows(index: LinkIndex, source: int, chosen: list[Choice], source_row: np.ndarray) -> list[dict]:
    """The result rows of a page's choices (their reasons' shared topics found together)."""
    if not chosen:
        return []
    topics = topic_terms(index, [choice.item for choice in chosen], source_row, source)
    prose = page_prose(index, source)
    return [_row(index, source, choice, source_row, topics, prose) for choice in chosen]


def _row(index: LinkIndex, source: int, choice: Choice, source_row: np.ndarray, topics: dict, prose) -> dict:
    text, config = index.texts[source], index.config
    level = tier(choice.confidence, config.high_confidence, config.medium_confidence)
    anchor = text[choice.span[0]:choice.span[1]]
    return dict(zip(RESULT_COLUMNS, (
        index.urls[source], index.urls[choice.item.target], anchor, anchor_context(index, source, choice.span, prose),
        choice.item.score, choice.confidence, level,
        reason(index, choice.item, choice.option, anchor, choice.confidence, level, source_row, topics,
               caution(index, source, choice.item.listed, choice.option, choice.span),
               fills_list_item(index, source, choice.span) if choice.item.listed else "list"), ENGINE)))


def fills_list_item(index: LinkIndex, source: int, span: tuple[int, int]) -> str | None:
    """Which of the page's lists the anchor is a whole item of: "list" (one of its lists, as link_lists reads a list
    of links), "see also" (a "See also" line or box: index.page_see_also), None (it stands elsewhere); on a page with
    no blocks to tell, "list" but for a "See also" line (plain text's run of titles)."""
    text = index.texts[source]
    if own_blocks(index, source) and any(kind == "list_item" and item_span(text, start, end) == tuple(span)
                                         for kind, start, end in index.blocks[source]):
        return "list"   # a list of links, "See also" heading it or not
    if tuple(span) in page_see_also(index, source):
        return "see also"
    return None if own_blocks(index, source) else "list"


def candidates_for(index: LinkIndex, source_url: str, k: int = 20) -> list[Candidate]:
    """The k best ranked targets for a page, with no floor and no per-page cap (for Gemini to pick from);
    each has the anchor and context the offline engine would use."""
    index = page_index(index, source_url)
    source = index.url_pos[source_url]
    chosen, source_row = page_choices(index, source, floor=0.0, limit=k)
    rows = _rows(index, source, chosen, source_row)
    found = [Candidate(r["Destination"], r["Anchor"], r["Context"], r["Score"], r["Reason"], r["Confidence"],
                       r["Tier"], choice.span) for r, choice in zip(rows, chosen)]
    chosen_targets = {choice.item.target for choice in chosen}
    for target in index.neighbours[source]:   # close pages with no usable anchor: confidence 0, below any floor
        if len(found) >= k:
            break
        if target >= 0 and int(target) not in chosen_targets and linkable(index, source, int(target)):
            found.append(Candidate(index.urls[int(target)], "", "", 0.0, "No phrase of the target stands in "
                                   "the page's running prose; the two pages' topics overlap.", 0.0, "low"))
    return found


def analyze_page(index: LinkIndex, source_url: str) -> list[dict]:
    """Suggestions for one page (RESULT_COLUMNS), best ranked first, none below the confidence floor;
    counts them towards each target's inbound cap."""
    rows = page_rows(index, source_url)
    record_page(index, source_url, rows)
    return rows


def page_rows(index: LinkIndex, source_url: str) -> list[dict]:
    """analyze_page without counting its rows: the same rows from any process that holds the index, as long as
    no target has an inbound cap (inbound_capped), the one thing earlier pages change for later ones."""
    index = page_index(index, source_url)
    source = index.url_pos[source_url]
    if not index.is_source[source]:
        return []
    chosen, source_row = page_choices(index, source)
    return _rows(index, source, chosen, source_row)


def record_page(index: LinkIndex, source_url: str, rows: list[dict]) -> None:
    """Count a page's rows towards their targets' inbound caps and the page as analysed (analyze_page's second
    half, for rows computed elsewhere)."""
    index.analysed.add(source_url)
    record_suggestions(index, rows)


def inbound_capped(index: LinkIndex) -> bool:
    """Whether targets have an inbound cap: then a page's rows depend on the pages analysed before it."""
    return index.config.max_inbound_per_target is not None


# ---------------------------------------------------------------- context, resume, summary

def anchor_context(index: LinkIndex, source: int, span: tuple[int, int], prose=None) -> str:
    """The prose sentence around an anchor occurrence (inside its block on HTML input; `prose`: the page's
    prose_ranges, when the caller has them)."""
    text = index.texts[source]
    block = block_bounds(page_prose(index, source) if prose is None else prose, *span)
    return sentence_context(text, *span, block)


def _rows_list(rows) -> list[dict]:
    if rows is None:
        return []
    if hasattr(rows, "to_dict"):   # a DataFrame (pandas is not imported here: a resume does not need it)
        return rows.to_dict("records")
    return list(rows)


def record_suggestions(index: LinkIndex, rows) -> None:
    """Replay committed rows (after a resume) into the inbound counts, as if they had just been analysed: in the
    site's index, and on a site in several languages in every language's index that holds the target (its
    language's; every language's for a target of unknown language), since a page's cap is read in the index it is
    analysed with (page_index). Counted only in the source's language's, a target took its cap from its
    language's pages and as many rows again from pages of unknown language, which are analysed with the site's."""
    counting = (index, *(index.languages or {}).values())
    for row in _rows_list(rows):
        source, destination = str(row.get("Source")), str(row.get("Destination"))
        for counted in counting:
            target = counted.url_pos.get(destination)
            if target is not None:
                counted.new_inbound[target] += 1
        index.analysed.add(source)   # the site's: summarize reads it there


def summarize(index: LinkIndex, rows) -> dict:
    """Pages analysed, suggestions, and orphan pages (indexable, no inbound link) before and after them."""
    rows = _rows_list(rows)
    targets = index.is_target
    orphans_before = targets & (index.inbound_before == 0)
    after = orphans_before.copy()
    for row in rows:
        d = index.url_pos.get(str(row.get("Destination")))
        if d is not None and index.url_pos.get(str(row.get("Source"))) != d:
            after[d] = False
    analysed = index.analysed | {str(r.get("Source")) for r in rows}
    return {"pages_analysed": len(analysed), "suggestions": len(rows),
            "orphans_before": int(orphans_before.sum()), "orphans_after": int(after.sum()),
            "unmatched_exclude_patterns": unmatched_patterns(index.urls, index.config.exclude_patterns)}
