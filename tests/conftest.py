"""Shared pytest set-up: every test gets its own jobs folder, never the user's ./jobs."""
import pytest


@pytest.fixture(autouse=True)
def _isolated_jobs_dir(tmp_path, monkeypatch):
    """Point INLINK_JOBS_DIR at a temporary folder and keep real API keys out of tests."""
    jobs = tmp_path / "jobs"
    monkeypatch.setenv("INLINK_JOBS_DIR", str(jobs))
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    return jobs
