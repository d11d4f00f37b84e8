"""How a site capitalises its pages' titles, sentence case ("External blocks", "Making queries") or Title Case
("Data Types", "Undo History"), and whether an anchor is a title as a sentence writes it ("see external blocks").

Why: cold start, a title's words in another capitalisation are mostly the words, not a reference to the page
("data types" for the page "Data Types": row_confidence.capped keeps them below the medium tier). But where the
site titles its pages in sentence case, a sentence that names a page mid-sentence lowercases the title's first
letter and nothing else: that is the title as the site writes it. Measured cold start on HTML input, every row at
floor 0 of a title of two words or more spelled so: real links 30 times in 57 on django (82% of its titles in
sentence case) and 68 in 90 on the Rust Reference (99%); the same shape on sites that title their pages in Title
Case, where it is a title in sentence case by chance ("Dynamic SQL", "Indexed mode"), 2 in 19 (python 15% of its
titles in sentence case, PostgreSQL 4%, GIMP 10%, GNU Octave, Apache and the Rust book 2-7%, with no such row).
The share of real links is the medium tier's, so such a row may reach it, not the high tier.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from inlink.links.text import title_head

if TYPE_CHECKING:
    from inlink.links.index import LinkIndex

SENTENCE_CASE_SITE = 2 / 3   # the share of a site's titles in sentence case (of those that tell) that makes it one
TELLING_TITLES_MIN = 10      # titles that tell their case, at least, before a site is judged by them
CASED_WORD_CHARS = 4         # a word after the first this long or longer tells the case ("of", "the", "Go" do not)


def title_case(title: str) -> str | None:
    """'sentence' when every word after the first that tells (CASED_WORD_CHARS letters or more, not an acronym)
    is lowercase, 'title' when each is capitalised, None when they are mixed or none tells ("JSON", "The os
    module" is sentence case; "Built-in Types" Title Case)."""
    words = title.split()
    telling = [word for word in words[1:] if word.isalpha() and len(word) >= CASED_WORD_CHARS and not word.isupper()]
    if not telling:
        return None
    lower = sum(word[0].islower() for word in telling)
    return "sentence" if lower == len(telling) else "title" if lower == 0 else None


def titles_in_sentence_case(titles: list[str]) -> bool:
    """Whether the site titles its pages in sentence case: at least SENTENCE_CASE_SITE of its titles that tell
    their case (TELLING_TITLES_MIN at least) are in sentence case."""
    cases = [case for case in map(title_case, dict.fromkeys(titles)) if case is not None]
    return len(cases) >= TELLING_TITLES_MIN and cases.count("sentence") >= SENTENCE_CASE_SITE * len(cases)


def site_titles_in_sentence_case(index: LinkIndex) -> bool:
    """titles_in_sentence_case of a built index's site, kept in index.derived for the run."""
    found = index.derived.get("titles_in_sentence_case")
    if found is None:
        found = index.derived["titles_in_sentence_case"] = titles_in_sentence_case(index.titles)
    return found


def title_as_sentence_writes_it(index: LinkIndex, target: int, anchor: str) -> bool:
    """The anchor is the target's title, H1 or title head of two words or more with only its first letter
    lowercased ("external blocks" of "External blocks"), on a site that titles its pages in sentence case."""
    if not anchor[:1].islower() or " " not in anchor:
        return False
    title = index.titles[target]
    names = (title, index.h1s[target], title_head(title))
    return any(name[:1].isupper() and name[1:] == anchor[1:] and name[:1].lower() == anchor[:1] for name in names) \
        and site_titles_in_sentence_case(index)
