#!/usr/bin/env python3
"""Batch scoring: the posterior of one target for every row of a table, Credence
(`credence score`, rows grouped by observation pattern and batched through GEMM) against
pyAgrum looping over the rows (LazyPropagation; per row: eraseAllEvidence, setEvidence,
makeInference, posterior), in one run.

The table: --rows rows sampled from the network by `credence sample --seed 1` with
--missing of the cells left empty. pyAgrum scores the first --peer-rows rows (a loop over
100,000 rows takes minutes); its rows/s is extrapolated and said so.

  Benchmarks/peers/.venv/bin/python Benchmarks/peers/bench_batch.py --credence .build/release/credence
"""
import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time

import common


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--credence", required=True)
    ap.add_argument("--network", default="alarm")
    ap.add_argument("--target", default="BP")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--missing", type=float, default=0.2)
    ap.add_argument("--peer-rows", type=int, default=5_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json")
    args = ap.parse_args()
    net = common.network_path(args.network)
    data = tempfile.NamedTemporaryFile(suffix=".csv", delete=False).name
    subprocess.run([args.credence, "sample", net, "-n", str(args.rows), "--seed", "1", "--missing", str(args.missing),
                    "--output", data], check=True, capture_output=True)
    cred = []
    for _ in range(args.repeat):
        out = subprocess.run([args.credence, "score", net, data, "--target", args.target, "--output", data + ".scores.csv",
                              "--json"], check=True, capture_output=True, text=True)
        cred.append(json.loads(out.stdout)["scoringSeconds"])
    cred_s = common.median(cred)

    import pyagrum as gum
    bn = common.pyagrum_model(args.network)
    ie = gum.LazyPropagation(bn)
    if hasattr(ie, "setNumberOfThreads"):
        ie.setNumberOfThreads(1)
    with open(data) as f:
        reader = csv.DictReader(f)
        rows = [r for _, r in zip(range(args.peer_rows), reader)]
    with open(data + ".scores.csv") as f:
        ours = [r for _, r in zip(range(args.peer_rows), csv.DictReader(f))]
    states = [bn.variable(args.target).label(i) for i in range(bn.variable(args.target).domainSize())]
    t0 = time.perf_counter()
    worst = 0.0
    for r, mine in zip(rows, ours):
        ev = {k: v for k, v in r.items() if v != "" and k != args.target}
        ie.eraseAllEvidence()
        ie.setEvidence(ev)
        ie.makeInference()
        p = ie.posterior(args.target).tolist()
        worst = max(worst, max(abs(p[i] - float(mine["P(%s=%s)" % (args.target, s)])) for i, s in enumerate(states)))
    peer_s = time.perf_counter() - t0
    peer_rate = len(rows) / peer_s
    result = {"network": args.network, "target": args.target, "rows": args.rows, "missing": args.missing,
              "credence_seconds": cred_s, "credence_rows_per_s": args.rows / cred_s,
              "pyagrum_rows_scored": len(rows), "pyagrum_seconds": peer_s, "pyagrum_rows_per_s": peer_rate,
              "pyagrum_seconds_extrapolated": args.rows / peer_rate, "speedup": (args.rows / cred_s) / peer_rate,
              "max_abs_diff_vs_pyagrum": worst}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    print("| rows | missing | credence s | credence rows/s | pyAgrum rows/s (%d rows) | pyAgrum s for all rows (extrapolated) | speedup | max diff |" % len(rows))
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    print("| %d | %.0f%% | %.3f | %.0f | %.0f | %.1f | %.1fx | %.1e |" % (args.rows, 100 * args.missing, cred_s, args.rows / cred_s,
                                                                    peer_rate, args.rows / peer_rate, result["speedup"], worst))


if __name__ == "__main__":
    sys.exit(main())
