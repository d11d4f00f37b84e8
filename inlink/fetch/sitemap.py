"""Where the URLs to fetch come from: a sitemap (index files and gzipped sitemaps too), a URL list (pasted or
a text file), or the URL column of a CSV/XLSX export (read by inlink.site's reader). Same-site only by default.
"""
from __future__ import annotations

import functools
import gzip
import io
import re
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from lxml import etree

from inlink.fetch.faults import FetchCancelled
from inlink.fetch.urls import clean_url, same_site, site_key, site_root, without_credentials
from inlink.wording import counted

MAX_SITEMAPS = 1000            # sitemap files followed from one index, in total
MAX_SITEMAP_URLS = 100_000     # page URLs read from a sitemap and those its index lists, in total (a fetch setting)
MAX_SITEMAP_BYTES = 60_000_000  # the protocol's cap is 50 MB uncompressed
_GZIP_MAGIC = b"\x1f\x8b"
# How a web page opens, in any case, after a byte-order mark, an XML declaration or comments: "<!doctype html>" is
# no XML (its keyword is upper case there), so the parser found no root and the page read as "not an XML sitemap".
# A comment may not run past its own "-->": with ".*?" there, a sitemap opening with n comments took 2^n steps to
# fail (24 comments: 18 s, the GIL held throughout).
_WEB_PAGE_RE = re.compile(rb"(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--(?:(?!-->).)*-->\s*)*"
                          rb"<(?:!doctype\s+html|html)\b", re.I | re.S)
#: how a whole sitemap ends: its root's closing tag (a file cut short has none)
_ROOT_CLOSED = re.compile(rb"</(?:[\w.-]+:)?(?:urlset|sitemapindex)\s*>\s*(?:<!--(?:(?!-->).)*-->\s*)*\Z", re.S)
_UTF8_BOM = b"\xef\xbb\xbf"
_MARKS_AND_SPACE = b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n"   # what may stand before a file's first character
_MARKUP = re.compile(rb"<(?!https?:)", re.I)   # "<https://a.example/x>" is a URL in angle brackets: a list's line
_TABLE_NAMES = (".csv", ".tsv", ".csv.gz", ".tsv.gz", ".xlsx", ".xlsm")   # exports the importer reads


class SourceError(ValueError):
    """The source of URLs cannot be read; the message says which and why. `unreachable` is True when the
    site could not be reached at all (worth trying again later, unlike a bad file)."""

    plain_message = True   # worded for the user: a job failing on one shows it as it stands (jobs/runner.py)

    def __init__(self, message: str, unreachable: bool = False):
        super().__init__(message)
        self.unreachable = unreachable


class WebPageNotSitemap(SourceError):
    """The URL given as a sitemap answers with a web page (often the site's home page)."""


class SitemapMissing(SourceError):
    """The URL given as a sitemap answers 404 or 410: there is no sitemap there (the site's may be elsewhere)."""


@dataclass
class UrlSource:
    """The URLs to fetch, in order and without duplicates, and what was left out and why."""

    urls: list[str]
    site: str | None      # scheme and host (site_root): the sitemap's site, else the site most URLs are on
    notes: list[str] = field(default_factory=list)


def is_url(text: str) -> bool:
    return str(text).strip().lower().startswith(("http://", "https://"))


