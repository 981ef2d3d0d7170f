"""crm_research.warehouse: ingest is validated, recorded and all-or-nothing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from crm_research import DataError, warehouse


def _shipments(ids, dates, customer="C001"):
    return pd.DataFrame({"shipment_id": ids, "customer_id": customer, "ship_date": dates,
                         "revenue": [100.0 + i for i in range(len(ids))], "cost": 80.0})


def _write(frame, path, encoding="utf-8"):
    frame.to_csv(path, index=False, encoding=encoding)
    return path


def _snapshot(db):
    con = warehouse.connect(db, read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in tables}
    finally:
        con.close()


@pytest.fixture
def loaded(tmp_path):
    db = tmp_path / "wh.duckdb"
    f1 = _write(_shipments(["S1", "S2"], ["2026-07-03", "2026-09-30"]), tmp_path / "shipments_2026Q3.csv")
    log = warehouse.ingest([f1], "2026Q3", path=db)
    return db, f1, log


def test_parse_period():
    q = warehouse.parse_period("2026Q3")
    assert (str(q.start), str(q.end)) == ("2026-07-01", "2026-10-01")
    assert q.previous().label == "2026Q2" and q.year_before().label == "2025Q3"
    assert warehouse.parse_period("2026Q1").previous().label == "2025Q4"
    m = warehouse.parse_period("2026-1")
    assert m.label == "2026-01" and m.previous().label == "2025-12" and str(m.end) == "2026-02-01"
    with pytest.raises(DataError, match=r"period '2026Q5' is not a quarter like 2026Q3 or a month like 2026-09"):
        warehouse.parse_period("2026Q5")


def test_ingest_records_sha_and_rows(loaded):
    db, f1, log = loaded
    assert log.loc[0, "rows"] == 2 and len(log.loc[0, "sha256"]) == 64
    st = warehouse.status(db)
    assert st[["period", "table", "files", "rows"]].values.tolist() == [["2026Q3", "shipments", 1, 2]]
    assert str(f1) in st.loc[0, "sources"]


def test_same_file_again_is_a_no_op_other_period_refused_replace_reloads(loaded, tmp_path):
    db, f1, _ = loaded
    before = _snapshot(db)
    assert warehouse.ingest([f1], "2026Q3", path=db).empty       # a cron retry: nothing to do
    assert _snapshot(db) == before
    with pytest.raises(DataError, match=r"2 rows whose ship_date is outside period 2026Q4"):
        warehouse.ingest([f1], "2026Q4", path=db)
    assert _snapshot(db) == before
    warehouse.ingest([f1], "2026Q3", path=db, replace=True)
    con = warehouse.connect(db, read_only=True)
    assert con.execute("SELECT count(*) FROM shipments").fetchone()[0] == 2
    con.close()


def test_next_period_appends_and_gbk_file_reads(loaded, tmp_path):
    db, _, _ = loaded
    frame = _shipments(["S3"], ["2026-10-02"], customer="客户甲")
    f2 = _write(frame, tmp_path / "shipments_2026Q4.csv", encoding="gbk")
    warehouse.ingest([f2], "2026Q4", path=db)
    con = warehouse.connect(db, read_only=True)
    rows = con.execute("SELECT customer_id, _period FROM shipments ORDER BY shipment_id").fetchall()
    con.close()
    assert rows[-1] == ("客户甲", "2026Q4")
    assert warehouse.status(db)["period"].tolist() == ["2026Q3", "2026Q4"]


@pytest.mark.parametrize("case, message", [
    ("period", r"has 1 rows whose ship_date is outside period 2026Q4 .*: line 3; expected every row in 2026Q4"),
    ("columns", r"columns differ from earlier periods of table shipments: new \['weight_kg'\], missing \[\]"),
    ("dup_warehouse", r"repeats shipment_id already in the warehouse: \['S1'\]"),
    ("dup_files", r"shipment_id 'S9' appears in both"),
])
def test_bad_ingest_leaves_warehouse_untouched(loaded, tmp_path, case, message):
    db, _, _ = loaded
    before = _snapshot(db)
    if case == "period":
        files = [_write(_shipments(["S5", "S6"], ["2026-10-05", "2026-09-30"]), tmp_path / "shipments_a.csv")]
    elif case == "columns":
        files = [_write(_shipments(["S5"], ["2026-10-05"]).assign(weight_kg=1.0), tmp_path / "shipments_a.csv")]
    elif case == "dup_warehouse":
        files = [_write(_shipments(["S7", "S1"], ["2026-10-05", "2026-10-06"]), tmp_path / "shipments_a.csv")]
    else:
        files = [_write(_shipments(["S8", "S9"], ["2026-10-05", "2026-10-06"]), tmp_path / "shipments_a.csv"),
                 _write(_shipments(["S9"], ["2026-10-07"]), tmp_path / "shipments_b.csv")]
    with pytest.raises(DataError, match=message):
        warehouse.ingest(files, "2026Q4", path=db)
    assert _snapshot(db) == before


def test_failure_mid_transaction_rolls_back(loaded, tmp_path):
    # the second table fails only inside the transaction (id already in the warehouse) after the
    # first table's rows were inserted: nothing of either may remain
    db, _, _ = loaded
    before = _snapshot(db)
    inv = _write(pd.DataFrame({"invoice_id": ["I1"], "customer_id": ["C001"], "issue_date": ["2026-10-01"],
                               "amount": [10.0]}), tmp_path / "invoices_q4.csv")
    bad = _write(_shipments(["S1"], ["2026-10-05"]), tmp_path / "shipments_q4.csv")
    with pytest.raises(DataError, match="already in the warehouse"):
        warehouse.ingest([inv, bad], "2026Q4", path=db)
    assert _snapshot(db) == before


def test_newer_warehouse_refused(loaded):
    db, f1, _ = loaded
    con = warehouse.connect(db)
    con.execute("UPDATE _crm_meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    before = _snapshot(db)
    with pytest.raises(DataError, match=r"written by a newer version .*schema 99.*left untouched"):
        warehouse.ingest([f1], "2026Q3", path=db, replace=True)
    assert _snapshot(db) == before


def test_input_files_are_not_modified(tmp_path):
    f = _write(_shipments(["S1"], ["2026-07-03"]), tmp_path / "shipments.csv")
    raw, mtime = f.read_bytes(), f.stat().st_mtime_ns
    warehouse.ingest([f], "2026Q3", path=tmp_path / "w.duckdb")
    assert f.read_bytes() == raw and f.stat().st_mtime_ns == mtime


def test_unknown_file_and_empty_file(tmp_path):
    odd = _write(_shipments(["S1"], ["2026-07-03"]), tmp_path / "stuff.csv")
    with pytest.raises(DataError, match=r"cannot tell which table file .*stuff.csv"):
        warehouse.ingest([odd], "2026Q3", path=tmp_path / "w.duckdb")
    empty = tmp_path / "shipments_empty.csv"
    empty.write_text("")
    with pytest.raises(DataError, match=r"shipments_empty.csv' is empty"):
        warehouse.ingest([empty], "2026Q3", path=tmp_path / "w.duckdb")
    assert not (tmp_path / "w.duckdb").exists()


def test_cli_ingest_and_status(tmp_path, capsys):
    from crm_research.cli import main

    f = _write(_shipments(["S1", "S2"], ["2026-07-03", "2026-08-30"]), tmp_path / "shipments_2026Q3.csv")
    db = tmp_path / "w.duckdb"
    assert main(["ingest", "--period", "2026Q3", str(f), "--warehouse", str(db)]) == 0
    assert main(["ingest", "--period", "2026Q3", str(f), "--warehouse", str(db)]) == 0
    err = capsys.readouterr().err
    assert "nothing to do: every file is already in the warehouse" in err
    assert main(["warehouse", "status", "--warehouse", str(db)]) == 0
    out = capsys.readouterr().out.split()
    assert out[:4] == ["period", "table", "files", "rows"] and "2026Q3" in out and "shipments" in out


def test_load_table_prefers_the_warehouse(tmp_path):
    sample = Path(__file__).resolve().parents[1] / "data" / "sample"
    ship = pd.read_csv(sample / "shipments.csv", dtype={"customer_id": str})
    data = tmp_path / "firm"
    data.mkdir()
    ship.to_csv(data / "shipments.csv", index=False)
    # without a warehouse: the CSV
    assert len(warehouse.load_table(data, "shipments")) == len(ship)
    # with one: what was ingested, period by period
    for q in ("2025Q1", "2025Q2"):
        per = warehouse.parse_period(q)
        part = ship[per.contains(ship["ship_date"])]
        part.to_csv(tmp_path / f"shipments_{q}.csv", index=False)
        warehouse.ingest([tmp_path / f"shipments_{q}.csv"], q, path=data / "warehouse.duckdb")
    got = warehouse.load_table(data, "shipments")
    want = ship[ship["ship_date"] < "2025-07-01"].reset_index(drop=True)
    for c in ("ship_date", "delivered_date"):                     # dates come back typed
        want[c] = pd.to_datetime(want[c], format="%Y-%m-%d")
    assert list(got.columns) == list(want.columns)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    with pytest.raises(DataError, match=r"name='survey' is not one of"):
        warehouse.load_table(data, "survey")


# -- bad input never misleads (#14) -------------------------------------------------------------
def _ingest_text(tmp_path, text, name="shipments_2026Q3.csv", encoding="utf-8", period="2026Q3"):
    f = tmp_path / name
    f.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return warehouse.ingest([f], period, path=tmp_path / "wh.duckdb")


HEAD = "shipment_id,customer_id,ship_date,revenue\n"


@pytest.mark.parametrize("body, message", [
    ("S1,C1,2026-07-01,10\nS2,C1,2026-07-02\n", r"line 3 has 3 fields, expected 4 as in the header"),
    ("S1,C1,2026-07-01,10\nS2,C1,2026-07-02,1,234.50\n", r"line 3 has 5 fields, expected 4 as in the header"),
])
def test_rows_with_too_few_or_too_many_fields_are_errors_naming_the_line(tmp_path, body, message):
    with pytest.raises(DataError, match=r"file '.*shipments_2026Q3\.csv' " + message):
        _ingest_text(tmp_path, HEAD + body)
    assert not (tmp_path / "wh.duckdb").exists()


@pytest.mark.parametrize("head", ["shipment_id,customer_id,ship_date,revenue,revenue\n",
                                  "shipment_id,customer_id,ship_date,revenue, revenue \n"])
def test_repeated_headers_are_errors(tmp_path, head):
    with pytest.raises(DataError, match=r"header repeats column 'revenue' \(2 times, after stripping spaces\)"):
        _ingest_text(tmp_path, head + "S1,C1,2026-07-01,10,11\n")


def test_text_neither_utf8_nor_gb18030_is_refused_not_garbled(tmp_path):
    assert _ingest_text(tmp_path, HEAD + "S1,阳光,2026-07-01,10\n", encoding="gbk").loc[0, "rows"] == 1
    bad = (HEAD + "S2,C1,2026-07-01,10\n").encode() + b"S3,\x80\xff\x30,2026-07-02,5\n"
    with pytest.raises(DataError, match=r"file '.*shipments_x\.csv' is neither UTF-8 nor GBK/GB18030 text"):
        _ingest_text(tmp_path, bad, name="shipments_x.csv")


def test_dates_are_typed_with_the_layout_detected_per_file(tmp_path):
    a = HEAD + "S1,C1,2026-07-01,10\nS2,C1,2026-09-30,20\n"
    b = HEAD + "S3,C1,2026/7/1,10\nS4,C1,2026/9/30,20\n"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _ingest_text(tmp_path / "a", a)
    _ingest_text(tmp_path / "b", b)
    got = [warehouse.load_table(tmp_path / d, "shipments", warehouse=tmp_path / d / "wh.duckdb")["ship_date"] for d in "ab"]
    assert pd.api.types.is_datetime64_any_dtype(got[0]) and got[0].tolist() == got[1].tolist()
    assert got[0].tolist() == [pd.Timestamp("2026-07-01"), pd.Timestamp("2026-09-30")]


def test_one_bad_date_among_many_is_reported_as_that_line(tmp_path):
    days = pd.date_range("2026-07-01", "2026-09-30").strftime("%Y-%m-%d").tolist()
    rows = [f"S{i},C{i % 50},{days[i % len(days)]},{i}" for i in range(27_000)]
    rows[20_000] = "S20000,C1,2026-13-01,5"
    with pytest.raises(DataError, match=r"column ship_date: 1 value\(s\) not a date on line 20002 "
                                        r"\(e.g. '2026-13-01'\); expected dates like the file's others \(YYYY-MM-DD\)"):
        _ingest_text(tmp_path, HEAD + "\n".join(rows) + "\n")


@pytest.mark.parametrize("value, message", [
    ("next week", r"column ship_date: 1 value\(s\) not a date on line 3 \(e.g. 'next week'\)"),
    ("46204", r"column ship_date has numbers where dates belong on line 3 \(e.g. '46204'\); expected dates like "
              r"2026-07-01 — format the column as dates, or declare Excel serial days"),
    ("2026-07-02T10:00+08:00", r"column ship_date has times with a UTC offset on line 3"),
])
def test_values_that_are_not_dates_are_not_reported_as_outside_the_period(tmp_path, value, message):
    with pytest.raises(DataError, match=message):
        _ingest_text(tmp_path, HEAD + f"S1,C1,2026-07-01,10\nS2,C1,{value},5\n")


@pytest.mark.parametrize("value, message", [
    ("inf", r"column revenue has an infinite amount on line 3; expected finite numbers"),
    ("Infinity", r"column revenue has an infinite amount on line 3; expected finite numbers"),
    ("12 yuan", r"column revenue has values that are not amounts on line 3 \(e.g. '12 yuan'\)"),
])
def test_amounts_must_be_finite_numbers(tmp_path, value, message):
    with pytest.raises(DataError, match=message):
        _ingest_text(tmp_path, HEAD + f"S1,C1,2026-07-01,10\nS2,C1,2026-07-02,{value}\n")


def test_amounts_with_thousands_separators_are_read(tmp_path):
    _ingest_text(tmp_path, HEAD + 'S1,C1,2026-07-01,"1,234.50"\nS2,C1,2026-07-02,7\n')
    got = warehouse.load_table(tmp_path, "shipments", warehouse=tmp_path / "wh.duckdb")
    assert got["revenue"].tolist() == [1234.5, 7.0]


def test_blank_and_lookalike_ids(tmp_path):
    with pytest.raises(DataError, match=r"file '.*' has a blank shipment_id on line 3; expected an id on every row"):
        _ingest_text(tmp_path, HEAD + "S1,C1,2026-07-01,10\n ,C1,2026-07-02,5\n")
    # full-width and padded ids are the same id as their plain form
    with pytest.raises(DataError, match=r"repeats shipment_id \['S1'\]"):
        _ingest_text(tmp_path, HEAD + "S1,C1,2026-07-01,10\nＳ１ ,C1,2026-07-02,5\n")


def test_xlsx_formula_without_value_and_boolean_cells_are_errors_naming_the_cell(tmp_path):
    from openpyxl import Workbook

    for value, message in (("=B2*2", r"sheet 'Sheet' cell D3 is a formula \(=B2\*2\) without a computed value"),
                           (True, r"sheet 'Sheet' cell D3 is a TRUE/FALSE cell")):
        wb = Workbook()
        ws = wb.active
        ws.title = "Sheet"
        ws.append(["shipment_id", "customer_id", "ship_date", "revenue"])
        ws.append(["S1", "C1", "2026-07-01", 10])
        ws.append(["S2", "C1", "2026-07-02", value])
        wb.save(tmp_path / "shipments_2026Q3.xlsx")
        with pytest.raises(DataError, match=r"file '.*shipments_2026Q3\.xlsx' " + message):
            warehouse.ingest([tmp_path / "shipments_2026Q3.xlsx"], "2026Q3", path=tmp_path / "wh.duckdb")


def test_reordered_header_loads_by_name(loaded, tmp_path):
    db, _, _ = loaded
    f2 = _write(_shipments(["S3"], ["2026-08-01"])[["cost", "ship_date", "shipment_id", "revenue", "customer_id"]],
                tmp_path / "shipments_2026Q3b.csv")
    warehouse.ingest([f2], "2026Q3", path=db)
    got = warehouse.load_table(tmp_path, "shipments", warehouse=db).set_index("shipment_id")
    assert got.loc["S3", "revenue"] == 100.0 and got.loc["S3", "customer_id"] == "C001"
    assert got.loc["S3", "ship_date"] == pd.Timestamp("2026-08-01")


def test_a_fact_file_without_its_date_column_is_refused(tmp_path):
    f = _write(pd.DataFrame({"respondent_id": ["r1"], "S1": [3]}), tmp_path / "survey_2026Q3.csv")
    with pytest.raises(DataError, match=r"file '.*survey_2026Q3\.csv' has no submitted_at column, so its rows cannot be "
                                        r"placed in a period; only dimension tables \(customers\) load without dates"):
        warehouse.ingest([f], "2026Q3", path=tmp_path / "wh.duckdb")


# -- no raw tracebacks: every broken file is a DataError naming it (#14) ------------------------
@pytest.mark.parametrize("content, message", [
    (b"PK\x03\x04" + bytes(range(256)) * 4, r"cannot be read as \.xlsx: it is not an Excel workbook \(damaged, "
                                             r"truncated or renamed from another format\)"),
    (b"shipment_id,customer_id\nS1,C1\n", r"cannot be read as \.xlsx: it is not an Excel workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), r"cannot be read as \.xlsx: it is password-protected \(encrypted\)"),
])
def test_broken_xlsx_is_a_data_error_naming_the_file(tmp_path, content, message):
    f = tmp_path / "shipments_2026Q3.xlsx"
    f.write_bytes(content)
    with pytest.raises(DataError, match=r"file '.*shipments_2026Q3\.xlsx' " + message):
        warehouse.ingest([f], "2026Q3", path=tmp_path / "wh.duckdb")


def test_truncated_xlsx_is_a_data_error(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["shipment_id", "customer_id", "ship_date"])
    wb.save(tmp_path / "full.xlsx")
    f = tmp_path / "shipments_2026Q3.xlsx"
    f.write_bytes((tmp_path / "full.xlsx").read_bytes()[:2000])
    with pytest.raises(DataError, match=r"cannot be read as \.xlsx: it is not an Excel workbook"):
        warehouse.ingest([f], "2026Q3", path=tmp_path / "wh.duckdb")


def test_a_folder_or_unreadable_file_is_a_data_error(tmp_path, monkeypatch):
    (tmp_path / "shipments_2026Q3.csv").mkdir()
    with pytest.raises(DataError, match=r"file '.*shipments_2026Q3\.csv' is a folder, not a file"):
        warehouse.ingest([tmp_path / "shipments_2026Q3.csv"], "2026Q3", path=tmp_path / "wh.duckdb")
    f = _write(_shipments(["S1"], ["2026-07-01"]), tmp_path / "shipments_b.csv")

    def denied(self):
        raise PermissionError(13, "Permission denied", str(self))
    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(DataError, match=r"file '.*shipments_b\.csv' cannot be read: permission denied"):
        warehouse.ingest([f], "2026Q3", path=tmp_path / "wh.duckdb")


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_bytes(b""), r"is not a readable DuckDB database \(damaged, truncated or another kind of file\)"),
    (lambda p: p.write_bytes(b"not duckdb at all" * 100), r"is not a readable DuckDB database"),
    (lambda p: p.mkdir(), r"is a folder; give the path of the warehouse file"),
])
def test_a_broken_warehouse_is_a_data_error(tmp_path, make, message):
    db = tmp_path / "wh.duckdb"
    make(db)
    f = _write(_shipments(["S1"], ["2026-07-01"]), tmp_path / "shipments_2026Q3.csv")
    for call in (lambda: warehouse.ingest([f], "2026Q3", path=db), lambda: warehouse.status(db),
                 lambda: warehouse.load_table(tmp_path, "shipments", warehouse=db)):
        with pytest.raises(DataError, match=r"warehouse '.*wh\.duckdb' " + message):
            call()


def test_truncated_warehouse_and_one_without_a_load_log(loaded, tmp_path):
    import duckdb

    db, _, _ = loaded
    cut = tmp_path / "cut.duckdb"
    cut.write_bytes(db.read_bytes()[: 3 * 4096 + 100])
    with pytest.raises(DataError, match=r"warehouse '.*cut\.duckdb' is not a readable DuckDB database \(damaged, "
                                        r"truncated or another kind of file\); restore it from a backup"):
        warehouse.status(cut)
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).execute("CREATE TABLE t (x INT)").close()
    with pytest.raises(DataError, match=r"warehouse '.*other\.duckdb' has no load log: it was not written by "
                                        r"`crm-research ingest`"):
        warehouse.status(other)


def test_a_second_ingest_while_one_is_writing_is_told_to_wait(loaded, tmp_path):
    import subprocess
    import sys

    db, _, _ = loaded
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('locked', flush=True); time.sleep(60)", str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        f = _write(_shipments(["S9"], ["2026-07-09"]), tmp_path / "shipments_2026Q3c.csv")
        with pytest.raises(DataError, match=r"warehouse '.*wh\.duckdb' is in use by another process \(another "
                                            r"`crm-research ingest` still writing, or a report reading it\); wait"):
            warehouse.ingest([f], "2026Q3", path=db)
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("cause, message", [
    ("IO Error: Could not write file \"wh.duckdb.wal\": No space left on device",
     r"the disk is full \(IO Error: .*No space left on device\); free some space and run the ingest again"),
    ("IO Error: Cannot open file \"wh.duckdb\": Permission denied",
     r"cannot be written: IO Error: .*Permission denied; check that its folder is writable"),
])
def test_disk_full_and_read_only_report_the_real_cause(tmp_path, monkeypatch, cause, message):
    import duckdb

    f = _write(_shipments(["S1"], ["2026-07-01"]), tmp_path / "shipments_2026Q3.csv")
    real = duckdb.connect

    class Failing:
        def __init__(self, con):
            self.con = con

        def execute(self, sql, *a):
            if sql.startswith("INSERT INTO _crm_loads"):
                raise duckdb.IOException(cause)
            if sql == "ROLLBACK":
                raise duckdb.TransactionException("cannot rollback - no transaction is active")
            return self.con.execute(sql, *a)

        def __getattr__(self, name):
            return getattr(self.con, name)

    monkeypatch.setattr(duckdb, "connect", lambda *a, **k: Failing(real(*a, **k)))
    with pytest.raises(DataError, match=r"warehouse '.*wh\.duckdb':? " + message):
        warehouse.ingest([f], "2026Q3", path=tmp_path / "wh.duckdb")


def test_cli_prints_one_line_for_bad_input_and_a_traceback_only_with_debug(tmp_path, capsys):
    import subprocess
    import sys

    from crm_research.cli import main

    f = tmp_path / "shipments_2026Q3.xlsx"
    f.write_bytes(b"garbage")
    db = str(tmp_path / "wh.duckdb")
    assert main(["ingest", "--period", "2026Q3", str(f), "--warehouse", db]) == 2
    err = capsys.readouterr().err
    assert err.startswith("crm-research: error: file '") and "cannot be read as .xlsx" in err
    assert "Traceback" not in err and err.count("\n") == 1
    assert main(["ingest", "--period", "0000Q1", str(f), "--warehouse", db]) == 2
    assert "period '0000Q1': year 0000 is before 1900" in capsys.readouterr().err
    (tmp_path / "out.txt").write_text("x")
    assert main(["report", "--period", "2026Q3", "--data", str(tmp_path), "--out", str(tmp_path / "out.txt")]) == 2
    assert f"report: --out {str(tmp_path / 'out.txt')!r} is a file, not a folder" in capsys.readouterr().err
    run = subprocess.run([sys.executable, "-m", "crm_research.cli", "--debug", "ingest", "--period", "2026Q3", str(f),
                          "--warehouse", db], capture_output=True, text=True,
                         env={**__import__("os").environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")})
    assert run.returncode != 0 and "Traceback" in run.stderr and "DataError" in run.stderr


def _contents(db):
    """Every table of the warehouse, rows sorted, the load log without its wall-clock time."""
    con = warehouse.connect(db)            # opening for writing replays the log and reclaims space
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        out = {}
        for t in tables:
            cols = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                                              "ORDER BY ordinal_position", [t]).fetchall() if r[0] != "loaded_at"]
            out[t] = con.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{t}" ORDER BY ALL').fetchall()
        return out
    finally:
        con.close()


def test_ingest_killed_at_random_moments_leaves_the_warehouse_before_or_after(tmp_path):
    import os
    import random
    import shutil
    import signal
    import subprocess
    import sys
    import time

    rng = random.Random(14)
    n = 40_000
    days = pd.date_range("2026-07-01", "2026-09-30").strftime("%Y-%m-%d")
    first = _write(_shipments([f"S{i}" for i in range(50)], ["2026-04-02"] * 50), tmp_path / "shipments_2026Q2.csv")
    big = _write(pd.DataFrame({"shipment_id": [f"T{i}" for i in range(n)], "customer_id": [f"C{i % 300}" for i in range(n)],
                               "ship_date": [days[i % len(days)] for i in range(n)], "revenue": [float(i) for i in range(n)],
                               "cost": 1.0}), tmp_path / "shipments_2026Q3.csv")
    base = tmp_path / "base.duckdb"
    warehouse.ingest([first], "2026Q2", path=base)
    before = _contents(base)
    done = tmp_path / "done.duckdb"
    shutil.copy(base, done)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    cmd = [sys.executable, "-m", "crm_research.cli", "ingest", "--period", "2026Q3", str(big), "--warehouse"]
    t0 = time.monotonic()
    assert subprocess.run(cmd + [str(done)], env=env, capture_output=True).returncode == 0
    took = time.monotonic() - t0
    after = _contents(done)
    assert after != before and len(after["shipments"]) == 50 + n
    for trial in range(5):
        db = tmp_path / f"killed{trial}.duckdb"
        shutil.copy(base, db)
        proc = subprocess.Popen(cmd + [str(db)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 1.0) * took)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        got = _contents(db)
        assert got == before or got == after, f"trial {trial}: warehouse is neither as before nor as after the load"
