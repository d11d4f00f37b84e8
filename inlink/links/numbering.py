"""Numbered references: which page a site's "Chapter 13", "Appendix E" or "Part 2" names.

Books, handbooks and manuals refer to their own parts by number ("as we saw in Chapter 13", "see Appendix E")
far more than by title, and the number is seldom in the page's title: it is in the page's first heading
("Appendix A: Keywords"), its title ("13. Iterators", "Chapter 13: Iterators", "Writing your first app, part 2")
or only in its URL (`ch13-00-functional-features.html`, `chapter-13/`, `13-iterators.html`). A page's number is
read from its own title, H1 or first heading when one of them carries it; else from the last segment of its URL,
when the site's URLs carry a numbering: a series of pages in one folder whose names share a prefix and run
through at least SERIES_NUMBERS distinct numbers, one main page per number (the one with the lowest sub-numbers:
`ch13-00` of `ch13-01`, `ch13-02`). A number is a reference only when exactly one page holds it: a site with
several numbered books (three pages titled "3. ...") has no page that "Chapter 3" names, and a series in which two
pages share one number (dates in blog URLs) is no numbering.

What the reference is called: the word the page's own label uses ("Appendix B"); a number without a word ("13.
Iterators", `13-iterators.html`) answers to "Chapter", "Part" and "Section"; a URL's prefix names its word when it
is one (`ch`, `chap`, `appendix`, `app`, `part`, `pt`, `sec`, `section`), and a prefix of PREFIX_WORD letters or
more is the word its numbers answer to (`tutorial02`: "Tutorial 2", `lesson-3-knots`: "Lesson 3"). Letters number appendices (and any part a
page's own label letters): an appendix series read from URLs letters its pages from 1 (`appendix-01` = Appendix
A); number 0 is the front page of its series (an appendix's or a book's overview), never "A" nor "Chapter 0".

The anchor is the whole reference, "Chapter 13" (never "13" alone, nor "Appendix" without its letter), in running
prose only (the placement rules of every anchor). A possessive ("Chapter 17’s discussion") is left unlinked: the
tokeniser holds "17’s" as one word, so "Chapter 17" there would end inside a word (anchors stand on word
boundaries), and "Chapter 17’s" would put the grammar in the link; it is rare (1 of 326 numbered mentions on a
held-out handbook). "§ 13" is not read: "§" is no word character, so it is no token to anchor on.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Callable, Iterable
from urllib.parse import urlsplit

from inlink.links.automata import phrase_automaton
from inlink.links.text import occurrences

# The kinds of numbered part (the keys: their English words) and their words in the languages manuals are most often
# translated into (German, French, Spanish, Italian, Portuguese, Dutch): a translated manual's labels ("Kapitel 4.
# Authentifizierung ...", "Chapitre 1. ...") and its references ("Abschnitt 7.8, „X-Server-Verbindungen“") use its own
# language's word. Read only where a page's label writes one (an unnamed number answers to the English words, as
# before), so a site in English loses nothing: on the Debian reference in German its references went unread (12 real
# links in the first five rows of its 12 pages with links, against 53 for the English pages).
TRANSLATED_KIND_WORDS = {
    "Chapter": ("Kapitel", "Chapitre", "Capítulo", "Capitolo", "Hoofdstuk"),
    "Appendix": ("Anhang", "Annexe", "Apéndice", "Appendice", "Apêndice", "Bijlage"),
    "Part": ("Teil", "Partie", "Parte", "Deel"),
    "Section": ("Abschnitt", "Sección", "Sezione", "Seção", "Sectie"),
}
KIND_OF = {word: kind for kind, words in TRANSLATED_KIND_WORDS.items() for word in (kind, *words)}
SECTION_WORDS = ("Section", *TRANSLATED_KIND_WORDS["Section"])   # what a section inside a numbered page is called
UNNAMED_WORDS = ("Chapter", "Part", "Section")   # what a bare number ("13. Iterators") answers to
URL_PREFIXES = {"ch": "Chapter", "chap": "Chapter", "chapter": "Chapter", "appendix": "Appendix",
                "app": "Appendix", "part": "Part", "pt": "Part", "sec": "Section", "section": "Section"}
SERIES_NUMBERS = 3       # distinct numbers a run of URLs needs to be a numbering (not "base64", "ipv6")
MAX_NUMBER = 999         # a chapter number, not a year of a dated URL
PREFIX_WORD = 4          # a URL prefix this long is the word its numbers answer to (`tutorial02`: "Tutorial 2")
_LABEL = r"(?P<number>\d{1,3}(?:\.\d{1,3})*|[A-Z])"
_KINDED = r"(?P<word>(?i:" + "|".join(sorted(KIND_OF, key=len, reverse=True)) + r"))\s+" + _LABEL
# "Appendix A: Keywords", "Chapter 13 — Iterators", "Part 2. Operations": a word, the label, a separator
_KINDED_START_RE = re.compile(r"^\s*" + _KINDED + r"(?:\s*[:.\u2013\u2014-]\s+|\s*$)")
# a heading block also "Chapter 3 Setup" (its end is known, so a capital word after the label is its title)
_KINDED_HEADING_RE = re.compile(r"^\s*" + _KINDED + r"(?:\s*[:.\u2013\u2014-]\s+|\s+(?=[A-Z])|\s*$)")
# "13. Iterators", "2.6. Control flow": a bare number and its full stop opening a title (not a version: "3.11.2
# Documentation")
_NUMBER_START_RE = re.compile(r"^\s*(?P<number>\d{1,3}(?:\.\d{1,3})*)\.\s+(?=[^\W\d_])")
# "Writing your first app, part 2", "Setup (Part 1)": the label closing a title
_KINDED_END_RE = re.compile(r"[,:(\u2013\u2014-]\s*" + _KINDED + r"\)?\s*$")
_SEGMENT_RE = re.compile(r"^(?P<prefix>[a-z]+)?[-_]?(?P<numbers>\d{1,4}(?:[-_]\d{1,4})*)(?:[-_][a-z][\w-]*)?$")
_EXTENSION_RE = re.compile(r"\.[a-z]{2,5}$")


def _label(match: re.Match) -> tuple[str | None, str, bool]:
    """(word capitalised or None for a bare number, number without leading zeros / capital letter, whether the
    label writes its word in lowercase: "..., part 2")."""
    number = match.group("number")
    number = number if number.isalpha() else ".".join(str(int(part)) for part in number.split("."))
    word = match.group("word") if "word" in match.re.groupindex else None
    return (word.capitalize() if word else None), number, bool(word) and word.islower()


def own_label(title: str, cleaned_title: str, h1: str, heading: str, text_start: str,
              ) -> tuple[str | None, str, str, bool] | None:
    """The number a page gives itself, from its title, H1 or first heading, as (word or None, number, where it
    stands: "title", "main heading" or "first heading", whether it writes its word in lowercase), or None. `heading`: its first heading
    block (HTML input), else ''; `text_start`: the start of its text (plain text opens with the heading run into
    the paragraph, so only a label followed by a separator counts there)."""
    for candidate, pattern, origin in ((heading, _KINDED_HEADING_RE, "first heading"), (title, _KINDED_START_RE, "title"),
                                       (h1, _KINDED_START_RE, "main heading"),
                                       (text_start, _KINDED_START_RE, "first heading")):
        match = pattern.match(candidate or "")
        if match:
            return (*_label(match)[:2], origin, _label(match)[2])
    match = _KINDED_END_RE.search(cleaned_title or "")
    if match:
        return (*_label(match)[:2], "title", _label(match)[2])
    for candidate, origin in ((title, "title"), (h1, "main heading")):
        match = _NUMBER_START_RE.match(candidate or "")
        if match:
            return (*_label(match)[:2], origin, False)
    return None


def url_segment(url: str) -> tuple[str, str]:
    """(folder, last segment without its extension), lowercased."""
    path = urlsplit(url).path.rstrip("/")
    folder, _, segment = path.rpartition("/")
    return folder.lower(), _EXTENSION_RE.sub("", segment.lower())


def url_labels(urls: list[str], candidates) -> dict[int, tuple[str | None, str, int]]:
    """Page -> (word or None, number, pages of the series under that number) read from the URLs of `candidates`
    (page positions), for the main page of each number of each series that is a numbering (see the module's
    docstring): `ch10-00-generics` of a series with `ch10-01-syntax` and `ch10-02-traits` -> ("Chapter", "10", 3)."""
    series: dict[tuple[str, str], list[tuple[tuple[int, ...], int]]] = defaultdict(list)
    for page in candidates:
        folder, segment = url_segment(urls[page])
        match = _SEGMENT_RE.match(segment)
        if match:
            numbers = tuple(int(part) for part in re.split(r"[-_]", match.group("numbers")))
            series[folder, match.group("prefix") or ""].append((numbers, page))
    labels = {}
    for (_folder, prefix), members in series.items():
        firsts = {numbers[0] for numbers, _page in members}
        if len(firsts) < SERIES_NUMBERS or max(firsts) > MAX_NUMBER \
                or len({numbers for numbers, _page in members}) < len(members):   # two pages, one number
            continue
        word = URL_PREFIXES.get(prefix) or (prefix.capitalize() if len(prefix) >= PREFIX_WORD else None)
        main: dict[int, tuple[tuple[int, ...], int]] = {}
        sizes = Counter(numbers[0] for numbers, _page in members)
        for numbers, page in members:
            if numbers[0] not in main or numbers < main[numbers[0]][0]:
                main[numbers[0]] = (numbers, page)
        for first, (_numbers, page) in main.items():
            if first == 0:
                continue   # the series' front page
            if word == "Appendix":
                if first <= 26:
                    labels[page] = (word, chr(ord("A") + first - 1), sizes[first])
            else:
                labels[page] = (word, str(first), sizes[first])
    return labels


def _references(label: tuple) -> list[str]:
    word, number = label[:2]
    words = (word,) if word else UNNAMED_WORDS if not number.isalpha() else ()
    return [f"{w} {number}" for w in words]


def numbered_pages(urls: list[str], titles: list[str], cleaned_titles: list[str], h1s: list[str],
                   headings: list[str], texts: list[str], targets,
                   ) -> dict[str, list[tuple[int, str, bool, int, str | None]]]:
    """Reference ("Chapter 13", "Appendix E") -> the target pages it names, each as (page, where it carries its number:
    "title", "main heading", "first heading" or "address"; whether its label writes the word in lowercase ("...,
    part 2": the site writes the reference so in running text, "see part 2"); how many pages the site's URLs file under that number: 1
    but for the first page of a chapter its URLs number in several pages; the folder whose pages it names it for,
    or None for every page).

    A page's own label comes first; a URL's label counts only where no page of its folder claims the same reference
    by its own label, nor the page itself the same word (a page titled "..., part 2" at `tutorial02` is "Part 2"
    and "Tutorial 2"). A reference one page claims names it for the whole site. Where two pages claim one
    reference, the site numbers several books or series that way (a docs site's tutorial, reference and guide each
    with its "3. ...", a book's current and old editions), and "Chapter 11" says which chapter, not which book: a
    page refers then to its own folder's numbering ("folder" = its URL's path without the last segment), and only
    where that folder gives each reference of the word to one page; a folder that does not names nothing."""
    own_words: dict[int, set[str]] = defaultdict(set)
    origins, sizes, folders = {}, {}, {}
    claims: dict[tuple[str, str], set[int]] = defaultdict(set)   # (folder, reference) -> pages
    spelled: set[tuple[str, int]] = set()   # (reference, page): the label writes the word ("Chapter 6. ...")
    for page in (int(i) for i in targets):
        folders[page] = url_segment(urls[page])[0]
        label = own_label(titles[page], cleaned_titles[page], h1s[page], headings[page], texts[page][:120])
        for reference in _references(label) if label is not None else ():
            claims[folders[page], reference].add(page)
            own_words[page].add(reference.split()[0])
            origins[reference, page] = label[2:]
            if label[0] is not None:
                spelled.add((reference, page))
    _spelled_first(claims, spelled)
    from_urls: dict[tuple[str, str], set[int]] = defaultdict(set)
    for page, label in url_labels(urls, list(folders)).items():
        sizes[page] = label[2]
        for reference in _references(label):
            if (folders[page], reference) not in claims and reference.split()[0] not in own_words[page]:
                from_urls[folders[page], reference].add(page)
                origins[reference, page] = ("address", False)
    claims.update(from_urls)
    site: dict[str, set[int]] = defaultdict(set)
    for (_folder, reference), pages in claims.items():
        site[reference] |= pages
    several = {reference.split()[0] for reference, pages in site.items() if len(pages) > 1}
    unclear = {(folder, reference.split()[0]) for (folder, reference), pages in claims.items() if len(pages) > 1}
    named: dict[str, list[tuple[int, str, bool, int, str | None]]] = defaultdict(list)
    for (folder, reference), pages in claims.items():
        word, page = reference.split()[0], next(iter(pages))
        if word not in several:
            named[reference].append((page, *origins[reference, page], sizes.get(page, 1), None))
        elif (folder, word) not in unclear:
            named[reference].append((page, *origins[reference, page], sizes.get(page, 1), folder))
    return dict(named)


def _spelled_first(claims: dict[tuple[str, str], set[int]], spelled: set[tuple[str, int]]) -> None:
    """Where a page's label writes a reference with its word ("Chapter 6. Maintenance"), a bare number that only
    answers to it ("6. Acknowledgments", a preface's sixth section) does not claim it too: a handbook numbering its
    preface's sections 1-6 and its chapters 1-15 had no "Chapter 2" to "Chapter 6" at all (two pages claimed each,
    so neither was named). `spelled`: the (reference, page) claims whose label writes the word."""
    written = {reference for reference, _page in spelled}
    for (_folder, reference), pages in list(claims.items()):
        if reference in written:
            pages.intersection_update(page for page in list(pages) if (reference, page) in spelled)
    for key in [key for key, pages in claims.items() if not pages]:
        del claims[key]


def folder_of(url: str) -> str:
    """The folder a numbering scope is named by (numbered_pages): the URL's path without its last segment."""
    return url_segment(url)[0]


#: A section's number opening its heading ("7.6. Sandbox", "11.7.3.2 Configuring PAM", "A.1. Tools"): a number of
#: the page's own, then one or more sub-numbers, then a word.
_SECTION_LABEL_RE = re.compile(r"(?<![\w.])(?P<number>(?:\d{1,3}|[A-Z])(?:\.\d{1,3})+)\.?\s+(?=[^\W\d_])")
#: In plain text, with its full stop ("7.6. Sandbox"): "Python 3.11 adds" is a version in a sentence.
_SECTION_LABEL_IN_TEXT_RE = re.compile(r"(?<![\w.])(?P<number>(?:\d{1,3}|[A-Z])(?:\.\d{1,3})+)\.\s+(?=[^\W\d_])")
INNER_WORD = "Section"   # what a section inside a numbered page is called ("see Section 7.6, “Sandbox”")


def inner_sections(named: dict[str, list[tuple]], section_labels: Callable[[int], set[str]],
                   ) -> dict[str, list[tuple[int, str, bool, int, None]]]:
    """"Section 7.6" -> the page that holds section 7.6 when no page is numbered 7.6 itself: the page a number of its
    own names site-wide ("Chapter 7. GUI System") whose longest such number opens the section's number, and that
    holds a section so numbered (`section_labels(page)`: the section numbers its headings open with, asked only of
    the pages a number names: reading every page's text for them took a third of a second on a docs corpus). Entries
    as numbered_pages' (origin "section heading", one page, site-wide).

    Why: manuals made with DocBook and the like (reference manuals, handbooks, a GUI's help) refer to their parts as
    "Section 7.6, “Sandbox”", and publish one page per chapter, or per section down to some depth: the sections below
    it stand inside a page. On three held-out DocBook sites such references were 55 of 63, 92 of 140 and 341 of 1,085
    in-content links; on one of them, 55 named a section inside a chapter's page and 11 of those pages were
    suggested. A number claimed by two pages (several books numbered alike) or held by two pages names nothing."""
    owners: dict[str, int] = {}
    for reference, entries in named.items():
        word, number = reference.split(" ", 1)
        if word in KIND_OF and len(entries) == 1 and entries[0][4] is None:
            if owners.get(number, entries[0][0]) != entries[0][0]:
                owners[number] = -1            # "Chapter 7" and "Part 7" are two pages: neither owns 7
            else:
                owners[number] = entries[0][0]
    holders: dict[str, set[int]] = defaultdict(set)
    for number, page in owners.items():
        if page < 0:
            continue
        for label in section_labels(page):
            if label.startswith(number + ".") and _longest_owner(label, owners) == number:
                holders[label].add(page)
    return {f"{word} {label}": [(next(iter(pages)), "section heading", False, 1, None)]
            for label, pages in holders.items() if len(pages) == 1
            for word in SECTION_WORDS if f"{word} {label}" not in named}


def _longest_owner(label: str, owners: dict[str, int]) -> str | None:
    """The longest number of `owners` that opens the section number `label` ("11.7" of "11.7.3.2" before "11")."""
    parts = label.split(".")
    return next((".".join(parts[:n]) for n in range(len(parts) - 1, 0, -1) if ".".join(parts[:n]) in owners), None)


def section_labels(text: str, headings: list[str] | None) -> set[str]:
    """The section numbers a page's headings open with (`headings`: its heading blocks' texts, HTML input), or, on
    plain text (None), that stand in it as a heading would write them: the number, a full stop, a word ("7.6.
    Sandbox"); plain text may also number a table so ("Table 7.1. List of ..."), which names the same page."""
    found = (_SECTION_LABEL_RE.match(heading.strip()) for heading in headings) if headings is not None \
        else _SECTION_LABEL_IN_TEXT_RE.finditer(text)
    return {_normal(match.group("number")) for match in found if match}


def _normal(number: str) -> str:
    """A section number without leading zeros ("07.06" -> "7.6")."""
    return ".".join(part if part.isalpha() else str(int(part)) for part in number.split("."))


#: A heading that numbers its section and titles it ("1. The Toolbox", "11.7.3 Configuring PAM")
_TITLED_HEADING_RE = re.compile(r"(?P<number>\d{1,3}(?:\.\d{1,3})*|[A-Z](?:\.\d{1,3})+)\.?\s+(?P<title>[^\W\d].*)$")
MAX_TITLE_WORDS = 12   # a longer heading is a sentence, not a section's title a reference quotes


def titled_sections(headings: Iterable[tuple[int, list[str]]]) -> dict[str, list[tuple[int, str, bool, int, None]]]:
    """'Section 1, “The Toolbox”' -> the one page holding the heading "1. The Toolbox" (`headings`: each page's
    heading texts, HTML input), as numbered_pages' entries (origin 'heading "1. The Toolbox"'). A manual made with
    DocBook writes its cross-references so, and where its sections are numbered within each chapter (a GUI's help:
    every chapter has its "Section 1"), the number alone names no page, the number and the title do (on such a
    held-out manual, 336 of its 341 such links named the one page with that heading). A number and title two pages
    hold name neither."""
    found: dict[str, set[int]] = defaultdict(set)
    origins: dict[str, str] = {}
    for page, texts in headings:
        for heading in texts:
            match = _TITLED_HEADING_RE.match(heading.strip())
            if match and len(match.group("title").split()) <= MAX_TITLE_WORDS:
                reference = f"{INNER_WORD} {_normal(match.group('number'))}, “{match.group('title')}”"
                found[reference].add(page)
                origins[reference] = f'heading "{heading.strip()}"'
    return _held_once(found, origins)


#: A cross-reference to a numbered section with its title in quotes, in any of the section words and their
#: languages' quotes ('Section 2.1.4, “Layer masks”', 'Abschnitt 7.8, „X-Server-Verbindungen“', 'Sección 3, «Capas»'),
#: found from its rare comma and opening quote (_citations), in one pass over the text: a search of the whole text
#: for each section word, or for each opening, cost 5-8 ms each on a docs corpus that cites none
_CITATION_OPENING_RE = re.compile(r', [“"„«]')
_CITED_BEFORE_RE = re.compile(r"(?<!\w)(?P<word>%s) (?P<number>(?:\d{1,3}|[A-Z])(?:\.\d{1,3})*)$"
                              % "|".join(SECTION_WORDS))
_QUOTED_AFTER_RE = re.compile(r"[“\"„«]\s?(?P<title>[^“”\"„«»\n]{1,160}?)\s?[”\"“»]")
_CITED_REACH = 32   # characters before the comma a section word and its number may take ("Abschnitt 12.10.10")


def _citations(text: str):
    """(word, number, title) of each section citation with its title in quotes in the text."""
    for opening in _CITATION_OPENING_RE.finditer(text):
        at = opening.start()
        cited = _CITED_BEFORE_RE.search(text, max(0, at - _CITED_REACH), at)
        quoted = cited and _QUOTED_AFTER_RE.match(text, at + 2)
        if quoted:
            yield cited.group("word"), cited.group("number"), quoted.group("title")


def cited_sections(texts: list[str], pages: list[int]) -> dict[str, list[tuple[int, str, bool, int, None]]]:
    """'Section 2.1.4, “Layer masks”' -> the one page of `pages` (plain text: pages whose headings are unknown) whose
    text holds the section's number, a full stop and its title ("2.1.4. Layer masks"), as a numbered heading writes
    them; entries as titled_sections' (origin 'heading "2.1.4. Layer masks"'). Only the references the site's
    pages write are looked for (_holders: by str.find for a few, else in one Aho-Corasick pass over those pages).

    Why: titled_sections reads the headings of HTML input; plain text runs its headings into its paragraphs, so where a
    heading's title ends is unknown, but a citation's quotes tell it. On a held-out GUI manual's plain export 350 of
    its links were such citations, every one naming the one page holding its number and title (0 other pages)."""
    wanted: dict[str, set[str]] = defaultdict(set)   # "2.1.4. Layer masks" -> its references as cited
    for text in texts:
        for word, number, title in _citations(text):
            title = title.strip()
            if title and len(title.split()) <= MAX_TITLE_WORDS:
                wanted[f"{number}. {title}"].add(f"{word} {_normal(number)}, “{title}”")
    if not wanted or not pages:
        return {}
    holders = _holders(sorted(wanted), [texts[page] for page in pages])
    return {reference: [(pages[next(iter(held))], f'heading "{heading}"', False, 1, None)]
            for heading, held in holders.items() if len(held) == 1 for reference in sorted(wanted[heading])}


def _holders(needles: list[str], texts: list[str]) -> dict[str, set[int]]:
    """Per needle, the texts (by position, at most two: a second rules it out) where it stands on its own: not
    after a word character or a full stop ("12.1.4. X" holds no "2.1.4. X"), not before a word character."""
    found: dict[str, set[int]] = defaultdict(set)
    automaton = phrase_automaton((needle, needle) for needle in needles) if len(needles) > FEW_NEEDLES else None
    for at, text in enumerate(texts):
        for needle, start in _occurrences(needles, automaton, text):
            end = start + len(needle)
            if len(found[needle]) < 2 and (start == 0 or not (text[start - 1].isalnum() or text[start - 1] == ".")) \
                    and (end == len(text) or not text[end].isalnum()):
                found[needle].add(at)
    return found


FEW_NEEDLES = 4   # as many needles as a str.find each costs less than one Aho-Corasick pass (a few ms a corpus)


def _occurrences(needles: list[str], automaton, text: str):
    """(needle, start) of each needle's occurrences in the text: by str.find for a few needles (`automaton` None),
    else by one pass of their Aho-Corasick automaton (automata.phrase_automaton)."""
    if automaton is None:
        for needle in needles:
            yield from ((needle, at) for at in occurrences(text, needle))
        return
    for last, needle in automaton.iter(text):
        yield needle, last + 1 - len(needle)


def _held_once(found: dict[str, set[int]], origins: dict[str, str]) -> dict[str, list[tuple[int, str, bool, int, None]]]:
    """The references one page holds, as numbered_pages' entries (one page, site-wide) with their origin."""
    return {reference: [(next(iter(pages)), origins[reference], False, 1, None)]
            for reference, pages in found.items() if len(pages) == 1}


CAPTION_WORDS = ("Table", "Example", "Figure", "Listing", "Procedure", "Equation")
#: A caption opening a block: its word, its number and a full stop ("Table 28.2. Collected Statistics Views")
_CAPTION_RE = re.compile(r"(?P<word>%s) (?P<number>\d{1,3}(?:\.\d{1,3})*|[A-Z](?:\.\d{1,3})+)\.\s+\S"
                         % "|".join(CAPTION_WORDS))


def is_caption(block_text: str) -> bool:
    """Whether a block opens with a numbered caption ("Table 28.2. ..."): numbered_captions reads only those."""
    return block_text.startswith(CAPTION_WORDS) and _CAPTION_RE.match(block_text) is not None


def numbered_captions(captions: Iterable[tuple[int, list[str]]]) -> dict[str, list[tuple[int, str, bool, int, None]]]:
    """"Table 28.2" -> the one page whose block opens with that caption (`captions`: each page's caption blocks,
    HTML input), as numbered_pages' entries (origin 'caption "Table 28.2. Collected Statistics Views"'). Manuals
    made with DocBook number their tables, examples and figures through each chapter and refer to them so, and
    the page holding one is the link (a held-out database manual: 54 of its in-content links)."""
    found: dict[str, set[int]] = defaultdict(set)
    origins: dict[str, str] = {}
    for page, texts in captions:
        for text in texts:
            match = _CAPTION_RE.match(text)
            if match:
                reference = f"{match.group('word')} {_normal(match.group('number'))}"
                found[reference].add(page)
                origins[reference] = f'caption "{text.strip()[:80]}"'
    return _held_once(found, origins)
