"""A UTF-8 CSV of an odd shape (rows shorter or longer than its header, title lines above the header, CR line
endings) rewritten, row by row, as the common file the low-memory reader reads (arrow_csv).

Why: such a file took the text path (tables.py), which holds the bytes, the decoded text, a StringIO copy and the
tolerant parser's rows at once: 14x the file for a 60 MB crawl with a title line and a few ragged rows
(bench/bench_import.py; the target is 3x). Rewritten here as it streams, to a temporary file the low-memory reader
then streams in turn, the file's shape is made regular the way
the text path reads it, so the rows, their numbers and the report are the same: a short row is padded with empty
fields, empty fields past the header's width (a trailing delimiter) are cut, and a row with more fields than the
header is blanked (so it is dropped) and listed as "N fields where the header has W" with its row. No copy of
the file is held in memory: a file on disk or a gzip body is read as it streams, and the rewritten copy is on disk
(held in memory, it added the file's size to the peak: 3.9x the file).

Kept apart from tables.py, which decides which reader reads a file: this module only reshapes rows, and answers
None for anything it cannot read as the text path would (bad UTF-8, a quote never closed, a file that ends
without a line break, whose last row may be cut short), which the text path then reads and reports on.
"""
from __future__ import annotations

import csv
import io
import zlib
from pathlib import Path
from typing import BinaryIO

from inlink.site import row_breaks
from inlink.site.arrow_csv import open_text


def reshape(data: bytes | Path, delimiter: str, headers: list[str], skipped_lines: int,
            out: BinaryIO) -> list[tuple[int, str]] | None:
    """The file's rows under its header (which stands after ``skipped_lines`` lines), each made as wide as
    ``headers``, written to ``out`` as a UTF-8 CSV (the same ``delimiter``) under a header line; the rows dropped,
    as (row in the file, the header being row 1 + skipped lines; why); None for a file the text path must read (see
    the module's docstring). A row already as wide as the header is written as it stands, in its own lines: the
    csv module writing every row again took 1.2 s of a 60 MB crawl's 2.4 s."""
    row_breaks.allow_long_fields()
    width, bad = len(headers), []
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")   # written as it goes: no copy of it all in memory
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\n")
    writer.writerow(headers)
    lines = _Lines(open_text(data))
    try:
        for _ in range(skipped_lines + 1):   # the title lines and the header
            lines.skip()
        for position, fields in enumerate(csv.reader(lines, delimiter=delimiter, strict=True)):
            raw = lines.take()
            row = _fitted(fields, width)
            if row is fields:
                text.write(raw)
                continue
            if row is None:
                bad.append((position + 2 + skipped_lines, f"{len(fields)} fields where the header has {width}"))
                row = [""] * width
            writer.writerow(row)
        text.flush()
    except (csv.Error, UnicodeDecodeError, OSError, EOFError, zlib.error):   # OSError, zlib: damaged gzip
        return None
    finally:
        lines.close()
        text.detach()
    return bad if lines.ended_with_break else None


def _fitted(fields: list[str], width: int) -> list[str] | None:
    """The row made ``width`` wide (the same list when it is, or when it is a blank line, kept blank so the rows
    after it keep their numbers); None for a row with more fields than that, the extra ones not all empty."""
    if not fields or len(fields) == width:
        return fields
    if len(fields) < width:
        return fields + [""] * (width - len(fields))
    return None if any(fields[width:]) else fields[:width]


class _Lines:
    """The file's lines as text (UTF-8, strict; any line ending, kept as it is, as the csv module asks for), and
    whether the last one ended with a line break: a file that does not may be cut short in its last row, which
    the text path leaves out and reports (row_breaks.cut_last_row)."""

    def __init__(self, raw):
        self.stream = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        self.ended_with_break = True
        self.read: list[str] = []   # the lines of the row being read

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.stream.readline()
        if not line:
            raise StopIteration
        self.ended_with_break = line.endswith(("\n", "\r"))
        self.read.append(line)
        return line

    def skip(self) -> None:
        next(self, None)
        self.read.clear()

    def take(self) -> str:
        """The lines read since the last call, as they stand: the csv module reads a row's lines, no further."""
        lines = "".join(self.read)
        self.read.clear()
        return lines

    def close(self) -> None:
        self.stream.close()
