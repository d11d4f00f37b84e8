"""Behaviour of JobManager in one process: lifecycle, control, failures, queue, storage, listing."""
from __future__ import annotations

import errno
import json
import os
import subprocess
import threading
import time
from collections import Counter

import pytest

from inlink import fileio
from inlink.jobs import store as jobstore
from inlink.jobs.manager import (InvalidJobId, InvalidJobOperation, JobManager, JobNotFound, JobStatus,
                         SecretInConfig, StorageError, Task, UnknownTask, register_task)
from jobtasks import computed_keys, count_scans, expected_rows, frame_rows, held_job, rows_for, wait_for

METADATA_KEYS = {
    "job_id", "task", "label", "status", "created_at", "started_at", "updated_at", "completed_at",
    "paused_at", "stopped_at", "total_items", "items_done", "progress_percentage", "current_step",
    "current_step_index", "total_steps", "last_successful_step", "failed_step", "error",
    "can_resume", "attempts", "owner", "rows_written", "counters", "config", "summary", "message",
    "progress"}


def run(manager, n=12, timeout=60, **config):
    job_id = manager.create_job("test_counting", inputs={"pages.csv": b"url\n/a\n"},
                                config={"n": n, **config})
    return job_id, manager.wait(job_id, timeout)


def pause_midway(manager, job_id, gate):
    """Pause a held job (jobtasks.held_job), let it go on, and return the paused job's metadata."""
    manager.pause(job_id)
    gate.touch()
    meta = manager.wait(job_id, 60, until=["paused"])
    assert meta["status"] == "paused", meta
    return meta


def status_is(manager, job_id, status):
    return lambda: manager.get(job_id)["status"] == status


# ----------------------------------------------------------------------------- lifecycle
def test_a_label_is_one_line(manager):
    """`jobs start --label "$(cat notes)"` kept the label's line breaks: `jobs list` ("one line per job") drew the
    job over three lines, and the dashboard's titles broke too."""
    job_id = manager.create_job("test_counting", config={"n": 1}, label="two\nlines\t é ")
    assert manager.get(job_id)["label"] == "two lines é"


def test_job_runs_in_background_and_reports_everything(manager, jobs_dir):
    job_id, meta = run(manager, n=30)
    assert meta["status"] == "completed", meta["message"]
    assert METADATA_KEYS <= set(meta)
    assert meta["items_done"] == meta["total_items"] == 30
    assert meta["progress"]["percentage"] == 100.0
    assert meta["last_successful_step"] == "count" and meta["attempts"] == 1
    assert meta["summary"] == {"loaded": True, "inputs": ["pages.csv"], "cost_usd": 15.0,
                               "secrets": []}
    assert meta["rows_written"] == len(expected_rows(30)) == manager.results_count(job_id)
    assert meta["counters"] == {"tokens": len(expected_rows(30)), "cost_usd": 15.0}
    assert frame_rows(manager.results_frame(job_id)) == expected_rows(30)
    assert (jobs_dir / f"{job_id}_input" / "pages.csv").read_bytes() == b"url\n/a\n"
    assert "preparing load" in [e["message"] for e in manager.events(job_id)]
    kinds = [e["event"] for e in manager.events(job_id)]
    assert kinds[:2] == ["created", "started"] and kinds[-1] == "completed"
    assert all(e["ts"] and e["message"] for e in manager.events(job_id))


def test_all_the_rows_are_read_once_while_nothing_is_committed(manager, monkeypatch):
    """An opened job's page reads every row on each rerun (each Accept, filter, page of cards): a job that commits
    nothing meanwhile is parsed once (a 250,000-row job took seconds per click), each caller gets rows of its own,
    and rows committed since are read."""
    from inlink.jobs import results as jobresults

    job_id, _ = run(manager, n=30)
    other, _ = run(manager, n=5)
    parses = []
    parse = jobresults._parse
    monkeypatch.setattr(jobresults, "_parse", lambda *args, **kwargs: parses.append(1) or parse(*args, **kwargs))
    first = manager.results_frame(job_id)
    first["text"] = "changed by one caller"
    assert frame_rows(manager.results_frame(job_id)) == expected_rows(30) and len(parses) == 1
    assert frame_rows(manager.results_frame(other)) == expected_rows(5) and len(parses) == 2
    assert len(manager.results_frame(job_id, limit=3)) == 3 and len(parses) == 3   # a part: read as asked
    assert frame_rows(manager.results_frame(job_id)) == expected_rows(30) and len(parses) == 3


def test_the_csv_of_some_rows_is_the_full_export_cut_to_them(manager):
    """The accepted rows' file: rows picked by position before they are written (they were picked out of the whole
    export, written and read again), with the full export's bytes per row; rows past `keep` are left out."""
    from inlink.exports import csv_rows, safe_csv_bytes

    job_id, _ = run(manager, n=30, tricky=True)
    full = list(csv_rows(manager.results_csv(job_id), encoding="utf-8-sig"))
    assert any("\n" in cell for row in full[1:5] for cell in row) and any(cell.startswith("'=") for cell in full[1])
    keep = [False, True, True, False, True]
    assert list(csv_rows(manager.results_csv(job_id, keep=keep), encoding="utf-8-sig")) == [full[0], *full[2:4], full[5]]
    assert manager.results_csv(job_id, keep=[]) == safe_csv_bytes(full[0], [])


def test_a_job_without_items_completes(manager):
    job_id, meta = run(manager, n=0)
    assert meta["status"] == "completed" and meta["total_items"] == 0
    assert meta["progress"]["percentage"] == 100.0 and manager.results_frame(job_id).empty
    assert list(manager.results_frame(job_id).columns) == ["item", "n", "text", "value"]


def test_power_durability_gives_the_same_results(make_manager, jobs_dir):
    manager = make_manager(durability="power")
    job_id, meta = run(manager, n=25)
    assert meta["status"] == "completed"
    assert frame_rows(manager.results_frame(job_id)) == expected_rows(25)
    assert b"row 1 of item-0001" in (jobs_dir / f"{job_id}_checkpoints.log").read_bytes()
    with pytest.raises(ValueError, match="durability"):
        JobManager(jobs_dir, durability="fast")


def test_secrets_given_at_resume_reach_the_task(manager, tmp_path):
    job_id = manager.create_job("test_counting", config={
        "n": 6, "pause_once": {"at": 2, "marker": str(tmp_path / "m")}})
    assert manager.wait(job_id, 60, until=["paused"])["status"] == "paused"
    manager.resume(job_id, secrets={"token": "abc"})
    assert manager.wait(job_id, 60)["summary"]["secrets"] == ["token"]


def test_a_refused_resume_keeps_no_key_it_was_given(make_manager, jobs_dir):
    """A key given to a resume that is refused (a stopped job, a queued one) is not held in memory: it stayed there
    for the manager's life, and over the job's own key (the run then used the refused resume's key)."""
    manager = make_manager(autostart=False)
    stopped = manager.create_job("test_counting", config={"n": 2})
    manager.stop(stopped)
    with pytest.raises(InvalidJobOperation, match="stopped"):
        manager.resume(stopped, secrets={"api_key": "sk-refused"})
    assert stopped not in manager._secrets
    queued = manager.create_job("test_counting", config={"n": 2}, secrets={"token": "its own"})
    with pytest.raises(InvalidJobOperation, match="queued already"):
        manager.resume(queued, secrets={"api_key": "sk-refused"})
    with pytest.raises(JobNotFound):
        manager.resume("0123456789ab", secrets={"api_key": "sk-refused"})
    assert "0123456789ab" not in manager._secrets
    manager.start()
    assert manager.wait(queued, 60)["summary"]["secrets"] == ["token"]


def test_get_list_and_delete(manager, jobs_dir):
    first, _ = run(manager, n=3)
    second, _ = run(manager, n=3)
    assert [m["job_id"] for m in manager.list_jobs()] == [second, first]
    assert [m["job_id"] for m in manager.list_jobs("completed")] == [second, first]
    assert manager.list_jobs("running") == []
    manager.delete(first)
    assert not any(p.name.startswith(first) for p in jobs_dir.iterdir())
    with pytest.raises(JobNotFound):
        manager.get(first)
    assert [m["job_id"] for m in manager.list_jobs()] == [second]


