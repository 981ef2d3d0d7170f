"""Write the report notebooks in notebooks/ from the cell sources below (committed without
outputs). Run from the repository root: ``.venv/bin/python tools/build_notebooks.py``; edit the
sources here, not the .ipynb files. Each notebook: a tagged parameters cell (``name: type = default
# help``), a cell that validates the parameters, then narrative and calls into the package."""

from __future__ import annotations

from pathlib import Path

import nbformat as nbf

OUT = Path(__file__).resolve().parents[1] / "notebooks"

PARAMS = '''data_dir: str = "../data/sample"  # folder with the firm's files (shipments.csv, survey_<quarter>.csv, ...)
period: str = "2026Q3"  # the reporting period: a quarter (2026Q3) or a month (2026-09)
lang: str = "zh"  # zh or en: language of titles and tables
out_dir: str = ""  # set by `crm-research report`; leave empty when working interactively
engine: str = "duckdb"  # duckdb (embedded) or spark: where the transaction-level SQL runs
spark_master: str = ""  # Spark master URL when engine is spark (local[2], yarn or a spark URL)'''

CHECK = '''import warnings
from pathlib import Path
import pandas as pd
import crm_research
from crm_research import reports
from crm_research.labels import label
reports.check_parameters(data_dir=data_dir, period=period, lang=lang)
ctx = reports.ReportContext(out_dir, lang)
sql_engine = reports.sql_engine(engine, spark_master)
data = Path(data_dir)'''

SURVEY_LOAD = '''from crm_research.survey import load_survey
wave_file = reports.survey_file(data, period)
if wave_file is None:
    raise crm_research.DataError(f"no survey wave for period {period} in {data_dir}")
survey = load_survey(wave_file, "logistics_csl")
screen = survey.screen(min_duration=120)
keyed = survey.keyed().loc[screen.kept.index]
scores = survey.scores().loc[screen.kept.index]'''

