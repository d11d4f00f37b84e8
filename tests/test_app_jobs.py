"""AppTest of the Jobs page and the home page: listing, filters, opening a job, downloads, delete, clean-up."""
from __future__ import annotations

import html
import io

import pandas as pd
from openpyxl import load_workbook
import pytest

from inlink import uploads as datasets
from inlink.jobs.manager import JobNotFound
from test_app_common import (SMALL_CRAWL, GateTask, _stop_managers, assert_clean, open_page, open_tab, seed_job,  # noqa: F401
                             job_titles, markdown_sources, texts, wait_status)
from inlink.ui import format as fmt
from inlink.ui.exports import frame_to_xlsx, results_csv, results_xlsx
from inlink.ui.manager import get_manager


@pytest.fixture
def manager():
    return get_manager()


def finished_job(manager, label: str, pages: int = 3) -> str:
    GateTask.GATE.set()
    job_id = seed_job(manager, label, pages)
    wait_status(manager, job_id, "completed")
    return job_id


def table(app) -> pd.DataFrame:
    return app.dataframe[0].value


def test_list_filter_and_search(manager):
    done = [finished_job(manager, f"shop-{i}.csv", pages=1) for i in range(3)]
    GateTask.GATE.clear()
    running = seed_job(manager, "blog.csv")
    manager.stop(running)
    wait_status(manager, running, "stopped")
    app = open_page("jobs")
    assert_clean(app)
    assert set(table(app)["Job"]) == set(done) | {running}
    app.selectbox(key="jobs.status_filter").set_value("stopped").run()
    assert list(table(app)["Job"]) == [running]
    app.selectbox(key="jobs.status_filter").set_value("all")
    app.text_input(key="jobs.search").set_value("SHOP-1").run()
    assert list(table(app)["File"]) == ["shop-1.csv"]
    app.text_input(key="jobs.search").set_value("nothing like this").run()
    # the ways that can help, only: "or choose All statuses" was said with All statuses chosen
    assert "No jobs match: clear the search." in texts(app.info)


def test_open_job_shows_results_charts_and_downloads(manager):
    job_id = finished_job(manager, "garden.csv")
    app = open_page("jobs", {"job": job_id})
    assert_clean(app)
    assert job_titles(app) == ["garden.csv"]   # the title, as written
    labels = [b.label for b in app.button]
    assert "Prepare CSV" in labels and "Prepare Excel" in labels and not app.get("download_button")
    app.button(key="jobs.csv_prepare").click().run()          # built once, on that click; then downloaded
    assert [d.proto.label for d in app.get("download_button")] == ["Download CSV"]
    prepared = app.session_state["exports.prepared"]["jobs.csv"]
    assert prepared.data == manager.results_csv(job_id) and prepared.version == (job_id, 3)
    assert not [d for d in app.dataframe if "Source" in d.value.columns]                       # the Review tab open
    assert not [m for m in app.metric if m.label.startswith("Orphan")]
    open_tab(app, f"jobs.results.{job_id}", "Charts")
    assert any(m.label == "Orphan pages after the suggestions" and m.value == "1" for m in app.metric)
    open_tab(app, f"jobs.results.{job_id}", "Table")
    suggestions = app.dataframe[-1].value
    assert len(suggestions) == 3
    minimum = app.slider(key=f"jobs.results.{job_id}_minimum_score")
    assert (minimum.min, minimum.value) == (0.25, 0.25)   # from the lowest row (the job's floor), not 0.00
    minimum.set_value(0.3).run()   # scores are 0.25, 0.35, 0.45
    assert sorted(app.dataframe[-1].value["Score"]) == [0.35, 0.45]
    app.text_input(key=f"jobs.results.{job_id}_source").set_value("PAGE-2").run()
    assert list(app.dataframe[-1].value["Source"]) == ["https://example.com/page-2"]


def test_downloads_are_built_at_click_time_and_formula_safe(manager):
    job_id = finished_job(manager, "garden.csv")
    csv = pd.read_csv(io.BytesIO(results_csv(manager, job_id)()))
    assert sorted(csv["Source"]) == [f"https://example.com/page-{i}" for i in range(3)]
    workbook = pd.read_excel(io.BytesIO(results_xlsx(manager, job_id)()))
    assert len(workbook) == 3
    risky = pd.DataFrame({"Anchor": ["=HYPERLINK(\"http://evil\")", "--cgi", "@sum", "plain"]})
    cells = [row[0] for row in load_workbook(io.BytesIO(frame_to_xlsx(risky))).active.iter_rows(min_row=2)]
    assert [cell.value for cell in cells] == list(risky["Anchor"])     # exactly the engine's text, no apostrophe
    assert [cell.data_type for cell in cells] == ["s"] * 4              # text, never a formula
    assert [bool(cell.quotePrefix) for cell in cells] == [True, True, True, False]   # and stays text when edited


