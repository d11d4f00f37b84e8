"""Behaviour of the site importer on realistic exports, bad files and the two bundled corpora."""
import csv
import gzip
import io
import json
import random
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from inlink.site import load as site_import
from inlink.site import sources, tables
from inlink.site.inlinks import read_links
from inlink.site.load import (SiteDataError, detect_page_columns, load_links, load_pages, load_site,
                         missing_page_fields, normalize_url, read_table)

REPO = Path(__file__).resolve().parents[1]
DOCS_CORPUS = REPO.parent / "shared/corpora/python-docs-3.11"
SF_HEADERS = ["Address", "Content Type", "Status Code", "Status", "Indexability", "Indexability Status",
              "Title 1", "Meta Description 1", "H1-1", "Word Count", "Content"]
INLINK_HEADERS = ["Type", "Source", "Destination", "Size (Bytes)", "Alt Text", "Anchor", "Status Code",
                  "Status", "Follow", "Target", "Rel", "Path Type", "Link Path", "Link Position", "Link Origin"]


def csv_bytes(header, rows, delimiter=",", encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def sf_row(url, title="", text="", status="200", ctype="text/html; charset=utf-8", index="Indexable",
           index_status="", h1=None, description=""):
    words = str(len(text.split()))
    return [url, ctype, status, "OK", index, index_status, title, description,
            title if h1 is None else h1, words, text]


def sf_export() -> bytes:
    """An "Internal: HTML" export with the usual oddities of a real crawl."""
    rows = [
        sf_row("https://Shop.Example.com/", "Home", "Welcome to the shop for bikes and repairs."),
        sf_row("", "", ""),                                  # tree-view folder row
        sf_row("https://shop.example.com/bikes/", "Bikes", "Our bikes: gravel bikes and city bikes."),
        sf_row("https://shop.example.com/bikes", "Bikes", "", description=""),   # thinner duplicate
        sf_row("https://shop.example.com/cart", "Cart", "Your basket is empty.", index="Non-Indexable",
               index_status="noindex"),
        sf_row("https://shop.example.com/old-page", "", "", status="301", index="Non-Indexable",
               index_status="Redirected"),
        sf_row("https://shop.example.com/price-list.pdf", "", "", ctype="application/pdf"),
        sf_row("https://shop.example.com/bikes?sort=price", "Bikes", "Sorted bikes.", index="Non-Indexable",
               index_status="Canonicalised"),
        sf_row("https://shop.example.com/about#team", "About us", "", h1="About"),
    ]
    return b"\xef\xbb\xbf" + csv_bytes(SF_HEADERS, rows)


class FakeUpload:
    """The two attributes of Streamlit's UploadedFile that the importer uses."""

    def __init__(self, name, data):
        self.name, self._data = name, data

    def getvalue(self):
        return self._data


# --- Screaming Frog pages ---------------------------------------------------------------------------------

def test_screaming_frog_export_with_bom_is_cleaned_and_reported():
    pages, report = load_pages(FakeUpload("internal_html.csv", sf_export()))
    assert list(pages.columns) == list(site_import.PAGE_COLUMNS)
    assert pages["url"].tolist() == [
        "https://shop.example.com/", "https://shop.example.com/bikes", "https://shop.example.com/cart",
        "https://shop.example.com/old-page", "https://shop.example.com/price-list.pdf",
        "https://shop.example.com/bikes?sort=price", "https://shop.example.com/about"]
    bikes = pages.set_index("url").loc["https://shop.example.com/bikes"]
    assert bikes["content"].startswith("Our bikes") and bool(bikes["is_target"])
    assert report.duplicates_merged == ["https://shop.example.com/bikes"]
    reasons = dict(report.excluded)
    assert reasons["https://shop.example.com/cart"] == "non-indexable: noindex"
    assert reasons["https://shop.example.com/old-page"] == "status 301"
    assert reasons["https://shop.example.com/price-list.pdf"] == "not HTML (application/pdf)"
    assert reasons["https://shop.example.com/bikes?sort=price"] == "non-indexable: Canonicalised"
    assert pages.loc[~pages["is_target"], "excluded_reason"].ne("").all()
    assert report.missing_text == ["https://shop.example.com/about"]
    assert report.rows_read == 9 and report.pages == 7
    assert any("tree-view" in line for line in report.warnings)
    # its one URL with a query string is left out (canonicalised), so it is not said to be kept as a page of its own
    assert not any("query string" in line for line in report.summary_lines())
    assert report.as_dict()["file"] == "internal_html.csv"
    short = report.as_dict(max_items=1)
    assert len(short["excluded"]) == 1 and short["counts"]["excluded"] == 4
    json.dumps(short)   # JSON-ready for job metadata


def test_headers_match_ignoring_case_spaces_underscores_and_order(tmp_path):
    path = tmp_path / "crawl.csv"
    path.write_bytes(csv_bytes(["page_content", "META_DESCRIPTION", "h1", "PAGE URL", "title"],
                               [["Some words here", "desc", "Heading", "https://a.com/x", "Title X"]]))
    with path.open("rb") as handle:   # an open file is read through .read() and named after its path
        assert load_pages(handle)[1].file == "crawl.csv"
    pages, report = load_pages(str(path))
    row = pages.iloc[0]
    assert (row["url"], row["title"], row["h1"], row["description"], row["content"], row["word_count"]) == (
        "https://a.com/x", "Title X", "Heading", "desc", "Some words here", 3)
    assert report.file == "crawl.csv"
    _, report = load_pages(csv_bytes(["Address", "Title 1"], [["https://a.com/", "Home"]]), "p.csv")
    assert any("No body text column" in line for line in report.summary_lines())


@pytest.mark.parametrize("header, no", [("Indexability", "Not Indexable"), ("Is Indexable", "No"),
                                        ("Is indexable page", "false")])
def test_other_crawlers_say_not_indexable_in_their_words(header, no):
    """A QA pass: Sitebulb writes "Not Indexable", JetOctopus an "Is Indexable" column of Yes / No, Ahrefs "Is
    indexable page" true / false; each was read as indexable (the header unknown, or the value), and a noindex
    page was suggested as a link target without a word in the report."""
    data = csv_bytes(["URL", header, "Title", "Content"], [["https://a.com/x", no, "X", "Some words."],
                                                             ["https://a.com/y", "", "Y", "More words."]])
    pages, report = load_pages(data, "crawl.csv")
    assert pages["is_target"].tolist() == [False, True]
    assert report.excluded == [("https://a.com/x", "non-indexable")]


def test_a_cms_exports_kinds_of_page_in_type_are_no_content_types():
    """A QA pass: a CMS export's "Type" column (post, page) was read as the content type: every page was kept out as
    "not HTML (post)", and the file refused as having no HTML page. A "Type" of MIME types is read as before."""
    data = csv_bytes(["URL", "Title", "Type", "Content"], [["https://a.com/x", "X", "post", "Words about gardens."],
                                                           ["https://a.com/y", "Y", "page", "Words about compost."]])
    pages, report = load_pages(data, "wordpress.csv")
    assert pages["is_target"].tolist() == [True, True]
    assert 'The column "Type" holds kinds of page (post, page), not content types such as text/html: it was not ' \
           "read." in report.warnings
    data = csv_bytes(["URL", "Title", "Type", "Content"], [["https://a.com/x", "X", "text/html", "Words."],
                                                           ["https://a.com/y.pdf", "Y", "application/pdf", "Words."]])
    assert load_pages(data, "crawl.csv")[0]["is_target"].tolist() == [True, False]


def test_a_status_code_written_with_its_reason_phrase_is_read():
    """A QA pass: Netpeak Spider writes "301 Moved Permanently", "404 Not Found": read as no status at all, a redirect
    and a missing page were kept as link targets without a word."""
    data = csv_bytes(["Address", "Status Code", "Title", "Content"],
                     [["https://a.com/x", "200 OK", "X", "Words."], ["https://a.com/y", "301 Moved Permanently", "Y", "W."],
                      ["https://a.com/z", "404 Not Found", "Z", "Gone."], ["https://a.com/w", "", "W", "No status."]])
    pages, report = load_pages(data, "netpeak.csv")
    assert pages["status_code"].tolist() == [200, 301, 404, pd.NA]
    assert pages["is_target"].tolist() == [True, False, False, True]
    assert report.excluded == [("https://a.com/y", "status 301"), ("https://a.com/z", "status 404")]


def test_a_meta_robots_noindex_keeps_a_page_out_without_an_indexability_column():
    """A QA pass: a crawler's export with a "Meta Robots" column and no indexability one had its noindex pages
    suggested as link targets without a word."""
    data = csv_bytes(["URL", "Meta Robots", "Title", "Content"], [["https://a.com/x", "index, follow", "X", "Words."],
                                                                  ["https://a.com/y", "noindex, follow", "Y", "W."]])
    pages, report = load_pages(data, "crawl.csv")
    assert pages["is_target"].tolist() == [True, False]
    assert report.excluded == [("https://a.com/y", "non-indexable: noindex, follow")]


def test_a_content_column_of_content_types_is_the_content_type():
    """A QA pass: Screaming Frog's URL tab (and its older Internal tab) names the content type "Content": it was read
    as every page's text ("text/html; charset=UTF-8"), the custom extraction "Body 1" beside it left unread and a PDF
    kept as a link target."""
    data = csv_bytes(["Address", "Content", "Status Code", "Title 1", "Body 1"],
                     [["https://a.com/x", "text/html; charset=UTF-8", "200", "Espresso", "How to pull a shot."],
                      ["https://a.com/y.pdf", "application/pdf", "200", "Menu", ""]])
    pages, report = load_pages(data, "internal_all.csv")
    assert pages["content"].tolist() == ["How to pull a shot.", ""]
    assert pages["is_target"].tolist() == [True, False] and report.text_column == "Body 1"
    assert 'The column "Content" holds content types (e.g. text/html; charset=UTF-8), not the pages\' text: it was ' \
           "read as their content type." in report.warnings


def test_a_canonical_url_keeps_a_copy_out_when_the_export_says_no_indexability():
    """A QA pass: a crawler's export with a "Canonical URL" column and no indexability one had its "?sort=price" copy
    suggested as a link target. A canonical naming the same path on another host (a staging copy naming the public
    site) is no other page; an export that says the indexability itself is read as it says."""
    rows = [["https://a.com/x", "https://a.com/x", "X", "Words."],
            ["https://a.com/x?sort=price", "https://a.com/x", "X sorted", "Words."],
            ["https://a.com/y", "https://www.a.com/y/", "Y", "Other words."]]
    pages, report = load_pages(csv_bytes(["URL", "Canonical URL", "Title", "Content"], rows), "crawl.csv")
    assert pages["is_target"].tolist() == [True, False, True]
    assert report.excluded == [("https://a.com/x?sort=price", "non-indexable: Canonicalised to https://a.com/x")]
    said = [row + ["Indexable"] for row in rows]
    pages, _ = load_pages(csv_bytes(["URL", "Canonical URL", "Title", "Content", "Indexability"], said), "sf.csv")
    assert pages["is_target"].tolist() == [True, True, True]


def test_custom_extraction_body_columns_are_joined():
    data = csv_bytes(["Address", "Status Code", "Body 1", "Body 2", "Title 1"],
                     [["https://a.com/p", "200", "First part.", "Second  part.", "P"]])
    assert detect_page_columns(["Address", "Body 1", "Body 2"])["content"] == "Body 1"
    pages, _ = load_pages(data, "custom_extraction.csv")
    assert pages.loc[0, "content"] == "First part. Second part."


def test_another_extractors_columns_are_not_joined_to_the_body_text():
    """A QA pass: with Screaming Frog's default extractor names, "Extractor 1 1" and "Extractor 1 2" (the body's
    matches) were joined with "Extractor 2 1" (an author) and "Extractor 3 1" (a date) into the pages' text, where
    anchors were looked for. The other extractors' columns are named in the report instead."""
    data = csv_bytes(["Address", "Title 1", "Extractor 1 1", "Extractor 1 2", "Extractor 2 1", "Extractor 3 1"],
                     [["https://a.com/p", "P", "First part.", "Second part.", "Jane Doe", "2024-05-01"]])
    pages, report = load_pages(data, "custom_extraction.csv")
    assert pages.loc[0, "content"] == "First part. Second part."
    assert 'The pages\' text is read from "Extractor 1 1" and "Extractor 1 2"; 2 custom extraction columns of another ' \
           'extractor ("Extractor 2 1" and "Extractor 3 1") are not read as text.' in report.warnings


def test_a_row_with_text_and_no_url_is_a_dropped_row_not_a_folder_row():
    """A QA pass: a page whose URL cell was lost was counted as "a tree-view folder row" with no row to find it by."""
    data = csv_bytes(["URL", "Title", "Content"], [["https://a.com/x", "X", "Some words."],
                                                   ["", "Folder", ""],
                                                   ["", "Lost", "The text of a page whose URL is gone."]])
    _, report = load_pages(data, "crawl.csv")
    assert report.dropped_lines() == ['crawl.csv, row 4, column "URL": the URL is empty']
    assert "1 row without a URL (a tree-view folder row) was skipped." in report.warnings


def test_a_workbook_cell_cut_at_excels_limit_is_said():
    """A QA pass: a page's text cut at a workbook cell's 32,767 characters (a crawler's XLSX export, Excel) was read
    as the whole page without a word; its prose past the cut never took a link."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["Address", "Title 1", "Body Text 1"], ["https://a.com/x", "X", "word " * 7000],
                ["https://a.com/y", "Y", "short"]):
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)   # openpyxl cuts the cell as Excel does
    _, report = load_pages(data.getvalue(), "crawl.xlsx")
    assert report.warnings == ['crawl.xlsx: 1 cell holds 32,767 characters, the most a workbook cell can hold (e.g. '
                               'row 2, column "Body Text 1"): its text was probably cut when the workbook was saved; '
                               "export the crawl as CSV to keep it whole"]


def test_xlsx_workbook_reports_spreadsheet_row_numbers(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Address", "Title 1", "Status Code", "Content"])
    sheet.append(["https://a.com/one", "One", 200, "Text one"])
    sheet.append(["not a url", "Junk", 200, "junk"])
    sheet.append(["https://a.com/two", "Two", 200, "Text two"])
    workbook.create_sheet("Notes")
    path = tmp_path / "crawl.xlsx"
    workbook.save(path)
    pages, report = load_pages(path)
    assert pages["url"].tolist() == ["https://a.com/one", "https://a.com/two"]
    assert pages["status_code"].tolist() == [200, 200]
    assert report.dropped_rows == [(3, 'column "Address": "not a url" is not a URL')]
    assert any("first of 2 worksheets" in note for note in report.warnings)


def test_cp1252_bytes_are_decoded_with_a_note():
    data = csv_bytes(["URL", "Title"], [["https://a.com/cafe", "Café crème – 5 €"]], encoding="cp1252")
    pages, report = load_pages(data, "legacy.csv")
    assert pages.loc[0, "title"] == "Café crème – 5 €"
    assert any("Windows-1252" in note for note in report.warnings)


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_files(delimiter):
    data = csv_bytes(["Address", "Title 1", "Content"], [["https://a.com/x", "X", "one, two; three"]],
                     delimiter=delimiter)
    pages, _ = load_pages(data, "export.csv")
    assert pages.loc[0, "content"] == "one, two; three"


def test_gzipped_csv_is_read():
    data = gzip.compress(csv_bytes(["url", "title"], [["https://a.com/", "Home"]]))
    assert read_table(data, "pages.csv.gz").to_dict("records") == [{"url": "https://a.com/", "title": "Home"}]


def test_relative_urls_resolve_against_the_dominant_host():
    data = csv_bytes(["url", "title"], [["https://a.com/x", "X"], ["https://a.com/y", "Y"],
                                        ["https://b.com/z", "Z"], ["/about/", "About"]])
    pages, report = load_pages(data, "p.csv")
    assert "https://a.com/about" in set(pages["url"])
    assert any("2 hosts" in line for line in report.warnings)


def test_relative_urls_without_a_dominant_host_are_reported():
    data = csv_bytes(["url", "title"], [["https://a.com/x", "X"], ["https://b.com/y", "Y"], ["/about", "A"]])
    pages, report = load_pages(data, "p.csv")
    assert len(pages) == 2
    assert report.dropped_rows[0][0] == 4 and "relative URL" in report.dropped_rows[0][1]


# --- URL normalisation ------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("  HTTPS://Example.COM/Path/ ", "https://example.com/Path"),
    ("https://example.com", "https://example.com/"),
    ("https://example.com/", "https://example.com/"),
    ("http://example.com:80/a", "http://example.com/a"),
    ("https://example.com:443/a#frag", "https://example.com/a"),
    ("https://example.com:8443/a/", "https://example.com:8443/a"),
    ("https://example.com/a/?q=1#x", "https://example.com/a?q=1"),
    ("//example.com/a", "https://example.com/a"),
    ("www.example.com/a", "https://www.example.com/a"),
    ("https://user:pw@example.com/a", "https://example.com/a"),
])
def test_normalize_url(raw, expected):
    assert normalize_url(raw) == expected


def test_normalize_url_resolves_root_relative_paths_and_refuses_non_urls():
    assert normalize_url("/guides/x/", "shop.example.com") == "https://shop.example.com/guides/x"
    assert normalize_url("/a", "http://shop.example.com") == "http://shop.example.com/a"
    for bad in ("not a url", "mailto:a@b.com", "javascript:void(0)", "", "/relative", "ftp://a.com/x"):
        with pytest.raises(SiteDataError):
            normalize_url(bad)


@settings(max_examples=80, deadline=None)
@given(host=st.from_regex(r"[a-z]{1,8}\.(com|org)", fullmatch=True),
       path=st.lists(st.from_regex(r"[A-Za-z0-9_-]{1,6}", fullmatch=True), max_size=3),
       slash=st.booleans(), upper=st.booleans())
def test_normalize_url_is_idempotent_and_case_insensitive_on_host(host, path, slash, upper):
    url = f"https://{host.upper() if upper else host}/" + "/".join(path) + ("/" if slash else "")
    once = normalize_url(url)
    assert normalize_url(once) == once
    assert once == normalize_url(url.replace(host.upper() if upper else host, host))


# --- links ------------------------------------------------------------------------------------------------

def inlink(kind, source, destination, anchor="", position="Content"):
    return [kind, source, destination, "1200", "", anchor, "200", "OK", "True", "", "", "Absolute",
            "/html/body/p/a", position, "HTML"]


def test_all_inlinks_keeps_hyperlinks_merges_duplicates_and_drops_self_links():
    rows = [
        inlink("Hyperlink", "https://a.com/x", "https://a.com/y/", "", "Navigation"),
        inlink("Hyperlink", "https://a.com/x", "https://a.com/y", "the y guide"),
        inlink("Image", "https://a.com/x", "https://a.com/img.jpg"),
        inlink("CSS", "https://a.com/x", "https://a.com/style.css"),
        inlink("Hyperlink", "https://a.com/x", "https://a.com/x#top", "top"),
        inlink("Hyperlink", "https://a.com/y", "https://a.com/", "Home", "Navigation"),
    ]
    links, report = load_links(csv_bytes(INLINK_HEADERS, rows), "all_inlinks.csv")
    assert links[["source", "destination", "anchor", "position"]].values.tolist() == [
        ["https://a.com/x", "https://a.com/y", "the y guide", "Content"],
        ["https://a.com/y", "https://a.com/", "Home", "Navigation"]]
    assert (report.links_read, report.links_kept) == (6, 2)
    assert any("non-hyperlink" in w for w in report.warnings) and any("self link" in w for w in report.warnings)


def test_generic_link_table_and_unknown_pages_filter():
    data = csv_bytes(["from", "to", "link text"], [["https://a.com/x", "https://a.com/y", "why"],
                                                   ["https://a.com/x", "https://other.org/", "out"]])
    links, report = load_links(data, "links.csv", known_urls={"https://a.com/x", "https://a.com/y"})
    assert links.values.tolist() == [["https://a.com/x", "https://a.com/y", "why"]]
    assert "1 link from or to URLs that are not in the page table was skipped, e.g. https://other.org/." \
        in report.warnings
    _, report = load_links(data, "links.csv", known_urls={"https://staging.a.com/x", "https://staging.a.com/y"})
    assert any("pages use https://staging.a.com but the links use https://a.com" in w for w in report.warnings)


def test_an_ahrefs_links_export_is_read():
    """A QA pass: Ahrefs names a link's ends "Referring page URL" and "Target URL" and its type "href" (Excel's
    "Unicode text": UTF-16, tab-separated); the file was refused ('no "source" column found'), and with the columns
    renamed every link was skipped as a "non-hyperlink row (href)"."""
    data = csv_bytes(["Referring page URL", "Target URL", "Anchor", "Link type"],
                     [["https://a.com/x", "https://a.com/y", "why", "href"],
                      ["https://a.com/x", "https://a.com/z", "", "canonical"]], delimiter="\t", encoding="utf-16")
    links, report = load_links(data, "ahrefs.csv")
    assert links.values.tolist() == [["https://a.com/x", "https://a.com/y", "why"]]
    assert (report.links_read, report.links_kept) == (2, 1)
    assert report.warnings[-1] == "1 non-hyperlink row (canonical) was skipped."   # "1 non-hyperlink rows ... were"


def test_the_links_dropped_from_a_page_leave_their_text_linked():
    """A self link and a link out of the crawl are no links between pages, but their anchors stand linked on their
    source page (where no suggestion may put a link): read_links keeps them as the page's linked text; a link from
    a URL outside the crawl has no page to keep it for."""
    data = csv_bytes(["Source", "Destination", "Anchor"], [["https://a.com/x", "https://a.com/y", "why"],
                                                           ["https://a.com/x", "https://a.com/x#part", "this part"],
                                                           ["https://a.com/x", "https://other.org/", "out there"],
                                                           ["https://other.org/", "https://a.com/x", "in"],
                                                           ["https://a.com/y", "https://a.com/y", ""],
                                                           ["https://a.com/y", "http://www.a.com/y#top", "top"]])
    links, linked_text, _report = read_links(data, "links.csv", known_urls={"https://a.com/x", "https://a.com/y"})
    assert links.values.tolist() == [["https://a.com/x", "https://a.com/y", "why"]]
    assert linked_text.values.tolist() == [["https://a.com/x", "this part"], ["https://a.com/y", "top"],
                                           ["https://a.com/x", "out there"]]   # (a self link spelled otherwise too)


def test_a_destination_relative_to_its_page_is_read_from_the_links_source():
    """A QA pass: a links table of the pages' hrefs as written ("list.html", "../guide", "#top") had those rows
    dropped as "not a URL", though each row names its base, its source: the site's existing links were lost and
    suggested again. A link to a part of its own page is a self link, its anchor the page's linked text."""
    data = csv_bytes(["Source", "Destination", "Anchor"], [["https://a.com/docs/x", "y", "why"],
                                                           ["https://a.com/docs/x", "../guide", "the guide"],
                                                           ["https://a.com/docs/x", "#top", "top"],
                                                           ["https://a.com/docs/y", "mailto:me@a.com", "mail"],
                                                           ["https://a.com/docs/y", "a.com/guide", "g"]])
    known = {"https://a.com/docs/x", "https://a.com/docs/y", "https://a.com/guide"}
    links, linked_text, report = read_links(data, "links.csv", known_urls=known)
    assert links.values.tolist() == [["https://a.com/docs/x", "https://a.com/docs/y", "why"],
                                     ["https://a.com/docs/x", "https://a.com/guide", "the guide"]]
    assert linked_text.values.tolist() == [["https://a.com/docs/x", "top"]]
    assert "3 link destinations written relative to their pages were read from the link's source, e.g. y on " \
           "https://a.com/docs/x as https://a.com/docs/y." in report.warnings
    assert [row for row, _ in report.dropped_rows] == [5, 6]   # the mailto: link, and a URL without its scheme
    assert report.dropped_rows[1][1].startswith('column "Destination": "a.com/guide" is not a URL')   # as before
    data = csv_bytes(["Source", "Destination", "Anchor"], [["../composting-at-home", "https://a.com/guide", "g"],
                                                           ["https://a.com/docs/x", "y", "why"]])
    _, report = load_links(data, "links.csv", known_urls=known)   # a source names no base: said as before
    assert report.dropped_rows == [(2, 'column "Source": "../composting-at-home" is not a URL but a path relative to '
                                       "its page: write it whole (https://...) or from the site's root (/...)")]


