"""The offline engine's rules, each on a small hand-made site."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pandas as pd
import pytest

from inlink.links.suggest import (RESULT_COLUMNS, AnalysisConfig, analyze_page, build_index, candidates_for,
                      record_suggestions, source_pages, summarize, validate_suggestion)
from inlink.site.load import PAGE_COLUMNS, ImportReport, SiteData
from inlink.links.text import is_acceptable_anchor

BASE = "https://shop.example/"
FILLER = ("Our team reviews gear every season and writes honest notes for readers who care about comfort, "
          "price and durability. ")


def make_site(pages: list[dict], links: list[tuple] = ()) -> SiteData:
    """A SiteData as site_import would build it: pages get defaults, paths become URLs under BASE."""
    rows = []
    for page in pages:
        row = {"url": BASE + page["path"], "title": page.get("title", ""), "h1": page.get("h1", ""),
               "description": "", "content": page.get("content", ""), "word_count": 0, "status_code": 200,
               "content_type": "text/html", "indexability": "Indexable",
               "is_target": page.get("is_target", True), "excluded_reason": page.get("excluded_reason", "")}
        row["word_count"] = len(row["content"].split())
        rows.append(row)
    link_rows = [{"source": BASE + s, "destination": BASE + d, "anchor": a} for s, d, a in links]
    return SiteData(pages=pd.DataFrame(rows, columns=list(PAGE_COLUMNS)),
                    links=pd.DataFrame(link_rows, columns=["source", "destination", "anchor"]),
                    report=ImportReport(file="test.csv"))


def shoe_site(extra: list[dict] = (), links: list[tuple] = ()) -> SiteData:
    """A small shop blog: a hub page mentions three product guides by their (branded) titles."""
    pages = [
        {"path": "blog/choosing-shoes", "title": "How to choose shoes | Stride Shop",
         "content": "How to choose shoes. Before a race, read our Trail Running Shoes guide and compare it with "
                    "the Road Running Shoes review, because trail running needs grip. Waterproof Jackets keep "
                    "you dry when the weather turns. " + FILLER},
        {"path": "trail", "title": "Trail Running Shoes | Stride Shop", "h1": "Trail Running Shoes",
         "content": "Trail running shoes have deep lugs for grip on mud and rock. " + FILLER},
        {"path": "road", "title": "Road Running Shoes | Stride Shop", "h1": "Road Running Shoes",
         "content": "Road running shoes are light and cushioned for asphalt. " + FILLER},
        {"path": "jackets", "title": "Waterproof Jackets | Stride Shop", "h1": "Waterproof Jackets",
         "content": "Waterproof jackets keep rain out while letting sweat escape. " + FILLER},
        {"path": "about", "title": "About us | Stride Shop", "content": "We are a small running shop. " + FILLER},
    ]
    return make_site(pages + list(extra), links)


def suggestions(site: SiteData, config: AnalysisConfig = AnalysisConfig()) -> list[dict]:
    index = build_index(site, config)
    return [row for url in source_pages(index) for row in analyze_page(index, url)]


def from_page(rows: list[dict], path: str) -> list[dict]:
    return [row for row in rows if row["Source"] == BASE + path]


def test_rows_have_the_result_columns_and_verbatim_anchors():
    rows = from_page(suggestions(shoe_site()), "blog/choosing-shoes")
    assert {row["Destination"] for row in rows} >= {BASE + "trail", BASE + "road", BASE + "jackets"}
    for row in rows:
        assert tuple(row) == RESULT_COLUMNS and row["Engine"] == "offline"
        assert 0.0 <= row["Score"] <= 1.0
        assert row["Anchor"] in row["Context"] and len(row["Context"]) <= 230
    anchors = {row["Destination"]: row["Anchor"] for row in rows}
    assert anchors[BASE + "trail"] == "Trail Running Shoes"   # site suffix " | Stride Shop" was removed


def test_reason_names_the_evidence_and_the_similarity():
    row = next(r for r in suggestions(shoe_site()) if r["Destination"] == BASE + "trail")
    assert row["Reason"].startswith('Target: "Trail Running Shoes". The anchor is the target\'s title.')
    assert "similarity 0." in row["Reason"] and f'Confidence {row["Confidence"]:.3f} ({row["Tier"]})' in row["Reason"]


def test_no_self_links_even_when_a_page_names_itself():
    rows = suggestions(shoe_site())
    assert all(row["Source"] != row["Destination"] for row in rows)
    assert not [r for r in from_page(rows, "trail") if r["Destination"] == BASE + "trail"]


def test_existing_links_are_not_suggested_again():
    site = shoe_site(links=[("blog/choosing-shoes", "trail", "trail guide")])
    rows = from_page(suggestions(site), "blog/choosing-shoes")
    assert BASE + "trail" not in {row["Destination"] for row in rows}


def test_only_indexable_pages_are_targets():
    site = shoe_site()
    site.pages.loc[site.pages["url"] == BASE + "road", ["is_target", "excluded_reason"]] = (False, "noindex")
    rows = suggestions(site)
    assert BASE + "road" not in {row["Destination"] for row in rows}
    assert BASE + "road" not in {row["Source"] for row in rows}


def test_at_most_max_per_page_suggestions_best_first():
    rows = from_page(suggestions(shoe_site(), AnalysisConfig(max_per_page=2)), "blog/choosing-shoes")
    assert len(rows) == 2
    assert rows[0]["Score"] >= rows[1]["Score"]


def test_inbound_cap_holds_across_the_whole_run():
    extra = [{"path": f"news/{i}", "title": f"Race report {i} | Stride Shop",
              "content": f"Race report {i}. We wore Trail Running Shoes on the climb. " + FILLER} for i in range(4)]
    rows = suggestions(shoe_site(extra), AnalysisConfig(max_inbound_per_target=2))
    assert sum(row["Destination"] == BASE + "trail" for row in rows) == 2


def test_one_anchor_and_one_link_per_destination_per_page():
    extra = [{"path": "trail-2", "title": "Trail Running Shoes | Stride Shop",
              "content": "Trail running shoes, second opinion. " + FILLER}]
    rows = from_page(suggestions(shoe_site(extra)), "blog/choosing-shoes")
    anchors = [row["Anchor"].lower() for row in rows]
    destinations = [row["Destination"] for row in rows]
    assert len(anchors) == len(set(anchors)) and len(destinations) == len(set(destinations))


def test_anchors_never_overlap_in_a_page():
    extra = [{"path": "running", "title": "Running | Stride Shop", "content": "Running basics. " + FILLER}]
    rows = from_page(suggestions(shoe_site(extra)), "blog/choosing-shoes")
    index = build_index(shoe_site(extra), AnalysisConfig())
    text = index.texts[index.url_pos[BASE + "blog/choosing-shoes"]]
    spans = []
    for row in rows:
        start = text.find(row["Context"].strip("…"))
        spans.append((start + row["Context"].strip("…").find(row["Anchor"]), row["Anchor"]))
    for (a_start, a_text), (b_start, b_text) in zip(spans, spans[1:]):
        assert a_start + len(a_text) <= b_start or b_start + len(b_text) <= a_start


def test_anchors_match_whole_words_only():
    pages = [{"path": "json", "title": "json | Docs", "content": "The json module reads data. " + FILLER},
             {"path": "flask", "title": "Flask helpers | Docs",
              "content": "Call jsonify to answer requests; jsonify builds responses. " + FILLER}]
    rows = suggestions(make_site(pages))
    assert not [row for row in rows if row["Source"] == BASE + "flask"]


def test_stop_word_and_short_anchors_are_rejected():
    pages = [{"path": "the", "title": "The", "content": "The end. " + FILLER},
             {"path": "go", "title": "Go", "content": "Go go go. " + FILLER},
             {"path": "hub", "title": "Hub", "content": "The page says go and the end of it. " + FILLER}]
    rows = suggestions(make_site(pages))
    assert not [row for row in rows if row["Anchor"].lower() in ("the", "go")]
    assert all(is_acceptable_anchor(row["Anchor"]) for row in rows)
    assert not is_acceptable_anchor("The") and not is_acceptable_anchor("Go") and not is_acceptable_anchor("of the")


@pytest.mark.parametrize("anchor, acceptable", [
    ("I'll", False), ("we’ve", False), ("They're", False), ("didn't", False), ("It’s", False), ("I'm", False),
    ("Python's", True), ("O'Reilly", True), ("don't panic", True),
])
def test_a_contraction_is_a_function_word(anchor, acceptable):
    assert is_acceptable_anchor(anchor) is acceptable


def test_an_authors_contractions_are_no_key_term():
    """A tutorial's author writes "I'll" and "we've" on a few pages only: they weigh there as a rare term would,
    and named no target to link."""
    voice = "I'll show it and we've done it, I'll say, and we've seen it, I'll add. "
    pages = [{"path": f"tut{i}", "title": f"Tutorial part {i}", "content": voice * (i < 2) + FILLER} for i in range(6)]
    pages.append({"path": "intro", "title": "Introduction", "content": "Here I'll explain what we've built. " + FILLER})
    rows = suggestions(make_site(pages))
    assert not [row for row in rows if "'" in row["Anchor"]]


def test_code_like_tokens_match_case_sensitively():
    pages = [{"path": "pyobject", "title": "PyObject | Docs", "content": "PyObject is a struct. " + FILLER},
             {"path": "a", "title": "Page A | Docs", "content": "Some pyobject mention in lower case. " + FILLER},
             {"path": "b", "title": "Page B | Docs", "content": "Every value is a PyObject pointer. " + FILLER}]
    rows = suggestions(make_site(pages))
    assert [row["Source"] for row in rows if row["Destination"] == BASE + "pyobject"] == [BASE + "b"]


@pytest.mark.parametrize("pattern", ["*/news/*", "news/", "/news/*"])   # a glob from a slash: the URL's path
def test_exclude_patterns_apply_to_sources_and_targets(pattern):
    extra = [{"path": "news/1", "title": "Waterproof Jacket test | Stride Shop",
              "content": "We tested Trail Running Shoes and Waterproof Jackets. " + FILLER}]
    rows = suggestions(shoe_site(extra), AnalysisConfig(exclude_patterns=(pattern,)))
    assert not [row for row in rows if "/news/" in row["Source"] or "/news/" in row["Destination"]]
    assert from_page(rows, "blog/choosing-shoes")


def test_title_head_and_section_numbers_give_anchors():
    pages = [{"path": "lib/json", "title": "2.6. json — JSON encoder and decoder — Docs 1.0",
              "content": "json. Encode objects. " + FILLER},
             {"path": "lib/csv", "title": "2.7. csv — CSV reader — Docs 1.0", "content": "csv files. " + FILLER},
             {"path": "lib/x", "title": "2.8. xml — XML tools — Docs 1.0", "content": "xml files. " + FILLER},
             {"path": "guide", "title": "Guide — Docs 1.0",
              "content": "Use the json module when you store settings on disk for later runs. " + FILLER}]
    rows = from_page(suggestions(make_site(pages)), "guide")
    assert [(row["Destination"], row["Anchor"]) for row in rows] == [(BASE + "lib/json", "json")]
    assert "the anchor is the name the target's title starts with" in rows[0]["Reason"].lower()


def test_inbound_anchors_of_a_target_are_anchors_elsewhere():
    extra = [{"path": "care", "title": "Shoe care | Stride Shop",
              "content": "Clean grippy lugs after every muddy outing and dry them slowly. " + FILLER}]
    links = [("road", "trail", "grippy lugs"), ("jackets", "trail", "grippy lugs")]
    rows = from_page(suggestions(shoe_site(extra, links)), "care")
    row = next(r for r in rows if r["Destination"] == BASE + "trail")
    assert row["Anchor"] == "grippy lugs" and 'already links "grippy lugs" to this page on 2 of the 3 pages that mention it' in row["Reason"]


def test_prefers_an_occurrence_in_running_text():
    pages = [{"path": "target", "title": "Trail Running Shoes | Shop", "content": "Grip lugs. " + FILLER},
             {"path": "other", "title": "Other | Shop", "content": "Other page. " + FILLER},
             {"path": "third", "title": "Third | Shop", "content": "Third page. " + FILLER},
             {"path": "src", "title": "Source | Shop",
              "content": "Trail Running Shoes. Price list. When the path is steep, the Trail Running Shoes we "
                         "tested gave the most grip of all the pairs. " + FILLER}]
    row = from_page(suggestions(make_site(pages)), "src")[0]
    assert row["Context"].startswith("When the path is steep")


def test_candidates_for_returns_ranked_targets_with_anchors():
    index = build_index(shoe_site(), AnalysisConfig())
    found = candidates_for(index, BASE + "blog/choosing-shoes", k=3)
    assert 1 <= len(found) <= 3
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)
    assert found[0].anchor in index.texts[index.url_pos[BASE + "blog/choosing-shoes"]]


def test_a_title_shared_by_two_pages_counts_more_for_the_one_on_the_source_topic():
    """Two pages titled "Care guide": the boots page's mention is evidence mainly for the boots care guide."""
    from inlink.links.ranking import ranked_items, score_targets

    pages = [
        {"path": "blog/boots", "title": "Waxing leather boots",
         "content": "Leather boots crack when the leather dries out. Clean the leather boots, wax the seams and "
                    "follow our care guide before winter. " + FILLER},
        {"path": "boots/care", "title": "Care guide",
         "content": "Leather boots need wax: clean the leather, wax the seams, let the boots dry. " + FILLER},
        {"path": "sweaters/care", "title": "Care guide",
         "content": "Wool sweaters shrink in hot water: hand wash, dry flat, store folded. " + FILLER},
    ]
    index = build_index(make_site(pages), AnalysisConfig())
    scored = score_targets(index, index.url_pos[BASE + "blog/boots"])
    ranked = {index.urls[r.target]: r for r in ranked_items(index, scored)}
    near, far = ranked[BASE + "boots/care"].options[0], ranked[BASE + "sweaters/care"].options[0]
    assert near.key == far.key == ("care", "guide")
    assert near.strength > far.strength
    assert ranked[BASE + "boots/care"].score > ranked[BASE + "sweaters/care"].score


