"""The engine's editorial rules: placement in running prose (HTML blocks, code-like spans), whole phrases,
the site's anchor dictionary, confidence and its floor."""
from __future__ import annotations

import math
import pickle

import pandas as pd
import pytest
from test_analyzer import BASE, FILLER, from_page, make_site, suggestions

from inlink.links.anchors import defined_name
from inlink.links.dictionary import AnchorDictionary
from inlink.links.evidence import _shared_fact, _words_fact
from inlink.links.confidence import RECOVERY_WEIGHTS, WEIGHTS, confidence, tier
from inlink.links.placement import cut_from_longer_name, name_neighbours, sentence_context, used_as_verb
from inlink.links.notation import (in_host, in_key_combination, in_menu_path, in_path, in_template_code, is_code_span,
                                   operand_of_operator)
from inlink.links.suggest import (
    AnalysisConfig,
    analyze_page,
    build_index,
    source_pages,
    validate_suggestion,
)
from inlink.site.load import load_site

NO_FLOOR = AnalysisConfig(min_confidence=0.0)


def _html_site(tmp_path, pages: list[tuple[str, str, str]]):
    """A crawl export with the page text as HTML in `Body HTML 1`, read by the real importer."""
    frame = pd.DataFrame([{"Address": BASE + path, "Title 1": title, "H1-1": title, "Body HTML 1": html}
                          for path, title, html in pages])
    frame.to_csv(tmp_path / "pages.csv", index=False)
    return load_site(tmp_path / "pages.csv")


def at_word(check, text: str, word: str) -> bool:
    """check(text, start, end) at the first occurrence of `word` in `text` (the placement rules' signature)."""
    start = text.index(word)
    return check(text, start, start + len(word))


def _garden_pages(hub_html: str) -> list[tuple[str, str, str]]:
    filler = f"<p>{FILLER}</p>"
    return [("hub", "Garden notes", hub_html),
            ("compost", "Composting Guide", (f"<h1>Composting Guide</h1><p>Composting turns waste into soil.</p>"
                                            f"{filler}")),
            ("tools", "Garden Tools", f"<h1>Garden Tools</h1><p>Spades, forks and rakes.</p>{filler}"),
            ("water", "Watering", f"<h1>Watering</h1><p>Water early in the morning.</p>{filler}")]


def test_html_input_gives_text_and_blocks_and_anchors_only_in_prose(tmp_path):
    hub = ("<h2>Composting Guide</h2><pre>config: Composting Guide = on\nGarden Tools = off</pre>"
           "<p>Our notes on the season. When leaves fall, follow the Composting Guide for a rich soil.</p>"
           f"<p>{FILLER}</p>")
    site = _html_site(tmp_path, _garden_pages(hub))
    hub_page = site.pages.loc[site.pages["url"] == BASE + "hub"].iloc[0]
    assert hub_page["content"].startswith("Composting Guide config: Composting Guide = on")
    assert [kind for kind, _s, _e in hub_page["blocks"]][:3] == ["heading", "code", "paragraph"]
    index = build_index(site, NO_FLOOR)
    rows = analyze_page(index, BASE + "hub")
    prose_start = hub_page["content"].index("Our notes")
    assert [(r["Destination"], r["Anchor"]) for r in rows] == [(BASE + "compost", "Composting Guide")]
    assert rows[0]["Context"] == "When leaves fall, follow the Composting Guide for a rich soil."
    assert "Garden Tools" not in [r["Anchor"] for r in rows]          # it stands only in the code listing
    assert hub_page["content"].find("Composting Guide", prose_start) > prose_start
    refused = validate_suggestion(index, BASE + "hub", BASE + "tools", "Garden Tools")
    assert refused and "not running prose" in refused


def test_plain_text_about_html_stays_plain_text(tmp_path):
    frame = pd.DataFrame([{"Address": BASE + f"p{i}", "Title 1": f"Page {i}",
                           "Content": f"Templates escape <a> tags and the <p> element. {FILLER}"} for i in range(3)])
    frame.to_csv(tmp_path / "pages.csv", index=False)
    site = load_site(tmp_path / "pages.csv")
    assert site.pages["content"].iloc[0].startswith("Templates escape <a> tags")
    assert site.pages["blocks"].isna().all()


@pytest.mark.parametrize("text, anchor, expected", [
    ("set table_name first", "table_name", True), ("call setup() now", "setup", True),
    ("pass --verbose here", "verbose", True), ("edit /etc/hosts now", "hosts", True),
    ("the <name> field", "name", True), ("use std::vector here", "vector", True),
    ("a running total", "running", False), ("the Backup Strategies page", "Backup Strategies", False),
])
def test_code_like_spans(text, anchor, expected):
    start = text.index(anchor)
    assert is_code_span(text, start, start + len(anchor)) is expected


def test_validation_takes_an_anchor_closed_on_its_bracket_or_quote_and_a_word_the_site_links():
    """Validation refused what the offline engine placed, the bar both engines' rows must clear: an anchor that
    closed_brackets ends on its ")" or "”" ("does not stand as whole words"), and, with the site's links given, a
    one-word anchor the site itself links to the target ("does not name the target")."""
    pages = [{"path": "legacy", "title": "Installing Modules (Legacy version) | Docs", "content": FILLER},
             {"path": "actions", "title": "Admin actions | Docs", "content": "Bulk edits. " + FILLER},
             {"path": "guide", "title": "Guide | Docs",
              "content": "Read Installing Modules (Legacy version) first. Admin “actions” run in bulk. Call fsum() "
                         "or the (legacy version) tools, and mind the pitfalls. " + FILLER},
             {"path": "other", "title": "Other | Docs", "content": "About the pitfalls again. " + FILLER}]
    links = [("other", "actions", "pitfalls")]
    index = build_index(make_site(pages, links=links), NO_FLOOR)
    assert validate_suggestion(index, BASE + "guide", BASE + "legacy", "Installing Modules (Legacy version)") is None
    assert validate_suggestion(index, BASE + "guide", BASE + "actions", "Admin “actions”") is None
    assert "whole words" in validate_suggestion(index, BASE + "guide", BASE + "legacy", "legacy version)")
    assert validate_suggestion(index, BASE + "guide", BASE + "actions", "pitfalls") is None   # the site's word
    assert "does not name" in validate_suggestion(index, BASE + "guide", BASE + "legacy", "pitfalls")


@pytest.mark.parametrize("text, anchor, grown", [
    ("Call math.fsum() for exact sums.", "math.fsum", "math.fsum()"),
    ("Call math.fsum(values) for exact sums.", "math.fsum", "math.fsum"),     # arguments: no empty call
    ("The setup()x thing.", "setup", "setup"),                                  # glued on: no call
    ("Ends with fsum()", "fsum", "fsum()"),
])
def test_a_call_anchor_takes_its_empty_brackets(text, anchor, grown):
    from inlink.links.spans import with_call_parens
    start = text.index(anchor)
    new_start, new_end = with_call_parens(text, (start, start + len(anchor)))
    assert text[new_start:new_end] == grown


def test_a_call_is_linked_whole_as_documentation_sites_link_it():
    """An editor's read: about a third of the python-docs rows ended before their "()" ("math.fsum" in
    "math.fsum()"), where the site's own anchors hold them (anchors as the site writes them: 574 -> 743 of 1,333
    real-link rows)."""
    pages = [{"path": "fsum", "title": "math.fsum() | Docs", "h1": "math.fsum()", "content": "Exact sums. " + FILLER},
             {"path": "guide", "title": "Guide | Docs",
              "content": "For exact sums of floats, call math.fsum() on the values. " + FILLER}]
    rows = from_page(suggestions(make_site(pages), NO_FLOOR), "guide")
    assert [(r["Destination"], r["Anchor"]) for r in rows] == [(BASE + "fsum", "math.fsum()")]


def test_code_like_span_is_an_anchor_only_for_a_target_named_so():
    pages = [{"path": "setup", "title": "setup() reference | Docs", "content": "setup() builds things. " + FILLER},
             {"path": "config", "title": "Config | Docs", "content": "The table_name option. " + FILLER},
             {"path": "guide", "title": "Guide | Docs",
              "content": "Call setup() before the first run, and set table_name in the settings file. " + FILLER}]
    index = build_index(make_site(pages), NO_FLOOR)
    assert validate_suggestion(index, BASE + "guide", BASE + "setup", "setup") is None   # its title names it
    refused = validate_suggestion(index, BASE + "guide", BASE + "config", "table_name")
    assert refused and "code-like" in refused


