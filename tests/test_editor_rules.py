"""Rules from editors' reads of the suggestions, each one meant for any site: changelog pages as targets, a
page's own parameter names, names matched in another capitalisation, member names many classes declare."""
from __future__ import annotations

import numpy as np
from test_analyzer import BASE, FILLER, from_page, make_site, suggestions
from test_analyzer_rules import NO_FLOOR, _html_site

from inlink.links.changelog import changelog_pages
from inlink.links.suggest import analyze_page, build_index


def test_a_series_of_versioned_titles_is_a_changelog_and_a_lone_version_is_not():
    titles = ["Shop 1.2 release notes", "Shop 1.3 release notes", "Shop 2.0.1 release notes",
              "What's New in Shop 1.X", "SQLite 3.2 driver", "Settings", ""]
    assert changelog_pages(titles).tolist() == [True, True, True, False, False, False, False]
    assert changelog_pages(["What’s New In Tool 3.7", "What’s new in Tool 3.8", "What’s New In Tool 2.6"]).all()
    dated = ["Shop Release 3.0.0 On 2004-06-18", "Shop Release 3.0.1 On 2004-06-22", "Shop Release 3.1 On 2005-01-02",
             "Shop Release Template", "Backups made on 2004-06-18"]
    assert changelog_pages(dated).tolist() == [True, True, True, False, False]   # each release with its date


def test_a_crawl_of_several_versions_of_one_manual_has_no_changelog():
    topics = ["Install", "Settings", "Models", "Views"]
    titles = [f"{topic} - Manual {version}" for topic in topics for version in ("1.0", "2.0", "3.0")]
    assert not changelog_pages(titles).any()


def _release_site(reference: bool):
    """Three release notes that share the words of one fix and declare the changed setting in a heading; and,
    when `reference`, the settings reference that declares it too."""
    fix = ("<p>Fixed a crash when MAX_BASKET_SIZE was zero and the basket held malformed coupon codes.</p>"
           f"<p>{FILLER}</p>")
    pages = [(f"releases/{v}", f"Shop {v} release notes", f"<h1>Shop {v} release notes</h1><h2>MAX_BASKET_SIZE</h2>"
              + fix) for v in ("1.2.1", "1.3.1", "1.4.1")]
    pages.append(("guide", "Basket guide", "<h1>Basket guide</h1><p>Baskets hold products; see MAX_BASKET_SIZE "
                  f"and the Shop 1.4.1 release notes.</p><p>{FILLER}</p>"))
    if reference:
        pages.append(("settings", "Settings", "<h1>Settings</h1><dl><dt>MAX_BASKET_SIZE</dt><dd>How many products "
                      f"a basket holds.</dd></dl><p>{FILLER}</p>"))
    return pages


def test_release_notes_are_linked_by_their_name_but_not_for_the_words_of_a_fix(tmp_path):
    index = build_index(_html_site(tmp_path, _release_site(reference=True)), NO_FLOOR)
    assert index.changelog.sum() == 3
    rows = analyze_page(index, BASE + "releases/1.2.1")
    assert not [r for r in rows if "releases/" in r["Destination"]]   # "malformed coupon codes": a fix, no topic
    guide = {r["Destination"]: r["Anchor"] for r in analyze_page(index, BASE + "guide")}
    assert guide[BASE + "releases/1.4.1"] == "Shop 1.4.1 release notes"   # its own name still links it
    assert guide[BASE + "settings"] == "MAX_BASKET_SIZE"


def test_a_name_only_release_notes_declare_is_not_theirs_either(tmp_path):
    index = build_index(_html_site(tmp_path, _release_site(reference=False)), NO_FLOOR)
    guide = {r["Anchor"]: r["Destination"] for r in analyze_page(index, BASE + "guide")}
    assert "MAX_BASKET_SIZE" not in guide and "Shop 1.4.1 release notes" in guide   # a heading per change: a list


def test_a_name_a_reference_page_declares_is_not_the_release_notes_own(tmp_path):
    index = build_index(_html_site(tmp_path, _release_site(reference=True)), NO_FLOOR)
    pid = index.phrases.ids_for(("max_basket_size",))[0]
    named = index.phrases.phrases[pid].targets
    assert [index.urls[t] for t in named] == [BASE + "settings"]
    assert np.flatnonzero(index.changelog).tolist() == [0, 1, 2]


