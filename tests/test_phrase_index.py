"""PhraseIndex: phrases, their ids and the trie survive the saved state's pickle, and keep growing after it."""
import pickle

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