def test_a_pages_second_link_to_the_same_page_leaves_its_text_linked():
    """An All Inlinks export lists every occurrence of a link: a page linking one page twice, "why" and "the reasons"
    (and once from its menu). One row per pair stays among the links; the second in-content anchor stands linked
    all the same, so it joins the page's linked text (a suggestion inside "the reasons" would be a link in a link);
    the menu's does not (its text is no text of the content)."""
    data = csv_bytes(["Source", "Destination", "Anchor", "Link Position"],
                     [["https://a.com/x", "https://a.com/y", "Y page", "Navigation"],
                      ["https://a.com/x", "https://a.com/y", "why", "Content"],
                      ["https://a.com/x", "https://a.com/y", "the reasons", "Content"],
                      ["https://a.com/y", "https://a.com/x", "ex", "Content"]])
    links, linked_text, report = read_links(data, "links.csv", known_urls={"https://a.com/x", "https://a.com/y"})
    assert links[["source", "destination", "anchor"]].values.tolist() == [
        ["https://a.com/x", "https://a.com/y", "why"], ["https://a.com/y", "https://a.com/x", "ex"]]
    assert linked_text.values.tolist() == [["https://a.com/x", "Y page", "Navigation"],
                                           ["https://a.com/x", "the reasons", "Content"]]
    assert report.links_kept == 2


