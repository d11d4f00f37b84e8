"""The Gemini engine's errors, one class per remedy: the caller (a job, a foreground command) words what to do
from the class and its fields (a new key, another model, a larger budget, asking later, skipping the page)."""
from __future__ import annotations

from inlink.wording import usd


class GeminiError(Exception):
    """Base of the engine's errors; messages are plain sentences and never contain the API key.

    A message says what happened, never what to do about it: that depends on who called the engine (a job is
    resumed, a foreground command run again), so the caller words the remedy from the error's fields."""

    plain_message = True   # a job failing on one shows its message as it stands (jobs/runner.py)

    def __init__(self, message: str, counters: dict[str, float] | None = None) -> None:
        super().__init__(message)
        self.counters = counters or {}   # usage already spent on the page when it failed (tokens, cost_usd)


class GeminiRequestError(GeminiError):
    """Gemini refused the request itself (bad key, no permission, unknown model): retrying cannot help."""


class KeyRefused(GeminiRequestError):
    """Gemini refused the API key itself (invalid, revoked, suspended, the API not enabled for it): every page
    would be refused alike, and only another key goes on, so a job waits for one instead of failing."""


class ModelUnknown(GeminiRequestError):
    """Gemini does not know the model asked for (404 NOT_FOUND, "models/x is not found"): every page would be
    refused alike, and only another model goes on, so a job waits for one instead of failing."""


class ModelWithoutQuota(ModelUnknown):
    """Gemini allows the key no request to the model at all (a 429 whose quota limit is 0: the model is not in the
    plan of the key's project, e.g. Gemini 2.5 Pro on the free tier): asked later, or tomorrow, it is refused alike,
    so a job waits for another model (or billing for the project), as for a model Gemini does not know."""


class GeminiUnavailable(GeminiError):
    """Gemini stayed unreachable or rate limited through every retry (`attempts` calls, the last failing with
    `last_failure`), or asked to wait longer than the settings allow (`retry_after_s`): asking later may succeed."""

    def __init__(self, message: str, counters: dict[str, float] | None = None, *, attempts: int = 1,
                 last_failure: str = "", retry_after_s: float | None = None) -> None:
        super().__init__(message, counters)
        self.attempts = attempts
        self.last_failure = last_failure
        self.retry_after_s = retry_after_s


class PageAnalysisError(GeminiError):
    """Gemini's answers for one page could not be read; the page is skipped and the job goes on."""


class PageRefused(PageAnalysisError):
    """Gemini refused the request made for one page as invalid (400 INVALID_ARGUMENT, not about the key): that
    page is skipped like one whose answers could not be read. As a request error it failed the whole job, and
    every resume failed again on the same page; a refusal of the key, the project or the model stays a
    GeminiRequestError, since it refuses every page alike."""


class PageFailed(PageAnalysisError):
    """Gemini failed on one page's request every time (500 INTERNAL through every retry) while it answered other
    pages meanwhile: the page is skipped like one whose answers could not be read, where an outage pauses the job."""


class AnswerWithheld(PageAnalysisError):
    """Gemini blocked the page's request or withheld its answer for what the page holds (SAFETY, RECITATION,
    PROHIBITED_CONTENT...): asked again, the same page is refused the same way, and each refusal is billed, so the
    page is skipped after one call (a SAFETY answer was asked twice more, and paid three times, for nothing)."""


class BudgetExceeded(GeminiError):
    """The spend cap was reached before a new call: `spent_usd` of `budget_usd`; only a larger budget goes on."""

    def __init__(self, spent_usd: float, budget_usd: float, counters: dict[str, float] | None = None) -> None:
        super().__init__(f"the Gemini budget of {usd(budget_usd)} is used up (spent {usd(spent_usd)})", counters)
        self.spent_usd = spent_usd
        self.budget_usd = budget_usd


class Interrupted(GeminiError):
    """The caller asked the engine to stop (its `interrupted` said so, e.g. a pause or stop of a job) while a call
    waited its turn or a retry: no answer was bought for the page, which is to be asked again."""
