"""Command line over the job engine: `inlink ui|suggest`, `inlink jobs list|status|start|pause|resume|stop|delete|
export|cleanup|worker` (`python3 cli.py ...` in a clone).

A thin layer: every command is one JobManager or link-task call. Other modules add commands to the importable
`cli` group or to its `jobs` subgroup. Errors print one line to stderr and exit non-zero; no traceback reaches the
user. Starts fast: the link engine (numpy, scipy, pandas) and the Gemini SDK are imported only by the commands
that analyse (`suggest`, `jobs start`, `jobs worker`), never by `--help`, `jobs list` or `jobs status`.
"""
from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import sys
import threading
from pathlib import Path

import click

from inlink import cli_fetch, resources
from inlink.fileio import write_user_file
from inlink.jobs import Job, JobError, JobManager, JobStatus, default_jobs_dir
from inlink.ui.format import engine_of, in_task_words, spend_text, spend_words
from inlink.wording import counted as _count
from inlink.wording import usd


class _CleanErrors(click.Group):
    """Turn the engine's errors (and OS errors) into one line on stderr and exit status 1.

    Anything else (a remote API refusing a key, a bug) is also one line; INLINK_DEBUG=1 shows the traceback.
    """

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:            # `cli.py jobs list | head`: the reader left, not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except (JobError, OSError, ValueError) as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as exc:
            if _is_gemini_refusal(exc):        # a refused key or model: said plainly, like a bad file
                click.echo(f"error: {foreground_words(str(exc))}", err=True)
                ctx.exit(1)
            if os.environ.get("INLINK_DEBUG"):
                raise
            click.echo(f"error: {type(exc).__name__}: {exc} (INLINK_DEBUG=1 shows the details)", err=True)
            ctx.exit(1)


def _is_gemini_refusal(exc: Exception) -> bool:
    """The Gemini engine's own errors (a refused key, an unknown model, the service unavailable) carry a plain
    message and are no bug: no class name and no INLINK_DEBUG hint. Looked up only once the engine is loaded,
    so the command line never imports it for this."""
    engine = sys.modules.get("inlink.gemini.engine")
    return engine is not None and isinstance(exc, engine.GeminiError)


#: A command that runs no job (`suggest`) cannot "resume the job": what it can do instead.
AGAIN_AS_A_JOB = "`jobs start` runs the analysis as a job that keeps the pages Gemini already answered and resumes"


def foreground_words(text: str) -> str:
    """A Gemini engine sentence that ends with what a job does (resume later, raise the budget and resume) in
    the words of a command that runs no job."""
    engine = sys.modules.get("inlink.gemini.engine")
    if engine is None:
        return text
    return (text.replace(engine.RESUME_LATER, f"run the command again later ({AGAIN_AS_A_JOB})")
            .replace(engine.RAISE_BUDGET, f"give a larger --budget to go further ({AGAIN_AS_A_JOB})"))


def _manager(ctx: click.Context, **kwargs) -> JobManager:
    """A manager that only reads and sends requests unless the command runs jobs itself."""
    kwargs.setdefault("autostart", False)
    return JobManager(ctx.obj.get("jobs_dir"), **kwargs)


@click.group(cls=_CleanErrors)
@click.option("--jobs-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Jobs folder (default: $INLINK_JOBS_DIR or ./jobs).")
@click.pass_context
def cli(ctx: click.Context, jobs_dir: Path | None) -> None:
    """InLink Prospector command line."""
    ctx.ensure_object(dict)
    ctx.obj["jobs_dir"] = jobs_dir


@cli.group(cls=_CleanErrors)
def jobs() -> None:
    """List, inspect and control background jobs."""


def _progress_text(job: Job) -> str:
    p = job.progress()
    total = "?" if p["total_items"] is None else p["total_items"]
    return f"{p['items_done']}/{total} ({p['percentage']:.0f}%)"


