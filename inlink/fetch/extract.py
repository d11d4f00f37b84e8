"""A whole fetched page -> what a crawl export holds: title, H1, meta description, canonical, meta robots,
the main content as text + blocks (inlink.site.html, the parser the importer uses), and every link with its
Link Position the way Screaming Frog names them (Content, Navigation, Header, Footer, Sidebar).

Main content is found by rules that hold on most sites, first match wins: role="main", <main>, a lone
<article>, well-known ids and classes; when none matches, trafilatura's extraction says where the text is and the
page's own element holding it is the main content (measured in bench/eval_fetch.py). Inside the main content,
permalink anchors ("¶") are dropped and navigation (<nav>, a class naming it, toctree / toc boxes) is left out.
"""
from __future__ import annotations

import copy as copy_module
import logging
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.etree
import lxml.html

from inlink.fetch.urls import browser_escaped
from inlink.site.html import ParsedHtml, parse_element
from inlink.site.main_content import drop_tree, is_around, main_element, navigation_inside
from inlink.site.nesting import TOO_DEEP, capped

_LOG = logging.getLogger(__name__)
CONTENT, NAVIGATION, HEADER, FOOTER, SIDEBAR = "Content", "Navigation", "Header", "Footer", "Sidebar"
_UNREAD_TAGS = frozenset({"script", "style", "noscript", "template"})
_PERMALINK_TEXT = frozenset({"¶", "#", "§", "🔗", "link"})
_SPACE = re.compile(r"\s+")
_BRACKETED = re.compile(r"^\[[^\[\]]{1,15}\]$")     # "[src]", "[edit]", "[source]"
_WORD = re.compile(r"\w+")
#: a meta refresh's content: "5; URL='new.html'", "0;url=new.html", "0, new.html"
_REFRESH = re.compile(r"""\s*[\d.]*+\s*[;,]?\s*(?:url\s*=\s*)?["']?([^"'\s]+)""", re.IGNORECASE)
#: what stands between a page's name and the site's name in a <title>: "Page - Site", "Site | Page"
_TITLE_SEPARATOR = re.compile(r"(^\s*[-|–—·•:»]\s*|\s[-|–—·•»]\s*$)")
#: The page's parser: lxml.etree's, not lxml.html's, whose per-element class lookup (a Python call each time an
#: element is touched) cost an eighth of a page's extraction; the tree is the same. drop_tree (site.main_content) and
#: _text_content stand for the two lxml.html element methods used here.
#: huge_tree: libxml2 otherwise stops at 256 nested elements and drops the rest of the page (a legacy page of unclosed
#: <font> tags, one per line, was an "OK" page without a word); with it, 2,048, past which the page is parsed again
#: flattened (nesting.capped). One parser a thread: its error log says whether the last parse stopped there.
_PARSERS = threading.local()
_text_content = lxml.etree.XPath("string()")   # lxml.html's text_content(): the element's text, its tail left out
MAX_LANGUAGE_CHARS = 35   # a language tag's longest useful length (RFC 5646 advises 35): the rest is no tag


@dataclass(frozen=True)
class PageLink:
    destination: str     # absolute, without #fragment
    anchor: str
    position: str
    rel: str = ""


@dataclass
class ParsedPage:
    title: str = ""
    h1: str = ""
    description: str = ""
    canonical: str = ""
    meta_robots: str = ""
    other_canonicals: list[str] = field(default_factory=list)   # more <link rel="canonical"> naming other URLs
    ignored_canonicals: list[str] = field(default_factory=list)   # notes on those search engines ignore
    content: ParsedHtml = field(default_factory=lambda: ParsedHtml(""))
    body_html: str = ""
    links: list[PageLink] = field(default_factory=list)
    main_rule: str = ""          # which rule found the main content (for reports and the eval)
    refresh: str = ""            # where a <meta http-equiv="refresh"> sends the reader (absolute), "" when none
    language: str = ""           # the language the page declares (<html lang>), as written; "" when none

    @property
    def noindex(self) -> bool:
        """noindex, or "none" (noindex, nofollow) as any of the directives: "none" after another one (a page's "index,
        follow" and an X-Robots-Tag "none", joined) was " none" after the comma and counted for nothing."""
        return self._directs("noindex")

    @property
    def nofollow(self) -> bool:
        """nofollow, or "none", as any of the directives: none of the page's links is followed."""
        return self._directs("nofollow")

    def _directs(self, directive: str) -> bool:
        directives = self.meta_robots.lower()
        return directive in directives or "none" in (part.strip() for part in directives.split(","))


