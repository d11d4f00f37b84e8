"""The fetcher against a real site on 127.0.0.1: politeness, every fault with its status and reason, sources,
charsets and full-page extraction."""
from __future__ import annotations

import codecs
import gzip
import io
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pandas as pd
import pytest

from fetch_server import Behaviour, SiteServer
from waiting import wait_for

from inlink.fetch import faults
from inlink.fetch.client import (
    FetchCancelled,
    Fetcher,
    FetchResult,
    FetchSettings,
    _Answer,
    parse_retry_after,
)
from inlink.fetch.decoding import decode_html
from inlink.fetch.extract import (
    CONTENT,
    FOOTER,
    HEADER,
    NAVIGATION,
    SIDEBAR,
    parse_page,
)
from inlink.fetch.sitemap import MAX_SITEMAP_BYTES, SourceError, read_sitemap, read_source
from inlink.fetch.urls import clean_url, host_key, same_site, site_root
from inlink.site.html import parse_fragment_tuples

REPO = Path(__file__).resolve().parents[1]

pytest_plugins = ("fetch_fixtures",)   # the served site: fixtures `site_root` (session) and `site`

FAST = {"rate_per_s": 0, "backoff_s": 0.05, "read_timeout": 5}


def fetcher_for(server, **options) -> Fetcher:
    return Fetcher(FetchSettings(**{**FAST, **options}), site=server.base)


@pytest.mark.parametrize("path, fault, status, reason_part", [
    ("library/json.html", faults.OK, 200, "fetched"),
    ("distutils/index.html", "robots_blocked", 0, "robots.txt disallows"),
    ("no-such-page.html", "http_error", 404, "404 Not Found"),
    ("loop/a.html", "redirect_loop", 302, "redirect loop"),
    ("to-ftp.html", "bad_scheme", 302, "non-http(s)"),
    ("binary.html", "binary", 200, "binary data"),
    ("huge.html", "too_large", 200, "larger than the 2,000,000-byte cap"),
    ("bad-gzip.html", "bad_encoding", 200, "does not unpack as its Content-Encoding says"),
    ("compress.html", "bad_encoding", 200, "compressed as 'compress', which was not asked for"),
    ("multiple-choices.html", "http_error", 300, "the server answered 300 Multiple Choices"),
    ("no-location.html", "bad_redirect", 301, "the server answered 301 without saying where to (no Location header)"),
    ("bad-location.html", "bad_redirect", 302, "the server answered 302, redirecting to an address that is no URL ('http://[::1')"),
    ("r503/library/os.html", faults.OK, 200, "fetched"),
    ("reset/library/os.html", faults.OK, 200, "fetched"),
])
def test_each_fault_gives_a_status_and_a_plain_reason(site, path, fault, status, reason_part):
    with fetcher_for(site, max_bytes=2_000_000) as fetcher:
        result = fetcher.fetch(site.url(path))
    assert (result.fault, result.status_code) == (fault, status), result
    assert reason_part in result.reason
    assert (result.html is not None) == (fault == faults.OK)
    if path.startswith(("r503/", "reset/")):
        assert result.attempts == 2          # retried once, then the page
    if path in ("bad-gzip.html", "bad-location.html"):   # were "Connection error" / "reset", asked 4 times
        assert result.attempts == 1


def test_a_page_cut_at_the_cap_has_the_same_reason_on_every_fetch(site):
    """Its reason named the bytes read when the stream was cut, which vary with the chunks the network gives: a
    resumed fetch job's dataset then differed from an uninterrupted one's (5,013,511 against 5,046,136 bytes)."""
    with fetcher_for(site, max_bytes=2_000_000) as fetcher:
        result = fetcher.fetch(site.url("huge.html"))
    assert result.reason == "the page is larger than the 2,000,000-byte cap (its download was stopped there)"


def test_a_redirect_is_followed_and_recorded(site):
    with fetcher_for(site) as fetcher:
        result = fetcher.fetch(site.url("moved/library/re.html"))
    assert result.ok and result.final_url == site.url("library/re.html")
    assert result.redirects == [(site.url("moved/library/re.html"), 301)]
    assert result.reason == "fetched after 1 redirect"     # not "1 redirect(s)"


def test_429_waits_for_retry_after_before_asking_again(site):
    with fetcher_for(site) as fetcher:
        result = fetcher.fetch(site.url("r429/library/os.html"))
    assert result.ok and result.attempts == 2
    times = [t for path, _, t in site.behaviour.log if path == "/r429/library/os.html"]
    assert len(times) == 2 and times[1] - times[0] >= 0.95       # Retry-After: 1


def test_a_retry_after_longer_than_allowed_is_said_in_the_reason(site):
    """The page is given up at once, but its reason said only "the server answered 429 Too Many Requests": the note
    saying why it was not asked again was written over."""
    with fetcher_for(site, max_wait_s=0.5) as fetcher:
        result = fetcher.fetch(site.url("r429/library/os.html"))
    assert (result.fault, result.status_code, result.attempts) == ("http_error", 429, 1)
    assert result.reason == ("the server answered 429 Too Many Requests (it asked to wait 1 s before asking again, "
                             "more than the 0.5 s allowed)")


def test_an_x_robots_tag_for_another_crawler_does_not_make_the_page_noindex(site):
    """ "X-Robots-Tag: otherbot: noindex, nofollow" made the page noindex (no link target), though Google indexes it;
    "googlebot: none" counted for nothing."""
    from inlink.tasks.fetch import fetched_rows

    with fetcher_for(site) as fetcher:
        other, google = (fetcher.fetch(site.url(f"{prefix}/library/json.html"))
                         for prefix in ("xrobots-otherbot", "xrobots-googlebot"))
    assert (other.robots_header, google.robots_header) == ("max-snippet: 20", "none")
    assert [fetched_rows(result, site.base)[-1]["Indexability Status"] for result in (other, google)] == ["", "noindex"]


def test_retry_after_as_seconds_or_http_date():
    assert parse_retry_after("7") == 7.0
    assert 50 < parse_retry_after(time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 60))) <= 60
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_a_slow_server_times_out_with_a_reason(site):
    site.behaviour.slow_s = 3
    with fetcher_for(site, read_timeout=0.3, retries=0) as fetcher:
        result = fetcher.fetch(site.url("slow/library/os.html"))
    assert result.fault == "timeout" and "timed out" in result.reason


