"""Rules from the held-out sites' reads (heldout7), each meant for any site, on text written for these tests: a
shared term stays in the low tier whatever its words; a site that refers to its pages by quoted titles says so,
and there a title's words out of quotes, or a key phrase, stay in the low tier (cold start)."""
from __future__ import annotations

from types import SimpleNamespace

from inlink.links.ranking import Option
from inlink.links.suggest import _capped
from inlink.links.text import quotes_titles

TITLES = ["Packing Lists", "Route Planning", "Campfire Safety", "Water Filters", "Trail Etiquette", "Tent Repair"]


def _pages(quoted: int, plain: int) -> tuple[list[str], list[str]]:
    """Six guide pages; the first mentions other pages' titles `quoted` times in quotes and `plain` times bare."""
    texts = [f"{title}. This page covers {title.lower()} for long walks in the hills." for title in TITLES]
    others = TITLES[1:]
    quoted_part = " ".join(f"See the “{others[i % len(others)]}” section before you leave." for i in range(quoted))
    plain_part = " ".join(f"{others[i % len(others)]} matters on every walk." for i in range(plain))
    texts[0] += f" {quoted_part} {plain_part}"
    return TITLES, texts


def test_a_site_quotes_its_titles_only_when_most_mentions_of_them_are_quoted_and_there_are_enough():
    assert quotes_titles(*_pages(quoted=12, plain=4))
    assert not quotes_titles(*_pages(quoted=12, plain=30))   # most mentions bare: no habit of quoting
    assert not quotes_titles(*_pages(quoted=6, plain=0))     # a few quotes are no habit
    titles, texts = _pages(quoted=12, plain=0)
    texts[0] = texts[0].replace("“", "").replace("”", "")
    assert not quotes_titles(titles, texts)


def _index(quoting: bool):
    titles, texts = _pages(quoted=12 if quoting else 0, plain=0 if quoting else 12)
    return SimpleNamespace(dictionary=SimpleNamespace(known=False), titles=titles, h1s=titles, texts=texts,
                           urls=[f"https://walks.example/{t.lower().replace(' ', '-')}" for t in titles],
                           config=SimpleNamespace(medium_confidence=0.5), derived={})


def _capped_value(index, kind: str, text: str, anchor: str, exact: bool = False, target: int = 1) -> float:
    start = text.index(anchor)
    option = Option(key=tuple(anchor.lower().split()), kind=kind, spans=[], df=2, targets=1, exact=exact)
    return _capped(index, target, option, text, (start, start + len(anchor)), 0.8)


def test_a_shared_term_stays_in_the_low_tier_even_when_it_is_an_identifier_or_a_title_word():
    index = _index(quoting=False)
    text = "Set route_depth before planning the route."
    assert _capped_value(index, "shared", text, "route_depth") == 0.49
    assert _capped_value(index, "shared", "Plan the route first.", "route") == 0.49
    assert _capped_value(index, "key", text, "route_depth") == 0.8   # a key phrase naming it keeps its tier


def test_on_a_site_that_quotes_titles_bare_title_words_and_key_phrases_stay_in_the_low_tier():
    quoting, plain = _index(quoting=True), _index(quoting=False)
    bare = "Good route planning saves a day."
    quoted = "Read “Route Planning” first."
    assert _capped_value(quoting, "title", bare, "route planning") == 0.49
    assert _capped_value(plain, "title", bare, "route planning") == 0.8        # the site does not quote its titles
    assert _capped_value(quoting, "title", quoted, "Route Planning", exact=True) == 0.8
    assert _capped_value(quoting, "title", "Read “route planning” first.", "route planning") == 0.8   # in quotes
    assert _capped_value(quoting, "defined", bare, "route planning") == 0.8    # a name the target declares
    assert _capped_value(quoting, "key", bare, "route planning") == 0.49
    assert _capped_value(plain, "key", bare, "route planning") == 0.8
    links_given = _index(quoting=True)
    links_given.dictionary.known = True
    assert _capped_value(links_given, "title", bare, "route planning") == 0.8   # the site's links weigh it instead
