#!/usr/bin/env python3
"""Classification on real customer tables: Credence beside scikit-learn and pyAgrum, on the
same stratified folds (issue 13, item 5).

Tables (datasets/, exported from Debian's r-cran-modeldata by datasets/export_modeldata.sh);
the target column and its positive class are fixed here, per table:

  wa_churn     IBM telco churn, 7,043 rows, target `churn`, positive `Yes`; 11 empty cells
  mlc_churn    MLC++ telecom churn, 5,000 rows, target `churn`, positive `yes`; no gaps
  credit_data  bank credit, 4,454 rows, target `Status`, positive `bad`; 455 empty cells in
               415 rows (natural gaps: Income, Assets, Debt, Home, Job, Marital)

Every method sees the same split: sklearn StratifiedKFold(n_splits=FOLDS, shuffle=True,
random_state=SEED) over the table's rows, stratified on the target. Per fold each method is
fitted on the training rows and predicts P(positive) for the held-out rows.

  lr        scikit-learn LogisticRegression(C=1.0, lbfgs, L2, max_iter=10000) in a pipeline:
            numeric columns median-imputed and standardised, text columns imputed with the
            most frequent value and one-hot encoded (unknown categories ignored). The
            imputation is there only because LogisticRegression refuses NaN.
  hgb       scikit-learn HistGradientBoostingClassifier, default hyper-parameters,
            random_state=SEED; text columns as pandas categories (native categorical
            splits, categorical_features="from_dtype"), empty cells left as NaN.
  pyagrum   pyagrum.skbn BNClassifier from createBNClassifier() with its defaults (MIIC,
            BIC, quantile discretisation into 5 bins of numeric columns with more than 25
            values). predict_proba is what a user gets: for two classes pyAgrum maps its
            posterior piecewise-linearly so that 0.5 falls on the ROC-chosen threshold
            (AUC unchanged, log loss and Brier not). The same fit's posterior before that
            map is reported too, as "pyagrum, raw posterior". If its discretiser gives a
            column one bin ("gave only 1 bin ... increasing the number of bins"), the
            number of bins of that column is doubled until it works, as the error says, and
            the change is recorded. If fit refuses NaN, the refusal and its text are
            recorded and it is run again on the complete-case training rows ("pyagrum,
            complete-case rows"); its predict_proba refuses NaN as well, so held-out rows
            with an empty cell get the training fold's share of positives (counted; passed
            through the same map in the default output, so both outputs rank alike).
  credence  the CLI: the fold's training and held-out rows are written as CSV files, byte
            for byte the original lines (empty cells stay empty), then
              credence learn TRAIN.csv LEARN_ARGS --output M.bn --quiet
              credence score M.bn TEST.csv --target T --output S.csv --quiet
            and P(T=positive) is read from S.csv's column `P(T=positive)`, row by row
            (S.csv's `row` is checked to run 1..n). LEARN_ARGS (--credence-learn-args,
            `{target}` replaced by the target column) default to `--target {target}`.
            A row score leaves empty (findings impossible under the model) gets the
            training share of positives, counted as "unscored".

Metrics per fold, positive class as above: ROC AUC, log loss (probabilities clipped to
[1e-15, 1 - 1e-15]), Brier score, accuracy of "positive when P >= 0.5", and seconds to fit
and predict (CPU time by default: this process's for the Python methods, the two child
processes' for Credence; --clock wall for the wall clock; both are in the JSON). For tables
with gaps the same metrics are also computed over the held-out rows without an empty cell
(JSON `complete_rows`, and a second markdown table), where every method predicts from
the same cells.

One thread: common.py pins OpenMP/BLAS pools (HistGradientBoosting's included) to one
thread and pyAgrum's pool is set to one.

  Benchmarks/peers/.venv/bin/python Benchmarks/peers/bench_classify.py \\
      --credence .build/release/credence --json classify.json --markdown classify.md
"""
import argparse
import csv
import io
import json
import math
import os
import re
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import warnings

import common  # before numpy, sklearn and pyagrum: one thread

import numpy as np
import pandas as pd

REPO = os.path.normpath(os.path.join(common.HERE, "..", ".."))
DATASETS = os.path.join(REPO, "datasets")