def test_a_page_given_up_after_its_retries_says_how_many_times_it_was_asked(site):
    """A 500 or a timeout read "the server answered 500 Internal Server Error" whether it came once or on every one of
    four attempts: an analyst could not tell a passing hiccup (fetch again) from a page that is broken."""
    site.behaviour.slow_s = 3
    site.behaviour.answers = {"/broken.html": (500, b"<html><body>oops</body></html>", "text/html")}
    with fetcher_for(site, read_timeout=0.3, retries=2, backoff_s=0.01) as fetcher:
        broken, slow = fetcher.fetch(site.url("broken.html")), fetcher.fetch(site.url("slow/library/os.html"))
        once = fetcher.fetch(site.url("no-such-page.html"))
    assert (broken.status_code, broken.reason) == (500, "the server answered 500 Internal Server Error (after 3 attempts)")
    assert (slow.fault, slow.reason) == ("timeout", "timed out waiting for the answer (after 3 attempts)")
    assert (once.attempts, once.reason) == (1, "the server answered 404 Not Found")


def test_a_server_sending_a_page_byte_by_byte_is_given_up_after_three_read_timeouts(site):
    """httpx's read timeout is per read: a tarpit sending a byte every 50 ms held --timeout 2 for 31 s (an
    exploratory run). Not retried: the server is there, it is just slow."""
    site.behaviour.slow_s = 60
    # each read waits 0.05 s for its byte: a read timeout 20 times that holds on a busy machine too
    with fetcher_for(site, read_timeout=1.0, retries=3) as fetcher:
        result = fetcher.fetch(site.url("trickle/library/os.html"))
    assert (result.fault, result.attempts) == ("too_slow", 1)
    assert result.reason == "the page took over 3 s to arrive (a server sending it slowly)"


def fetched_within(fetcher, url: str, seconds: float):
    """The fetch of `url`, cancelled after `seconds`: a fetch that would hang fails the test (FetchCancelled)."""
    cancel = threading.Event()
    timer = threading.Timer(seconds, cancel.set)
    timer.start()
    try:
        return fetcher.fetch(url, cancel=cancel)
    finally:
        timer.cancel()


def test_a_robots_txt_sent_byte_by_byte_is_unavailable_after_the_deadline_a_page_has(site_root):
    """Only pages had the whole-exchange deadline: a robots.txt trickling a byte every 0.5 s held its page, and
    every page of the host waiting for its rules, for good (a review's tarpit). Past a page's deadline it is
    unavailable (RFC 9309: unreachable means disallow all), kept for the run: asked again page by page, each page
    waited the whole deadline in turn, and the job, its server answering, never paused."""
    behaviour = Behaviour(trickled=frozenset({"/robots.txt"}), slow_s=60,
                          robots="User-agent: *\nDisallow: /distutils/\n#" + "-" * 2000 + "\n")
    server = SiteServer(site_root, behaviour=behaviour).start()
    try:
        with fetcher_for(server, read_timeout=0.5, retries=0) as fetcher:   # each byte comes 0.05 s apart
            first = fetched_within(fetcher, server.url("library/json.html"), 20)
            second = fetched_within(fetcher, server.url("library/os.html"), 20)
    finally:
        server.stop()
    reason = ("robots.txt took over 1.5 s to arrive (a server sending it slowly): the site asks for nothing to be "
              "fetched until it answers")
    assert [(r.fault, r.status_code, r.reason) for r in (first, second)] == [("robots_unavailable", 0, reason)] * 2
    assert behaviour.seen["/robots.txt"] == 1 and "/library/json.html" not in behaviour.seen


def test_a_huge_robots_txt_is_read_up_to_its_cap_and_no_further(site_root):
    """robots.txt was read whole before being cut to MAX_ROBOTS_BYTES: 32 MiB of it were downloaded to keep
    500 KB. Its rules still hold, and the server sees the client hang up before the end."""
    behaviour = Behaviour(robots_padding=32 * 2 ** 20)
    server = SiteServer(site_root, behaviour=behaviour).start()
    try:
        with fetcher_for(server) as fetcher:
            allowed = fetched_within(fetcher, server.url("library/json.html"), 20)
            blocked = fetched_within(fetcher, server.url("distutils/index.html"), 20)
        wait_for(lambda: behaviour.robots_sent_whole is not None, 10, "the robots.txt answer to end")
    finally:
        server.stop()
    assert (allowed.fault, blocked.fault) == (faults.OK, "robots_blocked")
    assert behaviour.robots_sent_whole is False

def test_a_robots_txt_opening_with_a_byte_order_mark_keeps_its_first_group(site):
    """The mark was read as part of the first line ("\ufeffUser-agent: *"), so the group it opened was lost: every
    page it disallows was fetched, and a Sitemap line first named no sitemap (RFC 9309: the mark is ignored)."""
    site.behaviour.robots = "\ufeff" + site.behaviour.robots
    with fetcher_for(site) as fetcher:
        blocked = fetcher.fetch(site.url("distutils/index.html"))
    assert blocked.fault == "robots_blocked" and "/distutils/index.html" not in site.behaviour.seen
    site.behaviour.sitemap_paths = ["library/json.html", "library/os.html"]
    site.behaviour.robots = f"\ufeffSitemap: {site.url('sitemap_index.xml')}\nUser-agent: *\nDisallow: /distutils/\n"
    with fetcher_for(site) as fetcher:
        found = read_source(site.url("index.html"), fetcher)
    assert "sitemap_index.xml" in found.notes[0] and found.urls == [site.url("library/json.html"), site.url("library/os.html")]


def test_a_page_not_asked_because_its_robots_txt_was_cut_off_says_so(site):
    """A robots.txt whose connection dropped mid-answer gave the page a "Connection reset" row whose reason, "the
    connection was dropped mid-answer", spoke of the page, which was never asked for."""
    with fetcher_for(site) as fetcher:
        async def cut_off(url, max_bytes, what):
            raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")

        fetcher._robots._get = cut_off
        result = fetcher.fetch(site.url("library/json.html"))
    assert (result.fault, result.status_code) == ("connection_reset", 0)
    assert result.reason == ("its site's robots.txt could not be read: the connection was dropped mid-answer (peer "
                             "closed connection without sending complete message body)")
    assert "/library/json.html" not in site.behaviour.seen


def test_refused_connection_and_tls_error_are_named(site):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    with Fetcher(FetchSettings(**FAST, retries=0, same_site_only=False)) as fetcher:
        refused = fetcher.fetch(f"http://127.0.0.1:{closed_port}/page.html")
        tls = fetcher.fetch(f"https://127.0.0.1:{site.port}/library/json.html")   # TLS to a plain HTTP server
    assert refused.fault == "connection_refused" and "refused" in refused.reason
    assert tls.fault == "tls_error" and "TLS" in tls.reason


def test_dns_failure_is_named():
    import socket as sk
    error = httpx.ConnectError("[Errno -2] Name or service not known")
    error.__cause__ = sk.gaierror(-2, "Name or service not known")
    assert faults.classify_exception(error)[0] == "dns_error"


