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
                        parameters={"data_file": str(data), "instrument": "ecsi", "n_boot": 200, "out_docx": str(out),
                                    "structural": "pls", "style": "apa"},
                        kernel_name="python3", progress_bar=False, cwd=str(tmp_path))
    import docx

    doc = docx.Document(str(out))
    assert len(doc.tables) == 11                                    # 8 tables, then reliability, HTMT and paths of PLS
    assert doc.tables[-1].rows[0].cells[1].text == "β" and doc.tables[-1].rows[1].cells[1].text.startswith(".")


def _kept(survey):
    return survey.keyed().loc[survey.screen().kept.index]


def _cells(table):
    return [[c.text for c in r.cells] for r in table.rows]


LAVAAN = """quality =~ PERQ1 + PERQ2 + PERQ3 + PERQ4 + PERQ5
satisfaction =~ CUSA1 + CUSA2 + CUSA3
image =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
satisfaction ~ quality + image"""


def test_chapter_ends_with_the_sem_fit_estimates_and_interpretation(survey, tmp_path):
    import docx

    from crm_research.sem import sem

    ch = chapter(survey, x="quality", m="satisfaction", y="loyalty", n_boot=200, lang="en", style="apa",
                 structural=LAVAAN, out=tmp_path / "c.docx")
    ref = sem(_kept(survey), LAVAAN)
    assert len(ch.tables) == 10 and ch.tables[8].title == ref.fit_table("en").title
    doc = docx.Document(str(ch.path))
    fit, est = (_cells(t) for t in doc.tables[8:10])
    by_measure = {r[0]: r for r in fit}
    assert by_measure["CFI"][1] == f"{ref.fit['cfi']:.3f}".lstrip("0")                  # APA: bounded, no zero
    assert by_measure["TLI"][1] == f"{ref.fit['tli']:.3f}"                              # TLI can exceed 1
    assert by_measure["df"][1] == str(int(ref.fit["df"])) and by_measure["CFI"][2].startswith("≥ .95")
    e = ref.estimates
    for r in e[e["op"] == "~"].itertuples():
        std = f"{r.std_all:.3f}".replace("0.", ".", 1) + ("***" if r.p < .001 else "**" if r.p < .01 else "*" if r.p < .05 else "")
        path = f"{survey.instrument.construct_label(r.rhs, 'en')} → {survey.instrument.construct_label(r.lhs, 'en')}"
        row = [x for x in est if x[0] == path][0]
        assert row[2] == f"{r.est:.3f}" and row[-1] == std
        assert f"(β = {r.std_all:.3f})" in ch.paragraphs[9]
    assert f"CFI = {ref.fit['cfi']:.3f}" in ch.paragraphs[9] and "Hu & Bentler (1999)" in ch.paragraphs[9]
    assert ch.paragraphs[9] in "\n".join(p.text for p in doc.paragraphs)
    # "sem": the latent mediation model x → m → y from the instrument's items
    short = chapter(survey, x="quality", m="satisfaction", y="loyalty", n_boot=200, structural="sem")
    inst = survey.instrument
    spelled = "\n".join([f"{c} =~ {' + '.join(inst.model[c])}" for c in ("quality", "satisfaction", "loyalty")]
                        + ["satisfaction ~ quality", "loyalty ~ satisfaction + quality"])
    assert short.paragraphs[-1] == sem(_kept(survey), spelled).interpret("zh", names={
        c: inst.construct_label(c, "zh") for c in inst.constructs})


def test_chapter_ends_with_pls_reliability_htmt_and_paths(survey, tmp_path):
    import docx

    from crm_research.models import pls_path

    ch = chapter(survey, x="quality", m="satisfaction", y="loyalty", n_boot=200, seed=5, structural="pls",
                 out=tmp_path / "c.docx")
    inst = survey.instrument
    ref = pls_path(_kept(survey), {c: list(inst.model[c]) for c in ("quality", "satisfaction", "loyalty")},
                   [("quality", ["satisfaction", "loyalty"]), ("satisfaction", "loyalty")], n_boot=200, seed=5)
    doc = docx.Document(str(ch.path))
    assert len(doc.tables) == len(ch.tables) == 11
    rel_, htmt, paths = (_cells(t) for t in doc.tables[8:11])
    q = inst.construct_label("quality", "zh")
    row = [r for r in rel_ if r[0] == q][0]
    assert row[1:] == [f"{ref.reliability.loc['quality', c]:.3f}" for c in ("alpha", "rho_a", "rho_c", "ave")]
    assert htmt[2][1] == f"{ref.htmt.loc['satisfaction', 'quality']:.3f}"               # thesis-zh keeps the zero
    for r in ref.paths.itertuples():
        label = f"{inst.construct_label(r._1, 'zh')} → {inst.construct_label(r.to, 'zh')}"
        got = [x for x in paths if x[0] == label][0]
        star = "***" if r.p < .001 else "**" if r.p < .01 else "*" if r.p < .05 else ""
        assert got[1] == f"{r.estimate:.3f}" + star
        assert got[5] == f"[{r.ci_low:.3f}, {r.ci_high:.3f}]".replace("-", "−")
    text = ch.paragraphs[-1]
    assert text == ref.interpret("zh", names=inst) and text in "\n".join(p.text for p in doc.paragraphs)
    for v in ref.r2:
        assert f"{v:.3f}" in text
    assert "Henseler" in text and "Hair et al., 2019" in text


@pytest.mark.parametrize("structural, expected", [
    ("amos", r"chapter: structural='amos' is not 'sem', 'pls', a shipped model \(logistics_csl\) or lavaan model syntax"),
    (3, r"chapter: structural must be None, 'sem', 'pls', a shipped model \(logistics_csl\) or lavaan model syntax, got int"),
])
def test_chapter_names_a_bad_structural_model(survey, structural, expected):
    with pytest.raises(DataError, match=expected):
        chapter(survey, x="quality", m="satisfaction", y="loyalty", structural=structural)


def test_chapter_names_a_bad_style(survey):
    with pytest.raises(DataError, match=r"chapter: style='mla' is not one of \['thesis-zh', 'apa'\]"):
        chapter(survey, x="quality", m="satisfaction", y="loyalty", style="mla")
