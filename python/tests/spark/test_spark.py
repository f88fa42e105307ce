"""credence.spark against the single-process operations (the same Swift code through the C
ABI, as `credence score/fit/evaluate/learn`): equal numbers on the same rows, whatever the
partitioning, located errors, retried tasks. One local[2,4] session for every test: two
cores, and a failed task is retried (up to four attempts) as on a cluster."""
import os
import sys

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyspark", reason="pip install ./python[spark] (requirements/spark.txt)")

import credence  # noqa: E402
from credence import spark as cs  # noqa: E402
from conftest import REPO, network_path  # noqa: E402


@pytest.fixture(scope="session")
def spark():
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # the workers' Python: this venv's

    session = (SparkSession.builder.master("local[2,4]").appName("credence-tests")
               .config("spark.sql.shuffle.partitions", "8")
               .config("spark.sql.execution.arrow.maxRecordsPerBatch", "500")
               .config("spark.ui.enabled", "false")
               .getOrCreate())
    session.sparkContext.setLogLevel("OFF")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def asia():
    return credence.load(str(network_path("asia")))


@pytest.fixture(scope="session")
def alarm():
    return credence.load(str(network_path("alarm")))


def strings(df: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns as str with None for missing cells, plus a row id."""
    out = pd.DataFrame({c: df[c].astype(object).where(df[c].notna(), None) for c in df.columns})
    out.insert(0, "id", np.arange(len(df), dtype=np.int64))
    return out


def frame(spark, df: pd.DataFrame, partitions: int):
    """`df` as a Spark DataFrame in `partitions` partitions."""
    schema = ", ".join(f"`{c}` long" if c == "id" else f"`{c}` string" for c in df.columns)
    return spark.createDataFrame(df, schema=schema).repartition(partitions)


@pytest.fixture(scope="session")
def alarm_rows(alarm):
    return strings(alarm.sample(1500, seed=5, missing=0.3))


@pytest.fixture(scope="session")
def asia_rows(asia):
    return strings(asia.sample(3000, seed=3, missing=0.3))


def same(a: np.ndarray, b: np.ndarray, tol: float) -> float:
    """The largest difference, NaN matching NaN."""
    assert a.shape == b.shape
    assert np.array_equal(np.isnan(a), np.isnan(b))
    ok = ~np.isnan(a)
    return float(np.max(np.abs(a[ok] - b[ok]), initial=0.0))


@pytest.mark.parametrize("partitions", [1, 7, 64])
def test_score_equals_single_process(spark, alarm, alarm_rows, partitions):
    target = "CATECHOL"
    expected = alarm.score(alarm_rows.drop(columns="id"), target).drop(columns="most_probable").to_numpy()
    got = cs.score(frame(spark, alarm_rows, partitions), alarm, target).toPandas().sort_values("id")
    cols = [f"P({target}={s})" for s in alarm.states(target)]
    assert list(got.columns) == list(alarm_rows.columns) + cols
    assert got["id"].tolist() == list(range(len(alarm_rows)))
    assert same(got[cols].to_numpy(), expected, 1e-12) <= 1e-12
    # the input columns pass through untouched (missing cells stay null)
    assert got["HR"].isna().sum() == alarm_rows["HR"].isna().sum()


def test_score_keeps_only_the_columns_asked_for(spark, alarm, alarm_rows):
    target = "CATECHOL"
    expected = alarm.score(alarm_rows.drop(columns="id"), target).drop(columns="most_probable").to_numpy()
    got = cs.score(frame(spark, alarm_rows, 3), alarm, target, keep=["id"]).toPandas().sort_values("id")
    cols = [f"P({target}={s})" for s in alarm.states(target)]
    assert list(got.columns) == ["id"] + cols
    assert same(got[cols].to_numpy(), expected, 1e-12) <= 1e-12
    with pytest.raises(ValueError, match=r"keep: \['ID'\] are not columns of the DataFrame"):
        cs.score(frame(spark, alarm_rows, 1), alarm, target, keep=["ID"])


def test_score_malformed_row_names_values_and_problem(spark, asia, asia_rows):
    rows = asia_rows.head(200).copy()
    rows.loc[137, "smoke"] = "sometimes"
    with pytest.raises(Exception) as raised:
        cs.score(frame(spark, rows, 3), asia, "lung", strict=True).collect()
    text = str(raised.value)
    assert "'sometimes' is not a state of 'smoke'" in text
    assert "id=137" in text and "smoke='sometimes'" in text


def test_score_non_numeric_value_in_numeric_column(spark):
    telco = credence.load(str(REPO / "models" / "telco_churn.bn"))
    rows = pd.DataFrame({"id": [0, 1, 2], "tenure": ["12", "abc", "40"], "female": ["1", "0", "1"]})
    with pytest.raises(Exception) as raised:
        cs.score(frame(spark, rows, 1), telco, "churn", strict=True).collect()
    text = str(raised.value)
    assert "'abc' in column 'tenure' is neither a number nor a state of 'tenure'" in text
    assert "id=1" in text and "tenure='abc'" in text


def test_fit_unknown_state_fails_when_the_patterns_are_encoded(spark, asia, asia_rows, tmp_path):
    rows = asia_rows.head(300).copy()
    rows.loc[137, "smoke"] = "sometimes"
    marker = tmp_path / "estep"
    with pytest.raises(Exception) as raised:
        cs.fit(frame(spark, rows, 3), asia, method="em", max_iter=2, _task_hook=lambda i: marker.touch())
    text = str(raised.value)
    assert "credence.spark.fit: the row (" in text and "smoke='sometimes'" in text
    assert "'sometimes' is not a state of 'smoke'" in text and "hint: its states are 'yes', 'no'" in text
    assert not marker.exists()  # refused by the one encoding pass, before any E-step
    assert spark._jsparkSession.sharedState().cacheManager().isEmpty()  # and nothing left cached


def test_fit_impossible_pattern_names_its_values(spark, asia, asia_rows):
    # asia's `either` is lung OR tub: lung=yes with either=no has probability zero
    rows = asia_rows.head(300).copy()
    rows.loc[42, ["lung", "either"]] = ["yes", "no"]
    with pytest.raises(Exception) as raised:
        cs.fit(frame(spark, rows, 2), asia, method="em", max_iter=2)
    text = str(raised.value)
    assert "credence.spark.fit: the row (" in text and "lung='yes'" in text and "either='no'" in text
    assert "of its Arrow batch" in text and "probability zero" in text


def test_fit_em_equals_single_process(spark, asia, asia_rows):
    data = asia_rows.drop(columns="id")
    single = asia.fit(data, method="em", max_iter=6, prior=1.0)
    trace = single.report["em"]["logLikelihoodTrace"]
    got = cs.fit(frame(spark, asia_rows, 5), asia, method="em", max_iter=6, prior=1.0, partitions=7)
    assert got.report["em"]["iterations"] == single.report["em"]["iterations"]
    assert len(got.trace) == len(trace) >= 4
    assert max(abs(a - b) / abs(b) for a, b in zip(got.trace, trace)) <= 1e-9
    assert abs(got.log_likelihood - single.report["logLikelihood"]) <= 1e-9 * abs(single.report["logLikelihood"])
    for v in asia.variables:
        a, b = got.query(v), single.query(v)
        assert np.max(np.abs(a.to_numpy() - b.to_numpy())) <= 1e-9


def test_fit_em_reports_executor_work_and_any_threads_give_the_same_trace(spark, alarm, alarm_rows):
    data = frame(spark, alarm_rows, 3)
    single = alarm.fit(alarm_rows.drop(columns="id"), method="em", max_iter=3)
    trace = single.report["em"]["logLikelihoodTrace"]
    for threads in (None, 2):  # None: one per task (spark.task.cpus), as Spark runs a task per core
        got = cs.fit(data, alarm, method="em", max_iter=3, partitions=5, threads=threads)
        assert max(abs(a - b) / abs(b) for a, b in zip(got.trace, trace)) <= 1e-9
        work = got.report["work"]
        assert len(work) == len(got.report["seconds"]) == 3
        for w in work:  # every E-step read every pattern once, in the 5 partitions' tasks
            assert w["tasks"] == 5 and w["patterns"] == got.report["distinctRows"] == len(alarm_rows)
            assert w["batches"] >= 5 and w["taskSeconds"] >= w["callSeconds"] > 0 and w["cpuSeconds"] > 0
    with pytest.raises(Exception, match="threads must be at least 1"):
        cs.fit(data, alarm, method="em", max_iter=1, threads=0)


def test_tasks_run_the_c_calls_on_the_task_cpus(spark):
    # spark.task.cpus is 1 here: one thread per task (before, every task used every core)
    assert spark.sparkContext.parallelize([0, 1], 2).map(lambda _: cs._task_threads(None)).collect() == [1, 1]
    assert cs._task_threads(3) == 3


@pytest.mark.parametrize("method,missing", [("mle", 0.0), ("bayes", 0.3)])
def test_fit_mle_tables_equal(spark, asia, method, missing):
    # asia's `either` is a logical OR: complete-case MLE tables with gaps rule rows out
    # (log-likelihood -inf), so MLE on complete rows, the BDeu prior on rows with gaps
    rows = strings(asia.sample(3000, seed=3, missing=missing))
    single = asia.fit(rows.drop(columns="id"), method=method)
    got = cs.fit(frame(spark, rows, 7), asia, method=method)
    assert got == single  # the same tables, bit for bit: counts are sums of whole numbers
    assert abs(got.log_likelihood - single.report["logLikelihood"]) <= 1e-9 * abs(got.log_likelihood)
    assert got.report["distinctRows"] < len(rows)


def test_em_task_failure_is_retried_with_the_same_result(spark, asia, asia_rows, tmp_path):
    marker = str(tmp_path / "failed")

    def fail_once(iteration):
        from pyspark import TaskContext

        ctx = TaskContext.get()
        if iteration == 2 and ctx.partitionId() == 1 and ctx.attemptNumber() == 0:
            open(marker, "w").close()
            raise RuntimeError("an executor lost mid-fit (test)")

    single = asia.fit(asia_rows.drop(columns="id"), method="em", max_iter=3)
    retried = cs.fit(frame(spark, asia_rows, 4), asia, method="em", max_iter=3, partitions=3, _task_hook=fail_once)
    assert os.path.exists(marker)  # the third E-step's task did fail once
    trace = single.report["em"]["logLikelihoodTrace"]
    assert len(retried.trace) == len(trace) == 4
    assert max(abs(a - b) / abs(b) for a, b in zip(retried.trace, trace)) <= 1e-9
    for v in asia.variables:
        assert np.max(np.abs(retried.query(v).to_numpy() - single.query(v).to_numpy())) <= 1e-9


@pytest.mark.parametrize("target", ["CATECHOL", "HRBP"])  # two states, three states
def test_evaluate_equals_single_process(spark, alarm, alarm_rows, target):
    expected = alarm.evaluate(alarm_rows.drop(columns="id"), target)["model"]
    got = cs.evaluate(frame(spark, alarm_rows, 7), alarm, target)
    assert got["rows"] == expected["rows"] == alarm_rows[target].notna().sum()
    assert got["accuracy"] == expected["accuracy"]
    assert abs(got["logLoss"] - expected["logLoss"]) <= 1e-12
    assert abs(got["auc"] - expected["auc"]) <= 1e-12


def test_learn_equals_single_process(spark, asia):
    rows = strings(asia.sample(3000, seed=11, missing=0.0)).drop(columns="id")
    # a numeric column with 97 values and ties, cut into 4 equal-frequency bins: the
    # patterns' counts weigh in the bins as the rows would
    rows["spend"] = (np.arange(len(rows)) * 7919 % 97).astype(float) + (rows["smoke"] == "yes") * 40.0
    single = credence.learn(rows, seed=1)
    # in table order (states come in order of first appearance, as in a CSV file)
    schema = ", ".join(f"`{c}` {'double' if c == 'spend' else 'string'}" for c in rows.columns)
    got = cs.learn(spark.createDataFrame(rows, schema=schema), seed=1)
    assert sorted(got.edges) == sorted(single.edges)
    assert got == single


def test_score_computes_a_derived_variable_from_its_source_columns(spark, tmp_path):
    """A model with a derived variable: the Spark rows carry its source columns (no column
    of the variable, and the sources are no variables), and the scores are the pandas ones."""
    path = tmp_path / "derived.bn"
    path.write_text("network n\n"
                    "variable churn { no, yes }\n"
                    "variable total { low, high } cuts [72.8] from 1 * day + 0.5 * eve - 2\n"
                    "P(churn) = 0.8 0.2\n"
                    "P(total | churn) = 0.9 0.1  0.25 0.75\n")
    net = credence.load(str(path))
    df = pd.DataFrame({"id": [1, 2, 3, 4], "day": [10.0, 50.0, None, 70.0], "eve": [20.0, 60.0, 20.0, 30.0]})
    want = net.score(df, target="churn")
    got = cs.score(spark.createDataFrame(df), net, "churn").toPandas().sort_values("id")
    assert np.allclose(got["P(churn=yes)"].to_numpy(), want["P(churn=yes)"].to_numpy(), rtol=0, atol=1e-12)
    assert abs(got["P(churn=yes)"].iloc[2] - 0.2) < 1e-12          # day missing: the prior
