"""A word in capitals in a page's prose is no mention of a target that writes that word otherwise and never in
capitals (inlink/links/mentions._not_shouted), on made-up pages."""
from __future__ import annotations

from test_analyzer import BASE, FILLER, make_site, suggestions

from inlink.links.suggest import AnalysisConfig


def _anchors_to(target_text: str) -> set[str]:
    """The anchors suggested from the "mail" page, which writes BUNDLERS in capitals, to the "bundlers" page."""
    rows = suggestions(make_site([
        {"path": "bundlers", "title": "Bundlers | Handbook", "h1": "Bundlers", "content": target_text + FILLER},
        {"path": "mail", "title": "Mail | Handbook", "h1": "Mail",
         "content": "Mail. Set BUNDLERS in the settings file to the addresses that get error mail. " + FILLER},
        *({"path": f"other{i}", "title": f"Other {i} | Handbook", "content": f"Other page {i}. " + FILLER}
          for i in range(6)),
    ]), AnalysisConfig(min_confidence=0.0))
    return {row["Anchor"] for row in rows if row["Source"] == BASE + "mail" and row["Destination"] == BASE + "bundlers"}


def test_a_setting_in_capitals_is_no_mention_of_the_page_about_the_lowercase_word():
    assert "BUNDLERS" not in _anchors_to("Bundlers. A bundler packs parcels; bundlers run each night. ")


def test_a_target_that_writes_the_word_in_capitals_too_keeps_the_mention():
    assert "BUNDLERS" in _anchors_to("Bundlers. A bundler packs parcels; the BUNDLERS setting lists them. ")