def test_polite_limits_per_host_are_kept(site, releases):
    """At most 2 requests in flight at the server, and requests let go at most 10 a second. The rate is read
    where the client lets each request go (the pacer), not from the server's log: a loaded machine can run the
    server's first handler late and squeeze the times it logs, which proves nothing about the client."""
    urls = [site.url(p) for p in ("library/json.html", "library/os.html", "library/re.html", "library/sys.html",
                                 "library/io.html", "library/csv.html")]
    site.behaviour.latency_s = 0.1
    with fetcher_for(site, connections=2, rate_per_s=10) as fetcher:
        threads = [threading.Thread(target=fetcher.fetch, args=(u,)) for u in urls]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert site.behaviour.max_in_flight <= 2
    released = sorted(at for _host, _interval, at in releases)
    assert len(released) >= len(urls)
    gaps = [later - earlier for earlier, later in zip(released, released[1:])]
    assert min(gaps) >= 0.1 - 0.005                                     # 10 requests/s at most


def test_no_cookies_and_a_user_agent_naming_the_tool(site):
    with fetcher_for(site) as fetcher:
        fetcher.fetch(site.url("cookie/library/json.html"))
        fetcher.fetch(site.url("library/json.html"))
    headers = [h for path, h, _ in site.behaviour.log if path.endswith("json.html")]
    assert all("Cookie" not in h and "cookie" not in h for h in headers)
    assert all("InLinkProspector" in h["User-Agent"] for h in headers)


def test_off_site_urls_and_redirects_are_not_followed(site):
    with fetcher_for(site) as fetcher:
        result = fetcher.fetch("http://example.com/page.html")
    assert result.fault == "offsite"
    assert not [p for p, _, _ in site.behaviour.log if "example" in p]


def test_a_fetch_is_cancelled_at_once_while_the_server_is_slow(site):
    site.behaviour.slow_s = 30
    cancel = threading.Event()
    with fetcher_for(site) as fetcher:
        outcome = {}

        def run():
            try:
                fetcher.fetch(site.url("slow/library/os.html"), cancel=cancel)
            except FetchCancelled:
                outcome["cancelled"] = time.monotonic()
        worker = threading.Thread(target=run)
        worker.start()
        wait_for(lambda: any(p.startswith("/slow/") for p, _, _ in site.behaviour.log), 10, "the request")
        asked = time.monotonic()
        cancel.set()
        worker.join(5)
    assert outcome["cancelled"] - asked < 1.0


def test_a_fetcher_closed_after_a_cancelled_fetch_leaves_no_task_behind(monkeypatch):
    """A job paused or stopped during a fetch closed its fetcher while the cancelled fetch was still closing its
    request: the loop stopped with the task pending, and the worker's output showed "Task was destroyed but it is
    pending!" with the task's repr when it was collected. Here closing the request takes a moment, as it may."""
    import asyncio

    asked = threading.Event()

    async def exchange(self, url):
        try:
            asked.set()
            await asyncio.Event().wait()          # a server that never answers
        finally:
            await asyncio.sleep(0.2)              # closing the request

    monkeypatch.setattr(Fetcher, "_exchange", exchange)
    cancel = threading.Event()
    fetcher = Fetcher(FetchSettings(**FAST, respect_robots=False))
    worker = threading.Thread(target=lambda: pytest.raises(FetchCancelled, fetcher.fetch, "http://127.0.0.1:9/x",
                                                           cancel=cancel))
    worker.start()
    assert asked.wait(5)
    cancel.set()
    worker.join(5)
    fetcher.close()
    assert not worker.is_alive() and not [task for task in asyncio.all_tasks(fetcher._loop) if not task.done()]


# -- sources ------------------------------------------------------------------------------------------------
def test_sitemap_index_with_a_gzipped_sitemap(site):
    site.behaviour.sitemap_paths = ["library/json.html", "library/os.html", "tutorial/index.html",
                                    "library/json.html"]
    with fetcher_for(site) as fetcher:
        found = read_source(site.url("sitemap_index.xml"), fetcher)
    assert found.urls == [site.url("library/json.html"), site.url("library/os.html"),
                          site.url("tutorial/index.html")]
    assert found.site == site.base                     # the sitemap's site, not the sitemap's own URL


class MappedSite:
    """A fetcher's get_bytes over a dict of URL -> body (404 for the rest): sitemap reading without a network."""

    def __init__(self, bodies: dict[str, bytes]):
        self.bodies = bodies

    def get_bytes(self, url: str, max_bytes: int = 0, cut_ok: bool = False) -> tuple[int, bytes, str]:
        return (200, self.bodies[url], url) if url in self.bodies else (404, b"", url)


def _urlset(urls) -> bytes:
    return ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(f"<url><loc>{url}</loc></url>" for url in urls) + "</urlset>").encode()


@pytest.mark.parametrize("child, why", [(b"<!doctype html><html><body>Not found</body></html>", "not a sitemap: this is a web page"),
                                        (b"\x00\x01garbage", "not an XML sitemap")])
def test_a_sitemap_index_child_that_is_no_sitemap_is_skipped_with_a_note(child, why):
    """A child answering 200 with a web page (a soft 404) or garbage raised out of the whole index: every URL the
    other sitemaps held was lost, where a child answering 404 was skipped with a note."""
    index = ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             "<sitemap><loc>https://a.example/s1.xml</loc></sitemap>"
             "<sitemap><loc>https://a.example/s2.xml</loc></sitemap></sitemapindex>").encode()
    pages = [f"https://a.example/p{i}" for i in range(3)]
    site = MappedSite({"https://a.example/index.xml": index, "https://a.example/s1.xml": _urlset(pages),
                       "https://a.example/s2.xml": child})
    found = read_source("https://a.example/index.xml", site)
    assert found.urls == pages
    assert [note.split(": ", 1)[0] for note in found.notes] == ["sitemap https://a.example/s2.xml skipped"]
    assert why in found.notes[0]   # a lower-case "<!doctype html>" read as "not an XML sitemap"
    with pytest.raises(SourceError, match=f"s2.xml: {why}"):   # the sitemap given stays fatal
        read_source("https://a.example/s2.xml", site)


def test_hosts_are_compared_in_the_importers_form():
    """Hosts were compared as written: a sitemap named by "bücher.de" refused its own pages listed on
    "xn--bcher-kva.de", a redirect there was "redirect_offsite", "a.com:443" was another site than "a.com", and
    clean_url dropped an IPv6 address's brackets ("http://::1:8080/x", no URL at all)."""
    assert clean_url("http://[::1]:8080/x") == "http://[::1]:8080/x"
    assert clean_url("HTTPS://bob:pw@Bücher.de:443/a?b=1#c") == "https://xn--bcher-kva.de/a?b=1"
    assert clean_url("http://a.example:80/x/") == "http://a.example/x/"          # the path as given
    assert same_site("https://www.bücher.de/x", "https://xn--bcher-kva.de") and same_site(
        "https://a.example:443/x", "https://a.example")
    assert not same_site("https://a.example:8443/x", "https://a.example")
    assert host_key("http://[::1]:80/x") == "[::1]" and site_root("https://bücher.de/s.xml") == \
        "https://xn--bcher-kva.de"
    pages = ["https://xn--bcher-kva.de/a", "https://xn--bcher-kva.de/b"]
    found = read_source("https://bücher.de/sitemap.xml", MappedSite({"https://bücher.de/sitemap.xml": _urlset(pages)}))
    assert (found.urls, found.notes) == (pages, [])
    with Fetcher(FetchSettings(**FAST), site="https://bücher.de") as fetcher:   # no request: the redirect's rule
        result = FetchResult(url=pages[0], final_url=pages[0])
        moved = _Answer(301, httpx.Headers({"Location": "https://xn--bcher-kva.de/b"}))
        assert fetcher._redirect_target(pages[0], moved, result, {pages[0]}) == pages[1], result.reason


