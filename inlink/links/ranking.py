"""Ranking one source page's targets: anchor options (mentions, shared terms), their evidence and a 0-1 score
(where an anchor then stands in the page, and how far it reaches: spans.py).

Why a log-linear score: each generic signal (topical similarity, how much the page talks about the target's
title, the kind of anchor evidence, how specific the phrase is across the site) adds log-odds, so one strong
signal can carry a link and none is ever a hard rule.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from inlink.links.anchors import KINDS
from inlink.links.index import LinkIndex, page_see_also
from inlink.links.link_lists import adjacent_titles, listed_targets, see_also_targets
from inlink.links.mentions import SHARED, PageOptions, page_options
from inlink.links.naming import numbered_origin, numbered_reaches
from inlink.links.placement import referred_to
from inlink.links.sections import site_quotes_titles
from inlink.links.similarity import row_dot, row_dots, row_views, spread_row
from inlink.links.text import tokens
from inlink.links.tokens import PageWords

# Log-odds added by each kind of anchor evidence (inbound anchors are what people already link with).
KIND_LOGIT = {"inbound": 3.5, "title": 2.5, "h1": 2.5, "head": 2.5, "defined": 2.5, "key": -0.5, "shared": 0.0,
              "section": 2.5, "numbered": 2.5}
_KIND_LOGITS = np.array([KIND_LOGIT[kind] for kind in KINDS])   # by kind code
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
NAME_KINDS = ("inbound", "title", "h1", "head", "defined", "section", "numbered")   # the evidence that names a target
VOCABULARY_KINDS = ("shared", "key")   # anchors found by vocabulary alone, not by a name of the target
_NAME_CODES = np.array([kind in NAME_KINDS for kind in KINDS])   # by kind code
_TITLE_CODES = np.array([kind in ("title", "h1") for kind in KINDS])
NUMBERED = KINDS.index("numbered")
SECTION = KINDS.index("section")
DEFINED_CODE = KINDS.index("defined")
_RECASED_CODES = np.array([kind in ("defined", "head") for kind in KINDS])   # one-word names: see _recased_names
SCORE_BIAS = -0.5          # centres the logistic score so a typical good suggestion lands near 0.5-0.8
SHARED_MIN_SIMILARITY = 0.1  # a single shared word is only offered between pages whose topics clearly overlap
LISTED_LOGIT = 3.0         # added to the score's logit of a target a list of links names (link_lists.py)
CITED_LOGIT = LISTED_LOGIT  # ... and of one the page cites by its number ("see Section 7.6": _cited_by_number)
CONTENDER_MARGIN = 1e-3    # a target's score is computed exactly when its quick estimate is this close to the cut


@dataclass
class Option:
    """One way to anchor a link to a target: a phrase of a given kind and its occurrences in the source."""
    key: tuple[str, ...]     # the phrase's lowercased tokens
    kind: str
    spans: list[tuple[int, int]]   # the occurrences in the source, as character spans in text order
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
    names: int = 1                # different phrases naming the target the page uses, at least 1 (links given)
    links_back: bool = False      # the target already links the source (links given)
    coupled: float = 0.0          # log lift of the share of the pages linking what the source links that do
    listed: bool = False          # the page names it in a list of links (link_lists.listed_targets)


def linked_to(index: LinkIndex, target: int) -> bool:
    """Whether the site links to the target at all. The anchor dictionary's silence about an orphan page (no
    existing link points to it) says that the page is neglected, not that its name is a word the site never
    links: finding those links is what the analyst is here for, so the link odds weigh only for linked pages
    (and for a phrase the site links elsewhere, see weighs_links)."""
    return bool(index.inbound_before[target])


def weighs_links(index: LinkIndex, target: int, key: tuple[str, ...]) -> bool:
    """Whether the site's links speak to linking the phrase `key` to the target (their link odds and the
    recovery confidence weigh): the site links the target (linked_to), or it links this very phrase to other
    pages. An orphan named by a phrase the site links elsewhere ("xmlrpc.server", linked five times to its
    module's page and found as a heading of a release-notes page nothing links to) is no neglected page's own
    name: the site has told which page the phrase means."""
    return linked_to(index, target) or _phrase_linked(index, key)


def _phrase_linked(index: LinkIndex, key: tuple[str, ...]) -> bool:
    """Whether any existing link has the phrase for anchor (the anchor dictionary has it)."""
    return index.dictionary.sources.get(key, 0) > 0


@lru_cache(maxsize=1 << 16)
def _specificity(pages: int, df: int) -> float:
    """1 for a phrase only a page or two mention, falling towards 0 for one that every page mentions."""
    pages, df = max(2, pages), max(1, df)
    return float(min(1.0, math.log(pages / df) / math.log(pages))) if pages > df else 0.0


def _lesser_declarations(index: LinkIndex, source: int, found, source_row: np.ndarray,
                         cosines: dict[int, float], entries: dict[int, int]) -> np.ndarray:
    """Per option row: a name several pages declare, for a target that is not the page's likeliest one (the
    closest to the source, each page's closeness raised by the other names it alone declares that the source
    mentions: _entries_named), among the indexable pages declaring it. Such a row is no anchor: the name means the
    likeliest page's entry even where another anchor of this page links that page already, so it never falls to
    the next page declaring it (Django's forms reference linked CharField to the form fields, then EmailField to
    the model fields: 41 medium rows to the wrong one of its two field references). Cold start only: with the
    site's links given, their anchors say which page the site means."""
    lesser = np.zeros(len(found.target), dtype=bool)
    rows = ((found.senses > 1) & (found.phrase >= 0) & (found.kind == DEFINED_CODE)).nonzero()[0]
    if not len(rows):
        return lesser
    matcher, likeliest = index.phrase_matcher(), {}
    for row, phrase, target in zip(rows.tolist(), found.phrase[rows].tolist(), found.target[rows].tolist()):
        if phrase not in likeliest:
            lo, hi = int(matcher.target_ptr[phrase]), int(matcher.target_ptr[phrase + 1])
            senses = zip(matcher.target_ids[lo:hi].tolist(), matcher.target_kinds[lo:hi].tolist())
            weights = {t: _sense_weight(index, t, source_row, cosines, entries) for t, kind in senses
                       if kind == DEFINED_CODE and t != source and index.is_target[t]}
            top = max(weights.values(), default=0.0)
            likeliest[phrase] = {t for t, weight in weights.items() if weight >= top}
        lesser[row] = target not in likeliest[phrase]
    return lesser


