"""Shared pytest set-up: every test gets its own jobs folder, never the user's ./jobs, and the one `manager`."""
import functools
import sys

import pytest

from inlink.jobs import JobManager


@pytest.fixture(autouse=True)
def _isolated_jobs_dir(tmp_path, monkeypatch):
    """Point INLINK_JOBS_DIR at a temporary folder and keep real API keys out of tests."""
    jobs = tmp_path / "jobs"
    monkeypatch.setenv("INLINK_JOBS_DIR", str(jobs))
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    return jobs


@pytest.fixture(autouse=True)
def _stop_dashboard_managers():
    """Stop the JobManagers the dashboard's get_manager started during the test (an AppTest page, a test that
    runs a job as the dashboard does): one left running polled its folder for the rest of the session, and a
    worker's forked second-core child then started beside its thread."""
    yield
    dashboard = sys.modules.get("inlink.ui.manager")     # only when the test imported it: no streamlit otherwise
    if dashboard is not None:
        dashboard.shutdown_all(timeout=5)


@pytest.fixture(autouse=True, scope="session")
def _streamlit_components_scanned_once():
    """Streamlit scans the metadata of every installed distribution for its components each time a page runs in a
    new AppTest (0.2-0.3 s of CPU: 160 METADATA files parsed); the suite's ~200 AppTests spent about 50 s of CPU on
    it, a tenth of the whole suite. The installed packages cannot change during a test run, so the scan's answer is
    kept for the session. (A Streamlit that moved the scan: the tests run as before, only slower.)"""
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:
        yield
        return
    scan = manifest_scanner.scan_component_manifests
    manifest_scanner.scan_component_manifests = functools.cache(scan)
    yield
    manifest_scanner.scan_component_manifests = scan


@pytest.fixture
def jobs_dir(_isolated_jobs_dir):
    return _isolated_jobs_dir


@pytest.fixture
def make_manager(jobs_dir):
    """JobManagers on the test's jobs folder (a quick heartbeat), shut down after the test."""
    managers = []

    def make(**kwargs):
        kwargs.setdefault("heartbeat_interval", 0.2)
        manager = JobManager(jobs_dir, **kwargs)
        managers.append(manager)
        return manager
    yield make
    for manager in managers:
        manager.shutdown(timeout=5)


@pytest.fixture
def manager(make_manager):
    """A started JobManager on the test's own jobs folder."""
    return make_manager()


@pytest.fixture
def fake():
    """The fake Gemini server on 127.0.0.1 that the real google-genai client talks to, closed after the test."""
    from tests import fake_gemini

    server = fake_gemini.FakeGemini().start()
    yield server
    server.close()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Under pytest-xdist the browser tests run one after another on one worker (`--dist loadgroup`): each drives a
    Streamlit server and a Chromium, and two at once on a two-core machine would race their own time promises
    (a second tab within 2 s). The rest spread over the other workers. First among the hooks: xdist reads the
    group in its own hook, and a marker added after it was silently ignored (the browser tests ran two at once)."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))


MAX_WORKERS = 4   # past this the suite is bound by its longest worker (the browser tests), not by the cores


def pytest_xdist_auto_num_workers(config):
    """`-n auto`: one worker more than the cores this process may really use (second_core.usable_cores: os.cpu_count()
    would start 64 workers in a container limited to two CPUs on a 64-core host), at most MAX_WORKERS. Why one more:
    a third of a worker's time is spent waiting, not computing (servers and browsers starting, processes killed and
    restarted, jobs awaited), and the spare worker fills it. Measured on the two-core machine, whole suite: two
    workers 437-462 s (590 s of CPU), three 359 s."""
    from inlink.second_core import usable_cores

    return max(1, min(usable_cores() + 1, MAX_WORKERS))


@pytest.fixture
def surer_evidence(monkeypatch):
    """Every row's evidence worth far more than a small test site gives (the cold-start model's bias raised), so what
    a rule caps shows its cap. The engine reads the weights once (evidence._weights), so its caches are emptied
    before and after: no other test sees the raised bias."""
    from inlink.links import confidence, evidence

    caches = (evidence._weights, evidence._share_weights)
    monkeypatch.setattr(confidence, "BIAS", confidence.BIAS + 6)
    for cache in caches:
        cache.cache_clear()
    yield
    monkeypatch.undo()
    for cache in caches:
        cache.cache_clear()
