"""The Gemini engine: the offline engine proposes candidates for a page, Gemini picks and explains them.

Gemini only chooses among (and words reasons for) targets the offline engine already found, and every answer
is checked with the offline engine's own `validate_suggestion`, so the model can never put an invented anchor,
an unknown page or a self link in the results. Transport trouble (429, 5xx, timeouts) is retried here with
backoff that honours the server's RetryInfo; the SDK's own retry is switched off so it cannot hide those waits.
The API key lives only inside the SDK client and in a redacting holder used to scrub error messages.
"""
from __future__ import annotations

import hashlib
import html
import json
import logging
import random
import re
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Protocol

from google import genai
from google.genai import errors, types
from pydantic import BaseModel, Field, ValidationError

from inlink.links import suggest as analyzer
from inlink.wording import counted, shortened, usd
from inlink.gemini import prompt as gemini_prompt
from inlink.gemini.settings import DEFAULT_MODEL, GeminiSettings, ModelPrice, SettingsError  # noqa: F401 (re-exported)
from inlink.gemini.keys import api_key_from_env as api_key_from_env  # re-exported: the engine's old home
from inlink.gemini.limits import RateLimiter, backoff_delay, parse_duration

log = logging.getLogger(__name__)
_RETRY_INFO_TYPE = "type.googleapis.com/google.rpc.RetryInfo"
_QUOTA_FAILURE_TYPE = "type.googleapis.com/google.rpc.QuotaFailure"
_RETRYABLE_CODES = {408, 429}


def _transient_transport_errors() -> tuple[type[BaseException], ...]:
    """Timeouts, network errors (connect, read, write: a dropped connection) and broken responses, of whichever
    httpx flavour the SDK uses (httpx or its fork httpx2): all pass with time, so they are retried."""
    found: list[type[BaseException]] = []
    for module_name in ("httpx", "httpx2"):
        try:
            module = __import__(module_name)
        except ImportError:
            continue
        found += [getattr(module, name) for name in ("TimeoutException", "NetworkError", "RemoteProtocolError")
                  if hasattr(module, name)]
    return tuple(found)


_TRANSPORT_ERRORS = _transient_transport_errors()


RESERVE_WAIT_S = 1.0   # a budgeted call waiting its turn looks again at least this often
SAY_WAIT_S = 5.0   # a retry's wait this long or longer is said to the caller (on_wait): a job's events
INTERRUPT_CHECK_S = 0.2   # a retry's wait looks this often whether the run was interrupted


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


class LinkPick(BaseModel):
    """One link the model chose (the response schema Gemini must follow)."""

    destination: str = Field(description="URL of the target page, copied exactly from the candidate list")
    anchor: str = Field(description="Anchor text copied character for character from the source page text")
    reason: str = Field(description="One plain sentence telling an editor why this link helps the reader")
    score: float = Field(description="Confidence that the link is useful, from 0 to 1")


class LinkPicks(BaseModel):
    suggestions: list[LinkPick]


@dataclass
class Usage:
    """Tokens and calls spent on one page, all attempts included (failed parses are billed too)."""

    calls: int = 0
    prompt_tokens: int = 0
    output_tokens: int = 0      # generated + thinking tokens, both billed at the output rate
    cached_tokens: int = 0      # of the prompt tokens, those Gemini served from its cache (billed at the cached rate)

    def add(self, metadata: Any) -> None:
        self.calls += 1
        if metadata is None:
            return
        self.prompt_tokens += metadata.prompt_token_count or 0
        self.cached_tokens += getattr(metadata, "cached_content_token_count", None) or 0
        self.output_tokens += (metadata.candidates_token_count or 0) + (metadata.thoughts_token_count or 0)

    def cost(self, price: ModelPrice) -> float:
        return price.cost(self.prompt_tokens, self.output_tokens, self.cached_tokens)


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
        return _usage_counters(self.usage, self.cost_usd) | {
            "suggestions_dropped": sum(self.dropped.values()),
            **{f"dropped_{reason}": n for reason, n in self.dropped.items()},
        }


