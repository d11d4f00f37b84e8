"""A table file's bytes and their text, before any parsing: from a path, bytes or an upload, within the size limit
(MAX_BYTES, asked before a file is read where its size is known and kept while it is read, a pipe or a device
included), gunzipped, the one table of a zip archive taken out, and decoded (the encoding found by charsets.py).

Kept apart from tables.py, which decides which reader reads a file and parses it into a frame: getting the bytes
and the text safely is its own problem (a file of any size, /dev/zero, a damaged gzip or zip, a pipe read once),
and the front ends hand a job's input on with file_bytes without parsing it. Every failure is a SiteDataError
naming the file.
"""
from __future__ import annotations

import gzip
import io
import os
import stat
import zipfile
import zlib
from pathlib import Path

from inlink.site import charsets
from inlink.site.arrow_csv import GZIP_MAGIC
from inlink.site.errors import SiteDataError
from inlink.wording import listed

MAX_BYTES = 1_000_000_000  # larger files are refused: the app keeps the whole table in memory (~4x)
#: how a zip archive opens: an XLSX workbook, or an export zipped to download or mail it
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"   # an archive of no member: its end record alone
TABLE_SUFFIXES = (".csv.gz", ".tsv.gz", ".txt.gz", ".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".gz", ".zip")


def table_suffix(filename: str) -> str:
    """The ending to keep when a stored copy of an upload is renamed (pages.csv.gz -> .csv.gz); .csv if odd.

    read_table sniffs gzip and XLSX by their bytes, so the ending only keeps stored copies recognisable.
    """
    lowered = (filename or "").lower()
    return next((suffix for suffix in TABLE_SUFFIXES if lowered.endswith(suffix)), ".csv")


def source_name(source, filename: str | None = None) -> str:
    """The name to show for ``source`` in messages: the given filename, else its own name, else a generic one."""
    if filename:
        return Path(str(filename)).name
    if isinstance(source, (str, os.PathLike)):
        return Path(source).name
    name = getattr(source, "name", None)
    return Path(str(name)).name if isinstance(name, (str, os.PathLike)) and name else "uploaded file"


def file_bytes(path: Path) -> bytes:
    """A file's bytes for a front end to hand on whole (a job's stored input), read no further than MAX_BYTES and
    refused beyond it, naming the file: Path.read_bytes held a file of any size (or /dev/zero, until the memory
    ran out) before the importer's limit was asked."""
    return read_source(path, None)[0]


def read_source(source, filename: str | None) -> tuple[bytes, str]:
    """Bytes of the source, refusing anything over MAX_BYTES before reading it where the size is known."""
    data, name = open_source(source, filename)
    return (read_path(data, name) if isinstance(data, Path) else data), name


def open_source(source, filename: str | None) -> tuple[bytes | Path, str]:
    """The source's bytes, or for a file on disk its checked path (read whole only by the text path)."""
    name = source_name(source, filename)
    if isinstance(source, (str, os.PathLike)):
        return read_path(Path(source), name, whole=False), name
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


def read_path(path: Path, name: str, whole: bool = True) -> bytes | Path:
    """The file's bytes (``whole``, or a file that is no regular file), or its path once known to be a readable
    regular file within MAX_BYTES.

    Its bytes are read up to the limit, not to its stated size: a file that grew after it was sized, a pipe or a
    device (/dev/zero, sized 0) was read on until the memory ran out. A pipe (`suggest /dev/stdin`, a shell's
    `<(zcat crawl.csv.gz)`) is read here, once: handed on as a path, it was read a second time and found empty
    ("stdin: the file is empty")."""
    try:
        info = path.stat()
        _check_size(info.st_size, name)
        if whole or not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
            with path.open("rb") as stream:
                data = _read_at_most(stream, MAX_BYTES + 1)
            _check_size(len(data), name)
            return data
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


def gunzip(data: bytes, name: str) -> tuple[bytes, str]:
    """Unpack a gzipped upload (e.g. pages.csv.gz), keeping the size limit on the unpacked bytes."""
    if not data.startswith(GZIP_MAGIC):
        return data, name
    return _gunzip_stream(io.BytesIO(data), name), name


def _gunzip_stream(packed, name: str) -> bytes:
    """The unpacked bytes of a gzip stream, read as it unpacks, up to the size limit; damage named as such."""
    try:
        with gzip.GzipFile(fileobj=packed) as unpacked:
            data = _read_at_most(unpacked, MAX_BYTES + 1)
    except EOFError:
        raise SiteDataError("the gzip data is cut short (the file ends before its packed data does): "
                            "download or export it again", file=name) from None
    except (OSError, zlib.error) as exc:   # zlib: "Error -3 while decompressing"; OSError: CRC, bad header
        detail = str(exc).split(": ", 1)[-1] if isinstance(exc, zlib.error) else str(exc)
        raise SiteDataError(f"the gzip data is damaged ({detail}): download or export it again",
                            file=name) from None
    _check_size(len(data), name)
    return data


def unzip(data: bytes, name: str) -> tuple[bytes, str | None]:
    """The one table inside a zip archive that is no workbook (an export zipped to download or mail it) and its
    name there; anything else as it is, with None. A zip holding no table, or several, is refused with what it
    holds: it read 'is not a readable XLSX workbook ("There is no item named '[Content_Types].xml' ...")'."""
    if data.startswith(EMPTY_ZIP_MAGIC):   # it read "looks like a binary file"
        raise SiteDataError("is an empty zip archive: give the CSV or XLSX file itself", file=name)
    if not data.startswith(ZIP_MAGIC):
        return data, None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [info for info in archive.infolist() if not info.is_dir() and "__MACOSX" not in info.filename]
    except (zipfile.BadZipFile, OSError, ValueError):
        return data, None   # workbooks.py names a damaged zip
    if any(info.filename == "[Content_Types].xml" for info in entries):
        return data, None   # a workbook
    _refuse_open_document(archive, entries, name)
    tables = [info for info in entries if info.filename.lower().endswith(TABLE_SUFFIXES)
              and not info.filename.lower().endswith(".zip")]
    if len(tables) != 1:
        held = listed([info.filename for info in entries]) if entries else "nothing"
        raise SiteDataError(f"is a zip archive holding {held}: unzip it and give one CSV or XLSX file of it",
                            file=name)
    _check_size(tables[0].file_size, name)
    try:
        return _member_bytes(archive, tables[0], name), tables[0].filename
    except (zipfile.BadZipFile, OSError, zlib.error, NotImplementedError, RuntimeError) as exc:
        raise SiteDataError(f"the zip archive cannot be unpacked ({exc}): unzip it and give the table inside",
                            file=name) from None


def _refuse_open_document(archive: zipfile.ZipFile, entries: list, name: str) -> None:
    """An OpenDocument file (LibreOffice's .ods, ...) is a zip whose "mimetype" member names its kind: it was
    refused as 'a zip archive holding "mimetype" and "content.xml": unzip it', advice that leads nowhere."""
    if not any(info.filename == "mimetype" for info in entries):
        return
    try:
        kind = archive.read("mimetype")[:100].decode("ascii", "replace")
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError, zlib.error):
        return
    if kind.startswith("application/vnd.oasis.opendocument"):
        what = "an OpenDocument spreadsheet (.ods)" if kind.endswith(".spreadsheet") else "an OpenDocument file"
        raise SiteDataError(f"is {what}: save it as XLSX or CSV (File > Save As) and give that file", file=name)


