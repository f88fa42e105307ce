#!/usr/bin/env python3
"""Exact inference speed and accuracy of pyAgrum and pgmpy on the reference queries.

For every network, the first --max-queries queries of ../shared/reference/NAME.json go
through five engines:

  pyagrum-lazy  pyAgrum LazyPropagation        pgmpy-ve  pgmpy VariableElimination
  pyagrum-ss    pyAgrum ShaferShenoyInference  pgmpy-bp  pgmpy BeliefPropagation
  pyagrum-ve    pyAgrum VariableElimination

and two tasks:

  single  P(target | evidence) for the query's target
  all     P(v | evidence) for every variable v without evidence

How the engines are used (what a user of each library would write):
  * The network is read once per network: pgmpy's BIFReader(path).get_model(); the
    pyAgrum network is built from it with float64 CPTs, each row divided by its sum
    (pyAgrum's loadBN rounds to float32 and fails on child.bif). This is the network the
    reference posteriors were computed on. pgmpy's CPDs get the same row normalisation
    (in place), so that the differences measure the engines, not the file's rounding.
  * One engine object per engine x network, built before the queries ("setup", not in the
    per-query times; for pyAgrum the setup includes one evidence-free makeInference).
  * pyAgrum, per query: eraseAllEvidence(); setEvidence({var: state}); single: set the
    target (eraseAllTargets + addTarget), all: every variable is a target;
    makeInference(); posterior(v) for the variables asked for.
  * pgmpy, per query: query([target], evidence=..., show_progress=False) with default
    options. pgmpy has no all-marginals call (query(vars, joint=False) contracts the joint
    of all vars first, exponential in their number), so "all" is one query([v]) per
    variable without evidence, on the same engine object.
  * Every query is timed once (--repeat R: median of R runs of the same query); the figure
    reported per engine x network x task is the median over queries, in milliseconds.
    Both clocks are recorded: wall clock and the process's CPU time (user + system). The
    tables use CPU time by default (--clock): the machine is shared, and for these
    single-threaded computations CPU time is what the wall clock shows on an idle machine.
  * Every answer is compared with the reference: the target's posterior, and for "all"
    also every marginal in the reference's all_marginals (absent for the largest
    networks). max_abs_diff is the largest absolute difference over the queries run.

Each engine x network x task runs in a forked child process with a time budget
(--timeout seconds for setup plus all queries: CPU seconds of the child with --clock cpu,
the default, with a wall-clock backstop; wall seconds with --clock wall) and an
address-space limit (--mem-gib, RLIMIT_AS). Failures are recorded as "timeout",
"out of memory", "crashed (...)" or "error: ...", never fatal; the medians of the queries
finished before a failure are kept in the JSON. When the single-target task of an engine
fails for lack of time or memory, its all-marginals task is not attempted (it asks
strictly more); once an engine x task has run out of time or memory on --give-up
networks (default 2), it is not attempted on the networks after them in the list (the
default list grows roughly in difficulty). One thread: OMP/OPENBLAS/MKL_NUM_THREADS=1
before any import, and gum.setNumberOfThreads(1) plus setNumberOfThreads(1) on each
pyAgrum engine.

Networks without a reference file (munin1): queries from --queries-dir DIR/NAME.json
when present (e.g. `credence bench NET --write-queries DIR`), else 20 seeded queries
generated here (10 % of the variables as evidence, from a forward sample); without
reference answers, each engine is checked against the first engine that answered
(pyAgrum LazyPropagation by default).

With --credence BIN, Credence runs in the same invocation, network by network, right
after the peers: `credence bench NET --queries FILE --repeat 1 --clock CLOCK --threads N
--json` for each N of --credence-threads (default 1 and 2; the ratios use the first), on
the same queries (for generated queries, a file of them with pyAgrum LazyPropagation's
answers, so Credence is checked by an independent engine). The tables then carry
Credence's times, the ratios, the two-thread column, the physical floor of the
all-marginals task, and the goal-by-goal verdict.

  Benchmarks/peers/.venv/bin/python Benchmarks/peers/bench_inference.py --json inference.json \\
      --credence .build/release/credence        # everything, one run (~20 min)
  Benchmarks/peers/.venv/bin/python Benchmarks/peers/bench_inference.py --networks alarm child \\
      --credence-json credence-bench.json     # from: credence bench --json (same queries)
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import common

ENGINES = ["pyagrum-lazy", "pyagrum-ss", "pyagrum-ve", "pgmpy-ve", "pgmpy-bp"]
ENGINE_TITLES = {"pyagrum-lazy": "pyAgrum Lazy", "pyagrum-ss": "pyAgrum SS", "pyagrum-ve": "pyAgrum VE",
                 "pgmpy-ve": "pgmpy VE", "pgmpy-bp": "pgmpy BP"}
TASKS = ["single", "all"]
DEFAULT_NETWORKS = ["asia", "cancer", "earthquake", "survey", "sachs", "child", "insurance", "water", "alarm",
                    "barley", "hailfinder", "hepar2", "win95pts", "pathfinder", "andes", "munin1", "mildew"]


def maxdiff(got, want):
    if len(got) != len(want):
        return float("inf")
    return max(abs(a - b) for a, b in zip(got, want))


def expected_answers(q, task):
    if task == "single":
        return {q["target"]: q["posterior"]}
    want = dict(q.get("all_marginals") or {})
    want[q["target"]] = q["posterior"]
    return want


def measure(send, engine, task, queries, states, pg_model, gum_bn, repeat):
    """Runs in the child. Sends {"setup_ms"} once, then {"i", "ms", "diff"} per query."""
    t0 = common.now_ms()
    if engine.startswith("pyagrum"):
        import pyagrum as gum
        common.set_one_thread()
        cls = {"pyagrum-lazy": gum.LazyPropagation, "pyagrum-ss": gum.ShaferShenoyInference,
               "pyagrum-ve": gum.VariableElimination}[engine]
        ie = cls(gum_bn)
        if hasattr(ie, "setNumberOfThreads"):
            ie.setNumberOfThreads(1)
        ie.makeInference()
        names = [gum_bn.variable(i).name() for i in gum_bn.nodes()]

        def answer(q):
            ev = q["evidence"]
            ie.eraseAllEvidence()
            ie.setEvidence(ev)
            if task == "single":
                ie.eraseAllTargets()
                ie.addTarget(q["target"])
                ie.makeInference()
                return {q["target"]: ie.posterior(q["target"]).tolist()}
            ie.addAllTargets()
            ie.makeInference()
            return {v: ie.posterior(v).tolist() for v in names if v not in ev}
    else:
        from pgmpy.inference import BeliefPropagation, VariableElimination
        ie = VariableElimination(pg_model) if engine == "pgmpy-ve" else BeliefPropagation(pg_model)
        names = list(pg_model.nodes())

        def values(factor, v):
            got = [str(s) for s in factor.state_names[v]]
            flat = factor.values.ravel()
            return [float(flat[got.index(s)]) for s in states[v]]

        def answer(q):
            ev = q["evidence"]
            targets = [q["target"]] if task == "single" else [v for v in names if v not in ev]
            return {v: values(ie.query([v], evidence=ev, show_progress=False), v) for v in targets}
    send({"setup_ms": common.now_ms() - t0})
    for i, q in enumerate(queries):
        wall, cpu = [], []
        for _ in range(max(1, repeat)):
            sw = common.Stopwatch()
            got = answer(q)
            w, c = sw.elapsed()
            wall.append(w)
            cpu.append(c)
        msg = {"i": i, "wall_ms": common.median(wall), "cpu_ms": common.median(cpu)}
        if "posterior" in q:
            diff = 0.0
            for v, want in expected_answers(q, task).items():
                diff = max(diff, maxdiff(got[v], want) if v in got else float("inf"))
            msg["diff"] = diff
        else:
            msg["answers"] = got  # no reference: the parent compares the engines with each other
        send(msg)
    return {"done": len(queries)}


def summarize(status, messages, n_queries, clock, elapsed, anchor=None):
    """One engine x task: medians over the queries that completed (all of them unless the
    status is a failure). `anchor`: {query index: answers} of the anchor engine, for
    queries without reference answers."""
    setup = next((m["setup_ms"] for m in messages if "setup_ms" in m), None)
    per_query = [m for m in messages if "wall_ms" in m]
    diffs = []
    for m in per_query:
        if "diff" in m:
            diffs.append(m["diff"])
        elif anchor is not None and m["i"] in anchor:
            ref = anchor[m["i"]]
            diffs.append(max([maxdiff(m["answers"][v], ref[v]) for v in m["answers"] if v in ref] or [0.0]))
    out = {"status": status, "queries": n_queries, "queries_done": len(per_query),
           "setup_ms": setup, "elapsed_s": elapsed,
           "median_ms": common.median([m[clock + "_ms"] for m in per_query]),
           "wall_median_ms": common.median([m["wall_ms"] for m in per_query]),
           "cpu_median_ms": common.median([m["cpu_ms"] for m in per_query]),
           "max_abs_diff": max(diffs) if diffs else None}
    if status != "ok":
        out["error"] = status
    return out


def load_queries(name, queries_dir, pg_model, max_queries):
    """(queries document, source): the shared reference file, else DIR/NAME.json from
    --queries-dir (e.g. written by `credence bench NET --write-queries DIR`), else seeded
    queries generated here (no answers; the engines are checked against each other)."""
    ref = common.load_reference(name)
    if ref is not None:
        return ref, "reference"
    if queries_dir and os.path.exists(os.path.join(queries_dir, name + ".json")):
        with open(os.path.join(queries_dir, name + ".json")) as f:
            return json.load(f), "queries-dir"
    order = common.bif_variable_order(common.network_path(name))
    return common.generate_queries(pg_model, order, max_queries), "generated"


def run_credence(binary, name, queries_file, max_queries, timeout, clock="cpu", threads=1):
    """`credence bench --queries FILE --repeat 1 --clock CLOCK --threads N --json` on the
    same queries as the peers: one cold run per query, like the peers' first run."""
    cmd = [binary, "bench", common.network_path(name)] + (["--queries", queries_file] if queries_file else [])
    cmd += ["--max-queries", str(max_queries), "--repeat", "1", "--clock", clock, "--threads", str(threads), "--json"]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": "timeout"}
    try:
        result = json.loads(out.stdout)["networks"][name]
    except (ValueError, KeyError):
        return {"error": "exit %d: %s" % (out.returncode, out.stderr.strip()[-200:])}
    result["threads"] = threads
    result["command"] = " ".join(cmd)
    return result


