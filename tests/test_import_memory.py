"""The importer's low-memory read: common CSV files go from their bytes straight into pandas (pyarrow reader),
with the same frame the text path gives; any other file takes the text path. (The figures: bench_import.py.)"""
from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path

import pandas as pd
import pytest

from inlink.site import arrow_csv, sources, tables

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT.parent / "shared/corpora/python-docs-3.11/pages.csv.gz"


@pytest.fixture
def text_path(monkeypatch):
    """read_table as it reads when the low-memory read is not taken."""
    def read(data: bytes, name: str) -> pd.DataFrame:
        with monkeypatch.context() as patch:
            patch.setattr(tables, "_read_plain_utf8", lambda *args, **kwargs: None)
            return tables.read_table(data, name)
    return read


def assert_same_table(fast: pd.DataFrame, slow: pd.DataFrame) -> None:
    """The same headers, cells, row numbers and notes; only where the strings live differs (Python strings
    from the low-memory read, Arrow ones from the text path's read_csv)."""
    assert all(isinstance(dtype, pd.StringDtype) for dtype in [*fast.dtypes, *slow.dtypes])
    pd.testing.assert_frame_equal(fast, slow, check_dtype=False)
    assert fast.attrs == slow.attrs


@pytest.mark.parametrize("data", [
    (ROOT / "sample_data" / "pages.csv").read_bytes(),
    (ROOT / "sample_data" / "inlinks.csv").read_bytes(),
    "\ufeffAddress;Title 1;;Title 1\r\nhttps://a.example/x;\"caf\u00e9\";e;\"two\nlines\"\r\n"
    "https://a.example/y;0012;;NaN\r\n".encode(),
    b"url,title\nhttps://a.example/1,one\n\nhttps://a.example/2,two\n\n",
    b"url,title\r\nhttps://a.example/1,one\r\n\r\nhttps://a.example/2,two\r\n",
    b'url,body html\nhttps://a.example/1,"<p>one</p>\n\n<p>two</p>"\nhttps://a.example/2,"\n\n<p>x</p>"\n',
], ids=["sample pages", "sample links", "BOM, semicolons, CRLF, odd headers", "blank lines (rows keep their "
        "numbers)", "blank CRLF line", "blank lines inside quoted HTML"])
def test_the_low_memory_read_gives_the_frame_of_the_text_path(data, text_path):
    fast = tables._read_plain_utf8(data, "crawl.csv")
    assert fast is not None
    fast_frame, slow_frame = tables.read_table(data, "crawl.csv"), text_path(data, "crawl.csv")
    assert_same_table(fast_frame, slow_frame)
    assert fast_frame.attrs == slow_frame.attrs


@pytest.mark.skipif(not DOCS.exists(), reason="docs corpus not available")
@pytest.mark.parametrize("name", ["pages.csv.gz", "pages_html.csv.gz"])
def test_the_docs_corpus_reads_the_same_either_way(text_path, name):
    """pages_html.csv.gz has blank lines inside its quoted HTML cells: it took the text path (12x the file at
    the read's peak) until blank lines were kept as blank rows."""
    data = (DOCS.parent / name).read_bytes()
    assert tables._read_plain_utf8(gzip.decompress(data), name) is not None
    assert_same_table(tables.read_table(data, name), text_path(data, name))


def test_a_gzipped_file_on_disk_is_streamed_with_rows_longer_than_a_block(tmp_path, text_path):
    """Read from its path with its gzip body unpacked on the way; a cell longer than the first block size
    (128 KiB) takes a larger block instead of the text path."""
    long_cell = "word " * 100_000   # 500 KB
    data = f'url,content\nhttps://a.example/1,"{long_cell}"\nhttps://a.example/2,short\n'.encode()
    path = tmp_path / "crawl.csv.gz"
    path.write_bytes(gzip.compress(data))
    assert tables._read_plain_utf8(path, path.name) is not None
    frame = tables.read_table(path)
    assert frame["content"].tolist() == [long_cell, "short"]
    assert_same_table(frame, text_path(data, path.name))


