"""One contract, both engines: the offline engine and the Gemini engine (the real google-genai client on the fake
server, tempted with bad picks) must give rows whose anchor stands verbatim in the source page's text, with no self
link, no link the site already has, and exactly the result columns of analyzer.RESULT_COLUMNS."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

import analyzer
from inlink.gemini import engine as ge
from inlink.gemini.settings import GeminiSettings
from inlink.site.load import load_site
from tests import fake_gemini as fg

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
KEY = "AIzaFAKE-contract-key-0123456789"


@pytest.fixture(scope="module")
def site():
    return load_site(SAMPLE / "pages.csv", SAMPLE / "inlinks.csv", pages_name="pages.csv", links_name="inlinks.csv")


def existing_links(site) -> set[tuple[str, str]]:
    return set(zip(site.links["source"], site.links["destination"]))


def offline_rows(site, fake) -> tuple[analyzer.LinkIndex, list[dict]]:
    index = analyzer.build_index(site, analyzer.AnalysisConfig())
    return index, [row for url in analyzer.source_pages(index) for row in analyzer.analyze_page(index, url)]


def tempting_answer(index, site, source: str) -> fg.Reply:
    """Gemini's answer for one page: two good picks among the candidates, plus a self link, a link the page
    already has and an anchor the page does not contain (the engine must drop the last three)."""
    candidates = [c for c in analyzer.candidates_for(index, source, k=20) if c.anchor]
    picks = [(c.destination, c.anchor) for c in candidates[:2]]
    if candidates:
        picks.append((source, candidates[0].anchor))
        linked = [dest for src, dest in existing_links(site) if src == source and dest in index.url_pos]
        if linked:
            picks.append((linked[0], candidates[0].anchor))
        picks.append((candidates[0].destination, "an anchor this page never says"))
    return fg.suggestions(*picks)


def gemini_rows(site, fake) -> tuple[analyzer.LinkIndex, list[dict]]:
    index = analyzer.build_index(site, analyzer.AnalysisConfig())
    engine = ge.GeminiEngine(KEY, GeminiSettings(base_url=fake.base_url, rpm=100_000, timeout_s=5, max_retries=0))
    rows, dropped = [], Counter()
    for url in analyzer.source_pages(index):
        fake.script = [tempting_answer(index, site, url)]
        outcome = engine.suggest(index, url)
        analyzer.record_suggestions(index, outcome.rows)
        rows.extend(outcome.rows)
        dropped.update(outcome.dropped)
    assert sum(dropped.values()) >= len(rows), f"the bad picks were not offered or not dropped: {dropped}"
    return index, rows


@pytest.mark.parametrize("engine", [offline_rows, gemini_rows], ids=["offline", "gemini"])
def test_both_engines_keep_the_same_contract(engine, site, fake):
    index, rows = engine(site, fake)
    assert len(rows) >= 10, "too few rows for the contract to mean anything"
    existing = existing_links(site)
    for row in rows:
        assert tuple(row) == tuple(analyzer.RESULT_COLUMNS)
        source, destination, anchor = row["Source"], row["Destination"], row["Anchor"]
        assert anchor and anchor in index.texts[index.url_pos[source]], (source, anchor)
        assert source != destination
        assert (source, destination) not in existing, (source, destination)
    assert len({(r["Source"], r["Destination"]) for r in rows}) == len(rows)
