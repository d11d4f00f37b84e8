"""Reading a site as a durable job: the one module that knows both the job engine and the fetcher.

Step "discover" turns the source (a sitemap URL, a URL list, an export's URL column) into the job's URL list,
written once into the job's own input folder so a resumed job iterates exactly the same items (a list or a file
is read as the job is made, and only the URLs read, without user names and passwords, are kept); step "fetch"
fetches one URL per item, several in flight (Task.concurrency_for = the connections setting), committed in
order. A page that fails still gets its row (status and plain reason). When a request cannot reach the site
and a bare probe of the site's root fails too, the site is down (or the network is gone): the job pauses with
a message and, once resumed, starts again at that very URL. Another site (--all-sites) that cannot be reached pauses
the job only when its own site cannot be reached too, and its robots.txt failing never does: else that URL keeps
its row and the job goes on.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from inlink.fetch import dataset, faults
from inlink.fetch.client import FetchCancelled, Fetcher, FetchSettings
from inlink.fetch.extract import MalformedPage, parse_page
from inlink.fetch.sitemap import SourceError, UrlSource, is_url, read_source
from inlink.fetch.urls import site_key, site_root, without_credentials
from inlink.fileio import atomic_write_bytes
from inlink.jobs import JobManager, PauseJob, Task, TaskContext, register_task
from inlink.tasks import kinds
from inlink.wording import counted

if TYPE_CHECKING:   # a fetch worker imports pandas when it makes a frame (inlink/fetch/dataset.py says why)
    import pandas as pd

_LOG = logging.getLogger(__name__)
TASK_NAME = kinds.FETCH_TASK
URLS_FILE = "urls.txt"
SITE_FILE = "site.txt"
SOURCE_FILE = "source"
STATUS_COUNTER = "status: "
#: what run_fetch keeps of a row handed to on_row: the fetch report, the links file and the site's rules
#: (copies of a page, pages repeating others, meta refreshes: dataset.site_rules, moved_to) need no more
SLIM_COLUMNS = ("Requested URL", "Address", "Status Code", "Status", "Reason", "Word Count", "Indexability",
                "Indexability Status", "Redirect URL", "Links", dataset.KEY_COLUMN, dataset.BLOCK_KEYS_COLUMN)


class FetchTask(Task):
    """Fetch every URL of the source, one item each, with the job's politeness settings."""

    name = TASK_NAME
    steps = ("discover", "fetch")
    result_columns = dataset.RESULT_COLUMNS
    numeric_columns = dataset.NUMERIC_COLUMNS

    def prepare(self, ctx: TaskContext, step: str) -> None:
        settings = FetchSettings.from_options(ctx.config.get("options"))
        urls_path = ctx.input_dir / URLS_FILE
        if not urls_path.exists():
            found = _discover(ctx, settings)
            atomic_write_bytes(ctx.input_dir / SITE_FILE, (found.site or "").encode())
            atomic_write_bytes(urls_path, "\n".join(found.urls).encode())
            for note in found.notes:
                ctx.log(note)
            ctx.log(_found_text(ctx.config["source"], found))
        ctx.state["urls"] = urls_path.read_text(encoding="utf-8").split("\n")
        ctx.state["listed"] = listed = frozenset(ctx.state["urls"])
        ctx.state["written"] = Written(listed, committed=lambda: (row["Address"] for row in ctx.result_rows()))
        ctx.state["site"] = (ctx.input_dir / SITE_FILE).read_text(encoding="utf-8") or None
        ctx.state["settings"] = settings
        ctx.state["fetcher"] = fetcher = Fetcher(settings, site=ctx.state["site"])   # this run's own: release() closes it
        try:   # a robots.txt Crawl-delay, and how long it makes the job, said before the first page
            fetcher.announce_pace(ctx.state["urls"], cancel=SimpleNamespace(is_set=ctx.should_stop))
        except FetchCancelled:
            raise PauseJob("Paused while reading the site's robots.txt; it is read again on resume.") from None
        for note in fetcher.take_notes():
            ctx.log(note)

    def concurrency_for(self, ctx: TaskContext) -> int:
        return ctx.state["settings"].connections

    def items(self, ctx: TaskContext) -> list[str]:
        return ctx.state["urls"]

    def process(self, ctx: TaskContext, item: str) -> list[dict]:
        fetcher: Fetcher = ctx.state["fetcher"]
        try:
            result = fetcher.fetch(item, cancel=SimpleNamespace(is_set=ctx.should_stop))
        except FetchCancelled:
            raise PauseJob(f"Paused while fetching {item}; it is fetched again on resume.") from None
        for note in fetcher.take_notes():
            ctx.log(note)
        # the site's robots.txt is asked again on resume (a new run); another host's (--all-sites): that page's row
        if result.fault == faults.ROBOTS_UNAVAILABLE and _site_also(ctx.state["site"], result, lambda: False):
            raise PauseJob(f"Paused: the site's {result.reason}. Resume when it answers; fetching starts again at "
                           "this page.")
        if result.fault in faults.UNREACHABLE:
            _pause_if_site_down(fetcher, result, ctx.state["site"])
        if result.status_code in SITE_REFUSES:
            _pause_if_site_refuses(fetcher, result, ctx.state["site"])
        rows = ctx.state["written"].first_time(fetched_rows(result, ctx.state["site"], ctx.state["listed"]))
        for row in rows:
            ctx.count(**{STATUS_COUNTER + row["Status"]: 1})    # live counts per status, without reading results
        return rows

    def finish(self, ctx: TaskContext) -> dict:
        site = ctx.state.get("site")    # a job discovered by an older version kept its first URL as the site
        return {"pages": len(ctx.state["urls"]), "statuses": status_counts(ctx.counters_so_far()),
                "site": site_root(site) if site else None}

    def release(self, ctx: TaskContext) -> None:
        """Close the run's client (its loop thread, event loop and connections) as the run ends, however it ends:
        closed by finish() alone, a paused, stopped, failed or deleted job's stayed open until another fetch job
        started 300 s later, or for good. A resumed run opens its own in prepare()."""
        fetcher = ctx.state.pop("fetcher", None)
        if fetcher is not None:
            fetcher.close()