@pytest.mark.parametrize("text, anchor, expected", [
    ("Source code: Lib/tkinter/dnd.py for the details.", "tkinter", True),
    ("Open /dev/tty to read the terminal.", "tty", True),
    ("Download it from //www.python.org/downloads/ today.", "www.python.org", True),
    ("The RSS/Atom feeds are served here.", "Atom", False),       # a slash between two words
    ("Call Py_NewInterpreter()/Py_EndInterpreter() in turn.", "Py_EndInterpreter", False),
    ("Use the tkinter module for windows.", "tkinter", False),
    ("The command creates a file <project_name>/asgi.py for you.", "project_name", True),   # a placeholder's
    ("Put them in {app_label}/templates/ beside the app.", "app_label", True),            # brackets: the path's
    ("See <sys/soundcard.h> on Linux for a listing.", "sys", True),
    ("Write <b>bold</b> text in the template.", "bold", False),
    # a file extension written alone names a kind of file, not the module of that name (python-docs: "(.gz,
    # .bz2, .xz)" linked bz2 at 0.81, ".pdb files" linked the debugger)
    ("Compressed files (.gz, .bz2, .xz) are read as well.", "bz2", True),
    ("Symbols are kept in .pdb files beside the DLL.", "pdb", True),
    ("Use os.path to join them.", "path", False),                 # a dotted name's part
    ("New in version 3.11 of the runtime.", "11", False),
    ("It ends here...and then starts again.", "and", False),
])
def test_a_part_of_a_path_or_url_is_no_place_for_an_anchor(text, anchor, expected):
    start = text.index(anchor)
    assert in_path(text, start, start + len(anchor)) is expected


@pytest.mark.parametrize("text, anchor, expected", [
    ("Drop by #django-dev on irc.libera.chat to chat with other users.", "irc.libera.chat", True),
    ("Drop by #django-dev on irc.libera.chat to chat with other users.", "libera", True),
    ("Write to help@example.co.uk for an account.", "example", True),
    ("The docs live at docs.example.com.", "docs.example.com", True),   # the sentence's full stop is no label
    ("Call os.path.join() to build it.", "os.path", False),             # code names end in no domain
    ("Edit settings.py to add the app.", "settings.py", False),
    ("Read a cell with df.at instead.", "df.at", False),
    ("It runs on ASP.NET and Socket.IO alike.", "ASP.NET", False),      # product names are not in lower case
    ("It ends here. Next comes the guide.", "Next", False),
])
def test_a_host_name_or_an_e_mail_address_is_no_place_for_an_anchor(text, anchor, expected):
    """An editor's read found "irc.libera.chat" suggested as an anchor to a release notes page; the README says
    no anchor is part of a URL."""
    start = text.index(anchor)
    assert in_host(text, start, start + len(anchor)) is expected


def test_an_anchor_inside_a_path_is_refused_even_when_it_names_the_target():
    pages = [{"path": "tkinter", "title": "tkinter | Docs", "content": "tkinter builds windows. " + FILLER},
             {"path": "dnd", "title": "Drag and drop | Docs",
              "content": "Source code: Lib/tkinter/dnd.py holds the drag and drop support. " + FILLER}]
    assert_refused_everywhere(pages, "dnd", "tkinter", "tkinter", "path, file extension or URL")


def assert_refused_everywhere(pages: list[dict], source: str, target: str, anchor: str, why: str) -> None:
    """Neither engine may place `anchor` in the source: a model's pick is refused saying `why`, and the offline
    engine's rows never hold it."""
    refused = validate_suggestion(build_index(make_site(pages), NO_FLOOR), BASE + source, BASE + target, anchor)
    assert refused and why in refused
    anchors = {r["Anchor"] for r in from_page(suggestions(make_site(pages), NO_FLOOR), source)}
    assert not {anchor, anchor + "()"} & anchors   # (a call's anchor takes its brackets: with_call_parens)


@pytest.mark.parametrize("text, anchor, expected", [
    ("Load the library first: {% load i18n %} at the top of the template.", "i18n", True),
    ("Print it with {{ article.pub_date|date }} in the page.", "pub_date", True),
    ("The i18n tags need {% load i18n %} first.", "tags", False),                     # prose before the tag
    ("Use {% url %} then read about translation here.", "translation", False),      # after a closed tag
    ("Write {{ and }} for a literal brace; translation is elsewhere.", "translation", False),
    ("An open {% tag on one line\nthen translation %} on the next.", "translation", False),   # not on its line
])
def test_a_word_inside_a_template_tag_or_expression_is_template_code(text, anchor, expected):
    start = text.index(anchor)
    assert in_template_code(text, start, start + len(anchor)) is expected


def test_an_anchor_inside_template_code_is_refused_even_when_it_names_the_target():
    """An editor's read rejected "i18n" in "{% load i18n %}" -> the internationalisation page: code shown in a
    sentence, as a path is, whatever it names."""
    pages = [{"path": "i18n", "title": "i18n | Docs", "content": "i18n translates the site. " + FILLER},
             {"path": "tags", "title": "Template tags | Docs",
              "content": "Templates that translate start with {% load i18n %} before any tag. " + FILLER}]
    assert_refused_everywhere(pages, "tags", "i18n", "i18n", "template code")
    prose = [dict(pages[0]), {**pages[1], "content": pages[1]["content"].replace("before any tag.",
                                                                               "before any i18n tag.")}]
    assert "i18n" in [r["Anchor"] for r in from_page(suggestions(make_site(prose), NO_FLOOR), "tags")]


@pytest.mark.parametrize("check, text, anchor, expected", [
    (in_menu_path, "Open it with Image → Color Management → Enable Color Management first.", "Color Management", True),
    (in_menu_path, "Open it with Image → Color Management → Enable Color Management first.", "Image", True),
    (in_menu_path, "Open it with Image → Color Management → Enable Color Management first.",
     "Enable Color Management", True),
    (in_menu_path, "Go to Settings > Billing > Invoices to download them.", "Billing", True),
    (in_menu_path, "Choose File ▸ Export As and name the file.", "Export As", True),
    (in_menu_path, "Color management keeps colors true from screen to print.", "Color management", False),
    (in_menu_path, "A value a>b is code, and the Billing page explains invoices.", "Billing", False),
    (in_menu_path, "Er sagte »Billing« und ging.", "Billing", False),                            # guillemets quoting
    (in_menu_path, "It works as Shape → Curve to Outline does.", "to Outline", True),       # part of the last item
    (in_menu_path, "Find it under Effects → Blur → Radial Blur….", "Blur", True),               # an item of two words
    (in_menu_path, "Find it under Effects → Blur → Radial Blur….", "Radial Blur", True),         # before an ellipsis
    (in_menu_path, "Pick Effects → Paint → Sketch (classic)… to start.", "classic", True),       # its label
    (in_menu_path, "Pick Tools → Import as frames…, or drag it.", "frames", True),
    (in_menu_path, "Pick Tools → Import as frames…, or drag it.", "Tools → Import", True),      # across the arrow
    (in_menu_path, "Pick Tools\u00a0→\u00a0Ruler Guides here.", "Ruler Guides", True),           # no-break spaces
    (in_menu_path, "Open Tools->Preferences to set it.", "Preferences", True),
    (in_menu_path, "Use Shape → Outline from the main menu to open the Outline Options dialog.",
     "Outline Options", False),                                                  # prose after the item
    (in_menu_path, "Use Shape → Outline from the main menu to open it.", "main menu", False),
    (in_menu_path, "A copy of the frame (Tools → Copy Frame) is kept.", "copy of the frame", False),
    (in_menu_path, "When the margin is > 0, the Soft Margin effect runs.", "Soft Margin", False),  # a comparison
    (in_menu_path, "Set p->Width to Margin first.", "Margin", False),                            # C, not a menu
    (in_menu_path, "x = f (2) ⇒ x = 5 g (x) ⇒ 7 then.", "g", False),              # a result arrow's operands
    (in_menu_path, "size (m) ⇒ 80 Creating Sparse Tables", "Creating Sparse Tables", False),     # a value, no item
    (in_menu_path, "Box Operators Operator Meaning box && box → boolean", "Operators", False),   # an operand
    (operand_of_operator, "if frames.count > 10 then stop.", "frames.count", True),          # code beside an operator
    (operand_of_operator, "$ shell > config.max_depth = 3", "config.max_depth", True),       # after a prompt
    (operand_of_operator, "Then type:\n> config.max_depth = 3", "config.max_depth", True),   # a prompt's line
    (operand_of_operator, "When the margin is > 0, the Soft Margin effect runs.", "margin", False),   # prose
    (in_key_combination, "Press Shift+F10 to open the menu.", "F10", True),
    (in_key_combination, "Press Ctrl + Z to undo.", "Z", True),
    (in_key_combination, "Press Ctrl + Z to undo.", "Ctrl", True),
    (in_key_combination, "The F10 key opens the menu; C++ is a language.", "F10", False),
    (in_key_combination, "Compile it with a C++ compiler.", "C++", False),
    (used_as_verb, "Press Ctrl and you can rotate by 15 degrees.", "rotate", True),               # after a modal
    (used_as_verb, "Then scale the selection to fit.", "scale", True),                            # taking an object
    (used_as_verb, "When you paste a buffer, it floats.", "paste", True),
    (used_as_verb, "The rotation is kept, and the scale of 2 is shown.", "scale", False),         # nouns
    (used_as_verb, "Use logging for the messages.", "logging", False),
    (used_as_verb, "Use Rotate the way you like.", "Rotate", False),                              # capitalised: a name
    (used_as_verb, "Compare it with the json module.", "json", False),
    (used_as_verb, "Done. Copy any empty folders too.", "Copy", True),             # an instruction opening a sentence
    (used_as_verb, "Notes. Delete a link named foo.", "Delete", True),
    (used_as_verb, "Plan ahead. Use our chart for the beds.", "Use", True),      # ... or a possessive
    (used_as_verb, "Glossary the most important terms explained.", "Glossary", False),   # a list's name, then words
    (used_as_verb, "See how Copy all works.", "Copy", False),                      # mid-sentence: a name
])
def test_an_interface_path_a_key_combination_and_a_verb_are_no_mentions(check, text, anchor, expected):
    """An item of a menu path, a key of a combination, a lowercase word used as a verb: a GUI manual's held-out read."""
    assert at_word(check, text, anchor) is expected


