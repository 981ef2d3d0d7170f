"""Credit management "3+1" (source document 004): receivables ageing, DSO, overdue rate and a
simple credit grade."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._core.errors import DataError
from ._tx import Session, _date_expr, _ident, as_of_date, by_customer, with_customer

__all__ = ["receivables_ageing", "credit_grades"]


def receivables_ageing(invoices, payments, *, as_of, customer="customer_id", engine=None) -> pd.DataFrame:
    """Open receivables per customer at ``as_of`` by days past due: 0–30 (incl. not yet due),
    31–60, 61–90, > 90; with the overdue amount, the overdue rate and DSO over the 90 days before
    ``as_of`` (outstanding / invoiced in those 90 days × 90).

    ``invoices`` need invoice_id, customer, issue_date, due_date, amount; ``payments`` invoice_id,
    pay_date, amount — each a DataFrame, a Parquet or CSV path or glob, or a
    :class:`WarehouseTable`, checked by DuckDB. Payments for unknown invoices raise a DataError
    naming them. Returns one row per customer, the customer a column; ``as_of`` may be a string.
    """
    func = "receivables_ageing"
    as_of = as_of_date(as_of, func)
    with Session(func, engine) as s:
        inv = s.source(invoices, "invoices")
        pay = s.source(payments, "payments")
        s.require_columns(inv, ["invoice_id", customer, "issue_date", "due_date", "amount"], "invoice columns")
        s.require_columns(pay, ["invoice_id", "pay_date", "amount"], "payment columns")
        q = _ident
        sel = {"inv": (inv, f"CAST({q('invoice_id')} AS VARCHAR) AS invoice_id, {q(customer)} AS customer, "
                            f"{_date_expr('issue_date', inv.columns['issue_date'])} AS issue_date, "
                            f"{_date_expr('due_date', inv.columns['due_date'])} AS due_date, "
                            f"TRY_CAST({q('amount')} AS DOUBLE) AS amount"),
               "pay": (pay, f"CAST({q('invoice_id')} AS VARCHAR) AS invoice_id, "
                            f"{_date_expr('pay_date', pay.columns['pay_date'])} AS pay_date, "
                            f"TRY_CAST({q('amount')} AS DOUBLE) AS amount")}
        for v, (src, select) in sel.items():
            s.view(v, f"SELECT {select} FROM {q(src.view)}")
        known = f"SELECT invoice_id FROM {q(s.tag + '_inv')} WHERE invoice_id IS NOT NULL"
        unknown = f"invoice_id IS NULL OR invoice_id NOT IN ({known})"
        n = s.count(sel["pay"], unknown)
        if n:
            ids = [r[0] for r in s.con.execute(
                f"SELECT DISTINCT CAST(invoice_id AS VARCHAR) FROM {q(s.tag + '_pay')} WHERE {unknown} ORDER BY 1 LIMIT 10").fetchall()]
            raise DataError(f"{func}: payments for unknown invoices {ids} ({s.where(pay, sel['pay'][1], unknown, n)[0]})")
        bad = "amount IS NULL OR NOT isfinite(amount) OR amount < 0"
        for name in ("invoices", "payments"):
            src, select = sel[name[:3]]
            n = s.count(sel[name[:3]], bad)
            if n:
                raise DataError(f"{func}: {name} amount is missing or negative in {s.where(src, select, bad, n)[0]}")
        for name, col in (("invoices", "issue_date"), ("invoices", "due_date"), ("payments", "pay_date")):
            src, select = sel[name[:3]]
            n = s.count(sel[name[:3]], f"{col} IS NULL")
            if n:
                raise DataError(f"{func}: column {col!r} of {name} is not a date in {s.where(src, select, f'{col} IS NULL', n)[0]}")
        recent_start = (as_of - pd.Timedelta(days=90)).date().isoformat()
        out = with_customer(s.run("ageing", ("inv", "pay"), as_of=as_of.date().isoformat(), recent_start=recent_start),
                            customer)
    billed = out.pop("billed_90d")
    out["overdue_rate"] = np.where(out["outstanding"] > 0, out["overdue"] / out["outstanding"].where(out["outstanding"] > 0), 0.0)
    out["dso_days"] = np.where(billed > 0, out["outstanding"] / billed.where(billed > 0) * 90, np.nan)
    return out


def credit_grades(ageing: pd.DataFrame) -> pd.Series:
    """A–D grade from the ageing table: D if anything is > 90 days overdue, C if > 60, B if any
    overdue or DSO above 60 days, else A; a Series indexed by customer."""
    need = ["d61_90", "d90_plus", "overdue", "dso_days"]
    missing = [c for c in need if c not in ageing.columns]
    if missing:
        raise DataError(f"credit_grades: expected the table returned by receivables_ageing(); missing {missing}")
    g = np.select([ageing["d90_plus"] > 0, ageing["d61_90"] > 0, (ageing["overdue"] > 0) | (ageing["dso_days"] > 60)],
                  ["D", "C", "B"], "A")
    return pd.Series(g, index=by_customer(ageing).index, name="credit_grade")