def test_a_link_url_differing_from_a_page_only_in_scheme_or_www_is_that_page():
    """Links hard-coded before a move to https (or written with www.) were dropped as "not in the page table", so
    the site's existing link was suggested again."""
    data = csv_bytes(["Source", "Destination", "Anchor"], [["https://a.com/x", "http://a.com/y", "why"],
                                                           ["http://www.a.com/y", "https://www.a.com/z", "zed"],
                                                           ["https://a.com/x", "http://a.com/q", "two pages"]])
    known = {"https://a.com/x", "https://a.com/y", "https://a.com/z", "https://a.com/q", "https://www.a.com/q"}
    links, report = load_links(data, "links.csv", known_urls=known)
    assert links.values.tolist() == [["https://a.com/x", "https://a.com/y", "why"],
                                     ["https://a.com/y", "https://a.com/z", "zed"]]
    assert "3 link URLs differing from a page's only in http/https or www. were read as that page's, e.g. " \
           "http://www.a.com/y as https://a.com/y." in report.warnings
    # two pages it could be (https://a.com/q and https://www.a.com/q): neither is guessed
    assert any("1 link from or to URLs that are not in the page table was skipped, e.g. http://a.com/q." in w
               for w in report.warnings)


def test_load_site_combines_pages_links_and_reports(tmp_path):
    pages = csv_bytes(["Address", "Title 1"], [["https://a.com/", "Home"], ["https://a.com/b", "B"]])
    links = csv_bytes(["Source", "Destination", "Anchor"], [["https://a.com/", "/b", "B"], ["junk", "/b", ""]])
    site = load_site(pages, links, pages_name="pages.csv", links_name="inlinks.csv")
    assert site.links.values.tolist() == [["https://a.com/", "https://a.com/b", "B"]]
    assert site.report.links_kept == 1
    assert site.report.dropped_rows == [(3, 'inlinks.csv: column "Source": "junk" is not a URL')]
    assert load_site(pages, pages_name="pages.csv").links.empty