def test_delete_asks_for_confirmation(manager):
    job_id = finished_job(manager, "old.csv")
    app = open_page("jobs", {"job": job_id})
    app.button(key="jobs.delete").click().run()
    assert_clean(app)
    assert manager.get(job_id)   # nothing deleted before the confirmation
    assert any("removed for good" in m for m in texts(app.markdown))
    app.button(key="jobs.confirm_delete").click().run()
    assert_clean(app)
    with pytest.raises(JobNotFound):
        manager.get(job_id)
    assert "job" not in app.query_params
    assert any("Deleted the job for `old.csv`." in s for s in texts(app.success))


def test_cleanup_says_what_it_will_remove_and_removes_it_only_once_confirmed(manager):
    """Clean up acted at once; it now names the jobs (how many, which statuses, which files) and waits for Remove,
    and Cancel leaves everything as it was."""
    job_id = finished_job(manager, "ancient_site.csv", pages=1)
    GateTask.FAIL_ONCE.add(failed := seed_job(manager, "broken.csv", pages=1))
    wait_status(manager, failed, "failed")
    GateTask.GATE.clear()
    running = seed_job(manager, "busy.csv", pages=1)                   # held at its first page
    app = open_page("jobs")
    app.number_input(key="jobs.cleanup_days").set_value(0)
    app.button(key="jobs.cleanup").click().run()
    assert_clean(app)
    question = next(m for m in texts(app.markdown) if "for good" in m)
    assert "Remove 2 finished jobs (1 failed, 1 completed) for good, with their results and decisions?" in question
    assert "`broken.csv`, `ancient_site.csv`" in texts(app.caption)   # named as written, not as Markdown
    assert manager.get(job_id) and manager.get(failed)                 # nothing removed yet
    assert [b.label for b in app.button if b.key == "jobs.cleanup_confirm"] == ["Remove 2 jobs"]
    app.button(key="jobs.cleanup_cancel").click().run()
    assert not any("for good" in m for m in texts(app.markdown)) and manager.get(job_id)
    app.number_input(key="jobs.cleanup_days").set_value(30)   # a form: the days go with the click, as in a browser
    app.button(key="jobs.cleanup").click().run()
    assert any("Nothing to clean up: no finished job was last updated more than 30 days ago." in s
               for s in texts(app.success))
    app.number_input(key="jobs.cleanup_days").set_value(0)
    app.button(key="jobs.cleanup").click().run()
    app.button(key="jobs.cleanup_confirm").click().run()
    assert_clean(app)
    assert any("Removed 2 finished jobs" in s for s in texts(app.success))
    for gone in (job_id, failed):
        with pytest.raises(JobNotFound):
            manager.get(gone)
    assert manager.get(running)                                        # an active job is never cleaned up
    assert list(table(app)["File"]) == ["busy.csv"]   # the list showed the removed jobs beside the message


def test_cleanup_removes_only_the_jobs_its_confirmation_named(manager):
    named = finished_job(manager, "named.csv", pages=1)
    app = open_page("jobs")
    app.number_input(key="jobs.cleanup_days").set_value(0)
    app.button(key="jobs.cleanup").click().run()
    later = finished_job(manager, "finished-meanwhile.csv", pages=1)   # finished while the question showed
    app.button(key="jobs.cleanup_confirm").click().run()
    assert any("Removed 1 finished job." in s for s in texts(app.success))
    assert manager.get(later)
    with pytest.raises(JobNotFound):
        manager.get(named)


def test_other_days_close_the_cleanup_question_and_the_same_days_keep_it(manager):
    """The question belongs to the days it was asked with: Clean up with another number asks about the jobs that
    number selects (here none: the question goes), a rerun with the same number keeps it."""
    finished_job(manager, "old.csv", pages=1)
    app = open_page("jobs")
    app.number_input(key="jobs.cleanup_days").set_value(0)
    app.button(key="jobs.cleanup").click().run()
    app.run()
    assert [b.key for b in app.button if b.key == "jobs.cleanup_confirm"] == ["jobs.cleanup_confirm"]
    app.number_input(key="jobs.cleanup_days").set_value(1)
    app.button(key="jobs.cleanup").click().run()
    assert_clean(app)
    assert not any("for good" in m for m in texts(app.markdown))
    assert [b.key for b in app.button if b.key.startswith("jobs.cleanup")] == ["jobs.cleanup"]
    assert any("no finished job was last updated more than 1 day ago" in s for s in texts(app.success))


