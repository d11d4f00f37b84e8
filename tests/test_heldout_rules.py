"""Rules from the held-out sites' reads (heldout7), each meant for any site, on text written for these tests: a
shared term stays in the low tier whatever its words; a site that refers to its pages by quoted titles says so,
and there a title's words out of quotes, or a key phrase, stay in the low tier (cold start)."""
from __future__ import annotations

import pickle

import pytest

from types import SimpleNamespace

from inlink.links.ranking import Option
from inlink.links.row_confidence import capped
from inlink.links.sections import quotes_titles

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


def test_a_large_site_is_measured_on_a_sample_with_the_same_answer(monkeypatch):
    """Searching every quoted title in every page costs titles x pages; a large site is measured on its
    most-quoted titles over pages spread through it, which must tell a quoting habit from its absence alike."""
    from inlink.links import sections as text

    def site(plain_each: int):
        titles, texts = [], []
        for n in range(60):                       # 60 pages, each quoting the next page's title twice
            titles.append(f"Camp Topic {n} Notes")
            texts.append(f"About camping {n}. See “Camp Topic {(n + 1) % 60} Notes” and “Camp Topic {(n + 2) % 60} Notes”. "
                         + " ".join(f"Camp Topic {(n + 3) % 60} Notes matters." for _ in range(plain_each)))
        return titles, texts
    exact = [quotes_titles(*site(plain)) for plain in (1, 6)]
    monkeypatch.setattr(text, "QUOTES_SAMPLE_PAGES", 12)
    monkeypatch.setattr(text, "QUOTES_SAMPLE_TITLES", 10)
    assert exact == [True, False]
    assert [quotes_titles(*site(plain)) for plain in (1, 6)] == exact


def _index(quoting: bool):
    titles, texts = _pages(quoted=12 if quoting else 0, plain=0 if quoting else 12)
    return SimpleNamespace(dictionary=SimpleNamespace(known=False), titles=titles, h1s=titles, texts=texts,
                           urls=[f"https://walks.example/{t.lower().replace(' ', '-')}" for t in titles],
                           config=SimpleNamespace(medium_confidence=0.5, high_confidence=0.87), derived={})


def _capped_value(index, kind: str, text: str, anchor: str, exact: bool = False, target: int = 1, source: int = 0,
                  value: float = 0.8) -> float:
    start = text.index(anchor)
    option = Option(key=tuple(anchor.lower().split()), kind=kind, spans=[], df=2, targets=1, exact=exact)
    page = SimpleNamespace(text=text, code=None, source=source)
    return capped(index, target, option, page, (start, start + len(anchor)), value)


def test_a_shared_term_stays_in_the_low_tier_even_when_it_is_an_identifier_or_a_title_word():
    index = _index(quoting=False)
    text = "Set route_depth before planning the route."
    assert _capped_value(index, "shared", text, "route_depth") == 0.49
    assert _capped_value(index, "shared", "Plan the route first.", "route") == 0.49
    assert _capped_value(index, "key", text, "route_depth") == 0.8   # a key phrase naming it keeps its tier


def test_bare_title_words_and_key_phrases_of_words_stay_in_the_low_tier_identifiers_too_where_titles_are_quoted():
    quoting, plain = _index(quoting=True), _index(quoting=False)
    bare = "Good route planning saves a day."
    quoted = "Read “Route Planning” first."
    assert _capped_value(quoting, "title", bare, "route planning") == 0.49
    # any site: a title's words in another capitalisation were real links 0-10% of the time on held-out manuals
    assert _capped_value(plain, "title", bare, "route planning") == 0.49
    assert _capped_value(plain, "title", "Read Route Planning first.", "Route Planning", exact=True) == 0.8
    assert _capped_value(quoting, "title", quoted, "Route Planning", exact=True) == 0.8
    assert _capped_value(quoting, "title", "Read “route planning” first.", "route planning") == 0.8   # in quotes
    assert _capped_value(quoting, "defined", bare, "route planning") == 0.8    # a name the target declares
    assert _capped_value(quoting, "key", bare, "route planning") == 0.49
    # any site: a key phrase of words weighs most in the target but names nothing (held-out manuals: 0-27% links)
    assert _capped_value(plain, "key", bare, "route planning") == 0.49
    assert _capped_value(plain, "key", "Set RoutePlanner.depth first.", "RoutePlanner.depth") == 0.8   # a name
    assert _capped_value(quoting, "key", "Set RoutePlanner.depth first.", "RoutePlanner.depth") == 0.49
    links_given = _index(quoting=True)
    links_given.dictionary.known = True
    assert _capped_value(links_given, "title", bare, "route planning") == 0.8   # the site's links weigh it instead


