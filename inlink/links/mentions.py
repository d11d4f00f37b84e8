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

from inlink.links.anchors import KINDS, OWN_NAME_KINDS
from inlink.links.matcher import ranks_within
from inlink.links.index import KEPT_MATCHES, LinkIndex
from inlink.links.similarity import top_shared_terms_of_pairs, top_shared_terms_of_rows
from inlink.links.text import is_acceptable_anchor
from inlink.links.joined import join_pages, occurrences_of
from inlink.links.tokens import PageWords

SHARED_PER_TARGET = 3      # shared-term anchors tried per TF-IDF neighbour
SHARED = KINDS.index("shared")
DEFINED = KINDS.index("defined")
KEY = KINDS.index("key")
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
    span_ptr: list[int]       # mention row r's occurrences: span_starts/ends[span_ptr[r]:span_ptr[r + 1]]
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
        lo, hi = self.span_ptr[row], self.span_ptr[row + 1]
        return list(zip(self.span_starts[lo:hi], self.span_ends[lo:hi]))


def linkable(index: LinkIndex, source: int, target: int) -> bool:
    """A target may receive a new link from source: indexable, not itself, not already linked."""
    return bool(index.is_target[target]) and target != source and (source, target) not in index.existing


def page_options(index: LinkIndex, source: int, source_row: np.ndarray) -> tuple[PageOptions, PageWords]:
    """Every anchor option of the page: the phrases it mentions, then shared terms for close pages it does
    not mention (TF-IDF neighbours); and the page's tokens."""
    words, mentioned = page_mentions(index, source)
    ids = index.tokens.page(source)
    named = set(mentioned["target"].tolist())
    unmentioned, terms = _shared_terms(index, source, named, source_row)
    shared = _shared_term_rows(index, unmentioned, terms, words, ids)
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
        span_ptr=span_ptr.tolist(), span_starts=mentioned["span_starts"], span_ends=mentioned["span_ends"],
        shared_terms=shared["term"], shared_spans=shared["spans"]), words


def _unmentioned(index: LinkIndex, source: int, named: set[int]) -> list[int]:
    """The source's TF-IDF neighbours that it may link and mentions by no phrase (shared-term candidates)."""
    changelog = index.changelog   # a release note shares a fix's words with the next one: no topic (changelog.py)
    return [t for t in index.neighbours[source].tolist()
            if t >= 0 and t not in named and linkable(index, source, t) and (changelog is None or not changelog[t])]


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


def _named_targets(index: LinkIndex, sources: np.ndarray, pids: np.ndarray,
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For distinct (source page, phrase id) pairs: (pair position, target, kind) of each target a phrase may
    link to from that page, pair by pair. None for the page's own name ("Getting Started" on a Getting Started
    page points at no other page); only linkable targets. Cold start: a name the page declares itself is its own,
    not another page's declaration of it (own_declaration)."""
    matcher = index.phrase_matcher()
    lo = matcher.target_ptr[pids]
    counts = matcher.target_ptr[pids + 1] - lo
    position = np.arange(len(pids)).repeat(counts)
    at = lo.repeat(counts) + ranks_within(counts)
    target, kind = matcher.target_ids[at], matcher.target_kinds[at]
    source = sources[position]
    own = np.zeros(len(pids), dtype=bool)
    own[position[(target == source) & _OWN_NAME_CODES[kind]]] = True
    keep = ~own[position] & index.is_target[target] & (target != source)
    if not index.dictionary.known:
        keep &= ~own_declaration(position, target, kind, source, _own_members(index, sources, pids))
    if index.existing:
        keep[keep] = ~_linked_already(index, source[keep], target[keep])
    return position[keep], target[keep], kind[keep]


