"""The polite HTTP client: per-host connection and rate limits, robots.txt, redirects followed by hand
(recorded, loops caught, never to another scheme), retries with backoff honouring Retry-After, a streamed
size cap, HTML only, the page's encoding (decoding.py), no cookies and no credentials.

One asyncio loop on a daemon thread runs every request of a Fetcher (httpx.AsyncClient): the job engine
calls `fetch()` from several worker threads at once and each call can be cancelled at once (pause / stop
within a second even while a slow server keeps a request open), which a blocking client could not do.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import email.utils
import http.cookiejar
import logging
import random
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

import httpx

from inlink.fetch import faults
from inlink.fetch.faults import FetchCancelled
from inlink.fetch.decoding import decode_html, looks_binary
from inlink.fetch.link_header import header_canonical
from inlink.fetch.robots import Pace as RobotsPace, Robots, Unavailable as RobotsUnavailable
from inlink.fetch.sitemap import MAX_SITEMAP_URLS
from inlink.fetch.urls import SCHEMES, clean_url, host_key, same_site, scheme_of
from inlink.wording import counted, lasting

_LOG = logging.getLogger(__name__)
USER_AGENT = "InLinkProspector/1.0 (internal-link analysis; +https://github.com/inlink-prospector)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
_REDIRECTS = (301, 302, 303, 307, 308)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


@dataclass(frozen=True)
class FetchSettings:
    """Everything a user may tune; polite defaults."""

    connections: int = 4            # per host
    rate_per_s: float = 5.0         # requests per second per host (0 = no limit)
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    retries: int = 3                # extra attempts after a 429 / 5xx / timeout / dropped connection
    backoff_s: float = 0.5          # first wait; doubles each attempt (a Retry-After header wins)
    max_wait_s: float = 120.0       # a Retry-After longer than this gives up on the page instead
    max_bytes: int = 5_000_000      # per page, counted while streaming
    max_redirects: int = 10
    respect_robots: bool = True
    same_site_only: bool = True
    user_agent: str = USER_AGENT
    max_sitemap_urls: int = MAX_SITEMAP_URLS   # page URLs read from a sitemap and the sitemaps its index lists

    @classmethod
    def from_options(cls, options: Mapping | None) -> FetchSettings:
        """Settings from user options (unknown names and bad values refused with a plain message)."""
        given = {k: v for k, v in dict(options or {}).items() if v is not None}
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise ValueError(f"unknown fetch option(s): {', '.join(unknown)}")
        values = {}
        for name, value in given.items():
            kind = type(getattr(cls, name))
            try:
                values[name] = value if kind is str else (bool(value) if kind is bool else kind(value))
            except (TypeError, ValueError):
                raise ValueError(f"fetch option {name} must be a {kind.__name__}, not {value!r}") from None
        settings = cls(**values)
        settings.check()
        return settings

    def check(self) -> None:
        if self.connections < 1 or self.connections > 64:
            raise ValueError(f"connections must be between 1 and 64, not {self.connections}")
        if self.rate_per_s < 0:
            raise ValueError(f"rate_per_s must be zero (no limit) or more, not {self.rate_per_s}")
        for name in ("connect_timeout", "read_timeout", "max_bytes"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive, not {getattr(self, name)}")
        if self.retries < 0 or self.max_redirects < 0:
            raise ValueError("retries and max_redirects must be zero or more")
        if self.max_sitemap_urls < 1:
            raise ValueError(f"max_sitemap_urls must be at least 1, not {self.max_sitemap_urls}")

    def as_options(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class FetchResult:
    """One page as fetched: where it ended, how, and its HTML when it is a page we can read."""

    url: str
    final_url: str
    status_code: int = 0             # 0 when no HTTP answer came (DNS, refused, robots...)
    fault: str = faults.OK
    reason: str = ""
    content_type: str = ""
    html: str | None = None
    redirects: list = field(default_factory=list)    # [(url, status), ...] before final_url
    attempts: int = 0
    encoding: str = ""
    robots_header: str = ""          # X-Robots-Tag of the final answer (noindex there counts like the meta tag)
    canonical_header: str = ""       # the canonical of its Link header (counts like <link rel="canonical">), absolute
    refresh_header: str = ""         # its HTTP Refresh header as sent (counts like <meta http-equiv="refresh">)

    @property
    def ok(self) -> bool:
        return self.fault == faults.OK

    @property
    def status(self) -> str:
        return faults.label(self.fault)


class _Host:
    """Per-host politeness: a connection semaphore and a request pacer that a Retry-After can push back."""

    def __init__(self, connections: int, rate_per_s: float):
        self.slots = asyncio.Semaphore(connections)
        self.interval = 1.0 / rate_per_s if rate_per_s > 0 else 0.0
        self.next_at = 0.0
        self.lock = asyncio.Lock()

    async def pace(self) -> None:
        """Return when a request may go: `interval` after the last one went, in the order the requests asked (the
        lock queues them first come, first served, and the one at its head waits out the interval holding it).
        The next slot is set from the time a request really goes, not from a slot given in advance: a waiter the
        event loop wakes late (a loaded machine) would otherwise go right before the next one, two requests
        0.03 s apart under 10 a second. A Retry-After that comes during the wait holds it too."""
        async with self.lock:
            while (wait := self.next_at - time.monotonic()) > 0:
                await asyncio.sleep(wait)
            self.next_at = time.monotonic() + self.interval

    def hold_off(self, seconds: float) -> None:
        """The server asked everyone to wait (Retry-After): no request to this host before then."""
        self.next_at = max(self.next_at, time.monotonic() + seconds)

    def slow_to(self, delay: float) -> None:
        self.interval = max(self.interval, delay)


#: A whole exchange (request, headers, body) of a page, a robots.txt or a sitemap is given up after this many read
#: timeouts: a tarpit sending a byte every half second held a foreground fetch for as long as it liked (--timeout 2
#: took 31 s), and its robots.txt or sitemap held the fetch for good.
EXCHANGE_DEADLINE_READS = 3


class _Answer:
    """The parts of a response the fetch loop needs (the body read under the size cap, or not at all)."""

    def __init__(self, status: int, headers: httpx.Headers, body: bytes | None = None,
                 fault: str = faults.OK, reason: str = ""):
        self.status, self.headers, self.body, self.fault, self.reason = status, headers, body, fault, reason


def _no_cookies() -> http.cookiejar.CookieJar:
    """A jar that refuses every cookie, so nothing a server sets is ever sent back (httpx keeps a jar given
    as is; a Cookies object would be copied into a default jar that accepts everything)."""
    return http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


#: What ends a long Crawl-delay wait, said with its length (announce_pace): a job's pause or stop.
JOB_ENDS_WAIT = "pause or stop ends the wait at once"


class Fetcher:
    """Fetch pages politely; thread-safe `fetch()` (blocking, cancellable) and `afetch()` (on its loop)."""

    def __init__(self, settings: FetchSettings | None = None, site: str | None = None, cancel=None):
        """`cancel` (an object with is_set(), as a threading.Event): get_bytes raises FetchCancelled at once when it
        is set, so that a job reading a large sitemap index pauses or stops within a second, not once read."""
        self.settings = settings or FetchSettings()
        self.site = site
        self._cancel = cancel
        self._hosts: dict[str, _Host] = {}
        self._robots = Robots(self.settings.user_agent, self._get_within_deadline, self._robots_wait)
        self._usage = threading.Lock()
        self._notes: list[str] = []             # what the user should know of the run, said once (take_notes)
        self._slowed: set[str] = set()          # hosts whose robots.txt Crawl-delay or Request-rate was said
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fetcher-loop", daemon=True)
        self._thread.start()
        self._client = self._call(self._make_client())

    async def _make_client(self) -> httpx.AsyncClient:
        s = self.settings
        timeout = httpx.Timeout(s.read_timeout, connect=s.connect_timeout, pool=None)
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=4 * s.connections)
        return httpx.AsyncClient(timeout=timeout, limits=limits, follow_redirects=False, trust_env=False,
                                 event_hooks={"response": [_refuse_unusable_location]},
                                 cookies=_no_cookies(), headers={"User-Agent": s.user_agent,
                                                                 "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"})

    def _call(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def run(self, coro):
        """Run a coroutine (e.g. many afetch() calls gathered) on this fetcher's loop and wait for it."""
        return self._call(coro)

    # -- public -----------------------------------------------------------------------------------
    def fetch(self, url: str, cancel: threading.Event | None = None) -> FetchResult:
        """Fetch one page; raises FetchCancelled (at once) when `cancel` is set meanwhile."""
        return self._cancellable(self.afetch(url), cancel, url)

    def _cancellable(self, coro, cancel, what: str):
        """Run `coro` on the loop and wait for it; FetchCancelled (naming `what`) at once when `cancel` is set."""
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        while True:
            try:
                return future.result(timeout=0.05)
            except concurrent.futures.TimeoutError:
                if cancel is not None and cancel.is_set():
                    future.cancel()
                    raise FetchCancelled(what) from None

    def announce_pace(self, urls: list[str], cancel: threading.Event | None = None,
                      ends_wait: str = JOB_ENDS_WAIT) -> None:
        """Read each listed host's robots.txt before the first page and note (take_notes) a Crawl-delay slower
        than the rate asked for, with how long the host's listed URLs take at that pace and what ends the wait
        (`ends_wait`, in the words of the run: a job's pause or stop, a foreground fetch's Ctrl-C): a Crawl-delay
        of 86400 s made a job run for days, said only as its first page came, with no word of how long. Raises
        FetchCancelled when `cancel` is set meanwhile; a robots.txt that cannot be read is left to the pages."""
        if self.settings.respect_robots:
            self._cancellable(self._announce_pace(urls, ends_wait), cancel, "robots.txt")

    async def _announce_pace(self, urls: list[str], ends_wait: str) -> None:
        """The pace note of each host; its length counts the URLs robots.txt allows (those it disallows are never
        asked for, so they take no time: with 5 of 6 disallowed, the note said the 6 "take about 5 s")."""
        listed: dict[str, list[str]] = {}
        for url in urls:
            listed.setdefault(host_key(url), []).append(url)
        for host_urls in listed.values():
            first = host_urls[0]
            try:
                _allowed, pace = await self._robots.allowed(first)
                allowed = await self._robots.allowed_among(host_urls) if pace else 0
            except (httpx.HTTPError, httpx.InvalidURL, RobotsUnavailable):
                continue
            if pace:
                self._slow_for_robots(first, self._host(first), pace, (allowed, len(host_urls)), ends_wait)

    def take_notes(self) -> list[str]:
        """The notes gathered since the last call (e.g. a robots.txt Crawl-delay that slows the fetch down)."""
        with self._usage:
            notes, self._notes = self._notes, []
        return notes

    def _slow_for_robots(self, url: str, host: _Host, pace: RobotsPace, listed: tuple[int, int] = (0, 0),
                         ends_wait: str = JOB_ENDS_WAIT) -> None:
        """Honour a Crawl-delay or Request-rate; say so once per host when it is slower than the rate asked for (a
        Crawl-delay of 5 s made a 33-page fetch take 3 minutes without a word), with how long the `listed` URLs
        (allowed, all) take at that pace."""
        key, delay = host_key(url), pace.seconds
        if delay > host.interval and key not in self._slowed:
            asked = (f"up to {self.settings.rate_per_s:g} a second" if self.settings.rate_per_s > 0
                     else "as fast as the connections allow")
            allowed, every = listed
            which = (f"its {counted(allowed, 'URL')} listed" if allowed == every else
                     f"the {allowed:,} of its {every:,} URLs listed that robots.txt allows")
            length = (f"; {which} take {lasting((allowed - 1) * delay)} at that pace ({ends_wait})"
                      if allowed > 1 else "")
            with self._usage:
                self._slowed.add(key)
                gap = f"{float(f'{delay:.4g}'):g}"   # a Request-rate of 3/1: 0.3333 s, not 0.333333 s
                self._notes.append(f"robots.txt of {key} asks for {gap} s between requests ({pace.rule}): "
                                   f"its pages are fetched at that pace, one every {gap} s, instead of {asked}"
                                   + length)
        host.slow_to(delay)

    def get_bytes(self, url: str, max_bytes: int = 100_000_000, *, cut_ok: bool = False) -> tuple[int, bytes, str]:
        """(status, body, final URL) of a non-page resource (a sitemap); redirects followed; errors raise (httpx's,
        faults.TooSlow past the whole-exchange deadline, ValueError for a body over `max_bytes` unless `cut_ok`, which
        returns its first `max_bytes` (a robots.txt, read only that far); FetchCancelled once the fetcher's `cancel`
        is set)."""
        return self._cancellable(self._get_bytes(url, max_bytes, cut_ok), self._cancel, url)

    def probe(self, url: str) -> tuple[str, str]:
        """(fault, reason) of one bare request to the site's root: tells "the site is down" from "this page
        is bad" (any HTTP answer means the server is there)."""
        return self._call(self._probe(url))

    def home_status(self, url: str) -> int:
        """The status the site's root answers to one bare request (0: no answer): whether a 503 or 429 a page kept
        getting is the whole site's."""
        return self._call(self._ask_home(url))[2]

    async def _probe(self, url: str) -> tuple[str, str]:
        fault, reason, _status = await self._ask_home(url)
        return fault, reason

    async def _ask_home(self, url: str) -> tuple[str, str, int]:
        start = clean_url(url)
        if start is None:
            return "bad_scheme", "not an http(s) URL", 0
        root = start.split("://", 1)[0] + "://" + host_key(start) + "/"
        try:
            status = await self._within_deadline(self._status_of(root), "the site's home page")
        except _UnusableLocation as exc:   # an answer: the server is there
            status = exc.status
        except (httpx.HTTPError, faults.TooSlow) as exc:
            return (*faults.classify_exception(exc), 0)
        return faults.OK, f"the server answered {status}", status

    async def _status_of(self, url: str) -> int:
        """The status a URL answers, its body never read: the probe asks only whether the server is there. It read
        the whole home page, with no cap and no deadline (a server sending it a byte now and then hung the job)."""
        async with self._client.stream("GET", url) as response:
            return response.status_code

    def close(self) -> None:
        if self._loop.is_closed():
            return
        try:
            self._call(self._shut())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
            self._loop.close()

    async def _shut(self) -> None:
        """End the fetches still on the loop (one cancelled by fetch() is still closing its request), then the client:
        stopped with one of them pending, the loop left it to the garbage collector, which logged "Task was destroyed
        but it is pending!" and its task on the worker's output at each pause or stop during a fetch."""
        pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=5)
        await self._client.aclose()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- one page ---------------------------------------------------------------------------------
    async def afetch(self, url: str) -> FetchResult:
        start = clean_url(url)
        result = FetchResult(url=url, final_url=start or url)
        if start is None:
            return _fail(result, "bad_scheme", "only http:// and https:// URLs can be fetched")
        if self.settings.same_site_only and not same_site(start, self.site):
            return _fail(result, "offsite", f"not on the site being read ({self.site})")
        seen, current = {start}, start
        for _ in range(self.settings.max_redirects + 1):
            result.final_url = current
            answer = await self._request_page(current, result)
            if answer.fault != faults.OK:
                return _fail(result, answer.fault, answer.reason, answer.status)
            if answer.status not in _REDIRECTS:
                return self._finish(result, answer)
            target = self._redirect_target(current, answer, result, seen)
            if target is None:
                return result
            seen.add(target)
            current = target
        return _fail(result, "too_many_redirects",
                     f"more than {self.settings.max_redirects} redirects in a row", result.status_code)

    def _redirect_target(self, current: str, answer: _Answer, result: FetchResult, seen: set) -> str | None:
        """The next URL of a redirect chain, or None with the fault set on `result`."""
        result.redirects.append((current, answer.status))
        location = answer.headers.get("location", "").strip()
        target = clean_url(location, base=current) if location else None
        scheme = _SCHEME.match(location)
        if target is None and scheme and scheme.group(1).lower() not in SCHEMES:
            _fail(result, "bad_scheme", f"redirected to a non-http(s) address ({scheme.group(1)})", answer.status)
        elif target is None:   # it was "redirected to a non-http(s) address ('')", or a dropped connection
            where = f", redirecting to an address that is no URL ({location!r})" if location else \
                " without saying where to (no Location header)"
            _fail(result, "bad_redirect", f"the server answered {answer.status}{where}", answer.status)
        elif scheme_of(current) == "https" and scheme_of(target) == "http":
            _fail(result, "bad_scheme", f"redirected from https to plain http ({target}): not followed",
                  answer.status)
        elif target in seen:
            _fail(result, "redirect_loop", f"redirect loop: {target} was already visited", answer.status)
        elif self.settings.same_site_only and not same_site(target, self.site or result.url):
            result.final_url = target
            _fail(result, "redirect_offsite", f"redirected to another site ({target})", answer.status)
        else:
            return target
        return None

    def _finish(self, result: FetchResult, answer: _Answer) -> FetchResult:
        result.status_code = answer.status
        result.content_type = answer.headers.get("content-type", "")
        result.robots_header = robots_header(answer.headers.get_list("x-robots-tag"))
        result.canonical_header = header_canonical(answer.headers.get_list("link"), result.final_url)
        result.refresh_header = answer.headers.get("refresh", "")
        if not 200 <= answer.status < 300:   # a 300 or 304 was "not an HTML page (text/html)"
            phrase = httpx.codes.get_reason_phrase(answer.status)
            return _fail(result, "http_error", f"the server answered {answer.status} {phrase}".rstrip()
                         + answer.reason, answer.status)   # why it was not asked again (_request_page)
        if answer.body is None:
            return _fail(result, "not_html", f"not an HTML page ({result.content_type or 'no content type'})",
                         answer.status)
        if looks_binary(answer.body):
            return _fail(result, "binary", "the page is served as HTML but holds binary data", answer.status)
        result.html, result.encoding = decode_html(answer.body, result.content_type)
        result.reason = "fetched" + (f" after {counted(len(result.redirects), 'redirect')}" if result.redirects else "")
        return result

    # -- requests with politeness and retries --------------------------------------------------------
    def _host(self, url: str) -> _Host:
        key = host_key(url)
        host = self._hosts.get(key)
        if host is None:
            host = self._hosts[key] = _Host(self.settings.connections, self.settings.rate_per_s)
        return host

    async def _request_page(self, url: str, result: FetchResult) -> _Answer:
        host = self._host(url)
        if self.settings.respect_robots:
            try:
                allowed, pace = await self._robots.allowed(url)
            except httpx.HTTPError as exc:     # the page's own fault (robots.py), said as robots.txt's: the page was
                code, problem = faults.classify_exception(exc)   # never asked, and its reason named no robots.txt
                return _Answer(0, httpx.Headers(), None, code, f"its site's robots.txt could not be read: {problem}")
            except RobotsUnavailable as exc:
                return _Answer(0, httpx.Headers(), None, faults.ROBOTS_UNAVAILABLE, str(exc))   # no page answer
            if pace:
                self._slow_for_robots(url, host, pace)
            if not allowed:
                return _Answer(0, httpx.Headers(), None, "robots_blocked",
                               "robots.txt disallows this URL for our user agent")
        attempt = 0
        while True:
            attempt += 1
            result.attempts += 1
            answer = await self._attempt(url, host)
            wait = self._retry_wait(answer, attempt)
            if wait is None:
                if attempt > 1:   # a 500 or a timeout asked once or four times read the same: transient or not?
                    answer.reason = f"{answer.reason} (after {attempt} attempts)"
                return answer
            if wait > self.settings.max_wait_s:
                answer.reason = (answer.reason or "") + (f" (it asked to wait {wait:.0f} s before asking again, more "
                                                         f"than the {self.settings.max_wait_s:g} s allowed)")
                return answer
            host.hold_off(wait) if answer.status in (429, 503) else None
            _LOG.debug("retrying %s in %.2fs (attempt %d)", url, wait, attempt)
            await asyncio.sleep(wait)

    def _robots_wait(self, attempt: int, headers) -> float | None:
        """Seconds before asking a robots.txt or a sitemap that answered 5xx or 429 again, as for a page (None: give
        up)."""
        wait = self._wait_after(headers, attempt)
        return wait if wait is not None and wait <= self.settings.max_wait_s else None

    def _retry_wait(self, answer: _Answer, attempt: int) -> float | None:
        """Seconds to wait before another attempt, or None when the answer is final."""
        retry = answer.status == 429 or answer.status >= 500 or answer.fault in faults.RETRYABLE
        return self._wait_after(answer.headers, attempt) if retry else None

    def _wait_after(self, headers, attempt: int) -> float | None:
        """The server's Retry-After, else backoff with jitter; None once the retries are spent."""
        if attempt > self.settings.retries:
            return None
        after = parse_retry_after(headers.get("retry-after"))
        if after is not None:
            return after
        return self.settings.backoff_s * (2 ** (attempt - 1)) * (1 + 0.25 * random.random())

    async def _attempt(self, url: str, host: _Host) -> _Answer:
        async with host.slots:
            await host.pace()
            try:
                return await self._within_deadline(self._exchange(url), "the page")
            except faults.TooSlow as exc:
                return _Answer(0, httpx.Headers(), None, faults.TOO_SLOW, str(exc))

    async def _within_deadline(self, exchange, what: str, max_bytes: int | None = None):
        """Await one whole exchange, given up after EXCHANGE_DEADLINE_READS read timeouts (raises faults.TooSlow,
        naming `what`). httpx's read timeout is per read: a server that sends a byte now and then never trips it.
        Pages, robots.txt and sitemaps all go through here. A resource allowed more bytes than a page (`max_bytes`:
        a sitemap's 60 MB against a page's 5 MB) gets as many times the time: a large sitemap arriving steadily at
        under 1 MB/s was refused as too slow."""
        deadline = EXCHANGE_DEADLINE_READS * self.settings.read_timeout
        if max_bytes is not None and max_bytes > self.settings.max_bytes:
            deadline *= max_bytes / self.settings.max_bytes
        try:
            return await asyncio.wait_for(exchange, deadline)
        except asyncio.TimeoutError:
            raise faults.TooSlow(what, deadline) from None

    async def _exchange(self, url: str) -> _Answer:
        """One request and its answer, read under the size cap (_attempt bounds the whole exchange in time)."""
        try:
            request = self._client.build_request("GET", url)
            response = await self._client.send(request, stream=True)
        except _UnusableLocation as exc:    # a redirect all the same: _redirect_target says where it fails to lead
            return _Answer(exc.status, exc.headers)
        except httpx.HTTPError as exc:
            return _Answer(0, httpx.Headers(), None, *faults.classify_exception(exc))
        except httpx.InvalidURL as exc:   # no HTTPError: a URL over httpx's 65,536 characters ended the whole fetch
            return _Answer(0, httpx.Headers(), None, "bad_url", f"the URL cannot be requested ({exc})")
        try:
            return await self._read(response)
        except httpx.HTTPError as exc:
            return _Answer(response.status_code, response.headers, None, *faults.classify_exception(exc))
        finally:
            await response.aclose()

    async def _read(self, response: httpx.Response) -> _Answer:
        status, headers = response.status_code, response.headers
        if status in _REDIRECTS or not 200 <= status < 300:
            return _Answer(status, headers)
        media = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media and media not in HTML_TYPES:
            return _Answer(status, headers)                       # not a page: never downloaded
        unpackable = self._unpackable(headers.get("content-encoding", ""))
        if unpackable:
            return _Answer(status, headers, None, "bad_encoding", f"the body is compressed as {unpackable!r}, which "
                           "was not asked for and cannot be unpacked")
        cap = self.settings.max_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            return _Answer(status, headers, None, "too_large",
                           f"the page declares {int(declared):,} bytes, more than the {cap:,}-byte cap")
        body, cut = await _body_upto(response, cap)
        if cut:
            return _Answer(status, headers, None, "too_large",
                           f"the page is larger than the {cap:,}-byte cap (its download was stopped there)")
        return _Answer(status, headers, body)

    def _unpackable(self, content_encoding: str) -> str:
        """The first coding of a Content-Encoding that the client did not ask for (its Accept-Encoding: httpx's own,
        "gzip, deflate" without the brotli package), "" when there is none. httpx passes a body in such a coding on
        as it came: a server sending brotli whatever was asked gave a page of compressed bytes read as text, "OK"."""
        accepted = {coding.strip() for coding in self._client.headers.get("accept-encoding", "").lower().split(",")}
        return next((coding for coding in (part.strip().lower() for part in content_encoding.split(","))
                     if coding and coding != "identity" and coding not in accepted), "")

    async def _get_bytes(self, url: str, max_bytes: int, cut_ok: bool = False) -> tuple[int, bytes, str]:
        """get_bytes on the loop: a 429 or 5xx, a dropped connection or a timeout is asked again as a page's is
        (Retry-After honoured, else backoff). A sitemap was asked once: one 429 of a rate limiter, or one connection
        dropped midway through a large sitemap, lost that sitemap's URLs from an index ("skipped"), and a brief 503
        of the sitemap given paused the job."""
        start = clean_url(url)
        if start is None:
            raise ValueError(f"{url!r} is not an http(s) URL")
        host, attempt = self._host(start), 0
        while True:
            attempt += 1
            try:
                response, body, cut = await self._get_once(start, max_bytes, host)
            except httpx.HTTPError as exc:
                await self._retry_after_error(exc, attempt)
                continue
            wait = self._robots_wait(attempt, response.headers) if response.status_code == 429 or \
                response.status_code >= 500 else None
            if wait is None:
                break
            host.hold_off(wait)
            await asyncio.sleep(wait)
        if cut and not cut_ok:
            raise ValueError(f"{url} is larger than {max_bytes:,} bytes")
        if scheme_of(str(response.url)) not in SCHEMES:
            raise ValueError(f"{url} redirected to a non-http(s) address")
        return response.status_code, body, str(response.url)

    async def _retry_after_error(self, exc: httpx.HTTPError, attempt: int) -> None:
        """Wait before asking again after a failure worth another attempt (faults.RETRYABLE); else, or once the
        retries are spent, raise it again. A redirect to no URL (_UnusableLocation) is an answer: never asked again."""
        retryable = not isinstance(exc, _UnusableLocation) and faults.classify_exception(exc)[0] in faults.RETRYABLE
        wait = self._wait_after(httpx.Headers(), attempt) if retryable else None
        if wait is None:
            raise exc
        await asyncio.sleep(wait)

    async def _get_once(self, start: str, max_bytes: int, host: _Host) -> tuple[httpx.Response, bytes, bool]:
        async with host.slots:
            await host.pace()
            on_site = self.site or start if self.settings.same_site_only else None
            return await self._within_deadline(self._get_upto(start, max_bytes, on_site), "the answer", max_bytes)

    async def _get_within_deadline(self, url: str, max_bytes: int, what: str) -> tuple[httpx.Response, bytes, bool]:
        """A resource that is not a page (a robots.txt), redirects followed by httpx: (its closed response,
        its body cut at `max_bytes`, whether it was cut), the whole exchange within the deadline a page has
        (faults.TooSlow naming `what`); httpx's errors raise."""
        return await self._within_deadline(self._get_upto(url, max_bytes), what, max_bytes)

    async def _get_upto(self, url: str, max_bytes: int, on_site: str | None = None) -> tuple[httpx.Response, bytes, bool]:
        """The resource, redirects followed: any of them (a robots.txt's), or with `on_site` only those staying on
        that site (a sitemap's: one moved to another host had that host's URLs read as the site's, unsaid)."""
        if on_site is None:
            async with self._client.stream("GET", url, follow_redirects=True) as response:
                body, cut = await _body_upto(response, max_bytes)
            return response, body, cut
        current = url
        for _ in range(self.settings.max_redirects + 1):
            async with self._client.stream("GET", current) as response:
                if not response.has_redirect_location:
                    body, cut = await _body_upto(response, max_bytes)
                    return response, body, cut
                target = clean_url(response.headers["location"], base=current)
            if target is not None and not same_site(target, on_site):
                raise ValueError(f"{url} redirects to another site ({target}), which is not read")
            if target is None:
                raise ValueError(f"{url} redirected to a non-http(s) address")
            current = target
        raise httpx.TooManyRedirects(f"more than {self.settings.max_redirects} redirects", request=response.request)


