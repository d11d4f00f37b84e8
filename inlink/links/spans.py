"""Where an anchor stands in its source page and how far it reaches: the occurrence picked for an option, grown to
the target's whole name or by a neighbour word, never overlapping another anchor.

Apart from the ranking (ranking.py), which says which targets and which phrases; this says which characters.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from inlink.links.text import is_function_word, lowered_text, prose_score

if TYPE_CHECKING:
    from inlink.links.index import LinkIndex
    from inlink.links.ranking import Option
    from inlink.links.tokens import PageWords

OCCURRENCES_CHECKED = 6    # occurrences of one phrase weighed for "running text" before picking one


def overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    """Whether the character span overlaps any chosen anchor's: two anchors never share a character."""
    return any(span[0] < end and start < span[1] for start, end in taken)


def pick_occurrence(text: str, option: Option, taken: list[tuple[int, int]], allowed=None,
                    weigh: bool = True) -> tuple[int, int] | None:
    """The occurrence (character span) in the most running-text-like sentence that overlaps no chosen anchor
    (with weigh=False: the first free one, enough to know that the option can be placed at all).

    Only the first few free occurrences are weighed: links belong near the first mention anyway.
    """
    free = []
    checked = OCCURRENCES_CHECKED if weigh else 1
    for span in option.spans:
        if allowed is not None and not allowed(*span):
            continue
        if not overlaps(span, taken):
            free.append(span)
            if len(free) == checked:
                break
    if len(free) <= 1:
        return free[0] if free else None
    scores = [prose_score(text, *span) for span in free]
    return free[scores.index(max(scores))]


def grow_to_title(index: LinkIndex, text: str, target: int, span: tuple[int, int], starts: np.ndarray,
                  ends: np.ndarray, taken: list[tuple[int, int]]) -> tuple[int, int]:
    """The anchor grown, word by word on either side, as long as it still stands in the target's title or H1
    ("Appendix" -> "Appendix B", "Backup" -> "Backup Strategies"): never cut inside the target's name."""
    title = f" {index.titles[target]} | {index.h1s[target]} ".lower()
    original = span
    first = int(starts.searchsorted(span[0]))
    last = int(ends.searchsorted(span[1]))
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
                    not overlaps(wider, taken):
                first, last, span, grown = a, b, wider, True
                break
    if text[span[0]:span[1]].lower() in (index.titles[target].lower(), index.h1s[target].lower()):
        return span   # a whole title or H1 stands as it is
    return _without_loose_ends(text, span, starts, ends, first, last, original)


#: Words that join the parts of a name and never begin or end one: grown to "and offices" from the title "Wholesale
#: Coffee for Cafés and Offices", an anchor reads as a cut (articles may begin a name, "The Audit Trail").
LOOSE_FIRST = frozenset("and or nor but of for to with in on at by from as into than via".split())
LOOSE_LAST = LOOSE_FIRST | {"the", "a", "an"}


def _without_loose_ends(text: str, span: tuple[int, int], starts: np.ndarray, ends: np.ndarray,
                        first: int, last: int, original: tuple[int, int]) -> tuple[int, int]:
    """The grown span (tokens first..last) without the joining words growth left at its edges (LOOSE_FIRST,
    LOOSE_LAST), back to no less than the span it grew from."""
    while int(starts[first]) < original[0] and text[starts[first]:ends[first]].lower() in LOOSE_FIRST:
        first += 1
    while int(ends[last]) > original[1] and text[starts[last]:ends[last]].lower() in LOOSE_LAST:
        last -= 1
    return int(starts[first]), int(ends[last])


def widen_single_word(index: LinkIndex, text: str, target: int, span: tuple[int, int], starts: np.ndarray,
                       ends: np.ndarray, words: PageWords, taken: list[tuple[int, int]]) -> tuple[int, int]:
    """A one-word anchor grows by its neighbour word when the target uses the same two words ("paper" ->
    "paper filters"): a descriptive anchor tells the reader more about the target."""
    i = int(starts.searchsorted(span[0]))
    base = max(0, i - 1)
    near_starts, near_ends = starts[base:i + 2].tolist(), ends[base:i + 2].tolist()   # the word and its neighbours
    if i >= len(words) or near_starts[i - base] != span[0] or near_ends[i - base] != span[1]:
        return span
    target_text = None
    for first, last in ((i, i + 1), (i - 1, i)):
        if first < 0 or last >= len(words) or text[near_ends[first - base]:near_starts[last - base]] != " ":
            continue
        other_at = (last if first == i else first) - base
        other = text[near_starts[other_at]:near_ends[other_at]]
        if is_function_word(other.lower()) or not other[:1].isalpha():
            continue
        wider = (near_starts[first - base], near_ends[last - base])
        if overlaps(wider, taken):
            continue
        target_text = target_text if target_text is not None else lowered_text(index.texts[target])
        if text[wider[0]:wider[1]].lower() in target_text:
            return wider
    return span