def status_counts(counters: Mapping) -> dict:
    """Pages per status label from a fetch job's counters (its metadata's "counters")."""
    return {name[len(STATUS_COUNTER):]: int(value) for name, value in (counters or {}).items()
            if name.startswith(STATUS_COUNTER)}


#: the statuses of rows that are no URL not fetched: a page fetched, and a listed URL that redirected (where it led
#: has a row of its own, fetched or not)
NOT_FAILED = (faults.label(faults.OK), faults.label(faults.REDIRECTED))


def not_fetched_count(statuses: Mapping) -> int:
    """The URLs not fetched among a fetch job's status counts (status_counts): a redirect to a page that was fetched
    was one of them ("Pages not fetched and why (3)" over a table of one 404 and two redirects)."""
    return sum(int(count) for label, count in statuses.items() if label not in NOT_FAILED)


def _found_text(source: Mapping, found: UrlSource) -> str:
    """'60 URLs to fetch from urls.txt, on example.com.': the source as the user gave it and the site (found.site
    is a URL of the site, often one of its pages, which named the wrong thing as the source)."""
    origin = source.get("url") or source.get("name") or "the given file"
    on_site = f", on {site_key(found.site)}" if found.site and site_key(found.site) not in origin else ""
    return f"{counted(len(found.urls), 'URL')} to fetch from {origin}{on_site}."


