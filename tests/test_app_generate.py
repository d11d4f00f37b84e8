"""AppTest of the Generate Links page: starting a job, the live panel's Pause / Resume / Stop, keys in memory."""
from __future__ import annotations

import json

import pytest

from inlink import uploads as datasets
from test_app_common import (SMALL_CRAWL, GateTask, _stop_managers, assert_clean, click, open_page,  # noqa: F401
                             job_titles, markdown_sources, seed_job, texts, wait_status)
from inlink.ui.manager import get_manager, jobs_dir


@pytest.fixture
def dataset():
    return datasets.save_dataset(SMALL_CRAWL.encode(), "garden.csv", summary={"pages": 4})


def test_without_a_dataset_the_page_points_to_upload():
    app = open_page("generate")
    assert_clean(app)
    assert any("No dataset yet" in i for i in texts(app.info))
    assert not [b for b in app.button if b.label == "Start analysis"]


def test_start_creates_a_job_with_the_chosen_options(dataset):
    app = open_page("generate")
    app.number_input(key="generate.max_per_page").set_value(2)
    app.text_area(key="generate.exclude_patterns").set_value("/roses\n")
    click(app, "Start analysis")
    assert_clean(app)
    assert any("You can close this tab" in s for s in texts(app.success))
    job_id = app.query_params["job"]
    job = get_manager().get(job_id)
    assert job["label"] == "garden.csv"
    assert job["config"]["options"]["max_per_page"] == 2
    assert job["config"]["options"]["exclude_patterns"] == ["/roses"]
    finished = wait_status(get_manager(), job_id, "completed", "failed", timeout=60)
    assert finished["status"] == "completed", finished.get("error")
    app.run()
    assert_clean(app)
    assert any(m.label == "Suggestions" for m in app.metric)


def test_exclude_patterns_say_what_they_leave_out_and_which_match_no_page_before_start(dataset):
    """Before: a mistyped pattern (it excluded nothing) was said only in the job's events, once it had run. Now
    the page says, as the patterns are typed, how many pages they leave out and which match none."""
    app = open_page("generate")
    assert not [c for c in texts(app.caption) if "leave out" in c]
    app.text_area(key="generate.exclude_patterns").set_value("/roses\n/tags/*\n")
    app.run()
    assert_clean(app)
    assert any("These patterns leave out 1 of the dataset's 4 pages" in c for c in texts(app.caption))
    assert [w for w in markdown_sources(app.warning) if "/tags/\\*" in w and "matches no page" in w]   # as typed, not Markdown
    assert not [w for w in texts(app.warning) if '"/roses"' in w]
    app.text_area(key="generate.exclude_patterns").set_value("/lilies\n")   # one pattern, leaving out no page:
    app.run()                                                            # it read "These patterns leave out 0 of"
    assert "This pattern leaves out none of the dataset's 4 pages." in texts(app.caption)
    # the dataset was saved without its URLs (as before this change): parsed once, then kept beside it
    assert (dataset.folder / "urls.txt").read_text().split("\n") == [
        "https://example.com/", "https://example.com/tomatoes", "https://example.com/compost",
        "https://example.com/roses"]


def test_the_inbound_limit_starts_empty_as_no_limit_and_left_out_pages_are_named():
    """Before: the limit showed 0 (read as "no new links") and meant no limit; and the dataset's "49 pages" met
    the progress's "of 45 pages" with no word about the 4 pages the import left out."""
    datasets.save_dataset(SMALL_CRAWL.encode(), "garden.csv", summary={"pages": 49, "left_out": 4})
    app = open_page("generate")
    limit = app.number_input(key="generate.max_inbound")
    assert limit.value is None and limit.proto.placeholder == "No limit"
    assert any("49 pages, of which 45 are analysed (4 left out: not indexable HTML)" in m   # saved before the reasons
               for m in texts(app.markdown))
    click(app, "Start analysis")
    assert get_manager().job(app.query_params["job"]).config["options"]["max_inbound_per_target"] is None
    app.number_input(key="generate.max_inbound").set_value(3)
    click(app, "Start analysis")
    assert get_manager().job(app.query_params["job"]).config["options"]["max_inbound_per_target"] == 3


