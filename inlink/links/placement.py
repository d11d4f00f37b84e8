"""Where an anchor may stand in a page, and the sentence shown around it.

Why its own module: both engines (offline and Gemini) must obey the same placement rules, and the contract
test checks them from the outside, so the rules live in one place:
- on HTML input (blocks known), an anchor lies inside one block of running prose: a paragraph, list item,
  definition, loose text, or a table cell that reads as prose (a few words, not a lone value); never in a
  heading, a code / preformatted block or a configuration listing, nor in a definition term unless it is a whole
  page title, or one followed by a dash and what the page is for, in a listing of pages (listing_terms: a section
  at least half of whose terms are such titles), nor in a list item that repeats one of the page's own headings
  (its table of contents: the item links to that section of the page: contents_items), nor in a caption (a block
  opening with a numbered label, "Listing 4-3: Functions with ownership annotated", "Table 28.2. Statistics Views":
  it names what stands beside it);
- anywhere, the name of a call with arguments ("smtplib.SMTP('localhost')"), an imported name and a name
  after an interactive prompt (">>> ") are code, not prose;
- a one-word string literal ('min_value', "store_true") is a value, not a mention of the name it spells;
- a phrase opening its sentence or block with a capitalised word right after it is a heading run into the
  next paragraph (plain text), not a mention;
- an anchor never runs across a sentence or clause break its name does not hold ("Cargo. Run", "form, fields");
- a numbered reference ("Section 3") to a part of a document cited by a name in capitals and a number ("section 10
  of RFC 2616") names that document's part, not the site's;
- a template tag or expression ("{% load i18n %}", "{{ page.title }}") is code, wherever it stands;
- an item of a menu path ("Image → Scale Image", "Settings > Billing") is a place in an interface, and a key of a
  key combination ("Shift+F10") is pressed with the others: neither is a mention;
- a word used as a verb ("you can rotate", "scale the selection", "Copy any empty folders") names no page (used_as_verb; the offline
  engine's rule, as is a capitalised phrase cut out of a longer capitalised name: cut_from_longer_name);
- on plain text (no blocks), a code-like span (an identifier with _ or ::, a call with (), a path, a command
  option, a <placeholder>) is an anchor only when the target's title or defined name is that very name.
The shapes of notation (a path, a host, a template tag, a quoted value, a menu path, a key combination, a code-like
span) are read in notation.py; how far an anchor reaches once placed, in spans.py.
The Context is the sentence holding the anchor (a splitter that knows "e.g." and "3.11" end no sentence),
inside the anchor's block when blocks are known.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

import numpy as np

from inlink.links.numbering import CAPTION_WORDS
from inlink.links.notation import (in_host, in_key_combination, in_menu_path, in_path, in_template_code,
                                   in_variable_expansion, keyword_opening_optional_group, man_section_after,
                                   operand_of_operator, quoted_value)
from inlink.links.text import (SEE_ALSO_LABELS, STOP_WORDS, CONTEXT_CHARS, TOKEN_RE, sentence_bounds,
                               shorten_around, starts_sentence)

# Running prose: where an editor would put a link (site/html.py labels the blocks). "text" is loose text straight
# inside a generic container (a <div> or <section> without a <p>), which many sites use for paragraphs.
PROSE_BLOCKS = frozenset({"paragraph", "list_item", "definition", "table_cell", "text"})
PROSE_CELL_WORDS = 4       # a table cell with fewer words is a value (a name, a number), not prose


# Another document's part: "section 10 of RFC 2616", "RFC 7238, Section 3", "PEP 8 section 2" (a name in capitals
# and its number right before or after the reference).
_CITED_BEFORE_RE = re.compile(r"\b[A-Z]{2,}[ -]?\d+[,;:]?\s*$")
_CITED_AFTER_RE = re.compile(r"^\s*(?:of|in)\s+(?:the\s+)?[A-Z]{2,}[ -]?\d+\b")
# ... or a document named right before it and set off by a comma or colon ("Debian Policy Manual: Chapter 7",
# "Debian GNU/Linux FAQ, Chapter 6": a capitalised name, then the part of it).
_NAMED_BEFORE_RE = re.compile(r"\b[A-Z][\w'’/.-]*[,:]\s*$")


def cites_another_document(text: str, start: int, end: int) -> bool:
    """Whether the numbered reference text[start:end] ("Section 3") is a part of a document the text cites by a
    name in capitals and a number ("section 10 of RFC 2616", "RFC 6066 section 3") or names right before it
    ("Debian Policy Manual: Chapter 7"): that document's section, not the site's."""
    return bool(_CITED_BEFORE_RE.search(text, max(0, start - 24), start)
                or _NAMED_BEFORE_RE.search(text, max(0, start - 32), start)
                or _CITED_AFTER_RE.match(text[end:end + 32]))


def prose_ranges(text: str, blocks, titles: frozenset[str] | None = None) -> tuple[list[int], list[int]] | None:
    """Start and end offsets of the page's prose blocks, sorted; None when the page has no blocks (plain
    text), so every place counts as possible. With `titles` (page titles), the terms of a listing of pages count
    too (listing_terms), where each term is the link; any other term (a declaration, a glossary word, a
    setting) stays out."""
    if blocks is None:
        return None
    listed = (listing_terms(text, blocks, titles) if titles else frozenset()).union(
        start for start, _end in see_also_terms(text, blocks))
    contents = contents_items(text, blocks)
    starts, ends = [], []
    for kind, start, end in blocks:
        if (kind not in PROSE_BLOCKS and start not in listed) or start in contents or _opens_caption(text, start, end) \
                or _TAXONOMY_LABEL_RE.match(text, start, end):
            continue
        if kind == "table_cell" and text[start:end].count(" ") + 1 < PROSE_CELL_WORDS and start not in listed:
            continue
        starts.append(int(start))
        ends.append(int(end))
    return starts, ends


# A caption's label: its word and number ("Table 28.2.", "Listing 4-3:", "Figure B-1:", "Example 3.1:"), then text.
_CAPTION_LABEL_RE = re.compile(r"(?:%s) (?:\d{1,3}(?:[.-]\d{1,3})*|[A-Z](?:[.-]\d{1,3})+)[.:]\s+\S"
                               % "|".join(CAPTION_WORDS))


# A taxonomy line's label: "Categories: Help · Plotting", "Tags: backup, cron" (a Texinfo manual's, a blog's, a
# wiki's footer). What follows names the site's categories, which link to their index pages, not to the pages
# that share their words (held-out Maxima: "Categories: Error messages" linked to the chapter, 9 rows, high tier).
_TAXONOMY_LABEL_RE = re.compile(r"\s*(?:Categories|Category|Tags|Tagged|Filed under|Topics):")


def _opens_caption(text: str, start: int, end: int) -> bool:
    """Whether the block text[start:end] opens with a caption's numbered label (after its leading spaces)."""
    while start < end and text[start].isspace():
        start += 1
    return text.startswith(CAPTION_WORDS, start, end) and _CAPTION_LABEL_RE.match(text, start, end) is not None


