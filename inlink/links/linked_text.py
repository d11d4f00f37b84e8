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
Aho-Corasick pass per page over its whole text). The few characters around a tried place are read for all the page's
anchors at once, by an Aho-Corasick automaton of them (pyahocorasick, built once per page), not by a find per
anchor per place (18 anchors a place on average, 131 at most): the docs corpus's 4,512 places with its links cost
0.054 s instead of 0.094 s (the same calls, timed in turn).
"""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

from inlink.links.automata import phrase_automaton
from inlink.links.tokens import JOINERS

if TYPE_CHECKING:
    from ahocorasick import Automaton


def page_anchors(anchors: Iterable[tuple[int, str]]) -> dict[int, tuple[str, ...]] | None:
    """Each page's distinct link anchors (page number, anchor text), white space trimmed, empty ones left out;
    None when no page has one."""
    by_page: dict[int, set[str]] = defaultdict(set)
    for page, anchor in anchors:
        anchor = anchor.strip() if isinstance(anchor, str) else ""
        if anchor:
            by_page[page].add(anchor)
    return {page: tuple(sorted(found)) for page, found in by_page.items()} or None


def overlaps_linked(text: str, anchors: tuple[str, ...], start: int, end: int) -> bool:
    """text[start:end] shares a character with a whole-word occurrence of one of the anchors (a page's linked text)."""
    if not anchors:
        return False
    automaton, longest = _anchor_automaton(anchors)
    lo, hi = max(0, start - longest + 1), min(len(text), end + longest - 1)
    for last, size in automaton.iter(text, lo, hi):   # every occurrence lying whole within [lo, hi), overlaps too
        at = last + 1 - size
        if at < end and last >= start and _bounded(text, at, last + 1):
            return True
    return False


@lru_cache(maxsize=8)
def _anchor_automaton(anchors: tuple[str, ...]) -> tuple[Automaton, int]:
    """An automaton finding any of a page's anchors (each reported with its length), and the longest one's length.
    Kept for the few pages at work (a page's places are tried one after another; its anchors are one tuple of the
    index, so the cache's key is hashed from the strings' own cached hashes)."""
    return phrase_automaton((anchor, len(anchor)) for anchor in anchors), max(map(len, anchors))


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
