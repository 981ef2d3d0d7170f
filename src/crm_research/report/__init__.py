"""The periodic reports: notebooks rendered by papermill into ``reports/<period>/``, their pages,
privacy of what they show, and the index. Nothing here computes a statistic: the numbers come
from the analysis modules (:mod:`crm_research.periodic` for period-over-period figures) and the
words and formats from :mod:`crm_research.present`.

The names below load their module on first use, so that ``crm-research report`` can start its
kernels before this process imports pandas.
"""

import importlib

_WHERE = {"ReportContext": "context", "check_parameters": "context", "open_page": "context", "sql_engine": "context",
          "PeriodData": "data", "to_html": "pages", "write_index": "pages", "pseudonymise": "privacy",
          "suppress_small": "privacy", "ReportError": "render", "render_period": "render",
          "render_reports": "render", "satisfaction_indices": "waves"}

__all__ = ["PeriodData", "ReportContext", "check_parameters", "open_page", "sql_engine", "to_html", "write_index", "pseudonymise",
           "suppress_small", "ReportError", "render_period", "render_reports", "satisfaction_indices"]


_MODULES = {"context", "data", "kernels", "pages", "privacy", "render", "waves"}


def __getattr__(name: str):
    if name in _MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _WHERE:
        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_WHERE) + list(_MODULES))
