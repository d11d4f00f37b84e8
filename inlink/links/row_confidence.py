"""A placed row's confidence: the model's figure (confidence.py), raised where the page's own wording vouches for
the link and capped where a kind of evidence promises more than it keeps.

Why its own module: the model weighs evidence the same way on every site, but some kinds of evidence were
measured to mean less (a title's words in another capitalisation, a key phrase of plain words, a word of the
source's own title) or more (a title cited in quotes, a page named in a list of links) than their weights say, on
the development corpora and on held-out sites; each such rule, with the figures it rests on, lives here, apart
from choosing the rows (suggest.py) and from the placement rules both engines obey (placement.py).
"""
from __future__ import annotations

import re
from typing import Protocol

import numpy as np

from inlink.links.anchors import OWN_NAME_KINDS
from inlink.links.confidence import HIGH_CONFIDENCE, MEDIUM_CONFIDENCE, confidence
from inlink.links.index import LinkIndex
from inlink.links.naming import declared_in_term, numbered_origin
from inlink.links.placement import inside_one
from inlink.links.ranking import NAME_KINDS, VOCABULARY_KINDS, Option, Ranked
from inlink.links.sections import site_quotes_titles
from inlink.links.text import (
    CLOSING_QUOTES,
    after_opening_quote,
    in_string_literal,
    is_code_like,
    is_lowercase_name,
    lowered_tokens,
    title_words,
    tokens,
)
from inlink.links.title_case import title_as_sentence_writes_it

LISTED_CONFIDENCE = 0.9   # the least confidence of a target named in a list of links (row_confidence)
LISTED_RECOVERY_CONFIDENCE = 0.3   # ... with the site's links given: the low tier, above the default floor
CAP_MARGIN = 0.01          # a capped confidence stands this far below the medium cut-off (shown as 0.49, not 0.50)
# The caps stand below the default cut-offs, not the configured ones: a confidence is a chance, the same whatever
# tiers the user draws (capped rows read 0.44 with the medium cut-off at 0.45, and fell under the floor at 0.2).
BELOW_MEDIUM = round(MEDIUM_CONFIDENCE - CAP_MARGIN, 3)
BELOW_HIGH = round(HIGH_CONFIDENCE - CAP_MARGIN, 3)


class PlacedPage(Protocol):
    """What the rules read of a source page (anchor_choice.PagePlace has it): its text, its inline code spans (HTML input,
    else None) and its position in the index."""
    text: str
    code: tuple[np.ndarray, np.ndarray] | None
    source: int


def row_confidence(index: LinkIndex, item: Ranked, option: Option, page: PlacedPage, span: tuple[int, int],
                   found: dict) -> float:
    """The row's confidence: the model's (confidence.confidence), under the caps of `capped`; a target the page names in a
    list of links (link_lists.py) has at least LISTED_CONFIDENCE: the pages such lists name were real links 466
    times in 473 on the sites measured (39 of 41 on the development corpora), whatever the names' own evidence.
    With the site's links given, LISTED_RECOVERY_CONFIDENCE: such a name left unlinked in a list the editors
    mostly linked is worth showing, not sure."""
    value = capped(index, item.target, option, page, span, confidence(found))
    if cites_title_in_quotes(index, option, page.text, span):
        value = max(value, HIGH_CONFIDENCE)
    return max(value, listed_confidence(index)) if item.listed else value


def cites_title_in_quotes(index: LinkIndex, option: Option, text: str, span: tuple[int, int]) -> bool:
    """The anchor is the target's title (H1, title head) as spelled there, between quotation marks, on a site that
    refers to its pages by their titles in quotes (sections.site_quotes_titles: a DocBook manual's 'see the section
    called “Search patterns”', the Rust book's 'the “Control Flow” section'): the site's own way of citing the page,
    so at least the high tier, whatever else the pages share (cold start). On the six held-out sites that quote
    their titles, quoted rows were real links 97 times in 100 in the high tier, and such rows 12 in 12 below it (a
    title as common as "Search patterns" weighed medium or low). A row the floor left out before its anchor was
    placed stays out (suggest._reachable)."""
    start, end = span
    return not index.dictionary.known and option.exact and option.kind in OWN_NAME_KINDS \
        and after_opening_quote(text, span) and text[end:end + 1] in CLOSING_QUOTES \
        and not in_string_literal(text, start) and site_quotes_titles(index)


def listed_confidence(index: LinkIndex) -> float:
    """The least confidence of a target named in a list of links (row_confidence): cold start or with the site's
    links."""
    return LISTED_RECOVERY_CONFIDENCE if index.dictionary.known else LISTED_CONFIDENCE


