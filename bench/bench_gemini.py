"""Cost and throughput of the Gemini engine on the real python-docs-3.11 corpus, against the local fake Gemini.

Prints: prompt size per page (estimated tokens, ~4 characters a token) and the estimated spend per 1,000 pages
for each priced model; then pages per second through the real google-genai client against the fake server
with a fixed simulated latency, one request in flight vs several, next to the offline engine on the same pages
measured in the same run (the baseline). No real API is called and no key is needed.

Run: python3 bench/bench_gemini.py [--pages 40] [--latency 0.1] [--in-flight 4]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from inlink.links import suggest as analyzer
from inlink.gemini import engine as ge
from inlink.gemini import prompt as gemini_prompt
from inlink.gemini.settings import DEFAULT_PRICES, GeminiSettings
from tests import fake_gemini as fg

CORPUS = REPO.parent / "shared/corpora/python-docs-3.11"
OUTPUT_TOKENS_PER_PAGE = 350     # five picks with a sentence of reason each, as JSON


def load_index(max_per_page: int = 5) -> analyzer.LinkIndex:
    from inlink.site import load as site_import
    site = site_import.load_site(CORPUS / "pages.csv.gz")
    return analyzer.build_index(site, analyzer.AnalysisConfig(max_per_page=max_per_page))


def prompt_tokens(index, pages: list[str], settings: GeminiSettings) -> list[int]:
    sizes = []
    for url in pages:
        candidates = analyzer.candidates_for(index, url, k=settings.candidates_per_page)
        prompt = gemini_prompt.build_prompt(index, url, candidates, index.config.max_per_page,
                                            settings.source_token_budget)
        sizes.append((len(prompt) + len(gemini_prompt.SYSTEM_INSTRUCTION)) // gemini_prompt.CHARS_PER_TOKEN)
    return sizes


def print_costs(sizes: list[int]) -> None:
    mean = statistics.mean(sizes)
    p95 = sorted(sizes)[int(0.95 * (len(sizes) - 1))]
    print(f"prompt tokens per page: mean {mean:,.0f}, p95 {p95:,}, max {max(sizes):,} ({len(sizes)} pages)")
    print(f"estimated spend per 1,000 pages (prompt mean + {OUTPUT_TOKENS_PER_PAGE} output tokens):")
    for model, price in sorted(DEFAULT_PRICES.items(), key=lambda kv: kv[1].cost(1, 1)):
        print(f"  {model:32s} ${1000 * price.cost(int(mean), OUTPUT_TOKENS_PER_PAGE):8.2f}")


def pages_per_second(work, pages: list[str], threads: int) -> float:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(work, pages))
    return len(pages) / (time.perf_counter() - started)


def gemini_rate(index, pages: list[str], latency: float, in_flight: int) -> float:
    fake = fg.FakeGemini(script=[fg.Reply(**{**vars(fg.suggestions()), "delay_s": latency})]).start()
    try:
        settings = GeminiSettings(base_url=fake.base_url, rpm=100_000, max_in_flight=in_flight)
        engine = ge.GeminiEngine("bench-key", settings)
        return pages_per_second(lambda url: engine.suggest(index, url), pages, threads=in_flight)
    finally:
        fake.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--latency", type=float, default=0.1, help="simulated model latency, seconds")
    parser.add_argument("--in-flight", type=int, default=4)
    args = parser.parse_args()
    if not (CORPUS / "pages.csv.gz").exists():
        sys.exit(f"corpus not found at {CORPUS}")
    started = time.perf_counter()
    index = load_index()
    print(f"index built in {time.perf_counter() - started:.1f} s ({len(index.urls)} pages)")
    pages = analyzer.source_pages(index)[: args.pages]
    print_costs(prompt_tokens(index, pages, GeminiSettings()))

    offline = pages_per_second(lambda url: analyzer.analyze_page(index, url), pages, threads=1)
    no_latency = gemini_rate(index, pages, 0.0, 1)
    serial = gemini_rate(index, pages, args.latency, 1)
    parallel = gemini_rate(index, pages, args.latency, args.in_flight)
    print(f"offline engine (baseline):                {offline:7.1f} pages/s")
    print(f"gemini, fake with no latency, 1 in flight: {no_latency:7.1f} pages/s "
          f"(engine + HTTP overhead {1000 / no_latency - 1000 / offline:+.1f} ms/page vs offline)")
    print(f"gemini, {args.latency * 1000:.0f} ms latency, 1 in flight:     {serial:7.1f} pages/s")
    print(f"gemini, {args.latency * 1000:.0f} ms latency, {args.in_flight} in flight:     {parallel:7.1f} pages/s "
          f"(x{parallel / serial:.2f} vs 1 in flight)")


if __name__ == "__main__":
    main()
