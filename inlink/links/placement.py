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
The Context is the sentence holding the anchor (a splitter that knows "e.g." and "3.11" end no sentence),
inside the anchor's block when blocks are known.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

import numpy as np

from inlink.links.numbering import CAPTION_WORDS
from inlink.links.text import (STOP_WORDS, CONTEXT_CHARS, TOKEN_RE, sentence_bounds, shorten_around,
                               starts_sentence)

# Running prose: where an editor would put a link (site/html.py labels the blocks). "text" is loose text straight
# inside a generic container (a <div> or <section> without a <p>), which many sites use for paragraphs.
PROSE_BLOCKS = frozenset({"paragraph", "list_item", "definition", "table_cell", "text"})
PROSE_CELL_WORDS = 4       # a table cell with fewer words is a value (a name, a number), not prose

# A code-like span: an identifier with _ or ::, a call "name()", a path, a command option, a <placeholder>.
_CODE_SPAN_RE = re.compile(r"^(?:\w*_\w*|.*::.*|.*\(\)?|.*[\\/].*|--?[A-Za-z][\w-]*|<[^<>]+>|\{[^{}]+\})$")


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
    listed = listing_terms(text, blocks, titles) if titles else frozenset()
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
# Common Paint Tool Options", "refer to the Layers Dialog" (sections._CUE_WORDS: their first words).
_REFERS_TO_RE = re.compile(r"(?i:\bsee(?: also)?|\brefer to|\b(?:described|explained|discussed|covered|documented|"
                           r"detailed|shown|listed) (?:in|under|at))(?: the)? $")


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
    parser's name, not a link to the one page whose synopsis declares it."""
    return placeholders is not None and inside_one(placeholders, start, end) and text[start:end] not in names


# Code statements a sentence never holds: a call with arguments after the name, an import ("import x",
# "from x import y") or an interactive prompt (">>> x", "... x") around it.
_CALL_RE = re.compile(r"\((?!\))| import ")
_STATEMENT_BEFORE_RE = re.compile(r"(?:^|[\s;])(?:import|>>>|\.\.\.) $")


def in_running_text(ranges: tuple[list[int], list[int]] | None, text: str, start: int, end: int) -> bool:
    """Whether text[start:end] stands in running prose: inside one prose block, and not part of a code
    statement even inside a sentence: the name of a call with arguments ("smtplib.SMTP('localhost')"; prose
    names a function bare or as "name()"), an imported name, or a name after an interactive prompt."""
    return in_prose(ranges, start, end) and not _CALL_RE.match(text, end) \
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


# What a path is made of besides letters and digits; a placeholder's brackets belong to it ("<project_name>/asgi.py",
# "{app_label}/templates/").
_PATH_CHARS = "._/\\~-<>{}"
_PATH_RE = re.compile(r"^[/\\.~]|//|[/\\].*[/\\]|[/\\][^/\\]*\.[A-Za-z]\w*$")


def _glued(text: str, start: int, end: int, chars: str) -> tuple[int, int]:
    """text[start:end] widened over the letters, digits and `chars` glued to it on either side."""
    left, right = start, end
    while left > 0 and (text[left - 1].isalnum() or text[left - 1] in chars):
        left -= 1
    while right < len(text) and (text[right].isalnum() or text[right] in chars):
        right += 1
    return left, right


def in_path(text: str, start: int, end: int) -> bool:
    """Part of a file path or URL ("tkinter" in "Lib/tkinter/dnd.py", "tty" in "/dev/tty", a host in
    "//www.python.org/downloads/", "project_name" in "<project_name>/asgi.py"): never an anchor, whatever it
    names. A slash between two words ("RSS/Atom", "I/O") is no path."""
    left, right = _glued(text, start, end, _PATH_CHARS)
    glued = text[left:right].rstrip(".").strip("<>{}")
    if left > 0 and text[left - 1] == ")":   # "Py_NewInterpreter()/Py_EndInterpreter()": two names, no path
        glued = glued.lstrip("/")
    return ("/" in glued or "\\" in glued) and bool(_PATH_RE.search(glued))


