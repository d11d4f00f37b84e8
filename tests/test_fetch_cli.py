"""The fetch commands as a user runs them: `cli.py fetch` in the foreground, `cli.py jobs fetch` queued and run
by `cli.py jobs worker`, `cli.py jobs fetched` writing the job's files; bad sources refused in one line."""
from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from jobtasks import REPO
from test_fetch_task import PAGES

pytest_plugins = ("fetch_fixtures",)   # the served site: fixtures `site_root` (session) and `site`


def cli(*args, jobs_dir=None) -> subprocess.CompletedProcess:
    extra = ["--jobs-dir", str(jobs_dir)] if jobs_dir else []
    return subprocess.run([sys.executable, str(REPO / "cli.py"), *extra, *args], capture_output=True, text=True,
                          timeout=120, cwd=REPO)


def test_fetch_in_the_foreground_writes_both_files_and_a_report(site, tmp_path):
    site.behaviour.sitemap_paths = [*PAGES[:6], "distutils/index.html", "no-such-page.html"]
    pages, links = tmp_path / "pages.csv", tmp_path / "links.csv"
    done = cli("fetch", site.url("sitemap.xml"), "--out-pages", str(pages), "--out-links", str(links),
               "--rate", "0")
    assert done.returncode == 0, done.stderr
    assert f"fetch report for {site.base}: OK 6, Blocked by robots.txt 1, HTTP error 1" in done.stderr
    assert "the server answered 404 Not Found" in done.stderr and "robots.txt disallows" in done.stderr
    # the report on stderr, as `suggest`'s import report; stdout holds the result alone: what was written where
    assert done.stdout == f"wrote 8 rows (6 fetched, 2 URLs not: see the report) to {pages} and " \
        f"{len(pd.read_csv(links))} links to {links}\n"   # was "8 pages"
    table = pd.read_csv(pages, keep_default_na=False)
    assert len(table) == 8 and (table["Word Count"] > 0).sum() == 6
    # a byte-order mark, so a spreadsheet reads accents right; the importer takes it as UTF-8
    assert pages.read_bytes().startswith(b"\xef\xbb\xbfAddress,") and links.read_bytes().startswith(b"\xef\xbb\xbf")
    assert set(pd.read_csv(links, keep_default_na=False)["Link Position"]) >= {"Content", "Navigation"}


