"""The link analysis as a durable job: link_task glued to the real JobManager, site importer and engines."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from inlink.gemini.settings import GeminiSettings
from inlink.links import suggest as analyzer
from inlink.tasks import analysis as link_task
from inlink.tasks import foreground, job_words, page_analyzer
from inlink.site import load as site_import
from inlink.jobs.manager import TERMINAL_STATUSES, JobManager, JobStatus, TaskContext
from tests import fake_gemini as fg
from waiting import wait_for

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_PAGES = ROOT / "sample_data" / "pages.csv"
SAMPLE_LINKS = ROOT / "sample_data" / "inlinks.csv"


def start_sample(manager, **kwargs) -> str:
    if kwargs.get("engine") == "gemini":   # no confidence floor: every page with a candidate makes a call
        kwargs["options"] = {"min_confidence": 0.0, **kwargs.get("options", {})}
    return link_task.start_analysis(manager, SAMPLE_PAGES.read_bytes(), pages_name="pages.csv",
                                    links=SAMPLE_LINKS.read_bytes(), links_name="inlinks.csv", **kwargs)


def test_offline_job_on_the_sample_site_gives_valid_capped_suggestions(manager):
    job = start_sample(manager, options={"max_per_page": 3})
    meta = manager.wait(job, timeout=60)
    assert meta["status"] == JobStatus.COMPLETED, meta["error"]
    rows = manager.results_frame(job)
    assert list(rows.columns) == list(analyzer.RESULT_COLUMNS)
    assert len(rows) > 20 and rows["Source"].nunique() > 10   # its links are given: the few links left out
    assert rows.groupby("Source").size().max() <= 3
    assert (rows["Source"] != rows["Destination"]).all()
    assert set(rows["Engine"]) == {"offline"}
    site = site_import.load_site(SAMPLE_PAGES, SAMPLE_LINKS)
    content = site.pages.set_index("url")["content"]
    for row in rows.itertuples():
        assert row.Anchor in content[row.Source], (row.Source, row.Anchor)
    existing = set(zip(site.links["source"], site.links["destination"]))
    assert not existing & set(zip(rows["Source"], rows["Destination"]))
    summary = meta["summary"]
    assert summary["pages_analysed"] == meta["total_items"] == meta["items_done"]
    assert summary["orphans_after"] <= summary["orphans_before"]


def test_a_job_whose_copy_of_its_crawl_was_deleted_fails_in_words(make_manager):
    """A queued job whose <id>_input folder was removed by hand failed with "FileNotFoundError: [Errno 2] No such
    file or directory: '.../pages.csv'"."""
    import shutil

    manager = make_manager(autostart=False)   # the job waits, unstarted, while its copy is removed
    job = start_sample(manager)
    shutil.rmtree(manager.store.input_dir(job))
    manager.start()
    meta = manager.wait(job, timeout=60)
    assert meta["status"] == JobStatus.FAILED
    assert meta["message"].startswith("Failed in step 'load': the job's copy of pages.csv is gone from its jobs "
                                      "folder (")
    assert meta["message"].endswith("start a new analysis from the original file") and "Errno" not in meta["message"]


def test_paused_and_resumed_job_equals_an_uninterrupted_run(manager):
    options = {"max_per_page": 4, "max_inbound_per_target": 2}
    clean = start_sample(manager, options=options)
    manager.wait(clean, timeout=60)
    expected = manager.results_frame(clean)

    job = start_sample(manager, options={**options, "throttle_s": 0.02})
    wait_for(lambda: manager.get(job)["items_done"] >= 5, what="five pages done")
    manager.pause(job)
    paused = wait_for(lambda: (m := manager.get(job))["status"] == JobStatus.PAUSED and m, what="pause")
    assert 5 <= paused["items_done"] < paused["total_items"]
    manager.resume(job)
    assert manager.wait(job, timeout=60)["status"] == JobStatus.COMPLETED
    pd.testing.assert_frame_equal(manager.results_frame(job), expected)
    assert manager.results_frame(job)["Destination"].value_counts().max() <= 2
    assert manager.get(job)["summary"] == manager.get(clean)["summary"]


def test_a_pause_ends_the_pause_after_each_page_at_once(manager, monkeypatch):
    """The demonstration's pause after each page (here ten minutes) gives way to a pause asked meanwhile; it was a
    plain sleep, so the job paused only once it had run out (and a server shutting down gave up on it)."""
    sleeping, sleep = threading.Event(), TaskContext.sleep

    def observed(ctx, seconds):
        sleeping.set()
        return sleep(ctx, seconds)

    monkeypatch.setattr(TaskContext, "sleep", observed)
    job = start_sample(manager, options={"throttle_s": 600})
    wait_for(sleeping.is_set, what="the pause after the first page")
    manager.pause(job)
    paused = wait_for(lambda: (m := manager.get(job))["status"] == JobStatus.PAUSED and m, what="pause")
    assert paused["items_done"] == 1                  # the page whose pause was cut short is kept whole
    assert manager.results_frame(job)["Source"].nunique() <= 1
    manager.delete(job)


def test_resume_after_pages_without_suggestions_still_counts_every_page_analysed(tmp_path):
    """A resume replays only the committed rows, so pages that gave none leave no trace there."""
    for sample in (SAMPLE_PAGES, SAMPLE_LINKS):
        (tmp_path / sample.name).write_bytes(sample.read_bytes())
    options = link_task.clean_options("offline", {"max_per_page": 4, "max_inbound_per_target": 2})
    config = {"options": options, "files": {"pages": SAMPLE_PAGES.name, "links": SAMPLE_LINKS.name}}
    task = link_task.LinkAnalysisTask()

    def run(committed: list[dict], start: int) -> tuple[list[list[dict]], dict]:
        """Prepare as a (resumed) job does, process the items from `start` on, and finish."""
        rows = list(committed)
        ctx = TaskContext("job", config, tmp_path, results=lambda: pd.DataFrame(
            rows, columns=list(analyzer.RESULT_COLUMNS)))
        for step in task.steps[:-1]:
            task.prepare(ctx, step)
        pages = [task.process(ctx, item) for item in task.items(ctx)[start:]]
        rows += [row for page in pages for row in page]
        return pages, task.finish(ctx)

    pages, expected = run([], 0)
    pause_after = 1 + next(n for n, rows in enumerate(pages) if not rows)
    resumed, summary = run([row for rows in pages[:pause_after] for row in rows], pause_after)
    assert resumed == pages[pause_after:]
    assert summary == expected and summary["pages_analysed"] == len(pages)


def test_pages_in_flight_together_never_push_a_target_past_its_inbound_cap():
    """Gemini checks a page's picks before the caller records them: pages answered at the same moment must
    not all take the last free inbound slot of one target."""
    from inlink.gemini import engine as gemini_engine

    site = site_import.load_site(SAMPLE_PAGES, SAMPLE_LINKS)
    uncapped = analyzer.build_index(site, analyzer.AnalysisConfig())
    answers = {url: analyzer.analyze_page(uncapped, url) for url in analyzer.source_pages(uncapped)}
    target = Counter(row["Destination"] for rows in answers.values() for row in rows).most_common(1)[0][0]
    sources = [url for url, rows in answers.items() if any(row["Destination"] == target for row in rows)][:4]
    together = threading.Barrier(len(sources))

    class CheckedThenHeld:   # every page's picks were valid when checked, before any other page was recorded
        def suggest(self, index, url):
            together.wait(timeout=60)
            return gemini_engine.PageOutcome(source=url, rows=list(answers[url]))

    capped = analyzer.build_index(site, analyzer.AnalysisConfig(max_inbound_per_target=1))
    pages = page_analyzer.PageAnalyzer(index=capped, gemini=CheckedThenHeld())
    counted: list[dict] = []
    with ThreadPoolExecutor(len(sources)) as pool:
        kept = [row for rows in pool.map(lambda url: pages.rows_for(url, count=lambda **c: counted.append(c)), sources)
                for row in rows]
    assert Counter(row["Destination"] for row in kept).most_common(1)[0][1] == 1
    dropped = sum(c.get("dropped_inbound_cap", 0) for c in counted)
    assert dropped >= len(sources) - 1 and len(kept) + dropped == sum(len(answers[url]) for url in sources)


def test_bad_site_file_is_refused_before_any_job_exists(manager):
    with pytest.raises(site_import.SiteDataError) as err:
        link_task.start_analysis(manager, b"name,colour\nfoo,red\n", pages_name="crawl.csv")
    assert "crawl.csv" in str(err.value)
    assert manager.list_jobs() == []


@pytest.mark.parametrize("engine, options, message", [
    ("magic", {}, "unknown engine"),
    ("offline", {"max_per_page": 0}, "max_per_page"),
    ("offline", {"max_pages": 3}, "unknown option"),
    ("offline", {"throttle_s": "soon"}, "throttle_s must be zero or more"),
    ("offline", {"exclude_patterns": "/tag/"}, "exclude_patterns must be a list"),
    ("gemini", {"budget_usd": "lots"}, "budget_usd must be a positive amount"),
    ("gemini", {"rpm": 0}, "rpm must be a whole number"),
])
def test_bad_options_are_refused_with_their_name(manager, engine, options, message):
    with pytest.raises(link_task.OptionError, match=message):
        start_sample(manager, engine=engine, options=options)
    assert manager.list_jobs() == []


