"""Import edges (issue 10 item 4) and the import report / refusal of `suggest` and `jobs start` (item 5).

Each edge was first reproduced with `python3 cli.py suggest FILE --out x.csv`; the message before the fix is
in the test's docstring.
"""
import codecs
import csv
import gzip
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from inlink import cli
from inlink.jobs.manager import JobManager
from inlink.site import charsets, urls
from inlink.site.load import (NothingToAnalyse, SiteDataError, load_links, load_pages, load_site, normalize_url,
                              read_table, require_analysable, sheet_names)
from inlink.site.load import sheet_choice
from inlink.wording import clipped

REPO = Path(__file__).resolve().parents[1]
HEADERS = ["Address", "Title 1", "Content"]
# Short texts written for these tests: letters each encoding must get right.
TEXTS = {
    "ru": "Добро пожаловать в нашу кофейню, где каждый глоток кофе особенный. Руководство по приготовлению "
          "объясняет, как приготовить эспрессо, фильтр-кофе и капучино. Свежая обжарка зёрен важна.",
    "pl": "Zażółć gęślą jaźń. Witamy w naszej kawiarni, gdzie każdy łyk kawy jest wyjątkowy. Przewodnik "
          "parzenia wyjaśnia, jak przygotować espresso. Źródło ziaren ma znaczenie: świeże palenie.",
    "cs": "Příliš žluťoučký kůň úpěl ďábelské ódy. Vítejte v naší kavárně, kde každý šálek kávy je výjimečný. "
          "Průvodce přípravou vysvětluje, jak připravit espresso. Čerstvě pražená zrna.",
    "fr": "Bienvenue dans notre café, où chaque gorgée est spéciale. Le guide d’infusion explique comment "
          "préparer un espresso. Des grains fraîchement torréfiés, la bonne température de l’eau.",
    "ja": "私たちのコーヒーショップへようこそ。一杯一杯のコーヒーが特別です。抽出ガイドでは、エスプレッソ、"
          "フィルターコーヒー、カプチーノの作り方を説明します。焙煎したての豆が大切です。",
}


def csv_bytes(rows, headers=HEADERS, encoding="utf-8", newline="\r\n") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def site_rows(text: str, count: int = 6) -> list[list[str]]:
    words = text.split(" ")
    return [[f"https://a.com/p{i}", " ".join(words[i:i + 3]), " ".join(words[i:] + words[:i])]
            for i in range(count)]


COFFEE = [["https://a.com/", "Home", "Welcome to the coffee shop. Read the brewing guide for espresso tips."],
          ["https://a.com/brewing", "Brewing guide", "The brewing guide explains espresso and filter coffee."],
          ["https://a.com/espresso", "Espresso", "Espresso needs a fine grind; see the brewing guide."]]


# --- line endings, bad cells, gzip ------------------------------------------------------------------------

def test_cr_only_line_endings_are_read():
    """Before: "Error: new-line character seen in unquoted field ..." without the file name."""
    rows = COFFEE + [["not a url", "Junk", "junk"]]
    pages, report = load_pages(csv_bytes(rows, newline="\r"), "mac.csv")
    assert pages["url"].tolist() == [row[0] for row in COFFEE]
    assert pages.loc[1, "content"] == COFFEE[1][2]
    assert report.dropped_rows == [(5, 'column "Address": "not a url" is not a URL')]


def test_cr_only_file_with_an_extra_field_takes_the_tolerant_parse():
    text = "Address,Content\rhttps://a.com/x,one\rhttps://a.com/y,a,b\rhttps://a.com/z,three\r"
    pages, report = load_pages(text.encode(), "mac.csv")
    assert pages["url"].tolist() == ["https://a.com/x", "https://a.com/z"]
    assert report.dropped_rows == [(3, "3 fields where the header has 2")]


def test_lone_carriage_returns_among_crlf_lines_are_line_breaks():
    text = "Address,Title 1,Content\r\nhttps://a.com/x,X,one\rhttps://a.com/y,Y,two\r\nhttps://a.com/z,Z,3\n"
    pages, report = load_pages(text.encode("cp1252"), "pasted.csv")
    assert pages["url"].tolist() == ["https://a.com/x", "https://a.com/y", "https://a.com/z"]
    assert report.dropped_rows == []


def test_headers_equal_once_trimmed_stay_apart_and_a_sheet_asked_of_a_csv_is_noted():
    table = read_table(b"Address,\tAddress,Title\nhttps://a.com/,https://b.com/,T\n", "p.csv", "Crawl")
    assert list(table.columns) == ["Address", "Address.1", "Title"]
    assert 'p.csv is a CSV file, not a workbook: the worksheet "Crawl" asked for was ignored' in table.attrs["notes"]


def test_a_nul_byte_drops_its_row_not_the_file():
    """Before: "looks like a binary file, not a CSV or XLSX table" for the whole file."""
    rows = [list(row) for row in COFFEE]
    rows[1][1] = "Brew\x00ing guide"
    pages, report = load_pages(csv_bytes(rows), "pages.csv")
    assert pages["url"].tolist() == ["https://a.com/", "https://a.com/espresso"]
    assert report.dropped_rows == [(3, 'column "Title 1": holds a NUL byte, which text never has (binary data '
                                       'or a damaged export)')]
    assert report.dropped_lines() == ['pages.csv, row 3, column "Title 1": holds a NUL byte, which text never '
                                      'has (binary data or a damaged export)']


def test_dropped_rows_are_listed_in_file_order():
    """Before: a NUL byte found by the reader (row 4) was listed before a bad URL found later (row 3)."""
    rows = [list(row) for row in COFFEE] + [["https://a.com/beans", "Beans", "Beans for espresso."]]
    rows[1][0], rows[2][2] = "not a url", "Espresso\x00 needs a fine grind."
    pages, report = load_pages(csv_bytes(rows), "pages.csv")
    assert [row for row, _ in report.dropped_rows] == [3, 4]
    links = csv_bytes([["nope", "https://a.com/", "home"], ["https://a.com/", "https://a.com/beans", "be\x00ans"],
                       ["https://a.com/beans", "https://a.com/", "home"]], headers=["Source", "Destination", "Anchor"])
    _, link_report = load_links(links, "inlinks.csv")
    assert [row for row, _ in link_report.dropped_rows] == [2, 3]


def test_a_links_file_note_names_its_file_once():
    """Before: "links.csv: links.csv was read as UTF-16 LE text ..." (the reader's notes name their file)."""
    links = csv_bytes([["https://a.com/", "https://a.com/brewing", "guide"]], headers=["Source", "Destination",
                                                                                       "Anchor"], encoding="utf-16-le")
    site = load_site(csv_bytes(COFFEE), links, pages_name="pages.csv", links_name="links.csv")
    assert any(line.startswith("links.csv was read as UTF-16 LE text") for line in site.report.warnings)
    assert not any("links.csv: links.csv" in line for line in site.report.summary_lines())


def test_every_row_bad_names_the_first_cell():
    rows = [[f"https://a.com/{i}", "x", "te\x00xt"] for i in range(2)]
    with pytest.raises(SiteDataError) as caught:
        load_pages(csv_bytes(rows), "pages.csv")
    assert (caught.value.file, caught.value.row, caught.value.column) == ("pages.csv", 2, "Content")


def test_a_few_damaged_bytes_in_utf8_drop_their_rows_and_keep_the_letters():
    rows = site_rows(TEXTS["ru"], 8)
    rows[3][1] = "@@"
    broken = csv_bytes(rows).replace(b"@@", b"\x81")
    pages, report = load_pages(broken, "pages.csv")
    assert pages["url"].tolist() == [row[0] for i, row in enumerate(rows) if i != 3]
    assert pages.loc[0, "content"] == rows[0][2]
    assert report.dropped_rows == [(5, 'column "Title 1": byte 0x81 cannot be read as UTF-8 text')]
    assert report.encoding == "UTF-8" and any("1 damaged byte" in line for line in report.warnings)



CUT_REASON = "the file ends {where}: it looks cut short, so the row is left out (export or download the file again)"


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])   # the low-memory reader and the text path
@pytest.mark.parametrize("gzipped", [False, True])
def test_a_file_cut_short_inside_a_quoted_text_leaves_out_only_its_last_row(encoding, gzipped):
    """Before: the last page was kept with its text stopping mid-word ("because leaving i") and nothing said
    (UTF-8), or the whole file was refused, its file named twice: "cannot be read as a table (pages.csv, row 5: a
    quoted field is never closed ...)" (any other encoding)."""
    rows = [row + ["café"] for row in COFFEE] + [["https://a.com/beans", "Beans", "Beans for espresso, ground fresh."]]
    whole = csv_bytes(rows[:3] + [rows[3] + [""]], headers=HEADERS + ["Note"], encoding=encoding)
    data = whole[:whole.index(b"ground")]                        # stops inside the last row's quoted text
    pages, report = load_pages(gzip.compress(data) if gzipped else data, "pages.csv")
    assert pages["url"].tolist() == [row[0] for row in COFFEE]
    assert pages.loc[2, "content"] == COFFEE[2][2]
    assert report.dropped_rows == [(5, 'column "Content": ' + CUT_REASON.format(where="inside this row's quoted "
                                                                                       "field"))]


def test_a_file_cut_short_between_fields_leaves_out_its_last_row_and_a_complete_file_keeps_every_row():
    """Before: the cut row was kept as a page whose URL stopped where the file did ("https://a.com/bea")."""
    whole = csv_bytes(COFFEE + [["https://a.com/beans", "Beans", "Beans for espresso."]], newline="\n")
    pages, report = load_pages(whole[:whole.index(b",Beans for")], "pages.csv")
    assert pages["url"].tolist() == [row[0] for row in COFFEE]
    assert report.dropped_rows == [(5, 'column "Title 1": ' + CUT_REASON.format(
        where="in the middle of this row (2 of its 3 fields)"))]
    complete, report = load_pages(whole.rstrip(b"\n"), "pages.csv")   # no final line break, nothing cut
    assert len(complete) == 4 and report.dropped_rows == []
    by_hand = b"Address,Title 1,Content\nhttps://a.com/,Home\nhttps://a.com/b,Beans"   # empty last fields left out
    pages, report = load_pages(by_hand, "pages.csv")
    assert pages["url"].tolist() == ["https://a.com/", "https://a.com/b"] and report.dropped_rows == []


def test_a_stray_quote_inside_a_quoted_field_names_its_row():
    """Before: "pages.csv: cannot be read as a table (',' expected after '"')", with no row."""
    text = ('Address,Title 1,Content\nhttps://a.com/,Home,"Welcome, friends"\n'
            'https://a.com/b,Brewing,"The "best" brew, hot"\nhttps://a.com/c,Cups,"Cups, mugs"\n')
    with pytest.raises(SiteDataError) as caught:
        load_pages(text.encode(), "pages.csv")
    assert (caught.value.file, caught.value.row) == ("pages.csv", 3)
    assert "inside a quoted field is not doubled" in str(caught.value) and "expected after" not in str(caught.value)