def test_an_anchor_in_a_menu_path_is_refused_by_both_engines_and_taken_where_prose_names_the_page():
    """A GUI manual's held-out read: 182 of 1,252 high and medium rows stood in menu paths ("Image → Color Management
    → Enable Color Management"), where its editors linked 3 of 1,085 links."""
    pages = [{"path": "color", "title": "Color Management | Docs", "content": "Color Management keeps colors true. "
              + FILLER},
             {"path": "export", "title": "Export | Docs",
              "content": "To export, open Image → Color Management → Convert first. " + FILLER}]
    assert_refused_everywhere(pages, "export", "color", "Color Management", "menu path")
    prose = [dict(pages[0]), {**pages[1], "content": pages[1]["content"] + " Read how Color Management works."}]
    rows = [r for r in from_page(suggestions(make_site(prose), NO_FLOOR), "export") if r["Anchor"] == "Color Management"]
    assert rows and rows[0]["Context"] == "Read how Color Management works."


@pytest.mark.parametrize("text, anchor, expected", [
    ("Use the Copy Named command to keep it.", "Copy", True),                       # a capitalised word after it
    ("Open the Undo History dialog to go back.", "History dialog", True),          # and before it, mid-sentence
    ("Read Mastering Regular Expressions by Friedl.", "Expressions", True),
    ("The Copy command keeps it.", "Copy", False),                                  # a stop word opens the sentence
    ("Copy Named keeps it.", "Named keeps", False),                                 # the word before opens it
    ("Use Copy and paste it.", "Copy", False),
    ("See Section E.12 for the changes.", "E.12", False),                           # a number, not a name
    ("Use the Copy Named command to keep it.", "Copy Named", False),
])
def test_a_part_of_a_longer_capitalised_name_is_cut_from_it(text, anchor, expected):
    start = text.index(anchor)
    assert cut_from_longer_name(text, start, start + len(anchor), name_neighbours("copy | copy"), (0, len(text))) is expected
    assert not cut_from_longer_name(text, start, start + len(anchor), name_neighbours("copy"), None)   # plain text: not asked


def test_a_word_of_the_targets_title_or_address_or_a_kind_word_beside_it_is_no_longer_name():
    text = "To flip a selection, use the Flip Tool. Run Regular Expressions Now. See the Flip Named tool."
    flip, named = text.index("Flip Tool"), text.index("Flip Named")
    site = name_neighbours("Flip\nhttps://docs.example/flip.html")
    assert not cut_from_longer_name(text, flip, flip + 4, site, (0, len(text)))           # a kind word after it
    assert cut_from_longer_name(text, named, named + 4, site, (0, len(text)))
    assert not cut_from_longer_name(text, named, named + 4, name_neighbours("Flip\nhttps://docs.example/named/flip.html"),
                                    (0, len(text)))                                    # a word of its address
    start = text.index("Expressions")
    assert not cut_from_longer_name(text, start, start + 11, name_neighbours("Regular Expressions Now"), (0, len(text)))
    text = "Read Appendix Interactive Editing for the keys."
    start = text.index("Interactive Editing")
    assert not cut_from_longer_name(text, start, start + 19, name_neighbours("Interactive Editing"), (0, len(text)))


def test_an_anchor_cut_from_a_longer_capitalised_name_is_not_placed_on_html_input(tmp_path):
    """A GUI manual's held-out read: "Copy" of "the Copy Named command" linked to the Copy command, "Security" of
    "SSH Communications Security Corp" to a handbook's security chapter. Where the name stands alone, it links."""
    pages = [("copy", "Copy", f"<h1>Copy</h1><p>Copy puts the selection on the clipboard.</p><p>{FILLER}</p>"),
             ("named", "Buffers", "<h1>Buffers</h1><p>The Copy Named command keeps the selection in a buffer.</p>"
                                  f"<p>{FILLER}</p>"),
             ("paste", "Paste", "<h1>Paste</h1><p>Paste what you took with Copy before.</p>"
                                f"<p>{FILLER}</p>")]
    index = build_index(_html_site(tmp_path, pages), NO_FLOOR)
    assert BASE + "copy" not in {r["Destination"] for r in analyze_page(index, BASE + "named")}
    assert "Copy" in {r["Anchor"] for r in analyze_page(index, BASE + "paste") if r["Destination"] == BASE + "copy"}


def test_a_word_used_as_a_verb_does_not_link_the_page_of_that_title_and_its_name_does():
    """A GUI manual's held-out read: "you can rotate by 15 degrees" linked the Rotate tool, "scale the selection"
    the Scale tool; of 36 such medium rows, none was a link of the site."""
    others = [{"path": f"p{i}", "title": f"{word} | Docs", "content": f"The {word} page covers {word} only. " + FILLER}
              for i, word in enumerate(["Brushes", "Palettes", "Layers", "Channels", "Paths", "Fonts"])]
    pages = [{"path": "rotate", "title": "Rotate | Docs", "content": "The Rotate tool turns a layer by any angle. "
              + FILLER},
             {"path": "grid", "title": "Grid | Docs", "content": "Hold Ctrl and you can rotate the grid in steps. "
              + FILLER}] + others
    assert BASE + "rotate" not in {r["Destination"] for r in from_page(suggestions(make_site(pages), NO_FLOOR), "grid")}
    named = [pages[0], {**pages[1], "content": pages[1]["content"] + " The Rotate tool turns it as well."}, *others]
    rows = [r for r in from_page(suggestions(make_site(named), NO_FLOOR), "grid") if r["Destination"] == BASE + "rotate"]
    assert rows and rows[0]["Context"] == "The Rotate tool turns it as well."

_BREWING = "Roast it short. Мы продаём кофе, see the Brewing Guide. Café? école Brewing Guide too."
_GLOSSARY = ("Go straight to Appendix B. If a word is unfamiliar, the Glossary explains it. By J. A. Smith and "
             "B. Jones.")


@pytest.mark.parametrize("text, anchor, last, sentence", [
    pytest.param("Intro here. Use a tool, e.g. the Composting Guide, for soil. Next sentence.", "Composting Guide",
                 False, "Use a tool, e.g. the Composting Guide, for soil.", id="survives-abbreviations"),
    pytest.param("Soil first. Composting Guide pages explain heaps and bins. Next sentence.", "Composting Guide",
                 False, "Composting Guide pages explain heaps and bins.", id="anchor-opening-its-sentence-alone"),
    pytest.param(_BREWING, "Brewing Guide", False, "Мы продаём кофе, see the Brewing Guide.",
                 id="ends-before-a-capital-of-any-script"),
    pytest.param(_BREWING, "Brewing Guide", True, "Café? école Brewing Guide too.",
                 id="goes-on-before-a-small-letter"),
    pytest.param(_GLOSSARY, "Glossary", False, "If a word is unfamiliar, the Glossary explains it.",
                 id="single-letter-label-ends-before-a-stop-word"),   # found on the prose handbook
    pytest.param(_GLOSSARY, "Smith", False, "By J. A. Smith and B. Jones.", id="an-initial-does-not-end-it"),
])
def test_the_context_is_the_prose_sentence_around_the_anchor(text, anchor, last, sentence):
    start = text.rindex(anchor) if last else text.index(anchor)
    assert sentence_context(text, start, start + len(anchor)) == sentence


def test_a_long_sentence_is_cut_around_the_anchor_with_an_ellipsis_on_each_side_it_was_cut():
    # before: "line option or set the PYTHONWARNDEFAULTENCODING ..." read as a sentence, its cut unmarked
    head = "To find where the default encoding is used, you can enable the warn_default_encoding command line option "
    text = head + "or set the GARDENWARN environment variable, which will emit a warning when the default is used."
    start = text.index("GARDENWARN")
    context = sentence_context(text, start, start + len("GARDENWARN"), width=80)
    assert context.startswith("…") and not context.startswith("…To") and "GARDENWARN" in context
    assert sentence_context(text, start, start + len("GARDENWARN")) == text   # short enough: whole, no ellipsis


def test_anchors_grow_to_the_whole_phrase_of_the_target_title():
    pages = [{"path": "appendix-b", "title": "Appendix B | Manual", "content": "Tables of limits. " + FILLER},
             {"path": "appendix", "title": "Appendix | Manual", "content": "All appendices. " + FILLER},
             {"path": "backup", "title": "Backup | Manual", "content": "Backup basics for data. " + FILLER},
             {"path": "strategies", "title": "Backup Strategies | Manual",
              "content": "Backup strategies compared: full, incremental. " + FILLER},
             {"path": "src", "title": "Operations | Manual",
              "content": "The limits are listed in Appendix B of this manual. Plan your Backup Strategies "
                         "before the first release. " + FILLER}]
    rows = from_page(suggestions(make_site(pages), NO_FLOOR), "src")
    anchors = {r["Destination"]: r["Anchor"] for r in rows}
    assert anchors.get(BASE + "appendix-b") == "Appendix B"
    assert anchors.get(BASE + "strategies") == "Backup Strategies"
    assert BASE + "appendix" not in anchors and BASE + "backup" not in anchors   # never cut from a longer name



