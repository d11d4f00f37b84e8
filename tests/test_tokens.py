"""One tokenisation per page: the tokens TF-IDF counts are the tokens anchors are matched on, the numpy offsets
are TOKEN_RE's, the id-based phrase matcher finds what the trie finds, and the weights are scikit-learn's."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from inlink.links.anchors import PhraseIndex
from inlink.links.matcher import PhraseMatcher
from inlink.links.index import AnalysisConfig, build_index
from inlink.links.similarity import TITLE_REPEAT, build_tfidf
from inlink.links.anchors import Match
from inlink.links.text import STOP_WORDS, TOKEN_PATTERN, TOKEN_RE, lowered_tokens, tokens
from inlink.links.tokens import PageWords, SiteTokens, _shape, token_offsets
from inlink.site.load import SiteData

TEXTS = [
    "Use json.dumps() for JSON; the built-in open() isn't json-like. See PyObject_New and sys.path.",
    "İstanbul's ÇAĞ and straße: DŽungla Σίσυφος ΟΔΟΣ. a..b a.-b 'quoted' it’s -lead trail- x.y.z",
    "Café naïve résumé — coöperate “quoted” ½ ² ⅷ Ⅷ ǅ ﬁ ﬀ 𝔘𝔫𝔦 e\u0301 ⓐⒶ",
    "",
    "...",
    "tabs\tand\nnew lines\r\nand ‘curly’ joiners a’b a'b a-b a.b",
    "ログファイルの設定は「設定ファイル」を参照。8章I18N と L10N、mod_rewrite の x.ログ ログ.x ロ-グ 漢字abc 한국어 ㇰ",
]


def lowers_in_place(text: str) -> bool:
    """Whether the tokeniser takes the text's lowercase to keep its token boundaries (tokens._shape)."""
    return _shape(text)[0]


@pytest.mark.parametrize("text", TEXTS)
def test_offsets_are_the_regex_tokens(text):
    matches = list(TOKEN_RE.finditer(text))
    words, starts, ends = [m.group() for m in matches], [m.start() for m in matches], [m.end() for m in matches]
    new_starts, new_ends = token_offsets(text)
    assert new_starts.tolist() == starts and new_ends.tolist() == ends
    assert list(PageWords(text, new_starts, new_ends)[0:len(words)]) == words


@pytest.mark.parametrize("text", TEXTS)
def test_page_ids_are_the_anchor_tokens_and_the_tfidf_tokens(text):
    """The ids kept for a page spell lowered_tokens(text, tokens(text)) (what anchors are matched on); when
    lowering keeps token boundaries they are also findall(text.lower()) (what scikit-learn's TF-IDF counts)."""
    site = SiteTokens.build([text])
    words = list(site.vocabulary)
    assert [words[i] for i in site.page(0)] == lowered_tokens(text, tokens(text))
    assert [words[i] for i in site.tfidf_ids(0)] == TOKEN_RE.findall(text.lower())
    assert [words[i] for i in site.present_ids(0)] == lowered_tokens(text)
    if lowers_in_place(text):
        assert TOKEN_RE.findall(text.lower()) == lowered_tokens(text, tokens(text))


@pytest.mark.parametrize("text", TEXTS)
def test_offsets_are_the_same_without_pyarrow_loaded(text, monkeypatch):
    """The character classes are looked up with pyarrow when the process has it loaded (tokens._lookup), with
    numpy otherwise (a resume from saved state): the same offsets either way."""
    import sys

    import pyarrow.compute  # noqa: F401 (loaded, as in a job that tokenised its site)

    with_arrow = [part.tolist() for part in token_offsets(text)]
    monkeypatch.setitem(sys.modules, "pyarrow.compute", None)
    assert [part.tolist() for part in token_offsets(text)] == with_arrow


def test_distinct_values_are_numpys_with_or_without_pyarrow(monkeypatch):
    import sys

    import numpy as np
    import pyarrow.compute  # noqa: F401 (loaded, as in a job that tokenised its site)

    from inlink.links.tokens import distinct
    values = np.random.default_rng(5).integers(0, 1000, 5000)
    assert sorted(distinct(values).tolist()) == np.unique(values).tolist()
    assert distinct(values[:0]).tolist() == []
    monkeypatch.setitem(sys.modules, "pyarrow.compute", None)
    assert distinct(values).tolist() == np.unique(values).tolist()