@jobs.command("list")
@click.option("--status", type=click.Choice([s.value for s in JobStatus]), default=None)
@click.pass_context
def list_cmd(ctx: click.Context, status: str | None) -> None:
    """One line per job, newest first."""
    folder = Path(ctx.obj.get("jobs_dir") or default_jobs_dir())
    if not folder.is_dir():      # said, not made: `jobs list` anywhere (or a mistyped --jobs-dir) left a folder
        click.echo("no jobs")
        click.echo(f"note: there is no jobs folder at {folder} (--jobs-dir, or $INLINK_JOBS_DIR; default ./jobs)",
                   err=True)
        return
    manager = _manager(ctx)
    rows = [_current(manager, job) for job in manager.jobs(status)]
    if rows:
        click.echo(_list_line("JOB", "STATUS", "PROGRESS", "TASK", "CREATED", "LABEL"))
    for job in rows:
        click.echo(_list_line(job.job_id, job.status.value, _progress_text(job), job.task, job.created_at or "",
                              job.label or ""))
    if not rows:
        click.echo("no jobs")
    for job in rows:
        if manager.orphaned(job):
            click.echo(f"note: job {job.job_id} {ORPHANED}", err=True)
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


@jobs.command("status")
@click.argument("job_id")
@click.option("--json", "as_json", is_flag=True, help="Print the full metadata as JSON.")
@click.pass_context
def status_cmd(ctx: click.Context, job_id: str, as_json: bool) -> None:
    """Status, progress and the latest events of one job."""
    manager = _manager(ctx)
    job = manager.job(job_id)
    if as_json:
        meta = dict(job.public(), owner={k: v for k, v in (job.owner or {}).items() if k != "token"} or None)
        click.echo(json.dumps(meta, indent=2, default=str))
        return
    p = job.progress()
    click.echo(f"job {job.job_id} ({job.task}) {job.label or ''}".rstrip())
    click.echo(f"status:   {job.status.value} - "
               + (f"this job {ORPHANED}" if manager.orphaned(job) else in_task_words(job, job.message)))
    click.echo(f"step:     {job.current_step_index + 1}/{job.total_steps} {job.current_step}")
    running = job.status is JobStatus.RUNNING    # a paused or finished job has no time left to tell
    click.echo(f"progress: {_progress_text(job)}, {_count(job.rows_written or 0, 'row')}, "
               f"elapsed {p['elapsed_s']}s" + (f", ETA {p['eta_s']}s" if p["eta_s"] and running else ""))
    summary = _summary_text(job)
    if summary:
        click.echo(f"summary:  {summary}")
    spend = spend_text(job)
    if spend:
        click.echo(f"spent:    {spend}")
    if job.error:
        click.echo(f"error:    {job.error.get('type')}: {job.error.get('message')}")
    for event in manager.events(job_id, limit=5):
        click.echo(f"  {event['ts']}  {in_task_words(job, event['message'])}")


def _summary_text(job: Job) -> str:
    """A finished link analysis's figures, as `suggest` prints them, or a finished fetch's; "" for other jobs."""
    summary = job.summary or {}
    if isinstance(summary.get("statuses"), dict):    # a finished fetch: its pages per status, as `fetch` reports
        return ("fetched " + ", ".join(f"{label} {count:,}" for label, count in summary["statuses"].items())
                + f"; `jobs fetched {job.job_id}` writes the pages and links CSVs")
    if "pages_analysed" not in summary or "suggestions" not in summary:
        return ""
    links_given = bool(((job.config or {}).get("files") or {}).get("links"))
    return (f"{_count(int(summary['suggestions']), 'suggestion')} for "
            f"{_count(int(summary['pages_analysed']), 'page')}; "
            + _orphans_text(summary.get("orphans_before"), summary.get("orphans_after"), links_given))


def _orphans_text(before, after, links_given: bool) -> str:
    """Orphan pages before -> after; without the existing links "before" is unknown (every page would count)."""
    if after is None:
        return ""
    if not links_given:
        return f"orphan pages after the suggestions {int(after):,} (before: unknown without the existing links)"
    return f"orphan pages {int(before or 0):,} -> {int(after):,}"


