"""cli.py as a user runs it: a separate process controlling jobs owned by this test process,
plain one-line errors, export, cleanup and the foreground worker."""
from __future__ import annotations

import errno
import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from inlink import cli as cli_module
from inlink.jobs.manager import JobManager, StorageError
from jobtasks import REPO, expected_rows, frame_rows, wait_for

# cli.py with the test tasks registered (what a deployment does with link_task).
CLI_WITH_TEST_TASKS = ("import sys; sys.path[:0] = [sys.argv.pop(1), sys.argv.pop(1) + '/tests'];"
                       "import jobtasks, cli; sys.exit(cli.main(sys.argv[1:]))")


def cli(*args, tasks=False, timeout=60):
    if tasks:
        command = [sys.executable, "-c", CLI_WITH_TEST_TASKS, str(REPO), str(REPO), *args]
    else:
        command = [sys.executable, str(REPO / "cli.py"), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=REPO)


def cli_here(*args):
    """The same commands in this process (fast); the subprocess tests cover the real thing."""
    result = CliRunner().invoke(cli_module.cli, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
        result.exception
    return result


def _acted_on(manager, job_id, status):
    """After the other process returned, the owner acts on its request by itself. How soon (the README's "within
    a second") is bench/bench_checkpoint.py's figure; the bound only ends a failing run (it was 1 s here, a race
    with a loaded machine)."""
    start = time.monotonic()
    meta = manager.wait(job_id, 15.0, until=[status])
    assert meta["status"] == status, f"still {meta['status']} after {time.monotonic() - start:.2f}s"
    return meta


@pytest.mark.slow
def test_another_process_pauses_resumes_and_stops_a_job_we_own(manager):
    job_id = manager.create_job("test_counting", config={"n": 3000, "delay": 0.01})
    wait_for(lambda: manager.get(job_id)["items_done"] >= 3, what="progress")

    result = cli("jobs", "pause", job_id)
    assert result.returncode == 0, result.stderr
    meta = _acted_on(manager, job_id, "paused")
    assert frame_rows(manager.results_frame(job_id)) == expected_rows(meta["items_done"])
    paused_at_item = meta["items_done"]

    resumed = cli("jobs", "resume", job_id)
    assert resumed.returncode == 0
    assert "queued to resume; `cli.py jobs worker` runs it" in resumed.stdout   # a worker that found nothing exited
    _acted_on(manager, job_id, "running")
    wait_for(lambda: manager.get(job_id)["items_done"] > paused_at_item, what="progress again")

    assert cli("jobs", "stop", job_id).returncode == 0
    meta = _acted_on(manager, job_id, "stopped")
    assert frame_rows(manager.results_frame(job_id)) == expected_rows(meta["items_done"])
    events = [e["event"] for e in manager.events(job_id, 100)]
    assert events.count("paused") == 1 and "stopped" in events


@pytest.mark.slow
def test_another_process_deletes_a_running_job(manager, _isolated_jobs_dir):
    job_id = manager.create_job("test_counting", config={"n": 3000, "delay": 0.01})
    wait_for(lambda: manager.get(job_id)["items_done"] >= 2, what="progress")
    result = cli("jobs", "delete", job_id)
    assert result.returncode == 0, result.stderr
    assert not any(p.name.startswith(job_id) for p in _isolated_jobs_dir.iterdir())
    assert manager.list_jobs() == []


def test_jobs_export_says_the_rows_it_wrote_while_the_job_commits_more(manager, tmp_path, _isolated_jobs_dir,
                                                                        monkeypatch):
    """The count was read once the file was written: a running job's export said "wrote 23,447 suggestions" of a file
    of 22,371 (the pages committed meanwhile)."""
    job_id = manager.create_job("test_counting", config={"n": 12}, label="site A")
    assert manager.wait(job_id, 60)["status"] == "completed"
    rows = manager.results_count(job_id)
    monkeypatch.setattr(JobManager, "results_count", lambda self, job: next(counts))
    for name in ("rows.csv", "rows.xlsx"):
        counts = iter([rows - 3, rows + 4])   # fewer before the export was read, more once it was written
        exported = cli_here("jobs", "export", job_id, "--out", str(tmp_path / name))
        assert exported.exit_code == 0 and f"wrote {rows} result rows to" in exported.stdout, exported.stdout


def test_list_status_export_and_cleanup(manager, tmp_path, _isolated_jobs_dir):
    job_id = manager.create_job("test_counting", config={"n": 12, "tricky": True}, label="site A")
    assert manager.wait(job_id, 60)["status"] == "completed"
    listing = cli_here("jobs", "list")
    assert listing.exit_code == 0 and job_id in listing.stdout and "completed" in listing.stdout
    assert "site A" in listing.stdout
    assert "12/12" in cli_here("jobs", "status", job_id).stdout
    meta = json.loads(cli_here("jobs", "status", job_id, "--json").stdout)
    assert meta["status"] == "completed" and meta["progress"]["percentage"] == 100.0
    out = tmp_path / "export.csv"
    assert cli_here("jobs", "export", job_id, "--out", str(out)).exit_code == 0
    assert "'=HYPERLINK" in out.read_text(encoding="utf-8-sig")
    short = tmp_path / "short.csv"                               # -o, as most tools spell an output file
    assert cli_here("jobs", "export", job_id, "-o", str(short)).exit_code == 0
    assert short.read_bytes() == out.read_bytes()
    assert cli_here("jobs", "cleanup", "--days", "1").stdout.startswith("removed 0 job")
    removed = cli_here("jobs", "cleanup", "--days", "0")
    assert removed.exit_code == 0 and job_id in removed.stdout
    assert manager.list_jobs() == []


def test_status_says_what_a_running_job_has_done_ahead_of_its_checkpoint(manager, tmp_path):
    from jobtasks import held_job

    gate = tmp_path / "gate"
    job_id = held_job(manager, gate, n=12, ahead=4)
    wait_for(lambda: manager.get(job_id)["items_ahead"] == 4, what="the heartbeat to carry the task's figure")
    assert "5/12 (42%) (+4 done ahead of the checkpoint)" in cli_here("jobs", "status", job_id).stdout
    gate.touch()
    assert manager.wait(job_id, 60)["status"] == "completed"
    assert "ahead" not in cli_here("jobs", "status", job_id).stdout


def _killed_worker_state(jobs_dir, job_id, items_done: int) -> None:
    """What a kill -9 leaves: the metadata still says running, behind the checkpoint log, and its owner is dead."""
    path = jobs_dir / f"{job_id}.json"
    meta = json.loads(path.read_text())
    dead = subprocess.Popen(["true"])
    dead.wait()
    meta.update(status="running", items_done=items_done, owner={"pid": dead.pid, "host": socket.gethostname(),
                                                                "heartbeat": time.time(), "token": "gone"})
    path.write_text(json.dumps(meta))


def test_list_has_a_header_shows_status_progress_and_names_a_job_no_worker_runs(make_manager, _isolated_jobs_dir):
    manager = make_manager()
    job_id = manager.create_job("test_counting", config={"n": 12}, label="site A")
    assert manager.wait(job_id, 60)["status"] == "completed"
    manager.shutdown()
    _killed_worker_state(_isolated_jobs_dir, job_id, items_done=3)
    listing = cli_here("jobs", "list")
    header, line = listing.stdout.splitlines()
    assert header.split() == ["JOB", "STATUS", "PROGRESS", "TASK", "CREATED", "LABEL"]
    assert line.split()[:3] == [job_id, "running", "12/12"]      # the checkpoint log's count, as `jobs status`
    assert line.index("(100%)") + len("(100%)") == header.index("PROGRESS") + len("PROGRESS")   # aligned
    assert f"note: job {job_id} is marked running but no process runs it" in listing.stderr
    assert "`inlink jobs worker`" in listing.stderr              # the program's name, as click knows it
    status = cli_here("jobs", "status", job_id).stdout
    assert "12/12" in status and "no process runs it" in status


def test_status_of_a_job_whose_worker_died_tells_no_time_left_and_stops_its_clock_at_its_last_heartbeat(
        make_manager, _isolated_jobs_dir):
    """Before: an ETA and "(+185 done ahead of the checkpoint)", work that died with the worker, and an elapsed
    time that counted on after the kill (then shrank once the job was recovered)."""
    manager = make_manager()
    job_id = manager.create_job("test_counting", config={"n": 400})
    assert manager.wait(job_id, 60)["status"] == "completed"
    manager.shutdown()
    _killed_worker_state(_isolated_jobs_dir, job_id, items_done=100)
    path = _isolated_jobs_dir / f"{job_id}.json"
    meta = json.loads(path.read_text())
    died = time.time() - 3600                               # killed an hour ago, 20 s into its run
    meta.update(items_ahead=185, total_items=400, active_seconds=0, run_started_epoch=died - 20,
                session_items_start=0, owner=dict(meta["owner"], heartbeat=died))
    path.write_text(json.dumps(meta))
    status = cli_here("jobs", "status", job_id).stdout
    progress = next(line for line in status.splitlines() if line.startswith("progress:"))
    assert "ahead" not in progress and "ETA" not in progress, progress
    assert "elapsed 20.0s" in progress, progress


def test_an_error_is_one_line_on_stderr_without_traceback(tmp_path):
    result = cli("--jobs-dir", str(tmp_path), "jobs", "status", "0123456789ab")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines() == ["error: job 0123456789ab not found"]


@pytest.mark.parametrize("command", [("status",), ("pause",), ("resume",), ("stop",), ("delete",),
                                     ("export", "--out", "x.csv"), ("fetched", "--out-pages", "p.csv",
                                                                    "--out-links", "l.csv")])
def test_a_malformed_job_id_is_a_usage_error(command):
    """A JOB_ID that is no job id exited 1, as a runtime failure, where click's own argument errors exit 2."""
    name, *options = command
    result = cli_here("jobs", name, "../../etc", *options)
    assert result.exit_code == 2, result.output
    assert "Invalid value for 'JOB_ID': invalid job id '../../etc': expected 12 lowercase hex characters" in \
        result.stderr and f"Usage: inlink jobs {name}" in result.stderr and "Traceback" not in result.stderr


def test_help_says_the_exit_statuses():
    shown = " ".join(cli_here("--help").stdout.split())
    assert "Exit status: 0 done; 1 a failure at run time" in shown and "2 a usage error" in shown
    assert "130 interrupted (Ctrl-C)" in shown


@pytest.mark.parametrize("args", [("suggest", "gone.csv", "-o", "out.csv"),
                                  ("suggest", "pages.csv", "--links", "gone.csv", "-o", "out.csv"),
                                  ("jobs", "start", "gone.csv"),
                                  ("fetch", "gone.txt", "--out-pages", "p.csv", "--out-links", "l.csv"),
                                  ("jobs", "fetch", "gone.txt")])
def test_an_input_file_that_is_not_there_exits_as_the_help_says(tmp_path, monkeypatch, args):
    """A mistyped input file is a usage error, exit 2 with the usage line, where the help and the README listed it
    under neither status: "1 ... a file that cannot be read" read as if it were a runtime failure."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INLINK_JOBS_DIR", str(tmp_path / "jobs"))
    (tmp_path / "pages.csv").write_text("Address,Title 1,Content\nhttps://example.com/,Home,Welcome home.\n")
    result = cli_here(*args)
    assert result.exit_code == 2 and "gone." in result.stderr and "Usage: " in result.stderr, result.output
    shown = " ".join(cli_here("--help").stdout.split())
    usage_errors = shown.split("2 a usage error (", 1)[1].split(")", 1)[0]
    assert "an input file that is not there" in usage_errors
    readme = " ".join((REPO / "README.md").read_text().split())
    assert "an input file that is not there" in readme.split("2 a usage error", 1)[1].split(")", 1)[0]


@pytest.mark.parametrize("args, message", [
    (("jobs", "pause", "0123456789ab"), "job 0123456789ab not found"),
    (("jobs", "export", "0123456789ab", "--out", "x.csv"), "not found"),
])
def test_errors_are_one_clear_line(args, message):
    result = cli_here(*args)
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_invalid_transition_from_the_cli(manager):
    job_id = manager.create_job("test_counting", config={"n": 1})
    manager.wait(job_id, 60)
    result = cli_here("jobs", "resume", job_id)
    assert result.exit_code == 1 and f"cannot resume job {job_id}: it is completed" in result.stderr


def test_a_reader_that_leaves_early_is_not_an_error(manager, _isolated_jobs_dir):
    job_id = manager.create_job("test_counting", config={"n": 1})
    manager.wait(job_id, 60)
    template = json.loads((_isolated_jobs_dir / f"{job_id}.json").read_text())
    for i in range(1000):                                   # more output than a pipe buffer holds
        fake = f"{i:012x}"
        (_isolated_jobs_dir / f"{fake}.json").write_text(json.dumps(dict(template, job_id=fake)))
    proc = subprocess.Popen([sys.executable, str(REPO / "cli.py"), "jobs", "list"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline()                           # like `| head -1`
    proc.stdout.close()
    assert proc.wait(timeout=60) == 0
    assert proc.stderr.read() == b""


def test_worker_runs_queued_jobs_until_none_is_left(_isolated_jobs_dir):
    creator = JobManager(_isolated_jobs_dir, autostart=False)
    ids = [creator.create_job("test_counting", config={"n": 20}) for _ in range(3)]
    result = cli("jobs", "worker", tasks=True)
    assert result.returncode == 0, result.stderr
    assert "no queued or running jobs left" in result.stdout
    assert all(creator.get(j)["status"] == "completed" for j in ids)
    for job_id in ids:   # each job's outcome is said (it said nothing of them)
        assert f"worker: job {job_id} (test_counting): Completed: 20 items, " in result.stdout


def test_worker_offers_no_resume_to_a_failed_job_whose_input_files_are_gone(_isolated_jobs_dir, tmp_path):
    """A job whose copy of its input was deleted from the jobs folder failed, and the worker said "`jobs resume ID`
    runs it again from its last checkpoint": it would only fail the same way."""
    import shutil

    creator = JobManager(_isolated_jobs_dir, autostart=False)
    lost = creator.create_job("test_counting", label="lost", inputs={"data.txt": b"pages"},
                              config={"n": 5, "fail_once": {"at": 2, "marker": str(tmp_path / "failed")}})
    shutil.rmtree(creator.store.input_dir(lost))
    result = cli("jobs", "worker", tasks=True)
    assert result.returncode == 1 and creator.get(lost)["status"] == "failed", (result.stdout, result.stderr)
    assert result.stderr.strip().splitlines()[-2:] == [
        f"error: 1 job failed ({lost}, why said above)",
        f"note: the input files of {lost} are gone from the jobs folder: a resume would fail the same way; start a "
        "new job from the original files"]


def test_worker_exits_1_naming_a_job_that_failed_and_why(_isolated_jobs_dir, tmp_path):
    """A job the worker ran failed, and the worker exited 0 (its outcome a line among the others on stdout): a
    script or service manager read it as all well. It exits 1, the failure and its reason on stderr."""
    creator = JobManager(_isolated_jobs_dir, autostart=False)
    broken = creator.create_job("test_counting", label="broken",
                                config={"n": 5, "fail_once": {"at": 2, "marker": str(tmp_path / "failed")}})
    fine = creator.create_job("test_counting", config={"n": 5}, label="fine")
    result = cli("jobs", "worker", tasks=True)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert creator.get(broken)["status"] == "failed" and creator.get(fine)["status"] == "completed"
    assert f"worker: job {broken} (broken): Failed in item 3 ('item-0002'): RuntimeError: item 2 broke once" \
        in result.stderr and broken not in result.stdout
    assert result.stderr.strip().splitlines()[-2:] == [
        f"error: 1 job failed ({broken}, why said above)",
        f"note: `cli.py jobs resume ID` runs {broken} again from its last checkpoint"]
    assert f"worker: job {fine} (fine): Completed: 5 items" in result.stdout and "Traceback" not in result.stderr
    assert "worker: running jobs from" in result.stderr            # progress, on stderr; stdout: the outcomes
    again = cli("jobs", "worker", tasks=True)                       # nothing left to run: nothing failed now
    assert again.returncode == 0 and "no queued or running jobs left" in again.stdout


def _worker_with(jobs_dir, monkeypatch, then):
    """`jobs worker` in this process on a long job; once the job has 2 items done, `then(creator, job_id)` runs
    between two of the worker's looks at the folder. Returns (the worker's result, creator, job_id)."""
    creator = JobManager(jobs_dir, autostart=False)
    job_id = creator.create_job("test_counting", config={"n": 3000, "delay": 0.01})
    monkeypatch.setattr(signal, "signal", lambda *args: None)      # keep pytest's handlers
    real_has_work = JobManager.has_work

    def has_work(manager):
        if creator.store.exists(job_id) and creator.get(job_id)["items_done"] >= 2:
            then(creator, job_id)
        return real_has_work(manager)
    monkeypatch.setattr(JobManager, "has_work", has_work)
    return CliRunner().invoke(cli_module.cli, ["jobs", "worker"]), creator, job_id


def test_a_worker_failing_mid_run_hands_its_jobs_back_first(_isolated_jobs_dir, monkeypatch):
    def fail(creator, job_id):
        raise StorageError(errno.EIO, "could not list the jobs folder: input/output error")
    result, creator, job_id = _worker_with(_isolated_jobs_dir, monkeypatch, fail)
    assert result.exit_code == 1 and "input/output error" in result.output
    meta = creator.get(job_id)
    assert meta["status"] == "queued" and meta["owner"] is None
    assert frame_rows(creator.results_frame(job_id)) == expected_rows(meta["items_done"])


def test_worker_says_a_job_deleted_while_it_ran(_isolated_jobs_dir, monkeypatch):
    """It ended with 'no queued or running jobs left' and not a word of the job it had been running."""
    result, _, job_id = _worker_with(_isolated_jobs_dir, monkeypatch,
                                     lambda creator, job_id: creator.delete(job_id))   # `jobs delete` elsewhere
    assert result.exit_code == 0, result.output
    assert f"worker: job {job_id}: deleted" in result.output and "no queued or running jobs left" in result.output


@pytest.mark.parametrize("outcome", ["completed", "failed"])
def test_a_second_worker_does_not_report_a_job_another_process_ran_as_its_own(make_manager, monkeypatch, tmp_path,
                                                                               outcome):
    """Two workers on one jobs folder: the second, started while the first ran a job, waited for it (it takes over
    a job whose process dies) and then said "worker: job X: Completed: ..." as if it had run it (a failure there
    was its own "1 job failed", exit 1). It says the job ran in another process, and what became of it."""
    first = make_manager(max_running=1)          # the first worker: this process's manager
    gate = tmp_path / "gate"
    config = {"n": 2, "gate": str(gate)}
    if outcome == "failed":
        config["fail_once"] = {"at": 1, "marker": str(tmp_path / "failed")}
    job_id = first.create_job("test_counting", config=config, label="first's job")
    wait_for(lambda: (tmp_path / "gate.waiting").exists(), what="the first worker in the job's first item")
    monkeypatch.setattr(signal, "signal", lambda *args: None)      # keep pytest's handlers
    real_has_work = JobManager.has_work

    def has_work(manager):
        gate.touch()   # the second worker has seen the job running: the first one may finish it now
        return real_has_work(manager)
    monkeypatch.setattr(JobManager, "has_work", has_work)
    result = CliRunner().invoke(cli_module.cli, ["jobs", "worker"])
    assert result.exit_code == 0, result.output
    assert first.get(job_id)["status"] == outcome
    assert "Completed" not in result.output and "Failed" not in result.output, result.output
    assert f"worker: job {job_id} (first's job): run by another process, not this worker ({outcome})" in \
        result.stderr, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "worker: no queued or running jobs left"


@pytest.mark.slow
def test_worker_ctrl_c_pauses_running_jobs_and_exits_zero(_isolated_jobs_dir):
    creator = JobManager(_isolated_jobs_dir, autostart=False)
    job_id = creator.create_job("test_counting", config={"n": 3000, "delay": 0.01})
    command = [sys.executable, "-c", CLI_WITH_TEST_TASKS, str(REPO), str(REPO), "jobs", "worker"]
    proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=dict(os.environ))
    try:
        wait_for(lambda: creator.get(job_id)["items_done"] >= 2, timeout=60, what="worker progress")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    meta = creator.get(job_id)
    assert meta["status"] == "paused" and meta["owner"] is None
    assert frame_rows(creator.results_frame(job_id)) == expected_rows(meta["items_done"])


