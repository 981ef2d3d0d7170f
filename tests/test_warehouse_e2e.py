"""The operator's quarterly run: the sample firm split into quarterly exports (survey waves
included), ingested quarter by quarter into a warehouse, and the last quarter rendered from the
warehouse alone gives tables identical, byte for byte, to the run on the CSV files."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd

from crm_research.cli import main
from crm_research.io.periods import discover_periods, parse_period
from crm_research.io.warehouse import ingest

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
QUARTERS = ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"]
DATES = {"shipments": "ship_date", "invoices": "issue_date", "payments": "pay_date", "complaints": "opened"}


def _tables(folder: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.csv"))}


def test_quarter_by_quarter_ingest_then_report_from_the_warehouse_alone(tmp_path):
    exports, firm = tmp_path / "exports", tmp_path / "firm"
    exports.mkdir()
    firm.mkdir()
    frames = {t: pd.read_csv(SAMPLE / f"{t}.csv", dtype=str, keep_default_na=False) for t in DATES}
    for i, q in enumerate(QUARTERS):
        per = parse_period(q)
        files = []
        for t, col in DATES.items():
            part = frames[t][per.contains(frames[t][col])]
            files.append(exports / f"{t}_{q}.csv")
            part.to_csv(files[-1], index=False)
        files.append(exports / f"survey_{q}.csv")
        shutil.copy(SAMPLE / f"survey_{q}.csv", files[-1])
        if i == 0:
            files.append(exports / "customers.csv")
            shutil.copy(SAMPLE / "customers.csv", files[-1])
        assert len(ingest([str(f) for f in files], q, path=firm / "warehouse.duckdb")) == len(files)
    assert [p.name for p in firm.iterdir()] == ["warehouse.duckdb"]
    assert discover_periods(firm) == QUARTERS            # `report --all` finds the periods in the warehouse
    args = ["--period", "2026Q3", "--lang", "en", "--audience", "external", "--quiet"]
    assert main(["report", "--data", str(firm), "--out", str(tmp_path / "from_warehouse"), *args]) == 0
    assert main(["report", "--data", str(SAMPLE), "--out", str(tmp_path / "from_csv"), *args]) == 0
    got = _tables(tmp_path / "from_warehouse" / "2026Q3" / "tables")
    want = _tables(tmp_path / "from_csv" / "2026Q3" / "tables")
    assert len(want) >= 20 and got == want