def test_jobs_fetch_is_queued_run_by_the_worker_and_written(site, tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_text("\n".join(site.url(p) for p in PAGES[:4]))
    jobs = tmp_path / "jobs"
    queued = cli("jobs", "fetch", str(listing), "--rate", "0", jobs_dir=jobs)
    assert queued.returncode == 0, queued.stderr
    job_id = queued.stdout.strip()
    early = cli("jobs", "fetched", job_id, "--out-pages", str(tmp_path / "p0.csv"), "--out-links",
                str(tmp_path / "l0.csv"), jobs_dir=jobs)           # still queued: the report says so, not ""
    assert early.returncode == 0 and "fetch report: no page fetched yet" in early.stderr, early.stderr
    assert cli("jobs", "worker", jobs_dir=jobs).returncode == 0
    pages, links = tmp_path / "pages.csv", tmp_path / "links.csv"
    written = cli("jobs", "fetched", job_id, "--out-pages", str(pages), "--out-links", str(links), jobs_dir=jobs)
    assert written.returncode == 0, written.stderr
    assert sorted(pd.read_csv(pages)["Address"]) == sorted(site.url(p) for p in PAGES[:4])
    links_written = len(pd.read_csv(links))
    assert f"wrote 4 pages to {pages} and {links_written:,} links to {links}" in written.stdout   # was "the links"
    assert f"fetch report for {site.base}: OK 4" in written.stderr     # the site, not the list's first URL
    assert written.stdout.splitlines() == [f"wrote 4 pages to {pages} and {links_written:,} links to {links}"]
    status = cli("jobs", "status", job_id, jobs_dir=jobs).stdout
    assert "4 URLs to fetch from urls.txt, on 127.0.0.1" in status    # was one of the pages, named as the source
    assert (f"summary:  fetched OK 4 from {site.base}; `jobs fetched {job_id}` writes the pages and links CSVs"
            in status)


def test_jobs_export_of_a_fetch_refuses_a_workbook_before_writing_it(tmp_path):
    """`jobs export FETCH -o pages.xlsx` wrote a workbook whose pages' text and HTML were cut at a cell's 32,767
    characters without a word but a Python UserWarning on stderr (`jobs fetched` refuses .xlsx for that reason)."""
    listing = tmp_path / "urls.txt"
    listing.write_text("http://127.0.0.1:9/a.html\n")          # queued only: no worker runs, nothing is fetched
    jobs = tmp_path / "jobs"
    job_id = cli("jobs", "fetch", str(listing), jobs_dir=jobs).stdout.strip()
    out = tmp_path / "pages.xlsx"
    refused = cli("jobs", "export", job_id, "-o", str(out), jobs_dir=jobs)
    assert refused.returncode == 2 and not out.exists(), refused
    assert "pages.xlsx: a fetch's rows hold whole pages" in refused.stderr and f"jobs fetched {job_id}" in refused.stderr
    assert "Traceback" not in refused.stderr and "Warning" not in refused.stderr
    assert cli("jobs", "export", job_id, "-o", str(tmp_path / "rows.csv"), jobs_dir=jobs).returncode == 0


def test_jobs_fetched_of_an_analysis_names_the_command_that_writes_it(tmp_path):
    """`jobs fetched ANALYSIS` said only "job X is not a fetch job"."""
    jobs = tmp_path / "jobs"
    job_id = cli("jobs", "start", str(REPO / "sample_data" / "pages.csv"), jobs_dir=jobs).stdout.strip()
    refused = cli("jobs", "fetched", job_id, "--out-pages", str(tmp_path / "p.csv"), "--out-links",
                  str(tmp_path / "l.csv"), jobs_dir=jobs)
    assert refused.returncode == 1 and not (tmp_path / "p.csv").exists(), refused
    assert refused.stderr.strip() == (f"error: job {job_id} is not a fetch job: `jobs export {job_id} --out FILE` "
                                      "writes its results"), refused.stderr


def test_jobs_fetched_of_a_fetch_that_ended_with_no_page_writes_nothing(site, tmp_path):
    """A fetch job that failed on its sitemap (404) wrote two empty files over the earlier ones, said "no page
    fetched yet" of a job that will fetch none, and exited 0; `fetch` refuses so (exit 1, earlier files kept)."""
    jobs = tmp_path / "jobs"
    job_id = cli("jobs", "fetch", site.url("no-such-sitemap.xml"), jobs_dir=jobs).stdout.strip()
    assert cli("jobs", "worker", jobs_dir=jobs).returncode == 1     # the job it ran failed
    pages, links = tmp_path / "pages.csv", tmp_path / "links.csv"
    pages.write_text("earlier pages\n")
    written = cli("jobs", "fetched", job_id, "--out-pages", str(pages), "--out-links", str(links), jobs_dir=jobs)
    assert written.returncode == 1, written
    assert pages.read_text() == "earlier pages\n" and not links.exists()
    assert f"error: job {job_id} is failed and fetched no page, so no file was written" in written.stderr
    assert "the server answered 404" in written.stderr and "yet" not in written.stdout + written.stderr


def test_a_bad_source_is_one_line_without_traceback(tmp_path):
    words = tmp_path / "words.txt"
    words.write_text("no urls here\n")
    for args in (("fetch", str(words)), ("fetch", str(tmp_path / "missing.txt"))):
        done = cli(*args, "--out-pages", str(tmp_path / "p.csv"), "--out-links", str(tmp_path / "l.csv"))
        assert done.returncode != 0 and "Traceback" not in done.stderr
        assert "no http(s) URLs found" in done.stderr or "no file" in done.stderr


@pytest.mark.parametrize("given, said", [
    ("missing.txt", "no file '{tmp}/missing.txt' (nor is it a sitemap URL, which starts with https:// or http://): "
                    "check the file name"),
    ("", "'{tmp}/' is a folder: give a sitemap URL (http or https), a URL list file or a crawl export"),
    ("ftp://example.com/sitemap.xml", "'ftp://example.com/sitemap.xml' is not an http(s) URL: give a sitemap URL "
                                      "starting with https:// (or http://)"),
])
def test_a_source_that_is_no_file_nor_url_says_which_and_what_to_give(tmp_path, given, said):
    """A mistyped file name, a folder and an ftp:// URL were all "neither an http(s) sitemap URL nor a file": the
    user could not tell whether the file was missing or a URL was expected."""
    source = given if "://" in given else f"{tmp_path}/{given}"
    for command in (("fetch", source, "--out-pages", str(tmp_path / "p.csv"), "--out-links", str(tmp_path / "l.csv")),
                    ("jobs", "fetch", source)):
        done = cli(*command, jobs_dir=tmp_path / "jobs")
        assert done.returncode == 2 and done.stdout == "", done.stderr
        assert done.stderr.strip().splitlines()[-1] == f"Error: Invalid value for SOURCE: {said.format(tmp=tmp_path)}"
    assert not (tmp_path / "jobs").exists()


def test_jobs_fetch_says_the_lines_it_skipped_as_fetch_does(tmp_path):
    """`fetch` says which lines of a URL list were skipped and why; `jobs fetch` queued the job saying none of it."""
    listing = tmp_path / "urls.txt"
    listing.write_text("https://a.example/one\nnot a url\nhttps://b.example/x\n")
    done = cli("jobs", "fetch", str(listing), jobs_dir=tmp_path / "jobs")
    assert done.returncode == 0, done.stderr
    assert "note: 1 line is not an http(s) URL and was skipped: line 2 ('not a url')" in done.stderr
    assert "note: 1 URL on other sites than a.example was skipped: line 3" in done.stderr, done.stderr
    assert len(done.stdout.split()) == 1     # the id alone on stdout


def test_a_url_list_piped_to_jobs_fetch_is_read(tmp_path):
    """`grep blog urls.txt | cli.py jobs fetch /dev/stdin` was refused: "/dev/stdin is neither an http(s) sitemap
    URL nor a file" (a pipe is no regular file), where `suggest` reads a piped crawl."""
    done = subprocess.run([sys.executable, str(REPO / "cli.py"), "--jobs-dir", str(tmp_path / "jobs"), "jobs",
                           "fetch", "/dev/stdin"], input="https://a.example/one\nhttps://a.example/two\n",
                          capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0 and len(done.stdout.split()) == 1, done.stderr


def test_a_source_without_urls_is_named_in_its_refusal(tmp_path):
    """Before: 'error: no http(s) URLs found', naming no file (`jobs fetch` of a list of several)."""
    words = tmp_path / "words.txt"
    words.write_text("no urls here\n")
    done = cli("fetch", str(words), "--out-pages", str(tmp_path / "p.csv"), "--out-links", str(tmp_path / "l.csv"))
    assert done.returncode == 1 and "error: words.txt: no http(s) URLs found" in done.stderr, done.stderr
    queued = cli("jobs", "fetch", str(words), jobs_dir=tmp_path / "jobs")
    assert queued.returncode == 1 and "error: words.txt: no http(s) URLs found" in queued.stderr, queued.stderr


def test_a_refused_source_leaves_the_earlier_pages_file_as_it_was(tmp_path):
    words, pages = tmp_path / "words.txt", tmp_path / "pages.csv"
    words.write_text("no urls here\n")
    pages.write_text("Address,Content\nhttps://example.com/,last week's fetch\n")
    done = cli("fetch", str(words), "--out-pages", str(pages), "--out-links", str(tmp_path / "l.csv"))
    assert done.returncode == 1 and "no http(s) URLs found" in done.stderr
    assert pages.read_text() == "Address,Content\nhttps://example.com/,last week's fetch\n"   # it was a header
    assert sorted(path.name for path in tmp_path.iterdir()) == ["pages.csv", "words.txt"]


def test_a_killed_foreground_fetch_leaves_no_partial_file_beside_its_output(site, tmp_path):
    """kill -9 of `cli.py fetch` left a hidden .pages.csv.part beside --out-pages, which only the next fetch of
    that name overwrote. The pages are now written to an unnamed file until the fetch is done."""
    import signal

    from waiting import wait_for

    listing, pages = tmp_path / "urls.txt", tmp_path / "pages.csv"
    listing.write_text("\n".join(site.url(p) for p in PAGES[:3]))
    pages.write_text("Address,Content\nhttps://example.com/,last week's fetch\n")
    site.behaviour.allow_pages([])                    # every page request is held: the fetch is under way
    try:
        proc = subprocess.Popen([sys.executable, str(REPO / "cli.py"), "fetch", str(listing), "--out-pages",
                                 str(pages), "--out-links", str(tmp_path / "links.csv"), "--rate", "0"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
        try:
            wait_for(lambda: site.behaviour.pages_held or proc.poll() is not None, 60, "the fetch's first page")
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        assert proc.returncode == -signal.SIGKILL
    finally:
        site.behaviour.allow_pages(None)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["pages.csv", "urls.txt"]
    assert pages.read_text() == "Address,Content\nhttps://example.com/,last week's fetch\n"


def test_the_pages_writer_replaces_the_output_whole_or_not_at_all_on_every_path(tmp_path, monkeypatch):
    """user_file_writer: the unnamed file, its copy where /proc cannot name it, a named partial where the
    system has no unnamed files; an error keeps the earlier file and leaves nothing beside it."""
    import os

    import pytest

    from inlink import fileio

    out = tmp_path / "pages.csv"
    out.write_text("earlier\n")
    os.chmod(out, 0o640)

    def write(text: str, fail: bool = False) -> None:
        with fileio.user_file_writer(out) as handle:
            handle.write(text)
            if fail:
                raise KeyboardInterrupt
    write("unnamed\n")
    assert out.read_text() == "unnamed\n" and os.stat(out).st_mode & 0o777 == 0o640   # the user's mode kept
    with monkeypatch.context() as patch:
        patch.setattr(fileio.os, "link", lambda *args, **kwargs: (_ for _ in ()).throw(OSError("no /proc")))
        write("copied\n")
    assert out.read_text() == "copied\n"
    monkeypatch.delattr(fileio.os, "O_TMPFILE")
    write("named\n")
    assert out.read_text() == "named\n"
    with pytest.raises(KeyboardInterrupt):
        write("half", fail=True)
    assert out.read_text() == "named\n" and [path.name for path in tmp_path.iterdir()] == ["pages.csv"]


@pytest.mark.parametrize("name", ["pages.txt", "pages.tsv", "pages.xlsx"])
@pytest.mark.parametrize("command", [["fetch", "urls.csv"], ["jobs", "fetched", "0123456789ab"]])
def test_a_fetch_output_not_named_csv_is_refused_with_the_one_name_it_takes(tmp_path, command, name):
    """`fetch --out-pages pages.txt` was refused with "name it .csv or .xlsx", and .xlsx was then refused too (a
    fetch writes CSV only): the refusal names .csv alone, before any work."""
    (tmp_path / "urls.csv").write_text("https://example.com/a\n")
    refused = subprocess.run([sys.executable, str(REPO / "cli.py"), "--jobs-dir", str(tmp_path / "jobs"), *command,
                              "--out-pages", name, "--out-links", "links.csv"], capture_output=True, text=True,
                             timeout=120, cwd=tmp_path)
    said = " ".join(refused.stderr.split())
    assert refused.returncode == 2 and f"'--out-pages': {name}: a fetch writes CSV" in said, refused.stderr
    assert said.endswith(": give a .csv name") and ".xlsx" not in said.replace(name, "")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["urls.csv"]


def test_fetch_refuses_to_write_its_links_over_its_pages_or_its_source(tmp_path):
    """Before: --out-pages and --out-links naming one file left only the links in it; naming the URL list
    replaced the list with the pages (a list named .csv: an output named .txt is refused for its name first)."""
    listing = tmp_path / "urls.csv"
    listing.write_text("https://example.com/a\n")
    same = cli("fetch", str(listing), "--out-pages", str(tmp_path / "x.csv"), "--out-links", str(tmp_path / "x.csv"))
    assert same.returncode == 2 and "--out-links is the same file as --out-pages" in same.stderr, same.stderr
    over = cli("fetch", str(listing), "--out-pages", str(listing), "--out-links", str(tmp_path / "l.csv"))
    assert over.returncode == 2 and "--out-pages is the same file as SOURCE" in over.stderr, over.stderr
    assert listing.read_text() == "https://example.com/a\n"


def test_a_robots_crawl_delay_that_slows_the_fetch_is_said_at_once_and_in_the_job_events(site, tmp_path):
    """A Crawl-delay of 5 s made a 33-page fetch take 3 minutes without a word. What ends the wait is said in each
    command's words: `fetch` said "pause or stop ends the wait at once", and has neither; Ctrl-C ends it."""
    site.behaviour.robots = "User-agent: *\nCrawl-delay: 0.3\nDisallow: /distutils/\n"
    site.behaviour.sitemap_paths = PAGES[:3]
    done = cli("fetch", site.url("sitemap.xml"), "--out-pages", str(tmp_path / "p.csv"), "--out-links",
               str(tmp_path / "l.csv"), "--rate", "10")
    assert done.returncode == 0, done.stderr
    said = f"robots.txt of 127.0.0.1:{site.port} asks for 0.3 s between requests (Crawl-delay): its pages are " \
           "fetched at that pace, one every 0.3 s, instead of up to 10 a second"
    assert done.stderr.count(said) == 1
    assert "at that pace (Ctrl-C stops the fetch at once)" in done.stderr and "pause" not in done.stderr
    jobs = tmp_path / "jobs"
    job_id = cli("jobs", "fetch", site.url("sitemap.xml"), jobs_dir=jobs).stdout.strip()
    assert cli("jobs", "worker", jobs_dir=jobs).returncode == 0
    status = " ".join(cli("jobs", "status", job_id, jobs_dir=jobs).stdout.split())
    assert said.replace("up to 10", "up to 5") in status and "(pause or stop ends the wait at once)" in status


def test_a_fetch_that_fetched_no_page_is_an_error_and_keeps_the_earlier_files(tmp_path):
    """Every request failed (nothing listening, a wrong address): it wrote a pages file of failures over the
    earlier one and exited 0; `suggest` then said "no page can be analysed"."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    listing = tmp_path / "urls.txt"
    listing.write_text(f"http://127.0.0.1:{closed}/a.html\nhttp://127.0.0.1:{closed}/b.html\n")
    pages, links = tmp_path / "pages.csv", tmp_path / "links.csv"
    pages.write_text("earlier")
    done = cli("fetch", str(listing), "--out-pages", str(pages), "--out-links", str(links))
    assert done.returncode == 1 and "fetch report for http://127.0.0.1:" in done.stderr
    assert ": Connection refused 2\n" in done.stderr and done.stdout == ""
    assert done.stderr.strip().splitlines()[-1].startswith("error: no page could be fetched, so no file was written")
    assert pages.read_text() == "earlier" and not links.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pages.csv", "urls.txt"]


def test_a_password_in_the_source_url_is_dropped_and_kept_nowhere(site, tmp_path):
    """`jobs fetch http://bob:hunter2@host/sitemap.xml` wrote the password into the job's label, config and events
    (and every message quoted it), though fetching never sends it."""
    site.behaviour.sitemap_paths = PAGES[:2]
    with_password = site.url("sitemap.xml").replace("http://", "http://bob:hunter2@")
    jobs = tmp_path / "jobs"
    queued = cli("jobs", "fetch", with_password, "--rate", "0", jobs_dir=jobs)
    assert queued.returncode == 0 and "the user name and password in the URL were dropped" in queued.stderr
    assert cli("jobs", "worker", jobs_dir=jobs).returncode == 0
    listing = cli("jobs", "list", jobs_dir=jobs).stdout
    assert f"fetch {site.url('sitemap.xml')}" in listing and "completed" in listing
    done = cli("fetch", with_password, "--out-pages", str(tmp_path / "p.csv"), "--out-links", str(tmp_path / "l.csv"))
    assert done.returncode == 0 and "hunter2" not in done.stdout + done.stderr
    assert not [path for path in tmp_path.rglob("*") if path.is_file() and b"hunter2" in path.read_bytes()]
    assert all("Authorization" not in headers for _, headers, _ in site.behaviour.log)


def test_the_report_of_a_fetch_not_finished_names_its_site(capsys):
    """A fetch job not finished has no summary naming its site; the URLs it asked for share one."""
    from inlink.cli.fetch import print_report
    from inlink.fetch.dataset import RESULT_COLUMNS

    rows = pd.DataFrame([{"Requested URL": f"https://docs.example/{page}", "Address": f"https://docs.example/{page}",
                          "Status": "OK", "Status Code": 200, "Indexability": "Indexable"} for page in ("a", "b")],
                        columns=list(RESULT_COLUMNS))
    print_report(rows)
    assert capsys.readouterr().err.startswith("fetch report for https://docs.example: OK 2")
    rows.loc[1, "Requested URL"] = "https://other.example/b"     # two sites: none named
    print_report(rows)
    assert capsys.readouterr().err.startswith("fetch report: OK 2")


def test_a_listed_url_that_redirects_is_counted_as_a_redirect_not_as_a_url_not_fetched(site, tmp_path):
    """A redirecting URL has a row of its own; the summary line said it was one of the "URLs not" fetched, though
    the page it leads to was fetched."""
    site.behaviour.sitemap_paths = [PAGES[0], f"moved/{PAGES[0]}", "no-such-page.html"]
    pages, links = tmp_path / "pages.csv", tmp_path / "links.csv"
    done = cli("fetch", site.url("sitemap.xml"), "--out-pages", str(pages), "--out-links", str(links),
               "--rate", "0")
    assert done.returncode == 0, done.stderr
    assert f"fetch report for {site.base}: " in done.stderr and "Redirected 1" in done.stderr
    assert f"wrote 3 rows (1 fetched, 1 redirect, 1 URL not: see the report) to {pages}" in done.stdout
    table = pd.read_csv(pages, keep_default_na=False)
    assert table["Address"].tolist().count(site.url(PAGES[0])) == 1
    # the report says the redirect apart, not among the URLs not fetched ("Redirected (301), 1 page")
    assert "Redirected (301)" not in done.stderr
    assert (f"  redirected: 1 listed URL (where each leads has a row of its own)\n"
            f"    {site.url('moved/' + PAGES[0])} (301) -> {site.url(PAGES[0])}\n") in done.stderr


def test_the_report_names_the_canonical_tags_search_engines_ignore(site, tmp_path):
    """The python-docs pages (a Debian build) each name file:///usr/share/doc/... as their canonical: a tag search
    engines ignore, said only in each row's Reason, so the report of a site whose every canonical is broken was
    clean."""
    site.behaviour.sitemap_paths = PAGES[:4]
    done = cli("fetch", site.url("sitemap.xml"), "--out-pages", str(tmp_path / "p.csv"), "--out-links",
               str(tmp_path / "l.csv"), "--rate", "0")
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    at = lines.index("  canonical tags to check: 4 pages")
    assert [line.split(": ", 1)[1] for line in lines[at + 1:at + 4]] == [
        f"its canonical tag names no web address, file:///usr/share/doc/python3.11/html/{path} (search engines "
        "ignore it)" for path in PAGES[:3]]
    assert lines[at + 4] == "    ... and 1 more (see the Status, Reason and Indexability Status columns)"


def test_the_sitemap_url_cap_is_a_flag_of_both_fetch_commands(site, tmp_path):
    """max_sitemap_urls could be set only as a fetch option in code: neither `fetch` nor `jobs fetch` took it, so
    a site whose sitemaps list more pages than wanted was read up to the 100,000 default."""
    from inlink.fetch.sitemap import MAX_SITEMAP_URLS
    from inlink.jobs import JobManager

    site.behaviour.sitemap_paths = PAGES[:6]
    pages, links = tmp_path / "pages.csv", tmp_path / "links.csv"
    done = cli("fetch", site.url("sitemap.xml"), "--out-pages", str(pages), "--out-links", str(links),
               "--rate", "0", "--max-sitemap-urls", "2")
    assert done.returncode == 0, done.stderr
    assert sorted(pd.read_csv(pages)["Address"]) == sorted(site.url(page) for page in PAGES[:2])
    assert "note: stopped reading sitemaps at 2 page URLs" in done.stderr
    jobs = tmp_path / "jobs"
    queued = cli("jobs", "fetch", site.url("sitemap.xml"), "--max-sitemap-urls", "3", jobs_dir=jobs)
    assert queued.returncode == 0, queued.stderr
    assert JobManager(jobs).get(queued.stdout.strip())["config"]["options"]["max_sitemap_urls"] == 3
    default = cli("jobs", "fetch", site.url("sitemap.xml"), jobs_dir=jobs)
    assert JobManager(jobs).get(default.stdout.strip())["config"]["options"]["max_sitemap_urls"] == MAX_SITEMAP_URLS
    refused = cli("jobs", "fetch", site.url("sitemap.xml"), "--max-sitemap-urls", "0", jobs_dir=jobs)
    assert refused.returncode == 2 and "--max-sitemap-urls" in refused.stderr and "Traceback" not in refused.stderr
