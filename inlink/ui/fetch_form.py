"""The Upload page's "Fetch from the site" section: start a fetch job from a sitemap URL, pasted URLs or a URL
file (with its politeness settings), offer "fetch these pages" when an upload has URLs but no text, follow
the job in the live panel, and make the fetched pages + links the current dataset once the job completes.

One call from the Upload view: `fetch_section(upload)`. Nothing here runs in a background thread.
"""
from __future__ import annotations

import hashlib

import streamlit as st

from inlink import uploads as datasets
from inlink.jobs import Job, JobError, JobStatus
from inlink.ui import format as fmt
from inlink.ui.job_panel import job_panel
from inlink.ui import navigation
from inlink.ui.page import guard, page_manager, plain_message
from inlink.ui.results_table import path_display
from inlink.wording import listed

_JOB = "fetch.job"             # the fetch job this session follows
_ADOPTED = "fetch.adopted"     # fetch jobs whose dataset this session saved already
_NO_TEXT = "fetch.no_text"     # ((upload key, text column picked), its unrecognised columns when it has URLs but no text)
_HEADERS_READ = "fetch.headers_read"   # (upload key, the pages file's headers) read by _urls_without_text
_ERROR = "fetch.error"       # why the last start was refused
PICKED_TEXT = "upload.map_content"   # the upload page's picker of the text column (views/upload.py _picked)
_FROM_UPLOAD = "fetch.from_upload"   # {fetch job: the key of the upload whose URLs it fetched}
_STARTED = "fetch.started"   # (what the last start asked for, its job): the same request again is no new job
PAGES_NAME, LINKS_NAME = "fetched-pages.csv", "fetched-links.csv"   # the fetched dataset's files, as saved


def fetch_section(upload=None, dataset=None) -> None:
    """The whole section: the offer for a text-less upload (until its pages are fetched: they are the current
    `dataset` then), the form, and the followed job."""
    manager = page_manager()
    if manager is None:
        return
    with guard("The fetch section"):
        offered = upload is not None and not fetched_from(upload, dataset)
        unread = _urls_without_text(upload) if offered else None
        if unread is not None:
            _offer(manager, upload, unread)
        with st.expander("Fetch from the site", icon=":material/travel_explore:",
                         expanded=upload is None and st.session_state.get(_JOB) is None):
            _form(manager)
        error = st.session_state.get(_ERROR)
        if error:
            st.error(fmt.as_text(f"The pages cannot be fetched: {error}"), icon=":material/error:")
        job_id = st.session_state.get(_JOB) or job_to_follow(manager)
        if job_id:
            _follow(manager, job_id)


def job_to_follow(manager) -> str | None:
    """A fetch job this session did not start but should see: the newest active one, else the newest
    completed one that finished after the current dataset was saved (its dataset is not adopted yet)."""
    fetches = [job for job in manager.jobs() if fmt.is_fetch(job)]
    active = [job for job in fetches if job.is_active]
    if active:
        return active[0].job_id
    newer = _newer_fetch(fetches)
    return newer.job_id if newer else None


def _newer_fetch(fetches: list[Job]) -> Job | None:
    """The newest of these fetch jobs that completed after the current dataset was saved, else None."""
    latest = datasets.latest_dataset()
    since = fmt.parse_time(latest.saved_at) if latest else None   # (an unreadable time is none: it raised)
    for job in fetches:
        done = fmt.parse_time(job.completed_at)
        if job.status is JobStatus.COMPLETED and done and (since is None or done > since):
            return job
    return None


def adopt_newer_fetch(manager) -> Job | None:
    """Save a fetch that completed after the current dataset as the current dataset, as the Upload page does, and
    return it (else None): called by Generate links, where an analyst who started a fetch and went there to wait
    saw the dataset before it (both named fetched-pages.csv), and Start analysed that one."""
    newer = _newer_fetch([job for job in manager.jobs() if fmt.is_fetch(job)])
    if newer is not None:
        _save_fetched(manager, newer)
    return newer


def _save_fetched(manager, job: Job) -> tuple[datasets.Dataset, bytes, bytes]:
    """The completed fetch's pages and links saved as the current dataset (with the job named in its summary, so
    it is adopted once)."""
    from inlink.tasks import fetch as fetch_task

    files = fetch_task.fetched_files(manager, job.job_id)
    figures, urls, analysable, text_chars = fetched_summary(files.pages, files.links)
    summary = {**figures, "fetch_job": job.job_id, "statuses": (job.summary or {}).get("statuses"),
               "site": fmt.fetched_site(job)}   # every fetched dataset is fetched-pages.csv: the site tells them apart
    dataset = datasets.save_dataset(files.pages, PAGES_NAME, links=files.links, links_name=LINKS_NAME,
                                    summary=summary, urls=urls, analysable=analysable, text_chars=text_chars)
    return dataset, files.pages, files.links


