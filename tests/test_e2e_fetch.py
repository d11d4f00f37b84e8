"""End to end in a real browser: fetch a local site (30 pages of the python docs served on 127.0.0.1) from the
dashboard's "Fetch from the site" form, see it become the current dataset, then analyse it."""
from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from fetch_server import SiteServer, unpack_site
from e2e_server import set_gate
from test_e2e_browser import ALL_PAGES, FIRST_PROGRESS_MS, WAIT_MS, browser, buttons_whole, open_page, ready, server, table_fits_with  # noqa: F401
from waiting import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PAGES = ["library/json.html", "library/csv.html", "library/re.html", "library/string.html", "library/io.html",
         "library/pickle.html", "library/marshal.html", "library/os.path.html", "library/pathlib.html",
         "library/sys.html", "library/datetime.html", "library/time.html", "library/math.html",
         "library/random.html", "library/collections.html", "library/itertools.html", "library/functools.html",
         "library/typing.html", "library/logging.html", "library/shutil.html", "library/glob.html",
         "library/tempfile.html", "library/zipfile.html", "library/gzip.html", "library/struct.html",
         "library/copy.html", "library/pprint.html", "library/enum.html", "library/heapq.html",
         "library/bisect.html"]


def fetch_settings_in_line(page) -> None:
    """The form's three settings stand in one line at 1,024 px, though "Requests per second at most" takes two lines
    of label there (with a third setting, the page size cap, its box stood lower than the other two)."""
    page.set_viewport_size({"width": 1024, "height": 1000})
    boxes = [page.get_by_role("spinbutton", name=name) for name in ("Connections at once",
                                                                    "Requests per second at most", "Largest page, MB")]
    boxes[-1].scroll_into_view_if_needed()
    tops = {round(box.bounding_box()["y"]) for box in boxes}
    assert len(tops) == 1, tops
    page.set_viewport_size({"width": 1400, "height": 1000})


@pytest.fixture
def small_site(tmp_path):
    site_server = SiteServer(unpack_site(tmp_path / "site")).start()
    site_server.behaviour.only = set(PAGES)
    site_server.behaviour.sitemap_paths = PAGES
    yield site_server
    site_server.stop()


def test_fetch_the_site_from_the_dashboard_then_analyse_it(browser, server, small_site):  # noqa: F811
    from inlink.jobs.manager import JobManager
    from inlink.tasks import fetch as fetch_task

    set_gate(server.gate, ALL_PAGES)        # the server's analyses run freely (the test holds nothing)
    server.start()
    page = open_page(browser, server, "upload")
    page.get_by_role("textbox", name="Sitemap URL").fill(small_site.url("sitemap.xml"))
    fetch_settings_in_line(page)
    rate = page.get_by_role("spinbutton", name="Requests per second at most")
    rate.fill("50")
    page.get_by_role("button", name="Fetch pages").click()
    page.get_by_text(f"Fetched pages of {small_site.base} saved as the current dataset").wait_for(timeout=FIRST_PROGRESS_MS)
    ready(page)
    assert "OK 30" in page.inner_text('[data-testid="stMain"]')
    next_steps_on_one_line(page)
    fetched = {p for p, _, _ in small_site.behaviour.log if p.endswith(".html")}
    assert fetched == {"/" + p for p in PAGES}                      # each page asked for, nothing else

    generate = open_page(browser, server, "generate_links")
    assert "fetched-pages.csv" in generate.inner_text('[data-testid="stMain"]')
    generate.get_by_role("button", name="Start analysis").click()
    generate.get_by_text("Analysis started").wait_for(timeout=WAIT_MS)
    observer = JobManager(server.jobs_dir, autostart=False)
    analysis = next(j for j in observer.list_jobs() if j["task"] == "link_analysis")
    def finished():
        job = observer.get(analysis["job_id"])
        return job if job["status"] in ("completed", "failed") else None
    done = wait_for(finished, 90, "the analysis to finish")
    assert done["status"] == "completed", done.get("error")
    rows = observer.results_frame(analysis["job_id"])
    assert len(rows) > 0
    fetch_job = next(j for j in observer.list_jobs() if j["task"] == "site_fetch")
    links = pd.read_csv(io.BytesIO(fetch_task.links_csv(observer, fetch_job["job_id"])), keep_default_na=False)
    existing = set(zip(links["Source"], links["Destination"]))
    assert not existing & set(zip(rows["Source"], rows["Destination"]))
    jobs_table_shows_no_none(browser, server, fetch_job["job_id"], analysis["job_id"])


