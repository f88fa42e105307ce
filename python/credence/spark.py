"""Credence on Apache Spark: scoring, fitting, evaluating and learning over Spark DataFrames.

Every number comes from Credence's Swift core through the C ABI, as in the rest of the
package: executors call it once per Arrow batch (``mapInArrow``, which Spark Connect
supports; no ``RDD.pipe``), and the driver runs the steps that need the whole table.

- :func:`score`: ``P(target=state)`` columns appended to the rows (``credence score``).
- :func:`fit`: Spark collapses the rows to distinct patterns with counts, encoded once in
  the model's states and cached; MLE sums the patterns' family counts, EM broadcasts the
  current network each iteration, executors compute the E-step of their patterns, a tree
  reduce sums the expected counts and the driver runs the M-step (``credence fit``, the
  same numbers).
- :func:`evaluate`: accuracy, log loss and the exact AUC by Spark aggregations
  (``credence evaluate``).
- :func:`learn`: the distinct patterns with counts gathered by Spark, the structure search
  on the driver on those weighted rows (``credence learn``).

Executors need the package (``pip install ./python[spark]`` on every node, or the wheel
shipped with ``--archives``/``SparkContext.addArchive``, see docs/spark.md).
"""
from __future__ import annotations

import ctypes
import functools
import json
import re
import time
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np

from . import _ffi
from ._arrow import (BLOCK_FIELDS, ArrowTable, BlockTable, batch_row, block_row, blocks, code_type, doubles,
                     encode_block)
from .errors import CredenceError
from .network import Network

try:  # pyspark and pyarrow are the `spark` extra: pip install ./python[spark]
    import pyarrow as pa
    from pyspark.sql import DataFrame, functions as F, types as T
except ImportError as e:  # pragma: no cover - depends on the installation
    raise ImportError("credence.spark needs pyspark and pyarrow: pip install ./python[spark]") from e

__all__ = ["score", "fit", "evaluate", "learn", "patterns", "FittedNetwork", "SparkRowError"]

#: The column of pattern counts in :func:`patterns` (a name no variable is likely to have).
COUNT = "__credence_count"


class SparkRowError(CredenceError):
    """A row Credence refuses inside a Spark task: the message names the row's values and
    the problem (it surfaces in the driver inside Spark's job error)."""


class FittedNetwork(Network):
    """A network fitted by :func:`fit`: ``log_likelihood`` of the returned tables and the EM
    ``trace`` (the log-likelihood before each M-step, then of the result, as
    ``credence fit --json`` reports it as ``em.logLikelihoodTrace``)."""

    @property
    def log_likelihood(self) -> float:
        """Observed-data log-likelihood (natural log) of the table under this network."""
        return float(self.report["logLikelihood"])

    @property
    def trace(self) -> List[float]:
        """Per-iteration log-likelihoods (EM), or the one final value (MLE)."""
        em = self.report.get("em")
        return list(em["logLikelihoodTrace"]) if em else [self.log_likelihood]


# ---- executors: networks and Arrow batches ------------------------------------------

_networks: Dict[str, Network] = {}


def _network(text: str) -> Network:
    """The network of a model text, parsed once per Python worker."""
    net = _networks.get(text)
    if net is None:
        if len(_networks) > 8:
            _networks.clear()
        out = ctypes.c_void_p()
        _ffi.call("credence_network_parse", text.encode(), b"bn", ctypes.byref(out))
        net = _networks[text] = Network(out.value)
    return net


def _task_threads(threads: Optional[int]) -> int:
    """The threads this task's C calls split their rows over: `threads` when given, else the
    task's CPUs (``spark.task.cpus``, 1 by default: Spark already runs a task per core, so
    more threads per task would contend for the same cores)."""
    if threads is not None:
        return int(threads)
    from pyspark import TaskContext

    context = TaskContext.get()
    try:
        return max(1, int(context.cpus())) if context is not None else 1
    except Exception:  # pragma: no cover - a TaskContext without cpus() (pyspark < 3.3)
        return 1


