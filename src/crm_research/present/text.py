"""Words about results: verdicts, reasons and summaries in Chinese or English.

Results hold numbers and codes only; the sentences a reader sees are made here, so that one
result reads the same in a notebook, a report page, a Word file and the dashboard. Every function
takes a result (or its numbers) and ``lang``.
"""

from __future__ import annotations

import numpy as np

from .labels import check_lang

__all__ = ["period_summary_items", "drivers_summary", "value_summary", "period_name", "headline_value", "change_text", "change_verdict", "period_summary", "whale_verdict", "churn_reason", "pct", "reliability_verdict", "construct_summary_verdict",
           "funnel_text", "screening_reason"]


def pct(x: float, decimals: int = 0) -> str:
    """A fraction as a percentage: 0.903 → '90%' (``decimals`` after the point)."""
    return "—" if x is None or not np.isfinite(x) else f"{100 * x:.{decimals}f}%"


def period_name(period, lang: str = "zh") -> str:
    """'2026Q3' → '2026年第3季度' / '2026 Q3'; '2026-09' → '2026年9月' / 'September 2026'."""
    import calendar

    check_lang(lang)
    s = str(period)
    if "Q" in s:
        return f"{s[:4]}年第{s[-1]}季度" if lang == "zh" else f"{s[:4]} Q{s[-1]}"
    y, m = int(s[:4]), int(s[5:7])
    return f"{y}年{m}月" if lang == "zh" else f"{calendar.month_name[m]} {y}"


def _finite(v) -> bool:
    return v is not None and isinstance(v, (int, float, np.number)) and bool(np.isfinite(v))


def headline_value(v, kind: str, lang: str = "zh") -> str:
    """A headline figure as a reader sees it: pct '90.3%', index '69.6', hours '27.3 小时',
    money '1,401,177 元' / 'CNY 1,401,177', int '12'."""
    check_lang(lang)
    if isinstance(v, str):
        return v                 # already shown as text (a suppressed count: "< 5")
    if not _finite(v):
        return "—"
    from .table import format_value

    if kind == "hours":
        return f"{v:.1f} 小时" if lang == "zh" else f"{v:.1f} h"
    if kind == "money":
        return f"{format_value(v, 'money')} 元" if lang == "zh" else f"CNY {format_value(v, 'money')}"
    return format_value(v, kind)


def _delta(cur, other, kind: str, lang: str) -> str:
    d = cur - other
    sign = "+" if d >= 0 else "−"
    if kind == "pct":
        return f"{sign}{abs(100 * d):.1f} 个百分点" if lang == "zh" else f"{sign}{abs(100 * d):.1f} pp"
    if kind == "money":
        return f"{sign}{abs(d / other):.1%}" if other else "—"
    if kind == "int":
        return f"{sign}{abs(d):,.0f}"
    return f"{sign}{abs(d):.1f}"


def change_verdict(cur, other, p, good: str) -> str:
    """'better', 'worse' or 'same' for a change: by the direction that is good and, where a test
    exists, only when it is significant at 5 %."""
    if not (_finite(cur) and _finite(other)) or cur == other or good not in ("up", "down"):
        return "same"
    if _finite(p) and p >= 0.05:
        return "same"
    return "better" if (cur > other) == (good == "up") else "worse"


def change_text(cur, other, p, kind: str, good: str, lang: str = "zh") -> str:
    """'+2.1（p = 0.030，显著改善）' / '+2.1 (p = 0.030, a significant improvement)'; without a test
    only the change; '—' when there is nothing to compare with."""
    from .table import p_relation

    if not (_finite(cur) and _finite(other)):
        return "—"
    out = _delta(cur, other, kind, lang)
    if not _finite(p):
        return out
    verdict = change_verdict(cur, other, p, good)
    if verdict == "same" and p < 0.05:
        verdict = "changed"          # significant, but no direction is better
    pp = f"p {p_relation(p)}"
    words = {"zh": {"better": "显著改善", "worse": "显著变差", "same": "无显著变化", "changed": "显著变化"},
             "en": {"better": "a significant improvement", "worse": "significantly worse",
                    "same": "no significant change", "changed": "a significant change"}}[lang]
    return f"{out}（{pp}，{words[verdict]}）" if lang == "zh" else f"{out} ({pp}, {words[verdict]})"


