"""Rules from reading suggestions on sites of other styles (qual9), each meant for any site, on text written for
these tests: a tool's man-page style titles ("kiln-fire") name the command its prose types ("kiln fire"), and its
commands titled as typed ("kiln fire") are the man pages its prose cites ("kiln-fire(1)")."""
from __future__ import annotations

import numpy as np
import pytest

from inlink.links.text import command_names, man_page_names


def _anchors_for(tmp_path, pages: list[tuple[str, str, str]], source: str, destination: str) -> list[str]:
    """The anchors the engine (no floor) gives on the HTML site `pages` (path, title, body) from one page to another."""
    from test_analyzer import BASE
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.suggest import analyze_page, build_index
    index = build_index(_html_site(tmp_path, pages), NO_FLOOR)
    return [r["Anchor"] for r in analyze_page(index, BASE + source) if r["Destination"] == BASE + destination]


def _anchors_as_written_and_reworded(tmp_path, pages: list[tuple[str, str, str]], source: str, destination: str,
                                    old: str, new: str) -> tuple[list[str], list[str]]:
    """_anchors_for on `pages`, then again with `old` replaced by `new` in the source page's body."""
    written = _anchors_for(tmp_path, pages, source, destination)
    reworded = [(path, title, body.replace(old, new) if path == source else body) for path, title, body in pages]
    return written, _anchors_for(tmp_path, reworded, source, destination)


KILN_COMMANDS = {"fire": "Fire the loaded kiln to a set cone.", "glaze": "Glaze the ware before firing.",
                 "load": "Load the shelves of the kiln.", "help-search": "Search the kiln's help pages."}


def _kiln_pages(joiner: str, guide: str) -> list[tuple[str, str, str]]:
    """A kiln tool's command pages (path "kiln-<command>", titled "kiln<joiner><command>"), a guide page whose
    paragraph is `guide`, and one more page."""
    from test_analyzer import FILLER

    pages = [(f"kiln-{name}", f"kiln{joiner}{name}", f"<h1>kiln{joiner}{name}</h1><p>{about}</p><p>{FILLER}</p>")
             for name, about in KILN_COMMANDS.items()]
    return pages + [("guide", "Guide", f"<h1>Guide</h1><p>{guide}</p><p>{FILLER}</p>"),
                    ("other", "Other", f"<h1>Other</h1><p>{FILLER}</p>")]


def test_a_family_of_man_page_titles_names_the_commands_as_typed():
    titles = ["kiln", "kiln-fire", "kiln-glaze", "kiln-help-search", "kiln-config.json", "Copy-on-write", "Firing"]
    assert command_names(titles) == {1: "kiln fire", 2: "kiln glaze", 3: "kiln help-search"}
    # a lone hyphenated compound, or two titles sharing a first part, are no tool's command pages
    assert command_names(["Copy-on-write", "Write-ahead log", "Glazing"]) == {}
    assert command_names(["pre-flight", "pre-firing", "Glazing"]) == {}


def test_prose_that_types_a_command_links_its_man_page_titled_page(tmp_path):
    from test_analyzer import BASE
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.suggest import analyze_page, build_index
    pages = _kiln_pages("-", "Once the shelves are full, run <code>kiln fire</code> and wait; if a term is new, try "
                             "kiln help-search first.")
    index = build_index(_html_site(tmp_path, pages), NO_FLOOR)
    rows = {r["Destination"]: r for r in analyze_page(index, BASE + "guide")}
    assert rows[BASE + "kiln-fire"]["Anchor"] == "kiln fire"
    assert rows[BASE + "kiln-help-search"]["Anchor"] == "kiln help-search"
    assert "the anchor is the target's title" in rows[BASE + "kiln-fire"]["Reason"].lower()


def test_a_family_of_command_titles_as_typed_names_their_man_pages():
    titles = ["kiln", "kiln fire", "kiln glaze", "kiln help-search", "Kiln Shelves", "kiln", "Firing"]
    assert man_page_names(titles) == {1: "kiln-fire", 2: "kiln-glaze", 3: "kiln-help-search"}
    # capitalised words are a heading, not a command typed; two titles sharing a first word are no tool's family
    assert man_page_names(["Kiln Fire", "Kiln Glaze", "Kiln Load"]) == {}
    assert man_page_names(["glaze mixing", "glaze testing", "Firing"]) == {}


def test_a_man_page_citation_is_running_text_and_its_anchor_takes_the_section():
    from inlink.links.notation import man_section_after
    from inlink.links.placement import in_running_text
    from inlink.links.spans import with_man_section

    text = "See the kiln-fire(1) command, call sleep(1) or kiln-fire(x) first."
    fire, sleep, call = text.index("kiln-fire"), text.index("sleep"), text.rindex("kiln-fire")
    prose = ([0], [len(text)])
    assert man_section_after(text, fire, fire + 9) == fire + 12
    assert in_running_text(prose, text, fire, fire + 9)
    assert with_man_section(text, (fire, fire + 9)) == (fire, fire + 12)
    # a name without a hyphen may be a call with an argument; brackets holding no section are a call
    assert not in_running_text(prose, text, sleep, sleep + 5) and man_section_after(text, sleep, sleep + 5) is None
    assert not in_running_text(prose, text, call, call + 9)
    assert with_man_section(text, (call, call + 9)) == (call, call + 9)


def test_prose_citing_a_man_page_links_the_command_page_titled_as_typed(tmp_path):
    pages = _kiln_pages(" ", "Once the shelves are full, see the kiln-fire(1) command; if a term is new, read "
                             "kiln-help-search(1) first.")
    assert _anchors_for(tmp_path, pages, "guide", "kiln-fire") == ["kiln-fire(1)"]
    assert _anchors_for(tmp_path, pages, "guide", "kiln-help-search") == ["kiln-help-search(1)"]


def test_a_man_page_s_see_also_line_names_its_commands_and_the_reason_says_how(tmp_path):
    """A command page's "SEE ALSO kiln-fire(1), kiln-load(1)" names those commands' pages, each item whole with its
    section; the reason says the anchor is the command's manual page, not its title as written ("kiln fire")."""
    from test_analyzer import BASE
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.suggest import analyze_page, build_index
    pages = _kiln_pages(" ", "Read the kiln-help-search(1) page first.")
    pages = [(path, title, body.replace("</p>", " SEE ALSO kiln-fire(1), kiln-load(1)</p>", 1) if path == "kiln-glaze"
              else body) for path, title, body in pages]
    rows = {r["Destination"]: r for r in analyze_page(build_index(_html_site(tmp_path, pages), NO_FLOOR),
                                                      BASE + "kiln-glaze")}
    for command in ("fire", "load"):
        row = rows[BASE + f"kiln-{command}"]
        assert row["Anchor"] == f"kiln-{command}(1)" and row["Tier"] == "high", row
        assert (f'The anchor names the target\'s command, "kiln {command}", as its manual page does; this page lists '
                'it under “See also”') in row["Reason"]


