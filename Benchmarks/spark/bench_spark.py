"""credence.spark benchmarks (BENCHMARKS.md, "Spark"; issue 18): one run, release build.

Scoring: rows/s of credence.spark.score at local[1] and local[2], and at local[1] with
keep=[] (only the scores come back from the Python workers), against single-process
streaming `credence score` on the same CSV (alarm, 37 columns, 30 % of cells missing, drawn
by `credence sample`), read by Spark from the CSV file; each with its CPU seconds (the Spark
run's whole process tree: driver, JVM, Python workers) and the load average around it.
Each of these is one job in a fresh session (cold), so it includes the JVM's warm-up and
the Python workers' start. With `--parquet` the same measurements also read a Parquet copy
of the CSV (a warehouse table's form; written once by Spark before any timing, untimed,
every column a string as Spark reads the CSV; keys `parquet_...`). With `--warm` the
scoring is also measured warm (keys `warm_...`): in the same session, after one untimed job
of the same kind (options and source format) on the `--warm-rows` table, as on a cluster
whose executors are already up; that table is drawn with the same seed, so at that size it
is the measured table itself and at other sizes other data. `--repeats N` runs every
measurement of a size N times, in rounds (each round all of them in turn), and gives the
medians (`..._s`, `..._cpu_s`; `..._load` is the median-wall run's) with every run
(`..._runs`). EM:
seconds per iteration of credence.spark.fit(method="em") against
the number of distinct patterns, with each E-step's executor figures (fit's report "work":
task, CPU, table and C-call seconds) and the JVM's CPU and GC seconds ("jvm"), which trace
where an iteration's time goes. Data lives under a temporary directory (default /tmp),
deleted afterwards. `--json` merges into the file: the sizes and the EM section measured in
this run replace the file's, the rest stays (`--em-rows` with no size skips EM). `--only
KEY...` keeps only those Spark measurements.

One measurement on a CSV already drawn (BENCHMARKS.md, "EM over Spark traced"):
    .venv/bin/python Benchmarks/spark/bench_spark.py --child em --cores 2 --csv alarm_300000.csv \
        --iterations 4 [--threads N] [--partitions P]
    taskset -c 0 .venv/bin/python Benchmarks/spark/bench_spark.py --child score --cores 1 --csv alarm_1000000.csv \
        [--scores-only] [--most-probable] [--batch-rows 65536] [--warm-up alarm_1000000.csv]

Usage (from the repository, after `make test-spark` has installed the venv):
    .venv/bin/python Benchmarks/spark/bench_spark.py --rows 1000000 10000000 \
        --credence .build/release/credence --json Benchmarks/results/spark.json
    .venv/bin/python Benchmarks/spark/bench_spark.py --rows 1000000 --repeats 3 --parquet --warm --em-rows \
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


def one_score(cores: int, path: str, threads: int = 0, batch_rows: int = 65536, scores_only: bool = False,
              warm_up: str = "", most_probable: bool = False) -> dict:
    """Runs in its own process (one SparkContext a process): scoring at local[cores]. Cold
    (no `warm_up`): the timed job is the session's first scoring job, so it pays the JVM's
    warm-up and the Python workers' start. Warm: one untimed job of the same kind (same
    options, same source format) on the table at `warm_up` runs first in the same session,
    as on a cluster whose executors are already up. `most_probable` appends the most
    probable state (first on ties) by Spark expressions, as `credence score` writes it."""
    import credence
    from credence import spark as cs
    from pyspark.sql import functions as F

    session = spark_session(cores, batch_rows)
    net = credence.load(str(ALARM))
    only = {"keep": []} if scores_only else {}
    states = net.states(TARGET)
    cols = [F.col(f"`P({TARGET}={s})`") for s in states]

    def job(sdf) -> None:
        scored = cs.score(sdf, net, TARGET, threads=threads or None, **only)
        if most_probable:
            best = F.greatest(*cols)
            scored = scored.withColumn("most_probable", F.coalesce(*[F.when(c == best, F.lit(s))
                                                                     for s, c in zip(states, cols)]))
        scored.write.format("noop").mode("overwrite").save()

    if warm_up:
        job(read(session, warm_up))
    sdf = read(session, path)
    rows = sdf.count()  # reads the file once (page cache), outside the timing
    t, cpu = time.perf_counter(), tree_cpu()
    job(sdf)
    seconds, cpu = time.perf_counter() - t, tree_cpu() - cpu
    partitions = sdf.rdd.getNumPartitions()
    session.stop()
    return {"cores": cores, "rows": rows, "seconds": seconds, "rows_per_s": rows / seconds, "cpu_s": cpu,
            "batch_rows": batch_rows, "scores_only": scores_only, "most_probable": most_probable, "warm_up": warm_up,
            "partitions": partitions}


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
        result = one_score(args.cores, args.csv, args.threads, args.batch_rows, args.scores_only, args.warm_up,
                           args.most_probable)
    else:
        result = one_em(args.cores, args.csv, args.iterations, args.partitions, args.threads)
    print(json.dumps(result))


def run_child(task: str, cores: int, csv: Path, iterations: int = 4, *extra: str) -> dict:
    """One measurement in its own process, with the load average before and after."""
    before, started = os.getloadavg()[0], now()
    out = subprocess.run([sys.executable, __file__, "--child", task, "--cores", str(cores), "--csv", str(csv),
                          "--iterations", str(iterations), *extra], check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["load"] = [before, os.getloadavg()[0]]
    result["started"] = started
    return result


def now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())


def median_run(runs: list) -> dict:
    """The run of median wall seconds (the lower middle one of an even count)."""
    return sorted(runs, key=lambda r: r["s"])[(len(runs) - 1) // 2]


def summary(key: str, n: int, runs: list) -> dict:
    """`key`'s figures over its runs: wall and CPU seconds, each the median over the runs,
    rows/s of the median wall, the load average [start, end] of the median-wall run, and
    every run (wall, CPU, load, start)."""
    mid = median_run(runs)
    cpu = sorted(r["cpu_s"] for r in runs)[(len(runs) - 1) // 2]
    return {f"{key}_s": mid["s"], f"{key}_rows_per_s": n / mid["s"], f"{key}_cpu_s": cpu,
            f"{key}_load": mid["load"], f"{key}_runs": runs}


#: The Spark measurements of a table: (key, source, warm, cores, scores only). Without
#: --parquet and --warm only the first three, the figures the script has always given.
SCORING = [("local1", "csv", False, 1, False), ("local2", "csv", False, 2, False),
           ("local1_scores_only", "csv", False, 1, True),
           ("parquet_local1", "parquet", False, 1, False), ("parquet_local2", "parquet", False, 2, False),
           ("warm_local1", "csv", True, 1, False), ("warm_local2", "csv", True, 2, False),
           ("warm_parquet_local1", "parquet", True, 1, False), ("warm_parquet_local2", "parquet", True, 2, False),
           ("warm_parquet_local1_scores_only", "parquet", True, 1, True)]


def tables(credence: str, work: Path, n: int, parquet: bool) -> dict:
    """The table of `n` rows drawn into `work` as CSV and, with `parquet`, its Parquet copy
    (written by Spark from the CSV, untimed), by source; drawn once."""
    csv = work / f"alarm_{n}.csv"
    if not csv.exists():
        sample(credence, n, csv)
    paths = {"csv": csv}
    if parquet:
        pq = work / f"alarm_{n}.parquet"
        paths["parquet"] = pq if pq.exists() else Path(run_child("parquet", 2, csv)["parquet"])
    return paths


def scoring(args, work: Path, n: int) -> dict:
    """The scoring measurements of one table size: `credence score` of the CSV and every
    Spark measurement of SCORING that the options ask for, in rounds (`--repeats`; each
    round runs them all in turn, so that the load falls alike on each), then medians."""
    paths = tables(args.credence, work, n, args.parquet)
    warm = tables(args.credence, work, args.warm_rows, args.parquet) if args.warm else {}
    chosen = [m for m in SCORING if (m[1] == "csv" or args.parquet) and (not m[2] or args.warm)
              and (not args.only or m[0] in args.only)]
    cli, spark = [], {m[0]: [] for m in chosen}
    row = {"rows": n, "started": now(), "repeats": args.repeats}
    for _ in range(args.repeats):
        load, started = os.getloadavg()[0], now()
        single, single_cpu = cli_score(args.credence, paths["csv"], work / "scores.csv")
        (work / "scores.csv").unlink()
        cli.append({"s": single, "cpu_s": single_cpu, "load": [load, os.getloadavg()[0]], "started": started})
        for key, source, warmed, cores, scores_only in chosen:
            extra = (("--scores-only",) if scores_only else ()) + (("--warm-up", str(warm[source])) if warmed else ())
            r = run_child("score", cores, paths[source], 4, *extra)
            spark[key].append({"s": r["seconds"], "cpu_s": r["cpu_s"], "load": r["load"], "started": r["started"],
                               "partitions": r["partitions"]})
            print(json.dumps({"rows": n, "measurement": key, **spark[key][-1]}), flush=True)
    cli_figures = summary("cli", n, cli)
    row.update({k: v for k, v in cli_figures.items() if k != "cli_load"})
    row["load"] = cli_figures["cli_load"][1]  # as before: the load when the Spark runs start
    row["cli_load"] = cli_figures["cli_load"]
    for key, runs in spark.items():
        row.update(summary(key, n, runs))
    if args.warm:
        row["warm_up_rows"] = args.warm_rows
    return row


def merged(path: Path, results: dict) -> dict:
    """`results` over the JSON file's: a scoring size or the EM section measured in this run
    replaces the file's, the rest of the file stays."""
    old = json.loads(path.read_text()) if path.exists() else {"scoring": [], "em": []}
    sizes = {r["rows"] for r in results["scoring"]}
    old["scoring"] = sorted([r for r in old["scoring"] if r["rows"] not in sizes] + results["scoring"],
                            key=lambda r: r["rows"])
    if results["em"]:
        old["em"] = results["em"]
    return old


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, nargs="*", default=[1_000_000])
    ap.add_argument("--em-rows", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
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
    ap.add_argument("--most-probable", action="store_true",
                    help="scoring child: also the most probable state by Spark expressions, as credence score writes it")
    ap.add_argument("--warm-up", default="",
                    help="scoring child: first an untimed job of the same kind on this table, in the same session")
    ap.add_argument("--partitions", type=int, default=0, help="EM: repartition the patterns to this many (0: as the groupBy leaves them)")
    ap.add_argument("--parquet", action="store_true", help="also score from a Parquet copy of each CSV file")
    ap.add_argument("--warm", action="store_true",
                    help="also score warm: after an untimed job of the same kind on the --warm-rows table")
    ap.add_argument("--warm-rows", type=int, default=1_000_000,
                    help="rows of the warm-up table (the same seed: at this size the measured table itself)")
    ap.add_argument("--only", nargs="+", choices=[m[0] for m in SCORING], metavar="KEY",
                    help="scoring: only these Spark measurements (keys of SCORING, of those the other options ask for)")
    ap.add_argument("--repeats", type=int, default=1, help="scoring rounds per size; the figures are medians")
    args = ap.parse_args()
    if args.child:
        args.task = args.child
        return child(args)
    work = Path(tempfile.mkdtemp(prefix="credence-spark-bench-", dir=args.tmp))
    results = {"scoring": [], "em": []}
    try:
        for n in args.rows:
            row = scoring(args, work, n)
            results["scoring"].append(row)
            print(json.dumps(row), flush=True)
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
        Path(args.json).write_text(json.dumps(merged(Path(args.json), results), indent=2) + "\n")


if __name__ == "__main__":
    main()
