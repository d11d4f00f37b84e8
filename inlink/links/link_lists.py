"""Lists of links: a list whose items are each another page's name, and nothing else ("See also: npm install,
package-lock.json, npm config"; a command index; "Related: Signals, System check framework").

Why: such a list is how sites write their links to related pages; on the sites measured, the pages a list of
names names were real links 466 times in 473 (development corpora: 39 of 41 on django-docs; python-docs has no such
list; held out: a command reference 330 of 332, a build tool's book 84 of 84), while the names themselves are
often the site's commonest words ("npm config" on every page), whose low specificity kept them below the floor.
A name standing alone in one list item may be a value; two or more such items, most of their list's, make a list
of names (a list of features of which two happen to share pages' titles, "Child process" and "Worker Threads" of
"Native modules, Child process, Worker Threads, Inspector protocol, File system access, WASI", is no list of
links). Only known blocks say where a list item starts and ends (HTML input): plain text keeps its lists run
together. There a run of pages' titles with nothing between them but spaces (a manual's menu of its
sections as a crawler's plain text keeps it: "Colors Line Styles Marker Styles Callbacks") is read as one
(adjacent_titles), at least ADJACENT_ITEMS long: on the held-out sites' plain text the pages such runs name were
real links 555 times in 562 (two GNU manuals' menus 449 of 451, a server manual's 85 of 86, a GUI's help 7 of 11).
With the site's links given, a list it left unlinked is one its editors chose not to link (the keywords a
language reference lists by name: high-tier rows of such lists were real links 1 time in 5 on a held-out
reference, 4 of 8 on django-docs): a list counts only when its editors linked at least twice as many of its items
as it leaves unlinked (LINKED_SHARE), and its unlinked names then get the low tier, not the high (row_confidence.row_confidence):
recovery R@10 on the held-out command reference 0.527 -> 0.841, the build tool's book 0.669 -> 0.705, with the
development corpora's tiers, P@5 and R@10 unchanged.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

import numpy as np

from inlink.links.notation import man_section_closing
from inlink.links.placement import contents_items, see_also_terms
from inlink.links.text import SEE_ALSO_LABELS

LIST_ITEMS = 2           # items that each name a page make a list of links ...
LIST_SHARE = 0.5         # ... when they are more than this share of its items
ADJACENT_ITEMS = 3       # plain text: titles of this many pages in a row, nothing else between them
LINKED_SHARE = 2         # links given: items its editors linked, at least twice as many as the names left unlinked
_TRAILING = " \t\n.,;:"   # "npm install." or "npm install," still names the page alone


def item_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Where the list item text[start:end] names a page: its text without the white space around it nor a closing
    full stop, comma or colon (None for an empty item); what a whole-item anchor spans."""
    body = text[start:end]
    left, right = len(body) - len(body.lstrip()), len(body.rstrip(_TRAILING))
    return (start + left, start + right) if right > left else None


def listed_targets(text: str, blocks, rows_target: np.ndarray, naming: np.ndarray, spans: tuple, linked=None,
                   ) -> set[int]:
    """The targets a list of links on the page names: the targets of the option rows (`rows_target`; `naming`:
    the rows whose kind names their target, not shared vocabulary) that fill a whole list item (`spans`: the rows'
    occurrences as PageOptions holds them, (span_ptr, span_starts, span_ends)) of a list (consecutive list items) at least LIST_ITEMS of whose items, and more than
    LIST_SHARE of them, are each a page's name; an item two pages share names neither. With the site's links
    given (`linked(item text)`: whether the item names a page the source links already), the list must hold such
    an item: its editors link that list (an item they linked counts among the names)."""
    if not blocks:
        return set()
    items = {}   # (start, end) of a list item's text, trimmed -> its position among the page's blocks
    lists, run = [], []   # runs of consecutive list items (their positions)
    contents = contents_items(text, blocks)   # the page's table of contents links its own sections
    for position, (kind, start, end) in enumerate(blocks):
        if kind != "list_item" or start in contents:
            continue
        if run and position != run[-1] + 1:
            lists.append(run)
            run = []
        run.append(position)
        bounds = item_span(text, start, end)
        if bounds is not None:
            items[bounds] = position
    lists.append(run)
    if len(items) < LIST_ITEMS:
        return set()
    whole = _spelled_whole(items, text, rows_target, naming, spans)
    named = {items[bounds]: targets for bounds, targets in whole.items()}   # block position -> targets spelling it
    spelled = {position: bounds for bounds, position in items.items()}
    listed = set()
    for run in lists:
        names = [named[p] for p in run if p in named]
        done = 0 if linked is None else sum(
            1 for p in run if p not in named and p in spelled and linked(text[slice(*spelled[p])]))
        if (linked is None or done >= LINKED_SHARE * len(names)) and len(names) + done >= LIST_ITEMS \
                and len(names) + done > len(run) * LIST_SHARE:
            listed.update(next(iter(found)) for found in names if len(found) == 1)
    return listed