def test_unknown_job_in_url_is_a_message_not_a_crash(manager):
    app = open_page("jobs", {"job": "doesnotexist"})
    assert_clean(app)
    assert any("cannot be opened" in w for w in texts(app.warning))


def test_a_job_id_from_the_address_bar_is_shown_as_text_and_cut(manager):
    """/jobs?job=[link](http://...) drew a live link in the warning (the id was read as Markdown), and a
    3,000-character id was printed whole, twice."""
    app = open_page("jobs", {"job": "**bold** [link](http://127.0.0.1:1/x)"})
    assert_clean(app)
    [warning] = markdown_sources(app.warning)
    assert "](" not in warning.replace("\\]\\(", "") and "**" not in warning.replace("\\*\\*", ""), warning
    assert warning.startswith("This job link cannot be opened: invalid job id"), warning
    app = open_page("jobs", {"job": "a" * 3000})
    assert max(len(text) for text in texts(app.warning)) < 200


def test_a_file_name_is_shown_as_written_in_the_panel_and_the_home_banner(manager):
    """The job's title and the home page's banner read the file's name as Markdown: "*draft* [v2](http://…).csv"
    showed "draft" in italics and "v2" as a live link."""
    name = "*draft* [v2](http://127.0.0.1:1/x).csv"
    job_id = seed_job(manager, name, pages=2)
    wait_status(manager, job_id, "running")
    assert job_titles(open_page("jobs", {"job": job_id})) == [name]
    assert any(f"Running analysis:** {fmt.as_code(name)}" in m for m in texts(open_page("home").markdown))


def test_a_deleted_job_in_url_says_why_it_cannot_be_opened(manager):
    """It said "Job X cannot be opened: job X not found", the id twice and no hint why."""
    app = open_page("jobs", {"job": "0123456789ab"})
    assert_clean(app)
    assert texts(app.warning) == ["Job 0123456789ab cannot be opened: there is no such job. It may have been deleted "
                                  "or cleaned up, or the link was made with another data folder."]


def test_a_job_deleted_while_its_page_is_open_leaves_only_the_notice(manager):
    """A tab on /jobs?job=<id> after `cli.py jobs delete <id>` said "Job … was deleted." above the Results, Accept /
    Reject and Prepare; a click on Accept said "Something went wrong: job … not found". Now the page says the job
    was deleted, alone with the way back to the list, and the click says what it could not do."""
    job_id = finished_job(manager, "garden.csv")
    app = open_page("jobs", {"job": job_id})
    assert any(b.label == "Accept these" for b in app.button)
    manager.delete(job_id)                                   # as `cli.py jobs delete` does from a terminal
    app.button(key=f"jobs.results.{job_id}_all_accepted").click().run()
    assert_clean(app)
    assert texts(app.info) == [f"Job {job_id} was deleted, so your decision was not kept."]
    assert not app.error and not app.warning and not app.subheader
    assert [b.label for b in app.button] == ["All jobs"] and not app.get("segmented_control")
    app.run()                                                # the next refresh: the notice alone, still
    assert texts(app.info) == [f"Job {job_id} was deleted."] and [b.label for b in app.button] == ["All jobs"]
    app.button(key="jobs.back_missing").click().run()
    assert "job" not in app.query_params and any("No jobs yet" in i for i in texts(app.info))


def test_a_pause_that_races_a_deletion_says_the_job_was_deleted(manager):
    job_id = seed_job(manager, "held.csv")                   # running, held at its first page by the gate
    wait_status(manager, job_id, "running")
    app = open_page("jobs", {"job": job_id})
    manager.delete(job_id)
    next(b for b in app.button if b.label == "Pause").click().run()
    assert_clean(app)
    assert texts(app.info) == [f"Job {job_id} was deleted, so it was not paused."] and not app.warning


def test_a_prepare_that_races_a_deletion_says_the_job_was_deleted(manager):
    job_id = finished_job(manager, "garden.csv")
    app = open_page("jobs", {"job": job_id})
    manager.delete(job_id)
    app.button(key="jobs.csv_prepare").click().run()
    assert_clean(app)
    assert texts(app.info) == [f"Job {job_id} was deleted, so the CSV was not prepared."] and not app.error