@pytest.mark.parametrize("text, word, title, grown", [
    ("enquiries from cafés, restaurants and offices, write", "offices", "Wholesale Coffee for Cafés and Offices",
     "offices"),                                   # not "and offices": a joining word begins no name
    ("for cafés and offices write", "offices", "Wholesale Coffee for Cafés and Offices", "cafés and offices"),
    ("deploy it with Apache and mod_wsgi today", "mod_wsgi", "How to use Django with Apache and mod_wsgi",
     "Apache and mod_wsgi"),
    ("plan the Backup of the servers", "Backup", "Backup of the Ledger", "Backup"),   # nor ends one
    ("read The Audit Trail first", "Audit", "The Audit Trail", "The Audit Trail"),    # an article may begin one
    ("if the ledgerz module is there", "ledgerz", "ledgerz — Compression using the LEDGERZ format",
     "ledgerz"),                                   # ... as the whole title only: here it is the sentence's
    ("from a foreign ledger", "foreign", "tally — A foreign ledger library", "foreign ledger"),
    ("see Getting Started with Keelson now", "Keelson", "Getting Started with Keelson",
     "Getting Started with Keelson"),              # the whole title stands as it is
])
def test_a_grown_anchor_neither_begins_nor_ends_with_a_joining_word(text, word, title, grown):
    from types import SimpleNamespace

    from inlink.links.spans import Taken, grow_to_title
    from inlink.links.tokens import token_offsets

    index = SimpleNamespace(titles=[title], h1s=[title])
    starts, ends = token_offsets(text)
    at = text.index(word)
    span = grow_to_title(index, text, 0, (at, at + len(word)), starts, ends, Taken())
    assert text[span[0]:span[1]] == grown

def test_one_link_per_target_per_page():
    pages = [{"path": "a", "title": "Trail Running | Shop", "content": "Trail running tips. " + FILLER},
             {"path": "src", "title": "Hub | Shop",
              "content": "Trail Running is fun. Trail Running again and Trail Running once more. " + FILLER}]
    rows = suggestions(make_site(pages), NO_FLOOR)
    assert [r["Destination"] for r in from_page(rows, "src")] == [BASE + "a"]


def test_anchor_dictionary_counts_pages_and_link_probability():
    links = [(0, 5, "JSON module"), (1, 5, "json module"), (1, 5, "json module"), (2, 6, "json module"),
             (3, 7, "click here")]
    dictionary = AnchorDictionary.from_links(links)
    key = ("json", "module")
    assert dictionary.links_to(key, 5) == 2 and dictionary.links_to(key, 6) == 1   # pages, not repeats
    assert dictionary.link_odds(key, 5, pages_mentioning=2) > 0 > dictionary.link_odds(key, 5, pages_mentioning=9)
    assert dictionary.link_odds(("never", "linked"), 5, 9) < dictionary.link_odds(("never", "linked"), 5, 2) < 0


def test_the_site_links_phrase_raises_confidence_and_is_named_in_the_reason():
    extra = [{"path": "care", "title": "Shoe care | Stride Shop",
              "content": "Clean grippy lugs after every muddy outing and dry them slowly. " + FILLER}]
    from test_analyzer import shoe_site
    links = [("road", "trail", "grippy lugs"), ("jackets", "trail", "grippy lugs"), ("about", "trail", "grippy lugs")]
    one = next(r for r in from_page(suggestions(shoe_site(extra, links[:1]), NO_FLOOR), "care")
               if r["Destination"] == BASE + "trail")
    three = next(r for r in from_page(suggestions(shoe_site(extra, links), NO_FLOOR), "care")
                 if r["Destination"] == BASE + "trail")
    assert three["Confidence"] > one["Confidence"]
    assert 'already links "grippy lugs" to this page on 3 of the 4 pages that mention it' in three["Reason"]


def _dictionary_site():
    """Twelve notes pages that all mention two phrases: the site links "lunar widgets" to its page on every
    one of them, and the longer "solar powered gadgets" on only one; a new page mentions both."""
    notes = [{"path": f"note{i}", "title": f"Note {i} | Shop",
              "content": f"Week {i}: lunar widgets and solar powered gadgets in the shed. " + FILLER}
             for i in range(12)]
    pages = notes + [
        {"path": "lunar", "title": "Lunar Widgets | Shop", "content": "All about lunar widgets. " + FILLER},
        {"path": "solar", "title": "Gadgets | Shop", "content": "All about solar powered gadgets. " + FILLER},
        {"path": "src", "title": "New note | Shop",
         "content": "This week solar powered gadgets and lunar widgets filled the shed. " + FILLER}]
    links = [(f"note{i}", "lunar", "lunar widgets") for i in range(12)] + [("note0", "solar", "solar powered gadgets")]
    links += [(f"note{i}", f"note{i + 1}", f"Note {i + 1}") for i in range(11)]
    return make_site(pages, links)


def _harbour_site(linking_pages: int):
    """shoe_site with the "care" page's row to "trail" (its phrase linked once), plus ten harbour pages that each
    mention ten crane names, every name linked to its own page from `linking_pages` of the pages that mention it:
    the same pages, the same row, only how thoroughly the site links other phrases differs."""
    names = [f"{word} crane" for word in "amber birch cedar delta ember fjord glade heron inlet juniper".split()]
    mentions = " ".join(f"The {name} lifts boxes." for name in names)
    harbour = [{"path": f"harbour{i}", "title": f"{names[i].title()} | Stride Shop",
                "content": f"Harbour log {i}. {mentions} " + FILLER} for i in range(10)]
    care = {"path": "care", "title": "Shoe care | Stride Shop",
            "content": "Clean grippy lugs after every muddy outing and dry them slowly. " + FILLER}
    cranes = [(f"harbour{i}", f"harbour{k}", names[k]) for k in range(10)
              for i in [j for j in range(10) if j != k][:linking_pages]]
    from test_analyzer import shoe_site
    return shoe_site([care] + harbour, [("road", "trail", "grippy lugs")] + cranes)


def test_a_row_s_confidence_does_not_rise_because_the_site_links_other_phrases_sparingly():
    """How thoroughly a site links its best-linked phrases is its editors' style, not a count of links they left
    out: a site that links its crane names from 2 of the 10 pages that mention them gives the care page's row
    the confidence a site linking them from 9 of 10 gives it (weighed, it added up to 3.4 logits)."""
    rows = {}
    for linking in (9, 2):
        rows[linking] = next(r for r in from_page(suggestions(_harbour_site(linking), NO_FLOOR), "care")
                             if r["Destination"] == BASE + "trail")
    assert "already links \"grippy lugs\" to this page" in rows[2]["Reason"]   # the site's links weigh the row
    assert rows[2]["Confidence"] == rows[9]["Confidence"]


def test_pages_that_cannot_take_the_link_are_not_counted_as_leaving_a_phrase_unlinked():
    """A page links a target once: one that links it with another of its names, or the target's own page,
    mentioning the phrase unlinked, says nothing against the phrase; nor does a mention in code."""

    from inlink.links.anchors import PhraseIndex
    from inlink.links.dictionary import ProseMentions
    from inlink.links.matcher import PhraseMatcher
    from inlink.links.tokens import SiteTokens
    texts = ["We pour the grippy lugs here.", "Grippy lugs wear out; see the sole guide.",
             "Our grippy lugs page.", "Grippy lugs and more grippy lugs.",
             "Nothing to see.", "Call grippy lugs('x') to test."]
    site = SiteTokens.build(texts)
    phrases = PhraseIndex()
    pid = phrases.add("grippy lugs", 2, "title")
    matcher = PhraseMatcher(phrases, site.vocabulary)
    existing = {(0, 2), (1, 2)}    # page 0 links it by this phrase, page 1 by another name ("sole guide")
    counted = ProseMentions.count(matcher, ((i, texts[i], site.page(i), None) for i in range(len(texts))), existing)
    assert counted.pages[pid] == 4                 # pages 0-3 mention it in prose (page 5: a call, code)
    assert counted.unable[(pid, 2)] == 3           # 0 and 1 link the target; 2 is the target
    assert counted.unlinked(pid, 2) == 1           # only page 3 could link it and does not
    dictionary = AnchorDictionary.from_links([(0, 2, "grippy lugs"), (1, 2, "sole guide")])
    assert dictionary.link_odds(("grippy", "lugs"), 2, 4, counted.unlinked(pid, 2)) == pytest.approx(math.log(1.5 / 1.5))
    assert dictionary.link_odds(("grippy", "lugs"), 2, 4) == pytest.approx(math.log(1.5 / 3.5))   # the old count