class AnswerStore(Protocol):
    """Where the engine keeps the answers it paid for until the caller has committed them (a job keeps them in
    its own folder). Several pages may be answered at once and committed strictly in order; when the job
    pauses or dies in between, the answers of pages not yet committed would otherwise be bought again on
    resume. `get` returns None for an unknown (or unreadable) key; `put` may fail silently: the store only
    saves money, never correctness."""

    def get(self, key: str) -> dict | None: ...

    def put(self, key: str, answer: dict) -> None: ...


def answer_key(prompt: str) -> str:
    """The store's key for one question (`prompt`: the page, its text and limit, less its candidates: see
    GeminiEngine.suggest), whichever model answered it: the record names the model, whose answer only that model
    reuses, and whose cost any run counts. Filed under the model too, a job resumed with another model (its own a
    404, or its answers unusable) never found the answers the first one was paid for, nor counted their cost."""
    return hashlib.sha256(f"page\0{prompt}".encode()).hexdigest()


def model_answer_key(model: str, prompt: str) -> str:
    """The key an earlier version filed an answer under (the model and the question): a job paused before an
    upgrade still takes its answers back."""
    return hashlib.sha256(f"{model}\0{prompt}".encode()).hexdigest()


class _Secret:
    """Holds the key for scrubbing messages; its repr never shows it."""

    def __init__(self, value: str) -> None:
        self._value = value

    def scrub(self, text: str) -> str:
        return text.replace(self._value, "[API key]") if self._value else text

    def __repr__(self) -> str:
        return "_Secret(***)"


def key_problem(api_key: str) -> str:
    """What makes a key unusable as an HTTP header, in words that never quote it ("holds a line break"), or "".
    httpx refuses such a header with the key in its message ("Illegal header value b'AIza...\\n...'"), which a job
    kept as its error, on disk and in its panel, and `suggest` printed; a non-ASCII letter failed as a bare
    UnicodeEncodeError. A key read from a file of two lines ($(cat key.txt)) holds a line break."""
    for char in api_key:
        if char in "\r\n":
            return "holds a line break"
        if char.isspace():
            return "holds a space"
        if not " " < char < "\x7f":
            return "holds a character that is not plain ASCII (or a control character)"
    return ""


class _NoClaimOfTheEnvironmentsKey(logging.Filter):
    """Drops the SDK's "Both GOOGLE_API_KEY and GEMINI_API_KEY are set. Using GOOGLE_API_KEY.": it reads the
    environment even when given a key, and the key given (api_key_from_env: GEMINI_API_KEY first, or the one typed)
    is the one used. An analyst with both set was told the other key was used, and looked at the wrong one when
    Gemini refused it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "GEMINI_API_KEY are set" not in record.getMessage()


_SDK_CLIENT_LOG = logging.getLogger("google_genai._api_client")
if not any(isinstance(f, _NoClaimOfTheEnvironmentsKey) for f in _SDK_CLIENT_LOG.filters):
    _SDK_CLIENT_LOG.addFilter(_NoClaimOfTheEnvironmentsKey())


def make_client(api_key: str, settings: GeminiSettings) -> genai.Client:
    """A google-genai client on the Gemini Developer API with the SDK's retry OFF (attempts=1): we retry."""
    options = types.HttpOptions(api_version=settings.api_version, timeout=max(1, int(settings.timeout_s * 1000)),
                                retry_options=types.HttpRetryOptions(attempts=1))
    if settings.base_url:
        options.base_url = settings.base_url
    return genai.Client(vertexai=False, api_key=api_key, http_options=options)


#: The most output tokens a request asks for when a cut answer is asked again with more room (the Gemini 2.5 and 3
#: models' own limit is 65,535 or 65,536).
OUTPUT_LIMIT_CEILING = 65_535


