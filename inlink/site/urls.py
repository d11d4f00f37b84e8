"""The one URL rule of the importer, so that pages and links meet, plus per-distinct-value helpers.

URL rule: whitespace trimmed, fragment dropped, scheme and host lower-cased, default port and user info
dropped, empty path -> "/", one trailing slash stripped except for the root path ("https://a.com/blog/" ->
"https://a.com/blog", "https://a.com/" stays), query kept. Root-relative URLs ("/about") are resolved
against the site's host when one host holds most URLs.
"""
from __future__ import annotations

import re
from typing import Iterable
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import pandas as pd

from inlink.site.tables import SiteDataError

_DEFAULT_PORTS = {"http": 80, "https": 443}
_WHITESPACE = re.compile(r"\s")
EXAMPLES = 3


def examples(items: list[str]) -> str:
    return ", ".join(items[:EXAMPLES]) + (" ..." if len(items) > EXAMPLES else "")


def normalize_url(url: str, base_host: str | None = None) -> str:
    """The one canonical form of a page URL (see the module docstring); SiteDataError if it is not one.

    ``base_host`` ("www.a.com" or "https://www.a.com") resolves root-relative URLs such as "/about".
    """
    text = str(url).strip()
    if not text or _WHITESPACE.search(text):
        raise SiteDataError(f'"{text}" is not a URL' if text else "the URL is empty")
    text = _absolute(text, base_host)
    try:
        parts = urlsplit(text)
        host, port = parts.hostname, parts.port
    except ValueError:   # e.g. "http://[::1" or a port out of range
        raise SiteDataError(f'"{url}" is not a URL') from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not host:
        raise SiteDataError(f'"{url}" is not a URL')
    host = f"[{host}]" if ":" in host else host
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    return urlunsplit((scheme, netloc, path, parts.query, ""))


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
    """'scheme://host' that more than half of the absolute URLs share, else None (vectorised: 50k+ URLs)."""
    prefixes = (pd.Series(list(urls), dtype=object).astype(str).str.strip()
                .str.extract(r"^([A-Za-z][A-Za-z0-9+.-]*://[^/?#\s]+)", expand=False).dropna().str.lower())
    if prefixes.empty:
        return None
    counts = prefixes.value_counts()
    return counts.index[0] if counts.iloc[0] * 2 > len(prefixes) else None


def _distinct(series: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes and distinct values: work done per distinct value, not per row (URLs, anchors repeat a lot)."""
    return pd.factorize(series.astype(str), sort=False)


def _spread(results: list, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Per-distinct-value results laid back onto the rows (code -1, a missing value, gets "")."""
    return pd.Series(np.array(results + [""], dtype=object)[codes], index=index, dtype=object)


def map_distinct(series: pd.Series, function) -> pd.Series:
    """``function`` applied once per distinct value of ``series``."""
    codes, distinct = _distinct(series)
    return _spread([function(value) for value in distinct], codes, series.index)


def _try_normalize(raw: str, base: str | None) -> tuple[str, str]:
    try:
        return normalize_url(raw, base), ""
    except SiteDataError as exc:
        return "", exc.detail


def normalise_series(urls: pd.Series, base: str | None) -> tuple[pd.Series, pd.Series]:
    """(normalised URL or "", error message or "") per row; each distinct URL is parsed once."""
    codes, distinct = _distinct(urls)
    outcomes = [_try_normalize(raw, base) for raw in distinct]
    return (_spread([url for url, _ in outcomes], codes, urls.index),
            _spread([error for _, error in outcomes], codes, urls.index))


def host_warning(urls: pd.Series, what: str) -> list[str]:
    hosts = urls.str.extract(r"^[a-z]+://([^/?#]+)", expand=False).value_counts()
    if len(hosts) <= 1:
        return []
    return [f"{what} span {len(hosts)} hosts ({', '.join(hosts.index[:EXAMPLES])}"
            + (" ..." if len(hosts) > EXAMPLES else "") + "); links are only suggested between listed pages."]