# How prose refers the reader to a section by its heading: "See Library Dependencies", "as described in
# Common Paint Tool Options", "refer to the Layers Dialog", "listed in section Error Handlers" (sections._CUE_WORDS:
# their first words).
_REFERS_TO_RE = re.compile(r"(?i:\bsee(?: also)?|\brefer to|\b(?:described|explained|discussed|covered|documented|"
                           r"detailed|shown|listed) (?:in|under|at))(?: the)?(?: section| chapter)? $")


def referred_to(text: str, start: int, end: int, heading: tuple[str, ...]) -> bool:
    """text[start:end] is a section's heading as written (`heading`: its words) and the words before it refer the
    reader to it ("see", "described in the"): on a site that does not quote the titles it cites, how a heading
    used as a cross-reference is told from the same words used as a term ("Microsoft Windows", "Read the Docs")."""
    return tuple(TOKEN_RE.findall(text, start, end)) == heading \
        and _REFERS_TO_RE.search(text, max(0, start - 30), start) is not None


def contents_items(text: str, blocks) -> frozenset[int]:
    """Where the list items that repeat one of the page's own headings start: the page's table of contents
    ("Table of Contents: Introduction, EJB Tasks" above the sections "Introduction" and "EJB Tasks"), whose items
    link to those sections, not to another page that happens to be called "Introduction". An item is compared
    whole, in any capitalisation, with the page's headings as written (a permalink sign after one left out)."""
    items = [(start, end) for kind, start, end in blocks if kind == "list_item"]
    if not items:
        return frozenset()
    headings = {_heading_key(text[start:end]) for kind, start, end in blocks if kind == "heading"}
    headings.discard("")
    if not headings:
        return frozenset()
    return frozenset(start for start, end in items if _heading_key(text[start:end]) in headings)


