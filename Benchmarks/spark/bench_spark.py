"""credence.spark benchmarks (BENCHMARKS.md, "Spark"; issue 18): one run, release build.

Scoring: rows/s of credence.spark.score at local[1] and local[2], and at local[1] with
keep=[] (only the scores come back from the Python workers), against single-process
streaming `credence score` on the same CSV (alarm, 37 columns, 30 % of cells missing, drawn
by `credence sample`), read by Spark from the CSV file and, with `--parquet`, also from a
Parquet copy written beforehand (a warehouse table's form; the copy is not timed); each
with its CPU seconds (the Spark run's whole process tree: driver, JVM, Python workers) and
the load average around it. Each Spark measurement is one job in a fresh session, so it
includes the JVM's warm-up and the Python workers' start. EM:
seconds per iteration of credence.spark.fit(method="em") against
the number of distinct patterns, with each E-step's executor figures (fit's report "work":
task, CPU, table and C-call seconds) and the JVM's CPU and GC seconds ("jvm"), which trace
where an iteration's time goes. Data lives under a temporary directory (default /tmp),
deleted afterwards.

One measurement on a CSV already drawn (BENCHMARKS.md, "EM over Spark traced"):
    .venv/bin/python Benchmarks/spark/bench_spark.py --child em --cores 2 --csv alarm_300000.csv \
        --iterations 4 [--threads N] [--partitions P]
    taskset -c 0 .venv/bin/python Benchmarks/spark/bench_spark.py --child score --cores 1 --csv alarm_1000000.csv \
        [--scores-only] [--batch-rows 65536]

Usage (from the repository, after `make test-spark` has installed the venv):
    .venv/bin/python Benchmarks/spark/bench_spark.py --rows 1000000 10000000 \
        --credence .build/release/credence --json Benchmarks/results/spark.json
"""
from __future__ import annotations

import argparse
import resource
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Tuple

REPO = Path(__file__).resolve().parents[2]
ALARM = Path(os.environ.get("CREDENCE_SHARED", REPO.parent / "shared")) / "networks" / "alarm.bif"
TARGET = "CATECHOL"


def sample(credence: str, rows: int, path: Path) -> None:
    subprocess.run([credence, "sample", str(ALARM), "-n", str(rows), "--seed", "7", "--missing", "0.3",
                    "--output", str(path)], check=True, capture_output=True)


