"""Plain-language formatting of job figures, so every page shows times, rates and statuses the same way."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from inlink.jobs import ACTIVE_STATUSES as ACTIVE_STATUSES   # the engine's (queued, running, paused), re-exported
from inlink.jobs import Job, JobStatus
from inlink.tasks.kinds import engine_of as engine_of, is_gemini as is_gemini   # re-exported: fmt.engine_of
from inlink.tasks.kinds import spent_usd as spent_usd   # the job's Gemini spend: fmt.spent_usd(job.counters)
from inlink.tasks.kinds import fetched_site as fetched_site   # the site a fetch job read
from inlink.tasks.kinds import budget_usd as budget_usd, is_fetch as is_fetch   # a Gemini job's budget; a fetch?
from inlink.tasks.kinds import links_given as links_given, model_of as model_of   # the job's links file? its model
from inlink.tasks.kinds import pages_label
from inlink.tasks.job_words import TASK_WORDS as TASK_WORDS, in_task_words as in_task_words   # re-exported, for
from inlink.tasks.job_words import item_noun as item_noun, job_kind as job_kind              # the dashboard's
from inlink.tasks.job_words import spend_text as spend_text, spend_words as spend_words      # fmt.<name>
from inlink.tasks.job_words import paused_at_budget as paused_at_budget   # the budget field's cue
from inlink.tasks.job_words import paused_for_key as paused_for_key   # the key field's cue
from inlink.tasks.job_words import paused_for_model as paused_for_model   # the model field's cue
from inlink.wording import counted, shortened
from inlink.wording import usd as usd   # the one rule of amounts ("$0.0050", "$12.50", "$0"), re-exported: fmt.usd

# JobStatus is a str enum: its members compare equal to (and hash like) the plain status strings too.
RESUMABLE_STATUSES = (JobStatus.PAUSED, JobStatus.FAILED)   # a stopped job is over for good (the engine)
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")   # the signs Streamlit's Markdown reads (as_text)

#: status -> (label, badge colour, material icon)
STATUS_STYLE = {
    JobStatus.QUEUED: ("Queued", "gray", ":material/schedule:"),
    JobStatus.RUNNING: ("Running", "blue", ":material/autorenew:"),
    JobStatus.PAUSED: ("Paused", "orange", ":material/pause_circle:"),
    JobStatus.COMPLETED: ("Completed", "green", ":material/check_circle:"),
    JobStatus.FAILED: ("Failed", "red", ":material/error:"),
    JobStatus.STOPPED: ("Stopped", "gray", ":material/stop_circle:"),
}


def status_label(status: str | None) -> str:
    """'Running', 'Completed'... for a job status (unknown ones are shown as they are)."""
    return STATUS_STYLE.get(status or "", (str(status or "Unknown").title(), "gray", ""))[0]


def shown_status(job: Job) -> str:
    """The status as the user should read it: 'Pausing' / 'Stopping' while a request waits for the page
    in progress, so the click shows at once in every tab."""
    requested = job.requested_action
    if job.status is JobStatus.RUNNING and requested in ("pause", "stop"):
        return "Pausing" if requested == "pause" else "Stopping"
    return status_label(job.status)


def progress_figures(job: Job) -> tuple[int, int, float]:
    """(pages done, total pages, percentage) of a job: its computed progress, else its metadata."""
    progress = job.progress()
    return (int(progress["items_done"] or job.items_done or 0),
            int(progress["total_items"] or job.total_items or 0),
            float(progress["percentage"] or job.progress_percentage or 0.0))


plural = counted   # the dashboard's name for the one rule of counts (inlink.wording)


def dataset_pages(summary: dict) -> str:
    """'49 pages, of which 45 are analysed (4 left out: 2 non-indexable, 1 status 301, 1 not HTML)' for a saved
    dataset's summary (uploads.summary_from): the two figures explain each other, and the second is the job's
    progress ("45 of 45 pages"). Before, '49 pages (4 left out: not indexable HTML)' left the reader to subtract,
    and said nothing of the pages without text (link targets, never analysed). A summary saved before it counted
    these figures: the pages less those left out, "not indexable HTML"."""
    pages, left_out, no_text = (int(summary.get(name) or 0) for name in ("pages", "left_out", "no_text"))
    analysed = summary.get("analysed")
    analysed = pages - left_out - no_text if analysed is None else int(analysed)
    if analysed == pages:
        return plural(pages, "page")
    reasons = summary.get("left_out_reasons") or {}
    kinds = (", ".join(f"{count:,} {kind}" for kind, count in reasons.items()) if len(reasons) > 1
             else next(iter(reasons), "not indexable HTML"))
    why = ([f"{left_out:,} left out: {kinds}"] if left_out else []) + (
        [f"{no_text:,} without body text: link targets only"] if no_text else [])
    return (f"{plural(pages, 'page')}, of which {analysed:,} {'is' if analysed == 1 else 'are'} analysed"
            + (f" ({'; '.join(why)})" if why else ""))


def dataset_files(pages_name: str, links_name: str | None, summary: dict) -> str:
    """A saved dataset's files, and the site it was fetched from: every fetched dataset is "fetched-pages.csv +
    fetched-links.csv", whichever site it holds."""
    site = (summary or {}).get("site")
    return (pages_name + (f" + {links_name}" if links_name else "")
            + (f", fetched from {site}" if site else ""))


