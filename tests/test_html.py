"""inlink.site.html: the one HTML parser behind the importer and the fetcher (text, blocks, code, links)."""
from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

from inlink.links.placement import PROSE_BLOCKS, in_prose, prose_ranges
from inlink.site.html import looks_like_html, parse_element, parse_fragment_tuples

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"


def kinds(text, blocks):
    return [(kind, text[start:end]) for kind, start, end in blocks]


def fetched(html: str):
    """The fragment read as the fetcher reads a page's main-content element (parse_element): text, blocks, code
    spans, links and placeholders; the importer (parse_fragment_tuples) keeps all but the links."""
    import lxml.html

    return parse_element(lxml.html.fragment_fromstring(html, create_parent="div"))


def test_blocks_are_labelled_by_their_innermost_block_element():
    text, blocks, _code, _placeholders = parse_fragment_tuples(
        "<h2>Network Settings</h2><p>Open the <em>settings</em> page.</p>"
        "<ul><li>First item</li><li><p>Para in item</p></li></ul>"
        "<dl><dt>dump(obj, fp)</dt><dd>Serialize obj.</dd></dl>"
        "<div><div><pre>server_name = example\nlisten 80</pre></div></div>"
        "<table><tr><th>Name</th><td>A cell</td></tr></table><div>Loose text</div>")
    assert text == ("Network Settings Open the settings page. First item Para in item dump(obj, fp) "
                    "Serialize obj. server_name = example listen 80 Name A cell Loose text")
    assert kinds(text, blocks) == [("heading", "Network Settings"), ("paragraph", "Open the settings page."),
                             ("list_item", "First item"), ("paragraph", "Para in item"),
                             ("term", "dump(obj, fp)"), ("definition", "Serialize obj."),
                             ("code", "server_name = example listen 80"), ("heading", "Name"),
                             ("table_cell", "A cell"), ("text", "Loose text")]


def test_text_inside_a_listing_stays_code_whatever_its_markup():
    text, blocks, _code, _placeholders = parse_fragment_tuples("<pre><span>for</span> x <p>in</p> y</pre><p>after</p>")
    assert kinds(text, blocks) == [("code", "for x"), ("code", "in"), ("code", "y"), ("paragraph", "after")]


def test_the_engine_reads_the_parsed_blocks_as_prose_or_not():
    text, blocks, _code, _placeholders = parse_fragment_tuples(
        "<h1>Backup Strategies</h1><p>Read about backup strategies here.</p>")
    ranges = prose_ranges(text, blocks)
    heading_at = text.index("Backup")
    prose_at = text.index("backup strategies")
    assert not in_prose(ranges, heading_at, heading_at + 6)
    assert in_prose(ranges, prose_at, prose_at + len("backup strategies"))
    assert not in_prose(ranges, text.index(" Read"), prose_at)    # from the space between two blocks
    assert not in_prose(ranges, prose_at, len(text) + 5)          # a span running past its block


def test_inline_code_spans_and_links_keep_their_offsets():
    parsed = fetched('<p>Call <code>json.dumps()</code> or see <a href="/x.html" rel="Nofollow">'
                     'the <b>guide</b></a>.</p>')
    assert [parsed.text[s:e] for s, e in parsed.code_spans] == ["json.dumps()"]
    (link,) = parsed.links
    assert (link.href, link.anchor, link.rel) == ("/x.html", "the guide", "nofollow")
    assert parsed.text[link.start:link.end] == "the guide"


def test_scripts_styles_and_comments_carry_no_text_and_entities_are_decoded():
    html = "<p>A&amp;B&nbsp;C<script>var x = 1;</script><style>p{}</style><!-- note --> D</p>"
    assert parse_fragment_tuples(html)[0] == "A&B C D"


def test_malformed_and_empty_input():
    assert parse_fragment_tuples("")[0] == "" and parse_fragment_tuples("   ")[1] == []
    text, blocks, _code, _placeholders = parse_fragment_tuples("<p>unclosed <b>bold<p>next</div></span>")
    assert text == "unclosed bold next"
    assert {kind for kind, _start, _end in blocks} <= PROSE_BLOCKS


