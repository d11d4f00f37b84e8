"""Engine rules found on the invented prose handbook (sample_data/handbook/), each on a small synthetic site."""
from __future__ import annotations

from test_analyzer import BASE, FILLER, make_site, suggestions

from inlink.links.suggest import AnalysisConfig
from inlink.links.placement import glued_heading
from inlink.links.page_kinds import moved_pages


def _stub_site():
    """A chapter mentions "Snapshots"; the page titled so is a stub that moved, the topic lives elsewhere."""
    return make_site([
        {"path": "guide/disks", "title": "Disks | Handbook", "h1": "Disks",
         "content": "Disks. Before you change a disk, read about Snapshots and Backup Strategies, then plan the "
                    "work with the volunteers. " + FILLER},
        {"path": "guide/snapshots", "title": "Snapshots | Handbook", "h1": "Snapshots",
         "content": "Snapshots. This page has moved. Snapshots are now covered in Backup Strategies."},
        {"path": "guide/backup-strategies", "title": "Backup Strategies | Handbook", "h1": "Backup Strategies",
         "content": "Backup Strategies. Keep three copies of the data. Snapshots of a disk are quick but live on "
                    "the same machine, so they do not count as a copy. " + FILLER * 3},
    ])


def test_a_page_that_says_it_moved_is_never_a_target_but_still_a_source():
    rows = suggestions(_stub_site(), AnalysisConfig(min_confidence=0.0))   # not even a low row
    assert all(row["Destination"] != BASE + "guide/snapshots" for row in rows)
    assert any(row["Source"] == BASE + "guide/snapshots"
               and row["Destination"] == BASE + "guide/backup-strategies" for row in rows)
    assert any(row["Destination"] == BASE + "guide/backup-strategies" for row in rows
               if row["Source"] == BASE + "guide/disks")


def test_only_short_pages_saying_they_moved_in_their_opening_are_moved():
    assert moved_pages(["Quick Start. This page has moved. See Installation.",
                        "Old Guide. The guide has been relocated to the new handbook.",
                        "Release 2.1. The cache module was renamed; an open redirect was fixed. " + FILLER,
                        "Porting. " + FILLER * 6 + "The signals module has been moved to core.",
                        ""]) == [True, True, False, False, False]


def test_a_short_page_of_an_old_edition_is_a_stub_unless_every_page_carries_that_banner():
    """An old edition's page keeps its short title ("Structs") and a few lines of the old text, and says a new
    edition replaced it: a pointer, not the page an editor links. A site whose long pages open with the same
    words is an old version throughout: its short pages are no stubs."""
    old_link = "There is a new edition of the book and this is an old link. "
    stub = "Structs. " + old_link + "A struct names and packages related values. In second edition: Ch 5 Structs"
    assert moved_pages([stub, "Using Structs. " + FILLER * 2,
                        "Enums. This is an outdated page. Enums list the values a type can take."]) == [True, False, True]
    assert moved_pages([stub, "Using Structs. " + old_link + FILLER * 14]) == [False, False]


def test_a_heading_run_into_its_paragraph_is_no_anchor_on_plain_text():
    """Plain text glues each section heading to the paragraph after it; a chapter's own "Getting Started"
    section is not a mention of another chapter's page titled so. A real mention in a sentence still is."""
    rows = suggestions(make_site([
        {"path": "install", "title": "Installation | Handbook", "h1": "Installation",
         "content": "Installation Getting Started Keelson runs on any recent machine with a disk you trust. "
                    "Where things live The program keeps its data in one folder. " + FILLER},
        {"path": "reports", "title": "Reports | Handbook", "h1": "Reports",
         "content": "Reports Building your own New to custom reports? Read Getting Started first; it builds "
                    "one step by step. " + FILLER},
        {"path": "reports/getting-started", "title": "Getting Started | Handbook", "h1": "Getting Started",
         "content": "Getting Started This page builds a first custom report in five steps, from a machine "
                    "you trust. " + FILLER},
    ]), AnalysisConfig(min_confidence=0.0))
    to_start = [row for row in rows if row["Destination"] == BASE + "reports/getting-started"]
    assert not [row for row in to_start if row["Source"] == BASE + "install"]
    assert [row["Anchor"] for row in to_start if row["Source"] == BASE + "reports"] == ["Getting Started"]


