"""PhraseMatcher: every phrase of a PhraseIndex found in a page's token ids with numpy, a trie level at a time."""
from __future__ import annotations

import numpy as np

from inlink.links.anchors import KINDS, Match, PhraseIndex
from inlink.links.tokens import _BASIC_PLANE, _code_units, distinct

class PhraseMatcher:
    """Every phrase of a PhraseIndex found in token ids with numpy, one trie level at a time.

    Why: walking the trie token by token in Python was the engine's costliest loop. Here the phrase trie is
    flattened into sorted edge keys (parent node × token code) and all positions of a page (or of the whole
    site at once) advance together: level L keeps the positions whose first L tokens spell a trie prefix, so
    the work is a few array operations per level, and Python only sees the occurrences found.
    """

    def __init__(self, phrases: PhraseIndex, vocabulary: dict[str, int]) -> None:
        self.phrases = phrases.phrases
        self.code = np.full(len(vocabulary) + 1, -1, dtype=np.int32)   # token id -> code; [-1] for id -1
        codes: dict[int, int] = {}
        edges: dict[tuple[int, int], int] = {}                          # (node, code) -> child node
        ends: dict[int, list[int]] = {}                                 # node -> phrase ids ending there
        for pid, phrase in enumerate(self.phrases):
            ids = [vocabulary.get(token) for token in phrase.key]
            if None in ids:
                continue   # a token no page holds: the phrase never occurs
            node = 0
            for token_id in ids:
                code = codes.setdefault(token_id, len(codes))
                node = edges.setdefault((node, code), len(edges) + 1)
            ends.setdefault(node, []).append(pid)
        self.code[list(codes)] = list(codes.values())
        self.width = max(1, len(codes))
        keys = np.array([parent * self.width + code for parent, code in edges], dtype=np.int64)
        order = np.argsort(keys)
        self.edge_keys = keys[order]
        self.edge_child = np.array(list(edges.values()), dtype=np.int64)[order]
        self.has_child = np.zeros(len(edges) + 1, dtype=bool)   # a node some phrase goes on from
        self.has_child[self.edge_keys // self.width] = True
        self.ends = [()] * (len(edges) + 1)
        for node, pids in ends.items():
            self.ends[node] = tuple(pids)
        self.is_end = np.array([bool(pids) for pids in self.ends], dtype=bool)
        self.first = np.full(self.width, -1, dtype=np.int64)   # code -> the root's child (the widest level)
        for (parent, code), child in edges.items():
            if parent == 0:
                self.first[code] = child
        self._index_spellings()

    def __getstate__(self) -> dict:
        return {**self.__dict__, "phrases": None}   # the index's own list, put back by LinkIndex.__setstate__

    def _index_spellings(self) -> None:
        """Flat arrays for mentions(): each node's phrase ids, and each phrase's case sensitivity and original
        tokens, with whether each differs from its lowercase (so most exactness checks need no string)."""
        counts = np.array([len(pids) for pids in self.ends], dtype=np.int64)
        self.node_ptr = np.zeros(len(self.ends) + 1, dtype=np.int64)
        np.cumsum(counts, out=self.node_ptr[1:])
        self.node_pids = np.array([pid for pids in self.ends for pid in pids], dtype=np.int64)
        # phrase id -> the trie node of its key (phrases spelled alike share it; -1: no page can hold the phrase)
        self.key_of = np.full(len(self.phrases), -1, dtype=np.int64)
        self.key_of[self.node_pids] = np.arange(len(self.ends)).repeat(counts)
        self.case_sensitive = np.array([phrase.case_sensitive for phrase in self.phrases], dtype=bool)
        self.original_tokens = [token for phrase in self.phrases for token in phrase.original]
        self.original_ptr = np.zeros(len(self.phrases) + 1, dtype=np.int64)
        np.cumsum([len(phrase.original) for phrase in self.phrases], out=self.original_ptr[1:])
        self.original_cased = np.array([token != key for phrase in self.phrases
                                        for token, key in zip(phrase.original, phrase.key)], dtype=bool)
        self._index_targets()

    def _index_targets(self) -> None:
        """Each phrase's targets and kinds as flat arrays (in the phrase's own order), its number of targets and
        its length in characters: what a page's mentions are grouped and scored with, without Python loops."""
        self.senses = np.array([len(phrase.targets) for phrase in self.phrases], dtype=np.int64)
        self.target_ptr = np.zeros(len(self.phrases) + 1, dtype=np.int64)
        np.cumsum(self.senses, out=self.target_ptr[1:])
        self.target_ids = np.array([t for phrase in self.phrases for t in phrase.targets], dtype=np.int64)
        code = {kind: i for i, kind in enumerate(KINDS)}
        self.target_kinds = np.array([code[kind] for phrase in self.phrases for kind in phrase.targets.values()],
                                     dtype=np.int64)
        self.chars = np.array([len(" ".join(phrase.key)) for phrase in self.phrases], dtype=np.int64)

    def words(self, pids: np.ndarray) -> np.ndarray:
        """Each phrase's number of words (its original tokens), for phrase ids >= 0: a feature of the confidence
        (evidence.row_logits) and the one-word names a recapitalised spelling does not name (ranking)."""
        return self.original_ptr[pids + 1] - self.original_ptr[pids]

    def occurrences(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(start, length, trie node) of every phrase occurrence in a token id sequence (-1 ids never match),
        ordered by start, then length."""
        codes = self.code[ids]
        n = len(codes)
        pos = (codes >= 0).nonzero()[0]
        node = self.first[codes[pos]]
        pos, node = pos[node >= 0], node[node >= 0]
        done = self.is_end[node]
        found_pos, found_len, found_node = [pos[done]], [np.ones(int(done.sum()), dtype=np.int64)], [node[done]]
        length = 1
        more = (pos + length < n) & self.has_child[node]   # only a prefix some phrase goes on from can grow
        pos, node = pos[more], node[more]
        while pos.size and self.edge_keys.size:
            key = node * self.width + codes[pos + length]
            at = np.minimum(self.edge_keys.searchsorted(key), self.edge_keys.size - 1)
            step = (self.edge_keys[at] == key) & (codes[pos + length] >= 0)
            pos, node, length = pos[step], self.edge_child[at[step]], length + 1
            done = self.is_end[node]
            found_pos.append(pos[done])
            found_node.append(node[done])
            found_len.append(np.full(int(done.sum()), length, dtype=np.int64))
            more = (pos + length < n) & self.has_child[node]
            pos, node = pos[more], node[more]
        starts, lengths, nodes = (np.concatenate(parts) for parts in (found_pos, found_len, found_node))
        order = np.lexsort((lengths, starts))
        return starts[order], lengths[order], nodes[order]

    def scan(self, ids: np.ndarray, words) -> list[Match]:
        """All phrase occurrences (overlapping ones included) in text order, as PhraseIndex.scan finds them
        in the same tokens: a case-sensitive phrase only where `words` (original case, a tokens.PageWords)
        spell it."""
        found = self.mentions(ids, words)
        return [Match(*match) for match in zip(*(part.tolist() for part in found))]

    def mentions(self, ids: np.ndarray, words, codes: np.ndarray | None = None,
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """scan() as arrays (first token, end token, phrase id, exact), in the same order (`codes`: the text's
        characters as tokens._code_units gives them, when the caller has them).

        Why arrays: a page holds hundreds of occurrences of a few dozen phrases; the ranking groups them by
        phrase and target with numpy, so no Python object is made per occurrence."""
        return self.mentions_of(self.occurrences(ids), words, codes)

    def mentions_of(self, occurrences: tuple[np.ndarray, np.ndarray, np.ndarray], words,
                    codes: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """mentions() from the occurrences (start, length, trie node) occurrences() finds in the same ids."""
        starts, lengths, nodes = occurrences
        counts = self.node_ptr[nodes + 1] - self.node_ptr[nodes]
        occurrence = np.arange(len(nodes)).repeat(counts)
        pids = self.node_pids[self.node_ptr[nodes][occurrence] + ranks_within(counts)]
        first, length = starts[occurrence], lengths[occurrence]
        exact = self._exact(words, first, length, pids, codes)
        keep = exact | ~self.case_sensitive[pids]
        return first[keep], (first + length)[keep], pids[keep], exact[keep]

    def _exact(self, words, first: np.ndarray, length: np.ndarray, pids: np.ndarray,
               codes: np.ndarray | None = None) -> np.ndarray:
        """Whether each occurrence spells its phrase with the phrase's own capitalisation, token by token.

        The token ids already agree in lowercase, so a token that equals its lowercase (most do) matches the
        original exactly when that one does too; only tokens that both carry capitals are compared as strings."""
        if not len(pids):
            return np.zeros(0, dtype=bool)
        within = ranks_within(length)
        token = first.repeat(length) + within
        original = self.original_ptr[pids].repeat(length) + within
        cased, unsure = _cased_tokens(words.text, words.starts[token], words.ends[token], codes)
        same = cased == self.original_cased[original]
        compare = ((cased & self.original_cased[original]) | unsure).nonzero()[0]
        if compare.size:
            text, spelled = words.text, self.original_tokens
            same[compare] = [text[s:e] == spelled[o] for s, e, o in zip(
                words.starts[token[compare]].tolist(), words.ends[token[compare]].tolist(), original[compare].tolist())]
        return np.logical_and.reduceat(same, length.cumsum() - length)

    def document_frequency(self, pages: list[np.ndarray], chunk: int = 2_000_000) -> np.ndarray:
        """For each phrase, in how many of the token id sequences it occurs (any case): pages are matched
        together, about `chunk` tokens at a time (the level arrays of a 50k-page site at once would take GBs)."""
        pages_per_node = np.zeros(len(self.ends), dtype=np.int64)
        separator = np.full(1, -1, dtype=np.int32)
        first = 0
        while first < len(pages):
            last, size = first, 0
            while last < len(pages) and (last == first or size + len(pages[last]) <= chunk):
                size += len(pages[last]) + 1
                last += 1
            group = pages[first:last]
            joined = np.concatenate([part for page in group for part in (page, separator)])
            starts, _lengths, nodes = self.occurrences(joined)
            page_of = np.searchsorted(np.cumsum([len(page) + 1 for page in group]), starts, side="right")
            pages_per_node += self.pages_per_node(nodes, page_of, len(group))
            first = last
        return self.phrase_frequency(pages_per_node)

    def pages_per_node(self, nodes: np.ndarray, page_of: np.ndarray, pages: int) -> np.ndarray:
        """For each trie node, how many of `pages` pages hold an occurrence of it (occurrences as `nodes`,
        each in page `page_of`, 0 <= page_of < pages)."""
        return np.bincount(distinct(nodes * pages + page_of) // pages, minlength=len(self.ends))

    def phrase_frequency(self, pages_per_node: np.ndarray) -> np.ndarray:
        """Each phrase's document frequency from its trie node's (pages_per_node; 0 for a phrase no page can
        hold, key_of -1)."""
        return np.where(self.key_of >= 0, pages_per_node[self.key_of], 0).astype(np.int32)


def ranks_within(counts: np.ndarray) -> np.ndarray:
    """0, 1, ..., n-1 for each run of np.repeat(..., counts): each repeated item's position in its run."""
    return np.arange(int(counts.sum())) - (counts.cumsum() - counts).repeat(counts)


def _cased_tokens(text: str, starts: np.ndarray, ends: np.ndarray, codes: np.ndarray | None = None,
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Per token [starts, ends) of text (tokens are never empty): whether it differs from its lowercase (holds a
    capital), and whether that is unsure, as a character lowercases to several ('İ'). Only the tokens' own
    characters are read, each looked up in a table of the basic plane (str.lower is character by character, but
    for the final sigma, which is cased either way)."""
    if not len(starts):
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    codes = _code_units(text)[0] if codes is None else codes
    lengths = ends - starts
    first = lengths.cumsum() - lengths
    chars = codes[starts.repeat(lengths) + ranks_within(lengths)]
    if codes.dtype.itemsize == 1:
        return np.logical_or.reduceat((chars >= ord("A")) & (chars <= ord("Z")), first), np.zeros(len(starts), bool)
    inside = np.minimum(chars, _BASIC_PLANE - 1) if codes.dtype.itemsize == 4 else chars
    case = _plane_case(inside)
    cased, grows = case == _CASED, case == _GROWS
    if codes.dtype.itemsize == 4:
        for at in np.flatnonzero(chars >= _BASIC_PLANE).tolist():
            char = chr(int(chars[at]))
            cased[at], grows[at] = char.lower() != char, len(char.lower()) != 1
    return np.logical_or.reduceat(cased, first), np.logical_or.reduceat(grows, first)


_UNCASED, _CASED, _GROWS = 1, 2, 3   # how a character of the basic plane lowercases (0: not asked yet)
_PLANE_CASE = np.zeros(_BASIC_PLANE, dtype=np.uint8)


def _plane_case(codes: np.ndarray) -> np.ndarray:
    """How each character (codes of the basic plane) lowercases: to itself, to another character (it is
    cased), or to several ('İ'). Each character is asked of str.lower the first time a page holds it."""
    case = _PLANE_CASE[codes]
    new = case == 0
    if new.any():
        for code in np.unique(codes[new]).tolist():
            lowered = chr(code).lower()
            _PLANE_CASE[code] = _GROWS if len(lowered) != 1 else _CASED if lowered != chr(code) else _UNCASED
        case = _PLANE_CASE[codes]
    return case