def read_source(source, fetcher=None, *, name: str | None = None, same_site_only: bool = True,
                sheet: str | None = None, max_sitemap_urls: int = MAX_SITEMAP_URLS) -> UrlSource:
    """URLs from a sitemap URL (needs `fetcher`), a path, bytes of a file, or pasted text. ``sheet``: a workbook's
    worksheet to read (the one the Upload page picked), else its first with a URL column. ``max_sitemap_urls``: the
    most page URLs read from a sitemap, given as a URL (with the sitemaps its index lists: sitemap_urls) or as a
    file."""
    if isinstance(source, str) and is_url(source) and "\n" not in source.strip():
        if fetcher is None:
            raise SourceError("a sitemap URL needs a fetcher to read it")
        try:
            raw, notes = sitemap_urls(source, fetcher, same_site_only=same_site_only, max_urls=max_sitemap_urls)
        except WebPageNotSitemap as exc:
            raw, notes = _sitemaps_of_site(source, fetcher, exc, same_site_only, max_sitemap_urls)
        except SitemapMissing as exc:
            raise SourceError(f"{exc}{_sitemaps_named_instead(source, fetcher, same_site_only)}") from None
        if not raw:   # it was "no http(s) URLs found", naming no sitemap, and why an index's sitemaps gave none was lost
            raise SourceError(f"sitemap {without_credentials(source)} lists no page URLs"
                              + (f" ({'; '.join(notes[:3])}{'; ...' if len(notes) > 3 else ''})" if notes else ""))
        return _finish(raw, notes, same_site_only, site=source, label=f"sitemap {without_credentials(source)}")
    data, label = _source_bytes(source, name)
    if _named_like_table(data, label):
        raw, notes = _table_urls(data, label, sheet)
    elif data.startswith(_GZIP_MAGIC) or _reads_like_markup(data):
        raw, notes = _sitemap_file_urls(data, label, max_sitemap_urls)
    elif _reads_like_table(data):
        raw, notes = _table_urls(data, label)
    else:
        raw, lines = _list_urls(_list_text(data))
        return _finish(raw, [], same_site_only, lines=lines, label=label)
    return _finish(raw, notes, same_site_only, label=label)


def _list_text(data: bytes) -> str:
    """A URL list's text in the encoding the importer would find (a byte-order mark, UTF-16's zero bytes,
    UTF-8...): a list saved as "Unicode" (UTF-16) by Windows Notepad was read as UTF-8, one garbled line."""
    from inlink.site.charsets import detect_encoding

    found = detect_encoding(data)
    return data[found.skip:].decode(found.encoding, errors="replace").lstrip("\ufeff")


def _source_bytes(source, name: str | None) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source), name or "the uploaded file"
    if isinstance(source, Path) or (isinstance(source, str) and "\n" not in source and Path(source).is_file()):
        path = Path(source)
        try:
            return path.read_bytes(), name or path.name
        except OSError as exc:
            raise SourceError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if isinstance(source, str):
        return source.encode("utf-8"), name or "the pasted URLs"
    raise SourceError(f"unsupported URL source: {type(source).__name__}")


def _named_like_table(data: bytes, label: str) -> bool:
    """A workbook, or a file named as an export: asked before the gzip magic, so that a crawl.csv.gz (which the
    importer reads) is not taken for a gzipped sitemap and refused as "not an XML sitemap"."""
    return data.startswith(b"PK\x03\x04") or label.lower().endswith(_TABLE_NAMES)


def _reads_like_markup(data: bytes) -> bool:
    """Whether a file opens with markup ("<"), after any byte-order mark, white space and UTF-16's zero bytes: a
    sitemap file (or a web page, refused as one), never a URL list (whose URLs may stand in angle brackets). Only
    "<?xml", "<urls" and "<site" were taken for a sitemap, so one saved with a BOM, in UTF-16, opening with a comment
    or with a prefixed root ("<sm:urlset") was read as a URL list and refused: "no http(s) URLs found (e.g. '<?xml
    ...' on line 1)"."""
    return _MARKUP.match(data[:64].lstrip(_MARKS_AND_SPACE).replace(b"\x00", b"")) is not None


def _reads_like_table(data: bytes) -> bool:
    """An unnamed text whose first line has a delimiter and is no URL: a pasted CSV, not a URL list."""
    first = data[:2000].decode("utf-8", errors="replace").splitlines()[:1]
    return bool(first) and not is_url(first[0]) and ("," in first[0] or "\t" in first[0] or ";" in first[0])


def _list_urls(text: str) -> tuple[list[str], list[int]]:
    """The list's entries (blank and # lines left out, quotes or angle brackets around one taken off) and the
    number of the line each stands on."""
    entries = [(_unwrapped(line.strip()), number) for number, line in enumerate(text.splitlines(), 1)
               if line.strip() and not line.lstrip().startswith("#")]
    return [value for value, _ in entries], [number for _, number in entries]


