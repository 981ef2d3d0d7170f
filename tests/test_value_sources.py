"""crm_research.value on every kind of source — DataFrame, Parquet/CSV path or glob, warehouse table —
checked inside DuckDB: the same tables whatever the source, outputs that chain, and each bad
input's message naming the file, the column and the rows as the user sees them."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from pandas.testing import assert_frame_equal

from crm_research import DataError
from crm_research import value as v

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
KW = dict(customer="cust", date="day", amount="amt")


def _all(src):
    """Every transaction-level value function on ``src``, as plain frames."""
    return {"abc": v.abc(src, customer="cust", amount="amt"),
            "whale": v.whale_curve(src, customer="cust", revenue="amt", cost="cost").curve,
            "rfm": v.rfm(src, as_of="2026-03-01", **KW),
            "churn": v.churn_warning(src, as_of="2026-03-01", **KW).customers,
            "summary": v.summary_from_transactions(src, as_of="2026-03-01", freq="W", **KW)}


def _same(a: dict, b: dict):
    """Equal tables: every id, count, date, class and score exactly; sums of money to 1e-12, because
    DuckDB's threads add them in whatever order they finish (run to run, source to source)."""
    for k in a:
        assert_frame_equal(a[k], b[k], check_exact=False, rtol=1e-12, atol=0, obj=k)
        for c in a[k].columns:
            if a[k][c].dtype.kind not in "f":
                assert a[k][c].tolist() == b[k][c].tolist(), (k, c)


@pytest.fixture(scope="module")
def tx(random_tx):
    return random_tx(0, 2000, 150)


@pytest.fixture(scope="module")
def from_frame(tx):
    return _all(tx)


def test_parquet_and_csv_paths_give_the_frame_result(tx, from_frame, tmp_path):
    tx.to_parquet(tmp_path / "s.parquet")
    _same(_all(tmp_path / "s.parquet"), from_frame)
    _same(_all(str(tmp_path / "s.parquet")), from_frame)
    tx.assign(day=tx["day"].dt.strftime("%Y-%m-%d")).to_csv(tmp_path / "s.csv", index=False)
    _same(_all(tmp_path / "s.csv"), from_frame)


def test_globs_folders_and_warehouse_tables(tx, from_frame, tmp_path):
    parts = np.array_split(np.arange(len(tx)), 3)
    (tmp_path / "pq").mkdir()
    for i, p in enumerate(parts):
        tx.iloc[p].to_parquet(tmp_path / "pq" / f"part{i}.parquet")
        tx.iloc[p].to_csv(tmp_path / f"ship_{i}.csv", index=False)
    _same(_all(str(tmp_path / "pq" / "*.parquet")), from_frame)
    _same(_all(tmp_path / "pq"), from_frame)                     # a folder: the Parquet files under it
    _same(_all(str(tmp_path / "ship_*.csv")), from_frame)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.register("t", tx)
    con.execute("CREATE TABLE shipments AS SELECT * FROM t")
    con.close()
    _same(_all(v.WarehouseTable(tmp_path / "w.duckdb", "shipments")), from_frame)


def test_ageing_from_csv_paths_equals_frames(tmp_path):
    inv, pay = pd.read_csv(SAMPLE / "invoices.csv"), pd.read_csv(SAMPLE / "payments.csv")
    a = v.receivables_ageing(inv, pay, as_of="2026-06-30")
    b = v.receivables_ageing(SAMPLE / "invoices.csv", str(SAMPLE / "payments.csv"), as_of="2026-06-30")
    assert_frame_equal(a, b, check_exact=False, rtol=1e-12, atol=0)
    assert a["customer_id"].tolist() == b["customer_id"].tolist()
    assert a.columns[0] == "customer_id" and a["customer_id"].is_unique


