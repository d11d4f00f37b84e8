"""Exactly-once under kill -9: a real worker process is SIGKILLed again and again, restarted each
time, and the final results must equal a clean run row for row."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from collections import Counter

import pytest

from inlink.jobs.manager import InvalidJobOperation, JobManager, JobStatus
from inlink.jobs.store import owner_alive
from jobtasks import REPO, computed_keys, count_scans, expected_rows, frame_rows, wait_for

# Runs (or recovers) the job until it is finished, like a restarted dashboard would.
WORKER = """
import sys
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/tests"]
import jobtasks
from inlink.jobs.manager import JobManager
manager = JobManager(sys.argv[2], heartbeat_interval=0.2, durability=sys.argv[4])
meta = manager.wait(sys.argv[3], 120)
manager.shutdown(timeout=5)
sys.exit(0 if meta["status"] == "completed" else 3)
"""

ITEMS = 400


def _spawn(jobs_dir, job_id, log, durability):
    return subprocess.Popen([sys.executable, "-c", WORKER, str(REPO), str(jobs_dir), job_id,
                             durability], stdout=log, stderr=subprocess.STDOUT)


def _raise_ceiling(path, items: int) -> None:
    """Let the workers reach `items` items (written whole: a worker never reads half a number)."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(str(items))
    os.replace(tmp, path)


def _log_lines(path) -> int:
    try:
        with open(path, "rb") as f:
            return f.read().count(b"\n")
    except FileNotFoundError:
        return 0


@pytest.mark.slow
@pytest.mark.parametrize("task, width, durability, min_kills", [
    ("test_counting", 1, "crash", 22),          # the main case: 20+ kills, one item in flight
    ("test_counting_pool", 3, "power", 6),      # 3 items in flight, fsync mode: shorter run
])
def test_results_are_exactly_once_across_repeated_kill_9(tmp_path, _isolated_jobs_dir, task,
                                                         width, durability, min_kills):
    jobs_dir = _isolated_jobs_dir
    record = tmp_path / "computed.txt"
    creator = JobManager(jobs_dir, autostart=False)
    ceiling = tmp_path / "ceiling.txt"
    job_id = creator.create_job(task, config={"n": ITEMS, "delay": 0.003, "record": str(record),
                                              "ceiling": str(ceiling)})
    checkpoints = jobs_dir / f"{job_id}_checkpoints.log"
    rng = random.Random(20261122)
    kills = 0
    with open(tmp_path / "worker.log", "wb") as log:
        while kills < min_kills:
            before = _log_lines(checkpoints)
            if before >= ITEMS - 10:
                break
            target = before + rng.randint(1, 12)
            # The kill lands at a random moment between `target` items done and a ceiling a few items further
            # that the worker cannot pass: however slow the machine (or this process), one run never overshoots
            # so far that the job ends before it has been killed min_kills times.
            _raise_ceiling(ceiling, target + rng.randint(0, 3))
            proc = _spawn(jobs_dir, job_id, log, durability)
            try:
                wait_for(lambda proc=proc, target=target: _log_lines(checkpoints) >= target or proc.poll() is not None,
                         timeout=30, what="progress of the worker")
            finally:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
            kills += 1
        _raise_ceiling(ceiling, ITEMS)
        final = _spawn(jobs_dir, job_id, log, durability)
        assert final.wait(timeout=60) == 0, (tmp_path / "worker.log").read_text()[-3000:]
    assert kills >= min_kills
    manager = JobManager(jobs_dir, autostart=False)
    meta = manager.get(job_id)
    assert meta["status"] == "completed" and meta["items_done"] == ITEMS
    assert frame_rows(manager.results_frame(job_id)) == expected_rows(ITEMS)
    assert manager.results_count(job_id) == len(expected_rows(ITEMS)) == meta["rows_written"]
    assert meta["counters"]["cost_usd"] == pytest.approx(0.5 * ITEMS)
    counts = Counter(computed_keys(record))
    assert set(counts) == {f"item-{i:04d}" for i in range(ITEMS)}
    recomputed = sum(c - 1 for c in counts.values())
    assert recomputed <= kills * width
    if width == 1:
        assert max(counts.values()) <= 2      # the item in progress at a kill, computed once more
    events = [e["event"] for e in manager.events(job_id, limit=500)]
    assert events.count("recovered") >= kills - 2     # a kill before the first claim recovers nothing
    # A kill inside an atomic write leaves that write's temp file (".<name>.<pid>_<n>.tmp"; more often on a loaded
    # machine, where a write takes longer): the clean run leaves none of its own, and a start removes the killed
    # workers' once settled (older than a write in progress can be)
    temps = [name for name in os.listdir(jobs_dir) if name.endswith(".tmp")]
    assert not [name for name in temps if f".{final.pid}_" in name]
    for name in temps:
        os.utime(jobs_dir / name, (time.time() - 3600,) * 2)
    JobManager(jobs_dir, autostart=False)
    assert not any(name.endswith(".tmp") for name in os.listdir(jobs_dir))