def _member_bytes(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    """A zip member's bytes; a gzipped one (crawl.csv.gz zipped) unpacked as it is read from the archive: read
    whole first, its packed copy stayed in memory beside the unpacked one."""
    with archive.open(info) as member:
        packed = member.read(len(GZIP_MAGIC)) == GZIP_MAGIC
    if not packed:
        return archive.read(info)
    with archive.open(info) as member:
        return _gunzip_stream(member, name)


def decode(data: bytes, found: charsets.Detected | None, marked: bool | None) -> tuple[str, charsets.Detected, bool]:
    """Text, the detected encoding, and whether some bytes did not decode (marked for charsets.bad_cells).
    ``found``: the encoding when already detected; ``marked`` not None: ``data`` is already recoded to UTF-8
    from it (charsets.to_utf8)."""
    found = found or charsets.detect_encoding(data)
    if marked is not None:
        return data.decode("utf_8"), found, marked
    text, marked = charsets.decode(data, found.encoding, found.fallback)
    return text, found, marked


def recodes(found: charsets.Detected) -> bool:
    """Whether a file of this encoding is recoded to UTF-8 before it is read (any but valid plain UTF-8, whose
    recoding would change nothing; a file with bytes to leave out before its text is recoded)."""
    return found.skip > 0 or not (found.encoding == "utf_8" and found.source == "valid UTF-8")


def encoding_notes(found: charsets.Detected, name: str) -> list[str]:
    """A note for anything but plain UTF-8, so a wrong guess can be seen (and fixed by saving as UTF-8)."""
    if found.source in ("valid UTF-8", "byte-order mark") and found.is_utf8:
        return []
    return [(f"{name} was read as {found.label} text ({found.source}); if its letters look wrong, save it "
             "as CSV UTF-8 and load it again")]
