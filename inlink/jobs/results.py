"""The results file and the checkpoint log: the exactly-once core of the job engine.

Per item the runner appends the item's rows to <id>_results.csv, then one checkpoint line to
<id>_checkpoints.log saying "item i is done, the results file is committed up to byte N". The log,
never a JSON counter, is the truth about what is done:
  - on recovery the last valid checkpoint gives the committed length; any bytes past it in the
    results file (rows of an item whose checkpoint never landed) and a torn last log line are cut;
  - readers read the results only up to the committed length, so they never see a torn row;
  - rows and counters (tokens, cost) are carried as running totals in every checkpoint, so the
    last line alone answers "how many rows / how much did it cost" without a scan.
A checkpoint line is "<crc32 hex> <json list>\n"; the CRC catches a line torn by a power cut.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import threading
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence


if TYPE_CHECKING:
    import pandas as pd

from inlink.exports import allow_large_fields, csv_rows, safe_csv_bytes
from inlink.fileio import open_private, write_all
from inlink.jobs.results_check import checked_rows, looks_whole, require_whole
from inlink.jobs.store import storage_error

_BLOCK = 64 * 1024
_NEEDS_QUOTES = re.compile(r'[",\r\n]|^\s|\s$').search
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
_quote = json.encoder.encode_basestring          # C-accelerated JSON string quoting
low_level_write = os.write                       # one name for tests to simulate a full disk


@dataclass
class Checkpoint:
    index: int                 # item position in Task.items()
    key: str                   # the item key (checked on resume: the item list must not change)
    rows: int                  # rows this item wrote
    rows_total: int            # rows committed up to and including this item
    offset: int                # committed length of the results file after this item
    counters: dict = field(default_factory=dict)        # this item's ctx.count() increments
    counters_total: dict = field(default_factory=dict)  # running sum over the job
    error: str | None = None   # message of the ItemError, if the item errored
    data: str | None = None    # "power" mode: the item's CSV text, to redo a lost results append

    def encode(self) -> bytes:
        return encode_line(self.index, self.key, self.rows, self.rows_total, self.offset,
                           _dumps(self.counters), _dumps(self.counters_total), self.error, self.data)


def encode_line(index: int, key: str, rows: int, rows_total: int, offset: int, counters_json: str,
                totals_json: str, error: str | None, data: str | None) -> bytes:
    """One log line, built by hand: this runs once per item and json.dumps of a list is slower."""
    tail = "" if data is None else "," + _quote(data)
    payload = (f"[{index},{_quote(key)},{rows},{rows_total},{offset},{counters_json},{totals_json},"
               f"{'null' if error is None else _quote(error)}{tail}]").encode()
    return b"%08x %s\n" % (zlib.crc32(payload), payload)


def parse_checkpoint(line: bytes) -> Checkpoint | None:
    """A checkpoint from one log line, or None when the line is torn or corrupt."""
    try:
        crc, payload = line.split(b" ", 1)
        if int(crc, 16) != zlib.crc32(payload):
            return None
        return Checkpoint(*json.loads(payload))
    except (ValueError, TypeError):
        return None


# ----------------------------------------------------------------------------- reading the log
def _last_newline_end(f, size: int) -> int:
    """Offset just past the last b'\\n' (bytes after it are a torn line)."""
    pos = size
    while pos > 0:
        step = min(_BLOCK, pos)
        pos -= step
        f.seek(pos)
        found = f.read(step).rfind(b"\n")
        if found >= 0:
            return pos + found + 1
    return 0


def _lines_reversed(f, end: int) -> Iterator[tuple[int, bytes]]:
    """(start offset, line without its newline) of every line in [0, end), last first."""
    pos, carry = end - 1, b""   # end - 1 is the final newline itself
    while pos > 0:
        step = min(_BLOCK, pos)
        pos -= step
        f.seek(pos)
        buf = f.read(step) + carry
        parts = buf.split(b"\n")
        idx = len(buf)
        for part in reversed(parts[1:]):
            idx -= len(part)
            yield pos + idx, part
            idx -= 1
        carry = parts[0]
    if end > 0:
        yield 0, carry


def checkpoints_reversed(path: Path) -> Iterator[tuple[int, int, Checkpoint]]:
    """(line start, line end, checkpoint) of every valid checkpoint, newest first."""
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        return
    with f:
        end = _last_newline_end(f, os.fstat(f.fileno()).st_size)
        for start, line in _lines_reversed(f, end):
            record = parse_checkpoint(line)
            if record is not None:
                yield start, start + len(line) + 1, record


def last_checkpoint(path: Path) -> Checkpoint | None:
    return next((rec for _, _, rec in checkpoints_reversed(path)), None)


def header_bytes(columns: Sequence[str]) -> bytes:
    return format_rows([dict(zip(columns, columns))], columns, set(columns))


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def recover_files(results: Path, checkpoints: Path, columns: Sequence[str]) -> Checkpoint | None:
    """Make both files agree with the log's last valid checkpoint; return it.

    Called by the one owner of a job before it writes. Rows past the last checkpoint (an item
    whose checkpoint never landed) are cut. If the results file lost committed bytes (power cut in
    "crash" mode) the log is cut back to what the file still holds, unless the lost items carry
    their rows in the log ("power" mode): then the rows are written again.
    """
    try:
        size = _file_size(results)
        base, cut, redo = None, 0, []
        for _, line_end, record in checkpoints_reversed(checkpoints):
            if record.offset <= size:
                base, cut = record, line_end
                break
            redo.append((line_end, record))
        redo.reverse()
        size = _redo(results, base, redo, columns)
        if redo and size == redo[-1][1].offset:
            base, cut = redo[-1][1], redo[-1][0]
        if checkpoints.exists() and _file_size(checkpoints) != cut:
            os.truncate(checkpoints, cut)
        if base is None:
            _reset_to_header(results, header_bytes(columns))
        elif _file_size(results) > base.offset:
            os.truncate(results, base.offset)
        return base
    except OSError as exc:
        raise storage_error(exc, f"recover {results.name}") from exc


def _reset_to_header(path: Path, header: bytes) -> None:
    """The results file holding its header alone: cut back to it when the file opens with it, else written anew.
    Cut, not written: an export read while a job without a checkpoint recovered found the file emptied, between
    the truncation and the header's write, and came out without its header line."""
    try:
        with open(path, "rb") as f:
            opens_with_header = f.read(len(header)) == header
    except FileNotFoundError:
        opens_with_header = False
    if opens_with_header:
        os.truncate(path, len(header))
    else:
        _rewrite(path, header)


