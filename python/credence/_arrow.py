"""Arrow batches handed to the C ABI, for credence.spark's executors.

- :class:`ArrowTable`: a batch of values (strings, numbers, booleans) as a credence_table,
  read in a model's states by the call that takes it (``credence_score``, ...).
- Blocks of state codes: a batch of distinct patterns encoded once in a model's states
  (:func:`encode_block`: ``credence_table_codes``, where an unknown state is an error) into
  one row holding every pattern's codes and count as two byte strings. EM caches the
  blocks and hands them back each iteration as state columns (:class:`BlockTable`:
  ``credence_table_add_states``), so no text is converted or recoded again, and Spark's
  JVM turns a few large values, not every pattern's cells, into Arrow.
"""
from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import _ffi
from ._encode import Table
from .network import Network


class ArrowTable(Table):
    """An Arrow record batch handed to the C ABI column by column, vectorised: string
    columns dictionary-encoded by Arrow (only the distinct labels reach Python), numbers as
    float64 with NaN for nulls, booleans as the labels False/True; `skip` names columns
    left out, `weights` (a column name) becomes the row weights."""

    def __init__(self, batch: pa.RecordBatch, skip: Sequence[str] = (), weights: Optional[str] = None) -> None:
        self.handle = _ffi.lib.credence_table_new(batch.num_rows)
        try:
            for name, column in zip(batch.schema.names, batch.columns):
                if name == weights:
                    w = np.ascontiguousarray(values(pc.cast(column, pa.float64()), np.float64, np.nan))
                    _ffi.call("credence_table_set_weights", self.handle, w.ctypes.data)
                elif name not in skip:
                    self._add_arrow(name, column)
        except BaseException:
            _ffi.lib.credence_table_free(self.handle)
            raise

    def _add_arrow(self, name: str, column: pa.Array) -> None:
        kind = column.type
        if pa.types.is_boolean(kind):
            self._categories(name, values(pc.cast(column, pa.int8()), np.int8, -1), [False, True])
        elif pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
            self._numbers(name, values(pc.cast(column, pa.float64()), np.float64, np.nan))
        else:
            if not pa.types.is_dictionary(kind):
                if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
                    column = pc.cast(column, pa.string())
                column = pc.dictionary_encode(column)
            codes = values(pc.cast(column.indices, pa.int32()), np.int32, -1)
            self._categories(name, codes, column.dictionary.to_pylist())


# ---- Arrow and numpy without pandas -----------------------------------------------------
# pyarrow's own conversions between Arrow and numpy (Array.to_numpy, fill_null, pa.array)
# import pandas, which nothing else on an executor's scoring path needs: a fresh Python
# worker would pay about 0.2 CPU seconds for it (BENCHMARKS.md, "Spark scoring cold").
# These two read and make the buffers directly.

def values(array: pa.Array, dtype: Any, missing: Any) -> np.ndarray:
    """A fixed-width Arrow array (of `dtype`, not booleans) as numpy, `missing` in its
    null slots; read in place from its buffers when it has no nulls."""
    n, offset = len(array), array.offset
    validity, data = array.buffers()[:2]
    if data is None:
        return np.full(n, missing, dtype=dtype)
    out = np.frombuffer(data, dtype=dtype, count=offset + n)[offset:]
    if array.null_count:
        valid = np.unpackbits(np.frombuffer(validity, np.uint8), count=offset + n, bitorder="little")[offset:]
        out = np.where(valid.view(bool), out, np.asarray(missing, dtype=dtype))
    return out


def doubles(x: np.ndarray) -> pa.Array:
    """A contiguous float64 array as an Arrow array without a copy (NaN stays a value, not
    a null, as pa.array makes it)."""
    x = np.ascontiguousarray(x, dtype=np.float64)
    return pa.Array.from_buffers(pa.float64(), x.size, [None, pa.py_buffer(x)])


# ---- blocks of state codes ---------------------------------------------------------------

