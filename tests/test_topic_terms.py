"""How a reason's "Both pages are about ..." words are chosen (inlink/links/evidence.topic_terms), on made-up
pages: a term the two pages write differently is no shared topic."""
from __future__ import annotations

from test_analyzer import BASE, FILLER, make_site, suggestions

from inlink.links.evidence import _PageSpelling, _spelled_alike
from inlink.links.suggest import AnalysisConfig


def _about(rows: list[dict], source: str, target: str) -> str:
    """The shared-topic words of the row from `source` to `target` ("" when the reason names none)."""
    reason = next(row["Reason"] for row in rows if row["Source"] == BASE + source and row["Destination"] == BASE + target)
    return reason.split("Both pages are about ")[1].split(" (similarity")[0] if "Both pages are about" in reason else ""


def test_a_page_reads_a_sentence_capital_as_the_lowercase_word_and_an_acronym_as_itself():
    spell = _PageSpelling("Quill opens the QUILL shell. The quill parser reads it. Then Quill stops.")
    assert spell.spellings("quill") == {"quill", "QUILL", "Quill"}   # "Quill" mid-sentence is the word's capital
    assert _PageSpelling("Quill opens. Run the REPL.").spellings("quill") == {"quill"}
    assert _PageSpelling("Run the REPL.").spellings("repl") == {"REPL"}
    assert _PageSpelling("replacement only").spellings("repl") == set()


def test_a_term_the_two_pages_write_in_different_cases_is_not_a_shared_topic():
    source = _PageSpelling("Start the REPL, then the ledger. The ledger REPL prints.")
    target = "ledger.swap(pattern, repl): repl is called for each ledger entry."
    assert _spelled_alike(["repl", "ledger", "swap"], source, target) == ["ledger", "swap"]
    # written alike somewhere on both pages: kept (a page that also writes repl in lowercase)
    assert _spelled_alike(["repl"], _PageSpelling("REPL, or repl for short."), target) == ["repl"]


def test_an_acronym_in_prose_and_a_parameter_of_the_same_letters_name_no_topic_in_a_reason():
    shared = "The ledger keeps each voucher; a voucher names its ledger and its tally. "
    rows = suggestions(make_site([
        {"path": "swap", "title": "swap | Handbook", "h1": "swap",
         "content": "swap. swap(pattern, repl, text): repl replaces each match; repl may be a function, and repl "
                    "is called once per match. " + shared * 3 + FILLER},
        {"path": "shell", "title": "Shell | Handbook", "h1": "Shell",
         "content": "Shell. Start the REPL and type swap to try it. The REPL echoes; quit the REPL with Ctrl-D. "
                    + shared * 3 + FILLER},
        *({"path": f"other{i}", "title": f"Other {i} | Handbook", "content": f"Other page {i}. " + FILLER}
          for i in range(8)),
    ]), AnalysisConfig(min_confidence=0.0))
    about = _about(rows, "shell", "swap")
    assert "ledger" in about and "repl" not in about.lower()


def test_a_spelling_both_pages_share_past_the_window_still_counts():
    from inlink.links.evidence import SPELLING_WINDOW

    source = _PageSpelling("Run the REPL. " + "The ledger balances. " * (SPELLING_WINDOW // 20) + "Type repl then.")
    assert _spelled_alike(["repl"], source, "swap(pattern, repl)") == ["repl"]


def _words(prefix: str, count: int) -> str:
    """`count` made-up words each written once ("pourab pourac ..."): a page's everyday words, all tied."""
    return " ".join(f"{prefix}{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(count)) + ". "


def _grinder_rows(shared: str) -> list[dict]:
    """Rows of a ten-page site where "Brewing" mentions "Grinders", the two pages sharing `shared` besides
    words of their own (each also on one other page, as the shared words are on two)."""
    return suggestions(make_site([
        {"path": "grinders", "title": "Grinders | Handbook", "h1": "Grinders",
         "content": "Grinders. A grinder sits on the counter. " + shared + _words("mill", 60) + FILLER},
        {"path": "brewing", "title": "Brewing | Handbook", "h1": "Brewing",
         "content": "Brewing. Pick one of our Grinders first; the kettle sits beside it. " + shared
                    + _words("pour", 60) + FILLER},
        {"path": "mills", "title": "Mills | Handbook", "content": "Mills. " + _words("mill", 60) + FILLER},
        {"path": "pouring", "title": "Pouring | Handbook", "content": "Pouring. " + _words("pour", 60) + FILLER},
        *({"path": f"other{i}", "title": f"Other {i} | Handbook", "content": f"Other page {i}. " + FILLER}
          for i in range(6)),
    ]), AnalysisConfig(min_confidence=0.0))


def test_a_reason_names_the_key_terms_both_pages_share_not_an_everyday_word_they_both_use_once():
    about = _about(_grinder_rows("The burr sets the grind; a burr wears, so check the burr and the burr set. "),
                   "brewing", "grinders")
    assert "burr" in about and "sits" not in about


def test_words_both_pages_use_once_as_they_use_their_own_are_no_shared_topic():
    about = _about(_grinder_rows(_words("both", 15)), "brewing", "grinders")
    assert about == "Grinders"   # the target's title word only, none of the everyday words


def test_key_term_weights_and_ranks_read_from_sorted_rows_are_the_counts_of_every_weight():
    """_key_columns reads a shared term's weight and rank by searching the row's sorted columns and weights; they
    must equal the counts over every weight (ties included) that they replaced, bit for bit."""
    import numpy as np

    from inlink.links.evidence import _ranks, _weights_of
    rng = np.random.default_rng(7)
    for _ in range(300):
        columns = np.sort(rng.choice(60, size=int(rng.integers(0, 30)), replace=False)).astype(np.int32)
        weights = rng.choice([0.125, 0.25, 0.3, 0.5], size=len(columns)).astype(np.float32)   # many ties
        wanted = rng.choice(60, size=6, replace=False).astype(np.int64)
        expected = ((columns[:, None] == wanted[None, :]) * weights[:, None]).sum(axis=0)
        found = _weights_of(columns, weights, wanted)
        assert found.dtype == expected.dtype and np.array_equal(found, expected)
        assert np.array_equal(_ranks(np.sort(weights), found), (weights[:, None] >= found[None, :]).sum(axis=0) - 1)


def test_a_pages_speller_is_made_once_for_the_run_and_the_kept_ones_are_bounded(monkeypatch):
    from types import SimpleNamespace

    from inlink.links import evidence
    index = SimpleNamespace(texts=["Run the REPL.", "The ledger.", "A swap."], derived={})
    first = evidence._page_speller(index, 0, {})
    assert evidence._page_speller(index, 0, {}) is first   # as a source, then as another page's target
    assert first("repl") == "REPL"
    monkeypatch.setattr(evidence, "SPELLERS_KEPT", 2)
    evidence._page_speller(index, 1, {})
    evidence._page_speller(index, 2, {})   # past the bound: the kept ones are dropped
    assert evidence._page_speller(index, 0, {}) is not first
