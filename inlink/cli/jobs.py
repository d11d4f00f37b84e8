"""`jobs list|status|pause|resume|stop|delete|export|cleanup|worker`: reading and controlling background jobs
(`jobs start` is in analyse.py with `suggest`, whose options it shares; `jobs fetch` in fetch.py)."""
from __future__ import annotations

import contextlib
import importlib
import json
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from inlink.cli.amounts import DOLLARS, Finite, Whole
from inlink.cli import outputs
from inlink.cli.analyse import warn_unknown_price
from inlink.cli.root import (FOLDER_FROM, RUNS_QUEUED, CleanErrors, as_run, job_id_argument, jobs_folder, link_task,
                             manager_for, manager_for_job, orphans_text, program)
from inlink.exports import is_workbook
from inlink.fileio import said_as, to_stdout, write_user_file
from inlink.jobs import Job, JobError, JobStatus
from inlink.tasks.kinds import FETCH_TASK, LINK_TASK
from inlink.tasks.job_words import in_task_words as _in_task_words
from inlink.tasks.job_words import spend_text
from inlink.tasks.kinds import fetched_site, is_fetch, links_given
from inlink.wording import counted as _count
from inlink.wording import usd

if TYPE_CHECKING:
    from inlink.jobs import JobManager


@click.group(cls=CleanErrors)
def jobs() -> None:
    """List, inspect and control background jobs."""


def in_task_words(job: Job, text: str | None) -> str:
    """A job's sentence in its task's words (job_words), a command it names in the name the user runs us by."""
    return as_run(_in_task_words(job, text))


def _progress_text(job: Job) -> str:
    p = job.progress()
    total = "?" if p["total_items"] is None else p["total_items"]
    return f"{p['items_done']}/{total} ({p['percentage']:.0f}%)"


def _last_sign_of_life(job: Job) -> float | None:
    """When a job's dead worker last wrote it: its elapsed time ends there (it kept counting the time since, then
    shrank once the job was recovered)."""
    heartbeat = (job.owner or {}).get("heartbeat")
    return float(heartbeat) if heartbeat else None


@jobs.command("list")
@click.option("--status", type=click.Choice([s.value for s in JobStatus]), default=None,
              help="Only the jobs of this status.")
@click.pass_context
def list_cmd(ctx: click.Context, status: str | None) -> None:
    """One line per job, newest first."""
    folder = jobs_folder(ctx)
    if not folder.is_dir():      # said, not made: `jobs list` anywhere (or a mistyped --jobs-dir) left a folder
        click.echo("no jobs")
        click.echo(f"note: there is no jobs folder at {folder} ({FOLDER_FROM})",
                   err=True)
        return
    manager = manager_for(ctx)
    rows = [_current(manager, job) for job in manager.jobs(status)]
    if rows:
        click.echo(_list_line("JOB", "STATUS", "PROGRESS", "TASK", "CREATED", "LABEL"))
    for job in rows:
        click.echo(_list_line(job.job_id, job.status.value, _progress_text(job), job.task, job.created_at or "",
                              job.label or ""))
    if not rows:   # "no jobs" of `--status paused` read as if the folder held none
        click.echo(f"no {status} jobs" if status else "no jobs")
    for job in rows:
        if manager.orphaned(job):
            click.echo(as_run(f"note: job {job.job_id} {ORPHANED}"), err=True)
    for problem in manager.problems():
        click.echo(f"warning: {problem}", err=True)


#: Said of a job marked running whose process is gone (a killed worker): nothing advances it until a manager starts.
ORPHANED = ("is marked running but no process runs it (its worker was stopped or killed): `cli.py jobs worker` or "
            "the dashboard resumes it from its last checkpoint")


def _list_line(job_id: str, status: str, progress: str, task: str, created: str, label: str) -> str:
    return f"{job_id:<12}  {status:<9}  {progress:>16}  {task:<16}  {created:<24}  {label}".rstrip()


def _current(manager: JobManager, job: Job) -> Job:
    """A running job as `jobs status` shows it (its counts from the checkpoint log, which the listing's metadata
    lags by up to a few seconds); any other job as listed."""
    if job.status is not JobStatus.RUNNING:
        return job
    try:
        return manager.job(job.job_id)
    except JobError:           # deleted meanwhile: the listing's copy is all there is
        return job