def _heading_key(text: str) -> str:
    """A heading or list item's words, casefolded, without a trailing permalink sign or item punctuation."""
    return " ".join(text.strip().rstrip("¶#§:.").split()).casefold()


LABEL_CHARS = 20   # a block this short may be a "See also" label alone ("See also:", "Véase también")


def see_also_terms(text: str, blocks) -> list[tuple[int, int]]:
    """The (start, end) of the terms of the page's "See also" definition lists: the terms after a block that is a
    "See also" label alone (text.SEE_ALSO_LABELS), each followed by at most one block describing it, until a block
    that is neither a term nor such a description. Sphinx's "See also" boxes ("See also", "Module os", what the
    module does) and numpydoc's "See Also" sections name a page per term; a reference's entries later on the page,
    each a term and paragraphs after it, are no such list (prose stands between)."""
    found: list[tuple[int, int]] = []
    state = None   # after: "label", "term", "described"; None: no list open
    for kind, start, end in blocks:
        if kind == "term" and state is not None:
            found.append((start, end))
            state = "term"
        elif state == "term" and kind in ("definition", "paragraph", "text"):
            state = "described"
        elif kind != "term" and end - start <= LABEL_CHARS and text[start:end].strip(" \t\n\xa0:") in SEE_ALSO_LABELS:
            state = "label"
        else:
            state = None
    return found


def listing_terms(text: str, blocks, titles: frozenset[str]) -> frozenset[int]:
    """Where the terms of the page's listings of pages start: the terms of a section (from one heading to the next:
    a definition's text may come as paragraphs of its own) at least half of which are each a page title whole, as
    written (a docs front page's tutorials), those of its terms. A list of settings that happens to hold a title
    ("Main", "Edge", "Zoom" on a filter's page, where "Edge" is also a filter) is no listing: its terms name the
    page's own entries."""
    lengths = _title_lengths(titles)
    listed: list[int] = []
    terms = titled = 0
    found: set[int] = set()
    for kind, start, end in (*blocks, ("end", 0, 0)):
        if kind == "term":
            terms += 1
            if _titled_term(text, start, end, titles, lengths):
                titled += 1
                listed.append(start)
        elif kind in ("heading", "end"):
            if titled and 2 * titled >= terms:
                found.update(listed)
            listed, terms, titled = [], 0, 0
    return frozenset(found.union(_listing_cells(text, blocks, titles, lengths)))


def _titled_term(text: str, start: int, end: int, titles: frozenset[str], lengths: frozenset[int]) -> bool:
    """Whether a definition term is a page title whole, or a page title then a dash and what the page is for (a
    table of contents' "Base64 Encoding — encodes and decodes data in Base64 format", a manual page's "ls - list
    directory contents"), or a cross-reference to a page by its number and quoted title, as DocBook writes one
    ("Section 7.6, “Process Invoice Payment”", then what it is used for): the title is the entry's name, the rest
    its gloss."""
    if _is_title(text, start, end, titles, lengths):
        return True
    reference = _NUMBERED_TITLE_RE.fullmatch(text, start, end)
    if reference is not None:
        return _is_title(text, reference.start(1), reference.end(1), titles, lengths)
    dash = _ENTRY_DASH_RE.search(text, start, end)
    return dash is not None and _is_title(text, start, dash.start(), titles, lengths)


def _is_title(text: str, start: int, end: int, titles: frozenset[str], lengths: frozenset[int]) -> bool:
    """text[start:end] is a page title whole, as written (its length told first: most spans are no title's)."""
    return end - start in lengths and text[start:end] in titles