# --- bad files --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("data, expected", [
    (b"", "empty"),
    (b"  \r\n\r\n", "empty"),
    (bytes(range(256)) * 8, "binary"),
    (b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f" * 50, "binary"),
    ("Address,Title\r\nhttps://a.com/,".encode("utf-16") + b"\x00\xd8", "cannot be read as UTF-16"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
    (b"PK\x03\x04 definitely not a zip", "cut short or damaged"),
    (b"\x1f\x8b\x08\x00broken", "gzip"),
])
def test_bad_files_are_refused_with_the_file_name(data, expected):
    with pytest.raises(SiteDataError) as caught:
        load_pages(data, "pages.csv")
    assert expected in str(caught.value) and str(caught.value).startswith("pages.csv")
    assert caught.value.file == "pages.csv"


def test_missing_file_and_no_url_column(tmp_path):
    with pytest.raises(SiteDataError, match="file not found"):
        load_pages(tmp_path / "nope.csv")
    with pytest.raises(SiteDataError, match=r"pages.csv: no URL column found .*Name, Notes"):
        load_pages(csv_bytes(["Name", "Notes"], [["x", "y"]]), "pages.csv")
    with pytest.raises(SiteDataError, match=r'no "destination" column'):
        load_links(csv_bytes(["Source", "Anchor"], [["https://a.com/", "x"]]), "links.csv")