def _kept_spend_words(manager: JobManager, job: Job) -> str:
    """What a Gemini job paid for answers kept for pages still to come, which its counters leave out until those
    pages commit: a job paused at its budget said "the budget of $0.0010 is used up (spent $0.0011)" over "spent:
    $0.0006 of a $0.0010 budget", and only the dashboard's panel named the rest."""
    ahead = link_task().spent_ahead_usd(manager, job.job_id)
    return (f"; and {usd(ahead)} on answers kept for pages still to come (paid, and counted in the budget)"
            if ahead else "")


@jobs.command("status")
@job_id_argument
@click.option("--json", "as_json", is_flag=True, help="Print the full metadata as JSON.")
@click.pass_context
def status_cmd(ctx: click.Context, job_id: str, as_json: bool) -> None:
    """Status, progress and the latest events of one job."""
    manager = manager_for_job(ctx, job_id)
    job = manager.job(job_id)
    if as_json:
        meta = dict(job.public(), owner={k: v for k, v in (job.owner or {}).items() if k != "token"} or None)
        click.echo(json.dumps(meta, indent=2, default=str))
        return
    orphaned = manager.orphaned(job)
    p = job.progress(now=_last_sign_of_life(job) if orphaned else None)
    click.echo(f"job {job.job_id} ({job.task}) {job.label or ''}".rstrip())
    click.echo(f"status:   {job.status.value} - "
               + (as_run(f"this job {ORPHANED}") if orphaned else in_task_words(job, job.message)))
    click.echo(f"step:     {job.current_step_index + 1}/{job.total_steps} {job.current_step}")
    running = job.status is JobStatus.RUNNING and not orphaned   # no time left to tell of a paused or finished
                                                                # job, nor of one whose worker is gone (nor its
                                                                # uncommitted pages: they died with the worker)
    ahead = int(job.items_ahead or 0) if running else 0    # a second core's items, not yet checkpointed
    click.echo(f"progress: {_progress_text(job)}" + (f" (+{ahead:,} done ahead of the checkpoint)" if ahead else "")
               + f", {_count(job.rows_written or 0, 'row')}, elapsed {p['elapsed_s']}s"
               + (f", ETA {p['eta_s']}s" if p["eta_s"] and running else ""))
    summary = _summary_text(job)
    if summary:
        click.echo(f"summary:  {summary}")
    spend = spend_text(job)
    if spend:
        click.echo(f"spent:    {spend}{_kept_spend_words(manager, job)}")
    if job.error:
        click.echo(f"error:    {job.error.get('type')}: {job.error.get('message')}")
    for event in manager.events(job_id, limit=5):
        click.echo(f"  {event['ts']}  {in_task_words(job, event['message'])}")


def _summary_text(job: Job) -> str:
    """A finished link analysis's figures, as `suggest` prints them, or a finished fetch's; "" for other jobs."""
    summary = job.summary or {}
    if isinstance(summary.get("statuses"), dict):    # a finished fetch: its pages per status, as `fetch` reports
        site = fetched_site(job)
        return ("fetched " + ", ".join(f"{label} {count:,}" for label, count in summary["statuses"].items())
                + (f" from {site}" if site else "") + f"; `jobs fetched {job.job_id}` writes the pages and links CSVs")
    if "pages_analysed" not in summary or "suggestions" not in summary:
        return ""
    return (f"{_count(int(summary['suggestions']), 'suggestion')} for "
            f"{_count(int(summary['pages_analysed']), 'page')}; "
            + orphans_text(summary.get("orphans_before"), summary.get("orphans_after"), links_given(job)))


def _simple_command(name: str, help_text: str, done_text: str, short_help: str | None = None):
    @jobs.command(name, help=help_text, short_help=short_help)
    @job_id_argument
    @click.pass_context
    def command(ctx: click.Context, job_id: str) -> None:
        manager = manager_for_job(ctx, job_id)
        getattr(manager, name)(job_id)
        click.echo(f"job {job_id}: {done_text}")
    return command


_simple_command("pause", "Pause a job (a running one pauses after its current item).", "pause sent")
@jobs.command("resume", short_help="Queue a paused or failed job to continue.")
@job_id_argument
@click.option("--budget", "budget_usd", type=DOLLARS, default=None,
              help="A Gemini job's new budget in US dollars (a job paused at its budget needs a larger one).")
