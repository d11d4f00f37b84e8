"""Fetching a site without <main>: a manual in the style of DocBook XSL output (invented text), served on 127.0.0.1.
Its pages have no <main>, no <article> and no well-known id: a Prev / Up / Home / Next table above and below the
chapter (<div><table class="nav">), a table of contents box, a numbered chapter heading ("2. Weaving on the Loom")
in an <h1>, inline code in running text and lists of links. Trafilatura finds where the text is; the page's own
element holding that text is the main content, so the heading, the link lists and the text as written stay, and
the navigation tables and the table of contents do not. Also: navigation named by a class inside a main element,
a page's frame (header, footer) around text that has no single container, bracketed tool links in a heading.
"""
from __future__ import annotations

import json

import pytest
from fetch_server import SiteServer

from inlink.fetch import dataset
from inlink.fetch.extract import CONTENT, parse_page
from inlink.tasks import fetch as fetch_task

FAST = {"rate_per_s": 0, "backoff_s": 0.05, "connections": 4}
CHAPTERS = [("intro.html", "1. Introduction"), ("loom.html", "2. Weaving on the Loom"),
            ("dyes.html", "3. Dyeing the Yarn")]
SECTION = ('<div class="sect1"><h2 class="title">{n}.{k}. {name}, part {k}</h2><p>The <code class="option">'
           '--{slug}</code>, and the <code>shuttle</code>, carry the weft across the warp. A weaver counts the picks '
           'per inch and keeps the beater square to the warp, so that the cloth stays even from one selvedge to '
           'the other. Read <a href="{other}">{other_name}</a> before you begin, because the yarn must be ready '
           'first.</p></div>')


def _nav(prev: str, next_: str, where: str) -> str:
    return (f'<div><table class="nav" width="100%" summary="Navigation {where}"><tr>'
            f'<td><a accesskey="p" href="{prev}">Prev</a></td><td><a accesskey="u" href="index.html">Up</a></td>'
            f'<td><a accesskey="h" href="index.html">Home</a></td><th>The Weaving Manual</th>'
            f'<td><a accesskey="n" href="{next_}">Next</a></td></tr></table></div>')


def _chapter(number: int) -> str:
    path, name = CHAPTERS[number]
    other_path, other_name = CHAPTERS[(number + 1) % len(CHAPTERS)]
    slug = name.split()[-1].lower()
    sections = "".join(SECTION.format(n=number + 1, k=k, name=name.split(". ")[1], slug=slug, other=other_path,
                                      other_name=other_name) for k in range(1, 4))
    toc = "".join(f'<dt><span class="sect1"><a href="{path}#s{k}">{number + 1}.{k}. {name.split(". ")[1]}, '
                  f'part {k}</a></span></dt>' for k in range(1, 4))
    return (f'<html><head><title>{name}</title></head><body>'
            f'{_nav(CHAPTERS[number - 1][0], other_path, "header")}'
            f'<div class="chapter"><div class="titlepage"><div><div><h1 class="title"><a name="c{number}"></a>'
            f'{name}</h1></div></div></div><div class="toc"><p><b>Table of Contents</b></p><dl class="toc">{toc}'
            f'</dl></div>{sections}<p>See also:</p><ul><li><a href="{other_path}">{other_name}</a></li>'
            f'<li><a href="index.html">The Weaving Manual</a></li></ul></div>'
            f'{_nav(CHAPTERS[number - 1][0], other_path, "footer")}</body></html>')


def _readme() -> str:
    """A chapter whose whole text is one block (a plain-text file set in a <div>): trafilatura leaves the heading
    out of its extraction."""
    lines = "<br>".join(f"Line {n} of the notes: wash the wool in warm water and dry it flat in the shade." for n in
                        range(12))
    return (f'<html><head><title>4. NOTES</title></head><body>{_nav("dyes.html", "intro.html", "header")}'
            f'<div class="chapter"><div class="titlepage"><div><div><h1 class="title">4. NOTES</h1></div></div>'
            f'</div><div class="literallayout"><p>{lines}</p></div></div>'
            f'{_nav("dyes.html", "intro.html", "footer")}</body></html>')