#: The columns of a block: the codes (variables x patterns, row-major by variable, of the
#: encoding's width), the counts (float64), how many patterns and rows it holds.
BLOCK_FIELDS = (("codes", pa.binary()), ("weights", pa.binary()), ("patterns", pa.int64()), ("rows", pa.float64()))


def code_type(net: Network, names: Sequence[str]) -> np.dtype:
    """The narrowest signed integer that holds every state code of the variables `names`
    (and -1, missing): one byte up to 127 states."""
    most = max((len(net.states(n)) for n in names), default=1)
    for t in (np.int8, np.int16):
        if most <= np.iinfo(t).max:
            return np.dtype(t)
    return np.dtype(np.int32)


def encode_block(net: Network, batch: pa.RecordBatch, names: Sequence[str], counts: str,
                 dtype: np.dtype) -> pa.RecordBatch:
    """One block: the batch's columns `names` in `net`'s states (``credence_table_codes``,
    as ``credence fit`` reads a table: a value that is no state of its variable is a
    CredenceError naming it and its row in the batch) and its column `counts`."""
    if list(batch.schema.names) != [*names, counts]:
        raise ValueError(f"a batch of patterns has the columns {batch.schema.names}; expected {[*names, counts]}")
    with ArrowTable(batch, skip=(counts,)) as table:
        codes = np.empty((len(names), batch.num_rows), dtype=np.int32)
        _ffi.call("credence_table_codes", net._handle, table.handle, codes.ctypes.data, codes.size)
    weights = np.ascontiguousarray(batch.column(counts).to_numpy(zero_copy_only=False), dtype=np.float64)
    return pa.RecordBatch.from_arrays(
        [pa.array([codes.astype(dtype).tobytes()], pa.binary()), pa.array([weights.tobytes()], pa.binary()),
         pa.array([batch.num_rows], pa.int64()), pa.array([float(weights.sum())], pa.float64())],
        names=[f for f, _ in BLOCK_FIELDS])


def blocks(batch: pa.RecordBatch, variables: int, dtype: np.dtype) -> Iterator[Tuple[np.ndarray, np.ndarray]]:
    """The blocks of a batch of them: each block's codes (`variables` x patterns, read in
    place from Arrow's buffer) and counts."""
    codes, weights = batch.column("codes"), batch.column("weights")
    for i in range(batch.num_rows):
        w = np.frombuffer(weights[i].as_buffer(), dtype=np.float64)
        c = np.frombuffer(codes[i].as_buffer(), dtype=dtype)
        if c.size != variables * w.size:
            raise ValueError(f"a block holds {c.size} codes; {variables} variables x {w.size} patterns expected")
        yield c.reshape(variables, w.size), w


class BlockTable(Table):
    """A block of state codes (variables x patterns) and its counts handed back to the C
    ABI: one state column per variable (``credence_table_add_states``) and the weights."""

    def __init__(self, names: Sequence[str], codes: np.ndarray, weights: np.ndarray) -> None:
        self.handle = _ffi.lib.credence_table_new(codes.shape[1])
        try:
            for name, column in zip(names, codes):
                column = np.ascontiguousarray(column, dtype=np.int32)
                _ffi.call("credence_table_add_states", self.handle, name.encode(), column.ctypes.data)
            weights = np.ascontiguousarray(weights, dtype=np.float64)
            _ffi.call("credence_table_set_weights", self.handle, weights.ctypes.data)
        except BaseException:
            _ffi.lib.credence_table_free(self.handle)
            raise


def block_row(net: Network, names: Sequence[str], codes: np.ndarray, i: int) -> Dict[str, Any]:
    """Pattern `i` of a block as its values (state names, None for a missing cell), for
    messages that name a row."""
    return {n: (net.states(n)[int(c)] if c >= 0 else None) for n, c in zip(names, codes[:, i])}


def batch_row(batch: pa.RecordBatch, i: int, leave_out: Sequence[str] = ()) -> Dict[str, Any]:
    """Row `i` of a batch as its values, without the columns `leave_out`."""
    return {k: v for k, v in batch.slice(i, 1).to_pylist()[0].items() if k not in leave_out}

