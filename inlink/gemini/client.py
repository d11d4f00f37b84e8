"""The google-genai client and the request it sends: the SDK's own retry switched off (the engine retries, honouring
the server's retryDelay, which the SDK's retry ignores), the API key checked before any call (a key holding a line
break leaked into httpx's error) and kept out of every message (Secret), and the generation config: the LinkPicks
schema, the output limit and the thinking budget."""
from __future__ import annotations

import json
import logging
import sys
import time
import warnings
from functools import lru_cache
from typing import Any, Callable, Iterator

from google import genai
from google.genai import types

from inlink.gemini import prompt as gemini_prompt
from inlink.gemini.answers import LinkPicks
from inlink.gemini.failures import AnswerTooSlow
from inlink.gemini.settings import GeminiSettings
from inlink.wording import shortened


class Secret:
    """Holds the key for scrubbing messages; its repr never shows it."""

    def __init__(self, value: str) -> None:
        self._value = value

    def scrub(self, text: str) -> str:
        return text.replace(self._value, "[API key]") if self._value else text

    def __repr__(self) -> str:
        return "Secret(***)"


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

# The SDK warns of a value newer than its own lists ("IMAGE_SAFETY is not a valid FinishReason"), which the engine
# reads as the plain string it is (answers.finish_reason): `suggest` printed the warning with the SDK's file path and
# source line, two lines of internals on the stderr of a run that went well.
warnings.filterwarnings("ignore", message=r"\S+ is not a valid \w+$", category=UserWarning, module=r"google\.genai")


def make_client(api_key: str, settings: GeminiSettings) -> genai.Client:
    """A google-genai client on the Gemini Developer API with the SDK's retry OFF (attempts=1): we retry. It follows
    no redirect: the SDK's httpx client followed them with the key's x-goog-api-key header (httpx drops only an
    Authorization header on the way to another host), so a base_url answering 307 to another address handed the key
    to it. Gemini never redirects; a redirect is said as such (failures.refusal_message)."""
    options = types.HttpOptions(api_version=settings.api_version, timeout=max(1, int(settings.timeout_s * 1000)),
                                retry_options=types.HttpRetryOptions(attempts=1),
                                client_args={"follow_redirects": False,
                                             "event_hooks": {"response": [bounded_body(settings.timeout_s),
                                                                          refuse_json_of_no_object]}})
    if settings.base_url:
        options.base_url = settings.base_url
    return genai.Client(vertexai=False, api_key=api_key, http_options=options)


def bounded_body(timeout_s: float) -> Callable[[Any], None]:
    """An httpx response hook: the body must arrive whole within `timeout_s` of the headers, else AnswerTooSlow.
    Written here because no httpx or SDK setting does it: their timeout is per read (connect, each read, each
    write), so a server or proxy that sent a byte of the body now and then never tripped it, and the call (its
    page, its job) stayed open for as long as the trickle went on. Counted from the headers, not the request, so
    an answer a thinking model took long to make is not cut short on its way."""
    def hook(response) -> None:
        stream_class = _bounded_stream_class(sys.modules[type(response).__module__.partition(".")[0]])
        response.stream = stream_class(response.stream, timeout_s, response.request)
    return hook


@lru_cache(maxsize=None)
def _bounded_stream_class(flavour) -> type:
    """The bounded body for the responses of `flavour`, httpx or its fork httpx2, whichever the SDK uses: a
    response reads only a stream of its own module's SyncByteStream."""

    class BoundedStream(flavour.SyncByteStream):
        """Raises AnswerTooSlow once the body has taken longer than `timeout_s` (checked at each piece: a piece
        itself never waits longer than the per-read timeout)."""

        def __init__(self, stream, timeout_s: float, request) -> None:
            self._stream, self._timeout_s, self._request = stream, timeout_s, request
            self._deadline = time.monotonic() + timeout_s

        def __iter__(self) -> Iterator[bytes]:
            for piece in self._stream:
                if time.monotonic() > self._deadline:
                    raise AnswerTooSlow(self._timeout_s, self._request)
                yield piece

        def close(self) -> None:
            self._stream.close()

    return BoundedStream


class NotAnAnswer(ValueError):
    """A successful HTTP answer whose body is JSON but no object (a number, a list, a string, true or null): no
    Gemini answer, read by the engine as an unreadable one. Its message names what came back."""


def refuse_json_of_no_object(response: Any) -> None:
    """An httpx response hook: a 2xx body that is JSON but no object raises NotAnAnswer before the SDK reads it. The
    SDK's own parsing raised a bare TypeError on a number or true ("argument of type 'int' is not iterable"), which
    failed the job as a bug, and read a list or null as an empty answer without saying what came. A body that is no
    JSON at all is left to the SDK (its JSONDecodeError, which the engine names)."""
    if not 200 <= response.status_code < 300:
        return
    body = response.read().lstrip(b"\xef\xbb\xbf \t\r\n")
    if body.startswith(b"{") or not body:
        return
    try:
        value = json.loads(body)
    except ValueError:
        return
    raise NotAnAnswer(f"the server answered {json_words(value)}, not the JSON object of a Gemini answer")


def json_words(value: Any) -> str:
    """A JSON value that is no object, as a reader names it: "the JSON number 42", "a JSON list of 2 items"."""
    if isinstance(value, list):
        return f"a JSON list of {len(value)} item{'' if len(value) == 1 else 's'}" if value else "an empty JSON list"
    if isinstance(value, str):
        return f"the JSON string {shortened(json.dumps(value), 60)}"
    kind = "number" if isinstance(value, (int, float)) and not isinstance(value, bool) else "value"
    return f"the JSON {kind} {shortened(json.dumps(value), 60)}"


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
