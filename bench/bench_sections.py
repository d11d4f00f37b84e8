"""Cost of the quoted-section rule (inlink/links/sections.py) on a large site that quotes its section titles.

A seeded synthetic site: N pages of ~700 words, each heading one section and referring to two others by their
quoted titles (“Sec12 Part12”), so the rule looks for Q quoted phrases. Timed in the same run:
  1. register_sections, one Aho-Corasick pass over the site for all the phrases;
  2. the per-phrase scan it replaced (kept here as the reference: one str.find walk of the site per phrase), on
     the smaller sizes only (it grows as pages x phrases);
  3. the baseline: reading the site's quoted phrases once (text.quoted_phrases over every page), which the rule
     cannot do without.
Both implementations must register the same phrases for the same pages (checked).

Run: python3 bench/bench_sections.py [--sizes 2000:500,5000:2000,20000:8000]
Target: the rule stays within a small multiple of one read of the site (<= 20x) at any size; the per-phrase
scan grew as pages x phrases (75x slower than the rule at 5,000 pages, minutes at 20,000).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from bisect import bisect_right
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inlink.links.anchors import PhraseIndex
from inlink.links.sections import register_sections
from inlink.links.text import OPENING_QUOTES, quoted_phrases

REFERENCE_UNDER_PAGES = 6000   # the per-phrase scan runs only below this many pages (minutes above it)
TARGET_MULTIPLE = 20


def site(pages: int, phrases: int, seed: int = 1) -> tuple[list[str], list[str]]:
    """(titles, texts) of the synthetic site."""
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(3000)]
    sections = [f"Sec{i} Part{i % 97}" for i in range(phrases)]
    texts = []
    for page in range(pages):
        body = " ".join(rng.choice(words) for _ in range(700))
        texts.append(f"{sections[(page * 7) % phrases]} heading. {body} see “{sections[page % phrases]}” and "
                     f"“{sections[(page * 3) % phrases]}” {body[:200]}")
    return [f"Page {page}" for page in range(pages)], texts


def per_phrase_scan(index, cleaned_titles, texts, targets, headings) -> None:
    """The implementation register_sections replaced: one find walk over the whole site per phrase."""
    titles = {title.lower() for title in cleaned_titles if title}
    wanted = sorted({phrase for text in texts for phrase in quoted_phrases(text)
                     if " " in phrase and phrase[:1].isupper() and phrase.lower() not in titles})
    starts = np.cumsum([0] + [len(text) + 1 for text in texts[:-1]]).tolist()
    whole = "\0".join(texts)
    for phrase in wanted:
        holders, heads = set(), False
        at = whole.find(phrase)
        while at >= 0 and len(holders) < 2:
            end = at + len(phrase)
            if (at == 0 or not (whole[at - 1].isalnum() or whole[at - 1] in OPENING_QUOTES)) \
                    and (end == len(whole) or not whole[end].isalnum()):
                page = bisect_right(starts, at) - 1
                holders.add(page)
                heads = heads or headings[page] is None or any(
                    start <= at - starts[page] < stop for start, stop in headings[page])
            at = whole.find(phrase, at + 1)
        if len(holders) == 1 and heads and targets[page := holders.pop()]:
            index.add(phrase, page, "section")


def registered(index: PhraseIndex) -> list:
    """What an index holds, comparable across two builds."""
    return [(phrase.original, dict(phrase.targets)) for phrase in index.phrases]


def timed(function, *args) -> tuple[float, PhraseIndex]:
    index = PhraseIndex()
    start = time.perf_counter()
    function(index, *args)
    return time.perf_counter() - start, index


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000:500,5000:2000,20000:8000", help="pages:phrases,...")
    args = parser.parse_args(argv)
    for size in args.sizes.split(","):
        pages, phrases = (int(part) for part in size.split(":"))
        titles, texts = site(pages, phrases)
        arguments = (titles, texts, np.ones(pages, dtype=bool), [None] * pages)
        start = time.perf_counter()
        found = sum(1 for text in texts for _ in quoted_phrases(text))
        baseline = time.perf_counter() - start
        seconds, index = timed(register_sections, *arguments)
        line = (f"pages={pages:>6} phrases={phrases:>5} ({found} quoted)  sections {seconds:6.2f}s  "
                f"read of the site {baseline:5.2f}s  => {seconds / baseline:4.1f}x "
                f"({'OK' if seconds / baseline <= TARGET_MULTIPLE else 'OVER'} <= {TARGET_MULTIPLE}x)")
        if pages < REFERENCE_UNDER_PAGES:
            old, reference = timed(per_phrase_scan, *arguments)
            same = registered(index) == registered(reference)
            line += f"  per-phrase scan {old:6.2f}s ({old / seconds:5.1f}x slower), same phrases: {same}"
            if not same:
                raise SystemExit(line + "\nthe two implementations disagree")
        print(line, flush=True)


if __name__ == "__main__":
    main()
