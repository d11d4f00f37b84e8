"""Quality of the offline engine on the development corpora (same protocol as the corpora's README baselines).

For each corpus (python-docs-3.11, django-docs-3.2) x text variant (plain `Content` in pages.csv.gz, HTML
`Body HTML 1` in pages_html.csv.gz) x mode:
- cold start: no existing links given; truth = links.csv;
- recovery: a fixed 80% of the links (seed 7) given as existing; truth = the hidden 20%.
Figures: P@5 (fixed denominator 5: missing slots are misses), P@10, R@10 (macro over source pages with at
least one true link) and its ceiling (what ten perfect rows would reach: a page with more than ten true links caps
it at 10 / its links; printed for recovery, where hubs hold dozens of hidden links), the share of anchors that are verbatim substrings of the source's plain text (must be
100%), per tier the share of rows that are real links and the share of pages-with-links the tier reaches
(tiers cumulate: "high+medium" counts both; in recovery also over the rows whose target the given links reach,
the rows the protocol can count: _to_reached_targets), and the wall time of build + every page.

The invented handbook in sample_data/handbook/ is a third corpus of another style, run only when named
(--corpus keelson-handbook; its P@5 ceiling is counted from its links).
Any other corpus in the shared format (a folder with pages.csv.gz, pages_html.csv.gz and links.csv.gz, e.g. a
held-out site made by bench/build_corpus.py) runs through the same protocol with --corpus-dir DIR (repeatable;
named by its folder; its P@5 ceiling counted from its links, as for the handbook).

Run: python3 bench/eval_links.py [--corpus NAME ...] [--corpus-dir DIR ...] [--variant plain|html ...]
                                 [--mode cold|recovery ...]
                                 [--min-confidence X] [--max-per-page N]
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

CORPORA_DIR = REPO.parent / "shared/corpora"
CORPORA = ("python-docs-3.11", "django-docs-3.2")
VARIANTS = {"plain": "pages.csv.gz", "html": "pages_html.csv.gz"}
# Our own invented prose handbook (sample_data/handbook/README.md): a third style, run only when asked for
# (--corpus keelson-handbook), so the default output stays the two real corpora's.
HANDBOOK = "keelson-handbook"
HANDBOOK_DIR = REPO / "sample_data/handbook"
HANDBOOK_FILES = {"plain": "pages.csv", "html": "pages_html.csv", "links": "inlinks.csv"}
MODES = ("cold", "recovery")
CEILING_P5 = {"python-docs-3.11": 0.825, "django-docs-3.2": 0.703}
SEED = 7
TOP = 10                   # R@10: the rows a page's recall is read from
GIVEN_SHARE = 0.8
# Folders given with --corpus-dir, by name (the folder's name).
EXTRA_DIRS: dict[str, Path] = {}
TIER_SETS = (("high", ("high",)), ("high+medium", ("high", "medium")), ("all", ("high", "medium", "low")))


def corpus_file(name: str, kind: str) -> Path:
    """A corpus's pages file of variant ``kind`` ("plain", "html") or its links file ("links")."""
    if name == HANDBOOK:
        return HANDBOOK_DIR / HANDBOOK_FILES[kind]
    return EXTRA_DIRS.get(name, CORPORA_DIR / name) / (VARIANTS[kind] if kind in VARIANTS else "links.csv.gz")


def load_corpus(name: str, variant: str):
    """The corpus as a SiteData, through the product's own loader (HTML detection included)."""
    from inlink.site.load import load_site
    return load_site(corpus_file(name, variant), corpus_file(name, "links"))


def p5_ceiling(name: str, truth: pd.DataFrame) -> float:
    """P@5 if every row were a real link: the corpora's README figure, or counted from the truth."""
    if name in CEILING_P5:
        return CEILING_P5[name]
    per_source = truth.groupby("source").size()
    return float((per_source.clip(upper=5) / 5).mean())


def plain_content(name: str) -> dict[str, str]:
    """The corpus's plain Content by URL (anchors of either variant must be verbatim substrings of it)."""
    from inlink.site.load import load_site
    site = load_site(corpus_file(name, "plain"))
    return dict(zip(site.pages["url"], site.pages["content"].fillna("")))


