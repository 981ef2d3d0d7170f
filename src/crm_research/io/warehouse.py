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

import io

import numpy as np
import pandas as pd

from .. import __version__
from .._core.errors import DataError
from .._core.validation import format_rows
from .files import check_csv_text, decode_text, open_error, read_bytes, read_xlsx_checked, require_file
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


def warehouse_error(path, exc: BaseException) -> DataError:
    """A DuckDB or OS error on the warehouse file as the DataError a user can act on, naming the file
    and the real cause (a lock, a damaged file, permissions, a full disk)."""
    where = str(path)
    msg = str(exc)
    low = msg.lower()
    if "could not set lock" in low or "conflicting lock" in low:
        return DataError(f"warehouse {where!r} is in use by another process (another `crm-research ingest` still "
                         f"writing, or a report reading it); wait for it to finish and try again")
    if "not a valid duckdb database" in low or "serializ" in low or "could not read all bytes" in low or "read enough bytes" in low \
            or "corrupt" in low or "checksum" in low:
        return DataError(f"warehouse {where!r} is not a readable DuckDB database (damaged, truncated or another "
                         f"kind of file); restore it from a backup, or move it aside to start a new warehouse")
    if "is a directory" in low:
        return DataError(f"warehouse {where!r} is a folder; give the path of the warehouse file, e.g. "
                         f"data/warehouse.duckdb")
    if "no space left" in low or "disk full" in low or "disk is full" in low:
        return DataError(f"warehouse {where!r}: the disk is full ({msg}); free some space and run the ingest again "
                         f"— nothing of this load was kept")
    if "permission denied" in low or "read-only file system" in low or isinstance(exc, PermissionError):
        return DataError(f"warehouse {where!r} cannot be written: {msg}; check that its folder is writable "
                         f"(or pass --warehouse with a writable path)")
    if "_crm_loads" in msg or "_crm_meta" in msg:
        return DataError(f"warehouse {where!r} has no load log: it was not written by `crm-research ingest`; "
                         f"give the warehouse that ingest wrote")
    return DataError(f"warehouse {where!r}: {msg}")


def _guarded(func):
    """Turn DuckDB and OS errors inside a warehouse function into DataErrors naming the warehouse."""
    import functools
    import inspect

    sig = inspect.signature(func)

    @functools.wraps(func)
    def run(*args, **kwargs):
        import duckdb

        try:
            return func(*args, **kwargs)
        except (duckdb.Error, OSError) as exc:
            bound = sig.bind_partial(*args, **kwargs)
            bound.apply_defaults()
            where = bound.arguments.get("path") or bound.arguments.get("warehouse") or bound.arguments.get("data_dir")
            raise warehouse_error(where, exc) from None
    return run


def connect(path: Path | str = DEFAULT_PATH, *, read_only: bool = False):
    """A connection to the warehouse file. Opened for writing, it first reclaims the space that
    interrupted writes left behind (a CHECKPOINT after DuckDB replays its write-ahead log)."""
    import duckdb

    path = Path(path)
    if path.is_dir():
        raise warehouse_error(path, IsADirectoryError("Is a directory"))
    if read_only and not path.exists():
        raise DataError(f"warehouse {str(path)!r} does not exist; load data with `crm-research ingest` first")
    try:
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path), read_only=read_only)
        if not read_only:
            con.execute("CHECKPOINT")
    except (duckdb.Error, OSError) as exc:
        raise warehouse_error(path, exc) from None
    return con


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


#: columns read as dates (besides any column named *_date or *_at) and as amounts of money
DATE_COLUMNS = {"shipments": ("ship_date", "delivered_date"), "invoices": ("issue_date", "due_date"),
                "payments": ("pay_date",), "complaints": ("opened", "resolved"), "survey": ("submitted_at",),
                "customers": ("first_order_date",)}
AMOUNT_COLUMNS = ("amount", "revenue", "cost")
#: the date layouts a file may use (one per file, detected from all its values)
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S",
                 "%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")
_OFFSET = re.compile(r"\d[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})$")
_THOUSANDS = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?")


def _lines(mask: pd.Series) -> list[int]:
    """1-based file lines of the rows where ``mask`` holds (the header is line 1)."""
    return [int(i) + 2 for i in range(len(mask)) if mask.iloc[i]]


def _text(col: pd.Series) -> pd.Series:
    return col.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip())


