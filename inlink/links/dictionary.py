"""The site's own anchor dictionary: what its existing links say about which phrase names which page."""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from inlink.links.anchors import PhraseIndex
from inlink.links.matcher import PhraseMatcher, ranks_within
from inlink.links.placement import in_running_text, prose_ranges
from inlink.links.text import tokens
from inlink.links.tokens import token_offsets

SITE_RATE_MIN_PAGES = 5   # a phrase fewer pages mention says little about how thoroughly the site links
SITE_RATE_MIN_PAIRS = 10


def inbound_anchor_texts(links: Iterable[tuple[int, int, str]], min_share: float = 0.5) -> dict[int, Counter]:
    """Anchors that existing links use for each target, keeping only those that mostly point to that target.

    Why the share: "read more" or "docs" point everywhere and say nothing about one page; "json module"
    used by six pages for the same page is strong evidence.
    """
    uses: dict[str, Counter] = defaultdict(Counter)
    for _source, destination, anchor in links:
        anchor = " ".join((anchor or "").split())
        if anchor:
            uses[anchor.lower()][(destination, anchor)] += 1
    per_target: dict[int, Counter] = defaultdict(Counter)
    for variants in uses.values():
        total = sum(variants.values())
        by_target: Counter = Counter()
        for (destination, _anchor), count in variants.items():
            by_target[destination] += count
        for (destination, anchor), count in variants.items():
            if by_target[destination] / total >= min_share:
                per_target[destination][anchor] += count
    return per_target


@dataclass
class AnchorDictionary:
    """The site's own anchor dictionary, from the existing links: phrase -> targets with counts.

    Why: the phrases a site already links, and where it links them, are the strongest evidence for a new
    link (Gerlach et al., CIKM 2021); with the number of pages that mention a phrase (the phrase index's
    document frequency) they give its link probability, so a common word the site never links is no anchor.
    Keys are lowercased token tuples, as in PhraseIndex.
    """
    targets: dict[tuple[str, ...], Counter] = field(default_factory=dict)   # phrase -> target -> linking pages
    sources: dict[tuple[str, ...], int] = field(default_factory=dict)       # phrase -> pages that link it
    links: int = 0                                                          # existing links read
    site_rate: float | None = None   # how thoroughly the site links its best-linked phrases (measure_site_rate;
                                     # None: not measured, e.g. a state saved before it was, taken as thorough)

    @classmethod
    def from_links(cls, links: Iterable[tuple[int, int, str]]) -> AnchorDictionary:
        """Count each (phrase, target) once per source page, and each phrase's linking pages."""
        pairs: set[tuple[tuple[str, ...], int, int]] = set()
        for source, destination, anchor in links:
            key = tuple(t.lower() for t in tokens(anchor or ""))
            if key:
                pairs.add((key, source, destination))
        result = cls(links=len(pairs))
        linking: dict[tuple[str, ...], set] = defaultdict(set)
        for key, source, destination in pairs:
            result.targets.setdefault(key, Counter())[destination] += 1
            linking[key].add(source)
        result.sources = {key: len(pages) for key, pages in linking.items()}
        return result

    @property
    def known(self) -> bool:
        """Whether the site gave enough links for absence to mean something (a few links say little)."""
        return self.links >= 20

    def links_to(self, key: tuple[str, ...], target: int) -> int:
        """How many pages already link this phrase to this target."""
        return self.targets.get(key, {}).get(target, 0)

    def link_odds(self, key: tuple[str, ...], target: int, pages_mentioning: int,
                  unlinked: int | None = None) -> float:
        """Log-odds that a page mentioning the phrase links it to this target: pages that do / pages that
        mention it and do not, each with half a page added (so a phrase seen on one page is no certainty).
        `unlinked`: the pages that mention it where they could link it and do not (ProseMentions), when
        counted; else all the pages mentioning it that do not link it."""
        linked = self.links_to(key, target)
        if unlinked is None:
            unlinked = pages_mentioning - linked
        return math.log((linked + 0.5) / (max(0, unlinked) + 0.5))

    def measure_site_rate(self, phrases: PhraseIndex, phrase_df) -> float | None:
        """The 90th percentile, over the (phrase, target) pairs whose phrase SITE_RATE_MIN_PAGES or more pages
        mention, of the share of those pages that link it to the target; kept in site_rate (None when fewer
        than SITE_RATE_MIN_PAIRS pairs qualify: too few to tell).

        Why: a site whose best-linked phrases are linked on nearly every page that mentions them has left few
        links out, one that links them on a third of those pages has left out many; the same link odds then
        mean a likelier missing link (the development corpora: 0.50-0.60 with all their links, 0.33-0.40 with
        half of them)."""
        shares = []
        for key, counts in self.targets.items():
            mentioning = max((int(phrase_df[pid]) for pid in phrases.ids_for(key)), default=0)
            if mentioning >= SITE_RATE_MIN_PAGES:
                shares += [min(1.0, linked / mentioning) for linked in counts.values()]
        self.site_rate = float(np.percentile(shares, 90)) if len(shares) >= SITE_RATE_MIN_PAIRS else None
        return self.site_rate

    def link_probability(self, key: tuple[str, ...], pages_mentioning: int) -> float:
        """Pages that link the phrase / pages that mention it (capped at 1)."""
        linked = self.sources.get(key, 0)
        return linked / max(linked, pages_mentioning, 1)



