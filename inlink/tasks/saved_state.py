"""Rebuildable state a job keeps between runs (the parsed site, the link index): versioned, checksummed files.

Why: a resumed job would otherwise redo its preparation (read the crawl, fit TF-IDF, build the phrase index)
before its first new page — seconds each time. The state is a cache, never the truth: a file that is missing,
torn, corrupt, written by other code or for other inputs is ignored (and rebuilt by the caller), so the worst a
bad file can cost is the time of that rebuild.

One file per saved object:
    b"INLINK-STATE\\n" + one JSON header line + the pickle payload
The header carries the format version, the code fingerprint (the package's own sources and the library versions
that shape the pickled objects), the caller's key (what the state was built from), and the payload's length and
sha256. Files are written atomically (temp file, rename), so a kill -9 leaves the old file or the new one; they are
not fsynced (a flush of a large index cost up to a second on a busy disk): after a power loss a torn file fails
its checksum and is rebuilt.
pickle is safe here because the files are the job's own, written by this code inside the private jobs folder.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import sys
from functools import lru_cache
from pathlib import Path

from inlink import collector
from inlink.fileio import atomic_write_bytes

MAGIC = b"INLINK-STATE\n"
FORMAT_VERSION = 1
SUFFIX = ".state"
_HEADER_WIDTH = 400       # bytes the JSON header line is padded to (it needs about 270)
#: Packages whose sources shape what is saved: a change to any of their files invalidates every saved state.
_SOURCE_PACKAGES = ("inlink.site", "inlink.links", "inlink.tasks")
#: Libraries whose objects are pickled or whose results are saved (sparse matrices, arrays, frames).
_LIBRARIES = ("numpy", "pandas", "pyarrow", "scipy")
#: What a failed save may raise: the disk refused, or the object holds something pickle cannot store.
SAVE_ERRORS = (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """sha256 over the sources of the packages that build the state, the library versions and Python's.

    Computed once per process (a few dozen small files); the library versions come from package metadata so
    that checking a saved file never imports them.
    """
    from importlib import import_module
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256(f"format {FORMAT_VERSION} python {sys.version_info[:2]}".encode())
    for library in _LIBRARIES:
        try:
            digest.update(f"{library} {version(library)}\n".encode())
        except PackageNotFoundError:
            digest.update(f"{library} missing\n".encode())
    for package in _SOURCE_PACKAGES:
        folder = Path(import_module(package).__file__).parent
        for source in sorted(folder.rglob("*.py")):
            digest.update(str(source.relative_to(folder)).encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes (read in blocks: crawls can be large)."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def json_digest(value: object) -> str:
    """sha256 of a JSON-ready value, keys sorted (a stable key for what a state was built from)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def bytes_digest(data: bytes) -> str:
    """sha256 of bytes in memory: the same as file_digest of a file holding them."""
    return hashlib.sha256(data).hexdigest()


def encode(obj: object, key: str) -> bytes:
    """The file's bytes for `obj` built from `key`: magic, header line, pickle payload.

    The pickle is written straight into the file's buffer after a header line of fixed width (filled in
    once the payload's length and checksum are known), and the buffer is handed over uncopied, so a large
    site costs its pickle once, not three times (payload, header + payload, the written copy). The cycle
    collector is paused meanwhile: the reductions of an index's objects allocate a few hundred thousand
    short-lived tuples, whose collections walked the index just built (0.04 s of a docs job)."""
    buffer = io.BytesIO()
    buffer.write(MAGIC + b" " * _HEADER_WIDTH + b"\n")
    start = buffer.tell()
    with collector.paused():
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    with buffer.getbuffer() as view:
        payload = view[start:]
        header = json.dumps({"format": FORMAT_VERSION, "code": code_fingerprint(), "key": key,
                             "size": len(payload), "sha256": hashlib.sha256(payload).hexdigest()}).encode()
        payload.release()
        view[len(MAGIC):len(MAGIC) + len(header)] = header   # JSON ignores the padding spaces after it
    return buffer.getvalue()


class _Pickler(pickle.Pickler):
    """Saves a scipy CSR matrix as its arrays (CsrArrays), so restoring the link index needs numpy only."""

    def reducer_override(self, obj):
        kind = type(obj)
        if kind.__name__ in ("csr_matrix", "csr_array") and kind.__module__.startswith("scipy.sparse"):
            return CsrArrays, (obj.data, obj.indices, obj.indptr, tuple(obj.shape))
        return NotImplemented


