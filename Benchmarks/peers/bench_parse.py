#!/usr/bin/env python3
"""BIF parse time of pgmpy and pyAgrum on every network of ../shared/networks.

Per network (every *.bif and *.bif.gz): pgmpy `BIFReader(path).get_model()` and pyAgrum
`gum.loadBN(path)`, each timed --repeat times after one untimed warm-up read (the median
is reported, in ms; CPU time of the process by default, --clock wall for the wall clock,
both in the JSON). A .bif.gz is decompressed once to a temporary .bif before timing
(neither reader takes gzip), so its figure is the parse of the plain text. Each
library x network runs in a child process with a time (--timeout) and memory limit;
failures (pyAgrum on child.bif) are reported as "FAIL: message".

  Benchmarks/peers/setup.sh
  Benchmarks/peers/.venv/bin/python Benchmarks/peers/bench_parse.py --json parse.json
  # with Credence's own figures (ParseBench --output FILE, or any JSON with
  # {"networks": {NAME: {"parse_ms": x}}}) merged in as a column, with ratios:
  Benchmarks/peers/.venv/bin/python Benchmarks/peers/bench_parse.py \
      --credence-json Benchmarks/results/parse.json
"""
import argparse
import json
import os
import sys

import common

LIBS = ["pgmpy", "pyagrum"]


def measure(send, lib, path, repeat, clock):
    if lib == "pgmpy":
        from pgmpy.readwrite import BIFReader

        def read():
            return BIFReader(path).get_model()

        def shape(m):
            return len(m.nodes()), len(m.edges())
    else:
        import pyagrum as gum
        common.set_one_thread()

        def read():
            return gum.loadBN(path)

        def shape(bn):
            return bn.size(), bn.sizeArcs()
    model = read()  # warm-up (imports, caches), untimed
    wall, cpu = [], []
    for _ in range(repeat):
        sw = common.Stopwatch()
        model = read()
        w, c = sw.elapsed()
        wall.append(w)
        cpu.append(c)
    nodes, edges = shape(model)
    chosen = cpu if clock == "cpu" else wall
    return {"parse_ms": common.median(chosen), "min_ms": min(chosen), "wall_median_ms": common.median(wall),
            "cpu_median_ms": common.median(cpu), "runs": repeat, "nodes": nodes, "edges": edges}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--networks", nargs="*", help="names (default: every file in ../shared/networks)")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per library x network (median kept)")
    ap.add_argument("--clock", choices=["cpu", "wall"], default="cpu",
                    help="clock of parse_ms and the table (both are in the JSON); default cpu")
    ap.add_argument("--timeout", type=float, default=300, help="seconds per library x network (CPU seconds with --clock cpu)")
    ap.add_argument("--mem-gib", type=float, default=8)
    ap.add_argument("--json", help="write the results to this file")
    ap.add_argument("--credence-json", help='Credence figures: {"networks": {NAME: {"parse_ms": x}}}')
    ap.add_argument("--from-json", help="print the table of an earlier run's JSON (merging --credence-json) "
                                        "instead of running anything")
    args = ap.parse_args()

    credence = None
    if args.credence_json:
        with open(args.credence_json) as f:
            credence = json.load(f).get("networks", {})
    if args.from_json:
        with open(args.from_json) as f:
            doc = json.load(f)
        print_header(doc)
        print_table(doc["networks"], credence)
        return

    files = common.network_files()
    names = args.networks or sorted(files, key=lambda n: os.path.getsize(files[n]))
    # import both libraries once here, so that forked children do not time imports
    import pgmpy.readwrite  # noqa: F401
    import pyagrum  # noqa: F401

    machine = common.machine_note()
    results = {}
    for name in names:
        path = files.get(name) or common.network_path(name)
        row = {"file": os.path.basename(path), "bytes": os.path.getsize(path)}
        if path.endswith(".gz"):
            import gzip
            with gzip.open(path, "rb") as f:
                row["plain_bytes"] = len(f.read())
        with common.PlainBIF(path) as plain:
            for lib in LIBS:
                common.log("parse %s %s ..." % (name, lib))
                status, value, _, _ = common.run_child(measure, (lib, plain, args.repeat, args.clock), args.timeout,
                                                         args.mem_gib, args.clock)
                if status == "ok":
                    row[lib] = value
                else:
                    row[lib] = {"error": "FAIL: " + common.short_error(status)}
        results[name] = row
    doc = {"machine": machine, "clock": args.clock, "repeat": args.repeat, "unit": "ms",
           "networks": results}
    doc["machine"]["load_average_at_end"] = common.load_average()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=1)
    print_header(doc)
    print_table(results, credence)


def print_header(doc):
    m = doc["machine"]
    print("%s, %s CPUs (%s), pyAgrum %s, pgmpy %s. Clock: %s time, median of %d runs after a warm-up. "
          "Load average at start %s, at end %s.\n" % (
              m["date"], m["cpus"], m["cpu"], m["pyagrum"], m["pgmpy"], "CPU" if doc["clock"] == "cpu" else "wall-clock",
              doc["repeat"], "/".join("%.1f" % x for x in m.get("load_average_at_start") or []),
              "/".join("%.1f" % x for x in m.get("load_average_at_end") or [])))


def cell(entry):
    if entry is None:
        return "–"
    if "error" in entry:
        return entry["error"].replace("|", "\\|")
    return common.fmt_ms(entry["parse_ms"])


def print_table(results, credence):
    head = "| network | file bytes | pgmpy BIFReader ms | pyAgrum loadBN ms |"
    rule = "|---|---:|---:|---:|"
    if credence is not None:
        head += " Credence ms | pgmpy / Credence | pyAgrum / Credence |"
        rule += "---:|---:|---:|"
    print(head)
    print(rule)
    for name, row in results.items():
        size = "{:,}".format(row["bytes"])
        if row["file"].endswith(".gz"):
            plain = row.get("plain_bytes")
            size += " (gzip%s)" % (", {:,} plain".format(plain) if plain else "")
        line = "| %s | %s | %s | %s |" % (name, size, cell(row.get("pgmpy")), cell(row.get("pyagrum")))
        if credence is not None:
            c = (credence.get(name) or {}).get("parse_ms")
            ratios = [common.fmt_ratio((row.get(lib) or {}).get("parse_ms"), c) for lib in LIBS]
            line += " %s | %s | %s |" % (common.fmt_ms(c), ratios[0], ratios[1])
        print(line)


if __name__ == "__main__":
    sys.exit(main())
