"""robots.txt with protego (a maintained, standards-following parser), fetched once per host.

RFC 9309: a 4xx robots.txt means no rules; a 5xx (or a redirect loop) means the site asks for nothing to be
fetched for now, so every page is treated as disallowed; a connection failure is the page's own fault.
"""
from __future__ import annotations

import asyncio
import logging

from protego import Protego

from inlink.fetch.urls import host_key

_LOG = logging.getLogger(__name__)
MAX_ROBOTS_BYTES = 512_000


class Robots:
    """Per-host rules, fetched lazily by the client that asks (async; one fetch per host)."""

    def __init__(self, user_agent: str):
        self.user_agent = user_agent
        self._rules: dict[str, Protego | None | bool] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def rules_for(self, client, url: str):
        """Protego rules, None (no rules) or False (disallow all: the robots.txt server errored)."""
        host = host_key(url)
        if host in self._rules:
            return self._rules[host]
        lock = self._locks.setdefault(host, asyncio.Lock())
        async with lock:
            if host not in self._rules:
                self._rules[host] = await self._fetch(client, url)
        return self._rules[host]

    async def _fetch(self, client, url: str):
        scheme = url.split("://", 1)[0]
        robots_url = f"{scheme}://{host_key(url)}/robots.txt"
        response = await client.get(robots_url, follow_redirects=True)   # transport errors propagate
        if response.status_code >= 500:
            _LOG.info("robots.txt of %s answered %s: treating the site as disallowed", robots_url,
                      response.status_code)
            return False
        if response.status_code >= 400:
            return None
        return Protego.parse(response.content[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace"))

    async def allowed(self, client, url: str) -> tuple[bool, float | None]:
        """(may fetch, crawl-delay in seconds or None)."""
        rules = await self.rules_for(client, url)
        if rules is None:
            return True, None
        if rules is False:
            return False, None
        return rules.can_fetch(url, self.user_agent), rules.crawl_delay(self.user_agent)