def test_garbage_rows_are_dropped_and_reported():
    text = ("Address,Title 1,Content\r\nhttps://a.com/one,One,text\r\n"
            "https://a.com/bad,Too,many,fields,here\r\nnot a url,Junk,junk\r\nhttps://a.com/two,Two,text\r\n")
    pages, report = load_pages(text.encode(), "pages.csv")
    assert pages["url"].tolist() == ["https://a.com/one", "https://a.com/two"]
    assert report.dropped_rows == [(3, "5 fields where the header has 3"),
                                   (4, 'column "Address": "not a url" is not a URL')]
    assert report.rows_read == 4


def test_nothing_usable_left_names_row_and_column():
    data = csv_bytes(["Address", "Title 1"], [["not a url", "x"], ["still not", "y"]])
    with pytest.raises(SiteDataError) as caught:
        load_pages(data, "pages.csv")
    message = str(caught.value)
    assert message.startswith('pages.csv, row 2, column "Address": "not a url" is not a URL')
    assert (caught.value.row, caught.value.column) == (2, "Address")


def test_huge_files_are_refused(monkeypatch, tmp_path):
    data = csv_bytes(["url"], [[f"https://a.com/{i}"] for i in range(10)])
    monkeypatch.setattr(sources, "MAX_BYTES", 100)
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    for source in (path, data):
        with pytest.raises(SiteDataError, match="too large"):
            load_pages(source, "big.csv")
    monkeypatch.setattr(sources, "MAX_BYTES", 10_000)
    monkeypatch.setattr(tables, "MAX_ROWS", 5)
    with pytest.raises(SiteDataError, match="more than 5 rows"):
        load_pages(data, "big.csv")


def test_a_links_export_may_have_more_rows_than_a_crawl(monkeypatch):
    """A QA pass: an All Inlinks export has a row for every link of every menu of every page (688,000 rows for an
    8,000-page shop with an 80-link menu, 125 MB) and was refused at the pages' limit: 'the table has more than
    500,000 rows; split the crawl or filter it first'. Its columns are held as codes: it has a limit of its own."""
    monkeypatch.setattr(tables, "MAX_ROWS", 5)
    rows = [["https://a.com/", f"https://a.com/{i}", f"page {i}"] for i in range(10)]
    for encoding in ("utf-8", "utf-16"):   # the low-memory read, and the text path
        data = csv_bytes(["Source", "Destination", "Anchor"], rows, encoding=encoding)
        links, _ = load_links(data, "all_inlinks.csv")
        assert len(links) == 10
        with pytest.raises(SiteDataError, match="more than 5 rows"):
            load_pages(csv_bytes(["Address", "Title 1"], [row[1:] for row in rows], encoding=encoding), "crawl.csv")
    book = openpyxl.Workbook()   # a workbook is read up to the crawl's limit: its refusal says to export a CSV
    for row in (["Source", "Destination", "Anchor"], *rows):
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    with pytest.raises(SiteDataError, match=r"all_inlinks.xlsx: the worksheet has more than 5 rows, the most read from "
                                            r"a workbook: export it as CSV \(up to 5,000,000 rows\)"):
        load_links(data.getvalue(), "all_inlinks.xlsx")


# --- column map -------------------------------------------------------------------------------------------

def test_column_map_maps_unknown_headers():
    headers = ["Seite", "Überschrift", "Haupttext"]
    data = csv_bytes(headers, [["https://a.com/x", "Kopf", "Ein Text"]])
    assert missing_page_fields(headers) == ["url", "content"]
    assert missing_page_fields(headers, {"url": "Seite"}) == ["content"]
    column_map = {"url": "Seite", "h1": "Überschrift", "content": "Haupttext", "title": ""}
    assert missing_page_fields(headers, column_map) == []
    pages, _ = load_pages(data, "seiten.csv", column_map=column_map)
    assert pages.loc[0, ["url", "h1", "content"]].tolist() == ["https://a.com/x", "Kopf", "Ein Text"]
    with pytest.raises(SiteDataError, match='seiten.csv, column "Missing": is not a column'):
        load_pages(data, "seiten.csv", column_map={"url": "Missing"})


