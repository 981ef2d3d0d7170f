"""crm_research: customer-relationship research for logistics and express-delivery firms.

Importing the package has no side effects: no global options, warning filters or logging set-up.
Submodules (``survey``, ``reliability``, ``validity``, ``regression``, ``models``, ``value``,
``audit``, ``simulate``, ``tables``, ``plots``, ``reports``) are imported on first use.
"""

from __future__ import annotations

import importlib

from ._core.errors import DataError, StatWarning

__version__ = "0.1.0"

__all__ = ["DataError", "StatWarning", "__version__"]

_SUBMODULES = {
    "survey", "reliability", "validity", "regression", "models", "value", "audit", "frequencies",
    "simulate", "tables", "plots", "reports", "warehouse", "labels", "cli", "spec", "sem", "evaluation",
    "periodic", "report", "present", "io", "engines", "replications", "thesis",
}


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'crm_research' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))