def _recased_site(mention: str):
    return make_site([
        {"path": "lib/json", "title": "json — JSON encoder and decoder",
         "content": "json — JSON encoder and decoder. The json module encodes baskets as JSON text. " + FILLER},
        {"path": "ref/settings", "title": "Settings",
         "content": "Settings. CHARSET Default: utf-8. The character set of every basket page. " + FILLER},
        {"path": "guide", "title": "Basket guide",
         "content": f"Basket guide. {mention} " + FILLER}])


def test_a_one_word_name_in_another_capitalisation_is_the_everyday_word():
    rows = from_page(suggestions(_recased_site("Baskets export JSON text; the charset is the browser's."),
                                 NO_FLOOR), "guide")
    assert rows == []   # "JSON" the format is not the json module; "charset" is not the setting CHARSET
    rows = from_page(suggestions(_recased_site("Baskets export text with the json module; CHARSET sets it."),
                                 NO_FLOOR), "guide")
    assert {r["Anchor"]: r["Destination"] for r in rows} == {"json": BASE + "lib/json", "CHARSET": BASE + "ref/settings"}


def _trace_pages(description: str, later: str = ""):
    return [("trace", "trace — Trace execution", "<h1>trace — Trace execution</h1><dl><dt>run(cmd, count=1)</dt>"
             f"<dd>{description}</dd></dl><h2>Shells</h2><p>{later}</p><p>{FILLER}</p>"),
            ("cmd", "cmd — Line-oriented shells", "<h1>cmd — Line-oriented shells</h1>"
             f"<p>The cmd module runs shells and traces them.</p><p>{FILLER}</p>"),
            ("other", "Other notes", f"<h1>Other notes</h1><p>{FILLER}</p>")]


def test_a_parameter_named_in_its_own_description_is_no_mention_of_the_page_so_named(tmp_path):
    index = build_index(_html_site(tmp_path, _trace_pages("Trace it: cmd must be a string.")), NO_FLOOR)
    assert [r for r in analyze_page(index, BASE + "trace") if r["Destination"] == BASE + "cmd"] == []


def test_a_sentence_that_calls_the_word_an_argument_makes_it_one(tmp_path):
    pages = _trace_pages("Trace it.", "Code comes in the cmd argument, as text.")
    index = build_index(_html_site(tmp_path, pages), NO_FLOOR)
    assert [r for r in analyze_page(index, BASE + "trace") if r["Destination"] == BASE + "cmd"] == []


def test_outside_its_signature_the_same_word_names_the_page(tmp_path):
    pages = _trace_pages("Trace it: cmd must be a string.", "Shells are built with the cmd module.")
    rows = [r for r in analyze_page(build_index(_html_site(tmp_path, pages), NO_FLOOR), BASE + "trace")
            if r["Destination"] == BASE + "cmd"]
    assert [r["Context"] for r in rows] == ["Shells are built with the cmd module."]   # under the next heading


def test_parameters_are_read_from_signatures_of_any_shape():
    from inlink.links.parameters import own_parameters
    text = "PyObject *PyList_New(Py_ssize_t len) Returns a list. open(file, mode='r', *args, key: int = 0) Opens it."
    blocks = [("term", 0, 36), ("definition", 37, 52), ("term", 53, 94), ("definition", 95, 104)]
    assert own_parameters(text, blocks) == [(0, 53, frozenset({"len"})),
                                            (53, len(text), frozenset({"file", "mode", "args", "key"}))]


def _protocol_pages(qualified: bool):
    model = "<dt>object.__size__(self)</dt>" if qualified else "<dt>resize(n)</dt>"
    return [("model", "Data model", f"<h1>Data model</h1><dl>{model}<dd>Called for the size of any basket.</dd></dl>"
             f"<p>{FILLER}</p>"),
            ("basket", "Basket API", "<h1>Basket API</h1><dl><dt>class Basket</dt><dd>A basket.</dd>"
             "<dt>__size__()</dt><dd>How many products the basket holds.</dd></dl>"
             f"<p>{FILLER}</p>"),
            ("guide", "Guide", "<h1>Guide</h1><p>Any object with a __size__() method can be paged, and so can "
             f"a Basket.</p><p>{FILLER}</p>")]


