"""Composite customer value (source document 001, example 3): indicator normalisation, entropy and
AHP weights, the current × potential value matrix, and customer delivered value."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._core.errors import DataError
from .._core.results import Result, result
from .._core.validation import numeric_frame, require_columns, require_frame

# entropy and AHP weights live in crm_research.evaluation; re-exported here for existing callers
from ..evaluation._weights import RANDOM_INDEX, AHPResult, ahp_weights, entropy_weights

__all__ = ["normalise", "entropy_weights", "ahp_weights", "AHPResult", "composite_value", "value_matrix",
           "delivered_value", "RANDOM_INDEX", "ValueMatrixResult"]


def normalise(data, columns, *, cost_columns=()) -> pd.DataFrame:
    """Min–max scale each indicator to 0–1; ``cost_columns`` (lower is better, e.g. payment days,
    default rate) are reversed."""
    func = "normalise"
    frame = require_frame(data, func)
    columns = require_columns(frame, columns, func, "indicators")
    x = numeric_frame(frame, columns, func)
    if x.isna().any().any():
        bad = x.columns[x.isna().any()].tolist()
        raise DataError(f"{func}: indicators with missing values: {bad}; impute or drop those customers first")
    rng = x.max() - x.min()
    flat = rng[rng == 0].index.tolist()
    if flat:
        raise DataError(f"{func}: indicators with the same value for every customer: {flat}")
    z = (x - x.min()) / rng
    for c in cost_columns:
        if c not in columns:
            raise DataError(f"{func}: cost column {c!r} is not among the indicators")
        z[c] = 1 - z[c]
    return z


def composite_value(normalised: pd.DataFrame, weights) -> pd.Series:
    """Weighted sum of normalised indicators (weights rescaled to sum to 1)."""
    w = pd.Series(weights, dtype=float)
    missing = [c for c in w.index if c not in normalised.columns]
    if missing:
        raise DataError(f"composite_value: weights for indicators not in the table: {missing}")
    if (w < 0).any() or w.sum() <= 0:
        raise DataError("composite_value: weights must be non-negative and not all zero")
    w = w / w.sum()
    return (normalised[w.index] * w).sum(axis=1).rename("value")


@result
class ValueMatrixResult(Result):
    """``customers``: current and potential value and the quadrant (key, maintain, develop, reduce)
    by customer; ``split``: the (current, potential) values where the quadrants divide."""

    customers: pd.DataFrame
    split: tuple

    def to_frame(self) -> pd.DataFrame:
        return self.customers


def value_matrix(current: pd.Series, potential: pd.Series, *, split="median") -> ValueMatrixResult:
    """Current × potential value matrix with four quadrants (split at the medians or given values)."""
    df = pd.DataFrame({"current": current, "potential": potential}).dropna()
    cx, cy = (df["current"].median(), df["potential"].median()) if split == "median" else split
    hi_c, hi_p = df["current"] >= cx, df["potential"] >= cy
    df["quadrant"] = np.select([hi_c & hi_p, hi_c & ~hi_p, ~hi_c & hi_p], ["key", "maintain", "develop"], "reduce")
    return ValueMatrixResult(df, (float(cx), float(cy)))


def delivered_value(scores: pd.DataFrame, *, total_value: str = "total_value", total_cost: str = "total_cost") -> pd.Series:
    """Customer delivered value (顾客让渡价值) = total customer value − total customer cost
    (Kotler), from survey construct scores."""
    require_columns(scores, [total_value, total_cost], "delivered_value", "constructs")
    return (scores[total_value] - scores[total_cost]).rename("delivered_value")