# A cross-reference's text: a part's word and number, a comma, its title in quotes ("Section 7.6, “Payments”").
_NUMBERED_TITLE_RE = re.compile(r"[A-Z][a-z]+ [A-Z0-9][\w.]*, [“\"](.+?)[”\"]\s*")
_ENTRY_DASH_RE = re.compile(r"[ \t\xa0]+[—–-][ \t\xa0\n]")   # the dash between an entry's name and its gloss
LISTING_CELLS = 2            # cells that are each a page's title make a table a listing of pages ...
LISTING_CELL_SHARE = 1 / 3   # ... when they are at least this share of its cells (a name, then its notes)


def _listing_cells(text: str, blocks, titles: frozenset[str], lengths: frozenset[int]) -> list[int]:
    """Where the cells of the page's tables of pages start: a table (consecutive cells) at least LISTING_CELLS of
    whose cells, and LISTING_CELL_SHARE of them, are each a page title whole, as written ("mod_alias | + |" rows of
    a server's module table, a catalog's "pg_class | tables, indexes, ..."), those cells: the name is the link
    there, though a cell of one or two words is no running prose. A table of values that happens to hold a title
    or two among many cells is none."""
    found: list[int] = []
    cells = 0
    titled: list[int] = []
    for kind, start, end in (*blocks, ("end", 0, 0)):
        if kind == "table_cell":
            cells += 1
            if _is_title(text, start, end, titles, lengths):
                titled.append(start)
            continue
        if len(titled) >= LISTING_CELLS and len(titled) >= LISTING_CELL_SHARE * cells:
            found.extend(titled)
        cells, titled = 0, []
    return found


@lru_cache(maxsize=4)
def _title_lengths(titles: frozenset[str]) -> frozenset[int]:
    """The lengths of the titles: a term of another length is none of them (blocks hold no outer white space),
    and most terms are told so without a copy of their text."""
    return frozenset(map(len, titles))


def in_prose(ranges: tuple[list[int], list[int]] | None, start: int, end: int) -> bool:
    """Whether [start, end) lies inside one prose block (always True without blocks)."""
    return True if ranges is None else inside_one(ranges, start, end)


def inside_one(ranges, start: int, end: int) -> bool:
    """Whether [start, end) lies inside one of the ranges ((starts, ends), sorted by start, not overlapping):
    a prose block, an inline code span."""
    starts, ends = ranges
    i = bisect_right(starts, start) - 1
    return i >= 0 and end <= ends[i]


def is_one_of(ranges, start: int, end: int) -> bool:
    """Whether [start, end) is exactly one of the ranges ((starts, ends), sorted by start): an inline code span
    that holds the word and nothing else."""
    starts, ends = ranges
    i = bisect_right(starts, start) - 1
    return i >= 0 and starts[i] == start and ends[i] == end


def stands_for_a_value(placeholders, text: str, start: int, end: int, names: tuple[str, ...]) -> bool:
    """Whether text[start:end] lies inside one of the page's placeholders (`placeholders`: (starts, ends), or None;
    html.py: "<var>file</var>", DocBook's "<em><code>table_name</code></em>") and is not spelled as one of `names`
    (the target's title and H1). A placeholder stands for a value the reader supplies, not for the page that
    declares a parameter of that name: Postgres's "parser_name" in "CREATE TEXT SEARCH PARSER parser_name" is any
    parser's name, not a link to the one page whose synopsis declares it.
    Plain text or not, a name in angle brackets glued into a longer name by an underscore ("TYPE" of
    "CMAKE_<TYPE>_LINKER_FLAGS") is a piece of that name, never an anchor, even as a page's title (held-out build
    tool's manual). Angle brackets alone say no more: an API reference writes its types so ("Returns:
    <stream.Readable>", held-out Node.js API docs, real links)."""
    if _written_as_placeholder(text, start, end) and _glued_into_name(text, start - 1, end + 1):
        return True
    return placeholders is not None and inside_one(placeholders, start, end) and text[start:end] not in names


def _written_as_placeholder(text: str, start: int, end: int) -> bool:
    """text[start:end] stands in angle brackets of its own, no "$" before them ("<arg1>", not "$<CONFIG>")."""
    return 0 < start and end < len(text) and text[start - 1] == "<" and text[end] == ">" \
        and text[start - 2:start - 1] != "$"


