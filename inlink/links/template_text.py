"""Text a site's template repeats on most of its pages (a menu, a footer, a cookie notice): never running prose.

Why: a crawl's HTML export of a page's whole <body> (a custom extraction of `body` rather than of the article) holds
the site's menus and footer on every page. Their list items read as a list of links (link_lists: high tier) and
their sentences as prose, so every page got the same high-tier links, in its menu and its footer, to the pages the
menu names: links the template makes already, and no editor of one page can add. On a 19-page shop with a menu and a
footer, all 75 of its high-tier rows stood there. A block of running prose whose text stands on at least half of the
site's HTML pages (and on MIN_PAGES) is the template's: its kind becomes TEMPLATE, outside placement.PROSE_BLOCKS, so
no anchor is placed in it and no mention in it counts as one in prose. The main content of the development corpora
repeats no block on more than 8% of their pages (Python's availability note, whose link the site makes: kept).
Plain text marks no blocks to compare; there a template's phrases stand on every page and rank low already.
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from inlink.links.placement import PROSE_BLOCKS

TEMPLATE = "template"
MIN_PAGES = 5        # a block on fewer pages is no template's, whatever the site's size
SHARE = 0.5          # ... and it stands on at least this share of the site's HTML pages


def mark_template_text(texts: list[str], blocks: list, own: np.ndarray | None) -> list:
    """Each page's blocks, with the prose blocks of its HTML that a template repeats (_repeated) as TEMPLATE; the
    same list when there is none. `own`: per page, whether its blocks came with it (HTML), else None (none did)."""
    if own is None or not own.any():
        return blocks
    pages = np.flatnonzero(own).tolist()
    repeated = _repeated(texts, blocks, pages)
    if not repeated:
        return blocks
    marked = list(blocks)
    for page in pages:
        text = texts[page]
        template = [kind in PROSE_BLOCKS and text[start:end].strip() in repeated for kind, start, end in blocks[page]]
        if any(template):
            marked[page] = [(TEMPLATE if its else kind, start, end)
                            for (kind, start, end), its in zip(blocks[page], template)]
    return marked


def _repeated(texts: list[str], blocks: list, pages: list[int]) -> set[str]:
    """The prose blocks' texts that stand on at least SHARE of the `pages` and on MIN_PAGES of them."""
    counts: Counter = Counter()
    for page in pages:
        text = texts[page]
        counts.update({text[start:end].strip() for kind, start, end in blocks[page] or () if kind in PROSE_BLOCKS})
    bar = max(MIN_PAGES, SHARE * len(pages))
    return {said for said, count in counts.items() if count >= bar and said}
