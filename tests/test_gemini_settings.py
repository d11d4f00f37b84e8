"""Gemini settings (defaults, file, env, options), the RPM limiter math and the retry delay parsing."""
from __future__ import annotations

import json
import random
from collections import Counter

import pytest

from inlink.gemini.settings import DEFAULT_MODEL, DEFAULT_PRICES, GeminiSettings, ModelPrice, SettingsError
from inlink.gemini.failures import retry_delay_from
from inlink.gemini.limits import RateLimiter, backoff_delay, parse_duration
from tests.fake_gemini import run_in_threads


class FakeClock:
    """A clock the test moves by hand; `sleep` advances it, so waits are computed, never slept."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_limiter_lets_rpm_requests_through_then_waits_for_the_window():
    clock = FakeClock()
    limiter = RateLimiter(rpm=3, clock=clock, sleep=clock.sleep)
    assert [limiter.acquire() for _ in range(3)] == [0, 0, 0]
    assert limiter.acquire() == 60.0        # the 4th waits until the 1st leaves the window (t=1060)
    clock.now += 10                         # t=1070: the starts at 1000 are out of the window
    assert [limiter.acquire() for _ in range(2)] == [0, 0]
    assert limiter.acquire() == 50.0        # window holds 1060, 1070, 1070: next slot at 1120
    assert clock.slept == [60.0, 50.0]


def test_limiter_reservations_follow_the_sliding_window():
    clock = FakeClock()
    limiter = RateLimiter(rpm=2, window_s=60, clock=clock, sleep=clock.sleep)
    starts = [limiter.reserve() for _ in range(5)]      # five callers arriving together
    assert [s - 1000 for s in starts] == [0, 0, 60, 60, 120]
    clock.now += 500                                   # long idle: no waiting any more
    assert limiter.reserve() == clock.now


def test_limiter_is_thread_safe_no_slot_is_given_twice():
    clock = FakeClock()
    limiter = RateLimiter(rpm=5, clock=clock, sleep=lambda s: None)
    per_thread = run_in_threads(lambda: [limiter.reserve() for _ in range(20)], count=8)
    starts = Counter(start for batch in per_thread for start in batch)
    assert sum(starts.values()) == 160 and set(starts.values()) == {5}      # never 6 in one instant
    assert sorted(starts) == [1000 + 60 * j for j in range(32)]


def test_backoff_is_full_jitter_under_an_exponential_ceiling():
    rng = random.Random(7)
    for attempt in range(8):
        ceiling = min(10.0, 0.5 * 2 ** attempt)
        delays = [backoff_delay(attempt, 0.5, 10.0, rng) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > 0.8 * ceiling and min(delays) < 0.2 * ceiling   # spread over the whole range


@pytest.mark.parametrize("text, seconds", [("12s", 12.0), ("1.5s", 1.5), ("0.250s", 0.25), (" 3s ", 3.0),
                                           ("12", None), ("s", None), (None, None), ("1m", None)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


def test_retry_delay_is_found_under_error_details():
    body = {"error": {"code": 429, "details": [
        {"@type": "type.googleapis.com/google.rpc.QuotaFailure"},
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "12s"}]}}
    assert retry_delay_from(body) == 12.0
    assert retry_delay_from({"error": {"details": []}}) is None
    assert retry_delay_from("not a dict") is None


@pytest.mark.parametrize("value, seconds", [("12", 12.0), (" 1.5 ", 1.5), ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
                                            ("Wed, 21 Oct 2015 07:28:30", 30.0), ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),
                                            ("soon", None), ("-3", None), ("", None)])
def test_retry_after_is_read_as_seconds_or_an_http_date(value, seconds):
    from inlink.gemini.failures import retry_after_from

    now = parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT")
    assert retry_after_from({"retry-after": value}, now=lambda: now) == seconds
    assert retry_after_from(None) is None


def parse_http_date(text: str) -> float:
    from email.utils import parsedate_to_datetime

    return parsedate_to_datetime(text).timestamp()


@pytest.mark.parametrize("message, seconds", [("Please retry in 20.04466179s.", 20.04466179),
                                              ("Quota exceeded; retry in 750ms", 0.75), ("RETRY IN 3 s", 3.0),
                                              ("retry in a while", None), ("entry in 5s", None), (None, None)])
def test_a_wait_asked_in_words_is_read(message, seconds):
    from inlink.gemini.failures import retry_phrase_from

    assert retry_phrase_from(message) == (pytest.approx(seconds) if seconds else None)


def test_defaults_are_a_priced_flash_lite_model():
    settings = GeminiSettings()
    assert settings.model == DEFAULT_MODEL and "flash-lite" in DEFAULT_MODEL
    assert settings.price_known() and settings.price() == DEFAULT_PRICES[DEFAULT_MODEL]
    assert settings.price().cost(1_000_000, 1_000_000) == pytest.approx(0.25 + 1.50)


def test_unknown_model_is_costed_at_the_dearest_known_rates():
    settings = GeminiSettings(model="gemini-99-ultra")
    assert not settings.price_known()
    assert settings.price() == ModelPrice(max(p.input_per_1m for p in DEFAULT_PRICES.values()),
                                          max(p.output_per_1m for p in DEFAULT_PRICES.values()))


def test_unknown_price_words_read_the_settings_files_prices(tmp_path, monkeypatch):
    """The one check the front ends make: a model the settings file prices is known, one it does not is said."""
    from inlink.gemini.settings import SETTINGS_FILE_ENV, unknown_price_words

    path = tmp_path / "gemini.json"
    path.write_text(json.dumps({"prices": {"gemini-own": [1, 2]}}))
    monkeypatch.setenv(SETTINGS_FILE_ENV, str(path))
    assert unknown_price_words("gemini-own") == "" == unknown_price_words(DEFAULT_MODEL)
    assert unknown_price_words("gemini-other").startswith("no price is known for the model 'gemini-other'")


def test_precedence_defaults_file_env_options(tmp_path, monkeypatch):
    path = tmp_path / "gemini.json"
    path.write_text(json.dumps({"model": "from-file", "rpm": 15, "prices": {"from-file": [1, 2]}}))
    monkeypatch.setenv("INLINK_GEMINI_SETTINGS", str(path))
    settings = GeminiSettings.from_options()
    assert (settings.model, settings.rpm, settings.price()) == ("from-file", 15, ModelPrice(1.0, 2.0))
    assert "gemini-2.5-flash-lite" in settings.prices            # file prices extend the default table
    monkeypatch.setenv("INLINK_GEMINI_MODEL", "from-env")
    assert GeminiSettings.from_options().model == "from-env"
    chosen = GeminiSettings.from_options(model="from-options", rpm=None, budget_usd=2.5)
    assert (chosen.model, chosen.rpm, chosen.budget_usd) == ("from-options", 15, 2.5)


def test_toml_settings_file(tmp_path):
    path = tmp_path / "gemini.toml"
    path.write_text('model = "gemini-2.5-flash-lite"\nmax_in_flight = 2\n'
                    '[prices."gemini-2.5-flash-lite"]\ninput_per_1m = 0.1\noutput_per_1m = 0.4\n')
    settings = GeminiSettings.from_options(settings_file=path)
    assert settings.max_in_flight == 2 and settings.price() == ModelPrice(0.1, 0.4)


def test_a_price_names_its_cached_rate_and_without_one_cached_tokens_cost_the_input_rate(tmp_path):
    """Cached prompt tokens are billed at the model's cached rate; a price given without one costs them at the input
    rate (never under-counted), and the default table has Google's rate, a tenth of the input rate."""
    path = tmp_path / "gemini.json"
    path.write_text(json.dumps({"prices": {"a": [1, 2, 0.1], "b": {"input_per_1m": 1, "output_per_1m": 2,
                                                                   "cached_input_per_1m": 0.25}, "c": [1, 2]}}))
    prices = GeminiSettings.from_options(settings_file=path).prices
    assert prices["a"].cost(1_000_000, 0, 600_000) == pytest.approx(0.4 + 0.06)
    assert prices["b"].cost(1_000_000, 0, 600_000) == pytest.approx(0.4 + 0.15)
    assert prices["c"].cost(1_000_000, 0, 600_000) == pytest.approx(1.0)
    flash = DEFAULT_PRICES["gemini-2.5-flash"]
    assert flash.cost(1_000_000, 1_000_000, 1_000_000) == pytest.approx(0.03 + 2.50)
    assert all(p.cached_input_per_1m == pytest.approx(p.input_per_1m / 10) for p in DEFAULT_PRICES.values())