# A host name or e-mail address: dotted labels in lower case ending in a top-level domain that no code name or file
# extension ends in ("irc.libera.chat", "docs.example.com", "help@example.co.uk"; not "os.path", "settings.py",
# "df.at", nor the product names "ASP.NET" and "Socket.IO").
_HOST_RE = re.compile(r"^(?:[\w.+-]+@)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|org|net|edu|gov|mil|int|io|dev|app|"
                      r"ai|co|info|biz|chat|me|tv|xyz|site|online|tech|cloud|blog|uk|de|fr|nl|es|ru|jp|cn|br|au|ca|"
                      r"us|eu|ch|se|dk|fi|cz|be|ie|nz|za|kr|tw|hk|sg|mx|ar)$")
_HOST_CHARS = ".-@+_"


def in_host(text: str, start: int, end: int) -> bool:
    """Part of a host name or e-mail address written without its scheme ("irc.libera.chat", "libera" in it,
    "example" in "help@example.com"): never an anchor, as no part of a URL is (an editor's read found
    "irc.libera.chat" linked to a release notes page that happened to mention it too)."""
    left, right = _glued(text, start, end, _HOST_CHARS)
    glued = text[left:right].strip(_HOST_CHARS)
    return "." in glued and bool(_HOST_RE.match(glued))   # [a-z]: lower case only


# A template language's tag or expression: Django, Jinja, Liquid, Twig, Hugo and Handlebars write them so.
TEMPLATE_REACH = 200          # characters a template tag stretches over at most, on its line
_TEMPLATE_CLOSING = {"%": "%}", "{": "}}"}


def in_template_code(text: str, start: int, end: int) -> bool:
    """Part of a template tag or expression on its line ("i18n" in "{% load i18n %}", "pub_date" in
    "{{ article.pub_date|date }}"): code quoted in a sentence, never an anchor, whatever it names (an editor's
    read rejected "i18n" -> the internationalisation page there). An opening "{%" or "{{" before the span on its
    line, not closed before it, and its closing mark after it."""
    lo = max(0, start - TEMPLATE_REACH)
    lo = text.rfind("\n", lo, start) + 1 or lo
    opening = max(text.rfind("{%", lo, start), text.rfind("{{", lo, start))
    if opening < 0:
        return False
    closing = _TEMPLATE_CLOSING[text[opening + 1]]
    if text.find(closing, opening + 2, start) >= 0:
        return False
    line_end = text.find("\n", end, end + TEMPLATE_REACH)
    return text.find(closing, end, line_end if line_end >= 0 else end + TEMPLATE_REACH) >= 0


_QUOTES = {"'": "'", '"': '"', "‘": "’"}


def quoted_value(text: str, start: int, end: int) -> bool:
    """text[start:end] is a one-word string literal: a word without dots or spaces standing alone between a pair of
    straight quotes ("a code of 'min_value'", "one of the strings 'aifc', 'wav'", "the value "store_true"") or of
    the single typographic quotes Texinfo writes a literal in ("the methods ‘get’, ‘put’, ‘delete’"; its double
    ones, “wav”, quote prose).
    Such a word is a value the page passes or receives (an error code, a keyword's value, a format's name), not a
    mention of the option, module or page of the same name. A quoted dotted path ('shop.contrib.baskets' in an
    apps list) still names its module, and a quoted title ("Troubleshooting", "Backup Strategies") is capitalised
    as a title or has spaces."""
    if start == 0 or end >= len(text) or _QUOTES.get(text[start - 1]) != text[end]:
        return False
    word = text[start:end]
    titled = word[:1].isupper() and word[1:].islower()
    return not titled and not any(ch.isspace() or ch == "." for ch in word)