def _unwrapped(entry: str) -> str:
    """An entry without the quotes or angle brackets around it: a column copied from a crawler's CSV ("https://...")
    or a URL written as RFC 3986 delimits one (<https://...>) was "not an http(s) URL", every line skipped."""
    return entry[1:-1].strip() if len(entry) > 1 and entry[0] + entry[-1] in ('""', "''", "<>") else entry


def _table_urls(data: bytes, label: str, sheet: str | None = None) -> tuple[list[str], list[str]]:
    """The URL column of an export (Address, URL, ...), found the way the importer finds it: in a workbook, on
    `sheet`, else its first worksheet with a URL column (one opening on a notes sheet was refused, and a fetch has
    no --sheet)."""
    from inlink.site.columns import detect_page_columns, header_list, holds_pages
    from inlink.site.errors import SiteDataError
    from inlink.site.tables import read_table

    try:
        table = read_table(data, label, sheet, fits=holds_pages)
    except SiteDataError as exc:
        raise SourceError(str(exc)) from None
    column = detect_page_columns(table.columns).get("url")
    if column is None:
        raise SourceError(f"{label}: no URL column found (expected a header such as Address or URL); "
                          f"headers are: {header_list(table.columns)}")
    return [str(v) for v in table[column].tolist()], [f"{label}: URLs read from column \"{column}\""
                                                      + _of_worksheet(table.attrs)]


def _of_worksheet(attrs) -> str:
    """' of the worksheet "X"' when the table came from a workbook of several worksheets: which one was read."""
    return f' of the worksheet "{attrs["sheet"]}"' if len(attrs.get("sheets", [])) > 1 else ""


# -- sitemaps --------------------------------------------------------------------------------------------
def sitemap_urls(url: str, fetcher, *, same_site_only: bool = True,
                 max_urls: int = MAX_SITEMAP_URLS) -> tuple[list[str], list[str]]:
    """Page URLs of a sitemap or sitemap index (followed recursively, each sitemap once; with `same_site_only`,
    only the sitemaps on the first one's site: another site's is never requested), the first `max_urls` of them:
    an index may list 1,000 sitemaps of 50,000 URLs each, and nothing stopped a hostile or broken one from making a
    job of millions of pages (its URL list held in memory, then written out, before the first page)."""
    pages, notes, queue, seen = [], [], [url], set()
    while queue:
        current = queue.pop(0)
        if current in seen:
            continue
        if same_site_only and not same_site(current, url):
            seen.add(current)
            notes.append(f"sitemap {current} skipped: it is on another site than {site_key(url)}")
            continue
        if len(seen) >= MAX_SITEMAPS:
            notes.append(f"stopped after {MAX_SITEMAPS} sitemap files")
            break
        seen.add(current)
        try:
            status, body, _ = fetcher.get_bytes(current, MAX_SITEMAP_BYTES)
        except FetchCancelled:   # a pause or stop of the job: no fault of the sitemap's
            raise
        except ValueError as exc:
            _sitemap_problem(current, str(exc), url, notes)
            continue
        except Exception as exc:   # any network failure is reported against this sitemap
            from inlink.fetch.faults import UNREACHABLE, classify_exception
            code, problem = classify_exception(exc)
            _sitemap_problem(current, problem, url, notes, unreachable=code in UNREACHABLE)
            continue
        if status != 200:
            _sitemap_problem(current, f"the server answered {status}", url, notes,   # 429: fewer requests, later
                             unreachable=status >= 500 or status == 429, missing=status in (404, 410))
            continue
        try:
            kind, locs, problem = read_sitemap(body, current)
        except SourceError as exc:
            _unreadable_sitemap(current, exc, url, notes)
            continue
        notes.extend([f"sitemap {problem}"] if problem else [])
        if kind == "sitemapindex":
            queue.extend(locs)
            continue
        room = max_urls - len(pages)
        pages.extend(locs[:room])
        if len(pages) >= max_urls:   # no sitemap more is asked for: none could add a URL
            unread = len(set(queue) - seen)
            if len(locs) > room or unread:
                notes.append(_url_cap_note(max_urls, f"sitemap {current}", len(locs) - room, unread))
            break
    return pages, notes