def period_summary_items(h, lang: str = "zh") -> list[str]:
    """The management report's findings, one sentence per headline figure, from
    :func:`crm_research.periodic.headlines`: its value and its change against the previous period
    and a year before; the churn counts last."""
    from .labels import label

    check_lang(lang)
    parts = []
    for key, r in h.iterrows():
        if key in ("churn_at_risk", "churn_lost") or not _finite(r["current"]):
            continue
        name = label(key, lang, ns="headline")
        val = headline_value(r["current"], r["kind"], lang)
        ch = [(w, change_text(r["current"], r[k], r[f"p_{k}"], r["kind"], r["good"], lang))
              for k, w in (("previous", "较上期" if lang == "zh" else "vs the previous period"),
                           ("year_before", "较去年同期" if lang == "zh" else "vs a year before"))]
        ch = [f"{w} {t}" if lang == "zh" else f"{t} {w}" for w, t in ch if t != "—"]
        sep = "，" if lang == "zh" else ", "
        parts.append(f"{name} {val}" + (sep + sep.join(ch) if ch else ""))
    def count(key):
        v = h.loc[key, "current"] if key in h.index else 0
        return v if isinstance(v, str) else int(v)      # "< 5" when suppressed for outside readers

    risk, lost = count("churn_at_risk"), count("churn_lost")
    if lang == "zh":
        parts.append(f"{risk} 位客户有流失风险，另有 {lost} 位已流失（见流失预警）")
    else:
        parts.append(f"{risk} customer{'s' if risk != 1 else ''} at risk of churning and {lost} already lost "
                     f"(see the churn warnings)")
    return parts


def period_summary(h, lang: str = "zh") -> str:
    """:func:`period_summary_items` as one paragraph."""
    items = period_summary_items(h, lang)
    if lang == "zh":
        return "；".join(items[:-1]) + "。" + items[-1] + "。"
    return "; ".join(items[:-1]) + ". " + items[-1][0].upper() + items[-1][1:] + "."


def drivers_summary(index, ipma, names: dict, lang: str = "zh") -> str:
    """The satisfaction page in two sentences: the 0–100 indices and the drivers to improve first
    (high importance, below-average performance)."""
    check_lang(lang)
    sat = index.get("satisfaction", float("nan"))
    loy = index.get("loyalty_conative", float("nan"))
    first = [names.get(c, c) for c in ipma.index[ipma["priority"] == "improve first"]] if "priority" in ipma else []
    if lang == "zh":
        out = f"满意度指数 {sat:.1f}，意志忠诚指数 {loy:.1f}（0–100）。"
        return out + (f"优先改进：{_join(first, lang)}（重要性高于平均、绩效低于平均）。" if first else "没有需要优先改进的驱动因素。")
    out = f"Satisfaction index {sat:.1f}, conative loyalty index {loy:.1f} (0–100)."
    return out + (f" Improve first: {_join(first, lang)} (above-average importance, below-average performance)."
                  if first else " No driver needs to be improved first.")


def value_summary(snap, lang: str = "zh") -> str:
    """The customer-value page in two sentences: the class-A share of revenue, the whale curve,
    and the customers at risk and lost."""
    check_lang(lang)
    mix = snap.mix
    a_n = int(mix.loc["A", "customers"]) if "A" in mix.index else 0
    a_share = float(mix.loc["A", "amount_share"]) if "A" in mix.index else float("nan")
    state = snap.churn.customers["state"]
    risk, lost = int((state == "at_risk").sum()), int((state == "lost").sum())
    if lang == "zh":
        return (f"A 类客户 {a_n} 位，贡献收入的 {pct(a_share, 1)}。" + whale_verdict(snap.whale, lang)
                + f"{risk} 位客户有流失风险，{lost} 位已流失。")
    return (f"{a_n} class-A customers bring {pct(a_share, 1)} of revenue. " + whale_verdict(snap.whale, lang)
            + f" {risk} customer{'s' if risk != 1 else ''} at risk of churning, {lost} already lost.")


