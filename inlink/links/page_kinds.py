"""What kind of page each page of a site is, read from the site's own text: near-empty pages and short "moved"
stubs (thin_pages), pages that say they moved (moved_pages), old copies made from one template (old_copies), and
pages that say they describe a version or an interface since replaced (historical_pages).
Such pages rank below, or are never, the link target of choice: an editor links the page that covers the topic.
"""
from __future__ import annotations

import re

_MOVED_RE = re.compile(r"\b(?:moved|renamed|relocated|redirect(?:s|ed)?|superseded|has been replaced|"
                       r"no longer (?:maintained|available))\b", re.IGNORECASE)
THIN_WORDS = 60        # a page with fewer words covers no topic well enough to be a link target of choice
STUB_WORDS = 250       # a short page that says it moved or was renamed is a pointer to the real page


def word_counts(texts: list[str]) -> list[int]:
    """Each text's words, as its spaces + 1 (0 for an empty text): counted once for thin_pages and old_copies
    (a pass over a site's text: 15 ms on the docs corpus, whose pages are mostly not ASCII)."""
    return [text.count(" ") + 1 if text else 0 for text in texts]


def thin_pages(titles: list[str], texts: list[str], words: list[int] | None = None) -> list[bool]:
    """Near-empty pages and short "moved / renamed" stubs: they rank below the page that covers the topic.

    "Near-empty" is relative to the site (a quarter of its median page, at most THIN_WORDS words), so a
    site of short pages does not mark them all. `words`: word_counts(texts), when the caller has them.
    """
    words = word_counts(texts) if words is None else words
    median = sorted(words)[len(words) // 2] if words else 0
    thin, stub = min(THIN_WORDS, median / 4), min(STUB_WORDS, median)
    return [count < thin or (count < stub and bool(_MOVED_RE.search(f"{title} {(text or '')[:600]}")))
            for title, text, count in zip(titles, texts, words)]


_SAYS_IT_MOVED_RE = re.compile(
    r"\b(?:this|the) (?:page|document|article|section|chapter|guide|topic)s? (?:has|have|was|were|is|are)"
    r"(?: been| now)? (?:moved|renamed|relocated|retired|superseded|replaced|merged)\b"
    r"|\b(?:has|have) (?:been )?(?:moved|relocated) to\b", re.IGNORECASE)
MOVED_HEAD_CHARS = 400   # where a stub says so: its opening lines, not a long page's history of renames
# A page saying it is an old edition's page that a newer one replaced ("There is a new edition of the book and this
# is an old link.", "This is an outdated page."): a pointer like a moved page, unless the site's long pages open with
# the same words (then it is a banner over an old version of the whole site, every page alike).
_SAYS_IT_IS_OLD_RE = re.compile(
    r"\bthere is a new(?:er)? (?:edition|version) of (?:this|the) (?:book|page|document|guide|manual|documentation)\b"
    r"|\bthis (?:is|page is) an? (?:old|outdated|obsolete) (?:link|page|url|edition|version)\b", re.IGNORECASE)


def moved_pages(texts: list[str]) -> list[bool]:
    """Short pages that say of themselves that they moved ("This page has moved. ... see X") or that a newer
    edition replaced them ("There is a new edition of the book and this is an old link."): not targets.

    Why: such a page keeps its old title, so a mention of that title matches it better than the page that now
    covers the topic, and the thin-target penalty alone still left it at medium tier; an editor links the new
    page (the stub is a pointer, or a redirect once the site is cleaned). Stricter than thin_pages' wording
    test (the page itself moved, in its opening lines, under STUB_WORDS words): a release note saying a module
    "was renamed" or a fix of an "open redirect" is a real page. An old edition's wording counts only when no
    long page opens with it: on a site whose every page carries an "old version" banner, the short pages are
    no more stubs than the long ones.
    """
    moved = [_says(text, _SAYS_IT_MOVED_RE) for text in texts]
    old = [_says(text, _SAYS_IT_IS_OLD_RE) for text in texts]
    if any(says is False for says in old):   # a long page opens with it: a banner
        return [says is True for says in moved]
    return [True in pair for pair in zip(moved, old)]


def _says(text: str, wording: re.Pattern) -> bool | None:
    """Whether the text's opening lines say it (True on a short page, False on a long one), None if not.
    The opening first: counting a long page's words costs more."""
    if not text or not wording.search(text[:MOVED_HEAD_CHARS]):
        return None
    return text.count(" ") + 1 < STUB_WORDS


_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+")
COPY_LONGER = 4          # the page that covers the topic has at least this many times an old copy's words
TEMPLATE_SENTENCE_WORDS = 5   # sentences this long or longer are compared between pages


def old_copies(titles: list[str], texts: list[str], words: list[int] | None = None) -> list[bool]:
    """Short pages that keep the title of a page with COPY_LONGER times their words, and whose text is mostly
    (at least half its words) sentences that stand word for word on several other short pages (max(3, 1% of the
    pages)): an old edition's or a moved page's stub made from one template ("The 2nd edition of this guide is no
    longer published. You may want the current version instead."), a pointer to the real page, not a target.

    Why both tests: the same title on a short page alone also marks real section index pages (a "Models" page
    listing a chapter), and a templated short text alone marks real release notes; a template stub that copies a
    real page's title is neither. No wording is assumed, so a stub in any phrasing or language is found.
    `words`: word_counts(texts), when the caller has them.
    """
    words = word_counts(texts) if words is None else words
    longest: dict[str, int] = {}
    for title, count in zip(titles, words):
        if title:
            longest[title.lower()] = max(longest.get(title.lower(), 0), count)
    candidates = [i for i, (title, count) in enumerate(zip(titles, words))
                  if title and 0 < count < STUB_WORDS and longest[title.lower()] >= COPY_LONGER * count]
    flags = [False] * len(texts)
    if not candidates:
        return flags
    short = [i for i, count in enumerate(words) if 0 < count < STUB_WORDS]
    sentences = {i: {s for s in _SENTENCE_SPLIT_RE.split(texts[i]) if s.count(" ") + 1 >= TEMPLATE_SENTENCE_WORDS}
                 for i in short}
    pages_with: dict[str, int] = {}
    for found in sentences.values():
        for sentence in found:
            pages_with[sentence] = pages_with.get(sentence, 0) + 1
    repeated = max(3, len(texts) // 100)
    for i in candidates:
        templated = sum(s.count(" ") + 1 for s in sentences[i] if pages_with[s] > repeated)
        flags[i] = 2 * templated >= words[i]
    return flags


_SAYS_IT_IS_HISTORY_RE = re.compile(
    r"\b(?:this|the) (?:page|document|article|chapter|guide|manual)s? (?:describes?|documents?|covers?|is about) "
    r"[^.]{0,80}\b(?:deprecated|obsolete|superseded|no longer supported)\b"
    r"|\b(?:this|the) (?:page|document|article|chapter|guide|manual)s? (?:is|are) (?:obsolete|outdated|deprecated|"
    r"retained (?:only )?(?:as part of|for) the historical record)\b", re.IGNORECASE)


def historical_pages(texts: list[str]) -> list[bool]:
    """Pages that say of themselves, in their opening lines, that they describe what was since replaced ("This
    document describes SQLite version 2, which was deprecated and replaced by SQLite3 in 2004"): kept for the
    record, so a name they declare beside the current reference is the reference's (naming._keep_reference_definers).
    The page's own words about itself only: a page on a deprecated function ("sqlite3_expired() is deprecated") is
    that function's page."""
    return [bool(text) and bool(_SAYS_IT_IS_HISTORY_RE.search(text[:MOVED_HEAD_CHARS])) for text in texts]