def test_a_special_method_a_class_declares_is_no_link_once_the_site_declares_it_again(tmp_path):
    index = build_index(_html_site(tmp_path, _protocol_pages(qualified=True)), NO_FLOOR)
    anchors = {r["Anchor"] for r in analyze_page(index, BASE + "guide")}
    assert not {"__size__", "__size__()"} & anchors and "Basket" in anchors


def test_a_special_method_declared_once_still_links_to_its_page(tmp_path):
    index = build_index(_html_site(tmp_path, _protocol_pages(qualified=False)), NO_FLOOR)
    rows = {r["Anchor"]: r["Destination"] for r in analyze_page(index, BASE + "guide")}
    assert rows.get("__size__()") == BASE + "basket"


def _module_pages(module: tuple[str, str, str], source: tuple[str, str]):
    """pages_of for assert_a_name_only_in_code: a module's page (path, name, what it is: its title "name — what",
    its H1 the name in code), a source page (path, title) holding the given HTML, and a third page."""
    (path, name, what), (source_path, source_title) = module, source

    def pages_of(source_html: str):
        return [(path, f"{name} — {what}", f"<h1><code>{name}</code> — {what}</h1><p>Means and codes of data.</p>"
                 f"<p>{FILLER}</p>"),
                (source_path, source_title, f"<h1>{source_title}</h1>{source_html}<p>{FILLER}</p>"),
                ("other", "Other notes", f"<h1>Other notes</h1><p>{FILLER}</p>")]
    return pages_of


_stats_pages = _module_pages(("stats", "statistics", "Mathematical statistics functions"),
                             ("random", "random — Random numbers"))


def assert_a_name_only_in_code(tmp_path, pages_of, source: str, anchor: str, word: str, in_code: str,
                               context: str) -> None:
    """On a page that marks code, `anchor` spelled as a word (in `word`) gives no row; in inline code (`word` and
    then `in_code`) it is the name, in that sentence: the pages `pages_of(the source's HTML)` builds."""
    index = build_index(_html_site(tmp_path, pages_of(word)), NO_FLOOR)
    assert index.code_spans is not None
    assert [r for r in analyze_page(index, BASE + source) if r["Anchor"] == anchor] == []
    index = build_index(_html_site(tmp_path, pages_of(word + in_code)), NO_FLOOR)
    rows = [r for r in analyze_page(index, BASE + source) if r["Anchor"] == anchor]
    assert [r["Context"] for r in rows] == [context]


def test_on_a_page_that_marks_names_as_code_a_name_spelled_as_a_word_is_a_name_only_in_code(tmp_path):
    assert_a_name_only_in_code(
        tmp_path, _stats_pages, "random", "statistics",
        "<p>Random means and modes of data, as any statistics text has them, use <code>seed</code>.</p>",
        "<p>For means and modes of data see the <code>statistics</code> module.</p>",
        "For means and modes of data see the statistics module.")


def test_a_word_inside_a_longer_code_expression_is_still_the_word(tmp_path):
    # "(message count, mailbox size)" is a tuple of words, "apache2ctl configtest" a command: the code names no
    # module (python HTML: 6 of the 26 such rows were real links)
    assert_a_name_only_in_code(
        tmp_path, _stats_pages, "random", "statistics",
        "<p>Random means and modes of data return <code>(sample count, statistics size)</code> as a tuple.</p>",
        "<p>For means and modes of data see the <code>statistics</code> module.</p>",
        "For means and modes of data see the statistics module.")


def test_a_name_of_letters_and_digits_is_a_name_only_in_code_too(tmp_path):
    # "base64 decoding errors" is the encoding (python docs: six such rows, none a link of the site)
    assert_a_name_only_in_code(
        tmp_path, _module_pages(("codec", "base64", "Base16, Base32, Base64 Data Encodings"),
                                 ("mail", "email.header — Headers")), "mail", "base64",
        "<p>Headers may hold base64 encoded words of printable text, see <code>decode</code>.</p>",
        "<p>For printable text the <code>base64</code> module encodes them.</p>",
        "For printable text the base64 module encodes them.")


