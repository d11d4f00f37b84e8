"""A page's anchor options as arrays (PageOptions): one row per target, phrase and capitalisation the page
mentions, and one per shared distinctive term for a close page it does not mention.

Why arrays: a page holds hundreds of phrase occurrences naming dozens of targets, yet only its best twenty or
so targets are ever weighed. The ranking scores every row with numpy and makes Option objects only for the
targets it keeps, so no Python object is made per occurrence, nor per option of a target that is cut.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from inlink.links.anchors import KINDS
from inlink.links.matcher import ranks_within
from inlink.links.index import LinkIndex
from inlink.links.similarity import top_shared_terms_of_rows
from inlink.links.text import is_acceptable_anchor
from inlink.links.tokens import PageWords

OWN_NAME_KINDS = ("title", "h1", "head")   # how a page names itself
SHARED_PER_TARGET = 3      # shared-term anchors tried per TF-IDF neighbour
SHARED = KINDS.index("shared")
_OWN_NAME_CODES = np.array([kind in OWN_NAME_KINDS for kind in KINDS], dtype=bool)


@dataclass
class PageOptions:
    """A page's anchor options, one row each (mentions first, a target's rows in the order of their first
    occurrence), and every candidate target (also the close pages for which no row was found)."""
    targets: list[int]        # sorted
    target: np.ndarray        # per row: the target
    phrase: np.ndarray        # the phrase id (-1 for a shared term)
    exact: np.ndarray         # spelled with the target's own capitalisation
    kind: np.ndarray          # index into anchors.KINDS
    df: np.ndarray            # pages that mention the phrase
    senses: np.ndarray        # targets the phrase names
    chars: np.ndarray         # characters of the phrase (its tokens joined by spaces)
    span_ptr: np.ndarray      # mention row r's occurrences: span_starts/ends[span_ptr[r]:span_ptr[r + 1]]
    span_starts: list[int]    # character offsets in the source
    span_ends: list[int]
    shared_terms: list[str]   # the term of each shared-term row (the rows after the mentions)
    shared_spans: list[list[tuple[int, int]]]   # and its occurrences

    def key(self, index: LinkIndex, row: int) -> tuple[str, ...]:
        """The row's phrase as lowercased tokens."""
        pid = int(self.phrase[row])
        return index.phrases.phrases[pid].key if pid >= 0 else (self.shared_terms[row - self.mentions],)

    @property
    def mentions(self) -> int:
        return len(self.target) - len(self.shared_terms)

    def spans(self, row: int) -> list[tuple[int, int]]:
        if row >= self.mentions:
            return self.shared_spans[row - self.mentions]
        lo, hi = int(self.span_ptr[row]), int(self.span_ptr[row + 1])
        return list(zip(self.span_starts[lo:hi], self.span_ends[lo:hi]))


def linkable(index: LinkIndex, source: int, target: int) -> bool:
    """A target may receive a new link from source: indexable, not itself, not already linked."""
    return bool(index.is_target[target]) and target != source and (source, target) not in index.existing


def page_options(index: LinkIndex, source: int, words: PageWords, ids: np.ndarray,
                 source_row: np.ndarray) -> PageOptions:
    """Every anchor option of the page: the phrases it mentions, then shared terms for close pages it does
    not mention (TF-IDF neighbours)."""
    mentioned = _mention_rows(index, source, words, ids)
    named = set(mentioned["target"].tolist())
    unmentioned = [int(t) for t in index.neighbours[source]
                   if t >= 0 and int(t) not in named and linkable(index, source, int(t))]
    shared = _shared_term_rows(index, source_row, unmentioned, words, ids)
    rows = len(shared["target"])
    span_ptr = np.zeros(len(mentioned["span_counts"]) + 1, dtype=np.int64)
    mentioned["span_counts"].cumsum(out=span_ptr[1:])
    return PageOptions(
        targets=sorted(named.union(unmentioned)),
        target=np.concatenate((mentioned["target"], np.array(shared["target"], dtype=np.int64))),
        phrase=np.concatenate((mentioned["phrase"], np.full(rows, -1, dtype=np.int64))),
        exact=np.concatenate((mentioned["exact"], np.zeros(rows, dtype=bool))),
        kind=np.concatenate((mentioned["kind"], np.full(rows, SHARED, dtype=np.int64))),
        df=np.concatenate((mentioned["df"], np.array(shared["df"], dtype=np.int64))),
        senses=np.concatenate((mentioned["senses"], np.ones(rows, dtype=np.int64))),
        chars=np.concatenate((mentioned["chars"], np.array([len(t) for t in shared["term"]], dtype=np.int64))),
        span_ptr=span_ptr, span_starts=mentioned["span_starts"], span_ends=mentioned["span_ends"],
        shared_terms=shared["term"], shared_spans=shared["spans"])