@pytest.fixture
def manual(tmp_path):
    root = tmp_path / "manual"
    root.mkdir()
    for number, (path, _) in enumerate(CHAPTERS):
        (root / path).write_text(_chapter(number), encoding="utf-8")
    (root / "notes.html").write_text(_readme(), encoding="utf-8")
    (root / "index.html").write_text(
        '<html><head><title>The Weaving Manual</title></head><body><div class="book"><div class="titlepage">'
        '<h1 class="title">The Weaving Manual</h1></div><div class="toc"><p><b>Table of Contents</b></p><dl>'
        + "".join(f'<dt><a href="{p}">{n}</a></dt>' for p, n in CHAPTERS) + "</dl></div></div></body></html>",
        encoding="utf-8")
    server = SiteServer(root).start()
    yield server
    server.stop()


def test_a_manual_page_without_main_is_its_chapter_element(manual):
    listing = "\n".join(manual.url(p) for p in ("index.html", "notes.html", *(p for p, _ in CHAPTERS))).encode()
    rows = fetch_task.run_fetch(listing, name="urls.txt", options=FAST).set_index("Address")
    loom = rows.loc[manual.url("loom.html")]
    text = loom["Content"]
    assert loom["H1-1"] == "2. Weaving on the Loom"
    assert text.startswith("2. Weaving on the Loom 2.1. Weaving on the Loom, part 1 The --loom, and the shuttle, ")
    for navigation in ("Prev", "Next", "Home", "Table of Contents"):      # the nav tables and the TOC box
        assert navigation not in text
    assert "See also: 3. Dyeing the Yarn The Weaving Manual" in text       # its own list of links stays
    # the heading of a chapter that is one block of text stays with it
    assert rows.loc[manual.url("notes.html"), "Content"].startswith("4. NOTES Line 0 of the notes: wash the wool")
    assert rows.loc[manual.url("index.html"), "Content"] == "The Weaving Manual"      # its TOC is navigation
    links = dataset.links_frame(rows.reset_index())
    content = set(zip(links.loc[links["Link Position"] == CONTENT, "Source"],
                      links.loc[links["Link Position"] == CONTENT, "Destination"]))
    assert {(manual.url("loom.html"), manual.url("dyes.html")),
            (manual.url("loom.html"), manual.url("index.html"))} <= content     # the "See also" list
    # the Prev / Up / Next links are navigation only: notes.html has no text link, intro.html only "See also"
    assert not {pair for pair in content if pair[0] == manual.url("notes.html")}
    assert {d for s, d in content if s == manual.url("intro.html")} == {manual.url("loom.html"),
                                                                        manual.url("index.html")}
    assert not {pair for pair in content if pair[0] == manual.url("index.html")}   # a TOC page: no text links


def test_navigation_named_by_its_class_inside_the_main_content_is_navigation():
    html = ('<html><head><title>Loom</title></head><body><div role="main"><h1>Loom</h1><p>Read about '
            '<a href="/dyes.html">dyes</a> first.</p><table class="nav"><tr><td><a href="/prev.html">Prev</a></td>'
            '</tr></table><ul class="pager"><li><a href="/next.html">Next</a></li></ul>'
            '<div class="navbar-wide"><a href="/x.html">Kept</a> text.</div></div></body></html>')
    page = parse_page(html, "https://example.com/loom.html")
    assert page.content.text == "Loom Read about dyes first. Kept text."     # a whole class token only
    positions = {link.anchor: link.position for link in page.links}
    assert positions == {"dyes": CONTENT, "Prev": "Navigation", "Next": "Navigation", "Kept": CONTENT}


