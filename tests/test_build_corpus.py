"""bench/build_corpus.py as the README runs it (`python3 bench/build_corpus.py ROOT BASE_URL`): a static HTML tree
becomes a corpus, and a ROOT that holds no page is refused instead of written as an empty corpus."""
from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

TOOL = Path(__file__).resolve().parents[1] / "bench" / "build_corpus.py"
PAGE = ("<html><head><title>{title}</title></head><body><main><h1>{title}</h1>"
        "<p>{text} See <a href=\"{href}\">the {other} page</a> for more.</p></main></body></html>")


def build(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TOOL), *args], capture_output=True, text=True, timeout=120)


def test_a_static_tree_becomes_a_corpus(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text(PAGE.format(title="Home", text="Welcome to the compost handbook.",
                                                 href="compost.html", other="compost"))
    (root / "compost.html").write_text(PAGE.format(title="Compost", text="Compost feeds the soil of the garden.",
                                                   href="index.html", other="home"))
    done = build(str(root), "https://example.com/", "--out", str(tmp_path / "corpus"))
    assert done.returncode == 0, done.stderr
    assert "| pages | 2 |" in done.stdout and "| links (unique Source->Destination) | 2 |" in done.stdout
    links = gzip.decompress((tmp_path / "corpus" / "links.csv.gz").read_bytes()).decode("utf-8")
    assert "https://example.com/index.html,https://example.com/compost.html,the compost page" in links


def test_a_root_with_no_page_is_refused_and_nothing_is_written(tmp_path):
    """A mistyped ROOT (or one with no HTML) built an empty corpus, its table of zeros, and exited 0."""
    out = tmp_path / "corpus"
    missing = build(str(tmp_path / "no-such-folder"), "https://example.com/", "--out", str(out))
    assert missing.returncode == 2 and "is not a folder" in missing.stderr, missing.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("no HTML here")
    none = build(str(empty), "https://example.com/", "--out", str(out))
    assert none.returncode == 1 and f"error: no HTML page found under {empty}" in none.stderr, none.stderr
    assert none.stdout == "" and not out.exists()
