"""Helpers shared by the AppTest suites (imported by test_app_*.py), and tests of the UI's pure helpers."""
from __future__ import annotations

import re
import threading
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from inlink.links import suggest as analyzer
from inlink.jobs import Job, JobStatus
from inlink.jobs.manager import Task, register_task
from inlink.ui import format as fmt
from inlink.ui import navigation
from inlink.ui.jobs_table import page_count, page_rows
from inlink.ui import charts, results, results_table
from inlink.ui.cards import context_marked
from inlink.ui.charts import orphan_figures, score_histogram
from inlink.ui.filters import filter_suggestions
from waiting import wait_for

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
PAGES = {"home": None, "upload": navigation.UPLOAD, "generate": navigation.GENERATE, "jobs": navigation.JOBS}
SMALL_CRAWL = (
    "Address,Title 1,H1-1,Content\n"
    "https://example.com/,Home,Welcome,Welcome to our garden shop. Read the tomato growing guide and the compost guide.\n"
    "https://example.com/tomatoes,Tomato growing guide,Growing tomatoes,How to grow tomatoes in pots. Compost helps tomatoes.\n"
    "https://example.com/compost,Compost guide,Making compost,Compost from kitchen waste feeds tomatoes and roses.\n"
    "https://example.com/roses,Rose care,Caring for roses,Roses like compost. Tomatoes and roses share pests.\n"
)


class GateTask(Task):
    """A test task whose pages wait for GATE, so a test decides when a job is running, paused or done."""

    name = "ui_test_gate"
    steps = ("analyze",)
    result_columns = analyzer.RESULT_COLUMNS
    numeric_columns = analyzer.NUMERIC_COLUMNS
    GATE = threading.Event()
    FAIL_ONCE: set = set()   # job ids whose next page raises an unexpected error (the job fails)
    OPEN_FOR: dict = {}      # job id -> pages that pass with the gate closed (a job held after exactly that many)
    _OPENING = threading.Lock()

    def items(self, ctx):
        return [f"https://example.com/page-{i}" for i in range(int(ctx.config.get("pages", 3)))]

    def process(self, ctx, item):
        while not self._passes(ctx.job_id) and not ctx.should_stop():
            pass
        if ctx.job_id in self.FAIL_ONCE:
            self.FAIL_ONCE.discard(ctx.job_id)
            raise OSError("disk went away")
        return [{"Source": item, "Destination": "https://example.com/target", "Anchor": f"anchor {item[-1]}",
                 "Context": "a sentence with the anchor", "Score": 0.25 + int(item[-1]) / 10,
                 "Reason": "shared topic", "Engine": "offline"}]

    def _passes(self, job_id: str) -> bool:
        with self._OPENING:
            if self.OPEN_FOR.get(job_id, 0) > 0:
                self.OPEN_FOR[job_id] -= 1
                return True
        return self.GATE.wait(0.02)

    def finish(self, ctx):
        return {"pages_analysed": len(self.items(ctx)), "orphans_before": 3, "orphans_after": 1}


register_task(GateTask())


def seed_job(manager, label: str = "seed.csv", pages: int = 3, engine: str = "offline",
             links: bool = True) -> str:
    """A job of the gate task, looking like a link analysis to the UI (label, engine, a links file or not)."""
    files = {"pages": "pages.csv", **({"links": "links.csv"} if links else {})}
    return manager.create_job(GateTask.name, inputs={}, config={"engine": engine, "pages": pages, "files": files},
                              label=label)


def wait_status(manager, job_id: str, *statuses: str, timeout: float = 15) -> dict:
    return wait_for(lambda: (lambda job: job if job["status"] in statuses else None)(manager.get(job_id)),
                    timeout, f"job {job_id} to be {'/'.join(statuses)}")


def click(app, label: str):
    """Click the button with this label and run the page again (AppTest's rerun)."""
    next(b for b in app.button if b.label == label).click()
    return app.run()


def open_page(page: str, query: dict | None = None, timeout: float = 30) -> AppTest:
    """Run the app's entry script, then switch to `page` (a key of PAGES) like a user following a link."""
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=timeout)
    app.query_params.update(query or {})
    app.run()
    if PAGES[page]:
        app.switch_page(PAGES[page]).run()
    return app


