"""A site in several languages: links only within a language, and each language's everyday words known as such.

The import tells each page's language (site/languages.py: declared, or the site's language marks in its URLs); the
index holds it as numbers (LinkIndex.language, -1 for a page of unknown language, None for a site in one language).
A page of unknown language may link to and from any page: a site that declares no language loses nothing.

Everyday words (common_in_a_language): counted site-wide, a language with few pages has its everyday words look
distinctive: on the Apache manual in four languages (20 German pages of 584), 78 reasons said German pages were
"about die", 70 "about der", 43 "about und". Weighing each language as a site of its own instead (TF-IDF per
language) was measured and not kept: the top-5 rows that are real links fell 1,434 -> 1,351 (high and medium
tiers 1,124 -> 1,052), though the low tier's precision rose 0.32 -> 0.51.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:   # a resumed worker's first page imports no scipy (tests/test_resume_state.py)
    import scipy.sparse as sp


def same_language(language: np.ndarray | None, sources, targets) -> np.ndarray:
    """Per (source, target) pair (arrays that broadcast): both pages are in one language, or either's is unknown."""
    if language is None:
        return np.ones(np.broadcast(np.asarray(sources), np.asarray(targets)).shape, dtype=bool)
    source_language, target_language = language[sources], language[targets]
    return (source_language == target_language) | (source_language < 0) | (target_language < 0)


def common_in_a_language(matrix: sp.csr_matrix, language: np.ndarray | None, share: float) -> np.ndarray:
    """Per term (column of the pages' TF-IDF `matrix`): more than `share` of one language's pages use it (two
    at least), though it is rare site-wide. Such a word is that language's everyday word, distinctive only
    because the language has few of the site's pages: no shared topic of two pages, no anchor ("die", "der",
    "und" of 20 German pages among 584 were the topic of 78, 70 and 43 reasons)."""
    common = np.zeros(matrix.shape[1], dtype=bool)
    if language is None:
        return common
    for group in range(int(language.max()) + 1):
        rows = np.flatnonzero(language == group)
        if len(rows):
            df = np.bincount(matrix[rows].indices, minlength=matrix.shape[1])
            common |= df > max(2, share * len(rows))
    return common