def test_lowering_that_moves_token_boundaries_is_detected():
    assert not lowers_in_place("İstanbul")
    assert not lowers_in_place("ΟΔΟΣ")
    assert lowers_in_place("Café — “quoted”")


def test_the_class_table_is_the_regular_expressions_view_of_every_character():
    from inlink.links.tokens import _char_class, _plane_classes

    table = _plane_classes()
    assert [int(table[code]) for code in range(len(table))] == [_char_class(chr(code)) for code in range(len(table))]


def _page_document(title: str, h1: str, content: str) -> str:
    """The text one page contributes to scikit-learn's TF-IDF, title and H1 weighted by repetition: what
    build_tfidf counts from the tokenised pages (TITLE_REPEAT times the head's tokens, once the content's)."""
    return f"{title or ''} {h1 or ''} " * TITLE_REPEAT + (content or "")


def _sklearn_tfidf(documents, heads):
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(token_pattern=TOKEN_PATTERN, stop_words=sorted(STOP_WORDS), sublinear_tf=True,
                                 min_df=2 if len(documents) >= 20 else 1,
                                 max_df=0.5 if len(documents) >= 20 else 1.0, dtype=np.float32)
    matrix = vectorizer.fit_transform(documents).tocsr()
    matrix.sort_indices()
    titles = vectorizer.transform(heads).tocsr()
    titles.sort_indices()
    return matrix, list(vectorizer.get_feature_names_out()), titles


def _same_csr(a, b) -> bool:
    return (a.shape == b.shape and a.indptr.tolist() == b.indptr.tolist() and a.indices.tolist() == b.indices.tolist()
            and a.data.tobytes() == b.data.tobytes())


@pytest.mark.parametrize("pages", [6, 40])   # under and over the 20 pages where min_df / max_df start
def test_tfidf_from_ids_equals_scikit_learn_bit_for_bit(pages):
    rng = np.random.default_rng(pages)
    vocabulary = "alpha beta gamma delta json.dumps PyObject built-in the of and İzmir straße naïve".split()
    contents = [" ".join(rng.choice(vocabulary, size=int(rng.integers(0, 60)))) for _ in range(pages)]
    contents[1] = TEXTS[1]
    titles = [f"Page {i} {vocabulary[i % len(vocabulary)]}" for i in range(pages)]
    h1s = ["" if i % 3 else f"Heading {vocabulary[-1 - i % 5]}" for i in range(pages)]
    heads = [f"{t} {h}" for t, h in zip(titles, h1s)]
    matrix, terms, title_matrix = _sklearn_tfidf([_page_document(t, h, c) for t, h, c in zip(titles, h1s, contents)],
                                                 heads)
    model = build_tfidf(SiteTokens.build(contents), heads)
    assert list(model.terms) == terms
    assert _same_csr(model.matrix, matrix)
    assert _same_csr(model.titles, title_matrix)


def test_no_vocabulary_gives_an_empty_model():
    model = build_tfidf(SiteTokens.build(["the of and", ""]), ["", "a"])
    assert model.matrix.shape == (2, 0) and model.titles.shape == (2, 0) and len(model.terms) == 0


def test_matcher_finds_what_the_trie_finds():
    phrases = PhraseIndex()
    for target, text in enumerate(["JSON module", "json", "PyObject", "json module tools", "Built-in Functions",
                                   "the json", "module"]):
        phrases.add(text, target, "title")
    page = ("The json module and the JSON Module: json module tools, PyObject, pyobject, built-in functions "
            "and Built-in Functions. json")
    site = SiteTokens.build([page])
    matcher = PhraseMatcher(phrases, site.vocabulary)
    starts, ends = token_offsets(page)
    words = tokens(page)
    assert matcher.scan(site.page(0), PageWords(page, starts, ends)) == _trie_scan(phrases, words)
    df = matcher.document_frequency([site.page(0), site.page(0)[:3]])
    assert matcher.document_frequency([site.page(0), site.page(0)[:3]], chunk=1).tolist() == df.tolist()
    present_everywhere = _trie_present(phrases, lowered_tokens(page)) & _trie_present(phrases, lowered_tokens(page)[:3])
    assert {pid for pid, n in enumerate(df) if n == 2} == present_everywhere
    assert {pid for pid, n in enumerate(df) if n >= 1} == _trie_present(phrases, lowered_tokens(page))


