"""End to end in a real browser, on finished jobs: the review keeps exactly the decisions made, and the Jobs table
and the review cards fit the page at 1,400 px. The waits are on the page's text (Playwright), never a sleep.
"""
from __future__ import annotations

import json
import re

import pytest
from e2e_server import set_gate
from playwright import sync_api
from test_e2e_browser import ALL_PAGES, FIRST_PROGRESS_MS, SAMPLE, browser, buttons_whole, metrics_whole, open_page, ready, server, shown, table_fits_with  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]
IN_STEP_MS = 30_000   # the bound only ends a failing test (a loaded machine may take seconds per rerun)
QUESTION_FIRST_MS = 10_000   # the clean-up's first click, before its one second try (cleanup_asks_in_place)
RETRY_MS = 10_000   # a click not shown by then is looked up in the job's store (clicked)


def finished_sample_job(manager, label: str | None = None) -> str:
    from inlink.tasks import analysis as link_task

    job_id = link_task.start_analysis(manager, (SAMPLE / "pages.csv").read_bytes(), pages_name="pages.csv",
                                      links=(SAMPLE / "inlinks.csv").read_bytes(), links_name="inlinks.csv",
                                      label=label)
    assert manager.wait(job_id, timeout=60)["status"] == "completed"
    return job_id


def test_a_decision_shown_as_stored_is_never_written_back_while_the_job_runs(browser, server, manager):  # noqa: F811
    """The review of a running job: its live panel reruns every second beside the cards. Before, each card's
    Accept / Reject was forced to the stored decision through the session, and those reruns sent the browser's
    old values back: after "Reject these" then "Clear these" every card of the page was rejected again."""
    from inlink.tasks import analysis as link_task
    from inlink.ui import review

    set_gate(server.gate, 0)                   # the server holds the job before its first page
    job_id = link_task.start_analysis(manager, (SAMPLE / "pages.csv").read_bytes(), pages_name="pages.csv",
                                      links=(SAMPLE / "inlinks.csv").read_bytes(), links_name="inlinks.csv")
    manager.shutdown(timeout=5)               # queued: the server's manager runs it
    server.start()
    page = open_page(browser, server, f"jobs?job={job_id}")
    page.get_by_text(re.compile(r"^No suggestions yet. They appear here")).wait_for(timeout=FIRST_PROGRESS_MS)
    set_gate(server.gate, 30)                  # 30 pages, then held running
    page.get_by_text(re.compile(r"Running · 30 of")).wait_for(timeout=FIRST_PROGRESS_MS)
    page.get_by_text(re.compile(r"suggestions? match")).wait_for(timeout=IN_STEP_MS)   # the first rows came by
    page.reload()                                                                      # themselves
    ready(page)
    accept = page.locator('[data-testid="stButtonGroup"] button', has_text=re.compile(r"^Accept$"))
    stored = lambda: review.decisions(manager, job_id)   # noqa: E731
    for _ in range(3):
        clicked(page, accept.first, r"· 1 accepted · 0 rejected", lambda: len(stored()) == 1)
        clicked(page, page.get_by_role("button", name="Reject these"), r"· 0 accepted · [1-9]\d* rejected",
                lambda: bool(stored()) and "accepted" not in set(stored().values()))
        clicked(page, page.get_by_role("button", name="Clear these"), r"· 0 accepted · 0 rejected",
                lambda: not stored())
        assert not stored(), stored()
    new_rows_a_click_away(page, server, manager, job_id)
    set_gate(server.gate, ALL_PAGES)


def new_rows_a_click_away(page, server, manager, job_id: str) -> None:  # noqa: F811
    """While the job adds rows, the results view offers them (before: nothing said the view was behind)."""
    from inlink.jobs.manager import JobManager
    from inlink.wording import counted

    observer = JobManager(server.jobs_dir, autostart=False)
    before = observer.results_count(job_id)
    assert re.search(rf"of {before:,} suggestions match", page.inner_text('[data-testid="stMain"]'))
    set_gate(server.gate, 40)
    page.get_by_text(re.compile(r"Running · 40 of")).wait_for(timeout=FIRST_PROGRESS_MS)
    after = observer.results_count(job_id)
    assert after > before
    page.get_by_role("button", name=f"Show {counted(after - before, 'new suggestion')}").click()
    shows(page, rf"of {after:,} suggestions match")


