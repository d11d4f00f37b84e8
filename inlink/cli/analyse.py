"""The two commands that analyse a crawl, `suggest` (now, in the foreground) and `jobs start` (queued), and
the options they share."""
from __future__ import annotations

import contextlib
import functools
import sys
from pathlib import Path

import click

from inlink.cli.amounts import DOLLARS, Finite, Whole
from inlink.cli import outputs
from inlink.cli.root import echo_queued, link_task, manager_on_first_job, orphans_text, program
from inlink.fileio import said_as, to_stdout
from inlink.tasks.job_words import CHECK_THE_SETTINGS, spend_words
from inlink.wording import counted as _count

#: `suggest` runs no job, so it cannot "resume the job" when Gemini stops it: what it can do instead, said after
#: why Gemini stopped it (run_to_csv's stopped_early), by its stopped_by.
AGAIN_AS_A_JOB = "`jobs start` runs the analysis as a job that keeps the pages Gemini already answered and resumes"
_SUGGEST_REMEDIES = {"budget": f"give a larger --budget to go further ({AGAIN_AS_A_JOB})",
                     "unavailable": f"run the command again later ({AGAIN_AS_A_JOB})",
                     "unusable": f"{CHECK_THE_SETTINGS}, and run the command again later ({AGAIN_AS_A_JOB})"}


