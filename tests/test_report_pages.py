"""What a manager sees: report pages in one language with a title block, a summary in words and
charts; no raw identifier anywhere; named customers only for the firm's own staff; the dashboard
with headline figures, their changes and trends, newest period first, failures shown."""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from crm_research import periodic, report
from crm_research.cli import main
from crm_research.present.text import change_text, period_summary

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
PERIOD = "2026Q3"


class _Visible(HTMLParser):
    """The text a reader sees (no tags, scripts or styles) and the images."""

    def __init__(self):
        super().__init__()
        self.text, self.imgs, self._skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self._skip += 1
        if tag == "img":
            self.imgs.append(dict(attrs))

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def visible(path: Path) -> tuple[str, list[dict]]:
    p = _Visible()
    p.feed(path.read_text(encoding="utf-8"))
    return " ".join(p.text), p.imgs


@pytest.fixture(scope="module")
def zh_internal(tmp_path_factory):
    out = tmp_path_factory.mktemp("zh")
    assert main(["report", "--period", PERIOD, "--data", str(SAMPLE), "--out", str(out), "--lang", "zh",
                 "--firm", "阳光物流", "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def en_external(tmp_path_factory):
    out = tmp_path_factory.mktemp("en")
    assert main(["report", "--period", PERIOD, "--data", str(SAMPLE), "--out", str(out), "--lang", "en",
                 "--audience", "external", "--firm", "Sunshine Logistics", "--quiet"]) == 0
    return out


def _identifiers() -> set[str]:
    """Raw names a reader must never see: the data dictionary's columns and the fields of the
    tables and results the reports show."""
    names = set(pd.read_csv(SAMPLE / "data_dictionary.csv")["column"])
    names |= set(periodic.KPI_SPEC) | set(periodic.HEADLINE_KINDS)
    names |= {"current", "previous", "year_before", "p_previous", "p_year_before", "n_current", "n_previous",
              "cohens_d", "value_at_risk", "days_since_last", "baseline_gap", "usual_gap_days", "reason_zh",
              "d0_30", "d31_60", "d61_90", "d90_plus", "loyalty_conative", "customer_share", "amount_share",
              "at_risk", "improve first", "possible overkill", "presale", "insale", "postsale", "Contents"}
    snap_fields = {f.name for f in dataclasses.fields(periodic.ValueSnapshot)}
    return names | snap_fields


@pytest.mark.parametrize("which", ["zh_internal", "en_external"])
def test_pages_speak_one_language_without_raw_identifiers(which, request):
    out = request.getfixturevalue(which)
    lang = "zh" if which.startswith("zh") else "en"
    pages = sorted((out / PERIOD).glob("*.html"))
    assert len(pages) == 4
    idents = _identifiers()
    for page in pages:
        text, imgs = visible(page)
        html = page.read_text(encoding="utf-8")
        # ids of the data are fine in English prose ("customer" is a word) only when not snake_case
        words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
        raw = {w for w in words & idents if lang == "zh" or "_" in w or w in ("presale", "insale", "postsale")}
        raw |= {w for w in words if re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", w)}          # any snake_case name
        if lang == "zh":
            raw |= words & {"r2", "df1", "df2", "f", "step", "se", "estimate", "ci_low", "ci_high"}
        assert raw == set(), f"{page.name}: raw identifiers shown: {sorted(raw)}"
        assert "('" not in text, f"{page.name}: a Python tuple is shown"
        assert re.search(r"<title>[^<]+ · " + ("2026年第3季度" if lang == "zh" else "2026 Q3") + "</title>", html)
        assert f"<html lang='{'zh-CN' if lang == 'zh' else 'en'}'>" in html
        assert re.search(r"class=[\"']titleblock", html) and re.search(r"20\d\d-\d\d-\d\d", text)
        assert ("阳光物流" if lang == "zh" else "Sunshine Logistics") in text
        assert re.search(r"class=[\"']summary", html)
        # a page in Chinese has no English heading; one in English no Chinese character outside names
        heads = re.findall(r"<h[12][^>]*>(.*?)</h[12]>", html)
        if lang == "zh":
            assert all(re.search(r"[\u4e00-\u9fff]", h) for h in heads if h.strip() and h != "目录"), heads
        else:
            assert not any(re.search(r"[\u4e00-\u9fff]", h) for h in heads), heads
        assert all(i.get("alt") and i["src"].startswith("data:image/png;base64,") for i in imgs)
        # numbers: no p shown as 0.000, no counts with decimals, no unrounded floats
        from io import StringIO

        for t in pd.read_html(StringIO(html)):
            heads = [" ".join(map(str, c)) if isinstance(c, tuple) else str(c) for c in t.columns]
            for h, col in zip(heads, t.columns):
                cells = t[col].astype(str)
                if re.fullmatch(r"p|p（.*）|p \(.*\)|显著性|Sig\.?", h):
                    assert not cells.str.fullmatch(r"0\.0+").any(), (page.name, h)
                if re.search(r"样本量|客户数|问卷数|人数|^n\b|^n \(|Customers|Questionnaires", h):
                    assert not cells.str.fullmatch(r"[\d,]+\.\d+").any(), (page.name, h)
        assert not re.search(r"\d\.\d{5,}", text), page.name


@pytest.mark.parametrize("which", ["zh_internal", "en_external"])
def test_every_saved_figure_is_shown_on_a_page(which, request):
    folder = request.getfixturevalue(which) / PERIOD
    shown = set()
    for page in folder.glob("*.html"):
        shown |= {i["src"].split(",", 1)[1] for i in visible(page)[1]}
    saved = sorted((folder / "figures").glob("*.png"))
    assert len(saved) >= 12
    missing = [p.name for p in saved if base64.b64encode(p.read_bytes()).decode() not in shown]
    assert missing == []
    mgmt = visible(folder / "40_management_report.html")[1]
    assert len(mgmt) >= 7      # index trend, drivers, KPI trends, ABC mix, migration, whale, churn, ageing


def test_internal_report_names_customers_and_lists_every_warning(zh_internal):
    folder = zh_internal / PERIOD
    people = pd.read_csv(SAMPLE / "customers.csv").set_index("customer_id")
    head = json.loads((folder / "headline.json").read_text(encoding="utf-8"))
    for state, key in (("at_risk", "churn_at_risk"), ("lost", "churn_lost")):
        listed = pd.read_excel(folder / "tables" / f"churn_{state}.xlsx", header=1, index_col=0)
        listed = listed[listed["客户名称"].notna()]                # the note row under the table
        assert len(listed) == head[key]["value"]                 # the headline counts what is listed
        assert set(listed["客户名称"]) <= set(people["name"]) and len(listed) > 0
    text = visible(folder / "40_management_report.html")[0]
    lost = pd.read_excel(folder / "tables" / "churn_lost.xlsx", header=1, index_col=0).dropna(subset=["客户名称"])
    assert all(name in text for name in lost["客户名称"])


def test_external_report_shows_no_customer(en_external):
    people = pd.read_csv(SAMPLE / "customers.csv")
    text = " ".join(visible(p)[0] for p in (en_external / PERIOD).glob("*.html"))
    assert [n for n in people["name"] if n in text] == []
    assert not re.search(r"\bC\d{4}\b", text)


def test_summary_states_the_headline_figures(zh_internal):
    folder = zh_internal / PERIOD
    head = json.loads((folder / "headline.json").read_text(encoding="utf-8"))
    text = visible(folder / "40_management_report.html")[0]
    summary = re.search(r"满意度指数 [^。]*。", text).group(0)
    assert f"满意度指数 {head['csi']['value']:.1f}" in summary
    assert f"准时交付率 {100 * head['on_time_rate']['value']:.1f}%" in text
    assert f"{head['churn_at_risk']['value']} 位客户有流失风险" in text


def test_dashboard_newest_first_with_changes_trends_and_failure_notice(zh_internal, tmp_path):
    import shutil

    out = tmp_path / "reports"
    shutil.copytree(zh_internal, out, symlinks=True)
    # a second, older period and a failed run of the current one
    older = json.loads((out / PERIOD / "headline.json").read_text(encoding="utf-8"))
    (out / "2026Q2").mkdir()
    (out / "2026Q2" / "headline.json").write_text(json.dumps(older), encoding="utf-8")
    report.pages.record_runs(out, [{"period": PERIOD, "status": "failed", "error": "bad <b>file</b>"}])
    (out / "archive.old").mkdir()       # an operator's own folder beside the periods: not a period
    page = report.write_index(out, lang="zh", firm="阳光物流").read_text(encoding="utf-8")
    text = visible(out / "index.html")[0]
    assert "archive" not in page
    assert text.index("2026年第3季度") < text.index("2026年第2季度")
    assert "<title>客户关系报告总览 · 阳光物流</title>" in page and "<html lang='zh-CN'>" in page
    assert "最近一次生成失败" in text and "bad <b>file</b>" in text and "<b>file</b>" not in page
    assert page.count("class='card'") == len(older) and page.count("<svg class='spark'") == len(older)
    csi = older["csi"]
    assert change_text(csi["value"], csi["previous"], None, "index", "up", "zh") in text
    # colour by direction: an overdue rise is bad (red), a revenue rise good (green)
    assert re.search(r"color:#c0392b'>较上期 \+[\d.]+%", page) and re.search(r"color:#2e7d32'>较上期 \+[\d.]+%", page)


def test_change_words_follow_the_good_direction_and_the_test():
    assert change_text(70.0, 68.0, 0.01, "index", "up", "zh") == "+2.0（p = 0.010，显著改善）"
    assert change_text(0.02, 0.01, 0.0001, "pct", "down", "en") == "+1.0 pp (p < 0.001, significantly worse)"
    assert change_text(70.0, 68.0, 0.2, "index", "up", "en") == "+2.0 (p = 0.200, no significant change)"
    assert change_text(110.0, 100.0, None, "money", "up", "zh") == "+10.0%"
    h = pd.DataFrame({"current": [69.6, 3], "previous": [67.5, np.nan], "year_before": [np.nan, np.nan],
                      "p_previous": [0.03, np.nan], "p_year_before": [np.nan, np.nan], "good": ["up", "down"],
                      "kind": ["index", "int"]}, index=["csi", "churn_at_risk"])
    h.loc["churn_lost"] = [2, np.nan, np.nan, np.nan, np.nan, "down", "int"]
    assert period_summary(h, "zh") == "满意度指数 69.6，较上期 +2.1（p = 0.030，显著改善）。3 位客户有流失风险，另有 2 位已流失（见流失预警）。"


def test_index_changes_are_welch_tests_of_the_respondents_indices():
    data = report.PeriodData(SAMPLE, PERIOD)
    waves = data.waves("logistics_csl")
    ind, fits = periodic.wave_indices(waves)
    ch = periodic.index_changes(waves, fits, ["satisfaction"])
    per = {}
    for k, s in waves.items():
        keyed = s.keyed().loc[s.screen().kept.index]
        per[k] = periodic.respondent_index(keyed, fits[k], (1, 5))["satisfaction"]
        assert per[k].mean() == pytest.approx(ind.loc["satisfaction", k], abs=1e-9)   # the ACSI index itself
    for k in ("previous", "year_before"):
        t = stats.ttest_ind(per["current"], per[k], equal_var=False)
        assert ch.loc["satisfaction", f"p_{k}"] == pytest.approx(t.pvalue, rel=1e-12)


def test_point_labels_never_overlap():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from crm_research.present.plots.fonts import use_cjk_font
    from crm_research.present.plots.report import place_labels

    matplotlib.rcParams.update(use_cjk_font())
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    xs = np.array([0.238, 0.237, 0.155, 0.120, 0.100, 0.100, 0.059, 0.014])
    ys = np.array([70.5, 70.6, 72.9, 71.4, 73.1, 72.5, 70.6, 73.7])
    ax.scatter(xs, ys)
    ax.margins(0.18)
    texts = place_labels(ax, xs, ys, ["物流成本", "服务承诺", "感知价值", "售前服务", "客户投诉处理", "售后服务",
                                      "人员服务水平与质量", "售中服务"])
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(r) for t in texts]
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].overlaps(boxes[j]), (texts[i].get_text(), texts[j].get_text())
    plt.close(fig)


def test_external_report_suppresses_small_counts_of_customers(en_external):
    folder = en_external / PERIOD
    mig = pd.read_csv(folder / "tables" / "abc_migration.csv", index_col=0, encoding="utf-8-sig")
    counts = pd.to_numeric(mig.stack(), errors="coerce").dropna()
    assert not ((counts > 0) & (counts < 5)).any()
    assert (mig.astype(str) == "< 5").to_numpy().any()          # the sample has small migration cells


def test_survey_page_fits_the_structural_model(zh_internal):
    """The survey page carries the firm's structural model: its coefficients are those of sem() on
    the screened wave, with constructs and effects named in Chinese."""
    import warnings

    from crm_research import StatWarning
    from crm_research.sem import load_model, sem
    from crm_research.survey import load_survey

    survey = load_survey(SAMPLE / f"survey_{PERIOD}.csv", "logistics_csl")
    kept = survey.screen(min_duration=120).kept.index
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatWarning)
        direct = sem(survey.keyed().loc[kept], load_model("logistics_csl"))
    table = pd.read_csv(zh_internal / PERIOD / "tables" / "sem_estimates.csv", encoding="utf-8-sig").set_index("路径")
    want = direct.estimates.set_index(["lhs", "op", "rhs"])
    assert table.loc["满意度 → 顾客忠诚", "标准化估计值"] == pytest.approx(want.loc[("loyalty", "~", "satisfaction"), "std_all"], abs=1e-9)
    assert table.loc["服务质量 → 感知价值", "非标准化估计值"] == pytest.approx(want.loc[("value", "~", "service"), "est"], abs=1e-9)
    effect = "间接效应：服务质量 → 感知价值 → 满意度 → 顾客忠诚"
    assert table.loc[effect, "非标准化估计值"] == pytest.approx(want.loc[("ind_value", ":=", "a*b*d"), "est"], abs=1e-9)
    text, _ = visible(zh_internal / PERIOD / "10_survey_analysis.html")
    assert "结构方程模型" in text and "满意度 → 顾客忠诚（β = " in text


