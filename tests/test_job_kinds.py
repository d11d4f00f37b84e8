"""One reading of a job's kind and spend (inlink.tasks.kinds) for the tasks, the dashboard and the CLI: the budget
the panel shows, the spend it shows and the budget `set_budget` accepts can no longer disagree about one job."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from inlink.jobs import JobManager
from inlink.tasks import analysis, kinds
from inlink.tasks import fetch as _fetch_task  # noqa: F401  (registers the fetch task the test makes a job of)
from inlink.tasks.options import OptionError
from inlink.ui import format as fmt

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def manager(tmp_path):
    manager = JobManager(tmp_path / "jobs", autostart=False)
    yield manager
    manager.shutdown()


def test_a_gemini_job_named_in_its_options_alone_is_one_for_the_panel_the_cli_and_set_budget(manager):
    """Its options say engine "gemini" and its config nothing more: the panel asked for a key and showed a budget,
    while set_budget refused it as "no Gemini analysis" (it read config["engine"] alone)."""
    job_id = manager.create_job(analysis.TASK_NAME, inputs={}, label="site.csv",
                                config={"options": {"engine": "gemini", "budget_usd": 0.5}})
    manager.pause(job_id)
    job = manager.job(job_id)
    assert kinds.is_gemini(job) and fmt.engine_of(job) == "gemini" and kinds.budget_usd(job) == 0.5
    assert fmt.spend_text(job).startswith("$0 of a $0.5000 budget")
    analysis.set_budget(manager, job_id, 2.0)                      # refused before: the one rule now
    assert kinds.budget_usd(manager.job(job_id)) == 2.0


def test_an_offline_or_fetch_job_is_no_gemini_job_anywhere(manager):
    offline = manager.job(manager.create_job(analysis.TASK_NAME, inputs={}, config={"engine": "offline"}))
    fetch = manager.job(manager.create_job(kinds.FETCH_TASK, inputs={}, config={"options": {"engine": "gemini"}}))
    for job in (offline, fetch):
        assert not kinds.is_gemini(job) and fmt.spend_text(job) == "" and kinds.budget_usd(job) is None
        with pytest.raises(OptionError, match="no Gemini analysis"):
            analysis.set_budget(manager, job.job_id, 1.0)
    assert kinds.engine_of(fetch) == "fetch" and kinds.is_fetch(fetch) and not kinds.is_fetch(offline)


def test_the_spend_is_read_from_counters_in_one_place():
    assert kinds.spent_usd({"cost_usd": 0.25, "gemini_calls": 3}) == 0.25
    assert kinds.spent_usd(None) == kinds.spent_usd({}) == 0.0
    assert fmt.spend_words({"cost_usd": 0.0215, "gemini_calls": 1}, None).startswith("$0.0215: 1 Gemini call")
    # picks the checks dropped were counted and shown nowhere: a run of 0 suggestions did not say why
    dropped = {"cost_usd": 0.0044, "gemini_calls": 10, "suggestions_dropped": 15, "dropped_anchor_not_in_text": 14,
               "dropped_self_link": 1}
    assert fmt.spend_words(dropped, None).endswith(
        "; 15 of Gemini's picks failed the checks and were dropped (anchor not in text 14, self link 1)")


def test_no_front_end_or_task_reads_the_engine_or_the_spend_out_of_a_job_itself():
    """kinds.py is the one reader: a second one is how the two readings drifted apart."""
    readers = []
    for path in sorted((ROOT / "inlink").rglob("*.py")):
        if path.parts[-2] not in ("ui", "views", "tasks", "cli") or path.name == "kinds.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"""\.get\(["'](cost_usd|engine)["']""", line):
                readers.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert readers == []


def test_a_budget_and_a_model_changed_at_once_are_both_kept(manager, monkeypatch):
    """set_model read the job's config before the job's lock and wrote it back whole: a budget another front end
    raised in between (the panel's Raise budget while `jobs resume --model` ran) was lost. Each change now edits
    the config read under the lock."""
    job_id = manager.create_job(analysis.TASK_NAME, inputs={}, label="site.csv", config={
        "options": {"engine": "gemini", "budget_usd": 0.5, "model": "gemini-2.5-flash"}})
    manager.pause(job_id)
    read = manager.job

    def read_then_raise_the_budget(job):   # another front end raises the budget right after set_model's read
        found = read(job)
        monkeypatch.setattr(manager, "job", read)
        analysis.set_budget(manager, job_id, 2.0)
        return found
    monkeypatch.setattr(manager, "job", read_then_raise_the_budget)
    assert analysis.set_model(manager, job_id, "gemini-2.5-flash-lite") == "gemini-2.5-flash-lite"
    options = manager.job(job_id).config["options"]
    assert (options["budget_usd"], options["model"]) == (2.0, "gemini-2.5-flash-lite")


def test_no_front_end_reads_a_jobs_config_itself():
    """The tasks write a job's config, kinds.py reads it: the CLI and the charts each read files.links on their own,
    the panel options.model, and the title read config["pages_name"], a key no job has (test_app_common)."""
    readers = []
    for path in sorted((ROOT / "inlink").rglob("*.py")):
        if path.parts[-2] not in ("ui", "views", "cli") and path.name != "uploads.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\.config\b", line):
                readers.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert readers == []


def test_an_analysis_says_its_model_its_links_file_and_its_pages_file_name(manager, tmp_path):
    """As start_analysis keeps them: the pages file's name, whether existing links were given, the Gemini model."""
    pages, links = tmp_path / "crawl.csv", tmp_path / "inlinks.csv"
    pages.write_text("Address,Title 1,Content\nhttps://a.example/,Home,Welcome home to the garden\n"
                     "https://a.example/b,Roses,How roses grow in the garden\n", encoding="utf-8")
    links.write_text("Source,Destination\nhttps://a.example/,https://a.example/b\n", encoding="utf-8")
    offline = manager.job(analysis.start_analysis(manager, pages, pages_name=pages.name, engine="offline"))
    gemini = manager.job(analysis.start_analysis(manager, pages, pages_name=pages.name, links=links,
                                                 links_name=links.name, engine="gemini",
                                                 options={"model": "gemini-2.5-flash"}))
    assert (kinds.pages_label(offline), kinds.links_given(offline), kinds.model_of(offline)) == ("crawl.csv", False, "")
    assert (kinds.pages_label(gemini), kinds.links_given(gemini), kinds.model_of(gemini)) == (
        "crawl.csv", True, "gemini-2.5-flash")
    html = tmp_path / "crawl_html.csv"   # no links file, but the pages' HTML links them: the links are known
    html.write_text("Address,Title 1,Body HTML 1\nhttps://a.example/,Home,<p>Welcome home; see <a href='/b'>Roses</a>"
                    "</p>\nhttps://a.example/b,Roses,<p>How roses grow in the garden</p>\n", encoding="utf-8")
    assert kinds.links_given(manager.job(analysis.start_analysis(manager, html, pages_name=html.name)))
    fetch = manager.job(manager.create_job(kinds.FETCH_TASK, inputs={}, config={"options": ["not", "a", "dict"]}))
    assert (kinds.pages_label(fetch), kinds.links_given(fetch), kinds.model_of(fetch)) == ("", False, "")
