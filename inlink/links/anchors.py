"""Anchor mining: a site-wide phrase index (target titles, heads, H1s, key phrases, inbound anchors).

Why a trie over token ids (PhraseIndex holds the phrases, PhraseMatcher walks them): each source page is scanned
once against every phrase of every target, all its positions a trie level at a time; the work per page grows
with the page's length, not with the number of targets (no pages × targets loop).
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from inlink.links.text import TOKEN_RE, is_acceptable_anchor, is_code_like, tokens

MAX_PHRASE_TOKENS = 12
SITE_RATE_MIN_PAGES = 5   # a phrase fewer pages mention says little about how thoroughly the site links
SITE_RATE_MIN_PAIRS = 10
TERM_NAME_TOKENS = 3   # a declaration is a name with at most a keyword and a type before it ("static int x")
_END = ""  # trie key that holds the phrase ids ending at a node ("" is never a token)

# Evidence that a phrase names its target, strongest first.
KIND_WEIGHT = {"inbound": 1.0, "title": 0.95, "defined": 0.92, "h1": 0.9, "head": 0.85, "key": 0.55, "shared": 0.35}
KINDS = tuple(KIND_WEIGHT)   # a kind's code in arrays (PhraseMatcher.target_kinds)
KIND_LABEL = {
    "inbound": "an anchor other pages already use for the target",
    "title": "the target's title",
    "h1": "the target's main heading",
    "head": "the head of the target's title",
    "defined": "a name the target defines",
    "key": "a key phrase of the target",
    "shared": "a distinctive term both pages use",
}


@dataclass
class Phrase:
    """One matchable phrase: lowercased tokens, whether case matters, and the targets it names."""
    key: tuple[str, ...]
    case_sensitive: bool
    original: tuple[str, ...]
    targets: dict[int, str] = field(default_factory=dict)   # target index -> strongest kind


class Match(NamedTuple):
    """Tokens [start, end) of a source page spell phrase `phrase` (exact: with the phrase's own capitalisation)."""
    start: int
    end: int
    phrase: int
    exact: bool = False


class PhraseIndex:
    """Every anchor phrase of every target, in a trie keyed by lowercased tokens."""

    def __init__(self) -> None:
        self.trie: dict = {}
        self.phrases: list[Phrase] = []
        self._ids: dict[tuple, int] = {}

    def add(self, text: str, target: int, kind: str) -> int | None:
        """Register `text` as an anchor for `target`; returns the phrase id, or None when it is unusable."""
        original = tuple(tokens(text))
        if not original or len(original) > MAX_PHRASE_TOKENS:
            return None
        joined = " ".join(original)
        if not is_acceptable_anchor(joined):
            return None
        key = tuple(map(str.lower, original))
        case_sensitive = is_code_like(joined)   # one search: no code shape spans the spaces between tokens
        identity = (key, original if case_sensitive else None)
        pid = self._ids.get(identity)
        if pid is None:
            pid = len(self.phrases)
            self._ids[identity] = pid
            self.phrases.append(Phrase(key, case_sensitive, original))
            node = self.trie
            for token in key:
                node = node.setdefault(token, {})
            node.setdefault(_END, []).append(pid)
        known = self.phrases[pid].targets.get(target)
        if known is None or KIND_WEIGHT[kind] > KIND_WEIGHT[known]:
            self.phrases[pid].targets[target] = kind
        return pid

    def ids_for(self, key: tuple[str, ...]) -> tuple[int, ...]:
        """The ids of the phrases (any capitalisation) with these lowercased tokens."""
        node = self.trie
        for token in key:
            node = node.get(token)
            if node is None:
                return ()
        return tuple(node.get(_END, ()))

    def phrases_for(self, key: tuple[str, ...]) -> list[Phrase]:
        """The phrases (any capitalisation) with these lowercased tokens."""
        return [self.phrases[pid] for pid in self.ids_for(key)]


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
        self.ends = [()] * (len(edges) + 1)
        for node, pids in ends.items():
            self.ends[node] = tuple(pids)
        self.is_end = np.array([bool(pids) for pids in self.ends], dtype=bool)
        self.first = np.full(self.width, -1, dtype=np.int64)   # code -> the root's child (the widest level)
        for (parent, code), child in edges.items():
            if parent == 0:
                self.first[code] = child
        self._index_spellings()

    def _index_spellings(self) -> None:
        """Flat arrays for mentions(): each node's phrase ids, and each phrase's case sensitivity and original
        tokens, with whether each differs from its lowercase (so most exactness checks need no string)."""
        counts = np.array([len(pids) for pids in self.ends], dtype=np.int64)
        self.node_ptr = np.zeros(len(self.ends) + 1, dtype=np.int64)
        np.cumsum(counts, out=self.node_ptr[1:])
        self.node_pids = np.array([pid for pids in self.ends for pid in pids], dtype=np.int64)
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
        more = pos + length < n
        pos, node = pos[more], node[more]
        while pos.size and self.edge_keys.size:
            key = node * self.width + codes[pos + length]
            at = np.minimum(np.searchsorted(self.edge_keys, key), self.edge_keys.size - 1)
            step = (self.edge_keys[at] == key) & (codes[pos + length] >= 0)
            pos, node, length = pos[step], self.edge_child[at[step]], length + 1
            done = self.is_end[node]
            found_pos.append(pos[done])
            found_node.append(node[done])
            found_len.append(np.full(int(done.sum()), length, dtype=np.int64))
            more = pos + length < n
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

    def mentions(self, ids: np.ndarray, words) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """scan() as arrays (first token, end token, phrase id, exact), in the same order.

        Why arrays: a page holds hundreds of occurrences of a few dozen phrases; the ranking groups them by
        phrase and target with numpy, so no Python object is made per occurrence."""
        starts, lengths, nodes = self.occurrences(ids)
        counts = self.node_ptr[nodes + 1] - self.node_ptr[nodes]
        occurrence = np.arange(len(nodes)).repeat(counts)
        pids = self.node_pids[self.node_ptr[nodes][occurrence] + ranks_within(counts)]
        first, length = starts[occurrence], lengths[occurrence]
        exact = self._exact(words, first, length, pids)
        keep = exact | ~self.case_sensitive[pids]
        return first[keep], (first + length)[keep], pids[keep], exact[keep]

    def _exact(self, words, first: np.ndarray, length: np.ndarray, pids: np.ndarray) -> np.ndarray:
        """Whether each occurrence spells its phrase with the phrase's own capitalisation, token by token.

        The token ids already agree in lowercase, so a token that equals its lowercase (most do) matches the
        original exactly when that one does too; only tokens that both carry capitals are compared as strings."""
        if not len(pids):
            return np.zeros(0, dtype=bool)
        within = ranks_within(length)
        token = first.repeat(length) + within
        original = self.original_ptr[pids].repeat(length) + within
        cased = _cased_tokens(words.text, words.starts, words.ends)
        if cased is None:   # lowercasing changes the text's length ('İ'): compare every token
            compare = np.arange(len(token))
            same = np.zeros(len(token), dtype=bool)
        else:
            same = cased[token] == self.original_cased[original]
            compare = (cased[token] & self.original_cased[original]).nonzero()[0]
        if compare.size:
            text, spelled = words.text, self.original_tokens
            same[compare] = [text[s:e] == spelled[o] for s, e, o in zip(
                words.starts[token[compare]].tolist(), words.ends[token[compare]].tolist(), original[compare].tolist())]
        return np.logical_and.reduceat(same, length.cumsum() - length)

    def document_frequency(self, pages: list[np.ndarray], chunk: int = 2_000_000) -> np.ndarray:
        """For each phrase, in how many of the token id sequences it occurs (any case): pages are matched
        together, about `chunk` tokens at a time (the level arrays of a 50k-page site at once would take GBs)."""
        df = np.zeros(len(self.phrases), dtype=np.int32)
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
            pages_per_node += np.bincount(np.unique(nodes * len(group) + page_of) // len(group),
                                          minlength=len(self.ends))
            first = last
        for node in np.flatnonzero(pages_per_node).tolist():
            df[list(self.ends[node])] = pages_per_node[node]
        return df


def ranks_within(counts: np.ndarray) -> np.ndarray:
    """0, 1, ..., n-1 for each run of np.repeat(..., counts): each repeated item's position in its run."""
    return np.arange(int(counts.sum())) - (counts.cumsum() - counts).repeat(counts)


def _cased_tokens(text: str, starts: np.ndarray, ends: np.ndarray) -> np.ndarray | None:
    """Per token: whether it differs from its lowercase (holds a capital); None when lowercasing changes the
    text's length, so characters no longer line up."""
    if text.isascii():
        chars = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
        cased = (chars >= ord("A")) & (chars <= ord("Z"))
    else:
        lowered = text.lower()
        if len(lowered) != len(text):
            return None
        cased = np.frombuffer(text.encode("utf-32-le"), dtype="<u4") != \
            np.frombuffer(lowered.encode("utf-32-le"), dtype="<u4")
    counted = np.zeros(len(cased) + 1, dtype=np.int64)
    cased.cumsum(out=counted[1:])
    return counted[ends] > counted[starts]


_TRAILING_MARK_RE = re.compile(r"\s*\[[^\[\]]*\]$")


@lru_cache(maxsize=1 << 16)   # plain_blocks asks it of the same words at many sentence starts, the index again
def defined_name(term: str) -> str | None:
    """The name a definition term declares ("class io.IOBase(...)" -> "io.IOBase", "PyObject *PyDict_New()"
    -> "PyDict_New", "type PyObject" -> "PyObject"), or None when it is no identifier (a command option,
    a plain word, a field label).

    Why: API references, glossaries and manuals declare their names in definition terms (<dt>); the page
    that declares a name is the one a mention of it should link to. Only identifier-shaped names (dots,
    underscores, inner capitals, or all capitals) are kept: a plain word in a <dt> is too often a label.
    """
    term = _TRAILING_MARK_RE.sub("", term.strip())   # "class NumberInput[source]": a link mark, not a name
    if not term or term[0] in "-:" or term.endswith(":"):
        return None
    names = TOKEN_RE.findall(term.split("(", 1)[0])
    if not names or len(names) > TERM_NAME_TOKENS:   # "Book queryset for use by ListView" declares nothing
        return None
    name = names[-1]
    shaped = is_code_like(name) or (name.isupper() and len(name) >= 4)
    return name if shaped and not name[0].isdigit() else None


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

    def link_odds(self, key: tuple[str, ...], target: int, pages_mentioning: int) -> float:
        """Log-odds that a page mentioning the phrase links it to this target: pages that do / pages that
        mention it and do not, each with half a page added (so a phrase seen on one page is no certainty)."""
        linked = self.links_to(key, target)
        return math.log((linked + 0.5) / (max(0, pages_mentioning - linked) + 0.5))

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
