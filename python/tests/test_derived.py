"""Derived variables through the Python package: a DataFrame with the source columns and no
column of the derived variable scores as the command line scores the same rows from CSV;
the formula is described; credence.spark reads the source columns too."""
import types

import numpy as np
import pandas as pd
import pytest

import credence
from conftest import cli
from test_frames import assert_scores_equal, cli_scores

MODEL = """network n
variable churn { no, yes }
variable day { low, high } cuts [30]
variable total { low, high } cuts [72.8] from 1 * day + 0.5 * eve - 2
P(churn) = 0.8 0.2
P(day | churn) = 0.7 0.3  0.4 0.6
P(total | churn) = 0.9 0.1  0.25 0.75
"""


@pytest.fixture
def model(tmp_path):
    path = tmp_path / "derived.bn"
    path.write_text(MODEL)
    return path


def test_dataframe_with_sources_scores_like_the_cli(model, tmp_path):
    df = pd.DataFrame({"day": [10.0, 50.0, np.nan, 40.0, 80.0], "eve": [20, 60, 20, 130, -100]})
    csv = tmp_path / "rows.csv"
    df.to_csv(csv, index=False)
    net = credence.load(str(model))
    got = net.score(df, target="churn")
    assert_scores_equal(got.reset_index(drop=True), cli_scores(model, csv, "churn", tmp_path), ["P(churn=no)", "P(churn=yes)"])
    # Row 1: day low, total 1*10 + 0.5*20 - 2 = 18 low: P(yes) = .2*.4*.25 / (.2*.4*.25 + .8*.7*.9).
    assert abs(got["P(churn=yes)"].iloc[0] - 0.02 / (0.02 + 0.504)) < 1e-12
    # Row 3: day missing, total missing: the prior.
    assert abs(got["P(churn=yes)"].iloc[2] - 0.2) < 1e-12


def test_a_source_cell_that_is_no_number_is_an_error(model):
    net = credence.load(str(model))
    df = pd.DataFrame({"day": [10.0, 50.0], "eve": ["20", "lots"]})
    with pytest.raises(credence.CredenceError, match=r"data row 2: 'lots' in column 'eve' is not a number, and 'total' is derived as 1 \* day \+ 0.5 \* eve - 2"):
        net.score(df, target="churn")


def test_the_formula_and_the_columns_read(model):
    net = credence.load(str(model))
    assert net.derivation("total") == ([(1.0, "day"), (0.5, "eve")], -2.0)
    assert net.derivation("day") is None
    assert net.data_columns() == ["churn", "day", "total", "eve"]


def test_spark_reads_the_source_columns(model):
    pytest.importorskip("pyspark")
    from credence import spark
    net = credence.load(str(model))
    frame = types.SimpleNamespace(columns=["id", "day", "eve", "churn"])
    assert spark._columns(frame, net) == ["day", "eve", "churn"]