def _check_threads(threads: Optional[int]) -> None:
    """Refuses a `threads` option below 1 on the driver, before any job starts."""
    if threads is not None and int(threads) < 1:
        raise ValueError(f"threads must be at least 1, got {threads}")


def _set_threads(threads: Optional[int]) -> None:
    """Sets this worker's C-call threads for the task (`_task_threads`)."""
    _ffi.lib.credence_set_threads(_task_threads(threads))


def _text(net: Network) -> str:
    """The network as model text, the form it travels to executors in."""
    return net.to_string("bn")


_ROW = re.compile(r"\(row (\d+)\)|\brow (\d+)\b")


def _row_error(rows: int, row: Callable[[int], Dict[str, Any]], error: CredenceError, what: str) -> SparkRowError:
    """The error of a batch of `rows` rows, with the values of the row it names (`row(i)`:
    the row number of the Swift message counts within the batch, which means nothing in a
    Spark table)."""
    message = error.message
    m = _ROW.search(message)
    if m:
        i = int(m.group(1) or m.group(2)) - 1
        if 0 <= i < rows:
            values = ", ".join(f"{k}={v!r}" for k, v in row(i).items())
            message = message[:m.start()] + f"(row {i + 1} of its Arrow batch)" + message[m.end():]
            return SparkRowError(f"credence.spark.{what}: the row ({values}): {message}")
    return SparkRowError(f"credence.spark.{what}: {message}")


def _batches(batches: Iterator["pa.RecordBatch"], what: str,
             body: Callable[["pa.RecordBatch"], Any]) -> Iterator[Any]:
    """`body` over the batches, each Credence error turned into a SparkRowError."""
    for batch in batches:
        if batch.num_rows == 0:
            continue
        try:
            yield body(batch)
        except CredenceError as e:
            raise _row_error(batch.num_rows, lambda i: batch_row(batch, i, (COUNT,)), e, what) from None


# ---- score ---------------------------------------------------------------------------

def _columns(sdf: DataFrame, net: Network) -> List[str]:
    """The DataFrame's columns that the network reads: its variables, and the source columns
    of its derived variables (computed from them where the variable's own column is absent)."""
    known = set(net.data_columns())
    return [c for c in sdf.columns if c in known]


def score(sdf: DataFrame, net: Network, target: str, strict: bool = False, *, keep: Optional[Sequence[str]] = None,
          threads: Optional[int] = None) -> DataFrame:
    """``P(target | row)`` for every row (``credence score``): `sdf` with one double column
    ``P(target=state)`` per state appended. Columns match variables by name (others pass
    through untouched); nulls are missing cells, summed out. A category the model does not
    know is missing (an error with ``strict``); a row of probability zero gets NaN (an
    error with ``strict``). An error fails the Spark job with a message naming the row's
    values and the problem. `keep` names the columns of `sdf` the result carries before the
    scores (default: all of them; e.g. only a key: every column kept is handed back from
    the Python workers to Spark, which for 37 string columns was a sixth of a core's
    scoring time). Each task scores on `threads` threads (default: the task's CPUs,
    ``spark.task.cpus``)."""
    _check_threads(threads)
    return _posteriors(sdf, net, target, "score", strict, threads, keep)


def _posteriors(sdf: DataFrame, net: Network, target: str, what: str, strict: bool = False,
                threads: Optional[int] = None, keep: Optional[Sequence[str]] = None) -> DataFrame:
    """`sdf`'s columns `keep` (default: all) with the target's distribution per row
    appended, by `credence_score` (`what` "score") or `credence_predict` (`what`
    "evaluate": evaluate's predictions)."""
    states = net.states(target)
    names = [f"P({target}={s})" for s in states]
    kept = list(sdf.columns) if keep is None else list(keep)
    unknown = [c for c in kept if c not in sdf.columns]
    if unknown:
        raise ValueError(f"keep: {unknown} are not columns of the DataFrame (columns: {sdf.columns})")
    fields = {f.name: f for f in sdf.schema.fields}
    schema = T.StructType([fields[c] for c in kept] + [T.StructField(n, T.DoubleType(), True) for n in names])
    text, used = _text(net), _columns(sdf, net)
    skip = [c for c in sdf.columns if c not in set(used)]
    body = functools.partial(_posterior_batch, text=text, target=target, what=what, strict=strict, threads=threads,
                             kept=kept, skip=skip, names=names)
    return sdf.mapInArrow(lambda batches: _batches(batches, what, body), schema)


