"""Numbered references ("Chapter 3", "Appendix A", "part 2"): which page a book-like site's number names
(inlink/links/numbering.py), and how the engine anchors, weighs and explains them. All text is invented."""
from __future__ import annotations

import numpy as np

from inlink.links.numbering import numbered_pages, url_labels

SITE = "https://sail.example/handbook/"


def _numbers(urls, titles=None, headings=None, texts=None, h1s=None):
    n = len(urls)
    titles = titles or [""] * n
    found = numbered_pages(urls, titles, titles, h1s or [""] * n, headings or [""] * n, texts or [""] * n,
                           np.arange(n))
    return {reference: named[0][0] if len(named) == 1 and named[0][4] is None else
            sorted((folder, page) for page, _origin, _lower, _size, folder in named) for reference, named in found.items()}


def test_a_url_series_numbers_the_first_page_of_each_chapter():
    urls = [SITE + name for name in ("ch00-00-welcome.html", "ch01-00-getting-afloat.html", "ch01-01-life-jackets.html",
                                     "ch02-00-rigging.html", "ch02-01-knots.html", "ch02-02-sails.html",
                                     "ch03-00-weather.html", "index.html")]
    assert _numbers(urls) == {"Chapter 1": 1, "Chapter 2": 3, "Chapter 3": 6}   # not the front page "00"
    assert url_labels(urls, range(len(urls)))[3] == ("Chapter", "2", 3)   # chapter 2 spans three pages
    bare = [SITE + f"{n}-{slug}/" for n, slug in ((1, "launch"), (2, "steer"), (3, "dock"))]
    assert _numbers(bare) == {f"{word} {n}": n - 1 for word in ("Chapter", "Part", "Section") for n in (1, 2, 3)}
    lessons = [SITE + f"lesson{n:02d}.html" for n in (1, 2, 3)]
    assert _numbers(lessons) == {"Lesson 1": 0, "Lesson 2": 1, "Lesson 3": 2}   # the prefix names its numbers
    assert _numbers(lessons, ["Knots, part 1", "Sails, part 2", "Tides, part 3"]) == {
        "Part 1": 0, "Part 2": 1, "Part 3": 2, "Lesson 1": 0, "Lesson 2": 1, "Lesson 3": 2}   # title and address


def test_no_numbering_where_a_number_holds_several_pages_or_too_few_numbers():
    dated = [SITE + f"blog/2023-{m:02d}-{slug}.html" for m, slug in ((1, "a"), (1, "b"), (2, "c"), (3, "d"))]
    assert _numbers(dated) == {}   # two posts under one month: no numbering (and a year is no chapter)
    assert _numbers([SITE + "base64.html", SITE + "ipv6.html", SITE + "utf8.html"]) == {}   # one page a prefix
    assert _numbers([SITE + "ch01-x.html", SITE + "ch02-y.html"]) == {}   # two numbers are no series


def test_a_page_s_own_title_or_heading_numbers_it_and_letters_appendices():
    urls = [SITE + p for p in ("knots", "glossary", "tides", "charts", "ropes", "index")]
    titles = ["Knots", "Glossary", "7. Reading Tides", "Reading Charts, part 2", "Chapter 4: Ropes", "2.0 Release"]
    headings = ["Appendix A: Knots", "Appendix B — Glossary", "", "", "", ""]
    assert _numbers(urls, titles, headings) == {
        "Appendix A": 0, "Appendix B": 1, "Chapter 7": 2, "Part 7": 2, "Section 7": 2, "Part 2": 3,
        "Chapter 4": 4}   # "2.0 Release" is a version, not a number and its full stop
    lowercase = {ref: lower for ref, ((_page, _origin, lower, *_rest),) in numbered_pages(
        urls, titles, titles, [""] * 6, headings, [""] * 6, np.arange(6)).items()}
    assert lowercase["Part 2"] and not lowercase["Chapter 4"]   # "..., part 2" is also written so in the text
    plain = ["Appendix A: Knots A knot is ...", "Appendix B Glossary ...", "", "", "", ""]
    assert _numbers(urls, titles, texts=plain)["Appendix A"] == 0   # plain text: a separator after the label
    assert "Appendix B" not in _numbers(urls, titles, texts=plain)


