"""Anchor mining: a site-wide phrase index (target titles, heads, H1s, key phrases, inbound anchors).

Why a token trie: each source page is scanned once, token by token, against every phrase of every target;
the work per page grows with the page's length, not with the number of targets (no pages × targets loop).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, NamedTuple

from inlink.links.text import is_acceptable_anchor, is_code_like, tokens

MAX_PHRASE_TOKENS = 12
_END = ""  # trie key that holds the phrase ids ending at a node ("" is never a token)

# Evidence that a phrase names its target, strongest first.
KIND_WEIGHT = {"inbound": 1.0, "title": 0.95, "h1": 0.9, "head": 0.85, "key": 0.55, "shared": 0.35}
KIND_LABEL = {
    "inbound": "an anchor other pages already use for the target",
    "title": "the target's title",
    "h1": "the target's main heading",
    "head": "the head of the target's title",
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
        self._single: dict[str, list[int]] = {}   # one-token phrases by their token
        self._multi_first: set[str] = set()        # first tokens of longer phrases

    def add(self, text: str, target: int, kind: str) -> int | None:
        """Register `text` as an anchor for `target`; returns the phrase id, or None when it is unusable."""
        original = tuple(tokens(text))
        if not original or len(original) > MAX_PHRASE_TOKENS or not is_acceptable_anchor(" ".join(original)):
            return None
        key = tuple(t.lower() for t in original)
        case_sensitive = any(is_code_like(t) for t in original)
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
            if len(key) == 1:
                self._single.setdefault(key[0], []).append(pid)
            else:
                self._multi_first.add(key[0])
        known = self.phrases[pid].targets.get(target)
        if known is None or KIND_WEIGHT[kind] > KIND_WEIGHT[known]:
            self.phrases[pid].targets[target] = kind
        return pid

    def scan(self, words: list[str], lowered: list[str] | None = None) -> list[Match]:
        """All phrase occurrences in a token list (overlapping ones included), in text order."""
        lowered = lowered if lowered is not None else [w.lower() for w in words]
        trie, phrases, found = self.trie, self.phrases, []
        n = len(lowered)
        for i in [i for i, token in enumerate(lowered) if token in trie]:
            node, j = trie[lowered[i]], i + 1
            while True:
                for pid in node.get(_END, ()):
                    phrase = phrases[pid]
                    exact = words[i] == phrase.original[0] if j == i + 1 else \
                        tuple(words[i:j]) == phrase.original
                    if exact or not phrase.case_sensitive:
                        found.append(Match(i, j, pid, exact))
                if j >= n:
                    break
                node = node.get(lowered[j])
                if node is None:
                    break
                j += 1
        return found


    def present(self, lowered: list[str]) -> set[int]:
        """Ids of the phrases a page contains, ignoring case (for document frequencies, where speed matters
        more than the case of code-like phrases): one-token phrases by a set intersection, longer ones by
        walking the trie only from their first tokens."""
        found: set[int] = set()
        for token in self._single.keys() & set(lowered):
            found.update(self._single[token])
        multi_first, trie, n = self._multi_first, self.trie, len(lowered)
        for i in [i for i, token in enumerate(lowered) if token in multi_first]:
            node, j = trie[lowered[i]], i + 1
            while j < n:
                node = node.get(lowered[j])
                if node is None:
                    break
                j += 1
                found.update(node.get(_END, ()))
        return found


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
