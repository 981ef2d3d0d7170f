"""Tables written to CSV and Excel: a cell a spreadsheet would run as a formula is written as text
with a leading apostrophe, wherever it stands (cell, index label, header, title); numbers stay numbers."""

from __future__ import annotations

import pandas as pd
from openpyxl import load_workbook

from crm_research.report import ReportContext

EVIL = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_report_tables_neutralise_formula_cells_in_csv_and_xlsx(tmp_path):
    frame = pd.DataFrame({"name": EVIL, "amount": [-5.0, 1.0, -2.0, 3.0, 4.0, 5.0]},
                         index=pd.Index(EVIL, name="customer"))
    frame["=HYPERLINK(\"x\")"] = 1
    ctx = ReportContext(str(tmp_path), "en")
    ctx.table(frame, "evil", title="=1+2", kinds={"amount": "money", "name": "text"})
    csv = pd.read_csv(tmp_path / "tables" / "evil.csv", encoding="utf-8-sig", keep_default_na=False,
                      index_col=0, dtype=str)
    assert list(csv["name"]) == ["'" + v for v in EVIL]
    assert list(csv.index) == ["'" + v for v in EVIL]
    assert "'=HYPERLINK(\"x\")" in csv.columns
    assert list(csv["amount"]) == ["-5.0", "1.0", "-2.0", "3.0", "4.0", "5.0"]     # numbers stay numbers
    ws = load_workbook(tmp_path / "tables" / "evil.xlsx").active
    assert ws["A1"].value == "'=1+2"
    cells = list(ws.iter_rows(min_row=3, max_row=8, values_only=True))
    assert [r[0] for r in cells] == ["'" + v for v in EVIL] and [r[1] for r in cells] == ["'" + v for v in EVIL]
    assert [r[2] for r in cells] == [-5, 1, -2, 3, 4, 5]
    assert all(c.data_type == "s" for row in ws.iter_rows() for c in row if isinstance(c.value, str))
    assert not any(isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))
                   for row in ws.iter_rows() for c in row)