class MalformedPage(ValueError):
    """The bytes cannot be read as an HTML document at all."""


def parse_page(html: str, url: str, *, use_rules: bool = True) -> ParsedPage:
    """Everything we keep from one page; `use_rules=False` forces the trafilatura fallback (for measuring)."""
    doc = _document(html)
    base = _base_url(doc, url)
    page = ParsedPage(title=_text(doc.find(".//title")), description=_meta(doc, "description"),
                      meta_robots=_robots_directives(doc),
                      refresh=_refresh(doc, base, url), language=_language(doc))
    page.canonical, *page.other_canonicals = _canonicals(doc, base) or [""]
    page.ignored_canonicals = _ignored_canonicals(doc, base)
    for permalink in _permalinks(doc):
        drop_tree(permalink)                     # its tail text stays
    main, page.main_rule = main_element(doc) if use_rules else (None, "")
    page.h1 = _page_h1(doc, main, page.title)
    if main is None:
        return _parse_with_fallback(doc, base, page)
    return _parse_main(doc, main, base, page)


def _parse_main(doc, main, base: str, page: ParsedPage, around: bool = False) -> ParsedPage:
    """The page's text, blocks and links once its main-content element is known."""
    dropped = navigation_inside(main, around)
    in_main = set(main.iterdescendants("a"))   # looked up per link: each link's ancestors were walked for them
    in_dropped = {a for part in dropped for a in part.iterdescendants("a")}
    page.links = [_page_link(a, base, _position(a, in_main, in_dropped)) for a in doc.iter("a") if a.get("href")]
    for element in dropped:
        drop_tree(element)
    _drop_scripts(main)
    page.content = parse_element(main)
    page.body_html = inner_html(main)
    page.links = _with_content_anchors(page.links, page.content, base)
    return page