def test_the_confidence_floor_and_tier_cut_offs_reach_the_job(dataset):
    app = open_page("generate")
    app.slider(key="generate.min_confidence").set_value(0.5)
    app.number_input(key="generate.high_confidence").set_value(0.95)
    app.number_input(key="generate.medium_confidence").set_value(0.7)
    click(app, "Start analysis")
    assert_clean(app)
    options = get_manager().job(app.query_params["job"]).config["options"]
    assert (options["min_confidence"], options["high_confidence"], options["medium_confidence"]) == (0.5, 0.95, 0.7)


def test_a_medium_cut_off_above_the_high_one_is_refused_in_words(dataset):
    app = open_page("generate")
    app.number_input(key="generate.high_confidence").set_value(0.6)
    app.number_input(key="generate.medium_confidence").set_value(0.8)
    click(app, "Start analysis")
    assert_clean(app)
    assert any("must not be above the high tier's" in e for e in texts(app.error))
    assert not get_manager().jobs()


def test_exclude_patterns_that_leave_out_every_page_are_refused_at_start(dataset):
    """Patterns covering the whole site started a job that analysed no page and ended "completed" with no row."""
    app = open_page("generate")
    app.text_area(key="generate.exclude_patterns").set_value("example.com\n")
    click(app, "Start analysis")
    assert_clean(app)
    assert any('The analysis could not start: the exclude pattern "example.com" leaves out all 4 pages' in
               e.replace("\\", "") for e in texts(app.error)), texts(app.error)
    assert not get_manager().jobs()


def test_patterns_that_leave_out_every_page_that_could_be_analysed_are_said_before_start():
    """The page said how many pages the patterns leave out, but not that they left none to analyse: Start then
    refused them. Said at once, with Start's own words; a page without text (never analysed) left in is no page
    to analyse, and a pattern set that leaves one page to analyse is not warned of."""
    crawl = SMALL_CRAWL + "https://example.com/contact,Contact,Contact us,\n"    # no text: never analysed
    datasets.save_dataset(crawl.encode(), "garden.csv", summary={"pages": 5})
    app = open_page("generate")
    app.text_area(key="generate.exclude_patterns").set_value("*/\n/tomatoes\n/compost\n")
    app.run()
    assert_clean(app)
    assert not [w for w in texts(app.warning) if "nothing is left to analyse" in w]
    app.text_area(key="generate.exclude_patterns").set_value("*/\n/tomatoes\n/compost\n/roses\n")
    app.run()
    assert_clean(app)
    assert any("These patterns leave out 4 of the dataset's 5 pages" in c for c in texts(app.caption))
    said = 'the exclude patterns "*/", "/tomatoes", "/compost", "/roses" together leave out all 4 pages that could ' \
        "be analysed, so nothing is left to analyse"
    warned = [w.replace("\\", "") for w in texts(app.warning)]   # as typed, Markdown's escapes aside
    assert [w for w in warned if w.startswith(said[:1].upper() + said[1:]) and w.endswith("Start analysis will refuse them.")], \
        warned
    click(app, "Start analysis")
    assert any(said in e.replace("\\", "") for e in texts(app.error)), texts(app.error)
    # the pattern's "*" shown as typed: unescaped, Markdown read '"*/", ... "/roses"' as emphasis and the error
    # named an empty pattern "" in italics
    assert any('"\\*/"' in e for e in markdown_sources(app.error)), texts(app.error)
    assert not get_manager().jobs()


