"""UI speed figures: the Jobs page with 1,000 jobs, and one refresh of the live panel of a 100,000-row job.

Targets: first render of the Jobs page ≤ 1 s with 1,000 jobs in jobs/; one panel refresh ≤ 100 ms on a job
with 100,000 result rows (the panel reads only what it shows). Baselines measured in the same run: the
JobManager's own listing of the 1,000 jobs, and the same panel refresh on a 100-row job.

    python3 bench/bench_ui.py [--jobs 1000] [--rows 100000]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(function, repeat: int = 5) -> float:
    """Median wall time of `function()` in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bulk_task(rows_per_item: int):
    """A registered task writing `rows_per_item` suggestion rows per item, as fast as the engine commits."""
    from inlink.links import suggest as analyzer
    from inlink.jobs.manager import Task, register_task

    class BulkRows(Task):
        name = f"bench_bulk_{rows_per_item}"
        steps = ("analyze",)
        result_columns = analyzer.RESULT_COLUMNS

        def items(self, ctx):
            return [f"https://example.com/page-{i}" for i in range(int(ctx.config["items"]))]

        def process(self, ctx, item):
            return [{"Source": item, "Destination": f"https://example.com/target-{n}", "Anchor": f"anchor {n}",
                     "Context": "a sentence that holds the anchor text", "Score": n / rows_per_item,
                     "Reason": "shared topic", "Engine": "offline"} for n in range(rows_per_item)]

    register_task(BulkRows())
    return BulkRows.name


def finished_job(manager, rows: int, rows_per_item: int = 500, label: str = "bench.csv") -> str:
    task = bulk_task(min(rows, rows_per_item))
    job_id = manager.create_job(task, inputs={}, config={"engine": "offline", "items": max(1, rows // rows_per_item)},
                                label=label)
    job = manager.wait(job_id, timeout=600)
    assert job["status"] == "completed", job
    return job_id


def clone_jobs(jobs_dir: Path, job_id: str, copies: int) -> None:
    """Copy one finished job's metadata, events and results under new ids (seeding only; the UI never does this)."""
    import json

    from inlink.jobs.state import new_job_id

    meta = json.loads((jobs_dir / f"{job_id}.json").read_text())
    for n in range(copies):
        new_id = new_job_id()
        meta.update(job_id=new_id, label=f"site-{n:04d}.csv")
        (jobs_dir / f"{new_id}.json").write_text(json.dumps(meta))
        for suffix in ("_results.csv", "_events.jsonl", "_checkpoints.log"):
            source = jobs_dir / f"{job_id}{suffix}"
            if source.exists():
                shutil.copyfile(source, jobs_dir / f"{new_id}{suffix}")


def jobs_page_figures(manager, jobs_dir: Path, count: int) -> None:
    from streamlit.testing.v1 import AppTest

    from inlink.ui.jobs_table import matching_jobs, page_rows

    clone_jobs(jobs_dir, finished_job(manager, rows=20, rows_per_item=20), count - 1)
    listing = timed(lambda: manager.list_jobs(), repeat=3)
    data = timed(lambda: page_rows(matching_jobs(manager.list_jobs()), 1), repeat=3)
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    app.run()
    app.switch_page("pages/3_Jobs.py")
    start = time.perf_counter()
    app.run()
    first = time.perf_counter() - start
    assert not app.exception and any(f"{count:,} jobs" in c.value for c in app.caption), "page did not list all jobs"
    again = timed(lambda: app.run(), repeat=3)
    print(f"Jobs page, {len(manager.list_jobs()):,} jobs:")
    print(f"  baseline  JobManager.list_jobs()          {listing * 1000:8.1f} ms")
    print(f"  data      listing + filter + page_rows    {data * 1000:8.1f} ms  ({data / listing:.2f}x baseline)")
    print(f"  render    first AppTest run of the page   {first * 1000:8.1f} ms  (target <= 1000 ms) "
          f"{'OK' if first <= 1.0 else 'OVER'}")
    print(f"  render    later runs (median)             {again * 1000:8.1f} ms")


def panel_figures(manager, rows: int) -> None:
    from inlink.ui.job_panel import read_panel

    small, big = finished_job(manager, rows=100, rows_per_item=100), finished_job(manager, rows=rows)
    assert manager.results_count(big) == rows, manager.results_count(big)
    baseline = timed(lambda: read_panel(manager, small))
    refresh = timed(lambda: read_panel(manager, big))
    full = timed(lambda: manager.results_frame(big), repeat=1)
    print("Active-job panel refresh (metadata + last events + last rows):")
    print(f"  baseline  100-row job                     {baseline * 1000:8.1f} ms")
    print(f"  refresh   {rows:,}-row job                 {refresh * 1000:8.1f} ms  ({refresh / baseline:.2f}x "
          f"baseline; target <= 100 ms) {'OK' if refresh <= 0.1 else 'OVER'}")
    print(f"  contrast  reading all {rows:,} rows          {full * 1000:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_ui_") as folder:
        os.environ["INLINK_JOBS_DIR"] = str(Path(folder) / "jobs")
        from inlink.ui.manager import get_manager, jobs_dir, shutdown_all

        manager = get_manager()
        try:
            panel_figures(manager, args.rows)
            for job in manager.list_jobs():
                manager.delete(job["job_id"])
            jobs_page_figures(manager, jobs_dir(), args.jobs)
        finally:
            shutdown_all()


if __name__ == "__main__":
    main()