def test_a_second_byte_order_mark_before_the_header_is_no_part_of_its_name():
    """Before: "no URL column found ...; headers are: \ufeffAddress, ..." (two files pasted together)."""
    pages, _ = load_pages(b"\xef\xbb\xbf\xef\xbb\xbf" + csv_bytes(COFFEE), "pages.csv")
    assert pages["url"].tolist() == [row[0] for row in COFFEE]


def test_a_refusal_lists_the_headers_shortened():
    """Before: a file whose first line is 5,000 characters of no table was echoed back whole ("headers are:
    DDDD..."); and a wide export's headers after the twelfth were dropped without a word."""
    with pytest.raises(SiteDataError) as caught:
        load_pages(b"D" * 5000 + b"\nx\n", "junk.csv")
    assert ("headers are: " + "D" * 40 + "… (URLs under another header" in str(caught.value)
            and len(str(caught.value)) < 320)
    with pytest.raises(SiteDataError) as caught:
        load_links(csv_bytes([["a"] * 15], headers=[f"Field {i}" for i in range(15)]), "links.csv")
    assert "headers are: Field 0, Field 1, " in str(caught.value) and "Field 11 and 3 more" in str(caught.value)

@pytest.mark.parametrize("damage, expected", [
    (lambda data: data[:30] + bytes(b ^ 0x55 for b in data[30:60]) + data[60:], "the gzip data is damaged"),
    (lambda data: data[:len(data) // 2], "the gzip data is cut short"),
    (lambda data: data[:-8] + b"\0\0\0\0" + data[-4:], "the gzip data is damaged"),   # CRC
])
def test_damaged_gzip_is_named_as_such(damage, expected):
    """Before: "error: error: Error -3 while decompressing data: invalid bit length repeat"."""
    data = damage(gzip.compress(csv_bytes(COFFEE * 50)))
    with pytest.raises(SiteDataError) as caught:
        load_pages(data, "pages.csv.gz")
    assert str(caught.value).startswith(f"pages.csv.gz: {expected}")
    assert "download or export it again" in str(caught.value) and "Error -3" not in str(caught.value)


# --- encodings --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_detected(codec):
    """Before: "looks like a binary file ... (if it is UTF-16 text without a byte-order mark, save it as CSV
    UTF-8)", though the README lists UTF-16."""
    rows = site_rows(TEXTS["ru"])
    pages, report = load_pages(csv_bytes(rows, encoding=codec), "pages.csv")
    assert pages["content"].tolist() == [row[2] for row in rows]
    assert report.encoding == codec.upper().replace("-LE", " LE").replace("-BE", " BE")
    assert any("no byte-order mark; told by the zero byte" in line for line in report.warnings)


@pytest.mark.parametrize("lang, codec, label", [
    ("ru", "cp1251", "Windows-1251 (Cyrillic)"),
    ("ru", "koi8_r", "KOI8-R (Russian)"),
    ("pl", "iso8859_2", "ISO-8859-2 (Latin-2, Central European)"),
    ("pl", "cp1250", "Windows-1250 (Central European)"),
    ("cs", "iso8859_2", "ISO-8859-2 (Latin-2, Central European)"),
    ("cs", "cp1250", "Windows-1250 (Central European)"),
    ("fr", "cp1252", "Windows-1252 (Western European)"),
    ("ja", "shift_jis", "Shift_JIS (Japanese)"),
])
def test_legacy_encodings_are_detected_and_named_in_the_report(lang, codec, label):
    """Before: every non-UTF-8 file was read as Windows-1252 (Cyrillic and Latin-2 text turned to garbage)."""
    rows = site_rows(TEXTS[lang])
    pages, report = load_pages(csv_bytes(rows, encoding=codec), "legacy.csv")
    assert pages["content"].tolist() == [row[2] for row in rows]
    assert pages["title"].tolist() == [row[1] for row in rows]
    assert report.encoding == label
    assert any(f"read as {label} text (guessed by charset-normalizer" in line and "CSV UTF-8" in line
               for line in report.warnings)
    assert f"(text in {label})" in report.summary_lines()[0]


@pytest.mark.parametrize("text, codec", [
    ("Welcome to the kawa shop: źdźbło, łąka and żółć are the words of the day. Read the brewing guide.",
     "iso8859_2"),
    ("Čerstvě pražená káva z Etiopie. Mlýnek na espresso mele zrnka velmi jemně. Podívejte se také na našeho "
     "průvodce přípravou kávy.", "cp1250"),
    ("Frissen pörkölt kávé Etiópiából. Az eszpresszó darálónk nagyon finomra őrli a szemeket.", "iso8859_2"),
], ids=["Latin-2, few accents", "Czech, Windows-1250", "Hungarian, Latin-2"])
def test_a_few_accented_letters_still_decide_the_encoding(text, codec):
    """Before: a mostly English Latin-2 file was read as Korean (CP949: charset-normalizer drops the single-byte
    code pages once a CJK one decodes), a Czech one as Windows-1252 ("Èerstvì"), a Hungarian one as
    Windows-1257 ("kįvé"): every letter a letter, so nothing looked odd."""
    rows = site_rows(text)
    pages, report = load_pages(csv_bytes(rows, encoding=codec), "legacy.csv")
    assert pages["content"].tolist() == [row[2] for row in rows]
    assert "charset-normalizer" in " ".join(report.warnings)


def test_letters_found_only_far_into_the_file_still_decide_the_encoding():
    ascii_rows = [[f"https://a.com/en{i}", f"Page {i}", "plain words " * 40] for i in range(800)]
    late = site_rows(TEXTS["ru"], 4)
    data = csv_bytes(ascii_rows + late, encoding="cp1251")
    assert data.find(b"\xc4") > 300_000   # past the head the detector reads first
    pages, report = load_pages(data, "late.csv")
    assert pages["content"].iloc[-4:].tolist() == [row[2] for row in late]
    assert report.encoding == "Windows-1251 (Cyrillic)"


@pytest.mark.parametrize("lang, codec, label", [("fr", "cp1252", "Windows-1252 (Western European)"),
                                              ("pl", "cp1250", "Windows-1250 (Central European)")])
def test_a_file_of_utf8_and_legacy_lines_reads_each_line_in_its_own(lang, codec, label):
    """Two exports pasted together, one UTF-8, one in a code page: read whole in the code page its UTF-8 rows came
    out as "cafÃ©"; each line is now read in its own, and the report names both."""
    rows = site_rows(TEXTS[lang], 8)
    header = csv_bytes([])
    data = header + b"".join(csv_bytes([row], encoding="utf-8" if i % 2 else codec)[len(header):]
                             for i, row in enumerate(rows))
    pages, report = load_pages(data, "pasted.csv")
    assert pages["content"].tolist() == [row[2] for row in rows]
    assert report.encoding == f"UTF-8 and {label}"
    assert any(f"read as UTF-8 and {label} text (lines of both together, each read in its own" in line
               for line in report.warnings)


def test_a_legacy_file_whose_odd_line_happens_to_be_valid_utf8_is_no_mix():
    """A Ukrainian Windows-1251 file: a capital before "і" is valid UTF-8 ("Ві" reads "³"), so a short line may
    decode as UTF-8 by chance; the file stays one code page."""
    rows = [[f"https://a.com/{i}", "Ві", "Вітаю, Київ і Львів: кава і чай." * 3] for i in range(30)]
    found = charsets.detect_encoding(csv_bytes(rows, encoding="cp1251"))
    assert found.encoding == "cp1251" and found.fallback is None


@pytest.mark.parametrize("mark", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE], ids=["LE mark", "BE mark"])
@pytest.mark.parametrize("body, encoding, bad", [
    ("utf-8", "utf_8", [5, 17]),       # mostly UTF-8, two rows with a Windows-1252 byte
    ("cp1252", "cp1252", []),          # mostly Windows-1252, one UTF-8 row: read in Windows-1252, nothing dropped
], ids=["UTF-8 with Windows-1252 bytes", "Windows-1252 with a UTF-8 row"])
def test_a_utf16_mark_before_text_that_is_no_utf16_is_left_out(mark, body, encoding, bad):
    """Was: two bytes that read as a UTF-16 byte-order mark ("ÿþ", a converter's leftover) made the whole file UTF-16:
    every row garbled, "no URL column found". UTF-16 now takes the evidence of its zero bytes, a mark or not; the
    mark is left out and the file read in its own encoding, the rows with bytes it cannot read dropped with their
    row and column."""
    text = "La crème brûlée est un dessert français; le garçon a déjà payé à la caisse."
    rows = [[f"https://a.com/{i}", f"Café {i}", text] for i in range(30)]
    data = csv_bytes(rows, ["Address", "Title 1", "Content"], encoding=body)
    other = "cp1252" if body == "utf-8" else "utf-8"
    for row in ([5, 17] if body == "utf-8" else [9]):   # file rows (the header is row 1)
        data = data.replace(f",Café {row - 2},".encode(body), f",Café {row - 2},".encode(other))
    table = read_table(mark + data, "pages.csv")
    assert list(table.columns) == ["Address", "Title 1", "Content"]
    assert table.attrs["bad_rows"] == [(row, "byte 0xe9 cannot be read as UTF-8 text", "Title 1") for row in bad]
    kept = [row for row in rows if int(row[0].rsplit("/", 1)[1]) + 2 not in bad]
    assert table["Address"].tolist() == [row[0] for row in kept]
    assert table["Content"].eq(text).all()
    found = charsets.detect_encoding(mark + data)
    assert (found.encoding, found.skip) == (encoding, 2) and "were left out" in table.attrs["notes"][0]


@pytest.mark.parametrize("body", ["cp1252", "utf-8 and cp1252"])
def test_a_utf8_mark_before_text_that_is_no_utf8_is_left_out_and_said(body):
    """Was: a UTF-8 byte-order mark was trusted, so Windows-1252 text after it was read as UTF-8: every row with an
    accented letter dropped ("byte 0xe9 cannot be read as UTF-8 text") and the report named no encoding. The mark
    is evidence, not proof: the text is read in its own encoding and the report says the mark was left out."""
    rows = [[f"https://a.com/{i}", f"Café {i}", TEXTS["fr"]] for i in range(30)]
    data = csv_bytes(rows, HEADERS, encoding="cp1252")
    if body != "cp1252":   # two exports pasted together: UTF-8 lines and Windows-1252 ones
        data = csv_bytes(rows[:15], HEADERS) + csv_bytes(rows[15:], encoding="cp1252").split(b"\n", 1)[1]
    report = load_pages(codecs.BOM_UTF8 + data, "pages.csv")[1]
    table = read_table(codecs.BOM_UTF8 + data, "pages.csv")
    assert table.attrs["bad_rows"] == [] and table["Title 1"].tolist() == [row[1] for row in rows]
    assert table["Content"].eq(TEXTS["fr"]).all() and list(table.columns) == HEADERS
    assert "Windows-1252" in report.encoding
    assert any("opens with a UTF-8 byte-order mark, but its text is not UTF-8" in note for note in report.warnings)


def test_a_utf8_mark_before_utf8_with_a_damaged_byte_stays_utf8_and_says_so():
    rows = [[f"https://a.com/{i}", f"Café {i}", TEXTS["fr"]] for i in range(30)]
    data = codecs.BOM_UTF8 + csv_bytes(rows, HEADERS).replace(",Café 3,".encode(), ",Café 3,".encode("cp1252"))
    found = charsets.detect_encoding(data)
    assert (found.encoding, found.source) == ("utf_8_sig", "byte-order mark; UTF-8 with 1 damaged byte")
    table = read_table(data, "pages.csv")
    assert table.attrs["bad_rows"] == [(5, "byte 0xe9 cannot be read as UTF-8 text", "Title 1")]


def test_utf16_is_never_guessed_without_its_zero_bytes():
    """charset-normalizer named UTF-16 LE for a header after a few stray bytes, none of them zero."""
    found = charsets.detect_encoding(b'K\xd5",\x13A\x97\xc7v\xa8\xe0X\x92url,title\nhttps://a.com/,x\n')
    assert not found.encoding.startswith(("utf_16", "utf_32"))
    assert charsets.detect_encoding(codecs.BOM_UTF16_LE + "url,title\n".encode("utf-16-le")) == (
        "utf_16", "byte-order mark", None, 0)


def test_detect_encoding_says_how_it_knows():
    assert charsets.detect_encoding(b"\xef\xbb\xbfURL\r\n") == ("utf_8_sig", "byte-order mark", None, 0)
    assert charsets.detect_encoding("URL,Title\r\nhttps://a.com/,Café\r\n".encode()) == ("utf_8", "valid UTF-8", None, 0)
    assert charsets.detect_encoding("URL,Title\r\n".encode("utf-16-le")).encoding == "utf_16_le"
    found = charsets.detect_encoding(csv_bytes(site_rows(TEXTS["ru"]), encoding="cp1251"))
    assert found.encoding == "cp1251" and "charset-normalizer" in found.source and "Russian" in found.source


def test_utf8_files_are_not_copied_whole_to_be_checked():
    """Validation goes chunk by chunk: a file bigger than a chunk with a bad byte far in is still found."""
    data = csv_bytes([[f"https://a.com/{i}", "é" * 20, "x" * 200] for i in range(3000)])
    assert len(data) > 2 * charsets._CHUNK
    assert charsets.detect_encoding(data) == ("utf_8", "valid UTF-8", None, 0)
    damaged = data[:-100] + b"\xff" + data[-99:]
    assert charsets.detect_encoding(damaged).source == "UTF-8 with 1 damaged byte"


# --- URL normalisation ------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("https://a.com/%7ehome/x", "https://a.com/~home/x"),
    ("https://a.com/%7Ehome/x/", "https://a.com/~home/x"),
    ("https://a.com/a%2fb%3a", "https://a.com/a%2Fb%3A"),
    ("https://a.com/a/./b/../c", "https://a.com/a/c"),
    ("https://a.com/../../x/", "https://a.com/x"),
    ("https://Bücher.de/Straße", "https://xn--bcher-kva.de/Stra%C3%9Fe"),
    ("https://a.com/caf%c3%a9", "https://a.com/caf%C3%A9"),
    ("https://a.com/x/?b=2&a=%7e#top", "https://a.com/x?b=2&a=~"),
    ("https://user:pw@A.com:443/%7e/", "https://a.com/~"),
    ("https://a.com/a|b", "https://a.com/a%7Cb"),
])
def test_rfc3986_normalisation_with_the_trailing_slash_rule_on_top(raw, expected):
    """Before: %7e/%7E, /a/./b/../c and IDN hosts were left as they came, so equal pages did not meet."""
    assert normalize_url(raw) == expected
    assert normalize_url(expected) == expected