def test_a_job_whose_metadata_is_corrupt_can_be_deleted(manager, jobs_dir):
    """Nothing can run or resume a job whose metadata is damaged; delete still removes every file of it (the
    listing says how), instead of refusing it as corrupt and leaving its files for ever."""
    job_id, _ = run(manager, n=3)
    (jobs_dir / f"{job_id}.json").write_text("{not json")
    assert manager.list_jobs() == []
    assert any(f"job {job_id}: deleting it removes its files" in problem for problem in manager.problems())
    manager.delete(job_id)
    assert not any(p.name.startswith(job_id) for p in jobs_dir.iterdir())
    assert manager.list_jobs() == [] and manager.problems() == []


def test_a_queued_job_claimed_while_it_is_deleted_stops_before_its_files_go(make_manager, jobs_dir, tmp_path):
    """A scheduler may claim a queued job between delete's read of it and the removal of its files: delete reads
    it again under the job's lock and asks that run to stop first, so no runner writes its files again afterwards."""
    deleter, claimer = make_manager(autostart=False), make_manager(autostart=False)
    gate = tmp_path / "gate"
    job_id = deleter.create_job("test_counting", config={"n": 4, "gate": str(gate)})
    settle = deleter._scheduler.settle

    def claimed_meanwhile(*args):          # the other manager claims the job right before delete takes the lock
        if not claimer._scheduler.runner(job_id):
            claimer.start()
            wait_for(lambda: os.path.exists(f"{gate}.waiting"), timeout=60, what="the claimed job's first item")
        settle(*args)

    def open_gate_once_asked():
        wait_for(lambda: deleter.store.read_job(job_id).requested_action == "delete", timeout=60,
                 what="delete to ask the run to stop")
        gate.touch()

    deleter._scheduler.settle = claimed_meanwhile
    opener = threading.Thread(target=open_gate_once_asked, daemon=True)
    opener.start()
    try:
        deleter.delete(job_id)
    finally:
        gate.touch()
    opener.join(60)
    wait_for(lambda: claimer._scheduler.runner(job_id) is None, timeout=60, what="the claimed run to end")
    claimer.shutdown(timeout=10)
    assert not any(p.name.startswith(job_id) for p in jobs_dir.iterdir())


def test_a_job_deleted_as_it_is_claimed_before_its_thread_starts_is_deleted(manager, jobs_dir, monkeypatch):
    """The scheduler registers a claimed job's runner, writes the "started" event, then starts its thread: a delete
    in that moment (a tab's Delete as the job leaves the queue) joined a thread not started yet and failed with
    RuntimeError ("cannot join thread before it is started"), the job left running."""
    claiming, go_on = threading.Event(), threading.Event()
    add_event = jobstore.JobStore.add_event

    def held(self, job_id, event, message, **extra):
        if event == "started":         # claimed and registered, its thread not started
            claiming.set()
            go_on.wait(30)
        return add_event(self, job_id, event, message, **extra)
    monkeypatch.setattr(jobstore.JobStore, "add_event", held)
    job_id = manager.create_job("test_counting", config={"n": 3})
    assert claiming.wait(30)
    failures = []

    def delete():
        try:
            manager.delete(job_id)
        except Exception as exc:       # noqa: BLE001 (the failure is what the test looks for)
            failures.append(exc)
    deleting = threading.Thread(target=delete)
    deleting.start()
    runner = manager._scheduler.runner(job_id)
    wait_for(lambda: runner.requested == "delete" or failures, what="the delete to ask the run to end")
    go_on.set()
    deleting.join(30)
    assert not failures and not deleting.is_alive()
    assert not any(path.name.startswith(job_id) for path in jobs_dir.iterdir())


def test_resume_uses_the_jobs_own_copy_of_inputs(make_manager, tmp_path):
    upload = tmp_path / "upload.csv"
    upload.write_text("url\n/x\n")
    manager = make_manager()
    gate = tmp_path / "gate"
    job_id = held_job(manager, gate, at=3, inputs={"pages.csv": upload}, n=200)
    pause_midway(manager, job_id, gate)
    upload.unlink()
    manager.resume(job_id)
    meta = manager.wait(job_id, 60)
    assert meta["status"] == "completed"
    assert meta["summary"]["inputs"] == ["pages.csv"]


# ----------------------------------------------------------------------------- pause / resume / stop
def test_pause_acts_between_items_and_resume_never_repeats_one(manager, tmp_path):
    record = tmp_path / "computed.txt"
    gate = tmp_path / "gate"
    job_id = held_job(manager, gate, n=300, record=str(record))
    meta = pause_midway(manager, job_id, gate)
    assert meta["can_resume"] and meta["paused_at"] and meta["owner"] is None
    done = meta["items_done"]
    assert 5 <= done < 300
    assert computed_keys(record) == [f"item-{i:04d}" for i in range(done)]
    assert frame_rows(manager.results_frame(job_id)) == expected_rows(done)
    manager.resume(job_id)
    assert manager.wait(job_id, 60)["status"] == "completed"
    assert Counter(computed_keys(record)) == Counter(f"item-{i:04d}" for i in range(300))
    assert frame_rows(manager.results_frame(job_id)) == expected_rows(300)
    assert {"paused", "resumed"} <= {e["event"] for e in manager.events(job_id)}


def test_a_job_resumed_by_a_task_that_writes_more_columns_keeps_its_own(manager, tmp_path, monkeypatch):
    """A job created before its task wrote a new column (a fetch job before "Language"), resumed by the newer
    task: the new column's values were appended under the old header, one field too many on every line after the
    pause, and the results no longer read. The job keeps the columns it was created with."""
    import jobtasks
    gate = tmp_path / "gate"
    job_id = held_job(manager, gate, n=40)
    done = pause_midway(manager, job_id, gate)["items_done"]
    older = jobtasks.CountingTask.process
    monkeypatch.setattr(jobtasks.CountingTask, "result_columns", (*jobtasks.COLUMNS, "note"))
    monkeypatch.setattr(jobtasks.CountingTask, "process",
                        lambda self, ctx, item: [{**row, "note": "new"} for row in older(self, ctx, item)])
    manager.resume(job_id)
    assert manager.wait(job_id, 60)["status"] == "completed"
    assert 5 <= done < 40
    assert list(manager.results_frame(job_id).columns) == list(jobtasks.COLUMNS)
    assert frame_rows(manager.results_frame(job_id)) == expected_rows(40)
    fresh = manager.create_job("test_counting", config={"n": 2})   # a new job has the task's columns now
    assert manager.wait(fresh, 60)["status"] == "completed"
    assert list(manager.results_frame(fresh).columns) == [*jobtasks.COLUMNS, "note"]


def test_pause_of_a_queued_job_and_resume_withdrawing_a_pending_pause(make_manager):
    manager = make_manager(max_running=1)
    blocker = manager.create_job("test_counting", config={"n": 400, "delay": 0.005})
    waiting = manager.create_job("test_counting", config={"n": 2})
    wait_for(status_is(manager, blocker, "running"), what="blocker running")
    manager.pause(waiting)
    assert manager.get(waiting)["status"] == "paused"
    manager.stop(blocker)
    manager.wait(blocker, 60)
    manager.resume(waiting)
    assert manager.wait(waiting, 60)["status"] == "completed"


def test_resume_before_the_item_ends_withdraws_the_pause(make_manager, tmp_path):
    owner, other = make_manager(), make_manager(autostart=False)   # other: like another process
    gate = tmp_path / "gate"
    job_id = owner.create_job("test_counting", config={"n": 3, "gate": str(gate)})
    # Inside item 0 (not merely "running": a pause seen at the boundary before item 0 would take effect).
    wait_for(lambda: (tmp_path / "gate.waiting").exists(), what="item 0 in progress")
    for manager in (owner, other):
        manager.pause(job_id)
        assert manager.get(job_id)["requested_action"] == "pause"
        manager.resume(job_id)
    runner = owner._scheduler.runner(job_id)
    wait_for(lambda: runner.requested is None, what="the owner to see the withdrawal")
    gate.touch()
    meta = owner.wait(job_id, 60)
    assert meta["status"] == "completed"
    assert "paused" not in [e["event"] for e in owner.events(job_id, 100)]