def test_hosts_chosen_on_upload_are_analysed_as_one_site():
    crawl = SMALL_CRAWL + "https://blog.example.com/pests,Garden pests,Pests,Tomatoes and roses share pests.\n"
    saved = datasets.save_dataset(crawl.encode(), "two-hosts.csv", summary={"pages": 5},
                                  site_hosts=["example.com", "blog.example.com"])
    assert datasets.load_dataset(saved.dataset_id).site_hosts == ["example.com", "blog.example.com"]
    app = open_page("generate")
    assert any("hosts example.com, blog.example.com" in m for m in texts(app.markdown))
    click(app, "Start analysis")
    assert_clean(app)
    job = get_manager().job(app.query_params["job"])
    assert job.config["site_hosts"] == ["example.com", "blog.example.com"]


def test_gemini_needs_a_key_and_a_typed_key_never_reaches_disk(dataset, tmp_path, monkeypatch):
    settings = tmp_path / "gemini.json"   # a closed loopback port: the job can never reach the internet
    settings.write_text(json.dumps({"base_url": "http://127.0.0.1:9", "max_retries": 0, "timeout_s": 1}))
    monkeypatch.setenv("INLINK_GEMINI_SETTINGS", str(settings))
    app = open_page("generate")
    app.get("button_group")[0].set_value("gemini").run()
    click(app, "Start analysis")
    assert any("needs an API key" in e for e in texts(app.error))
    assert not get_manager().list_jobs()
    secret = "AIza-typed-key-for-this-session-only"
    app.text_input(key="generate.gemini_api_key").set_value(secret)
    click(app, "Start analysis")
    assert_clean(app)
    job_id = app.query_params["job"]
    wait_status(get_manager(), job_id, "completed", "failed", "paused", timeout=60)
    for path in jobs_dir().rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


def test_a_typed_model_without_a_price_is_said_to_be_costed_at_the_dearest_rates(dataset, monkeypatch):
    """The model box takes a name typed in; its cost then counted at the dearest known rates with nothing on the
    page to say so (the command line warns)."""
    monkeypatch.setenv("GEMINI_API_KEY", "AIza-env")
    monkeypatch.setenv("INLINK_GEMINI_MODEL", "gemini-9-ultra")   # AppTest picks only listed names: the default
    app = open_page("generate")
    app.get("button_group")[0].set_value("gemini").run()
    assert_clean(app)
    assert any(w.startswith("No price is known for the model 'gemini-9-ultra': its cost is counted at the dearest "
                            "known rates") for w in texts(app.warning)), texts(app.warning)
    app.selectbox(key="generate.model").set_value("gemini-2.5-flash").run()
    assert not any("no price is known" in w.lower() for w in texts(app.warning))


def test_the_gemini_engine_says_what_the_analysis_may_cost_before_start(dataset, monkeypatch):
    """One paid call a page, and the page said nothing of what a run would cost: only a budget field."""
    monkeypatch.setenv("GEMINI_API_KEY", "AIza-env")
    app = open_page("generate")
    app.get("button_group")[0].set_value("gemini").run()
    app.selectbox(key="generate.model").set_value("gemini-2.5-flash").run()
    assert_clean(app)
    [said] = [c for c in texts(app.caption) if c.startswith("Estimated cost: about $")]
    assert " for 4 pages, one call each (about " in said and " tokens read and " in said, said
    assert "at gemini-2.5-flash's price; a page with no candidate makes no call)" in said
    assert "Above the" not in said   # $1.00 covers four pages
    app.number_input(key="generate.budget_usd").set_value(0.001).run()
    [said] = [c for c in texts(app.caption) if c.startswith("Estimated cost: about $")]
    assert said.endswith("Above the $0.0010 budget cap: the job pauses when its spend reaches it."), said
    app.text_area(key="generate.exclude_patterns").set_value("/roses\n").run()   # one page fewer to ask
    assert any(c.startswith("Estimated cost: about $") and " for 3 pages, " in c for c in texts(app.caption))
    app.get("button_group")[0].set_value("offline").run()
    assert not [c for c in texts(app.caption) if c.startswith("Estimated cost")]


