"""Sitemaps that do not read as they should, served on 127.0.0.1: one that redirects off the site, one cut short.
What was not read is named in the fetch report's notes; what could be read is still fetched."""
from __future__ import annotations

import gzip
import zlib

import pytest

from inlink.fetch.robots import MAX_ROBOTS_BYTES
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


def _gzip_cut(whole: bytes, kept: bytes, lost: bytes) -> bytes:
    """`whole` gzipped, cut where its unpacked data holds `kept` but not yet `lost`."""
    packed = gzip.compress(whole)
    for end in range(len(packed) - 1, 0, -1):
        held = zlib.decompressobj(wbits=31).decompress(packed[:end])
        if kept in held and lost not in held:
            return packed[:end]
    raise AssertionError("no such cut")


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


@pytest.mark.parametrize("gzipped", [False, True])
def test_a_sitemap_cut_short_is_read_up_to_the_cut_and_named(site, gzipped):
    """A sitemap cut short (a download or a generator that stopped midway) was read as far as it parsed, its last
    <loc>, cut midway, fetched as a wrong URL, and nothing said that the rest was missing. The pages before the cut
    are fetched, the cut entry is not, and the notes name the sitemap."""
    whole = _urlset(site.url("library/json.html"), site.url("library/re.html"), site.url("library/csv.html"))
    cut = whole[:whole.index(b"library/csv.html") + len(b"library/cs")]
    if gzipped:   # a gzip file cut short: what it holds up to the cut
        cut = _gzip_cut(whole, b"library/re.html</loc>", b"library/csv.html</loc>")
    name = "part.xml.gz" if gzipped else "part.xml"
    site.behaviour.answers = {"/index.xml": (200, _index(site.url(name), site.url("whole.xml")), XML),
                              f"/{name}": (200, cut, XML),
                              "/whole.xml": (200, _urlset(site.url("library/sys.html")), XML)}
    rows = fetch_task.run_fetch(site.url("index.xml"), options=FAST)
    assert rows["Address"].tolist() == [site.url(p) for p in ("library/json.html", "library/re.html",
                                                              "library/sys.html")]
    assert [note for note in rows.attrs["notes"] if "cut short" in note] == [
        f"sitemap {site.url(name)} is cut short (it ends before its closing </urlset>): only the 2 URLs before the cut are read"]
    assert not any(path.startswith("/library/cs") for path in site.behaviour.seen)


def test_a_sitemap_malformed_in_the_middle_is_read_past_its_fault_and_named(site):
    """An unescaped "&" in one entry: the forgiving parse reads on past it, as before, and the notes now say where
    the fault is."""
    body = _urlset(site.url("library/json.html"), site.url("library/re.html")).replace(b"json.html", b"json.html?a&b", 1)
    site.behaviour.answers = {"/bad.xml": (200, body, XML)}
    rows = fetch_task.run_fetch(site.url("bad.xml"), options=FAST)
    assert site.url("library/re.html") in rows["Address"].tolist()
    notes = [note for note in rows.attrs["notes"] if "malformed" in note]
    assert len(notes) == 1 and notes[0].startswith(f"sitemap {site.url('bad.xml')} is malformed (line 1, column ")
    assert notes[0].endswith("read past its faults, 2 URLs found")


def test_a_gzipped_text_sitemap_cut_short_drops_its_cut_last_line():
    """A text sitemap (one URL a line) gzipped and cut short: its last line, cut midway, is no URL of the site."""
    from inlink.fetch.sitemap import read_sitemap

    whole = b"".join(f"https://a.example/page-{n}\n".encode() for n in range(60))
    cut = _gzip_cut(whole, b"page-41\n", b"page-42\n")
    found = read_sitemap(cut, "sitemap.txt.gz")
    assert found.locs == [f"https://a.example/page-{n}" for n in range(42)]
    assert found.problem == "sitemap.txt.gz is cut short (its gzip data ends early): only the 42 URLs before the cut " \
                            "are read"


