"""AppTest of the Upload page's fetch section: "fetch these pages" for an export without text, the form's
refusals, and the fetched dataset becoming the current one (the real fetch job against the local site)."""
from __future__ import annotations

import pandas as pd

from inlink import uploads as datasets
from inlink.ui import format as fmt
from test_app_common import _stop_managers, assert_clean, click, open_page, texts  # noqa: F401 (_stop_managers: fixture)

pytest_plugins = ("fetch_fixtures",)   # the served site: fixtures `site_root` (session) and `site`

PAGES = ["library/json.html", "library/csv.html", "library/re.html"]


def test_an_export_without_text_offers_to_fetch_its_pages(site):
    from inlink.ui.manager import get_manager

    export = pd.DataFrame({"Address": [site.url(p) for p in [*PAGES, "gone.html"]],
                           "Title 1": ["json", "csv", "re", "gone"], "Content": ""})    # a text column, empty
    app = open_page("upload")
    app.file_uploader(key="upload.pages_file").upload("internal_html.csv", export.to_csv(index=False).encode(), "text/csv")
    app.run()
    assert_clean(app)
    assert any("has URLs but no page text" in m for m in texts(app.markdown))
    next(b for b in app.button if b.label == "Fetch these pages").click()
    app.run()
    assert_clean(app)
    manager = get_manager()
    job = next(j for j in manager.list_jobs() if j["task"] == "site_fetch")
    assert manager.wait(job["job_id"], 60)["status"] == "completed"
    app.run()
    assert_clean(app)
    assert any(f"Fetched pages of {site.base} saved as the current dataset" in s for s in texts(app.success))
    assert not any("has URLs but no page text" in m for m in texts(app.markdown))   # done with: the offer, the
    assert not [b for b in app.button if b.label in ("Fetch these pages", "Use this dataset")]   # export's review
    assert any("Upload another crawl" in i for i in texts(app.info))
    assert any(e.label == "Pages not fetched and why (1)" for e in app.expander)
    assert any("Reason" in d.value and "the server answered 404 Not Found" in d.value["Reason"].tolist()
               for d in app.dataframe)
    saved = datasets.latest_dataset()
    assert saved.pages_name == "fetched-pages.csv" and saved.links_name == "fetched-links.csv"
    assert saved.summary["left_out"] == 1    # the 404: the dataset said "4 pages", the analysis "3 pages"
    app = open_page("upload")
    assert any("4 pages, of which 3 are analysed (1 left out: status 404)" in c for c in texts(app.caption))
    pages = pd.read_csv(saved.pages_path, keep_default_na=False)
    fetched = pages.loc[pages["Status Code"] == 200]
    assert sorted(fetched["Address"]) == sorted(site.url(p) for p in PAGES) and all(fetched["Word Count"] > 100)
    # the pages' URLs as the import read them, kept with the dataset (the Generate page's exclude patterns), and
    # those an analysis analyses (the 404 left out): without them, Generate parsed the fetched crawl again
    assert set(fetched["Address"]) <= set((saved.folder / "urls.txt").read_text().split("\n"))
    assert set((saved.folder / "analysable.txt").read_text().split("\n")) == set(fetched["Address"])


