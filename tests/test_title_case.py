"""A site that titles its pages in sentence case ("External blocks", "Making queries"): there a title written
mid-sentence, its first letter lowercased ("see external blocks"), is the title as the site writes it, and may reach
the medium tier (cold start), where on a Title Case site "data types" for "Data Types" stays in the low tier."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from inlink.links.ranking import Option
from inlink.links.row_confidence import capped
from inlink.links.title_case import title_case, titles_in_sentence_case

SENTENCE = ["Route planning", "Packing lists", "Campfire safety", "Water filters", "Trail etiquette", "Tent repair",
            "Reading maps", "First aid kits", "Night walks", "Weather reports", "Using the compass", "Group walks"]
TITLE = [title.title() for title in SENTENCE]


@pytest.mark.parametrize("title, case", [
    ("External blocks", "sentence"), ("The os module", "sentence"), ("Using the compass", "sentence"),
    ("Data Types", "title"), ("Built-in Types", "title"), ("Undo History Dialog", "title"),
    ("Making Queries with the ORM and templates", None),            # mixed
    ("Using SQLite with Python", None),   # a proper noun in sentence case reads as mixed: the title is not counted
    ("JSON", None), ("Go to it", None), ("Appendix B", None), ("Cargo SQL", None),   # nothing after the first word tells
])
def test_a_titles_case_is_told_by_its_longer_words_after_the_first(title, case):
    assert title_case(title) == case


def test_a_site_titles_in_sentence_case_when_most_of_its_titles_that_tell_are_so():
    assert titles_in_sentence_case(SENTENCE)
    assert not titles_in_sentence_case(TITLE)
    assert titles_in_sentence_case(SENTENCE[:8] + TITLE[8:])            # 8 in 12: two thirds
    assert not titles_in_sentence_case(SENTENCE[:7] + TITLE[7:])        # 7 in 12
    assert not titles_in_sentence_case(SENTENCE[:9])                    # too few titles to tell a habit
    assert titles_in_sentence_case(SENTENCE + ["JSON", "Appendix B"] * 20)   # titles that do not tell are not counted


def _index(titles: list[str], links_given: bool = False):
    return SimpleNamespace(dictionary=SimpleNamespace(known=links_given), titles=titles, h1s=titles,
                           texts=[""] * len(titles), urls=[f"https://walks.example/{n}" for n in range(len(titles))],
                           config=SimpleNamespace(medium_confidence=0.5, high_confidence=0.87), derived={})


def _capped(index, text: str, anchor: str, value: float, kind: str = "title", target: int = 0) -> float:
    start = text.index(anchor)
    option = Option(key=tuple(anchor.lower().split()), kind=kind, spans=[], df=2, targets=1, exact=False)
    return capped(index, target, option, SimpleNamespace(text=text, code=None, source=5), (start, start + len(anchor)),
                  value)


def test_a_sentence_case_title_written_mid_sentence_keeps_the_models_confidence_below_the_high_tier():
    text = "Good route planning saves a day on the hills."
    sentence_site, title_site = _index(SENTENCE), _index(TITLE)
    # held out, the Rust Reference (99% of its titles in sentence case): such rows were real links 68 times in 90;
    # django (82%): 30 in 57
    assert _capped(sentence_site, text, "route planning", 0.8) == 0.8
    assert _capped(sentence_site, text, "route planning", 0.95) == 0.86          # the medium tier's share
    assert _capped(sentence_site, text, "route planning", 0.3) == 0.3
    # a Title Case site: the words, not the page (PostgreSQL, GIMP, GNU Octave: 0-7% real links)
    assert _capped(title_site, text, "route planning", 0.8) == 0.49
    # more than the first letter changed, or a title of one word: the words again
    odd_site = _index(["Route Planning"] + SENTENCE[1:])
    assert _capped(odd_site, text, "route planning", 0.8) == 0.49
    one_word = _index(["Routes"] + SENTENCE[1:])
    assert _capped(one_word, "Plan your routes well.", "routes", 0.8) == 0.49
    # with the site's links given, their odds weigh the phrase instead (no cap either way)
    assert _capped(_index(SENTENCE, links_given=True), text, "route planning", 0.95) == 0.95


def test_the_reason_says_the_anchor_is_the_title_as_a_sentence_writes_it(tmp_path, surer_evidence):
    from test_analyzer import BASE, FILLER
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.suggest import analyze_page, build_index

    def rows(titles: list[str]) -> dict:
        pages = [(f"p{n}", title, f"<h1>{title}</h1><p>This page is about {title.lower()} on long walks.</p>"
                                  f"<p>{FILLER}</p>") for n, title in enumerate(titles)]
        pages.append(("guide", "A day out", "<h1>A day out</h1><p>Before you leave, good route planning saves a "
                                            f"day on the hills.</p><p>{FILLER}</p>"))
        index = build_index(_html_site(tmp_path, pages), NO_FLOOR)
        return {r["Destination"]: r for r in analyze_page(index, BASE + "guide")}

    row = rows(SENTENCE)[BASE + "p0"]
    assert row["Anchor"] == "route planning" and row["Tier"] == "medium"
    assert "the target's title as a sentence writes it (this site titles its pages in sentence case)" in row["Reason"]
    row = rows(TITLE)[BASE + "p0"]
    assert row["Anchor"] == "route planning" and row["Tier"] == "low"
    assert "has the words of the target's title" in row["Reason"]
