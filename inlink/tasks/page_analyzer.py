"""One source page into suggestion rows with the chosen engine (offline, or Gemini over the same candidates):
shared by a job's pages and `cli.py suggest`; Gemini's refusals turned into the job engine's pause and skip, the
pause worded for the job (what to do about it), with its facts kept for a caller that runs no job.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping

from inlink.gemini.keys import api_key_from_env
from inlink.jobs import ItemError, PauseJob
from inlink.links import suggest as link_engine
from inlink.tasks.answers import FolderAnswers
from inlink.tasks.job_words import CHECK_THE_SETTINGS, NEW_KEY_REMEDY, NEW_MODEL_COMMAND, RAISE_BUDGET_COMMAND
from inlink.tasks.options import MissingApiKey, analysis_config

if TYPE_CHECKING:
    from inlink.site.load import SiteData

SECRET_KEY = "gemini_api_key"      # a job's secrets: the key typed in the dashboard (memory only)
#: Gemini pages in a row whose answers could not be used before a job pauses (and `suggest` stops) instead of
#: paying for the next.
UNUSABLE_PAGES_PAUSE = 5
#: What a job does when Gemini stops it, by GeminiStopped.stopped_by: said after the reason in the job's message.
JOB_REMEDIES = {"budget": f"raise the budget and resume the job to continue ({RAISE_BUDGET_COMMAND})",
                "unavailable": "resume the job later",
                "unusable": f"{CHECK_THE_SETTINGS}, and resume the job later",
                "key": NEW_KEY_REMEDY,
                "model": f"give another model and resume the job ({NEW_MODEL_COMMAND})",
                "refused": f"{CHECK_THE_SETTINGS}, and the Google account's billing and region, then resume the job"}


class GeminiStopped(PauseJob):
    """Gemini stopped the run: its budget is spent ("budget"), it stays unavailable ("unavailable"), its answers
    stay unusable ("unusable"), it refused the key ("key"), does not know the model ("model") or refuses every
    request for the account or the settings ("refused"). A job pauses with
    the message, the reason followed by what a job does about it (JOB_REMEDIES); a command that runs no job words its
    own remedy from `stopped_by` and `reason`, or raises `error`, the engine's own (a refused key, an unknown
    model). `counters`: what the page that stopped it had paid for and not counted (an unreadable answer before the
    budget ran out): a job keeps it with the page's answers for its resume; a command that runs no job counts it."""

    def __init__(self, stopped_by: str, reason: str, error: Exception | None = None,
                 counters: dict[str, float] | None = None) -> None:
        super().__init__(f"{reason}; {JOB_REMEDIES[stopped_by]}")
        self.stopped_by = stopped_by
        self.reason = reason
        self.error = error
        self.counters = counters or {}


