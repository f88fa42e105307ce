#!/usr/bin/env python3
"""Parse time of every network in ../shared/networks: pgmpy's BIFReader().get_model(),
pyAgrum's loadBN, and Credence (ParseBench's JSON, or run it with --parsebench BIN), in
one run. Median of --repeat runs per file, after one warm-up. pyAgrum reads float32
probabilities and fails on child.bif; failures are reported as such.

  Benchmarks/peers/.venv/bin/python Benchmarks/peers/bench_parse.py \
      --parsebench .build/release/ParseBench --json Benchmarks/results/parse-peers.json
"""
import argparse
import json
import os
import subprocess
import sys
import time

import common


def parse_pgmpy(path):
    from pgmpy.readwrite import BIFReader
    plain, tmp = common.plain_bif(path)
    try:
        return time_it(lambda: BIFReader(plain).get_model())
    finally:
        if tmp:
            os.unlink(tmp)


def parse_pyagrum(path):
    import pyagrum as gum
    plain, tmp = common.plain_bif(path)
    try:
        return time_it(lambda: gum.loadBN(plain))
    finally:
        if tmp:
            os.unlink(tmp)


REPEAT = 5


def time_it(fn):
    fn()  # warm-up (and the failure, if any)
    samples = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1e3)
    return common.median(samples)


def main():
    global REPEAT
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("--parsebench", help="path of Credence's ParseBench (release); run in this same run")
    ap.add_argument("--credence-json", help="or: a ParseBench --json output file")
    ap.add_argument("--json", help="write the figures to this file")
    args = ap.parse_args()
    REPEAT = args.repeat
    names = sorted({f.split(".")[0] for f in os.listdir(common.NETWORKS) if ".bif" in f},
                   key=lambda n: os.path.getsize(common.network_path(n)))
    credence = {}
    if args.parsebench:
        out = subprocess.run([args.parsebench, "--json", "--no-csv", "--runs", str(max(args.repeat, 5))],
                             capture_output=True, text=True, timeout=1800)
        credence = json.loads(out.stdout)["networks"]
    elif args.credence_json:
        with open(args.credence_json) as f:
            credence = json.load(f)["networks"]
    rows = {}
    for name in names:
        path = common.network_path(name)
        row = {"bytes": os.path.getsize(path)}
        for peer, fn in (("pgmpy", parse_pgmpy), ("pyagrum", parse_pyagrum)):
            print("%s %s ..." % (name, peer), file=sys.stderr, flush=True)
            status, value = common.run_limited(fn, (path,), args.timeout)
            row[peer] = value if status == "ok" else status
        if name in credence:
            row["credence"] = credence[name]["parse_ms"]
        rows[name] = row
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    print("| network | file bytes | credence ms | pyAgrum loadBN ms | pgmpy BIFReader ms | vs pyAgrum | vs pgmpy |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in rows.items():
        c = r.get("credence")

        def cell(v):
            return "%.3f" % v if isinstance(v, float) else str(v).split(":")[0][:40]

        def ratio(v):
            return "%.0fx" % (v / c) if isinstance(v, float) and c else "–"
        print("| %s | %d | %s | %s | %s | %s | %s |" % (name, r["bytes"], cell(c) if c else "–", cell(r["pyagrum"]),
                                                     cell(r["pgmpy"]), ratio(r["pyagrum"]), ratio(r["pgmpy"])))


if __name__ == "__main__":
    main()
