"""The transaction-level aggregations, written once as SQL that DuckDB and Spark SQL both run.

Two constructs differ between the two dialects here — whole days between two dates, and the value
at the smallest key (``arg_min`` / ``min_by``) — and they are filled in from :data:`DIALECT`. Sums
are added by parallel threads, so their last bits may differ between runs (≈ 1e-15 relative). Everything else (CTEs, window functions, CASE, CAST) is common
SQL. Queries read the registered table ``tx`` (one row per shipment/transaction) or ``inv`` and
``pay`` (invoices, payments) and return small per-customer tables.
"""

from __future__ import annotations

import pandas as pd

from .._core.errors import DataError

__all__ = ["DIALECT", "render", "run"]

DIALECT = {
    "duckdb": {"days": "datediff('day', {start}, {end})", "first": "arg_min({value}, {key})"},
    "spark": {"days": "datediff({end}, {start})", "first": "min_by({value}, {key})"},
}

QUERIES = {
    # one row per customer: amount, orders, profit, first/last date
    "customer_summary": """
        SELECT customer, SUM(amount) AS amount, COUNT(*) AS orders, SUM(amount - cost) AS profit,
               MIN(tx_date) AS first_date, MAX(tx_date) AS last_date
        FROM tx GROUP BY customer""",
    # ABC: rank by amount (largest first, ties by customer id), cumulative share, class
    "abc": """
        WITH c AS (SELECT customer, SUM(amount) AS amount FROM tx GROUP BY customer),
        r AS (
          SELECT customer, amount,
                 ROW_NUMBER() OVER (ORDER BY amount DESC, customer) AS rnk,
                 amount / SUM(amount) OVER () AS share,
                 SUM(amount) OVER (ORDER BY amount DESC, customer ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
                   / SUM(amount) OVER () AS cumulative_share
          FROM c)
        SELECT customer, amount, share, cumulative_share, rnk AS rank,
               CASE WHEN cumulative_share <= {cut_a} THEN 'A' WHEN cumulative_share <= {cut_b} THEN 'B' ELSE 'C' END AS abc_class
        FROM r ORDER BY rnk""",
    # whale curve: customers ranked by profit, cumulative profit
    "whale": """
        WITH c AS (SELECT customer, SUM(amount) AS revenue, SUM(cost) AS cost, SUM(amount - cost) AS profit
                   FROM tx GROUP BY customer)
        SELECT customer, revenue, cost, profit,
               ROW_NUMBER() OVER (ORDER BY profit DESC, customer) AS rank,
               SUM(profit) OVER (ORDER BY profit DESC, customer ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cumulative_profit
        FROM c ORDER BY rank""",
    # RFM: recency in days as of a date, frequency, monetary; quintile scores where tied values
    # share the lower score: score = 1 + floor(5 * (rank - 1) / n) with RANK()
    "rfm": """
        WITH c AS (SELECT customer, {days_recency} AS recency_days, COUNT(*) AS frequency, SUM(amount) AS monetary
                   FROM tx GROUP BY customer),
        n AS (SELECT COUNT(*) AS n FROM c)
        SELECT c.customer, recency_days, frequency, monetary,
               CAST(1 + FLOOR(5 * (RANK() OVER (ORDER BY recency_days DESC) - 1) / n.n) AS INT) AS r_score,
               CAST(1 + FLOOR(5 * (RANK() OVER (ORDER BY frequency) - 1) / n.n) AS INT) AS f_score,
               CAST(1 + FLOOR(5 * (RANK() OVER (ORDER BY monetary) - 1) / n.n) AS INT) AS m_score
        FROM c CROSS JOIN n ORDER BY c.customer""",
    # churn features: the customer's own gaps and volumes, recent window vs baseline
    "churn_features": """
        WITH t AS (
          SELECT customer, tx_date, amount,
                 {days_gap} AS gap
          FROM (SELECT customer, tx_date, amount,
                       LAG(tx_date) OVER (PARTITION BY customer ORDER BY tx_date) AS prev_date FROM tx) z),
        base AS (
          SELECT customer,
                 AVG(CASE WHEN tx_date < DATE '{recent_start}' THEN gap END) AS baseline_gap,
                 SUM(CASE WHEN tx_date < DATE '{recent_start}' THEN amount ELSE 0 END) AS baseline_amount,
                 SUM(CASE WHEN tx_date < DATE '{recent_start}' THEN 1 ELSE 0 END) AS baseline_orders,
                 SUM(CASE WHEN tx_date >= DATE '{recent_start}' THEN amount ELSE 0 END) AS recent_amount,
                 SUM(CASE WHEN tx_date >= DATE '{recent_start}' THEN 1 ELSE 0 END) AS recent_orders,
                 MIN(tx_date) AS first_date, MAX(tx_date) AS last_date
          FROM t GROUP BY customer)
        SELECT customer, baseline_gap, baseline_amount, baseline_orders, recent_amount, recent_orders,
               first_date, last_date, {days_since_last} AS days_since_last,
               {days_baseline} AS baseline_days
        FROM base ORDER BY customer""",
    # the CLV summary: purchases on the same day count once; frequency = repeat purchase days,
    # recency = first to last purchase, T = first purchase to as_of, monetary_value = mean of the
    # repeat purchases' amounts (in days; the caller rescales to weeks)
    "clv_summary": """
        WITH d AS (SELECT customer, tx_date, SUM(amount) AS amount FROM tx GROUP BY customer, tx_date),
        c AS (SELECT customer, COUNT(*) - 1 AS frequency, MIN(tx_date) AS first_date, MAX(tx_date) AS last_date,
                     SUM(amount) AS total, {first_amount} AS first_amount
              FROM d GROUP BY customer)
        SELECT customer, frequency, {days_recency} AS recency, {days_age} AS T,
               CASE WHEN frequency > 0 THEN (total - first_amount) / frequency ELSE 0.0 END AS monetary_value
        FROM c ORDER BY customer""",
    # receivables ageing at an as-of date: open amount per invoice by days past due
    "ageing": """
        WITH paid AS (SELECT invoice_id, SUM(amount) AS paid FROM pay WHERE pay_date <= DATE '{as_of}' GROUP BY invoice_id),
        open AS (
          SELECT i.customer, i.invoice_id, i.amount - COALESCE(p.paid, 0) AS open_amount,
                 CASE WHEN i.issue_date > DATE '{recent_start}' THEN i.amount ELSE 0 END AS billed,
                 {days_overdue} AS days_overdue
          FROM inv i LEFT JOIN paid p ON i.invoice_id = p.invoice_id
          WHERE i.issue_date <= DATE '{as_of}')
        SELECT customer,
               SUM(CASE WHEN open_amount > 0 AND days_overdue <= 30 THEN open_amount ELSE 0 END) AS d0_30,
               SUM(CASE WHEN open_amount > 0 AND days_overdue BETWEEN 31 AND 60 THEN open_amount ELSE 0 END) AS d31_60,
               SUM(CASE WHEN open_amount > 0 AND days_overdue BETWEEN 61 AND 90 THEN open_amount ELSE 0 END) AS d61_90,
               SUM(CASE WHEN open_amount > 0 AND days_overdue > 90 THEN open_amount ELSE 0 END) AS d90_plus,
               SUM(CASE WHEN open_amount > 0 AND days_overdue > 0 THEN open_amount ELSE 0 END) AS overdue,
               SUM(CASE WHEN open_amount > 0 THEN open_amount ELSE 0 END) AS outstanding,
               SUM(billed) AS billed_90d
        FROM open GROUP BY customer ORDER BY customer""",
}


