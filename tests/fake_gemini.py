"""A local stand-in for the Gemini REST API, so tests drive the REAL google-genai client over real HTTP.

It listens on 127.0.0.1 (ephemeral port), answers POST /v1beta/models/<model>:generateContent with a script of
responses (one per call, the last one repeating; a request whose prompt holds a key of `by_prompt` gets that
key's reply instead, e.g. one page refused), and records every request it received (path, headers, JSON
body, arrival time) so tests can check the prompt, the model, the schema and where the API key travelled.
"""
from __future__ import annotations

import json
import re
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

_PATH = re.compile(r"^/v1beta/models/(?P<model>[^/:]+):generateContent$")


@dataclass
class Reply:
    """One scripted answer: an HTTP status and JSON body, optionally held back for `delay_s` first."""

    status: int
    body: dict | str
    delay_s: float = 0.0
    hold_until_in_flight: int = 0   # wait (at most delay_s) until this many requests are in flight
    headers: dict = field(default_factory=dict)   # more response headers (a redirect's Location)
    trickle_s: float = 0.0          # send the body a byte at a time, this long apart (each read gets its byte in time)


@dataclass
class Received:
    """What one request looked like when it arrived."""

    model: str
    path: str
    headers: dict
    body: dict
    arrived: float                  # time.monotonic() at arrival

    @property
    def prompt(self) -> str:
        """All text parts the client sent, joined (the prompt as the model would read it)."""
        parts = [p.get("text", "") for c in self.body.get("contents", []) for p in c.get("parts", [])]
        return "\n".join(parts)


def success(payload: dict | list | str, prompt_tokens: int = 1000, output_tokens: int = 200,
            thoughts_tokens: int = 0, cached_tokens: int = 0) -> Reply:
    """A 200 answer whose single candidate's text is `payload` (JSON-encoded unless already a string); a thinking
    model's answer also reports its thoughtsTokenCount, and an answer whose prompt was partly served from Gemini's
    cache its cachedContentTokenCount (part of promptTokenCount), as the real API does."""
    text = payload if isinstance(payload, str) else json.dumps(payload)
    usage = {"promptTokenCount": prompt_tokens, "candidatesTokenCount": output_tokens,
             "totalTokenCount": prompt_tokens + output_tokens + thoughts_tokens}
    return Reply(200, {
        "candidates": [{"content": {"role": "model", "parts": [{"text": text}]},
                        "finishReason": "STOP", "index": 0}],
        "usageMetadata": usage | ({"thoughtsTokenCount": thoughts_tokens} if thoughts_tokens else {})
        | ({"cachedContentTokenCount": cached_tokens} if cached_tokens else {}),
        "modelVersion": "fake",
    })


def thinking_model(thinks: int, answer: Reply, answer_tokens: int = 200) -> Callable[["Received"], Reply]:
    """A `respond` for FakeGemini playing a model that thinks `thinks` tokens unless the request's thinkingBudget
    bounds it, then writes `answer` (`answer_tokens` long), all within the request's maxOutputTokens as Gemini 2.5
    and 3 count them: when thinking and answer do not fit, the answer is cut (MAX_TOKENS), with no text at all when
    the thinking alone filled the limit."""
    def respond(received: Received) -> Reply:
        config = received.body.get("generationConfig", {})
        limit = int(config.get("maxOutputTokens") or 65_536)
        thinking = config.get("thinkingConfig") or {}
        budget = thinking.get("thinkingBudget", thinking.get("thinking_budget"))   # proto JSON takes either name
        thought = min(thinks, budget) if isinstance(budget, int) and budget >= 0 else thinks
        if thought + answer_tokens <= limit:
            return Reply(answer.status, json.loads(json.dumps(answer.body)) | {"usageMetadata": {
                "promptTokenCount": 1000, "candidatesTokenCount": answer_tokens, "thoughtsTokenCount": thought,
                "totalTokenCount": 1000 + answer_tokens + thought}})
        written = max(limit - thought, 0)
        text = answer.body["candidates"][0]["content"]["parts"][0]["text"][:written]   # a character a token
        return stopped("MAX_TOKENS", text, output_tokens=written, thoughts_tokens=min(thought, limit))
    return respond


