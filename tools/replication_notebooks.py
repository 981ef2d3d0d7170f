"""Write the replication notebooks in notebooks/replications/ from the cell sources below.

Run from the repository root: ``.venv/bin/python tools/replication_notebooks.py``. The notebooks
are written without outputs; edit the sources here, not the .ipynb files.
"""

from __future__ import annotations

from pathlib import Path

import sys

import nbformat as nbf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_notebooks import build  # noqa: E402  (one notebook writer for both folders)

OUT = Path(__file__).resolve().parents[1] / "notebooks" / "replications"

PARAMS_COMMON = '''lang: str = "zh"  # zh or en: language of tables and verdicts
out_dir: str = ""  # if set, the published-vs-reproduced table is also written there as CSV'''

CHECK_COMMON = '''from pathlib import Path
import pandas as pd
import crm_research
from crm_research.labels import LANGS
if lang not in LANGS:
    raise crm_research.DataError(f"parameter lang={lang!r}: expected one of {list(LANGS)}")'''

SAVE = '''comparison = compare_published(rows, lang=lang)
if out_dir:
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    comparison.to_csv(Path(out_dir) / "{name}.csv", index=False)
comparison'''

NOTEBOOKS = {
    "03_survey_percentages": [
        ("md", "# Replication 3 · Descriptive survey percentages\n\n"
               "Source documents `001_…` example 2 (a survey of small and medium firms in Cangzhou) and "
               "`004_…` (CNNIC figures on awareness of CRM) report percentages without the number of "
               "respondents. For each we ask: which base n makes the figures possible at all, do exclusive "
               "shares add to 100 %, how precise is each percentage (95 % Wilson interval), and how many "
               "respondents a ±3-point margin would need."),
        ("params", PARAMS_COMMON),
        ("code", CHECK_COMMON + "\nfrom crm_research import audit\nfrom crm_research.frequencies import proportion_ci, sample_size_for_margin\nfrom crm_research.replications import compare_published"),
        ("md", "## Awareness of CRM (`004_…`)\n\nNever heard of it 51.4 %, heard of it but do not understand it 28.6 %, "
               "some understanding 13.6 %, understand it well 6.4 % — four exclusive answers to one question."),
        ("code", 'awareness = {"never heard": "51.4", "heard, not understood": "28.6", "some understanding": "13.6", "understand well": "6.4"}\n'
                 'total = audit.check_percent_total(list(awareness.values()))\n'
                 'n_awareness = audit.smallest_n(list(awareness.values()))\n'
                 'print(total.verdict(lang))\nprint("smallest n:", n_awareness)'),
        ("code", 'def precision_table(shares, n):\n'
                 '    rows = []\n'
                 '    for name, pct in shares.items():\n'
                 '        count = round(float(pct) / 100 * n)\n'
                 '        ci = proportion_ci(count, n)\n'
                 '        rows.append({"answer": name, "published %": pct, "count at n": count,\n'
                 '                     "95% CI low %": 100 * ci.ci[0], "95% CI high %": 100 * ci.ci[1],\n'
                 '                     "n for ±3 points": sample_size_for_margin(float(pct) / 100, 0.03)})\n'
                 '    return pd.DataFrame(rows)\n'
                 'precision_table(awareness, n_awareness)'),
        ("md", "## CRM practice in Cangzhou SMEs (`001_…` example 2)\n\n"
               "Who implemented CRM: a specialist firm 89.7 %, trained own staff 7.8 %, hired specialists 3.2 % — "
               "exclusive answers, so they should add to 100 %. The other figures (78.3 %, 10.2 %, 11.3 %, "
               "65.5 %, 44.5 %) are answers to different questions of the same survey, each given as a share of "
               "all firms interviewed; assuming every firm answered each, they share one base n."),
        ("code", 'implementers = {"specialist firm": "89.7", "trained own staff": "7.8", "hired specialists": "3.2"}\n'
                 'implementers_total = audit.check_percent_total(list(implementers.values()))\n'
                 'print(implementers_total.verdict(lang))\nprint(implementers_total.arithmetic)'),
        ("code", 'practice = {"mainly serve key customers": "78.3", "visit customers regularly": "10.2",\n'
                 '            "keep customer files": "11.3", "special service": "65.5", "plan CRM in 1–2 years": "44.5"}\n'
                 'n_practice = audit.smallest_n(list(practice.values()))\n'
                 'print("smallest n making all five possible:", n_practice)\n'
                 'precision_table(practice, n_practice)'),
        ("md", "## Published vs reproduced\n\nEach percentage recomputed as a whole count out of the smallest "
               "base that allows all figures of its question; the shares of the implementers question cannot "
               "all hold (they add to 100.7 %)."),
        ("code", 'rows = []\n'
                 'for shares, n in ((awareness, n_awareness), (practice, n_practice)):\n'
                 '    for name, pct in shares.items():\n'
                 '        rows.append((f"{name} (n = {n})", pct, 100 * round(float(pct) / 100 * n) / n))\n'
                 'rows.append(("implementers: shares add to", "100.0", sum(float(v) for v in implementers.values())))\n'
                 + SAVE.format(name="03_survey_percentages")),
    ],
}

