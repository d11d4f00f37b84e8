"""A command's output file (--out, jobs export -o): written through a symbolic link, and straight into a path
that is no regular file, never put in place of the name itself (inlink/fileio.py: _destination)."""
from __future__ import annotations

import os
import stat
import threading

import pytest

from inlink import fileio


def write_bytes(path, text: str) -> None:
    fileio.write_user_file(path, text.encode())


def write_rows(path, text: str) -> None:
    with fileio.user_file_writer(path) as handle:
        handle.write(text)


WRITERS = [pytest.param(write_bytes, id="write_user_file"), pytest.param(write_rows, id="user_file_writer")]


@pytest.mark.parametrize("write", WRITERS)
def test_an_output_through_a_symbolic_link_lands_in_the_file_it_names(tmp_path, write):
    """Before: the link was replaced by a regular file and the file it named kept its old content."""
    reports = tmp_path / "reports"
    reports.mkdir()
    real = reports / "out.csv"
    real.write_text("old\n")
    link = tmp_path / "out.csv"
    link.symlink_to(real)
    write(link, "new\n")
    assert link.is_symlink() and real.read_text() == "new\n"
    assert sorted(p.name for p in reports.iterdir()) == ["out.csv"]            # no temp file left beside it


@pytest.mark.parametrize("write", WRITERS)
def test_a_link_to_nothing_yet_creates_the_file_it_names(tmp_path, write):
    link = tmp_path / "out.csv"
    link.symlink_to(tmp_path / "made.csv")
    write(link, "rows\n")
    assert link.is_symlink() and (tmp_path / "made.csv").read_text() == "rows\n"


@pytest.mark.parametrize("write", WRITERS)
def test_a_path_that_is_no_regular_file_is_written_as_it_stands(tmp_path, write):
    """A pipe (as /dev/stdout often is): its reader gets the rows and the pipe stays a pipe. Before, it was
    replaced by a regular file (run as root, `--out /dev/stdout` replaced the machine's /dev/stdout link)."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()), daemon=True)
    reader.start()
    write(fifo, "streamed\n")
    reader.join(timeout=30)
    assert received == ["streamed\n"] and stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]