def _sense_weight(index: LinkIndex, target: int, source_row: np.ndarray, cosines: dict[int, float],
                  entries: dict[int, int]) -> float:
    """How likely the page means `target` by a name several pages share: its cosine with the page, raised by the
    names it alone declares that the page mentions (_entries_named)."""
    return max(1e-3, _cosine(index, target, source_row, cosines)) * (1 + entries.get(target, 0))


def _entries_named(found) -> dict[int, int]:
    """Per target, how many names it alone declares the page mentions (rows of kind "defined" whose phrase names
    one page): the reference whose other entries the page talks about."""
    rows = ((found.kind == DEFINED_CODE) & (found.senses == 1) & (found.phrase >= 0)).nonzero()[0]
    return dict(Counter(found.target[rows].tolist()))


def _ambiguities(index: LinkIndex, source: int, phrases: list[int], similarities: list[float],
                 source_row: np.ndarray, cosines: dict[int, float], targets: list[int],
                 entries: dict[int, int]) -> list[float]:
    """How little each phrase naming several pages says about its row's target (of the given similarity): -log
    of the target's share of their similarity to the source (the source itself left out); log of their number
    when all are equally close.

    Why: word-sense disambiguation by context; of two pages titled "Introduction", the reader of this page
    most likely means the one on its own topic, so that one keeps most of the phrase's evidence.
    Each phrase's sum is found once for the page; `cosines` caches each target's cosine.
    """
    totals: dict[int, float] = {}
    found = []
    for phrase, similarity, target in zip(phrases, similarities, targets):
        total = totals.get(phrase)
        if total is None:
            senses = [t for t in index.phrases.phrases[phrase].targets if t != source]
            total = totals[phrase] = sum(_sense_weight(index, t, source_row, cosines, entries) for t in senses)
        found.append(math.log(max(1.0, total / max(1e-3, similarity * (1 + entries.get(target, 0))))))
    return found


