"""HTML -> plain text + the block structure + the links, with one parser for the importer and the fetcher.

Why one module: a crawl export's "Extract Inner HTML" column and a page we fetch ourselves must give the same
text and the same blocks, or the link engine would place anchors differently depending on where a site came
from. The text is made the way crawlers and the development corpora make it: a space at the start and end of
every block-level element, text nodes joined, runs of white space collapsed to one space, no leading or
trailing space. Alongside it we keep, as character offsets into that text:

- blocks: the text split into non-overlapping runs, each labelled with the kind of its innermost block-level
  element (heading, paragraph, list_item, term, definition, table_cell, code, text, other). The link engine
  decides which kinds are running prose (links/placement.py: prose_ranges), never headings or code listings.
- code_spans: inline code (<code>, <kbd>, <samp>, <var>, <tt>) inside prose, so an identifier in a sentence
  can be told from the words around it.
- placeholder_spans: the inline code that stands for a value the reader supplies (<var>, and a <code> that is all
  of an <em> or <i>, as DocBook and gtk-doc write a parameter: "<em><code>table_name</code></em>"), so that a
  placeholder is never taken for the name of a page (links/suggest.py).
- links: every <a href> with its anchor text and where its text stands.

lxml does the parsing (it is fast and forgiving of malformed HTML); the walk below only adds the offsets,
which no library gives. The walk is the importer's largest cost on an HTML crawl (every element of every page),
so it is one flat loop, and the importer's own trees lose their text-only inline tags in C before it
(bench/bench_import.py --html-only measures it; bench/check_html_import.py checks a change keeps the output).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.etree
import lxml.html

from inlink.site.main_content import main_content
from inlink.site.nesting import TOO_DEEP, capped

# Block-level elements: each starts and ends a run of text (a space before and after it).
_BLOCK_TAGS = frozenset(["address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "optgroup", "option", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "colgroup", "col", "label", "input", "button", "select", "textarea"])
_KIND_OF_TAG = {
    **{f"h{n}": "heading" for n in range(1, 7)}, "th": "heading",
    "p": "paragraph", "blockquote": "text", "li": "list_item", "dt": "term", "dd": "definition",
    "td": "table_cell", "pre": "code", "textarea": "code",
    "figcaption": "other", "caption": "other", "label": "other", "legend": "other", "summary": "other",
    "button": "other", "option": "other", "optgroup": "other", "select": "other", "input": "other",
}
_CODE_TAGS = frozenset({"code", "kbd", "samp", "var", "tt"})
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "meta", "link", "svg",
                           "math", "iframe", "object", "embed", "canvas"})
# Inline elements that only pass their text on (no block, no code span, no link): the walk would join their text
# with the text around them, which is what lxml's strip_tags does in C. Syntax highlighting makes them most of a
# technical page's elements (406k <span> of the Python docs' 654k elements), so the importer strips them before
# its walk; the output is the same, since joining adjacent text nodes and collapsing white space commute.
_TRANSPARENT_TAGS = tuple(tag for tag in ("span", "em", "strong", "b", "i", "u", "small", "sup", "sub", "abbr",
                                          "cite", "mark", "q", "s", "del", "ins", "font", "dfn", "big", "bdi",
                                          "bdo", "nobr", "time", "data")
                          if tag not in _BLOCK_TAGS | _CODE_TAGS | _SKIPPED_TAGS | {"a"})
_SPACE = re.compile(r"\s+")
# A cell holding a whole page, or a part of one with its menus or footer: a <body> or <html> tag, or a landmark that
# says where the page's own text is (<main>, role="main"). The importer then reads that text only, as the fetcher
# does (main_content); an export of the article's own HTML has none of them and is read whole.
_WHOLE_PAGE_TAG = re.compile(r"<(?:body|html|main)[\s>]", re.IGNORECASE)
_MAIN_ROLES = ('role="main"', "role='main'", "role=main")   # substrings: a regex for them cost 0.35 s on 17 MB
_MAIN_ROLE_IN_TAG = re.compile(r"""<[a-zA-Z][^<>]*\srole\s*=\s*["']?main\b""")   # not text about one: &lt;div role="main"
_TAG_HINT = re.compile(r"<(?:p|div|span|h[1-6]|ul|ol|li|dl|dt|dd|table|tr|td|pre|code|section|article|br|a|em|"
                       r"strong|b|i|blockquote|main|img)\b[^<>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class Block:
    """A run of the text whose innermost block-level element is of one kind; offsets into ParsedHtml.text."""
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class HtmlLink:
    """An <a href> as written in the page (href not resolved) with its anchor text and where that text stands."""
    href: str
    anchor: str
    start: int
    end: int
    rel: str = ""


@dataclass
class ParsedHtml:
    text: str
    blocks: tuple[Block, ...] = ()
    code_spans: tuple[tuple[int, int], ...] = ()
    links: tuple[HtmlLink, ...] = ()
    placeholder_spans: tuple[tuple[int, int], ...] = ()

    def block_tuples(self) -> list[tuple[str, int, int]]:
        """The blocks as plain (kind, start, end) tuples: cheap to store in a DataFrame cell or to pickle."""
        return [(block.kind, block.start, block.end) for block in self.blocks]


def looks_like_html(text: str) -> bool:
    """True when a text cell holds markup (a Screaming Frog "Extract HTML" column) rather than plain text."""
    return bool(text) and "<" in text and _TAG_HINT.search(text[:20_000]) is not None


def parse_fragment_tuples(html: str) -> tuple[str, list[tuple[str, int, int]], list[tuple[int, int]],
                                              list[tuple[int, int]]]:
    """Parse an HTML fragment (the inner HTML of a page's main content) into text, blocks as (kind, start, end)
    tuples, code spans and placeholder spans, without building Block and HtmlLink objects: the importer stores
    only these, and skipping the objects saves it a tenth of its time."""
    text, blocks, code_spans, _links, placeholders = _parse_fragment_raw(html)
    return text, blocks, code_spans, placeholders


def parse_fragment_links(html: str) -> tuple[str, list, list, list, list[tuple[str, str, bool]]]:
    """parse_fragment_tuples, and the fragment's links as (href, anchor text, in the content), the content's in text
    order, then those of a whole page's frame (its menus, header, footer: _main_part): the links an export's HTML
    holds (an "Extract HTML Element" keeps the <a> tags), which are the site's existing links when no links file is
    given (site/html_links.py)."""
    frame: list[tuple[str, str]] = []
    text, blocks, code_spans, links, placeholders = _parse_fragment_raw(html, frame)
    return text, blocks, code_spans, placeholders, [(href, text[start:end], True) for href, start, end, _rel in links] \
        + [(href, anchor, False) for href, anchor in frame]


def _parse_fragment_raw(html: str, frame: list | None = None) -> tuple[str, list, list, list, list]:
    """The walk's raw output for a fragment, parsed as lxml.html.fragment_fromstring(create_parent="div") would
    (the same tree), but with lxml.etree's plain parser: lxml.html's per-element class lookup (a Python call
    for every element the walk touches) cost a third of the walk. `frame`, when given, gets the links of a whole
    page's frame, left out of the walk (_main_part)."""
    if not html or not html.strip():
        return "", [], [], [], []
    try:
        elements = _fragments(html)
    except (lxml.etree.ParserError, ValueError):  # nothing parseable: treat the cell as plain text
        return _SPACE.sub(" ", html).strip(), [], [], [], []
    except AssertionError:   # lxml's "too many bodies: []": a whole document with no <body>, "<html><head>...</head>"
        return "", [], [], [], []
    body = next((element.getparent() for element in elements if not isinstance(element, str)), None)
    if body is None:   # text only
        return _walk(elements[0] if elements else None, iter(()))
    if _whole_page(html):
        body = _main_part(body, frame)
    _mark_bold_terms(body)
    _mark_placeholders(body)   # before the <em> that tell them go
    lxml.etree.strip_tags(body, *_TRANSPARENT_TAGS)
    return _walk(body.text, iter(body))   # body.text is the lead text (blank lead text writes nothing either way)


def _main_part(body, frame: list | None):
    """A whole page's main content (main_content), the links left out with its frame and menus added to `frame` as
    (href, anchor text as written: the importer folds its spaces, as the content's): links the page has, out of its content (a menu's link to a page is a link the page makes,
    as a links file's Navigation rows say)."""
    links = [a for a in body.iter("a") if a.get("href") is not None] if frame is not None else []
    content = main_content(body)
    if links:
        kept = set(content.iter("a"))
        frame.extend((a.get("href").strip(), "".join(a.itertext())) for a in links if a not in kept)
    return content


def _whole_page(html: str) -> bool:
    """Whether a cell holds a whole page or a part of one around its main content (_WHOLE_PAGE_TAG, _MAIN_ROLES)."""
    return _WHOLE_PAGE_TAG.search(html) is not None or \
        (any(role in html for role in _MAIN_ROLES) and _MAIN_ROLE_IN_TAG.search(html) is not None)


def _fragments(html: str) -> list:
    """The fragment's top-level elements; a fragment nested deeper than libxml2 goes (2,048 elements, huge_tree or
    not: it stops the document there) is parsed again flattened as a browser builds it (nesting.capped). An
    export's Body HTML 1 of 3,000 nested <div>s kept only the words before the nesting, as a fetched page did."""
    elements = lxml.html.fragments_fromstring(html, parser=_PLAIN_PARSER)
    stopped = _PLAIN_PARSER.error_log.last_error
    if stopped is not None and TOO_DEEP in stopped.message:
        elements = lxml.html.fragments_fromstring(capped(html), parser=_PLAIN_PARSER)
    return elements


def parse_element(root) -> ParsedHtml:
    """Walk one lxml element (a fragment's wrapper, or a page's main-content element) into a ParsedHtml."""
    terms, placeholders = _mark_bold_terms(root), _mark_placeholders(root)
    try:
        return _parsed(*_walk(root.text, iter(root)))
    finally:   # the caller's tree as it was (the fetcher keeps its HTML as Body HTML)
        for paragraph in terms:
            paragraph.tag = "p"
        for code in placeholders:
            code.tag = "code"


def _mark_placeholders(root) -> list:
    """A <code> that is all of an <em> or <i> is a placeholder, as DocBook ("<em class="replaceable"><code>
    table_name</code></em>") and gtk-doc ("<em class="parameter"><code>mem</code></em>") write one: retagged <var>,
    HTML's own placeholder element, in the tree the walk reads (the <em> is stripped before the walk). Returns the
    retagged elements (parse_element puts them back). A loop over the emphasis elements, not an XPath query: a
    quarter of its time (python-docs: 0.024 s instead of 0.1 s, a tenth of its HTML import)."""
    marked = []
    for emphasis in root.iter("em", "i"):
        if len(emphasis) == 1 and emphasis[0].tag == "code" and not (emphasis.text or "").strip() \
                and not (emphasis[0].tail or "").strip():
            emphasis[0].tag = "var"
            marked.append(emphasis[0])
    return marked


def _mark_bold_terms(root) -> list:
    """A paragraph that is one bold run and nothing else is a definition term written without <dl>: older
    references head each entry so (SQLite's compile options: `<p><b>SQLITE_ENABLE_EXPLAIN_COMMENTS</b></p>`, then
    the description), and a bold line is no running prose either way ("Note", "Example"). Retagged <dt> in the
    tree the walk reads, so its block is a term (placement leaves it alone; page_blocks reads the name it declares).
    A bold line that opens with a label in capitals set apart in its own inline tag is a sidebar's title ("<strong>
    <em>NOTE</em> NetworkManager</strong>", "<em>CAUTION</em> RAID is not Backup", as DocBook writes them): retagged
    a heading, as it declares nothing (a term would have declared "NetworkManager")."""
    marked = []
    for paragraph in root.xpath(".//p[count(*) = 1][b or strong]"):
        bold = paragraph[0]
        if not (paragraph.text or "").strip() and not (bold.tail or "").strip() and _plain_bold(bold):
            paragraph.tag = "h6" if _labelled(bold) else "dt"
            marked.append(paragraph)
    return marked   # (parse_element puts them back)


def _plain_bold(bold) -> bool:
    """Whether a bold element holds text, with nothing inside it but text-only inline tags (emphasis, spans)."""
    inner = list(bold.iterdescendants())
    if inner and not all(isinstance(element.tag, str) and element.tag in _TRANSPARENT_TAGS for element in inner):
        return False
    return bool("".join(bold.itertext()).strip())


def _labelled(bold) -> bool:
    """Whether a bold line opens with an inline element holding a label in capitals ("NOTE", "BACK TO BASICS")
    and goes on after it."""
    if (bold.text or "").strip() or not len(bold):
        return False
    label = "".join(bold[0].itertext()).strip()
    rest = (bold[0].tail or "").strip() or len(bold) > 1
    return bool(rest) and len(label) >= 2 and label.isupper() and not any(char.isdigit() for char in label)


def _parsed(text: str, blocks: list, code_spans: list, links: list, placeholders: list) -> ParsedHtml:
    return ParsedHtml(text, tuple(Block(*block) for block in blocks), tuple(code_spans),
                      tuple(HtmlLink(href, text[start:end], start, end, rel) for href, start, end, rel in links),
                      tuple(placeholders))


def _tag_info(tag) -> tuple[int, str | None]:
    """(what the walk does with the element, its block kind): one dict look-up per element instead of a chain
    of set tests. Unknown tags are worked out once and cached (a bounded cache: junk markup can invent tags)."""
    info = _TAG_INFO.get(tag)
    if info is None:
        info = _classify(tag)
        if len(_TAG_INFO) < 4096:
            _TAG_INFO[tag] = info
    return info


def _classify(tag) -> tuple[int, str | None]:
    if not isinstance(tag, str):  # comments and processing instructions carry no text
        return _SKIP, None
    tag = tag.lower().rpartition("}")[2]
    if tag in _SKIPPED_TAGS:
        return _SKIP, None
    if tag in _BLOCK_TAGS:
        return _BLOCK, _KIND_OF_TAG.get(tag, "text")
    if tag == "var":
        return _PLACEHOLDER, None
    return (_CODE if tag in _CODE_TAGS else _LINK if tag == "a" else _INLINE), None


_SKIP, _BLOCK, _CODE, _LINK, _INLINE, _PLACEHOLDER = range(6)   # a placeholder is also code
_TAG_INFO: dict = {}
_PLAIN_PARSER = lxml.etree.HTMLParser(huge_tree=True)   # past 256 nested elements, libxml2 dropped the rest


def _walk(lead: str | None, children) -> tuple[str, list, list, list, list]:
    """One pass over the tree: emits collapsed text and records block, code and link offsets as it goes.

    Why one flat loop with an explicit stack rather than a recursive walker object: the walk visits every
    element of a page (650k on the Python docs), and locals, inlined text handling and one tag look-up per
    element make it about twice as fast as method calls and attribute updates per element.
    A placeholder (<var>) is code too: its span is recorded as both, the outermost one of each (a <var> inside
    a <code> is a placeholder in code, "<code>open(<var>file</var>)</code>").

    Text rules: a text node's inner white space collapses to one space and its outer white space becomes a
    pending space, written only before the next words; a block-level element starts and ends a run (a pending
    space, and the run of its kind closes). Returns (text, blocks as (kind, start, end), code spans, links as
    (href, start, end, rel), placeholder spans).
    """
    parts: list[str] = []
    blocks: list[tuple[str, int, int]] = []
    code_spans: list[tuple[int, int]] = []
    links: list[tuple[str, int, int, str]] = []
    placeholders: list[tuple[int, int]] = []
    length, pending, run_kind, run_start, run_end = 0, False, None, 0, 0
    kind, in_code, in_placeholder, stack, text = "text", False, False, [], lead
    while True:
        if text:
            words = " ".join(text.split())
            if text[0].isspace():
                pending = True
            if words:
                if pending and length:
                    parts.append(" ")
                    length += 1
                if kind != run_kind:
                    if run_kind is not None and run_end > run_start:
                        blocks.append((run_kind, run_start, run_end))
                    run_kind, run_start = kind, length
                parts.append(words)
                length += len(words)
                run_end = length
                pending = text[-1].isspace()
        child = next(children, None)
        if child is None:
            if not stack:
                break
            children, child, action, start, kind, in_code, in_placeholder = stack.pop()
            if action == _BLOCK:
                pending = True
                if run_kind is not None and run_end > run_start:
                    blocks.append((run_kind, run_start, run_end))
                run_kind = None
            elif length > start:
                if (action == _CODE or action == _PLACEHOLDER) and kind != "code":
                    if not in_code:
                        code_spans.append((start, length))
                    if action == _PLACEHOLDER and not in_placeholder:
                        placeholders.append((start, length))
                elif action == _LINK and child.get("href") is not None:
                    links.append((child.get("href", "").strip(), start, length,
                                  (child.get("rel") or "").strip().lower()))
            text = child.tail
            continue
        action, block_kind = _tag_info(child.tag)
        if action == _SKIP:
            text = child.tail
            continue
        if action == _BLOCK:
            pending = True
            if run_kind is not None and run_end > run_start:
                blocks.append((run_kind, run_start, run_end))
            run_kind = None
            stack.append((children, child, action, 0, kind, in_code, in_placeholder))
            kind = "code" if kind == "code" else block_kind
        else:
            stack.append((children, child, action, length + 1 if pending and length else length, kind, in_code,
                          in_placeholder))
            in_code = in_code or action == _CODE or action == _PLACEHOLDER
            in_placeholder = in_placeholder or action == _PLACEHOLDER
        children, text = iter(child), child.text
    if run_kind is not None and run_end > run_start:
        blocks.append((run_kind, run_start, run_end))
    return "".join(parts), blocks, code_spans, links, placeholders
