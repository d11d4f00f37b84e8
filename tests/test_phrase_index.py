"""PhraseIndex: phrases, their ids and the trie survive the saved state's pickle, and keep growing after it;
how a target spells its key terms (naming._spellings_in)."""
import pickle
import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from inlink.links.anchors import Phrase, PhraseIndex


def _index() -> PhraseIndex:
    index = PhraseIndex()
    index.add("JSON encoder", 1, "title")
    index.add("json encoder", 2, "key")
    index.add("PyObject_New", 3, "defined")
    index.add("pyobject_new", 4, "key")
    index.add("the", 5, "title")   # a stop word alone: unusable
    return index


def test_a_pickled_phrase_index_restores_its_phrases_ids_and_trie():
    index = _index()
    restored = pickle.loads(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
    assert restored.phrases == index.phrases
    assert all(isinstance(phrase, Phrase) for phrase in restored.phrases)
    assert restored.trie == index.trie and restored._ids == index._ids
    assert restored.ids_for(("json", "encoder")) == index.ids_for(("json", "encoder")) == (0,)
    assert restored.ids_for(("pyobject_new",)) == (1, 2)   # case-sensitive and plain spellings


def test_a_restored_phrase_index_takes_new_phrases():
    restored = pickle.loads(pickle.dumps(_index()))
    pid = restored.add("json encoder", 7, "inbound")
    assert pid == 0 and restored.phrases[0].targets == {1: "title", 2: "key", 7: "inbound"}
    new = restored.add("JSON decoder", 8, "title")
    assert restored.ids_for(("json", "decoder")) == (new,)


def test_a_restored_phrase_index_read_while_another_thread_makes_its_trie_finds_every_phrase():
    """A restored index makes its trie on first use; a Gemini job's pages in flight analyse at once, and a thread
    that read the trie while another was filling it missed phrases (a resumed job's first pages lost candidates,
    "match" for compound statements on the docs' string page). The maker is held halfway by a gate."""
    restored = pickle.loads(pickle.dumps(_index()))
    halfway, go_on = threading.Event(), threading.Event()

    class Gated(list):
        def __iter__(self):   # the maker stops after the first phrase until the reader has read
            for number, phrase in enumerate(list.__iter__(self)):
                if number == 1 and threading.current_thread() is maker:
                    halfway.set()
                    go_on.wait(10)
                yield phrase

    restored.phrases = Gated(restored.phrases)
    maker = threading.Thread(target=lambda: restored.trie)
    maker.start()
    try:
        assert halfway.wait(10)
        found = restored.ids_for(("pyobject_new",))
    finally:
        go_on.set()
        maker.join(10)
    assert found == (1, 2)
    assert restored.ids_for(("json", "encoder")) == (0,)


def _lowered_spellings(text: str, terms: list[str]) -> list[str]:
    """_spellings_in's definition: each term's first occurrence in text.lower(), spelled as the text does."""
    lowered = text.lower()
    if len(lowered) != len(text):
        return list(terms)
    return [text[pos:pos + len(term)] if (pos := lowered.find(term)) >= 0 else term for term in terms]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aAkKzZ é.\u212a\u0130\u03a3\u03c3\U0001f600", max_size=30),
       st.lists(st.text(alphabet="akz é\u03c3", min_size=1, max_size=3), max_size=4))
def test_spellings_are_found_as_in_the_lowered_text(text, terms):
    """The ASCII shortcut (the text lowered as ASCII bytes) finds what str.lower() finds, Kelvin sign, dotted
    capital I, sigma and characters beyond the basic plane included."""
    from inlink.links.naming import _spellings_in

    assert _spellings_in(text, terms) == _lowered_spellings(text, terms)
