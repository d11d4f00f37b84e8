"""Each page tokenised once: lowercased token ids in one site-wide vocabulary, shared by TF-IDF, phrase
statistics, anchor matching and contexts.

Why: the engine used to run the tokeniser about four times per page (TF-IDF fit, phrase document frequencies,
token offsets, lowered tokens); the regular expression was its hottest spot. Here one C-level findall per page
gives the lowered tokens, a dict maps them to int32 ids (stored for all pages: 4 bytes a token), and token
offsets are recomputed when a page is analysed from a numpy classification of its characters (no regex, no
Python object per token). Both reproduce text.TOKEN_RE exactly (tests/test_tokens.py checks it).
"""
from __future__ import annotations

import re
import sys
from array import array
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from inlink.links.text import SOLO_RE, TOKEN_RE, tokens

_WORD_RE = re.compile(r"\w")
_SOLO = 3                            # _char_class of a character that is a token alone
_ASCII_BYTES = bytes(range(128))
JOINERS = ".-'’"                     # the characters TOKEN_RE allows between two word characters
_BASIC_PLANE = 1 << 16
TOKENISE_CHUNK = 8_000_000           # bytes of characters tokenised together (in _code_units' width; their arrays
                                     # take about 20 times that)
_FINAL_SIGMA = "Σ"                   # the one character whose lowercase depends on its neighbours


@lru_cache(maxsize=1 << 16)
def _char_class(char: str) -> int:
    """0 other, 1 word character, 2 joiner, 3 a character that is a token alone (text.SOLO_CHARS): how TOKEN_RE
    sees one character."""
    return 2 if char in JOINERS else _SOLO if SOLO_RE.match(char) else 1 if _WORD_RE.match(char) else 0


@lru_cache(maxsize=1 << 16)
def _lowers_in_place(char: str) -> bool:
    """Lowercasing the character gives one character that TOKEN_RE sees the same way (so token boundaries do
    not move and each lowered token is its token lowered)."""
    lowered = char.lower()
    return char != _FINAL_SIGMA and len(lowered) == 1 and _char_class(lowered) == _char_class(char)


def _shape(text: str) -> tuple[bool, bool]:
    """(lowers in place, holds a character beyond UTF-16's basic plane): both from its non-ASCII characters. A
    text lowers in place when findall(text.lower()) == [t.lower() for t in findall(text)], with the same offsets
    (true for any ASCII text and nearly every other; 'İ' lowers to two characters)."""
    if text.isascii():
        return True, False
    rare = set(_non_ascii(text))
    return all(map(_lowers_in_place, rare)), max(rare) > "\uffff"


def _non_ascii(text: str) -> str:
    """The text's non-ASCII characters: its UTF-8 bytes without the ASCII ones (a multi-byte character's
    bytes are all >= 0x80), in two C calls instead of a regular expression over every character."""
    return text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")


