"""Workbooks with several sheets: name them, and hand the importer the one sheet the user picked.

The importer reads a workbook's first sheet. Until it can be told which sheet to read (the site importer's
side, inlink/site/tables.py), the dashboard gives it a copy of the workbook that holds only the chosen
sheet's values; that copy is what the dataset store keeps and the job reads, so the whole path agrees.
openpyxl is the importer's own XLSX reader, so both see the same cells.
"""
from __future__ import annotations

import io
import zipfile


def is_workbook(name: str) -> bool:
    return str(name).lower().endswith(".xlsx")


def sheet_names(data: bytes) -> list[str]:
    """The workbook's sheet names in order; [] when it cannot be read (the importer then explains why)."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return []
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def only_sheet(data: bytes, sheet: str) -> bytes:
    """A workbook holding only `sheet`'s cell values (the importer reads values, not formulas or styles)."""
    import openpyxl

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