# A menu path's separators: "Image → Scale Image", "Settings > Billing > Invoices", "File ▸ Export". The ASCII ">" and
# the guillemets only with a space on either side: "»" and "›" also quote ("»Text«"), and "a>b" is code.
_MENU_ARROWS = "→⇒⟶▸▶►➔➜"
MENU_REACH = 3   # spaces between a menu item and its arrow
_MENU_BEFORE_RE = re.compile(rf"(?:[{_MENU_ARROWS}] {{0,{MENU_REACH}}}| (?:>|->|»|›|=>) )$")
_MENU_AFTER_RE = re.compile(rf"(?: {{0,{MENU_REACH}}}[{_MENU_ARROWS}]| (?:>|->|»|›|=>) )")
# A key combination: "Shift+F10", "Ctrl+C", "Ctrl + Shift + Z" (spaced, beside a modifier key).
_MODIFIERS = frozenset("ctrl control shift alt option opt cmd command meta super win windows fn altgr".split())
_KEY_BEFORE_RE = re.compile(r"(\w+) ?\+ ?$")
_KEY_AFTER_RE = re.compile(r" ?\+ ?(\w+)")


def in_menu_path(text: str, start: int, end: int) -> bool:
    """text[start:end] is an item of a menu path ("Color Management" in "Image → Color Management → Enable Color
    Management", "Billing" in "Settings > Billing"): a place in the application's interface, spelled as the
    reader clicks it, not a mention in running text (a GUI manual's held-out read: 182 of 1,252 high and medium
    rows stood in menu paths, where its editors linked 3 of 1,085 links)."""
    return bool(_MENU_BEFORE_RE.search(text, max(0, start - MENU_REACH - 3), start)
                or _MENU_AFTER_RE.match(text, end, end + MENU_REACH + 3))


def in_key_combination(text: str, start: int, end: int) -> bool:
    """text[start:end] is a key of a key combination ("F10" in "Shift+F10", "C" in "Ctrl + C"): the keys are
    pressed together, and one of them alone names no page (a shortcut table's "F10")."""
    if text.find("+", max(0, start - 12), end + 12) < 0:
        return False
    if (start > 1 and text[start - 1] == "+" and text[start - 2].isalnum()) or \
            (end + 1 < len(text) and text[end] == "+" and text[end + 1].isalnum()):
        return True
    left = _KEY_BEFORE_RE.search(text, max(0, start - 12), start)
    right = _KEY_AFTER_RE.match(text, end, end + 12)
    return any(match and match.group(1).lower() in _MODIFIERS for match in (left, right)) \
        or text[start:end].lower() in _MODIFIERS and bool(left or right)


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
# An instruction opening a sentence, its verb capitalised, then a quantifier or an article: "Copy all the docs",
# "Delete a link named foo", "Replace each match" (not "the": a list's "Glossary the most important terms").
_IMPERATIVE_OBJECT_RE = re.compile(r" (?:all|any|each|every|this|some|a|an)\b")


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
    part of a file path or URL, a host name, a template tag, a one-word string literal, a menu path or a key
    combination. The rules that do not depend on the
    target, in one place: the offline engine's placement starts from them, and so does validation's check of any
    engine's pick."""
    return in_running_text(prose, text, start, end) and not in_path(text, start, end) \
        and not in_host(text, start, end) and not quoted_value(text, start, end) \
        and not in_template_code(text, start, end) and not in_menu_path(text, start, end) \
        and not in_key_combination(text, start, end)


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


_CLOSING = {"(": ")", "[": "]", "“": "”", "‘": "’"}
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
    """The end of an anchor that opens a quotation (“ or ‘) and stops short of its closing mark: past that mark when
    only a space, an ellipsis, a degree sign or a full stop stands between (the title's words are matched as
    tokens, and those marks are none); else where it was. Held-out DocBook manuals: "Section 8.27, “ Decompose"
    was the anchor of "Section 8.27, “ Decompose ”"."""
    for opening in ("“", "‘"):
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


def option_dashes(text: str, start: int) -> int:
    """2 when the anchor at `start` opens with a long option's dashes (with_option_dashes), else 0."""
    return 2 if text.startswith("--", start) else 0


def is_code_span(text: str, start: int, end: int) -> bool:
    """An identifier, call, path, option or placeholder, judged with the characters glued to the span
    ("foo" in "foo()" or "--foo", "name" in "<name>")."""
    left = start
    while left > 0 and text[left - 1] in "-_<{/\\:.":
        left -= 1
    right = end
    while right < len(text) and text[right] in "()_>}/\\:":
        right += 1
    return bool(_CODE_SPAN_RE.match(text[left:right]))


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
