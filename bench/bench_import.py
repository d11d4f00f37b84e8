"""Speed and peak memory of the site importer: the real docs corpus, and synthetic crawls of growing size.

Prints, for each case, the importer's time next to a baseline measured in the same run (a bare
pandas.read_csv or read_excel of the same bytes), and for the synthetic crawls the time per 1,000 rows, which stays flat
when the import is linear (no quadratic work).

Memory (--memory, on by default): each import runs in a fresh subprocess that reads the file from disk as a job
does; its peak is the growth of the process's resident set (ru_maxrss after the import minus the resident set
before it, so interpreter and libraries are not counted; it also keeps memory the allocators hold on to after
a free) and, separately, the live objects' peak: tracemalloc's peak (Python and numpy) plus the peaks of
pyarrow's memory pools (Arrow buffers: the default pool, and the system allocator's pool the CSV reader
allocates from, inlink.site.arrow_csv.arrow_pool), an upper bound of what the import holds at once. Both are printed as
a multiple of the CSV's size (for a gzipped file, of the unpacked CSV -- "csv=" -- the fair base, since the
importer reads all of the unpacked text, though never whole at once; the packed size is shown as "gz").
Target: peak <= 3x the file's size. The synthetic site is also measured odd-shaped (a title line, ragged rows:
odd_shaped) and in Windows-1252 (a file in another encoding
is recoded to UTF-8 before it is read; it took the text path, about 12x the file, before).

HTML import (--html-only runs just this): CPU time (time.process_time, min of --repeat) of load_pages on each
corpus's pages_html.csv.gz (a custom extraction, "Body HTML 1": parsing, the walk into text + blocks + code
spans, the rest of the import) against a baseline of the same run: lxml.html.fragment_fromstring of the same
cells plus text_content() (the bare parse and text, no offsets). Before the flat walk (e82c446) the docs file
cost 6.6x that baseline; bench/check_html_import.py checks the output is unchanged.

Run: python3 bench/bench_import.py [--sizes 5000 50000] [--repeat 3] [--no-memory] [--memory-only] [--html-only]
"""
from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from inlink.site.load import load_links, load_pages

CORPUS = REPO.parent / "shared/corpora/python-docs-3.11"
WORDS = ("coffee roast grinder espresso brew ratio water kettle filter bean origin farm washed natural "
         "light medium dark cupping aroma body acidity sweetness").split()


def best_time(function, repeat: int, clock=time.perf_counter) -> float:
    """Fastest of ``repeat`` runs, in seconds (the least disturbed by other work on the machine); with
    clock=time.process_time, CPU time, to which the other helpers' load on the machine adds nothing."""
    times = []
    for _ in range(repeat):
        start = clock()
        function()
        times.append(clock() - start)
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


def accented(text: str) -> str:
    """The text with accented letters in its words, so that a code page's bytes differ from UTF-8's (the memory
    figures' file in another encoding: recoded to UTF-8 before it is read, inlink.site.charsets.to_utf8)."""
    return text.replace("lo", "l\u00f3").replace("ser", "s\u00e9r")


def odd_shaped(text: str) -> str:
    """The export as a hand-edited or pasted-together file has it: a title line above the header, some rows
    without their last field, some with a trailing delimiter, a few with a field too many (dropped and reported),
    so its shape is not the common file's (the memory figures' odd-shaped file)."""
    lines = text.split("\n")
    for i in range(1, len(lines) - 1):
        if i % 50 == 1:
            lines[i] = lines[i].rsplit(",", 1)[0]
        elif i % 31 == 5:
            lines[i] += ","
        elif i % 97 == 3:
            lines[i] += ",extra"
    return "Internal - HTML\n" + "\n".join(lines)


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


def bench_html(repeat: int) -> None:
    """The HTML import's CPU time against lxml's bare parse + text_content() of the same cells (the baseline)."""
    import lxml.html
    for corpus in (CORPUS, CORPUS.parent / "django-docs-3.2"):
        path = corpus / "pages_html.csv.gz"
        if not path.is_file():
            print(f"{path} not found; skipped")
            continue
        raw = path.read_bytes()
        cells = pd.read_csv(io.BytesIO(gzip.decompress(raw)), dtype=str, keep_default_na=False)["Body HTML 1"].tolist()
        baseline = best_time(lambda: [lxml.html.fragment_fromstring(cell, create_parent="div").text_content()
                                      for cell in cells if cell.strip()], repeat, time.process_time)
        ours = best_time(lambda: load_pages(raw, "pages_html.csv.gz"), repeat, time.process_time)
        print(f"{corpus.name + ' pages_html (CPU)':<34} rows={len(cells):>8,}  import={ours:7.3f}s  "
              f"lxml parse+text_content={baseline:7.3f}s  ratio={ours / baseline:5.2f}x")


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


MEMORY_TARGET = 3.0


def _resident_bytes(field: str) -> int:
    """VmRSS (now) or VmHWM (the peak since the last reset) of this process, in bytes."""
    with open("/proc/self/status") as f:
        line = next(line for line in f if line.startswith(field + ":"))
    return int(line.split()[1]) * 1024