def _posterior_batch(batch: "pa.RecordBatch", *, text: str, target: str, what: str, strict: bool,
                     threads: Optional[int], kept: List[str], skip: List[str], names: List[str]) -> "pa.RecordBatch":
    """One Arrow batch on an executor (`_posteriors`): its columns `kept`, then one double
    column per name in `names`, the target's distribution per row; `skip` are the columns
    the network does not read. Neither this nor the package's import reaches pandas
    (credence._arrow's `values`, `doubles`), so a fresh Python worker does not import it."""
    _set_threads(threads)
    out = np.empty((batch.num_rows, len(names)))
    handle = _network(text)._handle
    with ArrowTable(batch, skip=skip) as table:
        if what == "score":
            _ffi.call("credence_score", handle, table.handle, target.encode(), int(bool(strict)),
                      out.ctypes.data, out.size, None)
        else:
            _ffi.call("credence_predict", handle, table.handle, target.encode(), out.ctypes.data, out.size)
    by_state = np.ascontiguousarray(out.T)  # one copy; each state's row goes to Arrow as it is
    arrays = [batch.column(c) for c in kept] + [doubles(p) for p in by_state]
    return pa.RecordBatch.from_arrays(arrays, names=kept + names)


# ---- fit -------------------------------------------------------------------------------

def patterns(sdf: DataFrame, net: Network) -> DataFrame:
    """The distinct rows over the network's variables with their counts (column
    ``__credence_count``): the sufficient statistics of every fit, by one groupBy."""
    used = _columns(sdf, net)
    if not used:
        raise ValueError(f"no column of the DataFrame is a variable of the model (columns: {sdf.columns})")
    return sdf.groupBy(*used).agg(F.count(F.lit(1)).cast("double").alias(COUNT))


class _Encoded:
    """The patterns encoded once in the model's states (credence._arrow's blocks: one row
    per Arrow batch of patterns, its codes and counts as two byte strings), cached: what
    every E-step reads, so that neither Spark's JVM nor the Python workers convert the
    patterns' texts again. Building it reads every pattern, so an unknown state fails here,
    with the message naming the row's values."""

    SCHEMA = T.StructType([T.StructField(name, {pa.binary(): T.BinaryType(), pa.int64(): T.LongType(),
                                                pa.float64(): T.DoubleType()}[kind], False)
                           for name, kind in BLOCK_FIELDS])

    def __init__(self, pats: DataFrame, net: Network) -> None:
        self.names = [c for c in pats.columns if c != COUNT]
        self.dtype = code_type(net, self.names)
        text, names, dtype = _text(net), self.names, self.dtype

        def encode(batches: Iterator["pa.RecordBatch"]) -> Iterator["pa.RecordBatch"]:
            model = _network(text)
            return _batches(batches, "fit", lambda b: encode_block(model, b, names, COUNT, dtype))

        self.frame = pats.mapInArrow(encode, self.SCHEMA).cache()
        try:
            sizes = self.frame.agg(F.sum("patterns").alias("patterns"), F.sum("rows").alias("rows")).first()
        except BaseException:
            self.frame.unpersist()
            raise
        self.patterns, self.rows = int(sizes["patterns"] or 0), int(sizes["rows"] or 0)

    def unpersist(self) -> None:
        self.frame.unpersist()


_SUMS = T.StructType([T.StructField("counts", T.ArrayType(T.DoubleType(), False), False),
                      T.StructField("logLikelihood", T.DoubleType(), False),
                      T.StructField("work", T.ArrayType(T.DoubleType(), False), False)])

