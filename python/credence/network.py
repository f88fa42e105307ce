"""`Network`: a Bayesian network as an immutable value, with pandas in and pandas out."""
from __future__ import annotations

import ctypes
import json
import math
import shutil
import struct
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _ffi
from ._encode import Evidence, Table, findings, names
from ._lazy import pd

Targets = Union[str, Sequence[str]]


@dataclass(frozen=True)
class Assignment:
    """A most probable explanation (every variable) or a MAP assignment (the targets)."""

    #: ``"MPE"`` or ``"MAP"``.
    kind: str
    #: One state per variable, in network order.
    states: Dict[str, str]
    #: ``P(assignment, evidence)``.
    joint_probability: float
    #: ``P(assignment | evidence)``.
    posterior_probability: float
    #: ``ln P(assignment, evidence)``.
    log_joint_probability: float

    def to_series(self) -> pd.Series:
        """The states as a Series indexed by variable."""
        return pd.Series(self.states, name=self.kind, dtype=object)

    def __getitem__(self, variable: str) -> str:
        return self.states[variable]


class Picture:
    """A rendered network (the SVG of ``credence render``); shows itself in Jupyter."""

    def __init__(self, svg: str) -> None:
        self.svg = svg

    def _repr_svg_(self) -> str:
        return self.svg

    def save(self, path: str) -> None:
        """Writes the SVG to `path`."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.svg)


class Network:
    """A discrete Bayesian network, an immutable value.

    Read one with :func:`credence.load` or :func:`credence.loads`, learn one with
    :func:`credence.learn`. Questions (:meth:`query`, :meth:`mpe`, :meth:`probability`, ...)
    take findings by name: ``evidence={"smoke": "yes"}`` (hard evidence),
    ``soft={"xray": [0.8, 0.2]}`` (one likelihood per state) and ``do={"smoke": "no"}``
    (interventions). Edits (:meth:`edit`, :meth:`add_edge`, ...) and :meth:`fit` return new
    networks. Errors raise :class:`credence.CredenceError` subclasses with the command
    line's messages.
    """

    __slots__ = ("_handle", "_info", "_index_cache", "_codes", "report", "__weakref__")
    _index_cache: Dict[Tuple[str, ...], tuple]
    _codes: Optional[Dict[str, Dict[str, bytes]]]

    def __init__(self, handle: int, report: Optional[dict] = None) -> None:
        """Wraps a credence_network handle (use :func:`credence.load` and friends)."""
        if not handle:
            raise ValueError("a Network needs a credence_network handle")
        self._handle = handle
        self._info: Optional[dict] = None
        self._index_cache = {}
        self._codes = None
        #: The report of the fit or learn that made this network (``credence fit --json``), if any.
        self.report = report

    def __del__(self) -> None:
        handle = getattr(self, "_handle", None)
        if handle and _ffi is not None and _ffi.lib is not None:
            _ffi.lib.credence_network_free(handle)
            self._handle = None

    # ---- shape ----------------------------------------------------------------------

    @property
    def _description(self) -> dict:
        if self._info is None:
            out = ctypes.c_void_p()
            _ffi.call("credence_network_describe", self._handle, ctypes.byref(out))
            info = json.loads(_ffi.take_text(out.value))
            info["by_name"] = {v["name"]: v for v in info["variables"]}
            info["position"] = {v["name"]: i for i, v in enumerate(info["variables"])}
            self._info = info
        return self._info

    @property
    def name(self) -> str:
        """The network's name."""
        return self._description["name"]

    @property
    def variables(self) -> List[str]:
        """The variable names, in network order."""
        return [v["name"] for v in self._description["variables"]]

    def __len__(self) -> int:
        return len(self._description["variables"])

    def __contains__(self, variable: object) -> bool:
        return variable in self._description["by_name"]

    def _variable(self, name: str) -> Optional[dict]:
        return self._description["by_name"].get(name)

    def states(self, variable: str) -> List[str]:
        """The states of `variable`, in order."""
        v = self._variable(variable)
        if v is None:
            self.query(variable)  # raises the command line's message for an unknown name
        return list(v["states"])

    def parents(self, variable: str) -> List[str]:
        """The parents of `variable`, in the order of its table's axes."""
        self.states(variable)
        return list(self._variable(variable)["parents"])

    @property
    def edges(self) -> List[Tuple[str, str]]:
        """Every arc (parent, child)."""
        return [(p, v["name"]) for v in self._description["variables"] for p in v["parents"]]

    def cut_points(self, variable: str) -> Optional[List[float]]:
        """The cut points of a discretised numeric variable (None for a categorical one)."""
        self.states(variable)
        return self._variable(variable).get("cutPoints")

    def derivation(self, variable: str) -> Optional[Tuple[List[Tuple[float, str]], float]]:
        """How a derived variable is computed from data columns: its terms (coefficient,
        column) and constant, the index ``constant + sum(coefficient * column)`` that is then
        cut at `cut_points` (None for a variable read from its own column)."""
        self.states(variable)
        d = self._variable(variable).get("derivation")
        if d is None:
            return None
        return [(t["coefficient"], t["column"]) for t in d["terms"]], d["constant"]

    def data_columns(self) -> List[str]:
        """The columns a table read against this model may use: the variables, and the
        source columns of its derived variables (which need not be variables)."""
        names = list(self.variables)
        for v in self._description["variables"]:
            for t in (v.get("derivation") or {}).get("terms", []):
                if t["column"] not in names:
                    names.append(t["column"])
        return names

    def __repr__(self) -> str:
        d = self._description
        return f"<credence.Network {d['name']!r}: {len(d['variables'])} variables, {len(self.edges)} arcs>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Network):
            return NotImplemented
        return bool(_ffi.lib.credence_network_equal(self._handle, other._handle))

    __hash__ = None  # type: ignore[assignment]

    # ---- files and text -------------------------------------------------------------

    def save(self, path: str) -> None:
        """Saves atomically; the format follows the extension (.bn, .bif, .bif.gz,
        .xmlbif/.xml, .net, .uai, .dot)."""
        _ffi.call("credence_network_save", self._handle, str(path).encode())

    def to_string(self, format: str = "bn") -> str:
        """The model's text in `format`: ``bn`` (Credence's language), ``bif``, ``xmlbif``,
        ``net``, ``uai`` or ``dot``."""
        out = ctypes.c_void_p()
        _ffi.call("credence_network_text", self._handle, format.encode(), ctypes.byref(out))
        return _ffi.take_text(out.value)

    # ---- questions ------------------------------------------------------------------

    def _target_entry(self, targets: Tuple[str, ...]):
        """(index, encoded names, ctypes array type, Series name, position of the first
        target) of a tuple of targets, made once per network; None for an unknown name (the
        C call then says which)."""
        entry = self._index_cache.get(targets)
        if entry is None:
            vs = [self._variable(t) for t in targets]
            if any(v is None for v in vs):
                return None
            if len(targets) == 1:
                idx = pd.Index(vs[0]["states"], name=targets[0], dtype=object)
            else:
                idx = pd.MultiIndex.from_product([v["states"] for v in vs], names=list(targets))
            entry = (idx, names(targets), ctypes.c_double * len(idx), "P(" + ", ".join(targets) + ")",
                     self._description["position"][targets[0]] if targets else -1)
            self._index_cache[targets] = entry
        return entry

    def _hard_codes(self, evidence: Evidence) -> Optional[bytes]:
        """Hard evidence of names and states (str) as the int32 (variable, state) pairs of
        ``credence_query_indexed``, each pair packed once per network; None for anything
        else (None or NaN for a missing cell, a bool, a number, an unknown name or state),
        which the text form then reads, with the command line's messages."""
        if evidence is None:
            return b""
        codes = self._codes
        if codes is None:
            codes = self._codes = {}
            for i, v in enumerate(self._description["variables"]):
                pairs = codes[v["name"]] = {}
                for j, state in enumerate(v["states"]):
                    pairs.setdefault(state, _PAIR.pack(i, j))   # the first of equal names, as Credence matches
        try:
            return b"".join([codes[k][x] for k, x in evidence.items()])
        except (KeyError, TypeError, AttributeError):
            return None

    def query(self, targets: Targets, evidence: Evidence = None, soft: Evidence = None,
              do: Evidence = None) -> pd.Series:
        """The posterior ``P(targets | findings)`` as a Series indexed by state (several
        targets: their joint, indexed by a MultiIndex), as ``credence query`` computes it.

        >>> net.query("lung", evidence={"smoke": "yes"})            # doctest: +SKIP
        """
        key = (targets,) if isinstance(targets, str) else tuple(targets)
        entry = self._index_cache.get(key) or self._target_entry(key)
        if entry is None:   # an unknown target: the library's message names it
            _ffi.call("credence_query", self._handle, names(key), findings(evidence, soft, do), None, 0, None)
        idx, encoded, array, label, first = entry
        out = array()
        err = _ffi.error_buffer()
        # one target under hard evidence by name (the common question): by indices, no text
        pairs = self._hard_codes(evidence) if len(key) == 1 and soft is None and do is None else None
        if pairs is not None:
            status = _query_indexed(self._handle, first, pairs, len(pairs) >> 3, out, len(out), err,
                                    _ffi.ERROR_CAPACITY)
        else:
            status = _ffi.lib.credence_query(self._handle, encoded, findings(evidence, soft, do), out, len(out),
                                             None, err, _ffi.ERROR_CAPACITY)
        if status:
            _ffi.check(status, err)
        return _series(np.frombuffer(out), idx, label)

    def query_json(self, targets: Targets, evidence: Evidence = None, soft: Evidence = None,
                   do: Evidence = None) -> dict:
        """The answer as the JSON document of ``credence query --json`` (marginals, the
        joint, P(evidence))."""
        key = [targets] if isinstance(targets, str) else list(targets)
        out = ctypes.c_void_p()
        _ffi.call("credence_query_json", self._handle, names(key), findings(evidence, soft, do), ctypes.byref(out))
        return json.loads(_ffi.take_text(out.value))

    def query_all(self, evidence: Evidence = None, soft: Evidence = None, do: Evidence = None) -> Dict[str, pd.Series]:
        """Every variable's posterior (one calibration of the junction tree), by name in
        network order; an observed variable's is a point mass."""
        vs = self._description["variables"]
        out = np.empty(sum(len(v["states"]) for v in vs))
        log_p = ctypes.c_double()
        _ffi.call("credence_query_all", self._handle, findings(evidence, soft, do), out.ctypes.data, out.size,
                  ctypes.addressof(log_p))
        result, k = {}, 0
        for v in vs:
            name = v["name"]
            entry = self._index_cache.get((name,)) or self._target_entry((name,))
            n = len(entry[0])
            result[name] = _series(out[k:k + n], entry[0], entry[3])
            k += n
        return result

    def probability(self, evidence: Evidence = None, soft: Evidence = None, do: Evidence = None,
                    log: bool = False) -> float:
        """``P(evidence)`` (interventions applied), or its natural log with ``log=True``."""
        p, log_p = ctypes.c_double(), ctypes.c_double()
        _ffi.call("credence_probability", self._handle, findings(evidence, soft, do), ctypes.byref(p), ctypes.byref(log_p))
        return log_p.value if log else p.value

    def _assignment(self, targets: Sequence[str], evidence: Evidence, soft: Evidence, do: Evidence) -> Assignment:
        out = ctypes.c_void_p()
        _ffi.call("credence_mpe", self._handle, names(targets), findings(evidence, soft, do), ctypes.byref(out))
        r = json.loads(_ffi.take_text(out.value))
        return Assignment(kind=r["kind"], states={v: r["assignment"][v] for v in r["variables"]},
                          joint_probability=_number(r["jointProbability"]),
                          posterior_probability=_number(r["posteriorProbability"]),
                          log_joint_probability=_number(r["logJointProbability"]))

    def mpe(self, evidence: Evidence = None, soft: Evidence = None, do: Evidence = None) -> Assignment:
        """The most probable explanation: a state for every variable (``credence query --mpe``)."""
        return self._assignment([], evidence, soft, do)

    def map(self, variables: Targets, evidence: Evidence = None, soft: Evidence = None,
            do: Evidence = None) -> Assignment:
        """The most probable joint state of `variables`, the others summed out (``--map``)."""
        targets = [variables] if isinstance(variables, str) else list(variables)
        if not targets:
            raise ValueError("map needs at least one variable")
        return self._assignment(targets, evidence, soft, do)

    def explain(self, target_state: Union[str, Tuple[str, str]], evidence: Evidence = None,
                soft: Evidence = None, do: Evidence = None, top: int = 10) -> dict:
        """Why ``P(target = state | findings)`` is what it is (``credence explain --json``):
        each finding's impact and weight of evidence, the most sensitive CPT parameters and
        the value of information of the unobserved variables. `target_state` is
        ``"target=state"``, ``("target", "state")`` or ``"target"`` (its most probable state)."""
        if isinstance(target_state, tuple):
            target, state = target_state
        else:
            target, _, state = target_state.partition("=")
            state = state or None
        out = ctypes.c_void_p()
        _ffi.call("credence_explain", self._handle, target.encode(), None if state is None else str(state).encode(),
                  findings(evidence, soft, do), int(top), ctypes.byref(out))
        return json.loads(_ffi.take_text(out.value))

    def sample(self, n: int, seed: int = 1, missing: float = 0.0) -> pd.DataFrame:
        """`n` forward samples (``credence sample``) as a DataFrame of categorical columns, one
        per variable; each cell hidden (NaN) with probability `missing`."""
        vs = self._description["variables"]
        codes = np.empty((len(vs), int(n)), dtype=np.int32)
        _ffi.call("credence_sample", self._handle, int(n), int(seed), float(missing), codes.ctypes.data, codes.size)
        return pd.DataFrame({v["name"]: pd.Categorical.from_codes(codes[i], categories=v["states"])
                             for i, v in enumerate(vs)})

    # ---- tables ---------------------------------------------------------------------

    def score(self, df: pd.DataFrame, target: str, strict: bool = False) -> pd.DataFrame:
        """``P(target | row)`` for every row of `df` (``credence score``): a DataFrame on
        ``df.index`` with one column ``P(target=state)`` per state and ``most_probable``.

        Columns match variables by name (others are ignored); categories match states by
        name; numeric columns of discretised variables are cut at the stored cut points;
        NaN and None are missing and summed out. A category the model does not know is read
        as missing with a warning (an error with ``strict=True``); a row whose cells have
        probability zero gets NaN and a warning (an error with ``strict=True``)."""
        v = self._variable(target)
        k = len(v["states"]) if v is not None else 0
        out = np.empty((len(df), k))
        notes = ctypes.c_void_p()
        with Table(df) as table:
            _ffi.call("credence_score", self._handle, table.handle, target.encode(), int(bool(strict)),
                      out.ctypes.data, out.size, ctypes.byref(notes))
        _warn(json.loads(_ffi.take_text(notes.value)))
        states = v["states"]
        frame = pd.DataFrame(out, index=df.index, columns=[f"P({target}={s})" for s in states], copy=False)
        best = np.full(len(df), -1, dtype=np.int32)
        if len(df) and k:
            ok = ~np.isnan(out[:, 0])
            best[ok] = np.argmax(out[ok], axis=1)
        frame["most_probable"] = pd.Categorical.from_codes(best, categories=states)
        return frame

    def fit(self, df: pd.DataFrame, method: str = "mle", prior: Optional[float] = None, max_iter: int = 100,
            tolerance: float = 1e-5, restarts: int = 0, initial: str = "model", seed: int = 1) -> "Network":
        """A new network with this structure and tables estimated from `df`
        (``credence fit``): ``mle`` or ``bayes`` (BDeu prior) on complete cases, or ``em``
        using every row, missing cells summed out and variables without a column latent.
        `prior` is a BDeu equivalent sample size. The fit's report is ``result.report``."""
        opts = {"method": method, "maxIter": int(max_iter), "tolerance": float(tolerance), "restarts": int(restarts),
                "initial": initial, "seed": int(seed)}
        if prior is not None:
            opts["prior"] = float(prior)
        out, report = ctypes.c_void_p(), ctypes.c_void_p()
        with Table(df) as table:
            _ffi.call("credence_fit", self._handle, table.handle, json.dumps(opts).encode(),
                      ctypes.byref(out), ctypes.byref(report))
        r = json.loads(_ffi.take_text(report.value))
        _warn(r)
        return Network(out.value, report=r)

    def evaluate(self, df: pd.DataFrame, target: str, folds: Optional[int] = None, seed: int = 1) -> dict:
        """The network as a classifier of `target` on `df` (``credence evaluate --json``):
        accuracy, log loss, AUC, Brier score, log-likelihood; with `folds`, k-fold
        cross-validation of the structure refitted, naive Bayes and TAN."""
        out = ctypes.c_void_p()
        with Table(df) as table:
            _ffi.call("credence_evaluate", self._handle, table.handle, target.encode(), int(folds or 0), int(seed),
                      ctypes.byref(out))
        r = json.loads(_ffi.take_text(out.value))
        _warn(r)
        return r

    # ---- edits (each returns a new network) -----------------------------------------

    def edit(self, command: str) -> "Network":
        """A new network: this one with one edit of the REPL language applied, e.g.
        ``"add edge smoke -> dysp"``, ``"remove variable asia"``,
        ``"set cpt smoke 0.3 0.7"`` (docs/repl.md)."""
        out = ctypes.c_void_p()
        _ffi.call("credence_network_edit", self._handle, command.encode(), ctypes.byref(out))
        return Network(out.value)

    def add_edge(self, parent: str, child: str) -> "Network":
        """A new network with the arc ``parent -> child`` (the child's table repeated over
        the new parent's states)."""
        return self.edit(f"add edge {_q(parent)} -> {_q(child)}")

    def remove_edge(self, parent: str, child: str) -> "Network":
        """A new network without the arc (the parent summed out of the child's table)."""
        return self.edit(f"remove edge {_q(parent)} -> {_q(child)}")

    def reverse_edge(self, parent: str, child: str) -> "Network":
        """A new network with the arc reversed (tables by Bayes' rule: the same joint)."""
        return self.edit(f"reverse edge {_q(parent)} -> {_q(child)}")

    def remove_variable(self, variable: str) -> "Network":
        """A new network without `variable` (its children keep their distributions)."""
        return self.edit(f"remove variable {_q(variable)}")

    def set_cpt(self, variable: str, probabilities: Sequence[float],
                parent_states: Optional[Sequence[str]] = None) -> "Network":
        """A new network with `variable`'s table (or its row for `parent_states`) replaced."""
        numbers = " ".join(repr(float(p)) for p in probabilities)
        if parent_states is None:
            return self.edit(f"set cpt {_q(variable)} {numbers}")
        return self.edit(f"set cpt {_q(variable)} ({', '.join(_q(s) for s in parent_states)}): {numbers}")

    # ---- pictures -------------------------------------------------------------------

    def render(self, evidence: Evidence = None, soft: Evidence = None, do: Evidence = None,
               targets: Sequence[str] = ()) -> Picture:
        """The picture of ``credence render``: every node a monitor of its posterior under
        the findings (needs Graphviz's ``dot``)."""
        out = ctypes.c_void_p()
        _ffi.call("credence_render_svg", self._handle, findings(evidence, soft, do), names(list(targets)),
                  ctypes.byref(out))
        return Picture(_ffi.take_text(out.value))

    def _repr_svg_(self) -> Optional[str]:
        if shutil.which("dot") is None:
            return None
        try:
            return self.render().svg
        except Exception:  # a picture is a courtesy: the text repr stands in
            return None