def test_exclude_patterns_are_checked_before_any_job_or_output_file(manager, tmp_path):
    """An empty pattern was dropped without a word, and patterns leaving out every page made a job (or a file) of no
    row: both are refused in the options' own words, for every front end."""
    with pytest.raises(link_task.OptionError, match="an exclude pattern is empty"):
        start_sample(manager, options={"exclude_patterns": ["/tag/", " "]})
    with pytest.raises(link_task.ExcludesEveryPage, match='"https://" leaves out all') as refused:
        start_sample(manager, options={"exclude_patterns": ["https://", "/nothing-here/"]})
    assert refused.value.patterns == ["https://"]
    out = tmp_path / "out.csv"
    with pytest.raises(link_task.ExcludesEveryPage):
        foreground.run_to_csv(SAMPLE_PAGES, SAMPLE_LINKS, options={"exclude_patterns": ["*"]}, out_path=out)
    assert manager.list_jobs() == [] and not out.exists()


def test_run_to_csv_writes_the_same_rows_as_a_job(manager, tmp_path):
    job = start_sample(manager)
    manager.wait(job, timeout=60)
    out = tmp_path / "suggestions.csv"
    summary = foreground.run_to_csv(SAMPLE_PAGES, SAMPLE_LINKS, out_path=out)
    assert out.read_bytes() == manager.results_csv(job)   # one writer, one format, byte for byte
    assert len(pd.read_csv(out, encoding="utf-8-sig")) == summary["suggestions"]


def test_every_export_writes_score_and_confidence_with_one_fixed_number_of_decimals(manager, tmp_path):
    """A float written as it is drops trailing zeros (0.884 next to 0.1751): each column has one format."""
    import csv
    import io

    from openpyxl import load_workbook

    from inlink.exports import frame_to_xlsx

    out = tmp_path / "suggestions.csv"
    foreground.run_to_csv(SAMPLE_PAGES, SAMPLE_LINKS, out_path=out)
    job = start_sample(manager)
    manager.wait(job, timeout=60)
    for data in (out.read_bytes(), manager.results_csv(job)):
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        assert rows
        assert {len(row["Score"].split(".")[1]) for row in rows} == {4}, [row["Score"] for row in rows]
        assert {len(row["Confidence"].split(".")[1]) for row in rows} == {3}
    sheet = load_workbook(io.BytesIO(frame_to_xlsx(manager.results_frame(job)))).active
    header = [cell.value for cell in sheet[1]]
    score, confidence = header.index("Score") + 1, header.index("Confidence") + 1
    assert {sheet.cell(row, score).number_format for row in range(2, sheet.max_row + 1)} == {"0.0000"}
    assert {sheet.cell(row, confidence).number_format for row in range(2, sheet.max_row + 1)} == {"0.000"}
    assert isinstance(sheet.cell(2, score).value, float)    # still a number to sort and sum


def test_the_excel_export_has_readable_columns_and_a_frozen_filterable_header(manager):
    """Before: every column at Excel's default 8.4 characters (a URL showed 'https://'), the header scrolled away."""
    import io

    from openpyxl import load_workbook

    from inlink.exports import XLSX_MAX_WIDTH, frame_to_xlsx

    job = start_sample(manager)
    manager.wait(job, timeout=60)
    sheet = load_workbook(io.BytesIO(frame_to_xlsx(manager.results_frame(job)))).active
    widths = {cell.value: sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]}
    assert widths["Source"] >= 30 and widths["Reason"] == XLSX_MAX_WIDTH and widths["Tier"] < 12, widths
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == sheet.dimensions


def test_an_excel_export_longer_than_a_worksheet_is_refused_in_words(monkeypatch):
    """Excel opens no worksheet of more than 1,048,576 rows, and a streamed workbook (openpyxl's write-only mode)
    writes them all the same: refused before any work, saying what to download instead."""
    import io

    from openpyxl import load_workbook

    from inlink import exports

    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 4)
    frame = pd.DataFrame({"Source": ["a", "b", "c", "d"], "Score": [0.5, 0.25, 1.0, 0.0]})
    with pytest.raises(exports.TooManyRows, match="holds 3 rows under its header and these results have 4: "
                                                  "download them as CSV instead"):
        exports.frame_to_xlsx(frame)
    sheet = load_workbook(io.BytesIO(exports.frame_to_xlsx(frame.head(3)))).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [["Source", "Score"], ["a", 0.5],
                                                                          ["b", 0.25], ["c", 1.0]]


def test_an_excel_export_of_text_with_control_characters_is_written_without_them():
    """A crawl's title or sentence holding a backspace or a form feed reaches the rows as it is (the CSV keeps it),
    and openpyxl refused the whole workbook for it (IllegalCharacterError): every Excel export of the job failed.
    The characters a workbook cannot hold are dropped; a formula-looking text behind one is still kept as text."""
    import io

    from openpyxl import load_workbook

    from inlink import exports

    frame = pd.DataFrame({"Source\x01": ["Beans\x08 and brews", "see.\x0b Next\x0c page", "\x1b=HYPERLINK(1)"]})
    sheet = load_workbook(io.BytesIO(exports.frame_to_xlsx(frame))).active
    assert [cell.value for cell in sheet["A"]] == ["Source", "Beans and brews", "see. Next page", "=HYPERLINK(1)"]
    assert sheet["A4"].data_type == "s" and sheet["A4"].quotePrefix


# -- Gemini through the real google-genai client and a local fake server -----------------------------


@pytest.fixture
def gemini(fake, tmp_path, monkeypatch):
    """The fake server, named in a settings file the link task reads (short retries, no rate limit to speak of)."""
    settings = tmp_path / "gemini.json"
    settings.write_text(json.dumps({"base_url": fake.base_url, "max_retries": 1, "backoff_base_s": 0.01,
                                    "rpm": 6000}))
    monkeypatch.setenv("INLINK_GEMINI_SETTINGS", str(settings))
    return fake


def first_candidate(with_links: bool = True, floor: float = 0.0) -> analyzer.Candidate:
    """The offline engine's best candidate with an anchor above the confidence floor (the ones Gemini is shown;
    0 as in start_sample's Gemini jobs) for the first page a job analyses (on the sample pages with or without
    their links: the evidence differs)."""
    site = site_import.load_site(SAMPLE_PAGES, SAMPLE_LINKS if with_links else None)
    index = analyzer.build_index(site, analyzer.AnalysisConfig(max_per_page=2, min_confidence=floor))
    return next(c for c in analyzer.candidates_for(index, analyzer.source_pages(index)[0], k=5)
                if c.anchor and c.confidence >= floor)


def test_gemini_job_keeps_the_key_in_memory_and_records_cost(manager, gemini, tmp_path):
    secret = "AIza-test-key-never-on-disk"
    first = first_candidate()
    gemini.script = [fg.suggestions((first.destination, first.anchor), prompt_tokens=1000, output_tokens=100)]
    job = start_sample(manager, engine="gemini", api_key=secret, options={"max_per_page": 2})
    meta = manager.wait(job, timeout=60)
    assert meta["status"] == JobStatus.COMPLETED, meta["error"]
    assert meta["counters"]["gemini_calls"] >= 1
    assert meta["counters"]["cost_usd"] > 0
    assert all(secret in r.headers.values() for r in gemini.received)
    assert all(secret not in json.dumps(r.body) for r in gemini.received)
    rows = manager.results_frame(job)
    assert rows["Engine"].str.startswith("gemini:").all()
    # the scripted pick is kept where its anchor stands in the page and the link is new, dropped elsewhere
    assert set(zip(rows["Destination"], rows["Anchor"])) == {(first.destination, first.anchor)}
    assert 1 <= len(rows) < meta["total_items"]
    assert meta["counters"]["suggestions_dropped"] >= meta["total_items"] - len(rows)
    for path in (tmp_path / "jobs").rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


def test_what_a_gemini_job_spent_shows_in_jobs_status_and_in_its_panel(manager, gemini, tmp_path):
    """The counters were only in `jobs status --json`: the paid engine's spend is now said where the job is."""
    from test_app_common import open_page

    first = first_candidate()
    gemini.script = [fg.suggestions((first.destination, first.anchor), prompt_tokens=1000, output_tokens=100)]
    job = start_sample(manager, engine="gemini", api_key="AIza-test", options={"max_per_page": 2, "budget_usd": 5})
    meta = manager.wait(job, timeout=60)
    calls, cost = meta["counters"]["gemini_calls"], meta["counters"]["cost_usd"]
    status = run_cli("jobs", "status", job, jobs_dir=tmp_path / "jobs")
    assert (f"spent:    ${cost:,.4f} of a $5.00 budget: {calls} Gemini call{'s' if calls > 1 else ''}, "
            f"{1000 * calls:,} prompt and {100 * calls:,} output tokens") in status.output
    app = open_page("jobs", {"job": job})
    [spent] = [m for m in app.metric if m.label == "Spent"]
    assert spent.value == f"${cost:,.4f}" and spent.help.endswith(". An estimate from the tokens Gemini reported, "
                                                                  "at the model's price in the Gemini settings; "
                                                                  "Google's billing is the final word.")
    offline = start_sample(manager)
    manager.wait(offline, timeout=60)
    assert "spent:" not in run_cli("jobs", "status", offline, jobs_dir=tmp_path / "jobs").output
    assert not [m for m in open_page("jobs", {"job": offline}).metric if m.label == "Spent"]


def test_a_key_no_header_can_carry_pauses_the_job_for_a_key_and_is_never_written(manager, gemini, tmp_path):
    """A key with a line break in it (read from a file of two lines) made httpx refuse the header with the key in
    its message, "Illegal header value b'AIza...'": the job failed with it, kept in its files and shown in its panel.
    It now pauses for another key, in words that never quote it, and nothing reaches the server."""
    secret = "AIza-test-key-never-on-disk"
    job = start_sample(manager, engine="gemini", api_key=f"{secret}\nsecond-line")
    meta = manager.wait(job, timeout=60, until=["paused", "failed", "completed"])
    assert meta["status"] == JobStatus.PAUSED and not meta["error"], meta
    assert meta["message"].startswith("the Gemini API key holds a line break, which no API key has"), meta["message"]
    assert job_words.paused_for_key(manager.job(job)) and gemini.received == []
    for path in (tmp_path / "jobs").rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


