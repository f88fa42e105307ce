#!/usr/bin/env python3
"""Learning speed and quality, Credence next to pyAgrum (and pgmpy where it can run), in one run.

Data: `credence sample NET -n ROWS --seed S [--missing 0.2]` (the same ForwardSampler and
seeds as Benchmarks/LearnBench), converted to '?' for missing cells for pyAgrum.

  EM   child, insurance, alarm; 10,000 and 100,000 rows; 20 % of cells missing at random.
       Credence: `credence fit --method em --tolerance 1e-5`, once from uniform CPTs and
                 once from each family's complete-case estimates (--initial available).
       pyAgrum:  BNLearner(csv, template).useEM(1e-5); learnParameters(dag) (its own start:
                 complete-case estimates with 10 % noise); --timeout / --timeout-large
                 seconds per run. pgmpy's ExpectationMaximization only handles fully latent
                 columns, so it cannot run on scattered gaps: reported.
       Both final models are scored by the same function, Credence's observed-data
       log-likelihood (`credence fit MODEL DATA --method em --max-iter 0`).
  MLE  alarm and insurance, 100,000 complete rows: `credence fit --method mle` against
       BNLearner.learnParameters(dag) (pyAgrum stops with an error on parent configurations
       never seen; then it runs with a small smoothing prior, reported). Reading the CSV and
       learning are timed separately on both sides (`--json` "seconds" for Credence), and
       Credence's whole process too. These runs take a fraction of a second, so each side
       runs --mle-repeat times (default 7), the two alternating, and the medians are given.
  HC   alarm 100,000 complete rows, BIC, at most 4 parents: `credence learn --score bic`
       (greedy, and greedy with 10 seeded restarts) against pyAgrum useGreedyHillClimbing +
       useScoreBIC; every DAG is scored by Credence's BIC and compared with the true DAG
       (SHD between equivalence classes, `credence learn --compare`).

EM and HC times are wall-clock of one run each (these runs take seconds to minutes), end to
end including reading the CSV, for both sides; MLE times are medians (above).

  Benchmarks/peers/.venv/bin/python Benchmarks/peers/bench_learning.py --credence .build/release/credence
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import common


def run(cmd):
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip()[-400:])
    return dt, out.stdout


def sample(cred, name, rows, seed, missing, folder):
    path = os.path.join(folder, "%s-%d-%s.csv" % (name, rows, missing))
    if not os.path.exists(path):
        run([cred, "sample", common.network_path(name), "-n", str(rows), "--seed", str(seed), "--missing", str(missing),
             "--output", path])
    q = path[:-4] + ".q.csv"
    if not os.path.exists(q):
        with open(path) as src, open(q, "w") as dst:
            header = src.readline()
            dst.write(header)
            for line in src:
                cells = line.rstrip("\n").split(",")
                # pyAgrum refuses labels such as Asy/Patch or <5: a reversible escape on both sides.
                dst.write(",".join(safe(c) if c != "" else "?" for c in cells) + "\n")
    return path, q


def loglik(cred, model, data):
    _, out = run([cred, "fit", model, data, "--method", "em", "--max-iter", "0", "--output",
                  model + ".ll.bif", "--json"])
    return json.loads(out)["logLikelihood"]


def safe(label):
    """A label pyAgrum accepts: a letter first (it reads '5-12' as a range) and every
    character outside [A-Za-z0-9_] as _xHH_. Reversible."""
    return "zq_" + re.sub(r"[^A-Za-z0-9_]", lambda m: "_x%02x_" % ord(m.group()), label)


def unsafe(text):
    text = re.sub(r"_x([0-9a-f]{2})_", lambda m: chr(int(m.group(1), 16)), text)
    return text.replace("zq_", "")


def template(name):
    """The pyAgrum network with labels escaped as in the '?'-coded CSV."""
    bn = common.pyagrum_model(name)
    for v in bn.names():
        var = bn.variableFromName(v)
        for i in range(var.domainSize()):
            label = var.label(i)
            if safe(label) != label:
                bn.changeVariableLabel(v, label, safe(label))
    return bn


SMOOTHING = 0.01


def learner_for(csv, bn, smoothing):
    import pyagrum as gum
    learner = gum.BNLearner(csv, bn, ["?"])
    if smoothing:
        learner.useSmoothingPrior(smoothing)
    return learner


def with_fallback(fn):
    """pyAgrum stops on parent configurations never seen in the data; then retry with a
    small smoothing prior and say so."""
    try:
        return fn(0.0)
    except Exception as e:  # noqa: BLE001
        if "never appears in the database" not in str(e):
            raise
        out = fn(SMOOTHING)
        out["note"] = "pyAgrum refused without a prior (unseen parent configuration); run with smoothing %g" % SMOOTHING
        return out


def pyagrum_em(name, qcsv, out_bif, eps):
    import pyagrum as gum
    tpl = template(name)

    def go(smoothing):
        t0 = time.perf_counter()
        learner = learner_for(qcsv, tpl, smoothing)
        learner.useEM(eps)
        bn = learner.learnParameters(tpl.dag())
        dt = time.perf_counter() - t0
        gum.saveBN(bn, out_bif)
        return {"seconds": dt, "iterations": learner.EMnbrIterations() if hasattr(learner, "EMnbrIterations") else None}
    return with_fallback(go)


def pyagrum_mle(name, csv, out_bif):
    import pyagrum as gum
    tpl = template(name)

    def go(smoothing):
        t0 = time.perf_counter()
        learner = learner_for(csv, tpl, smoothing)
        t1 = time.perf_counter()
        bn = learner.learnParameters(tpl.dag())
        t2 = time.perf_counter()
        gum.saveBN(bn, out_bif)
        return {"seconds": t2 - t0, "read_seconds": t1 - t0, "learn_seconds": t2 - t1}
    return with_fallback(go)


def pyagrum_hc(name, csv, out_bif):
    return with_fallback(lambda smoothing: _pyagrum_hc(name, csv, out_bif, smoothing))


def _pyagrum_hc(name, csv, out_bif, smoothing):
    import pyagrum as gum
    template_bn = template(name)
    t0 = time.perf_counter()
    learner = learner_for(csv, template_bn, smoothing)
    t1 = time.perf_counter()
    learner.useGreedyHillClimbing()
    learner.useScoreBIC()
    learner.setMaxIndegree(4)
    bn = learner.learnBN()
    t2 = time.perf_counter()
    gum.saveBN(bn, out_bif)
    return {"seconds": t2 - t0, "read_seconds": t1 - t0, "learn_seconds": t2 - t1, "edges": bn.sizeArcs()}


def fix_labels(bif, name):
    """pyAgrum's output with the original labels back."""
    with open(bif) as f:
        text = unsafe(f.read())
    out = bif[:-4] + ".labels.bif"
    with open(out, "w") as f:
        f.write(text)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--credence", required=True)
    ap.add_argument("--em", nargs="*", default=["child:10000", "child:100000", "insurance:10000", "insurance:100000",
                                                 "alarm:10000", "alarm:100000"])
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per pyAgrum run up to 10,000 rows")
    ap.add_argument("--timeout-large", type=int, default=1800, help="seconds per pyAgrum EM run above 10,000 rows")
    ap.add_argument("--skip", nargs="*", default=[], help="em mle hc")
    ap.add_argument("--mle-repeat", type=int, default=7, help="runs per side for MLE (medians)")
    ap.add_argument("--json")
    args = ap.parse_args()
    cred = args.credence
    folder = tempfile.mkdtemp(prefix="credence-learn-")
    results = {"em": [], "mle": [], "hc": []}
    if "em" not in args.skip:
        for item in args.em:
            name, rows = item.split(":")
            rows = int(rows)
            data, qdata = sample(cred, name, rows, 3, 0.2, folder)
            out = os.path.join(folder, "%s-%d-cred.bif" % (name, rows))
            dt, txt = run([cred, "fit", common.network_path(name), data, "--method", "em", "--initial", "uniform",
                           "--tolerance", "1e-5", "--max-iter", "1000", "--output", out, "--json"])
            rep = json.loads(txt)
            row = {"network": name, "rows": rows, "credence_seconds": dt, "credence_iterations": rep["em"]["iterations"],
                   "credence_loglik": rep["logLikelihood"]}
            # The start pyAgrum uses: each family's complete-case estimates.
            dt2, txt = run([cred, "fit", common.network_path(name), data, "--method", "em", "--initial", "available",
                            "--tolerance", "1e-5", "--max-iter", "1000", "--output", out, "--json"])
            rep = json.loads(txt)
            row.update({"credence_available_seconds": dt2, "credence_available_iterations": rep["em"]["iterations"],
                        "credence_available_loglik": rep["logLikelihood"]})
            print("em %s %d: credence %.2f s (uniform start), %.2f s (complete-case start)" % (name, rows, dt, dt2),
                  file=sys.stderr, flush=True)
            pout = os.path.join(folder, "%s-%d-agrum.bif" % (name, rows))
            limit = args.timeout if rows <= 10000 else args.timeout_large
            status, value = common.run_limited(pyagrum_em, (name, qdata, pout, 1e-5), limit, 16)
            if status == "ok":
                row.update({"pyagrum_seconds": value["seconds"], "pyagrum_iterations": value["iterations"],
                            "pyagrum_loglik": loglik(cred, fix_labels(pout, name), data), "pyagrum_note": value.get("note")})
            else:
                row["pyagrum"] = "%s after %d s" % (status, limit)
            row["pgmpy"] = "cannot run: pgmpy's ExpectationMaximization needs fully latent columns, not scattered gaps"
            results["em"].append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    if "mle" not in args.skip:
        for name in ["alarm", "insurance"]:
            data, qdata = sample(cred, name, 100000, 2, 0.0, folder)
            out = os.path.join(folder, "%s-mle-cred.bif" % name)
            cred_runs, agrum_runs, status = [], [], "ok"
            for _ in range(args.mle_repeat):
                dt, txt = run([cred, "fit", common.network_path(name), data, "--method", "mle", "--output", out, "--json"])
                phases = json.loads(txt)["seconds"]
                cred_runs.append((dt, phases["read"], phases["learn"]))
                status, value = common.run_limited(pyagrum_mle, (name, qdata, out + ".agrum.bif"), args.timeout, 16)
                if status != "ok":
                    break
                agrum_runs.append(value)
            med = lambda xs: sorted(xs)[len(xs) // 2]
            row = {"network": name, "rows": 100000, "runs": len(cred_runs),
                   "credence_process_seconds": med([r[0] for r in cred_runs]),
                   "credence_read_seconds": med([r[1] for r in cred_runs]),
                   "credence_learn_seconds": med([r[2] for r in cred_runs]),
                   "credence_seconds": med([r[1] + r[2] for r in cred_runs])}
            row["pyagrum_seconds"] = med([v["seconds"] for v in agrum_runs]) if status == "ok" else status
            if status == "ok":
                row.update({"pyagrum_read_seconds": med([v["read_seconds"] for v in agrum_runs]),
                            "pyagrum_learn_seconds": med([v["learn_seconds"] for v in agrum_runs])})
                if agrum_runs[0].get("note"):
                    row["pyagrum_note"] = agrum_runs[0]["note"]
            results["mle"].append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    if "hc" not in args.skip:
        name = "alarm"
        data, qdata = sample(cred, name, 100000, 4, 0.0, folder)
        pout = os.path.join(folder, "alarm-hc-agrum.bif")
        status, value = common.run_limited(pyagrum_hc, (name, qdata, pout), args.timeout, 16)
        agrum = {}
        if status == "ok":
            agrum = {"pyagrum_seconds": value["seconds"], "pyagrum_read_seconds": value["read_seconds"],
                     "pyagrum_learn_seconds": value["learn_seconds"], "pyagrum_edges": value["edges"],
                     "pyagrum_note": value.get("note")}
            # Score pyAgrum's DAG with Credence's BIC: learn starting from it with no moves.
            _, txt = run([cred, "learn", data, "--score", "bic", "--start", fix_labels(pout, name), "--max-iterations", "0",
                          "--compare", common.network_path(name), "--output", pout + ".rescored.bif", "--json"])
            rescored = json.loads(txt)
            agrum["pyagrum_bic_by_credence"] = rescored["scoreValue"]
            agrum["pyagrum_shd"] = rescored["comparison"]["shd"]
        else:
            agrum["pyagrum"] = status
        # Greedy hill climbing as pyAgrum runs it, and with 10 seeded restarts.
        for label, extra in [("greedy", []), ("greedy, 10 restarts", ["--restarts", "10"])]:
            out = os.path.join(folder, "alarm-hc-cred.bif")
            dt, txt = run([cred, "learn", data, "--score", "bic", "--max-parents", "4", "--compare", common.network_path(name),
                           "--output", out, "--json"] + extra)
            rep = json.loads(txt)
            row = {"network": name, "rows": 100000, "credence_search": label, "credence_seconds": dt,
                   "credence_read_seconds": rep["seconds"]["read"], "credence_learn_seconds": rep["seconds"]["learn"],
                   "credence_bic": rep["scoreValue"], "credence_edges": len(rep["edges"]), "credence_shd": rep["comparison"]["shd"]}
            row.update(agrum)
            results["hc"].append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    print_tables(results)


def print_tables(r):
    if r["em"]:
        print("\n| network | rows | Credence, uniform start: s (iterations) | log-lik | Credence, complete-case start: s (iterations) | log-lik | pyAgrum: s (iterations) | log-lik | speedup (complete-case start) | pgmpy |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for x in r["em"]:
            ps = x.get("pyagrum_seconds")
            print("| %s | %d | %.2f (%s) | %.3f | %s | %s | %s%s | %s | %s | cannot run |" % (
                x["network"], x["rows"], x["credence_seconds"], x["credence_iterations"], x["credence_loglik"],
                "%.2f (%s)" % (x["credence_available_seconds"], x["credence_available_iterations"]) if "credence_available_seconds" in x else "–",
                "%.3f" % x["credence_available_loglik"] if "credence_available_loglik" in x else "–",
                "%.2f (%s)" % (ps, x.get("pyagrum_iterations")) if ps else x.get("pyagrum"),
                " (smoothing %g)" % SMOOTHING if x.get("pyagrum_note") else "",
                "%.3f" % x["pyagrum_loglik"] if "pyagrum_loglik" in x else "–",
                "%.0fx" % (ps / x["credence_available_seconds"]) if ps and "credence_available_seconds" in x else "–"))
    def ratio(a, b):
        return "%.1fx" % (a / b) if isinstance(a, float) and isinstance(b, float) and b > 0 else "–"
    if r["mle"]:
        print("\n| MLE | rows | runs | Credence s: read + learn (read / learn) | Credence process s | pyAgrum s: read + learn (read / learn) | speedup read + learn | speedup learn | speedup, Credence's whole process |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for x in r["mle"]:
            ps = x["pyagrum_seconds"]
            print("| %s | %d | %s | %.3f (%.3f / %.3f) | %.3f | %s | %s | %s | %s |" % (
                x["network"], x["rows"], x.get("runs", 1), x["credence_seconds"], x["credence_read_seconds"],
                x["credence_learn_seconds"], x.get("credence_process_seconds", x["credence_seconds"]),
                "%.3f (%.3f / %.3f)%s" % (ps, x["pyagrum_read_seconds"], x["pyagrum_learn_seconds"],
                                          " (smoothing %g)" % SMOOTHING if x.get("pyagrum_note") else "") if isinstance(ps, float) else ps,
                ratio(ps, x["credence_seconds"]), ratio(x.get("pyagrum_learn_seconds"), x["credence_learn_seconds"]),
                ratio(ps, x.get("credence_process_seconds"))))
    if r["hc"]:
        print("\n| hill climbing, BIC | rows | Credence search | Credence s: total (read / search) | pyAgrum s: total (read / search) | speedup total | speedup search | BIC Credence | BIC pyAgrum (scored by Credence) | SHD (CPDAG) Credence / pyAgrum | edges Credence / pyAgrum |")
        print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|")
        for x in r["hc"]:
            ps = x.get("pyagrum_seconds")
            print("| %s | %d | %s | %.2f (%.2f / %.2f) | %s | %s | %s | %.1f | %s | %s / %s | %s / %s |" % (
                x["network"], x["rows"], x["credence_search"], x["credence_seconds"], x["credence_read_seconds"],
                x["credence_learn_seconds"],
                "%.2f (%.2f / %.2f)%s" % (ps, x["pyagrum_read_seconds"], x["pyagrum_learn_seconds"],
                                          " (smoothing %g)" % SMOOTHING if x.get("pyagrum_note") else "") if ps else x.get("pyagrum"),
                ratio(ps, x["credence_seconds"]), ratio(x.get("pyagrum_learn_seconds"), x["credence_learn_seconds"]),
                x["credence_bic"], "%.1f" % x["pyagrum_bic_by_credence"] if "pyagrum_bic_by_credence" in x else "–",
                x["credence_shd"], x.get("pyagrum_shd", "–"), x["credence_edges"], x.get("pyagrum_edges", "–")))


if __name__ == "__main__":
    main()
