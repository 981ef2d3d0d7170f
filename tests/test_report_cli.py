"""The unattended report run as an operator meets it, on a one-cell notebook: --keep-going and its
summary and exit codes, files outside the naming scheme skipped with a warning, one run per output
folder, the project file found from any directory below it, periods validated."""

from __future__ import annotations

import fcntl
import json
import logging

import pytest

from crm_research.cli import main


@pytest.fixture()
def firm(tmp_path, report_notebook):
    """Three survey waves, a stray browser copy of one, and a notebook that fails on 2025Q2."""
    data = tmp_path / "firm"
    data.mkdir()
    for q in ("2025Q1", "2025Q2", "2025Q3"):
        (data / f"survey_{q}.csv").write_text("respondent_id,SAT1\nr1,4\n", encoding="utf-8")
    (data / "survey_2025Q2 (1).csv").write_text("respondent_id,SAT1\nr1,4\n", encoding="utf-8")
    report_notebook(tmp_path / "nbs", "page.ipynb",
                    "if period == '2025Q2':\n    raise ValueError('survey_2025Q2.csv row 7: answer 9 outside the scale 1-5')\n"
                    "print('page of', period)")
    return data, tmp_path / "nbs"


def test_keep_going_renders_every_good_period_and_exits_1_naming_the_failure(firm, tmp_path, capsys, caplog):
    data, nbs = firm
    out = tmp_path / "reports"
    with caplog.at_level(logging.WARNING, logger="crm_research"):
        code = main(["report", "--all", "--keep-going", "--data", str(data), "--notebooks", str(nbs), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert "survey_2025Q2 (1).csv" in caplog.text and "naming scheme" in caplog.text   # skipped, named
    assert f"2 of 3 periods rendered into {out}; failed: 2025Q2" in err
    assert "2025Q2: failed in" in err and "notebook page.ipynb failed in cell" in err and "row 7" in err
    assert (out / "2025Q1" / "page.html").exists() and (out / "2025Q3" / "page.html").exists()
    assert not (out / "2025Q2").exists()
    runs = json.loads((out / "runs.json").read_text(encoding="utf-8"))
    assert runs["2025Q2"]["status"] == "failed" and runs["2025Q3"]["status"] == "ok"
    # without --keep-going the failure is a bad-input exit (2) and the last good reports stay
    code = main(["report", "--all", "--data", str(data), "--notebooks", str(nbs), "--out", str(out), "--quiet"])
    assert code == 2 and "notebook page.ipynb failed" in capsys.readouterr().err
    assert (out / "2025Q1" / "page.html").exists() and not (out / "2025Q2").exists()


def test_a_second_run_on_the_same_output_folder_is_told_who_holds_it(firm, tmp_path, capsys):
    data, nbs = firm
    out = tmp_path / "reports"
    out.mkdir()
    with open(out / ".lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write("process 4242 since 2026-11-24T03:00:00")
        held.flush()
        code = main(["report", "--period", "2025Q1", "--data", str(data), "--notebooks", str(nbs), "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert f"output folder {str(out)!r} is being written by process 4242 since 2026-11-24T03:00:00" in err
    assert not (out / "2025Q1").exists()


def test_the_project_file_is_found_from_any_directory_below_it_and_never_the_sample(firm, tmp_path, monkeypatch, capsys):
    data, nbs = firm
    project = tmp_path / "project"
    (project / "notebooks" / "drafts").mkdir(parents=True)
    monkeypatch.chdir(project)
    assert main(["init", "--data", str(data), "--out", "reports", "--lang", "en", "--firm", "阳光物流"]) == 0
    monkeypatch.chdir(project / "notebooks" / "drafts")           # cron's working directory is anything
    assert main(["report", "--period", "2025Q3", "--notebooks", str(nbs), "--quiet"]) == 0
    page = (project / "reports" / "2025Q3" / "page.html").read_text(encoding="utf-8")
    assert "page of 2025Q3" in page and "<html lang='en'>" in page
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    capsys.readouterr()
    assert main(["report", "--period", "2025Q3", "--notebooks", str(nbs)]) == 2
    err = capsys.readouterr().err
    assert "no data folder: pass --data DIR or run `crm-research init --data DIR`" in err and str(elsewhere) in err


@pytest.mark.parametrize("period, message", [
    ("", "period is empty"), ("2026Q5", "2026Q5"), ("2026-13", "2026-13"), ("1850Q1", "1850"),
])
def test_impossible_periods_are_bad_input_never_all_periods(firm, tmp_path, capsys, period, message):
    data, nbs = firm
    code = main(["report", "--period", period, "--data", str(data), "--notebooks", str(nbs), "--out", str(tmp_path / "o")])
    assert code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "o").exists() or not any(p.name.startswith("20") for p in (tmp_path / "o").iterdir())