def parse_dates(col: pd.Series, file: str, name: str, *, excel_serial: bool = False) -> pd.Series:
    """A column of dates (or date-times) as typed timestamps, the layout detected from all of the
    file's values (not its first row): ``2026/7/1`` and ``2026-07-01`` give the same date. Blank
    cells stay missing. Errors name the file, column and lines: values that are not dates in the
    detected layout (``2026-13-01``, ``next week``), bare numbers (unless ``excel_serial``: Excel's
    serial day numbers), and times with a UTC offset (convert them to local time first)."""
    if pd.api.types.is_datetime64_any_dtype(col):
        if getattr(col.dt, "tz", None) is not None:
            raise DataError(f"file {file!r} column {name}: date-times carry a time zone; expected local times")
        return col
    raw = col.map(lambda v: v.strftime("%Y-%m-%d %H:%M:%S") if isinstance(v, (_dt.datetime, _dt.date)) else v)
    text = _text(raw)
    filled = text != ""
    numeric = filled & text.str.fullmatch(r"\d+(\.0+)?")
    if numeric.any():
        if not excel_serial:
            raise DataError(f"file {file!r} column {name} has numbers where dates belong on "
                            f"{format_rows(_lines(numeric), word='line')} (e.g. {text[numeric].iloc[0]!r}); expected "
                            f"dates like 2026-07-01 — format the column as dates, or declare Excel serial days")
    offset = filled & text.str.contains(_OFFSET)
    if offset.any():
        raise DataError(f"file {file!r} column {name} has times with a UTC offset on "
                        f"{format_rows(_lines(offset), word='line')} (e.g. {text[offset].iloc[0]!r}); expected "
                        f"local times without an offset: convert them to local time in the export")
    out = pd.Series(pd.NaT, index=col.index, dtype="datetime64[ns]")
    if excel_serial and numeric.any():
        out[numeric] = pd.Timestamp("1899-12-30") + pd.to_timedelta(text[numeric].astype(float), unit="D")
    todo = filled & ~numeric
    if todo.any():
        values = text[todo]
        best, best_n = None, -1
        for fmt in _DATE_FORMATS:
            n = int(pd.to_datetime(values, format=fmt, errors="coerce").notna().sum())
            if n > best_n:
                best, best_n = fmt, n
        parsed = pd.to_datetime(values, format=best, errors="coerce")
        bad = parsed.isna()
        if bad.any():
            mask = pd.Series(False, index=col.index)
            mask[bad[bad].index] = True
            layout = best.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD").replace("%H", "hh") \
                .replace("%M", "mm").replace("%S", "ss")
            raise DataError(f"file {file!r} column {name}: {int(bad.sum())} value(s) not a date on "
                            f"{format_rows(_lines(mask), word='line')} (e.g. {values[bad].iloc[0]!r}); expected "
                            f"dates like the file's others ({layout})")
        out[todo] = parsed
    return out


def parse_amounts(col: pd.Series, file: str, name: str) -> pd.Series:
    """Amounts of money as finite numbers; '1,234.50' (thousands separators) is read as 1234.5.
    Errors name the file, column and lines: text that is not a number, and 'inf'/'Infinity'/'NaN'."""
    values = None
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        values = col.astype(float)
    elif pd.api.types.infer_dtype(col, skipna=False) == "string":
        # plain numbers as text (the usual export): converted at once; anything else (blanks,
        # thousands separators, words) goes through the checks below
        try:
            values = pd.to_numeric(col).astype(float)
        except (ValueError, TypeError):
            values = None
        if values is not None and values.isna().any():     # e.g. the text "NaN": not an amount
            values = None
    if values is None:
        text = _text(col)
        text = text.where(~text.str.fullmatch(_THOUSANDS), text.str.replace(",", "", regex=False))
        values = pd.to_numeric(text.replace("", np.nan), errors="coerce")
        notnum = (text != "") & values.isna()
        if notnum.any():
            raise DataError(f"file {file!r} column {name} has values that are not amounts on "
                            f"{format_rows(_lines(notnum), word='line')} (e.g. {text[notnum].iloc[0]!r}); expected "
                            f"numbers like 1234.50 (thousands separators as in 1,234.50 are accepted)")
    infinite = pd.Series(np.isinf(values.to_numpy(dtype=float)), index=col.index)
    if infinite.any():
        raise DataError(f"file {file!r} column {name} has an infinite amount on "
                        f"{format_rows(_lines(infinite), word='line')}; expected finite numbers")
    return values


def normalise_ids(col: pd.Series, file: str, name: str) -> pd.Series:
    """Ids as text, NFKC-normalised (full-width Ｃ００１ is C001) and trimmed; blank ids are an
    error naming the lines."""
    import unicodedata

    ids = _text(col).map(lambda v: unicodedata.normalize("NFKC", v).strip())
    ids = ids.where(~ids.str.fullmatch(r"-?\d+\.0"), ids.str[:-2]) if not pd.api.types.is_object_dtype(col) else ids
    blank = ids == ""
    if blank.any():
        raise DataError(f"file {file!r} has a blank {name} on {format_rows(_lines(blank), word='line')}; "
                        f"expected an id on every row")
    return ids


