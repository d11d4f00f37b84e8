"""What a failed Gemini call says, read for the retry policy (engine.GeminiEngine._classify): which failures pass
with time (timeouts, dropped connections, 408/429/5xx), how long the server asks us to wait (RetryInfo, else a
Retry-After header, else "Please retry in 12.3s" in its message) or whether
a day's quota is spent (QuotaFailure), and whether a refusal is of one page's request, of the key, or of the
model. A server's words are cut to a line of ours, never a whole HTML error page."""
from __future__ import annotations

import html
import json
import re
import time
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import Any, Callable

import httpx

from inlink.gemini.limits import parse_duration
from inlink.wording import shortened

_RETRY_INFO_TYPE = "type.googleapis.com/google.rpc.RetryInfo"
_QUOTA_FAILURE_TYPE = "type.googleapis.com/google.rpc.QuotaFailure"
RETRYABLE_CODES = {408, 429}


def _transient_transport_errors() -> tuple[type[BaseException], ...]:
    """Timeouts, network errors (connect, read, write: a dropped connection) and broken responses (cut short, or
    garbled: a body its Content-Encoding cannot decode, which failed the job as a bug) and a proxy's refusal to
    reach Gemini (HTTPS_PROXY answering 503 or 407 to the tunnel, which failed it as a bug too), of whichever httpx
    flavour the SDK uses (httpx or its fork httpx2): retried, since most pass with time, then said."""
    found: list[type[BaseException]] = []
    for module_name in ("httpx", "httpx2"):
        try:
            module = __import__(module_name)
        except ImportError:
            continue
        found += [getattr(module, name) for name in ("TimeoutException", "NetworkError", "RemoteProtocolError",
                                                     "DecodingError", "ProxyError")
                  if hasattr(module, name)]
    return tuple(found)


TRANSPORT_ERRORS = _transient_transport_errors()


class AnswerTooSlow(httpx.ReadTimeout):
    """An answer whose body was still arriving timeout_s after its headers, sent a little at a time
    (client.bounded_body): a timeout, retried as one, said in its own words. An httpx timeout whichever flavour
    (httpx or httpx2) raised it: only the engine catches it."""

    def __init__(self, timeout_s: float, request) -> None:
        super().__init__(f"the answer was still arriving {timeout_s:g} s after it began, a little at a time (a slow "
                         "network or a proxy in the way?)", request=request)


def retry_delay_from(details: Any) -> float | None:
    """The google.rpc.RetryInfo retryDelay in an error body (top level or under "error"), in seconds."""
    for entry in _error_details(details):
        if entry.get("@type") == _RETRY_INFO_TYPE:
            return parse_duration(entry.get("retryDelay"))
    return None


def server_delay_from(exc: Any, now: Callable[[], float] = time.time) -> float | None:
    """The seconds a failed call's server asks us to wait: its RetryInfo, else its HTTP Retry-After
    header (seconds or an HTTP date), else a "Please retry in 12.3s" in its message. Only RetryInfo was read: a 503
    of a proxy or a load balancer asking with Retry-After, or a 429 saying its wait only in words, was retried after
    our own backoff of a second or less, and refused again at once, until the retries ran out."""
    delay = retry_delay_from(getattr(exc, "details", None))
    if delay is None:
        delay = retry_after_from(_response_headers(exc), now)
    return delay if delay is not None else retry_phrase_from(getattr(exc, "message", None))


def retry_after_from(headers: Any, now: Callable[[], float] = time.time) -> float | None:
    """An HTTP Retry-After header in seconds: a number of seconds, or an HTTP date (a date already past is 0 s);
    None when there is none or it is neither."""
    value = str(headers.get("retry-after") or "").strip() if headers is not None else ""
    if not value:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:   # an HTTP date is GMT: one written without a zone (or "-0000") is read so too
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - now())


_RETRY_PHRASE = re.compile(r"\bretry in (\d+(?:\.\d+)?|\.\d+)\s*(ms|s)\b", re.IGNORECASE)


def retry_phrase_from(message: str | None) -> float | None:
    """The wait a server's message asks for in words ("Please retry in 20.04466179s.", "retry in 500ms"), in
    seconds, or None."""
    found = _RETRY_PHRASE.search(message or "")
    if not found:
        return None
    return float(found[1]) / (1000 if found[2].lower() == "ms" else 1)


def _response_headers(exc: Any) -> Any:
    """The HTTP headers of the answer an SDK error was made from (errors.APIError.response), or None."""
    return getattr(getattr(exc, "response", None), "headers", None)


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


_NO_QUOTA = re.compile(r"\blimit: 0(?![\d.])")


