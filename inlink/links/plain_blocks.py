"""Blocks recovered from plain text: the structure an HTML page states, guessed from text whose white space
was collapsed (a crawler's plain `Content`), so plain input can follow the rules HTML input follows.

Why: on plain text a reference manual's declarations ("json.dumps(obj, *, indent=None) Serialize obj ..."),
its code examples and its headings run together with the prose. HTML says which is which (inlink.site.html);
plain text still shows it by shape, and this module reads the shapes that hold on any site:
- the main heading ("heading"): the page's H1 when the text opens with it;
- a declaration ("term"): an identifier-shaped name, with its signature when it has one, standing at the
  start of a sentence and followed at once by a capitalised sentence that describes it;
- an entry written in a documentation tool's own shape (Texinfo, gtk-doc, a server manual's section:
  manual_entries.py), wherever it stands;
everything else is loose text ("text"). The blocks are (kind, start, end) tuples like the HTML blocks.
"""
from __future__ import annotations

import re

from inlink.links.anchors import defined_name
from inlink.links.manual_entries import TYPE_NOTE, TYPE_NOTE_RE, manual_entries

# Words that open a declaration in reference manuals of most languages: kinds of entry, modifiers, and
# primitive types ("class X", "await loop.run()", "static int x", "unsigned long f(void)").
KEYWORDS = ("class", "exception", "function", "method", "classmethod", "staticmethod", "attribute", "property",
             "struct", "enum", "interface", "typedef", "macro", "coroutine", "abstractmethod")
_MODIFIERS = ("await", "async", "const", "static", "final", "public", "private", "protected", "abstract",
              "virtual", "inline", "extern", "def", "func", "fn", "var", "let", "val", "type", "data", "union",
              "int", "char", "void", "long", "short", "unsigned", "signed", "double", "float", "bool", "object")
# A declaration: up to two keyword or type words ("class", "int", "PyObject *", "Py_ssize_t"), a name (not
# ending in a full stop), an optional signature in balanced parentheses (one level of nesting) and an optional
# link mark ("[source]", or a heading's permalink sign as crawlers keep it in the text: "#", "¶", "§"). One
# pattern per number of leading words, tried longest first ("PureProxy Objects class smtpd.PureProxy(...)"
# needs the shortest).
_PREFIX = r"(?:(?:%s)|[a-z]\w*_\w*|\w*[a-z][A-Z]\w*|[A-Z]\w*_\w*)(?: ?\*+)? " % "|".join(KEYWORDS + _MODIFIERS)
PERMALINK_MARKS = "#¶§"
_TERM_RES = tuple(re.compile(_PREFIX * words + r"\*?[\w.]*\w(?:\([^()]*(?:\([^()]*\)[^()]*)*\)|%s)?(?:\[\w+\])?[%s]?"
                             % (TYPE_NOTE, PERMALINK_MARKS)) for words in (2, 1, 0))
# Glued to a permalink sign that a space follows: the end of a heading (_marked_ends).
_GLUED_RE = re.compile(r"[\w)\]]")
MARK_LOOKBACK = 160   # characters searched back from a permalink sign for where its heading's term starts
_KEYWORD_LED_RE = re.compile(r"(?:%s) " % "|".join(KEYWORDS))
# After a keyword-led declaration, a field list may follow instead of a sentence ("input_type: 'text'").
_FIELD_RE = re.compile(r" [a-z_]+: ")


def _alternation(words) -> str:
    """A pattern matching exactly `words`, shaped as their trie ("c(?:lass(?:|method)|oroutine)"): at each
    place only the branch of its first letter is tried, not every word in turn. For lookaheads only, where
    the order of the alternatives does not matter (it would where the longest word must be preferred)."""
    heads: dict[str, list[str]] = {}
    for word in words:
        heads.setdefault(word[:1], []).append(word[1:])
    parts = [re.escape(head) + _alternation(rests) if head else "" for head, rests in sorted(heads.items())]
    return parts[0] if len(parts) == 1 else "(?:%s)" % "|".join(parts)