class _UnusableLocation(httpx.RemoteProtocolError):
    """A redirect whose Location httpx cannot read as a URL ("http://[::1", a port over 65535): httpx raised its own
    RemoteProtocolError for it before any answer was handed back, so the page was "Connection reset" with no status,
    asked four times. Still a RemoteProtocolError for a robots.txt or sitemap (followed by httpx)."""

    def __init__(self, response: httpx.Response):
        super().__init__(f"Invalid URL in location header: {response.headers['location']!r}", request=response.request)
        self.status, self.headers = response.status_code, response.headers


async def _refuse_unusable_location(response: httpx.Response) -> None:
    """httpx's response hook: a redirect's Location that httpx would refuse raises _UnusableLocation instead."""
    if response.has_redirect_location:
        try:
            httpx.URL(response.headers["location"])
        except httpx.InvalidURL:
            raise _UnusableLocation(response) from None


async def _body_upto(response: httpx.Response, limit: int) -> tuple[bytes, bool]:
    """(the body, at most `limit` bytes; whether there was more): streamed, so a body over the limit is never read
    whole (the connection is dropped there)."""
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > limit:
            return bytes(body[:limit]), True
    return bytes(body), False


#: X-Robots-Tag directives written "name: value", whose name is no user agent's
_VALUED_DIRECTIVES = frozenset({"unavailable_after", "max-snippet", "max-image-preview", "max-video-preview"})
#: the crawler whose X-Robots-Tag directives count besides those for all, as <meta name="googlebot"> does (extract)
_SEARCH_ENGINE_AGENT = "googlebot"