def _glued_into_name(text: str, start: int, end: int) -> bool:
    """An underscore glued to text[start:end] on either side: it is a piece of a longer name ("CMAKE_<TYPE>_FLAGS";
    "<net.SocketAddress>es" is a type's plural)."""
    return text[start - 1:start] == "_" or text[end:end + 1] == "_"


# Code statements a sentence never holds: a call with arguments after the name, an import ("import x",
# "from x import y") or an interactive prompt (">>> x", "... x") around it.
_CALL_RE = re.compile(r"\((?!\))| import ")
_STATEMENT_BEFORE_RE = re.compile(r"(?:^|[\s;])(?:import|>>>|\.\.\.) $")


def in_running_text(ranges: tuple[list[int], list[int]] | None, text: str, start: int, end: int) -> bool:
    """Whether text[start:end] stands in running prose: inside one prose block, and not part of a code
    statement even inside a sentence: the name of a call with arguments ("smtplib.SMTP('localhost')"; prose
    names a function bare or as "name()"; a man page's name and section, "cargo-fetch(1)", is no call:
    notation.man_section_after), an imported name, or a name after an interactive prompt."""
    return in_prose(ranges, start, end) \
        and not (_CALL_RE.match(text, end) and man_section_after(text, start, end) is None) \
        and not _STATEMENT_BEFORE_RE.search(text, max(0, start - 12), start)


def may_be_code_statement(codes: np.ndarray, begin: np.ndarray, end: np.ndarray) -> np.ndarray:
    """For spans [begin, end) of a text (codes: its characters as numbers, as tokens._code_units gives them,
    at least four before each span and three after it): False where in_running_text's code statement checks
    surely pass, seen from the characters next to the span alone (no "(" but "()", nor " im", right after it;
    no "rt ", ">> " or ".. ", maybe before a line break, right before it); True where they might not: ask
    in_running_text."""
    after = [codes[end + i] for i in range(3)]
    call = ((after[0] == ord("(")) & (after[1] != ord(")"))) | \
        ((after[0] == ord(" ")) & (after[1] == ord("i")) & (after[2] == ord("m")))
    before = [codes[begin - i] for i in range(1, 5)]
    return call | ((before[0] == ord(" ")) & _ends_statement(before[1], before[2])) | \
        ((before[0] == ord("\n")) & (before[1] == ord(" ")) & _ends_statement(before[2], before[3]))


def _ends_statement(last: np.ndarray, before_last: np.ndarray) -> np.ndarray:
    """Whether two characters may end "import", ">>>" or "..."."""
    return ((last == ord("t")) & (before_last == ord("r"))) | ((last == ord(">")) & (before_last == ord(">"))) | \
        ((last == ord(".")) & (before_last == ord(".")))


def glued_heading(text: str, start: int, end: int, block: tuple[int, int] | None = None) -> bool:
    """Whether text[start:end] is a section heading run into the paragraph after it, as plain text shows one
    ("... a spare machine. Getting Started Keelson runs on ..."): it opens its sentence (or its block) and the
    next word is capitalised, not shouted (an "API" or "HTTP" after it goes on with the name). A reader sees a heading there, not a mention: a handbook whose chapters each have
    a "Getting Started" or "Overview" section otherwise links every one of them to the page of that title.
    On HTML input headings are blocks of their own, so a paragraph rarely opens that way; a phrase that ends
    its `block` (a list item "MySQL notes" before the next item) is whole, not a heading run into anything."""
    stop = len(text) if block is None else block[1]
    if end + 1 >= stop or text[end] != " " or not text[end + 1].isupper() \
            or (end + 2 < stop and text[end + 2].isupper()):    # "Class-based views API reference": one name
        return False
    return _opens_at(text, start, block)


def opens_sentence(text: str, prose: tuple[list[int], list[int]] | None, start: int) -> bool:
    """Whether a sentence opens at `start`: after a sentence's end, or first in its block (HTML input)."""
    return _opens_at(text, start, block_bounds(prose, start, start))


def _opens_at(text: str, start: int, block: tuple[int, int] | None) -> bool:
    return starts_sentence(text, start) or (block is not None and not text[block[0]:start].strip())