def test_gemini_job_without_a_key_waits_for_one_and_resumes_with_it(manager, gemini):
    """A typed key lives in the app's memory only: after a restart the job has none. Nothing failed, so the job is
    paused asking for the key (it showed "Failed" in red), and goes on once given one."""
    job = start_sample(manager, engine="gemini")
    meta = manager.wait(job, timeout=60, until=["paused", "failed", "completed"])
    assert meta["status"] == JobStatus.PAUSED and meta["can_resume"] and not meta["error"]
    assert meta["message"].startswith("the Gemini engine needs an API key: set GEMINI_API_KEY"), meta["message"]
    first = first_candidate()
    gemini.script = [fg.suggestions((first.destination, first.anchor))]
    manager.resume(job, secrets={link_task.SECRET_KEY: "k"})
    meta = manager.wait(job, timeout=60)
    assert meta["status"] == JobStatus.COMPLETED and meta["counters"]["gemini_calls"] >= 1, meta


def test_gemini_budget_cap_pauses_the_job_with_a_message(manager, gemini, tmp_path):
    # one page in flight, so the page that crosses the budget is the second one: with several in flight, which
    # answer lands first (and whether a page is done before the pause) would depend on the machine's speed
    settings = tmp_path / "gemini.json"
    settings.write_text(json.dumps({**json.loads(settings.read_text()), "max_in_flight": 1}))
    gemini.script = [fg.success({"suggestions": []}, prompt_tokens=400_000, output_tokens=0)]
    job = start_sample(manager, engine="gemini", api_key="k", options={"budget_usd": 0.15})
    meta = wait_for(lambda: (m := manager.get(job))["status"] == JobStatus.PAUSED and m, what="budget pause")
    assert "budget" in (meta["message"] or "").lower()
    assert 1 <= meta["items_done"] < meta["total_items"]


def test_a_job_paused_at_its_budget_resumes_with_a_larger_one_from_the_command_line(manager, gemini, tmp_path):
    """The pause said "raise the budget and resume", and nothing could raise it: a resumed job paused again at
    once. `jobs resume ID --budget USD` does."""
    from click.testing import CliRunner

    from inlink import cli as cli_module

    settings = tmp_path / "gemini.json"
    settings.write_text(json.dumps({**json.loads(settings.read_text()), "max_in_flight": 1}))
    gemini.script = [fg.success({"suggestions": []}, prompt_tokens=400_000, output_tokens=0)]   # $0.10 a page
    job = start_sample(manager, engine="gemini", api_key="k", options={"budget_usd": 0.15})
    meta = wait_for(lambda: (m := manager.get(job))["status"] == JobStatus.PAUSED and m, what="budget pause")
    assert "`cli.py jobs resume JOB --budget USD`" in meta["message"]
    runner = CliRunner()
    too_small = runner.invoke(cli_module.cli, ["jobs", "resume", job, "--budget", "0.15"])
    assert too_small.exit_code == 1 and "has spent $0.2000 already: give a budget above that" in too_small.output
    assert manager.get(job)["status"] == JobStatus.PAUSED
    resumed = runner.invoke(cli_module.cli, ["jobs", "resume", job, "--budget", "100"])
    assert resumed.exit_code == 0 and f"job {job}: queued to resume with a budget of $100.00" in resumed.output
    meta = manager.wait(job, 60)
    assert meta["status"] == JobStatus.COMPLETED and meta["config"]["options"]["budget_usd"] == 100
    offline = start_sample(manager)
    manager.wait(offline, 60)
    refused = runner.invoke(cli_module.cli, ["jobs", "resume", offline, "--budget", "1"])
    assert refused.exit_code == 1 and "is no Gemini analysis" in refused.output


def unknown_model_then(model: str, reply: fg.Reply):
    """A `respond` for the fake: 404 NOT_FOUND for `model`, as the API answers a model it does not know; `reply`
    for any other model."""
    refusal = fg.error(404, f"models/{model} is not found for API version v1beta, or is not supported for "
                            "generateContent.", "NOT_FOUND")
    return lambda received: refusal if received.model == model else reply


def test_a_job_whose_model_gemini_does_not_know_pauses_and_resumes_with_another_from_the_command_line(
        manager, gemini):
    """A 404 for the model failed the job, and a resume could only ask the same model again: the job now pauses
    for a model, and `jobs resume ID --model NAME` gives it one (checked as at start, said in its events), its pages
    costed at the new model's price."""
    from click.testing import CliRunner

    from inlink import cli as cli_module

    gemini.respond = unknown_model_then("gemini-nope", fg.success({"suggestions": []}, prompt_tokens=1000,
                                                                  output_tokens=200))
    job = start_sample(manager, engine="gemini", api_key="k", options={"model": "gemini-nope"})
    meta = manager.wait(job, 60, until=["paused", "failed"])
    assert meta["status"] == JobStatus.PAUSED and meta["items_done"] == 0, meta
    assert "does not know the model 'gemini-nope'" in meta["message"]
    assert job_words.paused_for_model(manager.job(job)) and "`cli.py jobs resume JOB --model NAME`" in meta["message"]
    runner = CliRunner()
    blank = runner.invoke(cli_module.cli, ["jobs", "resume", job, "--model", "  "])
    assert blank.exit_code == 1 and "model must be a Gemini model name" in blank.output, blank.output
    assert manager.get(job)["status"] == JobStatus.PAUSED and manager.get(job)["config"]["options"]["model"] == \
        "gemini-nope"
    resumed = runner.invoke(cli_module.cli, ["jobs", "resume", job, "--model", " gemini-2.5-flash-lite "])
    assert resumed.exit_code == 0 and f"job {job}: queued to resume with the model gemini-2.5-flash-lite" in \
        resumed.output, resumed.output
    meta = manager.wait(job, 60, until=["completed", "paused", "failed"])
    assert meta["status"] == JobStatus.COMPLETED and meta["config"]["options"]["model"] == "gemini-2.5-flash-lite"
    asked = [r.model for r in gemini.received]
    assert set(asked) == {"gemini-nope", "gemini-2.5-flash-lite"} and asked[-1] == "gemini-2.5-flash-lite"
    calls = meta["counters"]["gemini_calls"]
    price = GeminiSettings(model="gemini-2.5-flash-lite").price()
    assert calls == asked.count("gemini-2.5-flash-lite") and meta["counters"]["cost_usd"] == pytest.approx(
        calls * (1000 * price.input_per_1m + 200 * price.output_per_1m) / 1e6)
    said = [e["message"] for e in manager.events(job, limit=200)]
    assert any("Gemini model changed from gemini-nope to gemini-2.5-flash-lite" in m for m in said), said
    offline = start_sample(manager)
    manager.wait(offline, 60)
    refused = runner.invoke(cli_module.cli, ["jobs", "resume", offline, "--model", "gemini-2.5-flash"])
    assert refused.exit_code == 1 and "is no Gemini analysis: a model applies" in refused.output


def test_a_job_whose_model_the_keys_plan_leaves_out_pauses_for_another_model(manager, gemini):
    """A 429 "limit: 0" for the model (Gemini 2.5 Pro on the free tier) paused the job until "midnight Pacific
    time", and a resume then was refused alike: the job pauses for another model at once, with nothing spent."""
    refusal = fg.no_quota_for_the_model("gemini-2.5-pro")
    gemini.respond = lambda received: refusal if received.model == "gemini-2.5-pro" else fg.success({"suggestions": []})
    job = start_sample(manager, engine="gemini", api_key="k", options={"model": "gemini-2.5-pro"})
    meta = manager.wait(job, 60, until=["paused", "failed", "completed"])
    assert meta["status"] == JobStatus.PAUSED and meta["items_done"] == 0, meta
    assert "no request to the model 'gemini-2.5-pro'" in meta["message"] and "midnight" not in meta["message"]
    assert job_words.paused_for_model(manager.job(job)) and not meta["counters"].get("cost_usd")
    assert len(gemini.received) <= GeminiSettings().max_in_flight   # one call per page in flight, none retried


def test_answers_of_a_model_left_for_another_are_counted_in_the_jobs_cost(manager, gemini, tmp_path):
    """A job paused because a model's answers stayed unusable, resumed with another model (its pause message says
    to check the model): the answers the first model gave for the page that paused it (kept, uncommitted) were filed
    under that model, never looked up again, and never counted, though Google billed them."""
    settings = tmp_path / "gemini.json"   # one page at a time: the pause comes on one page, with no page ahead
    settings.write_text(json.dumps({**json.loads(settings.read_text()), "max_in_flight": 1}))
    garbled = fg.success("this is not JSON {", prompt_tokens=1000, output_tokens=200)
    answer = fg.success({"suggestions": []}, prompt_tokens=1000, output_tokens=200)
    gemini.respond = lambda received: garbled if received.model == "gemini-2.5-flash-lite" else answer
    job = start_sample(manager, engine="gemini", api_key="k", options={"model": "gemini-2.5-flash-lite"})
    meta = manager.wait(job, 60, until=[JobStatus.PAUSED, *TERMINAL_STATUSES])
    assert meta["status"] == JobStatus.PAUSED and "could not be used for" in meta["message"], meta["message"]
    assert link_task.set_model(manager, job, "gemini-2.5-flash") == "gemini-2.5-flash"
    manager.resume(job, secrets={link_task.SECRET_KEY: "k"})
    meta = manager.wait(job, 60, until=[JobStatus.PAUSED, *TERMINAL_STATUSES])
    assert meta["status"] == JobStatus.COMPLETED, meta["message"]
    asked = Counter(r.model for r in gemini.received)
    assert meta["counters"]["gemini_calls"] == sum(asked.values())   # every answer the server gave, billed
    prices = GeminiSettings().prices
    assert meta["counters"]["cost_usd"] == pytest.approx(sum(
        calls * prices[model].cost(1000, 200) for model, calls in asked.items()))


