"""What can go wrong fetching one page: a short code, a Screaming-Frog-like status label and a plain reason.

Kept apart from the client so the task, the report and the tests name outcomes without importing httpx.
"""
from __future__ import annotations

import socket
import ssl

OK = "ok"
#: code -> the short status label shown in reports (Screaming Frog's "Status" wording where it has one)
LABELS = {
    OK: "OK",
    "http_error": "HTTP error",
    "robots_blocked": "Blocked by robots.txt",
    "robots_unavailable": "robots.txt unavailable",
    "not_html": "Not HTML (skipped)",
    "too_large": "Page too large",
    "binary": "Binary content",
    "malformed": "Malformed HTML",
    "timeout": "Timeout",
    "too_slow": "Timeout",
    "dns_error": "DNS lookup failed",
    "connection_refused": "Connection refused",
    "connection_reset": "Connection reset",
    "connection_error": "Connection error",
    "tls_error": "TLS error",
    "redirect_loop": "Redirect loop",
    "too_many_redirects": "Too many redirects",
    "redirect_offsite": "Redirected off-site",
    "redirected": "Redirected",
    "bad_scheme": "Unsupported scheme",
    "offsite": "Off-site URL (skipped)",
    "bad_encoding": "Content decoding error",
    "bad_url": "Invalid URL",
    "bad_redirect": "Invalid redirect",
}
#: a listed URL that redirected to a page: its own row says so (the page it led to has a row of its own)
REDIRECTED = "redirected"
#: the host's robots.txt kept answering a server error: the site asks for nothing to be fetched for now (RFC 9309)
ROBOTS_UNAVAILABLE = "robots_unavailable"
#: the page's whole answer took too long (a server sending it byte by byte): no retry, the server is there
TOO_SLOW = "too_slow"
#: faults that mean "the site could not be reached at all" (as opposed to "this page is bad")
UNREACHABLE = frozenset({"dns_error", "connection_refused", "connection_reset", "connection_error",
                         "tls_error", "timeout"})
#: faults worth another attempt after a pause
RETRYABLE = frozenset({"timeout", "connection_refused", "connection_reset", "connection_error"})


class FetchCancelled(Exception):
    """The caller asked to stop while a page (or a sitemap) was being fetched (nothing about it is known). Here, not
    in the client, so that sitemap reading lets it through without importing httpx."""


class TooSlow(Exception):
    """A whole exchange (request, headers, body) outlasted its deadline: the server is there and answering, a byte
    now and then, which no per-read timeout catches (TOO_SLOW)."""

    def __init__(self, what: str, deadline_s: float):
        self.deadline_s = deadline_s
        super().__init__(f"{what} took over {deadline_s:g} s to arrive (a server sending it slowly)")


def label(code: str) -> str:
    return LABELS.get(code, code)


def classify_exception(exc: BaseException) -> tuple[str, str]:
    """(code, plain reason) for an exception raised while talking to a server."""
    import httpx  # the client imports httpx anyway; kept local so this module stays light

    text = str(exc) or exc.__class__.__name__
    if isinstance(exc, TooSlow):
        return TOO_SLOW, text
    if isinstance(exc, httpx.TimeoutException):
        kind = {httpx.ConnectTimeout: "connecting", httpx.ReadTimeout: "waiting for the answer",
                httpx.WriteTimeout: "sending the request", httpx.PoolTimeout: "waiting for a free connection"}
        return "timeout", f"timed out {kind.get(type(exc), 'talking to the server')}"
    if _caused_by(exc, ssl.SSLError) or "ssl" in text.lower() or "certificate" in text.lower():
        return "tls_error", f"TLS/SSL handshake failed: {text}"
    if isinstance(exc, httpx.ConnectError):
        if _caused_by(exc, ConnectionRefusedError):
            return "connection_refused", "the server refused the connection (nothing listens on that port)"
        if _caused_by(exc, socket.gaierror):
            return "dns_error", f"the host name could not be resolved ({text})"
        lowered = text.lower()
        if any(s in lowered for s in ("name or service not known", "nodename nor servname", "errno -2",
                                      "errno -3", "errno -5", "temporary failure in name resolution",
                                      "no address associated", "getaddrinfo")):
            return "dns_error", f"the host name could not be resolved ({text})"
        if "refused" in lowered or "errno 111" in lowered:
            return "connection_refused", "the server refused the connection (nothing listens on that port)"
        return "connection_error", f"could not connect: {text}"
    if isinstance(exc, httpx.DecodingError):   # the server is there and answered: no outage, nothing to retry
        return "bad_encoding", f"the body does not unpack as its Content-Encoding says ({text})"
    if isinstance(exc, httpx.TooManyRedirects):   # a sitemap's (pages follow theirs by hand): the server is there
        return "too_many_redirects", f"too many redirects ({text})"
    if isinstance(exc, (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)):
        return "connection_reset", f"the connection was dropped mid-answer ({text})"
    if isinstance(exc, httpx.TransportError):
        return "connection_error", f"network error: {text}"
    return "connection_error", f"{exc.__class__.__name__}: {text}"


def _caused_by(exc: BaseException, kind: type) -> bool:
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, kind):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False
