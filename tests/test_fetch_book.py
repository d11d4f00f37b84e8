"""Fetching a site of another style than the python docs: a generated online book (tests/fetch_book.py) served on
127.0.0.1. Its main content and in-content links read from <main> (the sidebar, the pager and the menu bar are
navigation); each page's H1 is its own heading, not the book's name of the menu bar; a meta refresh is a redirect;
print and noindex pages, and a page served under two addresses, are no link targets, and the fetch report says so.
"""
from __future__ import annotations

import io
import subprocess
import sys

import pandas as pd
import pytest

from fetch_book import BOOK, write_book
from fetch_server import Behaviour, SiteServer
from jobtasks import REPO

from inlink.fetch import dataset
from inlink.fetch.client import Fetcher, FetchSettings
from inlink.fetch.extract import CONTENT, parse_page
from inlink.fetch.sitemap import SourceError, read_source
from inlink.site.load import load_site
from inlink.tasks import fetch as fetch_task

FAST = {"rate_per_s": 0, "backoff_s": 0.05, "connections": 4}
MISSING = ["missing.html", *(f"distutils/old-{n}.html" for n in range(7))]   # 404, then 7 blocked by robots.txt


@pytest.fixture
def book(tmp_path):
    root = tmp_path / "book"
    paths = write_book(root)
    server = SiteServer(root).start()
    yield server, paths
    server.stop()


def _listing(server, paths) -> bytes:
    return "\n".join(server.url(path) for path in paths).encode()


def test_a_book_page_is_its_main_content_with_its_own_heading(book):
    server, paths = book
    rows = fetch_task.run_fetch(_listing(server, paths), name="urls.txt", options=FAST).set_index("Address")
    soil, compost, spade = (rows.loc[server.url(p)] for p in ("soil.html", "compost.html", "tools/spade.html"))
    # the book's name stands in an <h1> of the menu bar on every page; a section's heading is an <h2> of <main>
    assert (soil["H1-1"], compost["H1-1"], spade["H1-1"]) == ("Preparing the Soil", "Building a Compost Heap",
                                                            "Choosing a Spade")
    assert rows.loc[server.url(""), "H1-1"] == "Welcome"
    for text in (soil["Content"], compost["Content"], spade["Content"]):
        assert BOOK not in text and "Previous" not in text and "Next" not in text and "Print" not in text
    assert "Choosing a Spade" not in compost["Content"]      # the sidebar's chapter list is not the page's text
    assert "Test the soil in spring" in soil["Content"]      # a note, the code (hidden lines too), a table
    assert "hidden setup line" in soil["Content"] and "dig depth = 30 cm" in soil["Content"]
    assert "grass clippings" in compost["Content"] and "dry leaves" in compost["Content"]


def test_a_book_s_in_content_links_are_its_main_links_through_redirects_and_copies(book):
    server, paths = book
    rows = fetch_task.run_fetch(_listing(server, paths), name="urls.txt", options=FAST)
    links = dataset.links_frame(rows)
    content = {(s[len(server.base):], d[len(server.base):]) for s, d, position
               in zip(links["Source"], links["Destination"], links["Link Position"]) if position == CONTENT}
    book_pages = {"/", "/index.html", "/soil.html", "/compost.html", "/tools/spade.html"}
    assert {pair for pair in content if pair[0] in book_pages} == {
        ("/soil.html", "/compost.html"), ("/soil.html", "/tools/spade.html"),      # "./x" and "x/y" links
        ("/compost.html", "/soil.html"),                                          # "#fragment" dropped
        ("/tools/spade.html", "/soil.html"), ("/tools/spade.html", "/compost.html"),   # "../" links
        ("/", "/soil.html")}    # the home page (its copy index.html kept out) and its link to the moved page,
    #                             which leads on to soil.html (meta refresh): one link, not two; and the moved
    #                             page's own links stay its own (soil.html has no link to print.html)
    navigation = links.loc[links["Link Position"] != CONTENT]
    assert set(navigation["Anchor"]) >= {"Preparing the Soil", "Previous", "Next", "Print"}