TABLES = {
    "wa_churn": {"file": "wa_churn.csv", "target": "churn", "positive": "Yes",
                 "what": "IBM telco churn (r-cran-modeldata wa_churn)"},
    "mlc_churn": {"file": "mlc_churn.csv", "target": "churn", "positive": "yes",
                  "what": "MLC++ telecom churn (r-cran-modeldata mlc_churn)"},
    "credit_data": {"file": "credit_data.csv", "target": "Status", "positive": "bad",
                    "what": "bank credit customers (r-cran-modeldata credit_data)"},
}
METHODS = ["lr", "hgb", "pyagrum", "credence"]
LR_C = 1.0
LR_MAX_ITER = 10000
CLIP = 1e-15


# ---------------------------------------------------------------------------------------------
# Data

class Table:
    """One CSV: its raw lines (to write folds byte for byte), the cells as text, a pandas
    frame (numbers as float, text as object, empty cells NaN), the target as 0/1."""

    def __init__(self, name, spec):
        self.name, self.spec = name, spec
        self.path = os.path.join(DATASETS, spec["file"])
        with open(self.path, newline="") as f:
            text = f.read()
        records = list(csv.reader(io.StringIO(text)))
        lines = text.splitlines(keepends=True)
        if len(lines) != len(records):
            raise SystemExit("%s: a quoted cell spans lines; cannot copy rows as lines" % self.path)
        self.header_line, self.row_lines = lines[0], lines[1:]
        if not self.header_line.endswith("\n"):
            self.header_line += "\n"
        if self.row_lines and not self.row_lines[-1].endswith("\n"):
            self.row_lines[-1] += "\n"
        self.columns = records[0]
        cells = records[1:]
        self.target = spec["target"]
        if self.target not in self.columns:
            raise SystemExit("%s: no column %r" % (self.path, self.target))
        ti = self.columns.index(self.target)
        labels = [r[ti] for r in cells]
        classes = sorted(set(labels))
        if spec["positive"] not in classes or len(classes) != 2:
            raise SystemExit("%s: target %r has classes %s; expected two, one of them %r"
                             % (self.path, self.target, classes, spec["positive"]))
        self.positive = spec["positive"]
        self.labels = np.array(labels, dtype=object)
        self.y = (self.labels == self.positive).astype(int)
        frame = {}
        self.numeric, self.categorical = [], []
        for j, col in enumerate(self.columns):
            if j == ti:
                continue
            raw = [r[j] for r in cells]
            try:
                values = [float(v) if v != "" else np.nan for v in raw]
                frame[col] = pd.Series(values, dtype="float64")
                self.numeric.append(col)
            except ValueError:
                frame[col] = pd.Series([v if v != "" else np.nan for v in raw], dtype="object")
                self.categorical.append(col)
        self.X = pd.DataFrame(frame)
        self.complete = self.X.notna().all(axis=1).to_numpy()
        self.missing_cells = int(self.X.isna().sum().sum())

    def write_rows(self, path, index):
        with open(path, "w", newline="") as f:
            f.write(self.header_line)
            for i in index:
                f.write(self.row_lines[i])


def folds(table, k, seed):
    from sklearn.model_selection import StratifiedKFold
    skf = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    return list(skf.split(np.zeros(len(table.y)), table.y))


# ---------------------------------------------------------------------------------------------
# Metrics

def metrics(y, p):
    from sklearn.metrics import roc_auc_score
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    q = np.clip(p, CLIP, 1 - CLIP)
    out = {"n": int(len(y)),
           "log_loss": float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q))),
           "brier": float(np.mean((p - y) ** 2)),
           "accuracy": float(np.mean((p >= 0.5) == (y == 1)))}
    out["auc"] = float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else None
    return out


class Clock:
    """Wall and CPU seconds; CPU includes waited-for child processes (Credence's CLI)."""

    def __init__(self):
        self.wall = time.perf_counter()
        self.cpu = time.process_time()
        self.child = self._children()

    @staticmethod
    def _children():
        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        return r.ru_utime + r.ru_stime

    def elapsed(self):
        return {"wall": time.perf_counter() - self.wall,
                "cpu": (time.process_time() - self.cpu) + (self._children() - self.child)}


# ---------------------------------------------------------------------------------------------
# Methods: each returns a list of (method label, result dict); a result holds either "p"
# (P(positive) for the held-out rows, in order) and "seconds", or "error".

