"""Anchor phrases: a site-wide phrase index (target titles, heads, H1s, key phrases, inbound anchors, defined
names), the kinds of evidence a phrase gives, and the name a definition term declares.

Why a trie over token ids (PhraseIndex holds the phrases, matcher.PhraseMatcher walks them): each source page is
scanned once against every phrase of every target, all its positions a trie level at a time; the work per page
grows with the page's length, not with the number of targets (no pages × targets loop). The site's own anchor
dictionary (what its existing links say) is dictionary.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from inlink.links.text import TOKEN_RE, acceptable_tokens, is_code_like

MAX_PHRASE_TOKENS = 12
TERM_NAME_TOKENS = 3   # a declaration is a name with at most a keyword and a type before it ("static int x")
_END = ""  # trie key that holds the phrase ids ending at a node ("" is never a token)

# Evidence that a phrase names its target, strongest first.
# "section" (a section heading, on a site that quotes the titles it refers to) and "numbered" (a numbered reference,
# "Chapter 13") come last: kinds are coded by position.
KIND_WEIGHT = {"inbound": 1.0, "title": 0.95, "defined": 0.92, "h1": 0.9, "head": 0.85, "key": 0.55, "shared": 0.35,
               "section": 0.8, "numbered": 0.8}
KINDS = tuple(KIND_WEIGHT)   # a kind's code in arrays (PhraseMatcher.target_kinds)
OWN_NAME_KINDS = ("title", "h1", "head")   # how a page names itself


@dataclass(slots=True)
class Phrase:
    """One matchable phrase: lowercased tokens, whether case matters, and the targets it names.

    Slots: an index holds one per phrase (tens of thousands), each an object the cycle collector walks; with
    slots no instance dict is made (pickling made one for each)."""
    key: tuple[str, ...]
    case_sensitive: bool
    original: tuple[str, ...]
    targets: dict[int, str] = field(default_factory=dict)   # target index -> strongest kind

    def __reduce__(self):
        return Phrase, (self.key, self.case_sensitive, self.original, self.targets)


class Match(NamedTuple):
    """Tokens [start, end) of a source page spell phrase `phrase` (exact: with the phrase's own capitalisation)."""
    start: int
    end: int
    phrase: int
    exact: bool = False


class PhraseIndex:
    """Every anchor phrase of every target, in a trie keyed by lowercased tokens."""

    def __init__(self) -> None:
        self.phrases: list[Phrase] = []
        self._trie: dict | None = {}
        self._identities: dict[tuple, int] | None = {}

    @property
    def trie(self) -> dict:
        """Lowercased token -> the node it leads to, from the root; a node's "" key holds the ids of the phrases
        ending there (made again from the phrases on first use after a restore)."""
        if self._trie is None:
            self._index_phrases()
        return self._trie

    @property
    def _ids(self) -> dict[tuple, int]:
        """(key, original when case-sensitive else None) -> the phrase's id."""
        if self._identities is None:
            self._index_phrases()
        return self._identities

    def _index_phrases(self) -> None:
        """The trie and the ids by identity, made from the phrases in id order (as add made them), and kept only
        once whole: the pages a Gemini job has in flight are analysed on threads at once, and one that took the
        trie while another thread was still filling it missed phrases (a resumed job's first pages lost
        candidates). Two threads may both make it; either trie is the whole one."""
        trie: dict = {}
        identities: dict[tuple, int] = {}
        for pid, phrase in enumerate(self.phrases):
            identities[(phrase.key, phrase.original if phrase.case_sensitive else None)] = pid
            _extend_trie(trie, phrase.key, pid)
        self._trie, self._identities = trie, identities

    def add(self, text: str, target: int, kind: str) -> int | None:
        """Register `text` as an anchor for `target`; returns the phrase id, or None when it is unusable."""
        original = tuple(TOKEN_RE.findall(text or ""))
        if not original or len(original) > MAX_PHRASE_TOKENS:
            return None
        joined = " ".join(original)
        key = tuple(map(str.lower, original))
        if not acceptable_tokens(joined, key):   # is_acceptable_anchor(joined) without tokenising it again
            return None
        case_sensitive = is_code_like(joined)   # one search: no code shape spans the spaces between tokens
        identity = (key, original if case_sensitive else None)
        ids = self._ids   # (the trie is made with them)
        pid = ids.get(identity)
        if pid is None:
            pid = len(self.phrases)
            ids[identity] = pid
            self.phrases.append(Phrase(key, case_sensitive, original))
            _extend_trie(self.trie, key, pid)
        known = self.phrases[pid].targets.get(target)
        if known is None or KIND_WEIGHT[kind] > KIND_WEIGHT[known]:
            self.phrases[pid].targets[target] = kind
        return pid

    def __getstate__(self) -> dict:
        """The phrases as four columns (C-level lists of tuples to pickle, not a reduction per phrase). Not the
        trie nor the ids by identity: a restored index remakes them on first use (_index_phrases), and they were
        over half of the phrases' pickle (docs corpus: 13 -> 5 ms to save, 10 -> 4 to load)."""
        phrases = self.phrases
        return {"columns": ([p.key for p in phrases], [p.case_sensitive for p in phrases],
                            [p.original for p in phrases], [p.targets for p in phrases])}

    def __setstate__(self, state: dict) -> None:
        self.phrases = list(map(Phrase, *state["columns"]))
        self._trie = self._identities = None

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


def _extend_trie(trie: dict, key: tuple[str, ...], pid: int) -> None:
    """Add phrase `pid` under its lowercased tokens `key`."""
    node = trie
    for token in key:
        node = node.setdefault(token, {})
    node[_END] = node.get(_END, ()) + (pid,)   # a tuple of ids: no container the collector tracks


# Link marks after a declared name: "[source]", a heading's permalink sign as a crawler keeps it in the text
# ("util.format(format[, ...args])#", Sphinx's "¶"), or both ("class HttpResponse[source]¶").
_TRAILING_MARK_RE = re.compile(r"(?:\s*(?:\[[^\[\]]*\]|[#¶§]))+$")
# A dotted name whose part after a dot starts with a digit is a version or a number ("v12.2.0", "3.11",
# "1.2rc1"), which no programming language allows as a name: a changelog's "v12.2.0 The option was added"
# has the shape of a declaration and declares nothing.
_VERSION_LIKE_RE = re.compile(r"\.\d")
# Where a declaration's name ends: its signature's "(" or an index's "[" (what stands inside is an argument).
_BEFORE_BRACKET_RE = re.compile(r"[(\[]")


# A definition term written as a manual made with Texinfo writes a function's entry (@deftypefn): an optional
# category and its colon ("Function: ", or ": " without one), an optional result ("C = ", "[q, r] = "), then the
# call: "bitset (A, n)", "kbhit ()".
_SIGNATURE_RE = re.compile(r"^(?:[A-Z][\w -]{0,30})?:\s+(?:(?:\[[^\[\]]*\]|[^\W\d]\w*)\s*=\s*)?"
                           r"(?P<name>[^\W\d]\w*)\s?\([^()]*\)$")


# ... or its kind and the name, the calls after it ("Function: quad_qag quad_qag (f(x), x, ...)", "System variable:
# maxima_tempdir", "Special form: block"): a kind of entry Texinfo's @deffn takes, not any label before a colon.
_KINDED_ENTRY_RE = re.compile(r"^(?i:[a-z -]{0,20}\b(?:function|variable|macro|command|option|operator|constant|"
                              r"symbol|form|method|procedure|keyword|flag|property))\s*:\s+(?P<name>[^\W\d]\w*)(?:\s|$)")


_NAME_BEFORE_CALL_RE = re.compile(r"([^\W\d]\w*)\s?\(")


def signature_name(term: str) -> str | None:
    """The function (or variable) a definition term declares as a Texinfo manual's entry does: by its call (": C =
    bitset (A, n)" -> "bitset") or by its kind ("Function: quad_qag ..." -> "quad_qag"), whatever the name's shape,
    or None. A plain word declared so ("bitset") is a name only in inline code (anchor_choice._placement_rule): in prose it
    is a word."""
    term = _TRAILING_MARK_RE.sub("", term.strip())
    match = _SIGNATURE_RE.match(term)
    if match:
        return match.group("name")
    match = _KINDED_ENTRY_RE.match(term)
    if not match:
        return None
    call = _NAME_BEFORE_CALL_RE.search(term, match.start("name"))   # "Function: int printf (...)": printf
    return call.group(1) if call and "\n" not in term[match.start("name"):call.start()] else match.group("name")


_PLACEHOLDER_RE = re.compile(r"<[^<>\s]+>")


def _with_placeholders(head: str, name: str) -> str:
    """The name a term's last word belongs to when angle brackets are glued to it: the whole name built of
    placeholders ("CMAKE_EXECUTABLE_SUFFIX_<LANG>", "<PackageName>_ROOT", not their last words "LANG" and "_ROOT");
    a name alone in its brackets stays as it is, as an expression's does ("IfModule" of a web server's section
    directive "<IfModule>", "INSTALL_PREFIX" of "$<INSTALL_PREFIX>"). A reference manual names a family of entries
    so; read as its last word, every "<LANG>" in the site's prose became a link to whichever page ended so
    (held-out build tool's manual: 40 of its high and medium rows, none a link its editors made)."""
    at = head.rfind(name)
    end = at + len(name)
    if head[at - 1:at] not in ("<", ">") and head[end:end + 1] not in ("<", ">") or head[at - 2:at] == "$<":
        return name
    while at > 0 and (head[at - 1].isalnum() or head[at - 1] in "_<>-"):
        at -= 1
    while end < len(head) and (head[end].isalnum() or head[end] in "_<>-"):
        end += 1
    whole = head[at:end]
    return name if _PLACEHOLDER_RE.fullmatch(whole) else whole


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
    head = _BEFORE_BRACKET_RE.split(term, 1)[0]
    names = TOKEN_RE.findall(head)   # "emitter[Symbol.for(...)](...)": emitter
    if not names or len(names) > TERM_NAME_TOKENS:   # "Book queryset for use by ListView" declares nothing
        return None
    name = _with_placeholders(head, names[-1])
    shaped = is_code_like(name) or (name.isupper() and len(name) >= 4)
    return name if shaped and not name[0].isdigit() and not _VERSION_LIKE_RE.search(name) else None