def test_a_numbered_chapter_written_in_sentence_case_mid_sentence_is_named_there_only(tmp_path):
    """"in the Patterns dialog" names the chapter "3.4. Patterns Dialog"; the same words opening a sentence, in
    lowercase, or after an acronym that is capitalised anywhere ("API reference") are words."""
    from test_analyzer import FILLER

    chapters = [("patterns", "3.4. Patterns Dialog", "Patterns hold tiles to fill a selection with."),
                ("brushes", "3.5. Brushes Dialog", "Brushes hold the tips a paint tool draws with."),
                ("api", "3.6. API Reference", "Every procedure of the program, by name.")]
    pages = [(path, title, f"<h1>{title}</h1><p>{about}</p><p>{FILLER}</p>") for path, title, about in chapters]
    guide = ("<h1>Guide</h1><p>Pick a tile in the Patterns dialog, then fill the selection. Brushes dialog tips come "
             f"next; the API reference lists them all.</p><p>{FILLER}</p>")
    pages += [("guide", "Guide", guide), ("other", "Other", f"<h1>Other</h1><p>{FILLER}</p>")]
    assert _anchors_for(tmp_path, pages, "guide", "patterns") == ["Patterns dialog"]
    assert _anchors_for(tmp_path, pages, "guide", "brushes") == []
    assert _anchors_for(tmp_path, pages, "guide", "api") == []
    lowercase = [(path, title, body.replace("Patterns dialog", "patterns dialog")) for path, title, body in pages]
    assert _anchors_for(tmp_path, lowercase, "guide", "patterns") == []


def test_an_anchor_never_runs_across_a_sentence_or_clause_break_its_name_does_not_hold():
    from inlink.links.placement import anchor_marks, breaks_between_words
    assert breaks_between_words("Kiln. Fire", "kiln fire")          # two sentences
    assert breaks_between_words("glaze, mixing", "Glaze mixing")    # a list
    assert not breaks_between_words("glaze mixing", "Glaze mixing")
    assert not breaks_between_words("FAQ: Glazes", "FAQ: Glazes")   # the title holds the colon
    assert not breaks_between_words("B: Glazes", "B - Glazes")      # a dash-split title is written with a colon
    assert not breaks_between_words("kiln.fire() and e.g. cones", "kiln.fire")   # marks inside tokens
    assert anchor_marks([(0, 1, "Firing: 3"), (2, 1, "firing"), (0, 3, "Glazes")]) == {1: ":"}
    assert not breaks_between_words("Firing: 3", "Firing index\n\n:")   # the site's own anchors hold it
    assert breaks_between_words("UNLOAD} KILN", "UNLOAD KILN")      # a synopsis "{LOAD|UNLOAD} KILN"
    assert breaks_between_words("UNLOAD } ] [ KILN", "UNLOAD KILN")
    assert breaks_between_words("fired <cone", "fired cone")         # "fired <cone number>": a placeholder's
    assert not breaks_between_words("kiln-fire[1]", "kiln-fire")     # a man page's reference is one word
    assert not breaks_between_words("Kilns [Old]", "Kilns [Old]")    # the title holds them


def test_a_command_synopsis_in_inline_code_gives_no_anchor_across_its_grammar(tmp_path):
    """A command's grammar quoted in prose, "KILN ... {LOAD|UNLOAD} SHELF ...", spells the words of the command
    "UNLOAD SHELF" across a brace: not that command, no anchor there."""
    from test_analyzer import BASE, FILLER
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.suggest import analyze_page, build_index
    pages = [("unload-shelf", "UNLOAD SHELF", f"<h1>UNLOAD SHELF</h1><p>Empties one shelf of a kiln.</p><p>{FILLER}</p>"),
             ("alter-kiln", "ALTER KILN", "<h1>ALTER KILN</h1><p>The forms <code>ALTER KILN ... {LOAD|UNLOAD} SHELF"
                                          f" ...</code> cannot run while the kiln fires.</p><p>{FILLER}</p>"),
             ("other", "Other", f"<h1>Other</h1><p>{FILLER}</p>")]
    index = build_index(_html_site(tmp_path, pages), NO_FLOOR)
    assert [r["Anchor"] for r in analyze_page(index, BASE + "alter-kiln")
            if r["Destination"] == BASE + "unload-shelf"] == []


def test_a_list_of_words_is_no_anchor_for_a_title_made_of_two_of_them(tmp_path):
    from test_analyzer import BASE, FILLER
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.suggest import analyze_page, build_index
    pages = [("mixing", "Glaze mixing", f"<h1>Glaze mixing</h1><p>Weigh the dry glaze first.</p><p>{FILLER}</p>"),
             ("studio", "Studio", "<h1>Studio</h1><p>Bring clay, glaze, mixing bowls and a sponge. Never fire wet "
                                  f"clay. Glaze mixing needs a mask.</p><p>{FILLER}</p>"),
             ("notes", "Notes", "<h1>Notes</h1><p>Bring clay, glaze, mixing bowls and a sponge to every class."
                                f"</p><p>{FILLER}</p>"),
             ("other", "Other", f"<h1>Other</h1><p>{FILLER}</p>")]
    index = build_index(_html_site(tmp_path, pages), NO_FLOOR)
    rows = {r["Destination"]: r["Anchor"] for r in analyze_page(index, BASE + "studio")}
    assert rows[BASE + "mixing"] == "Glaze mixing"   # not "glaze, mixing", the first words that spell it
    assert BASE + "mixing" not in {r["Destination"] for r in analyze_page(index, BASE + "notes")}


def _spans(by_row: dict[int, list[tuple[int, int]]]) -> tuple:
    """Option rows' occurrences as PageOptions holds them: (span_ptr, span_starts, span_ends)."""
    rows = [by_row.get(row, []) for row in range(max(by_row) + 1)]
    pointers = [0]
    for found in rows:
        pointers.append(pointers[-1] + len(found))
    return pointers, [s for found in rows for s, _e in found], [e for found in rows for _s, e in found]