@pytest.mark.parametrize("text", TEXTS)
def test_matcher_exactness_holds_for_any_script(text):
    """Capitals found from the characters (most tokens are compared without a string) decide exactness as a
    token by token comparison does, on accented, Greek, ligature and 'İ' text (whose lowercase is longer)."""
    words = tokens(text)
    phrases = PhraseIndex()
    for i in range(len(words)):
        for spelled in (words[i:i + 2], [w.upper() for w in words[i:i + 2]], [w.lower() for w in words[i:i + 1]],
                        [w.title() for w in words[i:i + 3]], [words[i] + "_x"]):
            phrases.add(" ".join(spelled), i, "title")
    site = SiteTokens.build([text])
    matcher = PhraseMatcher(phrases, site.vocabulary)
    found = matcher.scan(site.page(0), PageWords(text, *token_offsets(text)))
    assert found == _trie_scan(phrases, words)
    assert not words or any(match.exact for match in found)


def _trie_walks(phrases: PhraseIndex, lowered: list[str]):
    """(start, end, phrase id) of every phrase spelled by the lowered tokens, by walking the phrase index's trie
    from each position: the plain algorithm the id matcher replaced, kept here as its reference."""
    for i in range(len(lowered)):
        node = phrases.trie
        for j in range(i, len(lowered)):
            node = node.get(lowered[j])
            if node is None:
                break
            for pid in node.get("", ()):
                yield i, j + 1, pid


def _trie_scan(phrases: PhraseIndex, words: list[str]) -> list[Match]:
    """Every occurrence, exact when spelled with the phrase's own capitalisation; a case-sensitive phrase
    (code-like: PyObject) only counts when exact."""
    found = []
    for i, j, pid in _trie_walks(phrases, [w.lower() for w in words]):
        phrase = phrases.phrases[pid]
        exact = tuple(words[i:j]) == phrase.original
        if exact or not phrase.case_sensitive:
            found.append(Match(i, j, pid, exact))
    return found


def _trie_present(phrases: PhraseIndex, lowered: list[str]) -> set[int]:
    """Ids of the phrases a token list contains, case ignored (what document frequencies count)."""
    return {pid for _i, _j, pid in _trie_walks(phrases, lowered)}


def test_index_keeps_one_tokenisation_and_survives_pickling():
    import pickle

    urls = [f"https://example.com/p{i}" for i in range(3)]
    pages = pd.DataFrame({"url": urls, "title": ["JSON tools", "Python pickle", "Other page"], "h1": ["", "", ""],
                          "content": ["See the Python pickle page for pickle details.", "Use JSON tools with pickle.",
                                      "Nothing about JSON tools or Python pickle here."],
                          "is_target": [True] * 3})
    index = build_index(SiteData(pages=pages, links=pd.DataFrame(columns=["source", "destination", "anchor"]),
                                 report=None), AnalysisConfig())
    words = list(index.tokens.vocabulary)
    assert [words[i] for i in index.tokens.page(0)] == lowered_tokens(pages.content[0])
    restored = pickle.loads(pickle.dumps(index))
    assert restored.matcher is not None and restored.matcher.phrases is restored.phrases.phrases   # saved, shared
    words = PageWords(pages.content[2], *token_offsets(pages.content[2]))
    assert restored.phrase_matcher().scan(restored.tokens.page(2), words) == \
        index.phrase_matcher().scan(index.tokens.page(2), words) != []


def test_batched_row_products_equal_the_row_by_row_ones():
    """A page's cosines and shared terms with all its targets at once are the row-by-row values, bit for bit."""
    from inlink.links.similarity import row_dot, row_dots, row_views, spread_row, top_shared_terms_of_rows

    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(300)]
    contents = [" ".join(rng.choice(words, size=int(rng.integers(1, 400)))) for _ in range(60)]
    model = build_tfidf(SiteTokens.build(contents), [""] * 60)
    allowed = rng.random(model.matrix.shape[1]) < 0.7
    bars = rng.random(60).astype(np.float32) * 0.1
    rows = list(range(60)) + [5, 5]
    for source in (0, 17, 59):
        dense = spread_row(model.matrix, source)
        indptr, indices, data = model.matrix.indptr, model.matrix.indices, model.matrix.data
        assert row_dots(model.matrix, rows, dense) == [row_dot(model.matrix, r, dense) for r in rows] == \
            [float(dense[indices[indptr[r]:indptr[r + 1]]] @ data[indptr[r]:indptr[r + 1]]) for r in rows] == \
            row_dots(model.matrix, rows, dense, row_views(model.matrix))
        for bar in (bars, np.zeros(60, dtype=np.float32)):
            assert top_shared_terms_of_rows(model.matrix, rows, dense, allowed, 4, bar[rows]) == \
                [top_shared_terms(model.matrix, r, dense, allowed, 4, float(bar[r])) for r in rows]
    assert row_dots(model.matrix, [], dense) == [] and top_shared_terms_of_rows(model.matrix, [], dense, allowed, 4,
                                                                                bars[:0]) == []



