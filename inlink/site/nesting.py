"""HTML nested deeper than an HTML parser takes, flattened the way browsers do, so the page's text is not lost.

libxml2 (lxml's parser) stops a document at 2,048 nested elements, even with huge_tree, and drops everything after:
a page built of thousands of unclosed <div> or <font> tags was an "OK" page whose text ended where the nesting
passed 2,048, its closing paragraphs and links gone. No setting raises the limit. Browsers have a limit too, but
keep everything: Chromium's tree builder attaches an element that would be deeper than 512 beside the deepest one
instead. `capped` does the same to the source: before such an element's start tag it closes the deepest open
element (and cuts that element's own end tag where it comes), so every element, link and word is kept, as written,
at most DEPTH_CAP deep.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

#: libxml2's error when a document passes its 2,048 nested elements: the parse stopped there, the rest is lost
TOO_DEEP = "Excessive depth"
#: Chromium's kMaximumHTMLParserDOMTreeDepth: a deeper element is attached beside the element at this depth
DEPTH_CAP = 512
#: elements that never hold others (their end tag, when written, closes nothing)
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr"})
#: elements a start tag of the same name closes when one is open at the top (a list's unclosed <li>s are siblings,
#: not ever deeper)
_SIBLINGS = frozenset({"p", "li", "dt", "dd", "option", "tr", "td", "th"})
_NEWLINE = re.compile("\n")


class _Flattener(HTMLParser):
    """Finds where to close an element early and which end tags to cut, in one pass over the tags (no recursion).
    The stack holds [tag, closed early]; `depth` counts the elements still open in the flattened page."""

    def __init__(self, cap: int):
        super().__init__(convert_charrefs=False)
        self.cap, self.depth = cap, 0
        self.stack: list[list] = []
        self.edits: list[tuple[tuple[int, int], str | None]] = []   # (line, column), the end tag to insert or None: cut

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        if tag in _SIBLINGS and self.stack and self.stack[-1][0] == tag and not self.stack[-1][1]:
            self.stack.pop()
            self.depth -= 1
        if self.depth >= self.cap:
            deepest = next(entry for entry in reversed(self.stack) if not entry[1])
            self.edits.append((self.getpos(), f"</{deepest[0]}>"))
            deepest[1] = True
            self.depth -= 1
        self.stack.append([tag, False])
        self.depth += 1

    def handle_endtag(self, tag):
        for position in range(len(self.stack) - 1, -1, -1):
            name, closed = self.stack[position]
            if name != tag:
                continue
            if closed:   # closed before a deeper element already: its own end tag would close an ancestor
                self.edits.append((self.getpos(), None))
                del self.stack[position]
            else:
                self.depth -= sum(1 for _, early in self.stack[position:] if not early)
                del self.stack[position:]
            return


def capped(html: str, cap: int = DEPTH_CAP) -> str:
    """`html` nested at most `cap` elements deep: an element that would be deeper is put beside the deepest one, as
    a browser builds it; the page is returned as it is when nothing is that deep."""
    flattener = _Flattener(cap)
    flattener.feed(html)
    flattener.close()
    if not flattener.edits:
        return html
    line_starts = [0, *(match.end() for match in _NEWLINE.finditer(html))]
    parts, kept_from = [], 0
    for (line, column), inserted in flattener.edits:
        at = line_starts[line - 1] + column
        parts.append(html[kept_from:at])
        if inserted is None:
            kept_from = html.index(">", at) + 1
        else:
            parts.append(inserted)
            kept_from = at
    parts.append(html[kept_from:])
    return "".join(parts)