def test_validate_suggestion_explains_each_problem():
    site = shoe_site(links=[("blog/choosing-shoes", "road", "road")])
    site.pages.loc[site.pages["url"] == BASE + "about", "is_target"] = False
    index = build_index(site, AnalysisConfig())
    src = BASE + "blog/choosing-shoes"
    assert validate_suggestion(index, src, BASE + "trail", "Trail Running Shoes") is None
    assert "itself" in validate_suggestion(index, src, src, "Trail Running Shoes")
    assert "already links" in validate_suggestion(index, src, BASE + "road", "Road Running Shoes")
    assert "not indexable" in validate_suggestion(index, src, BASE + "about", "shop")
    assert "not in the crawl" in validate_suggestion(index, src, BASE + "nowhere", "Trail")
    assert "stop words" in validate_suggestion(index, src, BASE + "trail", "the")
    assert "whole words" in validate_suggestion(index, src, BASE + "trail", "rail Running")
    assert "whole words" in validate_suggestion(index, src, BASE + "trail", "Mountain boots")


def test_summary_counts_orphans_before_and_after():
    site = shoe_site(links=[("blog/choosing-shoes", "about", "about us")])
    index = build_index(site, AnalysisConfig())
    rows = [row for url in source_pages(index) for row in analyze_page(index, url)]
    summary = summarize(index, pd.DataFrame(rows, columns=list(RESULT_COLUMNS)))
    # every page but "about" lacks an inbound link; the suggestions give trail, road and jackets one
    assert summary["orphans_before"] == 4
    linked = {row["Destination"] for row in rows}
    assert summary["orphans_after"] == 4 - len(linked & {BASE + p for p in ("trail", "road", "jackets",
                                                                            "blog/choosing-shoes")})
    assert summary["suggestions"] == len(rows) and summary["pages_analysed"] == 5