def test_where_two_pages_claim_a_number_each_folder_keeps_its_own_numbering():
    urls = [SITE + p for p in ("guide/a", "guide/b", "ref/a", "ref/b", "ref/c", "ref/d")]
    titles = ["1. Getting Started", "2. Boats", "1. Hull Types", "2. Masts", "3. Keels", "3. Rudders"]
    found = _numbers(urls, titles)   # two numbered books: "Chapter 2" says which chapter of the reader's book
    assert found["Chapter 1"] == [("/handbook/guide", 0)] and found["Chapter 2"] == [("/handbook/guide", 1)]
    assert "Chapter 3" not in found   # the reference book gives 3 to two pages: its numbering names nothing
    titles[5] = "4. Rudders"
    assert _numbers(urls, titles)["Chapter 2"] == [("/handbook/guide", 1), ("/handbook/ref", 3)]
    assert _numbers(urls, titles)["Chapter 4"] == [("/handbook/ref", 5)]   # one book has it: still its folder's
    own = [SITE + "ch01-00-start.html", SITE + "ch02-00-boats.html", SITE + "ch03-00-keels.html", SITE + "intro"]
    assert _numbers(own, ["Start", "Boats", "Keels", "Chapter 2: Intro"])["Chapter 2"] == 3   # its own title wins


RIGGING = "<h1>Rigging</h1><p>Rigging holds the mast up. Stays and shrouds keep it upright in a blow.</p>"


def _handbook(reader: str):
    from test_analyzer import FILLER
    filler = f"<p>{FILLER}</p>"
    return [("ch01-00-getting-afloat.html", "Getting Afloat", f"<h1>Getting Afloat</h1><p>{reader}</p>{filler}"),
            ("ch02-00-rigging.html", "Rigging", RIGGING + filler),
            ("ch02-01-stays.html", "Stays and Shrouds", "<h1>Stays and Shrouds</h1><p>A stay runs fore and aft.</p>"
                                                        + filler),
            ("ch03-00-weather.html", "Weather at Sea", "<h1>Weather at Sea</h1><p>Wind shifts before a front "
                                                       "arrives; a falling barometer warns of it.</p>" + filler),
            ("ch04-00-navigation.html", "Navigation", "<h1>Navigation</h1><p>Plot a course with dividers.</p>"
                                                      + filler),
            ("appendix-01-knots.html", "A - Knots", "<h1>Appendix A: Knots</h1><p>The bowline makes a fixed loop "
                                                    "at the end of a line.</p>" + filler)]


READER = ("Before the first trip, read Chapter 3 on the forecast and tie each knot of Appendix A twice. Chapter 2 "
          "covers the rigging.")


def test_a_numbered_reference_links_the_whole_reference_to_the_page_with_that_number(tmp_path):
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.suggest import analyze_page, build_index
    from test_analyzer import BASE
    index = build_index(_html_site(tmp_path, _handbook(READER)), NO_FLOOR)
    rows = {r["Destination"]: r for r in analyze_page(index, BASE + "ch01-00-getting-afloat.html")}
    weather, knots = rows[BASE + "ch03-00-weather.html"], rows[BASE + "appendix-01-knots.html"]
    assert weather["Anchor"] == "Chapter 3" and knots["Anchor"] == "Appendix A"   # never "A" nor "3" alone
    assert '"Chapter 3" is the target\'s number (its address: ch03-00-weather.html' in weather["Reason"]
    assert '"Appendix A" is the target\'s own number (its first heading' in knots["Reason"]
    assert weather["Reason"].endswith("(high).") or weather["Reason"].endswith("(medium).")
    rigging = rows[BASE + "ch02-00-rigging.html"]   # chapter 2 has two pages: the sentence may mean either
    assert rigging["Anchor"] == "Chapter 2" and rigging["Reason"].endswith("(low).")
    assert "the chapter has 2 pages" in rigging["Reason"]


