"""Spreadsheet-safe exports: the one place that neutralises formula-looking cells, for CSV and XLSX alike.

The job engine's CSV download, `inlink suggest` and the dashboard's Excel download all write through here, so a
cell such as `=HYPERLINK(...)` is never run by the spreadsheet that opens the file (OWASP "CSV injection").
pandas is imported inside the functions that need it, so importing this module stays cheap.
"""
from __future__ import annotations

import csv
import io
import re
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from inlink.wording import CONFIDENCE_PLACES

if TYPE_CHECKING:
    import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_FIELD_LIMIT = 2 ** 31 - 1   # the largest the csv module takes on every platform (a C long)
#: Decimals of the result columns that hold a 0-1 figure, the same in every file: a float written as it is
#: drops its trailing zeros, so one column read 0.884 next to 0.1751 (and 0.4 next to 0.622).
RESULT_DECIMALS = {"Score": 4, "Confidence": CONFIDENCE_PLACES}
#: Suffixes of an output file written as an Excel workbook (any other name gets CSV).
WORKBOOK_SUFFIXES = (".xlsx",)


def is_workbook(path: str | Path) -> bool:
    """Whether an output file is written as an Excel workbook: `suggest --out`, `jobs export --out` (a fetch's
    crawl files, CSV only, refuse the name)."""
    return Path(path).suffix.lower() in WORKBOOK_SUFFIXES


def allow_large_fields() -> None:
    """Lift the csv module's 128 KiB field limit: our own result files hold whole pages (a fetch job's HTML),
    and a read that stops at the limit would make the export, or a resume, fail. Process-wide, so only raised."""
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)


def csv_rows(data: str | bytes, encoding: str = "utf-8") -> Iterator[list[str]]:
    """The rows of CSV text written by this program (cells of any size). Bytes are decoded as the rows are read (a
    byte `encoding` cannot read is replaced), never whole: a 250,000-row job's 123 MB export, decoded and read
    through a StringIO (four bytes a character), took 1.35 GB to prepare."""
    allow_large_fields()
    if isinstance(data, bytes):
        return csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors="replace", newline=""))
    return csv.reader(io.StringIO(data, newline=""))


def fixed_decimals(rows: Iterable[dict]) -> list[dict]:
    """The rows with their RESULT_DECIMALS columns as fixed-point text ("0.8840"), as every export writes them;
    a cell that is no number (empty, or already text) is left as it is."""
    fixed = []
    for row in rows:
        row = dict(row)
        for column, places in RESULT_DECIMALS.items():
            value = row.get(column)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                row[column] = f"{value:.{places}f}"
        fixed.append(row)
    return fixed


