"""Survey-platform exports (问卷星, 腾讯问卷, Credamo 见数, Qualtrics): detection, metadata, skip codes,
option text, question headers → item codes, Survey.from_frame's checks, drafting an instrument.

Every fixture in tests/data/platforms is written by make_fixtures.py from truth.csv; the tests read
the exports back and compare with truth.csv, an independent record of the answers.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from numpy.testing import assert_allclose

from crm_research import DataError, StatWarning
from crm_research.io.platforms import parse_duration, question_parts
from crm_research.survey import Survey, draft_instrument, load_instrument, load_survey

D = Path(__file__).parent / "data" / "platforms"
INST = D / "instrument.yaml"
ITEMS = [f"{b}{i}" for b in ("SQ", "SAT", "LOY") for i in (1, 2, 3)]
TRUTH = pd.read_csv(D / "truth.csv", parse_dates=["submitted_at"])

FILES = {  # file → (platform, number of skip codes in it, has IP)
    "wjx_numbers.xlsx": ("wenjuanxing", 3, True),
    "wjx_text.csv": ("wenjuanxing", 3, True),
    "tencent.csv": ("tencent", 0, False),
    "credamo.xlsx": ("credamo", 0, True),
    "qualtrics_numbers.csv": ("qualtrics", 3, True),
    "qualtrics_text.csv": ("qualtrics", 0, True),
}


def _load(name, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatWarning)
        return load_survey(D / name, INST, **kw)


@pytest.mark.parametrize("name", list(FILES))
def test_each_export_reads_back_the_true_answers_and_metadata(name):
    platform, n_skips, has_ip = FILES[name]
    s = _load(name)
    assert s.platform == platform
    assert len(s) == len(TRUTH)
    r = s.responses
    assert_allclose(r[ITEMS].to_numpy(dtype=float), TRUTH[ITEMS].to_numpy(dtype=float), rtol=0, atol=0)
    assert_allclose(r["duration_seconds"].to_numpy(dtype=float), TRUTH["duration_seconds"].to_numpy(), rtol=0, atol=0)
    assert list(pd.to_datetime(r["submitted_at"])) == list(TRUTH["submitted_at"])
    if has_ip:
        assert r["ip"].tolist() == TRUTH["ip"].tolist()
    else:
        assert r["ip"].isna().all()
    assert r["source"].notna().all()
    assert int(s.skipped.sum()) == n_skips
    assert s.responses[ITEMS].isna().sum().sum() == 3          # skipped or left blank: missing either way


def test_wenjuanxing_skip_codes_are_counted_and_reported():
    with pytest.warns(StatWarning, match=r"3 answers coded as skipped \(-3, -2, \(跳过\), \(空\)\) were set to missing: "
                                         r"SQ3 \(row 8\), LOY3 \(rows 5, 11\)"):
        s = load_survey(D / "wjx_numbers.xlsx", INST)
    assert s.skipped.to_dict() == {**{i: 0 for i in ITEMS}, "SQ3": 1, "LOY3": 2}
    assert s.responses.loc[4, "LOY3"] != s.responses.loc[4, "LOY3"]     # NaN, never −3
    assert s.responses[ITEMS].min().min() >= 1


def test_wenjuanxing_text_export_maps_option_text_and_headers():
    s = _load("wjx_text.csv")
    assert s.meta["encoding"] == "gb18030"            # the GBK CSV Wenjuanxing writes
    assert s.item_headers["SQ1"] == "3(该公司的配送准时)"
    assert s.item_headers["LOY3"] == "5(即使价格略高我也会选择该公司)"
    assert s.responses["1、您的性别："].tolist()[:2] == ["女", "男"]   # non-item columns untouched, headers as spelled


def test_qualtrics_three_header_rows_and_english_option_text():
    s = _load("qualtrics_text.csv")
    assert s.meta["header_rows"] == 3 and s.id_column == "ResponseId"
    assert s.item_headers["SAT2"] == "Q4_2"
    assert s.responses.index[0] == "R_01xQk7Lm3Pz"


def test_qualtrics_error_names_the_row_of_the_file(tmp_path):
    lines = (D / "qualtrics_numbers.csv").read_text(encoding="utf-8").splitlines()
    cells = lines[3].split(",")
    names = lines[0].split(",")
    cells[names.index("Q3_1")] = "9"
    lines[3] = ",".join(cells)
    p = tmp_path / "q.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"1 answers outside the scale 1–5 in column SQ1 \(row 4\)"):
        _load(p)


def test_option_text_without_scale_labels_is_a_named_error(tmp_path):
    spec = yaml.safe_load(INST.read_text(encoding="utf-8"))
    del spec["scale"]["labels"]
    p = tmp_path / "nolabels.yaml"
    p.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match=r"non-numeric answers \('非常同意', '不同意'.*in column SQ1 \(rows 2, .*"
                                        r"need the option labels in the instrument: scale: labels"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", StatWarning)
            load_survey(D / "wjx_text.csv", p)


def test_unknown_option_text_names_column_and_row(tmp_path):
    f = pd.read_csv(D / "wjx_text.csv", encoding="gbk", dtype=str)
    f.loc[2, "4(选择该公司是明智的)"] = "说不清"
    p = tmp_path / "t.csv"
    f.to_csv(p, index=False, encoding="utf-8")
    with pytest.raises(DataError, match=r"1 non-numeric answers \('说不清'\) in column SAT3 \(row 4\); expected whole "
                                        r"numbers 1–5 or the instrument's scale labels"):
        _load(p)


@pytest.mark.parametrize("text, seconds", [
    ("175秒", 175), ("2分55秒", 175), ("1小时2分3秒", 3723), ("00:02:55", 175), ("2:55", 175), (175, 175),
    ("175", 175), ("2 min 55 s", 175), ("3分钟", 180), ("１７５秒", 175)])
def test_durations_as_platforms_write_them(text, seconds):
    assert parse_duration(text) == seconds


def test_unreadable_duration_is_an_error_naming_column_and_row():
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("很快")
    f = pd.read_excel(D / "wjx_numbers.xlsx")
    f["所用时间"] = f["所用时间"].astype(object)
    f.loc[5, "所用时间"] = "很快"
    with pytest.raises(DataError, match=r"1 durations in column '所用时间' cannot be read \('很快'; row 7\)"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", StatWarning)
            Survey.from_frame(f, INST)


def test_screen_min_duration_uses_duration_seconds():
    s = _load("wjx_numbers.xlsx")
    res = s.screen(min_duration=120, straightline=False, contradiction=False, max_missing=0.5)
    expected = set(TRUTH.loc[TRUTH["duration_seconds"] < 120, "respondent"])
    assert expected and set(res.dropped.index) == expected
    assert res.reasons()["too_fast"] == len(expected)


def test_screening_table_and_interpretation():
    s = _load("wjx_numbers.xlsx")
    res = s.screen(min_duration=120, issued=15)
    fast = int((TRUTH["duration_seconds"] < 120).sum())
    valid = len(TRUTH) - len(res.dropped)
    f = res.table("zh").formatted()
    assert f.loc["发放问卷", "份数"] == "15" and f.loc["回收问卷", "比例"] == "80.0%"
    assert f.loc["剔除：答题过快", "份数"] == str(fast) and f.loc["有效问卷", "份数"] == str(valid)
    assert f.loc["有效问卷", "比例"] == f"{100 * valid / 12:.1f}%"
    text = res.interpret("zh")
    assert text.startswith("共发放问卷 15 份，回收 12 份，回收率 80.0%。") and f"得到有效问卷 {valid} 份" in text
    assert f"Of 15 questionnaires issued, 12 were returned (80.0%). {12 - valid} were screened out" in res.interpret("en")


def test_screen_reads_text_durations_in_a_plain_file(tmp_path):
    """The issue's case: a column "所用时间" reading "175秒" dropped nobody; now it is read as seconds."""
    t = TRUTH[["respondent"] + ITEMS].fillna(3).rename(columns={"respondent": "respondent_id"})
    t["所用时间"] = [f"{int(v)}秒" for v in TRUTH["duration_seconds"]]
    s = Survey.from_frame(t, INST)
    res = s.screen(min_duration=120, duration_column="所用时间", straightline=False, contradiction=False)
    assert set(res.dropped.index) == set(TRUTH.loc[TRUTH["duration_seconds"] < 120, "respondent"])