def _document(html: str):
    text = html.lstrip("\ufeff")
    if not text.strip():
        raise MalformedPage("the page is empty")
    try:
        doc = _parsed(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise MalformedPage(f"the HTML cannot be parsed ({exc})") from None
    if doc is None:   # what lxml.html's document_fromstring said of it
        raise MalformedPage("the HTML cannot be parsed (Document is empty)")
    if doc.find(".//body") is None and not len(doc):
        raise MalformedPage("no HTML document found")
    return doc


def _parsed(text: str):
    """The page's tree; a page nested deeper than libxml2 goes (which stops there, the rest of the page lost) is
    parsed again with its deepest tags cut out, its text kept, as a browser builds it (nesting.capped)."""
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = lxml.etree.HTMLParser(encoding="utf-8", huge_tree=True)
    doc = lxml.etree.fromstring(text.encode("utf-8"), parser=parser)
    stopped = parser.error_log.last_error   # the parse stops at the depth: its error is the last (a sloppy page's
    if stopped is not None and TOO_DEEP in stopped.message:   # thousands are never all read)
        doc = lxml.etree.fromstring(capped(text).encode("utf-8"), parser=parser)
    return doc


def _base_url(doc, url: str) -> str:
    base = doc.find(".//base[@href]")
    return urljoin(url, base.get("href").strip()) if base is not None else url


def _text(element) -> str:
    return _SPACE.sub(" ", _text_content(element)).strip() if element is not None else ""


def _meta(doc, name: str) -> str:
    return next(_metas(doc, name), "")


def _metas(doc, name: str):
    """The contents of every <meta name=`name`>, in order (blank ones left out)."""
    for meta in doc.iter("meta"):
        if (meta.get("name") or "").strip().lower() == name:
            content = _SPACE.sub(" ", meta.get("content") or "").strip()
            if content:
                yield content


def _language(doc) -> str:
    """The language the page declares: its <html lang> (or xml:lang), else a <meta http-equiv="content-language">
    (an old page's way; its first tag when it lists several), as written ("en-US"): the importer reads it
    (site/languages.py), so a site in several languages gets links within each."""
    declared = (doc.get("lang") or doc.get("xml:lang") or "").strip() if doc.tag == "html" else ""
    if declared:
        return declared[:MAX_LANGUAGE_CHARS]
    for meta in doc.iter("meta"):
        if (meta.get("http-equiv") or "").strip().lower() == "content-language":
            return (meta.get("content") or "").split(",")[0].strip()[:MAX_LANGUAGE_CHARS]
    return ""


def _robots_directives(doc) -> str:
    """Every robots and googlebot meta tag's directives, joined: a search engine reads them all and obeys the most
    restrictive. Only the first was read, so a page whose theme wrote "index, follow" and whose SEO plugin wrote
    "noindex" after it (two plugins, each with its tag) was Indexable, a link target the search engine drops."""
    return ", ".join([*_metas(doc, "robots"), *_metas(doc, "googlebot")])


def _canonicals(doc, base: str) -> list[str]:
    """The distinct URLs the page's <link rel="canonical"> tags in its <head> name, absolute, in order: a page with
    two that disagree (a theme's and an SEO plugin's) had only the first read, and was a link target when that one
    named the page itself (dataset._canonical says what two disagreeing canonicals make of the page). Google
    disregards a canonical in the <body> (one a widget writes there, or one after an <img> or <iframe> that ends the
    head: the parser moves it into the body, as Google's does), so such a page, "Canonicalised" here, was no link
    target though the search engine indexes it. Robots meta tags count anywhere: Google obeys them in the body."""
    in_head = _head_links(doc)
    named = (absolute(link.get("href"), base) for link in _canonical_tags(doc) if link in in_head)
    return list(dict.fromkeys(url for url in named if url))


def _ignored_canonicals(doc, base: str) -> list[str]:
    """What the page's canonical tags that search engines ignore say, for the row's Reason: one in the <body>, or
    one naming no web address (a local build's "file:///usr/share/doc/..."). Left out without a word, the export's
    canonical column was blank, as for a page with none, and an analyst never saw the broken tag."""
    in_head, notes = _head_links(doc), []
    for link in _canonical_tags(doc):
        href, url = link.get("href").strip(), absolute(link.get("href"), base)
        if url is None:
            notes.append(f"its canonical tag names no web address, {href} (search engines ignore it)")
        elif link not in in_head:
            notes.append(f"its canonical tag naming {url} stands in the <body> (search engines ignore it)")
    return list(dict.fromkeys(notes))


def _canonical_tags(doc):
    return (link for link in doc.iter("link")
            if "canonical" in (link.get("rel") or "").lower().split() and (link.get("href") or "").strip())


def _head_links(doc) -> set:
    head = doc.find(".//head")
    return set(head.iter("link")) if head is not None else set()


def _refresh(doc, base: str, url: str) -> str:
    """The address a meta refresh sends the reader to ("0; URL=new.html"), absolute; "" when the page has none
    or it reloads the page itself (a page that refreshes itself is not a redirect)."""
    for meta in doc.iter("meta"):
        if (meta.get("http-equiv") or "").strip().lower() == "refresh":
            return refresh_target(meta.get("content") or "", base, url)
    return ""


def refresh_target(content: str, base: str, url: str) -> str:
    """Where a refresh ("0; URL=new.html", a meta tag's content or an HTTP Refresh header) sends the reader of the
    page at `url`, absolute; "" when it reloads the page itself."""
    match = _REFRESH.match(content)
    target = absolute(match.group(1), base) if match else None
    return target if target and target != absolute(url, url) else ""


def _permalinks(doc) -> list:
    """Heading permalink anchors: class headerlink, or an in-page link whose whole text is a pilcrow-like mark."""
    found = []
    for a in doc.iter("a"):
        classes = (a.get("class") or "").split()
        href = (a.get("href") or "").strip()
        if "headerlink" in classes or (href.startswith("#") and _text_content(a).strip() in _PERMALINK_TEXT):
            found.append(a)
    return found


def _page_h1(doc, main, title: str) -> str:
    """The page's H1: the first <h1> of the main content; else the page's first <h1>, unless that one stands
    outside the main content and the title reads "<the main content's top heading> - <that H1>" (or "H1 |
    heading"): then the H1 names the site, and the heading names the page. A book generator put the book's
    name in an <h1> of its menu bar on every page and the chapter's own heading in <main> (an <h2> on section
    pages): every page of the site had the same H1."""
    if main is not None:
        inner = _heading(main.find(".//h1"))
        if inner:
            return inner
    text = _heading(doc.find(".//h1"))
    page_part = _title_without(title, text) if main is not None else ""
    if page_part:
        for level in ("h2", "h3", "h4", "h5", "h6"):
            heading = _heading(main.find(f".//{level}"))
            if heading:
                return heading if _same_name(heading, page_part) else text
    return text


def _heading(element) -> str:
    """A heading's text without the bracketed links set in it ("Stream[src]", "History[edit]", a "[1]" note: a
    link to the source file, to the editor or to a note, not part of the heading's name)."""
    if element is None:
        return ""
    if not any(_is_bracketed_link(node) for node in element.iter("a", "span", "sup")):
        return _text(element)
    copy = copy_module.deepcopy(element)
    for node in [node for node in copy.iter("a", "span", "sup") if node is not copy and _is_bracketed_link(node)]:
        if node.getparent() is not None:
            drop_tree(node)
    return _text(copy)


def _is_bracketed_link(node) -> bool:
    """A link, or an inline element holding one, whose whole text is short and in brackets ("[src]")."""
    return (node.tag == "a" or node.find(".//a") is not None) and bool(_BRACKETED.match(_text(node)))


def _same_name(heading: str, page_part: str) -> bool:
    """Whether a heading names what the title's page part names: most of the title's words are in it
    ("Appendix A: Keywords" for "A - Keywords"; "Test-Driven" for "Test Driven")."""
    wanted, found = set(_WORD.findall(page_part.casefold())), set(_WORD.findall(heading.casefold()))
    return bool(wanted) and len(wanted & found) >= 0.5 * len(wanted)


def _title_without(title: str, name: str) -> str:
    """The rest of a title "Page - Name" / "Name | Page" (casefolded), or "" when it does not read so."""
    name, title = name.casefold(), _SPACE.sub(" ", title).strip().casefold()
    if not name or len(title) <= len(name):
        return ""
    rest = title[:-len(name)] if title.endswith(name) else title[len(name):] if title.startswith(name) else ""
    return _TITLE_SEPARATOR.sub("", rest).strip() if _TITLE_SEPARATOR.search(rest) else ""


def _classes(element) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}".lower()


