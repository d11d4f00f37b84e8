"""The link analysis as a durable job: the task the job engine runs, over the link engines (one page at a time
through page_analyzer.py).

The job engine runs the task's preparation steps ("load", "index") on every run, then calls `process` once per
source page, in a stable order, checkpointing each page's rows. Each step saves what it built (the parsed site,
the link index before any page was analysed) in the job's state folder, so a resume restores it in a fraction
of a second instead of rebuilding it (saved_state.py: versioned, checksummed, rebuilt when unusable; the
preparation is deterministic, so a rebuild gives the same state). The site comes ready-made even to the first
run: start_analysis parses the crawl to validate it and keeps that parse with the job's inputs, so a job
parses its crawl once (a job whose process died before it ran still runs from those files). State that spans pages (new inbound links per
target, for the max-inbound cap) is replayed from the committed rows on resume, so a resumed offline job ends with
the same rows as an uninterrupted one. A Gemini job is the model's answers, which a new call may change: a resume
reuses the answers kept for pages in flight (answers.py), but a page whose call was in flight at a kill is asked
again, and with a max-inbound cap the pages in flight fill a target's cap in the order their answers arrive.
"""
from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping

from inlink import collector
from inlink.links import suggest as link_engine
from inlink.exports import fixed_decimals
from inlink.wording import counted, usd
from inlink.jobs import Job, JobManager, JobStatus, PauseJob, Task, TaskContext, register_task
from inlink.tasks import kinds, prepared, saved_state, two_cores
from inlink.tasks.page_analyzer import SECRET_KEY, page_analyzer_for
from inlink.tasks.answers import FOLDER as ANSWERS_FOLDER, FolderAnswers
from inlink.tasks.options import (  # noqa: F401 (the options' names stay part of this module's API)
    CONFIDENCE_OPTIONS,
    DEFAULT_OPTIONS,
    ENGINES,
    ExcludesEveryPage,
    MissingApiKey,
    OptionError,
    analysis_config,
    check_confidences,
    check_exclude_patterns,
    clean_options,
    refuse_excluding_every_page,
)

if TYPE_CHECKING:
    from inlink.site.load import SiteData

TASK_NAME = kinds.LINK_TASK
SITE_SEED = "site.state"           # the site start_analysis parsed, kept with the job's inputs
FROZEN = "_collector_frozen"       # ctx.state: this run froze the collector after its index (collector.frozen_for_run)
TWO_CORES = "_two_cores"           # ctx.state: the run's pages, on two cores where they can be (two_cores.py)
IDENTITY = "identity"              # config: what makes two analyses the same (analysis_identity)
DIGESTS = "input_digests"          # config: the input files' sha256 by input name, for a new identity (_reidentify)


class IdenticalAnalysis(Exception):
    """start_analysis(refuse_identical=True) found a queued or running analysis of the same files with the same
    settings: ``job`` is that job (a front end names it and says how to open it)."""

    def __init__(self, job: Job):
        super().__init__(f"an identical analysis of {job.label or 'this dataset'} is already {job.status.value}: "
                         f"job {job.job_id}")
        self.job = job

