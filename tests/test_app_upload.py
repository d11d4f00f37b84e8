"""AppTest of the Upload page: the sample site, a normal upload, column mapping and bad files."""
from __future__ import annotations

import pytest

from inlink import uploads as datasets
from inlink.ui import format as fmt
from test_app_common import SAMPLE, SMALL_CRAWL, _stop_managers, assert_clean, markdown_sources, open_page, texts  # noqa: F401


def upload(app, content: bytes, name: str = "crawl.csv", key: str = "upload.pages_file"):
    app.file_uploader(key=key).upload(name, content, "text/csv")
    return app.run()


def metric(app, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def test_upload_shows_report_and_saves_dataset():
    app = open_page("upload")
    assert_clean(app)
    upload(app, (SMALL_CRAWL + "https://example.com/roses,Rose care,Roses,duplicate row\n"
                 "not a url,Junk,Junk,a row that cannot be read\n").encode())
    assert_clean(app)
    assert metric(app, "Rows read") == "6"
    assert metric(app, "Pages kept") == "4"
    assert metric(app, "Duplicate URLs") == "1"   # and how many rows were merged into it
    assert next(m for m in app.metric if m.label == "Duplicate URLs").help.endswith("(1 extra row in all).")
    # a row that cannot be read is a row dropped, not a page left out (it counted as one: an exploratory run)
    assert metric(app, "Rows dropped") == "1" and metric(app, "Left out") == "0"
    assert datasets.latest_dataset() is None
    next(b for b in app.button if b.label == "Use this dataset").click()
    app.run()
    assert_clean(app)
    assert any("Dataset saved" in s for s in texts(app.success))
    saved = datasets.latest_dataset()
    assert saved is not None and saved.pages_name == "crawl.csv"
    assert saved.pages_path.read_bytes().startswith(b"Address,Title 1")


def test_a_rerun_does_not_read_the_crawl_again(monkeypatch):
    """Nor does the first run read the table twice before the check: the column pickers take the headers the
    fetch offer's look at the file read (three full reads took most of a minute on a 67 MB crawl)."""
    from inlink.site import load as site_import
    from inlink.site import tables

    reads = []
    for module in (site_import, tables):
        real = module.read_table
        monkeypatch.setattr(module, "read_table", lambda *args, real=real: reads.append(args[1:]) or real(*args))
    app = open_page("upload")
    upload(app, SMALL_CRAWL.encode())
    first = len(reads)
    assert first == 1, reads
    next(b for b in app.button if b.label == "Use this dataset").click()
    app.run()
    assert_clean(app)
    assert any("Dataset saved" in s for s in texts(app.success))
    assert len(reads) == first


def test_reopened_tab_shows_the_last_dataset():
    datasets.save_dataset(SMALL_CRAWL.encode(), "kept.csv", summary={"pages": 4})
    app = open_page("upload")
    assert any("Current dataset:** kept.csv" in m for m in texts(app.markdown))


def test_the_invitation_below_the_form_knows_whether_a_dataset_is_saved():
    """Before: "Upload a pages file, or try the sample site to see how it works." under a saved dataset too."""
    assert any("try the sample site to see how it works" in i for i in texts(open_page("upload").info))
    datasets.save_dataset(SMALL_CRAWL.encode(), "kept.csv", summary={"pages": 4})
    infos = texts(open_page("upload").info)
    assert any("instead of the current dataset" in i for i in infos)
    assert not any("to see how it works" in i for i in infos)


@pytest.mark.skipif(not (SAMPLE / "pages.csv").is_file(), reason="sample_data/pages.csv not written yet")
def test_sample_site_button():
    app = open_page("upload")
    next(b for b in app.button if b.label == "Try the sample site").click()
    app.run()
    assert_clean(app)
    assert int(metric(app, "Pages kept").replace(",", "")) > 0
    assert any("Existing links" in c for c in texts(app.caption))
    left_out = next(m for m in app.metric if m.label == "Left out")   # why 49 kept pages make a 45-page analysis
    assert left_out.value == "4" and ("49 pages, of which 45 are analysed (4 left out: 2 non-indexable, 1 status 301, "
                                      "1 not HTML)") in left_out.proto.help, left_out.proto.help


@pytest.mark.skipif(not (SAMPLE / "pages.csv").is_file(), reason="sample_data/pages.csv not written yet")
def test_the_sample_is_parsed_once_and_saved_with_the_summary_an_upload_of_it_gets(monkeypatch):
    """Before: the home page's sample parsed its crawl, then start_analysis parsed it again, and built its summary
    its own way (as the upload page and a fetch did theirs). Its summary line adds up to the job's "of 45 pages"."""
    from inlink.site import load as site_import
    from inlink.ui.manager import get_manager
    from inlink.ui.sample import start_sample_analysis

    parses = []
    real_load_site = site_import.load_site
    monkeypatch.setattr(site_import, "load_site", lambda *args, **kw: parses.append(kw) or real_load_site(*args, **kw))
    manager = get_manager()
    job_id, followed = start_sample_analysis(manager)
    assert len(parses) == 1 and followed is None
    started = datasets.latest_dataset().summary
    app = open_page("upload")
    next(b for b in app.button if b.label == "Try the sample site").click()
    app.run()
    next(b for b in app.button if b.label == "Use this dataset").click()
    app.run()
    assert_clean(app)
    assert datasets.latest_dataset().summary == started
    assert started["pages"] == 49 and started["analysed"] == 45 and started["left_out"] == 4
    assert any("49 pages, of which 45 are analysed (4 left out: 2 non-indexable, 1 status 301, 1 not HTML)" in c
               for c in texts(app.caption))
    assert manager.wait(job_id, 60)["total_items"] == started["analysed"]


@pytest.mark.skipif(not (SAMPLE / "pages.csv").is_file(), reason="sample_data/pages.csv not written yet")
def test_the_sample_clicked_again_while_its_analysis_is_queued_follows_it_instead_of_starting_another():
    """Try it on the sample site started an analysis per click: a double click ran the same analysis twice (Start
    on the Generate page follows the queued or running one). Clicked again after another upload, the sample is the
    current dataset again, with its analysis."""
    from inlink.jobs import JobManager
    from inlink.ui.sample import start_sample_analysis

    manager = JobManager(autostart=False)          # the first click's analysis stays queued
    first, followed = start_sample_analysis(manager)
    assert followed is None
    saved = datasets.latest_dataset()
    again, followed = start_sample_analysis(manager)
    assert again == first and followed.job_id == first and followed.status.value == "queued"
    assert [job.job_id for job in manager.jobs()] == [first]
    assert datasets.latest_dataset().dataset_id == saved.dataset_id   # not saved twice
    datasets.save_dataset(SMALL_CRAWL.encode(), "other.csv")
    assert start_sample_analysis(manager)[0] == first
    manager.pause(first)                            # paused: followed too (Resume is on its panel)
    assert start_sample_analysis(manager)[1].status.value == "paused"
    manager.stop(first)                             # stopped: a click starts the analysis again
    third, followed = start_sample_analysis(manager)
    assert third != first and followed is None
    again = datasets.latest_dataset()
    assert again.pages_name == "pages.csv" and again.summary == saved.summary


def test_bad_upload_shows_the_problem_and_nothing_breaks():
    app = open_page("upload")
    upload(app, b"\x00\x01\x02 not a table \xff\xfe", "broken.csv")
    assert_clean(app)
    errors = " ".join(texts(app.error))
    assert "cannot be used" in errors and "broken.csv" in errors
    assert not app.metric   # no half report
    upload(app, SMALL_CRAWL.encode(), "good.csv")   # the page still works afterwards
    assert metric(app, "Pages kept") == "4"


def test_a_truncated_gzip_is_a_file_that_cannot_be_used_not_a_page_problem():
    """The sheet picker opened the file first, and its error went to the page's catch-all ("The upload page ran
    into a problem"), which also hid the fetch form."""
    import gzip

    app = open_page("upload")
    upload(app, gzip.compress(SMALL_CRAWL.encode() * 20)[:-40], "truncated.csv.gz")
    assert_clean(app)
    errors = " ".join(texts(app.error))
    assert "cannot be used" in errors and "truncated.csv.gz" in errors and "ran into a problem" not in errors

def test_a_links_file_given_as_the_pages_file_is_named_as_such():
    """An All Inlinks export dropped in the pages box only brought up column pickers; it is said what it is and where
    it goes."""
    links = "Source,Destination,Anchor\nhttps://example.com/,https://example.com/a,the A page\n"
    app = open_page("upload")
    upload(app, links.encode(), "all_inlinks.csv")
    assert_clean(app)
    assert any("all_inlinks.csv looks like a links file" in w and "give it as the existing links" in w
               for w in texts(app.warning)), texts(app.warning)
    assert not any("No column of all_inlinks.csv was recognised" in w for w in texts(app.warning))


def test_a_links_file_alone_says_it_waits_for_its_pages_file():
    """The existing links dropped first, or to add them to the current dataset: the page went on saying "Upload
    another crawl to analyse it instead of the current dataset", not a word of the file just given, and the current
    dataset kept no links. It says the links are read with their pages file, and that the current one is unchanged."""
    datasets.save_dataset(SMALL_CRAWL.encode(), "kept.csv", summary={"pages": 4})
    app = open_page("upload")
    links = "Source,Destination,Anchor\nhttps://example.com/,https://example.com/roses,Rose care\n"
    upload(app, links.encode(), "all_inlinks.csv", key="upload.links_file")
    assert_clean(app)
    infos = markdown_sources(app.info)
    assert infos == [f"{fmt.as_text('all_inlinks.csv')} holds the existing links, read with the pages file they "
                     f"belong to: add that pages file above. The current dataset ({fmt.as_text('kept.csv')}) is "
                     "unchanged."], infos
    assert not any("Upload another crawl" in i for i in infos)
    assert datasets.latest_dataset().links_name is None


def test_unrecognised_headers_ask_for_a_column_mapping():
    odd = SMALL_CRAWL.replace("Address,Title 1,H1-1,Content", "Where,Name,Heading,Body")
    app = open_page("upload")
    upload(app, odd.encode(), "odd.csv")
    assert_clean(app)
    assert any("No column of odd.csv was recognised as the pages' URL" in w for w in texts(app.warning))
    assert not app.metric
    for box in app.selectbox:
        if box.key.startswith("upload.map_"):
            field = box.key[len("upload.map_"):]
            box.set_value({"url": "Where", "content": "Body", "title": "Name", "h1": "Heading"}.get(field, "Body"))
    app.run()
    assert_clean(app)
    assert metric(app, "Pages kept") == "4"


def _renamed_upload(headers: str, name: str):
    """The Upload page after the small crawl uploaded with its columns named `headers`, and the fetch offer it makes
    for a file whose text it does not recognise."""
    app = open_page("upload")
    upload(app, SMALL_CRAWL.replace("Address,Title 1,H1-1,Content", headers).encode(), name)
    assert_clean(app)
    return app, next(m for m in texts(app.markdown) if "recognised as page text" in m)


def test_a_title_column_the_detection_does_not_know_can_be_picked_and_the_text_column_is_offered_first():
    """Before: "Link, Page Name, Main Text 1" was offered only a fetch ("has URLs but no page text"), the
    picker asked for the content alone, and the report then said no page had a title: 34 suggestions of 164."""
    app, offer = _renamed_upload("Link,Page Name,Sub Heading,Main Text 1", "odd.csv")
    assert '"Page Name", "Sub Heading" and "Main Text 1"' in offer and "pick it below" in offer
    assert {box.key for box in app.selectbox} >= {"upload.map_content", "upload.map_title", "upload.map_h1"}
    app.selectbox(key="upload.map_content").set_value("Main Text 1")
    app.selectbox(key="upload.map_title").set_value("Page Name")
    app.run()
    assert_clean(app)
    assert metric(app, "Pages kept") == "4"
    assert not any("title or an H1" in w for w in texts(app.warning) + texts(app.markdown))
    next(b for b in app.button if b.label == "Use this dataset").click()
    app.run()
    assert datasets.latest_dataset().column_map == {"content": "Main Text 1", "title": "Page Name"}


def test_a_crawl_export_named_as_screaming_frog_names_it_asks_for_no_column():
    app = open_page("upload")
    upload(app, SMALL_CRAWL.encode(), "crawl.csv")
    assert not [box.key for box in app.selectbox if box.key.startswith("upload.map_")]


def test_xlsx_upload_and_existing_links():
    import io

    import pandas as pd

    workbook = io.BytesIO()
    pd.read_csv(io.StringIO(SMALL_CRAWL)).to_excel(workbook, index=False)
    links = ("Source,Destination,Anchor\nhttps://example.com/,https://example.com/tomatoes,tomato guide\n"
             "https://example.com/,https://elsewhere.org/,outside\n")
    app = open_page("upload")
    app.file_uploader(key="upload.pages_file").upload("crawl.xlsx", workbook.getvalue(),
                                               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    upload(app, links.encode(), "inlinks.csv", key="upload.links_file")
    assert_clean(app)
    assert metric(app, "Pages kept") == "4"
    assert any("Existing links: 1 kept of 2 read" in c for c in texts(app.caption))


def test_dataset_store_keeps_the_newest_and_skips_a_broken_one(tmp_path):
    saved = [datasets.save_dataset(f"crawl {i}".encode(), f"crawl-{i}.csv", root=tmp_path)
             for i in range(datasets.KEEP_LATEST + 2)]
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == sorted(d.dataset_id for d in saved[-datasets.KEEP_LATEST:])
    (saved[-1].folder / "meta.json").write_text("{not json")
    assert datasets.latest_dataset(tmp_path).pages_name == saved[-2].pages_name
    with pytest.raises(datasets.DatasetError):
        datasets.load_dataset("../escape", tmp_path)


def test_a_crawl_on_several_hosts_lets_the_user_pick_the_hosts_of_the_site():
    crawl = SMALL_CRAWL + "https://blog.example.com/pests,Garden pests,Pests,Tomatoes and roses share pests.\n"
    app = open_page("upload")
    upload(app, crawl.encode())
    assert_clean(app)
    hosts = app.multiselect(key="upload.site_hosts")
    assert hosts.value == ["example.com"] and set(hosts.options) >= {"example.com (4 pages)"}
    assert any("only example.com is analysed" in w for w in texts(app.warning))
    hosts.set_value(["example.com", "blog.example.com"])
    app.run()
    assert_clean(app)
    assert any("analysed as one site as asked" in w for w in texts(app.warning))
    next(b for b in app.button if b.label == "Use this dataset").click()
    app.run()
    saved = datasets.latest_dataset()
    assert saved.site_hosts == ["example.com", "blog.example.com"]
    # its URLs as read here are kept with it (the Generate page matches exclude patterns against them, unparsed)
    assert "https://blog.example.com/pests" in (saved.folder / "urls.txt").read_text().split("\n")
    assert datasets.pattern_reach(saved, ["blog.example.com"]) == (1, 5, [])
    # and those an analysis reads, for the Generate page's warning of patterns that leave none of them
    assert "https://blog.example.com/pests" in (saved.folder / "analysable.txt").read_text().split("\n")
    assert str(datasets.excludes_every_page(saved, ["example.com"])).startswith(
        'the exclude pattern "example.com" leaves out all 5 pages that could be analysed')
    # and their texts' lengths, for the Gemini cost said before Start: no second parse when Gemini is chosen
    kept = [int(n) for n in (saved.folder / "text_chars.txt").read_text().split()]
    assert len(kept) == 5 and kept[-1] == len("Tomatoes and roses share pests.")
    assert datasets.analysable_text_chars(saved) == kept


def test_a_one_host_crawl_offers_no_host_choice():
    app = open_page("upload")
    upload(app, SMALL_CRAWL.encode())
    assert_clean(app)
    assert not [m for m in app.multiselect if m.key == "upload.site_hosts"]


def test_bad_rows_of_the_links_file_are_listed_with_their_row():
    links = ("Source,Destination,Anchor\nhttps://example.com/,https://example.com/tomatoes,tomato guide\n"
             "not a url,https://example.com/compost,compost guide\n")
    app = open_page("upload")
    upload(app, SMALL_CRAWL.encode())
    upload(app, links.encode(), "inlinks.csv", key="upload.links_file")
    assert_clean(app)
    expander = next(e for e in app.expander if e.label == "Rows of inlinks.csv dropped and why (1)")
    table = expander.dataframe[0].value
    assert table["Row"].tolist() == [3] and "not a url" in table["Reason"][0]


def test_a_file_of_headers_alone_is_not_offered_for_fetching():
    app = open_page("upload")
    upload(app, b"Address,Title 1,H1-1\n", "headers.csv")
    assert_clean(app)
    assert not any(b.label == "Fetch these pages" for b in app.button)
    assert any("holds its column names but no rows under them" in e for e in texts(app.error))
    upload(app, b"Address,Title 1,H1-1\nhttps://example.com/,Home,Welcome\n", "no_text.csv")
    assert any(b.label == "Fetch these pages" for b in app.button)   # URLs without text: the offer stays


def test_a_workbook_whose_first_sheet_is_not_the_crawl_says_which_sheet_is_read():
    import io

    import pandas as pd

    workbook = io.BytesIO()
    with pd.ExcelWriter(workbook) as writer:
        pd.DataFrame({"note": ["exported by the crawler"]}).to_excel(writer, sheet_name="Summary", index=False)
        pd.read_csv(io.StringIO(SMALL_CRAWL)).to_excel(writer, sheet_name="Internal HTML", index=False)
    app = open_page("upload")
    app.file_uploader(key="upload.pages_file").upload("two.xlsx", workbook.getvalue(),
                                                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    app.run()
    assert_clean(app)
    assert app.selectbox(key="upload.pages_sheet").value == "Internal HTML"   # the sheet with the URLs first
    assert metric(app, "Pages kept") == "4"
    app.selectbox(key="upload.pages_sheet").set_value("Summary").run()
    assert_clean(app)
    assert any('pick the sheet that holds the pages: this is "Summary"' in w for w in texts(app.warning))


def test_tab_separated_exports_named_tsv_or_txt_can_be_picked():
    app = open_page("upload")
    for key in ("upload.pages_file", "upload.links_file"):
        assert {".tsv", ".txt", ".csv", ".xlsx", ".gz"} <= set(app.file_uploader(key=key).proto.type)
    upload(app, SMALL_CRAWL.replace(",", "\t").encode(), "crawl.tsv")
    assert_clean(app)
    assert metric(app, "Pages kept") == "4"


def test_the_links_report_counts_links_through_redirects_as_the_analysis_does():
    """The Upload page read the links file on its own (load_links without the crawl's redirects): a link to a
    301 was reported as a link to that URL, though the analysis counts it as one to the page it ends at."""
    pages = ("Address,Status Code,Redirect URL,Title 1,Content\n"
             "https://a.com/,200,,Home,Welcome. Read our brewing guide before you buy.\n"
             "https://a.com/guide,200,,Brewing guide,\"How to brew coffee at home, step by step.\"\n"
             "https://a.com/old-guide,301,https://a.com/guide,,\n"
             "https://a.com/back,301,https://a.com/,,\n")
    links = ("Source,Destination,Anchor\nhttps://a.com/,https://a.com/old-guide,brewing guide\n"
             "https://a.com/guide,https://a.com/,home\n"
             "https://a.com/,https://a.com/back,home\n")            # a self link once redirected: no link
    app = open_page("upload")
    upload(app, pages.encode(), "p.csv")
    upload(app, links.encode(), "l.csv", key="upload.links_file")
    assert_clean(app)
    assert any("Existing links: 2 kept of 3 read" in c for c in texts(app.caption)), texts(app.caption)
    assert any("2 links go to a redirecting URL and count as a link to the page it redirects to" in w
               for w in texts(app.warning)), texts(app.warning)
    # named as the links file's (a QA pass: beside the pages file's notes, "1 self link ... skipped" named no file)
    assert any("- l.csv: 1 self link (a page linking to itself) was skipped." in w for w in texts(app.warning))


def test_the_preview_fits_the_page_and_shows_paths_after_the_shared_folder():
    """At 1,400 px the preview scrolled sideways past Words: whole URLs took half of it. It now has widths within the
    938 px Chromium gives a table there, and shows each URL's path after the folder every page shares."""
    import json

    crawl = SMALL_CRAWL.replace("https://example.com/", "https://example.com/docs/en/")
    app = upload(open_page("upload"), crawl.encode())
    assert_clean(app)
    preview = next(d for d in app.dataframe if "url" in d.value.columns)
    columns = json.loads(preview.proto.columns)
    assert sum(column.get("width", 0) for column in columns.values()) <= 938, columns
    assert columns["url"]["type_config"]["display_text"] == r"https?://[^/]+/docs(/.*)?"   # /docs/en: "/en"
    assert columns["word_count"]["type_config"]["format"] == "localized"                  # "1,218", as elsewhere
    assert any("Every page is under /docs/: the preview shows the paths from there." in c for c in texts(app.caption))


def test_the_shared_folder_is_the_one_of_every_page_not_of_the_first_rows():
    """A crawl of one host whose first pages sit under /ant/manual/ and later ones under /gimp/ said "Every page is
    under /ant/manual/": the folder was read from the previewed rows only."""
    import json

    rows = [f"https://example.com/ant/manual/task-{i},Task {i},Task {i},Ant task {i} copies files." for i in range(60)]
    rows += ["https://example.com/gimp/scale,Scale,Scale,Scale an image in GIMP."]
    app = upload(open_page("upload"), ("Address,Title 1,H1-1,Content\n" + "\n".join(rows) + "\n").encode())
    assert_clean(app)
    assert not any("Every page is under" in c for c in texts(app.caption)), texts(app.caption)
    preview = next(d for d in app.dataframe if "url" in d.value.columns)
    assert json.loads(preview.proto.columns)["url"]["type_config"]["display_text"] == r"https?://[^/]+(/.*)?"


def test_a_crawl_without_text_is_refused_in_the_dashboards_words():
    """It said "name the column that holds it (`--column 'content=HEADER'` on the command line; the dashboard asks
    which column), or fetch the pages with `cli.py fetch urlsonly.csv --out-pages …`", with no full stop."""
    app = upload(open_page("upload"), b"Address,Title 1\nhttps://example.com/,Home\nhttps://example.com/a,A\n",
                 "urlsonly.csv")
    assert_clean(app)
    [error] = [e for e in texts(app.error) if "cannot be analysed" in e]
    assert ('pick the column that holds it as the "Column for body text" on the Upload page, or fetch the pages '
            'with "Fetch from the site" on the Upload page.') in error
    assert "--column" not in error and "cli.py" not in error and error.endswith(".")


def test_the_column_pickers_say_what_is_needed_and_forget_what_was_picked():
    """Headers "Page Link", "Page Name", "Main Text 1": the body text picker said "(optional)" although without it
    "This dataset cannot be analysed", a hint about the body text ended "(anchors are matched to titles and H1s)",
    and with every column picked the page still asked for "url" and said no title was recognised."""
    app = upload(open_page("upload"), SMALL_CRAWL.replace("Address,Title 1,H1-1,Content", "Page Link,Page Name,"
                                                          "Sub,Main Text 1").encode(), "odd.csv")
    assert_clean(app)
    labels = {box.key: box.label for box in app.selectbox if box.key.startswith("upload.map_")}
    assert labels == {"upload.map_url": "Column for URL", "upload.map_content": "Column for body text",
                      "upload.map_title": "Column for title (optional)",
                      "upload.map_h1": "Column for main heading (H1) (optional)"}
    assert texts(app.warning) == ["No column of odd.csv was recognised as the pages' URL and body text, which an "
                                  "analysis needs: pick them below."]
    assert ("No column was recognised as the pages' title or main heading (H1): pick them if the file has them, "
            "since a suggested anchor names the page it links to by its title or H1.") in texts(app.caption)
    app.selectbox(key="upload.map_url").set_value("Page Link").run()
    assert texts(app.warning) == ["No column of odd.csv was recognised as the pages' body text, which an analysis "
                                  "needs: pick it below."]
    app.selectbox(key="upload.map_content").set_value("Main Text 1")
    app.selectbox(key="upload.map_title").set_value("Page Name").run()
    assert_clean(app)
    assert not any("recognised" in text for text in texts(app.warning) + texts(app.caption))
    assert not any("cannot be analysed" in e for e in texts(app.error)) and metric(app, "Pages kept") == "4"


def test_a_text_column_under_another_name_is_asked_for_as_needed_not_optional():
    app, _ = _renamed_upload("Page URL,Title 1,H1-1,Main Text 1", "renamed.csv")
    assert app.selectbox(key="upload.map_content").label == "Column for body text"
    assert texts(app.warning)[0].startswith("No column of renamed.csv was recognised as the pages' body text, which "
                                            "an analysis needs")


def test_a_text_column_the_detection_does_not_know_can_be_picked_when_the_titles_are_known():
    """Before: with its URLs, titles and H1s recognised and its text under another name ("Main Text 1"), the page
    said "pick it below" with nothing to pick, and "Use this dataset" saved a file no analysis could use."""
    app, offer = _renamed_upload("Page URL,Title 1,H1-1,Main Text 1", "renamed.csv")
    assert '"Main Text 1"' in offer and "column for body text" in offer
    assert "cannot be analysed" in " ".join(texts(app.error))
    assert next(b for b in app.button if b.label == "Use this dataset").disabled
    app.selectbox(key="upload.map_content").set_value("Main Text 1")
    app.run()
    assert_clean(app)
    assert not any("recognised as page text" in m for m in texts(app.markdown))   # no fetch offered any more
    assert not any("cannot be analysed" in e for e in texts(app.error))
    next(b for b in app.button if b.label == "Use this dataset").click()
    app.run()
    assert datasets.latest_dataset().column_map == {"content": "Main Text 1"}


def test_an_export_named_xls_can_be_picked_and_an_old_workbook_is_refused_in_words():
    """A QA pass: the file picker refused any .xls (Streamlit's "application/vnd.ms-excel files are not allowed"),
    though the importer reads the text many exporters save under that name and tells an old binary workbook to be
    saved as .xlsx or CSV."""
    app = open_page("upload")
    for key in ("upload.pages_file", "upload.links_file"):
        assert {".xls", ".xlsm", ".zip"} <= set(app.file_uploader(key=key).proto.type)
    upload(app, SMALL_CRAWL.replace(",", "\t").encode("utf-16"), "export.xls")
    assert_clean(app)
    assert metric(app, "Pages kept") == "4"
    upload(app, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old.xls")
    assert any("old Excel .xls workbooks are not supported; save it as .xlsx or CSV" in e for e in texts(app.error))


def test_an_older_dataset_is_parsed_once_for_all_its_kept_lists(monkeypatch):
    """A dataset saved without its lists (before they were kept) was parsed once for its text lengths and again
    for its URLs when the Generate page estimated a Gemini run's cost."""
    saved = datasets.save_dataset(SMALL_CRAWL.encode(), "garden.csv", summary={"pages": 4})
    parses = []
    parse = datasets._parsed_pages
    monkeypatch.setattr(datasets, "_parsed_pages", lambda dataset: parses.append(1) or parse(dataset))
    chars, urls = datasets.analysable_text_chars(saved), datasets.analysable_urls(saved)
    assert len(chars) == len(urls) == 4 and datasets.page_urls(saved) == urls
    assert len(parses) == 1