def test_fetch_these_pages_fetches_the_worksheet_picked_not_the_first(site):
    """A workbook of URL lists on two worksheets: Fetch these pages read the first sheet with a URL column, not the
    one the analyst picked on the Upload page (a QA pass's note)."""
    import io

    workbook = io.BytesIO()
    with pd.ExcelWriter(workbook) as writer:
        for sheet, pages in (("Last year", PAGES[:1]), ("This year", PAGES[1:])):
            pd.DataFrame({"Address": [site.url(p) for p in pages], "Content": ""}).to_excel(
                writer, sheet_name=sheet, index=False)
    app = open_page("upload")
    app.file_uploader(key="upload.pages_file").upload(
        "urls.xlsx", workbook.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    app.run()
    app.selectbox(key="upload.pages_sheet").set_value("This year").run()
    assert_clean(app)
    assert _fetched_addresses(app, "Fetch these pages") == sorted(site.url(p) for p in PAGES[1:])


def _fetched_addresses(app, button: str) -> list[str]:
    """Click `button`, wait for the fetch job it starts and give the addresses of the pages it fetched."""
    import io

    from inlink.tasks import fetch as fetch_task
    from inlink.ui.manager import get_manager

    next(b for b in app.button if b.label == button).click()
    app.run()
    assert_clean(app)
    manager = get_manager()
    job = next(j for j in manager.jobs() if fmt.is_fetch(j))
    assert manager.wait(job.job_id, 60)["status"] == "completed"
    fetched = pd.read_csv(io.BytesIO(fetch_task.fetched_files(manager, job.job_id).pages), keep_default_na=False)
    return sorted(fetched["Address"])


def test_a_fetched_dataset_counts_its_pages_as_the_importer_does(site):
    """Before: the fetch counted every URL asked for as a page ("5 pages (1 left out: not indexable HTML)"), where
    the importer kept 4 and the analysis read 3. The fetch's figures are the importer's: since a URL that redirects
    has its own 3xx row, as in a crawler's export, the importer keeps 5, the redirect left out."""
    from inlink.site.load import load_parts
    from inlink.tasks import analysis as link_task
    from inlink.tasks import fetch as fetch_task
    from inlink.ui.manager import get_manager

    manager = get_manager()
    urls = [site.url(p) for p in [*PAGES, "moved/library/json.html", "gone.html"]]
    job = fetch_task.start_fetch(manager, "\n".join(urls).encode(), name="urls.txt", options={"rate_per_s": 0})
    assert manager.wait(job, 60)["status"] == "completed"
    app = open_page("upload")                      # adopts the finished fetch
    assert_clean(app)
    saved = datasets.latest_dataset()
    parts = load_parts(saved.pages_path.read_bytes(), saved.links_path.read_bytes(), pages_name=saved.pages_name,
                       links_name=saved.links_name)
    # the redirecting URL has its own 301 row, as in a Screaming Frog export, which the importer counts as a page
    # left out (before, it was a second row of the page it leads to, merged); the analysis reads 3 either way
    assert saved.summary["pages"] == parts.report.pages == 5
    assert any("5 pages, of which 3 are analysed (2 left out: 1 status 301, 1 status 404)" in c
               for c in texts(app.caption))
    assert saved.summary == {**datasets.summary_from(parts.report, parts.links_report), "fetch_job": job,
                             "statuses": {"OK": 3, "Redirected": 1, "HTTP error": 1}, "site": site.base}
    analysis = link_task.start_analysis(manager, saved.pages_path, pages_name=saved.pages_name,
                                        links=saved.links_path, links_name=saved.links_name)
    assert manager.wait(analysis, 60)["total_items"] == saved.summary["analysed"] == 3


def test_the_form_wants_exactly_one_source():
    app = open_page("upload")
    next(b for b in app.button if b.label == "Fetch pages").click()
    app.run()
    assert any("Give one source" in w for w in texts(app.warning))


def test_enter_in_the_fetch_form_does_not_start_a_fetch():
    """Enter in the Sitemap URL box submitted the form (Streamlit's default): the site got requests before the
    connections and pace below the box were seen. Only the Fetch pages button starts one."""
    app = open_page("upload")
    [form] = [block for block in app.get("form") if block.proto.form.form_id == "fetch_form"]
    assert form.proto.form.enter_to_submit is False


def test_a_sitemap_url_typed_without_its_scheme_is_said_so():
    """"www.example.com/sitemap.xml" in the Sitemap URL box read "no http(s) URLs found (e.g. '...' on line 1 is not
    one)": the words of a pasted URL list, for a one-line box that wants a URL."""
    app = open_page("upload")
    app.text_input[0].input("www.example.com/sitemap.xml")
    next(b for b in app.button if b.label == "Fetch pages").click()
    app.run()
    assert_clean(app)
    assert texts(app.error) == ["The pages cannot be fetched: the sitemap URL 'www.example.com/sitemap.xml' does not "
                                "start with http:// or https:// (e.g. https://www.example.com/sitemap.xml)"]


def test_the_home_banner_names_a_fetch_once():
    """The Home page's banner read "Paused fetch: fetch urls.txt (1 URL)": a fetch job's label starts with the
    word the banner puts before it."""
    from inlink.tasks import fetch as fetch_task
    from inlink.ui.manager import get_manager

    manager = get_manager()
    job = fetch_task.start_fetch(manager, b"http://127.0.0.1:9/a.html\n", name="urls.txt")   # nothing listens
    assert manager.wait(job, 60, until=("paused", "completed", "failed"))["status"] == "paused"
    app = open_page("home")
    assert_clean(app)
    assert any("Paused fetch:** `urls.txt (1 URL)`" in m for m in texts(app.markdown)), texts(app.markdown)


def test_an_export_with_text_gets_no_offer():
    app = open_page("upload")
    csv = "Address,Title 1,Content\nhttps://example.com/,Home,Welcome home\n".encode()
    app.file_uploader(key="upload.pages_file").upload("crawl.csv", csv, "text/csv")
    app.run()
    assert not any("has URLs but no page text" in m for m in texts(app.markdown))
    assert not [b for b in app.button if b.label == "Fetch these pages"]


def test_a_fetch_finished_while_no_tab_was_open_becomes_the_dataset_on_the_next_visit(site):
    from inlink.tasks import fetch as fetch_task
    from inlink.ui.manager import get_manager

    datasets.save_dataset(b"Address,Title 1,Content\nhttps://example.com/,Home,Welcome\n", "older.csv")
    manager = get_manager()
    job = fetch_task.start_fetch(manager, "\n".join(site.url(p) for p in PAGES).encode(), name="urls.txt",
                                 options={"rate_per_s": 0})
    assert manager.wait(job, 60)["status"] == "completed"
    app = open_page("upload")                      # a new session: it never started this job
    assert_clean(app)
    assert any(f"Fetched pages of {site.base} saved as the current dataset" in s for s in texts(app.success))
    current = [m for m in texts(app.markdown) if "Current dataset:" in m]
    assert current and "fetched-pages.csv" in current[0]   # the box above it named older.csv
    assert datasets.latest_dataset().summary["fetch_job"] == job
    again = open_page("upload")                    # adopted once: the next visit shows no fetch to adopt
    assert not any("Fetched pages saved" in s for s in texts(again.success))


def test_a_fetch_finished_while_the_analyst_waits_on_generate_links_is_the_dataset_analysed_there(site):
    """Only the Upload page made a finished fetch the current dataset: an analyst who started a fetch, then went to
    Generate links to wait, saw the dataset before it there (both named fetched-pages.csv), and Start analysed it."""
    datasets.save_dataset(b"Address,Title 1,Content\nhttps://example.com/,Home,Welcome\n", "older.csv")
    manager, job = finished_fetch(site)
    app = open_page("generate")
    assert_clean(app)
    assert datasets.latest_dataset().summary["fetch_job"] == job
    assert any(m.startswith("**Dataset:** fetched-pages.csv") for m in texts(app.markdown)), texts(app.markdown)
    assert any(f"Fetched pages of {site.base} saved as the current dataset" in s for s in texts(app.success))
    adopted = datasets.latest_dataset().dataset_id
    upload = open_page("upload")                   # adopted once: the Upload page saves it no second time
    assert_clean(upload)
    assert datasets.latest_dataset().dataset_id == adopted


def finished_fetch(site):
    """(the manager, a fetch job of PAGES that has completed)."""
    from inlink.tasks import fetch as fetch_task
    from inlink.ui.manager import get_manager

    manager = get_manager()
    job = fetch_task.start_fetch(manager, "\n".join(site.url(p) for p in PAGES).encode(), name="urls.txt",
                                 options={"rate_per_s": 0})
    assert manager.wait(job, 60)["status"] == "completed"
    return manager, job


def test_a_fetched_dataset_and_its_analysis_are_named_by_the_site(site):
    """Every fetched dataset is fetched-pages.csv: the Upload and Generate pages said "Current dataset:
    fetched-pages.csv" whichever site was fetched, and each analysis of one was the job "fetched-pages.csv" in the
    Jobs list, two sites' analyses told apart by their ids alone. The dataset names its site, and its analysis is
    labelled by it."""
    manager, _ = finished_fetch(site)
    upload = open_page("upload")
    assert_clean(upload)
    assert any("Current dataset:" in m and f"fetched from {site.base}" in m for m in texts(upload.markdown)), \
        texts(upload.markdown)
    host = site.base.split("://")[1]
    assert any(m.label == "Current dataset" and m.value == host for m in open_page("home").metric)
    app = open_page("generate")
    assert any(m.startswith("**Dataset:** fetched-pages.csv") and f"fetched from {site.base}" in m
               for m in texts(app.markdown)), texts(app.markdown)
    click(app, "Start analysis")
    assert_clean(app)
    [analysis] = [j for j in manager.list_jobs() if j["task"] == "link_analysis"]
    assert analysis["label"] == f"{host} (fetched pages)"


def test_a_fetch_finished_between_the_drawing_and_start_is_said_as_the_fetch_not_another_tab(site):
    """Start after a fetch finished under the drawn page: the click adopts the fetch and waits for a new one (the
    page showed the dataset before it), and it read "another tab saved fetched-pages.csv", a tab that did nothing."""
    from inlink.tasks import fetch as fetch_task
    from inlink.ui.manager import get_manager

    datasets.save_dataset(b"Address,Title 1,Content\nhttps://example.com/,Home,Welcome\n", "older.csv")
    app = open_page("generate")
    assert any(m.startswith("**Dataset:** older.csv") for m in texts(app.markdown))
    manager = get_manager()
    job = fetch_task.start_fetch(manager, "\n".join(site.url(p) for p in PAGES).encode(), name="urls.txt",
                                 options={"rate_per_s": 0})
    assert manager.wait(job, 60)["status"] == "completed"
    click(app, "Start analysis")
    assert_clean(app)
    assert not [j for j in manager.jobs() if not fmt.is_fetch(j)]   # nothing analysed unseen
    errors = texts(app.error)
    assert any(f"the pages fetched by job {job} became the current dataset" in e for e in errors), errors
    assert not any("another tab" in e for e in errors)


def test_a_fetch_job_opened_on_the_jobs_page_shows_its_pages_not_suggestions(site):
    from inlink.tasks.fetch import start_fetch
    from inlink.ui.manager import get_manager

    manager = get_manager()
    job_id = start_fetch(manager, "\n".join(site.url(p) for p in [*PAGES, "gone.html"]).encode(), name="urls.txt")
    assert manager.wait(job_id, 60)["status"] == "completed"
    app = open_page("jobs", {"job": job_id})
    assert_clean(app)
    assert not app.error, texts(app.error)   # it read the fetched rows as suggestions: "None of [Index(['Source'..."
    assert "Fetched pages" in texts(app.subheader) and "Results" not in texts(app.subheader)
    assert any(f"Pages of {site.base} by status: OK 3, HTTP error 1." in c for c in texts(app.caption))
    assert any(e.label == "Pages not fetched and why (1)" for e in app.expander)
    assert any(f"Job `{job_id}` · started" in c for c in texts(app.caption))   # not "Fetch engine": it has none
    assert "URLs per minute" in [m.label for m in app.metric]                 # what its progress counts
    assert any("Completed · 4 of 4 URLs · 100%" in str(bar.proto.text) for bar in app.get("progress"))
    fetched = next(m for m in app.metric if m.label == "Pages fetched")   # it said 4: the 404 row counted too
    assert fetched.value == "3" and "Fetched of 4 URLs" in fetched.help
    downloads = [button.label for button in app.button if button.label.startswith("Prepare")]
    assert downloads == ["Prepare pages CSV", "Prepare links CSV"], downloads


def test_the_same_fetch_asked_twice_while_it_runs_is_one_job(site):
    """Ctrl+Enter in the URL box submits the form; a click on Fetch pages after it queued the same fetch again, and
    the site was fetched twice. Now the same request while its job runs follows that job."""
    from inlink.ui.manager import get_manager

    app = open_page("upload")
    app.text_area[0].input("\n".join(site.url(p) for p in [*PAGES, "gone.html"]))
    next(n for n in app.number_input if n.label == "Requests per second at most").set_value(0.5)
    for _ in range(2):
        next(b for b in app.button if b.label == "Fetch pages").click()
        app.run()
        assert_clean(app)
    manager = get_manager()
    fetches = [j["job_id"] for j in manager.list_jobs() if j["task"] == "site_fetch"]
    assert len(fetches) == 1
    assert manager.wait(fetches[0], 60)["status"] == "completed"
    next(b for b in app.button if b.label == "Fetch pages").click()   # once it is done, asking again fetches again
    app.run()
    assert len([j for j in manager.list_jobs() if j["task"] == "site_fetch"]) == 2


def test_a_fetch_the_disk_cannot_hold_is_said_as_a_sentence(monkeypatch):
    """A full disk while the job is made (StorageError) escaped to the page's generic error box, where a bad source
    got a plain sentence."""
    import errno

    from inlink.jobs import StorageError
    from inlink.tasks import fetch as fetch_task

    def full(*_args, **_kwargs):
        raise StorageError(errno.ENOSPC, "the disk is full: free space and try again")

    monkeypatch.setattr(fetch_task, "start_fetch", full)
    app = open_page("upload")
    app.text_area[0].input("https://www.example.com/a")
    next(b for b in app.button if b.label == "Fetch pages").click()
    app.run()
    assert_clean(app)
    assert texts(app.error) == ["The pages cannot be fetched: the disk is full: free space and try again"]


def test_a_redirect_is_no_page_not_fetched(site):
    """A listed URL that redirected to a page that was fetched counted as a page not fetched: "Pages not fetched and
    why (3)" over a 404 and two redirects, and the panel's help sent the reader there for them."""
    from inlink.tasks.fetch import start_fetch
    from inlink.ui.manager import get_manager

    site.behaviour.redirects = {"/old-json.html": (301, "/library/json.html"), "/old-re.html": (302, "/library/re.html")}
    manager = get_manager()
    urls = [*PAGES, "old-json.html", "old-re.html", "gone.html"]
    job_id = start_fetch(manager, "\n".join(site.url(p) for p in urls).encode(), name="urls.txt")
    assert manager.wait(job_id, 60)["status"] == "completed"
    app = open_page("jobs", {"job": job_id})
    assert_clean(app)
    assert any(f"Pages of {site.base} by status: OK 3, Redirected 2, HTTP error 1." in c for c in texts(app.caption))
    assert [e.label for e in app.expander if e.label.startswith("Pages not fetched")] == ["Pages not fetched and why (1)"]
    table = next(d.value for d in app.dataframe if "Reason" in d.value)
    assert table["Requested URL"].tolist() == [site.url("gone.html")]
    fetched = next(m for m in app.metric if m.label == "Pages fetched")
    assert fetched.value == "3"
    assert fetched.help == ('Fetched of 6 URLs done so far; 2 redirects (where each leads has a row of its own), '
                            '1 URL under "Pages not fetched and why".')


def test_a_sitemap_file_is_taken_by_the_url_file_box_and_its_pages_fetched(site):
    """The URL file box took TXT, CSV, XLSX and GZ only: a sitemap saved from a site (a staging site's, one behind a
    login), which `cli.py fetch` reads, could not be given on the dashboard."""
    sitemap = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               + "".join(f"<url><loc>{site.url(p)}</loc></url>" for p in PAGES) + "</urlset>").encode()
    app = open_page("upload")
    box = app.file_uploader(key="fetch.file")
    assert "xml" in [kind.lstrip(".") for kind in box.proto.type]    # what the browser lets the user pick
    box.upload("sitemap.xml", sitemap, "application/xml")
    assert _fetched_addresses(app, "Fetch pages") == sorted(site.url(p) for p in PAGES)


