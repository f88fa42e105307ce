"""Prototype (issue 13, MLC): discriminative parameter learning (ELR-style softmax CPTs,
Greiner & Zhou 2002) of NB / TAN / KDB-k classifiers on equal-frequency bins learned in each
training fold, against the counted (BDeu) tables of the same graph; nested 10-fold CV on
bench_classify.py's folds (StratifiedKFold, seed 1). Penalty (lam/2)|beta|^2 and BDeu ess by
inner 5-fold CV. Rows with missing cells: P(c | observed) by enumerating the completions of
missing features that have a feature child (others sum out). --kinds fixed --fixed 'child:p1,p2;...'
fits a hand-given graph (an optimistic ceiling, not a learner).

  Benchmarks/peers/.venv/bin/python Benchmarks/peers/prototypes/discriminative_tables.py --table mlc_churn
"""
import os, sys, time, math, argparse
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import common  # noqa
import bench_classify as bc
import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold


def bin_table(table, train, bins, limit=10):
    """Codes (n x d, -1 = missing) and cardinalities; cuts from the training rows only."""
    cols, cards, codes = [], [], []
    for col in table.X.columns:
        s = table.X[col]
        if col in table.numeric:
            v = s.to_numpy(dtype=float)
            tr = v[train]; tr = tr[~np.isnan(tr)]
            distinct = np.unique(tr)
            if len(distinct) <= limit:
                cuts = (distinct[:-1] + distinct[1:]) / 2
            else:
                qs = np.quantile(tr, np.linspace(0, 1, bins + 1)[1:-1])
                cuts = np.unique(qs)
            c = np.searchsorted(cuts, v, side="right").astype(int)
            c[np.isnan(v)] = -1
            k = len(cuts) + 1
        else:
            vals = s.to_numpy(dtype=object)
            cats = sorted(set(x for x in vals if isinstance(x, str)))
            m = {x: i for i, x in enumerate(cats)}
            c = np.array([m[x] if isinstance(x, str) else -1 for x in vals])
            k = len(cats)
        if k < 2:
            continue
        cols.append(col); cards.append(k); codes.append(c)
    return cols, np.array(cards), np.stack(codes, 1)