def whale_verdict(w, lang: str = "zh") -> str:
    """The whale curve in one paragraph, judged against the "20 % make 80 % of profit" rule
    (source document 004; Kaplan & Cooper 1998 for the whale curve)."""
    check_lang(lang)
    top, neg, lost, peak = w.top20_profit_share, w.unprofitable_share, w.profit_lost_share, w.peak_profit_share
    if lang == "zh":
        out = (f"前 20% 的客户创造了 {pct(top)} 的利润；{pct(neg)} 的客户不盈利，损失了 {pct(lost)} 的利润；"
               f"累计利润最高达到总利润的 {pct(peak)}。")
        return out + ("符合“二八”规律。" if w.follows_80_20 else "利润集中度低于“二八”规律。")
    out = (f"The top 20% of customers make {pct(top)} of profit; {pct(neg)} of customers are unprofitable and "
           f"lose {pct(lost)} of it; at its peak cumulative profit reaches {pct(peak)} of the total.")
    return out + (" This is the 80/20 pattern." if w.follows_80_20 else " Profit is less concentrated than the 80/20 rule.")


def churn_reason(row, lang: str = "zh") -> str:
    """Why a customer was flagged by :func:`crm_research.value.churn_warning`, from the row's
    ``slow``/``shrink`` flags and its gap and volume figures."""
    check_lang(lang)
    parts = []
    if row["slow"]:
        d, g, b = row["days_since_last"], row["gap_ratio"], row["baseline_gap"]
        parts.append(f"已 {d:.0f} 天未下单，是其平常间隔（{b:.0f} 天）的 {g:.1f} 倍" if lang == "zh"
                     else f"no order for {d:.0f} days, {g:.1f}× its usual gap of {b:.0f} days")
    if row["shrink"]:
        v = row["volume_ratio"]
        parts.append(f"近期业务量降至平常的 {pct(v)}" if lang == "zh" else f"recent volume down to {pct(v)} of its usual level")
    return ("；" if lang == "zh" else "; ").join(parts)


def _join(items, lang):
    items = list(items)
    return ("、" if lang == "zh" else ", ").join(items)


def reliability_verdict(res, lang: str = "zh") -> str:
    """α per construct against ``alpha_min`` (Nunnally, 1978: α ≥ 0.7)."""
    check_lang(lang)
    single = [str(c) for c in res.constructs.index[~res.constructs["applicable"]]]
    t = res.constructs[res.constructs["applicable"]]
    lo, hi = t["alpha"].min(), t["alpha"].max()
    fail = [str(c) for c in t.index[~t["alpha_pass"]]]
    if lang == "zh":
        out = (f"{len(t)} 个构念的 Cronbach α 系数在 {lo:.3f} 至 {hi:.3f} 之间。以 α ≥ {res.alpha_min:g} 为标准"
               f"（Nunnally, 1978），")
        out += "全部构念信度良好。" if not fail else f"{_join(fail, lang)} 未达到标准，需检查其题项。"
        return out + (f"{_join(single, lang)} 为单题项构念，不适用内部一致性信度。" if single else "")
    out = (f"Cronbach's α of the {len(t)} constructs ranges from {lo:.3f} to {hi:.3f}. Against α ≥ {res.alpha_min:g} "
           f"(Nunnally, 1978), ")
    out += "every construct is reliable." if not fail else f"{_join(fail, lang)} fall short; review their items."
    return out + (f" Internal consistency is not applicable to the single-item {_join(single, lang)}." if single else "")


_CONSTRUCT_SUMMARY = {
    "zh": ("组合信度 CR 在 {cr_lo:.3f} 至 {cr_hi:.3f} 之间，平均方差抽取量 AVE 在 {ave_lo:.3f} 至 {ave_hi:.3f} 之间。"
           "以 CR ≥ {cr:g}、AVE ≥ {ave:g} 为标准（Fornell & Larcker, 1981），{conv}以 HTMT < {htmt:g} 为标准"
           "（Henseler, Ringle & Sarstedt, 2015），{disc}",
           "各构念的收敛效度良好；", "{names} 的收敛效度不足；", "各构念之间具有区分效度。", "{names} 与其他构念区分不足。"),
    "en": ("Composite reliability ranges from {cr_lo:.3f} to {cr_hi:.3f} and AVE from {ave_lo:.3f} to {ave_hi:.3f}. "
           "Against CR ≥ {cr:g} and AVE ≥ {ave:g} (Fornell & Larcker, 1981), {conv}against HTMT < {htmt:g} "
           "(Henseler, Ringle & Sarstedt, 2015), {disc}",
           "convergent validity holds for every construct; ", "convergent validity is weak for {names}; ",
           "the constructs are distinct.", "{names} are not distinct enough."),
}