def token_offsets(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Start and end offsets of text's TOKEN_RE tokens, from a per-character classification: a token is a
    maximal run of word characters and of joiners that have a word character on both sides, or one character of
    text.SOLO_CHARS."""
    if not text:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return token_bounds(_code_units(text)[0])[:2]


def _code_units(text: str) -> tuple[np.ndarray, str]:
    """The text's characters as numbers, one per character, and the codec that spells them back: in the
    narrowest width that holds them (ASCII bytes, else UTF-16 when no character needs a surrogate pair, else
    UTF-32), since every array operation over a text costs by its bytes."""
    if text.isascii():
        return np.frombuffer(text.encode("ascii"), dtype=np.uint8), "ascii"
    narrow = text.encode("utf-16-le", "surrogatepass")
    if len(narrow) == 2 * len(text):
        return np.frombuffer(narrow, dtype="<u2"), "utf-16-le"
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4"), "utf-32-le"


@lru_cache(maxsize=1)
def _plane_classes() -> np.ndarray:
    """_char_class of every character of the basic plane, as a table to index by code: one regular expression
    pass over the 65,536 characters (\\w depends on the character alone), one more for the characters that are a
    token alone."""
    classes = np.zeros(_BASIC_PLANE, dtype=np.uint8)
    plane = "".join(map(chr, range(_BASIC_PLANE)))
    for match in re.finditer(r"\w+", plane):
        classes[match.start():match.end()] = 1
    classes[[ord(c) for c in JOINERS]] = 2
    classes[[match.start() for match in SOLO_RE.finditer(plane)]] = _SOLO
    return classes


def _inside_tokens(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """Per character of a text (codes: its code points, _code_units): whether it belongs to a TOKEN_RE token, and
    whether it is a token alone (text.SOLO_CHARS; None when the text holds none, as any ASCII text). Each
    character's class is one lookup in _plane_classes (characters beyond the plane, rare, are asked of
    _char_class)."""
    if codes.dtype.itemsize < 4:
        classes = _lookup(_plane_classes(), codes)
    else:
        classes = _plane_classes()[np.minimum(codes, _BASIC_PLANE - 1)]
        beyond = np.flatnonzero(codes >= _BASIC_PLANE)
        classes[beyond] = [_char_class(chr(code)) for code in codes[beyond].tolist()]
    word = classes == 1
    solo = classes == _SOLO if codes.dtype.itemsize > 1 else None
    if solo is not None and not solo.any():
        solo = None
    inside = word.copy() if solo is None else word | solo
    if len(codes) > 2:
        inside[1:-1] |= (classes[1:-1] == 2) & word[:-2] & word[2:]
    return inside, solo


def token_bounds(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Starts and ends of the TOKEN_RE tokens of a text given as _code_units, and the mask of their characters:
    the runs of _inside_tokens, where each character of text.SOLO_CHARS is a token of its own."""
    inside, solo = _inside_tokens(codes)
    if solo is None:
        return (*_runs(inside), inside)
    parted = np.zeros(len(codes) + 1, dtype=bool)   # a token ends between characters i - 1 and i
    parted[1:-1] = ~inside[1:] | ~inside[:-1] | solo[1:] | solo[:-1]
    parted[0] = parted[-1] = True
    return np.flatnonzero(inside & parted[:-1]), np.flatnonzero(inside & parted[1:]) + 1, inside


def _loaded_arrow():
    """(pyarrow, pyarrow.compute) when the process has loaded them already, else None. Some array steps are
    several times quicker in pyarrow (below); pyarrow is not imported for them: a job resuming from saved
    state has not loaded it, and the import would cost more than they save. Either way the values are the same."""
    arrow, compute = sys.modules.get("pyarrow"), sys.modules.get("pyarrow.compute")
    return None if not (_imported(arrow) and _imported(compute)) else (arrow, compute)


def _imported(module) -> bool:
    """Whether `module` (from sys.modules, or None) has finished importing. A module stands in sys.modules from the
    moment its import starts: a job analysing pages while another thread's import of pandas was half-way through
    pyarrow.compute called its `take` before it existed, and the job failed (a storm of two jobs in one worker).
    No public API says so; importlib's own flag does (`__spec__._initializing`, which the import system reads to
    make a second importer wait), so a module being imported counts as not loaded: the numpy steps, same values."""
    return module is not None and not getattr(getattr(module, "__spec__", None), "_initializing", False)


