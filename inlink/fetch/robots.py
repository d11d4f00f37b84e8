"""robots.txt with protego (a maintained, standards-following parser), fetched once per host.

RFC 9309: a 4xx robots.txt means no rules; a 5xx (or a redirect loop) means the site asks for nothing to be
fetched for now, so no page is fetched. A 429 (Too Many Requests) is taken as a 5xx, as Google does, not as a 4xx:
it asks for fewer requests and says nothing of rules. A 5xx is asked again first, as a page's would be (Retry-After honoured,
else backoff): one brief 503 at the start made every page of a site "Blocked by robots.txt". One that stays
unavailable is said as such (Unavailable), not as a rule that disallows the page: a job pauses on it and asks
again when resumed. A redirect loop (more redirects than httpx follows) is Unavailable at once, kept for the run
like any outcome: it escaped as a "connection_error" of each page, every page asking robots.txt 21 times again.
A robots.txt that takes longer than a page may (the fetcher's whole-exchange deadline, a server sending it a byte
now and then) is Unavailable too, kept for the run: RFC 9309 reads a robots.txt that cannot be reached as "disallow
all", and given up page by page, each page of the host waited the whole deadline in turn (a minute each by default)
while the server, there and answering, never made the job pause. A connection failure is the page's own fault:
that page is given up, nothing is kept, and the next page of the host asks again (a site that is down pauses the
job through the fetcher's probe). Only the first MAX_ROBOTS_BYTES are read (RFC 9309 lets a crawler stop there; the
rest is never downloaded). The pace it asks for is the slower of Crawl-delay and Request-rate (pace_of).

This module owns reading a robots.txt: its rules and pace (Robots) and the sitemaps its Sitemap lines name
(named_sitemaps, for the sitemap reader), one parser and one text decoding for both.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx
from protego import Protego

from inlink.fetch.faults import TooSlow
from inlink.fetch.urls import host_key
from inlink.wording import counted

_LOG = logging.getLogger(__name__)
MAX_ROBOTS_BYTES = 512_000


class Unavailable(Exception):
    """The host's robots.txt kept answering a server error or 429, redirected in a loop or came too slowly: nothing may
    be fetched from it for now. `status` is its last answer's (0 for a loop, which never answers); `problem` says what it did."""

    def __init__(self, robots_url: str, status: int, problem: str = ""):
        self.robots_url, self.status = robots_url, status
        problem = problem or f"answered {status} ({'too many requests' if status == 429 else 'a server error'})"
        super().__init__(f"robots.txt {problem}: the site asks for nothing to be fetched until it answers")


class Robots:
    """Per-host rules, fetched lazily (async; one fetch per host). `get(url, max_bytes, what)` is the fetcher's
    download under its whole-exchange deadline: (closed response, body cut at max_bytes, whether it was cut), httpx
    errors and faults.TooSlow raised. `wait_for(attempt, headers)` gives the seconds before asking a 5xx or 429
    robots.txt again (None: give up), as for a page."""

    def __init__(self, user_agent: str, get, wait_for=None):
        self.user_agent = user_agent
        self._get = get
        self._wait_for = wait_for or (lambda attempt, headers: None)
        self._rules: dict[str, Protego | None | Unavailable] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def rules_for(self, url: str):
        """Protego rules, None (no rules) or an Unavailable (the robots.txt server kept erroring)."""
        host = host_key(url)
        if host in self._rules:
            return self._rules[host]
        lock = self._locks.setdefault(host, asyncio.Lock())
        async with lock:
            if host not in self._rules:
                self._rules[host] = await self._fetch(url)
        return self._rules[host]

    async def _fetch(self, url: str):
        scheme = url.split("://", 1)[0]
        robots_url = f"{scheme}://{host_key(url)}/robots.txt"
        attempt = 0
        while True:
            attempt += 1
            try:
                response, body, _cut = await self._get(robots_url, MAX_ROBOTS_BYTES, "the site's robots.txt")
            except httpx.TooManyRedirects:
                _LOG.info("robots.txt of %s redirects in a loop: nothing is fetched from the site", robots_url)
                return Unavailable(robots_url, 0, "redirected in a loop (too many redirects)")
            except TooSlow as exc:
                _LOG.info("robots.txt of %s is too slow: nothing is fetched from the site", robots_url)
                return Unavailable(robots_url, 0, f"took over {exc.deadline_s:g} s to arrive (a server sending it "
                                                  "slowly)")
            if not _means_unavailable(response.status_code):
                break
            wait = self._wait_for(attempt, response.headers)
            if wait is None:
                _LOG.info("robots.txt of %s answered %s: nothing is fetched from the site", robots_url,
                          response.status_code)
                return Unavailable(robots_url, response.status_code)
            await asyncio.sleep(wait)
        if response.status_code >= 400:
            return None
        return _parsed(body)

    async def allowed(self, url: str) -> tuple[bool, Pace | None]:
        """(may fetch, the pace asked for or None); raises Unavailable when the robots.txt kept erroring or
        came too slowly, and httpx's errors when it could not be read."""
        rules = await self.rules_for(url)
        if rules is None:
            return True, None
        if isinstance(rules, Unavailable):
            raise rules
        return rules.can_fetch(url, self.user_agent), pace_of(rules, self.user_agent)


    async def allowed_among(self, urls: list[str]) -> int:
        """How many of `urls` (one host's) its robots.txt lets us fetch; raises as allowed() does."""
        rules = await self.rules_for(urls[0])
        if isinstance(rules, Unavailable):
            raise rules
        return len(urls) if rules is None else sum(1 for url in urls if rules.can_fetch(url, self.user_agent))


