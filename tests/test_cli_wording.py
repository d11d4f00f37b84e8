"""What the command line tells the analyst: counts that agree with their nouns, orphan figures that do not
claim what cannot be known, the summary of a finished job, and help for every option."""
from __future__ import annotations

import csv
import io
import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from inlink import cli as cli_module
from tmpfs import mounted_tmpfs

ONE_PAGE = "Address,Title 1,Content\nhttps://example.com/,Home,Welcome to the shop and its garden guide.\n"
SMALL_CRAWL = (
    "Address,Title 1,H1-1,Content\n"
    "https://example.com/,Home,Welcome,Welcome to our garden shop. Read the tomato growing guide and the compost guide.\n"
    "https://example.com/tomatoes,Tomato growing guide,Growing tomatoes,How to grow tomatoes in pots. Compost helps.\n"
    "https://example.com/compost,Compost guide,Making compost,Compost from kitchen waste feeds tomatoes and roses.\n"
)
LINKS = "Source,Destination,Anchor\nhttps://example.com/,https://example.com/compost,compost guide\n"


def run(*args):
    result = CliRunner().invoke(cli_module.cli, [str(arg) for arg in args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def test_suggest_counts_read_right_for_one_page(tmp_path):
    pages = tmp_path / "one.csv"
    pages.write_text(ONE_PAGE)
    out = tmp_path / "out.csv"
    line = run("suggest", pages, "--out", out).stdout.strip().splitlines()[-1]
    assert line.startswith(f"wrote 0 suggestions for 1 page to {out}; "), line
    short = tmp_path / "short.csv"                               # -o, as most tools spell an output file
    assert run("suggest", pages, "-o", short).stdout.strip().splitlines()[-1].startswith(f"wrote 0 suggestions for 1 page to {short}; ")


def test_orphans_before_are_unknown_without_the_existing_links(tmp_path):
    pages, links, out = tmp_path / "crawl.csv", tmp_path / "links.csv", tmp_path / "out.csv"
    pages.write_text(SMALL_CRAWL)
    links.write_text(LINKS)
    cold = run("suggest", pages, "--out", out).stdout
    assert "(before: unknown without the existing links)" in cold and " -> " not in cold, cold
    with_links = run("suggest", pages, "--links", links, "--out", out).stdout
    assert "orphan pages 2 -> " in with_links, with_links
    html = tmp_path / "crawl_html.csv"   # no links file, but the pages' HTML links them: the orphans before are known
    html.write_text("Address,Title 1,Body HTML 1\nhttps://a.example/,Home,<p>Welcome home; see <a href='/b'>Roses</a>"
                    "</p>\nhttps://a.example/b,Roses,<p>How roses grow in the garden</p>\n", encoding="utf-8")
    in_html = run("suggest", html, "--out", out).stdout
    assert "orphan pages 1 -> " in in_html, in_html


def test_status_of_a_finished_analysis_gives_its_summary(tmp_path):
    from inlink.jobs import JobManager

    pages = tmp_path / "crawl.csv"
    pages.write_text(SMALL_CRAWL)
    job_id = run("jobs", "start", pages).stdout.strip().splitlines()[-1]
    run("jobs", "worker")
    status = run("jobs", "status", job_id).stdout
    summary = JobManager(autostart=False).job(job_id).summary
    assert (f"summary:  {summary['suggestions']} suggestion" in status
            and "for 3 pages; orphan pages after the suggestions" in status), status
    assert "ETA" not in status
    assert "status:   completed - Completed: 3 pages, " in status and " items" not in status, status
    out = tmp_path / "export.csv"
    exported = run("jobs", "export", job_id, "--out", out).output     # was "wrote 2 rows" (and "1 rows")
    assert exported.strip() == f"wrote {summary['suggestions']} suggestion" + "s" * (summary["suggestions"] != 1) \
        + f" to {out}", exported


def test_a_worker_that_leaves_a_job_of_an_unknown_task_queued_says_so(tmp_path):
    """A job of a task this version does not run (a newer version's) stayed queued, and the worker ended saying
    "no queued or running jobs left"."""
    pages, jobs_dir = tmp_path / "crawl.csv", tmp_path / "jobs"
    pages.write_text(SMALL_CRAWL)
    job_id = run("--jobs-dir", jobs_dir, "jobs", "start", pages).stdout.strip()
    meta = jobs_dir / f"{job_id}.json"
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "task": "future_task"}))
    last = run("--jobs-dir", jobs_dir, "jobs", "worker").stdout.strip().splitlines()[-1]
    assert last == f"worker: exiting; 1 job ({job_id}) still queued: this version runs no task future_task", last


def test_an_empty_list_of_one_status_names_it(tmp_path):
    """`jobs list --status paused` said "no jobs" of a folder holding a queued job."""
    pages, jobs_dir = tmp_path / "crawl.csv", tmp_path / "jobs"
    pages.write_text(SMALL_CRAWL)
    run("--jobs-dir", jobs_dir, "jobs", "start", pages)
    assert run("--jobs-dir", jobs_dir, "jobs", "list", "--status", "paused").stdout.strip() == "no paused jobs"


def test_cleanup_counts_jobs_and_refuses_negative_days():
    assert run("jobs", "cleanup", "--days", "30").stdout.strip() == "removed 0 jobs"
    refused = CliRunner().invoke(cli_module.cli, ["jobs", "cleanup", "--days", "-1"])
    assert refused.exit_code == 2 and "-1" in refused.output


@pytest.mark.parametrize("command", [(name,) for name in cli_module.cli.commands if name != "jobs"]
                         + [("jobs", name) for name in cli_module.cli.commands["jobs"].commands])
def test_every_option_has_a_help_text(command):
    """Every command's (`jobs list --status` had none: a bare list of statuses)."""
    group = cli_module.cli
    for name in command:
        group = group.commands[name]
    bare = [param.name for param in group.params
            if getattr(param, "param_type_name", "") == "option" and not param.help]
    assert not bare, f"{' '.join(command)}: options without help: {bare}"


@pytest.mark.parametrize("group", [(), ("jobs",)])
def test_the_command_lists_of_help_say_each_command_whole(group):
    """Before: 'Fetch the pages of a sitemap, URL list or export in the...': click cut every longer summary."""
    listing = run(*group, "--help").output.split("Commands:")[1]
    cut = [line.strip() for line in listing.splitlines() if line.rstrip().endswith("...")]
    assert not cut, cut


@pytest.mark.parametrize("command", [("suggest",), ("jobs", "export")])
def test_the_help_of_the_commands_that_write_a_workbook_says_so(command):
    """`suggest` and `jobs export` write an Excel workbook when --out is named .xlsx (the README says so), but their
    summaries in `cli.py --help` / `jobs --help` and their own --help said "the suggestions CSV", "a CSV file"."""
    *group, name = command
    assert f"{name}" in run(*group, "--help").output
    summary = next(line for line in run(*group, "--help").output.splitlines() if line.strip().startswith(name))
    assert "Excel" in summary, summary
    assert "Excel workbook" in " ".join(run(*command, "--help").output.split()[:40])


def test_import_messages_read_right_for_one_row():
    from inlink.site import load as site_import

    title_line = '"Internal - HTML"\n' + ONE_PAGE
    folder_row = ONE_PAGE + ",Folder,\n"
    _, report = site_import.load_pages(folder_row.encode(), "folder.csv")
    assert "1 row without a URL (a tree-view folder row) was skipped." in report.warnings, report.warnings
    _, report = site_import.load_pages(title_line.encode(), "titled.csv")
    assert any("titled.csv: 1 line was above the column names, skipped" in note for note in report.warnings), \
        report.warnings
    with pytest.raises(site_import.SiteDataError, match=r"no usable pages left: its one row was dropped\)"):
        site_import.load_pages(b"Address,Title 1,Content\nnot a url,Home,Some text here\n", "bad.csv")


def test_a_missing_worksheet_is_named_as_such_not_as_an_unreadable_workbook():
    import io

    import pandas as pd

    from inlink.site import load as site_import

    workbook = io.BytesIO()
    pd.read_csv(io.StringIO(SMALL_CRAWL)).to_excel(workbook, index=False, sheet_name="Internal HTML")
    with pytest.raises(site_import.SiteDataError) as refused:
        site_import.load_pages(workbook.getvalue(), "crawl.xlsx", sheet="Foo")
    assert str(refused.value) == 'crawl.xlsx: has no worksheet "Foo"; its worksheets are "Internal HTML"'


