"""Each replication notebook runs under papermill, and every figure it claims to reproduce is
asserted here from the table it writes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
NB = ROOT / "notebooks" / "replications"


def _run(name: str, tmp_path: Path, **params) -> pd.DataFrame:
    import papermill as pm

    out = tmp_path / name
    pm.execute_notebook(str(NB / f"{name}.ipynb"), str(tmp_path / f"{name}.ipynb"),
                        parameters={"out_dir": str(out), "lang": "en", **params},
                        kernel_name="python3", progress_bar=False, cwd=str(NB))
    return pd.read_csv(out / f"{name}.csv", dtype={"published": str})


def _smallest_base(percents):
    def possible(m):
        shares = {(2000 * c + m) // (2 * m) for c in range(m + 1)}   # tenths of a percent, half up
        return all(round(float(p) * 10) in shares for p in percents)
    return next(m for m in range(1, 10_000) if possible(m))


def test_survey_percentages(tmp_path):
    t = _run("03_survey_percentages", tmp_path).set_index("figure")
    awareness = ["51.4", "28.6", "13.6", "6.4"]
    practice = ["78.3", "10.2", "11.3", "65.5", "44.5"]
    n1, n2 = _smallest_base(awareness), _smallest_base(practice)
    assert t.loc[f"never heard (n = {n1})", "published"] == "51.4"
    rows = [r for r in t.index if r.endswith(f"(n = {n1})") or r.endswith(f"(n = {n2})")]
    assert len(rows) == 9 and t.loc[rows, "ok"].all()
    assert t.loc[rows, "difference"].abs().max() < 0.05
    last = t.loc["implementers: shares add to"]
    assert not last["ok"] and abs(last["reproduced"] - 100.7) < 1e-9
