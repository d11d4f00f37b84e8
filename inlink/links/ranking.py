"""Ranking one source page's targets: anchor options (mentions, shared terms), their evidence, a 0-1 score,
and the choice of one occurrence per anchor.

Why a log-linear score: each generic signal (topical similarity, how much the page talks about the target's
title, the kind of anchor evidence, how specific the phrase is across the site) adds log-odds, so one strong
signal can carry a link and none is ever a hard rule.
"""
from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from inlink.links.anchors import Match
from inlink.links.index import LinkIndex
from inlink.links.similarity import row_dot, row_dots, spread_row, top_shared_terms_of_rows
from inlink.links.text import (
    STOP_WORDS,
    is_acceptable_anchor,
    lowered_text,
    prose_score,
)
from inlink.links.tokens import PageWords, token_offsets

# Log-odds added by each kind of anchor evidence (inbound anchors are what people already link with).
KIND_LOGIT = {"inbound": 3.5, "title": 2.5, "h1": 2.5, "head": 2.5, "defined": 2.5, "key": -0.5, "shared": 0.0}
OWN_NAME_KINDS = ("title", "h1", "head")   # how a page names itself
INEXACT_LOGIT = 1.5        # a title/H1/head/inbound phrase in other capitalisation: often the words, not the page
# Log-linear weights of the generic signals (log cosine, log title cosine, phrase specificity, log anchor length,
# ambiguity: minus the log of the target's share of the similarity among all the targets a phrase names).
WEIGHTS = {"similarity": 2.0, "title_similarity": 0.5, "specificity": 3.0, "length": 0.6, "ambiguity": 0.5}
# With the site's links given, the log-odds that a page mentioning the phrase links it to the target (the
# anchor dictionary's link probability) adds with weight 1; it already says how common the phrase is, so the
# specificity then counts half. How much more the source's TF-IDF neighbours link the target than the site at
# large does (neighbourhood.py) adds to the target's score (recovery R@10 +0.01 on each development cell), and
# so does the page naming the target in several ways (its title and two names it defines, say; +0.002-0.01).
DICTIONARY_WEIGHTS = {"link_odds": 1.0, "specificity": 1.5, "neighbour_lift": 1.5, "names": 1.0}
NAME_KINDS = ("inbound", "title", "h1", "head", "defined")   # the evidence that names a target (not vocabulary)
SCORE_BIAS = -0.5          # centres the logistic score so a typical good suggestion lands near 0.5-0.8
SHARED_PER_TARGET = 3      # shared-term anchors tried per TF-IDF neighbour
SHARED_MIN_SIMILARITY = 0.1  # a single shared word is only offered between pages whose topics clearly overlap
OCCURRENCES_CHECKED = 6    # occurrences of one phrase weighed for "running text" before picking one


@dataclass
class Option:
    """One way to anchor a link to a target: a phrase of a given kind and its occurrences in the source."""
    key: tuple[str, ...]     # the phrase's lowercased tokens
    kind: str
    matches: list[Match]
    df: int                  # pages that mention the phrase
    targets: int             # targets the phrase names (ambiguity)
    exact: bool = False      # spelled with the target's own capitalisation ("Built-in Functions", not
                             # "built-in functions")
    strength: float = 0.0
    phrase: int = -1         # id in the site's phrase index (-1 for a shared term, which names one target)
    specificity: float = 0.0
    ambiguity: float = 0.0


@dataclass
class Ranked:
    """A target ranked for one source page, with its anchor options best first."""
    target: int
    score: float
    similarity: float
    options: list[Option]
    title_similarity: float = 0.0
    neighbour_lift: float = 0.0   # log lift of the neighbours' share linking the target (links given), else 0
    neighbours_linking: int = 0   # how many of the source's TF-IDF neighbours link the target


def linked_to(index: LinkIndex, target: int) -> bool:
    """Whether the site links to the target at all. The anchor dictionary's silence about an orphan page (no
    existing link points to it) says that the page is neglected, not that its name is a word the site never
    links: finding those links is what the analyst is here for, so the link odds weigh only for linked pages."""
    return bool(index.inbound_before[target])


def linkable(index: LinkIndex, source: int, target: int) -> bool:
    """A target may receive a new link from source: indexable, not itself, not already linked."""
    return bool(index.is_target[target]) and target != source and (source, target) not in index.existing