def _lookup(table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """table[codes] (read-only): by pyarrow's take when loaded, 4-5x quicker than numpy's fancy indexing,
    which widens every 1- or 2-byte code to an 8-byte index first (the docs corpus: 0.003 s instead of 0.012
    for its 8.7M characters, each tokenised about three times in a job)."""
    loaded = _loaded_arrow()
    if loaded is None:
        return table[codes]
    arrow, compute = loaded
    return compute.take(arrow.array(table), arrow.array(codes)).to_numpy()


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values of an integer array, in no particular order: by pyarrow's hash table when loaded,
    3x quicker than np.unique (phrase statistics: 240k (page, phrase) occurrences of the docs corpus, 0.004 s
    instead of 0.012)."""
    loaded = _loaded_arrow()
    if loaded is None or not len(values):
        return np.unique(values)
    arrow, compute = loaded
    return compute.unique(arrow.array(values)).to_numpy(zero_copy_only=False)


def _runs(inside: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the runs of True: the places where the value changes, taken in turn (one pass, not
    the four of a difference over a padded int8 copy)."""
    bounds = (inside[1:] != inside[:-1]).nonzero()[0]
    bounds += 1
    if len(inside) and inside[0]:
        bounds = np.concatenate((np.zeros(1, dtype=bounds.dtype), bounds))
    if len(inside) and inside[-1]:
        bounds = np.concatenate((bounds, np.full(1, len(inside), dtype=bounds.dtype)))
    return bounds[0::2].copy(), bounds[1::2].copy()   # contiguous, as numpy's searches want them


def _page_groups(texts: list[str], chunk: int):
    """Pages in order, as lists of consecutive pages to tokenise together (about `chunk` bytes of characters
    in the group's width: 1 for ASCII, 2 within UTF-16's basic plane, 4 beyond it; a page beyond the plane and
    one within it are never grouped, so each group is spelled in the narrowest width), and as single page
    numbers for the pages whose lowercase moves token boundaries."""
    group: list[int] = []
    size, width, astral = 0, 1, False
    for i, text in enumerate(texts):
        in_place, wide = _shape(text)
        page_width = 4 if wide else 1 if text.isascii() else 2
        if group and (not in_place or wide != astral or (size + len(text)) * max(width, page_width) > chunk):
            yield group
            group, size, width = [], 0, 1
        if not in_place:
            yield i
            continue
        group.append(i)
        size += len(text) + 1
        width, astral = max(width, page_width), wide
    if group:
        yield group


def _group_ids(texts: list[str], vocabulary: Vocabulary, out: array, watch: frozenset[str] = frozenset(),
               offsets: list | None = None) -> tuple[np.ndarray, list[np.ndarray] | None]:
    """Append the lowercased token ids of several pages to `out`; returns each page's number of tokens, and per
    page the offsets of its tokens spelled (in their own case) as one of the words in `watch` (None when they
    were not looked for). The pages' lowercase must keep token boundaries (_shape): then their tokens
    are found in the text as it is, and each token's lowercase is its lowered text's token.

    Why: a regular expression's findall and a dict lookup per token cost two Python objects a token (the
    engine's largest cost before the pages). Here the pages are joined, the token characters found by
    _inside_tokens and packed together (in _code_units' width), and pyarrow's dictionary_encode (a C++ hash table) turns
    them into indices in order of first appearance: Python only decodes and lowercases the group's distinct
    tokens (taken in that order, their lowercase forms get their ids in order of first sight, as the lowered
    text's tokens would; no page is lowercased whole). Without pyarrow, findall and the dict do the same work.
    """
    try:
        import pyarrow
        import pyarrow.compute
    except ImportError:   # a dependency (requirements.txt), but the regular expression gives the same ids
        counts = []
        for text in texts:
            before = len(out)
            out.extend(map(vocabulary.__getitem__, TOKEN_RE.findall(text.lower())))
            counts.append(len(out) - before)
            if offsets is not None:
                offsets.append(token_offsets(text))
        return np.array(counts, dtype=np.int64), None
    joined = "\n".join(texts)   # a separator no token can cross
    codes, codec = _code_units(joined)
    del joined   # the arrays below reuse its memory (memory first touched costs a page fault per 4 KiB)
    starts, ends, inside = token_bounds(codes)
    page_starts = np.cumsum([0] + [len(text) + 1 for text in texts[:-1]])
    counts = np.diff(np.searchsorted(starts, page_starts), append=len(starts))
    if offsets is not None:
        _page_offsets(starts, ends, page_starts, counts, offsets)
    if not len(starts):
        return counts, [np.zeros(0, dtype=np.int64) for _text in texts]
    offsets = np.zeros(len(starts) + 1, dtype=np.int64)   # the packed tokens' bounds, in bytes (no temporaries)
    np.subtract(ends, starts, out=offsets[1:])
    np.cumsum(offsets[1:], out=offsets[1:])
    offsets *= codes.itemsize
    characters = codes[inside]   # the tokens' characters packed (a boolean index copies runs: on the docs corpus
                                 # 0.025 s, where np.compress took 0.066-0.10 s in the build)
    packed = pyarrow.Array.from_buffers(pyarrow.large_binary(), len(starts),
                                        [None, pyarrow.py_buffer(offsets), pyarrow.py_buffer(characters)])
    encoded = pyarrow.compute.dictionary_encode(packed)
    words = _distinct_words(encoded.dictionary, codec, codes.itemsize)
    site_ids = vocabulary.ids(list(map(str.lower, words)))   # new tokens join in order of first sight
    indices = encoded.indices.to_numpy()
    out.frombytes(memoryview(site_ids[indices]).cast("B"))   # a view of its bytes: no copy
    return counts, _watched(words, indices, starts, page_starts, watch)


def _page_offsets(starts: np.ndarray, ends: np.ndarray, page_starts: np.ndarray, counts: np.ndarray,
                  out: list) -> None:
    """Append each page's token offsets, in the page (int32), from the offsets of its group's joined text."""
    bounds = np.concatenate(([0], counts.cumsum())).tolist()
    for lo, hi, base in zip(bounds[:-1], bounds[1:], page_starts.tolist()):
        out.append((np.subtract(starts[lo:hi], base, dtype=np.int32, casting="unsafe"),
                    np.subtract(ends[lo:hi], base, dtype=np.int32, casting="unsafe")))


def _watched(words: list[str], indices: np.ndarray, starts: np.ndarray, page_starts: np.ndarray,
             watch: frozenset[str]) -> list[np.ndarray]:
    """Per page of a group, the offsets (in the page) of its tokens spelled as a word of `watch`: the group's
    distinct words are compared (a set intersection), then their tokens found with one lookup per token (no
    search of the text)."""
    wanted = np.zeros(len(words), dtype=bool)
    wanted[[words.index(word) for word in watch.intersection(words)]] = True
    at = starts[wanted[indices]]
    page = np.searchsorted(page_starts, at, side="right") - 1
    bounds = np.searchsorted(page, np.arange(len(page_starts) + 1)).tolist()
    at = at - page_starts[page]
    return [at[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:])]


