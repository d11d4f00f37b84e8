"""Resume from saved state: the link task saves the parsed site and the built index, and a resumed job restores
them instead of rebuilding (saved_state.py). A file that is missing, damaged or from other code is rebuilt; the
rows are the same either way; a resumed job shows its progress while it prepares; and a run that finished a
preparation step counts as progress for the crash-loop cap, checked with real kill -9s."""
from __future__ import annotations

import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest
import resume_worker
from waiting import wait_for

from inlink.jobs.manager import JobManager, JobStatus, TaskContext
from inlink.links import suggest as analyzer
from inlink.tasks import analysis as link_task
from inlink.tasks import foreground
from inlink.tasks import saved_state

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_PAGES = ROOT / "sample_data" / "pages.csv"
SAMPLE_LINKS = ROOT / "sample_data" / "inlinks.csv"
OPTIONS = {"max_per_page": 4, "max_inbound_per_target": 2}


@pytest.fixture
def builds(monkeypatch) -> list[int]:
    """Every call of the engine's build_index, counted (a restored index never calls it)."""
    calls: list[int] = []
    build = analyzer.build_index

    def counted(*args, **kwargs):
        calls.append(1)
        return build(*args, **kwargs)

    monkeypatch.setattr(analyzer, "build_index", counted)
    return calls


@pytest.fixture
def job_folder(tmp_path) -> Path:
    """A job's input folder as the job engine makes it: its own copy of the inputs."""
    folder = tmp_path / "job_input"
    folder.mkdir()
    shutil.copyfile(SAMPLE_PAGES, folder / "pages.csv")
    shutil.copyfile(SAMPLE_LINKS, folder / "links.csv")
    return folder


def job_config(**options) -> dict:
    return {"options": link_task.clean_options("offline", {**OPTIONS, **options}),
            "files": {"pages": "pages.csv", "links": "links.csv"}}


def prepared(folder: Path, config: dict | None = None, log: list | None = None) -> TaskContext:
    """A context after the task's preparation steps, as a (resumed) run has it before its first page."""
    ctx = TaskContext("job", config or job_config(), folder, log=(log.append if log is not None else None),
                      results=lambda: pd.DataFrame(columns=list(analyzer.RESULT_COLUMNS)))
    task = link_task.LinkAnalysisTask()
    for step in task.steps[:-1]:
        task.prepare(ctx, step)
    return ctx


def all_rows(ctx: TaskContext) -> list[dict]:
    task = link_task.LinkAnalysisTask()
    return [row for item in task.items(ctx) for row in task.process(ctx, item)]


def test_a_second_run_restores_the_site_and_index_instead_of_building_them(job_folder, builds):
    first = prepared(job_folder)
    assert len(builds) == 1
    assert sorted(p.name for p in first.state_dir.iterdir()) == ["import-report.state", "index.state", "site.state"]
    log: list[str] = []
    second = prepared(job_folder, log=log)
    assert len(builds) == 1                      # the index was restored, not built again
    assert any("Restored the index" in line for line in log)
    assert "site" not in second.state            # not even read: the summary's import report was saved too
    assert all_rows(second) == all_rows(first)
    task = link_task.LinkAnalysisTask()
    assert task.finish(second) == task.finish(first)
    assert "site" not in second.state


