"""Prototype (issue 13): a derived index column, a linear combination of numeric columns,
constructed automatically on each outer training fold of bench_classify.py and appended to the
fold's training and held-out CSVs before main's `credence learn --target` and `credence score`.

Rules (the index is built from the training rows only):

  none      no index: credence as is (baseline on the same folds)
  a-raw     greedy forward sum: start from the numeric column whose MDL (Fayyad-Irani) bins
            carry the most information about T; add the column x (coefficient +1 or -1, the
            sign of x's slope in a logistic regression of T on [index, x]) that most increases
            the information n*I(T; MDL bins of index + c*x); stop when the gain is below ln n
            nats (BIC for one more coefficient)
  a-lr      as a-raw, but the coefficient c is the ratio of the two slopes of that 2-D logistic
            regression (b_x / b_index): a scale-free weight
  b-all     the direction of an L2 logistic regression (C=1) on all standardised numeric
            columns (single-index model; Li & Duan 1989), in raw units
  b-a       as b-all, restricted to the columns a-lr selected

  Benchmarks/peers/.venv/bin/python Benchmarks/peers/prototypes/derived_index.py \
      --credence /work/main/.build/release/credence --table mlc_churn --rules none a-raw a-lr b-all b-a
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import bench_classify as bc  # noqa: E402  (pins thread pools via common)

import numpy as np  # noqa: E402


# ---------------------------------------------------------------------------------------------
# MDL discretisation (Fayyad & Irani 1993) and the information of its bins

def _entropy(counts):
    n = counts.sum()
    if n == 0:
        return 0.0
    p = counts[counts > 0] / n
    return float(-(p * np.log2(p)).sum())


def mdl_cuts(x, y):
    """Cut points of x against binary y by Fayyad-Irani's MDL rule (recursive)."""
    order = np.argsort(x, kind="stable")
    xs, ys = x[order], y[order]
    cuts = []

    def split(lo, hi):
        n = hi - lo
        if n < 2:
            return
        seg_y = ys[lo:hi]
        seg_x = xs[lo:hi]
        pos = np.cumsum(seg_y)
        total_pos = pos[-1]
        idx = np.nonzero(seg_x[1:] != seg_x[:-1])[0]  # cut after position idx
        if len(idx) == 0:
            return
        left_n = idx + 1
        left_pos = pos[idx]
        right_n = n - left_n
        right_pos = total_pos - left_pos

        def h(k, m):
            with np.errstate(divide="ignore", invalid="ignore"):
                p = np.where(m > 0, k / np.maximum(m, 1), 0)
                e = -(np.where(p > 0, p * np.log2(np.where(p > 0, p, 1)), 0)
                      + np.where(p < 1, (1 - p) * np.log2(np.where(p < 1, 1 - p, 1)), 0))
            return e
        ent = (left_n * h(left_pos, left_n) + right_n * h(right_pos, right_n)) / n
        best = int(np.argmin(ent))
        e_s = _entropy(np.array([n - total_pos, total_pos]))
        gain = e_s - ent[best]
        i = idx[best]
        l_counts = np.array([left_n[best] - left_pos[best], left_pos[best]])
        r_counts = np.array([right_n[best] - right_pos[best], right_pos[best]])
        k = int((np.array([n - total_pos, total_pos]) > 0).sum())
        k1, k2 = int((l_counts > 0).sum()), int((r_counts > 0).sum())
        delta = np.log2(3 ** k - 2) - (k * e_s - k1 * _entropy(l_counts) - k2 * _entropy(r_counts))
        if gain > (np.log2(n - 1) + delta) / n:
            cuts.append((seg_x[i] + seg_x[i + 1]) / 2)
            split(lo, lo + i + 1)
            split(lo + i + 1, hi)

    split(0, len(xs))
    return sorted(cuts)


def information(x, y):
    """n * I(Y; MDL bins of x), in nats, over rows where x is known."""
    ok = ~np.isnan(x)
    x, y = x[ok], y[ok]
    cuts = mdl_cuts(x, y)
    b = np.searchsorted(np.array(cuts), x) if cuts else np.zeros(len(x), dtype=int)
    n = len(x)
    h_y = _entropy(np.bincount(y, minlength=2)) * np.log(2)
    h_cond = 0.0
    for v in np.unique(b):
        m = b == v
        h_cond += m.sum() / n * _entropy(np.bincount(y[m], minlength=2)) * np.log(2)
    return n * (h_y - h_cond), cuts


# ---------------------------------------------------------------------------------------------
# Index rules

def _lr_slopes(cols, y, C=1e6):
    from sklearn.linear_model import LogisticRegression
    X = np.column_stack(cols)
    mu, sd = X.mean(0), X.std(0)
    sd[sd == 0] = 1
    m = LogisticRegression(C=C, max_iter=10000).fit((X - mu) / sd, y)
    return m.coef_[0] / sd


def numeric_matrix(table, rows):
    return {c: table.X[c].to_numpy(dtype=float)[rows] for c in table.numeric}