def _distinct_words(dictionary, codec: str, width: int) -> list[str]:
    """The str of each value of a pyarrow large_binary array (characters of `width` bytes in `codec`): its data
    decoded in one call and sliced (a decode per value costs ten times more)."""
    _validity, offsets, data = dictionary.buffers()
    bounds = np.frombuffer(offsets, dtype=np.int64)[dictionary.offset:dictionary.offset + len(dictionary) + 1]
    first = int(bounds[0])
    text = data.to_pybytes()[first:int(bounds[-1])].decode(codec, "surrogatepass")
    chars = ((bounds - first) // width).tolist()
    return [text[start:end] for start, end in zip(chars[:-1], chars[1:])]


def _special_readings(text: str) -> tuple[list[str], list[str], list[str]]:
    """The three readings of a page whose lowercase moves token boundaries: the tokens anchors are matched on
    (text.lowered_tokens(text, tokens(text))), TF-IDF's (findall of the lowered text) and the phrase statistics'
    (text.lowered_tokens(text)), from one lowering, one findall of each text and one lowering of each token
    (each reading took its own: such a page, often long, cost three times the regular expression)."""
    words = tokens(text)
    lowered_text = text.lower()
    found = TOKEN_RE.findall(lowered_text)
    same_length = len(lowered_text) == len(text)
    one_by_one = None if same_length and len(found) == len(words) else [word.lower() for word in words]
    return found if one_by_one is None else one_by_one, found, found if same_length else one_by_one


class Vocabulary(dict):
    """Lowercased token -> id, ids given in order of first sight."""

    def __missing__(self, token: str) -> int:
        self[token] = len(self)
        return self[token]

    def ids(self, words: list[str]) -> np.ndarray:
        return np.fromiter(map(self.__getitem__, words), dtype=np.int32, count=len(words))



@dataclass
class PageWords:
    """A page's tokens in original case, sliced from its text on demand (a list-like of str)."""
    text: str
    starts: np.ndarray
    ends: np.ndarray

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, i):
        """One token (an int), or a list of tokens (a slice, or an array of token indices)."""
        if isinstance(i, (slice, np.ndarray)):
            text = self.text
            return [text[s:e] for s, e in zip(self.starts[i].tolist(), self.ends[i].tolist())]
        return self.text[self.starts[i]:self.ends[i]]


