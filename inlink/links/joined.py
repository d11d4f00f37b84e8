"""Consecutive pages joined for one phrase match, and the matches the index step keeps for the pages step.

Why joined: a page's match is a few dozen array operations on a few thousand tokens, so both the prose count of
the index step (dictionary.ProseMentions) and the mention rows of the pages step (mentions.py) match consecutive
pages together: their texts joined by a separator that is a token of its own ("_" between line breaks) and
their token ids joined by -1 (which no phrase matches), so token positions line up and no phrase crosses pages.

Why kept (KeptMatches): the index step matches every source page to count its phrases; the pages step matched
each page again for its mention rows, and split every text into tokens a third time. The tokeniser's token
offsets and the index step's phrase occurrences are kept in memory (compactly: int32 offsets, 9 bytes an
occurrence) for the run, within a budget, so the pages step takes them instead; they are never saved with the
index (a resumed run finds them again, with the same result), and a site over the budget is matched as before.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inlink.links.tokens import _code_units, token_bounds

SEPARATOR = "\n_\n"   # between joined texts: a token of its own, and one no token can cross
KEPT_BYTES = 64 << 20  # memory the kept offsets and occurrences may take (the docs corpus: 12.9 MB)
KEPT_CHARS = 24_000_000   # a site with more characters of text keeps none (for_site): keeping costs the tokeniser
                          # more than it saves the pages there (10k synthetic pages, 60M characters: +0.14 s)


@dataclass
class Joined:
    """Pages joined: the text, its characters (tokens._code_units), each page's first character and first
    token, every token's offsets (the separators' included), the token ids joined by -1, and (once matched)
    the phrase occurrences (PhraseMatcher.occurrences: first token, length, trie node)."""
    text: str
    codes: np.ndarray
    char_base: np.ndarray
    token_base: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    ids: np.ndarray
    occurrences: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None


def join_pages(texts: list[str], page_ids: list[np.ndarray], offsets=None, check_one: bool = True,
               ) -> Joined | None:
    """The pages joined, or None when their tokens do not line up with their ids (a page whose offsets and ids
    differ in number; with check_one=False a single page is taken as it is). `offsets`: each page's own token
    offsets (KeptMatches.offsets), when known: then no character is classified again."""
    lengths = np.array([len(ids) for ids in page_ids], dtype=np.int64)
    token_base = lengths.cumsum() - lengths + np.arange(len(texts))   # each page's first token
    char_base = np.zeros(len(texts), dtype=np.int64)
    np.cumsum([len(text) + len(SEPARATOR) for text in texts[:-1]], out=char_base[1:])
    joined = SEPARATOR.join(texts)
    codes = _code_units(joined)[0] if joined else np.zeros(0, dtype=np.uint8)
    if offsets is not None:
        starts, ends = _joined_offsets(offsets, char_base)
    else:
        starts, ends = token_bounds(codes)[:2]
        if (check_one or len(texts) > 1) and (len(starts) != int(lengths.sum()) + len(texts) - 1 or (
                len(texts) > 1 and (starts[token_base[1:] - 1] != char_base[1:] - 2).any())):
            return None
    separator = np.full(1, -1, dtype=np.int32)
    ids = np.concatenate([part for page in page_ids for part in (page, separator)][:-1]) if page_ids else \
        np.zeros(0, dtype=np.int32)
    return Joined(joined, codes, char_base, token_base, starts, ends, ids)


def _joined_offsets(offsets: list[tuple[np.ndarray, np.ndarray]], char_base: np.ndarray,
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Each page's token offsets moved to its place in the joined text, with the separator's token ("_", two
    characters before the next page) between pages: what splitting the joined text would give."""
    parts_starts, parts_ends = [], []
    for slot, ((starts, ends), base) in enumerate(zip(offsets, char_base.tolist())):
        if slot:
            parts_starts.append(np.full(1, base - 2, dtype=np.int64))
            parts_ends.append(np.full(1, base - 1, dtype=np.int64))
        parts_starts.append(starts.astype(np.int64) + base)
        parts_ends.append(ends.astype(np.int64) + base)
    if not parts_starts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(parts_starts), np.concatenate(parts_ends)


