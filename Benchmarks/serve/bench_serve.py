#!/usr/bin/env python3
"""Load and latency of `credence serve` (release build): wrk against POST /api/query on alarm
with changing evidence (query.lua), 64 connections for 30 s, repeated; then the same load
while another session runs a long EM fit (alarm, 20 000 sampled rows with 30 % of the cells
missing); each phase also under a light load (8 connections, 15 s). Prints each run and the
medians, and writes them as JSON.

Usage: python3 Benchmarks/serve/bench_serve.py --credence .build/release/credence \
          [--runs 3] [--seconds 30] [--connections 64] [--json Benchmarks/results/serve.json]
Only the loopback address is used; every run is bounded by --seconds.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
NETWORKS = os.path.normpath(os.path.join(ROOT, "..", "shared", "networks"))
TOKEN = "bench-token-0123456789abcdef0123"


def call(base, method, path, body=None, session=None, raw=None):
    headers = {"Authorization": "Bearer " + TOKEN}
    if session:
        headers["X-Credence-Session"] = session
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.loads(r.read())


def wrk(url, sessions, connections, seconds):
    env = dict(os.environ, CREDENCE_TOKEN=TOKEN, CREDENCE_SESSIONS=",".join(sessions))
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", os.path.join(HERE, "query.lua"), url],
                         env=env, capture_output=True, text=True, check=True).stdout
    m = re.search(r"^RESULT (.*)$", out, re.M)
    return json.loads(m.group(1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--credence", default=os.path.join(ROOT, ".build", "release", "credence"))
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--seconds", type=int, default=30)
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--light-connections", type=int, default=8,
                   help="a second, lighter load (a few users clicking), measured the same way for --light-seconds")
    p.add_argument("--light-seconds", type=int, default=15)
    p.add_argument("--fit-rows", type=int, default=20000)
    p.add_argument("--json")
    a = p.parse_args()

    folder = tempfile.mkdtemp(prefix="credence-serve-bench-")
    shutil.copy(os.path.join(NETWORKS, "alarm.bif"), folder)
    csv = os.path.join(folder, "alarm-gaps.csv")
    subprocess.run([a.credence, "sample", os.path.join(folder, "alarm.bif"), "-n", str(a.fit_rows), "--seed", "5",
                    "--missing", "0.3", "--output", csv], check=True, capture_output=True)
    server = subprocess.Popen([a.credence, "serve", os.path.join(folder, "alarm.bif"), "--port", "0", "--token", TOKEN],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = None
        while url is None:
            line = server.stdout.readline()
            if not line:
                sys.exit("credence serve ended: " + server.stderr.read())
            m = re.search(r"(http://[^/]+)/", line)
            url = m.group(1) if m else None
        sessions = [call(url, "POST", "/api/sessions", {})["session"] for _ in range(2)]
        results = {"idle": [], "during_fit": [], "idle_light": [], "during_fit_light": []}

        def measure(phase, k):
            for key, c, secs in [(phase, a.connections, a.seconds), (phase + "_light", a.light_connections, a.light_seconds)]:
                r = wrk(url + "/api/query", sessions, c, secs)
                results[key].append(r)
                print(f"{key} {k + 1} ({c} connections): {r['requests_per_second']:.0f} req/s, p50 {r['p50_ms']:.2f} ms, "
                      f"p99 {r['p99_ms']:.2f} ms, errors {r['errors']}", flush=True)

        for k in range(a.runs):
            measure("idle", k)
        # A long fit in a third session (EM with tolerance 0, sized from a short timed fit to
        # outlast every run), then the same load on the first two.
        fitter = call(url, "POST", "/api/sessions", {})["session"]
        with open(csv, "rb") as f:
            call(url, "POST", "/api/data/upload?name=alarm-gaps.csv", session=fitter, raw=f.read())
        t0 = time.time()
        call(url, "POST", "/api/fit", {"method": "em", "maxIterations": 3, "tolerance": 0}, session=fitter)
        while call(url, "GET", "/api/fit", session=fitter)["state"] == "running":
            time.sleep(0.1)
        per_iteration = (time.time() - t0) / 3
        needed = a.runs * (a.seconds + a.light_seconds + 4) + 10
        iterations = int(needed / per_iteration) + 1
        print(f"EM on {a.fit_rows} rows: {per_iteration:.2f} s per iteration; the long fit runs {iterations} iterations", flush=True)
        call(url, "POST", "/api/undo", session=fitter)
        call(url, "POST", "/api/fit", {"method": "em", "maxIterations": iterations, "tolerance": 0}, session=fitter)
        time.sleep(1)
        for k in range(a.runs):
            measure("during_fit", k)
            fit = call(url, "GET", "/api/fit", session=fitter)
            results["during_fit_light"][-1]["fit_state_at_end"] = fit["state"]
            print(f"  the fit was {fit['state']} at iteration {fit['iteration']}", flush=True)
        call(url, "POST", "/api/fit/cancel", session=fitter)
        summary = {}
        for key, runs in results.items():
            summary[key] = {m: statistics.median(r[m] for r in runs) for m in ["requests_per_second", "p50_ms", "p99_ms"]}
            summary[key]["errors"] = sum(r["errors"] for r in runs)
            print(f"median {key}: {summary[key]['requests_per_second']:.0f} req/s, p50 {summary[key]['p50_ms']:.2f} ms, "
                  f"p99 {summary[key]['p99_ms']:.2f} ms, errors {summary[key]['errors']}")
        if a.json:
            with open(a.json, "w") as f:
                json.dump({"connections": a.connections, "seconds": a.seconds, "light_connections": a.light_connections,
                       "light_seconds": a.light_seconds, "per_iteration_seconds": per_iteration, "runs": results, "median": summary}, f, indent=2)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
