"""Kept importable for users' notebooks: the report helpers now live in :mod:`crm_research.report`,
the period statistics in :mod:`crm_research.periodic` and period files in :mod:`crm_research.io`."""

from .io.periods import discover_periods, survey_file
from .periodic import kpis, wave_comparison
from .report import (ReportContext, ReportError, check_parameters, pseudonymise, render_period, render_reports,
                     satisfaction_indices, sql_engine, suppress_small, to_html, write_index)

__all__ = ["check_parameters", "survey_file", "satisfaction_indices", "sql_engine", "wave_comparison",
           "ReportContext", "ReportError", "render_reports", "render_period", "discover_periods", "pseudonymise",
           "suppress_small", "kpis", "write_index", "to_html"]
