"""Test tasks (registered on import; the crash-test subprocess imports them too) and test helpers.

Behaviour is driven by the job config so one task covers many cases:
  n            number of items ("item-0000"...)
  delay        seconds of work per item (a wait inside the task, not test synchronisation)
  record       path of a side file; every computation of an item appends its key (recompute check)
  fail_once    {"at": item index or step name, "marker": path}: raise RuntimeError the first time
  pause_once   {"at": item index, "marker": path}: raise PauseJob the first time
  item_errors  item indexes that raise ItemError every time
  tricky       emit cells with quotes, commas, newlines and formula starts
  gate         path: every item waits until this file exists (lets a test act mid-item); while it waits,
               the file <gate>.waiting exists, so a test can wait until an item is surely in progress
  gives_up     path: like gate, but the item gives itself up (PauseJob) once ctx.should_stop() says so
  hold         {"from": item index, "gate": path}: items from that index on wait until the file exists, so a
               test can act while the job is surely mid-way (no race against the machine's speed)
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Callable

from inlink.jobs.manager import ItemError, PauseJob, Task, register_task
from waiting import wait_for  # also re-exported for the job tests

COLUMNS = ("item", "n", "text", "value")
REPO = Path(__file__).resolve().parents[1]


def item_key(i: int) -> str:
    return f"item-{i:04d}"


def rows_for(i: int, tricky: bool = False) -> list[dict]:
    """0 to 3 rows per item, deterministic, so a clean run is easy to compute."""
    rows = []
    for j in range((i * 7 + 3) % 4):
        text = f"row {j} of {item_key(i)}"
        if tricky and j == 0:
            text = ['=HYPERLINK("x")', 'say "hi", then\nleave', "+1", "@sum", "-2", " padded "][i % 6]
        rows.append({"item": item_key(i), "n": j, "text": text, "value": i * 10 + j})
    return rows


def expected_rows(n: int) -> list[tuple]:
    return [(r["item"], r["n"], r["text"], r["value"]) for i in range(n) for r in rows_for(i)]


def _once(spec: dict | None, here) -> bool:
    """True the first time `here` matches spec["at"] (a marker file remembers it across processes)."""
    if not spec or spec.get("at") != here:
        return False
    try:
        fd = os.open(spec["marker"], os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def _ceiling(path: str) -> int:
    """The number of items the test lets a worker reach (a file it rewrites; 0 while it is being replaced)."""
    try:
        return int(Path(path).read_text() or 0)
    except (FileNotFoundError, ValueError):
        return 0


def _record(path: str | None, key: str) -> None:
    if path:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, f"{key}\n".encode())
        finally:
            os.close(fd)


class CountingTask(Task):
    name = "test_counting"
    steps = ("load", "count")
    result_columns = COLUMNS

    def prepare(self, ctx, step):
        ctx.log(f"preparing {step}")
        gate = ctx.config.get("prepare_gate")
        if gate:          # held in its preparation until the test opens the gate
            Path(gate + ".waiting").touch()
            wait_for(lambda: os.path.exists(gate), timeout=60, what="the test to release the preparation")
        if _once(ctx.config.get("fail_once"), step):
            raise RuntimeError(f"step {step} broke once")
        ctx.state["loaded"] = True
        ctx.state["input_files"] = sorted(p.name for p in Path(ctx.input_dir).iterdir())

    def items(self, ctx):
        return [item_key(i) for i in range(int(ctx.config.get("n", 10)))]

    def process(self, ctx, item):
        config = ctx.config
        index = int(item.split("-")[1])
        _record(config.get("record"), item)
        delay = float(config.get("delay", 0))
        if delay:
            threading.Event().wait(delay)
        if config.get("gate"):
            Path(config["gate"] + ".waiting").touch()
            wait_for(lambda: os.path.exists(config["gate"]), timeout=60, what="the test's gate")
        if config.get("ceiling"):
            wait_for(lambda: index < _ceiling(config["ceiling"]), timeout=60, what="the test to raise the ceiling")
        gives_up = config.get("gives_up")
        if gives_up:      # like a fetch: the item waits for the gate, and gives itself up when the job is asked to stop
            Path(gives_up + ".waiting").touch()
            wait_for(lambda: os.path.exists(gives_up) or ctx.should_stop(), timeout=60, what="the gate or a stop")
            if ctx.should_stop():
                raise PauseJob("gave up its item for a request")
        hold = config.get("hold")
        if hold and index >= hold["from"]:
            wait_for(lambda: os.path.exists(hold["gate"]), timeout=60, what="the test to release the job")
        if _once(config.get("fail_once"), index):
            raise RuntimeError(f"item {index} broke once")
        if _once(config.get("pause_once"), index):
            raise PauseJob("Paused: quota reached, try again later.")
        if index in config.get("item_errors", ()):
            raise ItemError(f"item {index} is bad")
        rows = rows_for(index, bool(config.get("tricky")))
        ctx.count(tokens=len(rows), cost_usd=0.5)
        return rows

    def items_ahead(self, ctx):
        return int(ctx.config.get("ahead", 0))

    def finish(self, ctx):
        return {"loaded": ctx.state.get("loaded", False), "inputs": ctx.state.get("input_files"),
                "cost_usd": ctx.counters_so_far().get("cost_usd", 0), "secrets": sorted(ctx.secrets)}


class PooledCountingTask(CountingTask):
    name = "test_counting_pool"
    concurrency = 3


register_task(CountingTask)
register_task(PooledCountingTask)


# ----------------------------------------------------------------------------- test helpers
def frame_rows(frame) -> list[tuple]:
    """Result rows as plain tuples, comparable with jobtasks.expected_rows()."""
    return [(str(r.item), int(r.n), str(r.text), int(r.value)) for r in frame.itertuples()]


def held_job(manager, gate, task: str = "test_counting", at: int = 5, inputs=None, **config) -> str:
    """A job whose items from `at` on wait for `gate` (a path); returns once `at` items are done, so the test
    acts while the job is surely running mid-way. Touch the gate to let it go on."""
    job_id = manager.create_job(task, inputs=inputs, config={"hold": {"from": at, "gate": str(gate)}, **config})
    wait_for(lambda: manager.get(job_id)["items_done"] >= at, timeout=60, what=f"{at} items done")
    return job_id


def computed_keys(record_path) -> list[str]:
    try:
        return record_path.read_text().split()
    except FileNotFoundError:
        return []


def count_scans(manager) -> Callable[[], int]:
    """Count the manager's scheduler scans (each may recover orphans) from now on; returns a reader of the count.
    Install it before the manager starts."""
    scans = [0]
    schedule = manager._scheduler._schedule

    def counted() -> None:
        schedule()
        scans[0] += 1
    manager._scheduler._schedule = counted
    return lambda: scans[0]