@dataclass(frozen=True)
class Pace:
    """The seconds robots.txt asks between two requests, and the line that asks for them, as the fetch says it."""

    seconds: float
    rule: str   # "Crawl-delay", or "Request-rate: 1 request in 5 s"


def pace_of(rules: Protego, user_agent: str) -> Pace | None:
    """The slower of the Crawl-delay and the Request-rate (requests/seconds: "1/5" is one request every 5 s) that
    robots.txt sets for `user_agent`, or None. Request-rate was not read: a site asking for one request in 5 s got
    as many as the rate setting allowed. A Request-rate's time of day ("1/5 0600-0845") is left aside: honoured
    at all hours, it slows the fetch down, never the reverse."""
    paces = []
    delay = rules.crawl_delay(user_agent)
    if delay:
        paces.append(Pace(float(delay), "Crawl-delay"))
    rate = rules.request_rate(user_agent)
    if rate:
        paces.append(Pace(rate.seconds / rate.requests,
                          f"Request-rate: {counted(rate.requests, 'request')} in {rate.seconds:,} s"))
    return max(paces, key=lambda pace: pace.seconds, default=None)   # a tie: Crawl-delay, listed first


def named_sitemaps(body: bytes, robots_url: str) -> list[str]:
    """The sitemaps a robots.txt's Sitemap lines name, once each and made whole on its address (`robots_url`): a
    relative one ("Sitemap: /sitemap_index.xml", which the protocol does not allow but sites write) was asked as it
    stood, refused as no http(s) URL, and the site said to name no sitemap."""
    named = _parsed(body).sitemaps
    return list(dict.fromkeys(urljoin(robots_url, sitemap.strip()) for sitemap in named if sitemap.strip()))


def _whole_lines(body: bytes) -> bytes:
    """A robots.txt as far as it is read: one MAX_ROBOTS_BYTES long was cut there (no more is downloaded), and its
    last, cut line is left out. Read as it stood, "Allow: /public/press" cut to "Allow: /pub" allowed more than the
    site did, and "Sitemap: https://a.example/sitemap_index.xml" cut to "Sitemap: https://a.example/sit" named a
    sitemap that does not exist. A line ends at LF or at a lone CR (old Mac files), as protego reads them."""
    if len(body) < MAX_ROBOTS_BYTES:
        return body
    return body[:max(body.rfind(b"\n"), body.rfind(b"\r")) + 1]


def _parsed(body: bytes) -> Protego:
    """A robots.txt's directives, read by protego from its text: the one reading of the rules and the Sitemap lines,
    whole lines only (_whole_lines)."""
    return Protego.parse(robots_text(_whole_lines(body)))


def robots_text(body: bytes) -> str:
    """A robots.txt's text, a UTF-8 byte-order mark left out (RFC 9309 and Google ignore it): kept, it made the
    first line "\ufeffUser-agent: *", which no parser reads, so the group it opens and its Disallow rules were lost
    and every page they forbid was fetched (a robots.txt saved by Windows Notepad)."""
    return body.decode("utf-8-sig", errors="replace")


def _means_unavailable(status: int) -> bool:
    """A robots.txt answer that asks for nothing to be fetched for now: a server error, or 429 (Google reads it as
    one; taken as a 4xx, "no rules", it allowed every page of a site that asked for fewer requests)."""
    return status >= 500 or status == 429