def test_a_key_typed_in_a_panel_is_said_to_go_before_the_environments(dataset, monkeypatch):
    """A key typed in a job's panel (Gemini refused the environment's) goes before GEMINI_API_KEY for the jobs
    started after it; the page still said it used the environment variable's."""
    monkeypatch.setenv("GEMINI_API_KEY", "AIza-refused")
    app = open_page("generate")
    app.get("button_group")[0].set_value("gemini").run()
    assert any("from the GEMINI_API_KEY" in c for c in texts(app.caption)), texts(app.caption)
    app.session_state["typed_gemini_key"] = "AIza-typed-in-a-panel"
    app.run()
    assert_clean(app)
    assert any(c.startswith("Using the API key typed in this browser session, not the GEMINI_API_KEY")
               for c in texts(app.caption)), texts(app.caption)


def test_a_typed_key_can_be_forgotten_back_to_the_environments(dataset, monkeypatch):
    """Before: a key typed in a panel (Gemini refused the environment's) went before GEMINI_API_KEY for the rest of
    the session, with no way back to the environment's key."""
    monkeypatch.setenv("GEMINI_API_KEY", "AIza-from-the-environment")
    app = open_page("generate")
    app.get("button_group")[0].set_value("gemini").run()
    app.session_state["typed_gemini_key"] = "AIza-typed-in-a-panel"
    app.run()
    click(app, "Use the environment's key instead")
    assert_clean(app)
    assert "typed_gemini_key" not in app.session_state
    assert any(c.startswith("Using the API key from the GEMINI_API_KEY") for c in texts(app.caption)), texts(app.caption)
    assert not [b for b in app.button if b.key == "generate.forget_key"]


def test_a_key_typed_on_the_page_is_shown_as_in_use_and_can_be_forgotten(dataset):
    """Before: without a key in the environment, a typed key could not be cleared (emptying its field kept it), and
    on the next visit the field was empty while the key was still used."""
    app = open_page("generate")
    app.get("button_group")[0].set_value("gemini").run()
    app.text_input(key="generate.gemini_api_key").set_value("AIza-typed-here").run()
    assert_clean(app)
    assert "Using the API key typed in this browser session." in texts(app.caption)
    assert not [t for t in app.text_input if t.key == "generate.gemini_api_key"]   # no empty field beside it
    click(app, "Forget the typed key")
    assert_clean(app)
    assert "typed_gemini_key" not in app.session_state
    assert app.text_input(key="generate.gemini_api_key").value == ""
    click(app, "Start analysis")
    assert any("needs an API key" in e for e in texts(app.error))
    assert not get_manager().list_jobs()


def test_a_blank_key_variable_counts_as_no_key(dataset, monkeypatch):
    monkeypatch.setenv("GEMINI_API_KEY", "  ")   # the engine's rule (api_key_from_env): blank is no key
    app = open_page("generate")
    app.get("button_group")[0].set_value("gemini").run()
    field = app.text_input(key="generate.gemini_api_key")   # before: an empty field that said nothing of why
    assert field.placeholder == "Paste a key: none is set in GEMINI_API_KEY or GOOGLE_API_KEY", field.placeholder
    click(app, "Start analysis")
    assert any("needs an API key" in e for e in texts(app.error))
    assert not get_manager().list_jobs()


def test_pause_resume_stop_from_the_panel():
    manager = get_manager()
    job_id = seed_job(manager, "slow-site.csv", pages=3)
    wait_status(manager, job_id, "running")
    app = open_page("generate", {"job": job_id})
    assert_clean(app)
    assert job_titles(app) == ["slow-site.csv"]
    app.button(key="generate.panel_pause").click().run()
    wait_status(manager, job_id, "paused")
    app.run()
    assert app.button(key="generate.panel_pause").disabled
    assert not app.button(key="generate.panel_resume").disabled
    app.button(key="generate.panel_resume").click().run()
    wait_status(manager, job_id, "running", "queued")
    app.button(key="generate.panel_stop").click().run()
    # Stop asks first (a stopped job is over for good, and Stop stands beside Resume): "Keep it" keeps it
    assert any(w.startswith("Stop this analysis for good?") for w in texts(app.warning))
    app.button(key="generate.panel_stop_cancelled").click().run()
    assert manager.get(job_id)["status"] in ("running", "queued")
    assert not any(w.startswith("Stop this analysis for good?") for w in texts(app.warning))
    app.button(key="generate.panel_stop").click().run()
    app.button(key="generate.panel_stop_confirmed").click().run()
    wait_status(manager, job_id, "stopped")
    app.run()
    assert_clean(app)
    # finished: no Pause / Resume / Stop that can do nothing (the Jobs page showed none already), the download kept
    assert not [b for b in app.button if b.key in ("generate.panel_pause", "generate.panel_resume",
                                                   "generate.panel_stop")]
    assert app.button(key="generate.panel_csv_prepare").label == "Prepare CSV"