def test_a_job_paused_at_its_budget_resumes_with_a_larger_one_from_the_dashboard(gemini, tmp_path, monkeypatch):
    """The dashboard's pause message pointed to the command line: the panel now has the budget and a button that
    raises it and resumes the job (through the task's public set_budget and the manager, as the CLI does)."""
    from inlink.ui.manager import get_manager, shutdown_all
    from test_app_common import assert_clean, open_page, texts

    settings = tmp_path / "gemini.json"
    settings.write_text(json.dumps({**json.loads(settings.read_text()), "max_in_flight": 1}))
    gemini.script = [fg.success({"suggestions": []}, prompt_tokens=400_000, output_tokens=0)]   # $0.10 a page
    monkeypatch.setenv("GEMINI_API_KEY", "k")            # the key the resumed run reads, as a user's environment
    try:
        manager = get_manager()                          # the dashboard's own manager runs the job
        job = start_sample(manager, engine="gemini", api_key="k", options={"budget_usd": 0.15})
        wait_for(lambda: manager.get(job)["status"] == JobStatus.PAUSED, what="budget pause")
        app = open_page("jobs", {"job": job})
        assert_clean(app)
        assert any("(the budget field below)" in i and "cli.py" not in i for i in texts(app.info)), texts(app.info)
        events = next(h.value for h in app.get("html") if 'data-kind="events"' in h.value)   # the latest events say
        assert "(the budget field below)" in events and "cli.py" not in events                # it in the same words
        field = app.number_input(key="jobs.panel_budget")
        assert field.value == 0.15 and field.help.startswith("Spent so far: $0.2000. A job paused")
        kept = link_task.FolderAnswers(manager.state_dir(job) / "gemini-answers")   # a page answered ahead
        kept.put("0" * 64, {"model": "m", "page": "https://ex.com/ahead", "usage": {"calls": 1}, "cost_usd": 0.1})
        help_words = open_page("jobs", {"job": job}).number_input(key="jobs.panel_budget").help
        assert help_words.startswith("Spent so far: $0.2000 on the pages done, and $0.1000 on answers kept for "
                                     "pages still to come (paid, and counted in the budget)."), help_words
        kept.clear()
        field.set_value(0.15)
        app.button(key="jobs.panel_raise_budget").click().run()     # not above the spend: said, nothing changes
        assert any("has spent $0.2000 already: give a budget above that" in w for w in texts(app.warning))
        assert manager.get(job)["status"] == JobStatus.PAUSED
        app.number_input(key="jobs.panel_budget").set_value(100.0)
        app.button(key="jobs.panel_raise_budget").click().run()
        assert_clean(app)
        meta = manager.wait(job, 60)
        assert meta["status"] == JobStatus.COMPLETED and meta["config"]["options"]["budget_usd"] == 100
        offline = start_sample(manager)
        manager.wait(offline, 60)
        assert open_page("jobs", {"job": offline}).get("number_input") == []    # no budget to raise
        monkeypatch.delenv("GEMINI_API_KEY")   # paused for its key, not at its budget: no budget to raise either
        keyless = start_sample(manager, engine="gemini", options={"budget_usd": 5.0})
        assert manager.wait(keyless, 60, until=["paused"])["status"] == JobStatus.PAUSED
        app = open_page("jobs", {"job": keyless})
        assert_clean(app)
        assert app.get("number_input") == [] and app.text_input(key="jobs.panel_gemini_key") is not None
        monkeypatch.setenv("GEMINI_API_KEY", "revoked")   # a key is known, and Gemini refuses it: another is asked
        gemini.script = [fg.error(400, "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT")]
        refused = start_sample(manager, engine="gemini")
        assert manager.wait(refused, 60, until=["paused"])["status"] == JobStatus.PAUSED
        app = open_page("jobs", {"job": refused})
        assert_clean(app)
        assert any("give a valid key (type it in the job's panel" in i for i in texts(app.info)), texts(app.info)
        app.text_input(key="jobs.panel_gemini_key").input("AIza-valid").run()
        gemini.script = [fg.success({"suggestions": []})]
        app.button(key="jobs.panel_resume").click().run()
        assert manager.wait(refused, 60)["status"] == JobStatus.COMPLETED
    finally:
        shutdown_all(timeout=5)


def test_a_job_whose_model_gemini_does_not_know_resumes_with_another_from_the_dashboard(gemini, monkeypatch):
    """The job panel offers the model field for a job paused for its model (as `jobs resume ID --model NAME`): a
    blank name is refused in words, another model resumes the job, a model of no known price is said."""
    from inlink.ui.manager import get_manager, shutdown_all
    from test_app_common import assert_clean, open_page, texts

    gemini.respond = unknown_model_then("gemini-nope", fg.success({"suggestions": []}))
    monkeypatch.setenv("GEMINI_API_KEY", "k")            # the key the resumed run reads, as a user's environment
    try:
        manager = get_manager()                          # the dashboard's own manager runs the job
        job = start_sample(manager, engine="gemini", api_key="k", options={"model": "gemini-nope"})
        assert manager.wait(job, 60, until=["paused", "failed"])["status"] == JobStatus.PAUSED
        app = open_page("jobs", {"job": job})
        assert_clean(app)
        assert any("(the model field below)" in i and "cli.py" not in i for i in texts(app.info)), texts(app.info)
        assert app.text_input(key="jobs.panel_model").value == "gemini-nope"
        app.text_input(key="jobs.panel_model").input(" ").run()
        app.button(key="jobs.panel_change_model").click().run()      # refused in words, nothing changes
        assert any("model must be a Gemini model name" in w for w in texts(app.warning)), texts(app.warning)
        assert manager.get(job)["status"] == JobStatus.PAUSED
        app.text_input(key="jobs.panel_model").input("gemini-fancy").run()
        app.button(key="jobs.panel_change_model").click().run()
        assert_clean(app)
        assert any("no price is known for the model 'gemini-fancy'" in w for w in texts(app.warning))
        meta = manager.wait(job, 60)
        assert meta["status"] == JobStatus.COMPLETED and meta["config"]["options"]["model"] == "gemini-fancy"
        assert gemini.received[-1].model == "gemini-fancy"
        assert open_page("jobs", {"job": job}).get("text_input") == []    # over: no model to change
    finally:
        shutdown_all(timeout=5)


def _prepared_twice(tmp_path, options: dict, log: list | None = None):
    """A link task over the sample site prepared as a job's run does, for a first run and a resumed one."""
    for sample in (SAMPLE_PAGES, SAMPLE_LINKS):
        (tmp_path / sample.name).write_bytes(sample.read_bytes())
    config = {"options": link_task.clean_options("gemini", options),
              "files": {"pages": SAMPLE_PAGES.name, "links": SAMPLE_LINKS.name}}
    task = link_task.LinkAnalysisTask()

    def prepared() -> TaskContext:
        ctx = TaskContext("job", config, tmp_path, secrets={link_task.SECRET_KEY: "k"},
                          log=log.append if log is not None else None)
        for step in task.steps[:-1]:
            task.prepare(ctx, step)
        return ctx
    return task, prepared


def test_pages_answered_ahead_are_not_bought_again_when_an_inbound_cap_changed_their_candidates(gemini, tmp_path):
    """With --max-inbound, a target leaves a page's candidates once earlier pages fill its cap: pages answered
    ahead of the first one (which the job died before committing) were asked again on resume, and paid twice,
    once the resumed run had recorded the first page (3 of 30 sample pages). Their kept answers now serve."""
    gemini.respond = fg.first_candidate_picked
    task, prepared = _prepared_twice(tmp_path, {"min_confidence": 0.0, "max_inbound_per_target": 1})
    first = prepared()
    items = task.items(first)[:9]
    for item in items[1:]:      # answered ahead of the first page, which the run never got an answer for
        task.process(first, item)
    resumed = prepared()
    for item in items:
        task.process(resumed, item)
    asked = Counter(re.search(r"^URL: (\S+)$", r.prompt, re.MULTILINE)[1] for r in gemini.received)
    assert sorted(asked) == sorted(items) and set(asked.values()) == {1}, asked


def test_a_gemini_answer_the_job_could_not_commit_is_not_bought_again_on_resume(gemini, tmp_path):
    """Pages in flight together are committed in order: a later page answered before the job paused (or died)
    is in no checkpoint. Its paid answer waits in the job's folder and the next run takes it back."""
    gemini.script = [fg.success({"suggestions": []}, prompt_tokens=1000, output_tokens=100)]
    task, prepared = _prepared_twice(tmp_path, {"min_confidence": 0.0})
    first = prepared()
    items = task.items(first)
    task.process(first, items[1])      # answered ahead of the first page; the job paused before committing it
    asked = len(gemini.received)
    assert asked == 1

    resumed = prepared()
    for item in items:
        task.process(resumed, item)
    assert len(gemini.received) == len({r.prompt for r in gemini.received})   # no page was asked twice
    assert len(gemini.received) - asked < len(items)
    task.finish(resumed)
    assert not (resumed.state_dir / "gemini-answers").exists()   # every answer is in the results now


