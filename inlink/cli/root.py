"""The root command group: its errors said in one line, the process's start and end, and the few helpers
every command module shares (the job manager, the link task loaded on demand, the orphans sentence)."""
from __future__ import annotations

import contextlib
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

import inlink.jobs as jobs_engine   # its manager loads on first use: `--help` does not need it (inlink/jobs)
from inlink.jobs import JobError, JobNotFound, validate_job_id

if TYPE_CHECKING:
    from inlink.jobs import JobManager


class CleanErrors(click.Group):
    """Turn the engine's errors (and OS errors) into one line on stderr and exit status 1.

    Anything else (a remote API refusing a key, a bug) is also one line; INLINK_DEBUG=1 shows the traceback.
    """

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:          # Ctrl-C: said in the words of the command it stopped (see _run)
            raise Interrupted(_interrupted_words(ctx)) from None
        except BrokenPipeError:            # `cli.py jobs list | head`: the reader left, not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except (JobError, OSError, ValueError) as exc:
            _echo_error(str(exc), exc)
            ctx.exit(1)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as exc:
            if _is_gemini_refusal(exc):        # a refused key or model: said plainly, like a bad file
                _echo_error(str(exc), exc)
                ctx.exit(1)
            if os.environ.get("INLINK_DEBUG"):
                raise
            _echo_error(f"{type(exc).__name__}: {exc} (INLINK_DEBUG=1 shows the details)", exc)
            ctx.exit(1)


def _echo_error(text: str, exc: BaseException) -> None:
    """The error's one line, then its notes (PEP 678), one line each: what the command did before it stopped
    (`suggest` writes the rows it found before an error: tasks/foreground.py)."""
    click.echo(as_run(f"error: {text}"), err=True)
    for note in getattr(exc, "__notes__", ()):
        click.echo(as_run(f"note: {note}"), err=True)


#: How the engines' and tasks' sentences name a command to run (a job's pause message keeps it: job_words).
WRITTEN_PROGRAM = "cli.py"


def program() -> str:
    """The name the user runs the command line by, as click knows it (the root command's info_name: `cli.py`,
    `inlink`, `python3 -m inlink`), for the commands a message tells them to run."""
    ctx = click.get_current_context(silent=True)
    return (ctx.find_root().info_name if ctx else None) or WRITTEN_PROGRAM


def as_run(text: str, name: str | None = None) -> str:
    """A sentence naming a command as "`cli.py ...`" (this package's, the engines', a job's saved message) in the
    name the user runs it by (`name`, else program()): `inlink jobs worker` read "run `cli.py jobs worker`"."""
    return text.replace(f"`{WRITTEN_PROGRAM} ", f"`{name or program()} ")


def _is_gemini_refusal(exc: Exception) -> bool:
    """The Gemini engine's own errors (a refused key, an unknown model, the service unavailable) carry a plain
    message and are no bug: no class name and no INLINK_DEBUG hint. Looked up only once the engine is loaded,
    so the command line never imports it for this."""
    engine = sys.modules.get("inlink.gemini.engine")
    return engine is not None and isinstance(exc, engine.GeminiError)


def manager_for(ctx: click.Context, **kwargs) -> JobManager:
    """A manager that only reads and sends requests unless the command runs jobs itself."""
    kwargs.setdefault("autostart", False)
    return jobs_engine.JobManager(jobs_folder(ctx), **kwargs)


def manager_on_first_job(ctx: click.Context) -> JobManager:
    """The manager for a command that creates a job (`jobs start`, `jobs fetch`), made when the job is: a start
    refused for its file or its options (checked first) left a jobs folder and its .reserve behind where there was
    none. Until then, a folder that does not exist holds no job to list (an identical analysis looked for)."""
    return _FolderMadeOnUse(jobs_folder(ctx), lambda: manager_for(ctx))   # duck-typed: a JobManager once used


class _FolderMadeOnUse:
    """A JobManager made (its folder with it) on first use, but for listing the jobs of a folder not there yet."""

    def __init__(self, folder: Path, make) -> None:
        self._folder, self._make, self._made = folder, make, None

    def jobs(self, *args, **kwargs) -> list:
        return [] if self._made is None and not self._folder.is_dir() else self._manager().jobs(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._manager(), name)

    def _manager(self) -> JobManager:
        if self._made is None:
            self._made = self._make()
        return self._made


