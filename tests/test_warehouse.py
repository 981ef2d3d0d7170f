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
    assert list(got.columns) == list(want.columns)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    with pytest.raises(DataError, match=r"name='survey' is not one of"):
        warehouse.load_table(data, "survey")