def _rewrite(path: Path, data: bytes) -> None:
    """Replace a file's content in place (created 0600 when missing, like every job file)."""
    fd = open_private(path, os.O_WRONLY | os.O_TRUNC)
    try:
        write_all(fd, data)
    finally:
        os.close(fd)


def _redo(results: Path, base: Checkpoint | None, redo: list, columns: Sequence[str]) -> int:
    """Re-append rows kept in the log after `base`; the new results size (-1 when nothing redone)."""
    start = base.offset if base else len(header_bytes(columns))
    chunks = []
    for _, record in redo:
        data = (record.data or "").encode()
        if record.data is None and record.rows or start + len(data) != record.offset:
            return -1                            # no copy of these rows: cut back instead
        chunks.append(data)
        start = record.offset
    if not redo:
        return -1
    if base is None:
        _reset_to_header(results, header_bytes(columns))
    else:
        os.truncate(results, base.offset)
    with open(results, "ab") as f:
        f.write(b"".join(chunks))
        f.flush()
        os.fsync(f.fileno())
    return start


# ----------------------------------------------------------------------------- writing
def _cell(value) -> str:
    cls = value.__class__
    if cls is str:
        return '"' + value.replace('"', '""') + '"' if _NEEDS_QUOTES(value) else value
    if cls is int or cls is float:
        return str(value)
    return "" if value is None else _cell(str(value))


def format_rows(rows: Sequence[dict], columns: Sequence[str], column_set: set) -> bytes:
    return format_text(rows, columns, column_set).encode()


def format_text(rows: Sequence[dict], columns: Sequence[str], column_set: set) -> str:
    """CSV lines for rows; a key outside `columns` is a task bug and is refused, not dropped."""
    lines = []
    for row in rows:
        if not column_set.issuperset(row):
            unknown = sorted(set(row) - column_set)
            raise ValueError(f"row has columns {unknown} that are not in the task's result_columns")
        lines.append(",".join([_cell(row.get(c)) for c in columns]))
    return "\n".join(lines) + "\n" if lines else ""


