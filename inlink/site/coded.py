"""A text column held as codes into its distinct values (dictionary encoding), for the links importer.

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

from inlink.site.urls import _distinct


@dataclass
class Coded:
    codes: np.ndarray    # per row, a position in ``values``
    values: np.ndarray   # the distinct values (object array of str)

    @classmethod
    def of(cls, column: pd.Series) -> "Coded":
        """Codes of a column of strings (a missing value as ""). Takes the caller's only reference, so an
        Arrow-backed column is freed once its codes are made."""
        codes, distinct = _distinct(column)
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