@pytest.mark.parametrize("data", [
    b"url,title\nhttps://a.example/1,o\x00ne\n",                              # a NUL byte
    b"url,title\nhttps://a.example/1,caf\xe9\n",                              # not UTF-8
    b"url,title\nhttps://a.example/1,one,extra\nhttps://a.example/2,\"two\n",  # ragged, a quote never closed
    b"url,title,h1\nhttps://a.example/1,one,extra,x\nhttps://a.example/2,two",  # ragged, the last row cut short
    b"Internal - HTML\nurl,title\nhttps://a.example/1,\"one\"x\n",              # a title line, a stray quote
], ids=["NUL", "Windows-1252", "ragged, unclosed quote", "ragged, cut short", "title line, stray quote"])
def test_files_the_low_memory_read_cannot_vouch_for_take_the_text_path(data):
    assert tables._read_plain_utf8(data, "crawl.csv") is None


_ROWS = "".join(f"https://a.example/{i},Page {i},Body {i}\n" for i in range(6))


@pytest.mark.parametrize("data", [
    b"Internal - HTML\nurl,title,h1\nhttps://a.example/1,one,x\n",
    ("Crawl of a.example\nExported 2024-05-01 10:00\n\nurl,title,body\n" + _ROWS).encode(),
    ("sep=,\r\nurl,title,body\r\n" + _ROWS.replace("\n", "\r\n")).encode(),
    b"url,title\rhttps://a.example/1,one\rhttps://a.example/2,two\r",
    ("url,title,body\n" + _ROWS + "https://a.example/x,Short\n" + _ROWS).encode(),
    ("url,title,body\n" + _ROWS + "https://a.example/x,A, comma,in the title\n" + _ROWS).encode(),
    ("url,title,body\n" + _ROWS.replace("\n", ",\n") + "https://a.example/x,y,z,,\n").encode(),
    ("url,title,body\n" + _ROWS + "   \n\n" + _ROWS).encode(),
    ("Report\nurl;title;body\n" + _ROWS.replace(",", ";") + "https://a.example/x;t;b;extra\n"
     + "https://a.example/y;\"two\nlines\";b\n").encode(),
    ("\ufeffInternal - HTML\r\nurl\ttitle\tbody\r\n" + _ROWS.replace(",", "\t").replace("\n", "\r\n")
     + "https://a.example/x\tt\n").encode(),
], ids=["title line", "report name, date and a blank line", "Excel's sep= line", "CR only", "a short row",
        "a row too long", "trailing delimiters", "a blank and a white-space line", "title line, long row, semicolons",
        "BOM, title line, tabs, short row"])
def test_odd_shaped_files_are_read_low_memory_with_the_frame_of_the_text_path(data, text_path):
    """Was: a title line above the header, ragged rows (short ones, a row with a field too many, trailing
    delimiters) or CR line endings sent a file to the text path, 14x the file at its peak for a 60 MB crawl. Such a
    file is now rewritten row by row as the common file (ragged.py) and read low-memory, with the same cells, row
    numbers, dropped rows and notes."""
    assert tables._read_plain_utf8(data, "crawl.csv") is not None
    assert_same_table(tables.read_table(data, "crawl.csv"), text_path(data, "crawl.csv"))


def test_a_first_row_too_long_is_dropped_and_reported_as_any_other_row():
    """The text path's tolerant parse cut a first row's extra fields without a word (pandas reads them as an index
    it is told not to have): "https://a.example/1" kept with its cells shifted. A ragged file's rows now all
    follow one rule."""
    data = b"url,title,body\nhttps://a.example/1,t,b,extra\nhttps://a.example/2,t,b\n"
    frame = tables.read_table(data, "crawl.csv")
    assert frame["url"].tolist() == ["https://a.example/2"]
    assert frame.attrs["bad_rows"] == [(2, "4 fields where the header has 3")]


def test_an_odd_shaped_gzipped_file_on_disk_is_read_as_it_streams(tmp_path, text_path):
    data = ("Internal - HTML\nurl,title,body\n" + _ROWS + "https://a.example/x,t,b,extra\n" + _ROWS).encode()
    path = tmp_path / "crawl.csv.gz"
    path.write_bytes(gzip.compress(data))
    frame = tables.read_table(path)
    assert frame.attrs["bad_rows"] == [(9, "4 fields where the header has 3")]
    assert_same_table(frame, text_path(data, path.name))


