"""Spreadsheet-safe exports: the one place that neutralises formula-looking cells, for CSV and XLSX alike.

The job engine's CSV download, `inlink suggest` and the dashboard's Excel download all write through here, so a
cell such as `=HYPERLINK(...)` is never run by the spreadsheet that opens the file (OWASP "CSV injection").
pandas is imported inside the functions that need it, so importing this module stays cheap.
"""
from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

if TYPE_CHECKING:
    import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_FIELD_LIMIT = 2 ** 31 - 1   # the largest the csv module takes on every platform (a C long)


def allow_large_fields() -> None:
    """Lift the csv module's 128 KiB field limit: our own result files hold whole pages (a fetch job's HTML),
    and a read that stops at the limit would make the export, or a resume, fail. Process-wide, so only raised."""
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)


def csv_rows(text: str) -> Iterator[list[str]]:
    """The rows of CSV text written by this program (cells of any size)."""
    allow_large_fields()
    return csv.reader(io.StringIO(text, newline=""))


def neutralise_cell(text: str) -> str:
    """A leading apostrophe stops spreadsheets from running =, +, -, @ cells as formulas."""
    return "'" + text if text.startswith(FORMULA_START) else text


def safe_csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """CSV for spreadsheets: UTF-8 with BOM, CRLF, every data cell passed through neutralise_cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise_cell(cell) for cell in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def frame_to_csv(frame: pd.DataFrame) -> bytes:
    """safe_csv_bytes of a table (empty cells for missing values)."""
    cells = frame.astype(object).where(frame.notna(), "")
    return safe_csv_bytes(list(frame.columns), ([str(v) for v in row] for row in cells.itertuples(index=False)))


def frame_to_xlsx(frame: pd.DataFrame, sheet: str = "Suggestions") -> bytes:
    """XLSX bytes of a table; text cells that a spreadsheet would run as a formula are neutralised."""
    import pandas as pd

    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(lambda value: neutralise_cell(value) if isinstance(value, str)
                                            else value)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe.to_excel(writer, sheet_name=sheet, index=False)
    return buffer.getvalue()