def construct_summary_verdict(res, lang: str = "zh") -> str:
    """CR, AVE (Fornell & Larcker, 1981) and HTMT (Henseler, Ringle & Sarstedt, 2015) per construct."""
    check_lang(lang)
    t, th = res.constructs, res.thresholds
    weak = sorted({str(c) for c in t.index[~(t["cr_ok"] & t["ave_ok"])]})
    close = [str(c) for c in t.index[~t["htmt_ok"]]]
    text, conv_ok, conv_bad, disc_ok, disc_bad = _CONSTRUCT_SUMMARY[lang]
    return text.format(cr_lo=t["cr"].min(), cr_hi=t["cr"].max(), ave_lo=t["ave"].min(), ave_hi=t["ave"].max(),
                       cr=th["cr"], ave=th["ave"], htmt=th["htmt"],
                       conv=conv_bad.format(names=_join(weak, lang)) if weak else conv_ok,
                       disc=disc_bad.format(names=_join(close, lang)) if close else disc_ok)


def funnel_text(s, lang: str = "zh") -> str:
    """The screening funnel as papers report it: '500 → 492 (98.4 %) → 481 (97.8 % of returned)'."""
    check_lang(lang)
    ret = f"{s.returned}"
    if s.issued:
        ret = f"{s.issued} → {s.returned} ({100 * s.returned / s.issued:.1f} %)"
    of = "of returned" if lang == "en" else "占回收"
    return f"{ret} → {s.valid} ({100 * s.valid / s.returned:.1f} % {of})"


def screening_reason(row, rules: dict, lang: str = "zh") -> str:
    """Why one response was dropped, from its rule flags (see ``Survey.screen``)."""
    check_lang(lang)
    zh = lang == "zh"
    parts = []
    if row["contradictory"]:
        for pair in str(row["contradicted"]).split():
            twin, rev = pair.split("/")
            a, b = row[twin], row[rev]
            parts.append(f"回答矛盾：{twin} = {a:g}，其反向题 {rev} = {b:g}" if zh
                         else f"contradictory: {twin} = {a:g} and its reverse-keyed twin {rev} = {b:g}")
    if row["too_fast"]:
        d, m = row["duration"], rules.get("min_duration")
        parts.append(f"答题用时 {d:g} 秒（< {m:g} 秒）" if zh else f"completed in {d:g} s (< {m:g} s)")
    if row["straight_lining"]:
        v, n = row["straight_value"], row["n_answered"]
        parts.append(f"直线作答：{n} 题全部回答 {v:g}" if zh else f"straight-lining: answered {v:g} to all {n} items")
    if row["missing"]:
        n, k, mx = row["n_missing"], rules.get("n_items"), rules.get("max_missing", 0)
        parts.append(f"缺答 {n}/{k} 题（> {100 * mx:.0f}%）" if zh else f"missing {n} of {k} answers (> {100 * mx:.0f}%)")
    return ("；" if zh else "; ").join(parts)


def kmo_verdict(k, lang: str = "zh") -> str:
    """KMO against Kaiser's (1974) labels; ≥ 0.6 is usually taken as adequate for factor analysis."""
    check_lang(lang)
    names = {"marvelous": "极好", "meritorious": "很好", "middling": "中等", "mediocre": "一般", "miserable": "较差",
             "unacceptable": "不可接受"}
    ok = k.overall >= 0.6
    if lang == "zh":
        return (f"KMO = {k.overall:.3f}，按 Kaiser（1974）的标准属于“{names[k.verdict]}”，"
                + ("适合进行因子分析。" if ok else "不适合进行因子分析。"))
    return (f"KMO = {k.overall:.3f}, '{k.verdict}' by Kaiser's (1974) labels: the items are "
            + ("suitable for factor analysis." if ok else "not suitable for factor analysis."))


