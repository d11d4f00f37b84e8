"""Pytest fixtures for the fetch tests: the python-docs site unpacked once per session, served on 127.0.0.1."""
from __future__ import annotations

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
