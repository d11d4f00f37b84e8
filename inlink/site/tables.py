"""Read an uploaded table (CSV, gzipped CSV or XLSX) into a frame of strings.

Kept apart from site_import.py because file decoding (encodings, delimiters, workbooks, size limits) has
nothing to do with what the columns mean. Every failure becomes a SiteDataError naming the file, so the
dashboard shows a sentence, never a traceback.

The returned frame's index is the 1-based row in the file, the header being row 1 (for a CSV whose fields
hold no line breaks this is the line number; for a workbook it is the spreadsheet row). Rows dropped while
parsing are listed in ``frame.attrs["bad_rows"]`` as (row, reason); other notes (e.g. the encoding used)
in ``frame.attrs["notes"]``.
"""
from __future__ import annotations

import csv
import gzip
import io
import os
import re
import warnings
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from inlink.site import charsets
from inlink.site.heap import TRIM_EVERY, HeapTrimmer

MAX_BYTES = 1_000_000_000  # larger files are refused: the app keeps the whole table in memory (~4x)
MAX_ROWS = 500_000              # larger tables are refused for the same reason
DELIMITERS = (",", ";", "\t", "|")
_BAD_ROW_MARKER = "\uffff<bad row>"
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_GZIP_MAGIC = b"\x1f\x8b"


class SiteDataError(ValueError):
    """The one error type for bad input files; the message names file, row and column where they apply."""

    def __init__(self, message: str, file: str | None = None, row: int | None = None,
                 column: str | None = None):
        self.file, self.row, self.column, self.detail = file, row, column, message
        super().__init__(self._compose())

    def _compose(self) -> str:
        where = [part for part in (self.file, self.row and f"row {self.row}",
                                   self.column and f'column "{self.column}"') if part]
        return f"{', '.join(where)}: {self.detail}" if where else self.detail


