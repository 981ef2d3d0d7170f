"""SQL engines that run the package's transaction-level aggregations unchanged.

The aggregations of :mod:`crm_research.value` (ABC, whale curve, RFM, churn features, ageing, KPI
tables) are written once as SQL that both DuckDB and Spark SQL accept. An engine registers named
tables (a pandas DataFrame, or a Parquet/CSV path — on a cluster, Parquet on shared storage such
as HDFS or S3 that every executor can read) and runs a query into a pandas DataFrame.

- :class:`DuckDBEngine` — the default: embedded, in-process, no server.
- :class:`SparkEngine` — ``master="local[2]"`` for a local test, or ``spark://host:7077`` /
  ``yarn`` for a cluster (needs ``pip install pyspark`` and Java 17+).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._core.errors import DataError

__all__ = ["DuckDBEngine", "SparkEngine", "get_engine"]


def _literal(text: str) -> str:
    """A SQL string literal: single quotes doubled (``o'brien.csv`` → ``'o''brien.csv'``)."""
    if "\x00" in text:
        raise DataError(f"engine: path {text!r} contains a NUL character")
    return "'" + text.replace("'", "''") + "'"


def _identifier(name: str) -> str:
    """A quoted SQL identifier: double quotes doubled."""
    return '"' + str(name).replace('"', '""') + '"'


def _kind(source) -> str:
    if isinstance(source, pd.DataFrame):
        return "frame"
    p = str(source).lower()
    if p.endswith(".parquet") or Path(str(source)).is_dir():
        return "parquet"
    if p.endswith((".csv", ".csv.gz")):
        return "csv"
    raise DataError(f"engine: table source {source!r} must be a DataFrame, a .parquet file/folder or a .csv file")


class DuckDBEngine:
    """Run SQL in an in-memory DuckDB (or on an existing warehouse connection)."""

    name = "duckdb"

    def __init__(self, connection=None, *, threads: int | None = None):
        import duckdb

        self.con = connection or duckdb.connect()
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")

    def register(self, name: str, source) -> None:
        kind = _kind(source)
        if kind == "frame":
            self.con.register(name, source)
        elif kind == "parquet":
            src = str(source)
            if Path(src).is_dir():
                src = str(Path(src) / "**" / "*.parquet")
            # a view cannot take prepared parameters, so the path goes in as a quoted literal
            self.con.execute(f"CREATE OR REPLACE VIEW {_identifier(name)} AS SELECT * FROM read_parquet({_literal(src)})")
        else:
            self.con.execute(f"CREATE OR REPLACE VIEW {_identifier(name)} AS SELECT * FROM "
                             f"read_csv_auto({_literal(str(source))}, header=true)")

    def sql(self, query: str) -> pd.DataFrame:
        return self.con.execute(query).df()

    def close(self) -> None:
        self.con.close()


class SparkEngine:
    """Run the same SQL on Apache Spark (local mode or a cluster)."""

    name = "spark"

    def __init__(self, master: str = "local[2]", *, app_name: str = "crm_research", conf: dict | None = None):
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise DataError("engine='spark' needs PySpark: pip install 'crm_research[spark]' (and Java 17+)") from None
        builder = (SparkSession.builder.master(master).appName(app_name)
                   .config("spark.sql.session.timeZone", "UTC")
                   .config("spark.sql.ansi.enabled", "false")
                   .config("spark.ui.enabled", "false")
                   .config("spark.sql.shuffle.partitions", "4"))
        for k, v in (conf or {}).items():
            builder = builder.config(k, v)
        self.spark = builder.getOrCreate()
        self.spark.sparkContext.setLogLevel("ERROR")

    def register(self, name: str, source) -> None:
        kind = _kind(source)
        if kind == "frame":
            df = self.spark.createDataFrame(source)
        elif kind == "parquet":
            df = self.spark.read.parquet(str(source))
        else:
            df = self.spark.read.option("header", True).option("inferSchema", True).csv(str(source))
        df.createOrReplaceTempView(name)

    def sql(self, query: str) -> pd.DataFrame:
        return self.spark.sql(query).toPandas()

    def close(self) -> None:
        self.spark.stop()


def get_engine(engine: str = "duckdb", *, spark_master: str | None = None):
    """``'duckdb'`` (default) or ``'spark'`` (with ``spark_master``, default ``local[2]``)."""
    if engine == "duckdb":
        return DuckDBEngine()
    if engine == "spark":
        return SparkEngine(spark_master or "local[2]")
    raise DataError(f"engine={engine!r} is not one of ['duckdb', 'spark']")
