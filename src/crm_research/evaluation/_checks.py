"""Boundary checks shared by the evaluation functions (one message template: what was expected,
what was found, how to fix it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .._core.errors import DataError
from .._core.validation import format_rows, numeric_frame, require_columns, require_frame

#: tolerance for "sums to 1"
SUM_TOL = 1e-6


def complete_numeric(data, func: str, columns: Sequence | None = None, *, what: str = "criteria",
                     param: str = "data") -> pd.DataFrame:
    """The named columns (default: all) as floats; no missing values; at least one row."""
    frame = require_frame(data, func, param)
    columns = list(frame.columns) if columns is None else require_columns(frame, columns, func, what)
    if not columns:
        raise DataError(f"{func}: {param} has no columns; pass one column per criterion")
    x = numeric_frame(frame, columns, func)
    if x.empty:
        raise DataError(f"{func}: {param} has no rows")
    na = x.isna().any(axis=1)
    if na.any():
        cols = x.columns[x.isna().any()].tolist()
        raise DataError(f"{func}: missing values in {what} {cols} ({format_rows(x.index[na])}); "
                        f"impute or drop those rows first")
    return x


def require_varying(x: pd.DataFrame, func: str, what: str = "criteria") -> None:
    """Raise if a column has the same value in every row (it cannot discriminate)."""
    flat = [c for c in x.columns if np.ptp(x[c].to_numpy()) == 0]
    if flat:
        raise DataError(f"{func}: {what} with the same value in every row: {flat}; a constant criterion cannot "
                        f"discriminate between rows, drop it")


def weights_series(weights, func: str, param: str = "weights", index: Sequence | None = None) -> pd.Series:
    """Weights as a float Series: non-negative, summing to 1, one per name in ``index`` (when given).

    A list/array is taken in the order of ``index``; a dict/Series is matched by name.
    """
    if isinstance(weights, (Mapping, pd.Series)):
        w = pd.Series(dict(weights) if isinstance(weights, Mapping) else weights, dtype=float)
    else:
        arr = np.asarray(weights, dtype=float).ravel()
        if index is None:
            raise DataError(f"{func}: {param} must be a dict or Series keyed by name")
        if len(arr) != len(index):
            raise DataError(f"{func}: {param} has {len(arr)} values but {len(index)} are needed, one for each "
                            f"of {list(map(str, index))}")
        w = pd.Series(arr, index=list(index), dtype=float)
    if index is not None:
        index = list(index)
        missing = [c for c in index if c not in w.index]
        extra = [c for c in w.index if c not in index]
        if missing or extra:
            raise DataError(f"{func}: {param} must name exactly {list(map(str, index))}; missing {missing}, "
                            f"unknown {extra}")
        w = w[index]
    if w.isna().any():
        raise DataError(f"{func}: {param} has missing values for {w.index[w.isna()].tolist()}")
    if (w < 0).any():
        raise DataError(f"{func}: {param} must be non-negative; found {w[w < 0].to_dict()}")
    total = float(w.sum())
    if abs(total - 1) > SUM_TOL:
        raise DataError(f"{func}: {param} must sum to 1, found {total:.6g}; divide them by their sum")
    return w