# Where no term shape can declare a name: a character no term starts with (">>>", "(Note"), or a plain word
# that is no keyword, alone or after one ("The", "returns", "function returns"): a prefix word is a keyword or
# has a code shape, so every name a term there could declare is a plain word.
_WORDS = _alternation(KEYWORDS + _MODIFIERS)
_HOPELESS = r"[^\w*.]|(?:%s )?(?!%s(?![\w.]))[A-Z]?[a-z]+(?![\w.])" % (_WORDS, _WORDS)
# Where a declaration may start: after a sentence end, or at a declaration keyword anywhere (a heading such as
# "Validators" often runs straight into "class validators.ASCIIUsernameValidator ..."); after a sentence end
# only where one of the first three words has a code shape (a quick filter: most sentences open with plain
# words). Neither where a start is hopeless: tested first, as it dismisses most sentences at their first word.
_SENTENCE_START_RE = re.compile(r"\. (?!%s)(?=(?:\S+ ){0,2}\S*?(?:\.\w|[_(*\[\d]|[a-z][A-Z]|[A-Z]{4}))" % _HOPELESS)
_KEYWORD_START_RE = re.compile(r" (?=%s )(?!%s)" % (_alternation(KEYWORDS), _HOPELESS))
# The description that follows: a capitalised word that is not shouted ("Return", "A", not "NULL").
_DESCRIPTION_RE = re.compile(r" [A-Z](?![A-Z])")
MAX_CHAIN = 8   # declarations listed one after another before their shared description ("lt(a, b) le(a, b) ...")
REFERENCE_DECLARATIONS = 3   # signed declarations that make a page a reference page ...
REFERENCE_DENSITY = 0.005    # ... or declarations of any shape per word
_LISTED_RE = re.compile(r"[(._]")   # a declaration in a list is a call, a dotted or an underscored name


def _listed(term: str) -> bool:
    return bool(_LISTED_RE.search(term)) or bool(_KEYWORD_LED_RE.match(term))


def _chain_at(text: str, at: int) -> list[tuple[int, int]]:
    """The declarations starting at `at`: one, or several in a row (each a call, dotted or underscored name),
    followed by a description; [] if none.

    At each step the term shapes are tried longest first; the first that declares a name and is described
    ends the chain, else the first that declares a name and is followed by another term extends it. A term
    that can be neither is skipped before its name is looked at (defined_name is the costly test)."""
    chain = []
    while len(chain) < MAX_CHAIN:
        following = None
        for regex in _TERM_RES:
            term = regex.match(text, at)
            if not term:
                continue
            described = (_DESCRIPTION_RE.match(text, term.end()) or term.group()[-1] in PERMALINK_MARKS
                         or (_KEYWORD_LED_RE.match(term.group()) and _FIELD_RE.match(text, term.end())))
            if not described and (following is not None or not text.startswith(" ", term.end())):
                continue
            if not defined_name(term.group()) or (chain and not _listed(term.group())):
                continue
            if described:
                if chain and not _listed(text[chain[0][0]:chain[0][1]]):
                    return []
                return chain + [term.span()]
            following = term
        if following is None:
            return []
        chain.append(following.span())
        at = following.end() + 1
    return []


def _keyword_starts(text: str, keywords_at) -> list[int]:
    """Where a declaration may start at a keyword (_KEYWORD_START_RE's match ends). Given the offsets of the
    tokens spelled as a keyword, only those are tried: the pattern needs a whole keyword between two spaces,
    which is always such a token, so the matches are the same, and searching every space of every page for
    them cost a third of the blocks (a word ends at each space)."""
    if keywords_at is None:
        return [match.end() for match in _KEYWORD_START_RE.finditer(text)]
    return [at for at in keywords_at if at and _KEYWORD_START_RE.match(text, at - 1)]


def _marked_starts(text: str) -> list[int]:
    """Where a term that ends in a permalink sign starts ("... copy util.promisify(original)# History ..."): the
    sign says a heading ends there whatever stands before it (a code block's "copy" button, a type such as
    "<Stream>" after it), where a declaration is otherwise looked for only after a sentence's end or a keyword.
    The earliest start (a space, or the text's start, within MARK_LOOKBACK) from which one term reaches the sign."""
    starts = []
    for end in _marked_ends(text):
        floor = max(0, end - MARK_LOOKBACK)
        candidates = ([0] if floor == 0 else []) + [at + 1 for at in range(floor, end) if text[at] == " "]
        start = next((at for at in candidates if _TERM_RES[-1].fullmatch(text, at, end)), None)
        if start is not None:
            starts.append(start)
    return starts