def test_a_page_over_the_default_size_cap_is_fetched_once_the_form_raises_it(site):
    """The dashboard offered no page size cap (`cli.py fetch --max-mb`): a page over 5 MB, such as a manual on one
    page, was "Page too large" with no way to fetch it from here."""
    from inlink.ui.fetch_form import LARGEST_PAGE

    manual = b"<html><head><title>Manual</title></head><body><main><h1>Manual</h1>" + (
        b"<p>Every chapter of the manual on one page, as some sites publish it.</p>" * 90_000) + b"</main></body></html>"
    assert 6_000_000 < len(manual) < 7_000_000
    site.behaviour.answers = {"/manual.html": (200, manual, "text/html; charset=utf-8")}
    app = open_page("upload")
    assert next(n for n in app.number_input if n.label == LARGEST_PAGE).value == 5.0
    app.text_area[0].input(site.url("manual.html"))
    next(n for n in app.number_input if n.label == LARGEST_PAGE).set_value(10.0)
    assert _fetched_addresses(app, "Fetch pages") == [site.url("manual.html")]
    from inlink.ui.manager import get_manager

    [job] = [j for j in get_manager().list_jobs() if j["task"] == "site_fetch"]
    assert job["config"]["options"]["max_bytes"] == 10_000_000
    assert job["summary"]["statuses"] == {"OK": 1}


def test_the_form_caps_the_urls_read_from_a_sitemap(site):
    """The cap on the page URLs read from a sitemap (max_sitemap_urls) was no field of the form: only code could set
    it, and a sitemap listing more pages than wanted was read up to the 100,000 default."""
    from inlink.fetch.sitemap import MAX_SITEMAP_URLS
    from inlink.ui.fetch_form import SITEMAP_URLS

    site.behaviour.sitemap_paths = PAGES
    app = open_page("upload")
    field = next(n for n in app.number_input if n.label == SITEMAP_URLS)
    assert field.value == MAX_SITEMAP_URLS
    app.text_input[0].input(site.url("sitemap.xml"))
    field.set_value(2)
    assert len(_fetched_addresses(app, "Fetch pages")) == 2
    from inlink.ui.manager import get_manager

    [job] = [j for j in get_manager().list_jobs() if j["task"] == "site_fetch"]
    assert job["config"]["options"]["max_sitemap_urls"] == 2
    assert any(event["message"].startswith("stopped reading sitemaps at 2 page URLs")
               for event in get_manager().events(job["job_id"], limit=100))