def test_equal_urls_written_differently_merge_into_one_page():
    rows = [["https://a.com/%7eguide/./brew/../espresso", "A", "text a"],
            ["https://a.com/~guide/espresso/", "B", "longer text b"],
            ["https://bücher.de/a", "C", "text c"], ["https://xn--bcher-kva.de/a", "D", "text d"]]
    pages, report = load_pages(csv_bytes(rows), "p.csv", site_hosts=["*"])
    assert sorted(pages["url"]) == ["https://a.com/~guide/espresso", "https://xn--bcher-kva.de/a"]
    assert len(report.duplicates_merged) == 2


@settings(max_examples=150, deadline=None)
@given(st.from_regex(r"(HTTPS?|https?)://[A-Za-z]{1,6}\.(com|org)(:[0-9]{1,4})?(/[A-Za-z0-9._~!$&'()*+,;=:@-]{0,6})"
                     r"{0,4}/{0,2}(\?[A-Za-z0-9=&/?;,:@]{0,8})?(#[a-z]{0,3})?", fullmatch=True))
def test_the_fast_path_agrees_with_the_library(url):
    """URLs with nothing for url-normalize to change skip it; forcing it must give the same form."""
    fast = normalize_url(url)
    original = urls._needs_rfc3986
    urls._needs_rfc3986 = lambda text: True
    try:
        assert normalize_url(url) == fast
    finally:
        urls._needs_rfc3986 = original


# --- workbooks with several sheets ------------------------------------------------------------------------

def two_sheet_workbook(path: Path, first_empty: bool = False) -> Path:
    workbook = openpyxl.Workbook()
    summary = workbook.active
    summary.title = "Summary"
    if not first_empty:
        summary.append(["Crawl summary"])
        summary.append(["Pages crawled", 3])
    crawl = workbook.create_sheet("Internal HTML")
    crawl.append(HEADERS)
    for row in COFFEE:
        crawl.append(row)
    workbook.save(path)
    return path


def test_workbook_sheets_are_listed_and_a_chosen_one_is_read(tmp_path):
    """Before: the first sheet's columns were offered for mapping with no word that other sheets exist."""
    path = two_sheet_workbook(tmp_path / "crawl.xlsx")
    assert sheet_names(path) == ["Summary", "Internal HTML"]
    assert sheet_names(path.read_bytes(), "crawl.xlsx") == ["Summary", "Internal HTML"]
    assert sheet_names(csv_bytes(COFFEE), "pages.csv") == []
    table = read_table(path, None, "Internal HTML")
    assert list(table.columns) == HEADERS and table.attrs["sheet"] == "Internal HTML"
    pages, report = load_pages(path, sheet="Internal HTML")
    assert pages["url"].tolist() == [row[0] for row in COFFEE]
    assert not any("worksheet" in line for line in report.warnings)


def test_a_workbook_is_read_from_its_first_visible_sheet_with_a_url_column_and_says_so(tmp_path):
    """Before: the first sheet was read whatever it held, and a summary sheet first was refused ("no URL column
    found in the worksheet "Summary""), though the crawl sat on the next sheet."""
    for path in (two_sheet_workbook(tmp_path / "crawl.xlsx"),
                 two_sheet_workbook(tmp_path / "empty_first.xlsx", first_empty=True)):
        pages, report = load_pages(path)
        assert pages["url"].tolist() == [row[0] for row in COFFEE]
        assert any(f'{path.name}: the worksheet "Internal HTML" was read, the first with the columns this file '
                   'needs (not the first, "Summary")' in line for line in report.warnings), report.warnings
        assert sheet_choice(path) == (["Summary", "Internal HTML"], "Internal HTML")
    assert sheet_choice(csv_bytes(COFFEE), "pages.csv") == ([], None)
    workbook = openpyxl.load_workbook(tmp_path / "crawl.xlsx")   # a hidden crawl first: the visible one is read
    hidden = workbook.copy_worksheet(workbook["Internal HTML"])
    hidden.title, hidden.sheet_state = "Old crawl", "hidden"
    hidden["A2"] = "https://old.example/"
    workbook.move_sheet(hidden, offset=-2)
    workbook.save(tmp_path / "hidden_first.xlsx")
    assert sheet_names(tmp_path / "hidden_first.xlsx")[0] == "Old crawl"
    assert load_pages(tmp_path / "hidden_first.xlsx")[0]["url"].tolist() == [row[0] for row in COFFEE]
    assert load_pages(tmp_path / "hidden_first.xlsx", sheet="Old crawl")[0]["url"].iloc[0] == "https://old.example/"
    notes = openpyxl.Workbook()   # no sheet holds a URL column: the first is read, and the refusal names the others
    notes.active.title = "Summary"
    notes.active.append(["Crawl summary"])
    notes.create_sheet("Charts").append(["Status", "Count"])
    notes.save(tmp_path / "notes.xlsx")
    with pytest.raises(SiteDataError, match=r'notes.xlsx: no URL column found in the worksheet "Summary" .*'
                                            r'other worksheets are "Charts": pick the one'):
        load_pages(tmp_path / "notes.xlsx")
    with pytest.raises(SiteDataError, match=r'has no worksheet "Links"; its worksheets are "Summary", "Internal'):
        load_pages(tmp_path / "crawl.xlsx", sheet="Links")



def links_workbook(path: Path) -> Path:
    """A links workbook whose links sit on its second sheet ("Links"), after a notes sheet."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["Exported by a crawler"])
    links = workbook.create_sheet("Links")
    links.append(["Source", "Destination", "Anchor"])
    links.append(["https://a.com/", "https://a.com/brewing", "brewing guide"])
    links.append(["https://a.com/espresso", "https://a.com/brewing", "the brewing guide"])
    workbook.save(path)
    return path


@pytest.mark.parametrize("name", ["pages.xlsx", "pages.xls"])
def test_text_saved_under_a_workbook_name_is_read_as_the_csv_it_is(name):
    """Exporters save CSV or tab-separated text as .xls / .xlsx: it was refused as "not a readable XLSX workbook"
    or "old Excel .xls workbooks are not supported"."""
    for data in (csv_bytes(COFFEE), csv_bytes(COFFEE).replace(b",", b"\t")):
        pages, report = load_pages(data, name)
        assert pages["url"].tolist() == [row[0] for row in COFFEE]
        assert any(f"{name} is named like an Excel workbook but holds text: it was read as a CSV file" in note
                   for note in report.summary_lines())
    with pytest.raises(SiteDataError, match="binary file"):         # no text, no workbook: refused as before
        load_pages(bytes(range(256)) * 8, name)


def test_a_links_workbook_is_read_from_the_chosen_sheet(tmp_path):
    """Before: load_links read a workbook's first sheet only (the dashboard handed over a one-sheet copy)."""
    book = links_workbook(tmp_path / "inlinks.xlsx")
    links, _ = load_links(book, sheet="Links")
    assert links[["source", "destination"]].values.tolist() == [["https://a.com/", "https://a.com/brewing"],
                                                                ["https://a.com/espresso", "https://a.com/brewing"]]
    site = load_site(csv_bytes(COFFEE), book, pages_name="p.csv", links_sheet="Links")
    assert site.report.links_kept == 2 and site.links["anchor"].tolist() == ["brewing guide", "the brewing guide"]
    site = load_site(csv_bytes(COFFEE), book, pages_name="p.csv")   # no sheet named: the one with the links
    assert site.report.links_kept == 2
    links, report = load_links(book)
    assert any('inlinks.xlsx: the worksheet "Links" was read, the first with the columns this file needs (not the '
               'first, "Notes"); the others are "Notes" (pick another worksheet if one of them holds the links: '
               '`--links-sheet NAME`' in line for line in report.warnings), report.warnings