def split_links(links: pd.DataFrame, share: float = GIVEN_SHARE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(given 80% (or `share`), hidden the rest as unique source/destination pairs), fixed by SEED."""
    given = links.sample(frac=share, random_state=SEED)
    hidden = links.drop(given.index)[["source", "destination"]].drop_duplicates()
    return given.reset_index(drop=True), hidden


def run_engine(site, links: pd.DataFrame, config: AnalysisConfig) -> tuple[dict[str, list[dict]], float]:
    """Rows per source page in analysis order, and the wall time of build_index plus every page."""
    view = SimpleNamespace(pages=site.pages, links=links, report=site.report)
    started = time.perf_counter()
    index = build_index(view, config)
    rows = {url: analyze_page(index, url) for url in source_pages(index)}
    return rows, time.perf_counter() - started


def ranking_scores(rows_by_page: dict[str, list[dict]], truth: pd.DataFrame) -> dict[str, float]:
    """Macro P@5, P@10, R@10 and R@10's ceiling over sources with at least one true link (missing slots are
    misses)."""
    truth_by_source = truth.groupby("source")["destination"].apply(set).to_dict()
    p5 = p10 = r10 = ceiling = 0.0
    for source, real in truth_by_source.items():
        ceiling += min(TOP, len(real)) / len(real)
        suggested = [row["Destination"] for row in rows_by_page.get(source, [])]
        p5 += sum(d in real for d in suggested[:5]) / 5
        hits10 = sum(d in real for d in suggested[:10])
        p10 += hits10 / 10
        r10 += hits10 / len(real)
    n = max(1, len(truth_by_source))
    return {"P@5": p5 / n, "P@10": p10 / n, "R@10": r10 / n, "R@10 ceiling": ceiling / n,
            "sources": len(truth_by_source)}


def tier_figures(rows_by_page: dict[str, list[dict]], truth: pd.DataFrame) -> dict[str, tuple[float, float, int]]:
    """Per tier set: (share of its rows that are real links, share of pages-with-links it reaches, rows)."""
    real = set(zip(truth["source"], truth["destination"]))
    sources = set(truth["source"])
    figures = {}
    for label, tiers in TIER_SETS:
        rows = [r for page in rows_by_page.values() for r in page if r.get("Tier", "high") in tiers]
        hits = sum((r["Source"], r["Destination"]) in real for r in rows)
        reached = {r["Source"] for r in rows} & sources
        figures[label] = (hits / max(1, len(rows)), len(reached) / max(1, len(sources)), len(rows))
    return figures


def anchor_validity(rows_by_page: dict[str, list[dict]], content: dict[str, str]) -> tuple[int, int]:
    """(suggestions whose Anchor is a substring of the source's plain text, all suggestions)."""
    rows = [row for page in rows_by_page.values() for row in page]
    return sum(row["Anchor"] in content.get(row["Source"], "") for row in rows), len(rows)


def evaluate(name: str, variant: str, mode: str, config: AnalysisConfig, content: dict[str, str]) -> dict:
    """One cell of the table."""
    site = load_corpus(name, variant)
    truth_all = site.links[["source", "destination"]].drop_duplicates()
    if mode == "cold":
        given, truth = site.links.iloc[0:0], truth_all
    else:
        given, truth = split_links(site.links)
    rows, seconds = run_engine(site, given, config)
    valid, total = anchor_validity(rows, content)
    cell = {"corpus": name, "variant": variant, "mode": mode, **ranking_scores(rows, truth),
            "ceiling": p5_ceiling(name, truth_all),
            "valid": valid / max(1, total), "rows": total, "seconds": seconds,
            "tiers": tier_figures(rows, truth), "rows_by_page": rows}
    if mode == "recovery":
        cell["tiers_reached"] = tier_figures(_to_reached_targets(rows, set(given["destination"])), truth)
    return cell


def _to_reached_targets(rows_by_page: dict[str, list[dict]], reached: set[str]) -> dict[str, list[dict]]:
    """The rows whose target the given links reach. Why apart: a page nothing links to in the given 80% is, but
    for the few whose every link was hidden, an orphan of the real site, so its rows (with the cold-start
    confidence, by design) are real links the protocol cannot count; these rows are the ones it can."""
    return {source: [row for row in rows if row["Destination"] in reached] for source, rows in rows_by_page.items()}


def print_cell(cell: dict) -> None:
    ceiling = cell["ceiling"]
    r10_ceiling = f" (ceil {cell['R@10 ceiling']:.3f})" if cell["mode"] == "recovery" else ""
    print(f"{cell['corpus']:17} {cell['variant']:5} {cell['mode']:8} P@5 {cell['P@5']:.3f} "
          f"({cell['P@5'] / ceiling:.2f}x ceil)  P@10 {cell['P@10']:.3f}  R@10 {cell['R@10']:.3f}{r10_ceiling}  "
          f"valid {cell['valid']:.1%}  rows {cell['rows']}  {cell['seconds']:.1f}s")
    print("    " + "  ".join(f"{label}: prec {prec:.3f} cover {cover:.2f} ({n} rows)"
                             for label, (prec, cover, n) in cell["tiers"].items()))
    if "tiers_reached" in cell:
        print("    targets the given links reach: " + "  ".join(
            f"{label}: prec {prec:.3f} ({n} rows)" for label, (prec, _cover, n) in cell["tiers_reached"].items()))


def targets_met(cells: list[dict]) -> list[str]:
    """The issue's targets, one line each."""
    lines = []
    for cell in cells:
        name, ceiling = cell["corpus"], cell["ceiling"]
        tag = f"{name} {cell['variant']} {cell['mode']}"
        if cell["mode"] == "cold":
            lines.append(f"{tag}: P@5 {cell['P@5']:.3f} >= {0.65 * ceiling:.3f}: "
                         f"{'met' if cell['P@5'] >= 0.65 * ceiling else 'NOT met'}")
            prec, cover, _n = cell["tiers"]["high"]
            lines.append(f"{tag}: high tier {prec:.3f} >= 0.90 at coverage {cover:.2f} >= 0.50: "
                         f"{'met' if prec >= 0.9 and cover >= 0.5 else 'NOT met'}")
        else:
            lines.append(f"{tag}: R@10 {cell['R@10']:.3f} >= 0.90 (ceiling {cell['R@10 ceiling']:.3f}): "
                         f"{'met' if cell['R@10'] >= 0.9 else 'NOT met'}")
        lines.append(f"{tag}: valid anchors {cell['valid']:.1%}: {'met' if cell['valid'] == 1 else 'NOT met'}")
    return lines


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", choices=(*CORPORA, HANDBOOK))
    parser.add_argument("--corpus-dir", action="append", default=[], type=Path,
                        help="a corpus folder in the shared format (pages.csv.gz, pages_html.csv.gz, links.csv.gz)")
    parser.add_argument("--variant", action="append", choices=tuple(VARIANTS))
    parser.add_argument("--mode", action="append", choices=MODES)
    parser.add_argument("--max-per-page", type=int, default=10)
    parser.add_argument("--min-confidence", type=float, default=None,
                        help="the engine's floor (default: AnalysisConfig's default)")
    args = parser.parse_args(argv)
    extra = {} if args.min_confidence is None else {"min_confidence": args.min_confidence}
    config = AnalysisConfig(max_per_page=args.max_per_page, max_inbound_per_target=None, **extra)
    EXTRA_DIRS.update({folder.resolve().name: folder.resolve() for folder in args.corpus_dir})
    names = [*(args.corpus or ([] if EXTRA_DIRS else CORPORA)), *EXTRA_DIRS]
    cells = []
    for name in names:
        if not corpus_file(name, "plain").exists():
            sys.exit(f"corpus not found: {corpus_file(name, 'plain').parent}")
        content = plain_content(name)
        for variant in args.variant or tuple(VARIANTS):
            for mode in args.mode or MODES:
                cell = evaluate(name, variant, mode, config, content)
                print_cell(cell)
                cells.append(cell)
    print()
    print("\n".join(targets_met(cells)))
    return cells


if __name__ == "__main__":
    main()