def _position(a, in_main: set, in_dropped: set) -> str:
    """Screaming Frog's Link Position of one <a>, from where it stands in the page (in_main, in_dropped: the
    links inside the main content and inside the navigation found in it)."""
    if a in in_main:
        return NAVIGATION if a in in_dropped else CONTENT
    return _boilerplate_position(a)


def _boilerplate_position(a, default: str = NAVIGATION) -> str:
    for ancestor in a.iterancestors():
        tag, role, names = ancestor.tag, (ancestor.get("role") or "").lower(), _classes(ancestor)
        if tag == "footer" or role == "contentinfo" or "footer" in names:
            return FOOTER
        if tag == "aside" or role == "complementary" or "sidebar" in names:
            return SIDEBAR
        if tag == "header" or role == "banner" or "header" in names.split():
            return HEADER
        if tag == "nav" or role == "navigation" or any(w in names for w in ("menu", "nav", "breadcrumb", "related")):
            return NAVIGATION
    return default


def _page_link(a, base: str, position: str) -> PageLink | None:
    destination = absolute(a.get("href"), base)
    if destination is None:
        return None
    return PageLink(destination, _text(a), position, (a.get("rel") or "").strip().lower())


def _with_content_anchors(links: list, content: ParsedHtml, base: str) -> list[PageLink]:
    """Content links take their anchors from the parsed text (so each is a substring of Content)."""
    anchors = iter(content.links)
    out = []
    for link in links:
        if link is None:
            continue
        if link.position == CONTENT:
            parsed = next(anchors, None)
            while parsed is not None and absolute(parsed.href, base) != link.destination:
                parsed = next(anchors, None)
            if parsed is None:
                continue                # inside a dropped part after all (e.g. a script)
            link = PageLink(link.destination, parsed.anchor, CONTENT, link.rel)
        out.append(link)
    return out


def absolute(href: str | None, base: str) -> str | None:
    """The link target as an absolute http(s) URL without #fragment; None for mailto:, javascript:, etc."""
    return _absolute((href or "").strip(), base)


@lru_cache(maxsize=1 << 14)
def _absolute(href: str, base: str) -> str | None:
    """absolute(), remembered: a page's links are resolved twice (every link, then the content's again, to
    match them), and urljoin with urlsplit was a third of a page's extraction."""
    if not href or href.startswith("#"):
        return None
    try:
        joined = urljoin(base, href)
        parts = urlsplit(joined)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return urlunsplit((parts.scheme, parts.netloc.lower(), browser_escaped(parts.path) or "/",
                       browser_escaped(parts.query), ""))


def _drop_scripts(element) -> None:
    for bad in element.xpath(".//script|.//style|.//noscript|.//template"):
        drop_tree(bad)
    for comment in element.xpath(".//comment()"):
        drop_tree(comment)