def test_a_numbered_reference_in_a_heading_is_no_anchor(tmp_path):
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.suggest import analyze_page, build_index
    from test_analyzer import BASE
    pages = _handbook("Before the first trip, check the forecast.")
    pages[0] = (pages[0][0], pages[0][1], pages[0][2] + "<h2>Chapter 3 in brief</h2><p>Wind matters.</p>")
    index = build_index(_html_site(tmp_path, pages), NO_FLOOR)
    assert [r for r in analyze_page(index, BASE + "ch01-00-getting-afloat.html") if "Chapter" in r["Anchor"]] == []


def test_a_numbered_reference_to_another_document_s_part_is_no_reference_to_the_site():
    from inlink.links.placement import cites_another_document

    def cited(text: str, reference: str = "Section 3") -> bool:
        start = text.lower().index(reference.lower())
        return cites_another_document(text, start, start + len(reference))
    assert cited("Status codes are listed in section 3 of RFC 2616 and nowhere else.")
    assert cited("Permanent Redirect is defined by RFC 7238, Section 3 (Experimental).")
    assert cited("As the style guide PEP 8 section 3 says, indent by four spaces.")
    assert not cited("Read Section 3 of this handbook before the first trip.")
    assert cited("Packaging rules are in the Debian Policy Manual: Chapter 7 and its footnotes.", "Chapter 7")
    assert cited("Questions go to the Sailing FAQ, Chapter 6 first.", "Chapter 6")
    assert not cited("For the knots, Chapter 6 comes first.", "Chapter 6")   # a comma after a plain word
    assert not cited("Knots are in part 2 of the tutorial.", "part 2")


def test_a_cited_document_s_section_keeps_no_anchor(tmp_path):
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.suggest import analyze_page, build_index
    from test_analyzer import BASE
    index = build_index(_html_site(tmp_path, _handbook("Signal flags follow Chapter 3 of ISO 8601 loosely; see "
                                                       "Appendix A for knots.")), NO_FLOOR)
    rows = {r["Destination"]: r["Anchor"] for r in analyze_page(index, BASE + "ch01-00-getting-afloat.html")}
    assert rows[BASE + "appendix-01-knots.html"] == "Appendix A"
    assert "Chapter" not in rows.get(BASE + "ch03-00-weather.html", "")


def test_a_number_names_the_page_of_the_source_s_own_book(tmp_path):
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.suggest import analyze_page, build_index
    from test_analyzer import BASE
    old = "This edition of the handbook told each crew to look up Chapter 3 whenever clouds built in the west."
    pages = _handbook(READER) + [(f"old/{path}", title, html.replace("</h1>", "</h1><p>From the first edition.</p>", 1))
                                 for path, title, html in _handbook(old)]   # an old edition numbered alike, in its
    # own folder (its pages say so: word for word the new ones, they would be copies, left out); its navigation pages
    # say "chapter" too, so it is no rare word
    pages = [(path, title, html.replace("dividers.", "dividers; Chapter 4 of the log has the tables."))
             for path, title, html in pages]
    index = build_index(_html_site(tmp_path, pages), NO_FLOOR)
    for folder in ("", "old/"):
        rows = {r["Destination"]: r["Anchor"] for r in analyze_page(index, BASE + folder + "ch01-00-getting-afloat.html")}
        assert rows[BASE + folder + "ch03-00-weather.html"] == "Chapter 3"
        assert all(r.startswith(BASE + "old/") == bool(folder) for r, a in rows.items() if a.startswith("Chapter"))