def test_a_list_whose_items_each_name_one_page_is_a_list_of_links():
    import numpy as np

    from inlink.links.link_lists import listed_targets
    text = "Fire slowly. See also Glazes Kilns. Clay bodies Notes on glazes"
    def at(words):
        return (text.index(words), text.index(words) + len(words))
    blocks = [("paragraph", 0, 12), ("heading", 13, 21), ("list_item", 22, 28), ("list_item", 29, 35),
              ("list_item", 36, 47), ("list_item", 48, 63)]
    spans = {0: [at("Glazes")], 1: [at("Kilns")], 2: [at("Clay bodies")], 3: [(text.rindex("glazes"), len(text))]}
    targets = np.array([7, 8, 9, 7])
    naming = np.array([True, True, True, True])
    assert listed_targets(text, blocks, targets, naming, _spans(spans)) == {7, 8, 9}
    # an item with more than a name ("Notes on glazes") names nothing; one name alone in a list is a value
    assert listed_targets(text, blocks, targets, np.array([True, False, True, True]), _spans(spans)) == set()
    spans[4] = [at("Kilns")]   # an item two pages share names neither, yet the list goes on
    assert listed_targets(text, blocks, np.array([7, 8, 9, 7, 10]), np.ones(5, dtype=bool), _spans(spans)) \
        == {7, 9}
    assert listed_targets(text, None, targets, naming, _spans(spans)) == set()   # plain text: no lists known


def test_a_page_named_in_a_list_of_links_is_suggested_with_high_confidence(tmp_path):
    from test_analyzer import BASE, FILLER
    from test_analyzer_rules import _html_site

    from inlink.links.suggest import AnalysisConfig, analyze_page, build_index
    topics = ["Glazes", "Kilns", "Clay bodies", "Firing"]
    common = "Glazes, kilns, clay bodies and firing all matter in the studio."
    pages = [(t.lower().replace(" ", "-"), t, f"<h1>{t}</h1><p>{common}</p><p>{FILLER}</p>") for t in topics]
    pages += [("studio", "Studio", f"<h1>Studio</h1><p>{common}</p><p>{FILLER}</p><h2>See also</h2>"
                                   "<ul><li>Glazes</li><li>Kilns</li><li>Clay bodies</li></ul>"),
              ("values", "Values", f"<h1>Values</h1><p>{common}</p><p>{FILLER}</p><h2>Options</h2>"
                                   "<ul><li>Kilns</li><li>the size of a kiln shelf</li></ul>"),
              ("extend", "Extending", f"<h1>Extending</h1><p>{common}</p><p>{FILLER}</p><p>You can add your own</p>"
                                      "<ul><li>glazes</li><li>kilns</li><li>clay bodies</li></ul>")]
    index = build_index(_html_site(tmp_path, pages), AnalysisConfig(min_confidence=0.0, max_per_page=10))
    rows = {r["Destination"]: r for r in analyze_page(index, BASE + "studio")}
    for topic in ("glazes", "kilns", "clay-bodies"):
        assert rows[BASE + topic]["Confidence"] >= 0.9
        assert "among other pages' names" in rows[BASE + topic]["Reason"]
    # the list is said as the anchor's own place only when the anchor is its item (a node.js page's prose anchors read
    # "this page lists it among other pages' names" beside a sentence)
    placed = {topic: rows[BASE + topic]["Context"].strip("…") == rows[BASE + topic]["Anchor"]
              for topic in ("glazes", "kilns", "clay-bodies")}
    for topic, in_list in placed.items():
        assert ("also lists it elsewhere" in rows[BASE + topic]["Reason"]) is not in_list, rows[BASE + topic]
    from inlink.links.suggest import fills_list_item
    studio = index.urls.index(BASE + "studio")
    text = index.texts[studio]
    item, word = text.rindex("Kilns"), text.index("kilns")   # the list's item; the sentence's word
    assert fills_list_item(index, studio, (item, item + 5)) and not fills_list_item(index, studio, (word, word + 5))
    assert "list of" not in rows.get(BASE + "firing", {"Reason": ""})["Reason"]
    values = {r["Destination"]: r for r in analyze_page(index, BASE + "values")}
    assert "list of" not in values.get(BASE + "kilns", {"Reason": ""})["Reason"]   # one name alone in its list
    # the things a reader can add, in lowercase: words of the sentence, not the pages' names as their titles spell them
    extend = {r["Destination"]: r for r in analyze_page(index, BASE + "extend")}
    assert not any("among other pages' names" in row["Reason"] for row in extend.values())


def test_a_title_of_words_in_lowercase_is_capitalised_only_where_a_sentence_opens(tmp_path):
    from test_analyzer import BASE, FILLER
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.suggest import analyze_page, build_index
    pages = [("fire", "kiln fire", f"<h1>kiln fire</h1><p>Fires the loaded shelves to a set cone.</p><p>{FILLER}</p>"),
             ("mid", "Settings", "<h1>Settings</h1><p>This setting makes Kiln fire the shelves twice, slowly.</p>"
                                 f"<p>{FILLER}</p>"),
             ("opens", "Usage", f"<h1>Usage</h1><p>Kiln fire starts a firing. Wait for it.</p><p>{FILLER}</p>"),
             ("other", "Other", f"<h1>Other</h1><p>{FILLER}</p>")]
    index = build_index(_html_site(tmp_path, pages), NO_FLOOR)
    assert BASE + "fire" not in {r["Destination"] for r in analyze_page(index, BASE + "mid")}
    assert {r["Destination"]: r["Anchor"] for r in analyze_page(index, BASE + "opens")}[BASE + "fire"] == "Kiln fire"


def test_with_the_sites_links_given_a_list_of_links_is_one_its_editors_mostly_linked():
    import numpy as np

    from inlink.links.link_lists import listed_targets
    text = "Glazes Kilns Clay bodies Firing"
    words = ["Glazes", "Kilns", "Clay bodies", "Firing"]
    blocks = [("list_item", text.index(w), text.index(w) + len(w)) for w in words]
    # rows only for the pages the source does not link yet: Glazes (7) and Firing (9)
    spans = {0: [blocks[0][1:]], 1: [blocks[3][1:]]}
    targets, naming = np.array([7, 9]), np.ones(2, dtype=bool)
    linked_two = {"Kilns", "Clay bodies"}.__contains__
    assert listed_targets(text, blocks, targets, naming, _spans(spans), linked_two) == set()   # 2 linked, 2 not
    spans = {0: [blocks[0][1:]]}
    assert listed_targets(text, blocks[:3], targets[:1], naming[:1], _spans(spans), linked_two) == {7}
    assert listed_targets(text, blocks[:3], targets[:1], naming[:1], _spans(spans), lambda item: False) == set()


def test_a_topic_word_capitalised_only_in_a_cited_title_reads_in_lowercase():
    from inlink.links.evidence import _PageSpelling
    titles = {"glazing": [("Glazing Stoneware at Home", 0)], "firing": [("Slow Firing Schedules", 5)]}
    text = ("Before you start, read Glazing Stoneware at Home and Slow Firing Schedules. "
            "Then ask Kilnworks, the supplier, about Kilnworks kilns.")
    spell = _PageSpelling(text, titles)
    assert spell("glazing") == "glazing" and spell("firing") == "firing"   # the titles' capitals, not the words'
    assert spell("kilnworks") == "Kilnworks"                                # a name capitalised mid-sentence
    assert _PageSpelling(text)("glazing") == "Glazing"                      # without the site's titles


