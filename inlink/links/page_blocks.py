"""Each page's blocks for the index (from its HTML when the input had HTML, else recovered from the plain text
by plain_blocks) and the names they declare; the plain pages' on the machine's second core while the index builds
everything that does not need them.

Why: the index is built on one core (the pages step after it runs on two: tasks/two_cores.py), and plain
blocks with their declared names are a quarter of it (docs corpus: 0.3 s of ~1.0 s) and depend on nothing but
each page's text and H1. A forked child (inlink.second_core) reads them while this process tokenises the site
and builds TF-IDF and its neighbours (0.4 s), so they cost the build almost nothing. The child reads them from the
last page backwards, and this process, once it needs them, from the first page on until the two meet
(second_core.FromBothEnds): it used to wait for the child's last page, 0.14-0.22 s of a docs build of ~1.2 s. The
child searches each text for declaration keywords itself (the tokeniser's offsets are not made yet): plain_blocks
gives the same blocks either way. With no second core (one CPU, INLINK_WORKERS=1, a process too big to copy,
another child already at work) or when the child fails, this process reads them all itself, with the tokeniser's
keyword offsets.
"""
from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING, Callable

import numpy as np

from inlink import second_core
from inlink.links.anchors import defined_name, signature_name
from inlink.links.manual_entries import ENTRY_KINDS
from inlink.links.plain_blocks import plain_blocks
from inlink.links.text import is_code_like

if TYPE_CHECKING:
    import pandas as pd

#: With less plain text than this (characters), the fork and the child's answer (~0.02 s) cost more than they
#: save (plain blocks read ~30 MB of text a second here): a 50-page sample site's 46,000 characters stay here.
MIN_ASIDE_CHARS = 1_000_000
ENTRY_BLOCKS = frozenset({"text", "paragraph"})   # where a labelled entry stands ("Option: name"): _LABELLED_ENTRY_RE
HEADING_NAME_WORDS = 1     # a heading that is one identifier and nothing else declares that name
_HEADING_LABEL_RE = re.compile(r"[A-Z][a-z]+: ")   # "Class: ", "Event: ", "Module: " before a declared name
# A number in brackets before a heading's name, as a list of codes titles its entries: "(10) SQLITE_IOERR".
_NUMBER_LABEL_RE = re.compile(r"\(\d+\)\s+")
# A C prototype on a line of its own: return type (with qualifiers, pointers), the name, its parameters, ";".
_PROTOTYPE = r"(?:[A-Za-z_]\w*[ \t*]+)+?\**([A-Za-z_]\w*)[ \t]*\([^;{}()]*(?:\([^;{}()]*\)[^;{}()]*)*\)[ \t]*;"
_PROTOTYPE_RE = re.compile(r"^[ \t]*" + _PROTOTYPE, re.M)
_NEXT_PROTOTYPE_RE = re.compile(r"\s*" + _PROTOTYPE)   # plain text: one after another, lines run together
# The kind of thing after a heading's name (manual_entries.ENTRY_KINDS): "ScriptAlias Directive" (Apache),
# "array_map Function" (a name in code shape only: "GDAL Interface" is a section about a topic).
_KIND_LABEL_RE = re.compile(rf"\s+{ENTRY_KINDS}\s*$")
# A block that is a kind's label and one name, as a reference lists its entries out of headings and terms:
# "Option: Aptitude::ProblemResolver::Allow-Break-Holds" (its default and description in the blocks after it).
_LABELLED_ENTRY_RE = re.compile(rf"\s*{ENTRY_KINDS}: (\S+)\s*")
_WORD_AFTER_CALL_RE = re.compile(r"\w")   # after a signature's closing bracket: "() and SubprocessProtocol"


class PageBlocks:
    """The blocks of every page of a site and the names they declare: started at once (the plain pages' on the
    second core when it can take them), taken with `take(keywords_at)` once the tokeniser has run. `close()` ends
    a child still at work (a build that failed before it took them); it is safe after take()."""

    def __init__(self, pages: pd.DataFrame, texts: list[str], h1s: list[str]):
        given = pages["blocks"].tolist() if "blocks" in pages.columns else [None] * len(pages)
        self._given = [list(map(tuple, b)) if isinstance(b, (list, tuple)) else None for b in given]
        self.own = np.array([blocks is not None for blocks in self._given], dtype=bool)   # from the page's HTML
        self._texts, self._h1s = texts, h1s
        self._plain = [page for page, blocks in enumerate(self._given) if blocks is None]
        aside = sum(len(texts[page]) for page in self._plain) >= MIN_ASIDE_CHARS and second_core.usable()
        self._split = second_core.FromBothEnds(self._prepare) if aside else None

    def settle(self) -> None:
        """Take the child's answer now when it is ready, so the child is gone and its core free for other work
        (the neighbours' split in similarity.top_k_similar); a child still at work is left to it."""
        if self._split is not None:
            self._split.settle()

    def take(self, keywords_at: list, wanted) -> tuple[list, list]:
        """Each page's blocks, a list of (kind, start, end), and the declared_names of the `wanted` pages (a boolean
        per page; None for the others, unless the child read them anyway). `keywords_at`: per page, where the
        tokeniser saw a declaration keyword (None: not looked for; SiteTokens.build_watching), for the plain pages
        read here."""
        blocks, texts, split = self._given, self._texts, self._split
        declared: list = [None] * len(blocks)
        for position, page in enumerate(self._plain):
            here = partial(self._read_here, page, keywords_at[page])
            blocks[page], declared[page] = split.take(position, here) if split is not None else here()
        self.close()
        return blocks, [declared_names(text, page_blocks) if names is None and want else names
                        for names, want, text, page_blocks in zip(declared, wanted, texts, blocks)]

    def close(self) -> None:
        if self._split is not None:
            self._split.close()
            self._split = None

    def _read_here(self, page: int, keywords_at) -> tuple[list, None]:
        """A plain page's blocks read in this process, with the tokeniser's keyword offsets (its declared names are
        read by take() for the pages that want them)."""
        at = None if keywords_at is None else keywords_at.tolist()
        return plain_blocks(self._texts[page], self._h1s[page], at), None

    def _prepare(self) -> tuple[list[int], Callable[[int], tuple]]:
        """For the child (second_core.FromBothEnds): the plain pages, and one page's blocks with its declared
        names, found by searching its text for the keywords (the tokeniser's offsets are not made yet)."""
        texts, h1s = self._texts, self._h1s

        def read(page: int) -> tuple:
            blocks = plain_blocks(texts[page], h1s[page])
            return blocks, declared_names(texts[page], blocks)
        return self._plain, read


