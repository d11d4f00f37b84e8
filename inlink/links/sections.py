"""A site that refers to its pages by their titles in quotes ('see the “Data Types” section'): whether it does
(quotes_titles, measured on the site), and its quoted section titles as evidence (register_sections: it refers to
its pages' sections the same way, 'see “The Tuple Type” section in Chapter 3').

All the quoted phrases are looked for in one Aho-Corasick pass over the whole site (pyahocorasick): a search per
phrase read the site once per phrase, hours on a large site that quotes thousands of section titles
(bench/bench_sections.py)."""
from __future__ import annotations

import re
from bisect import bisect_right
from typing import TYPE_CHECKING

import numpy as np

from inlink.links.anchors import PhraseIndex
from inlink.links.automata import phrase_automaton
from inlink.links.manual_entries import ENTRY_KINDS
from inlink.links.placement import referred_to
from inlink.links.text import OPENING_QUOTES, TOKEN_RE, occurrences, quoted_phrases

QUOTED_TITLES_MIN = 10   # quoted mentions of titles before a site is said to quote its titles (a habit, not a few)

if TYPE_CHECKING:   # a resumed worker restores a built index and must not import pandas before its first page
    import pandas as pd

    from inlink.links.tokens import SiteTokens


def html_headings(pages: pd.DataFrame) -> list:
    """Per page, the (start, end) of its headings when its text came from HTML, else None (plain text: its
    headings run into the paragraphs)."""
    given = pages["blocks"].tolist() if "blocks" in pages.columns else [None] * len(pages)
    return [None if not isinstance(blocks, (list, tuple)) else
            [(start, end) for kind, start, end in blocks if kind == "heading"] for blocks in given]


def register_sections(index: PhraseIndex, cleaned_titles: list[str], texts: list[str], targets: np.ndarray,
                      headings: list) -> None:
    """A quoted phrase of two or more words, capitalised, that is no page's title and that stands out of quotes on
    exactly one page, a target (where it heads its section), names that page (kind "section", placed only inside its quotes: suggest). Read from the text,
    so plain text finds the sections too; on a page read from HTML (`headings`: its heading blocks, None for
    plain text) the phrase must also head one of its sections. A phrase several pages write out of quotes names
    none of them."""
    titles = {title.lower() for title in cleaned_titles if title}
    wanted = sorted({phrase for text in texts for phrase in quoted_phrases(text)
                     if " " in phrase and phrase[:1].isupper() and phrase.lower() not in titles})
    if not wanted:
        return
    holders, heads = _unquoted_holders(wanted, texts, headings)
    for number, phrase in enumerate(wanted):
        if len(holders[number]) == 1 and heads[number] and targets[page := next(iter(holders[number]))]:
            index.add(phrase, page, "section")


_KIND_AT_END_RE = re.compile(rf"(?:^{ENTRY_KINDS} | {ENTRY_KINDS}$)")   # "Class Counters", "Alias Directive"


def register_headings(index: PhraseIndex, cleaned_titles: list[str], texts: list[str], targets: np.ndarray,
                      headings: list, tokens: SiteTokens) -> None:
    """On a site that does not quote the titles it refers to (HTML input): a heading of two or more words, in Title
    Case or sentence case ("Library Dependencies", "Common Paint Tool Options", "Get your database running"), its
    section number left out ("8.3. Handling Exceptions": a reference writes the words), that heads a section on
    exactly one page, a target, and is no page's title, names that page (kind "section", placed only where a page
    refers the reader to it as written: placement.referred_to) when some other page does so (_cited_headings).
    Why sentence case too: most sites write their headings so (on the development corpora 120 of their links are
    such headings, cited as written after "see"), and a heading's words are a reference only where so cited."""
    titles = {title.lower() for title in cleaned_titles if title}
    found: dict[str, set[int]] = {}
    for page, spans in enumerate(headings):
        for start, end in spans or ():
            heading = _SECTION_NUMBER_RE.sub("", " ".join(texts[page][start:end].strip().rstrip("¶#§").split()), 1)
            if _heading_name(heading) and heading.lower() not in titles:
                found.setdefault(heading, set()).add(page)
    unique = {heading: next(iter(pages)) for heading, pages in found.items()
              if len(pages) == 1 and targets[next(iter(pages))]}
    for heading in sorted(_cited_headings(unique, texts, tokens)):
        index.add(heading, unique[heading], "section")