def capped(index: LinkIndex, target: int, option: Option, page: PlacedPage, span: tuple[int, int],
           value: float) -> float:
    """The confidence, at most the low tier's for a vocabulary anchor (a key phrase or shared term), cold start,
    unless it is a key phrase holding an identifier ("WSGIPythonPath": a name; a number's adjective, "64-bit", is
    none: is_identifier): a key phrase of words weighs most
    in the target but names nothing, and such medium- and high-tier rows were real links 0-27% of the time on six
    held-out manuals (GIMP 3 in 62, Octave 0 in 30, PostgreSQL 8 in 34) and 0 in 5 on django, where the medium
    tier promises half or more (python: 5 in 7). Before, one whose words stood in the target's title stayed (a
    third of the others had been real links on the development cells). The row stays, in the low tier. With the
    site's links given, their link odds weigh the phrase instead.
    A shared term (a rare word both pages use) is capped whatever its words: it says the pages are alike, not that
    the phrase names the target; medium- and high-tier rows of that kind were real links 2 times in 47 over the
    two development corpora and six held-out sites (0 of 8 on the development corpora alone).
    A title's words in another capitalisation and out of quotes ("data types" for the page "Data Types") are mostly
    the words, not a reference to the page: such medium- and high-tier rows were real links 0-10% of the time on
    three held-out manuals (PostgreSQL 1 in 109, GIMP 11 in 175, Octave 25 in 222) and 5 times in 58 on a held-out
    prose handbook, against 40-60% on the development corpora (about their medium tier's rate), whose authors often
    write a link's text in lowercase. But on a site that titles its pages in sentence case, a title of two words or
    more with only its first letter lowercased ("external blocks" of "External blocks") is the title as a sentence
    writes it: it keeps the model's confidence below the high tier (title_case.py: 68 real links in 90 on the Rust
    Reference, 30 in 57 on django). On a site that refers to its pages by their titles in quotes
    (sections.quotes_titles: the "Data Types" section), a key phrase is vocabulary, not a reference, whatever its
    words.
    A numbered reference to a chapter whose URLs file several pages under its number ("Chapter 10" of
    ch10-00-generics, ch10-01-syntax, ch10-02-traits) names the chapter, not its first page: the sentence may mean
    any of them ("traits, covered in Chapter 10"), so it stays in the low tier, with or without the site's links.
    A number that is one page's own (a title's "part 2", an appendix's heading) keeps its confidence.
    A plain word a page declares as a function ("polyval" of a Texinfo entry, in code: validation.declared_in_code)
    stays below the high tier: the development corpora, which the weights were fitted on, declare only names shaped
    as code, and such rows were real links 45 times in 77 in the high tier on a held-out GNU manual. Cold start, one
    the model puts in the medium tier goes to the low: there they were real links 33% (GNU Octave, 338 rows) and 47%
    (Maxima, 387) of the time, against 55% for those it puts in the high tier, which keep the medium.
    A title that is one lowercase word ("tables", "views", "methods": a view's, a command's, a class's page) is,
    outside inline code on a page that marks code (HTML input), mostly the everyday word: such medium- and
    high-tier rows were real links 35 times in 137 on PostgreSQL's manual, 3 in 17 on Apache's, 0 in 10 on GNU
    Octave's, 0 in 3 on GLib's and the Rust book, 0 in 3 on django's. The row stays, in the low tier (cold start;
    a title's head spelled so is refused outright out of code: anchor_choice._placement_rule's word_name).
    An anchor whose words all stand in the source page's own title or H1 ("Duplicate" on "Duplicate layer",
    "PL/Perl" on "PL/Perl Functions and Arguments", "Class-based views" on "Using mixins with class-based views")
    mostly names the page's own subject there, not the other page bearing it as a title: such high-tier rows were
    real links 42 times in 90 over the development corpora and eleven held-out sites (GIMP 12 in 36, PostgreSQL
    10 in 18, Maxima 4 in 12, python 3 in 3), so they stay below the high tier, and the reason says what to check
    (caution). A page that lists the target among other pages' names keeps LISTED_CONFIDENCE (row_confidence).
    A name the target declares only in a section heading, with no code shape, that the source writes outside
    inline code on a page that marks its code (_heading_name_in_prose: "JUnit", "XSLT", "PostgreSQL" named in
    passing) stays below the high tier as well: such medium- and high-tier rows were real links 97 times in 155
    over the development corpora and ten held-out sites, against 332 in 339 written as code."""
    text = page.text
    if option.kind == "numbered" and numbered_origin(index, option.key, target)[1] > 1:
        return min(value, BELOW_MEDIUM)
    if option.kind == "defined" and _plain_declared_word(text[span[0]:span[1]]):
        if value < HIGH_CONFIDENCE and not index.dictionary.known:
            return min(value, BELOW_MEDIUM)
        return min(value, BELOW_HIGH)
    if index.dictionary.known:
        return value
    if in_own_title(index, page.source, text[span[0]:span[1]]) \
            or _heading_name_in_prose(index, target, option, page, span):
        value = min(value, BELOW_HIGH)
    if option.kind in NAME_KINDS:
        if option.kind in OWN_NAME_KINDS and option.exact and _plain_word_out_of_code(page, span):
            return min(value, BELOW_MEDIUM)
        if option.exact or option.kind not in OWN_NAME_KINDS or after_opening_quote(text, span):
            return value
        if title_as_sentence_writes_it(index, target, text[span[0]:span[1]]):
            return min(value, BELOW_HIGH)
    elif option.kind not in VOCABULARY_KINDS or (option.kind == "key" and not site_quotes_titles(index)
                                                  and any(map(is_identifier, tokens(text[span[0]:span[1]])))):
        return value
    return min(value, BELOW_MEDIUM)