_PREFIXED = ('<sm:urlset xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9"><sm:url><sm:loc>https://a.example/x'
             '</sm:loc></sm:url><sm:url><sm:loc>https://a.example/y</sm:loc></sm:url></sm:urlset>')


@pytest.mark.parametrize("data", [
    b"\xef\xbb\xbf" + _urlset("https://a.example/x", "https://a.example/y"),             # a byte-order mark
    b"\xef\xbb\xbf\r\n" + _urlset("https://a.example/x", "https://a.example/y"),         # ... and a line break
    _urlset("https://a.example/x", "https://a.example/y").decode().replace('"UTF-8"', '"UTF-16"').encode("utf-16"),
    b"<!-- generated by a plugin -->\n" + _urlset("https://a.example/x", "https://a.example/y").split(b"?>", 1)[1],
    _PREFIXED.encode(),                                                                # a prefixed root
], ids=["bom", "bom-line-break", "utf-16", "comment-first", "prefixed-root"])
def test_a_sitemap_file_in_any_form_xml_allows_is_read_whole_as_a_sitemap(data):
    """A sitemap file (uploaded, or given by path) was taken for one only when it opened with "<?xml", "<urls" or
    "<site": with a byte-order mark, in UTF-16, opening with a comment or with a prefixed root, it was read as a URL
    list and refused ("no http(s) URLs found (e.g. '<?xml ...' on line 1 is not one)"); a BOM before a line break
    read as malformed. A URL list with a BOM stays a URL list, and a web page is named as one."""
    from inlink.fetch.sitemap import read_source

    found = read_source(data, name="sitemap.xml")
    assert found.urls == ["https://a.example/x", "https://a.example/y"] and found.notes == []
    assert read_source(b"\xef\xbb\xbfhttps://a.example/x\n", name="urls.txt").urls == ["https://a.example/x"]
    with pytest.raises(SourceError, match="urls.txt: not a sitemap: this is a web page"):
        read_source(b"\xef\xbb\xbf<!DOCTYPE html><html><body><a href='https://a.example/x'>x</a></body></html>",
                    name="urls.txt")


def test_the_sitemaps_a_robots_txt_names_are_read_on_its_address_and_named_when_they_fail(site):
    """A relative "Sitemap: /sitemap_index.xml" line was asked as it stood, refused as no http(s) URL, and /sitemap.xml
    read in its place; a robots.txt naming a sitemap that answers 404 had the fetch refused as "the site names no
    sitemap"; a sitemap URL answering 404 said nothing of the sitemap robots.txt names (a guessed /sitemap.xml on a
    site whose sitemap is elsewhere). The one named is not read in the place of the one given: it may be the whole
    site where a part was asked for."""
    b = site.behaviour
    b.sitemap_paths = ["library/json.html", "library/re.html"]
    b.answers = {"/sitemap.xml": (200, _urlset(site.url("glossary.html")), XML)}     # not the one robots.txt names
    b.robots = "User-agent: *\nSitemap: /sitemap_index.xml\n"
    found = fetch_task.run_fetch(site.url("/"), options=FAST)
    assert sorted(found["Address"]) == [site.url("library/json.html"), site.url("library/re.html")]
    assert found.attrs["notes"][0] == f"{site.url('/')} is a web page: read the site's sitemap " \
                                      f"{site.url('sitemap_index.xml')} instead"
    with pytest.raises(SourceError) as refused:
        fetch_task.run_fetch(site.url("wp-sitemap.xml"), options=FAST)
    assert str(refused.value) == (f"sitemap {site.url('wp-sitemap.xml')}: the server answered 404; the site's "
                                  f"robots.txt names the sitemap {site.url('sitemap_index.xml')}: give that URL")
    assert b.seen.get("/sitemap_index.xml") == 1                     # named, not read instead
    b.robots = f"User-agent: *\nSitemap: {site.url('gone.xml')}\n"
    with pytest.raises(SourceError) as refused:
        fetch_task.run_fetch(site.url("/"), options=FAST)
    assert str(refused.value) == (f"{site.url('/')}: not a sitemap: this is a web page, and the sitemaps its site's "
                                  f"robots.txt names cannot be read ({site.url('gone.xml')}: the server answered 404): "
                                  "give the sitemap URL or a list of page URLs")


