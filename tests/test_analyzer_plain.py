"""Plain-text input (no HTML): the structure recovered from the text's shapes (declarations), and the placement
rules that follow from it."""
from __future__ import annotations

import pytest
from test_analyzer import BASE, FILLER, make_site

from inlink.links.anchors import defined_name
from inlink.links.placement import in_running_text, sentence_context
from inlink.links.plain_blocks import declarations, plain_blocks
from inlink.links.suggest import AnalysisConfig, analyze_page, anchor_placement, build_index, validate_suggestion

NO_FLOOR = AnalysisConfig(min_confidence=0.0)


# Three signed declarations make a reference page, where a bare name opening a sentence declares it too.
REFERENCE = "Functions. get_a(x) Get a. get_b(x) Get b. get_c(x) Get c. "


def _declared(text: str) -> list[str]:
    return [text[start:end] for start, end in declarations(text)]


@pytest.mark.parametrize("text, declared", [
    ("Module intro. json.dumps(obj, *, indent=None) Serialize obj to a string.",
     ["json.dumps(obj, *, indent=None)"]),
    ("Base classes. class io.IOBase(raw) The abstract base class.", ["class io.IOBase(raw)"]),
    ("Dictionaries. PyObject *PyDict_New() Return value: New reference.", ["PyObject *PyDict_New()"]),
    (REFERENCE + "Per-module values. token.tok_name Dictionary mapping numbers to names.",
     ["get_a(x)", "get_b(x)", "get_c(x)", "token.tok_name"]),
    ("Sizes. Py_ssize_t PyList_Size(PyObject *list) Return the length.", ["Py_ssize_t PyList_Size(PyObject *list)"]),
    (REFERENCE + "Settings. INSTALLED_APPS Default: [] A list of strings.", ["get_a(x)", "get_b(x)", "get_c(x)", "INSTALLED_APPS"]),
    ("Comparisons. operator.lt(a, b) operator.le(a, b) Compare a and b.", ["operator.lt(a, b)", "operator.le(a, b)"]),
    ("Validators class validators.ASCIIUsernameValidator A field validator.",   # a heading runs into it
     ["class validators.ASCIIUsernameValidator"]),
    ("Widgets. TextInput class TextInput[source] input_type: 'text' Renders a text box.",   # a field list follows
     ["class TextInput[source]"]),
    ("Errors. exception DataError[source] exception OperationalError[source] Raised on errors.",
     ["exception DataError[source]", "exception OperationalError[source]"]),
    (REFERENCE + "Hosting. PureProxy Objects class smtpd.PureProxy(addr) Create a proxy.",
     ["get_a(x)", "get_b(x)", "get_c(x)", "PureProxy", "class smtpd.PureProxy(addr)"]),   # its heading reads as one too
])
def test_declarations_are_names_opening_a_sentence_before_their_description(text, declared):
    assert _declared(text) == declared


@pytest.mark.parametrize("text", [
    "Call json.dumps() to serialise the data. It returns a str.",          # a mention inside a sentence
    "For example: Zipcode.objects.filter(poly=geom) PostGIS runs the query.",  # a code example after a colon
    "WITHOUT WARRANTY. LANCE ELLINGHOUSE DISCLAIMS ALL WARRANTIES.",        # shouted words are no name
    "We met in June. Composting Guide Turn the pile weekly.",              # plain words declare nothing
    "Read this. SELECT NAME Lists the rows.",                              # an all-capital word before a name
    REFERENCE + "Changes. Savepoints and assertNumQueries The changes.",   # prose words are no keyword or type
    REFERENCE + "Fixes. e.g. when using formfield_overrides. Patched it.",  # a name ends no sentence
])
def test_sentences_mentioning_names_are_no_declarations(text):
    assert _declared(text) == _declared(REFERENCE if text.startswith(REFERENCE) else "")