def stopped(finish_reason: str, text: str = "", prompt_tokens: int = 1000, output_tokens: int = 0,
            thoughts_tokens: int = 0) -> Reply:
    """A 200 answer whose candidate ended for `finish_reason` ("MAX_TOKENS", "SAFETY"...) with `text` so far."""
    content = {"content": {"role": "model", "parts": [{"text": text}]}} if text else {}
    usage = {"promptTokenCount": prompt_tokens, "candidatesTokenCount": output_tokens,
             "totalTokenCount": prompt_tokens + output_tokens + thoughts_tokens}
    return Reply(200, {"candidates": [{**content, "finishReason": finish_reason, "index": 0}],
                       "usageMetadata": usage | ({"thoughtsTokenCount": thoughts_tokens} if thoughts_tokens else {})})


def prompt_blocked(reason: str = "SAFETY", prompt_tokens: int = 1000) -> Reply:
    """A 200 answer with no candidate: Gemini blocked the prompt itself (promptFeedback.blockReason)."""
    return Reply(200, {"promptFeedback": {"blockReason": reason},
                       "usageMetadata": {"promptTokenCount": prompt_tokens, "totalTokenCount": prompt_tokens}})


def suggestions(*picks: tuple[str, str], score: float = 0.8, **usage) -> Reply:
    """A 200 answer suggesting (destination, anchor) pairs in the engine's response schema."""
    rows = [{"destination": d, "anchor": a, "reason": f"about {a}", "score": score} for d, a in picks]
    return success({"suggestions": rows}, **usage)


def error(status: int, message: str, api_status: str, details: list | None = None) -> Reply:
    """A Google-style error body: {"error": {code, message, status, details}}."""
    return Reply(status, {"error": {"code": status, "message": message, "status": api_status,
                                    "details": details or []}})


def rate_limited(retry_delay: str = "1s") -> Reply:
    """429 RESOURCE_EXHAUSTED carrying a google.rpc.RetryInfo detail, as the real API sends it."""
    return error(429, "Resource has been exhausted (e.g. check quota).", "RESOURCE_EXHAUSTED",
                 [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retry_delay}])


