"""HTML -> plain text + the block structure + the links, with one parser for the importer and the fetcher.

Why one module: a crawl export's "Extract Inner HTML" column and a page we fetch ourselves must give the same
text and the same blocks, or the link engine would place anchors differently depending on where a site came
from. The text is made the way crawlers and the development corpora make it: a space at the start and end of
every block-level element, text nodes joined, runs of white space collapsed to one space, no leading or
trailing space. Alongside it we keep, as character offsets into that text:

- blocks: the text split into non-overlapping runs, each labelled with the kind of its innermost block-level
  element (heading, paragraph, list_item, term, definition, table_cell, code, text, other). The link engine
  places anchors only in running prose (`PROSE_KINDS`), never in headings or code listings.
- code_spans: inline code (<code>, <kbd>, <samp>, <var>, <tt>) inside prose, so an identifier in a sentence
  can be told from the words around it.
- links: every <a href> with its anchor text and where its text stands.

lxml does the parsing (it is fast and forgiving of malformed HTML); the walk below only adds the offsets,
which no library gives.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

import lxml.etree
import lxml.html

BLOCK_KINDS = ("heading", "paragraph", "list_item", "term", "definition", "table_cell", "code", "text", "other")
# Running prose: where an editor would put a link. "text" is loose text straight inside a generic container
# (a <div> or <section> without a <p>), which many sites use for paragraphs.
PROSE_KINDS = frozenset({"paragraph", "list_item", "definition", "table_cell", "text"})

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
_SPACE = re.compile(r"\s+")
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
    _starts: list[int] = field(default_factory=list, repr=False, compare=False)

    def block_at(self, offset: int) -> Block | None:
        """The block holding the character at `offset` (None between blocks, e.g. on a collapsed space)."""
        if not self._starts:
            self._starts = [block.start for block in self.blocks]
        i = bisect_right(self._starts, offset) - 1
        if i >= 0 and self.blocks[i].start <= offset < self.blocks[i].end:
            return self.blocks[i]
        return None

    def in_prose(self, start: int, end: int) -> bool:
        """True when the span [start, end) lies inside one prose block."""
        block = self.block_at(start)
        return block is not None and block.kind in PROSE_KINDS and end <= block.end

    def block_tuples(self) -> list[tuple[str, int, int]]:
        """The blocks as plain (kind, start, end) tuples: cheap to store in a DataFrame cell or to pickle."""
        return [(block.kind, block.start, block.end) for block in self.blocks]


def looks_like_html(text: str) -> bool:
    """True when a text cell holds markup (a Screaming Frog "Extract HTML" column) rather than plain text."""
    return bool(text) and "<" in text and _TAG_HINT.search(text[:20_000]) is not None


def parse_fragment(html: str) -> ParsedHtml:
    """Parse an HTML fragment (the inner HTML of a page's main content) into text, blocks, code spans, links."""
    if not html or not html.strip():
        return ParsedHtml("")
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):  # nothing parseable: treat the cell as plain text
        return ParsedHtml(_SPACE.sub(" ", html).strip())
    return parse_element(root)


def parse_element(root) -> ParsedHtml:
    """Walk one lxml element (a fragment's wrapper, or a page's main-content element) into a ParsedHtml."""
    walker = _Walker()
    walker.walk(root, "text", in_code=False)
    return walker.result()


class _Walker:
    """Emits collapsed text and records block, code and link offsets while it goes (one pass, no re-reading)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.pending_space = False
        self.blocks: list[Block] = []
        self.run_kind: str | None = None
        self.run_start = 0
        self.run_end = 0
        self.code_spans: list[tuple[int, int]] = []
        self.links: list[tuple[str, int, int, str]] = []   # (href, start, end, rel)

    # -- text --------------------------------------------------------------------------------------------
    def emit(self, text: str | None, kind: str) -> None:
        """Write a text node: its inner white space collapsed, its outer white space kept as a pending space."""
        if not text:
            return
        collapsed = _SPACE.sub(" ", text)
        if collapsed[0] == " ":
            self.pending_space = True
        words = collapsed.strip(" ")
        if words:
            self._write(words, kind)
            if collapsed[-1] == " ":
                self.pending_space = True

    def _write(self, words: str, kind: str) -> None:
        if self.pending_space and self.length:
            self.parts.append(" ")
            self.length += 1
        self.pending_space = False
        if kind != self.run_kind:
            self._close_run()
            self.run_kind, self.run_start = kind, self.length
        self.parts.append(words)
        self.length += len(words)
        self.run_end = self.length

    def _close_run(self) -> None:
        if self.run_kind is not None and self.run_end > self.run_start:
            self.blocks.append(Block(self.run_kind, self.run_start, self.run_end))
        self.run_kind = None

    def boundary(self) -> None:
        """A block-level element starts or ends here: a space, and the current run of text ends."""
        self.pending_space = True
        self._close_run()

    # -- elements ----------------------------------------------------------------------------------------
    def walk(self, element, kind: str, in_code: bool) -> None:
        self.emit(element.text, kind)
        for child in element:
            self._child(child, kind, in_code)
            self.emit(child.tail, kind)

    def _child(self, child, kind: str, in_code: bool) -> None:
        tag = child.tag if isinstance(child.tag, str) else None
        if tag is None:  # comments and processing instructions carry no text
            return
        tag = tag.lower().rpartition("}")[2]
        if tag in _SKIPPED_TAGS:
            return
        if tag in _BLOCK_TAGS:
            self.boundary()
            child_kind = "code" if kind == "code" else _KIND_OF_TAG.get(tag, "text")
            self.walk(child, child_kind, in_code)
            self.boundary()
            return
        start = self._next_start()
        self.walk(child, kind, in_code or tag in _CODE_TAGS)
        end = self.length
        if end <= start:
            return
        if tag in _CODE_TAGS and not in_code and kind != "code":
            self.code_spans.append((start, end))
        elif tag == "a" and child.get("href") is not None:
            self.links.append((child.get("href", "").strip(), start, end, (child.get("rel") or "").strip().lower()))

    def _next_start(self) -> int:
        """Where the next written character will stand (after a pending space, if one will be written)."""
        return self.length + 1 if self.pending_space and self.length else self.length

    def result(self) -> ParsedHtml:
        self._close_run()
        text = "".join(self.parts)
        links = tuple(HtmlLink(href, text[start:end], start, end, rel) for href, start, end, rel in self.links)
        return ParsedHtml(text, tuple(self.blocks), tuple(self.code_spans), links)
