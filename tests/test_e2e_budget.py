"""End to end in a real browser: a Gemini job paused at its budget goes on from the dashboard with a larger one.

The job runs against the fake Gemini server on 127.0.0.1 (tests/fake_gemini.py), started by this test; the real
`streamlit run` server (tests/e2e_server.py, its gate wide open) reads the same settings file. The waits are on
the page's text (Playwright) and on the job's metadata, never a sleep.
"""
from __future__ import annotations

import json
import re

import pytest
from e2e_server import set_gate
from test_e2e_browser import ALL_PAGES, SAMPLE, browser, open_page, ready, server  # noqa: F401
from test_link_task import gemini  # noqa: F401   (the fake server, named in a settings file)
from waiting import wait_for

from tests import fake_gemini as fg

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WAIT_MS = 60_000   # the bound only ends a failing test


def test_a_job_paused_at_its_budget_goes_on_with_a_larger_one_typed_in_its_panel(browser, server, manager,  # noqa: F811
                                                                                 gemini, tmp_path,  # noqa: F811
                                                                                 monkeypatch):
    from inlink.tasks import analysis as link_task

    settings = tmp_path / "gemini.json"
    settings.write_text(json.dumps({**json.loads(settings.read_text()), "max_in_flight": 1}))
    gemini.script = [fg.success({"suggestions": []}, prompt_tokens=400_000, output_tokens=0)]   # $0.10 a page
    job_id = link_task.start_analysis(manager, (SAMPLE / "pages.csv").read_bytes(), pages_name="pages.csv",
                                      engine="gemini", api_key="k",
                                      options={"budget_usd": 0.15, "min_confidence": 0.0})
    wait_for(lambda: manager.get(job_id)["status"] == "paused", 60, "the budget pause")
    manager.shutdown(timeout=5)
    monkeypatch.setenv("GEMINI_API_KEY", "k")         # the server's environment: the resumed run's key
    set_gate(server.gate, ALL_PAGES)
    server.start()
    page = open_page(browser, server, f"jobs?job={job_id}")
    page.locator('[data-testid="stAlert"]').get_by_text("(the budget field below)").wait_for(timeout=WAIT_MS)
    page.locator('[data-kind="events"]').get_by_text("(the budget field below)").wait_for(timeout=WAIT_MS)   # whole
    field = page.get_by_label("Budget (US dollars)", exact=True)
    assert field.input_value() == "0.1500"
    field.fill("100")
    field.press("Enter")
    ready(page)
    page.get_by_role("button", name="Raise budget and resume").click()
    page.get_by_text(re.compile(r"^Completed · ")).wait_for(timeout=WAIT_MS)
    ready(page)
    meta = manager.get(job_id)
    assert meta["status"] == "completed" and meta["config"]["options"]["budget_usd"] == 100
    assert meta["counters"]["cost_usd"] > 0.15
    assert page.get_by_label("Budget (US dollars)", exact=True).count() == 0    # a finished job has no budget to raise