def longest_matches(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Of matches [starts, ends) (tokens) in scan order, the positions of those not strictly inside a longer
    match, ordered by start, longest first: words that belong to a longer name ("Backup" in "Backup
    Strategies", "B" in "Appendix B") are never an anchor of their own.

    A match is inside a longer one when a match sorted before it reaches further, or as far from an earlier
    start (a shorter tail of it); the reach is a running maximum, so this is a few array operations."""
    order = np.lexsort((-ends, starts))
    starts, ends = starts[order], ends[order]
    if not len(order):
        return order
    reach = np.maximum.accumulate(ends)
    before = np.concatenate(([-1], reach[:-1]))               # how far the matches sorted before reach
    rises = ends > before
    holder = np.maximum.accumulate(np.where(rises, np.arange(len(ends)), 0))
    holder_start = np.concatenate(([-1], starts[holder[:-1]]))   # where the match that reaches that far starts
    inside = (ends < before) | ((ends == before) & (starts > holder_start))
    return order[~inside]


def _named_targets(index: LinkIndex, source: int, pids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For distinct phrase ids: (phrase position, target, kind) of each target a phrase may link to from this
    page, phrase by phrase. None for the page's own name ("Getting Started" on a Getting Started page points
    at no other page); only linkable targets."""
    matcher = index.phrase_matcher()
    lo = matcher.target_ptr[pids]
    counts = matcher.target_ptr[pids + 1] - lo
    position = np.arange(len(pids)).repeat(counts)
    at = lo.repeat(counts) + ranks_within(counts)
    target, kind = matcher.target_ids[at], matcher.target_kinds[at]
    own = np.zeros(len(pids), dtype=bool)
    own[position[(target == source) & _OWN_NAME_CODES[kind]]] = True
    keep = ~own[position] & index.is_target[target] & (target != source)
    if index.existing:
        existing = index.existing
        keep[keep] = [(source, t) not in existing for t in target[keep].tolist()]
    return position[keep], target[keep], kind[keep]


def _mention_rows(index: LinkIndex, source: int, words: PageWords, ids: np.ndarray) -> dict:
    """One row per target, phrase and capitalisation the page mentions, with its occurrences in text order;
    rows in the order of their first occurrence."""
    matcher = index.phrase_matcher()
    first, end, pids, exact = matcher.mentions(ids, words)
    kept = longest_matches(first, end)
    first, end, pids, exact = first[kept], end[kept], pids[kept], exact[kept]
    phrase_ids, phrase_of = _distinct(pids)
    position, named, kinds = _named_targets(index, source, phrase_ids)
    counts = np.bincount(position, minlength=len(phrase_ids))
    per_match = counts[phrase_of]
    match = np.arange(len(pids)).repeat(per_match)      # one row per (match, target), in match order
    at = (counts.cumsum() - counts)[phrase_of][match] + ranks_within(per_match)
    target, kind = named[at], kinds[at]
    pair = (target * len(index.phrases.phrases) + pids[match]) * 2 + exact[match]
    members, sizes, head = _groups(pair)
    rows = match[members]                                    # each group's matches together, in text order
    pid = pids[match[head]]
    return {"target": target[head], "phrase": pid, "exact": exact[match[head]], "kind": kind[head],
            "df": index.phrase_df[pid].astype(np.int64), "senses": matcher.senses[pid], "chars": matcher.chars[pid],
            "span_counts": sizes, "span_starts": words.starts[first[rows]].tolist(),
            "span_ends": words.ends[end[rows] - 1].tolist()}


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(values, return_inverse=True), in the few array operations a page's few hundred values need
    (np.unique's own checks cost more than its work here)."""
    order = values.argsort()
    ordered = values[order]
    new = np.ones(len(values), dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = new.cumsum() - 1
    return ordered[new], inverse


def _groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Equal keys as groups, in the order of their first occurrence: the positions of the keys group by group
    (each group's in the order given), each group's size, and each group's first position."""
    order = keys.argsort(kind="stable")
    ordered = keys[order]
    new = np.ones(len(keys), dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    heads = order[new]                            # stable: each group's first occurrence
    sizes = np.diff(np.append(new.nonzero()[0], len(keys)))
    by_first = heads.argsort()
    rank = np.empty_like(by_first)
    rank[by_first] = np.arange(len(by_first))
    members = order[rank[new.cumsum() - 1].argsort(kind="stable")]
    return members, sizes[by_first], heads[by_first]


@dataclass
class _Entries:
    """Some entries of a CSR matrix, as the arrays of one (what top_shared_terms_of_rows reads)."""
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray


def _anchor_terms(index: LinkIndex) -> _Entries:
    """Each page's TF-IDF entries that may serve as shared-term anchors to it: shareable terms at least as heavy
    as its characteristic bar. Selected once per run (index.derived): each page is a neighbour of some thirty
    others, which would otherwise select them again from its whole row."""
    if "anchor_terms" not in index.derived:
        matrix = index.model.matrix
        rows = np.repeat(np.arange(len(matrix.indptr) - 1), np.diff(matrix.indptr))
        keep = index.shareable_terms[matrix.indices] & (matrix.data >= index.characteristic_bar[rows])
        indptr = np.zeros(len(matrix.indptr), dtype=np.int64)
        np.cumsum(np.bincount(rows[keep], minlength=len(indptr) - 1), out=indptr[1:])
        index.derived["anchor_terms"] = _Entries(indptr, matrix.indices[keep], matrix.data[keep])
    return index.derived["anchor_terms"]


def _shared_terms(index: LinkIndex, targets: list[int], source_row: np.ndarray) -> list[list[tuple[str, int]]]:
    """Each neighbour's most distinctive terms that the source also uses, as (term, document frequency)."""
    model = index.model
    found = []
    for columns in top_shared_terms_of_rows(_anchor_terms(index), targets, source_row, index.shareable_terms,
                                            2 * SHARED_PER_TARGET, index.characteristic_bar[targets]):
        terms = zip(model.terms[columns].tolist(), model.df[columns].tolist())
        found.append([(term, df) for term, df in terms if is_acceptable_anchor(term)][:SHARED_PER_TARGET])
    return found


def _shared_term_rows(index: LinkIndex, source_row: np.ndarray, targets: list[int], words: PageWords,
                      ids: np.ndarray) -> dict[str, list]:
    """For TF-IDF neighbours with no mention: single-term anchors from their shared distinctive terms.

    TF-IDF terms are lowercased, so an occurrence only counts when the target spells it the same way
    (PyObject is not pyobject).
    """
    wanted = dict(zip(targets, _shared_terms(index, targets, source_row)))
    terms = {term for found in wanted.values() for term, _df in found}
    vocabulary = index.tokens.vocabulary
    term_of = {vocabulary[term]: term for term in terms if term in vocabulary}   # TF-IDF terms all are
    wanted_ids = np.zeros(len(vocabulary), dtype=bool)
    wanted_ids[list(term_of)] = True
    found_at = wanted_ids[ids].nonzero()[0]
    by_spelling: dict[str, dict[str, list[tuple[int, int]]]] = {}
    for start, end, token, spelling in zip(words.starts[found_at].tolist(), words.ends[found_at].tolist(),
                                           ids[found_at].tolist(), words[found_at]):
        by_spelling.setdefault(term_of[token], {}).setdefault(spelling, []).append((start, end))
    rows: dict[str, list] = {"target": [], "term": [], "df": [], "spans": []}
    for target, found in wanted.items():
        text = index.texts[target]
        for term, df in found:
            spelled = [spans for spelling, spans in by_spelling.get(term, {}).items() if _spelled_in(spelling, text)]
            if spelled:
                rows["target"].append(target)
                rows["term"].append(term)
                rows["df"].append(df)
                rows["spans"].append(spelled[0] if len(spelled) == 1 else sorted(s for spans in spelled for s in spans))
    return rows


@lru_cache(maxsize=1 << 16)   # neighbours share the same distinctive terms with many pages (str hashes are cached)
def _spelled_in(spelling: str, text: str) -> bool:
    return spelling in text