def generation_config(settings: GeminiSettings) -> types.GenerateContentConfig:
    """Structured JSON output in the LinkPicks schema, with the settings' sampling and output limits: the limit
    holds the answer's room and the thinking budget sent (GeminiSettings.output_limit)."""
    thinking = None
    if settings.thinking_level:
        thinking = types.ThinkingConfig(thinking_level=settings.thinking_level.upper())
    elif settings.thinking_budget_sent() is not None:
        thinking = types.ThinkingConfig(thinking_budget=settings.thinking_budget_sent())
    return types.GenerateContentConfig(
        system_instruction=gemini_prompt.SYSTEM_INSTRUCTION, temperature=settings.temperature,
        max_output_tokens=settings.output_limit(), thinking_config=thinking,
        response_mime_type="application/json", response_schema=LinkPicks)


def more_room(config: types.GenerateContentConfig) -> types.GenerateContentConfig:
    """The same request with twice the output limit (at most OUTPUT_LIMIT_CEILING), for an answer cut at MAX_TOKENS:
    asked again as it was, a model that thinks up to the limit (Gemini 3 has no thinking budget, only levels) was
    cut at the same place every time, and the page paid three empty answers before it was skipped."""
    limit = min(2 * (config.max_output_tokens or 0), OUTPUT_LIMIT_CEILING)
    return config.model_copy(update={"max_output_tokens": max(limit, config.max_output_tokens or 0)})


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
        self._secret = _Secret(api_key or "")
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
        self._rng = rng or random.Random()
        self._spent = float(spent_usd)
        self._spent_lock = threading.Lock()
        self._budget_turn = threading.Condition(self._spent_lock)   # a budgeted call waits its turn on it
        self._flying = 0            # budgeted calls in flight (see _reserve)
        self._paid_calls = 0        # calls charged by this engine, for the cost of one
        self._config = generation_config(self.settings)
        self._answers = answers

    def __repr__(self) -> str:
        return f"GeminiEngine(model={self.settings.model!r}, spent_usd={self.spent_usd:.6f})"

    @property
    def engine_name(self) -> str:
        return f"gemini:{self.settings.model}"

    @property
    def spent_usd(self) -> float:
        with self._spent_lock:
            return self._spent

    def suggest(self, index: Any, source_url: str) -> PageOutcome:
        """Ask Gemini to choose among the page's candidates; keep only suggestions that pass validation."""
        outcome = PageOutcome(source=source_url)
        index.analysed.add(source_url)      # as analyze_page does, so summarize() counts the page
        position = index.url_pos.get(source_url)
        if position is None or not index.is_source[position]:
            return outcome      # no text to place anchors in: no call, no cost
        self._check_budget()    # a spent budget pauses the job even on a page the floor leaves without a call
        floor = index.config.min_confidence      # the same floor as the offline engine: no weak candidate
        candidates = [c for c in analyzer.candidates_for(index, source_url, k=self.settings.candidates_per_page)
                      if c.confidence >= floor]
        if not candidates:
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
        outcome.rows = self._validated_rows(index, source_url, picks, candidates, max_links, outcome.dropped)
        return outcome

    def _ask_until_readable(self, prompt: str, kept_as: str, source_url: str, outcome: PageOutcome,
                            candidates: list) -> LinkPicks:
        """The answer an earlier run already paid for (filed under `kept_as`), else ask and keep the answer in the
        store, its picks naming their targets by URL (a candidate's number is this run's only)."""
        model = self.settings.model
        key = answer_key(kept_as) if self._answers is not None else ""
        kept = _kept_record(self._answers.get(key) or self._answers.get(model_answer_key(model, kept_as)),
                            model, self.settings.price()) if key else None
        if kept is not None:   # paid by an earlier run: this page's cost, whether its answer is used or not
            picks, usage, cost = kept
            self._charge_kept(outcome, usage, cost)
            if picks is not None:
                return picks
        try:
            picks = _by_url(self._ask(prompt, source_url, outcome), candidates)
        except GeminiError:
            # Whatever ends the page (answers unreadable, then maybe the budget, an outage or a pause before the
            # next try), the calls it paid for are kept: the page is not committed when the job pauses, and a
            # resumed job measured its budget without them. The usage kept is the page's whole (the earlier
            # run's included), so it replaces the entry and is counted once, when the page commits.
            if key and outcome.usage.calls:
                self._answers.put(key, {"model": model, "unusable": True, "usage": asdict(outcome.usage),
                                        "cost_usd": outcome.cost_usd})
            raise
        if key:
            self._answers.put(key, {"model": model, "picks": picks.model_dump(mode="json"),
                                    "usage": asdict(outcome.usage), "cost_usd": outcome.cost_usd})
        return picks

    def _ask(self, prompt: str, source_url: str, outcome: PageOutcome) -> LinkPicks:
        """Call until an answer parses (parse_retries extra calls); charge every call's tokens."""
        problem, attempts, config = "", 0, self._config
        while attempts <= self.settings.parse_retries:
            try:
                response = self._generate(prompt, source_url, config)
            except GeminiError as exc:
                exc.counters = _usage_counters(outcome.usage, outcome.cost_usd)
                raise
            attempts += 1
            self._charge(outcome, response.usage_metadata)
            picks, problem = _read_picks(response)
            if picks is not None:
                return picks
            refusal = _refusal_of_the_page(response)
            if refusal:   # the same page is refused again: a retry only pays for the refusal again
                raise AnswerWithheld(f"{refusal} for {source_url}; the page was skipped (asked again, it would be "
                                     "refused, and billed, alike)", _usage_counters(outcome.usage, outcome.cost_usd))
            problem = _stopped_answer(response, config.max_output_tokens or 0, self.settings) or problem
            if _finish_reason(response) == "MAX_TOKENS":   # the same limit cuts it again: ask with more room
                config = more_room(config)
        raise PageAnalysisError(
            f"Gemini's answer for {source_url} could not be read after {attempts} "
            f"attempt{'s' if attempts > 1 else ''} ({problem}); the page was skipped",
            _usage_counters(outcome.usage, outcome.cost_usd))

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
            if self.settings.budget_usd is not None:   # the call's turn (_reserve) ends with its cost counted
                self._flying = max(0, self._flying - 1)
            self._budget_turn.notify_all()

    def _charge_kept(self, outcome: PageOutcome, usage: Usage, cost: float) -> None:
        """A kept answer's usage and cost go into the page's counters (it was paid, by a run that never committed
        it) and into the engine's spend, as if it had just been bought: the job's cost stays the real one."""
        outcome.usage = usage
        outcome.cost_usd = cost
        with self._spent_lock:
            self._spent += outcome.cost_usd

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
                per_call = self._spent / self._paid_calls if self._paid_calls else None
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
        for attempt in range(settings.max_retries + 1):
            held = self._asked_to_wait_until - time.monotonic()
            if held > 0:   # another call was asked to wait: so is this one (_hold_every_call)
                self._wait(held)
            self._reserve()
            try:
                try:
                    with self._in_flight:
                        self._limiter.acquire()
                        return self._client.models.generate_content(   # released when charged (_charge)
                            model=settings.model, contents=prompt, config=config)
                except BaseException:
                    self._release()     # no answer to charge: the turn is free again
                    raise
            except errors.APIError as exc:
                failure, delay, asked = self._classify(exc, attempt, source_url)
            except _TRANSPORT_ERRORS as exc:
                failure = _transport_failure(exc, settings.timeout_s)
                delay, asked = self._backoff(attempt), False
            except (json.JSONDecodeError, ValidationError):
                # the HTTP answer is no JSON ("Expecting value..."), or JSON of another shape than a Gemini answer's
                # (the SDK's own pydantic error, which failed a job as a bug): another server answered
                failure = ("the server's answer is not the Gemini API's JSON (a proxy in the way, or a wrong "
                           "base_url in the settings?)")
                delay, asked = self._backoff(attempt), False
            if attempt == settings.max_retries:
                failure = self._secret.scrub(failure)
                raise GeminiUnavailable(f"Gemini failed {counted(attempt + 1, 'time')} in a row (last: {failure})",
                                        attempts=attempt + 1, last_failure=failure) from None
            log.info("Gemini call failed (%s); retry %d of %d in %.2f s", self._secret.scrub(failure),
                     attempt + 1, settings.max_retries, delay)
            self._say_wait(source_url, failure, delay, attempt, asked)
            if asked:
                self._hold_every_call(delay)
            self._wait(delay)
        raise AssertionError("unreachable")

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
        what = self._secret.scrub(f"{code} {exc.status or ''}: {_server_words(exc.message)}".strip())
        if code in _RETRYABLE_CODES or code >= 500:
            daily_quota = daily_quota_from(exc.details) if code == 429 else None
            if daily_quota:
                raise GeminiUnavailable(f"Gemini's daily quota {daily_quota} is used up ({what}); it resets at "
                                        "midnight Pacific time", attempts=attempt + 1, last_failure=what) from None
            server_delay = retry_delay_from(exc.details)
            if server_delay is None:
                return what, self._backoff(attempt), False
            if server_delay > self.settings.max_server_delay_s:
                raise GeminiUnavailable(f"Gemini asks to wait {server_delay:g} s ({what}); the quota is "
                                        "probably used up for now", attempts=attempt + 1, last_failure=what,
                                        retry_after_s=server_delay) from None
            return what, server_delay, True
        if _refuses_the_page(code, exc.status, what, exc.details):
            raise PageRefused(f"Gemini refused the request for {source_url} as invalid ({what}); the page was "
                              "skipped") from None
        refusal = KeyRefused if _refuses_the_key(code, what) else ModelUnknown if code == 404 else GeminiRequestError
        raise refusal(_refusal_message(code, what, self.settings.model)) from None

    def _validated_rows(self, index: Any, source: str, picks: LinkPicks, candidates: list,
                        max_links: int, dropped: Counter) -> list[dict]:
        """Check each pick like an offline suggestion; count the rejects by reason; keep the page cap."""
        rows: list[dict] = []
        taken: list[tuple[int, int]] = []     # where the anchors kept so far stand: two never share a character
        by_url = {c.destination: c for c in candidates}
        for pick in sorted(picks.suggestions, key=lambda p: -p.score):
            pick = pick.model_copy(update={"anchor": pick.anchor.strip()})
            candidate = by_url.get(pick.destination)
            why = _page_level_problem(rows, pick, max_links) or \
                analyzer.validate_suggestion(index, source, pick.destination, pick.anchor) or \
                (None if candidate is not None else "the target is not among the page's candidates")
            span = None if why else _free_span(index, source, pick, candidate, taken)
            if span is None:
                dropped[drop_category(why or "overlaps an anchor already chosen on this page")] += 1
                continue
            taken.append(span)
            config = index.config
            rows.append(gemini_prompt.result_row(index, source, pick, candidate, self.engine_name,
                                                 candidate.confidence, analyzer.tier(
                                                     candidate.confidence, config.high_confidence,
                                                     config.medium_confidence), span))
        return rows


