"""A job in its task's words, for every front end (the dashboard and the CLI): the job engine's generic sentences
("Completed: 45 items") as the task's ("45 pages"), what kind of job it is, and a Gemini job's spend.

Here, in the tasks' layer, because the tasks define these words and both front ends read them; neither front end
imports the other.
"""
from __future__ import annotations

import re

from inlink.jobs import Job, JobStatus
from inlink.tasks.kinds import FETCH_TASK, LINK_TASK, budget_usd, is_gemini, spent_usd
from inlink.wording import counted, usd

#: How a user raises the budget of a Gemini job paused at it, as the job's pause message says it (JOB_REMEDIES in
#: page_analyzer.py); a front end with its own way to raise it names that instead (in_task_words' raise_budget).
RAISE_BUDGET_COMMAND = "`cli.py jobs resume JOB --budget USD`"

#: What a user does when Gemini refuses a job's key, as the job's pause message says it (JOB_REMEDIES); the job's
#: panel asks for a key when its message names this.
NEW_KEY_REMEDY = "give a valid key (type it in the job's panel, or set GEMINI_API_KEY) and resume the job"

#: How a user gives a Gemini job another model when Gemini does not know its own, as the job's pause message says
#: it (JOB_REMEDIES); the job's panel offers a model field when its message names this.
NEW_MODEL_COMMAND = "`cli.py jobs resume JOB --model NAME`"

#: What a user does about Gemini answers that stay unusable, whatever runs the pages (a job, or `cli.py suggest`).
CHECK_THE_SETTINGS = "check the model and the Gemini settings"

#: task -> (what its items are, what its result rows are, what the job is), for the job engine's generic sentences
TASK_WORDS = {LINK_TASK: ("page", "suggestion", "Analysis"), FETCH_TASK: ("URL", "page row", "Fetch")}


def paused_at_budget(job: Job) -> bool:
    """Whether the job is paused because its Gemini budget is spent (its pause message names the way to raise it):
    a front end offers to raise the budget then, not on a job paused by request or waiting for its key."""
    return job.status is JobStatus.PAUSED and RAISE_BUDGET_COMMAND in (job.message or "")


def paused_for_key(job: Job) -> bool:
    """Whether the job is paused because Gemini refused its key: a front end asks for another key then, even when it
    holds one (the one refused)."""
    return job.status is JobStatus.PAUSED and NEW_KEY_REMEDY in (job.message or "")


def paused_for_model(job: Job) -> bool:
    """Whether the job is paused because Gemini does not know its model: a front end offers another model then."""
    return job.status is JobStatus.PAUSED and NEW_MODEL_COMMAND in (job.message or "")


def in_task_words(job: Job, text: str | None, raise_budget: str | None = None, new_model: str | None = None) -> str:
    """A job engine sentence in the task's words: "Completed: 45 items, 34 result rows." reads "Completed:
    45 pages, 34 suggestions." (the engine is generic on purpose: it knows no pages); "Job created for task
    'link_analysis' (site.csv)." reads "Analysis created (site.csv)." and "Step 3/3 'analyze' started" reads
    "Step 3 of 3 (analyze) started", as the panel names its steps.

    `raise_budget`: how the front end showing the sentence raises a job's budget (the dashboard: "the budget
    field below"), named in a budget pause in place of the command line's RAISE_BUDGET_COMMAND; the job's record
    keeps sentences only, so its pause message and events name the command line's way. `new_model`: the same for
    the way to give a job another model (NEW_MODEL_COMMAND)."""
    words = TASK_WORDS.get(job.task)
    if not words or not text:
        return text or ""
    if raise_budget:
        text = text.replace(f"({RAISE_BUDGET_COMMAND})", f"({raise_budget})")
    if new_model:
        text = text.replace(f"({NEW_MODEL_COMMAND})", f"({new_model})")
    item, row, kind = words
    text = re.sub(rf"^Job created for task '{re.escape(job.task)}'", f"{kind} created", text)
    text = re.sub(r"\bStep (\d+)/(\d+) '(\w+)'", r"Step \1 of \2 (\3)", text)
    # the words between the URLs a sentence quotes: "https://shop.example/items/42" read ".../URLs/42" in a fetch's
    return "".join(part if at % 2 else _task_words(part, item, row) for at, part in enumerate(_URLS.split(text)))


_URLS = re.compile(r"(https?://[^\s'\"]+)")   # split keeps them, at the odd places


def _task_words(text: str, item: str, row: str) -> str:
    """The engine's "items" and "result rows" of a sentence (no URL in it) as the task's."""
    text = re.sub(r"\b([Ii])tem(s?)\b", lambda m: (item[0].upper() + item[1:] if m[1] == "I" else item) + m[2], text)
    text = re.sub(r"\bresult row(s?)\b", lambda m: row + m[1], text)
    return re.sub(rf"(?<![\d,.])1 ({item}|{row})s\b", r"1 \1", text)   # the engine's "1 items"


def job_kind(job: Job) -> str:
    """'analysis' or 'fetch': what the job is, for sentences ("The fetch failed ...")."""
    return TASK_WORDS.get(job.task, ("", "", "Analysis"))[2].lower()


def item_noun(job: Job) -> str:
    """What the job's progress counts: 'page' (an analysis, and any task of unknown words), 'URL' (a fetch)."""
    return TASK_WORDS.get(job.task, ("page",))[0]


def spend_text(job: Job) -> str:
    """What a Gemini job has spent so far, in words, for the job panel and `jobs status` ('$0.0215 of a $1.00
    budget: 22 Gemini calls, 66,000 prompt and 3,300 output tokens'); "" for a job of another engine."""
    if not is_gemini(job):
        return ""
    return spend_words(job.counters or {}, budget_usd(job))


def spend_words(counters: dict, budget: float | None) -> str:
    """Gemini's spend from a job's (or `suggest`'s) counters, in the words of spend_text."""
    spent = usd(spent_usd(counters)) + (f" of a {usd(float(budget))} budget" if budget else "")
    cached = int(counters.get("cached_tokens") or 0)   # billed at the cached rate: said, or the cost looked wrong
    return (f"{spent}: {counted(int(counters.get('gemini_calls') or 0), 'Gemini call')}, "
            f"{int(counters.get('prompt_tokens') or 0):,} prompt"
            + (f" ({cached:,} of them from Gemini's cache)" if cached else "")
            + f" and {int(counters.get('output_tokens') or 0):,} output tokens" + _dropped_words(counters))


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