#: Where the jobs folder comes from, for a message that names a folder which is not there.
FOLDER_FROM = "--jobs-dir, or $INLINK_JOBS_DIR; default ./jobs"
#: Who runs a queued job: a worker that found nothing queued has exited (a paused job's worker often has).
RUNS_QUEUED = "`cli.py jobs worker` runs it (or the dashboard, while it is open)"


def echo_queued(job_id: str) -> None:
    """A new job's id on stdout (what a script reads), and on stderr who runs it: `jobs start` printed the id alone,
    and `jobs status` then said "waiting for a free slot", as if something else were busy."""
    click.echo(job_id)
    click.echo(as_run(f"note: job {job_id} is queued; {RUNS_QUEUED}"), err=True)


def jobs_folder(ctx: click.Context) -> Path:
    """The jobs folder, refused when it (or a folder above it) is a file: $INLINK_JOBS_DIR naming a file had `jobs
    list` say "no jobs" and "there is no jobs folder" (exit 0), and `jobs start` "could not create the jobs folder:
    File exists", neither naming the file in the way."""
    folder = Path(ctx.obj.get("jobs_dir") or jobs_engine.default_jobs_dir())
    in_the_way = next((path for path in (folder, *folder.absolute().parents) if path.exists()), None)
    if in_the_way is not None and not in_the_way.is_dir():
        given = "--jobs-dir" if ctx.obj.get("jobs_dir") else "$INLINK_JOBS_DIR"
        raise click.ClickException(f"the jobs folder {folder} ({given}): {in_the_way} is a file, not a folder; point "
                                   f"{given} at a folder (one that does not exist yet is made)")
    return folder