@pytest.mark.parametrize("status", [429, 503, 0], ids=["429", "503", "connection-dropped"])
def test_a_sitemap_answering_429_or_503_is_asked_again_as_a_page_is(site, status):
    """A sitemap was asked once: one 429 of a rate limiter dropped a whole sitemap's URLs from an index ("skipped: the
    server answered 429") as did a connection dropped once, and a brief 503 of the sitemap given paused the job as if
    the site were down. It is asked again after the Retry-After (else a backoff), as a page or a robots.txt is; one
    that keeps refusing is still named."""
    b = site.behaviour
    b.sitemap_paths = ["library/json.html", "library/re.html"]
    b.answers = {"/index.xml": (200, _index(site.url("sitemap-1.xml.gz"), site.url("sitemap-2.xml")), XML)}
    b.busy = {"/sitemap-2.xml": (2, status), "/sitemap.xml": (1, status)}
    for given in ("index.xml", "sitemap.xml"):
        rows = fetch_task.run_fetch(site.url(given), options=FAST)
        assert sorted(rows["Address"]) == [site.url("library/json.html"), site.url("library/re.html")], given
        assert rows.attrs["notes"] == []
    assert (b.seen["/sitemap-2.xml"], b.seen["/sitemap.xml"]) == (3, 2)
    b.busy = {"/sitemap-2.xml": (100, status)}
    rows = fetch_task.run_fetch(site.url("index.xml"), options={**FAST, "retries": 1})
    [note] = rows.attrs["notes"]
    assert note.startswith(f"sitemap {site.url('sitemap-2.xml')} skipped: " + (
        f"the server answered {status}" if status else "the connection was dropped mid-answer ("))


def test_a_sitemap_whose_urls_are_all_on_another_site_fetches_the_pages_of_that_site(site):
    """A sitemap kept on another host than its pages (a CDN, a storage bucket: the protocol allows it when the site's
    robots.txt names it) was refused, "no URLs on the site ...: `cli.py fetch --all-sites` reads them too", an option
    the dashboard does not have. The site most of its URLs are on is read, said in a note; a third site's URLs are
    still skipped."""
    pages_site = f"http://localhost:{site.port}"                      # another host than 127.0.0.1: another site
    site.behaviour.answers = {"/bucket/sitemap.xml": (200, _urlset(
        f"{pages_site}/library/json.html", f"{pages_site}/library/re.html", "http://third.example/x"), XML)}
    rows = fetch_task.run_fetch(site.url("bucket/sitemap.xml"), options=FAST)
    assert sorted(rows["Address"]) == [f"{pages_site}/library/json.html", f"{pages_site}/library/re.html"]
    assert set(rows["Status"]) == {"OK"} and rows.attrs["site"] == pages_site
    assert rows.attrs["notes"] == [
        f"no URL of the sitemap is on its own site, 127.0.0.1:{site.port}: the pages listed on localhost:{site.port}, "
        "where most of them are, are fetched",
        f"1 URL on other sites than localhost:{site.port} was skipped (e.g. http://third.example/x)"]


NINE = ["library/json.html", "library/csv.html", "library/re.html", "library/string.html", "library/io.html",
        "library/functions.html", "library/stdtypes.html", "library/exceptions.html", "tutorial/index.html"]


def _three_sitemaps_of_three(site) -> None:
    """/index.xml lists /s1.xml, /s2.xml and /s3.xml, three page URLs each (NINE, in order)."""
    children = {f"/s{n}.xml": (200, _urlset(*(site.url(page) for page in NINE[3 * n - 3:3 * n])), XML)
                for n in (1, 2, 3)}
    site.behaviour.answers = {"/index.xml": (200, _index(*(site.url(path) for path in children)), XML), **children}


