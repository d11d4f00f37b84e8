"""`cli.py fetch SOURCE --out-pages P.csv --out-links L.csv` (foreground) and `cli.py jobs fetch SOURCE` (queued).

SOURCE is a sitemap URL, a URL list file (one URL a line) or a CSV/XLSX export with a URL column. httpx, lxml
and the task are imported inside the commands so every other command starts as fast as before.
"""
from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

import click

from inlink.cli.amounts import Finite, Whole
from inlink.cli.jobs import say_unfinished
from inlink.cli.outputs import out_file, refuse_overwriting
from inlink.cli.root import as_run, echo_queued, job_id_argument, manager_for_job, manager_on_first_job
from inlink.exports import is_workbook
from inlink.fileio import to_stdout, user_file_writer, write_user_file
from inlink.tasks.kinds import fetched_site, is_fetch
from inlink.wording import counted

REPORT_EXAMPLES = 5      # URLs shown per status in the fetch report
#: fetch.sitemap.MAX_SITEMAP_URLS (FetchSettings.max_sitemap_urls), written out: importing the sitemap module (lxml)
#: would slow every command's start, `--help` too (a test checks that the two agree)
MAX_SITEMAP_URLS = 100_000


def crawl_out_file(ctx, param, value: Path | None) -> Path | None:
    """out_file for a fetch's pages and links, which are CSV only: CSV text was written into a file named .xlsx,
    which Excel then refused to open. Any other name than .csv is refused in a fetch's words first: out_file's own
    refusal of `pages.txt` said "name it .csv or .xlsx", and a .xlsx is refused here."""
    if value is not None and not to_stdout(value) and value.suffix.lower() != ".csv":
        why = (" (a page's text and HTML outgrow a spreadsheet cell's 32,767 characters)"
               if is_workbook(value) or value.suffix.lower() == ".xls" else "")
        raise click.BadParameter(f"{value.name}: a fetch writes CSV{why}: give a .csv name")
    return out_file(ctx, param, value)


OUT_PAGES_HELP = "CSV to write the pages to (Screaming Frog 'Internal: HTML' columns)."
OUT_LINKS_HELP = "CSV to write the links to (Screaming Frog 'All Inlinks' columns)."


def _out_options(func):
    """The two CSVs written by `fetch` and `jobs fetched` (their folders checked before any work)."""
    for name, text in (("--out-links", OUT_LINKS_HELP), ("--out-pages", OUT_PAGES_HELP)):
        func = click.option(name, type=click.Path(dir_okay=False, path_type=Path), required=True,
                            callback=crawl_out_file, help=text)(func)
    return func


def _fetch_options(func):
    """Politeness options shared by `fetch` and `jobs fetch`."""
    for option in reversed([
        click.option("--connections", type=Whole(1, 64), default=4, show_default=True,
                     help="Connections at once to the site."),
        click.option("--rate", "rate_per_s", type=Finite(min=0), default=5.0, show_default=True,
                     help="Requests per second at most (0 = no limit)."),
        click.option("--timeout", "read_timeout", type=Finite(min=0.1), default=20.0, show_default=True,
                     help="Seconds to wait for an answer; a page whose whole answer takes over three times "
                          "this is given up."),
        click.option("--max-mb", type=Finite(min=0.01), default=5.0, show_default=True,
                     help="Pages larger than this many megabytes are skipped."),
        click.option("--max-sitemap-urls", type=Whole(1), default=MAX_SITEMAP_URLS, show_default=True,
                     help="Page URLs read from a sitemap (a URL or a file) and the sitemaps its index lists, at "
                          "most; the rest is left unread, as a note says."),
        click.option("--all-sites", is_flag=True, help="Also fetch URLs on other sites than the main one."),
    ]):
        func = option(func)
    return func


def _options(connections, rate_per_s, read_timeout, max_mb, max_sitemap_urls, all_sites) -> dict:
    return {"connections": connections, "rate_per_s": rate_per_s, "read_timeout": read_timeout,
            "max_bytes": int(max_mb * 1_000_000), "max_sitemap_urls": max_sitemap_urls,
            "same_site_only": not all_sites}