class LinkAnalysisTask(Task):
    """Load the site, build the link index, then suggest links page by page."""

    name = TASK_NAME
    steps = ("load", "index", "analyze")
    result_columns = link_engine.RESULT_COLUMNS
    numeric_columns = link_engine.NUMERIC_COLUMNS

    def prepare(self, ctx: TaskContext, step: str) -> None:
        if step == "load":
            _check_inputs(ctx)
            if not saved_state.looks_current(prepared.state_path(ctx, "index"), prepared.job_state_key(ctx)):
                _site(ctx)   # the index will be built from it; a resume with a saved index needs it only at the end
        elif step == "index":
            options = ctx.config["options"]
            with collector.paused():   # frozen before the collector runs again: see _freeze_for_run
                index = prepared.restored_or_built(ctx, "index", lambda: link_engine.build_index(_site(ctx),
                                                                                      analysis_config(options)))
                _freeze_for_run(ctx)
            if "site" in ctx.state:   # at hand now: its report is saved for the summary of a resumed run
                _import_report(ctx)
            for pattern in link_engine.unmatched_patterns(index.urls, index.config.exclude_patterns):
                ctx.log(f"The exclude pattern {unmatched_pattern_words(pattern)}.")
            try:
                page_analyzer = page_analyzer_for(index, options, ctx.secrets.get(SECRET_KEY),
                                                  spent_usd=_spent_so_far(ctx), answers=_kept_answers(ctx),
                                                  interrupted=ctx.should_stop, on_wait=ctx.log)
            except MissingApiKey as exc:   # nothing failed: a typed key does not survive a restart of the app
                raise PauseJob(str(exc)) from None
            _count_answers_kept(ctx, page_analyzer)
            link_engine.record_suggestions(page_analyzer.index, ctx.result_rows())
            ctx.state["pages"] = page_analyzer
            ctx.state[TWO_CORES] = two_cores.PagesOnTwoCores(page_analyzer, link_engine.source_pages(index),
                                                             paced=bool(float(options.get("throttle_s") or 0)))

    def release(self, ctx: TaskContext) -> None:
        if getattr(ctx.state.get("pages"), "gemini", None) is not None:
            _pages_to_come(ctx, ctx.state["pages"])   # the answers of pages this run committed go
        pages = ctx.state.pop(TWO_CORES, None)
        if pages is not None:
            pages.close()
        if ctx.state.pop(FROZEN, False):
            collector.thawed()

    def concurrency_for(self, ctx: TaskContext) -> int:
        """Gemini pages run a few at a time so a job uses its quota; offline pages one by one (CPU-bound)."""
        gemini = ctx.state["pages"].gemini
        return gemini.settings.max_in_flight if gemini is not None else 1

    def items_ahead(self, ctx: TaskContext) -> int:
        pages = ctx.state.get(TWO_CORES)
        return pages.ahead() if pages is not None else 0

    def items(self, ctx: TaskContext) -> list[str]:
        return link_engine.source_pages(ctx.state["pages"].index)

    def process(self, ctx: TaskContext, item: str) -> list[dict]:
        pages = ctx.state[TWO_CORES]
        rows = fixed_decimals(pages.rows_for(item, count=ctx.count))   # as every export writes them
        failure = pages.failure()
        if failure:   # said, not hidden: the job goes on at one core's speed
            ctx.log(f"The second CPU core gave no pages ({failure}): this process analyses them instead, with the "
                    "same results.")
        throttle = float(ctx.config["options"].get("throttle_s") or 0)
        if throttle:
            ctx.sleep(throttle)   # a pause or stop asked meanwhile ends it: the page's rows are whole
        return rows

    def finish(self, ctx: TaskContext) -> dict:
        """The summary; by now every item was processed, including pages a resume could not replay (the
        ones that gave no rows before the pause), so every item counts as analysed. The committed rows are read
        as plain dicts (result_rows): the summary reads two columns, and a DataFrame read and turned back into
        dicts took 2-3 times as long (docs corpus: 0.05-0.09 s of the job's last step)."""
        summary = link_engine.summarize(ctx.state["pages"].index, ctx.result_rows())
        _kept_answers(ctx).clear()
        return {**summary, "pages_analysed": len(self.items(ctx)), "import": _import_report(ctx)}


def pattern_reach(urls: list[str], patterns: list[str]) -> tuple[int, int, list[str]]:
    """(pages the exclude patterns leave out, pages, the patterns that match no page), matched as the analysis
    matches them."""
    left_out = sum(link_engine.matches_pattern(url, patterns) for url in urls)
    return left_out, len(urls), link_engine.unmatched_patterns(urls, patterns)


def left_in(urls: list[str], patterns: list[str]) -> list[bool]:
    """For each URL, whether the exclude patterns leave it in, matched as the analysis matches them."""
    return [not link_engine.matches_pattern(url, patterns) for url in urls] if patterns else [True] * len(urls)


def unmatched_pattern_words(pattern: str) -> str:
    """What a job's events and `suggest`'s note say of an exclude pattern that matches no page."""
    return (f'"{pattern}" matches no page of this site (a glob such as "*/blog/*" or "/blog/*" matches the whole '
            "URL or its path; other text matches anywhere in the URL)")


def _freeze_for_run(ctx: TaskContext) -> None:
    """The index lives as long as the run: frozen (collector.frozen_for_run), it is not walked by every
    collection. Done while the collector is still paused after building or restoring it: else the first
    collection after the pause walked its few hundred thousand objects once more (docs corpus: 0.02 s, for
    nothing to free) before the freeze."""
    if not ctx.state.get(FROZEN):
        collector.frozen_for_run()
        ctx.state[FROZEN] = True


