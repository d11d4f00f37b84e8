"""The fetch task on the real job engine, against the local site: results, faults, the site going down and
coming back, pause/stop/delete within a second, the dataset files, and fetch -> suggest end to end."""
from __future__ import annotations

import io
import subprocess
import sys
import time

import pandas as pd
import pytest

from fetch_server import Behaviour, SiteServer
from jobtasks import REPO
from waiting import wait_for

from inlink.site.load import load_site
from inlink.tasks import foreground
from inlink.tasks import fetch as fetch_task

pytest_plugins = ("fetch_fixtures",)   # the served site: fixtures `site_root` (session) and `site`

FAST = {"rate_per_s": 0, "backoff_s": 0.05, "connections": 4}
XML = "application/xml"
PAGES = ["library/json.html", "library/csv.html", "library/re.html", "library/string.html", "library/io.html",
         "library/functions.html", "library/stdtypes.html", "library/exceptions.html", "tutorial/index.html",
         "tutorial/introduction.html", "tutorial/controlflow.html", "glossary.html", "library/pickle.html",
         "library/marshal.html", "library/os.path.html", "library/pathlib.html"]


def test_a_sitemap_fetch_job_gives_every_page_once_with_its_status(site, manager):
    faulty = ["distutils/index.html", "no-such-page.html", "loop/a.html", "binary.html", "moved/library/sys.html"]
    site.behaviour.sitemap_paths = PAGES + faulty
    job = fetch_task.start_fetch(manager, site.url("sitemap.xml"), options=FAST)
    meta = manager.wait(job, 60)
    assert meta["status"] == "completed", meta["message"]
    results = fetch_task.fetched_results(manager, job)
    # the URL that redirected has its row, and the page it leads to (not listed) one of its own
    assert sorted(results["Requested URL"]) == sorted(site.url(p) for p in PAGES + faulty + ["library/sys.html"])
    by_url = results.set_index("Requested URL")
    assert by_url.loc[site.url("distutils/index.html"), "Status"] == "Blocked by robots.txt"
    assert by_url.loc[site.url("no-such-page.html"), "Status Code"] == 404
    assert "redirect loop" in by_url.loc[site.url("loop/a.html"), "Reason"]
    assert by_url.loc[site.url("moved/library/sys.html"), "Redirect URL"] == site.url("library/sys.html")
    assert by_url.loc[site.url("library/sys.html"), "Status"] == "OK"
    assert meta["summary"]["statuses"]["OK"] == len(PAGES) + 1
    assert meta["summary"]["site"] == site.base           # the site, not the sitemap's URL


def test_dataset_files_load_like_an_upload(site, manager):
    site.behaviour.sitemap_paths = [*PAGES, "noindex.html", "xrobots/library/sys.html"]
    job = fetch_task.start_fetch(manager, site.url("sitemap.xml"), options=FAST)
    assert manager.wait(job, 60)["status"] == "completed"
    pages_bytes, links_bytes = fetch_task.pages_csv(manager, job), fetch_task.links_csv(manager, job)
    header = pd.read_csv(io.BytesIO(pages_bytes), nrows=0).columns.tolist()
    assert header[:4] == ["Address", "Status Code", "Status", "Reason"] and "Body HTML 1" in header
    links = pd.read_csv(io.BytesIO(links_bytes), keep_default_na=False)
    assert set(links["Link Position"]) >= {"Content", "Navigation"}
    data = load_site(pages_bytes, links_bytes, pages_name="pages.csv", links_name="links.csv")
    assert len(data.pages) == len(PAGES) + 2
    target = dict(zip(data.pages["url"], data.pages["is_target"]))
    assert not target.pop(site.url("noindex.html"))                 # noindex (meta tag): not a link target
    assert not target.pop(site.url("xrobots/library/sys.html"))     # noindex (X-Robots-Tag header): neither
    assert all(target.values())
    assert data.pages["blocks"].map(bool).all()          # read from Body HTML 1: prose told from code
    assert len(data.links) > 20


def test_the_two_downloads_are_one_build_of_fetched_files(site, manager, monkeypatch):
    """pages_csv and links_csv each read every row and the pages one found the site's rules again (the Jobs page's
    two downloads); now one build of fetched_files serves both, with the same bytes as before."""
    from inlink.fetch import dataset

    site.behaviour.sitemap_paths = [*PAGES[:6], "copy1/library/csv.html", "moved/library/json.html", "no-such-page.html",
                                    "noindex.html"]
    job = fetch_task.start_fetch(manager, site.url("sitemap.xml"), options=FAST)
    assert manager.wait(job, 60)["status"] == "completed"
    rows = fetch_task.fetched_results(manager, job)
    assert dataset.site_rules(rows)         # a copy of csv.html: the site's rules change a row
    before = (dataset.csv_bytes(dataset.pages_frame(rows)), dataset.csv_bytes(dataset.links_frame(rows)))
    files = fetch_task.fetched_files(manager, job)
    reads = []
    read = manager.results_frame
    monkeypatch.setattr(manager, "results_frame", lambda *args, **kw: reads.append(args) or read(*args, **kw))
    assert (fetch_task.pages_csv(manager, job), fetch_task.links_csv(manager, job)) == (files.pages, files.links)
    assert (files.pages, files.links) == before
    assert fetch_task.pages_csv(manager, job) == files.pages
    assert len(reads) == 1


