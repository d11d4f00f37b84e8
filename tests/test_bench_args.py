"""The README's benches given a folder that is not there: a line saying which, and a failing exit status, before
any work (eval_fetch.py --site and diagnose_recovery.py --corpus-dir ended in a traceback, exit 1 or midway)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.mark.parametrize("args, status, said", [
    (("eval_fetch.py", "--site", "{missing}", "{tmp}"), 2, "--site: ROOT {missing} is not a folder"),
    (("eval_fetch.py", "--site", "{tmp}", "{missing}"), 2,
     "--site: CORPUS_DIR {missing} holds no pages.csv.gz (build_corpus.py writes one)"),
    (("diagnose_recovery.py", "--corpus-dir", "{missing}"), 1, "corpus not found: {missing}"),
    (("eval_links.py", "--corpus-dir", "{missing}"), 1, "corpus not found: {missing}"),
])
def test_a_missing_folder_is_said_in_a_line(tmp_path, args, status, said):
    where = {"missing": str(tmp_path / "no-such-folder"), "tmp": str(tmp_path)}
    script, *rest = (arg.format(**where) for arg in args)
    done = subprocess.run([sys.executable, str(BENCH / script), *rest], capture_output=True, text=True, timeout=120)
    assert done.returncode == status and said.format(**where) in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