# ----------------------------------------------------------------------------- a worker that only looks dead
STALE_AFTER = 0.5     # the watching manager's staleness window: a stopped worker passes it at once


def _held_worker(tmp_path, jobs_dir, log):
    """A real worker process running a 30-item job, held at item 10 by a gate (a file the test creates)."""
    gate, record = tmp_path / "gate", tmp_path / "computed.txt"
    creator = JobManager(jobs_dir, autostart=False)
    job_id = creator.create_job("test_counting", config={"n": 30, "record": str(record),
                                                         "hold": {"from": 10, "gate": str(gate)}})
    proc = _spawn(jobs_dir, job_id, log, "crash")
    wait_for(lambda: _log_lines(jobs_dir / f"{job_id}_checkpoints.log") >= 10 or proc.poll() is not None,
             timeout=60, what="the worker to reach item 10")
    assert proc.poll() is None, "the worker ended before it reached the gate"
    return proc, job_id, gate, record


def _killed_worker(tmp_path, jobs_dir, before_kill=lambda job_id: None) -> tuple[str, object]:
    """A held worker killed with SIGKILL at item 10 (`before_kill(job_id)` first), its gate opened for whoever
    runs the job next; returns the job's id and the file of items computed."""
    with open(tmp_path / "worker.log", "wb") as log:
        proc, job_id, gate, record = _held_worker(tmp_path, jobs_dir, log)
        before_kill(job_id)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    gate.touch()
    return job_id, record


def _stale(manager: JobManager, job_id: str) -> bool:
    return not owner_alive(manager.job(job_id).owner, STALE_AFTER)


@pytest.mark.slow
def test_a_stopped_worker_keeps_its_job_and_finishes_it_once(tmp_path, _isolated_jobs_dir):
    """SIGSTOP (or a suspended laptop) leaves the worker's heartbeat stale while it still holds the job's writer
    fence: nothing may take the job over or requeue it (a resume requeued it, and the next claim could not get the
    fence: the job read "running" with nothing running it), and once the worker goes on it finishes the job itself,
    every item computed once."""
    jobs_dir = _isolated_jobs_dir
    with open(tmp_path / "worker.log", "wb") as log:
        proc, job_id, gate, record = _held_worker(tmp_path, jobs_dir, log)
        watcher = JobManager(jobs_dir, heartbeat_interval=0.2, stale_after=STALE_AFTER, autostart=False)
        scans = count_scans(watcher)
        try:
            proc.send_signal(signal.SIGSTOP)
            wait_for(lambda: _stale(watcher, job_id), timeout=30, what="the worker's heartbeat to go stale")
            watcher.start()
            seen = scans()
            wait_for(lambda: scans() >= seen + 2, timeout=30, what="two scans of the watcher")
            assert not watcher.orphaned(watcher.job(job_id))
            with pytest.raises(InvalidJobOperation, match="running already"):
                watcher.resume(job_id)
            job = watcher.job(job_id)
            assert job.status is JobStatus.RUNNING and job.owner["pid"] == proc.pid
            gate.touch()
        finally:
            proc.send_signal(signal.SIGCONT)
        assert proc.wait(timeout=60) == 0, (tmp_path / "worker.log").read_text()[-3000:]
        watcher.shutdown(timeout=5)
    meta = watcher.get(job_id)
    assert meta["status"] == "completed" and meta["attempts"] == 1
    assert frame_rows(watcher.results_frame(job_id)) == expected_rows(30)
    assert Counter(computed_keys(record)) == Counter(f"item-{i:04d}" for i in range(30))
    assert "recovered" not in [e["event"] for e in watcher.events(job_id, limit=500)]


