"""Read one worksheet of an XLSX workbook into a frame of strings, and list a workbook's worksheets.

Kept apart from tables.py (CSV decoding) because a workbook's questions are its own: which sheet holds the
crawl (an export may put a summary first), spreadsheet row numbers, typed cells. The dashboard's sheet
picker and the CLI's --sheet option both go through `worksheets` and `read_xlsx(..., sheet=...)`.
openpyxl is imported here only, on demand (a CSV import or `cli.py --help` never loads it).
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Mapping

import pandas as pd

from inlink.site.errors import SiteDataError
from inlink.site.sources import MAX_BYTES
from inlink.site.tables import MAX_COLUMNS, MAX_ROWS, unique_headers
from inlink.wording import counted


HEADER_SEARCH_ROWS = 20   # a worksheet's column names are looked for in its first rows (title rows above them)


#: What openpyxl raises for a damaged workbook. SyntaxError: XML that does not parse (xml.etree's ParseError and
#: lxml's XMLSyntaxError, whose parsers also stop an entity expansion bomb with one), which ended the import with
#: "error: XMLSyntaxError: ..." naming no file.
_UNREADABLE = (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError, SyntaxError)


def quoted(names) -> str:
    return ", ".join(f'"{name}"' for name in names)


#: The most bytes a workbook's members may unpack to (as a CSV's text may hold): a 8 MB workbook whose worksheet
#: XML unpacked to 5 GB was read on until the memory ran out. Each member's stated size is what zipfile unpacks.
MAX_UNPACKED = MAX_BYTES


def _open(data: bytes, name: str):
    _check_unpacked(data, name)
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, *_UNREADABLE) as exc:
        if isinstance(exc, zipfile.BadZipFile):   # a zip's first bytes, no zip's end: a download cut short
            raise SiteDataError("is cut short or damaged: it begins as a zip archive (as an XLSX workbook does) but "
                                f"cannot be opened ({exc}): download or export it again", file=name) from None
        raise SiteDataError(f"is not a readable XLSX workbook ({exc or type(exc).__name__})", file=name) from None


def _check_unpacked(data: bytes, name: str) -> None:
    """Refuse a workbook whose members unpack to more than MAX_UNPACKED bytes, before any is unpacked."""
    try:
        unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return   # openpyxl names a damaged workbook
    if unpacked > MAX_UNPACKED:
        raise SiteDataError(f"the workbook unpacks to {unpacked / 1e6:,.0f} MB, more than the {MAX_UNPACKED / 1e6:,.0f} "
                            "MB read: export fewer columns or split the crawl, or export it as CSV", file=name)


def worksheets(data: bytes, name: str, fits: Callable[[list[str]], bool] | None = None) -> tuple[list[str], str | None]:
    """The workbook's worksheet names in their order (chart sheets, which hold no rows, left out), and the one
    read_xlsx reads when none is named (the dashboard's sheet picker starts on it; None without worksheets), from
    one opening of the workbook."""
    workbook = _open(data, name)
    try:
        names = [sheet.title for sheet in workbook.worksheets]
        return names, _default_sheet(workbook, name, fits) if names else None
    except SiteDataError:   # a worksheet too wide: said as it is, not as an unreadable workbook
        raise
    except _UNREADABLE as exc:   # a worksheet read for its header (_default_sheet)
        raise SiteDataError(f"is not a readable XLSX workbook ({exc or type(exc).__name__})", file=name) from None
    finally:
        workbook.close()


def read_xlsx(data: bytes, name: str, sheet: str | None = None, fits: Callable[[list[str]], bool] | None = None,
              holds: str = "the crawl") -> pd.DataFrame:
    """The chosen worksheet; its first non-empty row is the header. By default the first visible worksheet whose
    headers `fits` accepts (an analyst's workbook may open on a summary or notes sheet, or keep a hidden one
    first), else the first visible one.

    frame.attrs: "sheets" (all worksheet names), "sheet" (the one read), "notes" (e.g. which sheet was read
    when there are several), "bad_rows" (none: a workbook has no parse errors), "indexed_by_row".
    """
    workbook = _open(data, name)
    try:
        sheets = [worksheet.title for worksheet in workbook.worksheets]
        chosen = _choose(sheets, sheet, name) if sheet is not None else _default_sheet(workbook, name, fits)
        rows = _sheet_rows(workbook[chosen], name)
        swapped = _swapped_sheets(workbook, name, chosen, fits, holds)
    except SiteDataError:   # no such worksheet: said as it is, not as an unreadable workbook
        raise
    except _UNREADABLE as exc:
        raise SiteDataError(f"is not a readable XLSX workbook ({exc or type(exc).__name__})", file=name) from None
    finally:
        workbook.close()
    others = [other for other in sheets if other != chosen]
    if not rows:
        hint = f"; the workbook's other worksheets are {quoted(others)}: pick the one that holds {holds} " \
            f"({sheet_hint(holds)})" if others else ""
        raise SiteDataError(f'the worksheet "{chosen}" is empty{hint}', file=name)
    rows, titles = _without_title_rows(rows, fits)
    frame = _frame(rows)
    notes = [] if not others or sheet else [_default_note(name, sheets, chosen, others, holds)]
    notes.extend(_full_cells(rows, name))
    if titles:   # as the CSV reader says it (tables._skip_title_line)
        notes.append(f"{name}: {titles} row{' was' if titles == 1 else 's were'} above the column names, skipped")
    frame.attrs.update(bad_rows=[], notes=notes, indexed_by_row=True, sheets=sheets, sheet=chosen,
                       swapped_sheets=swapped)
    return frame


def _swapped_sheets(workbook, name: str, chosen: str, fits: Callable[[list[str]], bool] | None,
                    holds: str) -> list[str]:
    """The other worksheets that hold the other kind of table (links where pages were looked for, or pages), when
    the one read does not fit: a links workbook given as the crawl was told to pick its "Inlinks" sheet with
    --sheet, and then refused as a links export. Read only for a sheet that does not fit (a refusal follows)."""
    from inlink.site.columns import holds_links, holds_pages

    if fits is None or fits(_header_cells(workbook[chosen], name, fits)):
        return []
    other_kind = holds_pages if "link" in holds else holds_links
    return [sheet.title for sheet in workbook.worksheets
            if sheet.title != chosen and other_kind(_header_cells(sheet, name, other_kind))]


#: The most characters a workbook cell holds: Excel (and a crawler's XLSX export) cuts a longer text there.
CELL_LIMIT = 32_767


def _full_cells(rows: list[tuple[int, list[str]]], name: str) -> list[str]:
    """A note on the cells as long as a cell can be (a character less: _cell_text strips a space the cut left): a
    page's text cut there was read as the whole page without a word (its links past the cut never suggested)."""
    full = [(row, at) for row, cells in rows[1:] for at, cell in enumerate(cells) if len(cell) >= CELL_LIMIT - 1]
    if not full:
        return []
    row, at = full[0]
    header = rows[0][1][at] if at < len(rows[0][1]) else f"column {at + 1}"
    return [f"{name}: {counted(len(full), 'cell holds', 'cells hold')} {CELL_LIMIT:,} characters, the most a workbook "
            f'cell can hold (e.g. row {row}, column "{header}"): {"its" if len(full) == 1 else "their"} text was '
            "probably cut when the workbook was saved; export the crawl as CSV to keep it whole"]


def _default_sheet(workbook, name: str, fits: Callable[[list[str]], bool] | None) -> str:
    sheets = workbook.worksheets
    if not sheets:
        raise SiteDataError("the workbook has no worksheets", file=name)
    visible = [sheet for sheet in sheets if sheet.sheet_state == "visible"] or sheets
    if fits is not None:
        for sheet in visible:
            if fits(_header_cells(sheet, name, fits)):
                return sheet.title
    return visible[0].title


def _header_cells(sheet, name: str, fits: Callable[[list[str]], bool] | None = None) -> list[str]:
    """A worksheet's column names as read_xlsx finds them (title rows above them skipped), from its first rows."""
    rows = _sheet_rows(sheet, name, HEADER_SEARCH_ROWS)
    return _without_title_rows(rows, fits)[0][0][1] if rows else []


def _default_note(name: str, sheets: list[str], chosen: str, others: list[str], holds: str) -> str:
    """Which worksheet of several was read, and why, so a wrong pick is visible."""
    if chosen == sheets[0]:
        why = f'the first of {len(sheets)} worksheets ("{chosen}") was read'
    else:
        why = (f'the worksheet "{chosen}" was read, the first with the columns this file needs '
               f'(not the first, "{sheets[0]}")')
    return f"{name}: {why}; the others are {quoted(others)} (pick another worksheet if one of them holds {holds}: " \
        f"{sheet_hint(holds)})"


def _choose(sheets: list[str], sheet: str, name: str) -> str:
    if not sheets:
        raise SiteDataError("the workbook has no worksheets", file=name)
    if sheet in sheets:
        return sheet
    raise SiteDataError(f'has no worksheet "{sheet}"; its worksheets are {quoted(sheets)}', file=name)


def _without_title_rows(rows: list[tuple[int, list[str]]], fits: Callable[[list[str]], bool] | None = None
                        ) -> tuple[list[tuple[int, list[str]]], int]:
    """The rows from the column names on, and how many came before them: title rows ("Internal - HTML"; a report's
    name and date), one cell each, and blank rows, above a row of several names, as the CSV reader skips title
    lines (tables._skip_title_line); with ``fits``, a row it does not accept gives way to one of the next rows that
    it does, when no row above that one holds a URL (a report's summary rows, "Total URLs | 2", above the header)."""
    for at, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if sum(1 for cell in cells if cell) >= 2:
            at = _header_row(rows, at, fits)
            return rows[at:], at
    return rows, 0


def _header_row(rows: list[tuple[int, list[str]]], at: int, fits: Callable[[list[str]], bool] | None) -> int:
    """The header's position: ``at``, unless ``fits`` refuses it and accepts a later row with no URL above it."""
    if fits is None or fits(rows[at][1]):
        return at
    for later in range(at + 1, min(len(rows), HEADER_SEARCH_ROWS)):
        if any("://" in cell for cell in rows[later - 1][1]):
            break
        if fits(rows[later][1]):
            return later
    return at


def _frame(rows: list[tuple[int, list[str]]]) -> pd.DataFrame:
    header = rows[0][1]
    width = len(header)
    body = [(row, list(values[:width]) + [""] * (width - len(values))) for row, values in rows[1:]]
    frame = pd.DataFrame([values for _, values in body], columns=unique_headers(header), dtype=str)
    frame.index = pd.Index([row for row, _ in body], dtype="int64")
    return frame


def _sheet_rows(sheet, name: str, max_row: int | None = None) -> list[tuple[int, list[str]]]:
    """(spreadsheet row, cell texts) from the header row on, trailing empty columns trimmed; of the first
    `max_row` rows of the sheet when given. A row of more than MAX_COLUMNS cells is refused as a CSV's header
    line is (tables._check_width): a worksheet of 16,384 filled columns was read whole, a list of every row's cells.

    The sheet's stated size (its <dimension> element, written by the exporter) is set aside first: read-only
    openpyxl reads no row past it and pads every row to its width, so a workbook stating "A1:C2" was read as its
    first row alone without a word, and one stating "A1:XFD1048576" padded each row to 16,384 cells."""
    sheet.reset_dimensions()
    rows: list[tuple[int, list[str]]] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True, max_row=max_row), start=1):
        cells = [_cell_text(value) for value in values]
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) > MAX_COLUMNS:
            raise SiteDataError(f'the worksheet "{sheet.title}" has {len(cells):,} columns, more than the '
                                f"{MAX_COLUMNS:,} read (a crawl export has tens): export fewer columns", file=name,
                                row=number)
        if cells or rows:
            rows.append((number, cells))
        if len(rows) > MAX_ROWS + 1:
            break
    return rows


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).strip()