def block_bounds(ranges: tuple[list[int], list[int]] | None, start: int, end: int) -> tuple[int, int] | None:
    """The prose block holding [start, end), or None."""
    if ranges is None:
        return None
    starts, ends = ranges
    i = bisect_right(starts, start) - 1
    return (starts[i], ends[i]) if i >= 0 and end <= ends[i] else None


# Words that say what kind of thing a name is, or where it stands, beside it: "the Flip Tool", "the Layers Dialog",
# "Appendix Interactive Input Editing", "Module pdb": the name stays the page's.
_KIND_WORDS = frozenset("""appendix chapter section part figure table example step page article guide tutorial
manual module class function method tool tools command dialog menu option options window tab button panel field
setting settings mode editor plugin filter directive element property attribute""".split())
# A phrase of keywords in capitals ("DELETE", "ACCESS EXCLUSIVE"), and one right before another ("ON DELETE",
# "NULLS NOT DISTINCT"; not across a slash: "BIOS/UEFI", "TCP/IP" are alternatives or a pair).
_KEYWORDS_RE = re.compile(r"[A-Z]{2,}(?: [A-Z]{2,})*")
_KEYWORD_BEFORE_RE = re.compile(r"\b([A-Z]{2,}) $")
_NEXT_NAME_WORD_RE = re.compile(r" ([A-Z][a-z]+)\b")
_LAST_NAME_WORD_RE = re.compile(r"\b([A-Z][a-z]+) $")


def name_neighbours(names: str) -> frozenset[str]:
    """The words that may stand beside a capitalised phrase without making it part of a longer name
    (cut_from_longer_name): the words of the target's names (`names`: its title, H1 and address, lowercased into
    words), the kind words and the stop words. Made once per target, not per occurrence."""
    return frozenset(re.findall(r"[a-z]+", names.lower())) | _KIND_WORDS | STOP_WORDS


def cut_from_longer_name(text: str, start: int, end: int, names: frozenset[str],
                         block: tuple[int, int] | None) -> bool:
    """text[start:end], capitalised, is part of a longer capitalised name in its prose `block`: a capitalised word
    stands right after it ("Copy" of "the Copy Named command", "Expressions" of "Mastering Regular Expressions") or
    right before it, mid-sentence ("History dialog" of "the Undo History dialog", "Packaging Authority" of "the
    Python Packaging Authority"), that is none of `names` (name_neighbours: a word of the target's title, H1 or
    address, so "the Flip Tool" still names the page "Flip" at .../gimp-tool-flip.html; a word saying what kind
    of thing the name is or where it stands, "Appendix", "Dialog"; a stop word, "The Copy command" opening a
    sentence). The longer name is another thing (a command, a book, a body), not the page the
    part would name (a GUI manual's held-out read). Asked only on HTML input, whose blocks are the page's own:
    plain text runs a heading into its paragraph ("Generic views Base class-based views ..."), and the blocks
    recovered from it do not always part them."""
    if block is None:
        return False
    if _KEYWORDS_RE.fullmatch(text, start, end):
        return _after_keyword(text, start, names, block)
    if not (text[start:start + 1].isupper() and text[start + 1:start + 2].islower()):
        return False   # a capitalised word opens it: not a code or number ("E.12" after "Section")
    after = _NEXT_NAME_WORD_RE.match(text, end, min(end + 30, block[1]))
    if after and after.group(1).lower() not in names:
        return True
    before = _LAST_NAME_WORD_RE.search(text, max(start - 30, block[0]), start)
    return bool(before) and before.group(1).lower() not in names \
        and not starts_sentence(text, before.start(1)) and before.start(1) > block[0]


# A word used as a verb: after a modal or a subject pronoun ("you can rotate", "you cut"), or taking an object
# ("scale the selection", "paste a buffer"). English, like the stop words.
_VERB_BEFORE_RE = re.compile(r"\b(?:can|could|will|would|may|might|must|should|you|we|they|please|cannot) $")
_VERB_OBJECT_RE = re.compile(r" (?:the|a|an|it|them|your|its|their|these|those|my|our)\b")
# An instruction opening a sentence, its verb capitalised, then a quantifier, an article or a possessive: "Copy all
# the docs", "Delete a link named foo", "Replace each match", "Use our chart" (not "the": a list's "Glossary the most
# important terms").
_IMPERATIVE_OBJECT_RE = re.compile(r" (?:all|any|each|every|this|some|a|an|your|our|their|its|my)\b")


