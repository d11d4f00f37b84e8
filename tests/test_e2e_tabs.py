"""End to end in a real browser, on finished jobs: two tabs open on one job stay in step when the analyst reviews
in one, and the Jobs table fits the page at 1,400 px.

The job panel refreshes itself only while a job can still change, so a finished job's review has its own
check; the waits are on the page's text (Playwright), never a sleep.
"""
from __future__ import annotations

import re

import pytest
from e2e_server import set_gate
from test_e2e_browser import ALL_PAGES, SAMPLE, browser, open_page, ready, server  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
IN_STEP_MS = 10_000   # the promise is about a second; the bound only ends a failing test


def decisions_line(page) -> str:
    return page.get_by_text(re.compile(r"suggestions match")).inner_text()


def finished_sample_job(manager, label: str | None = None) -> str:
    from inlink.tasks import analysis as link_task

    job_id = link_task.start_analysis(manager, (SAMPLE / "pages.csv").read_bytes(), pages_name="pages.csv",
                                      links=(SAMPLE / "inlinks.csv").read_bytes(), links_name="inlinks.csv",
                                      label=label)
    assert manager.wait(job_id, timeout=60)["status"] == "completed"
    return job_id


def test_a_decision_in_one_tab_shows_in_another_tab_on_the_same_finished_job(browser, server,  # noqa: F811
                                                                              manager):
    from inlink.ui import review

    job_id = finished_sample_job(manager)
    manager.shutdown(timeout=5)
    set_gate(server.gate, ALL_PAGES)
    server.start()
    first, second = (open_page(browser, server, f"jobs?job={job_id}") for _ in range(2))
    assert "0 accepted · 0 rejected" in decisions_line(second)
    for _ in range(3):   # each round ends where it began: nothing decided
        first.locator("button", has_text=re.compile(r"^Accept$")).first.click()
        in_step(first, second, r"· 1 accepted · 0 rejected")
        first.get_by_role("button", name="Reject these").click()
        in_step(first, second, r"· 0 accepted · [1-9]\d* rejected")
        first.get_by_role("button", name="Clear these").click()
        in_step(first, second, r"· 0 accepted · 0 rejected")
        assert not review.decisions(manager, job_id)   # no tab wrote an older decision back


def in_step(acting, other, shown: str) -> None:
    """Both tabs show `shown`, the other one without any action of its own."""
    for page in (acting, other):
        page.get_by_text(re.compile(shown)).wait_for(timeout=IN_STEP_MS)
        ready(page)


def test_the_jobs_table_and_the_review_cards_fit_the_page_at_1400_px(browser, server, manager):  # noqa: F811
    """Before: the table's ten columns were about 90 px wider than the page, so Updated and the job ids were cut
    off behind a sideways scroll; and a card's reason, its longest text, had a quarter of the card, which made
    every card two or three times as tall as its sentence."""
    job_id = finished_sample_job(manager, label="a crawl export with a rather long file name.csv")
    manager.shutdown(timeout=5)
    server.start()
    page = open_page(browser, server, "jobs")
    page.locator('[data-testid="stDataFrame"] .dvn-scroller').first.wait_for(timeout=10_000)
    scroll, client = page.evaluate("""() => { const e = document.querySelector('[data-testid="stDataFrame"] .dvn-scroller');
                                             return [e.scrollWidth, e.clientWidth]; }""")
    assert scroll <= client, (scroll, client)
    page = open_page(browser, server, f"jobs?job={job_id}")
    page.get_by_text("Anchor in context").first.wait_for(timeout=10_000)
    link, context, reason = page.evaluate("""() => Array.from(document.querySelector('mark').closest('div')
        .parentElement.children).map(part => part.getBoundingClientRect().width)""")
    assert reason >= context > link, (link, context, reason)


def test_a_job_deleted_elsewhere_leaves_the_open_list_and_job_tabs_within_a_second_or_so(browser, server,  # noqa: F811
                                                                                          manager):
    """Before: with no job active neither the Jobs list nor a finished job's page refreshed, so a job deleted
    from another tab or `cli.py jobs delete` stayed listed (and open) until the analyst clicked something."""
    from inlink.jobs import JobManager

    finished_sample_job(manager, "kept.csv")
    deleted = finished_sample_job(manager, "deleted.csv")
    manager.shutdown(timeout=5)
    server.start()
    listing, opened = open_page(browser, server, "jobs"), open_page(browser, server, f"jobs?job={deleted}")
    listing.get_by_text(re.compile(r"^2 jobs · showing")).wait_for(timeout=IN_STEP_MS)
    JobManager(server.jobs_dir, autostart=False).delete(deleted)     # as `cli.py jobs delete` does
    listing.get_by_text(re.compile(r"^1 job · showing")).wait_for(timeout=IN_STEP_MS)
    opened.get_by_text(f"Job {deleted} cannot be opened").wait_for(timeout=IN_STEP_MS)
    ready(listing)
    ready(opened)
