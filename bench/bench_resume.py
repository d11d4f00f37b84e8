"""How fast a killed job resumes: kill -9 a worker mid-job on the docs corpus, start a new worker process, and
time spawn -> first new checkpoint, with the job's saved state (parsed site + link index) and without it.

Both cases run in the same job and the same run, alternating (with state, then the same resume after deleting
the state folder and the parsed site kept with the job's inputs), so the ratio survives a loaded machine. The time includes the new process's start and
imports, the recovery of the orphaned job, the preparation steps and the first page. The worker is the real
one (`cli.py jobs worker`); checkpoints are watched by the size of the job's checkpoint log.

Bytecode: a new process imports the package from its compiled bytecode, as after any earlier run or a pip
install. Where Python is told not to write it (PYTHONDONTWRITEBYTECODE=1, as in some containers) every process
would compile the package's sources again (~0.1-0.2 s of each start, the same in both cases, so it dilutes the
ratio): the bench then compiles them once before the runs (compileall, into the package's __pycache__ folders,
removed afterwards). --as-is skips that and times the starts as they come.

Run: python3 bench/bench_resume.py [--repeat 5] [--as-is]
Targets: median with saved state <= 1.5 s, and >= 4x faster than the same resume without it.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CORPUS = REPO.parent / "shared/corpora/python-docs-3.11"
SITE_SEED = "site.state"      # inlink.tasks.analysis.SITE_SEED (not imported: the bench process stays light)
TARGET_S, TARGET_RATIO = 1.5, 4.0
FIRST_RUN_PAGES = 20          # pages the first worker analyses (building and saving the state) before its kill
POLL_S = 0.001                # how often the checkpoint log is looked at (the measurement's resolution)


def spawn_worker(jobs_dir: Path, log) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(REPO / "cli.py"), "--jobs-dir", str(jobs_dir), "jobs", "worker",
                             "--max-running", "1"], stdout=log, stderr=subprocess.STDOUT, cwd=REPO)


def log_size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except FileNotFoundError:
        return 0


def run_until(jobs_dir: Path, job_id: str, checkpoints: Path, log) -> tuple[float, dict]:
    """Spawn a worker, wait until the checkpoint log grows, kill -9 it: (seconds taken, where they went)."""
    grew_past = log_size(checkpoints)
    wall, start = time.time(), time.perf_counter()
    worker = spawn_worker(jobs_dir, log)
    try:
        while log_size(checkpoints) <= grew_past:
            if worker.poll() is not None:
                raise SystemExit(f"the worker exited ({worker.returncode}) before a new checkpoint; see its log")
            time.sleep(POLL_S)      # measuring, not synchronising: the resolution of the timing
        took = time.perf_counter() - start
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    return took, phases(jobs_dir, job_id, wall, took)


def phases(jobs_dir: Path, job_id: str, spawned: float, took: float) -> dict:
    """Where a resume's time went, from the job's event log: start (process, imports, claim), prepare (the
    steps), first page (the first item and its checkpoint)."""
    from inlink.jobs.manager import JobManager
    from inlink.jobs.state import iso_to_epoch

    events = [e for e in JobManager(jobs_dir, autostart=False).events(job_id, limit=100)
              if (iso_to_epoch(e.get("ts")) or 0) >= spawned - 0.01]
    claimed = next((iso_to_epoch(e["ts"]) for e in events if e["event"] == "started"), None)
    prepared = next((iso_to_epoch(e["ts"]) for e in events if e["event"] == "step_started"
                     and "'analyze'" in e["message"]), None)
    if claimed is None or prepared is None:
        return {}
    return {"start": claimed - spawned, "prepare": prepared - claimed, "first page": spawned + took - prepared}


def pages_done(checkpoints: Path) -> int:
    return checkpoints.read_bytes().count(b"\n") if checkpoints.exists() else 0


def create_job(jobs_dir: Path) -> str:
    from inlink.jobs.manager import JobManager
    from inlink.tasks.analysis import start_analysis

    manager = JobManager(jobs_dir, autostart=False)
    return start_analysis(manager, (CORPUS / "pages.csv.gz").read_bytes(), pages_name="pages.csv.gz",
                          links=(CORPUS / "links.csv.gz").read_bytes(), links_name="links.csv.gz")


def bench(repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "worker.log", "wb") as log:
        jobs_dir = Path(tmp) / "jobs"
        job_id = create_job(jobs_dir)
        checkpoints = jobs_dir / f"{job_id}_checkpoints.log"
        state_dir = jobs_dir / f"{job_id}_input" / ".state"
        seed = jobs_dir / f"{job_id}_input" / SITE_SEED      # the site start_analysis parsed: saved state too
        first = spawn_worker(jobs_dir, log)   # the first run builds and saves the state, then gets killed
        try:
            while pages_done(checkpoints) < FIRST_RUN_PAGES:
                if first.poll() is not None:
                    raise SystemExit("the first worker exited early; see its log")
                time.sleep(0.01)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
        saved, rebuilt = [], []
        for _ in range(repeat):
            saved.append(run_until(jobs_dir, job_id, checkpoints, log))
            shutil.rmtree(state_dir)          # the same resume without the saved state (it saves it again)
            seed.unlink(missing_ok=True)
            rebuilt.append(run_until(jobs_dir, job_id, checkpoints, log))
        report(saved, rebuilt, pages_done(checkpoints))


def report(saved: list[tuple[float, dict]], rebuilt: list[tuple[float, dict]], done: int) -> None:
    fast, slow = statistics.median(t for t, _ in saved), statistics.median(t for t, _ in rebuilt)
    ratio = slow / fast
    print(f"resume -> first new checkpoint, docs corpus, median of {len(saved)} (kill -9, new process):")
    for label, runs, median in (("with saved state   ", saved, fast), ("without saved state", rebuilt, slow)):
        print(f"  {label}: {median:6.2f} s   runs: {' '.join(f'{t:.2f}' for t, _ in runs)}   "
              f"median split: {split(runs)}")
    print(f"  ratio: {ratio:.1f}x faster with the saved state   ({done} pages done by the end)")
    print(f"  target <= {TARGET_S} s: {'OK' if fast <= TARGET_S else 'OVER'};  "
          f"target >= {TARGET_RATIO:.0f}x: {'OK' if ratio >= TARGET_RATIO else 'UNDER'}")
    startup = interpreter_start()
    print(f"  for scale: a new interpreter importing the CLI takes {startup:.2f} s "
          f"({startup / fast:.0%} of the resume with saved state)")


def split(runs: list[tuple[float, dict]]) -> str:
    names = ("start", "prepare", "first page")
    known = [parts for _, parts in runs if parts]
    if not known:
        return "unknown"
    return " / ".join(f"{name} {statistics.median(p[name] for p in known):.2f}" for name in names)


def interpreter_start() -> float:
    """Median time of `python3 -c 'import inlink.cli'`: the floor under any resume in a new process."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import inlink.cli"], cwd=REPO, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@contextlib.contextmanager
def compiled_bytecode(as_is: bool):
    """The package's bytecode compiled for the runs when this Python does not write it (see the docstring);
    the __pycache__ folders made here are removed afterwards."""
    if as_is or not sys.flags.dont_write_bytecode:
        print(f"bytecode: as this Python leaves it (writes it: {not sys.flags.dont_write_bytecode})")
        yield
        return
    before = set(REPO.rglob("__pycache__"))
    subprocess.run([sys.executable, "-m", "compileall", "-q", "inlink", "cli.py"], cwd=REPO, check=True)
    print("bytecode: compiled before the runs (PYTHONDONTWRITEBYTECODE is set; --as-is compiles at each start)")
    try:
        yield
    finally:
        for folder in set(REPO.rglob("__pycache__")) - before:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--as-is", action="store_true",
                        help="do not compile the package's bytecode first where Python does not write it")
    args = parser.parse_args()
    if not (CORPUS / "pages.csv.gz").exists():
        raise SystemExit(f"docs corpus not found at {CORPUS}")
    with compiled_bytecode(args.as_is):
        bench(args.repeat)


if __name__ == "__main__":
    main()