def _url_cap_note(max_urls: int, current: str, left: int, unread: int = 0, file: bool = False) -> str:
    """What the cap on a sitemap's URLs left out: the rest of the sitemap it stopped in (`current`: "sitemap URL",
    or a sitemap file's name), the sitemaps not read. A sitemap `file` (uploaded or a path) lists no index's
    sitemaps: its note says so without them."""
    rest = ([f"{counted(left, 'more URL')} of {current}"] if left > 0 else []) + \
        ([f"{counted(unread, 'sitemap')} of the index"] if unread else [])
    reach = "one sitemap file" if file else "one sitemap and the sitemaps its index lists"
    return (f"stopped reading {'the sitemap file' if file else 'sitemaps'} at {counted(max_urls, 'page URL')}, the "
            f"most read from {reach} (the fetch setting max_sitemap_urls): {' and '.join(rest)} left unread")


def _unreadable_sitemap(current: str, exc: SourceError, first: str, notes: list[str]) -> None:
    """A sitemap that answered but is none (a soft 404's web page, a broken file): fatal for the sitemap given
    (re-raised as it is, so that a web page given leads to the site's sitemaps), a note for one its index lists,
    like a child that answers 404. One such child lost every URL the other sitemaps of the index held."""
    if current == first:
        raise exc
    notes.append(f"sitemap {current} skipped: {str(exc).removeprefix(f'{current}: ')}")


def _sitemaps_of_site(url: str, fetcher, problem: WebPageNotSitemap, same_site_only: bool = True,
                      max_urls: int = MAX_SITEMAP_URLS) -> tuple[list[str], list[str]]:
    """A web page was given: the sitemaps its site's robots.txt names (on the site itself, with
    `same_site_only`: a robots.txt naming the public site's sitemap sent a request there), else /sitemap.xml."""
    root = _site_root_of(url)
    named = _robots_sitemaps(root, fetcher)
    elsewhere = [sitemap for sitemap in named if same_site_only and not same_site(sitemap, url)]
    own, failed = [sitemap for sitemap in named if sitemap not in elsewhere], []
    for sitemap in own or [root + "/sitemap.xml"]:
        try:
            pages, notes = sitemap_urls(sitemap, fetcher, same_site_only=same_site_only, max_urls=max_urls)
        except SourceError as exc:
            failed.append(str(exc).removeprefix("sitemap "))
            continue
        return pages, [f"{url} is a web page: read the site's sitemap {sitemap} instead", *notes]
    if own:   # it said "the site names no sitemap" of a robots.txt naming one that answered 404
        raise SourceError(f"{problem}, and the sitemaps its site's robots.txt names cannot be read ("
                          f"{'; '.join(failed[:3])}{'; ...' if len(failed) > 3 else ''}): "
                          "give the sitemap URL or a list of page URLs") from None
    named_text = (f" of its own (its robots.txt names sitemaps on other sites only, not read: "
                  f"{', '.join(elsewhere[:3])})" if elsewhere else " (robots.txt, /sitemap.xml)")
    raise SourceError(f"{problem} and the site names no sitemap{named_text}: "
                      "give the sitemap URL or a list of page URLs") from None


def _sitemaps_named_instead(url: str, fetcher, same_site_only: bool) -> str:
    """'; the site's robots.txt names X: give that URL' after a sitemap URL that answered 404 (a guessed
    /sitemap.xml on a site whose sitemap is /sitemap_index.xml), so that the user need not go and look; "" when it
    names none but the one given. Not read in its place: a missing part of a site would have become the whole."""
    named = [sitemap for sitemap in _robots_sitemaps(_site_root_of(url), fetcher)
             if clean_url(sitemap) != clean_url(url) and (not same_site_only or same_site(sitemap, url))]
    if not named:
        return ""
    more = f" (and {counted(len(named) - 1, 'other')})" if len(named) > 1 else ""
    return f"; the site's robots.txt names the sitemap {named[0]}{more}: give that URL"


def _site_root_of(url: str) -> str:
    return url.split("://", 1)[0] + "://" + urlsplit(url).netloc