def _site(ctx: TaskContext) -> SiteData:
    """The parsed site, restored or built once per run when first needed."""
    if "site" not in ctx.state:
        ctx.state["site"] = prepared.restored_or_built(ctx, "site", lambda: _load_job_site(ctx))
    return ctx.state["site"]


def _import_report(ctx: TaskContext) -> dict:
    """The site's import report, for the job's summary: saved beside the index while the parsed site is at hand, so
    a resumed run that restored its index does not restore the whole parsed site at its end for the report alone
    (its events read "Restored the site parsed when the job was created" after the last page; on a 50,000-page site
    that is seconds and the site's memory once more)."""
    return prepared.restored_or_built(ctx, "import-report", lambda: _site(ctx).report.as_dict(max_items=200),
                                      quiet=True)


def _kept_answers(ctx: TaskContext) -> FolderAnswers:
    """Gemini's answers not yet committed, kept in the job's state folder for a resume to take back."""
    return FolderAnswers(ctx.state_dir / ANSWERS_FOLDER)


def _pages_to_come(ctx: TaskContext, page_analyzer) -> list[str]:
    """The pages of a Gemini run no checkpoint holds yet; the answers kept of the others (committed) are dropped, so
    the folder holds exactly what was paid and not yet counted in the job's cost (set_budget reads it)."""
    pages = link_engine.source_pages(page_analyzer.index)
    done = ctx.items_committed()
    _kept_answers(ctx).drop_pages(pages[:done])
    return pages[done:]


def _count_answers_kept(ctx: TaskContext, page_analyzer) -> None:
    """Count what the answers kept of pages still to come cost in the budget from the run's start: counted when
    their page came up, a resumed run passed its cap by them meanwhile."""
    if page_analyzer.gemini is None:
        return
    to_come = _pages_to_come(ctx, page_analyzer)
    cost, answered, reused = page_analyzer.gemini.count_kept_answers(to_come)
    if answered:
        ctx.log(f"Gemini answers an earlier run paid {usd(cost)} for, kept for {counted(answered, 'page')} still to "
                f"come, count in the spend from now on; {_kept_fate(answered, reused)}.")


def _kept_fate(answered: int, reused: int) -> str:
    """What becomes of the kept answers (count_kept_answers): taken back, or their pages asked again."""
    again = answered - reused
    taken = f"{reused:,} {'is' if reused == 1 else 'are'} taken back at no new cost" if reused else ""
    asked = (f"{again:,} {'page is' if again == 1 else 'pages are'} asked again (the answers kept were unusable, "
             "or another model's)") if again else ""
    return ", ".join(filter(None, (taken, asked)))


def _spent_so_far(ctx: TaskContext) -> float:
    """Gemini spend already committed by this job, so a resumed job keeps honouring its budget cap."""
    return kinds.spent_usd(ctx.counters_so_far())


def site_import():
    """inlink.site.load, imported when a crawl is parsed: it loads pandas, which a resume from saved state does
    not need before its first page (bench/bench_resume.py times that; tests/test_resume_state.py checks it)."""
    from inlink.site import load

    return load


def _check_inputs(ctx: TaskContext) -> None:
    """Refuse, in words, a job whose copy of its crawl is gone from the jobs folder (deleted by hand): it failed as
    "FileNotFoundError: [Errno 2] No such file or directory: '.../<id>_input/pages.csv'"."""
    files = ctx.config["files"]
    for name, label in ((files["pages"], files.get("pages_label")), (files.get("links"), files.get("links_label"))):
        if name and not (ctx.input_dir / name).is_file():
            raise site_import().SiteDataError(
                f"the job's copy of {label or name} is gone from its jobs folder ({ctx.input_dir / name}), so the "
                "job cannot run again: start a new analysis from the original file")


def _load_job_site(ctx: TaskContext) -> SiteData:
    """Load the job's own copy of its inputs (never the original upload)."""
    files = ctx.config["files"]
    links_name = files.get("links")
    return site_import().load_site(
        ctx.input_dir / files["pages"],
        ctx.input_dir / links_name if links_name else None,
        pages_name=files.get("pages_label") or files["pages"],
        links_name=files.get("links_label") or links_name,
        column_map=ctx.config.get("column_map") or None,
        sheet=ctx.config.get("sheet"), site_hosts=ctx.config.get("site_hosts"),
        links_sheet=ctx.config.get("links_sheet"),
    )