def test_a_job_done_within_seconds_shows_no_pace(manager):
    """A very fast job's panel read "Elapsed 0 s · Pages per minute 6,817": a rate over under a second is noise."""
    job_id = finished_job(manager, "quick.csv")
    assert manager.job(job_id).progress()["elapsed_s"] < 5
    app = open_page("jobs", {"job": job_id})
    assert_clean(app)
    pace = next(m for m in app.metric if m.label == "Pages per minute")
    assert pace.value == "—" and pace.help == "Not measured: the job worked under 5 s."


def test_home_banner_names_the_active_job(manager):
    job_id = seed_job(manager, "live-site.csv", pages=2)
    wait_status(manager, job_id, "running")
    app = open_page("home")
    assert_clean(app)
    assert any(":material/autorenew: **Running analysis:** `live-site.csv`" in m for m in texts(app.markdown))
    assert any(m.label == "Active" and m.value == "1" for m in app.metric)
    [link] = [link for link in app.get("page_link") if "job" in link.proto.query_string]
    assert link.proto.label == "Open the live panel"
    manager.pause(job_id)
    wait_status(manager, job_id, "paused")
    app = open_page("home")
    # before: ":material/sync:" (turning arrows) and "Open the live panel" over a job at rest
    assert any(":material/pause_circle: **Paused analysis:** `live-site.csv`" in m for m in texts(app.markdown)), \
        texts(app.markdown)
    [link] = [link for link in app.get("page_link") if "job" in link.proto.query_string]
    assert link.proto.label == "Open it to resume or stop it"


def test_home_banner_says_when_the_job_it_showed_has_ended(manager):
    """The banner vanished the moment its job completed: a user watching "Running analysis: live-site.csv" on the home
    page was left with no word of the end nor a way to the results. It now says how the job ended, with a link to
    it, until another job is active; a job the banner never showed is not brought up."""
    job_id = seed_job(manager, "live-site.csv", pages=2)
    wait_status(manager, job_id, "running")
    app = open_page("home")
    GateTask.GATE.set()
    wait_status(manager, job_id, "completed")
    app.run()                                                  # the banner's refresh finds its job ended
    assert_clean(app)
    assert any(":material/check_circle: **Completed analysis:** `live-site.csv`" in m for m in texts(app.markdown)), \
        texts(app.markdown)
    [link] = [link for link in app.get("page_link") if "job" in link.proto.query_string]
    assert link.proto.label == "Review its 2 suggestions" and job_id in link.proto.query_string
    assert link.proto.page.endswith("jobs")
    assert not any("analysis:**" in m for m in texts(open_page("home").markdown))   # another tab: it never saw it


def test_pagination_survives_a_narrower_filter(manager, monkeypatch):
    import inlink.ui.jobs_table

    monkeypatch.setattr(inlink.ui.jobs_table, "PAGE_SIZE", 2)
    jobs = [finished_job(manager, f"site-{i}.csv", pages=1) for i in range(5)]
    app = open_page("jobs")
    app.number_input(key="jobs.page").set_value(3).run()
    assert list(table(app)["Job"]) == [jobs[0]]          # newest first: the oldest is alone on page 3
    app.text_input(key="jobs.search").set_value("site-4").run()
    assert_clean(app)
    assert list(table(app)["Job"]) == [jobs[4]]
    assert not [n for n in app.number_input if n.key == "jobs.page"]   # one page: no "Page (of 1)" pager
    app.text_input(key="jobs.search").set_value("site").run()
    assert app.number_input(key="jobs.page").value == 1 and len(table(app)) == 2


def test_one_click_on_home_runs_the_sample_site(manager):
    app = open_page("home")
    assert_clean(app)
    [button] = [b for b in app.button if b.label == "Try it on the sample site"]
    button.click().run()
    assert_clean(app)
    [job] = manager.list_jobs()
    assert job["task"] == "link_analysis" and job["label"].startswith("Sample site")
    assert app.query_params.get("job") in (job["job_id"], [job["job_id"]])
    assert any("You can close this tab" in s for s in texts(app.success))
    done = manager.wait(job["job_id"], timeout=60)
    assert done["status"] == "completed" and done["rows_written"] > 0
    assert datasets.latest_dataset().pages_name == "pages.csv"   # the sample is now the current dataset
    again = open_page("home")
    [button] = [b for b in again.button if b.label == "Try it on the sample site"]
    button.click().run()
    assert_clean(again)
    assert [j.job_id for j in manager.jobs()] == [job["job_id"]]   # not analysed twice
    assert again.query_params.get("job") in (job["job_id"], [job["job_id"]])
    assert not texts(again.success), texts(again.success)          # before: "Analysis started", and a copy of the job
    assert any(f"done already (job {job['job_id']}" in i and "To run it again, press Start analysis" in i
               for i in texts(again.info)), texts(again.info)