def quota_is_zero(message: str | None, details: Any) -> bool:
    """Whether a 429 says the key's quota for the model is 0, not spent ("Quota exceeded for metric: ..., limit: 0,
    model: gemini-2.5-pro", or a QuotaFailure violation whose quotaValue is 0): the model is not in the plan of the
    key's project. It read as a daily quota used up ("it resets at midnight"), or as a minute's to wait out on every
    page, and a resume the next day was refused alike."""
    if _NO_QUOTA.search(message or ""):
        return True
    return any(str(violation.get("quotaValue")) == "0"
               for entry in _error_details(details) if entry.get("@type") == _QUOTA_FAILURE_TYPE
               for violation in entry.get("violations") or [] if isinstance(violation, dict))


def _error_details(details: Any) -> list[dict]:
    """The google.rpc detail entries of an error body (top level or under "error")."""
    if not isinstance(details, dict):
        return []
    entries = details.get("details") or (details.get("error") or {}).get("details") or []
    return [entry for entry in entries if isinstance(entry, dict)] if isinstance(entries, list) else []


SERVER_WORDS_MAX = 300   # characters of a server's error message kept in ours


def server_words(message: str | None) -> str:
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


def transport_failure(exc: BaseException, timeout_s: float) -> str:
    name = type(exc).__name__
    if isinstance(exc, AnswerTooSlow):
        return str(exc)
    if "Timeout" in name:   # a model that thinks long on a large page may need more: "resume later" alone never helps
        return (f"no answer within {timeout_s:g} s ({name}; a model that takes longer needs a larger timeout_s in "
                "the Gemini settings)")
    if "Decoding" in name:
        return f"the answer came garbled: its Content-Encoding does not decode ({name}; a proxy in the way?)"
    if "Proxy" in name:   # the proxy's status line ("407 Proxy Authentication Required"): what to fix there
        return f"the proxy (HTTPS_PROXY) did not reach Gemini ({name}: {server_words(str(exc))})"
    return f"could not reach Gemini ({name})"


#: Words of a 400 that refuses the key, the project or the model rather than one page's request.
_NOT_ABOUT_THE_PAGE = ("api key", "api_key", "permission", "billing", "model")


def refuses_the_page(code: int, status: str | None, what: str, details: Any) -> bool:
    """Whether a refusal is about the request made for one page (400 INVALID_ARGUMENT, e.g. a page the API will
    not take as it is) rather than about the key, the project or the model, which refuse every page alike (an
    invalid key is a 400 INVALID_ARGUMENT too, named in its message and its ErrorInfo reason API_KEY_INVALID).
    A setting every request carries that the model refuses is caught later: the glue pauses after
    UNUSABLE_PAGES_PAUSE pages in a row without a usable answer (tasks/page_analyzer.py)."""
    if code != 400 or (status or "").upper() != "INVALID_ARGUMENT":
        return False
    said = f"{what} {json.dumps(details, default=str) if details else ''}".lower()
    return not any(words in said for words in _NOT_ABOUT_THE_PAGE)


def refuses_the_key(code: int, what: str) -> bool:
    """Whether a refusal is of the key itself (401, 403, or a 400 naming the API key), as its message says."""
    return code in (401, 403) or (code == 400 and "api key" in what.lower())


def redirect_target(exc: Any) -> str:
    """Where a redirect answer (3xx) sends the request, from its Location header, or ""."""
    headers = _response_headers(exc)
    return str(headers.get("location") or "") if headers is not None else ""


def refuses_the_model(code: int, what: str) -> bool:
    """Whether a 404 is Gemini's refusal of the model, which its message names ("models/x is not found for API version
    v1beta"), rather than an address that is no Gemini API (a wrong base_url or api_version: a web server's or a
    proxy's "Not Found" page). Every 404 was taken for an unknown model: the job paused asking for another model,
    which could not help."""
    return code == 404 and "model" in what.lower()


def refusal_message(code: int, what: str, model: str, redirected_to: str = "") -> str:
    if 300 <= code < 400:   # never followed (client.make_client): the key would go with it
        target = f" to {shortened(redirected_to, 200)}" if redirected_to else ""
        return (f"the Gemini address answered with a redirect{target} ({what}), which is not followed so that the API "
                "key goes to no other address: set base_url in the Gemini settings to the API's own address, or "
                "leave it unset")
    if code in (401, 403):
        return f"Gemini refused the API key ({what}); check the key and that the Gemini API is enabled for it"
    if refuses_the_model(code, what):
        return f"Gemini does not know the model {model!r} ({what})"   # how to give another: the caller's to say
    if code == 404:
        return (f"the Gemini address answered {what}, which is not the Gemini API (it names the model it does not "
                "know): check base_url and api_version in the Gemini settings, or leave them unset")
    if refuses_the_key(code, what):
        return f"Gemini refused the API key ({what}); check the key"
    return f"Gemini refused the request ({what})"