def test_prose_mentions_of_pages_matched_together_are_what_each_page_counts_alone(monkeypatch):
    """ProseMentions.count matches consecutive pages together: the same counts as page by page, with code
    statements around a mention (checked only where the characters next to it say they might be), blocks out of
    order, and a page whose token ids do not line up with its text."""
    import numpy as np

    import inlink.links.dictionary as dictionary
    from inlink.links.anchors import PhraseIndex
    from inlink.links.matcher import PhraseMatcher
    from inlink.links.tokens import SiteTokens
    texts = ["We pour grippy lugs here.", "import grippy lugs", ">>> grippy lugs\nand grippy lugs(x)",
             "Call grippy lugs() or grippy lugs ('x'); not grippy lugs import y.", "... \ngrippy lugs it",
             "Sole guide: the grippy lugs page. Grippy lugs in a list.", "Grippy lugs wear out; see the sole guide.",
             "Nothing to see here.", "Read the sole guide, then rt grippy lugs and >> sole guide."]
    site = SiteTokens.build(texts)
    phrases = PhraseIndex()
    lugs, guide = phrases.add("grippy lugs", 2, "title"), phrases.add("sole guide", 6, "title")
    matcher = PhraseMatcher(phrases, site.vocabulary)
    blocks = [None, None, None, None, None, [("paragraph", 35, 57), ("heading", 0, 10), ("paragraph", 0, 34)],
              [("paragraph", 0, 41)], [("heading", 0, 20)], None]
    pages = [(i, texts[i], site.page(i)[:-1] if i == 6 else site.page(i), blocks[i]) for i in range(len(texts))]
    existing = {(0, 2), (8, 6)}

    def counted():
        found = dictionary.ProseMentions.count(matcher, iter(pages), existing)
        return found.pages.tolist(), found.unable

    monkeypatch.setattr(dictionary, "PROSE_CHUNK_TOKENS", 10 ** 9)
    together = counted()
    monkeypatch.setattr(dictionary, "PROSE_CHUNK_TOKENS", 1)
    assert counted() == together
    alone = np.zeros(len(matcher.phrases), dtype=np.int64)
    for page in pages:
        alone += dictionary.ProseMentions.count(matcher, [page], existing).pages
    assert together[0] == alone.tolist()
    assert together[0][lugs] == 5 and together[0][guide] == 2 and together[1] == {(lugs, 2): 1, (guide, 6): 1}


def test_the_prose_count_gives_the_document_frequency_a_second_match_would(monkeypatch):
    """ProseMentions.count adds each page's phrases, wherever they stand (code, headings, a page whose ids do not
    line up with its text), to `anywhere`: the index takes the document frequency from there instead of matching
    every page again, so both must agree, whatever the chunks."""
    import numpy as np

    import inlink.links.dictionary as dictionary
    from inlink.links.anchors import PhraseIndex
    from inlink.links.matcher import PhraseMatcher
    from inlink.links.tokens import SiteTokens
    texts = ["We pour grippy lugs here.", "import grippy lugs", "Call grippy lugs() or the sole guide.",
             "Grippy lugs wear out; see the sole guide.", "Nothing to see here.", "Sole guide, sole guide."]
    site = SiteTokens.build(texts)
    phrases = PhraseIndex()
    phrases.add("grippy lugs", 2, "title"), phrases.add("sole guide", 5, "title"), phrases.add("lugs", 1, "key")
    matcher = PhraseMatcher(phrases, site.vocabulary)
    pages = [(i, texts[i], site.page(i)[:-1] if i == 3 else site.page(i), [("heading", 0, 20)] if i == 4 else None)
             for i in range(len(texts))]
    expected = matcher.document_frequency([ids for _i, _text, ids, _blocks in pages]).tolist()
    for chunk in (1, 10 ** 9):
        monkeypatch.setattr(dictionary, "PROSE_CHUNK_TOKENS", chunk)
        anywhere = np.zeros(len(matcher.ends), dtype=np.int64)
        dictionary.ProseMentions.count(matcher, iter(pages), set(), anywhere)
        assert matcher.phrase_frequency(anywhere).tolist() == expected
    assert expected == [4, 2, 4]   # page 3 lacks its last token ("guide")


def test_a_span_the_neighbouring_characters_clear_is_never_part_of_a_code_statement():
    """placement.may_be_code_statement may say "maybe" too often, never too seldom: wherever it clears a span,
    in_running_text's own checks pass."""
    import numpy as np

    from inlink.links.placement import in_running_text, may_be_code_statement
    from inlink.links.tokens import _code_units
    rng = np.random.default_rng(3)
    pieces = ["import ", ">>> ", "... ", " import x", "(", ")", "()", " ", "\n", "a", "rt", "t", ">", ".", ";"]
    for _ in range(300):
        text = "".join(rng.choice(pieces, 12))
        spans = np.array([(b, e) for b in range(len(text)) for e in range(b + 1, min(len(text), b + 4) + 1)])
        codes = _code_units(text)[0]
        padded = np.concatenate((np.zeros(4, dtype=codes.dtype), codes, np.zeros(3, dtype=codes.dtype)))
        cleared = ~may_be_code_statement(padded, spans[:, 0] + 4, spans[:, 1] + 4)
        assert all(in_running_text(None, text, b, e) for b, e in spans[cleared].tolist())


def test_a_target_that_links_the_source_back_gains_and_says_so():
    """Reciprocity: pages that link each other are about one topic; the reason states the checkable fact."""
    site = _dictionary_site()
    alone = from_page(suggestions(site, NO_FLOOR), "src")
    links = site.links.copy()
    links.loc[len(links)] = {"source": BASE + "lunar", "destination": BASE + "src", "anchor": "New note"}
    linked_back = from_page(suggestions(type(site)(site.pages, links, site.report), NO_FLOOR), "src")
    before = next(r for r in alone if r["Destination"] == BASE + "lunar")
    after = next(r for r in linked_back if r["Destination"] == BASE + "lunar")
    assert "the target already links to this page" in after["Reason"]
    assert "the target already links to this page" not in before["Reason"]
    assert after["Confidence"] > before["Confidence"]


def test_link_probability_ranks_a_phrase_the_site_always_links_first():
    rows = from_page(suggestions(_dictionary_site(), NO_FLOOR), "src")
    order = [r["Destination"] for r in rows]
    assert order[:2] == [BASE + "lunar", BASE + "solar"]
    assert rows[0]["Confidence"] > rows[1]["Confidence"]


@pytest.mark.parametrize("feature", sorted(WEIGHTS))
def test_confidence_is_monotone_in_each_piece_of_evidence(feature):
    base = {name: 0.0 for name in WEIGHTS}
    base["similarity"], base["title_similarity"] = -2.0, -3.0
    more = dict(base, **{feature: base[feature] + 1.0})
    if WEIGHTS[feature] > 0:
        assert confidence(more) > confidence(base)
    elif WEIGHTS[feature] < 0:
        assert confidence(more) < confidence(base)
    assert 0.0 <= confidence(more) <= 1.0


@pytest.mark.parametrize("feature", sorted(RECOVERY_WEIGHTS))
def test_recovery_confidence_is_monotone_in_each_piece_of_evidence(feature):
    base = {name: 0.0 for name in RECOVERY_WEIGHTS} | {"links_given": 1.0, "similarity": -2.0, "link_odds": -2.0}
    more = dict(base, **{feature: base[feature] + 1.0})
    if RECOVERY_WEIGHTS[feature] > 0:
        assert confidence(more) > confidence(base)
    elif RECOVERY_WEIGHTS[feature] < 0:
        assert confidence(more) < confidence(base)


def test_a_title_the_site_never_links_falls_below_the_floor_once_its_links_are_given():
    """The target's own title is strong evidence on a site given without links; on a site whose links are
    given, a phrase it mentions on thirty pages and never links is no anchor."""
    evidence = {"similarity": -1.5, "title_similarity": -3.0, "names_title": 1.0, "specificity": 0.8, "exact": 1.0}
    never_linked = AnchorDictionary().link_odds(("some", "title"), 3, pages_mentioning=30)
    assert confidence(evidence) > 0.5
    assert confidence(evidence | {"links_given": 1.0, "link_odds": never_linked}) < AnalysisConfig().min_confidence


def test_an_orphan_page_named_on_the_site_still_receives_links_once_the_links_are_given():
    """The site never links "solar powered gadgets" because nothing links to its page at all (an orphan): the
    anchor dictionary's silence says the page is neglected, which is what the analyst wants found, so the page
    keeps the suggestions a title mention earns; once the site links the phrase to it on one page of twelve, the
    dictionary's verdict weighs again."""
    site = _dictionary_site()
    site.links = site.links[site.links["destination"] != BASE + "solar"].reset_index(drop=True)
    rows = suggestions(site)
    to_orphan = [r for r in rows if r["Destination"] == BASE + "solar"]
    assert len(to_orphan) >= 10 and all(r["Anchor"].lower() == "gadgets" for r in to_orphan)
    linked_once = [r for r in suggestions(_dictionary_site(), NO_FLOOR) if r["Destination"] == BASE + "solar"]
    assert max(r["Confidence"] for r in linked_once) < min(r["Confidence"] for r in to_orphan)


