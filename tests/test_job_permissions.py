"""Permissions and leftovers (issue 10 item 6): job data is private whatever the umask, a command on a job that does
not exist leaves no file, lock files of deleted jobs are cleaned, and a bad job id is quoted shortened."""
from __future__ import annotations

import os
import shutil
import stat
import threading
import time

import pytest

from inlink.jobs import InvalidJobId, JobManager, JobNotFound
from inlink.jobs.runner import JobRunner
from inlink.jobs.scheduler import JobScheduler
from jobtasks import wait_for


@pytest.fixture(params=[0o022, 0o000], ids=["umask-022", "umask-000"])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def modes(root) -> dict[str, int]:
    return {str(path.relative_to(root)): stat.S_IMODE(path.stat().st_mode) for path in [root, *root.rglob("*")]}


def test_job_data_is_private_whatever_the_umask(umask, tmp_path):
    jobs = tmp_path / "data" / "jobs"
    source = tmp_path / "pages.csv"
    source.write_text("url\n/a\n")
    manager = JobManager(jobs, heartbeat_interval=0.2)
    try:
        job_id = manager.create_job("test_counting", inputs={"pages.csv": source, "links.csv": b"x"},
                                    config={"n": 5, "item_errors": [2]})
        assert manager.wait(job_id, 60)["status"] == "completed"
    finally:
        manager.shutdown(timeout=5)
    found = modes(jobs)
    folders = {name for name in found if (jobs / name).is_dir() or name == "."}
    assert {name: mode for name, mode in found.items() if name in folders} == dict.fromkeys(folders, 0o700)
    assert {name: mode for name, mode in found.items() if name not in folders} == \
        dict.fromkeys(set(found) - folders, 0o600)
    assert {f"{job_id}.json", f"{job_id}_results.csv", f"{job_id}_checkpoints.log", f"{job_id}_events.jsonl",
            f"{job_id}_input/pages.csv", f"{job_id}_input/links.csv"} <= set(found)


