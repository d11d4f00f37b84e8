"""Dashboard edges: time left from a recent window, plurals, workbooks with several sheets."""
from __future__ import annotations

import io

import pandas as pd

from inlink import uploads as datasets
from inlink.ui import eta
from inlink.ui import format as fmt
from waiting import wait_for
from test_app_common import SAMPLE, SMALL_CRAWL, _stop_managers, assert_clean, open_page, texts  # noqa: F401


def seen(points):
    samples = []
    for when, done in points:
        samples = eta.observe(samples, when, done)
    return samples


def test_time_left_ignores_preparation_and_follows_the_recent_pace():
    # the tab opens at t=0 with 0 pages done; preparing takes 10 s; then 2 pages a second for 100 pages
    points = [(0.0, 0)] + [(10.0 + i / 2, i) for i in range(1, 11)]
    samples = seen(points)
    left = eta.time_left(samples, 15.0, 10, 100)
    assert left == 45.0                          # 90 pages at 2 per second, not at 10 pages per 15 s
    assert eta.time_left(seen(points[:2]), 10.0, 1, 100) is None   # one page seen: still estimating
    # the job slows down to a page every 5 s: the window follows within WINDOW_S
    slow = points + [(15.0 + 5 * i, 10 + i) for i in range(1, 20)]
    rate = eta.recent_rate(seen(slow), 110.0)
    assert 0.19 < rate < 0.25
    assert eta.observe(seen(points), 16.0, 3) == [(16.0, 3)]      # counts that go back start afresh


def test_a_job_faster_than_the_window_between_two_refreshes_still_gets_a_time_left():
    """150 pages a second, the tab refreshing every second: every refresh moved past WINDOW_PAGES, the window
    held one count, and "Time left" read "…" from the start of a 497-page job to its end."""
    points = [(0.0, 0)] + [(1.0 + i, 150 * (i + 1)) for i in range(3)]
    assert eta.time_left(seen(points[:2]), 1.0, 150, 5000) is None     # one count seen move: still estimating
    left = eta.time_left(seen(points), 3.0, 450, 5000)
    assert left == (5000 - 450) / 150


def test_plurals_read_right():
    assert fmt.plural(1, "job") == "1 job"
    assert fmt.plural(0, "job") == "0 jobs"
    assert fmt.plural(1250, "page") == "1,250 pages"
    assert fmt.plural(1, "page URL") == "1 page URL"


def workbook(**sheet_frames) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheet_frames.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


def job_of_saved_dataset() -> tuple[dict, dict]:
    """Start a job on the saved dataset from the Generate page: (its config as created, its metadata once
    it has ended)."""
    from inlink.ui.manager import get_manager
    from test_app_common import wait_status

    generate = open_page("generate")
    generate.button(key="generate.start").click().run()
    assert_clean(generate)
    job_id = generate.query_params["job"]
    config = get_manager().get(job_id)["config"]
    return config, wait_status(get_manager(), job_id, "completed", "failed", timeout=60)


