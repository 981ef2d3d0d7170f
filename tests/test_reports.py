"""Report runs: every notebook renders on the sample data, files and manifest are complete, a
failing input leaves the last good report untouched, and a re-run reproduces the tables."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from crm_research import DataError
from crm_research.cli import main
from crm_research.reports import discover_periods, kpis, pseudonymise, suppress_small, wave_comparison

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
NOTEBOOKS = sorted((ROOT / "src" / "crm_research" / "report" / "notebooks").glob("*.ipynb"))
PERIOD = "2026Q1"


def _digest(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix in (".csv", ".xlsx", ".svg")}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    import contextlib
    import io

    out = tmp_path_factory.mktemp("reports")
    log = io.StringIO()
    with contextlib.redirect_stderr(log):
        assert main(["report", "--period", PERIOD, "--data", str(SAMPLE), "--notebooks", str(NOTEBOOKS[0].parent),
                     "--out", str(out), "--lang", "en", "--audience", "external"]) == 0
    (out / "log.txt").write_text(log.getvalue(), encoding="utf-8")
    return out


def test_log_has_one_line_per_notebook_and_period(rendered):
    lines = (rendered / "log.txt").read_text(encoding="utf-8").splitlines()
    for nb in NOTEBOOKS:
        page = rendered / PERIOD / nb.with_suffix(".html").name
        assert any(re.fullmatch(rf"{PERIOD} {nb.stem}: ok in \d+\.\d s — {re.escape(str(page))}", ln) for ln in lines), lines
    assert any(re.fullmatch(rf"{PERIOD}: ok in \d+\.\d s — {re.escape(str(rendered / PERIOD))}", ln) for ln in lines)
    assert not any("IPKernelApp" in ln or "KeyboardInterrupt" in ln for ln in lines)


def test_every_notebook_rendered_with_files(rendered):
    folder = rendered / PERIOD
    for nb in NOTEBOOKS:
        assert (folder / nb.name).exists() and (folder / nb.with_suffix(".html").name).exists()
        html = (folder / nb.with_suffix(".html").name).read_text(encoding="utf-8")
        assert "class='toc'" in html and "<pre" not in html.split("class='toc'")[0]
        assert "· 2026 Q1</title>" in html and "<html lang='en'>" in html and "../index.html" in html
    for table in ("reliability", "cfa_fit", "pls_paths", "abc_mix", "kpis", "hierarchical_steps", "csi_trend", "drivers",
                  "churn_at_risk", "churn_lost", "receivables"):
        assert (folder / "tables" / f"{table}.csv").exists() and (folder / "tables" / f"{table}.xlsx").exists()
    for fig in ("pareto", "whale", "ipma", "loyalty_curve"):
        assert (folder / "figures" / f"{fig}.png").exists() and (folder / "figures" / f"{fig}.svg").exists()
    assert (rendered / "index.html").read_text(encoding="utf-8").count(PERIOD) >= 1


def test_manifest(rendered):
    m = json.loads((rendered / PERIOD / "manifest.json").read_text(encoding="utf-8"))
    assert m["period"] == PERIOD and m["parameters"]["lang"] == "en"
    assert set(m["notebooks"].values()) == {"ok"} and len(m["notebooks"]) == len(NOTEBOOKS)
    shipments = hashlib.sha256((SAMPLE / "shipments.csv").read_bytes()).hexdigest()
    assert m["inputs_sha256"]["shipments.csv"] == shipments
    assert m["versions"]["pandas"] and m["started"] <= m["finished"]


def test_external_tables_identify_no_customer(rendered):
    churn = pd.read_csv(rendered / PERIOD / "tables" / "churn_at_risk.csv", index_col=0, encoding="utf-8-sig")
    assert list(churn.columns) == ["Customers", "Value at risk (CNY/year)"] and len(churn) == 1
    people = pd.read_csv(SAMPLE / "customers.csv")
    text = "".join(p.read_text(encoding="utf-8-sig") for p in (rendered / PERIOD / "tables").glob("*.csv"))
    text += "".join(p.read_text(encoding="utf-8") for p in (rendered / PERIOD).glob("*.html"))
    leaked = [c for c in list(people["customer_id"]) + list(people["name"]) if c in text]
    assert leaked == []


def test_rerun_is_byte_identical_and_failure_keeps_last_good(rendered, tmp_path):
    before = _digest(rendered / PERIOD)
    # re-run one notebook set into a second folder: same tables byte for byte
    out2 = tmp_path / "again"
    assert main(["report", "--period", PERIOD, "--data", str(SAMPLE), "--notebooks", str(NOTEBOOKS[0].parent),
                 "--out", str(out2), "--lang", "en", "--audience", "external"]) == 0
    again = _digest(out2 / PERIOD)
    assert again == before
    # a corrupted input: the run fails, names notebook and cell, quarantines, keeps the good report
    bad = tmp_path / "bad"
    shutil.copytree(SAMPLE, bad)
    (bad / "shipments.csv").write_text("shipment_id,customer_id,ship_date,revenue\nS1,C1,not a date,-5\n", encoding="utf-8")
    code = main(["report", "--period", PERIOD, "--data", str(bad), "--notebooks", str(NOTEBOOKS[0].parent),
                 "--out", str(out2), "--lang", "en", "--audience", "external"])
    assert code == 2
    assert _digest(out2 / PERIOD) == before
    quarantine = list((out2 / "_quarantine").iterdir())
    assert len(quarantine) == 1 and quarantine[0].name.startswith(PERIOD)


def test_failure_message_names_notebook_and_cell(tmp_path, capsys):
    bad = tmp_path / "bad"
    shutil.copytree(SAMPLE, bad)
    (bad / "survey_2026Q1.csv").write_text("respondent_id,SAT1\nr1,9\n", encoding="utf-8")
    nb = tmp_path / "nbs"
    nb.mkdir()
    shutil.copy(NOTEBOOKS[0].parent / "10_survey_analysis.ipynb", nb)
    code = main(["report", "--period", PERIOD, "--data", str(bad), "--notebooks", str(nb), "--out", str(tmp_path / "o")])
    assert code == 2
    err = capsys.readouterr().err
    assert "notebook 10_survey_analysis.ipynb failed in cell" in err and "lacks columns" in err


def test_discover_periods_and_kpis():
    periods = discover_periods(SAMPLE)
    assert periods[0] == "2025Q1" and periods[-1] == "2026Q3" and len(periods) == 7
    ship = pd.read_csv(SAMPLE / "shipments.csv")
    comp = pd.read_csv(SAMPLE / "complaints.csv")
    k = kpis(ship, comp, "2026Q2")
    q2 = ship[(ship["ship_date"] >= "2026-04-01") & (ship["ship_date"] < "2026-07-01")]
    assert abs(k.loc["on_time_rate", "current"] - q2["on_time"].mean()) < 1e-12
    assert k.loc["on_time_rate", "n_year_before"] == ((ship["ship_date"] >= "2025-04-01") & (ship["ship_date"] < "2025-07-01")).sum()
    with pytest.raises(DataError, match=r"no shipments.csv, survey_<wave>.csv or warehouse.duckdb with loaded periods in data folder .*; nothing to report"):
        discover_periods(Path(__file__).parent)


def test_pseudonymise_and_suppress():
    d = pd.DataFrame({"customer_id": ["C1", "C2", "C1"], "n": [3, 10, 7], "mean": [4.1, 3.9, 4.0]})
    p1 = pseudonymise(d, "customer_id", salt="s")
    p2 = pseudonymise(d, "customer_id", salt="s")
    assert p1.equals(p2) and p1.loc[0, "customer_id"] == p1.loc[2, "customer_id"] != "C1"
    assert pseudonymise(d, "customer_id", salt="t").loc[0, "customer_id"] != p1.loc[0, "customer_id"]
    s = suppress_small(d, "n")
    assert s.loc[0, "n"] == "<5" and pd.isna(s.loc[0, "mean"]) and s.loc[1, "mean"] == 3.9
    with pytest.raises(DataError, match="column 'x' not found"):
        pseudonymise(d, "x")


def test_wave_comparison_matches_scipy():
    from scipy import stats

    a = pd.DataFrame({"sat": [3.0, 4.0, 5.0, 4.0, 3.5]})
    b = pd.DataFrame({"sat": [2.0, 3.0, 3.5, 3.0, 2.5, 3.0]})
    w = wave_comparison(a, b)
    assert abs(w.loc["sat", "p"] - stats.ttest_ind(a["sat"], b["sat"], equal_var=False).pvalue) < 1e-12


def test_hung_kernel_is_timed_out_retried_and_quarantined(tmp_path, report_notebook):
    from crm_research.reports import ReportError, render_period

    path = report_notebook(tmp_path, "hang.ipynb", "import time\ntime.sleep(60)")
    with pytest.raises(ReportError, match=r"notebook hang.ipynb: the kernel failed twice \((CellTimeoutError|TimeoutError: the notebook ran longer than 2 s)"):
        render_period("2026Q1", data=SAMPLE, notebooks=[path], out=tmp_path / "out", timeout=2)
    assert not (tmp_path / "out" / "2026Q1").exists()
    assert len(list((tmp_path / "out" / "_quarantine").iterdir())) == 1


def test_report_on_spark_gives_the_same_tables(rendered, tmp_path):
    import shutil as sh

    pytest.importorskip("pyspark")
    if sh.which("java") is None:
        pytest.skip("Spark needs Java")
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    sh.copy(NOTEBOOKS[0].parent / "30_customer_value.ipynb", nbs)
    assert main(["report", "--period", PERIOD, "--data", str(SAMPLE), "--notebooks", str(nbs), "--out",
                 str(tmp_path / "o"), "--lang", "en", "--audience", "external", "--engine", "spark",
                 "--spark-master", "local[1]"]) == 0
    for t in ("abc_mix", "rfm_segments", "churn_at_risk", "churn_lost", "ageing", "credit_grades"):
        a = (tmp_path / "o" / PERIOD / "tables" / f"{t}.csv").read_bytes()
        b = (rendered / PERIOD / "tables" / f"{t}.csv").read_bytes()
        assert a == b, t


def test_first_period_without_history_renders(tmp_path):
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    shutil.copy(NOTEBOOKS[0].parent / "40_management_report.ipynb", nbs)
    assert main(["report", "--period", "2025Q1", "--data", str(SAMPLE), "--notebooks", str(nbs),
                 "--out", str(tmp_path / "o"), "--lang", "en"]) == 0
    assert (tmp_path / "o" / "2025Q1" / "tables" / "abc_mix_period.csv").exists()
    assert not (tmp_path / "o" / "2025Q1" / "tables" / "abc_migration.csv").exists()


def test_period_folder_survives_kills_at_random_moments(tmp_path, report_notebook):
    """Report runs killed at random moments (SIGKILL, a bounded number of times): reports/<period>
    always exists and is a complete report — the one before or the new one — and the next run
    cleans up what the killed ones left."""
    import os
    import random
    import signal
    import subprocess
    import sys
    import time

    nbs = tmp_path / "nbs"
    report_notebook(nbs, "one.ipynb",
                    "import uuid, pathlib, time\nif out_dir:\n    p = pathlib.Path(out_dir)\n"
                    "    (p / 'part1.txt').write_text('x')\n    time.sleep(0.3)\n    (p / 'marker.txt').write_text(uuid.uuid4().hex)")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "crm_research.cli", "report", "--period", PERIOD, "--data", str(SAMPLE),
           "--notebooks", str(nbs), "--out", str(out), "--quiet"]

    def complete(folder: Path) -> str:
        assert (folder / "manifest.json").exists() and (folder / "one.html").exists()
        return (folder / "marker.txt").read_text()

    assert subprocess.run(cmd, capture_output=True).returncode == 0
    seen = {complete(out / PERIOD)}
    rng = random.Random(20261124)
    for _ in range(6):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + rng.uniform(0.5, 6.0)
        while time.monotonic() < deadline and proc.poll() is None:
            complete(out / PERIOD)                         # a complete report at every moment
            time.sleep(0.05)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        marker = complete(out / PERIOD)
        seen.add(marker)
    # a run after the kills succeeds and leaves one version folder, no stray links or temp folders
    assert subprocess.run(cmd, capture_output=True).returncode == 0
    complete(out / PERIOD)
    assert len(list((out / ".versions").iterdir())) == 1
    assert [p.name for p in out.glob(".*") if p.name not in (".versions", ".lock")] == []


def test_history_and_compared_waves_are_fitted_once_and_agree():
    """The management page fits every wave once: the history's indices and the compared waves' fits
    are those of fitting each wave on its own."""
    import numpy as np

    from crm_research import periodic
    from crm_research.report.data import PeriodData

    data = PeriodData(SAMPLE, "2026Q3")
    history, fits = data.survey_history_with_fits("logistics_csl")
    assert list(history.columns) == ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    assert set(fits) == {"current", "previous", "year_before"}
    alone, alone_fits = periodic.wave_indices({"year_before": data.survey("2025Q3", "logistics_csl")})
    np.testing.assert_allclose(fits["year_before"].index.to_numpy(), alone_fits["year_before"].index.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(history["2025Q3"].to_numpy(), alone["year_before"].to_numpy(), rtol=1e-12)
    assert data.comparison_quarters("logistics_csl") == {"current": "2026Q3", "previous": "2026Q2", "year_before": "2025Q3"}


def test_pseudonyms_use_a_random_project_key_never_a_constant_one(tmp_path, monkeypatch, caplog):
    import hashlib
    import hmac
    import logging
    import stat

    monkeypatch.delenv("CRM_RESEARCH_SALT", raising=False)
    d = pd.DataFrame({"customer_id": ["C1", "C2"]})
    with caplog.at_level(logging.WARNING, logger="crm_research"):
        p1 = pseudonymise(d, "customer_id", key_dir=tmp_path / "proj")
    key_file = tmp_path / "proj" / ".crm_research_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "CRM_RESEARCH_SALT is not set: generated a random pseudonym key in" in caplog.text
    assert str(key_file) in caplog.text
    # the pseudonym a constant key in the source would give must not be what we get
    known = "ID-" + hmac.new(b"crm_research-default-salt", b"C1", hashlib.sha256).hexdigest()[:10]
    assert p1.loc[0, "customer_id"] != known
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="crm_research"):
        assert pseudonymise(d, "customer_id", key_dir=tmp_path / "proj").equals(p1)   # reused, stable
    assert caplog.text == ""
    other = pseudonymise(d, "customer_id", key_dir=tmp_path / "other")               # another project
    assert other.loc[0, "customer_id"] != p1.loc[0, "customer_id"]
    monkeypatch.setenv("CRM_RESEARCH_SALT", "s")
    assert pseudonymise(d, "customer_id", key_dir=tmp_path / "proj").equals(pseudonymise(d, "customer_id", salt="s"))
    key_file.write_text("x", encoding="ascii")
    monkeypatch.delenv("CRM_RESEARCH_SALT")
    with pytest.raises(DataError, match=r"pseudonym key '.*\.crm_research_key' is damaged: expected 64 hex digits"):
        pseudonymise(d, "customer_id", key_dir=tmp_path / "proj")


def test_external_tables_suppress_every_count_of_fewer_than_five_people(tmp_path):
    from crm_research.report import ReportContext

    frame = pd.DataFrame({"customers": [3, 12, 0], "value_at_risk": [900.0, 5000.0, 0.0]},
                         index=pd.Index(["at_risk", "lost", "new"], name="state"))
    frame2 = pd.DataFrame({"respondents": [4, 40], "n_current": [2, 30]}, index=["a", "b"])
    ctx = ReportContext(str(tmp_path / "ext"), "en")
    ctx.audience = "external"
    t = ctx.table(frame, "churn", kinds={"customers": "int", "value_at_risk": "money"}, ns="report")
    assert t.frame["Customers"].tolist() == ["< 5", 12, 0]
    assert pd.isna(t.frame["Value at risk (CNY/year)"].iloc[0]) and t.frame["Value at risk (CNY/year)"].iloc[1] == 5000.0
    assert "Cells with fewer than 5 customers are shown as “< 5”" in t.note
    t2 = ctx.table(frame2, "screen", kinds={"respondents": "int", "n_current": "int"}, ns="report")
    assert t2.frame.iloc[0].tolist() == ["< 5", "< 5"] and t2.frame.iloc[1].tolist() == [40, 30]
    csv = pd.read_csv(tmp_path / "ext" / "tables" / "churn.csv", encoding="utf-8-sig", index_col=0)
    assert csv["Customers"].tolist() == ["< 5", "12", "0"]
    internal = ReportContext(str(tmp_path / "int"), "en").table(frame, "churn", kinds={"customers": "int"}, ns="report")
    assert internal.frame["Customers"].tolist() == [3, 12, 0]


def test_shared_results_are_computed_once_per_period_and_not_published(rendered, tmp_path):
    """ctx.shared: the first notebook computes, the next reads the stored value back; working
    interactively it just computes; the published period holds no shared store."""
    from crm_research.report.context import SHARED, ReportContext

    calls = []
    ctx = ReportContext(str(tmp_path / "period"), "en")
    first = ctx.shared("snap", lambda: calls.append(1) or {"a": pd.DataFrame({"x": [1.5, 2.5]})})
    again = ReportContext(str(tmp_path / "period"), "en").shared("snap", lambda: calls.append(2) or None)
    assert calls == [1]
    pd.testing.assert_frame_equal(first["a"], again["a"])
    interactive = ReportContext("", "en")
    interactive.shared("snap", lambda: calls.append(3))
    interactive.shared("snap", lambda: calls.append(4))
    assert calls == [1, 3, 4]
    assert not (rendered / PERIOD / SHARED).exists()


def test_value_snapshot_is_shared_between_the_value_and_management_pages():
    for name in ("30_customer_value", "40_management_report"):
        source = (ROOT / "src" / "crm_research" / "report" / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8")
        assert "ctx.shared('value_snapshot'" in source, name


def test_notebooks_run_longest_first(tmp_path):
    from crm_research.report.render import longest_first

    nbs = [tmp_path / f"{n}.ipynb" for n in ("a", "b", "c")]
    for nb, size in zip(nbs, (10, 30, 20)):
        nb.write_text("x" * size)
    assert [p.stem for p in longest_first(nbs, tmp_path / "out")] == ["b", "c", "a"]     # untimed: size
    for period, secs in (("2026Q1", {"a.ipynb": 5.0, "b.ipynb": 1.0}), ("2026Q2", {"a.ipynb": 3.0, "b.ipynb": 2.0})):
        (tmp_path / "out" / period).mkdir(parents=True)
        (tmp_path / "out" / period / "manifest.json").write_text(json.dumps({"notebook_seconds": secs}))
    # c never timed: first; then a (mean 4 s) before b (1.5 s)
    assert [p.stem for p in longest_first(nbs, tmp_path / "out")] == ["c", "a", "b"]


def test_prestarted_kernels_are_warm_and_reused():
    from crm_research.report.kernels import KernelPool

    pool = KernelPool()
    try:
        pool.prestart(1)
        pool.prestart(1)        # the command line and render_reports both ask: still one kernel
        with pool.kernel() as km:
            kc = km.blocking_client()
            kc.start_channels()
            seen = []
            kc.execute_interactive("import sys; print('crm_research.sem' in sys.modules, "
                                   "[k for k in dir() if k.startswith('__') and not k.endswith('__')])",
                                   output_hook=lambda m: seen.append(m["content"].get("text", "")))
            kc.stop_channels()
            first = km
        assert "".join(seen).strip() == "True []"     # modules loaded, no warm-up names left
        with pool.kernel() as km:
            assert km is first                        # the same kernel, reset, not a new start
            seen = []
            pool.client(km).execute_interactive(
                "print('sys' in dir(), [k for k in dir() if k.startswith('__') and not k.endswith('__')], "
                "__import__('gc').collect.__name__)", output_hook=lambda m: seen.append(m["content"].get("text", "")))
        assert "".join(seen).strip() == "False [] collect"   # names gone, no helper left, gc restored
        assert len(pool._all) == 1
    finally:
        pool.close()


def test_tables_are_read_once_per_process_and_each_page_gets_its_own_copy(tmp_path, monkeypatch):
    """A report kernel renders many pages and periods: a table file is parsed once while it is
    unchanged, a page that changes its copy changes nothing for the next, and a changed file is
    read again."""
    import os
    import shutil

    from crm_research.report import data as report_data

    for f in ("shipments.csv", "complaints.csv"):
        shutil.copy(SAMPLE / f, tmp_path / f)
    reads = []
    real = report_data.load_table
    monkeypatch.setattr(report_data, "load_table", lambda *a, **k: reads.append(a[1]) or real(*a, **k))
    first = report_data.PeriodData(tmp_path, "2026Q3").table("shipments")
    first["revenue"] = 0.0                                   # a page changing its own copy
    second = report_data.PeriodData(tmp_path, "2026Q2").table("shipments")
    assert reads == ["shipments"] and second["revenue"].sum() > 0
    st = (tmp_path / "shipments.csv").stat()
    with open(tmp_path / "shipments.csv", "a", encoding="utf-8") as fh:   # a corrected export
        fh.write("S9999999,C0003,2026-09-30,苏州,上海,快递,1.0,10.0,5.0,1.0,1,0,2026-09-30\n")
    os.utime(tmp_path / "shipments.csv", ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    third = report_data.PeriodData(tmp_path, "2026Q3").table("shipments")
    assert reads == ["shipments", "shipments"] and len(third) == len(second) + 1


def test_report_engine_writes_the_record_at_start_and_end_and_keeps_a_failure(tmp_path, monkeypatch, report_notebook):
    """The report engine runs a notebook through the warm kernel's client and writes the executed
    notebook when it starts and when it ends (papermill writes it before and after every cell):
    the record is complete, and a failing cell's traceback is in the quarantined copy."""
    import nbformat as nbf
    import papermill.engines

    from crm_research.report import render

    writes = []
    real = papermill.engines.write_ipynb
    monkeypatch.setattr(papermill.engines, "write_ipynb", lambda nb, path: writes.append(path) or real(nb, path))
    nbs = tmp_path / "nbs"
    for name, body in (("ok", "y = 2"), ("bad", "raise ValueError('no such column: revenue')")):
        report_notebook(nbs, f"{name}.ipynb", "x = 1\nprint('first', x)", body,
                        "print('never' if 'y' not in dir() else 'third')")
    out = render.render_period(PERIOD, data=SAMPLE, notebooks=[nbs / "ok.ipynb"], out=tmp_path / "o")
    assert len(writes) == 2                                 # start and end, for five cells
    rec = nbf.read(out / "ok.ipynb", as_version=4)
    assert [c.metadata.papermill.status for c in rec.cells if c.cell_type == "code"] == ["completed"] * 5
    assert rec.cells[2].outputs[0].text == "first 1\n" and rec.cells[4].outputs[0].text == "third\n"
    with pytest.raises(render.ReportError, match="notebook bad.ipynb failed in cell 3.*no such column: revenue"):
        render.render_period(PERIOD, data=SAMPLE, notebooks=[nbs / "bad.ipynb"], out=tmp_path / "o")
    kept = nbf.read(next((tmp_path / "o" / "_quarantine").iterdir()) / "bad.ipynb", as_version=4)
    by_source = {c.source.split("\n")[0]: c for c in kept.cells if c.cell_type == "code"}
    assert by_source["x = 1"].outputs[0].text == "first 1\n"
    failed = by_source["raise ValueError('no such column: revenue')"].outputs[0]
    assert failed.output_type == "error" and failed.evalue == "no such column: revenue"
    assert not by_source[next(k for k in by_source if k.startswith("print('never'"))].outputs


def test_a_freed_kernel_goes_to_the_waiting_notebook_of_the_earliest_period():
    """Periods overlap in a run: with every kernel busy, the notebooks waiting for one are served by
    (period, rank) whatever order they began waiting in, and none starts a kernel beyond the size."""
    import threading
    import time

    from crm_research.report.kernels import KernelPool

    kernels = KernelPool(size=1)
    busy = object()
    kernels._all = [busy]                   # one kernel, in use
    got, threads = [], []
    for prio in [(1, 0), (0, 2), (0, 1), (2, 0)]:
        t = threading.Thread(target=lambda p=prio: got.append((p, kernels._take(p))))
        t.start()
        threads.append(t)
        time.sleep(0.05)
    for _ in range(4):                      # the kernel is freed, taken, freed again ...
        with kernels._cond:
            kernels._free.append(busy)
            kernels._cond.notify_all()
        deadline = time.monotonic() + 5
        while len(got) < _ + 1 and time.monotonic() < deadline:
            time.sleep(0.01)
    for t in threads:
        t.join(5)
    assert [p for p, _ in got] == [(0, 1), (0, 2), (1, 0), (2, 0)]
    assert all(k is busy for _, k in got) and kernels._launching == 0
    kernels._all, kernels._free = [], []