def test_a_gzip_body_is_unpacked_up_to_the_limit_only():
    packed = gzip.compress(b"x" * 5_000_000)
    with gzip.GzipFile(fileobj=io.BytesIO(packed)) as stream:
        assert len(sources._read_at_most(stream, 3_000_001)) == 3_000_001
    with gzip.GzipFile(fileobj=io.BytesIO(packed)) as stream:
        assert sources._read_at_most(stream, 10_000_000) == b"x" * 5_000_000


def test_a_table_over_the_row_limit_is_refused_without_the_text_path(monkeypatch):
    """A QA pass: a crawl over the row limit went from the low-memory read to the text path, which held the whole file
    (about ten times its size: 737 MB for a 76 MB crawl of 600,000 rows) only to refuse it."""
    monkeypatch.setattr(tables, "MAX_ROWS", 5)
    monkeypatch.setattr(tables, "_read_csv", lambda *args: pytest.fail("the text path read the file"))
    data = b"Address,Title 1\n" + b"".join(b"https://a.com/%d,Page %d\n" % (i, i) for i in range(10))
    with pytest.raises(tables.SiteDataError, match="crawl.csv: the table has more than 5 rows"):
        tables.read_table(data, "crawl.csv")


def test_without_pyarrow_the_text_path_reads_the_file(monkeypatch, text_path):
    data = (ROOT / "sample_data" / "pages.csv").read_bytes()
    expected = text_path(data, "pages.csv")

    def no_pyarrow(*args):
        raise ImportError("No module named 'pyarrow'")   # what "import pyarrow" raises where it is missing

    monkeypatch.setattr(arrow_csv, "_arrow_batches", no_pyarrow)
    assert tables._read_plain_utf8(data, "pages.csv") is None
    pd.testing.assert_frame_equal(tables.read_table(data, "pages.csv"), expected)


def _synthetic_crawl(pages: int) -> bytes:
    """A crawl export whose body text is nearly all of its bytes, like a real one (bench/synthetic_site.py)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from synthetic_site import generate_pages

    frame = generate_pages(pages)
    export = pd.DataFrame({"Address": frame["url"], "Title 1": frame["title"], "H1-1": frame["h1"],
                           "Word Count": "", "Content": frame["content"]})
    return export.to_csv(index=False).encode()


@pytest.fixture
def arrow_pool(monkeypatch):
    """A fresh Arrow memory pool as pyarrow's default and the reader's own, so its peak is this test's alone."""
    pyarrow = pytest.importorskip("pyarrow")
    before = pyarrow.default_memory_pool()
    pool = pyarrow.proxy_memory_pool(pyarrow.system_memory_pool())
    pyarrow.set_memory_pool(pool)
    monkeypatch.setattr(arrow_csv, "arrow_pool", lambda: pool)
    yield pool
    pyarrow.set_memory_pool(before)


@pytest.fixture
def crawl_file(tmp_path) -> Path:
    """The synthetic crawl, written before the arrow_pool fixture starts counting (pandas writes it with
    Arrow strings: megabytes of the pool's peak that are not the importer's)."""
    path = tmp_path / "crawl.csv"
    path.write_bytes(_synthetic_crawl(600))
    return path


def test_the_importer_never_holds_two_whole_copies_of_the_text(crawl_file, arrow_pool):
    """The live peak of load_pages (Python objects + Arrow buffers, counted by allocation, not by time) stays
    under 3x the file: the body text is never held as Arrow and Python strings at once, nor raw and cleaned
    at once. Before the column-by-column conversion this was 4.7x."""
    from inlink.site.load import load_pages

    load_pages(ROOT / "sample_data" / "pages.csv")   # modules loaded on first use are not the file's cost
    path = crawl_file
    (pages, _), python_peak = _traced(load_pages, path)
    assert len(pages) == 600 and pages["content"].dtype == object
    assert (python_peak + arrow_pool.max_memory()) / path.stat().st_size <= 3.0