def test_a_resume_that_withdraws_a_pause_the_run_has_just_taken_lets_the_job_go_on(make_manager, tmp_path,
                                                                                    monkeypatch):
    """The run takes the pause at its item boundary, and the resume comes before its outcome is written: the resume
    finds the job running and withdraws the pause. The job then stood paused though the user's last word was resume
    (events "pause_requested", "resumed", then "paused"); it now goes back to the queue and finishes."""
    from inlink.jobs.scheduler import JobScheduler

    ended, write = threading.Event(), threading.Event()
    exited = JobScheduler._runner_exited

    def held(self, runner, outcome):   # the run has ended: its outcome waits until the test has resumed
        ended.set()
        write.wait(30)
        exited(self, runner, outcome)
    monkeypatch.setattr(JobScheduler, "_runner_exited", held)
    manager = make_manager()
    gate = tmp_path / "gate"
    job_id = manager.create_job("test_counting", config={"n": 3, "gate": str(gate)})
    wait_for(lambda: (tmp_path / "gate.waiting").exists(), what="item 0 in progress")
    manager.pause(job_id)
    gate.touch()
    assert ended.wait(30), "the run took the pause"
    manager.resume(job_id)             # the job is still marked running: the pause is withdrawn
    monkeypatch.setattr(JobScheduler, "_runner_exited", exited)
    write.set()
    meta = manager.wait(job_id, 60, until=("completed", "paused"))
    assert meta["status"] == "completed" and meta["items_done"] == 3
    assert frame_rows(manager.results_frame(job_id)) == expected_rows(3)
    assert "paused" not in [e["event"] for e in manager.events(job_id, 100)]


def test_a_run_that_has_ended_is_not_taken_over_before_its_outcome_is_written(make_manager):
    """Between the end of a run and the write of how it ended (its process stalled there: SIGSTOP, a suspended
    laptop, a job lock held long) the owner's heartbeat went stale while nothing held the writer fence any more:
    another manager requeued the job and ran it again, and the owner's outcome (completed, paused) was dropped. The
    fence is now held until the outcome is written."""
    owner = make_manager()
    ended, write = threading.Event(), threading.Event()
    exited = owner._scheduler._runner_exited

    def held(runner, outcome):          # the run has ended: its outcome waits for the test
        ended.set()
        write.wait(30)
        exited(runner, outcome)
    owner._scheduler._runner_exited = held
    job_id = owner.create_job("test_counting", config={"n": 3})
    assert ended.wait(30), "the run never ended"
    other = make_manager(stale_after=0.3, autostart=False)
    scans = count_scans(other)
    try:
        wait_for(lambda: not jobstore.owner_alive(other.job(job_id).owner, 0.3), what="a stale heartbeat")
        other.start()
        wait_for(lambda: scans() >= 2, what="two scans of the other manager")
        job = other.job(job_id)
        assert job.status is JobStatus.RUNNING and job.attempts == 1
    finally:
        write.set()
    meta = other.wait(job_id, 60)
    assert meta["status"] == "completed" and meta["attempts"] == 1
    assert "recovered" not in [e["event"] for e in other.events(job_id, 100)]


@pytest.mark.parametrize("ending, asked, ends", [("the task's pause", "stop", "stopped"),
                                                  ("a shutdown", "pause", "paused"), ("a shutdown", "stop", "stopped")])
def test_a_request_written_as_a_run_ends_its_own_way_is_the_last_word(make_manager, tmp_path, ending, asked, ends):
    """A pause or stop from another process (`jobs stop`, a second tab) that lands after the run took its own way
    out (a pause of its task, a shutdown handing it back to the queue) and before its outcome is written: the write
    cleared the request, so the stopped job ended paused, and one paused or stopped as its worker shut down was
    queued again and run to the end by the next manager. It now ends as asked."""
    owner, other = make_manager(), make_manager(autostart=False)
    write, landed = owner._scheduler._write_outcome, []

    def asked_meanwhile(runner, outcome):      # the run is over; the request lands before its outcome is written
        if not landed:
            getattr(other, asked)(runner.job_id)
            landed.append(other.job(runner.job_id).requested_action)
        write(runner, outcome)
    owner._scheduler._write_outcome = asked_meanwhile
    if ending == "the task's pause":
        job_id = owner.create_job("test_counting", config={"n": 6, "pause_once": {"at": 2, "marker": str(tmp_path / "m")}})
        meta = owner.wait(job_id, 60, until=("paused", "stopped", "completed", "failed"))
    else:
        job_id = owner.create_job("test_counting", config={"n": 2000, "delay": 0.005})
        wait_for(lambda: owner.get(job_id)["items_done"] >= 2, what="a few items done")
        owner.shutdown(pause=False)             # returns once the run's outcome is written
        meta = owner.get(job_id)
    assert landed == [asked]                    # the job still ran when the request was written: a request
    assert meta["status"] == ends and meta["requested_action"] is None, meta["message"]
    assert meta["message"].startswith(f"{ends.capitalize()} by request after {meta['items_done']:,} of ")
    assert [e["event"] for e in owner.events(job_id, 100)][-1] == ends


@pytest.mark.parametrize("task", ["test_counting", "test_counting_pool"])
def test_a_pause_relayed_from_a_stale_read_of_another_process_is_confirmed_before_it_takes_effect(
        make_manager, tmp_path, task):
    """The scheduler relays another process's pause from a read of the job file; when that process resumed
    after the read, the relay comes late (a loaded machine did it in 1 full run of 2): the runner asks the
    file again at the boundary and runs on, every item done (a pool that stopped submitting submits the rest)."""
    owner, other = make_manager(), make_manager(autostart=False)
    gate = tmp_path / "gate"
    job_id = owner.create_job(task, config={"n": 6, "gate": str(gate)})
    wait_for(lambda: (tmp_path / "gate.waiting").exists(), what="item 0 in progress")
    other.pause(job_id)
    other.resume(job_id)
    runner = owner._scheduler.runner(job_id)
    runner.request("pause")            # the relay of a read taken between the other process's pause and resume
    gate.touch()
    meta = owner.wait(job_id, 60)
    assert meta["status"] == "completed" and meta["items_done"] == 6
    assert frame_rows(owner.results_frame(job_id)) == expected_rows(6)
    assert "paused" not in [e["event"] for e in owner.events(job_id, 100)]


def test_a_pause_relayed_as_it_is_withdrawn_leaves_the_task_no_stop_to_see(make_manager, tmp_path, monkeypatch):
    """The scheduler's relay of a pause (read from the file just before a resume) and the resume's withdrawal ran on
    two threads: the withdrawal came between the relay's request and its flag, so the flag stayed set with nothing
    requested. ctx.should_stop() said True for the rest of the run, and a task that gives its item up when asked
    (a fetch, a Gemini retry wait) paused the job though nobody wanted it paused."""
    owner, other = make_manager(), make_manager(autostart=False)
    gate = tmp_path / "gate"
    job_id = owner.create_job("test_counting", config={"n": 2, "gives_up": str(gate)})
    wait_for(lambda: (tmp_path / "gate.waiting").exists(), what="item 0 in progress")
    other.pause(job_id)
    other.resume(job_id)
    runner = owner._scheduler.runner(job_id)
    entered, withdrawn = threading.Event(), threading.Event()

    flag_set = runner.stop_flag.set

    def late_set():                    # the relay's flag is set only once the withdrawal has run
        entered.set()
        withdrawn.wait(30)
        flag_set()
    monkeypatch.setattr(runner.stop_flag, "set", late_set)
    relay = threading.Thread(target=runner.request, args=("pause",))   # the relay of the read before the resume
    relay.start()
    assert entered.wait(30)
    runner.cancel_request("pause")     # the resume's withdrawal (or the next relay, which finds no request)
    withdrawn.set()
    relay.join(30)
    gate.touch()
    meta = owner.wait(job_id, 60, until=("completed", "paused"))
    assert meta["status"] == "completed" and meta["items_done"] == 2, meta["message"]


