"""Rules from a held-out reference manual's read (a build tool's manual: entries named with placeholders, such as
"CMAKE_<LANG>_FLAGS" or "<PackageName>_ROOT"), each meant for any site, on text written for these tests."""
from __future__ import annotations

from test_analyzer import BASE, FILLER
from test_analyzer_rules import NO_FLOOR, _html_site

from inlink.links.spans import with_placeholder_brackets
from inlink.links.suggest import analyze_page, build_index, validate_suggestion


def _analysed(tmp_path, pages: list[tuple[str, str, str]]):
    """The index of a site of `pages` (path, title, HTML; a filler paragraph added to each) and the rows of its first
    page by destination."""
    index = build_index(_html_site(tmp_path, [(path, title, f"{html}<p>{FILLER}</p>") for path, title, html in pages]),
                        NO_FLOOR)
    return index, {r["Destination"]: r for r in analyze_page(index, BASE + pages[0][0])}


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
    index, rows = _analysed(tmp_path, [
        ("guide", "Build flags", "<h1>Build flags</h1><p>Each build reads the <code>KILN_&lt;LANG&gt;_OPTS_&lt;MODE&gt;"
                                 "</code> setting first, then <code>&lt;Recipe&gt;_HOME</code> when it is set.</p>"),
        ("opts", "KILN_<LANG>_OPTS_<MODE>", "<h1>KILN_&lt;LANG&gt;_OPTS_&lt;MODE&gt;</h1><p>Options passed to the "
                                            "compiler of one language in one build mode.</p>"),
        ("home", "<Recipe>_HOME", "<h1>&lt;Recipe&gt;_HOME</h1><p>The folder where a recipe's files are looked for "
                                  "first.</p>"),
        ("other", "Testing", "<h1>Testing</h1><p>Tests run in parallel.</p>")])
    assert rows[BASE + "opts"]["Anchor"] == "KILN_<LANG>_OPTS_<MODE>"
    assert rows[BASE + "home"]["Anchor"] == "<Recipe>_HOME"
    for target, anchor in (("opts", "KILN_<LANG>_OPTS_<MODE>"), ("home", "<Recipe>_HOME")):
        assert validate_suggestion(index, BASE + "guide", BASE + target, anchor) is None
    assert validate_suggestion(index, BASE + "guide", BASE + "home", "Recipe>_HOME") is not None


def test_a_name_built_of_placeholders_is_declared_whole_never_by_its_last_word():
    from inlink.links.anchors import defined_name
    assert defined_name("KILN_SUFFIX_<LANG>") == "KILN_SUFFIX_<LANG>"
    assert defined_name("<Recipe>_HOME¶") == "<Recipe>_HOME"
    assert defined_name("KILN_PART_<part>_LABEL") == "KILN_PART_<part>_LABEL"
    assert defined_name("<IfBlock>") == "IfBlock"           # a section directive's name, alone in its brackets
    assert defined_name("$<BUILD_ROOT>") == "BUILD_ROOT"   # an expression's name, as written after "$<"
    assert defined_name("$<JOIN_ALL:...>") == "JOIN_ALL"
    assert defined_name("KILN_SUFFIX") == "KILN_SUFFIX"


def test_a_placeholder_in_prose_is_no_mention_of_the_entry_its_name_ends_with(tmp_path):
    """"<LANG>" in a page's prose is a value the reader supplies; the entry "KILN_SUFFIX_<LANG>" declares no "LANG"."""
    _index, rows = _analysed(tmp_path, [
        ("guide", "Build flags", "<h1>Build flags</h1><p>The compiler of language <code>&lt;LANG&gt;</code> reads its "
                                 "flags first, for every language <code>&lt;LANG&gt;</code> the project enables.</p>"),
        ("suffix", "KILN_SUFFIX_<LANG>", "<h1>KILN_SUFFIX_&lt;LANG&gt;</h1><p>The suffix of the files that the "
                                         "compiler of one language writes.</p>"),
        ("other", "Testing", "<h1>Testing</h1><p>Tests run in parallel.</p>")])
    assert rows[BASE + "suffix"]["Tier"] == "low"   # a shared word at most, never a name the target declares
    assert "section headed" not in rows[BASE + "suffix"]["Reason"]


