"""A links workbook's chosen sheet, handed to the importer as a one-sheet copy.

The pages importer reads any sheet by name (site_import.load_pages(sheet=...)); the links importer reads a
workbook's first sheet. When the user picks another sheet of a links workbook, the dashboard gives the
importer a copy holding only that sheet's values, and that copy is what the dataset store keeps and the job
reads, so the whole path agrees. openpyxl is the importer's own XLSX reader, so both see the same cells.
"""
from __future__ import annotations

import io


def only_sheet(data: bytes, sheet: str) -> bytes:
    """A workbook holding only `sheet`'s cell values (the importer reads values, not formulas or styles)."""
    import openpyxl   # on demand, as the importer does: it is slow to import

    source = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    target = openpyxl.Workbook(write_only=True)
    try:
        out = target.create_sheet(title=sheet)
        for row in source[sheet].iter_rows(values_only=True):
            out.append(list(row))
    finally:
        source.close()
    buffer = io.BytesIO()
    target.save(buffer)
    return buffer.getvalue()