def neutralise_cell(text: str) -> str:
    """A leading apostrophe stops spreadsheets from running =, +, -, @ cells of a CSV file as formulas (CSV cannot
    mark a cell as text otherwise; a workbook can: see _formulas_as_text)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def safe_csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """CSV for spreadsheets: UTF-8 with BOM, CRLF, every data cell passed through neutralise_cell. Encoded as it is
    written (a StringIO of the whole file held four bytes a character, then its text and bytes beside it)."""
    out = io.BytesIO()
    out.write(b"\xef\xbb\xbf")
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise_cell(cell) for cell in row])
    text.flush()
    return text.detach().getvalue()


def frame_to_csv(frame: pd.DataFrame) -> bytes:
    """safe_csv_bytes of a table (empty cells for missing values)."""
    cells = frame.astype(object).where(frame.notna(), "")
    return safe_csv_bytes(list(frame.columns), ([str(v) for v in row] for row in cells.itertuples(index=False)))


#: A worksheet's rows, its header's included: past them Excel opens no file (openpyxl writes them all the same).
XLSX_MAX_ROWS = 1_048_576


class TooManyRows(ValueError):
    """A table longer than an Excel worksheet: said before any work, in words the user can act on."""


def frame_to_xlsx(frame: pd.DataFrame, sheet: str = "Suggestions") -> bytes:
    """XLSX bytes of a table; text cells that a spreadsheet would run as a formula are stored as text.

    Unlike CSV, a workbook can say "this cell is text" itself: such a cell is written as a string with Excel's
    quote-prefix style (what Excel does when one types '=1+2), so it shows exactly what the engine wrote
    ("--cgi", not "'--cgi") and is never evaluated, even after an edit. The rows are streamed (openpyxl's
    write-only mode): a whole workbook in memory held an object per cell, and the Excel file of a 50,000-page
    site's 250,000 rows took 52 s and 1.9 GB at its peak. A table longer than a worksheet raises TooManyRows."""
    from openpyxl import Workbook

    if len(frame) >= XLSX_MAX_ROWS:
        raise TooManyRows(f"an Excel worksheet holds {XLSX_MAX_ROWS - 1:,} rows under its header and these results "
                          f"have {len(frame):,}: download them as CSV instead")
    frame = _decimals_as_numbers(frame)
    book = Workbook(write_only=True)
    worksheet = book.create_sheet(sheet)
    _readable(worksheet, frame)   # a write-only sheet takes its columns' widths before its first row
    worksheet.append([_NOT_IN_WORKBOOKS(str(column)) for column in frame.columns])
    cell = _cell_writer(worksheet, list(frame.columns))
    values = frame.astype(object).where(frame.notna(), None)
    for row in values.itertuples(index=False, name=None):
        worksheet.append([cell(position, value) for position, value in enumerate(row)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _decimals_as_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """The RESULT_DECIMALS columns as numbers, whichever way the rows came: `suggest` holds them as the fixed-point
    text every CSV export writes (fixed_decimals), and its workbook stored "0.7415" as text that Excel neither
    sorts nor sums, where a job's export read them back as numbers. A column with any cell that is no number is
    left as it is."""
    import pandas as pd

    converted = {}
    for column in RESULT_DECIMALS:
        if column in frame.columns and not pd.api.types.is_numeric_dtype(frame[column]):
            numbers = pd.to_numeric(frame[column], errors="coerce")
            if not (numbers.isna() & frame[column].notna() & (frame[column].astype(str) != "")).any():
                converted[column] = numbers
    return frame.assign(**converted) if converted else frame


#: Control characters a workbook cannot hold (openpyxl refuses the whole file with IllegalCharacterError: a crawl's
#: text with a backspace or a form feed in a title or a sentence made every Excel export of its job fail), removed.
_NOT_IN_WORKBOOKS = partial(re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]").sub, "")


def _cell_writer(worksheet, columns: list):
    """cell(position, value): what a row holds at that column: a text that starts like a formula as a quote-prefixed
    string cell (openpyxl stores a str starting with "=" as a formula, and Excel would run a "+", "-" or "@" one once
    the cell is edited), a RESULT_DECIMALS figure shown with its fixed decimals (the cell stays a number to sort and
    sum), any other value as it is."""
    from openpyxl.cell import WriteOnlyCell

    formats = {position: "0." + "0" * RESULT_DECIMALS[column] for position, column in enumerate(columns)
               if column in RESULT_DECIMALS}

    def cell(position: int, value):
        if isinstance(value, str):
            value = _NOT_IN_WORKBOOKS(value)
            if not value.startswith(FORMULA_START):
                return value
            text = WriteOnlyCell(worksheet, value)
            text.data_type, text.quotePrefix = "s", True
            return text
        if position in formats and value is not None:
            number = WriteOnlyCell(worksheet, value)
            number.number_format = formats[position]
            return number
        return value

    return cell


XLSX_MAX_WIDTH = 80    # characters: a reason or a sentence wraps in the cell beyond this


def _readable(worksheet, frame: pd.DataFrame) -> None:
    """Columns as wide as their text (up to XLSX_MAX_WIDTH), the header row frozen and filterable: every column
    was Excel's default 8.4 characters, so a URL or a reason showed a few characters and the header scrolled away."""
    from openpyxl.utils import get_column_letter

    for position, column in enumerate(frame.columns, start=1):
        lengths = frame[column].astype(str).str.len().fillna(0)   # (pandas 3 keeps a missing value missing)
        typical = int(lengths.quantile(0.9)) if len(lengths) else 0
        worksheet.column_dimensions[get_column_letter(position)].width = min(XLSX_MAX_WIDTH,
                                                                             max(len(str(column)), typical) + 2)
    worksheet.freeze_panes = "A2"
    if len(frame.columns):
        worksheet.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