def _cosine(index: LinkIndex, target: int, source_row: np.ndarray, cache: dict) -> float:
    """The target's TF-IDF cosine with the source page, computed once per page (`cache`: target -> cosine)."""
    if target not in cache:
        cache[target] = row_dots(index.model.matrix, [target], source_row, _matrix_views(index))[0]
    return cache[target]


def _link_score(similarity: float, title_similarity: float, strength: float, extra: float = 0.0) -> float:
    """0-1 score: a logistic blend of topical similarity, how much the source talks about the target's title,
    the best anchor's evidence (its strength) and (links given) the target's own evidence (`extra`, see
    _target_logits)."""
    logit = (WEIGHTS["similarity"] * math.log(similarity + 1e-3)
             + WEIGHTS["title_similarity"] * math.log(title_similarity + 1e-2) + strength + SCORE_BIAS)
    if extra:
        logit += extra
    return 1.0 / (1.0 + math.exp(-logit))


@dataclass
class Scored:
    """One source page's targets scored (score_targets): the option rows as arrays, the best targets in order with
    their evidence, and each one's usable rows. ranked_items makes objects of the targets a caller keeps."""
    found: PageOptions
    words: PageWords
    targets: list[int]            # the best targets, best first
    scores: list[float]
    similarity: list[float]
    title_similarity: list[float]
    lifts: list[float]
    linking: list[int]
    names: list[int]
    back: list[bool]
    coupled: list[float]
    rows: list[list[int]]         # per target, its usable option rows (in row order)
    strength: np.ndarray          # per option row
    specificity: np.ndarray
    ambiguity: np.ndarray
    speaks: np.ndarray            # per option row: the site's links weigh it (weighs_links)
    link_odds: np.ndarray         # per option row: phrase_link_odds where the links weigh it, else 0
    source_row: np.ndarray        # the page's TF-IDF row, spread (similarity.spread_row)
    listed: list[bool] | None = None   # per kept target: named in a list of links (link_lists.listed_targets)


