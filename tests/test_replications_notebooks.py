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


def test_bank_crm_study(tmp_path):
    t = _run("01_bank_crm_study", tmp_path).set_index("figure")
    assert t["ok"].all(), t[~t["ok"]]
    assert t.loc["model 1 F", "reproduced_rounded"] == 29.31
    assert t.loc["model 1 β orientation", "reproduced_rounded"] == 0.36
    assert t.loc["model 2 R²", "reproduced_rounded"] == 0.46
    assert t.loc["valid rate % (of issued)", "reproduced"] == pytest.approx(96.2)
    assert 9.5 < t.loc["predictors implied by R², F, n", "reproduced"] < 10.5
    assert t.loc["smallest loading (CFA)", "reproduced"] > 0.638 and t.loc["smallest α", "reproduced"] > 0.863


@pytest.mark.parametrize("name", ["02_abc_visit_plan", "04_loyalty_zones", "05_value_indicator_system"])
def test_sample_company_replications(tmp_path, name):
    t = _run(name, tmp_path)
    assert len(t) >= 4 and t["ok"].all(), t[~t["ok"]]