def _simple_command(name: str, help_text: str, done_text: str, short_help: str | None = None):
    @jobs.command(name, help=help_text, short_help=short_help)
    @click.argument("job_id")
    @click.pass_context
    def command(ctx: click.Context, job_id: str) -> None:
        manager = _manager(ctx)
        getattr(manager, name)(job_id)
        click.echo(f"job {job_id}: {done_text}")
    return command


_simple_command("pause", "Pause a job (a running one pauses after its current item).", "pause sent")
@jobs.command("resume", short_help="Queue a paused or failed job to continue.")
@click.argument("job_id")
@click.option("--budget", "budget_usd", type=click.FloatRange(min=0, min_open=True), default=None,
              help="A Gemini job's new budget in US dollars (a job paused at its budget needs a larger one).")
@click.pass_context
def resume_cmd(ctx: click.Context, job_id: str, budget_usd: float | None) -> None:
    """Queue a paused or failed job to continue where it stopped (a worker or the dashboard runs it)."""
    manager = _manager(ctx)
    if budget_usd is not None:
        _link_task().set_budget(manager, job_id, budget_usd)
    manager.resume(job_id)
    click.echo(f"job {job_id}: queued to resume" + (f" with a budget of {usd(budget_usd)}" if budget_usd else ""))
_simple_command("stop", "Stop a job for good; its partial results stay downloadable.", "stop sent")
_simple_command("delete", "Delete a job and all its files (stops it first if it runs).", "deleted")


@jobs.command("export", short_help="Write a job's results so far to a CSV file.")
@click.argument("job_id")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              callback=cli_fetch.out_file,
              help="CSV file to write, or an Excel workbook when named .xlsx (formula-safe for spreadsheets).")
@click.pass_context
def export_cmd(ctx: click.Context, job_id: str, out: Path) -> None:
    """Write the committed results of a job (even a running or stopped one) to a CSV file."""
    manager = _manager(ctx)
    job = manager.job(job_id)
    if cli_fetch.is_workbook(out):
        from inlink.exports import frame_to_xlsx

        write_user_file(out, frame_to_xlsx(manager.results_frame(job_id)))   # the dashboard's Excel download
    else:
        write_user_file(out, manager.results_csv(job_id))
    click.echo(in_task_words(job, f"wrote {_count(manager.results_count(job_id), 'result row')} to {out}"))
    if engine_of(job) == "fetch":
        click.echo(f"note: `jobs fetched {job_id}` writes this fetch as a crawl export (pages and links CSVs)",
                   err=True)


@jobs.command("cleanup")
@click.option("--days", type=click.FloatRange(min=0), required=True,
              help="Remove finished jobs older than this many days (0: every finished job).")
@click.pass_context
def cleanup_cmd(ctx: click.Context, days: float) -> None:
    """Delete completed, stopped and failed jobs older than N days."""
    removed = _manager(ctx).cleanup(days)
    click.echo(f"removed {_count(len(removed), 'job')}" + (f": {' '.join(removed)}" if removed else ""))


@jobs.command("worker", short_help="Run queued jobs in the foreground (Ctrl-C pauses).")
@click.option("--max-running", type=click.IntRange(min=1), default=2, show_default=True,
              help="Jobs run at once; the others wait in line.")
@click.option("--durability", type=click.Choice(["crash", "power"]), default="crash", show_default=True,
              help="crash: results survive a killed process; power: also a power cut (fsync, slower).")
@click.pass_context
def worker_cmd(ctx: click.Context, max_running: int, durability: str) -> None:
    """Run and resume jobs in the foreground until none is queued or running.

    Ctrl-C (or SIGTERM) pauses the running jobs cleanly after their current item and exits 0.
    """
    interrupted = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: interrupted.set())
    manager = _manager(ctx, autostart=False, max_running=max_running, durability=durability)
    worked = _register_tasks(manager)
    manager.start()
    click.echo(f"worker: running jobs from {manager.jobs_dir} (Ctrl-C pauses them and exits)")
    try:
        while not interrupted.wait(0.25):
            worked |= _register_tasks(manager)     # a job of another task may have been queued meanwhile
            if not _has_work(manager):
                break
    finally:                           # on an error too: running jobs go back to the queue first
        manager.shutdown(pause=interrupted.is_set(), timeout=30)
    _say_outcomes(manager, worked)
    click.echo("worker: paused running jobs, exiting" if interrupted.is_set()
               else "worker: no queued or running jobs left")