def test_a_decision_in_one_tab_shows_in_another_without_a_click(browser, server, manager):  # noqa: F811
    """Before: a second tab on a finished job saw another tab's accept / reject only when it reran for its own
    reasons (a click); now it redraws by itself. Without the watch the other tab never shows it, so the waits'
    bound only ends a failing test: how soon it shows (the 2 s promise) is bench/bench_ui.py's figure. A CI run
    on a loaded host failed a 6 s bound here: the acting tab was still drawing its own page run."""
    job_id = finished_sample_job(manager)
    manager.shutdown(timeout=5)
    server.start()
    first, second = (open_page(browser, server, f"jobs?job={job_id}") for _ in range(2))
    for tab in (first, second):
        tab.get_by_text("· 0 accepted · 0 rejected").wait_for(timeout=IN_STEP_MS)
    first.locator('[data-testid="stButtonGroup"] button', has_text=re.compile(r"^Accept$")).first.click()
    shows(first, r"· 1 accepted · 0 rejected")
    shows(second, r"· 1 accepted · 0 rejected")              # no click there
    second.get_by_role("button", name="Reject these").click()
    shows(second, r"· 0 accepted · [1-9]\d* rejected")      # the click was taken where it was made
    shows(first, r"· 0 accepted · [1-9]\d* rejected")       # and shows in the other tab, no click there


def clicked(page, control, text: str, arrived) -> None:
    """Click `control` and wait until the page shows `text`. A click the browser sent while another fragment of the
    page reran can be dropped on a loaded host (once in a full suite, the live panel rerunning every second beside
    the cards: nothing reached the job in 30 s); `arrived()` tells from the job's stored decisions whether it
    came, and a dropped click is clicked again, once. What this test holds, no decision written back, is
    checked from the store either way."""
    control.click()
    try:
        shown(page.get_by_text(re.compile(text)), repr(text), RETRY_MS)
    except AssertionError:
        if not arrived():
            control.click()
    shows(page, text)


def shows(page, text: str) -> None:
    """Wait until the page shows `text` (a regex) and its run has ended; else fail with what it showed."""
    shown(page.get_by_text(re.compile(text)), repr(text), IN_STEP_MS)
    ready(page)


def test_the_jobs_table_and_the_review_cards_fit_the_page_at_1400_px(browser, server, manager):  # noqa: F811
    """Before: the table's ten columns were about 90 px wider than the page, so Updated and the job ids were cut
    off behind a sideways scroll; and a card's reason, its longest text, had a quarter of the card, which made
    every card two or three times as tall as its sentence."""
    job_id = finished_sample_job(manager, label="a crawl export with a rather long file name.csv")
    manager.store.add_event(job_id, "note", LONG_EVENT)
    manager.shutdown(timeout=5)
    server.start()
    page = open_page(browser, server, "jobs")
    page.get_by_text("1 job · select a row to open it", exact=True).wait_for(timeout=IN_STEP_MS)   # not "showing 1–1"
    page.locator('[data-testid="stDataFrame"] .dvn-scroller').first.wait_for(timeout=IN_STEP_MS)
    scroll, client = page.evaluate("""() => { const e = document.querySelector('[data-testid="stDataFrame"] .dvn-scroller');
                                             return [e.scrollWidth, e.clientWidth]; }""")
    assert scroll <= client, (scroll, client)
    cleanup_asks_in_place(page)
    page = open_page(browser, server, f"jobs?job={job_id}")
    page.get_by_text("Anchor in context").first.wait_for(timeout=IN_STEP_MS)
    page.get_by_text("Minimum confidence", exact=True).wait_for(timeout=IN_STEP_MS)   # the cards' figure, not Score
    buttons_whole(page, "Prepare accepted (CSV)")
    events_fit(page)
    link, context, reason = page.evaluate("""() => Array.from(document.querySelector('mark').closest('div')
        .parentElement.children).map(part => part.getBoundingClientRect().width)""")
    assert reason >= context > link, (link, context, reason)
    table_fits(page)
    chart_labels_whole(page)