def test_text_without_one_container_keeps_out_the_page_s_header_and_footer():
    """No element but <body> holds the text: the page's header, footer and sidebar stay out of it all the same."""
    words = " ".join(f"warp{n} weft{n} and a long thread of plain words for the reader" for n in range(30))
    html = (f'<html><head><title>Blog</title></head><body><header><h1>Threads</h1><a href="/">Home page</a></header>'
            f'<div><h2>Spinning</h2><p>{words}. See <a href="/dyes.html">dyes</a>.</p></div>'
            f'<div><p>{words} again, and <a href="/loom.html">the loom</a>.</p></div>'
            f'<aside><a href="/tags.html">All tags</a></aside><footer><a href="/contact.html">Contact us</a></footer>'
            f'</body></html>')
    page = parse_page(html, "https://example.com/spinning.html")
    assert page.main_rule == "trafilatura"
    assert page.content.text.startswith("Spinning warp0 weft0")
    for frame in ("Threads", "Home page", "All tags", "Contact us"):
        assert frame not in page.content.text
    positions = {link.anchor: link.position for link in page.links}
    assert positions["dyes"] == positions["the loom"] == CONTENT
    assert {positions["Home page"], positions["All tags"], positions["Contact us"]} == {"Navigation"}


@pytest.mark.parametrize("heading, want", [
    ('Stream<a class="srclink" href="https://example.org/stream.js">[src]</a>', "Stream"),
    ('History<span class="edit">[<a href="/edit?section=1">edit</a>]</span>', "History"),
    ('Rules<sup><a href="#note-1">[1]</a></sup>', "Rules"),
    ('Values <a href="/v.html">[1, 2]</a>', "Values"),
    ('Arrays <code>[1, 2, 3]</code>', "Arrays [1, 2, 3]"),            # brackets that are no link: the name
])
def test_a_bracketed_tool_link_in_a_heading_is_not_part_of_the_h1(heading, want):
    html = f"<html><head><title>Page</title></head><body><main><h1>{heading}</h1><p>Text.</p></main></body></html>"
    assert parse_page(html, "https://example.com/page").h1 == want


def test_text_under_many_wrappers_is_found_through_them():
    """Wrappers with one child and no text of their own are passed through without counting their words (a page
    nested 150 deep cost a count per level)."""
    words = " ".join(f"warp{n} and weft meet on the loom in an even weave" for n in range(40))
    html = ('<html><head><title>Deep</title></head><body><div><table class="nav"><tr><td><a href="/prev.html">Prev'
            '</a></td></tr></table></div>' + "<div>" * 150 + f'<h1>Deep weave</h1><p>{words}.</p>'
            f'<p>{words}, see <a href="/dyes.html">dyes</a>.</p>' + "</div>" * 150 + "</body></html>")
    page = parse_page(html, "https://example.com/deep.html")
    assert page.main_rule == "trafilatura"
    assert page.content.text.startswith("Deep weave warp0 and weft") and "Prev" not in page.content.text
    assert {link.anchor: link.position for link in page.links} == {"Prev": "Navigation", "dyes": CONTENT}
    assert page.h1 == "Deep weave"


def test_a_copy_of_a_site_whose_canonicals_name_the_public_site_keeps_its_pages_as_link_targets(tmp_path):
    """A staging or local copy of a site: each page's canonical names its public address on the site's own host
    (under another folder, too). Every page was "Canonicalised", so the copy had no link target at all. A canonical
    naming another page, of the copy or of the public site, still makes the page no target."""
    canonicals = {"index.html": "https://docs.example.org/",               # the home page: a home page
                  "loom.html": "https://docs.example.org/manual/loom.html",  # itself, in a folder of the public site
                  "guide/dyes.html": "https://docs.example.org/dyes.html",  # itself, the copy in a folder
                  "old-loom.html": "https://docs.example.org/manual/loom.html",  # another page: Canonicalised
                  "draft.html": "loom.html",                                # another page of the copy: Canonicalised
                  "spindle.html": "https://docs.example.org/manual/spindle.html?v=2"}  # another query: Canonicalised
    root = tmp_path / "copy"
    for path, canonical in canonicals.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(f'<html><head><title>{path}</title><link rel="canonical" href="{canonical}">'
                                 f'</head><body><main><h1>{path}</h1><p>Text of {path}.</p></main></body></html>',
                                 encoding="utf-8")
    server = SiteServer(root).start()
    try:
        rows = fetch_task.run_fetch("\n".join(server.url(p) for p in ["", *list(canonicals)[1:]]).encode(),
                                    name="urls.txt", options=FAST)
    finally:
        server.stop()
    status = dict(zip(rows["Address"], rows["Indexability Status"]))
    assert {path: status[server.url(path if path != "index.html" else "")] for path in canonicals} == {
        "index.html": "", "loom.html": "", "guide/dyes.html": "", "old-loom.html": "Canonicalised",
        "draft.html": "Canonicalised", "spindle.html": "Canonicalised"}