class ResultsWriter:
    """Appends one item's rows and its checkpoint with two raw writes.

    "crash": survives kill -9 (the kernel has both writes). "power": one fdatasync per item, on the
    log, which then also carries the item's rows so a results append lost with the page cache is
    redone on recovery (one sync instead of two).
    """

    def __init__(self, results: Path, checkpoints: Path, columns: Sequence[str],
                 last: Checkpoint | None, durability: str = "crash", newer: Sequence[str] = ()):
        """`columns` are the file's; `newer` the columns a newer version of the task writes on top of them (a job
        created before they existed): accepted in a row and left out of the file, whose lines keep its header's."""
        if durability not in ("crash", "power"):
            raise ValueError(f"durability must be 'crash' or 'power', not {durability!r}")
        self.columns = tuple(columns)
        self._column_set = set(self.columns) | set(newer)
        self._sync = durability == "power"
        self.offset = last.offset if last else len(header_bytes(self.columns))
        self.rows_total = last.rows_total if last else 0
        self.counters_total = dict(last.counters_total) if last else {}
        self._totals_json = _dumps(self.counters_total)
        self.next_index = last.index + 1 if last else 0
        flags = os.O_WRONLY | os.O_APPEND
        self._results_fd = self._log_fd = -1
        try:
            self._results_fd = open_private(results, flags)
            self._log_fd = open_private(checkpoints, flags)
        except OSError as exc:
            self.close()                   # the results file may be open already
            raise storage_error(exc, f"open {results.name}") from exc
        self._log_size = os.fstat(self._log_fd).st_size

    def commit(self, index: int, key: str, rows: Sequence[dict], counters: dict | None = None,
               error: str | None = None) -> None:
        """Rows first, then the checkpoint that makes them count: the hot path of every job."""
        text = format_text(rows, self.columns, self._column_set) if rows else ""
        data = text.encode()
        offset, rows_total = self.offset + len(data), self.rows_total + len(rows)
        if counters:
            totals = dict(self.counters_total)
            for name, value in counters.items():
                totals[name] = totals.get(name, 0) + value
            totals_json, counters_json = _dumps(totals), _dumps(counters)
        else:
            totals, totals_json, counters_json = self.counters_total, self._totals_json, "{}"
        line = encode_line(index, key, len(rows), rows_total, offset, counters_json, totals_json,
                           error, text if self._sync else None)
        if data:
            self._append(self._results_fd, data, self.offset, "append results", sync=False)
        self._append(self._log_fd, line, self._log_size, "write the checkpoint", sync=self._sync)
        self.offset, self.rows_total, self.next_index = offset, rows_total, index + 1
        self.counters_total, self._totals_json = totals, totals_json
        self._log_size += len(line)

    @staticmethod
    def _append(fd: int, data: bytes, size_before: int, action: str, sync: bool) -> None:
        try:
            written = low_level_write(fd, data)
            if written != len(data):
                write_all(fd, data[written:])
            if sync:
                os.fdatasync(fd)
        except OSError as exc:
            try:                           # leave no half-written bytes behind
                os.ftruncate(fd, size_before)
            except OSError:
                pass
            raise storage_error(exc, action) from exc

    def close(self) -> None:
        for fd in (self._results_fd, self._log_fd):
            try:
                os.close(fd)
            except OSError:
                pass


# ----------------------------------------------------------------------------- reading results
def committed_length(results: Path, checkpoints: Path) -> tuple[Checkpoint | None, int]:
    """The newest checkpoint whose rows the results file holds in full, and how many bytes of it
    a reader may read: an item boundary, never the middle of a row (after a power cut, until
    recovery has cut the log back or redone the rows, the log may claim bytes the file lacks)."""
    size = _file_size(results)
    for _, _, last in checkpoints_reversed(checkpoints):
        if last.offset <= size:
            return last, last.offset
    with open(results, "rb") if size else io.BytesIO() as f:
        header = f.readline()
    return None, len(header) if header.endswith(b"\n") else 0


def _read_span(path: Path, start: int, end: int) -> bytes:
    if end <= start:
        return b""
    with open(path, "rb") as f:
        f.seek(start)
        return f.read(end - start)


def _parse(source, columns: Sequence[str] | None = None, nrows: int | None = None,
           types: dict | None = None) -> pd.DataFrame:
    """CSV -> frame; empty cells stay "" and numbers become numbers, but for the columns `types` reads as str.
    `columns` = no header line."""
    import pandas as pd    # on demand: `inlink jobs list` and the item loop never need it
    return pd.read_csv(source, header=None if columns else 0,
                       names=list(columns) if columns else None, nrows=nrows, dtype=types,
                       keep_default_na=False, na_values=[], encoding="utf-8")


