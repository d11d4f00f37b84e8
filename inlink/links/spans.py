"""Where an anchor stands in its source page and how far it reaches: the occurrence picked for an option, grown to
the target's whole name or by a neighbour word, never overlapping another anchor; and the marks it takes with it
(closed_brackets and the with_* helpers): the brackets and quotation it opens, a long option's dashes, a call's
empty brackets, a placeholder's angle brackets, a cross-reference's number with the title written after it (or
before it: reference_before).

Apart from the ranking (ranking.py), which says which targets and which phrases; this says which characters.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from inlink.links.linked_text import overlaps_linked
from inlink.links.notation import man_section_after
from inlink.links.text import SOLO_RE, is_function_word, lowered_text, prose_score

if TYPE_CHECKING:
    from inlink.links.index import LinkIndex
    from inlink.links.ranking import Option
    from inlink.links.tokens import PageWords

OCCURRENCES_CHECKED = 6    # occurrences of one phrase weighed for "running text" before picking one


class Taken:
    """What an anchor may not overlap on one page: the anchors chosen for it so far (two anchors never share a
    character), and the text the page links already (linked_text.overlaps_linked: `linked`, its links' anchors)."""

    def __init__(self, text: str = "", linked: tuple[str, ...] = ()):
        self.chosen: list[tuple[int, int]] = []
        self._text, self._linked = text, linked

    def add(self, span: tuple[int, int]) -> None:
        self.chosen.append(span)

    def overlaps(self, span: tuple[int, int]) -> bool:
        return any(span[0] < end and start < span[1] for start, end in self.chosen) or \
            (bool(self._linked) and overlaps_linked(self._text, self._linked, *span))


def overlaps(span: tuple[int, int], taken: Taken) -> bool:
    """Whether the character span overlaps an anchor chosen on the page or its linked text (Taken)."""
    return taken.overlaps(span)


def pick_occurrence(text: str, option: Option, taken: Taken, allowed=None,
                    weigh: bool = True) -> tuple[int, int] | None:
    """The occurrence (character span) in the most running-text-like sentence that overlaps no chosen anchor
    (with weigh=False: the first free one, enough to know that the option can be placed at all).

    Only the first few free occurrences are weighed: links belong near the first mention anyway.
    """
    free = []
    checked = OCCURRENCES_CHECKED if weigh else 1
    for span in option.spans:
        if allowed is not None and not allowed(*span):
            continue
        if not overlaps(span, taken):
            free.append(span)
            if len(free) == checked:
                break
    if len(free) <= 1:
        return free[0] if free else None
    scores = [prose_score(text, *span) for span in free]
    return free[scores.index(max(scores))]


def grow_to_title(index: LinkIndex, text: str, target: int, span: tuple[int, int], starts: np.ndarray,
                  ends: np.ndarray, taken: Taken) -> tuple[int, int]:
    """The anchor grown, word by word on either side, as long as it still stands in the target's title or H1
    ("Appendix" -> "Appendix B", "Backup" -> "Backup Strategies"): never cut inside the target's name."""
    title = f" {index.titles[target]} | {index.h1s[target]} ".lower()
    original = span
    first = int(starts.searchsorted(span[0]))
    last = int(ends.searchsorted(span[1]))
    if first >= len(starts) or last >= len(ends) or int(starts[first]) != span[0] or int(ends[last]) != span[1]:
        return span
    grown = True
    while grown:
        grown = False
        for a, b in ((first - 1, last), (first, last + 1)):
            if a < 0 or b >= len(starts):
                continue
            wider = (int(starts[a]), int(ends[b]))
            phrase = text[wider[0]:wider[1]].lower()
            if (f" {phrase} " in title or f" {phrase}:" in title) and \
                    not overlaps(wider, taken):
                first, last, span, grown = a, b, wider, True
                break
    if text[span[0]:span[1]].lower() in (index.titles[target].lower(), index.h1s[target].lower()):
        return span   # a whole title or H1 stands as it is
    return _without_loose_ends(text, span, starts, ends, first, last, original)


#: Words that join the parts of a name and never begin or end one: grown to "and offices" from the title "Wholesale
#: Coffee for Cafés and Offices", an anchor reads as a cut. An article begins a name only as the whole title or H1
#: ("The Audit Trail", kept whole before these are trimmed): grown from "lzma" to "the lzma" ("if the lzma module is
#: available") by the title "lzma — Compression using the LZMA algorithm", or from "foreign" to "a foreign" by "A
#: foreign function library", it is the sentence's article, not the name's.
LOOSE_WORDS = frozenset("and or nor but of for to with in on at by from as into than via the a an".split())


def _without_loose_ends(text: str, span: tuple[int, int], starts: np.ndarray, ends: np.ndarray,
                        first: int, last: int, original: tuple[int, int]) -> tuple[int, int]:
    """The grown span (tokens first..last) without the joining words growth left at its edges (LOOSE_WORDS), back
    to no less than the span it grew from."""
    while int(starts[first]) < original[0] and text[starts[first]:ends[first]].lower() in LOOSE_WORDS:
        first += 1
    while int(ends[last]) > original[1] and text[starts[last]:ends[last]].lower() in LOOSE_WORDS:
        last -= 1
    return int(starts[first]), int(ends[last])


def widen_single_word(index: LinkIndex, text: str, target: int, span: tuple[int, int], starts: np.ndarray,
                       ends: np.ndarray, words: PageWords, taken: Taken) -> tuple[int, int]:
    """A one-word anchor grows by its neighbour word when the target uses the same two words ("paper" ->
    "paper filters"): a descriptive anchor tells the reader more about the target. A capitalised word (a name,
    an acronym) never grows by a lowercase word before it: that word is a verb or an adjective of the sentence,
    no part of the name ("4 means B.A.S", which a target holding the same table also writes; held out, a build
    tool's manual)."""
    i = int(starts.searchsorted(span[0]))
    base = max(0, i - 1)
    near_starts, near_ends = starts[base:i + 2].tolist(), ends[base:i + 2].tolist()   # the word and its neighbours
    if i >= len(words) or near_starts[i - base] != span[0] or near_ends[i - base] != span[1]:
        return span
    target_text = None
    for first, last in ((i, i + 1), (i - 1, i)):
        if first < 0 or last >= len(words) or text[near_ends[first - base]:near_starts[last - base]] != " ":
            continue
        other_at = (last if first == i else first) - base
        other = text[near_starts[other_at]:near_ends[other_at]]
        if is_function_word(other.lower()) or not other[:1].isalpha() or \
                (len(other) == 1 and (other.islower() or SOLO_RE.match(other))):
            continue   # a small letter alone is a variable or a key ("n frames", "2 keeps e: Examine"), no word; a
                       # character of Japanese alone is a piece of a word or a particle ("hostname と": "and")
        if first != i and other.islower() and text[span[0]].isupper():
            continue   # a name does not take the lowercase word before it: a verb ("means B.A.S", "using Git")
        wider = (near_starts[first - base], near_ends[last - base])
        if overlaps(wider, taken):
            continue
        target_text = target_text if target_text is not None else lowered_text(index.texts[target])
        if text[wider[0]:wider[1]].lower() in target_text:
            return wider
    return span


_CLOSING = {"(": ")", "[": "]", "“": "”", "‘": "’", "„": "“", "«": "»"}   # („ opens a German „quotation“)
_QUOTE_PAIRS = {"“": "”", "‘": "’", '"': '"', "«": "»", "„": "“"}   # an opening quotation mark and its closing one


def closes_one_it_opens(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] ends on a closing bracket or quotation mark (or a quoted title's "!" or "?" before
    its closing mark) that closes one opened inside it: an end closed_brackets gives, no loose mark."""
    last = text[end - 1] if end > start else ""
    opening = next((o for o, c in _CLOSING.items() if c == last), None)
    if opening is not None:
        return text.count(opening, start, end) >= text.count(last, start, end)
    return last in "!?" and 0 < start and end < len(text) and text[start - 1] in _QUOTE_PAIRS \
        and text[end] == _QUOTE_PAIRS[text[start - 1]]


def closed_brackets(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """The anchor with the brackets and quotes it opens closed, when the text closes them right after it: "Managing
    static files (e.g. images, JavaScript, CSS" ends at its ")" (a title's words are matched as tokens, and the
    closing mark is none). An anchor never ends inside a parenthesis it opened. Likewise a quoted title's last
    "!" or "?" ('the “To panic! or Not to panic!” section'): an anchor that fills the quotation but for that mark
    takes it, so the title is whole."""
    start, end = span
    for opening, closing in _CLOSING.items():
        while end < len(text) and text[end] == closing \
                and text.count(opening, start, end) > text.count(closing, start, end):
            end += 1
    end = _quotation_closed(text, start, end)
    if 0 < start and end + 1 < len(text) and text[start - 1] in _QUOTE_PAIRS and text[end] in "!?" \
            and text[end + 1] == _QUOTE_PAIRS[text[start - 1]]:
        end += 1
    return start, end


#: What may stand between a quoted title's last word and its closing mark: a space (DocBook's "“ Decompose ”"),
#: the ellipsis or degree sign of a menu command's name ("“New…”", "“Rotate 180°”"), a full stop ("“et al.”").
QUOTE_TAIL = " …°.!?"
QUOTE_CLOSINGS = "”’"
_QUOTE_TAIL_RE = re.compile(f"[{QUOTE_TAIL}]{{1,3}}")


def _quotation_closed(text: str, start: int, end: int) -> int:
    """The end of an anchor that opens a quotation (“, ‘, „ or «) and stops short of its closing mark: past it when
    only a space, an ellipsis, a degree sign or a full stop stands between (the title's words are matched as
    tokens, and those marks are none); else where it was. Held-out DocBook manuals: "Section 8.27, “ Decompose"
    was the anchor of "Section 8.27, “ Decompose ”"."""
    for opening in ("“", "‘", "„", "«"):
        closing = _CLOSING[opening]
        if text.count(opening, start, end) > text.count(closing, start, end):
            tail = _QUOTE_TAIL_RE.match(text, end, end + 3)
            after = tail.end() if tail else end
            if text.startswith(closing, after):
                return after + 1
    return end


def with_option_dashes(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """The anchor with the two dashes that make its first word a long command-line option ("--keep-going"): the
    tokeniser reads the option's name without them ("keep-going"), and an anchor cut there leaves the reader a
    link on half of the flag. The dashes must open a word (a space, an opening bracket or quote, or the text's
    start before them; a token never starts right after a hyphen inside a word). One dash is left alone: it is as
    often a minus ("-signal.SIGTERM", a negated value) as a short option."""
    start, end = span
    if text[max(0, start - 2):start] != "--" or start > 2 and not (text[start - 3].isspace()
                                                                   or text[start - 3] in "([{`'\"“‘"):
        return span
    return start - 2, end


def with_call_parens(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """The anchor with the empty brackets that make it a call, when the text writes them right after it ("fsum" in
    "math.fsum()" is "math.fsum()"): the tokeniser reads the name without them, and documentation sites link the
    call whole (an editor's read: about a third of the python-docs rows ended before their "()")."""
    start, end = span
    if text.startswith("()", end) and (text[end - 1].isalnum() or text[end - 1] == "_") \
            and not (end + 2 < len(text) and (text[end + 2].isalnum() or text[end + 2] == "_")):
        return start, end + 2
    return span


def with_man_section(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """The anchor with the manual section written right after it when it is a man page's name ("cargo-fetch" in "the
    cargo-fetch(1) command" is "cargo-fetch(1)": notation.man_section_after): the tokeniser reads the name without
    it, and a tool's pages link the citation whole (a held-out build tool's book: 178 of its 700 links)."""
    after = man_section_after(text, *span)
    return span if after is None else (span[0], after)


#: A placeholder's opening bracket and name at an anchor's end ("CMAKE_<LANG>_FLAGS_<CONFIG"), its name and closing
#: bracket at its start ("PackageName>_ROOT"): a name built of placeholders, cut inside one.
_PLACEHOLDER_OPEN_AT_END_RE = re.compile(r"<[\w.-]+$")
_PLACEHOLDER_CLOSED_AT_START_RE = re.compile(r"[\w.-]+>")


def with_placeholder_brackets(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """The anchor with the angle bracket it leaves out of a placeholder it cuts: a reference manual names a family
    of entries with placeholders ("CMAKE_<LANG>_FLAGS_<CONFIG>", "<PackageName>_ROOT"), the tokeniser reads the words
    without the brackets, and an anchor matched on them stopped before the last ">" or after the first "<" (held-out
    build tool's manual: 3% of its high and medium rows, nearly all real links, on a name cut so). Only a bracket
    glued to a placeholder the anchor holds the rest of; an anchor standing inside one ("LANG" of "<LANG>") is left
    as it is."""
    start, end = span
    if text.startswith(">", end) and _PLACEHOLDER_OPEN_AT_END_RE.search(text, start, end):
        end += 1
    if start > 0 and text[start - 1] == "<" and _PLACEHOLDER_CLOSED_AT_START_RE.match(text, start, end):
        start -= 1
    return start, end


_PLACEHOLDER_AHEAD_RE = re.compile(r"<[^<>\s]+>\w")   # the name goes on after it: "<DIALECT>_COMPILER", not "Array<string>"
_PLACEHOLDER_BEHIND_RE = re.compile(r"<[^<>\s]+>$")


def glued_to_placeholder(text: str, start: int, end: int) -> bool:
    """A placeholder glued to text[start:end] continues its name ("CMAKE_ASM" of "CMAKE_ASM<DIALECT>_COMPILER",
    "_COMPILER" of it): the span is a piece of a name built of placeholders, cut short. A generic type's argument
    after its name ("Array<string>") continues nothing."""
    word = lambda ch: ch.isalnum() or ch == "_"   # noqa: E731
    ahead = end < len(text) and start < end and word(text[end - 1]) and _PLACEHOLDER_AHEAD_RE.match(text, end)
    behind = 0 < start < end and word(text[start]) and _PLACEHOLDER_BEHIND_RE.search(text, max(0, start - 60), start)
    return bool(ahead or behind)


def placeholder_edges(text: str, start: int, end: int) -> tuple[int, int]:
    """The first and last characters of text[start:end] that are no bracket of a placeholder it holds whole (the
    "<" of "<PackageName>_ROOT", the ">" of "CMAKE_<LANG>"): where a word boundary is read (validation)."""
    first, last = start, end - 1
    if text.startswith("<", first) and text.find(">", first + 2, end) > 0:
        first += 1
    if last > first and text[last] == ">" and text.rfind("<", first, last - 1) >= 0:
        last -= 1
    return first, last


QUOTED_TITLE_CHARS = 120   # a quoted section title after its number; a longer quotation is something else
_AFTER_NUMBER_RE = re.compile(r', ([“"‘«„])')


def with_quoted_title(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """A numbered reference with the quoted title written right after it, as manuals made with DocBook and the like
    write their cross-references ("Section 7.6, “Sandbox”"): the reference and its title are one link there (on
    held-out DocBook sites every such in-content link took both), so an anchor on the number alone is cut short.
    Only a quotation that closes within QUOTED_TITLE_CHARS and holds no line break; else the number alone."""
    start, end = span
    opened = _AFTER_NUMBER_RE.match(text, end)
    if opened is None:
        return span
    closing = text.find(_QUOTE_PAIRS[opened.group(1)], opened.end(), opened.end() + QUOTED_TITLE_CHARS)
    if closing <= opened.end() or "\n" in text[opened.end():closing]:
        return span
    return start, closing + 1


def with_title_after(text: str, span: tuple[int, int], titles: tuple[str, ...]) -> tuple[int, int]:
    """A numbered reference with one of the target's titles (`titles`: its title and H1) written unquoted right
    after it and a comma ("Chapter 4, Installation", "Chapter 7, Solving Problems and Finding Relevant
    Information"): one link, as with_quoted_title's, on a site that leaves chapter titles unquoted. The title must
    end where a word ends; else the number alone."""
    start, end = span
    if not text.startswith(", ", end):
        return span
    for title in titles:
        after = end + 2 + len(title)
        if title and text.startswith(title, end + 2) and not (after < len(text) and text[after].isalnum()):
            return start, after
    return span


#: "Section 6.7, " or "Chapter 7, " right before a title: a manual's cross-reference, its number then its title
_REFERENCE_BEFORE_RE = re.compile(r"(?<![\w.])((?:Section|Chapter|Appendix|Part)\s+(?:\d{1,3}(?:\.\d{1,3})*|[A-Z](?:\.\d{1,3})*)), $")


def reference_before(text: str, span: tuple[int, int]) -> tuple[tuple[int, int], str] | None:
    """The cross-reference a title anchor is the second half of ("Section 6.7, “Upgrading ...”", "Chapter 7, Solving
    Problems ..."), as (the whole reference's span, its number: "Section 6.7"), or None: the title stands right
    after the number and a comma, in quotes that close right after it, or unquoted. The caller checks that the
    number names the same page (then the reference is one link, not a title cut out of it)."""
    start, end = span
    quoted = start > 0 and text[start - 1] in _QUOTE_PAIRS
    if quoted and not text.startswith(_QUOTE_PAIRS[text[start - 1]], end):
        return None
    before = start - 1 if quoted else start
    found = _REFERENCE_BEFORE_RE.search(text, max(0, before - 40), before)
    if found is None:
        return None
    return (found.start(), end + 1 if quoted else end), found.group(1)


def option_dashes(text: str, start: int) -> int:
    """2 when the anchor at `start` opens with a long option's dashes (with_option_dashes), else 0."""
    return 2 if text.startswith("--", start) else 0
