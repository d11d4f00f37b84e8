"""URL rules of the fetcher: which URLs may be requested and which belong to the site being read."""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

SCHEMES = ("http", "https")


def clean_url(url: str, base: str | None = None) -> str | None:
    """Absolute http(s) URL without fragment or credentials; None when it is not one."""
    text = (url or "").strip()
    if not text:
        return None
    if base:
        text = urljoin(base, text)
    try:
        parts = urlsplit(text)
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in SCHEMES or not host:
        return None
    netloc = host if port is None else f"{host}:{port}"   # userinfo dropped: credentials are never sent
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


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
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
        host, port = parts.hostname, parts.port
    except ValueError:
        return text
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES or not host:
        return text
    host = f"[{host}]" if ":" in host else host      # an IPv6 address keeps its brackets
    return f"{scheme}://{host}" + ("" if port in (None, {"http": 80, "https": 443}[scheme]) else f":{port}")


def host_key(url: str) -> str:
    """host[:port], lower case: the unit of politeness (connections and rate are per host)."""
    parts = urlsplit(url)
    return parts.netloc.lower().rsplit("@", 1)[-1]


def site_key(url: str) -> str:
    """What 'same site' compares: the host without a leading 'www.', with its port (scheme ignored,
    so an http -> https redirect stays on the site)."""
    key = host_key(url)
    return key.removeprefix("www.")


def same_site(url: str, site: str | None) -> bool:
    return site is None or site_key(url) == site_key(site)


def scheme_of(url: str) -> str:
    return urlsplit(url).scheme.lower()