class CsrArrays:
    """A CSR matrix restored as its arrays (data, indices, indptr, shape): what analysing a page reads, so a
    resume never imports scipy (~0.2 s; bench/bench_resume.py). Anything else a caller asks of it is answered
    by the scipy matrix, built from the same arrays on first use."""

    def __init__(self, data, indices, indptr, shape: tuple[int, int]):
        self.data, self.indices, self.indptr, self.shape = data, indices, indptr, tuple(shape)
        self._matrix = None

    def __reduce__(self):
        return CsrArrays, (self.data, self.indices, self.indptr, self.shape)

    def __getattr__(self, name: str):
        if name.startswith("__") or name == "_matrix":
            raise AttributeError(name)
        if self._matrix is None:
            import scipy.sparse

            self._matrix = scipy.sparse.csr_matrix((self.data, self.indices, self.indptr), shape=self.shape)
        return getattr(self._matrix, name)


def save(path: Path, obj: object, key: str) -> None:
    """Pickle `obj` to `path` atomically with its header. Raises OSError when the disk refuses."""
    data = encode(obj, key)
    path.parent.mkdir(mode=0o700, exist_ok=True)   # not parents: a deleted job must not get its folder back
    atomic_write_bytes(path, data, sync=False)     # a cache: its checksum catches what a power loss tears


def load(path: Path, key: str) -> tuple[object | None, str | None]:
    """(the object saved at `path` for `key`, None) or (None, why it cannot be used: missing, corrupt...)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, "is missing"
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror or exc})"
    problem, payload = _check(data, key)
    if problem:
        return None, problem
    try:
        return _unpickle(payload), None
    except Exception as exc:  # any unpickling failure means: rebuild; e.g. a class renamed in a file outside the fingerprint, a library quirk
        return None, f"cannot be unpickled ({type(exc).__name__}: {exc})"


def _unpickle(payload: memoryview) -> object:
    """pickle.loads with the cycle collector paused: restoring an index creates some 100k small objects (phrases,
    their dicts and tuples), and the collections their allocation triggers took 40% of the load (all of them
    rooted: nothing to collect). The collector is resumed as it was (inlink.collector)."""
    with collector.paused():
        return pickle.loads(payload)


def looks_current(path: Path, key: str) -> bool:
    """Whether `path` holds a state for `key` written by this code, from its header alone (the checksum is
    checked when it is loaded): lets a caller skip work the saved state makes unnecessary."""
    try:
        with open(path, "rb") as f:
            head = f.read(len(MAGIC) + 4096)
    except OSError:
        return False
    header = _header(head)
    return header is not None and header.get("format") == FORMAT_VERSION \
        and header.get("code") == code_fingerprint() and header.get("key") == key


def _header(data: bytes) -> dict | None:
    """The JSON header after the magic line, or None when there is none."""
    if not data.startswith(MAGIC):
        return None
    end = data.find(b"\n", len(MAGIC))
    try:
        header = json.loads(data[len(MAGIC):end]) if end > 0 else None
    except ValueError:
        return None
    return header if isinstance(header, dict) else None


def _check(data: bytes, key: str) -> tuple[str | None, memoryview]:
    """(why the file cannot be used or None, the payload)."""
    view = memoryview(data)
    if not data.startswith(MAGIC):
        return "is not a saved-state file", view
    header = _header(data)
    if header is None:
        return "has a damaged header", view
    payload = view[data.index(b"\n", len(MAGIC)) + 1:]
    if header.get("format") != FORMAT_VERSION:
        return f"has format {header.get('format')!r}, not {FORMAT_VERSION}", payload
    if header.get("code") != code_fingerprint():
        return "was written by another version of the code", payload
    if header.get("key") != key:
        return "was built from other inputs or options", payload
    if header.get("size") != len(payload) or header.get("sha256") != hashlib.sha256(payload).hexdigest():
        return "is corrupt (its checksum does not match)", payload
    return None, payload


def remove_leftovers(folder: Path) -> None:
    """Delete temp files of a save killed before its rename (the job's one writer calls this before saving)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(".") and entry.name.endswith(".tmp"):
            try:
                os.unlink(entry.path)
            except OSError:
                pass