_PAIR = struct.Struct("=ii")   # a (variable, state) pair of credence_query_indexed
_query_indexed = _ffi.lib.credence_query_indexed


def _public_series(values: np.ndarray, index: pd.Index, name: str) -> pd.Series:
    return pd.Series(values, index=index, name=name, copy=False)


def _fast_series(values: np.ndarray, index: pd.Index, name: str) -> pd.Series:
    """The same Series as `_public_series` (a float64 array, not copied), assembled from its
    block and block manager: pandas' public constructor re-checks its arguments and costs
    more than the whole query on a small network. The block's placement, the one part that
    depends only on the length, is made once per length."""
    n = len(values)
    placement = _PLACEMENTS.get(n)
    if placement is None:
        placement = _PLACEMENTS[n] = BlockPlacement(slice(0, n))
    mgr = SingleBlockManager(NumpyBlock(values, placement=placement, ndim=1), index)
    s = pd.Series._from_mgr(mgr, mgr.axes)
    object.__setattr__(s, "_name", name)
    return s


def _same_series(a: pd.Series, b: pd.Series) -> None:
    """Raises unless `a` and `b` are the same Series down to pandas' own attributes."""
    pd.testing.assert_series_equal(a, b, check_index_type=True, check_series_type=True)
    assert vars(a).keys() == vars(b).keys() and type(a._mgr) is type(b._mgr)
    assert type(a._mgr.blocks[0]) is type(b._mgr.blocks[0]) and a.flags.allows_duplicate_labels