@pytest.mark.parametrize("text", [
    "Intro. The function returns json.dumps(x) here. class method foo(a.b) Does it. function foo.bar(x) Runs.",
    "Notes. (Contributed by X.) >>> f(1) [1] int *PyFoo(void) Returns 1. interface Foo_Bar Holds. don't.care",
    "Types. type PyObject The base. static int x_y Counts. A.b(c) Makes. classes extends_it. Class Foo Is.",
    REFERENCE + "More. attribute data Holds it. method names Lists. exception Error. ValueError: raised.",
])
def test_starts_dismissed_at_a_glance_declare_nothing(text, monkeypatch):
    """The start patterns skip starts where no term shape can declare a name (a plain word, alone or after a
    keyword; a character no term starts with): with every start tried, declarations finds the same."""
    import re

    from inlink.links import plain_blocks as module

    quick = _declared(text)
    for name in ("_SENTENCE_START_RE", "_KEYWORD_START_RE"):
        every = getattr(module, name).pattern.replace("(?!%s)" % module._HOPELESS, "")
        assert every != getattr(module, name).pattern
        monkeypatch.setattr(module, name, re.compile(every))
    assert _declared(text) == quick


def test_a_changelog_row_declares_no_version():
    """A history table read as plain text ("v12.2.0 The option was added") has a declaration's shape; a version
    is no name, so the page does not become the target of every mention of that release."""
    text = REFERENCE + "History Version Changes. v12.2.0 The session option was added. v0.11.13 Added in it."
    assert _declared(text) == ["get_a(x)", "get_b(x)", "get_c(x)"]


@pytest.mark.parametrize("term, name", [
    ("class NumberInput[source]", "NumberInput"), ("exception MiddlewareNotUsed[source]", "MiddlewareNotUsed"),
    ("strip_tags(value)[source]", "strip_tags"),
    # a heading's permalink sign, as a crawler keeps it in the text (Node.js's "#", Sphinx's "¶")
    ("util.format(format[, ...args])#", "util.format"), ("json.dumps(obj)¶", "json.dumps"),
    ("class HttpResponse[source]¶", "HttpResponse"),
])
def test_a_trailing_link_mark_is_no_part_of_the_declared_name(term, name):
    assert defined_name(term) == name
    text = f"Utilities. {term} Describes it."
    assert [text[s:e] for s, e in declarations(text)] == [term]


def test_a_name_ending_in_a_permalink_sign_is_declared_wherever_it_stands():
    """A crawler's text keeps each heading's permalink sign; it says where a heading ends even when no sentence
    ends before it (a code block's "copy" button) and no description follows (a type, "<Stream>")."""
    text = (REFERENCE + "const x = f(); // Returns: { A: 1 } copy util.promisify(original)# History of it. "
            "process.stdin# <Stream> The stdin stream. Written in C# and Java.")
    assert _declared(text)[3:] == ["util.promisify(original)#", "process.stdin#"]


def test_a_page_whose_headings_keep_their_permalink_signs_receives_the_links_to_its_names():
    pages = [{"path": "util", "title": "Util | Docs", "h1": "Util",
              "content": f"Util# Helpers. f(); copy util.promisify(original)# <Function> Takes a function. {FILLER}"},
             {"path": "fs", "title": "File system | Docs",
              "content": f"Reading files. Wrap the callback with util.promisify() to await it. {FILLER}"}]
    index = build_index(make_site(pages), NO_FLOOR)
    row = next(r for r in analyze_page(index, BASE + "fs") if r["Destination"] == BASE + "util")
    assert row["Anchor"] == "util.promisify()" and "defines" in row["Reason"]


def test_the_main_heading_keeps_its_permalink_sign():
    text = "Concepts¶ The parser reads these concepts."
    assert plain_blocks(text, "Concepts")[0] == ("heading", 0, len("Concepts¶"))
    assert plain_blocks("Conceptsual text here.", "Concepts")[0][0] == "text"