#: The executor-side figures one partition reports with its counts (``work``), summed over
#: the partitions of an E-step: tasks, blocks (``batches``) and patterns read, then seconds
#: in the task (wall), in its process (CPU, every thread), building the tables (a block of
#: state codes to the C ABI's table) and in the C call (the E-step or the counts).
WORK = ("tasks", "batches", "patterns", "taskSeconds", "cpuSeconds", "tableSeconds", "callSeconds")


def _sums(encoded: _Encoded, text_of: Callable[[], str], call: str, size: int,
          task_hook: Optional[Callable[[], None]] = None,
          threads: Optional[int] = None) -> Tuple[np.ndarray, float, np.ndarray]:
    """The family counts (`call`: credence_family_counts or credence_expected_counts) of
    every partition of the encoded patterns under the network, their log-likelihoods and
    their executor figures (`WORK`), each summed by a tree reduce."""
    names, dtype = encoded.names, encoded.dtype

    def part(batches: Iterator["pa.RecordBatch"]) -> Iterator["pa.RecordBatch"]:
        started, cpu = time.perf_counter(), time.process_time()
        if task_hook is not None:
            task_hook()
        _set_threads(threads)
        net = _network(text_of())
        total, ll = np.zeros(size), 0.0
        work = dict.fromkeys(WORK, 0.0)
        for batch in batches:
            for codes, weights in blocks(batch, len(names), dtype):
                counts, l = np.empty(size), ctypes.c_double(0.0)
                t0 = time.perf_counter()
                try:
                    with BlockTable(names, codes, weights) as table:
                        t1 = time.perf_counter()
                        if call == "credence_expected_counts":
                            _ffi.call(call, net._handle, table.handle, counts.ctypes.data, size, ctypes.byref(l))
                        else:
                            _ffi.call(call, net._handle, table.handle, counts.ctypes.data, size)
                        t2 = time.perf_counter()
                except CredenceError as e:
                    raise _row_error(weights.size, lambda i: block_row(net, names, codes, i), e, "fit") from None
                total += counts
                ll += l.value
                work["batches"] += 1
                work["patterns"] += weights.size
                work["tableSeconds"] += t1 - t0
                work["callSeconds"] += t2 - t1
        work["tasks"] = 1
        work["taskSeconds"] = time.perf_counter() - started
        work["cpuSeconds"] = time.process_time() - cpu
        yield pa.RecordBatch.from_arrays([pa.array([total.tolist()], pa.list_(pa.float64())), pa.array([ll]),
                                          pa.array([[work[k] for k in WORK]], pa.list_(pa.float64()))],
                                         names=["counts", "logLikelihood", "work"])

    summed = (encoded.frame.mapInArrow(part, _SUMS).rdd
              .map(lambda r: (np.asarray(r["counts"], dtype=np.float64), r["logLikelihood"],
                              np.asarray(r["work"], dtype=np.float64)))
              .treeReduce(lambda a, b: (a[0] + b[0], a[1] + b[1], a[2] + b[2]), depth=2))
    return summed


def _estimate(net: Network, counts: np.ndarray, method: str, prior: Optional[float]) -> Network:
    """The M-step (credence_estimate) on the driver."""
    opts: Dict[str, Any] = {"method": method}
    if prior is not None:
        opts["prior"] = float(prior)
    counts = np.ascontiguousarray(counts, dtype=np.float64)
    out = ctypes.c_void_p()
    _ffi.call("credence_estimate", net._handle, counts.ctypes.data, counts.size, json.dumps(opts).encode(),
              ctypes.byref(out))
    return Network(out.value)