def _not_a_source(source: str, path: Path) -> str:
    """Why SOURCE is refused: a mistyped file name, or a folder, read "is neither an http(s) sitemap URL nor a file",
    which left the user wondering whether the file was there (and whether a URL was expected instead)."""
    if path.is_dir():
        return f"'{source}' is a folder: give a sitemap URL (http or https), a URL list file or a crawl export"
    if "://" in source or source.lower().startswith("www."):
        return f"'{source}' is not an http(s) URL: give a sitemap URL starting with https:// (or http://)"
    return (f"no file '{source}' (nor is it a sitemap URL, which starts with https:// or http://): check the file "
            "name")


def _source(source: str) -> tuple[object, str | None]:
    """(what read_source takes, a file name): a URL as it is (without a user name and password, which fetching
    never sends: said, and kept out of every message and file), a file as its bytes."""
    if source.lower().startswith(("http://", "https://")):
        from inlink.fetch.urls import without_credentials

        if without_credentials(source) != source.strip():
            click.echo("note: the user name and password in the URL were dropped: fetching never sends "
                       "credentials", err=True)
        return without_credentials(source), None
    path = Path(source)
    if not path.exists() or path.is_dir():   # a pipe is a file to read (`... | jobs fetch /dev/stdin`): is_file refused it
        raise click.BadParameter(_not_a_source(source, path), param_hint="SOURCE")
    from inlink.site.sources import file_bytes   # on demand: pandas is slow to import
    return file_bytes(path), path.name   # no further than the importer's limit: read_bytes held a file of any size


@click.command("fetch", short_help="Fetch a site's pages now into pages + links CSVs.")
@click.argument("source")
@_out_options
@_fetch_options
def fetch_cmd(source, out_pages, out_links, connections, rate_per_s, read_timeout, max_mb, max_sitemap_urls,
              all_sites):
    """Fetch the pages of a sitemap, URL list or export in the foreground and write pages + links CSVs."""
    from inlink.fetch import dataset
    from inlink.fetch.sitemap import SourceError
    from inlink.tasks.fetch import run_fetch

    refuse_overwriting({"--out-pages": out_pages, "--out-links": out_links},
                       {"SOURCE": None if source.lower().startswith(("http://", "https://")) else Path(source)})
    given, name = _source(source)
    options = _options(connections, rate_per_s, read_timeout, max_mb, max_sitemap_urls, all_sites)
    # the pages go to an unnamed file as they come, then replace --out-pages once the fetch is done, with what
    # only the whole site shows marked (copies, pages repeating others: dataset.site_rules): a refused source, a
    # Ctrl-C or a kill -9 leaves the user's earlier file as it was, and no partial file beside it
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="", dir=out_pages.absolute().parent) as spool:
        with click.progressbar(length=1, label="fetching pages", file=sys.stderr) as bar:
            pages = csv.DictWriter(spool, fieldnames=list(dataset.PAGE_COLUMNS), extrasaction="ignore")
            pages.writeheader()

            def progress(done: int, total: int) -> None:
                bar.length = total
                bar.update(done - bar.pos)
            try:     # each page is written as it comes: a large site's text is never all in memory
                rows = run_fetch(given, name=name, options=options, progress=progress, on_row=pages.writerow,
                                 on_note=_say_note)
            except SourceError as exc:
                raise click.ClickException(str(exc)) from None
        _refuse_if_nothing_fetched(rows)
        rules = dataset.site_rules(rows)
        spool.seek(0)
        with user_file_writer(out_pages) as pages_file:
            dataset.copy_pages(spool, pages_file, rules)
    rows = dataset.with_site_rules(rows, rules)
    links = dataset.links_frame(rows)
    write_user_file(out_links, dataset.csv_bytes(links))
    for note in rows.attrs.get("notes", []):
        click.echo(f"note: {note}", err=True)
    print_report(rows)
    _say_written(rows, out_pages, len(links), out_links)


def _refuse_if_nothing_fetched(rows) -> None:
    """Not one page fetched (the site down, a wrong address, no network): the report, then an error, and the
    earlier files left as they were. It wrote a pages file of failures and exited 0, which `suggest` then
    refused with "no page can be analysed"."""
    if len(rows) and not (rows["Status"] == "OK").any():
        print_report(rows)
        raise click.ClickException("no page could be fetched, so no file was written (an earlier one is left as it "
                                   "was): check the address and that the site answers, then fetch again")


def _say_note(note: str) -> None:
    """A note while the progress bar runs: on a line of its own (a terminal's bar has no line end yet)."""
    click.echo(("\n" if sys.stderr.isatty() else "") + as_run(f"note: {note}"), err=True)