register_task(LinkAnalysisTask())


def start_analysis(manager: JobManager, pages: Path | bytes, *, pages_name: str,
                   links: Path | bytes | None = None, links_name: str | None = None,
                   engine: str = "offline", options: Mapping | None = None, api_key: str | None = None,
                   label: str | None = None, column_map: Mapping | None = None, sheet: str | None = None,
                   site_hosts: list[str] | None = None, on_report: Callable | None = None,
                   links_sheet: str | None = None, refuse_identical: bool = False,
                   on_patterns: Callable[[int, int, list[str]], None] | None = None,
                   on_estimate: Callable[[str], None] | None = None) -> str:
    """Validate the site files, then create a queued analysis job holding its own copy of them.

    ``sheet`` and ``links_sheet`` pick the worksheet of a pages or links workbook (default: the first).
    ``refuse_identical``: raise IdenticalAnalysis, before any parsing, when an analysis of the same files with the
    same engine, options and reading (columns, sheets, hosts) is queued or running (the dashboard's Start, which a
    double click pressed twice: the same job ran twice).

    Raises SiteDataError for a bad file (NothingToAnalyse when no page can be analysed) and
    OptionError for a bad option (ExcludesEveryPage for exclude patterns that leave no page), before any job
    exists. ``on_report`` gets the ImportReport first;
    ``on_patterns``, when exclude patterns are given, (pages they leave out, pages, the patterns that match no page)
    next, as the Generate page says them before Start. The API key (when given) is handed to the manager in memory
    only.
    """
    cleaned = clean_options(engine, options)
    pages_bytes, links_bytes = _as_bytes(pages), _as_bytes(links) if links is not None else None
    digests = {name: saved_state.bytes_digest(data) for name, data in (("pages", pages_bytes), ("links", links_bytes))
               if data is not None}   # the files by content, once: the identity and the seed's key both read them
    identity = analysis_identity(digests, engine=engine, options=cleaned, column_map=column_map, sheet=sheet,
                                 site_hosts=site_hosts, links_sheet=links_sheet)
    if refuse_identical:   # at once, before the parse: a double click is refused in no time
        _refuse_a_twin(manager, identity)
    site = site_import().load_site(pages_bytes, links_bytes, pages_name=pages_name, links_name=links_name,
                                 column_map=dict(column_map or {}) or None, sheet=sheet, site_hosts=site_hosts,
                                 links_sheet=links_sheet)
    check_site(site, on_report, cleaned["exclude_patterns"], on_patterns)
    if on_estimate is not None and engine == "gemini":
        on_estimate(site_estimate_words(site, cleaned))
    from inlink.site.sources import table_suffix

    inputs = {"pages" + table_suffix(pages_name): pages_bytes}
    files = {"pages": next(iter(inputs)), "pages_label": pages_name, "site_state": SITE_SEED}
    if links_bytes is not None:
        stored = "links" + table_suffix(links_name or "links.csv")
        inputs[stored] = links_bytes
        files.update(links=stored, links_label=links_name or stored)
    elif site.report.links_in_pages:   # the pages' HTML held the site's links (site/html_links.py)
        files["links_in_pages"] = site.report.links_in_pages
    config = {"engine": engine, "options": cleaned, "files": files, "column_map": dict(column_map or {}),
              "sheet": sheet, "site_hosts": list(site_hosts or [])}
    if links_sheet:   # only when given: a job without it keeps the config (and saved-state key) it had
        config["links_sheet"] = links_sheet
    config[IDENTITY], config[DIGESTS] = identity, dict(digests)
    seed = _site_seed(site, digests, config)
    del site
    if seed is not None:
        inputs[SITE_SEED] = seed
    secrets = {SECRET_KEY: api_key} if api_key else None
    # checked again under the jobs folder's creation lock: two Starts (two tabs, or a tab and the CLI) both passed
    # the first check during each other's parse, and the same job ran twice
    refuse = partial(_refuse_a_twin, manager, identity) if refuse_identical else None
    return manager.create_job(TASK_NAME, inputs=inputs, config=config, label=(label or "").strip() or pages_name,
                              secrets=secrets, refuse=refuse)   # a blank label is none: the job had no name


