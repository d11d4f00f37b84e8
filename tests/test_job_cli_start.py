"""`inlink` starts fast (no scikit-learn, google-genai or pandas for --help, jobs list, jobs status), and
`inlink ui` serves the dashboard as the README's `streamlit run streamlit_app.py` does, on localhost."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from jobtasks import REPO, wait_for

HEAVY = ("sklearn", "google.genai", "pandas")
PROBE = ("import sys; sys.path.insert(0, sys.argv.pop(1)); import inlink.cli as c; code = c.main(sys.argv[1:]);"
         "print('LOADED', *[m for m in {heavy!r} if m in sys.modules])")


@pytest.mark.parametrize("args", [["--help"], ["jobs", "--help"], ["jobs", "list"],
                                  ["jobs", "status", "0123456789ab"]])
def test_quick_commands_import_no_heavy_library(args, tmp_path):
    done = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), str(REPO),
                           "--jobs-dir", str(tmp_path / "jobs"), *args],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    loaded = [line for line in done.stdout.splitlines() if line.startswith("LOADED")]
    assert loaded == ["LOADED"], f"{args} imported {loaded}; stderr: {done.stderr}"


def test_an_analysis_runs_without_scikit_learn(tmp_path):
    """The engine counts TF-IDF itself (scikit-learn's weights, from its own tokens): scikit-learn is a test and
    bench dependency only, so a whole `suggest` must never import it."""
    done = subprocess.run([sys.executable, "-c", PROBE.format(heavy=("sklearn",)), str(REPO),
                           "--jobs-dir", str(tmp_path / "jobs"), "suggest", str(REPO / "sample_data" / "pages.csv"),
                           "--out", str(tmp_path / "out.csv")], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)
    assert (tmp_path / "out.csv").stat().st_size > 0, done.stderr
    assert [line for line in done.stdout.splitlines() if line.startswith("LOADED")] == ["LOADED"], done.stderr


def test_an_unknown_job_id_is_refused_in_one_short_line_and_leaves_no_file(tmp_path):
    jobs = tmp_path / "jobs"
    jobs.mkdir()   # (with no folder the line names it: test_job_permissions.py)
    for command in (["status", "0123456789ab"], ["pause", "0123456789ab"], ["resume", "0123456789ab"],
                    ["stop", "0123456789ab"], ["delete", "0123456789ab"], ["pause", "x" * 5000]):
        done = subprocess.run([sys.executable, str(REPO / "cli.py"), "--jobs-dir", str(jobs), "jobs", *command],
                              capture_output=True, text=True, timeout=60)
        if len(command[1]) == 12:
            assert done.returncode == 1 and done.stderr.count("\n") == 1 and len(done.stderr) < 120, done.stderr
        else:      # no job id at all: a usage error, its usage lines and a short error line (with where ids are)
            error = done.stderr.strip().splitlines()[-1]
            assert done.returncode == 2 and error.startswith("Error: Invalid value for 'JOB_ID'") and len(error) < 160
    assert sorted(p.name for p in jobs.iterdir() if not p.name.startswith(".")) == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _health(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def test_ui_on_a_port_another_program_holds_says_so_and_how_to_go_on(tmp_path):
    """Streamlit said only "<timestamp> Port N is not available" (exit 1): which program, and what to do, unsaid."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = subprocess.run([sys.executable, str(REPO / "cli.py"), "--jobs-dir", str(tmp_path / "jobs"), "ui",
                               "--port", str(port)], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and done.stdout == "", done.stdout
    assert done.stderr.startswith(f"error: port {port} on localhost is not free (") and \
        "give another with --port N, or leave --port out to take the next free one" in done.stderr, done.stderr
    assert not (tmp_path / "jobs").exists()   # refused before the server, which makes the jobs folder
    shown = subprocess.run([sys.executable, str(REPO / "cli.py"), "ui", "--help"], capture_output=True, text=True,
                           timeout=60).stdout
    assert "(default: 8501, or the next free port when another program holds it)" in " ".join(shown.split())


@pytest.mark.slow
def test_inlink_ui_serves_the_dashboard_on_localhost(tmp_path):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, str(REPO / "cli.py"), "--jobs-dir", str(tmp_path / "jobs"), "ui",
                             "--port", str(port)], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        wait_for(lambda: _health(port) or proc.poll() is not None, timeout=60, what="the dashboard")
        assert proc.poll() is None and _health(port)
        listening = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True).stdout
        local = {line.split()[3].rsplit(":", 1)[0] for line in listening.splitlines()}
        assert local and local <= {"127.0.0.1", "[::1]"}, listening     # localhost only
        wait_for(lambda: (tmp_path / "jobs").is_dir(), timeout=60, what="the job engine started with the server")
        argv = Path(f"/proc/{proc.pid}/cmdline").read_bytes().split(b"\0")      # the server took over the process
        assert {b"--runner.postScriptGC=false", b"--server.maxUploadSize=1000"} <= set(argv)   # the repository's
    finally:                                                                                  # settings, from tmp
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
