"""Shared helpers of the peer benchmarks (bench_parse.py, bench_inference.py,
bench_batch.py): paths, one thread everywhere, reading the networks into pgmpy and into
pyAgrum with exact float64 CPTs, and running a measurement in a child process under a
time and memory limit.

Import this module before numpy, pgmpy or pyagrum: it pins every BLAS/OpenMP pool to one
thread through the environment, which only works before those libraries load.
"""
import gzip
import json
import multiprocessing as mp
import os
import re
import resource
import shutil
import signal
import statistics
import sys
import tempfile
import time
import traceback
import warnings

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS"):
    os.environ[_var] = "1"
warnings.filterwarnings("ignore")  # pgmpy's deprecation chatter on import

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared"))
NETWORKS = os.path.join(SHARED, "networks")
REFERENCE = os.path.join(SHARED, "reference")

ALL_NETWORKS = ["asia", "cancer", "earthquake", "survey", "sachs", "child", "insurance", "water", "alarm",
                "barley", "hailfinder", "hepar2", "win95pts", "pathfinder", "andes", "munin1", "mildew"]


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def set_one_thread():
    """pyAgrum's own thread pool: one thread (the env variables above cover BLAS)."""
    import pyagrum as gum
    if hasattr(gum, "setNumberOfThreads"):
        gum.setNumberOfThreads(1)


def network_files():
    """Every *.bif and *.bif.gz of the shared networks folder: {name: path}, sorted by name."""
    out = {}
    for f in sorted(os.listdir(NETWORKS)):
        for ext in (".bif.gz", ".bif"):
            if f.endswith(ext):
                out[f[: -len(ext)]] = os.path.join(NETWORKS, f)
                break
    return out


def network_path(name):
    for ext in (".bif", ".bif.gz"):
        p = os.path.join(NETWORKS, name + ext)
        if os.path.exists(p):
            return p
    raise FileNotFoundError("no network %r in %s" % (name, NETWORKS))


class PlainBIF:
    """`with PlainBIF(path) as p:` a path to an uncompressed copy of a .bif.gz (the file
    itself for a plain .bif). Neither pgmpy's BIFReader nor pyAgrum's loadBN reads gzip."""

    def __init__(self, path):
        self.path, self.tmp = path, None

    def __enter__(self):
        if not self.path.endswith(".gz"):
            return self.path
        fd, self.tmp = tempfile.mkstemp(suffix=".bif", prefix="peers-")
        with gzip.open(self.path, "rb") as src, os.fdopen(fd, "wb") as dst:
            shutil.copyfileobj(src, dst)
        return self.tmp

    def __exit__(self, *exc):
        if self.tmp:
            os.unlink(self.tmp)


def bif_variable_order(path):
    """The variables in the order the file declares them."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return re.findall(r"^\s*variable\s+([^\s{]+)", f.read(), flags=re.M)


def pgmpy_model(name):
    """pgmpy's reading of the network: BIFReader(path).get_model()."""
    from pgmpy.readwrite import BIFReader
    with PlainBIF(network_path(name)) as p:
        return BIFReader(p).get_model()


def normalise_pgmpy_rows(model):
    """Divides every CPT row of a pgmpy model by its sum, in place (the network of the
    reference posteriors; a few files have rows summing to 1 only within ~1e-7)."""
    import numpy as np
    for cpd in model.get_cpds():
        values = np.asarray(cpd.values, dtype=np.float64)
        cpd.values = values / values.sum(axis=0, keepdims=True)
    return model


def pyagrum_model(name, model=None):
    """A pyAgrum BayesNet with the file's probabilities as float64 and every CPT row
    divided by its sum: the network the reference posteriors were computed on.

    pyAgrum's loadBN rounds every probability to float32 and fails on child.bif, so the
    file is read with pgmpy's BIFReader (exact float64) and copied over. Variables are
    added in file order, parents in the order of the file's `probability ( X | ... )`.
    """
    import numpy as np
    import pyagrum as gum
    model = model if model is not None else pgmpy_model(name)
    cpds = {c.variable: c for c in model.get_cpds()}
    order = [v for v in bif_variable_order(network_path(name)) if v in cpds]
    order += [v for v in model.nodes() if v not in order]
    bn = gum.BayesNet(name)
    for v in order:
        bn.add(gum.LabelizedVariable(v, v, [str(s) for s in cpds[v].state_names[v]]))
    for v in order:
        for p in cpds[v].variables[1:]:
            bn.addArc(p, v)
    for v in order:
        cpd = cpds[v]
        names = cpd.variables  # [v, parent1, ..., parentK]; the last parent varies fastest
        values = np.asarray(cpd.get_values(), dtype=np.float64)
        values = values / values.sum(axis=0, keepdims=True)
        cards = [len(cpd.state_names[x]) for x in names]
        pot = bn.cpt(v)
        if tuple(pot.names) != tuple(names):
            raise RuntimeError("pyAgrum variable order %s differs from pgmpy %s" % (pot.names, names))
        # pyAgrum fills with its first variable (v) fastest and its last parent slowest:
        # pgmpy's (v, p1..pK) array with the axes reversed, flattened in C order.
        pot.fillWith(values.reshape(cards).transpose(list(reversed(range(len(cards))))).ravel().tolist())
    return bn


