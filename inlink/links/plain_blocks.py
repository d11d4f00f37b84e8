"""Blocks recovered from plain text: the structure an HTML page states, guessed from text whose white space
was collapsed (a crawler's plain `Content`), so plain input can follow the rules HTML input follows.

Why: on plain text a reference manual's declarations ("json.dumps(obj, *, indent=None) Serialize obj ..."),
its code examples and its headings run together with the prose. HTML says which is which (inlink.site.html);
plain text still shows it by shape, and this module reads the shapes that hold on any site:
- a declaration ("term"): an identifier-shaped name, with its signature when it has one, standing at the
  start of a sentence and followed at once by a capitalised sentence that describes it;
everything else is loose text ("text"). The blocks are (kind, start, end) tuples like the HTML blocks.
"""
from __future__ import annotations

import re

from inlink.links.anchors import defined_name

# A declaration: up to two keyword / type words ("class", "int", "PyObject *"), a name, an optional signature
# in balanced parentheses (one level of nesting) and an optional "[source]" mark, then a space and a capital
# that opens the description. It must start the text or follow a sentence end.
_DECLARATION_RE = re.compile(
    r"(?<=\. )"
    r"((?:(?:[a-z_*][\w*]*|(?=[A-Z]\w*[a-z])[A-Z]\w*(?: \*)?) ){0,2}[\w.*]+(?:\([^()]*(?:\([^()]*\)[^()]*)*\))?(?:\[source\])?)"
    r" (?=[A-Z](?![A-Z]))")


def declarations(text: str) -> list[tuple[int, int]]:
    """Spans of the declarations a plain text holds, in text order."""
    return [match.span(1) for match in _DECLARATION_RE.finditer(text) if defined_name(match.group(1))]


def plain_blocks(text: str) -> list[tuple[str, int, int]]:
    """The blocks of a plain text: declarations as "term", the runs between them as "text"."""
    blocks, at = [], 0
    for start, end in declarations(text):
        if start > at:
            blocks.append(("text", at, start - 1 if text[start - 1] == " " else start))
        blocks.append(("term", start, end))
        at = end + 1
    if at < len(text):
        blocks.append(("text", at, len(text)))
    return blocks
