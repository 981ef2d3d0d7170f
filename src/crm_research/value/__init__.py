"""Customer value indices: ABC/Pareto, whale curve, RFM, CLV (BG/NBD + Gamma-Gamma), churn early
warning, composite value (entropy/AHP weights, value matrix, delivered value) and credit ("3+1").

Transaction-level aggregations (ABC, whale curve, RFM, churn features, CLV summary, ageing) take a
DataFrame, a Parquet or CSV path or glob, or a :class:`WarehouseTable`; DuckDB checks and aggregates
them where they are (default, in-process), or Spark runs the same SQL (pass
``engine=crm_research.engines.SparkEngine(...)``). Their tables keep the customer as a column, so
they chain: ``abc(rfm(tx, ...), customer="customer_id", amount="monetary")``.
"""

from ._abc import WhaleResult, abc, abc_migration, abc_summary, visit_plan, whale_curve
from ._churn import churn_warning, warning_precision_recall
from ._clv import BGNBDResult, GammaGammaResult, clv, fit_bgnbd, fit_gamma_gamma, summary_from_transactions
from ._composite import (AHPResult, ahp_weights, composite_value, delivered_value, entropy_weights, normalise,
                         value_matrix)
from ._credit import credit_grades, receivables_ageing
from ._lifecycle import benefit_index, development_index, lifecycle_stage, share_of_wallet
from ._rfm import SEGMENTS, rfm
from ._tx import WarehouseTable

__all__ = ["abc", "abc_summary", "visit_plan", "abc_migration", "whale_curve", "WhaleResult", "rfm", "SEGMENTS",
           "fit_bgnbd", "fit_gamma_gamma", "BGNBDResult", "GammaGammaResult", "summary_from_transactions", "clv",
           "churn_warning", "warning_precision_recall", "normalise", "entropy_weights", "ahp_weights", "AHPResult",
           "composite_value", "value_matrix", "delivered_value", "receivables_ageing", "credit_grades",
           "lifecycle_stage", "share_of_wallet", "development_index", "benefit_index", "WarehouseTable"]
