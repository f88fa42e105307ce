#!/usr/bin/env python3
"""Interoperability checked, not assumed.

Every shipped model (models/*.bn, ../shared/networks/*.bif and mildew.bif.gz) and a model
that `credence learn` writes from datasets/wa_churn.csv (numeric columns discretised) is
exported with `credence convert` to BIF, XMLBIF (.xml), Hugin NET and UAI. Each export is
read with pyAgrum and pgmpy, and their numbers are compared with Credence's own:

- CPTs: every entry of every CPT, against the tables of Credence's UAI export (Credence's
  layout: parents in order, the child fastest), variables and states matched by position
  (the exports keep Credence's order; BIF/XMLBIF/NET names are Credence's portable names).
- marginals: P(v) of up to four variables, and P(v | evidence) with one finding, from
  pyAgrum's LazyPropagation (one target at a time) and pgmpy's VariableElimination on the
  BIF export, against `credence query MODEL ... --json` on the original model.

Tolerance: 1e-6 absolute (pyAgrum stores probabilities as float32 when it reads a file).
Skipped, with the reason printed: pyAgrum on the UAI export of models with a CPT of two
or more parents (pyAgrum orders UAI rows with the first parent fastest, against the UAI
format), pgmpy on the UAI export (pgmpy's UAIReader builds a
Markov network, not a Bayesian network), and pgmpy on models whose reading takes too long
for a CI check (more than 10,000 CPT entries: barley, mildew; their BIF is still read by
pyAgrum). Exits 1 with a report of every mismatch, 0 when everything agrees.

Usage: check_interop.py [--credence .build/release/credence] [--models NAME ...] [--keep DIR]
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
NETWORKS = os.path.normpath(os.path.join(ROOT, "..", "shared", "networks"))
TOL = 1e-6
PGMPY_MAX_ENTRIES = 10_000
FORMATS = ["bif", "xml", "net", "uai"]


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()[:500]}")
    return r.stdout


def parse_uai(path):
    """Credence's own tables: (cards, scopes, tables) of a UAI BAYES file it wrote."""
    tokens = open(path).read().split()
    assert tokens[0] == "BAYES", path
    i = 1
    n = int(tokens[i]); i += 1
    cards = [int(t) for t in tokens[i:i + n]]; i += n
    nf = int(tokens[i]); i += 1
    scopes = []
    for _ in range(nf):
        k = int(tokens[i]); i += 1
        scopes.append([int(t) for t in tokens[i:i + k]]); i += k
    tables = []
    for s in scopes:
        m = int(tokens[i]); i += 1
        vals = np.array([float(t) for t in tokens[i:i + m]]); i += m
        tables.append(vals.reshape([cards[v] for v in s]))
    return cards, scopes, tables


def bif_names(path):
    """Portable and original names of a BIF export, in Credence's order."""
    text = open(path).read()
    portable, original, states, original_states = [], [], [], []
    for m in re.finditer(r"variable (\S+) \{(.*?)\n\}", text, re.S):
        name, body = m.group(1), m.group(2)
        st = [s.strip() for s in re.search(r"\{([^}]*)\}", body).group(1).split(",")]
        portable.append(name)
        states.append(st)
        on = re.search(r'property credence_name = "((?:[^"\\]|\\.)*)" ;', body)
        original.append(json.loads('"' + on.group(1).replace("\\x3D", "=") + '"') if on else name)
        os_ = re.search(r"property credence_outcomes = (.*) ;", body)
        original_states.append([json.loads(q.replace("\\x3D", "=")) for q in re.findall(r'"(?:[^"\\]|\\.)*"', os_.group(1))] if os_ else st)
    return portable, original, states, original_states


def arrange(arr, axis_vars, axis_states, want_vars, want_states):
    """`arr` (axes `axis_vars`, states per axis `axis_states`) in the layout of `want_vars`."""
    arr = np.transpose(np.asarray(arr, dtype=float), [axis_vars.index(v) for v in want_vars])
    for ax, v in enumerate(want_vars):
        have = [str(s) for s in axis_states[axis_vars.index(v)]]
        arr = np.take(arr, [have.index(s) for s in want_states[v]], axis=ax)
    return arr