#: fit criteria (Hu & Bentler, 1999, for CFI/TLI/RMSEA/SRMR; χ²/df < 3 after Kline, 2016)
FIT_CRITERIA = {"chi2_df": ("<", 3.0), "cfi": (">", 0.95), "tli": (">", 0.95), "rmsea": ("<", 0.06),
                "srmr": ("<", 0.08), "gfi": (">", 0.90), "agfi": (">", 0.90), "nfi": (">", 0.90), "ifi": (">", 0.90)}


def fit_table(fit: dict, lang: str = "zh"):
    """The fit indices a thesis prints, each with its criterion and whether it is met."""
    import pandas as pd

    from .labels import label
    from .table import Table

    fit = dict(fit)
    if "chi2_df" not in fit and fit.get("df"):
        fit["chi2_df"] = fit["chi2"] / fit["df"]
    order = ["chi2", "df", "p", "chi2_df", "cfi", "tli", "nfi", "ifi", "rmsea", "srmr", "gfi", "agfi"]
    rows = []
    for k in order:
        if k not in fit:
            continue
        op, cut = FIT_CRITERIA.get(k, (None, None))
        met = "" if op is None else label("pass" if (fit[k] < cut if op == "<" else fit[k] > cut) else "fail", lang)
        rows.append({"index": label(k, lang, ns="fit"), "value": fit[k],
                     "criterion": "" if op is None else f"{op} {cut:g}", "met": met})
    f = pd.DataFrame(rows).set_index("index")
    if "rmsea_ci_low" in fit:
        note = (label("thesis.rmsea_ci", lang).format(lo=f"{fit['rmsea_ci_low']:.3f}", hi=f"{fit['rmsea_ci_high']:.3f}")
                + ("" if lang == "zh" else " ") + label("fit_source", lang, ns="fit"))
    else:
        note = label("fit_source", lang, ns="fit")
    f["value"] = [format_fit(k, v) for k, v in zip([r for r in order if r in fit], f["value"])]
    keys = [r for r in order if r in fit]
    return Table.build(f, title=label("cfa_fit", lang, ns="report"), lang=lang, ns="fit", note=note,
                       kinds={"value": "text", "criterion": "text", "met": "text"}, stub=label("index", lang, ns="fit"),
                       row_kinds={i: FIT_KINDS.get(k, "coef") for i, k in zip(f.index, keys)})


#: kind of measure of each fit index: CFI, NFI, GFI and AGFI cannot exceed 1 (no leading zero in
#: APA); TLI, IFI and RMSEA can, so they keep it
FIT_KINDS = {"chi2": "stat", "df": "int", "p": "p", "chi2_df": "stat", "cfi": "r", "nfi": "r", "gfi": "r", "agfi": "r"}


def format_fit(key: str, v) -> str:
    from .table import format_value

    return format_value(v, FIT_KINDS.get(key, "coef"))


def fit_verdict(fit: dict, lang: str = "zh") -> str:
    """Model fit judged by Hu & Bentler's (1999) cut-offs: CFI and TLI ≥ 0.95, RMSEA ≤ 0.06, SRMR ≤ 0.08."""
    check_lang(lang)
    good = fit["cfi"] >= 0.95 and fit["tli"] >= 0.95 and fit["rmsea"] <= 0.06 and fit["srmr"] <= 0.08
    fair = fit["cfi"] >= 0.90 and fit["rmsea"] <= 0.08 and fit["srmr"] <= 0.10
    chi = f"χ²({fit['df']:.0f}) = {fit['chi2']:.2f}"
    vals = f"CFI = {fit['cfi']:.3f}，TLI = {fit['tli']:.3f}，RMSEA = {fit['rmsea']:.3f}，SRMR = {fit['srmr']:.3f}"
    if lang == "zh":
        verdict = "模型拟合良好" if good else "模型拟合可以接受" if fair else "模型拟合不佳，需修正模型"
        return f"{chi}，{vals}。按 Hu 与 Bentler（1999）的标准（CFI、TLI ≥ 0.95，RMSEA ≤ 0.06，SRMR ≤ 0.08），{verdict}。"
    verdict = "the model fits well" if good else "the fit is acceptable" if fair else "the model fits poorly and needs revision"
    return (f"{chi}, {vals.replace('，', ', ')}. By Hu and Bentler's (1999) cut-offs (CFI and TLI ≥ 0.95, RMSEA ≤ 0.06, "
            f"SRMR ≤ 0.08), {verdict}.")