def test_replayed_rows_give_the_same_later_rows_as_an_uninterrupted_run():
    extra = [{"path": f"news/{i}", "title": f"Race report {i} | Stride Shop",
              "content": f"Race report {i}. Trail Running Shoes and Road Running Shoes both did well. " + FILLER}
             for i in range(5)]
    config = AnalysisConfig(max_inbound_per_target=3, max_per_page=2)
    full = build_index(shoe_site(extra), config)
    urls = source_pages(full)
    uninterrupted = [analyze_page(full, url) for url in urls]
    resumed = build_index(shoe_site(extra), config)
    record_suggestions(resumed, pd.DataFrame([r for rows in uninterrupted[:4] for r in rows]))
    assert [analyze_page(resumed, url) for url in urls[4:]] == uninterrupted[4:]


def test_empty_and_textless_pages_do_not_break_the_index():
    pages = [{"path": "a", "title": "", "content": ""}, {"path": "b", "title": "B page", "content": ""}]
    index = build_index(make_site(pages), AnalysisConfig())
    assert source_pages(index) == []
    assert summarize(index, [])["orphans_before"] == 2


@pytest.mark.parametrize("path, guide, kettle, anchor", [
    ("pour-over", "Rinse paper filters before brewing. Paper filters catch oils; cheap paper filters taste papery.",
     "Our shop sells paper filters next to the kettles;", "paper filters"),
    # "n frames", "2 keeps e: Examine": a lowercase letter alone is a variable or a key, not a word of the phrase
    ("grams", "Weigh n grams of beans for each cup. Paper filters hold n grams easily; n grams per cup is our rule.",
     "Our kettle heats water for n grams of beans;", "grams"),
])
def test_a_shared_word_grows_into_the_two_words_both_pages_use_but_not_into_a_small_letter(path, guide, kettle, anchor):
    pages = [{"path": path, "title": "Pour-over guide | Cafe", "content": f"{guide} Pour slowly over the bloom."},
             {"path": "kettle", "title": "Gooseneck kettle | Cafe",
              "content": f"{kettle} the bloom rises when you pour."},
             {"path": "tea", "title": "Green tea | Cafe", "content": "Steep green tea leaves at low heat."},
             {"path": "mugs", "title": "Mugs | Cafe", "content": "Stoneware mugs keep drinks warm."}]
    rows = from_page(suggestions(make_site(pages), AnalysisConfig(min_confidence=0.0)), "kettle")
    assert [r["Anchor"] for r in rows if r["Destination"] == BASE + path] == [anchor]