def test_the_links_sheet_option_reaches_the_import_and_the_job(tmp_path):
    book = links_workbook(tmp_path / "inlinks.xlsx")
    pages = tmp_path / "pages.csv"
    pages.write_bytes(csv_bytes(COFFEE))
    result = run_cli("suggest", pages, "--links", book, "--links-sheet", "Links", "--out", tmp_path / "out.csv",
                     jobs_dir=tmp_path / "jobs")
    assert result.exit_code == 0, result.output
    assert "import: 2 link rows read, 2 existing links kept." in result.stderr
    result = run_cli("jobs", "start", pages, "--links", book, "--links-sheet", "Links", jobs_dir=tmp_path / "jobs")
    assert result.exit_code == 0, result.output
    meta = JobManager(tmp_path / "jobs", autostart=False).get(result.stdout.strip())
    assert meta["config"]["links_sheet"] == "Links"
    result = run_cli("suggest", pages, "--links", book, "--out", tmp_path / "out.csv", jobs_dir=tmp_path / "jobs")
    assert result.exit_code == 0 and 'the worksheet "Links" was read' in result.stderr
    assert "import: 2 link rows read, 2 existing links kept." in result.stderr


# --- hosts ------------------------------------------------------------------------------------------------

HOSTS_ROWS = [["https://a.com/", "Home", "Welcome to the coffee shop and its brewing guide."],
              ["https://a.com/brewing", "Brewing guide", "The brewing guide explains espresso."],
              ["https://blog.a.com/espresso", "Espresso", "Espresso needs the brewing guide."]]


def test_only_the_main_host_is_analysed_by_default():
    """Before: "page URLs span 2 hosts", then links were suggested across the hosts anyway."""
    site = load_site(csv_bytes(HOSTS_ROWS), pages_name="p.csv")
    assert site.report.hosts == ["a.com"]
    assert site.pages.set_index("url").loc["https://blog.a.com/espresso", "excluded_reason"] == \
        "on another host (blog.a.com)"
    assert any("only a.com is analysed: 1 page on another host is kept out" in line and
               "--same-site a.com,blog.a.com" in line for line in site.report.warnings)


def test_hosts_are_counted_in_pages_not_rows():
    """A URL repeated in the export is one page: the report said "www (40 pages)" where the Upload page's host picker
    said "(39 pages)", and a host of many repeated rows was analysed instead of the one with the most pages."""
    from inlink.site import scope

    rows = HOSTS_ROWS + [HOSTS_ROWS[2]] * 2
    site = load_site(csv_bytes(rows), pages_name="p.csv")
    assert site.report.hosts == ["a.com"]
    assert any("span 2 hosts (a.com (2 pages), blog.a.com (1 page)); only a.com is analysed: 1 page on another "
               "host is kept out" in line for line in site.report.warnings), site.report.warnings
    assert scope.page_hosts(site.pages["url"]) == {"a.com": 2, "blog.a.com": 1}


def test_hosts_said_to_be_one_site_are_analysed_together():
    site = load_site(csv_bytes(HOSTS_ROWS), pages_name="p.csv", site_hosts=["A.com", "https://blog.a.com/"])
    assert site.report.hosts == ["a.com", "blog.a.com"] and site.pages["is_target"].all()
    assert load_site(csv_bytes(HOSTS_ROWS), pages_name="p.csv", site_hosts=["*"]).pages["is_target"].all()
    with pytest.raises(SiteDataError, match=r"p.csv: the hosts given as one site include b.com, but no page URL "
                                            r"is on it; the pages are on a.com \(2 pages\), blog.a.com \(1 page\)"):
        load_site(csv_bytes(HOSTS_ROWS), pages_name="p.csv", site_hosts=["a.com", "b.com"])


# --- nothing to analyse -----------------------------------------------------------------------------------

SF_NO_TEXT = ["Address", "Content Type", "Status Code", "Indexability", "Title 1", "H1-1", "Word Count"]


def test_an_export_without_text_is_refused_with_what_to_do():
    """Before: "wrote 0 suggestions for 0 pages", exit 0, no reason."""
    data = csv_bytes([["https://a.com/", "text/html", "200", "Indexable", "Home", "Home", "120"],
                      ["https://a.com/b", "text/html", "200", "Indexable", "B", "B", "80"]], SF_NO_TEXT)
    site = load_site(data, pages_name="internal_html.csv")
    with pytest.raises(NothingToAnalyse) as caught:
        require_analysable(site)
    message = str(caught.value)
    assert message.startswith("internal_html.csv: no page can be analysed: the file has no body text column")
    assert "export the body text with a custom extraction" in message.lower()
    assert "cli.py fetch internal_html.csv" in message


def test_a_crawl_of_errors_and_files_says_so():
    rows = [["https://a.com/", "text/html", "404", "Non-Indexable", "", "", "0", "x"],
            ["https://a.com/b", "text/html", "404", "Non-Indexable", "", "", "0", "x"],
            ["https://a.com/c.pdf", "application/pdf", "200", "Indexable", "", "", "0", "x"]]
    site = load_site(csv_bytes(rows, SF_NO_TEXT + ["Content"]), pages_name="p.csv")
    with pytest.raises(NothingToAnalyse, match=r"p.csv: no page can be analysed: all 3 pages are kept out \(2 "
                                               r"with status 404, 1 not HTML\)\. Pages that did not answer 200"):
        require_analysable(site)


def test_a_page_with_status_0_is_said_not_fetched():
    """Crawlers (Screaming Frog, our fetcher) write status 0 when no answer came (robots.txt, a timeout): the report
    said "status 0: 1" and "2 with status 0"."""
    rows = [["https://a.com/", "text/html", "200", "Indexable", "", "", "9", "Welcome to the shop."],
            ["https://a.com/private/", "", "0", "Non-Indexable", "Private", "", "0", ""]]
    site = load_site(csv_bytes(rows, SF_NO_TEXT + ["Content"]), pages_name="p.csv")
    assert "1 page kept but never suggested as a link target (not fetched: 1)." in site.report.summary_lines()
    rows[0][2] = "0"
    with pytest.raises(NothingToAnalyse, match=r"all 2 pages are kept out \(2 not fetched\)\. Pages that did not "
                                               "answer 200"):
        require_analysable(load_site(csv_bytes(rows, SF_NO_TEXT + ["Content"]), pages_name="p.csv"))


def test_pages_that_could_be_analysed_but_have_empty_text():
    rows = [["https://a.com/", "Home", ""], ["https://a.com/b", "B", " "]]
    with pytest.raises(NothingToAnalyse, match=r'the 2 pages that could be have no body text \(the "Content" '
                                               r"column is empty for all of them\)"):
        require_analysable(load_site(csv_bytes(rows), pages_name="p.csv"))


# --- the CLI: report printed, refusals clear --------------------------------------------------------------

def run_cli(*args, jobs_dir):
    return CliRunner().invoke(cli.cli, ["--jobs-dir", str(jobs_dir), *map(str, args)], catch_exceptions=False)


def test_suggest_prints_the_import_report_with_dropped_rows(tmp_path):
    rows = COFFEE + [["not a url", "Junk", "junk"], ["https://other.org/x", "X", "espresso brewing guide"]]
    pages = tmp_path / "pages.csv"
    pages.write_bytes(csv_bytes(rows))
    result = run_cli("suggest", pages, "--out", tmp_path / "out.csv", jobs_dir=tmp_path / "jobs")
    assert result.exit_code == 0, result.output
    report = [line for line in result.stderr.splitlines() if line.startswith("import: ")]
    assert report[0] == "import: pages.csv: 5 rows read, 4 pages kept (text in UTF-8)."
    assert 'import:   pages.csv, row 5, column "Address": "not a url" is not a URL' in report
    assert any("only a.com is analysed" in line for line in report)
    assert "other.org" not in (tmp_path / "out.csv").read_text()
    assert result.stdout.startswith("wrote ")


def test_pages_without_titles_or_h1s_are_analysed_and_the_report_says_why_few_links_come(tmp_path):
    """Only an address and the text (a custom export): no page has a name to be linked by. The run used to fail
    on its first page (an IndexError in the confidence's word count, with no phrase at all in the site)."""
    pages = tmp_path / "urlcontent.csv"
    texts = ["We sell garden tools. Read our guide to pruning roses and our guide to composting at home. The best "
             "garden shears are reviewed here.",
             "Pruning roses is easy. Use garden shears and wear gloves. Composting at home helps roses grow.",
             "Composting at home turns waste into soil. Pruning roses creates clippings you can compost. Garden "
             "shears are useful.",
             "Garden shears are a must. Our guide to pruning roses explains how to use them. Composting at home is "
             "also covered."]
    pages.write_bytes(csv_bytes([[f"https://ex.com/{p}", text] for p, text in
                                 zip(("", "pruning-roses", "composting-at-home", "garden-shears"), texts)],
                                ["url", "content"]))
    out = tmp_path / "out.csv"
    result = run_cli("suggest", pages, "--out", out, jobs_dir=tmp_path / "jobs")
    assert result.exit_code == 0, result.output
    assert "import: No page has a title or an H1" in result.stderr
    assert result.stdout.startswith("wrote ") and " for 4 pages " in result.stdout and out.exists()

def test_a_title_and_blank_lines_above_the_column_names_are_skipped_in_csv_and_in_a_workbook():
    """A CSV with a title line and a blank line above its header, and a workbook with a title row, were refused:
    "no URL column found; headers are: Crawl report 2024"."""
    rows = [["https://a.com/", "Home", "Our espresso guide"], ["https://a.com/b", "Espresso Guide", "How to"],
            ["https://a.com/c", "Third", "x y z"]]
    headers = ["Address", "Title 1", "Content"]
    text = b"Crawl report 2024\r\n\r\n" + csv_bytes(rows, headers) + b"https://a.com/d,Bad,1,2\r\n"
    pages, report = load_pages(text, "titled.csv")
    assert pages["url"].tolist() == ["https://a.com/", "https://a.com/b", "https://a.com/c"]
    assert "titled.csv: 2 lines were above the column names, skipped" in report.warnings
    assert report.dropped_rows and report.dropped_rows[0][0] == 7     # the file's own row number
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["Internal - HTML"], [], headers, *rows):
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    pages, report = load_pages(data.getvalue(), "titled.xlsx")
    assert pages["url"].tolist() == ["https://a.com/", "https://a.com/b", "https://a.com/c"]
    assert "titled.xlsx: 2 rows were above the column names, skipped" in report.warnings