def test_list_in_a_folder_without_jobs_makes_no_jobs_folder(tmp_path):
    """`jobs list` anywhere, or with a mistyped --jobs-dir, left an empty jobs folder behind."""
    missing = tmp_path / "typo"
    listing = cli_here("--jobs-dir", str(missing), "jobs", "list")
    assert listing.exit_code == 0 and listing.stdout == "no jobs\n"
    assert f"note: there is no jobs folder at {missing}" in listing.stderr and not missing.exists()


SAMPLE = REPO / "sample_data" / "pages.csv"


@pytest.mark.parametrize("command, said", [
    (["jobs", "start", "{no_text}"], "no page can be analysed"),                     # a bad file
    (["jobs", "start", str(SAMPLE), "--exclude", "*"], "leaves out all"),            # patterns leaving no page
    (["jobs", "fetch", "{no_urls}"], "no http(s) URLs found")])                      # a fetch's bad source
def test_a_refused_start_leaves_no_jobs_folder_where_there_was_none(tmp_path, command, said):
    """`jobs start` made the jobs folder (and its .reserve, and the folders above it) before the crawl was checked:
    a refused start left them behind. The folder is made with the job now."""
    (tmp_path / "no-text.csv").write_text("Address,Title 1\nhttps://a.example/,A\n")
    (tmp_path / "urls.txt").write_text("nothing here\n")
    folder = tmp_path / "new" / "jobs"
    given = [part.format(no_text=tmp_path / "no-text.csv", no_urls=tmp_path / "urls.txt") for part in command]
    refused = cli_here("--jobs-dir", str(folder), *given)
    assert refused.exit_code != 0 and said in refused.stderr, refused.stderr
    assert not (tmp_path / "new").exists()