def sheet_hint(holds: str = "the crawl") -> str:
    """How the command line picks a worksheet (the dashboard lists them to pick from)."""
    option = "--links-sheet" if "link" in holds else "--sheet"
    return f"`{option} NAME` on the command line"


def other_sheets(attrs: Mapping, holds: str = "the crawl") -> tuple[str, str]:
    """(' in the worksheet "X"', '; the workbook's other worksheets are ...') for a workbook of several
    sheets whose read sheet lacks the expected columns; ("", "") otherwise."""
    others = [sheet for sheet in attrs.get("sheets", []) if sheet != attrs.get("sheet")]
    if not others:
        return "", ""
    swapped = attrs.get("swapped_sheets") or []
    if swapped and set(swapped) == set(others):   # a --sheet pick would only be refused as the other kind of table
        kind, other = ("pages (Address, Title 1, ...)", "pages file") if "link" in holds else \
            ("links (Source, Destination)", "existing links file")
        return (f' in the worksheet "{attrs["sheet"]}"', f"; the workbook's other worksheet{'s' if len(others) > 1 else ''} "
                f"{quoted(others)} hold{'' if len(others) > 1 else 's'} {kind}: give this workbook as the {other}")
    return (f' in the worksheet "{attrs["sheet"]}"', "; the workbook's other worksheets are "
            + ", ".join(f'"{sheet}"' for sheet in others) + f": pick the one that holds {holds} ({sheet_hint(holds)})")
