"""Durable file writes shared by the job engine and the dashboard's upload store.

Plain OSError comes out of every function here: each caller turns it into its own message (the job engine into
a StorageError naming what it could not do). Files are created with an explicit mode (0600 by default), so a
shared machine's umask never makes job data world-readable. Hand-written because the standard library has no
atomic replace-with-fsync and the job engine's hot path needs raw os.write calls.
"""
from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

FILE_MODE = 0o600          # job data is the user's own: no group or world access
DIR_MODE = 0o700
low_level_write = os.write  # one name for tests to simulate a disk that fills in the middle of an append


def write_all(fd: int, data: bytes) -> None:
    """os.write until every byte is out (a regular file rarely writes short, but it may)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def open_private(path: str | Path, flags: int, mode: int = FILE_MODE) -> int:
    """os.open that creates the file with exactly `mode` whatever the umask, and tightens a file left wider by
    an older version (best effort: a file we may not chmod is still opened)."""
    fd = os.open(path, flags | os.O_CREAT, mode)
    with contextlib.suppress(OSError):
        if os.fstat(fd).st_mode & 0o777 != mode:
            os.fchmod(fd, mode)
    return fd


def make_private_dir(path: str | Path, *, exist_ok: bool = False) -> bool:
    """Create a folder (and its missing parents) with exactly DIR_MODE whatever the umask; True when created.
    An existing folder is left as it is (it may be one the user chose and shares on purpose)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.mkdir(path, DIR_MODE)
    except FileExistsError:
        if exist_ok and path.is_dir():
            return False
        raise
    os.chmod(path, DIR_MODE)        # mkdir's mode went through the umask
    return True


def atomic_write_bytes(path: str | Path, data: bytes, mode: int = FILE_MODE, sync: bool = True) -> None:
    """Readers see the old file or the new one, never half of it, even after kill -9 or power loss:
    a temp file in the same folder, fsync, then os.replace. The temp file is removed when anything fails.
    sync=False skips the fsync (still whole after kill -9; after a power loss possibly not): for caches that
    check themselves on reading."""
    path = Path(path)
    tmp = path.parent / f".{path.name}.{os.getpid()}_{time.monotonic_ns() % 10**9}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_EXCL, mode)
        try:
            os.fchmod(fd, mode)
            write_all(fd, data)
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:          # a Ctrl-C in the middle of the write too: no temp file left behind
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_user_file(path: str | Path, data: bytes) -> None:
    """A file the user asked for (a command's --out): whole or not at all, like atomic_write_bytes, so a Ctrl-C
    or a kill during the write leaves an earlier file as it was (it was left half overwritten). Its mode is the
    earlier file's, else what the umask gives a new file (job data's 0600 is not forced on it)."""
    try:
        mode = os.stat(path).st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    atomic_write_bytes(path, data, mode=mode, sync=False)


def append_line(path: str | Path, data: bytes, mode: int = FILE_MODE) -> None:
    """Append one record with a single O_APPEND write: whole or not at all. When the disk fills mid-write the
    bytes that did land are cut off again (unless another writer appended after them), so a reader never
    meets a torn line followed by a good one."""
    fd = open_private(path, os.O_WRONLY | os.O_APPEND, mode)
    try:
        _append_whole(fd, data)
    finally:
        os.close(fd)


def _append_whole(fd: int, data: bytes) -> None:
    view, written = memoryview(data), 0
    try:
        while written < len(data):
            written += low_level_write(fd, view[written:])
    except OSError:
        if written:
            with contextlib.suppress(OSError):
                end = os.lseek(fd, 0, os.SEEK_CUR)
                if os.fstat(fd).st_size == end:      # nobody appended after our bytes
                    os.ftruncate(fd, end - written)
        raise