def test_an_orphan_named_by_a_phrase_the_site_links_elsewhere_is_weighed_with_the_sites_links():
    """The site links "lunar widgets" to its page on twelve pages; a page titled "Lunar Widgets Archive" that nothing
    links to is no neglected page's own name for that phrase: the site has said which page it means, so the orphan
    is weighed with the site's links (never linked with it: below the floor), while the orphan named by a phrase
    the site never links keeps the confidence a title mention earns. (Seen from a page that links the phrase's page
    with other words, so its "lunar widgets" is free for the archive: the notes' own is linked text.)"""
    site = _dictionary_site()
    pages = [{"url": BASE + path, "title": title, "h1": "", "description": "", "content": content + FILLER,
              "word_count": 0, "status_code": 200, "content_type": "text/html", "indexability": "Indexable",
              "is_target": True, "excluded_reason": ""}
             for path, title, content in (("archive", "Lunar Widgets | Shop", "Old lunar widgets, kept for the record. "),
                                          ("shelf", "Shelf | Shop", "The moon range: lunar widgets in a row. "))]
    site.pages = pd.concat([site.pages, pd.DataFrame(pages)], ignore_index=True)
    site.links = pd.concat([site.links, pd.DataFrame([{"source": BASE + "shelf", "destination": BASE + "lunar",
                                                       "anchor": "The moon range"}])], ignore_index=True)
    rows = suggestions(site, NO_FLOOR)
    to_archive = [r for r in rows if r["Destination"] == BASE + "archive"]
    assert {r["Source"] for r in to_archive} == {BASE + "shelf"}   # the notes link their "lunar widgets" already
    assert to_archive and max(r["Confidence"] for r in to_archive) < AnalysisConfig().min_confidence
    assert not [r for r in suggestions(site) if r["Destination"] == BASE + "archive"]
    lunar_from_src = [r for r in from_page(rows, "src") if r["Destination"] == BASE + "lunar"]
    assert lunar_from_src and lunar_from_src[0]["Anchor"].lower() == "lunar widgets"


def test_tiers_follow_the_cut_offs():
    assert [tier(v, 0.7, 0.45) for v in (0.95, 0.7, 0.5, 0.45, 0.2)] == ["high", "high", "medium", "medium", "low"]


def test_the_floor_makes_max_per_page_a_maximum_never_a_quota():
    from test_analyzer import shoe_site
    loose = suggestions(shoe_site(), AnalysisConfig(min_confidence=0.0, max_per_page=5))
    strict = suggestions(shoe_site(), AnalysisConfig(min_confidence=0.6, max_per_page=5))
    assert len(strict) < len(loose)
    assert all(r["Confidence"] >= 0.6 for r in strict)
    assert {(r["Source"], r["Destination"]) for r in strict} <= {(r["Source"], r["Destination"]) for r in loose}
    for page in {r["Source"] for r in loose}:
        values = [r["Confidence"] for r in loose if r["Source"] == page]
        assert values == sorted(values, reverse=True)                              # most confident first


def test_min_confidence_option_reaches_the_engine():
    from inlink.tasks.analysis import OptionError, analysis_config, clean_options
    assert analysis_config(clean_options("offline", {"min_confidence": 0.8})).min_confidence == 0.8
    assert analysis_config(clean_options("offline", {})).min_confidence == AnalysisConfig().min_confidence
    with pytest.raises(OptionError, match="min_confidence"):
        clean_options("offline", {"min_confidence": 1.5})


@pytest.mark.parametrize("term, name", [
    ("class io.IOBase(raw)", "io.IOBase"), ("PyObject *PyDict_New()", "PyDict_New"), ("type PyObject", "PyObject"),
    ("exception ValueError", "ValueError"), ("PYTHONPATH", "PYTHONPATH"), ("--verbose, -v", None),
    ("author:", None), ("context", None), ("The Expat XML Parser", None),
    # a version is dotted and holds digits, but no language names a thing "v12.2.0" (a changelog's rows)
    ("v12.2.0", None), ("3.11", None), ("1.2rc1", None), ("numpy.float64", "numpy.float64"), ("sha3_256", "sha3_256"),
    # what stands in an index's brackets is an argument, not the entry's name (Node's emitter[Symbol.for(...)])
    ("emitter[Symbol.for('nodejs.rejection')](err, eventName[, ...args])", None), ("os.environ[key]", "os.environ"),
    # a C library's type prefixed with its namespace's capital (gtk-doc's "struct GError"), an acronym's class
    ("struct GError", "GError"), ("class HTTPServer", "HTTPServer"), ("URLs", None), ("CPUs", None),
])
def test_defined_names_come_from_identifier_shaped_terms(term, name):
    assert defined_name(term) == name


def test_a_definition_term_that_is_a_whole_page_title_is_a_listing_entry_and_takes_the_link(tmp_path):
    """A list of pages written as a <dl> (each page's title as the term, what it covers after it: a docs front
    page, a list of tutorials) links each term to its page; a term that is more than a title stays out, as every
    other term (a declaration, a glossary word). Before, every term was outside prose and such a list gave
    none of its links (held-out pygame front page: 39 links, one suggestion)."""
    hub = ("<h1>Garden notes</h1><dl><dt>Composting Guide</dt><dd>How leaves and scraps become soil.</dd>"
           "<dt>Watering schedule</dt><dd>When to water each bed.</dd></dl>"
           f"<p>{FILLER}</p>")
    index = build_index(_html_site(tmp_path, _garden_pages(hub)), NO_FLOOR)
    rows = {r["Destination"]: r for r in analyze_page(index, BASE + "hub")}
    assert rows[BASE + "compost"]["Anchor"] == "Composting Guide"
    assert rows[BASE + "compost"]["Context"].startswith("Composting Guide")
    assert BASE + "water" not in rows

def test_a_definition_term_that_cites_a_page_by_number_and_quoted_title_is_a_listing_entry(tmp_path):
    """DocBook writes a list of pages as terms that are cross-references ("Section 7.6, “Composting Guide”", then
    what the page is used for): each term names its page as a bare title would. Before, such a term was left out
    with the declarations (held-out GnuCash help: its business chapter's overview gave none of its links)."""
    hub = ("<h1>Garden notes</h1><dl><dt>Section 7.6, “Composting Guide”</dt><dd>How leaves become soil.</dd>"
           "<dt>Section 7.7, “Not A Page”</dt><dd>Nothing here.</dd></dl>"
           f"<p>{FILLER}</p>")
    index = build_index(_html_site(tmp_path, _garden_pages(hub)), NO_FLOOR)
    rows = {r["Destination"]: r for r in analyze_page(index, BASE + "hub")}
    assert "Composting Guide" in rows[BASE + "compost"]["Anchor"]
    assert rows[BASE + "compost"]["Context"].startswith("Section 7.6")


def test_a_title_read_across_a_term_and_its_description_does_not_hide_the_term(tmp_path):
    """A "See also" box's term ("Module soil") followed by its description ("Soil science for beds") reads, across
    the two blocks, as the target's whole title "soil — Soil science"; such a match is never an anchor (one stands
    within one block), and it hid the term's own "soil", the link the site made (python-docs' "Module smtpd", then
    "SMTP server framework", had no row)."""
    pages = _garden_pages("<h1>Garden notes</h1><p>Beds need care all year.</p><p>See also</p>"
                          "<dl><dt>Module soil</dt><dd>Soil science for beds, and what to add.</dd></dl>"
                          f"<p>{FILLER}</p>")
    pages.append(("soil", "soil — Soil science", f"<h1>soil — Soil science</h1><p>Clay, loam and sand.</p>"
                                                 f"<p>{FILLER}</p>"))
    site = _html_site(tmp_path, pages)
    rows = {r["Destination"]: r for r in analyze_page(build_index(site, NO_FLOOR), BASE + "hub")}
    assert rows[BASE + "soil"]["Anchor"] == "soil"
    assert "See also" in rows[BASE + "soil"]["Reason"]


def test_a_table_whose_cells_are_page_titles_is_a_listing_and_its_names_take_the_links(tmp_path):
    """A table of pages (a server's module table: "mod_alias | + |", a catalog overview: "pg_class | tables and
    indexes") names each page in a cell of its own; such a cell is too short to be prose, so before, none of its
    names could be an anchor (held-out Apache manual: a 60-module status table gave 3 rows). A table of values
    that holds one title among many cells stays out."""
    hub = ("<h1>Garden notes</h1><table><tr><th>Guide</th><th>Season</th></tr>"
           "<tr><td>Composting Guide</td><td>+</td></tr><tr><td>Garden Tools</td><td>+</td></tr>"
           "<tr><td>Mulch</td><td>?</td></tr></table><p>Amounts by month:</p>"
           "<table><tr><td>Watering</td><td>2</td><td>4</td><td>6</td><td>8</td><td>10</td><td>12</td></tr></table>"
           f"<p>{FILLER}</p>")
    index = build_index(_html_site(tmp_path, _garden_pages(hub)), NO_FLOOR)
    rows = {r["Destination"]: r for r in analyze_page(index, BASE + "hub")}
    assert rows[BASE + "compost"]["Anchor"] == "Composting Guide" and rows[BASE + "tools"]["Anchor"] == "Garden Tools"
    assert BASE + "water" not in rows   # one title among seven cells: a table of values, not of pages