def test_several_title_lines_above_the_column_names_are_skipped_in_csv_and_in_a_workbook():
    """A QA pass: a report's name and its date above the header (two title lines, then a blank one) were refused,
    "no URL column found ...; headers are: Crawl report: a.com"; one title line was skipped, not two."""
    titles = [["Crawl report: a.com"], ["Exported 2024-05-01 10:00"], []]
    rows = [["https://a.com/", "Home", "Our espresso guide"], ["bad url", "Bad", "x"]]
    headers = ["Address", "Title 1", "Content"]
    text = b"Crawl report: a.com\r\nExported 2024-05-01 10:00\r\n\r\n" + csv_bytes(rows, headers)
    book = openpyxl.Workbook()
    for row in (*titles, headers, *rows):
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    for name, content in (("titled.csv", text), ("titled.xlsx", data.getvalue())):
        pages, report = load_pages(content, name)
        assert pages["url"].tolist() == ["https://a.com/"]
        assert report.dropped_rows[0][0] == 6     # the file's own row number
        assert any(note.startswith(f"{name}: 3 ") and "above the column names" in note for note in report.warnings)


def test_a_zipped_export_is_read_from_the_one_table_in_it():
    """A QA pass: an export zipped to download or mail it was refused as 'is not a readable XLSX workbook ("There is
    no item named '[Content_Types].xml' in the archive")', and the Upload page's picker refused a .zip."""
    rows = [["https://a.com/", "Home", "Our espresso guide"], ["https://a.com/b", "Espresso Guide", "How to"]]
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export/internal_html.csv", csv_bytes(rows, ["Address", "Title 1", "Content"]))
    pages, report = load_pages(packed.getvalue(), "internal_html.zip")
    assert pages["url"].tolist() == ["https://a.com/", "https://a.com/b"]
    assert "internal_html.zip is a zip archive: the table in it, export/internal_html.csv, was read" in report.warnings
    with zipfile.ZipFile(packed, "a") as archive:
        archive.writestr("all_inlinks.csv", b"Source,Destination\n")
    with pytest.raises(SiteDataError, match='internal_html.zip: is a zip archive holding "export/internal_html.csv" '
                                            'and "all_inlinks.csv": unzip it and give one CSV or XLSX file of it'):
        load_pages(packed.getvalue(), "internal_html.zip")


def test_excels_separator_line_above_the_column_names_is_skipped():
    """A QA pass: a CSV opening with Excel's separator line ("sep=;", written so that Excel splits the columns) was
    refused: 'no URL column found ...; headers are: sep=, Unnamed: 1'. So was a links file opening with "sep=,"."""
    rows = [["https://a.com/", "Home", "Our espresso guide"], ["https://a.com/b", "Espresso Guide", "How to"]]
    text = b"sep=;\r\n" + csv_bytes(rows, ["Address", "Title 1", "Content"]).replace(b",", b";")
    pages, report = load_pages(text, "excel.csv")
    assert pages["url"].tolist() == ["https://a.com/", "https://a.com/b"]
    assert "excel.csv: 1 line was above the column names, skipped" in report.warnings
    links, _ = load_links(b'"sep=,"\n' + csv_bytes([["https://a.com/", "https://a.com/b", "guide"]],
                                                   ["Source", "Destination", "Anchor"]), "links.csv")
    assert links.values.tolist() == [["https://a.com/", "https://a.com/b", "guide"]]

def test_suggest_and_jobs_start_refuse_an_export_without_text(tmp_path):
    pages = tmp_path / "internal_html.csv"
    pages.write_bytes(csv_bytes([["https://a.com/", "text/html", "200", "Indexable", "Home", "Home", "9"]],
                                SF_NO_TEXT))
    out = tmp_path / "out.csv"
    for args in (("suggest", pages, "--out", out), ("jobs", "start", pages)):
        result = run_cli(*args, jobs_dir=tmp_path / "jobs")
        assert result.exit_code == 1
        assert result.stderr.startswith("import: internal_html.csv: 1 row read, 1 page kept")
        errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
        assert errors == [line for line in errors if "no page can be analysed" in line and "`inlink fetch" in line]
        assert len(errors) == 1 and "Traceback" not in result.output and result.stdout == ""
    assert not out.exists()
    assert JobManager(tmp_path / "jobs", autostart=False).list_jobs() == []


def test_same_site_and_sheet_options_reach_the_job(tmp_path):
    book = two_sheet_workbook(tmp_path / "crawl.xlsx")
    result = run_cli("jobs", "start", book, "--sheet", "Internal HTML", "--same-site", "all",
                     jobs_dir=tmp_path / "jobs")
    assert result.exit_code == 0, result.output
    meta = JobManager(tmp_path / "jobs", autostart=False).get(result.stdout.strip())
    assert meta["config"]["sheet"] == "Internal HTML" and meta["config"]["site_hosts"] == ["*"]
    result = run_cli("jobs", "start", book, jobs_dir=tmp_path / "jobs")   # no --sheet: the sheet with the URLs
    assert result.exit_code == 0 and 'the worksheet "Internal HTML" was read' in result.stderr


def test_a_real_process_names_the_damaged_gzip_and_exits_1(tmp_path):
    data = gzip.compress(csv_bytes(COFFEE * 50))
    damaged = tmp_path / "pages.csv.gz"
    damaged.write_bytes(data[:30] + bytes(b ^ 0x55 for b in data[30:60]) + data[60:])
    env = {**os.environ, "INLINK_JOBS_DIR": str(tmp_path / "jobs")}
    done = subprocess.run([sys.executable, str(REPO / "cli.py"), "suggest", str(damaged), "--out",
                           str(tmp_path / "out.csv")], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 1
    assert done.stderr.startswith("error: pages.csv.gz: the gzip data is damaged (")
    assert done.stderr.count("error:") == 1 and "Traceback" not in done.stderr


def test_a_job_reads_the_chosen_sheet_and_links_across_hosts_said_to_be_one_site(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Summary"
    crawl = workbook.create_sheet("Crawl")
    crawl.append(HEADERS)
    for row in HOSTS_ROWS:
        crawl.append(row)
    book = tmp_path / "crawl.xlsx"
    workbook.save(book)
    from inlink.tasks import analysis as link_task

    manager = JobManager(tmp_path / "jobs", heartbeat_interval=0.2)
    manager.start()
    try:
        results = {}
        for hosts in (None, ["*"]):
            job = link_task.start_analysis(manager, book.read_bytes(), pages_name="crawl.xlsx", sheet="Crawl",
                                           site_hosts=hosts)
            meta = manager.wait(job, timeout=60)
            assert meta["status"] == "completed", meta["error"]
            assert meta["summary"]["import"]["hosts"] == (["a.com", "blog.a.com"] if hosts else ["a.com"])
            results[bool(hosts)] = set(manager.results_frame(job)["Destination"]) | \
                set(manager.results_frame(job)["Source"])
    finally:
        manager.shutdown(timeout=5)
    assert "https://blog.a.com/espresso" not in results[False]
    assert "https://blog.a.com/espresso" in results[True]


def test_dropped_link_rows_are_printed_with_the_links_file_name(tmp_path):
    pages, links = tmp_path / "pages.csv", tmp_path / "inlinks.csv"
    pages.write_bytes(csv_bytes(COFFEE))
    links.write_bytes(csv_bytes([["https://a.com/", "https://a.com/brewing", "brewing guide"],
                                 ["junk", "https://a.com/brewing", "x"],
                                 ["https://a.com/", "https://a.com/espresso", "espre\x00sso"]],
                                ["Source", "Destination", "Anchor"]))
    result = run_cli("suggest", pages, "--links", links, "--out", tmp_path / "o.csv", jobs_dir=tmp_path / "jobs")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert 'import:   inlinks.csv, row 3, column "Source": "junk" is not a URL' in lines
    assert 'import:   inlinks.csv, row 4, column "Anchor": holds a NUL byte, which text never has (binary data or ' \
           'a damaged export)' in lines


def test_a_link_through_a_redirect_is_a_link_to_the_page_it_ends_at():
    """A page linking /old-guide (301 -> /guide) already links /guide: the engine suggested that link again,
    with the very anchor the site uses. Screaming Frog's 3xx rows say where they go ("Redirect URL")."""
    headers = ["Address", "Status Code", "Redirect URL", "Title 1", "Content"]
    rows = [["https://a.com/", "200", "", "Home", "Welcome. Read our brewing guide before you buy."],
            ["https://a.com/guide", "200", "", "Brewing guide", "How to brew coffee at home, step by step."],
            ["https://a.com/old-guide", "301", "/older-guide", "", ""],          # a chain of two hops
            ["https://a.com/older-guide", "301", "https://a.com/guide", "", ""],
            ["https://a.com/loop", "302", "https://a.com/loop2", "", ""],
            ["https://a.com/loop2", "302", "https://a.com/loop", "", ""],
            ["https://a.com/back", "301", "https://a.com/", "", ""]]
    links = [["https://a.com/", "https://a.com/old-guide", "brewing guide"],
             ["https://a.com/guide", "https://a.com/loop", "loop"],
             ["https://a.com/", "https://a.com/back", "home"]]                    # a self link, once redirected
    site = load_site(csv_bytes(rows, headers), csv_bytes(links, ["Source", "Destination", "Anchor"]),
                     pages_name="p.csv", links_name="l.csv")
    assert sorted(zip(site.links["source"], site.links["destination"])) == [
        ("https://a.com/", "https://a.com/guide"), ("https://a.com/guide", "https://a.com/loop")]
    assert ("l.csv: 2 links go to a redirecting URL and count as a link to the page it redirects to, e.g. "
            "https://a.com/old-guide -> https://a.com/guide.") in site.report.summary_lines()
    without = load_site(csv_bytes([row[:2] + row[3:] for row in rows], headers[:2] + headers[3:]),
                        csv_bytes(links, ["Source", "Destination", "Anchor"]), pages_name="p.csv")
    assert ("https://a.com/", "https://a.com/old-guide") in set(zip(without.links["source"],
                                                                  without.links["destination"]))


def test_a_wide_export_reads_in_time_linear_in_its_columns():
    """A crawl export with 3,000 columns (custom extractions, every field ticked) took 2 min 42 s to read: each
    column asked for the whole block's size, which sums every column. Measured against a tenth as wide a file
    in the same run (the machine's load cancels out): linear is under 10x, the old read about 70x. CPU time, not
    the clock: on a machine with more runnable work than cores (load 13 on 2) a read waits for a core, and the
    clock counted the wait."""
    import time

    def wide(columns: int) -> bytes:
        headers = HEADERS + [f"Extra {i}" for i in range(columns)]
        return csv_bytes([row + [""] * columns for row in COFFEE * 20], headers)

    def seconds(data: bytes) -> float:
        start = time.process_time()
        assert len(load_pages(data, "wide.csv")[0]) == len(COFFEE)
        return time.process_time() - start
    narrow, broad = wide(100), wide(1000)
    seconds(narrow)                                    # warm: imports, pyarrow's first use
    # the best of three each: a loaded machine slows one read by 2-3x now and then, never all three
    assert min(seconds(broad) for _ in range(3)) < 30 * min(seconds(narrow) for _ in range(3))


def test_the_report_of_a_file_without_text_says_no_link_can_be_placed_in_its_pages():
    """It said "pages are matched on title, H1 and description only" just before the refusal "no page can be
    analysed": as if the file could be analysed another way."""
    pages, report = load_pages(b"Address,Title 1\nhttps://a.com/x,X\nhttps://a.com/y,Y\n", "notext.csv")
    assert any(w.startswith("No body text column found: without the pages' text no link can be placed in them")
               for w in report.warnings)
    assert "2 pages have no body text: no link is placed in them (a title and H1 still name a link target), e.g. " \
        "https://a.com/x, https://a.com/y." in report.summary_lines()
    assert not any("matched on title" in line for line in report.warnings + report.summary_lines())



def test_a_long_text_on_the_last_line_of_a_text_path_file_is_read():
    """Was: 'Error: field larger than field limit (131072)', naming no file (the csv module's default limit, met
    by row_breaks.cut_last_row before the tolerant parse raised it)."""
    before = csv.field_size_limit(131072)
    try:
        table = read_table(b"url,title\nhttps://a.com/,caf\xe9 " + b"a" * 200_000, "p.csv")   # latin-1: text path
    finally:
        csv.field_size_limit(before)
    assert table["title"].iloc[0].endswith("a" * 1000) and len(table) == 1


@pytest.mark.parametrize("title", ["Café".encode(), "Caf\xe9".encode("latin-1")])   # the low-memory reader, the text path
def test_a_header_line_of_too_many_columns_is_refused_before_it_is_parsed(monkeypatch, title):
    """Was: a header line of a million columns parsed for a minute, then the process aborted (std::bad_alloc),
    with no message. The limit is lowered here so the table stays small."""
    from inlink.site import tables
    monkeypatch.setattr(tables, "MAX_COLUMNS", 5)
    data = b"url,title,a,b,c,d\nhttps://a.com/," + title + b",1,2,3,4\n"
    with pytest.raises(SiteDataError, match=r"wide\.csv, row 1: the header line has 6 columns, more than the 5"):
        read_table(data, "wide.csv")
    monkeypatch.setattr(tables, "MAX_COLUMNS", 6)
    assert read_table(data, "wide.csv").shape == (1, 6)


_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
           + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)) + "]>")