def test_a_url_holding_a_control_character_gets_its_row_and_the_fetch_goes_on(site):
    """A stray control character in a URL list ("json\x01.html"): httpx refused the request (InvalidURL), which ended a
    foreground fetch with no file and failed a fetch job at that URL, again on every resume. Escaped as a browser
    escapes it, the server is asked and answers; a host holding one is no URL. A URL httpx still refuses (longer
    than its 65,536 characters) is an "Invalid URL" row."""
    from inlink.tasks.fetch import run_fetch

    listed = [site.url("library/json.html"), site.url("library/js\x01on.html"), site.url("library/os.html"),
              site.url("a" * 70_000)]
    rows = run_fetch("\n".join(listed).encode(), name="urls.txt", options=FAST)
    assert list(zip(rows["Address"], rows["Status Code"])) == [
        (site.url("library/json.html"), 200), (site.url("library/js%01on.html"), 404), (site.url("library/os.html"), 200),
        (site.url("a" * 70_000), 0)]
    assert (rows["Status"].iat[3], rows["Reason"].iat[3]) == ("Invalid URL", "the URL cannot be requested (URL too long)")
    assert clean_url("http://a\x7fb.example/") is None and clean_url("http://a.example/x\x7f?q=a\x1fb") == \
        "http://a.example/x%7F?q=a%1Fb"


def test_the_site_of_a_source_is_its_scheme_and_host_not_its_first_url():
    """The fetch summary's site was the first URL given ("https://a.example/docs/intro"), shown as the site."""
    listed = read_source(b"https://www.a.example:8443/docs/intro?x=1\nhttps://www.a.example:8443/b\n", name="u.txt")
    assert listed.site == "https://www.a.example:8443"
    most = read_source(b"http://other.example/x\nhttp://b.example/1\nhttp://b.example/2\n", name="u.txt",
                       same_site_only=False)
    assert most.site == "http://b.example"             # the site most URLs are on
    assert site_root("HTTPS://Bob:pw@Docs.Example.com:443/en/sitemap.xml") == "https://docs.example.com"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig", "cp1252"])
def test_a_url_list_in_any_encoding_windows_saves_is_read(encoding):
    """Notepad's "Unicode" (UTF-16) list was read as UTF-8: one garbled line, "no http(s) URLs found"."""
    urls = ["https://a.example/caf%C3%A9", "https://a.example/b"]
    text = "# pages\r\n" + "\r\n".join(urls) + "\r\n"
    assert read_source(text.encode(encoding), name="urls.txt").urls == urls


def test_paths_in_a_url_list_are_read_on_its_site():
    """Analytics exports list pages as paths ("/blog/post"): among whole URLs they were skipped as "not an
    http(s) URL", and a list of paths alone said only "no http(s) URLs found"."""
    listed = read_source(b"https://a.example/x\n/library/re.html\n//cdn.example/y\n", name="urls.txt")
    assert listed.urls == ["https://a.example/x", "https://a.example/library/re.html"]
    assert "1 path without a host was read on a.example (e.g. /library/re.html -> https://a.example/library/" \
           "re.html)" in listed.notes
    assert any(note.startswith("1 line is not an http(s) URL") for note in listed.notes)   # //cdn: no path
    with pytest.raises(SourceError, match="give whole URLs"):
        read_source(b"/a\n/b\n", name="paths.txt")


def test_the_lines_skipped_from_a_url_list_are_named():
    """Skipped lines were shown with one example and no line number: in a list of thousands, which were they?"""
    text = "# exported\nhttps://a.example/x\n\nnot a url\n" + "".join(f"junk {i}\n" for i in range(6))
    assert read_source(text.encode(), name="urls.txt").notes == [
        "7 lines are not an http(s) URL and were skipped: lines 4, 5, 6, 7, 8 and 2 more (e.g. 'not a url')"]
    assert read_source(b"https://a.example/x\nftp://a.example/y\nmailto:me\n", name="urls.txt").notes == [
        "2 lines are not an http(s) URL and were skipped: lines 2 and 3 (e.g. 'ftp://a.example/y')"]
    with pytest.raises(SourceError, match="e.g. 'words' on line 2 is not one"):
        read_source(b"# nothing\nwords\n", name="urls.txt")


def test_urls_in_quotes_or_angle_brackets_are_read_and_a_text_opening_with_one_is_a_list():
    """A column copied from a crawler's CSV ("https://...") or URLs in angle brackets (<https://...>) were each "not an
    http(s) URL": the whole list refused. A sitemap answering such a text raised lxml's ValueError ("Invalid tag name
    'https:'"), no SourceError: a job failed on a class name, a foreground fetch on a bug."""
    from inlink.fetch.sitemap import read_sitemap

    listed = read_source(b'"Address"\n"https://a.example/x"\n<https://a.example/y>\n\'https://a.example/z\'\n',
                         name="pasted URLs")
    assert listed.urls == ["https://a.example/x", "https://a.example/y", "https://a.example/z"]
    assert listed.notes == ["1 line is not an http(s) URL and was skipped: line 1 ('Address')"]
    assert read_source(b"<https://a.example/y>\n", name="urls.txt").urls == ["https://a.example/y"]
    with pytest.raises(SourceError, match="^sitemap.xml: not an XML sitemap \\(it opens with <https:>"):
        read_sitemap(b"<https://a.example/y>\n", "sitemap.xml")


def test_a_long_list_reads_each_url_twice_at_most(monkeypatch):
    """Reading a list cleaned each URL seven times (its site asked again for the main site, and twice more to keep
    it or not): a sitemap of 50,000 URLs, the protocol's most, took 4 s before its job could start, and an index of
    ten of them 40 s."""
    from inlink.fetch import sitemap, urls

    calls = []

    def counted_clean_url(url, base=None):
        calls.append(url)
        return clean_url(url, base)

    clean_url = urls.clean_url
    monkeypatch.setattr(urls, "clean_url", counted_clean_url)
    monkeypatch.setattr(sitemap, "clean_url", counted_clean_url)
    listed = [f"https://www.a.example/p{n}" for n in range(1000)] + ["https://b.example/x"]
    found = read_source("\n".join(listed).encode(), name="urls.txt")
    assert len(found.urls) == 1000 and found.site == "https://www.a.example"
    assert len(calls) <= 2 * len(listed) + 10