@pytest.mark.parametrize("anchor, starts, title, url, expected", [
    ("summer", False, "Cold Brew Guide", "https://x.example/guides/cold-brew", False),   # plain word, unrelated
    ("week's", False, "Meet our roaster", "https://x.example/blog/roaster", False),     # possessive, still plain
    ("Weigh", True, "Cupping at home", "https://x.example/blog/cupping", False),        # capital of a sentence
    ("Kenya", False, "New lot has landed", "https://x.example/blog/new-lot", True),     # a name
    ("Weigh", False, "Cupping at home", "https://x.example/blog/cupping", True),        # capital mid-sentence
    ("PyObject", True, "Common structures", "https://x.example/c-api/structures", True),  # code shape
    ("timer", False, "Digital Coffee Scale with Timer", "https://x.example/shop/scale", True),  # in the title
    ("grinders", False, "Gear", "https://x.example/shop/grinders", True),              # in the URL path
    ("example", False, "Gear", "https://x.example/shop/gear", False),                  # the host names no page
    ("paper filters", False, "Gear", "https://x.example/shop/gear", True),             # two words
])
def test_vocabulary_only_one_word_anchor_must_name_the_target(anchor, starts, title, url, expected):
    from inlink.links.text import names_target

    assert names_target(anchor, title, "", url, starts_sentence=starts) is expected