def _refuse_a_twin(manager: JobManager, identity: str) -> None:
    twin = identical_analysis(manager, identity)
    if twin is not None:
        raise IdenticalAnalysis(twin)


def analysis_identity(digests: Mapping[str, str], *, engine: str, options: Mapping,
                      column_map: Mapping | None = None, sheet: str | None = None,
                      site_hosts: list[str] | None = None, links_sheet: str | None = None) -> str:
    """A digest of what an analysis reads and how: its files by content (`digests`, by input name: not by file
    name, so the same upload saved twice is the same), the engine and its cleaned options, and the reading (columns
    mapped, sheets, hosts). Two jobs with the same identity give the same rows; the API key and the label are not
    part of it."""
    return saved_state.json_digest({
        "pages": digests["pages"], "links": digests.get("links"),
        "engine": engine, "options": dict(options), "column_map": dict(column_map or {}), "sheet": sheet or None,
        "site_hosts": list(site_hosts or []), "links_sheet": links_sheet or None})


def _reidentify(config: dict, engine: str) -> None:
    """The identity of a job's config (its engine `engine`) whose options changed (a new model or budget on resume),
    as a start with these options would compute it; none for a job made before its config kept its inputs' digests
    (it is then no one's twin).

    Why: the identity stayed the one of the options the job was started with, so a later start with those options
    was refused as identical to a job that no longer runs them, and one with the job's new options was not."""
    if IDENTITY not in config:
        return
    digests = config.get(DIGESTS)
    config[IDENTITY] = analysis_identity(
        digests, engine=engine, options=config.get("options") or {},
        column_map=config.get("column_map"), sheet=config.get("sheet"), site_hosts=config.get("site_hosts"),
        links_sheet=config.get("links_sheet")) if digests else None


def identical_analysis(manager: JobManager, identity: str,
                       statuses: tuple[JobStatus, ...] = (JobStatus.QUEUED, JobStatus.RUNNING)) -> Job | None:
    """The newest analysis with this identity (analysis_identity) in one of `statuses`, or None. By default a paused,
    failed or finished one does not count: starting again is then what the user asked for."""
    for job in manager.jobs():
        if (job.task == TASK_NAME and job.status in statuses
                and (job.config or {}).get(IDENTITY) == identity):
            return job
    return None


def same_analysis(manager: JobManager, pages: bytes, *, links: bytes | None = None, engine: str = "offline",
                  options: Mapping | None = None, statuses: tuple[JobStatus, ...]) -> Job | None:
    """The newest analysis of these files, read as they are (no columns mapped, first sheets, the main host), with
    this engine and these options, in one of `statuses`; None when there is none. For a front end that offers one
    fixed analysis (the home page's sample site) and follows the one made already instead of making it again."""
    digests = {name: saved_state.bytes_digest(data) for name, data in (("pages", pages), ("links", links))
               if data is not None}
    identity = analysis_identity(digests, engine=engine, options=clean_options(engine, options))
    return identical_analysis(manager, identity, statuses)


def _site_seed(site: SiteData, digests: Mapping[str, str], config: Mapping) -> bytes | None:
    """The parsed site as a saved-state file for the job's inputs (`digests`: their contents' sha256 by input name),
    so the job restores the crawl validated here instead of parsing it again (its "load" step); None when it cannot
    be pickled (the job parses)."""
    try:
        return saved_state.encode(site, prepared.state_key(digests, config))
    except saved_state.SAVE_ERRORS:
        return None


def gemini_estimate_words(urls: list[str], text_chars: list[int], options: Mapping) -> str:
    """What a Gemini analysis under `options` may cost, in a sentence (gemini.estimate): of the analysable pages
    (`urls`, and their texts' lengths `text_chars`: site.scope), those the exclude patterns leave in, each asked once.
    The one estimate of the dashboard (from a saved dataset's kept lists) and the command line (from the parsed
    site). Raises SettingsError for a model the settings refuse."""
    from inlink.gemini.estimate import estimate_cost, estimate_words
    from inlink.gemini.settings import GeminiSettings

    kept = left_in(urls, list(options.get("exclude_patterns") or []))
    chars = [length for length, keep in zip(text_chars, kept) if keep]
    settings = GeminiSettings.from_options(model=options.get("model"))
    return estimate_words(estimate_cost(chars, settings, int(options.get("max_per_page") or 1)), settings.model,
                          options.get("budget_usd"))