def test_a_plain_word_declared_as_a_function_is_medium_at_best_and_low_unless_the_model_is_sure():
    # GNU Octave, Maxima (Texinfo): such rows were real links 55% of the time where the model said high, 33-47% where
    # it said medium; a code-shaped name keeps the model's figure, and with the site's links given, so does the word
    index = _index(quoting=False)
    text = "Call glaze on each piece, or glaze_count for a tally."
    assert _capped_value(index, "defined", text, "glaze", exact=True, value=0.95) == 0.86
    assert _capped_value(index, "defined", text, "glaze", exact=True, value=0.8) == 0.49
    assert _capped_value(index, "defined", text, "glaze", exact=True, value=0.3) == 0.3
    assert _capped_value(index, "defined", text, "glaze_count", exact=True, value=0.8) == 0.8
    index.dictionary.known = True
    assert _capped_value(index, "defined", text, "glaze", exact=True, value=0.8) == 0.8


def test_a_word_of_the_sources_own_title_names_its_own_subject_below_the_high_tier():
    # "Duplicate" on "Duplicate layer", "PL/Perl" on "PL/Perl Functions": held-out manuals 42 real links in 90
    index = _index(quoting=False)
    index.titles = index.h1s = ["Packing Lists", "Route Planning for Groups"] + TITLES[2:]
    text = "Route Planning matters on every walk."
    assert _capped_value(index, "title", text, "Route Planning", exact=True, source=1, value=0.95) == 0.86
    assert _capped_value(index, "title", text, "Route Planning", exact=True, source=0, value=0.95) == 0.95
    assert _capped_value(index, "title", text, "Route Planning", exact=True, source=1, value=0.6) == 0.6
    index.dictionary.known = True   # with the site's links given, their odds weigh it instead
    assert _capped_value(index, "title", text, "Route Planning", exact=True, source=1, value=0.95) == 0.95


def _command_pages():
    from test_analyzer import FILLER
    return [("duplicate", "Duplicate", "<h1>Duplicate</h1><p>The Duplicate command makes a copy of the whole image in "
             f"a new window, with every layer, channel and path of the original.</p><p>{FILLER}</p>"),
            ("duplicate-layer", "Duplicate Layer", "<h1>Duplicate Layer</h1><p>Choose Duplicate in the context menu "
             f"of the Layers dialog to copy the active layer.</p><p>{FILLER}</p>"),
            ("other", "Other notes", f"<h1>Other notes</h1><p>{FILLER}</p>")]


def test_a_command_named_on_a_page_titled_with_it_is_checked_not_sure(tmp_path, monkeypatch):
    from test_analyzer import BASE
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links import row_confidence, suggest

    index = suggest.build_index(_html_site(tmp_path, _command_pages()), NO_FLOOR)
    rows = [r for r in suggest.analyze_page(index, BASE + "duplicate-layer") if r["Anchor"] == "Duplicate"]
    assert [(r["Destination"], r["Tier"]) for r in rows] == [(BASE + "duplicate", "medium")]
    assert "also this page's own title" in rows[0]["Reason"]
    monkeypatch.setattr(row_confidence, "in_own_title", lambda *_args: False)   # the same row, judged without the rule
    assert [r["Tier"] for r in suggest.analyze_page(index, BASE + "duplicate-layer") if r["Anchor"] == "Duplicate"] \
        == ["high"]


STUB = ("{title}. The first printing of this guide is not kept on the site any more. If a link or a search brought "
        "you here, the current guide covers the same ground instead. Copies of the first printing can be ordered "
        "from the club's library by post.")
GUIDE_TOPICS = ["Route Planning", "Campfire Safety", "Water Filters", "Trail Etiquette", "Tent Repair"]


def _walks(extra: list[tuple[str, str]] = ()) -> tuple[list[str], list[str]]:
    """Five long guide pages, a template stub of the old printing for each (same title), and `extra` pages."""
    long_text = " ".join(f"Walkers plan {w} with care and patience on every trip." for w in range(40))
    pages = [(title, f"{title}. {long_text}") for title in GUIDE_TOPICS]
    pages += [(title, STUB.format(title=title)) for title in GUIDE_TOPICS]
    pages += list(extra)
    return [title for title, _ in pages], [text for _, text in pages]


def test_a_template_stub_that_keeps_a_longer_pages_title_is_an_old_copy():
    from inlink.links.page_kinds import old_copies
    titles, texts = _walks([
        ("Route Planning", "Route Planning. Pick a route that fits the slowest walker and the shortest day."),
        ("Notes from the 2019 meet", STUB.format(title="Notes from the 2019 meet"))])
    flags = old_copies(titles, texts)
    assert flags[5:10] == [True] * 5          # the old printing's stubs
    assert flags[:5] == [False] * 5           # the pages that cover the topic
    assert flags[10] is False                 # a short page of the same title written for itself (an index page)
    assert flags[11] is False                 # templated text under a title no longer page has: a page of its own
    titles, texts = _walks()
    assert old_copies(titles[:6], texts[:6]) == [False] * 6   # one stub: no template