#: validate_suggestion answers in sentences that name pages; counters need one stable name per rule.
_DROP_CATEGORIES = (
    ("not in the crawl", "unknown_target"),
    ("cannot link to itself", "self_link"),
    ("not indexable or is excluded", "target_not_indexable"),
    ("already links to the target", "existing_link"),
    ("maximum of new inbound", "inbound_cap"),
    ("made only of stop words", "weak_anchor"),
    ("does not name the target", "weak_anchor"),
    ("does not stand as whole words", "anchor_not_in_text"),
    ("not running prose", "anchor_not_in_prose"),
    ("is code-like", "anchor_code_like"),
    ("not among the page's candidates", "not_a_candidate"),
    ("per-page limit", "over_page_cap"),
    ("duplicate target", "duplicate_target"),
    ("anchor already used", "duplicate_anchor"),
    ("overlaps an anchor already chosen", "anchor_overlap"),
)


def drop_category(reason: str) -> str:
    """A short stable name for why a suggestion was dropped ("other" for a rule this table does not know)."""
    return next((name for phrase, name in _DROP_CATEGORIES if phrase in reason), "other")


def retry_delay_from(details: Any) -> float | None:
    """The google.rpc.RetryInfo retryDelay in an error body (top level or under "error"), in seconds."""
    for entry in _error_details(details):
        if entry.get("@type") == _RETRY_INFO_TYPE:
            return parse_duration(entry.get("retryDelay"))
    return None


