"""The product's own sample site (sample_data/): one click from the home page to a running analysis."""
from __future__ import annotations

from inlink import resources
from inlink.jobs import Job, JobStatus
from inlink import uploads as datasets
from inlink.tasks import analysis as link_task

SAMPLE_DIR = resources.sample_dir()     # the clone's sample_data/, or the installed copy inside the package
PAGES_NAME, LINKS_NAME = "pages.csv", "inlinks.csv"
LABEL = "Sample site: Ridgeline Coffee Roasters"
#: the sample's analyses a click follows instead of starting another (a stopped or failed one is started again)
FOLLOWED = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.PAUSED, JobStatus.COMPLETED)


def sample_files() -> tuple[bytes, bytes]:
    """The sample crawl's pages and existing-links files, as an upload would hand them over."""
    return (SAMPLE_DIR / PAGES_NAME).read_bytes(), (SAMPLE_DIR / LINKS_NAME).read_bytes()


def start_sample_analysis(manager) -> tuple[str, Job | None]:
    """Make the sample site the current dataset and start an offline analysis of it; returns (the job id, None). The
    dataset's summary (uploads.summary_from) comes from the report of the parse start_analysis makes anyway, so
    the crawl is parsed once (it was parsed here first, then again to start the job).

    While an analysis of the sample is queued, running, paused or completed, that one is followed instead of a
    second, and returned as (its id, the job): a double click started the same analysis twice, and a click after it
    finished made a copy of it, while the page said "Analysis started" either way."""
    pages, links = sample_files()
    earlier = link_task.same_analysis(manager, pages, links=links, statuses=FOLLOWED)
    if earlier is None:
        reports = []
        try:
            job_id = link_task.start_analysis(manager, pages, pages_name=PAGES_NAME, links=links,
                                              links_name=LINKS_NAME, label=LABEL, on_report=reports.append,
                                              refuse_identical=True)
        except link_task.IdenticalAnalysis as twin:   # started meanwhile (another tab)
            earlier = twin.job
        else:
            _save(pages, links, reports[0])
            return job_id, None
    if not _is_current(pages, links):   # clicked again after another upload: the sample is the dataset again
        _save(pages, links, link_task.site_import().load_site(pages, links, pages_name=PAGES_NAME,
                                                              links_name=LINKS_NAME).report)
    return earlier.job_id, earlier


def _save(pages: bytes, links: bytes, report) -> None:
    datasets.save_dataset(pages, PAGES_NAME, links=links, links_name=LINKS_NAME, summary=datasets.summary_from(report))


def _is_current(pages: bytes, links: bytes) -> bool:
    """Whether the current dataset is the sample site already (saved by the click that started its analysis)."""
    current = datasets.latest_dataset()
    return (current is not None and current.pages_name == PAGES_NAME and current.links_path is not None
            and not (current.column_map or current.sheet or current.site_hosts or current.links_sheet)
            and current.pages_path.read_bytes() == pages and current.links_path.read_bytes() == links)