@dataclass
class PageAnalyzer:
    """Turns one source page into suggestion rows with the chosen engine; shared by jobs and `cli.py suggest`."""

    index: link_engine.LinkIndex
    gemini: object | None = None      # a GeminiEngine; None = the offline engine
    _record_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _unusable_in_a_row: int = 0       # Gemini pages whose answers could not be used since the last good one

    def rows_for(self, url: str, count: Callable[..., None] | None = None) -> list[dict]:
        if self.gemini is None:
            return link_engine.analyze_page(self.index, url)
        return self._gemini_rows(url, count)

    def _gemini_rows(self, url: str, count: Callable[..., None] | None) -> list[dict]:
        from inlink.gemini import errors as gemini_errors  # on demand: an offline run needs none of the Gemini package
        from inlink.gemini.picks import drop_category

        try:
            outcome = self.gemini.suggest(self.index, url)
        except gemini_errors.Interrupted as exc:   # the job's own pause or stop: this page is asked again
            raise PauseJob(f"{exc}; the page is asked again when the job resumes") from None
        except (gemini_errors.BudgetExceeded, gemini_errors.GeminiUnavailable) as exc:
            # a spent budget or quota, a service down: no failure of the job
            raise GeminiStopped("budget" if isinstance(exc, gemini_errors.BudgetExceeded) else "unavailable",
                                str(exc), counters=exc.counters) from None
        except gemini_errors.KeyRefused as exc:
            # a wrong or revoked key refuses every page alike, and costs nothing: the job waits for another key (it
            # failed, and its panel offered no way to give one: a Resume sent the refused key again)
            raise GeminiStopped("key", str(exc), exc, exc.counters) from None
        except gemini_errors.ModelUnknown as exc:
            # a model the API does not know refuses every page alike, and costs nothing: the job waits for another
            # model (it failed, and a resume could only ask the same model again)
            raise GeminiStopped("model", str(exc), exc, exc.counters) from None
        except gemini_errors.GeminiRequestError as exc:
            # refused for the account, the project or the settings every request carries (a 400 FAILED_PRECONDITION
            # "location not supported without billing"): every page alike. The job failed, naming no remedy; it
            # waits for the user to fix it, as for a key or a model
            raise GeminiStopped("refused", str(exc), exc, exc.counters) from None
        except gemini_errors.PageAnalysisError as exc:
            if count is not None:
                count(**exc.counters)  # the tokens were spent even though the page failed
            if not isinstance(exc, gemini_errors.AnswerWithheld):   # refused for what that page holds, once
                self._stop_paying_for_unusable_answers(exc)
            raise ItemError(str(exc)) from None
        with self._record_lock:
            self._unusable_in_a_row = 0
        outcome.rows = self._record_under_cap(outcome, drop_category)
        if count is not None:
            count(**outcome.counters())
        return outcome.rows

    def _stop_paying_for_unusable_answers(self, exc: Exception) -> None:
        """Pause once UNUSABLE_PAGES_PAUSE pages in a row got answers that could not be used: every page was paid
        for 1 + parse_retries times and skipped (a model or settings that cannot give the answer asked for, e.g.
        an output cap that cuts it: a 45-page run paid 135 calls for 0 suggestions and exited 0). A page Gemini
        refused for what it holds (AnswerWithheld: SAFETY...) neither counts nor breaks the run: it says nothing of
        the model or the settings, was paid once, and a section of such pages paused the job, again after each
        resume, telling the user to check settings that were fine."""
        with self._record_lock:
            self._unusable_in_a_row += 1
            in_a_row = self._unusable_in_a_row
        if in_a_row >= UNUSABLE_PAGES_PAUSE:
            raise GeminiStopped("unusable", f"Gemini's answers could not be used for {in_a_row} pages in a row "
                                            f"(last: {exc})")

    def _record_under_cap(self, outcome, drop_category: Callable[[str], str]) -> list[dict]:
        """Record a page's rows in the shared inbound counts; return the rows kept. Gemini pages run on
        several threads and each was checked before the others were recorded, so every row is checked again
        under the lock: another page may have filled its target's inbound cap meanwhile (counted as a drop)."""
        kept: list[dict] = []
        with self._record_lock:
            for row in outcome.rows:
                why = link_engine.validate_suggestion(self.index, outcome.source, row["Destination"], row["Anchor"])
                if why:
                    outcome.dropped[drop_category(why)] += 1
                    continue
                link_engine.record_suggestions(self.index, [row])
                kept.append(row)
        return kept


def build_page_analyzer(site: SiteData, options: Mapping, api_key: str | None,
                        spent_usd: float = 0.0, on_wait: Callable[[str], None] | None = None) -> PageAnalyzer:
    """Build the index once and attach the chosen engine; raises a plain error when Gemini has no key."""
    return page_analyzer_for(link_engine.build_index(site, analysis_config(options)), options, api_key, spent_usd,
                             on_wait=on_wait)


def page_analyzer_for(index: link_engine.LinkIndex, options: Mapping, api_key: str | None,
                      spent_usd: float = 0.0, answers: FolderAnswers | None = None,
                      interrupted: Callable[[], bool] | None = None,
                      on_wait: Callable[[str], None] | None = None) -> PageAnalyzer:
    """The chosen engine over a built (or restored) index; raises a plain error when Gemini has no key.
    `answers` keeps Gemini's paid answers until their pages are committed (a job's folder; None: not kept);
    `interrupted` says when a job's pause or stop was asked (Gemini's retry waits give up then); `on_wait` hears
    of Gemini's long retry waits, in a sentence (a job's events)."""
    if options["engine"] == "offline":
        return PageAnalyzer(index=index)
    return PageAnalyzer(index=index, gemini=_gemini_engine(options, api_key, spent_usd, answers, interrupted,
                                                           on_wait))


def _gemini_engine(options: Mapping, api_key: str | None, spent_usd: float, answers: FolderAnswers | None,
                   interrupted: Callable[[], bool] | None = None, on_wait: Callable[[str], None] | None = None):
    key = api_key or api_key_from_env()
    if not key:
        raise MissingApiKey("the Gemini engine needs an API key: set GEMINI_API_KEY (or GOOGLE_API_KEY), "
                           "or type the key in the dashboard, then resume the job")
    from inlink.gemini import engine as gemini_engine  # imported on demand: offline runs never load the google-genai SDK

    settings = gemini_engine.GeminiSettings.from_options(
        model=options.get("model"), budget_usd=options.get("budget_usd"), rpm=options.get("rpm"))
    return gemini_engine.GeminiEngine(key, settings, spent_usd=spent_usd, answers=answers, interrupted=interrupted,
                                      on_wait=on_wait)
