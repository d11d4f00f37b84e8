"""Rules from a held-out reference manual's read (a build tool's manual: entries named with placeholders, such as
"CMAKE_<LANG>_FLAGS" or "<PackageName>_ROOT"), each meant for any site, on text written for these tests."""
from __future__ import annotations

from test_analyzer import BASE, FILLER
from test_analyzer_rules import NO_FLOOR, _html_site

from inlink.links.spans import with_placeholder_brackets
from inlink.links.suggest import analyze_page, build_index, validate_suggestion


def _grown(text: str, anchor: str) -> str:
    start = text.index(anchor)
    return text[slice(*with_placeholder_brackets(text, (start, start + len(anchor))))]


def test_an_anchor_keeps_the_angle_bracket_of_a_placeholder_it_cuts():
    text = "Set KILN_<LANG>_OPTS_<MODE> or <Recipe>_HOME; the <LANG> value; a < b > c."
    assert _grown(text, "KILN_<LANG>_OPTS_<MODE") == "KILN_<LANG>_OPTS_<MODE>"
    assert _grown(text, "Recipe>_HOME") == "<Recipe>_HOME"
    assert _grown(text, "LANG> value") == "<LANG> value"
    assert _grown(text, "KILN_") == "KILN_"          # no placeholder cut: left as it is
    assert _grown(text, "value") == "value"
    inside = text.index("LANG", text.index("the <"))
    assert with_placeholder_brackets(text, (inside, inside + 4)) == (inside, inside + 4)   # "LANG" of "<LANG>"
    assert _grown(text, "a < b") == "a < b"          # a comparison is no placeholder


def test_a_name_built_of_placeholders_is_linked_whole(tmp_path):
    pages = [("guide", "Build flags", "<h1>Build flags</h1><p>Each build reads the <code>KILN_&lt;LANG&gt;_OPTS_&lt;"
                                      "MODE&gt;</code> setting first, then <code>&lt;Recipe&gt;_HOME</code> when it "
                                      f"is set.</p><p>{FILLER}</p>"),
             ("opts", "KILN_<LANG>_OPTS_<MODE>", "<h1>KILN_&lt;LANG&gt;_OPTS_&lt;MODE&gt;</h1><p>Options passed to "
                                                 "the compiler of one language in one build mode.</p>"
                                                 f"<p>{FILLER}</p>"),
             ("home", "<Recipe>_HOME", "<h1>&lt;Recipe&gt;_HOME</h1><p>The folder where a recipe's files are looked "
                                       f"for first.</p><p>{FILLER}</p>"),
             ("other", "Testing", f"<h1>Testing</h1><p>Tests run in parallel.</p><p>{FILLER}</p>")]
    index = build_index(_html_site(tmp_path, pages), NO_FLOOR)
    rows = {r["Destination"]: r["Anchor"] for r in analyze_page(index, BASE + "guide")}
    assert rows[BASE + "opts"] == "KILN_<LANG>_OPTS_<MODE>"
    assert rows[BASE + "home"] == "<Recipe>_HOME"
    for target, anchor in (("opts", "KILN_<LANG>_OPTS_<MODE>"), ("home", "<Recipe>_HOME")):
        assert validate_suggestion(index, BASE + "guide", BASE + target, anchor) is None
    assert validate_suggestion(index, BASE + "guide", BASE + "home", "Recipe>_HOME") is not None