def _own_members(index: LinkIndex, sources: np.ndarray, pids: np.ndarray) -> np.ndarray:
    """Per (source page, phrase id) pair: the phrase is a bare name the page declares qualified
    (index.member_keys: "get_fields" on the page declaring "Options.get_fields")."""
    keys = index.member_keys
    if keys is None or not len(keys):
        return np.zeros(len(pids), dtype=bool)
    return np.isin(pids.astype(np.int64) * len(index.urls) + sources, keys)


def own_declaration(position: np.ndarray, target: np.ndarray, kind: np.ndarray, source: np.ndarray,
                    members: np.ndarray) -> np.ndarray:
    """Per (pair position, target, kind) row: another page's declaration of a name the source page declares too
    ("serve_forever" on a page whose own server class declares serve_forever() is that method, not an event
    loop's of the same name; "get_context_data" on a mixin's page that overrides it). A page's members are named
    bare in its own text, so a bare name there means the page's own; the target whose title is that name still
    names it, and so do its other kinds of evidence. Another page's key phrase of that name ("parseString()" weighs
    most on minidom's page) is dropped likewise: xml.dom.pulldom, which declares its own parseString(), linked it
    to minidom's.

    Why cold start only: with the site's links given, their anchors say which page the site means (recovery R@10
    was 0.001-0.002 lower with the rule)."""
    declares = members.copy()   # per pair: a bare name the page declares qualified (_own_members)
    declares[position[(target == source) & (kind == DEFINED)]] = True
    return declares[position] & ((kind == DEFINED) | (kind == KEY)) & (target != source)