def run_lr(table, train, test, seed):
    from sklearn.compose import ColumnTransformer
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    pre = ColumnTransformer([
        ("num", Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]), table.numeric),
        ("cat", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                          ("onehot", OneHotEncoder(handle_unknown="ignore"))]), table.categorical),
    ])
    model = Pipeline([("pre", pre), ("lr", LogisticRegression(C=LR_C, max_iter=LR_MAX_ITER))])
    clock = Clock()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        model.fit(table.X.iloc[train], table.y[train])
        p = model.predict_proba(table.X.iloc[test])[:, list(model.classes_).index(1)]
    seconds = clock.elapsed()
    res = {"p": p, "seconds": seconds, "iterations": int(model.named_steps["lr"].n_iter_[0])}
    if any(issubclass(w.category, ConvergenceWarning) for w in caught):
        res["warning"] = "did not converge"
    return [("lr", res)]


def run_hgb(table, train, test, seed):
    from sklearn.ensemble import HistGradientBoostingClassifier
    X = table.X.copy()
    for col in table.categorical:
        X[col] = pd.Categorical(X[col])  # categories from the whole table: no label is used
    model = HistGradientBoostingClassifier(random_state=seed)
    clock = Clock()
    model.fit(X.iloc[train], table.y[train])
    p = model.predict_proba(X.iloc[test])[:, list(model.classes_).index(1)]
    seconds = clock.elapsed()
    return [("hgb", {"p": p, "seconds": seconds, "iterations": int(model.n_iter_)})]


ONE_BIN = re.compile(r"for the variable (.+?)\s*gave only 1 bin")


def _pyagrum_fit(table, rows):
    """createBNClassifier() defaults; a column the discretiser leaves with one bin gets twice
    the bins (5, 10, 20, 40), as pyAgrum's error advises. Returns (classifier, adjustments)."""
    import pyagrum.skbn as skbn
    from pyagrum.lib.discreteTypeProcessor import DiscreteTypeProcessor
    adjustments = {}
    while True:
        clf = skbn.createBNClassifier()
        for col, bins in adjustments.items():
            clf.type_processor.setDiscretizationParameters(col, "quantile", bins)
        try:
            clf.fit(table.X.iloc[rows], pd.Series(table.labels[rows], name=table.target))
            return clf, adjustments
        except ValueError as e:
            m = ONE_BIN.search(str(e))
            if not m or m.group(1) not in table.X.columns or adjustments.get(m.group(1), 5) >= 40:
                raise
            adjustments[m.group(1)] = adjustments.get(m.group(1), 5) * 2


def _pyagrum_shift(clf, positive, p_positive):
    """pyAgrum's predict_proba map for two classes (bnclassifier.py): the posterior p of its
    label_ goes to 0.5 p / t below the threshold t, else 0.5 + 0.5 (p - t) / (1 - t).
    Applied to P(positive) here, so that a fallback value is shifted like the predictions."""
    t = float(clf.threshold_)
    p = p_positive if positive == clf.label_ else 1.0 - p_positive
    shifted = 0.5 * p / t if p < t else 0.5 + 0.5 * (p - t) / (1.0 - t)
    return shifted if positive == clf.label_ else 1.0 - shifted