def test_a_parenthetical_most_titles_share_is_the_site_s_name():
    """A manual made with Texinfo titles every page "Node (Manual)": "Kiln Shelves (Kiln Manual (version 2.1))".
    The parenthetical most titles share is the site's, so "Kiln Shelves" is the page's title (before, no title of
    such a manual was ever found in prose: a held-out GNU manual gave high-tier rows 3% of its pages)."""
    from inlink.links.text import _trailing_parenthetical, clean_title, detect_site_affixes

    assert _trailing_parenthetical("Shelves (Kiln Manual (version 2.1))") == ("Shelves", "(Kiln Manual (version 2.1))")
    assert _trailing_parenthetical("f(x)") is None and _trailing_parenthetical("(draft)") is None
    titles = [f"{name} (Kiln Manual (version 2.1))" for name in ("Shelves", "Cones", "Glazes")] + ["Firing (draft)"]
    suffixes, prefixes = detect_site_affixes(titles)
    assert [clean_title(t, suffixes, prefixes) for t in titles] == ["Shelves", "Cones", "Glazes", "Firing (draft)"]


def test_a_suffix_after_a_colon_most_titles_share_is_the_site_s_name_and_a_colon_of_its_own_stays():
    """A reference made with gtk-doc titles every page "Page: Manual" ("Base64 Encoding: GLib Reference Manual"):
    the part after the last ": " that most titles share is the site's name; a colon a few titles have of their
    own ("Tutorial: Firing Cones") is the title's."""
    from inlink.links.text import clean_title, detect_site_affixes

    titles = [f"{name}: Kiln Reference Manual" for name in ("Shelves", "Cones", "Glazes", "Tutorial: Firing")] + \
        ["Tutorial: Loading the Kiln", "Kiln Reference Manual"]
    suffixes, prefixes = detect_site_affixes(titles)
    assert [clean_title(t, suffixes, prefixes) for t in titles] == [
        "Shelves", "Cones", "Glazes", "Tutorial: Firing", "Tutorial: Loading the Kiln", "Kiln Reference Manual"]


@pytest.mark.parametrize("token, code", [
    ("GError", True), ("GSList", True), ("SSLContext", True), ("HTTPServer", True), ("PyObject", True),
    ("json.dumps", True), ("sys_path", True), ("Python", False), ("IEEE", False), ("URLs", False), ("IDs", False),
    ("APIs", False), ("gsize", False)])
def test_code_like_tokens_include_a_name_opening_with_two_capitals(token, code):
    """Identifiers are matched by case: inner capitals, dots, digits, underscores, and now two capitals then
    lowercase ("GError", "HTTPServer": a C library's namespaced type, an acronym's class), which before read as a
    plain word, so a gtk-doc page's "struct GBytes" declared nothing (held-out GLib: P@5 0.459 -> 0.480). An
    acronym's plural ("URLs", "APIs") is a word."""
    from inlink.links.text import is_code_like
    assert is_code_like(token) is code


def test_a_table_of_contents_of_titles_with_their_glosses_links_each_title(tmp_path):
    """A chapter's table of contents lists its pages as terms, each a page's title, a dash and what the page is
    for ("Base64 Encoding — encodes and decodes data": gtk-doc, DocBook's refentry lists, man pages' NAME lines):
    the title is the link. A term whose name before the dash is no title (a setting and its gloss) stays out
    (held-out GLib reference: its chapter pages gave no row; P@5 0.389 -> 0.459 with the colon-suffix titles)."""
    from test_analyzer import BASE, FILLER
    from test_analyzer_rules import NO_FLOOR, _garden_pages, _html_site

    from inlink.links.suggest import analyze_page, build_index
    hub = ("<h1>Garden notes</h1><dl><dt><span>Composting Guide</span><span> — how leaves and scraps become soil"
           "</span></dt><dt><span>Garden Tools</span><span> — what to buy first</span></dt>"
           "<dt><span>Watering</span> — when to water each bed</dt></dl>"
           "<h2>Settings</h2><dl><dt>Mulch depth — how thick to spread it</dt><dt>Bed width — up to a metre</dt>"
           "<dt>Row spacing — a hand's width</dt></dl>"
           f"<p>{FILLER}</p>")
    index = build_index(_html_site(tmp_path, _garden_pages(hub) + [
        ("depth", "Mulch depth", f"<h1>Mulch depth</h1><p>How deep mulch should lie.</p><p>{FILLER}</p>")]), NO_FLOOR)
    rows = {r["Destination"]: r for r in analyze_page(index, BASE + "hub")}
    assert rows[BASE + "compost"]["Anchor"] == "Composting Guide" and rows[BASE + "tools"]["Anchor"] == "Garden Tools"
    assert rows[BASE + "compost"]["Context"].startswith("Composting Guide — how leaves")
    assert rows[BASE + "water"]["Anchor"] == "Watering"
    assert BASE + "depth" not in rows   # one title of three terms: a list of settings, not of pages


_GLAZING = ("<h2>3.1 Glazing</h2><p>Glazes seal the ware.</p><dl><dt>: C = glaze (ware, color) ¶</dt><dd><p>Coat the "
            "ware.</p></dd></dl>")


def _kiln_manual(*pages: tuple[str, str, str]) -> list[tuple[str, str, str]]:
    """A Texinfo manual's pages (name, title, HTML body): its glazing page, whose entry declares "glaze", then
    `pages`, each titled as the manual titles them and padded with filler."""
    from test_analyzer import FILLER
    return [(name, f"{title} (Kiln Manual)", f"{body}<p>{FILLER}</p>")
            for name, title, body in (("glazing", "Glazing", _GLAZING), *pages)]


def test_a_texinfo_entry_declares_its_function_a_name_only_in_code(tmp_path):
    """A Texinfo manual declares each function in an entry ": C = glaze (ware, color)": the page declares "glaze",
    whose mentions in code link to it; in prose "glaze" is the word (a plain word declared so)."""
    from test_analyzer import BASE
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.anchors import signature_name
    from inlink.links.suggest import analyze_page, build_index
    assert signature_name(": C = glaze (ware, color) ¶") == "glaze"
    assert signature_name(": [a, b] = fire (cone)") == "fire" and signature_name(": reset ()") == "reset"
    assert signature_name("glaze the ware") is None and signature_name("--glaze (x)") is None
    # an entry by its kind (Texinfo's @deffn): the name after the kind, or the call's when a type comes first
    assert signature_name("Function: glaze glaze (ware) ¶") == "glaze"
    assert signature_name("System variable: kiln_temp") == "kiln_temp" and signature_name("Special form: fire") == "fire"
    assert signature_name("Function: int glaze_count (struct kiln *k)") == "glaze_count"
    assert signature_name("Note: glaze twice") is None   # a label before a colon is no kind of entry
    pages = _kiln_manual(("firing", "Firing", "<h2>3.2 Firing</h2><p>Before firing, call <code>glaze</code> on each "
                                              "piece.</p>"),
                         ("decor", "Decoration", "<h2>3.3 Decoration</h2><p>Some potters glaze by hand and paint the "
                                                 "rims.</p>"),
                         ("cones", "Cones", "<h2>3.4 Cones</h2><p>Cones show the heat work.</p>"))
    index = build_index(_html_site(tmp_path, pages), NO_FLOOR)
    firing = {r["Destination"]: r for r in analyze_page(index, BASE + "firing")}
    assert firing[BASE + "glazing"]["Anchor"] == "glaze"
    assert firing[BASE + "glazing"]["Tier"] != "high"   # a plain word declared so: never surer than medium
    decor = {r["Destination"]: r["Anchor"] for r in analyze_page(index, BASE + "decor")}
    assert decor.get(BASE + "glazing") != "glaze"   # the verb in prose is no mention of the function