@pytest.mark.slow
def test_a_killed_worker_is_still_recovered(tmp_path, _isolated_jobs_dir):
    """The other side of the fence: a worker killed with SIGKILL holds nothing, and its job is recovered."""
    jobs_dir = _isolated_jobs_dir
    job_id, record = _killed_worker(tmp_path, jobs_dir)
    watcher = JobManager(jobs_dir, heartbeat_interval=0.2, stale_after=STALE_AFTER)
    try:
        meta = watcher.wait(job_id, 60)
    finally:
        watcher.shutdown(timeout=5)
    assert meta["status"] == "completed" and meta["attempts"] == 2
    assert frame_rows(watcher.results_frame(job_id)) == expected_rows(30)
    counts = Counter(computed_keys(record))
    assert set(counts) == {f"item-{i:04d}" for i in range(30)} and counts["item-0010"] == 2
    assert max(counts.values()) == 2 and sum(counts.values()) == 31
    assert [e["event"] for e in watcher.events(job_id, limit=500)].count("recovered") == 1


@pytest.mark.slow
@pytest.mark.parametrize("action", ["pause", "stop"])
def test_a_pause_or_stop_asked_of_a_worker_killed_before_it_took_it_still_holds(tmp_path, _isolated_jobs_dir,
                                                                                   action):
    """`jobs stop` (or pause) of a running job is a request its worker takes after the item in progress; a worker
    killed before that boundary left the request in the job file, and the recovery requeued the job and wiped the
    request: the job ran on to the end although the user had stopped it. Now the recovery ends it as asked."""
    jobs_dir = _isolated_jobs_dir
    asker = JobManager(jobs_dir, autostart=False)

    def ask(job_id: str) -> None:
        getattr(asker, action)(job_id)              # the worker is alive: a request for its next item boundary
        assert asker.get(job_id)["requested_action"] == action    # ...which it never reaches: killed at the gate
    job_id, record = _killed_worker(tmp_path, jobs_dir, ask)
    watcher = JobManager(jobs_dir, heartbeat_interval=0.2, stale_after=STALE_AFTER)
    try:
        meta = watcher.wait(job_id, 60, until=["paused", "stopped", "completed", "failed"])
        assert meta["status"] == ("paused" if action == "pause" else "stopped")
        assert meta["items_done"] == 10 and meta["rows_written"] == len(expected_rows(10))
        assert meta["requested_action"] is None and meta["owner"] is None
        assert max(computed_keys(record)) == "item-0010"     # nothing ran past the item the worker died in
        if action == "pause":
            watcher.resume(job_id)
            assert watcher.wait(job_id, 60)["status"] == "completed"
            assert frame_rows(watcher.results_frame(job_id)) == expected_rows(30)
    finally:
        watcher.shutdown(timeout=5)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "cli.py"), *args], capture_output=True, text=True, timeout=60,
                          cwd=REPO)


def _no_run_past_the_kill(watcher: JobManager, record) -> None:
    """Two scans of a started watcher (each may recover the orphan) and nothing computed past the item the worker
    died in."""
    scans = count_scans(watcher)
    watcher.start()
    wait_for(lambda: scans() >= 2, timeout=30, what="two scans of the watcher")
    assert max(computed_keys(record)) == "item-0010"


