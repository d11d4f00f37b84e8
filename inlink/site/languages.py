"""The language each page is written in, so that links are suggested only between pages of one language.

Why: a site published in several languages (example.com/de/..., /fr/...; or pages whose <html lang> differ)
holds each topic once per language, and a translation shares its code names, product names and numbers with
the original. With every page one pool, a German page was offered links into the English pages that named the
same function. A reader of the German page wants the German one.

Where a page's language comes from, first found:
1. what the page declares: a crawl's "Language" column (Screaming Frog's, from <html lang>), a fetched page's
   <html lang>;
2. its URL, when the site marks its languages there and shows a page translated (_marks_are_languages): a first
   folder ("/de/about", "/pt-br/"), a file name ("index.de.html" as debian.org writes it, "bind.html.fr" as
   Apache's content negotiation does) or a query parameter ("?lang=de", "hl", "locale"). A page with no mark
   on such a site ("/about" beside "/de/about") is in the site's main language, whichever it is: one group of its
   own (NO_MARK), or the language most of those pages declare;
3. else unknown: the page may link to and from pages of any language (one language's site declares none).

Tags are read by babel (CLDR's locales; trafilatura installs it), so "en_US", "en-us" and "EN-US" are one
language, and a URL's mark must be a real two-letter language code ("js", "ui", "faq" are folders, "setup.py.html"
a file). A language written both bare and with one region ("en" and "en-US" from two templates) is one group; two
regions of one language ("en-gb", "en-us": two national editions of a shop) are two.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache

import pandas as pd
from babel import Locale, UnknownLocaleError

UNKNOWN = ""   # a page of no known language: it may link to and from any page
NO_MARK = "/"   # on a site that marks languages in its URLs, a page with no mark (the site's main language)
#: A URL's language mark: a two-letter code, optionally a region, a script or a UN area ("de", "pt-br", "zh_hans",
#: "es-419"). Three-letter codes are left out: real folders ("new", "bas", "lag") are CLDR languages too, and sites
#: mark their languages with two letters.
_TAG = r"[a-z]{2}(?:[-_](?:[a-z]{2}|[a-z]{4}|\d{3}))?"
_FOLDER = re.compile(_TAG, re.IGNORECASE)
#: a URL that may mark a language somewhere (a quick look before the parts are read: most URLs do not)
_MAY_MARK = re.compile(rf"(?:/|\.)(?:{_TAG})(?:[/.?#]|$)|[?&](?:lang|language|hl|locale)=", re.IGNORECASE)
#: a page URL's parts: everything up to its path, its path's folders and the rest
_URL_PATH = re.compile(r"(?P<site>[^:]*://[^/?#]*/)(?P<path>[^?#]*)(?P<rest>.*)")
#: where a page URL's file name or query may mark its language: the mark as group "tag", and the URL without it as
#: "before" + "after"
_MARKS = (re.compile(rf"(?P<before>[^?#]*/[^/?#]+)\.(?P<tag>{_TAG})(?P<after>\.html?(?:\?[^#]*)?)", re.IGNORECASE),
          re.compile(rf"(?P<before>[^?#]*\.html?)\.(?P<tag>{_TAG})(?P<after>(?:\?[^#]*)?)", re.IGNORECASE),
          re.compile(rf"(?P<before>[^?#]*)\?(?:[^#]*&)?(?:lang|language|hl|locale)=(?P<tag>{_TAG})"
                     r"(?:&[^#]*)?(?P<after>)", re.IGNORECASE))


def page_languages(urls: pd.Series, declared: pd.Series) -> pd.Series:
    """Each page's language group (a lower-case tag, "" when unknown), index as `urls`; see the module docstring."""
    tags = [_tag(value) for value in declared.tolist()]
    marked = _url_marks(urls.tolist())
    if marked is not None:
        main = _main_language(tags, marked)
        tags = [tag or mark or main for tag, mark in zip(tags, marked)]
    return pd.Series(_merged_variants(tags), index=urls.index, dtype=object)


def language_counts(languages: pd.Series) -> dict[str, int]:
    """{language: pages} when the site has pages in two languages or more, else {} (nothing to keep apart)."""
    counts = Counter(tag for tag in languages.tolist() if tag != UNKNOWN)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0]))) if len(counts) > 1 else {}