def test_a_restored_index_with_links_counts_no_prose_mentions_again(job_folder, monkeypatch):
    """The link odds' prose-mention count is part of the saved index: a resumed job's first page does not pay
    for it again (it scans the whole site)."""
    from inlink.links.dictionary import ProseMentions

    first = prepared(job_folder)
    expected = all_rows(first)

    def counted_again(*args, **kwargs):
        raise AssertionError("prose mentions counted again after a restore")

    monkeypatch.setattr(ProseMentions, "count", counted_again)
    second = prepared(job_folder)
    assert second.state["pages"].index.prose is not None
    assert all_rows(second) == expected


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _cut_in_half(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _other_format(path: Path) -> None:
    data = path.read_bytes()
    end = data.index(b"\n", len(saved_state.MAGIC))
    header = json.loads(data[len(saved_state.MAGIC):end])
    path.write_bytes(saved_state.MAGIC + json.dumps({**header, "format": 0}).encode() + data[end:])


@pytest.mark.parametrize("damage, why", [
    (_flip_a_byte, "corrupt"),
    (_cut_in_half, "corrupt"),
    (_other_format, "format"),
    (Path.unlink, None),
    (lambda path: path.write_bytes(b"\x00" * 64), "not a saved-state file"),
])
def test_a_missing_or_damaged_index_is_rebuilt_and_saved_again(job_folder, builds, damage, why):
    expected = all_rows(prepared(job_folder))
    index_file = job_folder / ".state" / "index.state"
    damage(index_file)
    log: list[str] = []
    again = prepared(job_folder, log=log)
    assert len(builds) == 2
    if why:
        assert any("index" in line and why in line and "rebuilt" in line for line in log), log
    assert all_rows(again) == expected
    prepared(job_folder)                       # the rebuilt index was saved: the next run restores it
    assert len(builds) == 2


def test_state_from_another_code_version_is_rebuilt(job_folder, builds, monkeypatch):
    prepared(job_folder)
    monkeypatch.setattr(saved_state, "code_fingerprint", lambda: "the next release")
    log: list[str] = []
    prepared(job_folder, log=log)
    assert len(builds) == 2
    assert any("another version of the code" in line for line in log)


def test_state_built_for_other_options_or_inputs_is_not_used(job_folder, builds):
    prepared(job_folder)
    prepared(job_folder, job_config(max_per_page=2))
    assert len(builds) == 2
    (job_folder / "links.csv").write_bytes(SAMPLE_LINKS.read_bytes().replace(b"\n", b"\r\n"))
    prepared(job_folder, job_config(max_per_page=2))
    assert len(builds) == 3


def test_state_that_cannot_be_saved_costs_only_the_next_resume(job_folder, builds, monkeypatch):
    def refuse(*args, **kwargs):
        raise pickle.PicklingError("cannot pickle a lock")

    log: list[str] = []
    with monkeypatch.context() as patch:
        patch.setattr(saved_state._Pickler, "dump", refuse)
        expected = all_rows(prepared(job_folder, log=log))
    assert any("Could not save the index" in line and "goes on" in line for line in log), log
    again = prepared(job_folder)
    assert len(builds) == 2 and all_rows(again) == expected


def test_the_code_fingerprint_follows_the_sources(tmp_path, monkeypatch):
    """A change to any engine source file gives another fingerprint (so older state is rebuilt)."""
    before = saved_state.code_fingerprint()
    package = tmp_path / "fake_links"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "engine.py").write_text("VERSION = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(saved_state, "_SOURCE_PACKAGES", saved_state._SOURCE_PACKAGES + ("fake_links",))
    saved_state.code_fingerprint.cache_clear()
    try:
        with_package = saved_state.code_fingerprint()
        (package / "engine.py").write_text("VERSION = 2\n")
        saved_state.code_fingerprint.cache_clear()
        assert len({before, with_package, saved_state.code_fingerprint()}) == 3
    finally:
        saved_state.code_fingerprint.cache_clear()


def test_a_resume_with_saved_state_does_not_import_scikit_learn(job_folder):
    """scikit-learn costs about a second to import; only fitting TF-IDF needs it."""
    prepared(job_folder)
    script = ("import sys, pandas as pd\n"
              "from inlink.jobs.manager import TaskContext\n"
              "from inlink.tasks import analysis as t\n"
              f"ctx = TaskContext('job', {job_config()!r}, {str(job_folder)!r}, "
              "results=lambda: pd.DataFrame(columns=list(t.link_engine.RESULT_COLUMNS)))\n"
              "task = t.LinkAnalysisTask()\n"
              "[task.prepare(ctx, step) for step in task.steps[:-1]]\n"
              "task.process(ctx, task.items(ctx)[0])\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sklearn'))\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


FIRST_PAGE_PROBE = """
import os, runpy, sys
sys.path.insert(0, {root!r})
from inlink.tasks import analysis

def probe(task, ctx, item):
    print(sorted(m for m in ("pandas", "httpx", "sklearn", "scipy") if m in sys.modules), sum(1 for _row in ctx.result_rows()), flush=True)
    os._exit(0)

analysis.LinkAnalysisTask.process = probe
sys.argv = ["cli.py", "--jobs-dir", {jobs!r}, "jobs", "worker"]
runpy.run_path({cli!r}, run_name="__main__")
"""


def test_a_worker_resuming_from_saved_state_imports_no_pandas_before_its_first_page(_isolated_jobs_dir, monkeypatch):
    """pandas (and the fetcher's httpx, and scikit-learn) take longer to import than the rest of a resume: the
    real worker restores the site and index and replays the committed rows (the csv module) without them."""
    manager = JobManager(_isolated_jobs_dir, heartbeat_interval=0.2)
    gate, process = Gate(), link_task.LinkAnalysisTask.process

    def held(task, ctx, item):
        rows = process(task, ctx, item)
        if rows and not gate.reached.is_set():
            gate.hold()
        return rows

    monkeypatch.setattr(link_task.LinkAnalysisTask, "process", held)
    job = start_sample(manager)
    try:
        assert gate.reached.wait(30)
        manager.pause(job)
    finally:
        gate.opened.set()
    paused = wait_for(lambda: (m := manager.get(job))["status"] == JobStatus.PAUSED and m, what="the pause")
    manager.shutdown(timeout=5)
    JobManager(_isolated_jobs_dir, autostart=False).resume(job)
    script = FIRST_PAGE_PROBE.format(root=str(ROOT), jobs=str(_isolated_jobs_dir), cli=str(ROOT / "cli.py"))
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=False, env=_base_env())
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split("\n")[-2] == f"[] {paused['rows_written']}"


def test_a_saved_sparse_matrix_comes_back_as_its_arrays_and_answers_like_the_matrix(tmp_path):
    """The index's TF-IDF matrices are restored as CsrArrays (no scipy import on a resume): a page's analysis
    reads the same arrays, and anything else falls back to the scipy matrix they make."""
    import numpy as np
    import scipy.sparse

    from inlink.links.similarity import row_dot, spread_row

    matrix = scipy.sparse.random(6, 9, density=0.4, format="csr", dtype=np.float32, random_state=1)
    saved_state.save(tmp_path / "m.state", {"matrix": matrix}, "key")
    restored = saved_state.load(tmp_path / "m.state", "key")[0]["matrix"]
    assert isinstance(restored, saved_state.CsrArrays) and restored.shape == (6, 9)
    dense = spread_row(matrix, 2)
    assert (spread_row(restored, 2) == dense).all()
    assert [row_dot(restored, row, dense) for row in range(6)] == [row_dot(matrix, row, dense) for row in range(6)]
    assert (restored.toarray() == matrix.toarray()).all() and restored.nnz == matrix.nnz


def test_saved_state_is_written_whole_without_a_flush_to_disk(tmp_path, monkeypatch):
    """The state is a cache that checks itself: it is renamed into place whole (a kill -9 leaves the old file
    or the new one) but not fsynced, which cost up to a second for a large index on a busy disk."""
    def no_flush(fd):
        raise AssertionError("the saved state was flushed to disk")

    monkeypatch.setattr(os, "fsync", no_flush)
    saved_state.save(tmp_path / "s.state", {"pages": list(range(1000))}, "key")
    assert saved_state.load(tmp_path / "s.state", "key") == ({"pages": list(range(1000))}, None)
    assert [path.name for path in tmp_path.iterdir()] == ["s.state"]   # no temp file left behind


def test_the_stop_words_copy_equals_scikit_learns_list():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from inlink.links.stop_words import ENGLISH_STOP_WORDS as copy
    assert copy == ENGLISH_STOP_WORDS


# -- through the job engine ------------------------------------------------------------------------------


@pytest.fixture
def manager(tmp_path):
    mgr = JobManager(tmp_path / "jobs", heartbeat_interval=0.2)
    yield mgr
    mgr.shutdown(timeout=5)


def start_sample(manager) -> str:
    return link_task.start_analysis(manager, SAMPLE_PAGES.read_bytes(), pages_name="pages.csv",
                                    links=SAMPLE_LINKS.read_bytes(), links_name="inlinks.csv", options=OPTIONS)


class Gate:
    """Holds one job's run at a chosen point until the test opens it."""

    def __init__(self):
        self.reached, self.opened = threading.Event(), threading.Event()

    def hold(self) -> None:
        self.reached.set()
        assert self.opened.wait(30), "the test never opened the gate"


def test_a_paused_job_resumes_from_its_saved_index_with_identical_results(manager, builds, monkeypatch):
    clean = start_sample(manager)
    assert manager.wait(clean, timeout=60)["status"] == JobStatus.COMPLETED
    expected = manager.results_csv(clean)
    assert len(builds) == 1

    gate, process = Gate(), link_task.LinkAnalysisTask.process

    def held(task, ctx, item):
        if ctx.job_id == job and len(ctx.results_so_far()) > 0 and not gate.reached.is_set():
            gate.hold()
        return process(task, ctx, item)

    monkeypatch.setattr(link_task.LinkAnalysisTask, "process", held)
    job = start_sample(manager)
    assert gate.reached.wait(30)
    manager.pause(job)
    gate.opened.set()
    paused = wait_for(lambda: (m := manager.get(job))["status"] == JobStatus.PAUSED and m, what="the pause")
    assert 0 < paused["items_done"] < paused["total_items"]
    assert len(builds) == 2
    manager.resume(job)
    assert manager.wait(job, timeout=60)["status"] == JobStatus.COMPLETED
    assert len(builds) == 2                     # the resumed run restored the index
    assert manager.results_csv(job) == expected
    assert manager.get(job)["summary"] == manager.get(clean)["summary"]
    said = [e["message"] for e in manager.events(job, limit=500)]
    resumed = said[next(at for at, message in enumerate(said) if message.startswith("Running again")):]
    assert any("Restored the index" in message for message in resumed)
    # the summary's import report was saved with the index: the resumed run restores no parsed site for it
    assert not any("Restored the site" in message for message in resumed), resumed


def test_a_resuming_job_shows_its_pages_done_while_it_prepares(manager, monkeypatch):
    gate, pause_at = Gate(), threading.Event()
    load, process = saved_state.load, link_task.LinkAnalysisTask.process

    def paused_after_a_few(task, ctx, item):
        rows = process(task, ctx, item)
        if len(ctx.results_so_far()) + len(rows) > 0:
            pause_at.set()
        return rows

    def held_load(*args, **kwargs):
        if pause_at.is_set() and manager.get(job)["status"] == JobStatus.RUNNING and not gate.opened.is_set():
            gate.hold()
        return load(*args, **kwargs)

    monkeypatch.setattr(link_task.LinkAnalysisTask, "process", paused_after_a_few)
    monkeypatch.setattr(saved_state, "load", held_load)
    job = start_sample(manager)
    assert pause_at.wait(30)
    manager.pause(job)
    paused = wait_for(lambda: (m := manager.get(job))["status"] == JobStatus.PAUSED and m, what="the pause")
    manager.resume(job)
    assert gate.reached.wait(30)
    try:
        preparing = wait_for(lambda: (m := manager.get(job))["current_step"] in ("load", "index") and m,
                             what="a flush")
        assert preparing["status"] == JobStatus.RUNNING
        assert preparing["progress"]["items_done"] == paused["items_done"] > 0
        assert preparing["progress"]["total_items"] == paused["total_items"]
        assert preparing["progress"]["percentage"] == paused["progress"]["percentage"] > 0
    finally:
        gate.opened.set()
    assert manager.wait(job, timeout=60)["status"] == JobStatus.COMPLETED


# -- the crawl is parsed once per job ------------------------------------------------------------------------


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The file name of every parse of a crawl (load_site) in this process."""
    from inlink.site import load as site_load

    calls: list[str] = []
    parse = site_load.load_site

    def counted(*args, **kwargs):
        calls.append(str(kwargs.get("pages_name")))
        return parse(*args, **kwargs)

    monkeypatch.setattr(site_load, "load_site", counted)
    return calls


def clean_rows(tmp_path: Path) -> bytes:
    out = tmp_path / "clean.csv"
    foreground.run_to_csv(SAMPLE_PAGES, SAMPLE_LINKS, options=OPTIONS, out_path=out)
    return out.read_bytes()


def test_a_job_parses_its_crawl_once_from_start_to_finish(manager, parses, tmp_path):
    """start_analysis parses the files to validate them and keeps that parse with the job's inputs; the job's
    load step restores it instead of parsing again, and its rows are those of a clean run."""
    job = start_sample(manager)
    assert manager.wait(job, timeout=60)["status"] == JobStatus.COMPLETED
    assert parses == ["pages.csv"]
    assert any("Restored the site parsed when the job was created" in e["message"]
               for e in manager.events(job, limit=500))
    assert manager.results_csv(job) == clean_rows(tmp_path)
    assert manager.get(job)["summary"]["import"]["file"] == "pages.csv"


@pytest.mark.parametrize("damage, why", [
    (_flip_a_byte, "corrupt"),
    (Path.unlink, None),
    (_other_format, "format"),
])
def test_a_job_whose_saved_parse_is_damaged_or_gone_parses_its_files_again(_isolated_jobs_dir, parses, tmp_path,
                                                                          damage, why):
    creator = JobManager(_isolated_jobs_dir, autostart=False)
    job = start_sample(creator)
    damage(_isolated_jobs_dir / f"{job}_input" / link_task.SITE_SEED)
    runner = JobManager(_isolated_jobs_dir, heartbeat_interval=0.2)
    try:
        assert runner.wait(job, timeout=60)["status"] == JobStatus.COMPLETED
    finally:
        runner.shutdown(timeout=5)
    assert parses == ["pages.csv", "pages.csv"]
    messages = [e["message"] for e in runner.events(job, limit=500)]
    if why:
        assert any("saved when the job was created" in m and why in m and "parsed again" in m for m in messages)
    assert runner.results_csv(job) == clean_rows(tmp_path)


# -- the crash-loop cap under real kill -9 -------------------------------------------------------------------


def run_killed_at(jobs_dir: Path, job_id: str, holds: list[str], tmp_path: Path, link: bool = False) -> None:
    """One worker process per hold point: it runs the job until it reaches that point, then gets SIGKILL."""
    reached = tmp_path / "reached"
    with open(tmp_path / "worker.log", "ab") as log:
        for point in holds:
            reached.unlink(missing_ok=True)
            proc = spawn(jobs_dir, job_id, log, tmp_path, link, hold=point, reached=reached)
            try:
                wait_for(lambda proc=proc: reached.exists() or proc.poll() is not None, timeout=60,
                         what=f"the worker reaching {point}")
                assert proc.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
            finally:
                proc.send_signal(signal.SIGKILL)
                proc.wait()


def spawn(jobs_dir: Path, job_id: str, log, tmp_path: Path, link: bool, **env) -> subprocess.Popen:
    """A worker (resume_worker.py); `link`: it loads the link task and records its index builds."""
    variables = {f"INLINK_TEST_{name.upper()}": str(value) for name, value in env.items()}
    if link:
        variables["INLINK_TEST_RECORD"] = str(tmp_path / "builds.txt")
    return subprocess.Popen([sys.executable, resume_worker.__file__, str(jobs_dir), job_id],
                            stdout=log, stderr=subprocess.STDOUT, env={**_base_env(), **variables})


def _base_env() -> dict:
    return {k: v for k, v in os.environ.items() if not k.startswith("INLINK_TEST_")}


def final_run(jobs_dir: Path, job_id: str, tmp_path: Path, link: bool = False) -> int:
    with open(tmp_path / "worker.log", "ab") as log:
        return spawn(jobs_dir, job_id, log, tmp_path, link).wait(timeout=120)


@pytest.mark.slow
def test_runs_killed_after_finishing_a_new_step_each_are_not_a_crash_loop(_isolated_jobs_dir, tmp_path):
    """Four kills in a row without an item done, but each run finished one more step: the job is healthy."""
    manager = JobManager(_isolated_jobs_dir, autostart=False)
    job_id = manager.create_job("test_stepped")
    run_killed_at(_isolated_jobs_dir, job_id, ["step-two", "step-three", "step-four", "step-five"], tmp_path)
    assert manager.get(job_id)["status"] == JobStatus.RUNNING          # orphaned, not failed
    assert final_run(_isolated_jobs_dir, job_id, tmp_path) == 0
    meta = manager.get(job_id)
    assert meta["status"] == JobStatus.COMPLETED and meta["items_done"] == 2
    assert sum(e["event"] == "recovered" for e in manager.events(job_id, limit=500)) == 4


@pytest.mark.slow
def test_runs_killed_again_and_again_in_the_same_step_still_fail_the_job(_isolated_jobs_dir, tmp_path):
    manager = JobManager(_isolated_jobs_dir, autostart=False)
    job_id = manager.create_job("test_stepped")
    run_killed_at(_isolated_jobs_dir, job_id, ["step-three"] * 4, tmp_path)
    assert final_run(_isolated_jobs_dir, job_id, tmp_path) == 3
    meta = manager.get(job_id)
    assert meta["status"] == JobStatus.FAILED and meta["error"]["type"] == "RepeatedCrash"
    assert meta["can_resume"]
    assert "ended 4 times in a row (killed or crashed)" in meta["message"]   # not the setting's name
    assert "max_recoveries" not in meta["message"]


CREATE_AND_HOLD = """
import sys, threading
sys.path.insert(0, {root!r})
from pathlib import Path
from inlink.jobs import JobManager
from inlink.tasks import analysis
manager = JobManager({jobs!r}, autostart=False)
job = analysis.start_analysis(manager, Path({pages!r}).read_bytes(), pages_name="pages.csv",
                              links=Path({links!r}).read_bytes(), links_name="inlinks.csv", options={options!r})
print(job, flush=True)
threading.Event().wait(120)
"""


@pytest.mark.slow
def test_a_job_created_by_a_process_killed_before_it_ran_runs_from_its_files(_isolated_jobs_dir, tmp_path):
    """The parse start_analysis saved is a file among the job's inputs, not a hand-over in memory: the process
    that created the job is killed -9 before running it, and a new worker runs it without parsing the crawl."""
    script = CREATE_AND_HOLD.format(root=str(ROOT), jobs=str(_isolated_jobs_dir), pages=str(SAMPLE_PAGES),
                                    links=str(SAMPLE_LINKS), options=OPTIONS)
    creator = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=_base_env())
    try:
        job_id = creator.stdout.readline().strip()
    finally:
        creator.send_signal(signal.SIGKILL)
        creator.wait()
    assert job_id
    assert final_run(_isolated_jobs_dir, job_id, tmp_path, link=True) == 0, \
        (tmp_path / "worker.log").read_text()[-3000:]
    assert (tmp_path / "builds.txt").read_text().split() == ["build"]     # the index was built; no parse
    assert JobManager(_isolated_jobs_dir, autostart=False).results_csv(job_id) == clean_rows(tmp_path)


@pytest.mark.slow
def test_link_job_killed_while_it_builds_and_uses_its_index_completes_with_identical_rows(
        _isolated_jobs_dir, tmp_path):
    """Run 1 is killed inside the index build (the site is saved), run 2 after building and saving the
    index, runs 3 and 4 before their first page (they restore the index): four kills, no page done, and
    the job still completes, with the rows of an uninterrupted run and the index built once."""
    manager = JobManager(_isolated_jobs_dir, autostart=False)
    job_id = start_sample(manager)
    run_killed_at(_isolated_jobs_dir, job_id, ["index", "item", "item", "item"], tmp_path, link=True)
    assert (tmp_path / "builds.txt").read_text().split() == ["build", "build"]   # run 1 (held) and run 2
    assert final_run(_isolated_jobs_dir, job_id, tmp_path, link=True) == 0, \
        (tmp_path / "worker.log").read_text()[-3000:]
    assert (tmp_path / "builds.txt").read_text().split() == ["build", "build"]
    assert manager.get(job_id)["status"] == JobStatus.COMPLETED
    clean = tmp_path / "clean.csv"
    foreground.run_to_csv(SAMPLE_PAGES, SAMPLE_LINKS, options=OPTIONS, out_path=clean)
    assert manager.results_csv(job_id) == clean.read_bytes()
