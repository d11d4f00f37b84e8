"""A full disk at each write site of a job (issue 10 item 3): the job pauses within a second with a plain message,
the events log stays whole with no event repeated, the time stuck is not counted as working time, and nothing is
lost once space is back. Simulated ENOSPC at every site, plus a real 1 MiB tmpfs where the machine allows it."""
from __future__ import annotations

import errno
import json
import os
import threading
import time
from collections import Counter

import pytest

from inlink import fileio
from inlink.jobs import JobManager, results as jobresults
from inlink.jobs.store import DISK_FULL_MESSAGE
from jobtasks import expected_rows, frame_rows, item_key, wait_for
from tmpfs import mounted_tmpfs

ENOSPC = OSError(errno.ENOSPC, "No space left on device")


class FullDisk:
    """Makes one write site fail with ENOSPC (the first failure tears its write in half) until `free()`."""

    def __init__(self, monkeypatch, site: str):
        self.site, self.full, self.first_failure, self.failures = site, threading.Event(), None, 0
        if site in ("results", "checkpoint"):
            real = jobresults.low_level_write
            monkeypatch.setattr(jobresults, "low_level_write", lambda fd, data: self._write(real, fd, data))
        elif site == "metadata":
            real = fileio.write_all
            monkeypatch.setattr(fileio, "write_all", lambda fd, data: self._write(real, fd, data))
        else:
            real = fileio.low_level_write
            monkeypatch.setattr(fileio, "low_level_write", lambda fd, data: self._write(real, fd, data))

    def _targets(self, data) -> bool:
        data = bytes(data)
        is_checkpoint = data[8:10] == b" ["
        if self.site == "results":
            return not is_checkpoint
        if self.site == "checkpoint":
            return is_checkpoint
        return True

    def _write(self, real, fd, data):
        if not (self.full.is_set() and self._targets(data)):
            return real(fd, data)
        if self.first_failure is None:
            self.first_failure = time.monotonic()
            half = os.write(fd, bytes(data[: max(1, len(data) // 2)]))   # the disk fills mid-write
            if self.site == "events":
                return half                  # as the kernel does: a short write, then ENOSPC on the next one
        self.failures += 1
        raise ENOSPC

    def free(self) -> None:
        self.full.clear()


def rows_without(n: int, skipped: int | None) -> list[tuple]:
    """expected_rows(n) less the rows of an item that raised ItemError."""
    return [row for row in expected_rows(n) if skipped is None or row[0] != item_key(skipped)]


def event_lines(jobs_dir, job_id) -> list[dict]:
    """Every line of the events log, parsed: a torn line fails the test here."""
    return [json.loads(line) for line in (jobs_dir / f"{job_id}_events.jsonl").read_bytes().splitlines()]


@pytest.mark.parametrize("site", ["results", "checkpoint", "metadata", "events"])
def test_a_full_disk_at_each_write_site_pauses_the_job_plainly_and_loses_nothing(manager, monkeypatch, jobs_dir,
                                                                                 site):
    disk = FullDisk(monkeypatch, site)
    started = time.time()
    # An item that errors writes an event mid-run: the one event written while the items run.
    skipped = 150 if site == "events" else None
    config = {"n": 400, "delay": 0.002, "item_errors": [skipped] if skipped is not None else []}
    job_id = manager.create_job("test_counting", config=config)
    wait_for(lambda: manager.get(job_id)["items_done"] >= 20, what="progress")
    disk.full.set()
    job = manager.wait(job_id, 10, until=["paused", "failed", "completed"])
    waited = time.monotonic() - (disk.first_failure or time.monotonic())
    assert job["status"] == "paused", job["message"]
    assert waited < 1.0, f"paused {waited:.2f}s after the first failed write"
    assert DISK_FULL_MESSAGE in job["message"] and job["can_resume"]
    assert job["error"]["type"] == "StorageError" and "disk is full" in job["error"]["message"]
    wait_for(lambda: disk.failures >= 3 or site in ("results", "checkpoint"), what="writes refused while stuck")
    stuck_from = time.time()
    disk.free()
    on_disk = wait_for(lambda: (m := json.loads((jobs_dir / f"{job_id}.json").read_bytes()))["status"] == "paused"
                       and m, what="the paused status on disk")
    assert on_disk["active_seconds"] <= stuck_from - started, "time stuck on the full disk counted as work"
    events = Counter(e["event"] for e in event_lines(jobs_dir, job_id))
    assert events["paused"] == 1
    assert frame_rows(manager.results_frame(job_id)) == rows_without(on_disk["items_done"], skipped)
    manager.resume(job_id)
    assert manager.wait(job_id, 60)["status"] == "completed"
    assert frame_rows(manager.results_frame(job_id)) == rows_without(400, skipped)
    events = Counter(e["event"] for e in event_lines(jobs_dir, job_id))
    assert events["paused"] == 1 and events["completed"] == 1


def test_a_torn_event_append_is_cut_back_so_the_next_event_reads_whole(tmp_path, monkeypatch):
    path = tmp_path / "events.jsonl"
    fileio.append_line(path, b'{"event": "one"}\n')
    real = fileio.low_level_write

    def half_then_full(fd, data):
        if len(data) > 12:
            return os.write(fd, bytes(data[:5]))     # a short write...
        raise ENOSPC                                 # ...then the disk is full
    monkeypatch.setattr(fileio, "low_level_write", half_then_full)
    with pytest.raises(OSError):
        fileio.append_line(path, b'{"event": "two"}\n')
    monkeypatch.setattr(fileio, "low_level_write", real)
    fileio.append_line(path, b'{"event": "three"}\n')
    assert [json.loads(line)["event"] for line in path.read_bytes().splitlines()] == ["one", "three"]


# ----------------------------------------------------------------------------- a real full disk
@pytest.fixture
def tiny_disk(tmp_path):
    """A real 1 MiB tmpfs (root only; skipped where mounting is not allowed)."""
    with mounted_tmpfs(tmp_path / "disk", "size=1m") as mount:
        yield mount


@pytest.mark.slow
def test_a_real_full_disk_pauses_the_job_records_it_and_resumes_after_space_is_freed(tiny_disk):
    manager = JobManager(tiny_disk / "jobs", heartbeat_interval=0.2)
    filler = tiny_disk / "someone-elses-file"        # leaves ~300 kB: the job needs ~640 kB (160 bytes per item)
    disk = os.statvfs(tiny_disk)
    filler.write_bytes(b"x" * (disk.f_bavail * disk.f_frsize - 300_000))
    try:
        job_id = manager.create_job("test_counting", config={"n": 4000})
        job = manager.wait(job_id, 30, until=["paused", "failed", "completed"])
        assert job["status"] == "paused" and DISK_FULL_MESSAGE in job["message"], job["message"]
        reader = JobManager(tiny_disk / "jobs", autostart=False)        # another process's view: the file
        wait_for(lambda: reader.get(job_id)["status"] == "paused", what="the pause recorded on the full disk")
        events = event_lines(tiny_disk / "jobs", job_id)
        assert Counter(e["event"] for e in events)["paused"] == 1
        done = reader.get(job_id)["items_done"]
        assert 0 < done < 4000
        assert frame_rows(manager.results_frame(job_id)) == expected_rows(done)
        filler.unlink()
        manager.resume(job_id)
        assert manager.wait(job_id, 60)["status"] == "completed"
        assert frame_rows(manager.results_frame(job_id)) == expected_rows(4000)
    finally:
        manager.shutdown(timeout=5)


def test_a_storage_error_reads_as_its_sentence_and_keeps_its_errno():
    """`jobs start` on a full disk printed "error: [Errno 28] could not copy the inputs of job ...": the errno
    belongs to code (isinstance OSError, .errno), the sentence to the user."""
    from inlink.jobs.store import storage_error

    error = storage_error(OSError(errno.ENOSPC, "No space left on device"), "copy the inputs of job 3f2a")
    assert str(error) == "could not copy the inputs of job 3f2a: the disk is full"
    assert isinstance(error, OSError) and error.errno == errno.ENOSPC