def test_a_name_in_a_variables_expansion_is_no_anchor(tmp_path):
    from inlink.links.notation import in_variable_expansion
    text = "Set $KILN_HOME, ${KILN_ROOT}, $ENV{KILN_PATH} or $(KILN_CC); $<KILN_TARGET> and KILN_HOME; ${a}KILN_ROOT."
    expanded = {word: in_variable_expansion(text, text.index(word), text.index(word) + len(word))
                for word in ("KILN_HOME", "KILN_ROOT", "KILN_PATH", "KILN_CC", "KILN_TARGET")}
    assert expanded == {"KILN_HOME": True, "KILN_ROOT": True, "KILN_PATH": True, "KILN_CC": True,
                        "KILN_TARGET": False}   # a generator expression names its entry
    bare = text.rindex("KILN_HOME")
    assert not in_variable_expansion(text, bare, bare + 9)
    glued = text.rindex("KILN_ROOT")                # after "}": no expansion of its own
    assert not in_variable_expansion(text, glued, glued + 9)
    _index, rows = _analysed(tmp_path, [
        ("guide", "Install steps", "<h1>Install steps</h1><p>The script copies the files to <code>$KILN_HOME</code> "
                                   "and then to <code>${KILN_ROOT}</code>.</p>"),
        ("home", "KILN_HOME", "<h1>KILN_HOME</h1><p>The folder the tool keeps its files in.</p>"),
        ("root", "KILN_ROOT", "<h1>KILN_ROOT</h1><p>The top of the source tree.</p>"),
        ("other", "Testing", "<h1>Testing</h1><p>Tests run in parallel.</p>")])
    assert BASE + "home" not in rows and BASE + "root" not in rows


def test_the_kind_word_beside_a_mention_picks_the_page_among_those_of_one_title(tmp_path):
    """A manual documents a variable and a directory property of one name on two pages; "the KILN_OPTS directory
    property" means the property's page, though the variable's page shares more of the source's words."""
    from types import SimpleNamespace

    from inlink.links.homonyms import names_another_kind
    urls = [BASE + "variable/kiln_opts", BASE + "prop_dir/kiln_opts", BASE + "prop_tgt/kiln_opts",
            BASE + "envvar/kiln_opts", BASE + "guide/testing"]
    index = SimpleNamespace(titles=["KILN_OPTS"] * 4 + ["Testing"], urls=urls, derived={})
    text = "Set the KILN_OPTS directory property, the KILN_OPTS target property, the environment variable KILN_OPTS " \
           "or the KILN_OPTS variable; KILN_OPTS alone."
    spans = [(m, m + 9) for m in range(len(text)) if text.startswith("KILN_OPTS", m)]
    meant = [[not names_another_kind(index, target, text, *span) for target in range(4)] for span in spans]
    assert meant == [[False, True, False, False],    # directory property: prop_dir
                     [False, False, True, False],    # target property: prop_tgt
                     [True, False, False, True],     # environment variable: both "variable" and "envvar" answer
                     [True, False, False, False],    # variable: "var" is no abbreviation of "envvar"'s kind
                     [True, True, True, True]]       # no kind word: left to the ranking
    assert not names_another_kind(index, 4, text, *spans[0])   # a page of its own title
    _index, rows = _analysed(tmp_path, [
        ("guide/build", "Build options", "<h1>Build options</h1><p>Options for the compiler come from the <code>"
                                         "KILN_OPTS</code> directory property, which every target of the folder reads "
                                         "when the compiler runs.</p>"),
        ("variable/kiln_opts", "KILN_OPTS", "<h1>KILN_OPTS</h1><p>Options for the compiler, for every target of the "
                                            "folder: the compiler reads them when it runs.</p>"),
        ("prop_dir/kiln_opts", "KILN_OPTS", "<h1>KILN_OPTS</h1><p>Options of a folder.</p>"),
        ("other", "Testing", "<h1>Testing</h1><p>Tests run in parallel.</p>")])
    assert [url for url in rows if "kiln_opts" in url] == [BASE + "prop_dir/kiln_opts"]