def test_a_long_dataset_name_keeps_its_end_on_the_home_page():
    """Before: the Current dataset figure cut a long export's name at its end, in large type ("screaming-frog-
    internal-html-expo…" at 1,024 px), hiding the date and version that tell one export from another."""
    name = "screaming-frog-internal-html-export-www.example-shop.co.uk-2026-12-01-final-v3.csv"
    datasets.save_dataset(SMALL_CRAWL.encode(), name)
    app = open_page("home")
    assert_clean(app)
    figure = next(m for m in app.metric if m.label == "Current dataset")
    assert figure.value == "screaming-frog…-final-v3.csv" and name in figure.help, (figure.value, figure.help)
    datasets.save_dataset(SMALL_CRAWL.encode(), "pages.csv")
    figure = next(m for m in open_page("home").metric if m.label == "Current dataset")
    assert figure.value == "pages.csv" and not figure.help


def test_the_home_page_promises_a_confidence_not_a_score():
    captions = " ".join(texts(open_page("home").caption))
    assert "a confidence (high, medium or low) and a plain reason" in captions, captions


LONG_EVENT = ("Paused: the site cannot be reached (connection refused) while fetching https://docs.example.com/stable/"
              "reference/a-rather-long/path/to/one/page-of-the-site.html?lang=en&v=2 <b>. Resume when it is back.")


def test_the_events_list_shows_every_event_whole_and_the_jobs_table_fits_the_page(manager):
    """At 1,400 px a table cell cut every long event ("Paused: the site cannot be reached (conn…"); the events
    are now a list whose messages wrap, escaped; and the jobs table scrolled sideways."""
    import json

    job_id = finished_job(manager, "garden.csv")
    manager.store.add_event(job_id, "note", LONG_EVENT)
    app = open_page("jobs", {"job": job_id})
    assert_clean(app)
    assert not [d for d in app.dataframe if "Event" in d.value.columns]
    events = next(h.value for h in app.get("html") if 'data-kind="events"' in h.value)
    assert html.escape(LONG_EVENT) in events and "overflow-wrap:anywhere" in events
    assert events.index("Paused: the site") < events.index("Job created")   # newest first, as before
    app = open_page("jobs")
    table = json.loads(app.dataframe[0].proto.columns)
    widths = [table[name]["width"] for name in ("Job", "File", "Status", "Engine", "Progress", "Pages", "Suggestions",
                                                "Cost", "Created", "Updated")]
    # "small" columns still overflowed by ~90 px; pixel widths within the 938 px Chromium gives the table at
    # 1,400 px, less 32 for the row picker (tests/test_e2e_tabs.py measures it in the browser)
    assert all(isinstance(width, int) for width in widths) and sum(widths) <= 938 - 32, table
    # a long name ("Sample site: Ridgelin…") is cut in its 106 px: the header says where to read it whole
    assert "select the row to open the job and read it whole" in table["File"]["help"], table["File"]


def _progress_bar_of(job_fields: dict) -> str:
    """The progress bar's text the panel draws for a job with these fields (the panel's own function)."""
    def script(fields):
        from inlink.jobs import Job
        from inlink.ui.job_panel import _progress
        _progress(Job.from_dict(fields))

    from streamlit.testing.v1 import AppTest
    app = AppTest.from_function(script, args=(job_fields,), default_timeout=30).run()
    assert not app.exception
    return app.get("progress")[0].proto.text


def test_the_progress_bar_counts_the_pages_a_second_core_analysed_ahead_of_the_checkpoint():
    """Before: "255 of 497 pages · 51%" beside "Time left 0 s" and a pace of 5,668 a minute, which counted the
    second core's 242 pages analysed and not saved yet; the bar did not."""
    running = {"job_id": "0123456789ab", "task": "link_analysis", "status": "running", "items_done": 255,
               "total_items": 497, "items_ahead": 242}
    assert _progress_bar_of(running) == "Running · 497 of 497 pages analysed, 255 saved · 100%"
    paused = dict(running, status="paused", items_ahead=0)
    assert _progress_bar_of(paused) == "Paused · 255 of 497 pages · 51%"


