"""Speed and peak memory of the offline engine: the whole job (load + index + every page) per site size.

Each measurement runs in its own subprocess so peak memory (ru_maxrss) belongs to that job alone. Baseline
measured in the same child: one plain TfidfVectorizer pass over the same pages, so the figures can be read as
"the engine costs X TF-IDF passes" on any machine.

Run: python3 bench/bench_engine.py [--sizes 1000,10000,50000] [--no-docs]
Targets: docs corpus whole job <= 5 s; 10k pages <= 60 s and <= 2 GiB; 50k pages <= 6 min and <= 6 GiB.
"""
from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared/corpora/python-docs-3.11"
TARGETS = {"docs": (5, None), 10000: (60, 2048), 50000: (360, 6144)}   # seconds, MiB


def run_job(pages_path: str) -> dict:
    """In the child: time load_site, build_index and every analyze_page; then the TF-IDF baseline."""
    sys.path.insert(0, str(REPO))
    from sklearn.feature_extraction.text import TfidfVectorizer

    from inlink.links.suggest import AnalysisConfig, analyze_page, build_index, source_pages
    from inlink.site.load import load_site

    from inlink.site import tables
    size = Path(pages_path).stat().st_size
    lifted = size > tables.MAX_BYTES
    if lifted:  # the app refuses uploads over its limit; lift it here to time the engine on the big site anyway
        tables.MAX_BYTES = size + 1
    cpu0, t0 = time.process_time(), time.perf_counter()
    site = load_site(Path(pages_path))
    t1 = time.perf_counter()
    index = build_index(site, AnalysisConfig())
    t2 = time.perf_counter()
    suggestions = sum(len(analyze_page(index, url)) for url in source_pages(index))
    t3 = time.perf_counter()
    cpu = time.process_time() - cpu0
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    texts = (site.pages["title"].fillna("") + " " + site.pages["content"].fillna("")).tolist()
    b0 = time.perf_counter()
    TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    baseline = time.perf_counter() - b0
    return {"pages": len(site.pages), "suggestions": suggestions, "load_s": t1 - t0, "index_s": t2 - t1,
            "analyze_s": t3 - t2, "total_s": t3 - t0, "cpu_s": cpu, "peak_mib": peak_mib,
            "tfidf_baseline_s": baseline, "file_mb": size / 1e6, "import_limit_lifted": lifted}


def measure(pages_path: Path) -> dict:
    """Run one job in a fresh interpreter and return its figures."""
    out = subprocess.run([sys.executable, __file__, "--child", str(pages_path)], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"the job on {pages_path.name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(name, figures: dict) -> None:
    seconds, mib = TARGETS.get(name, (None, None))
    verdict = []
    if seconds:
        verdict.append(f"time {'OK' if figures['total_s'] <= seconds else 'OVER'} (<= {seconds} s)")
    if mib:
        verdict.append(f"memory {'OK' if figures['peak_mib'] <= mib else 'OVER'} (<= {mib} MiB)")
    print(f"{str(name):>6} pages={figures['pages']:>6} total={figures['total_s']:7.1f}s "
          f"(load {figures['load_s']:.1f} / index {figures['index_s']:.1f} / pages {figures['analyze_s']:.1f}) "
          f"cpu={figures['cpu_s']:.1f}s {figures['pages'] / figures['total_s']:7.0f} pages/s "
          f"peak={figures['peak_mib']:6.0f} MiB  = {figures['total_s'] / figures['tfidf_baseline_s']:.1f}x "
          f"a plain TF-IDF pass ({figures['tfidf_baseline_s']:.1f}s)  suggestions={figures['suggestions']}  "
          + ", ".join(verdict), flush=True)
    if figures.get("import_limit_lifted"):
        print(f"        note: the {figures['file_mb']:.0f} MB crawl is over the app's upload limit "
              "(tables.MAX_BYTES); the limit was lifted for this measurement")


def growth(results: list[tuple[int, dict]]) -> None:
    """Seconds per 1k pages at each size and the exponent b of total_s ~ a * pages^b."""
    for size, figures in results:
        print(f"  {size:>6} pages: {1000 * figures['total_s'] / size:.2f} s per 1k pages, "
              f"{figures['peak_mib'] / size * 1000:.0f} MiB per 1k pages")
    if len(results) >= 2:
        xs = [math.log(size) for size, _ in results]
        ys = [math.log(f["total_s"]) for _, f in results]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        print(f"  time grows as pages^{slope:.2f} (1.00 = linear)")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="synthetic site sizes, comma separated")
    parser.add_argument("--no-docs", action="store_true", help="skip the python-docs corpus run")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_job(args.child)))
        return
    if not args.no_docs and (CORPUS / "pages.csv.gz").exists():
        report("docs", measure(CORPUS / "pages.csv.gz"))
    sys.path.insert(0, str(REPO / "bench"))
    from synthetic_site import generate_pages, write_crawl_csv
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
            path = write_crawl_csv(generate_pages(size), Path(tmp) / f"synthetic_{size}.csv")
            figures = measure(path)
            report(size, figures)
            results.append((size, figures))
            path.unlink()
    growth(results)


if __name__ == "__main__":
    main()
