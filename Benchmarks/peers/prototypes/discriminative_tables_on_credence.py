"""Prototype (issue 13): discriminative tables on the graph and bins that Credence's
`learn --target` (a release build before --parameters, or with --parameters generative) picks in
each training fold of bench_classify.py's folds: the fold's .bn is parsed (cuts, states,
parents), its graph refitted by counts (BDeu, ess by inner CV) and discriminatively (lam by
inner CV), and the held-out fold scored by each; "credence as is" is `credence score`.

  Benchmarks/peers/.venv/bin/python Benchmarks/peers/prototypes/discriminative_tables_on_credence.py \
      --table mlc_churn --credence /path/to/credence
"""
import sys, re, os, subprocess, time, argparse, json
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import discriminative_tables as proto
from discriminative_tables import *

CRED = None


def parse_bn(path, target):
    text = open(path).read()
    vars_ = {}
    order = []
    for m in re.finditer(r'^variable (\S+) \{(.*?)\}(?: cuts \[(.*?)\])?\s*$', text, re.M):
        name, states, cuts = m.group(1), m.group(2), m.group(3)
        sts = [s.strip().strip('"') for s in re.findall(r'"[^"]*"|[^,\s]+', states)]
        cuts = [float(c) for c in cuts.split(",")] if cuts and cuts.strip() else ([] if cuts is not None else None)
        vars_[name] = (sts, cuts); order.append(name)
    parents = {}
    for m in re.finditer(r'^P\((\S+?)(?: \| (.*?))?\)', text, re.M):
        parents[m.group(1)] = [p.strip() for p in m.group(2).split(",")] if m.group(2) else []
    return order, vars_, parents


def encode(table, order, vars_, parents, target):
    """Features with the class among their parents, coded with the .bn's cuts/states."""
    feats = [v for v in order if v != target and target in parents.get(v, [])]
    cards, codes = [], []
    for v in feats:
        sts, cuts = vars_[v]
        s = table.X[v]
        if cuts is not None:
            x = s.to_numpy(dtype=float)
            c = np.searchsorted(np.array(cuts), x, side="left").astype(int)
            c[np.isnan(x)] = -1
        else:
            m = {t: i for i, t in enumerate(sts)}
            vals = s.to_numpy(dtype=object)
            c = np.array([m.get(str(int(t)) if isinstance(t, float) else t, -1) if not (isinstance(t, float) and np.isnan(t)) else -1 for t in vals])
        cards.append(len(sts)); codes.append(c)
    ps = [[feats.index(p) for p in parents[v] if p != target] for v in feats]
    return feats, np.array(cards), np.stack(codes, 1), ps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--table", default="mlc_churn")
    ap.add_argument("--folds", nargs="*", type=int)
    ap.add_argument("--lams", nargs="*", type=float, default=[0.3, 1, 3, 10, 30])
    ap.add_argument("--learn-args", default="")
    ap.add_argument("--credence", required=True)
    ap.add_argument("--centre", default="zero", choices=["zero", "gen"],
                    help="centre of the penalty: 0 (uniform tables) or the counted tables")
    a = ap.parse_args()
    proto.LAM_GRID = a.lams
    proto.CENTRE = a.centre
    global CRED
    CRED = a.credence
    table = bc.Table(a.table, bc.TABLES[a.table])
    tgt = table.target
    split = bc.folds(table, 10, 1)
    y = table.y  # 1 = positive
    out = []
    import tempfile
    work = tempfile.mkdtemp(prefix="dt-")
    for f, (train, test) in enumerate(split):
        if a.folds and (f + 1) not in a.folds:
            continue
        t0 = time.time()
        tr_csv, te_csv, bn, sc = (os.path.join(work, n) for n in ("train.csv", "test.csv", "m.bn", "s.csv"))
        table.write_rows(tr_csv, train); table.write_rows(te_csv, test)
        subprocess.run([CRED, "learn", tr_csv, "--target", tgt, "--output", bn, "--quiet", "--json"] + a.learn_args.split(),
                       check=True, capture_output=True)
        subprocess.run([CRED, "score", bn, te_csv, "--target", tgt, "--output", sc, "--quiet"], check=True, capture_output=True)
        import csv
        pc = np.array([float(r["P(%s=%s)" % (tgt, table.positive)]) for r in csv.DictReader(open(sc))])
        q = np.clip(pc, 1e-15, 1 - 1e-15)
        cll = (float(-np.mean(y[test] * np.log(q) + (1 - y[test]) * np.log(1 - q))), float(roc_auc_score(y[test], pc)))
        order, vars_, parents = parse_bn(bn, tgt)
        feats, cards, X, ps = encode(table, order, vars_, parents, tgt)
        proto.FIXED = {feats[i]: [feats[p] for p in ps[i]] for i in range(len(feats))}
        proto.COLS = feats
        ess, gl, lam, dl = inner_select("fixed", X[train], y[train], cards, 2, 1, 5)
        m = Model(ps, cards, 2)
        bg = m.counts_fit(X[train], y[train], np.ones(len(train)), ess)
        lg = logloss_auc(m.posterior(bg, X[test]), y[test])
        b0 = m.counts_fit(X[train], y[train], np.ones(len(train)), proto.INIT_ESS)
        bd = fit_disc(m, X[train], y[train], b0, lam)
        ld = logloss_auc(m.posterior(bd, X[test]), y[test])
        prior = np.exp(m.logtheta(bd)[:2])[1]
        pick = ld if dl[lam] < gl[ess] else lg
        out.append((cll, lg, ld, pick))
        print("fold %2d credence ll %.4f auc %.4f | same graph gen ess=%g ll %.4f auc %.4f | disc lam=%g ll %.4f auc %.4f | inner gen %.4f disc %.4f | %d feats, %d arcs, fitted P(positive) %.3f  %.0fs"
              % (f + 1, cll[0], cll[1], ess, lg[0], lg[1], lam, ld[0], ld[1], gl[ess], dl[lam], len(feats), sum(map(len, ps)), prior, time.time() - t0), flush=True)
    o = np.array(out)
    names = ["credence as is", "same graph+bins, generative (inner ess)", "same graph+bins, discriminative (inner lam)", "inner choice gen/disc"]
    print("\n%s, %d folds" % (a.table, len(o)))
    for i, n in enumerate(names):
        print("%-46s AUC %.4f  log loss %.4f" % (n, o[:, i, 1].mean(), o[:, i, 0].mean()))


if __name__ == "__main__":
    main()
