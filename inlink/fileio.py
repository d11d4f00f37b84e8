"""Durable file writes shared by the job engine and the dashboard's upload store.

Plain OSError comes out of every function here: each caller turns it into its own message (the job engine into
a StorageError naming what it could not do); a file the user asked for is named in it (UnwritableFile). Files are
created with an explicit mode (0600 by default), so a shared machine's umask never makes job data world-readable.
Hand-written because the standard library has no atomic replace-with-fsync and the job engine's hot path needs raw
os.write calls.
"""
from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import stat
import sys
from pathlib import Path
from typing import IO, Iterator

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


def make_private_dir(path: str | Path, *, exist_ok: bool = False, parents: bool = True) -> bool:
    """Create a folder (and its missing parents, unless `parents=False`: FileNotFoundError then) with exactly
    DIR_MODE whatever the umask; True when created. An existing folder is left as it is (it may be one the user
    chose and shares on purpose)."""
    path = Path(path)
    if parents:
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
    fd, tmp = _new_temp_file(path, mode)
    try:
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


_TEMP_NUMBERS = itertools.count()   # next() is atomic under the GIL: no two writes of a process share a number


def _new_temp_file(path: Path, mode: int) -> tuple[int, Path]:
    """A temp file of our own beside `path` (O_EXCL), and its name: pid and a number of this process, so two
    threads never pick one name (a clock's nanoseconds could, and the loser's clean-up removed the winner's
    file). A name taken anyway (a dead process's leftover of the same pid) is passed over, never removed here."""
    while True:
        tmp = path.parent / f".{path.name}.{os.getpid()}_{next(_TEMP_NUMBERS)}.tmp"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_EXCL, mode), tmp
        except FileExistsError:
            continue


class UnwritableFile(OSError):
    """A file the user asked for that cannot be written, named as the user named it (the error named the hidden
    temporary file beside it: "[Errno 13] Permission denied: '/out/.x.csv.31853_0.tmp'"); its errno is kept."""

    def __str__(self) -> str:
        return f"{self.filename}: cannot be written ({str(self.strerror).lower()})"


@contextlib.contextmanager
def _named_as(path: str | Path) -> Iterator[None]:
    """An OSError in the block said of the user's `path` (UnwritableFile)."""
    try:
        yield
    except UnwritableFile:
        raise
    except OSError as exc:
        raise UnwritableFile(exc.errno, exc.strerror or str(exc), str(path)) from exc


#: The output name that means standard output (`--out -`), as most command-line tools read it.
STDOUT = "-"


def to_stdout(out: str | Path) -> bool:
    """Whether the output is standard output (`--out -`): then nothing else may be written there."""
    return str(out) == STDOUT


def said_as(out: str | Path) -> str:
    """The output as a sentence names it ("standard output" for "-", which read "written to -")."""
    return "standard output" if to_stdout(out) else str(out)


def write_user_file(path: str | Path, data: bytes) -> None:
    """A file the user asked for (a command's --out): whole or not at all, like atomic_write_bytes, so a Ctrl-C
    or a kill during the write leaves an earlier file as it was (it was left half overwritten). Its mode is the
    earlier file's, else what the umask gives a new file (job data's 0600 is not forced on it). Written through
    a symbolic link, and straight into a path that is no regular file (see _destination); STDOUT ("-") writes the
    bytes on standard output."""
    if to_stdout(path):
        _write_stdout(data)
        return
    with _named_as(path):
        path, streamed = _destination(path)
        if streamed:
            with open(path, "wb") as handle:
                handle.write(data)
            return
        atomic_write_bytes(path, data, mode=_user_mode(path), sync=False)


def _write_stdout(data: bytes) -> None:
    """The bytes on standard output's binary stream, after any text written there before (`suggest --out - |
    csvlook`: a file's bytes as they are, its byte-order mark too, never re-encoded)."""
    sys.stdout.flush()
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:              # a text-only stdout (an embedding's): the bytes are UTF-8
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
        return
    stream.write(data)
    stream.flush()


def check_user_file(path: str | Path) -> None:
    """Raise UnwritableFile, naming `path`, when its folder takes no new file (read-only, another user's, a
    read-only mount): asked before a command's work, which a refused write at its end wasted (a whole analysis or
    fetch). The probe is an unnamed file (Linux's O_TMPFILE; elsewhere a named one removed at once), the way
    write_user_file's temporary file is made beside the output; a path that is no regular file is not probed."""
    import tempfile

    with _named_as(path):
        path, streamed = _destination(path)
        if not streamed:
            tempfile.TemporaryFile(dir=path.parent).close()


def _destination(path: str | Path) -> tuple[Path, bool]:
    """Where a user's output goes, and whether it is written straight into it (no temp file and replace).

    Why: os.replace puts the new file in place of the name itself. A symbolic link (out.csv -> reports/out.csv)
    was replaced by a regular file, leaving its target as it was; `--out /dev/stdout` run as root replaced the
    machine's /dev/stdout link. So a link is followed to the file it names, and a path that exists but is no
    regular file (a terminal, a pipe, /dev/null) is opened and written as it is: it cannot be replaced whole."""
    path = Path(path)
    with contextlib.suppress(OSError):   # nothing there yet (or a link to nothing): a new file, where it points
        if not stat.S_ISREG(os.stat(path).st_mode):
            return path, True
    return (Path(os.path.realpath(path)) if path.is_symlink() else path), False


def _user_mode(path: str | Path) -> int:
    """The mode of the user's earlier file at `path`, else what the umask gives a new file."""
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def user_file_writer(path: str | Path, encoding: str = "utf-8", newline: str = "") -> Iterator[IO[str]]:
    """A text file the user asked for, written row by row (too large to hold in memory) and put in place of
    `path` when the block ends without an error, like write_user_file: an error or Ctrl-C leaves the earlier
    file as it was. The rows go to an unnamed file in the same folder (Linux's O_TMPFILE), so even a kill -9
    leaves nothing behind (a hidden .NAME.part beside the output stayed there); it gets a name only for the
    instant before it replaces the output. Where unnamed files are not supported, that hidden file is
    written instead (and removed on any error). Links and paths that are no regular file: see _destination."""
    path, streamed = _destination(path)
    if streamed:
        with open(path, "w", encoding=encoding, newline=newline) as handle:
            yield handle
        return
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    mode = _user_mode(path)
    try:
        fd, named = os.open(path.parent, os.O_TMPFILE | os.O_RDWR, mode), False
    except (AttributeError, OSError):       # no O_TMPFILE here (another system, a file system without it)
        fd, named = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), True
    try:
        with open(fd, "w", encoding=encoding, newline=newline) as handle:
            yield handle
            handle.flush()
            os.fchmod(fd, mode)
            if not named:
                _name_unnamed(fd, partial)
        with _named_as(path):
            os.replace(partial, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(partial)


def _name_unnamed(fd: int, name: Path) -> None:
    """Give the O_TMPFILE file open as `fd` a name: linkat through /proc (a dir_fd makes os.link call linkat,
    which follows the /proc link, where plain link() would link the link itself); a copy where that fails."""
    folder = os.open(name.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.link(f"/proc/self/fd/{fd}", name.name, dst_dir_fd=folder, follow_symlinks=True)
    except OSError:
        os.lseek(fd, 0, os.SEEK_SET)
        with open(name, "wb") as copy, open(os.dup(fd), "rb") as source:
            shutil.copyfileobj(source, copy)
        os.chmod(name, os.fstat(fd).st_mode & 0o777)
    finally:
        os.close(folder)


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
