"""Thesis tables (``result.table(lang)``), their Word export and the interpretations
(``result.interpret(lang)``) of the core survey results, on the ECSI mobile-phone data.

Numbers are checked against an independent implementation: statsmodels' OLS (coefficients, t,
R², F, nested-model F test, confidence intervals), pandas/scipy correlations, and the CFA's own
standardised loadings for √AVE and loading ranges. Interpretations are checked number by number:
every number in the text is listed here from the result's fields.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from scipy import stats

from crm_research import DataError, StatWarning, tables
from crm_research import regression as reg
from crm_research import reliability as rel
from crm_research import validity as val
from crm_research.present.table import format_value
from crm_research.survey import load_instrument

ROOT = Path(__file__).resolve().parents[1]
INST = load_instrument("ecsi")
MODEL = {k: v for k, v in INST.model.items() if len(v) >= 3}
RAW_IDS = ["r2", "adj_r2", "delta_r2", "f_change", "p_change", "df1", "df2", "cr", "ave", "min_loading", "max_loading",
           "max_htmt", "std_loading", "ci_low", "ci_high", "se_boot", "(intercept)", "step"]


@pytest.fixture(scope="module")
def mobi():
    return pd.read_csv(ROOT / "tests" / "data" / "mobi.csv")


@pytest.fixture(scope="module")
def scores(mobi):
    return pd.DataFrame({k: mobi[v].mean(axis=1) for k, v in MODEL.items()})


@pytest.fixture(scope="module")
def cfa(mobi):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatWarning)
        return val.cfa(mobi, MODEL)


@pytest.fixture(scope="module")
def hier(scores):
    return reg.hierarchical(scores, "loyalty", [["image"], ["quality", "satisfaction"]])


@pytest.fixture(scope="module")
def med(scores):
    return reg.mediation(scores, "quality", "satisfaction", "loyalty", n_boot=2000, seed=11)


def _f(v, kind="coef"):
    return format_value(v, kind)


def _all_text(t) -> str:
    head, body = t.rows()
    return " ".join([t.title, t.note] + head + [c for r in body for c in r])


def _no_raw_identifiers(t):
    words = set(re.findall(r"[A-Za-z_()]+", _all_text(t)))
    assert not words & set(RAW_IDS), words & set(RAW_IDS)


# ---- tables ----------------------------------------------------------------------------------

@pytest.mark.parametrize("coef", ["beta", "b"])
def test_hierarchical_models_side_by_side_match_statsmodels(scores, hier, coef):
    t = hier.table("zh", coef=coef, names=INST)
    f = t.formatted()
    y = scores["loyalty"]
    z = (scores - scores.mean()) / scores.std(ddof=1)
    fits = []
    for step, xs in ((1, ["image"]), (2, ["image", "quality", "satisfaction"])):
        data = z if coef == "beta" else scores
        fit = sm.OLS(data["loyalty"], sm.add_constant(data[xs])).fit()
        raw = sm.OLS(y, sm.add_constant(scores[xs])).fit()
        fits.append(raw)
        for x in xs:
            row = INST.construct_label(x, "zh")
            cell = f.loc[row, f"模型 {step} {'β' if coef == 'beta' else 'B'}"]
            star = "***" if raw.pvalues[x] < .001 else "**" if raw.pvalues[x] < .01 else "*" if raw.pvalues[x] < .05 else ""
            assert cell == _f(fit.params[x]) + star
            assert f.loc[row, f"模型 {step} t"] == _f(raw.tvalues[x], "stat")
        assert f.loc["R²", f"模型 {step} {'β' if coef == 'beta' else 'B'}"] == _f(raw.rsquared)
        assert f.loc["调整后 R²", f"模型 {step} {'β' if coef == 'beta' else 'B'}"] == _f(raw.rsquared_adj)
        assert f.loc["F", f"模型 {step} {'β' if coef == 'beta' else 'B'}"] == _f(raw.fvalue, "stat") + "***"
    f_change, p_change, df_diff = fits[1].compare_f_test(fits[0])
    col = f"模型 2 {'β' if coef == 'beta' else 'B'}"
    assert f.loc["ΔR²", col] == _f(fits[1].rsquared - fits[0].rsquared) + ""
    assert f.loc["ΔF", col] == _f(f_change, "stat") + "***" and df_diff == 2
    assert ("常数项" in f.index) == (coef == "b")
    assert f.loc["感知质量", "模型 1 t"] == ""            # not in model 1
    _no_raw_identifiers(t)
    _no_raw_identifiers(hier.table("en", coef=coef))
    assert "N = 250" in t.note and "β" in t.note if coef == "beta" else "B" in t.note


def test_hierarchical_table_rejects_unknown_coef(hier):
    with pytest.raises(DataError, match=r"coef='std' is not one of \['beta', 'b'\]"):
        hier.table("zh", coef="std")


def test_mediation_table_as_process_prints_it(scores, med):
    t = med.table("en")
    f = t.formatted()
    y, x, m = scores["loyalty"], scores["quality"], scores["satisfaction"]
    total = sm.OLS(y, sm.add_constant(x)).fit()
    direct = sm.OLS(y, sm.add_constant(pd.concat([x, m], axis=1))).fit()
    a = sm.OLS(m, sm.add_constant(x)).fit().params["quality"]
    for row, fit in (("Total effect (quality → loyalty)", total), ("Direct effect (quality → loyalty)", direct)):
        lo, hi = fit.conf_int(0.05).loc["quality"]
        assert f.loc[row, "Effect"] == _f(fit.params["quality"])
        assert f.loc[row, "SE / BootSE"] == _f(fit.bse["quality"])
        assert f.loc[row, "t"] == _f(fit.tvalues["quality"], "stat")
        assert f.loc[row, "p"] == format_value(fit.pvalues["quality"], "p")
        assert (f.loc[row, "LLCI / BootLLCI"], f.loc[row, "ULCI / BootULCI"]) == (_f(lo), _f(hi))
    ind = "Indirect effect (quality → satisfaction → loyalty)"
    assert f.loc[ind, "Effect"] == _f(a * direct.params["satisfaction"])
    assert f.loc[ind, "SE / BootSE"] == _f(med.se_boot) and f.loc[ind, "t"] == "" and f.loc[ind, "p"] == ""
    assert (f.loc[ind, "LLCI / BootLLCI"], f.loc[ind, "ULCI / BootULCI"]) == (_f(med.ci[0]), _f(med.ci[1]))
    assert f.loc[ind, "Share of total effect"] == f"{100 * med.indirect / med.total:.1f}%"
    assert "2000 bootstrap resamples" in t.note and "Hayes, 2022" in t.note
    zh = med.table("zh", names=INST)
    assert "间接效应（感知质量 → 顾客满意 → 顾客忠诚）" in zh.frame.index
    _no_raw_identifiers(zh)


def test_parallel_mediation_table_has_a_row_per_mediator(scores):
    res = reg.mediation(scores, "quality", ["satisfaction", "image"], "loyalty", n_boot=300, seed=3)
    idx = list(res.table("zh").frame.index)
    assert idx[2:] == ["间接效应（quality → satisfaction → loyalty）", "间接效应（quality → image → loyalty）", "总间接效应"]


def test_correlation_table_with_sqrt_ave_diagonal(scores, cfa):
    res = reg.correlation_table(scores, sqrt_ave=cfa)
    t = res.table("zh", names=INST)
    f = t.formatted()
    cols = list(scores.columns)
    for i, a in enumerate(cols):
        row = f"{i + 1}. {INST.construct_label(a, 'zh')}"
        lam = cfa.loadings.loc[cfa.loadings["construct"] == a, "std_loading"].to_numpy()
        assert f.loc[row, str(i + 1)] == f"({_f(np.sqrt(np.mean(lam ** 2)))})"     # √AVE, not AVE
        assert f.loc[row, "均值"] == _f(scores[a].mean()) and f.loc[row, "标准差"] == _f(scores[a].std(ddof=1))
        for j in range(i):
            rr, pp = stats.pearsonr(scores[a], scores[cols[j]])
            star = "***" if pp < .001 else "**" if pp < .01 else "*" if pp < .05 else ""
            assert f.loc[row, str(j + 1)] == _f(rr) + star
    same = reg.correlation_table(scores, sqrt_ave=np.sqrt(cfa.ave))
    pd.testing.assert_series_equal(same.sqrt_ave, res.sqrt_ave)
    assert "AVE 的平方根" in t.note and "N = 250" in t.note
    _no_raw_identifiers(t)


def test_construct_summary_table_loading_range_and_sources(mobi, cfa):
    cs = val.construct_summary(mobi, MODEL, cfa_result=cfa)
    t = cs.table("zh", names=INST)
    f = t.formatted()
    for c in MODEL:
        lam = cfa.loadings.loc[cfa.loadings["construct"] == c, "std_loading"]
        row = INST.construct_label(c, "zh")
        assert f.loc[row, "标准化因子载荷"] == f"{_f(lam.min())}–{_f(lam.max())}"
        assert f.loc[row, "Cronbach's α"] == _f(rel.cronbach_alpha(mobi[MODEL[c]]).alpha)
        assert f.loc[row, "AVE"] == _f(np.mean(lam ** 2)) and f.loc[row, "√AVE"] == _f(np.sqrt(np.mean(lam ** 2)))
        assert f.loc[row, "题项数"] == str(len(MODEL[c]))
    for source in ("Nunnally, 1978", "Fornell & Larcker, 1981", "Henseler, Ringle & Sarstedt, 2015"):
        assert source in t.note
    _no_raw_identifiers(t)
    _no_raw_identifiers(cs.table("en"))


def test_cfa_fit_table_df_integer_and_p(cfa):
    f = cfa.table("zh").formatted()
    assert f.loc["自由度 df", "数值"] == str(int(cfa.fit["df"])) and "." not in f.loc["自由度 df", "数值"]
    assert f.loc["p", "数值"] == "< 0.001"
    assert f.loc["CFI", "标准"] == "> 0.95" and f.loc["CFI", "是否达标"] in ("通过", "未通过")


# ---- Word --------------------------------------------------------------------------------------

def _borders(tc):
    """Border sizes (1/8 pt, 0 for none) of a cell element w:tc."""
    from docx.oxml.ns import qn

    b = tc.tcPr.find(qn("w:tcBorders"))
    out = {}
    for edge in ("top", "bottom", "left", "right"):
        el = b.find(qn(f"w:{edge}"))
        out[edge] = 0 if el.get(qn("w:val")) == "nil" else int(el.get(qn("w:sz")))
    return out


@pytest.mark.parametrize("style", ["thesis-zh", "apa"])
def test_word_three_line_tables(tmp_path, hier, med, cfa, scores, style):
    import docx
    from docx.oxml.ns import qn

    made = [reg.correlation_table(scores, sqrt_ave=cfa).table("zh", names=INST), hier.table("zh", names=INST),
            med.table("zh", names=INST)]
    path = tables.to_docx(made, tmp_path / "第四章.docx", style=style)
    doc = docx.Document(str(path))
    assert len(doc.tables) == 3
    for t, wt, n_head in zip(made, doc.tables, (1, 2, 2)):             # the last two have spanning heads
        head, body = t.rows(apa=style == "apa")
        grid = [[c.text for c in r.cells] for r in wt.rows]
        assert grid[n_head:] == body
        if n_head == 1:
            assert grid[0] == head
        last = len(wt.rows) - 1
        for i, tr in enumerate(wt._tbl.tr_lst):
            for tc in tr.tc_lst:
                b = _borders(tc)
                assert b["left"] == 0 and b["right"] == 0                              # no vertical rules
                assert b["top"] == (12 if i == 0 else 0)                               # 1.5 pt rule above
                if i == last:
                    assert b["bottom"] == 12                                           # 1.5 pt rule below
                elif i == n_head - 1:
                    assert b["bottom"] == 6                                            # 0.75 pt under the header
                elif i >= n_head:
                    assert b["bottom"] == 0
        run = wt.rows[n_head].cells[1].paragraphs[0].runs[0]
        assert run._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
        assert run.font.name == "Times New Roman"
    texts = [p.text for p in doc.paragraphs]
    if style == "thesis-zh":
        assert texts[0] == "表 1  描述性统计与相关系数" and doc.paragraphs[0].runs[0].bold
        assert any(p.startswith("注：N = 250。对角线括号内为 AVE 的平方根") for p in texts)
    else:
        assert texts[0] == "表 1" and texts[1] == "描述性统计与相关系数" and doc.paragraphs[1].runs[0].italic
        assert any(p.startswith("注。") for p in texts)
    body = [[c.text for c in r.cells] for r in doc.tables[1].rows]
    assert body[0] == ["", "模型 1", "模型 1", "模型 2", "模型 2"] and body[1] == ["", "β", "t", "β", "t"]
    assert body[2][0] == "企业形象" and body[2][1] == hier.table("zh").formatted(apa=style == "apa").iloc[0, 0]


@pytest.mark.parametrize("style", ["thesis-zh", "apa"])
def test_word_spanning_headers_are_merged_cells(tmp_path, hier, med, style):
    """Models side by side and the confidence interval of the mediation table get a two-row header:
    the spanner one merged cell (gridSpan) over its columns, the other heads merged down both rows;
    three rules as before, and in APA a thin rule under each spanner."""
    import docx
    from docx.oxml.ns import qn

    path = tables.to_docx([hier.table("zh", names=INST), med.table("en")], tmp_path / "t.docx", style=style)
    h, m = docx.Document(str(path)).tables
    top = h._tbl.tr_lst[0].tc_lst
    assert [tc.grid_span for tc in top] == [1, 2, 2]
    assert [(tc.vMerge, docx.table._Cell(tc, h).text) for tc in top] == [("restart", ""), (None, "模型 1"), (None, "模型 2")]
    assert h.cell(0, 1)._tc is h.cell(0, 2)._tc and h.cell(0, 3)._tc is h.cell(0, 4)._tc
    assert h.cell(0, 2)._tc is not h.cell(0, 3)._tc
    assert h._tbl.tr_lst[1].tc_lst[0].vMerge == "continue"
    assert [c.text for c in h.rows[1].cells[1:]] == ["β", "t", "β", "t"]
    # the CI spanner of the mediation table over LLCI and ULCI (columns 5 and 6 of the grid)
    assert m.cell(0, 5)._tc is m.cell(0, 6)._tc and m.cell(0, 5)._tc.grid_span == 2
    assert m.cell(0, 5).text == "95% CI" and m.cell(0, 4).text == "p" and m.cell(0, 7).text == "Share of total effect"
    assert (m.cell(1, 5).text, m.cell(1, 6).text) == ("LLCI / BootLLCI", "ULCI / BootULCI")
    assert m.cell(1, 4)._tc is m.cell(0, 4)._tc                            # merged down
    for wt in (h, m):
        rows = wt._tbl.tr_lst
        for tc in rows[0].tc_lst:
            b = _borders(tc)
            assert b["top"] == 12
            if tc.vMerge is None:                                           # a spanner
                assert b["bottom"] == (6 if style == "apa" else 0)
            else:                                                           # merged down: rule at its last row
                assert b["bottom"] == 0
        assert all(_borders(tc)["bottom"] == 6 and _borders(tc)["top"] == 0 for tc in rows[1].tc_lst)
        assert all(_borders(tc)["bottom"] == 12 for tc in rows[-1].tc_lst)
        assert all(_borders(tc)["bottom"] == 0 for tr in rows[2:-1] for tc in tr.tc_lst)
    # the same spanners in HTML
    html = hier.table("zh", names=INST).to_html()
    assert "<th rowspan='2'></th><th colspan='2' class='spanner'>模型 1</th>" in html
    assert "<tr><th>β</th><th>t</th><th>β</th><th>t</th></tr>" in html
    assert "<th colspan='2' class='spanner'>95% CI</th>" in med.table("en").to_html()


def test_table_groups_must_name_adjacent_columns(hier):
    t = hier.table("en")
    with pytest.raises(ValueError, match=r"group 'Model 1' must name adjacent columns"):
        tables.Table(title="x", frame=t.frame, groups=(("Model 1", ("Model 1 β", "Model 2 β")),))
    with pytest.raises(ValueError, match=r"style='chicago' is not one of"):
        t.styled("chicago")


def _apa(v):
    """APA text of a bounded measure, written out independently of the package."""
    s = f"{v:.3f}"
    s = s.replace("-0.", "-.") if s.startswith("-0.") else s.replace("0.", ".", 1) if s.startswith("0.") else s
    return s.replace("-", "−")


def _star(p):
    return "***" if p < .001 else "**" if p < .01 else "*" if p < .05 else ""


def test_apa_drops_the_leading_zero_of_bounded_measures_only(tmp_path, mobi, scores, cfa, hier, med):
    """APA 7 §6.36: r, β, R², α, CR, AVE, loadings and p without the zero; B, SE, M, SD, t, F with it.
    Checked on the cells of the .docx, in both styles."""
    import docx

    corr = reg.correlation_table(scores, sqrt_ave=cfa)
    cs = val.construct_summary(mobi, MODEL, cfa_result=cfa)
    made = [corr.table("en"), hier.table("en"), med.table("en"), cs.table("en")]
    for style in ("apa", "thesis-zh"):
        apa = style == "apa"
        fmt = _apa if apa else (lambda v: f"{v:.3f}".replace("-", "−"))
        doc = docx.Document(str(tables.to_docx(made, tmp_path / f"{style}.docx", style=style)))
        c, h, m, s = ([[cell.text for cell in r.cells] for r in t.rows] for t in doc.tables)
        cols = list(scores.columns)
        # correlations: r with stars and √AVE in brackets bounded; M and SD keep the zero
        r_, p_ = corr.r.loc[cols[1], cols[0]], corr.p.loc[cols[1], cols[0]]
        assert c[2][3] == fmt(r_) + _star(p_)
        assert c[1][3] == f"({fmt(np.sqrt(cfa.ave[cols[0]]))})"
        assert c[1][1] == f"{scores[cols[0]].mean():.3f}"
        # hierarchical: β and R² bounded; t and F not
        co = hier.coefficients
        row = co[(co["step"] == 1) & (co["term"] == "image")].iloc[0]
        assert h[2][:3] == ["image", fmt(row["beta"]) + _star(row["p"]), f"{row['t']:.2f}"]
        st = hier.steps.iloc[0]
        r2_row = [r for r in h if r[0] == "R²"][0]
        f_row = [r for r in h if r[0] == "F"][0]
        assert r2_row[1] == fmt(st["r2"]) and f_row[1] == f"{st['f']:.2f}" + _star(st["p"])
        # mediation: unstandardised effect, SE and CI keep the zero; p of the direct effect loses it
        d = med.paths[med.paths["path"] == "direct"].iloc[0]
        assert 0 < abs(d["estimate"]) < 1 and d["se"] < 1
        assert m[3][1:3] == [f"{d['estimate']:.3f}", f"{d['se']:.3f}"]
        assert d["p"] >= .001 and m[3][4] == (f"{d['p']:.3f}"[1:] if apa else f"{d['p']:.3f}")
        assert m[2][4] == ("< .001" if apa else "< 0.001")                     # total effect
        assert m[3][5] == f"{d['ci_low']:.3f}".replace("-", "−")                # negative, keeps its zero
        # reliability and convergent validity: loading range, α, CR, AVE
        k = cs.constructs.loc[cols[0]]
        assert s[1][2] == f"{fmt(k['min_loading'])}–{fmt(k['max_loading'])}"
        assert s[1][3:6] == [fmt(k["alpha"]), fmt(k["cr"]), fmt(k["ave"])]
    # the HTML of the APA style says the same; p below .001 reads "< .001"
    html = hier.table("en").styled("apa")._repr_html_()
    assert f">{_apa(hier.steps.iloc[0]['r2'])}<" in html and f">{hier.steps.iloc[0]['r2']:.3f}<" not in html
    assert "<td>&lt; .001</td>" in med.table("en").styled("apa").to_html()
    assert "<td>&lt; 0.001</td>" in med.table("en").to_html()


def test_drop_leading_zero_touches_numbers_below_one_only():
    from crm_research.present.table import drop_leading_zero

    assert drop_leading_zero("0.512**") == ".512**" and drop_leading_zero("(0.801)") == "(.801)"
    assert drop_leading_zero("−0.41") == "−.41" and drop_leading_zero("< 0.001") == "< .001"
    assert drop_leading_zero("[−0.12, 0.40]") == "[−.12, .40]" and drop_leading_zero("0.71–0.86") == ".71–.86"
    assert drop_leading_zero("10.05") == "10.05" and drop_leading_zero("1.000") == "1.000"
    assert format_value(0.5, "coef", apa=True) == "0.500" and format_value(-0.5, "r", apa=True) == "−.500"
    assert format_value("0.5", "text", apa=True) == "0.5" and format_value("0.5", "stat", apa=True) == "0.5"


# ---- interpretations ---------------------------------------------------------------------------

_NUM = re.compile(r"(?<![A-Za-z²])[−-]?\d+(?:\.\d+)?")


def _numbers(text: str) -> list[str]:
    return [n.replace("−", "-") for n in _NUM.findall(text)]


def test_correlation_interpretation_numbers(scores, cfa):
    res = reg.correlation_table(scores, sqrt_ave=cfa)
    r = res.r.where(np.tril(np.ones(res.r.shape, bool), -1)).stack()
    sqrt_ave = np.sqrt(cfa.ave)
    for lang in ("zh", "en"):
        text = res.interpret(lang)
        expected = ["5", _f(r.min()), _f(r.max()), "10", "10", "0.05"] if lang == "zh" else \
            ["5", _f(r.min()), _f(r.max()), "10", "10", "0.05"]
        expected += [_f(sqrt_ave.min()), _f(sqrt_ave.max()), "1981"]
        assert _numbers(text) == expected, text
    # the ECSI data fail Fornell–Larcker for image (√AVE 0.596 < r 0.728 with quality)
    assert "未满足 Fornell 与 Larcker（1981）" in res.interpret("zh")
    ok = reg.correlation_table(scores[["image", "loyalty"]], sqrt_ave=pd.Series({"image": 0.9, "loyalty": 0.9}))
    assert "meets Fornell and Larcker's (1981) criterion" in ok.interpret("en")


def test_hierarchical_interpretation_numbers(hier):
    st = hier.steps
    last = hier.coefficients[(hier.coefficients["step"] == 2) & (hier.coefficients["p"] < .05) &
                             (hier.coefficients["term"] != "(intercept)")]
    for lang in ("zh", "en"):
        text = hier.interpret(lang, names=INST if lang == "zh" else None)
        expected = []
        for _, s in st.iterrows():
            expected += [str(int(s["step"])), _f(s["r2"]), _f(s["delta_r2"]), str(int(s["df1"])), str(int(s["df2"])),
                         _f(s["f_change"], "stat"), "0.001"]
        expected += ["2"]
        for _, row in last.iterrows():
            expected += [_f(row["beta"]), format_value(row["p"], "p").replace("< ", "")]
        expected += ["0.05"]
        assert _numbers(text) == expected, text


def test_mediation_interpretation_numbers(med):
    direct = med.paths[med.paths["path"] == "direct"].iloc[0]
    for lang in ("zh", "en"):
        text = med.interpret(lang)
        expected = [_f(med.indirect), "95", _f(med.ci[0]), _f(med.ci[1]), "0", _f(direct["estimate"]),
                    format_value(direct["p"], "p"), "0", "2022", "2010"]
        assert _numbers(text) == expected, text
    assert "完全（仅间接）中介" in med.interpret("zh") and "Hayes, 2022" in med.interpret("zh")


def test_harman_bartlett_kmo_interpretations(mobi):
    h, b, k = val.harman(mobi), val.bartlett(mobi), val.kmo(mobi)
    for lang in ("zh", "en"):
        assert _numbers(h.interpret(lang)) == [str(h.n_items), f"{100 * h.first_factor_share:.2f}", "50", "2003"]
        assert _numbers(b.interpret(lang)) == [str(b.df), _f(b.chi2, "stat"), "0.001", "1951"]
        assert _numbers(k.interpret(lang)) == [_f(k.overall), "1974"]
    assert "Podsakoff et al., 2003" in h.interpret("en") and not h.common_method_bias
    assert "Kaiser" in k.interpret("zh")


def test_fit_reliability_and_validity_interpretations(mobi, cfa):
    fit = cfa.fit
    for lang in ("zh", "en"):
        assert _numbers(cfa.interpret(lang)) == [
            str(int(fit["df"])), _f(fit["chi2"], "stat"), _f(fit["cfi"]), _f(fit["tli"]), _f(fit["rmsea"]),
            _f(fit["srmr"]), "1999", "0.95", "0.06", "0.08"]
    rt = rel.reliability_table(mobi, MODEL)
    assert _numbers(rt.interpret("en")) == [str(len(MODEL)), _f(rt.constructs["alpha"].min()),
                                            _f(rt.constructs["alpha"].max()), "0.7", "1978"]
    cs = val.construct_summary(mobi, MODEL, cfa_result=cfa)
    c = cs.constructs
    assert _numbers(cs.interpret("en")) == [_f(c["cr"].min()), _f(c["cr"].max()), _f(c["ave"].min()), _f(c["ave"].max()),
                                            "0.7", "0.5", "1981", "0.85", "2015"]


def test_notebooks_pass_the_square_root_of_ave():
    """The Fornell–Larcker diagonal is √AVE: a notebook passing cfa.ave itself prints the wrong table."""
    for nb in list((ROOT / "notebooks").rglob("*.ipynb")) + list((ROOT / "src").rglob("*.ipynb")):
        code = "".join("".join(c["source"]) for c in json.loads(nb.read_text(encoding="utf-8"))["cells"])
        for call in re.findall(r"sqrt_ave=([^,)\n]+)", code):
            assert call.startswith("np.sqrt(") or call.strip() in ("cfa", "cfa_result"), (nb.name, call)


def test_efa_table_and_interpretation(mobi):
    items = MODEL["quality"] + MODEL["satisfaction"] + MODEL["image"]
    e = val.efa(mobi[items], 3, rotation="varimax")
    t = e.table("zh")
    f = t.formatted()
    lam = e.loadings.to_numpy()
    # orthogonal rotation: communality = row sum of squared loadings, SS loadings = column sums
    assert_allclose(e.communalities.to_numpy(), (lam ** 2).sum(axis=1), rtol=1e-6)
    for j in range(3):
        col = f"因子 {j + 1}"
        for i, item in enumerate(items):
            assert f.loc[item, col] == (_f(lam[i, j]) if abs(lam[i, j]) >= 0.4 else "")
        assert f.loc["旋转后载荷平方和", col] == _f((lam[:, j] ** 2).sum())
        assert f.loc["方差解释率（%）", col] == f"{100 * (lam[:, j] ** 2).sum() / len(items):.2f}"
    cum = 100 * (lam ** 2).sum() / len(items)
    assert f.loc["累计方差解释率（%）", "因子 3"] == f"{cum:.2f}"
    assert "最大方差法（Varimax）" in t.note and "0.4" in t.note
    _no_raw_identifiers(t)
    _no_raw_identifiers(e.table("en"))
    top = np.abs(lam).max(axis=1)
    weak = [it for it, v in zip(items, top) if v < 0.5]
    cross = [it for it, r in zip(items, np.abs(lam)) if (r >= 0.4).sum() > 1]
    assert weak and cross
    for lang in ("zh", "en"):
        assert _numbers(e.interpret(lang)) == (
            ["3", f"{cum:.2f}", "60", "2010", _f(top.min()), _f(top.max())] + _digits(weak) + ["0.5", "2010"]
            + _digits(cross) + ["0.4"]), e.interpret(lang)


def _digits(names):
    return [d for n in names for d in _numbers(n)]


@pytest.fixture(scope="module")
def survey_ref():
    return pd.read_csv(ROOT / "tests" / "reference" / "regression" / "survey.csv")


def test_ols_table_and_interpretation_match_statsmodels(survey_ref):
    from statsmodels.stats.outliers_influence import variance_inflation_factor

    xs = ["quality", "satisfaction", "switching"]
    d = survey_ref[["loyalty"] + xs].dropna()
    res = reg.ols(survey_ref, "loyalty", xs)
    fit = sm.OLS(d["loyalty"], sm.add_constant(d[xs])).fit()
    z = (d - d.mean()) / d.std(ddof=1)
    beta = sm.OLS(z["loyalty"], sm.add_constant(z[xs])).fit().params
    exog = sm.add_constant(d[xs]).to_numpy()
    f = res.table("zh").formatted()
    for k, x in enumerate(xs, start=1):
        star = "***" if fit.pvalues[x] < .001 else "**" if fit.pvalues[x] < .01 else "*" if fit.pvalues[x] < .05 else ""
        assert f.loc[x, "B"] == _f(fit.params[x]) and f.loc[x, "标准误"] == _f(fit.bse[x])
        assert f.loc[x, "β"] == _f(beta[x]) + star and f.loc[x, "t"] == _f(fit.tvalues[x], "stat")
        assert f.loc[x, "p"] == format_value(fit.pvalues[x], "p")
        assert f.loc[x, "VIF"] == _f(variance_inflation_factor(exog, k), "stat")
    assert f.loc["常数项", "β"] == "" and f.loc["常数项", "B"] == _f(fit.params["const"])
    note = res.table("zh").note
    assert f"R² = {_f(fit.rsquared)}，调整后 R² = {_f(fit.rsquared_adj)}，F(3, {int(fit.df_resid)}) = " \
           f"{_f(fit.fvalue, 'stat')}，p < 0.001；N = {int(fit.nobs)}。" in note
    _no_raw_identifiers(res.table("en"))
    sig = [x for x in xs if fit.pvalues[x] < .05]
    vif = max(variance_inflation_factor(exog, k) for k in range(1, 4))
    for lang in ("zh", "en"):
        expected = [_f(fit.rsquared), "3", str(int(fit.df_resid)), _f(fit.fvalue, "stat"), "0.001"]
        for x in sig:
            expected += [_f(fit.params[x]), _f(beta[x]), format_value(fit.pvalues[x], "p").replace("< ", "")]
        expected += ["0.05", _f(vif, "stat"), "10", "2010"]
        assert _numbers(res.interpret(lang)) == expected, res.interpret(lang)


def test_moderation_table_and_interpretation_match_statsmodels(survey_ref):
    d = survey_ref[["quality", "switching", "loyalty"]].dropna()
    x, w = d["quality"] - d["quality"].mean(), d["switching"] - d["switching"].mean()
    design = pd.DataFrame({"const": 1.0, "x": x, "w": w, "xw": x * w})
    fit = sm.OLS(d["loyalty"], design).fit()
    res = reg.moderation(survey_ref, "quality", "switching", "loyalty")
    f = res.table("en").formatted()
    assert f.loc["quality × switching", "Coefficient"] == _f(fit.params["xw"])
    assert f.loc["quality × switching", "t"] == _f(fit.tvalues["xw"], "stat")
    sd = w.std(ddof=1)
    for at, v in (("M − 1 SD", -sd), ("M", 0.0), ("M + 1 SD", sd)):
        test = fit.t_test(np.array([[0, 1, 0, v]]))
        lo, hi = test.conf_int(alpha=0.05)[0]
        row = f"Simple slope of quality (switching = {at})"
        assert f.loc[row, "Coefficient"] == _f(float(test.effect[0])) and f.loc[row, "SE"] == _f(float(test.sd[0, 0]))
        assert (f.loc[row, "LLCI"], f.loc[row, "ULCI"]) == (_f(lo), _f(hi))
    restricted = sm.OLS(d["loyalty"], design[["const", "x", "w"]]).fit()
    assert _f(fit.rsquared - restricted.rsquared) in res.table("zh").note
    # Johnson–Neyman: at each point the slope of X is exactly significant at .05
    q = stats.t.ppf(0.975, fit.df_resid)
    for v in res.johnson_neyman:
        assert_allclose(abs(float(fit.t_test(np.array([[0, 1, 0, v]])).tvalue[0, 0])), q, rtol=1e-8)
    lo_s, hi_s = res.simple_slopes.loc["-1 SD"], res.simple_slopes.loc["+1 SD"]
    inter = res.coefficients.iloc[3]
    for lang in ("zh", "en"):
        expected = [_f(inter["b"]), _f(inter["t"], "stat"), format_value(inter["p"], "p").replace("< ", ""),
                    _f(res.delta_r2_interaction), "2022", "1", _f(lo_s["slope"]),
                    format_value(lo_s["p"], "p").replace("< ", ""), "1", _f(hi_s["slope"]),
                    format_value(hi_s["p"], "p").replace("< ", ""), "1991"] + [_f(v).replace("−", "-") for v in
                                                                               res.johnson_neyman]
        assert _numbers(res.interpret(lang)) == expected, res.interpret(lang)


def test_kmo_bartlett_table(mobi):
    k, b = val.kmo(mobi), val.bartlett(mobi)
    f = k.table("zh", bartlett=b).formatted()
    assert f["数值"].tolist() == [_f(k.overall), _f(b.chi2, "stat"), str(b.df), "< 0.001"]
    assert list(k.table("en").formatted().index) == ["Kaiser–Meyer–Olkin measure of sampling adequacy"]


def test_every_thesis_table_writes_to_excel(tmp_path, mobi, scores, cfa, hier, med, survey_ref):
    from openpyxl import load_workbook

    made = [hier.table("zh"), med.table("zh"), reg.correlation_table(scores, sqrt_ave=cfa).table("zh"),
            val.construct_summary(mobi, MODEL, cfa_result=cfa).table("zh"), val.efa(mobi[MODEL["quality"]], 1).table("zh"),
            reg.ols(survey_ref, "loyalty", ["quality"]).table("zh"),
            reg.moderation(survey_ref, "quality", "switching", "loyalty").table("zh"),
            val.kmo(mobi).table("zh", bartlett=val.bartlett(mobi))]
    path = tables.to_xlsx(made, tmp_path / "tables.xlsx")
    wb = load_workbook(path)
    assert len(wb.sheetnames) == len(made)
    for t, ws in zip(made, wb.worksheets):
        head, body = t.rows()
        assert ws.cell(1, 1).value == t.title
        assert [ws.cell(2, j + 1).value or "" for j in range(len(head))] == head
        assert ws.cell(3, 1).value == body[0][0]


# ---- PLS-SEM tables and interpretation ----------------------------------------------------------

@pytest.fixture(scope="module")
def pls_boot(mobi):
    from crm_research.models import ecsi_model, pls_path

    return pls_path(mobi, *ecsi_model(), n_boot=500, seed=3)


def test_pls_tables_show_the_results_numbers(pls_boot, tmp_path):
    import docx

    res = pls_boot
    rel_t = res.table("zh", kind="reliability")
    assert list(rel_t.frame.columns) == ["Cronbach's α", "ρA", "组合信度 ρC", "AVE"]
    assert_allclose(rel_t.frame.to_numpy(), res.reliability[["alpha", "rho_a", "rho_c", "ave"]].to_numpy())
    paths = res.table("en", kind="paths")
    assert_allclose(paths.frame["β"].to_numpy(), res.paths["estimate"].to_numpy())
    f2 = res.f2.set_index(["from", "to"])["f2"]
    assert_allclose(paths.frame["f²"].to_numpy(), [f2[(a, b)] for a, b in zip(res.paths["from"], res.paths["to"])])
    assert "500 bootstrap resamples" in paths.note and "Satisfaction 0.681" in paths.note
    h = res.table("en", kind="htmt").frame
    assert h.iloc[1, 0] == format_value(res.htmt.iloc[1, 0], "coef") and h.iloc[0, 0] == ""
    ind = res.table("zh", kind="indirect")
    boot = res.bootstrap[res.bootstrap["kind"] == "specific_indirect"]
    assert len(ind.frame) == len(boot) and ind.frame.index[0].count("→") == boot["via"].iloc[0].count("→")
    with pytest.raises(ValueError, match="kind='cross' is not one of"):
        res.table("zh", kind="cross")
    path = tables.to_docx([rel_t, paths, ind], tmp_path / "pls.docx")
    doc = docx.Document(str(path))
    assert len(doc.tables) == 3 and doc.tables[1].rows[0].cells[1].text == "β"
    names = {c: INST.construct_label(c, "zh") for c in INST.constructs}
    shown = res.table("zh", kind="paths", names={"Image": names.get("image", "企业形象")}).frame.index[0]
    assert shown.startswith("企业形象 → ")


def test_pls_interpretation_numbers_and_criteria(pls_boot):
    res = pls_boot
    for lang in ("zh", "en"):
        text = res.interpret(lang)
        nums = set(_numbers(text))
        for c, v in res.r2.items():
            assert _f(v) in nums, (c, text)
        top = res.htmt.where(np.tril(np.ones(res.htmt.shape, bool), -1)).stack().max()
        assert _f(top) in nums
        sig = res.paths[res.paths["p"] < 0.05]
        for e in sig["estimate"]:
            assert _f(e) in nums
        for src in ("Hair et al., 2019", "Henseler, Ringle & Sarstedt, 2015", "500"):
            assert src in text
    weak = res.reliability.index[(res.reliability[["alpha", "rho_c"]].min(axis=1) < 0.7)]
    assert list(weak) == ["Expectation", "Loyalty"]
    assert "Expectation、Loyalty 的 Cronbach's α 或组合信度 ρC 低于 0.70" in res.interpret("zh")
