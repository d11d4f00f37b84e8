"""The Gemini engine: the offline engine proposes candidates for a page, Gemini picks and explains them.

Gemini only chooses among (and words reasons for) targets the offline engine already found, and every answer
is checked with the offline engine's own `validate_suggestion`, so the model can never put an invented anchor,
an unknown page or a self link in the results. Transport trouble (429, 5xx, timeouts) is retried here with
backoff that honours the wait the server asks for (RetryInfo, Retry-After, "retry in 12s"); the SDK's own retry
is switched off so it cannot hide those waits.
The API key lives only inside the SDK client and in a redacting holder used to scrub error messages.
"""
from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Collection

from google.genai import errors, types
from pydantic import ValidationError

from inlink.gemini import prompt as gemini_prompt
from inlink.gemini.answers import (
    AnswerStore,
    LinkPicks,
    Usage,
    answer_key,
    finish_reason,
    kept_record,
    model_answer_key,
    read_picks,
    refusal_of_the_page,
    reported_usage,
    stopped_answer,
    usage_counters,
)
from inlink.gemini.client import NotAnAnswer, Secret, generation_config, key_problem, make_client, more_room
from inlink.gemini.errors import (
    AnswerWithheld,
    BudgetExceeded,
    GeminiError,
    GeminiRequestError,
    GeminiUnavailable,
    Interrupted,
    KeyRefused,
    ModelUnknown,
    ModelWithoutQuota,
    PageAnalysisError,
    PageFailed,
    PageRefused,
)
from inlink.gemini.failures import (
    RETRYABLE_CODES,
    TRANSPORT_ERRORS,
    daily_quota_from,
    quota_is_zero,
    redirect_target,
    refusal_message,
    refuses_the_key,
    refuses_the_model,
    refuses_the_page,
    server_delay_from,
    server_words,
    transport_failure,
)
from inlink.gemini.limits import RateLimiter, backoff_delay
from inlink.gemini.picks import by_url, validated_rows
from inlink.gemini.settings import DEFAULT_MODEL, GeminiSettings, ModelPrice, SettingsError  # noqa: F401 (re-exported)
from inlink.links import suggest as analyzer
from inlink.wording import counted, lasting

log = logging.getLogger(__name__)
RESERVE_WAIT_S = 1.0   # a budgeted call waiting its turn looks again at least this often
SAY_WAIT_S = 5.0   # a retry's wait this long or longer is said to the caller (on_wait): a job's events
INTERRUPT_CHECK_S = 0.2   # a retry's wait looks this often whether the run was interrupted


@dataclass
class PageOutcome:
    """What one page cost and produced: result rows, suggestions dropped by reason, usage and cost."""

    source: str
    rows: list[dict] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)
    usage: Usage = field(default_factory=Usage)
    cost_usd: float = 0.0

    def counters(self) -> dict[str, float]:
        """Per-item counters for the job engine (summed over the job): tokens, calls, cost, drops."""
        return usage_counters(self.usage, self.cost_usd) | {
            "suggestions_dropped": sum(self.dropped.values()),
            **{f"dropped_{reason}": n for reason, n in self.dropped.items()},
        }