def test_looks_like_html():
    assert looks_like_html("<p>Hello</p>") and looks_like_html("text <br/> more")
    assert not looks_like_html("a < b and c > d") and not looks_like_html("") and not looks_like_html("plain")


def _corpus_rows(name: str):
    plain = CORPORA / name / "pages.csv.gz"
    html = CORPORA / name / "pages_html.csv.gz"
    if not (plain.is_file() and html.is_file()):
        pytest.skip(f"{name} corpus not available")
    csv.field_size_limit(1 << 30)
    with gzip.open(plain, "rt", encoding="utf-8", newline="") as a, \
            gzip.open(html, "rt", encoding="utf-8", newline="") as b:
        yield from zip(csv.DictReader(a), csv.DictReader(b))


@pytest.mark.parametrize("name", ["python-docs-3.11", "django-docs-3.2"])
def test_text_equals_the_corpus_content_made_from_the_same_html(name):
    """The corpora's Content was made from Body HTML 1 the way crawlers do; we must give the same text."""
    checked = 0
    for n, (plain, html) in enumerate(_corpus_rows(name)):
        if n % 4:
            continue
        text, blocks, _code, _placeholders = parse_fragment_tuples(html["Body HTML 1"])
        assert text == plain["Content"], plain["Address"]
        assert all(text[start:end].strip() == text[start:end] for _kind, start, end in blocks)
        checked += 1
    assert checked > 100


@pytest.mark.parametrize("html", [
    "<p>a<span> b </span>c<em>d</em> <strong>e <code>f</code></strong><span>\n</span>g</p>",
    "  <span>lead</span> text<div>x<span>y<p>z</p>w</span></div><SPAN>Up</SPAN>",
    "<pre><span>def</span> <span>f</span>():\n    <code><span>pass</span></code></pre><p><b><a href=' /u '>"
    "<span>an</span> <i>anchor</i></a></b><!-- c --><span><script>x()</script>tail</span></p>",
    "<li><span>open <em>unclosed<p>para</li><td><span> </span><kbd><span>C</span>-x</kbd></td>text only",
    "<p>Use <em class='replaceable'><code>table_name</code></em> and <code>f(<var>x</var>)</code>, "
    "<em>not <code>this</code></em>.</p><pre>DROP <em><code>name</code></em></pre>",
])
def test_the_importers_fast_path_gives_the_walk_over_the_whole_tree(html):
    """The importer (parse_fragment_tuples) drops text-only inline tags (span, em...) in C before its walk and
    parses with lxml's plain parser: it must give what the walk over lxml.html's full tree gives (the fetcher's
    path, parse_element)."""
    full = fetched(html)
    assert parse_fragment_tuples(html) == (full.text, full.block_tuples(), list(full.code_spans),
                                           list(full.placeholder_spans))


def test_a_paragraph_of_one_bold_name_is_a_definition_term():
    """Older references head each entry with a bold line (SQLite's compile options): that paragraph is a term, not
    running prose, and declares its name; bold inside a sentence, or a bold run with words around it, stays prose."""
    from inlink.links.page_blocks import declared_names

    fragment = ("<p><b>LEDGER_ENABLE_AUDIT</b></p><blockquote><p>This option adds an audit trail.</p></blockquote>"
                "<p>Use <b>bold</b> here.</p><p><strong>Note</strong> that words follow.</p><p> <strong>Example</strong> </p>")
    text, blocks, _code, _placeholders = parse_fragment_tuples(fragment)
    kinds = [(kind, text[start:end]) for kind, start, end in blocks]
    assert kinds == [("term", "LEDGER_ENABLE_AUDIT"), ("paragraph", "This option adds an audit trail."),
                     ("paragraph", "Use bold here."), ("paragraph", "Note that words follow."), ("term", "Example")]
    assert declared_names(text, blocks)[0] == ["LEDGER_ENABLE_AUDIT"]