@click.option("--model", "model", default=None,
              help="A Gemini job's new model (a job paused because Gemini does not know its model needs another).")
@click.pass_context
def resume_cmd(ctx: click.Context, job_id: str, budget_usd: float | None, model: str | None) -> None:
    """Queue a paused or failed job to continue where it stopped (a worker or the dashboard runs it)."""
    manager = manager_for_job(ctx, job_id)
    if model is not None:
        model = link_task().set_model(manager, job_id, model)
        warn_unknown_price("gemini", model)
    if budget_usd is not None:
        link_task().set_budget(manager, job_id, budget_usd)
    manager.resume(job_id)
    given = [f"the model {model}"] * (model is not None) + [f"a budget of {usd(budget_usd)}"] * bool(budget_usd)
    click.echo(f"job {job_id}: queued to resume" + (f" with {' and '.join(given)}" if given else "")
               + as_run(f"; {RUNS_QUEUED}"))
_simple_command("stop", "Stop a job for good; its partial results stay downloadable.", "stop sent")
_simple_command("delete", "Delete a job and all its files (stops it first if it runs).", "deleted")


@jobs.command("export", short_help="Write a job's results so far to a CSV or Excel file.")
@job_id_argument
@click.option("--out", "-o", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              callback=outputs.out_file_or_stdout,
              help="CSV file to write, or an Excel workbook when named .xlsx (formula-safe for spreadsheets); - "
                   "writes the CSV on standard output.")
@click.pass_context
def export_cmd(ctx: click.Context, job_id: str, out: Path) -> None:
    """Write the committed results of a job (even a running or stopped one) to a CSV file, or an Excel workbook
    when --out is named .xlsx."""
    manager = manager_for_job(ctx, job_id)
    job = manager.job(job_id)
    if is_workbook(out):
        _refuse_fetch_workbook(job, out)
        from inlink.exports import frame_to_xlsx

        frame = manager.results_frame(job_id)
        write_user_file(out, frame_to_xlsx(frame))   # the dashboard's Excel download
        rows = len(frame)
    else:
        before = manager.results_count(job_id)
        data = manager.results_csv(job_id)
        write_user_file(out, data)
        rows = before if manager.results_count(job_id) == before else _csv_rows_in(data)
    click.echo(in_task_words(job, f"wrote {_count(rows, 'result row')} to {said_as(out)}"),
               err=to_stdout(out))   # stdout holds the rows alone then
    say_unfinished(job)
    if is_fetch(job):
        click.echo(f"note: `jobs fetched {job_id}` writes this fetch as a crawl export (pages and links CSVs)",
                   err=True)


def say_unfinished(job: Job, written: str = "the file holds") -> None:
    """A note, on a file written from a job that has not completed, that it holds the rows of the items done (an
    export of a running or paused job was said as of a whole one: "wrote 25 suggestions")."""
    if job.status is JobStatus.COMPLETED:
        return
    p = job.progress()
    done = f"{p['items_done']:,} of {p['total_items']:,}" if p["total_items"] is not None else f"{p['items_done']:,}"
    click.echo(in_task_words(job, f"note: job {job.job_id} is {job.status.value}, {done} items done: {written} "
                                  "their rows"), err=True)


def _csv_rows_in(data: bytes) -> int:
    """The rows of an export, its header left out: what `jobs export` of a running job wrote (it said the rows
    committed once the file was written, "wrote 23,447 suggestions" of a file of 22,371)."""
    from inlink.exports import csv_rows

    return max(0, sum(1 for _ in csv_rows(data, encoding="utf-8-sig")) - 1)


def _refuse_fetch_workbook(job, out: Path) -> None:
    """A fetch's rows hold whole pages: a workbook cut their text and HTML at a cell's 32,767 characters with only
    a Python warning to say so (`jobs fetched` refuses a workbook name for the same reason)."""
    if is_fetch(job):
        raise click.BadParameter(f"{out.name}: a fetch's rows hold whole pages (text and HTML), longer than a "
                                 "spreadsheet cell's 32,767 characters: give a .csv name, or write its pages and "
                                 f"links CSVs with `jobs fetched {job.job_id}`", param_hint="'--out' / '-o'")


