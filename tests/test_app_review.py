"""Review in the dashboard: suggestion cards, the tier filter, accept / reject kept with the job (the job
engine's annotations), downloads of the accepted suggestions, and orphans unknown without existing links."""
from __future__ import annotations

import io
import json
import re
import threading

import pandas as pd
import pytest

from inlink.jobs.manager import InvalidJobOperation, JobManager, JobNotFound
from inlink.links import suggest as analyzer
from inlink.jobs.manager import register_task
from inlink.ui import review
from inlink.ui.cards import card_html, context_html
from inlink.ui.exports import frame_to_xlsx
from inlink.ui.manager import get_manager, shutdown_all
from inlink.ui.charts import orphan_figures
from inlink.ui.filters import filter_suggestions, order_suggestions
from inlink.ui.results_table import path_display, shared_folder
from waiting import wait_for
from test_app_common import (GateTask, _stop_managers, assert_clean, open_page, open_tab, seed_job,  # noqa: F401
                             texts, wait_status)

TIERS = ("high", "medium", "low")


class TieredGateTask(GateTask):
    """The gate task with the engine's Confidence and Tier columns: page i gives a row of tier TIERS[i % 3]."""

    name = "ui_test_gate_tiered"
    result_columns = tuple(analyzer.RESULT_COLUMNS) + tuple(
        c for c in ("Confidence", "Tier") if c not in analyzer.RESULT_COLUMNS)

    def process(self, ctx, item):
        [row] = super().process(ctx, item)
        index = int(item.rsplit("-", 1)[1])
        return [{**row, "Anchor": f"anchor {index}", "Context": f"A sentence that holds Anchor {index} here.",
                 "Confidence": 0.9 - index / 10, "Tier": TIERS[index % 3]}]


register_task(TieredGateTask())


class UnorderedGateTask(TieredGateTask):
    """The tiered gate task whose pages' confidences do not fall in page order."""

    name = "ui_test_gate_unordered"
    CONFIDENCES = (0.55, 0.95, 0.7, 0.9, 0.6)

    def process(self, ctx, item):
        [row] = super().process(ctx, item)
        confidence = self.CONFIDENCES[int(item.rsplit("-", 1)[1]) % len(self.CONFIDENCES)]
        return [{**row, "Confidence": confidence, "Tier": "high" if confidence >= 0.87 else "medium"}]


register_task(UnorderedGateTask())


def finished(manager, task: str = TieredGateTask.name, pages: int = 3, links: bool = True) -> str:
    GateTask.GATE.set()
    files = {"pages": "pages.csv", **({"links": "links.csv"} if links else {})}
    job_id = manager.create_job(task, inputs={}, config={"engine": "offline", "pages": pages, "files": files},
                                label="garden.csv")
    wait_status(manager, job_id, "completed")
    return job_id


def results_key(job_id: str) -> str:
    return f"jobs.results.{job_id}"


def decision_widget(app, job_id: str, row: pd.Series):
    """The row's Accept / Reject (its key also names the decision it was drawn with)."""
    key = f"{results_key(job_id)}_decision_" + review.short_hash(
        review.row_keys(row.to_frame().T).iloc[0]) + "_"
    return next(w for w in app.get("button_group") if w.key.startswith(key))


def cards(app) -> list[str]:
    """The review's cards (the live panel's list of latest suggestions is one element marked 'latest')."""
    return [h.value for h in app.get("html") if "Anchor in context" in h.value and 'data-kind="latest"' not in h.value]


# ----------------------------------------------------------------------------- the engine's annotations
def test_annotations_are_kept_with_the_job_across_a_restart_and_go_with_it(tmp_path):
    first = JobManager(tmp_path / "jobs")
    try:
        job_id = finished(first, GateTask.name, pages=1)
        assert first.annotations(job_id) == {}
        first.set_annotation(job_id, "review\ta", "accepted")
        first.set_annotations(job_id, {"review\tb": "rejected", "note": {"any": ["json"]}})
        first.set_annotation(job_id, "review\tb", None)             # None removes
    finally:
        first.shutdown()
    second = JobManager(tmp_path / "jobs")                          # a restart: a new manager, same folder
    try:
        assert second.annotations(job_id) == {"review\ta": "accepted", "note": {"any": ["json"]}}
        second.list_jobs()
        assert second.problems() == []                              # the notes file is a known job file
        second.delete(job_id)
        assert not list((tmp_path / "jobs").glob(f"{job_id}*"))
        with pytest.raises(JobNotFound):
            second.set_annotation(job_id, "review\ta", "accepted")
        assert not list((tmp_path / "jobs").glob(f"{job_id}*"))     # no file for a job that is gone
    finally:
        second.shutdown()


