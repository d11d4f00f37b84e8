"""Fidelity of the fetcher against the python-docs corpus built from the same HTML.

Serves ../shared/sites/python-docs-3.11-html.tar.gz on 127.0.0.1, fetches the corpus's 497 pages from a
generated sitemap with the real client, and compares
  - in-content links: fetched (Source, Destination) pairs vs links.csv.gz (precision, recall);
  - text: fetched Content vs the corpus's Content, token-level F1 (mean over pages);
for the rule-based main-content detection (what the product uses) and, on a sample, trafilatura alone.
Both figures must be >= 0.90.   Run: python3 bench/eval_fetch.py [--sample-trafilatura 100]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fetch_server import SiteServer, unpack_site

from inlink.fetch.dataset import content_links
from inlink.fetch.extract import CONTENT, parse_page
from inlink.tasks.fetch import run_fetch

CORPUS = ROOT.parent / "shared" / "corpora" / "python-docs-3.11"
PUBLIC = "https://docs.python.org/3.11/"


def token_f1(got: str, want: str) -> float:
    a, b = Counter(got.split()), Counter(want.split())
    if not a and not b:
        return 1.0
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def link_scores(pairs: set, truth: set) -> tuple[float, float]:
    hits = len(pairs & truth)
    return hits / max(len(pairs), 1), hits / max(len(truth), 1)


def fetched_pairs(links: pd.DataFrame, base: str, pages: set) -> set:
    pairs = set()
    for source, destination in zip(links["Source"], links["Destination"]):
        s, d = to_public(source, base), to_public(destination.split("?", 1)[0], base)
        if s in pages and d in pages and s != d:
            pairs.add((s, d))
    return pairs


def to_public(url: str, base: str) -> str:
    return PUBLIC + url[len(base):].lstrip("/") if url.startswith(base) else url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample-trafilatura", type=int, default=100)
    args = parser.parse_args()
    corpus = pd.read_csv(CORPUS / "pages.csv.gz", keep_default_na=False)
    truth = pd.read_csv(CORPUS / "links.csv.gz", keep_default_na=False)
    truth_pairs = set(zip(truth["Source"], truth["Destination"]))
    pages = set(corpus["Address"])
    with tempfile.TemporaryDirectory() as tmp:
        site = unpack_site(Path(tmp) / "site")
        server = SiteServer(site).start()
        try:
            server.behaviour.robots = "User-agent: *\nDisallow:\n"
            server.behaviour.sitemap_paths = [a[len(PUBLIC):] for a in corpus["Address"]]
            started = time.perf_counter()
            rows = run_fetch(server.url("sitemap.xml"), options={"connections": 8, "rate_per_s": 0})
            seconds = time.perf_counter() - started
        finally:
            server.stop()
        base = server.base + "/"
        ok = rows[rows["Status Code"] == 200]
        text = dict(zip((to_public(a, base) for a in ok["Address"]), ok["Content"]))
        f1 = [token_f1(text.get(a, ""), c) for a, c in zip(corpus["Address"], corpus["Content"])]
        precision, recall = link_scores(fetched_pairs(content_links(rows), base, pages), truth_pairs)
        print(f"rules:       pages fetched {len(ok)}/{len(corpus)} in {seconds:.1f}s; "
              f"text token F1 {sum(f1) / len(f1):.4f} (exact {sum(x == 1.0 for x in f1)}/{len(f1)}); "
              f"in-content links precision {precision:.4f} recall {recall:.4f}")
        _trafilatura(site, corpus, truth_pairs, pages, args.sample_trafilatura)
    ok_all = min(sum(f1) / len(f1), precision, recall) >= 0.90
    print("PASS (all >= 0.90)" if ok_all else "FAIL (a figure is below 0.90)")
    sys.exit(0 if ok_all else 1)


def _trafilatura(site: Path, corpus: pd.DataFrame, truth_pairs: set, pages: set, sample: int) -> None:
    """The same measures with trafilatura alone deciding the main content (no rules), on a sample of pages."""
    if sample <= 0:
        return
    chosen = corpus.sample(n=min(sample, len(corpus)), random_state=7)
    f1, pairs, started = [], set(), time.perf_counter()
    for address, content in zip(chosen["Address"], chosen["Content"]):
        html = (site / address[len(PUBLIC):]).read_text(encoding="utf-8")
        page = parse_page(html, address, use_rules=False)
        f1.append(token_f1(page.content.text, content))
        pairs |= {(address, link.destination.split("?", 1)[0]) for link in page.links
                  if link.position == CONTENT and link.destination in pages and link.destination != address}
    seconds = time.perf_counter() - started
    sampled = {p for p in truth_pairs if p[0] in set(chosen["Address"])}
    precision, recall = link_scores(pairs, sampled)
    print(f"trafilatura: {len(chosen)} pages in {seconds:.1f}s; text token F1 {sum(f1) / len(f1):.4f}; "
          f"in-content links precision {precision:.4f} recall {recall:.4f} (fallback only)")


if __name__ == "__main__":
    main()
