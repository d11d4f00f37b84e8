"""The existing links an export's HTML holds, read as the site's links when no links file is given.

Why: a custom extraction of a page's HTML ("Extract HTML Element" / "Extract Inner HTML") keeps its <a> tags. With no
links file, those links were unknown: every page was suggested the links it already has (a shop of six pages, each
linking the next page by its title and naming it again further on: 6 of the 12 rows suggested a link the page
had), its linked words were open to new anchors, and the orphans before the suggestions were unknown. Read here as
a links file's rows are: resolved against the page's address and normalised as its pages' URLs are (through the
crawl's redirects), a link to another page of the crawl is an existing link in the content; a self link, a link
out of the crawl and a fragment keep their words as the page's linked text (no new anchor over them). A whole page's
frame (html._main_part) links too: a menu's link is a link the page has (Link Position "Navigation", as a links file
says it), its words no anchor the editors chose. A links file, when given, is the site's links and these are not read.
"""
from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urljoin

import pandas as pd

from inlink.site.errors import SiteDataError
from inlink.site.inlinks import LINK_COLUMNS, redirected
from inlink.site.urls import normalize_url

CONTENT = "Content"         # the Link Position of a link of the page's content
NAVIGATION = "Navigation"   # ... of a link of a whole page's frame, its menus, header or footer (html._main_part)


def links_in_html(pages: pd.DataFrame, redirects: Mapping[str, str]) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """(links between the crawl's pages: source, destination, anchor, position; the other links' words: source,
    anchor) from the pages' `html_links` column, or None when no page holds a link."""
    if "html_links" not in pages.columns or not pages["html_links"].notna().any():
        return None
    known = set(pages["url"])
    between, other = [], []
    for source, found in zip(pages["url"].tolist(), pages["html_links"].tolist()):
        for href, anchor, in_content in found or ():
            destination = _destination(source, href, redirects)
            if destination in known and destination != source:
                between.append((source, destination, anchor, CONTENT if in_content else NAVIGATION))
            elif anchor and in_content:   # a menu's words are no words of the content
                other.append((source, anchor))
    links = pd.DataFrame(between, columns=[*LINK_COLUMNS, "position"], dtype=object).drop_duplicates(
        ignore_index=True)
    linked_text = pd.DataFrame(other, columns=["source", "anchor"], dtype=object).drop_duplicates(ignore_index=True)
    return links, linked_text


def _destination(source: str, href: str, redirects: Mapping[str, str]) -> str | None:
    """The page a link's href names, as the crawl spells its URLs (None: no http(s) page, a fragment of the same
    page reads as the page itself)."""
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return source if href.startswith("#") else None
    try:
        return redirected(normalize_url(urljoin(source, href)), redirects)
    except (SiteDataError, ValueError):
        return None
