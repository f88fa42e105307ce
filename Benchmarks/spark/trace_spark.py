"""Where credence.spark's time and bytes go (BENCHMARKS.md, "EM from patterns encoded once,
per-core scoring traced"); alarm, target CATECHOL, a CSV drawn by `credence sample`.

    worker  the Python worker's part of `score` in one process, without Spark: 65,536-row
            Arrow batches of the CSV (strings), the C ABI's table built from each
            (ArrowTable), credence_score, the output arrays; CPU and wall seconds of each
            part, and with --profile the top of cProfile's table.
    jobs    one local[1] session (pin it with taskset), each job written to Spark's noop
            sink: the CSV read alone, mapInArrow returning its batches unchanged, returning
            two doubles only, score with every column and with keep=[] (--repeat rounds,
            the first of a fresh session pays the JVM's warm-up); wall and CPU seconds of
            the whole process tree.
    volumes the groupBy's shuffle bytes (Spark's status store), the distinct patterns
            cached as strings and fit's cached blocks of state codes (storage info).

    CREDENCE_LIBRARY=.build/release/libcredence_c.so PYTHONPATH=python .venv/bin/python \\
        Benchmarks/spark/trace_spark.py worker|jobs|volumes --csv alarm_1000000.csv
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_spark as bench  # noqa: E402


def worker(csv: str, profile: bool) -> dict:
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pcsv

    import credence
    from credence import _ffi
    from credence._arrow import ArrowTable

    net = credence.load(str(bench.ALARM))
    _ffi.lib.credence_set_threads(1)  # as a Spark task
    table = pcsv.read_csv(csv, convert_options=pcsv.ConvertOptions(strings_can_be_null=True))
    table = table.cast(pa.schema([(n, pa.string()) for n in table.column_names])).combine_chunks()
    states = net.states(bench.TARGET)
    names = [f"P({bench.TARGET}={s})" for s in states]
    parts = dict.fromkeys(("table", "call", "output"), 0.0)
    profiler = cProfile.Profile() if profile else None
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for batch in table.to_batches(max_chunksize=65536):
        t0 = time.perf_counter()
        out = np.empty((batch.num_rows, len(states)))
        with ArrowTable(batch) as t:
            t1 = time.perf_counter()
            _ffi.call("credence_score", net._handle, t.handle, bench.TARGET.encode(), 0, out.ctypes.data, out.size, None)
            t2 = time.perf_counter()
        pa.RecordBatch.from_arrays([pa.array(p) for p in np.ascontiguousarray(out.T)], names=names)
        t3 = time.perf_counter()
        parts["table"] += t1 - t0
        parts["call"] += t2 - t1
        parts["output"] += t3 - t2
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    result = {"rows": table.num_rows, "cpu_s": cpu, "wall_s": wall, "rows_per_cpu_s": table.num_rows / cpu,
              "share_of_wall": {k: v / wall for k, v in parts.items()}}
    if profiler:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(12)
        result["profile"] = text.getvalue()
    return result


def jobs(csv: str, repeat: int) -> list:
    import numpy as np
    import pyarrow as pa
    from pyspark.sql import types as T

    import credence
    from credence import spark as cs

    session = bench.spark_session(1)
    net = credence.load(str(bench.ALARM))
    sdf = bench.read(session, csv)
    sdf.count()
    two = T.StructType([T.StructField("a", T.DoubleType()), T.StructField("b", T.DoubleType())])

    def unchanged(batches):
        yield from batches

    def doubles(batches):
        for b in batches:
            z = np.zeros(b.num_rows)
            yield pa.RecordBatch.from_arrays([pa.array(z), pa.array(z)], names=["a", "b"])

    runs = [("read", lambda: sdf), ("mapInArrow unchanged", lambda: sdf.mapInArrow(unchanged, sdf.schema)),
            ("mapInArrow two doubles", lambda: sdf.mapInArrow(doubles, two)),
            ("score", lambda: cs.score(sdf, net, bench.TARGET)),
            ("score keep=[]", lambda: cs.score(sdf, net, bench.TARGET, keep=[]))]
    results = []
    for _ in range(repeat):
        for what, frame in runs:
            t, cpu = time.perf_counter(), bench.tree_cpu()
            frame().write.format("noop").mode("overwrite").save()
            results.append({"job": what, "seconds": time.perf_counter() - t, "cpu_s": bench.tree_cpu() - cpu})
            print(json.dumps(results[-1]), flush=True)
    session.stop()
    return results


def volumes(csv: str) -> dict:
    import credence
    from credence import spark as cs

    session = bench.spark_session(2)
    sc = session.sparkContext
    net = credence.load(str(bench.ALARM))
    sdf = session.read.csv(csv, header=True)
    store, jvm = sc._jsc.sc().statusStore(), sc._jvm

    def shuffle_written() -> int:
        stages = store.stageList(None, False, False, sc._gateway.new_array(jvm.double, 0), jvm.java.util.ArrayList())
        total, it = 0, stages.iterator()  # a java.util.List
        while it.hasNext():
            total += it.next().shuffleWriteBytes()
        return total

    def cached() -> list:
        return sorted(i.memSize() for i in sc._jsc.sc().getRDDStorageInfo())

    before = shuffle_written()
    pats = cs.patterns(sdf, net).cache()
    patterns = pats.count()
    shuffled, strings = shuffle_written() - before, cached()
    encoded = cs._Encoded(pats, net)
    both = cached()
    encoded.unpersist()
    pats.unpersist()
    session.stop()
    return {"rows": int(encoded.rows), "patterns": patterns, "groupByShuffleWriteBytes": shuffled,
            "cachedStringPatternsBytes": strings[0], "cachedBlocksBytes": [b for b in both if b not in strings]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("task", choices=["worker", "jobs", "volumes"])
    ap.add_argument("--csv", required=True)
    ap.add_argument("--profile", action="store_true", help="worker: cProfile's top functions too")
    ap.add_argument("--repeat", type=int, default=2, help="jobs: rounds in the one session")
    args = ap.parse_args()
    if args.task == "worker":
        result = worker(args.csv, args.profile)
        profile = result.pop("profile", None)
        print(json.dumps(result))
        if profile:
            print(profile)
    elif args.task == "jobs":
        jobs(args.csv, args.repeat)
    else:
        print(json.dumps(volumes(args.csv)))


if __name__ == "__main__":
    main()
