"""The evidence behind one suggestion: the features its confidence is computed from, and the reason an editor
reads (what the target covers, the exact evidence, the tier).

Kept apart from ranking (which orders targets) and suggest (which places anchors) so that the Gemini engine
can score and explain its own picks with the very same features and sentences.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields
from functools import lru_cache

import numpy as np

from inlink.links.anchors import KINDS
from inlink.links.confidence import model_for
from inlink.links.index import LinkIndex
from inlink.links.ranking import NAME_KINDS, Option, Ranked, linked_to, phrase_link_odds, weighs_links
from inlink.links.similarity import top_shared_terms_of_rows

TOPIC_TERMS = 3            # "both pages are about X, Y and Z"
TOPIC_MIN_SIMILARITY = 0.1
TITLE_CHARS = 70
SITE_RATE_FULL = 0.45      # a site linking its best-linked phrases this thoroughly or more has left few links out
SITE_RATE_FLOOR = 0.25     # below it, further than the development corpora went (0.22-0.33 with 30% of links)
_LETTER_RE = re.compile(r"[^\W\d_]")
NEIGHBOURS_FACT_LIFT = math.log(1.5)  # "N of the pages most like this one link to it": told once they link it
                                      # half as often again as the site's pages at large do


def features(index: LinkIndex, item: Ranked, option: Option) -> dict[str, float]:
    """The evidence features of linking item.target with `option` (see confidence.WEIGHTS)."""
    key, target, dictionary = option.key, item.target, index.dictionary
    exact = option.exact
    speaks = dictionary.known and weighs_links(index, target, key)
    return {
        "similarity": math.log(item.similarity + 1e-3),
        "title_similarity": math.log(item.title_similarity + 1e-2),
        "names_title": float(exact and option.kind in ("title", "h1")),
        "names_head": float(exact and option.kind == "head"),
        "names_inexact": float(not exact and option.kind in NAME_KINDS),
        "defines": float(option.kind == "defined"),
        "key_phrase": float(option.kind == "key"),
        "shared": float(option.kind == "shared"),
        "specificity": option.specificity,
        "ambiguity": option.ambiguity,
        "words": float(len(key) - 1),
        "thin_target": float(index.thin is not None and bool(index.thin[target])),
        "dictionary_links": math.log1p(dictionary.links_to(key, target)),
        "exact": float(exact),
        "link_odds": phrase_link_odds(index, key, option.phrase, target, option.df, exact) if speaks else 0.0,
        # the recovery model weighs a left-out link; the site's links say nothing about a page they never reach
        # (an orphan), so a link to it gets the cold-start confidence (is this a link an editor makes?), unless
        # its phrase is one the site links to other pages (weighs_links)
        "links_given": float(speaks),
        "site_rate": _site_rate(dictionary.site_rate) if dictionary.known else 0.0,
        "neighbour_lift": item.neighbour_lift,
        "names": math.log(item.names),
        "links_back": float(item.links_back),
        "coupled": item.coupled,
    }


def option_logits(index: LinkIndex, item: Ranked) -> list[float]:
    """The confidence logit (confidence.evidence_logit) of each of the item's options, within 1e-9: the same
    weighted features summed in another order, the target's share once and each option's own share added.

    Why: most of a page's ranked targets fall below the confidence floor whatever anchor they take, and telling so
    from their options costs a fraction of placing an anchor and weighing its features (tests check that the two
    agree, so a feature changed in features() must be changed here too)."""
    target, dictionary = item.target, index.dictionary
    known = dictionary.known
    linked = known and linked_to(index, target)
    bases: dict[bool, float] = {}
    logits = []
    for option in item.options:
        speaks = linked or (known and weighs_links(index, target, option.key))   # the model weighing this option
        w = _weights(speaks)
        if speaks not in bases:
            bases[speaks] = _target_logit(index, item, w, speaks)
        logit = bases[speaks] + w.kinds[option.kind, option.exact] + w.specificity * option.specificity \
            + w.ambiguity * option.ambiguity + w.words * (len(option.key) - 1)
        if w.dictionary_links:
            logit += w.dictionary_links * math.log1p(dictionary.links_to(option.key, target))
        if w.link_odds and speaks:
            logit += w.link_odds * phrase_link_odds(index, option.key, option.phrase, target, option.df,
                                                    option.exact)
        logits.append(logit)
    return logits


def _target_logit(index: LinkIndex, item: Ranked, w: _Weights, speaks: bool) -> float:
    """What the target's own evidence adds to each of its options' logits under the model `w` (bias included)."""
    dictionary = index.dictionary
    return w.bias + w.similarity * math.log(item.similarity + 1e-3) \
        + w.title_similarity * math.log(item.title_similarity + 1e-2) \
        + w.thin_target * float(index.thin is not None and bool(index.thin[item.target])) \
        + w.links_given * float(speaks) \
        + w.site_rate * (_site_rate(dictionary.site_rate) if dictionary.known else 0.0) \
        + w.neighbour_lift * item.neighbour_lift + w.names * math.log(item.names) \
        + w.links_back * float(item.links_back) + w.coupled * item.coupled


@dataclass(frozen=True)
class _Weights:
    """One confidence model's weights as option_logits reads them (0 for a feature the model does not weigh),
    with what each (kind, exact) pair of an option adds (the features' yes/no evidence)."""
    bias: float
    similarity: float
    title_similarity: float
    thin_target: float
    links_given: float
    site_rate: float
    neighbour_lift: float
    names: float
    links_back: float
    coupled: float
    specificity: float
    ambiguity: float
    words: float
    dictionary_links: float
    link_odds: float
    kinds: dict[tuple[str, bool], float]


@lru_cache(maxsize=2)
def _weights(links_given: bool) -> _Weights:
    """The weights of the model weighing with or without the site's links (constants, so read once)."""
    weights, bias = model_for(links_given)
    weight = weights.get
    kinds = {(kind, exact): weight("names_title", 0.0) * float(exact and kind in ("title", "h1"))
             + weight("names_head", 0.0) * float(exact and kind == "head")
             + weight("names_inexact", 0.0) * float(not exact and kind in NAME_KINDS)
             + weight("defines", 0.0) * float(kind == "defined") + weight("key_phrase", 0.0) * float(kind == "key")
             + weight("shared", 0.0) * float(kind == "shared") + weight("exact", 0.0) * float(exact)
             for kind in KINDS for exact in (False, True)}
    per_feature = [weight(field.name, 0.0) for field in fields(_Weights)[1:-1]]
    return _Weights(bias, *per_feature, kinds=kinds)


def _site_rate(rate: float | None) -> float:
    """How far (log) below a thoroughly linked site the site's rate is: 0 for a thoroughly linked site, negative
    for one that left many links out. One-sided, so a site that links even more thoroughly than the development
    corpora is not taken for one with hardly any link left out."""
    if rate is None:
        return 0.0
    return math.log(min(SITE_RATE_FULL, max(SITE_RATE_FLOOR, rate)) / SITE_RATE_FULL)


def _target_summary(index: LinkIndex, target: int) -> str:
    """What the target covers, in its own words: its cleaned title (or H1), shortened."""
    title = index.titles[target] or index.h1s[target] or index.urls[target]
    return title if len(title) <= TITLE_CHARS else title[:TITLE_CHARS - 1].rstrip() + "…"


def _quoted_list(terms: list[str]) -> str:
    return terms[0] if len(terms) == 1 else ", ".join(terms[:-1]) + " and " + terms[-1]


def _evidence(index: LinkIndex, item: Ranked, option: Option, anchor: str) -> list[str]:
    """The checkable facts behind the anchor, strongest first."""
    facts, target = [], item.target
    linked = index.dictionary.links_to(option.key, target)
    if linked:
        mentioning = max(linked + 1, option.df)   # this page mentions it too, unlinked
        facts.append(f'the site already links "{anchor}" to this page on {linked} of the {mentioning} '
                     f'page{"s" * (mentioning != 1)} that mention it')
    if option.kind in ("title", "h1") and option.exact:
        facts.append("the anchor is the target's " + ("title" if option.kind == "title" else "main heading"))
    elif option.kind == "head" and option.exact:
        facts.append("the anchor is the name the target's title starts with")
    elif option.kind == "defined":
        facts.append(f'the target defines "{anchor}"')
    elif option.kind in NAME_KINDS and not linked:
        facts.append("the anchor has the words of the target's title" if option.kind != "inbound"
                     else "other pages link to the target with these words")
    elif option.kind == "key":
        facts.append(f'the target uses "{anchor}" more than any other page does')
    elif option.kind == "shared":
        facts.append(f'both pages use "{anchor}", which only {option.df} pages of the site use')
    if item.neighbour_lift >= NEIGHBOURS_FACT_LIFT and item.neighbours_linking >= 2:
        facts.append(f"{item.neighbours_linking} of the pages most like this one link to it")
    if item.links_back:
        facts.append("the target already links to this page")
    return facts


def topic_terms(index: LinkIndex, items: list[Ranked], source_row: np.ndarray) -> dict[int, list[str]]:
    """For each item close enough to the source to name a shared topic: the distinctive terms (used by at most
    a tenth of the site's pages) the two pages share most. All of a page's rows at once (one gather)."""
    targets = [item.target for item in items if item.similarity >= TOPIC_MIN_SIMILARITY]
    columns = top_shared_terms_of_rows(index.model.matrix, targets, source_row, _topic_worthy(index), TOPIC_TERMS,
                                       np.zeros(len(targets), dtype=np.float32))
    return {target: [str(index.model.terms[c]) for c in found] for target, found in zip(targets, columns)}


def _topic_worthy(index: LinkIndex) -> np.ndarray:
    """The shareable terms that can name a topic: a word of two characters or more with a letter in it. Why:
    numbers, times and single letters ("1" of "Part 1", "b" of "Appendix B", "00-05" of a config line) are
    distinctive to two pages without saying what either is about ("Both pages are about 00, 00-05 and 01").
    Reasons only: the shared-term evidence keeps index.shareable_terms. Computed once per run."""
    mask = index.derived.get("topic_worthy")
    if mask is None:
        worded = np.fromiter((len(term) > 1 and _LETTER_RE.search(term) is not None for term in index.model.terms),
                             dtype=bool, count=len(index.model.terms))
        mask = index.derived["topic_worthy"] = index.shareable_terms & worded
    return mask


def reason(index: LinkIndex, item: Ranked, option: Option, anchor: str, confidence: float, tier: str,
           source_row: np.ndarray, topics: dict[int, list[str]] | None = None) -> str:
    """One plain paragraph: what the target covers, the evidence, the shared topic, the tier. `topics`: the
    page's topic_terms, when its rows are explained together."""
    parts = [f'Target: "{_target_summary(index, item.target)}".']
    facts = _evidence(index, item, option, anchor)
    if facts:
        parts.append(facts[0][0].upper() + facts[0][1:] + "".join(f"; {fact}" for fact in facts[1:]) + ".")
    if item.similarity >= TOPIC_MIN_SIMILARITY:
        terms = (topic_terms(index, [item], source_row) if topics is None else topics)[item.target]
        if terms:
            parts.append(f"Both pages are about {_quoted_list(terms)} (similarity {item.similarity:.2f}).")
    if index.thin is not None and index.thin[item.target]:
        parts.append("The target is a short page.")
    parts.append(f"Confidence {confidence:.2f} ({tier}).")
    return " ".join(parts)