def write_answered_queries(path, name, ref, queries, gum_bn):
    """Writes `queries` in the reference format (../shared/reference/README.md) with the
    target posterior and P(evidence) from pyAgrum's LazyPropagation, so that `credence
    bench --queries` runs exactly the peers' queries and is checked by an independent engine."""
    import pyagrum as gum
    out = []
    for q in queries:
        ie = gum.LazyPropagation(gum_bn)
        if hasattr(ie, "setNumberOfThreads"):
            ie.setNumberOfThreads(1)
        ie.setEvidence(q["evidence"])
        ie.addTarget(q["target"])
        ie.makeInference()
        out.append({"target": q["target"], "evidence": q["evidence"],
                    "posterior": ie.posterior(q["target"]).tolist(), "p_evidence": ie.evidenceProbability()})
    doc = {"network": name, "states": ref["states"], "queries": out,
           "reference": "pyAgrum %s LazyPropagation (bench_inference.py, generated queries)" % gum.__version__}
    with open(path, "w") as f:
        json.dump(doc, f)


def credence_commit(binary):
    """The git commit of the checkout the binary was built in (…/.build/release/credence)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(binary))))
    try:
        out = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        return out.stdout.strip() or None
    except OSError:
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--networks", nargs="*", default=DEFAULT_NETWORKS)
    ap.add_argument("--engines", nargs="*", default=ENGINES, choices=ENGINES)
    ap.add_argument("--tasks", nargs="*", default=TASKS, choices=TASKS)
    ap.add_argument("--max-queries", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=1, help="timed runs per query (median kept); default 1")
    ap.add_argument("--clock", choices=["cpu", "wall"], default="cpu",
                    help="clock of the tables and of median_ms (both are in the JSON); default cpu")
    ap.add_argument("--timeout", type=float, default=120,
                    help="seconds per engine x network x task (CPU seconds with --clock cpu); default 120")
    ap.add_argument("--give-up", type=int, default=2,
                    help="skip an engine x task on the remaining networks once it has run out of time or memory "
                         "on this many networks (0: never); default 2")
    ap.add_argument("--queries-dir", help="queries for networks without a reference file: DIR/NAME.json "
                                          "(e.g. from `credence bench NET --write-queries DIR`)")
    ap.add_argument("--mem-gib", type=float, default=8, help="address-space limit per child (GiB)")
    ap.add_argument("--json", help="write all figures to this file")
    ap.add_argument("--credence-json", help='Credence figures to merge: {"networks": {NAME: {"single_target_ms", '
                                            '"all_marginals_ms", "max_abs_diff"}}} (credence bench --json)')
    ap.add_argument("--credence", help="or: a credence binary, run network by network after the peers in this "
                                       "same invocation (`credence bench --queries REF --repeat 1 --clock CLOCK "
                                       "--threads N --json`)")
    ap.add_argument("--credence-threads", type=int, nargs="*", default=[1, 2],
                    help="with --credence: thread counts to run Credence with (the first is the one the ratios "
                         "use); default 1 2")
    ap.add_argument("--from-json", help="print the tables of an earlier run's JSON (merging --credence-json) "
                                        "instead of running anything")
    args = ap.parse_args()

    if args.from_json:
        with open(args.from_json) as f:
            doc = json.load(f)
        credence = None
        if args.credence_json:
            with open(args.credence_json) as f:
                credence = json.load(f).get("networks", {})
            for name, row in doc["networks"].items():
                if name in credence:
                    row["credence"] = credence[name]
        engines = [e for e in ENGINES if any(e in row for row in doc["networks"].values())]
        tasks = [t for t in TASKS if any(t in row.get(e, {}) for row in doc["networks"].values() for e in engines)]
        print_header(doc)
        print_tables(doc["networks"], engines, tasks,
                     credence is not None or any("credence" in r for r in doc["networks"].values()))
        return

    import pgmpy.inference  # noqa: F401  (imported once here; forked children inherit it)
    import pyagrum  # noqa: F401
    common.set_one_thread()

    credence = None
    if args.credence_json:
        with open(args.credence_json) as f:
            credence = json.load(f).get("networks", {})
    elif args.credence:
        credence = {}

    doc = {"machine": common.machine_note(), "clock": args.clock, "max_queries": args.max_queries,
           "command": " ".join([os.path.basename(sys.executable)] + sys.argv),
           "credence_commit": credence_commit(args.credence) if args.credence else None,
           "repeat": args.repeat,
           "timeout_s": args.timeout, "give_up": args.give_up, "mem_gib": args.mem_gib, "unit": "ms",
           "networks": {}}
    failures = {}  # (engine, task) -> networks where it ran out of time or memory
    for name in args.networks:
        common.log("%s: reading ..." % name)
        t = common.now_ms()
        pg_model = common.pgmpy_model(name)
        pgmpy_read_ms = common.now_ms() - t
        t = common.now_ms()
        gum_bn = common.pyagrum_model(name, pg_model)
        pyagrum_build_ms = common.now_ms() - t
        common.normalise_pgmpy_rows(pg_model)  # after the pyAgrum copy, which normalises on its own
        ref, source = load_queries(name, args.queries_dir, pg_model, args.max_queries)
        queries = ref["queries"][: args.max_queries]
        checked = "reference" if source == "reference" else \
            ("file" if queries and "posterior" in queries[0] else "engines")
        row = {"queries": len(queries), "nodes": len(ref["states"]), "queries_from": source,
               "answers_checked_against": {"reference": "reference posteriors",
                                           "file": "the queries file's posteriors",
                                           "engines": "the first engine that answered (%s)" % (args.engines or ["none"])[0]}[checked],
               "all_marginals_checked": all("all_marginals" in q for q in queries),
               "pgmpy_read_ms": pgmpy_read_ms, "pyagrum_build_ms": pyagrum_build_ms}
        for v, st in ref["states"].items():
            labels = [gum_bn.variable(v).label(i) for i in range(gum_bn.variable(v).domainSize())]
            if labels != st:
                raise SystemExit("%s: states of %s differ from the queries file: %s vs %s" % (name, v, labels, st))
        anchors = {}
        for engine in args.engines:
            row[engine] = {}
            for task in args.tasks:
                prior = row[engine].get("single", {}).get("status", "")
                failed_before = failures.get((engine, task), [])
                if task == "all" and prior in ("timeout", "out of memory", "not run"):
                    row[engine][task] = {"status": "not run", "error": "not run (single target: %s)" % prior}
                    continue
                if args.give_up and len(failed_before) >= args.give_up:
                    row[engine][task] = {"status": "not run", "error": "not run (out of time or memory on %s)"
                                         % ", ".join(failed_before)}
                    continue
                common.log("%s %s %s ..." % (name, engine, task))
                status, _, messages, elapsed = common.run_child(
                    measure, (engine, task, queries, ref["states"], pg_model, gum_bn, args.repeat),
                    args.timeout, args.mem_gib, args.clock)
                if checked == "engines" and task not in anchors:
                    anchors[task] = {m["i"]: m["answers"] for m in messages if "answers" in m}
                cell = summarize(status, messages, len(queries), args.clock, elapsed, anchors.get(task))
                row[engine][task] = cell
                if status in ("timeout", "out of memory"):
                    failures.setdefault((engine, task), []).append(name)
                common.log("  %s, median %s ms over %d/%d queries, max diff %s, %.0f s" % (
                    status, common.fmt_ms(cell["median_ms"]), cell["queries_done"], len(queries),
                    cell["max_abs_diff"], elapsed))
        if args.credence and not args.credence_json:
            qfile = {"reference": os.path.join(common.REFERENCE, name + ".json"),
                     "queries-dir": os.path.join(args.queries_dir or "", name + ".json")}.get(source)
            if qfile is None or checked != "reference" and "posterior" not in queries[0]:
                # Generated queries: give Credence the very same ones, with answers from
                # pyAgrum's LazyPropagation (computed here, untimed) to be checked against.
                qfile = os.path.join(tempfile.mkdtemp(prefix="credence-queries-"), name + ".json")
                common.log("%s: answering the generated queries with pyAgrum for Credence's check ..." % name)
                write_answered_queries(qfile, name, ref, queries, gum_bn)
                row["credence_queries"] = "the peers' generated queries, answers by pyAgrum LazyPropagation"
            runs = {}
            for threads in args.credence_threads:
                common.log("%s credence bench --threads %d ..." % (name, threads))
                runs[threads] = run_credence(args.credence, name, qfile, args.max_queries, args.timeout * 10,
                                             args.clock, threads)
            credence[name] = runs[args.credence_threads[0]]
            row["credence_by_threads"] = {str(t): r for t, r in runs.items()}
            c = credence[name]
            common.log("  credence: single %s ms, all %s ms, max diff %s" % (
                common.fmt_ms(c.get("single_target_ms")), common.fmt_ms(c.get("all_marginals_ms")),
                c.get("max_abs_diff", c.get("error"))))
        if credence is not None and name in credence:
            row["credence"] = credence[name]
        doc["networks"][name] = row
        del pg_model, gum_bn
        if args.json:
            with open(args.json, "w") as f:
                json.dump(doc, f, indent=1)
    doc["machine"]["load_average_at_end"] = common.load_average()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=1)
    print_header(doc)
    print_tables(doc["networks"], args.engines, args.tasks, credence is not None)


def print_header(doc):
    m = doc["machine"]
    print("%s, %s CPUs (%s), pyAgrum %s, pgmpy %s. Clock: %s time per query, median over queries; "
          "budget %g s and %g GiB per engine x network x task. Load average at start %s, at end %s." % (
              m["date"], m["cpus"], m["cpu"], m["pyagrum"], m["pgmpy"], "CPU" if doc["clock"] == "cpu" else "wall-clock",
              doc["timeout_s"], doc["mem_gib"], fmt_load(m.get("load_average_at_start")),
              fmt_load(m.get("load_average_at_end"))))
    if doc.get("command"):
        print("Command: `%s`%s." % (doc["command"], ", Credence at commit %s" % doc["credence_commit"]
                                    if doc.get("credence_commit") else ""))


def fmt_load(xs):
    return "/".join("%.1f" % x for x in xs) if xs else "?"


def cell(entry):
    if not entry:
        return "–"
    st = entry.get("status")
    if st == "ok":
        return common.fmt_ms(entry["median_ms"])
    if st == "not run":
        return "(skipped)"
    if st.startswith("timeout"):
        return "timeout"
    if st == "out of memory":
        return "out of memory"
    return "error" if st.startswith("error") else st


def label(name, row):
    return name if row.get("queries_from") == "reference" else name + " †"


def best(row, engines, prefix, task):
    cands = [(row[e][task]["median_ms"], e) for e in engines if e.startswith(prefix) and e in row
             and row[e].get(task, {}).get("status") == "ok"]
    return min(cands) if cands else (None, None)


GOALS = [("pyagrum", 2.0, "the best pyAgrum engine"), ("pgmpy", 10.0, "the best pgmpy engine")]


def print_verdicts(results, engines, tasks):
    """The issue's goals, network by network: Credence at least 2x faster than the faster
    pyAgrum engine and at least 10x faster than the faster pgmpy engine, per task."""
    ckeys = {"single": "single_target_ms", "all": "all_marginals_ms"}
    names = {"single": "Single target", "all": "All marginals"}
    print("\nGoals, network by network (ratio = peer median / Credence median, one thread):")
    for task in tasks:
        for prefix, goal, who in GOALS:
            met, missed, unanswered = [], [], []
            for name, row in results.items():
                cv = (row.get("credence") or {}).get(ckeys[task])
                peer, _ = best(row, engines, prefix, task)
                if cv is None:
                    continue
                if peer is None:
                    unanswered.append(name)
                    continue
                (met if peer / cv >= goal else missed).append((name, peer / cv))
            total = len(met) + len(missed)
            if total == 0:
                continue
            text = "- %s at least %gx faster than %s: " % (names[task], goal, who)
            span = ""
            if met:
                lo, hi = min(met, key=lambda m: m[1]), max(met, key=lambda m: m[1])
                span = "%.2fx %s to %.1fx %s" % (lo[1], lo[0], hi[1], hi[0]) if len(met) > 1 else "%.2fx %s" % lo[::-1]
            if not missed:
                text += "**met on all %d** compared (%s)" % (total, span)
            else:
                text += "**missed on %d of %d**: %s" % (len(missed), total, ", ".join("%s %.2fx" % m for m in missed))
                if met:
                    text += "; met on the other %d (%s)" % (len(met), span)
            if unanswered:
                text += "; no %s answer on %s, which Credence answers" % (prefix, ", ".join(unanswered))
            print(text + ".")


def print_tables(results, engines, tasks, with_credence):
    titles = {"single": "Single-target posterior P(target | evidence): median ms per query",
              "all": "All marginals (every variable without evidence): median ms per query"}
    ckeys = {"single": "single_target_ms", "all": "all_marginals_ms"}
    for task in tasks:
        print("\n#### %s\n" % titles[task])
        head = "| network | nodes | queries | " + " | ".join(ENGINE_TITLES[e] for e in engines) + " |"
        rule = "|---|---:|---:|" + "---:|" * len(engines)
        more = sorted({t for row in results.values() for t in (row.get("credence_by_threads") or {})
                       if int(t) != (row.get("credence") or {}).get("threads", 1)}, key=int)
        floor = with_credence and task == "all" and any(
            (row.get("credence") or {}).get("physicalFloorMs") is not None for row in results.values())
        if with_credence:
            head += " Credence | best pyAgrum / Credence | best pgmpy / Credence |"
            rule += "---:|---:|---:|"
            for t in more:
                head += " Credence, %s threads |" % t
                rule += "---:|"
            if floor:
                head += " physical floor | Credence / floor |"
                rule += "---:|---:|"
        print(head)
        print(rule)
        for name, row in results.items():
            line = "| %s | %d | %d | " % (label(name, row), row["nodes"], row["queries"])
            line += " | ".join(cell(row.get(e, {}).get(task)) for e in engines) + " |"
            if with_credence:
                c = row.get("credence") or {}
                cv = c.get(ckeys[task])
                bp, _ = best(row, engines, "pyagrum", task)
                bg, _ = best(row, engines, "pgmpy", task)
                line += " %s | %s | %s |" % (common.fmt_ms(cv) if cv is not None else c.get("error", "–"),
                                             common.fmt_ratio(bp, cv), common.fmt_ratio(bg, cv))
                for t in more:
                    ct = (row.get("credence_by_threads") or {}).get(t) or {}
                    line += " %s |" % (common.fmt_ms(ct[ckeys[task]]) if ckeys[task] in ct else ct.get("error", "–"))
                if floor:
                    f, r = c.get("physicalFloorMs"), c.get("floorRatio")
                    line += " %s | %s |" % (common.fmt_ms(f) if f is not None else "–",
                                            ("%.2f×" % r if r < 10 else "%.0f×" % r) if r is not None else "–")
            print(line)
    if with_credence:
        print_verdicts(results, engines, tasks)
    marked = [name for name, row in results.items() if row.get("queries_from") != "reference"]
    if marked:
        print("\n† no reference file: %s; answers checked against %s%s." % (
            ", ".join("%s (queries: %s)" % (n, results[n]["queries_from"]) for n in marked),
            "; ".join(sorted({results[n]["answers_checked_against"] for n in marked})),
            "; Credence ran %s" % "; ".join(sorted({results[n]["credence_queries"] for n in marked
                                                    if results[n].get("credence_queries")}))
            if any(results[n].get("credence_queries") for n in marked) else ""))
    notes, skipped = [], {}
    for name, row in results.items():
        for e in engines:
            for t in tasks:
                c = row.get(e, {}).get(t)
                if not c or c.get("status") in ("ok", None):
                    continue
                if c["status"] == "not run":
                    if not c["error"].startswith("not run (single target"):
                        skipped.setdefault((e, t, c["error"]), []).append(name)
                    continue
                text = "%s %s %s: %s after %d/%d queries" % (
                    name, ENGINE_TITLES[e], t, common.short_error(c["error"])[:160], c["queries_done"], c["queries"])
                if c.get("median_ms") is not None:
                    text += " (median of those %s ms)" % common.fmt_ms(c["median_ms"])
                notes.append(text)
    if notes:
        print("\nFailures: " + "; ".join(notes) + ".")
    for (e, t, why), names in skipped.items():
        print("\n%s %s %s: %s." % (ENGINE_TITLES[e], t, why.replace("not run", "not attempted", 1), ", ".join(names)))
    if any(c.get("status") == "not run" for row in results.values() for e in engines for c in
           (row.get(e) or {}).values()):
        print("\n(skipped): all marginals are not attempted when the single target already failed for lack of "
              "time or memory, nor after --give-up such failures on earlier networks.")
    print("\n#### Largest absolute difference from the reference (over both tasks)\n")
    head = "| network | " + " | ".join(ENGINE_TITLES[e] for e in engines) + " |"
    rule = "|---|" + "---:|" * len(engines)
    if with_credence:
        head += " Credence |"
        rule += "---:|"
    print(head)
    print(rule)
    for name, row in results.items():
        cells = []
        for e in engines:
            ds = [row[e][t]["max_abs_diff"] for t in tasks if e in row and t in row[e]
                  and row[e][t].get("max_abs_diff") is not None]
            cells.append("%.1e" % max(ds) if ds else "–")
        line = "| %s | %s |" % (label(name, row), " | ".join(cells))
        if with_credence:
            d = (row.get("credence") or {}).get("max_abs_diff")
            line += " %s |" % ("%.1e" % d if d is not None else "–")
        print(line)


if __name__ == "__main__":
    sys.exit(main())