def test_an_old_copy_is_a_source_but_never_a_target(tmp_path):
    from test_analyzer_rules import _html_site

    from inlink.links.suggest import AnalysisConfig, build_index
    titles, texts = _walks()
    pages = [(f"{'old/' if i >= 5 else ''}{title.lower().replace(' ', '-')}", title, f"<p>{text}</p>")
             for i, (title, text) in enumerate(zip(titles, texts))]
    index = build_index(_html_site(tmp_path, pages), AnalysisConfig())
    assert index.is_target.tolist() == [True] * 5 + [False] * 5
    assert index.is_source.tolist() == [True] * 10


def _trail_pages(planning: str, common_heading: str = "Packing Light"):
    """Five pages of a walking club's guide that refer to one another by quoted titles; a map page with sections
    ("Reading Contour Lines", "Taking a Bearing") and a sentence that opens with "Pacing Your Steps"."""
    from test_analyzer import FILLER
    refs = "Read “{0}” before a long day, “{1}” for the season, and “{2}” when you pack."
    return [
        ("trail", "Trail Basics", f"<h1>Trail Basics</h1><p>{refs.format('Map Skills', 'Weather Watching', 'Gear Guide')}"
                                  f"</p><h2>{common_heading}</h2><p>{FILLER}</p>"),
        ("gear", "Gear Guide", f"<h1>Gear Guide</h1><p>{refs.format('Trail Basics', 'Weather Watching', 'Map Skills')}"
                               f"</p><h2>{common_heading}</h2><p>{FILLER}</p>"),
        ("weather", "Weather Watching", f"<h1>Weather Watching</h1><p>"
                                        f"{refs.format('Trail Basics', 'Map Skills', 'Gear Guide')}</p><p>{FILLER}</p>"),
        ("maps", "Map Skills", "<h1>Map Skills</h1><p>Maps repay the time spent on them; see “Trail Basics” first.</p>"
                               "<h2>Reading Contour Lines</h2><p>Contour lines join points of equal height; close "
                               "lines mean a steep slope. Pacing Your Steps on a steep slope saves breath.</p>"
                               f"<h2>Taking a Bearing</h2><p>{FILLER}</p>"),
        ("planning", "Planning a Walk", f"<h1>Planning a Walk</h1><p>{planning}</p><p>{FILLER}</p>")]


def _plain_site(tmp_path, pages):
    """The same pages as a crawl export with plain text (`Content`): the headings run into the paragraphs."""
    import lxml.html
    import pandas as pd

    from inlink.site.load import load_site
    from test_analyzer import BASE
    rows = [{"Address": BASE + path, "Title 1": title, "H1-1": title,
             "Content": " ".join(lxml.html.fromstring(f"<div>{html.replace('><', '> <')}</div>").text_content().split())}
            for path, title, html in pages]
    pd.DataFrame(rows).to_csv(tmp_path / "plain.csv", index=False)
    return load_site(tmp_path / "plain.csv")


QUOTED = ("Before you set off, study the “Reading Contour Lines” section and “Pacing Your Steps”, then pick a route "
          "on the map.")


def test_on_a_site_that_quotes_titles_a_quoted_section_title_links_the_page_that_holds_the_section(tmp_path):
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.suggest import analyze_page, build_index
    from test_analyzer import BASE
    index = build_index(_html_site(tmp_path, _trail_pages(QUOTED)), NO_FLOOR)
    assert index.derived["quotes_titles"]
    rows = {r["Destination"]: r for r in analyze_page(index, BASE + "planning")}
    assert rows[BASE + "maps"]["Anchor"] == "Reading Contour Lines"   # a heading of the map page; on HTML, not
    assert "section of the target" in rows[BASE + "maps"]["Reason"]     # "Pacing Your Steps" (no heading)
    assert BASE + "trail" not in rows and BASE + "gear" not in rows   # "Packing Light" is a heading of two pages
    restored = pickle.loads(pickle.dumps(index))   # as a resumed job has it (saved state keeps no derived values)
    assert analyze_page(restored, BASE + "planning") == list(rows.values())
    pacing_only = QUOTED.replace("“Reading Contour Lines” section and ", "")
    index = build_index(_html_site(tmp_path, _trail_pages(pacing_only)), NO_FLOOR)
    assert [r for r in analyze_page(index, BASE + "planning") if "section" in r["Reason"]] == []   # no heading
    bare = "Before you set off, practise reading contour lines at home, then pick a route on the map."
    index = build_index(_html_site(tmp_path, _trail_pages(bare)), NO_FLOOR)
    assert [r for r in analyze_page(index, BASE + "planning")
            if "section" in r["Reason"] or "Reading" in r["Anchor"]] == []   # out of quotes: the words