def _job_id(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """A JOB_ID that is no job id (a path, a typo) is a usage error, exit 2 like click's own; it exited 1, as a
    job that cannot be found does (a runtime failure: the id is well formed, the folder has no such job).

    An id copied with the spaces around it, or in capitals, is the id; a part of one (its first characters, as
    git and docker take) was refused without a word of which job it is: the refusal names the jobs it begins."""
    try:
        return validate_job_id(value.strip().lower())
    except JobError as exc:
        raise click.BadParameter(f"{exc}; {_ids_like(ctx, value)}") from None


def _ids_like(ctx: click.Context, given: str) -> str:
    """What to give instead of a malformed JOB_ID: the jobs whose id begins with it, else where the ids are."""
    part = given.strip().lower()
    folder = jobs_folder(ctx.find_root())
    begun = [] if not part or not folder.is_dir() else sorted(
        job.job_id for job in manager_for(ctx.find_root()).jobs() if job.job_id.startswith(part))
    if begun:
        return f"give the whole id: {', '.join(begun[:5])}" + (", ..." if len(begun) > 5 else "")
    return f"`{program()} jobs list` shows the jobs' ids"


#: The argument of every command on one job.
job_id_argument = click.argument("job_id", callback=_job_id)


def manager_for_job(ctx: click.Context, job_id: str) -> JobManager:
    """A manager for a command on one job. With no jobs folder the job cannot exist: said without making the
    folder (a manager makes it, and its full-disk ballast file), which `jobs status ID` in the wrong folder did."""
    validate_job_id(job_id)
    folder = jobs_folder(ctx)
    if not folder.is_dir():
        raise JobNotFound(f"job {job_id} not found: there is no jobs folder at {folder} ({FOLDER_FROM})")
    return manager_for(ctx)


#: The exit statuses, in --help and the README: a script tells a mistyped command from a failed run.
EXIT_STATUSES = ("Exit status: 0 done; 1 a failure at run time (a file, job or site that cannot be read, an analysis "
                 "refused, a job `jobs worker` ran that failed); 2 a usage error (an unknown option, a value out of "
                 "range, an input file that is not there, a malformed job id, tier cut-offs out of order, an output "
                 "file that cannot be written); "
                 "130 interrupted (Ctrl-C).")


def _folder_named(ctx: click.Context, param: click.Parameter, value: str | None) -> Path | None:
    """--jobs-dir as a path, refused when empty: `--jobs-dir ''` (an unset shell variable) made the current folder
    the jobs folder, and every file in it was warned about as no job's."""
    if value is not None and not value.strip():
        raise click.BadParameter("is empty: name a folder, or leave the option out for $INLINK_JOBS_DIR or ./jobs")
    return Path(value) if value is not None else None


@click.group("inlink", cls=CleanErrors, epilog=EXIT_STATUSES)
@click.option("--jobs-dir", type=click.Path(file_okay=False), default=None, callback=_folder_named,
              help="Jobs folder (default: $INLINK_JOBS_DIR or ./jobs).")
@click.pass_context
def cli(ctx: click.Context, jobs_dir: Path | None) -> None:
    """InLink Prospector command line."""
    ctx.ensure_object(dict)
    ctx.obj["jobs_dir"] = jobs_dir


def orphans_text(before, after, links_given: bool) -> str:
    """Orphan pages before -> after; without the existing links "before" is unknown (every page would count)."""
    if after is None:
        return ""
    if not links_given:
        return f"orphan pages after the suggestions {int(after):,} (before: unknown without the existing links)"
    return f"orphan pages {int(before or 0):,} -> {int(after):,}"


def link_task():
    """The link analysis task (imported on demand: it loads the link engine; importing registers it)."""
    try:
        from inlink.tasks import analysis
    except ImportError as exc:
        raise click.ClickException(f"the link analysis cannot be loaded: {exc}") from None
    return analysis


INTERRUPTED = ("interrupted: the command stopped before its end and wrote no output file (an earlier one is "
               "left as it was); `jobs start` and `jobs fetch` run the same work as a job you can pause and resume")
INTERRUPTED_ANY = "interrupted: the command stopped before its end"
INTERRUPTED_EXIT = 130
#: What a Ctrl-C left undone, by command; any other command stopped before its end and that is all that is known.
#: `jobs start` said `suggest`'s words, "wrote no output file; `jobs start` ... run the same work as a job", of itself.
_INTERRUPTED_BY_COMMAND = {
    "suggest": INTERRUPTED,
    "fetch": INTERRUPTED,
    "jobs start": "interrupted: the command stopped before its end and queued no job",
    "jobs fetch": "interrupted: the command stopped before its end and queued no job",
    "jobs export": "interrupted: the command stopped before its end and wrote no output file (an earlier one is left "
                   "as it was)",
    "jobs fetched": "interrupted: the command stopped before its end and wrote no output files (earlier ones are left "
                    "as they were)",
    # a running job's delete is asked before the wait a Ctrl-C ends: the job was deleted all the same, later
    "jobs delete": "interrupted: the command stopped before its end; a running job it asked to delete is deleted by "
                   "its worker after the item in progress (`jobs list` shows when)",
}


class Interrupted(click.exceptions.Abort):
    """A Ctrl-C, with what it left undone in the words of the command it stopped."""


def _interrupted_words(ctx: click.Context) -> str:
    command = " ".join(filter(None, (ctx.info_name if ctx.parent else None, ctx.invoked_subcommand)))
    return _INTERRUPTED_BY_COMMAND.get(command, INTERRUPTED_ANY)


def main(argv=None) -> int:
    """The command line; with argv None (the process's own command line: `cli.py`, `inlink`) the process
    ends here (see _leave)."""
    code = _run(argv)
    if argv is None:
        _leave(code)
    return code


def _program_name() -> str:
    """How this process was started: `python3 -m inlink`, or the script's name (`cli.py`, `inlink`); `cli.py` when
    neither tells (`python3 -c`, as the tests run it)."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    if spec is not None and spec.name:
        return f"python3 -m {spec.name.removesuffix('.__main__')}"
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return name if name and not name.startswith("-") else WRITTEN_PROGRAM


def _run(argv) -> int:
    name = _program_name()
    try:
        return cli.main(args=argv, prog_name=name, standalone_mode=False) or 0
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.UsageError as exc:     # a wrong option: the usage line helps
        exc.show()
        return exc.exit_code
    except click.ClickException as exc:   # a refusal in words: one line, like every other error
        click.echo(as_run(f"error: {exc.format_message()}", name), err=True)
        return exc.exit_code
    except Interrupted as exc:          # Ctrl-C: 128 + SIGINT, as a shell reports a command it interrupted
        click.echo(f"\n{exc}", err=True)
        return INTERRUPTED_EXIT
    except click.exceptions.Abort:      # a Ctrl-C click saw itself (reading the options), its newline said
        click.echo(INTERRUPTED_ANY, err=True)
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
