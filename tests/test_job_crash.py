"""Exactly-once under kill -9: a real worker process is SIGKILLed again and again, restarted each
time, and the final results must equal a clean run row for row."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from collections import Counter

import pytest

from inlink.jobs.manager import JobManager
from jobtasks import REPO, computed_keys, expected_rows, frame_rows, wait_for

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
    assert not any(name.endswith(".tmp") for name in os.listdir(jobs_dir))