def _specificity(pages: int, df: int) -> float:
    """1 for a phrase only a page or two mention, falling towards 0 for one that every page mentions."""
    pages, df = max(2, pages), max(1, df)
    return float(min(1.0, math.log(pages / df) / math.log(pages))) if pages > df else 0.0


def _option_strength(pages: int, option: Option, ambiguity: float, link_odds: float | None = None) -> float:
    """Log-odds that a phrase names its target: kind of evidence, specificity, length, ambiguity, and (when the
    site's links are given) how often the site links the phrase to the target where it mentions it."""
    length = math.log(len(" ".join(option.key)))
    kind = KIND_LOGIT[option.kind] if option.exact or option.kind in ("key", "shared") else INEXACT_LOGIT
    option.specificity, option.ambiguity = _specificity(pages, option.df), ambiguity
    weights = WEIGHTS if link_odds is None else DICTIONARY_WEIGHTS
    strength = (kind + weights["specificity"] * option.specificity + WEIGHTS["length"] * length
                - WEIGHTS["ambiguity"] * ambiguity)
    return strength if link_odds is None else strength + DICTIONARY_WEIGHTS["link_odds"] * link_odds


def _ambiguity(index: LinkIndex, source: int, option: Option, similarity: float, source_row: np.ndarray,
               totals: dict[int, float], cosines: dict[int, float]) -> float:
    """How little a phrase naming several pages says about this target: -log of the target's share of their
    similarity to the source (the source itself left out); log of their number when all are equally close.

    Why: word-sense disambiguation by context; of two pages titled "Introduction", the reader of this page
    most likely means the one on its own topic, so that one keeps most of the phrase's evidence.
    `totals` caches each phrase's sum for the current source page, `cosines` each target's cosine.
    """
    if option.targets <= 1 or option.phrase < 0:
        return 0.0
    if option.phrase not in totals:
        senses = [t for t in index.phrases.phrases[option.phrase].targets if t != source]
        totals[option.phrase] = sum(max(1e-3, _cosine(index, t, source_row, cosines)) for t in senses)
    return math.log(max(1.0, totals[option.phrase] / max(1e-3, similarity)))


def _cosine(index: LinkIndex, target: int, source_row: np.ndarray, cache: dict) -> float:
    """The target's TF-IDF cosine with the source page, computed once per page (`cache`: target -> cosine)."""
    if target not in cache:
        cache[target] = row_dot(index.model.matrix, target, source_row)
    return cache[target]


def _link_score(similarity: float, title_similarity: float, options: list[Option], extra: float = 0.0) -> float:
    """0-1 score: a logistic blend of topical similarity, how much the source talks about the target's title,
    the best anchor's evidence and (links given) the target's own evidence (`extra`, see _target_logit)."""
    if not options:
        return 0.0
    logit = (WEIGHTS["similarity"] * math.log(similarity + 1e-3)
             + WEIGHTS["title_similarity"] * math.log(title_similarity + 1e-2) + options[0].strength + SCORE_BIAS)
    if extra:
        logit += extra
    return 1.0 / (1.0 + math.exp(-logit))


def longest_matches(matches: list[Match]) -> list[Match]:
    """The matches not strictly inside a longer match: words that belong to a longer name ("Backup" in
    "Backup Strategies", "B" in "Appendix B") are never an anchor of their own. Matches in text order."""
    kept, reach_end, reach_start = [], -1, -1
    for match in sorted(matches, key=lambda m: (m.start, -m.end)):
        if match.end < reach_end or (match.end == reach_end and match.start > reach_start):
            continue   # inside the longest match that started earlier (same end: a shorter tail of it)
        if match.end > reach_end:
            reach_start, reach_end = match.start, match.end
        kept.append(match)
    return kept


def _mention_options(index: LinkIndex, source: int, words: PageWords,
                     ids: np.ndarray) -> dict[int, list[Option]]:
    """Targets named by phrases found in the source page, with every matching phrase as an option."""
    by_pair: dict[tuple[int, int, bool], list[Match]] = {}
    phrases = index.phrases.phrases
    named: dict[int, list[int]] = {}   # phrase id -> the targets it may link to from this page
    for match in longest_matches(index.phrase_matcher().scan(ids, words)):
        targets = named.get(match.phrase)
        if targets is None:
            phrase = phrases[match.phrase]
            # the page's own name ("Getting Started" on a Getting Started page) points at no other page
            targets = named[match.phrase] = [] if phrase.targets.get(source) in OWN_NAME_KINDS else \
                [target for target in phrase.targets if linkable(index, source, target)]
        for target in targets:
            by_pair.setdefault((target, match.phrase, match.exact), []).append(match)
    options: dict[int, list[Option]] = {}
    for (target, pid, exact), found in by_pair.items():
        phrase = phrases[pid]
        options.setdefault(target, []).append(Option(phrase.key, phrase.targets[target], found,
                                                      int(index.phrase_df[pid]), len(phrase.targets), exact,
                                                      phrase=pid))
    return options


