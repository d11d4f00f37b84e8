"""Where a whole page's main content is, and which parts of it are navigation: rules that hold on most sites.

Why its own module: the fetcher reads whole pages, and a crawl export's HTML column may hold a whole page too (an
extraction of `body` rather than of the article, with the site's menus, sidebar and footer around the text): both
find the main content by the same rules, first match wins: role="main", <main>, a lone <article>, well-known ids and
classes. Inside it, navigation (<nav>, a class naming it, toctree / toc boxes) is left out; around a whole <body>
(no rule matched), the page's frame too (<header>, <footer>, <aside> of the page).
"""
from __future__ import annotations

import re

_MAIN_IDS = ("main-content", "maincontent", "content", "main", "primary", "page-content", "article-body",
             "post-content", "article")
_MAIN_CLASSES = ("entry-content", "post-content", "article-content", "article-body", "page-content",
                 "main-content", "post-body", "markdown-body", "rst-content", "td-content", "content-body")
# A class or id token naming a generated table of contents: toc, toctree-wrapper (Sphinx), ez-toc-container
# (WordPress), table-of-contents... ("toc-backref", Sphinx's heading back-link, is not one).
_TOC_TOKEN = re.compile(r"^((ez-)?toc(tree)?([-_](wrapper|container|list|box|nav))?|table-?of-?contents)$",
                        re.IGNORECASE)
#: a class or id naming navigation (a whole token: "navbar", not "canvas" nor "nav-tabs" content panes)
_NAV_TOKENS = frozenset({"nav", "navbar", "navheader", "navfooter", "navigation", "breadcrumb", "breadcrumbs",
                         "pager", "pagination"})
_INLINE_TAGS = frozenset({"a", "span", "code", "em", "strong", "b", "i"})


def main_element(doc):
    """(element, rule) of the main content by the first matching rule, or (None, "")."""
    for element in doc.iter():
        if isinstance(element.tag, str) and (element.get("role") or "").lower() == "main":
            return element, "role=main"
    main = doc.find(".//main")
    if main is not None:
        return main, "<main>"
    articles = doc.findall(".//article")
    if len(articles) == 1:
        return articles[0], "<article>"
    for ident in _MAIN_IDS:
        found = doc.xpath(f'//*[@id="{ident}"]')
        if found:
            return found[0], f"#{ident}"
    for name in _MAIN_CLASSES:
        found = doc.xpath(f'//*[contains(concat(" ", normalize-space(@class), " "), " {name} ")]')
        if found:
            return found[0], f".{name}"
    return None, ""


def navigation_inside(main, around: bool = False) -> list:
    """Parts of the main content that are navigation (outermost only): <nav>, role=navigation, an element whose
    class or id names navigation ("nav", "navbar", "navheader", "breadcrumbs", "pager": DocBook's Prev / Up / Next
    table is a <table class="nav">), tables of contents; with `around`, also the page's frame (`is_around`): for
    an element found by trafilatura's text, which may be the whole <body>."""
    found, resume = [], None
    for element in main.iter():   # in document order: a part found is passed over up to `resume`, what follows it
        if resume is not None:
            if element is not resume:
                continue
            resume = None
        if element is main or not isinstance(element.tag, str) or not _is_navigation(element, around):
            continue
        found.append(element)
        resume = _following(element, main)
        if resume is None:
            break
    return found


def _following(element, root):
    """The first node after the element's subtree in document order, inside root; None when there is none."""
    while element is not root:
        after = element.getnext()
        if after is not None:
            return after
        element = element.getparent()
    return None


def _is_navigation(element, around: bool) -> bool:
    """Whether an element of the main content is navigation (navigation_inside says which)."""
    get = element.get
    classes, ident, role = get("class"), get("id"), get("role")
    if classes is None and ident is None and role is None and element.tag != "nav" and not around:
        return False   # most elements: nothing more to read
    tokens = (classes or "").split()
    return (element.tag == "nav" or (role or "").lower() == "navigation"
            or (element.tag not in _INLINE_TAGS
                and any(_TOC_TOKEN.match(t) or t.lower() in _NAV_TOKENS for t in [*tokens, ident or ""]))
            or ("contents" in tokens and "topic" in tokens)
            or (around and is_around(element)))


def is_around(element) -> bool:
    """A page's own header, footer or sidebar (the site's frame around the content): <footer>, <aside>, their
    roles, and a <header> that is not an article's or a section's own."""
    role = (element.get("role") or "").lower()
    if element.tag in ("footer", "aside") or role in ("contentinfo", "complementary", "banner"):
        return True
    return element.tag == "header" and not any(a.tag in ("article", "section") for a in element.iterancestors())


def drop_tree(element) -> None:
    """Remove the element and its children, keeping its tail text in place (lxml.html's drop_tree)."""
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + element.tail
        else:
            previous.tail = (previous.tail or "") + element.tail
    parent.remove(element)


def main_content(root):
    """The part of a whole page's tree (`root`: its <body>, or what holds it) that is the page's own text: the
    element main_element finds, less the navigation inside it; else (none, or one without text) the whole, less its
    navigation and the page's frame (is_around: header, footer, sidebar). Changes the tree in place."""
    main, _rule = main_element(root)
    if main is not None and not "".join(main.itertext()).strip():
        main = None   # an empty landmark (a <main> the template leaves blank): the text is elsewhere
    content = root if main is None else main
    for part in navigation_inside(content, around=main is None):
        drop_tree(part)   # its tail text stays
    return content