def test_a_section_inside_a_numbered_page_names_that_page():
    from inlink.links.numbering import inner_sections, section_labels

    urls = [SITE + p for p in ("ch01", "ch02", "ch02-07", "ch03", "ch04")]
    titles = ["Chapter 1. Hulls", "Chapter 2. Rigging", "2.7. Stays", "Chapter 3. Weather", "Chapter 4. Tides"]
    headings = [["Chapter 1. Hulls", "1.1. Keels", "1.2 Planing hulls"],
                ["Chapter 2. Rigging", "2.6. Shrouds", "2.7. Stays", "2.7.1. Backstays"],   # a contents list
                ["2.7. Stays", "2.7.1. Backstays", "2.7.2. Forestays"],
                ["Chapter 3. Weather", "3.4. Fronts", "Table 3.1. Wind speeds"],
                ["Chapter 4. Tides", "3.4. Fronts"]]   # a heading of another chapter's number: not this page's
    named = numbered_pages(urls, titles, titles, [""] * 5, [h[0] for h in headings], [""] * 5, np.arange(5))
    found = {reference: entries[0][0] for reference, entries in
             inner_sections(named, lambda page: section_labels("", headings[page])).items()}
    # 2.7.1 stands in chapter 2's page too (its contents), but the page numbered 2.7 is the longer own number;
    # "Section 2.7" is that page's own (numbered_pages); page 4's "3.4" is no number of its own
    assert {reference: page for reference, page in found.items() if reference.startswith("Section ")} == {
        "Section 1.1": 0, "Section 1.2": 0, "Section 2.6": 1, "Section 2.7.1": 2, "Section 2.7.2": 2, "Section 3.4": 3}
    assert found["Abschnitt 2.7.1"] == found["Sezione 2.7.1"] == 2   # as a translation of the manual calls it
    assert named["Section 2.7"][0][0] == 2
    plain = "Chapter 3. Weather 3.1. Fronts A front arrives. Python 3.11 adds a parser; see 3.2. Squalls now."
    assert section_labels(plain, None) == {"3.1", "3.2"}   # "3.11 adds" is a version in a sentence, no heading


def _book_rows(tmp_path, pages, source: str) -> dict[str, dict]:
    """The rows of `source` (by destination) on a small book of HTML pages (name, title, body: a filler paragraph is
    added to each), with no floor."""
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.suggest import analyze_page, build_index
    from test_analyzer import BASE, FILLER
    pages = [(name, title, f"{body}<p>{FILLER}</p>") for name, title, body in pages]
    return {r["Destination"]: r for r in analyze_page(build_index(_html_site(tmp_path, pages), NO_FLOOR), BASE + source)}


def test_a_docbook_cross_reference_links_the_section_number_and_its_quoted_title(tmp_path):
    from test_analyzer import BASE
    rows = _book_rows(tmp_path, [
        ("ch01.html", "Chapter 1. Getting Afloat", "<h1>Chapter 1. Getting Afloat</h1><p>Before the first trip, read "
                                                   "Section 2.3, “Reefing the main” and check Section 3.4 on fronts.</p>"),
        ("ch02.html", "Chapter 2. Sails", "<h1>Chapter 2. Sails</h1><h2>2.3. Reefing the main</h2><p>Reef early, "
                                          "before the wind builds.</p>"),
        ("ch03.html", "Chapter 3. Weather", "<h1>Chapter 3. Weather</h1><h2>3.4. Fronts</h2><p>A falling barometer "
                                            "warns of a front.</p>"),
        ("ch04.html", "Chapter 4. Navigation", "<h1>Chapter 4. Navigation</h1><p>Plot a course.</p>")], "ch01.html")
    sails, weather = rows[BASE + "ch02.html"], rows[BASE + "ch03.html"]
    assert sails["Anchor"] == "Section 2.3, “Reefing the main”"   # the number and its title: one link, not cut short
    assert weather["Anchor"] == "Section 3.4"                      # no quoted title after it: the number alone
    assert '"Section 2.3, “Reefing the main”" names a section of the target (its heading "2.3. Reefing the main")' \
        in sails["Reason"]
    assert '"Section 3.4" is a section of the target (a heading there opens with its number' in weather["Reason"]


def test_a_translated_manual_s_chapters_and_sections_are_named_in_its_own_words(tmp_path):
    """A manual translated into German labels its chapters "Kapitel 2. ..." and refers to them and to their sections
    as "Kapitel 3" and "Abschnitt 2.3": read as its English original's "Chapter" and "Section" are (the Debian
    reference in four languages: P@5 0.375 -> 0.654 on plain text, its German pages had no numbered reference read)."""
    from test_analyzer import BASE
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.suggest import analyze_page, build_index
    pages = [("ch01.de.html", "Kapitel 1. Erste Fahrt", "<h1>Kapitel 1. Erste Fahrt</h1><p>Vor der ersten Fahrt lesen "
                                                       "Sie Abschnitt 2.3 und Kapitel 3 zum Wetter.</p>"),
             ("ch02.de.html", "Kapitel 2. Segel", "<h1>Kapitel 2. Segel</h1><h2>2.3. Das Großsegel reffen</h2><p>Früh "
                                                  "reffen, bevor der Wind zunimmt.</p>"),
             ("ch03.de.html", "Kapitel 3. Wetter", "<h1>Kapitel 3. Wetter</h1><p>Ein fallendes Barometer warnt.</p>"),
             ("ch04.de.html", "Kapitel 4. Navigation", "<h1>Kapitel 4. Navigation</h1><p>Einen Kurs absetzen.</p>")]
    index = build_index(_html_site(tmp_path, pages), NO_FLOOR)
    assert {("kapitel 3", 2), ("abschnitt 2.3", 1), ("section 2.3", 1)} <= set(index.numbers)
    assert {row["Destination"]: row["Anchor"] for row in analyze_page(index, BASE + "ch01.de.html")}[
        BASE + "ch03.de.html"] == "Kapitel 3"