def test_dashboard_escapes_every_value_file_name_and_error(tmp_path):
    evil = "<script>alert(1)</script>"
    out = tmp_path / "reports"
    per = out / "2026Q3"
    (per / "tables").mkdir(parents=True)
    (per / f"x'><img src=y onerror=alert(2)>.html").write_text("page", encoding="utf-8")
    (per / "headline.json").write_text(json.dumps({
        "csi": {"value": evil, "kind": "index", "good": "up", "previous": 60.0},
        "revenue": {"value": 1000.0, "kind": evil, "good": evil},
        evil: {"value": 3, "kind": "int"}}), encoding="utf-8")
    (per / "contents.json").write_text(json.dumps({"tables": {"a'><b>t</b>": evil},
                                                   "figures": {evil: "<i>f</i>"}}), encoding="utf-8")
    report.pages.record_runs(out, [{"period": "2026Q3", "status": "failed", "error": evil}])
    page = report.write_index(out, lang="en", firm="<b>Firm</b>").read_text(encoding="utf-8")
    for raw in ("<script", "<img", "<b>", "<i>"):
        assert raw not in page, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page           # the error, shown as text
    assert "href='2026Q3/x%27%3E%3Cimg%20src%3Dy%20onerror%3Dalert%282%29%3E.html'" in page


