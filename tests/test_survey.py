"""crm_research.survey: loaders, instruments, keying, scores, screening, and every bad input."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from crm_research import DataError
from crm_research.survey import list_instruments, load_instrument, load_survey

INST = """
name: mini
title: {zh: 小量表, en: Mini}
scale: {min: 1, max: 5}
constructs:
  满意:
    label: {zh: 满意度, en: Satisfaction}
    items:
      S1: {zh: 总体满意, en: Satisfied}
      S2: {zh: 达到期望, en: Meets expectations}
      S3: {zh: 感到失望, en: Disappointed, reverse: true, reverse_of: S1}
  忠诚:
    label: {zh: 忠诚, en: Loyalty}
    items:
      L1: {zh: 继续使用, en: Keep using}
      L2: {zh: 推荐, en: Recommend}
"""


@pytest.fixture
def inst(tmp_path):
    p = tmp_path / "mini.yaml"
    p.write_text(INST, encoding="utf-8")
    return p


def _frame():
    return pd.DataFrame({
        "respondent_id": ["r1", "r2", "r3", "r4"],
        "客户类型": ["制造商", "分销商", "零售商", "电商"],
        "S1": [5, 4, 2, 5], "S2": [4, 4, 2, None], "S3": [1, 2, 4, 5],
        "L1": [5, 3, 1, 4], "L2": [4, 3, 2, 4],
    })


def _csv(tmp_path, frame, name="s.csv", encoding="utf-8"):
    p = tmp_path / name
    frame.to_csv(p, index=False, encoding=encoding)
    return p


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_detected_and_chinese_survives(tmp_path, inst, encoding):
    p = _csv(tmp_path, _frame(), encoding=encoding)
    raw, mtime = p.read_bytes(), p.stat().st_mtime_ns
    s = load_survey(p, inst)
    assert list(s.responses["客户类型"]) == ["制造商", "分销商", "零售商", "电商"]
    assert s.responses["S1"].tolist() == [5, 4, 2, 5]
    assert s.missing["S2"] == 1 and s.missing.sum() == 1
    assert p.read_bytes() == raw and p.stat().st_mtime_ns == mtime


def test_xlsx_with_chinese_sheet_names(tmp_path, inst):
    p = tmp_path / "问卷.xlsx"
    with pd.ExcelWriter(p) as xw:
        pd.DataFrame({"说明": ["封面"]}).to_excel(xw, sheet_name="封面", index=False)
        _frame().to_excel(xw, sheet_name="第一季度", index=False)
    s = load_survey(p, inst, sheet="第一季度")
    assert len(s) == 4 and s.responses.loc["r3", "客户类型"] == "零售商"
    with pytest.raises(DataError, match=r"has no sheet '第二季度'; its sheets are \['封面', '第一季度'\]"):
        load_survey(p, inst, sheet="第二季度")


def test_sav_value_labels_become_text(tmp_path, inst):
    import pyreadstat

    f = _frame().drop(columns="客户类型").assign(type=[1.0, 2.0, 3.0, 4.0])
    p = tmp_path / "s.sav"
    pyreadstat.write_sav(f, str(p), variable_value_labels={
        "type": {1.0: "制造商", 2.0: "分销商", 3.0: "零售商", 4.0: "电商"},
        "S1": {1.0: "非常不同意", 5.0: "非常同意"}})
    s = load_survey(p, inst)
    assert s.responses["type"].tolist() == ["制造商", "分销商", "零售商", "电商"]
    assert s.responses["S1"].tolist() == [5, 4, 2, 5]   # item answers keep their codes


def test_full_width_digits_accepted(tmp_path, inst):
    f = _frame().astype({"S1": object})
    f.loc[0, "S1"] = "５"
    s = load_survey(_csv(tmp_path, f), inst)
    assert s.responses.loc["r1", "S1"] == 5


def test_keyed_and_scores(tmp_path, inst):
    s = load_survey(_csv(tmp_path, _frame()), inst)
    k = s.keyed()
    assert k["S3"].tolist() == [5, 4, 2, 1]          # 1 + 5 − x
    sc = s.scores()
    assert_allclose(sc.loc["r1", "满意"], (5 + 4 + 5) / 3)
    assert_allclose(sc.loc["r4", "满意"], (5 + 1) / 2)   # S2 missing: mean of answered
    assert_allclose(sc["忠诚"].tolist(), [4.5, 3.0, 1.5, 4.0])
    assert s.scores(min_answered=3)["满意"].isna().tolist() == [False, False, False, True]
    # invariance: column order of the file does not change anything
    shuffled = _frame()[["L2", "S3", "respondent_id", "S1", "L1", "客户类型", "S2"]]
    s2 = load_survey(_csv(tmp_path, shuffled, "t.csv"), inst)
    pd.testing.assert_frame_equal(s2.scores(), sc)


def test_screen_funnel_and_reasons(tmp_path, inst):
    f = pd.DataFrame({"respondent_id": [f"r{i}" for i in range(10)],
                      "duration_sec": [300, 400, 30, 500, 350, 320, 310, 330, 340, 360],
                      "S1": [4, 5, 4, 3, 5, np.nan, 3, 4, 4, 2], "S2": [4, 4, 4, 3, 4, np.nan, 3, 4, 5, 2],
                      "S3": [2, 5, 2, 3, 1, np.nan, 3, 2, 1, 4], "L1": [4, 4, 4, 3, 5, np.nan, 2, 4, 5, 2],
                      "L2": [5, 4, 4, 3, 5, 3, 2, 4, 5, 2]})
    s = load_survey(_csv(tmp_path, f), inst)
    res = s.screen(min_duration=60, issued=12)
    assert res.returned == 10 and res.valid == 6
    why = res.reason("en").to_dict()
    assert set(why) == {"r1", "r2", "r3", "r5"}
    assert why["r1"].startswith("contradictory: S1 = 5 and its reverse-keyed twin S3 = 5")
    assert why["r2"] == "completed in 30 s (< 60 s)"
    assert why["r3"] == "straight-lining: answered 3 to all 5 items"
    assert why["r5"] == "missing 4 of 5 answers (> 20%)"
    assert res.funnel_text() == "12 → 10 (83.3 %) → 6 (60.0 % of returned)"
    assert res.funnel["n"].tolist() == [12, 10, 6, 6]
    assert res.reasons().to_dict() == {"missing": 1, "straight_lining": 1, "too_fast": 1, "contradictory": 1}
    assert res.reason("zh")["r2"] == "答题用时 30 秒（< 60 秒）"


def test_funnel_of_the_bank_study():
    from crm_research.survey import ScreeningResult

    r = ScreeningResult(issued=500, returned=492, valid=481, kept=pd.DataFrame(), dropped=pd.DataFrame())
    assert r.funnel_text() == "500 → 492 (98.4 %) → 481 (97.8 % of returned)"


def test_shipped_instruments_load():
    assert {"logistics_csl", "bank_crm", "ecsi"} <= set(list_instruments())
    lg = load_instrument("logistics_csl")
    assert len(lg.items) == 50 and lg.scale_max == 5
    assert lg.reverse_of == {"ST3": "ST1", "SAT4": "SAT1"}
    assert set(lg.reverse_items) == {"ST3", "SAT4"}
    assert load_instrument("ecsi").model["quality"] == [f"PERQ{i}" for i in range(1, 8)]
    assert lg.to_frame("zh").loc[0, "construct_label"] == "物流成本"


# ---- bad input -------------------------------------------------------------------------------

def test_empty_and_header_only(tmp_path, inst):
    p = tmp_path / "e.csv"
    p.write_bytes(b"")
    with pytest.raises(DataError, match=r"file '.*e.csv' is empty"):
        load_survey(p, inst)
    p.write_text("respondent_id,S1\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"has a header but no answer rows"):
        load_survey(p, inst)


def test_missing_columns(tmp_path, inst):
    p = _csv(tmp_path, _frame().drop(columns=["S2", "L2"]))
    with pytest.raises(DataError, match=r"lacks columns that instrument 'mini' needs: \['S2', 'L2'\]"):
        load_survey(p, inst)


def test_out_of_range_names_column_and_rows(tmp_path, inst):
    f = _frame()
    f.loc[[1, 3], "S1"] = 7
    with pytest.raises(DataError, match=r"2 answers outside the scale 1–5 in column S1 \(rows 3, 5\)"):
        load_survey(_csv(tmp_path, f), inst)


def test_non_numeric_answer(tmp_path, inst):
    f = _frame().astype({"L1": object})
    f.loc[2, "L1"] = "很好"
    with pytest.raises(DataError, match=r"1 non-numeric answers \('很好'\) in column L1 \(row 4\); expected whole numbers 1–5"):
        load_survey(_csv(tmp_path, f), inst)


def test_duplicated_ids(tmp_path, inst):
    f = _frame()
    f.loc[3, "respondent_id"] = "r2"
    with pytest.raises(DataError, match=r"respondent id 'r2' in column 'respondent_id' appears more than once \(rows 3, 5\)"):
        load_survey(_csv(tmp_path, f), inst)


def test_unknown_id_column_and_file_type(tmp_path, inst):
    with pytest.raises(DataError, match=r"id column 'rid' not found"):
        load_survey(_csv(tmp_path, _frame()), inst, id_column="rid")
    p = tmp_path / "s.json"
    p.write_text("{}")
    with pytest.raises(DataError, match=r"expected a .csv, .xlsx or .sav file, got .json"):
        load_survey(p)
    with pytest.raises(DataError, match=r"file '.*nope.csv' not found"):
        load_survey(tmp_path / "nope.csv")


@pytest.mark.parametrize("text, message", [
    ("constructs: {}\nscale: {min: 1, max: 5}", r"constructs must be a non-empty mapping"),
    ("scale: {min: 1, max: 5}", r"missing key 'constructs'"),
    ("scale: {min: 5, max: 1}\nconstructs: {a: {items: {x: t}}}", r"scale max \(1\) must be above min \(5\)"),
    ("scale: {min: 1, max: 5}\nconstructs: {a: {items: {x: t}}, b: {items: {x: u}}}", r"item 'x' appears in both 'a' and 'b'"),
    ("scale: {min: 1, max: 5}\nconstructs: {a: {label: A}}", r"construct 'a' needs an 'items' mapping"),
    ("scale: [1, 5\nconstructs:", r"not valid YAML at line"),
    ("scale: {min: 1, max: 5}\nconstructs: {a: {items: {x: {en: t, reverse_of: y}}}}", r"item 'x' is reverse_of 'y', which is not an item"),
    ("scale: {min: 1, max: 5.5}\nconstructs: {a: {items: {x: t}}}", r"scale max must be a whole number, got 5.5"),
    ("scale: {min: '1', max: 5}\nconstructs: {a: {items: {x: t}}}", r"scale min must be a whole number, got '1'"),
    ("scale: {min: 1, max: 5}\nconstructs: {a: {items: {x: {en: t, reverse: 'no'}}}}",
     r"item 'x' has reverse: 'no'; expected true or false"),
    ("scale: {min: 1, max: 5}\nconstructs: {a: {items: {x: {en: t, reverse: 1}}}}",
     r"item 'x' has reverse: 1; expected true or false"),
    ("t: &t {en: t}\nscale: {min: 1, max: 5}\nconstructs: {a: {items: {x: *t}}}",
     r"instrument .*bad\.yaml: an anchor \(&/\*t\) at line 1; anchors and aliases are not allowed in instruments"),
    ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nscale: {min: 1, max: 5}\nconstructs: {a: {items: {x: t}}}",
     r"an anchor \(&/\*a\) at line 1; anchors and aliases are not allowed"),
])
def test_malformed_instrument(tmp_path, text, message):
    p = tmp_path / "bad.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        load_instrument(p)


def test_instrument_file_encoding_and_size(tmp_path):
    p = tmp_path / "gbk.yaml"
    p.write_bytes(INST.encode("gbk"))
    with pytest.raises(DataError, match=r"instrument .*gbk\.yaml: the file is GBK/GB18030-encoded; save it as UTF-8"):
        load_instrument(p)
    big = tmp_path / "big.yaml"
    big.write_text(INST + "#" * (1 << 20), encoding="utf-8")
    with pytest.raises(DataError, match=r"instrument .*big\.yaml: file is 1,04[89],[0-9]+ bytes; an instrument is expected "
                                        r"to be under 1,048,576 bytes"):
        load_instrument(big)


def test_unknown_instrument_name():
    with pytest.raises(DataError, match=r"instrument 'nps' is not shipped with the package"):
        load_instrument("nps")


def test_lookalike_ids_are_the_same_id(tmp_path, inst):
    f = _frame()
    f["respondent_id"] = f["respondent_id"].astype(object)
    f.loc[3, "respondent_id"] = "ｒ２ "          # full-width r2 with a trailing space
    with pytest.raises(DataError, match=r"respondent id 'r2' in column 'respondent_id' appears more than once \(rows 3, 5\)"):
        load_survey(_csv(tmp_path, f), inst)


def test_csv_rows_with_wrong_field_counts_and_repeated_headers(tmp_path, inst):
    p = tmp_path / "w.csv"
    p.write_text("respondent_id,S1,S2,S3,L1,L2\nr1,1,2,3,4,5\nr2,1,2,3\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"file '.*w\.csv' line 3 has 4 fields, expected 6 as in the header"):
        load_survey(p, inst)
    p.write_text("respondent_id,S1,S2,S3,L1, S1\nr1,1,2,3,4,5\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"header repeats column 'S1' \(2 times, after stripping spaces\)"):
        load_survey(p, inst)


def test_bytes_neither_utf8_nor_gb18030_are_refused(tmp_path, inst):
    p = tmp_path / "latin.csv"
    p.write_bytes("respondent_id,S1,S2,S3,L1,L2\nr1,1,2,3,4,5\n".encode() + b"\x80\xff\x30,1,2,3,4,5\n")
    with pytest.raises(DataError, match=r"file '.*latin\.csv' is neither UTF-8 nor GBK/GB18030 text; pass encoding=..."):
        load_survey(p, inst)


def test_vectorised_screening_and_scores_equal_pandas_by_hand(tmp_path, inst):
    """On random answers with gaps, text answers and skips: item columns come back float64, and
    the flags and scores equal the plain row-wise pandas computation of the same rules."""
    rng = np.random.default_rng(3)
    n = 400
    f = pd.DataFrame({"respondent_id": [f"r{i}" for i in range(n)]})
    for c in ("S1", "S2", "S3", "L1", "L2"):
        f[c] = rng.integers(1, 6, n).astype(object)
        f.loc[rng.random(n) < 0.1, c] = np.nan
    f.loc[:20, ["S1", "S2", "S3", "L1", "L2"]] = 3                     # straight-liners
    f.loc[30:40, "S2"] = "４"                                          # full-width text answers
    s = load_survey(_csv(tmp_path, f), inst)
    r = s.responses
    assert all(r[c].dtype == np.float64 for c in ("S1", "S2", "S3", "L1", "L2"))
    items = r[["S1", "S2", "S3", "L1", "L2"]]
    assert (items.loc["r30":"r40", "S2"] == 4).all()
    res = s.screen(contradiction=False)
    flags = pd.concat([res.dropped, res.kept], sort=False)
    answered = items.notna().sum(axis=1)
    want_straight = items.apply(lambda row: row.dropna().nunique() == 1, axis=1) & (answered >= 4)
    want_missing = items.isna().sum(axis=1) > 0.2 * 5
    assert set(res.dropped.index) == set(items.index[want_straight | want_missing])
    assert (res.dropped["straight_lining"] == want_straight[res.dropped.index]).all()
    assert len(flags) == n
    keyed = items.copy()
    keyed["S3"] = 6 - keyed["S3"]
    want = keyed[["S1", "S2", "S3"]].mean(axis=1).where(keyed[["S1", "S2", "S3"]].notna().sum(axis=1) >= 2)
    assert_allclose(s.scores()["满意"].to_numpy(), want.to_numpy(), rtol=1e-12)
