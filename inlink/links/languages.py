"""Which pages may link to which by language: a page links only to pages in its own language.

The import tells each page's language (site/languages.py: declared, or the site's language folders); the index
holds it as numbers (LinkIndex.language, -1 for a page of unknown language, None for a site in one language).
A page of unknown language may link to and from any page: a site that declares no language loses nothing.
"""
from __future__ import annotations

import numpy as np


def same_language(language: np.ndarray | None, sources, targets) -> np.ndarray:
    """Per (source, target) pair (arrays that broadcast): both pages are in one language, or either's is unknown."""
    if language is None:
        return np.ones(np.broadcast(np.asarray(sources), np.asarray(targets)).shape, dtype=bool)
    source_language, target_language = language[sources], language[targets]
    return (source_language == target_language) | (source_language < 0) | (target_language < 0)