def site_estimate_words(site: SiteData, options: Mapping) -> str:
    """gemini_estimate_words of a parsed site."""
    from inlink.site.scope import analysable_text_chars, analysable_urls

    return gemini_estimate_words(analysable_urls(site.pages), analysable_text_chars(site.pages), options)


def check_site(site: SiteData, on_report: Callable | None, patterns: list[str] = (),
               on_patterns: Callable[[int, int, list[str]], None] | None = None) -> None:
    """Show the import report, then refuse a site where no page can be analysed (saying why); with exclude
    `patterns`, say what they reach (``on_patterns``: see start_analysis), then refuse them when they leave out
    every page that could be analysed (ExcludesEveryPage), before any job or output file exists."""
    if on_report is not None:
        on_report(site.report)
    site_import().require_analysable(site)
    if not patterns:
        return
    if on_patterns is not None:
        on_patterns(*pattern_reach(site.pages["url"].astype(str).tolist(), patterns))
    from inlink.site.scope import analysable_urls   # pandas is loaded by now: the site is parsed

    refuse_excluding_every_page(analysable_urls(site.pages), patterns)


def _as_bytes(source: Path | str | bytes) -> bytes:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    return Path(source).read_bytes()


def set_budget(manager: JobManager, job_id: str, budget_usd: float) -> None:
    """A new Gemini budget for a job that is not running (a budget pause says "raise the budget and resume", and
    nothing could raise it: the resumed job paused again at once). Refused for a job of another engine, or at
    or under what the job has spent already."""
    job = _gemini_job_to_change(manager, job_id, "a budget")
    committed, kept = kinds.spent_usd(job.counters), spent_ahead_usd(manager, job_id)
    if not budget_usd > committed + kept:
        parts = (f" ({usd(committed)} on the pages done, {usd(kept)} on answers kept for pages still to come)"
                 if kept else "")
        raise OptionError(f"job {job_id} has spent {usd(committed + kept)} already{parts}: give a budget above that")
    manager.edit_config(job_id, _with_option("budget_usd", float(budget_usd), kinds.engine_of(job)))


def spent_ahead_usd(manager: JobManager, job_id: str) -> float:
    """What a Gemini job paid for answers kept for pages still to come: billed, in its budget, not yet in its
    counters (they reach them as their pages commit)."""
    return FolderAnswers(manager.state_dir(job_id) / ANSWERS_FOLDER).spent_usd()


def set_model(manager: JobManager, job_id: str, model: str) -> str:
    """Another Gemini model for a job that is not running, checked as at its start (the settings' own check), and
    said in the job's events; returns the model's name as kept. A job whose model Gemini does not know pauses (404
    NOT_FOUND), and its resume asked the same model again: only another could go on. Its next run costs its pages at
    the new model's price; the answers kept for a resume were the old model's: not reused, but counted in the
    job's cost at the old model's price (Google billed them)."""
    from inlink.gemini.settings import GeminiSettings, SettingsError   # light: not the SDK

    job = _gemini_job_to_change(manager, job_id, "a model")
    name = str(model or "").strip()
    try:
        GeminiSettings.from_options(model=name or " ")
    except SettingsError as exc:
        raise OptionError(str(exc)) from None
    before = kinds.model_of(job)
    if name == before:
        return name
    manager.edit_config(job_id, _with_option("model", name, kinds.engine_of(job)),
                        note=f"Gemini model changed from {before} to {name}; the next pages are asked of it, and "
                             "costed at its price.")
    return name


def _with_option(name: str, value, engine: str) -> Callable[[dict], dict]:
    """An edit of a job's config (JobManager.edit_config) that sets one option and the identity it makes."""
    def edit(config: dict) -> dict:
        config.setdefault("options", {})[name] = value
        _reidentify(config, engine)
        return config
    return edit


def _gemini_job_to_change(manager: JobManager, job_id: str, what: str) -> Job:
    """The job, a Gemini job with something left to resume; refused in words otherwise (`what`: "a budget",
    "a model")."""
    job = manager.job(job_id)
    if not kinds.is_gemini(job):
        raise OptionError(f"job {job_id} is no Gemini analysis: {what} applies to --engine gemini jobs only")
    if job.status in (JobStatus.COMPLETED, JobStatus.STOPPED):
        raise OptionError(f"job {job_id} is {job.status.value}: it has nothing left to resume")
    return job