def _say_written(rows, out_pages: Path, links: int, out_links: Path) -> None:
    """What went where. The pages file also holds a row per URL not fetched (its status and why, as a crawler's
    export does) and per listed URL that redirected: counted apart, not as pages ("wrote 5 pages" when 4 were fetched
    and one was a 404), a redirect not as a URL not fetched (the page it leads to was)."""
    fetched = int((rows["Status"] == "OK").sum()) if len(rows) else 0
    redirects = int((rows["Status"] == "Redirected").sum()) if len(rows) else 0   # their pages have rows of their own
    failed = len(rows) - fetched - redirects
    written = (counted(fetched, "page") if fetched == len(rows) else
               f"{counted(len(rows), 'row')} ({fetched:,} fetched"
               + (f", {counted(redirects, 'redirect')}" if redirects else "")
               + (f", {counted(failed, 'URL')} not" if failed else "") + ": see the report)")
    click.echo(f"wrote {written} to {out_pages} and {counted(links, 'link')} to {out_links}")


def _one_site(rows) -> str | None:
    """The site (fetch.urls.site_root) every URL asked for shares (a fetch job not finished yet has no summary
    saying it)."""
    from inlink.fetch.urls import site_root

    sites = set(map(site_root, rows["Requested URL"].dropna())) if len(rows) else set()
    return sites.pop() if len(sites) == 1 else None


def print_report(rows, site: str | None = None) -> None:
    """The fetch report, on stderr: counts per status; the pages not fetched grouped by status (the reason once, a
    few of the URLs): a site's 163 pages blocked by robots.txt, listed one a line, filled the report and hid its two
    404s behind "... and 129 more". Then the pages fetched that are no link targets, and why (noindex, meta
    refresh, copies...)."""
    from inlink.fetch import dataset

    counts = dataset.report_counts(rows)
    site = site or rows.attrs.get("site") or _one_site(rows)   # run_fetch's, the finished job's, or the URLs'
    _say(f"fetch report{f' for {site}' if site else ''}: "
         + (", ".join(f"{label} {count}" for label, count in counts.items()) or "no page fetched yet"))
    from inlink.tasks.fetch import NOT_FAILED

    failed = rows.loc[~rows["Status"].isin(NOT_FAILED)]
    for (status, code), group in failed.groupby(["Status", "Status Code"], sort=False):
        urls, reasons = group["Requested URL"].tolist(), group["Reason"].tolist()
        said = f"{status} ({code})" if code else status   # 0: no answer (robots.txt, the network): "(0)" said nothing
        if len(set(reasons)) == 1:
            _say(f"  {said}, {counted(len(urls), 'page')}: {reasons[0]}")
            _say_some([f"    {url}" for url in urls])
        else:
            _say(f"  {said}, {counted(len(urls), 'page')}:")
            _say_some([f"    {url}: {reason}" for url, reason in zip(urls, reasons)])
    _say_redirects(rows.loc[rows["Status"] == NOT_FAILED[1]])
    _say_canonical_notes(rows.loc[rows["Status"] == "OK"])
    kept_out = rows.loc[(rows["Status"] == "OK") & (rows["Indexability"] == "Non-Indexable")]
    if not len(kept_out):
        return
    examples: dict[str, list[str]] = {}
    for url, status, moved in zip(kept_out["Address"], kept_out["Indexability Status"], kept_out["Redirect URL"]):
        if status.startswith(dataset.DUPLICATE):
            why, detail = "duplicate", "-> " + status.removeprefix(dataset.DUPLICATE)
        elif status.startswith(dataset.COLLECTION):
            why, detail = "repeats other pages", f"({status.lower()})"
        elif status.startswith(dataset.BOILERPLATE_ONLY):
            why, detail = "no text of its own", f"({status.removeprefix('No text of its own: ')})"
        else:
            why, detail = status, f"-> {moved}" if isinstance(moved, str) and moved and moved != url else ""
        examples.setdefault(why, []).append(f"    {why}: {url} {detail}".rstrip())
    _say(f"  fetched but kept out of link targets: {counted(len(kept_out), 'page')} ("
         + ", ".join(f"{why} {len(lines)}" for why, lines in examples.items()) + ")")
    for lines in examples.values():
        _say_some(lines, shown=3)