TABLE_SUFFIXES = (".csv.gz", ".tsv.gz", ".txt.gz", ".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".gz")


def table_suffix(filename: str) -> str:
    """The ending to keep when a stored copy of an upload is renamed (pages.csv.gz -> .csv.gz); .csv if odd.

    read_table sniffs gzip and XLSX by their bytes, so the ending only keeps stored copies recognisable.
    """
    lowered = (filename or "").lower()
    return next((suffix for suffix in TABLE_SUFFIXES if lowered.endswith(suffix)), ".csv")


def read_table(source, filename: str | None = None, sheet: str | None = None, *,
               categories: bool = False) -> pd.DataFrame:
    """Return the table in ``source`` (path, bytes or file-like with .getvalue()/.read()) as strings.

    ``sheet`` picks a workbook's worksheet by name (default: the first; ignored for CSV). The frame's attrs
    hold "notes", "bad_rows" ((row, reason[, column]) of dropped rows), "encoding" (CSV: what was used and
    how it was found) and, for a workbook, "sheets" and "sheet". ``categories``: the short columns of a
    CSV read by the low-memory reader come as pandas Categorical of their distinct values (the links
    importer's form, inlinks.py); other columns and files as strings all the same.
    """
    data, name = _open_source(source, filename)
    frame = _read_plain_utf8(data, name, categories)   # the common file, streamed from its path or bytes (even gzipped)
    if frame is None:
        data, name = _gunzip(_read_path(data, name) if isinstance(data, Path) else data, name)
        if not data or (data[:4096].isspace() and data.isspace()):   # no full copy of a large file
            raise SiteDataError("the file is empty", file=name)
        if data.startswith(_XLS_MAGIC):
            raise SiteDataError("old Excel .xls workbooks are not supported; save it as .xlsx or CSV", file=name)
        if _is_workbook(data, name):
            # on demand: openpyxl is slow to import
            from inlink.site.workbooks import read_xlsx
            return _finish(read_xlsx(data, name, sheet), name)
        frame = _read_csv(data, name)
        if name.lower().endswith(WORKBOOK_NAMES):   # text saved under a workbook's name (many exporters do)
            frame.attrs["notes"].append(f"{name} is named like an Excel workbook but holds text: it was read as "
                                        "a CSV file")
    if sheet:
        frame.attrs["notes"].append(f'{name} is a CSV file, not a workbook: the worksheet "{sheet}" asked '
                                    "for was ignored")
    return _finish(frame, name)


def sheet_names(source, filename: str | None = None) -> list[str]:
    """The worksheet names of a workbook, in order; [] for a CSV (one table, nothing to pick)."""
    data, name = _read_source(source, filename)
    data, name = _gunzip(data, name)
    if not _is_workbook(data, name):
        return []
    # on demand: openpyxl is slow to import
    from inlink.site.workbooks import worksheet_names
    return worksheet_names(data, name)


#: Names of Excel workbooks; a file so named whose bytes are no workbook (a CSV or tab-separated text saved as
#: .xls / .xlsx) is read as the text it is: it was refused as "not a readable XLSX workbook" or "old Excel .xls".
WORKBOOK_NAMES = (".xls", ".xlsx", ".xlsm")


def _is_workbook(data: bytes, name: str) -> bool:
    """A zip: an XLSX workbook (read, or refused as unreadable, by workbooks.py), whatever its name."""
    return data.startswith(_XLSX_MAGIC)


def source_name(source, filename: str | None = None) -> str:
    """The name to show for ``source`` in messages: the given filename, else its own name, else a generic one."""
    if filename:
        return Path(str(filename)).name
    if isinstance(source, (str, os.PathLike)):
        return Path(source).name
    name = getattr(source, "name", None)
    return Path(str(name)).name if isinstance(name, (str, os.PathLike)) and name else "uploaded file"


def _read_source(source, filename: str | None) -> tuple[bytes, str]:
    """Bytes of the source, refusing anything over MAX_BYTES before reading it where the size is known."""
    data, name = _open_source(source, filename)
    return (_read_path(data, name) if isinstance(data, Path) else data), name


def _open_source(source, filename: str | None) -> tuple[bytes | Path, str]:
    """The source's bytes, or for a file on disk its checked path (read whole only by the text path)."""
    name = source_name(source, filename)
    if isinstance(source, (str, os.PathLike)):
        return _read_path(Path(source), name, whole=False), name
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif hasattr(source, "getvalue"):
        data = source.getvalue()
    elif hasattr(source, "read"):
        data = source.read(MAX_BYTES + 1)
    else:
        raise SiteDataError(f"cannot read a {type(source).__name__}; give a path, bytes or an upload", file=name)
    if isinstance(data, str):
        data = data.encode("utf-8")
    _check_size(len(data), name)
    return data, name


def _read_path(path: Path, name: str, whole: bool = True) -> bytes | Path:
    """The file's bytes (``whole``), or its path once known to be a readable file within MAX_BYTES."""
    try:
        _check_size(path.stat().st_size, name)
        if whole:
            return path.read_bytes()
        if path.is_dir():
            raise IsADirectoryError(path)
        path.open("rb").close()
        return path
    except FileNotFoundError:
        raise SiteDataError("file not found", file=str(path)) from None
    except IsADirectoryError:
        raise SiteDataError("is a folder, not a file", file=str(path)) from None
    except OSError as exc:
        raise SiteDataError(f"cannot be read ({exc.strerror or exc})", file=str(path)) from None


def _check_size(size: int, name: str) -> None:
    if size > MAX_BYTES:
        raise SiteDataError(f"the file is too large ({size / 1e6:.0f} MB; the limit is "
                            f"{MAX_BYTES / 1e6:.0f} MB): export fewer columns or split the crawl", file=name)


def _gunzip(data: bytes, name: str) -> tuple[bytes, str]:
    """Unpack a gzipped upload (e.g. pages.csv.gz), keeping the size limit on the unpacked bytes."""
    if not data.startswith(_GZIP_MAGIC):
        return data, name
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as unpacked:
            data = _read_at_most(unpacked, MAX_BYTES + 1)
    except EOFError:
        raise SiteDataError("the gzip data is cut short (the file ends before its packed data does): "
                            "download or export it again", file=name) from None
    except (OSError, zlib.error) as exc:   # zlib: "Error -3 while decompressing"; OSError: CRC, bad header
        detail = str(exc).split(": ", 1)[-1] if isinstance(exc, zlib.error) else str(exc)
        raise SiteDataError(f"the gzip data is damaged ({detail}): download or export it again",
                            file=name) from None
    _check_size(len(data), name)
    return data, name


def _read_at_most(stream, limit: int) -> bytes:
    """Up to `limit` bytes of a stream, in 1 MiB pieces: read(limit) would reserve the whole limit (1 GB) at
    once, and joining a list of pieces would hold the data twice; BytesIO hands its buffer over uncopied."""
    out = io.BytesIO()
    while out.tell() < limit:
        piece = stream.read(min(1 << 20, limit - out.tell()))
        if not piece:
            break
        out.write(piece)
    return out.getvalue()


def _decode(data: bytes, name: str) -> tuple[str, charsets.Detected, bool]:
    """Text, the detected encoding, and whether some bytes did not decode (marked for charsets.bad_cells)."""
    found = charsets.detect_encoding(data)
    text, marked = charsets.decode(data, found.encoding)
    return text, found, marked


def _encoding_notes(found: charsets.Detected, name: str) -> list[str]:
    """A note for anything but plain UTF-8, so a wrong guess can be seen (and fixed by saving as UTF-8)."""
    if found.source in ("valid UTF-8", "byte-order mark") and found.is_utf8:
        return []
    return [(f"{name} was read as {found.label} text ({found.source}); if its letters look wrong, save it "
             "as CSV UTF-8 and load it again")]


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


def _looks_binary(text: str) -> bool:
    """Control characters other than tab/newline are rare in text and common in binary junk."""
    sample = text[:65536]
    return len(_CONTROL_CHARS.findall(sample)) > max(2, len(sample) // 200)


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header line most often (comma when there is a tie or none)."""
    header = next(csv.reader(io.StringIO(text[:65536].lstrip("\r\n"), newline="")), [""])
    line = ",".join(header) if len(header) > 1 else (header[0] if header else "")
    counts = {delim: (len(header) - 1 if delim == "," else line.count(delim)) for delim in DELIMITERS}
    best = max(DELIMITERS, key=lambda delim: counts[delim])
    return best if counts[best] > counts[","] else ","


def _read_csv(data: bytes, name: str) -> pd.DataFrame:
    """The text path: any encoding, line ending, title line, ragged rows or bad cells (each reported)."""
    text, found, marked = _decode(data, name)
    if _looks_binary(text):
        raise SiteDataError("looks like a binary file, not a CSV or XLSX table", file=name)
    text = _unify_line_endings(text)
    text, title_lines = _skip_title_line(text)
    delimiter = sniff_delimiter(text)
    frame = _parse_any(text, delimiter, name, title_lines)
    if marked or "\x00" in text:
        _drop_bad_cells(frame, found)
    notes = _encoding_notes(found, name)
    if delimiter != ",":
        notes.append(f"{name} uses {'tab' if delimiter == chr(9) else repr(delimiter)} as column separator")
    if title_lines:
        frame.attrs["bad_rows"] = [(row + title_lines, *rest) for row, *rest in frame.attrs["bad_rows"]]
        notes.append(f"{name}: {title_lines} line{' was' if title_lines == 1 else 's were'} above the column names, skipped")
    frame.attrs.update(notes=notes, header_row=1 + title_lines, encoding=found.label)
    return frame


def _read_plain_utf8(data: bytes | Path, name: str, categories: bool = False) -> pd.DataFrame | None:
    """The common file (UTF-8, header on the first line, LF or CRLF endings, no NUL byte, every row as wide as
    the header or blank), gzipped or not, parsed by pyarrow's streaming CSV reader; None for any other file,
    which the text path reads and reports on.

    Why (bench/bench_import.py, target: the importer's peak <= 3x the file): the text path holds the bytes,
    the decoded text, a StringIO copy (4 bytes a character) and the parser's own buffers at once, about 10x
    the file. Here a gzipped file is unpacked as it is parsed (the unpacked bytes are never whole in memory),
    and the long text columns become Python strings block by block (see _read_columns), so a crawl's body
    text never exists as Arrow buffers next to its Python strings. Everything but the parse looks at the head
    only.
    """
    if name.lower().endswith(WORKBOOK_NAMES):
        return None
    head = _unpacked_head(data)
    if not head or b"\x00" in head or b"\n" not in head or head.startswith((_XLSX_MAGIC, _XLS_MAGIC)):
        return None
    sample = head.decode("utf-8-sig", errors="ignore")
    if _looks_binary(sample) or _skip_title_line(sample)[1]:
        return None
    delimiter = sniff_delimiter(sample)
    try:
        # the header as the text path names it (blank and repeated names included), from its line alone: a
        # long first row may not end within the head
        header_line = head.split(b"\n", 1)[0] + b"\n"
        headers = pd.read_csv(io.BytesIO(header_line), sep=delimiter, nrows=0, dtype=str, engine="c").columns
        read = _read_rows(data, delimiter, len(headers), categories)
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):   # bad UTF-8, a row of another width
        return None
    except (OSError, EOFError, zlib.error):   # damaged gzip data: the text path names it
        return None
    except ImportError:   # pyarrow missing (it is in requirements.txt): the text path still reads the file
        return None
    if read is None:
        return None
    columns, blank = read
    frame = pd.DataFrame({header: columns.pop(0) for header in headers})
    notes = [] if delimiter == "," else [
        f"{name} uses {'tab' if delimiter == chr(9) else repr(delimiter)} as column separator"]
    frame.attrs.update(bad_rows=[], notes=notes, header_row=1, encoding="UTF-8", blank_rows=blank)
    return frame


#: pandas' string dtype holding Python strings (the text path's read_csv(dtype=str) holds Arrow strings)
_PY_STR = pd.StringDtype("python", na_value=float("nan"))
_HEAD = 65536


def _unpacked_head(data: bytes | Path) -> bytes:
    """The first 64 KiB of the file's text, unpacked when gzipped (b"" for a damaged gzip body, which the text
    path names as such)."""
    try:
        with _open_text(data) as stream:
            return stream.read(_HEAD)
    except (OSError, EOFError, zlib.error):
        return b""


def _open_text(data: bytes | Path):
    """The file's text as a binary stream, unpacked on the way when gzipped: neither a file on disk nor a
    gzip body's unpacked text is ever whole in memory."""
    if isinstance(data, Path):
        with data.open("rb") as raw:
            packed = raw.read(len(_GZIP_MAGIC)) == _GZIP_MAGIC
        return gzip.open(data, "rb") if packed else data.open("rb")
    return gzip.GzipFile(fileobj=io.BytesIO(data)) if data.startswith(_GZIP_MAGIC) else io.BytesIO(data)


#: Block sizes: a row must fit in one block ("straddling object" otherwise), so a larger one is tried when
#: it does not. A file is read in blocks of about 1/64 of its text, unpacked (64 KiB to 1 MiB; the docs
#: corpus links file, 0.6 MB unpacked, was read by its packed size in 128 KiB blocks: 16 KiB ones cut its
#: peak further but cost a third more time): pyarrow's reader reads up to 32 blocks ahead of the one being
#: converted (holding it to a few cost the docs corpus pages file resident memory instead of saving it),
#: and fewer, larger blocks save the per-block work on a large file (500k links rows: 470 blocks of 128 KiB,
#: or 60 of 1 MiB).
_BLOCK_SIZES = tuple(1 << power for power in range(16, 24))
_SMALLEST_BLOCK = 1 << 16
_BLOCKS_PER_FILE = 64


def _block_sizes(data: bytes | Path) -> tuple[int, ...]:
    """The block sizes to try for this file, smallest first (see _BLOCK_SIZES)."""
    first = min(max(_text_size(data) // _BLOCKS_PER_FILE, _SMALLEST_BLOCK), 1 << 20)
    return tuple(block for block in _BLOCK_SIZES if block >= first)


def _trim_every(data: bytes | Path) -> int:
    """Bytes of text between two trims of the heaps (heap.py): 1/8 of a small file's text (64 KiB at least),
    so its blocks' freed memory goes back too; TRIM_EVERY from 4 MiB on (a trim's cost grows with the heap:
    a trim every 256 KiB made a 7 MB crawl's read 2.5x slower)."""
    size = _text_size(data)
    return TRIM_EVERY if size >= 4 * TRIM_EVERY else max(size // 8, 1 << 16)


def _text_size(data: bytes | Path) -> int:
    """The size of the file's text: for a gzip body, what its trailer says it unpacks to (the last member's
    size modulo 4 GiB: never less than the packed size is used)."""
    if isinstance(data, Path):
        with data.open("rb") as raw:
            packed = raw.seek(0, os.SEEK_END)
            if packed < 18 or (raw.seek(0), raw.read(2))[1] != _GZIP_MAGIC:
                return packed
            raw.seek(-4, os.SEEK_END)
            trailer = raw.read(4)
    else:
        packed, trailer = len(data), data[-4:]
        if packed < 18 or not data.startswith(_GZIP_MAGIC):
            return packed
    return max(packed, int.from_bytes(trailer, "little"))


def _read_rows(data: bytes | Path, delimiter: str, width: int, categories: bool) -> tuple[list, np.ndarray] | None:
    """_read_columns of the rows, with the smallest block size every row fits in."""
    sizes = _block_sizes(data)
    for block_size in sizes:
        try:
            with _arrow_input(data) as stream:
                batches = _arrow_batches(stream, delimiter, width, block_size)
                return _read_columns(batches, width, _trim_every(data), categories)
        except ValueError as exc:   # pyarrow.ArrowInvalid
            if "straddl" not in str(exc) or block_size == sizes[-1]:
                raise
    return None


def _arrow_input(data: bytes | Path):
    """What pyarrow reads: views into plain bytes (nothing it reads ahead is a copy), else _open_text."""
    import pyarrow   # ImportError: the caller takes the text path

    if isinstance(data, bytes) and not data.startswith(_GZIP_MAGIC):
        return pyarrow.BufferReader(pyarrow.py_buffer(data))
    return pyarrow.PythonFile(_open_text(data), mode="r")


def _arrow_batches(stream, delimiter: str, width: int, block_size: int):
    """The rows under the header as record batches of large strings (one per block of the file).

    pyarrow directly, not pandas.read_csv(engine="pyarrow"): that cannot pass ``newlines_in_values``, so a
    quoted cell holding a line break (HTML body text) failed the read and the file took the text path (12x
    the file). Blank lines stay as blank rows (dropped by _finish), as in the text path, so the rows after
    them keep their numbers. One thread: each thread's blocks and allocator arenas add to the resident peak
    (synthetic links, 100k rows: 5.3x -> 4.0x the file), and on this 2-core machine the read is no slower
    (500k rows: 0.09 s with threads, 0.07 s without)."""
    import pyarrow   # ImportError: the caller takes the text path
    from pyarrow import csv as arrow_csv

    names = [f"c{position}" for position in range(width)]
    return arrow_csv.open_csv(
        stream, memory_pool=arrow_pool(),
        read_options=arrow_csv.ReadOptions(column_names=names, skip_rows=1, use_threads=False,
                                           block_size=block_size),
        parse_options=arrow_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                             ignore_empty_lines=False),
        convert_options=arrow_csv.ConvertOptions(column_types={name: pyarrow.large_string() for name in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))


#: Mean bytes a cell from which a column is text to convert as it is read (body text, HTML), not a short
#: field (URL, title, status, anchor), which repeats: its distinct values are kept once each.
_LONG_TEXT = 256
#: A short column's cells are encoded every this many bytes of a large file (_ShortColumn); on a small file,
#: every half of the text between two trims of the heaps
_ENCODE_EVERY = 1 << 20


def _encode_every(trim_every: int) -> int:
    return _ENCODE_EVERY if trim_every >= TRIM_EVERY else trim_every // 2


def _read_columns(batches, width: int, trim_every: int, categories: bool) -> tuple[list, np.ndarray] | None:
    """Each column as pandas strings holding Python strings (what the importer makes of every cell anyway),
    and which rows are blank (every cell empty; told by Arrow's offsets, for _finish): the long text columns
    (judged on the first block) and the short ones (_ShortColumn) converted block by block, each block freed
    once converted, so a crawl's text is never whole as Arrow next to Python strings. ``categories``: the
    short columns as pandas Categorical (codes into their distinct values, what the links importer keeps).
    None for a table the text path must read: a cell holding a NUL byte (reported there with its row), more
    than MAX_ROWS rows or MAX_BYTES of text (refused there with the reason)."""
    import pyarrow.compute as arrow_compute

    parts: list = [None] * width
    empty: list[list[np.ndarray]] = [[] for _ in range(width)]   # a long column's empty cells, block by block
    rows = size = 0
    pool, heap = arrow_pool(), HeapTrimmer(trim_every)
    for batch in batches:
        block_bytes = batch.nbytes    # once: it sums every column's buffers (per column, a 3,000-column file's
        rows, size = rows + batch.num_rows, size + block_bytes   # read took minutes, its width squared)
        if rows > MAX_ROWS or size > MAX_BYTES:
            return None
        if parts[0] is None:
            parts = [[] if column.nbytes > _LONG_TEXT * max(len(column), 1) else
                     _ShortColumn(pool, _encode_every(trim_every)) for column in batch.columns]
        for part, cells, column in zip(parts, empty, batch.columns):
            if isinstance(part, list):
                part.append(column.to_numpy(zero_copy_only=False))
                cells.append(arrow_compute.binary_length(column, memory_pool=pool).to_numpy() == 0)
            else:
                part.add(column, block_bytes)
        heap.processed(block_bytes)
        del batch, column   # the block's buffers are freed before the heaps are next trimmed
    blank = np.ones(rows, dtype=bool)
    for part, cells in zip(parts, empty):
        blank &= part.empty() if isinstance(part, _ShortColumn) else np.concatenate(cells or [blank])
    columns = [part.column(categories) if isinstance(part, _ShortColumn) else _long_strings(part or [])
               for part in parts]
    if any(values is None for values in columns):
        return None
    return columns, blank


def _holds_nul(values) -> bool:
    """Whether a cell holds a NUL byte: the text path drops its row and reports it."""
    return any("\x00" in value for value in values)


def _long_strings(parts: list[np.ndarray]):
    """A long text column's blocks of Python strings as one array (None when a cell holds a NUL byte)."""
    values = np.concatenate(parts) if parts else np.empty(0, dtype=object)
    return None if _holds_nul(values) else pd.array(values, dtype=_PY_STR)


class _ShortColumn:
    """A short column read block by block: its distinct values, once each as Python strings in the order
    first seen, and each row's code into them. Why: a links export repeats its URLs, anchors and link
    positions row after row; one object per cell would cost ~50 bytes of header each, more than the cell's
    bytes in the file. The column's cells of every ``encode_every`` bytes of the file are dictionary-encoded
    by Arrow at once and only their new values become Python strings, so no block's text or Arrow
    dictionary is kept to the end. (Encoding each block alone made a 7 MB crawl's read 25% slower: its
    blocks hold a few dozen rows; holding a short column's cells for longer kept small buffers among the
    freed blocks, and the docs corpus pages_html file's resident peak went from 2.3x to 2.6x.)"""

    def __init__(self, pool, encode_every: int):
        self.pool, self.encode_every = pool, encode_every
        self.positions: dict[str, int] = {}
        self.codes: list[np.ndarray] = []
        self.pending: list = []
        self.pending_bytes = 0

    def add(self, column, block_bytes: int) -> None:
        """One block's cells of this column (``block_bytes``: the whole block's size)."""
        self.pending.append(column)
        self.pending_bytes += block_bytes
        if self.pending_bytes >= self.encode_every:
            self._encode()

    def _encode(self) -> None:
        """The pending blocks' codes (their new values added to the distinct ones)."""
        import pyarrow
        import pyarrow.compute as arrow_compute

        if not self.pending:
            return
        text = pyarrow.concat_arrays(self.pending, memory_pool=self.pool)   # one call, not one a block
        self.pending, self.pending_bytes = [], 0
        encoded = arrow_compute.dictionary_encode(text, memory_pool=self.pool)
        del text
        positions = self.positions
        code = positions.setdefault
        new = np.array([code(value, len(positions)) for value in encoded.dictionary.to_pylist()], dtype=np.int32)
        self.codes.append(new[encoded.indices.to_numpy(zero_copy_only=False)])

    def empty(self) -> np.ndarray:
        """Which rows hold an empty cell."""
        self._encode()
        code = self.positions.get("")
        codes = np.concatenate(self.codes) if self.codes else np.zeros(0, dtype=np.int32)
        return codes == code if code is not None else np.zeros(len(codes), dtype=bool)

    def column(self, categories: bool):
        """The column as a Categorical (``categories``) or as pandas strings, each distinct value one shared
        object (8 bytes a row); None when a value holds a NUL byte (see _read_columns)."""
        self._encode()
        values = np.array(list(self.positions), dtype=object)
        self.positions = {}
        if _holds_nul(values):
            return None
        codes = np.concatenate(self.codes) if self.codes else np.zeros(0, dtype=np.int32)
        self.codes = []
        if categories:
            return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(pd.Index(values, dtype=object)))
        return pd.array(values[codes], dtype=_PY_STR)


def arrow_pool():
    """The Arrow memory pool the reader allocates from: the system allocator (malloc), whose large blocks go
    back to the system when freed. pyarrow's default (mimalloc) keeps what its read-ahead thread allocated
    and this thread freed resident: reading the docs corpus' pages grew the resident set by 6x the file with
    it, 3.3x with malloc (bench/bench_import.py counts this pool's peak with the default pool's)."""
    import pyarrow

    return pyarrow.system_memory_pool()


def _drop_bad_cells(frame: pd.DataFrame, found: charsets.Detected) -> None:
    """Blank the rows holding a NUL byte or an undecodable byte and list them (row, reason, column); the
    blank rows are removed by _finish like the tolerant parse's broken rows."""
    cells = charsets.bad_cells(frame, found.label)
    if not cells:
        return
    frame.iloc[[position for position, _, _ in cells], :] = ""
    frame.attrs["bad_rows"] = sorted(frame.attrs["bad_rows"] + [(position + 2, reason, column)
                                                                for position, column, reason in cells])


def _skip_title_line(text: str) -> tuple[str, int]:
    """Text from the header line on, and how many lines came before it: blank lines, and the title line
    ("Internal - HTML") that older Screaming Frog exports put above the header. Works on the head of the
    text so a large file is copied at most once."""
    head = text[:65536]
    start = len(head) - len(head.lstrip("\r\n"))
    skipped = head[:start].count("\n")
    lines = head[start:].split("\n", 2)
    first, header = lines[0], lines[1] if len(lines) > 1 else ""
    if not (any(delim in first for delim in DELIMITERS) or header.lower().startswith("http")
            or not any(header.count(delim) >= 2 for delim in DELIMITERS)):
        start, skipped = start + len(first) + 1, skipped + 1
    return (text[start:] if start else text), skipped


def _parse_any(text: str, delimiter: str, name: str, title_lines: int) -> pd.DataFrame:
    """Fast C parse; on rows with extra fields the tolerant parse; any parser failure as a SiteDataError."""
    try:
        try:
            return _parse_csv(text, delimiter)
        except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
            if "EOF inside string" not in str(exc):
                return _parse_csv_tolerant(text, delimiter)
            row = re.search(r"row (\d+)", str(exc))
            raise SiteDataError('a quoted field is never closed (a stray " character?)', file=name,
                                row=int(row.group(1)) + 1 + title_lines if row else None) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, IndexError, csv.Error) as exc:
        raise SiteDataError(f"cannot be read as a table ({str(exc).strip() or type(exc).__name__})",
                            file=name) from None


def _csv_options(delimiter: str) -> dict:
    return dict(sep=delimiter, dtype=str, keep_default_na=False, skip_blank_lines=False,
                nrows=MAX_ROWS + 1, index_col=False)


def _parse_csv(text: str, delimiter: str) -> pd.DataFrame:
    with warnings.catch_warnings():   # a row with one field too many is a warning here: make it an error
        warnings.simplefilter("error", pd.errors.ParserWarning)
        frame = pd.read_csv(io.StringIO(text), engine="c", **_csv_options(delimiter))
    frame.attrs["bad_rows"] = []
    return frame


def _parse_csv_tolerant(text: str, delimiter: str) -> pd.DataFrame:
    """Slower parse that keeps going past rows with too many fields, marking them so they can be reported.

    The marked row stays in place, so the positions of the other rows still give their row numbers.
    """
    width = len(pd.read_csv(io.StringIO(text), sep=delimiter, nrows=0, engine="python").columns)
    if csv.field_size_limit() < MAX_BYTES:   # page texts can exceed the csv module's 128 KiB default
        csv.field_size_limit(MAX_BYTES)

    def mark(fields: list[str]) -> list[str]:
        if not any(fields[width:]):   # only empty extras: a trailing delimiter, not a broken row
            return fields[:width]
        return [f"{_BAD_ROW_MARKER}{len(fields)}"] + [""] * (width - 1)

    with warnings.catch_warnings():   # a first row with one extra field is cut, not passed to mark()
        warnings.simplefilter("ignore", pd.errors.ParserWarning)
        frame = pd.read_csv(io.StringIO(text), engine="python", on_bad_lines=mark, **_csv_options(delimiter))
    first = frame.iloc[:, 0].fillna("").astype(str)
    bad = first.str.startswith(_BAD_ROW_MARKER)
    frame.attrs["bad_rows"] = [
        (int(position) + 2, f"{first.iloc[position][len(_BAD_ROW_MARKER):]} fields where the header has {width}")
        for position in bad.to_numpy().nonzero()[0]]
    frame.loc[bad, :] = ""
    return frame


def _finish(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Index rows by file row, strip headers, drop blank rows and refuse over-long tables."""
    if len(frame) > MAX_ROWS:
        raise SiteDataError(f"the table has more than {MAX_ROWS:,} rows; split the crawl or filter it first",
                            file=name)
    if not frame.attrs.pop("indexed_by_row", False):
        first = frame.attrs.pop("header_row", 1) + 1
        frame.index = pd.RangeIndex(first, len(frame) + first)
    frame.columns = unique_headers([str(column).strip() for column in frame.columns])
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
