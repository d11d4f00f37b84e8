"""End to end in a real browser: a job's file name is drawn as written, never as a link, wherever the dashboard
names the job (Streamlit's Markdown turns "www.example.com" and "https://..." into live links). The waits are on the
page's text (Playwright), never a sleep."""
from __future__ import annotations

import pytest
from test_e2e_browser import browser, open_page, server, shown  # noqa: F401 (fixtures)
from test_e2e_review import IN_STEP_MS, finished_sample_job

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ADDRESS_LIKE = "crawl-www.example-shop.co.uk-2026.csv"


def test_a_file_name_like_a_web_address_is_plain_text_in_the_job_title(browser, server, manager):  # noqa: F811
    """Before: the title of a job on "crawl-www.example-shop.co.uk-2026.csv" was a link to
    http://www.example-shop.co.uk-2026.csv, one click away from leaving the app for a site that does not exist."""
    job_id = finished_sample_job(manager, label=ADDRESS_LIKE)
    manager.shutdown(timeout=5)
    server.start()
    page = open_page(browser, server, f"jobs?job={job_id}")
    title = page.locator('[data-testid="stMain"] h4', has_text="crawl-www")
    shown(title.first, "the job's title", IN_STEP_MS)
    assert title.first.inner_text().strip() == ADDRESS_LIKE
    assert title.first.locator("a").count() == 0, title.first.inner_html()
    assert page.locator('[data-testid="stMain"] a[href*="example-shop"]').count() == 0
