"""An embedded customer data warehouse (DuckDB, one file, no server) for period-over-period reports.

Every period's exports — shipments, invoices, payments, complaints, customers and survey waves —
are validated and appended to ``data/warehouse.duckdb`` with :func:`ingest` (``crm-research ingest
--period 2026Q3 FILES…``). Each load is recorded with the file's SHA-256, row count and time; the
same file is refused a second time unless ``replace=True``; one ingest is one transaction, so a
failed ingest leaves the warehouse exactly as it was. :func:`status` lists periods, row counts and
sources (``crm-research warehouse status``).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
from pathlib import Path

import pandas as pd

from .. import __version__
from .._core.errors import DataError
from .._core.validation import format_rows
from .periods import Period, parse_period

__all__ = ["ingest", "status", "load_table", "read_table", "Period", "parse_period", "TABLES", "SCHEMA_VERSION",
           "DEFAULT_PATH", "connect"]

#: bump when the warehouse layout changes; a file written by a newer version is refused
SCHEMA_VERSION = 1
DEFAULT_PATH = Path("data") / "warehouse.duckdb"

#: table → (date column that must fall in the period, unique id column, required columns)
TABLES = {
    "shipments": ("ship_date", "shipment_id", ["shipment_id", "customer_id", "ship_date"]),
    "invoices": ("issue_date", "invoice_id", ["invoice_id", "customer_id", "issue_date", "amount"]),
    "payments": ("pay_date", "payment_id", ["payment_id", "customer_id", "pay_date", "amount"]),
    "complaints": ("opened", "complaint_id", ["complaint_id", "customer_id", "opened"]),
    "survey": ("submitted_at", "respondent_id", ["respondent_id"]),
    "customers": (None, "customer_id", ["customer_id"]),
}


def connect(path: Path | str = DEFAULT_PATH, *, read_only: bool = False):
    import duckdb

    path = Path(path)
    if read_only and not path.exists():
        raise DataError(f"warehouse {str(path)!r} does not exist; load data with `crm-research ingest` first")
    path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only)


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _table_for(path: Path) -> str:
    name = path.name.lower()
    for table in TABLES:
        if name.startswith(table) or name.startswith(table.rstrip("s")):
            return table
    raise DataError(f"ingest: cannot tell which table file {str(path)!r} belongs to; name it "
                    f"after one of {list(TABLES)} (e.g. shipments_2026Q3.csv)")


def read_table(path: Path | str) -> pd.DataFrame:
    """Read a CSV (UTF-8, UTF-8 with BOM or GBK/GB18030), .xlsx or .parquet export as text-safe
    columns; the file is opened read-only."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"file {str(path)!r} not found")
    suffix = "".join(path.suffixes[-2:]).lower() if path.suffix == ".gz" else path.suffix.lower()
    try:
        if suffix in (".csv", ".csv.gz"):
            for enc in ("utf-8-sig", "gb18030"):
                try:
                    frame = pd.read_csv(path, encoding=enc, dtype={"customer_id": str})
                    break
                except UnicodeDecodeError:
                    continue
            else:  # pragma: no cover - gb18030 decodes any byte sequence
                raise DataError(f"file {str(path)!r}: not UTF-8 or GB18030 text")
        elif suffix == ".xlsx":
            frame = pd.read_excel(path, dtype={"customer_id": str})
        elif suffix == ".parquet":
            frame = pd.read_parquet(path)
        else:
            raise DataError(f"file {str(path)!r}: expected .csv, .csv.gz, .xlsx or .parquet")
    except pd.errors.EmptyDataError:
        raise DataError(f"file {str(path)!r} is empty") from None
    if frame.empty:
        raise DataError(f"file {str(path)!r} has a header but no rows")
    return frame


def _existing_columns(con, table: str) -> list[str] | None:
    rows = con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                       "ORDER BY ordinal_position", [table]).fetchall()
    return [r[0] for r in rows if r[0] not in ("_load_id", "_period")] or None


def _ensure_meta(con) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS _crm_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    row = con.execute("SELECT value FROM _crm_meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        con.execute("INSERT INTO _crm_meta VALUES ('schema_version', ?), ('created_by', ?)",
                    [str(SCHEMA_VERSION), f"crm_research {__version__}"])
    elif int(row[0]) > SCHEMA_VERSION:
        by = con.execute("SELECT value FROM _crm_meta WHERE key = 'created_by'").fetchone()
        raise DataError(f"warehouse was written by a newer version ({by[0] if by else '?'}, schema "
                        f"{row[0]}); this is crm_research {__version__} (schema {SCHEMA_VERSION}): "
                        f"upgrade the package, the warehouse was left untouched")
    con.execute("CREATE TABLE IF NOT EXISTS _crm_loads (load_id INTEGER, period VARCHAR, tbl VARCHAR, "
                "file VARCHAR, sha256 VARCHAR, n_rows BIGINT, loaded_at TIMESTAMP)")