def test_glued_heading_opens_a_sentence_or_block_before_a_capital_within_the_block():
    text = "Overview Some work is heavy. Read Overview First thing. See Overview now."
    assert glued_heading(text, 0, 8)                             # opens the text, "Some" follows
    assert not glued_heading(text, 34, 42)                       # "Read Overview": inside its sentence
    assert not glued_heading(text, 57, 65)                       # a small letter follows
    items = "MySQL notes Oracle notes"                           # two list items, one block each (HTML)
    assert glued_heading(items, 0, 11) and not glued_heading(items, 0, 11, (0, 11))
    assert not glued_heading("Class-based views API reference.", 0, 17)   # a shouted word goes on with the name


def _shared_topic(target: tuple[str, str], source: tuple[str, str], shared: str) -> str:
    """The "Both pages are about …" words of the row from page `source` to page `target` ((path, title) each),
    on a site where both pages hold `shared` three times and eight other pages do not."""
    rows = suggestions(make_site([
        {"path": target[0], "title": f"{target[1]} | Handbook", "h1": target[1],
         "content": f"{target[1]} is covered here. " + shared * 3 + FILLER},
        {"path": source[0], "title": f"{source[1]} | Handbook", "h1": source[1],
         "content": f"{source[1]}. Read {target[1]} before you edit the file. " + shared * 3 + FILLER},
        *({"path": f"other{i}", "title": f"Other {i} | Handbook", "content": f"Other page {i}. " + FILLER}
          for i in range(8)),
    ]), AnalysisConfig(min_confidence=0.0))
    reason = next(row["Reason"] for row in rows if row["Source"] == BASE + source[0]
                  and row["Destination"] == BASE + target[0])
    return reason.split("Both pages are about ")[1].split(" (similarity")[0]


def test_numbers_and_single_letters_name_no_shared_topic_in_a_reason():
    config = ("Set quiet_hours = 01:00-05:00 and replica_of = 192.168.1.20 on the replica; see Appendix B for "
              "replication. ")
    about = _shared_topic(("replication", "Replication"), ("settings", "Settings"), config)
    assert "replica" in about and not any(term in about for term in ("00", "05", "192", " b,", "b and"))


def test_a_reason_names_the_shared_topic_as_the_page_spells_it_without_versions_or_possessives():
    shared = ("Call LedgerSync before the bridge starts (v20.19.0, v20.19.0 and v21.0.1); LedgerSync and the "
              "bridge’s queue, the bridge’s log and the bridge’s cache keep each entry from v20.19.0 on LedgerSync. ")
    about = _shared_topic(("bridge", "Message Bridge"), ("sync", "Syncing"), shared)
    assert "LedgerSync" in about and "ledgersync" not in about     # spelled as the page writes it
    assert "bridge" in about and "Bridge" not in about.replace("Message Bridge", "")   # lowercase where written so
    assert "v20" not in about and "’s" not in about               # a version, a possessive: no topic


def test_versions_contractions_and_two_letter_tags_name_no_topic():
    from types import SimpleNamespace

    import numpy as np

    from inlink.links.evidence import _topic_worthy
    terms = np.array(["ledger", "v20.19.0", "3.11", "shouldn’t", "bridge’s", "don't", "td", "li", "b", "00-05",
                      "http2", "utf-8", "ipv6", "ledgersync"], dtype=object)
    index = SimpleNamespace(model=SimpleNamespace(terms=terms, df=np.full(len(terms), 3)), urls=[""] * 40,
                            shareable_terms=np.ones(len(terms), dtype=bool), derived={})
    assert [str(t) for t in terms[_topic_worthy(index)]] == ["ledger", "http2", "utf-8", "ipv6", "ledgersync"]


