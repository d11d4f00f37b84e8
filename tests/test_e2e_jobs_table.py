"""End to end in a real browser: every cell of the Jobs table is whole at 1,400 px, for a large paid job too.
The waits are on the page (Playwright), never a sleep."""
from __future__ import annotations

import pytest
from test_e2e_browser import SAMPLE, browser, open_page, server  # noqa: F401 (fixtures)
from test_e2e_review import IN_STEP_MS, finished_sample_job

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PADDING_PX = 16   # the grid's cell padding, 8 px a side (Streamlit's --gdg-cell-horizontal-padding)
WIDEST = [["Job", "dddddddddddd"], ["Created", "May 30 22:48"], ["Updated", "May 30 22:48"]]   # ids: 12 hex digits


def a_large_paid_job(manager) -> str:
    """A finished job as a 104,230-page Gemini analysis that cost $1,234.56 would list."""
    from inlink.tasks.kinds import SPENT_COUNTER

    job_id = finished_sample_job(manager, label="big.csv")

    def large(job):
        options = {**(job.config.get("options") or {}), "engine": "gemini"}
        job.update(total_items=104_230, items_done=104_230, counters={**job.counters, SPENT_COUNTER: 1234.56},
                   config={**job.config, "options": options})
    manager.store.update_job(job_id, large)
    return job_id


def test_the_jobs_tables_cells_are_whole_for_a_large_paid_job_at_1400_px(browser, server, manager):  # noqa: F811
    """Before: "104,230/104,23…" in Pages (100 px) and the cost cut from $100 up (60 px)."""
    from inlink.ui.views.jobs import JOBS_COLUMNS

    a_large_paid_job(manager)
    manager.shutdown(timeout=5)
    server.start()
    page = open_page(browser, server, "jobs")
    page.wait_for_selector('[data-testid="stDataFrame"] [data-testid^="glide-cell"]', state="attached",
                           timeout=IN_STEP_MS)
    scroll, client = page.evaluate("""() => { const e = document.querySelector('[data-testid="stDataFrame"] .dvn-scroller');
                                             return [e.scrollWidth, e.clientWidth]; }""")
    assert scroll <= client, (scroll, client)   # the widths below are the ones drawn: no column squeezed or hidden
    texts = page.evaluate("""(widest) => { const grid = document.querySelector('[data-testid="stDataFrame"] table');
        const font = getComputedStyle(document.querySelector('.stDataFrameGlideDataEditor'));
        const pen = document.createElement('canvas').getContext('2d');
        pen.font = `400 14px ${font.getPropertyValue('--gdg-font-family')}`;
        const headers = Array.from(grid.querySelectorAll('th')).map(th => th.textContent);
        return Array.from(grid.querySelectorAll('th, td')).map((cell, i) => [headers[i % headers.length], cell.textContent.trim()])
            .concat(widest).map(([column, text]) => [column, text, pen.measureText(text).width]); }""", WIDEST)
    assert [value for _, value, _ in texts[10:]][5:8] == ["104,230/104,230", "32", "$1,234.56"], texts
    cut = [(column, value, round(width)) for column, value, width in texts
           if column != "Progress" and width + PADDING_PX > JOBS_COLUMNS[column]["width"]]
    assert not cut, cut


def test_a_list_drawn_while_no_job_runs_shows_a_job_deleted_or_started_elsewhere(browser, server, manager):  # noqa: F811
    """The list refreshed itself only while a job was active: drawn with none, it kept a job deleted from another
    tab or a terminal (`cli.py jobs delete`), and never showed a job started there, until a click; nor did the home
    page show its banner, nor Generate links its panel ("No analysis running")."""
    from inlink.jobs.manager import JobManager
    from inlink.tasks.analysis import start_analysis

    first, _ = (finished_sample_job(manager, label=name) for name in ("first.csv", "second.csv"))
    manager.shutdown(timeout=5)
    server.start()
    home, generate, page = (open_page(browser, server, path) for path in ("", "generate_links", "jobs"))
    page.get_by_text("2 jobs · select a row to open it", exact=True).wait_for(timeout=IN_STEP_MS)
    elsewhere = JobManager(server.jobs_dir, autostart=False)   # as the CLI, from a terminal
    elsewhere.delete(first)
    page.get_by_text("1 job · select a row to open it", exact=True).wait_for(timeout=IN_STEP_MS)
    page.wait_for_function(FILES_ARE, arg=["second.csv"], timeout=IN_STEP_MS)
    start_analysis(elsewhere, (SAMPLE / "pages.csv").read_bytes(), pages_name="pages.csv", label="third.csv")
    page.get_by_text("2 jobs · select a row to open it", exact=True).wait_for(timeout=IN_STEP_MS)   # the server
    page.wait_for_function(FILES_ARE, arg=["third.csv", "second.csv"], timeout=IN_STEP_MS)   # runs it, held by the gate
    home.locator('[data-testid="stMain"] code', has_text="third.csv").wait_for(timeout=IN_STEP_MS)   # the banner
    generate.locator('[data-kind="job-title"]', has_text="third.csv").wait_for(timeout=IN_STEP_MS)   # its panel


#: Whether the table's File column (the grid's cells are drawn on a canvas; its table is the accessible copy) holds
#: exactly these files, in order.
FILES_ARE = """(files) => { const grid = document.querySelector('[data-testid="stDataFrame"] table');
    if (!grid) return false;
    const headers = Array.from(grid.querySelectorAll('th')).map(th => th.textContent.trim());
    const column = headers.indexOf('File');
    const shown = Array.from(grid.querySelectorAll('tbody tr')).map(row => row.children[column]?.textContent.trim());
    return JSON.stringify(shown) === JSON.stringify(files); }"""