def test_a_settings_list_that_holds_a_page_title_is_no_listing_and_its_names_are_the_pages_own(tmp_path):
    """A filter's page lists its settings as terms ("Main", "Edge", "Zoom") and then says "only if the Main or
    Edge options are non zero": both the term and the mention are its own setting, not the filter titled "Edge"
    (held-out GIMP manual: a medium row each, none a link of the site)."""
    settings = ("<h1>Lens Distortion</h1><p>Bends the image like a lens.</p><h2>Options</h2>"
                "<dl><dt>Main</dt><dd><p>The amount of correction.</p></dd><dt>Edge</dt><dd><p>The correction at the "
                "edges, only if the Main or Edge options are non zero.</p></dd><dt>Zoom</dt><dd><p>Enlarges the "
                f"image.</p></dd></dl><p>{FILLER}</p>")
    pages = _garden_pages(f"<p>{FILLER}</p>") + [
        ("lens", "Lens Distortion", settings),
        ("edge", "Edge", f"<h1>Edge</h1><p>Edge finds the edges of shapes in an image.</p><p>{FILLER}</p>")]
    index = build_index(_html_site(tmp_path, pages), NO_FLOOR)
    assert BASE + "edge" not in {r["Destination"] for r in analyze_page(index, BASE + "lens")}

def test_a_page_that_defines_a_name_receives_its_links(tmp_path):
    pages = _garden_pages(f"<p>Errors raise SoilError when the pile is too wet; see the Watering page.</p>"
                          f"<p>{FILLER}</p>")
    pages[1] = ("compost", "Composting Guide", ("<h1>Composting Guide</h1><dl><dt>exception SoilError</dt>"
                                              f"<dd>Raised when the soil is wrong.</dd></dl><p>{FILLER}</p>"))
    index = build_index(_html_site(tmp_path, pages), NO_FLOOR)
    rows = analyze_page(index, BASE + "hub")
    row = next(r for r in rows if r["Destination"] == BASE + "compost")
    assert row["Anchor"] == "SoilError" and 'The target defines "SoilError" in an entry of its own' in row["Reason"]


def test_a_name_that_is_a_page_title_goes_to_that_page_not_to_a_list_declaring_it(tmp_path):
    """A front page's <dl> of modules declares "garden.soil" as an entry; the page titled "garden.soil" is where it
    is described, so a mention links there."""
    pages = _garden_pages(f"<p>Load a sample with the garden.soil module before you water.</p><p>{FILLER}</p>")
    pages.append(("front", "Garden front page", "<h1>Garden front page</h1><dl><dt>garden.soil</dt>"
                  f"<dd>Soil samples and their moisture.</dd><dt>garden.water</dt><dd>Water.</dd></dl><p>{FILLER}</p>"))
    pages.append(("soil", "garden.soil", f"<h1>garden.soil</h1><p>Soil samples, their moisture and their pH.</p>"
                  f"<p>{FILLER}</p>"))
    index = build_index(_html_site(tmp_path, pages), NO_FLOOR)
    rows = {r["Anchor"]: r["Destination"] for r in analyze_page(index, BASE + "hub")}
    assert rows.get("garden.soil") == BASE + "soil"


def test_link_index_pickles_and_gives_the_same_rows(tmp_path):
    site = _html_site(tmp_path, _garden_pages(f"<p>Follow the Composting Guide and the Garden Tools list.</p>"
                                              f"<p>{FILLER}</p>"))
    index = build_index(site, NO_FLOOR)
    copy = pickle.loads(pickle.dumps(index))
    assert [analyze_page(copy, u) for u in source_pages(copy)] == [analyze_page(index, u) for u in source_pages(index)]


def test_an_anchor_found_by_vocabulary_that_holds_the_pages_own_name_is_refused():
    from types import SimpleNamespace

    from inlink.links.anchor_choice import _names_the_source
    own = frozenset({"xml.sax.saxutils", "xml.sax.saxutils — sax utilities"})
    shared, title = SimpleNamespace(kind="shared"), SimpleNamespace(kind="title")
    assert _names_the_source("module xml.sax.saxutils", shared, own)      # names this page, not the target
    assert _names_the_source("xml.sax.saxutils", title, own)              # the page's own name, whatever the kind
    assert not _names_the_source("module xml.sax.saxutils", title, own)   # a name of the target may hold it
    assert not _names_the_source("module xml.sax", shared, frozenset({"xml.sax.saxutils"}))
    assert not _names_the_source("xml.sax.saxutils module", shared, frozenset({"xml.sax"}))  # tokens, not text


def test_a_page_never_links_its_own_name_to_another_page():
    pages = [{"path": "server/start", "title": "Getting Started | Docs",
              "content": "Getting Started with the server: read this Getting Started note first. " + FILLER},
             {"path": "client/start", "title": "Getting Started | Docs",
              "content": "Getting Started with the client library and its options. " + FILLER},
             {"path": "other", "title": "Other | Docs", "content": "Unrelated words here. " + FILLER}]
    rows = from_page(suggestions(make_site(pages), NO_FLOOR), "server/start")
    assert BASE + "client/start" not in [r["Destination"] for r in rows]


def _reports_site():
    """Six pages link the chapter "Reports" mid-sentence by its name; nine write "reports" in the everyday sense
    ("large reports run at night") and link nothing to it; one names the chapter and does not link it yet."""
    pages = [{"path": "reports", "title": "Reports", "content": "Reports list the totals of a ledger. " + FILLER},
             {"path": "ledgers", "title": "Ledgers", "content": "Ledgers hold the accounts. " + FILLER},
             {"path": "fresh", "title": "Treasurer", "content": "Each month the treasurer reads Reports. " + FILLER},
             {"path": "plain", "title": "Night jobs", "content": "Night jobs build large reports for the board. " + FILLER}]
    links = []
    for n in range(6):
        pages.append({"path": f"board{n}", "title": f"Board {n}",
                      "content": f"Before meeting {n}, read Reports and the Ledgers page. " + FILLER})
        links += [(f"board{n}", "reports", "Reports"), (f"board{n}", "ledgers", "Ledgers")]
    for n in range(8):
        pages.append({"path": f"jobs{n}", "title": f"Job {n}",
                      "content": f"Job {n}: large reports run at night, after the Ledgers close. " + FILLER})
        links.append((f"jobs{n}", "ledgers", "Ledgers"))
    return make_site(pages, links)


def test_a_name_the_site_links_is_judged_in_the_spelling_it_links():
    """The site links "Reports" (a chapter's title) mid-sentence and never the everyday "reports": the link odds
    of the name count only the pages that write it so, and the lowercase word, which the site never links, gets
    the odds of a word never linked (before, every "reports" counted against the name: log(6.5 / 10.5))."""
    from inlink.links.ranking import phrase_link_odds
    index = build_index(_reports_site(), NO_FLOOR)
    key, target = ("reports",), index.url_pos[BASE + "reports"]
    pid, = index.phrases.ids_for(key)
    df = int(index.phrase_df[pid])
    assert df == 17   # the document frequency still counts every spelling
    assert phrase_link_odds(index, key, pid, target, df, True) == pytest.approx(math.log(6.5 / 1.5))
    assert phrase_link_odds(index, key, pid, target, df, False) == pytest.approx(math.log(0.5 / 9.5))
    rows = suggestions(_reports_site(), NO_FLOOR)
    named = [r for r in from_page(rows, "fresh") if r["Destination"] == BASE + "reports"]
    word = [r for r in from_page(rows, "plain") if r["Destination"] == BASE + "reports"]
    assert named and named[0]["Anchor"] == "Reports"
    assert not word or word[0]["Confidence"] < named[0]["Confidence"] / 4


@pytest.mark.parametrize("links, texts, expected", [
    ([(0, 1, "Reports")], ["See the monthly Reports page."], {("reports",): ("Reports",)}),
    # capitalised only where its sentence opens: no sign of a name
    ([(0, 1, "Reports")], ["Done. Reports list totals."], {}),
    # the anchors vary in case: the site links the word whatever its case
    ([(0, 1, "Reports"), (2, 1, "reports")], ["read Reports", "", "large reports"], {}),
    # several words: case varies with style ('the "Quiet Hours" policy'), the words together name the page
    ([(0, 1, "Audit Trail")], ["read the Audit Trail"], {}),
])
def test_linked_spellings_keep_a_one_word_name_linked_mid_sentence(links, texts, expected):
    from inlink.links.dictionary import linked_spellings
    assert linked_spellings(links, texts) == expected


def test_a_confidence_reads_as_the_csv_writes_it_so_it_never_crosses_a_tier_cut_off():
    """Rounded to two decimals, 0.869 read "Confidence 0.87 (medium)" beside a high tier from 0.87 (found in the
    browser); cut to two, 0.609 read "0.60" on the card beside the CSV's 0.609 (an analyst's read)."""
    from inlink.exports import fixed_decimals
    from inlink.ui.cards import _strength
    from inlink.wording import confidence_figure

    for value in (0.869, 0.87, 0.609, 0.5, 0.2, 1.0, 0.0):
        written = fixed_decimals([{"Confidence": value}])[0]["Confidence"]
        assert confidence_figure(value) == written and _strength(pd.Series({"Confidence": value})) == \
            f"confidence {written}"
    assert tier(0.869) == "medium" and confidence_figure(0.869) == "0.869"


@pytest.mark.parametrize("anchor, term, df, fact", [
    ("zero-terminated UTF-8", "zero-terminated", 17, 'both pages use "zero-terminated", which only 17 pages of the site use'),
    ("ZIP archives", "archives", 9, 'both pages use "archives", which only 9 pages of the site use'),
    ("Grippy", "grippy", 1, 'both pages use "Grippy", which only 1 page of the site uses'),
])
def test_a_shared_words_fact_counts_the_word_it_names_not_the_anchor_grown_around_it(anchor, term, df, fact):
    """The count is the word's: said of the grown anchor, an editor searching the site for it finds fewer pages."""
    assert _shared_fact(anchor, term, df, 1000) == fact