def declared_names(text: str, blocks) -> tuple[list[str], frozenset[str]]:
    """The identifiers a page declares in its definition terms, or in a heading that names one thing (a reference
    section titled INSTALLED_APPS, an entry "util.inspect(object[, options])": _names_one_thing), once per
    declaration (a page may declare one name for several classes); and, read in the same pass, those it declares
    in a definition term (an API entry), not in a heading (a section)."""
    names: list[str] = _synopsis_names(text, blocks)
    in_terms: set[str] = set(names)
    for kind, start, end in blocks or ():
        if kind == "heading":
            start, end = _name_in_heading(text, start, end)
        if kind == "term" or (kind == "heading" and _names_one_thing(text[start:end])):
            name = defined_name(text[start:end]) or (signature_name(text[start:end]) if kind == "term" else None)
            if name is not None:
                names.append(name)
                if kind == "term":
                    in_terms.add(name)
        elif kind in ENTRY_BLOCKS and (entry := _LABELLED_ENTRY_RE.fullmatch(text, start, end)) \
                and _entry_name(name := entry.group(1).rstrip(".,;:")):   # the whole name: "APT::Get::Purge"
            names.append(name)
            in_terms.add(name)   # an entry, declared as a term declares it
    return names, frozenset(in_terms)


def _entry_name(name: str) -> bool:
    """A labelled entry's name is code-shaped (is_code_like) or a scoped one ("Aptitude::Purge-Unused")."""
    return is_code_like(name) or "::" in name


def _synopsis_names(text: str, blocks) -> list[str]:
    """The functions a page's opening code block declares as C prototypes ("int sqlite3_blob_bytes(sqlite3_blob
    *);"): a page of a C reference written as manual pages opens with its synopsis, the declaration of what it
    describes, before any prose. Names in code shape only (defined_name: "sqlite3_blob_bytes", not "main")."""
    return [name for name in _synopsis_prototypes(text, blocks) if defined_name(name) == name]


def _synopsis_prototypes(text: str, blocks) -> list[str]:
    for kind, start, end in blocks or ():
        if kind == "code":
            return _PROTOTYPE_RE.findall(text[start:end])
        if kind == "text":   # plain text (plain_blocks): the prototypes the text opens with, one after another
            return _opening_prototypes(text, start, end)
        if kind != "heading":
            return []   # prose first: a code block later is an example, not the page's synopsis
    return []


def _opening_prototypes(text: str, start: int, end: int) -> list[str]:
    names = []
    while (prototype := _NEXT_PROTOTYPE_RE.match(text, start, end)) is not None:
        names.append(prototype.group(1))
        start = prototype.end()
    return names


def _name_in_heading(text: str, start: int, end: int) -> tuple[int, int]:
    """Where a heading's name stands without its labels: after a bracketed number ("(10) SQLITE_IOERR": a code's
    value, not a signature's arguments, which come after the name), before the kind of thing it is
    ("ScriptAlias Directive")."""
    label = _NUMBER_LABEL_RE.match(text, start, end)
    start = label.end() if label else start
    kind = _KIND_LABEL_RE.search(text, start, end)
    if kind and is_code_like(text[start:kind.start()].strip()):   # "GDAL Interface": a topic, not an entry
        return start, kind.start()
    return start, end


def _names_one_thing(heading: str) -> bool:
    """Whether a heading declares one name and nothing else: an identifier alone ("INSTALLED_APPS"), a call
    signature (the spaces of "util.inspect(object[, options])" are its arguments', and one may stand before empty
    brackets, "g_malloc ()", not before a note, "ap_expr (ap_expr.h)"; nothing but a mark such as a
    permalink's "#" may follow it) or either under a one-word label ("Class: EventEmitter"), as API references
    title their entries. A heading of words that holds a name ("Loading modules using require()",
    "loop.subprocess_exec() and SubprocessProtocol") declares nothing."""
    label = _HEADING_LABEL_RE.match(heading)
    name, bracket, arguments = heading[label.end() if label else 0:].partition("(")
    if bracket and _WORD_AFTER_CALL_RE.search(arguments.rpartition(")")[2]):
        return False
    if arguments.strip() == ")":   # "g_malloc ()": GNU style spaces a call's name from its (empty) brackets
        name = name.rstrip()
    return name.count(" ") < HEADING_NAME_WORDS