def test_a_bold_line_opening_with_a_label_in_capitals_is_a_sidebars_title():
    """DocBook writes a sidebar's title as one bold line whose label stands in capitals in an inline tag of its own
    ("<em>NOTE</em> LedgerManager", "<em>CAUTION</em> RAID is not Backup"): a heading, not running prose, and it
    declares nothing (as a term it would declare "LedgerManager"). A bold name with emphasis inside it is still a
    term; a bold line holding code, or with a label in lowercase, is read as before."""
    from inlink.links.page_blocks import declared_names

    fragment = ("<p><strong><span><em>NOTE</em></span> LedgerManager</strong></p><p>It keeps the books.</p>"
                "<p><b><i>CAUTION</i> Backups are not archives</b></p><p><b>LEDGER_<i>AUDIT</i></b></p>"
                "<p><b><i>Note</i> on ledgers</b></p><p><b>Run <code>ledger</code></b></p>")
    text, blocks, _code, _placeholders = parse_fragment_tuples(fragment)
    kinds = [(kind, text[start:end]) for kind, start, end in blocks]
    assert kinds == [("heading", "NOTE LedgerManager"), ("paragraph", "It keeps the books."),
                     ("heading", "CAUTION Backups are not archives"), ("term", "LEDGER_AUDIT"),
                     ("term", "Note on ledgers"), ("paragraph", "Run ledger")]
    assert declared_names(text, blocks)[0] == ["LEDGER_AUDIT"]


def test_reading_a_fetched_pages_element_leaves_its_html_as_it_was():
    """The fetcher reads the main element's text and blocks, then keeps its HTML as the page's Body HTML: the
    bold-term reading must not leave a <dt> where the page has a <p>."""
    import lxml.html

    root = lxml.html.fragment_fromstring("<p><b>LEDGER_ENABLE_AUDIT</b></p><p>This option adds a trail.</p>",
                                         create_parent="div")
    before = lxml.html.tostring(root, encoding="unicode")
    parsed = parse_element(root)
    assert [block.kind for block in parsed.blocks] == ["term", "paragraph"]
    assert lxml.html.tostring(root, encoding="unicode") == before


def test_placeholders_are_recorded_apart_from_other_inline_code():
    """A <var>, or a <code> that is all of an <em> or <i> (DocBook's and gtk-doc's parameters), is a placeholder: a
    value the reader supplies. It is code too; emphasis around more than code, code alone, and anything in a code
    block are no placeholders."""
    text, _blocks, code_spans, placeholder_spans = parse_fragment_tuples(
        "<p>Run <em class='replaceable'><code>table_name</code></em>, <i><code>mem</code></i> and <var>file</var>; "
        "<code>open(<var>path</var>)</code> takes it. <em>Not <code>this</code></em>, <code>nor_this</code>, "
        "<em><code>two</code><code>codes</code></em>.</p><pre>DROP <em><code>name</code></em> <var>x</var></pre>")
    held = [text[start:end] for start, end in placeholder_spans]
    assert held == ["table_name", "mem", "file", "path"]
    code = [text[start:end] for start, end in code_spans]
    assert {"table_name", "mem", "file", "open(path)", "this", "nor_this"} <= set(code)
    assert "path" not in code   # the outermost code span only, as before


def test_the_fetchers_walk_records_placeholders_and_leaves_its_tree_as_it_was():
    import lxml.html

    root = lxml.html.fragment_fromstring("<p>Set <em><code>work_mem</code></em> high.</p>", create_parent="div")
    parsed = parse_element(root)
    assert [parsed.text[s:e] for s, e in parsed.placeholder_spans] == ["work_mem"]
    assert lxml.html.tostring(root, encoding="unicode") == \
        "<div><p>Set <em><code>work_mem</code></em> high.</p></div>"