def test_a_start_in_a_new_folder_makes_it_and_still_refuses_an_identical_analysis(tmp_path):
    folder = tmp_path / "new" / "jobs"
    first = cli_here("--jobs-dir", str(folder), "jobs", "start", str(SAMPLE))
    assert first.exit_code == 0, first.stderr
    assert (folder / f"{first.stdout.strip()}.json").is_file() and (folder / ".reserve").is_file()
    again = cli_here("--jobs-dir", str(folder), "jobs", "start", str(SAMPLE))
    assert again.exit_code == 1 and "an identical analysis of pages.csv is already queued" in again.stderr


def test_a_worker_interrupted_says_which_jobs_it_could_not_pause(jobs_dir, make_manager):
    """A Ctrl-C while a job stayed in its current item past the wait (a 40 s Gemini call) said "paused running
    jobs" and left the job "running" with no process (an exploratory run)."""
    import json

    from inlink.cli.jobs import exit_words

    manager = make_manager(autostart=False)
    paused, stuck = (manager.create_job("test_counting", config={"n": 3}) for _ in range(2))
    manager.pause(paused)
    path = jobs_dir / f"{stuck}.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "status": "running"}))
    assert exit_words([manager.job(paused)], True) == (
        f"worker: paused 1 job ({paused}), exiting; `cli.py jobs resume ID` queues one to go on from its last "
        "checkpoint")
    assert exit_words([], True) == "worker: exiting"
    both = [manager.job(paused), manager.job(stuck)]
    assert exit_words(both, True) == (
        f"worker: exiting; 1 job ({stuck}) still in its current item could not be paused: the next `jobs worker` "
        "(or the dashboard) resumes it from the last checkpoint")
    assert exit_words(both, False) == "worker: no queued or running jobs left"