def cli_score(credence: str, csv: Path, out: Path) -> Tuple[float, float]:
    """Wall and CPU seconds (user + system) of `credence score` on the CSV file."""
    t, cpu = time.perf_counter(), children_cpu()
    subprocess.run([credence, "score", str(ALARM), str(csv), "--target", TARGET, "--output", str(out)],
                   check=True, capture_output=True)
    return time.perf_counter() - t, children_cpu() - cpu


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's children that have ended."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def tree_cpu() -> float:
    """CPU seconds (user + system, with their ended children's) of this process and every
    process under it: in local mode the driver, its JVM (the executors) and the Python
    workers, so a Spark run's CPU whatever else shares the cores."""
    tick, parent, cpu = os.sysconf("SC_CLK_TCK"), {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        pid = int(stat.parent.name)
        parent[pid] = int(fields[1])
        cpu[pid] = sum(int(x) for x in fields[11:15]) / tick  # utime, stime, cutime, cstime
    mine = {os.getpid()}
    grew = True  # add children of the processes found until none is left
    while grew:
        grew = False
        for pid, pp in parent.items():
            if pp in mine and pid not in mine:
                mine.add(pid)
                grew = True
    return sum(cpu[p] for p in mine if p in cpu)


def spark_session(cores: int, batch_rows: int = 65536):
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # the workers' Python: this venv's

    session = (SparkSession.builder.master(f"local[{cores}]").appName("credence-bench")
               .config("spark.ui.enabled", "false").config("spark.driver.memory", "2g")
               .config("spark.sql.shuffle.partitions", str(4 * cores))
               .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(batch_rows))
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    return session


def read(session, path: str):
    """The table: a Parquet folder (written by `to_parquet`) or a CSV file with a header."""
    return session.read.parquet(path) if path.endswith(".parquet") else session.read.csv(path, header=True)


def to_parquet(csv: str) -> str:
    """A Parquet copy of the CSV file (the columns as Spark reads them: strings) beside it."""
    path = csv[:-len(".csv")] + ".parquet"
    session = spark_session(2)
    read(session, csv).write.mode("overwrite").parquet(path)
    session.stop()
    return path


def one_score(cores: int, path: str, threads: int = 0, batch_rows: int = 65536, scores_only: bool = False) -> dict:
    """Runs in its own process (one SparkContext a process): scoring at local[cores]."""
    import credence
    from credence import spark as cs

    session = spark_session(cores, batch_rows)
    net = credence.load(str(ALARM))
    sdf = read(session, path)
    rows = sdf.count()  # reads the file once (page cache), outside the timing
    t, cpu = time.perf_counter(), tree_cpu()
    only = {"keep": []} if scores_only else {}
    cs.score(sdf, net, TARGET, threads=threads or None, **only).write.format("noop").mode("overwrite").save()
    seconds, cpu = time.perf_counter() - t, tree_cpu() - cpu
    session.stop()
    return {"cores": cores, "rows": rows, "seconds": seconds, "rows_per_s": rows / seconds, "cpu_s": cpu,
            "batch_rows": batch_rows, "scores_only": scores_only}


def one_em(cores: int, csv: str, iterations: int, partitions: int = 0, threads: int = 0) -> dict:
    import credence
    from credence import spark as cs

    session = spark_session(cores)
    net = credence.load(str(ALARM))
    sdf = session.read.csv(csv, header=True)
    jvm = jvm_figures(session)
    sums, sums_jvm = cs._sums, []

    def timed_sums(*args, **kwargs):  # each E-step's JVM CPU and GC seconds (local mode: one JVM)
        before = jvm()
        try:
            return sums(*args, **kwargs)
        finally:
            sums_jvm.append({k: v - before[k] for k, v in jvm().items()})

    cs._sums = timed_sums
    t = time.perf_counter()
    fitted = cs.fit(sdf, net, method="em", max_iter=iterations, tolerance=0.0, partitions=partitions or None,
                    threads=threads or None)
    seconds = fitted.report["seconds"]
    session.stop()
    return {"cores": cores, "rows": int(fitted.report["rows"]), "patterns": fitted.report["distinctRows"],
            "total_s": time.perf_counter() - t, "patterns_s": fitted.report["patternSeconds"],
            "s_per_iteration": sum(seconds[1:]) / max(1, len(seconds) - 1), "iteration_s": seconds,
            "work": fitted.report["work"], "jvm": sums_jvm[:len(seconds)]}


def jvm_figures(session):
    """A function of no arguments giving the JVM's CPU seconds and GC seconds so far (in
    local mode the executors are threads of the driver's JVM)."""
    jvm = session.sparkContext._jvm
    stat = Path(f"/proc/{jvm.java.lang.ProcessHandle.current().pid()}/stat")
    tick = os.sysconf("SC_CLK_TCK")
    gcs = list(jvm.java.lang.management.ManagementFactory.getGarbageCollectorMXBeans())

    def figures() -> dict:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return {"jvmCpuSeconds": (int(fields[11]) + int(fields[12])) / tick,  # utime + stime
                "gcSeconds": sum(g.getCollectionTime() for g in gcs) / 1e3}
    return figures


def child(args) -> None:
    if args.task == "parquet":
        result = {"parquet": to_parquet(args.csv)}
    elif args.task == "score":
        result = one_score(args.cores, args.csv, args.threads, args.batch_rows, args.scores_only)
    else:
        result = one_em(args.cores, args.csv, args.iterations, args.partitions, args.threads)
    print(json.dumps(result))


def run_child(task: str, cores: int, csv: Path, iterations: int = 4, *extra: str) -> dict:
    """One measurement in its own process, with the load average before and after."""
    before = os.getloadavg()[0]
    out = subprocess.run([sys.executable, __file__, "--child", task, "--cores", str(cores), "--csv", str(csv),
                          "--iterations", str(iterations), *extra], check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["load"] = [before, os.getloadavg()[0]]
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--em-rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--credence", default=str(REPO / ".build" / "release" / "credence"))
    ap.add_argument("--tmp", default="/tmp")
    ap.add_argument("--json")
    ap.add_argument("--child")
    ap.add_argument("--cores", type=int, default=1)
    ap.add_argument("--csv")
    ap.add_argument("--iterations", type=int, default=4)
    ap.add_argument("--threads", type=int, default=0,
                    help="C-call threads per Spark task (0: the task's CPUs, spark.task.cpus = 1)")
    ap.add_argument("--batch-rows", type=int, default=65536,
                    help="scoring: spark.sql.execution.arrow.maxRecordsPerBatch, rows per Arrow batch")
    ap.add_argument("--scores-only", action="store_true",
                    help="scoring: score(..., keep=[]), only the scores come back from the Python workers")
    ap.add_argument("--partitions", type=int, default=0, help="EM: repartition the patterns to this many (0: as the groupBy leaves them)")
    ap.add_argument("--parquet", action="store_true", help="also score from a Parquet copy of each CSV file")
    args = ap.parse_args()
    if args.child:
        args.task = args.child
        return child(args)
    work = Path(tempfile.mkdtemp(prefix="credence-spark-bench-", dir=args.tmp))
    results = {"scoring": [], "em": []}
    try:
        for n in args.rows:
            csv = work / f"alarm_{n}.csv"
            sample(args.credence, n, csv)
            single, single_cpu = cli_score(args.credence, csv, work / "scores.csv")
            (work / "scores.csv").unlink()
            row = {"rows": n, "cli_s": single, "cli_rows_per_s": n / single, "cli_cpu_s": single_cpu,
                   "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "load": os.getloadavg()[0]}
            sources = [("", csv)]
            if args.parquet:
                sources.append(("parquet_", Path(run_child("parquet", 2, csv)["parquet"])))
            for prefix, path in sources:
                for cores, variant, extra in ((1, "", ()), (2, "", ()), (1, "_scores_only", ("--scores-only",))):
                    r = run_child("score", cores, path, 4, *extra)
                    key = f"{prefix}local{cores}{variant}"
                    row.update({f"{key}_s": r["seconds"], f"{key}_rows_per_s": r["rows_per_s"],
                                f"{key}_cpu_s": r["cpu_s"], f"{key}_load": r["load"]})
            results["scoring"].append(row)
            print(json.dumps(row), flush=True)
            csv.unlink()
        for n in args.em_rows:
            csv = work / f"alarm_em_{n}.csv"
            sample(args.credence, n, csv)
            r = run_child("em", 2, csv, args.iterations)
            results["em"].append(r)
            print(json.dumps(r), flush=True)
            csv.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
