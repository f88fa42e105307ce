"""The per-call paths of `Network.query`: one target under hard evidence by name goes to
`credence_query_indexed` (findings as (variable, state) index pairs), anything else to
`credence_query` (findings as text); both give the same numbers, and the Series is the one
pandas' public constructor makes."""
import ctypes
import math
import struct

import numpy as np
import pandas as pd
import pytest

import credence
from credence import _ffi
from conftest import network_path, reference


def text_query(net, target, evidence):
    """The answer of the text form of the findings (the path of soft evidence and do)."""
    out = (ctypes.c_double * len(net.states(target)))()
    _ffi.call("credence_query", net._handle, target.encode(),
              "\x1e".join(f"e\x1f{k}\x1f{v}" for k, v in evidence.items()).encode(), out, len(out), None)
    return list(out)


@pytest.mark.parametrize("name", ["asia", "alarm"])
def test_indexed_and_text_paths_give_the_same_numbers(name):
    net = credence.load(str(network_path(name)))
    for q in reference(name)["queries"]:
        # a pattern's first sight is answered by the one-shot pass, later ones by its compiled
        # plan (a different order of sums): compare the two paths on the same plan
        net.query(q["target"], evidence=q["evidence"])
        got = net.query(q["target"], evidence=q["evidence"])
        assert got.tolist() == text_query(net, q["target"], q["evidence"])
        assert max(abs(a - b) for a, b in zip(got, q["posterior"])) < 1e-12


def test_values_outside_the_index_path_read_as_before():
    net = credence.load(str(network_path("cancer")))   # states True / False
    want = net.query("Xray", evidence={"Smoker": "False"})
    # a bool, a missing value (None, NaN), a pandas row: the text path, the same answer
    for ev in ({"Smoker": False}, {"Smoker": "False", "Pollution": None}, {"Smoker": "False", "Cancer": math.nan},
               pd.Series({"Smoker": "False", "Pollution": np.nan})):
        pd.testing.assert_series_equal(net.query("Xray", evidence=ev), want)
    assert net.query("Xray", evidence={}).tolist() == net.query("Xray").tolist()
    # names as numpy strings (a str subclass), as a DataFrame's columns and cells give them
    pd.testing.assert_series_equal(net.query(np.str_("Xray"), evidence={np.str_("Smoker"): np.str_("False")}), want)


def test_the_series_is_the_public_constructors_and_each_call_owns_its_values():
    net = credence.load(str(network_path("asia")))
    a = net.query("lung", evidence={"smoke": "yes"})
    want = pd.Series(a.to_numpy().copy(), index=pd.Index(["yes", "no"], name="lung", dtype=object), name="P(lung)")
    pd.testing.assert_series_equal(a, want, check_index_type=True)
    assert a.dtype == np.float64 and a.index.dtype == object
    b = net.query("lung", evidence={"smoke": "yes"})
    b.iloc[0] = 42.0
    assert a.iloc[0] == want.iloc[0] and net.query("lung", evidence={"smoke": "yes"}).iloc[0] == want.iloc[0]


def indexed(net, target, pairs, out_len):
    out = (ctypes.c_double * out_len)()
    blob = struct.pack(f"={2 * len(pairs)}i", *[x for p in pairs for x in p])
    _ffi.call("credence_query_indexed", net._handle, target, blob, len(pairs), out, out_len)
    return list(out)


def test_indexed_abi_refuses_bad_indices_with_located_messages():
    net = credence.load(str(network_path("asia")))
    lung, smoke = net.variables.index("lung"), net.variables.index("smoke")
    assert indexed(net, lung, [(smoke, 0)], 2) == net.query("lung", evidence={"smoke": "yes"}).tolist()
    cases = [((99, [], 2), "there is no variable #99 (the network has 8)"),
             ((lung, [(42, 0)], 2), "there is no variable #42 (the network has 8)"),
             ((lung, [(smoke, 5)], 2), "state #5 of 'smoke' is out of range (it has 2 states)"),
             ((lung, [(smoke, 0), (smoke, 1)], 2), "evidence: variable 'smoke' is given twice (one state per variable)"),
             ((lung, [], 3), "the output buffer for the posterior holds 3 numbers; it needs 2")]
    for args, message in cases:
        with pytest.raises(credence.CredenceError) as e:
            indexed(net, *args)
        assert message in str(e.value)