def test_answers_kept_ahead_count_against_the_budget_from_the_start_of_the_resumed_run(gemini, tmp_path):
    """Three pages answered ahead of the first (kept, paid) before the job paused: the resumed run counted them only
    as their pages came up, so it paid for the first page, though the kept answers had spent the budget already,
    and its spend passed the cap by them. They count from the run's start, said in its events."""
    gemini.script = [fg.success({"suggestions": []}, prompt_tokens=1000, output_tokens=100)]
    one = GeminiSettings.from_options().price().cost(1000, 100)
    log: list[str] = []
    task, prepared = _prepared_twice(tmp_path, {"min_confidence": 0.0, "budget_usd": round(2.5 * one, 10)}, log)
    first = prepared()
    items = task.items(first)
    with pytest.raises(page_analyzer.GeminiStopped, match="budget"):
        for item in items[1:]:
            task.process(first, item)
    paid = len(gemini.received)
    assert paid == 3     # the third answer spent the budget: the job paused, the first page not committed
    ahead = re.search(r"^URL: (\S+)$", gemini.received[0].prompt, re.MULTILINE)[1]
    task.release(first)

    resumed = prepared()
    with pytest.raises(page_analyzer.GeminiStopped, match="budget"):
        task.process(resumed, items[0])       # no new call: the kept answers spent the budget
    assert len(gemini.received) == paid
    assert ("Gemini answers an earlier run paid $0.0012 for, kept for 3 pages still to come, count in the spend "
            "from now on; 3 are taken back at no new cost.") in log, log
    assert task.process(resumed, ahead) == [] and len(gemini.received) == paid   # taken back at no cost


def test_set_budget_compares_with_the_answers_kept_for_pages_to_come_too(make_manager, tmp_path):
    """A budget above the committed spend but under the real one (answers kept, paid, for pages not committed) was
    accepted, and the resumed job paused at once; refused, naming both figures."""
    from inlink.tasks.answers import FolderAnswers

    manager = make_manager(autostart=False)
    job = start_sample(manager, engine="gemini", api_key="k", options={"budget_usd": 0.01})
    store = FolderAnswers(manager.state_dir(job) / "gemini-answers")
    for n in range(3):
        store.put(f"{n:064x}", {"model": "m", "page": f"https://ex.com/{n}", "picks": {"suggestions": []},
                                "usage": {"calls": 1}, "cost_usd": 0.01})
    with pytest.raises(link_task.OptionError, match=r"has spent \$0.0300 already \(\$0 on the pages done, "
                                                    r"\$0.0300 on answers kept for pages still to come\)"):
        link_task.set_budget(manager, job, 0.02)
    assert manager.get(job)["config"]["options"]["budget_usd"] == 0.01
    link_task.set_budget(manager, job, 0.05)
    assert manager.get(job)["config"]["options"]["budget_usd"] == 0.05


# -- the command line over the same API ---------------------------------------------------------------


def run_cli(*args: str, jobs_dir: Path):
    from click.testing import CliRunner

    from inlink import cli

    return CliRunner().invoke(cli.cli, ["--jobs-dir", str(jobs_dir), *args], catch_exceptions=False)


def test_jobs_status_counts_the_answers_kept_for_pages_to_come_in_the_spend(make_manager, jobs_dir):
    """A job paused at its budget said "the budget of $0.0010 is used up (spent $0.0011)", and `jobs status` under
    it "spent: $0.0006 of a $0.0010 budget": the answers kept for pages still to come (paid, in the budget) were
    named by the dashboard's panel only. The status names them after the committed spend."""
    from inlink.tasks.answers import FolderAnswers

    manager = make_manager(autostart=False)
    job = start_sample(manager, engine="gemini", api_key="k", options={"budget_usd": 0.05})
    spent = next(line for line in run_cli("jobs", "status", job, jobs_dir=jobs_dir).stdout.splitlines()
                 if line.startswith("spent:"))
    assert spent.startswith("spent:    $0 of a $0.0500 budget: 0 Gemini calls") and "kept" not in spent
    store = FolderAnswers(manager.state_dir(job) / "gemini-answers")
    for n in range(3):
        store.put(f"{n:064x}", {"model": "m", "page": f"https://ex.com/{n}", "picks": {"suggestions": []},
                                "usage": {"calls": 1}, "cost_usd": 0.01})
    spent = next(line for line in run_cli("jobs", "status", job, jobs_dir=jobs_dir).stdout.splitlines()
                 if line.startswith("spent:"))
    assert spent.endswith("output tokens; and $0.0300 on answers kept for pages still to come (paid, and counted in "
                          "the budget)"), spent


def test_cli_jobs_start_prints_the_id_of_a_queued_job(tmp_path):
    result = run_cli("jobs", "start", str(SAMPLE_PAGES), "--links", str(SAMPLE_LINKS), "--max-per-page", "2",
                     "--exclude", "*/blog/*", "--label", "coffee site", jobs_dir=tmp_path / "jobs")
    assert result.exit_code == 0, result.output
    job_id = result.stdout.strip()   # the import report goes to stderr
    meta = JobManager(tmp_path / "jobs", autostart=False).get(job_id)
    assert meta["status"] == JobStatus.QUEUED and meta["label"] == "coffee site"
    assert meta["config"]["options"]["exclude_patterns"] == ["*/blog/*"]


def test_cli_suggest_writes_the_csv_and_a_summary(tmp_path):
    out = tmp_path / "out.csv"
    result = run_cli("suggest", str(SAMPLE_PAGES), "--links", str(SAMPLE_LINKS), "--max-per-page", "2",
                     "--out", str(out), jobs_dir=tmp_path / "jobs")
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(out, encoding="utf-8-sig")
    assert 0 < len(rows) <= 2 * rows["Source"].nunique()
    assert f"wrote {len(rows)} suggestions" in result.output


def test_cli_tier_cut_offs_set_the_tiers_and_are_checked(tmp_path):
    out = tmp_path / "out.csv"
    result = run_cli("suggest", str(SAMPLE_PAGES), "--min-confidence", "0.3", "--high-confidence", "0.95",
                     "--medium-confidence", "0.9", "--out", str(out), jobs_dir=tmp_path / "jobs")
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(out, encoding="utf-8-sig")
    expected = rows["Confidence"].map(lambda c: "high" if c >= 0.95 else "medium" if c >= 0.9 else "low")
    assert (rows["Confidence"] >= 0.3).all() and (rows["Tier"] == expected).all()
    assert set(rows["Tier"]) == {"high", "medium", "low"}
    refused = run_cli("suggest", str(SAMPLE_PAGES), "--high-confidence", "0.3", "--medium-confidence", "0.5",
                      "--out", str(tmp_path / "o.csv"), jobs_dir=tmp_path / "jobs")
    assert refused.exit_code == 2 and "must not be above the high tier's" in refused.output   # a usage error
    assert "Invalid value for '--medium-confidence' / '--high-confidence'" in refused.output
    assert not (tmp_path / "o.csv").exists()
    queued = run_cli("jobs", "start", str(SAMPLE_PAGES), "--medium-confidence", "0.95", jobs_dir=tmp_path / "jobs")
    assert queued.exit_code == 2 and "above the high tier's (0.87)" in queued.output   # the default high cut-off
    assert not list((tmp_path / "jobs").glob("*.json"))


def test_cli_suggest_on_a_bad_file_prints_one_plain_line(tmp_path):
    bad = tmp_path / "notes.csv"
    bad.write_text("just,some\nwords,here\n")
    result = run_cli("suggest", str(bad), "--out", str(tmp_path / "o.csv"), jobs_dir=tmp_path / "jobs")
    assert result.exit_code == 1
    assert "notes.csv" in result.output and "URL" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "o.csv").exists()


def test_gemini_job_keeps_several_pages_in_flight(manager, gemini):
    answer = fg.success({"suggestions": []})
    # the first three answers wait (at most 2 s) until three requests are open at once; the fake records the
    # most requests it saw open together, which a job sending one page at a time would keep at 1
    held = fg.Reply(answer.status, answer.body, delay_s=2.0, hold_until_in_flight=3)
    gemini.script = [held, held, held, answer]
    job = start_sample(manager, engine="gemini", api_key="k")
    meta = manager.wait(job, timeout=60)
    assert meta["status"] == JobStatus.COMPLETED, meta["error"]
    assert gemini.max_in_flight_seen >= 3
    assert meta["items_done"] == meta["total_items"]


@pytest.mark.parametrize("garbled, said", [(fg.success("this is not JSON {"), "could not be read"),
                                            (fg.Reply(200, "42"), "the server answered the JSON number 42")],
                         ids=["model text no JSON", "body a bare number"])
def test_gemini_page_with_an_unreadable_answer_is_an_item_error_and_the_job_goes_on(manager, gemini, tmp_path,
                                                                                     garbled, said):
    """A body that is a bare JSON number made the SDK raise a TypeError in its own parsing: the job failed as a bug.
    It is an unreadable answer: asked again, then the page skipped, saying what came back."""
    settings = tmp_path / "gemini.json"   # one page at a time, so the three garbled answers hit the same page
    settings.write_text(json.dumps({**json.loads(settings.read_text()), "max_in_flight": 1}))
    first = first_candidate()
    good = fg.suggestions((first.destination, first.anchor))
    gemini.script = [garbled, garbled, garbled, good]   # page 1: three unreadable answers (1 + 2 retries)
    job = start_sample(manager, engine="gemini", api_key="k")
    meta = manager.wait(job, timeout=60)
    assert meta["status"] == JobStatus.COMPLETED, meta["error"]
    assert meta["items_done"] == meta["total_items"]
    errors = [e for e in manager.events(job, limit=500) if e["event"] == "item_error"]
    assert len(errors) == 1 and "could not be read" in errors[0]["message"] and said in errors[0]["message"]
    assert meta["counters"]["gemini_calls"] >= meta["total_items"] + 2   # the failed page's calls are counted
    assert len(manager.results_frame(job)) >= 1                            # later pages still got suggestions


