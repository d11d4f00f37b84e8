"""The offline link engine: from a SiteData to internal-link suggestions, one source page at a time.

build_index prepares the shared state once (TF-IDF, top-k neighbours, the site-wide phrase index, existing
links); analyze_page then ranks targets for one page and picks verbatim anchors under the caps. The only state
that changes while pages are analysed is the count of new inbound links per target, which record_suggestions
rebuilds from committed rows, so a resumed run gives exactly the rows of an uninterrupted one.
"""
from __future__ import annotations

import fnmatch
import math
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np
import pandas as pd

from anchors import KIND_LABEL, Match, PhraseIndex, inbound_anchor_texts
from candidates import (TfidfModel, build_tfidf, kth_weights, owned_terms, page_document, prune_rows, row_dot, spread_row,
                        top_k_similar, top_shared_terms)
from textutil import (STOP_WORDS, clean_title, context_around, detect_site_affixes, is_acceptable_anchor, prose_score,
                      lowered_tokens, title_head, token_spans)

RESULT_COLUMNS = ("Source", "Destination", "Anchor", "Context", "Score", "Reason", "Engine")
ENGINE = "offline"
NEIGHBOURS = 30            # TF-IDF neighbours kept per page (candidates without a title mention come from here)
# Finding TF-IDF neighbours: exact on small sites; on large ones each page keeps only its heaviest terms, so the
# search stays near-linear in pages (about NEIGHBOUR_NONZEROS terms in all, at least NEIGHBOUR_TERMS per page).
NEIGHBOUR_NONZEROS = 3_000_000
NEIGHBOUR_TERMS = 50
KEY_PHRASES_PER_PAGE = 8   # owned terms registered as anchors for each target
# Log-odds added by each kind of anchor evidence (inbound anchors are what people already link with).
KIND_LOGIT = {"inbound": 3.5, "title": 2.5, "h1": 2.5, "head": 2.5, "key": -0.5, "shared": 0.0}
INEXACT_LOGIT = 1.5        # a title/H1/head/inbound phrase in other capitalisation: often the words, not the page
# Log-linear weights of the generic signals (log cosine, log title cosine, phrase specificity, log anchor length,
# log number of targets a phrase names).
WEIGHTS = {"similarity": 2.0, "title_similarity": 0.5, "specificity": 3.0, "length": 0.6, "ambiguity": 0.5}
SCORE_BIAS = -0.5          # centres the logistic score so a typical good suggestion lands near 0.5-0.8
SHARED_PER_TARGET = 3      # shared-term anchors tried per TF-IDF neighbour
CHARACTERISTIC_TERMS = 30  # a shared-term anchor must be among the target's heaviest terms ("takes" never is)
SHARED_MIN_SIMILARITY = 0.1  # a single shared word is only offered between pages whose topics clearly overlap
SHARED_MAX_DF = 0.1        # a shared term used by more pages than this share says nothing about one target
OCCURRENCES_CHECKED = 6    # occurrences of one phrase weighed for "running text" before picking one


@dataclass(frozen=True)
class AnalysisConfig:
    max_per_page: int = 5
    max_inbound_per_target: int | None = None
    exclude_patterns: tuple[str, ...] = ()   # glob or substring patterns on URLs (sources and targets)
    candidates_per_page: int = 20
    min_score: float = 0.0


@dataclass
class Candidate:
    destination: str
    anchor: str          # verbatim text of the source page; "" when no anchor was found (TF-IDF neighbour only)
    context: str
    score: float
    reason: str


@dataclass
class _Option:
    """One way to anchor a link to a target: a phrase of a given kind and its occurrences in the source."""
    key: tuple[str, ...]     # the phrase's lowercased tokens
    kind: str
    matches: list[Match]
    df: int                  # pages that mention the phrase
    targets: int             # targets the phrase names (ambiguity)
    exact: bool = False      # spelled with the target's own capitalisation ("Built-in Functions", not "built-in functions")
    strength: float = 0.0


@dataclass
class _Ranked:
    """A target ranked for one source page, with its anchor options best first."""
    target: int
    score: float
    similarity: float
    options: list[_Option]


