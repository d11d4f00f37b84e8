"""The low-memory reader of the common CSV file (UTF-8, gzipped or not): pyarrow's streaming reader, with the
long text columns turned into Python strings block by block and the short ones dictionary-encoded.

Kept apart from tables.py, which decides whether a file is the common one and reads every other file (any
encoding, ragged rows, bad cells, each reported): this module only reads, as lean as it can (the importer's
peak <= 3x the file, bench/bench_import.py), and answers None for anything it cannot read as it is, never an
error of its own.
"""
from __future__ import annotations

import gzip
import io
import os
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from inlink.site.heap import TRIM_EVERY, HeapTrimmer

GZIP_MAGIC = b"\x1f\x8b"


class TooManyRows(Exception):
    """The table has more rows than the importer reads (the limit given): refused at once, where the text path it
    went to first held the whole file, about ten times its size (737 MB to refuse a 76 MB crawl of 600,000 rows;
    a crawl near the size limit could exhaust the memory before the refusal)."""


def read_rows(data: bytes | Path, delimiter: str, width: int, categories: bool, max_rows: int,
              max_bytes: int) -> tuple[list, np.ndarray] | None:
    """Each of the ``width`` columns under the header (see _read_columns) and which rows are blank, read with
    the smallest block size every row fits in; None for a table over ``max_bytes`` of text, or with a NUL byte
    in a cell (the text path refuses or reports those); TooManyRows for one over ``max_rows`` rows. ValueError (bad UTF-8, a
    row of another width), OSError / EOFError / zlib.error (damaged gzip data) and ImportError (no pyarrow)
    propagate: the caller takes the text path."""
    sizes = _block_sizes(data)
    for block_size in sizes:
        try:
            tail = _Tail(data)
            with tail.arrow_input() as stream:
                batches = _arrow_batches(stream, delimiter, width, block_size)
                read = _read_columns(batches, width, _trim_every(data), categories, (max_rows, max_bytes))
            return None if tail.cut_in_quotes() else read
        except ValueError as exc:   # pyarrow.ArrowInvalid
            if "straddl" not in str(exc) or block_size == sizes[-1]:
                raise
    return None


class _Tail:
    """Whether the file, as pyarrow reads it, ends inside a quoted field: then it was cut short (a download or
    a copy that stopped) in its last column, which Arrow keeps without a word ("... because leaving i"). Such
    a file goes to the text path, which leaves the cut row out and reports it (row_breaks.cut_last_row). Told by
    its last byte (a complete file ends with a line break) and, when that is not one, by the parity of its
    quote characters (a quoted field holds its quotes doubled). Plain bytes are asked directly; a file on disk
    or a gzip body is watched as it is read (its unpacked end is known only once read)."""

    def __init__(self, data: bytes | Path):
        self.data, self.last, self.quotes = data, b"", 0

    def arrow_input(self):
        if isinstance(self.data, bytes) and not self.data.startswith(GZIP_MAGIC):
            self.last = self.data[-1:]
            if self.last not in _LINE_END:
                self.quotes = self.data.count(b'"')
            return _arrow_input(self.data)
        import pyarrow   # ImportError: the caller takes the text path

        return pyarrow.PythonFile(_WatchedReader(open_text(self.data), self), mode="r")

    def cut_in_quotes(self) -> bool:
        return self.last not in _LINE_END and self.quotes % 2 == 1


_LINE_END = (b"", b"\n", b"\r")


class _WatchedReader(io.RawIOBase):
    """A binary stream that tells `tail` the last byte read from `raw` and how many quote characters it held."""

    def __init__(self, raw, tail: _Tail):
        super().__init__()
        self.raw, self.tail = raw, tail

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self.raw.readinto(buffer)
        if count:
            read = bytes(buffer[:count])
            self.tail.last, self.tail.quotes = read[-1:], self.tail.quotes + read.count(b'"')
        return count

    def close(self) -> None:
        self.raw.close()
        super().close()


#: pandas' string dtype holding Python strings (the text path's read_csv(dtype=str) holds Arrow strings)
_PY_STR = pd.StringDtype("python", na_value=float("nan"))
_HEAD = 65536