@pytest.mark.parametrize("then, ends", [(None, "paused"), ("stop", "stopped")])
def test_a_pause_from_another_process_that_stands_takes_effect_at_the_boundary(make_manager, tmp_path, then, ends):
    """A relayed pause the file still holds is taken; one the file has since turned into a stop (resume, then
    stop, in the other process, the pause's relay late) stops the job there, not an item later."""
    owner, other = make_manager(), make_manager(autostart=False)
    gate = tmp_path / "gate"
    job_id = owner.create_job("test_counting", config={"n": 3, "gate": str(gate)})
    wait_for(lambda: (tmp_path / "gate.waiting").exists(), what="item 0 in progress")
    other.pause(job_id)
    runner = owner._scheduler.runner(job_id)
    wait_for(lambda: runner.requested == "pause", what="the owner to relay the pause")
    if then == "stop":
        other.resume(job_id)
        other.stop(job_id)
        runner.request("pause")        # a late relay of the pause: the file says stop by now
    gate.touch()
    meta = wait_for(lambda: (m := owner.get(job_id))["status"] != "running" and m, what="the run to end")
    assert meta["status"] == ends and meta["items_done"] == 1


def test_a_pause_after_a_stop_not_yet_taken_is_refused_and_the_job_stops(make_manager, tmp_path):
    """`jobs stop` then `jobs pause` (or two tabs) while the item in progress ran: the pause wrote its request over
    the stop's in the job file, the owner relayed the pause, and the job ended paused: the stop, a final word, was
    lost. The pause is refused while a stop is pending, and the job stops."""
    owner, other = make_manager(), make_manager(autostart=False)   # other: like another process
    gate = tmp_path / "gate"
    job_id = owner.create_job("test_counting", config={"n": 3, "gate": str(gate)})
    wait_for(lambda: (tmp_path / "gate.waiting").exists(), what="item 0 in progress")
    other.stop(job_id)
    with pytest.raises(InvalidJobOperation, match="a stop is requested already"):
        other.pause(job_id)
    with pytest.raises(InvalidJobOperation, match=f"cannot resume job {job_id}: a stop is requested already"):
        other.resume(job_id)                                                  # it read "it is running already"
    assert other.get(job_id)["requested_action"] == "stop"
    runner = owner._scheduler.runner(job_id)
    wait_for(lambda: runner.requested == "stop", what="the owner to relay the stop")
    gate.touch()
    meta = wait_for(lambda: (m := owner.get(job_id))["status"] != "running" and m, what="the run to end")
    assert meta["status"] == "stopped" and meta["items_done"] == 1


def test_stop_keeps_partial_results_and_is_final(manager, tmp_path):
    gate = tmp_path / "gate"
    job_id = held_job(manager, gate, at=4, n=2000)   # counts read with thousands separators, as the panel's
    manager.stop(job_id)
    gate.touch()
    meta = manager.wait(job_id, 60)
    assert meta["status"] == "stopped" and meta["stopped_at"] and not meta["can_resume"]
    rows = frame_rows(manager.results_frame(job_id))
    done = meta["items_done"]
    assert rows == [r for r in expected_rows(done)] and 0 < done < 2000
    assert meta["message"] == f"Stopped by request after {done:,} of 2,000 items; partial results are kept."
    assert b"item-0000" in manager.results_csv(job_id)
    with pytest.raises(InvalidJobOperation, match=f"cannot resume job {job_id}: it is stopped \\(a stopped job is "
                                                   "over for good; start a new job to run it again\\)"):
        manager.resume(job_id)


@pytest.mark.parametrize("read", ["results_csv", "results_frame"])
def test_results_of_a_job_deleted_while_they_are_read_say_it_is_gone(tmp_path, monkeypatch, read):
    """`jobs export` racing `jobs delete` read "[Errno 2] No such file or directory: '.../ID_results.csv'"."""
    from inlink.jobs import JobManager, JobNotFound
    from inlink.jobs import results as jobresults

    manager = JobManager(tmp_path / "jobs", heartbeat_interval=0.2)
    try:
        job_id = manager.create_job("test_counting", config={"n": 5})
        assert manager.wait(job_id, 60)["status"] == "completed"
        sized = jobresults.committed_length

        def deleted_once_sized(results, checkpoints):   # delete's first removals, between the sizing and the read
            found = sized(results, checkpoints)
            manager.store.meta_path(job_id).unlink(missing_ok=True)
            manager.store.results_path(job_id).unlink(missing_ok=True)
            return found
        monkeypatch.setattr(jobresults, "committed_length", deleted_once_sized)
        with pytest.raises(JobNotFound, match=f"job {job_id} not found: it was deleted while its results were read"):
            getattr(manager, read)(job_id)
    finally:
        manager.shutdown(timeout=10)


#: Every read of a job's files after its metadata: (the call, its arguments, the name the manager reads the file by).
_READS = {"events": ((), "store.read_events"), "annotations": ((), "read_annotations"),
          "results_count": ((), "last_checkpoint"), "results_frame": ((), "_frames.read"),
          "results_frame tail": ((5,), "read_results"), "results_csv": ((), "results_csv_bytes")}


@pytest.mark.parametrize("read", list(_READS))
def test_every_read_of_a_job_deleted_meanwhile_says_it_is_gone(manager, monkeypatch, read):
    """The job panel reads a job's metadata, then its events and rows: a delete from another tab between the two
    read nothing ([] events, {} notes, 0 rows, an empty frame, a CSV without a header) as if the job had none, where
    the metadata read says "job X not found". Now every read of a job deleted meanwhile raises JobNotFound."""
    import inlink.jobs.manager as jobmanager

    job_id, meta = run(manager, n=5)
    assert meta["status"] == "completed"
    args, name = _READS[read]
    owner, attr = (manager.store, "read_events") if name == "store.read_events" else \
        (manager._frames, "read") if name == "_frames.read" else (jobmanager, name)
    original, reading, deleted = getattr(owner, attr), threading.Event(), threading.Event()

    def gated(*a, **k):          # the read has checked the job's metadata: now the delete runs
        reading.set()
        assert deleted.wait(30), "the delete did not end"
        return original(*a, **k)
    monkeypatch.setattr(owner, attr, gated)

    def delete() -> None:
        assert reading.wait(30), "the read never started"
        manager.delete(job_id)
        deleted.set()
    deleter = threading.Thread(target=delete)
    deleter.start()
    try:
        with pytest.raises(JobNotFound, match=f"job {job_id} not found: it was deleted while its [a-z]+ were read"):
            getattr(manager, read.split()[0])(job_id, *args)
    finally:
        deleter.join(30)
    assert deleted.is_set() and not manager.store.exists(job_id)


def test_a_stop_or_pause_asked_while_a_delete_is_pending_does_not_replace_it(manager, tmp_path):
    """A stop asked while `jobs delete` waited for the running job replaced the delete request: its runner stopped
    the job instead of deleting it."""
    import threading

    gate = tmp_path / "gate"
    job_id = held_job(manager, gate, at=3, n=50)
    deleting = threading.Thread(target=manager.delete, args=(job_id,))
    deleting.start()
    wait_for(lambda: manager.get(job_id)["requested_action"] == "delete", timeout=30, what="the delete asked")
    for action in (manager.stop, manager.pause):
        with pytest.raises(InvalidJobOperation, match=f"job {job_id}: a delete is requested already"):
            action(job_id)
    gate.touch()
    deleting.join(30)
    assert not deleting.is_alive() and job_id not in [job["job_id"] for job in manager.list_jobs()]


def test_an_action_on_a_job_already_where_it_would_take_it_says_already_once(tmp_path):
    """A pause of a paused job read "cannot pause job X: it is paused (it is paused already)"."""
    from inlink.jobs import JobManager

    manager = JobManager(tmp_path / "jobs", autostart=False)
    job_id = manager.create_job("test_counting", config={"n": 3})
    with pytest.raises(InvalidJobOperation, match=f"cannot resume job {job_id}: it is queued already$"):
        manager.resume(job_id)
    manager.pause(job_id)
    with pytest.raises(InvalidJobOperation, match=f"cannot pause job {job_id}: it is paused already$"):
        manager.pause(job_id)
    manager.stop(job_id)
    with pytest.raises(InvalidJobOperation, match=f"cannot stop job {job_id}: it is stopped already$"):
        manager.stop(job_id)