def _robots_sitemaps(root: str, fetcher) -> list[str]:
    """The sitemaps the site's robots.txt names, made whole on its address (robots.named_sitemaps reads them).
    [] when there is no robots.txt to read. It is read as far as its rules are (MAX_ROBOTS_BYTES, whole lines): read
    up to 1 MB here, a robots.txt over it named no sitemap at all, and Sitemap lines were read past the end of the
    rules the fetch honours."""
    from inlink.fetch.robots import MAX_ROBOTS_BYTES, named_sitemaps

    robots = root + "/robots.txt"
    try:
        status, body, _ = fetcher.get_bytes(robots, MAX_ROBOTS_BYTES, cut_ok=True)
    except FetchCancelled:
        raise
    except Exception:    # no robots.txt to read: the caller tries the usual place
        return []
    return named_sitemaps(body, robots) if status == 200 else []


def _sitemap_problem(current: str, problem: str, first: str, notes: list[str], unreachable: bool = False,
                     missing: bool = False) -> None:
    if current == first:
        raise (SitemapMissing if missing else SourceError)(f"sitemap {current}: {problem}", unreachable=unreachable)
    notes.append(f"sitemap {current} skipped: {problem}")


def _sitemap_file_urls(data: bytes, label: str, max_urls: int = MAX_SITEMAP_URLS) -> tuple[list[str], list[str]]:
    """A sitemap file's page URLs, the first `max_urls` of them, as a sitemap URL's are (sitemap_urls): uploaded or
    given as a path, a sitemap of millions of URLs made a job of millions of pages."""
    kind, locs, problem = read_sitemap(data, label)
    if kind == "sitemapindex":
        raise SourceError(f"{label} is a sitemap index: give its URL so the sitemaps it lists can be fetched")
    notes = [problem] if problem else []
    if len(locs) > max_urls:
        notes.append(_url_cap_note(max_urls, label, len(locs) - max_urls, file=True))
    return locs[:max_urls], notes


class Sitemap(NamedTuple):
    kind: str             # "urlset" | "sitemapindex"
    locs: list[str]
    problem: str = ""     # why only part of it could be read ("" when it read whole), for the fetch report


def read_sitemap(data: bytes, label: str) -> Sitemap:
    """The sitemap's kind and <loc> values, and what was wrong with it: a file cut short (a download or a generator
    that stopped midway) or malformed was read as far as it parsed, and nothing said that the rest was missing."""
    data, cut = _gunzipped(data, label)
    data = data.removeprefix(_UTF8_BOM)   # before the strip: a BOM, a line break, "<?xml" read as malformed
    listed = _text_sitemap(data)
    if listed is not None and cut:   # its last line may be a URL cut midway
        listed = listed if data.endswith(b"\n") else listed[:-1]
        return Sitemap("urlset", listed, _cut_short(label, len(listed), "its gzip data ends early"))
    if listed is not None:
        return Sitemap("urlset", listed)
    if _WEB_PAGE_RE.match(data[:4096]):
        raise WebPageNotSitemap(f"{label}: not a sitemap: this is a web page")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(data.strip(), parser)
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"{label}: not an XML sitemap ({exc})") from None
    if root is None:
        raise SourceError(f"{label}: not an XML sitemap (empty or unreadable)")
    kind = _root_name(root, label)
    if kind.lower() == "html":
        raise WebPageNotSitemap(f"{label}: not a sitemap: this is a web page")
    if kind not in ("urlset", "sitemapindex"):
        raise SourceError(f"{label}: not a sitemap: its root element is <{kind}>")
    locs = _own_locs(root.iter("{*}loc"))
    if not parser.error_log and not cut:
        return Sitemap(kind, locs)
    return _read_in_part(data.strip(), label, kind, locs, parser.error_log[0] if parser.error_log else None)


def _root_name(root, label: str) -> str:
    """The root element's local name; SourceError when the forgiving parse made one of a text that is no XML name
    ("<https://a.example/x>", a URL in angle brackets): lxml's ValueError escaped, "Invalid tag name 'https:'"."""
    try:
        return etree.QName(root).localname
    except ValueError:
        raise SourceError(f"{label}: not an XML sitemap (it opens with <{root.tag}>, which is no XML element)") \
            from None