def greedy(table, train, y, coefficient):
    cols = numeric_matrix(table, train)
    cols = {c: v for c, v in cols.items() if not np.isnan(v).any() and np.unique(v).size > 2}
    n = len(y)
    scored = {c: information(v, y)[0] for c, v in cols.items()}
    first = max(scored, key=scored.get)
    terms = [(first, 1.0)]
    index = cols[first].copy()
    info = scored[first]
    while True:
        best = None
        for c, v in cols.items():
            if any(c == t for t, _ in terms):
                continue
            b_idx, b_x = _lr_slopes([index, v], y)
            if b_idx == 0:
                continue
            ratio = b_x / b_idx
            coef = np.sign(ratio) if coefficient == "raw" else ratio
            if coef == 0:
                continue
            cand = index + coef * v
            i, _ = information(cand, y)
            if best is None or i > best[0]:
                best = (i, c, coef, cand)
        if best is None or best[0] - info < np.log(n):
            break
        info = best[0]
        terms.append((best[1], float(best[2])))
        index = best[3]
    return terms


def lr_direction(table, train, y, columns=None):
    cols = numeric_matrix(table, train)
    names = [c for c in (columns or cols) if np.unique(cols[c][~np.isnan(cols[c])]).size > 1]
    X = [np.where(np.isnan(cols[c]), np.nanmedian(cols[c]), cols[c]) for c in names]
    w = _lr_slopes(X, y, C=1.0)
    # Scale so the largest weight is 1 (the index's units do not matter to MDL bins).
    w = w / np.abs(w).max()
    return list(zip(names, map(float, w)))


def build(rule, table, train):
    y = table.y[train]
    if rule == "a-raw":
        return greedy(table, train, y, "raw")
    if rule == "a-lr":
        return greedy(table, train, y, "lr")
    if rule == "b-all":
        return lr_direction(table, train, y)
    if rule == "b-a":
        return lr_direction(table, train, y, [c for c, _ in greedy(table, train, y, "lr")])
    raise ValueError(rule)


def index_values(table, terms):
    v = np.zeros(len(table.y))
    for c, w in terms:
        v = v + w * table.X[c].to_numpy(dtype=float)
    return v


def write_with_index(table, path, rows, values):
    with open(path, "w", newline="") as f:
        f.write(table.header_line.rstrip("\r\n") + ',"derived_index"\n')
        for i in rows:
            cell = "" if np.isnan(values[i]) else repr(float(values[i]))
            f.write(table.row_lines[i].rstrip("\r\n") + "," + cell + "\n")


def run(rule, table, train, test, binary, tmp):
    tr, te = os.path.join(tmp, "train.csv"), os.path.join(tmp, "test.csv")
    model, scores = os.path.join(tmp, "m.bn"), os.path.join(tmp, "s.csv")
    terms = None
    if rule == "none":
        table.write_rows(tr, train)
        table.write_rows(te, test)
    else:
        terms = build(rule, table, train)
        values = index_values(table, terms)
        write_with_index(table, tr, train, values)
        write_with_index(table, te, test, values)
    bc._run([binary, "learn", tr, "--target", table.target, "--seed", "1", "--output", model, "--quiet"])
    bc._run([binary, "score", model, te, "--target", table.target, "--output", scores, "--quiet"])
    import csv
    col = "P(%s=%s)" % (table.target, table.positive)
    with open(scores, newline="") as f:
        p = np.array([float(r[col]) if r[col] != "" else np.nan for r in csv.DictReader(f)])
    p[np.isnan(p)] = table.y[train].mean()
    uses = "derived_index" in open(model).read()
    return bc.metrics(table.y[test], p), terms, uses


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--credence", required=True)
    ap.add_argument("--table", default="mlc_churn", choices=list(bc.TABLES))
    ap.add_argument("--rules", nargs="+", default=["none", "a-raw", "a-lr", "b-all", "b-a"])
    ap.add_argument("--folds", type=int, default=10)
    a = ap.parse_args()
    table = bc.Table(a.table, bc.TABLES[a.table])
    splits = bc.folds(table, a.folds, 1)
    print("| rule | AUC | log loss | folds using the index | index (fold 1) |")
    print("|---|---|---|---|---|")
    for rule in a.rules:
        aucs, lls, used, first = [], [], 0, None
        for k, (train, test) in enumerate(splits):
            with tempfile.TemporaryDirectory() as tmp:
                m, terms, uses = run(rule, table, train, test, a.credence, tmp)
            aucs.append(m["auc"]); lls.append(m["log_loss"]); used += uses
            if k == 0:
                first = terms
            print("  %s fold %d: auc %.4f ll %.4f %s" % (rule, k + 1, m["auc"], m["log_loss"], terms),
                  file=sys.stderr, flush=True)
        desc = "-" if first is None else " ".join("%+.3g*%s" % (w, c) for c, w in first)
        print("| %s | %.4f | %.4f | %d/%d | %s |" % (rule, np.mean(aucs), np.mean(lls), used,
                                                      len(splits), desc), flush=True)


if __name__ == "__main__":
    main()
