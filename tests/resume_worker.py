"""A worker process for the kill -9 tests of test_resume_state.py: runs one job until it ends, like a restarted
dashboard, with hooks the test drives through the environment:

  INLINK_TEST_HOLD     where this run stops and waits to be killed: "index" (inside the link index build),
                       "item" (before the first page of the run), or "step-<name>" (a step of test_stepped)
  INLINK_TEST_REACHED  file touched when the run reaches its hold point (the test then sends SIGKILL)
  INLINK_TEST_RECORD   file that gets one "build" line per call of the link engine's build_index and one "parse"
                       line per parse of the crawl (load_site) (set for the link task's tests only: it makes the
                       worker load the link task)

Run: python3 tests/resume_worker.py JOBS_DIR JOB_ID   (exit 0: completed, 3: ended otherwise)
Imported by the tests too, so the test process knows the test_stepped task.
"""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from inlink.jobs.manager import JobManager, Task, register_task

HOLD_FOREVER_S = 120.0     # a run that is never killed ends by itself: the test has failed by then anyway


def hold(point: str) -> None:
    """Stop here until SIGKILL when the test asked this run to stop at `point`."""
    if os.environ.get("INLINK_TEST_HOLD") != point:
        return
    Path(os.environ["INLINK_TEST_REACHED"]).touch()
    threading.Event().wait(HOLD_FOREVER_S)
    raise RuntimeError(f"the test never killed the run held at {point}")


class SteppedTask(Task):
    """Five preparation steps, then two items: a run can be held after any number of finished steps."""
    name = "test_stepped"
    steps = ("one", "two", "three", "four", "five", "items")
    result_columns = ("item",)

    def prepare(self, ctx, step):
        hold(f"step-{step}")

    def items(self, ctx):
        return ["a", "b"]

    def process(self, ctx, item):
        return [{"item": item}]


register_task(SteppedTask)


def _instrument_link_task() -> None:
    """Register the link task (imported only for its tests: the stepped ones start faster without it), count
    index builds and let the test hold a run inside the build or before its first page."""
    from inlink.links import suggest as analyzer
    from inlink.site import load as site_load
    from inlink.tasks import analysis as link_task

    build, process, parse = analyzer.build_index, link_task.LinkAnalysisTask.process, site_load.load_site

    def record(what: str) -> None:
        with open(os.environ["INLINK_TEST_RECORD"], "a") as f:
            f.write(what + "\n")

    def counted_build(*args, **kwargs):
        record("build")
        hold("index")
        return build(*args, **kwargs)

    def counted_parse(*args, **kwargs):
        record("parse")
        return parse(*args, **kwargs)

    def held_process(self, ctx, item):
        hold("item")
        return process(self, ctx, item)

    analyzer.build_index = counted_build
    site_load.load_site = counted_parse
    link_task.LinkAnalysisTask.process = held_process


def main(jobs_dir: str, job_id: str) -> int:
    if os.environ.get("INLINK_TEST_RECORD"):
        _instrument_link_task()
    manager = JobManager(jobs_dir, heartbeat_interval=0.2)
    meta = manager.wait(job_id, 120)
    manager.shutdown(timeout=5)
    return 0 if meta["status"] == "completed" else 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
