"""Pages that share one title (homonyms): a reference manual documents a variable, an environment variable, a
target property and a directory property of the same name, each on a page of its own, filed in a folder of its
kind ("variable/", "envvar/", "prop_tgt/", "prop_dir/"). A mention of the name says which one it means by the kind
word written beside it ("the COMPILE_OPTIONS directory property", "the CMAKE_OSX_ARCHITECTURES variable").

Why its own module: the ranking weighs the pages' topics, which homonyms share almost word for word, so it picked
one of them whatever the sentence said (held-out build tool's manual: 47 of its 56 high and medium rows to a
homonym that were no link of its editors went to the wrong one, its editors having linked the sibling). Read
here: the words of each homonym's URL folders that the others' lack, and whether the words beside a mention
abbreviate one of them ("dir" of "directory", "tgt" of "target", "envvar" of "environment variable").
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from inlink.links.index import LinkIndex

_FOLDER_PART_RE = re.compile(r"[^\W\d_]{2,}")
_WORDS_AFTER_RE = re.compile(r"[ \u00a0]+([^\W\d_]+)(?:[ \u00a0]+([^\W\d_]+))?")
_WORDS_BEFORE_RE = re.compile(r"(?:([^\W\d_]+)[ \u00a0]+)?([^\W\d_]+)[ \u00a0]+$")
CUE_REACH = 40   # characters before a mention where its kind words are read


def _folder_parts(url: str) -> frozenset[str]:
    """The words of a URL's folders (not its file's name), lowercased: "prop", "tgt" of ".../prop_tgt/X.html"."""
    folders = urlsplit(url).path.rsplit("/", 1)[0]
    return frozenset(part.lower() for part in _FOLDER_PART_RE.findall(folders))


def homonym_kinds(index: LinkIndex) -> dict[int, tuple[frozenset[str], list[frozenset[str]]]]:
    """Per page that shares its title with another: the words of its URL folders that its homonyms lack, and the
    same of each homonym. Made once per run (index.derived)."""
    found = index.derived.get("homonym_kinds")
    if found is not None:
        return found
    by_title: dict[str, list[int]] = {}
    for page, title in enumerate(index.titles):
        if title:
            by_title.setdefault(title, []).append(page)
    found = {}
    for pages in by_title.values():
        if len(pages) < 2:
            continue
        parts = {page: _folder_parts(index.urls[page]) for page in pages}
        common = frozenset.intersection(*parts.values())
        for page in pages:
            found[page] = (parts[page] - common, [parts[other] - common for other in pages if other != page])
    index.derived["homonym_kinds"] = found
    return found


def _abbreviates(part: str, words: list[str]) -> bool:
    """The folder word abbreviates a cue word ("dir": "directory", "tgt": "target") or two in a row ("envvar":
    "environment variable"): the same first letter, its letters in order."""
    candidates = words + ["".join(words[i:i + 2]) for i in range(len(words) - 1)]
    return any(word[:1] == part[:1] and _in_order(part, word) for word in candidates)


def _in_order(part: str, word: str) -> bool:
    letters = iter(word)
    return all(letter in letters for letter in part)


def cue_words(text: str, start: int, end: int) -> list[str]:
    """The two words right before a mention and the two right after it, lowercased (its kind words, if any)."""
    words = []
    before = _WORDS_BEFORE_RE.search(text, max(0, start - CUE_REACH), start)
    after = _WORDS_AFTER_RE.match(text, end)
    for match in (before, after):
        if match:
            words.extend(word.lower() for word in match.groups() if word)
    return words


def names_another_kind(index: LinkIndex, target: int, text: str, start: int, end: int) -> bool:
    """Whether the words beside text[start:end] name the kind of one of the target's homonyms better than the
    target's own (more of its folder words abbreviate them: "the COMPILE_OPTIONS directory property" answers
    "prop" and "dir" of "prop_dir/", only "prop" of "prop_tgt/"): that mention is the other page's. Only a mention
    by the title they share; one without a kind word, or naming two kinds as well, is left to the ranking."""
    kinds = homonym_kinds(index).get(target)
    if kinds is None or text[start:end].lower() != index.titles[target].lower():
        return False   # a mention by another name than the title the pages share says nothing of which
    own, others = kinds
    words = cue_words(text, start, end)
    if not words:
        return False
    mine = sum(_abbreviates(part, words) for part in own)
    return any(sum(_abbreviates(part, words) for part in other) > mine for other in others)