def test_noindex_print_meta_refresh_and_copies_are_no_link_targets_and_said_so(book):
    server, paths = book
    rows = fetch_task.run_fetch(_listing(server, paths), name="urls.txt", options=FAST)
    pages = dataset.pages_frame(rows).set_index("Address")
    moved = pages.loc[server.url("old-soil.html")]
    assert (moved["Indexability"], moved["Indexability Status"], moved["Redirect URL"]) == (
        "Non-Indexable", "Redirected (meta refresh)", server.url("soil.html"))
    assert pages.loc[server.url("print.html"), "Indexability Status"] == "noindex"
    # the folder URL and its index.html are one page: the shorter address is kept, the other is a copy of it
    assert pages.loc[server.url("index.html"), "Indexability Status"] == f"Duplicate of {server.url('')}"
    assert pages.loc[server.url(""), "Indexability"] == "Indexable"
    site = load_site(io.BytesIO(dataset.csv_bytes(pages.reset_index())),
                     io.BytesIO(dataset.csv_bytes(dataset.links_frame(rows))), pages_name="pages.csv",
                     links_name="links.csv")
    targets = set(site.pages.loc[site.pages["is_target"], "url"])
    assert {server.url(p) for p in ("soil.html", "compost.html", "tools/spade.html")} <= targets
    assert not targets & {server.url(p) for p in ("index.html", "print.html", "old-soil.html")}