def test_row_dots_of_rows_sharing_one_term_or_none_equal_the_sdot_ones():
    """Rows sharing at most one term with the page (most titles' rows) are summed in one array product, not one
    sdot call each: the same values bit for bit, among empty rows and rows sharing several terms."""
    import scipy.sparse as sp
    from inlink.links.similarity import row_dot, row_dots, spread_row

    rng = np.random.default_rng(5)
    pages, width = 80, 12
    rows = [np.sort(rng.choice(width, size=int(rng.integers(0, 5)), replace=False)) for _ in range(pages)]
    matrix = sp.csr_matrix((rng.random(sum(map(len, rows))).astype(np.float32), np.concatenate(rows),
                            np.concatenate(([0], np.cumsum([len(row) for row in rows])))), shape=(pages, width))
    shared = set()
    for source in range(pages):
        dense = spread_row(matrix, source)
        asked = list(range(pages)) + [3, 3]
        assert row_dots(matrix, asked, dense) == [row_dot(matrix, row, dense) for row in asked]
        shared |= {int((dense[row] != 0).sum()) for row in rows}
    empty = [row for row in range(pages) if not len(rows[row])]
    assert shared >= {0, 1, 2, 3} and empty and row_dots(matrix, empty, dense) == [0.0] * len(empty)

def test_shared_terms_of_several_sources_at_once_equal_each_source_alone():
    """top_shared_terms_of_pairs (a mention chunk's pages and their targets in one selection) gives each pair the
    columns top_shared_terms_of_rows gives its source page alone, bit for bit."""
    from inlink.links.similarity import spread_row, top_shared_terms_of_pairs, top_shared_terms_of_rows

    rng = np.random.default_rng(5)
    words = [f"w{i}" for i in range(200)]
    contents = [" ".join(rng.choice(words, size=int(rng.integers(1, 300)))) for _ in range(40)] + [""]
    model = build_tfidf(SiteTokens.build(contents), [""] * 41)
    allowed = rng.random(model.matrix.shape[1]) < 0.7
    bars = rng.random(41).astype(np.float32) * 0.1
    sources = [0, 3, 3, 40, 17, 39]
    targets = [list(rng.choice(41, size=int(rng.integers(0, 12)))) for _ in sources]
    rows = np.array([t for found in targets for t in found], dtype=np.int64)
    pair, column = top_shared_terms_of_pairs(model.matrix, rows, model.matrix,
                                             np.repeat(sources, [len(found) for found in targets]), allowed, 4,
                                             bars[rows])
    together = [[] for _ in rows]
    for at, col in zip(pair.tolist(), column.tolist()):
        together[at].append(col)
    alone = [found for source, wanted in zip(sources, targets) for found in top_shared_terms_of_rows(
        model.matrix, wanted, spread_row(model.matrix, source), allowed, 4, bars[wanted])]
    assert together == alone and any(together)
    empty = top_shared_terms_of_pairs(model.matrix, rows[:0], model.matrix, rows[:0], allowed, 4, bars[:0])
    assert [part.tolist() for part in empty] == [[], []]


def test_the_one_key_order_of_shared_terms_is_the_lexsort_order():
    """_by_owner_heaviest_first orders entries as np.lexsort((cols, -weight, owner)) does: by one stable sort where
    each owner's columns ascend (ties in weight included), by the lexsort itself otherwise."""
    from inlink.links.similarity import _by_owner_heaviest_first

    rng = np.random.default_rng(11)
    weights = np.array([0.1, 0.2, 0.25, 0.5, 1e-30, 3e38, 0.3], dtype=np.float32)
    for _ in range(300):
        owner = np.sort(rng.integers(0, 6, int(rng.integers(0, 40))))
        cols = np.concatenate([np.sort(rng.choice(60, int((owner == o).sum()), replace=False)) for o in range(6)])
        if rng.random() < 0.3:
            cols = rng.permutation(cols)   # not ascending: the lexsort's way
        weight = rng.choice(weights, len(owner))
        assert _by_owner_heaviest_first(owner, cols, weight).tolist() == np.lexsort((cols, -weight, owner)).tolist()