LONG_EVENT = ("Paused: the site cannot be reached (connection refused) while fetching https://docs.example.com/stable/"
              "reference/a-rather-long/path/to/one/page-of-the-site.html?lang=en. Resume when it is back; fetching "
              "starts again at this page.")


def events_fit(page) -> None:
    """The panel's latest events: every message whole, wrapped within the page (before: a table whose cells cut
    every long event at 1,400 px, "Paused: the site cannot be reached (conn…"), never scrolling sideways."""
    events = page.locator('[data-kind="events"]')
    events.get_by_text("Paused: the site cannot be reached").wait_for(timeout=IN_STEP_MS)
    text, right, main_right, lines, clipped = events.evaluate("""e => {
        const main = document.querySelector('[data-testid="stMain"]').getBoundingClientRect();
        const long = Array.from(e.children).find(c => c.textContent.startsWith('Paused: the site'));
        const height = parseFloat(getComputedStyle(long).lineHeight);
        return [long.innerText, e.getBoundingClientRect().right, main.right,
                Math.round(long.getBoundingClientRect().height / height),
                Array.from(e.children).filter(c => c.scrollWidth > c.clientWidth + 1).length]; }""")
    assert text == LONG_EVENT and right <= main_right and not clipped, (text, right, main_right, clipped)
    assert lines >= 2, lines                                            # it wraps: read whole, not cut


def cleanup_asks_in_place(page) -> None:
    """Clean up names what it will remove and waits for Remove; while it asks, nothing outside its section moves,
    fades or is redrawn (the section is a fragment), and Cancel removes nothing."""
    page.get_by_text("Clean up old jobs").click()
    days = page.get_by_label("Remove finished jobs older than (days)")
    days.fill("0")        # sent with the click below: the days and Clean up are one form, so one message (as two
                          # widgets, the click's run once read the days from before the typing: no question)
    table = page.locator('[data-testid="stDataFrame"]').first
    before = table.bounding_box()
    page.evaluate("""() => {
        window.cleanupOutside = [];
        const section = document.querySelector('[data-testid="stExpander"]');
        const outside = node => node.nodeType === 1 && !section.contains(node) && !node.contains(section);
        new MutationObserver(records => records.forEach(r => {
            if (r.type === 'attributes' && outside(r.target) && r.target.getAttribute('data-stale') === 'true')
                window.cleanupOutside.push('faded ' + r.target.innerText.slice(0, 40));
            for (const node of [...r.addedNodes, ...r.removedNodes])   // a removed node is detached: ask its parent
                if (outside(r.target) && node.nodeType === 1 && node.matches('[data-testid="stElementContainer"]'))
                    window.cleanupOutside.push('redrawn ' + node.innerText.slice(0, 40));
        })).observe(document.querySelector('[data-testid="stMain"]'),
                    {subtree: true, childList: true, attributes: true, attributeFilter: ['data-stale']});
    }""")
    question = page.get_by_text("Remove 1 finished job (1 completed) for good")
    page.get_by_role("button", name="Clean up").click()
    try:
        question.wait_for(timeout=QUESTION_FIRST_MS)
    except sync_api.TimeoutError:   # about once in ten CI runs the click had no answer at all: neither the question
        page.get_by_role("button", name="Clean up").click()   # nor "Nothing to clean up" (cause not found, with the
    shown(question, "the clean-up's question")                 # form as before it); a user clicks again, so does this
    shown(page.get_by_role("button", name="Remove 1 job"), "its Remove button")   # drawn after the sentence
    assert page.evaluate("window.cleanupOutside") == [] and table.bounding_box() == before
    page.get_by_role("button", name="Cancel").click()
    page.get_by_role("button", name="Clean up").wait_for(timeout=IN_STEP_MS)
    assert page.evaluate("window.cleanupOutside") == [] and table.bounding_box() == before
    page.get_by_text("1 job · select a row to open it", exact=True).wait_for(timeout=IN_STEP_MS)