def _urls_without_text(upload) -> list[str] | None:
    """When the pages file has a URL column but no text (no text column, or an empty one): its columns that
    were recognised as no field (one may hold the text under a name the detection does not know); else None.
    Remembered per upload."""
    picked = st.session_state.get(PICKED_TEXT)    # a text column the user picked among the unrecognised ones
    memo = st.session_state.get(_NO_TEXT)
    if memo and memo[0] == (upload.key, picked):
        return memo[1]
    from inlink.site import columns, errors, tables

    try:   # the sheet the user picked; a file of headers alone has no URL to fetch
        with reading(upload):
            table = tables.read_table(upload.pages, upload.pages_name, upload.pages_sheet)
        st.session_state[_HEADERS_READ] = (upload.key, [str(h) for h in table.columns])
        found = columns.detect_page_columns(table.columns)
        if picked in table.columns:
            found["content"] = picked
        no_text = ("url" in found and _filled(table[found["url"]]).any()
                   and ("content" not in found or not _filled(table[found["content"]]).any()))
        answer = columns.unrecognised_headers(table.columns, found) if no_text else None
    except errors.SiteDataError:
        answer = None
    st.session_state[_NO_TEXT] = ((upload.key, picked), answer)
    return answer


def reading(upload):
    """The spinner shown while the pages file is read: a large crawl takes a while, so it is said, not left as a
    greyed page (the one wording for this page and the Upload page's column pickers)."""
    return st.spinner(f"Reading {upload.pages_name}…")


def headers_read(upload) -> list[str] | None:
    """The pages file's headers when _urls_without_text read this upload already (the Upload page's column pickers
    need no second read of a large crawl: three reads took most of a minute on a 67 MB file), else None."""
    memo = st.session_state.get(_HEADERS_READ)
    return memo[1] if memo and memo[0] == upload.key else None


def _filled(cells):
    """Which cells hold something other than blanks."""
    return cells.fillna("").astype(str).str.strip().ne("")


def _offer(manager, upload, unread: list[str]) -> None:
    """Fetch the pages of a file without text; when some of its columns were not recognised, one of them may be
    the text under another name: said first (a "Main Text 1" column was offered only a fetch)."""
    with st.container(border=True):
        if unread:
            st.markdown(f":material/travel_explore: **No column of {upload.pages_name} was recognised as page "
                        f"text.** If one of its other columns ({listed(unread)}) holds the text, pick it below "
                        "as the column for body text. "
                        "Otherwise fetch these pages from the site and use what is fetched.")
        else:
            st.markdown(f":material/travel_explore: **{upload.pages_name} has URLs but no page text.** "
                        "Without the text there is nothing to place a link in: fetch these pages from the site "
                        "and use what is fetched.")
        st.button("Fetch these pages", icon=":material/download:", key="fetch.upload_urls",
                  on_click=_fetch_upload, args=(manager, upload))


def _fetch_upload(manager, upload) -> None:
    """Fetch the upload's URLs (from the worksheet picked, not the first sheet's) and remember which upload the
    job fetched (fetched_from)."""
    _start(manager, upload.pages, upload.pages_name, {}, sheet=upload.pages_sheet)
    if not st.session_state.get(_ERROR):
        st.session_state.setdefault(_FROM_UPLOAD, {})[st.session_state[_JOB]] = upload.key


def fetched_from(upload, dataset) -> bool:
    """Whether the current `dataset` is what Fetch these pages fetched for this upload: its offer, column pickers
    and report are then done with (they stayed under the success message, asking for a text column the fetched
    pages have)."""
    job = dataset.summary.get("fetch_job") if dataset is not None else None
    return job is not None and st.session_state.get(_FROM_UPLOAD, {}).get(job) == upload.key


#: what the URL file box takes: a sitemap file too (read_source reads one, as `cli.py fetch` does), which the box
#: refused, so a sitemap saved from a site (a staging site's, one behind a login) could not be given here
FILE_TYPES = ["txt", "xml", "csv", "xlsx", "gz"]
#: the page size cap (`cli.py fetch --max-mb`), which the dashboard did not offer: a page over 5 MB, such as a
#: manual on one page, was "Page too large" with no way to fetch it from here
LARGEST_PAGE = "Largest page, MB"
#: the cap on the page URLs read from a sitemap (`cli.py fetch --max-sitemap-urls`, FetchSettings.max_sitemap_urls),
#: which only code could set: a sitemap index listing more pages than wanted was read up to the 100,000 default
SITEMAP_URLS = "Most URLs from a sitemap"


