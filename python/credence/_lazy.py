"""pandas, imported on its first use rather than with the package.

credence.spark's executors only hand Arrow batches to the C ABI (credence._arrow) and never
touch pandas, so a fresh Python worker need not pay for importing it (about 0.2 CPU seconds
of the worker's start, BENCHMARKS.md "Spark scoring cold"). Everything that takes or returns
DataFrames reaches pandas through :data:`pd`, which imports it at the first attribute read.
"""
from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any, Optional


class LazyModule:
    """A module imported at the first attribute read (``pd.DataFrame``), then read through."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: Optional[ModuleType] = None

    def __getattr__(self, attr: str) -> Any:
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attr)


#: pandas, imported at first use.
pd: Any = LazyModule("pandas")
