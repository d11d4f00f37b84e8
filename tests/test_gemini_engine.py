"""The Gemini engine end to end: the REAL google-genai client talking HTTP to a local fake Gemini server."""
from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import re
import socket
import threading
import traceback
from types import SimpleNamespace

import pandas as pd
import pytest

from inlink.links import suggest as analyzer
from inlink.gemini import engine as ge
from inlink.gemini.failures import SERVER_WORDS_MAX
from inlink.gemini.settings import GeminiSettings
from inlink.gemini.limits import RateLimiter
from inlink.tasks import job_words
from tests import fake_gemini as fg
from waiting import wait_for

KEY = "AIzaFAKE-test-key-0123456789"
HOME, COMPOST, TOMATO, WATER, HIDDEN = (f"https://ex.com/{p}" for p in
                                        ("", "composting", "tomato-growing", "watering", "hidden"))
PAGES = [
    (HOME, "Home | Ex", "Welcome", "Welcome to our garden shop. Read our guide to composting and learn about "
                                   "tomato growing. Our watering tips help in summer.", True),
    (COMPOST, "Composting | Ex", "Composting", "Composting turns kitchen waste into soil. Good compost feeds "
                                               "tomato plants and helps with watering.", True),
    (TOMATO, "Tomato growing | Ex", "Tomato growing", "Tomato growing needs sun, compost and regular watering. "
                                                      "See composting for soil.", True),
    (WATER, "Watering tips | Ex", "Watering tips", "Watering tips for summer: water tomato plants early. "
                                                   "Composting keeps soil moist.", True),
    (HIDDEN, "Hidden | Ex", "Hidden", "A hidden page about composting and watering.", False),
]


def build_site_index(max_per_page: int = 2, existing: tuple = (), **config) -> analyzer.LinkIndex:
    """The real offline index over a five-page garden site (one page not indexable)."""
    pages = pd.DataFrame(PAGES, columns=["url", "title", "h1", "content", "is_target"])
    links = pd.DataFrame(list(existing), columns=["source", "destination", "anchor"])
    site = SimpleNamespace(pages=pages, links=links)
    return analyzer.build_index(site, analyzer.AnalysisConfig(max_per_page=max_per_page, **config))


def engine_for(fake: fg.FakeGemini, *script: fg.Reply, **overrides) -> ge.GeminiEngine:
    """An engine on the fake with short timeouts and backoff, so the retry tests stay fast."""
    fake.script = list(script)
    values = dict(base_url=fake.base_url, timeout_s=2.0, backoff_base_s=0.01, backoff_max_s=0.05,
                  max_retries=2, parse_retries=2, rpm=1000)
    answers = overrides.pop("answers", None)
    values.update(overrides)
    return ge.GeminiEngine(KEY, GeminiSettings(**values), answers=answers)


def test_success_gives_checked_rows_usage_and_cost(fake):
    engine = engine_for(fake, fg.suggestions((WATER, "watering tips"), (TOMATO, "learn about tomato growing"),
                                             prompt_tokens=1000, output_tokens=200))
    outcome = engine.suggest(build_site_index(), HOME)

    assert [(r["Destination"], r["Anchor"]) for r in outcome.rows] == [
        (WATER, "watering tips"), (TOMATO, "learn about tomato growing")]
    assert all(tuple(r) == analyzer.RESULT_COLUMNS for r in outcome.rows)
    assert {r["Engine"] for r in outcome.rows} == {f"gemini:{engine.settings.model}"}
    assert outcome.rows[0]["Context"] == "Our watering tips help in summer."
    assert outcome.rows[1]["Context"] == "Read our guide to composting and learn about tomato growing."
    assert outcome.rows[0]["Reason"] == "about watering tips" and outcome.rows[0]["Score"] == 0.8
    price = engine.settings.price()
    expected_cost = (1000 * price.input_per_1m + 200 * price.output_per_1m) / 1e6
    assert outcome.cost_usd == pytest.approx(expected_cost)
    assert outcome.counters() == {"gemini_calls": 1, "prompt_tokens": 1000, "output_tokens": 200,
                                  "cost_usd": pytest.approx(expected_cost), "suggestions_dropped": 0}
    assert engine.spent_usd == pytest.approx(expected_cost)


def test_a_model_named_as_the_api_names_it_is_costed_at_its_own_price(fake):
    """ "models/gemini-2.5-flash" (the API's resource name, which the SDK sends as gemini-2.5-flash) was an unknown
    model to the price table: costed at the dearest known rates, and its budget paused the job long before. Its rows
    named the engine "gemini:models/gemini-2.5-flash"; the settings now hold the one name."""
    engine = engine_for(fake, fg.suggestions((WATER, "watering tips"), prompt_tokens=1000, output_tokens=200),
                        model="models/gemini-2.5-flash", thinking_budget=0)
    outcome = engine.suggest(build_site_index(), HOME)
    assert fake.received[0].model == "gemini-2.5-flash"
    assert engine.settings.price_known() and engine.settings.unknown_price_words() == ""
    assert outcome.cost_usd == pytest.approx((1000 * 0.30 + 200 * 2.50) / 1e6)
    assert {row["Engine"] for row in outcome.rows} == {"gemini:gemini-2.5-flash"}   # was "gemini:models/..."
    assert engine.settings.thinking_budget_sent() == 0


def test_prompt_tokens_gemini_served_from_its_cache_are_costed_at_the_cached_rate(fake):
    """cachedContentTokenCount (part of promptTokenCount) was charged at the full input rate, though Google bills it
    at a tenth of it on the 2.5 and 3 models: a page whose prompt came mostly from the cache was over-counted, and its
    budget paused the job early."""
    engine = engine_for(fake, fg.suggestions((WATER, "watering tips"), prompt_tokens=10_000, output_tokens=200,
                                             cached_tokens=8_000), model="gemini-2.5-flash", thinking_budget=0)
    outcome = engine.suggest(build_site_index(), HOME)
    expected = (2_000 * 0.30 + 8_000 * 0.03 + 200 * 2.50) / 1e6
    assert outcome.cost_usd == pytest.approx(expected) and engine.spent_usd == pytest.approx(expected)
    assert outcome.counters()["prompt_tokens"] == 10_000 and outcome.counters()["cached_tokens"] == 8_000
    assert "10,000 prompt (8,000 of them from Gemini's cache) and 200 output tokens" in \
        job_words.spend_words(outcome.counters(), None)