def test_outputs_chain_and_match_pandas_by_hand(tx):
    r = v.rfm(tx, as_of="2026-03-01", **KW)
    assert r.columns[0] == "cust" and isinstance(r.index, pd.RangeIndex)
    got = v.abc(r, customer="cust", amount="monetary")
    tot = tx.groupby("cust")["amt"].sum().reset_index().sort_values(["amt", "cust"], ascending=[False, True])
    cum = (tot["amt"].cumsum() / tot["amt"].sum()).to_numpy()
    assert got["cust"].tolist() == tot["cust"].tolist()
    assert_allclose(got["amount"], tot["amt"], rtol=1e-12)
    assert got["abc_class"].tolist() == np.where(cum <= 0.55, "A", np.where(cum <= 0.85, "B", "C")).tolist()
    s = v.summary_from_transactions(tx, as_of="2026-03-01", **KW)
    assert_frame_equal(v.abc(s, customer="cust", amount="monetary_value").drop(columns="rank"),
                       v.abc(s.set_index("cust")["monetary_value"].reset_index(), customer="cust",
                             amount="monetary_value").drop(columns="rank"))


def test_as_of_string_equals_timestamp_and_bad_as_of_is_named(tx):
    a = v.rfm(tx, as_of="2026-03-01", **KW)
    b = v.rfm(tx, as_of=pd.Timestamp("2026-03-01"), **KW)
    assert_frame_equal(a, b)
    assert (a["recency_days"] >= 0).all()
    with pytest.raises(DataError, match=r"rfm: as_of='March' is not a date; give one like '2026-06-30'"):
        v.rfm(tx, as_of="March", **KW)
    with pytest.raises(DataError, match=r"churn_warning: as_of='soon' is not a date"):
        v.churn_warning(tx, as_of="soon", **KW)


def test_the_users_frame_is_never_altered(tx):
    before = tx.copy()
    _all(tx)
    assert_frame_equal(tx, before, check_exact=True)