def test_a_budget_must_be_above_zero_and_is_refused_by_its_option_name(tmp_path):
    pages = tmp_path / "one.csv"
    pages.write_text(ONE_PAGE)
    refused = CliRunner().invoke(cli_module.cli, ["suggest", str(pages), "--budget", "-1", "--engine", "gemini",
                                                  "--out", str(tmp_path / "out.csv")])
    assert refused.exit_code == 2 and "'--budget'" in refused.output, refused.output


def test_the_job_engine_sentences_read_in_the_tasks_words():
    from inlink.jobs import Job
    from inlink.ui.format import in_task_words

    analysis, fetch, other = (Job.from_dict({"job_id": "a" * 12, "task": task, "status": "completed"})
                              for task in ("link_analysis", "site_fetch", "test_counting"))
    assert in_task_words(analysis, "Completed: 45 items, 34 result rows.") == "Completed: 45 pages, 34 suggestions."
    assert in_task_words(analysis, "Completed: 1 items, 1 result rows.") == "Completed: 1 page, 1 suggestion."
    assert in_task_words(analysis, "Item 3 (x) failed: an itemised list") == "Page 3 (x) failed: an itemised list"
    assert in_task_words(analysis, "Paused by request after 11 of 21 items.") == \
        "Paused by request after 11 of 21 pages."
    assert in_task_words(fetch, "Completed: 60 items, 60 result rows.") == "Completed: 60 URLs, 60 page rows."
    assert in_task_words(other, "Completed: 2 items, 2 result rows.") == "Completed: 2 items, 2 result rows."
    assert in_task_words(analysis, None) == ""
    assert in_task_words(analysis, "Job created for task 'link_analysis' (site.csv).") == "Analysis created (site.csv)."
    assert in_task_words(fetch, "Job created for task 'site_fetch'.") == "Fetch created."
    assert in_task_words(analysis, "Step 3/3 'analyze' started: 111 of 111 items to process.") == \
        "Step 3 of 3 (analyze) started: 111 of 111 pages to process."


def test_the_tasks_words_leave_the_urls_a_sentence_quotes_as_they_are():
    """The engine's "item" became the task's word inside URLs too: a fetch paused on https://shop.example/items/42
    said it was fetching https://shop.example/URLs/42, an address the site does not have."""
    from inlink.jobs import Job
    from inlink.ui.format import in_task_words

    analysis, fetch = (Job.from_dict({"job_id": "a" * 12, "task": task, "status": "paused"})
                       for task in ("link_analysis", "site_fetch"))
    assert in_task_words(fetch, "Paused while fetching https://shop.example/items/42; it is fetched again on "
                                "resume.") == ("Paused while fetching https://shop.example/items/42; it is fetched "
                                               "again on resume.")
    assert in_task_words(analysis, "Item 5 ('https://shop.example/item/5') failed: 1 items, 2 result rows") == \
        "Page 5 ('https://shop.example/item/5') failed: 1 page, 2 suggestions"


def test_columns_the_importer_does_not_recognise_are_named_on_the_command_line(tmp_path):
    """The dashboard asks for unrecognised columns; the CLI takes --column FIELD=HEADER (it had no way)."""
    from inlink.jobs import JobManager

    plain, odd = tmp_path / "plain.csv", tmp_path / "odd.csv"
    plain.write_text(SMALL_CRAWL)
    odd.write_text(SMALL_CRAWL.replace("Address,Title 1,H1-1,Content", "Canonical URL,Title 1,H1-1,Main Text 1"))
    refused = CliRunner().invoke(cli_module.cli, ["suggest", str(odd), "--out", str(tmp_path / "x.csv")])
    assert refused.exit_code == 1 and "no URL column found" in refused.output
    assert "--column 'url=HEADER'" in refused.output   # the refusal named the headers, not the way to pick one
    run("suggest", plain, "--out", tmp_path / "plain_out.csv")
    run("suggest", odd, "--column", "url=Canonical URL", "--column", "Content = Main Text 1",
        "--out", tmp_path / "odd_out.csv")
    assert (tmp_path / "odd_out.csv").read_bytes() == (tmp_path / "plain_out.csv").read_bytes()
    job_id = run("jobs", "start", odd, "--column", "url=Canonical URL", "--column", "content=Main Text 1"
                 ).stdout.strip().splitlines()[-1]
    assert JobManager(autostart=False).job(job_id).config["column_map"] == {"url": "Canonical URL",
                                                                          "content": "Main Text 1"}
    bad = CliRunner().invoke(cli_module.cli, ["suggest", str(odd), "--column", "url", "--out", str(tmp_path / "x.csv")])
    assert bad.exit_code == 2 and "expected FIELD=HEADER" in bad.output
    twice = CliRunner().invoke(cli_module.cli, ["suggest", str(odd), "--column", "content=Main Text 1", "--column",
                                                "content=Title 1", "--out", str(tmp_path / "x.csv")])
    assert twice.exit_code == 2 and "content is given twice ('Main Text 1' and 'Title 1')" in twice.output, \
        twice.output