def test_a_gemini_job_paused_after_an_unreadable_answer_counts_that_paid_call_on_resume(manager, gemini, tmp_path):
    """A page's first answer could not be read, and Gemini was unavailable for the retry: the job paused without the
    page, and the paid call was in no counter (the job's cost under-reported, its budget measured without it)."""
    settings = tmp_path / "gemini.json"   # one page at a time: the unreadable answer and the outage hit one page
    settings.write_text(json.dumps({**json.loads(settings.read_text()), "max_in_flight": 1}))
    gemini.script = [fg.success("this is not JSON {"), fg.server_error()]   # then 500 through every retry
    job = start_sample(manager, engine="gemini", api_key="k")
    meta = manager.wait(job, timeout=60, until=[JobStatus.PAUSED, *TERMINAL_STATUSES])
    assert meta["status"] == JobStatus.PAUSED and "500 INTERNAL" in meta["message"], meta["message"]
    refused = len(gemini.received) - 1

    gemini.script, gemini._calls = [fg.success({"suggestions": []})], 0
    manager.resume(job, secrets={link_task.SECRET_KEY: "k"})
    meta = manager.wait(job, timeout=60)
    assert meta["status"] == JobStatus.COMPLETED, meta["error"]
    assert meta["counters"]["gemini_calls"] == len(gemini.received) - refused   # every answer the server gave


def test_a_gemini_request_refused_for_one_page_skips_that_page_and_the_job_goes_on(manager, gemini):
    """A 400 INVALID_ARGUMENT for one page's request failed the whole job, and each resume failed again on that
    page: the page is skipped with the refusal as its reason, and the other pages are analysed."""
    first = first_candidate()
    site = site_import.load_site(SAMPLE_PAGES, SAMPLE_LINKS)
    refused = analyzer.source_pages(analyzer.build_index(site, analyzer.AnalysisConfig(min_confidence=0.0)))[0]
    gemini.by_prompt = {f"URL: {refused}\n": fg.error(400, "Request contains an invalid argument.",
                                                      "INVALID_ARGUMENT")}
    gemini.script = [fg.suggestions((first.destination, first.anchor))]
    job = start_sample(manager, engine="gemini", api_key="k")
    meta = manager.wait(job, timeout=60, until=[JobStatus.PAUSED, *TERMINAL_STATUSES])
    assert meta["status"] == JobStatus.COMPLETED, meta["message"]
    assert meta["items_done"] == meta["total_items"]
    errors = [e for e in manager.events(job, limit=500) if e["event"] == "item_error"]
    assert [e["item"] for e in errors] == [refused]
    assert (f"Gemini refused the request for {refused} as invalid (400 INVALID_ARGUMENT: Request contains an "
            "invalid argument.)") in errors[0]["message"]
    assert len(manager.results_frame(job)) >= 1 and refused not in set(manager.results_frame(job)["Source"])


def test_cli_suggest_stopped_by_an_error_writes_the_rows_it_found_and_says_so(tmp_path, gemini, monkeypatch):
    """A refusal halfway (here the key, on the second page's call) raised out of `suggest` before its file was
    written: every paid row found so far was thrown away. They are written, and the error says so under it."""
    monkeypatch.setenv("GEMINI_API_KEY", "env-key")
    first = first_candidate(with_links=False, floor=analyzer.AnalysisConfig().min_confidence)   # the CLI's floor
    gemini.script = [fg.suggestions((first.destination, first.anchor)),
                     fg.error(403, "Permission denied.", "PERMISSION_DENIED")]
    out = tmp_path / "o.csv"
    result = run_cli("suggest", str(SAMPLE_PAGES), "--engine", "gemini", "--out", str(out),
                     jobs_dir=tmp_path / "jobs")
    assert result.exit_code == 1 and len(gemini.received) == 2, result.output
    lines = [line for line in result.output.splitlines()
             if line.startswith(("error", "note")) and "estimated cost" not in line]   # the estimate: its own test
    assert lines == ["error: Gemini refused the API key (403 PERMISSION_DENIED: Permission denied.); check the key "
                     "and that the Gemini API is enabled for it",
                     f"note: the 1 suggestion found before this error was written to {out}; the run did not reach "
                     "every page",
                     f"note: Gemini's calls before this error cost ${GeminiSettings().price().cost(1000, 200):.4f}: "
                     "1 Gemini call, 1,000 prompt and 200 output tokens"], result.output
    rows = pd.read_csv(out, encoding="utf-8-sig")
    assert list(zip(rows["Destination"], rows["Anchor"])) == [(first.destination, first.anchor)]


def test_cli_suggest_to_stdout_stopped_by_an_error_says_where_the_rows_went(tmp_path, gemini, monkeypatch):
    """`suggest --out -` stopped halfway wrote the rows found on stdout, and its note said they were "written to -"."""
    monkeypatch.setenv("GEMINI_API_KEY", "env-key")
    first = first_candidate(with_links=False, floor=analyzer.AnalysisConfig().min_confidence)
    gemini.script = [fg.suggestions((first.destination, first.anchor)),
                     fg.error(403, "Permission denied.", "PERMISSION_DENIED")]
    result = run_cli("suggest", str(SAMPLE_PAGES), "--engine", "gemini", "--out", "-", jobs_dir=tmp_path / "jobs")
    assert result.exit_code == 1 and first.anchor in result.stdout, result.output   # the rows, on stdout
    assert ("note: the 1 suggestion found before this error was written to standard output; the run did not reach "
            "every page") in result.stderr, result.stderr   # it said "written to -"


def test_a_gemini_job_whose_answers_stay_unusable_pauses_instead_of_paying_for_every_page(manager, gemini):
    """Every page was paid 1 + parse_retries times and skipped: a model or settings that cannot give the answer
    asked for ran the whole site (45 pages, 135 calls, 0 suggestions) and ended "completed"."""
    gemini.script = [fg.success("this is not JSON {")]
    job = start_sample(manager, engine="gemini", api_key="k")
    meta = manager.wait(job, timeout=60, until=[JobStatus.PAUSED, *TERMINAL_STATUSES])
    assert meta["status"] == JobStatus.PAUSED, meta["message"]
    said = re.match(r"Gemini's answers could not be used for (\d+) pages in a row \(last: ", meta["message"])
    assert said and int(said[1]) >= page_analyzer.UNUSABLE_PAGES_PAUSE      # pages in flight may fail after the 5th
    assert "check the model and the Gemini settings" in meta["message"]
    assert len(gemini.received) < 3 * (page_analyzer.UNUSABLE_PAGES_PAUSE + 4) < 3 * meta["total_items"]


def test_a_job_paused_on_unusable_answers_resumes_asking_their_pages_again_and_counts_every_paid_call(manager,
                                                                                                     gemini):
    """The resumed run's events said the answers kept for pages still to come were "taken back at no new cost":
    unusable ones are not, their pages are asked again. Every call the server answered is in the job's cost once."""
    gemini.script = [fg.success("this is not JSON {", prompt_tokens=1000, output_tokens=100)]
    job = start_sample(manager, engine="gemini", api_key="k")
    assert manager.wait(job, timeout=60, until=[JobStatus.PAUSED, *TERMINAL_STATUSES])["status"] == JobStatus.PAUSED
    gemini.script = [fg.success({"suggestions": []}, prompt_tokens=1000, output_tokens=100)]
    manager.resume(job)
    meta = manager.wait(job, timeout=60)
    assert meta["status"] == JobStatus.COMPLETED and meta["counters"]["gemini_calls"] == len(gemini.received)
    said = [e["message"] for e in manager.events(job, 100) if "an earlier run paid" in (e["message"] or "")]
    assert len(said) == 1 and re.search(r"; [\d,]+ pages? (is|are) asked again \(the answers kept were unusable, "
                                        r"or another model's\)\.$", said[0]), said
    assert "taken back" not in said[0]


def test_pages_gemini_refuses_for_what_they_hold_are_skipped_once_each_and_never_pause_the_job(manager, gemini):
    """A run of pages withheld for SAFETY paused the job as "answers could not be used ... check the model and the
    Gemini settings", and again after each resume: nothing was wrong with either, and each page had cost one call."""
    gemini.script = [fg.stopped("SAFETY")]
    job = start_sample(manager, engine="gemini", api_key="k")
    meta = manager.wait(job, timeout=60, until=[JobStatus.PAUSED, *TERMINAL_STATUSES])
    assert meta["status"] == JobStatus.COMPLETED, meta["message"]
    errors = [e for e in manager.events(job, limit=500) if e["event"] == "item_error"]
    assert len(errors) == meta["total_items"] > page_analyzer.UNUSABLE_PAGES_PAUSE
    assert all("Gemini withheld its answer (SAFETY: its safety filters)" in e["message"] for e in errors)
    assert len(gemini.received) == meta["counters"]["gemini_calls"] == meta["total_items"]   # one call a page


def test_cli_suggest_stopped_by_unusable_answers_counts_every_page_it_skipped(tmp_path, gemini, monkeypatch):
    """It said "note: 4 pages were skipped because their answer could not be used" beside "Gemini's answers could
    not be used for 5 pages in a row": the page that stopped it was skipped (and paid) too."""
    monkeypatch.setenv("GEMINI_API_KEY", "AIza-env-key")
    gemini.script = [fg.success("this is not JSON {")]
    settings = Path(os.environ["INLINK_GEMINI_SETTINGS"])
    settings.write_text(json.dumps({**json.loads(settings.read_text()), "max_in_flight": 1}))
    result = run_cli("suggest", str(SAMPLE_PAGES), "--engine", "gemini", "--min-confidence", "0",
                     "--out", str(tmp_path / "o.csv"), jobs_dir=tmp_path / "jobs")
    assert result.exit_code == 1, result.output
    in_a_row = page_analyzer.UNUSABLE_PAGES_PAUSE
    assert f"could not be used for {in_a_row} pages in a row" in result.output
    assert f"note: {in_a_row} pages were skipped because their answer could not be used" in result.output