@pytest.mark.parametrize("how", ["garbled line", "wrong header", "cut short"])
def test_export_of_a_results_file_edited_by_hand_says_the_file_and_line_and_fails(manager, tmp_path,
                                                                                  _isolated_jobs_dir, how):
    """A jobs/<id>_results.csv edited by hand exported 0 rows (or shifted cells) and exited 0. `jobs export` (CSV
    and Excel) now names the file and line and exits 1, writing nothing; the dashboard's downloads, built on the
    same JobManager calls, raise the same sentence."""
    from inlink.jobs import DamagedResults
    from inlink.ui import exports

    job_id = manager.create_job("test_counting", config={"n": 12}, label="site A")
    assert manager.wait(job_id, 60)["status"] == "completed"
    results = _isolated_jobs_dir / f"{job_id}_results.csv"
    lines = results.read_bytes().split(b"\n")
    if how == "garbled line":
        lines[4] = lines[4][: len(lines[4]) // 2]
    elif how == "wrong header":
        lines[0] = lines[0].replace(b"item", b"Item")
    else:
        lines = lines[: len(lines) // 2]
    results.write_bytes(b"\n".join(lines))
    said = {"garbled line": f"{results}, line 5: the row has", "wrong header": f"{results}, line 1: the header reads",
            "cut short": f"{results}: it holds"}[how]
    for name in ("rows.csv", "rows.xlsx"):
        refused = cli_here("jobs", "export", job_id, "--out", str(tmp_path / name))
        assert refused.exit_code == 1 and said in refused.stderr, refused.stderr
        assert refused.stderr.count("\n") == 1 and not (tmp_path / name).exists()
        sentence = refused.stderr.removeprefix("error: ").strip()
    for build in (exports.results_csv, exports.results_xlsx):
        with pytest.raises(DamagedResults) as dashboard:
            build(manager, job_id)()
        assert str(dashboard.value) == sentence


@pytest.mark.parametrize("command", [("jobs", "list"), ("jobs", "status", "0123456789ab"), ("jobs", "worker"),
                                     ("jobs", "cleanup", "--days", "1")])
@pytest.mark.parametrize("below", ["", "sub"])
def test_a_jobs_folder_that_is_a_file_is_said_with_the_file_and_what_to_do(tmp_path, monkeypatch, command, below):
    """$INLINK_JOBS_DIR naming a file (or a folder below one): `jobs list` said "no jobs" and "there is no jobs
    folder" with exit 0, `jobs worker` "could not create the jobs folder: File exists", neither naming the file."""
    a_file = tmp_path / "afile"
    a_file.write_text("not a folder")
    folder = a_file / below if below else a_file
    monkeypatch.setenv("INLINK_JOBS_DIR", str(folder))
    result = cli(*command)
    assert result.returncode == 1 and result.stdout == "", result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: the jobs folder {folder} ($INLINK_JOBS_DIR): {a_file} is a file, not a folder; point "
        "$INLINK_JOBS_DIR at a folder (one that does not exist yet is made)"]
    assert a_file.read_text() == "not a folder"


def test_a_worker_with_only_paused_jobs_names_them_and_how_to_go_on(_isolated_jobs_dir):
    """A worker started again after a Ctrl-C (which pauses its jobs) said "no queued or running jobs left" and
    exited, not a word of the jobs it had paused nor of how to go on with them."""
    creator = JobManager(_isolated_jobs_dir, autostart=False)
    paused = sorted(creator.create_job("test_counting", config={"n": 3}) for _ in range(2))
    for job_id in paused:
        creator.pause(job_id)
    result = cli("jobs", "worker", tasks=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "worker: no queued or running jobs left"
    assert result.stderr.strip().splitlines()[-1] == (
        f"note: 2 jobs are paused ({paused[0]}, {paused[1]}), which a worker does not run: `cli.py jobs resume ID` "
        "queues one to go on from its last checkpoint")
    assert all(creator.get(job_id)["status"] == "paused" for job_id in paused)
    creator.resume(paused[0])
    creator.resume(paused[1])
    again = cli("jobs", "worker", tasks=True)
    assert again.returncode == 0 and "note:" not in again.stderr, again.stderr


def test_a_job_id_copied_with_spaces_or_in_capitals_is_the_id_and_a_part_of_one_names_the_job(manager):
    """A pasted id with a space around it, or in capitals, was refused as malformed; its first characters (as git
    and docker take) were refused saying only "expected 12 lowercase hex characters", not which job they begin."""
    job_id = manager.create_job("test_counting", config={"n": 3})
    shown = cli_here("jobs", "status", f" {job_id.upper()} \n")
    assert shown.exit_code == 0 and shown.stdout.startswith(f"job {job_id} (test_counting)"), shown.output
    part = cli_here("jobs", "pause", job_id[:4])
    assert part.exit_code == 2 and part.stdout == ""
    assert (f"invalid job id '{job_id[:4]}': expected 12 lowercase hex characters; give the whole id: {job_id}"
            in part.stderr), part.stderr
    other = next(c for c in "0123456789abcdef" if c != job_id[0])
    assert "; `inlink jobs list` shows the jobs' ids" in cli_here("jobs", "pause", other * 4).stderr