def daily_quota_spent(retry_delay: str = "43s") -> Reply:
    """429 for a spent quota of the day, as the real API sends it: a QuotaFailure naming the PerDay quota, and a
    RetryInfo of some seconds only beside it."""
    return error(429, "You exceeded your current quota, please check your plan and billing details.",
                 "RESOURCE_EXHAUSTED",
                 [{"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [
                     {"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                      "quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier"}]},
                  {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retry_delay}])


def no_quota_for_the_model(model: str) -> Reply:
    """429 for a model the key's plan does not include (Gemini 2.5 Pro on the free tier), as the real API sends it:
    "limit: 0" in the message, a QuotaFailure naming the minute's and the day's quotas, a RetryInfo of some seconds."""
    metric = "generativelanguage.googleapis.com/generate_content_free_tier_requests"
    message = ("You exceeded your current quota, please check your plan and billing details. For more information on "
               "this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, "
               f"head to: https://ai.dev/rate-limit. \n* Quota exceeded for metric: {metric}, limit: 0, model: {model}"
               "\nPlease retry in 20.04466179s.")
    return error(429, message, "RESOURCE_EXHAUSTED", [
        {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [
            {"quotaMetric": metric, "quotaId": quota, "quotaDimensions": {"location": "global", "model": model}}
            for quota in ("GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                          "GenerateRequestsPerDayPerProjectPerModel-FreeTier")]},
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "20s"}])


def first_candidate_picked(received: Received) -> Reply:
    """A `respond` for FakeGemini: pick the prompt's first candidate with its suggested anchor (none: no pick)."""
    found = re.search(r'^1\. URL: (\S+)\n(?:.*\n)*?   Suggested anchor: (".*")$', received.prompt, re.MULTILINE)
    return suggestions((found[1], json.loads(found[2]))) if found else success({"suggestions": []})


def redirect(location: str, status: int = 307) -> Reply:
    """A redirect to `location` (307 and 308 keep the POST and its headers, the API key's among them)."""
    return Reply(status, "", headers={"Location": location})


def server_error() -> Reply:
    return error(500, "An internal error has occurred.", "INTERNAL")


RESET = -1   # a Reply status meaning: start answering, then reset the connection (the client's read fails)


def connection_reset() -> Reply:
    """Headers and half a body, then a TCP reset: what a dropped connection looks like mid-answer."""
    return Reply(RESET, "{")


def slow(reply: Reply, delay_s: float) -> Reply:
    """The same answer, sent only after `delay_s` (longer than the client timeout makes a timeout)."""
    return Reply(reply.status, reply.body, delay_s=delay_s)


def trickled(reply: Reply, gap_s: float) -> Reply:
    """The same answer, its headers at once and its body a byte every `gap_s`: no read waits as long as a timeout
    shorter than `gap_s`, however long the whole body takes."""
    return Reply(reply.status, reply.body, trickle_s=gap_s)


@dataclass
class FakeGemini:
    """The running fake: `base_url` for the client, `script` to answer with, `received` to inspect."""

    script: list[Reply] = field(default_factory=list)
    by_prompt: dict[str, Reply] = field(default_factory=dict)   # prompt text -> the reply, script left as it is
    respond: Callable[[Received], Reply] | None = None   # the reply worked out from the request, script left as it is
    received: list[Received] = field(default_factory=list)
    max_in_flight_seen: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Condition()
        self._calls = 0
        self._in_flight = 0
        self._closing = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name="fake-gemini", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> "FakeGemini":
        self._thread.start()
        return self

    def close(self) -> None:
        self._closing.set()
        with self._lock:
            self._lock.notify_all()
        self._server.shutdown()
        self._server.server_close()

    def _next_reply(self, received: Received) -> Reply:
        with self._lock:
            prompt = received.prompt
            for text, reply in self.by_prompt.items():
                if text in prompt:
                    return reply
            if self.respond is not None:
                return self.respond(received)
            reply = self.script[min(self._calls, len(self.script) - 1)]
            self._calls += 1
            return reply

    def _record(self, received: Received) -> None:
        with self._lock:
            self.received.append(received)
            self._in_flight += 1
            self.max_in_flight_seen = max(self.max_in_flight_seen, self._in_flight)
            self._lock.notify_all()

    def _hold(self, reply: Reply) -> None:
        """Keep the request open: for delay_s, or until enough requests are in flight (bounded by delay_s)."""
        deadline = time.monotonic() + reply.delay_s
        with self._lock:
            while not self._closing.is_set():
                if reply.hold_until_in_flight and self._in_flight >= reply.hold_until_in_flight:
                    return
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self._lock.wait(left)

    def _done(self) -> None:
        with self._lock:
            self._in_flight -= 1
            self._lock.notify_all()


def _handler_for(fake: FakeGemini) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            match = _PATH.match(self.path.split("?", 1)[0])
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if not match:
                self._send(404, {"error": {"code": 404, "message": f"no route {self.path}", "status": "NOT_FOUND"}})
                return
            received = Received(model=match["model"], path=self.path, headers=dict(self.headers),
                                body=json.loads(raw or b"{}"), arrived=time.monotonic())
            fake._record(received)
            try:
                reply = fake._next_reply(received)
                fake._hold(reply)
                if reply.status == RESET:
                    self._reset()
                else:
                    self._send(reply.status, reply.body, reply.headers, reply.trickle_s)
            finally:
                fake._done()

        def _send(self, status: int, body: dict | str, headers: dict | None = None, trickle_s: float = 0.0) -> None:
            data = (body if isinstance(body, str) else json.dumps(body)).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                for piece in [data[at:at + 1] for at in range(len(data))] if trickle_s else [data]:
                    self.wfile.write(piece)
                    self.wfile.flush()
                    if trickle_s and fake._closing.wait(trickle_s):
                        return
            except (BrokenPipeError, ConnectionResetError):
                pass    # the client gave up (timeout test): nothing left to answer

        def _reset(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'{"candidates": [')
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()

        def log_message(self, *args) -> None:
            pass    # keep test output clean

    return Handler


def run_in_threads(work: Callable[[], object], count: int, timeout: float = 30.0) -> list:
    """Run `work` in `count` threads at once; returns (result or exception) per thread, in start order."""
    outcomes: list = [None] * count

    def run(slot: int) -> None:
        try:
            outcomes[slot] = work()
        except BaseException as exc:   # handed back to the test, which asserts on it
            outcomes[slot] = exc

    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return outcomes