def fit(sdf: DataFrame, net: Network, method: str = "mle", prior: Optional[float] = None, max_iter: int = 100,
        tolerance: float = 1e-5, *, partitions: Optional[int] = None, threads: Optional[int] = None,
        _task_hook: Optional[Callable[[int], None]] = None) -> FittedNetwork:
    """A network with `net`'s structure and tables estimated from `sdf` (``credence fit``):
    ``mle`` or ``bayes`` from the summed complete-case family counts, or ``em`` from
    `net`'s own tables, each iteration an E-step on the executors and the M-step on the
    driver, stopping as ``credence fit --method em`` does (relative change of the
    log-likelihood below `tolerance`, or `max_iter` iterations). `prior` is a BDeu
    equivalent sample size. The rows are first collapsed to distinct patterns with counts,
    repartitioned to `partitions` when given, and encoded once in the model's states
    (cached; a value that is no state of its variable fails the job there, naming the row's
    values). Each task's C calls run on `threads` threads (default: the task's CPUs,
    ``spark.task.cpus``). The result carries ``log_likelihood`` and ``trace``; its
    ``report`` mirrors ``credence fit --json`` (plus ``patternSeconds``, the groupBy and
    the encoding, ``seconds``, each E-step's wall time, and ``work``, each E-step's executor
    figures summed over its tasks: see `WORK`)."""
    if method not in ("mle", "bayes", "em"):
        raise ValueError(f"method must be mle, bayes or em, got {method!r}")
    if max_iter < 1:
        raise ValueError(f"max_iter must be at least 1, got {max_iter}")
    _check_threads(threads)
    pats = patterns(sdf, net)
    if partitions:
        pats = pats.repartition(int(partitions))
    spark = sdf.sparkSession
    size = int(_ffi.lib.credence_family_count_length(net._handle))
    iteration = [0]
    t0 = time.perf_counter()
    encoded = _Encoded(pats, net)

    def run(current: Network, call: str) -> Tuple[np.ndarray, float, np.ndarray]:
        # The current network travels to the executors as a broadcast of its text.
        shared = spark.sparkContext.broadcast(_text(current))
        hook = (lambda i=iteration[0]: _task_hook(i)) if _task_hook else None
        try:
            return _sums(encoded, lambda: shared.value, call, size, hook, threads)
        finally:
            shared.unpersist()
            iteration[0] += 1

    try:
        distinct, rows = encoded.patterns, encoded.rows
        report: Dict[str, Any] = {"method": method, "rows": rows, "distinctRows": distinct,
                                  "patternSeconds": time.perf_counter() - t0}
        if method != "em":
            counts = run(net, "credence_family_counts")[0]
            fitted = _estimate(net, counts, method, prior)
            report.update(logLikelihood=run(fitted, "credence_expected_counts")[1], em=None)
            return FittedNetwork(_take(fitted), report=report)
        current, trace, seconds, work, converged, iterations = net, [], [], [], False, 0
        while iterations < max_iter:
            t = time.perf_counter()
            counts, ll, figures = run(current, "credence_expected_counts")
            seconds.append(time.perf_counter() - t)
            work.append(dict(zip(WORK, figures.tolist())))
            trace.append(ll)
            if len(trace) >= 2:
                converged = abs(ll - trace[-2]) / max(abs(trace[-2]), 1e-300) < tolerance
            current = _estimate(current, counts, "em", prior)
            iterations += 1
            if converged:
                break
        final = run(current, "credence_expected_counts")[1]
        trace.append(final)
        report.update(logLikelihood=final, em={"iterations": iterations, "logLikelihoodTrace": trace,
                                               "converged": converged, "distinctRows": distinct,
                                               "finalLogLikelihood": final},
                      seconds=seconds, work=work)
        return FittedNetwork(_take(current), report=report)
    finally:
        encoded.unpersist()


def _take(net: Network) -> int:
    """The handle of `net`, moved out of it (so that the new wrapper owns it)."""
    handle, net._handle = net._handle, None
    return handle


# ---- evaluate --------------------------------------------------------------------------

def _auc(scores: np.ndarray, positive: np.ndarray, negative: np.ndarray) -> float:
    """Mann–Whitney AUC over distinct scores, each with its positive and negative counts
    (ties count one half), as ClassificationMetrics.auc computes it row by row."""
    order = np.argsort(scores, kind="stable")
    pos, neg = positive[order], negative[order]
    p, n = pos.sum(), neg.sum()
    if p == 0 or n == 0:
        return float("nan")
    below = np.concatenate(([0.0], np.cumsum(neg)[:-1]))
    return float((pos * (below + neg / 2)).sum() / (p * n))


