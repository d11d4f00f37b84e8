"""Small pieces of the job engine: owner liveness, secret-looking keys, transitions, atomic writes."""
from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from waiting import wait_for

from inlink import fileio
from inlink.jobs import Job
from inlink.jobs.state import (InvalidJobOperation, JobStatus, StorageError, check_transition, looks_secret,
                      secret_keys)
from inlink.jobs.store import JobStore, atomic_write_bytes, owner_alive, owner_record, process_start_time


def test_owner_alive_checks_pid_start_time_and_heartbeat():
    me = owner_record("t")
    assert owner_alive(me, stale_after=15)
    assert not owner_alive(None, stale_after=15)
    assert not owner_alive(dict(me, started="1"), stale_after=15)           # pid reused
    assert not owner_alive(dict(me, heartbeat=time.time() - 60), stale_after=15)
    assert not owner_alive(dict(me, pid=2 ** 22 + 12345), stale_after=15)   # no such process
    elsewhere = {"pid": 1, "host": "another-host", "token": "t"}
    assert owner_alive(dict(elsewhere, heartbeat=time.time()), stale_after=15)
    assert not owner_alive(dict(elsewhere, heartbeat=time.time() - 16), stale_after=15)
    assert process_start_time(os.getpid()) == me["started"]


@pytest.mark.parametrize("key", ["api_key", "apiKey", "API-KEY", "token", "auth_token",
                                 "client_secret", "password", "gemini_credentials", "privateKey"])
def test_secret_looking_keys(key):
    assert looks_secret(key)


@pytest.mark.parametrize("key", ["max_tokens", "max_output_tokens", "keywords", "key_phrases",
                                 "author", "budget_usd", "monkey"])
def test_ordinary_keys(key):
    assert not looks_secret(key)


def test_secret_keys_are_found_in_nested_config():
    config = {"engine": "gemini", "options": {"model": "m", "apiKey": "x"}, "list": [{"token": 1}]}
    assert secret_keys(config) == ["options.apiKey", "list.0.token"]


@pytest.mark.parametrize("status, action, allowed", [
    ("queued", "pause", True), ("running", "pause", True), ("paused", "pause", False),
    ("paused", "resume", True), ("failed", "resume", True), ("stopped", "resume", False),
    ("completed", "stop", False), ("paused", "stop", True), ("running", "start", False),
])
def test_transitions(status, action, allowed):
    if allowed:
        check_transition("0123456789ab", status, action)
    else:
        with pytest.raises(InvalidJobOperation, match=f"cannot {action} job 0123456789ab: it is "
                                                      f"{JobStatus(status).value}"):
            check_transition("0123456789ab", status, action)


def test_atomic_write_leaves_old_content_and_no_temp_file_when_the_disk_is_full(tmp_path,
                                                                               monkeypatch):
    target = tmp_path / "0123456789ab.json"
    atomic_write_bytes(target, b'{"old": 1}')

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(fileio, "write_all", full)
    with pytest.raises(StorageError, match="disk is full"):
        atomic_write_bytes(target, b'{"new": 2}')
    assert target.read_bytes() == b'{"old": 1}'
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_events_survive_a_garbled_line(tmp_path):
    store = JobStore(tmp_path)
    job_id = "0123456789ab"
    store.write_job(Job(job_id=job_id, task="t"))
    store.add_event(job_id, "created", "one")
    with open(store.events_path(job_id), "ab") as f:
        f.write(b"{torn\n")
    store.add_event(job_id, "started", "two")
    assert [e["message"] for e in store.read_events(job_id)] == ["one", "two"]
    assert store.read_events(job_id, limit=1)[0]["message"] == "two"
    assert store.read_events(job_id, limit=0) == store.read_events(job_id, limit=-1) == []


OLD_FILE = {   # a job written before the typed record (and before some keys existed), plus a key from the future
    "job_id": "0123456789ab", "task": "test_counting", "label": "old", "status": "paused",
    "created_at": "2026-11-01T10:00:00.000Z", "started_at": "2026-11-01T10:00:01.000Z", "updated_at": None,
    "completed_at": None, "paused_at": "2026-11-01T10:05:00.000Z", "stopped_at": None, "total_items": 10,
    "items_done": 4, "progress_percentage": 40.0, "current_step": "count", "current_step_index": 1,
    "total_steps": 2, "last_successful_step": "load", "failed_step": None, "error": None, "can_resume": True,
    "attempts": 1, "owner": None, "rows_written": 6, "counters": {"tokens": 6}, "config": {"n": 10},
    "summary": None, "message": "Paused by request.", "active_seconds": 12.5, "run_started_epoch": None,
    "a_future_key": {"kept": True},
}


def test_the_rate_of_a_running_job_counts_from_when_its_items_began_not_its_preparation():
    """Right after a start, the rate counted the preparation (reading the crawl, building the index): the ETA of
    a 497-page job that ended 3 s later read 3,096 s."""
    now = 1_000_000.0
    job = Job(job_id="0123456789ab", task="t", status=JobStatus.RUNNING, total_items=497, items_done=11,
              run_started_epoch=now - 7.0, session_items_start=1)
    assert job.progress(now)["eta_s"] == round(486 / (10 / 7.0), 1)                 # the preparation counted
    job.update(items_started_epoch=now - 1.0, items_started_done=1)                  # 10 items in its last second
    assert job.progress(now)["eta_s"] == 48.6 and job.progress(now)["elapsed_s"] == 7.0
    job.update(items_started_epoch=now - 100.0)                                      # an earlier session's: unused
    assert job.progress(now)["eta_s"] == round(486 / (10 / 7.0), 1)


