"""TF-IDF page vectors and a sparse, chunked top-k of the most similar pages (never a dense N×N matrix).

Why chunked: a 50k-page site would need 10 GB for a dense similarity matrix; multiplying row blocks of the
normalised matrix by its transpose and keeping only k columns per row bounds memory by the block size.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inlink import second_core
from inlink.links.text import STOP_WORDS, TOKEN_RE
from inlink.links.tokens import SiteTokens


class _SparseOnDemand:
    """scipy.sparse, imported when the index is built: a job resumed from its saved state analyses pages with
    the matrices' numpy arrays alone (spread_row, row_dot...) and skips scipy's ~0.2 s import."""

    def __getattr__(self, name: str):
        import scipy.sparse

        return getattr(scipy.sparse, name)


sp = _SparseOnDemand()

TITLE_REPEAT = 2          # title and H1 count more than body words (sublinear tf keeps the boost moderate)
BLOCK_CELLS = 8_000_000   # similarity cells materialised at once (rows per block × pages)
COUNT_CHUNK = 2_000_000   # tokens counted at once when TF-IDF is fitted


@dataclass
class TfidfModel:
    """The page × term matrix (rows L2-normalised, float32) with its vocabulary and document frequencies."""
    matrix: sp.csr_matrix
    terms: np.ndarray          # term string per column (lowercased tokens)
    df: np.ndarray             # document frequency per column
    titles: sp.csr_matrix      # each page's cleaned title + H1 alone, in the same vocabulary (for title_similarity)


def build_tfidf(pages: SiteTokens, heads: list[str]) -> TfidfModel:
    """Fit TF-IDF over the site's own pages (sublinear tf, English stop words, terms seen in 2+ pages).

    The pages come tokenised once (tokens.SiteTokens); each page's document is its head (cleaned title + H1)
    TITLE_REPEAT times and its content ("title h1 " * TITLE_REPEAT + content). The weights are scikit-learn's
    TfidfVectorizer's, bit for bit (tests/test_tokens.py compares them): counting from token ids here avoids
    its Python loop over every token and a second tokenisation of every page.
    """
    n = len(heads)
    vocabulary = pages.vocabulary
    head_counts = _count_matrix(*_flat([vocabulary.ids(TOKEN_RE.findall(head.lower())) for head in heads]),
                                len(vocabulary))
    content = _flat([pages.tfidf_ids(i) for i in range(n)]) if pages.special else (pages.ids, pages.ptr)
    counts = _count_matrix(*content, len(vocabulary)) + head_counts * np.float32(TITLE_REPEAT)
    stop = np.array([term in STOP_WORDS for term in vocabulary], dtype=bool)
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    min_df = 2 if n >= 20 else 1
    max_doc_count = 0.5 * n if n >= 20 else n
    kept = np.flatnonzero((df >= min_df) & (df <= max_doc_count) & ~stop)
    if kept.size == 0:  # every page empty or only stop words: no vocabulary at all
        empty = sp.csr_matrix((n, 0), dtype=np.float32)
        return TfidfModel(empty, np.array([], dtype=object), np.zeros(0, dtype=np.int64), empty)
    words = list(vocabulary)
    order = sorted(kept.tolist(), key=words.__getitem__)          # columns in the order of their terms
    column = np.full(len(vocabulary), -1, dtype=np.int64)
    column[order] = np.arange(len(order))
    terms = np.array([words[i] for i in order], dtype=object)
    n_df = np.asarray(df[order], dtype=np.float32) + np.float32(1.0)   # smooth idf, as TfidfTransformer
    idf = np.full_like(n_df, fill_value=n + 1, dtype=np.float32)
    idf /= n_df
    np.log(idf, out=idf)
    idf += np.float32(1.0)
    matrix = _tfidf_rows(_select_columns(counts, column, len(order)), idf)
    titles = _tfidf_rows(_select_columns(head_counts, column, len(order)), idf)
    return TfidfModel(matrix, terms, np.bincount(matrix.indices, minlength=len(order)), titles)


def _count_matrix(ids: np.ndarray, ptr: np.ndarray, width: int, chunk: int = COUNT_CHUNK) -> sp.csr_matrix:
    """Pages × token ids: how often each token stands in a page (page i's ids at ids[ptr[i]:ptr[i+1]]).

    Counted about `chunk` tokens at a time, so the per-token arrays (their ones, the transposed copies) never
    hold a large site's whole text at once."""
    n, parts, first = len(ptr) - 1, [], 0
    while first < n:
        last = min(n, max(first + 1, int(np.searchsorted(ptr, ptr[first] + chunk, side="right")) - 1))
        lo, hi = int(ptr[first]), int(ptr[last])
        part = sp.csr_matrix((np.ones(hi - lo, dtype=np.float32), ids[lo:hi], ptr[first:last + 1] - lo),
                             shape=(last - first, width))
        parts.append(_summed(part))
        first = last
    if len(parts) == 1:
        return parts[0]
    return sp.vstack(parts, format="csr") if parts else sp.csr_matrix((0, width), dtype=np.float32)


def _summed(part: sp.csr_matrix) -> sp.csr_matrix:
    """The matrix with its repeated entries summed, in canonical form (indices sorted in each row).

    Why by way of CSC: converting between CSR and CSC is a counting sort (linear, and it leaves each column's
    rows in order, so repeats sit together and are summed in one pass); sum_duplicates on the CSR itself sorts
    every row's indices, which cost a 10k-page site more than its whole count."""
    by_column = part.tocsc()
    by_column.sum_duplicates()
    return by_column.tocsr()


def _flat(pages: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Token id sequences as one array and its page offsets."""
    ptr = np.zeros(len(pages) + 1, dtype=np.int64)
    np.cumsum([len(page) for page in pages], out=ptr[1:])
    return (np.concatenate(pages) if pages else np.zeros(0, dtype=np.int32)), ptr


def _select_columns(counts: sp.csr_matrix, column: np.ndarray, width: int) -> sp.csr_matrix:
    """Keep the columns with column[c] >= 0, renumbered to column[c], indices sorted in each row (picked from
    the CSC form and converted back: two counting sorts, no per-row sort)."""
    order = np.empty(width, dtype=np.int64)
    kept = np.flatnonzero(column >= 0)
    order[column[kept]] = kept
    return counts.tocsc()[:, order].tocsr()


def _tfidf_rows(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear tf × idf, rows L2-normalised: TfidfTransformer's arithmetic in float32.

    The row norms add float32 squares in float64 like scikit-learn's normalize; every square is a float32 >= 1
    (tf and idf are >= 1), so every partial sum below 2**29 is exact and the order of addition cannot change it
    (a row would need thousands of terms each weighing over 100 to pass that).
    """
    data = counts.data.astype(np.float32, copy=True)
    np.log(data, out=data)
    data += np.float32(1.0)
    data *= idf[counts.indices]
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    squares = (data * data).astype(np.float64)
    sums = np.bincount(rows, weights=squares, minlength=counts.shape[0])
    norms = np.sqrt(sums)
    data = (data.astype(np.float64) / norms[rows]).astype(np.float32)
    matrix = sp.csr_matrix((data, counts.indices.copy(), counts.indptr.copy()), shape=counts.shape)
    matrix.has_sorted_indices = True
    return matrix


def prune_rows(matrix: sp.csr_matrix, keep: int) -> sp.csr_matrix:
    """Each row's `keep` heaviest terms only (ties on the lower column), for finding neighbours.

    Why: the cost of a sparse self-product grows with the square of each term's document frequency, so
    common low-weight terms make it quadratic in the site size; a page's heaviest terms carry its topic.
    Neighbours found this way are then scored with the full vectors.
    """
    lengths = np.diff(matrix.indptr)
    if lengths.size == 0 or lengths.max() <= keep:
        return matrix
    kept = []
    for row in np.flatnonzero(lengths > keep):
        lo, hi = matrix.indptr[row], matrix.indptr[row + 1]
        order = np.lexsort((matrix.indices[lo:hi], -matrix.data[lo:hi]))[:keep]
        kept.append(lo + order)
    short = np.flatnonzero(lengths <= keep)
    short_positions = [np.arange(matrix.indptr[r], matrix.indptr[r + 1]) for r in short]
    positions = np.sort(np.concatenate(kept + short_positions))
    rows = np.repeat(np.arange(matrix.shape[0]), lengths)[positions]
    return sp.csr_matrix((matrix.data[positions], (rows, matrix.indices[positions])), shape=matrix.shape)


def top_k_similar(matrix: sp.csr_matrix, k: int, allowed: np.ndarray,
                  block_cells: int = BLOCK_CELLS) -> tuple[np.ndarray, np.ndarray]:
    """For every row, the k most similar allowed rows (by cosine; self excluded), best first.

    Returns (indices, similarities), each rows × k; slots without a positive similarity hold -1 / 0.
    Ties break on the lower index so the result is deterministic. On a large site the second half of the rows
    is done by a forked child on the second core (_split_at): each row's result is the same either way.
    """
    n = matrix.shape[0]
    k = max(0, min(k, n - 1))
    indices = np.full((n, k), -1, dtype=np.int32)
    sims = np.zeros((n, k), dtype=np.float32)
    if k == 0 or matrix.shape[1] == 0:
        return indices, sims
    transposed = matrix.T.tocsr()   # CSR, as the product wants it (a CSC operand is converted for every block)
    disallowed = ~np.asarray(allowed, dtype=bool)
    rows_per_block = max(1, min(n, block_cells // max(n, 1)))
    starts = list(range(0, n, rows_per_block))

    def rows_from(blocks: list[int], progress=lambda: None) -> None:
        for first in blocks:
            last = min(n, first + rows_per_block)
            block = (matrix[first:last] @ transposed).toarray()
            block[:, disallowed] = 0.0
            block[np.arange(last - first), np.arange(first, last)] = 0.0
            _keep_top(block, k, indices[first:last], sims[first:last])
            progress()

    split = _split_at(starts, n)
    child = second_core.aside(_rows_answer(rows_from, starts[split:], indices, sims)) if split < len(starts) \
        else None
    try:
        rows_from(starts[:split] if child is not None else starts)
        if child is not None:
            answer = second_core.answer_of(child)
            if answer is None:   # the child died, hung or failed: its rows found here (the same rows)
                rows_from(starts[split:])
            else:
                indices[starts[split]:], sims[starts[split]:] = answer
    finally:
        if child is not None:
            child.cancel()   # after an error here; a no-op once its answer was taken
    return indices, sims


#: Below this many cells of the site's self-product (pages squared) one process finds every page's neighbours:
#: a fork and its answer (~0.02 s) cost more than half of the work saves (~14 ns a cell here; 50k pages: 34 s).
MIN_SPLIT_CELLS = 25_000_000


def _split_at(starts: list[int], n: int) -> int:
    """The first block left to a child: half of them on a site large enough, none (len(starts)) otherwise."""
    return len(starts) // 2 if len(starts) >= 2 and n * n >= MIN_SPLIT_CELLS else len(starts)


def _rows_answer(rows_from, blocks: list[int], indices: np.ndarray, sims: np.ndarray):
    """A child's work: `blocks` computed into its copy of the arrays, answered with that slice of them."""
    first = blocks[0]

    def work(progress):
        rows_from(blocks, progress)
        return indices[first:].copy(), sims[first:].copy()
    return work


def _keep_top(block: np.ndarray, k: int, out_idx: np.ndarray, out_sim: np.ndarray) -> None:
    """Write the top-k positive columns of each block row, best first (ties within them on the lower column).

    Why not argpartition over the block: its index array over every cell cost more than the product itself on
    a 10k-page site. Here each row's values at or above a bar (_lower_bar: at most its k-th largest) are picked
    with one comparison, and only those few are sorted. A row whose k-th and (k+1)-th values are equal is
    handed to _argpartition_top, whose choice among them the results have always followed."""
    bar = np.maximum(_lower_bar(block, k), _SMALLEST_POSITIVE)   # block >= bar: positive and a candidate
    rows, cols = np.nonzero(block >= bar[:, None])
    values = block[rows, cols]
    order = np.lexsort((cols, -values, rows))             # by row, best first, ties on the lower column
    rows, cols, values = rows[order], cols[order], values[order]
    rank = _ranks_in_runs(rows)
    top = rank < k
    out_idx[:], out_sim[:] = -1, 0.0
    out_idx[rows[top], rank[top]] = cols[top]
    out_sim[rows[top], rank[top]] = values[top]
    tied = rows[1:][(rank[1:] == k) & (values[1:] == values[:-1])]
    if tied.size:
        tied_idx, tied_sim = out_idx[tied], out_sim[tied]
        _argpartition_top(block[tied], k, tied_idx, tied_sim)
        out_idx[tied], out_sim[tied] = tied_idx, tied_sim


def _argpartition_top(block: np.ndarray, k: int, out_idx: np.ndarray, out_sim: np.ndarray) -> None:
    """_keep_top by argpartition (then a stable sort of those k), for rows with a tie at the k-th value."""
    part = np.argpartition(-block, k - 1, axis=1)[:, :k]
    part.sort(axis=1)  # ascending index first, so the stable sort below breaks ties on the lower index
    values = np.take_along_axis(block, part, axis=1)
    order = np.argsort(-values, axis=1, kind="stable")
    part = np.take_along_axis(part, order, axis=1)
    values = np.take_along_axis(values, order, axis=1)
    positive = values > 0
    out_idx[:] = np.where(positive, part, -1)[:, :k]
    out_sim[:] = np.where(positive, values, 0.0)[:, :k]


_SMALLEST_POSITIVE = np.nextafter(np.float32(0), np.float32(1))
BAR_SAMPLE = 4   # the bar is taken over every BAR_SAMPLE-th column


def _lower_bar(block: np.ndarray, k: int) -> np.ndarray:
    """Per row, a value no larger than its k-th largest: the k-th largest of a sample of its columns (a subset
    cannot have a larger k-th value), so the partition works on a fraction of the block; about BAR_SAMPLE * k
    values per row then pass it."""
    sample = block[:, ::BAR_SAMPLE]
    if sample.shape[1] <= k:
        sample = block
    width = sample.shape[1]
    return np.partition(sample, width - k, axis=1)[:, width - k]


def spread_row(matrix: sp.csr_matrix, row: int) -> np.ndarray:
    """One page's TF-IDF row as a dense vector over the vocabulary (calloc'd, so cheap even for big
    vocabularies): dot products with its candidates then cost one gather each, not a sparse product."""
    dense = np.zeros(matrix.shape[1], dtype=np.float32)
    lo, hi = matrix.indptr[row], matrix.indptr[row + 1]
    dense[matrix.indices[lo:hi]] = matrix.data[lo:hi]
    return dense


def row_dot(matrix: sp.csr_matrix, row: int, dense: np.ndarray) -> float:
    """Dot product of one stored row with a spread row (cosine, as rows are L2-normalised)."""
    lo, hi = matrix.indptr[row], matrix.indptr[row + 1]
    return float(dense[matrix.indices[lo:hi]].dot(matrix.data[lo:hi]))


def row_dots(matrix: sp.csr_matrix, rows: list[int], dense: np.ndarray,
             views: tuple[list[np.ndarray], list[np.ndarray]] | None = None) -> list[float]:
    """row_dot for several rows, bit for bit: the spread row is gathered for all of them at once, and each
    product is the same float32 dot of the same two vectors (ndarray.dot: the BLAS sdot that @ calls for two
    vectors, at less than half its call cost). `views`: each row's columns and values (row_views), kept by the
    caller: rows of hundreds of terms are then gathered one by one (no index arrays over all of them)."""
    if not len(rows):
        return []
    if views is not None:
        columns, values = views
        take = dense.take
        return [float(take(columns[row]).dot(values[row])) for row in rows]
    indptr, data = matrix.indptr, matrix.data
    rows = np.asarray(rows, dtype=np.int64)
    lo, hi = indptr[rows], indptr[rows + 1]
    lengths = hi - lo
    ends = lengths.cumsum()
    if not ends[-1]:
        return [0.0] * len(rows)
    positions = np.arange(int(ends[-1])) + (lo - (ends - lengths)).repeat(lengths)
    gathered = dense[matrix.indices[positions]]
    starts = ends - lengths
    single = _single_products(gathered, data[positions], starts, lengths)
    return [value if value is not None else float(gathered[start:end].dot(data[first:last]))
            for value, first, last, start, end in zip(single, lo.tolist(), hi.tolist(), starts.tolist(), ends.tolist())]


def _single_products(gathered: np.ndarray, values: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> list:
    """Per row (its gathered spread values and stored values at [start, start + length)): its dot product when
    the row shares at most one term with the spread row, else None. Such a dot is that one product (or 0)
    whatever order the BLAS adds in, so all of them come from one array product, not one sdot call each:
    most titles' rows share no term or one with the page (row_dots)."""
    filled = lengths > 0
    shared = np.zeros(len(lengths), dtype=np.int64)
    sums = np.zeros(len(lengths), dtype=np.float32)
    shared[filled] = np.add.reduceat(gathered != 0, starts[filled], dtype=np.int64)
    sums[filled] = np.add.reduceat(gathered * values, starts[filled])
    return [value if alone else None for value, alone in zip(sums.tolist(), (shared <= 1).tolist())]


def row_views(matrix: sp.csr_matrix) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Each row's columns and stored values as views (for row_dots)."""
    bounds = matrix.indptr.tolist()
    return ([matrix.indices[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:])],
            [matrix.data[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:])])


def kth_weights(matrix: sp.csr_matrix, k: int) -> np.ndarray:
    """Each row's k-th highest weight (its smallest weight when it has fewer terms): the bar for a row's
    'characteristic' terms."""
    bars = np.zeros(matrix.shape[0], dtype=np.float32)
    for row in range(matrix.shape[0]):
        values = matrix.data[matrix.indptr[row]:matrix.indptr[row + 1]]
        if values.size:
            bars[row] = values.min() if values.size <= k else -np.partition(-values, k - 1)[k - 1]
    return bars


def top_shared_terms_of_rows(matrix: sp.csr_matrix, rows: list[int], dense: np.ndarray, allowed: np.ndarray,
                             k: int, min_weights: np.ndarray) -> list[list[int]]:
    """For each row: the columns of the (at most k) terms that contribute most to its similarity with the spread
    row, best first, among allowed columns where the row weighs at least its bar in min_weights (ties on the
    lower column). All rows in a few array operations: a page asks it for all its neighbours at once."""
    if not rows:
        return []
    owner, cols, values = _entries_of_rows(matrix, np.asarray(rows, dtype=np.int64))
    return _top_columns(len(rows), owner, cols, dense[cols] * values, values, allowed, k,
                        np.asarray(min_weights)[owner])


def top_shared_terms_of_pairs(matrix: sp.csr_matrix, rows: np.ndarray, spread: sp.csr_matrix, sources: np.ndarray,
                              allowed: np.ndarray, k: int, min_weights: np.ndarray,
                              ) -> tuple[np.ndarray, np.ndarray]:
    """top_shared_terms_of_rows for (row, source) pairs of several source pages at once: pair i is `matrix` row
    rows[i] against the `spread` row sources[i] (a spread_row of it, read from its stored entries: the same
    float32 products). Each pair's columns are those the pages' own calls give, as arrays: (pair, column),
    by pair, best first."""
    if not len(rows):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    owner, cols, values = _entries_of_rows(matrix, np.asarray(rows, dtype=np.int64))
    width = spread.shape[1]
    wanted = np.unique(sources)
    lo, lengths = spread.indptr[wanted], spread.indptr[wanted + 1] - spread.indptr[wanted]
    at = np.arange(int(lengths.sum())) + (lo - (lengths.cumsum() - lengths)).repeat(lengths)
    keys = wanted.repeat(lengths) * width + spread.indices[at]
    order = keys.argsort(kind="stable")   # a repeated column keeps its last value, as spread_row's assignment does
    keys, stored = keys[order], spread.data[at][order]
    last = np.ones(len(keys), dtype=bool)
    last[:-1] = keys[1:] != keys[:-1]
    keys, stored = keys[last], stored[last]
    asked = np.asarray(sources, dtype=np.int64)[owner] * width + cols
    found = np.minimum(keys.searchsorted(asked), max(0, len(keys) - 1))
    source_values = np.where(keys[found] == asked, stored[found], np.float32(0)) if len(keys) else \
        np.zeros(len(asked), dtype=spread.data.dtype)
    return _top_columns(None, owner, cols, source_values.astype(spread.data.dtype) * values, values, allowed,
                        k, np.asarray(min_weights)[owner])


def _entries_of_rows(matrix, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stored entries of some CSR rows: each one's place among `rows`, column and value."""
    lo, lengths = matrix.indptr[rows], matrix.indptr[rows + 1] - matrix.indptr[rows]
    owner = np.arange(len(rows)).repeat(lengths)
    positions = np.arange(int(lengths.sum())) + (lo - (lengths.cumsum() - lengths)).repeat(lengths)
    return owner, matrix.indices[positions], matrix.data[positions]


def _top_columns(count: int | None, owner: np.ndarray, cols: np.ndarray, weight: np.ndarray, values: np.ndarray,
                 allowed: np.ndarray, k: int, bars: np.ndarray):
    """Per owner (0 <= owner < count): the columns of its k heaviest positive weights (ties on the lower
    column) among allowed columns whose value reaches the owner's bar; count None: as two arrays (owner,
    column), by owner, best first."""
    keep = (weight > 0) & allowed[cols] & (values >= bars)
    cols, weight, owner = cols[keep], weight[keep], owner[keep]
    order = _by_owner_heaviest_first(owner, cols, weight)
    grouped = owner[order]
    first = order[np.arange(len(order)) - np.searchsorted(grouped, grouped) < k]
    if count is None:
        return owner[first], cols[first]
    found: list[list[int]] = [[] for _ in range(count)]
    for row, col in zip(owner[first].tolist(), cols[first].tolist()):
        found[row].append(col)
    return found


def _by_owner_heaviest_first(owner: np.ndarray, cols: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """The order of the entries by owner, heaviest weight first, ties on the lower column: np.lexsort((cols,
    -weight, owner)). Entries given by owner with their columns ascending (CSR rows with sorted indices, as
    the TF-IDF matrix holds them) need one stable sort of a single key, the owner over the float32 weight's
    bits (a positive float's bits order as it does): a mention chunk's pairs sort 3x quicker than by lexsort."""
    if weight.dtype != np.float32 or not len(owner) or int(owner.max()) >= 1 << 31 or \
            ((owner[1:] == owner[:-1]) & (cols[1:] <= cols[:-1])).any() or (owner[1:] < owner[:-1]).any():
        return np.lexsort((cols, -weight, owner))
    key = owner.astype(np.int64) << 32
    key |= 0x7FFFFFFF - weight.view(np.int32).astype(np.int64)   # weights > 0: heavier, smaller
    return key.argsort(kind="stable")


def _column_top_two(matrix: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per column: the highest weight, the runner-up weight, and how many rows share the highest."""
    csc = matrix.tocsc()
    counts = np.diff(csc.indptr)
    first, second, ties = (np.zeros(csc.shape[1], dtype=np.float32) for _ in range(3))
    filled = counts > 0
    if not filled.any():
        return first, second, ties
    starts = csc.indptr[:-1][filled]
    first[filled] = np.maximum.reduceat(csc.data, starts)
    is_top = csc.data >= np.repeat(first, counts)
    ties[filled] = np.add.reduceat(is_top.astype(np.float32), starts)
    second[filled] = np.maximum.reduceat(np.where(is_top, 0.0, csc.data), starts)
    return first, second, ties


def owned_terms(model: TfidfModel, per_page: int, dominance: float = 1.3,
                max_df_share: float = 0.1) -> list[list[tuple[str, float]]]:
    """Distinctive terms each page 'owns': its weight clearly beats every other page's, and the term is not
    everywhere.

    Why: such a term (a function or error defined on the page, a product name) is a natural anchor for a link
    to it, even when other pages mention it often.
    """
    matrix = model.matrix
    n = matrix.shape[0]
    result: list[list[tuple[str, float]]] = [[] for _ in range(n)]
    if matrix.nnz == 0:
        return result
    first, second, ties = _column_top_two(matrix)
    owned_column = (ties == 1) & (first >= dominance * second) & (model.df >= 2) & \
        (model.df <= max(3, int(max_df_share * n)))
    rows = np.repeat(np.arange(n), np.diff(matrix.indptr))   # every page at once, not a loop over pages
    keep = owned_column[matrix.indices] & (matrix.data >= first[matrix.indices])
    rows, cols, vals = rows[keep], matrix.indices[keep], matrix.data[keep]
    order = np.lexsort((cols, -vals, rows))                   # by page, heaviest first, ties on the lower column
    rows, cols, vals = rows[order], cols[order], vals[order]
    best = _ranks_in_runs(rows) < per_page
    for row, col, val in zip(rows[best].tolist(), cols[best].tolist(), vals[best].tolist()):
        result[row].append((str(model.terms[col]), val))
    return result


def _ranks_in_runs(sorted_keys: np.ndarray) -> np.ndarray:
    """Each element's place within its run of equal keys (the keys sorted): 0, 1, 2... for each run."""
    return np.arange(len(sorted_keys)) - np.searchsorted(sorted_keys, sorted_keys)