def test_a_workbook_with_several_sheets_names_them_and_the_job_reads_the_chosen_one():
    crawl = pd.read_csv(io.StringIO(SMALL_CRAWL))
    data = workbook(Summary=pd.DataFrame({"Report": ["made by a crawler"]}), Pages=crawl)
    app = open_page("upload")
    app.file_uploader(key="upload.pages_file").upload(
        "crawl.xlsx", data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").run()
    assert_clean(app)
    assert any("2 sheets in this workbook: Summary, Pages" in c for c in texts(app.caption))
    app.selectbox(key="upload.pages_sheet").set_value("Pages").run()
    assert_clean(app)
    assert next(m.value for m in app.metric if m.label == "Pages kept") == "4"
    app.button(key="upload.use").click().run()
    saved = datasets.latest_dataset()
    assert (saved.pages_name, saved.sheet) == ("crawl.xlsx", "Pages")
    assert saved.pages_path.read_bytes() == data                          # the workbook as uploaded
    config, meta = job_of_saved_dataset()
    assert config["sheet"] == "Pages" and meta["status"] == "completed"   # what the job reads


def test_a_links_workbook_sheet_is_read_by_name_and_the_job_reads_it_too():
    """Before: the chosen sheet was handed over as a one-sheet copy of the workbook; now the workbook is kept as
    uploaded and the importer, the saved dataset and the job read the sheet by name."""
    links = pd.DataFrame({"Source": ["https://example.com/"], "Destination": ["https://example.com/roses"],
                          "Anchor": ["roses"]})
    data = workbook(Notes=pd.DataFrame({"Note": ["x"]}), Links=links)
    app = open_page("upload")
    app.file_uploader(key="upload.pages_file").upload("crawl.csv", SMALL_CRAWL.encode(), "text/csv")
    app.file_uploader(key="upload.links_file").upload(
        "inlinks.xlsx", data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").run()
    assert any("2 sheets in this workbook: Notes, Links" in c for c in texts(app.caption))
    app.selectbox(key="upload.links_sheet").set_value("Links").run()
    assert_clean(app)
    assert any("Existing links: 1 kept of 1 read" in c for c in texts(app.caption))
    app.button(key="upload.use").click().run()
    saved = datasets.latest_dataset()
    assert (saved.links_name, saved.links_sheet) == ("inlinks.xlsx", "Links")
    assert saved.links_path.read_bytes() == data                          # the workbook as uploaded
    config, meta = job_of_saved_dataset()
    assert config["links_sheet"] == "Links"
    assert meta["status"] == "completed" and meta["summary"]["import"]["links_kept"] == 1


def test_one_sheet_asks_nothing():
    app = open_page("upload")
    app.file_uploader(key="upload.pages_file").upload(
        "crawl.xlsx", workbook(Pages=pd.read_csv(io.StringIO(SMALL_CRAWL))),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").run()
    assert_clean(app)
    assert not [s for s in app.selectbox if s.key == "upload.pages_sheet"]
    assert next(m.value for m in app.metric if m.label == "Pages kept") == "4"


def test_the_panel_says_estimating_until_it_has_seen_pages_go_by():
    from inlink.ui.manager import get_manager
    from test_app_common import seed_job, wait_status

    manager = get_manager()
    job_id = seed_job(manager, "held.csv", pages=3)               # held at its first page by the gate
    wait_status(manager, job_id, "running")
    # at its pages: a job running but still before them (no total yet) says "—", not "…" (seen once under load)
    wait_for(lambda: manager.job(job_id).progress()["total_items"], 15, "the job's pages to be counted")
    app = open_page("generate", {"job": job_id})
    assert_clean(app)
    left = next(m for m in app.metric if m.label == "Time left")
    assert left.value == "…" and "until a few pages" in left.help
    # nor a pace before the tab saw one (the run's own rate counted a second core's burst: 10,490, then 185)
    assert next(m for m in app.metric if m.label == "Pages per minute").value == "…"


def test_the_import_report_says_1_page_url_has():
    from inlink.site import load as site_import

    crawl = SMALL_CRAWL.replace("https://example.com/roses,", "https://example.com/roses?page=2,")
    _, report = site_import.load_pages(crawl.encode(), "crawl.csv")
    # and "is kept as a separate page", not "as separate pages" (the sample site's report, on the Upload page)
    assert any(w.startswith("1 page URL has a query string and is kept as a separate page, e.g. ")
               for w in report.warnings), report.warnings
    # a page left out of the targets is not said to be kept: the sample site's "?size=1kg" page (canonicalised to
    # the page without its query) was said both "kept as a separate page" and left out, "non-indexable"
    _, report = site_import.load_pages(SAMPLE / "pages.csv")
    assert any("size=1kg" in url for url, _why in report.excluded)
    assert not [w for w in report.warnings if "query string" in w], report.warnings


def _two_fragments_between_two_lines():
    import streamlit as st

    from inlink.ui.fragments import fragment

    st.markdown("before")
    fragment(lambda: st.markdown("watched"), run_every=60)()
    fragment(lambda: None)()        # a fragment that draws nothing, like the decision watch
    st.markdown("after")


def test_each_fragment_stands_alone_in_a_container_the_page_run_draws():
    """inlink/ui/fragments.py says why: a fragment's own container can be dropped on its way to the browser when a
    run of that fragment starts right after the page run, and the browser then wrote the fragment's next run into
    the place of the sibling after it (the job page lost its whole review). Each fragment is the one child of a
    container of the page run's, so the places of the page's own elements never depend on a fragment's."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_function(_two_fragments_between_two_lines).run()
    assert not app.exception
    main = list(app.main.children.values())
    assert [getattr(node, "type", None) for node in main] == ["markdown", "flex_container", "flex_container",
                                                              "markdown"]
    assert main[0].value == "before" and main[3].value == "after"
    for slot, drawn in ((main[1], ["watched"]), (main[2], [])):
        (own,) = slot.children.values()        # the fragment's own container, alone in its slot
        assert [element.value for element in own.children.values()] == drawn
