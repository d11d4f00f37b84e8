"""Read an uploaded table (CSV, gzipped CSV or XLSX) into a frame of strings.

Kept apart from pages.py / inlinks.py because reading a table (which reader, delimiters, title lines, workbooks,
row and column limits) has nothing to do with what the columns mean; and from sources.py, which gets the file's
bytes (size limit, gzip, zip) and decodes its text (charsets.py finds the encoding). The common file (UTF-8, well formed) is read by arrow_csv's
low-memory reader, and so is a well-formed file of another encoding once recoded to UTF-8 (charsets.to_utf8),
and a file of ragged rows, title lines or CR line endings once rewritten as the common file (ragged.py);
every other one by the text path here, which reports what it drops. Every failure becomes a SiteDataError naming the file, so the
dashboard shows a sentence, never a traceback.

The returned frame's index is the 1-based row in the file, the header being row 1 (for a CSV whose fields
hold no line breaks this is the line number; for a workbook it is the spreadsheet row). Rows dropped while
parsing are listed in ``frame.attrs["bad_rows"]`` as (row, reason); other notes (e.g. the encoding used)
in ``frame.attrs["notes"]``.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import tempfile
import warnings
import zlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from inlink.site import arrow_csv, charsets, ragged, row_breaks, sources
from inlink.site.errors import SiteDataError

MAX_ROWS = 500_000              # larger tables are refused: the app keeps the whole table in memory
#: A links table's limit (CSV): its columns are held as codes (inlinks.py), a few bytes a row, and an All Inlinks
#: export has a row per link of every menu of every page (680,000 rows for 8,000 pages and an 80-link menu).
MAX_LINK_ROWS = 5_000_000
#: A crawl export has tens of columns, a few hundred with custom extractions; a header line of a million took a
#: minute to parse and then aborted the process (std::bad_alloc), so a wider one is refused before it is parsed.
MAX_COLUMNS = 10_000
DELIMITERS = (",", ";", "\t", "|")
_BAD_ROW_MARKER = "\uffff<bad row>"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"


#: What a table's headers must name (columns.holds_pages, holds_links), or None: any headers
Fits = Callable[[list[str]], bool] | None


def read_table(source, filename: str | None = None, sheet: str | None = None, *,
               categories: bool = False, fits: Fits = None,
               holds: str = "the crawl", max_rows: int | None = None) -> pd.DataFrame:
    """Return the table in ``source`` (path, bytes or file-like with .getvalue()/.read()) as strings.

    ``sheet`` picks a workbook's worksheet by name (ignored for CSV; default: the first visible one whose
    headers ``fits`` accepts, else the first visible one; ``holds`` names what it holds in the notes). The frame's attrs
    hold "notes", "bad_rows" ((row, reason[, column]) of dropped rows), "encoding" (CSV: what was used and
    how it was found) and, for a workbook, "sheets" and "sheet". ``categories``: the short columns of a
    CSV read by the low-memory reader come as pandas Categorical of their distinct values (the links
    importer's form, inlinks.py); other columns and files as strings all the same. A CSV of more than ``max_rows``
    rows (default MAX_ROWS) is refused; a workbook's limit is MAX_ROWS.
    """
    try:
        return _read_table(source, filename, sheet, categories, fits, holds, max_rows)
    except MemoryError:
        raise SiteDataError("the memory ran out while reading it: export fewer columns or split the crawl (a UTF-8 "
                            "CSV file of ordinary rows is read with the least memory)",
                            file=sources.source_name(source, filename)) from None


def _read_table(source, filename: str | None, sheet: str | None, categories: bool,
                fits: Callable[[list[str]], bool] | None, holds: str, max_rows: int | None) -> pd.DataFrame:
    """read_table's reading (see there). The text path holds about ten times the file: a file within MAX_BYTES
    (sources.py) that it reads (a title line, ragged rows, a 300 MB cell) ended in a bare 'error: MemoryError'. A
    file in another encoding is recoded to UTF-8 first, the recoded bytes taking the place of the file's, so that
    the low-memory reader reads it when its shape allows."""
    data, name = sources.open_source(source, filename)
    _refuse_web_page(arrow_csv.unpacked_head(data), name)
    frame = _read_plain_utf8(data, name, categories, max_rows=max_rows, fits=fits)   # the common file, streamed from its path or bytes (even gzipped)
    inner = None
    if frame is None:
        data, name = sources.gunzip(sources.read_path(data, name) if isinstance(data, Path) else data, name)
        data, inner = sources.unzip(data, name)
        if inner is not None:
            frame = _read_plain_utf8(data, name, categories, max_rows=max_rows, fits=fits)   # a zipped CSV
    if frame is None:
        if _is_blank(data):
            raise SiteDataError("the file is empty", file=name)
        if data.startswith(_XLS_MAGIC):
            raise SiteDataError("old Excel .xls workbooks are not supported; save it as .xlsx or CSV", file=name)
        if _is_workbook(data):
            # on demand: openpyxl is slow to import
            from inlink.site.workbooks import read_xlsx
            frame = _unzipped_note(read_xlsx(data, name, sheet, fits, holds), name, inner)
            if len(frame) > MAX_ROWS and _row_limit(max_rows) > MAX_ROWS:   # a table a CSV may hold more rows of
                raise SiteDataError(f"the worksheet has more than {MAX_ROWS:,} rows, the most read from a workbook: "
                                    f"export it as CSV (up to {max_rows:,} rows)", file=name)
            return _finish(frame, name)
        found, marked = charsets.detect_encoding(data), None
        if sources.recodes(found):
            data, marked = charsets.to_utf8(data, found)   # rebound: the file's own bytes are freed
            frame = _read_recoded(data, name, found, marked, categories, max_rows, fits)
        if frame is None:
            frame = _read_csv(data, name, max_rows, found, marked, fits)
        if name.lower().endswith(WORKBOOK_NAMES) and inner is None:   # text saved under a workbook's name (many exporters do)
            frame.attrs["notes"].append(f"{name} is named like an Excel workbook but holds text: it was read as "
                                        "a CSV file")
    _unzipped_note(frame, name, inner)
    if sheet:
        frame.attrs["notes"].append(f'{name} is a CSV file, not a workbook: the worksheet "{sheet}" asked '
                                    "for was ignored")
    return _finish(frame, name, max_rows)


_WEB_PAGE = re.compile(rb"\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html[\s>]|<head[\s>]|<\?xml[^>]*>\s*(<!doctype\s+)?<html)",
                       re.IGNORECASE | re.DOTALL)
_JSON = re.compile(rb'\s*(\[\s*)?\{\s*"[^"\n]*"\s*:')   # an object's first key: '[{"url": ...'
_PAGE_TITLE = re.compile(rb"<title[^>]*>([^<]{1,200})</title>", re.IGNORECASE)


_SITEMAP = re.compile(rb"\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(urlset|sitemapindex)[\s>]", re.DOTALL)
_XML = re.compile(rb"\s*<\?xml[\s?]")
_PDF_MAGIC = b"%PDF-"


def _refuse_web_page(head: bytes, name: str) -> None:
    """Refuse a web page, JSON, a sitemap, other XML or a PDF saved under a table's name, saying what it is: a
    download that returned a sign-in or error page, a tool's "Excel" export that is an HTML table, a sitemap given
    where a crawl is expected. Each was read as a table of one column named "<!DOCTYPE html>", "<?xml ..." or
    "%PDF-1.4" and refused as having no URL column."""
    head = head.removeprefix(codecs.BOM_UTF8)
    if _JSON.match(head):   # it read 'headers are: [{"url": "https://a.com/x"'
        raise SiteDataError("holds JSON, not a table: export the crawl as CSV or XLSX", file=name)
    if _SITEMAP.match(head):
        raise SiteDataError("is a sitemap (XML), not a crawl export: to analyse the pages it lists, fetch them "
                            "first (the app's Fetch page, or cli.py fetch)", file=name)
    if head.startswith(_PDF_MAGIC):
        raise SiteDataError("is a PDF document, not a table: export the crawl as CSV or XLSX", file=name)
    if not _WEB_PAGE.match(head):
        if _XML.match(head):
            raise SiteDataError("holds XML, not a table: export the crawl as CSV or XLSX", file=name)
        return
    title = _PAGE_TITLE.search(head)
    said = f' (its title: "{" ".join(title.group(1).decode("utf-8", "replace").split())}")' if title else ""
    raise SiteDataError(f"is a web page (HTML){said}, not a table: a download may have saved a sign-in or error "
                        "page instead of the export. Export the crawl again as CSV or XLSX (to read the site's "
                        "pages themselves, fetch them from the site)", file=name)


def _is_blank(data: bytes) -> bool:
    """Whether the file holds nothing but white space, after a UTF-8 byte-order mark (an editor's empty file saved
    as "CSV UTF-8": it was refused as "cannot be read as a table (No columns to parse from file)"). No full copy of
    a large file."""
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    head = data[start:start + 4096]
    return not head or (head.isspace() and data[start:].isspace())


def sheet_names(source, filename: str | None = None) -> list[str]:
    """The worksheet names of a workbook, in order; [] for a CSV (one table, nothing to pick)."""
    return workbook_sheets(source, filename)[0]


def workbook_sheets(source, filename: str | None = None, fits: Callable[[list[str]], bool] | None = None
                    ) -> tuple[list[str], str | None]:
    """A workbook's worksheet names, in order, and the one read_table reads when none is named (see read_table);
    ([], None) for a CSV."""
    data, name = sources.read_source(source, filename)
    data, name = sources.gunzip(data, name)
    data, _ = sources.unzip(data, name)
    if not _is_workbook(data):
        return [], None
    # on demand: openpyxl is slow to import
    from inlink.site.workbooks import worksheets
    return worksheets(data, name, fits)


#: Names of Excel workbooks; a file so named whose bytes are no workbook (a CSV or tab-separated text saved as
#: .xls / .xlsx) is read as the text it is: it was refused as "not a readable XLSX workbook" or "old Excel .xls".
WORKBOOK_NAMES = (".xls", ".xlsx", ".xlsm")


def _is_workbook(data: bytes) -> bool:
    """A zip: an XLSX workbook (read, or refused as unreadable, by workbooks.py), whatever its name."""
    return data.startswith(sources.ZIP_MAGIC)


def _unzipped_note(frame: pd.DataFrame, name: str, inner: str | None) -> pd.DataFrame:
    if inner:
        frame.attrs["notes"].append(f"{name} is a zip archive: the table in it, {inner}, was read")
    return frame


def _read_recoded(data: bytes, name: str, found: charsets.Detected, marked: bool, categories: bool,
                  max_rows: int | None, fits: Fits = None) -> pd.DataFrame | None:
    """A file recoded to UTF-8 (charsets.to_utf8) read by the low-memory reader when its shape allows (else
    None: the text path reads it), with what the text path says of its encoding and of its undecodable cells."""
    frame = _read_plain_utf8(data, name, categories, max_rows=max_rows, fits=fits)
    if frame is None:
        return None
    if marked:
        _drop_bad_cells(frame, found)
    frame.attrs.update(notes=sources.encoding_notes(found, name) + frame.attrs["notes"], encoding=found.label)
    return frame


_LONE_CR = re.compile(r"\r(?!\n)")


def _unify_line_endings(text: str) -> str:
    """CR-only line endings (old Mac exports), or lone CRs among CRLF/LF lines (files pasted together), as
    LF: the csv module and pandas' tolerant parser stop at a lone CR ("new-line character seen in unquoted
    field"). A CR inside a quoted cell becomes LF too, which the importer folds to a space anyway."""
    if "\r" not in text:
        return text
    if "\n" not in text:
        return text.replace("\r", "\n")
    return _LONE_CR.sub("\n", text) if _LONE_CR.search(text) else text


_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1f]")