NOTEBOOKS["01_bank_crm_study"] = [
    ("md", "# Replication 1 · The bank CRM study\n\nSource document `001_…`, example 9: customer relationship orientation, the customer-centric management system and the relational information process. The data are simulated to match everything the paper reports (`crm_research.replications.bank_study`); the full thesis pipeline is then run on them."),
    ("params", PARAMS_COMMON),
    ("code", CHECK_COMMON + "\nfrom crm_research import audit, regression, reliability, validity\nfrom crm_research.replications import BANK_STUDY_PUBLISHED as P, CONTROLS, bank_study, compare_published\nfrom crm_research.survey import Survey, load_instrument\ninst = load_instrument('bank_crm')\nsurvey = Survey(bank_study(), inst, 'bank_study', 'respondent_id')"),
    ("md", "## Screening funnel · 问卷回收与筛选"),
    ("code", "screen = survey.screen(max_missing=0.2, straightline=False, issued=P['issued'])\nprint(screen.funnel_text(lang))\nscreen.funnel"),
    ("md", "The paper gives 96.2 % as the share of *returned* questionnaires that were valid; 481/492 is 97.8 %. 96.2 % is 481 of the 500 *issued*."),
    ("md", "## Reliability · 信度"),
    ("code", "valid = survey.keyed().loc[screen.kept.index]\nrel = reliability.reliability_table(valid, inst.model, alpha_min=0.6)\nrel"),
    ("md", "## Validity · 效度"),
    ("code", "efa = validity.efa(valid[inst.items], 3, rotation='varimax')\ncfa = validity.cfa(valid, inst.model)\nprimary = efa.loadings.abs().max(axis=1)\nprint('smallest primary EFA loading', round(primary.min(), 3), '· smallest CFA loading', round(cfa.loadings['std_loading'].min(), 3))\ncfa.fit_table()"),
    ("md", "## Descriptives and correlations · 描述统计与相关"),
    ("code", "scores = survey.scores().loc[screen.kept.index]\nregression.correlation_table(scores, list(inst.model), sqrt_ave=cfa.ave)"),
    ("md", "## Hierarchical regression · 分层回归\n\nModel 1: orientation with nine controls (the audit below shows the paper's F needs about ten predictors); model 2 adds the management system."),
    ("code", "reg = scores.join(valid[CONTROLS])\nhier = regression.hierarchical(reg, 'info_process', [CONTROLS + ['orientation'], ['system']])\nc = hier.coefficients.set_index(['step', 'term'])\nhier.steps"),
    ("md", "## Consistency audit · 报告数据一致性核查"),
    ("code", "check = audit.check_regression(P['model1_r2'], P['model1_f'], P['valid'], 1)\nprint(check.verdict(lang))\nprint(check.arithmetic)"),
    ("md", "## Published vs reproduced · 原文与复现对比"),
    ("code", "rows = [\n    ('questionnaires issued', '500', screen.issued), ('returned', '492', screen.returned), ('valid', '481', screen.valid),\n    ('returned rate %', '98.4', 100 * screen.returned / screen.issued), ('valid rate % (of issued)', '96.2', 100 * screen.valid / screen.issued),\n    ('smallest α', '> 0.863', rel['alpha'].min()), ('smallest loading (CFA)', '> 0.638', cfa.loadings['std_loading'].min()),\n    ('model 1 β orientation', '0.36', c.loc[(1, 'orientation'), 'beta']), ('model 1 p', '< 0.05', c.loc[(1, 'orientation'), 'p']),\n    ('model 1 R²', '0.38', hier.steps.loc[0, 'r2']), ('model 1 F', '29.31', hier.steps.loc[0, 'f']),\n    ('model 2 β system', '0.32', c.loc[(2, 'system'), 'beta']), ('model 2 p', '< 0.05', c.loc[(2, 'system'), 'p']),\n    ('model 2 R²', '0.46', hier.steps.loc[1, 'r2']),\n    ('predictors implied by R², F, n', '10', audit.implied_predictors(0.38, 29.31, 481)),\n]\n" + SAVE.format(name="01_bank_crm_study")),
]