def next_steps_on_one_line(page) -> None:
    """Pages CSV, Links CSV and Go to Generate links side by side, centred on one line (before: three fixed columns,
    wide gaps between the buttons and the link set higher than them)."""
    parts = [page.get_by_role("button", name="Pages CSV"), page.get_by_role("button", name="Links CSV"),
             page.get_by_role("link", name="Go to Generate links")]
    boxes = [part.bounding_box() for part in parts]
    middles = [box["y"] + box["height"] / 2 for box in boxes]
    gaps = [right["x"] - (left["x"] + left["width"]) for left, right in zip(boxes, boxes[1:])]
    assert max(middles) - min(middles) <= 2 and all(0 <= gap <= 32 for gap in gaps), (middles, gaps)


def jobs_table_shows_no_none(browser, server, fetch_id: str, analysis_id: str) -> None:  # noqa: F811
    """The Jobs table: a fetch job has no suggestions, shown as "—" (before: "None"); the analysis its count."""
    page = open_page(browser, server, "jobs")
    page.wait_for_function("""(ids) => { const cells = Array.from(document.querySelectorAll(
        '[data-testid="stDataFrame"] td[data-testid^="glide-cell"]'), cell => cell.textContent);
        return ids.every(id => cells.includes(id)); }""", arg=[fetch_id, analysis_id], timeout=WAIT_MS)   # both drawn
    rows = page.evaluate("""() => {
        const rows = {};
        for (const cell of document.querySelectorAll('[data-testid="stDataFrame"] td[data-testid^="glide-cell"]')) {
            const [column, row] = cell.dataset.testid.split('-').slice(2).map(Number);   // glide-cell-<col>-<row>
            (rows[row] = rows[row] || [])[column] = cell.textContent; }
        return Object.values(rows); }""")
    header = ["", "Job", "File", "Status", "Engine", "Progress", "Pages", "Suggestions"]   # "": the row marker
    by_job = {row[1]: dict(zip(header, row)) for row in rows}
    assert by_job[fetch_id]["Suggestions"] == "—", by_job
    assert by_job[analysis_id]["Suggestions"].strip().replace(",", "").isdigit(), by_job
    assert not any("None" in text for row in rows for text in row if text), rows
    page.close()
    detail = open_page(browser, server, f"jobs?job={fetch_id}")
    buttons_whole(detail, "Prepare pages CSV")
    detail.close()


def test_the_pages_not_fetched_show_their_reason_at_1024_px(browser, server, small_site, manager):  # noqa: F811
    """Before: at 1,024 px the URL's column took the whole table of the pages not fetched, and the status and the
    reason, the "why", were behind a sideways scroll."""
    from inlink.tasks.fetch import start_fetch

    small_site.behaviour.sitemap_paths = PAGES[:3] + ["library/a-page-the-site-no-longer-has-under-this-name.html"]
    job_id = start_fetch(manager, small_site.url("sitemap.xml"), options={"rate_per_s": 0})
    assert manager.wait(job_id, timeout=60)["status"] == "completed"
    manager.shutdown(timeout=5)
    server.start()
    page = open_page(browser, server, f"jobs?job={job_id}")
    page.set_viewport_size({"width": 1024, "height": 1000})
    page.get_by_text("Pages not fetched and why (1)").click()
    table_fits_with(page, '[data-testid="stExpander"] [data-testid="stDataFrame"]',
                    ["Requested URL", "Status", "Code", "Reason"])


def test_a_running_fetchs_latest_pages_fit_the_panel_at_1024_px(browser, server, small_site):  # noqa: F811
    """Before: the panel's latest pages, drawn to their contents in the panel's right-hand column (323 px at
    1,024 px), scrolled sideways and cut Word Count. The site holds the last pages, so the fetch is running when the
    test looks, however fast the machine."""
    small_site.behaviour.sitemap_paths = PAGES[:5]
    small_site.behaviour.allow_pages(PAGES[:3])
    server.start()
    try:
        page = open_page(browser, server, "upload")
        page.set_viewport_size({"width": 1024, "height": 1000})
        page.get_by_role("textbox", name="Sitemap URL").fill(small_site.url("sitemap.xml"))
        page.get_by_role("button", name="Fetch pages").click()
        page.get_by_text(re.compile(r"Running · 3 of 5 URLs")).wait_for(timeout=FIRST_PROGRESS_MS)
        table_fits_with(page, '[data-testid="stMain"] [data-testid="stDataFrame"]',
                        ["Address", "Status", "Code", "Words"])
    finally:
        small_site.behaviour.allow_pages(None)   # the held requests end, and the server stops with the fetch done
