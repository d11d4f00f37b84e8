"""Configuration of the Gemini engine: model name, price table, limits and retry policy.

Model names and prices change more often than code, so they live here as data that a settings file
($INLINK_GEMINI_SETTINGS, JSON or TOML) or the environment ($INLINK_GEMINI_MODEL) can override without a
release. Precedence, lowest first: defaults < settings file < $INLINK_GEMINI_MODEL < explicit options.

Prices: USD per 1 million tokens, Gemini Developer API standard (paid) tier, text input, prompts <= 200k
tokens; looked up on 2026-11-22 (ai.google.dev pricing as quoted by morphllm.com/gemini-api-pricing,
openrouter.ai and vercel.com model pages). Thinking tokens are billed at the output rate. Prompt tokens Gemini
served from its cache (usage_metadata.cached_content_token_count, part of prompt_token_count: implicit caching
on the 2.5 and 3 models) are billed at the cached rate, a tenth of the input rate on those models (the pricing
page's "context caching" price; modelpedia.dev and discuss.ai.google.dev quote the same).
"""
from __future__ import annotations

import json
import math
import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

MODEL_ENV = "INLINK_GEMINI_MODEL"
SETTINGS_FILE_ENV = "INLINK_GEMINI_SETTINGS"
DEFAULT_MODEL = "gemini-3.1-flash-lite"
THINKING_LEVELS = ("minimal", "low", "medium", "high")
#: Thinking tokens a Gemini 2.5 model that thinks unless told otherwise (2.5 Flash, 2.5 Pro) may spend on one page
#: when the settings give no thinking_budget. Left to itself it thinks as long as it likes (dynamic, -1), and its
#: thinking counts against the output limit: a page's answer came back cut, or empty, at MAX_TOKENS. Choosing among
#: twenty candidates needs little thought; 2.5 Pro takes 128 at the least, so this fits every 2.5 model.
DEFAULT_THINKING_BUDGET = 1024


@dataclass(frozen=True)
class ModelPrice:
    """USD per 1 million tokens: prompt (input), generated incl. thinking (output), and prompt tokens served from
    Gemini's cache (cached input; None: not known, so charged at the input rate, which never under-counts)."""

    input_per_1m: float
    output_per_1m: float
    cached_input_per_1m: float | None = None

    def cost(self, input_tokens: int, output_tokens: int, cached_tokens: int = 0) -> float:
        """`input_tokens` counts the cached ones too (as the API's prompt_token_count does): those are billed at
        the cached rate, which was ignored (a page served mostly from the cache was costed ten times over)."""
        cached = min(max(cached_tokens, 0), input_tokens)
        cached_rate = self.input_per_1m if self.cached_input_per_1m is None else self.cached_input_per_1m
        return ((input_tokens - cached) * self.input_per_1m + cached * cached_rate
                + output_tokens * self.output_per_1m) / 1_000_000


DEFAULT_PRICES: dict[str, ModelPrice] = {
    "gemini-3.1-flash-lite": ModelPrice(0.25, 1.50, 0.025),
    "gemini-3.1-flash-lite-preview": ModelPrice(0.25, 1.50, 0.025),
    "gemini-2.5-flash-lite": ModelPrice(0.10, 0.40, 0.01),
    "gemini-2.5-flash": ModelPrice(0.30, 2.50, 0.03),
    "gemini-3-flash": ModelPrice(0.50, 3.00, 0.05),
    "gemini-2.5-pro": ModelPrice(1.25, 10.00, 0.125),
    "gemini-3.1-pro": ModelPrice(2.00, 12.00, 0.20),
}


class SettingsError(ValueError):
    """A Gemini setting is missing or wrong; the message names the setting (and the file, if any)."""