# ----------------------------------------------------------------------------- failures
def test_missing_inputs_names_the_input_files_gone_from_a_jobs_folder(manager):
    """A front end tells a retry that can only fail again (its inputs were removed) from one that may work: the
    record lists the inputs the job was made with, and missing_inputs those no longer there."""
    job_id = manager.create_job("test_counting", inputs={"pages.csv": b"url\n/a\n", "links.csv": b"s,d\n"},
                                config={"n": 3})
    manager.wait(job_id, 60)
    assert manager.job(job_id).inputs == ["links.csv", "pages.csv"]
    assert manager.missing_inputs(job_id) == []
    (manager.store.input_dir(job_id) / "pages.csv").unlink()
    assert manager.missing_inputs(job_id) == ["pages.csv"]
    old = manager.create_job("test_counting", config={"n": 1})
    manager.wait(old, 60)
    manager.store.update_job(old, lambda job: job.update(inputs=[]))   # a record made before it listed them
    assert manager.missing_inputs(old) == []


def test_failed_item_records_step_and_error_then_resumes_from_that_item(manager, tmp_path):
    record = tmp_path / "computed.txt"
    job_id, meta = run(manager, n=20, record=str(record),
                       fail_once={"at": 7, "marker": str(tmp_path / "m")})
    assert meta["status"] == "failed" and meta["can_resume"]
    assert meta["failed_step"] == "count"
    assert meta["error"] == {"type": "RuntimeError", "message": "item 7 broke once"}
    assert meta["items_done"] == 7 and "item 8" in meta["message"]
    manager.resume(job_id)
    meta = manager.wait(job_id, 60)
    assert meta["status"] == "completed" and meta["error"] is None and meta["attempts"] == 2
    assert frame_rows(manager.results_frame(job_id)) == expected_rows(20)
    counts = Counter(computed_keys(record))
    assert counts["item-0007"] == 2 and all(c == 1 for k, c in counts.items() if k != "item-0007")
    assert "retried" in {e["event"] for e in manager.events(job_id)}


def test_failed_preparation_step_is_reported_and_retried(manager, tmp_path):
    job_id, meta = run(manager, n=5, fail_once={"at": "load", "marker": str(tmp_path / "m")})
    assert meta["status"] == "failed" and meta["failed_step"] == "load"
    assert meta["last_successful_step"] is None and meta["items_done"] == 0
    manager.resume(job_id)
    assert manager.wait(job_id, 60)["status"] == "completed"


def test_task_can_pause_itself_with_a_message(manager, tmp_path):
    job_id = manager.create_job("test_counting", config={
        "n": 10, "pause_once": {"at": 4, "marker": str(tmp_path / "m")}})
    meta = manager.wait(job_id, 60, until=["paused"])
    assert meta["status"] == "paused" and meta["message"] == "Paused: quota reached, try again later."
    assert meta["items_done"] == 4
    manager.resume(job_id)
    assert manager.wait(job_id, 60)["status"] == "completed"
    assert frame_rows(manager.results_frame(job_id)) == expected_rows(10)


def test_item_errors_are_logged_counted_done_and_the_job_goes_on(manager):
    job_id, meta = run(manager, n=10, item_errors=[1, 6])
    assert meta["status"] == "completed" and meta["items_done"] == 10
    wanted = [r for i in range(10) if i not in (1, 6) for r in expected_rows(i + 1)[len(
        expected_rows(i)):]]
    assert frame_rows(manager.results_frame(job_id)) == wanted
    errors = [e for e in manager.events(job_id) if e["event"] == "item_error"]
    assert [e["item"] for e in errors] == ["item-0001", "item-0006"]
    assert "item 6 is bad" in errors[1]["message"]


def test_concurrent_items_commit_in_order(manager, tmp_path):
    record = tmp_path / "computed.txt"
    gate = tmp_path / "gate"
    job_id = held_job(manager, gate, task="test_counting_pool", at=6, n=45, record=str(record))
    meta = pause_midway(manager, job_id, gate)
    assert frame_rows(manager.results_frame(job_id)) == expected_rows(meta["items_done"])
    manager.resume(job_id)
    assert manager.wait(job_id, 60)["status"] == "completed"
    assert frame_rows(manager.results_frame(job_id)) == expected_rows(45)
    recomputed = sum(c - 1 for c in Counter(computed_keys(record)).values())
    assert recomputed <= 3     # at most `concurrency` items were in flight at the pause


# ----------------------------------------------------------------------------- queue and cap
def test_cap_on_running_jobs_and_fifo_start(make_manager, tmp_path):
    """Two of four jobs run at once, the first two queued; held at a gate, so no poll can miss the moment."""
    manager = make_manager(max_running=2)
    gate = tmp_path / "gate"
    ids = [manager.create_job("test_counting", config={"n": 30, "hold": {"from": 1, "gate": str(gate)}})
           for _ in range(4)]
    wait_for(lambda: all(manager.get(j)["items_done"] >= 1 for j in ids[:2]), timeout=60, what="two jobs held")
    assert [manager.get(j)["status"] for j in ids] == ["running", "running", "queued", "queued"]
    peak = 0

    def all_done():
        nonlocal peak
        statuses = [manager.get(j)["status"] for j in ids]
        peak = max(peak, statuses.count("running"))
        return all(s == "completed" for s in statuses)
    gate.touch()
    wait_for(all_done, timeout=60, what="all jobs")
    assert peak <= 2
    starts = [manager.get(j)["started_at"] for j in ids]
    assert max(starts[:2]) <= min(starts[2:])


def test_cap_counts_jobs_running_in_other_managers(make_manager, tmp_path):
    first = make_manager(max_running=1)
    second = make_manager(max_running=1)
    gate = tmp_path / "gate"
    a = held_job(first, gate, at=1, n=400)
    b = second.create_job("test_counting", config={"n": 2})
    assert second.get(b)["status"] == "queued"
    assert first.wait(b, 1, until=["running", "completed"])["status"] == "queued"
    first.stop(a)
    gate.touch()
    assert second.wait(b, 60)["status"] == "completed"


# ----------------------------------------------------------------------------- refused operations
def test_invalid_transitions_raise_clear_errors(manager):
    job_id, _ = run(manager, n=2)
    with pytest.raises(InvalidJobOperation, match=f"cannot pause job {job_id}: it is completed"):
        manager.pause(job_id)
    with pytest.raises(InvalidJobOperation, match="cannot resume"):
        manager.resume(job_id)
    with pytest.raises(InvalidJobOperation, match="cannot stop"):
        manager.stop(job_id)


@pytest.mark.parametrize("bad", ["../../etc/passwd", "abc", "0123456789AB", "", None, 12,
                                 "0123456789ab/../x", "0123456789abc"])
def test_invalid_job_ids_are_refused_before_touching_files(manager, bad):
    for call in (manager.get, manager.pause, manager.resume, manager.stop, manager.delete,
                 manager.events, manager.results_frame, manager.results_csv):
        with pytest.raises(InvalidJobId):
            call(bad)


def test_unknown_job_and_unknown_task(manager):
    with pytest.raises(JobNotFound, match="job 0123456789ab not found"):
        manager.get("0123456789ab")
    with pytest.raises(UnknownTask, match="nope"):
        manager.create_job("nope", inputs={})


@pytest.mark.parametrize("config", [{"api_key": "x"}, {"gemini": {"apiKey": "x"}},
                                    {"password": "x"}, {"auth_token": "x"},
                                    {"stages": [{"client_secret": "x"}]}])
def test_secrets_in_config_are_refused(manager, config, jobs_dir):
    with pytest.raises(SecretInConfig, match="secrets="):
        manager.create_job("test_counting", config=config)
    assert not any(p.name.endswith(".json") for p in jobs_dir.iterdir())


def test_secrets_stay_in_memory(manager, jobs_dir):
    job_id = manager.create_job("test_counting", config={"n": 3, "max_tokens": 100},
                                secrets={"api_key": "sk-very-secret-123"})
    assert manager.wait(job_id, 60)["summary"]["secrets"] == ["api_key"]
    for path in jobs_dir.rglob("*"):
        if path.is_file():
            assert b"sk-very-secret-123" not in path.read_bytes(), path