def _marked_ends(text: str) -> list[int]:
    """Where each permalink sign glued to a word's end and followed by a space ends, in no particular order.
    Found with str.find (a regular expression tried at every character of the docs corpus took 0.08-0.4 s)."""
    ends = []
    for sign in PERMALINK_MARKS:
        at = text.find(sign + " ")
        while at >= 0:
            if at and _GLUED_RE.match(text, at - 1):
                ends.append(at + 1)
            at = text.find(sign + " ", at + 1)
    return ends


def _signed(text: str, start: int, end: int) -> bool:
    """A declaration with a signature or a keyword / type word ("f(x)", "class X"), not a bare name."""
    return "(" in text[start:end] or " " in text[start:end]


def declarations(text: str, keywords_at=None) -> list[tuple[int, int]]:
    """Spans of the declarations a plain text holds, in text order. `keywords_at`: where the text's tokens
    spelled as a declaration keyword (KEYWORDS) start, when the caller's tokeniser found them (see
    _keyword_starts); else the text is searched for them.

    A bare name opening a sentence ("token.tok_name Dictionary mapping ...") counts only on a reference page,
    one with at least REFERENCE_DECLARATIONS signed declarations or with declarations every 200 words (a list
    of settings): elsewhere (release notes, tutorials) that shape is more often a heading or a list of
    changes than a declaration. A manual's entries in its tool's own shape (manual_entries) count on any page."""
    entries = manual_entries(text)
    shaped = _shaped_declarations(text, keywords_at)
    if not entries:
        return shaped
    return sorted(entries + [span for span in shaped if not any(s < span[1] and span[0] < e for s, e in entries)])


def _shaped_declarations(text: str, keywords_at) -> list[tuple[int, int]]:
    """The declarations found by their shape, sentence by sentence (declarations' docstring)."""
    found, reach = [], 0
    starts = sorted({*(m.end() for m in _SENTENCE_START_RE.finditer(text)),   # a start found twice gives
                     *_keyword_starts(text, keywords_at), *_marked_starts(text)})  # the same chain: tried once
    for start in starts:
        if start < reach:
            continue
        chain = _chain_at(text, start)
        if chain:
            found.extend(chain)
            reach = chain[-1][1]
    signed = sum(_signed(text, *span) for span in found)
    if signed >= REFERENCE_DECLARATIONS or (len(found) >= REFERENCE_DECLARATIONS   # words counted only then
                                            and len(found) >= REFERENCE_DENSITY * text.count(" ")):
        return found
    return [span for span in found if _signed(text, *span)]


# A markup tag as a listing of XML or HTML writes it: "<copy file="a.txt" todir="b"/>", "</target>", "<antcall ... >",
# a comment, a processing instruction, a CDATA section's marks. Its name starts at once after "<" (so "a < b" is none).
_TAG_RE = re.compile(r"<!--.*?-->|<\?[A-Za-z][^<>]*\?>|<!\[CDATA\[|\]\]>|<!DOCTYPE[^<>]*>"
                     r"|<(/?)([A-Za-z][\w:.-]*)((?:\s+(?:[\w:.-]+\s*=\s*(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s\"'<>/=]+)|\.\.\.))*)"
                     r"\s*(/?)>", re.DOTALL)
_BETWEEN_TAGS_RE = re.compile(r"\s*")
ELEMENT_TEXT = 80   # characters of an element's text between its tags in a listing, at most
ELEMENT_CONTENT = 300   # characters from an element's opening tag with attributes to its closing tag, at most