def score_targets(index: LinkIndex, source: int, limit: int | None = None) -> Scored:
    """Every target of the page scored (only the best `limit` kept, in order), with no object made per option:
    a caller that can tell from the arrays which targets cannot make its cut (evidence.best_logits) has
    ranked_items make objects of the others only."""
    source_row = spread_row(index.model.matrix, source)
    found, words = page_options(index, source, source_row)
    targets = found.targets
    position = np.searchsorted(targets, found.target)
    counts = np.bincount(position, minlength=len(targets))
    similarities = _dots(index, "matrix", targets, counts > 0, source_row)   # a target with no row scores 0
    similarity = np.array(similarities, dtype=np.float64)[position]
    usable = ((found.kind != SHARED) | (similarity >= SHARED_MIN_SIMILARITY)) & ~_recased_names(index, found) \
        & _numbers_reach(index, source, found) & _sections_referred(index, source, found)
    cosines, entries = {t: s for t, s in zip(targets, similarities) if s is not None}, _entries_named(found)
    strength, specificity, ambiguity, speaks, link_odds = _strengths(index, source, found, similarity, source_row,
                                                                     cosines, entries)
    if not index.dictionary.known:   # with the site's links, their anchors say which page it means (as own_declaration)
        usable &= ~_lesser_declarations(index, source, found, source_row, cosines, entries)
    rows = position.argsort(kind="stable")                   # each target's rows together, in row order
    bounds = np.concatenate(([0], counts.cumsum()))
    best = np.full(len(targets), -np.inf)
    if len(rows):
        best[counts > 0] = np.maximum.reduceat(np.where(usable, strength, -np.inf)[rows], bounds[:-1][counts > 0])
    title_similarities = _dots(index, "titles", targets, best > -np.inf, source_row)
    lifts, linking = _neighbour_lifts(index, source, targets)
    extras, names = _target_logits(index, found, usable, rows, bounds, lifts)
    listed = _listed(index, source, found, usable)
    if listed and not index.dictionary.known:   # a list of links names them: ranked with the page's surest targets
        # (with links given, a list's unlinked names keep the rank their evidence gives: raised, django recovery
        # P@5 fell 0.278 -> 0.276)
        extras = [extra + LISTED_LOGIT * (target in listed) for extra, target in zip(extras, targets)]
    cited = _cited_by_number(index, found, usable)
    if cited:
        extras = [extra + CITED_LOGIT * (target in cited) for extra, target in zip(extras, targets)]
    tops = best.tolist()
    scores = {i: round(min(1.0, _link_score(similarities[i], title_similarities[i], tops[i], extras[i])), 4)
              if tops[i] > -np.inf else 0.0 for i in _contenders(similarities, title_similarities, best, extras, limit)}
    order = sorted(scores, key=lambda i: (-scores[i], targets[i]))[:limit]
    kept = [targets[i] for i in order]
    back, coupled = _graph_evidence(index, source, kept)
    bounds, usable = bounds.tolist(), usable.tolist()
    return Scored(found, words, kept, [scores[i] for i in order],
                  [_similarity(index, "matrix", similarities[i], targets[i], source_row) for i in order],
                  [_similarity(index, "titles", title_similarities[i], targets[i], source_row) for i in order],
                  [lifts[i] for i in order], [linking[i] for i in order], [names[i] for i in order], back, coupled,
                  [[r for r in rows[bounds[i]:bounds[i + 1]].tolist() if usable[r]] for i in order],
                  strength, specificity, ambiguity, speaks, link_odds, source_row,
                  [targets[i] in listed for i in order])


def _listed(index: LinkIndex, source: int, found: PageOptions, usable: np.ndarray) -> set[int]:
    """The targets a list of links on the page names: its "See also" lists' (link_lists.see_also_targets), and its
    list items' (HTML input: link_lists.listed_targets), or, on plain text in cold start, runs of titles with
    nothing else between them (link_lists.adjacent_titles)."""
    spans = (found.span_ptr, found.span_starts, found.span_ends)
    text = index.texts[source]
    # a list of links spells the pages' names as they are written: a list of lowercase words that happen to be
    # titles ("data types, functions, operators" a reader may add) is part of the prose (Postgres high tier +0.001)
    naming = usable & _NAME_CODES[found.kind] & found.exact
    linked = _links_already(index, source) if index.dictionary.known else None
    listed = see_also_targets(page_see_also(index, source), text, found.target, naming, spans, linked)
    if index.own_blocks is not None and index.own_blocks[source]:
        return listed | listed_targets(text, index.blocks[source], found.target, naming, spans, linked)
    if index.dictionary.known:
        return listed
    titled = usable & _TITLE_CODES[found.kind] & found.exact
    return listed | adjacent_titles(text, found.target, titled, spans) if titled.any() else listed