def test_a_site_fetched_over_http_whose_canonicals_say_https_keeps_its_pages_as_link_targets(tmp_path):
    """Every page of an http:// site naming its https:// address as canonical was "Canonicalised": no link target
    at all, and nothing said why. The same page under its preferred scheme is the page; another page is not."""
    root = tmp_path / "site"
    root.mkdir()
    server = SiteServer(root).start()
    secure = server.url("").replace("http://", "https://")
    canonicals = {"loom.html": secure + "loom.html", "dyes.html": secure + "dyes.html/",
                  "old-loom.html": secure + "loom.html"}
    for path, canonical in canonicals.items():
        (root / path).write_text(f'<html><head><title>{path}</title><link rel="canonical" href="{canonical}">'
                                 f'</head><body><main><h1>{path}</h1><p>Text of {path}.</p></main></body></html>',
                                 encoding="utf-8")
    try:
        rows = fetch_task.run_fetch("\n".join(server.url(p) for p in canonicals).encode(), name="urls.txt",
                                    options=FAST)
    finally:
        server.stop()
    status = dict(zip(rows["Address"], rows["Indexability Status"]))
    assert {path: status[server.url(path)] for path in canonicals} == {
        "loom.html": "", "dyes.html": "", "old-loom.html": "Canonicalised"}


def test_navigation_parts_are_found_outermost_and_the_walk_goes_on_after_each():
    """A table of contents holding a <nav> is one part; the content after it (up out of its parent), a comment, and
    a second part at the very end are each read as they stand; a part's tail text stays in the content."""
    html = ('<html><head><title>Loom</title></head><body><main><h1>Loom</h1><div><div class="toc">'
            '<nav><a href="/a.html">A</a></nav><a href="/b.html">B</a></div>after the box</div><!-- a note -->'
            '<p>Read about <a href="/dyes.html">dyes</a>.</p><section><ul class="pager"><li>'
            '<a href="/next.html">Next</a></li></ul></section></main></body></html>')
    page = parse_page(html, "https://example.com/loom.html")
    assert page.content.text == "Loom after the box Read about dyes."
    positions = {link.anchor: link.position for link in page.links}
    assert positions == {"A": "Navigation", "B": "Navigation", "dyes": CONTENT, "Next": "Navigation"}


def test_a_page_whose_address_holds_a_space_is_imported_with_the_links_to_it(tmp_path):
    """A URL list or a link naming "my page.html": the server was asked for my%20page.html (httpx escapes it) and
    answered, but the row kept the space, which the importer refuses ("is not a URL"): the page and every link to it
    were dropped from the analysis. Written as a browser sends it, the list's line and the link name one page."""
    from inlink.site.load import load_site

    root = tmp_path / "spaces"
    root.mkdir()
    (root / "my%20page.html").write_text('<html><head><title>My page</title><link rel="canonical" href="my page.html">'
                                         '</head><body><main><h1>My page</h1><p>Text of my page.</p></main></body>'
                                         '</html>', encoding="utf-8")
    (root / "index.html").write_text('<html><head><title>Home</title></head><body><main><h1>Home</h1><p>Read '
                                     '<a href="my page.html">my page</a> first.</p></main></body></html>',
                                     encoding="utf-8")
    server = SiteServer(root).start()
    try:
        rows = fetch_task.run_fetch(f"{server.url('index.html')}\n{server.url('my page.html')}\n".encode(),
                                    name="urls.txt", options=FAST)
    finally:
        server.stop()
    spaced = server.url("my%20page.html")
    assert rows["Address"].tolist() == [server.url("index.html"), spaced]
    assert rows["Status"].tolist() == ["OK", "OK"] and rows["Indexability Status"].tolist() == ["", ""]
    data = load_site(dataset.csv_bytes(dataset.pages_frame(rows)), dataset.csv_bytes(dataset.links_frame(rows)),
                     pages_name="pages.csv", links_name="links.csv")
    assert data.pages["url"].tolist() == [server.url("index.html"), spaced] and not data.report.dropped_rows
    assert list(zip(data.links["source"], data.links["destination"])) == [(server.url("index.html"), spaced)]