def _check_version_read_only(path: Path) -> None:
    if not path.exists():
        return
    con = connect(path, read_only=True)
    try:
        has = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = '_crm_meta'").fetchone()[0]
        if has:
            row = con.execute("SELECT value FROM _crm_meta WHERE key = 'schema_version'").fetchone()
            if row and int(row[0]) > SCHEMA_VERSION:
                by = con.execute("SELECT value FROM _crm_meta WHERE key = 'created_by'").fetchone()
                raise DataError(f"warehouse {str(path)!r} was written by a newer version ({by[0] if by else '?'}, "
                                f"schema {row[0]}); this is crm_research {__version__} (schema {SCHEMA_VERSION}): "
                                f"upgrade the package, the warehouse was left untouched")
    finally:
        con.close()


def ingest(files, period: str, *, path: Path | str = DEFAULT_PATH, replace: bool = False) -> pd.DataFrame:
    """Validate ``files`` as ``period``'s exports and append them to the warehouse in one transaction.

    Checks, each naming the file and rows at fault: every dated row falls in the period; columns
    match what earlier periods loaded; ids are unique within and across files and against the
    warehouse; the same file (by SHA-256) is not loaded twice unless ``replace`` (which first
    removes that table's rows for the period). Returns the load log of this ingest.
    """
    per = parse_period(period)
    path = Path(path)
    files = [Path(f) for f in files]
    if not files:
        raise DataError("ingest: no files given")
    _check_version_read_only(path)
    # validate everything before touching the warehouse
    batch: dict[str, list[tuple[Path, str, pd.DataFrame]]] = {}
    for f in files:
        table = _table_for(f)
        frame = read_table(f)
        date_col, id_col, required = TABLES[table]
        missing = [c for c in required if c not in frame.columns]
        if missing:
            raise DataError(f"ingest: file {str(f)!r} lacks columns {missing} needed for table {table}")
        if date_col and date_col in frame.columns:
            inside = per.contains(frame[date_col])
            if not inside.all():
                bad = frame.index[~inside] + 2  # 1-based file line numbers (header is line 1)
                raise DataError(f"ingest: file {str(f)!r} has {int((~inside).sum())} rows whose {date_col} "
                                f"is outside period {per.label} ({per.start} to {per.end}): "
                                f"{format_rows(bad, word='line')}; expected every row in {per.label}")
        dup = frame[id_col][frame[id_col].duplicated()]
        if len(dup):
            raise DataError(f"ingest: file {str(f)!r} repeats {id_col} {sorted(map(str, dup.unique()))[:10]}")
        batch.setdefault(table, []).append((f, sha256_file(f), frame))
    for table, entries in batch.items():
        id_col = TABLES[table][1]
        seen: dict[str, Path] = {}
        for f, _, frame in entries:
            for v in frame[id_col].astype(str):
                if v in seen:
                    raise DataError(f"ingest: {id_col} {v!r} appears in both {str(seen[v])!r} and {str(f)!r}")
                seen[v] = f
        cols = [list(e[2].columns) for e in entries]
        for (f, _, frame), c in zip(entries[1:], cols[1:]):
            if c != cols[0]:
                raise DataError(f"ingest: file {str(f)!r} has columns {c}, but {str(entries[0][0])!r} has {cols[0]}")
    con = connect(path)
    log = []
    try:
        con.execute("BEGIN TRANSACTION")
        _ensure_meta(con)
        next_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM _crm_loads").fetchone()[0]
        for table, entries in batch.items():
            date_col, id_col, _ = TABLES[table]
            existing = _existing_columns(con, table)
            todo = []
            for f, sha, frame in entries:
                prior = con.execute("SELECT file, period FROM _crm_loads WHERE sha256 = ?", [sha]).fetchall()
                if prior and not replace:
                    if all(p == per.label for _, p in prior):
                        continue        # the same bytes for the same period: a retry, nothing to do
                    raise DataError(f"ingest: file {str(f)!r} was already loaded for period {prior[0][1]} (same "
                                    f"SHA-256 as {prior[0][0]!r}), not {per.label}; check the period")
                if existing is not None and list(frame.columns) != existing:
                    added = [c for c in frame.columns if c not in existing]
                    dropped = [c for c in existing if c not in frame.columns]
                    raise DataError(f"ingest: file {str(f)!r} columns differ from earlier periods of table "
                                    f"{table}: new {added}, missing {dropped}; expected {existing}")
                todo.append((f, sha, frame))
            if not todo:
                continue
            if replace:
                if existing is not None:
                    con.execute(f'DELETE FROM "{table}" WHERE _period = ?', [per.label])
                con.execute("DELETE FROM _crm_loads WHERE tbl = ? AND period = ?", [table, per.label])
            for f, sha, frame in todo:
                stamped = frame.assign(_load_id=next_id, _period=per.label)
                con.register("_incoming", stamped)
                if existing is None:
                    con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM _incoming')
                    existing = list(frame.columns)
                else:
                    clash = con.execute(f'SELECT CAST(t."{id_col}" AS VARCHAR) FROM "{table}" t JOIN _incoming i '
                                        f'ON CAST(t."{id_col}" AS VARCHAR) = CAST(i."{id_col}" AS VARCHAR) LIMIT 10').fetchall()
                    if clash:
                        raise DataError(f"ingest: file {str(f)!r} repeats {id_col} already in the warehouse: "
                                        f"{[c[0] for c in clash]}")
                    con.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM _incoming')
                con.unregister("_incoming")
                now = _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)
                con.execute("INSERT INTO _crm_loads VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [next_id, per.label, table, str(f), sha, len(frame), now])
                log.append({"load_id": next_id, "period": per.label, "table": table, "file": str(f),
                            "sha256": sha, "rows": len(frame)})
                next_id += 1
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    return pd.DataFrame(log)


def status(path: Path | str = DEFAULT_PATH) -> pd.DataFrame:
    """Periods, tables, row counts and source files of the warehouse."""
    path = Path(path)
    _check_version_read_only(path)
    con = connect(path, read_only=True)
    try:
        return con.execute("SELECT period, tbl AS \"table\", count(*) AS files, CAST(sum(n_rows) AS BIGINT) AS rows, "
                           "string_agg(file, '; ' ORDER BY load_id) AS sources, max(loaded_at) AS last_loaded "
                           "FROM _crm_loads GROUP BY period, tbl ORDER BY period, tbl").df()
    finally:
        con.close()


def loaded_periods(path: Path | str = DEFAULT_PATH) -> list[str]:
    """The periods loaded into the warehouse so far (as ingested: quarters or months), oldest first."""
    path = Path(path)
    _check_version_read_only(path)
    con = connect(path, read_only=True)
    try:
        has = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = '_crm_loads'").fetchone()[0]
        return [r[0] for r in con.execute("SELECT DISTINCT period FROM _crm_loads ORDER BY period").fetchall()] if has else []
    finally:
        con.close()


def load_table(data_dir, name: str, *, warehouse=None) -> pd.DataFrame:
    """Table ``name`` (shipments, invoices, payments, complaints, customers) for the analyses: from
    the warehouse when it exists (``warehouse`` or ``<data_dir>/warehouse.duckdb``; every period
    loaded so far, bookkeeping columns dropped), otherwise from ``<data_dir>/<name>.csv``."""
    if name not in TABLES or name == "survey":
        raise DataError(f"load_table: name={name!r} is not one of {[t for t in TABLES if t != 'survey']}")
    data_dir = Path(data_dir)
    wh = Path(warehouse) if warehouse else data_dir / "warehouse.duckdb"
    if wh.exists():
        _check_version_read_only(wh)
        con = connect(wh, read_only=True)
        try:
            has = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0]
            if has:
                frame = con.execute(f'SELECT * EXCLUDE (_load_id, _period) FROM "{name}"').df()
                date_col, id_col, _ = TABLES[name]
                return frame.sort_values(id_col, kind="mergesort").reset_index(drop=True)
        finally:
            con.close()
    path = data_dir / f"{name}.csv"
    if not path.exists():
        raise DataError(f"load_table: no warehouse table {name!r} and no file {str(path)!r}")
    return read_table(path)


def load_survey_frame(path, period) -> pd.DataFrame | None:
    """Survey answers loaded into the warehouse whose ``submitted_at`` falls in the quarter
    containing ``period``, or None when there are none."""
    per = period if isinstance(period, Period) else parse_period(period)
    q = per.quarter()
    _check_version_read_only(Path(path))
    con = connect(path, read_only=True)
    try:
        has = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'survey'").fetchone()[0]
        if not has:
            return None
        frame = con.execute('SELECT * FROM "survey"').df()
    finally:
        con.close()
    rows = frame[q.contains(frame["submitted_at"])]
    if rows.empty:
        return None
    return rows.drop(columns=["_load_id", "_period"]).sort_values("respondent_id", kind="mergesort").reset_index(drop=True)