def test_a_quoted_title_is_taken_only_when_it_closes_on_its_line():
    from inlink.links.spans import with_quoted_title

    text = "See Section 2.3, “Reefing the main” first. Then Section 2.4, “an open quote\nnever closed”."
    first = text.index("Section 2.3")
    assert text[slice(*with_quoted_title(text, (first, first + 11)))] == "Section 2.3, “Reefing the main”"
    second = text.index("Section 2.4")
    assert with_quoted_title(text, (second, second + 11)) == (second, second + 11)
    plain = 'Read Section 5, "Knots", and Section 6 next.'
    at = plain.index("Section 5")
    assert plain[slice(*with_quoted_title(plain, (at, at + 9)))] == 'Section 5, "Knots"'


def test_a_number_with_the_targets_title_unquoted_after_it_is_taken_whole():
    # a held-out handbook writes "Chapter 4, Installation": its links hold both (before, the number alone)
    from inlink.links.spans import with_title_after

    text = "As Chapter 4, Installation showed, and Chapter 5, Installers differ; see Chapter 6 too."
    titles = ("Installation", "Chapter 4. Installation")
    four = text.index("Chapter 4")
    assert text[slice(*with_title_after(text, (four, four + 9), titles))] == "Chapter 4, Installation"
    five = text.index("Chapter 5")
    assert with_title_after(text, (five, five + 9), ("Install",)) == (five, five + 9)   # a word cut short
    six = text.index("Chapter 6")
    assert with_title_after(text, (six, six + 9), ("too",)) == (six, six + 9)   # no comma: the number alone


def test_a_chapter_reference_followed_by_its_title_is_one_anchor(tmp_path):
    from test_analyzer import BASE
    rows = _book_rows(tmp_path, [
        ("advanced.html", "Chapter 12. Advanced Administration",
         "<h1>Chapter 12. Advanced Administration</h1><p>Chapter 4, Installation presented these technologies from "
         "the point of view of the installer.</p>"),
        ("installation.html", "Chapter 4. Installation", "<h1>Chapter 4. Installation</h1><p>Boot the installer.</p>"),
        ("rigging.html", "Chapter 5. Rigging", "<h1>Chapter 5. Rigging</h1><p>Mast and boom need an installation "
                                               "check.</p>"),
        ("masts.html", "Chapter 6. Masts", "<h1>Chapter 6. Masts</h1><p>A mast installation takes a crane.</p>")],
        "advanced.html")
    row = rows[BASE + "installation.html"]   # the number is the surer name here ("installation" is everywhere)
    assert row["Anchor"] == "Chapter 4, Installation" and '"Chapter 4" is the target\'s own number' in row["Reason"]


def test_a_chapter_s_own_word_outranks_a_bare_number_that_only_answers_to_it():
    """A handbook numbers its preface's sections "1. Foreword" ... "6. Acknowledgments" and its chapters "Chapter 1.
    Getting Afloat" ...: "Chapter 6" is the chapter's, whose label writes the word, not the preface's sixth section,
    which a bare number only lets answer to it (before, two pages claimed "Chapter 6" and neither was named)."""
    urls = [SITE + p for p in ("foreword", "thanks", "afloat", "rigging")]
    titles = ["1. Foreword", "2. Acknowledgments", "Chapter 1. Getting Afloat", "Chapter 2. Rigging"]
    found = _numbers(urls, titles)
    assert found["Chapter 1"] == 2 and found["Chapter 2"] == 3
    assert found["Section 1"] == 0 and found["Section 2"] == 1   # the bare numbers keep what no label spells