def test_from_frame_applies_the_platform_checks_of_load_survey():
    raw = pd.read_excel(D / "wjx_numbers.xlsx")
    with pytest.warns(StatWarning, match="coded as skipped"):
        s = Survey.from_frame(raw, INST)
    assert s.platform == "wenjuanxing"
    pd.testing.assert_frame_equal(s.responses[ITEMS], _load("wjx_numbers.xlsx").responses[ITEMS], check_index_type=False)


def _renamed_wjx():
    raw = pd.read_excel(D / "wjx_numbers.xlsx")
    qs = [c for c in raw.columns if c[0] in "345"]
    return raw.drop(columns=["提交答卷时间", "所用时间"]).rename(columns=dict(zip(qs, ITEMS)))


def test_a_skip_code_left_in_a_frame_is_never_a_value():
    f = _renamed_wjx()
    msg = (r"file 'data frame': 1 answers outside the scale 1–5 in column SQ3 \(row 8\); −3 and −2 are Wenjuanxing's "
           r"codes for skipped questions: pass skip_codes=\(-3, -2\)")
    with pytest.raises(DataError, match=msg):
        Survey.from_frame(f, INST)
    with pytest.raises(DataError, match=r"outside the scale 1–5 in column SQ3"):
        Survey(f, load_instrument(INST))                      # the constructor checks too
    with pytest.warns(StatWarning, match="3 answers coded as skipped"):
        s = Survey.from_frame(f, INST, skip_codes=(-3, -2))
    assert s.skipped.sum() == 3 and s.responses[ITEMS].min().min() == 1


