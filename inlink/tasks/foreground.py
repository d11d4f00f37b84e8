"""`cli.py suggest`: a whole analysis in the foreground, no job, written to a CSV or workbook when it ends; the
same engines, checks and rows as a job's (page_analyzer.py), with its pages on two cores where it can.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Callable, Mapping

from inlink.exports import fixed_decimals, frame_to_csv, frame_to_xlsx, is_workbook
from inlink.fileio import said_as, write_user_file
from inlink.jobs import ItemError, PauseJob
from inlink.links import suggest as link_engine
from inlink.tasks import two_cores
from inlink.tasks.analysis import check_site, site_estimate_words, site_import
from inlink.tasks.job_words import spend_words
from inlink.tasks.options import clean_options
from inlink.tasks.page_analyzer import GeminiStopped, build_page_analyzer
from inlink.wording import counted


def run_to_csv(pages: Path, links: Path | None, *, engine: str = "offline", options: Mapping | None = None,
               out_path: Path, api_key: str | None = None,
               progress: Callable[[int, int], None] | None = None, sheet: str | None = None,
               site_hosts: list[str] | None = None, on_report: Callable | None = None,
               links_sheet: str | None = None, column_map: Mapping | None = None,
               on_wait: Callable[[str], None] | None = None,
               on_estimate: Callable[[str], None] | None = None) -> dict:
    """Analyse every page in the foreground and write the suggestions CSV (a workbook when `out_path` is named
    .xlsx); returns the summary.

    Like a job, a page whose answer cannot be used is skipped (counted in `page_errors`) and a spent budget, an
    unavailable Gemini or answers that stay unusable end the run early (`stopped_early` says why, `stopped_by`
    which: "budget", "unavailable", "unusable"; what to do about it is the caller's to say, as it runs no job); what
    was found so far is written either way, unless it found nothing: then no file is written (`written` False), so
    an earlier output of the same name is not replaced by an empty one (Gemini out of reach from the first page).
    An error that ends the run (Gemini refusing the key halfway, a bug) is raised, after the rows found before it
    are written, said in a note on the error: they were paid for, and were thrown away with the rest of the run.
    `on_estimate` hears a Gemini run's estimated cost, before its first call.
    `second_core_failure` says why the second core gave no pages, when it did not (the rows are the same).
    `on_wait` hears of Gemini's long retry waits, in a sentence (the command says it, or seems stuck).
    """
    cleaned = clean_options(engine, options)
    site = site_import().load_site(pages, links, pages_name=Path(pages).name,
                                 links_name=Path(links).name if links else None, sheet=sheet, site_hosts=site_hosts,
                                 links_sheet=links_sheet, column_map=dict(column_map or {}) or None)
    check_site(site, on_report, cleaned["exclude_patterns"])   # refused before any output file
    if on_estimate is not None and engine == "gemini":
        on_estimate(site_estimate_words(site, cleaned))
    page_analyzer = build_page_analyzer(site, cleaned, api_key, on_wait=on_wait)
    sources = link_engine.source_pages(page_analyzer.index)
    pages = two_cores.PagesOnTwoCores(page_analyzer, sources)
    rows: list[dict] = []
    page_errors, stopped_early, stopped_by, second_core_failure = 0, None, None, None
    counters: Counter = Counter()        # Gemini's calls, tokens and cost, as a job's counters sum them

    def count(**increments: float) -> None:
        counters.update(increments)
    try:
        for done, url in enumerate(sources, 1):
            try:
                rows.extend(fixed_decimals(pages.rows_for(url, count)))   # as a job's results file holds them
                second_core_failure = second_core_failure or pages.failure()
            except ItemError:
                page_errors += 1
            except GeminiStopped as exc:   # its reason alone: the job's remedy is no command's
                count(**exc.counters)   # the stopping page's paid calls: no resume takes them back here
                if exc.error is not None:   # a refused key: an error of the command (a job waits for a new key)
                    raise exc.error from None
                page_errors += exc.stopped_by == "unusable"   # the page that made it stop was skipped too
                if exc.stopped_by != "unusable":   # never answered: "wrote 0 suggestions for 1 page" said it analysed
                    page_analyzer.index.analysed.discard(url)
                stopped_early, stopped_by = exc.reason, exc.stopped_by
                break
            except PauseJob as exc:
                stopped_early = str(exc)
                break
            if progress:
                progress(done, len(sources))
    except Exception as exc:   # not a Ctrl-C: that one writes no output file (cli/root.py INTERRUPTED)
        if rows:
            _write_rows_before(exc, rows, out_path)
        if counters.get("gemini_calls"):   # paid for, and said nowhere else: the summary is never printed
            exc.add_note(f"Gemini's calls before this error cost {spend_words(dict(counters), cleaned['budget_usd'])}")
        raise
    finally:
        pages.close()
    written = bool(rows) or not stopped_early   # a run stopped before any row leaves an earlier file as it was
    frame = _write_rows(rows, out_path) if written else _frame(rows)
    summary = link_engine.summarize(page_analyzer.index, frame)
    return {**summary, "page_errors": page_errors, "stopped_early": stopped_early,
            "stopped_by": stopped_by, "counters": dict(counters),
            "second_core_failure": second_core_failure, "written": written}


def _frame(rows: list[dict]):
    import pandas as pd

    return pd.DataFrame(rows, columns=list(link_engine.RESULT_COLUMNS))


def _write_rows(rows: list[dict], out_path: Path):
    """The rows as the output file (a workbook when it is named .xlsx); returns their frame."""
    frame = _frame(rows)
    write_user_file(out_path, frame_to_xlsx(frame) if is_workbook(out_path) else frame_to_csv(frame))
    return frame


def _write_rows_before(error: Exception, rows: list[dict], out_path: Path) -> None:
    """Write the rows found before `error` ended the run, and say so in a note on it (PEP 678; the command line
    prints an error's notes under it): the error still ends the command, the paid rows are not lost with it."""
    try:
        _write_rows(rows, out_path)
    except OSError as write_error:
        error.add_note(f"the {counted(len(rows), 'suggestion')} found before this error could not be written to "
                       f"{said_as(out_path)} either ({write_error})")
        return
    error.add_note(f"the {counted(len(rows), 'suggestion')} found before this error "
                   f"{'was' if len(rows) == 1 else 'were'} written to {said_as(out_path)}; the run did not reach "
                   "every page")
