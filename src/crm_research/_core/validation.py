"""Input checks shared by every public entry point.

Every public function calls these first, so that bad input is reported once, at the boundary,
in one template: what was expected, what was found, how to fix it. Deep code assumes clean input.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .errors import DataError

__all__ = [
    "format_rows",
    "require_frame",
    "require_columns",
    "numeric_frame",
    "require_min_rows",
    "require_choice",
    "require_probability",
    "require_positive_int",
]


def format_rows(index: Iterable, limit: int = 10, *, word: str = "row", total: int | None = None) -> str:
    """'rows 3, 7, 12' (at most ``limit`` shown, then '… and N more'); ``word='line'`` for file lines;
    ``total``: how many there are when ``index`` holds only the first few."""
    rows = list(index)
    n = len(rows) if total is None else total
    shown = ", ".join(str(r) for r in rows[:limit])
    more = f" … and {n - min(limit, len(rows))} more" if n > min(limit, len(rows)) else ""
    return f"{word if n == 1 else word + 's'} {shown}{more}"


def require_frame(data, func: str, param: str = "data") -> pd.DataFrame:
    """Accept a DataFrame (or a Series, turned into a one-column frame); never mutate it."""
    if isinstance(data, pd.Series):
        return data.to_frame()
    if not isinstance(data, pd.DataFrame):
        raise DataError(
            f"{func}: {param} must be a pandas DataFrame, got {type(data).__name__}; "
            f"wrap arrays with pd.DataFrame(...) and name the columns"
        )
    return data


def require_columns(data: pd.DataFrame, columns: Sequence, func: str, what: str = "columns") -> list:
    """Raise if any of ``columns`` is missing from ``data``; return them as a list."""
    if isinstance(columns, str):
        columns = [columns]
    columns = list(columns)
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise DataError(
            f"{func}: {what} not found in data: {missing}; "
            f"available columns are {list(map(str, data.columns))[:20]}"
        )
    dup = sorted({str(c) for c in columns if columns.count(c) > 1})
    if dup:
        raise DataError(f"{func}: {what} listed more than once: {dup}")
    return columns


def numeric_frame(data: pd.DataFrame, columns: Sequence, func: str) -> pd.DataFrame:
    """Columns as float, raising a DataError that names the column and rows of non-numbers."""
    out = {}
    for c in columns:
        s = data[c]
        if pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
            out[c] = s.astype(float)
            continue
        conv = pd.to_numeric(s, errors="coerce")
        bad = s.notna() & conv.isna()
        if bad.any():
            examples = [repr(v) for v in s[bad].unique()[:3]]
            raise DataError(
                f"{func}: column {c!r} must be numeric; found non-numeric values "
                f"{', '.join(examples)} in {format_rows(s.index[bad])}"
            )
        out[c] = conv.astype(float)
    return pd.DataFrame(out, index=data.index)


def require_min_rows(n: int, minimum: int, func: str, what: str = "complete cases") -> None:
    if n < minimum:
        raise DataError(f"{func}: needs at least {minimum} {what}, found {n}")


def require_choice(value, choices: Sequence, func: str, param: str):
    if value not in choices:
        raise DataError(f"{func}: {param}={value!r} is not one of {list(choices)}")
    return value


def require_probability(value, func: str, param: str, *, open_interval: bool = True) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise DataError(f"{func}: {param} must be a number between 0 and 1, got {value!r}") from None
    ok = (0 < v < 1) if open_interval else (0 <= v <= 1)
    if not ok or np.isnan(v):
        raise DataError(f"{func}: {param} must be between 0 and 1, got {value!r}")
    return v


def require_positive_int(value, func: str, param: str, *, allow_zero: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise DataError(f"{func}: {param} must be an integer, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = "≥ 0" if allow_zero else "≥ 1"
        raise DataError(f"{func}: {param} must be {bound}, got {value}")
    return int(value)