def test_a_failure_is_told_in_its_jobs_words():
    """A fetch that failed read "The analysis failed"; an error ending in a full stop got a second one."""
    from inlink.jobs import Job
    from inlink.ui.job_panel import failure_text

    def failed(task: str, message: str) -> Job:
        return Job.from_dict({"job_id": "a" * 12, "task": task, "status": "failed", "failed_step": "discover",
                              "error": {"type": "SourceError", "message": message}, "can_resume": True})

    assert failure_text(failed("site_fetch", "the sitemap is not XML.")) == (
        "The fetch failed during the discover step: the sitemap is not XML. You can resume it: it continues from "
        "its last checkpoint.")
    assert failure_text(failed("link_analysis", "disk full")).startswith("The analysis failed during the discover "
                                                                        "step: disk full.")


def test_a_failed_job_whose_input_files_are_gone_is_not_offered_a_resume():
    """Before: "You can resume it" and a Resume button, for a job whose copy of the crawl was gone: the resume read
    the file and failed again. Now the panel says what is wrong and what to do instead, and offers no resume."""
    manager = get_manager()
    job_id = manager.create_job(GateTask.name, inputs={"pages.csv": b"url\n/a\n"},
                                config={"engine": "offline", "pages": 2, "files": {"pages": "pages.csv"}},
                                label="gone.csv")
    wait_status(manager, job_id, "running")
    (manager.store.input_dir(job_id) / "pages.csv").unlink()
    GateTask.FAIL_ONCE.add(job_id)
    GateTask.GATE.set()
    wait_status(manager, job_id, "failed")
    app = open_page("generate", {"job": job_id})
    assert_clean(app)
    [error] = texts(app.error)
    assert "You can resume it" not in error, error
    assert f"input files are gone from the jobs folder (pages.csv in {job_id}_input)" in error, error
    assert error.endswith("start a new analysis from the Upload page instead."), error
    assert app.button(key="generate.panel_resume").disabled
    assert not app.button(key="generate.panel_stop").disabled   # it may still be stopped for good


def test_failed_job_shows_its_error_and_can_be_resumed():
    manager = get_manager()
    job_id = seed_job(manager, "flaky.csv", pages=2)
    wait_status(manager, job_id, "running")
    GateTask.FAIL_ONCE.add(job_id)
    GateTask.GATE.set()
    failed = wait_status(manager, job_id, "failed")
    assert failed["can_resume"]
    app = open_page("generate", {"job": job_id})
    assert_clean(app)
    assert any("The analysis failed" in e and "disk went away" in e for e in texts(app.error))
    assert not app.button(key="generate.panel_stop").disabled   # a failed job may also be stopped for good
    app.button(key="generate.panel_resume").click().run()
    assert wait_status(manager, job_id, "completed")["rows_written"] == 2



def test_an_unexpected_error_is_one_plain_sentence(dataset, monkeypatch):
    def broken():
        raise RuntimeError("the dataset store is unreadable")

    monkeypatch.setattr(datasets, "latest_dataset", broken)
    app = open_page("generate")
    assert_clean(app)
    assert any("ran into a problem: the dataset store is unreadable" in e for e in texts(app.error))


