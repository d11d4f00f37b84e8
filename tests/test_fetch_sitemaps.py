"""Sitemaps that do not read as they should, served on 127.0.0.1: one that redirects off the site, one cut short.
What was not read is named in the fetch report's notes; what could be read is still fetched."""
from __future__ import annotations

import pytest

from inlink.fetch.sitemap import SourceError
from inlink.tasks import fetch as fetch_task

pytest_plugins = ("fetch_fixtures",)   # the served site: fixtures `site_root` (session) and `site`
FAST = {"rate_per_s": 0, "backoff_s": 0.05, "connections": 4}
XML = "application/xml"


def _urlset(*urls: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(f"<url><loc>{url}</loc></url>" for url in urls) + "</urlset>").encode()


def _index(*urls: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(f"<sitemap><loc>{url}</loc></sitemap>" for url in urls) + "</sitemapindex>").encode()


def test_a_sitemap_redirecting_to_another_site_is_not_followed_and_is_named(site):
    """httpx followed a sitemap's redirects wherever they led: one moved to another host had that host's pages
    read as the site's, and nothing said so. A redirect on the site (here to /sitemap.xml) is followed; one off it is
    not requested, and the notes name it."""
    elsewhere = f"http://localhost:{site.port}/other.xml"      # another host, so another site
    b = site.behaviour
    b.sitemap_paths = ["library/json.html"]
    b.answers = {"/index.xml": (200, _index(site.url("moved.xml"), site.url("gone.xml")), XML),
                 "/other.xml": (200, _urlset(f"http://localhost:{site.port}/library/re.html"), XML)}
    b.redirects = {"/moved.xml": (301, "/sitemap.xml"), "/gone.xml": (302, elsewhere)}
    rows = fetch_task.run_fetch(site.url("index.xml"), options=FAST)
    assert rows["Address"].tolist() == [site.url("library/json.html")]
    assert b.seen.get("/other.xml") is None
    assert [note for note in rows.attrs["notes"] if "another site" in note] == [
        f"sitemap {site.url('gone.xml')} skipped: {site.url('gone.xml')} redirects to another site ({elsewhere}), "
        "which is not read"]
    with pytest.raises(SourceError, match=f"redirects to another site \\({elsewhere}\\)"):
        fetch_task.run_fetch(site.url("gone.xml"), options=FAST)
    assert b.seen.get("/other.xml") is None