@pytest.mark.parametrize("content, message", [
    ('{"modle": "x"}', "unknown Gemini setting.*modle"),
    ('{"rpm": 0}', "rpm must be a whole number of at least 1"),
    ('{"budget_usd": -1}', "budget_usd must be a positive amount"),
    ('{"prices": {"m": "cheap"}}', "price of 'm' must be"),
    ('{"prices": {"m": ["cheap", 2]}}', "price of 'm' must be"),
    ('{"prices": {"m": {"input_per_1m": null, "output_per_1m": 2}}}', "price of 'm' must be"),
    ('{"prices": {"m": [1, 2, -0.1]}}', "price of 'm' must be"),
    ('{"prices": {"m": [1, 2, 3, 4]}}', "price of 'm' must be"),
    ("{broken", "cannot read Gemini settings file"),
    ('{"base_url": "localhost:8080"}', "base_url must be an http:// or https:// address, not 'localhost:8080'"),
    ('{"base_url": "ftp://127.0.0.1/"}', "base_url must be an http:// or https:// address"),
    ('{"base_url": "http://[::1"}', "base_url must be an http:// or https:// address"),
    ('{"thinking_budget": -2}', "thinking_budget must be a whole number of tokens"),
    ('{"thinking_budget": "1024"}', "thinking_budget must be a whole number of tokens"),
    ('{"thinking_budget": 512, "thinking_level": "low"}', "thinking_level .* or thinking_budget .*, not both"),
])
def test_bad_settings_file_names_the_file_and_the_setting(tmp_path, content, message):
    path = tmp_path / "gemini.json"
    path.write_text(content)
    with pytest.raises(SettingsError, match=message) as caught:
        GeminiSettings.from_options(settings_file=path)
    assert "gemini.json" in str(caught.value) or "must be" in str(caught.value)