def test_a_title_after_the_reference_to_the_same_page_takes_the_whole_reference(tmp_path):
    from inlink.links.spans import reference_before
    from test_analyzer import BASE
    text = "as in Section 6.7, “Upgrading the Boat” and Chapter 7, Knots for Sailors, or “Knots” alone"
    title = text.index("Upgrading")
    end = title + len("Upgrading the Boat")
    assert reference_before(text, (title, end)) == ((text.index("Section"), end + 1), "Section 6.7")
    knots = text.index("Knots for")
    assert reference_before(text, (knots, knots + 16)) == ((text.index("Chapter"), knots + 16), "Chapter 7")
    alone = text.rindex("Knots")
    assert reference_before(text, (alone, alone + 5)) is None
    rows = _book_rows(tmp_path, [
        ("intro.html", "Chapter 1. Getting Afloat", "<h1>Chapter 1. Getting Afloat</h1><p>Read Chapter 2, Knots for "
                                                    "Sailors before you leave, and Chapter 3, Weather at Sea if the "
                                                    "sky darkens.</p>"),
        ("knots.html", "Chapter 2. Knots for Sailors", "<h1>Chapter 2. Knots for Sailors</h1><p>The bowline makes a "
                                                       "fixed loop.</p>"),
        ("weather.html", "Weather at Sea", "<h1>Weather at Sea</h1><p>A falling barometer warns of a front.</p>")],
        "intro.html")
    assert rows[BASE + "knots.html"]["Anchor"] == "Chapter 2, Knots for Sailors"   # the number names the same page
    assert rows[BASE + "weather.html"]["Anchor"] == "Weather at Sea"   # "Chapter 3" names no page: the title alone


def test_a_quoted_title_after_a_number_that_names_no_page_takes_the_whole_reference(tmp_path):
    # a GUI manual numbers sections inside each chapter page: "Section 8.50" names no page of its own, and its links
    # take the reference whole ('Section 8.50, “Histogram”'); a number naming another page is another reference
    from test_analyzer import BASE

    def anchor(number_page: bool) -> str:
        pages = [("levels.html", "Adjusting levels", "<h1>Adjusting levels</h1><p>To read the tones, see Section 8.50, "
                                                     "“Histogram” before you move a slider.</p>"),
                 ("histogram.html", "Histogram", "<h1>Histogram</h1><p>The histogram dialog shows the tones.</p>"),
                 ("curves.html", "Curves", "<h1>Curves</h1><p>Curves bend the tones.</p>")]
        if number_page:
            pages.append(("colors.html", "Section 8.50. Colors", "<h1>Section 8.50. Colors</h1><p>Hues.</p>"))
        return _book_rows(tmp_path, pages, "levels.html")[BASE + "histogram.html"]["Anchor"]
    assert anchor(number_page=False) == "Section 8.50, “Histogram”"
    assert anchor(number_page=True) == "Histogram"


def _page_and_origin(found: dict) -> dict:
    """reference -> (page, origin) of numbering's entries (one page each)."""
    return {reference: entries[0][:2] for reference, entries in found.items()}


