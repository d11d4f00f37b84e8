"""Many phrases found at once: the one builder of the Aho-Corasick automata (pyahocorasick) the engine searches
with (a page's link anchors around a tried place, the site's quoted section titles, the headings that cited
sections name)."""
from __future__ import annotations

from typing import Iterable

import ahocorasick


def phrase_automaton(words: Iterable[tuple[str, object]]) -> ahocorasick.Automaton:
    """An automaton of the (word, value) pairs, ready to search: its iter(text) yields (end index, value) for each
    occurrence of a word, overlapping ones too. A word given twice keeps its last value."""
    built = ahocorasick.Automaton()
    for word, value in words:
        built.add_word(word, value)
    built.make_automaton()
    return built