def _after_keyword(text: str, start: int, names: frozenset[str], block: tuple[int, int]) -> bool:
    """A keyword phrase in capitals right after another keyword that is none of the target's words is a clause's
    option, not the command or setting it spells: "ON DELETE" (a foreign key's action), "NOT VALID", "NULLS NOT
    DISTINCT", "ACCESS EXCLUSIVE" (a lock). A command is followed by its options ("ALTER TABLE
    ATTACH PARTITION" is ALTER TABLE's), so only the keyword before counts. Stop words count here: in capitals
    ("ON", "NOT", "FOR") they are keywords."""
    before = _KEYWORD_BEFORE_RE.search(text, max(start - 30, block[0]), start)
    if before is None:
        return False
    word = before.group(1).lower()
    return word in STOP_WORDS or word not in names


def used_as_verb(text: str, start: int, end: int, prose: tuple[list[int], list[int]] | None = None) -> bool:
    """text[start:end], one word, is used as a verb: "Press Ctrl to rotate by 15 degrees" after "you can",
    "scale the selection", "you distort the image". A page titled with that word ("Rotate", a command; "Scale", a
    tool) is not what such a word names: held out, a GUI manual's 36 medium rows of lowercase one-word anchors so
    used were none of them links of the site, nor 7 medium and 4 high ones on a database manual's, nor 5 on the
    development corpus's plain text. A noun ("the rotation", "a scale of 2") is left to the other rules.
    Capitalised, it is a verb only opening an instruction (a sentence, or its block: `prose`), before a quantifier
    or an article ("Copy any empty directories", "Delete a link"): a reference's description cells so open, and
    held out its task pages "Copy" and "Delete" were no links of them."""
    word = text[start:end]
    if not word.isalpha():
        return False
    if word.islower():
        return bool(_VERB_BEFORE_RE.search(text, max(0, start - 10), start) or _VERB_OBJECT_RE.match(text, end))
    return word[1:].islower() and bool(_IMPERATIVE_OBJECT_RE.match(text, end)) and opens_sentence(text, prose, start)


def open_to_anchors(prose: tuple[list[int], list[int]] | None, text: str, start: int, end: int) -> bool:
    """Whether text[start:end] may hold an anchor to any page at all: in running text (in_running_text), and no
    part of a file path or URL, a host name, a variable's expansion, a signature's keyword opening an optional
    group, a template tag, a one-word string literal, a menu path, a key combination or a code-shaped operand of an
    ASCII arrow or comparison. The rules that do not depend on the target, in one place: the offline engine's
    placement starts from them, and so does validation's check of any engine's pick."""
    return in_running_text(prose, text, start, end) and not in_path(text, start, end) \
        and not in_host(text, start, end) and not in_variable_expansion(text, start, end) \
        and not keyword_opening_optional_group(text, start, end) and not quoted_value(text, start, end) \
        and not in_template_code(text, start, end) and not in_menu_path(text, start, end) \
        and not in_key_combination(text, start, end) and not operand_of_operator(text, start, end)


#: Quotation marks that open a quoted title, and their closing marks (not single quotes: "’" is also an apostrophe).
_TITLE_QUOTES = {"“": "”", '"': '"', "«": "»"}
QUOTATION_REACH = 100      # characters from an anchor to the quotation marks around it
QUOTED_TITLE_WORDS = 10    # a longer quotation is a quoted sentence, not a title
_TITLE_CHARS_RE = re.compile(r"[\w\s'’,:&-]+")


def part_of_quoted_title(text: str, start: int, end: int) -> bool:
    """text[start:end] is a strict part of a quoted title ('PEP 253 is titled “Subtyping Built-in Types”', 'the
    “Generator Expressions” section', 'a “lazy translation”'): a quoted title names one thing of its own (a
    document, a section, a term), and its last words alone are no mention of the page they would name. Only a
    quotation of two to QUOTED_TITLE_WORDS words counts (no code marks, no sentence): 'the call "loop.create_task()"'
    quotes code, whose parts are names."""
    opening = _quotation_start(text, start)
    if opening < 0:
        return False
    closing = text.find(_TITLE_QUOTES[text[opening]], end, end + QUOTATION_REACH)
    if closing < 0:
        return False
    quoted = text[opening + 1:closing]
    if not _TITLE_CHARS_RE.fullmatch(quoted) or "\n" in quoted or not 2 <= len(quoted.split()) <= QUOTED_TITLE_WORDS:
        return False
    return bool(text[opening + 1:start].strip() or text[end:closing].strip(" !?.,"))