def test_a_bare_name_declares_only_on_a_reference_page():
    notes = "Changes. django.contrib.sites The sites framework moved. "
    assert _declared(notes) == []
    assert _declared(REFERENCE + notes)[-1] == "django.contrib.sites"
    settings = "".join(f"Words of the page. SETTING_{n} Default: None The setting number {n}. " for n in range(4))
    assert len(_declared(settings)) == 4   # a declaration every 200 words or closer: a list of settings


def test_plain_blocks_cover_the_text_in_order():
    text = "Intro text here. json.dumps(obj) Serialize obj. More prose follows."
    blocks = plain_blocks(text)
    assert [kind for kind, _s, _e in blocks] == ["text", "term", "text"]
    assert [text[s:e] for _k, s, e in blocks] == ["Intro text here.", "json.dumps(obj)",
                                                 "Serialize obj. More prose follows."]
    assert plain_blocks("No names here at all.") == [("text", 0, 21)]


def test_a_texinfo_manuals_entries_are_terms_in_plain_text_as_in_html():
    # makeinfo writes an entry's definition line with a permalink sign; a crawler's plain text runs it into the prose
    from inlink.links.page_blocks import declared_names
    text = ("Sums. : y = sum (x) ¶ : y = sum (x, dim) ¶ Sum of elements along dimension dim. Note: see below ¶ "
            "Function: quad_qag quad_qag (f(x), x, a, b) quad_qag (f, x) ¶ Integration over a finite interval. "
            "json.dumps(obj) Serialize obj.")
    blocks = plain_blocks(text)
    terms = [text[s:e] for kind, s, e in blocks if kind == "term"]
    assert terms == [": y = sum (x) ¶", ": y = sum (x, dim) ¶",
                     "Function: quad_qag quad_qag (f(x), x, a, b) quad_qag (f, x) ¶", "json.dumps(obj)"]
    assert declared_names(text, blocks)[0] == ["sum", "sum", "quad_qag", "json.dumps"]   # "Note: see below": a label
    assert not any(kind == "term" for kind, _s, _e in plain_blocks("A label: value ¶ and prose."))


def test_a_gtk_doc_functions_heading_and_prototype_declare_it_in_plain_text():
    from inlink.links.page_blocks import declared_names
    text = ("Functions GArray * g_array_new () gpointer g_array_steal () Description Arrays grow. Functions "
            "g_array_new () GArray * g_array_new (gboolean zero_terminated, guint element_size); Creates a new GArray. "
            "g_strdup () gchar * g_strdup (const gchar *str); Duplicates a string. Call g_strdup () gchar twice.")
    blocks = plain_blocks(text)
    assert declared_names(text, blocks)[0] == ["g_array_new", "g_strdup"]   # the summary list and prose: no entry
    prose = [text[s:e] for kind, s, e in blocks if kind == "text"]
    assert "Creates a new GArray." in prose and not any("gboolean" in part for part in prose)
    # its function types, macros and types: the heading's name declared again
    more = ("Types. GCompareFunc () gint (*GCompareFunc) (gconstpointer a, gconstpointer b); Specifies a comparison. "
            "g_array_index() #define g_array_index(a,t,i) Returns the element. G_OS_UNIX #define G_OS_UNIX This macro "
            "is defined. GHashTable typedef struct _GHashTable GHashTable; The GHashTable struct is opaque. #define TRUE "
            "#define FALSE Summary. A guard: #ifndef SPAM_H #define SPAM_H #endif.")
    assert list(dict.fromkeys(declared_names(more, plain_blocks(more))[0])) == [
        "GCompareFunc", "g_array_index", "G_OS_UNIX", "GHashTable"]