NOTEBOOKS = {
    "10_survey_analysis": [
        ("md", "# Survey analysis · 问卷分析\n\nThe thesis chain on this period's satisfaction survey: screening funnel → reliability and validity → descriptives and correlations → regression and mediation."),
        ("params", PARAMS),
        ("code", CHECK),
        ("md", "## Screening · 问卷筛选"),
        ("code", SURVEY_LOAD + "\nprint(screen.funnel_text(lang))\nctx.table(screen.reasons().to_frame('n'), 'screening_reasons', 'Screening' if lang == 'en' else '问卷剔除原因')"),
        ("md", "## Reliability · 信度"),
        ("code", "from crm_research.reliability import reliability_table\nmodel = survey.instrument.model\nrel = reliability_table(keyed, model)\nctx.table(rel, 'reliability', 'Reliability' if lang == 'en' else '信度分析')"),
        ("md", "## Validity · 效度\n\nKMO and Bartlett on all items, then a CFA of the constructs with three or more items."),
        ("code", "from crm_research import validity\nitems = keyed[survey.instrument.items]\nk = validity.kmo(items)\nb = validity.bartlett(items)\nprint(f'KMO = {k.overall:.3f} ({k.verdict}); Bartlett χ² = {b.chi2:.1f}, df = {b.df}, p = {b.p:.3g}')\ncfa_model = {c: v for c, v in model.items() if len(v) >= 3}\nwith warnings.catch_warnings():\n    warnings.simplefilter('ignore', crm_research.StatWarning)\n    summary = validity.construct_summary(keyed, cfa_model)\n    cfa = validity.cfa(keyed, cfa_model)\nctx.table(cfa.fit_table(), 'cfa_fit', 'CFA fit' if lang == 'en' else '验证性因子分析拟合指标')"),
        ("code", "ctx.table(summary, 'construct_summary', 'Construct validity' if lang == 'en' else '构念信效度汇总')"),
        ("md", "## Descriptives and correlations · 描述统计与相关分析"),
        ("code", "from crm_research import regression\nctx.table(regression.describe(scores), 'descriptives', 'Descriptives' if lang == 'en' else '描述统计')"),
        ("code", "with warnings.catch_warnings():\n    warnings.simplefilter('ignore', crm_research.StatWarning)\n    corr = regression.correlation_table(scores, list(cfa_model), sqrt_ave=cfa.ave)\nctx.table(corr, 'correlations', 'Correlations (√AVE on the diagonal)' if lang == 'en' else '相关系数（对角线为 AVE 平方根）')"),
        ("md", "## Regression and mediation · 回归与中介\n\nHierarchical regression of conative loyalty: customer type first, then the service-quality dimensions, then value and satisfaction; then value → satisfaction → loyalty with a bootstrap interval."),
        ("code", "reg_data = scores.join(survey.responses.loc[scores.index, ['customer_type']])\nquality = ['cost', 'commitment', 'staff', 'complaint', 'presale', 'insale', 'postsale']\nhier = regression.hierarchical(reg_data, 'loyalty_conative', [['customer_type'], quality, ['value', 'satisfaction']], categorical={'customer_type': 'manufacturer'})\nctx.table(hier.steps.set_index('step'), 'hierarchical_steps', 'Hierarchical regression' if lang == 'en' else '分层回归')"),
        ("code", "med = regression.mediation(scores, 'value', 'satisfaction', 'loyalty_conative', n_boot=2000, seed=1)\nctx.table(med.paths.set_index('effect'), 'mediation', 'Mediation' if lang == 'en' else '中介效应检验')"),
    ],
    "20_satisfaction_index": [
        ("md", "# Satisfaction index · 客户满意度指数\n\nThe logistics instrument's structural model estimated by PLS path modelling, the 0–100 indices, the importance–performance map, and the non-linear link from satisfaction to loyalty."),
        ("params", PARAMS),
        ("code", CHECK),
        ("code", SURVEY_LOAD),
        ("md", "## PLS path model · 偏最小二乘路径模型"),
        ("code", "from crm_research.models import pls_path, logistics_model, importance_performance, loyalty_curve\npls = pls_path(keyed, *logistics_model(), n_boot=500, seed=1, scale=(1, 5))\nctx.headline('csi', round(float(pls.index['satisfaction']), 1), 'CSI (0–100)' if lang == 'en' else '满意度指数')\nctx.headline('loyalty', round(float(pls.index['loyalty_conative']), 1), 'Loyalty (0–100)' if lang == 'en' else '忠诚度指数')\nctx.table(pls.paths.set_index(['from', 'to']), 'pls_paths', 'Path coefficients' if lang == 'en' else '路径系数')"),
        ("code", "ctx.table(pls.index.to_frame(), 'indices', 'Indices (0–100)' if lang == 'en' else '各构念指数（0–100）')"),
        ("md", "## Importance–performance map · 重要性–绩效分析"),
        ("code", "from crm_research.plots.models import ipma_chart, loyalty_curve_chart\nipma = importance_performance(pls, 'satisfaction')\nnames = {c: survey.instrument.construct_label(c, lang) for c in survey.instrument.constructs}\nctx.figure(ipma_chart(ipma, target='satisfaction', lang=lang, names=names), 'ipma')\nctx.table(ipma, 'ipma', 'Importance–performance' if lang == 'en' else '重要性–绩效')"),
        ("md", "## Satisfaction → loyalty zones · 满意度与忠诚度的三个区域"),
        ("code", "curve = loyalty_curve(scores, 'satisfaction', 'loyalty_conative')\nctx.figure(loyalty_curve_chart(curve, scores['satisfaction'], scores['loyalty_conative'], lang=lang), 'loyalty_curve')\nctx.table(curve.comparison, 'loyalty_models', 'Linear, quadratic, segmented' if lang == 'en' else '线性、二次与分段模型比较')"),
    ],
    "30_customer_value": [
        ("md", "# Customer value · 客户价值\n\nABC classification and visit plan, the whale curve, RFM segments, lifetime value, churn warnings, composite value and credit — on the shipments up to the end of the period."),
        ("params", PARAMS),
        ("code", CHECK),
        ("code", "from crm_research import value\nfrom crm_research.warehouse import parse_period\nper = parse_period(period)\nfrom crm_research.warehouse import load_table\nship = load_table(data, 'shipments')\nship = ship[pd.to_datetime(ship['ship_date']) < pd.Timestamp(per.end)]\nin_period = ship[per.contains(ship['ship_date'])]\nas_of = (pd.Timestamp(per.end) - pd.Timedelta(days=1)).date().isoformat()"),
        ("md", "## ABC classification · ABC 分类"),
        ("code", "from crm_research.plots.value import pareto_chart, whale_chart\nclasses = value.abc(in_period, customer='customer_id', amount='revenue', engine=sql_engine)\nctx.figure(pareto_chart(classes, lang=lang), 'pareto')\nctx.table(value.abc_summary(classes), 'abc_mix', 'ABC mix' if lang == 'en' else 'ABC 分类结构')"),
        ("md", "## Whale curve · 鲸鱼曲线"),
        ("code", "whale = value.whale_curve(in_period, customer='customer_id', revenue='revenue', cost='cost', engine=sql_engine)\nctx.figure(whale_chart(whale, lang=lang), 'whale')\nprint(whale.verdict_zh if lang == 'zh' else whale.verdict_en)"),
        ("md", "## RFM segments · RFM 客户细分"),
        ("code", "seg = value.rfm(ship, customer='customer_id', date='ship_date', amount='revenue', as_of=as_of, engine=sql_engine)\nctx.table(reports.suppress_small(seg.groupby('segment').agg(n=('monetary', 'size'), monetary=('monetary', 'mean')), 'n'), 'rfm_segments', 'RFM segments' if lang == 'en' else 'RFM 细分')"),
        ("md", "## Lifetime value · 客户终身价值"),
        ("code", "summ = value.summary_from_transactions(ship, customer='customer_id', date='ship_date', amount='revenue', as_of=as_of, freq='W')\nwith warnings.catch_warnings():\n    warnings.simplefilter('ignore', crm_research.StatWarning)\n    bg = value.fit_bgnbd(summ['frequency'], summ['recency'], summ['T'])\n    gg = value.fit_gamma_gamma(summ['frequency'], summ['monetary_value'])\nclv = value.clv(bg, gg, summ, periods=12, period_length=4.345)\nctx.table(reports.pseudonymise(clv.sort_values(ascending=False).head(10).to_frame(), '__index__'), 'clv_top10', 'Top 10 by CLV' if lang == 'en' else '终身价值前 10 名')"),
        ("md", "## Churn warnings · 流失预警"),
        ("code", "warn = value.churn_warning(ship, customer='customer_id', date='ship_date', amount='revenue', as_of=as_of, engine=sql_engine)\nflagged = warn[warn['flag']].head(10)[['reason_zh' if lang == 'zh' else 'reason_en', 'value_at_risk']]\nctx.headline('churn_flags', int(warn['flag'].sum()), 'Churn warnings' if lang == 'en' else '流失预警客户数')\nctx.table(reports.pseudonymise(flagged, '__index__'), 'churn_warnings', 'Churn warnings' if lang == 'en' else '流失预警')"),
        ("md", "## Receivables and credit · 应收账款与信用"),
        ("code", "inv, pay = load_table(data, 'invoices'), load_table(data, 'payments')\ninv = inv[pd.to_datetime(inv['issue_date']) <= pd.Timestamp(as_of)]\npay = pay[pd.to_datetime(pay['pay_date']) <= pd.Timestamp(as_of)]\nageing = value.receivables_ageing(inv, pay, as_of=as_of, engine=sql_engine)\ngrades = value.credit_grades(ageing)\nctx.table(ageing[['d0_30', 'd31_60', 'd61_90', 'd90_plus']].sum().to_frame('amount'), 'ageing', 'Receivables ageing' if lang == 'en' else '应收账款账龄')"),
        ("code", "ctx.table(grades.value_counts().sort_index().to_frame('customers'), 'credit_grades', 'Credit grades' if lang == 'en' else '信用等级')"),
    ],
    "40_management_report": [
        ("md", "# Management report · 管理报告\n\nThis period against the previous period and the same period a year before: the satisfaction index and its drivers, service KPIs before, during and after the sale, survey changes tested for significance, the ABC mix and its migration, the whale curve, the top churn warnings and receivables ageing."),
        ("params", PARAMS),
        ("code", CHECK),
        ("code", "from crm_research import value\nfrom crm_research.warehouse import parse_period\nper = parse_period(period)\nfrom crm_research.warehouse import load_table\nship = load_table(data, 'shipments')\ncomplaints = load_table(data, 'complaints')"),
        ("md", "## Satisfaction index and drivers · 满意度指数及其驱动因素"),
        ("code", "indices, pls = reports.satisfaction_indices(data, period)\nctx.headline('csi', round(float(indices.loc['satisfaction', 'current']), 1), 'CSI (0–100)' if lang == 'en' else '满意度指数')\nctx.table(indices.loc[['satisfaction', 'loyalty_conative', 'value']], 'csi_trend', 'Indices: this period, previous, a year before' if lang == 'en' else '指数：本期、上期、去年同期')"),
        ("code", "from crm_research.models import importance_performance\nctx.table(importance_performance(pls, 'satisfaction'), 'drivers', 'Drivers of satisfaction' if lang == 'en' else '满意度驱动因素')"),
        ("md", "## Service KPIs · 服务绩效指标（售前、售中、售后）"),
        ("code", "k = reports.kpis(ship, complaints, period)\nctx.headline('on_time', round(float(k.loc['on_time_rate', 'current']) * 100, 1), 'On-time %' if lang == 'en' else '准时率 %')\nctx.table(k, 'kpis', 'Service KPIs' if lang == 'en' else '服务绩效指标')"),
        ("md", "## Survey changes · 满意度调查变化（显著性检验）"),
        ("code", "from crm_research.survey import load_survey\ncur, prev = reports.survey_file(data, period), reports.survey_file(data, per.previous().label if 'Q' in per.label else period)\nif cur is not None and prev is not None and cur != prev:\n    sc = [load_survey(f, 'logistics_csl') for f in (cur, prev)]\n    comp = reports.wave_comparison(*[s.scores().loc[s.screen(min_duration=120).kept.index] for s in sc])\n    display(ctx.table(comp, 'survey_changes', 'Survey changes' if lang == 'en' else '满意度变化'))\nelse:\n    print('no earlier wave to compare with' if lang == 'en' else '无可比较的上一期调查')"),
        ("md", "## ABC mix and migration · ABC 结构与客户等级迁移"),
        ("code", "now = value.abc(ship[per.contains(ship['ship_date'])], customer='customer_id', amount='revenue', engine=sql_engine)\ndisplay(ctx.table(value.abc_summary(now), 'abc_mix_period', 'ABC mix' if lang == 'en' else 'ABC 分类结构'))\nprevious = ship[per.previous().contains(ship['ship_date'])]\nif len(previous):\n    before = value.abc(previous, customer='customer_id', amount='revenue', engine=sql_engine)\n    display(ctx.table(value.abc_migration(before, now), 'abc_migration', 'ABC migration' if lang == 'en' else 'ABC 等级迁移'))\nelse:\n    print('no shipments in the previous period: no migration to show' if lang == 'en' else '上期无发货数据，无法比较等级迁移')"),
        ("md", "## Whale curve, churn warnings, receivables · 鲸鱼曲线、流失预警与应收账款"),
        ("code", "in_period = ship[per.contains(ship['ship_date'])]\nwhale = value.whale_curve(in_period, customer='customer_id', revenue='revenue', cost='cost', engine=sql_engine)\nprint(whale.verdict_zh if lang == 'zh' else whale.verdict_en)\nhist = ship[pd.to_datetime(ship['ship_date']) < pd.Timestamp(per.end)]\nas_of = (pd.Timestamp(per.end) - pd.Timedelta(days=1)).date().isoformat()\nwarn = value.churn_warning(hist, customer='customer_id', date='ship_date', amount='revenue', as_of=as_of, engine=sql_engine)\ntop = warn[warn['flag']].head(5)[['reason_zh' if lang == 'zh' else 'reason_en', 'value_at_risk']]\nctx.table(reports.pseudonymise(top, '__index__'), 'top_churn_warnings', 'Top churn warnings' if lang == 'en' else '重点流失预警')"),
        ("code", "inv, pay = load_table(data, 'invoices'), load_table(data, 'payments')\ninv = inv[pd.to_datetime(inv['issue_date']) <= pd.Timestamp(as_of)]\npay = pay[pd.to_datetime(pay['pay_date']) <= pd.Timestamp(as_of)]\nageing = value.receivables_ageing(inv, pay, as_of=as_of, engine=sql_engine)\nctx.table(ageing[['d0_30', 'd31_60', 'd61_90', 'd90_plus', 'overdue']].sum().to_frame('amount'), 'receivables', 'Receivables ageing' if lang == 'en' else '应收账款账龄')"),
    ],
}


def build(name: str, cells) -> nbf.NotebookNode:
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, (kind, src) in enumerate(cells):
        cell = nbf.v4.new_markdown_cell(src) if kind == "md" else nbf.v4.new_code_cell(src)
        if kind == "params":
            cell.metadata["tags"] = ["parameters"]
        cell["id"] = f"{name[:2]}-{i:02d}"
        nb.cells.append(cell)
    return nb


def main() -> None:
    for name, cells in NOTEBOOKS.items():
        nbf.write(build(name, cells), OUT / f"{name}.ipynb")


if __name__ == "__main__":
    main()