def _analysis_options(func):
    """The options `jobs start` and `suggest` share, in one place."""
    for option in reversed([
        click.option("--links", "links", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Existing links (Screaming Frog 'All Inlinks' or source/destination CSV)."),
        click.option("--engine", type=click.Choice(["offline", "gemini"]), default="offline", show_default=True,
                     help="gemini needs GEMINI_API_KEY or GOOGLE_API_KEY in the environment."),
        click.option("--max-per-page", type=Whole(min=1), default=5, show_default=True,
                     help="At most this many suggestions per source page."),
        click.option("--max-inbound", type=Whole(min=1), default=None,
                     help="At most this many new links to any one target page."),
        click.option("--min-confidence", type=Finite(0, 1), default=None,
                     help="Only suggestions at least this confident (0-1; default: the engine's floor)."),
        click.option("--high-confidence", type=Finite(0, 1), default=None,
                     help="Tier cut-off: rows at least this confident are 'high' (default: the engine's)."),
        click.option("--medium-confidence", type=Finite(0, 1), default=None,
                     help="Tier cut-off: rows at least this confident are 'medium', the rest 'low'."),
        click.option("--exclude", "exclude", multiple=True,
                     help="URL pattern (glob like */tag/* or plain text) to leave out; repeatable."),
        click.option("--model", default=None, help="Gemini model (default: the configured one)."),
        click.option("--budget", "budget_usd", type=DOLLARS, default=None,
                     help="Gemini: stop spending once this many US dollars are spent (a job pauses; suggest "
                          "stops and writes what it found)."),
        click.option("--same-site", "same_site", default=None, metavar="HOSTS",
                     help="Hosts that form one site, comma-separated (or 'all'): links are suggested across "
                          "them. Default: only the host with the most pages is analysed."),
        click.option("--sheet", default=None, help="Worksheet of an XLSX pages file (default: the first with a URL column)."),
        click.option("--links-sheet", "links_sheet", default=None,
                     help="Worksheet of an XLSX links file (default: the first with Source and Destination)."),
        click.option("--column", "columns", multiple=True, metavar="FIELD=HEADER",
                     help="The pages file's column for a field whose header is not recognised, e.g. --column "
                          "'content=Main Text 1' (fields: url, title, h1, description, content, word_count, "
                          "status_code, content_type, indexability, language); repeatable."),
    ]):
        func = option(func)
    return func


def _options(max_per_page, max_inbound, exclude, model, budget_usd, confidence=(None, None, None)) -> dict:
    """The task's options from the shared command-line options; `confidence` is (floor, high, medium)."""
    floor, high, medium = confidence
    return {"max_per_page": max_per_page, "max_inbound_per_target": max_inbound, "min_confidence": floor,
            "high_confidence": high, "medium_confidence": medium,
            "exclude_patterns": list(exclude), "model": model, "budget_usd": budget_usd}


def _check_tiers(task, options: dict) -> None:
    """Tier cut-offs out of order (--medium-confidence above --high-confidence, or above the default high one) are a
    usage error, exit 2 like click's range errors; the task's own check, later, said them as a failure (exit 1)."""
    try:
        task.check_confidences({name: options[name] for name in task.CONFIDENCE_OPTIONS})
    except task.OptionError as exc:
        raise click.BadParameter(str(exc), param_hint="'--medium-confidence' / '--high-confidence'") from None


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


def _warn_links_sheet(links: Path | None, links_sheet: str | None) -> None:
    """--links-sheet names a worksheet of the --links file: said when no links file is given (it was ignored without
    a word, where the worksheet of a CSV links file is said to be ignored by the import report)."""
    if links_sheet is not None and links is None:
        click.echo("warning: --links-sheet is ignored: it names a worksheet of the --links file, and none is given",
                   err=True)


def warn_unknown_price(engine: str, model: str | None) -> None:
    """A model the price table does not know is costed at the dearest known rates (budgets stay safe): said, or
    every spend and budget figure of the run was an estimate nobody knew about."""
    if engine != "gemini":
        return
    from inlink.gemini.settings import unknown_price_words   # the settings alone: never the google-genai SDK

    said = unknown_price_words(model)
    if said:
        click.echo(f"warning: {said}", err=True)


def _warn_no_key(engine: str) -> None:
    """A queued Gemini job needs the key in the process that runs it: said when this one has none (the job would
    fail at its first step, seen only at `jobs status`)."""
    from inlink.gemini.keys import api_key_from_env   # the key lookup alone: never the google-genai SDK

    if engine == "gemini" and not api_key_from_env():
        click.echo("warning: no GEMINI_API_KEY (or GOOGLE_API_KEY) in this environment: the process that runs the "
                   "job needs one (`jobs worker` started with it set, or the dashboard, where the job's panel asks "
                   "for the key); without it the job fails at its first step and waits for the key", err=True)


def _note_another_model(error: Exception) -> None:
    """Say how to pick another model under Gemini's 404 for this one (the error names it): the engine says what
    happened only, and this command's way is --model (or INLINK_GEMINI_MODEL). It said "check the model name in the
    settings", which named no way to give one, and pointed to a settings file the model may not have come from."""
    engine = sys.modules.get("inlink.gemini.engine")   # loaded by the run that raised it: never loaded for this
    if engine is None or not isinstance(error, engine.ModelUnknown):
        return
    from inlink.gemini.settings import DEFAULT_MODEL, MODEL_ENV   # the settings alone: light

    error.add_note(f"pick another model with --model NAME (e.g. {DEFAULT_MODEL}, the default), or set {MODEL_ENV}; "
                   "the models Gemini offers are listed at https://ai.google.dev/gemini-api/docs/models")


def _column_map(columns: tuple[str, ...]) -> dict[str, str] | None:
    """{field: header} from --column FIELD=HEADER. An unknown field is a usage error, exit 2 like a malformed
    FIELD=HEADER (the importer's refusal of it exited 1, as a bad file does); the importer refuses a header the file
    does not have, which only the file can tell."""
    if not columns:
        return None
    from inlink.site.columns import PAGE_FIELDS, PAGE_SYNONYMS   # on demand: pandas is slow to import

    column_map = {}
    for given in columns:
        field, equals, header = given.partition("=")
        if not equals or not field.strip() or not header.strip():
            raise click.BadParameter(f"{given!r}: expected FIELD=HEADER, e.g. 'content=Main Text 1'",
                                     param_hint="'--column'")
        field, header = field.strip().lower(), header.strip()
        if field not in PAGE_SYNONYMS:
            raise click.BadParameter(f"{given!r}: {field!r} is not a page field (expected one of "
                                     f"{', '.join(PAGE_FIELDS)})", param_hint="'--column'")
        if column_map.get(field, header) != header:   # the last one kept without a word read a column not meant
            raise click.BadParameter(f"{field} is given twice ({column_map[field]!r} and {header!r}): give one "
                                     "column per field", param_hint="'--column'")
        column_map[field] = header
    return column_map or None


def _echo_estimate(said: str) -> None:
    """A Gemini run's estimated cost, before its first call (gemini.estimate), on stderr as the report is."""
    click.echo(f"note: {said[:1].lower()}{said[1:]}", err=True)


def _echo_report(report) -> None:
    """The import report on stderr (stdout keeps the command's result: a job id, the summary line)."""
    for line in report.summary_lines(max_dropped=20):
        click.echo(f"import: {line}", err=True)


@click.command("start", short_help="Validate a crawl and queue its link analysis.")
@click.argument("pages", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_analysis_options
@click.option("--label", default=None, help="A name for the job (default: the pages file name).")
@click.option("--again", is_flag=True,
              help="Queue it even when an identical analysis (same files, same settings) is queued or running.")
@click.pass_context
def start_cmd(ctx, pages, links, engine, max_per_page, max_inbound, min_confidence, high_confidence,
              medium_confidence, exclude, model, budget_usd, same_site, sheet, links_sheet, columns, label, again):
    """Validate a crawl and queue a link analysis of it; prints the new job id.

    The dashboard's server or `jobs worker` runs the queued job. An identical analysis already queued or
    running is not queued twice (a command run twice by mistake would pay for a Gemini run twice): its id is
    named instead, unless --again.
    """
    task = link_task()
    options = _checked_options(task, engine, links, links_sheet, model, budget_usd, max_per_page, max_inbound,
                               exclude, (min_confidence, high_confidence, medium_confidence))
    _warn_no_key(engine)
    try:
        with _refused_in_cli_words(task, pages):
            job_id = task.start_analysis(
                manager_on_first_job(ctx), _file_bytes(pages), pages_name=pages.name,
                links=_file_bytes(links) if links else None, links_name=links.name if links else None,
                engine=engine, options=options,
                label=label, on_report=_echo_report, refuse_identical=not again, on_patterns=_echo_pattern_reach,
                on_estimate=_echo_estimate,
                **_site_options(same_site, sheet, links_sheet, columns))
    except task.IdenticalAnalysis as twin:
        raise click.ClickException(f"{twin}: nothing was queued (follow it with `{program()} jobs status "
                                   f"{twin.job.job_id}`; --again queues a second one)") from None
    echo_queued(job_id)


def _checked_options(task, engine: str, links, links_sheet, model, budget_usd, max_per_page, max_inbound, exclude,
                     tiers: tuple) -> dict:
    """The analysis options of `jobs start` and `suggest`, their tier cut-offs checked (a usage error) and the
    options that will not act warned of, in both commands' words."""
    options = _options(max_per_page, max_inbound, exclude, model, budget_usd, tiers)
    _check_tiers(task, options)
    try:   # an empty --exclude (a variable left unset) is a usage error, before the crawl is read
        task.check_exclude_patterns(options["exclude_patterns"])
    except task.OptionError as exc:
        raise click.BadParameter(str(exc), param_hint="'--exclude'") from None
    _warn_engine_options(engine, model, budget_usd)
    _warn_links_sheet(links, links_sheet)
    warn_unknown_price(engine, model)
    return options


def _echo_pattern_reach(left_out: int, pages: int, unmatched: list[str]) -> None:
    """What the --exclude patterns do, said when the job is queued (`suggest` says it after its run): a mistyped
    pattern was said only in the job's events once it ran (patterns that leave out every page are refused:
    _refused_in_cli_words)."""
    for pattern in unmatched:
        click.echo(f"note: --exclude {link_task().unmatched_pattern_words(pattern)}", err=True)


@contextlib.contextmanager
def _refused_in_cli_words(task, pages: Path):
    """A crawl with nothing to analyse is refused with a `cli.py fetch` naming the pages file as it was given (the
    import knows its name alone: the command, copied from another folder, did not find the file); --exclude
    patterns that leave out every page are a usage error of --exclude (exit 2), as an empty one is."""
    try:
        yield
    except task.site_import().NothingToAnalyse as refused:
        raise refused.fetching_from(str(pages)) from None
    except task.ExcludesEveryPage as refused:
        raise click.BadParameter(str(refused), param_hint="'--exclude'") from None


def _file_bytes(path: Path) -> bytes:
    """The file's bytes, read no further than the importer's size limit (see inlink.site.sources.file_bytes)."""
    from inlink.site.sources import file_bytes   # on demand: pandas is slow to import
    return file_bytes(path)


@click.command("suggest", short_help="Analyse a crawl now and write the suggestions (CSV or Excel).")
@click.argument("pages", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_analysis_options
@click.option("--out", "-o", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              callback=outputs.out_file_or_stdout,
              help="CSV file to write the suggestions to (an Excel workbook when named .xlsx; - writes the CSV on "
                   "standard output, and the summary on stderr).")
def suggest_cmd(pages, links, engine, max_per_page, max_inbound, min_confidence, high_confidence,
                medium_confidence, exclude, model, budget_usd, same_site, sheet, links_sheet, columns, out):
    """Analyse a crawl in the foreground (no job) and write the suggestions: a CSV file, or an Excel workbook when
    --out is named .xlsx."""
    from inlink.gemini.keys import api_key_from_env   # the key lookup alone: never the google-genai SDK

    if engine == "gemini" and not api_key_from_env():   # said before the import, in this command's words
        raise click.ClickException("--engine gemini needs an API key: set GEMINI_API_KEY (or GOOGLE_API_KEY) in the "
                               "environment, or use the offline engine")
    outputs.refuse_overwriting({"--out": out}, {"PAGES": pages, "--links": links})
    task = link_task()
    from inlink.tasks.foreground import run_to_csv   # (loaded with the task above: no second failure to word)

    options = _checked_options(task, engine, links, links_sheet, model, budget_usd, max_per_page, max_inbound,
                               exclude, (min_confidence, high_confidence, medium_confidence))
    reports = []   # the import's report, which says whether the pages' HTML held the site's links

    def on_report(report) -> None:
        reports.append(report)
        _echo_report(report)

    with contextlib.ExitStack() as stack:
        bars = []   # the bar starts with the first page, after the import report is printed

        def progress(done: int, total: int) -> None:
            if not bars:
                bars.append(stack.enter_context(
                    click.progressbar(length=total, label="analysing pages", file=sys.stderr)))
            bars[0].update(done - bars[0].pos)
        try:
            with _refused_in_cli_words(task, pages):
                summary = run_to_csv(pages, links, engine=engine, out_path=out, progress=progress, options=options,
                                     on_report=on_report,
                                     on_wait=lambda said: click.echo(f"\nnote: {said}", err=True),
                                     on_estimate=_echo_estimate,
                                     **_site_options(same_site, sheet, links_sheet, columns))
        except Exception as exc:
            _note_another_model(exc)
            raise
    say = functools.partial(click.echo, err=to_stdout(out))   # stdout holds the rows alone then
    if summary.get("written", True):
        say(f"wrote {_count(summary['suggestions'], 'suggestion')} for {_count(summary['pages_analysed'], 'page')} "
            f"to {said_as(out)}; " + orphans_text(summary["orphans_before"], summary["orphans_after"],
                                                  links is not None or any(r.links_in_pages for r in reports)))
    else:   # stopped before its first row: an earlier file of that name is kept (foreground.run_to_csv)
        say(f"no suggestion was found before the run stopped, so nothing was written to {said_as(out)} (an earlier "
            "file is left as it was)")
    if engine == "gemini":
        say(f"spent: {spend_words(summary.get('counters') or {}, budget_usd)}")
    for pattern in summary.get("unmatched_exclude_patterns") or ():
        click.echo(f"note: --exclude {task.unmatched_pattern_words(pattern)}", err=True)
    if summary.get("page_errors"):
        errors = summary["page_errors"]
        click.echo(f"note: {_count(errors, 'page was', 'pages were')} skipped because "
                   f"{'its' if errors == 1 else 'their'} answer could not be used", err=True)
    if summary.get("second_core_failure"):
        click.echo(f"note: the second CPU core gave no pages ({summary['second_core_failure']}): they were analysed "
                   "on one core, with the same results", err=True)
    if summary.get("stopped_early"):
        remedy = _SUGGEST_REMEDIES.get(summary.get("stopped_by") or "")
        click.echo(f"note: stopped early: {summary['stopped_early']}" + (f"; {remedy}" if remedy else ""), err=True)
        if summary.get("stopped_by") != "budget":   # the cap the user set ends well; an outage does not
            raise click.exceptions.Exit(1)


def register(cli: click.Group, jobs: click.Group) -> None:
    cli.add_command(suggest_cmd)
    jobs.add_command(start_cmd)
