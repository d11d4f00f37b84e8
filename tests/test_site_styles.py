"""Rules from reading suggestions on sites of other styles (qual9), each meant for any site, on text written for
these tests: a tool's man-page style titles ("kiln-fire") name the command its prose types ("kiln fire")."""
from __future__ import annotations

from inlink.links.text import command_names


def test_a_family_of_man_page_titles_names_the_commands_as_typed():
    titles = ["kiln", "kiln-fire", "kiln-glaze", "kiln-help-search", "kiln-config.json", "Copy-on-write", "Firing"]
    assert command_names(titles) == {1: "kiln fire", 2: "kiln glaze", 3: "kiln help-search"}
    # a lone hyphenated compound, or two titles sharing a first part, are no tool's command pages
    assert command_names(["Copy-on-write", "Write-ahead log", "Glazing"]) == {}
    assert command_names(["pre-flight", "pre-firing", "Glazing"]) == {}


def test_prose_that_types_a_command_links_its_man_page_titled_page(tmp_path):
    from test_analyzer import BASE, FILLER
    from test_analyzer_rules import NO_FLOOR, _html_site

    from inlink.links.suggest import analyze_page, build_index
    commands = {"fire": "Fire the loaded kiln to a set cone.", "glaze": "Glaze the ware before firing.",
                "load": "Load the shelves of the kiln.", "help-search": "Search the kiln's help pages."}
    pages = [(f"kiln-{name}", f"kiln-{name}", f"<h1>kiln-{name}</h1><p>{about}</p><p>{FILLER}</p>")
             for name, about in commands.items()]
    pages += [("guide", "Guide", "<h1>Guide</h1><p>Once the shelves are full, run <code>kiln fire</code> and wait; "
                                 f"if a term is new, try kiln help-search first.</p><p>{FILLER}</p>"),
              ("other", "Other", f"<h1>Other</h1><p>{FILLER}</p>")]
    index = build_index(_html_site(tmp_path, pages), NO_FLOOR)
    rows = {r["Destination"]: r for r in analyze_page(index, BASE + "guide")}
    assert rows[BASE + "kiln-fire"]["Anchor"] == "kiln fire"
    assert rows[BASE + "kiln-help-search"]["Anchor"] == "kiln help-search"
    assert "the anchor is the target's title" in rows[BASE + "kiln-fire"]["Reason"].lower()


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