def inner_html(element) -> str:
    """The element's inner HTML (what a crawler's "Extract Inner HTML" gives)."""
    parts = [element.text or ""]
    parts.extend(lxml.html.tostring(child, encoding="unicode", with_tail=True) for child in element)
    return "".join(parts).strip()


def _parse_with_fallback(doc, base: str, page: ParsedPage) -> ParsedPage:
    """No rule matched: trafilatura's extraction tells where the main content is. The page's own element that
    holds it (`_element_holding`) is the main content, read as a rule's element is (its headings, its link lists
    and its own text as written; tables of contents and navigation inside it dropped): trafilatura's own output
    leaves out the headings and link lists it finds short and re-spaces inline code ("malloc ,"). When no single
    element holds it, trafilatura's output is the main content and a link is Content when trafilatura kept it."""
    import trafilatura  # imported on demand: most sites match a rule, and trafilatura is slow to import

    # no url=: trafilatura would resolve relative links against the site root, not the page (wrong)
    extracted = trafilatura.extract(lxml.html.tostring(doc, encoding="unicode"), output_format="html", include_links=True,
                                    include_tables=True, include_formatting=True, include_comments=False,
                                    favor_recall=True) or ""
    body = doc.find(".//body")
    if extracted:
        fragment = lxml.html.fragment_fromstring(extracted, create_parent="div")
        main = fragment.find(".//main") if fragment.find(".//main") is not None else fragment
        holder = _element_holding(body, _words(main))
        page.main_rule = "trafilatura"
        if holder is not None:
            page.h1 = _page_h1(doc, holder, page.title)
            return _parse_main(doc, holder, base, page, around=True)
        content_hrefs = {absolute(a.get("href"), base) for a in main.iter("a")}
    else:
        main, content_hrefs = body if body is not None else doc, None
        page.main_rule = "whole body"
    _drop_scripts(main)
    page.content = parse_element(main)
    page.body_html = inner_html(main)
    links = []
    for a in doc.iter("a"):
        link = _page_link(a, base, NAVIGATION)
        if link is None:
            continue
        position = _boilerplate_position(a, default=CONTENT)
        in_content = content_hrefs is None or link.destination in content_hrefs
        links.append(PageLink(link.destination, link.anchor, CONTENT if position == CONTENT and in_content
                              else (position if position != CONTENT else NAVIGATION), link.rel))
    page.links = links
    return page


def _words(element) -> Counter:
    """The words of an element's text (casefolded), scripts and styles left out."""
    found: Counter = Counter()
    for node in element.iter():
        if not isinstance(node.tag, str) or node.tag in _UNREAD_TAGS:
            if node is not element and node.tail:
                found.update(_WORD.findall(node.tail.casefold()))
            continue
        if node.text:
            found.update(_WORD.findall(node.text.casefold()))
        if node is not element and node.tail:
            found.update(_WORD.findall(node.tail.casefold()))
    return found


def _element_holding(body, wanted: Counter, share: float = 0.9):
    """The innermost element of the page holding `share` of the wanted words (trafilatura's extraction), None
    when the page's body does not: from <body> down, into the one child that still holds that share. An element
    holding the extraction and a little more (a heading, a list of links, a table of contents) is the content's
    container as the site wrote it; navigation around it (a header table of Prev / Up / Next) stays outside. The
    descent stops where it would leave an <h1> behind (trafilatura often leaves the page's heading out)."""
    total = sum(wanted.values())
    if body is None or not total or sum((_words(body) & wanted).values()) < share * total:
        return None
    element = body
    while True:
        children = [child for child in element if isinstance(child.tag, str) and child.tag not in _UNREAD_TAGS]
        if len(children) == 1 and not _WORD.search(" ".join(
                [element.text or "", *(child.tail or "" for child in element)])):
            inner = children[0]         # a wrapper: its one child holds all its words (no count, deep pages)
        else:
            inner = next((child for child in children if sum((_words(child) & wanted).values()) >= share * total),
                         None)
        if inner is None or _heading_before(element, inner):
            return element      # the page's own heading stays with its text
        element = inner


def _heading_before(element, child) -> bool:
    """Whether `child` holds no <h1> while an earlier part of `element` does, outside the page's frame and its
    navigation: the page's heading over the text of `child`."""
    if child.find(".//h1") is not None:
        return False
    for sibling in element:
        if sibling is child:
            return False
        for h1 in ([sibling] if sibling.tag == "h1" else sibling.iter("h1")) if isinstance(sibling.tag, str) else ():
            if not any(is_around(a) or a.tag == "nav" for a in [h1, *h1.iterancestors()]):
                return True
    return False