def test_a_sitemap_that_answers_404_fails_the_job_in_plain_words(site, manager):
    """It read "Failed in step 'discover': SourceError: sitemap ...: the server answered 404": the class name of a
    refusal worded for the user (jobs/runner.py: plain_message)."""
    job = fetch_task.start_fetch(manager, site.url("no-such-sitemap.xml"), options=FAST)
    meta = manager.wait(job, 60, until=("paused", "completed", "failed"))
    assert meta["status"] == "failed", meta["message"]
    assert meta["message"] == (f"Failed in step 'discover': sitemap {site.url('no-such-sitemap.xml')}: the server "
                               "answered 404")


def test_a_sitemap_that_keeps_answering_429_pauses_the_job_and_is_read_on_resume(site, manager):
    """A sitemap that kept answering 429 (a rate limiter, past its retries) failed the job, as a missing one does,
    while a 503 paused it: the site asks for fewer requests, and a resume later reads it."""
    site.behaviour.sitemap_paths = PAGES[:2]
    site.behaviour.busy = {"/sitemap.xml": (2, 429)}
    job = fetch_task.start_fetch(manager, site.url("sitemap.xml"), options={**FAST, "retries": 1})
    meta = manager.wait(job, 60, until=("paused", "completed", "failed"))
    assert meta["status"] == "paused", _story(manager, job, meta)
    assert meta["message"] == f"Paused: sitemap {site.url('sitemap.xml')}: the server answered 429. Resume when the " \
                              "site can be reached."
    manager.resume(job)
    assert manager.wait(job, 60)["summary"]["statuses"] == {"OK": 2}


def test_the_job_pauses_when_the_site_goes_down_and_resumes_where_it_was(site_root, manager):
    server = SiteServer(site_root).start()
    port = server.port
    pages = [f"copy{i}/{p}" for i in range(4) for p in PAGES]
    server.behaviour.sitemap_paths = pages
    try:
        job = fetch_task.start_fetch(manager, server.url("sitemap.xml"), options={**FAST, "rate_per_s": 20})
        wait_for(lambda: manager.get(job)["items_done"] >= 5, 30, "some pages fetched")
        server.stop()
        meta = manager.wait(job, 30, until=("paused", "completed", "failed"))
        assert meta["status"] == "paused", meta["message"]
        assert "cannot be reached" in meta["message"] and "refused" in meta["message"]
        done_at_pause = meta["items_done"]
        assert done_at_pause < len(pages)
        server = SiteServer(site_root, port=port, behaviour=server.behaviour).start()
        manager.resume(job)
        meta = manager.wait(job, 120)   # ~3 s here; the bound only ends a failing run (a CI run 2x slower than
        assert meta["status"] == "completed", _story(manager, job, meta)   # quiet once passed 60 s: see its story)
    finally:
        server.stop()
    results = fetch_task.fetched_results(manager, job)
    assert sorted(results["Requested URL"]) == sorted(f"http://127.0.0.1:{port}/{p}" for p in pages)
    assert set(results["Status"]) == {"OK"}          # no page was lost to the outage


@pytest.mark.parametrize("status", [503, 429])
def test_a_job_pauses_while_the_whole_site_answers_503_or_429_and_fetches_its_pages_on_resume(site, manager, status):
    """A site in maintenance (503 everywhere) or limiting requests (429): every page was recorded as an HTTP error
    after its retries and the job "completed", nothing left for a resume to fetch."""
    site.behaviour.sitemap_paths = PAGES[:4]
    site.behaviour.every_status = status
    job = fetch_task.start_fetch(manager, site.url("sitemap.xml"), options={**FAST, "retries": 1})
    meta = manager.wait(job, 30, until=("paused", "completed", "failed"))
    assert meta["status"] == "paused" and f"the site answers {status} to every request" in meta["message"], meta
    site.behaviour.every_status = 0
    manager.resume(job)
    assert manager.wait(job, 30)["status"] == "completed"
    results = fetch_task.fetched_results(manager, job)
    assert sorted(results["Requested URL"]) == sorted(site.url(p) for p in PAGES[:4])
    assert set(results["Status"]) == {"OK"}