def test_url_list_csv_and_xlsx_sources(site):
    urls = [site.url("library/json.html"), site.url("library/os.html")]
    listed = read_source(("# pages\n" + "\n".join(urls) + "\nhttp://other.example/x\nnot a url\n").encode(),
                         name="urls.txt")
    host = urls[0].split("/")[2]
    assert listed.urls == urls and sorted(listed.notes) == [   # the lines named: they were an example alone
        f"1 URL on other sites than {host} was skipped: line 4 (http://other.example/x)",
        "1 line is not an http(s) URL and was skipped: line 5 ('not a url')"]
    csv = pd.DataFrame({"Address": urls, "Title 1": ["a", "b"]}).to_csv(index=False).encode()
    assert read_source(csv, name="internal_html.csv").urls == urls
    buffer = io.BytesIO()
    pd.DataFrame({"URL": urls}).to_excel(buffer, index=False)
    assert read_source(buffer.getvalue(), name="export.xlsx").urls == urls
    with pytest.raises(SourceError, match="no URL column"):
        read_source(b"Name,Size\na,1\n", name="odd.csv")


def test_a_workbook_of_urls_is_read_from_its_first_worksheet_with_a_url_column():
    """A URL file that is a workbook opening on a notes sheet (the importer reads its crawl sheet) was refused:
    "no URL column found ...; headers are: Notes", and a fetch has no --sheet to pick another."""
    urls = ["https://a.example/x", "https://a.example/y"]
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer) as writer:
        pd.DataFrame({"Notes": ["exported on Monday"]}).to_excel(writer, sheet_name="Summary", index=False)
        pd.DataFrame({"Address": urls}).to_excel(writer, sheet_name="Internal HTML", index=False)
    found = read_source(buffer.getvalue(), name="crawl.xlsx")
    assert found.urls == urls
    assert found.notes == ['crawl.xlsx: URLs read from column "Address" of the worksheet "Internal HTML"']


@pytest.mark.parametrize("name, separator", [("internal_html.csv.gz", ","), ("crawl.tsv.gz", "\t")])
def test_a_gzipped_export_is_read_as_a_table_not_a_sitemap(name, separator):
    """A crawl.csv.gz (which the importer reads) was taken for a gzipped sitemap by its magic bytes and refused:
    "not an XML sitemap". A gzipped sitemap without a table's name is still read as one."""
    urls = ["https://a.example/x", "https://a.example/y"]
    export = pd.DataFrame({"Address": urls, "Title 1": ["X", "Y"]}).to_csv(index=False, sep=separator).encode()
    found = read_source(gzip.compress(export), name=name)
    assert found.urls == urls and found.notes == [f'{name}: URLs read from column "Address"']
    assert read_source(gzip.compress(_urlset(urls)), name="sitemap.xml.gz").urls == urls


def test_a_web_page_given_as_sitemap_leads_to_the_sites_sitemap(site):
    site.behaviour.sitemap_paths = ["library/json.html", "library/os.html"]
    with fetcher_for(site) as fetcher:
        found = read_source(site.url("index.html"), fetcher)
        assert found.urls == [site.url("library/json.html"), site.url("library/os.html")]
        assert "read the site's sitemap" in found.notes[0]
        site.behaviour.robots += f"Sitemap: {site.url('sitemap_index.xml')}\n"
    with fetcher_for(site) as fetcher:       # a fresh client: robots.txt is read again
        assert "sitemap_index.xml" in read_source(site.url("index.html"), fetcher).notes[0]


def test_a_robots_txt_that_answers_503_is_asked_again_and_one_that_keeps_failing_is_said_as_such(site_root):
    """One 503 of robots.txt at the start made every page of the site "Blocked by robots.txt" (an exploratory run):
    it is asked again as a page would be; one that keeps failing is no rule that disallows the page."""
    server = SiteServer(site_root, behaviour=Behaviour(robots_errors=1)).start()
    try:
        with fetcher_for(server) as fetcher:
            assert fetcher.fetch(server.url("library/json.html")).fault == "ok"
            assert fetcher.fetch(server.url("distutils/index.html")).fault == "robots_blocked"   # its rules hold
        assert server.behaviour.seen["/robots.txt"] == 2
    finally:
        server.stop()
    server = SiteServer(site_root, behaviour=Behaviour(robots_errors=1000)).start()
    try:
        with fetcher_for(server, retries=2) as fetcher:
            result = fetcher.fetch(server.url("library/json.html"))
        assert (result.fault, result.status_code) == ("robots_unavailable", 0)
        assert result.reason.startswith("robots.txt answered 503 (a server error): the site asks for nothing")
        assert server.behaviour.seen["/robots.txt"] == 3 and "/library/json.html" not in server.behaviour.seen
    finally:
        server.stop()

def test_a_sitemap_sent_byte_by_byte_is_given_up_after_the_deadline_a_page_has(site_root):
    """A sitemap trickling a byte every 0.5 s held the discovery of a fetch for good: it had httpx's per-read
    timeout only. Past the deadline it is a source that cannot be read, the server being there (no pause)."""
    behaviour = Behaviour(trickled=frozenset({"/sitemap.xml"}), slow_s=60, sitemap_paths=["library/json.html"] * 20)
    server = SiteServer(site_root, behaviour=behaviour).start()
    outcome = {}

    def read():
        try:
            read_source(server.url("sitemap.xml"), fetcher)
        except SourceError as exc:
            outcome["error"] = exc
    try:
        with fetcher_for(server, read_timeout=0.5, retries=0, max_bytes=MAX_SITEMAP_BYTES) as fetcher:
            reader = threading.Thread(target=read, daemon=True)   # (pages as large as a sitemap: a page's deadline)
            reader.start()
            reader.join(20)
            assert not reader.is_alive(), "the sitemap was still being read after 20 s"
    finally:
        server.stop()
    assert str(outcome["error"]) == (f"sitemap {server.url('sitemap.xml')}: the answer took over 1.5 s to arrive "
                                     "(a server sending it slowly)")
    assert not outcome["error"].unreachable


def test_the_site_down_probe_gives_up_on_a_home_page_sent_byte_by_byte(site_root):
    """The probe that tells "the site is down" from "this page is bad" read the whole home page with no deadline: a
    server sending it a byte now and then held the fetch job there for good. Its body is never read now (an answer
    says the server is there), and the exchange is bounded as a page's is."""
    behaviour = Behaviour(trickled=frozenset({"/"}), slow_s=60)
    server = SiteServer(site_root, behaviour=behaviour).start()
    answer = {}
    try:
        with fetcher_for(server, read_timeout=0.5, retries=0) as fetcher:
            prober = threading.Thread(target=lambda: answer.update(got=fetcher.probe(server.url("library/os.html"))),
                                      daemon=True)
            prober.start()
            prober.join(20)
            assert not prober.is_alive(), "the probe was still reading the home page after 20 s"
    finally:
        server.stop()
    assert answer["got"] == ("ok", "the server answered 200")


