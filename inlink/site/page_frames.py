"""Whether a crawl's plain text holds the site's frame (its menus, sidebar or footer) around each page's own text.

Why: an export of each page's whole body as text (a custom extraction of `//body` rather than of the article) puts
the same menu and footer words on every page, and between them the titles of the pages the menus name ("Next topic
argparse - Parser for command-line options"): title-exact anchors, so they filled the high tier with links no editor
of one page can add (the Python docs exported so: high tier 0.42 real links against 0.95 from its article's text).
HTML says which part is the frame (site/main_content.py, links/template_text.py); plain text does not, so the import
report says so and what to export instead. Told by the words: a run of RUN_WORDS words that opens or closes the text
of at least half of the pages (and MIN_PAGES) is a template's.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

RUN_WORDS = 8          # words in a run compared across pages: fewer are a common phrase ("for more information see")
EDGE_CHARS = 400       # where a page's frame stands: its text's first and last characters
MIN_PAGES = 5          # a run on fewer pages is no template's, whatever the site's size
SHARE = 0.5            # ... and it stands on at least this share of the pages compared
MAX_PAGES = 200        # pages compared, spread over the file: a share needs no more, and each costs 0.1 ms
CANDIDATE_PAGES = 8    # the runs counted are those of this many of them, spread over the file (a frame on half of the
                       # pages or more misses all eight only where it skips exactly those): counting every page's runs
                       # held 5 MB of tuples at once, and the importer keeps its peak under three times the file's size
                       # (test_import_memory)


def frame_warning(texts: Sequence[str]) -> str | None:
    """A line for the import report when the pages' plain text opens or ends with the site's frame, else None."""
    pages = [text for text in texts if isinstance(text, str) and text]
    if len(pages) < MIN_PAGES:
        return None
    pages = pages[::-(-len(pages) // MAX_PAGES)]   # every n-th page, n rounded up
    candidates = set().union(*map(_edge_runs, pages[::-(-len(pages) // CANDIDATE_PAGES)]))
    counts: Counter = Counter()
    for text in pages:
        counts.update(_edge_runs(text) & candidates)
    if not counts:
        return None
    run, count = counts.most_common(1)[0]
    if count < max(MIN_PAGES, SHARE * len(pages)):
        return None
    return (f'The text of {count / len(pages):.0%} of the pages opens or ends with the same words ("{" ".join(run)}"): '
            "the site's menu, sidebar or footer, read as page text? Links would be suggested there, where no editor of "
            "one page can add them. Export each page's main content only (a custom extraction of the article, not the "
            "body), export it as HTML (menus and footers are then left out), or fetch the pages.")


def _edge_runs(text: str) -> set[tuple[str, ...]]:
    """The runs of RUN_WORDS words standing in the first and the last EDGE_CHARS characters of a page's text (the
    words those bounds cut left out; a short page's two ends may overlap: its runs are a set)."""
    runs = set()
    cut = len(text) > EDGE_CHARS
    for words in (text[:EDGE_CHARS].split()[:-1 if cut else None], text[-EDGE_CHARS:].split()[1 if cut else 0:]):
        runs.update(tuple(words[at:at + RUN_WORDS]) for at in range(len(words) - RUN_WORDS + 1))
    return runs