def _spelled_whole(items, text: str, rows_target: np.ndarray, naming: np.ndarray, spans: tuple,
                   ) -> dict[tuple[int, int], set[int]]:
    """Per item (its (start, end) in the text), the targets of the naming rows with an occurrence spanning it
    whole (`spans` as PageOptions holds them: (span_ptr, span_starts, span_ends))."""
    pointers, starts, ends = (np.asarray(part, dtype=np.int64) for part in spans)
    width = len(text) + 1
    named: dict[tuple[int, int], set[int]] = {}
    hits = np.isin(starts * width + ends, np.array([start * width + end for start, end in items], dtype=np.int64))
    for at in hits.nonzero()[0].tolist():   # an occurrence that is a whole item; its row
        row = int(np.searchsorted(pointers, at, side="right")) - 1
        if naming[row]:
            named.setdefault((int(starts[at]), int(ends[at])), set()).add(int(rows_target[row]))
    return named


def adjacent_titles(text: str, rows_target: np.ndarray, titled: np.ndarray, spans: tuple) -> set[int]:
    """Plain text's lists of links: the targets named by runs of title occurrences (`titled`: the option rows that
    spell a target's title or H1 exactly; `spans` as for listed_targets) that follow one another with nothing but
    white space between them, ADJACENT_ITEMS or more different pages per run. An occurrence inside a longer one
    counts as the longer; one two pages share is an item that names neither."""
    pointers, starts, ends = (np.asarray(part, dtype=np.int64) for part in spans)
    items: dict[tuple[int, int], set[int]] = {}
    for row in titled.nonzero()[0].tolist():
        for at in range(int(pointers[row]), int(pointers[row + 1])):
            start, end = int(starts[at]), int(ends[at])
            if not text[start:end].isupper():   # "EXPLAIN ANALYZE SELECT": keywords of a statement, not titles
                items.setdefault((start, end), set()).add(int(rows_target[row]))
    runs, run, reach = [], [], -1
    for (start, end), targets in sorted(items.items(), key=lambda item: (item[0][0], -item[0][1])):
        if start < reach:
            continue   # inside (or overlapping) the occurrence before: part of that item
        if run and not _only_separators(text[reach:start]):
            runs.append(run)
            run = []
        run.append(targets)
        reach = end
    runs.append(run)
    listed: set[int] = set()
    for run in runs:
        named = [next(iter(targets)) for targets in run if len(targets) == 1]
        if len(set(named)) >= ADJACENT_ITEMS:
            listed.update(named)
    return listed


def _only_separators(gap: str) -> bool:
    """What stands between two items of a list run together: white space alone (a comma or a semicolon is a
    sentence's enumeration: "any SELECT, INSERT, UPDATE or DELETE statement"; a middle dot, a line of tags:
    "Categories: Sets · Lists")."""
    return 0 < len(gap) <= 3 and not gap.strip()


#: What follows a "See also" label in running text (text.SEE_ALSO_LABELS), and what separates its items
_AFTER_LABEL_RE = re.compile(r"[ \t\xa0]?[:.]?[ \t\xa0]*")   # "See also: ", French "Voir aussi : "
_ITEM_SEPARATOR_RE = re.compile(r"[,;][ \t\xa0]+|[ \t\xa0]+(?:and|or)[ \t\xa0]+")
#: Where such a list ends: a full stop, question mark or colon before white space, a line break, the text's end
_LIST_END_RE = re.compile(r"[.?:](?=\s|$)|\n|$")
KIND_WORDS = 2           # words a "See also" term may open with to say what it names ("Built-in function open()")
SEE_ALSO_CHARS = 400     # a list runs at most this far from its label: past it, it is prose


def see_also_items(text: str, prose=None) -> frozenset[tuple[int, int]]:
    """Where the items of the text's "See also" lists stand (item_span's bounds): from the label to the end of its
    sentence or of the block its items stand in (`prose`: the page's placement.prose_ranges, None on plain text),
    split at commas, semicolons, "and" and "or". An item is whatever stands between two separators, so prose after
    the label ("See also the chapter on knots.") is one item that names no page.

    Why: a "See also" label says what its list holds, a reference per item, where a list of links needs most of
    its items to be pages' names (listed_targets): a manual's "See also: fseek, frewind, feof, fopen." names three
    entries of its own page and one of another. On a held-out Texinfo manual such items were 516 of its 1,229
    in-content links, and 274 of them were never suggested: the functions they name are words out of code
    (anchor_choice's word_declared). Cached by text: the page's rows ask for each of their occurrences."""
    return _see_also_items(text, tuple(prose[1]) if prose else ())