def _workbook_with(member: str, change, pages: int = 1) -> bytes:
    """A small crawl workbook of `pages` rows with one of its XML members rewritten by `change` (its text -> the new
    text)."""
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    for page in range(pages):
        book.active.append([f"https://a.com/{page}" if page else "https://a.com/", "T", "Some text"])
    packed = io.BytesIO()
    book.save(packed)
    source, out = zipfile.ZipFile(packed), io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for entry in source.namelist():
            text = source.read(entry).decode()
            archive.writestr(entry, change(text) if entry == member else text)
    return out.getvalue()


@pytest.mark.parametrize("member, change", [
    ("xl/workbook.xml", lambda text: "<notxml"),
    ("xl/worksheets/sheet1.xml", lambda text: text[:len(text) // 2]),
    ("xl/worksheets/sheet1.xml", lambda text: _LAUGHS + text.split("?>", 1)[-1].replace("Some text", "&lol9;")),
    ("xl/workbook.xml", lambda text: _LAUGHS + text.split("?>", 1)[-1].replace('name="Sheet"', 'name="&lol9;"')),
])
def test_a_workbook_of_damaged_xml_or_an_entity_bomb_is_refused_naming_the_file(member, change):
    """Was: 'error: XMLSyntaxError: ...' / 'ParseError: limit on input amplification factor ... breached', naming
    no file (the XML parsers stop an entity expansion bomb; their SyntaxError was not caught)."""
    from inlink.site.tables import workbook_sheets
    data = _workbook_with(member, change)
    for read in (read_table, lambda data, name: workbook_sheets(data, name, fits=lambda headers: False)):
        with pytest.raises(SiteDataError, match=r"^bad\.xlsx: is not a readable XLSX workbook"):
            read(data, "bad.xlsx")   # workbook_sheets: the dashboard's picker reads each sheet's header


def test_a_megabyte_long_url_is_quoted_cut_in_the_report_and_in_refusals():
    """Was: the whole URL (2 MB) written into the import report (a links file's 'e.g.' of a link to no page) and into
    a row's refusal ('"xxxx..." is not a URL'), thus into the terminal, the dashboard and the job's files."""
    long = "https://a.com/" + "y" * 8_000   # within the longest URL read (MAX_URL_CHARS)
    pages = (b"url,title,content\nhttps://a.com/,Home,Some text\n" + b"y" * 300_000 + b",Bad,text\n"
             + b"y" * 8_000 + b",Bad,text\n")
    links = f"source,destination\nhttps://a.com/,{long}\n".encode()
    lines = load_site(pages, links, pages_name="p.csv", links_name="l.csv").report.summary_lines()
    assert any("e.g. https://a.com/yyy" in line for line in lines)
    assert any('"yyy' in line and "300,000 characters long" in line for line in lines)
    assert any('"yyy' in line and "is not a URL" in line for line in lines)
    assert max(map(len, lines)) < 1_000


@pytest.mark.parametrize("packed", [False, True], ids=["CSV", "gzipped CSV"])
def test_a_url_over_the_longest_read_drops_its_row_naming_file_row_and_column(packed):
    """Was: a URL cell of any length was read (a body text or a data: URI pasted into the URL column: megabytes)
    and held as a key of the analysis' tables. Now one over MAX_URL_CHARS drops its row, in the pages file and in
    the links file, reported with its row and column; a URL of exactly that length is read."""
    from inlink.site.urls import MAX_URL_CHARS

    at_limit = "https://a.com/" + "a" * (MAX_URL_CHARS - len("https://a.com/"))
    over = at_limit + "b"
    pages = csv_bytes([["https://a.com/", "Home", "Some text"], [over, "Long", "More text"],
                       [at_limit, "Limit", "Other text"]], ["Address", "Title 1", "Content"])
    links = csv_bytes([["https://a.com/", at_limit], [over, "https://a.com/"], ["https://a.com/", over]],
                      ["Source", "Destination"])
    if packed:
        pages, links = gzip.compress(pages), gzip.compress(links)
    site = load_site(pages, links, pages_name="p.csv", links_name="l.csv")
    assert sorted(site.pages["url"]) == ["https://a.com/", at_limit]
    assert list(zip(site.links["source"], site.links["destination"])) == [("https://a.com/", at_limit)]
    reasons = dict(site.report.dropped_rows)
    assert set(reasons) == {3, 4} and len(site.report.dropped_rows) == 3
    too_long = f"is {MAX_URL_CHARS + 1:,} characters long, longer than the {MAX_URL_CHARS:,} a URL may have"
    assert [reason for row, reason in site.report.dropped_rows if row == 3] == [
        f'column "Address": "{clipped(over)}" {too_long}: it is no page\'s address',
        f'l.csv: column "Source": "{clipped(over)}" {too_long}: it is no page\'s address']
    assert reasons[4] == f'l.csv: column "Destination": "{clipped(over)}" {too_long}: it is no page\'s address'


@pytest.mark.parametrize("member", ["pages.csv", "pages.csv.gz"])
def test_a_zipped_utf8_csv_is_read_by_the_low_memory_reader(monkeypatch, member):
    """Was: a zipped CSV always went to the text path, about ten times its unpacked size in memory: a 1 MB zip
    unpacking to 900 MB (within the 1 GB limit) ended in 'error: MemoryError' under a 4 GB limit, where the same
    file gzipped was read in 1 GB."""
    from inlink.site import tables

    def text_path(*args, **kwargs):
        raise AssertionError("the text path read the zipped CSV")

    monkeypatch.setattr(tables, "_read_csv", text_path)
    data = csv_bytes([["https://a.com/", "Home", "Our espresso guide"]], HEADERS)
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, gzip.compress(data) if member.endswith(".gz") else data)
    table = read_table(packed.getvalue(), "export.zip")
    assert table["Address"].tolist() == ["https://a.com/"]
    assert f"export.zip is a zip archive: the table in it, {member}, was read" in table.attrs["notes"]


def test_a_file_is_read_no_further_than_the_size_limit_whatever_its_stated_size(monkeypatch):
    """Was: `suggest /dev/zero` (a device sized 0; a pipe or a file growing after it was sized reads the same) read
    on until the memory ran out ('error: MemoryError'). The limit is lowered here so the read stays small."""
    from inlink.site import sources
    monkeypatch.setattr(sources, "MAX_BYTES", 3 << 20)
    with pytest.raises(SiteDataError, match=r"^zero: the file is too large \(3 MB; the limit is 3 MB\)"):
        read_table(Path("/dev/zero"))


def test_running_out_of_memory_while_reading_a_file_is_said_naming_it(monkeypatch):
    """Was: 'error: MemoryError:' naming no file (the text path holds about ten times the file: a 300 MB CSV of one
    long cell ran out under a 4 GB cap). The memory running out is simulated here."""
    from inlink.site import tables

    def out_of_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(tables.charsets, "to_utf8", out_of_memory)
    with pytest.raises(SiteDataError, match=r"^big\.csv: the memory ran out while reading it"):
        read_table(b"url,title\nhttps://a.com/,caf\xe9\n", "big.csv")   # latin-1: recoded to UTF-8 first


@pytest.mark.parametrize("stated", ["A1:C2", "A1:XFD1048576"])
def test_a_workbook_is_read_whole_whatever_size_its_sheet_states(stated):
    """Was: read-only openpyxl trusts a sheet's <dimension> element: one stating "A1:C2" over five rows was read as
    its first data row alone, with nothing said; one stating "A1:XFD1048576" padded each row to 16,384 cells."""
    sheet = "xl/worksheets/sheet1.xml"
    data = _workbook_with(sheet, lambda text: text.replace('<dimension ref="A1:C6"/>', f'<dimension ref="{stated}"/>'),
                          pages=5)
    assert f'<dimension ref="{stated}"/>' in zipfile.ZipFile(io.BytesIO(data)).read(sheet).decode()
    table = read_table(data, "crawl.xlsx")
    assert table["Address"].tolist() == ["https://a.com/"] + [f"https://a.com/{page}" for page in range(1, 5)]
    assert table.shape[1] == 3


def test_a_workbook_unpacking_past_the_limit_is_refused_before_it_is_read(monkeypatch):
    """Was: an 8 MB workbook whose worksheet XML unpacked to 5 GB was read on until the memory ran out (under a 4 GB
    cap). The limit is lowered here so the workbook stays small."""
    from inlink.site import workbooks
    data = _workbook_with("xl/worksheets/sheet1.xml", lambda text: text.replace("Some text", "word " * 20_000))
    monkeypatch.setattr(workbooks, "MAX_UNPACKED", 50_000)
    with pytest.raises(SiteDataError, match=r"^big\.xlsx: the workbook unpacks to \S+ MB, more than the \S+ MB read"):
        read_table(data, "big.xlsx")
    monkeypatch.setattr(workbooks, "MAX_UNPACKED", 200_000)
    assert len(read_table(data, "big.xlsx")) == 1


def test_jobs_start_reads_a_file_no_further_than_the_size_limit(monkeypatch, tmp_path):
    """Was: `jobs start /dev/zero` (or a 20 GB file) was read whole before the importer's limit was asked, until the
    memory ran out ('error: MemoryError'). The limit is lowered here so the read stays small."""
    from inlink.site import sources
    monkeypatch.setattr(sources, "MAX_BYTES", 3 << 20)
    result = run_cli("jobs", "start", "/dev/zero", jobs_dir=tmp_path / "jobs")
    assert result.exit_code == 1 and "zero: the file is too large (3 MB; the limit is 3 MB)" in result.output
    assert not list((tmp_path / "jobs").glob("*.json"))


def test_fetch_reads_a_source_file_no_further_than_the_size_limit(monkeypatch, tmp_path):
    """Was: `fetch FILE` read its source file whole (Path.read_bytes) whatever its size. The limit is lowered here."""
    from inlink.site import sources
    monkeypatch.setattr(sources, "MAX_BYTES", 1000)
    source = tmp_path / "urls.txt"
    source.write_bytes(b"https://site.invalid/\n" * 100)
    result = run_cli("fetch", source, "--out-pages", tmp_path / "p.csv", "--out-links", tmp_path / "l.csv",
                     jobs_dir=tmp_path / "jobs")
    assert result.exit_code == 1 and "urls.txt: the file is too large" in result.output
    assert not (tmp_path / "p.csv").exists()


def test_a_workbook_wider_than_the_column_limit_is_refused_naming_file_sheet_and_row(tmp_path):
    """Was: a CSV's header line of more than MAX_COLUMNS fields was refused, a workbook's was read whatever its width
    (up to Excel's 16,384 columns, every row's cells held as a list). Now the worksheet is refused by name, when read
    and when the dashboard's picker looks for the sheet holding the crawl; one of exactly MAX_COLUMNS is read."""
    from inlink.site.tables import MAX_COLUMNS

    def workbook(width: int) -> Path:
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("Crawl")
        sheet.append(["Internal - HTML"])   # a title row above the header: its row is named
        sheet.append(["Address", "Content"] + [f"Extra {column}" for column in range(width - 2)])
        sheet.append(["https://a.com/", "Some text"])
        path = tmp_path / f"wide_{width}.xlsx"
        book.save(path)
        return path

    wide = workbook(MAX_COLUMNS + 1)
    refusal = (rf'^wide_{MAX_COLUMNS + 1}\.xlsx, row 2: the worksheet "Crawl" has {MAX_COLUMNS + 1:,} columns, more '
               rf"than the {MAX_COLUMNS:,} read \(a crawl export has tens\): export fewer columns$")
    with pytest.raises(SiteDataError, match=refusal):
        read_table(wide)
    with pytest.raises(SiteDataError, match=refusal):
        sheet_choice(wide)
    table = read_table(workbook(MAX_COLUMNS))
    assert table.shape == (1, MAX_COLUMNS) and table["Address"].tolist() == ["https://a.com/"]


SIGN_IN_PAGE = ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Sign in\n | Crawler Cloud'
                '</title>\n</head>\n<body><form>Please sign in to download the export</form></body></html>\n')


