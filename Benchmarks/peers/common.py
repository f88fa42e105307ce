"""Shared helpers for the peer benchmarks: loading networks into pyAgrum with exact
float64 CPTs, running a measurement in a child process with a time and memory limit."""
import gzip
import json
import multiprocessing as mp
import os
import resource
import shutil
import statistics
import tempfile
import time
import traceback

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared"))
NETWORKS = os.path.join(SHARED, "networks")
REFERENCE = os.path.join(SHARED, "reference")


def network_path(name):
    for ext in (".bif", ".bif.gz"):
        p = os.path.join(NETWORKS, name + ext)
        if os.path.exists(p):
            return p
    raise FileNotFoundError(name)


def plain_bif(path):
    """A path to an uncompressed copy of the BIF (readers that cannot read .gz)."""
    if not path.endswith(".gz"):
        return path, None
    tmp = tempfile.NamedTemporaryFile(suffix=".bif", delete=False)
    with gzip.open(path, "rb") as src, open(tmp.name, "wb") as dst:
        shutil.copyfileobj(src, dst)
    return tmp.name, tmp.name


def pgmpy_model(name):
    from pgmpy.readwrite import BIFReader
    path, tmp = plain_bif(network_path(name))
    try:
        return BIFReader(path).get_model()
    finally:
        if tmp:
            os.unlink(tmp)


def pyagrum_model(name, pgmpy_net=None):
    """pyAgrum network with the file's probabilities as exact float64, rows normalised
    (pyAgrum's own loadBN rounds to float32 and fails on child.bif)."""
    import pyagrum as gum
    m = pgmpy_net or pgmpy_model(name)
    bn = gum.BayesNet(name)
    cpds = {c.variable: c for c in m.get_cpds()}
    for v in m.nodes():
        states = [str(s) for s in cpds[v].state_names[v]]
        bn.add(gum.LabelizedVariable(v, v, states))
    for v in m.nodes():
        for p in cpds[v].variables[1:]:
            bn.addArc(p, v)
    import itertools
    import numpy as np
    for v in m.nodes():
        cpd = cpds[v]
        parents = cpd.variables[1:]
        values = np.asarray(cpd.get_values(), dtype=np.float64)  # (card, prod parent cards)
        values = values / values.sum(axis=0, keepdims=True)
        pcards = [len(cpd.state_names[p]) for p in parents]
        pot = bn.cpt(v)
        if not parents:
            pot.fillWith(values[:, 0].tolist())
            continue
        for col, conf in enumerate(itertools.product(*[range(c) for c in pcards])):
            pot[{p: int(s) for p, s in zip(parents, conf)}] = values[:, col].tolist()
    return bn


def load_queries(name, extra_dir=None):
    for d in [REFERENCE] + ([extra_dir] if extra_dir else []):
        p = os.path.join(d, name + ".json")
        if os.path.exists(p):
            with open(p) as f:
                return json.load(f)
    return None


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def timed(fn, repeat):
    """(cold ms, warm ms or None, result): the first run, and the median of the others."""
    samples = []
    result = None
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - t0) * 1e3)
    return samples[0], (median(samples[1:]) if len(samples) > 1 else None), result


def _child(conn, fn, args, mem_bytes):
    try:
        if mem_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (mem_bytes, mem_bytes))
        conn.send(("ok", fn(*args)))
    except MemoryError:
        conn.send(("out of memory", None))
    except Exception as e:  # noqa: BLE001 - reported, not hidden
        conn.send(("error: %s: %s" % (type(e).__name__, str(e)[:200]), traceback.format_exc()[-500:]))


def run_limited(fn, args, timeout, mem_gib=8):
    """Runs fn(*args) in a child process; returns (status, value)."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_child, args=(child, fn, args, int(mem_gib * (1 << 30))))
    p.start()
    if parent.poll(timeout):
        status, value = parent.recv()
        p.join(5)
        return status, value
    p.kill()
    p.join()
    return "timeout (%ds)" % timeout, None
