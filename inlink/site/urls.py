"""The one URL rule of the importer, so that pages and links meet (each distinct URL normalised once).

URL rule: the RFC 3986 normalisation (section 6.2.2) by url-normalize -- scheme and host lower-cased, an
IDN host in punycode ("bücher.de" -> "xn--bcher-kva.de"), percent-encodings upper-cased and unreserved
ones decoded ("%7e" -> "~"), dot segments resolved ("/a/./b/../c" -> "/a/c"), default port dropped, query
order kept -- then the project's own steps: whitespace trimmed, fragment and user info dropped, empty path ->
"/", one trailing slash stripped except for the root path ("https://a.com/blog/" -> "https://a.com/blog",
"https://a.com/" stays). Root-relative URLs ("/about") are resolved against the site's host when one host
holds most URLs.

url-normalize over w3lib's canonicalize_url (both installed, measured on 50k URLs): w3lib sorts the query
(a different page for some sites) and decodes reserved characters ("%3A" -> ":"); url-normalize follows RFC
3986 and keeps the query's order. It costs ~50 us a URL, so URLs already in normal form (ASCII, no "%", no
dot segment, nothing to escape: nearly all of a crawl) skip it; each distinct URL is normalised once.
"""
from __future__ import annotations

import re
from typing import Iterable
from urllib.parse import urlsplit, urlunsplit

import pandas as pd
from url_normalize import url_normalize

from inlink.site.authority import DEFAULT_PORTS, normalize_authority
from inlink.site.coded import distinct_values, spread
from inlink.site.errors import SiteDataError
from inlink.wording import clipped

_WHITESPACE = re.compile(r"\s")
# Characters outside RFC 3986's unreserved and reserved sets (non-ASCII, space, "|", "^", "{"...), and the
# two query shapes url-normalize rewrites: an empty parameter ("?&", "a=1&&b", a trailing "&") and a second
# "=" in one parameter (escaped).
_OUTSIDE_RFC3986 = re.compile(r"[^A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]")
_DOT_SEGMENT = re.compile(r"/\.\.?(?:[/?#]|$)")
_QUERY_TO_TIDY = re.compile(r"[?&]&|&(?:#|$)|=[^&#]*=")
_SITE_PREFIX = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://[^/?#\s]+)")
#: The longest URL read. Browsers and servers stop at a few kilobytes (HTTP servers' default request line limit is
#: about 8 KB), so a longer cell is no page's address (a body text or a data: URI pasted into the URL column) and
#: would be held and hashed as a key of every table of the analysis: its row is dropped and reported.
MAX_URL_CHARS = 8192
_STARTS_LIKE_A_URL = re.compile(r"(?i)(https?://|www\.)\S")


def normalize_url(url: str, base_host: str | None = None) -> str:
    """The one canonical form of a page URL (see the module docstring); SiteDataError if it is not one.

    ``base_host`` ("www.a.com" or "https://www.a.com") resolves root-relative URLs such as "/about".
    """
    text = str(url).strip()
    if len(text) > MAX_URL_CHARS:
        raise SiteDataError(f'"{clipped(text)}" is {len(text):,} characters long, longer than the {MAX_URL_CHARS:,} a '
                            "URL may have: it is no page's address")
    if not text or _WHITESPACE.search(text):
        spaced = ": it holds white space (a URL writes a space as %20)" if _STARTS_LIKE_A_URL.match(text) else ""
        raise SiteDataError(f'"{clipped(text)}" is not a URL{spaced}' if text else "the URL is empty")
    text = _absolute(text, base_host)
    if _needs_rfc3986(text):
        _split(text, url)   # refuse what is no http(s) URL before the library sees it
        text = _rfc3986(text, url)
    parts, host, port = _split(text, url)
    scheme = parts.scheme.lower()
    netloc = normalize_authority(scheme, host, port)   # the host is ASCII by now: url-normalize ran on any other
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def _needs_rfc3986(text: str) -> bool:
    """Whether url-normalize would change more than normalize_url does itself: a percent sign, a dot
    segment, an empty segment ("a//b", which it merges), a query to tidy, a character to escape. Plain
    substring tests first: this runs once per distinct URL of a crawl (tests/test_import_edges.py checks that
    the two paths agree)."""
    return ("%" in text or ("/." in text and _DOT_SEGMENT.search(text) is not None) or text.count("//") > 1
            or ("?" in text and _QUERY_TO_TIDY.search(text) is not None)
            or _OUTSIDE_RFC3986.search(text) is not None)