@pytest.mark.parametrize("cap, left", [
    (4, "2 more URLs of sitemap {s2} and 1 sitemap of the index"),   # stopped inside s2.xml
    (6, "1 sitemap of the index"),                                  # s2.xml read whole: s3.xml never asked for
    (9, None)])                                                     # all read: nothing to say
def test_a_sitemap_index_is_read_up_to_the_url_cap_and_what_was_left_is_said(site, cap, left):
    """Nothing capped the URLs a sitemap index lists across its sitemaps: an index may list 1,000 sitemaps of 50,000
    URLs each, and a hostile or broken one made a job of millions of pages, held in memory before the first. Reading
    stops at max_sitemap_urls; no sitemap more is asked for, and the notes say how many URLs were kept and what
    was left unread."""
    _three_sitemaps_of_three(site)
    rows = fetch_task.run_fetch(site.url("index.xml"), options={**FAST, "max_sitemap_urls": cap})
    assert rows["Address"].tolist() == [site.url(page) for page in NINE[:cap]]
    said = [note for note in rows.attrs["notes"] if "max_sitemap_urls" in note]
    assert said == ([] if left is None else [
        f"stopped reading sitemaps at {cap} page URLs, the most read from one sitemap and the sitemaps its index lists "
        f"(the fetch setting max_sitemap_urls): {left.format(s2=site.url('s2.xml'))} left unread"])
    assert (site.behaviour.seen.get("/s3.xml") is None) == (cap < 9)


def test_a_fetch_jobs_events_say_the_sitemap_url_cap_and_the_urls_kept(site, manager):
    _three_sitemaps_of_three(site)
    job = fetch_task.start_fetch(manager, site.url("index.xml"), options={**FAST, "max_sitemap_urls": 4})
    meta = manager.wait(job, 60)
    assert meta["status"] == "completed" and meta["total_items"] == 4, meta
    messages = [event["message"] for event in manager.events(job, limit=100)]
    assert any(message.startswith("stopped reading sitemaps at 4 page URLs") for message in messages), messages
    assert any(message.startswith("4 URLs to fetch from ") for message in messages), messages


def test_the_sitemap_url_cap_must_be_a_whole_number_of_one_or_more():
    from inlink.fetch.client import FetchSettings

    assert FetchSettings().max_sitemap_urls == 100_000
    with pytest.raises(ValueError, match="max_sitemap_urls must be at least 1, not 0"):
        FetchSettings.from_options({"max_sitemap_urls": 0})


FILE_NOTE = ("stopped reading the sitemap file at 4 page URLs, the most read from one sitemap file (the fetch "
             "setting max_sitemap_urls): 5 more URLs of {name} left unread")   # no index: none of its sitemaps named
NINE_URLS = [f"https://docs.example/{page}" for page in NINE]


@pytest.mark.parametrize("given", ["bytes", "path", "gzipped"])
def test_a_sitemap_file_is_read_up_to_the_url_cap_as_a_sitemap_url_is(tmp_path, given):
    """The cap on a sitemap's page URLs held for a sitemap URL only: the same sitemap uploaded, or given as a path,
    was read whole, a sitemap of millions of URLs a job of millions of pages."""
    from inlink.fetch.sitemap import read_source

    data = _urlset(*NINE_URLS)
    data = gzip.compress(data) if given == "gzipped" else data
    (tmp_path / "sitemap.xml").write_bytes(data)
    source = tmp_path / "sitemap.xml" if given == "path" else data
    found = read_source(source, name=None if given == "path" else "sitemap.xml", max_sitemap_urls=4)
    assert found.urls == NINE_URLS[:4]
    assert found.notes == [FILE_NOTE.format(name="sitemap.xml")]
    whole = read_source(source, name="sitemap.xml", max_sitemap_urls=9)
    assert whole.urls == NINE_URLS and whole.notes == []