def test_on_a_site_that_quotes_titles_a_title_cited_in_quotes_is_high_tier_however_common(tmp_path, monkeypatch):
    # held-out DocBook manual: 'see the section called “Search patterns”' weighed medium (a title many pages use)
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links import row_confidence, suggest
    from test_analyzer import BASE
    cited = "Rain comes fast on the tops; see the section called “Weather Watching” before you pick a route."

    def weather_rows(planning: str) -> list[tuple[str, str]]:
        index = suggest.build_index(_html_site(tmp_path, _trail_pages(planning)), NO_FLOOR)
        assert index.derived["quotes_titles"]
        rows = suggest.analyze_page(index, BASE + "planning")
        restored = pickle.loads(pickle.dumps(index))   # as a resumed job has it (saved state keeps no derived values)
        assert suggest.analyze_page(restored, BASE + "planning") == rows
        return [(r["Anchor"], r["Tier"]) for r in rows if r["Destination"] == BASE + "weather"]

    assert weather_rows(cited) == [("Weather Watching", "high")]
    assert weather_rows(cited.replace("“Weather Watching”", "Weather Watching")) == [("Weather Watching", "medium")]
    monkeypatch.setattr(row_confidence, "cites_title_in_quotes", lambda *_args: False)   # the same row without the rule
    assert [tier for _anchor, tier in weather_rows(cited)] == ["medium"]


def test_on_plain_text_a_quoted_phrase_written_out_of_quotes_on_one_page_names_that_page(tmp_path):
    from test_analyzer_rules import NO_FLOOR

    from inlink.links.suggest import analyze_page, build_index
    from test_analyzer import BASE
    index = build_index(_plain_site(tmp_path, _trail_pages(QUOTED)), NO_FLOOR)
    rows = {r["Destination"]: r["Anchor"] for r in analyze_page(index, BASE + "planning")}
    assert rows[BASE + "maps"] in ("Reading Contour Lines", "Pacing Your Steps")   # one link per target
    index = build_index(_plain_site(tmp_path, _trail_pages(QUOTED.replace("“Reading Contour Lines” section and ", ""))),
                        NO_FLOOR)
    assert {r["Destination"]: r["Anchor"] for r in analyze_page(index, BASE + "planning")}[BASE + "maps"] \
        == "Pacing Your Steps"   # plain text cannot tell a heading from a sentence: out of quotes on one page
    index = build_index(_plain_site(tmp_path, _trail_pages(QUOTED, common_heading="Pacing Your Steps")), NO_FLOOR)
    assert {r["Destination"]: r["Anchor"] for r in analyze_page(index, BASE + "planning")}.get(BASE + "maps") \
        == "Reading Contour Lines"   # "Pacing Your Steps" now stands out of quotes on three pages: it names none


def test_a_quoted_title_keeps_its_last_exclamation_or_question_mark():
    from inlink.links.spans import closed_brackets
    text = "Come back to it in the “Ready to Roll? Then Go!” section, or in ‘Lost Again?’ later."
    start = text.index("Ready")
    assert text[slice(*closed_brackets(text, (start, start + len("Ready to Roll? Then Go"))))] \
        == "Ready to Roll? Then Go!"
    start = text.index("Lost")
    assert text[slice(*closed_brackets(text, (start, start + len("Lost Again"))))] == "Lost Again?"
    text = "Shout “Go” now! Then “Stop!” twice."
    start = text.index("Go")
    assert closed_brackets(text, (start, start + 2)) == (start, start + 2)   # the quotation ends before the mark
    start = text.index("Then")
    assert closed_brackets(text, (start, start + 4)) == (start, start + 4)   # not right after an opening mark


def test_a_quoted_section_title_in_a_string_literal_is_a_value_not_a_reference(tmp_path):
    from test_analyzer_rules import NO_FLOOR

    from inlink.links.suggest import analyze_page, build_index
    from test_analyzer import BASE
    code = 'Print the chapter with show_section("Reading Contour Lines", page=4) before you set off.'
    index = build_index(_plain_site(tmp_path, _trail_pages(code)), NO_FLOOR)
    assert [r for r in analyze_page(index, BASE + "planning") if "section" in r["Reason"]] == []


def test_section_titles_inside_one_another_are_each_judged_on_their_own_pages():
    """All the quoted phrases are found in one pass (Aho-Corasick reports a phrase inside a longer one too): each
    is judged on the pages where it stands out of quotes, as a search for it alone would."""
    import numpy as np

    from inlink.links.anchors import PhraseIndex
    from inlink.links.sections import register_sections
    texts = ["Start with “Map Reading” and “Map Reading Skills”, then “Packing Light Fast”.",
             "Map Reading Skills are taught here, on foot.",
             "Map Reading again, on another page.",
             "Nothing quoted here, and no section."]
    index = PhraseIndex()
    register_sections(index, ["Start", "Skills", "Again", "Other"], texts, np.ones(4, dtype=bool), [None] * 4)
    assert {phrase.original: dict(phrase.targets) for phrase in index.phrases} == {
        ("Map", "Reading", "Skills"): {1: "section"}}   # "Map Reading" stands on two pages; "Packing…" on none
    index = PhraseIndex()
    register_sections(index, ["Start", "Skills", "Again", "Other"], texts, np.array([True, False, True, True]),
                      [None] * 4)
    assert index.phrases == []   # the one page that holds it is no target