@dataclass
class LinkIndex:
    """Everything analyze_page needs, built once per run by build_index."""
    config: AnalysisConfig
    urls: list[str]
    texts: list[str]
    is_target: np.ndarray
    is_source: np.ndarray
    model: TfidfModel
    neighbours: np.ndarray
    neighbour_sims: np.ndarray
    phrases: PhraseIndex
    phrase_df: np.ndarray
    existing: set
    inbound_before: np.ndarray
    shareable_terms: np.ndarray     # TF-IDF columns distinctive enough to serve as shared-term anchors
    characteristic_bar: np.ndarray  # per page: weight of its CHARACTERISTIC_TERMS-th heaviest term
    url_pos: dict = field(default_factory=dict)
    new_inbound: np.ndarray | None = None
    analysed: set = field(default_factory=set)


# ---------------------------------------------------------------- building the index

def matches_pattern(url: str, patterns: Iterable[str]) -> bool:
    """Glob patterns (with * ? [) match the whole URL; other patterns match as plain substrings."""
    for pattern in patterns:
        pattern = pattern.strip()
        if not pattern:
            continue
        if any(ch in pattern for ch in "*?[") and fnmatch.fnmatchcase(url, pattern):
            return True
        if pattern in url:
            return True
    return False


def _column(pages: pd.DataFrame, name: str) -> list[str]:
    """A text column as a list of str, '' for missing values."""
    if name not in pages.columns:
        return [""] * len(pages)
    return ["" if pd.isna(v) else str(v) for v in pages[name].tolist()]


def _clean_titles(titles: list[str]) -> list[str]:
    """Titles without the site-wide suffix/prefix (detected from the data) and section numbers."""
    suffixes, prefixes = detect_site_affixes(titles)
    return [clean_title(t, suffixes, prefixes) for t in titles]


def _spellings_in(text: str, terms: list[str]) -> list[str]:
    """How a page spells (lowercased) TF-IDF terms, so key phrases like PyObject keep their case."""
    lowered = text.lower()
    spelled = []
    for term in terms:
        pos = lowered.find(term)
        spelled.append(text[pos:pos + len(term)] if pos >= 0 and len(lowered) == len(text) else term)
    return spelled


def _register_phrases(index: PhraseIndex, cleaned_titles: list[str], h1s: list[str], texts: list[str],
                      targets: np.ndarray, key_terms: list[list[tuple[str, float]]], inbound: dict) -> None:
    """Add every target's title, head, H1, owned key phrases and inbound anchors to the phrase index."""
    for i in np.flatnonzero(targets):
        i = int(i)
        for anchor in inbound.get(i, {}):
            index.add(anchor, i, "inbound")
        cleaned = cleaned_titles[i]
        index.add(cleaned, i, "title")
        index.add(title_head(cleaned), i, "head")
        h1 = clean_title(h1s[i], set(), set())
        index.add(h1, i, "h1")
        index.add(title_head(h1), i, "head")
        for term in _spellings_in(texts[i], [term for term, _weight in key_terms[i]]):
            index.add(term, i, "key")


def _phrase_document_frequency(index: PhraseIndex, texts: list[str], sources: np.ndarray) -> np.ndarray:
    """How many source pages mention each phrase (specificity: a phrase on every page names nothing)."""
    df = np.zeros(len(index.phrases), dtype=np.int32)
    for i in np.flatnonzero(sources):
        found = index.present(lowered_tokens(texts[int(i)]))
        if found:
            df[list(found)] += 1
    return df


