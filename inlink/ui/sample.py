"""The product's own sample site (sample_data/): one click from the home page to a running analysis."""
from __future__ import annotations

from inlink import resources
from inlink import uploads as datasets
from inlink.tasks import analysis as link_task

SAMPLE_DIR = resources.sample_dir()     # the clone's sample_data/, or the installed copy inside the package
PAGES_NAME, LINKS_NAME = "pages.csv", "inlinks.csv"
LABEL = "Sample site: Ridgeline Coffee Roasters"


def sample_files() -> tuple[bytes, bytes]:
    """The sample crawl's pages and existing-links files, as an upload would hand them over."""
    return (SAMPLE_DIR / PAGES_NAME).read_bytes(), (SAMPLE_DIR / LINKS_NAME).read_bytes()


def start_sample_analysis(manager) -> str:
    """Make the sample site the current dataset and start an offline analysis of it; returns the job id. The
    dataset's summary (uploads.summary_from) comes from the report of the parse start_analysis makes anyway, so
    the crawl is parsed once (it was parsed here first, then again to start the job)."""
    pages, links = sample_files()
    reports = []
    job_id = link_task.start_analysis(manager, pages, pages_name=PAGES_NAME, links=links, links_name=LINKS_NAME,
                                      label=LABEL, on_report=reports.append)
    datasets.save_dataset(pages, PAGES_NAME, links=links, links_name=LINKS_NAME,
                          summary=datasets.summary_from(reports[0]))
    return job_id