def test_a_word_only_two_pages_of_a_site_use_names_no_topic():
    """"Both pages are about sjoerd, Jack and zfill": names in one example the two pages share (an editor's read).
    On a small site every shareable word is on two pages at most, so there they still name the topic."""
    from types import SimpleNamespace

    import numpy as np

    from inlink.links.evidence import _topic_worthy
    terms = np.array(["coroutine", "sjoerd", "zfill"], dtype=object)

    def index(pages: int):
        return SimpleNamespace(model=SimpleNamespace(terms=terms, df=np.array([7, 2, 2])), urls=[""] * pages,
                               shareable_terms=np.ones(len(terms), dtype=bool), derived={})
    assert [str(t) for t in terms[_topic_worthy(index(500))]] == ["coroutine"]
    assert [str(t) for t in terms[_topic_worthy(index(12))]] == ["coroutine", "sjoerd", "zfill"]


def test_a_topic_word_is_spelled_as_the_page_writes_it_even_far_down_the_page():
    from inlink.links.evidence import SPELLING_WINDOW, _PageSpelling

    text = "The cache runs. " * (SPELLING_WINDOW // 16 + 10) + "Add UpdateCacheMiddleware to the list."
    spell = _PageSpelling(text)
    assert spell("updatecachemiddleware") == "UpdateCacheMiddleware"
    assert spell("cache") == "cache" and spell("nowhere") == "nowhere"


def test_a_key_phrase_reason_says_how_often_the_target_writes_it():
    """"The target uses X more than any other page does" read as strong evidence for a term the target wrote once:
    the reason says the term weighs most there for the page's length, and how often it is written there."""
    from types import SimpleNamespace

    from inlink.links.evidence import _key_phrase_fact

    index = SimpleNamespace(texts=["", "Use SyndicationFeed here. A syndicationfeed, not SyndicationFeeds."])
    assert _key_phrase_fact(index, "SyndicationFeed", 1).endswith("; it is written there twice")
    assert _key_phrase_fact(index, "Atom", 1) == '"Atom" weighs more in the target than in any other page, for its length'


def test_a_reason_names_a_shared_topic_once_not_in_two_of_its_forms():
    """"Both pages are about collation, collations and locales" says one thing twice: a plural (or singular) of a
    term already named gives its place to the next term."""
    for shared, forms in (("The vault and the vaults, vault after vaults, keep the ledger. ", {"vault", "vaults"}),
                          ("Entries and entry: one entry, many entries, in the ledger. ", {"entry", "entries"})):
        about = _shared_topic(("journal", "Journal"), ("sync", "Syncing"), shared)
        named = [term.strip() for term in about.replace(" and ", ", ").split(",")]
        assert len(named) == 3 and len(forms & set(named)) == 1 and "ledger" in named

    from inlink.links.evidence import _distinct_terms
    assert _distinct_terms(["collation", "collations", "locales", "slots"]) == ["collation", "locales", "slots"]
    assert _distinct_terms(["class", "classes", "process", "processes", "lock"]) == ["class", "process", "lock"]
    assert _distinct_terms(["address", "access", "bus"]) == ["address", "access", "bus"]   # "ss": no plural
    # an -ing or -ed form of a word named before (python-docs: "about embedding, extending and embed")
    assert _distinct_terms(["embedding", "extending", "embed", "locale"]) == ["embedding", "extending", "locale"]
    assert _distinct_terms(["parsed", "parse", "parsing", "tokens"]) == ["parsed", "tokens"]
    assert _distinct_terms(["string", "str", "ceiling"]) == ["string", "str", "ceiling"]   # too short a stem
