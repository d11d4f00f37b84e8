"""overlaps_linked reads all of a page's link anchors at once (an Aho-Corasick automaton): it must say exactly what
a search of each anchor around the span says, for any text, anchors and span (overlapping anchors, an anchor
inside another, spans of no width, places at either end of the text)."""
from hypothesis import given, settings, strategies as st

from inlink.links.linked_text import _bounded, overlaps_linked

PIECES = ["form", "at", " ", "a", "b", ".", "3", "1", "-", "mail", "e", "x", "Python ", "é", "\n"]
ANCHORS = ["form", "format", "a b", "b", "3.1", "Python 3.1", "e-mail", "mail", "x", "ab", "ba", "é"]


def one_find_per_anchor(text: str, anchors, start: int, end: int) -> bool:
    """The rule as it reads: an occurrence of an anchor overlapping the span lies whole within [lo, hi)."""
    for anchor in anchors:
        lo, hi = max(0, start - len(anchor) + 1), min(len(text), end + len(anchor) - 1)
        at = text.find(anchor, lo, hi)
        while at >= 0:
            if _bounded(text, at, at + len(anchor)):
                return True
            at = text.find(anchor, at + 1, hi)
    return False


@st.composite
def cases(draw):
    text = "".join(draw(st.lists(st.sampled_from(PIECES), max_size=24)))
    anchors = tuple(sorted(set(draw(st.lists(st.sampled_from(ANCHORS), min_size=1, max_size=5)))))
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, len(text)))
    return text, anchors, start, end


@settings(max_examples=400, deadline=None)
@given(cases())
def test_all_anchors_at_once_agree_with_one_search_per_anchor(case):
    text, anchors, start, end = case
    assert overlaps_linked(text, anchors, start, end) == one_find_per_anchor(text, anchors, start, end)


def test_an_anchor_inside_a_longer_anchor_and_a_word_are_told_apart():
    text = "Use the format option, not the form, see Python 3.1 notes."
    anchors = ("Python 3.1", "form", "3.1")
    form = text.index("form,")
    assert overlaps_linked(text, anchors, form, form + 4)
    assert not overlaps_linked(text, ("form",), text.index("format"), text.index("format") + 6)   # inside a word
    notes = text.index("3.1 notes")
    assert overlaps_linked(text, anchors, notes + 4, notes + 9) is False
    assert overlaps_linked(text, anchors, notes, notes + 3)
    assert not overlaps_linked(text, (), 0, len(text))
