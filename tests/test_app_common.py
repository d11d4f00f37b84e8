"""Helpers shared by the AppTest suites (imported by test_app_*.py), and tests of the UI's pure helpers."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from ui import format as fmt
from ui.jobs_table import page_count, page_rows
from ui.results import filter_suggestions, orphan_figures, score_histogram

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
PAGES = {"home": None, "upload": "pages/1_Upload.py", "generate": "pages/2_Generate_Links.py",
         "jobs": "pages/3_Jobs.py"}
SMALL_CRAWL = (
    "Address,Title 1,H1-1,Content\n"
    "https://example.com/,Home,Welcome,Welcome to our garden shop. Read the tomato growing guide and the compost guide.\n"
    "https://example.com/tomatoes,Tomato growing guide,Growing tomatoes,How to grow tomatoes in pots. Compost helps tomatoes.\n"
    "https://example.com/compost,Compost guide,Making compost,Compost from kitchen waste feeds tomatoes and roses.\n"
    "https://example.com/roses,Rose care,Caring for roses,Roses like compost. Tomatoes and roses share pests.\n"
)


def open_page(page: str, query: dict | None = None, timeout: float = 30) -> AppTest:
    """Run the app's entry script, then switch to `page` (a key of PAGES) like a user following a link."""
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=timeout)
    app.query_params.update(query or {})
    app.run()
    if PAGES[page]:
        app.switch_page(PAGES[page]).run()
    return app


def texts(elements) -> list[str]:
    return [str(element.value) for element in elements]


def assert_clean(app: AppTest) -> None:
    """No exception element and no traceback text anywhere on the page."""
    assert not app.exception, [e.message for e in app.exception]
    for element in list(app.error) + list(app.warning) + list(app.markdown):
        assert "Traceback" not in str(element.value)


@pytest.fixture(autouse=True)
def _stop_managers():
    """Each test gets its own jobs folder, so stop the JobManagers it started when it ends."""
    yield
    from ui.manager import shutdown_all

    shutdown_all(timeout=5)


def test_durations_and_rates_read_plainly():
    assert fmt.duration(None) == "—"
    assert fmt.duration(42) == "42 s"
    assert fmt.duration(187) == "3 min 07 s"
    assert fmt.duration(7500) == "2 h 05 min"
    assert fmt.rate(0.5) == "30.0 pages/min"
    assert fmt.rate(2) == "2.0 pages/s"
    assert fmt.money(0) == "—" and fmt.money(0.01234) == "$0.0123"
    assert fmt.timestamp("2026-11-22T08:30:00+00:00") == "2026-11-22 08:30 UTC"


def test_suggestion_filters_and_charts():
    frame = pd.DataFrame({"Source": ["https://x/a", "https://x/b", "https://x/c"],
                          "Destination": ["https://x/t", "https://x/t", "https://x/u"],
                          "Score": [0.2, 0.6, 0.9]})
    assert list(filter_suggestions(frame, source="/B")["Source"]) == ["https://x/b"]
    assert list(filter_suggestions(frame, destination="/u")["Score"]) == [0.9]
    assert len(filter_suggestions(frame, min_score=0.5)) == 2
    assert score_histogram(frame)["Suggestions"].sum() == 3
    assert orphan_figures({})is None
    assert list(orphan_figures({"orphans_before": 5, "orphans_after": 1})["Orphan pages"]) == [5, 1]


def test_jobs_table_pages():
    jobs = [{"job_id": f"j{i}", "status": "completed", "label": f"site{i}.csv"} for i in range(60)]
    assert page_count(60, 25) == 3 and page_count(0, 25) == 1
    last = page_rows(jobs, 3, 25)
    assert list(last["Job"]) == [f"j{i}" for i in range(50, 60)]
    assert page_rows(jobs, 99, 25)["Job"].iloc[0] == "j50"   # past the end -> the last page
