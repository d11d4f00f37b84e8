"""A small site in the style of a generated online book (invented text), written into a folder for the fetch tests.

What it has, as such book sites do: every page repeats the book's name in an <h1> of its menu bar, a sidebar <nav>
listing every chapter, "Previous / Next chapter" links and print / search buttons; the chapter's own heading is in
<main> (an <h2> on section pages); in-content links are relative ("./", "../", "#fragment"); a "moved" page sends
its reader on with a meta refresh; print.html repeats every chapter (noindex, or not); the book's home page is served as
both the folder URL and index.html (the same bytes).
"""
from __future__ import annotations

from pathlib import Path

BOOK = "The Gardening Handbook"
CHAPTERS = [   # (path, heading, heading level, body HTML)
    ("soil.html", "Preparing the Soil", "h1",
     '<p>Good soil holds water and air. Before planting, read about <a href="./compost.html">compost heaps</a> '
     'and how <a href="tools/spade.html">a sharp spade</a> saves your back.</p>'
     '<section class="note"><p>Test the soil in spring, when it is neither frozen nor soaked.</p></section>'
     '<pre><code><span class="boring">hidden setup line\n</span>dig depth = 30 cm</code></pre>'),
    ("compost.html", "Building a Compost Heap", "h2",
     '<p>A compost heap turns kitchen scraps into food for the soil. Layer green and brown material, '
     'then see <a href="soil.html#testing">testing the soil</a> once it is ready.</p>'
     '<table><tr><th>Green</th><th>Brown</th></tr><tr><td>grass clippings</td><td>dry leaves</td></tr></table>'
     '<p>Turn the heap every few weeks so that air reaches the middle of it.</p>'),
    ("tools/spade.html", "Choosing a Spade", "h2",
     '<p>A spade with a tread saves your boots. Keep it sharp, as <a href="../soil.html">preparing the soil</a> '
     'explains, and store it dry beside <a href="../compost.html">the compost heap</a>.</p>'
     '<p>Oil the blade before winter and the wooden handle will outlast the metal.</p>'),
]
MOVED = ("old-soil.html", "soil.html")         # a stub whose meta refresh sends the reader on


def _sidebar(depth: str) -> str:
    items = "".join(f'<li class="chapter-item"><a href="{depth}{path}">{heading}</a></li>'
                    for path, heading, _, _ in CHAPTERS)
    return f'<nav id="sidebar" class="sidebar" aria-label="Table of contents"><ol class="chapter">{items}</ol></nav>'


def _page(title: str, depth: str, main: str, *, prev: str = "", next_: str = "", robots: str = "") -> str:
    meta = f'<meta name="robots" content="{robots}">' if robots else ""
    pager = "".join(f'<a rel="{rel}" href="{depth}{href}" title="{label} chapter" aria-label="{label} chapter">'
                    f'{label}</a>' for rel, href, label in (("prev", prev, "Previous"), ("next", next_, "Next"))
                    if href)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>{meta}'
            f'<script>var sidebar = "visible";</script></head><body>{_sidebar(depth)}'
            f'<div id="page-wrapper" class="page-wrapper"><div class="page">'
            f'<div id="menu-bar" class="menu-bar"><div class="left-buttons"><button type="button">Search</button>'
            f'</div><h1 class="menu-title">{BOOK}</h1><div class="right-buttons">'
            f'<a href="{depth}print.html" title="Print this book">Print</a></div></div>'
            f'<div id="content" class="content"><main>{main}</main>'
            f'<nav class="nav-wrapper" aria-label="Page navigation">{pager}</nav></div></div></div></body></html>')


def write_book(root: Path, print_noindex: bool = True, old_edition: int = 0, old_lines: int = 0) -> list[str]:
    """Write the book under `root`; returns the paths of its pages (the folder URL "" first). `print_noindex`:
    whether print.html says noindex (older generators left it out); `old_edition`: how many stubs of an old
    edition to add (old/N.html, each under a chapter's title, all with the same text and no noindex), each with
    `old_lines` short list items of its own (4 words each)."""
    pages = {}
    for number, (path, heading, level, body) in enumerate(CHAPTERS):
        depth = "../" * path.count("/")
        prev = CHAPTERS[number - 1][0] if number else ""
        next_ = CHAPTERS[number + 1][0] if number + 1 < len(CHAPTERS) else ""
        main = f'<{level} id="top"><a class="header" href="#top">{heading}</a></{level}>{body}'
        pages[path] = _page(f"{heading} - {BOOK}", depth, main, prev=prev, next_=next_)
    pages["index.html"] = _page(f"Welcome - {BOOK}", "", '<h1 id="welcome">Welcome</h1><p>This handbook grows '
                                'a garden from <a href="soil.html">the soil</a> up; the <a href="old-soil.html">'
                                'first notes on soil</a> moved.</p>', next_="soil.html")
    everything = "".join(f"<h1>{heading}</h1>{body}" for _, heading, _, body in CHAPTERS)
    pages["print.html"] = _page(BOOK, "", everything, robots="noindex" if print_noindex else "")
    old, new = MOVED
    pages[old] = (f'<!DOCTYPE html><html><head><title>Redirecting...</title><meta http-equiv="refresh" '
                  f'content="0; URL={new}"></head><body><p>Redirecting to <a href="{new}">{new}</a>, or read '
                  '<a href="print.html">the whole book</a>.</p></body></html>')
    for number in range(old_edition):
        heading = f"{CHAPTERS[number % len(CHAPTERS)][1]}, old edition {number}"
        lines = "".join(f"<li>row {line} of {number}</li>" for line in range(old_lines))
        pages[f"old/{number}.html"] = _page(f"{heading} - {BOOK}", "../", f"<h1>{heading}</h1><p>The old edition of "
                                            "this handbook is no longer kept here; read the current one instead.</p>"
                                            f"<ul>{lines}</ul>")
    for path, html in pages.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(html, encoding="utf-8")
    return ["", *pages]