@jobs.command("cleanup")
@click.option("--days", type=Finite(min=0), required=True,
              help="Remove finished jobs older than this many days (0: every finished job).")
@click.pass_context
def cleanup_cmd(ctx: click.Context, days: float) -> None:
    """Delete completed, stopped and failed jobs older than N days."""
    removed = manager_for(ctx).cleanup(days) if jobs_folder(ctx).is_dir() else []   # no folder made to clean
    click.echo(f"removed {_count(len(removed), 'job')}" + (f": {' '.join(removed)}" if removed else ""))


@jobs.command("worker", short_help="Run queued jobs in the foreground (Ctrl-C pauses).")
@click.option("--max-running", type=Whole(min=1), default=2, show_default=True,
              help="Jobs run at once; the others wait in line.")
@click.option("--durability", type=click.Choice(["crash", "power"]), default="crash", show_default=True,
              help="crash: results survive a killed process; power: also a power cut (fsync, slower).")
@click.pass_context
def worker_cmd(ctx: click.Context, max_running: int, durability: str) -> None:
    """Run and resume jobs in the foreground until none is queued or running.

    Ctrl-C (or SIGTERM) pauses the running jobs cleanly after their current item. Exits 0, or 1 when a job it ran
    failed (said on stderr, with why).
    """
    interrupted = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: interrupted.set())
    manager = manager_for(ctx, autostart=False, max_running=max_running, durability=durability)
    worked = _register_tasks(manager)
    manager.start()
    click.echo(f"worker: running jobs from {manager.jobs_dir} (Ctrl-C pauses them and exits)", err=True)
    try:
        while not interrupted.wait(0.25):
            worked |= _register_tasks(manager)     # a job of another task may have been queued meanwhile
            if not manager.has_work():
                break
    finally:                           # on an error too: running jobs go back to the queue first
        manager.shutdown(pause=interrupted.is_set(), timeout=30)
    elsewhere = _say_run_elsewhere(manager, worked - manager.ran_here())
    outcomes = _say_outcomes(manager, worked - elsewhere)
    click.echo(exit_words(outcomes, interrupted.is_set()))
    if not interrupted.is_set():
        _say_paused(manager)
    _fail_if_any_failed(manager, outcomes)


def _say_paused(manager: JobManager) -> None:
    """The folder's paused jobs, on stderr, when the worker found nothing else to run: a worker started again after
    a Ctrl-C (which pauses its jobs) said "no queued or running jobs left" and exited, not a word of the jobs it had
    paused nor of how to go on with them."""
    paused = sorted(job.job_id for job in manager.jobs(JobStatus.PAUSED.value))
    if paused:
        shown = ", ".join(paused[:5]) + (", ..." if len(paused) > 5 else "")
        click.echo(f"note: {_count(len(paused), 'job is', 'jobs are')} paused ({shown}), which a worker does not "
                   f"run: `{program()} jobs resume ID` queues one to go on from its last checkpoint", err=True)


def _fail_if_any_failed(manager: JobManager, jobs: list[Job]) -> None:
    """Exit 1 when a job the worker ran failed, naming it on stderr: a script or service manager running the worker
    read exit 0 as all went well, and a failed job stayed unseen until `jobs list`. A job whose input files are gone
    from the jobs folder is not offered a resume (it would only fail the same way), as the dashboard does not."""
    failed = sorted(job.job_id for job in jobs if job.status is JobStatus.FAILED)
    if not failed:
        return
    lost = [job_id for job_id in failed if _inputs_gone(manager, job_id)]
    resumable = [job_id for job_id in failed if job_id not in lost]
    click.echo(f"error: {_count(len(failed), 'job')} failed ({', '.join(failed)}, why said above)", err=True)
    if resumable:
        one = len(resumable) == 1
        click.echo(f"note: `{program()} jobs resume ID` runs {', '.join(resumable)} again from "
                   f"{'its' if one else 'their'} last checkpoint", err=True)
    if lost:
        click.echo(f"note: the input files of {', '.join(lost)} are gone from the jobs folder: a resume would fail "
                   "the same way; start a new job from the original files", err=True)
    raise click.exceptions.Exit(1)


def _inputs_gone(manager: JobManager, job_id: str) -> bool:
    try:
        return bool(manager.missing_inputs(job_id))
    except JobError:
        return False