def test_a_failed_gemini_job_asks_for_the_key_to_resume():
    manager = get_manager()
    job_id = seed_job(manager, "gemini-site.csv", pages=2, engine="gemini")
    GateTask.FAIL_ONCE.add(job_id)
    GateTask.GATE.set()
    wait_status(manager, job_id, "failed")
    app = open_page("jobs", {"job": job_id})
    assert app.button(key="jobs.panel_resume").disabled   # a resume without a key would stop again at once
    secret = "AIza-typed-to-resume"
    app.text_input(key="jobs.panel_gemini_key").set_value(secret).run()
    assert not app.button(key="jobs.panel_resume").disabled
    assert_clean(app)
    app.button(key="jobs.panel_resume").click().run()
    assert wait_status(manager, job_id, "completed")["rows_written"] == 2
    assert all(secret.encode() not in p.read_bytes() for p in jobs_dir().rglob("*") if p.is_file())


def test_an_active_fetch_is_not_shown_as_the_analysis():
    """The Upload page follows a fetch; Generate links showed it under "Analysis" as if it were one."""
    from inlink.jobs import JobManager
    from inlink.tasks.fetch import start_fetch

    creator = JobManager(jobs_dir(), autostart=False)
    fetch_id = start_fetch(creator, b"http://127.0.0.1:9/a\n", name="urls.txt")
    creator.pause(fetch_id)                     # active, and no manager runs a paused job
    app = open_page("generate")
    assert_clean(app)
    assert not any(fetch_id in c for c in texts(app.caption)), texts(app.caption)
    assert any("No analysis running" in c for c in texts(app.caption))
    app = open_page("generate", {"job": fetch_id})   # asked for by its id: said to be a fetch, and linked to
    assert_clean(app)
    assert not any(fetch_id in c for c in texts(app.caption)), texts(app.caption)   # no analysis panel of it
    assert not [m for m in app.metric if m.label == "Suggestions"]
    [notice] = [i for i in texts(app.info) if fetch_id in i]
    assert "is a fetch of pages, not an analysis: `fetch urls.txt (1 URL)`" in notice, notice
    [link] = [link for link in app.get("page_link") if fetch_id in link.proto.label]
    assert link.proto.label == f"Open the fetch {fetch_id} on the Jobs page"
    assert link.proto.page.endswith("jobs") and f"job={fetch_id}" in link.proto.query_string, link.proto
    assert any("No analysis running" in c for c in texts(app.caption))


def test_with_no_analysis_running_the_page_points_to_the_earlier_ones(manager):
    """Before: 'No analysis yet.' in a new tab, though finished analyses were there (on the Jobs page)."""
    from inlink.tasks import analysis as link_task
    from test_app_common import SAMPLE

    app = open_page("generate")
    assert not [link for link in app.get("page_link") if "Earlier analyses" in link.proto.label]
    job_id = link_task.start_analysis(manager, (SAMPLE / "pages.csv").read_bytes(), pages_name="pages.csv")
    manager.wait(job_id, timeout=60)
    app = open_page("generate")
    assert_clean(app)
    assert any("No analysis running" in c for c in texts(app.caption))
    assert [link for link in app.get("page_link") if "Earlier analyses are on the Jobs page" in link.proto.label]


def test_a_tab_that_followed_a_running_analysis_keeps_it_once_it_finishes():
    """A tab opened on the page while another tab's analysis ran showed it, then "No analysis running" the moment it
    finished: the page followed running analyses only, and the tab had started none."""
    manager = get_manager()
    GateTask.GATE.clear()
    job_id = seed_job(manager, "followed-site.csv", pages=2)
    wait_status(manager, job_id, "running")
    app = open_page("generate")
    assert job_titles(app) == ["followed-site.csv"]
    GateTask.GATE.set()
    wait_status(manager, job_id, "completed")
    app.run()
    assert_clean(app)
    assert job_titles(app) == ["followed-site.csv"]
    assert not any("No analysis running" in c for c in texts(app.caption))
    [review] = [link for link in app.get("page_link") if link.proto.label == "Review the suggestions"]
    assert review.proto.page.endswith("jobs") and f"job={job_id}" in review.proto.query_string