VISIBLE_TAB = '[data-testid="stTabPanel"]:not([hidden])'


def table_fits(page) -> None:
    """The Table tab shows Source, the anchor in its context, Target, Tier, Reason and Decision without scrolling
    sideways (before: ten columns about twice the page's width)."""
    page.get_by_role("tab", name="Table").click()
    table = page.locator(f'{VISIBLE_TAB} [data-testid="stDataFrame"]')
    table.locator('[data-testid^="glide-cell"]').first.wait_for(state="attached", timeout=IN_STEP_MS)   # drawn
    scroll, client = table.locator(".dvn-scroller").evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert scroll <= client, (scroll, client)


def chart_labels_whole(page) -> None:
    """Every axis label of the Charts tab is whole (before: the target pages' paths were cut at about 100 px,
    "/shop/single-orig…") and inside its chart."""
    page.get_by_role("tab", name="Charts").click()
    labels = page.locator(f'{VISIBLE_TAB} [data-testid="stVegaLiteChart"] svg .role-axis-label text')
    labels.first.wait_for(timeout=IN_STEP_MS)
    found = page.evaluate("""(selector) => Array.from(document.querySelectorAll(selector)).map(label => {
        const box = label.getBoundingClientRect(), chart = label.closest('svg').getBoundingClientRect();
        return [label.textContent, box.left >= chart.left - 1 && box.right <= chart.right + 1]; })""",
                          f'{VISIBLE_TAB} [data-testid="stVegaLiteChart"] svg .role-axis-label text')
    assert any(text.startswith("/shop/single-origin/") for text, _ in found), found    # the long paths are there
    cut = [(text, inside) for text, inside in found if text.endswith("…") or not inside]
    assert not cut, cut


def test_an_opened_jobs_buttons_are_whole_at_1024_px(browser, server, manager):  # noqa: F811
    """Before: a card's Accept / Reject had a sixth of the card in a column of its own, so at 1,024 px "Reject"
    was cut off at the card's edge; and the rows of buttons in fixed columns read "All …", "Prepare …", "De…",
    "Prepare accept…", "Most con…", "Ac…", "Rej…", "Cle…"."""
    job_id = finished_sample_job(manager)
    manager.shutdown(timeout=5)
    server.start()
    page = open_page(browser, server, f"jobs?job={job_id}")
    page.set_viewport_size({"width": 1024, "height": 1000})
    page.locator('[data-testid="stMain"] button', has_text=re.compile("^Reject$")).first.wait_for(timeout=IN_STEP_MS)
    ready(page)
    rejects = page.evaluate("""() => Array.from(document.querySelectorAll('[data-testid="stMain"] button'))
        .filter(b => b.innerText.trim() === 'Reject').map(b => {
            let box = b.parentElement;      // the nearest element that clips: the card's border, or the page
            while (box && getComputedStyle(box).overflow === 'visible') box = box.parentElement;
            return b.getBoundingClientRect().right <= (box ? box.getBoundingClientRect().right : innerWidth) + 1; })""")
    assert len(rejects) >= 2, rejects
    assert all(rejects), f"{rejects.count(False)} of {len(rejects)} Reject buttons cut"
    buttons_whole(page, "Accept these")
    metrics_whole(page)   # the panel's figures: "Pages per mi…" in fixed columns
    labels_on_one_line(page)
    filters_wrap_tight(page)
    narrow_table_fits(page)


def filters_wrap_tight(page) -> None:
    """At 1,024 px Tier and Show fill a line and Order wraps to the next: before, 4 rem of blank between them (the
    row's large gap is its line gap too)."""
    show, order = (page.get_by_text(label, exact=True).first for label in ("Show", "Order"))
    show_box = page.locator('[data-testid="stMain"] [data-testid="stButtonGroup"]', has_text="To review").first
    bottom, top, same_line = page.evaluate("""([group, order, show]) => [group.getBoundingClientRect().bottom,
        order.getBoundingClientRect().top, Math.abs(order.getBoundingClientRect().top - show.getBoundingClientRect().top) < 2]""",
                                           [show_box.element_handle(), order.element_handle(), show.element_handle()])
    assert same_line or top - bottom <= 40, (bottom, top)