def test_a_job_pauses_while_the_sites_robots_txt_keeps_failing_and_asks_again_on_resume(site_root, manager):
    server = SiteServer(site_root).start()
    server.behaviour.sitemap_paths = PAGES[:3]
    server.behaviour.robots_errors = 1000
    try:
        job = fetch_task.start_fetch(manager, server.url("sitemap.xml"), options={**FAST, "retries": 1})
        meta = manager.wait(job, 60, until=("paused", "completed", "failed"))
        assert meta["status"] == "paused" and "robots.txt answered 503" in meta["message"], meta["message"]
        server.behaviour.robots_errors = 0
        manager.resume(job)
        assert manager.wait(job, 60)["status"] == "completed"
    finally:
        server.stop()
    assert set(fetch_task.fetched_results(manager, job)["Status"]) == {"OK"}

def _story(manager, job: str, meta: dict) -> str:
    """What a job that did not end as expected was doing: its state and its last events (for a failing run's log)."""
    events = manager.events(job, limit=30)
    return (f"{meta['status']}, {meta['items_done']} of {meta.get('items_total')} done, {meta.get('message')!r}; "
            "events: " + " | ".join(f"{e['ts']} {e['event']} {e['message']}" for e in events))


@pytest.mark.parametrize("action, status", [("pause", "paused"), ("stop", "stopped"), ("delete", None)])
def test_pause_stop_delete_do_not_wait_for_a_hanging_request(site, manager, action, status):
    site.behaviour.slow_s = 60
    site.behaviour.sitemap_paths = [f"slow/{p}" for p in PAGES[:3]]
    job = fetch_task.start_fetch(manager, site.url("sitemap.xml"), options={**FAST, "read_timeout": 120})
    wait_for(lambda: any(p.startswith("/slow/") for p, _, _ in site.behaviour.log), 30, "a hanging request")
    asked = time.monotonic()
    getattr(manager, action)(job)
    if status is None:
        assert not [j for j in manager.list_jobs() if j["job_id"] == job]
    else:
        meta = manager.wait(job, 30, until=(status,))
        assert meta["status"] == status and meta["items_done"] == 0
    # the request hangs for 60 s, so a job that waited for it would take that long; the bound leaves a loaded
    # machine its margin (before, 1.5 s: a speed figure in a test)
    assert time.monotonic() - asked < 20


def test_a_url_list_job_and_a_bad_source_is_refused_before_any_job(site, manager):
    urls = "\n".join(site.url(p) for p in PAGES[:3]).encode()
    job = fetch_task.start_fetch(manager, urls, name="urls.txt", options=FAST)
    assert manager.wait(job, 60)["status"] == "completed"
    assert len(fetch_task.fetched_results(manager, job)) == 3
    with pytest.raises(ValueError, match="no http"):
        fetch_task.start_fetch(manager, b"just words\n", name="words.txt")
    with pytest.raises(ValueError, match="connections"):
        fetch_task.start_fetch(manager, urls, options={"connections": 0})
    assert len(manager.list_jobs()) == 1


def test_fetch_then_suggest_never_repeats_an_existing_link(site, manager, tmp_path):
    pages = PAGES + ["library/sys.html", "library/datetime.html", "library/time.html", "library/math.html",
                     "library/random.html", "library/collections.html", "library/itertools.html",
                     "library/functools.html", "library/typing.html", "library/logging.html"]
    site.behaviour.sitemap_paths = pages
    job = fetch_task.start_fetch(manager, site.url("sitemap.xml"), options=FAST)
    assert manager.wait(job, 60)["status"] == "completed"
    pages_path, links_path = tmp_path / "pages.csv", tmp_path / "links.csv"
    pages_path.write_bytes(fetch_task.pages_csv(manager, job))
    links_path.write_bytes(fetch_task.links_csv(manager, job))
    summary = foreground.run_to_csv(pages_path, links_path, out_path=tmp_path / "out.csv")
    suggestions = pd.read_csv(tmp_path / "out.csv", keep_default_na=False, encoding="utf-8-sig")
    assert summary["suggestions"] > 0 and len(suggestions) > 0
    existing = load_site(pages_path, links_path).links
    assert not set(zip(suggestions["Source"], suggestions["Destination"])) & set(zip(existing["source"],
                                                                                   existing["destination"]))
    text = dict(zip(*[pd.read_csv(pages_path, keep_default_na=False)[c] for c in ("Address", "Content")]))
    for source, anchor in zip(suggestions["Source"], suggestions["Anchor"]):
        assert anchor.lstrip("'") in text[source]