@pytest.mark.slow
@pytest.mark.parametrize("then", ["resume", "pause"])
def test_a_stop_asked_of_a_worker_killed_before_it_took_it_holds_through_a_later_resume_or_pause(
        tmp_path, _isolated_jobs_dir, then):
    """`jobs stop`, the worker killed before its next item boundary, then `jobs resume` (or pause) of the orphan:
    the resume requeued it and wiped the stop (the job ran on to the end), the pause ended it paused. The stop is
    carried out first, and the later action meets a stopped job."""
    jobs_dir = _isolated_jobs_dir
    job_id, record = _killed_worker(tmp_path, jobs_dir, JobManager(jobs_dir, autostart=False).stop)  # a request
    later = _cli("jobs", then, job_id)
    assert later.returncode == 1 and f"cannot {then} job {job_id}: it is stopped" in later.stderr, later.stderr
    watcher = JobManager(jobs_dir, heartbeat_interval=0.2, stale_after=STALE_AFTER, autostart=False)
    try:
        _no_run_past_the_kill(watcher, record)
        meta = watcher.get(job_id)
    finally:
        watcher.shutdown(timeout=5)
    assert meta["status"] == "stopped" and meta["items_done"] == 10 and meta["requested_action"] is None
    assert [e["event"] for e in watcher.events(job_id)].count("stopped") == 1