class Checker:
    def __init__(self, credence, workdir):
        self.credence = credence
        self.workdir = workdir
        self.failures = []
        self.skips = []
        self.checked = 0

    def fail(self, model, what, detail):
        self.failures.append(f"{model}: {what}: {detail}")

    def compare(self, model, what, got, want):
        got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
        self.checked += 1
        if got.shape != want.shape:
            self.fail(model, what, f"shape {got.shape} != Credence's {want.shape}")
            return
        diff = float(np.max(np.abs(got - want))) if got.size else 0.0
        if not diff <= TOL:
            at = np.unravel_index(int(np.argmax(np.abs(got - want))), got.shape)
            self.fail(model, what, f"differs by {diff:.3g} at {tuple(int(i) for i in at)} ({got[at]!r} vs Credence {want[at]!r})")

    # --- Credence's own answers

    def credence_marginals(self, model, queries, names, states):
        """P(target | evidence) per query, states in Credence's order, by `credence query --json`."""
        answers = []
        for target, evidence in queries:
            cmd = [self.credence, "query", model, names[target], "--json"]
            for v, s in evidence:
                cmd += ["--evidence", f"{names[v]}={states[v][s]}"]
            doc = json.loads(run(cmd))
            answers.append(marginal_from_json(doc, states[target]))
        return answers

    def check_model(self, label, model):
        t0 = time.time()
        base = os.path.join(self.workdir, re.sub(r"\W", "_", label))
        paths = {}
        for f in FORMATS:
            paths[f] = f"{base}.{f}"
            run([self.credence, "convert", model, paths[f]])
        cards, scopes, tables = parse_uai(paths["uai"])
        portable, original, pstates, ostates = bif_names(paths["bif"])
        entries = sum(t.size for t in tables)
        n = len(cards)
        # A few marginals: the first, a middle and the last variable, with no evidence and
        # with the most likely state of the first root observed.
        targets = sorted({0, n // 2, n - 1, min(1, n - 1)})
        root = next(v for v in range(n) if len(scopes[v]) == 1)
        root_state = int(np.argmax(tables[root]))
        queries = [(t, []) for t in targets] + [(t, [(root, root_state)]) for t in targets if t != root]
        want = self.credence_marginals(model, queries, original, ostates)
        for f in FORMATS:
            self.check_pyagrum(label, f, paths[f], scopes, tables, portable, pstates, queries, want)
            self.check_pgmpy(label, f, paths[f], scopes, tables, portable, pstates, queries, want, entries)
        print(f"  {label}: {n} variables, {entries} CPT entries, {len(queries)} marginals, {time.time() - t0:.1f} s", flush=True)

    # --- pyAgrum

    def check_pyagrum(self, label, fmt, path, scopes, tables, names, states, queries, want):
        import pyagrum as gum
        if fmt == "uai" and any(len(sc) > 2 for sc in scopes):
            self.skip(label, "pyAgrum uai", "pyAgrum 3.3.1 orders UAI table rows with the first parent varying fastest, not the last as the UAI format specifies (its own UAI export does the same), so tables with two or more parents are read permuted; checked on models whose CPTs have at most one parent")
            return
        if fmt == "xml":  # pyAgrum knows XMLBIF by the extension .bifxml only
            shutil.copyfile(path, path[:-4] + ".bifxml")
            path = path[:-4] + ".bifxml"
        try:
            bn = gum.loadBN(path)
        except Exception as e:  # noqa: BLE001 - any refusal is a finding
            self.fail(label, f"pyAgrum {fmt}", f"cannot read the export: {str(e).strip()[:300]}")
            return
        n = len(names)
        if bn.size() != n:
            self.fail(label, f"pyAgrum {fmt}", f"{bn.size()} variables, Credence has {n}")
            return
        # UAI has no names: pyAgrum numbers the variables in file order.
        ids = [bn.idFromName(names[v]) for v in range(n)] if fmt != "uai" else list(range(n))
        pname = {bn.variable(i).name(): v for v, i in enumerate(ids)}
        want_states = {v: (states[v] if fmt != "uai" else None) for v in range(n)}
        for v in range(n):
            cpt = bn.cpt(ids[v])
            axis_vars = [pname[x] for x in reversed(cpt.names)]
            axis_states = [self.pyagrum_labels(bn, ids[u], fmt) for u in axis_vars]
            ws = {u: (want_states[u] if fmt != "uai" else axis_states[axis_vars.index(u)]) for u in scopes[v]}
            self.compare(label, f"pyAgrum {fmt} CPT of {names[v]}", arrange(cpt.toarray(), axis_vars, axis_states, scopes[v], ws), tables[v])
        # Marginals test the peer's inference on what it read; the CPTs above already show
        # each format was read right, so the marginals run on the BIF export only (munin1's
        # calibration takes pyAgrum tens of seconds a query).
        if fmt != "bif":
            return
        ie = gum.LazyPropagation(bn)
        for (target, evidence), w in zip(queries, want):
            ie.eraseAllEvidence()
            ie.eraseAllTargets()
            ie.addTarget(ids[target])
            for u, s in evidence:
                ie.addEvidence(ids[u], s if fmt == "uai" else self.pyagrum_labels(bn, ids[u], fmt).index(states[u][s]))
            ie.makeInference()
            p = ie.posterior(ids[target]).toarray()
            if fmt != "uai":
                labels = self.pyagrum_labels(bn, ids[target], fmt)
                p = [p[labels.index(s)] for s in states[target]]
            self.compare(label, f"pyAgrum {fmt} P({names[target]}{' | ' if evidence else ''}{', '.join(names[u] for u, _ in evidence)})", p, w)

    @staticmethod
    def pyagrum_labels(bn, i, fmt):
        return [str(s) for s in bn.variable(i).labels()]

    # --- pgmpy

    def check_pgmpy(self, label, fmt, path, scopes, tables, names, states, queries, want, entries):
        if fmt == "uai":
            self.skip(label, "pgmpy uai", "pgmpy's UAIReader reads UAI as a Markov network (factors, no CPTs)")
            return
        if entries > PGMPY_MAX_ENTRIES:
            self.skip(label, f"pgmpy {fmt}", f"{entries} CPT entries: pgmpy's pure-Python readers take minutes")
            return
        from pgmpy.readwrite import BIFReader, NETReader, XMLBIFReader
        reader = {"bif": BIFReader, "xml": XMLBIFReader, "net": NETReader}[fmt]
        try:
            model = reader(path).get_model()
        except Exception as e:  # noqa: BLE001 - any refusal is a finding
            self.fail(label, f"pgmpy {fmt}", f"cannot read the export: {type(e).__name__}: {str(e).strip()[:300]}")
            return
        index = {name: v for v, name in enumerate(names)}
        for v in range(len(names)):
            cpd = model.get_cpds(names[v])
            axis_vars = [index[x] for x in cpd.variables]
            axis_states = [cpd.state_names[x] for x in cpd.variables]
            self.compare(label, f"pgmpy {fmt} CPT of {names[v]}",
                         arrange(cpd.values, axis_vars, axis_states, scopes[v], {u: states[u] for u in scopes[v]}), tables[v])
        if fmt != "bif":
            return
        from pgmpy.inference import VariableElimination
        ve = VariableElimination(model)
        for (target, evidence), w in zip(queries, want):
            ev = {names[u]: states[u][s] for u, s in evidence}
            q = ve.query([names[target]], evidence=ev or None, show_progress=False)
            p = [q.values[q.state_names[names[target]].index(s)] for s in states[target]]
            self.compare(label, f"pgmpy bif P({names[target]}{' | ' if evidence else ''}{', '.join(ev)})", p, w)

    def skip(self, label, what, why):
        self.skips.append((label, what, why))


def marginal_from_json(doc, states):
    """The posterior of `credence query --json` (one target) as a list in state order."""
    # {"targets": [{"variable": ..., "probabilities": {"state": p, ...}}], ...} or similar;
    # find the first mapping whose keys are exactly the target's states.
    def walk(x):
        if isinstance(x, dict):
            if set(map(str, x.keys())) == set(states) and all(isinstance(y, (int, float)) for y in x.values()):
                return [float(x[s]) for s in states]
            if "states" in x and "probabilities" in x and list(x["states"]) == list(states):
                return [float(p) for p in x["probabilities"]]
            for y in x.values():
                r = walk(y)
                if r is not None:
                    return r
        elif isinstance(x, list):
            for y in x:
                r = walk(y)
                if r is not None:
                    return r
        return None
    r = walk(doc)
    if r is None:
        raise RuntimeError(f"no posterior over {states} in credence's JSON: {json.dumps(doc)[:300]}")
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--credence", default=os.path.join(ROOT, ".build", "release", "credence"))
    ap.add_argument("--models", nargs="*", help="labels to check (default: all)")
    ap.add_argument("--keep", help="write the exports here and keep them")
    args = ap.parse_args()
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")

    workdir = args.keep or tempfile.mkdtemp(prefix="credence-interop-")
    os.makedirs(workdir, exist_ok=True)
    checker = Checker(args.credence, workdir)
    t0 = time.time()
    try:
        learned = os.path.join(workdir, "wa_churn_learned.bn")
        run([args.credence, "learn", os.path.join(ROOT, "datasets", "wa_churn.csv"), "--max-parents", "2", "--output", learned])
        models = [(os.path.basename(p), p) for p in sorted(glob.glob(os.path.join(ROOT, "models", "*.bn")))]
        # Influence diagrams (utility statements) cannot go to BIF or UAI: bench_decisions.py
        # checks them against pyAgrum's LIMID solver instead.
        models = [(l, p) for l, p in models if not re.search(r"^utility ", open(p, encoding="utf-8").read(), re.M)]
        models += [(os.path.basename(p), p) for p in sorted(glob.glob(os.path.join(NETWORKS, "*.bif")) + glob.glob(os.path.join(NETWORKS, "*.bif.gz")))]
        models.append(("wa_churn learned", learned))
        if args.models:
            models = [m for m in models if any(w in m[0] for w in args.models)]
        print(f"check_interop: {len(models)} models x {FORMATS} with pyAgrum and pgmpy (tolerance {TOL})", flush=True)
        for label, path in models:
            try:
                checker.check_model(label, path)
            except Exception as e:  # noqa: BLE001 - report and go on
                checker.fail(label, "export", str(e))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    skipped = {}
    for label, what, why in checker.skips:
        skipped.setdefault((what, why if "CPT entries" not in why else "pgmpy's pure-Python readers take minutes on models over 10,000 CPT entries"), []).append(label)
    for (what, why), labels in sorted(skipped.items()):
        print(f"skipped: {what} for {', '.join(labels)}: {why}")
    print(f"check_interop: {checker.checked} comparisons, {len(checker.failures)} mismatches, {time.time() - t0:.0f} s")
    for f in checker.failures:
        print(f"MISMATCH {f}")
    sys.exit(1 if checker.failures else 0)


if __name__ == "__main__":
    main()