def _form(manager) -> None:
    from inlink.fetch.sitemap import MAX_SITEMAP_URLS   # (lxml with it) the fetch setting's own default

    # enter_to_submit=False: Enter in the URL box sent the site requests before the pace settings below it were
    # seen; only the button starts a fetch
    with st.form("fetch_form", border=False, enter_to_submit=False):
        sitemap = st.text_input("Sitemap URL", placeholder="https://www.example.com/sitemap.xml",
                                help="A sitemap or sitemap index (gzipped sitemaps too).")
        pasted = st.text_area("Or paste URLs, one per line", height=100)
        file = st.file_uploader("Or a URL file (TXT), a sitemap file (XML) or a CSV/XLSX export with a URL column",
                                type=FILE_TYPES, key="fetch.file")
        # a label on two lines at 1,024 px; the last box wider, or its default (100000) read "10000" there
        left, middle, right, last = st.columns([1, 1, 1, 1.35], vertical_alignment="bottom")
        connections = left.number_input("Connections at once", min_value=1, max_value=16, value=4,
                                        help="Be polite: most sites are fine with 4.")
        rate = middle.number_input("Requests per second at most", min_value=0.5, max_value=50.0, value=5.0,
                                   step=0.5)
        largest = right.number_input(LARGEST_PAGE, min_value=0.5, max_value=100.0, value=5.0, step=1.0,
                                     help="A larger page is not downloaded: it is listed as \"Page too large\". "
                                          "Raise it for a site of long single-page manuals.")
        sitemap_urls = last.number_input(SITEMAP_URLS, min_value=1, value=MAX_SITEMAP_URLS, step=1_000,
                                         help="Page URLs read from a sitemap (its URL or a file) and the sitemaps "
                                              "its index lists, at most: the rest is left unread, as the job's "
                                              "events say.")
        submitted = st.form_submit_button("Fetch pages", type="primary", icon=":material/download:")
    if submitted:
        given = [(file.getvalue(), file.name) if file is not None else None,
                 (pasted.encode(), "pasted URLs") if pasted.strip() else None,
                 (sitemap.strip(), None) if sitemap.strip() else None]
        chosen = [g for g in given if g]
        if len(chosen) != 1:
            st.warning("Give one source: a sitemap URL, pasted URLs or a file.", icon=":material/info:")
            return
        if sitemap.strip() and not _has_scheme(sitemap.strip()):
            return
        _start(manager, *chosen[0], {"connections": int(connections), "rate_per_s": float(rate),
                                     "max_bytes": int(largest * 1_000_000), "max_sitemap_urls": int(sitemap_urls)})


def _start(manager, source, name, options, sheet: str | None = None) -> None:
    """Queue the fetch job and follow it; a bad source or option is shown as a sentence. ``sheet``: the upload's
    worksheet, for Fetch these pages."""
    from inlink.tasks import fetch as fetch_task

    asked = hashlib.sha256(source if isinstance(source, bytes) else str(source).encode())
    asked.update(repr((name, sorted(options.items()), sheet)).encode())
    asked = asked.hexdigest()
    last, last_job = st.session_state.get(_STARTED) or (None, None)
    if asked == last and _active(manager, last_job):   # Ctrl+Enter in the URL box, then a click: fetched twice
        st.session_state[_JOB] = last_job
        st.toast("This fetch is running already: it was not started again.", icon=":material/info:")
        return
    try:
        job_id = fetch_task.start_fetch(manager, source, name=name, options=options, sheet=sheet)
    except (ValueError, JobError, OSError) as exc:   # a full disk as well as a bad source: a sentence, as generate's
        st.session_state[_ERROR] = plain_message(exc)
        return
    st.session_state[_JOB] = job_id
    st.session_state[_STARTED] = (asked, job_id)
    st.session_state.pop(_ERROR, None)


def _has_scheme(sitemap: str) -> bool:
    """Whether the Sitemap URL box holds an http(s) URL; else the refusal says so in a URL's words (it read "no
    http(s) URLs found (e.g. '...' on line 1 is not one)", a URL list's, for "www.example.com/sitemap.xml")."""
    from inlink.fetch.sitemap import is_url

    if is_url(sitemap):
        return True
    st.session_state[_ERROR] = (f"the sitemap URL {sitemap!r} does not start with http:// or https:// (e.g. "
                                f"https://{sitemap})")
    return False


def _active(manager, job_id: str | None) -> bool:
    try:
        return job_id is not None and manager.job(job_id).is_active
    except JobError:
        return False


def _follow(manager, job_id: str) -> None:
    job_panel(manager, job_id, key="fetch.panel", download=False)
    try:
        job = manager.job(job_id)
    except Exception:
        st.session_state.pop(_JOB, None)
        return
    if job.status is JobStatus.COMPLETED:
        _adopt(manager, job)


