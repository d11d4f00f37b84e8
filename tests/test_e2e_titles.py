"""End to end in a real browser: a job's file name is drawn as written, never as a link, wherever the dashboard
names the job (Streamlit's Markdown turns "www.example.com" and "https://..." into live links). The waits are on the
page's text (Playwright), never a sleep."""
from __future__ import annotations

import pytest
from e2e_server import set_gate
from test_e2e_browser import SAMPLE, browser, open_page, server, shown  # noqa: F401 (fixtures)
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


def test_a_file_name_like_a_web_address_is_plain_text_in_the_banner_and_the_delete_dialog(browser, server, manager):  # noqa: F811
    """Before: the home banner, the delete dialog and the notice after it drew "www.example-shop.co.uk-2026.csv"
    as a live link (Markdown's autolinks ignore as_text's escapes); the name is a code span now, never a link."""
    from inlink.tasks import analysis as link_task

    set_gate(server.gate, 0)
    job_id = link_task.start_analysis(manager, (SAMPLE / "pages.csv").read_bytes(), pages_name="pages.csv",
                                      label=ADDRESS_LIKE)
    manager.pause(job_id)                      # queued, then paused: the banner shows it at rest
    manager.shutdown(timeout=5)
    server.start()
    home = open_page(browser, server, "")
    shown(home.get_by_text("Paused analysis:"), "the banner", IN_STEP_MS)
    shown(home.locator('[data-testid="stMain"] code', has_text=ADDRESS_LIKE), "the banner's file name", IN_STEP_MS)
    assert no_link(home)
    page = open_page(browser, server, f"jobs?job={job_id}")
    page.get_by_role("button", name="Delete", exact=True).click()
    dialog = page.get_by_role("dialog")
    shown(dialog.locator("code", has_text=ADDRESS_LIKE), "the delete dialog's file name", IN_STEP_MS)
    assert no_link(page)
    dialog.get_by_role("button", name="Delete", exact=True).click()
    shown(page.get_by_text("Deleted the job for"), "the notice of the deletion", IN_STEP_MS)
    assert page.locator('[data-testid="stAlert"] code', has_text=ADDRESS_LIKE).count() == 1
    assert no_link(page)


def no_link(page) -> bool:
    return page.locator('a[href*="example-shop"]').count() == 0