def test_data_on_another_sheet_lists_the_sheets(tmp_path):
    p = tmp_path / "导出.xlsx"
    with pd.ExcelWriter(p) as xw:
        pd.DataFrame({"说明": ["问卷星导出"]}).to_excel(xw, sheet_name="说明", index=False)
        pd.read_excel(D / "wjx_numbers.xlsx").to_excel(xw, sheet_name="答卷", index=False)
    with pytest.raises(DataError, match=r"lacks columns .*sheet '说明' was read and the workbook's sheets are "
                                        r"\['说明', '答卷'\]: pass sheet=<name>"):
        load_survey(p, INST)
    assert len(_load(p, sheet="答卷")) == 12


def test_items_by_position_from_first_item(tmp_path):
    f = pd.read_excel(D / "wjx_numbers.xlsx")
    qs = [c for c in f.columns if c[0] in "345"]
    f = f.rename(columns={c: f"{c[0]}(第{k}小题)" for k, c in enumerate(qs)})   # wording unlike the instrument
    p = tmp_path / "pos.xlsx"
    f.to_excel(p, index=False)
    with pytest.raises(DataError, match=r"lacks columns that instrument 'express_service' needs: \['SQ1', .*"
                                        r"pass first_item=<question number"):
        _load(p)
    s = _load(p, first_item=3)
    assert s.item_headers["SQ1"] == "3(第0小题)" and s.item_headers["LOY3"] == "5(第8小题)"
    assert_allclose(s.responses[ITEMS].to_numpy(dtype=float), TRUTH[ITEMS].to_numpy(dtype=float))
    with pytest.raises(DataError, match=r"first_item=9 is not a question of the file"):
        _load(p, first_item=9)
    with pytest.raises(DataError, match=r"from question '5\(第6小题\)' on there are 4 questions, but instrument "
                                        r"'express_service' has 9 items"):
        _load(p, first_item=5)


def test_two_questions_with_the_same_wording_are_not_guessed(tmp_path):
    f = pd.read_excel(D / "wjx_numbers.xlsx")
    f["7(该公司的配送准时)"] = f["3(该公司的配送准时)"]
    p = tmp_path / "dup.xlsx"
    f.to_excel(p, index=False)
    with pytest.raises(DataError, match=r"several questions match the wording of SQ1: \['3\(该公司的配送准时\)', "
                                        r"'7\(该公司的配送准时\)'\]"):
        _load(p)


def test_skip_codes_inside_the_scale_are_answers(tmp_path):
    """On a −3…3 scale a −3 is an answer: Wenjuanxing's skip code only counts outside the scale."""
    spec = yaml.safe_load(INST.read_text(encoding="utf-8"))
    spec["scale"] = {"min": -3, "max": 3}
    p = tmp_path / "bipolar.yaml"
    p.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    f = pd.read_excel(D / "wjx_numbers.xlsx")
    qs = [c for c in f.columns if c[0] in "345"]
    f[qs] = f[qs].where(f[qs] < 0, f[qs] - 3)          # answers 1…5 → −2…2; −3 and −2 codes stay
    s = Survey.from_frame(f, p)
    assert s.skipped.sum() == 0 and s.responses.loc[4, "LOY3"] == -3 and s.responses.loc[7, "SQ3"] == -2