def evaluate(sdf: DataFrame, net: Network, target: str) -> Dict[str, Any]:
    """The network as a classifier of `target` on `sdf` (``credence evaluate``): rows with
    a label, accuracy (the most probable state, first on ties), log loss (probabilities
    clipped at 1e-15) and the exact AUC (two states: of the first state, as
    ``credence evaluate``; more: the mean of one-vs-rest AUCs), all by Spark aggregations
    over evaluate's own predictions (``credence_predict``: each row's a function of its
    cells alone, so ties between scores are the same as on one machine; a row of
    probability zero is an error). The AUC groups by distinct score and label and ranks
    the distinct scores on the driver."""
    states = net.states(target)
    if target not in sdf.columns:
        raise ValueError(f"the DataFrame has no column {target!r} (the labels)")
    cols = [f"P({target}={s})" for s in states]
    label = F.col(target).cast("string")
    known = sdf.select(label.alias("label")).where(F.col("label").isNotNull()).distinct().collect()
    unknown = sorted(r["label"] for r in known if r["label"] not in set(states))
    if unknown:
        raise ValueError(f"labels {unknown} of {target!r} are not states of it (states: {states})")
    scored = _posteriors(sdf, net, target, "evaluate", keep=[target])  # only the labels come back
    index = F.create_map(*[x for k, s in enumerate(states) for x in (F.lit(s), F.lit(k))])
    scored = scored.withColumn("__y", index[F.col(target).cast("string")]).where(F.col("__y").isNotNull())
    best = F.greatest(*[F.col(f"`{c}`") for c in cols])
    argmax = F.coalesce(*[F.when(F.col(f"`{c}`") == best, F.lit(k)) for k, c in enumerate(cols)])
    p_true = F.element_at(F.array(*[F.col(f"`{c}`") for c in cols]), F.col("__y") + 1)
    sums = scored.agg(F.count(F.lit(1)).alias("n"),
                      F.sum((argmax == F.col("__y")).cast("long")).alias("correct"),
                      F.sum(-F.log(F.least(F.lit(1.0), F.greatest(p_true, F.lit(1e-15))))).alias("loss")).first()
    n = int(sums["n"])
    aucs = []
    for k in (range(1) if len(states) == 2 else range(len(states))):
        rows = (scored.groupBy(F.col(f"`{cols[k]}`").alias("s"))
                .agg(F.sum((F.col("__y") == k).cast("double")).alias("pos"),
                     F.sum((F.col("__y") != k).cast("double")).alias("neg")).collect())
        s = np.array([r["s"] for r in rows], dtype=np.float64)
        aucs.append(_auc(s, np.array([r["pos"] for r in rows]), np.array([r["neg"] for r in rows])))
    valid = [a for a in aucs if not np.isnan(a)]
    return {"target": target, "rows": n,
            "accuracy": int(sums["correct"]) / n if n else float("nan"),
            "logLoss": float(sums["loss"]) / n if n else float("nan"),
            "auc": float(np.mean(valid)) if valid else float("nan")}


# ---- learn -----------------------------------------------------------------------------

def learn(sdf: DataFrame, columns: Optional[Sequence[str]] = None, **options: Any) -> Network:
    """A network learned from `sdf` (``credence learn``, options as :func:`credence.learn`
    takes them): Spark collapses the rows to distinct patterns with counts, which are
    gathered on the driver (memory bounded by the distinct patterns, not the rows), and the
    structure search runs there on those weighted rows through the C ABI. `columns` picks
    the columns (default: all); patterns come in order of each one's first row in `sdf`, so
    states are met in the same order as in the table."""
    from . import learn as learn_rows

    used = list(columns or sdf.columns)
    pats = (sdf.select(*used).withColumn("__id", F.monotonically_increasing_id())
            .groupBy(*used).agg(F.count(F.lit(1)).cast("double").alias(COUNT), F.min("__id").alias("__first"))
            .orderBy("__first").toPandas())
    weights = pats.pop(COUNT).to_numpy(dtype=np.float64)
    pats = pats.drop(columns="__first")
    return learn_rows(pats, weights=weights, **options)