def daily_quota_from(details: Any) -> str | None:
    """The quota of a day that a google.rpc.QuotaFailure in an error body names as spent (its quotaId, e.g.
    "GenerateRequestsPerDayPerProjectPerModel-FreeTier"), or None. The RetryInfo beside it asks for some seconds
    only, so a job waited out every retry on every page in flight (5 of 43 s each) before it paused, and paused
    again after each resume, until the quota reset the next day."""
    for entry in _error_details(details):
        if entry.get("@type") == _QUOTA_FAILURE_TYPE:
            for violation in entry.get("violations") or []:
                quota = str(violation.get("quotaId") or "") if isinstance(violation, dict) else ""
                if "PerDay" in quota:
                    return quota
    return None


def _error_details(details: Any) -> list[dict]:
    """The google.rpc detail entries of an error body (top level or under "error")."""
    if not isinstance(details, dict):
        return []
    entries = details.get("details") or (details.get("error") or {}).get("details") or []
    return [entry for entry in entries if isinstance(entry, dict)] if isinstance(entries, list) else []


def _by_url(picks: LinkPicks, candidates: list) -> LinkPicks:
    """The picks with each destination as a URL: a candidate's number ("3") as the URL it stands for."""
    by_number = {str(n): c.destination for n, c in enumerate(candidates, start=1)}
    return LinkPicks(suggestions=[
        pick.model_copy(update={"destination": by_number.get(pick.destination.strip(), pick.destination.strip())})
        for pick in picks.suggestions])