def _linked_already(index: LinkIndex, sources: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Whether each (source, target) pair is an existing link: a search of the pairs as sorted numbers (made once
    per run, in index.derived), not a set lookup per pair."""
    keys = index.derived.get("existing_keys")
    if keys is None:
        pairs = np.array(list(index.existing), dtype=np.int64).reshape(-1, 2)
        keys = index.derived["existing_keys"] = np.sort(pairs[:, 0] * len(index.urls) + pairs[:, 1])
    wanted = sources * len(index.urls) + targets
    at = np.minimum(keys.searchsorted(wanted), len(keys) - 1)
    return keys[at] == wanted


CHUNK_PAGES = 64           # source pages whose mentions are found together, at most (see page_mentions) ...
CHUNK_TOKENS = 400_000     # ... and about this many tokens


@dataclass
class _Mentions:
    """The mention rows of a few consecutive pages (each page's rows, spans and tokens contiguous)."""
    slot: dict[int, int]      # page -> its place among the chunk's pages
    size: int                 # pages asked for (the chunk grows while the pages are read in order)
    next: int                 # the source page after the chunk's last one (-1: none)
    token_ptr: list[int]      # the tokens of the page in slot s: starts/ends[token_ptr[s]:token_ptr[s + 1]]
    starts: np.ndarray        # token offsets, each in its own page's text
    ends: np.ndarray
    row_ptr: list[int]        # its rows: [row_ptr[s]:row_ptr[s + 1]] of every array in rows
    rows: dict[str, np.ndarray]
    span_ptr: list[int]       # its spans: span_starts/ends[span_ptr[s]:span_ptr[s + 1]]
    span_starts: list[int]    # character offsets in the page's text
    span_ends: list[int]

    def page(self, index: LinkIndex, page: int) -> tuple[PageWords, dict]:
        s = self.slot[page]
        tokens, rows, spans = (slice(ptr[s], ptr[s + 1]) for ptr in (self.token_ptr, self.row_ptr, self.span_ptr))
        found = {name: values[rows] for name, values in self.rows.items()}
        found["span_starts"], found["span_ends"] = self.span_starts[spans], self.span_ends[spans]
        return PageWords(index.texts[page], self.starts[tokens], self.ends[tokens]), found


def page_mentions(index: LinkIndex, source: int) -> tuple[PageWords, dict]:
    """The page's tokens (original case, with offsets) and one row per target, phrase and capitalisation it
    mentions, with the occurrences in text order; rows in the order of their first occurrence.

    Why in chunks: a page's mentions take a few dozen array operations on a few thousand tokens, so their cost
    is the operations' own, not the tokens'. The pages of a run are read in order, so while they are, the
    mentions of the next pages are found together (1, 2, 4, ... up to CHUNK_PAGES pages at a time, kept in
    index.derived until the run leaves them); a page asked out of order is found alone. Each page's rows are
    what finding it alone gives (tests/test_tokens.py checks it)."""
    chunk = index.derived.get("mentions")
    if chunk is None or source not in chunk.slot:
        chunk = _find_mentions(index, *_chunk_pages(index, source, chunk))
        index.derived["mentions"] = chunk   # one assignment: a concurrent reader keeps the chunk it took
    return chunk.page(index, source)


def _chunk_pages(index: LinkIndex, source: int, previous: _Mentions | None) -> tuple[list[int], int, int]:
    """The pages to find with `source` (itself and the source pages after it; or, for a run reading the pages
    backwards, the ones before the previous chunk down to it: _backwards), how many were asked for, and the
    source page after them."""
    order = index.derived.get("source_order")
    if order is None:
        order = index.derived["source_order"] = np.flatnonzero(index.is_source)
    at = int(order.searchsorted(source))
    if at >= len(order) or int(order[at]) != source:
        return [source], 1, -1
    backwards = _backwards(order, index.tokens.ptr, at, previous)
    if backwards is not None:
        return backwards
    size = min(CHUNK_PAGES, 2 * previous.size) if previous is not None and previous.next == source else 1
    ptr, pages = index.tokens.ptr, [source]
    tokens = int(ptr[source + 1] - ptr[source])
    for page in order[at + 1:at + size].tolist():
        tokens += int(ptr[page + 1] - ptr[page])
        if tokens > CHUNK_TOKENS:
            break
        pages.append(page)
    after = at + len(pages)
    return pages, size, int(order[after]) if after < len(order) else -1


def _backwards(order: np.ndarray, ptr: np.ndarray, at: int, previous: _Mentions | None,
               ) -> tuple[list[int], int, int] | None:
    """The chunk for a run reading the pages backwards a few at a time (the second core's half of a job:
    second_core.FromBothEnds), when `source` (at `at` in the source order) lies before the previous chunk and
    within twice its size of it: the pages from `source` up to the previous chunk's first one, extended back to
    twice the previous size (up to CHUNK_PAGES, and to CHUNK_TOKENS tokens as long as `source` stays in). Else
    None (read forwards, or a jump). Why: read backwards, each chunk held one page or grew past pages already
    done, and the child's pages cost twice a forward page (docs corpus: 7 ms against 3.6 ms)."""
    if previous is None:
        return None
    first = next(iter(previous.slot))
    end = int(order.searchsorted(first))   # the previous chunk's first page, in the order
    size = min(CHUNK_PAGES, 2 * previous.size)
    if end >= len(order) or int(order[end]) != first or not end - size <= at < end:
        return None
    start, tokens = end, 0
    while start > max(end - size, 0):
        page = int(order[start - 1])
        tokens += int(ptr[page + 1] - ptr[page])
        if tokens > CHUNK_TOKENS and start <= at:
            break
        start -= 1
    return order[start:end].tolist(), size, int(order[end])


def _find_mentions(index: LinkIndex, pages: list[int], size: int, after: int) -> _Mentions:
    """The mention rows of `pages`, found together: their texts joined by a separator that is a token of its
    own ("_" between line breaks), so token positions line up with their ids joined by -1 (which no phrase
    matches), and the page is one more key wherever rows are grouped (joined.join_pages). In the run that built
    the index, the tokeniser's offsets and the index step's phrase occurrences are taken (joined.KeptMatches):
    the same ones, found once."""
    texts = [index.texts[page] for page in pages]
    page_ids = [index.tokens.page(page) for page in pages]
    found = index.derived.get(KEPT_MATCHES)   # the index step's token offsets and matches, in the run that built it
    joined = join_pages(texts, page_ids, found.offsets(pages, page_ids) if found is not None else None)
    if joined is None:
        return _one_by_one(index, pages, size, after)   # a page whose offsets and ids differ in number
    codes, char_base, token_base, starts, ends, ids = joined.codes, joined.char_base, joined.token_base, \
        joined.starts, joined.ends, joined.ids
    lengths = np.array([len(page) for page in page_ids], dtype=np.int64)
    slot_of = np.arange(len(pages)).repeat(lengths + 1)[:len(ids)]
    local = char_base[slot_of]
    matcher = index.phrase_matcher()
    first, end, pids, exact = matcher.mentions_of(occurrences_of(matcher, joined, pages, found, keep=False),
                                                  PageWords(joined.text, starts, ends), codes)
    whole = _within_blocks(index, pages, char_base, starts[first], ends[end - 1])
    first, end, pids, exact = first[whole], end[whole], pids[whole], exact[whole]
    kept = longest_matches(first, end)
    first, end, pids, exact = first[kept], end[kept], pids[kept], exact[kept]
    slot = slot_of[first]
    phrases = len(index.phrases.phrases)
    pairs, pair_of = _distinct(slot * phrases + pids)
    position, named, kinds = _named_targets(index, np.asarray(pages, dtype=np.int64)[pairs // phrases],
                                            pairs % phrases)
    counts = np.bincount(position, minlength=len(pairs))
    per_match = counts[pair_of]
    match = np.arange(len(pids)).repeat(per_match)      # one row per (match, target), in match order
    at = (counts.cumsum() - counts)[pair_of][match] + ranks_within(per_match)
    target, kind = named[at], kinds[at]
    own = _not_shouted(index, joined.text, starts[first[match]], ends[end[match] - 1], exact[match], target)
    match, target, kind = match[own], target[own], kind[own]
    key = ((slot[match] * len(index.urls) + target) * phrases + pids[match]) * 2 + exact[match]
    members, sizes, head = _groups(key)
    rows = match[members]                                    # each group's matches together, in text order
    pid = pids[match[head]]
    row_ptr = np.searchsorted(slot[match[head]], np.arange(len(pages) + 1))
    span_ptr = np.zeros(len(sizes) + 1, dtype=np.int64)
    sizes.cumsum(out=span_ptr[1:])
    token_ptr = np.zeros(len(pages) + 1, dtype=np.int64)
    lengths.cumsum(out=token_ptr[1:])
    real = np.ones(len(ids), dtype=bool)
    real[token_base[1:] - 1] = False                         # the separators' own tokens
    return _Mentions(
        slot={page: s for s, page in enumerate(pages)}, size=size, next=after, token_ptr=token_ptr.tolist(),
        starts=(starts - local)[real], ends=(ends - local)[real], row_ptr=row_ptr.tolist(),
        rows={"target": target[head], "phrase": pid, "exact": exact[match[head]], "kind": kind[head],
              "df": index.phrase_df[pid].astype(np.int64), "senses": matcher.senses[pid],
              "chars": matcher.chars[pid], "span_counts": sizes},
        span_ptr=span_ptr[row_ptr].tolist(), span_starts=(starts[first[rows]] - local[first[rows]]).tolist(),
        span_ends=(ends[end[rows] - 1] - local[first[rows]]).tolist())


def _within_blocks(index: LinkIndex, pages: list[int], char_base: np.ndarray, starts: np.ndarray,
                   ends: np.ndarray) -> np.ndarray:
    """Per match (`starts`, `ends`: its characters in the joined text of `pages`), False for one that runs from one
    of its page's blocks into the next, on a page whose blocks came with it (HTML input: index.own_blocks). Why
    before the longest match is kept: such a match is never an anchor (one stands within one block of prose), yet
    it hid the shorter ones inside it. A "See also" box's term followed by its description ("Module smtpd" then
    "SMTP server framework") read as the title "smtpd — SMTP Server", so the term, the link the site made, had no
    anchor left."""
    keep = np.ones(len(starts), dtype=bool)
    own = index.own_blocks
    if own is None or not index.blocks or not len(starts):
        return keep
    bounds = [np.array([edge for _kind, start, end in index.blocks[page] for edge in (start, end)],
                       dtype=np.int64) + base
              for page, base in zip(pages, char_base.tolist()) if own[page] and index.blocks[page]]
    if not bounds:
        return keep
    edges = np.unique(np.concatenate(bounds))
    after = np.searchsorted(edges, starts, side="right")   # the first block edge after the match's start
    inside = after < len(edges)
    keep[inside] = edges[after[inside]] >= ends[inside]
    return keep


def _not_shouted(index: LinkIndex, text: str, starts: np.ndarray, ends: np.ndarray, exact: np.ndarray,
                 targets: np.ndarray) -> np.ndarray:
    """Per (match, target) row, text[starts:ends] its words: False for a match written in capitals throughout
    that its target spells otherwise and never so. Why: a word in capitals is an acronym or a name of its own
    (Django's TEMPLATES and MANAGERS settings, sys's "REPL"), not the lowercase word a target defines
    ("templates", "managers", re.sub's `repl`); a target that writes it in capitals too ("XDR", "TOML") keeps it.
    Only inexact rows are read, and of those only the shouted ones look in the target's text."""
    keep = np.ones(len(targets), dtype=bool)
    for row in (~exact).nonzero()[0].tolist():
        spelled = text[starts[row]:ends[row]]
        if spelled.isupper() and spelled not in index.texts[targets[row]]:
            keep[row] = False
    return keep


def _one_by_one(index: LinkIndex, pages: list[int], size: int, after: int) -> _Mentions:
    """The first page alone (the chunk does not grow past a page whose tokens do not line up)."""
    if len(pages) == 1:
        raise ValueError(f"page {pages[0]}: its token offsets and token ids differ in number")
    return _find_mentions(index, pages[:1], 1, pages[1])


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


def _shared_terms(index: LinkIndex, source: int, named: set[int], source_row: np.ndarray,
                  ) -> tuple[list[int], list[list[tuple[str, int]]]]:
    """The source's shared-term candidates (_unmentioned; `named`: the targets it mentions) and each one's most
    distinctive terms that the source also uses, as (term, document frequency).

    Found for the pages of the source's mention chunk together (page_mentions; `named` is then what the chunk's
    rows name): one selection for a few dozen pages instead of one each (similarity.top_shared_terms_of_pairs
    gives each page's own columns). A page outside the current chunk (another thread moved it on) is found
    alone."""
    chunk = index.derived.get("shared_terms")
    if chunk is None or source not in chunk[0]:
        chunk = _shared_terms_of_chunk(index)
        index.derived["shared_terms"] = chunk   # one assignment: a concurrent reader keeps the chunk it took
    pages, per_page = chunk
    if source in pages:
        return per_page[pages[source]]
    targets = _unmentioned(index, source, named)
    return targets, _acceptable_terms(index, top_shared_terms_of_rows(
        _anchor_terms(index), targets, source_row, index.shareable_terms, 2 * SHARED_PER_TARGET,
        index.characteristic_bar[targets]))


def _shared_terms_of_chunk(index: LinkIndex) -> tuple[dict[int, int], list[tuple[list[int], list]]]:
    """_shared_terms of every page of the current mention chunk (index.derived["mentions"]): per page (by its
    place), the targets asked (_unmentioned) and their terms."""
    chunk: _Mentions | None = index.derived.get("mentions")
    if chunk is None:
        return {}, []
    pages = list(chunk.slot)
    targets = [_unmentioned(index, page, set(chunk.rows["target"][chunk.row_ptr[s]:chunk.row_ptr[s + 1]].tolist()))
               for s, page in enumerate(pages)]
    rows = np.array([t for found in targets for t in found], dtype=np.int64)
    sources = np.repeat(np.array(pages, dtype=np.int64), [len(found) for found in targets])
    pair, column = top_shared_terms_of_pairs(_anchor_terms(index), rows, index.model.matrix, sources,
                                             index.shareable_terms, 2 * SHARED_PER_TARGET,
                                             index.characteristic_bar[rows])
    ok = _acceptable_columns(index, column)
    before = np.cumsum(ok) - ok                               # acceptable candidates before each one ...
    rank = before - before[np.searchsorted(pair, pair)]       # ... in its own pair
    kept = ok & (rank < SHARED_PER_TARGET)
    per_pair: list[list[tuple[str, int]]] = [[] for _ in range(len(rows))]
    model = index.model
    for at, term, df in zip(pair[kept].tolist(), model.terms[column[kept]].tolist(), model.df[column[kept]].tolist()):
        per_pair[at].append((term, df))
    bounds = np.cumsum([0] + [len(found) for found in targets]).tolist()
    return ({page: s for s, page in enumerate(pages)},
            [(found, per_pair[lo:hi]) for found, lo, hi in zip(targets, bounds[:-1], bounds[1:])])


def _acceptable_columns(index: LinkIndex, columns: np.ndarray) -> np.ndarray:
    """Whether each TF-IDF column's term may be an anchor (is_acceptable_anchor), from a table kept for the run
    (index.derived: -1 until a column is first asked)."""
    table = index.derived.get("acceptable_columns")
    if table is None:
        table = index.derived["acceptable_columns"] = np.full(len(index.model.terms), -1, dtype=np.int8)
    unknown = np.unique(columns[table[columns] < 0])
    if len(unknown):
        table[unknown] = [is_acceptable_anchor(term) for term in index.model.terms[unknown].tolist()]
    return table[columns] == 1


def _acceptable_terms(index: LinkIndex, per_target: list[list[int]]) -> list[list[tuple[str, int]]]:
    """Of each target's candidate columns (best first), the first SHARED_PER_TARGET whose term may be an anchor
    (_acceptable_columns: the run's one table of it), as (term, document frequency)."""
    model = index.model
    columns = np.array([column for found in per_target for column in found], dtype=np.int64)
    rows = zip(model.terms[columns].tolist(), model.df[columns].tolist(), _acceptable_columns(index, columns).tolist())
    found = []
    for candidates in per_target:
        kept = []
        for _column, (term, df, ok) in zip(candidates, rows):   # every candidate is read, kept or not
            if ok and len(kept) < SHARED_PER_TARGET:
                kept.append((term, df))
        found.append(kept)
    return found


def _shared_term_rows(index: LinkIndex, targets: list[int], terms: list[list[tuple[str, int]]], words: PageWords,
                      ids: np.ndarray) -> dict[str, list]:
    """For TF-IDF neighbours with no mention (`targets`, with their shared distinctive `terms`: _shared_terms):
    single-term anchors from those terms.

    TF-IDF terms are lowercased, so an occurrence only counts when the target spells it the same way
    (PyObject is not pyobject).
    """
    wanted = dict(zip(targets, terms))
    terms = {term for found in wanted.values() for term, _df in found}   # (the distinct ones)
    vocabulary = index.tokens.vocabulary
    term_of = {vocabulary[term]: term for term in terms if term in vocabulary}   # TF-IDF terms all are
    wanted_ids = np.array(sorted(term_of), dtype=ids.dtype)   # a search, not a mask over the whole vocabulary
    at = np.minimum(wanted_ids.searchsorted(ids), max(0, len(wanted_ids) - 1))   # (a ufunc: .clip costs more)
    found_at = (wanted_ids[at] == ids).nonzero()[0] if len(wanted_ids) else np.zeros(0, dtype=np.int64)
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