def test_counts_in_chunks_equal_counts_at_once():
    from inlink.links.similarity import _count_matrix

    site = SiteTokens.build(TEXTS * 3)
    whole = _count_matrix(site.ids, site.ptr, len(site.vocabulary), chunk=10 ** 9)
    for chunk in (1, 7, 40):
        parts = _count_matrix(site.ids, site.ptr, len(site.vocabulary), chunk=chunk)
        assert (parts != whole).nnz == 0 and parts.shape == whole.shape
    assert _count_matrix(site.ids[:0], np.zeros(1, dtype=np.int64), 5).shape == (0, 5)


def _regex_site_ids(texts):
    """The reference: each page's anchor tokens by the regular expression, ids in order of first sight (a page
    whose lowercase moves token boundaries then adds its TF-IDF and phrase-statistics tokens)."""
    vocabulary, ids = {}, []
    for text in texts:
        ids.extend(vocabulary.setdefault(word, len(vocabulary)) for word in lowered_tokens(text, tokens(text)))
        if not lowers_in_place(text):
            for word in TOKEN_RE.findall(text.lower()) + lowered_tokens(text):
                vocabulary.setdefault(word, len(vocabulary))
    return list(vocabulary), ids


@pytest.mark.parametrize("chunk", [1, 60, 10 ** 9])
def test_pages_tokenised_together_get_the_regex_ids(chunk):
    """Pages are tokenised in groups (joined, packed, dictionary-encoded): any grouping gives every page the
    ids and the vocabulary order the regular expression gives it page by page."""
    texts = TEXTS * 3 + ["x", "", "a.b c", "DŽ x"]
    site = SiteTokens.build(texts, chunk=chunk)
    words, ids = _regex_site_ids(texts)
    assert list(site.vocabulary) == words and site.ids.tolist() == ids
    assert [len(site.page(i)) for i in range(len(texts))] == [len(lowered_tokens(t, tokens(t))) for t in texts]


def test_tokenising_without_pyarrow_gives_the_same_ids(monkeypatch):
    import sys

    texts = TEXTS * 2
    monkeypatch.setitem(sys.modules, "pyarrow", None)   # import pyarrow now raises ImportError
    site = SiteTokens.build(texts)
    words, ids = _regex_site_ids(texts)
    assert list(site.vocabulary) == words and site.ids.tolist() == ids


def top_shared_terms(matrix, row: int, dense: np.ndarray, allowed: np.ndarray, k: int, min_weight: float = 0.0):
    """One row's top shared terms the plain way (the engine's batched top_shared_terms_of_rows replaced it):
    the columns that contribute most to the row's similarity with the spread row, best first, restricted to
    allowed columns where the row weighs at least min_weight (ties on the lower column)."""
    lo, hi = matrix.indptr[row], matrix.indptr[row + 1]
    cols = matrix.indices[lo:hi]
    weight = dense[cols] * matrix.data[lo:hi]
    keep = (weight > 0) & allowed[cols] & (matrix.data[lo:hi] >= min_weight)
    cols, weight = cols[keep], weight[keep]
    return [int(cols[i]) for i in np.lexsort((cols, -weight))[:k]]


def test_a_pyarrow_still_being_imported_by_another_thread_is_not_used(monkeypatch):
    """A module stands in sys.modules from the moment its import starts: a job analysing pages while another job's
    thread was importing pandas (and so pyarrow.compute) called the half-made module's `take` and failed. A module
    still being imported counts as not loaded: the numpy steps give the same offsets."""
    import importlib
    import importlib.machinery
    import sys
    import types

    importlib.import_module("pyarrow.compute")   # loaded and finished: the fast steps (pyarrow with it)

    text = TEXTS[0] + " " + TEXTS[1]
    expected = [a.tolist() for a in token_offsets(text)]
    half_made = types.ModuleType("pyarrow.compute")   # what another thread's import shows half-way: no `take` yet
    half_made.__spec__ = importlib.machinery.ModuleSpec("pyarrow.compute", None)
    half_made.__spec__._initializing = True
    monkeypatch.setitem(sys.modules, "pyarrow.compute", half_made)
    assert [a.tolist() for a in token_offsets(text)] == expected