def cmi_matrix(X, y, cards, C):
    """I(Xi; C) and I(Xi; Xj | C) on complete pairs (training rows)."""
    n, d = X.shape
    mi = np.zeros(d)
    for i in range(d):
        ok = X[:, i] >= 0
        t = np.zeros((cards[i], C)); np.add.at(t, (X[ok, i], y[ok]), 1)
        t /= t.sum(); pi = t.sum(1, keepdims=True); pc = t.sum(0, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            mi[i] = np.nansum(t * np.log(t / (pi * pc)))
    cmi = np.zeros((d, d))
    for i in range(d):
        for j in range(i + 1, d):
            ok = (X[:, i] >= 0) & (X[:, j] >= 0)
            t = np.zeros((cards[i], cards[j], C)); np.add.at(t, (X[ok, i], X[ok, j], y[ok]), 1)
            t /= t.sum()
            pc = t.sum((0, 1), keepdims=True); pic = t.sum(1, keepdims=True); pjc = t.sum(0, keepdims=True)
            with np.errstate(divide="ignore", invalid="ignore"):
                v = np.nansum(t * np.log(t * pc / (pic * pjc)))
            cmi[i, j] = cmi[j, i] = v - PEN * (cards[i] - 1) * (cards[j] - 1) * C * math.log(ok.sum()) / (2 * ok.sum())
    return mi, cmi


PEN = 1.0


FIXED = None  # {child: [parents]} by name, with DROP columns removed
COLS = None


def structure(kind, X, y, cards, C):
    d = X.shape[1]
    if kind == "fixed":
        return [[COLS.index(p) for p in FIXED.get(c, [])] for c in COLS]
    if kind == "nb":
        return [[] for _ in range(d)]
    mi, cmi = cmi_matrix(X, y, cards, C)
    if kind == "tan":
        # Chow-Liu maximum spanning tree on cmi, rooted at the feature of highest MI
        root = int(np.argmax(mi)); inT = {root}; parents = [[] for _ in range(d)]
        best = cmi[root].copy(); src = np.full(d, root)
        while len(inT) < d:
            cand = [(best[j], j) for j in range(d) if j not in inT]
            _, j = max(cand); inT.add(j)
            if cmi[src[j], j] > 0:
                parents[j] = [int(src[j])]
            for k in range(d):
                if k not in inT and cmi[j, k] > best[k]:
                    best[k] = cmi[j, k]; src[k] = j
        return parents
    if kind.startswith("kdb"):
        k = int(kind[3:])
        order = list(np.argsort(-mi, kind="stable"))
        parents = [[] for _ in range(d)]
        for r, i in enumerate(order):
            prev = order[:r]
            ps = [j for j in sorted(prev, key=lambda j: -cmi[i, j])[:k] if cmi[i, j] > 0]
            parents[i] = [int(j) for j in ps]
        return parents
    raise ValueError(kind)


class Model:
    """P(c) and P(x_i | pa_i, c) tables; beta = log-theta; layout [u, c, v] flattened."""

    def __init__(self, parents, cards, C):
        self.parents, self.cards, self.C = parents, cards, C
        self.d = len(cards)
        self.q = [int(np.prod([cards[p] for p in ps])) if ps else 1 for ps in parents]
        self.sizes = [self.q[i] * C * cards[i] for i in range(self.d)]
        self.offsets = np.concatenate([[C], C + np.cumsum(self.sizes)]).astype(int)
        self.P = int(self.offsets[-1])
        # does any feature have feature children (then a missing value must be summed)
        self.has_children = np.zeros(self.d, bool)
        for ps in parents:
            for p in ps:
                self.has_children[p] = True
        # topological order: KDB/TAN parents precede children in this order
        self.topo = self._topo()

    def _topo(self):
        done, order = set(), []
        while len(order) < self.d:
            for i in range(self.d):
                if i not in done and all(p in done for p in self.parents[i]):
                    done.add(i); order.append(i)
        return order

    def counts_fit(self, X, y, w, ess):
        """Bayes estimates: BDeu-like pseudo counts ess / (q * C * r) per cell."""
        C = self.C
        beta = np.zeros(self.P)
        pc = np.bincount(y, weights=w, minlength=C) + ess / C
        beta[:C] = np.log(pc / pc.sum())
        for i in range(self.d):
            r = self.cards[i]
            ok = X[:, i] >= 0
            u = np.zeros(len(y), int)
            for p in self.parents[i]:
                ok &= X[:, p] >= 0
                u = u * self.cards[p] + np.maximum(X[:, p], 0)
            cell = (u * C + y) * r + np.maximum(X[:, i], 0)
            t = np.bincount(cell[ok], weights=w[ok], minlength=self.sizes[i]).reshape(-1, r)
            t = t + ess / (self.q[i] * C * r)
            beta[self.offsets[i]:self.offsets[i + 1]] = np.log(t / t.sum(1, keepdims=True)).ravel()
        return beta

    def expand(self, X):
        """Completions of rows with missing cells in features that have children: rows of Xe
        with group index g (into X). Missing leaf features stay -1 (they drop out)."""
        need = (X < 0) & self.has_children[None, :]
        rows = np.where(~need.any(1))[0]
        parts_X = [X[rows]]; parts_g = [rows]
        for n in np.where(need.any(1))[0]:
            miss = np.where(need[n])[0]
            grids = np.meshgrid(*[np.arange(self.cards[m]) for m in miss], indexing="ij")
            comb = np.stack([g.ravel() for g in grids], 1)
            xe = np.repeat(X[n:n + 1], len(comb), 0)
            xe[:, miss] = comb
            parts_X.append(xe); parts_g.append(np.full(len(comb), n))
        Xe = np.concatenate(parts_X); g = np.concatenate(parts_g)
        return Xe, g

    def cells(self, Xe):
        """idx[i]: (m, C) flat cell per class (-1 when x_i missing); row[i]: the [u, c] row."""
        C = self.C
        m = len(Xe)
        out = []
        for i in range(self.d):
            r = self.cards[i]
            u = np.zeros(m, int)
            for p in self.parents[i]:
                u = u * self.cards[p] + Xe[:, p]
            rowi = u[:, None] * C + np.arange(C)[None, :]
            cell = rowi * r + Xe[:, i:i + 1]
            miss = Xe[:, i] < 0
            cell[miss] = -1
            out.append((cell, rowi))
        return out

    def logtheta(self, beta):
        lt = np.empty_like(beta)
        lt[:self.C] = beta[:self.C] - logsumexp(beta[:self.C])
        for i in range(self.d):
            b = beta[self.offsets[i]:self.offsets[i + 1]].reshape(-1, self.cards[i])
            lt[self.offsets[i]:self.offsets[i + 1]] = (b - logsumexp(b, 1, keepdims=True)).ravel()
        return lt

    def joint(self, lt, cells, m):
        L = np.tile(lt[:self.C], (m, 1))
        for i, (cell, _) in enumerate(cells):
            t = lt[self.offsets[i]:self.offsets[i + 1]]
            v = np.where(cell >= 0, t[np.maximum(cell, 0)], 0.0)
            L += v
        return L

    def posterior(self, beta, X):
        Xe, g = self.expand(X)
        lt = self.logtheta(beta)
        L = self.joint(lt, self.cells(Xe), len(Xe))
        return group_post(L, g, len(X))


def group_post(L, g, n):
    """log P(c | x_obs) per original row from completions' log joints."""
    C = L.shape[1]
    mx = L.max()
    E = np.exp(L - mx)
    S = np.zeros((n, C))
    np.add.at(S, g, E)
    lp = np.log(S) + mx
    return lp - logsumexp(lp, 1, keepdims=True)


class Objective:
    def __init__(self, model, X, y, w, beta0, lam):
        self.m, self.y, self.w, self.beta0, self.lam = model, y, w, beta0, lam
        self.n = len(y)
        self.Xe, self.g = model.expand(X)
        self.cells = model.cells(self.Xe)
        self.simple = len(self.g) == self.n and np.all(self.g == np.arange(self.n))

    def __call__(self, beta):
        m, C = self.m, self.m.C
        lt = m.logtheta(beta)
        L = m.joint(lt, self.cells, len(self.Xe))
        if self.simple:
            lz = logsumexp(L, 1, keepdims=True)
            P = np.exp(L - lz)
            ll = L[np.arange(self.n), self.y] - lz[:, 0]
            Y = np.zeros_like(P); Y[np.arange(self.n), self.y] = 1
            G = (Y - P) * self.w[:, None]     # d(ll)/d L[e, c]
        else:
            n, g = self.n, self.g
            mx = L.max(); E = np.exp(L - mx)
            S = np.zeros((n, C)); np.add.at(S, g, E)
            Sy = S[np.arange(n), self.y]; St = S.sum(1)
            ll = np.log(Sy) - np.log(St)
            ye = self.y[g]
            G = np.zeros_like(L)
            G[np.arange(len(g)), ye] += E[np.arange(len(g)), ye] / Sy[g]
            G -= E / St[g][:, None]
            G *= self.w[g][:, None]
        f = -(self.w * ll).sum()
        grad = np.zeros_like(beta)
        theta = np.exp(lt)
        # class prior
        gc = G.sum(0)
        grad[:C] = -(gc - theta[:C] * gc.sum())
        for i, (cell, rowi) in enumerate(self.cells):
            r = m.cards[i]
            ok = cell >= 0
            a = np.bincount(cell[ok], weights=G[ok], minlength=m.sizes[i])
            b = np.bincount(rowi[ok], weights=G[ok], minlength=m.sizes[i] // r)
            th = theta[m.offsets[i]:m.offsets[i + 1]].reshape(-1, r)
            gi = a.reshape(-1, r) - th * b[:, None]
            grad[m.offsets[i]:m.offsets[i + 1]] = -gi.ravel()
        diff = beta - self.beta0
        f += 0.5 * self.lam * (diff @ diff)
        grad += self.lam * diff
        return f, grad


CENTRE = "zero"
INIT_ESS = 5


def fit_disc(model, X, y, beta0, lam, maxiter=300):
    centre = beta0 if CENTRE == "gen" else np.zeros_like(beta0)
    obj = Objective(model, X, y, np.ones(len(y)), centre, lam)
    res = minimize(obj, beta0.copy(), jac=True, method="L-BFGS-B", options={"maxiter": maxiter, "gtol": 1e-6})
    return res.x


def logloss_auc(lp, y):
    p = np.exp(lp[:, 1])
    q = np.clip(p, 1e-15, 1 - 1e-15)
    return float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q))), float(roc_auc_score(y, p))


