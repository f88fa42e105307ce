"""What the Python side hands to the C ABI: findings as text, DataFrames as tables."""
from __future__ import annotations

import ctypes
import math
from typing import Any, Mapping, Optional, Sequence

import numpy as np

from . import _ffi
from ._lazy import pd

Evidence = Optional[Mapping[str, Any]]
US, RS = "\x1f", "\x1e"


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def state_text(value: Any) -> str:
    """A state given in Python as the text Credence matches: a str as is, True/False as
    the CSV of a DataFrame writes them, an integral number as an integer."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return "True" if value else "False"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)) and math.isfinite(value) and float(value).is_integer():
        return str(int(value))
    return str(value)


def findings(evidence: Evidence = None, soft: Evidence = None, do: Evidence = None) -> bytes:
    """The findings in the text form of credence.h. A missing value (None, NaN) in
    `evidence` is no finding, so a DataFrame row can be passed as it is."""
    if not soft and not do and isinstance(evidence, dict):
        items = evidence.items()
        if all(v.__class__ is str for _, v in items):   # the common case, encoded at once
            return RS.join([f"e{US}{k}{US}{v}" for k, v in items]).encode()
    return _findings(evidence, soft, do)


def _findings(evidence: Evidence, soft: Evidence, do: Evidence) -> bytes:
    parts = []
    if evidence is not None:
        for name, value in evidence.items():
            if not _missing(value):
                parts.append(f"e{US}{name}{US}{state_text(value)}")
    if soft is not None:
        for name, weights in soft.items():
            parts.append(US.join(["s", str(name)] + [repr(float(w)) for w in weights]))
    if do is not None:
        for name, value in do.items():
            parts.append(f"d{US}{name}{US}{state_text(value)}")
    return RS.join(parts).encode()


def names(items: Sequence[str]) -> bytes:
    return US.join(items).encode()


class Table:
    """A DataFrame handed to the C ABI column by column (a credence_table); use as a
    context manager so that the table is freed."""

    def __init__(self, df: pd.DataFrame, weights: Optional[Sequence[float]] = None) -> None:
        """`weights`: one per row (e.g. the counts of distinct rows), or None for 1 each."""
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
        self.handle = _ffi.lib.credence_table_new(len(df))
        try:
            for name in df.columns:
                self._add(str(name), df[name])
            if weights is not None:
                w = np.ascontiguousarray(weights, dtype=np.float64)
                if w.shape != (len(df),):
                    raise ValueError(f"weights: {w.size} numbers for {len(df)} rows")
                _ffi.call("credence_table_set_weights", self.handle, w.ctypes.data)
        except BaseException:
            _ffi.lib.credence_table_free(self.handle)
            raise

    def __enter__(self) -> "Table":
        return self

    def __exit__(self, *exc) -> None:
        _ffi.lib.credence_table_free(self.handle)
        self.handle = None

    def _numbers(self, name: str, values: np.ndarray) -> None:
        values = np.ascontiguousarray(values, dtype=np.float64)
        _ffi.call("credence_table_add_numbers", self.handle, name.encode(), values.ctypes.data)

    def _categories(self, name: str, codes: np.ndarray, labels: Sequence[Any]) -> None:
        codes = np.ascontiguousarray(codes, dtype=np.int32)
        texts = [state_text(x) for x in labels]
        blob = b"".join(t.encode() + b"\0" for t in texts)
        if any("\0" in t for t in texts):
            raise ValueError(f"column {name!r}: a value holds a NUL character")
        _ffi.call("credence_table_add_categories", self.handle, name.encode(), codes.ctypes.data,
                  blob, len(texts))

    def _add(self, name: str, column: pd.Series) -> None:
        dtype = column.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            cats = dtype.categories
            if pd.api.types.is_numeric_dtype(cats.dtype) and not pd.api.types.is_bool_dtype(cats.dtype):
                self._numbers(name, column.astype("float64").to_numpy(na_value=np.nan))
            else:
                self._categories(name, column.cat.codes.to_numpy(), list(cats))
        elif pd.api.types.is_bool_dtype(dtype):
            codes = column.astype("float64").to_numpy(na_value=np.nan)
            self._categories(name, np.where(np.isnan(codes), -1, codes).astype(np.int32), [False, True])
        elif pd.api.types.is_numeric_dtype(dtype):
            self._numbers(name, column.astype("float64").to_numpy(na_value=np.nan))
        else:
            codes, uniques = pd.factorize(column, use_na_sentinel=True)
            self._categories(name, codes, list(uniques))
