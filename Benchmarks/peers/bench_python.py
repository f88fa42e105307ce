#!/usr/bin/env python3
"""Credence from Python against pyAgrum and pgmpy from Python, in one run (issue 16).

Three measures, each peer beside Credence's Python package (`python/`, on the C library
libcredence_c.so) in the same process and the same run:

  query  P(target | evidence) on the reference queries of ../shared/reference/NAME.json
         (every reference network): `net.query(target, evidence=...)` returning a pandas
         Series (variable elimination with plans cached by evidence pattern); pyAgrum LazyPropagation as bench_inference.py drives it (eraseAllEvidence,
         setEvidence, eraseAllTargets, addTarget, makeInference, posterior(t).tolist()) on
         the float64 network of the reference answers; pgmpy VariableElimination.query.
         The evidence is fresh on every call: each pass runs the 20 queries in order. Pass 0
         is cold (every evidence pattern new); passes 1..--passes are warm (a pattern seen
         before), each query's figure the median over them. The network's figure is the
         median over its queries. Process CPU time, one thread.
         Every answer is checked against the reference (max abs difference).
  score  P(BP | row) for --score-rows rows of alarm (default 1,000,000; every column but
         the target, each cell missing with probability 0.2) from a DataFrame of categorical
         columns: `net.score(df, "BP")` against `credence score` on the same rows written by
         `credence sample` (the whole process: reading the CSV, scoring, writing the scores;
         wall clock, both on all cores), and against pyAgrum looping over the rows
         (LazyPropagation, one setEvidence + makeInference per row) timed on the first
         --pyagrum-rows rows and extrapolated.
  fit    `net.fit(df, method="em")` against `credence fit --method em` (the whole process)
         on --fit-rows rows of alarm with 20 % of the cells missing (wall clock, medians of
         --repeat interleaved runs).

  Benchmarks/peers/.venv/bin/python Benchmarks/peers/bench_python.py \\
      --credence .build/release/credence --library .build/release/libcredence_c.so \\
      --json Benchmarks/peers/results/python.json --markdown Benchmarks/peers/results/python.md

With --breakdown NETWORK..., only where a warm query's time goes on those networks (the
Python encoding of the findings, the C call, the Series), in the same interleaving:

  Benchmarks/peers/.venv/bin/python Benchmarks/peers/bench_python.py --breakdown cancer water \\
      --json Benchmarks/peers/results/python_breakdown.json
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import common  # first: one BLAS thread for the peers

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))


def import_credence(library):
    os.environ["CREDENCE_LIBRARY"] = os.path.abspath(library)
    try:
        import credence  # installed with pip install ./python
    except ImportError:
        sys.path.insert(0, os.path.join(REPO, "python"))
        import credence
    return credence


def cpu():
    return time.process_time()


def median(xs):
    return statistics.median(xs) if xs else None


def reference_networks():
    return sorted(f[:-5] for f in os.listdir(common.REFERENCE) if f.endswith(".json"))


def bench_queries(credence, names, passes, pgmpy_passes, pgmpy_budget):
    rows = []
    for name in names:
        ref = common.load_reference(name)
        queries = ref["queries"]
        net = credence.load(common.network_path(name))
        pg = common.normalise_pgmpy_rows(common.pgmpy_model(name))
        gum_bn = common.pyagrum_model(name, pg)
        import pyagrum as gum
        from pgmpy.inference import VariableElimination
        common.set_one_thread()
        ie = gum.LazyPropagation(gum_bn)
        if hasattr(ie, "setNumberOfThreads"):
            ie.setNumberOfThreads(1)
        ie.makeInference()
        ve = VariableElimination(pg)

        def run_credence(q):
            return net.query(q["target"], evidence=q["evidence"]).tolist()

        def run_pyagrum(q):
            ie.eraseAllEvidence()
            ie.setEvidence(q["evidence"])
            ie.eraseAllTargets()
            ie.addTarget(q["target"])
            ie.makeInference()
            return ie.posterior(q["target"]).tolist()

        def run_pgmpy(q):
            f = ve.query([q["target"]], evidence=q["evidence"], show_progress=False)
            got = [str(s) for s in f.state_names[q["target"]]]
            flat = f.values.ravel()
            return [float(flat[got.index(s)]) for s in ref["states"][q["target"]]]

        engines = {"credence": run_credence, "pyagrum": run_pyagrum, "pgmpy": run_pgmpy}
        # Pass 0 is cold: each query's evidence pattern is new to every engine object (for
        # Credence, no compiled plan yet). Later passes repeat the 20 queries in order, so
        # the evidence still changes from one call to the next, but a pattern seen before
        # has its compiled plan (Credence) or its cached structures (pyAgrum).
        times = {e: [[] for _ in queries] for e in engines}
        cold = {e: [] for e in engines}
        diffs = {e: 0.0 for e in engines}
        spent_pgmpy = 0.0
        for p in range(passes + 1):
            for e, f in engines.items():
                if e == "pgmpy" and (p > pgmpy_passes or spent_pgmpy > pgmpy_budget):
                    continue
                for i, q in enumerate(queries):
                    t0 = cpu()
                    got = f(q)
                    dt = cpu() - t0
                    (cold[e] if p == 0 else times[e][i]).append(dt * 1000)
                    if e == "pgmpy":
                        spent_pgmpy += dt
                    diffs[e] = max(diffs[e], max(abs(a - b) for a, b in zip(got, q["posterior"])))
        row = {"network": name, "nodes": len(net), "queries": len(queries)}
        for e in engines:
            per_query = [median(t) for t in times[e] if t]
            row[e + "_ms"] = median(per_query)
            row[e + "_cold_ms"] = median(cold[e])
            row[e + "_max_abs_diff"] = diffs[e]
        row["pyagrum_ratio"] = row["pyagrum_ms"] / row["credence_ms"]
        row["pyagrum_cold_ratio"] = row["pyagrum_cold_ms"] / row["credence_cold_ms"]
        row["pgmpy_ratio"] = row["pgmpy_ms"] / row["credence_ms"]
        row["pgmpy_cold_ratio"] = row["pgmpy_cold_ms"] / row["credence_cold_ms"]
        common.log(f"query {name}: credence {row['credence_ms']:.4f} ms (cold {row['credence_cold_ms']:.4f}), "
                   f"pyAgrum {row['pyagrum_ms']:.4f} ms ({row['pyagrum_ratio']:.2f}x; cold {row['pyagrum_cold_ratio']:.2f}x), "
                   f"pgmpy {row['pgmpy_ms']:.4f} ms ({row['pgmpy_ratio']:.1f}x; cold {row['pgmpy_cold_ratio']:.1f}x)")
        rows.append(row)
        del net, ie, ve, pg, gum_bn
    return rows


def breakdown(credence, names, passes=5, peer_passes=3):
    """Where a warm `net.query` spends its time, part by part (process CPU time, µs, median
    over queries of the median over passes 1..passes), in the interleaving of bench_queries:
    after each part's 20 queries pyAgrum and pgmpy run the 20 queries too (first
    peer_passes passes), so caches are as cold as there. Parts: the whole query with
    `.tolist()`; encoding the findings (`Network._hard_codes`); the ctypes call of
    credence_query_indexed into a fresh buffer; assembling the Series and `.tolist()`."""
    import numpy as np
    import pyagrum as gum
    from pgmpy.inference import VariableElimination
    from credence import _ffi, network as cn
    rows = []
    for name in names:
        queries = common.load_reference(name)["queries"]
        net = credence.load(common.network_path(name))
        pg = common.normalise_pgmpy_rows(common.pgmpy_model(name))
        common.set_one_thread()
        ie = gum.LazyPropagation(common.pyagrum_model(name, pg))
        ve = VariableElimination(pg)
        err = _ffi.error_buffer()
        entries = [(net._target_entry((q["target"],)), net._hard_codes(q["evidence"])) for q in queries]
        values = [np.frombuffer(e[2]()) for e, _ in entries]

        def c_call(i):
            e, pairs = entries[i]
            out = e[2]()
            cn._query_indexed(net._handle, e[4], pairs, len(pairs) >> 3, out, len(out), err, _ffi.ERROR_CAPACITY)

        parts = {"query_us": lambda i: net.query(queries[i]["target"], evidence=queries[i]["evidence"]).tolist(),
                 "encode_us": lambda i: net._hard_codes(queries[i]["evidence"]),
                 "c_call_us": c_call,
                 "series_us": lambda i: cn._series(values[i], entries[i][0][0], entries[i][0][3]).tolist()}
        times = {k: [[] for _ in queries] for k in parts}
        for p in range(passes + 1):
            for k, f in parts.items():
                for i in range(len(queries)):
                    t0 = cpu()
                    f(i)
                    dt = cpu() - t0
                    if p:
                        times[k][i].append(dt * 1e6)
                if p < peer_passes:
                    for q in queries:
                        ie.eraseAllEvidence()
                        ie.setEvidence(q["evidence"])
                        ie.eraseAllTargets()
                        ie.addTarget(q["target"])
                        ie.makeInference()
                        ve.query([q["target"]], evidence=q["evidence"], show_progress=False)
        row = {"network": name, **{k: median([median(t) for t in v]) for k, v in times.items()}}
        common.log("breakdown " + ", ".join(f"{k} {v:.1f}" if k != "network" else v for k, v in row.items()))
        rows.append(row)
    return rows


def wall(f):
    t0 = time.perf_counter()
    r = f()
    return time.perf_counter() - t0, r


def bench_score(credence, cli, rows, pyagrum_rows, repeat, tmp):
    import numpy as np
    import pyagrum as gum
    name, target = "alarm", "BP"
    path = common.network_path(name)
    net = credence.load(path)
    csv = os.path.join(tmp, "rows.csv")
    subprocess.run([cli, "sample", path, "-n", str(rows), "--seed", "2024", "--missing", "0.2", "--output", csv],
                   check=True, capture_output=True)
    df = net.sample(rows, seed=2024, missing=0.2)   # the same rows as the CSV (tests/test_frames.py)
    py_times, cli_times = [], []
    out = os.path.join(tmp, "scores.csv")
    for _ in range(repeat):
        t, scores = wall(lambda: net.score(df, target))
        py_times.append(t)
        t, _ = wall(lambda: subprocess.run([cli, "score", path, csv, "--target", target, "--output", out, "--quiet"],
                                           check=True, capture_output=True))
        cli_times.append(t)
    # pyAgrum: a loop over the first rows, extrapolated.
    gum_bn = common.pyagrum_model(name)
    common.set_one_thread()
    ie = gum.LazyPropagation(gum_bn)
    if hasattr(ie, "setNumberOfThreads"):
        ie.setNumberOfThreads(1)
    ie.addTarget(target)
    ie.makeInference()
    columns = [c for c in df.columns if c != target]
    records = df[columns].head(pyagrum_rows).astype(object).to_dict("records")
    posteriors = []
    t0 = time.perf_counter()
    for r in records:
        ie.eraseAllEvidence()
        ie.setEvidence({k: v for k, v in r.items() if isinstance(v, str)})
        ie.makeInference()
        posteriors.append(ie.posterior(target).tolist())
    per_row = (time.perf_counter() - t0) / len(records)
    diff = float(np.max(np.abs(np.array(posteriors) - scores.iloc[:len(records), :3].to_numpy())))
    result = {"network": name, "target": target, "rows": rows, "python_s": median(py_times), "cli_s": median(cli_times),
              "python_runs_s": py_times, "cli_runs_s": cli_times, "pyagrum_rows_timed": len(records),
              "pyagrum_s_extrapolated": per_row * rows, "pyagrum_max_abs_diff": diff}
    result["cli_ratio"] = result["python_s"] / result["cli_s"]
    result["pyagrum_ratio"] = result["pyagrum_s_extrapolated"] / result["python_s"]
    common.log(f"score {rows} rows: python {result['python_s']:.2f} s, CLI {result['cli_s']:.2f} s "
               f"(python/CLI {result['cli_ratio']:.2f}), pyAgrum {result['pyagrum_s_extrapolated']:.0f} s extrapolated "
               f"({result['pyagrum_ratio']:.0f}x)")
    return result


def bench_fit(credence, cli, rows, repeat, tmp):
    name = "alarm"
    path = common.network_path(name)
    net = credence.load(path)
    csv = os.path.join(tmp, "fit.csv")
    subprocess.run([cli, "sample", path, "-n", str(rows), "--seed", "7", "--missing", "0.2", "--output", csv],
                   check=True, capture_output=True)
    df = net.sample(rows, seed=7, missing=0.2)
    out = os.path.join(tmp, "fitted.bif")
    py_times, cli_times, same = [], [], None
    for _ in range(repeat):
        t, fitted = wall(lambda: net.fit(df, method="em"))
        py_times.append(t)
        t, r = wall(lambda: subprocess.run([cli, "fit", path, csv, "--method", "em", "--output", out, "--json"],
                                           check=True, capture_output=True, text=True))
        cli_times.append(t)
        report = json.loads(r.stdout)
        same = abs(fitted.report["logLikelihood"] - report["logLikelihood"]) <= 1e-9 * abs(report["logLikelihood"])
    result = {"network": name, "rows": rows, "missing": 0.2, "python_s": median(py_times), "cli_s": median(cli_times),
              "python_runs_s": py_times, "cli_runs_s": cli_times, "em_iterations": fitted.report["em"]["iterations"],
              "same_log_likelihood": same}
    result["cli_ratio"] = result["python_s"] / result["cli_s"]
    common.log(f"fit em {rows} rows: python {result['python_s']:.2f} s, CLI {result['cli_s']:.2f} s "
               f"(python/CLI {result['cli_ratio']:.2f}), same log-likelihood: {same}")
    return result


def markdown(doc):
    m = doc["machine"]
    lines = [f"{m['date']}, {m['cpus']} CPUs ({m['cpu']}), Python {m['python']}, pandas {m['pandas']}, numpy {m['numpy']}, "
             f"pyAgrum {m['pyagrum']}, pgmpy {m['pgmpy']}, credence {m['credence']} (commit {doc['commit']}). "
             f"Load average at start {m['load_average_at_start']}, at end {m['load_average_at_end']}.", "",
             "#### Single-target query with fresh evidence, from Python: median ms per query (process CPU time)", "",
             "Warm: passes 1-7, a query's evidence pattern seen before (the evidence differs from the previous call's); "
             "cold: pass 0, every pattern new.", "",
             "| network | nodes | credence | pyAgrum Lazy | pgmpy VE | pyAgrum / credence | pgmpy / credence "
             "| credence cold | pyAgrum cold | pgmpy cold | pyAgrum / credence, cold | pgmpy / credence, cold | max abs diff (credence) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in doc["query"]:
        lines.append(f"| {r['network']} | {r['nodes']} | {r['credence_ms']:.4f} | {r['pyagrum_ms']:.4f} | {r['pgmpy_ms']:.3f} "
                     f"| {r['pyagrum_ratio']:.2f}x | {r['pgmpy_ratio']:.1f}x | {r['credence_cold_ms']:.4f} | "
                     f"{r['pyagrum_cold_ms']:.4f} | {r['pgmpy_cold_ms']:.3f} | {r['pyagrum_cold_ratio']:.2f}x | "
                     f"{r['pgmpy_cold_ratio']:.1f}x | {r['credence_max_abs_diff']:.1e} |")
    for label, suffix in (("warm", ""), ("cold", "_cold")):
        ratios = [r["pyagrum" + suffix + "_ratio"] for r in doc["query"]]
        pg = [r["pgmpy" + suffix + "_ratio"] for r in doc["query"]]
        lines += ["", f"{label}: pyAgrum / credence min {min(ratios):.2f}x, median {statistics.median(ratios):.2f}x; "
                      f"pgmpy / credence min {min(pg):.1f}x, median {statistics.median(pg):.1f}x."]
    s = doc["score"]
    lines += ["", "#### score and fit from a DataFrame (wall clock, medians of the runs)", "",
              "| measure | credence (Python) | credence CLI | Python / CLI | pyAgrum loop | pyAgrum / Python |",
              "|---|---:|---:|---:|---:|---:|",
              f"| score {s['rows']:,} rows of alarm (P(BP), 20 % missing) | {s['python_s']:.2f} s | {s['cli_s']:.2f} s | "
              f"{s['cli_ratio']:.2f} | {s['pyagrum_s_extrapolated']:.0f} s (from {s['pyagrum_rows_timed']:,} rows) | "
              f"{s['pyagrum_ratio']:.0f}x |"]
    f = doc["fit"]
    lines.append(f"| fit --method em, {f['rows']:,} rows of alarm, 20 % missing ({f['em_iterations']} iterations) | "
                 f"{f['python_s']:.2f} s | {f['cli_s']:.2f} s | {f['cli_ratio']:.2f} | – | – |")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--credence", default=os.path.join(REPO, ".build", "release", "credence"))
    ap.add_argument("--library", default=os.path.join(REPO, ".build", "release", "libcredence_c.so"))
    ap.add_argument("--networks", nargs="*", default=None)
    ap.add_argument("--passes", type=int, default=7)
    ap.add_argument("--pgmpy-passes", type=int, default=3)
    ap.add_argument("--pgmpy-budget", type=float, default=20.0, help="CPU seconds of pgmpy per network")
    ap.add_argument("--score-rows", type=int, default=1_000_000)
    ap.add_argument("--pyagrum-rows", type=int, default=2000)
    ap.add_argument("--fit-rows", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip", nargs="*", default=[], choices=["query", "score", "fit"])
    ap.add_argument("--breakdown", nargs="+", metavar="NETWORK",
                    help="only time the parts of a warm query (encode, C call, Series) on these networks")
    ap.add_argument("--json")
    ap.add_argument("--markdown")
    args = ap.parse_args()
    credence = import_credence(args.library)
    if args.breakdown:
        rows = breakdown(credence, args.breakdown)
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"machine": common.machine_note(), "breakdown": rows}, f, indent=2)
        return
    import pandas
    machine = common.machine_note()
    machine.update(pandas=pandas.__version__, credence=credence.library_version())
    doc = {"machine": machine,
           "commit": subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True,
                                    text=True).stdout.strip()}
    with tempfile.TemporaryDirectory(prefix="bench-python-") as tmp:
        if "query" not in args.skip:
            doc["query"] = bench_queries(credence, args.networks or reference_networks(), args.passes,
                                         args.pgmpy_passes, args.pgmpy_budget)
        if "score" not in args.skip:
            doc["score"] = bench_score(credence, args.credence, args.score_rows, args.pyagrum_rows, args.repeat, tmp)
        if "fit" not in args.skip:
            doc["fit"] = bench_fit(credence, args.credence, args.fit_rows, args.repeat, tmp)
    doc["machine"]["load_average_at_end"] = common.load_average()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=2)
    if args.markdown and all(k in doc for k in ("query", "score", "fit")):
        with open(args.markdown, "w") as f:
            f.write(markdown(doc))
    if all(k in doc for k in ("query", "score", "fit")):
        print(markdown(doc))


if __name__ == "__main__":
    main()