def ancestral_sample(model, order, n, rng):
    """{variable: int array of state indices}, n rows, pgmpy CPDs (normalised)."""
    import numpy as np
    cpds = {c.variable: c for c in model.get_cpds()}
    out = {}
    for v in order:
        cpd = cpds[v]
        parents = cpd.variables[1:]
        card = len(cpd.state_names[v])
        table = np.asarray(cpd.values, dtype=np.float64).reshape(card, -1).T  # (parent configs, card)
        cum = np.cumsum(table, axis=1)
        cum[:, -1] = 1.0
        if parents:
            cards = [len(cpd.state_names[p]) for p in parents]
            idx = np.ravel_multi_index([out[p] for p in parents], cards)
        else:
            idx = np.zeros(n, dtype=np.int64)
        u = rng.random(n)
        out[v] = (u[:, None] >= cum[idx]).sum(axis=1).astype(np.int64)
    return out


def topological_order(model, file_order):
    order, placed = [], set()
    parents = {c.variable: c.variables[1:] for c in model.get_cpds()}
    while len(order) < len(file_order):
        for v in file_order:
            if v not in placed and all(p in placed for p in parents[v]):
                order.append(v)
                placed.add(v)
    return order

def generate_queries(model, file_order, count, seed=20240601, evidence_fraction=0.1):
    """Seeded queries in the reference format, for a network without a reference file
    (munin1): per query a random target and round(10 %) of the other variables as hard
    evidence, their states taken from one forward-sampled row (so P(evidence) > 0). No
    answers: the engines are checked against each other."""
    import numpy as np
    rng = np.random.default_rng(seed)
    cpds = {c.variable: c for c in model.get_cpds()}
    sample = ancestral_sample(model, topological_order(model, file_order), count, rng)
    k = max(1, int(round(evidence_fraction * len(file_order))))
    queries = []
    for i in range(count):
        target = file_order[int(rng.integers(len(file_order)))]
        others = [v for v in file_order if v != target]
        chosen = rng.permutation(len(others))[:k]
        evidence = {others[j]: str(cpds[others[j]].state_names[others[j]][sample[others[j]][i]]) for j in chosen}
        queries.append({"target": target, "evidence": evidence})
    states = {v: [str(s) for s in cpds[v].state_names[v]] for v in file_order}
    return {"network": None, "states": states, "queries": queries, "seed": seed,
            "generated_with": "Benchmarks/peers common.generate_queries (numpy default_rng)"}


def load_reference(name):
    p = os.path.join(REFERENCE, name + ".json")
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return json.load(f)


def median(xs):
    return statistics.median(xs) if xs else None


def now_ms():
    """Wall clock, ms."""
    return time.perf_counter() * 1e3


def cpu_ms():
    """CPU time of this process (user + system), ms: what a single-threaded computation
    costs even when other jobs share the cores (the wall clock then runs ahead of it)."""
    return time.process_time() * 1e3


class Stopwatch:
    """Both clocks at once: `sw = Stopwatch(); ...; wall, cpu = sw.elapsed()`."""

    def __init__(self):
        self.wall, self.cpu = now_ms(), cpu_ms()

    def elapsed(self):
        return now_ms() - self.wall, cpu_ms() - self.cpu


def load_average():
    try:
        return list(os.getloadavg())
    except OSError:
        return None


# --- child processes with a time and memory limit -------------------------------------