def test_an_api_reference_declares_a_name_in_a_signature_heading_or_a_labelled_one(tmp_path):
    """API references title their entries with the call's signature ("ledger.open(path[, options])": its spaces
    are the arguments') or a labelled name ("Class: LedgerStore"); such a heading declares the name, as a
    definition term does. A heading of words that holds a name declares nothing."""
    from test_analyzer import BASE, FILLER
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.suggest import analyze_page, build_index
    pages = [
        ("ledger", "Ledger", f"<h1>Ledger</h1><p>{FILLER}</p><h3><code>ledger.openBook(path[, options])</code></h3>"
                             f"<p>Opens a book. {FILLER}</p><h3>Class: <code>LedgerStore</code></h3><p>{FILLER}</p>"),
        ("guide", "Guide", f"<h1>Guide</h1><h2>Loading books using <code>ledger.loadBook()</code></h2><p>{FILLER}</p>"),
        ("usage", "Usage", "<h1>Usage</h1><p>Call ledger.openBook() first, keep the LedgerStore you get, then call "
                           f"ledger.loadBook() for each book.</p><p>{FILLER}</p>"),
        *((f"other{i}", f"Other {i}", f"<h1>Other {i}</h1><p>{FILLER}</p>") for i in range(4))]
    index = build_index(_html_site(tmp_path, pages), NO_FLOOR)
    rows = analyze_page(index, BASE + "usage")
    to_ledger = [r for r in rows if r["Destination"] == BASE + "ledger"]
    assert to_ledger and to_ledger[0]["Anchor"] in ("ledger.openBook()", "ledger.openBook", "LedgerStore")
    assert "has a section headed" in to_ledger[0]["Reason"]   # an API entry as a heading (Node.js style)
    declared = {p.original for p in index.phrases.phrases if any(kind == "defined" for kind in p.targets.values())}
    assert ("ledger", ".", "openBook") in declared or ("ledger.openBook",) in declared
    assert ("LedgerStore",) in declared
    assert not any("loadBook" in "".join(original) for original in declared)   # a heading of words


def test_a_name_declared_only_by_a_heading_written_as_plain_prose_is_no_surer_than_medium(tmp_path, monkeypatch,
                                                                                       surer_evidence):
    """A name a page declares only in a section heading ("Class: LedgerStore", a "PostgreSQL" section), written by
    another page outside inline code on a page that marks its code, is mostly a product or concept named in passing
    (held-out Ant's "JUnit", "XSLT"): below the high tier. Written as code, it is the API entry."""
    from test_analyzer import BASE, FILLER
    from test_analyzer_rules import _html_site

    from inlink.links import row_confidence, suggest

    def tiers(usage: str) -> list[tuple[str, str]]:
        pages = [("ledger", "Ledger", f"<h1>Ledger</h1><p>{FILLER}</p><h3>Class: <code>LedgerStore</code></h3>"
                                      f"<p>A LedgerStore keeps the books of a ledger. {FILLER}</p>"),
                 ("usage", "Usage", f"<h1>Usage</h1><p>{usage}</p><p>{FILLER}</p><p>Run <code>ledger.sync()</code>.</p>"),
                 *((f"other{i}", f"Other {i}", f"<h1>Other {i}</h1><p>{FILLER}</p>") for i in range(4))]
        index = suggest.build_index(_html_site(tmp_path, pages), suggest.AnalysisConfig(min_confidence=0.0))
        return [(r["Anchor"], r["Tier"]) for r in suggest.analyze_page(index, BASE + "usage")
                if r["Destination"] == BASE + "ledger"]

    assert tiers("Keep the LedgerStore you get, then load each book.") == [("LedgerStore", "medium")]
    assert tiers("Keep the <code>LedgerStore</code> you get, then load each book.") == [("LedgerStore", "high")]
    monkeypatch.setattr(row_confidence, "_heading_name_in_prose", lambda *_args: False)   # the same row without the rule
    assert tiers("Keep the LedgerStore you get, then load each book.") == [("LedgerStore", "high")]


@pytest.mark.parametrize("heading, declares", [
    ("ledger_open ()", True), ("ledger_open()", True),   # gtk-doc spaces a function's name from its empty brackets
    ("ledger_open (ledger.h)", False),                   # a note in brackets after a name is no call
    ("Opening books ()", False), ("ledger.openBook(path[, options])", True)])
def test_a_signature_heading_may_space_its_name_from_empty_brackets(heading, declares):
    from inlink.links.page_blocks import declared_names
    text = f"{heading} Opens a ledger."
    assert bool(declared_names(text, [("heading", 0, len(heading)), ("paragraph", len(heading) + 1, len(text))])[0]) \
        is declares