def _own_locs(elements) -> list[str]:
    """The non-empty <loc> values that are a <url>'s (or <sitemap>'s) own, not an extension's: an image sitemap's
    <image:loc> (Yoast and Rank Math put the post's images in each <url>) sent every image to be fetched as a page,
    "Not HTML" rows in the report."""
    locs = []
    for element in elements:
        parent = element.getparent()
        if parent is not None and (parent.getparent() is None or parent.getparent().getparent() is None):
            locs.append((element.text or "").strip())
    return [loc for loc in locs if loc]


def _read_in_part(data: bytes, label: str, kind: str, recovered: list[str], error) -> Sitemap:
    """A sitemap with a fault: cut short (its XML ends before its root closes), the <loc> values closed before the
    cut (the last one, cut midway, would be a wrong URL); else malformed in the middle, what the forgiving parse
    read, the first fault named."""
    if _ROOT_CLOSED.search(data[-200:]):
        if error is None:   # a gzip file that lost only its trailer: its XML is whole
            return Sitemap(kind, recovered)
        where = f" (line {error.line}, column {error.column}: {error.message.strip()})" if error is not None else ""
        return Sitemap(kind, recovered, f"{label} is malformed{where}: read past its faults, "
                                        f"{counted(len(recovered), 'URL')} found")
    pull = etree.XMLPullParser(events=("end",), tag="{*}loc", resolve_entities=False, no_network=True,
                               huge_tree=False)
    try:
        pull.feed(data)
    except etree.XMLSyntaxError:   # a fault before the cut: the events up to it stand
        pass
    closed = _own_locs(element for _, element in pull.read_events())
    return Sitemap(kind, closed, _cut_short(label, len(closed), f"it ends before its closing </{kind}>"))


def _cut_short(label: str, read: int, how: str) -> str:
    return (f"{label} is cut short ({how}): only the "
            f"{counted(read, 'URL')} before the cut {'is' if read == 1 else 'are'} read")


def _gunzipped(data: bytes, label: str) -> tuple[bytes, bool]:
    """(the sitemap's bytes, gzip unpacked; whether a gzip file ended before its end: what it held up to there)."""
    if not data.startswith(_GZIP_MAGIC):
        return data, False
    try:
        return gzip.GzipFile(fileobj=io.BytesIO(data)).read(MAX_SITEMAP_BYTES + 1), False
    except EOFError:
        return zlib.decompressobj(wbits=31).decompress(data, MAX_SITEMAP_BYTES + 1), True
    except OSError as exc:
        raise SourceError(f"{label}: a damaged gzip file ({exc})") from None


def _text_sitemap(data: bytes) -> list[str] | None:
    """The URLs of a text sitemap (the protocol's other form: one URL a line, UTF-8, as sitemap.txt), or None
    when the data is not one. Given as a URL, it was refused as "not an XML sitemap"."""
    if data.lstrip()[:1] == b"<":
        return None
    lines = [line.strip() for line in data.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines()]
    urls = [line for line in lines if line]
    return urls if urls and all(is_url(line) and " " not in line for line in urls) else None


# -- cleaning --------------------------------------------------------------------------------------------
def _finish(raw: list[str], notes: list[str], same_site_only: bool, site: str | None = None,
            lines: list[int] | None = None, label: str | None = None) -> UrlSource:
    """`lines`: the line each of `raw` stands on, for a URL list (a sitemap or a table has none to name); `label`:
    the source as its errors name it (the file's name: "no http(s) URLs found" named no file)."""
    urls, seen, bad, offsite, line_of = [], set(), [], [], {}
    for index, value in enumerate(raw):
        url = clean_url(value)
        if url is None:
            bad.append(index)
            continue
        if url not in seen:
            seen.add(url)
            urls.append(url)
            line_of[url] = lines[index] if lines else None
    if not urls:
        raise SourceError((f"{label}: " if label else "") + "no http(s) URLs found"
                          + (f" (e.g. {_quoted(raw[bad[0]])}{_on_line(lines, bad[0])} is not one)" if bad else "")
                          + ("; give whole URLs (https://example.com/path), not paths alone"
                             if any(raw[index].strip().startswith("/") for index in bad) else ""))
    key = functools.cache(site_key)   # each URL's once: asked 6 times a URL, 50,000 URLs took 4 s
    site = site_root(site or _main_site(urls, key))   # it was the sitemap's URL or the first page's, shown as the site
    if same_site_only and not any(key(url) == key(site) for url in urls):
        site = _site_of_the_pages(site, urls, key, notes)
    kept_bad = set(_paths_on_the_site([raw[index] for index in bad], site, urls, seen, notes))
    bad = [index for index in bad if raw[index] in kept_bad]
    if same_site_only:
        kept = [u for u in urls if key(u) == key(site)]
        offsite = [u for u in urls if key(u) != key(site)]
        urls = kept
    if bad:
        what = counted(len(bad), "line") if lines else counted(len(bad), "entry", "entries")   # a sitemap's, a column's
        notes.append(f"{what} {'is' if len(bad) == 1 else 'are'} not an http(s) URL and "
                     f"{'was' if len(bad) == 1 else 'were'} skipped"
                     + _which(lines and [lines[index] for index in bad], _quoted(raw[bad[0]]), len(bad)))
    if offsite:
        notes.append(f"{counted(len(offsite), 'URL')} on other sites than {site_key(site)} "
                     f"{'was' if len(offsite) == 1 else 'were'} skipped"
                     + _which(lines and [line_of[url] for url in offsite], offsite[0], len(offsite)))
    return UrlSource(urls=urls, site=site, notes=notes)   # never empty: the site is one a URL is on