def _shared_terms(index: LinkIndex, targets: list[int], source_row: np.ndarray) -> list[list[tuple[str, int]]]:
    """Each neighbour's most distinctive terms that the source also uses, as (term, document frequency)."""
    model = index.model
    found = []
    for columns in top_shared_terms_of_rows(model.matrix, targets, source_row, index.shareable_terms,
                                            2 * SHARED_PER_TARGET, index.characteristic_bar[targets]):
        terms = [(str(model.terms[c]), int(model.df[c])) for c in columns]
        found.append([(term, df) for term, df in terms if is_acceptable_anchor(term)][:SHARED_PER_TARGET])
    return found


def _shared_term_options(index: LinkIndex, source_row: np.ndarray, targets: list[int], words: PageWords,
                         ids: np.ndarray) -> dict[int, list[Option]]:
    """For TF-IDF neighbours with no mention: single-term anchors from their shared distinctive terms.

    TF-IDF terms are lowercased, so an occurrence only counts when the target spells it the same way
    (PyObject is not pyobject).
    """
    wanted = dict(zip(targets, _shared_terms(index, targets, source_row)))
    terms = {term for found in wanted.values() for term, _df in found}
    vocabulary = index.tokens.vocabulary
    term_of = {vocabulary[term]: term for term in terms if term in vocabulary}   # TF-IDF terms all are
    wanted_ids = np.zeros(len(vocabulary), dtype=bool)
    wanted_ids[list(term_of)] = True
    found_at = np.flatnonzero(wanted_ids[ids])
    by_spelling: dict[str, dict[str, list[Match]]] = {}
    for i, token, spelling in zip(found_at.tolist(), ids[found_at].tolist(), words[found_at]):
        by_spelling.setdefault(term_of[token], {}).setdefault(spelling, []).append(Match(i, i + 1, -1))
    options = {}
    for target, found in wanted.items():
        options[target] = []
        for term, df in found:
            spelled = [m for spelling, matches in by_spelling.get(term, {}).items()
                       if _spelled_in(spelling, index.texts[target]) for m in matches]
            if spelled:
                options[target].append(Option((term,), "shared", sorted(spelled), df, 1))
    return options


@lru_cache(maxsize=1 << 16)   # neighbours share the same distinctive terms with many pages (str hashes are cached)
def _spelled_in(spelling: str, text: str) -> bool:
    return spelling in text


def rank_targets(index: LinkIndex, source: int) -> tuple[list[Ranked], PageWords, list[int], list[int]]:
    """Every target worth linking from `source`, best first, with the page's tokens and their offsets."""
    starts, ends = token_offsets(index.texts[source])
    words, ids = PageWords(index.texts[source], starts, ends), index.tokens.page(source)
    options = _mention_options(index, source, words, ids)
    unmentioned = [int(t) for t in index.neighbours[source]
                   if t >= 0 and int(t) not in options and linkable(index, source, int(t))]
    source_row = spread_row(index.model.matrix, source)
    options.update(_shared_term_options(index, source_row, unmentioned, words, ids))
    targets = sorted(options)
    ranked, pages, totals = [], int(index.is_source.sum()), {}
    dictionary = index.dictionary if index.dictionary.known else None
    cosines = dict(zip(targets, row_dots(index.model.matrix, targets, source_row)))
    title_similarities = row_dots(index.model.titles, targets, source_row)
    lifts, linking = _neighbour_lifts(index, source, targets)
    for target, title_similarity, lift, linked in zip(targets, title_similarities, lifts, linking):
        similarity = cosines[target]
        found = [o for o in options[target] if o.kind != "shared" or similarity >= SHARED_MIN_SIMILARITY]
        for option in found:
            option.strength = _option_strength(
                pages, option, _ambiguity(index, source, option, float(similarity), source_row, totals, cosines),
                dictionary.link_odds(option.key, target, option.df) if dictionary and linked_to(index, target)
                else None)
        found.sort(key=lambda o: (-o.strength, o.key, not o.exact))
        score = _link_score(float(similarity), float(title_similarity), found,
                            _target_logit(lift, found) if dictionary else 0.0)
        ranked.append(Ranked(target, round(min(1.0, score), 4), float(similarity), found, float(title_similarity),
                             lift, linked))
    ranked.sort(key=lambda r: (-r.score, r.target))
    return ranked, words, starts.tolist(), ends.tolist()   # lists: placement reads single offsets