def render(name: str, dialect: str = "duckdb", **params) -> str:
    """The SQL text of query ``name`` for ``dialect``, with its parameters filled in."""
    if dialect not in DIALECT:
        raise DataError(f"SQL dialect {dialect!r} is not one of {list(DIALECT)}")
    days = DIALECT[dialect]["days"]
    fill = dict(params)
    if name == "rfm":
        fill["days_recency"] = days.format(start="MAX(tx_date)", end=f"DATE '{params['as_of']}'")
    if name == "churn_features":
        fill["days_gap"] = days.format(start="prev_date", end="tx_date")
        fill["days_since_last"] = days.format(start="last_date", end=f"DATE '{params['as_of']}'")
        fill["days_baseline"] = days.format(start="first_date", end=f"DATE '{params['recent_start']}'")
    if name == "clv_summary":
        fill["first_amount"] = DIALECT[dialect]["first"].format(value="amount", key="tx_date")
        fill["days_recency"] = days.format(start="first_date", end="last_date")
        fill["days_age"] = days.format(start="first_date", end=f"DATE '{params['as_of']}'")
    if name == "ageing":
        fill["days_overdue"] = days.format(start="i.due_date", end=f"DATE '{params['as_of']}'")
    return QUERIES[name].format(**fill)


def run(name: str, tables: dict, *, engine=None, **params) -> pd.DataFrame:
    """Run query ``name`` on ``engine`` (default: a fresh in-memory DuckDB) over ``tables``."""
    from ..engines import DuckDBEngine

    own = engine is None
    eng = DuckDBEngine() if own else engine
    try:
        for tname, source in tables.items():
            eng.register(tname, source)
        return eng.sql(render(name, eng.name, **params))
    finally:
        if own:
            eng.close()