@pytest.mark.parametrize("content", [None, 'rpm = "abc"\n'])
def test_a_bad_settings_file_named_by_the_environment_says_so(tmp_path, monkeypatch, content):
    """A settings file named by $INLINK_GEMINI_SETTINGS (set once, long ago) that is missing or wrong was named
    without where it came from ("cannot read Gemini settings file /x.toml"): the user could not tell what to fix.
    A file given by the caller is named alone, as before."""
    from click.testing import CliRunner

    from inlink import cli as cli_module

    path = tmp_path / "gemini.toml"
    if content is not None:
        path.write_text(content)
    monkeypatch.setenv("INLINK_GEMINI_SETTINGS", str(path))
    with pytest.raises(SettingsError) as caught:
        GeminiSettings.from_options()
    assert str(caught.value).startswith(f"{'cannot read Gemini settings file ' if content is None else ''}{path} "
                                        "(named by $INLINK_GEMINI_SETTINGS): "), str(caught.value)
    with pytest.raises(SettingsError) as given:
        GeminiSettings.from_options(settings_file=path)
    assert "INLINK_GEMINI_SETTINGS" not in str(given.value)
    pages = tmp_path / "pages.csv"
    pages.write_text("Address,Title 1,Content\nhttps://example.com/,Home,Welcome home.\n")
    monkeypatch.setenv("GEMINI_API_KEY", "AIza-test-key")
    refused = CliRunner().invoke(cli_module.cli, ["suggest", str(pages), "--engine", "gemini", "-o",
                                                  str(tmp_path / "out.csv")])
    assert refused.exit_code == 1 and "(named by $INLINK_GEMINI_SETTINGS)" in refused.stderr, refused.output


def test_a_bad_option_is_not_blamed_on_a_good_settings_file(tmp_path):
    """`suggest --model ' '` said "<settings file>: model must be a Gemini model name", naming a file that was
    right."""
    path = tmp_path / "gemini.json"
    path.write_text('{"rpm": 30}')
    with pytest.raises(SettingsError, match="model must be a Gemini model name") as caught:
        GeminiSettings.from_options(model=" ", settings_file=path)
    assert "gemini.json" not in str(caught.value)


def test_a_job_keeps_the_model_it_was_made_with(monkeypatch, tmp_path):
    """With no model given, the job's process resolved it from its own settings ($INLINK_GEMINI_MODEL, the settings
    file): a resume in another process could switch model and price mid-job. The model is kept in the options."""
    from inlink.gemini.settings import MODEL_ENV
    from inlink.tasks.options import OptionError, clean_options

    monkeypatch.setenv(MODEL_ENV, "gemini-2.5-pro")
    assert clean_options("gemini", {})["model"] == "gemini-2.5-pro"
    assert clean_options("gemini", {"model": "gemini-2.5-flash"})["model"] == "gemini-2.5-flash"
    assert clean_options("offline", {})["model"] is None
    monkeypatch.delenv(MODEL_ENV)
    bad = tmp_path / "gemini.toml"
    bad.write_text("colour = 'blue'\n")
    monkeypatch.setenv("INLINK_GEMINI_SETTINGS", str(bad))
    with pytest.raises(OptionError, match="unknown Gemini setting"):
        clean_options("gemini", {})