# A code shape: an underscore, a dot, a bracket, "::", a lowercase start with a capital inside ("getElementById"), an
# option's leading dash.
_CODE_SHAPE_RE = re.compile(r"[_.()]|::|\b[a-z]+[A-Z]|(?<![\w-])-")
# "2-letter", "64-bit", "3-way": a number's adjective; "0.0f", "1.5x", "2.0": a number, with a one-letter type or unit
# ("3xx", an HTTP status class, is a name)
_QUANTITY_RE = re.compile(r"\d+(?:\.\d+)*(?:-[a-z]+|[a-z]?)")


def is_identifier(token: str) -> bool:
    """A token shaped as code (is_code_like) that is no number (a number's adjective "64-bit", a literal "0.0f":
    held-out GIMP's "0.0f" linked as a key phrase to the tutorial that writes it twice, high tier)."""
    return is_code_like(token) and not _QUANTITY_RE.fullmatch(token)


def _heading_name_in_prose(index: LinkIndex, target: int, option: Option, page: PlacedPage,
                           span: tuple[int, int]) -> bool:
    """The anchor is a name the target declares only in a section heading ("Class: LedgerStore", a "PostgreSQL"
    section), not in an entry's term, spelled with no code shape (_CODE_SHAPE_RE) and written outside inline code
    on a page that marks its code: there it is mostly a product or a concept named in passing (JUnit, XSLT,
    PostgreSQL on a page comparing engines), not the site's own API entry."""
    start, end = span
    return option.kind == "defined" and page.code is not None and not inside_one(page.code, start, end) \
        and not _CODE_SHAPE_RE.search(page.text, start, end) and not declared_in_term(index, option.phrase, target)


def in_own_title(index: LinkIndex, source: int, anchor: str) -> bool:
    """Every word of the anchor stands in the source page's own title or H1 ("Duplicate" on "Duplicate layer",
    "PL/Perl" on "PL/Perl Functions and Arguments"): there it mostly names the page's own subject, not the other
    page that bears it as a title."""
    words = lowered_tokens(anchor)
    return bool(words) and set(words) <= title_words(index.titles[source], index.h1s[source])


def _plain_word_out_of_code(page: PlacedPage, span: tuple[int, int]) -> bool:
    """A lowercase word (text.is_lowercase_name), out of inline code on a page that marks code."""
    return page.code is not None and is_lowercase_name(page.text[span[0]:span[1]]) and not inside_one(page.code, *span)


def _plain_declared_word(anchor: str) -> bool:
    """A declared name spelled as a plain word ("polyval", not "num2str", "PyObject" nor "ASCII")."""
    return anchor.isalpha() and not anchor.isupper() and not is_code_like(anchor)


def caution(index: LinkIndex, source: int, listed: bool, option: Option, span: tuple[int, int]) -> str | None:
    """What an editor should check that the evidence does not settle (see capped), or None: not for a row the
    page lists among other pages' names or cites as a title in quotes, which say what they mean (row_confidence)."""
    text = index.texts[source]
    if index.dictionary.known or listed or cites_title_in_quotes(index, option, text, span):
        return None
    if in_own_title(index, source, text[span[0]:span[1]]):
        return "The anchor's words are also this page's own title: check that they mean the target here."
    return None