_PLACEMENTS: Dict[int, Any] = {}


def _first_series(values: np.ndarray, index: pd.Index, name: str) -> pd.Series:
    """The first query's Series, which picks how every later one is made: `_fast_series`
    when pandas' internals (they move between versions) give the same Series as its public
    constructor on two probes, else `_public_series`. Checked here rather than at import,
    because pandas itself is imported at first use (credence._lazy)."""
    global _series, BlockPlacement, SingleBlockManager, NumpyBlock
    try:
        from pandas._libs.internals import BlockPlacement
        from pandas.core.internals import SingleBlockManager
        from pandas.core.internals.blocks import NumpyBlock
        for probe in ((np.array([0.25, 0.75]), pd.Index(["a", "b"], name="x", dtype=object), "P(x)"),
                      (np.array([0.5, 0.25, 0.25]), pd.Index(["a", "b", "c"], name="y", dtype=object), "P(y)")):
            _same_series(_fast_series(*probe), _public_series(*probe))
        _series = _fast_series
    except Exception:  # pragma: no cover - depends on the pandas version
        _series = _public_series
    return _series(values, index, name)


_series = _first_series


def _q(name: str) -> str:
    """A name as the REPL language quotes it when needed."""
    if name and all(c.isalnum() or c in "_.-" for c in name):
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _number(x: Any) -> float:
    return float("nan") if x is None else float(x)


def _warn(report: Mapping[str, Any]) -> None:
    import warnings
    for note in report.get("notes", []) or []:
        warnings.warn(note, CredenceWarning, stacklevel=3)
    rows = report.get("impossibleRows") or []
    if isinstance(rows, int):   # fit reports count them; score and evaluate list them
        warnings.warn(f"{rows} row{'s have' if rows > 1 else ' has'} probability zero under the fitted tables",
                      CredenceWarning, stacklevel=3)
        return
    for r in rows[:5]:
        place = f"row {r['row']}"
        warnings.warn(f"{place}: {', '.join(r['findings'])} has probability zero; its scores are NaN",
                      CredenceWarning, stacklevel=3)
    if len(rows) > 5:
        warnings.warn(f"{len(rows) - 5} more rows have probability zero", CredenceWarning, stacklevel=3)


class CredenceWarning(UserWarning):
    """A note about a table: an ignored column, a category read as missing, a row of
    probability zero."""
