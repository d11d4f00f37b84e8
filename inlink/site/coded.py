"""A text column held as codes into its distinct values (dictionary encoding), for the links importer; and the
per-distinct-value helpers the importer's columns share (distinct_values, spread, map_distinct: URLs normalised,
headers folded once per distinct value).

Why: a links export is many short strings that repeat (every source and destination is one of the site's
pages; anchors and link positions repeat too). One Python string per cell costs ~50 bytes of object header
for a ~45-character URL, so a column of Python strings weighs more than its share of the file. Held as an
integer code per row plus each distinct value once, a column costs 8 bytes a row, and cleaning or
normalising is done once per distinct value. pandas.Categorical would do the same, but its categories must
stay unique after a mapping (two raw spellings of one URL normalise to one) and it copies on every filter;
this keeps the two numpy arrays and re-codes after each mapping (pandas.factorize does the hashing).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from inlink.site import heap
from inlink.site.arrow_csv import arrow_pool


@dataclass
class Coded:
    codes: np.ndarray    # per row, a position in ``values``
    values: np.ndarray   # the distinct values (object array of str)

    @classmethod
    def of(cls, column: pd.Series) -> "Coded":
        """Codes of a column of strings (a missing value as ""). Takes the caller's only reference, so an
        Arrow-backed column is freed once its codes are made."""
        codes, distinct = distinct_values(column)
        del column
        codes = codes.astype(np.int32)   # half of pandas' int64: a links file has fewer than 2**31 values
        codes[codes < 0] = len(distinct)
        return cls(codes, np.array(list(distinct) + [""], dtype=object))

    @classmethod
    def constant(cls, value: str, rows: int) -> "Coded":
        return cls(np.zeros(rows, dtype=np.int32), np.array([value], dtype=object))

    def map(self, function) -> "Coded":
        """``function`` applied once per distinct value; values that become equal share one code."""
        return self.recoded(np.array([function(value) for value in self.values], dtype=object))

    def recoded(self, new_values: np.ndarray) -> "Coded":
        """These rows with each distinct value replaced by ``new_values`` (same length), re-deduplicated."""
        codes, distinct = pd.factorize(new_values, sort=False)
        return Coded(codes.astype(np.int32)[self.codes], np.asarray(distinct, dtype=object))

    def per_row(self, per_value: np.ndarray) -> np.ndarray:
        """A per-distinct-value array (e.g. a flag) laid onto the rows."""
        return np.asarray(per_value)[self.codes]

    def where(self, keep: np.ndarray) -> "Coded":
        """The rows where ``keep`` is true, keeping only the values they still use (in their order). Linear,
        unlike numpy.unique's sort, and one int32 array a step."""
        codes = self.codes[keep]
        used = np.zeros(len(self.values), dtype=bool)
        used[codes] = True
        renumbered = (np.cumsum(used, dtype=np.int32) - 1)[codes]
        return Coded(renumbered, self.values[used])

    def strings(self) -> pd.Series:
        """One Python string per row, each distinct value a shared object (8 bytes a row)."""
        return pd.Series(self.values[self.codes], dtype=object)


def distinct_values(series: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes and distinct values: work done per distinct value, not per row (URLs, anchors repeat a lot).
    A column already of strings is used as it is: converting Python strings to the string dtype would copy
    all its text into Arrow (a crawl's body text: as large as the file)."""
    if isinstance(series.dtype, pd.CategoricalDtype):   # read so (tables.read_table(categories=True))
        return series.cat.codes.to_numpy(), np.asarray(series.cat.categories, dtype=object)
    if isinstance(series.dtype, pd.StringDtype):
        return (pd.factorize(series, sort=False) if series.dtype.storage == "pyarrow"
                else _factorize_strings(series.to_numpy(dtype=object)))
    strings = series.dtype == object and pd.api.types.infer_dtype(series, skipna=False) == "string"
    return pd.factorize(series if strings else series.astype(str), sort=False)


def _factorize_strings(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """pandas.factorize of Python strings (a missing value as -1) by Arrow's hash table: pandas hashes one
    Python object at a time (a links export's short columns, 500k rows: 0.2 s a column; Arrow on a copy
    from the reader's allocator: 0.04 s). For the importer's short columns (arrow_csv._read_columns)."""
    try:
        import pyarrow
        import pyarrow.compute as arrow_compute
    except ImportError:
        return pd.factorize(values, sort=False)
    pool = arrow_pool()
    strings = pyarrow.array(values, type=pyarrow.large_string(), from_pandas=True, memory_pool=pool)
    encoded = arrow_compute.dictionary_encode(strings, memory_pool=pool)
    del strings
    heap.trim()   # the copy is as large as the column's text
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.intp)
    return codes, np.array(encoded.dictionary.to_pylist(), dtype=object)


def spread(results: list, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Per-distinct-value results laid back onto the rows (code -1, a missing value, gets "")."""
    return pd.Series(np.array(results + [""], dtype=object)[codes], index=index, dtype=object)


def map_distinct(series: pd.Series, function) -> pd.Series:
    """``function`` applied once per distinct value of ``series``."""
    codes, distinct = distinct_values(series)
    return spread([function(value) for value in distinct], codes, series.index)
