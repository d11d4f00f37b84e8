"""End to end in a real browser: two tabs open on one finished job stay in step when the analyst reviews in one.

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


def test_a_decision_in_one_tab_shows_in_another_tab_on_the_same_finished_job(browser, server,  # noqa: F811
                                                                              manager):
    from inlink.tasks import analysis as link_task
    from inlink.ui import review

    job_id = link_task.start_analysis(manager, (SAMPLE / "pages.csv").read_bytes(), pages_name="pages.csv",
                                      links=(SAMPLE / "inlinks.csv").read_bytes(), links_name="inlinks.csv")
    assert manager.wait(job_id, timeout=60)["status"] == "completed"
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