def open_tab(app: AppTest, key: str, name: str) -> AppTest:
    """Open the results view's tab `name` ("Review", "Table", "Charts") as a click on it does (its label becomes the
    tabs' value), then run: only the open tab is drawn. `key`: the view's key (results_view)."""
    from inlink.ui.results import TABS, tab_key

    app.session_state[tab_key(key)] = next(label for label in TABS if label.endswith(f" {name}"))
    return app.run()


def test_as_code_shows_any_text_as_written_in_a_code_span():
    """A file name like a web address was a live link in Markdown, whatever as_text escaped; a code span is never
    one, and a name holding backticks keeps them (a longer fence, padded when the name starts or ends with one)."""
    assert fmt.as_code("crawl-www.example-shop.co.uk-2026.csv") == "`crawl-www.example-shop.co.uk-2026.csv`"
    assert fmt.as_code("a `b` c.csv") == "``a `b` c.csv``"
    assert fmt.as_code("`x``") == "``` `x`` ```"


def texts(elements) -> list[str]:
    """The elements' texts as the page shows them: a sign fmt.as_text escaped for Markdown ("example\\.com") read as
    itself. markdown_sources gives them as written, escapes and all."""
    return [re.sub(r"\\([\\`*_{}\[\]()#+\-.!|~<>$:])", r"\1", text) for text in markdown_sources(elements)]


def markdown_sources(elements) -> list[str]:
    return [str(element.value) for element in elements]


def job_titles(app: AppTest) -> list[str]:
    """The job panels' titles on the page, as the browser shows them (HTML, escaped: job_panel.title_html)."""
    import html

    return [html.unescape(re.sub(r"<[^>]+>", "", h.value)) for h in app.get("html") if 'data-kind="job-title"' in h.value]


def assert_clean(app: AppTest) -> None:
    """No exception element and no traceback text anywhere on the page."""
    assert not app.exception, [e.message for e in app.exception]
    for element in list(app.error) + list(app.warning) + list(app.markdown):
        assert "Traceback" not in str(element.value)


@pytest.fixture(autouse=True)
def _stop_managers():
    """Each test gets its own jobs folder: open the gate, so the JobManagers the test started can stop (the root
    conftest stops them)."""
    GateTask.GATE.clear()
    yield
    GateTask.GATE.set()


def test_durations_and_rates_read_plainly():
    assert fmt.duration(None) == "—"
    assert fmt.duration(42) == "42 s"
    assert fmt.duration(187) == "3 min 07 s"
    assert fmt.duration(7500) == "2 h 05 min"
    assert fmt.per_minute(None) == "—"
    assert fmt.per_minute(0.5) == "30.0"
    assert fmt.per_minute(2) == "120"
    assert fmt.money(0) == "—" and fmt.money(0.01234) == "$0.0123"
    assert fmt.timestamp("2026-11-22T08:30:00+00:00") == "2026-11-22 08:30 UTC"


def test_a_dataset_summary_says_how_many_of_its_pages_are_analysed_and_why_the_others_are_not():
    """One builder (uploads.summary_from) and one sentence: the two figures explain each other, with the job's
    "of N pages" as the second (link targets with body text)."""
    from inlink import uploads as datasets
    from inlink.site.report import ImportReport

    report = ImportReport(file="crawl.csv", rows_read=9, pages=8, excluded=[
        ("https://x/a", "status 404; non-indexable: noindex"), ("https://x/b", "non-indexable: Canonicalised"),
        ("https://x/c", "non-indexable: noindex")], missing_text=["https://x/d"], links_kept=7, links_file="in.csv")
    summary = datasets.summary_from(report)
    assert summary == {"pages": 8, "rows_read": 9, "analysed": 4, "left_out": 3,
                       "left_out_reasons": {"non-indexable": 2, "status 404": 1}, "no_text": 1, "links_kept": 7}
    assert datasets.summary_from(report, ImportReport(file="in.csv", links_kept=5))["links_kept"] == 5
    assert datasets.summary_from(ImportReport(file="crawl.csv", pages=2))["links_kept"] is None   # no links file
    assert fmt.dataset_pages(summary) == ("8 pages, of which 4 are analysed (3 left out: 2 non-indexable, 1 status "
                                          "404; 1 without body text: link targets only)")
    assert fmt.dataset_pages({"pages": 4, "analysed": 3, "left_out": 1, "left_out_reasons": {"not HTML": 1}}) == \
        "4 pages, of which 3 are analysed (1 left out: not HTML)"
    assert fmt.dataset_pages({"pages": 4, "analysed": 4, "left_out": 0}) == "4 pages"
    assert fmt.dataset_pages({"pages": 49, "left_out": 4}) == \
        "49 pages, of which 45 are analysed (4 left out: not indexable HTML)"   # a summary saved before