def test_the_items_of_a_see_also_list_are_read_to_the_end_of_its_sentence():
    from inlink.links.link_lists import see_also_items
    text = ("Coat the ware. See also: glaze, fire; cone and kiln-shelf. Load it. SEE ALSO kiln(1), kiln-fire(8) "
            "or glaze\nNext. See also the chapter on cones. See also, ")
    assert sorted(text[start:end] for start, end in see_also_items(text)) == [
        "cone", "fire", "glaze", "glaze", "kiln", "kiln(1)", "kiln-fire", "kiln-fire(8)", "kiln-shelf",
        "the chapter on cones"]   # a manual page's section after a name: the name alone is an item too
    assert see_also_items("The crew see also the harbour master.") == frozenset()   # no label: a sentence's words
    french = "Voir aussi : glaze, fire."   # and in the languages manuals are translated into
    assert sorted(french[start:end] for start, end in see_also_items(french)) == ["fire", "glaze"]


def test_the_terms_of_a_see_also_box_are_its_items_and_a_reference_s_later_entries_are_not():
    """Sphinx's "See also" box and numpydoc's "See Also" section list a term per page ("Module glaze", what it is
    for): those terms are items, the name after a kind's word too, but a term opening with a capital is one name;
    a reference's entries further down the page (a term, then paragraphs, after prose) are no such list."""
    from inlink.links.link_lists import page_see_also_items
    from inlink.links.placement import prose_ranges, see_also_terms
    parts = [("paragraph", "See also"), ("term", "Module glaze"), ("paragraph", "Glaze recipes."),
             ("term", "Kiln Shelves"), ("definition", "Where ware stands, dried and fired."),
             ("paragraph", "Prose follows here."), ("term", "kiln.load(shelf)"), ("paragraph", "Loads it."),
             ("paragraph", "See also: trim, cone.")]
    text, blocks = "", []
    for kind, words in parts:
        blocks.append((kind, len(text), len(text) + len(words)))
        text += words + " "
    terms = see_also_terms(text, blocks)
    assert [text[start:end] for start, end in terms] == ["Module glaze", "Kiln Shelves"]
    prose = prose_ranges(text, blocks)
    assert {start for start, _end in terms} <= set(prose[0])   # a box's terms take anchors, as running prose
    assert text.index("kiln.load") not in prose[0]
    items = sorted(text[start:end] for start, end in page_see_also_items(text, prose, blocks))
    assert items == ["Kiln Shelves", "Module glaze", "cone", "glaze", "trim"]
    # the text's own reading, without the blocks, runs across the box and splits it at its commas
    assert "Glaze recipes" not in items and page_see_also_items(text, prose, None) != frozenset(items)


def test_a_see_also_box_links_the_module_each_term_names(tmp_path):
    from test_analyzer import BASE, FILLER
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.suggest import analyze_page, build_index
    pages = [("glaze", "glaze — Glaze recipes",
              f"<h1>glaze — Glaze recipes</h1><p>Recipes for glazes.</p><p>{FILLER}</p>"),
             ("kiln", "kiln — Kiln control", f"<h1>kiln — Kiln control</h1><p>Controls the kiln.</p><p>{FILLER}</p>"),
             ("studio", "studio — Studio tools",
              "<h1>studio — Studio tools</h1><p>Tools for the studio, with <code>print()</code>.</p><p>See also</p>"
              "<dl><dt>Module <code>glaze</code></dt><dd><p>How to mix them.</p></dd><dt>Module <code>kiln</code></dt>"
              f"<dd><p>How to fire it.</p></dd></dl><p>{FILLER}</p>")]
    rows = {r["Destination"]: r for r in analyze_page(build_index(_html_site(tmp_path, pages), NO_FLOOR),
                                                      BASE + "studio")}
    for name in ("glaze", "kiln"):
        row = rows[BASE + name]
        assert row["Anchor"] == name and row["Tier"] == "high", row
        assert "this page lists it under “See also”" in row["Reason"]


@pytest.mark.parametrize("html", [True, False])
def test_a_see_also_list_names_each_function_it_lists(tmp_path, html):
    """A manual's "See also: glaze, bisque." names an entry per item, whatever share of the items are another
    page's (here one of three: "trim" is the page's own): each item a target declares is a reference to it, in the
    high tier, though out of code such a plain word is the word ("potters glaze by hand"). On a held-out Texinfo
    manual such items were 516 of 1,229 in-content links, and 274 were never suggested; now 334 rows, 333 real."""
    from test_analyzer import BASE, make_site
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.suggest import analyze_page, build_index
    pages = _kiln_manual(("firing", "Firing", "<h2>3.2 Firing</h2><p>Heat work.</p><dl><dt>: bisque (cone) ¶</dt><dd>"
                                              "<p>Fire the kiln.</p></dd></dl>"),
                         ("decor", "Decoration", "<h2>3.3 Decoration</h2><p>Some potters glaze by hand.</p><dl><dt>: "
                                                 "trim (ware) ¶</dt><dd><p>Trim the rims.</p><p>See also: trim, glaze, "
                                                 "bisque.</p></dd></dl>"),
                         ("rims", "Rims", "<h2>3.4 Rims</h2><p>Some potters glaze the rims and bisque them twice.</p>"))
    if html:
        site = _html_site(tmp_path, pages)
    else:
        import re
        site = make_site([{"path": name, "title": title, "h1": "", "content": re.sub(r"<[^>]+>", " ", body)}
                          for name, title, body in pages])
    index = build_index(site, NO_FLOOR)
    decor = {r["Destination"]: r for r in analyze_page(index, BASE + "decor")}
    for name, function in (("glazing", "glaze"), ("firing", "bisque")):
        row = decor[BASE + name]
        assert row["Anchor"] == function and row["Tier"] == "high", row
        assert row["Context"].rstrip(".").endswith("See also: trim, glaze, bisque"), row["Context"]
        assert f'defines "{function}" in an entry of its own; this page lists it under “See also”' \
            in row["Reason"]
    rims = {r["Destination"]: r["Anchor"] for r in analyze_page(index, BASE + "rims")}
    assert rims.get(BASE + "glazing") != "glaze" and rims.get(BASE + "firing") != "bisque"   # no list: the verbs


