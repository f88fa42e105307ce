"""`Session`: the REPL's session (model, findings, scenarios, undo/redo) from Python."""
from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING, Dict, Optional, Sequence, Union

from . import _ffi
from ._encode import RS, US
from .network import Network

if TYPE_CHECKING:  # only annotations name pandas here; it is imported on first use (credence._lazy)
    import pandas as pd


class Session:
    """An interactive session, as in ``credence repl``: a current model that edits change
    (undoably), current findings, named scenarios. Commands are lines of the REPL language
    (docs/repl.md); :meth:`run` returns the text the REPL prints.

    >>> s = Session(credence.load("asia.bif"))                  # doctest: +SKIP
    >>> s.run("add edge smoke -> dysp"); s.run("observe smoke=yes")
    >>> s.undo(); s.network                                      # the network before the edit
    """

    def __init__(self, network: Optional[Network] = None) -> None:
        out = ctypes.c_void_p()
        _ffi.call("credence_session_new", network._handle if network is not None else None, ctypes.byref(out))
        self._handle = out.value

    def __del__(self) -> None:
        handle = getattr(self, "_handle", None)
        if handle and _ffi is not None and _ffi.lib is not None:
            _ffi.lib.credence_session_free(handle)
            self._handle = None

    def run(self, line: str) -> str:
        """Runs one command of the REPL language and returns its text."""
        out = ctypes.c_void_p()
        _ffi.call("credence_session_run", self._handle, line.encode(), ctypes.byref(out))
        return _ffi.take_text(out.value)

    def undo(self) -> bool:
        """Undoes the last model change; False when there was nothing to undo."""
        return _ffi.lib.credence_session_undo(self._handle, 0) == 1

    def redo(self) -> bool:
        """Redoes the last undone change; False when there was nothing to redo."""
        return _ffi.lib.credence_session_undo(self._handle, 1) == 1

    @property
    def network(self) -> Network:
        """The current model (an immutable snapshot: later commands do not change it)."""
        out = ctypes.c_void_p()
        _ffi.call("credence_session_network", self._handle, ctypes.byref(out))
        return Network(out.value)

    @property
    def findings(self) -> Dict[str, dict]:
        """The current findings: ``{"evidence": {...}, "soft": {...}, "do": {...}}``."""
        out = ctypes.c_void_p()
        _ffi.call("credence_session_findings", self._handle, ctypes.byref(out))
        text = _ffi.take_text(out.value)
        result: Dict[str, dict] = {"evidence": {}, "soft": {}, "do": {}}
        for record in filter(None, text.split(RS)):
            kind, name, *values = record.split(US)
            if kind == "e":
                result["evidence"][name] = values[0]
            elif kind == "d":
                result["do"][name] = values[0]
            else:
                result["soft"][name] = [float(v) for v in values]
        return result

    def query(self, targets: Union[str, Sequence[str]]) -> pd.Series:
        """The posterior of `targets` under the session's findings (see :meth:`Network.query`)."""
        f = self.findings
        return self.network.query(targets, evidence=f["evidence"], soft=f["soft"], do=f["do"])