def test_an_old_job_file_loads_into_a_job_and_writes_back_the_same_keys(tmp_path):
    job = Job.from_dict(OLD_FILE)
    assert job.status is JobStatus.PAUSED and job.items_done == 4 and job.recoveries == 0
    assert job.progress()["percentage"] == 40.0 and job.progress()["rate_per_s"] == round(4 / 12.5, 3)
    data = job.to_dict()
    assert {k: data[k] for k in OLD_FILE} == OLD_FILE            # every value as it was, unknown keys kept
    assert [k for k in data if k in OLD_FILE] == list(OLD_FILE)   # same order; an unknown key goes last
    store = JobStore(tmp_path)
    store.meta_path(job.job_id).write_text(json.dumps(OLD_FILE))
    assert store.read_job(job.job_id).to_dict() == data
    with pytest.raises(AttributeError):
        job.update(no_such_field=1)


def test_a_job_deleted_between_the_listing_and_its_read_is_no_problem(tmp_path, monkeypatch):
    """A scan races every delete (the scheduler lists the folder once a second): a job whose files vanish
    after the listing is simply gone, not "unreadable job metadata" on the dashboard."""
    store = JobStore(tmp_path)
    kept, deleted = (Job.from_dict(dict(OLD_FILE, job_id=job_id)) for job_id in ("aaaaaaaaaaaa", "bbbbbbbbbbbb"))
    for job in (kept, deleted):
        store.write_job(job)
    listing = os.scandir

    def list_then_delete(path):
        entries = list(listing(path))
        store.remove_job_files(deleted.job_id)
        return iter(entries)
    monkeypatch.setattr("inlink.jobs.store.os.scandir", list_then_delete)
    assert [job.job_id for job in store.scan()] == [kept.job_id]
    assert store.last_problems == []


def test_the_folders_creation_lock_is_no_problem(tmp_path):
    """A QA pass: after a first `jobs start` (a twin check under the folder's creation lock), every `jobs list`
    warned ".creation.lock: not a file of this job manager (left alone)"; the lock is the store's own file."""
    store = JobStore(tmp_path)
    with store.creation_lock():
        store.write_job(Job.from_dict(dict(OLD_FILE, job_id="aaaaaaaaaaaa")))
    assert [job.job_id for job in store.scan()] == ["aaaaaaaaaaaa"]
    assert store.last_problems == []


def test_a_killed_worker_left_unreaped_counts_as_gone():
    """A kill -9'd worker whose parent has not reaped it is a zombie: kill(pid, 0) still succeeds, yet it will
    never heartbeat again, so its job must be recovered at once, not after the heartbeat goes stale."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        owner = {"pid": child.pid, "host": owner_record("t")["host"], "heartbeat": time.time(), "token": "t",
                 "started": process_start_time(child.pid)}
        assert owner_alive(owner, stale_after=15)
        os.kill(child.pid, signal.SIGKILL)                      # not reaped: the child stays a zombie

        def zombie():
            with open(f"/proc/{child.pid}/stat") as f:
                return f.read().rsplit(")", 1)[1].split()[0] == "Z"
        wait_for(zombie, timeout=30, what="the killed child to become a zombie")
        assert not owner_alive(dict(owner, heartbeat=time.time()), stale_after=15)
    finally:
        child.kill()
        child.wait()


def test_an_event_added_while_the_log_is_trimmed_is_kept(tmp_path, monkeypatch):
    """The trim reads the log and replaces it whole; an event another thread (or process) appended between the
    two went with the old file. Appends wait for the trim instead."""
    import threading

    from inlink.jobs import store as jobstore

    store = JobStore(tmp_path)
    job = Job(job_id="abcdef012345", task="t")
    store.write_job(job)
    monkeypatch.setattr(jobstore, "MAX_EVENTS", 5)
    monkeypatch.setattr(jobstore, "_EVENTS_TRIM_BYTES", 600)
    writer = threading.Thread(target=store.add_event, args=(job.job_id, "late", "added during the trim"))
    replace = jobstore.atomic_write_bytes

    def trimming(path, data):        # another writer appends between the trim's read and its replace
        if path == store.events_path(job.job_id) and not writer.is_alive() and writer.ident is None:
            writer.start()
            writer.join(1)           # an append that does not wait lands now, in the file about to be replaced
        replace(path, data)

    monkeypatch.setattr(jobstore, "atomic_write_bytes", trimming)
    for n in range(20):
        store.add_event(job.job_id, "step", f"event {n} " + "x" * 40)
        if writer.ident is not None:
            break                    # no later event of ours may trim the writer's line away
    writer.join(60)
    assert writer.ident is not None and not writer.is_alive()
    assert "late" in [event["event"] for event in store.read_events(job.job_id, limit=100)]


def test_a_deleted_job_gets_no_event_file(tmp_path):
    store = JobStore(tmp_path)
    store.add_event("abcdef012345", "late", "after the delete")
    assert not store.events_path("abcdef012345").exists()


def test_an_atomic_write_passes_over_a_temp_name_taken_and_removes_only_its_own(tmp_path, monkeypatch):
    """Temp names came from the clock's nanoseconds: two threads could pick one, and the loser's clean-up removed
    the winner's file. They are numbered per process now, and a name taken (a dead process's leftover of the same
    pid) is passed over, not removed."""
    import itertools

    monkeypatch.setattr(fileio, "_TEMP_NUMBERS", itertools.count(5))
    target = tmp_path / "job.json"
    taken = tmp_path / f".job.json.{os.getpid()}_5.tmp"
    taken.write_bytes(b"someone else's")
    atomic_write_bytes(target, b"{}")
    assert target.read_bytes() == b"{}" and taken.read_bytes() == b"someone else's"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, taken.name])