def test_a_job_that_is_over_keeps_no_key_in_memory(make_manager):
    """A completed or stopped job can never run again, yet its API key stayed in the manager's memory until the job
    was deleted (a dashboard running for weeks held every key it was ever given). A paused job keeps its key: its
    resume needs it."""
    manager = make_manager()
    completed = manager.create_job("test_counting", config={"n": 2}, secrets={"api_key": "sk-completed"})
    assert manager.wait(completed, 60)["status"] == "completed"
    assert completed not in manager._secrets
    manager.shutdown()          # else its scheduler claims the next job and completes it before the pause
    idle = make_manager(autostart=False)
    paused = idle.create_job("test_counting", config={"n": 2}, secrets={"api_key": "sk-paused"})
    idle.pause(paused)
    assert idle._secrets[paused] == {"api_key": "sk-paused"}
    idle.stop(paused)
    assert paused not in idle._secrets


def test_bad_input_names_are_refused(manager):
    with pytest.raises(InvalidJobOperation, match="plain file name"):
        manager.create_job("test_counting", inputs={"../evil.csv": b"x"})
    with pytest.raises(InvalidJobOperation, match="does not exist"):
        manager.create_job("test_counting", inputs={"a.csv": "/no/such/file.csv"})


# ----------------------------------------------------------------------------- storage failures
def test_a_lost_started_event_does_not_strand_the_claimed_job(make_manager, monkeypatch):
    manager = make_manager(autostart=False)
    job_id = manager.create_job("test_counting", config={"n": 3})
    real_add = manager.store.add_event

    def add_event(job_id, event, message, **kwargs):
        if event == "started":
            raise StorageError(errno.ENOSPC, "could not append: the disk is full")
        return real_add(job_id, event, message, **kwargs)
    monkeypatch.setattr(manager.store, "add_event", add_event)
    manager.start()
    assert manager.wait(job_id, 60)["status"] == "completed"


def test_a_jobs_folder_that_cannot_be_created_is_a_clear_storage_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(StorageError, match="could not create the jobs folder"):
        JobManager(blocker / "jobs", autostart=False)


def test_unwritable_folder_refuses_a_new_job_cleanly(manager, monkeypatch, jobs_dir):
    def denied(fd, data):
        raise OSError(errno.EACCES, "Permission denied")
    monkeypatch.setattr(fileio, "write_all", denied)
    with pytest.raises(StorageError, match="permission denied"):
        manager.create_job("test_counting", inputs={"a.csv": b"x"}, config={"n": 1})
    assert [p.name for p in jobs_dir.iterdir() if not p.name.startswith(".")] == []


# ----------------------------------------------------------------------------- folder hygiene
def test_corrupt_and_foreign_files_are_reported_not_fatal(make_manager, jobs_dir):
    manager = make_manager()
    good, _ = run(manager, n=2)
    (jobs_dir / "aaaaaaaaaaaa.json").write_text("{not json")
    (jobs_dir / "bbbbbbbbbbbb.json").write_text('["a list"]')
    (jobs_dir / "eeeeeeeeeeee.json").write_text('{"job_id": "eeeeeeeeeeee"}')      # no status
    (jobs_dir / "ffffffffffff.json").write_text('{"job_id": "ffffffffffff", "task": "x", '
                                                '"status": ["odd"]}')
    (jobs_dir / "notes.txt").write_text("hello")
    (jobs_dir / "cccccccccccc_results.csv").write_text("orphan")
    os.utime(jobs_dir / "cccccccccccc_results.csv", (time.time() - 3600,) * 2)
    (jobs_dir / "dddddddddddd_input").mkdir()            # a job being created right now: no problem
    (jobs_dir / "datasets").mkdir()
    (jobs_dir / "datasets" / "upload.csv").write_text("x")
    stale_tmp = jobs_dir / f".{good}.json.123_456.tmp"
    stale_tmp.write_text("half")
    os.utime(stale_tmp, (time.time() - 3600,) * 2)
    assert [m["job_id"] for m in manager.list_jobs()] == [good]
    problems = "\n".join(manager.problems())
    for name in ("aaaaaaaaaaaa.json", "bbbbbbbbbbbb.json", "eeeeeeeeeeee.json", "ffffffffffff.json",
                 "notes.txt", "cccccccccccc_results.csv"):
        assert name in problems
    assert "datasets" not in problems and ".tmp" not in problems and "dddd" not in problems
    make_manager(autostart=False)        # a starting manager removes stale temp files
    assert not stale_tmp.exists()
    assert (jobs_dir / "notes.txt").exists()


def test_a_job_created_with_a_check_leaves_no_file_the_listing_reports(manager, jobs_dir):
    """create_job(refuse=...) (every dashboard Start, `jobs start`) takes the folder's creation lock, whose file
    stays: the Jobs page named it as an unreadable file."""
    job_id = manager.create_job("test_counting", inputs={"pages.csv": b"url\n/a\n"}, config={"n": 1},
                                refuse=lambda: None)
    manager.wait(job_id, 60)
    assert (jobs_dir / ".creation.lock").exists()
    assert [job["job_id"] for job in manager.list_jobs()] == [job_id] and manager.problems() == []


def test_listing_a_thousand_jobs(manager, jobs_dir):
    job_id, _ = run(manager, n=1)
    template = json.loads((jobs_dir / f"{job_id}.json").read_text())
    for i in range(1000):
        fake = f"{i:012x}"
        (jobs_dir / f"{fake}.json").write_text(json.dumps(dict(template, job_id=fake)))
    jobs = manager.list_jobs()
    assert len(jobs) == 1001 and manager.problems() == []
    assert len(manager.list_jobs("completed")) == 1001


def test_problems_come_from_the_last_listing_even_a_clean_one(make_manager, monkeypatch):
    manager = make_manager(autostart=False)
    scans, real_scan = Counter(), manager.store._scan
    monkeypatch.setattr(manager.store, "_scan", lambda: scans.update(["scan"]) or real_scan())
    assert manager.problems() == [] and scans["scan"] == 1         # no listing yet: scans now
    manager.list_jobs()
    assert manager.problems() == [] and scans["scan"] == 2         # not again after a clean one


def test_cleanup_removes_only_old_finished_jobs(manager, jobs_dir, tmp_path):
    old, _ = run(manager, n=1)
    recent, _ = run(manager, n=1)
    gate = tmp_path / "gate"
    paused = held_job(manager, gate, at=1, n=400)
    pause_midway(manager, paused, gate)
    meta = json.loads((jobs_dir / f"{old}.json").read_text())
    meta.update(completed_at="2020-01-01T00:00:00.000Z", updated_at="2020-01-01T00:00:00.000Z",
                created_at="2020-01-01T00:00:00.000Z")
    (jobs_dir / f"{old}.json").write_text(json.dumps(meta))
    assert manager.cleanup(days=7) == [old]
    assert not any(p.name.startswith(old) for p in jobs_dir.iterdir())
    assert {m["job_id"] for m in manager.list_jobs()} == {recent, paused}


def test_cleanup_leaves_a_failed_job_resumed_after_its_listing(make_manager, tmp_path, monkeypatch):
    """A failed job is finished (cleanup may remove it) and resumable: resumed in another tab or process between the
    clean-up's listing and its deletion, it was deleted all the same, queued or already running again."""
    manager, other = make_manager(), make_manager(autostart=False)
    job_id = manager.create_job("test_counting", config={
        "n": 3, "fail_once": {"at": 1, "marker": str(tmp_path / "failed")}})
    assert manager.wait(job_id, 60)["status"] == "failed"
    scan, cleaning = manager.store.scan, threading.get_ident()

    def listed_then_resumed():
        jobs = scan()
        if threading.get_ident() == cleaning:   # the clean-up's listing, not the scheduler's (its thread scans too)
            other.resume(job_id)          # another tab's Resume, right after the clean-up listed the job
        return jobs
    monkeypatch.setattr(manager.store, "scan", listed_then_resumed)
    assert manager.cleanup(days=0) == []
    monkeypatch.setattr(manager.store, "scan", scan)
    meta = manager.wait(job_id, 60)
    assert meta["status"] == "completed" and meta["items_done"] == 3


def test_events_are_bounded(manager, monkeypatch):
    monkeypatch.setattr(jobstore, "MAX_EVENTS", 40)
    monkeypatch.setattr(jobstore, "_EVENTS_TRIM_BYTES", 4000)
    job_id, meta = run(manager, n=120, item_errors=list(range(120)))
    assert meta["status"] == "completed"
    events = manager.events(job_id, limit=1000)
    assert len(events) <= 80
    assert events[-1]["event"] == "completed"