def run_pyagrum(table, train, test, seed):
    common.set_one_thread()
    out = []

    def attempt(label, rows, predict_mask, note):
        """Fit on `rows`, predict the held-out rows of predict_mask; the others get the
        training share of positives (shifted like a prediction for the default output).
        Returns an error dict, or the default result and the raw-posterior result."""
        X = table.X.iloc[test[predict_mask]]
        clock = Clock()
        try:
            clf, adjustments = _pyagrum_fit(table, rows)
            col = list(clf.classes_).index(table.positive)
            predicted = clf.predict_proba(X)[:, col] if len(X) else np.zeros(0)
        except Exception as e:  # recorded, not hidden
            return {"error": "%s: %s" % (type(e).__name__, str(e).strip().splitlines()[0][:300])}
        seconds = clock.elapsed()
        base_rate = float(table.y[rows].mean())
        p = np.full(len(test), _pyagrum_shift(clf, table.positive, base_rate))
        p[predict_mask] = predicted
        threshold = float(clf.threshold_)
        clf.threshold_ = 0.5  # the identity map: predict_proba returns the posterior itself
        raw = np.full(len(test), base_rate)
        if len(X):
            raw[predict_mask] = clf.predict_proba(X)[:, col]
            clf.threshold_ = threshold
            gap = max(abs(_pyagrum_shift(clf, table.positive, r) - q) for r, q in zip(raw[predict_mask], predicted))
            if gap > 1e-6:  # the map above is not pyAgrum's any more
                return {"error": "pyAgrum's predict_proba map changed (differs by %g)" % gap}
        res = {"p": p, "seconds": seconds, "threshold": threshold, "threshold_of": str(clf.label_),
               "markov_blanket": sorted(n for n in clf.MarkovBlanket_.names() if n != table.target)}
        if adjustments:
            res["discretisation_changed"] = {c: "quantile, %d bins (5 gave one bin)" % b for c, b in adjustments.items()}
        if note:
            res.update(note)
        raw_res = {"p": raw, "seconds": seconds, "derived_from": label}
        return res, raw_res

    everything = np.ones(len(test), dtype=bool)
    first = attempt("pyagrum", train, everything, None)
    if isinstance(first, dict):
        out.append(("pyagrum", first))
        if "NaN" in first["error"]:
            first["refuses"] = "refuses missing values"
            cc_train = train[table.complete[train]]
            predict_mask = table.complete[test]
            note = {"training_rows": int(len(cc_train)), "training_rows_dropped": int(len(train) - len(cc_train)),
                    "test_rows_given_base_rate": int((~predict_mask).sum())}
            second = attempt("pyagrum, complete-case rows", cc_train, predict_mask, note)
            if isinstance(second, dict):
                out.append(("pyagrum, complete-case rows", second))
            else:
                out.append(("pyagrum, complete-case rows", second[0]))
                out.append(("pyagrum, complete-case rows, raw posterior", second[1]))
    else:
        out.append(("pyagrum", first[0]))
        out.append(("pyagrum, raw posterior", first[1]))
    return out


def _run(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        msg = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
        raise RuntimeError("exit %d: %s" % (proc.returncode, " | ".join(msg[:3])[:400]))
    return proc


def run_credence(table, train, test, seed, binary, learn_args, workdir):
    tmp = tempfile.mkdtemp(prefix="classify-", dir=workdir)
    try:
        train_csv, test_csv = os.path.join(tmp, "train.csv"), os.path.join(tmp, "test.csv")
        model, scores = os.path.join(tmp, "model.bn"), os.path.join(tmp, "scores.csv")
        table.write_rows(train_csv, train)
        table.write_rows(test_csv, test)
        args = [a.replace("{target}", table.target) for a in shlex.split(learn_args)]
        learn = [binary, "learn", train_csv] + args + ["--output", model, "--quiet"]
        score = [binary, "score", model, test_csv, "--target", table.target, "--output", scores, "--quiet"]
        clock = Clock()
        try:
            _run(learn)
        except RuntimeError as e:
            return [("credence", {"error": "learn %s" % e, "command": " ".join(shlex.quote(c) for c in learn)})]
        try:
            _run(score)
        except RuntimeError as e:
            return [("credence", {"error": "score %s" % e, "command": " ".join(shlex.quote(c) for c in score)})]
        seconds = clock.elapsed()
        column = "P(%s=%s)" % (table.target, table.positive)
        with open(scores, newline="") as f:
            reader = csv.DictReader(f)
            if column not in (reader.fieldnames or []):
                return [("credence", {"error": "score wrote no column %r; columns: %s" % (column, reader.fieldnames)})]
            rows = list(reader)
        if len(rows) != len(test) or [r["row"] for r in rows] != [str(i + 1) for i in range(len(test))]:
            return [("credence", {"error": "score wrote %d rows for %d held-out rows (or out of order)"
                                           % (len(rows), len(test))})]
        fallback = float(table.y[train].mean())
        p = np.array([float(r[column]) if r[column] != "" else np.nan for r in rows])
        unscored = int(np.isnan(p).sum())
        p[np.isnan(p)] = fallback
        return [("credence", {"p": p, "seconds": seconds, "unscored": unscored,
                              "learn_args": " ".join(shlex.quote(a) for a in args)})]
    finally:
        if workdir is None:
            shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Report

def mean_std(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return None, None
    m = sum(xs) / len(xs)
    s = math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1)) if len(xs) > 1 else 0.0
    return m, s