def _say_outcomes(manager: JobManager, job_ids: set[str]) -> None:
    """Where each job the worker saw queued or running ended, in its task's words (the worker said nothing of
    them: a failed job looked like a finished one until `jobs list`)."""
    jobs, deleted = [], []
    for job_id in job_ids:
        try:
            jobs.append(manager.job(job_id))
        except JobError:               # deleted meanwhile (`jobs delete`, the dashboard): it was said nothing of
            deleted.append(job_id)
    for job in sorted(jobs, key=lambda job: job.created_at or ""):
        click.echo(f"worker: job {job.job_id} ({job.label or job.task}): "
                   f"{in_task_words(job, job.message) or job.status.value}")
    for job_id in sorted(deleted):
        click.echo(f"worker: job {job_id}: deleted")


#: The module that defines (and, imported, registers) each task a worker runs.
TASK_MODULES = {"link_analysis": "inlink.tasks.analysis", "site_fetch": "inlink.tasks.fetch"}


def _register_tasks(manager: JobManager) -> set[str]:
    """Import the tasks of the folder's queued and running jobs, only those: a worker resuming a link
    analysis starts its first page sooner without the fetcher (httpx) loaded, see bench/bench_resume.py.
    Returns the ids of those jobs."""
    waiting = [job for job in manager.jobs() if job.status in (JobStatus.QUEUED, JobStatus.RUNNING)]
    for task in {job.task for job in waiting} & TASK_MODULES.keys():
        if task == "link_analysis":
            _link_task()
        else:
            importlib.import_module(TASK_MODULES[task])
    return {job.job_id for job in waiting}


def _has_work(manager: JobManager) -> bool:
    """Queued jobs this process can run, or running ones (ours, or orphans we may recover)."""
    return manager.has_work()