def test_shared_vocabulary_never_yields_a_plain_word_unrelated_to_the_target():
    """On the sample site every one-word anchor found by shared vocabulary is a name or names its target."""
    from pathlib import Path

    from inlink.site.load import load_site
    from inlink.links.text import is_plain_word

    sample = Path(__file__).resolve().parents[1] / "sample_data"
    site = load_site(sample / "pages.csv", sample / "inlinks.csv")
    index = build_index(site, AnalysisConfig(min_confidence=0.0))
    rows = [row for url in source_pages(index) for row in analyze_page(index, url)]
    shared = [r for r in rows if "which only" in r["Reason"] or "than in any other page" in r["Reason"]]
    assert shared, "the sample site should exercise vocabulary-only anchors"
    for row in shared:
        target = index.url_pos[row["Destination"]]
        path = urlsplit(row["Destination"]).path
        about = set(re.findall(r"[a-z0-9]+", f"{index.titles[target]} {index.h1s[target]} {path}".lower()))
        if is_plain_word(row["Anchor"]) and " " not in row["Anchor"]:
            assert re.sub(r"['’]s$", "", row["Anchor"].lower()) in about, row


def test_validate_suggestion_holds_a_models_one_word_pick_to_the_same_bar():
    index = build_index(shoe_site(), AnalysisConfig())
    source = BASE + "blog/choosing-shoes"
    refused = validate_suggestion(index, source, BASE + "jackets", "weather")
    assert refused and "does not name the target" in refused
    assert validate_suggestion(index, source, BASE + "trail", "trail") is None        # a word of its title
    assert validate_suggestion(index, source, BASE + "jackets", "Waterproof Jackets") is None


def test_candidates_offer_only_anchors_the_engine_itself_would_use():
    index = build_index(shoe_site(), AnalysisConfig())
    source = BASE + "blog/choosing-shoes"
    for candidate in candidates_for(index, source, k=10):
        if candidate.anchor:
            assert validate_suggestion(index, source, candidate.destination, candidate.anchor) is None
