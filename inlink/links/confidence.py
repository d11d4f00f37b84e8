"""Confidence: the chance that an editor keeps a suggestion, from a handful of evidence features, and its tier.

Why a small logistic model: each feature is a piece of evidence an editor would weigh (is the anchor the
target's title? does the site already link this phrase to this page? how close are the two pages?), its
weight says how much it counts, and the sum is a probability that can be checked against real links. The
weights were fitted once on the two development corpora (bench/fit_confidence.py, cold start and recovery
pooled, both text variants) and rounded; features are site-independent (shares, logs of cosines, yes/no
evidence), so the same numbers carry over to other sites. The floor and tier cut-offs are settings
(AnalysisConfig), so "N per page" is a maximum and never a quota.
"""
from __future__ import annotations

import math
from collections.abc import Mapping

# Fitted weights (log-odds per unit of each feature), see bench/fit_confidence.py.
WEIGHTS: dict[str, float] = {
    "similarity": 1.5,        # log cosine of the two pages' TF-IDF vectors
    "title_similarity": 0.5,  # log cosine of the target's title + H1 with the source
    "names_title": 1.5,       # the anchor is the target's title or H1 (its own spelling)
    "names_head": 1.5,        # the anchor is the head of the target's title ("json" of "json — JSON ...")
    "names_inexact": 0.5,     # title/H1/head words in another capitalisation
    "defines": 1.5,           # the target declares the anchor's name (an API entry, a glossary term)
    "key_phrase": -1.0,        # a term the target owns (weighs more there than anywhere else)
    "shared": -1.3,           # a distinctive term both pages use, nothing more
    "specificity": 3.7,       # 1 for a phrase one or two pages mention, 0 for one every page mentions
    "ambiguity": -0.4,        # -log of the target's share among the pages the phrase names
    "words": 0.2,             # number of words in the anchor, minus one
    "dictionary_share": 0.5,  # share of the phrase's site-wide links that go to this target (links given)
    "dictionary_links": 1.0,  # log(1 + pages that already link this phrase to this target)
    "link_probability": 1.5,  # linked occurrences / all occurrences of the phrase in the site (links given)
    "never_linked": -0.3,     # the site has a link dictionary, uses the phrase on several pages, never links it
    "thin_target": -2.0,      # the target is near-empty, a stub or a "moved" page
}
BIAS = 1.4

DEFAULT_MIN_CONFIDENCE = 0.2   # below it, fewer than one row in five is a link the site's editors made
HIGH_CONFIDENCE = 0.87   # on both development corpora (HTML, cold start) rows at or above it are >= 90% real links
MEDIUM_CONFIDENCE = 0.5
TIERS = ("high", "medium", "low")


def confidence(features: Mapping[str, float]) -> float:
    """The logistic of the weighted evidence, 0-1, rounded to 3 places."""
    logit = BIAS + sum(WEIGHTS[name] * float(value) for name, value in features.items() if name in WEIGHTS)
    return round(1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit)))), 3)


def tier(value: float, high: float = HIGH_CONFIDENCE, medium: float = MEDIUM_CONFIDENCE) -> str:
    """high / medium / low by the configured cut-offs."""
    if value >= high:
        return "high"
    return "medium" if value >= medium else "low"