def test_the_fetch_report_groups_failures_and_names_the_pages_kept_out(book, tmp_path):
    server, paths = book
    listing = tmp_path / "urls.txt"
    listing.write_bytes(_listing(server, [*paths, *MISSING]))
    out_pages, out_links = tmp_path / "pages.csv", tmp_path / "links.csv"
    done = subprocess.run([sys.executable, str(REPO / "cli.py"), "fetch", str(listing), "--out-pages",
                           str(out_pages), "--out-links", str(out_links), "--rate", "0"],
                          capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    report = done.stderr                                          # a report, on stderr as the import report
    # one line per status with its reason once, a few URLs, and the 404 is not hidden behind the blocked pages
    assert "  Blocked by robots.txt, 7 pages: robots.txt disallows this URL for our user agent" in report
    assert "    ... and 2 more" in report and report.count("distutils/old-") == 5
    assert f"  HTTP error (404), 1 page: the server answered 404 Not Found\n    {server.url('missing.html')}" in report
    assert ("  fetched but kept out of link targets: 3 pages (duplicate 1, noindex 1, Redirected (meta refresh) 1)"
            in report)
    assert f"Redirected (meta refresh): {server.url('old-soil.html')} -> {server.url('soil.html')}" in report
    assert f"duplicate: {server.url('index.html')} -> {server.url('')}" in report
    # the pages file, written as the pages came, marks the copy found once every page was fetched
    written = pd.read_csv(out_pages, keep_default_na=False).set_index("Address")
    assert written.loc[server.url("index.html"), "Indexability Status"] == f"Duplicate of {server.url('')}"
    assert ["Address", *written.columns] == list(dataset.PAGE_COLUMNS)


def test_a_fetch_job_s_pages_file_marks_the_copies_too(book, manager):
    server, paths = book
    job = fetch_task.start_fetch(manager, _listing(server, paths), name="urls.txt", options=FAST)
    assert manager.wait(job, 60)["status"] == "completed"
    pages = pd.read_csv(io.BytesIO(fetch_task.pages_csv(manager, job)), keep_default_na=False).set_index("Address")
    assert pages.loc[server.url("index.html"), "Indexability Status"] == f"Duplicate of {server.url('')}"
    links = pd.read_csv(io.BytesIO(fetch_task.links_csv(manager, job)), keep_default_na=False)
    assert server.url("old-soil.html") not in set(links["Destination"])     # led on to soil.html


def test_a_print_page_repeating_the_chapters_is_no_link_target_without_its_noindex(tmp_path):
    root = tmp_path / "book"
    paths = write_book(root, print_noindex=False)
    server = SiteServer(root).start()
    try:
        rows = fetch_task.run_fetch(_listing(server, paths), name="urls.txt", options=FAST)
        slim = fetch_task.run_fetch(_listing(server, paths), name="urls.txt", options=FAST, on_row=lambda row: None)
    finally:
        server.stop()
    rules = dataset.site_rules(rows)          # full rows, and a foreground fetch's slim rows (Block Keys)
    assert rules == dataset.site_rules(slim)
    assert {address: why for address, why in rules.items() if why.startswith(dataset.COLLECTION)} == {
        server.url("print.html"): "Repeats the text of 3 other pages"}
    pages = dataset.pages_frame(rows).set_index("Address")
    assert pages.loc[server.url("print.html"), "Indexability Status"] == "Repeats the text of 3 other pages"
    assert (pages.loc[[server.url(p) for p in ("soil.html", "compost.html", "tools/spade.html")], "Indexability"]
            == "Indexable").all()       # the chapters it repeats stay targets


@pytest.mark.parametrize("stubs, lines, kept_out", [(6, 0, True), (5, 0, False), (6, 8, False)])
def test_pages_whose_only_text_is_on_many_other_pages_are_no_link_targets(tmp_path, stubs, lines, kept_out):
    """Stubs of an old edition under the chapters' titles, all with the same text: they took suggestions meant for
    the chapters. More than dataset.BOILERPLATE pages with the same text: a template, not a page's own text; but
    a page with 30 words or more of its own in short lines (a list of 8 four-word items) has text of its own."""
    root = tmp_path / "book"
    paths = write_book(root, old_edition=stubs, old_lines=lines)
    server = SiteServer(root).start()
    try:
        rows = fetch_task.run_fetch(_listing(server, paths), name="urls.txt", options=FAST)
    finally:
        server.stop()
    pages = dataset.pages_frame(rows).set_index("Address")
    old = pages.loc[[server.url(f"old/{n}.html") for n in range(stubs)], "Indexability Status"]
    assert set(old) == ({"No text of its own: its text is on 5 other pages"} if kept_out else {""})
    assert (pages.loc[[server.url(p) for p in ("soil.html", "compost.html", "tools/spade.html")], "Indexability"]
            == "Indexable").all()


@pytest.mark.parametrize("title, outside, main, want", [
    ("Choosing a Spade - Garden", "Garden", "<h2>Choosing a Spade</h2>", "Choosing a Spade"),
    ("Garden | A - Spades", "Garden", "<h2>Appendix A: Spades</h2>", "Appendix A: Spades"),
    # the <h1> outside <main> is the page's own name (the title starts with it): kept
    ("My Post - Blog", "My Post", "<h2>Intro</h2>", "My Post"),
    # the site's name, but <main>'s heading is not what the title names: kept (no better name)
    ("Working With Futures - Garden", "Garden", "<h3>Yielding</h3>", "Garden"),
    ("Garden", "Garden", "<h2>Intro</h2>", "Garden"),
    ("Soil - Garden", "Garden", "<h1>Soil care</h1><h2>Soil</h2>", "Soil care"),   # <main>'s own <h1> first
])
def test_the_h1_outside_the_main_content_is_the_site_s_name_only_when_the_title_says_so(title, outside, main,
                                                                                          want):
    html = (f"<html><head><title>{title}</title></head><body><header><h1>{outside}</h1></header>"
            f"<main>{main}<p>Some text.</p></main></body></html>")
    assert parse_page(html, "https://example.com/page").h1 == want


def test_a_text_sitemap_given_as_a_url_is_read(book):
    """The sitemap protocol's text form (one URL a line, as a site's sitemap.txt) was refused as "not an XML
    sitemap"."""
    server, paths = book
    (server.root / "sitemap.txt").write_bytes(_listing(server, paths[1:4]) + b"\n")
    with Fetcher(FetchSettings(**FAST), site=server.base) as fetcher:
        found = read_source(server.url("sitemap.txt"), fetcher)
    assert found.urls == [server.url(path) for path in paths[1:4]]


def test_a_sitemap_named_by_robots_txt_on_another_site_is_never_requested(tmp_path):
    """A copy of a site whose robots.txt names the public site's sitemap: the sitemap was requested from the
    public site (the internet, for a local copy)."""
    public = SiteServer(tmp_path, behaviour=Behaviour(no_sitemap=True)).start()
    root = tmp_path / "book"
    write_book(root)
    local = SiteServer(root, behaviour=Behaviour(no_sitemap=True, robots=f"User-agent: *\nDisallow:\n"
                                                                        f"Sitemap: {public.url('sitemap.xml')}\n"))
    local.start()
    try:
        with Fetcher(FetchSettings(**FAST), site=local.base) as fetcher, pytest.raises(SourceError) as refused:
            read_source(local.url("soil.html"), fetcher)
    finally:
        local.stop()
        public.stop()
    assert "names sitemaps on other sites only, not read: " + public.url("sitemap.xml") in str(refused.value)
    assert public.behaviour.log == []