def test_a_page_that_marks_no_code_keeps_its_words_as_names(tmp_path):
    plain = "<p>Random means and modes of data, as the statistics module gives them.</p>"
    index = build_index(_html_site(tmp_path, _stats_pages(plain)), NO_FLOOR)
    assert index.code_spans[index.url_pos[BASE + "random"]] is None
    assert [r["Anchor"] for r in analyze_page(index, BASE + "random") if r["Destination"] == BASE + "stats"] \
        == ["statistics"]


def _settings_pages(reference_names: int):
    names = [f"SHOP_OPTION_{n}" for n in range(reference_names)] + ["COOKIE_SECURE"]
    reference = "".join(f"<dt>{name}</dt><dd>Default: False. What {name.lower()} sets.</dd>" for name in names)
    return [("ref/settings", "Settings", f"<h1>Settings</h1><dl>{reference}</dl><p>{FILLER}</p>"),
            ("howto/checklist", "Deployment checklist", "<h1>Deployment checklist</h1><h2>COOKIE_SECURE</h2>"
             "<p>Set it to True before you go live with cookies.</p><h2>SHOP_OPTION_0</h2><p>Check it.</p>"
             f"<p>{FILLER}</p>"),
            ("csrf", "Cookie protection", "<h1>Cookie protection</h1><p>Secure cookies need COOKIE_SECURE set "
             f"before you go live.</p><p>{FILLER}</p>")]


def test_a_name_a_guide_and_the_reference_both_declare_goes_to_the_reference(tmp_path):
    index = build_index(_html_site(tmp_path, _settings_pages(12)), NO_FLOOR)
    rows = {r["Anchor"]: r["Destination"] for r in analyze_page(index, BASE + "csrf")}
    assert rows["COOKIE_SECURE"] == BASE + "ref/settings"


def test_pages_that_declare_alike_both_keep_the_name(tmp_path):
    index = build_index(_html_site(tmp_path, _settings_pages(1)), NO_FLOOR)
    pid = index.phrases.ids_for(("cookie_secure",))[0]
    assert sorted(index.urls[t] for t in index.phrases.phrases[pid].targets) == [BASE + "howto/checklist",
                                                                                 BASE + "ref/settings"]


def test_an_anchor_is_never_part_of_a_quoted_title():
    from functools import partial

    from test_analyzer_rules import at_word

    from inlink.links.placement import part_of_quoted_title

    part = partial(at_word, part_of_quoted_title)
    assert part("PEP 253 is titled “Subtyping Built-in Types”, and more.", "Built-in Types")
    assert part('Read the "Generator Expressions" chapter.', "Expressions")
    assert part("a « lazy translation » here", "translation")
    assert not part("see the “Built-in Types” section", "Built-in Types")          # the whole title
    assert not part("see the “To panic! or Not to panic!” section", "To panic! or Not to panic")
    assert not part('call "loop.create_task()" to schedule it', "loop.create_task")  # quoted code: its parts are names
    assert not part('he said "this is a long sentence that goes on well past ten words of text" then', "sentence")
    assert not part('the "a" option, then the Built-in Types and "b"', "Built-in Types")   # between two quotations
    assert not part("“Built-in”\nBuilt-in Types”", "Built-in Types")               # another line


def test_a_page_title_inside_a_longer_quoted_title_is_no_anchor(tmp_path):
    pages = [("types", "Built-in Types", f"<h1>Built-in Types</h1><p>Numbers, sequences and mappings. {FILLER}</p>"),
             ("news", "What is new", "<h1>What is new</h1><p>PEP 253 is titled “Subtyping Built-in Types” and "
              f"explains classes.</p><p>Every Built-in Types entry is listed there.</p><p>{FILLER}</p>")]
    index = build_index(_html_site(tmp_path, pages), NO_FLOOR)
    rows = analyze_page(index, BASE + "news")
    assert [(r["Anchor"], r["Context"].count("Every")) for r in rows if r["Destination"] == BASE + "types"] \
        == [("Built-in Types", 1)]   # placed in the second paragraph, not inside the PEP's title
