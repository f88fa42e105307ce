#!/usr/bin/env python3
"""Batch scoring: the posterior of one target for every row of a table, pyAgrum looping
over the rows (and, for scale, pgmpy on fewer rows).

The table (fixed, reproducible):
  * --rows rows (default 100,000) drawn from the network (default alarm, float64 CPTs,
    rows normalised) by this script's own ancestral sampler: numpy
    default_rng(--seed, default 2024), variables in topological order, one uniform per
    cell;
  * target: --target (default BP, alarm's blood pressure: 3 states LOW/NORMAL/HIGH, a leaf
    with parents CO and TPR); it is not a column of the table;
  * evidence columns: every leaf of the network except the target (for alarm the 10
    monitored measurements HISTORY CVP PCWP HRBP HREKG HRSAT EXPCO2 MINVOL PAP PRESS);
  * each evidence cell is left empty (missing) with probability --missing (default 0.2),
    drawn from the same generator after the sample: rows differ in which columns they
    observe, and a few observe none.
  --csv FILE writes the table (header = evidence columns, empty cell = missing), e.g. for
  `credence score NETWORK FILE --target BP --output scores.csv`.

pyAgrum: one LazyPropagation per network (target added once, one thread); per row:
eraseAllEvidence(); setEvidence({col: state} of the row's non-empty cells);
makeInference(); posterior(target). Timed with the process's CPU time by default (the
machine is shared; --clock wall for the wall clock; both are in the JSON). A Python loop over 100,000 rows takes minutes, so by
default only the first --timed-rows rows (5,000) are timed and the time for all rows is
extrapolated from the rows/s (the output says so; --timed-rows 0 times every row).
pgmpy VariableElimination does the same on the first --pgmpy-rows rows (default 1,000),
and its answers are compared with pyAgrum's on those rows.

  Benchmarks/peers/.venv/bin/python Benchmarks/peers/bench_batch.py --json batch.json
  # with Credence on the same table:
  Benchmarks/peers/.venv/bin/python Benchmarks/peers/bench_batch.py --csv /tmp/alarm-100k.csv \\
      --credence .build/release/credence
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

import common


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--network", default="alarm")
    ap.add_argument("--target", default="BP")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--missing", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--timed-rows", type=int, default=5_000, help="rows pyAgrum scores (0: all rows)")
    ap.add_argument("--pgmpy-rows", type=int, default=1_000, help="rows pgmpy VE scores (0: skip pgmpy)")
    ap.add_argument("--clock", choices=["cpu", "wall"], default="cpu",
                    help="clock of seconds_timed and rows/s (both are in the JSON); default cpu")
    ap.add_argument("--csv", help="write the table here")
    ap.add_argument("--credence", help="credence binary: also time `credence score` on the same table")
    ap.add_argument("--json", help="write the results to this file")
    args = ap.parse_args()

    import numpy as np
    import pyagrum as gum
    common.set_one_thread()

    model = common.pgmpy_model(args.network)
    bn = common.pyagrum_model(args.network, model)
    common.normalise_pgmpy_rows(model)
    file_order = [bn.variable(i).name() for i in bn.nodes()]
    states = {v: list(bn.variable(v).labels()) for v in file_order}
    columns = [v for v in file_order if not bn.children(v) and v != args.target]

    rng = np.random.default_rng(args.seed)
    t = common.now_ms()
    sample = common.ancestral_sample(model, common.topological_order(model, file_order), args.rows, rng)
    missing = rng.random((args.rows, len(columns))) < args.missing
    sample_ms = common.now_ms() - t
    codes = np.stack([sample[c] for c in columns], axis=1)
    rows = []
    for r in range(args.rows):
        rows.append({c: states[c][codes[r, j]] for j, c in enumerate(columns) if not missing[r, j]})
    patterns = len({tuple(row) for row in missing.tolist()})
    common.log("sampled %d rows in %.0f ms; %d columns, %.1f%% cells missing, %d observation patterns, "
               "%d rows with no evidence" % (args.rows, sample_ms, len(columns), 100 * missing.mean(), patterns,
                                             int(missing.all(axis=1).sum())))

    csv_path = args.csv
    if csv_path or args.credence:
        if not csv_path:
            fd, csv_path = tempfile.mkstemp(suffix=".csv", prefix="batch-")
            os.close(fd)
        with open(csv_path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(columns)
            for row in rows:
                w.writerow([row.get(c, "") for c in columns])

    # pyAgrum, row by row
    n_timed = args.rows if args.timed_rows <= 0 else min(args.timed_rows, args.rows)
    ie = gum.LazyPropagation(bn)
    if hasattr(ie, "setNumberOfThreads"):
        ie.setNumberOfThreads(1)
    ie.addTarget(args.target)
    ie.makeInference()
    posteriors = []
    sw = common.Stopwatch()
    for row in rows[:n_timed]:
        ie.eraseAllEvidence()
        ie.setEvidence(row)
        ie.makeInference()
        posteriors.append(ie.posterior(args.target).toarray())
    gum_wall, gum_cpu = (x / 1e3 for x in sw.elapsed())
    gum_s = gum_cpu if args.clock == "cpu" else gum_wall
    gum_rate = n_timed / gum_s
    result = {"machine": common.machine_note(), "clock": args.clock, "network": args.network, "target": args.target,
              "evidence_columns": columns, "rows": args.rows, "missing": args.missing, "seed": args.seed,
              "observation_patterns": patterns,
              "pyagrum": {"engine": "LazyPropagation, setEvidence per row", "rows_timed": n_timed,
                          "seconds_timed": gum_s, "wall_seconds_timed": gum_wall, "cpu_seconds_timed": gum_cpu,
                          "rows_per_s": gum_rate,
                          "seconds_all_rows": args.rows / gum_rate,
                          "extrapolated": n_timed < args.rows}}

    # pgmpy VE on fewer rows, and the cross-check
    if args.pgmpy_rows > 0:
        from pgmpy.inference import VariableElimination
        ve = VariableElimination(model)
        n_pg = min(args.pgmpy_rows, n_timed)
        worst = 0.0
        sw = common.Stopwatch()
        answers = []
        for row in rows[:n_pg]:
            answers.append(ve.query([args.target], evidence=row, show_progress=False))
        pg_wall, pg_cpu = (x / 1e3 for x in sw.elapsed())
        pg_s = pg_cpu if args.clock == "cpu" else pg_wall
        for f, p in zip(answers, posteriors):
            names = [str(s) for s in f.state_names[args.target]]
            got = [float(f.values[names.index(s)]) for s in states[args.target]]
            worst = max(worst, float(np.max(np.abs(np.asarray(got) - p))))
        result["pgmpy"] = {"engine": "VariableElimination, query per row", "rows_timed": n_pg, "seconds_timed": pg_s,
                           "wall_seconds_timed": pg_wall, "cpu_seconds_timed": pg_cpu,
                           "rows_per_s": n_pg / pg_s, "seconds_all_rows": args.rows / (n_pg / pg_s),
                           "extrapolated": n_pg < args.rows, "max_abs_diff_vs_pyagrum": worst}

    if args.credence:
        out = subprocess.run([args.credence, "score", common.network_path(args.network), csv_path, "--target",
                              args.target, "--output", csv_path + ".scores.csv", "--json"],
                             capture_output=True, text=True)
        if out.returncode == 0:
            s = json.loads(out.stdout)["scoringSeconds"]
            result["credence"] = {"engine": "credence score", "rows_timed": args.rows, "seconds_timed": s,
                                  "rows_per_s": args.rows / s, "seconds_all_rows": s, "extrapolated": False}
            with open(csv_path + ".scores.csv") as f:
                got = [r for _, r in zip(range(n_timed), csv.DictReader(f))]
            result["credence"]["max_abs_diff_vs_pyagrum"] = max(
                abs(float(r["P(%s=%s)" % (args.target, s)]) - p[i])
                for r, p in zip(got, posteriors) for i, s in enumerate(states[args.target]))
        else:
            result["credence"] = {"error": out.stderr.strip()[-300:]}
        if not args.csv:
            os.unlink(csv_path)
            if os.path.exists(csv_path + ".scores.csv"):
                os.unlink(csv_path + ".scores.csv")

    result["machine"]["load_average_at_end"] = common.load_average()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    print("%s, target %s, %d rows, %d evidence columns, %.0f%% cells missing (%d observation patterns), seed %d; "
          "%s time (Credence: its own scoringSeconds, wall clock)\n"
          % (args.network, args.target, args.rows, len(columns), 100 * args.missing, patterns, args.seed,
             "CPU" if args.clock == "cpu" else "wall-clock"))
    print("| engine | rows timed | seconds (timed rows) | rows/s | seconds for all %s rows | max abs diff vs pyAgrum |"
          % "{:,}".format(args.rows))
    print("|---|---:|---:|---:|---:|---:|")
    for key, title in (("pyagrum", "pyAgrum LazyPropagation"), ("pgmpy", "pgmpy VariableElimination"),
                       ("credence", "Credence `score`")):
        r = result.get(key)
        if not r:
            continue
        if "error" in r:
            print("| %s | error: %s | | | | |" % (title, r["error"][:120]))
            continue
        extra = " (extrapolated)" if r["extrapolated"] else ""
        d = r.get("max_abs_diff_vs_pyagrum")
        print("| %s | %s | %.2f | %s | %.1f%s | %s |" % (title, "{:,}".format(r["rows_timed"]), r["seconds_timed"],
                                                          "{:,.0f}".format(r["rows_per_s"]), r["seconds_all_rows"],
                                                          extra, "%.1e" % d if d is not None else "(reference)"))


if __name__ == "__main__":
    sys.exit(main())
