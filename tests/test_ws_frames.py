"""The README's frame reader for browser tests (tests/ws_frames.py), run as the README says: a timeline of a
recorded file, and a plain line (no traceback) when no file or a wrong one is named."""
from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

TOOL = Path(__file__).resolve().parent / "ws_frames.py"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TOOL), *args], capture_output=True, text=True, timeout=60)


def test_a_recorded_file_reads_as_a_timeline(tmp_path):
    recorded = tmp_path / "tab001_home.frames"
    with open(recorded, "wb") as file:
        for frame in ((100.0, "in", "hello"), (101.5, "out", "ping")):
            pickle.dump(frame, file)
    done = run(str(recorded))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["   0.000 in text hello", "   1.500 out text ping"]


def test_no_file_or_a_wrong_one_is_said_in_a_line():
    """Before: no file printed nothing and exited 0; `--help` and a missing file ended in a traceback."""
    bare = run()
    assert bare.returncode == 2 and bare.stderr.startswith("usage: python3 tests/ws_frames.py FRAMES_FILE")
    assert run("--help").stdout.startswith("usage: ")
    for wrong in ("/no/such.frames", str(Path(__file__))):
        refused = run(wrong)
        assert refused.returncode == 1 and refused.stderr.startswith(f"error: {wrong}: cannot be read as recorded "
                                                                     "frames"), refused.stderr
        assert "Traceback" not in refused.stderr