def test_a_setting_with_its_type_in_brackets_is_declared_whole():
    # a database server's configuration reference: "work_mem (integer) Sets the base maximum amount of memory ..."
    text = ("Memory settings follow. It is big. huge_pages (enum) Controls huge pages. work_mem (integer) Sets the "
            "base memory. See the (integer) value of work_mem (integer) in the docs. RunSQL class RunSQL(sql) Runs it.")
    blocks = plain_blocks(text)
    assert [(kind, text[s:e]) for kind, s, e in blocks if kind != "text"] == [
        ("term", "huge_pages (enum)"), ("term", "work_mem (integer)"), ("heading", "RunSQL"),
        ("term", "class RunSQL(sql)")]   # mid-sentence "work_mem (integer)" declares nothing
    assert [defined_name(term) for term in _declared(text)] == ["huge_pages", "work_mem", "RunSQL"]


def test_a_code_shaped_name_and_its_kind_opening_a_section_declare_the_name():
    # a server manual's "SSLEngine Directive This directive toggles ...": its HTML heading "SSLEngine Directive"
    text = ("Intro text. SSLEngine Directive This directive toggles SSL. Error Directive Does things. <IfModule> "
            "Directive Encloses a block. 9.3.1. Class Definition Syntax Classes are simple. See the SSLEngine "
            "Directive for more.")
    blocks = plain_blocks(text)
    assert [text[s:e] for kind, s, e in blocks if kind != "text"] == ["SSLEngine", "<IfModule>"]


def _plotting_site(hub_text: str):
    topics = {"colors": "Colors", "lines": "Line Styles", "markers": "Marker Styles", "callbacks": "Callbacks"}
    pages = [{"path": path, "title": title, "h1": title, "content": f"{title} {FILLER}"} for path, title in topics.items()]
    return make_site(pages + [{"path": "plotting", "title": "Advanced Plotting", "h1": "Advanced Plotting",
                               "content": f"15.4 Advanced Plotting {hub_text} {FILLER}"}])


@pytest.mark.parametrize("menu", ["Colors Line Styles Marker Styles Callbacks",
                                  # after a sentence: its first item is no heading run into its paragraph
                                  "Plots are drawn in layers. Colors Line Styles Marker Styles Callbacks"])
def test_on_plain_text_a_run_of_titles_is_a_list_of_links(menu):
    # a manual's menu of its sections as a crawler's plain text keeps it (held-out GNU manuals: 449 of 451 such rows
    # were real links; on Octave's, the first item of each menu after a sentence was lost, 28 rows, all real links);
    # a sentence's enumeration or a line of tags is no such list
    from inlink.links.suggest import analyze_page, build_index
    index = build_index(_plotting_site(menu), NO_FLOOR)
    rows = {r["Anchor"]: r for r in analyze_page(index, BASE + "plotting")}
    assert set(rows) == {"Colors", "Line Styles", "Marker Styles", "Callbacks"}
    assert all(r["Tier"] == "high" and "lists it among other pages' names" in r["Reason"] for r in rows.values())
    for prose in ("Set the Colors, Line Styles, Marker Styles and Callbacks first.",
                  "Tags: Colors · Line Styles · Marker Styles · Callbacks"):
        index = build_index(_plotting_site(prose), NO_FLOOR)
        assert not any("lists it among" in r["Reason"] for r in analyze_page(index, BASE + "plotting"))


def test_keywords_found_by_the_tokeniser_give_the_blocks_a_search_of_the_text_gives():
    """build_index hands plain_blocks where the tokeniser saw a declaration keyword instead of letting it search
    every space for one: the same blocks, whatever stands around the keyword (a joiner, a capital, the text's
    edges, a longer word, a hopeless word after it)."""
    from inlink.links.plain_blocks import KEYWORDS
    from inlink.links.tokens import SiteTokens
    texts = ["Base classes. class io.IOBase(raw) The abstract base class.",
             "class Foo Opens the text. Then class. and class's and Class Bar The end class",
             "Methods. classmethod cls.make(x) Make one. method obj.run() Run it. exception errors.Bad Raised.",
             "Plain words: the function returns a class of method results, café struct x_y Holds it.",
             "Heading class Widget A widget.  class  Double spaced Around. enum Color_Kind Colours.",
             "Ünïcode text — class Ωmega_x The last letter. attribute obj.value The value. typedef int_t Ints."]
    site, keywords_at = SiteTokens.build_watching(texts, frozenset(KEYWORDS))
    for text, at in zip(texts, keywords_at):
        assert at is not None
        assert plain_blocks(text, "", at.tolist()) == plain_blocks(text)
        assert declarations(text, at.tolist()) == declarations(text)
    assert SiteTokens.build(texts).ids.tolist() == site.ids.tolist()