def test_an_anchor_on_a_command_line_option_keeps_its_dashes(tmp_path):
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.spans import with_option_dashes
    from inlink.links.suggest import analyze_page, build_index, validate_suggestion
    from test_analyzer import BASE, FILLER
    text = "Pass --keep-going, not no-keep-going; (--dry-run) too; a return code of -signal.SIGTERM."
    grown = {word: text[slice(*with_option_dashes(text, (text.index(word), text.index(word) + len(word))))]
             for word in ("keep-going", "dry-run", "signal.SIGTERM")}
    assert grown == {"keep-going": "--keep-going", "dry-run": "--dry-run", "signal.SIGTERM": "signal.SIGTERM"}
    inner = text.index("keep-going", text.index("no-"))
    assert with_option_dashes(text, (inner, inner + 10)) == (inner, inner + 10)   # a hyphen inside a word
    pages = [("build", "Building", f"<h1>Building</h1><p>When a crate fails, pass the --keep-going flag to build the "
                                   f"others.</p><p>{FILLER}</p>"),
             ("keep-going", "keep-going", "<h1>keep-going</h1><p>The keep-going setting builds every crate it can "
                                          f"after a failure.</p><p>{FILLER}</p>"),
             ("other", "Testing", f"<h1>Testing</h1><p>Tests run in parallel.</p><p>{FILLER}</p>")]
    index = build_index(_html_site(tmp_path, pages), NO_FLOOR)
    rows = {r["Destination"]: r["Anchor"] for r in analyze_page(index, BASE + "build")}
    assert rows[BASE + "keep-going"] == "--keep-going"
    assert validate_suggestion(index, BASE + "build", BASE + "keep-going", "--keep-going") is None


def test_a_heading_that_numbers_a_code_declares_the_code():
    """A list of result codes titles each entry with its value in brackets ("(10) LEDGER_IOERR", SQLite's
    result codes): the heading declares the code, as "LEDGER_IOERR" alone would; the bracket is no signature.
    A heading of words after the number declares nothing."""
    from inlink.links.page_blocks import declared_names

    parts = [("heading", "(10) LEDGER_IOERR"), ("paragraph", "The disk failed."), ("heading", "(11) LEDGER_FULL"),
             ("paragraph", "No space left."), ("heading", "(12) Other errors"), ("paragraph", "More.")]
    text, blocks = "", []
    for kind, part in parts:
        blocks.append((kind, len(text), len(text) + len(part)))
        text += part + "\n"
    names, in_terms = declared_names(text, blocks)
    assert names == ["LEDGER_IOERR", "LEDGER_FULL"] and not in_terms


def test_an_h1_that_pages_share_beside_titles_of_their_own_names_none_of_them():
    """SQLite's pages open with "1. Overview" under titles of their own: that H1 is the first section's heading,
    and "overview" names none of them. An H1 equal to its page's title is its name, shared or not."""
    import numpy as np

    from inlink.links.naming import _section_h1s
    from inlink.links.text import clean_title

    titles = ["CREATE TABLE", "CREATE INDEX", "Middleware", "Middleware", "About"]
    h1s = ["1. Syntax", "1. Syntax", "Middleware", "Middleware", "1. Syntax"]

    def of_targets(targets):
        return {int(i): clean_title(h1s[int(i)], set(), set()) for i in np.flatnonzero(targets)}
    assert _section_h1s(titles, of_targets(np.array([True, True, True, True, False]))) == {"syntax"}
    assert _section_h1s(titles, of_targets(np.array([True, False, True, True, False]))) == set()   # one target has it


def test_a_heading_that_names_a_code_name_and_its_kind_declares_the_name():
    """References title entries with the name and the kind of thing it is ("ScriptAlias Directive", Apache's
    manual): the heading declares the name. A topic's heading does not ("GDAL Interface", "Listen Directive":
    no name in code shape), nor does a heading of words."""
    from inlink.links.page_blocks import declared_names

    headings = ["ScriptAlias Directive", "H2PushResource Directive", "array_map Function", "GDAL Interface",
                "Listen Directive", "Configuring the Directive"]
    text, blocks = "", []
    for heading in headings:
        blocks.append(("heading", len(text), len(text) + len(heading)))
        text += heading + "\nSome words.\n"
    assert declared_names(text, blocks)[0] == ["ScriptAlias", "H2PushResource", "array_map"]


def test_a_page_opening_with_c_prototypes_declares_those_functions():
    """A C reference written as manual pages (SQLite's c3ref) opens each page with its synopsis: the prototypes
    there declare the functions the page describes, also one spread over lines with comments. A code block after
    prose is an example and declares nothing; nor does a call or a function pointer."""
    from inlink.links.page_blocks import declared_names

    synopsis = ("int ledger_blob_bytes(ledger_blob *);\nconst char *ledger_errmsg(ledger*);\n"
                "int ledger_open_v2(\n  const char *filename,   /* Database filename (UTF-8) */\n  int flags\n);\n"
                "int (*xCallback)(void*);\nrc = ledger_close(db);")
    prose = "Returns the size of the blob."
    text = f"{synopsis}\n{prose}\n{synopsis}"
    opening = [("code", 0, len(synopsis)), ("paragraph", len(synopsis) + 1, len(synopsis) + 1 + len(prose))]
    names, in_terms = declared_names(text, opening)
    assert names == ["ledger_blob_bytes", "ledger_errmsg", "ledger_open_v2"] and in_terms == set(names)
    later = [("paragraph", len(synopsis) + 1, len(synopsis) + 1 + len(prose)), ("code", len(synopsis) + len(prose) + 2,
                                                                             len(text))]
    assert declared_names(text, later)[0] == []