def test_column_map_overrides_detection():
    data = csv_bytes(["Address", "Canonical", "Title 1"], [["https://a.com/x?ref=1", "https://a.com/x", "X"]])
    pages, _ = load_pages(data, "p.csv", column_map={"url": "Canonical"})
    assert pages.loc[0, "url"] == "https://a.com/x"


# --- real corpora -----------------------------------------------------------------------------------------

@pytest.mark.skipif(not DOCS_CORPUS.is_dir(), reason="docs corpus not present")
def test_docs_corpus_loads():
    site = load_site(DOCS_CORPUS / "pages.csv.gz", DOCS_CORPUS / "links.csv.gz")
    assert len(site.pages) == 497 and site.pages["is_target"].all()
    assert len(site.links) == 5126
    assert site.report.dropped_rows == [] and site.report.duplicates_merged == []


def test_sample_site_loads_and_content_anchors_stand_in_source_text():
    sample = REPO / "sample_data"
    site = load_site(sample / "pages.csv", sample / "inlinks.csv")
    assert site.pages["is_target"].sum() >= 40
    assert len(site.report.excluded) >= 3 and site.report.duplicates_merged
    content = site.links[site.links["position"] == "Content"]
    assert len(content) >= 40
    text = site.pages.set_index("url")["content"]
    missing = [(row.source, row.anchor) for row in content.itertuples() if row.anchor not in text[row.source]]
    assert missing == []
    targets = set(site.pages.loc[site.pages["is_target"], "url"])
    assert targets - set(site.links["destination"]), "the sample should leave some pages orphaned"


def test_title_line_of_older_exports_is_skipped_and_rows_still_numbered():
    text = ('"Internal - HTML"\r\nAddress,Title 1,Content\r\nhttps://a.com/x,X,text\r\n'
            'https://a.com/y,Y,a,b,c\r\nhttps://a.com/z,Z,text\r\n')
    pages, report = load_pages(text.encode(), "internal_html.csv")
    assert pages["url"].tolist() == ["https://a.com/x", "https://a.com/z"]
    assert report.dropped_rows == [(4, "5 fields where the header has 3")]


def test_headerless_url_list_gets_a_plain_hint():
    with pytest.raises(SiteDataError, match="first row holds URLs"):
        load_pages(b"https://a.com/x,Title\r\nhttps://a.com/y,Other\r\n", "urls.csv")


def test_unclosed_quote_trailing_delimiters_and_leading_blank_lines():
    with pytest.raises(SiteDataError, match=r'pages.csv, row 3: a quoted field is never closed'):
        load_pages(b'Address,Title 1\r\nhttps://a.com/x,X\r\n"https://a.com/y,Y\r\n', "pages.csv")
    pages, report = load_pages(b"Address,Title 1\r\nhttps://a.com/x,X,\r\nhttps://a.com/y,Y\r\n", "p.csv")
    assert len(pages) == 2 and report.dropped_rows == []
    pages, report = load_pages(b"\r\n\r\nAddress,Title 1\r\nhttps://a.com/x,X\r\nnope,Y\r\n", "p.csv")
    assert pages["url"].tolist() == ["https://a.com/x"] and report.dropped_rows[0][0] == 5


FUZZ_PIECES = ["https://a.com/x", "/rel", "not a url", ",", ";", "\t", '"', "\n", "\r\n", "Address", "URL",
               "Title 1", "Body 1", "Status Code", "301", "\x00", "é", " ", "Type", "Source", "Destination",
               "Hyperlink", "Anchor", "http://[::1", "https://a.com:99999/", "mailto:x", "//b.com", "#", "?q=1",
               "\r", "Жёлтый", "%7e", "/./../", "https://bücher.de/"]


@settings(max_examples=60, deadline=None)
@given(pieces=st.lists(st.sampled_from(FUZZ_PIECES), max_size=40),
       encoding=st.sampled_from(["utf-8", "utf-16", "utf-16-le", "cp1252", "cp1251"]))
def test_any_input_either_loads_or_raises_site_data_error(pieces, encoding):
    data = "".join(pieces).encode(encoding, errors="replace")
    for loader in (load_pages, load_links):
        try:
            frame, report = loader(data, "fuzz.csv")
        except SiteDataError as exc:
            assert str(exc).startswith("fuzz.csv")
        else:
            assert not frame.empty or loader is load_links
            assert report.file == "fuzz.csv"


def test_swapped_files_get_a_hint():
    with pytest.raises(SiteDataError, match="looks like a links export"):
        load_pages(csv_bytes(INLINK_HEADERS, [inlink("Hyperlink", "https://a.com/", "https://a.com/b")]), "p.csv")
    with pytest.raises(SiteDataError, match="looks like a page export"):
        load_links(sf_export(), "links.csv")


def test_very_long_page_text_survives_the_tolerant_parse():
    long_text = "word " * 40_000   # 200 KB in one field, beyond the csv module's default field limit
    text = f"Address,Content\r\nhttps://a.com/x,{long_text}\r\nhttps://a.com/y,a,b\r\n"
    previous = csv.field_size_limit(128 * 1024)   # as a fresh process has it (another test may have raised it):
    try:                                          # the header's read hit it before the limit was raised
        pages, report = load_pages(text.encode(), "p.csv")
    finally:
        csv.field_size_limit(previous)
    assert pages.loc[0, "word_count"] == 40_000 and report.dropped_rows == [(3, "3 fields where the header has 2")]