@dataclass(frozen=True)
class GeminiSettings:
    """Everything the engine needs besides the API key (which is never part of settings)."""

    model: str = DEFAULT_MODEL
    prices: Mapping[str, ModelPrice] = field(default_factory=lambda: dict(DEFAULT_PRICES))
    rpm: int = 60                     # requests per minute, all threads of one engine together
    max_in_flight: int = 4            # HTTP requests open at once
    timeout_s: float = 60.0           # per HTTP request
    max_retries: int = 5              # extra attempts after a 429 / 5xx / timeout
    backoff_base_s: float = 1.0       # full-jitter backoff: uniform(0, min(max, base * 2**attempt))
    backoff_max_s: float = 60.0
    max_server_delay_s: float = 300.0  # a longer wait asked for (daily quota) fails at once instead
    parse_retries: int = 2            # extra attempts when the answer cannot be parsed
    budget_usd: float | None = None   # no new call once this much was spent
    temperature: float = 0.2
    max_output_tokens: int = 2048     # a handful of picks fits easily; caps the cost of a runaway answer
    thinking_level: str | None = None  # Gemini 3 models: "minimal", "low", "medium", "high"; None = model default
    thinking_budget: int | None = None  # Gemini 2.5 models: thinking tokens per answer (0 off, -1 the model decides);
    #                                     None = DEFAULT_THINKING_BUDGET on those that think by default (thinking_budget_sent)
    source_token_budget: int = 6000   # the source page's text is trimmed to about this many tokens
    candidates_per_page: int = 20
    api_version: str = "v1beta"       # the SDK 3.x defaults to v1; v1beta is where new API features land first
    base_url: str | None = None       # tests point this at the local fake server

    def __post_init__(self) -> None:
        # the API's own spelling ("models/gemini-2.5-flash", which the SDK sends as gemini-2.5-flash) is the same
        # model: one name for its price, its thinking and the rows' Engine column ("gemini:models/..." before)
        if isinstance(self.model, str):
            object.__setattr__(self, "model", self.model.strip().removeprefix("models/"))
        _check_settings(self)

    def price(self) -> ModelPrice:
        """The model's price; an unknown model is costed at the dearest known rates so budgets stay safe."""
        if self.price_known():
            return self.prices[self.model]
        return ModelPrice(max(p.input_per_1m for p in self.prices.values()),
                          max(p.output_per_1m for p in self.prices.values()))

    def thinking_budget_sent(self) -> int | None:
        """The thinkingBudget a request carries: the one set, else DEFAULT_THINKING_BUDGET for a Gemini 2.5 model
        that thinks by default (Flash Lite does not: a budget would make it think, and pay for it), else None (the
        model's own way; Gemini 3 models take thinking_level, and refuse a request with both, 400)."""
        if self.thinking_budget is not None:
            return self.thinking_budget
        if self.thinking_level or not self.model.startswith("gemini-2.5-") or "flash-lite" in self.model:
            return None
        return DEFAULT_THINKING_BUDGET

    def output_limit(self) -> int:
        """The maxOutputTokens a request carries: max_output_tokens for the answer itself, plus the thinking budget
        sent (Gemini 2.5 counts thinking against the output limit, so a budget as large as the limit left the answer
        no room at all)."""
        return self.max_output_tokens + max(self.thinking_budget_sent() or 0, 0)

    def price_known(self) -> bool:
        """Whether the price table knows the model, named as the API names it too ("models/gemini-2.5-flash", which
        the SDK sends as gemini-2.5-flash): that name was costed at the dearest known rates, 7 times 2.5 Flash's
        output price, and its budget paused the job long before it was spent."""
        return self.model in self.prices

    def unknown_price_words(self) -> str:
        """What a front end says of a model the price table does not know ("" for a known one): every spend and
        budget figure of its runs is an estimate at the dearest known rates, which nobody knew unless told."""
        if self.price_known():
            return ""
        price = self.price()
        return (f"no price is known for the model {self.model!r}: its cost is counted at the dearest known rates "
                f"(${price.input_per_1m:g} / ${price.output_per_1m:g} per million prompt / output tokens); give its "
                f"price in the settings file (${SETTINGS_FILE_ENV}, \"prices\")")

    @classmethod
    def from_options(cls, model: str | None = None, budget_usd: float | None = None, rpm: int | None = None,
                     settings_file: str | Path | None = None, **overrides: Any) -> "GeminiSettings":
        """Defaults < settings file < $INLINK_GEMINI_MODEL < the options given here (None = not given)."""
        path = settings_file or os.environ.get(SETTINGS_FILE_ENV)
        source = f"{path} (named by ${SETTINGS_FILE_ENV})" if path and not settings_file else str(path)
        values = read_settings_file(path, source) if path else {}
        if path:   # the file's own mistakes named with the file; an option's not (`--model ' '` blamed the file)
            cls.from_mapping(values, source=source)
        if os.environ.get(MODEL_ENV, "").strip():
            values["model"] = os.environ[MODEL_ENV].strip()
        given = {"model": model, "budget_usd": budget_usd, "rpm": rpm, **overrides}
        values.update({k: v for k, v in given.items() if v is not None})
        return cls.from_mapping(values, source="options")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], source: str = "settings") -> "GeminiSettings":
        """Build settings from plain data (a parsed file or a dict); unknown keys are refused by name."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise SettingsError(f"{source}: unknown Gemini setting(s): {', '.join(unknown)}")
        data = dict(values)
        if "prices" in data:
            data["prices"] = {**DEFAULT_PRICES, **_parse_prices(data["prices"], source)}
        try:
            return replace(cls(), **data)
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"{source}: {exc}") from None


def unknown_price_words(model: str | None = None) -> str:
    """What a front end says of `model` (None: the one the settings name) when the price table, the settings file's
    prices included, does not know it ("" when it does). The one check the Generate page, the job panel's model
    change and the CLI's warning make: each built the settings and asked them itself before."""
    return GeminiSettings.from_options(model=model).unknown_price_words()