def _say_redirects(redirects) -> None:
    """The listed URLs that redirect, apart from the URLs not fetched: they were said among them ("Redirected (301),
    3 pages"), though the page each leads to has a row of its own, fetched or not."""
    if not len(redirects):
        return
    _say(f"  redirected: {counted(len(redirects), 'listed URL')} (where each leads has a row of its own)")
    _say_some([f"    {url} ({code}) {reason.replace('redirects to', '->', 1)}"
               for url, code, reason in zip(redirects["Requested URL"], redirects["Status Code"], redirects["Reason"])])


def _say_canonical_notes(fetched) -> None:
    """The fetched pages whose canonical tags search engines ignore (in the body, naming no web address) or
    disagree: said only in each page's Reason, a site whose every page named file:///usr/share/doc/... (a local
    build) had a report without a word of it."""
    notes = [(url, note) for url, reason in zip(fetched["Address"], fetched["Reason"])
             for note in str(reason).split("; ")[1:] if "canonical" in note]
    if notes:
        _say(f"  canonical tags to check: {counted(len({url for url, _ in notes}), 'page')}")
        _say_some([f"    {url}: {note}" for url, note in notes], shown=3)


def _say_some(lines: list[str], shown: int = REPORT_EXAMPLES) -> None:
    for line in lines[:shown]:
        _say(line)
    if len(lines) > shown:
        _say(f"    ... and {len(lines) - shown:,} more (see the Status, Reason and Indexability Status columns)")


def _say(line: str) -> None:
    """A line of the fetch report: on stderr, as `suggest`'s import report (it went to stdout, where a command's
    result goes: the one line of what was written where)."""
    click.echo(line, err=True)


@click.command("fetch", short_help="Queue a fetch of a sitemap, URL list or export.")
@click.argument("source")
@_fetch_options
@click.option("--label", default=None, help="A name for the job (default: the source).")
@click.pass_context
def jobs_fetch_cmd(ctx, source, connections, rate_per_s, read_timeout, max_mb, max_sitemap_urls, all_sites, label):
    """Queue a fetch of a sitemap URL, URL list or export as a background job; prints the job id.

    The dashboard's server or `jobs worker` runs it; `jobs fetched ID` writes its pages and links CSVs.
    """
    from inlink.tasks.fetch import start_fetch

    given, name = _source(source)
    echo_queued(start_fetch(manager_on_first_job(ctx), given, name=name, label=label,
                            options=_options(connections, rate_per_s, read_timeout, max_mb, max_sitemap_urls,
                                             all_sites),
                            on_note=_say_note))   # lines skipped, other sites: `fetch` said them, this said none


@click.command("fetched", short_help="Write a fetch job's pages and links CSVs.")
@job_id_argument
@_out_options
@click.pass_context
def jobs_fetched_cmd(ctx, job_id, out_pages, out_links):
    """Write a fetch job's pages and links CSVs (what it has fetched so far, if it is not finished)."""
    from inlink.tasks.fetch import fetched_files

    refuse_overwriting({"--out-pages": out_pages, "--out-links": out_links}, {})
    manager = manager_for_job(ctx, job_id)
    job = manager.job(job_id)
    if not is_fetch(job):   # an analysis: it said "job X is not a fetch job", not which command writes it
        raise ValueError(f"job {job_id} is not a fetch job: `jobs export {job_id} --out FILE` writes its results")
    files = fetched_files(manager, job_id)
    _refuse_if_ended_with_nothing(job, files.rows)
    write_user_file(out_pages, files.pages)
    write_user_file(out_links, files.links)
    print_report(files.rows, fetched_site(job))
    _say_written(files.rows, out_pages, files.link_count, out_links)
    say_unfinished(job, "the files hold")


def _refuse_if_ended_with_nothing(job, rows) -> None:
    """A fetch job that ended (failed on its sitemap, stopped, every URL failed) without one page fetched: an
    error, and the earlier files left as they were, as `fetch` does. It wrote two empty files over them, said "no
    page fetched yet" of a job that will fetch none, and exited 0. A job still to run writes what it has so far."""
    if job.is_active or (len(rows) and (rows["Status"] == "OK").any()):
        return
    if len(rows):
        print_report(rows, fetched_site(job))
    raise click.ClickException(f"job {job.job_id} is {job.status} and fetched no page, so no file was written (an "
                               "earlier one is left as it was)" + (f": {job.message}" if job.message else ""))


def register(cli: click.Group, jobs: click.Group) -> None:
    cli.add_command(fetch_cmd)
    jobs.add_command(jobs_fetch_cmd)
    jobs.add_command(jobs_fetched_cmd)
