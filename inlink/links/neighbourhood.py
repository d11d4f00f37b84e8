"""Link-neighbourhood evidence: do the pages most like the source link the target?

Why: editors link the same way on pages about the same things (every C API page links "PyObject" to the page
that defines it; every tutorial part links the next one). So when the site's links are given, the share of the
source's TF-IDF neighbours that link a target, against the share of all pages that do, tells a link the
editors left out on this page from one that pages like it do not make either (collaborative filtering, the
standard link-prediction evidence). It is a lift, not a count: a target every page links gains nothing from
being linked by the neighbours too, and a page nothing links to (an orphan) scores 0, like a target the
neighbours link as often as the rest of the site does: its neglect is what the analyst wants found.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

LIFT_SMOOTHING = 0.1   # added to both shares, so one neighbour in thirty linking a rare target is no proof
COUPLED_NEIGHBOURS = 30   # pages that link what the source links, the closest kept
COUPLING_HUB_LINKS = 1000  # a target linked from more pages (a navigation bar, a footer) does not couple pages:
                           # it says nothing of which pages are alike, and listing its linkers for every page
                           # would cost a 50k-page site with a 40-link menu 2M entries per page
SITE_LONG_COUNTS = 16     # a page's entries are counted over the whole site when it has at most this many pages
                          # per entry (a few C passes over a small site cost less than np.unique)


@dataclass
class LinkNeighbourhood:
    """The site's existing links as out-link lists (CSR arrays: page i links targets[ptr[i]:ptr[i + 1]]) and
    each page's share of the source pages linking to it."""
    ptr: np.ndarray
    targets: np.ndarray
    base: np.ndarray
    in_ptr: np.ndarray | None = None       # the same links by destination: page i is linked by
    in_sources: np.ndarray | None = None   # in_sources[in_ptr[i]:in_ptr[i + 1]] (sorted)

    @classmethod
    def from_links(cls, pairs: Iterable[tuple[int, int]], pages: int, sources: int) -> LinkNeighbourhood:
        """From distinct (source, destination) pairs; `sources`: the number of pages analysed as sources."""
        pairs = np.array(list(pairs), dtype=np.int64).reshape(-1, 2)
        pairs = pairs[np.argsort(pairs[:, 0], kind="stable")]   # grouped by source (a target's order is moot)
        ptr = np.zeros(pages + 1, dtype=np.int64)
        np.cumsum(np.bincount(pairs[:, 0], minlength=pages), out=ptr[1:])
        base = np.bincount(pairs[:, 1], minlength=pages) / max(1, sources)
        by_target = pairs[np.lexsort((pairs[:, 0], pairs[:, 1]))]
        in_ptr = np.zeros(pages + 1, dtype=np.int64)
        np.cumsum(np.bincount(by_target[:, 1], minlength=pages), out=in_ptr[1:])
        return cls(ptr, pairs[:, 1].astype(np.int32), base.astype(np.float32), in_ptr,
                   by_target[:, 0].astype(np.int32))

    def linked_by(self, page: int) -> np.ndarray:
        """The pages that link `page` (sorted)."""
        return self.in_sources[self.in_ptr[page]:self.in_ptr[page + 1]]

    def links_back(self, source: int, targets: list[int]) -> list[bool]:
        """For each target: whether it already links the source (reciprocity: pages that link each other are
        about one topic, and an editor who linked one way often owes the other)."""
        back = self.linked_by(source)   # sorted: a binary search per target (np.isin cost 40 us a page)
        if not len(back):
            return [False] * len(targets)
        wanted = np.asarray(targets, dtype=np.int64)
        return (back[np.minimum(back.searchsorted(wanted), len(back) - 1)] == wanted).tolist()

    def coupled(self, source: int, targets: list[int], k: int = COUPLED_NEIGHBOURS,
                hub: int = COUPLING_HUB_LINKS) -> tuple[list[float], list[int]]:
        """For each target: the log lift of the share of the pages that link what the source links (bibliographic
        coupling, each shared target weighing 1 / log(2 + its in-links), Adamic-Adar: a page every page links
        says little; one linked from more than `hub` pages says nothing) that link the target, and how many of
        those pages link it. The k closest pages count."""
        outs = self.targets[self.ptr[source]:self.ptr[source + 1]].astype(np.int64)
        lengths = self.in_ptr[outs + 1] - self.in_ptr[outs]
        outs, lengths = outs[lengths <= hub], lengths[lengths <= hub]
        if not len(outs):
            return [0.0] * len(targets), [0] * len(targets)
        first = (self.in_ptr[outs] - lengths.cumsum() + lengths).repeat(lengths)
        pages, at = self._distinct(self.in_sources[first + np.arange(len(first))])
        weight = np.bincount(at, (1.0 / np.log(2.0 + lengths)).repeat(lengths), minlength=len(pages))
        weight[pages == source] = 0.0
        coupled = np.flatnonzero(weight > 0)   # in page order, so ties go to the lower page number
        closest = coupled[(-weight[coupled]).argsort(kind="stable")[:k]]
        return self.lifts(pages[closest], weight[closest], targets)

    def lifts(self, neighbours: np.ndarray, similarities: np.ndarray,
              targets: list[int]) -> tuple[list[float], list[int]]:
        """For each target: log((similarity-weighted share of the neighbours linking it + s) / (share of all
        source pages linking it + s)), and how many of the neighbours link it. All 0 without neighbours."""
        kept = neighbours >= 0
        rows, weights = neighbours[kept], np.maximum(similarities[kept].astype(np.float64), 0.0)
        total = np.add.reduce(weights)   # (ndarray.sum's Python layer costs more than the sum of ~30 weights)
        if not rows.size or total <= 0 or not targets:
            return [0.0] * len(targets), [0] * len(targets)
        lengths = self.ptr[rows + 1] - self.ptr[rows]
        first = (self.ptr[rows] - lengths.cumsum() + lengths).repeat(lengths)
        linked = self.targets[first + np.arange(len(first))]
        wanted = np.asarray(targets, dtype=np.int64)
        share, count = np.zeros(len(wanted)), np.zeros(len(wanted), dtype=np.int64)
        if len(linked):
            pages, at = self._distinct(linked)
            row = np.minimum(pages.searchsorted(wanted), len(pages) - 1)
            linking = pages[row] == wanted
            row = row[linking]
            share[linking] = np.bincount(at, weights.repeat(lengths), minlength=len(pages))[row] / total
            count[linking] = np.bincount(at, minlength=len(pages))[row]
        base = self.base[wanted]
        lifts = [math.log((s + LIFT_SMOOTHING) / (b + LIFT_SMOOTHING)) for s, b in zip(share.tolist(), base.tolist())]
        return lifts, count.tolist()

    def _distinct(self, pages: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Page numbers (sorted) and each entry's position among them, to count entries per page with bincount
        (each page's sum then adds its entries in their order, whichever way): every page of the site when
        the site is small next to the entries, else only the pages that occur (np.unique), so that a page's
        evidence costs by the links it reads, not by the site (a 50k-page site's pages were quadratic)."""
        if len(self.base) <= SITE_LONG_COUNTS * len(pages):
            return np.arange(len(self.base)), pages
        return np.unique(pages, return_inverse=True)