def test_external_report_has_no_count_of_fewer_than_five_people_in_any_table(en_external):
    from crm_research.present.labels import label
    from crm_research.report.privacy import PEOPLE_COUNTS

    heads = {label(c, "en", ns=ns) for c in PEOPLE_COUNTS for ns in (None, "report")}
    seen = 0
    for f in sorted((en_external / PERIOD / "tables").glob("*.csv")):
        t = pd.read_csv(f, encoding="utf-8-sig", index_col=0, dtype=str, keep_default_na=False)
        for c in t.columns:
            if c in heads:
                seen += 1
                v = pd.to_numeric(t[c].str.replace(",", ""), errors="coerce")
                assert not ((v > 0) & (v < 5)).any(), (f.name, c, t[c].tolist())
    assert seen >= 3


def test_external_headline_counts_below_five_are_suppressed(tmp_path):
    """A count of people under 5 among the headline figures (e.g. customers lost) reaches neither
    the dashboard card, its changes nor the summary for outside readers; staff see the number."""
    from crm_research.present.text import period_summary_items

    frame = pd.DataFrame({"kind": ["int", "int", "index"], "current": [3.0, 12.0, 3.5], "previous": [7.0, 2.0, 3.0],
                          "year_before": [np.nan, 4.0, 3.1], "p_previous": [np.nan, np.nan, 0.2],
                          "p_year_before": [np.nan] * 3, "good": ["down", "down", "up"]},
                         index=["churn_lost", "churn_at_risk", "csi"])
    shown = {}
    for audience in ("external", "internal"):
        out = tmp_path / audience / PERIOD
        out.mkdir(parents=True)
        ctx = report.open_page("management", data_dir=str(SAMPLE), period=PERIOD, lang="en", out_dir=str(out),
                               audience=audience)
        shown[audience] = ctx.headlines(frame.copy())
        saved = json.loads((out / "headline.json").read_text(encoding="utf-8"))
        if audience == "external":
            assert saved["churn_lost"]["value"] == "< 5" and saved["churn_lost"]["previous"] == 7
            assert saved["churn_at_risk"]["previous"] == "< 5" and saved["churn_at_risk"]["year_before"] == "< 5"
            assert saved["csi"]["value"] == 3.5                 # not a count of people: left alone
        else:
            assert saved["churn_lost"]["value"] == 3
    text = " ".join(period_summary_items(shown["external"], "en"))
    assert "< 5 already lost" in text and " 3 " not in text
    assert "3 already lost" in " ".join(period_summary_items(shown["internal"], "en"))
    page = report.write_index(tmp_path / "external", lang="en")
    assert "< 5" in page.read_text(encoding="utf-8") or "&lt; 5" in page.read_text(encoding="utf-8")


def test_every_customer_type_of_the_sample_firm_has_a_name_in_both_languages():
    """A customer type without a label was printed as its code ('ecommerce') in Chinese tables."""
    from crm_research.present.labels import label
    from crm_research.simulate import _TYPES

    for t in _TYPES:
        zh, en = label(t, "zh", ns="report"), label(t, "en", ns="report")
        assert zh != t and en != t and not zh.isascii(), (t, zh, en)
