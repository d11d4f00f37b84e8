"""Quality of the offline engine on the real python-docs-3.11 corpus (same protocol as its README baselines).

Cold start: no existing links are given; P@5, P@10, R@10 against links.csv, macro over source pages with at
least one real link (missing slots count as misses), and the share of suggestions whose anchor is a verbatim
substring of the source's Content. Missing-link recovery: a fixed random 80% of the links (seed 0) are given
as existing; R@10 on the hidden 20%.

A second, smaller check runs on our own sample site (sample_data/): its in-content links (Link Position
"Content") are the truth, the navigation links are given as existing. The engine must not be tuned to either.

Run: python3 bench/eval_links.py [--corpus DIR]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from inlink.links.suggest import AnalysisConfig, analyze_page, build_index, source_pages

CORPUS = REPO.parent / "shared/corpora/python-docs-3.11"
BASELINES = [("tfidf (corpus README)", 0.357, 0.266, 0.405, "5.3%"),
             ("mention_hd (corpus README)", 0.339, 0.246, 0.333, "100%")]


def load_corpus_site(corpus: Path = CORPUS, with_links: bool = True):
    """The corpus as a SiteData, through site_import.load_site (the product's own loader)."""
    from inlink.site import load as site_import
    links = corpus / "links.csv.gz" if with_links else None
    return site_import.load_site(corpus / "pages.csv.gz", links)


def site_with_links(site, links: pd.DataFrame):
    """The same pages with another set of existing links."""
    return SimpleNamespace(pages=site.pages, links=links.reset_index(drop=True), report=site.report)


def run_engine(site, config: AnalysisConfig) -> dict[str, list[dict]]:
    """Rows per source page, in analysis order."""
    index = build_index(site, config)
    return {url: analyze_page(index, url) for url in source_pages(index)}


def ranking_scores(rows_by_page: dict[str, list[dict]], truth: pd.DataFrame) -> dict[str, float]:
    """Macro P@5, P@10, R@10 over sources with at least one true link (missing slots are misses)."""
    truth_by_source = truth.groupby("source")["destination"].apply(set).to_dict()
    p5 = p10 = r10 = 0.0
    for source, real in truth_by_source.items():
        suggested = [row["Destination"] for row in rows_by_page.get(source, [])]
        p5 += sum(d in real for d in suggested[:5]) / 5
        hits10 = sum(d in real for d in suggested[:10])
        p10 += hits10 / 10
        r10 += hits10 / len(real)
    n = max(1, len(truth_by_source))
    return {"P@5": p5 / n, "P@10": p10 / n, "R@10": r10 / n, "sources": len(truth_by_source)}


def anchor_validity(rows_by_page: dict[str, list[dict]], content: dict[str, str]) -> tuple[int, int]:
    """(suggestions whose Anchor is a substring of the source's text, all suggestions)."""
    rows = [row for page in rows_by_page.values() for row in page]
    return sum(row["Anchor"] in content[row["Source"]] for row in rows), len(rows)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args(argv)
    if not (args.corpus / "pages.csv.gz").exists():
        sys.exit(f"corpus not found: {args.corpus}")
    site = load_corpus_site(args.corpus)
    truth = site.links[["source", "destination"]].drop_duplicates()
    content = dict(zip(site.pages["url"], site.pages["content"].fillna("")))
    config = AnalysisConfig(max_per_page=10, max_inbound_per_target=None)

    started = time.perf_counter()
    cold = run_engine(site_with_links(site, site.links.iloc[0:0]), config)
    cold_seconds = time.perf_counter() - started
    scores = ranking_scores(cold, truth)
    valid, total = anchor_validity(cold, content)

    given = site.links.sample(frac=0.8, random_state=0)
    hidden = site.links.drop(given.index)[["source", "destination"]].drop_duplicates()
    recovery = ranking_scores(run_engine(site_with_links(site, given), config), hidden)

    print(f"corpus: {args.corpus.name}, {len(site.pages)} pages, {len(truth)} true links, "
          f"{scores['sources']} source pages with a link")
    print(f"{'engine':30} {'P@5':>6} {'P@10':>6} {'R@10':>6} {'valid anchors':>14}")
    for name, p5, p10, r10, valid_share in BASELINES:
        print(f"{name:30} {p5:6.3f} {p10:6.3f} {r10:6.3f} {valid_share:>14}")
    print(f"{'offline engine (cold start)':30} {scores['P@5']:6.3f} {scores['P@10']:6.3f} {scores['R@10']:6.3f} "
          f"{valid / max(1, total):14.1%}")
    print(f"suggestions: {total} ({total / max(1, len(cold)):.2f}/page), cold-start run {cold_seconds:.1f} s")
    print(f"missing-link recovery (80% given, seed 0): R@10 on the hidden 20% = {recovery['R@10']:.3f} "
          f"over {recovery['sources']} pages (P@5 {recovery['P@5']:.3f})")
    print("TARGET P@5 >= 0.45 with 100% valid anchors:",
          "met" if scores["P@5"] >= 0.45 and valid == total else "NOT met")
    sample_site_check()


def sample_site_check() -> None:
    """Cold start on sample_data/ with only its navigation links given: does it find the in-content links?"""
    from inlink.site import load as site_import
    sample = REPO / "sample_data"
    site = site_import.load_site(sample / "pages.csv", sample / "inlinks.csv")
    in_content = site.links["position"].fillna("").str.lower().eq("content")
    truth = site.links[in_content][["source", "destination"]].drop_duplicates()
    rows = run_engine(site_with_links(site, site.links[~in_content]), AnalysisConfig(max_per_page=10))
    scores = ranking_scores(rows, truth)
    content = dict(zip(site.pages["url"], site.pages["content"].fillna("")))
    valid, total = anchor_validity(rows, content)
    one_word = sum(" " not in r["Anchor"] for page in rows.values() for r in page)
    print(f"sample site: {len(site.pages)} pages, {len(truth)} in-content links over {scores['sources']} pages: "
          f"P@5 {scores['P@5']:.3f}  P@10 {scores['P@10']:.3f}  R@10 {scores['R@10']:.3f}  "
          f"valid anchors {valid / max(1, total):.1%}  one-word anchors {one_word / max(1, total):.1%}")


if __name__ == "__main__":
    main()
