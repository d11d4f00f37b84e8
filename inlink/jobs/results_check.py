"""The check that a job's results file still holds what its checkpoints committed, made as its rows are read.

Why: the results file is plain CSV in the jobs folder, and one edited by hand (a row cut short, a stray quote that
joins two rows, a renamed header, a file cut in half) was read as it stood: `jobs export` wrote fewer rows, or cells
shifted under the wrong headers, and exited 0. Every reader of all the rows (the CSV export, the frame behind the
Excel export and the review) goes through here, so the command line and the dashboard say the same sentence: the
file, the line, what is wrong there.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from inlink.jobs.state import DamagedResults

REMEDY = ("the file was changed after the job wrote it: put back the job's own copy, or delete the job and run it "
          "again")


def damaged(path: Path, problem: str, line: int | None = None) -> DamagedResults:
    """The error for a results file that does not hold what the job wrote, naming the file and, when known, the
    line (1 is the header)."""
    where = f"{path}, line {line:,}" if line else str(path)
    return DamagedResults(f"the job's results cannot be read: {where}: {problem}; {REMEDY}")


def checked_rows(reader: Iterable[list[str]], path: Path, columns: Sequence[str] | None, expected: int | None,
                 lines_before: Callable[[], int] = lambda: 0, header: bool = True) -> Iterator[list[str]]:
    """The rows of `reader` (a csv.reader over committed bytes of `path`; the header first when `header`), checked
    as they go by: the header is `columns` (when given), each row has as many cells as the header, and there are
    `expected` rows in all (when given). A fault raises DamagedResults at its line; `lines_before` counts the file's
    lines before the bytes read, and is only called then (a reader of the rows added since its last read)."""
    rows = iter(reader)
    width = None if columns is None else len(columns)
    if header:
        first = next(rows, None)
        if first is None or (columns is not None and first != list(columns)):
            raise damaged(path, f"the header reads {_cells(first)} where the job wrote {_cells(columns)}",
                          lines_before() + 1)
        width = len(first)
        yield first
    ended, count = _line_num(reader), 0
    for row in rows:
        if width is not None and len(row) != width:
            raise damaged(path, f"the row has {len(row)} cells where the header has {width} (a row cut short, or "
                                "a quote or comma added)", lines_before() + ended + 1)
        ended = _line_num(reader)
        count += 1
        yield row
    if expected is not None and count != expected:
        raise damaged(path, f"it holds {count:,} rows where the job committed {expected:,} (a row removed, added, or "
                            "two joined by a quote)")


def require_whole(path: Path, size: int, committed: int) -> None:
    """A results file shorter than its newest checkpoint commits, of a job no process is writing: cut short after
    the job wrote it. (A running job's may be, until its recovery after a power cut: readers read up to the last
    item the file holds in full then, see results.committed_length.)"""
    if size < committed:
        raise damaged(path, f"it holds {size:,} bytes where the job committed {committed:,}, so it was cut short")


def _cells(row: Sequence[str] | None) -> str:
    return "nothing" if not row else repr(",".join(row))


def _line_num(reader) -> int:
    """The line the reader has read up to (a csv.reader's line_num; 0 for a plain iterable of rows)."""
    return getattr(reader, "line_num", 0)


def looks_whole(stream, columns: Sequence[str], expected: int, header: bool) -> bool:
    """Whether a binary stream of a results file's rows (the header first when `header`) holds `expected` rows, each
    as wide as `columns`, and that header: the common answer, told fast; False on any doubt, and then checked_rows
    says what is wrong and at which line.

    Why: checked_rows reads every row with the csv module, 0.44 s of a 250,000-row file (the whole read took 0.74 s:
    `jobs export` to Excel, the review's first read); pyarrow's CSV reader counts the same rows, and fails a row of
    another width, in 0.06 s. It reads them in blocks of 1 MiB: a row longer than that is a doubt."""
    if header:
        first = stream.readline().decode("utf-8", "replace")
        if next(csv.reader([first.rstrip("\r\n")]), None) != list(columns):
            return False
    try:
        import pyarrow
        from pyarrow import csv as arrow_csv
    except ImportError:   # (it is in requirements.txt) the csv module checks the rows
        return False
    names = [f"c{position}" for position in range(len(columns))]
    try:
        reader = arrow_csv.open_csv(
            pyarrow.PythonFile(stream, mode="r"),
            read_options=arrow_csv.ReadOptions(column_names=names, use_threads=False, block_size=1 << 20),
            parse_options=arrow_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=arrow_csv.ConvertOptions(include_columns=names[:1], column_types={names[0]: pyarrow.binary()}))
        return sum(batch.num_rows for batch in reader) == expected
    except (pyarrow.ArrowInvalid, OSError, ValueError):   # a row of another width, one longer than a block
        return False
