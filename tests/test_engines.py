"""The same SQL gives identical tables on DuckDB and on a local-mode Spark session."""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from crm_research import DataError
from crm_research.engines import DuckDBEngine, get_engine

QUERY = """
SELECT customer_id, SUM(revenue) AS amount, COUNT(*) AS orders,
       SUM(SUM(revenue)) OVER (ORDER BY SUM(revenue) DESC, customer_id
                               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cumulative
FROM shipments GROUP BY customer_id ORDER BY customer_id
"""


def _frame():
    return pd.DataFrame({"customer_id": ["C2", "C1", "C2", "C3", "C1"],
                         "revenue": [10.0, 30.0, 5.0, 7.5, 2.5]})


def test_duckdb_frame_csv_and_parquet_agree(tmp_path):
    csv, pq = tmp_path / "s.csv", tmp_path / "s.parquet"
    _frame().to_csv(csv, index=False)
    _frame().to_parquet(pq)
    out = []
    for source in (_frame(), csv, pq):
        e = DuckDBEngine()
        e.register("shipments", source)
        out.append(e.sql(QUERY))
        e.close()
    assert out[0]["amount"].tolist() == [32.5, 15.0, 7.5]
    assert out[0]["cumulative"].tolist() == [32.5, 47.5, 55.0]
    for o in out[1:]:
        assert_frame_equal(o, out[0], check_dtype=False)


def test_spark_local_mode_matches_duckdb(spark_engine):
    duck = get_engine("duckdb")
    duck.register("shipments", _frame())
    spark_engine.register("shipments", _frame())
    try:
        assert_frame_equal(spark_engine.sql(QUERY), duck.sql(QUERY), check_dtype=False)
    finally:
        duck.close()


def test_bad_engine_and_source():
    with pytest.raises(DataError, match=r"engine='oracle' is not one of \['duckdb', 'spark'\]"):
        get_engine("oracle")
    with pytest.raises(DataError, match=r"must be a DataFrame, a .parquet file/folder or a .csv file"):
        DuckDBEngine().register("t", "data.json")


@pytest.mark.parametrize("name", ["o'brien shipments.csv", "x'); COPY (SELECT 1) TO 'pwned.csv'; --.csv",
                                  'quote"d.parquet'])
def test_duckdb_paths_with_quotes_are_read_not_run(tmp_path, name):
    src = tmp_path / name
    if name.endswith(".csv"):
        _frame().to_csv(src, index=False)
    else:
        _frame().to_parquet(src)
    e = DuckDBEngine()
    e.register('ship"ments', src)
    out = e.sql('SELECT count(*) AS n FROM "ship""ments"')
    e.close()
    assert out["n"].tolist() == [5]
    assert not (tmp_path / "pwned.csv").exists() and not list(tmp_path.parent.glob("**/pwned.csv"))