@pytest.mark.parametrize("name, data", [
    ("pages.csv", SIGN_IN_PAGE.encode()),
    ("pages.xls", codecs.BOM_UTF8 + b"<html>\n<body><table><tr><td>Address</td><td>Title 1</td></tr>"
                  b"<tr><td>https://a.com/</td><td>Home</td></tr></table></body></html>\n"),
    ("pages.csv.gz", gzip.compress(b'<?xml version="1.0"?>\n' + SIGN_IN_PAGE.split("\n", 1)[1].encode())),
], ids=["a sign-in page saved as .csv", "an HTML table saved as .xls", "gzipped XHTML"])
def test_a_web_page_saved_as_a_table_is_refused_as_what_it_is(tmp_path, name, data):
    """Was: 'no URL column found (expected a header such as Address, URL or Page); headers are: <!DOCTYPE html>'
    (with a hint to name the URL column) for a download that saved a sign-in page, or a tool's "Excel" export
    that is an HTML table."""
    with pytest.raises(SiteDataError, match=rf"^{re.escape(name)}: is a web page \(HTML\).*not a table") as refused:
        load_pages(data, name)
    assert "Export the crawl again as CSV or XLSX" in str(refused.value)
    assert ('(its title: "Sign in | Crawler Cloud")' in str(refused.value)) == ("Sign in" in data.decode("latin-1")
                                                                               or name.endswith(".gz"))
    path = tmp_path / name
    path.write_bytes(data)
    result = run_cli("suggest", path, "--out", tmp_path / "out.csv", jobs_dir=tmp_path / "jobs")
    assert result.exit_code != 0 and "is a web page (HTML)" in result.output and "Traceback" not in result.output


def test_a_table_whose_first_header_names_html_is_no_web_page():
    rows = [["<p>Home page text</p>", "https://a.com/"]]
    assert len(read_table(csv_bytes(rows, ["html", "url"]), "p.csv")) == 1
    assert len(read_table(csv_bytes([rows[0][::-1]], ["url", "html"]), "p.csv")) == 1


SUMMARIES = {   # what stands above the column names, and how many lines that is
    "a summary row as wide as the header": ("Total URLs,2,,\n", 1),
    "a shorter summary row": ("Total URLs,2\n", 1),
    "a row of empty cells (a spreadsheet's blank row)": (",,,\n", 1),
    "a report's name, then summary rows": ("Crawl summary\nTotal URLs,2,,\nIndexable,2,,\n", 3),
}


@pytest.mark.parametrize("above, lines", SUMMARIES.values(), ids=SUMMARIES.keys())
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_summary_rows_above_the_column_names_are_skipped_in_csv(above, lines, delimiter):
    """Was: 'no URL column found ...; headers are: Total URLs, 2, Unnamed: 2, Unnamed: 3' (the summary row read
    as the header), or 'Unnamed: 0, Unnamed: 1 ...' for a blank spreadsheet row saved as commas."""
    text = above + "Address,Title 1,H1-1,Body 1\n" + "".join(f"https://a.com/{i},Coffee {i},Coffee,{TEXTS['fr'].replace(',', '')}\n"
                                                            for i in range(3))
    pages, report = load_pages(text.replace(",", delimiter).encode(), "pages.csv")
    assert pages["url"].tolist() == [f"https://a.com/{i}" for i in range(3)]
    assert f"pages.csv: {lines} line{' was' if lines == 1 else 's were'} above the column names, skipped" \
        in report.warnings


def test_summary_rows_above_the_links_header_are_skipped_and_data_rows_never_are():
    links = "Total links,2\nSource,Destination,Anchor\nhttps://a.com/,https://a.com/b,Bee\nhttps://a.com/b,https://a.com/,Home\n"
    assert len(load_links(links.encode(), "links.csv")[0]) == 2
    # headers named by the user (no header the detection knows): a data row that reads like a header stays a row
    data = "Name,Where,Text\nHome,https://a.com/,Home page\nPage,https://a.com/p,A page\n"
    pages, _ = load_pages(data.encode(), "pages.csv", column_map={"url": "Where", "content": "Text"})
    assert pages["url"].tolist() == ["https://a.com/", "https://a.com/p"]


def test_summary_rows_above_the_column_names_are_skipped_in_a_workbook():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (["Total URLs", 2], ["Address", "Title 1", "Body 1"], ["https://a.com/", "Coffee", TEXTS["fr"]]):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    pages, report = load_pages(buffer.getvalue(), "crawl.xlsx")
    assert pages["url"].tolist() == ["https://a.com/"] and "crawl.xlsx: 1 row was above the column names, skipped" \
        in report.warnings


LOCAL_EXPORTS = {   # a crawler's "Internal: HTML" and "All Inlinks" headers in the language it is set to
    "German": (["Adresse", "Inhaltstyp", "Statuscode", "Indexierbarkeit", "Titel 1", "Meta-Beschreibung 1", "H1-1",
                "Inhalt 1"], ["Typ", "Quelle", "Ziel", "Ankertext", "Linkposition"]),
    "French": (["Adresse", "Type de contenu", "Code HTTP", "Indexabilité", "Titre 1", "Meta Description 1", "H1-1",
                "Contenu 1"], ["Type", "Source", "Destination", "Texte d’ancrage", "Position du lien"]),
    "Spanish": (["Dirección", "Tipo de contenido", "Código de estado", "Indexabilidad", "Título 1",
                 "Meta descripción 1", "H1-1", "Contenido"], ["Tipo", "Origen", "Destino", "Texto de anclaje",
                                                              "Posición del enlace"]),
    "Italian": (["Indirizzo", "Tipo di contenuto", "Codice di stato", "Indicizzabilità", "Titolo 1",
                 "Meta Descrizione 1", "H1-1", "Testo"], ["Tipo", "Origine", "Destinazione", "Testo di ancoraggio",
                                                          "Posizione"]),
}