class _Bounded(io.RawIOBase):
    """A file reader that stops at the committed length (pandas then reads only what it needs)."""

    def __init__(self, path: Path, end: int, start: int = 0):
        self._f, self._left = open(path, "rb"), end - start
        self._f.seek(start)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._f.readinto(memoryview(buffer)[: max(0, min(len(buffer), self._left))])
        self._left -= n
        return n

    def close(self) -> None:
        self._f.close()
        super().close()


def read_results(results: Path, checkpoints: Path, columns: Sequence[str],
                 limit: int | None = None, tail: bool = False,
                 numeric: Sequence[str] | None = None) -> pd.DataFrame:
    """The committed rows as a frame: `numeric` (Task.numeric_columns) read as numbers, the other columns as text
    exactly as written; with numeric=None (a job made before tasks declared them) every column's type is guessed."""
    last, end = committed_length(results, checkpoints)
    return _read_committed(results, checkpoints, columns, last, end, limit, tail, numeric)


def _read_committed(results: Path, checkpoints: Path, columns: Sequence[str], last: Checkpoint | None, end: int,
                    limit: int | None = None, tail: bool = False,
                    numeric: Sequence[str] | None = None) -> pd.DataFrame:
    """read_results of the rows up to `end`, the committed length `last` gives."""
    import pandas as pd

    if last is None or last.rows_total == 0 or limit == 0:
        return pd.DataFrame(columns=list(columns))
    numbers = None if numeric is None else frozenset(numeric)
    types = None if numbers is None else {column: str for column in columns if column not in numbers}
    if tail and limit is not None and limit < last.rows_total:
        start, rows = _tail_start(checkpoints, limit, len(header_bytes(columns)), end)
        return _checked_parse(results, start, end, columns, rows, types).tail(limit).reset_index(drop=True)
    if limit is not None:
        with io.BufferedReader(_Bounded(results, end)) as f:
            return _parse(f, nrows=limit, types=types)
    return _checked_parse(results, 0, end, columns, last.rows_total, types)


def _checked_parse(results: Path, start: int, end: int, columns: Sequence[str], expected: int,
                   types: dict | None) -> pd.DataFrame:
    """The rows of results[start:end] (the header first when start is 0) as a frame, once the csv module has found
    them to be the rows the job wrote (results_check): pandas reads a row with a cell too few as one whose last
    cell is empty, a row two quotes joined as one, and the header as it stands."""
    header = start == 0
    _check_span(results, start, end, columns, expected, header)
    with io.BufferedReader(_Bounded(results, end)) if header else io.BytesIO(_read_span(results, start, end)) as f:
        return _parse(f, None if header else columns, types=types)


def _check_span(results: Path, start: int, end: int, columns: Sequence[str], expected: int, header: bool) -> None:
    """Read results[start:end] row by row with the csv module (as it is read: never all of it in memory), raising
    DamagedResults at the first fault; not when pyarrow's count finds the rows whole first (results_check.looks_whole)."""
    with io.BufferedReader(_Bounded(results, end, start)) as rows:
        if looks_whole(rows, columns, expected, header):
            return
    allow_large_fields()
    with io.TextIOWrapper(io.BufferedReader(_Bounded(results, end, start)), encoding="utf-8", errors="replace",
                          newline="") as text:
        for _ in checked_rows(csv.reader(text), results, columns, expected,
                              lambda: _read_span(results, 0, start).count(b"\n"), header):
            pass


