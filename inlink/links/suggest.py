"""The offline link engine: from a SiteData to internal-link suggestions, one source page at a time.

build_index prepares the shared state once (TF-IDF, top-k neighbours, the site-wide phrase index, existing
links); analyze_page then ranks targets for one page and picks verbatim anchors under the caps. The only state
that changes while pages are analysed is the count of new inbound links per target, which record_suggestions
rebuilds from committed rows, so a resumed run gives exactly the rows of an uninterrupted one.

Modules: textutil (tokens, titles, contexts), candidates (TF-IDF, top-k), anchors (phrase index), linkindex
(LinkIndex, build_index), ranking (scores and anchor choice); this module is the public API.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from inlink.links.anchors import KIND_LABEL
from inlink.links.index import AnalysisConfig, LinkIndex, build_index  # noqa: F401  (public API, see docs/architecture.md)
from inlink.links.ranking import pick_occurrence, rank_targets, widen_single_word
from inlink.links.text import context_around, is_acceptable_anchor, names_target, starts_sentence

RESULT_COLUMNS = ("Source", "Destination", "Anchor", "Context", "Score", "Reason", "Engine")
ENGINE = "offline"


@dataclass
class Candidate:
    destination: str
    anchor: str          # verbatim text of the source page; "" when no anchor was found (TF-IDF neighbour only)
    context: str
    score: float
    reason: str


# ---------------------------------------------------------------- one page

def source_pages(index: LinkIndex) -> list[str]:
    """The pages to analyse, in the input's order (stable, so a resumed run replays the same sequence)."""
    return [index.urls[i] for i in np.flatnonzero(index.is_source)]


def _overlap_word(similarity: float) -> str:
    if similarity >= 0.35:
        return "strongly"
    return "moderately" if similarity >= 0.15 else "slightly"


def _reason(anchor: str, kind: str, similarity: float) -> str:
    """A plain sentence a user can check: what the page says and how close the two pages are."""
    evidence = f'The page mentions "{anchor}", {KIND_LABEL[kind]}' if anchor else "No phrase of the target " \
        "was found in the page"
    return f"{evidence}; topics overlap {_overlap_word(similarity)} (similarity {similarity:.2f})."


def candidates_for(index: LinkIndex, source_url: str, k: int = 20) -> list[Candidate]:
    """The k best targets for a page before per-page caps, each with its best anchor (or '' when none)."""
    source = index.url_pos[source_url]
    ranked, _words, starts, ends = rank_targets(index, source)
    text = index.texts[source]
    result = []
    for item in ranked[:k]:
        anchor = context = ""
        kind = "key"
        for option in item.options:   # the best anchor analyze_page would also accept
            span = pick_occurrence(text, option, starts, ends, [])
            if span and _says_enough(index, item.target, option, text, span):
                anchor, context, kind = text[span[0]:span[1]], context_around(text, *span), option.kind
                break
        result.append(Candidate(index.urls[item.target], anchor, context, item.score,
                                _reason(anchor, kind, item.similarity)))
    return result


def _under_inbound_cap(index: LinkIndex, target: int) -> bool:
    cap = index.config.max_inbound_per_target
    return cap is None or int(index.new_inbound[target]) < cap


def analyze_page(index: LinkIndex, source_url: str) -> list[dict]:
    """Suggestions for one page (RESULT_COLUMNS), best first; counts them towards each target's inbound cap."""
    source = index.url_pos[source_url]
    index.analysed.add(source_url)
    if not index.is_source[source]:
        return []
    ranked, words, starts, ends = rank_targets(index, source)
    text, config = index.texts[source], index.config
    rows, taken, used_anchors = [], [], set()
    for item in ranked:
        if len(rows) >= config.max_per_page:
            break
        if item.score < config.min_score or not _under_inbound_cap(index, item.target):
            continue
        for option in item.options:
            span = pick_occurrence(text, option, starts, ends, taken)
            if span and option.kind in ("shared", "key"):
                span = widen_single_word(index, text, item.target, span, starts, ends, words, taken)
            anchor = text[span[0]:span[1]] if span else ""
            if not span or anchor.lower() in used_anchors or not _says_enough(index, item.target, option, text, span):
                continue
            taken.append(span)
            used_anchors.add(anchor.lower())
            index.new_inbound[item.target] += 1
            rows.append(dict(zip(RESULT_COLUMNS, (
                source_url, index.urls[item.target], anchor, context_around(text, *span), item.score,
                _reason(anchor, option.kind, item.similarity), ENGINE))))
            break
    return rows


def _says_enough(index: LinkIndex, target: int, option, text: str, span: tuple[int, int]) -> bool:
    """Title, H1 and inbound anchors name the target; vocabulary-only anchors must name it too."""
    if option.kind not in ("shared", "key"):
        return True
    return names_target(text[span[0]:span[1]], index.titles[target], index.h1s[target], index.urls[target],
                        starts_sentence(text, span[0]))


# ---------------------------------------------------------------- checks, resume, summary

def validate_suggestion(index: LinkIndex, source: str, destination: str, anchor: str) -> str | None:
    """None when a suggested link obeys every rule; otherwise a plain reason why it may not be suggested."""
    s, d = index.url_pos.get(source), index.url_pos.get(destination)
    if s is None:
        return f"the source page {source} is not in the crawl"
    if d is None:
        return f"the target page {destination} is not in the crawl"
    if s == d:
        return "a page cannot link to itself"
    if not index.is_target[d]:
        return f"the target page {destination} is not indexable or is excluded"
    if (s, d) in index.existing:
        return "the source page already links to the target"
    if not _under_inbound_cap(index, d):
        return "the target already received its maximum of new inbound links"
    return _anchor_problem(index, s, d, anchor)


def _anchor_problem(index: LinkIndex, source: int, target: int, anchor: str) -> str | None:
    """Why an anchor is unusable (too short, only stop words, absent, inside a word, a plain word that does
    not name the target): the same bar a model's pick must clear as the offline engine's own anchors."""
    text = index.texts[source]
    if not is_acceptable_anchor(anchor):
        return f'the anchor "{anchor}" is shorter than 3 characters or made only of stop words'
    start = text.find(anchor)
    while start >= 0 and not _on_word_boundaries(text, start, start + len(anchor)):
        start = text.find(anchor, start + 1)
    if start < 0:
        return f'the anchor "{anchor}" does not stand as whole words in the source page\'s text'
    if not names_target(anchor, index.titles[target], index.h1s[target], index.urls[target],
                        starts_sentence(text, start)):
        return f'the one-word anchor "{anchor}" does not name the target (not in its title, H1 or URL)'
    return None


def _on_word_boundaries(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_") \
        and (text[start].isalnum() or text[start] == "_") and (text[end - 1].isalnum() or text[end - 1] == "_")


def _rows_list(rows) -> list[dict]:
    if rows is None:
        return []
    if isinstance(rows, pd.DataFrame):
        return rows.to_dict("records")
    return list(rows)


def record_suggestions(index: LinkIndex, rows) -> None:
    """Replay committed rows (after a resume) into the inbound counts, as if they had just been analysed."""
    for row in _rows_list(rows):
        target = index.url_pos.get(str(row.get("Destination")))
        if target is not None:
            index.new_inbound[target] += 1
        index.analysed.add(str(row.get("Source")))


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
            "orphans_before": int(orphans_before.sum()), "orphans_after": int(after.sum())}