def test_unknown_platform_name():
    with pytest.raises(DataError, match=r"platform='wjx' is not one of \['wenjuanxing', 'tencent', 'credamo', 'qualtrics'\]"):
        load_survey(D / "wjx_numbers.xlsx", INST, platform="wjx")


@pytest.mark.parametrize("header, parts", [
    ("1、您的性别：", ("1", "您的性别")), ("8(该公司值得信赖)", ("8", "该公司值得信赖")),
    ("8、(该公司值得信赖)", ("8", "该公司值得信赖")), ("Q3_1", ("Q3_1", "")), ("Q3_1.该公司值得信赖", ("Q3_1", "该公司值得信赖")),
    ("3.请评价—该公司值得信赖", ("3", "请评价—该公司值得信赖")), ("性别", (None, "性别"))])
def test_question_headers(header, parts):
    assert question_parts(header) == parts


def test_draft_instrument_from_an_export(tmp_path):
    out = tmp_path / "draft.yaml"
    text = draft_instrument(D / "wjx_numbers.xlsx", name="我的问卷", out=out)
    assert out.read_text(encoding="utf-8") == text
    assert "# left out, answers are free text: 6、您对我们的服务有什么建议？" in text
    spec = yaml.safe_load(text)
    items = spec["constructs"]["TODO"]["items"]
    assert list(items) == ["Q1", "Q2"] + [f"Q{q}_{i}" for q in (3, 4, 5) for i in (1, 2, 3)]
    assert items["Q3_2"]["zh"] == "该公司的货物完好无损" and spec["scale"] == {"min": 1, "max": 5}
    # the draft loads the export it came from: items found by their wording
    inst = load_instrument(out)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatWarning)
        s = load_survey(D / "wjx_numbers.xlsx", inst)
    assert_allclose(s.responses[[f"Q{q}_{i}" for q in (3, 4, 5) for i in (1, 2, 3)]].to_numpy(dtype=float),
                    TRUTH[ITEMS].to_numpy(dtype=float))
    q = yaml.safe_load(draft_instrument(D / "qualtrics_numbers.csv"))["constructs"]["TODO"]["items"]
    assert "Q3_1" in q and q["Q3_1"]["en"].endswith("The company delivers on time")


def test_spss_variable_labels_find_the_items(tmp_path):
    """A .sav download keeps the question text in the variable labels: items are found by it."""
    import pyreadstat

    t = TRUTH[["respondent"] + ITEMS].fillna(3).rename(columns={"respondent": "respondent_id"})
    t.columns = ["respondent_id"] + [f"Q{k}" for k in range(1, 10)]
    wording = [w for block in ("SQ", "SAT", "LOY") for w in
               yaml.safe_load(INST.read_text(encoding="utf-8"))["constructs"][
                   {"SQ": "quality", "SAT": "satisfaction", "LOY": "loyalty"}[block]]["items"].values()]
    p = tmp_path / "s.sav"
    pyreadstat.write_sav(t, str(p), column_labels=["编号"] + [f"{k}、{w['zh']}" for k, w in enumerate(wording, 1)])
    s = load_survey(p, INST)
    assert s.item_headers["SAT1"] == "Q4"
    assert_allclose(s.responses[ITEMS].to_numpy(dtype=float), TRUTH[ITEMS].fillna(3).to_numpy(dtype=float))


def test_plain_files_still_load_without_a_platform(tmp_path):
    t = TRUTH[["respondent"] + ITEMS].fillna(3).rename(columns={"respondent": "respondent_id"})
    p = tmp_path / "plain.csv"
    t.to_csv(p, index=False)
    s = load_survey(p, INST)
    assert s.platform is None and s.skipped.sum() == 0 and s.item_headers == {}


def test_ecsi_wording_of_perq5_and_perq6():
    """PERQ5 is the range of services, PERQ6 their reliability and accuracy (Tenenhaus et al. 2005;
    the item list of the mobi data set as R's cSEM documents it)."""
    e = load_instrument("ecsi").item_text
    assert "范围" in e["PERQ5"]["zh"] and e["PERQ5"]["en"].startswith("Range")
    assert "可靠" in e["PERQ6"]["zh"] and e["PERQ6"]["en"].startswith("Reliability")