def language_line(languages: dict[str, int]) -> str:
    """The import report's sentence on a site in several languages: which, with their pages, and what it means."""
    named = ", ".join(f"{'no language in the URL' if tag == NO_MARK else tag}: {pages:,}"
                      for tag, pages in languages.items())
    return (f"Pages in {len(languages)} languages ({named}): links are suggested only between pages of the same "
            "language.")


@lru_cache(maxsize=4096)   # a site writes a few tags on thousands of pages
def _tag(value, in_url: bool = False) -> str:
    """`value` as a lower-case language tag ("en-us", "zh-hans-cn"), or "" when it is none. A URL's mark must be
    the code itself: "/in/" (babel: Indonesian's old code) is a folder for India."""
    text = str(value).strip().replace("_", "-") if isinstance(value, str) else ""
    if not text or len(text) > 35:
        return UNKNOWN
    try:
        locale = Locale.parse(text, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return UNKNOWN
    if in_url and locale.language != text[:2].lower():
        return UNKNOWN
    return str(locale).lower().replace("_", "-")


def _url_marks(urls: list[str]) -> list[str] | None:
    """Each URL's language mark's tag ("" for a URL with none), or None when the site marks no languages so."""
    found = [_url_mark(url) for url in urls]
    return [tag for tag, _, _ in found] if _marks_are_languages(found) else None


def _url_mark(url: str) -> tuple[str, str, bool]:
    """(the language tag a URL marks, "" when none; the URL without the mark, for finding its translations; whether
    the URL is a language folder's own page, "/docs/de"). A folder at any depth marks it ("/en/3.2/",
    "/docs/2.4/de/"), the first that is a language; else its file name or its query."""
    if not _MAY_MARK.search(url):
        return UNKNOWN, url, False
    parts = _URL_PATH.fullmatch(url)
    if parts:
        folders = parts["path"].split("/")
        for at, folder in enumerate(folders):
            tag = _tag(folder.lower(), in_url=True) if _FOLDER.fullmatch(folder) else UNKNOWN
            if tag:
                kept = "/".join(folders[:at] + folders[at + 1:])
                return tag, parts["site"] + kept + parts["rest"], at == len(folders) - 1
    for mark in _MARKS:
        found = mark.fullmatch(url)
        if found:
            tag = _tag(found["tag"].lower(), in_url=True)
            if tag:
                return tag, found["before"] + (found["after"] or ""), False
    return UNKNOWN, url, False


def _main_language(tags: list[str], marks: list[str]) -> str:
    """The language of the pages with no language mark: the one most of them declare, else NO_MARK."""
    declared = Counter(tag for tag, mark in zip(tags, marks) if tag and not mark)
    return declared.most_common(1)[0][0] if declared else NO_MARK


def _marks_are_languages(found: list[tuple[str, str, bool]]) -> bool:
    """Whether the URLs' language marks are the site's languages, not words that happen to look so ("/it/" for an
    IT department, "/id/123"): the site shows a page translated, one URL under two marks (/de/install and
    /fr/install, or /install and /de/install; index.en.html and index.de.html; the homes of two language folders,
    /de and /fr, but not a language folder's home beside the site's: every site has a home)."""
    if not any(tag for tag, _, _ in found):
        return False
    versions: dict[str, set] = defaultdict(set)
    for tag, rest, home in found:
        versions[rest.rstrip("/")].add((tag, home))
    for marked in versions.values():
        tags = {tag for tag, _ in marked if tag}
        if len(tags) > 1 or (tags and ("", False) in marked and any(tag and not home for tag, home in marked)):
            return True
    return False


def _merged_variants(tags: list[str]) -> list[str]:
    """The tags with a language written bare and with one variant ("en", "en-us") made one ("en"); a language
    with two variants or more keeps them apart."""
    variants: dict[str, set] = defaultdict(set)
    for tag in set(tags) - {UNKNOWN, NO_MARK}:
        variants[tag.split("-")[0]].add(tag)
    merged = {tag: language for language, found in variants.items() if len(found - {language}) <= 1
              for tag in found}
    return [merged.get(tag, tag) for tag in tags]