def build_index(site, config: AnalysisConfig) -> LinkIndex:
    """Prepare TF-IDF neighbours, the phrase index and existing links for `site` (a site_import.SiteData)."""
    pages = site.pages
    urls = _column(pages, "url")
    titles, h1s, texts = _column(pages, "title"), _column(pages, "h1"), _column(pages, "content")
    excluded = np.array([matches_pattern(u, config.exclude_patterns) for u in urls], dtype=bool)
    flags = pages["is_target"] if "is_target" in pages.columns else pd.Series(True, index=pages.index)
    is_target = flags.fillna(False).astype(bool).to_numpy() & ~excluded
    is_source = is_target & np.array([bool(t.strip()) for t in texts], dtype=bool)
    cleaned = _clean_titles(titles)
    model = build_tfidf([page_document(t, h, c) for t, h, c in zip(cleaned, h1s, texts)],
                        [f"{t} {h}" for t, h in zip(cleaned, h1s)])
    k = max(NEIGHBOURS, config.candidates_per_page)
    terms_per_page = max(NEIGHBOUR_TERMS, NEIGHBOUR_NONZEROS // max(1, len(urls)))
    neighbours, sims = top_k_similar(prune_rows(model.matrix, terms_per_page), k, is_target)
    url_pos = {u: i for i, u in enumerate(urls)}
    link_rows = _known_links(site.links, url_pos)
    phrases = PhraseIndex()
    _register_phrases(phrases, cleaned, h1s, texts, is_target, owned_terms(model, KEY_PHRASES_PER_PAGE),
                      inbound_anchor_texts(link_rows))
    inbound_before = np.zeros(len(urls), dtype=np.int32)
    existing = set()
    for source, destination, _anchor in link_rows:
        if (source, destination) not in existing:
            existing.add((source, destination))
            inbound_before[destination] += 1
    return LinkIndex(config=config, urls=urls, texts=texts, is_target=is_target, is_source=is_source,
                     model=model, neighbours=neighbours, neighbour_sims=sims, phrases=phrases,
                     phrase_df=_phrase_document_frequency(phrases, texts, is_source), existing=existing,
                     inbound_before=inbound_before, url_pos=url_pos,
                     shareable_terms=(model.df < len(urls)) & (model.df <= max(2, SHARED_MAX_DF * len(urls))),
                     characteristic_bar=kth_weights(model.matrix, CHARACTERISTIC_TERMS),
                     new_inbound=np.zeros(len(urls), dtype=np.int32))


def _known_links(links: pd.DataFrame | None, url_pos: dict) -> list[tuple[int, int, str]]:
    """Existing links between known pages as (source index, destination index, anchor); self links dropped."""
    if links is None or len(links) == 0:
        return []
    anchors = _column(links, "anchor")
    rows = []
    for source, destination, anchor in zip(_column(links, "source"), _column(links, "destination"), anchors):
        s, d = url_pos.get(source), url_pos.get(destination)
        if s is not None and d is not None and s != d:
            rows.append((s, d, anchor))
    return rows


# ---------------------------------------------------------------- ranking one page

def source_pages(index: LinkIndex) -> list[str]:
    """The pages to analyse, in the input's order (stable, so a resumed run replays the same sequence)."""
    return [index.urls[i] for i in np.flatnonzero(index.is_source)]


def _linkable(index: LinkIndex, source: int, target: int) -> bool:
    """A target may receive a new link from source: indexable, not itself, not already linked."""
    return bool(index.is_target[target]) and target != source and (source, target) not in index.existing


def _specificity(pages: int, df: int) -> float:
    """1 for a phrase only a page or two mention, falling towards 0 for one that every page mentions."""
    pages, df = max(2, pages), max(1, df)
    return float(min(1.0, math.log(pages / df) / math.log(pages))) if pages > df else 0.0


def _option_strength(pages: int, option: _Option) -> float:
    """Log-odds that a phrase names its target: kind of evidence, specificity, length, ambiguity."""
    length = math.log(len(" ".join(option.key)))
    kind = KIND_LOGIT[option.kind] if option.exact or option.kind in ("key", "shared") else INEXACT_LOGIT
    return (kind + WEIGHTS["specificity"] * _specificity(pages, option.df) + WEIGHTS["length"] * length
            - WEIGHTS["ambiguity"] * math.log(option.targets))


def _link_score(similarity: float, title_similarity: float, options: list[_Option]) -> float:
    """0-1 score: a logistic blend of topical similarity, how much the source talks about the target's title,
    and the best anchor's evidence."""
    if not options:
        return 0.0
    logit = (WEIGHTS["similarity"] * math.log(similarity + 1e-3)
             + WEIGHTS["title_similarity"] * math.log(title_similarity + 1e-2) + options[0].strength + SCORE_BIAS)
    return 1.0 / (1.0 + math.exp(-logit))


def _mention_options(index: LinkIndex, source: int, words: list[str],
                     lowered: list[str]) -> dict[int, list[_Option]]:
    """Targets named by phrases found in the source page, with every matching phrase as an option."""
    by_pair: dict[tuple[int, int, bool], list[Match]] = {}
    phrases = index.phrases.phrases
    for match in index.phrases.scan(words, lowered):
        for target in phrases[match.phrase].targets:
            if _linkable(index, source, target):
                by_pair.setdefault((target, match.phrase, match.exact), []).append(match)
    options: dict[int, list[_Option]] = {}
    for (target, pid, exact), found in by_pair.items():
        phrase = phrases[pid]
        options.setdefault(target, []).append(_Option(phrase.key, phrase.targets[target], found,
                                                      int(index.phrase_df[pid]), len(phrase.targets), exact))
    return options


def _shared_terms(index: LinkIndex, target: int, source_row: np.ndarray) -> list[tuple[str, int]]:
    """A neighbour's most distinctive terms that the source also uses, as (term, document frequency)."""
    model = index.model
    columns = top_shared_terms(model.matrix, target, source_row, index.shareable_terms, 2 * SHARED_PER_TARGET,
                               float(index.characteristic_bar[target]))
    terms = [(str(model.terms[c]), int(model.df[c])) for c in columns]
    return [(term, df) for term, df in terms if is_acceptable_anchor(term)][:SHARED_PER_TARGET]


def _shared_term_options(index: LinkIndex, source_row: np.ndarray, targets: list[int], words: list[str],
                         lowered: list[str]) -> dict[int, list[_Option]]:
    """For TF-IDF neighbours with no mention: single-term anchors from their shared distinctive terms.

    TF-IDF terms are lowercased, so an occurrence only counts when the target spells it the same way
    (PyObject is not pyobject).
    """
    wanted = {target: _shared_terms(index, target, source_row) for target in targets}
    terms = {term for found in wanted.values() for term, _df in found}
    positions: dict[str, list[int]] = {}
    for i in [i for i, token in enumerate(lowered) if token in terms]:
        positions.setdefault(lowered[i], []).append(i)
    by_spelling: dict[str, dict[str, list[Match]]] = {}
    for term, where in positions.items():
        for i in where:
            by_spelling.setdefault(term, {}).setdefault(words[i], []).append(Match(i, i + 1, -1))
    options = {}
    for target, found in wanted.items():
        options[target] = []
        for term, df in found:
            spelled = [m for spelling, matches in by_spelling.get(term, {}).items()
                       if spelling in index.texts[target] for m in matches]
            if spelled:
                options[target].append(_Option((term,), "shared", sorted(spelled), df, 1))
    return options


def _rank_targets(index: LinkIndex, source: int) -> tuple[list[_Ranked], list[str], np.ndarray, np.ndarray]:
    """Every target worth linking from `source`, best first, with the page's tokens and their offsets."""
    words, starts, ends = token_spans(index.texts[source])
    lowered = lowered_tokens(index.texts[source], words)
    options = _mention_options(index, source, words, lowered)
    unmentioned = [int(t) for t in index.neighbours[source]
                   if t >= 0 and int(t) not in options and _linkable(index, source, int(t))]
    source_row = spread_row(index.model.matrix, source)
    options.update(_shared_term_options(index, source_row, unmentioned, words, lowered))
    targets = sorted(options)
    ranked, pages = [], int(index.is_source.sum())
    for target in targets:
        similarity = row_dot(index.model.matrix, target, source_row)
        title_similarity = row_dot(index.model.titles, target, source_row)
        found = [o for o in options[target] if o.kind != "shared" or similarity >= SHARED_MIN_SIMILARITY]
        for option in found:
            option.strength = _option_strength(pages, option)
        found.sort(key=lambda o: (-o.strength, o.key, not o.exact))
        score = _link_score(float(similarity), float(title_similarity), found)
        ranked.append(_Ranked(target, round(min(1.0, score), 4), float(similarity), found))
    ranked.sort(key=lambda r: (-r.score, r.target))
    return ranked, words, starts, ends


def _overlap_word(similarity: float) -> str:
    if similarity >= 0.35:
        return "strongly"
    return "moderately" if similarity >= 0.15 else "slightly"


def _reason(anchor: str, kind: str, similarity: float) -> str:
    """A plain sentence a user can check: what the page says and how close the two pages are."""
    evidence = f'The page mentions "{anchor}", {KIND_LABEL[kind]}' if anchor else "No phrase of the target " \
        "was found in the page"
    return f"{evidence}; topics overlap {_overlap_word(similarity)} (similarity {similarity:.2f})."


def _pick_occurrence(text: str, option: _Option, starts: np.ndarray, ends: np.ndarray,
                     taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The occurrence (character span) in the most running-text-like sentence that overlaps no chosen anchor.

    Only the first few free occurrences are weighed: links belong near the first mention anyway.
    """
    free = []
    for match in option.matches:
        span = (int(starts[match.start]), int(ends[match.end - 1]))
        if not any(span[0] < end and start < span[1] for start, end in taken):
            free.append(span)
            if len(free) == OCCURRENCES_CHECKED:
                break
    if len(free) <= 1:
        return free[0] if free else None
    scores = [prose_score(text, *span) for span in free]
    return free[scores.index(max(scores))]


def candidates_for(index: LinkIndex, source_url: str, k: int = 20) -> list[Candidate]:
    """The k best targets for a page before per-page caps, each with its best anchor (or '' when none)."""
    source = index.url_pos[source_url]
    ranked, _words, starts, ends = _rank_targets(index, source)
    text = index.texts[source]
    result = []
    for item in ranked[:k]:
        anchor = context = ""
        kind = "key"
        if item.options:
            span = _pick_occurrence(text, item.options[0], starts, ends, [])
            anchor, context, kind = text[span[0]:span[1]], context_around(text, *span), item.options[0].kind
        result.append(Candidate(index.urls[item.target], anchor, context, item.score,
                                _reason(anchor, kind, item.similarity)))
    return result


def _under_inbound_cap(index: LinkIndex, target: int) -> bool:
    cap = index.config.max_inbound_per_target
    return cap is None or int(index.new_inbound[target]) < cap


def _widen_single_word(index: LinkIndex, text: str, target: int, span: tuple[int, int], starts: np.ndarray,
                       ends: np.ndarray, words: list[str], taken: list[tuple[int, int]]) -> tuple[int, int]:
    """A one-word anchor grows by its neighbour word when the target uses the same two words ("paper" ->
    "paper filters"): a descriptive anchor tells the reader more about the target."""
    i = int(np.searchsorted(starts, span[0]))
    if i >= len(words) or int(starts[i]) != span[0] or int(ends[i]) != span[1]:
        return span
    target_text = None
    for first, last in ((i, i + 1), (i - 1, i)):
        if first < 0 or last >= len(words) or text[int(ends[first]):int(starts[last])] != " ":
            continue
        other = words[last if first == i else first]
        if other.lower() in STOP_WORDS or not other[:1].isalpha():
            continue
        wider = (int(starts[first]), int(ends[last]))
        if any(wider[0] < end and start < wider[1] for start, end in taken):
            continue
        target_text = target_text if target_text is not None else index.texts[target].lower()
        if text[wider[0]:wider[1]].lower() in target_text:
            return wider
    return span


def analyze_page(index: LinkIndex, source_url: str) -> list[dict]:
    """Suggestions for one page (RESULT_COLUMNS), best first; counts them towards each target's inbound cap."""
    source = index.url_pos[source_url]
    index.analysed.add(source_url)
    if not index.is_source[source]:
        return []
    ranked, words, starts, ends = _rank_targets(index, source)
    text, config = index.texts[source], index.config
    rows, taken, used_anchors = [], [], set()
    for item in ranked:
        if len(rows) >= config.max_per_page:
            break
        if item.score < config.min_score or not _under_inbound_cap(index, item.target):
            continue
        for option in item.options:
            span = _pick_occurrence(text, option, starts, ends, taken)
            if span and option.kind in ("shared", "key"):
                span = _widen_single_word(index, text, item.target, span, starts, ends, words, taken)
            anchor = text[span[0]:span[1]] if span else ""
            if not span or anchor.lower() in used_anchors:
                continue
            taken.append(span)
            used_anchors.add(anchor.lower())
            index.new_inbound[item.target] += 1
            rows.append(dict(zip(RESULT_COLUMNS, (
                source_url, index.urls[item.target], anchor, context_around(text, *span), item.score,
                _reason(anchor, option.kind, item.similarity), ENGINE))))
            break
    return rows


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
    return _anchor_problem(index.texts[s], anchor)


def _anchor_problem(text: str, anchor: str) -> str | None:
    """Why an anchor is unusable in a page's text (too short, only stop words, absent, inside a word)."""
    if not is_acceptable_anchor(anchor):
        return f'the anchor "{anchor}" is shorter than 3 characters or made only of stop words'
    start = text.find(anchor)
    while start >= 0:
        end = start + len(anchor)
        if _on_word_boundaries(text, start, end):
            return None
        start = text.find(anchor, start + 1)
    return f'the anchor "{anchor}" does not stand as whole words in the source page\'s text'


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
