"""Changelog pages (release notes, "what's new", per-version upgrade notes), told from the titles' shape alone.

Why: a changelog page names the site's API and vocabulary (a heading per changed module, the words of a fix
repeated in every release that got it) without being where any of it is described. As a target it is the right
page only by its own name ("see the Django 1.2 release notes"): a name it lists under a heading is described by
another page (or, once removed, by none an editor would send a reader to), and two releases sharing the words of
one fix are no topic an editor links.

How, on any site and in any language: a changelog is a series of pages whose titles are one template with a
version number in it ("Django 1.9.11 release notes", "What's New In Python 3.7", "Changes in 2.4.x"), and maybe
its date ("SQLite Release 3.0.1 On 2004-06-22"): at least
SERIES_MIN titles that are the same once their version numbers are set aside. A crawl that holds several
versions of the same manual makes such a series of every topic (one title per version): when more than
MAX_SERIES templates form a series, the versions are the site's structure, not a changelog, and none is marked.
"""
from __future__ import annotations

import re
from collections import defaultdict

import numpy as np

VERSION_RE = re.compile(r"\d+(?:\.(?:\d+|x))+", re.IGNORECASE)   # "3.7", "1.9.11", "1.2.X"; not "2021" alone
DATE_RE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")   # a release's date beside its version: "SQLite Release 3.0.1 On 2004-06-22"
SERIES_MIN = 3
MAX_SERIES = 3


def changelog_pages(titles: list[str]) -> np.ndarray:
    """Per page: whether its title is one of a version series (see the module's docstring)."""
    series: dict[str, list[int]] = defaultdict(list)
    for i, title in enumerate(titles):
        if title and VERSION_RE.search(title):
            series[VERSION_RE.sub("#", DATE_RE.sub("#", title)).casefold()].append(i)
    found = np.zeros(len(titles), dtype=bool)
    members = [pages for pages in series.values() if len(pages) >= SERIES_MIN]
    if len(members) <= MAX_SERIES:
        for pages in members:
            found[pages] = True
    return found