def test_an_existing_folder_chosen_by_the_user_keeps_its_mode(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    JobManager(shared, autostart=False)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755


UNKNOWN = "0123456789ab"


@pytest.mark.parametrize("call", ["get", "job", "events", "pause", "resume", "stop", "delete", "results_frame",
                                  "results_count", "results_csv"])
def test_a_job_that_does_not_exist_gets_no_file(manager, jobs_dir, call):
    with pytest.raises(JobNotFound, match=f"job {UNKNOWN} not found"):
        getattr(manager, call)(UNKNOWN)
    assert not [p.name for p in jobs_dir.iterdir() if p.name.startswith(UNKNOWN)]


@pytest.mark.parametrize("command", [["status", UNKNOWN], ["pause", UNKNOWN], ["resume", UNKNOWN],
                                     ["stop", UNKNOWN], ["delete", UNKNOWN], ["export", UNKNOWN, "-o", "x.csv"],
                                     ["fetched", UNKNOWN, "--out-pages", "p.csv", "--out-links", "l.csv"],
                                     ["cleanup", "--days", "0"], ["list"]])
def test_a_command_in_a_jobs_folder_that_does_not_exist_makes_no_folder(tmp_path, monkeypatch, command):
    """Before: `jobs status ID` with a mistyped --jobs-dir made the folder, its missing parents and a 64 KiB
    full-disk ballast file, then said the job was not found."""
    from click.testing import CliRunner

    from inlink.cli import cli

    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "no" / "jobs"
    result = CliRunner().invoke(cli, ["--jobs-dir", str(missing), "jobs", *command])
    assert not (tmp_path / "no").exists(), result.output
    assert "Traceback" not in result.output
    if command[1:2] == [UNKNOWN]:
        assert result.exit_code == 1
        assert f"job {UNKNOWN} not found: there is no jobs folder at {missing}" in result.output


def test_lock_files_of_deleted_jobs_are_cleaned_by_a_starting_manager(make_manager, jobs_dir):
    manager = make_manager()
    job_id = manager.create_job("test_counting", config={"n": 3})
    assert manager.wait(job_id, 60)["status"] == "completed"
    gone, fresh = "aaaaaaaaaaaa", "bbbbbbbbbbbb"
    for name in (f"{gone}.lock", f"{gone}.run.lock", f"{fresh}.lock"):
        (jobs_dir / name).touch()
    old = time.time() - 3600
    for name in (f"{gone}.lock", f"{gone}.run.lock"):
        os.utime(jobs_dir / name, (old, old))
    manager.delete(job_id)
    assert not [p.name for p in jobs_dir.iterdir() if p.name.startswith(job_id)]
    make_manager(autostart=False)
    names = {p.name for p in jobs_dir.iterdir()}
    assert f"{gone}.lock" not in names and f"{gone}.run.lock" not in names
    assert f"{fresh}.lock" in names        # may belong to a job being created right now
    assert manager.problems() == []


def test_a_run_that_has_ended_gets_no_heartbeat_and_its_delete_leaves_nothing(make_manager, jobs_dir, monkeypatch):
    """Between writing its final status and leaving the scheduler, a run is still listed: a heartbeat then (or
    during a delete) would take the lock of a job being deleted and recreate its lock file."""
    written, gate, rounds, late = threading.Event(), threading.Event(), [], []
    write_outcome, poll, flush = JobScheduler._write_outcome, JobScheduler._poll_runners, JobRunner.flush

    def held_after_writing(self, runner, outcome):
        write_outcome(self, runner, outcome)
        written.set()
        gate.wait(60)

    def counted_round(self, now):
        poll(self, now)
        if written.is_set():
            rounds.append(now)

    def noted_flush(self):
        if written.is_set():
            late.append(self.job_id)
        flush(self)
    monkeypatch.setattr(JobScheduler, "_write_outcome", held_after_writing)
    monkeypatch.setattr(JobScheduler, "_poll_runners", counted_round)
    monkeypatch.setattr(JobRunner, "flush", noted_flush)
    manager = make_manager(heartbeat_interval=0.0)
    job_id = manager.create_job("test_counting", config={"n": 2})
    assert manager.wait(job_id, 60)["status"] == "completed"
    wait_for(lambda: len(rounds) >= 3, what="three heartbeat rounds after the final status")
    assert late == []
    deleting = threading.Thread(target=manager.delete, args=(job_id,))
    deleting.start()
    gate.set()
    deleting.join(60)
    assert not deleting.is_alive()
    assert not [p.name for p in jobs_dir.iterdir() if p.name.startswith(job_id)]


def test_a_bad_job_id_is_quoted_shortened(manager):
    with pytest.raises(InvalidJobId) as caught:
        manager.pause("x" * 5000)
    message = str(caught.value)
    assert "'xxxxxxxxxxxxxxxxxxxx…" in message and len(message) < 100, message


def test_a_job_deleted_while_another_command_waits_leaves_no_lock(manager, jobs_dir):
    job_id = manager.create_job("test_counting", config={"n": 2})
    wait_for(lambda: manager.get(job_id)["status"] == "completed", what="completion")
    manager.delete(job_id)
    with pytest.raises(JobNotFound):
        manager.resume(job_id)
    assert not [p.name for p in jobs_dir.iterdir() if p.name.startswith(job_id)]


def test_a_saved_upload_is_private_too(umask, tmp_path):
    from inlink import uploads

    jobs = tmp_path / "jobs"
    uploads.save_dataset(b"url\n/a\n", "pages.csv", links=b"source,destination\n", links_name="links.csv",
                         root=jobs / "datasets")
    found = modes(jobs)
    assert {mode for name, mode in found.items() if name == "." or (jobs / name).is_dir()} == {0o700}
    assert {mode for name, mode in found.items() if (jobs / name).is_file()} == {0o600}
    assert len([name for name in found if (jobs / name).is_file()]) == 3      # pages, links, meta.json


def test_an_answer_kept_after_its_job_was_deleted_brings_no_folder_back(tmp_path):
    """A Gemini call may end after its job was deleted: the answer it keeps for a resume must not make the job's
    folder again (it would belong to no job, reported as litter for ever); while the job exists it is kept."""
    from inlink.tasks.answers import FolderAnswers

    job_input = tmp_path / "abcdef012345_input"
    answers = FolderAnswers(job_input / ".state" / "gemini-answers")
    job_input.mkdir()
    answers.put("first", {"rows": []})
    assert answers.get("first") == {"rows": []}
    assert (job_input / ".state").stat().st_mode & 0o777 == 0o700
    shutil.rmtree(job_input)                     # the job is deleted while another call runs
    answers.put("second", {"rows": []})
    assert not job_input.exists()
