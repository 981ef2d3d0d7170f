"""crm_research.thesis.chapter and the notebook notebooks/60_thesis.ipynb that calls it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from crm_research import DataError
from crm_research.survey import Survey
from crm_research.thesis import chapter

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def survey():
    mobi = pd.read_csv(ROOT / "tests" / "data" / "mobi.csv")
    return Survey.from_frame(mobi.assign(respondent_id=range(1, len(mobi) + 1)), "ecsi")


def test_chapter_writes_every_table_and_its_interpretation(survey, tmp_path):
    import docx

    ch = chapter(survey, x="quality", m="satisfaction", y="loyalty", n_boot=300, out=tmp_path / "c.docx")
    assert len(ch.tables) == len(ch.paragraphs) == 8 and all(ch.paragraphs)
    doc = docx.Document(str(ch.path))
    assert len(doc.tables) == 8
    text = "\n".join(p.text for p in doc.paragraphs)
    for p in ch.paragraphs:
        assert p in text
    assert ch.funnel.startswith("250 → ")
    med = [t for t in ch.tables if t.title.startswith("中介效应")][0]
    assert "间接效应（感知质量 → 顾客满意 → 顾客忠诚）" in med.frame.index


def test_chapter_names_unknown_constructs(survey):
    with pytest.raises(DataError, match=r"chapter: constructs not in instrument 'ecsi': \['trust'\]"):
        chapter(survey, x="trust", m="satisfaction", y="loyalty")


def test_notebook_60_thesis_runs_on_a_students_file(tmp_path):
    import papermill as pm

    mobi = pd.read_csv(ROOT / "tests" / "data" / "mobi.csv")
    data = tmp_path / "导出.csv"
    mobi.to_csv(data, index=False, encoding="gbk")
    out = tmp_path / "第四章.docx"
    pm.execute_notebook(str(ROOT / "notebooks" / "60_thesis.ipynb"), str(tmp_path / "60_thesis.ipynb"),
                        parameters={"data_file": str(data), "instrument": "ecsi", "n_boot": 200, "out_docx": str(out)},
                        kernel_name="python3", progress_bar=False, cwd=str(tmp_path))
    assert out.is_file()