def test_a_name_with_a_wildcard_names_the_family_of_pages_its_titles_begin_with(tmp_path):
    """"the FindKiln* suite" means FindKilnDB, FindKilnUtil, ...: no link to the page titled FindKiln; a C type's
    pointer star ("returns a KilnObject*") is no wildcard, as no other title begins with the name."""
    from types import SimpleNamespace

    from inlink.links.families import names_a_family
    index = SimpleNamespace(titles=["FindKiln", "FindKilnDB", "FindKilnUtil", "KilnObject", "Testing"], derived={})
    text = "Part of the FindKiln* suite; returns a KilnObject*; FindKiln*.cmake; FindKiln alone; FindKiln*x."
    at = [text.index(word) for word in ("FindKiln* suite", "KilnObject*", "FindKiln*.cmake", "FindKiln alone",
                                        "FindKiln*x")]
    assert [names_a_family(index, text, start, start + len(name)) for start, name in
            zip(at, ("FindKiln", "KilnObject", "FindKiln", "FindKiln", "FindKiln"))] == [True, False, True, False, False]
    _index, rows = _analysed(tmp_path, [
        ("modules/findkilnsim", "FindKilnSim", "<h1>FindKilnSim</h1><p>Finds the simulation part of Kiln. This is part "
                                               "of the <code>FindKiln</code>* suite used to find Kiln's parts.</p>"),
        ("modules/findkiln", "FindKiln", "<h1>FindKiln</h1><p>Finds Kiln and the parts of the Kiln suite.</p>"),
        ("modules/findkilndb", "FindKilnDB", "<h1>FindKilnDB</h1><p>Finds the database part of Kiln.</p>"),
        ("other", "Testing", "<h1>Testing</h1><p>Tests run in parallel.</p>")])
    assert rows.get(BASE + "modules/findkiln", {}).get("Anchor") != "FindKiln"


def test_a_keyword_opening_an_optional_group_of_a_signature_is_no_anchor():
    """Plain text runs a synopsis into its prose: "[KILN_FLAGS <flags>]" is the command's argument, not the page
    KILN_FLAGS; a flag alone in its brackets, code in brackets and a bracketed remark are left alone."""
    from inlink.links.notation import keyword_opening_optional_group
    from inlink.links.placement import open_to_anchors
    text = ("kiln_build(<name> [KILN_FLAGS <flags>] [<LANG>_LEVEL <n>] [NO_CACHE] [OUTPUT_NAME name]) Builds it. "
            "Use [kiln.run() for x in y] or [Note that KILN_FLAGS is read first].")
    found = {word: keyword_opening_optional_group(text, text.index(word), text.index(word) + len(word))
             for word in ("KILN_FLAGS", "<LANG>_LEVEL", "NO_CACHE", "OUTPUT_NAME", "kiln.run()", "Note")}
    assert found == {"KILN_FLAGS": True, "<LANG>_LEVEL": True, "NO_CACHE": False, "OUTPUT_NAME": True,
                     "kiln.run()": False, "Note": False}
    first, later = text.index("KILN_FLAGS"), text.rindex("KILN_FLAGS")
    assert not open_to_anchors(None, text, first, first + 10)
    assert open_to_anchors(None, text, later, later + 10)


def test_a_placeholder_glued_into_a_longer_name_is_no_anchor_nor_is_a_piece_of_that_name():
    """"MODE" of "KILN_<MODE>_FLAGS" is a piece of the name, even for a page titled MODE; "KILN_ASM" and "_TOOL" of
    "KILN_ASM<DIALECT>_TOOL" are cut out of one. An API reference's types in angle brackets ("Returns:
    <kiln.Stream>"), a generic type ("Array<string>") and a generator expression's "$<MODE>" are left alone."""
    from inlink.links.placement import stands_for_a_value
    from inlink.links.validation import whole_word_occurrences
    text = ("Reads KILN_<MODE>_FLAGS and $<MODE>; returns: <kiln.Stream> or an Array<string> of <kiln.Stream>s. "
            "Set KILN_ASM<DIALECT>_TOOL first.")
    value = {word: stands_for_a_value(None, text, text.index(word), text.index(word) + len(word), (word,))
             for word in ("MODE", "kiln.Stream")}
    assert value == {"MODE": True, "kiln.Stream": False}
    expression = text.index("MODE", text.index("$<"))
    assert not stands_for_a_value(None, text, expression, expression + 4, ())
    assert whole_word_occurrences(text, "KILN_ASM") == [] and whole_word_occurrences(text, "_TOOL") == []
    assert whole_word_occurrences(text, "Array") == [(text.index("Array"), text.index("Array") + 5)]