class ResultFrames:
    """The last KEEP whole reads of results files, each kept with the committed length it read, by file (its path and
    inode). Committed rows never change (the file is append-only, and recovery cuts only rows no checkpoint
    committed), so a read of the same length is the same frame, and a longer one is that frame and the rows after
    it: an opened job's page reads all its rows on every rerun (each Accept, filter or page of cards), and parsing
    250,000 rows took seconds each time, again at each click while the job ran. Each caller gets its own copy
    (cheap: pandas copies on write), so no caller changes another's rows."""

    KEEP = 2   # an opened job in each of two tabs; a frame of 250,000 rows holds about 130 MB

    def __init__(self) -> None:
        self._frames: dict[tuple, tuple[int, pd.DataFrame]] = {}
        self._lock = threading.Lock()

    def read(self, results: Path, checkpoints: Path, columns: Sequence[str],
             numeric: Sequence[str] | None = None) -> pd.DataFrame:
        """read_results(results, checkpoints, columns, numeric=numeric): from memory when nothing was committed
        since the last read, else the rows committed since then read and added to it."""
        last, end = committed_length(results, checkpoints)
        try:
            inode = os.stat(results).st_ino
        except FileNotFoundError:
            inode = None
        key = (str(results), inode, tuple(columns), None if numeric is None else tuple(numeric))
        with self._lock:
            read_to, frame = self._frames.get(key, (None, None))
        if read_to != end:
            grown = None
            if read_to is not None and read_to < end and numeric is not None and len(frame):
                grown = _with_rows_after(frame, results, read_to, end, columns, numeric,
                                         last.rows_total - len(frame))
            frame = grown if grown is not None else \
                _read_committed(results, checkpoints, columns, last, end, numeric=numeric)
            with self._lock:
                self._frames = {k: v for k, v in self._frames.items() if k[0] != key[0]}   # that file's older read
                self._frames[key] = end, frame
                while len(self._frames) > self.KEEP:
                    self._frames.pop(next(iter(self._frames)))
        return frame.copy()


def _with_rows_after(frame: pd.DataFrame, results: Path, start: int, end: int, columns: Sequence[str],
                     numeric: Sequence[str], expected: int) -> pd.DataFrame | None:
    """`frame` (the rows up to `start`, an item boundary) and the rows committed from there to `end`, read as
    read_results reads them; None when the new rows read a column as another type than `frame` holds: a whole read
    types a numeric column once for all its rows (200 and an empty cell are "200" and ""), and the two parts joined
    held 200 beside "" (another frame than a fresh read's)."""
    import pandas as pd

    types = {column: str for column in columns if column not in frozenset(numeric)}
    rows = _checked_parse(results, start, end, columns, expected, types)
    if not rows.dtypes.equals(frame.dtypes):
        return None
    return pd.concat([frame, rows], ignore_index=True)


def iter_result_rows(results: Path, checkpoints: Path) -> Iterator[dict[str, str]]:
    """The committed rows as dicts of strings, by the csv module (no pandas: see TaskContext.result_rows), one row
    at a time as the caller takes them: a fetch job's rows hold whole pages, and a resumed run that wanted their
    addresses alone held every page's text at once."""
    last, end = committed_length(results, checkpoints)
    if last is None or last.rows_total == 0:
        return
    allow_large_fields()
    with io.TextIOWrapper(io.BufferedReader(_Bounded(results, end)), encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


def _tail_start(checkpoints: Path, limit: int, header_len: int, end: int) -> tuple[int, int]:
    """Byte offset of an item boundary with at least `limit` committed rows between it and `end`, and how many rows
    the checkpoints commit there (what the rows read from it are checked against)."""
    rows = 0
    for _, _, record in checkpoints_reversed(checkpoints):
        if record.offset > end:
            continue                             # past what the reader may read
        if rows >= limit:
            return record.offset, rows
        rows += record.rows
    return header_len, rows


def require_all_committed(results: Path, checkpoints: Path) -> None:
    """DamagedResults unless the results file holds every byte the newest checkpoint commits: asked of a job no
    process writes, whose file was then cut short by hand (readers would read the items it still holds in full and
    say nothing of the others)."""
    newest = last_checkpoint(checkpoints)
    require_whole(results, _file_size(results), newest.offset if newest else 0)


def results_csv_bytes(results: Path, checkpoints: Path, keep: Sequence[bool] | None = None,
                      columns: Sequence[str] | None = None, whole: bool = False) -> bytes:
    """The committed results as CSV (UTF-8 with BOM for spreadsheets), formula-injection safe; with `keep`, the rows
    whose position in it is true, picked before they are written (the accepted rows of a 250,000-row job were
    picked out of the whole export, written and then read again: 5.5 s for 20 rows).

    The rows are checked as they are written (results_check: DamagedResults names the file and line): against the
    header `columns` when given; with `whole` (a job no process writes), the file must also hold every committed
    byte."""
    last, end = committed_length(results, checkpoints)
    rows = csv_rows(_read_span(results, 0, end))
    if end:
        rows = checked_rows(rows, results, columns, last.rows_total if last else 0)
    header = next(rows, [])
    data = safe_csv_bytes(header, rows if keep is None else (row for row, kept in zip(rows, keep) if kept))
    if whole:        # after the rows: a fault in them (a renamed header) is said at its line, not as a shorter file
        require_all_committed(results, checkpoints)
    return data