def test_request_carries_prompt_schema_model_and_key_only_as_header(fake):
    engine = engine_for(fake, fg.suggestions(), model="gemini-test-model", thinking_level="minimal",
                        max_output_tokens=999)
    engine.suggest(build_site_index(max_per_page=3), HOME)

    [request] = fake.received
    assert request.model == "gemini-test-model"
    assert request.headers.get("x-goog-api-key") == KEY
    assert KEY not in request.path and KEY not in str(request.body)
    config = request.body["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    assert "suggestions" in str(config["responseSchema"])
    assert config["maxOutputTokens"] == 999 and list(config["thinkingConfig"].values()) == ["MINIMAL"]
    assert "editor choosing internal links" in str(request.body["systemInstruction"])
    prompt = request.prompt
    assert "Welcome to our garden shop." in prompt and "at most 3 links" in prompt
    assert WATER in prompt and '"watering tips"' in prompt and HIDDEN not in prompt
    assert "Title: Watering tips" in prompt   # the target is shown by its cleaned title


def test_invalid_suggestions_are_dropped_and_counted_by_reason(fake):
    engine = engine_for(fake, fg.suggestions(
        (WATER, "watering tips"), (TOMATO, "organic gardening"), ("https://ex.com/nope", "composting"),
        (HOME, "garden shop"), (COMPOST, "composting"), (HIDDEN, "composting"), (WATER, "summer"),
        (TOMATO, "tomato growing"), ("3", "help")))
    index = build_site_index(max_per_page=2, existing=[(HOME, COMPOST, "composting")])
    outcome = engine.suggest(index, HOME)

    assert [(r["Destination"], r["Anchor"]) for r in outcome.rows] == [
        (WATER, "watering tips"), (TOMATO, "tomato growing")]
    assert dict(outcome.dropped) == {"anchor_not_in_text": 1, "unknown_target": 1, "self_link": 1,
                                     "existing_link": 1, "target_not_indexable": 1, "duplicate_target": 1,
                                     "over_page_cap": 1}
    assert outcome.counters()["suggestions_dropped"] == 7
    assert outcome.counters()["dropped_self_link"] == 1


@pytest.mark.parametrize("anchor", ['"watering tips"', "“Watering tips”", "Watering Tips", "watering tips.",
                                    "watering  tips"])
def test_the_suggested_anchor_copied_with_quotes_case_or_a_full_stop_is_kept_as_the_page_has_it(fake, anchor):
    """The prompt shows each suggested anchor in JSON quotes, and a model copies it so, or writes it as a title: no
    such anchor stands in the page, and the pick was dropped as not in the text though the candidate's own anchor
    was meant. Any other phrase is still held to the page's own words."""
    engine = engine_for(fake, fg.suggestions((WATER, anchor), (TOMATO, "Tomato Growing Guide")))
    outcome = engine.suggest(build_site_index(), HOME)
    assert [(r["Anchor"], r["Context"]) for r in outcome.rows] == [("watering tips",
                                                                    "Our watering tips help in summer.")]
    assert dict(outcome.dropped) == {"anchor_not_in_text": 1}


def test_a_candidates_url_written_another_way_is_taken_for_that_candidate(fake):
    """A pick naming a listed target with a trailing slash, as a path or in capitals was dropped as a page not in the
    crawl; it is the candidate's own URL now. A page that is no candidate stays dropped however it is written."""
    engine = engine_for(fake, fg.suggestions(("https://ex.com/watering/", "watering tips"),
                                             ("/tomato-growing", "tomato growing"),
                                             ("HTTPS://EX.COM/hidden/", "garden")))
    outcome = engine.suggest(build_site_index(max_per_page=3), HOME)
    assert [(r["Destination"], r["Anchor"]) for r in outcome.rows] == [(WATER, "watering tips"),
                                                                       (TOMATO, "tomato growing")]
    assert sum(outcome.dropped.values()) == 1


def test_inbound_cap_and_repeated_anchor_are_dropped(fake):
    index = build_site_index(max_per_page=5, max_inbound_per_target=1)
    analyzer.record_suggestions(index, [{"Source": COMPOST, "Destination": WATER}])   # WATER is now full
    engine = engine_for(fake, fg.suggestions((WATER, "watering tips"), (TOMATO, "tomato growing"),
                                             (COMPOST, "Tomato Growing")))
    outcome = engine.suggest(index, HOME)
    assert [(r["Destination"], r["Anchor"]) for r in outcome.rows] == [(TOMATO, "tomato growing")]
    assert dict(outcome.dropped) == {"inbound_cap": 1, "duplicate_anchor": 1}


def test_weak_anchor_and_candidate_number_destination(fake):
    candidates = analyzer.candidates_for(build_site_index(), HOME)
    number = 1 + [c.destination for c in candidates].index(WATER)
    engine = engine_for(fake, fg.suggestions((TOMATO, "the"), (str(number), "watering tips")))
    outcome = engine.suggest(build_site_index(), HOME)
    assert [(r["Destination"], r["Anchor"]) for r in outcome.rows] == [(WATER, "watering tips")]
    assert dict(outcome.dropped) == {"weak_anchor": 1}


def test_429_waits_the_servers_retry_delay_then_succeeds(fake):
    engine = engine_for(fake, fg.rate_limited("1s"), fg.suggestions((WATER, "watering tips")))
    outcome = engine.suggest(build_site_index(), HOME)

    assert len(outcome.rows) == 1 and len(fake.received) == 2
    waited = fake.received[1].arrived - fake.received[0].arrived
    assert waited >= 1.0    # our own backoff would be <= 0.05 s: only RetryInfo explains the wait


def test_the_servers_retry_delay_holds_every_call_of_the_engine_not_only_the_refused_one(fake):
    """Only the call Gemini refused waited out its retryDelay: the other pages in flight, and the next ones, went on
    calling at once, each refused (429) for the same quota in turn."""
    import time

    engine = engine_for(fake, fg.rate_limited("1s"), fg.suggestions((WATER, "watering tips")))
    waiting = threading.Event()

    def sleep(seconds: float) -> None:   # the engine's own sleep, which says when the first page began to wait
        waiting.set()
        time.sleep(seconds)

    engine._sleep = sleep
    first = threading.Thread(target=engine.suggest, args=(build_site_index(), HOME))
    first.start()
    assert waiting.wait(10)                                          # the first page waits out the 429's 1 s
    engine.suggest(build_site_index(), TOMATO)                       # another page, asked meanwhile
    first.join(10)
    refused, *later = sorted(fake.received, key=lambda r: r.arrived)
    assert len(later) == 2 and all(r.arrived - refused.arrived >= 1.0 for r in later), \
        [r.arrived - refused.arrived for r in later]


def test_500_then_success(fake):
    engine = engine_for(fake, fg.server_error(), fg.suggestions((WATER, "watering tips")))
    assert len(engine.suggest(build_site_index(), HOME).rows) == 1
    assert len(fake.received) == 2


def test_500_until_retries_are_exhausted_fails_clearly(fake):
    engine = engine_for(fake, fg.server_error(), max_retries=2)
    with pytest.raises(ge.GeminiUnavailable, match=r"failed 3 times in a row \(last: 500 INTERNAL.*\)$") as caught:
        engine.suggest(build_site_index(), HOME)
    assert len(fake.received) == 3      # the SDK's own retry is off: exactly 1 + max_retries requests
    assert caught.value.attempts == 3 and caught.value.last_failure.startswith("500 INTERNAL")
    assert caught.value.retry_after_s is None and "job" not in str(caught.value)   # the caller words the remedy
    once = engine_for(fake, fg.server_error(), max_retries=0)   # no retry: "failed 1 times" read wrong
    with pytest.raises(ge.GeminiUnavailable, match=r"failed 1 time in a row \(last: 500 INTERNAL"):
        once.suggest(build_site_index(), HOME)


@pytest.mark.parametrize("others", ["answered", "failed too"])
def test_a_page_gemini_fails_on_every_time_while_it_answers_others_is_skipped_not_an_outage(fake, others):
    """Gemini fails alike (500 INTERNAL) on some pages' requests, every time: the job paused on such a page as on an
    outage, paused again on it after each resume, and never went past it. A page failing so while other pages are
    answered is skipped now; while nothing is answered it is still an outage (the job pauses)."""
    held = dataclasses.replace(fg.server_error(), delay_s=0.3)
    fake.by_prompt = {"Welcome to our garden shop.": held}   # the home page's requests only
    answer = fg.suggestions((COMPOST, "composting")) if others == "answered" else fg.server_error()
    engine = engine_for(fake, answer, max_retries=2, parse_retries=0)
    index = build_site_index()
    failed = []

    def home_page() -> None:
        try:
            engine.suggest(index, HOME)
        except ge.GeminiError as exc:
            failed.append(exc)
    thread = threading.Thread(target=home_page)
    thread.start()
    wait_for(lambda: fake.received, 10, "the home page's first request")
    with pytest.raises(ge.GeminiError) if others != "answered" else contextlib.nullcontext():
        engine.suggest(index, TOMATO)   # a page with a candidate: asked while the home page fails
    thread.join(10)
    [exc] = failed
    home_calls = sum("Welcome to our garden shop." in r.prompt for r in fake.received)
    assert home_calls == 3
    if others == "answered":
        assert isinstance(exc, ge.PageAnalysisError) and not isinstance(exc, ge.GeminiUnavailable)
        assert str(exc).startswith(f"Gemini failed 3 times in a row for {HOME} (last: 500 INTERNAL: An internal error "
                                   "has occurred.) while it answered other pages; the page was skipped")
    else:
        assert isinstance(exc, ge.GeminiUnavailable)


def test_an_html_error_page_is_said_by_its_title_and_a_long_message_is_cut(fake):
    """A proxy's 503 page went whole (8,000 characters of markup) into the job's pause message and events."""
    page = ("<!DOCTYPE html><html><head><title>503 Service Unavailable</title><style>body{margin:0}</style>"
            "</head><body>" + "<p>The server is temporarily unable to service your request.</p>" * 150 + "</body></html>")
    engine = engine_for(fake, fg.Reply(503, page), max_retries=0)
    with pytest.raises(ge.GeminiUnavailable) as caught:
        engine.suggest(build_site_index(), HOME)
    assert caught.value.last_failure == "503 Service Unavailable: an HTML page: 503 Service Unavailable"
    engine = engine_for(fake, fg.error(500, "Internal error. " * 100, "INTERNAL"), max_retries=0)
    with pytest.raises(ge.GeminiUnavailable) as caught:
        engine.suggest(build_site_index(), HOME)
    assert len(caught.value.last_failure) < SERVER_WORDS_MAX + 20 and caught.value.last_failure.endswith("…")


def test_timeout_then_success(fake):
    engine = engine_for(fake, fg.slow(fg.suggestions(), 5.0), fg.suggestions((WATER, "watering tips")),
                        timeout_s=0.5)
    assert len(engine.suggest(build_site_index(), HOME).rows) == 1
    assert len(fake.received) == 2


def test_answers_that_never_come_within_the_timeout_name_the_setting_that_gives_them_more(fake):
    """A model that takes longer than timeout_s on every call paused the job with "no answer within 60 s
    (ReadTimeout); resume the job later": resumed, it timed out alike. The setting that helps is named."""
    engine = engine_for(fake, fg.slow(fg.suggestions(), 5.0), timeout_s=0.5, max_retries=1)
    with pytest.raises(ge.GeminiUnavailable) as caught:
        engine.suggest(build_site_index(), HOME)
    assert str(caught.value) == ("Gemini failed 2 times in a row (last: no answer within 0.5 s (ReadTimeout; a model "
                                 "that takes longer needs a larger timeout_s in the Gemini settings))")


def test_an_answer_sent_a_little_at_a_time_is_given_up_timeout_s_after_its_headers(fake):
    """httpx's timeout is per read: a server (or a proxy) that sends a byte of the body now and then never tripped
    it, and the call, the page and its job stayed in flight for as long as the trickle went on. The body must now
    come whole within timeout_s of the headers; the call is then retried and said like any other timeout."""
    engine = engine_for(fake, fg.trickled(fg.suggestions((WATER, "watering tips")), 0.02), timeout_s=0.4,
                        max_retries=1)   # ~500 bytes, a byte every 0.02 s: about 10 s a call, each read in time
    with pytest.raises(ge.GeminiUnavailable) as caught:   # before the fix, the whole answer came after 10 s, taken
        engine.suggest(build_site_index(), HOME)
    assert len(fake.received) == 2
    assert str(caught.value) == ("Gemini failed 2 times in a row (last: the answer was still arriving 0.4 s after it "
                                 "began, a little at a time (a slow network or a proxy in the way?))")
    engine = engine_for(fake, fg.trickled(fg.suggestions(), 0.02), fg.suggestions((WATER, "watering tips")),
                        timeout_s=0.4)
    assert len(engine.suggest(build_site_index(), HOME).rows) == 1


def test_connection_dropped_mid_answer_is_retried(fake):
    engine = engine_for(fake, fg.connection_reset(), fg.suggestions((WATER, "watering tips")))
    assert len(engine.suggest(build_site_index(), HOME).rows) == 1
    assert len(fake.received) == 2


def test_a_garbled_answer_is_retried_then_named(fake):
    """A body its Content-Encoding cannot decode (gzip that is not) raised httpx's DecodingError past the engine: the
    job failed as a bug ("DecodingError: Error -3 while decompressing data"). It is retried like a cut answer."""
    good = fg.suggestions((WATER, "watering tips"))
    garbled = fg.Reply(200, good.body, headers={"Content-Encoding": "gzip"})
    outcome = engine_for(fake, garbled, good).suggest(build_site_index(), HOME)
    assert len(fake.received) == 2 and [r["Anchor"] for r in outcome.rows] == ["watering tips"]
    fake.received.clear()
    with pytest.raises(ge.GeminiUnavailable, match=r"failed 3 times in a row \(last: the answer came garbled: its "
                                                   r"Content-Encoding does not decode \(DecodingError"):
        engine_for(fake, garbled).suggest(build_site_index(), HOME)
    assert len(fake.received) == 3


def test_unreachable_server_is_retried_then_fails_clearly(caplog):
    with socket.socket() as probe:          # a loopback port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = GeminiSettings(base_url=f"http://127.0.0.1:{port}/", max_retries=1, backoff_base_s=0.01)
    engine = ge.GeminiEngine(KEY, settings)
    with caplog.at_level(logging.INFO, logger="inlink.gemini.engine"):
        with pytest.raises(ge.GeminiUnavailable, match="failed 2 times.*could not reach Gemini"):
            engine.suggest(build_site_index(), HOME)
    assert "retry 1 of 1" in caplog.text and KEY not in caplog.text


@pytest.mark.parametrize("status_line", ["407 Proxy Authentication Required", "503 Service Unavailable"])
def test_a_proxy_that_does_not_reach_gemini_is_retried_then_named(monkeypatch, status_line):
    """HTTPS_PROXY answering the tunnel with 407 or 503 raised httpx's ProxyError past the engine: the job failed as
    a bug ("ProxyError: 407 ..."). It is retried like an unreachable server, then said with the proxy's answer."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    tunnels = []

    class Proxy(BaseHTTPRequestHandler):
        def do_CONNECT(self) -> None:  # noqa: N802 (http.server's naming)
            tunnels.append(self.path)
            code, reason = status_line.split(" ", 1)
            self.send_response(int(code), reason)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=proxy.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    try:
        for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy.server_address[1]}")
        settings = GeminiSettings(base_url="https://gemini.invalid/", max_retries=1, backoff_base_s=0.01)
        with pytest.raises(ge.GeminiUnavailable) as caught:
            ge.GeminiEngine(KEY, settings).suggest(build_site_index(), HOME)
    finally:
        proxy.shutdown()
        proxy.server_close()
    assert tunnels == ["gemini.invalid:443"] * 2
    assert str(caught.value) == ("Gemini failed 2 times in a row (last: the proxy (HTTPS_PROXY) did not reach Gemini "
                                 f"(ProxyError: {status_line}))")


def test_long_server_delay_fails_at_once_instead_of_waiting(fake):
    engine = engine_for(fake, fg.rate_limited("3600s"), max_server_delay_s=60)
    with pytest.raises(ge.GeminiUnavailable, match="wait 3600 s, about 1 h .*the quota is probably used up for now$") as caught:
        engine.suggest(build_site_index(), HOME)
    assert caught.value.retry_after_s == 3600 and "job" not in str(caught.value)
    assert len(fake.received) == 1


def _unavailable(status: int, message: str = "The model is overloaded.", **headers) -> fg.Reply:
    """A 429 or 503 without RetryInfo, its wait asked for, if at all, by a header or in its message."""
    reply = fg.error(status, message, "UNAVAILABLE" if status == 503 else "RESOURCE_EXHAUSTED")
    reply.headers.update(headers)
    return reply


def _http_date_in(seconds: float) -> str:
    import email.utils
    import time

    return email.utils.formatdate(time.time() + seconds, usegmt=True)


@pytest.mark.parametrize("reply, low, high", [
    (lambda: _unavailable(503, **{"Retry-After": "12"}), 12, 12),
    (lambda: _unavailable(503, **{"Retry-After": _http_date_in(30)}), 20, 30),   # the date is whole seconds
    (lambda: _unavailable(429, "Quota exceeded. Please retry in 12.3s."), 12.3, 12.3),
    (lambda: _unavailable(429, "Quota exceeded, retry in 9500ms"), 9.5, 9.5),
], ids=["Retry-After seconds", "Retry-After date", "retry in 12.3s", "retry in 9500ms"])
def test_a_wait_asked_by_retry_after_or_in_words_is_honoured_without_retry_info(fake, reply, low, high):
    """Only RetryInfo was read: a 503 asking for 12 s in its Retry-After header, or a 429 saying "Please retry in
    12.3s" in its message, was asked again after our own backoff (at most 0.05 s here), refused again, and the
    retries ran out. The wait asked for is said (a wait of 5 s or more) and held for every call; the run is
    interrupted once it is said, so the test never waits it out."""
    import time

    fake.script = [reply(), fg.suggestions((WATER, "watering tips"))]
    heard: list[str] = []
    engine = ge.GeminiEngine(KEY, GeminiSettings(base_url=fake.base_url, timeout_s=2.0, backoff_base_s=0.01,
                                                 backoff_max_s=0.05, max_retries=2, rpm=1000),
                             on_wait=heard.append, interrupted=lambda: bool(heard))
    with pytest.raises(ge.Interrupted):
        engine.suggest(build_site_index(), HOME)
    waited = re.search(r"waiting ([\d.]+) s as Gemini asked", heard[0]) if len(heard) == 1 else None
    assert waited and low <= float(waited[1]) <= high, heard
    assert engine._asked_to_wait_until - time.monotonic() > low - 3   # every call of the engine holds for it
    assert len(fake.received) == 1


@pytest.mark.parametrize("reply, why", [
    (lambda: _unavailable(503, **{"Retry-After": "3600"}), "it does not answer until then"),   # no quota's wait
    (lambda: _unavailable(503, **{"Retry-After": _http_date_in(3600)}), "it does not answer until then"),
    (lambda: _unavailable(429, "Please retry in 3600s."), "the quota is probably used up")],
    ids=["Retry-After seconds", "Retry-After date", "retry in"])
def test_a_long_wait_asked_by_retry_after_or_in_words_fails_at_once_as_retry_info_does(fake, reply, why):
    engine = engine_for(fake, reply(), max_server_delay_s=60)
    with pytest.raises(ge.GeminiUnavailable, match=rf"wait 3\d{{3}}(\.\d+)? s, about (1 h|59 min) .*; {why} for "
                                                   r"now$") as caught:
        engine.suggest(build_site_index(), HOME)
    assert 3590 < caught.value.retry_after_s <= 3600 and len(fake.received) == 1


def test_a_short_retry_after_is_waited_then_the_call_succeeds(fake):
    engine = engine_for(fake, _unavailable(503, **{"Retry-After": "1"}), fg.suggestions((WATER, "watering tips")))
    assert len(engine.suggest(build_site_index(), HOME).rows) == 1
    assert fake.received[1].arrived - fake.received[0].arrived >= 1.0   # our own backoff would be <= 0.05 s


def test_a_spent_daily_quota_fails_at_once_and_says_so(fake):
    """The real API answers a spent daily quota with a RetryInfo of some seconds: every page in flight waited out
    every retry (a 43 s wait, 5 times) for "Gemini failed 6 times in a row", and again after each resume."""
    engine = engine_for(fake, fg.daily_quota_spent("43s"), max_retries=5)
    with pytest.raises(ge.GeminiUnavailable) as caught:
        engine.suggest(build_site_index(), HOME)
    assert str(caught.value).startswith("Gemini's daily quota GenerateRequestsPerDayPerProjectPerModel-FreeTier is "
                                        "used up (429 RESOURCE_EXHAUSTED: You exceeded your current quota"), caught
    assert str(caught.value).endswith("; it resets at midnight Pacific time")
    assert len(fake.received) == 1


def test_a_model_the_keys_plan_allows_no_request_to_is_said_so_at_once(fake):
    """A 429 whose quota is 0 ("limit: 0, model: gemini-2.5-pro": a model the free tier leaves out) read as a daily
    quota used up, "it resets at midnight", and a resume the next day was refused alike. It asks for another model
    (or billing) now, as a model Gemini does not know does."""
    engine = engine_for(fake, fg.no_quota_for_the_model("gemini-2.5-pro"), model="gemini-2.5-pro", max_retries=5)
    with pytest.raises(ge.ModelUnknown) as caught:
        engine.suggest(build_site_index(), HOME)
    assert str(caught.value).startswith("Gemini allows this API key no request to the model 'gemini-2.5-pro': its "
                                        "quota is 0, the model not being in the plan of the key's project (e.g. its "
                                        "free tier, without billing) (429 RESOURCE_EXHAUSTED: You exceeded"), caught
    assert len(fake.received) == 1 and KEY not in str(caught.value)


def test_a_spent_quota_of_the_minute_is_waited_out(fake):
    per_minute = fg.daily_quota_spent("0.05s")
    per_minute.body["error"]["details"][0]["violations"][0]["quotaId"] = "GenerateRequestsPerMinutePerProjectPerModel"
    engine = engine_for(fake, per_minute, fg.suggestions((WATER, "watering tips")))
    assert len(engine.suggest(build_site_index(), HOME).rows) == 1 and len(fake.received) == 2


def test_a_wait_the_pages_in_flight_share_is_said_once():
    """Four pages in flight waiting out one 429 said the same wait four times in the job's events."""
    said = []
    engine = ge.GeminiEngine(KEY, GeminiSettings(), client=object(), on_wait=said.append)
    for page in ("/a", "/b", "/c", "/d"):
        engine._say_wait(page, "429 RESOURCE_EXHAUSTED", 30.0, 0, True)
    assert len(said) == 1 and "waiting 30 s as Gemini asked" in said[0]
    engine._say_wait("/e", "429 RESOURCE_EXHAUSTED", 1.0, 0, True)   # a short wait is not said
    engine._wait_said_until = 0.0   # the wait said is over: the next one is news
    engine._say_wait("/f", "503 UNAVAILABLE", 8.0, 1, False)
    assert len(said) == 2 and "for /f" in said[1] and "before asking again" in said[1]


@pytest.mark.parametrize("bad_answer", ["{not json", '{"links": []}', ""])
def test_unreadable_answer_is_retried_then_reported_as_page_error(fake, bad_answer):
    engine = engine_for(fake, fg.success(bad_answer, prompt_tokens=100, output_tokens=10), parse_retries=2)
    with pytest.raises(ge.PageAnalysisError, match="could not be read after 3 attempts") as caught:
        engine.suggest(build_site_index(), HOME)
    assert len(fake.received) == 3
    assert caught.value.counters["gemini_calls"] == 3 and caught.value.counters["cost_usd"] > 0


PICKED_JSON = json.dumps({"suggestions": [{"destination": WATER, "anchor": "watering tips", "reason": "r",
                                            "score": 0.8}]})


@pytest.mark.parametrize("text", [f"```json\n{PICKED_JSON}\n```", f"{PICKED_JSON}\nI hope this helps.",
                                  f"Here are the links: {PICKED_JSON}", f"```\n{PICKED_JSON}\n```\nNotes: none."],
                         ids=["fence", "words after", "words before", "fence and words after"])
def test_an_answer_whose_json_stands_in_a_fence_or_among_words_is_read_from_its_one_call(fake, text):
    """Gemini at times wraps its JSON in a Markdown fence or adds a sentence, even when asked for JSON: each such
    answer was asked twice more, billed three times, and its page skipped ("Invalid JSON: trailing characters")."""
    engine = engine_for(fake, fg.success(text, prompt_tokens=100, output_tokens=10), parse_retries=2)
    outcome = engine.suggest(build_site_index(), HOME)
    assert [(r["Destination"], r["Anchor"]) for r in outcome.rows] == [(WATER, "watering tips")]
    assert len(fake.received) == 1 and outcome.counters()["gemini_calls"] == 1


def test_a_pick_with_a_null_reason_is_kept_from_its_one_call(fake):
    """A null reason made the whole answer unreadable: asked twice more, billed three times, its page skipped."""
    text = json.dumps({"suggestions": [{"destination": WATER, "anchor": "watering tips", "reason": None,
                                        "score": 0.8}]})
    engine = engine_for(fake, fg.success(text, prompt_tokens=100, output_tokens=10), parse_retries=2)
    outcome = engine.suggest(build_site_index(), HOME)
    assert [(r["Destination"], r["Anchor"]) for r in outcome.rows] == [(WATER, "watering tips")]
    assert "chosen by Gemini" in outcome.rows[0]["Reason"]
    assert len(fake.received) == 1 and outcome.counters()["gemini_calls"] == 1


@pytest.mark.parametrize("reply, attempts, said", [
    (fg.stopped("MAX_TOKENS", '{"suggestions": [{"dest', output_tokens=2048), 3,
     "the answer was cut at its output limit of 8,192 tokens (max_output_tokens is 2,048 in the Gemini settings)"),
    (fg.stopped("MAX_TOKENS", thoughts_tokens=2040, output_tokens=8), 3,
     "the answer was cut at its output limit of 8,192 tokens (max_output_tokens is 2,048 in the Gemini settings) "
     "(2,040 of them thinking: raise max_output_tokens, or lower thinking_level or thinking_budget where the model "
     "has it)"),
    (fg.stopped("OTHER"), 3, "Gemini withheld its answer: OTHER"),
])
def test_an_answer_gemini_cut_or_withheld_is_named(fake, reply, attempts, said):
    """An answer cut at the output cap read "Invalid JSON: EOF while parsing a string", naming no setting."""
    engine = engine_for(fake, reply, parse_retries=2)
    with pytest.raises(ge.PageAnalysisError) as caught:
        engine.suggest(build_site_index(), HOME)
    assert str(caught.value) == (f"Gemini's answer for {HOME} could not be read after {attempts} "
                                 f"attempt{'s' if attempts > 1 else ''} ({said}); the page was skipped")
    assert len(fake.received) == attempts and caught.value.counters["gemini_calls"] == attempts


@pytest.mark.parametrize("reply, said", [
    (fg.stopped("SAFETY"), "Gemini withheld its answer (SAFETY: its safety filters)"),
    (fg.stopped("PROHIBITED_CONTENT"), "Gemini withheld its answer (PROHIBITED_CONTENT: prohibited content)"),
    (fg.stopped("BLOCKLIST"), "Gemini withheld its answer (BLOCKLIST: terms on a blocklist)"),
    (fg.stopped("RECITATION", '{"suggestions": [{"dest'), "Gemini withheld its answer (RECITATION: it would "
                                                          "recite protected text)"),
    (fg.prompt_blocked("SAFETY"), "Gemini blocked the request (SAFETY: its safety filters)"),
])
def test_an_answer_withheld_for_what_the_page_holds_is_paid_once_and_the_page_skipped_in_words(fake, reply, said):
    """A SAFETY (PROHIBITED_CONTENT, BLOCKLIST, RECITATION) answer was asked twice more, and billed three times, for
    the same refusal of the same page: the page is skipped after the one paid call, the refusal named."""
    engine = engine_for(fake, reply, parse_retries=2)
    with pytest.raises(ge.AnswerWithheld) as caught:
        engine.suggest(build_site_index(), HOME)
    assert str(caught.value) == (f"{said} for {HOME}; the page was skipped (asked again, it would be refused, and "
                                 "billed, alike)")
    assert isinstance(caught.value, ge.PageAnalysisError)   # skipped like an unreadable page: the job goes on
    assert len(fake.received) == 1 and caught.value.counters["gemini_calls"] == 1
    assert caught.value.counters["cost_usd"] == pytest.approx(engine.spent_usd) and engine.spent_usd > 0


def test_a_gemini_25_model_that_thinks_gets_a_bounded_thinking_budget_and_room_for_its_answer(fake):
    """Gemini 2.5 Flash thinks as long as it likes unless told, and its thinking counts against maxOutputTokens:
    with 2,048 tokens of room, a page it thought 3,000 tokens about came back empty (MAX_TOKENS) three times, paid
    each time, and was skipped. The request now bounds the thinking and gives the answer its own room."""
    engine = engine_for(fake, model="gemini-2.5-flash")
    fake.respond = fg.thinking_model(3000, fg.suggestions((WATER, "watering tips")))
    outcome = engine.suggest(build_site_index(), HOME)

    [request] = fake.received
    config = request.body["generationConfig"]
    assert config["thinkingConfig"] == {"thinking_budget": 1024}   # as the SDK writes it (proto JSON takes either)
    assert config["maxOutputTokens"] == 2048 + 1024
    assert [r["Destination"] for r in outcome.rows] == [WATER]
    assert outcome.usage.output_tokens == 200 + 1024   # thinking is billed as output
    price = engine.settings.price()
    assert outcome.cost_usd == pytest.approx((1000 * price.input_per_1m + 1224 * price.output_per_1m) / 1e6)


@pytest.mark.parametrize("settings, thinking, limit", [
    ({"model": "gemini-2.5-pro"}, {"thinking_budget": 1024}, 3072),
    ({"model": "gemini-2.5-flash", "thinking_budget": 0}, {"thinking_budget": 0}, 2048),
    ({"model": "gemini-2.5-flash", "thinking_budget": 4000}, {"thinking_budget": 4000}, 6048),
    ({"model": "gemini-2.5-flash", "thinking_budget": -1}, {"thinking_budget": -1}, 2048),
    ({"model": "gemini-2.5-flash-lite"}, None, 2048),            # thinks only when asked to: not asked
    ({"model": "gemini-3-flash"}, None, 2048),                    # Gemini 3: thinking_level, never a budget
    ({"model": "gemini-3-flash", "thinking_level": "low"}, {"thinking_level": "LOW"}, 2048),
])
def test_the_thinking_config_and_output_limit_each_model_is_sent(fake, settings, thinking, limit):
    engine_for(fake, fg.suggestions(), **settings).suggest(build_site_index(), HOME)
    config = fake.received[0].body["generationConfig"]
    assert config.get("thinkingConfig") == thinking and config["maxOutputTokens"] == limit


def test_an_answer_cut_at_max_tokens_is_asked_again_with_more_room(fake):
    """A Gemini 3 model has no thinking budget: its thinking is bounded by the output limit alone. Its answer cut
    at MAX_TOKENS was asked again with the same limit, cut the same way, and the page was skipped after three
    paid calls; now the retry doubles the limit, and the answer fits."""
    engine = engine_for(fake, model="gemini-3-flash")
    fake.respond = fg.thinking_model(2500, fg.suggestions((WATER, "watering tips")))
    outcome = engine.suggest(build_site_index(), HOME)

    assert [r["maxOutputTokens"] for r in (q.body["generationConfig"] for q in fake.received)] == [2048, 4096]
    assert [r["Destination"] for r in outcome.rows] == [WATER]
    assert outcome.usage.calls == 2 and outcome.usage.output_tokens == 2048 + 2500 + 200   # the cut call is paid too


def test_the_room_given_to_a_cut_answer_stops_at_the_models_limit(fake):
    engine = engine_for(fake, fg.stopped("MAX_TOKENS", thoughts_tokens=40_000), max_output_tokens=40_000)
    with pytest.raises(ge.PageAnalysisError, match="output limit of 65,535 tokens"):
        engine.suggest(build_site_index(), HOME)
    assert [q.body["generationConfig"]["maxOutputTokens"] for q in fake.received] == [40_000, 65_535, 65_535]


def test_an_http_answer_that_is_no_json_is_retried_then_named(fake):
    """A proxy's HTML error page (or a wrong base_url) made the SDK raise json's bare "Expecting value: line 1
    column 1 (char 0)", which the command line printed as it was and a job failed with."""
    engine = engine_for(fake, fg.Reply(200, "<html>502 Bad Gateway</html>"), max_retries=1)
    with pytest.raises(ge.GeminiUnavailable, match=r"failed 2 times in a row \(last: the server's answer is not "
                                                   r"the Gemini API's JSON \(a proxy in the way"):
        engine.suggest(build_site_index(), HOME)
    assert len(fake.received) == 2
    fake._calls = 0                                                     # a passing hiccup: retried, then fine
    again = engine_for(fake, fg.Reply(200, "<html>502 Bad Gateway</html>"), fg.suggestions((WATER, "watering tips")))
    assert len(again.suggest(build_site_index(), HOME).rows) == 1 and len(fake.received) == 4


@pytest.mark.parametrize("body", [{"candidates": [{"content": {"parts": "oops"}}]},
                                  {"usageMetadata": {"promptTokenCount": "many"}}])
def test_json_of_another_shape_than_a_gemini_answer_is_named_like_no_json(fake, body):
    """The SDK's pydantic error ("1 validation error for GenerateContentResponse ...") escaped as a bug: a job
    failed with it, and the command line printed it with its class name and the INLINK_DEBUG hint."""
    engine = engine_for(fake, fg.Reply(200, body), max_retries=1)
    with pytest.raises(ge.GeminiUnavailable, match=r"the server's answer is not the Gemini API's JSON"):
        engine.suggest(build_site_index(), HOME)
    assert len(fake.received) == 2


def test_unreadable_answer_then_good_one_succeeds(fake):
    engine = engine_for(fake, fg.success("{not json"), fg.suggestions((WATER, "watering tips")))
    outcome = engine.suggest(build_site_index(), HOME)
    assert len(outcome.rows) == 1 and outcome.usage.calls == 2


def test_budget_cap_stops_before_the_next_call(fake):
    engine = engine_for(fake, fg.suggestions((WATER, "watering tips"), prompt_tokens=1000, output_tokens=200),
                        budget_usd=0.0001)
    index = build_site_index()
    engine.suggest(index, HOME)                       # spends 0.00055 USD: over the cap afterwards
    with pytest.raises(ge.BudgetExceeded, match=r"^the Gemini budget of \$0.0001 is used up \(spent \$0.0006\)$") as caught:
        engine.suggest(index, COMPOST)
    assert caught.value.budget_usd == 0.0001 and caught.value.spent_usd == pytest.approx(engine.spent_usd)
    assert len(fake.received) == 1


@pytest.mark.parametrize("usage, output", [(None, None), ({"totalTokenCount": 0}, None),
                                           ({"candidatesTokenCount": 77, "totalTokenCount": 77}, 77)],
                         ids=["no usageMetadata", "no token counts", "no promptTokenCount"])
def test_an_answer_gemini_reported_no_usage_for_is_costed_from_its_characters_and_counts_to_the_budget(fake, usage,
                                                                                                      output):
    """An answer without usageMetadata cost $0: the job's spend stayed at nothing and its budget never stopped a run
    of such answers. Its tokens are now estimated from the characters sent and received (about 4 a token)."""
    reply = fg.suggestions((WATER, "watering tips"))
    body = {k: v for k, v in reply.body.items() if k != "usageMetadata"} | ({"usageMetadata": usage} if usage else {})
    engine = engine_for(fake, fg.Reply(200, body), budget_usd=0.0001)
    index = build_site_index()
    outcome = engine.suggest(index, HOME)
    [request] = fake.received
    sent = len(request.prompt) + len(ge.gemini_prompt.SYSTEM_INSTRUCTION)
    answer = reply.body["candidates"][0]["content"]["parts"][0]["text"]
    assert outcome.usage.prompt_tokens == -(-sent // 4) > 100
    assert outcome.usage.output_tokens == (output or -(-len(answer) // 4)) > 10
    assert outcome.cost_usd == pytest.approx(outcome.usage.cost(engine.settings.price())) and outcome.cost_usd > 0
    assert engine.spent_usd == pytest.approx(outcome.cost_usd)
    with pytest.raises(ge.BudgetExceeded):   # the estimate passed the budget: no second call
        engine.suggest(index, COMPOST)
    assert len(fake.received) == 1


@pytest.mark.parametrize("body, said", [("[]", "the server answered an empty JSON list"),
                                        ("null", "the server answered the JSON value null"), ("{}", "empty answer")])
def test_a_body_with_no_answer_of_geminis_in_it_is_not_costed(fake, body, said):
    """No candidate, no prompt feedback, no usage: nothing Gemini generated or read, so no estimate either."""
    engine = engine_for(fake, fg.Reply(200, body), parse_retries=0)
    with pytest.raises(ge.PageAnalysisError, match=said) as caught:
        engine.suggest(build_site_index(), HOME)
    assert caught.value.counters["cost_usd"] == 0 and engine.spent_usd == 0
    assert caught.value.counters["gemini_calls"] == 1


@pytest.mark.parametrize("body, said", [("42", "the JSON number 42"), (" -1.5e3\n", "the JSON number -1500.0"),
                                        ("true", "the JSON value true"), ('"busy"', 'the JSON string "busy"'),
                                        ("[1, 2]", "a JSON list of 2 items")])
def test_a_body_of_json_that_is_no_object_is_an_unreadable_answer_named_for_what_came(fake, body, said):
    """A bare number (or true) made the SDK raise a TypeError in its own parsing ("argument of type 'int' is not
    iterable"): it escaped the engine, and a job failed with it as a bug. It is an unreadable answer now, asked
    again, then the page skipped, naming what came back; a list or a string, read as an empty answer, is named so."""
    engine = engine_for(fake, fg.Reply(200, body), parse_retries=2, budget_usd=1.0)
    with pytest.raises(ge.PageAnalysisError) as caught:
        engine.suggest(build_site_index(), HOME)
    assert str(caught.value) == (f"Gemini's answer for {HOME} could not be read after 3 attempts (the server answered "
                                 f"{said}, not the JSON object of a Gemini answer); the page was skipped")
    assert len(fake.received) == 3 and caught.value.counters["gemini_calls"] == 3
    assert caught.value.counters["cost_usd"] == 0 and engine._flying == 0   # each call's budget turn given back
    fake._calls = 0
    again = engine_for(fake, fg.Reply(200, body), fg.suggestions((WATER, "watering tips")))   # a passing hiccup
    assert len(again.suggest(build_site_index(), HOME).rows) == 1


def test_calls_in_flight_count_against_the_budget(fake):
    """Four pages asked at once on a budget that one answer spends: all four calls started before the first answer
    came, and a $0.0001 budget spent $0.0022 (an exploratory run). Until an answer tells what a call costs, a
    budgeted engine asks one call at a time; then calls in flight count at that cost."""
    import dataclasses

    reply = fg.suggestions((WATER, "watering tips"), prompt_tokens=1000, output_tokens=200)
    held = dataclasses.replace(reply, delay_s=1.5, hold_until_in_flight=4)   # answers once 4 are in flight
    engine = engine_for(fake, held, budget_usd=0.0001, max_in_flight=4, timeout_s=10.0)
    index = build_site_index()
    outcomes: list = []

    def ask(page: str) -> None:
        try:
            outcomes.append(engine.suggest(index, page))
        except ge.BudgetExceeded as exc:
            outcomes.append(exc)
    threads = [threading.Thread(target=ask, args=(page,)) for page in (HOME, COMPOST, TOMATO, WATER)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(fake.received) == 1                    # one answer spent the budget; no other call started
    asked = [o for o in outcomes if not isinstance(o, ge.BudgetExceeded)]
    assert len(outcomes) == 4 and sum(o.usage.calls for o in asked) == 1   # (a page with no candidate asks nothing)
    assert sum(isinstance(o, ge.BudgetExceeded) for o in outcomes) >= 2

def test_a_resumed_budgeted_job_keeps_its_calls_in_flight(fake):
    """The cost of one call was the whole spend (the earlier runs' included) over this run's calls: a job resumed
    with $0.50 spent of a $1.00 budget counted its first call in flight at $0.50, and asked one page at a time
    with $0.50 of its budget left. A call's cost is measured on this run's answers."""
    reply = fg.suggestions((WATER, "watering tips"), prompt_tokens=1000, output_tokens=200)
    held = dataclasses.replace(reply, delay_s=2.0, hold_until_in_flight=3)   # answers once 3 are in flight
    fake.script = [reply, held]
    values = dict(base_url=fake.base_url, timeout_s=10.0, backoff_base_s=0.01, max_retries=1, rpm=6000)
    engine = ge.GeminiEngine(KEY, GeminiSettings(**values, budget_usd=1.0, max_in_flight=4), spent_usd=0.5)
    index = build_site_index(min_confidence=0.0)    # every page has candidates: every page makes a call
    engine.suggest(index, HOME)                      # the first answer: what a call costs
    threads = [threading.Thread(target=engine.suggest, args=(index, page)) for page in (COMPOST, TOMATO, WATER)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(fake.received) == 4 and fake.max_in_flight_seen == 3


def test_an_answer_kept_by_an_earlier_run_is_not_bought_again(fake, tmp_path):
    """A job commits pages in order: an answer that arrived for a page the job never committed (paused or
    killed first) is kept in the job's folder, and the resumed run takes it back at no new cost."""
    from inlink.tasks.answers import FolderAnswers

    store = FolderAnswers(tmp_path / "answers")
    first = engine_for(fake, fg.suggestions((WATER, "watering tips"), prompt_tokens=1000, output_tokens=200),
                       answers=store)
    paid = first.suggest(build_site_index(), HOME)
    [kept] = list(store.folder.iterdir())
    assert kept.stat().st_mode & 0o777 == 0o600 and KEY not in kept.read_text()

    resumed = ge.GeminiEngine(KEY, first.settings, answers=store)
    again = resumed.suggest(build_site_index(), HOME)
    assert len(fake.received) == 1                        # no second call
    assert again.rows == paid.rows and again.counters() == paid.counters()   # the cost is still the real one
    assert resumed.spent_usd == pytest.approx(paid.cost_usd)

    resumed.suggest(build_site_index(), TOMATO)           # another page (another prompt): asked
    assert len(fake.received) == 2
    kept.write_text("{torn")                              # an unreadable answer is asked again
    ge.GeminiEngine(KEY, first.settings, answers=store).suggest(build_site_index(), HOME)
    assert len(fake.received) == 3


def test_unusable_answers_an_earlier_run_paid_for_are_counted_when_the_page_commits(fake, tmp_path):
    """A job paused on unusable answers (or by another page meanwhile) never committed their page, so their calls
    were never counted: 12 Gemini calls recorded where the server had answered 24, and the budget was measured
    from the lower figure (an exploratory run). They are kept with the page's prompt and charged to it."""
    from inlink.tasks.answers import FolderAnswers

    store = FolderAnswers(tmp_path / "answers")
    first = engine_for(fake, fg.success("{not json"), answers=store)
    tries = first.settings.parse_retries + 1
    with pytest.raises(ge.PageAnalysisError) as failed:
        first.suggest(build_site_index(), HOME)
    assert failed.value.counters["gemini_calls"] == tries and len(fake.received) == tries
    resumed = engine_for(fake, fg.suggestions((WATER, "watering tips"), prompt_tokens=1000, output_tokens=200),
                         answers=store)
    outcome = resumed.suggest(build_site_index(), HOME)
    assert len(outcome.rows) == 1 and len(fake.received) == tries + 1
    assert outcome.counters()["gemini_calls"] == tries + 1                 # every paid call, on the page's row
    assert resumed.spent_usd == pytest.approx(outcome.cost_usd) and outcome.cost_usd > 0

def test_an_answer_kept_from_another_model_is_asked_anew_and_its_cost_counted_at_its_price(fake, tmp_path):
    """A job given another model (its own a 404, or its answers unusable) files nothing under the new model: the
    answers the old one was paid for were never found again, nor counted. They are counted, at the old model's
    price, and not reused: the page is asked of the new model."""
    from inlink.tasks.answers import FolderAnswers

    store = FolderAnswers(tmp_path / "answers")
    reply = fg.suggestions((WATER, "watering tips"), prompt_tokens=1000, output_tokens=200)
    old = engine_for(fake, reply, model="gemini-2.5-pro", thinking_budget=0, answers=store)
    old.suggest(build_site_index(), HOME)
    new = engine_for(fake, reply, model="gemini-2.5-flash-lite", answers=store)
    outcome = new.suggest(build_site_index(), HOME)
    assert [r.model for r in fake.received] == ["gemini-2.5-pro", "gemini-2.5-flash-lite"]
    assert {row["Engine"] for row in outcome.rows} == {"gemini:gemini-2.5-flash-lite"}
    both = (1000 * 1.25 + 200 * 10.0 + 1000 * 0.10 + 200 * 0.40) / 1e6
    assert outcome.counters()["gemini_calls"] == 2 and outcome.cost_usd == pytest.approx(both)
    assert new.spent_usd == pytest.approx(both)
    again = engine_for(fake, reply, model="gemini-2.5-flash-lite", answers=store)   # a third run: the new answer
    assert again.suggest(build_site_index(), HOME).cost_usd == pytest.approx(both) and len(fake.received) == 2


def test_an_answer_kept_by_an_earlier_version_under_its_model_is_still_taken_back(fake, tmp_path):
    """A job paused before the answers were filed by page alone still takes its kept answers back."""
    from inlink.tasks.answers import FolderAnswers

    store = FolderAnswers(tmp_path / "answers")
    paid = engine_for(fake, fg.suggestions((WATER, "watering tips")), answers=store)
    paid.suggest(build_site_index(), HOME)
    [kept] = list(store.folder.iterdir())
    record = json.loads(kept.read_text())
    kept.unlink()
    prompt = fake.received[0].prompt
    kept_as = ge.gemini_prompt.build_prompt(build_site_index(), HOME, [], 2, paid.settings.source_token_budget)
    assert kept_as.splitlines()[0] in prompt
    legacy = {"picks": record["picks"], "usage": record["usage"]}   # no model, no cost: the older shape
    store.put(ge.model_answer_key(paid.settings.model, kept_as), legacy)
    resumed = engine_for(fake, fg.suggestions(), answers=store)
    outcome = resumed.suggest(build_site_index(), HOME)
    assert len(fake.received) == 1 and [r["Anchor"] for r in outcome.rows] == ["watering tips"]
    assert paid.spent_usd > 0 and outcome.cost_usd == pytest.approx(paid.spent_usd)


@pytest.mark.parametrize("ending", ["budget", "unavailable", "interrupted"])
def test_an_unreadable_answer_is_counted_whatever_ends_its_page(fake, tmp_path, ending):
    """The first answer could not be read (a paid call), and the retry ended the page another way: the budget spent,
    Gemini unavailable, the job paused during a retry wait. Only a page whose answers all stayed unreadable kept
    their usage, so the paid call was in no counter and a resumed job measured its budget (and its cost) without it."""
    from inlink.tasks.answers import FolderAnswers

    store = FolderAnswers(tmp_path / "answers")
    unreadable = fg.success("{not json", prompt_tokens=1000, output_tokens=200)
    values = dict(base_url=fake.base_url, timeout_s=2.0, backoff_base_s=0.01, backoff_max_s=0.05, max_retries=1,
                  parse_retries=2, rpm=1000)
    then, budget, raised = {"budget": (fg.suggestions(), 0.0001, ge.BudgetExceeded),   # one answer spends it
                            "unavailable": (fg.server_error(), None, ge.GeminiUnavailable),
                            "interrupted": (fg.rate_limited("20s"), None, ge.Interrupted)}[ending]
    fake.script = [unreadable, then]
    paused = (lambda: len(fake.received) >= 2) if ending == "interrupted" else None   # asked during the retry
    first = ge.GeminiEngine(KEY, GeminiSettings(**values, budget_usd=budget), answers=store, interrupted=paused)
    with pytest.raises(raised):
        first.suggest(build_site_index(), HOME)
    assert len(fake.received) == {"budget": 1, "unavailable": 3, "interrupted": 2}[ending]   # one paid call

    fake.script, fake._calls = [fg.suggestions((WATER, "watering tips"), prompt_tokens=1000, output_tokens=200)], 0
    resumed = ge.GeminiEngine(KEY, GeminiSettings(**values), answers=store)   # nothing was committed: spent 0
    outcome = resumed.suggest(build_site_index(), HOME)
    one_call = first.settings.price().cost(1000, 200)
    assert len(outcome.rows) == 1 and outcome.counters()["gemini_calls"] == 2   # both paid calls, each once
    assert outcome.cost_usd == pytest.approx(2 * one_call) and resumed.spent_usd == pytest.approx(2 * one_call)


def test_budget_already_spent_on_resume_makes_no_call(fake):
    settings = GeminiSettings(base_url=fake.base_url, budget_usd=1.0)
    engine = ge.GeminiEngine(KEY, settings, spent_usd=1.0)
    with pytest.raises(ge.BudgetExceeded):
        engine.suggest(build_site_index(), HOME)
    assert fake.received == []


def test_an_answer_paid_before_the_budget_ran_out_is_used_after_it(fake, tmp_path):
    """A page answered ahead of its turn (kept, paid) when the budget ran out: the resumed run with the budget spent
    refused it at once, and the answer Google had billed was never used. It is taken back, at no new cost; the next
    page, which would need a call, still pauses the job."""
    from inlink.tasks.answers import FolderAnswers

    store = FolderAnswers(tmp_path / "answers")
    first = engine_for(fake, fg.suggestions((WATER, "watering tips"), prompt_tokens=1000, output_tokens=200),
                       answers=store)
    paid = first.suggest(build_site_index(), HOME)
    spent = ge.GeminiEngine(KEY, dataclasses.replace(first.settings, budget_usd=0.5), spent_usd=0.5, answers=store)
    again = spent.suggest(build_site_index(), HOME)
    assert again.rows == paid.rows and paid.rows and len(fake.received) == 1   # no second call
    with pytest.raises(ge.BudgetExceeded):
        spent.suggest(build_site_index(), TOMATO)
    assert len(fake.received) == 1


@pytest.mark.parametrize("status, api_status, message", [
    (400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key."),
    (403, "PERMISSION_DENIED", f"Permission denied for key {KEY}."),   # a server echoing the key
])
def test_refused_key_fails_fast_and_never_shows_the_key(fake, status, api_status, message):
    engine = engine_for(fake, fg.error(status, message, api_status))
    with pytest.raises(ge.GeminiRequestError, match="refused the API key") as caught:
        engine.suggest(build_site_index(), HOME)
    assert len(fake.received) == 1
    shown = " ".join([str(caught.value), repr(caught.value), repr(engine),
                      "".join(traceback.format_exception(caught.value))])
    assert KEY not in shown


@pytest.mark.parametrize("status", [307, 308, 302])
def test_a_redirect_is_not_followed_with_the_key_and_is_said_with_where_it_leads(fake, status):
    """The SDK's client followed redirects with the x-goog-api-key header (httpx drops only Authorization on the way
    to another host): a base_url answering 307 to another address handed it the key, and the page was answered
    from there. Gemini never redirects: the job now stops on it, naming where it led and the setting to fix."""
    other = fg.FakeGemini(script=[fg.suggestions((WATER, "watering tips"))]).start()
    try:
        target = f"{other.base_url}v1beta/models/m:generateContent"
        engine = engine_for(fake, fg.redirect(target, status))
        with pytest.raises(ge.GeminiRequestError) as caught:
            engine.suggest(build_site_index(), HOME)
        assert other.received == [] and len(fake.received) == 1
    finally:
        other.close()
    assert str(caught.value).startswith(f"the Gemini address answered with a redirect to {target} ({status} ")
    assert "set base_url in the Gemini settings" in str(caught.value) and KEY not in str(caught.value)


def test_a_request_refused_as_invalid_for_one_page_skips_that_page_only(fake):
    """A 400 INVALID_ARGUMENT for one page's request was a GeminiRequestError like a refused key: the job failed,
    and every resume failed again on the same page. It is that page's error now (the glue skips it); the key's
    400 stays a refusal of every page (test above)."""
    engine = engine_for(fake, fg.suggestions((WATER, "watering tips")))
    fake.by_prompt = {f"URL: {HOME}\n": fg.error(400, "Request contains an invalid argument.", "INVALID_ARGUMENT")}
    index = build_site_index()
    with pytest.raises(ge.PageAnalysisError, match=f"Gemini refused the request for {HOME} as invalid "
                                                   r"\(400 INVALID_ARGUMENT: Request contains an invalid argument"
                                                   r"\.\); the page was skipped") as caught:
        engine.suggest(index, HOME)
    assert isinstance(caught.value, ge.PageRefused) and len(fake.received) == 1   # not retried
    assert caught.value.counters["gemini_calls"] == 0 and KEY not in str(caught.value)
    assert engine.suggest(index, TOMATO).usage.calls == 1 and len(fake.received) == 2   # the next page is asked


def test_unknown_model_is_a_plain_request_error(fake):
    engine = engine_for(fake, fg.error(404, "models/nope is not found", "NOT_FOUND"), model="nope")
    with pytest.raises(ge.ModelUnknown, match="does not know the model 'nope'"):
        engine.suggest(build_site_index(), HOME)


@pytest.mark.parametrize("reply, said", [
    (fg.Reply(404, "<html><head><title>Error 404 (Not Found)!!1</title></head><body>Not found</body></html>"),
     "404 Not Found: an HTML page: Error 404 (Not Found)!!1"),
    (fg.Reply(404, "404 page not found"), "404 Not Found: 404 page not found"),
], ids=["web page", "plain text"])
def test_a_404_of_an_address_that_is_no_gemini_api_is_not_taken_for_an_unknown_model(fake, reply, said):
    """Every 404 was taken for a model Gemini does not know: a wrong base_url (a web server's "Not Found" page) paused
    the job asking for another model, which could not help. Only Gemini's own words name the model."""
    engine = engine_for(fake, reply)
    with pytest.raises(ge.GeminiRequestError) as caught:
        engine.suggest(build_site_index(), HOME)
    assert not isinstance(caught.value, ge.ModelUnknown) and len(fake.received) == 1
    assert str(caught.value).endswith("which is not the Gemini API (it names the model it does not know): check "
                                      "base_url and api_version in the Gemini settings, or leave them unset")
    assert str(caught.value).startswith(f"the Gemini address answered {said}, ")


def test_page_without_candidates_or_text_makes_no_call(fake):
    engine = engine_for(fake, fg.suggestions())
    outcome = engine.suggest(build_site_index(), HIDDEN)     # excluded from sources: no call
    assert outcome.rows == [] and outcome.usage.calls == 0 and fake.received == []


def test_requests_in_flight_never_exceed_the_cap(fake):
    hold = fg.Reply(**{**vars(fg.suggestions()), "delay_s": 0.5, "hold_until_in_flight": 3})
    engine = engine_for(fake, hold, max_in_flight=2)
    index = build_site_index()
    outcomes = fg.run_in_threads(lambda: engine.suggest(index, HOME), count=4)
    assert all(isinstance(o, ge.PageOutcome) for o in outcomes) and len(fake.received) == 4
    assert fake.max_in_flight_seen == 2


def test_engine_paces_calls_through_its_rpm_limiter(fake):
    waits: list[float] = []
    limiter = RateLimiter(rpm=2, clock=lambda: 0.0, sleep=waits.append)     # time stands still
    fake.script = [fg.suggestions()]
    engine = ge.GeminiEngine(KEY, GeminiSettings(base_url=fake.base_url), limiter=limiter)
    index = build_site_index(min_confidence=0.0)     # no floor: every page has candidates, so each makes a call
    for page in (HOME, COMPOST, TOMATO):
        engine.suggest(index, page)
    assert waits == [60.0] and len(fake.received) == 3     # the third call had to wait for the window


@pytest.mark.parametrize("key, said", [
    (f"{KEY}\nsecond-line", "holds a line break"), (f"{KEY} x", "holds a space"),
    (f"{KEY}\u2019", "holds a character that is not plain ASCII"), (f"{KEY}\x00", "not plain ASCII"),
])
def test_a_key_no_header_can_carry_is_refused_in_words_that_never_quote_it(fake, key, said):
    """httpx refused such a header with the key in its message ("Illegal header value b'AIza...'"), or failed with
    a bare UnicodeEncodeError: the job kept the message as its error, `suggest` printed it."""
    engine = engine_for(fake, fg.suggestions((WATER, "watering tips")))
    engine = ge.GeminiEngine(key, engine.settings)
    with pytest.raises(ge.KeyRefused, match=said) as caught:
        engine.suggest(build_site_index(), HOME)
    assert KEY not in str(caught.value) and fake.received == []


def test_engine_needs_a_key():
    with pytest.raises(ge.GeminiRequestError, match="needs an API key"):
        ge.GeminiEngine("", GeminiSettings())


def test_the_sdk_does_not_claim_to_use_another_key_than_the_one_sent(fake, monkeypatch, caplog):
    """With both variables set, the SDK warned "Both GOOGLE_API_KEY and GEMINI_API_KEY are set. Using
    GOOGLE_API_KEY." while the engine sent GEMINI_API_KEY's key (the one it was given)."""
    monkeypatch.setenv("GEMINI_API_KEY", KEY)
    monkeypatch.setenv("GOOGLE_API_KEY", "AIza-another-key")
    with caplog.at_level(logging.WARNING):
        engine = engine_for(fake, fg.suggestions((WATER, "watering tips")))
        engine.suggest(build_site_index(), HOME)
    assert "GOOGLE_API_KEY" not in caplog.text, caplog.text
    assert fake.received[0].headers.get("x-goog-api-key") == KEY


def test_api_key_from_env_prefers_gemini_then_google(monkeypatch):
    from inlink.gemini.keys import api_key_from_env

    assert api_key_from_env() is None
    monkeypatch.setenv("GOOGLE_API_KEY", "google-key")
    assert api_key_from_env() == "google-key"
    monkeypatch.setenv("GEMINI_API_KEY", "  gemini-key ")
    assert api_key_from_env() == "gemini-key"


def test_picks_obey_the_same_placement_floor_and_tiers_as_the_offline_engine(fake):
    heading = "Watering tips"
    body = "Welcome to our garden shop. Read our guide to composting and learn about tomato growing."
    pages = pd.DataFrame(PAGES, columns=["url", "title", "h1", "content", "is_target"])
    pages.loc[0, "content"] = f"{heading} {body}"
    pages["blocks"] = None
    pages.at[0, "blocks"] = [("heading", 0, len(heading)), ("paragraph", len(heading) + 1, len(heading) + 1 + len(body))]
    index = analyzer.build_index(SimpleNamespace(pages=pages, links=pd.DataFrame(columns=["source", "destination",
                                                                                         "anchor"])),
                                 analyzer.AnalysisConfig(max_per_page=3))
    engine = engine_for(fake, fg.suggestions((WATER, "Watering tips"), (TOMATO, "tomato growing")))
    outcome = engine.suggest(index, HOME)

    assert [(r["Destination"], r["Anchor"]) for r in outcome.rows] == [(TOMATO, "tomato growing")]
    assert outcome.dropped == {"anchor_not_in_prose": 1}          # the anchor stands only in a heading
    row = outcome.rows[0]
    assert row["Confidence"] >= index.config.min_confidence and row["Tier"] in ("high", "medium", "low")
    assert row["Context"] == "Read our guide to composting and learn about tomato growing."
    prompt = fake.received[0].prompt
    assert "Engine confidence:" in prompt and "tier)" in prompt


def test_a_picks_context_on_a_site_in_several_languages_keeps_to_its_block(fake):
    """On a site in several languages each page is analysed with its language's index, and the site's own holds no
    page's blocks (index._site_ledger): a pick whose anchor is not the candidate's had its context read with the
    site's, and ran past the list item it stands in into the next paragraph."""
    item, body = "Read our guide to composting and learn about tomato growing", "Our watering tips help in summer."
    pages = pd.DataFrame(PAGES + [("https://ex.com/fr/", "Accueil", "Accueil", "Bienvenue au jardin.", True),
                                  ("https://ex.com/fr/compost", "Compost", "Compost", "Le compost nourrit.", True)],
                         columns=["url", "title", "h1", "content", "is_target"])
    pages["language"] = ["en"] * len(PAGES) + ["fr", "fr"]
    pages.loc[0, "content"] = f"{item} {body}"
    pages["blocks"] = None
    pages.at[0, "blocks"] = [("list_item", 0, len(item)), ("paragraph", len(item) + 1, len(item) + 1 + len(body))]
    links = pd.DataFrame(columns=["source", "destination", "anchor"])
    index = analyzer.build_index(SimpleNamespace(pages=pages, links=links, report=None),
                                 analyzer.AnalysisConfig(max_per_page=3, min_confidence=0.0))
    engine = engine_for(fake, fg.suggestions((TOMATO, "learn about tomato growing")))
    outcome = engine.suggest(index, HOME)
    assert [(r["Anchor"], r["Context"]) for r in outcome.rows] == [("learn about tomato growing", f"{item}…")]


@pytest.mark.parametrize("later, kept", [
    ("", []),
    (" Our composting guide is free.", [("https://ex.com/composting-guide", "Our composting guide is free.")]),
])
def test_two_picks_never_share_words_of_the_page(fake, later, kept):
    """Picks were checked one by one: "tomato composting" and "composting guide" were both kept over the same
    words of one sentence, links no editor can add both (the offline engine never overlaps its anchors). The
    second stands where it overlaps nothing, or is dropped."""
    home, tomato, guide = "https://ex.com/", "https://ex.com/tomato-composting", "https://ex.com/composting-guide"
    pages = pd.DataFrame([
        (home, "Home", "Home", "Welcome. Our tomato composting guide explains how to feed plants." + later, True),
        (tomato, "Tomato composting", "Tomato composting", "Tomato composting feeds tomato plants with kitchen "
                                                           "waste. Tomato composting is easy.", True),
        (guide, "Composting guide", "Composting guide", "A composting guide for beginners: bins and turning.", True),
    ], columns=["url", "title", "h1", "content", "is_target"])
    index = analyzer.build_index(SimpleNamespace(pages=pages, links=pd.DataFrame(columns=["source", "destination",
                                                                                         "anchor"])),
                                 analyzer.AnalysisConfig(max_per_page=3, min_confidence=0.0))
    engine = engine_for(fake, fg.suggestions((tomato, "tomato composting"), (guide, "composting guide")))
    outcome = engine.suggest(index, home)
    assert [(r["Destination"], r["Context"]) for r in outcome.rows] == [
        (tomato, "Our tomato composting guide explains how to feed plants."), *kept]
    assert outcome.dropped == ({} if kept else {"anchor_overlap": 1})


def test_candidates_below_the_floor_are_never_offered(fake):
    engine = engine_for(fake, fg.suggestions())
    index = build_site_index(min_confidence=0.99)
    outcome = engine.suggest(index, HOME)
    assert outcome.rows == [] and fake.received == []
