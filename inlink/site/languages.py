"""The language each page is written in, so that links are suggested only between pages of one language.

Why: a site published in several languages (example.com/de/..., /fr/...; or pages whose <html lang> differ)
holds each topic once per language, and a translation shares its code names, product names and numbers with
the original. With every page one pool, a German page was offered links into the English pages that named the
same function. A reader of the German page wants the German one.

Where a page's language comes from, first found:
1. what the page declares: a crawl's "Language" column (Screaming Frog's, from <html lang>), a fetched page's
   <html lang>;
2. its URL, when the site lays its languages out in folders: the URL's first path segment is a language tag
   ("de", "pt-br", "zh_Hans") and the site shows it translated (see _folders_are_languages);
   A page outside the language folders of such a site (example.com/about beside example.com/de/about) is in
   the site's main language, whichever it is: one group of its own (NO_FOLDER);
3. else unknown: the page may link to and from pages of any language (one language's site declares none).

Tags are read by babel (CLDR's locales; trafilatura installs it), so "en_US", "en-us" and "EN-US" are one
language, and a URL segment must be a real two-letter language code ("js", "ui", "faq" are folders). A language
written both bare and with one region ("en" and "en-US" from two templates) is one group; two regions of one
language ("en-gb", "en-us": two national editions of a shop) are two.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache

import pandas as pd
from babel import Locale, UnknownLocaleError

UNKNOWN = ""   # a page of no known language: it may link to and from any page
NO_FOLDER = "/"   # on a site laid out in language folders, a page in none (the site's main language)
#: A URL folder that may name a language: a two-letter code, optionally a region, a script or a UN area
#: ("de", "pt-br", "zh_hans", "es-419"). Three-letter codes are left out: real folders ("new", "bas", "lag") are
#: CLDR languages too, and sites write their language folders with two letters.
#: a normalised page URL's host, first path segment and the rest of its path (query and fragment dropped)
_URL_PARTS = re.compile(r"[^:]*://([^/?#]*)/?([^/?#]*)/?([^?#]*)")
_NO_PARTS = re.match(r"()()()", "")
_FOLDER_TAG = re.compile(r"[a-z]{2}(?:[-_](?:[a-z]{2}|[a-z]{4}|\d{3}))?")


def page_languages(urls: pd.Series, declared: pd.Series) -> pd.Series:
    """Each page's language group (a lower-case tag, "" when unknown), index as `urls`; see the module docstring."""
    tags = [_tag(value) for value in declared.tolist()]
    folders = _url_folders(urls.tolist())
    if folders is not None:
        main = _main_language(tags, folders)
        tags = [tag or folder or main for tag, folder in zip(tags, folders)]
    return pd.Series(_merged_variants(tags), index=urls.index, dtype=object)


def language_counts(languages: pd.Series) -> dict[str, int]:
    """{language: pages} when the site has pages in two languages or more, else {} (nothing to keep apart)."""
    counts = Counter(tag for tag in languages.tolist() if tag != UNKNOWN)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0]))) if len(counts) > 1 else {}


def language_line(languages: dict[str, int]) -> str:
    """The import report's sentence on a site in several languages: which, with their pages, and what it means."""
    named = ", ".join(f"{'no language folder' if tag == NO_FOLDER else tag}: {pages:,}"
                      for tag, pages in languages.items())
    return (f"Pages in {len(languages)} languages ({named}): links are suggested only between pages of the same "
            "language.")


@lru_cache(maxsize=4096)   # a site writes a few tags on thousands of pages
def _tag(value, folder: bool = False) -> str:
    """`value` as a lower-case language tag ("en-us", "zh-hans-cn"), or "" when it is none. A folder must be
    the code itself: "in" (babel: Indonesian's old code) is a folder for India."""
    text = str(value).strip().replace("_", "-") if isinstance(value, str) else ""
    if not text or len(text) > 35:
        return UNKNOWN
    try:
        locale = Locale.parse(text, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return UNKNOWN
    if folder and locale.language != text[:2].lower():
        return UNKNOWN
    return str(locale).lower().replace("_", "-")


def _url_folders(urls: list[str]) -> list[str] | None:
    """Each URL's language folder's tag ("" for a URL in none), or None when the site is not laid out so."""
    keys, rests = [], []
    for url in urls:
        host, first, rest = (_URL_PARTS.match(url) or _NO_PARTS).groups()
        tag = _tag(first.lower(), folder=True) if _FOLDER_TAG.fullmatch(first.lower()) else UNKNOWN
        keys.append(tag)
        rests.append((host, rest if tag else f"{first}/{rest}".strip("/")))
    return keys if _folders_are_languages(keys, rests) else None


def _main_language(tags: list[str], folders: list[str]) -> str:
    """The language of the pages in no language folder: the one most of them declare, else NO_FOLDER."""
    declared = Counter(tag for tag, folder in zip(tags, folders) if tag and not folder)
    return declared.most_common(1)[0][0] if declared else NO_FOLDER


def _folders_are_languages(keys: list[str], rests: list[tuple[str, str]]) -> bool:
    """Whether the language-named folders are the site's languages, not folders that happen to be named so ("/it/"
    for an IT department, "/id/123"): the site shows a page translated -- one path under two languages
    (/de/install and /fr/install, or /install and /de/install) -- or the home pages of two language folders."""
    if not any(keys):
        return False
    languages_of: dict[tuple[str, str], set] = defaultdict(set)
    for key, rest in zip(keys, rests):
        languages_of[rest].add(key)
    homes = {key for key, (_, rest) in zip(keys, rests) if key and not rest}
    return len(homes) > 1 or any(len(found) > 1 for (_, rest), found in languages_of.items() if rest)


def _merged_variants(tags: list[str]) -> list[str]:
    """The tags with a language written bare and with one variant ("en", "en-us") made one ("en"); a language
    with two variants or more keeps them apart."""
    variants: dict[str, set] = defaultdict(set)
    for tag in set(tags) - {UNKNOWN, NO_FOLDER}:
        variants[tag.split("-")[0]].add(tag)
    merged = {tag: language for language, found in variants.items() if len(found - {language}) <= 1
              for tag in found}
    return [merged.get(tag, tag) for tag in tags]