def test_a_section_number_with_its_quoted_title_names_the_page_with_that_heading(tmp_path):
    """A GUI's help numbers its sections within each chapter: every chapter page has a "Section 1", so the number
    names no page, but "Section 1, “Reefing”" does: the one page holding the heading "1. Reefing" (a held-out
    manual: 336 of its 341 such links). The same number and title on two pages name neither."""
    from inlink.links.numbering import titled_sections
    from test_analyzer import BASE
    found = titled_sections([(0, ["Chapter 3. Sails", "1. Reefing", "2. Trimming"]),
                             (1, ["Chapter 4. Knots", "1. Bowline", "2. Trimming"]), (2, ["Introduction"])])
    assert _page_and_origin(found) == {"Section 1, “Reefing”": (0, 'heading "1. Reefing"'),
                                       "Section 1, “Bowline”": (1, 'heading "1. Bowline"')}
    rows = _book_rows(tmp_path, [
        ("intro.html", "Getting Afloat", "<h1>Getting Afloat</h1><p>Before a blow, read Section 1, “Reefing” and tie "
                                         "Section 1, “Bowline” twice.</p>"),
        ("sails.html", "Sails", "<h1>Chapter 3. Sails</h1><h2>1. Reefing</h2><p>Reef early.</p><h2>2. Trimming</h2>"
                                "<p>Ease the sheet.</p>"),
        ("knots.html", "Knots", "<h1>Chapter 4. Knots</h1><h2>1. Bowline</h2><p>A fixed loop.</p><h2>2. Trimming"
                                "</h2><p>Cut the ends.</p>")], "intro.html")
    assert rows[BASE + "sails.html"]["Anchor"] == "Section 1, “Reefing”"
    assert rows[BASE + "knots.html"]["Anchor"] == "Section 1, “Bowline”"
    assert 'names a section of the target (its heading "1. Bowline")' in rows[BASE + "knots.html"]["Reason"]


def test_a_numbered_table_names_the_page_holding_its_caption(tmp_path):
    """DocBook numbers tables, examples and figures through each chapter ("Table 2.1. Knot strengths") and refers
    to them so ("see Table 2.1"): the page whose block opens with that caption is the link. A caption two pages
    open with names neither; a reference in a sentence ("Table 2.1 shows") is no caption."""
    from inlink.links.numbering import is_caption, numbered_captions
    from test_analyzer import BASE
    rows = _book_rows(tmp_path, [
        ("intro.html", "Getting Afloat", "<h1>Getting Afloat</h1><p>How much a knot holds is in Table 2.1, and a "
                                         "bowline is drawn in Figure 4.2.</p>"),
        ("knots.html", "Knots", "<h1>Knots</h1><p><b>Table 2.1. Knot strengths</b></p><table><tr><td>Bowline</td>"
                                "<td>60%</td></tr></table><p>Knots weaken a line.</p>"),
        ("drawings.html", "Drawings", "<h1>Drawings</h1><p>Figure 4.2. A bowline</p><p>Drawn from above.</p>")],
        "intro.html")
    assert rows[BASE + "knots.html"]["Anchor"] == "Table 2.1"
    assert 'stands in the target (its caption "Table 2.1. Knot strengths")' in rows[BASE + "knots.html"]["Reason"]
    assert rows[BASE + "drawings.html"]["Anchor"] == "Figure 4.2"
    assert is_caption("Table 2.1. Knot strengths") and is_caption("Example 3.4. A reefing drill")
    assert not is_caption("Table 2.1 shows the strengths") and not is_caption("Tables of knots")
    twice = numbered_captions([(0, ["Table 5.1. Hitches"]), (1, ["Table 5.1. Hitches", "Figure 6.1. A hitch"])])
    assert _page_and_origin(twice) == {"Figure 6.1": (1, 'caption "Figure 6.1. A hitch"')}


def test_a_page_cited_by_its_own_number_ranks_first_however_little_it_shares(tmp_path):
    """A reference by a number that is one page's own ("see Section 5.2") is the author's pointer to that page: it
    ranks with the page's surest targets, though the cited page shares few words with the source, while the
    source's passing mentions of close pages' titles rank on their closeness as before. A number the site's URLs
    file several pages under is not raised (test above: the low tier)."""
    from test_analyzer import BASE
    sails = ("Trim the mainsail before the jib. Reefing the mainsail in a gust keeps the boat upright, and the jib "
             "sheet eases as the wind backs. Mainsail, jib and reefing lines all lead aft to the cockpit winches.")
    pages = [("trim.html", "3.1. Sail Trim", f"<h1>3.1. Sail Trim</h1><p>{sails}</p><p>Use the Reefing Lines and "
                                             "the Jib Sheets as the wind builds; for a winch that slips, see "
                                             "Section 5.2.</p>"),
             ("reefing.html", "3.2. Reefing Lines", f"<h1>3.2. Reefing Lines</h1><p>{sails}</p>"),
             ("jib.html", "3.3. Jib Sheets", f"<h1>3.3. Jib Sheets</h1><p>{sails}</p>"),
             ("hull.html", "4.1. Hull Care", "<h1>4.1. Hull Care</h1><p>Scrub the hull each spring.</p>"),
             ("winches.html", "5.2. Winch Servicing", "<h1>5.2. Winch Servicing</h1><p>Strip each drum, clean the "
                                                      "pawls with solvent and grease the bearings lightly.</p>")]
    rows = _book_rows(tmp_path, pages, "trim.html")
    order = list(rows)
    winch = rows[BASE + "winches.html"]
    assert winch["Anchor"] == "Section 5.2" and "is the target's own number (its title" in winch["Reason"]
    assert order[0] == BASE + "winches.html"
    assert {BASE + "reefing.html", BASE + "jib.html"} <= set(order[1:3])   # the close pages, as their titles rank