def test_suggestion_filters_and_charts():
    frame = pd.DataFrame({"Source": ["https://x/a", "https://x/b", "https://x/c"],
                          "Destination": ["https://x/t", "https://x/t", "https://x/u"],
                          "Score": [0.2, 0.6, 0.9]})
    assert list(filter_suggestions(frame, source="/B")["Source"]) == ["https://x/b"]
    assert list(filter_suggestions(frame, destination="/u")["Score"]) == [0.9]
    assert len(filter_suggestions(frame, minimum=0.5)) == 2
    with_confidence = frame.assign(Confidence=[0.9, 0.1, 0.5])        # the cards' and the tiers' figure wins
    assert list(filter_suggestions(with_confidence, minimum=0.5)["Score"]) == [0.2, 0.9]
    assert score_histogram(frame)["Suggestions"].sum() == 3 and list(score_histogram(frame).columns)[0] == "Score"
    bands = score_histogram(with_confidence)                           # the figure the tiers and the filter use
    assert list(bands.columns) == ["Confidence", "Suggestions"]
    assert dict(zip(bands["Confidence"], bands["Suggestions"]))["0.1–0.2"] == 1   # 0.1, not Score 0.6
    floor = score_histogram(frame.assign(Confidence=[0.2, 0.2, 1.0]))   # a band holds its lower edge, the top its upper
    assert dict(zip(floor["Confidence"], floor["Suggestions"])) == {
        "0.0–0.1": 0, "0.1–0.2": 0, "0.2–0.3": 2, **{f"0.{i}–0.{i + 1}": 0 for i in range(3, 9)}, "0.9–1.0": 1}
    assert orphan_figures({}) is None
    assert list(orphan_figures({"orphans_before": 5, "orphans_after": 1})["Orphan pages"]) == [5, 1]


def test_the_results_table_fits_its_width_and_marks_the_anchor():
    assert sum(results_table.table_widths(results_table.TABLE_COLUMNS).values()) <= results_table.TABLE_WIDTH
    assert min(results_table.table_widths([*results_table.TABLE_COLUMNS, "Anchor"]).values()) > 0
    narrow = results_table.table_widths(results_table.NARROW_COLUMNS, narrow=True)   # 1,024 px: 562 px for it
    assert sum(narrow.values()) <= results_table.NARROW_WIDTH <= 562 - 17 and min(narrow.values()) >= 76, narrow
    assert context_marked("Instances of str hold strings.", "str") == "Instances of «str» hold strings."
    assert context_marked("Nothing here.", "gone") == "Nothing here. (anchor: «gone»)"
    frame = pd.DataFrame({"Source": ["https://x/a", "https://x/b"], "Destination": ["https://x/t"] * 2,
                          "Anchor": ["tomatoes", "roses"], "Context": ["Grow tomatoes.", "Roses like it."],
                          "Tier": ["high", ""]})
    shown = results_table.table_frame(frame, pd.Series(["accepted", ""], index=frame.index))
    assert list(shown["In context"]) == ["Grow «tomatoes».", "«Roses» like it."]
    assert list(shown["Decision"]) == ["Accepted", ""] and list(shown["Tier"]) == ["High", ""]
    assert list(shown.columns[:5]) == list(frame.columns) and list(frame["Tier"]) == ["high", ""]   # untouched