def test_cli_suggest_stopped_by_gemini_counts_only_the_pages_it_analysed(tmp_path, gemini, monkeypatch):
    """Stopped by a spent quota on its second page, it said "wrote 1 suggestion for 2 pages": the page Gemini
    never answered was counted as analysed."""
    monkeypatch.setenv("GEMINI_API_KEY", "AIza-env-key")
    first = first_candidate(with_links=False, floor=analyzer.AnalysisConfig().min_confidence)   # the CLI's floor
    gemini.script = [fg.suggestions((first.destination, first.anchor)), fg.daily_quota_spent()]
    result = run_cli("suggest", str(SAMPLE_PAGES), "--engine", "gemini", "--out", str(tmp_path / "o.csv"),
                     jobs_dir=tmp_path / "jobs")
    assert result.exit_code == 1 and len(gemini.received) == 2, result.output
    assert "wrote 1 suggestion for 1 page to " in result.output, result.output


def test_cli_suggest_with_gemini_without_a_key_is_one_plain_line(tmp_path, gemini):
    result = run_cli("suggest", str(SAMPLE_PAGES), "--engine", "gemini", "--out", str(tmp_path / "o.csv"),
                     jobs_dir=tmp_path / "jobs")
    assert result.exit_code == 1
    assert "GEMINI_API_KEY" in result.output and "Traceback" not in result.output


def test_cli_suggest_with_gemini_stops_at_the_budget_and_keeps_what_it_found(tmp_path, gemini, monkeypatch):
    monkeypatch.setenv("GEMINI_API_KEY", "env-key")
    first = first_candidate(with_links=False, floor=analyzer.AnalysisConfig().min_confidence)   # the CLI's floor
    gemini.script = [fg.suggestions((first.destination, first.anchor), prompt_tokens=400_000, output_tokens=0)]
    out = tmp_path / "o.csv"
    result = run_cli("suggest", str(SAMPLE_PAGES), "--engine", "gemini", "--budget", "0.15", "--out", str(out),
                     jobs_dir=tmp_path / "jobs")
    assert result.exit_code == 0, result.output
    assert "stopped early" in result.output and "budget" in result.output.lower()
    rows = pd.read_csv(out, encoding="utf-8-sig")
    assert 1 <= len(rows) <= 2 and rows["Engine"].str.startswith("gemini:").all()


def test_cli_suggest_stopped_by_the_budget_counts_the_unreadable_answer_of_the_page_it_stopped_on(tmp_path, gemini,
                                                                                                  monkeypatch):
    """The first page's answer could not be read (a paid call) and the budget was spent before its retry: `suggest`
    said "spent: $0.0000: 0 Gemini calls", though Google billed the call (a job keeps it for its resume; a command
    that runs no job has only its summary)."""
    monkeypatch.setenv("GEMINI_API_KEY", "AIza-env-key")
    gemini.script = [fg.success("this is not JSON {", prompt_tokens=400_000, output_tokens=0)]   # $0.10
    result = run_cli("suggest", str(SAMPLE_PAGES), "--engine", "gemini", "--budget", "0.05",
                     "--out", str(tmp_path / "o.csv"), jobs_dir=tmp_path / "jobs")
    assert result.exit_code == 0 and len(gemini.received) == 1, result.output
    assert "spent: $0.1000 of a $0.0500 budget: 1 Gemini call, 400,000 prompt and 0 output tokens" in result.output, \
        result.output


def test_cli_suggest_stopped_by_an_error_says_what_gemini_was_paid_before_it(tmp_path, gemini, monkeypatch):
    """An error that ends `suggest` (the key refused halfway) left its spend unsaid: the summary with the "spent:"
    line is never printed, and the calls paid (the second page's unreadable answer among them) went unmentioned."""
    monkeypatch.setenv("GEMINI_API_KEY", "AIza-env-key")
    settings = Path(os.environ["INLINK_GEMINI_SETTINGS"])
    settings.write_text(json.dumps({**json.loads(settings.read_text()), "parse_retries": 1}))
    gemini.script = [fg.success({"suggestions": []}), fg.success("this is not JSON {"),
                     fg.error(403, "Permission denied.", "PERMISSION_DENIED")]
    result = run_cli("suggest", str(SAMPLE_PAGES), "--engine", "gemini", "--out", str(tmp_path / "o.csv"),
                     jobs_dir=tmp_path / "jobs")
    assert result.exit_code == 1 and len(gemini.received) == 3, result.output
    price = GeminiSettings().price().cost(1000, 200)
    assert (f"note: Gemini's calls before this error cost ${2 * price:.4f}: 2 Gemini calls, 2,000 prompt and 400 "
            "output tokens") in result.output, result.output
    assert "AIza-env-key" not in result.output


def test_cli_turns_an_unexpected_error_into_one_line(tmp_path, gemini, monkeypatch):
    monkeypatch.setenv("GEMINI_API_KEY", "env-key")
    gemini.script = [fg.error(403, "Permission denied", "PERMISSION_DENIED")]
    result = run_cli("suggest", str(SAMPLE_PAGES), "--engine", "gemini", "--out", str(tmp_path / "o.csv"),
                     jobs_dir=tmp_path / "jobs")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if not line.startswith("import: ")]   # the report
    assert len(errors) <= 2 and "Traceback" not in result.output
    assert "env-key" not in result.output


def test_cli_says_a_refused_gemini_key_plainly(tmp_path, gemini, monkeypatch):
    """Before: 'error: GeminiRequestError: Gemini refused the API key (...); check the key (INLINK_DEBUG=1 shows
    the details)', the words of an unexpected error for an expected refusal."""
    monkeypatch.setenv("GEMINI_API_KEY", "env-key")
    gemini.script = [fg.error(400, "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT")]
    result = run_cli("suggest", str(SAMPLE_PAGES), "--engine", "gemini", "--out", str(tmp_path / "o.csv"),
                     jobs_dir=tmp_path / "jobs")
    errors = [line for line in result.output.splitlines() if line.startswith("error")]
    assert result.exit_code == 1 and len(errors) == 1, result.output
    assert errors[0].startswith("error: Gemini refused the API key") and "INLINK_DEBUG" not in errors[0], errors


def test_cli_suggest_never_prints_the_sdks_warning_of_a_value_newer_than_it(tmp_path, gemini):
    """A finish reason newer than the SDK's list ("IMAGE_SAFETY is not a valid FinishReason") is read as the string it
    is, but `suggest` printed the SDK's warning of it: its file path and source line, on a run that went well."""
    answer = fg.success({"suggestions": []})
    answer.body["candidates"][0]["finishReason"] = "SOME_NEWER_REASON"
    gemini.script = [answer]
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "--jobs-dir", str(tmp_path / "jobs"), "suggest",
                           str(SAMPLE_PAGES), "--engine", "gemini", "--out", str(tmp_path / "o.csv")],
                          env=os.environ | {"GEMINI_API_KEY": "k"}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and gemini.received, done.stderr
    assert "Warning" not in done.stderr and "warnings.warn" not in done.stderr, done.stderr


@pytest.mark.parametrize("out", ["o.csv", "-"])
def test_cli_suggest_with_a_model_gemini_does_not_know_names_it_and_how_to_pick_another(tmp_path, gemini,
                                                                                        monkeypatch, out):
    """A 404 for the model ended `suggest` with "check the model name in the settings": no way to pick another
    was named (the model came from --model). One error line names the model, a note says how to give another; no
    traceback, exit 1 (a failure at run time), and no output file (nothing on stdout with --out -)."""
    monkeypatch.setenv("GEMINI_API_KEY", "AIza-env-key")
    gemini.respond = unknown_model_then("gemini-nope", fg.success({"suggestions": []}))
    target = "-" if out == "-" else str(tmp_path / out)
    result = run_cli("suggest", str(SAMPLE_PAGES), "--engine", "gemini", "--model", "gemini-nope", "--out", target,
                     jobs_dir=tmp_path / "jobs")
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    said = [line for line in result.stderr.splitlines()
            if line.startswith(("error", "note")) and "estimated cost" not in line]   # the estimate: its own test
    assert said == ["error: Gemini does not know the model 'gemini-nope' (404 NOT_FOUND: models/gemini-nope is not "
                    "found for API version v1beta, or is not supported for generateContent.)",
                    "note: pick another model with --model NAME (e.g. gemini-3.1-flash-lite, the default), or set "
                    "INLINK_GEMINI_MODEL; the models Gemini offers are listed at "
                    "https://ai.google.dev/gemini-api/docs/models"], result.stderr
    assert result.stdout == "" and not (tmp_path / "o.csv").exists()
    assert "AIza-env-key" not in result.output


def test_a_gemini_job_says_in_its_events_when_it_waits_as_gemini_asked(manager, gemini, monkeypatch):
    """A job waiting out a 429's retryDelay said nothing, in its panel or its events, and looked stuck; a long
    wait (SAY_WAIT_S or more, here lowered to keep the test short) is now said, and the job goes on after it."""
    from inlink.gemini import engine as gemini_engine

    monkeypatch.setattr(gemini_engine, "SAY_WAIT_S", 0.5, raising=False)
    gemini.script = [fg.rate_limited("0.6s"), fg.success({"suggestions": []})]
    settings = Path(os.environ["INLINK_GEMINI_SETTINGS"])
    settings.write_text(json.dumps({**json.loads(settings.read_text()), "max_in_flight": 1}))
    job = start_sample(manager, engine="gemini", api_key="AIza-test-key")
    assert manager.wait(job, timeout=60)["status"] == JobStatus.COMPLETED
    said = [e["message"] for e in manager.events(job, limit=500) if "waiting" in e["message"]]
    assert said == ["Gemini did not answer for https://www.ridgelinecoffee.example/ (429 RESOURCE_EXHAUSTED: "
                    "Resource has been exhausted (e.g. check quota).): waiting 0.6 s as Gemini asked (retry 1 of 1)"]