def unpacked_head(data: bytes | Path) -> bytes:
    """The first 64 KiB of the file's text, unpacked when gzipped (b"" for a damaged gzip body, which the text
    path names as such)."""
    try:
        with open_text(data) as stream:
            return stream.read(_HEAD)
    except (OSError, EOFError, zlib.error):
        return b""


def open_text(data: bytes | Path):
    """The file's text as a binary stream, unpacked on the way when gzipped: neither a file on disk nor a
    gzip body's unpacked text is ever whole in memory."""
    if isinstance(data, Path):
        with data.open("rb") as raw:
            packed = raw.read(len(GZIP_MAGIC)) == GZIP_MAGIC
        return gzip.open(data, "rb") if packed else data.open("rb")
    return gzip.GzipFile(fileobj=io.BytesIO(data)) if data.startswith(GZIP_MAGIC) else io.BytesIO(data)


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
    first = min(max(text_size(data) // _BLOCKS_PER_FILE, _SMALLEST_BLOCK), 1 << 20)
    return tuple(block for block in _BLOCK_SIZES if block >= first)


def _trim_every(data: bytes | Path) -> int:
    """Bytes of text between two trims of the heaps (heap.py): 1/8 of a small file's text (64 KiB at least),
    so its blocks' freed memory goes back too; TRIM_EVERY from 4 MiB on (a trim's cost grows with the heap:
    a trim every 256 KiB made a 7 MB crawl's read 2.5x slower)."""
    size = text_size(data)
    return TRIM_EVERY if size >= 4 * TRIM_EVERY else max(size // 8, 1 << 16)


def text_size(data: bytes | Path) -> int:
    """The size of the file's text: for a gzip body, what its trailer says it unpacks to (the last member's
    size modulo 4 GiB: never less than the packed size is used)."""
    if isinstance(data, Path):
        with data.open("rb") as raw:
            packed = raw.seek(0, os.SEEK_END)
            if packed < 18 or (raw.seek(0), raw.read(2))[1] != GZIP_MAGIC:
                return packed
            raw.seek(-4, os.SEEK_END)
            trailer = raw.read(4)
    else:
        packed, trailer = len(data), data[-4:]
        if packed < 18 or not data.startswith(GZIP_MAGIC):
            return packed
    return max(packed, int.from_bytes(trailer, "little"))


def _arrow_input(data: bytes | Path):
    """What pyarrow reads: views into plain bytes (nothing it reads ahead is a copy), else _open_text."""
    import pyarrow   # ImportError: the caller takes the text path

    if isinstance(data, bytes) and not data.startswith(GZIP_MAGIC):
        return pyarrow.BufferReader(pyarrow.py_buffer(data))
    return pyarrow.PythonFile(open_text(data), mode="r")


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


def _read_columns(batches, width: int, trim_every: int, categories: bool,
                  limits: tuple[int, int]) -> tuple[list, np.ndarray] | None:
    """Each column as pandas strings holding Python strings (what the importer makes of every cell anyway),
    and which rows are blank (every cell empty; told by Arrow's offsets, for _finish): the long text columns
    (judged on the first block) and the short ones (_ShortColumn) converted block by block, each block freed
    once converted, so a crawl's text is never whole as Arrow next to Python strings. ``categories``: the
    short columns as pandas Categorical (codes into their distinct values, what the links importer keeps).
    None for a table the text path must read: a cell holding a NUL byte (reported there with its row), more bytes
    of text than ``limits`` (rows, bytes) allow (refused there with the reason); TooManyRows past its rows."""
    import pyarrow.compute as arrow_compute

    parts: list = [None] * width
    empty: list[list[np.ndarray]] = [[] for _ in range(width)]   # a long column's empty cells, block by block
    rows = size = 0
    pool, heap = arrow_pool(), HeapTrimmer(trim_every)
    for batch in batches:
        block_bytes = batch.nbytes    # once: it sums every column's buffers (per column, a 3,000-column file's
        rows, size = rows + batch.num_rows, size + block_bytes   # read took minutes, its width squared)
        if rows > limits[0]:
            raise TooManyRows(limits[0])
        if size > limits[1]:
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
