"""Speed of the site importer: the real docs corpus, and synthetic crawls of growing size.

Prints, for each case, the importer's time next to a baseline measured in the same run (a bare
pandas.read_csv or read_excel of the same bytes), and for the synthetic crawls the time per 1,000 rows, which stays flat
when the import is linear (no quadratic work). Nothing is written to disk.

Run: python3 bench/bench_import.py [--sizes 5000 50000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import csv
import gzip
import io
import sys
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from inlink.site.load import load_links, load_pages  # noqa: E402

CORPUS = REPO.parent / "shared/corpora/python-docs-3.11"
WORDS = ("coffee roast grinder espresso brew ratio water kettle filter bean origin farm washed natural "
         "light medium dark cupping aroma body acidity sweetness").split()


def best_time(function, repeat: int) -> float:
    """Fastest of ``repeat`` runs, in seconds (the least disturbed by other work on the machine)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def synthetic_pages(rows: int) -> bytes:
    """An "Internal: HTML"-style export with ~200-word bodies, some duplicates, redirects and junk rows."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Address", "Content Type", "Status Code", "Indexability", "Title 1", "H1-1", "Body 1"])
    for i in range(rows):
        body = " ".join(WORDS[(i * 7 + j) % len(WORDS)] for j in range(200))
        status = 301 if i % 97 == 0 else 200
        url = f"https://Shop.Example.com/section-{i % 50}/page-{i}" + ("/" if i % 13 == 0 else "")
        writer.writerow([url if i % 211 else "not a url", "text/html", status, "Indexable",
                         f"Page {i}", f"Heading {i}", body])
    return out.getvalue().encode()


def synthetic_links(rows: int, pages: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Type", "Source", "Destination", "Anchor", "Link Position"])
    for i in range(rows):
        kind = "Image" if i % 10 == 0 else "Hyperlink"
        writer.writerow([kind, f"https://shop.example.com/section-{i % 50}/page-{i % pages}",
                         f"https://shop.example.com/section-{(i * 3) % 50}/page-{(i * 31) % pages}/",
                         f"anchor {i % 100}", "Content" if i % 3 else "Navigation"])
    return out.getvalue().encode()


def report_case(label: str, rows: int, ours: float, baseline: float, baseline_name: str = "read_csv") -> None:
    print(f"{label:<34} rows={rows:>8,}  import={ours:7.3f}s  {baseline_name}={baseline:7.3f}s  "
          f"ratio={ours / baseline:5.1f}x  per-1k-rows={1e6 * ours / rows:7.1f}ms")


def bench_corpus(repeat: int) -> None:
    if not CORPUS.is_dir():
        print(f"docs corpus not found at {CORPUS}; skipped")
        return
    raw = (CORPUS / "pages.csv.gz").read_bytes()
    ours = best_time(lambda: load_pages(raw, "pages.csv.gz"), repeat)
    baseline = best_time(lambda: pd.read_csv(io.BytesIO(gzip.decompress(raw)), dtype=str), repeat)
    report_case("docs corpus pages (9 MB, gzipped)", 497, ours, baseline)
    links = (CORPUS / "links.csv.gz").read_bytes()
    ours = best_time(lambda: load_links(links, "links.csv.gz"), repeat)
    baseline = best_time(lambda: pd.read_csv(io.BytesIO(gzip.decompress(links)), dtype=str), repeat)
    report_case("docs corpus links", 5126, ours, baseline)


def bench_synthetic(sizes: list[int], repeat: int) -> None:
    for size in sizes:
        data = synthetic_pages(size)
        ours = best_time(lambda: load_pages(data, "pages.csv"), repeat)
        baseline = best_time(lambda: pd.read_csv(io.BytesIO(data), dtype=str), repeat)
        report_case(f"synthetic pages ({len(data) / 1e6:.0f} MB)", size, ours, baseline)
    for size in sizes:
        data = synthetic_links(size * 10, size)
        ours = best_time(lambda: load_links(data, "inlinks.csv"), repeat)
        baseline = best_time(lambda: pd.read_csv(io.BytesIO(data), dtype=str), repeat)
        report_case(f"synthetic links ({len(data) / 1e6:.0f} MB)", size * 10, ours, baseline)


def bench_xlsx(size: int, repeat: int) -> None:
    """A workbook of ``size`` pages: the importer's openpyxl read-only pass against pandas.read_excel."""
    import openpyxl
    frame = pd.read_csv(io.BytesIO(synthetic_pages(size)), dtype=str, keep_default_na=False)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    ours = best_time(lambda: load_pages(data, "pages.xlsx"), repeat)
    baseline = best_time(lambda: pd.read_excel(io.BytesIO(data), dtype=str), repeat)
    report_case(f"synthetic xlsx pages ({len(data) / 1e6:.1f} MB)", size, ours, baseline, "read_excel")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bench_corpus(args.repeat)
    bench_synthetic(args.sizes, args.repeat)
    bench_xlsx(min(args.sizes), args.repeat)


if __name__ == "__main__":
    main()