@dataclass
class ProseMentions:
    """Where the site's pages mention each phrase where a link could stand, for its link odds: per phrase id,
    the pages that mention it in running prose (`pages`), and per (phrase id, target) those of them that
    cannot take a new link to the target from it (`unable`: they link it already, or are the target)."""
    pages: np.ndarray
    unable: dict[tuple[int, int], int]

    def unlinked(self, pid: int, target: int) -> int:
        """Pages that mention the phrase in prose and could link the target from it, yet do not."""
        return int(self.pages[pid]) - self.unable.get((pid, target), 0)

    @classmethod
    def count(cls, matcher: PhraseMatcher, pages: Iterable[tuple[int, str, np.ndarray, list]],
              existing: set) -> ProseMentions:
        """From (page number, text, lowercased token ids, blocks) of every source page and the existing
        (source, destination) pairs.

        Why: a mention inside code, a heading or a call's arguments is never linked, and a page links a target
        once, so a page that links it with another of its names (or the target's own page) mentioning the
        phrase unlinked says nothing about whether the site links that phrase; counted as "mentioned but not
        linked" they made a well-linked name look like a word the site seldom links."""
        found = cls(np.zeros(len(matcher.phrases), dtype=np.int64), {})
        unable = found.unable
        for page, text, ids, blocks in pages:
            starts, lengths, nodes = matcher.occurrences(ids)
            if not len(nodes):
                continue
            nodes = _in_running_text(text, blocks, starts, lengths, nodes)
            per_node = matcher.node_ptr[nodes + 1] - matcher.node_ptr[nodes]
            pids = matcher.node_pids[np.repeat(matcher.node_ptr[nodes], per_node) + ranks_within(per_node)]
            found.pages[pids] += 1
            senses = matcher.target_ptr[pids + 1] - matcher.target_ptr[pids]
            targets = matcher.target_ids[np.repeat(matcher.target_ptr[pids], senses) + ranks_within(senses)]
            for pid, target in zip(np.repeat(pids, senses).tolist(), targets.tolist()):
                if target == page or (page, target) in existing:
                    unable[(pid, target)] = unable.get((pid, target), 0) + 1
        return found


def _in_running_text(text: str, blocks, starts: np.ndarray, lengths: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """The distinct trie nodes (phrases) of which one occurrence (token `starts`, `lengths`) at least stands in
    running text (placement.in_running_text): inside a prose block (all at once), then, phrase by phrase, the first
    occurrence there that is no part of a code statement."""
    first, last = token_offsets(text)
    begin, end = first[starts], last[starts + lengths - 1]
    ok = np.ones(len(nodes), dtype=bool)
    prose = prose_ranges(text, blocks)
    if prose is not None:
        block = np.searchsorted(np.asarray(prose[0], dtype=np.int64), begin, side="right") - 1
        ends = np.asarray(prose[1], dtype=np.int64)
        ok = (block >= 0) & (end <= ends[np.maximum(block, 0)]) if len(ends) else np.zeros(len(nodes), dtype=bool)
    found, order = set(), np.flatnonzero(ok)
    for node, a, b in zip(nodes[order].tolist(), begin[order].tolist(), end[order].tolist()):
        if node not in found and in_running_text(None, text, a, b):
            found.add(node)
    return np.array(sorted(found), dtype=np.int64)