def _adopt(manager, job: Job) -> None:
    """Save the completed fetch as the current dataset (once), then point at Generate links."""
    adopted = st.session_state.setdefault(_ADOPTED, {})
    job_id = job.job_id
    latest = datasets.latest_dataset()
    if job_id not in adopted and latest is not None and latest.summary.get("fetch_job") == job_id:
        adopted[job_id] = (latest.dataset_id, latest.pages_path.read_bytes(), latest.links_path.read_bytes())
    if job_id not in adopted:
        dataset, pages, links = _save_fetched(manager, job)
        adopted[job_id] = (dataset.dataset_id, pages, links)
        st.session_state[_JOB] = job_id   # followed on: once saved, it is no longer newer than the dataset
        st.rerun()   # the page again: its "Current dataset" box, drawn above, still names the one before
    _, pages, links = adopted[job_id]
    statuses = (job.summary or {}).get("statuses") or {}
    site = fmt.fetched_site(job)
    st.success(f"Fetched pages{f' of {site}' if site else ''} saved as the current dataset: "
               + ", ".join(f"{label} {count}" for label, count in statuses.items())
               + ". Next: choose the settings and start the analysis.", icon=":material/check_circle:")
    not_fetched(manager, job_id, statuses)
    # one row, each at its own width, centred on one line: three fixed columns left wide gaps between the buttons and
    # set the link higher than them, at its column's top
    row = st.container(horizontal=True, vertical_alignment="center", key="fetch.next")
    row.download_button("Pages CSV", pages, file_name=PAGES_NAME, mime="text/csv",
                        icon=":material/download:", key="fetch.pages_csv")
    row.download_button("Links CSV", links, file_name=LINKS_NAME, mime="text/csv",
                        icon=":material/download:", key="fetch.links_csv")
    row.page_link(navigation.GENERATE, label="Go to Generate links", icon=":material/arrow_forward:")


def fetched_summary(pages: bytes, links: bytes) -> tuple[dict, list[str] | None, list[str] | None,
                                                          list[int] | None]:
    """The fetched dataset's figures as the importer counts them (uploads.summary_from): the pages it keeps (a URL
    that redirected to another fetched page is that page), the failed and non-HTML ones among them left out with
    their reason. Counted before from the job, every URL asked for was a page: "5 pages (1 left out)" for a
    4-page dataset whose analysis read 3. With them, the pages' URLs as read (uploads.page_urls) and those an
    analysis analyses (uploads.analysable_urls: without them, the Generate page parsed the fetched crawl again the
    first time exclude patterns were typed), and their texts' lengths (the Gemini cost said before Start). An
    unreadable file (it holds no page) gives no figures and no URLs."""
    from inlink.site import load as site_import
    from inlink.site.scope import analysable_text_chars, analysable_urls

    try:
        parts = site_import.load_parts(pages, links, pages_name=PAGES_NAME, links_name=LINKS_NAME)
    except site_import.SiteDataError:
        return {}, None, None, None
    frame = parts.pages
    return (datasets.summary_from(parts.report, parts.links_report), frame["url"].astype(str).tolist(),
            analysable_urls(frame), analysable_text_chars(frame))


def not_fetched(manager, job_id: str, statuses: dict) -> None:
    """The fetch report's detail: every page that was not fetched, with its status and the plain reason."""
    from inlink.tasks import fetch as fetch_task

    failed = fetch_task.not_fetched_count(statuses)
    if not failed:
        return
    with st.expander(f"Pages not fetched and why ({failed:,})"):
        slot = f"{_ADOPTED}.failed.{job_id}"
        if slot not in st.session_state:
            rows = fetch_task.fetched_results(manager, job_id)
            st.session_state[slot] = rows.loc[~rows["Status"].isin(fetch_task.NOT_FAILED),
                                              ["Requested URL", "Status", "Status Code", "Reason"]]
        st.dataframe(st.session_state[slot], hide_index=True, width="stretch", row_height=NOT_FETCHED_ROW_HEIGHT,
                     column_config=not_fetched_columns())


#: The pages not fetched at 1,024 px (528 px in the expander): before, the URL's column took them all and the status
#: and the reason, the "why", were behind a sideways scroll. Paths (the host is the fetched site's), and a reason
#: that wraps on two lines; wider pages grow the columns.
NOT_FETCHED_WIDTHS = {"Requested URL": 200, "Status": 95, "Status Code": 55, "Reason": 170}
NOT_FETCHED_ROW_HEIGHT = 66   # Streamlit wraps a cell's text only in rows taller than 64 px


def not_fetched_columns() -> dict:
    widths = NOT_FETCHED_WIDTHS
    return {"Requested URL": st.column_config.LinkColumn("Requested URL", width=widths["Requested URL"],
                                                         display_text=path_display()),
            "Status": st.column_config.TextColumn("Status", width=widths["Status"]),
            "Status Code": st.column_config.NumberColumn("Code", width=widths["Status Code"], format="%d"),
            "Reason": st.column_config.TextColumn("Reason", width=widths["Reason"])}