def _analysis_options(func):
    """The options `jobs start` and `suggest` share, in one place."""
    for option in reversed([
        click.option("--links", "links", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Existing links (Screaming Frog 'All Inlinks' or source/destination CSV)."),
        click.option("--engine", type=click.Choice(["offline", "gemini"]), default="offline", show_default=True,
                     help="gemini needs GEMINI_API_KEY or GOOGLE_API_KEY in the environment."),
        click.option("--max-per-page", type=click.IntRange(min=1), default=5, show_default=True,
                     help="At most this many suggestions per source page."),
        click.option("--max-inbound", type=click.IntRange(min=1), default=None,
                     help="At most this many new links to any one target page."),
        click.option("--min-confidence", type=click.FloatRange(0, 1), default=None,
                     help="Only suggestions at least this confident (0-1; default: the engine's floor)."),
        click.option("--high-confidence", type=click.FloatRange(0, 1), default=None,
                     help="Tier cut-off: rows at least this confident are 'high' (default: the engine's)."),
        click.option("--medium-confidence", type=click.FloatRange(0, 1), default=None,
                     help="Tier cut-off: rows at least this confident are 'medium', the rest 'low'."),
        click.option("--exclude", "exclude", multiple=True,
                     help="URL pattern (glob like */tag/* or plain text) to leave out; repeatable."),
        click.option("--model", default=None, help="Gemini model (default: the configured one)."),
        click.option("--budget", "budget_usd", type=click.FloatRange(min=0, min_open=True), default=None,
                     help="Gemini: stop spending once this many US dollars are spent (a job pauses)."),
        click.option("--same-site", "same_site", default=None, metavar="HOSTS",
                     help="Hosts that form one site, comma-separated (or 'all'): links are suggested across "
                          "them. Default: only the host with the most pages is analysed."),
        click.option("--sheet", default=None, help="Worksheet of an XLSX pages file (default: the first)."),
        click.option("--links-sheet", "links_sheet", default=None,
                     help="Worksheet of an XLSX links file (default: the first)."),
        click.option("--column", "columns", multiple=True, metavar="FIELD=HEADER",
                     help="The pages file's column for a field whose header is not recognised, e.g. --column "
                          "'content=Main Text 1' (fields: url, title, h1, description, content); repeatable."),
    ]):
        func = option(func)
    return func


def _options(max_per_page, max_inbound, exclude, model, budget_usd, confidence=(None, None, None)) -> dict:
    """The task's options from the shared command-line options; `confidence` is (floor, high, medium)."""
    floor, high, medium = confidence
    return {"max_per_page": max_per_page, "max_inbound_per_target": max_inbound, "min_confidence": floor,
            "high_confidence": high, "medium_confidence": medium,
            "exclude_patterns": list(exclude), "model": model, "budget_usd": budget_usd}


def _site_options(same_site: str | None, sheet: str | None, links_sheet: str | None,
                  columns: tuple[str, ...] = ()) -> dict:
    hosts = [host.strip() for host in (same_site or "").split(",") if host.strip()]
    return {"site_hosts": ["*" if host.lower() == "all" else host for host in hosts] or None, "sheet": sheet,
            "links_sheet": links_sheet, "column_map": _column_map(columns)}


def _warn_engine_options(engine: str, model: str | None, budget_usd: float | None) -> None:
    """--model and --budget belong to the Gemini engine: said when they are given to the offline one (ignored)."""
    given = [option for option, value in (("--model", model), ("--budget", budget_usd)) if value is not None]
    if given and engine != "gemini":
        click.echo(f"warning: {' and '.join(given)} {'is' if len(given) == 1 else 'are'} ignored: "
                   f"{'it applies' if len(given) == 1 else 'they apply'} to --engine gemini only", err=True)


def _warn_unknown_price(engine: str, model: str | None) -> None:
    """A model the price table does not know is costed at the dearest known rates (budgets stay safe): said, or
    every spend and budget figure of the run was an estimate nobody knew about."""
    if engine != "gemini":
        return
    from inlink.gemini.settings import GeminiSettings   # the settings alone: never the google-genai SDK

    settings = GeminiSettings.from_options(model=model)
    if not settings.price_known():
        price = settings.price()
        click.echo(f"warning: no price is known for the model {settings.model!r}: its cost is counted at the dearest "
                   f"known rates (${price.input_per_1m:g} / ${price.output_per_1m:g} per million prompt / output "
                   "tokens); give its price in the settings file ($INLINK_GEMINI_SETTINGS, \"prices\")", err=True)


def _warn_no_key(engine: str) -> None:
    """A queued Gemini job needs the key in the process that runs it: said when this one has none (the job would
    fail at its first step, seen only at `jobs status`)."""
    from inlink.gemini.keys import api_key_from_env   # the key lookup alone: never the google-genai SDK

    if engine == "gemini" and not api_key_from_env():
        click.echo("warning: no GEMINI_API_KEY (or GOOGLE_API_KEY) in this environment: the process that runs the "
                   "job needs one (`jobs worker` started with it set, or the dashboard, where the job's panel asks "
                   "for the key); without it the job fails at its first step and waits for the key", err=True)


def _warn_sheets(pages: Path, links: Path | None, sheet: str | None, links_sheet: str | None) -> None:
    """--sheet / --links-sheet name a workbook's worksheet: said when the file is no workbook (it was ignored)."""
    for option, name, path in (("--sheet", sheet, pages), ("--links-sheet", links_sheet, links)):
        if name and path is not None and path.suffix.lower() not in (".xlsx", ".xlsm"):
            click.echo(f"warning: {option} {name!r} is ignored: {path.name} is not an XLSX workbook", err=True)


def _column_map(columns: tuple[str, ...]) -> dict[str, str] | None:
    """{field: header} from --column FIELD=HEADER (the importer refuses an unknown field or header by name)."""
    column_map = {}
    for given in columns:
        field, equals, header = given.partition("=")
        if not equals or not field.strip() or not header.strip():
            raise click.BadParameter(f"{given!r}: expected FIELD=HEADER, e.g. 'content=Main Text 1'",
                                     param_hint="'--column'")
        column_map[field.strip().lower()] = header.strip()
    return column_map or None


def _echo_report(report) -> None:
    """The import report on stderr (stdout keeps the command's result: a job id, the summary line)."""
    for line in report.summary_lines(max_dropped=20):
        click.echo(f"import: {line}", err=True)


def _link_task():
    """The link analysis task (imported on demand: it loads the link engine; importing registers it)."""
    try:
        from inlink.tasks import analysis
    except ImportError as exc:
        raise click.ClickException(f"the link analysis cannot be loaded: {exc}") from None
    return analysis


@jobs.command("start", short_help="Validate a crawl and queue its link analysis.")
@click.argument("pages", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_analysis_options
@click.option("--label", default=None, help="A name for the job (default: the pages file name).")
@click.pass_context
def start_cmd(ctx, pages, links, engine, max_per_page, max_inbound, min_confidence, high_confidence,
              medium_confidence, exclude, model, budget_usd, same_site, sheet, links_sheet, columns, label):
    """Validate a crawl and queue a link analysis of it; prints the new job id.

    The dashboard's server or `cli.py jobs worker` runs the queued job.
    """
    task = _link_task()
    _warn_sheets(pages, links, sheet, links_sheet)
    _warn_engine_options(engine, model, budget_usd)
    _warn_no_key(engine)
    _warn_unknown_price(engine, model)
    job_id = task.start_analysis(
        _manager(ctx), pages.read_bytes(), pages_name=pages.name,
        links=links.read_bytes() if links else None, links_name=links.name if links else None,
        engine=engine, options=_options(max_per_page, max_inbound, exclude, model, budget_usd,
                                        (min_confidence, high_confidence, medium_confidence)),
        label=label, on_report=_echo_report, **_site_options(same_site, sheet, links_sheet, columns))
    click.echo(job_id)


@cli.command("suggest", short_help="Analyse a crawl now and write the suggestions CSV.")
@click.argument("pages", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_analysis_options
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              callback=cli_fetch.out_file,
              help="CSV file to write the suggestions to (an Excel workbook when named .xlsx).")
def suggest_cmd(pages, links, engine, max_per_page, max_inbound, min_confidence, high_confidence,
                medium_confidence, exclude, model, budget_usd, same_site, sheet, links_sheet, columns, out):
    """Analyse a crawl in the foreground (no job) and write the suggestions CSV."""
    from inlink.gemini.keys import api_key_from_env   # the key lookup alone: never the google-genai SDK

    if engine == "gemini" and not api_key_from_env():   # said before the import, in this command's words
        raise click.ClickException("--engine gemini needs an API key: set GEMINI_API_KEY (or GOOGLE_API_KEY) in the "
                               "environment, or use the offline engine")
    cli_fetch.refuse_overwriting({"--out": out}, {"PAGES": pages, "--links": links})
    task = _link_task()
    _warn_sheets(pages, links, sheet, links_sheet)
    _warn_engine_options(engine, model, budget_usd)
    _warn_unknown_price(engine, model)
    with contextlib.ExitStack() as stack:
        bars = []   # the bar starts with the first page, after the import report is printed

        def progress(done: int, total: int) -> None:
            if not bars:
                bars.append(stack.enter_context(
                    click.progressbar(length=total, label="analysing pages", file=sys.stderr)))
            bars[0].update(done - bars[0].pos)
        summary = task.run_to_csv(pages, links, engine=engine, out_path=out, progress=progress,
                                  options=_options(max_per_page, max_inbound, exclude, model, budget_usd,
                                                   (min_confidence, high_confidence, medium_confidence)),
                                  on_report=_echo_report, **_site_options(same_site, sheet, links_sheet, columns))
    click.echo(f"wrote {_count(summary['suggestions'], 'suggestion')} for "
               f"{_count(summary['pages_analysed'], 'page')} to {out}; "
               + _orphans_text(summary["orphans_before"], summary["orphans_after"], links is not None))
    if engine == "gemini":
        click.echo(f"spent: {spend_words(summary.get('counters') or {}, budget_usd)}")
    if exclude and not summary["pages_analysed"]:
        click.echo(f"note: no page was analysed: the --exclude patterns ({', '.join(exclude)}) leave out every page",
                   err=True)
    if summary.get("page_errors"):
        errors = summary["page_errors"]
        click.echo(f"note: {_count(errors, 'page was', 'pages were')} skipped because "
                   f"{'its' if errors == 1 else 'their'} answer could not be used", err=True)
    if summary.get("stopped_early"):
        click.echo(f"note: stopped early: {foreground_words(summary['stopped_early'])}", err=True)
        if summary.get("stopped_by") != "budget":   # the cap the user set ends well; an outage does not
            raise click.exceptions.Exit(1)


@cli.command("ui", short_help="Start the dashboard on localhost.")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port (default: Streamlit's, 8501).")
@click.pass_context
def ui_cmd(ctx: click.Context, port: int | None) -> None:
    """Start the dashboard on localhost: the README's `streamlit run streamlit_app.py`, with its settings."""
    command = [sys.executable, "-m", "streamlit", "run", str(resources.app_script()),
               *streamlit_flags(resources.streamlit_config()), "--server.address=localhost"]
    if port:
        command.append(f"--server.port={port}")
    env = dict(os.environ)
    if ctx.obj.get("jobs_dir"):
        env["INLINK_JOBS_DIR"] = str(Path(ctx.obj["jobs_dir"]).resolve())
    sys.stdout.flush()
    os.execve(sys.executable, command, env)   # Streamlit takes over this process (and its Ctrl-C)


def streamlit_flags(config_file: Path) -> list[str]:
    """`--section.option=value` for every setting of a .streamlit/config.toml, so the dashboard runs with the
    repository's settings from any folder, and from an installed copy."""
    import tomllib

    try:
        settings = tomllib.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    flags = []
    for section, options in settings.items():
        for name, value in (options.items() if isinstance(options, dict) else ()):
            text = str(value).lower() if isinstance(value, bool) else str(value)
            flags.append(f"--{section}.{name}={text}")
    return flags


cli_fetch.register(cli, jobs)     # `fetch` and `jobs fetch` (they import httpx only when run)


INTERRUPTED = ("interrupted: the command stopped before its end and wrote no output file (an earlier one is "
               "left as it was); `jobs start` and `jobs fetch` run the same work as a job you can pause and resume")
INTERRUPTED_EXIT = 130


def main(argv=None) -> int:
    """The command line; with argv None (the process's own command line: `cli.py`, `inlink`) the process
    ends here (see _leave)."""
    code = _run(argv)
    if argv is None:
        _leave(code)
    return code


def _run(argv) -> int:
    prog = "inlink" if Path(sys.argv[0]).name == "inlink" else "cli.py"
    try:
        return cli.main(args=argv, prog_name=prog, standalone_mode=False) or 0
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.UsageError as exc:     # a wrong option: the usage line helps
        exc.show()
        return exc.exit_code
    except click.ClickException as exc:   # a refusal in words: one line, like every other error
        click.echo(f"error: {exc.format_message()}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:      # Ctrl-C: 128 + SIGINT, as a shell reports a command it interrupted
        click.echo(INTERRUPTED, err=True)
        return INTERRUPTED_EXIT


def _leave(code: int) -> None:
    """End a command that loaded pyarrow without the interpreter's teardown, once its work is done and said.

    Why: pyarrow (the importer's CSV reader) keeps native thread pools that can abort that teardown after the
    command has finished ("terminate called without an active exception", exit 134, or a segfault: about 1
    run in 150 on a loaded machine; apache/arrow#34314, #38352), so a refusal the user just read would end as
    a crash. Every file a command writes is closed by then; the standard streams and logging are flushed
    here. A command still running a non-daemon thread takes the ordinary exit, which waits for it."""
    if "pyarrow" not in sys.modules:
        return
    if any(not thread.daemon and thread is not threading.main_thread() for thread in threading.enumerate()):
        return
    import logging

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