def narrow_table_fits(page) -> None:
    """The Table tab at 1,024 px: source, the anchor in context, target, reason and decision without scrolling
    sideways (before: the 1,400 px table, 919 px in 562, the reason and decision behind a sideways scroll)."""
    page.get_by_role("tab", name="Table").click()
    table_fits_with(page, f'{VISIBLE_TAB} [data-testid="stDataFrame"]',
                    ["Source page", "Anchor in context", "Target page", "Reason", "Decision"], IN_STEP_MS)


def labels_on_one_line(page) -> None:
    """No widget's label wraps (before, at 1,024 px: the review's slider had a fifth of the row, and its label read
    "Minimum" over "confidence", the slider below the row's other fields)."""
    wrapped = page.evaluate("""() => Array.from(document.querySelectorAll('[data-testid="stMain"] [data-testid="stWidgetLabel"]'))
        .filter(label => { const text = label.querySelector('p') || label;
                           return text.getBoundingClientRect().height > 1.5 * parseFloat(getComputedStyle(text).lineHeight); })
        .map(label => label.innerText)""")
    assert not wrapped, wrapped


def test_the_jobs_table_fits_the_page_at_1024_px(browser, server, manager):  # noqa: F811
    """Before: the ten columns needed 938 px and had 562 at 1,024 px (the sidebar open): Engine to Updated were
    behind a sideways scroll. A narrow page now shows the five columns that say which file, how far, what it gave and
    when, and says which others a wider window shows; back at 1,400 px all ten are there."""
    finished_sample_job(manager)
    manager.shutdown(timeout=5)
    server.start()
    page = open_page(browser, server, "jobs")
    page.set_viewport_size({"width": 1024, "height": 1000})
    shown(page.get_by_text("a wider window also shows the job id, engine, pages, cost and creation time"),
          "the note on the hidden columns")
    table_fits_with(page, '[data-testid="stDataFrame"]', ["File", "Status", "Progress", "Suggestions", "Updated"],
                    IN_STEP_MS)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.get_by_text("a wider window also shows").wait_for(state="detached", timeout=IN_STEP_MS)
    table_fits_with(page, '[data-testid="stDataFrame"]', ["Job", "File", "Status", "Engine", "Progress", "Pages",
                                                          "Suggestions", "Cost", "Created", "Updated"], IN_STEP_MS)


def test_a_lost_width_answer_is_sent_again(browser, server, manager):  # noqa: F811
    """The width probe stands in the jobs list's fragment; its answer's run can be stopped by a timed fragment's run
    that reaches the server just after it (Streamlit's fast reruns), and the page stayed drawn for the old width: seen
    once under load, resized to 1,400 px and the narrow table with its note for 30 s. Here the browser's first answer
    "wide" is dropped on its way: the probe sends it again, and the page draws all ten columns."""
    finished_sample_job(manager)
    manager.shutdown(timeout=5)
    server.start()
    from test_e2e_browser import _tabs

    page = _tabs(browser).new_page()
    dropped = drop_first_answer(page, "jobs.page_width", narrow=False)
    page.set_viewport_size({"width": 1024, "height": 1000})
    page.goto(server.url("jobs"))
    shown(page.get_by_text("a wider window also shows"), "the note on the hidden columns")
    probe = page.locator('[data-testid="stBidiComponentIsolated"][data-narrow]')
    probe.and_(page.locator('[data-drawn="true"]')).wait_for(state="attached", timeout=IN_STEP_MS)   # knows it drew narrow
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.get_by_text("a wider window also shows").wait_for(state="detached", timeout=IN_STEP_MS)
    probe.and_(page.locator('[data-drawn="false"]')).wait_for(state="attached", timeout=IN_STEP_MS)  # drew wide: no more sends
    assert dropped == [False], dropped   # the page redrew although its first answer never reached the server
    page.close()