def test_annotations_refuse_bad_keys_and_values_and_lose_no_concurrent_mark():
    manager = get_manager()
    job_id = finished(manager, GateTask.name, pages=1)
    with pytest.raises(InvalidJobOperation):
        manager.set_annotations(job_id, {1: "accepted"})
    with pytest.raises(InvalidJobOperation):
        manager.set_annotation(job_id, "k", object())
    other = JobManager(manager.jobs_dir, autostart=False)          # as another process would
    marks = [(m, f"k{i}") for i in range(40) for m in (manager, other)]
    threads = [threading.Thread(target=m.set_annotation, args=(job_id, f"{key}-{id(m)}", "accepted"))
               for m, key in marks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(manager.annotations(job_id)) == len(marks)


# ----------------------------------------------------------------------------- pure helpers
def test_the_anchor_is_highlighted_in_its_context_and_page_text_is_escaped():
    def unstyled(html: str) -> str:
        return re.sub(r' style="[^"]*"', "", html)

    assert unstyled(context_html("Read the Compost guide.", "compost guide")) == (
        "Read the <mark>Compost guide</mark>.")                        # any case; the page's own case shown
    assert unstyled(context_html("a-b a b", "a b")) == "a-b <mark>a b</mark>"
    risky = context_html("a <script>x</script> :red[b] *c*", "*c*")
    assert "<script>" not in risky and "&lt;script&gt;" in risky and ">*c*</mark>" in risky
    assert "(anchor:" in context_html("no such words", "missing")
    # the word, not the same letters inside an earlier word (the python-docs card marked "str" in "strings")
    assert unstyled(context_html("These names must be strings (instances of str or a subclass).", "str")) == (
        "These names must be strings (instances of <mark>str</mark> or a subclass).")
    assert unstyled(context_html("Call json.dumps() on it", "json.dumps()")) == "Call <mark>json.dumps()</mark> on it"
    assert unstyled(context_html("the strings module", "str")) == "the <mark>str</mark>ings module"   # no word: inside
    html = card_html(pd.Series({"Source": "https://x/a", "Destination": "https://x/b", "Anchor": "b",
                                "Context": "see b", "Score": 0.5, "Reason": "title <match>", "Tier": "high"}))
    assert "High" in html and "title &lt;match&gt;" in html and 'href="https://x/b"' in html
    long = card_html(pd.Series({"Source": "https://x/book/appendix-04-useful_tools.html?a=<b>", "Destination": "https://x/b",
                                "Anchor": "b", "Context": "see b"}))
    shown = re.search(r'href="https://x/book[^"]*"[^>]*>(.*?)</a>', long)[1]
    assert shown == "/<wbr>book/<wbr>appendix-<wbr>04-<wbr>useful_<wbr>tools.html?a=&lt;b&gt;"   # wraps at its parts


def test_tier_and_decision_filters():
    frame = pd.DataFrame({"Source": ["s1", "s2", "s3"], "Destination": ["d", "d", "d"], "Anchor": ["a", "b", "c"],
                          "Score": [0.9, 0.5, 0.1], "Tier": ["high", "medium", "low"]})
    decided = pd.Series(["accepted", "", "rejected"], index=frame.index)
    assert list(filter_suggestions(frame, tiers=review.DEFAULT_TIERS)["Anchor"]) == ["a", "b"]
    assert list(filter_suggestions(frame, tiers=(), decided=decided)["Anchor"]) == []
    assert list(filter_suggestions(frame, decided=decided, show="undecided")["Anchor"]) == ["b"]
    assert list(filter_suggestions(frame, decided=decided, show="rejected")["Anchor"]) == ["c"]
    no_tiers = frame.drop(columns="Tier")                           # results written before tiers existed
    assert len(filter_suggestions(no_tiers, tiers=review.DEFAULT_TIERS)) == 3
    assert orphan_figures({"orphans_before": 4, "orphans_after": 1}, links_known=False) is None


def test_rows_are_listed_by_page_or_the_most_confident_first():
    frame = pd.DataFrame({"Anchor": list("abcdef"), "Score": [0.1] * 6,
                          "Confidence": [0.5, 0.9, None, 0.9, 0.7, 0.5]}, index=[3, 5, 7, 9, 11, 13])
    assert list(order_suggestions(frame)["Anchor"]) == list("abcdef")          # as the analysis wrote them
    # highest first, ties in the analysis's order, a row without a figure last
    assert list(order_suggestions(frame, "confidence")["Anchor"]) == list("bdeafc")
    assert list(order_suggestions(frame.drop(columns="Confidence"), "confidence")["Anchor"]) == list("abcdef")


# ----------------------------------------------------------------------------- the dashboard
def test_review_filters_by_tier_and_keeps_decisions_for_every_tab_and_a_restart(manager=None):
    manager = get_manager()
    job_id = finished(manager, pages=6)
    app = open_page("jobs", {"job": job_id})
    assert_clean(app)
    shown = cards(app)
    assert len(shown) == 4 and not any(">Low<" in c for c in shown)      # default tiers: high and medium
    assert all("<mark" in c for c in shown)
    app.get("button_group")  # the tier pills are a button group too
    pills = next(w for w in app.get("button_group") if w.key == f"{results_key(job_id)}_tiers")
    pills.set_value(["low"]).run()
    assert len(cards(app)) == 2 and all(">Low<" in c for c in cards(app))
    pills = next(w for w in app.get("button_group") if w.key == f"{results_key(job_id)}_tiers")
    pills.set_value(list(TIERS)).run()
    frame = manager.results_frame(job_id)
    decision_widget(app, job_id, frame.iloc[0]).set_value("accepted").run()
    decision_widget(app, job_id, frame.iloc[3]).set_value("accepted").run()
    decision_widget(app, job_id, frame.iloc[1]).set_value("rejected").run()
    assert_clean(app)
    assert sorted(review.decisions(manager, job_id).values()) == ["accepted", "accepted", "rejected"]

    other_tab = open_page("jobs", {"job": job_id})                     # another tab sees them
    assert any("2 accepted · 1 rejected" in c for c in texts(other_tab.caption))
    decision_widget(other_tab, job_id, frame.iloc[3]).set_value(None).run()   # ...and changes one
    app.run()
    assert decision_widget(app, job_id, frame.iloc[3]).value is None

    shutdown_all()                                                      # a restart of the server
    manager = get_manager()
    assert set(review.decisions(manager, job_id).values()) == {"accepted", "rejected"}
    accepted = pd.read_csv(io.BytesIO(review.accepted_csv(manager, job_id)), encoding="utf-8-sig")
    assert list(accepted["Anchor"]) == [frame.iloc[0]["Anchor"]]
    assert list(accepted.columns) == list(frame.columns)               # Confidence and Tier travel too
    full = manager.results_csv(job_id).decode("utf-8-sig").splitlines()
    assert review.accepted_csv(manager, job_id).decode("utf-8-sig").splitlines() == [full[0], full[1]]
    workbook = pd.read_excel(io.BytesIO(frame_to_xlsx(review.accepted_frame(manager, job_id))))
    assert list(workbook["Anchor"]) == [frame.iloc[0]["Anchor"]]


def tier_pills(app, job_id: str):
    return next(w for w in app.get("button_group") if w.key == f"{results_key(job_id)}_tiers")


def test_the_tier_filter_is_kept_with_its_job_across_a_reload():
    """A reload put the filter back to High + Medium: the analyst's choice is kept per job, with the job."""
    manager = get_manager()
    job_id, other = finished(manager, pages=6), finished(manager, pages=3)
    app = open_page("jobs", {"job": job_id})
    tier_pills(app, job_id).set_value(["medium", "low"]).run()
    assert_clean(app)
    reloaded = open_page("jobs", {"job": job_id})                       # a reload: a new session, same URL
    assert tier_pills(reloaded, job_id).value == ["medium", "low"]
    assert len(cards(reloaded)) == 4 and not any(">High<" in c for c in cards(reloaded))
    assert review.decisions(manager, job_id) == {}                       # a view setting, not a decision
    elsewhere = open_page("jobs", {"job": other})                        # per job: another keeps the default
    assert tier_pills(elsewhere, other).value == list(review.DEFAULT_TIERS)
    tier_pills(reloaded, job_id).set_value([]).run()                     # none is a choice too
    assert tier_pills(open_page("jobs", {"job": job_id}), job_id).value == []


def test_the_minimum_set_while_a_job_runs_stays_when_its_next_rows_come():
    """The slider's range starts at the job's lowest row, so a running job's next, less confident rows widen it; the
    widget then came back as a new one at its default, the new bottom: a minimum of 0.85 set while the job ran was
    silently gone once "Show new suggestions" brought rows of 0.7 and 0.6 (every row shown again). An analyst who
    left the slider at the bottom keeps seeing every row."""
    manager = get_manager()
    GateTask.GATE.clear()
    job_id = manager.create_job(TieredGateTask.name, inputs={}, config={"engine": "offline", "pages": 6,
                                "files": {"pages": "pages.csv"}}, label="garden.csv")
    GateTask.OPEN_FOR[job_id] = 2                                     # confidences 0.9 and 0.8, then held
    wait_for(lambda: manager.get(job_id)["rows_written"] >= 2, 30, "the first suggestions")
    moved, untouched = (open_page("jobs", {"job": job_id}) for _ in range(2))
    slider = f"{results_key(job_id)}_minimum_confidence"
    moved.slider(key=slider).set_value(0.85).run()
    assert len(cards(moved)) == 1
    GateTask.OPEN_FOR[job_id] = 2                                     # 0.7 and 0.6: the range now starts at 0.6
    wait_for(lambda: manager.get(job_id)["rows_written"] >= 4, 30, "the next suggestions")
    for app in (moved, untouched):
        app.run()
        assert_clean(app)
    assert moved.slider(key=slider).min == 0.6 and moved.slider(key=slider).value == 0.85
    assert len(cards(moved)) == 1                                      # still the one row above 0.85
    assert untouched.slider(key=slider).value == 0.6
    assert len(cards(untouched)) == 3                                  # all four, but 0.7's: a Low, which the Tier hides
    manager.stop(job_id)


def test_accept_a_whole_page_and_download_buttons_follow():
    manager = get_manager()
    job_id = finished(manager, pages=3)
    app = open_page("jobs", {"job": job_id})
    buttons = {b.label: b for b in app.button}
    assert buttons["Prepare accepted (CSV)"].disabled and buttons["Prepare accepted (Excel)"].disabled
    # a click that would change nothing on the page is offered disabled (before: Clear these over no decision)
    assert buttons["Clear these"].disabled and not buttons["Accept these"].disabled
    app.button(key=f"{results_key(job_id)}_all_accepted").click().run()
    assert_clean(app)
    assert len(review.decisions(manager, job_id)) == 2                  # the two cards shown (high, medium)
    buttons = {b.label: b for b in app.button}
    assert not buttons["Prepare accepted (CSV)"].disabled
    assert buttons["Accept these"].disabled and not buttons["Clear these"].disabled
    assert not buttons["Reject these"].disabled
    app.button(key=f"{results_key(job_id)}_accepted_csv_prepare").click().run()
    assert [d.proto.label for d in app.get("download_button")] == ["Download accepted (CSV)"]
    app.button(key=f"{results_key(job_id)}_all_clear").click().run()    # a new decision: prepare them again
    assert not app.get("download_button") and app.button(key=f"{results_key(job_id)}_accepted_csv_prepare").disabled
    app.button(key=f"{results_key(job_id)}_all_accepted").click().run()
    app.get("button_group")
    show = next(w for w in app.get("button_group") if w.key == f"{results_key(job_id)}_show")
    show.set_value("undecided").run()
    assert cards(app) == []                                             # low is filtered out, the rest decided


def test_results_without_tiers_show_no_tier_filter_and_the_score():
    manager = get_manager()
    job_id = finished(manager, GateTask.name, pages=2)
    app = open_page("jobs", {"job": job_id})
    assert_clean(app)
    assert not [w for w in app.get("button_group") if w.key == f"{results_key(job_id)}_tiers"]
    assert len(cards(app)) == 2 and all("score 0." in c for c in cards(app))


def test_live_panel_shows_cards_with_the_anchor_in_its_context():
    manager = get_manager()
    job_id = seed_job(manager, "live.csv", pages=3)
    wait_status(manager, job_id, "running")
    GateTask.GATE.set()
    wait_status(manager, job_id, "completed")
    app = open_page("generate", {"job": job_id})
    assert_clean(app)
    panel = [h.value for h in app.get("html") if "Anchor in context" in h.value]
    assert panel and "<mark" in panel[0] and "anchor 2" in panel[0]


def test_orphans_before_are_unknown_without_existing_links():
    manager = get_manager()
    job_id = finished(manager, GateTask.name, pages=2, links=False)
    app = open_tab(open_page("jobs", {"job": job_id}), results_key(job_id), "Charts")
    assert_clean(app)
    assert any(m.label == "Orphan pages before" and m.value == "unknown" for m in app.metric)
    assert not any(m.label == "Orphan pages after the suggestions" for m in app.metric)
    with_links = finished(manager, GateTask.name, pages=2, links=True)
    app = open_tab(open_page("jobs", {"job": with_links}), results_key(with_links), "Charts")
    assert any(m.label == "Orphan pages after the suggestions" for m in app.metric)


def test_a_stopped_jobs_charts_say_its_orphans_are_not_counted():
    """Before: a stopped job's Charts said of the orphan pages "Shown once the analysis has finished", and a stopped
    analysis never finishes."""
    manager = get_manager()
    GateTask.GATE.clear()
    job_id = seed_job(manager, "stopped.csv", pages=1_000)
    GateTask.OPEN_FOR[job_id] = 2                                  # two pages, for suggestions to chart, then held
    wait_for(lambda: manager.get(job_id)["rows_written"] >= 2, 30, "the first suggestions")
    manager.stop(job_id)   # the job is held at its third page: it cannot have finished meanwhile
    wait_status(manager, job_id, "stopped")
    app = open_tab(open_page("jobs", {"job": job_id}), results_key(job_id), "Charts")
    assert_clean(app)
    captions = [c.value for c in app.caption]
    assert "Shown once the analysis has finished." not in captions, captions
    assert ("Not counted: the analysis was stopped before its end, and orphan pages count the whole site."
            in captions), captions


def test_annotation_file_is_plain_json_written_whole(tmp_path):
    manager = get_manager()
    job_id = finished(manager, GateTask.name, pages=1)
    manager.set_annotation(job_id, "review\tx", "accepted")
    stored = json.loads((manager.jobs_dir / f"{job_id}_annotations.json").read_text())
    assert stored == {"review\tx": "accepted"}
    assert not list(manager.jobs_dir.glob(".*.tmp"))


def test_filters_that_leave_nothing_say_so_in_every_tab():
    """Before: the Table tab drew an empty grid and the Charts tab empty axes."""
    manager = get_manager()
    job_id = finished(manager, pages=3)
    app = open_tab(open_page("jobs", {"job": job_id}), results_key(job_id), "Charts")
    assert len(app.get("vega_lite_chart")) == 3                     # targets, scores, orphans
    app.text_input(key=f"{results_key(job_id)}_source").set_value("no such page").run()
    assert_clean(app)
    assert len(app.get("vega_lite_chart")) == 1                     # the orphans, the job's own
    assert any(m.label == "Orphan pages after the suggestions" for m in app.metric)   # the job's, still shown
    for tab in ("Charts", "Table", "Review"):
        open_tab(app, results_key(job_id), tab)
        assert texts(app.caption).count("No suggestion matches the filters.") == 1, tab
    assert not [d for d in app.dataframe if "Reason" in d.value.columns]


def test_rows_hidden_by_the_tier_filter_alone_are_named():
    """Before: a page whose suggestions were all low-tier showed "No suggestion matches the filters." as if it had
    none."""
    manager = get_manager()
    job_id = finished(manager, pages=3)                       # tiers high, medium, low
    app = open_page("jobs", {"job": job_id})
    low = manager.results_frame(job_id).iloc[2]["Source"]
    app.text_input(key=f"{results_key(job_id)}_source").set_value(low).run()
    for tab in ("Review", "Table", "Charts"):
        open_tab(app, results_key(job_id), tab)
        assert texts(app.caption).count("No suggestion matches the filters. 1 suggestion is in the Low tier, which "
                                        "the Tier filter above hides.") == 1, tab


def test_the_table_shows_what_an_editor_reads_and_more_columns_on_request():
    """Before: ten columns, about twice the page's width at 1,400 px. Now six that fit (tests/test_e2e_review.py
    measures it in Chromium); the figures are the analyst's choice."""
    manager = get_manager()
    job_id = finished(manager, pages=3)
    app = open_tab(open_page("jobs", {"job": job_id}), results_key(job_id), "Table")
    table = next(d for d in app.dataframe if "Reason" in d.value.columns)
    assert list(table.proto.column_order) == ["Source", "In context", "Destination", "Tier", "Reason", "Decision"]
    more = next(w for w in app.get("button_group") if w.key == f"{results_key(job_id)}_more_columns")
    more.set_value(["Score", "Confidence"]).run()
    table = next(d for d in app.dataframe if "Reason" in d.value.columns)
    assert list(table.proto.column_order)[-3:] == ["Confidence", "Score", "Decision"]


class FolderGateTask(TieredGateTask):
    """The tiered gate task on a site whose pages all sit in one folder, as a docs site's do."""

    name = "ui_test_gate_folder"

    def process(self, ctx, item):
        folder = "https://example.com/stable/handbook"
        return [{**row, "Source": row["Source"].replace("https://example.com", f"{folder}/guide"),
                 "Destination": f"{folder}/reference/target.html"} for row in super().process(ctx, item)]


register_task(FolderGateTask())


def test_the_table_shows_the_paths_after_the_folder_every_page_shares():
    """Before: every path of a docs site under /stable/cargo/ was cut to "/stable/cargo/refere…" in the table's
    narrow page columns, so no two targets could be told apart. Now the folder every row shares is said once."""
    manager = get_manager()
    job_id = finished(manager, FolderGateTask.name, pages=3)
    app = open_tab(open_page("jobs", {"job": job_id}), results_key(job_id), "Table")
    table = next(d for d in app.dataframe if "Reason" in d.value.columns)
    shown = json.loads(table.proto.columns)
    pattern = shown["Destination"]["type_config"]["display_text"]
    assert pattern == shown["Source"]["type_config"]["display_text"]
    assert re.match(pattern, "https://example.com/stable/handbook/reference/target.html").group(1) == (
        "/reference/target.html")
    assert "Every page is under /stable/handbook/: the table shows the paths from there." in " ".join(
        texts(app.caption))
    assert shared_folder(["https://a.com/", "https://a.com/b"]) == ""
    assert shared_folder(["https://a.com/docs", "https://a.com/docs/b"]) == ""   # /docs is a page of the site
    assert re.fullmatch(path_display("/x.y+"), "https://a.com/x.y+/b") and not re.match(
        path_display("/x.y+"), "https://a.com/xay/b")


def test_the_review_lists_the_most_confident_first_on_request():
    manager = get_manager()
    job_id = finished(manager, UnorderedGateTask.name, pages=5)
    app = open_page("jobs", {"job": job_id})
    by_page = [re.search(r"confidence (0\.\d+)", card).group(1) for card in cards(app)]
    assert by_page == ["0.550", "0.950", "0.700", "0.900", "0.600"]
    order = next(w for w in app.get("button_group") if w.key == f"{results_key(job_id)}_order")
    order.set_value("confidence").run()
    assert_clean(app)
    assert [re.search(r"confidence (0\.\d+)", card).group(1) for card in cards(app)] == \
        ["0.950", "0.900", "0.700", "0.600", "0.550"]


def test_a_new_order_shows_the_first_page_and_the_pages_are_offered_under_the_cards_too():
    """Switching Order to "Most confident" on page 2 stayed on page 2 (the 20 best rows out of sight), and the page
    numbers stood only above the cards: after reading 20 cards, back to the top to go on."""
    manager = get_manager()
    job_id = finished(manager, task=UnorderedGateTask.name, pages=45)
    app = open_page("jobs", {"job": job_id})
    next(w for w in app.get("button_group") if w.key == f"{results_key(job_id)}_tiers").set_value(list(TIERS)).run()
    top, bottom = (next(p for p in app.get("pagination") if p.key == f"{results_key(job_id)}_{name}")
                   for name in ("page", "page_end"))
    assert top.value == bottom.value == 1
    bottom.set_value(3).run()                                   # the pager under the cards
    assert_clean(app)
    assert [p.value for p in app.get("pagination")] == [3, 3]
    assert len(cards(app)) == 5                                 # rows 41-45: the third page
    order = next(w for w in app.get("button_group") if w.key == f"{results_key(job_id)}_order")
    order.set_value("confidence").run()
    assert [p.value for p in app.get("pagination")] == [1, 1]
    assert len(cards(app)) == 20 and "confidence 0.950" in cards(app)[0]   # the most confident first


def test_three_hidden_tiers_are_named_as_a_list():
    """"753 suggestions are in the High and Medium and Low tiers" (an empty Tier filter hides all three)."""
    from inlink.ui.filters import Filters, no_match_text

    frame = pd.DataFrame({"Source": ["a", "b", "c"], "Destination": ["x", "y", "z"], "Anchor": ["p", "q", "r"],
                          "Confidence": [0.9, 0.6, 0.3], "Tier": ["high", "medium", "low"]})
    said = no_match_text(frame, Filters("", "", 0.0, (), "all", "page"), pd.Series("", index=frame.index))
    assert said.endswith("3 suggestions are in the High, Medium and Low tiers, which the Tier filter above hides.")