def test_chart_axes_never_cut_their_labels():
    spec = charts.bar_spec(pd.DataFrame({"Target page": ["/a/very/long/path/of/a/page"], "Suggestions": [3]}),
                           "Target page", "Suggestions", horizontal=True, sort="-x")
    assert spec["encoding"]["y"]["axis"]["labelLimit"] >= 400 and spec["height"] == {"step": charts.BAR_STEP}
    assert spec["encoding"]["x"]["field"] == "Suggestions" and spec["data"]["values"][0]["Suggestions"] == 3


def test_the_jobs_tables_suggestions_sort_as_numbers_and_a_fetch_has_none():
    jobs = [Job(job_id=f"j{n}", task="link_analysis", status=JobStatus.COMPLETED, rows_written=n)
            for n in (8, 34, 1_200, 0)] + [Job(job_id="f", task="site_fetch", status=JobStatus.COMPLETED, rows_written=30)]
    column = page_rows(jobs, 1)["Suggestions"]
    assert [text.strip() for text in column] == ["8", "34", "1,200", "0", "—"]
    assert [text.strip() for text in sorted(column)] == ["0", "8", "34", "1,200", "—"]   # as a click on the header sorts


def test_jobs_table_pages():
    jobs = [Job(job_id=f"j{i}", task="link_analysis", status=JobStatus.COMPLETED, label=f"site{i}.csv")
            for i in range(60)]
    assert page_count(60, 25) == 3 and page_count(0, 25) == 1
    last = page_rows(jobs, 3, 25)
    assert list(last["Job"]) == [f"j{i}" for i in range(50, 60)]
    assert page_rows(jobs, 99, 25)["Job"].iloc[0] == "j50"   # past the end -> the last page


def test_a_download_is_named_after_the_crawl_without_its_table_suffixes():
    """Before: a crawl uploaded as pages_html.csv.gz downloaded as 'inlinks-pages_html.csv-<id>.csv'."""
    from inlink.jobs import Job
    from inlink.ui.exports import download_name

    def named(label: str, *part: str) -> str:
        job = Job.from_dict({"job_id": "abcdefabcdef", "task": "link_analysis", "label": label, "status": "completed"})
        return download_name(job, "csv", *part)
    assert named("pages_html.csv.gz") == "inlinks-pages_html-abcdefabcdef.csv"
    assert named("Crawl Export.XLSX", "accepted") == "inlinks-Crawl_Export-abcdefabcdef-accepted.csv"
    assert named("site.v2.csv") == "inlinks-site.v2-abcdefabcdef.csv"


def test_a_job_is_named_after_its_label_else_its_pages_file_else_its_id():
    """The fallback read config["pages_name"], a key no job has: the pages file's name is files.pages_label."""
    config = {"files": {"pages": "pages.csv", "pages_label": "crawl.csv"}}
    assert fmt.file_name_of(Job(job_id="j1", task="link_analysis", label="my site", config=config)) == "my site"
    assert fmt.file_name_of(Job(job_id="j1", task="link_analysis", config=config)) == "crawl.csv"
    assert fmt.file_name_of(Job(job_id="j1", task="link_analysis")) == "j1"


def test_the_summary_line_counts_every_decision_and_says_how_many_the_filters_hide():
    """"Show: accepted" read "1 of 1,899 match · 2 accepted" when the Tier filter hid the other accepted row."""
    frame = pd.DataFrame({"Source": ["https://x/a", "https://x/b", "https://x/c"], "Destination": ["t", "t", "u"],
                          "Confidence": [0.9, 0.3, 0.6], "Tier": ["high", "low", "medium"]})
    decided = pd.Series(["accepted", "accepted", "rejected"], index=frame.index)
    shown = filter_suggestions(frame, tiers=("high", "medium"), decided=decided, show="accepted")
    assert results.summary_text(frame, shown, decided) == \
        "1 of 3 suggestions matches · 2 accepted (1 of them filtered out) · 1 rejected (1 of them filtered out)"
    everything = filter_suggestions(frame, decided=decided)
    assert results.summary_text(frame, everything, decided) == "3 of 3 suggestions match · 2 accepted · 1 rejected"
    one = frame.head(1)   # before: "1 of 1 suggestion match"
    assert results.summary_text(one, one, decided.head(1)) == "1 of 1 suggestion matches · 1 accepted · 0 rejected"
