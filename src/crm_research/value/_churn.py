"""Churn early warning (source document 001, example 1): a regular customer whose purchase cycle
lengthens or whose volume shrinks is a likely defector."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .._core.errors import DataError
from .._core.results import Result, result
from ._tx import Session, as_of_date, with_customer

__all__ = ["churn_warning", "warning_precision_recall"]


@result
class ChurnWarningResult(Result):
    """``customers``: one row per regular customer (flagged first, by value at risk) with the
    baseline and recent behaviour, ``slow`` / ``shrink`` (which rule fired) and ``flag``;
    ``excluded``: customers with too short a history to judge."""

    customers: pd.DataFrame
    excluded: int

    title = "Churn warnings"

    @property
    def flagged(self) -> pd.DataFrame:
        return self.customers[self.customers["flag"]]

    def to_frame(self) -> pd.DataFrame:
        return self.customers


def churn_warning(transactions_, *, customer, date, amount, as_of, recent_days: int = 90, min_orders: int = 6,
                  gap_factor: float = 2.0, volume_factor: float = 0.5, alpha: float = 0.01, lost_factor: float = 4.0,
                  engine=None) -> ChurnWarningResult:
    """Flag regular customers whose recent behaviour falls away from their own baseline.

    Baseline: the customer's history before the last ``recent_days`` (at least ``min_orders``
    orders — one-off customers are excluded and counted in ``excluded``), giving an order
    rate λ per day. A customer is flagged when

    - the purchase cycle lengthens: the days since the last order d exceed ``gap_factor`` × the
      baseline mean gap *and* such a pause is unlikely at the baseline rate, e^(−λd) < ``alpha``; or
    - the volume shrinks: the recent amount per day is below ``volume_factor`` × the baseline *and*
      so few recent orders are unlikely at the baseline rate, P(Poisson(λ·recent_days) ≤ k) < ``alpha``.

    A flagged customer silent for at least ``lost_factor`` × its usual gap is ``state="lost"``
    (already gone: win-back, not retention); the others flagged are ``"at_risk"``.

    The probability conditions keep chance pauses of small customers from raising alarms. Which
    rule fired is in the boolean columns ``slow`` and ``shrink`` (the words are
    :func:`crm_research.present.text.churn_reason`); customers are ranked by value at risk
    (baseline amount per day × 365), the customer a column.

    ``transactions_``: a DataFrame, a Parquet or CSV path or glob, or a :class:`WarehouseTable`
    (checked and aggregated by DuckDB); ``as_of``: a date or a date string.
    """
    func = "churn_warning"
    as_of = as_of_date(as_of, func)
    recent_start = (as_of - pd.Timedelta(days=recent_days)).date().isoformat()
    with Session(func, engine) as s:
        s.transactions(transactions_, customer=customer, amount=amount, date=date, as_of=as_of)
        f = with_customer(s.run("churn_features", as_of=as_of.date().isoformat(), recent_start=recent_start), customer)
    regular = (f["baseline_orders"] >= min_orders) & (f["baseline_days"] > 0)
    excluded = int((~regular).sum())
    f = f[regular].copy()
    per_day_base = f["baseline_amount"] / f["baseline_days"]
    per_day_recent = f["recent_amount"] / recent_days
    f["gap_ratio"] = f["days_since_last"] / f["baseline_gap"]
    f["volume_ratio"] = per_day_recent / per_day_base
    f["value_at_risk"] = per_day_base * 365
    rate = f["baseline_orders"] / f["baseline_days"]
    f["p_pause"] = np.exp(-rate * f["days_since_last"])
    f["p_few_orders"] = stats.poisson.cdf(f["recent_orders"], rate * recent_days)
    slow = (f["gap_ratio"] > gap_factor) & (f["p_pause"] < alpha)
    shrink = (f["volume_ratio"] < volume_factor) & (f["p_few_orders"] < alpha)
    f["slow"], f["shrink"] = slow, shrink
    f["flag"] = slow | shrink
    # silent for far longer than the usual cycle: already lost, not at risk
    lost = f["flag"] & (f["gap_ratio"] >= lost_factor)
    f["state"] = np.where(lost, "lost", np.where(f["flag"], "at_risk", "ok"))
    f = f.sort_values(["flag", "value_at_risk"], ascending=[False, False], kind="mergesort").reset_index(drop=True)
    return ChurnWarningResult(f, excluded)


def warning_precision_recall(flags: pd.Series, churned: pd.Series) -> dict:
    """Precision and recall of boolean ``flags`` against the boolean truth ``churned`` (same index)."""
    both = pd.DataFrame({"flag": flags.astype(bool), "churned": churned.reindex(flags.index).fillna(False).astype(bool)})
    tp = int((both["flag"] & both["churned"]).sum())
    fp = int((both["flag"] & ~both["churned"]).sum())
    fn = int((~both["flag"] & both["churned"]).sum())
    if tp + fp == 0 and tp + fn == 0:
        raise DataError("warning_precision_recall: no flags and no churners; nothing to score")
    return {"precision": tp / (tp + fp) if tp + fp else float("nan"), "recall": tp / (tp + fn) if tp + fn else float("nan"),
            "true_positives": tp, "false_positives": fp, "false_negatives": fn}