def occurrences_of(matcher, joined: Joined, pages: list[int] | None = None, kept: KeptMatches | None = None,
                   keep: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The phrase occurrences of the joined pages (PhraseMatcher.occurrences of their ids): the kept ones when
    every page has them (`pages`: their numbers), else matched now (and kept, when `keep` and `kept` still takes
    them: the pages step reads a page's matches once, so it only reads what the index step kept)."""
    found = kept.occurrences(pages, joined.token_base) if kept is not None and pages is not None else None
    if found is None:
        found = matcher.occurrences(joined.ids)
        if keep and kept is not None and pages is not None:
            kept.keep_occurrences(pages, joined.token_base, *found)
    joined.occurrences = found
    return found


class KeptMatches:
    """Token offsets (page-local int32, from the tokeniser) and phrase occurrences (from the index step's match)
    by page, for the run: see the module's docstring. Not saved with the index (LinkIndex keeps it apart)."""

    @classmethod
    def for_site(cls, texts: list[str]) -> KeptMatches | None:
        """A store for a site's run, or None for a large site (over KEPT_CHARS characters): its pages are
        matched as before."""
        return cls() if sum(map(len, texts)) <= KEPT_CHARS else None

    def __init__(self, budget: int | None = None) -> None:
        self.budget = KEPT_BYTES if budget is None else budget
        self.used = 0
        self._offsets: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._found: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self.full = False

    def _take(self, size: int) -> bool:
        if self.full or self.used + size > self.budget:
            self.full = True   # the rest of the site is matched as before (what is kept stays right)
            return False
        self.used += size
        return True

    def keep_offsets(self, page: int, starts: np.ndarray, ends: np.ndarray) -> bool:
        """Keep a page's token offsets; False once the budget is spent (no more are taken)."""
        if not self._take(8 * len(starts)):
            return False
        self._offsets[page] = (np.asarray(starts, dtype=np.int32), np.asarray(ends, dtype=np.int32))
        return True

    def offsets(self, pages: list[int], page_ids: list[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]] | None:
        """The kept token offsets of each page, or None unless every page has them, as many as its ids."""
        found = [self._offsets.get(page) for page in pages]
        if any(part is None or len(part[0]) != len(ids) for part, ids in zip(found, page_ids)):
            return None
        return found

    def keep_occurrences(self, pages: list[int], token_base: np.ndarray, starts: np.ndarray, lengths: np.ndarray,
                         nodes: np.ndarray) -> None:
        """Keep the occurrences of joined pages (positions in the joined ids), by page, page-local."""
        if not self._take(9 * len(starts)):
            return
        slot = np.searchsorted(token_base, starts, side="right") - 1
        bounds = np.searchsorted(slot, np.arange(len(pages) + 1)).tolist()
        local = (starts - token_base[slot]).astype(np.int32)
        small, nodes = lengths.astype(np.uint8), nodes.astype(np.int32)
        for s, page in enumerate(pages):
            lo, hi = bounds[s], bounds[s + 1]
            self._found[page] = (local[lo:hi], small[lo:hi], nodes[lo:hi])

    def occurrences(self, pages: list[int], token_base: np.ndarray,
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """The occurrences of pages joined with these first tokens, as PhraseMatcher.occurrences finds them in
        the joined ids (ordered by start, then length: pages in order, each page's in its order), or None
        unless every page has them."""
        found = [self._found.get(page) for page in pages]
        if any(part is None for part in found):
            return None
        if len(found) == 1:
            starts, lengths, nodes = found[0]
            return starts.astype(np.int64) + int(token_base[0]), lengths.astype(np.int64), nodes.astype(np.int64)
        return (np.concatenate([part[0] + int(base) for part, base in zip(found, token_base.tolist())]).astype(np.int64),
                np.concatenate([part[1] for part in found]).astype(np.int64),
                np.concatenate([part[2] for part in found]).astype(np.int64))
