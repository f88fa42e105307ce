"""Credence from Python: discrete Bayesian networks with pandas in and pandas out.

>>> import credence
>>> net = credence.load("models/telco_churn.bn")                 # doctest: +SKIP
>>> net.query("Churn", evidence={"Contract": "month-to-month"})  # a Series by state
>>> scores = net.score(customers, target="Churn")                # a DataFrame on customers.index
>>> fitted = net.fit(customers, method="em")                     # a new network

Everything runs in Credence's Swift core (libcredence_c.so) through its C ABI: the same
operations, numbers and messages as the ``credence`` command line.
"""
from __future__ import annotations

import ctypes
import json
from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional, Sequence, Tuple

from . import _ffi
from ._encode import Table
from .errors import (ArgumentError, CredenceError, CredenceIOError, FormatError, InferenceError, InternalError,
                     LearningError, ModelError, UsageError)
from .network import Assignment, CredenceWarning, Network, Picture
from .session import Session

if TYPE_CHECKING:  # only annotations name pandas here; it is imported on first use (credence._lazy)
    import pandas as pd

__version__ = "0.1.0"

__all__ = ["load", "loads", "learn", "Network", "Session", "Assignment", "Picture", "CredenceError", "UsageError",
           "FormatError", "ModelError", "InferenceError", "LearningError", "CredenceIOError", "ArgumentError",
           "InternalError", "CredenceWarning", "library_version"]


def library_version() -> str:
    """The version of the bundled C library."""
    return _ffi.version()


def load(path: str) -> Network:
    """Reads a model file; the format follows the extension (.bn, .bif, .bif.gz,
    .xmlbif/.xml, .net, .uai)."""
    out = ctypes.c_void_p()
    _ffi.call("credence_network_load", str(path).encode(), ctypes.byref(out))
    return Network(out.value)


def loads(text: str, format: str = "bn") -> Network:
    """Parses model text: ``bn`` (Credence's model language), ``bif``, ``xmlbif``, ``net``
    or ``uai``."""
    out = ctypes.c_void_p()
    _ffi.call("credence_network_parse", text.encode(), format.encode(), ctypes.byref(out))
    return Network(out.value)


def learn(df: pd.DataFrame, target: Optional[str] = None, *, algorithm: Optional[str] = None,
          score: Optional[str] = None, ess: Optional[float] = None, max_parents: Optional[int] = None,
          require: Sequence[Tuple[str, str]] = (), forbid: Sequence[Tuple[str, str]] = (),
          restarts: Optional[int] = None, max_iterations: Optional[int] = None, seed: int = 1,
          discretize: Optional[Mapping[str, str]] = None, discretize_numeric: Optional[str] = None,
          categorical_limit: Optional[int] = None, structures: Optional[Sequence[str]] = None,
          priors: Optional[Sequence[float]] = None, inner_folds: Optional[int] = None,
          few_valued_bins: Optional[Sequence[str]] = None, parameters: Optional[Sequence[str]] = None,
          bagging: Optional[int] = None, weights: Optional[Sequence[float]] = None,
          derived: Optional[str] = None) -> Network:
    """A network learned from `df` (``credence learn``): structure search (``hc`` or
    ``tabu`` on ``bic``, ``aic``, ``bdeu`` or ``k2``) and BDeu parameters; structural EM when
    cells are missing. Numeric columns with many values are cut into intervals
    (``equal-frequency:4`` by default; `discretize` per column: ``equal-width:K``,
    ``equal-frequency:K``, ``mdl`` or ``none``), and the cut points are kept in the model.

    With `target`, the classifier pipeline of ``credence learn --target``: MDL bins against
    the target, then the structure family (naive Bayes, TAN, KDB, BAN, ...), prior and
    binning of few-valued numeric columns (`few_valued_bins`: ``values``, ``mdl`` or both,
    the default) and the tables (`parameters`: ``generative`` counts, ``discriminative``
    tables fitted for P(target | row), or both, the default) with the best inner
    cross-validated log loss; `derived` ``auto`` (the default) also offers a derived index
    of numeric columns, ``none`` does not. The report is ``result.report``. `weights`
    (one per row) weighs each row, e.g. distinct rows with their counts (credence.spark)."""
    opts: Dict[str, Any] = {"seed": int(seed)}
    for key, value in (("target", target), ("algorithm", algorithm), ("score", score), ("ess", ess),
                       ("maxParents", max_parents), ("restarts", restarts), ("maxIterations", max_iterations),
                       ("discretize", dict(discretize) if discretize else None),
                       ("discretizeNumeric", discretize_numeric), ("categoricalLimit", categorical_limit),
                       ("structures", list(structures) if structures else None),
                       ("priors", list(priors) if priors else None), ("innerFolds", inner_folds),
                       ("fewValuedBins", list(few_valued_bins) if few_valued_bins else None),
                       ("parameters", list(parameters) if parameters else None),
                       ("bagging", bagging), ("derived", derived)):
        if value is not None:
            opts[key] = value
    if require:
        opts["require"] = [list(p) for p in require]
    if forbid:
        opts["forbid"] = [list(p) for p in forbid]
    out, report = ctypes.c_void_p(), ctypes.c_void_p()
    with Table(df, weights=weights) as table:
        _ffi.call("credence_learn", table.handle, json.dumps(opts).encode(), ctypes.byref(out), ctypes.byref(report))
    return Network(out.value, report=json.loads(_ffi.take_text(report.value)))