def _write_csv(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.mark.parametrize("body, message", [
    ("cust,amt,day\na,1,2026-01-01\nb,x,2026-01-02\n",
     r"column 'amt' is missing or not a number in o'brien shipments.csv line 3; fill or drop those rows first"),
    ("cust,amt,day\na,1,2026-01-01\nb,-2,2026-01-02\nc,-3,2026-01-02\n",
     r"column 'amt' has negative values in o'brien shipments.csv lines 3, 4; record refunds"),
    ("cust,amt,day\na,1,2026-01-01\n,2,2026-01-02\n", r"column 'cust' is empty in o'brien shipments.csv line 3"),
    ("cust,amt,day\na,1,2026-01-01\nb,2,31.02.2026\n", r"column 'day' is not a date in o'brien shipments.csv line 3"),
    ("cust,amt,day\na,1,2026-01-01\nb,2,2026-12-02\n",
     r"rfm: 1 dates in column 'day' are after as_of=2026-06-30 \(o'brien shipments.csv line 3\)"),
    ("cust,amt,day\na,inf,2026-01-01\n", r"column 'amt' is missing or not a number in o'brien shipments.csv line 2"),
    ("cust,amt,day\n", r"rfm: the table has no rows"),
    ("cust,amount,day\na,1,2026-01-01\n", r"rfm: columns not found in data: \['amt'\]"),
])
def test_bad_csv_rows_are_named_by_file_and_line(tmp_path, body, message):
    path = _write_csv(tmp_path / "o'brien shipments.csv", body)
    with pytest.raises(DataError, match=message):
        v.rfm(path, as_of="2026-06-30", **KW)


def test_bad_rows_in_a_glob_name_the_file_and_more_than_ten_are_counted(tmp_path):
    _write_csv(tmp_path / "q1.csv", "cust,amt\na,1\nb,2\n")
    rows = "".join(f"c{i},-{i + 1}\n" for i in range(12))
    _write_csv(tmp_path / "q2.csv", "cust,amt\n" + rows)
    with pytest.raises(DataError, match=r"abc: column 'amt' has negative values in q2.csv lines 2, 3, 4, 5, 6, 7, "
                                        r"8, 9, 10, 11 … and 2 more; record"):
        v.abc(str(tmp_path / "q*.csv"), customer="cust", amount="amt")


def test_bad_parquet_rows_are_named_by_file_and_row(tmp_path):
    pd.DataFrame({"cust": ["a", "b"], "amt": [1.0, 2.0]}).to_parquet(tmp_path / "p0.parquet")
    pd.DataFrame({"cust": ["c", "d", "e"], "amt": [1.0, np.nan, -np.inf]}).to_parquet(tmp_path / "p1.parquet")
    with pytest.raises(DataError, match=r"abc: column 'amt' is missing or not a number in p1.parquet rows 1, 2; fill"):
        v.abc(tmp_path, customer="cust", amount="amt")


def test_bad_frame_rows_are_named_by_index_label():
    f = pd.DataFrame({"c": ["a", "b", "c"], "x": [1.0, np.inf, 2.0]}, index=[10, 20, 30])
    with pytest.raises(DataError, match=r"abc: column 'x' is missing or not a number in row 20; fill"):
        v.abc(f, customer="c", amount="x")
    f = pd.DataFrame({"c": ["a", "  ", "c"], "x": [1.0, 2.0, 3.0]}, index=["r1", "r2", "r3"])
    with pytest.raises(DataError, match=r"abc: column 'c' is empty in row r2$"):
        v.abc(f, customer="c", amount="x")
    f = pd.DataFrame({"c": ["a", "b"], "x": [1.0, 2.0], "d": ["2026-01-01", "not a day"]})
    with pytest.raises(DataError, match=r"rfm: column 'd' is not a date in row 1$"):
        v.rfm(f, customer="c", amount="x", date="d", as_of="2026-06-30")


def test_quotes_in_names_cannot_inject_sql(tmp_path):
    evil = tmp_path / "x'); DROP TABLE t; --.parquet"
    pd.DataFrame({"cust": ["a", "b"], "amt": [1.0, 3.0]}).to_parquet(evil)
    got = v.abc(evil, customer="cust", amount="amt")
    assert got["cust"].tolist() == ["b", "a"]
    f = pd.DataFrame({'we"ird': ["a", "b"], "amt": [2.0, 1.0]})
    assert v.abc(f, customer='we"ird', amount="amt")['we"ird'].tolist() == ["a", "b"]


def test_missing_files_and_unknown_sources_are_named(tmp_path):
    with pytest.raises(DataError, match=r"abc: no file matches data path '.*nothing\*.csv'"):
        v.abc(str(tmp_path / "nothing*.csv"), customer="c", amount="x")
    with pytest.raises(DataError, match=r"abc: data path '.*s.txt' must name .parquet or .csv files"):
        v.abc(str(tmp_path / "s.txt"), customer="c", amount="x")
    with pytest.raises(DataError, match=r"abc: data must be a pandas DataFrame, a Parquet or CSV path or glob, or a "
                                        r"WarehouseTable; got list"):
        v.abc([1, 2], customer="c", amount="x")
    with pytest.raises(DataError, match=r"abc: warehouse '.*none.duckdb' does not exist"):
        v.abc(v.WarehouseTable(tmp_path / "none.duckdb"), customer="c", amount="x")


def test_ageing_bad_dates_and_amounts_in_files(tmp_path):
    inv = _write_csv(tmp_path / "inv.csv", "invoice_id,customer_id,issue_date,due_date,amount\n"
                                           "I1,a,2026-01-01,2026-01-31,10\nI2,b,someday,2026-02-28,5\n")
    pay = _write_csv(tmp_path / "pay.csv", "invoice_id,pay_date,amount\nI1,2026-02-01,5\n")
    with pytest.raises(DataError, match=r"receivables_ageing: column 'issue_date' of invoices is not a date in inv.csv line 3$"):
        v.receivables_ageing(inv, pay, as_of="2026-06-30")
    pay = _write_csv(tmp_path / "pay.csv", "invoice_id,pay_date,amount\nI1,2026-02-01,5\nI1,2026-02-02,-1\n")
    with pytest.raises(DataError, match=r"receivables_ageing: payments amount is missing or negative in pay.csv line 3$"):
        v.receivables_ageing(inv, pay, as_of="2026-06-30")
    pay = _write_csv(tmp_path / "pay.csv", "invoice_id,pay_date,amount\nI7,2026-02-01,5\n")
    with pytest.raises(DataError, match=r"payments for unknown invoices \['I7'\] \(pay.csv line 2\)"):
        v.receivables_ageing(inv, pay, as_of="2026-06-30")