def robots_header(values: list[str]) -> str:
    """The directives of X-Robots-Tag headers that apply to the search engine (those for every crawler, and those
    after "googlebot:"), joined: a header "otherbot: noindex, nofollow" made the page noindex, no link target, and
    "googlebot: none" counted for nothing ("none" written after the agent's name)."""
    kept = []
    for value in values:
        applies = True
        for directive in value.split(","):
            agent, colon, rest = directive.strip().partition(":")
            if colon and _names_agent(agent):
                applies, directive = agent.strip().lower() == _SEARCH_ENGINE_AGENT, rest
            if applies and directive.strip():
                kept.append(directive.strip())
    return ", ".join(kept)


def _names_agent(name: str) -> bool:
    """Whether the part before a colon names a user agent: one word that is no directive. A date's time after its
    comma ("unavailable_after: Fri, 25 Jun 2010 15:00:00 GMT") read as an agent's name, so every directive after it
    ("..., noindex") counted for nothing, and the date was lost."""
    name = name.strip().lower()
    return bool(name) and name not in _VALUED_DIRECTIVES and not any(char.isspace() for char in name)


def _fail(result: FetchResult, code: str, reason: str, status: int = 0) -> FetchResult:
    result.fault, result.reason = code, reason
    if status:
        result.status_code = status
    result.html = None
    return result


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())
