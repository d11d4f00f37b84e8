"""Where a source page's text stands linked already: the anchors of its existing links (to another page, to itself,
to a URL outside the crawl). No suggested anchor may overlap one: a link cannot stand inside another, and an anchor
cut out of linked text points the reader away from what the sentence links ("Prefix" out of "Prefix matching", the
page's link to its own section; "coffee-to-water ratio" inside the page's link "coffee-to-water ratio guide" to
another page).

Matched as written (the anchor as the links file gives it), on word boundaries, at any place it stands: the links
file says which text a page links, not at which of its occurrences, so each occurrence is kept clear. The index keeps
each page's anchors (page_anchors); an anchor's place is checked against them where it is tried (overlaps_linked: a
search of each anchor in the few characters around it), not by finding them all first: the docs corpus's pages hold
50,000 occurrences of their 5,000 link anchors, and finding them took 0.17-0.19 s (one find per anchor, or one
Aho-Corasick pass per page), where the few places the pages step tries cost it about 0.01 s.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from inlink.links.tokens import JOINERS


def page_anchors(anchors: Iterable[tuple[int, str]]) -> dict[int, tuple[str, ...]] | None:
    """Each page's distinct link anchors (page number, anchor text), white space trimmed, empty ones left out;
    None when no page has one."""
    by_page: dict[int, set[str]] = defaultdict(set)
    for page, anchor in anchors:
        anchor = anchor.strip() if isinstance(anchor, str) else ""
        if anchor:
            by_page[page].add(anchor)
    return {page: tuple(sorted(found)) for page, found in by_page.items()} or None


def overlaps_linked(text: str, anchors: Iterable[str], start: int, end: int) -> bool:
    """text[start:end] shares a character with a whole-word occurrence of one of the anchors (a page's linked text)."""
    for anchor in anchors:
        lo, hi = max(0, start - len(anchor) + 1), min(len(text), end + len(anchor) - 1)
        at = text.find(anchor, lo, hi)   # an occurrence overlapping the span lies whole within [lo, hi)
        while at >= 0:
            if _bounded(text, at, at + len(anchor)):
                return True
            at = text.find(anchor, at + 1, hi)
    return False


def _bounded(text: str, start: int, end: int) -> bool:
    """Not inside a longer word, nor a token the tokeniser joins ("3.1", "json.dumps", "e-mail"): "form" is no
    occurrence of a link's anchor in "format", nor a footnote's linked "1" in "Python 3.1"."""
    return not (_joined(text, start - 1, -1, text[start]) or _joined(text, end, 1, text[end - 1]))


def _joined(text: str, at: int, step: int, edge: str) -> bool:
    """The character at `at` (going outwards by `step`) continues the token whose edge character is `edge`: a word
    character after a word character, or a joiner with a word character beyond it."""
    if not edge.isalnum() or not 0 <= at < len(text):
        return False
    if text[at].isalnum():
        return True
    beyond = at + step
    return text[at] in JOINERS and 0 <= beyond < len(text) and text[beyond].isalnum()
