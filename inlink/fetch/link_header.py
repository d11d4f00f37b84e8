"""The canonical a server gives in an HTTP `Link: <url>; rel="canonical"` header (RFC 8288, RFC 6596), which Google
honours as it does the HTML tag: kept apart from the client so that the page row (dataset) reads it as it reads the
page's own <link rel="canonical">."""
from __future__ import annotations

import re

from inlink.fetch.urls import clean_url

#: one link of a Link header: <target> and its parameters, up to the next link's "<" (a target may hold commas)
_LINK = re.compile(r"<([^>]*)>([^<]*)")
_REL = re.compile(r"""(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))""", re.IGNORECASE)


def header_canonical(values: list[str], base: str) -> str:
    """The first target of the Link headers `values` whose rel names "canonical", absolute against `base` (the
    page's final URL); "" when none does, or when it is no http(s) URL."""
    for value in values:
        for target, params in _LINK.findall(value):
            rel = _REL.search(params)
            if rel and "canonical" in (rel.group(1) or rel.group(2) or "").lower().split():
                return clean_url(target.strip(), base=base) or ""
    return ""