def test_a_sitemap_redirecting_in_a_loop_is_no_unreachable_site():
    """httpx's TooManyRedirects (a sitemap's: pages follow their redirects by hand) was a "connection_error", which
    counts as the site being unreachable: a fetch job paused as if the site were down."""
    code, reason = faults.classify_exception(httpx.TooManyRedirects("Exceeded maximum allowed redirects."))
    assert code == "too_many_redirects" and code not in faults.UNREACHABLE and "too many redirects" in reason


def test_a_sitemap_larger_than_a_page_may_be_gets_the_time_to_arrive(site_root):
    """A sitemap may hold 60 MB where a page holds 5: given a page's deadline, a large sitemap arriving steadily at
    under 1 MB/s was refused as too slow (a review's find). It gets as many times the time as it may be larger
    (here a page may hold 6 MB: ten times the time, where it took a little longer than a page's)."""
    behaviour = Behaviour(trickled=frozenset({"/sitemap.xml"}), slow_s=2, sitemap_paths=["library/json.html"] * 20)
    server = SiteServer(site_root, behaviour=behaviour).start()
    try:
        with fetcher_for(server, read_timeout=0.5, retries=0, max_bytes=6_000_000) as fetcher:
            found = read_source(server.url("sitemap.xml"), fetcher)
    finally:
        server.stop()
    assert found.urls == [server.url("library/json.html")]


def test_a_robots_txt_that_keeps_answering_429_is_unavailable_as_a_server_error_is(site_root):
    """A 429 robots.txt was taken as a 4xx, no rules: every page was fetched from a site asking for fewer requests.
    Google takes it as a 5xx: asked again, then nothing fetched."""
    behaviour = Behaviour(robots_errors=1000, robots_error_status=429)
    server = SiteServer(site_root, behaviour=behaviour).start()
    try:
        with fetcher_for(server, retries=2) as fetcher:
            result = fetcher.fetch(server.url("library/json.html"))
    finally:
        server.stop()
    assert (result.fault, result.status_code) == ("robots_unavailable", 0)
    assert result.reason == ("robots.txt answered 429 (too many requests): the site asks for nothing to be fetched "
                             "until it answers")
    assert behaviour.seen["/robots.txt"] == 3 and "/library/json.html" not in behaviour.seen


def test_a_robots_txt_redirecting_in_a_loop_fetches_nothing_and_is_asked_once_per_run(site_root):
    """httpx's TooManyRedirects escaped the robots.txt fetch: each page was a "connection_error" and asked robots.txt
    again, 21 requests a page. RFC 9309 (robots.py): a redirect loop means nothing is fetched, as a 5xx does."""
    behaviour = Behaviour(robots_redirects=True)
    server = SiteServer(site_root, behaviour=behaviour).start()

    def robots_requests() -> int:
        return sum(path.startswith("/robots.txt") for path, _, _ in behaviour.log)
    try:
        with fetcher_for(server, retries=0) as fetcher:
            results = [fetcher.fetch(server.url("library/json.html"))]
            asked = robots_requests()
            results += [fetcher.fetch(server.url(path)) for path in ("library/os.html", "library/re.html")]
    finally:
        server.stop()
    assert {(r.fault, r.status_code) for r in results} == {("robots_unavailable", 0)}
    assert results[0].reason == ("robots.txt redirected in a loop (too many redirects): the site asks for nothing "
                                 "to be fetched until it answers")
    assert 1 < asked == robots_requests()                      # one chain of redirects, not one a page
    assert not [path for path, _, _ in behaviour.log if path.startswith("/library/")]


def test_a_web_page_on_a_site_without_sitemap_is_refused(site_root):
    server = SiteServer(site_root, behaviour=Behaviour(no_sitemap=True)).start()
    try:
        with fetcher_for(server) as fetcher, pytest.raises(SourceError, match="names no sitemap"):
            read_source(server.url("library/json.html"), fetcher)
    finally:
        server.stop()


# -- charset ------------------------------------------------------------------------------------------------
def test_charset_from_header_then_meta_then_detection():
    latin = "<p>Café crème brûlée à la française, déjà vu</p>".encode("latin-1")
    assert decode_html(latin, "text/html; charset=ISO-8859-1")[0].startswith("<p>Café")
    meta = b'<meta charset="windows-1252">' + "<p>naïve</p>".encode("cp1252")
    assert "naïve" in decode_html(meta, "text/html")[0]
    text, encoding = decode_html(("<html><body><p>" + "Привет, как дела? " * 20 + "</p>").encode("cp1251"))
    assert "Привет" in text and encoding != "utf-8"
    # undeclared and read as well by windows-1250 as by windows-1252: the web's default wins ("Café crčme" before)
    french = "<html><head><title>Café crème</title></head><body><h1>Café crème</h1><p>Un café crème.</p>"
    assert decode_html(french.encode("latin-1"), "text/html") == (french, "cp1252")
    czech = "<p>Příliš žluťoučký kůň úpěl ďábelské ódy. Česká republika, Brno a Ostrava.</p>"
    assert decode_html(czech.encode("cp1250"), "text/html") == (czech, "cp1250")   # not where 1252 reads worse


@pytest.mark.parametrize("text", [
    "Le café est très chaud, déjà prêt à être servi à l'hôtel; où est la crème brûlée? Noël à Montréal.",
    "Bienvenue sur notre site. Nous proposons des services de qualité à nos clients depuis 1990, à Paris.",
    "Où se trouve la gare? Il faut traverser le pont, puis tourner à gauche après la boulangerie.",
    "Benvenuti nel nostro sito. La città è bellissima e il caffè è perché ci piace così.",
])
def test_an_undeclared_western_page_reads_as_windows_1252(text):
    """A page with no charset anywhere, saved in Latin-1 by an old editor: windows-1252 showed a little more chaos than
    windows-1257 or cp775 (the detection's guess) and lost the tie, so it read "qualitķ Ó nos clients", "trčs chaud,
    déją prźt"."""
    page = f"<!doctype html><html><head><title>T</title></head><body><main><h1>T</h1><p>{text}</p></main></body></html>"
    assert decode_html(page.encode("latin-1"), "text/html") == (page, "cp1252")