def test_a_page_without_an_h1_is_named_by_the_heading_its_html_opens_with(tmp_path):
    """A site whose pages open with an <h2> (hand-written manuals: "<h2>Kiln Shelves</h2>" on the page titled
    "Shelf Type") leaves the crawl's H1 column empty; that heading is the page's name all the same. Plain text marks
    no heading, and a page whose HTML opens with a paragraph gets no H1 either."""
    import pandas as pd

    from test_analyzer import BASE, FILLER
    from test_analyzer_rules import NO_FLOOR

    from inlink.links.index import _opening_headings
    from inlink.links.suggest import analyze_page, build_index
    from inlink.site.load import load_site
    pages = [("shelf", "Shelf Type", f"<h2>Kiln Shelves</h2><p>Shelves hold the ware in the kiln.</p><p>{FILLER}</p>"),
             ("firing", "Firing Task", "<h2>Firing</h2><p>Load the Kiln Shelves evenly before you fire, then close "
                                       f"the lid.</p><p>{FILLER}</p>"),
             ("other", "Other notes", f"<p>Other notes open with a paragraph.</p><h2>Details</h2><p>{FILLER}</p>")]
    frame = pd.DataFrame([{"Address": BASE + path, "Title 1": title, "H1-1": "", "Body HTML 1": html}
                          for path, title, html in pages])
    frame.to_csv(tmp_path / "pages.csv", index=False)
    site = load_site(tmp_path / "pages.csv")
    texts = site.pages["content"].tolist()
    assert _opening_headings(site.pages, texts, [""] * 3) == ["Kiln Shelves", "Firing", ""]
    assert _opening_headings(site.pages.drop(columns="blocks"), texts, [""] * 3) == ["", "", ""]
    rows = {r["Destination"]: r for r in analyze_page(build_index(site, NO_FLOOR), BASE + "firing")}
    assert rows[BASE + "shelf"]["Anchor"] == "Kiln Shelves"
    assert "main heading" in rows[BASE + "shelf"]["Reason"]


def test_a_block_that_is_a_kinds_label_and_one_name_declares_that_name(tmp_path):
    """A reference may list its entries in plain blocks, each a kind's label and the name ("Option:
    Kiln::Max-Temp", its default and description in the blocks after it): the page declares the name as a
    definition term would. A label and several words, or a word that is no kind, declares nothing."""
    from test_analyzer import BASE, FILLER
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.page_blocks import declared_names
    from inlink.links.suggest import analyze_page, build_index
    text = "Option: Kiln::Max-Temp Default: 1200 Note: Kiln::Cone Option: the hottest setting"
    blocks = [("text", 0, 22), ("text", 23, 36), ("text", 37, 53), ("paragraph", 54, len(text))]
    assert declared_names(text, blocks) == (["Kiln::Max-Temp"], frozenset({"Kiln::Max-Temp"}))
    entries = ("<div><div><strong>Option: </strong><code>Kiln::Max-Temp</code></div><div><strong>Default: </strong>"
               "<code>1200</code></div><div>The hottest a firing may go.</div></div>")
    pages = [("settings", "Settings reference", f"<h1>Settings reference</h1>{entries}<p>{FILLER}</p>"),
             ("firing", "Firing", "<h1>Firing</h1><p>Raise Kiln::Max-Temp before a stoneware firing.</p>"
                                  f"<p>{FILLER}</p>"),
             ("other", "Other notes", f"<h1>Other notes</h1><p>{FILLER}</p>")]
    rows = {r["Destination"]: r for r in analyze_page(build_index(_html_site(tmp_path, pages), NO_FLOOR),
                                                       BASE + "firing")}
    assert rows[BASE + "settings"]["Anchor"] == "Kiln::Max-Temp"
    assert "defines" in rows[BASE + "settings"]["Reason"]


def test_a_table_of_contents_item_links_its_own_section_not_a_page_of_that_name(tmp_path):
    """A page's list of its own sections ("Table of Contents: Introduction, Glaze Tasks" above the headings
    "Introduction" and "Glaze Tasks") links those sections: its "Introduction" is no anchor for the site's
    "Introduction" page, nor does the list count as a list of links to other pages. The same word in a list of
    other things, or in the page's prose, still may be."""
    from test_analyzer import FILLER

    from inlink.links.placement import contents_items
    text = "Contents Introduction Glaze Tasks ¶ Introduction ¶ Glaze Tasks Introduction"
    blocks = [("heading", 0, 8), ("list_item", 9, 21), ("list_item", 22, 33), ("list_item", 34, 35),
              ("heading", 36, 50), ("heading", 51, 62), ("list_item", 63, len(text))]
    assert contents_items(text, blocks) == {9, 22, 63}
    assert contents_items(text, [b for b in blocks if b[0] != "heading"]) == frozenset()
    tasks = ("<h2>Contents</h2><ul><li>Introduction</li><li>Glaze Tasks</li></ul>"
             "<h2>Introduction</h2><p>Tasks that glaze the ware.</p><h2>Glaze Tasks</h2><p>Dip, pour or brush.</p>"
             f"<p>{FILLER}</p>")
    pages = [("intro", "Introduction", f"<h1>Introduction</h1><p>What the kiln manual covers.</p><p>{FILLER}</p>"),
             ("glaze", "Glaze Tasks", tasks),
             ("other", "Other", f"<h1>Other</h1><p>{FILLER}</p>")]
    assert _anchors_as_written_and_reworded(tmp_path, pages, "glaze", "intro", "<p>Dip,",
                                            "<p>Read the Introduction first. Dip,") == ([], ["Introduction"])


def test_a_caption_names_what_stands_beside_it_and_holds_no_anchor(tmp_path):
    """A block opening with a numbered label ("Listing 4-3: Kilns with their shelves annotated", "Table 28.2.
    Kiln Shelves") is a caption: it names the listing or table beside it, and is no running prose to link from.
    A sentence that merely starts with such a word ("Tables of glazes ...", "Table 3 shows ...") is prose."""
    from test_analyzer import FILLER

    from inlink.links.placement import prose_ranges
    text = "Listing 4-3: Kiln Shelves annotated Table 28.2. Kiln Shelves Figure B-1: Shelves Table 3 shows the shelves"
    blocks = [("paragraph", 0, 35), ("paragraph", 36, 60), ("paragraph", 61, 80), ("paragraph", 81, len(text))]
    assert prose_ranges(text, blocks) == ([81], [len(text)])
    pages = [("shelf", "Kiln Shelves", f"<h1>Kiln Shelves</h1><p>Shelves hold the ware in the kiln.</p><p>{FILLER}</p>"),
             ("firing", "Firing", "<h1>Firing</h1><pre>load(shelf)</pre><p>Listing 4-3: Kiln Shelves loaded for a "
                                  f"firing</p><p>{FILLER}</p>"),
             ("other", "Other", f"<h1>Other</h1><p>{FILLER}</p>")]
    assert _anchors_as_written_and_reworded(tmp_path, pages, "firing", "shelf", "<p>Listing 4-3: ",
                                            "<p>Unload the ") == ([], ["Kiln Shelves"])


