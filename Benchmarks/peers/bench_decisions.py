"""Influence diagrams against pyAgrum's ShaferShenoyLIMIDInference: the same files, the
answers compared, and one-run speed (issue 19).

Diagrams:
- the literature's fixtures (Tests/BNFormatsTests/Fixtures/bn/decisions/*.bn: oil
  wildcatter, umbrella, pig breeder as a LIMID) and models/dealer_winback_decision.bn,
  converted to pyAgrum's BIFXML by `credence convert`;
- generated diagrams: the chance part of alarm and of hailfinder, plus 3 sequential binary
  decisions (D1 < D2 < D3), each observing two chance variables, each acting on one chance
  variable (its table duplicated per option, the copy for 'act' perturbed), a cost per
  decision and a utility on two chance variables. Written by pyAgrum (saveBIFXML) and read
  by both, so Credence's BIFXML reader is checked on pyAgrum's own output.

Each diagram is solved by both under no-forgetting (pyAgrum: addNoForgettingAssumption
with the decision order) unless the file says `limid`; MEU, variance and every decision's
optimal policy are compared (policies on information states of positive probability; ties
within 1e-9 accepted). Times, timed alike on both sides (in process, parsing excluded, a
fresh solver per solve, one untimed warm-up solve first, one thread each): pyAgrum
`makeInference()` on a fresh inference object, the median of --runs solves after the
warm-up; Credence `decide --repeat N --json` in --runs processes, each the median of its
solves after the first (the warm-up: in a fresh process it also pays the one-time costs
of the runtime), and the median of those.

  $PY Benchmarks/peers/bench_decisions.py --credence .build/release/credence [--runs 5] [--json out.json]
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

import common  # noqa: F401  (one thread everywhere, before pyagrum loads)
from common import HERE, NETWORKS, log, set_one_thread

import pyagrum as gum

ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
FIXTURES = os.path.join(ROOT, "Tests", "BNFormatsTests", "Fixtures", "bn", "decisions")


def credence_json(binary, args):
    out = subprocess.run([binary] + args + ["--json"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def generated(network, seed, folder):
    """A BIFXML influence diagram over NETWORK's chance part with 3 sequential decisions,
    written directly (pyAgrum and Credence both read it)."""
    from itertools import product
    from xml.sax.saxutils import escape
    rng = random.Random(seed)
    bn = gum.loadBN(os.path.join(NETWORKS, network + ".bif"))
    order = [bn.variable(n).name() for n in bn.topologicalOrder()]
    third = len(order) // 3
    states = {bn.variable(n).name(): list(bn.variable(n).labels()) for n in bn.nodes()}
    parents = {bn.variable(n).name(): [bn.variable(p).name() for p in bn.cpt(n).names[1:]][::-1] for n in bn.nodes()}
    observes, acts_on, costs = {}, {}, {}
    for i in range(3):
        d = "D%d" % (i + 1)
        observes[d] = rng.sample(order[i * third:(i + 1) * third], 2) + (["D%d" % i] if i else [])
        target = rng.choice([x for x in order[(i + 1) * third:] if x not in acts_on.values()])
        acts_on[d] = target
        costs["cost%d" % (i + 1)] = ([d], [0.0, -rng.uniform(1, 10)])
        states[d] = ["hold", "act"]
    gains = {}
    for j in range(2):
        pair = rng.sample(order[-third:], 2)
        size = len(states[pair[0]]) * len(states[pair[1]])
        gains["gain%d" % (j + 1)] = (pair, [rng.uniform(0, 100) for _ in range(size)])
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<BIF VERSION="0.3">', "<NETWORK>",
             "<NAME>%s_3decisions</NAME>" % network,
             "<PROPERTY>credence_decision_order = D1, D2, D3</PROPERTY>"]
    for v in order + list(observes):
        kind = "decision" if v in observes else "nature"
        lines.append('<VARIABLE TYPE="%s"><NAME>%s</NAME>%s</VARIABLE>' % (
            kind, escape(v), "".join("<OUTCOME>%s</OUTCOME>" % escape(s) for s in states[v])))
    for u in list(costs) + list(gains):
        lines.append('<VARIABLE TYPE="utility"><NAME>%s</NAME><OUTCOME>0</OUTCOME></VARIABLE>' % u)
    for v in order:
        ps = parents[v]
        extra = [d for d, t in acts_on.items() if t == v]
        cpt = bn.cpt(bn.idFromName(v))
        values = []
        for config in product(*[range(len(states[p])) for p in ps + extra]):
            row = list(cpt[{p: states[p][k] for p, k in zip(ps, config)}])
            if extra and config[-1] == 1:      # 'act': half the mass moved to the first state
                row = [0.5 * x for x in row]
                row[0] += 0.5
            values += row
        lines.append("<DEFINITION><FOR>%s</FOR>%s<TABLE>%s</TABLE></DEFINITION>" % (
            escape(v), "".join("<GIVEN>%s</GIVEN>" % escape(p) for p in ps + extra), " ".join(repr(float(x)) for x in values)))
    for d, obs in observes.items():
        lines.append("<DEFINITION><FOR>%s</FOR>%s</DEFINITION>" % (d, "".join("<GIVEN>%s</GIVEN>" % escape(p) for p in obs)))
    for u, (ps, values) in list(costs.items()) + list(gains.items()):
        lines.append("<DEFINITION><FOR>%s</FOR>%s<TABLE>%s</TABLE></DEFINITION>" % (
            u, "".join("<GIVEN>%s</GIVEN>" % escape(p) for p in ps), " ".join(repr(float(x)) for x in values)))
    lines += ["</NETWORK>", "</BIF>"]
    path = os.path.join(folder, "%s_3decisions.xml" % network)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path, list(observes)


def pyagrum_solve(path, order, limid):
    diagram = gum.loadID(path)
    def run():
        ie = gum.ShaferShenoyLIMIDInference(diagram)
        if not limid and order:
            ie.addNoForgettingAssumption(order)
        ie.makeInference()
        return ie
    return diagram, run


def compare(diagram, ie, cred):
    meu = ie.MEU()
    out = {"meu": meu["mean"], "variance": meu["variance"],
           "credence_meu": cred["meu"], "credence_variance": cred["variance"]}
    out["meu_diff"] = abs(meu["mean"] - cred["meu"])
    out["variance_rel_diff"] = abs(meu["variance"] - cred["variance"]) / max(1.0, abs(meu["variance"]))
    mismatches = 0
    for p in cred["policies"]:
        if p.get("forced"):
            continue
        opt = ie.optimalDecision(p["decision"])
        names = [v.name() for v in opt.variablesSequence()]
        for rule in p["rules"]:
            if rule["probability"] <= 1e-12:
                continue
            inst = {o: s for o, s in zip(p["observes"], rule["given"]) if o in names}
            choice_index = p["options"].index(rule["choice"])
            row = opt[inst] if inst else opt.toarray()
            row = list(row.flatten()) if hasattr(row, "flatten") else list(row)
            if len(row) != len(p["options"]):
                continue  # pyAgrum's table is over a different information set: compare values only
            best = max(rule["expectedUtilities"])
            chosen = [i for i, x in enumerate(row) if x > 0.5]
            if chosen and abs(rule["expectedUtilities"][chosen[0]] - best) > 1e-9 * max(1, abs(best)) and chosen[0] != choice_index:
                mismatches += 1
    out["policy_mismatches"] = mismatches
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--credence", required=True, help="the credence binary (release build for timings)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()
    set_one_thread()
    folder = tempfile.mkdtemp(prefix="credence-decisions-")
    cases = []
    for name in ["oil_wildcatter", "umbrella", "pig_breeder"]:
        cases.append((name, os.path.join(FIXTURES, name + ".bn")))
    cases.append(("dealer_winback_decision", os.path.join(ROOT, "models", "dealer_winback_decision.bn")))
    rows = []
    for name, bn in cases:
        xml = os.path.join(folder, name + ".xml")
        subprocess.run([args.credence, "convert", bn, xml], check=True, capture_output=True)
        rows.append((name, xml))
    for i, net in enumerate(["alarm", "hailfinder"]):
        path, _ = generated(net, 19 + i, folder)
        rows.append((net + " + 3 decisions", path))
    results = []
    for name, path in rows:
        text = open(path).read()
        limid = "credence_limid = true" in text
        cred = credence_json(args.credence, ["decide", path])
        order = [p["decision"] for p in cred["policies"]]
        diagram, run = pyagrum_solve(path, order, limid)
        ie = run()
        r = {"diagram": name, "limid": limid, "decisions": len(order),
             "variables": diagram.size()}
        r.update(compare(diagram, ie, cred))
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            run()
            times.append((time.perf_counter() - t0) * 1000)
        r["pyagrum_ms"] = statistics.median(times)
        ctimes = []
        for _ in range(args.runs):
            t = credence_json(args.credence, ["decide", path, "--repeat", "4"])
            ctimes.append(statistics.median(t["milliseconds"][1:]))   # the first solve is the warm-up
        r["credence_ms"] = statistics.median(ctimes)
        r["speedup"] = r["pyagrum_ms"] / r["credence_ms"] if r["credence_ms"] > 0 else None
        log("%-28s MEU %.6g vs %.6g  var rel diff %.1e  mismatches %d  pyAgrum %.3f ms  Credence %.3f ms  x%.1f" % (
            name, r["meu"], r["credence_meu"], r["variance_rel_diff"], r["policy_mismatches"],
            r["pyagrum_ms"], r["credence_ms"], r["speedup"] or 0))
        results.append(r)
    print("| diagram | variables | decisions | MEU (pyAgrum) | MEU (Credence) | pyAgrum ms | Credence ms | speed-up |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print("| %s%s | %d | %d | %.6g | %.6g | %.3f | %.3f | %.1fx |" % (
            r["diagram"], " (LIMID)" if r["limid"] else "", r["variables"], r["decisions"], r["meu"], r["credence_meu"],
            r["pyagrum_ms"], r["credence_ms"], r["speedup"] or 0))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"pyagrum": gum.__version__, "results": results}, f, indent=2)
    bad = [r for r in results if r["meu_diff"] > 1e-6 * max(1, abs(r["meu"])) or r["variance_rel_diff"] > 1e-6
           or r["policy_mismatches"]]
    if bad:
        log("DISAGREEMENT:", [r["diagram"] for r in bad])
        sys.exit(1)


if __name__ == "__main__":
    main()