NOTEBOOKS["02_abc_visit_plan"] = [
    ("md", "# Replication 2 · ABC classification and visit plan\n\nSource document `002_…`: rank customers by amount, accumulate; up to 55 % of the amount is class A, up to 85 % class B, the rest C; visit A customers three times a month, B twice, C once (mostly by phone); follow how classes change. Run on the sample company's 2025 and 2026 shipments."),
    ("params", PARAMS_COMMON + '\ndata_dir: str = "../../data/sample"  # the sample company'),
    ("code", CHECK_COMMON + "\nfrom crm_research import value\nfrom crm_research.replications import compare_published\nship = pd.read_csv(Path(data_dir) / 'shipments.csv')\ny25 = ship[ship['ship_date'].between('2025-01-01', '2025-12-31')]\ny26 = ship[ship['ship_date'].between('2026-01-01', '2026-09-30')]"),
    ("code", "classes = value.abc(y25, customer='customer_id', amount='revenue')\nsummary = value.abc_summary(classes)\nsummary"),
    ("code", "plan = value.visit_plan(classes)\nplan.groupby(['abc_class', 'channel'])['contacts_per_month'].agg(['count', 'sum'])"),
    ("code", "migration = value.abc_migration(classes, value.abc(y26, customer='customer_id', amount='revenue'))\nmigration"),
    ("md", "## Published rules vs reproduced"),
    ("code", "last_a = classes[classes['abc_class'] == 'A']['cumulative_share'].max()\nlast_b = classes[classes['abc_class'] == 'B']['cumulative_share'].max()\nrows = [('cumulative share of the last A customer', '<= 0.55', last_a), ('cumulative share of the last B customer', '<= 0.85', last_b),\n        ('A visits per month', '3', plan.loc[plan['abc_class'] == 'A', 'contacts_per_month'].iloc[0]),\n        ('B visits per month', '2', plan.loc[plan['abc_class'] == 'B', 'contacts_per_month'].iloc[0]),\n        ('C contacts per month', '1', plan.loc[plan['abc_class'] == 'C', 'contacts_per_month'].iloc[0]),\n        ('A customers share of all customers (Pareto: a minority)', '< 0.3', summary.loc['A', 'customer_share'])]\n" + SAVE.format(name="02_abc_visit_plan")),
]

NOTEBOOKS["04_loyalty_zones"] = [
    ("md", "# Replication 4 · Satisfaction → loyalty zones\n\nSource document `001_…`, example 7: below a minimum level of satisfaction loyalty falls sharply (zone of defection), over a wide middle band it hardly moves (zone of indifference), above a high level it rises steeply (zone of affection). Tested on the sample company's survey waves pooled."),
    ("params", PARAMS_COMMON + '\ndata_dir: str = "../../data/sample"  # the sample company'),
    ("code", CHECK_COMMON + "\nfrom crm_research.models import loyalty_curve\nfrom crm_research.survey import load_survey\nfrom crm_research.replications import compare_published\nwaves = [load_survey(p, 'logistics_csl') for p in sorted(Path(data_dir).glob('survey_*.csv'))]\nscores = pd.concat([w.scores().loc[w.screen(min_duration=120).kept.index] for w in waves])\nlen(scores)"),
    ("code", "curve = loyalty_curve(scores, 'satisfaction', 'loyalty_conative')\ncurve.comparison"),
    ("code", "curve.zones"),
    ("md", "## Published shape vs reproduced"),
    ("code", "s1, s2, s3 = curve.slopes\nrows = [('slope in the defection zone exceeds the middle slope by', '> 0', s1 - s2), ('slope in the affection zone exceeds the middle slope by', '> 0', s3 - s2),\n        ('AIC gain of the segmented model over the linear', '> 0', curve.comparison.loc['linear', 'aic'] - curve.comparison.loc['segmented', 'aic']),\n        ('p of the segmented vs linear F test', '< 0.05', curve.f_test['p'])]\n" + SAVE.format(name="04_loyalty_zones")),
]

NOTEBOOKS["05_value_indicator_system"] = [
    ("md", "# Replication 5 · The customer value indicator system\n\nSource document `001_…`, example 3: current value (profit contribution, continuity of orders, the customer's business condition, credit — payment days and default) and potential value (cross-selling, growth, the industry's life-cycle stage, strategic fit), weighted by the entropy method and by AHP, then the current × potential value matrix."),
    ("params", PARAMS_COMMON + '\ndata_dir: str = "../../data/sample"  # the sample company'),
    ("code", CHECK_COMMON + "\nfrom crm_research import value\nfrom crm_research.replications import compare_published, value_indicators\nfrom crm_research.replications._value_system import AHP_CURRENT, COST_INDICATORS, CURRENT, POTENTIAL\nind = value_indicators(data_dir)\nz = value.normalise(ind, CURRENT + POTENTIAL, cost_columns=COST_INDICATORS)"),
    ("code", "w_entropy = value.entropy_weights(z[CURRENT])\nahp = value.ahp_weights(AHP_CURRENT, labels=CURRENT)\npd.DataFrame({'entropy': w_entropy, 'AHP': ahp.weights})"),
    ("code", "current = value.composite_value(z, ahp.weights)\npotential = value.composite_value(z, value.entropy_weights(z[POTENTIAL]))\nmatrix = value.value_matrix(current, potential)\nmatrix['quadrant'].value_counts()"),
    ("md", "## Checks vs the method's own rules"),
    ("code", "rows = [('AHP consistency ratio', '< 0.1', ahp.cr), ('entropy weights add up to', '1.000', w_entropy.sum()),\n        ('AHP weights add up to', '1.000', ahp.weights.sum()), ('customers in the key quadrant', '> 0', (matrix['quadrant'] == 'key').sum())]\n" + SAVE.format(name="05_value_indicator_system")),
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nbf.write(build(name, cells), OUT / f"{name}.ipynb")


if __name__ == "__main__":
    main()