def test_a_plain_text_crawl_never_loads_the_html_parser():
    """lxml (and the HTML walker) are imported for a crawl whose text column holds HTML only; a plain-text crawl's
    import (the common case, and the speed benchmark's) does without them. In a fresh interpreter: the suite loads
    them elsewhere."""
    import subprocess
    import sys

    script = ("import sys\nfrom inlink.site.load import load_site\n"
              "pages = sys.argv[1].encode()\n"
              "load_site(pages, None, pages_name='pages.csv')\n"
              "print(sorted(m for m in ('lxml', 'inlink.site.html') if m in sys.modules))\n")
    crawl = "Address,Title 1,Content\nhttps://ex.com/a,A,Plain text about <a> tags and more words here.\n"
    out = subprocess.run([sys.executable, "-c", script, crawl], cwd=REPO, capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("url, says", [
    ("mailto:me@ex.com", '"mailto:me@ex.com" is not a URL of a web page (a mailto: link)'),
    ("javascript:void(0)", '"javascript:void(0)" is not a URL of a web page (a javascript: link)'),
    ("not a url", '"not a url" is not a URL'),
])
def test_a_link_that_is_no_page_url_says_what_it_is(url, says):
    """A links file's mailto: and ../x rows read only '"..." is not a URL' (an exploratory run)."""
    data = csv_bytes(["Source", "Destination", "Anchor"], [["https://a.com/x", url, "why"],
                                                           ["https://a.com/x", "https://a.com/y", "y"]])
    _, report = load_links(data, "links.csv", known_urls={"https://a.com/x", "https://a.com/y"})
    assert report.dropped_rows == [(2, f'column "Destination": {says}')]


def test_a_page_whose_title_h1_and_text_another_page_has_is_left_out_as_its_copy():
    """One page under two addresses (a folder and its index.html) was analysed as two pages, and each was suggested
    to the other at "similarity 1.00". The shortest address stays; the copy is left out, saying of which page. A page
    with the same text under another title is no copy, and neither are pages without text."""
    text = "Install the tool, then run it on a folder of notes."
    data = csv_bytes(["Address", "Title 1", "H1-1", "Content"], [
        ["https://a.com/guide/index.html", "Guide", "Guide", text],
        ["https://a.com/guide/", "Guide", "Guide", text],
        ["https://a.com/print/guide", "Guide (print)", "Guide", text],
        ["https://a.com/x", "Empty", "", ""], ["https://a.com/y", "Empty", "", ""]])
    pages, report = load_pages(data, "crawl.csv")
    reasons = dict(zip(pages["url"], pages["excluded_reason"]))
    assert reasons == {"https://a.com/guide/index.html": "copy of https://a.com/guide", "https://a.com/guide": "",
                       "https://a.com/print/guide": "", "https://a.com/x": "", "https://a.com/y": ""}
    assert ("https://a.com/guide/index.html", "copy of https://a.com/guide") in report.excluded   # (the trailing
    # slash is the importer's to drop: one spelling of each URL)


def test_a_copy_is_counted_as_a_copy_of_another_page_not_by_its_urls_scheme():
    """The report's and the saved dataset's count of pages left out cut each reason at its first colon, the one of
    the URL in "copy of https://a.com/guide": `suggest` printed "(copy of https: 1)"."""
    from inlink import uploads

    text = "Install the tool, then run it on a folder of notes."
    data = csv_bytes(["Address", "Title 1", "H1-1", "Content"], [
        ["https://a.com/guide/index.html", "Guide", "Guide", text], ["https://a.com/guide/", "Guide", "Guide", text],
        ["https://a.com/other", "Other", "Other", "Other words about the notes."]])
    _, report = load_pages(data, "crawl.csv")
    assert "1 page kept but never suggested as a link target (copy of another page: 1)." in report.summary_lines()
    assert uploads.summary_from(report)["left_out_reasons"] == {"copy of another page": 1}


def _framed_site(html: bool, framed: bool = True) -> bytes:
    """Twelve shop pages, each its own paragraph, in the site's menu and footer when `framed` (as an export of each
    page's whole body gives them), as plain text or as HTML."""
    topics = ["Trail Shoes", "Rain Jackets", "Camp Stoves", "Sleeping Bags", "Head Torches", "Water Filters",
              "Tent Pegs", "Dry Bags", "Hiking Poles", "Gaiters", "Shipping Policy", "Returns Policy"]
    menu, footer = ("Home Shop Trail Shoes Rain Jackets Camp Stoves Blog About us",
                    "Questions about an order? Read our Shipping Policy or our Returns Policy. Sign up for news.")
    words = "wet rock grip sole laces mud frost heel strap zip hood seam flame fuel pot lid down loft".split()
    rows = []
    for at, topic in enumerate(topics):
        own = f"{topic}: " + " ".join(random.Random(at).sample(words, 14)) + "."   # no page's words in another's order
        if html:
            text = f"<div><p>{menu}</p></div><div><h1>{topic}</h1><p>{own}</p></div><div><p>{footer}</p></div>"
        else:
            text = f"{menu} {topic} {own} {footer}" if framed else f"{topic} {own}"
        rows.append([f"https://shop.example/{topic.lower().replace(' ', '-')}", topic, topic, text])
    return csv_bytes(["Address", "Title 1", "H1-1", "Body HTML 1" if html else "Content"], rows)


def test_plain_text_that_holds_the_sites_menu_and_footer_is_said_with_what_to_export():
    """An export of each page's whole body as text: the same menu and footer on every page, between them the titles
    its menus name (title-exact anchors: the Python docs exported so had a high tier of 0.42 real links). Plain text
    cannot tell the frame from the page (HTML can: the engine leaves it out), so the report says so and what to do."""
    said = [line for line in site_import.load_site(_framed_site(html=False), pages_name="p.csv").report.warnings
            if "opens or ends with the same words" in line]
    assert len(said) == 1 and "100% of the pages" in said[0] and "Export each page's main content only" in said[0]
    for clean in (_framed_site(html=False, framed=False), _framed_site(html=True)):
        assert not [line for line in site_import.load_site(clean, pages_name="p.csv").report.warnings
                    if "same words" in line]


@pytest.mark.parametrize("framed, said", [(4, False), (5, True)])
def test_the_frame_is_said_when_half_of_the_pages_share_it(framed, said):
    """A run of words standing at the edge of half of the pages is a template's; on fewer, it is a phrase some pages
    share (a note on a few pages, a quotation)."""
    from inlink.site.page_frames import frame_warning

    footer = "Questions about an order? Read our Shipping Policy or our Returns Policy."
    texts = [" ".join(random.Random(at).sample("wet rock grip sole laces mud frost heel strap zip hood seam".split(), 10))
             + (f" {footer}" if at < framed else "") for at in range(10)]
    assert (frame_warning(texts) is not None) is said


def _shop_with_links_in_html() -> bytes:
    """Six pages whose HTML (an "Extract Inner HTML" keeps the <a> tags) links the next page by its title and names
    it again further on; one page also links itself, a fragment, another site, a mail address and a redirecting URL."""
    topics = ["Cold Brew Coffee", "Pour Over Technique", "Espresso Basics", "French Press Guide", "Coffee Grinders",
              "Milk Frothing"]
    slug = {topic: topic.lower().replace(" ", "-") for topic in topics}
    rows = []
    for at, topic in enumerate(topics):
        after = topics[(at + 1) % len(topics)]
        html = (f"<h1>{topic}</h1><p>{topic} explained. Pair it with <a href='/{slug[after]}'>{after}</a> for best "
                f"results; readers who like {after} also try {topics[(at + 2) % len(topics)]}.</p>")
        if at == 0:
            html += ("<p>See <a href='#brewing'>brewing</a>, <a href='https://shop.example/cold-brew-coffee'>this page"
                     "</a>, <a href='https://elsewhere.example/beans'>our roaster</a>, <a href='mailto:a@b.example'>"
                     "mail us</a> or <a href='old-grinders'>the grinder page</a>.</p>")
        rows.append([f"https://shop.example/{slug[topic]}", "200", "", topic, topic, html])
    rows.append(["https://shop.example/old-grinders", "301", "https://shop.example/coffee-grinders", "", "", ""])
    return csv_bytes(["Address", "Status Code", "Redirect URL", "Title 1", "H1-1", "Body HTML 1"], rows)


def test_the_links_a_pages_html_holds_are_the_sites_links_when_no_links_file_is_given():
    """Without a links file, the <a> tags of the pages' HTML were unknown links: each page was suggested the link it
    already had (the Python docs' main content with its links: 1,330 of 1,863 rows, 519 of the 710 high-tier ones).
    They are read as a links file's rows would be: resolved, normalised, through redirects."""
    site = site_import.load_site(_shop_with_links_in_html(), pages_name="shop.csv")
    pairs = set(zip(site.links["source"], site.links["destination"], site.links["anchor"]))
    base = "https://shop.example/"
    assert (base + "cold-brew-coffee", base + "pour-over-technique", "Pour Over Technique") in pairs
    assert (base + "milk-frothing", base + "cold-brew-coffee", "Cold Brew Coffee") in pairs
    assert (base + "cold-brew-coffee", base + "coffee-grinders", "the grinder page") in pairs   # through its redirect
    assert len({(s, d) for s, d, _a in pairs}) == 7 and set(site.links["position"]) == {"Content"}
    assert set(site.linked_text["anchor"]) == {"brewing", "this page", "our roaster", "mail us"}
    assert site.report.links_in_pages == 7 and any("read as the site's existing links" in w for w in site.report.warnings)
    given = site_import.load_site(_shop_with_links_in_html(), csv_bytes(["Source", "Destination"], [
        ["https://shop.example/cold-brew-coffee", "https://shop.example/milk-frothing"]]), pages_name="shop.csv",
        links_name="links.csv")
    assert list(zip(given.links["source"], given.links["destination"])) == [
        (base + "cold-brew-coffee", base + "milk-frothing")]   # a links file is the site's links: the HTML's are not read
    assert given.report.links_in_pages == 0
    outward = site_import.load_site(csv_bytes(["Address", "Title 1", "Body HTML 1"], [   # no link between pages
        ["https://shop.example/a", "A", "<p>Beans from <a href='https://elsewhere.example/'>our roaster</a>.</p>"],
        ["https://shop.example/b", "B", "<p>Grinders and scales.</p>"]]), pages_name="shop.csv")
    assert outward.links.empty and list(outward.linked_text["anchor"]) == ["our roaster"]
    assert outward.report.links_in_pages == 0 and not any("existing links" in w for w in outward.report.warnings)


def test_no_suggestion_repeats_a_link_the_pages_html_holds():
    from inlink.links.suggest import AnalysisConfig, analyze_page, build_index, source_pages

    site = site_import.load_site(_shop_with_links_in_html(), pages_name="shop.csv")
    index = build_index(site, AnalysisConfig(min_confidence=0.0))
    rows = [row for url in source_pages(index) for row in analyze_page(index, url)]
    slugs = ["cold-brew-coffee", "pour-over-technique", "espresso-basics", "french-press-guide", "coffee-grinders",
             "milk-frothing"]
    had = {(f"https://shop.example/{slug}", f"https://shop.example/{slugs[(at + 1) % 6]}") for at, slug in enumerate(slugs)}
    assert rows and not [row for row in rows if (row["Source"], row["Destination"]) in had]


def test_a_whole_pages_menu_links_are_links_the_page_has_out_of_its_content():
    """An export of each page's whole body with its links: the menu's links are the page's too (a links file says so
    with Link Position "Navigation"), so the pages they reach are linked already; their words are no anchor the
    editors chose, and no text of the content."""
    menu = "<nav><a href='/shipping-policy'>Shipping Policy</a> <a href='https://elsewhere.example/'>Roaster</a></nav>"
    rows = [[f"https://shop.example/{name}", name.replace("-", " ").title(),
             f"<body>{menu}<main><h1>{name}</h1><p>Our {name} page. See <a href='/boots'>Boots</a>.</p></main></body>"]
            for name in ("shoes", "boots", "shipping-policy")]
    site = site_import.load_site(csv_bytes(["Address", "Title 1", "Body HTML 1"], rows), pages_name="shop.csv")
    links = set(zip(site.links["source"], site.links["destination"], site.links["position"]))
    base = "https://shop.example/"
    assert (base + "shoes", base + "shipping-policy", "Navigation") in links
    assert (base + "shoes", base + "boots", "Content") in links
    assert "Roaster" not in set(site.linked_text["anchor"]) and "Shipping Policy" not in site.pages["content"][0]


def test_pages_in_a_script_without_spaces_between_words_are_said_in_the_import_report():
    """The engine's words are runs of letters between spaces: a page of Thai or Khmer is one long word to it, so
    such pages get few suggestions, and the report says so; a page of Japanese or Chinese is read a character a word
    (text.SOLO_CHARS) and is not counted, nor is an English page quoting a Thai word or two, or written with accents
    and typographic marks."""
    pages = [
        ("https://example.jp/a", "การตั้งค่า", "การตั้งค่าเครือข่ายทำได้ง่ายด้วยเครื่องมือนี้" * 5),
        ("https://example.jp/b", "ការកំណត់", "ការកំណត់បណ្តាញគឺងាយស្រួលជាមួយឧបករណ៍នេះ" * 5),
        ("https://example.jp/c", "ネットワークの設定", "ネットワークの設定は「Xサーバ接続」を参照して下さい。" * 5),
        ("https://example.jp/d", "网络设置", "网络设置可以使用这个工具轻松完成。" * 5),
        ("https://example.jp/e", "Tea — a café guide", "Café owners say “cha yen” (ชาเย็น) is a Thai iced tea."),
        ("https://example.jp/f", "Plain page", "Nothing but plain ASCII words in this page."),
    ]
    data = csv_bytes(SF_HEADERS, [sf_row(url, title, text) for url, title, text in pages])
    said = [line for line in load_site(data, pages_name="p.csv").report.warnings if "without spaces" in line]
    assert said == ["2 pages are written in a script without spaces between words (Thai, Lao, Khmer, Burmese, "
                    "Tibetan): the offline engine does not split such words, so these pages get few suggestions or "
                    "none."]
    english = csv_bytes(SF_HEADERS, [sf_row(url, title, text) for url, title, text in pages[2:]])
    assert not [line for line in load_site(english, pages_name="p.csv").report.warnings if "without spaces" in line]
