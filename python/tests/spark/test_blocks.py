"""Blocks of state codes (credence._arrow; no Spark session): a batch of patterns encoded
once in a model's states and handed back gives the C calls the very table the batch
gave them, and every refusal says what, where and what would be right."""
import ctypes

import numpy as np
import pandas as pd
import pytest

pa = pytest.importorskip("pyarrow", reason="pip install ./python[spark] (requirements/spark.txt)")

import credence  # noqa: E402
from credence import _arrow, _ffi  # noqa: E402
from credence.errors import CredenceError  # noqa: E402
from conftest import network_path  # noqa: E402

COUNT = "__count"


@pytest.fixture(scope="module")
def alarm():
    return credence.load(str(network_path("alarm")))


def batch_of(df: pd.DataFrame, counts) -> "pa.RecordBatch":
    """The rows as Spark hands patterns over: string columns with nulls, then the counts."""
    cols = {c: pa.array([None if pd.isna(v) else str(v) for v in df[c]], pa.string()) for c in df.columns}
    cols[COUNT] = pa.array(np.asarray(counts, dtype=np.float64))
    return pa.RecordBatch.from_pydict(cols)


def counts_of(net, table_handle):
    """The E-step's expected family counts and log-likelihood of a table."""
    size = int(_ffi.lib.credence_family_count_length(net._handle))
    out, ll = np.empty(size), ctypes.c_double()
    _ffi.call("credence_expected_counts", net._handle, table_handle, out.ctypes.data, size, ctypes.byref(ll))
    return out, ll.value


def test_a_block_gives_the_expected_counts_of_its_batch(alarm):
    rows = alarm.sample(400, seed=2, missing=0.3)
    names = list(rows.columns)[::-1]           # any column order
    batch = batch_of(rows[names], np.arange(400) % 5 + 1)
    dtype = _arrow.code_type(alarm, names)
    assert dtype == np.int8                     # alarm's variables have at most 4 states
    block = _arrow.encode_block(alarm, batch, names, COUNT, dtype)
    assert block.column("patterns").to_pylist() == [400]
    assert block.column("rows").to_pylist() == [float((np.arange(400) % 5 + 1).sum())]
    assert len(block.column("codes")[0].as_buffer()) == 400 * len(names)   # one byte a cell
    [(codes, weights)] = list(_arrow.blocks(block, len(names), dtype))
    with _arrow.ArrowTable(batch, weights=COUNT) as t:
        expected, expected_ll = counts_of(alarm, t.handle)
    with _arrow.BlockTable(names, codes, weights) as t:
        got, ll = counts_of(alarm, t.handle)
    assert np.array_equal(got, expected) and ll == expected_ll   # the same table, bit for bit
    # a pattern's values come back from its codes (None: missing)
    first = _arrow.block_row(alarm, names, codes, 0)
    assert first == {n: (None if pd.isna(rows[n][0]) else str(rows[n][0])) for n in names}


def test_an_unknown_state_is_refused_when_encoding(alarm):
    rows = alarm.sample(20, seed=4, missing=0.0)
    rows["HR"] = rows["HR"].astype(object)
    rows.loc[6, "HR"] = "VERY_HIGH"
    batch = batch_of(rows, np.ones(20))
    with pytest.raises(CredenceError, match=r"'VERY_HIGH' is not a state of 'HR' \(row 7\)\n  hint: its states are 'LOW', 'NORMAL', 'HIGH'"):
        _arrow.encode_block(alarm, batch, list(rows.columns), COUNT, np.dtype(np.int8))


def test_state_codes_out_of_range_and_without_a_model_are_refused(alarm):
    codes = np.array([[0, 2, -1], [1, 3, 0]], dtype=np.int8)    # HR has three states
    with _arrow.BlockTable(["CVP", "HR"], codes, np.ones(3)) as t:
        with pytest.raises(CredenceError, match=r"column 'HR': state code 3 \(row 2\) is not a state of 'HR', which has 3 states \(codes 0 to 2, -1 missing\)"):
            counts_of(alarm, t.handle)
        with pytest.raises(CredenceError, match="column 'CVP' holds state codes, which only a model can read"):
            _ffi.call("credence_learn", t.handle, b"{}", ctypes.byref(ctypes.c_void_p()), None)


def test_a_batch_of_other_columns_is_refused(alarm):
    batch = batch_of(alarm.sample(5, seed=1)[["HR", "CVP"]], np.ones(5))
    with pytest.raises(ValueError, match=r"the columns \['HR', 'CVP', '__count'\]; expected \['CVP', 'HR', '__count'\]"):
        _arrow.encode_block(alarm, batch, ["CVP", "HR"], COUNT, np.dtype(np.int8))



def test_an_executors_scoring_path_never_imports_pandas(alarm):
    """What a Python worker runs for credence.spark.score (unpickling the task imports
    credence.spark; each Arrow batch read from the stream goes through the same function
    as on an executor) leaves pandas unimported, so a fresh worker does not pay for it;
    the scores are those of the pandas path, nulls included."""
    import io
    import subprocess
    import sys

    from credence import spark

    df = alarm.sample(300, seed=3, missing=0.3)
    batch = batch_of(df, np.ones(len(df))).drop_columns([COUNT])
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, batch.schema) as writer:
        writer.write_batch(batch)
    code = f"""
import io, sys
import pyarrow as pa
from credence import spark
batch = next(iter(pa.ipc.open_stream(sys.stdin.buffer)))
out = spark._posterior_batch(batch, text={spark._text(alarm)!r}, target="CATECHOL", what="score", strict=False,
                             threads=1, kept=["HR"], skip=[], names=["normal", "high"])
assert "pandas" not in sys.modules, "pandas was imported"
with pa.ipc.new_stream(sys.stdout.buffer, out.schema) as writer:
    writer.write_batch(out)
"""
    r = subprocess.run([sys.executable, "-c", code], input=sink.getvalue(), capture_output=True, check=False)
    assert r.returncode == 0, r.stderr.decode()
    out = next(iter(pa.ipc.open_stream(pa.BufferReader(r.stdout))))
    assert out.schema.names == ["HR", "normal", "high"]
    assert out.column("HR").equals(batch.column("HR"))
    want = alarm.score(df, "CATECHOL")[["P(CATECHOL=NORMAL)", "P(CATECHOL=HIGH)"]].to_numpy()
    assert out.column("normal").null_count == 0 and batch.column("HR").null_count > 50
    np.testing.assert_array_equal(np.column_stack([out.column("normal").to_numpy(), out.column("high").to_numpy()]),
                                  want)