def test_a_taxonomy_line_names_the_sites_categories_and_holds_no_anchor(tmp_path):
    """A block opening with "Categories:" or "Tags:" (a manual's, a blog's, a wiki's footer) names categories,
    which link to their index pages: no running prose to link a page of the same words from. The words in a
    sentence ("The categories: ...", "Kiln Shelves ...") still may be."""
    from test_analyzer import FILLER

    from inlink.links.placement import prose_ranges
    text = "Categories: Kiln Shelves · Tags: firing The categories: Kiln Shelves and more"
    blocks = [("paragraph", 0, 26), ("paragraph", 27, 39), ("paragraph", 40, len(text))]
    assert prose_ranges(text, blocks) == ([40], [len(text)])
    pages = [("shelf", "Kiln Shelves", f"<h1>Kiln Shelves</h1><p>Shelves hold the ware in the kiln.</p><p>{FILLER}</p>"),
             ("firing", "Firing", f"<h1>Firing</h1><p>{FILLER}</p><div>Categories: Kiln Shelves ·</div>"),
             ("other", "Other", f"<h1>Other</h1><p>{FILLER}</p>")]
    assert _anchors_as_written_and_reworded(tmp_path, pages, "firing", "shelf", "<div>Categories: ",
                                            "<div>Unload the ") == ([], ["Kiln Shelves"])


def test_a_keyword_right_after_another_keyword_is_a_clauses_option_not_the_command(tmp_path):
    """"ON DELETE" is a foreign key's action, "NOT VALID" a constraint's option: the keyword in capitals right after
    another one is part of that clause, not the page of the command it spells. A command followed by its options
    ("DELETE WHERE CURRENT"), a keyword after a word of the target's own name, or one after a slash ("INSERT/
    DELETE") still name it."""
    from inlink.links.placement import cut_from_longer_name, name_neighbours
    names = name_neighbours("DELETE sql-delete")
    text = "Set ON DELETE CASCADE here. Run DELETE WHERE CURRENT OF c. Use INSERT/DELETE. SQL DELETE removes rows."
    block = (0, len(text))
    at = [i for i in range(len(text)) if text.startswith("DELETE", i)]
    assert [cut_from_longer_name(text, i, i + 6, names, block) for i in at] == [True, False, False, False]
    assert cut_from_longer_name(text, at[3], at[3] + 6, name_neighbours("DELETE"), block)   # "sql" of its address
    assert not cut_from_longer_name(text, at[0], at[0] + 6, names, None)   # plain text: blocks not its own

    from test_analyzer import FILLER

    pages = [("delete", "DELETE", f"<h1>DELETE</h1><p>DELETE removes rows from a table.</p><p>{FILLER}</p>"),
             ("keys", "Foreign Keys", "<h1>Foreign Keys</h1><p>Choose ON DELETE CASCADE when child rows must go "
                                      f"with their parent.</p><p>{FILLER}</p>"),
             ("other", "Other", f"<h1>Other</h1><p>{FILLER}</p>")]
    assert _anchors_as_written_and_reworded(tmp_path, pages, "keys", "delete", "Choose ON DELETE CASCADE",
                                            "Run DELETE") == ([], ["DELETE"])


def test_a_heading_the_site_refers_the_reader_to_names_its_page(tmp_path):
    """On a site that does not quote the titles it cites, "See Library Dependencies for more information" refers
    to the section so headed on another page: that heading, as written, after "see" or "described in", names its
    page. The same words with no such reference ("the library dependencies of a task"), a heading several pages
    carry, or one no page refers to (a product's name, "Glaze Studio") name nothing."""
    from test_analyzer import FILLER

    install = ("<h1>Installing Kiln</h1><p>Unpack the archive.</p><h2>Library Dependencies</h2><p>Some tasks need "
               "extra jars on the classpath.</p><h2>Glaze Studio</h2><p>A separate program.</p>"
               f"<h2>Notes</h2><p>{FILLER}</p>")
    task = ("<h1>Fire Task</h1><p>This task needs an external library. See Library Dependencies for more "
            f"information. Glaze Studio can read its logs.</p><p>{FILLER}</p>")
    pages = [("install", "Installing Kiln", install), ("fire", "Fire Task", task),
             ("glaze", "Glaze Task", task.replace("Fire", "Glaze")),
             ("other", "Other", f"<h1>Other</h1><h2>Notes</h2><p>{FILLER}</p>")]
    assert _anchors_as_written_and_reworded(tmp_path, pages, "fire", "install", "See Library Dependencies",
                                            "Check the library dependencies") == (["Library Dependencies"], [])
    import numpy as np

    from inlink.links.anchors import PhraseIndex
    from inlink.links.sections import register_headings
    from inlink.links.tokens import SiteTokens
    texts = ["Kiln Setup Firing Notes", "Read on. See Firing Notes and see Kiln Setup.", "Firing Notes again"]
    headings = [[(0, 10), (11, 23)], [], [(0, 12)]]   # "Firing Notes" heads two pages, "Kiln Setup" one
    phrases = PhraseIndex()
    register_headings(phrases, ["Kiln", "Read", "Again"], texts, np.ones(3, dtype=bool), headings,
                      SiteTokens.build(texts))
    assert [" ".join(phrase.original) for phrase in phrases.phrases] == ["Kiln Setup"]