@pytest.mark.parametrize("pages_headers, links_headers", LOCAL_EXPORTS.values(), ids=LOCAL_EXPORTS.keys())
def test_exports_with_column_names_in_another_language_are_read(pages_headers, links_headers):
    """Was: 'no URL column found ...; headers are: Adresse, Inhaltstyp, Statuscode, Indexierbarkeit, Titel 1, ...'
    for a crawler set to German (its column names follow its language)."""
    rows = [[f"https://a.com/{i}", "text/html; charset=UTF-8", "200" if i else "404", "Indexable", f"Kaffee {i}",
             "Über Kaffee", f"Kaffee {i}", TEXTS["fr"]] for i in range(3)]
    pages, report = load_pages(csv_bytes(rows, pages_headers), "interne.csv")
    assert report.text_column == pages_headers[-1]
    assert pages.set_index("url").loc["https://a.com/1", ["title", "h1", "description", "content"]].tolist() == [
        "Kaffee 1", "Kaffee 1", "Über Kaffee", TEXTS["fr"]]
    assert pages.set_index("url")["is_target"].to_dict() == {"https://a.com/0": False, "https://a.com/1": True,
                                                             "https://a.com/2": True}
    links = [["Hyperlink", "https://a.com/1", "https://a.com/2", "Kaffee 2", "Content"],
             ["Hyperlink", "https://a.com/2", "https://a.com/1", "Kaffee 1", "Navigation"]]
    read = load_links(csv_bytes(links, links_headers), "links.csv")[0]
    assert read[["source", "destination", "anchor"]].values.tolist() == [
        ["https://a.com/1", "https://a.com/2", "Kaffee 2"], ["https://a.com/2", "https://a.com/1", "Kaffee 1"]]


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n\r\n", b" \n\t\n"],
                         ids=["no byte", "a UTF-8 mark alone", "a mark and blank lines", "white space"])
def test_an_empty_file_is_said_to_be_empty(data):
    """Was, for an empty file saved as "CSV UTF-8" (its byte-order mark alone): 'cannot be read as a table (No
    columns to parse from file)'."""
    with pytest.raises(SiteDataError, match=r"^pages.csv: the file is empty$"):
        load_pages(data, "pages.csv")


def test_a_file_of_column_names_alone_says_so():
    """Was: 'no pages found in the file', for the export of a crawl or filter that found nothing."""
    with pytest.raises(SiteDataError, match=r"^pages.csv: the file holds its column names but no rows under them: "
                                            r"export the pages again"):
        load_pages(b"Address,Title 1,Content\r\n\r\n", "pages.csv")
    with pytest.raises(SiteDataError, match=r"^links.csv: the file holds its column names but no rows under them: "
                                            r"export the links again"):
        load_links(b"Source,Destination,Anchor\n", "links.csv")


def test_word_counts_written_with_thousands_separators_are_read_whole():
    """A semicolon-separated export (decimal commas, "1.234" for a thousand and more): "1.234" words was read as
    1.234 and shown as 1; "1,234" was no number and counted again from the text."""
    text = "Adresse;Titel 1;Wortanzahl;Antwortzeit;Inhalt\n" + "".join(
        f"https://a.de/{i};Kaffee {i};{count};0,532;Ein Text über Kaffee\n"
        for i, count in enumerate(["1.234", "1,234", "12", "1 234 567", "1.5", ""]))
    pages = load_pages(text.encode(), "intern.csv")[0]
    assert pages["word_count"].tolist() == [1234, 1234, 12, 1234567, 1, 4]


@pytest.mark.parametrize("data", [b'[{"url": "https://a.com/", "title": "Home"}]\n', b'{"pages": [{"url": "x"}]}',
                                  b'\xef\xbb\xbf\n  [\n  {\n "Address": "https://a.com/"}]'])
def test_json_saved_as_a_table_is_refused_as_what_it_is(data):
    """Was: 'no URL column found ...; headers are: [{"url": "https://a.com/"' with a hint to name the URL column."""
    with pytest.raises(SiteDataError, match=r"^pages.csv: holds JSON, not a table: export the crawl as CSV or XLSX$"):
        load_pages(data, "pages.csv")
    assert len(read_table(b'{"a"},b\nhttps://a.com/,x\n', "odd.csv")) == 1   # a header cell in braces: a table


# ---------------------------------------------------------------- a second probe of bad inputs (each reproduced
# with `cli.py suggest FILE`; the message before the fix in each docstring)

def test_control_characters_in_one_page_do_not_make_the_file_binary():
    """400 BEL characters in one page's text (0.6% of the file's head): "looks like a binary file", the whole crawl
    refused. A binary file holds 10-60% of them."""
    rows = site_rows(TEXTS["fr"], 12)
    rows[0][2] = rows[0][2] + " \x07" * 400
    pages, report = load_pages(csv_bytes(rows), "pages.csv")
    assert len(pages) == 12 and report.dropped_rows == []
    with pytest.raises(SiteDataError, match="binary"):
        load_pages(bytes(range(256)) * 64, "pages.csv")


@pytest.mark.parametrize("data, said", [
    (b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
     b"<url><loc>https://a.com/</loc></url></urlset>", "is a sitemap (XML), not a crawl export: to analyse the "
                                                        "pages it lists, fetch them first"),
    (b"<sitemapindex><sitemap><loc>https://a.com/s.xml</loc></sitemap></sitemapindex>", "is a sitemap (XML)"),
    (b'<?xml version="1.0"?>\n<rss><channel></channel></rss>', "holds XML, not a table"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n" + b"x" * 500, "is a PDF document, not a table"),
])
def test_a_sitemap_xml_or_a_pdf_given_as_the_crawl_is_named(data, said):
    """Each was read as a table of one column and refused as 'no URL column found; headers are: <?xml version=...'
    (or '%PDF-1.4'), with no word of what the file is."""
    with pytest.raises(SiteDataError, match=re.escape(said)) as refused:
        load_pages(data, "crawl.csv")
    assert str(refused.value).startswith("crawl.csv: ")


def test_an_open_document_spreadsheet_and_an_empty_zip_are_named():
    """An .ods: 'is a zip archive holding "mimetype" and "content.xml": unzip it' (unzipping leads nowhere). An empty
    zip: "looks like a binary file"."""
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(SiteDataError, match=r"is an OpenDocument spreadsheet \(\.ods\): save it as XLSX or CSV"):
        load_pages(ods.getvalue(), "crawl.ods")
    empty = io.BytesIO()
    zipfile.ZipFile(empty, "w").close()
    with pytest.raises(SiteDataError, match="is an empty zip archive"):
        load_pages(empty.getvalue(), "crawl.zip")


def test_a_repeated_header_reads_the_column_that_holds_something_and_says_so():
    """Two "Content" columns, the first empty: refused as 'the "Content" column is empty for all of them' (the
    second never looked at). Two "Address" columns, the first empty: every row dropped as "the URL is empty"."""
    rows = site_rows(TEXTS["fr"], 6)
    data = csv_bytes([[url, title, "", text] for url, title, text in rows], ["Address", "Title 1", "Content",
                                                                              "Content"])
    pages, report = load_pages(data, "pages.csv")
    assert pages["content"].str.len().gt(0).all()
    assert 'The file has 2 columns named "Content" (columns 3 and 4): column 4 was read, the other ignored. ' \
           "Rename or remove the column not meant." in report.warnings
    data = csv_bytes([["", title, text, url] for url, title, text in rows], ["Address", "Title 1", "Content",
                                                                             "Address"])
    pages, report = load_pages(data, "pages.csv")
    assert len(pages) == 6 and report.dropped_rows == []
    assert any(line.startswith('The file has 2 columns named "Address" (columns 1 and 4): column 4 was read')
               for line in report.warnings)
    both = csv_bytes([[url, title, text, text] for url, title, text in rows], ["Address", "Title 1", "Content",
                                                                               "Content"])
    assert any("column 3 was read" in line for line in load_pages(both, "pages.csv")[1].warnings)   # the first


def test_the_url_column_mapped_to_another_field_is_said_as_such():
    """`--column content=Address`: 'no URL column found ... headers are: Address, ...' (the Address was there)."""
    data = csv_bytes(site_rows(TEXTS["fr"], 3))
    with pytest.raises(SiteDataError, match='the URL column "Address" is mapped to the field "content", so no '
                                            "column is left for the pages' URLs: map content to another column"):
        load_pages(data, "pages.csv", column_map={"content": "Address"})


def test_a_header_counted_in_the_files_head_says_at_least():
    """A 12,006-column header line was said to have "10,948 columns": only the line's part in the file's head was
    counted."""
    header = "Address,Title 1,Content," + ",".join(f"X{i}" for i in range(12_003))   # longer than the head
    data = (header + "\n" + "".join(f"https://a.com/p{i},Title {i},Text" + "," * 12_003 + "\n"
                                    for i in range(3))).encode()
    with pytest.raises(SiteDataError, match=r"the header line has at least [\d,]+ columns, more than the 10,000"):
        load_pages(data, "wide.csv")


@pytest.mark.parametrize("url, said", [
    ("https://a.com/a b.html", "is not a URL: it holds white space (a URL writes a space as %20)"),
    ("ftp://a.com/x", "is not a URL of a web page (ftp://: only http:// and https:// pages are read)"),
    ("not a url", 'is not a URL'),
])
def test_a_url_refused_says_why(url, said):
    """A space in a URL and an ftp:// address were each refused as a bare "is not a URL"."""
    with pytest.raises(SiteDataError) as refused:
        normalize_url(url)
    assert str(refused.value).endswith(said)


def test_page_urls_written_from_the_sites_root_are_said_with_the_host_they_are_read_on():
    """Half the page URLs written "/3.11/library/..." were read on the main host without a word (a links file's
    relative URLs are said)."""
    rows = site_rows(TEXTS["fr"], 6)
    for row in rows[:3]:
        row[0] = row[0].removeprefix("https://a.com")
    pages, report = load_pages(csv_bytes(rows), "pages.csv")
    assert sorted(pages["url"]) == [f"https://a.com/p{i}" for i in range(6)]
    assert "3 page URLs were written from the site's root (e.g. /p0): read on https://a.com" in report.warnings


def test_a_page_text_past_the_most_read_is_cut_at_a_word_and_said():
    """A crawl with a 42 MB cell took `suggest` to 1.8 GB (the engine holds arrays per token of a page): a page's
    text is read up to MAX_TEXT_CHARS, cut at a word, with its HTML blocks ended there, and the cut is said."""
    from inlink.site.pages import MAX_TEXT_CHARS

    long_words = "roasting " * (MAX_TEXT_CHARS // 9 + 5_000)
    rows = site_rows(TEXTS["fr"], 3) + [["https://a.com/long", "Long", long_words]]
    pages, report = load_pages(csv_bytes(rows), "pages.csv")
    text = pages.set_index("url").loc["https://a.com/long", "content"]
    assert len(text) <= MAX_TEXT_CHARS and text.endswith("roasting")
    assert f"1 page has more than {MAX_TEXT_CHARS:,} characters of text, the most read of a page: the rest was " \
           "left out (e.g. https://a.com/long)." in report.warnings
    html = "<h2>Roasting</h2><p>" + long_words + "</p><p>After the cut <code>kept_out</code>.</p>"
    pages, _ = load_pages(csv_bytes([["https://a.com/long", "Long", html]], ["Address", "Title 1", "Body HTML 1"]),
                          "pages.csv")
    page = pages.iloc[0]
    assert len(page["content"]) <= MAX_TEXT_CHARS and "After the cut" not in page["content"]
    assert all(end <= len(page["content"]) for _kind, _start, end in page["blocks"])
    assert page["code_spans"] is None or all(end <= len(page["content"]) for _start, end in page["code_spans"])