@pytest.mark.slow
@pytest.mark.parametrize("then", [None, "resume", "pause", "stop"])
def test_a_delete_asked_of_a_worker_killed_before_it_took_it_still_deletes_the_job(tmp_path, _isolated_jobs_dir,
                                                                                    then):
    """`jobs delete` asks a running job's worker to stop, and waits; with the worker and the deleting command both
    killed meanwhile, the request stayed in the job file. The next manager requeued the job (it ran to the end, its
    files kept), and a resume, pause or stop of the orphan ran it on or kept it. The delete is carried out first."""
    jobs_dir = _isolated_jobs_dir
    with open(tmp_path / "worker.log", "wb") as log:
        proc, job_id, gate, record = _held_worker(tmp_path, jobs_dir, log)
        deleter = subprocess.Popen([sys.executable, str(REPO / "cli.py"), "jobs", "delete", job_id], cwd=REPO,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        asker = JobManager(jobs_dir, autostart=False)
        try:
            wait_for(lambda: asker.job(job_id).requested_action == "delete", timeout=30, what="the delete request")
        finally:
            for process in (proc, deleter):
                process.send_signal(signal.SIGKILL)
                process.wait()
    assert asker.job(job_id).status is JobStatus.RUNNING      # the deleter died waiting, its delete not done
    gate.touch()
    if then:
        later = _cli("jobs", then, job_id)
        assert later.returncode == 1 and f"job {job_id} not found: it was deleted as asked" in later.stderr, \
            later.stderr
    watcher = JobManager(jobs_dir, heartbeat_interval=0.2, stale_after=STALE_AFTER, autostart=False)
    try:
        _no_run_past_the_kill(watcher, record)
        assert [job.job_id for job in watcher.jobs()] == []
    finally:
        watcher.shutdown(timeout=5)
    assert [name for name in os.listdir(jobs_dir) if name.startswith(job_id)] == []


@pytest.mark.slow
def test_asking_whether_a_listed_job_is_orphaned_leaves_no_lock_file_once_it_is_deleted(tmp_path, _isolated_jobs_dir):
    """`jobs list` and `jobs status` read a job, then ask whether a process still runs it: a killed worker's job is
    probed through its writer fence, and the probe took the fence, making its file. A job deleted between the read
    and the probe (the dashboard's Delete) got a <id>.run.lock back, belonging to no job."""
    jobs_dir = _isolated_jobs_dir
    job_id, _record = _killed_worker(tmp_path, jobs_dir)
    lister = JobManager(jobs_dir, stale_after=STALE_AFTER, autostart=False)
    [listed] = lister.jobs()                                   # `jobs list`'s read
    assert lister.orphaned(listed)                              # the fence file is there: probed, held by none
    JobManager(jobs_dir, autostart=False).delete(job_id)        # another process deletes it
    assert lister.orphaned(listed)                              # the listing goes on with its copy
    assert [name for name in os.listdir(jobs_dir) if name.startswith(job_id)] == []


# Creates a job whose creation holds right before its metadata is written (the caller's refuse check, as a twin
# check scanning a large folder does), touching argv[3] there.
CREATOR = """
import sys, threading
from pathlib import Path
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/tests"]
import jobtasks
from inlink.jobs import JobManager

def held():
    Path(sys.argv[3]).touch()
    threading.Event().wait(120)
JobManager(sys.argv[2], autostart=False).create_job("test_counting", inputs={"pages.csv": b"x" * 1000}, refuse=held)
"""


@pytest.mark.slow
def test_the_files_a_creation_killed_before_its_metadata_left_are_removed_by_deleting_the_job(tmp_path,
                                                                                            _isolated_jobs_dir):
    """A process killed while it created a job (its inputs copied, its metadata not yet written) left the job's
    files: every `jobs list` warned they belong to no job, and `jobs delete ID` said "job ID not found"."""
    jobs_dir, reached = _isolated_jobs_dir, tmp_path / "reached"
    creator = subprocess.Popen([sys.executable, "-c", CREATOR, str(REPO), str(jobs_dir), str(reached)])
    try:
        wait_for(lambda: reached.exists() or creator.poll() is not None, timeout=60, what="the creation to hold")
    finally:
        creator.send_signal(signal.SIGKILL)
        creator.wait()
    [left] = [name[:12] for name in os.listdir(jobs_dir) if name.endswith("_input")]
    young = _cli("jobs", "delete", left)               # a creation may still be under way: nothing is removed
    assert young.returncode == 1 and f"job {left} not found" in young.stderr
    settled = time.time() - 120                        # two minutes later
    for name in os.listdir(jobs_dir):
        os.utime(jobs_dir / name, (settled, settled))
    listed = _cli("jobs", "list")
    assert f"belongs to no job (its {left}.json is missing); deleting job {left} removes it" in listed.stderr
    deleted = _cli("jobs", "delete", left)
    assert deleted.returncode == 0 and f"job {left}: deleted" in deleted.stdout, deleted.stderr
    assert [name for name in os.listdir(jobs_dir) if name.startswith(left)] == []
    assert _cli("jobs", "list").stderr == ""


@pytest.mark.slow
def test_the_settings_of_a_job_whose_worker_died_can_be_changed_before_it_resumes(tmp_path, _isolated_jobs_dir):
    """edit_config (a new budget or model on `jobs resume`) is for a job no process runs; one whose worker was
    killed was refused "while it runs: pause it first", though `jobs status` said no process runs it. Its next run
    reads the new settings."""
    jobs_dir = _isolated_jobs_dir
    job_id, record = _killed_worker(tmp_path, jobs_dir)
    changer = JobManager(jobs_dir, stale_after=STALE_AFTER, autostart=False)
    assert changer.orphaned(changer.job(job_id))
    after = tmp_path / "computed-after.txt"
    changer.edit_config(job_id, lambda config: dict(config, record=str(after)), note="record elsewhere")
    changer.resume(job_id)
    watcher = JobManager(jobs_dir, heartbeat_interval=0.2, stale_after=STALE_AFTER)
    try:
        meta = watcher.wait(job_id, 60)
    finally:
        watcher.shutdown(timeout=5)
    assert meta["status"] == "completed" and meta["config"]["record"] == str(after)
    assert computed_keys(after) == [f"item-{i:04d}" for i in range(10, 30)]    # the run after: the new settings
    assert max(computed_keys(record)) == "item-0010"
    assert "config" in [e["event"] for e in watcher.events(job_id, 100)]


# ----------------------------------------------------------------------------- a shutdown during a long preparation
# A process whose job is held in its preparation (a gate) when it shuts down with a short wait: as an app restarting
# (hand back) or a worker's Ctrl-C (pause) whose job is still building its index when the wait ends.
SHUTS_DOWN = """
import pathlib, sys
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/tests"]
import jobtasks
from inlink.jobs.manager import JobManager
from waiting import wait_for
jobs_dir, job_id, gate, mode = sys.argv[2:6]
manager = JobManager(jobs_dir, heartbeat_interval=0.2)
if mode == "finish":
    meta = manager.wait(job_id, 120)
    manager.shutdown(timeout=5)
    sys.exit(0 if meta["status"] == "completed" else 3)
wait_for(lambda: pathlib.Path(gate + ".waiting").exists(), timeout=60, what="the preparation to start")
manager.shutdown(pause=mode == "pause", timeout=0.2)
"""


def _shut_down_while_preparing(tmp_path, jobs_dir, job_id: str, gate, mode: str) -> int:
    waiting = Path(f"{gate}.waiting")
    waiting.unlink(missing_ok=True)
    with open(tmp_path / "worker.log", "ab") as log:
        return subprocess.run([sys.executable, "-c", SHUTS_DOWN, str(REPO), str(jobs_dir), job_id, str(gate), mode],
                              stdout=log, stderr=subprocess.STDOUT, timeout=120).returncode


@pytest.mark.slow
def test_an_app_restarted_while_its_job_prepares_is_no_crash(tmp_path, _isolated_jobs_dir):
    """The app shut down (hand back to the queue) while the job was still in a preparation step, which takes no
    request: its process ended with the job 'running', and the next manager counted a crash. Four restarts in a
    long preparation failed a healthy job ('its process ended 4 times in a row'). The shutdown now leaves word
    (the owner released), which the next manager does not count."""
    gate = tmp_path / "gate"
    job_id = JobManager(_isolated_jobs_dir, autostart=False).create_job(
        "test_counting", config={"n": 5, "prepare_gate": str(gate)})
    for _restart in range(4):
        assert _shut_down_while_preparing(tmp_path, _isolated_jobs_dir, job_id, gate, "release") == 0
    gate.touch()
    assert _shut_down_while_preparing(tmp_path, _isolated_jobs_dir, job_id, gate, "finish") == 0, \
        (tmp_path / "worker.log").read_text()[-2000:]
    manager = JobManager(_isolated_jobs_dir, autostart=False)
    assert manager.job(job_id).status is JobStatus.COMPLETED
    said = [e["message"] for e in manager.events(job_id, limit=100) if e["event"] == "recovered"]
    assert len(said) == 4 and all("shut down while it prepared" in m for m in said), said


@pytest.mark.slow
def test_a_worker_stopped_with_ctrl_c_while_its_job_prepares_leaves_it_paused(tmp_path, _isolated_jobs_dir):
    """Ctrl-C pauses a worker's jobs, but one still in a preparation step when the worker's wait ended was left
    'running' by the process that ended, and the next manager resumed it as a crash. The pause is left in the job's
    file, and the next manager carries it out."""
    gate = tmp_path / "gate"
    job_id = JobManager(_isolated_jobs_dir, autostart=False).create_job(
        "test_counting", config={"n": 5, "prepare_gate": str(gate)})
    assert _shut_down_while_preparing(tmp_path, _isolated_jobs_dir, job_id, gate, "pause") == 0
    manager = JobManager(_isolated_jobs_dir)
    try:
        job = wait_for(lambda: (lambda j: j if j.status is JobStatus.PAUSED or j.attempts > 1 else None)(
            manager.job(job_id)), timeout=60, what="the next manager to take the job over")
    finally:
        gate.touch()
        manager.shutdown(timeout=10)
    assert job.status is JobStatus.PAUSED and job.attempts == 1, (job.status, job.message)
    assert "Paused by request" in job.message