def test_a_fetch_job_of_a_sitemap_file_keeps_the_capped_urls_and_says_so(manager):
    """start_fetch reads a file source at once (its URLs are the job's): the cap and its note hold there too."""
    said = []
    job = fetch_task.start_fetch(manager, _urlset(*NINE_URLS), name="sitemap.xml", on_note=said.append,
                                 options={"max_sitemap_urls": 4})
    assert said == [FILE_NOTE.format(name="sitemap.xml")]
    assert manager.get(job)["config"]["source"]["notes"] == said
    assert manager.get(job)["label"] == "fetch sitemap.xml (4 URLs)"


def _padded(head: str, tail: str, at: int) -> str:
    """A robots.txt of `head`, comment lines, then `tail` starting `at` characters into the file (ASCII)."""
    filler = at - len(head)
    lines, rest = divmod(filler, 100)
    padding = ("#" + "x" * 98 + "\n") * lines + ("#" + "x" * (rest - 2) + "\n" if rest >= 2 else "\n" * rest)
    text = head + padding + tail
    assert text.index(tail) == at
    return text


@pytest.mark.parametrize("where, size, read", [
    (1000, 1_200_000, True),                 # at the top of a robots.txt over 1 MB: it named no sitemap at all
    (MAX_ROBOTS_BYTES - 30, 800_000, False),   # cut inside the line: "Sitemap: http://127.0.0.1:N/site" is none
    (MAX_ROBOTS_BYTES + 500, 800_000, False),  # past the rules' end: not read, as the rules are not
], ids=["top of a 1.2 MB file", "cut inside the line", "past the end read"])
def test_a_robots_txt_names_its_sitemaps_as_far_as_its_rules_are_read(site, where, size, read):
    """robots.txt's Sitemap lines were read up to 1 MB and its rules up to MAX_ROBOTS_BYTES: a robots.txt over 1 MB
    named no sitemap, and lines past the rules' end were read. Both now read its first MAX_ROBOTS_BYTES, whole
    lines only."""
    b = site.behaviour
    b.sitemap_paths = ["library/json.html", "library/re.html"]
    b.answers = {"/sitemap.xml": (200, _urlset(site.url("glossary.html")), XML)}     # the guess, if none is named
    line = f"Sitemap: {site.url('sitemap_index.xml')}\n"
    b.robots = _padded("User-agent: *\nDisallow: /distutils/\n", line, where) + ("#" + "x" * 98 + "\n") * (
        (size - where) // 100)
    assert abs(len(b.robots) - size) < 200
    found = fetch_task.run_fetch(site.url("/"), options=FAST)
    named = [site.url("library/json.html"), site.url("library/re.html")]
    assert sorted(found["Address"]) == (named if read else [site.url("glossary.html")])


@pytest.mark.parametrize("eol", ["\n", "\r"], ids=["LF", "CR only"])
def test_a_rule_cut_at_the_end_of_what_robots_txt_is_read_for_is_not_read_cut(site, eol):
    """"Allow: /library/json.html" cut to "Allow: /library/j" at MAX_ROBOTS_BYTES allowed every page under
    /library/j that "Disallow: /library/" forbids; the cut line is left out, so the page stays disallowed. Lines
    ending in a lone CR (old Mac files) keep their rules too."""
    b = site.behaviour
    b.sitemap_paths = ["library/json.html", "library/re.html"]
    allow = "Allow: /library/json.html\n"
    b.robots = (_padded("User-agent: *\nDisallow: /library/\n", allow, MAX_ROBOTS_BYTES - len("Allow: /library/j"))
                + "#" * 1000 + "\n").replace("\n", eol)
    found = fetch_task.run_fetch(site.url("sitemap.xml"), options=FAST)
    assert dict(zip(found["Address"], found["Status"])) == {site.url("library/json.html"): "Blocked by robots.txt",
                                                            site.url("library/re.html"): "Blocked by robots.txt"}
    assert not b.seen.get("/library/json.html")