def test_a_tab_whose_analysis_was_deleted_elsewhere_says_so_once():
    """A tab following an analysis that another tab deleted turned to "No analysis running. Start one above" without
    a word, as if the job had never been."""
    manager = get_manager()
    GateTask.GATE.set()
    job_id = seed_job(manager, "deleted-site.csv", pages=2)
    wait_status(manager, job_id, "completed")
    app = open_page("generate")
    app.session_state["last_job"] = job_id   # this tab followed it (as the test above shows it keeps it)
    app.run()
    assert job_titles(app) == ["deleted-site.csv"]
    manager.delete(job_id)   # the Jobs page of another tab
    app.run()
    assert_clean(app)
    gone = f"The analysis this page was following (job {job_id}) was deleted, in another tab or from the command line."
    assert gone in texts(app.info)
    app.run()
    assert gone not in texts(app.info)   # said once
    assert any("No analysis running" in c for c in texts(app.caption))


def test_a_dataset_another_tab_saved_after_the_page_was_drawn_is_not_started_unseen(dataset):
    """The dataset is the newest one any tab accepted: one saved in another tab between this page's drawing and
    the click made Start analyse a file this tab never showed. Now the click says so and shows the new one."""
    app = open_page("generate")
    assert any("garden.csv" in m for m in texts(app.markdown))
    datasets.save_dataset(SMALL_CRAWL.encode(), "orchard.csv", summary={"pages": 4})   # another tab's upload
    click(app, "Start analysis")
    assert_clean(app)
    assert "job" not in app.query_params and not get_manager().jobs()
    assert any("another tab saved orchard.csv" in e for e in texts(app.error))
    assert any("orchard.csv" in m for m in texts(app.markdown))
    click(app, "Start analysis")
    assert get_manager().job(app.query_params["job"]).label == "orchard.csv"


def test_start_pressed_twice_follows_the_queued_analysis_instead_of_starting_it_again(dataset):
    """A double click on Start analysis started the same job twice, 3 s apart: Home said "Active 2" and the panel
    followed only the second. Now an identical analysis (same dataset, same settings) queued or running is named,
    with a link to open it, and the panel follows it; a different setting still starts a new job."""
    manager = get_manager()
    for label in ("a.csv", "b.csv"):   # both running slots busy: the analysis waits in the queue
        wait_status(manager, seed_job(manager, label=label), "running")
    app = open_page("generate")
    click(app, "Start analysis")
    first = app.query_params["job"]
    assert manager.get(first)["status"] == "queued"
    click(app, "Start analysis")
    assert_clean(app)
    analyses = [job for job in manager.jobs() if job.task == "link_analysis"]
    assert [job.job_id for job in analyses] == [first] and app.query_params["job"] == first
    assert any(f"already queued (job {first}, the same dataset and settings)" in i for i in texts(app.info))
    [link] = [link for link in app.get("page_link") if link.proto.label == f"Open job {first} on the Jobs page"]
    assert link.proto.page.endswith("jobs") and f"job={first}" in link.proto.query_string
    app.number_input(key="generate.max_per_page").set_value(2)
    click(app, "Start analysis")
    assert app.query_params["job"] != first
    assert len([job for job in manager.jobs() if job.task == "link_analysis"]) == 2


def test_a_dataset_without_text_is_refused_in_the_dashboards_words():
    """Start on a saved crawl with no text column said "`--column 'content=HEADER'` on the command line" and
    "`cli.py fetch …`": the Upload page's picker and its "Fetch from the site" are what this user has."""
    datasets.save_dataset(b"Address,Title 1\nhttps://example.com/,Home\nhttps://example.com/a,A\n", "urlsonly.csv")
    app = click(open_page("generate"), "Start analysis")
    assert_clean(app)
    [error] = texts(app.error)
    assert '"Fetch from the site" on the Upload page.' in error and "cli.py" not in error and "--column" not in error
    assert not get_manager().jobs()