def _target_logit(lift: float, options: list[Option]) -> float:
    """With the site's links given, what a target's evidence adds beyond its best anchor: how much more the
    source's neighbours link it than the site does, and each further name of it the page uses (a page that
    mentions three functions a reference page defines is about that page's topic, not passing by a word)."""
    return DICTIONARY_WEIGHTS["neighbour_lift"] * lift + DICTIONARY_WEIGHTS["names"] * math.log(names_used(options))


def names_used(options: list[Option]) -> int:
    """How many different phrases naming the target (not mere shared vocabulary) the page uses, at least 1."""
    return max(1, len({option.key for option in options if option.kind in NAME_KINDS}))


def _neighbour_lifts(index: LinkIndex, source: int, targets: list[int]) -> tuple[list[float], list[int]]:
    """Each target's neighbourhood lift and how many of the source's neighbours link it (0 and 0 when the
    site's links are not given: cold-start scores are untouched)."""
    if index.neighbourhood is None:
        return [0.0] * len(targets), [0] * len(targets)
    return index.neighbourhood.lifts(index.neighbours[source], index.neighbour_sims[source], targets)


def pick_occurrence(text: str, option: Option, starts: list[int], ends: list[int],
                     taken: list[tuple[int, int]], allowed=None, weigh: bool = True) -> tuple[int, int] | None:
    """The occurrence (character span) in the most running-text-like sentence that overlaps no chosen anchor
    (with weigh=False: the first free one, enough to know that the option can be placed at all).

    Only the first few free occurrences are weighed: links belong near the first mention anyway.
    """
    free = []
    checked = OCCURRENCES_CHECKED if weigh else 1
    for match in option.matches:
        span = (int(starts[match.start]), int(ends[match.end - 1]))
        if allowed is not None and not allowed(*span):
            continue
        if not any(span[0] < end and start < span[1] for start, end in taken):
            free.append(span)
            if len(free) == checked:
                break
    if len(free) <= 1:
        return free[0] if free else None
    scores = [prose_score(text, *span) for span in free]
    return free[scores.index(max(scores))]


def grow_to_title(index: LinkIndex, text: str, target: int, span: tuple[int, int], starts: list[int],
                  ends: list[int], taken: list[tuple[int, int]]) -> tuple[int, int]:
    """The anchor grown, word by word on either side, as long as it still stands in the target's title or H1
    ("Appendix" -> "Appendix B", "Backup" -> "Backup Strategies"): never cut inside the target's name."""
    title = f" {index.titles[target]} | {index.h1s[target]} ".lower()
    first = bisect_left(starts, span[0])
    last = bisect_left(ends, span[1])
    if first >= len(starts) or last >= len(ends) or int(starts[first]) != span[0] or int(ends[last]) != span[1]:
        return span
    grown = True
    while grown:
        grown = False
        for a, b in ((first - 1, last), (first, last + 1)):
            if a < 0 or b >= len(starts):
                continue
            wider = (int(starts[a]), int(ends[b]))
            phrase = text[wider[0]:wider[1]].lower()
            if (f" {phrase} " in title or f" {phrase}:" in title) and \
                    not any(wider[0] < end and start < wider[1] for start, end in taken):
                first, last, span, grown = a, b, wider, True
                break
    return span


def widen_single_word(index: LinkIndex, text: str, target: int, span: tuple[int, int], starts: list[int],
                       ends: list[int], words: PageWords, taken: list[tuple[int, int]]) -> tuple[int, int]:
    """A one-word anchor grows by its neighbour word when the target uses the same two words ("paper" ->
    "paper filters"): a descriptive anchor tells the reader more about the target."""
    i = bisect_left(starts, span[0])
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
        target_text = target_text if target_text is not None else lowered_text(index.texts[target])
        if text[wider[0]:wider[1]].lower() in target_text:
            return wider
    return span
