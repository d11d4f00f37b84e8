"""End to end in a real browser: downloads never fail while jobs run.

Every Streamlit script run ends by collecting the media files no session references, and while a job runs its
live panel (and the home banner, and the Jobs list) reruns every second in every open tab. A download whose file
was made at click time (a deferred download) is referenced by no session, so a refresh in any tab could delete it
before the browser fetched it, and a refresh of the panel holding the button replaced the button's file under the
click: the download came back "canceled" or never started (rarely: the browser fetches within milliseconds). Here the
server serves each file only after two more script runs have ended, as a busy browser or a slow link would
(tests/e2e_server.py), which made every deferred download fail. One finished job's four downloads (all rows and
accepted only, CSV and Excel) and a running job's "results so far" are taken again and again while the job runs and
three tabs refresh, and each file's content is checked. Waits are on conditions, never a sleep.
"""
from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from e2e_server import LATE_MEDIA_ENV, set_gate
from test_e2e_browser import ALL_PAGES, FIRST_PROGRESS_MS, SAMPLE, WAIT_MS, browser, open_page, ready, server, take  # noqa: F401 (fixtures)
from test_e2e_review import finished_sample_job

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROUNDS = 1             # new tabs, each taking every file (a second round, in a fresh tab, did the same again: 20 s)
HELD_AT = 6            # the running job's pages done while the test downloads (the gate holds it there)


def sheet(data: bytes) -> pd.DataFrame:
    return pd.read_excel(io.BytesIO(data), dtype=str).fillna("")


def test_downloads_never_fail_while_another_job_runs_and_every_tab_refreshes(browser, server, manager,  # noqa: F811
                                                                            monkeypatch):
    from inlink.jobs.manager import JobManager
    from inlink.tasks import analysis as link_task
    from inlink.ui import review
    from inlink.ui.exports import frame_to_xlsx

    finished = finished_sample_job(manager, label="finished.csv")
    first = manager.results_frame(finished).head(3)
    review.decide(manager, finished, review.row_keys(first).tolist(), review.ACCEPTED)
    running = link_task.start_analysis(manager, (SAMPLE / "pages.csv").read_bytes(), pages_name="running.csv",
                                       links=(SAMPLE / "inlinks.csv").read_bytes(), links_name="inlinks.csv")
    manager.shutdown(timeout=5)               # queued: the server's manager runs it
    set_gate(server.gate, HELD_AT)
    monkeypatch.setenv(LATE_MEDIA_ENV, "2")  # the browser fetches each file after two more runs ended
    server.start()
    observer = JobManager(server.jobs_dir, autostart=False)   # reads the files; runs nothing
    expected = {"CSV": observer.results_csv(finished),
                "Excel": sheet(frame_to_xlsx(observer.results_frame(finished))),
                "accepted (CSV)": review.accepted_csv(observer, finished),
                "accepted (Excel)": sheet(frame_to_xlsx(review.accepted_frame(observer, finished)))}
    assert len(review.accepted_frame(observer, finished)) == 3

    live = open_page(browser, server, f"generate_links?job={running}")           # the live panel, every second
    live.get_by_text(re.compile(rf"Running · {HELD_AT} of")).wait_for(timeout=FIRST_PROGRESS_MS)
    ready(live)
    refreshing = [open_page(browser, server, ""), open_page(browser, server, "jobs")]   # banner, jobs list
    so_far = observer.results_csv(running)
    assert so_far.count(b"\n") > 1
    taken = 0
    for _ in range(ROUNDS):
        page = open_page(browser, server, f"jobs?job={finished}")   # a new tab: each file prepared, then taken
        page.get_by_text(re.compile(r"\b3 accepted( \(\d+ of them filtered out\))? ·")).wait_for(timeout=WAIT_MS)
        for label, want in expected.items():
            data = take(page, label)
            if isinstance(want, bytes):
                assert data == want, label
            else:
                pd.testing.assert_frame_equal(sheet(data), want, obj=label)
            taken += 1
        assert take(page, "CSV") == expected["CSV"]                   # the prepared file, again
        page.close()
        assert take(live, "results so far (CSV)") == so_far     # from inside the refreshing panel
        taken += 2
    assert taken == ROUNDS * 6
    assert observer.get(running)["status"] == "running"      # the job ran beside every download
    set_gate(server.gate, ALL_PAGES)
    for tab in (live, *refreshing):
        tab.close()