@pytest.mark.parametrize("language, encoding, text", [
    ("tr", "iso8859_9", "Şirketimiz 1990 yılında İstanbul'da kuruldu. Müşterilerimize güvenilir ve kaliteli hizmet "
                        "sunmayı amaçlıyoruz. Ürünlerimiz hakkında daha fazla bilgi için bizimle iletişime geçin."),
    ("lt", "cp1257", "Mūsų įmonė įkurta Vilniuje 1995 metais. Siūlome aukštos kokybės paslaugas klientams visoje "
                     "Lietuvoje. Žmonės čia dirba kiekvieną dieną, o šeštadieniais ir sekmadieniais ilsisi."),
    ("hu", "cp1250", "Cégünket 1992-ben alapították Budapesten. Ügyfeleinknek megbízható és minőségi szolgáltatást "
                     "nyújtunk. Munkatársaink minden nap szívesen segítenek önnek, hétfőtől péntekig."),
    ("hu-HU", "iso8859_2", "Termékeinkről további információt ezen az oldalon talál, hétfőtől péntekig."),
    # Slovenian's legacy default is ISO-8859-2, which reads windows-1250's "š" and "ž" as C1 controls: not text
    ("sl", "cp1250", "Naše podjetje je bilo ustanovljeno v Ljubljani leta 1991. Strankam po vsej Sloveniji nudimo "
                     "kakovostne storitve. Več informacij o izdelkih najdete na tej strani."),
])
def test_an_undeclared_page_that_says_its_language_reads_in_that_language_s_encoding(language, encoding, text):
    """Turkish, Lithuanian and Hungarian pages with no charset anywhere: windows-1252 decodes them without a fault and
    the detection ranks it as well, so they came out "Þirketimiz ... yýlýnda", "Mûsø ámonë", "hétfõtõl". The page's
    own <html lang> breaks the tie, as the default of a browser in that language does."""
    page = (f'<!doctype html><html lang="{language}"><head><title>T</title></head><body><main><h1>T</h1><p>{text}</p>'
            "</main></body></html>")
    decoded, _ = decode_html(page.encode(encoding), "text/html")
    assert decoded == page


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "text/html"])
def test_a_utf_8_page_with_a_stray_byte_stays_utf_8(content_type):
    """One byte that is no UTF-8 (a "\xa9" pasted from a Latin-1 file) sent a UTF-8 page, declared so, to the
    detection, which read it as hp_roman8: "cafûˋ est trû´s chaud". Browsers read it as UTF-8, the byte replaced."""
    text = "<html><body><main><p>" + "Le café est très chaud, déjà prêt à être servi. " * 20 + "</p><p>Copyright "
    body = text.encode() + b"\xa9 2024</p></main></body></html>"
    assert decode_html(body, content_type) == (text + "\ufffd 2024</p></main></body></html>", "utf-8")


def test_charset_in_the_order_browsers_choose_it():
    """WHATWG encoding sniffing: a byte-order mark outranks the header (a UTF-8 BOM under "charset=iso-8859-1"
    came out as "ï»¿CafÃ©"), and a <meta> naming UTF-16 on a page whose tag reads as ASCII means UTF-8 (the page was
    decoded as UTF-16: garbage); a meta naming an encoding in which ASCII is not itself is not trusted."""
    page = "<html><body><p>Café crème</p></body></html>"
    assert decode_html(codecs.BOM_UTF8 + page.encode(), "text/html; charset=iso-8859-1") == (page, "utf-8")
    assert decode_html(codecs.BOM_UTF16_LE + page.encode("utf-16-le"), "text/html; charset=utf-8") == (page,
                                                                                                     "utf-16-le")
    for declared in ("utf-16", "UTF-16LE", "utf-32"):
        marked = f'<html><head><meta charset="{declared}"></head><body><p>Our guide, café</p></body></html> '
        assert decode_html(marked.encode(), "text/html") == (marked, "utf-8")
    ebcdic = '<html><head><meta charset="cp500"></head><body><p>Plain words</p></body></html>'
    assert decode_html(ebcdic.encode(), "text/html") == (ebcdic, "utf-8")


def test_a_meta_naming_no_text_encoding_is_ignored_and_an_undefined_byte_spoils_nothing():
    """A review's finds: `<meta charset="hex">` (a codec of bytes, no text encoding) or "punycode" raised out of the
    fetch (LookupError: the foreground fetch wrote nothing, a job failed on the page again and again); one byte
    windows-1252 leaves undefined made a Latin-1-labelled page Latin-1 whole, its curly quotes control characters."""
    for name in ("hex", "zlib", "rot13", "punycode", "undefined"):
        page = f'<meta charset="{name}"><p>Plain words</p>'
        assert decode_html(page.encode(), "text/html") == (page, "utf-8")
    assert decode_html(b"<p>Plain</p>", "text/html; charset=undefined") == ("<p>Plain</p>", "utf-8")
    assert decode_html(b"<p>\x93Caf\xe9\x94 \x96 \x8d</p>", "text/html; charset=iso-8859-1") == \
        ("<p>“Café” – \x8d</p>", "cp1252")


def test_a_sitemap_listing_no_page_says_which_and_why(site):
    """An empty urlset, or an index whose sitemaps all failed, was "no http(s) URLs found": no sitemap named, and the
    notes saying why each of the index's sitemaps gave nothing were dropped."""
    index = site.url("sitemap_index.xml")     # lists /sitemap-1.xml.gz and /sitemap-2.xml: empty urlsets here
    with fetcher_for(site) as fetcher, pytest.raises(SourceError) as refused:
        read_source(index, fetcher)
    assert str(refused.value) == f"sitemap {index} lists no page URLs"
    with fetcher_for(site) as fetcher, pytest.raises(SourceError) as refused:
        served = fetcher.get_bytes
        fetcher.get_bytes = lambda url, most: (404, b"", url) if "/sitemap-" in url else served(url, most)
        read_source(index, fetcher)
    assert str(refused.value) == (f"sitemap {index} lists no page URLs (sitemap {site.url('sitemap-1.xml.gz')} "
                                  f"skipped: the server answered 404; sitemap {site.url('sitemap-2.xml')} skipped: "
                                  "the server answered 404)")


def test_the_entries_skipped_from_a_sitemap_are_no_lines():
    """A sitemap's <loc> that is no URL was counted as "1 line is not an http(s) URL", a sitemap having no lines."""
    sitemap = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>' \
              b'https://a.example/x</loc></url><url><loc>broken</loc></url></urlset>'
    assert read_source(sitemap, name="sitemap.xml").notes == [
        "1 entry is not an http(s) URL and was skipped (e.g. 'broken')"]


def test_the_images_and_alternates_a_sitemap_lists_with_its_pages_are_not_fetched_as_pages():
    """<image:loc> (an image sitemap's, inside each <url>: Yoast, Rank Math) was read as a page's <loc>: every image was
    fetched, a "Not HTML" row each."""
    sitemap = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"
        xmlns:xhtml="http://www.w3.org/1999/xhtml">
 <url><loc>https://a.example/post-1/</loc><image:image><image:loc>https://a.example/up/1.jpg</image:loc></image:image>
  <xhtml:link rel="alternate" hreflang="fr" href="https://a.example/fr/post-1/"/></url>
 <url><loc>https://a.example/post-2/</loc></url></urlset>"""
    assert read_sitemap(sitemap, "post-sitemap.xml") == ("urlset", ["https://a.example/post-1/",
                                                                    "https://a.example/post-2/"], "")


