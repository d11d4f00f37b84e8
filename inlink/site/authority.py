"""A URL's host and port in the one form the importer's URLs carry (inlink.site.urls.normalize_url) and the fetcher
requests and compares (inlink.fetch.urls): an IDN host in punycode, an IPv6 address in brackets, the scheme's
default port left out. One rule in one place, so that a sitemap named by "bücher.de" and its pages listed on
"xn--bcher-kva.de" are one site, and "a.com:443" is "a.com". Kept apart from inlink.site.urls, which loads pandas:
a fetch worker starts without it (tests/test_fetch_task.py).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from url_normalize import url_normalize

DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_authority(scheme: str, host: str, port: int | None) -> str:
    """"host[:port]" of an http(s) URL whose scheme is lower case and whose host urlsplit has lower-cased;
    ValueError (UnicodeError) for a host IDNA cannot encode (a label too long for punycode)."""
    if not host.isascii():
        host = _punycode(host)
    host = f"[{host}]" if ":" in host else host
    return host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"


def _punycode(host: str) -> str:
    """url-normalize's IDNA form of a host (UTS 46 mapping, "Bücher.de" -> "xn--bcher-kva.de"): the library the
    importer's whole-URL normalisation already runs, so both read a host alike."""
    encoded = urlsplit(url_normalize(f"http://{host}/") or "").hostname
    if not encoded:
        raise ValueError(f"{host!r} is not a host name")
    return encoded
