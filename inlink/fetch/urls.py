"""URL rules of the fetcher: which URLs may be requested and which belong to the site being read."""
from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from inlink.site.authority import normalize_authority

SCHEMES = ("http", "https")
_TO_ESCAPE = re.compile(r"[\s\x00-\x1f\x7f]")   # white space and control characters


def clean_url(url: str, base: str | None = None) -> str | None:
    """Absolute http(s) URL without fragment or credentials, its host and port in the importer's form (punycode,
    IPv6 brackets kept, no default port: site.authority), so that URLs naming one host compare equal; None when it is
    not one. The path and query stay as given (they are what the server is asked for), white space and control
    characters escaped as a browser does (browser_escaped); None for a host holding one."""
    text = (url or "").strip()
    if not text:
        return None
    try:
        if base:
            text = urljoin(base, text)   # raises for "http://[::1" as urlsplit does
        parts = urlsplit(text)
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES or not host or _TO_ESCAPE.search(host):
        return None
    try:
        netloc = normalize_authority(scheme, host, port)   # userinfo dropped: credentials are never sent
    except ValueError:   # a host IDNA cannot encode
        return None
    return urlunsplit((scheme, netloc, browser_escaped(parts.path) or "/", browser_escaped(parts.query), ""))


def browser_escaped(part: str) -> str:
    """A URL's path or query as a browser sends it (WHATWG URL): a tab or line break dropped, another space or
    control character percent-encoded ("my page.html" -> "my%20page.html"). Kept as written, a fetched page listed
    or linked as "my page.html" had an address the importer refuses ("is not a URL"): its row and every link to it
    were dropped, though the server had answered the same request; and a control character (a stray \\x01 in a
    URL list) made httpx refuse the request, which failed the whole fetch."""
    if not _TO_ESCAPE.search(part):
        return part
    return _TO_ESCAPE.sub(lambda found: "" if found.group() in "\t\n\r" else quote(found.group()), part)


def without_credentials(url: str) -> str:
    """The URL as given with any user name and password taken out ("http://bob:pw@a.com/x" -> "http://a.com/x"):
    they are never sent, and must not be kept either (a job's label, config and events held the password).
    Never raises: a line that is no URL ("ftp://bob:pw@[::1/x", urlsplit refuses it) is quoted without them too."""
    text = (url or "").strip()
    head, slashes, rest = text.partition("//")
    netloc = rest[:min([at for at in map(rest.find, "/?#") if at >= 0], default=len(rest))]
    if not slashes or "@" not in netloc:
        return text
    return head + slashes + netloc.rpartition("@")[2] + rest[len(netloc):]


def site_root(url: str) -> str:
    """The site of a URL as a user names it: scheme and host (with a port other than the scheme's), no path
    ("https://docs.example.com/en/sitemap.xml" -> "https://docs.example.com"); a URL that is none, as given."""
    cleaned = clean_url(url)
    if cleaned is None:
        return (url or "").strip()
    parts = urlsplit(cleaned)
    return f"{parts.scheme}://{parts.netloc}"


def host_key(url: str) -> str:
    """host[:port] as clean_url writes it (punycode, no default port): the unit of politeness (connections and
    rate are per host) and what same_site compares; a URL clean_url refuses, its netloc lower-cased."""
    cleaned = clean_url(url)
    return urlsplit(cleaned).netloc if cleaned else urlsplit(url).netloc.lower().rsplit("@", 1)[-1]


def site_key(url: str) -> str:
    """What 'same site' compares: the host without a leading 'www.', with its port (scheme ignored,
    so an http -> https redirect stays on the site)."""
    key = host_key(url)
    return key.removeprefix("www.")


def same_site(url: str, site: str | None) -> bool:
    return site is None or site_key(url) == site_key(site)


def scheme_of(url: str) -> str:
    return urlsplit(url).scheme.lower()