#: A file is binary, not text, when control characters (other than tab and line breaks) stand in more than this
#: share of its head's 256-character blocks: in images, PDFs, libraries, fonts and compiled catalogues (10-60% of
#: their characters) they stand in nearly every block, in a text file's junk only in the few blocks of its cells.
#: A share of the characters refused a crawl with 400 BEL characters in one page's text (0.6% of its head) whole,
#: as "a binary file"; its cells are read as they are.
BINARY_BLOCK_SHARE = 0.5
_BLOCK = 256


def _looks_binary(text: str) -> bool:
    """Control characters other than tab/newline are rare in text and common in binary junk."""
    sample = text[:65536]
    if len(_CONTROL_CHARS.findall(sample)) <= 2:
        return False
    starts = range(0, len(sample), _BLOCK)
    held = sum(_CONTROL_CHARS.search(sample, start, start + _BLOCK) is not None for start in starts)
    return held > len(starts) * BINARY_BLOCK_SHARE


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header line most often (comma when there is a tie or none)."""
    header = next(csv.reader(io.StringIO(text[:65536].lstrip("\r\n"), newline="")), [""])
    line = ",".join(header) if len(header) > 1 else (header[0] if header else "")
    counts = {delim: (len(header) - 1 if delim == "," else line.count(delim)) for delim in DELIMITERS}
    best = max(DELIMITERS, key=lambda delim: counts[delim])
    return best if counts[best] > counts[","] else ","


def _read_csv(data: bytes, name: str, max_rows: int | None = None, found: charsets.Detected | None = None,
              marked: bool | None = None, fits: Fits = None) -> pd.DataFrame:
    """The text path: any encoding, line ending, title line, ragged rows or bad cells (each reported);
    ``found`` and ``marked``: see sources.decode."""
    text, found, marked = sources.decode(data, found, marked)
    if _looks_binary(text):
        raise SiteDataError("looks like a binary file, not a CSV or XLSX table", file=name)
    text = _unify_line_endings(text)
    text, title_lines = _skip_title_line(text, fits)
    delimiter = sniff_delimiter(text)
    _check_width(_first_line(text).count(delimiter) + 1, name, title_lines)
    text, cut = row_breaks.cut_last_row(text, delimiter)
    frame = _parse_any(text, delimiter, name, title_lines, max_rows)
    if marked or "\x00" in text:
        _drop_bad_cells(frame, found)
    if cut:
        frame.attrs["bad_rows"].append((len(frame) + 2, *cut))
    notes = sources.encoding_notes(found, name)
    if delimiter != ",":
        notes.append(_separator_note(name, delimiter))
    if title_lines:
        frame.attrs["bad_rows"] = [(row + title_lines, *rest) for row, *rest in frame.attrs["bad_rows"]]
        notes.append(_title_lines_note(name, title_lines))
    frame.attrs.update(notes=notes, header_row=1 + title_lines, encoding=found.label)
    return frame


def _read_plain_utf8(data: bytes | Path, name: str, categories: bool = False,
                     max_rows: int | None = None, fits: Fits = None) -> pd.DataFrame | None:
    """The common file (UTF-8, header on the first line, LF or CRLF endings, no NUL byte, every row as wide as
    the header or blank), gzipped or not, parsed by pyarrow's streaming CSV reader, and a UTF-8 file of ragged
    rows, title lines or CR line endings, rewritten as the common file first (_read_reshaped); None for any
    other file, which the text path reads and reports on.

    Why (bench/bench_import.py, target: the importer's peak <= 3x the file): the text path holds the bytes,
    the decoded text, a StringIO copy (4 bytes a character) and the parser's own buffers at once, about 10x
    the file; arrow_csv reads the common file at a fraction of that. Everything here looks at the head only.
    """
    if name.lower().endswith(WORKBOOK_NAMES):
        return None
    head = arrow_csv.unpacked_head(data)
    if not head or b"\x00" in head or head.startswith((sources.ZIP_MAGIC, _XLS_MAGIC)):
        return None
    sample = head.decode("utf-8-sig", errors="ignore")
    if _looks_binary(sample):
        return None
    text_head, skipped = _skip_title_line(_unify_line_endings(sample), fits)
    delimiter = sniff_delimiter(text_head)
    if skipped or b"\n" not in head:   # title lines, CR line endings: rewritten (ragged.py)
        return _read_reshaped(data, name, delimiter, text_head, skipped, categories, max_rows)
    # the header as the text path names it (blank and repeated names included), from its line alone: a long first
    # row may not end within the head
    header_line = head.split(b"\n", 1)[0] + b"\n"
    _check_width(header_line.count(delimiter.encode()) + 1, name)
    try:
        headers = list(pd.read_csv(io.BytesIO(header_line), sep=delimiter, nrows=0, dtype=str, engine="c").columns)
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):   # bad UTF-8
        return None
    try:
        return _read_arrow(data, name, delimiter, headers, categories, max_rows)
    except SiteDataError:   # a ValueError too: the refusal stands
        raise
    except ValueError as exc:   # pyarrow.ArrowInvalid
        if not _RAGGED_ROW.search(str(exc)):   # bad UTF-8: the caller recodes the file
            return None
    return _read_reshaped(data, name, delimiter, text_head, 0, categories, max_rows)


#: pyarrow's word for a row of another width than the header: the file is rewritten (ragged.py) and read again
_RAGGED_ROW = re.compile(r"Expected \d+ columns, got \d+")


def _read_reshaped(data: bytes | Path, name: str, delimiter: str, text_head: str, skipped: int, categories: bool,
                   max_rows: int | None) -> pd.DataFrame | None:
    """A UTF-8 file of ragged rows, title lines or CR line endings, rewritten as the common file (ragged.py) and
    read by the low-memory reader, with the rows and notes the text path gives; None where ragged.py says the
    text path must read it."""
    _check_width(_first_line(text_head).count(delimiter) + 1, name, skipped, cut="\n" not in text_head)
    try:
        headers = list(pd.read_csv(io.StringIO(_first_line(text_head) + "\n"), sep=delimiter, nrows=0, dtype=str,
                                   engine="c").columns)
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    try:
        with tempfile.NamedTemporaryFile(prefix="inlink-", suffix=".csv") as copy:   # private (0600), removed
            bad_rows = ragged.reshape(data, delimiter, headers, skipped, copy)
            frame = None if bad_rows is None else _read_arrow(Path(copy.name), name, delimiter, headers,
                                                               categories, max_rows)
    except SiteDataError:
        raise
    except (ValueError, OSError):   # not expected of a rewritten file, or no room for it: the text path reads it
        return None
    if frame is None:
        return None
    frame.attrs.update(bad_rows=bad_rows, header_row=1 + skipped)
    if skipped:
        frame.attrs["notes"].append(_title_lines_note(name, skipped))
    return frame


def _read_arrow(data: bytes | Path, name: str, delimiter: str, headers: list[str], categories: bool,
                max_rows: int | None) -> pd.DataFrame | None:
    """The rows under the header, read by arrow_csv; None where the text path must read the file. ValueError
    (pyarrow's ArrowInvalid: bad UTF-8, a row of another width) propagates."""
    try:
        read = arrow_csv.read_rows(data, delimiter, len(headers), categories, _row_limit(max_rows), sources.MAX_BYTES)
    except (OSError, EOFError, zlib.error):   # damaged gzip data: the text path names it
        return None
    except ImportError:   # pyarrow missing (it is in requirements.txt): the text path still reads the file
        return None
    except arrow_csv.TooManyRows:
        raise SiteDataError(_too_many_rows(max_rows), file=name) from None
    if read is None:
        return None
    columns, blank = read
    frame = pd.DataFrame({header: columns.pop(0) for header in headers})
    notes = [] if delimiter == "," else [_separator_note(name, delimiter)]
    frame.attrs.update(bad_rows=[], notes=notes, header_row=1, encoding="UTF-8", blank_rows=blank)
    return frame


def _separator_note(name: str, delimiter: str) -> str:
    return f"{name} uses {'tab' if delimiter == chr(9) else repr(delimiter)} as column separator"


def _title_lines_note(name: str, lines: int) -> str:
    return f"{name}: {lines} line{' was' if lines == 1 else 's were'} above the column names, skipped"


def _drop_bad_cells(frame: pd.DataFrame, found: charsets.Detected) -> None:
    """Blank the rows holding a NUL byte or an undecodable byte and list them (row, reason, column); the
    blank rows are removed by _finish like the tolerant parse's broken rows."""
    cells = charsets.bad_cells(frame, found.label)
    if not cells:
        return
    positions = [position for position, _, _ in cells]
    blank = frame.attrs.get("blank_rows")   # the low-memory read's: its columns may be Categorical
    if blank is not None:
        blank[positions] = True
    else:
        frame.iloc[positions, :] = ""
    frame.attrs["bad_rows"] = sorted(frame.attrs["bad_rows"] + [(position + 2, reason, column)
                                                                for position, column, reason in cells])


#: Excel's separator line ("sep=;"), which some exporters write above the header so that Excel splits the columns:
#: it was read as the header ('no URL column found; headers are: sep=, Unnamed: 1').
_EXCEL_SEPARATOR_LINE = re.compile(r'"?sep=.?"?', re.IGNORECASE)


def _skip_title_line(text: str, fits: Fits = None) -> tuple[str, int]:
    """Text from the header line on, and how many lines came before it: blank lines, and the title lines
    ("Internal - HTML"; a report's name and date, "Exported 2024-05-01 10:00") that exports put above the header, or
    Excel's separator line ("sep=;"). A title line holds no delimiter; the header after it holds two or more. With
    ``fits`` (what the headers must name), a header it does not accept gives way to one of the next lines that it
    does (_header_further_down). Works on the head of the text so a large file is copied at most once."""
    head = text[:65536]
    lines = head.split("\n")[:TITLE_LINES + 2]
    above = 0
    while above < len(lines) - 1 and above <= TITLE_LINES and _above_header(lines[above]):
        above += 1
    header = lines[above].rstrip("\r") if above < len(lines) else ""
    separator = any(_EXCEL_SEPARATOR_LINE.fullmatch(line.strip()) for line in lines[:above])   # says it is one
    if header.lower().startswith("http") or not any(header.count(delim) >= (1 if separator else 2)
                                                    for delim in DELIMITERS):
        above = 0
        while above < len(lines) - 1 and not lines[above].strip("\r"):   # leading blank lines only
            above += 1
    if fits is not None and above < len(lines) - 1 and not _line_fits(lines[above], fits):
        above = _header_further_down(lines, above, fits)
    start = sum(len(line) + 1 for line in lines[:above])
    return (text[start:] if start else text), above


def _header_further_down(lines: list[str], above: int, fits: Callable[[list[str]], bool]) -> int:
    """Where the header line is when the line taken for it does not name what ``fits`` asks: the first of the next
    lines (up to TITLE_LINES) that does, when no line above that one holds a URL (a report's summary row, "Total
    URLs,2,,", or a row of empty cells, as a spreadsheet saved as CSV writes a blank row); else ``above``. It was
    read as the header: 'no URL column found; headers are: Total URLs, 2, Unnamed: 2'."""
    for row in range(above + 1, min(len(lines) - 1, TITLE_LINES + 1)):
        if "://" in lines[row - 1]:
            break
        if _line_fits(lines[row], fits):
            return row
    return above


def _line_fits(line: str, fits: Callable[[list[str]], bool]) -> bool:
    """Whether a line, split at any of the delimiters, holds headers ``fits`` accepts."""
    line = line.strip("\r\ufeff")
    return any(fits(next(csv.reader([line], delimiter=delim), [])) for delim in DELIMITERS if delim in line)


#: At most this many title lines above a header are skipped (a report's name, its date, a filter said...).
TITLE_LINES = 5


def _above_header(line: str) -> bool:
    """A line that stands above a header: blank, a title (no delimiter), or Excel's separator line."""
    line = line.strip("\r")
    return (not line.strip() or not any(delim in line for delim in DELIMITERS)
            or _EXCEL_SEPARATOR_LINE.fullmatch(line.strip()) is not None)


def _parse_any(text: str, delimiter: str, name: str, title_lines: int, max_rows: int | None = None) -> pd.DataFrame:
    """Fast C parse; on rows with extra fields the tolerant parse; any parser failure as a SiteDataError."""
    try:
        try:
            return _parse_csv(text, delimiter, max_rows)
        except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
            if "EOF inside string" not in str(exc):
                return _parse_csv_tolerant(text, delimiter, max_rows)
            row = re.search(r"row (\d+)", str(exc))
            raise SiteDataError('a quoted field is never closed (a stray " character?)', file=name,
                                row=int(row.group(1)) + 1 + title_lines if row else None) from None
    except SiteDataError:
        raise
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, IndexError, csv.Error) as exc:
        row, problem = row_breaks.failing_row(text, delimiter)
        raise SiteDataError(problem or f"cannot be read as a table ({str(exc).strip() or type(exc).__name__})",
                            file=name, row=row + title_lines if row else None) from None


def _csv_options(delimiter: str, max_rows: int | None = None) -> dict:
    return dict(sep=delimiter, dtype=str, keep_default_na=False, skip_blank_lines=False,
                nrows=_row_limit(max_rows) + 1, index_col=False)


def _parse_csv(text: str, delimiter: str, max_rows: int | None = None) -> pd.DataFrame:
    with warnings.catch_warnings():   # a row with one field too many is a warning here: make it an error
        warnings.simplefilter("error", pd.errors.ParserWarning)
        frame = pd.read_csv(io.StringIO(text), engine="c", **_csv_options(delimiter, max_rows))
    frame.attrs["bad_rows"] = []
    return frame


def _parse_csv_tolerant(text: str, delimiter: str, max_rows: int | None = None) -> pd.DataFrame:
    """Slower parse that keeps going past rows with too many fields, marking them so they can be reported.

    The marked row stays in place, so the positions of the other rows still give their row numbers.
    """
    row_breaks.allow_long_fields()   # before the header's read too, which reads on into the first rows
    width = len(pd.read_csv(io.StringIO(text), sep=delimiter, nrows=0, engine="python").columns)

    def mark(fields: list[str]) -> list[str]:
        if not any(fields[width:]):   # only empty extras: a trailing delimiter, not a broken row
            return fields[:width]
        return [f"{_BAD_ROW_MARKER}{len(fields)}"] + [""] * (width - 1)

    with warnings.catch_warnings():   # a first row with one extra field is cut, not passed to mark()
        warnings.simplefilter("ignore", pd.errors.ParserWarning)
        frame = pd.read_csv(io.StringIO(text), engine="python", on_bad_lines=mark, **_csv_options(delimiter, max_rows))
    first = frame.iloc[:, 0].fillna("").astype(str)
    bad = first.str.startswith(_BAD_ROW_MARKER)
    frame.attrs["bad_rows"] = [
        (int(position) + 2, f"{first.iloc[position][len(_BAD_ROW_MARKER):]} fields where the header has {width}")
        for position in bad.to_numpy().nonzero()[0]]
    frame.loc[bad, :] = ""
    return frame


def _row_limit(max_rows: int | None) -> int:
    """A table's row limit: the one asked for, else MAX_ROWS (read when asked: tests lower it)."""
    return MAX_ROWS if max_rows is None else max_rows


def _check_width(columns: int, name: str, title_lines: int = 0, cut: bool = False) -> None:
    """Refuse a header line of more than MAX_COLUMNS fields (counted by its separators, quoted ones too), before
    the parsers hold a column for each. `cut`: the line was counted in the file's head, and does not end there
    (its count is a floor: a 12,006-column header was said to have "10,948 columns")."""
    if columns > MAX_COLUMNS:
        raise SiteDataError(f"the header line has {'at least ' if cut else ''}{columns:,} columns, more than the "
                            f"{MAX_COLUMNS:,} read (a crawl export has tens): export fewer columns", file=name,
                            row=1 + title_lines)


def _first_line(text: str) -> str:
    """The text's first line, without copying the rest (split or partition would copy a whole crawl)."""
    end = text.find("\n")
    return text if end < 0 else text[:end]


def _too_many_rows(max_rows: int | None) -> str:
    return f"the table has more than {_row_limit(max_rows):,} rows; split the crawl or filter it first"


def _finish(frame: pd.DataFrame, name: str, max_rows: int | None = None) -> pd.DataFrame:
    """Index rows by file row, strip headers, drop blank rows and refuse over-long tables."""
    if len(frame) > _row_limit(max_rows):
        raise SiteDataError(_too_many_rows(max_rows), file=name)
    if not frame.attrs.pop("indexed_by_row", False):
        first = frame.attrs.pop("header_row", 1) + 1
        frame.index = pd.RangeIndex(first, len(frame) + first)
    frame.columns = unique_headers([str(column).replace("\ufeff", "").strip() for column in frame.columns])
    blank = frame.attrs.pop("blank_rows", None)   # known from the low-memory read, which has no missing value
    if blank is None:
        frame = frame.fillna("")
        blank = (frame == "").all(axis=1).to_numpy()
    return frame.loc[~blank] if blank.any() else frame


def unique_headers(header: list[str]) -> list[str]:
    """Blank and repeated headers get a suffix so every column can be addressed by name ("Address" and
    " Address" are one name once stripped)."""
    seen: dict[str, int] = {}
    names = []
    for index, raw in enumerate(header, start=1):
        base = raw or f"Unnamed {index}"
        seen[base] = seen.get(base, 0) + 1
        names.append(base if seen[base] == 1 else f"{base}.{seen[base] - 1}")
    return names


def fold_whitespace(value: str) -> str:
    """Whitespace runs (line breaks, tabs, no-break spaces) folded to one space; the cheap substring
    checks skip the costly split for the many values that are already tidy."""
    if "  " in value or "\n" in value or "\t" in value or "\r" in value or "\xa0" in value:
        return " ".join(value.split())
    return value.strip()
