"""Fidelity of the fetcher against the python-docs corpus built from the same HTML.

Serves ../shared/sites/python-docs-3.11-html.tar.gz on 127.0.0.1, fetches the corpus's 497 pages from a
generated sitemap with the real client, and compares
  - in-content links: fetched (Source, Destination) pairs vs links.csv.gz (precision, recall);
  - text: fetched Content vs the corpus's Content, token-level F1 (mean over pages);
for the rule-based main-content detection (what the product uses) and, on a sample, the fallback alone (trafilatura
saying where the text is, the page's element holding it read as the main content).
Both figures must be >= 0.90.   Run: python3 bench/eval_fetch.py [--sample-trafilatura 100] [--no-heldout]
                                     [--site ROOT CORPUS_DIR ...]

--site ROOT CORPUS_DIR (repeatable; then only those sites are measured): any static HTML folder ROOT served on
127.0.0.1, its pages fetched from a list of the corpus's addresses (bench/build_corpus.py wrote CORPUS_DIR from
ROOT: its Address = the corpus's base URL + the file's path under ROOT), and the same measures against that
corpus: text token F1 (mean, exact pages), in-content links precision / recall (pairs between the corpus's pages),
H1 and title as the corpus's, H1 = the words the corpus's main content opens with (the page's own heading). The corpus's choice of main content is one reasonable choice: read a difference
before calling it a fault (e.g. a permalink mark "#" the corpus keeps in its headings, a site-name H1).

Held out (when rustup's offline docs are installed, HELDOUT below; said when absent): the mdBook sites book/,
reference/ and cargo/ fetched from a list of their .html files, each page against its own <main> read with lxml:
share of <main>'s words kept, share of the extracted words not in <main> (navigation), H1 = <main>'s top
heading, in-content links vs <main>'s links (both read through the fetch's redirects and copies), and the pages
kept out of link targets. Nothing of those sites is kept in the repository.
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fetch_server import SiteServer, unpack_site

from inlink.fetch import dataset
from inlink.fetch.extract import CONTENT, parse_page
from inlink.tasks.fetch import run_fetch

CORPUS = ROOT.parent / "shared" / "corpora" / "python-docs-3.11"
HELDOUT = Path("/root/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/share/doc/rust/html")
WORD = re.compile(r"\w+")
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


def content_links(results: pd.DataFrame) -> pd.DataFrame:
    """The links file's rows (dataset.links_frame) of links in the pages' main content."""
    frame = dataset.links_frame(results)
    return frame.loc[frame["Link Position"] == CONTENT].reset_index(drop=True)


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
    parser.add_argument("--no-heldout", action="store_true", help="skip the held-out mdBook sites")
    parser.add_argument("--site", nargs=2, action="append", metavar=("ROOT", "CORPUS_DIR"),
                        help="measure only this static site against its corpus (repeatable)")
    args = parser.parse_args()
    for root, corpus_dir in args.site or ():   # checked before any fetch: a wrong one was a traceback midway
        if not Path(root).is_dir():
            parser.error(f"--site: ROOT {root} is not a folder")
        if not (Path(corpus_dir) / "pages.csv.gz").is_file():
            parser.error(f"--site: CORPUS_DIR {corpus_dir} holds no pages.csv.gz (build_corpus.py writes one)")
    if args.site:
        for root, corpus_dir in args.site:
            measure_site(Path(root), Path(corpus_dir))
        return
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
              f"in-content links precision {precision:.4f} recall {recall:.4f}; "
              f"H1 as the corpus's {_share(ok, corpus, base):.4f}; kept out by site rules: "
              f"{_kept_out(rows, base)}")
        _trafilatura(site, corpus, truth_pairs, pages, args.sample_trafilatura)
    if not args.no_heldout:
        heldout()
    ok_all = min(sum(f1) / len(f1), precision, recall) >= 0.90
    print("PASS (all >= 0.90)" if ok_all else "FAIL (a figure is below 0.90)")
    sys.exit(0 if ok_all else 1)


def _kept_out(rows: pd.DataFrame, base: str) -> str:
    """The pages the site rules keep out of link targets (copies, pages repeating others, no text of their own)."""
    rules = dataset.site_rules(rows)
    return ", ".join(f"{url[len(base):]} ({why})" for url, why in rules.items()) or "none"


def _share(ok: pd.DataFrame, corpus: pd.DataFrame, base: str) -> float:
    """Share of the corpus's pages whose fetched H1 is the corpus's H1-1."""
    h1 = dict(zip((to_public(a, base) for a in ok["Address"]), ok["H1-1"]))
    return sum(h1.get(a) == want for a, want in zip(corpus["Address"], corpus["H1-1"])) / len(corpus)


def _words(text: str) -> Counter:
    return Counter(w.lower() for w in WORD.findall(text))


def heldout() -> None:
    """The mdBook sites of rustup's docs, each fetched page against its own <main> (see the module's doc)."""
    import lxml.html

    from inlink.fetch.extract import absolute

    if not HELDOUT.is_dir():
        print(f"held out: {HELDOUT} is absent (rustup's offline docs): skipped")
        return
    paths = sorted(str(p.relative_to(HELDOUT)) for site in ("book", "reference", "cargo")
                   for p in (HELDOUT / site).rglob("*.html"))
    rows, seconds, base = serve_and_fetch(HELDOUT, paths, (HELDOUT / "robots.txt").read_text(encoding="utf-8"), 8)
    copies = dataset.duplicates(rows)
    moved = dataset.moved_to(rows, copies)
    ok = rows[rows["Status"] == "OK"]
    kept = common = extracted = truth_words = same_h1 = 0
    truth_links, with_main, pages_with_main = set(), set(), 0
    for address, content, h1 in zip(ok["Address"], ok["Content"], ok["H1-1"]):
        main = lxml.html.parse(str(HELDOUT / address[len(base):])).getroot().find(".//main")
        if main is None:
            continue
        with_main.add(copies.get(address, address))
        pages_with_main += 1
        for hidden in main.xpath(".//script|.//style|.//*[local-name()='svg']"):   # drawn, not read
            hidden.drop_tree()
        truth, got = _words(" ".join(main.itertext())), _words(content)
        common, truth_words, extracted = common + sum((truth & got).values()), truth_words + sum(truth.values()), \
            extracted + sum(got.values())
        kept += sum((got - truth).values())
        top = next((h for h in main.iter("h1", "h2", "h3") if h.text_content().strip()), None)
        same_h1 += top is not None and " ".join(top.text_content().split()) == h1
        source = copies.get(address, address)
        for a in main.iter("a"):
            destination = absolute(a.get("href"), address)
            destination = moved.get(destination, destination)
            if destination and destination.startswith(base) and destination != source:
                truth_links.add((source, destination))
    links = content_links(rows)
    got_links = {pair for pair in zip(links["Source"], links["Destination"]) if pair[0] in with_main}
    precision, recall = link_scores(got_links, truth_links)
    out = dataset.with_site_rules(ok, dataset.site_rules(rows))
    reasons = Counter(s.split(" of ")[0].split(" the text")[0] for s in out.loc[out["Indexability"] == "Non-Indexable",
                                                                                "Indexability Status"])
    print(f"held out:    mdBook book/reference/cargo: {len(ok)}/{len(paths)} pages fetched in {seconds:.1f}s "
          f"({len(rows) - len(ok)} not: robots.txt); against <main> on {pages_with_main} pages: words kept "
          f"{common / truth_words:.4f}, extracted words not in <main> {kept / extracted:.4f}, H1 = <main>'s top "
          f"heading {same_h1 / pages_with_main:.4f}; in-content links precision {precision:.4f} recall "
          f"{recall:.4f}; no link targets: {dict(reasons)}")


def serve_and_fetch(root: Path, paths: list, robots: str, connections: int) -> tuple[pd.DataFrame, float, str]:
    """Serve ROOT on 127.0.0.1, fetch PATHS from a URL list with the real client: (rows, seconds, base URL/)."""
    server = SiteServer(root).start()
    try:
        server.behaviour.robots = robots
        listing = "\n".join(server.url(p) for p in paths).encode()
        started = time.perf_counter()
        rows = run_fetch(listing, name="urls.txt", options={"connections": connections, "rate_per_s": 0})
        seconds = time.perf_counter() - started
    finally:
        server.stop()
    return rows, seconds, server.base + "/"


def measure_site(root: Path, corpus_dir: Path) -> None:
    """One static site served from ROOT against the corpus build_corpus.py made of it (see the module's doc)."""
    corpus = pd.read_csv(corpus_dir / "pages.csv.gz", keep_default_na=False)
    truth = pd.read_csv(corpus_dir / "links.csv.gz", keep_default_na=False)
    public = corpus["Address"].iloc[0].rsplit("/", 1)[0] + "/"
    while not all(a.startswith(public) for a in corpus["Address"]):
        public = public.rstrip("/").rsplit("/", 1)[0] + "/"
    rows, seconds, base = serve_and_fetch(root, [a[len(public):] for a in corpus["Address"]],
                                          "User-agent: *\nDisallow:\n", 4)

    def public_url(url: str) -> str:
        return public + url[len(base):] if url.startswith(base) else url

    ok = rows[rows["Status Code"] == 200]
    got = {public_url(a): row for a, row in zip(ok["Address"], ok.to_dict("records"))}
    f1 = [token_f1(got.get(a, {}).get("Content", ""), c) for a, c in zip(corpus["Address"], corpus["Content"])]
    unmarked = [token_f1(_unmarked(got.get(a, {}).get("Content", "")), _unmarked(c))
                for a, c in zip(corpus["Address"], corpus["Content"])]
    pages = set(corpus["Address"])
    links = content_links(rows)
    pairs = {(public_url(s), public_url(d.split("?", 1)[0])) for s, d in zip(links["Source"], links["Destination"])}
    pairs = {(s, d) for s, d in pairs if s in pages and d in pages and s != d}
    precision, recall = link_scores(pairs, set(zip(truth["Source"], truth["Destination"])))
    same = {column: sum(got.get(a, {}).get(column) == want for a, want in zip(corpus["Address"], corpus[column]))
            for column in ("H1-1", "Title 1")}
    opens = sum(bool(h1) and _unmarked(content).startswith(h1) for h1, content in
                ((got.get(a, {}).get("H1-1", ""), c) for a, c in zip(corpus["Address"], corpus["Content"])))
    print(f"{corpus_dir.name}: pages fetched {len(ok)}/{len(corpus)} in {seconds:.1f}s; text token F1 "
          f"{sum(f1) / len(f1):.4f} (exact {sum(x == 1.0 for x in f1)}/{len(f1)}, min {min(f1):.4f}; with permalink "
          f"marks taken off both {sum(unmarked) / len(unmarked):.4f}); in-content "
          f"links precision {precision:.4f} recall {recall:.4f} ({len(pairs)} found, {len(truth)} in the corpus); "
          f"H1 as the corpus's {same['H1-1']}/{len(corpus)} (H1 opening the corpus's main content {opens}/{len(corpus)}), title {same['Title 1']}/{len(corpus)}; "
          f"main content by {dict(Counter(parse_rule(root, a[len(public):]) for a in corpus['Address']))}; "
          f"kept out by site rules: {_kept_out(rows, base)}; link targets (Indexable) {_targets(rows)}/{len(corpus)}")


def _targets(rows: pd.DataFrame) -> int:
    """How many fetched pages may be link targets (Indexable once the site rules are applied)."""
    out = dataset.with_site_rules(rows[rows["Status Code"] == 200], dataset.site_rules(rows))
    return int((out["Indexability"] == "Indexable").sum())


def _unmarked(text: str) -> str:
    """The text with heading permalink marks ("Assert#", "Usage¶") taken off its words: the fetcher drops them."""
    return " ".join(w.rstrip("#¶§") or w for w in text.split())


def parse_rule(root: Path, path: str) -> str:
    """Which rule of the fetcher finds the page's main content."""
    return parse_page((root / path).read_text(encoding="utf-8", errors="replace"), "http://127.0.0.1/" + path).main_rule


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