@dataclass
class SiteTokens:
    """Every page's lowercased tokens as ids (one flat int32 array, page i at ids[ptr[i]:ptr[i+1]]).

    The ids are the tokens anchors are matched on (text.lowered_tokens(text, words)). For the rare page whose
    lowercase moves token boundaries (_shape: it does not lower in place), TF-IDF's tokens (findall of the lowered text,
    as scikit-learn's vectorizer reads it) and the phrase statistics' tokens are kept apart in `special`.
    """
    vocabulary: Vocabulary
    ids: np.ndarray
    ptr: np.ndarray
    special: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)  # page -> (tfidf, present)

    @classmethod
    def build(cls, texts: list[str], chunk: int = TOKENISE_CHUNK) -> SiteTokens:
        """Tokenise every page once. The ids grow in one array.array (no per-page arrays to concatenate):
        a 50k-page site holds them once, not twice, while they are built.

        Pages whose lowercase keeps token boundaries (nearly all) are tokenised together, about `chunk`
        bytes of characters at a time (_page_groups), by _group_ids (array operations, no Python string per
        token); the others one by one with the regular expression. Either way a page's ids are given in order
        of first sight."""
        return cls.build_watching(texts, frozenset(), chunk)[0]

    @classmethod
    def build_watching(cls, texts: list[str], watch: frozenset[str], chunk: int = TOKENISE_CHUNK,
                       keep_offsets=None) -> tuple[SiteTokens, list[np.ndarray | None]]:
        """build(), and per page the offsets of the tokens spelled (in their own case) as a word of `watch`, or
        None for a page whose were not looked for (tokenised alone, or without pyarrow): the tokeniser has
        every token at hand, so finding a few words costs an array test instead of a search of each text
        (plain_blocks' declaration keywords). `keep_offsets(page, starts, ends)`, when given, gets each page's
        token offsets (token_offsets of its text, found on the way; joined.KeptMatches keeps them) until it
        returns False."""
        vocabulary = Vocabulary()
        ids, special = array("i"), {}
        counts = np.zeros(len(texts), dtype=np.int64)
        watched: list[np.ndarray | None] = [None] * len(texts)
        for pages in _page_groups(texts, chunk):
            if isinstance(pages, int):   # a page whose lowercase moves token boundaries
                matched, tfidf, present = _special_readings(texts[pages])
                before = len(ids)
                ids.extend(map(vocabulary.__getitem__, matched))
                counts[pages] = len(ids) - before
                special[pages] = (vocabulary.ids(tfidf), vocabulary.ids(present))
                if keep_offsets is not None and keep_offsets(pages, *token_offsets(texts[pages])) is False:
                    keep_offsets = None
            else:
                offsets = [] if keep_offsets is not None else None
                counts[pages], found = _group_ids([texts[i] for i in pages], vocabulary, ids, watch, offsets)
                for page, (starts, ends) in zip(pages, offsets or ()):
                    if keep_offsets(page, starts, ends) is False:
                        keep_offsets = None   # it takes no more: the next groups' offsets are not made
                        break
                if found is not None:
                    for page, offsets in zip(pages, found):
                        watched[page] = offsets
        ptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(counts, out=ptr[1:])
        built = cls(vocabulary, np.frombuffer(ids, dtype=np.int32) if ids else np.zeros(0, dtype=np.int32), ptr,
                    special)
        return built, watched

    def page(self, i: int) -> np.ndarray:
        """Page i's lowercased token ids (the tokens anchors are matched on)."""
        return self.ids[self.ptr[i]:self.ptr[i + 1]]

    def tfidf_ids(self, i: int) -> np.ndarray:
        """Page i's tokens as TF-IDF reads them (findall of the lowered text)."""
        return self.special[i][0] if i in self.special else self.page(i)

    def present_ids(self, i: int) -> np.ndarray:
        """Page i's tokens as the phrase statistics read them (text.lowered_tokens(text))."""
        return self.special[i][1] if i in self.special else self.page(i)
