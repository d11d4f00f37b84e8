"""A seeded synthetic website for speed benchmarks: N pages of ~800 words in topic clusters.

Why synthetic: the speed targets (10k and 50k pages) need sites larger than any real corpus we may ship.
Pages share a general vocabulary (Zipf-like, with stop words), a topic vocabulary, and sentences that name
other pages of their topic by title, so TF-IDF neighbours and title mentions behave like a real site's.

With links (generate_links), a site as an "All Inlinks" export gives it: most of the title mentions are linked,
and every page links a few of the same hub pages (a hub with thousands of in-links, as a real site's guides are).

Run: python3 bench/synthetic_site.py 1000 out.csv [links.csv]   (Screaming Frog column names)
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

STOP = ("the of and to in a is that for it as with was on be by this are or at from an which but not have "
        "has they you we can all there more when also their will one would these other into its").split()
SYLLABLES = ("ka ri to me lo sa fi nu de pa ve zo bi ra tu lem nor vik san del mor tal ser qui ban "
             "dor fen gal hin jor kel lum mir nal pol rus sol tem ul var wen yor zal").split()
PAGE_WORDS = 800
SENTENCE_WORDS = 16
PAGES_PER_TOPIC = 40
LINKED_MENTIONS = 0.75      # share of the title mentions a page links
HUBS, HUB_LINKS = 8, 3      # every page links HUB_LINKS of the first HUBS pages
_MENTION = re.compile(r"read (\S+ \S+ \S+) for details")


def _pseudo_words(rng: np.random.Generator, count: int) -> list[str]:
    """Distinct pronounceable words (2-4 syllables), deterministic for a seed. The syllables are drawn as
    `rng.choice(SYLLABLES, size=k)` draws them (integers below their count: the same numbers from the same
    generator), without its per-call conversion of the list to an array: 3x faster, the same words."""
    words, seen = [], set(STOP)
    while len(words) < count:
        word = "".join([SYLLABLES[i] for i in rng.integers(0, len(SYLLABLES), size=int(rng.integers(2, 5)))])
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def generate_pages(n_pages: int, seed: int = 0, words_per_page: int = PAGE_WORDS) -> pd.DataFrame:
    """url, title, h1, content for n_pages pages (the same frame for the same arguments)."""
    rng = np.random.default_rng(seed)
    n_topics = max(1, n_pages // PAGES_PER_TOPIC)
    general = STOP + _pseudo_words(rng, 20000)
    topic_words = _pseudo_words(np.random.default_rng(seed + 1), 30 * n_topics + 3 * n_pages)
    zipf = 1.0 / np.arange(1, len(general) + 1) ** 1.05
    zipf /= zipf.sum()
    cdf = zipf.cumsum()     # rng.choice(..., p=zipf) draws by this cdf; computed once here instead of once a page
    cdf /= cdf[-1]
    topic_of = rng.integers(0, n_topics, size=n_pages)
    members = [np.flatnonzero(topic_of == t) for t in range(n_topics)]
    titles = [" ".join(topic_words[30 * n_topics + 3 * i: 30 * n_topics + 3 * i + 2]).title() + " "
              + topic_words[30 * topic_of[i] + i % 30] for i in range(n_pages)]
    rows = []
    for i in range(n_pages):
        topic = topic_of[i]
        n_topic = words_per_page // 4
        words = [general[j] for j in cdf.searchsorted(rng.random(words_per_page - n_topic), side="right")]
        words += [topic_words[30 * topic + j] for j in rng.integers(0, 30, size=n_topic)]
        rng.shuffle(words)
        for other in rng.choice(members[topic], size=min(4, len(members[topic])), replace=False):
            if other != i:
                words.insert(int(rng.integers(0, len(words))), f"read {titles[other]} for details")
        sentences = [" ".join(words[k:k + SENTENCE_WORDS]) + "." for k in range(0, len(words), SENTENCE_WORDS)]
        sentences = [s[0].upper() + s[1:] for s in sentences]
        rows.append((f"https://synthetic.example/topic-{topic}/page-{i}", f"{titles[i]} | Synthetic Shop",
                     titles[i], " ".join(sentences)))
    return pd.DataFrame(rows, columns=["url", "title", "h1", "content"])


def generate_links(pages: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Source, Destination, Anchor: the site's existing links (the same frame for the same arguments)."""
    rng = np.random.default_rng(seed + 2)
    url_of = dict(zip(pages["h1"], pages["url"]))
    hubs = pages.iloc[:HUBS]
    rows = []
    for source, content in zip(pages["url"], pages["content"]):
        for title in dict.fromkeys(_MENTION.findall(content)):
            if rng.random() < LINKED_MENTIONS and url_of.get(title, source) != source:
                rows.append((source, url_of[title], title))
        for hub in rng.choice(len(hubs), size=min(HUB_LINKS, len(hubs)), replace=False):
            if hubs["url"].iat[hub] != source:
                rows.append((source, hubs["url"].iat[hub], hubs["h1"].iat[hub]))
    return pd.DataFrame(rows, columns=["Source", "Destination", "Anchor"])


def write_crawl_csv(pages: pd.DataFrame, path: Path) -> Path:
    """The pages as a Screaming Frog 'Internal: HTML' export, for timing the real import path."""
    export = pd.DataFrame({"Address": pages["url"], "Title 1": pages["title"], "H1-1": pages["h1"],
                           "Meta Description 1": "", "Word Count": pages["content"].str.count(" ") + 1,
                           "Content": pages["content"]})
    export.to_csv(path, index=False)
    return path


if __name__ == "__main__":
    size, out = int(sys.argv[1]), Path(sys.argv[2])
    site = generate_pages(size)
    write_crawl_csv(site, out)
    print(f"wrote {size} pages to {out}")
    if len(sys.argv) > 3:
        links = generate_links(site)
        links.to_csv(sys.argv[3], index=False)
        print(f"wrote {len(links)} links to {sys.argv[3]}")