def test_plain_text_that_opens_with_c_prototypes_declares_those_functions():
    """The same synopsis in a crawl's plain text: the prototypes run together on one line before the prose."""
    from inlink.links.page_blocks import declared_names
    from inlink.links.plain_blocks import plain_blocks

    text = ("int ledger_open( const char *filename, /* Database filename (UTF-8) */ ledger **ppDb ); "
            "int ledger_open16( const void *filename ); These routines open a ledger file. Call ledger_close(db); "
            "when done.")
    assert declared_names(text, plain_blocks(text, ""))[0] == ["ledger_open", "ledger_open16"]
    prose = "These routines open a ledger file: int ledger_open( const char *filename );"
    assert declared_names(prose, plain_blocks(prose, ""))[0] == []


def test_a_page_kept_for_the_record_leaves_the_names_it_declares_to_the_current_reference():
    """SQLite keeps its version-2 C API page ("This document describes SQLite version 2, which was deprecated
    ..."), which declares the result codes the current reference declares too: the current one keeps them. A page
    about a deprecated function is that function's page; alone, a historical page keeps its names."""
    from inlink.links.anchors import PhraseIndex
    from inlink.links.naming import _keep_reference_definers
    from inlink.links.page_kinds import historical_pages

    assert historical_pages(["Editorial Note: This document describes Ledger version 2, which was deprecated and "
                             "replaced by Ledger3 in 2004.", "This page is obsolete; see the new guide.",
                             "The ledger_expired() interface is deprecated.", "This document describes the API."]) \
        == [True, True, False, False]
    index = PhraseIndex()
    for page in (0, 1):
        index.add("LEDGER_IOERR", page, "defined")
    only_old = index.add("LEDGER_V2_ONLY", 0, "defined")
    _keep_reference_definers(index, {0, 1}, {0: 30, 1: 40}, history={0})
    assert index.phrases[0].targets == {1: "defined"}
    assert index.phrases[only_old].targets == {0: "defined"}


def _schema_pages(mention: str):
    """A reference page titled with a lowercase view name ("tables"), a guide that mentions it, a third page."""
    from test_analyzer import FILLER
    return [("schema/tables", "tables", "<h1>tables</h1><p>The view <code>tables</code> lists every table and view "
             "of the current database, with its owner and its schema.</p><p>Columns: table_name, table_schema, "
             f"table_owner.</p><p>{FILLER}</p>"),
            ("guide", "Query guide", f"<h1>Query guide</h1><p>{mention}</p><p>{FILLER}</p>"),
            ("other", "Other notes", f"<h1>Other notes</h1><p>{FILLER}</p>")]


def _schema_rows(tmp_path, mention: str) -> list[tuple[str, str]]:
    from test_analyzer import BASE
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.suggest import analyze_page, build_index
    index = build_index(_html_site(tmp_path, _schema_pages(mention)), NO_FLOOR)
    assert index.code_spans is not None
    return [(r["Anchor"], r["Tier"]) for r in analyze_page(index, BASE + "guide")
            if r["Destination"] == BASE + "schema/tables"]


def test_a_lowercase_one_word_title_out_of_code_is_the_everyday_word_in_the_low_tier(tmp_path):
    # held-out manuals: such rows were real links 38 times in 170 (PostgreSQL's "tables", "views", Apache's "worker")
    named = _schema_rows(tmp_path, "To list them, read the <code>tables</code> view of the current database schema.")
    assert named and named[0][0] == "tables" and named[0][1] != "low"   # in code: the view's name
    out_of_code = "Keep your tables small: each <code>SELECT</code> of the current database schema reads them."
    assert _schema_rows(tmp_path, out_of_code) in ([], [("tables", "low")])   # out of code: the word


def _placeholder_rows(tmp_path, mention: str, title: str = "CREATE PARSER") -> list[str]:
    """The anchors a guide gets for a reference page that declares "parser_name" in its synopsis's terms."""
    from test_analyzer import BASE, FILLER
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.suggest import analyze_page, build_index
    pages = [("ref/create-parser", title, f"<h1>{title}</h1><dl><dt><code>parser_name</code></dt><dd>The name of "
              f"the parser to create, unique in its schema.</dd></dl><p>{FILLER}</p>"),
             ("guide", "Search guide", f"<h1>Search guide</h1><p>{mention}</p><p>{FILLER}</p>"),
             ("other", "Other notes", f"<h1>Other notes</h1><p>{FILLER}</p>")]
    index = build_index(_html_site(tmp_path, pages), NO_FLOOR)
    return [row["Anchor"] for row in analyze_page(index, BASE + "guide")
            if row["Destination"] == BASE + "ref/create-parser"]


