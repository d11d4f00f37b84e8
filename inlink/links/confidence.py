"""Confidence: the chance that an editor keeps a suggestion, from a handful of evidence features, and its tier.

Why a small logistic model: each feature is a piece of evidence an editor would weigh (is the anchor the
target's title? does the site already link this phrase to this page? how close are the two pages?), its
weight says how much it counts, and the sum is a probability that can be checked against real links. Two
sets of weights, fitted once on the two development corpora (bench/fit_confidence.py, both text variants) and
rounded: one for a site given without its links (cold start: is this a link the editors made?) and one for a
site whose links are given (recovery: is this one of the links they left out? far rarer, so the same
evidence is worth less), so a confidence means the same chance in both. Features are site-independent
(log-odds, logs of cosines, yes/no evidence), so the same numbers carry over to other sites. (Refitting the
recovery weights on each site's own links, a share of them held out, was measured and not kept: bench/site_fit.py.)
The floor and tier cut-offs are settings (AnalysisConfig), so "N per page" is a maximum and never a quota.
"""
from __future__ import annotations

import math
from collections.abc import Mapping

from inlink.wording import CONFIDENCE_PLACES

# Fitted weights (log-odds per unit of each feature), see bench/fit_confidence.py.
WEIGHTS: dict[str, float] = {
    "similarity": 1.5,      # log cosine of the two pages' TF-IDF vectors
    "title_similarity": 0.5,# log cosine of the target's title + H1 with the source
    "names_title": 1.5,     # the anchor is the target's title or H1 (its own spelling)
    "names_head": 1.5,      # the anchor is the head of the target's title ("json" of "json — JSON ...")
    "names_inexact": 0.5,   # title/H1/head words in another capitalisation
    "defines": 1.5,         # the target declares the anchor's name (an API entry, a glossary term)
    "key_phrase": -1.0,     # a term the target owns (weighs more there than anywhere else)
    "shared": -1.3,         # a distinctive term both pages use, nothing more
    "specificity": 3.7,     # 1 for a phrase one or two pages mention, 0 for one every page mentions
    "ambiguity": -0.4,      # -log of the target's share among the pages the phrase names
    "words": 0.2,           # number of words in the anchor, minus one
    "thin_target": -2.0,    # the target is near-empty, a stub or a "moved" page
    "dictionary_links": 1.0,# log(1 + pages that already link this phrase to this target): a few links given
}
BIAS = 1.4
# When the site's links are given (its anchor dictionary is known), a new link is one its editors left out:
# far rarer than a link at all, and best told by how often the site links the phrase to the target where it
# mentions it in prose and could link it (a page that links the target already, with another of its names, or the
# target itself, is no page that left the phrase unlinked: dictionary.ProseMentions), by how much more the pages most
# like the source link the target than the site does, and by whether the target links the source back. Its own fit
# (bench/fit_confidence.py), so the confidence keeps meaning the chance of a link the editors keep. Pages that link
# the source (co-citation) were weighed too and added nothing (fitted weight 0.0); the pages that link what the
# source links ("coupled") add a little beside the TF-IDF neighbours.
# How thoroughly the site links its best-linked phrases is not weighed. It was (fitted on the development corpora
# with half their links given, read as "the site left many links out"), but on a real site that rate is its
# editors' style. With 80% of the links given (eval_links' recovery), rows at 0.3-0.7 to targets the links reach
# were hidden links 0-2% of the time on a held-out book that links sparingly (rate 0.23: +3.4 logits) and 9-52% on
# a held-out handbook (0.40: +0.7); without it 33-100% (11 rows) and 26-63%, and django's rows at 0.8-0.9 0.93
# instead of 0.82. Python's rate (0.50) was never weighed.
RECOVERY_WEIGHTS: dict[str, float] = {
    "similarity": 0.6,
    "title_similarity": 0.15,
    "names_title": 2.2,
    "names_head": 1.75,
    "names_inexact": -0.6,
    "defines": 0.2,
    "key_phrase": -1.3,
    "shared": -0.95,
    "specificity": 0.6,
    "ambiguity": -0.55,
    "words": 0.05,
    "thin_target": -0.3,
    "exact": 0.45,          # spelled as the target or the site's anchors spell it
    "link_odds": 1.05,      # log-odds that a page mentioning the phrase in prose, able to link the target, does
    "neighbour_lift": 0.9,  # log of how much more the source's TF-IDF neighbours link the target than all pages do
    "names": 0.65,          # log of the number of different phrases naming the target that the page uses
    "links_back": 0.55,     # the target already links the source (reciprocity)
    "coupled": 0.2,         # log lift of the pages linking what the source links, linking the target
}
RECOVERY_BIAS = -0.6

DEFAULT_MIN_CONFIDENCE = 0.2   # below it, fewer than one row in five is a link the site's editors made
HIGH_CONFIDENCE = 0.87   # on both development corpora (HTML, cold start) rows at or above it are >= 90% real links
                         # (recovery: 0.5-0.8 on 20-40 rows per site, orphan targets included, whose links the
                         # protocol cannot count: a left-out link is rarely that certain)
MEDIUM_CONFIDENCE = 0.5
TIERS = ("high", "medium", "low")


def confidence(features: Mapping[str, float]) -> float:
    """The logistic of the weighted evidence, 0-1, rounded to CONFIDENCE_PLACES (the recovery model when the
    site's links are given): the figure every export, reason and card shows, and the one tiers are cut on."""
    logit = evidence_logit(features)
    return round(1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit)))), CONFIDENCE_PLACES)


def model_for(links_given: bool) -> tuple[dict[str, float], float]:
    """The weights and bias of the model a suggestion is weighed with."""
    return (RECOVERY_WEIGHTS, RECOVERY_BIAS) if links_given else (WEIGHTS, BIAS)


def evidence_logit(features: Mapping[str, float]) -> float:
    """The weighted evidence (log-odds) before the logistic."""
    weights, bias = model_for(bool(features.get("links_given")))
    return bias + sum(weights[name] * float(value) for name, value in features.items() if name in weights)


def floor_logit(floor: float) -> float | None:
    """A logit below which a confidence surely rounds to less than `floor` (its 3 places leave half a thousandth
    either side; a thousandth is kept), or None when any logit may reach it."""
    bar = min(floor, 0.999) - 0.001
    return math.log(bar / (1.0 - bar)) if bar > 0 else None


def tier(value: float, high: float = HIGH_CONFIDENCE, medium: float = MEDIUM_CONFIDENCE) -> str:
    """high / medium / low by the configured cut-offs."""
    if value >= high:
        return "high"
    return "medium" if value >= medium else "low"