def read_settings_file(path: str | Path, source: str | None = None) -> dict:
    """A JSON or TOML settings file as a dict; a plain error names the file (as `source` says it: a file named by
    $INLINK_GEMINI_SETTINGS, set long ago, was named without where it came from) when it cannot be read."""
    path = Path(path)
    source = source or str(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (OSError, ValueError) as exc:
        raise SettingsError(f"cannot read Gemini settings file {source}: {exc}") from None
    if not isinstance(data, dict):
        raise SettingsError(f"Gemini settings file {source} must hold a table/object of settings")
    return data


def _parse_prices(raw: Any, source: str) -> dict[str, ModelPrice]:
    """{"model": {"input_per_1m": x, "output_per_1m": y[, "cached_input_per_1m": z]}} or {"model": [x, y[, z]]}
    -> ModelPrice table (no cached rate: cached prompt tokens are charged at the input rate)."""
    if not isinstance(raw, Mapping):
        raise SettingsError(f"{source}: prices must map model names to input/output prices")
    return {model: _parse_price(model, price, source) for model, price in raw.items()}


def _parse_price(model: str, price: Any, source: str) -> ModelPrice:
    """One model's price; anything but two numbers is refused by model name (never a bare float() error)."""
    if isinstance(price, ModelPrice):
        return price
    if isinstance(price, Mapping):
        price = [price.get("input_per_1m"), price.get("output_per_1m"),
                 *([price["cached_input_per_1m"]] if "cached_input_per_1m" in price else [])]
    if isinstance(price, (list, tuple)) and len(price) in (2, 3):
        try:
            rates = [float(rate) for rate in price]
        except (TypeError, ValueError):
            rates = []
        if rates and all(0 <= rate < math.inf for rate in rates):
            return ModelPrice(*rates)
    raise SettingsError(f"{source}: price of {model!r} must be [input, output] or [input, output, cached input] "
                        "USD per 1M tokens")


#: A Google API key's shape: a model name of this shape is a key pasted into the wrong field.
_API_KEY_SHAPE = re.compile(r"AIza[0-9A-Za-z_\-]{20,}")


def _check_settings(s: GeminiSettings) -> None:
    if not str(s.model).strip():
        raise SettingsError("model must be a Gemini model name, e.g. " + DEFAULT_MODEL)
    if _API_KEY_SHAPE.search(str(s.model)):   # it was kept in the job's file and events, and echoed, as a model name
        raise SettingsError("the model name given looks like an API key, not a model name (it was not kept): give "
                            "a model such as " + DEFAULT_MODEL + ", and the key in GEMINI_API_KEY only")
    if s.thinking_level is not None and str(s.thinking_level).lower() not in THINKING_LEVELS:
        raise SettingsError(f"thinking_level must be one of {', '.join(THINKING_LEVELS)} or unset, "
                            f"not {s.thinking_level!r}")
    _check_thinking_budget(s)
    for name in ("rpm", "max_in_flight", "candidates_per_page", "source_token_budget", "max_output_tokens"):
        value = getattr(s, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise SettingsError(f"{name} must be a whole number of at least 1, not {value!r}")
    for name in ("max_retries", "parse_retries"):
        value = getattr(s, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise SettingsError(f"{name} must be a whole number of at least 0, not {value!r}")
    for name in ("timeout_s", "backoff_base_s", "backoff_max_s", "max_server_delay_s"):
        if not float(getattr(s, name)) > 0:
            raise SettingsError(f"{name} must be a positive number of seconds, not {getattr(s, name)!r}")
    if s.budget_usd is not None and not 0 < float(s.budget_usd) < math.inf:   # nan and inf are no amounts
        raise SettingsError(f"budget_usd must be a positive amount of US dollars, not {s.budget_usd!r}")
    if s.base_url is not None and not _is_http_url(s.base_url):   # else the SDK's UnsupportedProtocol failed a job
        raise SettingsError(f"base_url must be an http:// or https:// address, not {s.base_url!r}")
    if not s.prices:
        raise SettingsError("the price table is empty")


def _check_thinking_budget(s: GeminiSettings) -> None:
    """A budget is a whole number of tokens from -1 (the model decides), and not given beside a thinking_level: the
    API refuses a request with both (400 INVALID_ARGUMENT), every page alike."""
    value = s.thinking_budget
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < -1:
        raise SettingsError(f"thinking_budget must be a whole number of tokens (0 = no thinking, -1 = the model "
                            f"decides), not {value!r}")
    if s.thinking_level is not None:
        raise SettingsError("give thinking_level (Gemini 3 models) or thinking_budget (Gemini 2.5 models), not both: "
                            "Gemini refuses a request with both")


def _is_http_url(value: object) -> bool:
    """Whether a base_url is an http(s) address with a host the SDK can call ("localhost:8080" is not)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(str(value))
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:   # "http://[::1": an unclosed IPv6 address
        return False
