"""Whether a crawl's pages are written in a script that leaves no space between words and that the offline engine
does not segment (Thai, Lao, Khmer, Burmese, Tibetan).

Why: the engine's words are runs of letters between spaces and marks, so a sentence of Thai is one long "word" and
a page's title is found in its prose only where spaces or brackets happen to stand around it. Such pages get few
suggestions or none, and the import report says so rather than leaving the analyst to wonder why. (Chinese and
Japanese are read one character a word, text.SOLO_CHARS: a title is found as the run of its characters; the Debian
reference's Japanese pages went from no row to two per page, Apache's manual's found its Japanese titles.) Told from
the text itself, not from a language column a plain export may lack: a page at least UNSPACED_SHARE of whose
letters, in its first SAMPLE_CHARS characters, are of those scripts (an English page quoting a Thai word or two is
not counted).
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from inlink.wording import counted

SAMPLE_CHARS = 2000   # characters read from the start of each page
UNSPACED_SHARE = 0.3  # of a page's letters in those scripts, at least, for the page to count as written in them
# Thai, Lao, Tibetan, Myanmar, Khmer.
_UNSPACED_RE = re.compile("[\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff]")
_LETTER_RE = re.compile(r"[^\W\d_]")


def unspaced_pages(texts: Sequence) -> int:
    """How many of the texts are written in a script without spaces between words (module docstring: a third of
    a page's opening letters or more)."""
    found = 0
    for text in texts:
        if not isinstance(text, str) or not text:
            continue
        sample = text[:SAMPLE_CHARS]
        if sample.isascii() or not _UNSPACED_RE.search(sample):   # most pages of most sites: one scan at C speed
            continue
        found += len(_UNSPACED_RE.findall(sample)) >= UNSPACED_SHARE * len(_LETTER_RE.findall(sample))
    return found


def unspaced_warning(texts: Sequence) -> str | None:
    """A line for the import report when some pages are written in a script without spaces between words."""
    pages = unspaced_pages(texts)
    if not pages:
        return None
    return (f"{counted(pages, 'page')} {'is' if pages == 1 else 'are'} written in a script without spaces between "
            "words (Thai, Lao, Khmer, Burmese, Tibetan): the offline engine does not split such words, so "
            f"{'this page gets' if pages == 1 else 'these pages get'} few suggestions or none.")
