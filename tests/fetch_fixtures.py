"""Pytest fixtures for the fetch tests: the python-docs site unpacked once per session, served on 127.0.0.1."""
from __future__ import annotations

import time

import pytest
from fetch_server import SiteServer, unpack_site


@pytest.fixture(scope="session")
def site_root(tmp_path_factory):
    return unpack_site(tmp_path_factory.mktemp("python-docs-site"))


@pytest.fixture
def site(site_root):
    server = SiteServer(site_root).start()
    yield server
    server.stop()


@pytest.fixture
def releases(monkeypatch):
    """(host's id, its interval, time) of each request a fetcher lets go in the test (client._Host.pace returned):
    the spacing a fetch keeps, read where it keeps it. The times the server logs add each request's way through the
    loopback, which a loaded machine stretches for one request and not the next."""
    from inlink.fetch import client

    pace, released = client._Host.pace, []

    async def recorded(host):
        await pace(host)
        released.append((id(host), host.interval, time.monotonic()))

    monkeypatch.setattr(client._Host, "pace", recorded)
    return released