@pytest.mark.parametrize("address, canonical", [
    ("http://127.0.0.1:8000/caf%C3%A9", "/caf%c3%a9"),          # percent-encoding in lower case (WordPress)
    ("http://127.0.0.1:8000/caf%C3%A9", "/café"),               # the character as is
    ("http://127.0.0.1:8000/caf%C3%A9.html", "caf%C3%A9.html"),
    ("https://docs.example.org/a~b", "https://docs.example.org:443/a%7Eb"),   # a default port, "~" escaped
])
def test_a_canonical_naming_the_page_itself_in_another_spelling_keeps_it_a_link_target(address, canonical):
    """The canonical was compared with the address as written: the same URL spelled another way made the page
    "Canonicalised", no link target, though the importer reads the two as one URL. Another page's still is."""
    from inlink.fetch.client import FetchResult

    html = f'<html><head><title>T</title><link rel="canonical" href="{canonical}"></head><body><main><h1>T</h1>' \
           '<p>Text.</p></main></body></html>'
    row = dataset.page_row(FetchResult(address, address, 200, html=html), parse_page(html, address), None)
    assert (row["Indexability"], row["Indexability Status"]) == ("Indexable", "")
    other = html.replace(canonical, "/caf%C3%A9-2")
    row = dataset.page_row(FetchResult(address, address, 200, html=other), parse_page(other, address), None)
    assert row["Indexability Status"] == "Canonicalised"


@pytest.mark.parametrize("meta, header", [("index, follow", "none"), ("", "nofollow, none"), ("follow, none", "")])
def test_none_among_other_robots_directives_is_noindex(meta, header):
    """ "none" (noindex, nofollow) counted only as the first directive: a page whose meta says "index, follow" and
    whose server says X-Robots-Tag: none was Indexable."""
    from inlink.fetch.client import FetchResult

    url = "http://127.0.0.1:8000/page.html"
    html = f'<html><head><title>T</title><meta name="robots" content="{meta}"></head><body><main><h1>T</h1>' \
           '<p>Text.</p></main></body></html>'
    result = FetchResult(url, url, 200, html=html, robots_header=header)
    row = dataset.page_row(result, parse_page(html, url), None)
    assert (row["Indexability"], row["Indexability Status"]) == ("Non-Indexable", "noindex")


def test_a_page_nested_deeper_than_256_elements_keeps_its_text_in_the_fetch_and_the_import():
    """A legacy page whose <font> tags are never closed, one a line: past 256 nested elements libxml2 dropped the rest
    of the document, so the page was "OK", Indexable and without a word, in the fetch and again when its Body HTML 1
    was read by the importer."""
    from inlink.fetch.client import FetchResult
    from inlink.site.load import load_site

    url = "http://127.0.0.1:8000/legacy.html"
    lines = "".join(f'<font face="Arial">Line {n} of the old price list.<br>\n' for n in range(300))
    html = f"<html><head><title>Prices</title></head><body><main><h1>Prices</h1>{lines}</main></body></html>"
    row = dataset.page_row(FetchResult(url, url, 200, html=html), parse_page(html, url), None)
    assert row["Content"].endswith("Line 299 of the old price list.") and row["Word Count"] == 1 + 300 * 7
    import pandas as pd

    data = load_site(dataset.csv_bytes(dataset.pages_frame(pd.DataFrame([row]))), pages_name="pages.csv")
    assert data.pages["content"].iat[0].endswith("Line 299 of the old price list.")