def exit_words(jobs: list[Job], interrupted: bool) -> str:
    """The worker's last line, from the jobs it said the outcome of. After a Ctrl-C, a job still in its current
    item when the wait ended (a Gemini call of 40 s) is not paused: it was said to be ("paused running jobs") and
    stood "running" with no process."""
    if not interrupted:
        left = sorted((job for job in jobs if job.status is JobStatus.QUEUED), key=lambda job: job.job_id)
        if left:   # a task this version does not run (a newer version's job): "no queued jobs left" was untrue
            tasks = ", ".join(sorted({job.task for job in left}))
            return (f"worker: exiting; {_count(len(left), 'job')} ({', '.join(job.job_id for job in left)}) "
                    f"still queued: this version runs no task {tasks}")
        return "worker: no queued or running jobs left"
    still = sorted(job.job_id for job in jobs if job.status is JobStatus.RUNNING)
    if not still:   # "paused running jobs, exiting" said neither which nor how to go on with them
        paused = sorted(job.job_id for job in jobs if job.status is JobStatus.PAUSED)
        return (f"worker: paused {_count(len(paused), 'job')} ({', '.join(paused)}), exiting; `{program()} jobs "
                "resume ID` queues one to go on from its last checkpoint" if paused else "worker: exiting")
    one = len(still) == 1
    return (f"worker: exiting; {_count(len(still), 'job')} ({', '.join(still)}) still in {'its' if one else 'their'} "
            "current item could not be paused: the next `jobs worker` (or the dashboard) resumes "
            f"{'it' if one else 'them'} from the last checkpoint")


def _say_outcomes(manager: JobManager, job_ids: set[str]) -> list[Job]:
    """Where each job the worker saw queued or running ended, in its task's words (the worker said nothing of
    them: a failed job looked like a finished one until `jobs list`); returns those jobs (the deleted ones gone)."""
    jobs, deleted = [], []
    for job_id in job_ids:
        try:
            jobs.append(manager.job(job_id))
        except JobError:               # deleted meanwhile (`jobs delete`, the dashboard): it was said nothing of
            deleted.append(job_id)
    for job in sorted(jobs, key=lambda job: job.created_at or ""):   # a failure, with its why, on stderr
        click.echo(f"worker: job {job.job_id} ({job.label or job.task}): "
                   f"{in_task_words(job, job.message) or job.status.value}", err=job.status is JobStatus.FAILED)
    for job_id in sorted(deleted):
        click.echo(f"worker: job {job_id}: deleted")
    return jobs


def _say_run_elsewhere(manager: JobManager, job_ids: set[str]) -> set[str]:
    """The jobs the worker saw queued or running that it did not run (`job_ids`) and another process did (a second
    worker on the folder, the dashboard), said on stderr; returns their ids. It waits for them, to take one over if
    that process dies, and it said their outcome as its own ("Completed", or "1 job failed" and exit 1 for another's
    failure). A job still queued ran nowhere (a task this version does not run): the worker's own to say."""
    said = set()
    for job_id in sorted(job_ids):
        with contextlib.suppress(JobError):   # deleted meanwhile: not this worker's to say
            job = manager.job(job_id)
            if job.status is not JobStatus.QUEUED:
                click.echo(f"worker: job {job_id} ({job.label or job.task}): run by another process, not this "
                           f"worker ({job.status.value})", err=True)
                said.add(job_id)
    return said


#: The module that defines (and, imported, registers) each task a worker runs.
TASK_MODULES = {LINK_TASK: "inlink.tasks.analysis", FETCH_TASK: "inlink.tasks.fetch"}


def _register_tasks(manager: JobManager) -> set[str]:
    """Import the tasks of the folder's queued and running jobs, only those: a worker resuming a link
    analysis starts its first page sooner without the fetcher (httpx) loaded, see bench/bench_resume.py.
    Returns the ids of those jobs."""
    waiting = [job for job in manager.jobs() if job.status in (JobStatus.QUEUED, JobStatus.RUNNING)]
    for task in {job.task for job in waiting} & TASK_MODULES.keys():
        if task == LINK_TASK:
            link_task()
        else:
            importlib.import_module(TASK_MODULES[task])
    return {job.job_id for job in waiting}