def markup_runs(text: str) -> list[tuple[int, int]]:
    """Spans of the XML or HTML listings a plain text holds: tags one after another, with white space or an
    element's text glued to them between them ("<fail if="x">Checksum error</fail>"), that are markup beyond
    doubt: a tag holds attributes (attribute="value" or "...") or closes itself ("<br/>"), or the run both opens
    and closes an element, or it is a comment, a CDATA section or a processing instruction. An element opened by a
    tag with attributes holds whatever stands before its closing tag (ELEMENT_CONTENT characters at most: the SQL
    of "<sql src="a"> truncate table b; </sql>"). A tag alone naming an
    element in a sentence ("nested <property> elements", "press <Enter>") is prose, as are "a < b" and "x > 0".
    Plain text keeps no mark of a listing (its lines collapsed into the prose): an anchor inside one is a
    value or a name of the listing's code, never a link (held out, a build tool's manual: attribute names,
    file names in attribute values)."""
    runs: list[tuple[int, int]] = []
    if "<" not in text:
        return runs
    start = end = closing = -1
    sure = opened = closed = False
    for tag in _TAG_RE.finditer(text):
        glued = end >= 0 and (tag.start() <= closing or tag.start() == end
                              or _BETWEEN_TAGS_RE.fullmatch(text, end, tag.start())
                              or tag.start() - end <= ELEMENT_TEXT and text[end - 1] == ">"
                              and not text[end].isspace() and not text[tag.start() - 1].isspace()
                              and "<" not in text[end:tag.start()] and ". " not in text[end:tag.start()])
        if not glued:
            if start >= 0 and (sure or opened and closed):
                runs.append((start, end))
            start, sure, opened, closed = tag.start(), False, False, False
        end = tag.end()
        if tag.group(1) is None:   # a comment, a CDATA mark, a processing instruction
            sure = True
        elif tag.group(1):
            closed = True
        else:
            opened = True
            attributes = bool(tag.group(3).strip())
            sure = sure or attributes or bool(tag.group(4))
            if attributes and not tag.group(4):   # its content, whatever it is, up to its closing tag
                closing = max(closing, text.find(f"</{tag.group(2)}>", end, end + ELEMENT_CONTENT))
    if start >= 0 and (sure or opened and closed):
        runs.append((start, end))
    return runs


def _split_heading(text: str, start: int, end: int, free_from: int) -> tuple[tuple[int, int] | None, int]:
    """A one-word heading that repeats the name the declaration at [start, end) declares ("ManifestFilesMixin
    class storage.ManifestFilesMixin", "RunSQL class RunSQL(sql)"): its span (None if there is none) and where
    the declaration itself starts. Such a heading is how many reference pages name what they declare. A setting's
    type after its name ("work_mem (integer)") is the declaration's own, no heading's."""
    name = defined_name(text[start:end]) or ""
    tail = name.rsplit(".", 1)[-1]
    if not tail:
        return None, start
    rest = start + len(tail) + 1   # where the declaration starts after a heading of its name
    if text.startswith(tail + " ", start) and end > rest and not TYPE_NOTE_RE.match(text, rest - 1):
        return (start, rest - 1), rest
    before = start - len(tail) - 1
    if before >= free_from and text.startswith(tail + " ", before) and (before == 0 or text[before - 1] == " "):
        return (before, start - 1), start
    return None, start


def _opening_heading(text: str, h1: str) -> int:
    """Where the H1 the text opens with ends (its permalink sign included: "Concepts¶ Let's ..."), or -1 when
    the text only starts with the same letters ("Intro" of "Introduction")."""
    end = len(h1) + (text[len(h1):len(h1) + 1] in tuple(PERMALINK_MARKS))
    return end if text.startswith(h1) and text.startswith(" ", end) else -1


def plain_blocks(text: str, h1: str = "", keywords_at=None) -> list[tuple[str, int, int]]:
    """The blocks of a plain text: the page's main heading when the text opens with it (crawlers put the H1
    first), declarations as "term", a one-word heading repeating a declared name as "heading", the runs
    between them as "text". `keywords_at`: see declarations."""
    h1 = " ".join(h1.split())
    opening = _opening_heading(text, h1) if h1 else -1
    found = [("heading", 0, opening)] if opening > 0 else []
    listings = [span for span in markup_runs(text) if span[0] > opening]
    for start, end in declarations(text, keywords_at):
        if found and start <= found[-1][2] or any(s < end and start < e for s, e in listings):
            continue
        heading, start = _split_heading(text, start, end, found[-1][2] + 1 if found else 0)
        if heading:
            found.append(("heading", *heading))
        found.append(("term", start, end))
    if listings:
        found = sorted(found + [("code", start, end) for start, end in listings], key=lambda block: block[1])
    blocks, at = [], 0
    for kind, start, end in found:
        if start > at:
            blocks.append(("text", at, start - 1 if text[start - 1] == " " else start))
        blocks.append((kind, start, end))
        at = end + 1
    if at < len(text):
        blocks.append(("text", at, len(text)))
    return blocks