def _child(conn, fn, args, mem_bytes):
    def send(msg):
        conn.send(("msg", msg))
    try:
        if mem_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (mem_bytes, mem_bytes))
        value = fn(send, *args)
        conn.send(("ok", value))
    except MemoryError:
        conn.send(("out of memory", None))
    except BaseException as e:  # noqa: BLE001 - reported to the parent, never hidden
        text = "%s: %s" % (type(e).__name__, e)
        if ("bad_alloc" in text or "Cannot allocate" in text or "Unable to allocate" in text
                or "array is too big" in text):
            conn.send(("out of memory", None))
        else:
            conn.send(("error: " + " ".join(text.split())[:300], traceback.format_exc()[-1500:]))
    finally:
        conn.close()


def _cpu_seconds(pid):
    """User + system CPU seconds of a process so far (0 when it is gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def run_child(fn, args, timeout, mem_gib=8.0, clock="cpu"):
    """Runs fn(send, *args) in a forked child with an address-space limit (RLIMIT_AS,
    mem_gib GiB) and a time budget of `timeout` seconds: CPU seconds of the child when
    clock == "cpu", so that a loaded machine does not eat the budget (read from
    /proc/PID/stat by the parent; RLIMIT_CPU is not used because arming it makes the
    child's CPU clock tick-grained), with a wall-clock backstop of 3 x timeout + 30 s;
    else wall-clock seconds. The child may call send(msg)
    any number of times to stream partial results. Returns (status, value, messages,
    wall_seconds): status is "ok", "timeout", "out of memory", "crashed (signal N)" or
    "error: ..."; messages are the partial results received (also on failure)."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    mem = int(mem_gib * (1 << 30)) if mem_gib else 0
    start = time.monotonic()
    p = ctx.Process(target=_child, args=(child, fn, args, mem), daemon=True)
    p.start()
    child.close()
    messages = []
    deadline = start + (3 * timeout + 30 if clock == "cpu" else timeout)
    status, value = None, None
    while status is None:
        left = deadline - time.monotonic()
        if left <= 0 or (clock == "cpu" and _cpu_seconds(p.pid) > timeout):
            status = "timeout"
            break
        try:
            if not parent.poll(min(left, 0.5)):
                continue
            kind, payload = parent.recv()
        except (EOFError, OSError):
            p.join(5)
            code = p.exitcode
            if code is not None and code < 0:
                sig = -code
                if sig == signal.SIGKILL:
                    status = "out of memory"  # the kernel's OOM killer
                else:
                    status = "crashed (signal %d)" % sig
            else:
                status = "error: child exited with code %s" % code
            break
        if kind == "msg":
            messages.append(payload)
        else:
            status, value = kind, payload
    if p.is_alive():
        p.kill()
    p.join()
    parent.close()
    if status.startswith("error") and isinstance(value, str):
        if os.environ.get("PEERS_DEBUG"):
            log(value)  # the child's traceback
        value = None
    return status, value, messages, time.monotonic() - start


def run_limited(fn, args, timeout, mem_gib=8.0):
    """fn(*args) in a child under a wall-clock budget and a memory limit; returns
    (status, value). The older interface, kept for bench_learning.py."""
    def call(send, *a):
        return fn(*a)
    status, value, _, _ = run_child(call, args, timeout, mem_gib, clock="wall")
    return status, value


def short_error(status):
    """A one-line failure message: the status without "error: " and pyAgrum's banners."""
    msg = status[len("error: "):] if status.startswith("error: ") else status
    msg = re.sub(r"^(\w+Error|FatalError|Exception): ", "", msg)
    msg = msg.replace("[pyAgrum] Fatal error: ", "")
    msg = re.sub(r"\s*Errors : \d+ Warnings : \d+\s*$", "", msg)
    msg = re.sub(r"/\S*/", "", msg).replace(" ^", "")  # directories of file names, the caret line
    return msg.strip()


def fmt_ms(x):
    if x is None:
        return "–"
    if x >= 100:
        return "%.0f" % x
    if x >= 10:
        return "%.1f" % x
    if x >= 1:
        return "%.2f" % x
    return "%.3f" % x


def fmt_ratio(peer_ms, credence_ms):
    """Peer time over Credence time: >1 means Credence is faster by that factor."""
    if not peer_ms or not credence_ms:
        return "–"
    r = peer_ms / credence_ms
    return ("%.0f×" if r >= 100 else "%.1f×" if r >= 10 else "%.2f×") % r


def machine_note():
    import platform
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import numpy
    import pgmpy
    import pyagrum
    return {"date": time.strftime("%Y-%m-%d"), "cpus": os.cpu_count(), "cpu": cpu,
            "python": platform.python_version(), "pyagrum": pyagrum.__version__, "pgmpy": pgmpy.__version__,
            "numpy": numpy.__version__, "load_average_at_start": load_average()}