@pytest.mark.parametrize("heading, citation", [
    ("8.3. Handling Exceptions", "see Handling Exceptions"),          # its section number left out
    ("Get your database running", "see Get your database running"),   # sentence case
    ("Error Handlers", "listed in section Error Handlers"),           # "section" between the cue and the words
])
def test_a_numbered_or_sentence_case_heading_cited_as_written_names_its_page(tmp_path, heading, citation):
    """Sites number their sections and most write their headings in sentence case; a reference writes the heading's
    words after "see" (or "listed in section"): those words, so cited, name the page the section stands on. Without
    the cue (another page still citing them) they name nothing."""
    from test_analyzer import FILLER

    words = heading.split(". ", 1)[-1]
    guide = (f"<h1>Kiln Guide</h1><p>Read this first.</p><h2>{heading}</h2><p>What the section says.</p>"
             f"<h2>Notes</h2><p>{FILLER}</p>")
    task = f"<h1>Fire Task</h1><p>Possible values are {citation} for this task.</p><p>{FILLER}</p>"
    pages = [("guide", "Kiln Guide", guide), ("fire", "Fire Task", task),
             ("glaze", "Glaze Task", task.replace("Fire", "Glaze")),
             ("other", "Other", f"<h1>Other</h1><h2>Notes</h2><p>{FILLER}</p>")]
    assert _anchors_as_written_and_reworded(tmp_path, pages, "fire", "guide", citation, f"so {words}") \
        == ([words], [])
    from test_analyzer import BASE
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.suggest import analyze_page, build_index
    index = build_index(_html_site(tmp_path, pages), NO_FLOOR)
    row = next(r for r in analyze_page(index, BASE + "fire") if r["Destination"] == BASE + "guide")
    assert "the page refers the reader to the anchor, a section heading only the target has" in row["Reason"].lower()
    assert "in quotes" not in row["Reason"]


def test_a_heading_name_is_plain_words_the_first_capitalised():
    from inlink.links.sections import _SECTION_NUMBER_RE, _heading_name

    assert [_heading_name(h) for h in ("Making queries", "Providing a C API for extensions",
                                       "Python’s built-in types", "Library Dependencies")] == [True] * 4
    assert [_heading_name(h) for h in ("Notes", "making queries", "The os.path module", "Using get_foo()",
                                       "Managing files (e.g. images)", "RemoveHandler Directive",
                                       "One two three four five six seven eight nine")] == [False] * 7
    assert [_SECTION_NUMBER_RE.sub("", h, 1) for h in ("8.3. Handling Exceptions", "3.6 Weak References",
                                                        "12. Glossary", "A.2. Options", "3 Tips", "2024 Plans")] \
        == ["Handling Exceptions", "Weak References", "Glossary", "Options", "3 Tips", "2024 Plans"]


def test_a_menu_and_a_footer_the_template_repeats_on_every_page_hold_no_anchor(tmp_path):
    """A crawl's HTML of each page's whole body, in <div>s that name no part (no landmark, no <nav> nor <footer>: the
    importer cannot tell the page's own text): the shop's menu and footer stand on every page. Their list items read as
    a list of links and their sentences as prose, so every page got high-tier links in its menu and its footer (links
    the template makes already). A block on at least half of the pages is the template's: no anchor there; the same
    names in a page's own paragraph, or in a note only a few pages repeat, still take one."""
    from test_analyzer import BASE, FILLER
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.suggest import analyze_page, build_index, source_pages
    menu = '<div class="top"><ul><li>Trail Shoes</li><li>Rain Jackets</li><li>Camp Stoves</li></ul></div>'
    footer = '<div class="bottom"><p>Questions about an order? Read our Shipping Policy or our Returns Policy.</p></div>'
    note = "<p>Every order ships with a printed copy of our Returns Policy in the box.</p>"
    topics = ["Trail Shoes", "Rain Jackets", "Camp Stoves", "Shipping Policy", "Returns Policy", "Sleeping Bags",
              "Head Torches", "Water Filters", "Tent Pegs", "Dry Bags", "Hiking Poles", "Gaiters"]
    pages = []
    for at, topic in enumerate(topics):
        own = f"<p>{topic} are tested by our team on long walks in every season.</p>"
        if topic == "Gaiters":
            own += "<p>Gaiters bought in a sale can be sent back as our Shipping Policy explains.</p>"
        pages.append((topic.lower().replace(" ", "-"), topic,
                      f"{menu}<div><h1>{topic}</h1>{own}{note if at < 5 else ''}<p>{FILLER}</p></div>{footer}"))
    index = build_index(_html_site(tmp_path, pages), NO_FLOOR)
    rows = [row for url in source_pages(index) for row in analyze_page(index, url)]
    template = ("Trail Shoes", "Rain Jackets", "Camp Stoves", "Questions about an order? Read our Shipping Policy or "
                "our Returns Policy.")
    assert rows and not [row for row in rows if any(row["Context"].rstrip("…") in block for block in template)]
    by_source = {(row["Source"], row["Destination"]): row["Context"] for row in rows}
    assert by_source[(BASE + "gaiters", BASE + "shipping-policy")] == \
        "Gaiters bought in a sale can be sent back as our Shipping Policy explains."
    assert by_source[(BASE + "trail-shoes", BASE + "returns-policy")] == \
        "Every order ships with a printed copy of our Returns Policy in the box."   # on 5 pages of 12: no template's


def test_a_name_qualified_by_a_page_s_identifier_title_names_that_page():
    """A catalog's "(references kiln_shelf.oid)" names the page titled "kiln_shelf": the tokeniser reads the
    qualified name as one token, so the title alone never matched inside it. The whole name is the anchor and the
    reason says what it is. A file name ("kiln_shelf.c"), a name a page declares itself, or a title two pages
    share names none."""
    from test_analyzer import BASE, FILLER, make_site
    from test_analyzer_rules import NO_FLOOR

    from inlink.links.anchors import PhraseIndex
    from inlink.links.naming import register_members
    from inlink.links.suggest import analyze_page, build_index
    phrases = PhraseIndex()
    phrases.add("glaze_batch.recipe", 3, "defined")
    vocabulary = {"kiln_shelf.oid": 0, "kiln_shelf.c": 1, "glaze_batch.recipe": 2, "kiln_log.id": 3, "refs": 4}
    titles = ["kiln_shelf", "glaze_batch", "kiln_log", "Recipes", "kiln_log"]
    assert register_members(phrases, titles, np.ones(5, dtype=bool), vocabulary) == 1
    assert {phrases.phrases[pid].targets.get(0) for pid in phrases.ids_for(("kiln_shelf.oid",))} == {"title"}
    assert not phrases.ids_for(("kiln_shelf.c",)) and not phrases.ids_for(("kiln_log.id",))
    pages = [{"path": "shelf", "title": "kiln_shelf", "h1": "kiln_shelf", "content": f"Shelves in the kiln. {FILLER}"},
             {"path": "firing", "title": "kiln_firing", "h1": "kiln_firing",
              "content": f"shelf oid (references kiln_shelf.oid) The shelf the firing loads. {FILLER}"},
             {"path": "other", "title": "Other notes", "h1": "Other notes", "content": FILLER}]
    rows = {r["Destination"]: r for r in analyze_page(build_index(make_site(pages), NO_FLOOR), BASE + "firing")}
    assert rows[BASE + "shelf"]["Anchor"] == "kiln_shelf.oid"
    assert 'names a member of the target, "kiln_shelf" (its title), qualified' in rows[BASE + "shelf"]["Reason"]