def _reset_peak() -> bool:
    """Start VmHWM again from the current resident set (Linux >= 4.0); False where that is not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _arrow_peak() -> int:
    """Highest bytes pyarrow's default pool held plus the highest the reader's own pool held (the system
    allocator, inlink.site.arrow_csv.arrow_pool), each with the warm-up import's few KiB included."""
    try:
        import pyarrow
    except ImportError:
        return 0
    from inlink.site.arrow_csv import arrow_pool
    return pyarrow.default_memory_pool().max_memory() + arrow_pool().max_memory()


def import_peak(kind: str, path: str, traced: bool) -> dict:
    """In the child: import one file as a job does (from its path); the peak above what was resident before.

    A small file of the same kind is imported first, so the libraries the importer loads on first use
    (pyarrow kernels, codecs) are not counted as the file's cost."""
    from inlink.site.tables import read_table
    loader = {"pages": load_pages, "links": load_links, "table": lambda path: (read_table(path), None)}[kind]
    warm = Path(tempfile.mkdtemp()) / "warm.csv"
    warm.write_bytes(synthetic_links(20, 5) if kind == "links" else synthetic_pages(20))
    loader(warm)
    warm.write_bytes(accented(warm.read_text()).encode("cp1252"))   # and the encoding detector's modules
    loader(warm)
    before = _resident_bytes("VmRSS")
    reset = _reset_peak()
    if traced:
        tracemalloc.start()
    frame, _report = loader(Path(path))
    if traced:   # Python and numpy objects (tracemalloc) + Arrow buffers (pyarrow's pools keep their own peaks)
        peak = tracemalloc.get_traced_memory()[1] + _arrow_peak()
    else:
        high = _resident_bytes("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        peak = high - before
    return {"peak": peak, "rows": len(frame)}


def _child_peak(kind: str, path: Path, traced: bool) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(path)] + (["--traced"] if traced else []),
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"importing {path.name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def report_memory(label: str, kind: str, path: Path) -> None:
    """One line per file: the whole importer (load_pages / load_links), and for a pages file also its read
    step alone (read_table: bytes -> frame of strings), so the two costs can be told apart."""
    _report_memory(label, kind, path)
    if kind == "pages":
        _report_memory("  of which reading the table", "table", path)


def _report_memory(label: str, kind: str, path: Path) -> None:
    packed = path.stat().st_size
    csv_size = len(gzip.decompress(path.read_bytes())) if path.name.endswith(".gz") else packed
    rss, traced = _child_peak(kind, path, False), _child_peak(kind, path, True)
    ratio = rss["peak"] / csv_size
    print(f"{label:<34} csv={csv_size / 1e6:6.1f} MB" + (f" (gz {packed / 1e6:.1f} MB)" if packed != csv_size else "")
          + f"  peak rss +{rss['peak'] / 1e6:6.1f} MB = {ratio:4.1f}x the file"
          f"  live objects {traced['peak'] / 1e6:6.1f} MB = {traced['peak'] / csv_size:4.1f}x"
          f"  target <= {MEMORY_TARGET:.0f}x: {'OK' if max(ratio, traced['peak'] / csv_size) <= MEMORY_TARGET else 'OVER'}",
          flush=True)


def bench_memory(sizes: list[int]) -> None:
    print("importer peak memory (each import in a fresh process, read from its file as a job does):")
    if CORPUS.is_dir():
        report_memory("docs corpus pages", "pages", CORPUS / "pages.csv.gz")
        report_memory("docs corpus pages_html", "pages", CORPUS / "pages_html.csv.gz")
        report_memory("docs corpus links", "links", CORPUS / "links.csv.gz")
    sys.path.insert(0, str(REPO / "bench"))
    from synthetic_site import generate_pages, write_crawl_csv
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            path = write_crawl_csv(generate_pages(size), Path(tmp) / f"synthetic_{size}.csv")
            report_memory(f"synthetic site, {size:,} pages", "pages", path)
            odd = Path(tmp) / f"synthetic_{size}_odd.csv"
            odd.write_text(odd_shaped(path.read_text()))
            report_memory("  the same odd-shaped (ragged rows)", "pages", odd)
            odd.unlink()
            legacy = Path(tmp) / f"synthetic_{size}_cp1252.csv"
            legacy.write_bytes(accented(path.read_text()).encode("cp1252"))
            path.unlink()
            report_memory("  the same in Windows-1252", "pages", legacy)
            legacy.unlink()
            links = Path(tmp) / f"links_{size}.csv"
            links.write_bytes(synthetic_links(size * 10, size))
            report_memory(f"synthetic links, {size * 10:,} rows", "links", links)
            links.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory-sizes", type=int, nargs="+", default=[10000],
                        help="synthetic site sizes (bench/synthetic_site.py) for the memory figures")
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--memory-only", action="store_true")
    parser.add_argument("--html-only", action="store_true", help="only the HTML import's CPU time")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(import_peak(*args.child, args.traced)))
        return
    if args.html_only:
        bench_html(args.repeat)
        return
    if not args.memory_only:
        bench_html(args.repeat)
        bench_corpus(args.repeat)
        bench_synthetic(args.sizes, args.repeat)
        bench_xlsx(min(args.sizes), args.repeat)
    if not args.no_memory:
        bench_memory(args.memory_sizes)


if __name__ == "__main__":
    main()
