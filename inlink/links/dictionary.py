"""The site's own anchor dictionary: what its existing links say about which phrase names which page."""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from inlink.links.matcher import PhraseMatcher, ranks_within
from inlink.links.placement import in_running_text, may_be_code_statement, prose_ranges
from inlink.links.text import occurrences, tokens
from inlink.links.joined import KeptMatches, join_pages, occurrences_of
from inlink.links.tokens import distinct


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
    targets: dict[tuple[str, ...], dict[int, int]] = field(default_factory=dict)   # phrase -> target -> linking pages
    sources: dict[tuple[str, ...], int] = field(default_factory=dict)       # phrase -> pages that link it
    links: int = 0                                                          # existing links read

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
            counts = result.targets.setdefault(key, {})   # a plain dict: a Counter pickles through Python,
            counts[destination] = counts.get(destination, 0) + 1   # one call each (the index's saved state)
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
                  unlinked: int | None = None, otherwise: bool = False) -> float:
        """Log-odds that a page mentioning the phrase links it to this target: pages that do / pages that
        mention it and do not, each with half a page added (so a phrase seen on one page is no certainty).
        `unlinked`: the pages that mention it where they could link it and do not (ProseMentions), when
        counted; else all the pages mentioning it that do not link it. `otherwise`: the phrase is a name the
        site links in one spelling, asked for another spelling, which no page links (linked_spellings)."""
        linked = 0 if otherwise else self.links_to(key, target)
        if unlinked is None:
            unlinked = pages_mentioning - linked
        return math.log((linked + 0.5) / (max(0, unlinked) + 0.5))


def linked_spellings(links: Iterable[tuple[int, int, str]], texts: list[str]) -> dict[tuple[str, ...], tuple[str, ...]]:
    """The one-word phrases the site links as a name: lowercased key -> the one capitalised spelling
    (original-case tokens) every existing link of the phrase uses, kept only when one of those anchors at least
    stands mid-sentence in its source (after a word in lower case, or after , ; or an opening bracket).

    Why: a site that links "Reports" (a chapter's title) mid-sentence, and writes "large reports" in the
    everyday sense elsewhere, links the name, not the word; counting the lowercase word as a mention the site
    left unlinked made a thoroughly linked name look like a word it seldom links (ProseMentions.count counts
    the two spellings apart, and the lowercase word gets the odds of a word the site never links). Why only
    then, on any site: when the anchors themselves vary in case ("JSON" and "json") the site links the word
    whatever its case, and when they are all lowercase a capitalised mention is the same word opening a
    sentence, so both keep the case-insensitive count; an anchor capitalised only where a sentence, a heading
    or a list item opens says nothing about a name, so a phrase linked only there keeps it too. Why one word:
    case tells a name from a common word only there; a phrase of several words names its page in any case,
    and sites vary its case with style (The "Quiet Hours" Policy, the "Quiet Hours" policy: on the handbook,
    judging such phrases by spelling lost that real link, R@10 0.795 -> 0.750)."""
    spellings: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
    named: set[tuple[str, ...]] = set()
    for source, _destination, anchor in links:
        spelled = tuple(tokens(anchor or ""))
        if len(spelled) != 1:
            continue
        key = tuple(t.lower() for t in spelled)
        spellings[key].add(spelled)
        if spelled != key and key not in named and _stands_mid_sentence(texts[source], anchor):
            named.add(key)
    return {key: next(iter(spellings[key])) for key in named if len(spellings[key]) == 1}


def _stands_mid_sentence(text: str, anchor: str) -> bool:
    """Whether some occurrence of the anchor (as written) in the text follows a lowercase word or , ; ( —
    inside a running sentence, where a capital letter is the writer's, not the sentence's."""
    for at in occurrences(text, anchor):
        before = text[max(0, at - 40):at].rstrip()
        if before and before[-1] not in ".!?:" and (before[-1] in ",;(" or before.split()[-1][0].islower()):
            return True
    return False


