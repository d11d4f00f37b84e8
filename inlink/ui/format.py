"""Plain-language formatting of job figures, so every page shows times, rates and statuses the same way."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from inlink.jobs import ACTIVE_STATUSES as ACTIVE_STATUSES   # the engine's (queued, running, paused), re-exported
from inlink.jobs import Job, JobStatus
from inlink.tasks.kinds import engine_of as engine_of, is_gemini as is_gemini   # re-exported: fmt.engine_of
from inlink.tasks.kinds import spent_usd as spent_usd   # the job's Gemini spend: fmt.spent_usd(job.counters)
from inlink.tasks.kinds import fetched_site as fetched_site   # the site a fetch job read
from inlink.tasks.kinds import FETCH_TASK, LINK_TASK
from inlink.wording import counted
from inlink.wording import usd as usd   # the one rule of amounts ("$0.0050", "$12.50", "$0"), re-exported: fmt.usd

# JobStatus is a str enum: its members compare equal to (and hash like) the plain status strings too.
RESUMABLE_STATUSES = (JobStatus.PAUSED, JobStatus.FAILED, JobStatus.STOPPED)

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


#: task -> (what its items are, what its result rows are, what the job is), for the job engine's generic sentences
TASK_WORDS = {LINK_TASK: ("page", "suggestion", "Analysis"), FETCH_TASK: ("URL", "page row", "Fetch")}


def in_task_words(job: Job, text: str | None) -> str:
    """A job engine sentence in the task's words: "Completed: 45 items, 34 result rows." reads "Completed:
    45 pages, 34 suggestions." (the engine is generic on purpose: it knows no pages); "Job created for task
    'link_analysis' (site.csv)." reads "Analysis created (site.csv)." and "Step 3/3 'analyze' started" reads
    "Step 3 of 3 (analyze) started", as the panel names its steps."""
    words = TASK_WORDS.get(job.task)
    if not words or not text:
        return text or ""
    item, row, kind = words
    text = re.sub(rf"^Job created for task '{re.escape(job.task)}'", f"{kind} created", text)
    text = re.sub(r"\bStep (\d+)/(\d+) '(\w+)'", r"Step \1 of \2 (\3)", text)
    text = re.sub(r"\b([Ii])tem(s?)\b", lambda m: (item[0].upper() + item[1:] if m[1] == "I" else item) + m[2], text)
    text = re.sub(r"\bresult row(s?)\b", lambda m: row + m[1], text)
    return re.sub(rf"(?<![\d,.])1 ({item}|{row})s\b", r"1 \1", text)   # the engine's "1 items"


def job_kind(job: Job) -> str:
    """'analysis' or 'fetch': what the job is, for sentences ("The fetch failed ...")."""
    return TASK_WORDS.get(job.task, ("", "", "Analysis"))[2].lower()


def item_noun(job: Job) -> str:
    """What the job's progress counts: 'page' (an analysis, and any task of unknown words), 'URL' (a fetch)."""
    return TASK_WORDS.get(job.task, ("page",))[0]


plural = counted   # the dashboard's name for the one rule of counts (inlink.wording)


def dataset_pages(summary: dict) -> str:
    """'49 pages (4 left out: not indexable HTML)' for a saved dataset's summary: the pages an analysis never
    analyses nor links to are named, so the progress's "of 45 pages" adds up."""
    pages, left_out = int(summary.get("pages") or 0), int(summary.get("left_out") or 0)
    return plural(pages, "page") + (f" ({left_out:,} left out: not indexable HTML)" if left_out else "")


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


def short_url(url: str) -> str:
    """url_path() cut to 60 characters, for narrow tables and chart labels."""
    text = url_path(url)
    return text if len(text) <= 60 else text[:57] + "…"


def file_name_of(job: Job) -> str:
    """The uploaded file a job analyses, for titles and banners."""
    config = job.config or {}
    return str(job.label or config.get("pages_name") or job.job_id or "analysis")


def spend_text(job: Job) -> str:
    """What a Gemini job has spent so far, in words, for the job panel and `jobs status` ('$0.0215 of a $1.00
    budget: 22 Gemini calls, 66,000 prompt and 3,300 output tokens'); "" for a job of another engine."""
    if not is_gemini(job):
        return ""
    return spend_words(job.counters or {}, budget_usd(job))


def budget_usd(job: Job) -> float | None:
    """The budget in US dollars a job's options set (None without one): read here only, for spend_text and the
    job panel's budget field."""
    budget = ((job.config or {}).get("options") or {}).get("budget_usd")
    return float(budget) if budget else None


def spend_words(counters: dict, budget: float | None) -> str:
    """Gemini's spend from a job's (or `suggest`'s) counters, in the words of spend_text."""
    spent = usd(spent_usd(counters)) + (f" of a {usd(float(budget))} budget" if budget else "")
    return (f"{spent}: {counted(int(counters.get('gemini_calls') or 0), 'Gemini call')}, "
            f"{int(counters.get('prompt_tokens') or 0):,} prompt and {int(counters.get('output_tokens') or 0):,} "
            "output tokens" + _dropped_words(counters))


def _dropped_words(counters: dict) -> str:
    """'; 14 of Gemini's picks failed the checks and were dropped (anchor not in text 14)': counted by the engine and
    shown nowhere, so a run of 0 suggestions did not say why."""
    dropped = int(counters.get("suggestions_dropped") or 0)
    if not dropped:
        return ""
    reasons = sorted(((name[len("dropped_"):].replace("_", " "), int(value)) for name, value in counters.items()
                      if name.startswith("dropped_") and value), key=lambda item: -item[1])
    why = ", ".join(f"{reason} {count:,}" for reason, count in reasons)
    return (f"; {dropped:,} of Gemini's picks failed the checks and {'was' if dropped == 1 else 'were'} dropped"
            + (f" ({why})" if why else ""))