def test_an_api_key_given_as_the_model_is_refused_and_kept_nowhere(tmp_path):
    """`jobs resume ID --model <the key>` (pasted into the wrong field) kept the key as the job's model in its
    file and events, and echoed it."""
    from click.testing import CliRunner

    from inlink import cli as cli_module

    key = "AIza" + "Sy0123456789abcdefghijklmnopqrstuv"   # a key's shape, made up
    with pytest.raises(SettingsError, match="looks like an API key, not a model name") as refused:
        GeminiSettings.from_options(model=key)
    assert key not in str(refused.value)
    pages, jobs = tmp_path / "pages.csv", tmp_path / "jobs"
    pages.write_text("Address,Title 1,Content\nhttps://example.com/,Home,Welcome home.\n")
    started = CliRunner().invoke(cli_module.cli, ["--jobs-dir", str(jobs), "jobs", "start", str(pages),
                                                  "--engine", "gemini"])
    assert started.exit_code == 0, started.output
    job_id = started.stdout.strip()
    resumed = CliRunner().invoke(cli_module.cli, ["--jobs-dir", str(jobs), "jobs", "resume", job_id, "--model", key])
    assert resumed.exit_code == 1 and "looks like an API key" in resumed.output
    assert key not in resumed.output
    assert not [path for path in jobs.rglob("*") if path.is_file() and key.encode() in path.read_bytes()]


# ----------------------------------------------------------------------------- the cost said before Start

def test_the_estimate_counts_each_pages_trimmed_text_its_candidates_and_its_answer():
    from inlink.gemini.estimate import (ANSWER_TOKENS, CANDIDATE_TOKENS, FIXED_TOKENS, PICK_TOKENS,
                                        TYPICAL_CANDIDATES, estimate_cost)

    lite = GeminiSettings.from_options(model="gemini-2.5-flash-lite")      # thinks only when told to
    found = estimate_cost([4_000, 400_000], lite, max_links=5)
    per_page = FIXED_TOKENS + TYPICAL_CANDIDATES * CANDIDATE_TOKENS
    assert found.prompt_tokens == 1_000 + lite.source_token_budget + 2 * per_page   # the long page trimmed
    assert found.answer_tokens == 2 * (ANSWER_TOKENS + 5 * PICK_TOKENS)
    assert found.usd == pytest.approx(DEFAULT_PRICES["gemini-2.5-flash-lite"].cost(found.prompt_tokens,
                                                                                    found.answer_tokens))
    thinking = estimate_cost([4_000, 400_000], GeminiSettings.from_options(model="gemini-2.5-flash"), 5)
    assert thinking.answer_tokens == found.answer_tokens + 2 * 1024    # a thinking budget counted whole
    unknown = estimate_cost([4_000], GeminiSettings.from_options(model="gemini-9-ultra"), 5)
    assert not unknown.price_known and unknown.usd > estimate_cost([4_000], lite, 5).usd
    assert estimate_cost([], lite, 5).usd == 0


def test_the_estimate_reads_at_least_the_prompts_the_engine_builds_and_not_far_more():
    """The estimate's claim (gemini/estimate.py), held on a real site: its prompt tokens are not below those of the
    prompts the engine builds for the same pages (a bill above the estimate), nor far above them."""
    from pathlib import Path

    from inlink.gemini import prompt as gemini_prompt
    from inlink.gemini.estimate import estimate_cost
    from inlink.links import suggest as analyzer
    from inlink.site.load import load_site
    from inlink.site.scope import analysable

    corpus = Path(__file__).resolve().parents[1].parent / "shared/corpora/django-docs-3.2/pages_html.csv.gz"
    site = load_site(corpus)
    index = analyzer.build_index(site, analyzer.AnalysisConfig())
    settings = GeminiSettings.from_options()
    built = 0
    for url in analyzer.source_pages(index):
        candidates = [c for c in analyzer.candidates_for(index, url, k=settings.candidates_per_page)
                      if c.confidence >= index.config.min_confidence]
        if candidates:
            prompt = gemini_prompt.build_prompt(index, url, candidates, gemini_prompt.max_per_page(index),
                                                settings.source_token_budget)
            built += (len(prompt) + len(gemini_prompt.SYSTEM_INSTRUCTION)) // gemini_prompt.CHARS_PER_TOKEN
    chars = site.pages.loc[analysable(site.pages), "content"].str.len().tolist()
    estimated = estimate_cost(chars, settings, gemini_prompt.max_per_page(index)).prompt_tokens
    assert built <= estimated <= 1.7 * built, (built, estimated)