def test_results_csv_neutralises_formulas(manager):
    job_id, _ = run(manager, n=12, tricky=True)
    text = manager.results_csv(job_id).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",'+1," in text and ",'@sum," in text and ",'-2," in text
    assert '"say ""hi"", then\nleave"' in text
    frame = manager.results_frame(job_id)
    assert frame.text.tolist()[0] == '=HYPERLINK("x")'   # the stored results stay verbatim


def test_results_frame_limit_and_tail(manager):
    job_id, _ = run(manager, n=40, tricky=True)
    every = [(r["item"], r["n"], r["text"], r["value"]) for i in range(40)
             for r in rows_for(i, tricky=True)]
    assert frame_rows(manager.results_frame(job_id, limit=5)) == every[:5]
    assert frame_rows(manager.results_frame(job_id, limit=7, tail=True)) == every[-7:]
    assert frame_rows(manager.results_frame(job_id, limit=10_000, tail=True)) == every
    assert manager.results_frame(job_id, limit=0).empty


# ----------------------------------------------------------------------------- recovery
def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _orphan(jobs_dir, job_id, **extra):
    path = jobs_dir / f"{job_id}.json"
    meta = json.loads(path.read_text())
    meta.update(status="running", owner={"pid": _dead_pid(), "host": jobstore.HOST,
                                         "heartbeat": time.time(), "token": "gone"}, **extra)
    path.write_text(json.dumps(meta))


def _orphaned_midway(make_manager, jobs_dir, tmp_path, n: int) -> str:
    """A job of n items, stopped midway by a manager that shut down, then left marked running by a dead
    process (its owner looks gone, as after a crash)."""
    first = make_manager()
    gate = tmp_path / "gate"
    job_id = held_job(first, gate, n=n)
    pause_midway(first, job_id, gate)
    first.shutdown()
    _orphan(jobs_dir, job_id)
    return job_id


def test_orphaned_running_job_is_recovered_by_a_new_manager(make_manager, jobs_dir, tmp_path):
    job_id = _orphaned_midway(make_manager, jobs_dir, tmp_path, n=300)
    second = make_manager()
    meta = second.wait(job_id, 60)
    assert meta["status"] == "completed"
    assert frame_rows(second.results_frame(job_id)) == expected_rows(300)
    recovered = [e for e in second.events(job_id, 200) if e["event"] == "recovered"]
    assert recovered and "Recovered after restart" in recovered[0]["message"]


@pytest.mark.parametrize("done, total, said", [(11, 497, "from item 12"), (0, None, "from item 1"),
                                               (497, 497, "to finish (every item is done)")])
def test_a_run_says_where_it_picks_up(done, total, said):
    """Before: "Running again from item 498" for a 497-page job killed after its last checkpoint."""
    from inlink.jobs.scheduler import _where_from
    assert _where_from(done, total) == said


def test_a_run_after_a_pause_is_counted_as_a_run_not_an_attempt(manager, tmp_path):
    """Before: "Running again from item 1 (attempt 2)." after a pause and a resume, and "(attempt 6)" after a few:
    read as five failures, where the user had paused it five times."""
    gate = tmp_path / "prepare"
    job_id = manager.create_job("test_counting", config={"n": 3, "prepare_gate": str(gate)})
    wait_for(lambda: os.path.exists(str(gate) + ".waiting"), timeout=60, what="the preparation to start")
    manager.pause(job_id)
    gate.touch()
    assert manager.wait(job_id, 60, until=["paused"])["status"] == "paused"
    manager.resume(job_id)
    assert manager.wait(job_id, 60)["status"] == "completed"
    said = [event["message"] for event in manager.events(job_id, limit=100) if event["event"] == "started"]
    assert said == ["Started.", "Running again from item 1 (run 2)."], said


def test_a_job_paused_while_it_prepares_knows_its_items(manager, tmp_path):
    """Before: a pause asked during a preparation step took effect as the items' step began, before it counted
    them: `jobs status` read "step 2/2 count, progress 0/?" (seen on a docs job paused while it built its index)."""
    gate = tmp_path / "prepare"
    job_id = manager.create_job("test_counting", config={"n": 7, "prepare_gate": str(gate)})
    wait_for(lambda: os.path.exists(str(gate) + ".waiting"), timeout=60, what="the preparation to start")
    manager.pause(job_id)
    gate.touch()
    meta = manager.wait(job_id, 60, until=["paused"])
    assert meta["status"] == "paused" and meta["items_done"] == 0
    assert meta["total_items"] == 7 and meta["current_step"] == "count"


@pytest.mark.parametrize("action", ["pause", "stop"])
def test_pausing_or_stopping_an_orphan_keeps_the_progress_of_its_checkpoints(make_manager, jobs_dir, tmp_path,
                                                                              action):
    """A worker killed between two (time-based) metadata writes leaves its metadata behind its checkpoints: a
    pause or stop from another process wrote that stale metadata back, and the job read "0 of 30, 0 rows"
    (found by an exploratory run: a user may take the results as lost and delete the job)."""
    job_id = _orphaned_midway(make_manager, jobs_dir, tmp_path, n=30)
    done = make_manager(autostart=False).get(job_id)["items_done"]
    assert 0 < done < 30
    _orphan(jobs_dir, job_id, items_done=0, rows_written=0, progress_percentage=0.0)   # the stale metadata
    manager = make_manager(autostart=False)
    getattr(manager, action)(job_id)
    meta = manager.get(job_id)
    assert meta["status"] == ("paused" if action == "pause" else "stopped")
    assert meta["items_done"] == done and meta["rows_written"] == len(expected_rows(done))
    if action == "pause":
        manager.resume(job_id)
        assert manager.events(job_id)[-1]["message"] == f"Resume requested from item {done + 1}."

def test_owner_with_a_stale_heartbeat_is_not_taken_over_while_it_still_writes(make_manager, jobs_dir, tmp_path):
    """A suspended laptop wakes with every heartbeat stale: a live writer must not get a second writer."""
    job_id = _orphaned_midway(make_manager, jobs_dir, tmp_path, n=40)   # owner looks gone: dead pid...
    fence = jobstore.JobStore(jobs_dir).writer_lock(job_id)
    fence.acquire()                               # ...but some process still holds the writer fence
    try:
        second = make_manager(max_running=1)
        other = second.create_job("test_counting", config={"n": 3})
        second.wait(job_id, 1.5, until=["queued", "completed"])   # several scheduler rounds pass
        assert second.get(job_id)["status"] == "running"          # left alone: not requeued, not rerun
        assert not [e for e in second.events(job_id, 200) if e["event"] == "recovered"]
        assert second.get(other)["status"] == "queued"            # and it still takes the only slot
    finally:
        fence.release()
    meta = second.wait(job_id, 60)                # fence gone: recovered and finished, exactly once
    assert meta["status"] == "completed"
    assert frame_rows(second.results_frame(job_id)) == expected_rows(40)
    assert second.wait(other, 60)["status"] == "completed"


def test_repeated_crashes_without_progress_end_as_failed(make_manager, jobs_dir):
    manager = make_manager(autostart=False, max_recoveries=2)
    job_id = manager.create_job("test_counting", config={"n": 5})
    _orphan(jobs_dir, job_id, recoveries=2, recovery_progress_mark=0)
    manager.start()
    meta = manager.wait(job_id, 60, until=["failed"])
    assert meta["status"] == "failed" and "before it made progress" in meta["message"]
    assert meta["can_resume"]


def shutdown_while_held(manager, job_id, gate, pause: bool) -> None:
    """Shut the manager down while its job waits at the gate; open the gate once the shutdown asked it to stop."""
    runner = manager._scheduler.runner(job_id)
    closing = threading.Thread(target=manager.shutdown, kwargs={"pause": pause})
    closing.start()
    wait_for(lambda: runner.requested is not None, what="the shutdown's request")
    gate.touch()
    closing.join(30)


def test_shutdown_without_pause_hands_the_job_back_to_the_queue(make_manager, tmp_path):
    first = make_manager()
    gate = tmp_path / "gate"
    job_id = held_job(first, gate, at=3, n=300)
    shutdown_while_held(first, job_id, gate, pause=False)
    assert first.get(job_id)["status"] == "queued"
    second = make_manager()
    assert second.wait(job_id, 60)["status"] == "completed"
    assert frame_rows(second.results_frame(job_id)) == expected_rows(300)