def test_an_export_cell_nested_deeper_than_libxml2_goes_keeps_every_word_and_block():
    """libxml2 stops a document at 2,048 nested elements: a Body HTML 1 cell of 3,000 nested <div>s kept only the
    words before the nesting (the deepest sentence and the paragraph after it lost), as a fetched page did. It is
    read again flattened as a browser builds it (site.nesting.capped), every word and block kept."""
    nest = "<div>" * 3000 + "<p>The deepest sentence of the page.</p>" + "</div>" * 3000
    html = f"<h1>Deep page</h1><p>Opening words.</p>{nest}<p>Closing words, see the contact page.</p>"
    text, blocks, *_ = parse_fragment_tuples(html)
    assert text == "Deep page Opening words. The deepest sentence of the page. Closing words, see the contact page."
    assert [(kind, text[start:end].strip()) for kind, start, end in blocks if kind == "paragraph"] == [
        ("paragraph", "Opening words."), ("paragraph", "The deepest sentence of the page."),
        ("paragraph", "Closing words, see the contact page.")]
    assert parse_fragment_tuples("<p>Shallow after deep.</p>")[0] == "Shallow after deep."   # the parser is reusable


WHOLE_PAGE = ('<body><div class="top"><ul><li>Home</li><li>Shop</li></ul></div>'
              '<div role="main"><h1>Trail Shoes</h1><nav class="toc"><ul><li>Sizes</li></ul></nav>'
              '<p>Our trail shoes grip wet rock.</p><aside><p>Sizes run small.</p></aside></div>'
              '<footer><p>Read our Shipping Policy.</p></footer></body>')


@pytest.mark.parametrize("html, text", [
    (WHOLE_PAGE, "Trail Shoes Our trail shoes grip wet rock. Sizes run small."),      # role="main": its text only
    (WHOLE_PAGE.replace(' role="main"', ""),                                            # no landmark: the frame goes
     "Home Shop Trail Shoes Our trail shoes grip wet rock."),
    (WHOLE_PAGE.replace("<body>", "").replace("</body>", "").replace('<div role="main">', "<main>")
     .replace("</div><footer>", "</main><footer>"), "Trail Shoes Our trail shoes grip wet rock. Sizes run small."),
    (WHOLE_PAGE.replace('<div role="main">', '<main></main><div>'),                    # an empty landmark: as none
     "Home Shop Trail Shoes Our trail shoes grip wet rock."),
])
def test_a_cell_holding_a_whole_page_is_read_as_the_fetcher_reads_one_its_main_content(html, text):
    """An export whose HTML column holds each page's whole body (an extraction of `body`, not of the article): its
    menus, table of contents and footer were read as the page's prose, and every page got high-tier links there (the
    Python docs exported so: high tier 0.43 real links, 38% of the anchors outside the page's text). The importer finds
    the main content by the fetcher's rules (site/main_content.py); with none, it leaves out the page's frame."""
    got, blocks, _code, _placeholders = parse_fragment_tuples(html)
    assert " ".join(got.split()) == text
    assert all(0 <= start <= end <= len(got) for _kind, start, end in blocks)


def test_an_articles_own_html_is_read_whole_with_its_asides_and_lists():
    """An export of the article's HTML (no <body>, no landmark) is the page's own text: an <aside> note or a footer in
    it stays (the Python docs' main content holds <aside> in 78 pages), and so does an example of a landmark's markup."""
    got, _blocks, _code, _placeholders = parse_fragment_tuples(
        '<h1>Trail Shoes</h1><p>Our trail shoes grip wet rock.</p><aside><p>Sizes run small.</p></aside>'
        '<footer><p>Written by the shop.</p></footer><pre>&lt;div role="main"&gt;</pre>')
    assert " ".join(got.split()) == ('Trail Shoes Our trail shoes grip wet rock. Sizes run small. Written by the shop. '
                                     '<div role="main">')   # an example of the markup, not the markup


@pytest.mark.parametrize("html", ["<html>", "<html></html>", "<html><head><title>Trail Shoes</title></head></html>"])
def test_a_whole_document_without_a_body_is_a_page_without_text(html):
    """lxml asserts a fragment has one <body> ("too many bodies: []"): the whole import stopped with a traceback."""
    assert parse_fragment_tuples(html) == ("", [], [], [])