def test_a_jobs_client_is_closed_when_its_run_ends_and_a_resume_opens_a_new_one(site, manager, monkeypatch):
    """A paused (stopped, failed, deleted) job's client, its loop thread and its connections, stayed open until
    another fetch job started 300 s later, or for good: the run's end (Task.release) closes it now."""
    opened = []

    class Recorded(fetch_task.Fetcher):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            opened.append(self)

    def closed(fetcher) -> bool:
        return not fetcher._thread.is_alive() and fetcher._loop.is_closed() and fetcher._client.is_closed

    monkeypatch.setattr(fetch_task, "Fetcher", Recorded)
    site.behaviour.slow_s = 60
    site.behaviour.sitemap_paths = [f"slow/{p}" for p in PAGES[:2]]
    job = fetch_task.start_fetch(manager, site.url("sitemap.xml"), options=FAST)
    wait_for(lambda: any(p.startswith("/slow/") for p, _, _ in site.behaviour.log), 30, "a hanging request")
    manager.pause(job)
    assert manager.wait(job, 30, until=("paused",))["status"] == "paused"
    wait_for(lambda: opened and all(closed(f) for f in opened), 10, "the paused job's clients closed")
    first_run = len(opened)
    site.behaviour.slow_s = 0
    manager.resume(job)
    assert manager.wait(job, 60)["status"] == "completed"
    assert len(opened) > first_run        # the resumed run fetched with a client of its own
    wait_for(lambda: all(closed(f) for f in opened), 10, "the finished job's client closed")


def test_a_fetched_link_to_a_url_that_redirected_points_at_the_page_it_ended_at():
    """A page is known by its final address, so a link to the URL as listed (/old, 301 -> /new) matched no page:
    the import dropped it and the engine suggested the link the site already has."""
    import json

    from inlink.fetch import dataset

    def links(*pairs):
        return json.dumps([[destination, anchor, "Content", "true"] for destination, anchor in pairs])
    results = pd.DataFrame({
        "Requested URL": ["https://a.com/", "https://a.com/old", "https://a.com/new-2"],
        "Address": ["https://a.com/", "https://a.com/new", "https://a.com/new-2"],
        "Status Code": [200, 200, 200],
        "Links": [links(("https://a.com/old", "the guide"), ("https://a.com/new", "guide"),
                        ("https://a.com/new-2", "second")),
                  links(("https://a.com/", "home")), links(("https://a.com/old", "back to it"))]})
    written = dataset.links_frame(results)
    assert list(zip(written["Source"], written["Destination"], written["Anchor"])) == [
        ("https://a.com/", "https://a.com/new", "the guide"), ("https://a.com/", "https://a.com/new-2", "second"),
        ("https://a.com/new", "https://a.com/", "home"), ("https://a.com/new-2", "https://a.com/new", "back to it")]
    assert written["Status Code"].tolist() == [200, 200, 200, 200]


def test_a_fetch_job_keeps_no_password_of_its_source_url(manager, tmp_path):
    """The dashboard's fetch form reaches start_fetch directly: the URL's user name and password stayed in the
    job's label and config."""
    from inlink.fetch.urls import without_credentials

    assert without_credentials(" https://bob:pw@Example.com:8080/a?b#c ") == "https://Example.com:8080/a?b#c"
    assert without_credentials("https://example.com/@user") == "https://example.com/@user"
    job = fetch_task.start_fetch(manager, "http://bob:hunter2@127.0.0.1:9/sitemap.xml", options=FAST)
    meta = manager.get(job)        # port 9: nothing listens, the job pauses at its first request
    assert meta["label"] == "fetch http://127.0.0.1:9/sitemap.xml"
    assert meta["config"]["source"] == {"url": "http://127.0.0.1:9/sitemap.xml"}


def test_no_password_of_a_pasted_or_uploaded_source_reaches_the_jobs_folder(site, manager, jobs_dir):
    """A URL list or a file kept its bytes as the job's input, a user name and password in its URLs too (and a
    line that is no http(s) URL was quoted as it stood in the job's events): the job keeps the URLs it read,
    credential-free, and fetches the same pages."""
    secret = "s3cret-pw"
    creds = site.url("").replace("http://", f"http://bob:{secret}@")
    pasted = f"{creds}library/json.html\n{creds}library/csv.html\nftp://bob:{secret}@127.0.0.1/x\n"
    sitemap = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               f"<url><loc>{creds}library/re.html</loc></url></urlset>").encode()
    export = f"Address,Status Code\n{creds}library/io.html,200\n".encode()
    jobs = {fetch_task.start_fetch(manager, pasted, options=FAST): ["library/json.html", "library/csv.html"],
            fetch_task.start_fetch(manager, sitemap, name="sitemap.xml", options=FAST): ["library/re.html"],
            fetch_task.start_fetch(manager, export, name="crawl.csv", options=FAST): ["library/io.html"]}
    for job, paths in jobs.items():
        assert manager.wait(job, 60)["status"] == "completed", manager.get(job)["message"]
        assert fetch_task.fetched_results(manager, job)["Requested URL"].tolist() == [site.url(p) for p in paths]
    events = " | ".join(e["message"] for job in jobs for e in manager.events(job))
    assert "2 URLs to fetch from pasted URLs" in events and "1 URL to fetch from sitemap.xml" in events
    assert "1 line is not an http(s) URL and was skipped: line 3 ('ftp://127.0.0.1/x')" in events
    assert "crawl.csv: URLs read from column" in events
    assert [job["label"] for job in manager.list_jobs()].count("fetch pasted URLs (2 URLs)") == 1
    files = [path for path in jobs_dir.rglob("*") if path.is_file()]
    assert len(files) > 10
    assert [path for path in files if secret.encode() in path.read_bytes()] == []