def test_on_plain_text_a_quoted_section_citation_names_the_one_page_holding_its_number_and_title(monkeypatch):
    """Plain text runs a manual's headings into its paragraphs ("2.1. Reefing Reef early ..."), so where a heading's
    title ends is unknown; the citation's quotes tell it: 'Section 2.1, “Reefing”' names the one page whose text holds
    "2.1. Reefing" (a held-out GUI manual's plain export: 316 such rows, all real links). A number and title two pages
    hold name neither, "12.1. Reefing" and "3.2.1. Reefing" hold no "2.1. Reefing", and a translated manual's
    „quotes“ are read too."""
    from test_analyzer import BASE, FILLER, make_site
    from test_analyzer_rules import NO_FLOOR

    from inlink.links.numbering import cited_sections
    from inlink.links.suggest import analyze_page, build_index
    texts = ["Before a blow, read Section 2.1, “Reefing” and tie Section 1, “Bowline”; see also Section 3, “Fronts” "
             "and Abschnitt 2.1, „Reefing“.",
             "Chapter 2. Sails 2.1. Reefing Reef early, before the wind builds. 3. Fronts Reef before one.",
             "Chapter 4. Knots 1. Bowline A fixed loop. 12.1. Reefing and 3.2.1. Reefing A reef knot, not the "
             "sail's reef.",
             "Chapter 5. Weather 3. Fronts A falling barometer brings one."]
    found = cited_sections(texts, [0, 1, 2, 3])
    assert _page_and_origin(found) == {
        "Section 2.1, “Reefing”": (1, 'heading "2.1. Reefing"'),
        "Abschnitt 2.1, “Reefing”": (1, 'heading "2.1. Reefing"'),
        "Section 1, “Bowline”": (2, 'heading "1. Bowline"')}
    from inlink.links import numbering
    monkeypatch.setattr(numbering, "FEW_NEEDLES", 0)   # many needles: found in one Aho-Corasick pass, alike
    assert _page_and_origin(cited_sections(texts, [0, 1, 2, 3])) == _page_and_origin(found)
    monkeypatch.undo()
    # only the pages asked about are read: without page 1, page 3 holds "3. Fronts" alone
    assert cited_sections(texts, [0, 2, 3]).keys() == {"Section 1, “Bowline”", "Section 3, “Fronts”"}
    intro = texts[0].replace("read Section 2.1, “Reefing” and ", "")   # the German citation alone, its „quotes“ whole
    pages = [{"path": "intro", "title": "Getting Afloat", "h1": "Getting Afloat", "content": f"{intro} {FILLER}"},
             {"path": "sails", "title": "Sails", "h1": "Sails", "content": f"{texts[1]} {FILLER}"},
             {"path": "knots", "title": "Knots", "h1": "Knots", "content": f"{texts[2]} {FILLER}"},
             {"path": "weather", "title": "Weather", "h1": "Weather", "content": f"{texts[3]} {FILLER}"}]
    rows = {r["Destination"]: r for r in analyze_page(build_index(make_site(pages), NO_FLOOR), BASE + "intro")}
    assert rows[BASE + "sails"]["Anchor"] == "Abschnitt 2.1, „Reefing“"
    assert 'names a section of the target (its heading "2.1. Reefing")' in rows[BASE + "sails"]["Reason"]
    assert rows[BASE + "knots"]["Anchor"] == "Section 1, “Bowline”"
    assert "Section 3" not in {r["Anchor"][:9] for r in rows.values()}   # two pages hold "3. Fronts": neither named