def _distinct(parse, col: pd.Series, file: str, name: str) -> pd.Series:
    """``parse(col, file, name)`` computed on the column's distinct values and spread back to its
    rows: a column of dates or customer ids repeats a few hundred values over thousands of rows.
    The result is the same; when the values are refused, ``parse`` runs again on the whole column
    so that the error names the file's lines."""
    codes, uniques = pd.factorize(col, use_na_sentinel=False)
    if len(uniques) > len(col) // 2:     # mostly distinct (e.g. shipment ids): nothing to gain
        return parse(col, file, name)
    try:
        done = parse(pd.Series(uniques, dtype=col.dtype if len(uniques) else object), file, name)
    except DataError:
        return parse(col, file, name)
    return pd.Series(done.to_numpy()[codes], index=col.index, name=col.name)


def _typed(frame: pd.DataFrame, file: str, table: str | None) -> pd.DataFrame:
    out = frame.copy()
    if table is not None:
        for c in {TABLES[table][1], "customer_id"} & set(out.columns):
            out[c] = _distinct(normalise_ids, out[c], file, c)
    dates = set(DATE_COLUMNS.get(table, ())) | {c for c in out.columns if c.endswith(("_date", "_at"))}
    for c in [c for c in out.columns if c in dates]:
        out[c] = _distinct(parse_dates, out[c], file, c)
    for c in [c for c in out.columns if c in AMOUNT_COLUMNS]:
        out[c] = _distinct(parse_amounts, out[c], file, c)
    return out


def read_table(path: Path | str, table: str | None = None) -> pd.DataFrame:
    """Read a CSV (UTF-8, UTF-8 with BOM or GBK/GB18030; anything else is refused, never guessed),
    .xlsx or .parquet export; the file is opened read-only. Rows with too few or too many fields,
    repeated headers, formula cells without values and TRUE/FALSE cells are errors naming the file
    and row. For a known ``table`` its ids are normalised (NFKC, trimmed; blank refused), its dates
    parsed to typed timestamps (layout detected per file) and its amounts to finite numbers."""
    import gzip

    path = require_file(path)
    file = str(path)
    suffix = "".join(path.suffixes[-2:]).lower() if path.suffix == ".gz" else path.suffix.lower()
    keep_text = {"customer_id"}
    if table is not None:
        keep_text |= {TABLES[table][1]} | set(DATE_COLUMNS.get(table, ())) | set(AMOUNT_COLUMNS)
    if suffix in (".csv", ".csv.gz"):
        raw = read_bytes(path)
        if suffix == ".csv.gz":
            try:
                raw = gzip.decompress(raw)
            except (OSError, EOFError) as exc:
                raise DataError(f"file {file!r} is not a readable gzip file ({exc}); expected a .csv compressed "
                                f"with gzip") from None
        if not raw.strip():
            raise DataError(f"file {file!r} is empty")
        text, _ = decode_text(raw, file)
        names = check_csv_text(text, file)
        keep_text |= {c for c in names if c.endswith(("_date", "_at"))}
        try:
            frame = pd.read_csv(io.StringIO(text), dtype={c: str for c in names if c in keep_text})
        except pd.errors.EmptyDataError:
            raise DataError(f"file {file!r} is empty") from None
        except pd.errors.ParserError as exc:
            raise DataError(f"file {file!r} is not a well-formed CSV: {exc}") from None
        frame.columns = names
    elif suffix == ".xlsx":
        frame, _, _ = read_xlsx_checked(path)
        frame = frame.infer_objects()
    elif suffix == ".parquet":
        try:
            frame = pd.read_parquet(path)
        except OSError as exc:
            raise open_error(file, exc) from None
        except Exception as exc:  # pyarrow raises its own ArrowInvalid for damaged files
            raise DataError(f"file {file!r} is not a readable Parquet file: {exc}") from None
    else:
        raise DataError(f"file {file!r}: expected .csv, .csv.gz, .xlsx or .parquet")
    if frame.empty:
        raise DataError(f"file {file!r} has a header but no rows")
    return _typed(frame, file, table)


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


@_guarded
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
        frame = read_table(f, table)
        date_col, id_col, required = TABLES[table]
        missing = [c for c in required if c not in frame.columns]
        if missing:
            raise DataError(f"ingest: file {str(f)!r} lacks columns {missing} needed for table {table}")
        if date_col and date_col not in frame.columns:
            raise DataError(f"ingest: file {str(f)!r} has no {date_col} column, so its rows cannot be placed in a "
                            f"period; only dimension tables (customers) load without dates — add {date_col}")
        if date_col:
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
            if sorted(c) != sorted(cols[0]):          # the same columns in another order load by name
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
                if existing is not None and sorted(frame.columns) != sorted(existing):
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
        try:
            con.execute("ROLLBACK")
        except Exception:  # noqa: BLE001 - the error that made us roll back is the one to report
            pass
        raise
    finally:
        con.close()
    return pd.DataFrame(log)


@_guarded
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


@_guarded
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


@_guarded
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
    return read_table(path, name)


@_guarded
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