def _cited_by_number(index: LinkIndex, found: PageOptions, usable: np.ndarray) -> set[int]:
    """The targets the page cites by a number that is theirs alone ("see Section 7.6", "Table 28.2", "Chapter 13"
    of a manual numbering one page per chapter: naming.register_numbers), cold start. Such a reference is the
    author's own pointer to that page, however little the two pages share: ranked with the page's surest targets
    (as a list of links' names), not by topical closeness, which put a passing mention of a close page's title
    above it. On the held-out manuals that cite so, such rows (fifteen a page) were real links 1,828 times in 1,844,
    yet 277 stood below the page's fifth row, 276 of them real (a reference manual's "see Section 7.6" under the
    commands its sentences name); on the development corpora, 8 in 8 (django's tutorial parts, 3 below the fifth
    row). A number the site's URLs file several pages under ("Chapter 10" of ch10-00, ch10-01, ...:
    row_confidence.capped) may mean any of them: not raised.
    With the site's links given, their anchors say how the site links its numbers instead."""
    if index.dictionary.known or not index.numbers:
        return set()
    rows = ((found.kind == NUMBERED) & usable).nonzero()[0].tolist()
    phrases = index.phrases.phrases
    return {target for row in rows for target in [int(found.target[row])]
            if numbered_origin(index, phrases[int(found.phrase[row])].key, target)[1] == 1}


def _links_already(index: LinkIndex, source: int):
    """Whether a text (a list item) is a name of a page the source already links (link_lists.listed_targets)."""
    phrases, existing = index.phrases, index.existing

    def linked(text: str) -> bool:
        key = tuple(token.lower() for token in tokens(text))
        return any((source, target) in existing
                   for pid in phrases.ids_for(key) for target in phrases.phrases[pid].targets)
    return linked


def _similarity(index: LinkIndex, name: str, value: float | None, target: int, source_row: np.ndarray) -> float:
    """A cosine _dots gave, or (None: it was not needed to rank) the target's row's with the source."""
    return value if value is not None else row_dot(getattr(index.model, name), target, source_row)


def ranked_items(index: LinkIndex, scored: Scored, keep: list[bool] | None = None) -> list[Ranked]:
    """The scored targets (those `keep` says, when given) as Ranked objects, with their options best first."""
    found, phrases, mentions, ranked = scored.found, index.phrases.phrases, scored.found.mentions, []
    strength, specificity, ambiguity = scored.strength.tolist(), scored.specificity.tolist(), \
        scored.ambiguity.tolist()
    kind, df, senses, exact, phrase = (part.tolist() for part in (found.kind, found.df, found.senses, found.exact,
                                                                  found.phrase))
    for j, target in enumerate(scored.targets):
        if keep is not None and not keep[j]:
            continue
        options = [Option(phrases[phrase[r]].key if phrase[r] >= 0 else (found.shared_terms[r - mentions],),
                          KINDS[kind[r]], found.spans(r), df[r], senses[r], exact[r], strength[r], phrase[r],
                          specificity[r], ambiguity[r])
                   for r in scored.rows[j]]
        if len(options) > 1:
            options.sort(key=_option_order)
        ranked.append(Ranked(target, scored.scores[j], scored.similarity[j], options, scored.title_similarity[j],
                             scored.lifts[j], scored.linking[j], scored.names[j], scored.back[j], scored.coupled[j],
                             bool(scored.listed and scored.listed[j])))
    return ranked


def _numbers_reach(index: LinkIndex, source: int, found: PageOptions) -> np.ndarray:
    """Per option row: False for a numbered reference ("Chapter 3") whose numbering does not reach the source (a
    site numbering several books alike names, in each folder, that folder's page: naming.numbered_reaches), so the
    target is neither ranked nor weighed for it."""
    reach = np.ones(len(found.kind), dtype=bool)
    if not index.numbers:
        return reach
    phrases = index.phrases.phrases
    for r in (found.kind == NUMBERED).nonzero()[0].tolist():
        reach[r] = numbered_reaches(index, phrases[int(found.phrase[r])].key, int(found.target[r]), source)
    return reach


def _sections_referred(index: LinkIndex, source: int, found: PageOptions) -> np.ndarray:
    """Per option row: False for a section's heading (sections.register_headings: a site that does not quote the
    titles it cites) that the page never refers the reader to as written ("see Library Dependencies":
    placement.referred_to), so the words used as a term neither rank nor weigh the section's page."""
    referred = np.ones(len(found.kind), dtype=bool)
    if site_quotes_titles(index):
        return referred
    text, phrases = index.texts[source], index.phrases.phrases
    for r in (found.kind == SECTION).nonzero()[0].tolist():
        heading = phrases[int(found.phrase[r])].original
        referred[r] = any(referred_to(text, int(start), int(end), heading) for start, end in found.spans(r))
    return referred