@dataclass
class ProseMentions:
    """Where the site's pages mention each phrase where a link could stand, for its link odds: per phrase id,
    the pages that mention it in running prose (`pages`), and per (phrase id, target) those of them that
    cannot take a new link to the target from it (`unable`: they link it already, or are the target).

    A phrase the site links as a name (linked_spellings; `named`, per phrase id) is counted twice: at its id, the
    pages that write it in the linked spelling, at its id + the number of phrases (`spelling`), the pages that
    write it otherwise ("reports" for the chapter "Reports")."""
    pages: np.ndarray
    unable: dict[tuple[int, int], int]
    named: np.ndarray | None = None   # per phrase id: linked as a name (None: none is, or counted before they were)

    def spelling(self, pid: int, exact: bool) -> int:
        """Where the counts of phrase `pid` written so stand: its id, or id + phrases for a name not written as
        linked (`exact`: in the phrase's own capitalisation, which is a name's linked spelling)."""
        named = self.named
        return pid + len(named) if named is not None and not exact and pid >= 0 and named[pid] else pid

    def unlinked(self, pid: int, target: int) -> int:
        """Pages that mention the phrase (a `spelling` slot) in prose and could link the target from it, yet do
        not."""
        return int(self.pages[pid]) - self.unable.get((pid, target), 0)

    @classmethod
    def count(cls, matcher: PhraseMatcher, pages: Iterable[tuple[int, str, np.ndarray, list]],
              existing: set, anywhere: np.ndarray | None = None,
              spelled: dict[int, tuple[str, ...]] | None = None, kept: KeptMatches | None = None) -> ProseMentions:
        """From (page number, text, lowercased token ids, blocks) of every source page and the existing
        (source, destination) pairs. `anywhere` (per trie node, when given) gets the pages that mention the
        node's phrases anywhere added (PhraseMatcher.pages_per_node: their document frequency), from the same
        match: the index needs both, and matching every page twice cost it a second pass over the site.
        `spelled` (trie node -> original-case tokens; linked_spellings): a node's phrases count in prose only
        where written so (their document frequency in `anywhere` still counts every spelling). `kept`
        (joined.KeptMatches, when given) supplies the pages' token offsets and keeps their phrase occurrences
        for the pages step; the ids given must then be the pages' own (LinkIndex.tokens.page).

        Why: a mention inside code, a heading or a call's arguments is never linked, and a page links a target
        once, so a page that links it with another of its names (or the target's own page) mentioning the
        phrase unlinked says nothing about whether the site links that phrase; counted as "mentioned but not
        linked" they made a well-linked name look like a word the site seldom links.

        Why in chunks: a page's count is a few dozen array operations on a few thousand tokens, so consecutive
        pages (about PROSE_CHUNK_TOKENS tokens) are matched together (joined.join_pages, as mentions._find_mentions
        joins them); each page counts what it counted alone."""
        phrases = len(matcher.phrases)
        found = cls(np.zeros(phrases * (2 if spelled else 1), dtype=np.int64), {})
        if spelled:
            found.named = np.isin(matcher.key_of, np.fromiter(spelled, dtype=np.int64, count=len(spelled)))
        linked = _pair_keys(existing)
        unable: list[tuple[np.ndarray, np.ndarray]] = []
        chunk: list[tuple[int, str, np.ndarray, list]] = []
        size = 0
        for page in pages:
            chunk.append(page)
            size += len(page[2]) + 1
            if size >= PROSE_CHUNK_TOKENS:
                unable.append(found._count_chunk(matcher, chunk, linked, anywhere, spelled, kept))
                chunk, size = [], 0
        if chunk:
            unable.append(found._count_chunk(matcher, chunk, linked, anywhere, spelled, kept))
        if not unable:
            return found
        pids, targets = (np.concatenate([part[i] for part in unable]) for i in (0, 1))
        width = int(targets.max()) + 1 if len(targets) else 1
        keys, counts = np.unique(pids * width + targets, return_counts=True)
        found.unable.update(zip(zip((keys // width).tolist(), (keys % width).tolist()), counts.tolist()))
        return found

    def _count_chunk(self, matcher: PhraseMatcher, chunk: list[tuple[int, str, np.ndarray, list]],
                     linked: np.ndarray, anywhere: np.ndarray | None,
                     spelled: dict[int, tuple[str, ...]] | None = None, kept: KeptMatches | None = None,
                     ) -> tuple[np.ndarray, np.ndarray]:
        """Count the phrases the chunk's pages mention in running text; return the (phrase id, target) of each
        page that cannot link the target from a phrase it mentions (`linked`: the existing links, _pair_keys)."""
        slots, nodes = _running_text_nodes(matcher, chunk, anywhere, spelled, kept)
        nodes, otherwise = _real_nodes(matcher, spelled, nodes)
        per_node = matcher.node_ptr[nodes + 1] - matcher.node_ptr[nodes]
        pids = matcher.node_pids[np.repeat(matcher.node_ptr[nodes], per_node) + ranks_within(per_node)]
        senses = matcher.target_ptr[pids + 1] - matcher.target_ptr[pids]
        targets = matcher.target_ids[np.repeat(matcher.target_ptr[pids], senses) + ranks_within(senses)]
        pids = pids + len(matcher.phrases) * np.repeat(otherwise, per_node)   # a name not written as linked
        self.pages += np.bincount(pids, minlength=len(self.pages))
        sources = np.array([page for page, *_rest in chunk], dtype=np.int64)[np.repeat(slots, per_node)]
        sources, pids = np.repeat(sources, senses), np.repeat(pids, senses)
        cannot = targets == sources
        if len(linked):
            keys = (sources << _PAIR_SHIFT) | targets
            cannot |= linked[np.minimum(linked.searchsorted(keys), len(linked) - 1)] == keys
        return pids[cannot], targets[cannot]


PROSE_CHUNK_TOKENS = 400_000   # tokens of consecutive pages ProseMentions.count matches together, about
_PAIR_SHIFT = 31               # a (source, target) pair of page numbers as one int64: source << 31 | target


def _real_nodes(matcher: PhraseMatcher, spelled: dict | None, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The trie nodes _running_text_nodes returned, with those standing for a name written otherwise than linked
    (numbered after the trie's nodes, in the order of the sorted spelled nodes) put back to their node; and
    whether each was one."""
    otherwise = nodes >= len(matcher.ends)
    if otherwise.any():
        nodes = nodes.copy()
        nodes[otherwise] = np.sort(np.fromiter(spelled, dtype=np.int64))[nodes[otherwise] - len(matcher.ends)]
    return nodes, otherwise


def _pair_keys(pairs: set) -> np.ndarray:
    """(source, target) page pairs as sorted int64 keys, so a chunk's candidate pairs are looked up with one
    binary search instead of a set lookup per pair (hundreds of thousands in a docs job)."""
    keys = np.fromiter((source << _PAIR_SHIFT | target for source, target in pairs), dtype=np.int64,
                       count=len(pairs))
    keys.sort()
    return keys


def _running_text_nodes(matcher: PhraseMatcher, chunk: list[tuple[int, str, np.ndarray, list]],
                        anywhere: np.ndarray | None = None, spelled: dict[int, tuple[str, ...]] | None = None,
                        kept: KeptMatches | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (page's place in the chunk, trie node) pairs of the phrases of which one occurrence at least
    stands in running text (placement.in_running_text) in that page: inside a prose block, and, unless the
    characters around it say it surely is (placement.may_be_code_statement), no part of a code statement.

    The pages' texts are joined by a separator that is a token of its own ("_" between line breaks) and their
    ids by -1 (which no phrase matches), so one phrase match and one token split serve the whole chunk; a chunk
    whose tokens do not line up with its ids is counted page by page (joined.join_pages). `anywhere`,
    `spelled` and `kept`: see ProseMentions.count."""
    texts = [text for _page, text, _ids, _blocks in chunk]
    numbers, page_ids = [page for page, *_rest in chunk], [ids for _page, _text, ids, _blocks in chunk]
    pages = join_pages(texts, page_ids, kept.offsets(numbers, page_ids) if kept is not None else None, False)
    if pages is None:
        alone = [_running_text_nodes(matcher, [page], anywhere, spelled, kept) for page in chunk]
        return (np.concatenate([np.full(len(nodes), slot) for slot, (_, nodes) in enumerate(alone)]),
                np.concatenate([nodes for _, nodes in alone]))
    joined, codes, char_base, token_base, first, last = pages.text, pages.codes, pages.char_base, \
        pages.token_base, pages.starts, pages.ends
    starts, lengths, nodes = occurrences_of(matcher, pages, numbers, kept)
    slot = np.searchsorted(token_base, starts, side="right") - 1
    if anywhere is not None:
        anywhere += matcher.pages_per_node(nodes, slot, len(chunk))
    begin, end = first[starts], last[starts + lengths - 1]
    ok = _in_prose(chunk, char_base, slot, begin, end)
    width = len(matcher.ends)
    if spelled:   # a name written otherwise than linked counts as a node of its own, numbered after the trie's
        nodes = _spelling_nodes(joined, spelled, nodes, begin, end, width)
        width += len(spelled)
    padded = np.concatenate((np.zeros(4, dtype=codes.dtype), codes, np.zeros(3, dtype=codes.dtype)))
    unsure = ok & may_be_code_statement(padded, begin + 4, end + 4)
    keys = slot * width + nodes
    settled = np.sort(distinct(keys[ok & ~unsure]))
    at = np.flatnonzero(unsure)
    if len(settled):   # unsure occurrences of pairs no sure one settles: asked one by one
        at = at[settled[np.minimum(settled.searchsorted(keys[at]), len(settled) - 1)] != keys[at]]
    found: set[int] = set()
    for key, s, a, b in zip(keys[at].tolist(), slot[at].tolist(), begin[at].tolist(), end[at].tolist()):
        if key not in found and in_running_text(None, texts[s], a - int(char_base[s]), b - int(char_base[s])):
            found.add(key)
    if found:   # none of them is settled already: merged in order (np.union1d sorted all of them again)
        more = np.sort(np.fromiter(found, dtype=np.int64, count=len(found)))
        settled = np.insert(settled, settled.searchsorted(more), more)
    return settled // width, settled % width


def _spelling_nodes(joined: str, spelled: dict[int, tuple[str, ...]], nodes: np.ndarray, begin: np.ndarray,
                    end: np.ndarray, width: int) -> np.ndarray:
    """The occurrences' trie nodes, with each occurrence of a name (a node of `spelled`) written otherwise than
    its linked spelling given the node width + the node's rank among the sorted spelled nodes: only the few
    occurrences of names are read, and each way a name is written is tokenised once (a name recurs across the
    site: tens of thousands of occurrences on the docs corpus, a few hundred ways of writing them)."""
    asked = np.sort(np.fromiter(spelled, dtype=np.int64, count=len(spelled)))
    at = np.flatnonzero(np.isin(nodes, asked))
    written: dict[tuple[int, str], bool] = {}   # (node, as written) -> written in its linked spelling
    otherwise = []
    for i, node, a, b in zip(at.tolist(), nodes[at].tolist(), begin[at].tolist(), end[at].tolist()):
        text = joined[a:b]
        linked = written.get((node, text))
        if linked is None:
            linked = written[(node, text)] = tuple(tokens(text)) == spelled[node]
        if not linked:
            otherwise.append(i)
    nodes = nodes.copy()
    nodes[otherwise] = width + asked.searchsorted(nodes[otherwise])
    return nodes


def _in_prose(chunk: list, char_base: np.ndarray, slot: np.ndarray, begin: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Whether each span [begin, end) (in the joined text; `slot`: its page, in order) lies inside one prose block
    of its page (any place of a page without blocks): the pages' blocks searched at once, or page by page when
    some page's are out of order (a binary search of them then answers as it does for that page alone)."""
    ranges = [prose_ranges(text, blocks) for _page, text, _ids, blocks in chunk]
    starts, ends = ([np.asarray(r[i], dtype=np.int64) + base for r, base in zip(ranges, char_base.tolist())
                     if r is not None] for i in (0, 1))
    starts, ends = (np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64) for parts in (starts, ends))
    if (starts[1:] < starts[:-1]).any():
        bounds = np.searchsorted(slot, np.arange(len(chunk) + 1)).tolist()
        return np.concatenate([_in_page_prose(r, begin[lo:hi] - base, end[lo:hi] - base) for r, base, lo, hi in
                               zip(ranges, char_base.tolist(), bounds[:-1], bounds[1:])])
    ok = _in_page_prose((starts, ends), begin, end)
    plain = np.array([r is None for r in ranges], dtype=bool)
    return ok | plain[slot]


def _in_page_prose(prose, begin: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Whether each span lies inside one of the sorted blocks `prose` (starts, ends; placement.prose_ranges)."""
    if prose is None:
        return np.ones(len(begin), dtype=bool)
    ends = np.asarray(prose[1], dtype=np.int64)
    if not len(ends):
        return np.zeros(len(begin), dtype=bool)
    block = np.searchsorted(np.asarray(prose[0], dtype=np.int64), begin, side="right") - 1
    return (block >= 0) & (end <= ends[np.maximum(block, 0)])