def _site_of_the_pages(sitemap_site: str, urls: list[str], key: Callable[[str], str], notes: list[str]) -> str:
    """The site of a sitemap none of whose URLs is on its own site (a sitemap kept on a CDN or a storage bucket, as
    the protocol allows when the site's robots.txt names it): the site most of them are on, said. It was refused,
    "no URLs on the site cdn.example.com", and the dashboard has no --all-sites to read them anyway."""
    pages_site = site_root(_main_site(urls, key))
    notes.append(f"no URL of the sitemap is on its own site, {site_key(sitemap_site)}: the pages listed on "
                 f"{site_key(pages_site)}, where most of them are, are fetched")
    return pages_site


def _quoted(value: str) -> str:
    """A line that is no http(s) URL as a note quotes it, without a user name and password ("ftp://bob:pw@host/"):
    a fetch job keeps its notes, and a job's files hold no password."""
    return repr(without_credentials(value))


def _on_line(lines: list[int] | None, index: int) -> str:
    return f" on line {lines[index]}" if lines else ""


def _which(numbers: list[int] | None, example: str, count: int, shown: int = 5) -> str:
    """': lines 3, 7 and 9 (e.g. 'x')' for skipped lines of a URL list (the first `shown` named; one line with
    its text alone), ' (e.g. x)' where there are no lines to name (a sitemap, a table's column)."""
    if not numbers:
        return f" (e.g. {example})"
    if count == 1:
        return f": line {numbers[0]} ({example})"
    named = [f"{number:,}" for number in numbers[:shown]]
    more = len(numbers) - len(named)
    listed = ", ".join(named) + f" and {more:,} more" if more else ", ".join(named[:-1]) + f" and {named[-1]}"
    return f": lines {listed} (e.g. {example})"


def _paths_on_the_site(bad: list[str], site: str, urls: list[str], seen: set, notes: list[str]) -> list[str]:
    """Root-relative paths ("/blog/post", as analytics exports list pages) among whole URLs are read on the
    site's own address (they were skipped as "not an http(s) URL"); the rest stays bad."""
    paths = [value for value in bad if value.strip().startswith("/") and not value.strip().startswith("//")]
    for path in paths:
        url = clean_url(path.strip(), base=site)
        if url is not None and url not in seen:
            seen.add(url)
            urls.append(url)
    if paths:
        notes.append(f"{counted(len(paths), 'path')} without a host {'was' if len(paths) == 1 else 'were'} read "
                     f"on {site_key(site)} (e.g. {paths[0].strip()} -> {clean_url(paths[0].strip(), base=site)})")
    return [value for value in bad if value not in paths]


def _main_site(urls: list[str], key: Callable[[str], str] = site_key) -> str:
    """The site most URLs are on (the first URL's when tied); `key`: site_key, or a cache of it."""
    counts = Counter(key(url) for url in urls)
    best = max(counts.values())
    return next(u for u in urls if counts[key(u)] == best)