def test_a_page_nested_3000_elements_deep_keeps_its_text_and_links_in_the_fetch_and_the_import(tmp_path):
    """Past 2,048 nested elements libxml2 stops the document, huge_tree or not: a page of 3,000 nested <div>s was
    "OK" with its text cut where the nesting passed 2,048 (the deepest sentence, the paragraph and the link after the
    nest, all gone). Elements deeper than a browser nests (512) are now put beside the deepest one, as Chromium
    does, so every word and link is kept."""
    from inlink.site.load import load_site

    root = tmp_path / "site"
    root.mkdir()
    nest = "<div>" * 3000 + "<p>The deepest sentence of the page.</p>" + "</div>" * 3000
    (root / "deep.html").write_text(
        f"<html><head><title>Deep</title></head><body><main><h1>Deep page</h1><p>Opening words.</p>{nest}"
        '<p>Closing words, see <a href="/contact.html">the contact page</a>.</p></main></body></html>')
    server = SiteServer(root).start()
    try:
        rows = fetch_task.run_fetch(server.url("deep.html").encode(), name="urls.txt", options=FAST)
    finally:
        server.stop()
    row = rows.iloc[0]
    text = "Deep page Opening words. The deepest sentence of the page. Closing words, see the contact page."
    assert (row["Status"], row["Content"]) == ("OK", text)
    assert json.loads(row["Links"]) == [[server.url("contact.html"), "the contact page", CONTENT, "true"]]
    data = load_site(dataset.csv_bytes(dataset.pages_frame(rows)), pages_name="pages.csv")
    assert data.pages["content"].iat[0] == text


def _fetched_with_heads(tmp_path, heads: dict[str, str]):
    """(the rows of a foreground fetch, its stopped server) of a served site of one small page per path, each with
    its own tags in its <head>."""
    root = tmp_path / "site"
    root.mkdir()
    for path, tags in heads.items():
        (root / path).write_text(f"<html><head><title>{path}</title>{tags}</head><body><main><h1>{path}</h1>"
                                 f"<p>Text of {path}.</p></main></body></html>", encoding="utf-8")
    server = SiteServer(root).start()
    try:
        return fetch_task.run_fetch("\n".join(server.url(p) for p in heads).encode(), name="urls.txt",
                                    options=FAST), server
    finally:
        server.stop()


def test_every_robots_meta_tag_counts_not_only_the_first(tmp_path):
    """A page whose theme writes <meta name="robots" content="index, follow"> and whose SEO plugin writes "noindex"
    after it: only the first tag was read, so the page was Indexable, a link target a search engine drops (it reads
    every tag and obeys the most restrictive). A googlebot tag after a robots one counted already."""
    rows, _ = _fetched_with_heads(tmp_path, {
        "two.html": '<meta name="robots" content="index, follow"><meta name="robots" content="noindex">',
        "blank.html": '<meta name="robots" content=""><meta name="robots" content="noindex, follow">',
        "open.html": '<meta name="robots" content="index"><meta name="robots" content="follow">'})
    assert [(row["Indexability Status"], row["Meta Robots 1"]) for _, row in rows.iterrows()] == [
        ("noindex", "index, follow, noindex"), ("noindex", "noindex, follow"), ("", "index, follow")]


def test_the_links_of_a_page_that_says_nofollow_are_not_followed(tmp_path):
    """The links file's Follow column read only each link's rel: every link of a page whose robots meta tag (or
    X-Robots-Tag) says nofollow or none was "true", though no crawler follows them (Screaming Frog writes false)."""
    link = '</head><body><main><p>See <a href="plain.html">the plain page</a> and <a href="a.html" rel="NoFollow">a</a>.'
    rows, _ = _fetched_with_heads(tmp_path, {"nofollow.html": '<meta name="robots" content="index, nofollow">' + link,
                                            "none.html": '<meta name="googlebot" content="none">' + link,
                                            "plain.html": link})
    links = dataset.links_frame(rows)
    follow = {(source.rsplit("/", 1)[1], target.rsplit("/", 1)[1]): value
              for source, target, value in zip(links["Source"], links["Destination"], links["Follow"])}
    assert follow == {("nofollow.html", "plain.html"): "false", ("nofollow.html", "a.html"): "false",
                      ("none.html", "plain.html"): "false", ("none.html", "a.html"): "false",
                      ("plain.html", "a.html"): "false"}