def _split(text: str, url: str):
    """(urlsplit parts, host, port) of an http(s) URL with a host and a valid port; SiteDataError otherwise."""
    try:
        parts = urlsplit(text)
        host, port = parts.hostname, parts.port
    except ValueError:   # e.g. "http://[::1" or a port out of range
        raise SiteDataError(f'"{clipped(url)}" is not a URL') from None
    if parts.scheme.lower() not in DEFAULT_PORTS or not host:
        raise SiteDataError(f'"{clipped(url)}" is not a URL{_why_not(parts.scheme, str(url))}')
    return parts, host, port


def _why_not(scheme: str, url: str) -> str:
    """What a URL that is no page's is, when it says so: a mailto:/tel:/javascript: link, or a path relative to the
    page it stands on (which the importer cannot resolve in a pages file, whose row names no base for it; a links
    file's destination is read from its source: inlinks._relative_to_source)."""
    if scheme and scheme.lower() not in DEFAULT_PORTS and "//" not in url[:len(scheme) + 3]:
        return f" of a web page (a {scheme.lower()}: link)"
    if scheme and scheme.lower() not in DEFAULT_PORTS:   # "ftp://host/x": it said only "is not a URL"
        return f" of a web page ({scheme.lower()}://: only http:// and https:// pages are read)"
    if not scheme and not url.strip().startswith(("/", "\\")) and "." in url.split("/", 1)[0][:3]:
        return " but a path relative to its page: write it whole (https://...) or from the site's root (/...)"
    return ""


def _rfc3986(text: str, url: str) -> str:
    """url-normalize's RFC 3986 form of an absolute http(s) URL (see the module docstring)."""
    try:
        return url_normalize(text) or text
    except (ValueError, UnicodeError) as exc:   # e.g. an IDN label too long for punycode
        raise SiteDataError(f'"{clipped(url)}" is not a URL ({clipped(exc)})') from None


def _absolute(text: str, base_host: str | None) -> str:
    """Give scheme-less forms a scheme; resolve root-relative paths against ``base_host``."""
    if text.startswith("//"):
        return "https:" + text
    if text.lower().startswith("www."):
        return "https://" + text
    if text.startswith("/"):
        if not base_host:
            raise SiteDataError(f'"{text}" is a relative URL and there is no single site host to resolve it')
        base = base_host if "://" in base_host else f"https://{base_host}"
        return base.rstrip("/") + text
    return text


def site_base(urls: Iterable[str]) -> str | None:
    """'scheme://host' that more than half of the absolute URLs share, else None."""
    # Python strings and re, not pandas' Arrow-backed str dtype: Arrow's allocator and regex engine, first
    # used here, added megabytes to the importer's resident peak (docs corpus links file: 2.5 MB, 4x the file)
    found = (_SITE_PREFIX.match(str(url).strip()) for url in urls)
    prefixes = pd.Series([match.group(1).lower() for match in found if match], dtype=object)
    if prefixes.empty:
        return None
    counts = prefixes.value_counts()
    return counts.index[0] if counts.iloc[0] * 2 > len(prefixes) else None


def _try_normalize(raw: str, base: str | None) -> tuple[str, str]:
    try:
        return normalize_url(raw, base), ""
    except SiteDataError as exc:
        return "", exc.detail


def normalise_values(urls: Iterable[str], base: str | None) -> tuple[list[str], list[str]]:
    """(normalised URLs or "", error messages or "") of distinct URLs, in their order."""
    outcomes = [_try_normalize(raw, base) for raw in urls]
    return [url for url, _ in outcomes], [error for _, error in outcomes]


def normalise_series(urls: pd.Series, base: str | None) -> tuple[pd.Series, pd.Series]:
    """(normalised URL or "", error message or "") per row; each distinct URL is parsed once."""
    codes, distinct = distinct_values(urls)
    normalised, errors = normalise_values(distinct, base)
    return spread(normalised, codes, urls.index), spread(errors, codes, urls.index)


def url_hosts(urls: pd.Series) -> pd.Series:
    """The host (with a non-default port) of each normalised URL ("https://a.com:8443/x" -> "a.com:8443")."""
    return urls.str.extract(r"^[a-z]+://([^/?#]+)", expand=False).fillna("")


def normalize_host(text: str) -> str:
    """A host as a user types it ("WWW.Bücher.de", "https://a.com/") in the form normalised URLs carry."""
    text = str(text).strip()
    try:
        return urlsplit(normalize_url(text if "://" in text else f"https://{text}")).netloc
    except SiteDataError:
        raise SiteDataError(f'"{text}" is not a host name (expected e.g. www.example.com)') from None