@pytest.mark.parametrize("text", [
    "Storage mixins. ManifestFilesMixin class storage.ManifestFilesMixin A mixin for storages.",
    "Special operations RunSQL class RunSQL(sql) Runs raw SQL.",
])
def test_a_heading_repeating_the_declared_name_is_a_heading_declaring_it(text):
    blocks = plain_blocks(text)
    kinds = [(kind, text[start:end]) for kind, start, end in blocks]
    heading = next(words for kind, words in kinds if kind == "heading")
    term = next(words for kind, words in kinds if kind == "term")
    assert term.startswith("class ") and term.split("(")[0].endswith(heading) and " " not in heading


def _soil_site():
    return make_site([
        {"path": "compost", "title": "Composting Guide | Garden",
         "content": f"Compost basics. SoilError(level) Raised when the soil is wrong. {FILLER}"},
        {"path": "hub", "title": "Garden notes | Garden",
         "content": f"Errors raise SoilError when the pile is too wet. {FILLER}"},
        {"path": "water", "title": "Watering | Garden",
         "content": f"Water early. class WetSoil(SoilError) A SoilError for soaked soil. {FILLER}"}])


def test_a_page_that_declares_a_name_in_plain_text_receives_its_links():
    index = build_index(_soil_site(), NO_FLOOR)
    row = next(r for r in analyze_page(index, BASE + "hub") if r["Destination"] == BASE + "compost")
    assert row["Anchor"] == "SoilError" and 'The target defines "SoilError" in an entry of its own' in row["Reason"]


def test_no_anchor_inside_a_declaration_of_plain_text():
    index = build_index(_soil_site(), NO_FLOOR)
    water = index.url_pos[BASE + "water"]
    text = index.texts[water]
    prose_at = text.index("A SoilError") + 2   # the first SoilError stands in the declaration of WetSoil
    assert anchor_placement(index, water, index.url_pos[BASE + "compost"], "SoilError") == (prose_at, prose_at + 9)


def test_the_name_of_a_call_with_arguments_is_code_not_an_anchor():
    pages = [{"path": "smtp", "title": "smtplib | Docs",
              "content": f"Mail sending. class smtplib.SMTP(host) An SMTP client session. {FILLER}"},
             {"path": "examples", "title": "Examples | Docs",
              "content": f"Send it: with smtplib.SMTP('localhost') as s: s.send(msg) Done. {FILLER}"},
             {"path": "guide", "title": "Guide | Docs",
              "content": f"Open a session with smtplib.SMTP('localhost'), or read how smtplib.SMTP() works. {FILLER}"}]
    index = build_index(make_site(pages), NO_FLOOR)
    smtp = index.url_pos[BASE + "smtp"]
    refused = validate_suggestion(index, BASE + "examples", BASE + "smtp", "smtplib.SMTP")
    assert refused and "not running prose" in refused
    assert BASE + "smtp" not in [r["Destination"] for r in analyze_page(index, BASE + "examples")]
    guide = index.url_pos[BASE + "guide"]
    bare = index.texts[guide].index("smtplib.SMTP()")   # the bare mention, not the call with arguments
    assert anchor_placement(index, guide, smtp, "smtplib.SMTP") == (bare, bare + len("smtplib.SMTP"))