@lru_cache(maxsize=64)
def _see_also_items(text: str, block_ends: tuple[int, ...]) -> frozenset[tuple[int, int]]:
    found = []
    for start in _list_starts(text):
        stop = _LIST_END_RE.search(text, start, min(len(text), start + SEE_ALSO_CHARS)).start()
        block = bisect_right(block_ends, start)   # a "SEE ALSO" heading's items end with the block after it
        stop = min(stop, block_ends[block]) if block < len(block_ends) else stop
        for separator in (*_ITEM_SEPARATOR_RE.finditer(text, start, stop), None):
            end = stop if separator is None else separator.start()
            bounds = item_span(text, start, end)
            if bounds is not None:
                found.append(bounds)
                named = man_section_closing(text, *bounds)   # "cargo-build(1)": the name, its section after it
                if named is not None:
                    found.append((bounds[0], named))
            if separator is not None:
                start = separator.end()
    return frozenset(found)


def _list_starts(text: str) -> list[int]:
    """Where the text's "See also" lists start: after each label standing as words of its own, and its colon.
    Found by str.find, label by label: one regular expression of the labels, searched at every character, cost
    0.6 ms a page (0.3 s of a docs corpus's 4 s)."""
    starts = []
    for label in SEE_ALSO_LABELS:
        at = text.find(label)
        while at >= 0:
            end = at + len(label)
            if not (_word_char(text, at - 1) or _word_char(text, end)):
                starts.append(_AFTER_LABEL_RE.match(text, end).end())
            at = text.find(label, end)
    return starts


def _word_char(text: str, at: int) -> bool:
    """Whether text[at] exists and continues a word (a letter, a digit, "_" or "-")."""
    return 0 <= at < len(text) and (text[at].isalnum() or text[at] in "_-")


def page_see_also_items(text: str, prose, blocks) -> frozenset[tuple[int, int]]:
    """All the items of the page's "See also" lists: see_also_items (`prose` as there), and on a page with blocks
    (`blocks`, None for plain text) see_also_term_items, the text's items inside a term left out: a term is one
    item, "PEP 318 - Decorators for Functions, Methods and Classes", not the enumeration in its words."""
    items = see_also_items(text, prose)
    terms = see_also_terms(text, blocks) if blocks else []
    if not terms:
        return items
    starts = [start for start, _end in terms]

    def in_term(item: tuple[int, int]) -> bool:
        at = bisect_right(starts, item[0]) - 1
        return at >= 0 and item[1] <= terms[at][1]
    return frozenset(item for item in items if not in_term(item)) | see_also_term_items(text, blocks)


def see_also_term_items(text: str, blocks) -> frozenset[tuple[int, int]]:
    """The items of the page's "See also" definition lists (placement.see_also_terms; HTML input): each term whole,
    and what follows its first word or two, which may say what kind of thing it names ("Module os", "Built-in
    function open()"), unless a capital opens it ("Kiln Shelves" is one name). On python-docs, HTML, cold start,
    such items gave 59 rows in the high tier, 56 real links (P@5 0.599 -> 0.607)."""
    found = set()
    for start, end in see_also_terms(text, blocks or ()):
        bounds = item_span(text, start, end)
        if bounds is None:
            continue
        found.add(bounds)
        at = bounds[0]
        for _word in range(KIND_WORDS):
            at = text.find(" ", at, bounds[1])
            if at < 0:
                break
            rest = item_span(text, at, bounds[1])
            if rest is not None and not text[rest[0]].isupper():   # "Kiln Shelves" is one name
                found.add(rest)
            at += 1
    return frozenset(found)


def see_also_targets(items: frozenset[tuple[int, int]], text: str, rows_target: np.ndarray, naming: np.ndarray,
                     spans: tuple, linked=None) -> set[int]:
    """The targets the page's "See also" lists name (`items`: their see_also_items and see_also_term_items): each
    item that a naming row spells whole and that names one page (the other arguments as listed_targets'). With the
    site's links given (`linked`), the lists count only where its editors linked at least LINKED_SHARE times as
    many of their items as they leave unlinked names."""
    if not items:
        return set()
    named = _spelled_whole(items, text, rows_target, naming, spans)
    if linked is not None:
        done = sum(1 for item in items if item not in named and linked(text[slice(*item)]))
        if not named or done < LINKED_SHARE * len(named):
            return set()
    return {next(iter(targets)) for targets in named.values() if len(targets) == 1}