def test_shutdown_with_pause_pauses_running_jobs(make_manager, tmp_path):
    manager = make_manager()
    gate = tmp_path / "gate"
    job_id = held_job(manager, gate, at=3, n=1000)
    shutdown_while_held(manager, job_id, gate, pause=True)
    meta = manager.get(job_id)
    assert meta["status"] == "paused" and meta["owner"] is None


def test_progress_while_running(manager, tmp_path):
    gate = tmp_path / "gate"
    job_id = held_job(manager, gate, at=20, n=300)
    progress = manager.get(job_id)["progress"]
    assert progress["total_items"] == 300 and 0 < progress["percentage"] < 100
    assert progress["rate_per_s"] > 0 and progress["eta_s"] > 0 and progress["elapsed_s"] >= 0
    meta = manager.get(job_id)       # the rate counts from when the items began, after the preparation steps
    assert meta["items_started_epoch"] >= meta["run_started_epoch"] and meta["items_started_done"] == 0
    manager.stop(job_id)
    gate.touch()
    assert manager.wait(job_id, 60)["status"] == JobStatus.STOPPED


def test_pause_while_the_last_items_are_in_flight_still_completes(manager, tmp_path):
    """With several items in flight, a pause that lands when nothing is left to start finishes the job."""
    gate, record = tmp_path / "gate", tmp_path / "computed.txt"
    job_id = manager.create_job("test_counting_pool", config={"n": 3, "gate": str(gate), "record": str(record)})
    wait_for(lambda: len(computed_keys(record)) == 3, what="all three items in flight, held at the gate")
    manager.pause(job_id)          # in this process the runner has the request when pause() returns
    gate.touch()
    meta = manager.wait(job_id, 20, until=["completed", "paused"])
    assert meta["status"] == "completed" and meta["items_done"] == 3
    assert frame_rows(manager.results_frame(job_id)) == expected_rows(3)


def test_the_engine_counts_its_summary_in_words_that_agree(make_manager):
    """The job's own message (kept in its metadata and events, read by other tools) says "1 item", not "1 items"."""
    manager = make_manager()
    job_id = manager.create_job("test_counting", config={"n": 1})
    assert manager.wait(job_id, 60)["message"] == "Completed: 1 item, 3 result rows."


def test_an_eta_with_work_left_is_never_zero():
    """Items that take microseconds give a rate of thousands a second; 280 items left are then 0.05 s away, which
    rounded to a tenth read "0.0 s left" while the job was held mid-way (seen on a fast run)."""
    import time

    from inlink.jobs.record import ETA_STEP_S, Job, JobStatus
    now = time.time()
    job = Job(job_id="j", task="t", status=JobStatus.RUNNING, items_done=20, total_items=300,
              run_started_epoch=now - 0.003, items_started_epoch=now - 0.003)
    progress = job.progress(now)
    assert progress["rate_per_s"] > 1000 and progress["eta_s"] == ETA_STEP_S
    job.items_done = 300
    assert job.progress(now)["eta_s"] == 0.0


def test_items_a_task_finished_ahead_of_its_checkpoint_count_in_the_rate_not_in_the_progress():
    """A second core's pages, analysed but not committed yet: the progress shows committed items only, the rate and
    the time left count both (else the ETA of a job on two cores read twice the time it took)."""
    import time

    from inlink.jobs.record import Job, JobStatus
    now = time.time()
    job = Job(job_id="j", task="t", status=JobStatus.RUNNING, items_done=100, items_ahead=100, total_items=400,
              run_started_epoch=now - 10, items_started_epoch=now - 10)
    progress = job.progress(now)
    assert progress["items_done"] == 100 and progress["percentage"] == 25.0
    assert progress["rate_per_s"] == 20.0 and progress["eta_s"] == 10.0   # 200 left at 20 a second
    job.close_session(ended=now)
    assert job.items_ahead == 0


def test_the_runner_publishes_what_its_task_has_ahead(manager, tmp_path):
    gate = tmp_path / "gate"
    job_id = held_job(manager, gate, n=12, ahead=4)
    wait_for(lambda: manager.get(job_id)["items_ahead"] == 4, what="the heartbeat to carry the task's figure")
    gate.touch()
    meta = manager.wait(job_id, 60)
    assert meta["status"] == "completed" and meta["items_ahead"] == 0


def test_a_wake_during_a_shutdown_is_taken_not_left_to_spin_the_loop(make_manager, tmp_path):
    """A runner that ends while the manager shuts down wakes the scheduler; while draining, the loop left that wake
    set, so every wait returned at once and the loop spun until the last runner ended (taking the GIL from it)."""
    manager = make_manager()
    gate = tmp_path / "gate"
    job_id = held_job(manager, gate, at=3, n=300)
    runner, scheduler = manager._scheduler.runner(job_id), manager._scheduler
    closing = threading.Thread(target=manager.shutdown, kwargs={"pause": True})
    closing.start()
    try:
        wait_for(lambda: runner.requested is not None, what="the shutdown's request")
        scheduler.wake()                                        # as a runner that ended would
        wait_for(lambda: not scheduler._wake.is_set(), timeout=30, what="the loop to take the wake")
    finally:
        gate.touch()
        closing.join(30)
    assert manager.get(job_id)["status"] == "paused"


def test_the_step_started_event_writes_its_counts_with_thousands_separators(manager):
    """"started: 4510 of 4510 pages to process" beside the panel's "4,510": one number format everywhere."""
    job_id, meta = run(manager, n=1_200)
    assert meta["status"] == "completed", meta["message"]
    messages = [event["message"] for event in manager.events(job_id, limit=50)]
    assert "Step 2/2 'count' started: 1,200 of 1,200 items to process." in messages, messages


class _VersionsTask(Task):
    """Rows whose text looks like numbers: a version "3.10", a code "007"; the score is a number."""

    name = "test_versions"
    steps = ("process",)
    result_columns = ("Anchor", "Title", "Score")
    numeric_columns = ("Score",)

    def items(self, ctx):
        return ["a", "b"]

    def process(self, ctx, item):
        return [{"Anchor": "3.10" if item == "a" else "007", "Title": "2024", "Score": 0.5}]


register_task(_VersionsTask)


def test_results_read_back_text_as_written_and_the_declared_numbers_as_numbers(manager):
    """A column whose cells all looked like numbers came back as numbers ("3.10" as 3.1, "007" as 7): the panel, the
    review and the XLSX showed them so. A task declares its numeric columns; the others are text as written. A job
    made before the declaration (its record has none) keeps the old guess."""
    job_id = manager.create_job("test_versions")
    assert wait_for(lambda: manager.get(job_id)["status"] == "completed", 30, "the job to complete")
    frame = manager.results_frame(job_id)
    assert frame["Anchor"].tolist() == ["3.10", "007"] and frame["Title"].tolist() == ["2024", "2024"]
    assert frame["Score"].tolist() == [0.5, 0.5]
    assert manager.results_frame(job_id, limit=1, tail=True)["Anchor"].tolist() == ["007"]
    meta = json.loads(manager.store.meta_path(job_id).read_text())
    meta.pop("numeric_columns")
    manager.store.meta_path(job_id).write_text(json.dumps(meta))
    assert manager.results_frame(job_id)["Anchor"].tolist() == [3.1, 7.0]   # guessed, as before


@pytest.mark.parametrize("action", ["pause", "stop"])
def test_a_pause_or_stop_of_a_job_whose_writer_sleeps_waits_for_it(make_manager, jobs_dir, tmp_path, action):
    """A worker asleep past its heartbeat still holds the writer fence: a pause or stop is asked of it (it takes it
    when it wakes), not applied over its head (the job read paused while its writer went on when it woke)."""
    job_id = _orphaned_midway(make_manager, jobs_dir, tmp_path, n=30)   # a stale owner...
    fence = jobstore.JobStore(jobs_dir).writer_lock(job_id)
    fence.acquire()                                                     # ...whose writer still holds the fence
    try:
        manager = make_manager(autostart=False)
        getattr(manager, action)(job_id)
        meta = manager.get(job_id)
        assert meta["status"] == "running" and meta["requested_action"] == action
        assert manager.events(job_id)[-1]["event"] == f"{action}_requested"
    finally:
        fence.release()