def test_a_fetch_that_failed_before_its_first_url_says_no_url_was_fetched():
    """A fetch whose sitemap answered 404 read "Failed · no pages analysed": a fetch analyses nothing; one paused
    because its sitemap's site could not be reached read "Paused · preparing: reading the sitemap…"."""
    failed = {"job_id": "0123456789ab", "task": "site_fetch", "status": "failed", "items_done": 0, "total_items": 0}
    assert _progress_bar_of(failed) == "Failed · no URLs fetched"
    analysis = dict(failed, task="link_analysis")
    assert _progress_bar_of(analysis) == "Failed · no pages analysed"
    paused = dict(failed, status="paused")       # its sitemap's site could not be reached: nothing is being read
    assert _progress_bar_of(paused) == "Paused · no URLs fetched yet"
    assert _progress_bar_of(dict(paused, status="running")) == "Running · preparing: reading the sitemap…"


def test_a_damaged_job_file_is_named_with_how_to_clear_it(manager):
    """A job whose metadata is damaged is left out of the table; the page names the file and says how to remove it
    (it said only "1 unreadable file was skipped")."""
    job_id = finished_job(manager, "shop.csv", pages=1)
    (manager.jobs_dir / f"{job_id}.json").write_text("{not json")
    app = open_page("jobs")
    assert_clean(app)
    skipped = [e for e in app.expander if e.label == "1 unreadable file in the jobs folder was skipped"]
    assert len(skipped) == 1
    shown = " ".join(texts(skipped[0].text) + texts(skipped[0].caption))
    assert f"{job_id}.json: unreadable job metadata" in shown and "cli.py jobs delete" in shown


def test_an_offline_jobs_cost_says_free(manager):
    """The Jobs table's Cost read "—" for an offline job, as for a cost not known; it costs nothing."""
    finished_job(manager, "garden.csv")
    app = open_page("jobs")
    assert_clean(app)
    assert table(app)["Cost"].tolist() == ["free"]


def test_a_finished_job_shows_its_duration_and_no_time_left(manager):
    """Before: a completed, stopped or failed job's panel read "Time left —" (as if not known yet) beside "Elapsed";
    a finished job has no time left, and its Duration is the time it worked. Its step says where it ended ("Failed at
    step 1 of 1"), not "Step 1 of 1" as if it were at work."""
    completed = finished_job(manager, "done.csv")
    GateTask.GATE.clear()
    stopped = seed_job(manager, "stopped.csv")
    wait_status(manager, stopped, "running")
    manager.stop(stopped)
    GateTask.FAIL_ONCE.add(failed := seed_job(manager, "broken.csv", pages=1))
    GateTask.GATE.set()
    wait_status(manager, stopped, "stopped")
    wait_status(manager, failed, "failed")
    for job_id in (completed, stopped, failed):
        app = open_page("jobs", {"job": job_id})
        assert_clean(app)
        labels = [m.label for m in app.metric]
        assert "Time left" not in labels and "Elapsed" not in labels, (job_id, labels)
        duration = next(m for m in app.metric if m.label == "Duration")
        assert duration.value.endswith(" s") and "pauses left out" in duration.help
    assert [m.label for m in app.metric][0] == "Failed at step 1 of 1"   # not "Step 1 of 1", as if at work


def test_an_empty_jobs_page_says_what_to_do_and_links_there():
    """Before: an empty folder showed a status filter, a search box and "Clean up old jobs" over no job at all, and
    "start an analysis on the Generate links page" with no way to it."""
    app = open_page("jobs")
    assert_clean(app)
    assert texts(app.info) == ["No jobs yet: an analysis or a fetch appears here once it starts."]
    links = [(link.label, link.page) for link in app.get("page_link")]
    assert links == [("Start an analysis", "generate_links"), ("Upload or fetch a site", "upload")]   # the pages' paths
    assert not app.selectbox and not app.text_input and not app.expander and not app.button


def test_an_opened_job_is_introduced_as_one_job(manager):
    """Before: an opened job's page was introduced with the list's words, "Every analysis and fetch, newest first.
    Open one to follow it", over the one job it showed."""
    job_id = finished_job(manager, "garden.csv")
    captions = texts(open_page("jobs", {"job": job_id}).caption)
    assert not any(c.startswith("Every analysis and fetch") for c in captions), captions
    assert captions[0] == "One job: its progress, its results and their downloads. All jobs goes back to the list."
    assert texts(open_page("jobs").caption)[0].startswith("Every analysis and fetch, newest first.")
