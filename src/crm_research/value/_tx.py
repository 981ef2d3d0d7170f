"""Where a value function's transactions come from, and their checking — done once, at the
boundary, by DuckDB on the source itself.

A source is a pandas DataFrame, a Parquet or CSV path or glob (``str`` or ``Path``; a folder means
the Parquet files under it), or a :class:`WarehouseTable`. It is registered as a view on a DuckDB
connection (the caller's, or a fresh in-memory one) without copying it into pandas; file names go
to DuckDB as Python values through the relational API (never pasted into SQL text), and the one
SQL literal we write — the warehouse file to ATTACH — is quoted by :func:`_literal`.

Checks run as one aggregate query over the typed view (types via ``TRY_CAST``, blanks, non-finite
or negative amounts, unparseable dates, dates after ``as_of``). Only when something is wrong is a
second query run to find the rows, reported as the user sees them: the DataFrame's index labels,
a CSV file's line numbers (header = line 1) or a Parquet file's row numbers (from 0, as
``pandas.read_parquet`` shows them), each with the file's base name.
"""

from __future__ import annotations

import glob as _glob
import itertools
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .._core.errors import DataError
from .._core.validation import format_rows

__all__ = ["WarehouseTable", "Session", "as_of_date"]

_ids = itertools.count()


@dataclass(frozen=True)
class WarehouseTable:
    """A table of a DuckDB warehouse file (``crm_research.io.warehouse``), read without loading it
    into pandas: ``value.abc(WarehouseTable("data/warehouse.duckdb", "shipments"), ...)``."""

    path: str | Path
    table: str = "shipments"


def _ident(name) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _literal(text) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def as_of_date(as_of, func: str) -> pd.Timestamp:
    """``as_of`` (a date string, date or Timestamp) as a Timestamp at midnight."""
    try:   # strings must be ISO dates: pd.Timestamp('March') would be 1 March of year 1
        ts = pd.to_datetime(as_of, format="ISO8601") if isinstance(as_of, str) else pd.Timestamp(as_of)
    except (TypeError, ValueError):
        ts = pd.NaT
    if ts is pd.NaT or pd.isna(ts):
        raise DataError(f"{func}: as_of={as_of!r} is not a date; give one like '2026-06-30'")
    return ts.normalize()


@dataclass
class _Source:
    kind: str              # frame | parquet | csv | warehouse
    view: str              # the registered view with the user's columns
    columns: dict          # column name -> DuckDB type
    param: str
    frame: pd.DataFrame | None = None
    files: tuple = ()
    table: str = ""        # qualified warehouse table


def _files(path, func: str, param: str) -> tuple[str, tuple]:
    text = str(path)
    p = Path(text)
    if p.is_dir():
        files = sorted(str(f) for f in p.rglob("*.parquet"))
        kind = "parquet"
    else:
        files = sorted(_glob.glob(text)) if _glob.has_magic(text) else ([text] if p.exists() else [])
        low = text.lower()
        kind = "parquet" if low.endswith(".parquet") else "csv" if low.endswith((".csv", ".csv.gz")) else ""
        if not kind:
            raise DataError(f"{func}: {param} path {text!r} must name .parquet or .csv files (or a folder of "
                            f"Parquet files); or pass a DataFrame")
    if not files:
        raise DataError(f"{func}: no file matches {param} path {text!r}")
    return kind, tuple(files)


def _date_expr(col: str, dtype: str) -> str:
    c = _ident(col)
    if dtype.upper().startswith("VARCHAR"):
        return f"COALESCE(TRY_CAST({c} AS DATE), CAST(TRY_CAST({c} AS TIMESTAMP) AS DATE))"
    return f"TRY_CAST({c} AS DATE)"