def test_cli_suggest_says_when_it_waits_as_gemini_asked(tmp_path, gemini, monkeypatch):
    from inlink.gemini import engine as gemini_engine

    monkeypatch.setattr(gemini_engine, "SAY_WAIT_S", 0.5, raising=False)
    monkeypatch.setenv("GEMINI_API_KEY", "AIza-env-key")
    gemini.script = [fg.rate_limited("0.6s"), fg.success({"suggestions": []})]
    result = run_cli("suggest", str(SAMPLE_PAGES), "--engine", "gemini", "--out", str(tmp_path / "o.csv"),
                     jobs_dir=tmp_path / "jobs")
    assert result.exit_code == 0, result.output
    assert "note: Gemini did not answer for https://" in result.output
    assert "waiting 0.6 s as Gemini asked (retry 1 of 1)" in result.output


@pytest.mark.parametrize("action, status", [("pause", JobStatus.PAUSED), ("stop", JobStatus.STOPPED)])
def test_a_pause_or_stop_takes_effect_while_gemini_asks_the_job_to_wait(manager, gemini, action, status):
    """A pause asked during a 20 s retryDelay took effect after 59 s and twelve more calls (an exploratory run):
    the engine's retry waits now give up when the job is asked to stop, and the page is asked again on resume."""
    gemini.script = [fg.rate_limited("20s")]          # every call: wait 20 s (under max_server_delay_s)
    job = start_sample(manager, engine="gemini", api_key="k")
    wait_for(lambda: len(gemini.received) >= 1, 30, "a first Gemini call")
    getattr(manager, action)(job)
    meta = manager.wait(job, timeout=15, until=[JobStatus.PAUSED, *TERMINAL_STATUSES])
    assert meta["status"] == status, meta["message"]
    assert len(gemini.received) <= GeminiSettings().max_in_flight   # one call per page in flight, no retry

def test_a_gemini_job_refused_its_key_pauses_for_another_and_resumes_with_it(manager, gemini):
    """A wrong or revoked key failed the job ("Failed in page 1 (...): Gemini refused the API key ..."), and a
    Resume sent the refused key again. The job now pauses asking for a valid key, in plain words, and goes on
    with the one given; the refused key is written nowhere."""
    refused = "AIza-revoked-key-0123"
    gemini.script = [fg.error(403, f"Permission denied: Consumer 'api_key:{refused}' has been suspended.",
                              "PERMISSION_DENIED")]
    job = start_sample(manager, engine="gemini", api_key=refused)
    meta = manager.wait(job, timeout=60, until=[JobStatus.PAUSED, *TERMINAL_STATUSES])
    assert meta["status"] == JobStatus.PAUSED, meta["message"]
    assert meta["message"].startswith("Gemini refused the API key (403 PERMISSION_DENIED: Permission denied: "
                                      "Consumer 'api_key:[API key]' has been suspended.)"), meta["message"]
    assert meta["message"].endswith("; give a valid key (type it in the job's panel, or set GEMINI_API_KEY) and "
                                    "resume the job"), meta["message"]
    assert "GeminiRequestError" not in meta["message"] and job_words.paused_for_key(manager.job(job))
    gemini.script = [fg.success({"suggestions": []})]
    manager.resume(job, secrets={page_analyzer.SECRET_KEY: "AIza-valid-key"})
    assert manager.wait(job, timeout=60)["status"] == JobStatus.COMPLETED
    assert not any(refused in path.read_text(errors="replace") for path in manager.jobs_dir.rglob("*")
                   if path.is_file())

def test_a_gemini_job_refused_for_its_account_pauses_saying_what_to_fix_and_resumes(manager, gemini):
    """A refusal of every request for the account (a 400 FAILED_PRECONDITION: no billing in the user's region)
    failed the job, naming nothing to do about it; it pauses, says what to check, and resumes once fixed."""
    gemini.script = [fg.error(400, "User location is not supported for the API use without a billing account "
                                   "linked.", "FAILED_PRECONDITION")]
    job = start_sample(manager, engine="gemini", api_key="AIza-test-key-0123456789")
    meta = manager.wait(job, timeout=60, until=[JobStatus.PAUSED, *TERMINAL_STATUSES])
    assert meta["status"] == JobStatus.PAUSED and meta["error"] is None, meta["message"]
    assert meta["message"] == ("Gemini refused the request (400 FAILED_PRECONDITION: User location is not supported "
                               "for the API use without a billing account linked.); check the model and the Gemini "
                               "settings, and the Google account's billing and region, then resume the job")
    gemini.script = [fg.success({"suggestions": []})]
    manager.resume(job, secrets={link_task.SECRET_KEY: "AIza-test-key-0123456789"})
    assert manager.wait(job, timeout=60)["status"] == JobStatus.COMPLETED


def test_a_gemini_job_pauses_when_the_quota_is_spent_instead_of_failing(manager, gemini):
    """It ended "Failed in page 1: GeminiUnavailable: Gemini asks to wait 86400 s ...": a spent quota or a
    service down is no failure of the job, and pauses it like a spent budget."""
    gemini.script = [fg.rate_limited("86400s")]
    job = start_sample(manager, engine="gemini", api_key="k")
    meta = manager.wait(job, timeout=60, until=[JobStatus.PAUSED, *TERMINAL_STATUSES])
    assert meta["status"] == JobStatus.PAUSED and meta["error"] is None
    assert meta["message"].startswith("Gemini asks to wait 86400 s, about 1 day (429 RESOURCE_EXHAUSTED")
    assert meta["message"].endswith("resume the job later")


def test_two_identical_starts_racing_through_the_parse_make_one_job(make_manager):
    """The dashboard's Start refuses an analysis identical to a queued or running one, checked before the crawl's
    parse; two tabs' Starts both passed that check while the other parsed, and the same job ran twice. The check is
    made again with the creation, one start at a time (a review's find): here the other Start comes in during this
    one's parse (its report callback)."""
    manager = make_manager(autostart=False)   # jobs stay queued: an active twin
    other = []

    def other_tab_starts(_report):
        if not other:
            other.append(link_task.start_analysis(manager, SAMPLE_PAGES, pages_name="pages.csv",
                                                  refuse_identical=True))

    with pytest.raises(link_task.IdenticalAnalysis) as refused:
        link_task.start_analysis(manager, SAMPLE_PAGES, pages_name="pages.csv", refuse_identical=True,
                                 on_report=other_tab_starts)
    assert refused.value.job.job_id == other[0]
    assert [job.job_id for job in manager.jobs()] == other


#: Another process's Start (the CLI's `jobs start`, or a second dashboard on the same folder): it creates the same
#: analysis, held after its last check for a twin until the test's gate file appears.
OTHER_PROCESS_START = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from inlink.jobs.manager import JobManager
from inlink.tasks import analysis as link_task
jobs_dir, pages, gate = sys.argv[2:5]
manager = JobManager(jobs_dir, autostart=False)
write_job = manager.store.write_job

def held_write(job):
    print("checked", flush=True)
    deadline = time.monotonic() + 60
    while not Path(gate).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    write_job(job)

manager.store.write_job = held_write
print(link_task.start_analysis(manager, Path(pages), pages_name="pages.csv", refuse_identical=True), flush=True)
"""


def test_two_identical_starts_in_two_processes_make_one_job(make_manager, jobs_dir, tmp_path, monkeypatch):
    """The twin check and the job's creation were one step within a process only: a Start from another process (the
    CLI and the dashboard on one folder) could pass its check while this one's job was not written yet. Here the
    other process has checked and is about to write its job; this Start waits for the folder's creation lock and
    then finds the twin."""
    gate = tmp_path / "gate"
    other = subprocess.Popen([sys.executable, "-c", OTHER_PROCESS_START, str(ROOT), str(jobs_dir), str(SAMPLE_PAGES),
                              str(gate)], stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "checked"
        manager = make_manager(autostart=False)
        at_the_lock = threading.Event()
        creation_lock = manager.store.creation_lock

        def watched_lock():
            at_the_lock.set()
            return creation_lock()

        monkeypatch.setattr(manager.store, "creation_lock", watched_lock)
        outcome = []

        def this_start():
            try:
                outcome.append(link_task.start_analysis(manager, SAMPLE_PAGES, pages_name="pages.csv",
                                                        refuse_identical=True))
            except link_task.IdenticalAnalysis as refused:
                outcome.append(refused)

        starting = threading.Thread(target=this_start)
        starting.start()
        wait_for(lambda: at_the_lock.is_set() or not starting.is_alive(), 60, "this Start at the creation lock")
        gate.touch()
        other_job = other.stdout.readline().strip()
        starting.join(60)
    finally:
        gate.touch()
        other.wait(60)
    assert other.returncode == 0
    assert isinstance(outcome[0], link_task.IdenticalAnalysis) and outcome[0].job.job_id == other_job, outcome
    assert [job.job_id for job in manager.jobs()] == [other_job]


def test_a_job_whose_crawl_copy_cannot_be_read_fails_with_the_importers_words_alone(make_manager, jobs_dir):
    """It ended "Failed in step 'load': SiteDataError: pages.csv: is a web page (HTML), not a table ...": the class
    name of an error worded for the user, as if it were a bug. (The copy damaged after the job was made, and no
    saved parse to resume from.)"""
    manager = make_manager(autostart=False)
    job = start_sample(manager)
    folder = jobs_dir / f"{job}_input"
    (folder / manager.get(job)["config"]["files"]["site_state"]).unlink()
    (folder / "pages.csv").write_bytes(b"<html><body>not a table</body></html>")
    manager.start()
    meta = manager.wait(job, 30)
    assert meta["status"] == "failed"
    assert meta["message"].startswith("Failed in step 'load': pages.csv: is a web page (HTML), not a table"), \
        meta["message"]