def test_a_sitemap_opening_with_many_comments_is_read_at_once():
    """The web-page test let a comment run past its own "-->": a sitemap opening with n comments took 2^n steps to
    be found no web page (24 comments: 18 s, the GIL held throughout)."""
    read = ("import sys; sys.path.insert(0, sys.argv[1]); from inlink.fetch.sitemap import read_sitemap; "
            "print(tuple(read_sitemap(b'<?xml version=\"1.0\"?>' + b'<!-- generated -->' * 200 + "
            "b'<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>https://a.example/x</loc></url>"
            "</urlset>', 's.xml')))")
    try:   # in a process of its own: a regular expression holds the GIL, so no thread here could give it up
        done = subprocess.run([sys.executable, "-c", read, str(REPO)], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("read_sitemap still running after 60 s")
    assert done.stdout.strip() == "('urlset', ['https://a.example/x'], '')", done.stderr
    with pytest.raises(SourceError, match="this is a web page"):
        read_sitemap(b"<!-- a --><!-- b --><!doctype html><html></html>", "p.html")


def test_a_utf_16_page_with_its_mark_is_read_not_refused_as_binary():
    """Its ASCII characters hold NUL bytes, so the binary test refused it before decode_html could read its mark."""
    from inlink.fetch.decoding import looks_binary

    page = "<html><body><p>Café crème</p></body></html>"
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        body = bom + page.encode(codec)
        assert not looks_binary(body) and decode_html(body, "text/html") == (page, codec)
    assert looks_binary(b"<html>\x00\x00 a NUL in a page without a mark") and looks_binary(b"\x89PNG\r\n\x1a\n")


def test_a_latin_1_or_ascii_label_reads_as_windows_1252_as_in_browsers():
    """WHATWG reads "iso-8859-1", "latin1" and "ascii" as windows-1252: a Windows editor's curly quotes and dashes
    saved under such a label came out as control characters ("\x93quoted\x94"). The five bytes windows-1252 leaves
    undefined still read (as Latin-1 reads them, as browsers do)."""
    quoted = "<p>“Quoted” – café</p>"
    for label in ("ISO-8859-1", "latin1", "us-ascii"):
        assert decode_html(quoted.encode("cp1252"), f"text/html; charset={label}") == (quoted, "cp1252")
    meta = '<meta charset="iso-8859-1"><p>“Quoted”</p>'
    assert decode_html(meta.encode("cp1252"), "text/html")[0] == meta
    assert decode_html(b"<p>\x81 caf\xe9</p>", "text/html; charset=iso-8859-1") == ("<p>\x81 café</p>", "cp1252")


# -- extraction ------------------------------------------------------------------------------------------------
def test_sphinx_page_content_and_link_positions(site_root):
    html = (site_root / "library" / "json.html").read_text(encoding="utf-8")
    page = parse_page(html, "http://127.0.0.1:1/library/json.html")
    assert page.main_rule == "role=main" and page.h1 == "json — JSON encoder and decoder"
    assert page.title.startswith("json — JSON") and "¶" not in page.content.text
    positions = {link.position for link in page.links}
    assert {CONTENT, NAVIGATION, FOOTER, SIDEBAR} <= positions
    for link in page.links:
        if link.position == CONTENT:
            assert link.anchor in page.content.text
    text, blocks, _code, _placeholders = parse_fragment_tuples(page.body_html)   # Body HTML 1, as the importer reads it
    assert text == page.content.text and blocks == page.content.block_tuples()


GENERIC = """<html><head><title>Shop</title><meta name="description" content="A shop">
<meta name="robots" content="noindex, follow"><link rel="canonical" href="/shop/"></head><body>
<header><a href="/">Home</a></header><nav><a href="/about">About</a></nav>
<main><h1>Our shop</h1><nav class="toc"><a href="#a">Jump</a><a href="/faq">FAQ</a></nav>
<p>Read the <a href="/guide">buying guide</a> first.</p><script>var a = "<a href='/x'>x</a>";</script></main>
<aside><a href="/related">Related</a></aside><footer><a href="/legal">Legal</a></footer></body></html>"""


def test_generic_page_positions_meta_and_noindex():
    page = parse_page(GENERIC, "https://shop.example/shop/")
    assert page.main_rule == "<main>" and page.noindex and page.canonical == "https://shop.example/shop/"
    assert page.description == "A shop" and page.h1 == "Our shop"
    assert page.content.text == "Our shop Read the buying guide first."
    where = {link.destination.rsplit("/", 1)[-1]: link.position for link in page.links}
    assert where == {"": HEADER, "about": NAVIGATION, "faq": NAVIGATION, "guide": CONTENT,
                     "related": SIDEBAR, "legal": FOOTER}


def test_no_rule_matches_then_trafilatura_decides():
    body = "".join(f"<p>Paragraph {i} about gardening tools and how to keep them sharp.</p>" for i in range(12))
    html = (f"<html><body><div class='menu'><a href='/a'>A</a></div><div class='x'>{body}"
            "<p>See <a href='/tools'>our tools</a>.</p></div></body></html>")
    page = parse_page(html, "https://g.example/p")
    assert page.main_rule == "trafilatura" and "Paragraph 3" in page.content.text
    where = {link.destination.rsplit("/", 1)[-1]: link.position for link in page.links}
    assert where == {"a": NAVIGATION, "tools": CONTENT}


def test_malformed_html_still_parses_and_empty_is_refused():
    page = parse_page("<html><body><main><p>Broken <b>markup <a href='/x'>link</main>", "https://m.example/")
    assert "Broken markup link" in page.content.text
    from inlink.fetch.extract import MalformedPage
    with pytest.raises(MalformedPage):
        parse_page("   ", "https://m.example/")


def test_server_restarts_on_the_same_port(site_root):
    server = SiteServer(site_root).start()
    port = server.port
    server.stop()
    again = SiteServer(site_root, port=port).start()
    try:
        with Fetcher(FetchSettings(**FAST), site=again.base) as fetcher:
            assert fetcher.fetch(again.url("library/json.html")).ok
    finally:
        again.stop()


def test_credentials_in_a_url_are_never_sent(site):
    with fetcher_for(site) as fetcher:
        result = fetcher.fetch(site.url("library/json.html").replace("http://", "http://user:secret@"))
    assert result.ok
    headers = [h for path, h, _ in site.behaviour.log if path == "/library/json.html"]
    assert headers and all("Authorization" not in h for h in headers)