#: The first words of those that refer the reader to a section ("see", "refer to", "described in"):
#: placement.referred_to reads them whole.
_CUE_WORDS = ("see", "refer", "described", "explained", "discussed", "covered", "documented", "detailed", "shown",
              "listed")
_CUE_REACH = 4   # tokens after a cue word where a heading may start ("described in the section Layers Dialog")
#: A section's number before its heading's words: "8.3. ", "3.6 ", "12. ", "A.2. " (a number alone needs its full
#: stop: "3 Tips" is no numbered "Tips").
_SECTION_NUMBER_RE = re.compile(r"(?:\d{1,3}(?:\.\d{1,3})*\.|\d{1,3}(?:\.\d{1,3})+|[A-Z](?:\.\d{1,3})+\.?)\s+(?=[^\W\d])")


def _cited_headings(headings: dict[str, int], texts: list[str], tokens: SiteTokens) -> set[str]:
    """The headings (heading -> its page) that another page refers the reader to as written ("see Library
    Dependencies": placement.referred_to): only those become phrases, so the words of a heading no page cites
    ("Read the Docs", "Microsoft Windows") take no mention from the names inside them. Found from the site's token
    ids (a cue word, a heading's first word within _CUE_REACH tokens after it), then checked in the text of the few
    pages that have one: searching every page's text cost 0.07-0.6 s on the docs corpus, this a few milliseconds."""
    vocabulary = tokens.vocabulary
    cues = [vocabulary[word] for word in _CUE_WORDS if word in vocabulary]
    by_first: dict[int, list[tuple[str, list[int]]]] = {}
    for heading in headings:
        words = [vocabulary.get(word.lower()) for word in TOKEN_RE.findall(heading)]
        if words and None not in words:
            by_first.setdefault(words[0], []).append((heading, words))
    if not cues or not by_first:
        return set()
    ids = tokens.ids
    is_cue, is_first = np.zeros(len(vocabulary), dtype=bool), np.zeros(len(vocabulary), dtype=bool)
    is_cue[cues] = True
    is_first[list(by_first)] = True
    at = np.flatnonzero(is_cue[ids])
    candidates: set[tuple[int, str]] = set()
    for step in range(1, _CUE_REACH + 1):
        ahead = at[at + step < len(ids)] + step
        hits = ahead[is_first[ids[ahead]]].tolist()
        for hit, page in zip(hits, (np.searchsorted(tokens.ptr, hits, side="right") - 1).tolist()):
            for heading, words in by_first[int(ids[hit])]:
                if headings[heading] != page and ids[hit:hit + len(words)].tolist() == words:
                    candidates.add((page, heading))
    return {heading for page, heading in candidates if _cites(texts[page], heading)}


def _cites(text: str, heading: str) -> bool:
    """Whether the text refers the reader to the heading, as written, somewhere (placement.referred_to)."""
    words = tuple(TOKEN_RE.findall(heading))
    return any(referred_to(text, at, at + len(heading), words) for at in occurrences(text, heading))


def _heading_name(heading: str) -> bool:
    """Two to eight plain words (letters, a hyphen or an apostrophe inside), the first capitalised: Title Case
    ("Library Dependencies", "Layers Dialog") or sentence case ("Making queries", "Providing a C API for
    extensions"); not a name in code shape ("os.path", "get_foo()": its declaration names it), nor an entry's
    name and kind ("RemoveHandler Directive"), whose words the declared name's own mentions would then run into."""
    if not heading[:1].isupper() or not 1 <= heading.count(" ") <= 7:
        return False
    return all(_PLAIN_WORD_RE.fullmatch(word) for word in heading.split(" ")) and not _KIND_AT_END_RE.search(heading)


