"""Checking a user's transaction table once, at the boundary."""

from __future__ import annotations

import pandas as pd

from .._core.errors import DataError
from .._core.validation import format_rows, require_columns, require_frame


def transactions(data, func: str, *, customer: str, amount: str, date: str | None = None,
                 cost: str | None = None, as_of=None) -> pd.DataFrame:
    """Columns renamed to customer / amount [/ tx_date / cost]; bad rows raise a DataError naming them."""
    frame = require_frame(data, func)
    cols = [customer, amount] + [c for c in (date, cost) if c]
    require_columns(frame, cols, func)
    if frame.empty:
        raise DataError(f"{func}: the table has no rows; expected one row per transaction or customer")
    out = pd.DataFrame({"customer": frame[customer]})
    for name, col in (("amount", amount), ("cost", cost)):
        if not col:
            continue
        v = pd.to_numeric(frame[col], errors="coerce")
        bad = v.isna()
        if bad.any():
            raise DataError(f"{func}: column {col!r} is missing or not a number in {format_rows(frame.index[bad])}; "
                            f"fill or drop those rows first")
        neg = v < 0
        if neg.any():
            raise DataError(f"{func}: column {col!r} has negative values in {format_rows(frame.index[neg])}; "
                            f"record refunds and credit notes separately")
        out[name] = v.astype(float)
    if out["customer"].isna().any():
        raise DataError(f"{func}: column {customer!r} is empty in {format_rows(frame.index[out['customer'].isna()])}")
    if date:
        d = pd.to_datetime(frame[date], errors="coerce")
        bad = d.isna()
        if bad.any():
            raise DataError(f"{func}: column {date!r} is not a date in {format_rows(frame.index[bad])}")
        if as_of is not None:
            future = d > pd.Timestamp(as_of)
            if future.any():
                raise DataError(f"{func}: {int(future.sum())} dates in column {date!r} are after as_of={pd.Timestamp(as_of).date()} "
                                f"({format_rows(frame.index[future])}); choose a later as_of or filter those rows")
        out["tx_date"] = d.dt.normalize()
    if (out["amount"] == 0).all():
        raise DataError(f"{func}: every value in column {amount!r} is zero; nothing to rank")
    return out