class GeminiEngine:
    """Suggests links for one page at a time; safe to call from several threads at once."""

    def __init__(self, api_key: str, settings: GeminiSettings | None = None, client: Any = None, *,
                 spent_usd: float = 0.0, limiter: RateLimiter | None = None,
                 sleep: Callable[[float], None] = time.sleep, rng: random.Random | None = None,
                 answers: AnswerStore | None = None, interrupted: Callable[[], bool] | None = None,
                 on_wait: Callable[[str], None] | None = None) -> None:
        if not api_key and client is None:
            raise GeminiRequestError("the Gemini engine needs an API key (GEMINI_API_KEY or GOOGLE_API_KEY)")
        self.settings = settings or GeminiSettings.from_options()
        self._secret = Secret(api_key or "")
        self._key_problem = key_problem(api_key or "") if client is None else ""
        self._client = client if client is not None else make_client(api_key, self.settings)
        self._limiter = limiter or RateLimiter(self.settings.rpm)
        self._in_flight = threading.BoundedSemaphore(self.settings.max_in_flight)
        self._sleep = sleep
        self._interrupted = interrupted or (lambda: False)   # e.g. the job's "a pause or stop was asked"
        self._on_wait = on_wait or (lambda sentence: None)   # e.g. the job's events: a long wait is said
        self._wait_said_until = 0.0   # monotonic time until which the wait said last covers the others (_say_wait)
        self._wait_said_lock = threading.Lock()
        self._asked_to_wait_until = 0.0   # monotonic time before which no call starts: the server's last retryDelay
        self._answered_at = 0.0   # monotonic time of the last answer Gemini gave, to any page (_gave_up)
        self._rng = rng or random.Random()
        self._spent = float(spent_usd)
        self._spent_lock = threading.Lock()
        self._budget_turn = threading.Condition(self._spent_lock)   # a budgeted call waits its turn on it
        self._flying = 0            # budgeted calls in flight (see _reserve)
        self._paid_calls = 0        # calls charged by this engine, for the cost of one
        self._paid_usd = 0.0        # what they cost: not the spend, which holds earlier runs' (a call cost it all)
        self._config = generation_config(self.settings)
        self._answers = answers
        self._counted_ahead: set[str] = set()   # keys of kept answers already in the spend (count_kept_answers)

    def __repr__(self) -> str:
        return f"GeminiEngine(model={self.settings.model!r}, spent_usd={self.spent_usd:.6f})"

    @property
    def engine_name(self) -> str:
        return f"gemini:{self.settings.model}"

    @property
    def spent_usd(self) -> float:
        with self._spent_lock:
            return self._spent

    def count_kept_answers(self, pages: Collection[str]) -> tuple[float, int, int]:
        """Count in the spend, now, what the kept answers of `pages` (those still to come) cost; returns (that sum,
        the pages they answer, how many of those this model takes back: the others, unusable or another model's,
        are asked again). Counted only when their page came up, a resumed run's budget passed its cap by the
        answers paid ahead of their turn until their pages were reached. Each is then charged to its page's
        counters, not to the spend again (_charge_kept). An answer kept without its page (an earlier version's) is
        counted when it comes up."""
        if self._answers is None:
            return 0.0, 0, 0
        wanted, price, total, answered, reused = set(pages), self.settings.price(), 0.0, 0, 0
        for key, record in self._answers.records():
            kept = kept_record(record, self.settings.model, price) if record.get("page") in wanted else None
            if kept is not None and key not in self._counted_ahead:
                self._counted_ahead.add(key)
                total, answered, reused = total + kept[2], answered + 1, reused + (kept[0] is not None)
        with self._spent_lock:
            self._spent += total
        return total, answered, reused

    def suggest(self, index: Any, source_url: str) -> PageOutcome:
        """Ask Gemini to choose among the page's candidates; keep only suggestions that pass validation."""
        outcome = PageOutcome(source=source_url)
        index.analysed.add(source_url)      # as analyze_page does, so summarize() counts the page
        position = index.url_pos.get(source_url)
        if position is None or not index.is_source[position]:
            return outcome      # no text to place anchors in: no call, no cost
        floor = index.config.min_confidence      # the same floor as the offline engine: no weak candidate
        candidates = [c for c in analyzer.candidates_for(index, source_url, k=self.settings.candidates_per_page)
                      if c.confidence >= floor]
        if not candidates:
            self._check_budget()   # a spent budget pauses the job even on a page the floor leaves without a call
            return outcome
        max_links = gemini_prompt.max_per_page(index)
        prompt = gemini_prompt.build_prompt(index, source_url, candidates, max_links,
                                            self.settings.source_token_budget)
        # A kept answer is filed under the question less its candidates: within a job only they change between
        # runs (a target leaves them once earlier pages fill its inbound cap), and a page answered ahead of an
        # earlier one was asked again, and paid twice, when the resumed run recorded that page first. Its picks
        # are checked against the candidates of the run that uses them, as any pick is.
        kept_as = gemini_prompt.build_prompt(index, source_url, [], max_links, self.settings.source_token_budget)
        picks = self._ask_until_readable(prompt, kept_as, source_url, outcome, candidates)
        outcome.rows = validated_rows(index, source_url, picks, candidates, max_links, outcome.dropped, self.engine_name)
        return outcome

    def _ask_until_readable(self, prompt: str, kept_as: str, source_url: str, outcome: PageOutcome,
                            candidates: list) -> LinkPicks:
        """The answer an earlier run already paid for (filed under `kept_as`), else ask and keep the answer in the
        store, its picks naming their targets by URL (a candidate's number is this run's only)."""
        model = self.settings.model
        key = answer_key(kept_as) if self._answers is not None else ""
        kept = kept_record(self._answers.get(key) or self._answers.get(model_answer_key(model, kept_as)),
                            model, self.settings.price()) if key else None
        if kept is not None:   # paid by an earlier run: this page's cost, whether its answer is used or not
            picks, usage, cost = kept
            self._charge_kept(outcome, usage, cost, counted=self._counted_at_start(key))
            if picks is not None:
                return picks   # even with the budget spent: it costs nothing more (refused, it was lost)
        self._check_budget()   # before a new call: a spent budget pauses the job
        try:
            picks = by_url(self._ask(prompt, source_url, outcome), candidates, source_url)
        except GeminiError:
            # Whatever ends the page (answers unreadable, then maybe the budget, an outage or a pause before the
            # next try), the calls it paid for are kept: the page is not committed when the job pauses, and a
            # resumed job measured its budget without them. The usage kept is the page's whole (the earlier
            # run's included), so it replaces the entry and is counted once, when the page commits.
            if key and outcome.usage.calls:
                self._answers.put(key, {"model": model, "page": source_url, "unusable": True,
                                        "usage": asdict(outcome.usage),
                                        "cost_usd": outcome.cost_usd})
            raise
        if key:
            self._answers.put(key, {"model": model, "page": source_url, "picks": picks.model_dump(mode="json"),
                                    "usage": asdict(outcome.usage), "cost_usd": outcome.cost_usd})
        return picks

    def _ask(self, prompt: str, source_url: str, outcome: PageOutcome) -> LinkPicks:
        """Call until an answer parses (parse_retries extra calls); charge every call's tokens."""
        problem, attempts, config = "", 0, self._config
        while attempts <= self.settings.parse_retries:
            try:
                response = self._generate(prompt, source_url, config)
            except GeminiError as exc:
                exc.counters = usage_counters(outcome.usage, outcome.cost_usd)
                raise
            except NotAnAnswer as exc:   # JSON that is no object: an unreadable answer, a call with nothing to charge
                attempts, problem = attempts + 1, str(exc)
                outcome.usage.add(None)
                continue
            attempts += 1
            self._charge(outcome, reported_usage(response, len(gemini_prompt.SYSTEM_INSTRUCTION) + len(prompt)))
            picks, problem = read_picks(response)
            if picks is not None:
                return picks
            refusal = refusal_of_the_page(response)
            if refusal:   # the same page is refused again: a retry only pays for the refusal again
                raise AnswerWithheld(f"{refusal} for {source_url}; the page was skipped (asked again, it would be "
                                     "refused, and billed, alike)", usage_counters(outcome.usage, outcome.cost_usd))
            problem = stopped_answer(response, config.max_output_tokens or 0, self.settings) or problem
            if finish_reason(response) == "MAX_TOKENS":   # the same limit cuts it again: ask with more room
                config = more_room(config)
        raise PageAnalysisError(
            f"Gemini's answer for {source_url} could not be read after {attempts} "
            f"attempt{'s' if attempts > 1 else ''} ({problem}); the page was skipped",
            usage_counters(outcome.usage, outcome.cost_usd))

    def _charge(self, outcome: PageOutcome, metadata: Any) -> None:
        """Add one answer's tokens to the page and its cost to the engine's spend (the budget's measure). The cost
        is the answer's own, at this model's price: the page may carry answers of another model at its price."""
        call = Usage()
        call.add(metadata)
        cost = call.cost(self.settings.price())
        outcome.usage.add(metadata)
        outcome.cost_usd += cost
        with self._budget_turn:
            self._spent += cost
            self._paid_calls += 1
            self._paid_usd += cost
            if self.settings.budget_usd is not None:   # the call's turn (_reserve) ends with its cost counted
                self._flying = max(0, self._flying - 1)
            self._budget_turn.notify_all()

    def _charge_kept(self, outcome: PageOutcome, usage: Usage, cost: float, counted: bool) -> None:
        """A kept answer's usage and cost go into the page's counters (it was paid, by a run that never committed
        it) and into the engine's spend, as if it had just been bought, unless `counted` there at the run's start
        (count_kept_answers): the job's cost stays the real one."""
        outcome.usage = usage
        outcome.cost_usd = cost
        if not counted:
            with self._spent_lock:
                self._spent += outcome.cost_usd

    def _counted_at_start(self, key: str) -> bool:
        """Whether this kept answer is in the spend already (count_kept_answers); counted once, then forgotten."""
        with self._spent_lock:
            if key in self._counted_ahead:
                self._counted_ahead.discard(key)
                return True
            return False

    def _reserve(self) -> None:
        """Take a budgeted call's turn: calls in flight count against the budget at the cost of one call so far, so
        the spend passes the cap by about one answer, not by every call in flight (a $0.0001 budget spent $0.0022
        on four calls that all started before the first answer came). Until an answer tells what a call costs, a
        budgeted engine asks one call at a time. The turn ends when the answer is charged (_charge), or at once
        when the call brings no answer (_release)."""
        budget = self.settings.budget_usd
        if budget is None:
            return
        with self._budget_turn:
            while True:
                self._refuse_if_spent(self._spent)
                per_call = self._paid_usd / self._paid_calls if self._paid_calls else None
                if (self._flying == 0 if per_call is None
                        else self._spent + self._flying * per_call < budget):
                    self._flying += 1
                    return
                if self._interrupted():
                    raise Interrupted("the run was interrupted while a call waited its turn under the budget")
                self._budget_turn.wait(RESERVE_WAIT_S)

    def _release(self) -> None:
        if self.settings.budget_usd is None:
            return
        with self._budget_turn:
            self._flying = max(0, self._flying - 1)
            self._budget_turn.notify_all()

    def _check_budget(self) -> None:
        """Refuse a new call once the spend reached the cap (calls in flight count too: _reserve)."""
        self._refuse_if_spent(self.spent_usd)

    def _refuse_if_spent(self, spent: float) -> None:
        budget = self.settings.budget_usd
        if budget is not None and spent >= budget:
            raise BudgetExceeded(spent, budget)

    def _generate(self, prompt: str, source_url: str, config: types.GenerateContentConfig) -> Any:
        """One generate_content call with our retry policy: 429/5xx/timeouts back off, other 4xx fail fast."""
        settings = self.settings
        if self._key_problem:
            raise KeyRefused(f"the Gemini API key {self._key_problem}, which no API key has (was more than the key "
                             "copied?)")
        started = time.monotonic()
        for attempt in range(settings.max_retries + 1):
            code = 0   # the HTTP status of this attempt's failure (0: none, or a failure of the transport)
            held = self._asked_to_wait_until - time.monotonic()
            if held > 0:   # another call was asked to wait: so is this one (_hold_every_call)
                self._wait(held)
            self._reserve()
            try:
                try:
                    with self._in_flight:
                        self._limiter.acquire()
                        response = self._client.models.generate_content(   # released when charged (_charge)
                            model=settings.model, contents=prompt, config=config)
                    self._answered_at = time.monotonic()
                    return response
                except BaseException:
                    self._release()     # no answer to charge: the turn is free again
                    raise
            except errors.APIError as exc:
                failure, delay, asked = self._classify(exc, attempt, source_url)
                code = exc.code or 0
            except TRANSPORT_ERRORS as exc:
                failure = transport_failure(exc, settings.timeout_s)
                delay, asked = self._backoff(attempt), False
            except (json.JSONDecodeError, ValidationError):
                # the HTTP answer is no JSON ("Expecting value..."), or JSON of another shape than a Gemini answer's
                # (the SDK's own pydantic error, which failed a job as a bug): another server answered
                failure = ("the server's answer is not the Gemini API's JSON (a proxy in the way, or a wrong "
                           "base_url in the settings?)")
                delay, asked = self._backoff(attempt), False
            if attempt == settings.max_retries:
                raise self._gave_up(attempt + 1, self._secret.scrub(failure), source_url,
                                    page_alone=code == 500 and self._answered_at > started) from None
            log.info("Gemini call failed (%s); retry %d of %d in %.2f s", self._secret.scrub(failure),
                     attempt + 1, settings.max_retries, delay)
            self._say_wait(source_url, failure, delay, attempt, asked)
            if asked:
                self._hold_every_call(delay)
            self._wait(delay)
        raise AssertionError("unreachable")

    @staticmethod
    def _gave_up(attempts: int, failure: str, source_url: str, page_alone: bool) -> GeminiError:
        """What a call that failed every retry raises: Gemini is unavailable (the job pauses, to be resumed later),
        or, when it kept failing with 500 INTERNAL while Gemini answered other pages (`page_alone`), the page's own
        failure: Gemini fails alike on some pages' requests every time they are asked, and a job paused on such a
        page, resumed, paused again on it, and never went past it."""
        said = f"Gemini failed {counted(attempts, 'time')} in a row"
        if page_alone:
            return PageFailed(f"{said} for {source_url} (last: {failure}) while it answered other pages; the page was "
                              "skipped")
        return GeminiUnavailable(f"{said} (last: {failure})", attempts=attempts, last_failure=failure)

    def _hold_every_call(self, delay: float) -> None:
        """No call of this engine starts for `delay` seconds, the retryDelay the server asked for: only the call it
        refused waited it out, and the other pages in flight, and the next ones, went on calling at once, each
        refused (429) in turn for the same quota."""
        with self._wait_said_lock:
            self._asked_to_wait_until = max(self._asked_to_wait_until, time.monotonic() + delay)

    def _say_wait(self, source_url: str, failure: str, delay: float, attempt: int, asked: bool) -> None:
        """Tell the caller of a long wait before a retry: a job waiting out a 429's 30 s retryDelay said nothing,
        in its panel or its events, and looked stuck. `failure` holds no key (_classify scrubbed it). Said once for
        the pages in flight that wait out the same answer: with four at a time, one 429 was said four times."""
        if delay < SAY_WAIT_S:
            return
        now = time.monotonic()
        with self._wait_said_lock:
            if now < self._wait_said_until:
                return
            self._wait_said_until = now + delay
        why = "as Gemini asked" if asked else "before asking again"
        self._on_wait(f"Gemini did not answer for {source_url} ({failure}): waiting "
                      f"{delay:.3g} s {why} (retry {attempt + 1} of {self.settings.max_retries})")

    def _wait(self, seconds: float) -> None:
        """Sleep before a retry in short steps, and give up when the run is interrupted: a pause asked during a
        20 s retryDelay took effect after 59 s and twelve more calls (an exploratory run against a fake)."""
        end = time.monotonic() + seconds
        while True:
            if self._interrupted():
                raise Interrupted("the run was interrupted while Gemini was asked to wait")
            left = end - time.monotonic()
            if left <= 0:
                return
            self._sleep(min(left, INTERRUPT_CHECK_S))

    def _backoff(self, attempt: int) -> float:
        return backoff_delay(attempt, self.settings.backoff_base_s, self.settings.backoff_max_s, self._rng)

    def _classify(self, exc: errors.APIError, attempt: int, source_url: str) -> tuple[str, float, bool]:
        """(what went wrong, seconds to wait, whether the server asked for them) for a retryable error; raises for
        the ones not worth retrying."""
        code = exc.code or 0
        what = self._secret.scrub(f"{code} {exc.status or ''}: {server_words(exc.message)}".strip().rstrip(":"))
        if code in RETRYABLE_CODES or code >= 500:
            if code == 429 and quota_is_zero(exc.message, exc.details):
                raise ModelWithoutQuota(f"Gemini allows this API key no request to the model {self.settings.model!r}: "
                                        "its quota is 0, the model not being in the plan of the key's project (e.g. "
                                        f"its free tier, without billing) ({what})") from None
            daily_quota = daily_quota_from(exc.details) if code == 429 else None
            if daily_quota:
                raise GeminiUnavailable(f"Gemini's daily quota {daily_quota} is used up ({what}); it resets at "
                                        "midnight Pacific time", attempts=attempt + 1, last_failure=what) from None
            server_delay = server_delay_from(exc)
            if server_delay is None:
                return what, self._backoff(attempt), False
            if server_delay > self.settings.max_server_delay_s:   # a 503's is no quota's: Gemini is unavailable
                why = "the quota is probably used up" if code == 429 else "it does not answer until then"
                raise GeminiUnavailable(f"Gemini asks to wait {_wait_words(server_delay)} ({what}); {why} for now",
                                        attempts=attempt + 1, last_failure=what, retry_after_s=server_delay) from None
            return what, server_delay, True
        if refuses_the_page(code, exc.status, what, exc.details):
            raise PageRefused(f"Gemini refused the request for {source_url} as invalid ({what}); the page was "
                              "skipped") from None
        refusal = KeyRefused if refuses_the_key(code, what) else \
            ModelUnknown if refuses_the_model(code, what) else GeminiRequestError
        raise refusal(refusal_message(code, what, self.settings.model,
                                      self._secret.scrub(redirect_target(exc)))) from None


def _wait_words(seconds: float) -> str:
    """A server's wait in seconds as it asked, and a long one as a user plans for it: "86400 s, about 1 day" (a
    quota of the day said as "86400 s" alone left the reader to work out when to resume)."""
    return f"{seconds:g} s" + (f", {lasting(seconds)}" if seconds >= 120 else "")