def _recased_names(index: LinkIndex, found: PageOptions) -> np.ndarray:
    """Per option row: a one-word name (a name the target declares, the head of its title) matched in another
    capitalisation ("charset" for the setting CHARSET, "JSON" the format for the json module, "Locale" for
    locale): an identifier is spelled one way, so another spelling is the everyday word, not the name (4-8% of
    such rows were real links on the development corpora). A title in lowercase still names its page. With the
    site's links given, their link odds say how its editors treat the word instead (none marked)."""
    rows = (_RECASED_CODES[found.kind] & ~found.exact).nonzero()[0]
    if not len(rows) or index.dictionary.known:
        return np.zeros(len(found.kind), dtype=bool)
    mask = np.zeros(len(found.kind), dtype=bool)
    mask[rows[index.phrase_matcher().words(found.phrase[rows]) == 1]] = True
    return mask


def _option_order(option: Option) -> tuple:
    """A target's options best first: the strongest, then by key, the exact spelling first."""
    return -option.strength, option.key, not option.exact


def _contenders(similarities: list, title_similarities: list, best: np.ndarray, extras: list[float],
                limit: int | None) -> list[int]:
    """The positions of the targets that may be among the best `limit` by score: those whose score, computed
    with numpy's logarithms (within 1e-12 of Python's), lies within CONTENDER_MARGIN of the limit-th best; any
    other one scores below at least `limit` targets even once scores are rounded to 4 places, so its exact
    score is never needed."""
    if limit is None or len(best) <= limit:
        return list(range(len(best)))
    approx = np.zeros(len(best))
    at = (best > -np.inf).nonzero()[0]
    if len(at):
        picked = at.tolist()
        logit = (WEIGHTS["similarity"] * np.log(np.array([similarities[i] for i in picked]) + 1e-3)
                 + WEIGHTS["title_similarity"] * np.log(np.array([title_similarities[i] for i in picked]) + 1e-2)
                 + best[at] + SCORE_BIAS + np.asarray(extras, dtype=np.float64)[at])
        with np.errstate(over="ignore"):
            approx[at] = 1.0 / (1.0 + np.exp(-logit))
    bar = np.partition(approx, len(approx) - limit)[len(approx) - limit]
    return (approx >= bar - CONTENDER_MARGIN).nonzero()[0].tolist()


def _dots(index: LinkIndex, name: str, targets: list[int], wanted: np.ndarray, source_row: np.ndarray,
          ) -> list[float | None]:
    """The cosine of each wanted target with the source (None for the others), with the TF-IDF rows (name
    "matrix": their views kept for the run, see row_dots) or the titles' rows ("titles": a few terms each)."""
    matrix = getattr(index.model, name)
    views = _matrix_views(index) if name == "matrix" else None
    found: list[float | None] = [None] * len(targets)
    at = wanted.nonzero()[0].tolist()
    for i, value in zip(at, row_dots(matrix, [targets[i] for i in at], source_row, views)):
        found[i] = value
    return found


def _matrix_views(index: LinkIndex) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The TF-IDF rows' columns and values as views (similarity.row_views), made once for the run."""
    views = index.derived.get("matrix_views")
    if views is None:
        views = index.derived["matrix_views"] = row_views(index.model.matrix)
    return views