def _discover(ctx: TaskContext, settings: FetchSettings) -> UrlSource:
    source = ctx.config["source"]
    try:
        if source.get("url"):   # cancellable: an index of hundreds of sitemaps held a pause until all were read
            with Fetcher(settings, site=source["url"], cancel=SimpleNamespace(is_set=ctx.should_stop)) as fetcher:
                return read_source(source["url"], fetcher, same_site_only=settings.same_site_only,
                                   max_sitemap_urls=settings.max_sitemap_urls)
        data = (ctx.input_dir / source["file"]).read_bytes()
        if "site" in source:    # the URL list start_fetch read the file into (a job made before kept the file)
            return UrlSource(urls=data.decode("utf-8").split("\n"), site=source["site"], notes=list(source["notes"]))
        return read_source(data, name=source.get("name") or source["file"],
                           same_site_only=settings.same_site_only, max_sitemap_urls=settings.max_sitemap_urls)
    except FetchCancelled:
        raise PauseJob("Paused while reading the sitemap; it is read again on resume.") from None
    except SourceError as exc:
        if exc.unreachable:
            raise PauseJob(f"Paused: {exc}. Resume when the site can be reached.") from None
        raise


def _pause_if_site_down(fetcher: Fetcher, result, site: str | None) -> None:
    """Pause when the page's host does not answer a bare request, and, for a page of another site (listed with
    --all-sites), the job's site does not either: another site that is down is that page's fault, kept in its row.
    It paused the job at that page on every resume, so the pages after it were never fetched."""
    fault, reason = fetcher.probe(result.url)
    if fault in faults.UNREACHABLE and _site_also(site, result, lambda: fetcher.probe(site)[0] in faults.UNREACHABLE):
        raise PauseJob(f"Paused: the site cannot be reached ({reason}) while fetching {result.url}. "
                       "Resume when it is back; fetching starts again at this page.")


#: answers that, kept after a page's retries and given by the site's home page too, refuse every request for now
SITE_REFUSES = (429, 503)


def _pause_if_site_refuses(fetcher: Fetcher, result, site: str | None) -> None:
    """Pause when the home page too answers the 503 or 429 a page kept getting: a site in maintenance, or one
    limiting our requests, answers so to every page, and each was recorded as an HTTP error, the job "completed"
    with no page to show and nothing for a resume to fetch again. Another host doing so pauses only when the job's
    site does too (_pause_if_site_down)."""
    status = fetcher.home_status(result.url)
    if status in SITE_REFUSES and _site_also(site, result, lambda: fetcher.home_status(site) in SITE_REFUSES):
        why = "in maintenance or overloaded" if status == 503 else "limiting our requests (a lower rate may help)"
        raise PauseJob(f"Paused: the site answers {status} to every request, its home page too ({why}), while "
                       f"fetching {result.url}. Resume later; fetching starts again at this page.")


def _site_also(site: str | None, result, fails: Callable[[], bool]) -> bool:
    """Whether the job's site fails as the page's host did: the page is on it (its www. host too, or no site is
    known), else `fails()` says."""
    return site is None or site_key(site) == site_key(result.url) or fails()


class Written:
    """The addresses the job has written a row of: the page two listed URLs redirect to, not listed itself, gets its
    row once. `committed` gives the addresses of the rows committed before this run (a resumed job's), read once,
    the first time a row of an address not `listed` comes (only such a page can be written by two items): a run
    started afresh wrote that page again after a crash or a pause, and counted it again, so the panel and the
    summary said "OK 8" of 7 pages (dataset.once_per_address dropped the second row from the files, not from the
    counts)."""

    def __init__(self, listed: Container[str] = frozenset(), committed: Callable[[], Iterable[str]] | None = None):
        self._addresses: set[str] = set()
        self._listed, self._committed = listed, committed
        self._lock = threading.Lock()

    def first_time(self, rows: list[dict]) -> list[dict]:
        with self._lock:
            if self._committed is not None and any(row["Address"] not in self._listed for row in rows):
                self._addresses.update(self._committed())
                self._committed = None
            fresh = [row for row in rows if row["Address"] not in self._addresses]
            self._addresses.update(row["Address"] for row in fresh)
        return fresh


def fetched_rows(result, site: str | None, listed=()) -> list[dict]:
    """The result rows of one fetch (dataset.page_rows; `listed`: the URLs to fetch): parsed when it is a readable
    page, else its status and reason."""
    if not result.ok:
        return dataset.page_rows(result, None, site, listed)
    try:
        page = parse_page(result.html, result.final_url)
    except MalformedPage as exc:
        return dataset.page_rows(result, None, site, listed, problem=("malformed", str(exc)))
    return dataset.page_rows(result, page, site, listed)