class Session:
    """One function call's DuckDB connection with its sources registered and checked.

    ``engine``: None (a fresh in-memory DuckDB, closed at the end), a
    :class:`~crm_research.engines.DuckDBEngine` (its connection is used) or a
    :class:`~crm_research.engines.SparkEngine` (checked here, then the clean tables go to Spark).
    """

    def __init__(self, func: str, engine=None):
        import duckdb

        self.func = func
        self.engine = engine
        self.spark = engine is not None and getattr(engine, "name", "") == "spark"
        self.own = engine is None or self.spark
        self.con = duckdb.connect() if self.own else engine.con
        self.tag = f"_crm{next(_ids)}"
        self.views: list[str] = []
        self.attached: list[str] = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        if self.own:
            self.con.close()
            return
        for v in reversed(self.views):
            try:
                self.con.execute(f"DROP VIEW IF EXISTS {_ident(v)}")
            except Exception:   # a registered DataFrame is not a catalog view
                self.con.unregister(v)
        for a in self.attached:
            self.con.execute(f"DETACH {_ident(a)}")

    # -- sources -------------------------------------------------------------------------------
    def source(self, data, param: str = "data") -> _Source:
        """Register ``data`` as a view; raise a DataError for anything that is not a source."""
        view = f"{self.tag}_{param}"
        self.views.append(view)
        if isinstance(data, pd.Series):
            data = data.to_frame()
        if isinstance(data, pd.DataFrame):
            self.con.register(view, data)
            kind, files, table = "frame", (), ""
        elif isinstance(data, WarehouseTable):
            alias = f"{self.tag}_wh{len(self.attached)}"
            if not Path(str(data.path)).exists():
                raise DataError(f"{self.func}: warehouse {str(data.path)!r} does not exist")
            self.con.execute(f"ATTACH {_literal(data.path)} AS {_ident(alias)} (READ_ONLY)")
            self.attached.append(alias)
            table = f"{_ident(alias)}.main.{_ident(data.table)}"
            try:
                self.con.execute(f"CREATE OR REPLACE TEMP VIEW {_ident(view)} AS SELECT * FROM {table}")
            except Exception:
                raise DataError(f"{self.func}: warehouse {str(data.path)!r} has no table {data.table!r}") from None
            kind, files = "warehouse", (str(data.path),)
        elif isinstance(data, (str, Path)):
            kind, files = _files(data, self.func, param)
            table = ""
            self._read(kind, files).create_view(view, replace=True)
        else:
            raise DataError(f"{self.func}: {param} must be a pandas DataFrame, a Parquet or CSV path or glob, "
                            f"or a WarehouseTable; got {type(data).__name__}")
        desc = self.con.execute(f"DESCRIBE {_ident(view)}").fetchall()
        return _Source(kind, view, {r[0]: r[1] for r in desc}, param,
                       data if kind == "frame" else None, files, table)

    def _read(self, kind: str, files, **extra):
        if kind == "parquet":
            return self.con.read_parquet(list(files), union_by_name=len(files) > 1, **extra)
        return self.con.read_csv(list(files) if len(files) > 1 else files[0], header=True, all_varchar=True,
                                 union_by_name=len(files) > 1, **extra)

    def require_columns(self, src: _Source, columns, what: str = "columns") -> None:
        missing = [c for c in columns if c not in src.columns]
        if missing:
            raise DataError(f"{self.func}: {what} not found in data: {missing}; "
                            f"available columns are {list(map(str, src.columns))[:20]}")
        dup = sorted({str(c) for c in columns if list(columns).count(c) > 1})
        if dup:
            raise DataError(f"{self.func}: {what} listed more than once: {dup}")

    # -- where bad rows are ----------------------------------------------------------------------
    def where(self, src: _Source, select: str, cond: str, total: int, *, column: str | None = None) -> str:
        """'row 1' / 'shipments.csv lines 3, 9 … and 4 more': the rows of ``src`` where ``cond``
        (an expression over ``select``'s aliases) holds, as the user sees them."""
        q = "SELECT {pos}{extra} FROM (SELECT {select}, {posexpr} FROM {rel}) z WHERE {cond} ORDER BY {order} LIMIT 10"
        extra = f", {column}" if column else ""
        if src.kind == "frame":
            # positions through a copy of just the columns used; only ever on this error path
            cols = [c for c in src.columns if _ident(c) in select]
            pos = pd.DataFrame({c: src.frame[c].to_numpy() for c in cols})
            pos["__pos"] = range(len(pos))
            self.con.register(f"{src.view}_pos", pos)
            rows = self.con.execute(q.format(pos="__pos", extra=extra, select=select, posexpr="__pos",
                                             rel=_ident(f"{src.view}_pos"), cond=cond, order="__pos")).fetchall()
            self.con.unregister(f"{src.view}_pos")
            labels = [src.frame.index[r[0]] for r in rows]
            return format_rows(labels, total=total), [r[1:] for r in rows]
        if src.kind == "warehouse":
            rows = self.con.execute(q.format(pos="rowid", extra=extra, select=select, posexpr="rowid",
                                             rel=src.table, cond=cond, order="rowid")).fetchall()
            return f"{Path(src.files[0]).name} {format_rows([r[0] for r in rows], total=total)}", [r[1:] for r in rows]
        parts, found, left = [], [], 10
        for f in src.files:
            if src.kind == "parquet":
                rel = self._read("parquet", (f,), file_row_number=True)
                posexpr, word, offset = "file_row_number", "row", 0
            else:
                rel = self._read("csv", (f,))
                posexpr, word, offset = "row_number() OVER ()", "line", 1   # header is line 1
            name = f"{src.view}_f"
            rel.create_view(name, replace=True)
            threads = self.con.execute("SELECT current_setting('threads')").fetchall()[0][0]
            self.con.execute("SET threads = 1")    # one reader: row_number() follows the file's order
            try:
                rows = self.con.execute(q.format(pos="p", extra=extra, select=select, posexpr=f"{posexpr} AS p",
                                                 rel=_ident(name), cond=cond, order="p")).fetchall()
                n = self.con.execute(f"SELECT count(*) FROM (SELECT {select} FROM {_ident(name)}) z "
                                     f"WHERE {cond}").fetchall()[0][0]
            finally:
                self.con.execute(f"SET threads = {int(threads)}")
                self.con.execute(f"DROP VIEW IF EXISTS {_ident(name)}")
            if n:
                shown = [r[0] + offset for r in rows[:left]]
                found += [r[1:] for r in rows[:left]]
                parts.append(f"{Path(f).name} {format_rows(shown, word=word, total=n)}" if shown
                             else f"{Path(f).name} ({n} more {word}s)")
                left = max(0, left - len(shown))
        return " and ".join(parts), found

    # -- transactions ----------------------------------------------------------------------------
    def transactions(self, data, *, customer, amount, date=None, cost=None, as_of=None, view: str = "tx",
                     param: str = "data") -> _Source:
        """Register ``data`` checked and typed as view ``view`` (customer, amount [, cost] [, tx_date])."""
        func = self.func
        src = self.source(data, param)
        cols = [customer, amount] + [c for c in (date, cost) if c]
        self.require_columns(src, cols)
        select = [f"{_ident(customer)} AS customer", f"TRY_CAST({_ident(amount)} AS DOUBLE) AS amount"]
        if cost:
            select.append(f"TRY_CAST({_ident(cost)} AS DOUBLE) AS cost")
        if date:
            select.append(f"{_date_expr(date, src.columns[date])} AS tx_date")
        select = ", ".join(select)
        checks = [("n", "TRUE")]
        for name in ("amount", "cost") if cost else ("amount",):
            checks += [(f"bad_{name}", f"{name} IS NULL OR NOT isfinite({name})"), (f"neg_{name}", f"{name} < 0")]
        checks.append(("blank", "customer IS NULL OR trim(CAST(customer AS VARCHAR)) = ''"))
        if date:
            checks.append(("bad_date", "tx_date IS NULL"))
            if as_of is not None:
                checks.append(("future", f"tx_date > DATE '{as_of.date().isoformat()}'"))
        agg = ", ".join(f"count(*) FILTER (WHERE {c}) AS {k}" for k, c in checks)
        row = self.con.execute(f"SELECT {agg}, max(amount) AS top FROM (SELECT {select} FROM {_ident(src.view)}) z").fetchall()[0]
        got = dict(zip([k for k, _ in checks] + ["top"], row))
        if got["n"] == 0:
            raise DataError(f"{func}: the table has no rows; expected one row per transaction or customer")
        cond = dict(checks)
        for name, col in (("amount", amount), ("cost", cost)):
            if not col:
                continue
            if got[f"bad_{name}"]:
                where, _ = self.where(src, select, cond[f"bad_{name}"], got[f"bad_{name}"])
                raise DataError(f"{func}: column {col!r} is missing or not a number in {where}; fill or drop those rows first")
            if got[f"neg_{name}"]:
                where, _ = self.where(src, select, cond[f"neg_{name}"], got[f"neg_{name}"])
                raise DataError(f"{func}: column {col!r} has negative values in {where}; "
                                f"record refunds and credit notes separately")
        if got["blank"]:
            raise DataError(f"{func}: column {customer!r} is empty in {self.where(src, select, cond['blank'], got['blank'])[0]}")
        if date and got["bad_date"]:
            raise DataError(f"{func}: column {date!r} is not a date in {self.where(src, select, cond['bad_date'], got['bad_date'])[0]}")
        if date and as_of is not None and got["future"]:
            where, _ = self.where(src, select, cond["future"], got["future"])
            raise DataError(f"{func}: {got['future']} dates in column {date!r} are after as_of={as_of.date()} "
                            f"({where}); choose a later as_of or filter those rows")
        if got["top"] == 0:
            raise DataError(f"{func}: every value in column {amount!r} is zero; nothing to rank")
        self.view(view, f"SELECT {select} FROM {_ident(src.view)}")
        return src

    # -- queries ---------------------------------------------------------------------------------
    def view(self, name: str, sql: str) -> None:
        """A temporary view ``name`` of this call (its SQL name carries the call's tag)."""
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {_ident(self.tag + '_' + name)} AS {sql}")
        self.views.append(self.tag + "_" + name)

    def count(self, source_select, cond: str) -> int:
        """How many rows of ``(source, select)`` satisfy ``cond``."""
        src, select = source_select
        return self.con.execute(f"SELECT count(*) FROM (SELECT {select} FROM {_ident(src.view)}) z WHERE {cond}").fetchall()[0][0]

    def frame(self, view: str = "tx") -> pd.DataFrame:
        """A checked view as a pandas DataFrame (for the few steps done in pandas)."""
        return self.con.execute(f"SELECT * FROM {_ident(self.tag + '_' + view)}").df()

    def run(self, name: str, views=("tx",), **params) -> pd.DataFrame:
        """Run query ``name`` of :mod:`._sql` over the checked views (on Spark when that is the engine)."""
        from . import _sql

        if self.spark:
            for v in views:
                f = self.frame(v)
                for c in f.columns:
                    if c.endswith("_date"):
                        f[c] = pd.to_datetime(f[c]).dt.date
                self.engine.register(v, f)
            return self.engine.sql(_sql.render(name, "spark", **params))
        sql = _sql.render(name, "duckdb", **params)
        ctes = ", ".join(f"{v} AS (SELECT * FROM {_ident(self.tag + '_' + v)})" for v in views)
        sql = sql.strip()
        sql = f"WITH {ctes}, {sql[5:]}" if sql[:5].upper() == "WITH " else f"WITH {ctes} {sql}"
        return self.con.execute(sql).df()


def by_customer(frame: pd.DataFrame) -> pd.DataFrame:
    """A table returned by a value function (customer in its first column, a RangeIndex) indexed by
    customer; a table already indexed by customer (any other index) as it is."""
    if isinstance(frame.index, pd.RangeIndex) and len(frame.columns):
        return frame.set_index(frame.columns[0])
    return frame


def with_customer(out: pd.DataFrame, customer: str) -> pd.DataFrame:
    """The engine's ``customer`` column renamed to the user's name, kept as the first column; a RangeIndex."""
    return out.rename(columns={"customer": customer}).reset_index(drop=True)