def test_two_canonical_tags_that_disagree_are_said_and_the_page_is_no_link_target(tmp_path):
    """A theme's <link rel="canonical"> naming the page and an SEO plugin's naming another page: only the first was
    read, so the page was Indexable with no word of the conflict (Google ignores such canonicals and picks one
    itself; Screaming Frog flags them). As with a tag and a Link header that disagree, the page is no link target
    and its Reason names both. Two tags naming the page itself spelled alike are one canonical."""
    rows, server = _fetched_with_heads(tmp_path, {
        "two.html": '<link rel="canonical" href="two.html"><link rel="canonical" href="plain.html">',
        "same.html": '<link rel="canonical" href="same.html"><link rel="canonical" href="/same.html">',
        "plain.html": ""})
    said = [(row["Indexability Status"], row["Canonical Link Element 1"], row["Reason"]) for _, row in rows.iterrows()]
    assert said == [
        ("Canonicalised", server.url("plain.html"), f"fetched; its canonicals disagree: the HTML tags name "
         f"{server.url('two.html')} and {server.url('plain.html')} (search engines may choose either)"),
        ("", server.url("same.html"), "fetched"), ("", "", "fetched")]


def test_a_canonical_in_the_body_is_ignored_as_google_ignores_it_but_a_robots_meta_tag_there_counts(tmp_path):
    """A <link rel="canonical"> naming another page inside <body> (a widget's), or after an <img> that ends the
    <head> (the parser, as Google's, moves it into the body), made the page "Canonicalised", no link target, though
    Google disregards a canonical outside the head and indexes the page. A robots meta tag in the body still counts:
    Google obeys it there. The Reason names a canonical tag search engines ignore (in the body, or naming no web
    address, as the python-docs pages' file:///usr/share/doc/...): the canonical column was blank, as for none."""
    root = tmp_path / "site"
    root.mkdir()
    heads = {"widget.html": ("", '<link rel="canonical" href="plain.html">'),
             "file.html": ('<link rel="canonical" href="file:///usr/share/doc/file.html">', ""),
             "img.html": ('<img src="pixel.gif"><link rel="canonical" href="plain.html">', ""),
             "head.html": ('<link rel="canonical" href="plain.html">', ""),
             "noindex.html": ("", '<meta name="robots" content="noindex">'), "plain.html": ("", "")}
    for path, (head, body) in heads.items():
        (root / path).write_text(f"<html><head><title>{path}</title>{head}</head><body><main><h1>{path}</h1>"
                                 f"<p>Text of {path}.</p>{body}</main></body></html>", encoding="utf-8")
    server = SiteServer(root).start()
    try:
        rows = fetch_task.run_fetch("\n".join(server.url(p) for p in heads).encode(), name="urls.txt", options=FAST)
    finally:
        server.stop()
    said = {address.rsplit("/", 1)[1]: (status, canonical) for address, status, canonical in
            zip(rows["Address"], rows["Indexability Status"], rows["Canonical Link Element 1"])}
    assert said == {"widget.html": ("", ""), "file.html": ("", ""), "img.html": ("", ""),
                    "head.html": ("Canonicalised", server.url("plain.html")), "noindex.html": ("noindex", ""),
                    "plain.html": ("", "")}
    body_note = f"its canonical tag naming {server.url('plain.html')} stands in the <body> (search engines ignore it)"
    reasons = dict(zip(rows["Address"].str.rsplit("/", n=1).str[1], rows["Reason"]))
    assert reasons == {"widget.html": f"fetched; {body_note}", "img.html": f"fetched; {body_note}",
                       "file.html": "fetched; its canonical tag names no web address, "
                                    "file:///usr/share/doc/file.html (search engines ignore it)",
                       "head.html": "fetched", "noindex.html": "fetched", "plain.html": "fetched"}