register_task(FetchTask())


# -- starting a job ---------------------------------------------------------------------------------------
def start_fetch(manager: JobManager, source: str | bytes | Path, *, name: str | None = None,
                options: Mapping | None = None, label: str | None = None, sheet: str | None = None,
                on_note: Callable[[str], None] | None = None) -> str:
    """Queue a fetch of a sitemap URL, URL list or export (bytes or a path); refused before any job exists
    when the options or a file source are bad (ValueError / SourceError with a plain message). ``sheet``: an
    export workbook's worksheet (read_source). ``on_note`` gets what reading a file source noted (lines skipped,
    URLs on other sites, paths read on the site), as run_fetch's does."""
    settings = FetchSettings.from_options(options)
    config = {"options": settings.as_options()}
    inputs = {}
    label = (label or "").strip()   # a blank one is no name: the job was labelled "fetch", its source unnamed
    if isinstance(source, str) and is_url(source) and "\n" not in source.strip():
        source = without_credentials(source)       # never sent, and never kept in the job's files either
        config["source"] = {"url": source}
        label = label or source
    else:
        data = source if isinstance(source, (bytes, bytearray)) else (
            Path(source).read_bytes() if isinstance(source, Path) or Path(str(source)).is_file()
            else str(source).encode())
        shown = name or (Path(source).name if isinstance(source, Path) else "pasted URLs")
        found = read_source(bytes(data), name=shown, same_site_only=settings.same_site_only,   # refuse early
                            sheet=sheet, max_sitemap_urls=settings.max_sitemap_urls)
        # the URLs read, not the file: its URLs may hold user names and passwords, never kept in the job's files
        # (clean_url drops them, the notes quote none); the job fetches these, its discovery needs no new read
        inputs[SOURCE_FILE] = "\n".join(found.urls).encode()
        config["source"] = {"file": SOURCE_FILE, "name": shown, "site": found.site, "notes": found.notes}
        for note in found.notes if on_note is not None else ():
            on_note(note)
        label = label or f"{shown} ({counted(len(found.urls), 'URL')})"   # "(1 URL)", not "(1 URLs)"
    return manager.create_job(TASK_NAME, inputs=inputs, config=config, label=f"fetch {label}")


# -- the job's dataset ---------------------------------------------------------------------------------------
def fetched_results(manager: JobManager, job_id: str) -> pd.DataFrame:
    """Committed rows of a fetch job (finished or not): one per URL fetched so far."""
    meta = manager.get(job_id)
    if meta["task"] != TASK_NAME:
        raise ValueError(f"job {job_id} is not a fetch job")
    return manager.results_frame(job_id)


@dataclass
class FetchedFiles:
    """A fetch job's committed rows (the site's rules applied: the report reads them) and the two files made from
    them, the pages and the links, as a crawl export's."""
    rows: pd.DataFrame
    pages: bytes
    links: bytes
    link_count: int


def fetched_files(manager: JobManager, job_id: str) -> FetchedFiles:
    """The rows read once, the site's rules found once, both files made: `jobs fetched` and the dataset a finished
    fetch becomes (each did it its own way, and the CLI found the rules twice)."""
    rows = fetched_results(manager, job_id)
    rows = dataset.once_per_address(rows)
    rules = dataset.site_rules(rows)
    rows = dataset.with_site_rules(rows, rules)
    links = dataset.links_frame(rows)
    return FetchedFiles(rows, dataset.csv_bytes(dataset.pages_frame(rows, rules)), dataset.csv_bytes(links),
                        len(links))


_BUILT_LOCK = threading.Lock()
_built: tuple[tuple, bytes, bytes] | None = None   # the downloads' last build: (what it was built from, pages, links)


def pages_csv(manager: JobManager, job_id: str) -> bytes:
    """The fetched pages as an "Internal: HTML"-like CSV (Address, Status Code, ..., Content, Body HTML 1)."""
    return _download_files(manager, job_id)[0]