def test_a_shared_word_is_called_rare_only_where_it_is():
    """A word on up to a tenth of the pages may be shared: "which only 507 pages of the site use" (of 5,185) called a
    common word distinctive, which the precision issue asks never to do. Rare: ten pages or fewer, or 2% of the site."""
    assert _shared_fact("Chapter", "chapter", 507, 5185) == 'both pages use "Chapter", as 507 pages of the site\'s 5,185 do'
    assert _shared_fact("Chapter", "chapter", 66, 900) == 'both pages use "Chapter", as 66 pages of the site\'s 900 do'
    assert "which only 10 pages" in _shared_fact("Chapter", "chapter", 10, 100)
    assert "which only 100 pages" in _shared_fact("Chapter", "chapter", 100, 5185)


def test_an_inexact_match_of_the_h1_says_main_heading_not_title():
    assert _words_fact("h1") == "the anchor has the words of the target's main heading"
    assert _words_fact("title") == "the anchor has the words of the target's title"
    assert _words_fact("inbound") == "other pages link to the target with these words"


def test_an_instruction_opening_a_table_cell_is_a_verb_not_a_name():
    """A reference's attribute table: the description cell "Copy any empty directories ..." opens with the verb,
    though no full stop comes before it in the page's text (held-out Ant manual: "Copy", "Delete" taken as the
    pages of those tasks)."""
    text = "includeEmptyDirs Copy any empty directories included. No"
    cell = (text.index("Copy"), text.index(" No"))
    start = cell[0]
    assert used_as_verb(text, start, start + 4, ([cell[0]], [cell[1]]))
    assert not used_as_verb(text, start, start + 4)   # without its blocks, mid-sentence: a name


def _linked_text_site(tmp_path):
    """A guide whose sentences hold two links of its own: "Prefix matching" to its own section (a self link, which the
    importer drops) and "brewing ratio guide" to another page; the site has pages titled "Prefix" and "Brewing Ratio"."""
    pages = [("guide", "Command Guide", "Options may be abbreviated: see Prefix matching below. Our brewing ratio "
                                        "guide helps too. Prefix rules for names are strict. " + FILLER),
             ("prefix", "Prefix", "A prefix is the start of a word. " + FILLER),
             ("ratio", "Brewing Ratio", "The brewing ratio is water to coffee. " + FILLER),
             ("ratio-guide", "Ratio Guide", "How to scale a recipe. " + FILLER)]
    rows = ["Address,Title 1,Content"] + [f'{BASE}{path},{title},"{text}"' for path, title, text in pages]
    (tmp_path / "pages.csv").write_text("\n".join(rows), encoding="utf-8")
    links = ["Source,Destination,Anchor", f"{BASE}guide,{BASE}guide#prefix-matching,Prefix matching",
             f"{BASE}guide,{BASE}ratio-guide,brewing ratio guide"]
    (tmp_path / "links.csv").write_text("\n".join(links), encoding="utf-8")
    return load_site(tmp_path / "pages.csv", tmp_path / "links.csv")


def test_no_anchor_stands_inside_text_the_page_links_already(tmp_path):
    """An exploratory test found anchors inside the page's own links: "Prefix" cut out of "Prefix matching" (the
    page's link to its own section, a self link the importer drops) and "coffee-to-water ratio" inside the link
    "coffee-to-water ratio guide" to another page. A link cannot stand inside another: such text is kept clear, and
    the word where it stands unlinked ("Prefix rules") still takes the link."""
    site = _linked_text_site(tmp_path)
    assert site.linked_text.values.tolist() == [[BASE + "guide", "Prefix matching"]]   # the self link's anchor
    text = site.pages.set_index("url").loc[BASE + "guide", "content"]
    index = build_index(site, NO_FLOOR)
    rows = analyze_page(index, BASE + "guide")
    linked = [(text.index(anchor), text.index(anchor) + len(anchor)) for anchor in ("Prefix matching",
                                                                                  "brewing ratio guide")]
    for row in rows:
        start = text.index(row["Context"].strip("…")) + row["Context"].strip("…").index(row["Anchor"])
        assert not any(start < end and begin < start + len(row["Anchor"]) for begin, end in linked), row
    assert [(r["Anchor"], r["Destination"]) for r in rows if r["Destination"] == BASE + "prefix"] == \
        [("Prefix", BASE + "prefix")]
    assert not [r for r in rows if r["Destination"] == BASE + "ratio"]   # only inside the link to the guide
    assert validate_suggestion(index, BASE + "guide", BASE + "ratio", "brewing ratio") == \
        'the anchor "brewing ratio" stands only inside text the page links already'


def test_a_capitalised_key_phrase_does_not_take_the_lowercase_word_before_it():
    """A one-word anchor grows by a neighbour the target also writes beside it; before a name or an acronym that
    word is the sentence's verb, no part of the name (held out: "4 means B.A.S", the target holding the same
    table)."""
    pages = [{"path": "qbx", "title": "Quickbox Client | Docs",
              "content": "The client of the Quickbox server. Version 4 means Q.B.X 4.x and the Q.B.X tools build it; "
                         "Q.B.X stores its files apart. " + FILLER},
             {"path": "tasks", "title": "Packaging tasks | Docs",
              "content": "Packaging tasks. The version attribute: 4 means Q.B.X (Quickbox Server) 4.x, then the task "
                         "adds a file. " + FILLER},
             {"path": "other", "title": "Other | Docs", "content": "Nothing here about servers. " + FILLER}]
    anchors = [r["Anchor"] for r in from_page(suggestions(make_site(pages), NO_FLOOR), "tasks")
               if r["Destination"] == BASE + "qbx"]
    assert anchors == ["Q.B.X"]


def test_linked_text_is_the_contents_links_in_whole_tokens():
    """A review's doubts about linked text: a menu's or footer's anchor ("Shop") is no text of the content, so it
    keeps no word of the prose from a link; and a footnote's linked "1" stands in no "Python 3.1" (one token)."""
    from inlink.links.index import _page_anchors
    from inlink.links.linked_text import overlaps_linked

    links = pd.DataFrame({"source": [BASE + "a"] * 4, "destination": [BASE + "b"] * 4,
                          "anchor": ["Shop", "our guide", "Brew", "Notes"],
                          "position": ["Navigation", "Content", "", "Footer"]})
    assert _page_anchors(links, None, {BASE + "a": 0, BASE + "b": 1}) == [(0, "our guide"), (0, "Brew")]
    text = "See Python 3.1 and note 1 below; json.dumps differs from json."
    one, dumps = text.index("3.1"), text.index("json.dumps")
    assert not overlaps_linked(text, ("1",), one, one + 3)
    assert overlaps_linked(text, ("1",), text.index("note 1"), text.index("note 1") + 6)
    assert not overlaps_linked(text, ("json",), dumps, dumps + 10)
    assert overlaps_linked(text, ("json",), text.rindex("json"), text.rindex("json") + 4)


def test_a_footers_link_is_no_anchor_the_sites_editors_link(tmp_path):
    """A QA pass: an All Inlinks export whose footer links "Copyright" to the bugs page on most pages made
    "Copyright" in the prose of the pages without that footer an anchor for it ("the site already links
    "Copyright" to this page on 28 of the 29 pages that mention it", medium tier). A link out of the content is
    a link the site has (never suggested again), but its anchor is no evidence of what editors link."""
    topics = ["boots", "tents", "stoves", "ropes", "maps", "packs", "lamps", "knives", "socks", "gloves",
              "poles", "tarps", "filters", "compasses", "hammocks", "helmets", "harnesses", "jackets",
              "cookware", "blankets", "bottles", "ladders"]
    pages = [("bugs", "Reporting problems", "Tell us what broke and how to repeat it. " + FILLER)]
    pages += [(topic, f"Caring for {topic}", f"Our guide to {topic} and how to keep them. Copyright notes apply to "
               f"the photos of {topic}. Pair them with {after} from our guide to caring for {after}. " + FILLER)
              for topic, after in zip(topics, topics[2:] + topics[:2])]
    crawl = tmp_path / "internal_html.csv"
    pd.DataFrame([{"Address": BASE + path, "Title 1": title, "H1-1": title, "Body Text 1": text}
                  for path, title, text in pages]).to_csv(crawl, index=False)
    inlinks = [(topic, "bugs", "Copyright", "Footer") for topic in topics[:18]]
    inlinks += [(topic, other, f"Caring for {other}", "Content")
                for topic, other in zip(topics, topics[1:] + topics[:1])]
    links = tmp_path / "all_inlinks.csv"
    pd.DataFrame([{"Type": "Hyperlink", "Source": BASE + source, "Destination": BASE + destination,
                   "Anchor": anchor, "Link Position": position}
                  for source, destination, anchor, position in inlinks]).to_csv(links, index=False)
    rows = suggestions(load_site(crawl, links), NO_FLOOR)
    assert rows and not [row for row in rows if row["Anchor"] == "Copyright"]