@pytest.mark.parametrize("command", [["suggest", "--out", "x.csv"], ["jobs", "start"]])
def test_an_unknown_field_of_column_is_a_usage_error_before_the_file_is_read(tmp_path, monkeypatch, command):
    """`--column bogus=Main Text 1` exited 1 after the import report, as a bad file does, where a malformed
    `--column url` exits 2 with the usage line: both are mistyped options. The field is checked with the others,
    and a field the importer takes that --help leaves out (canonical) stays accepted."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INLINK_JOBS_DIR", str(tmp_path / "jobs"))
    odd = tmp_path / "odd.csv"
    lines = SMALL_CRAWL.replace("Address,Title 1,H1-1,Content", "Address,Title 1,H1-1,Main Text 1").splitlines()
    odd.write_text("\n".join([lines[0] + ",Canon"] + [f"{line},{line.split(',')[0]}" for line in lines[1:]]) + "\n")
    name, *options = command if command[0] == "suggest" else [" ".join(command)]
    bad = CliRunner().invoke(cli_module.cli, [*name.split(), str(odd), *options, "--column", "Bogus=Main Text 1"])
    assert bad.exit_code == 2, bad.output
    assert ("Invalid value for '--column': 'Bogus=Main Text 1': 'bogus' is not a page field (expected one of url, "
            "title, h1, description, content, word_count, status_code, content_type, indexability, language)") in \
        " ".join(bad.stderr.split())
    assert "Usage: " in bad.stderr and "import:" not in bad.stderr and not (tmp_path / "x.csv").exists()
    run(*name.split(), odd, *options, "--column", "content=Main Text 1", "--column", "canonical=Canon")


def test_a_sheet_named_for_a_csv_file_is_said_to_be_ignored(tmp_path):
    pages, links = tmp_path / "crawl.csv", tmp_path / "links.csv"
    pages.write_text(SMALL_CRAWL)
    links.write_text(LINKS)
    result = CliRunner().invoke(cli_module.cli, ["suggest", str(pages), "--sheet", "Internal HTML", "--links",
                                                 str(links), "--links-sheet", "All Inlinks",
                                                 "--out", str(tmp_path / "out.csv")])
    assert result.exit_code == 0, result.output
    said = [line for line in result.output.splitlines() if "not a workbook" in line]   # once each (the CLI said
    assert said == ['import: crawl.csv is a CSV file, not a workbook: the worksheet "Internal HTML" asked for was '
                    'ignored',                                              # it a second time, as a warning)
                    'import: links.csv is a CSV file, not a workbook: the worksheet "All Inlinks" asked for was '
                    'ignored'], result.output



def test_a_links_workbook_read_on_the_wrong_sheet_asks_for_the_sheet_of_the_links():
    import io

    import pandas as pd

    from inlink.site import load as site_import

    workbook = io.BytesIO()
    with pd.ExcelWriter(workbook) as writer:
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="Summary", index=False)
        pd.read_csv(io.StringIO(LINKS)).to_excel(writer, sheet_name="All Inlinks", index=False)
    links, report = site_import.load_links(workbook.getvalue(), "links.xlsx")   # the sheet with the links is read
    assert len(links) > 0
    assert any(line.endswith('the others are "Summary" (pick another worksheet if one of them holds the links: '
                             "`--links-sheet NAME` on the command line)") for line in report.warnings), report.warnings
    notes = io.BytesIO()   # no sheet with the links: the refusal asks for the links' sheet by its option
    with pd.ExcelWriter(notes) as writer:
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="Summary", index=False)
        pd.DataFrame({"Notes": ["a"]}).to_excel(writer, sheet_name="Other", index=False)
    with pytest.raises(site_import.SiteDataError, match='other worksheets are "Other": pick the one that '
                                                        r"holds the links \(`--links-sheet NAME` on the command "
                                                        r"line\)$"):
        site_import.load_links(notes.getvalue(), "links.xlsx")


def test_a_workbook_given_as_the_other_kind_of_file_says_so_not_which_sheet_to_pick():
    """A links workbook given as the crawl was told to pick its "All Inlinks" sheet with --sheet, a dead end: the
    next run was refused as "a links export". Likewise a pages workbook given as the links."""
    import io

    import pandas as pd

    from inlink.site import load as site_import

    links_book, pages_book = io.BytesIO(), io.BytesIO()
    with pd.ExcelWriter(links_book) as writer:
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="Summary", index=False)
        pd.read_csv(io.StringIO(LINKS)).to_excel(writer, sheet_name="All Inlinks", index=False)
    with pd.ExcelWriter(pages_book) as writer:
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="Summary", index=False)
        pd.read_csv(io.StringIO(SMALL_CRAWL)).to_excel(writer, sheet_name="Internal HTML", index=False)
    with pytest.raises(site_import.SiteDataError, match='other worksheet "All Inlinks" holds links '
                                                        r"\(Source, Destination\): give this workbook as the "
                                                        "existing links file$"):
        site_import.load_pages(links_book.getvalue(), "crawl.xlsx")
    with pytest.raises(site_import.SiteDataError, match='other worksheet "Internal HTML" holds pages '
                                                        r"\(Address, Title 1, \.\.\.\): give this workbook as "
                                                        "the pages file$"):
        site_import.load_links(pages_book.getvalue(), "links.xlsx")


def test_a_refused_file_says_which_option_of_the_command_line_fixes_it(tmp_path):
    """The refusals named only what the dashboard does ("pick the one that holds the crawl", "export the body
    text"), and a --column header had to match its case."""
    import pandas as pd

    pages = tmp_path / "custom.csv"
    pages.write_text("Page URL,Headline,Main Text 1\nhttps://a.com/,Home,Our espresso guide and more.\n"
                     "https://a.com/espresso,Espresso Guide,How to pull a shot.\n")
    refused = CliRunner().invoke(cli_module.cli, ["suggest", str(pages), "--out", str(tmp_path / "o.csv")])
    assert refused.exit_code == 1 and "--column 'content=HEADER'" in refused.stderr
    named = CliRunner().invoke(cli_module.cli, ["suggest", str(pages), "--out", str(tmp_path / "o.csv"),
                                                "--column", "content=main text 1"])   # as the detection reads it
    assert named.exit_code == 0, named.output
    wrong = CliRunner().invoke(cli_module.cli, ["suggest", str(pages), "--out", str(tmp_path / "o.csv"),
                                                "--column", "content=Body 1"])
    assert wrong.exit_code == 1 and '"Body 1"' in wrong.stderr and '"Main Text 1"' in wrong.stderr
    book = tmp_path / "crawl.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"Report": ["made today"]}).to_excel(writer, sheet_name="About", index=False)
        pd.read_csv(pages).to_excel(writer, sheet_name="Crawl", index=False)
    wrong_sheet = CliRunner().invoke(cli_module.cli, ["suggest", str(book), "--out", str(tmp_path / "o.csv")])
    assert wrong_sheet.exit_code == 1 and '"Crawl"' in wrong_sheet.stderr and "`--sheet NAME`" in wrong_sheet.stderr


@pytest.mark.parametrize("args", [("suggest", "{pages}", "--out", "{missing}/out.csv"),
                                  ("jobs", "export", "0123456789ab", "--out", "{missing}/out.csv"),
                                  ("fetch", "{pages}", "--out-pages", "{missing}/p.csv", "--out-links", "l.csv"),
                                  ("jobs", "fetched", "0123456789ab", "--out-pages", "p.csv",
                                   "--out-links", "{missing}/l.csv")])
def test_an_output_folder_that_does_not_exist_is_refused_before_the_work(tmp_path, args, monkeypatch):
    """It was refused after the whole analysis or fetch had run, as '[Errno 2] No such file or directory'."""
    pages = tmp_path / "crawl.csv"
    pages.write_text(SMALL_CRAWL)
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "no-such-folder"
    result = CliRunner().invoke(cli_module.cli, [arg.format(pages=pages, missing=missing) for arg in args])
    assert result.exit_code == 2, result.output
    assert f"the folder {missing} does not exist" in result.output and "analysing" not in result.output


def suggest_small_crawl(tmp_path, *options: str):
    """`suggest` of SMALL_CRAWL with these options, whatever its exit status."""
    pages = tmp_path / "crawl.csv"
    pages.write_text(SMALL_CRAWL)
    return CliRunner().invoke(cli_module.cli, ["suggest", str(pages), *options, "--out", str(tmp_path / "out.csv")])


def test_exclude_patterns_that_leave_out_every_page_are_refused_naming_them(tmp_path):
    """`--exclude '*'` wrote a file of no row and exited 0, said only in a note after the run."""
    result = suggest_small_crawl(tmp_path, "--exclude", "*")
    said = " ".join(result.stderr.split())
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--exclude': the exclude pattern \"*\" leaves out all 3 pages that could be analysed, so " \
        "nothing is left to analyse: remove it, or narrow it" in said, said
    assert not (tmp_path / "out.csv").exists()
    result = suggest_small_crawl(tmp_path, "--exclude", "/tomatoes", "--exclude", "/compost", "--exclude", "*.com/",
                                 "--exclude", "/drafts")
    said = " ".join(result.stderr.split())
    assert result.exit_code == 2 and not (tmp_path / "out.csv").exists()
    assert 'the exclude patterns "/tomatoes", "/compost", "*.com/" together leave out all 3 pages' in said, said
    assert 'note: --exclude "/drafts" matches no page' not in said   # refused before the run: its notes never came


@pytest.mark.parametrize("command", [["suggest"], ["jobs", "start"]])
@pytest.mark.parametrize("blank", ["", "  "])
def test_an_empty_exclude_pattern_is_a_usage_error(tmp_path, command, blank):
    """`--exclude ''` (a variable left unset in a script) was dropped without a word: every page was analysed."""
    pages, jobs_dir = tmp_path / "crawl.csv", tmp_path / "jobs"
    pages.write_text(SMALL_CRAWL)
    out = ["--out", str(tmp_path / "out.csv")] if command == ["suggest"] else []
    result = CliRunner().invoke(cli_module.cli, ["--jobs-dir", str(jobs_dir), *command, str(pages), "--exclude",
                                                 "/drafts", "--exclude", blank, *out])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--exclude': an exclude pattern is empty" in " ".join(result.stderr.split())
    assert "Traceback" not in result.output and not (tmp_path / "out.csv").exists() and not jobs_dir.exists()



def test_jobs_start_says_what_its_exclude_patterns_do_when_it_queues_the_job(tmp_path):
    """README: "a pattern that matches no page is said". `jobs start` said nothing of a mistyped pattern, nor of
    patterns leaving out every page: the job's events said it once it ran, after it analysed 0 pages."""
    pages = tmp_path / "crawl.csv"
    pages.write_text(SMALL_CRAWL)
    jobs_dir = str(tmp_path / "jobs")
    result = CliRunner().invoke(cli_module.cli, ["--jobs-dir", jobs_dir, "jobs", "start", str(pages),
                                                 "--exclude", "[drafts", "--exclude", "/tomatoes"])
    assert result.exit_code == 0, result.output
    assert 'note: --exclude "[drafts" matches no page of this site' in result.stderr
    assert "/tomatoes" not in result.stderr and "every page" not in result.stderr
    result = CliRunner().invoke(cli_module.cli, ["--jobs-dir", jobs_dir, "jobs", "start", str(pages),
                                                 "--exclude", "*", "--exclude", "[drafts"])
    assert result.exit_code == 2, result.output   # was queued, to analyse no page ("the job will analyse none")
    said = " ".join(result.stderr.split())
    assert "Invalid value for '--exclude': the exclude pattern \"*\" leaves out all 3 pages" in said, said
    assert 'note: --exclude "[drafts" matches no page of this site' in said   # said before the refusal
    from inlink.jobs import JobManager

    assert len(JobManager(jobs_dir, autostart=False).jobs()) == 1   # the first start's job alone


def test_a_blank_label_gives_the_job_its_default_name(tmp_path):
    """`--label ' '` named an analysis '' (a blank LABEL column) and a fetch 'fetch' (its source unnamed)."""
    from inlink.jobs import JobManager

    pages, urls, jobs_dir = tmp_path / "crawl.csv", tmp_path / "urls.txt", tmp_path / "jobs"
    pages.write_text(SMALL_CRAWL)
    urls.write_text("https://example.com/a\nhttps://example.com/b\n")
    analysis = run("--jobs-dir", jobs_dir, "jobs", "start", pages, "--label", "  ").stdout.strip()
    fetch = run("--jobs-dir", jobs_dir, "jobs", "fetch", urls, "--label", " ").stdout.strip()
    manager = JobManager(jobs_dir, autostart=False)
    assert manager.job(analysis).label == "crawl.csv"
    assert manager.job(fetch).label == "fetch urls.txt (2 URLs)"


def test_an_exclude_pattern_that_matches_no_page_is_said_in_the_notes_and_in_the_jobs_events(tmp_path):
    """A mistyped pattern ("[drafts" for "/drafts/") excluded nothing, and nothing said so."""
    result = suggest_small_crawl(tmp_path, "--exclude", "[drafts", "--exclude", "/compost")
    assert result.exit_code == 0
    assert 'note: --exclude "[drafts" matches no page of this site' in result.stderr
    assert '"/compost"' not in result.stderr    # it matches a page
    from inlink.jobs import JobManager
    from inlink.tasks import analysis

    manager = JobManager(tmp_path / "jobs", max_running=1)
    try:
        job_id = analysis.start_analysis(manager, (tmp_path / "crawl.csv").read_bytes(), pages_name="crawl.csv",
                                         options={"exclude_patterns": ["[drafts"]})
        assert manager.wait(job_id, 60)["status"] == "completed"
        assert any('The exclude pattern "[drafts" matches no page of this site' in event["message"]
                   for event in manager.events(job_id, 100))
    finally:
        manager.shutdown(timeout=10)

def test_suggest_with_gemini_and_no_key_says_so_before_the_work_in_its_own_words(tmp_path):
    result = suggest_small_crawl(tmp_path, "--engine", "gemini")
    assert result.exit_code == 1 and "--engine gemini needs an API key: set GEMINI_API_KEY" in result.output
    assert "resume the job" not in result.output and "import:" not in result.output   # no job; nothing read



def test_model_and_budget_given_to_the_offline_engine_are_said_to_be_ignored(tmp_path):
    result = suggest_small_crawl(tmp_path, "--model", "gemini-x", "--budget", "2")
    assert result.exit_code == 0, result.output
    assert "warning: --model and --budget are ignored: they apply to --engine gemini only" in result.output
    assert "ignored" not in suggest_small_crawl(tmp_path).output


def test_links_sheet_without_a_links_file_is_said_to_be_ignored(tmp_path):
    result = suggest_small_crawl(tmp_path, "--links-sheet", "Inlinks")
    assert result.exit_code == 0, result.output
    assert "warning: --links-sheet is ignored: it names a worksheet of the --links file, and none is given" in \
        " ".join(result.output.split())


def test_suggest_help_says_what_its_budget_does_without_a_job():
    """`suggest --help` said --budget makes "a job pause": suggest runs no job; it stops and writes what it found."""
    text = " ".join(run("suggest", "--help").stdout.split())
    assert "spent (a job pauses; suggest stops and writes what it found)" in text, text


def test_a_refusal_is_one_error_line_like_every_other_error(tmp_path, capsys):
    """Before: 'Error: --engine gemini needs ...' (click's own prefix), where every other refusal says 'error:'."""
    pages = tmp_path / "crawl.csv"
    pages.write_text(SMALL_CRAWL)
    code = cli_module.main(["suggest", str(pages), "--engine", "gemini", "--out", str(tmp_path / "out.csv")])
    lines = capsys.readouterr().err.splitlines()
    assert code == 1 and lines == [lines[0]] and lines[0].startswith("error: --engine gemini needs an API key")


def test_ctrl_c_says_what_was_not_written_and_exits_130(tmp_path, capsys, monkeypatch):
    """Before: 'aborted' and exit status 1, as for any failure; a shell reports an interrupted command as 130."""
    from inlink.tasks import foreground

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(foreground, "run_to_csv", interrupted)
    pages, out = tmp_path / "crawl.csv", tmp_path / "out.csv"
    pages.write_text(SMALL_CRAWL)
    assert cli_module.main(["suggest", str(pages), "--out", str(out)]) == 130
    err = capsys.readouterr().err
    assert "interrupted: the command stopped before its end and wrote no output file" in err
    assert "Traceback" not in err and not out.exists()


def test_ctrl_c_during_jobs_start_says_no_job_was_queued_not_suggest_s_words(tmp_path, capsys, monkeypatch):
    """Before: a Ctrl-C while `jobs start` read a crawl said `suggest`'s words: "wrote no output file (an earlier one
    is left as it was); `jobs start` and `jobs fetch` run the same work as a job", of `jobs start` itself."""
    from inlink.tasks import analysis

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(analysis, "start_analysis", interrupted)
    pages = tmp_path / "crawl.csv"
    pages.write_text(SMALL_CRAWL)
    assert cli_module.main(["--jobs-dir", str(tmp_path / "jobs"), "jobs", "start", str(pages)]) == 130
    err = capsys.readouterr().err
    assert "interrupted: the command stopped before its end and queued no job" in err, err
    assert "output file" not in err and "Traceback" not in err


def test_ctrl_c_while_jobs_delete_waits_says_the_delete_still_happens(tmp_path, capsys, monkeypatch):
    """A Ctrl-C while `jobs delete` waited for a running job to stop said only "stopped before its end", and the
    job, whose delete had been asked, was deleted by its worker a little later."""
    from inlink.jobs import JobManager

    def waiting(self, job_id):
        raise KeyboardInterrupt
    monkeypatch.setattr(JobManager, "delete", waiting)
    (tmp_path / "jobs").mkdir()
    assert cli_module.main(["--jobs-dir", str(tmp_path / "jobs"), "jobs", "delete", "0123456789ab"]) == 130
    err = " ".join(capsys.readouterr().err.split())
    assert "a running job it asked to delete is deleted by its worker after the item in progress" in err, err


def test_ctrl_c_while_the_output_is_written_leaves_the_earlier_file_whole(tmp_path, capsys, monkeypatch):
    """The output was written in place: a Ctrl-C (or kill) during the write left half a file over the earlier one,
    though the command said it "wrote no output file (an earlier one is left as it was)"."""
    import os

    from inlink import fileio

    pages, out = tmp_path / "crawl.csv", tmp_path / "out.csv"
    pages.write_text(SMALL_CRAWL)
    umask = os.umask(0o022)
    try:
        assert cli_module.main(["suggest", str(pages), "--out", str(out)]) == 0
    finally:
        os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o644                # a user's file: the umask's mode, not job data's 0600
    earlier = out.read_bytes()

    def half_then_ctrl_c(fd, data):
        os.write(fd, data[: len(data) // 2])
        raise KeyboardInterrupt
    monkeypatch.setattr(fileio, "write_all", half_then_ctrl_c)
    capsys.readouterr()
    assert cli_module.main(["suggest", str(pages), "--max-per-page", "1", "--out", str(out)]) == 130
    assert "wrote no output file (an earlier one is left as it was)" in capsys.readouterr().err
    assert out.read_bytes() == earlier and sorted(p.name for p in tmp_path.iterdir()) == ["crawl.csv", "out.csv"]


REPO = Path(__file__).resolve().parents[1]
LEAVE = """
import atexit, sys, threading
import pyarrow  # noqa: F401  (the importer's reader loads it)
atexit.register(lambda: print("teardown", flush=True))
import inlink.cli.root as root
if sys.argv[1] == "busy":
    threading.Thread(target=lambda: None).start()   # a non-daemon thread that has ended: no matter
    gate = threading.Event()                        # one still at work when the command ends, until it has ended
    threading.Thread(target=gate.wait).start()
    leave = root._leave

    def leave_then_open(code):
        leave(code)      # returns only when it takes the ordinary exit
        gate.set()
    root._leave = leave_then_open
sys.argv = ["cli.py", "--help"]
sys.exit(root.main())
"""


@pytest.mark.parametrize("case", ["done", "busy"])
def test_a_command_that_loaded_pyarrow_ends_without_the_teardown_unless_a_thread_still_works(case):
    """pyarrow's thread pools can abort the interpreter's teardown after the command's work (exit 134): the
    command line leaves without it once its output is flushed, unless a non-daemon thread still runs."""
    out = subprocess.run([sys.executable, "-c", LEAVE, case], capture_output=True, text=True, cwd=REPO,
                         timeout=120)
    assert out.returncode == 0 and "Usage:" in out.stdout, out.stderr
    assert ("teardown" in out.stdout) is (case == "busy")


def test_suggest_refuses_to_write_over_its_own_crawl_or_links(tmp_path):
    """Before: `suggest crawl.csv --out crawl.csv` replaced the crawl with the suggestions, and said so."""
    pages, links = tmp_path / "crawl.csv", tmp_path / "links.csv"
    pages.write_text(SMALL_CRAWL)
    links.write_text(LINKS)
    for out, named in ((pages, "PAGES"), (tmp_path / "." / "links.csv", "--links")):
        result = CliRunner().invoke(cli_module.cli, ["suggest", str(pages), "--links", str(links), "--out", str(out)])
        assert result.exit_code == 2 and f"--out is the same file as {named}" in result.output, result.output
    assert pages.read_text() == SMALL_CRAWL and links.read_text() == LINKS


def _gemini_on_the_fake(fake, tmp_path, monkeypatch, *replies) -> None:
    from tests import fake_gemini as fg

    settings = tmp_path / "gemini.json"
    settings.write_text(json.dumps({"base_url": fake.base_url, "max_retries": 0, "timeout_s": 5}))
    monkeypatch.setenv("INLINK_GEMINI_SETTINGS", str(settings))
    monkeypatch.setenv("GEMINI_API_KEY", "AIza-test-key")
    fake.script = list(replies) or [fg.success({"suggestions": []})]


def test_suggest_says_what_it_can_do_when_gemini_stops_it_not_what_a_job_does(fake, tmp_path, monkeypatch, capsys):
    """`suggest` runs no job, yet it said "resume the job later" (a spent quota) and "raise the budget and resume
    the job" (a budget of $0.0001 read "$0.00"). And a run that Gemini stopped before its first row replaced an
    earlier output of the same name with a header alone (`fetch` leaves it)."""
    from tests import fake_gemini as fg

    pages, out = tmp_path / "crawl.csv", tmp_path / "out.csv"
    pages.write_text(SMALL_CRAWL)
    out.write_text("Source,Destination,Anchor\nearlier,rows,kept\n")
    suggest = ["suggest", str(pages), "--engine", "gemini", "--out", str(out)]
    _gemini_on_the_fake(fake, tmp_path, monkeypatch, fg.rate_limited("86400s"))
    assert cli_module.main(suggest) == 1          # the run is incomplete
    said, err = capsys.readouterr()
    note = err.strip().splitlines()[-1]
    assert note.startswith("note: stopped early: Gemini asks to wait 86400 s") and "resume the job" not in note
    assert note.endswith(f"run the command again later ({cli_module.AGAIN_AS_A_JOB})")
    assert "nothing was written to" in said and "an earlier file is left as it was" in said
    assert out.read_text() == "Source,Destination,Anchor\nearlier,rows,kept\n"

    _gemini_on_the_fake(fake, tmp_path, monkeypatch, fg.success({"suggestions": []}, prompt_tokens=1000))
    assert cli_module.main([*suggest, "--budget", "0.0001"]) == 0
    note = capsys.readouterr().err.strip().splitlines()[-1]
    assert note.startswith("note: stopped early: the Gemini budget of $0.0001 is used up (spent $0.0"), note
    assert "resume the job" not in note and "give a larger --budget to go further" in note


def test_suggest_with_gemini_says_what_it_spent_and_a_skipped_page_in_the_singular(fake, tmp_path, monkeypatch,
                                                                                    capsys):
    """`jobs status` and the panel show a Gemini job's spend; `suggest` said nothing of what it had cost. And
    "1 page was skipped because their answer could not be used"."""
    from tests import fake_gemini as fg

    pages = tmp_path / "crawl.csv"
    pages.write_text(SMALL_CRAWL)
    unreadable = fg.success("{not json", prompt_tokens=1000, output_tokens=200)
    _gemini_on_the_fake(fake, tmp_path, monkeypatch, unreadable, unreadable, unreadable,   # a first try, 2 retries
                        fg.success({"suggestions": []}, prompt_tokens=1000, output_tokens=200))
    assert cli_module.main(["suggest", str(pages), "--engine", "gemini", "--budget", "2",
                            "--out", str(tmp_path / "out.csv")]) == 0
    out, err = capsys.readouterr()
    calls = len(fake.received)
    assert calls >= 4       # the first page's three unreadable answers, then the other pages
    spent = out.strip().splitlines()[-1]
    assert spent.startswith("spent: $0.0") and spent.endswith(
        f"of a $2.00 budget: {calls} Gemini calls, {calls * 1000:,} prompt and {calls * 200:,} output tokens")
    assert "note: 1 page was skipped because its answer could not be used" in err
    # and what it would cost, said before its first call (gemini.estimate), against the budget
    estimate = next(line for line in err.splitlines() if line.startswith("note: estimated cost: about $"))
    assert " for 3 pages, one call each (about " in estimate and "Above the" not in estimate, estimate


def test_jobs_start_with_gemini_says_the_estimated_cost_and_the_budget_it_passes(tmp_path, monkeypatch):
    """A Gemini job was queued without a word of what it would cost: one paid call a page."""
    pages = tmp_path / "crawl.csv"
    pages.write_text(SMALL_CRAWL)
    monkeypatch.setenv("GEMINI_API_KEY", "AIza-test-key")
    result = CliRunner().invoke(cli_module.cli, ["--jobs-dir", str(tmp_path / "jobs"), "jobs", "start", str(pages),
                                                 "--engine", "gemini", "--budget", "0.0001"])
    assert result.exit_code == 0, result.output
    estimate = next(line for line in result.stderr.splitlines() if line.startswith("note: estimated cost: about $"))
    assert estimate.endswith("Above the $0.0001 budget cap: the job pauses when its spend reaches it."), estimate
    offline = CliRunner().invoke(cli_module.cli, ["--jobs-dir", str(tmp_path / "jobs"), "jobs", "start", str(pages)])
    assert "estimated cost" not in offline.stderr


def test_jobs_start_with_gemini_and_no_key_warns_that_the_job_needs_one(tmp_path, monkeypatch):
    """The job was queued without a word; it then failed at its first step, seen only at `jobs status`."""
    pages = tmp_path / "crawl.csv"
    pages.write_text(SMALL_CRAWL)
    start = ["--jobs-dir", str(tmp_path / "jobs"), "jobs", "start", str(pages), "--engine", "gemini"]
    result = CliRunner().invoke(cli_module.cli, start)
    assert result.exit_code == 0 and len(result.stdout.strip()) == 12      # still queued: a worker may have the key
    assert "warning: no GEMINI_API_KEY (or GOOGLE_API_KEY) in this environment" in result.stderr
    monkeypatch.setenv("GEMINI_API_KEY", "AIza-test-key")
    assert "GEMINI_API_KEY" not in CliRunner().invoke(cli_module.cli, start).stderr
    assert "GEMINI_API_KEY" not in CliRunner().invoke(cli_module.cli, start[:-2]).stderr


def test_an_output_named_xlsx_is_a_workbook_and_a_fetch_output_so_named_is_refused(tmp_path):
    """`suggest --out s.xlsx` and `jobs export ID --out r.xlsx` wrote CSV text into a file Excel refused to open."""
    import openpyxl

    pages = tmp_path / "crawl.csv"
    pages.write_text(SMALL_CRAWL)
    jobs = ["--jobs-dir", str(tmp_path / "jobs")]
    suggested = tmp_path / "s.xlsx"
    run(*jobs, "suggest", pages, "--out", suggested)
    csv_rows = run(*jobs, "suggest", pages, "--out", tmp_path / "s.csv")
    sheet = openpyxl.load_workbook(suggested).active
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Source", "Destination", "Anchor"] and "Confidence" in header
    assert sheet.max_row - 1 == len((tmp_path / "s.csv").read_text(encoding="utf-8-sig").splitlines()) - 1 > 0
    assert csv_rows.exit_code == 0
    for column in ("Score", "Confidence"):   # numbers Excel sorts and sums, as a job's export writes them
        cells = [row[header.index(column)] for row in sheet.iter_rows(min_row=2)]
        assert {cell.data_type for cell in cells} == {"n"} and all(0 <= cell.value <= 1 for cell in cells)

    from inlink.jobs import JobManager
    from inlink.tasks import analysis

    manager = JobManager(tmp_path / "jobs", autostart=False)
    job_id = analysis.start_analysis(manager, pages.read_bytes(), pages_name="crawl.csv")
    run(*jobs, "jobs", "export", job_id, "--out", tmp_path / "r.xlsx")          # no rows yet: the header alone
    assert [cell.value for cell in openpyxl.load_workbook(tmp_path / "r.xlsx").active[1]][:2] == ["Source",
                                                                                                  "Destination"]
    for args in (["suggest", pages, "--out", tmp_path / "old.xls"],
                 ["fetch", "https://example.com/sitemap.xml", "--out-pages", tmp_path / "p.xlsx", "--out-links",
                  tmp_path / "l.csv"]):
        refused = CliRunner().invoke(cli_module.cli, [str(arg) for arg in args])
        assert refused.exit_code == 2 and ("name it .xlsx" in refused.output or "give a .csv name" in refused.output)


def test_a_model_of_unknown_price_is_said_to_be_costed_at_the_dearest_rates(fake, tmp_path, monkeypatch, capsys):
    """Its spend and budget figures were estimates at the dearest known rates, and nothing said so."""
    pages = tmp_path / "crawl.csv"
    pages.write_text(SMALL_CRAWL)
    _gemini_on_the_fake(fake, tmp_path, monkeypatch)
    suggest = ["suggest", str(pages), "--engine", "gemini", "--out", str(tmp_path / "out.csv")]
    assert cli_module.main([*suggest, "--model", "gemini-foo"]) == 0
    assert ("warning: no price is known for the model 'gemini-foo': its cost is counted at the dearest known rates"
            in capsys.readouterr().err)
    assert cli_module.main(suggest) == 0 and "no price is known" not in capsys.readouterr().err
    start = ["--jobs-dir", str(tmp_path / "jobs"), "jobs", "start", str(pages), "--engine", "gemini", "--model", "x"]
    assert "no price is known for the model 'x'" in CliRunner().invoke(cli_module.cli, start).stderr


def test_one_rule_of_amounts_for_every_layer():
    """inlink.ui.format.usd was a copy of inlink.wording.usd that said '$0' where the other said '$0.0000'."""
    from inlink import wording
    from inlink.ui import format as fmt

    assert fmt.usd is wording.usd
    assert [wording.usd(amount) for amount in (0, 0.005, 0.01234, 12.5, 1250)] == [
        "$0", "$0.0050", "$0.0123", "$12.50", "$1,250.00"]


def test_one_rule_of_cutting_text_short_for_every_layer():
    """Six layers cut text short with hand-written slices, each a little differently (the '…' inside or outside
    the room, a space left before it or not). Two rules remain: a quoted value keeps its first characters and
    adds '…'; a short line fits '…' into its room with no space before it."""
    from inlink.jobs.state import shorten
    from inlink.site.columns import header_list
    from inlink.ui.format import short_url
    from inlink.wording import clipped, shortened

    assert clipped("abcdef", 4) == "abcd…" and clipped("abcd", 4) == "abcd" and clipped("x" * 300).endswith("x…")
    assert len(clipped("x" * 300)) == 201
    assert shortened("the ab cd", 8) == "the ab…" and shortened("the abc", 7) == "the abc"
    assert len(shortened("x" * 100, 20)) == 20
    assert header_list(["h" * 50]) == "h" * 40 + "…"
    assert short_url("https://example.com/" + "p" * 80) == "/" + "p" * 58 + "…"
    assert shorten("a" * 5000) == "'" + "a" * 20 + "…"

def test_a_budget_that_is_no_amount_is_a_usage_error(tmp_path):
    """`--budget nan` reached the engine's settings ("budget_usd must be ...", exit 1, or on a resume "has spent
    $0 already: give a budget above that") and `--budget inf` read "of a $inf budget" (an exploratory run)."""
    for args in (["suggest", "crawl.csv", "--engine", "gemini", "--budget"], ["jobs", "resume", "abcdefabcdef",
                                                                            "--budget"]):
        for value in ("nan", "inf", "-1"):
            result = CliRunner().invoke(cli_module.cli, [*args, value])
            assert result.exit_code == 2 and "--budget" in result.output, (args, value, result.output)
    from inlink.gemini.settings import GeminiSettings, SettingsError

    with pytest.raises(SettingsError, match="budget_usd must be a positive amount"):
        GeminiSettings.from_options(budget_usd=float("inf"))


def test_a_budget_written_with_its_dollar_sign_is_the_amount_and_words_are_refused_in_plain_english():
    """`--budget '$5'` was refused as "'$5' is not a valid dollars." (click's words for the type's name), though a
    budget in US dollars is often written so; "abc" read the same broken sentence."""
    from inlink.cli.amounts import DOLLARS

    assert DOLLARS.convert("$5", None, None) == 5.0 and DOLLARS.convert(" $2.50 ", None, None) == 2.5
    result = CliRunner().invoke(cli_module.cli, ["jobs", "resume", "abcdefabcdef", "--budget", "abc"])
    assert result.exit_code == 2
    assert "'abc' is no amount: give US dollars above 0, e.g. 2.50" in " ".join(result.output.split())
    assert "valid dollars" not in result.output


@pytest.mark.parametrize("args", [("jobs", "cleanup", "--days", "nan"), ("jobs", "cleanup", "--days", "inf"),
                                  ("suggest", "PAGES", "--min-confidence", "nan", "-o", "OUT"),
                                  ("fetch", "PAGES", "--max-mb", "nan", "--out-pages", "OUT", "--out-links", "LINKS"),
                                  ("fetch", "PAGES", "--rate", "nan", "--out-pages", "OUT", "--out-links", "LINKS")])
def test_a_number_that_is_no_finite_number_is_a_usage_error(tmp_path, args):
    """"nan" passes click's FloatRange bounds: `--days nan` removed nothing and said "removed 0 jobs", `--max-mb nan`
    failed as "cannot convert float NaN to integer", `--min-confidence nan` named the engine's "min_confidence"."""
    pages = tmp_path / "pages.csv"
    pages.write_text(SMALL_CRAWL)
    named = {"PAGES": str(pages), "OUT": str(tmp_path / "out.csv"), "LINKS": str(tmp_path / "links.csv")}
    result = CliRunner().invoke(cli_module.cli, ["--jobs-dir", str(tmp_path / "jobs"),
                                                 *[named.get(arg, arg) for arg in args]])
    assert result.exit_code == 2, result.output
    option = args[[arg in ("nan", "inf") for arg in args].index(True) - 1]
    assert f"'{option}'" in result.output, result.output
    assert "is not a finite number" in result.output and not (tmp_path / "out.csv").exists()


def test_an_output_that_cannot_be_written_is_named_not_its_temporary_file(tmp_path, monkeypatch):
    """A refused write read "error: [Errno 13] Permission denied: '/sys/.x.csv.31853_0.tmp'": a hidden temporary
    file the user never named, and Python's errno."""
    from inlink import fileio

    def refused(source, destination):
        raise PermissionError(13, "Permission denied", str(source))

    pages = tmp_path / "pages.csv"
    pages.write_text("Address,Title 1,Content\nhttps://e.example/a,A,Some text here.\n")
    monkeypatch.setattr(fileio.os, "replace", refused)
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(cli_module.cli, ["suggest", str(pages), "--out", str(out)])
    assert result.exit_code == 1 and not out.exists()
    assert f"error: {out}: cannot be written (permission denied)" in result.output, result.output
    assert ".tmp" not in result.output and "Errno" not in result.output


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder that takes no new file: a read-only tmpfs for root (whom a folder's mode does not stop), else a
    folder of mode 0555. Skipped where root may not mount."""
    import os

    if os.geteuid() == 0:
        with mounted_tmpfs(tmp_path / "read-only", "ro,size=64k") as folder:
            yield folder
        return
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)


def test_an_output_in_a_read_only_folder_is_refused_before_the_work(tmp_path, read_only_folder, monkeypatch):
    """A read-only folder was said once the whole analysis had run ('error: out.csv: cannot be written
    (read-only file system)'), minutes of a large site's work thrown away."""
    from inlink.tasks import foreground

    def no_work(*args, **kwargs):
        raise AssertionError("the analysis ran")
    monkeypatch.setattr(foreground, "run_to_csv", no_work)
    pages, out = tmp_path / "pages.csv", read_only_folder / "out.csv"
    pages.write_text(SMALL_CRAWL)
    result = CliRunner().invoke(cli_module.cli, ["suggest", str(pages), "--out", str(out)])
    assert result.exit_code == 2 and not out.exists(), result.output
    assert f"{out}: cannot be written (" in " ".join(result.output.split()), result.output
    assert "import:" not in result.output and ".tmp" not in result.output


def test_suggest_reads_a_crawl_piped_to_it_as_jobs_start_does(tmp_path):
    """`... | cli.py suggest /dev/stdin` (or a shell's <(zcat crawl.csv.gz)) said "stdin: the file is empty": the
    importer looked at the pipe, then read it again from its start, where `jobs start` read it once."""
    out = tmp_path / "out.csv"
    done = subprocess.run([sys.executable, str(Path(cli_module.__file__).parents[2] / "cli.py"), "--jobs-dir",
                           str(tmp_path / "jobs"), "suggest", "/dev/stdin", "-o", str(out)], input=SMALL_CRAWL,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "for 3 pages" in done.stdout and out.read_bytes().startswith(b"\xef\xbb\xbfSource,")


def test_an_export_of_an_unfinished_job_says_it_holds_the_rows_so_far(tmp_path):
    """`jobs export` of a paused (or running) job said "wrote 0 suggestions to out.csv", as of a whole job."""
    pages, jobs_dir, out = tmp_path / "crawl.csv", tmp_path / "jobs", tmp_path / "out.csv"
    pages.write_text(SMALL_CRAWL)
    job_id = run("--jobs-dir", jobs_dir, "jobs", "start", pages).stdout.strip().splitlines()[-1]
    run("--jobs-dir", jobs_dir, "jobs", "pause", job_id)
    result = run("--jobs-dir", jobs_dir, "jobs", "export", job_id, "-o", out)
    assert f"note: job {job_id} is paused, 0 pages done: the file holds their rows" in result.stderr, result.stderr
    run("--jobs-dir", jobs_dir, "jobs", "resume", job_id)
    run("--jobs-dir", jobs_dir, "jobs", "worker")
    assert "note:" not in run("--jobs-dir", jobs_dir, "jobs", "export", job_id, "-o", out).stderr   # completed


def test_an_export_over_one_of_the_job_s_own_files_is_refused(tmp_path):
    """`jobs export ID -o jobs/ID_results.csv` replaced the job's results with their export (a byte-order mark and
    formula guards in the rows the job appends to and reads back), and exited 0."""
    pages, jobs_dir = tmp_path / "crawl.csv", tmp_path / "jobs"
    pages.write_text(SMALL_CRAWL)
    job_id = run("--jobs-dir", jobs_dir, "jobs", "start", pages).stdout.strip().splitlines()[-1]
    run("--jobs-dir", jobs_dir, "jobs", "worker")
    results = jobs_dir / f"{job_id}_results.csv"
    before = results.read_bytes()
    for out in (results, jobs_dir / f"{job_id}_input" / "crawl.csv"):
        result = CliRunner().invoke(cli_module.cli, ["--jobs-dir", str(jobs_dir), "jobs", "export", job_id, "-o",
                                                     str(out)])
        assert result.exit_code == 2, result.output
        assert f"this is a file of job {job_id} in the jobs folder" in " ".join(result.output.split())
    assert results.read_bytes() == before
    run("--jobs-dir", jobs_dir, "jobs", "export", job_id, "-o", jobs_dir / "export.csv")   # any other name: written


def test_a_fetch_output_to_standard_output_is_refused_in_words_of_its_own(tmp_path):
    """`--out-pages -` read "-: the file is written as CSV (or as a workbook when named .xlsx), so name it .csv or
    .xlsx" (a fetch writes two files: neither goes to standard output)."""
    result = CliRunner().invoke(cli_module.cli, ["fetch", "https://example.com/sitemap.xml", "--out-pages", "-",
                                                 "--out-links", str(tmp_path / "l.csv")])
    assert result.exit_code == 2 and "'-' (standard output) is not written to: the command writes two files" in \
        " ".join(result.output.split())
    assert "-: the file is written" not in result.output and not (tmp_path / "-").exists()


def test_suggest_and_jobs_export_write_the_csv_on_standard_output_with_out_dash(tmp_path):
    """`--out -` was refused: the CSV now goes to stdout, byte for byte the file `--out FILE` writes, and nothing
    else does (the summary, the import report and the progress go to stderr)."""
    pages, links, jobs_dir = REPO / "sample_data" / "pages.csv", REPO / "sample_data" / "inlinks.csv", tmp_path / "j"
    written = tmp_path / "suggestions.csv"
    assert run("suggest", pages, "--links", links, "--out", written).exit_code == 0
    piped = subprocess.run([sys.executable, str(REPO / "cli.py"), "suggest", str(pages), "--links", str(links),
                            "--out", "-"], capture_output=True, timeout=120, cwd=tmp_path)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == written.read_bytes() and piped.stdout.startswith(b"\xef\xbb\xbfSource,Destination,")
    rows = len(list(csv.reader(io.StringIO(piped.stdout.decode("utf-8-sig"), newline="")))) - 1
    assert f"wrote {rows} suggestions for 45 pages to standard output; orphan pages" in piped.stderr.decode()
    assert not (tmp_path / "-").exists()
    job_id = run("--jobs-dir", jobs_dir, "jobs", "start", pages, "--links", links).stdout.strip()
    run("--jobs-dir", jobs_dir, "jobs", "worker")
    exported = run("--jobs-dir", jobs_dir, "jobs", "export", job_id, "-o", "-")
    assert exported.exit_code == 0 and exported.stdout_bytes == written.read_bytes()
    assert exported.stderr == f"wrote {rows} suggestions to standard output\n"


@pytest.mark.parametrize("name", ["out.json", "out", "out.tsv", "out.txt"])
def test_an_output_named_as_another_format_is_refused_before_the_work(tmp_path, name):
    """`-o results.json` wrote CSV text into a .json file, and exited 0."""
    pages = tmp_path / "pages.csv"
    pages.write_text("Address,Title 1,Content\nhttps://e.example/a,A,Some text here.\n")
    result = CliRunner().invoke(cli_module.cli, ["suggest", str(pages), "--out", str(tmp_path / name)])
    assert result.exit_code == 2 and not (tmp_path / name).exists()
    assert f"{name}: the file is written as CSV (or as a workbook when named .xlsx), so name it .csv or .xlsx" \
        in " ".join(result.output.split())


def test_a_queued_job_says_who_runs_it_and_stdout_keeps_the_id_alone(tmp_path, monkeypatch):
    """`jobs start` printed the id alone; with no worker running, `jobs status` then said "waiting for a free slot"."""
    monkeypatch.setenv("INLINK_JOBS_DIR", str(tmp_path / "jobs"))
    pages = tmp_path / "crawl.csv"
    pages.write_text(SMALL_CRAWL)
    result = run("jobs", "start", pages)
    job_id = result.stdout.strip()
    assert len(job_id) == 12 and "\n" not in job_id
    assert f"note: job {job_id} is queued; `inlink jobs worker` runs it (or the dashboard, while it is open)" \
        in result.stderr


def test_a_crawl_without_text_is_refused_in_the_command_lines_words(tmp_path):
    """The refusal spoke of both front ends at once ("the dashboard asks which column") and had no full stop."""
    pages = tmp_path / "urlsonly.csv"
    pages.write_text("Address,Title 1\nhttps://example.com/,Home\nhttps://example.com/a,A\n")
    refused = CliRunner().invoke(cli_module.cli, ["jobs", "start", str(pages)])
    assert refused.exit_code == 1
    assert ("name the column that holds it with `--column 'content=HEADER'`, or fetch the pages with `inlink fetch "
            f"{pages} --out-pages pages.csv --out-links links.csv`.") in refused.stderr
    assert "dashboard" not in refused.stderr and "Upload page" not in refused.stderr


@pytest.mark.parametrize("command", [["suggest", "-o", "out.csv"], ["jobs", "start", "--label", "crawl"]])
def test_the_fetch_command_a_refusal_names_runs_from_where_the_user_is(tmp_path, command):
    """The refusal of a crawl without text named its `cli.py fetch` by the file's name alone ("fetch no text.csv"):
    run where the user was, in another folder than the file's, it found no file, and the space split the name in
    two. It names the file as given, quoted for the shell."""
    (tmp_path / "my crawls").mkdir()
    (tmp_path / "my crawls" / "no text.csv").write_text("Address,Title 1\nhttps://example.com/,Home\n"
                                                        "https://example.com/a,A\n")
    here = tmp_path / "work"
    here.mkdir()
    given = "../my crawls/no text.csv"
    refused = subprocess.run([sys.executable, str(REPO / "cli.py"), "--jobs-dir", str(tmp_path / "jobs"), *command,
                              given], cwd=here, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1, refused.stderr
    named = refused.stderr.split("fetch the pages with `", 1)[1].split("`", 1)[0]
    program, fetch, source, *rest = shlex.split(named)
    assert (program, fetch, rest) == ("cli.py", "fetch", ["--out-pages", "pages.csv", "--out-links", "links.csv"])
    assert source == given and (here / source).is_file()


def test_jobs_export_refuses_a_name_other_than_csv_or_xlsx_as_the_readme_says(tmp_path):
    """`jobs export ID --out x.txt` wrote CSV text and exited 0, where the README says any other name is refused
    (a spreadsheet opens a .txt as tab-separated: every row in one cell)."""
    pages = tmp_path / "pages.csv"
    pages.write_text(SMALL_CRAWL)
    job_id = run("jobs", "start", pages).stdout.strip().splitlines()[-1].split()[-1]
    result = CliRunner().invoke(cli_module.cli, ["jobs", "export", job_id, "--out", str(tmp_path / "x.txt")])
    assert result.exit_code == 2 and not (tmp_path / "x.txt").exists()
    assert "x.txt: the file is written as CSV (or as a workbook when named .xlsx), so name it .csv or .xlsx" in \
        " ".join(result.output.split())


def test_the_same_start_twice_is_not_queued_twice_unless_asked(tmp_path, monkeypatch):
    """The dashboard refused a second identical Start while the first job was queued or running; `jobs start` run
    twice queued the same analysis twice (with Gemini, paid twice). It names the first job instead; --again queues
    a second one, and a changed setting is another analysis."""
    monkeypatch.setenv("INLINK_JOBS_DIR", str(tmp_path / "jobs"))
    pages = tmp_path / "crawl.csv"
    pages.write_text(SMALL_CRAWL)
    first = run("jobs", "start", pages).stdout.strip()
    refused = CliRunner().invoke(cli_module.cli, ["jobs", "start", str(pages)])
    assert refused.exit_code == 1
    assert (f"an identical analysis of crawl.csv is already queued: job {first}: nothing was queued (follow "
            f"it with `inlink jobs status {first}`; --again queues a second one)") in " ".join(refused.stderr.split())
    again = run("jobs", "start", pages, "--again").stdout.strip()
    other = run("jobs", "start", pages, "--max-per-page", "3").stdout.strip()
    assert len({first, again, other}) == 3


@pytest.mark.parametrize("change", [["--model", "gemini-2.5-pro"], ["--budget", "3"]])
def test_a_job_resumed_with_another_model_or_budget_is_the_twin_of_a_start_with_those(tmp_path, monkeypatch, change):
    """`jobs resume ID --model NAME` (or --budget) kept the identity of the options the job was started with: a start
    with those options was refused as identical to a job that no longer runs them, and a start with the job's new
    options was queued beside it."""
    monkeypatch.setenv("INLINK_JOBS_DIR", str(tmp_path / "jobs"))
    monkeypatch.setenv("GEMINI_API_KEY", "AIza-test-key")
    pages = tmp_path / "crawl.csv"
    pages.write_text(SMALL_CRAWL)
    start = ["jobs", "start", pages, "--engine", "gemini", "--model", "gemini-2.5-flash", "--budget", "1"]
    first = run(*start).stdout.strip()
    run("jobs", "pause", first)
    run("jobs", "resume", first, *change)                        # queued again, with its new option
    position = start.index(change[0]) + 1
    as_resumed = [*start[:position], change[1], *start[position + 1:]]
    refused = CliRunner().invoke(cli_module.cli, [str(arg) for arg in as_resumed])
    assert refused.exit_code == 1 and f"is already queued: job {first}" in refused.stderr, refused.stderr
    as_started = run(*start).stdout.strip()                      # the first job no longer runs these options
    assert as_started not in ("", first)


@pytest.mark.parametrize("command", [["suggest"], ["jobs", "start"]])
def test_the_column_option_lists_every_field_the_importer_takes(command):
    """--column's help named five fields where the importer's refusal of an unknown one named nine."""
    from inlink.site.columns import PAGE_FIELDS

    shown = " ".join(CliRunner().invoke(cli_module.cli, [*command, "--help"], terminal_width=400).output.split())
    assert f"(fields: {', '.join(PAGE_FIELDS)})" in shown


@pytest.mark.parametrize("program", [["-m", "inlink"], ["cli.py"]])
def test_messages_name_the_command_as_it_was_run(tmp_path, program):
    """Messages said "run `cli.py jobs worker`" however the command line was run (`python3 -m inlink`, the `inlink`
    script): the commands they name are in the name click knows, its own, the engines' and a job's alike."""
    name = "python3 -m inlink" if program[0] == "-m" else "cli.py"
    pages, bare, jobs_dir = tmp_path / "crawl.csv", tmp_path / "urlsonly.csv", tmp_path / "jobs"
    pages.write_text(SMALL_CRAWL)
    bare.write_text("Address,Title 1\nhttps://example.com/,Home\nhttps://example.com/a,A\n")

    def run_as(*args):
        return subprocess.run([sys.executable, *program, "--jobs-dir", str(jobs_dir), *map(str, args)], cwd=REPO,
                              capture_output=True, text=True, timeout=120)
    queued = run_as("jobs", "start", pages)
    job_id = queued.stdout.strip()
    assert queued.returncode == 0 and f"`{name} jobs worker` runs it" in queued.stderr, queued.stderr
    twin = run_as("jobs", "start", pages)                                  # click's own error path
    assert twin.returncode == 1 and f"follow it with `{name} jobs status {job_id}`" in twin.stderr, twin.stderr
    refused = run_as("jobs", "start", bare)                                # the site importer's sentence
    assert refused.returncode == 1 and f"fetch the pages with `{name} fetch {bare}" in refused.stderr
    assert f"Usage: {name} " in run_as("jobs", "--help").stdout
    meta = jobs_dir / f"{job_id}.json"                                     # a job's saved message names cli.py
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "message": "Raise the budget and resume the job to "
                                "continue (`cli.py jobs resume JOB --budget USD`)."}))
    assert f"(`{name} jobs resume JOB --budget USD`)" in run_as("jobs", "status", job_id).stdout


@pytest.mark.parametrize("args, said", [
    (("suggest", "p.csv", "-o", "a.csv", "--max-per-page", "abc"), "'--max-per-page': 'abc' is not a whole number"),
    (("fetch", "x", "--out-pages", "p.csv", "--out-links", "l.csv", "--connections", "1.5"),
     "'--connections': '1.5' is not a whole number"),
    (("jobs", "worker", "--max-running", "two"), "'--max-running': 'two' is not a whole number"),
    (("ui", "--port", "x"), "'--port': 'x' is not a whole number"),
    (("suggest", "p.csv", "-o", "a.csv", "--min-confidence", "abc"), "'--min-confidence': 'abc' is not a number"),
    (("fetch", "x", "--out-pages", "p.csv", "--out-links", "l.csv", "--rate", "fast"),
     "'--rate': 'fast' is not a number"),
    (("jobs", "cleanup", "--days", "abc"), "'--days': 'abc' is not a number"),
])
def test_a_value_that_is_no_number_is_said_so(args, said):
    """click's refusal read "'abc' is not a valid integer range." (or "float range"), as if a range were asked for."""
    refused = CliRunner().invoke(cli_module.cli, list(args))
    assert refused.exit_code == 2 and refused.stdout == "", refused.output
    assert refused.stderr.strip().splitlines()[-1] == f"Error: Invalid value for {said}", refused.stderr


def _commands(group, path=()):
    """(words of the command line, command) of every command under `group`."""
    import click

    for name, command in group.commands.items():
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))


def test_no_help_calls_a_number_a_range():
    """`jobs cleanup --help` showed "--days FLOAT RANGE" and `suggest --help` "--max-per-page INTEGER RANGE", as if a
    range were asked for; numbers read NUMBER or INTEGER, their bounds said after the help text."""
    runner = CliRunner()
    for words, _command in _commands(cli_module.cli):
        shown = runner.invoke(cli_module.cli, [*words, "--help"]).output
        assert "RANGE" not in shown, (words, [line for line in shown.splitlines() if "RANGE" in line])
    assert "--days NUMBER" in runner.invoke(cli_module.cli, ["jobs", "cleanup", "--help"]).output


def test_an_empty_jobs_dir_is_refused_not_read_as_the_current_folder(tmp_path, monkeypatch):
    """`--jobs-dir ''` (an unset shell variable) made the current folder the jobs folder: a reserve file written
    there and every file in it warned about as no job's."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("mine")
    result = CliRunner().invoke(cli_module.cli, ["--jobs-dir", "", "jobs", "list"])
    assert result.exit_code == 2 and "'--jobs-dir': is empty: name a folder" in result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt"]