def test_an_odd_shaped_crawl_peaks_under_3x_its_size(tmp_path, arrow_pool):
    """Was 14x (bench_import.py, 60 MB): a title line and ragged rows sent the file to the text path."""
    from inlink.site.load import load_pages

    load_pages(ROOT / "sample_data" / "pages.csv")   # modules loaded on first use are not the file's cost
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_import import odd_shaped

    path = tmp_path / "crawl.csv"
    path.write_bytes(odd_shaped(_synthetic_crawl(600).decode()).encode())
    (pages, report), python_peak = _traced(load_pages, path)
    assert len(pages) > 550 and any("6 fields where the header has 5" in row[1] for row in report.dropped_rows)
    assert (python_peak + arrow_pool.max_memory()) / path.stat().st_size <= 3.0


def _traced(load, path):
    """(load(path), the peak of Python allocations while it ran)."""
    import tracemalloc

    tracemalloc.start()
    try:
        result = load(path)
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _synthetic_links(rows: int, pages: int) -> bytes:
    """An "All Inlinks"-style export: many short strings that repeat (bench/bench_import.py's generator)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_import import synthetic_links

    return synthetic_links(rows, pages)


def test_the_links_importer_keeps_codes_not_a_string_per_cell(tmp_path, arrow_pool):
    """The live peak of load_links stays under 3x the file: its columns are held as codes into their distinct
    values (inlink/site/coded.py), not one Python string per cell. Before, 100k rows took 3.2x (500k: 3.4x)."""
    from inlink.site.load import load_links

    load_links(ROOT / "sample_data" / "inlinks.csv")   # modules loaded on first use are not the file's cost
    path = tmp_path / "inlinks.csv"
    path.write_bytes(_synthetic_links(60_000, 6_000))
    (links, report), python_peak = _traced(load_links, path)
    assert report.links_read == 60_000 and len(links) == report.links_kept > 0
    assert list(links.columns) == ["source", "destination", "anchor", "position"]
    assert (python_peak + arrow_pool.max_memory()) / path.stat().st_size <= 3.0


def test_the_heaps_are_trimmed_every_few_megabytes_of_input(monkeypatch):
    """The importer hands freed memory back as it goes (inlink/site/heap.py): once per TRIM_EVERY bytes."""
    from inlink.site import heap

    calls = []
    monkeypatch.setattr(heap, "_malloc_trim", lambda: calls.append)
    trimmer = heap.HeapTrimmer(every=1000)
    for _ in range(25):
        trimmer.processed(100)
    assert calls == [0, 0]


def test_trimming_is_a_no_op_without_glibc(monkeypatch):
    from inlink.site import heap

    monkeypatch.setattr(heap, "_malloc_trim", lambda: None)
    heap.HeapTrimmer(every=1).processed(10)   # nothing to call, nothing raised


@pytest.mark.parametrize("body", [b"", b"https://a.example/1,one\n", b"https://a.example/1,one\n" * 20_000,
                                  b"https://a.example/1,one\n\n" * 5_000 + b"https://a.example/2,two",
                                  b"https://a.example/1,\n,\n" * 9_000],
                         ids=["header only", "one row", "many blocks", "blank lines, no last line break",
                              "empty cells and blank rows"])
@pytest.mark.parametrize("packed", [False, True], ids=["plain", "gzipped"])
def test_the_block_by_block_read_gives_the_frame_of_the_text_path(tmp_path, text_path, body, packed):
    """Short columns converted block by block (each block's new values only) and blank rows told from the
    codes of their empty cells: the same frame as the text path, from a file's path, plain or gzipped."""
    data = b"url,title\n" + body
    path = tmp_path / ("links.csv.gz" if packed else "links.csv")
    path.write_bytes(gzip.compress(data) if packed else data)
    assert tables._read_plain_utf8(path, path.name) is not None
    frame = tables.read_table(path)
    assert len(frame) == body.count(b"https")
    assert_same_table(frame, text_path(data, path.name))


def test_a_small_file_is_read_in_small_blocks_sized_by_its_unpacked_text(tmp_path):
    """About 1/64 of the text (64 KiB to 1 MiB), a gzip body by the size its trailer gives."""
    data = b"url,title\n" + b"https://a.example/1,one\n" * 500_000   # 12 MB
    plain, packed = tmp_path / "a.csv", tmp_path / "a.csv.gz"
    plain.write_bytes(data)
    packed.write_bytes(gzip.compress(data))
    assert arrow_csv.text_size(plain) == arrow_csv.text_size(packed) == arrow_csv.text_size(data) == len(data)
    assert arrow_csv.text_size(gzip.compress(data)) == len(data)
    assert arrow_csv._block_sizes(packed)[0] == arrow_csv._block_sizes(data)[0] == 1 << 18
    assert arrow_csv._block_sizes(b"url\nx\n")[0] == 1 << 16
    assert arrow_csv._block_sizes(b"u" * 500_000_000)[0] == 1 << 20


def test_categories_give_the_short_columns_as_codes_with_the_same_cells(tmp_path):
    """read_table(categories=True), the links importer's read: a short column as a Categorical of its distinct
    values, the same cells as the strings of the default read; long text columns stay strings."""
    data = _synthetic_links(3_000, 300) + b"".join(
        b"Hyperlink,https://a.example/x,https://a.example/y,%s,Content\n" % (b"long anchor " * 30) for _ in range(3))
    path = tmp_path / "links.csv"
    path.write_bytes(data)
    strings, coded = tables.read_table(path), tables.read_table(path, categories=True)
    assert all(isinstance(coded[column].dtype, pd.CategoricalDtype) for column in coded.columns)
    assert coded["Source"].cat.categories.dtype == object   # Python strings, never Arrow ones
    pd.testing.assert_frame_equal(coded.astype(object), strings.astype(object))
    long_text = b"url,content\n" + b"".join(b"https://a.example/%d,%s\n" % (i, b"word " * 100) for i in range(50))
    assert isinstance(tables.read_table(long_text, "p.csv", categories=True)["content"].dtype, pd.StringDtype)


@pytest.mark.skipif(not DOCS.exists(), reason="docs corpus not available")
def test_the_docs_corpus_links_file_peaks_under_3x_its_text(arrow_pool):
    """The small file of bench_import.py (0.6 MB unpacked) whose fixed costs dominated: 7.3x resident, 3.1x
    live (a pandas Index of its URLs made Arrow strings; every block's Arrow dictionaries were kept to the
    end, and the columns were factorized again from a string per cell)."""
    from inlink.site.load import load_links

    load_links(ROOT / "sample_data" / "inlinks.csv")   # modules loaded on first use are not the file's cost
    path = DOCS.parent / "links.csv.gz"
    (links, _), python_peak = _traced(load_links, path)
    assert len(links) == 5126
    assert (python_peak + arrow_pool.max_memory()) / len(gzip.decompress(path.read_bytes())) <= 3.0


def test_a_gzipped_file_in_a_zip_is_unpacked_without_its_packed_copy(tmp_path):
    """Was: the .gz member was read out of the archive whole, then unpacked, so its packed and unpacked copies were
    in memory at once (a zip of a 300 MB crawl.csv.gz held both). Random text packs poorly: the packed copy is most
    of the unpacked size, so holding it shows in the peak."""
    import base64
    import os
    import tracemalloc
    import zipfile

    text = b"url,body\n" + b"".join(b"https://a.example/%d,%s\n" % (i, base64.b64encode(os.urandom(3000)))
                                    for i in range(2000))
    packed = gzip.compress(text)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as out:
        out.writestr("crawl.csv.gz", packed)
    data = archive.read_bytes()
    tracemalloc.start()
    try:
        unpacked, inner = sources.unzip(data, "export.zip")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert inner == "crawl.csv.gz" and unpacked == text
    assert len(packed) > 0.7 * len(text)
    assert peak < len(text) + len(packed) / 2


def _accented(crawl: bytes) -> str:
    """The crawl's text with accented letters in its titles and body, so that a code page differs from UTF-8."""
    return crawl.decode().replace("lo", "ló").replace("ser", "sér")


@pytest.fixture(scope="module")
def accented_crawls() -> tuple[str, str]:
    """A small and a large crawl with accented letters (the large one 18 MB: detection costs a fixed ~14 MB),
    made before the arrow_pool fixture starts counting (see crawl_file)."""
    return _accented(_synthetic_crawl(20)), _accented(_synthetic_crawl(3000))


@pytest.mark.parametrize("encode", [
    lambda text: text.encode("cp1252"),
    lambda text: text.encode("utf-16"),
    lambda text: text.encode().replace("ló".encode(), b"l\xf3", 40),    # UTF-8 with a few Windows-1252 bytes
], ids=["Windows-1252", "UTF-16", "damaged UTF-8"])
def test_a_file_in_another_encoding_peaks_under_3x_its_size(tmp_path, accented_crawls, arrow_pool, encode):
    """Was: any file that is not valid UTF-8 took the text path, which held the bytes, the decoded text, a StringIO
    copy and the parser's buffers at once: 12x the file (a 62 MB Windows-1252 crawl took 750 MB). It is now recoded
    to UTF-8 and read by the low-memory reader."""
    from inlink.site.load import load_pages

    warm, path = tmp_path / "warm.csv", tmp_path / "crawl.csv"
    warm.write_bytes(encode(accented_crawls[0]))
    path.write_bytes(encode(accented_crawls[1]))
    load_pages(warm)   # modules loaded on first use (charset-normalizer's) are not the file's cost
    (pages, report), python_peak = _traced(load_pages, path)
    assert len(pages) + len(report.dropped_rows) == 3000 and pages["content"].str.contains("ló").any()
    assert (python_peak + arrow_pool.max_memory()) / path.stat().st_size <= 3.0


@pytest.mark.parametrize("data", [
    "url,title\r\nhttps://a.example/1,Café\r\nhttps://a.example/2,Crème\r\n".encode("cp1252"),
    "url;title\nhttps://a.example/1;Кофе\n\nhttps://a.example/2;Чай\n".encode("cp1251"),
    "url\ttitle\nhttps://a.example/1\tCafé\n".encode("utf-16"),
    "url,title\nhttps://a.example/1,Café\n".encode("utf-16-le"),
    "url,title\nhttps://a.example/1,Café\nhttps://a.example/2,Cr\xe8me\nhttps://a.example/3,Brûlée\n".encode(
        "utf-8", errors="surrogateescape").replace(b"Cr\xc3\xa8me", b"Cr\xe8me"),
    b"url,title\nhttps://a.example/1,Caf\xc3\xa9 cr\xc3\xa8me\nhttps://a.example/2,Caf\xe9\n"
    b"https://a.example/3,Cr\xc3\xa8me br\xc3\xbbl\xc3\xa9e\nhttps://a.example/4,Cr\xe8me\n",
], ids=["Windows-1252", "Windows-1251, semicolons", "UTF-16 with its mark, tabs", "UTF-16 LE without a mark",
        "damaged UTF-8", "UTF-8 and Windows-1252 lines"])
def test_a_recoded_file_gives_the_frame_of_the_text_path(data, text_path):
    """The same cells, row numbers, dropped rows (with their column) and notes (the encoding named) as when the
    text path reads the file."""
    fast, slow = tables.read_table(data, "crawl.csv"), text_path(data, "crawl.csv")
    assert fast["url"].str.startswith("https://").all()
    assert_same_table(fast, slow)


def test_a_recoded_links_file_drops_its_undecodable_cells_by_their_codes():
    """The links importer's read (categories=True) holds short columns as codes: the rows whose anchor holds a byte
    UTF-8 cannot read are dropped and reported with their row and column all the same."""
    data = (b"Source,Destination,Anchor\n" + b"".join(b"https://a.example/%d,https://a.example/%d,caf\xc3\xa9 %d\n"
                                                      % (i, i + 1, i % 5) for i in range(40))
            + b"https://a.example/x,https://a.example/y,caf\xe9\n")
    table = tables.read_table(data, "links.csv", categories=True)
    assert isinstance(table["Anchor"].dtype, pd.CategoricalDtype)
    assert len(table) == 40 and not table["Anchor"].astype(str).str.contains("caf\U000f00e9").any()
    assert table.attrs["bad_rows"] == [(42, "byte 0xe9 cannot be read as UTF-8 text", "Anchor")]
    assert any("read as UTF-8 text (UTF-8 with 1 damaged byte)" in note for note in table.attrs["notes"])