def _free_span(index: Any, source: str, pick: LinkPick, candidate: Any,
               taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    """Where a valid pick's anchor stands: where the offline engine placed it when the model kept its anchor, else
    the first well-placed occurrence; when that overlaps an anchor kept for the page, the first that overlaps none,
    or None. Picks were checked one by one, and two of them ("tomato composting", "composting guide") were kept
    over the same words, which no editor can link twice (the offline engine never overlaps its anchors)."""
    s, d = index.url_pos[source], index.url_pos[pick.destination]
    span = candidate.span if candidate.anchor == pick.anchor and candidate.span else \
        analyzer.anchor_placement(index, s, d, pick.anchor)
    if span is not None and not any(span[0] < end and start < span[1] for start, end in taken):
        return span
    return analyzer.anchor_placement(index, s, d, pick.anchor, avoid=tuple(taken))


def _page_level_problem(rows: list[dict], pick: LinkPick, max_links: int) -> str | None:
    """Rules across one page's picks, which validate_suggestion (one suggestion at a time) cannot see."""
    if len(rows) >= max_links:
        return "over the per-page limit"
    if any(row["Destination"] == pick.destination for row in rows):
        return "duplicate target on this page"
    if any(row["Anchor"].lower() == pick.anchor.lower() for row in rows):
        return "anchor already used on this page"
    return None


def _read_picks(response: Any) -> tuple[LinkPicks | None, str]:
    """The parsed answer, or None and a short description of why it could not be read."""
    if isinstance(getattr(response, "parsed", None), LinkPicks):
        return response.parsed, ""
    text = _text_of(response)
    if not text.strip():
        return None, "empty answer"
    try:
        return LinkPicks.model_validate_json(text), ""
    except ValidationError as exc:
        return None, f"answer not in the expected JSON shape: {exc.errors()[0].get('msg', '')}"[:200]


def _prompt_blocked(response: Any) -> str:
    """Gemini's reason for blocking the prompt itself (e.g. "SAFETY"), or "" when it did not."""
    reason = getattr(getattr(response, "prompt_feedback", None), "block_reason", None)
    return str(getattr(reason, "value", reason) or "")


#: Why Gemini refuses a page for what it holds, by the API's own name (a prompt's blockReason or an answer's
#: finishReason), in words an editor reads: the same page is refused alike every time it is asked.
_REFUSALS_OF_THE_PAGE = {
    "SAFETY": "its safety filters", "PROHIBITED_CONTENT": "prohibited content",
    "BLOCKLIST": "terms on a blocklist", "RECITATION": "it would recite protected text",
    "SPII": "sensitive personal information", "LANGUAGE": "a language it does not support",
    "MODEL_ARMOR": "Model Armor's screening", "JAILBREAK": "a suspected attempt to get round its rules",
}


def _refusal_of_the_page(response: Any) -> str:
    """Gemini's refusal of the page for what it holds, in words ("Gemini withheld its answer (SAFETY: its safety
    filters)"), or "" when the answer was not refused so."""
    blocked = _prompt_blocked(response)
    if blocked:
        return f"Gemini blocked the request ({_refusal_words(blocked)})"
    finish = _finish_reason(response)
    if finish in _REFUSALS_OF_THE_PAGE:
        return f"Gemini withheld its answer ({_refusal_words(finish)})"
    return ""


def _refusal_words(reason: str) -> str:
    said = _REFUSALS_OF_THE_PAGE.get(reason)
    return f"{reason}: {said}" if said else reason


def _stopped_answer(response: Any, limit: int, settings: GeminiSettings) -> str:
    """Why Gemini gave no usable answer when it said why (an answer withheld or cut short), or "". Without it an
    answer cut at the output cap read "Invalid JSON: EOF while parsing a string", naming no setting behind it."""
    finish = _finish_reason(response)
    if finish == "MAX_TOKENS":
        return (f"the answer was cut at its output limit of {limit:,} tokens (max_output_tokens is "
                f"{settings.max_output_tokens:,} in the Gemini settings)" + _thinking_share(response))
    if finish and finish not in ("STOP", "FINISH_REASON_UNSPECIFIED"):
        return f"Gemini withheld its answer: {finish}"
    return ""


def _finish_reason(response: Any) -> str:
    """The first candidate's finish reason ("STOP", "MAX_TOKENS", "SAFETY"...), or "" when there is none."""
    candidates = getattr(response, "candidates", None) or []
    finish = getattr(candidates[0], "finish_reason", None) if candidates else None
    return str(getattr(finish, "value", finish) or "")


def _thinking_share(response: Any) -> str:
    """How much of a cut answer's output limit the model's thinking took, when it says: Gemini 2.5 and 3 models count
    their thinking against the output limit, so a model that thinks at length gives an empty answer cut there,
    and the remedy is in the thinking as much as in the limit."""
    thoughts = getattr(getattr(response, "usage_metadata", None), "thoughts_token_count", None) or 0
    if not thoughts:
        return ""
    return (f" ({thoughts:,} of them thinking: raise max_output_tokens, or lower thinking_level or thinking_budget "
            "where the model has it)")


def _kept_record(kept: dict | None, model: str, price: ModelPrice) -> tuple[LinkPicks | None, Usage, float] | None:
    """(the picks, or None when they are not to be used, the usage and the cost) of what an earlier run paid for a
    page and kept, or None when nothing readable is kept. The picks are used only when they are this model's (a
    model changed after a 404, or after answers that stayed unusable, asks anew); the cost is always counted, as
    recorded (at the price of the model that answered; a record without it, of an earlier version: at this one's).
    Unusable answers are kept too (their page never committed: the job paused on them, or another page paused it
    meanwhile): without them a job paused for unusable answers recorded 12 Gemini calls where the server had
    answered 24, and its budget was measured from the lower figure."""
    if not isinstance(kept, dict) or not isinstance(kept.get("usage"), dict):
        return None
    try:
        usage = Usage(**kept["usage"])
    except TypeError:
        return None
    cost = kept.get("cost_usd")
    cost = float(cost) if isinstance(cost, (int, float)) and cost >= 0 else usage.cost(price)
    if kept.get("unusable") or kept.get("model", model) != model:
        return None, usage, cost
    try:
        return LinkPicks.model_validate(kept.get("picks")), usage, cost
    except ValidationError:
        return None, usage, cost


def _text_of(response: Any) -> str:
    try:
        return response.text or ""
    except (ValueError, AttributeError):
        return ""


def _usage_counters(usage: Usage, cost_usd: float) -> dict[str, float]:
    return {"gemini_calls": usage.calls, "prompt_tokens": usage.prompt_tokens,
            "output_tokens": usage.output_tokens, "cost_usd": round(cost_usd, 8)} | (
        {"cached_tokens": usage.cached_tokens} if usage.cached_tokens else {})


SERVER_WORDS_MAX = 300   # characters of a server's error message kept in ours


def _server_words(message: str | None) -> str:
    """A server's error message as a line of ours: an HTML error page (a proxy's or a load balancer's 502/503) is
    reduced to its title or text, and any message cut to SERVER_WORDS_MAX characters. The whole page went into the
    job's pause message and events: 8,000 characters of markup in the panel."""
    text = message or ""
    if re.search(r"<(!doctype|html|head|body)\b", text, re.IGNORECASE):
        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
        text = title[1] if title else re.sub(r"<(script|style)\b.*?</\1>|<[^>]*>", " ", text,
                                             flags=re.IGNORECASE | re.DOTALL)
        text = "an HTML page: " + html.unescape(text)
    text = " ".join(text.split())
    return shortened(text, SERVER_WORDS_MAX)


def _transport_failure(exc: BaseException, timeout_s: float) -> str:
    name = type(exc).__name__
    if "Timeout" in name:
        return f"no answer within {timeout_s:g} s ({name})"
    return f"could not reach Gemini ({name})"


#: Words of a 400 that refuses the key, the project or the model rather than one page's request.
_NOT_ABOUT_THE_PAGE = ("api key", "api_key", "permission", "billing", "model")


def _refuses_the_page(code: int, status: str | None, what: str, details: Any) -> bool:
    """Whether a refusal is about the request made for one page (400 INVALID_ARGUMENT, e.g. a page the API will
    not take as it is) rather than about the key, the project or the model, which refuse every page alike (an
    invalid key is a 400 INVALID_ARGUMENT too, named in its message and its ErrorInfo reason API_KEY_INVALID).
    A setting every request carries that the model refuses is caught later: the glue pauses after
    UNUSABLE_PAGES_PAUSE pages in a row without a usable answer (tasks/page_analyzer.py)."""
    if code != 400 or (status or "").upper() != "INVALID_ARGUMENT":
        return False
    said = f"{what} {json.dumps(details, default=str) if details else ''}".lower()
    return not any(words in said for words in _NOT_ABOUT_THE_PAGE)


def _refuses_the_key(code: int, what: str) -> bool:
    """Whether a refusal is of the key itself (401, 403, or a 400 naming the API key), as its message says."""
    return code in (401, 403) or (code == 400 and "api key" in what.lower())


def _refusal_message(code: int, what: str, model: str) -> str:
    if code in (401, 403):
        return f"Gemini refused the API key ({what}); check the key and that the Gemini API is enabled for it"
    if code == 404:
        return f"Gemini does not know the model {model!r} ({what})"   # how to give another: the caller's to say
    if _refuses_the_key(code, what):
        return f"Gemini refused the API key ({what}); check the key"
    return f"Gemini refused the request ({what})"
