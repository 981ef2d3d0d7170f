"""The periodic reports: notebooks rendered by papermill into ``reports/<period>/``, their pages,
privacy of what they show, and the index. Nothing here computes a statistic: the numbers come
from the analysis modules (:mod:`crm_research.periodic` for period-over-period figures) and the
words and formats from :mod:`crm_research.present`.
"""

from .context import ReportContext, check_parameters, open_page, sql_engine
from .data import PeriodData
from .pages import to_html, write_index
from .privacy import pseudonymise, suppress_small
from .render import ReportError, render_period, render_reports
from .waves import satisfaction_indices

__all__ = ["PeriodData", "ReportContext", "check_parameters", "open_page", "sql_engine", "to_html", "write_index", "pseudonymise",
           "suppress_small", "ReportError", "render_period", "render_reports", "satisfaction_indices"]