def test_a_canonical_given_in_the_http_link_header_counts_like_the_html_tag(tmp_path):
    """A canonical sent in a `Link: <url>; rel="canonical"` header was never read: the page it sends readers from
    stayed Indexable, a link target. It counts as the tag does; when the tag and the header name different pages,
    the page is no link target and its Reason says the two disagree."""
    root = tmp_path / "site"
    root.mkdir()
    pages = {"print.html": "", "own.html": "", "both.html": '<link rel="canonical" href="both.html">',
             "same.html": '<link rel="canonical" href="same.html">', "plain.html": ""}
    for path, tag in pages.items():
        (root / path).write_text(f'<html><head><title>{path}</title>{tag}</head><body><main><h1>{path}</h1>'
                                 f'<p>Text of {path}.</p></main></body></html>', encoding="utf-8")
    server = SiteServer(root).start()
    server.behaviour.headers = {"/print.html": {"Link": '</style.css>; rel="preload"; as="style", </plain.html>; '
                                                        'rel="canonical"'},
                                "/own.html": {"Link": f'<{server.url("own.html")}>; rel=canonical'},
                                "/both.html": {"Link": '</plain.html>; rel="canonical"'},
                                "/same.html": {"Link": '</same.html>; rel="canonical"'}}
    try:
        rows = fetch_task.run_fetch("\n".join(server.url(p) for p in pages).encode(), name="urls.txt", options=FAST)
    finally:
        server.stop()
    by_path = {address.rsplit("/", 1)[1]: row for address, row in zip(rows["Address"], rows.to_dict("records"))}
    assert {path: (row["Indexability"], row["Indexability Status"], row["Canonical Link Element 1"])
            for path, row in by_path.items()} == {
        "print.html": ("Non-Indexable", "Canonicalised", server.url("plain.html")),
        "own.html": ("Indexable", "", server.url("own.html")),
        "both.html": ("Non-Indexable", "Canonicalised", server.url("plain.html")),
        "same.html": ("Indexable", "", server.url("same.html")),
        "plain.html": ("Indexable", "", "")}
    assert "disagree" in by_path["both.html"]["Reason"] and server.url("both.html") in by_path["both.html"]["Reason"]
    assert by_path["same.html"]["Reason"] == "fetched"


def test_a_page_past_its_unavailable_after_date_is_no_link_target(tmp_path):
    """`unavailable_after: <date>` (meta tag or X-Robots-Tag, RFC 822 / RFC 850 / ISO 8601, as Google reads it) was
    not read: a page Google dropped from its results on that date stayed Indexable, a link target. A date to come,
    or one that cannot be read (Google ignores the rule then), leaves the page a target. A header whose date holds a
    comma ("Fri, 25 Jun 2010 15:00:00 GMT") read the time after it as a user agent's name, so the "noindex" after
    it counted for nothing."""
    root = tmp_path / "site"
    root.mkdir()
    metas = {"iso.html": "unavailable_after: 2001-09-21", "rfc850.html": "unavailable_after: 25-Aug-2007 15:00:00 EST",
             "future.html": "noarchive, unavailable_after: 2999-01-01", "bad.html": "unavailable_after: some day",
             "header.html": "", "both.html": "", "plain.html": "noarchive, nosnippet"}
    for path, content in metas.items():
        (root / path).write_text(f'<html><head><title>{path}</title><meta name="googlebot" content="{content}">'
                                 f'</head><body><main><h1>{path}</h1><p>Text of {path}.</p></main></body></html>',
                                 encoding="utf-8")
    server = SiteServer(root).start()
    server.behaviour.headers = {"/header.html": {"X-Robots-Tag": "unavailable_after: Fri, 25 Jun 2010 15:00:00 GMT"},
                                "/both.html": {"X-Robots-Tag": "unavailable_after: Fri, 25 Jun 2999 15:00:00 GMT, "
                                                               "noindex"}}
    try:
        rows = fetch_task.run_fetch("\n".join(server.url(p) for p in metas).encode(), name="urls.txt", options=FAST)
    finally:
        server.stop()
    status = {address.rsplit("/", 1)[1]: said for address, said in zip(rows["Address"], rows["Indexability Status"])}
    assert status == {"iso.html": dataset.UNAVAILABLE, "rfc850.html": dataset.UNAVAILABLE, "future.html": "",
                      "bad.html": "", "header.html": dataset.UNAVAILABLE, "both.html": "noindex", "plain.html": ""}