def test_the_main_heading_a_plain_text_opens_with_is_a_heading():
    text = "Network Settings The server listens on port 80. See Settings."
    assert plain_blocks(text, "Network Settings") == [("heading", 0, 16), ("text", 17, len(text))]
    assert plain_blocks(text, "Other heading")[0] == ("text", 0, len(text))
    pages = [{"path": "settings", "title": "Settings | Docs", "content": f"Settings of the server. {FILLER}"},
             {"path": "network", "title": "Network Settings | Docs", "h1": "Network Settings",
              "content": f"Network Settings The server listens on port 80. {FILLER}"}]
    index = build_index(make_site(pages), NO_FLOOR)
    refused = validate_suggestion(index, BASE + "network", BASE + "settings", "Settings")
    assert refused and "not running prose" in refused


@pytest.mark.parametrize("text, name, prose", [
    (">>> from django.db.models import FloatField >>> FloatField is used below.", "FloatField", False),
    ("Start with import threading and a queue.", "threading", False),
    ("Use from django.db import models first.", "django.db", False),
    (">>> threading.active_count() 1", "threading.active_count", False),
    ("The threading module runs threads; FloatField stores floats.", "FloatField", True),
])
def test_imports_and_prompts_are_code_not_running_text(text, name, prose):
    start = text.index(name)
    assert in_running_text(None, text, start, start + len(name)) is prose


def test_the_context_starts_where_prose_restarts_after_a_code_line():
    text = ("Build it. if (Py_FinalizeEx() < 0) { exit(120); } return 0; } The Py_SetProgramName() function "
            "should be called first. Next.")
    start = text.index("Py_SetProgramName")
    assert sentence_context(text, start, start + 17) == ("The Py_SetProgramName() function should be called "
                                                          "first.")


@pytest.mark.parametrize("text, listed", [
    ('Deploy it so: <deploy target="site.zip" quiet="true"/> <deploy dir="site"/> The server restarts.',
     ['<deploy target="site.zip" quiet="true"/> <deploy dir="site"/>']),
    ('Stop with <halt when="broken">Build error here</halt> then retry.', ['<halt when="broken">Build error here</halt>']),
    ('A copy: <bundle ... > <ref id="p1" to="p2"/> </bundle> will copy the first definition.',
     ['<bundle ... > <ref id="p1" to="p2"/> </bundle>']),
    ("Write <b>strong</b> for emphasis; <!-- a note --> is hidden.", ["<b>strong</b>", "<!-- a note -->"]),
    ('Run: <query db="main"> delete from rows; truncate table logs; </query> Note that it commits.',
     ['<query db="main"> delete from rows; truncate table logs; </query>']),       # an element's content
    ("If a < b and c > d, nested <param> elements are read; press <Enter> or <Ctrl> <Esc>.", []),   # prose
    ('It says <em>yes</em>." Then a long sentence of prose follows here, and more of it. <em>no</em> ends.',
     ["<em>yes</em>", "<em>no</em>"]),                       # an element's text never runs over a sentence
])
def test_an_xml_listing_in_plain_text_is_code(text, listed):
    """Plain text collapses a listing into the prose; its tags still say it is markup (held out, a build tool's
    manual: attribute names and values of its listings were anchors)."""
    blocks = plain_blocks(text)
    assert [text[start:end] for kind, start, end in blocks if kind == "code"] == listed


def test_no_anchor_inside_an_xml_listing_of_plain_text():
    pages = [{"path": "bundle", "title": "Bundle task | Docs", "content": f"The bundle task packs files. {FILLER}"},
             {"path": "usage", "title": "Usage | Docs",
              "content": f'Pack it with <pack file="bundle task" level="9"/> <pack dir="out"/> first. {FILLER}'}]
    index = build_index(make_site(pages), NO_FLOOR)
    refused = validate_suggestion(index, BASE + "usage", BASE + "bundle", "bundle task")
    assert refused and "not running prose" in refused