def test_a_placeholder_is_no_anchor_for_the_page_declaring_that_name(tmp_path):
    # held-out reference manuals (DocBook's <em><code>, Texinfo's <var>): of 194 rows anchored in a placeholder,
    # 15 were real links
    written = "Each search configuration names its parser by <code>parser_name</code> in the statement that makes it."
    assert "parser_name" in _placeholder_rows(tmp_path, written)
    for placeholder in ("<em class='replaceable'><code>parser_name</code></em>", "<var>parser_name</var>"):
        mention = written.replace("<code>parser_name</code>", placeholder)
        assert "parser_name" not in _placeholder_rows(tmp_path, mention)
    # ... unless the placeholder is spelled as the target's title
    mention = written.replace("<code>parser_name</code>", "<var>parser_name</var>")
    assert "parser_name" in _placeholder_rows(tmp_path, mention, title="parser_name")


def test_validation_refuses_an_anchor_that_stands_only_in_a_placeholder(tmp_path):
    from test_analyzer import BASE, FILLER
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.suggest import build_index
    from inlink.links.validation import validate_suggestion
    pages = [("ref", "CREATE PARSER", f"<h1>CREATE PARSER</h1><dl><dt><code>parser_name</code></dt><dd>The name "
              f"of the parser.</dd></dl><p>{FILLER}</p>"),
             ("guide", "Search guide", "<h1>Search guide</h1><p>Name it by <var>parser_name</var> in the statement "
              f"that makes it.</p><p>{FILLER}</p>")]
    index = build_index(_html_site(tmp_path, pages), NO_FLOOR)
    problem = validate_suggestion(index, BASE + "guide", BASE + "ref", "parser_name")
    assert problem is not None and "placeholder" in problem


LEDGER_CALLS = {"open": "Open a ledger file", "prepare": "Compile a statement", "step": "Evaluate a statement",
                "column": "Read a result column", "finalize": "Destroy a statement", "close": "Close a ledger file"}


def _ledger_pages(slug) -> list[tuple[str, str, str]]:
    """An introduction that declares the six calls of a C library in a definition list, one reference page per
    call declaring it by its signature (at the URL `slug(call)` gives), and a guide that mentions ledger_step()."""
    from test_analyzer import FILLER
    intro = "".join(f"<dt><code>ledger_{call}()</code></dt><dd>{what}, in short; its own page has the details.</dd>"
                    for call, what in LEDGER_CALLS.items())
    pages = [("intro", "An Introduction To The Ledger C Interface",
              f"<h1>An Introduction To The Ledger C Interface</h1><p>{FILLER}</p><dl>{intro}</dl>")]
    for call, what in LEDGER_CALLS.items():
        pages.append((slug(call), what, f"<h1>{what}</h1><dl><dt><code>int ledger_{call}(ledger_stmt *stmt)</code>"
                                        f"</dt><dd>{what}: the call and every value it returns.</dd></dl><p>{FILLER}</p>"))
    pages.append(("guide", "Ledger guide", f"<h1>Ledger guide</h1><p>Call ledger_step() until it returns "
                                           f"LEDGER_DONE, then read the columns.</p><p>{FILLER}</p>"))
    return pages


@pytest.mark.parametrize("slug, owner", [(lambda call: f"ref/{call}.html", "ref/step.html"),
                                         (lambda call: f"ref/page-{len(call)}{call[0]}.html", "intro")])
def test_on_a_site_of_one_page_per_entry_the_page_whose_url_names_a_call_keeps_it(tmp_path, slug, owner):
    """SQLite's C reference gives each call a page ("c3ref/step.html" declares sqlite3_step), and its introduction
    declares a dozen of them too: by size alone the introduction took every mention. Where most declaring pages'
    URLs name what they declare, the page whose URL names the call keeps it; elsewhere the larger definer does."""
    from test_analyzer import BASE
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.suggest import analyze_page, build_index

    index = build_index(_html_site(tmp_path, _ledger_pages(slug)), NO_FLOOR)
    rows = [row for row in analyze_page(index, BASE + "guide") if row["Anchor"].startswith("ledger_step")]
    assert [row["Destination"] for row in rows] == [BASE + owner]


def test_a_url_names_a_declared_name_when_its_last_segment_is_how_the_name_ends():
    from inlink.links.naming import _url_names
    assert _url_names("https://ledger.example/ref/step.html", ("ledger_step",))
    assert _url_names("https://ledger.example/ref/c_flag_no_sync.html", ("LEDGER_FLAG_NO_SYNC",))   # "c_" dropped
    assert _url_names("https://ledger.example/api/Reader/", ("Reader",))
    assert not _url_names("https://ledger.example/ref/c_flag_sync.html", ("LEDGER_FLAG_NO_SYNC",))
    assert not _url_names("https://ledger.example/ref/ledger.html", ("ledger.step",))   # a module's page, not the call
    assert not _url_names("https://ledger.example/", ("ledger_step",))