_PLAIN_WORD_RE = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def _unquoted_holders(wanted: list[str], texts: list[str], headings: list) -> tuple[list[set], list[bool]]:
    """Per phrase, the pages where it stands as whole words out of quotes (at most two: a second one already
    rules the phrase out), and whether one of those places heads a section (always, on a page without heading
    blocks)."""
    starts = np.cumsum([0] + [len(text) + 1 for text in texts[:-1]]).tolist()
    site = "\0".join(texts)
    holders: list[set] = [set() for _ in wanted]
    heads = [False] * len(wanted)
    automaton = phrase_automaton((phrase, number) for number, phrase in enumerate(wanted))
    for last, number in automaton.iter(site):
        if len(holders[number]) >= 2:
            continue
        end = last + 1
        at = end - len(wanted[number])
        if (at == 0 or not (site[at - 1].isalnum() or site[at - 1] in OPENING_QUOTES)) \
                and (end == len(site) or not site[end].isalnum()):
            page = bisect_right(starts, at) - 1
            holders[number].add(page)
            heads[number] = heads[number] or headings[page] is None or any(
                start <= at - starts[page] < stop for start, stop in headings[page])
    return holders, heads


def site_quotes_titles(index) -> bool:
    """quotes_titles of a built index's site (a LinkIndex), kept in index.derived for the run: a restored index
    (saved state, which keeps no derived values) finds it again rather than reading a missing value as "no"."""
    found = index.derived.get("quotes_titles")
    if found is None:
        found = index.derived["quotes_titles"] = quotes_titles(index.titles, index.texts)
    return found


def quotes_titles(titles: list[str], texts: list[str]) -> bool:
    """Whether the site refers to its pages by their titles in quotes ('see the “Data Types” section'): at least
    QUOTED_TITLES_MIN quoted mentions of other pages' titles of two or more words, and at least half of all the
    mentions of those titles, spelled as the title, on pages of another title, stand in quotes. Such a site marks
    its references; its titles' words out of quotes are the words. Measured, not assumed: the share is 0.5-0.8 on
    a prose handbook that does so and 0-0.2 (and fewer than 10 quoted) on reference sites that do not."""
    wanted = {title for title in titles if title and " " in title.strip()}
    quoted: dict[str, int] = {}
    for text, own in zip(texts, titles):
        for named in quoted_phrases(text):
            if named in wanted and named != own:
                quoted[named] = quoted.get(named, 0) + 1
    count = sum(quoted.values())
    if count < QUOTED_TITLES_MIN:
        return False
    return 2 * count >= _title_mentions(quoted, titles, texts, count)


QUOTES_SAMPLE_PAGES = 2000    # pages whose text is searched for every mention of the quoted titles
QUOTES_SAMPLE_TITLES = 200    # the most-quoted titles searched for


def _title_mentions(quoted: dict[str, int], titles: list[str], texts: list[str], count: int) -> float:
    """All mentions of the quoted titles, spelled as the title, on pages of another title (quoted or not).

    Why bounded: each title is searched in each page (titles x pages scans), which a large site quoting hundreds
    of titles would turn into hours. Past QUOTES_SAMPLE_TITLES titles or QUOTES_SAMPLE_PAGES pages, the share is
    measured on the most-quoted titles over pages spread evenly through the site (a habit shows in a sample),
    with the quoted count scaled to the same sample; a smaller site is measured whole, exactly."""
    names = sorted(quoted, key=lambda name: (-quoted[name], name))[:QUOTES_SAMPLE_TITLES]
    step = max(1, -(-len(texts) // QUOTES_SAMPLE_PAGES))
    pages = range(0, len(texts), step)
    mentions = sum((texts[i] or "").count(name) for name in names for i in pages if titles[i] != name)
    kept = sum(quoted[name] for name in names)
    return mentions * (count / kept) * step if (step > 1 or kept < count) else mentions