def fetched_host(summary: dict) -> str:
    """The host (and port) a saved dataset's pages were fetched from, "" for an upload."""
    return str((summary or {}).get("site") or "").split("://", 1)[-1]


def analysis_label(summary: dict) -> str | None:
    """The name of an analysis of a fetched dataset, "example.com (fetched pages)" (its file is fetched-pages.csv
    for every site, and the Jobs list told two sites' analyses apart by their ids alone); None for an upload, whose
    analysis is named by its file."""
    host = fetched_host(summary)
    return f"{host} (fetched pages)" if host else None


def duration(seconds: float | None) -> str:
    """'2 h 05 min', '3 min 07 s', '42 s' or '—' when unknown."""
    if seconds is None or seconds != seconds or seconds < 0:
        return "—"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


def per_minute(per_second: float | None) -> str:
    """A rate as a short number of pages per minute ('—' before the first page), for metric tiles."""
    if not per_second:
        return "—"
    value = per_second * 60
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def money(amount: float | None) -> str:
    """'$0.0123' for small Gemini costs, '—' for offline jobs that cost nothing."""
    if not amount:
        return "—"
    return usd(amount)


def parse_time(value: str | None) -> datetime | None:
    """An ISO-8601 timestamp from job metadata as an aware datetime (None when missing or unreadable)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def timestamp(value: str | None) -> str:
    """'2026-11-22 08:30 UTC' for a metadata timestamp, '—' when missing."""
    parsed = parse_time(value)
    return parsed.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC") if parsed else "—"


def short_timestamp(value: str | None) -> str:
    """'Nov 22 08:30' (UTC) for a table of recent jobs whose header names the zone: the full form made the
    Jobs table wider than the page at 1,400 px; '—' when missing."""
    parsed = parse_time(value)
    return parsed.astimezone(timezone.utc).strftime("%b %d %H:%M") if parsed else "—"


def clock(value: str | None) -> str:
    """'08:30:12' (UTC) for a metadata timestamp, for event lists within a day."""
    parsed = parse_time(value)
    return parsed.astimezone(timezone.utc).strftime("%H:%M:%S") if parsed else "—"


def url_path(url: str) -> str:
    """A URL without its scheme and host (every page of a site shares them)."""
    text = str(url)
    if "://" in text:
        text = text.split("://", 1)[1]
        text = "/" + text.split("/", 1)[1] if "/" in text else "/"
    return text


def file_name_in(name: str, most: int) -> str:
    """A file name in `most` characters, '…' in the middle: its end (the date, the version, the extension) is what
    tells one export from another, and an ellipsis at the end of a figure hid it ("screaming-frog-internal-html-
    expo…" for a name ending in "2026-12-01-final-v3.csv")."""
    if len(name) <= most:
        return name
    tail = (most - 1) // 2
    return name[:most - 1 - tail].rstrip() + "…" + name[-tail:].lstrip()


def short_url(url: str) -> str:
    """url_path() in 60 characters at most, for narrow tables and chart labels."""
    text = url_path(url)
    return shortened(text, 60)


def file_name_of(job: Job) -> str:
    """The uploaded file a job analyses, for titles and banners: its label, else its pages file's name, else its
    id."""
    return str(job.label or pages_label(job) or job.job_id or "analysis")


def as_text(text: str) -> str:
    """`text` shown as it is where Streamlit reads Markdown (a backslash before each sign it reads): a file name
    (my_site_v2.csv), an id from the address bar (/jobs?job=[x](http://...) drew a live link), a URL pattern the
    analyst typed ("*/blog/*" read as emphasis)."""
    return _MARKDOWN.sub(r"\\\1", text)


def as_code(text: str) -> str:
    """`text` as an inline code span where Streamlit reads Markdown: shown exactly as written, and never a link
    (as_text's escapes leave "crawl-www.example-shop.co.uk-2026.csv" and "https://…" to the autolinker, which drew
    them as live links); the fence is longer than any run of backticks in the text."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