def _quotation_start(text: str, start: int) -> int:
    """Where the quotation holding `start` opens (its opening mark's offset), or -1: none on the same line within
    QUOTATION_REACH characters, or a closing mark comes first."""
    lo = max(0, start - QUOTATION_REACH)
    at = max(text.rfind(mark, lo, start) for mark in _QUOTATION_MARKS)   # C-speed scans: called per occurrence
    if at < 0 or text[at] not in _TITLE_QUOTES:
        return -1                             # none, a line break or a closing mark is the nearest
    if text[at] == '"' and at > 0 and not (text[at - 1].isspace() or text[at - 1] in "([{/–—"):
        return -1                             # a straight quote after a word or a mark closes an earlier quotation
    return at


_QUOTATION_MARKS = (*_TITLE_QUOTES, "”", "»", "\n")


_BREAK_RE = re.compile(r"[.,;:!?](?=\s)")   # a mark that ends a sentence or a clause before the next word
_TITLE_SPLIT_RE = re.compile(r" [-–—|] ")
# A grammar's or a template's mark next to white space: "{SET|ADD|DROP} PUBLICATION" (not "git-daemon[1]")
_SYNTAX_RE = re.compile(r"[{}\[\]|<>](?=\s)|(?<=\s)[{}\[\]|<>]")


def breaks_between_words(anchor: str, written: str) -> bool:
    """Whether the anchor runs across a sentence or clause break its name does not hold: "Cargo. Run" (two
    sentences) or "form, fields" (a list) spell the words of "cargo run" and "Form fields" but name neither;
    "FAQ: The admin" keeps the colon its title `written` holds. A mark inside a token ("json.dumps", "e.g") is
    no break: only one followed by white space is. A title split by a dash or a bar ("A - Keywords") is written
    with a colon too ("Appendix A: Keywords"). Nor across a brace, a square or angle bracket or a bar beside white
    space that the name does not hold: "DROP} PUBLICATION" of a command's synopsis "{SET|ADD|DROP} PUBLICATION"
    is its grammar, not the command "DROP PUBLICATION"; a man page's "git-daemon[1]" is one word."""
    return any(mark.group() not in written and not (mark.group() == ":" and _TITLE_SPLIT_RE.search(written))
               for mark in _BREAK_RE.finditer(anchor)) \
        or any(mark.group() not in written for mark in _SYNTAX_RE.finditer(anchor))


def anchor_marks(links: list[tuple[int, int, str]]) -> dict[int, str]:
    """Per linked page, the breaks (breaks_between_words) the site's own anchors for it hold: a site that links
    "Stability: 2" writes that colon in its name."""
    marks: dict[int, set[str]] = {}
    for _source, destination, anchor in links:
        found = _BREAK_RE.findall(anchor)
        if found:
            marks.setdefault(destination, set()).update(found)
    return {page: "".join(sorted(found)) for page, found in marks.items()}


# Where a sentence restarts without a full stop: a capitalised word after the end of a code line or listing
# ("... exit(120); } The Py_SetProgramName() function ..."), as plain text runs code and prose together.
_RESTART_RE = re.compile(r"(?:[;{}]|\)|>>>) (?=[A-Z][a-z’']+ )")


def sentence_context(text: str, start: int, end: int, bounds: tuple[int, int] | None = None,
                     width: int = CONTEXT_CHARS) -> str:
    """The sentence holding text[start:end] (inside `bounds`, the anchor's block, when given; from where it
    restarts after a code line), shortened to about `width` characters around the anchor; always holds the
    anchor verbatim."""
    lo, hi = bounds if bounds else (0, len(text))
    left, right = sentence_bounds(text, start, end, lo, hi)
    left = max((match.end() for match in _RESTART_RE.finditer(text, left, start)), default=left)
    return shorten_around(text, left, right, start, end, width)