def drop_first_answer(page, key: str, narrow: bool) -> list:
    """Route the page's websocket through the test, dropping the first message whose state of the width probe `key`
    says `narrow`; returns the list of the dropped answers (filled once one is dropped)."""
    dropped: list = []

    def answer(message) -> bool | None:
        rerun = rerun_asked(message)
        for widget in rerun.widget_states.widgets if rerun is not None else ():
            if widget.id.endswith(key) and widget.WhichOneof("value") == "json_value":
                return bool(json.loads(widget.json_value).get("narrow"))
        return None

    def route(socket) -> None:
        upstream = socket.connect_to_server()

        def from_page(message) -> None:
            if not dropped and answer(message) is narrow:
                dropped.append(narrow)
                return
            upstream.send(message)
        socket.on_message(from_page)
        upstream.on_message(socket.send)
    page.route_web_socket(re.compile(r".*/_stcore/stream"), route)
    return dropped


def runs_asked(browser, server, width: int) -> tuple[int, list[str]]:  # noqa: F811
    """(how many messages a fresh tab on the Jobs page at `width` sent the server, once its width probe has measured
    and the page is at rest: each asks for a run, the page's first and then the probe's answer when it sends one; the
    table's headers). Counted on the websocket, where the browser sends them: a run the probe asked for while the
    first still ran is merged into it, so the page's own running state does not show every one. A timed fragment's run
    (the idle list's watch for jobs changed elsewhere, every second) is no run the page asked, and is not counted."""
    from test_e2e_browser import _tabs

    page = _tabs(browser).new_page()
    page.set_viewport_size({"width": width, "height": 1000})
    sent = []
    timed = set()   # the fragments the server asked the browser to run on a timer

    def on_websocket(socket) -> None:
        socket.on("framereceived", lambda frame: timed.update(auto_rerun_fragment(frame)))
        socket.on("framesent", lambda frame: None if fragment_run(frame) in timed else sent.append(frame))
    page.on("websocket", on_websocket)
    page.goto(server.url("jobs"))
    page.locator('[data-testid="stBidiComponentIsolated"][data-narrow]').wait_for(state="attached",
                                                                                  timeout=IN_STEP_MS)
    ready(page)
    page.locator('[data-testid="stDataFrame"] th').first.wait_for(state="attached", timeout=IN_STEP_MS)
    headers = page.locator('[data-testid="stDataFrame"] th').evaluate_all(
        "cells => cells.map(cell => cell.textContent.trim()).filter(Boolean)")
    page.close()
    return len(sent), headers


def rerun_asked(frame):
    """The run a message the browser sent asks for (its rerun_script: widget states, fragment), else None."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    if isinstance(frame, str):
        return None
    message = BackMsg.FromString(frame)
    return message.rerun_script if message.WhichOneof("type") == "rerun_script" else None


def fragment_run(frame) -> str | None:
    """The fragment whose run alone a message the browser sent asks for, else None."""
    rerun = rerun_asked(frame)
    return (rerun.fragment_id or None) if rerun is not None else None


def auto_rerun_fragment(frame) -> set[str]:
    """{the fragment} a message the server sent sets to run on a timer, else {}."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if isinstance(frame, str):
        return set()
    message = ForwardMsg.FromString(frame)
    return {message.auto_rerun.fragment_id} if message.WhichOneof("type") == "auto_rerun" else set()


def test_the_width_probe_draws_the_page_once_when_it_was_drawn_for_the_right_width(browser, server, manager):  # noqa: F811
    """Before: the width probe (inlink/ui/page_width.py) always sent its first measurement, "wide" too, so at 1,400 px
    every page with a table ran twice on load for nothing. It now answers only what differs from what the page was
    drawn for: one run at 1,400 px; at 1,024 px the answer "narrow" (the server cannot know it sooner) draws the
    narrow table."""
    finished_sample_job(manager)
    manager.shutdown(timeout=5)
    server.start()
    asked, headers = runs_asked(browser, server, 1400)
    assert asked == 1 and len(headers) == 10, (asked, headers)
    asked, headers = runs_asked(browser, server, 1024)
    assert asked == 2 and headers == ["File", "Status", "Progress", "Suggestions", "Updated"], (asked, headers)