def test_a_fetch_worker_starts_without_pandas():
    """What a worker imports to run fetch jobs leaves pandas out (0.7 s of its 1.1 s start): pandas is imported
    where a frame is made, at the end of a fetch or for a download, so a worker restarted again and again (a crash
    loop, tests/test_fetch_crash.py) fetches at once."""
    probe = ("import sys; sys.path.insert(0, sys.argv[1]); import inlink.tasks.fetch, inlink.jobs.manager; "
             "print(sorted(m for m in ('pandas', 'inlink.fetch.dataset') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe, str(REPO)], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "['inlink.fetch.dataset']", done.stderr


@pytest.mark.parametrize("action, status", [("pause", "paused"), ("stop", "stopped")])
def test_a_crawl_delay_of_a_day_is_said_up_front_with_how_long_and_pause_or_stop_end_its_wait(site, manager, action,
                                                                                                   status):
    """robots.txt's Crawl-delay has no upper bound (86400: a day between requests) and is honoured; the job said so
    only once its first page came, and never how long the whole fetch would take. It is said before the first page
    with the time the listed URLs take at that pace, and pause or stop end the wait for the next request at once."""
    site.behaviour.robots = "User-agent: *\nCrawl-delay: 86400\n"
    site.behaviour.sitemap_paths = PAGES[:3]
    job = fetch_task.start_fetch(manager, site.url("sitemap.xml"), options=FAST)
    said = f"robots.txt of 127.0.0.1:{site.port} asks for 86400 s between requests (Crawl-delay)"
    notes = wait_for(lambda: [e for e in manager.events(job, limit=50) if said in e["message"]], 30, "the note")
    assert notes[0]["message"].endswith("; its 3 URLs listed take about 2 days at that pace (pause or stop ends the "
                                        "wait at once)")
    wait_for(lambda: manager.get(job)["items_done"] == 1 and site.behaviour.seen.get("/" + PAGES[0]), 30,
             "the first page")
    asked = time.monotonic()
    getattr(manager, action)(job)
    meta = manager.wait(job, 30, until=(status,))
    assert meta["status"] == status and meta["items_done"] == 1, _story(manager, job, meta)
    assert time.monotonic() - asked < 20      # the wait was for a day: any bound under it shows the wait ended
    assert not site.behaviour.seen.get("/" + PAGES[1])


def test_a_foreground_fetch_says_the_crawl_delay_and_its_length_before_the_first_page(site):
    site.behaviour.robots = "User-agent: *\nCrawl-delay: 0.3\n"
    site.behaviour.sitemap_paths = PAGES[:3]
    heard = []
    fetch_task.run_fetch(site.url("sitemap.xml"), options=FAST, on_note=lambda note: heard.append(("note", note)),
                         progress=lambda done, total: heard.append(("page", done)))
    assert heard[0][0] == "note" and heard[0][1].endswith("; its 3 URLs listed take about 1 s at that pace (Ctrl-C "
                                                          "stops the fetch at once)")   # it has no pause or stop
    assert [kind for kind, _ in heard].count("note") == 1 and heard[-1] == ("page", 3)


@pytest.mark.parametrize("rules, gap, rule", [
    ("Request-rate: 3/1", "0.3333", "Request-rate: 3 requests in 1 s"),
    ("Crawl-delay: 0.1\nRequest-rate: 3/1", "0.3333", "Request-rate: 3 requests in 1 s"),   # the slower wins
    ("Crawl-delay: 0.4\nRequest-rate: 3/1", "0.4", "Crawl-delay"),
], ids=["request-rate", "request-rate slower", "crawl-delay slower"])
def test_a_robots_request_rate_paces_the_fetch_and_is_said_as_a_crawl_delay_is(site, rules, gap, rule, releases):
    """robots.txt's Request-rate (requests/seconds) was not read: a site asking for 3 requests a second got them as
    fast as the connections allowed. The slower of it and Crawl-delay paces the host's requests, and is said before
    the first page with the rule that asks for it. The spacing is read where the fetcher lets a request go (the
    `releases` fixture): in the server's log, requests let go 0.33 s apart were seen 0.49 s then 0.24 s apart."""
    site.behaviour.robots = f"User-agent: *\n{rules}\n"
    site.behaviour.sitemap_paths = PAGES[:3]
    heard = []
    fetch_task.run_fetch(site.url("sitemap.xml"), options=FAST, on_note=heard.append)
    assert heard[0] == (f"robots.txt of 127.0.0.1:{site.port} asks for {gap} s between requests ({rule}): its pages "
                        f"are fetched at that pace, one every {gap} s, instead of as fast as the connections allow; "
                        "its 3 URLs listed take about 1 s at that pace (Ctrl-C stops the fetch at once)"), heard
    asked = [path for path, _headers, _at in site.behaviour.log if path.lstrip("/") in PAGES[:3]]
    pages = [at for host, _interval, at in releases if host == releases[-1][0]]   # the sitemap has a host of its own
    assert len(asked) == 3 and len(pages) == 3, releases
    assert all(later - earlier >= float(gap) - 0.005 for earlier, later in zip(pages, pages[1:])), releases


def test_a_request_rate_of_one_a_day_is_said_in_the_jobs_events_and_a_pause_ends_its_wait(site, manager):
    site.behaviour.robots = "User-agent: *\nCrawl-delay: 0.2\nRequest-rate: 1/1d\n"
    site.behaviour.sitemap_paths = PAGES[:3]
    job = fetch_task.start_fetch(manager, site.url("sitemap.xml"), options=FAST)
    said = (f"robots.txt of 127.0.0.1:{site.port} asks for 86400 s between requests (Request-rate: 1 request in "
            "86,400 s)")
    notes = wait_for(lambda: [e for e in manager.events(job, limit=50) if said in e["message"]], 30, "the note")
    assert notes[0]["message"].endswith("; its 3 URLs listed take about 2 days at that pace (pause or stop ends the "
                                        "wait at once)")
    wait_for(lambda: manager.get(job)["items_done"] == 1, 30, "the first page")
    manager.pause(job)
    meta = manager.wait(job, 30, until=("paused",))
    assert meta["status"] == "paused" and meta["items_done"] == 1, _story(manager, job, meta)
    assert not site.behaviour.seen.get("/" + PAGES[1])   # Crawl-delay's 0.2 s would have let it go


def test_the_crawl_delays_length_counts_only_the_urls_robots_txt_allows(site):
    """The length of a Crawl-delay's wait counted every listed URL, those robots.txt disallows too, which are never
    asked for: with 2 of 6 disallowed, it said the 6 "take about 2 s" (five waits of 0.3 s) where 4 pages take three."""
    site.behaviour.robots = "User-agent: *\nCrawl-delay: 0.3\nDisallow: /library/c\nDisallow: /library/s\n"
    site.behaviour.sitemap_paths = PAGES[:6]   # json, csv, re, string, io, functions: csv and string disallowed
    heard = []
    rows = fetch_task.run_fetch(site.url("sitemap.xml"), options=FAST, on_note=heard.append)
    assert (rows["Status"] == "Blocked by robots.txt").sum() == 2
    assert heard[0].endswith("; the 4 of its 6 URLs listed that robots.txt allows take about 1 s at that pace "
                             "(Ctrl-C stops the fetch at once)"), heard


def test_a_listed_url_that_redirects_keeps_its_own_row_and_the_page_it_leads_to_has_one(site, manager):
    """A listed URL that redirected became a row under the address it ended at: with that page listed too, the
    files held its address twice and the report counted it twice. Now the URL keeps its own row, as Screaming Frog
    writes it (its 3xx, Non-Indexable "Redirected", the Redirect URL); the page it leads to has one row, listed or
    not, and two URLs redirecting to one page not listed give it one row too. The import keeps only the page as a
    link target, and a link to a redirecting URL counts as a link to the page."""
    site.behaviour.redirects = {"/old-re.html": (302, "/library/re.html")}
    listed = ["library/json.html", "moved/library/json.html", "moved/library/sys.html", "moved/library/re.html",
              "old-re.html", "library/csv.html"]
    site.behaviour.sitemap_paths = listed
    job = fetch_task.start_fetch(manager, site.url("sitemap.xml"), options=FAST)
    meta = manager.wait(job, 60)
    assert meta["status"] == "completed", _story(manager, job, meta)
    files = fetch_task.fetched_files(manager, job)
    pages = pd.read_csv(io.BytesIO(files.pages), keep_default_na=False)
    assert sorted(pages["Address"]) == sorted(site.url(p) for p in [*listed, "library/sys.html", "library/re.html"])
    moved = pages.set_index("Address").loc[[site.url(p) for p in listed[1:5]]]
    assert moved[["Status Code", "Status", "Indexability", "Indexability Status", "Redirect URL"]].values.tolist() == [
        [301, "Redirected", "Non-Indexable", "Redirected", site.url("library/json.html")],
        [301, "Redirected", "Non-Indexable", "Redirected", site.url("library/sys.html")],
        [301, "Redirected", "Non-Indexable", "Redirected", site.url("library/re.html")],
        [302, "Redirected", "Non-Indexable", "Redirected", site.url("library/re.html")]]
    assert meta["summary"]["statuses"] == {"OK": 4, "Redirected": 4}
    data = load_site(files.pages, files.links, pages_name="pages.csv", links_name="links.csv")
    targets = set(data.pages.loc[data.pages["is_target"], "url"])
    assert targets == {site.url(p) for p in ["library/json.html", "library/sys.html", "library/re.html",
                                             "library/csv.html"]}


def test_a_fetched_link_to_a_listed_url_with_a_redirect_row_points_at_the_page_it_leads_to():
    """With a redirecting URL's own row ("Redirected", its Redirect URL) and the page listed too, the page's row no
    longer says it was asked for as the redirecting URL: the redirect row says where links to it lead."""
    import json

    from inlink.fetch import dataset

    results = pd.DataFrame({
        "Requested URL": ["https://a.com/", "https://a.com/old", "https://a.com/new"],
        "Address": ["https://a.com/", "https://a.com/old", "https://a.com/new"],
        "Status": ["OK", "Redirected", "OK"], "Status Code": [200, 301, 200],
        "Indexability Status": ["", dataset.REDIRECTED, ""], "Redirect URL": ["", "https://a.com/new", ""],
        "Links": [json.dumps([["https://a.com/old", "the guide", "Content", "true"]]), "", ""]})
    written = dataset.links_frame(results)
    assert list(zip(written["Source"], written["Destination"], written["Status Code"])) == [
        ("https://a.com/", "https://a.com/new", 200)]


def test_a_redirect_ending_in_an_error_keeps_its_3xx_row_and_the_error_has_its_own(site, manager):
    """A listed URL whose redirect led to a 404 (or to a server refusing the connection) was one row: the listed
    URL with the 404, its own 301 nowhere and the missing page's address nowhere, as no crawler shows it. Now the
    URL has its 3xx row (Redirected, the Redirect URL, and why that URL was not fetched) and the URL it led to a row
    of its own with its error, each counted once under its own status."""
    import socket

    with socket.socket() as sock:     # a port nothing listens on (closed at once)
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    site.behaviour.redirects = {"/gone.html": (301, "/nothing-here.html"),
                                "/away.html": (301, f"http://127.0.0.1:{closed_port}/x.html")}
    site.behaviour.sitemap_paths = ["gone.html", "away.html", "library/json.html"]
    job = fetch_task.start_fetch(manager, site.url("sitemap.xml"), options={**FAST, "same_site_only": False})
    meta = manager.wait(job, 60)
    assert meta["status"] == "completed", _story(manager, job, meta)
    pages = pd.read_csv(io.BytesIO(fetch_task.fetched_files(manager, job).pages), keep_default_na=False)
    rows = pages.set_index("Address")[["Status Code", "Status", "Redirect URL"]]
    missing, refused = site.url("nothing-here.html"), f"http://127.0.0.1:{closed_port}/x.html"
    assert rows.loc[[site.url("gone.html"), missing, site.url("away.html"), refused]].values.tolist() == [
        [301, "Redirected", missing], [404, "HTTP error", ""], [301, "Redirected", refused],
        [0, "Connection refused", ""]]
    reason = pages.set_index("Address").loc[site.url("gone.html"), "Reason"]
    assert reason == f"redirects to {missing}, which was not fetched: the server answered 404 Not Found"
    assert meta["summary"]["statuses"] == {"Redirected": 2, "HTTP error": 1, "Connection refused": 1, "OK": 1}


def test_a_page_that_an_http_refresh_header_sends_on_is_no_link_target(site):
    """A page whose server sends "Refresh: 0; url=..." (Screaming Frog's "Redirection (HTTP Refresh)") was Indexable,
    a link target, since only a <meta http-equiv="refresh"> was read: links were suggested to a page no reader stays
    on. It is Non-Indexable, "Redirected (HTTP refresh)", with its Redirect URL; a refresh to itself is none."""
    site.behaviour.headers = {"/library/os.html": {"Refresh": "0; url=/library/json.html"},
                              "/library/csv.html": {"Refresh": "300"}}
    listed = ["library/os.html", "library/csv.html", "library/json.html", "library/allos.html"]   # allos links os
    rows = fetch_task.run_fetch("\n".join(site.url(p) for p in listed).encode(), name="urls.txt", options=FAST)
    said = rows.set_index("Address")[["Indexability", "Indexability Status", "Redirect URL"]].to_dict("index")
    assert said[site.url("library/os.html")] == {"Indexability": "Non-Indexable",
                                                 "Indexability Status": "Redirected (HTTP refresh)",
                                                 "Redirect URL": site.url("library/json.html")}
    assert said[site.url("library/csv.html")]["Indexability"] == "Indexable"
    from inlink.fetch import dataset

    links = dataset.links_frame(rows)
    linked = set(links.loc[links["Source"] == site.url("library/allos.html"), "Destination"])
    assert site.url("library/json.html") in linked and site.url("library/os.html") not in linked


def _closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (taken, then given back)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("other_host", ["refuses connections", "answers 503 to everything",
                                        "answers 503 to its robots.txt"])
def test_another_host_that_is_down_keeps_its_rows_and_never_pauses_the_job(site, site_root, manager, other_host):
    """With --all-sites, a listed URL on another host that refused connections (or answered 503 to everything, its
    home page too, or to its robots.txt) paused the whole job at that URL, "the site cannot be reached", on every resume again: the pages
    after it were never fetched. The job's own site answers, so that URL gets its row and the job goes on."""
    other = SiteServer(site_root, behaviour=Behaviour(every_status=503) if "everything" in other_host
                       else Behaviour(robots_errors=100)).start()
    if other_host == "refuses connections":
        other.stop()
        other.port = _closed_port()
    listed = [site.url(PAGES[0]), f"http://127.0.0.1:{other.port}/{PAGES[1]}", site.url(PAGES[2])]
    try:
        job = fetch_task.start_fetch(manager, "\n".join(listed).encode(), name="urls.txt",
                                     options={**FAST, "retries": 1, "same_site_only": False})
        meta = manager.wait(job, 60, until=("paused", "completed", "failed"))
    finally:
        other.stop()
    assert meta["status"] == "completed", _story(manager, job, meta)
    by_url = fetch_task.fetched_results(manager, job).set_index("Requested URL")
    assert by_url.loc[listed[0], "Status"] == by_url.loc[listed[2], "Status"] == "OK"
    assert by_url.loc[listed[1], "Status"] == {"refuses connections": "Connection refused",
                                               "answers 503 to everything": "HTTP error",
                                               "answers 503 to its robots.txt": "robots.txt unavailable"}[other_host]


def test_a_page_on_the_www_host_of_the_jobs_site_is_on_its_site_when_it_fails():
    """Another site failing is that page's row (above); the www. host of the job's own site is no other site: a sitemap
    on example.com listing www.example.com pages whose robots.txt kept answering 503 still pauses the job."""
    from types import SimpleNamespace

    def page(url):
        return SimpleNamespace(url=url)

    assert fetch_task._site_also("https://a.example", page("https://www.a.example/x"), lambda: False)
    assert not fetch_task._site_also("https://a.example", page("https://b.example/x"), lambda: False)
    assert fetch_task._site_also("https://a.example", page("https://b.example/x"), lambda: True)


@pytest.mark.parametrize("action, status, said", [
    ("pause", "paused", "Paused by request after 0 items."),
    ("stop", "stopped", "Stopped by request after 0 items; partial results are kept."),
    ("release", "queued", "Interrupted by a shutdown after 0 items; it resumes by itself.")])
def test_a_job_reading_a_large_sitemap_index_pauses_or_stops_at_once_and_reads_it_again_on_resume(site, manager,
                                                                                                    action, status,
                                                                                                    said):
    """Reading the sitemaps took no notice of a pause or stop: a job asked to pause while it read an index of 20
    sitemaps at 4 requests a second read them all first (an index of hundreds on a slow site: many minutes). A step
    given up for a request ends as the request says: the dashboard shutting down ("release") hands the job back to
    the queue, as between pages, where a step given up ended paused."""
    b = site.behaviour
    parts = [f"part-{n}.xml" for n in range(20)]
    b.answers = {"/index.xml": (200, ('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + "".join(
        f"<sitemap><loc>{site.url(part)}</loc></sitemap>" for part in parts) + "</sitemapindex>").encode(), XML)}
    for n, part in enumerate(parts):
        b.answers["/" + part] = (200, f"<urlset><url><loc>{site.url(PAGES[n % 4])}</loc></url></urlset>".encode(), XML)
    job = fetch_task.start_fetch(manager, site.url("index.xml"), options={**FAST, "rate_per_s": 4})
    wait_for(lambda: b.seen.get("/part-1.xml"), 30, "the second sitemap asked")
    asked = time.monotonic()
    manager.shutdown(pause=False) if action == "release" else getattr(manager, action)(job)
    meta = manager.wait(job, 30, until=(status,))
    assert meta["status"] == status and meta["message"] == said, _story(manager, job, meta)
    assert time.monotonic() - asked < 3 and b.seen.get("/part-19.xml") is None
    if action == "pause":
        manager.resume(job)
        meta = manager.wait(job, 60)
        assert meta["status"] == "completed" and meta["summary"]["statuses"] == {"OK": 4}, _story(manager, job, meta)