def _target_logits(index: LinkIndex, found: PageOptions, usable: np.ndarray, rows: np.ndarray, bounds: np.ndarray,
                   lifts: list[float]) -> tuple[list[float], list[int]]:
    """With the site's links given, what each target's evidence adds beyond its best anchor: how much more the
    source's neighbours link it than the site does, and each further name of it the page uses (a page that
    mentions three functions a reference page defines is about that page's topic, not passing by a word);
    with the number of those names (different phrases of a naming kind, at least 1), which the recovery
    confidence weighs too. All 0 (and 1) without links: cold-start scores are untouched."""
    if not index.dictionary.known:
        return [0.0] * len(lifts), [1] * len(lifts)
    naming = (usable & _NAME_CODES[found.kind])[rows]
    owner = np.arange(len(lifts)).repeat(bounds[1:] - bounds[:-1])[naming]   # each naming row's target, by position
    keys = index.phrase_matcher().key_of[found.phrase[rows][naming]]   # a phrase's key: its trie node
    width = int(keys.max()) + 1 if len(keys) else 1
    pairs = owner * width + keys
    pairs.sort()   # the distinct (target, key) pairs counted by target (np.unique's checks cost more than its work)
    distinct = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))] if len(pairs) else pairs
    names = np.maximum(np.bincount(distinct // width, minlength=len(lifts)), 1).tolist()
    return [DICTIONARY_WEIGHTS["neighbour_lift"] * lift + DICTIONARY_WEIGHTS["names"] * math.log(count)
            for lift, count in zip(lifts, names)], names


def _graph_evidence(index: LinkIndex, source: int, targets: list[int]) -> tuple[list[bool], list[float]]:
    """What the site's links say of the kept targets (links given; else False and 0): whether each links the
    source back, and each one's coupling lift (neighbourhood.LinkNeighbourhood.coupled)."""
    hood = index.neighbourhood
    if hood is None or hood.in_ptr is None:
        return [False] * len(targets), [0.0] * len(targets)
    return hood.links_back(source, targets), hood.coupled(source, targets)[0]


def _neighbour_lifts(index: LinkIndex, source: int, targets: list[int]) -> tuple[list[float], list[int]]:
    """Each target's neighbourhood lift and how many of the source's neighbours link it (0 and 0 when the
    site's links are not given)."""
    if index.neighbourhood is None:
        return [0.0] * len(targets), [0] * len(targets)
    return index.neighbourhood.lifts(index.neighbours[source], index.neighbour_sims[source], targets)


def _strengths(index: LinkIndex, source: int, found: PageOptions, similarity: np.ndarray, source_row: np.ndarray,
               cosines: dict[int, float], entries: dict[int, int],
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Log-odds that each option's phrase names its target (with each one's specificity, ambiguity, whether the
    site's links weigh it and its link odds, which the confidence weighs too): kind of
    evidence, specificity, length, ambiguity, and (when the site's links are given and the site links to the
    target at all, or the phrase elsewhere: weighs_links) how often the site links the phrase to the target where it
    mentions it.

    Computed for all of a page's options at once, in the order of operations of one option at a time (so the
    same floats); logarithms are Python's (cached), and a phrase's link odds for a target are kept for the run
    (they depend on the site's links and the phrase's page count only)."""
    pages = index.derived.get("sources")
    if pages is None:
        pages = index.derived["sources"] = int(index.is_source.sum())
    specificity = _by_value(index, "specificity", found.df, lambda df: _specificity(pages, df))
    length = _by_value(index, "log_chars", found.chars, lambda chars: math.log(max(1, chars)))   # chars >= 1
    names = found.exact | (found.kind == KINDS.index("key")) | (found.kind == SHARED)
    kind = np.where(names, _KIND_LOGITS[found.kind], INEXACT_LOGIT)
    ambiguity = np.zeros(len(found.target))
    shared_senses = ((found.senses > 1) & (found.phrase >= 0)).nonzero()[0]
    ambiguity[shared_senses] = _ambiguities(index, source, found.phrase[shared_senses].tolist(),
                                            similarity[shared_senses].tolist(), source_row, cosines,
                                            found.target[shared_senses].tolist(), entries)
    dictionary = index.dictionary
    odds = np.zeros(len(found.target), dtype=bool) if not dictionary.known else \
        index.inbound_before[found.target] != 0     # linked_to, for every row
    if dictionary.known:                            # weighs_links: an orphan's rows whose phrase the site links
        orphans = (~odds).nonzero()[0].tolist()
        odds[orphans] = [_phrase_linked(index, found.key(index, row)) for row in orphans]
    link_odds = np.zeros(len(found.target))
    at = odds.nonzero()[0]
    link_odds[at] = _rows_link_odds(index, found, at)
    weight = np.where(odds, DICTIONARY_WEIGHTS["specificity"], WEIGHTS["specificity"])
    strength = kind + weight * specificity + WEIGHTS["length"] * length - WEIGHTS["ambiguity"] * ambiguity
    return np.where(odds, strength + DICTIONARY_WEIGHTS["link_odds"] * link_odds, strength), specificity, ambiguity, \
        odds, link_odds


def _rows_link_odds(index: LinkIndex, found: PageOptions, rows: np.ndarray) -> list[float]:
    """phrase_link_odds of each of the rows, read from its tables for the run (a row's key is made only when
    its value is missing)."""
    known = index.derived.setdefault("link_odds", {})
    shared = index.derived.setdefault("shared_link_odds", {})
    pids, targets, positions = found.phrase[rows].tolist(), found.target[rows].tolist(), rows.tolist()
    exact = found.exact[rows].tolist()
    terms, mentions, prose = found.shared_terms, found.mentions, index.prose
    values = [known.get((prose.spelling(pid, written), target)) if pid >= 0
              else shared.get((terms[row - mentions], target))
              for pid, target, row, written in zip(pids, targets, positions, exact)]
    for j in [j for j, value in enumerate(values) if value is None]:
        row = positions[j]
        values[j] = phrase_link_odds(index, found.key(index, row), pids[j], targets[j], int(found.df[row]),
                                     exact[j])
    return values


def phrase_link_odds(index: LinkIndex, key: tuple[str, ...], pid: int, target: int, df: int,
                     exact: bool = True) -> float:
    """The anchor dictionary's link odds of a phrase (id `pid`, -1 for a shared term) for a target, counting as
    unlinked only the pages that mention it in prose and could link the target from it
    (dictionary.ProseMentions, counted with the index when links are given), in the spelling the option has
    (`exact`: the phrase's own capitalisation) when the site links the phrase as a name
    (dictionary.linked_spellings); kept for the run (they depend on the site only)."""
    known = index.derived.setdefault("link_odds", {})   # (ProseMentions.spelling, target) -> its link odds
    slot = index.prose.spelling(pid, exact) if pid >= 0 else pid
    value = known.get((slot, target)) if pid >= 0 else None
    if value is None:
        if pid < 0:
            return _shared_link_odds(index, key, target, df)
        value = known[(slot, target)] = index.dictionary.link_odds(key, target, df, index.prose.unlinked(slot, target),
                                                                   otherwise=slot != pid)
    return value


def _shared_link_odds(index: LinkIndex, key: tuple[str, ...], target: int, df: int) -> float:
    """A shared term's link odds for a target, kept for the run: a term is one TF-IDF column, so its page count
    `df` is the same wherever it is asked (a neighbour's shared terms are asked again by the pages close to it)."""
    known = index.derived.setdefault("shared_link_odds", {})   # (term, target) -> its link odds
    value = known.get((key[0], target))
    if value is None:
        value = known[(key[0], target)] = index.dictionary.link_odds(key, target, df)
    return value


def _by_value(index: LinkIndex, name: str, values: np.ndarray, function) -> np.ndarray:
    """function(v) for each of the values (small counts), from a table kept for the run (index.derived) and
    grown to the largest value asked: the same floats as calling it on each value."""
    table = index.derived.get(name)
    largest = int(np.maximum.reduce(values)) if len(values) else 0   # (not ndarray.max: its Python layer)
    if table is None or largest >= len(table):
        known = [] if table is None else table.tolist()
        table = index.derived[name] = np.array(known + [function(v) for v in range(len(known), largest + 1)],
                                               dtype=np.float64)
    return table[values]