def summarise(results, clock, subset="all_rows"):
    """{table: {method: summary}} from the per-fold records."""
    out = {}
    for tname, t in results["tables"].items():
        rows = {}
        for method in t["method_order"]:
            recs = [f["methods"].get(method) for f in t["folds"]]
            errors = [r["error"] for r in recs if r and "error" in r]
            ok = [r for r in recs if r and "error" not in r and subset in r]
            if not ok:
                rows[method] = {"error": errors[0] if errors else "not run"}
                continue
            s = {"folds": len(ok), "failed_folds": len(recs) - len(ok)}
            for key in ("auc", "log_loss", "brier", "accuracy"):
                s[key] = mean_std([r[subset][key] for r in ok])
            s["seconds"] = mean_std([r["seconds"][clock] for r in ok])
            if errors:
                s["error"] = errors[0]
            rows[method] = s
        out[tname] = rows
    return out


def fmt_pm(ms, digits=3):
    m, s = ms
    if m is None:
        return "–"
    return ("%." + str(digits) + "f ± %." + str(digits) + "f") % (m, s)


def markdown(results, clock):
    lines = []
    args = results["settings"]
    lines.append("Stratified %d-fold CV, seed %d; mean over folds ± standard deviation; seconds = mean %s "
                 "seconds to fit and predict one fold. Credence learn args: `%s`."
                 % (args["folds"], args["seed"], "CPU" if clock == "cpu" else "wall-clock", args["credence_learn_args"]))
    lines.append("")
    lines.append("| table | method | AUC | log loss | Brier | accuracy | seconds |")
    lines.append("|---|---|---|---|---|---|---|")
    summary = summarise(results, clock)
    for tname, rows in summary.items():
        t = results["tables"][tname]
        label = "%s (`%s` = %s)" % (tname, t["target"], t["positive"])
        for method, s in rows.items():
            if "auc" not in s:
                first = next(f["methods"][method] for f in t["folds"] if method in f["methods"])
                what = first.get("refuses", "fails")
                lines.append("| %s | %s | **%s**: %s | | | | |" % (label, method, what, s["error"].replace("|", "/")))
                continue
            note = ""
            if s["failed_folds"]:
                note = " (%d folds failed: %s)" % (s["failed_folds"], s["error"].replace("|", "/"))
            lines.append("| %s | %s%s | %s | %s | %s | %s | %.2f |" % (
                label, method, note, fmt_pm(s["auc"]), fmt_pm(s["log_loss"]), fmt_pm(s["brier"]),
                fmt_pm(s["accuracy"]), s["seconds"][0]))
    gaps = [t for t, v in results["tables"].items() if v["missing_cells"]]
    if gaps:
        lines.append("")
        lines.append("Held-out rows without an empty cell only (every method predicts from the same cells):")
        lines.append("")
        lines.append("| table | method | rows per fold | AUC | log loss | Brier |")
        lines.append("|---|---|---|---|---|---|")
        sub = summarise(results, clock, subset="complete_rows")
        for tname in gaps:
            t = results["tables"][tname]
            for method, s in sub[tname].items():
                if "auc" not in s:
                    continue
                n = mean_std([f["methods"][method]["complete_rows"]["n"] for f in t["folds"]
                              if "complete_rows" in f["methods"].get(method, {})])[0]
                lines.append("| %s | %s | %.0f | %s | %s | %s |" % (tname, method, n, fmt_pm(s["auc"]),
                                                                  fmt_pm(s["log_loss"]), fmt_pm(s["brier"])))
    notes = []
    for tname, t in results["tables"].items():
        for f in t["folds"]:
            for method, r in f["methods"].items():
                if r.get("refuses"):
                    notes.append("%s, %s: %s (%s)" % (tname, method, r["refuses"], r["error"]))
                    break
        seen = set()
        for f in t["folds"]:
            for method, r in f["methods"].items():
                for col, what in r.get("discretisation_changed", {}).items():
                    seen.add("%s, %s: column %s discretised with %s" % (tname, method, col, what))
                if r.get("unscored"):
                    seen.add("%s, %s: some held-out rows unscored (impossible findings), given the base rate"
                             % (tname, method))
                if r.get("warning"):
                    seen.add("%s, %s: %s" % (tname, method, r["warning"]))
        notes.extend(sorted(seen))
    if notes:
        lines.append("")
        lines.extend("- " + n for n in dict.fromkeys(notes))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tables", nargs="+", default=list(TABLES), choices=list(TABLES))
    ap.add_argument("--methods", nargs="+", default=METHODS, choices=METHODS)
    ap.add_argument("--folds", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--credence", default=os.path.join(REPO, ".build", "release", "credence"),
                    help="the credence binary (default: .build/release/credence of this checkout)")
    ap.add_argument("--credence-learn-args", default="--target {target}",
                    help="arguments of `credence learn` after TRAIN.csv; {target} is replaced by the target column "
                         "(default: %(default)s); write --credence-learn-args='...' when the value is one option")
    ap.add_argument("--clock", choices=["cpu", "wall"], default="cpu", help="seconds in the markdown table")
    ap.add_argument("--json", help="write every fold's figures here")
    ap.add_argument("--markdown", help="write the markdown table here too (it is always printed)")
    ap.add_argument("--keep", help="keep Credence's fold files (CSV, model, scores) under this folder")
    a = ap.parse_args()

    if "credence" in a.methods and not os.access(a.credence, os.X_OK):
        raise SystemExit("no credence binary at %s (use --credence PATH)" % a.credence)
    if a.keep:
        os.makedirs(a.keep, exist_ok=True)
    import sklearn
    results = {"settings": {"folds": a.folds, "seed": a.seed, "methods": a.methods,
                            "credence": a.credence, "credence_learn_args": a.credence_learn_args,
                            "lr": {"C": LR_C, "max_iter": LR_MAX_ITER, "solver": "lbfgs", "penalty": "l2"},
                            "hgb": "defaults, random_state=seed", "pyagrum": "createBNClassifier() defaults",
                            "log_loss_clip": CLIP, "accuracy": "positive when P >= 0.5"},
               "machine": dict(common.machine_note(), sklearn=sklearn.__version__, pandas=pd.__version__),
               "tables": {}}
    if "credence" in a.methods:
        v = subprocess.run([a.credence, "--version"], capture_output=True, text=True)
        results["settings"]["credence_version"] = v.stdout.strip()
    started = time.perf_counter()
    runners = {"lr": run_lr, "hgb": run_hgb, "pyagrum": run_pyagrum}
    for tname in a.tables:
        table = Table(tname, TABLES[tname])
        split = folds(table, a.folds, a.seed)
        t = {"file": os.path.relpath(table.path, REPO), "what": table.spec["what"], "rows": len(table.y),
             "target": table.target, "positive": table.positive, "positives": int(table.y.sum()),
             "numeric_columns": table.numeric, "categorical_columns": table.categorical,
             "missing_cells": table.missing_cells, "rows_with_gaps": int((~table.complete).sum()),
             "method_order": [], "folds": []}
        results["tables"][tname] = t
        common.log("%s: %d rows, %d positives (%s=%s), %d empty cells in %d rows" % (
            tname, len(table.y), table.y.sum(), table.target, table.positive, table.missing_cells,
            t["rows_with_gaps"]))
        for k, (train, test) in enumerate(split):
            fold = {"fold": k + 1, "train_rows": int(len(train)), "test_rows": int(len(test)),
                    "test_positives": int(table.y[test].sum()), "methods": {}}
            for method in a.methods:
                if method == "credence":
                    out = run_credence(table, train, test, a.seed, a.credence, a.credence_learn_args,
                                       a.keep and os.path.abspath(a.keep))
                else:
                    try:
                        out = runners[method](table, train, test, a.seed)
                    except Exception as e:
                        out = [(method, {"error": "%s: %s" % (type(e).__name__, str(e).strip()[:300])})]
                for label, res in out:
                    if "p" in res:
                        p = res.pop("p")
                        res["all_rows"] = metrics(table.y[test], p)
                        if table.missing_cells:
                            keep = table.complete[test]
                            res["complete_rows"] = metrics(table.y[test][keep], p[keep])
                    fold["methods"][label] = res
                    if label not in t["method_order"]:
                        t["method_order"].append(label)
                    shown = ("AUC %.4f  log loss %.4f  %.2f s" % (res["all_rows"]["auc"], res["all_rows"]["log_loss"],
                                                                res["seconds"][a.clock])
                             if "all_rows" in res else "ERROR " + res["error"])
                    common.log("  fold %2d  %-42s %s" % (k + 1, label, shown))
            t["folds"].append(fold)
    results["seconds_total"] = time.perf_counter() - started
    results["summary"] = summarise(results, a.clock)
    md = markdown(results, a.clock)
    md += "\nWhole run: %.0f s wall clock.\n" % results["seconds_total"]
    print(md, end="")
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(md)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