def links_csv(manager: JobManager, job_id: str) -> bytes:
    """The fetched links as an "All Inlinks"-like CSV (Type, Source, Destination, Anchor, Link Position...)."""
    return _download_files(manager, job_id)[1]


def _download_files(manager: JobManager, job_id: str) -> tuple[bytes, bytes]:
    """fetched_files' pages and links for the Jobs page's two downloads, built once per state of the job's
    committed rows: each download read every row (text and HTML included) on its own, and the pages one found the
    site's rules again. Only the last build is kept, and without its rows (a site's whole text and HTML): the two
    files, which the page keeps anyway once prepared. A job with more rows since is built again."""
    global _built
    version = (str(manager.jobs_dir), job_id, manager.results_count(job_id))
    with _BUILT_LOCK:
        if _built is not None and _built[0] == version:
            return _built[1], _built[2]
    files = fetched_files(manager, job_id)
    with _BUILT_LOCK:   # built outside the lock: another session's download of another job does not wait for it
        _built = (version, files.pages, files.links)
    return files.pages, files.links


# -- the foreground run (`cli.py fetch`) -----------------------------------------------------------------------
#: What ends a long Crawl-delay wait of the foreground run: it has no pause or stop, which the note named.
FOREGROUND_ENDS_WAIT = "Ctrl-C stops the fetch at once"


def run_fetch(source, *, name: str | None = None, options: Mapping | None = None,
              progress: Callable[[int, int], None] | None = None,
              on_row: Callable[[dict], None] | None = None,
              on_note: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Fetch every URL in the foreground (several at once) and return the result rows in URL order; `on_note`
    hears at once what slows the run down (a robots.txt Crawl-delay).

    With `on_row`, each full row goes there as soon as it is ready and the returned frame keeps only the
    columns of the report and the links (a large site's text and HTML are never all held in memory)."""
    import asyncio

    import pandas as pd

    settings = FetchSettings.from_options(options)
    with Fetcher(settings, site=source if isinstance(source, str) and is_url(source) else None) as probe:
        found = read_source(source, probe, name=name, same_site_only=settings.same_site_only,
                            max_sitemap_urls=settings.max_sitemap_urls)
    rows: list[list[dict]] = [[] for _ in found.urls]
    listed, once, done = frozenset(found.urls), Written(), 0   # parsing (to_thread) leaves the loop free
    with Fetcher(settings, site=found.site) as fetcher:
        fetcher.announce_pace(found.urls, ends_wait=FOREGROUND_ENDS_WAIT)
        for note in fetcher.take_notes():
            if on_note is not None:
                on_note(note)

        async def one(index: int, url: str, slots: asyncio.Semaphore) -> None:
            nonlocal done
            async with slots:
                result = await fetcher.afetch(url)
            for note in fetcher.take_notes():
                if on_note is not None:
                    on_note(note)
            written = once.first_time(await asyncio.to_thread(fetched_rows, result, found.site, listed))
            for row in written if on_row is not None else ():
                on_row(row)
            rows[index] = [_slim(row) for row in written] if on_row is not None else written
            done += 1
            if progress:
                progress(done, len(found.urls))

        async def every() -> None:
            slots = asyncio.Semaphore(4 * settings.connections)   # bounds memory: pages wait in the client
            await asyncio.gather(*(one(i, u, slots) for i, u in enumerate(found.urls)))

        fetcher.run(every())
    frame = pd.DataFrame([row for written in rows for row in written],
                         columns=list(SLIM_COLUMNS if on_row else dataset.RESULT_COLUMNS))
    frame.attrs["notes"] = found.notes
    frame.attrs["site"] = found.site
    return frame


def _slim(row: dict) -> dict:
    """What run_fetch keeps of a row handed to on_row (SLIM_COLUMNS, the page's keys)."""
    return {**{column: row.get(column) for column in SLIM_COLUMNS},
            dataset.KEY_COLUMN: dataset.page_key(row.get("Title 1"), row.get("H1-1"), row.get("Content")),
            dataset.BLOCK_KEYS_COLUMN: " ".join(dataset.block_keys(row.get("Content"), row.get("Blocks")))}