ESS_GRID = [1, 5, 20, 50]
LAM_GRID = [1, 3, 10, 30, 100]


def inner_select(kind, X, y, cards, C, seed, inner=5):
    """Choose generative ess, and lam for discriminative, by inner CV log loss."""
    skf = StratifiedKFold(n_splits=inner, shuffle=True, random_state=seed)
    gen = {a: np.zeros((len(y), C)) for a in ESS_GRID}
    dis = {l: np.zeros((len(y), C)) for l in LAM_GRID}
    for tr, te in skf.split(np.zeros(len(y)), y):
        parents = structure(kind, X[tr], y[tr], cards, C)
        m = Model(parents, cards, C)
        best = None
        for a in ESS_GRID:
            b = m.counts_fit(X[tr], y[tr], np.ones(len(tr)), a)
            gen[a][te] = m.posterior(b, X[te])
        # the discriminative fit starts from the ess=1 generative estimate (its penalty centre)
        b0 = m.counts_fit(X[tr], y[tr], np.ones(len(tr)), INIT_ESS)
        for l in LAM_GRID:
            b = fit_disc(m, X[tr], y[tr], b0, l)
            dis[l][te] = m.posterior(b, X[te])
    gl = {a: logloss_auc(gen[a], y)[0] for a in ESS_GRID}
    dl = {l: logloss_auc(dis[l], y)[0] for l in LAM_GRID}
    return min(gl, key=gl.get), gl, min(dl, key=dl.get), dl


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--table", default="mlc_churn")
    ap.add_argument("--kinds", nargs="+", default=["nb", "tan", "kdb1", "kdb2"])
    ap.add_argument("--bins", type=int, default=10)
    ap.add_argument("--folds", nargs="*", type=int)
    ap.add_argument("--inner", type=int, default=5)
    ap.add_argument("--fixed", help="child:p1,p2;child:p1 ...")
    ap.add_argument("--drop", nargs="*", default=[])
    ap.add_argument("--centre", default="zero", choices=["zero", "gen"],
                    help="centre of the penalty: 0 (uniform tables) or the counted (ess INIT_ESS) tables")
    ap.add_argument("--lams", nargs="*", type=float)
    a = ap.parse_args()
    global FIXED, COLS, LAM_GRID, CENTRE
    CENTRE = a.centre
    if a.lams: LAM_GRID = a.lams
    if a.fixed:
        FIXED = {}
        for part in a.fixed.split(";"):
            c, ps = part.split(":"); FIXED[c] = ps.split(",")
    table = bc.Table(a.table, bc.TABLES[a.table])
    table.X = table.X.drop(columns=a.drop); table.numeric = [c for c in table.numeric if c not in a.drop]
    split = bc.folds(table, 10, 1)
    y_all = table.y
    res = {}
    for f, (train, test) in enumerate(split):
        if a.folds and (f + 1) not in a.folds:
            continue
        cols, cards, X = bin_table(table, train, a.bins)
        COLS = cols
        Xtr, ytr, Xte, yte = X[train], y_all[train], X[test], y_all[test]
        for kind in a.kinds:
            t0 = time.time()
            ess, gl, lam, dl = inner_select(kind, Xtr, ytr, cards, 2, 1, a.inner)
            parents = structure(kind, Xtr, ytr, cards, 2)
            m = Model(parents, cards, 2)
            bg = m.counts_fit(Xtr, ytr, np.ones(len(ytr)), ess)
            lg = logloss_auc(m.posterior(bg, Xte), yte)
            b0 = m.counts_fit(Xtr, ytr, np.ones(len(ytr)), INIT_ESS)
            bd = fit_disc(m, Xtr, ytr, b0, lam)
            ld = logloss_auc(m.posterior(bd, Xte), yte)
            # the inner choice between generative and discriminative
            pick = ld if dl[lam] < gl[ess] else lg
            res.setdefault(kind, []).append((lg, ld, pick))
            print("fold %2d %-5s gen ess=%-3g ll %.4f auc %.4f | disc lam=%-4g ll %.4f auc %.4f | inner gen %.4f disc %.4f  %.1fs"
                  % (f + 1, kind, ess, lg[0], lg[1], lam, ld[0], ld[1], gl[ess], dl[lam], time.time() - t0), flush=True)
    print("\nmean over folds (%s, %d equal-frequency bins):" % (a.table, a.bins))
    for kind, rs in res.items():
        g = np.array([r[0] for r in rs]); d = np.array([r[1] for r in rs]); p = np.array([r[2] for r in rs])
        print("%-5s generative AUC %.4f ll %.4f | discriminative AUC %.4f ll %.4f | inner-chosen AUC %.4f ll %.4f"
              % (kind, g[:, 1].mean(), g[:, 0].mean(), d[:, 1].mean(), d[:, 0].mean(), p[:, 1].mean(), p[:, 0].mean()))


if __name__ == "__main__":
    main()
