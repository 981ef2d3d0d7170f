"""The thesis tables and interpretations of the core survey results: correlations with M, SD and
√AVE, hierarchical regression with the models side by side, reliability and convergent validity,
mediation as PROCESS prints it, Harman's single-factor test and Bartlett's test.

Tables are :class:`~crm_research.present.table.Table` objects whose every header, row label and
note comes from the label catalogue (namespace ``thesis``); interpretations state the numbers of the
result and judge them against the usual criterion, naming its source. Nothing here computes a
statistic: every number is a field of the result.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .labels import check_lang, label
from .table import Table, format_p, format_value, p_relation, stars

__all__ = ["display_names", "sentence_gap", "screening_table", "screening_verdict", "ols_table", "ols_verdict", "moderation_table", "moderation_verdict", "process_table", "process_verdict", "kmo_table",
           "efa_table", "efa_verdict", "correlation_table", "hierarchical_table", "construct_summary_table", "mediation_table",
           "correlation_verdict", "hierarchical_verdict", "mediation_verdict", "harman_verdict", "bartlett_verdict"]


def _l(key: str, lang: str, **fmt) -> str:
    text = label(key, lang, ns="thesis")
    return text.format(**fmt) if fmt else text


def display_names(names, lang: str):
    """A function variable → display name: from a mapping, from an Instrument (construct labels,
    then item codes as they are), or the names as they are."""
    if names is None:
        return lambda v: str(v)
    if hasattr(names, "constructs") and hasattr(names, "construct_label"):
        return lambda v: names.construct_label(v, lang) if v in names.constructs else str(v)
    if isinstance(names, Mapping):
        return lambda v: str(names.get(v, v))
    raise TypeError(f"names must be a mapping variable → name or an Instrument, got {type(names).__name__}")


def _zh(name: str) -> str:
    """A name inside Chinese text: Latin names get a space on each side, Chinese ones none."""
    return name if any("\u4e00" <= ch <= "\u9fff" for ch in name) else f" {name} "


def _tidy(text: str) -> str:
    """Chinese text with Latin names: single spaces, none next to Chinese punctuation."""
    text = re.sub(r" {2,}", " ", text)
    return re.sub(r" ?([，。；、（）：]) ?", r"\1", text).strip()


def sentence_gap(lang: str) -> str:
    """What separates two sentences: nothing after a Chinese full stop, a space in English."""
    return "" if lang == "zh" else " "


def _num(v, kind: str) -> str:
    return format_value(v, kind)


def _sep(lang: str) -> str:
    return "，" if lang == "zh" else ", "


def _join(items, lang: str) -> str:
    items = list(items)
    if lang == "zh":
        return "、".join(items)
    return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1] if items else ""


# ---------------------------------------------------------------------------------------------
# exploratory factor analysis


def _pc(res) -> bool:
    return res.method == "principal"


def efa_table(res, lang: str = "zh", *, cut: float = 0.4, names=None) -> Table:
    check_lang(lang)
    name = display_names(names, lang)
    word = _l("component" if _pc(res) else "factor", lang)
    cols = [f"{word} {i + 1}" for i in range(res.n_factors)]
    load = res.loadings.to_numpy()
    rows = [[_num(v, "coef") if abs(v) >= cut else "" for v in r] + [_num(h, "coef")]
            for r, h in zip(load, res.communalities.to_numpy())]
    var = res.variance
    rows.append([_num(v, "coef") for v in var["ss_loadings"]] + [""])
    rows.append([f"{100 * v:.2f}" for v in var["proportion"]] + [""])
    rows.append([f"{100 * v:.2f}" for v in var["cumulative"]] + [""])
    index = [name(i) for i in res.loadings.index] + [_l(k, lang) for k in ("ss_loadings", "variance_pct", "cumulative_pct")]
    frame = pd.DataFrame(rows, index=index, columns=cols + [_l("communality", lang)])
    note = _l("efa_note", lang, method=_l(f"method.{res.method}", lang), rotation=_l(f"rotation.{res.rotation}", lang),
              cut=cut)
    row_kinds = {_l("ss_loadings", lang): "coef", _l("variance_pct", lang): "text", _l("cumulative_pct", lang): "text"}
    return Table(title=_l("efa_title_pc" if _pc(res) else "efa_title", lang), frame=frame, note=note,
                 kinds={c: "r" for c in frame.columns}, row_kinds=row_kinds, lang=lang, stub=_l("item", lang))


def efa_verdict(res, lang: str = "zh", *, cut: float = 0.4) -> str:
    """Factors kept and the cumulative variance they explain (60 % as the usual reference in the
    social sciences, Hair et al., 2010); items whose largest loading is below 0.5 (Hair et al.,
    2010) and items loading at least ``cut`` on more than one factor."""
    check_lang(lang)
    load = res.loadings.abs()
    top = load.max(axis=1)
    weak = [str(i) for i in load.index[top < 0.5]]
    cross = [str(i) for i in load.index[(load >= cut).sum(axis=1) > 1]]
    cum = 100 * float(res.variance["cumulative"].iloc[-1])
    unit = "成分" if _pc(res) else "因子"
    if lang == "zh":
        out = (f"提取 {res.n_factors} 个{unit}，累计解释 {cum:.2f}% 的方差，" + ("达到" if cum >= 60 else "低于")
               + f"社会科学研究常用的 60% 参照标准（Hair et al., 2010）。各题项在所属{unit}上的载荷在 "
               f"{_num(top.min(), 'coef')} 至 {_num(top.max(), 'coef')} 之间")
        out += (f"；{_join(weak, lang)} 的最大载荷低于 0.5（Hair et al., 2010），可考虑删除" if weak else
                "，均不低于 0.5（Hair et al., 2010）")
        out += (f"；{_join(cross, lang)} 在多个{unit}上的载荷不低于 {cut:g}，存在交叉载荷。" if cross else "；没有交叉载荷。")
        return _tidy(out)
    word = "component" if _pc(res) else "factor"
    out = (f"{res.n_factors} {word}s were extracted; together they explain {cum:.2f}% of the variance, "
           + ("meeting" if cum >= 60 else "below") + " the 60% usually asked for in the social sciences (Hair et al., 2010). "
           f"Each item's largest loading lies between {_num(top.min(), 'coef')} and {_num(top.max(), 'coef')}")
    out += (f"; the largest loading of {_join(weak, lang)} is below 0.5 (Hair et al., 2010), a reason to consider dropping "
            f"them" if weak else ", none below 0.5 (Hair et al., 2010)")
    out += (f"; {_join(cross, lang)} load at least {cut:g} on more than one {word} (cross-loadings)." if cross
            else "; there are no cross-loadings.")
    return out


# ---------------------------------------------------------------------------------------------
# correlations


def correlation_table(res, lang: str = "zh", *, names=None) -> Table:
    check_lang(lang)
    name = display_names(names, lang)
    cols = list(res.r.columns)
    cells = res.cells
    frame = pd.DataFrame({_l("mean", lang): res.mean[cols].to_numpy(), _l("sd", lang): res.sd[cols].to_numpy()},
                         index=[f"{i + 1}. {name(c)}" for i, c in enumerate(cols)])
    for j, c in enumerate(cols):
        frame[str(j + 1)] = cells[c].to_numpy()
    n = int(np.diag(res.n.to_numpy()).min())
    note = _l("corr_note_sqrt_ave" if res.sqrt_ave is not None else "corr_note", lang, n=n)
    kinds = {_l("mean", lang): "coef", _l("sd", lang): "coef", **{str(j + 1): "r" for j in range(len(cols))}}
    return Table(title=_l("correlation_title", lang), frame=frame, note=note, kinds=kinds, lang=lang,
                 stub=_l("variable", lang))


def correlation_verdict(res, lang: str = "zh", *, names=None) -> str:
    """Range of the correlations, how many are significant, and with √AVE the Fornell–Larcker
    criterion: each construct's √AVE above its correlations with the others (Fornell & Larcker, 1981)."""
    check_lang(lang)
    name = display_names(names, lang)
    cols = list(res.r.columns)
    lower = [(cols[i], cols[j]) for i in range(len(cols)) for j in range(i)]
    rs = np.array([res.r.loc[a, b] for a, b in lower])
    ps = np.array([res.p.loc[a, b] for a, b in lower])
    sig = int((ps < 0.05).sum())
    lo, hi = _num(rs.min(), "coef"), _num(rs.max(), "coef")
    if lang == "zh":
        out = f"{len(cols)} 个变量两两之间的相关系数在 {lo} 至 {hi} 之间，{len(rs)} 个相关系数中有 {sig} 个在 0.05 水平上显著。"
    else:
        out = (f"The correlations among the {len(cols)} variables range from {lo} to {hi}; {sig} of the {len(rs)} "
               f"are significant at the 0.05 level.")
    if res.sqrt_ave is None:
        return out
    judged = [c for c in cols if c in res.sqrt_ave.index]
    fails = []
    for c in judged:
        others = res.r.loc[c, [o for o in cols if o != c]].abs()
        if not (res.sqrt_ave[c] > others.max()):
            fails.append(c)
    s_lo, s_hi = _num(res.sqrt_ave[judged].min(), "coef"), _num(res.sqrt_ave[judged].max(), "coef")
    if lang == "zh":
        out += f"各构念 AVE 的平方根在 {s_lo} 至 {s_hi} 之间，"
        out += ("均大于该构念与其他构念的相关系数，满足 Fornell 与 Larcker（1981）的区分效度标准。" if not fails else
                f"{_zh(_join(map(name, fails), lang))}的 AVE 平方根未超过其与其他构念的相关系数，"
                f"未满足 Fornell 与 Larcker（1981）的区分效度标准。")
        return _tidy(out)
    else:
        out += f" The square roots of AVE range from {s_lo} to {s_hi}; "
        out += ("each exceeds the construct's correlations with the others, which meets Fornell and Larcker's (1981) "
                "criterion for discriminant validity." if not fails else
                f"for {_join(map(name, fails), lang)} it does not exceed the correlations with the other constructs, "
                f"so Fornell and Larcker's (1981) criterion for discriminant validity is not met.")
    return out


# ---------------------------------------------------------------------------------------------
# hierarchical regression


def hierarchical_table(res, lang: str = "zh", *, coef: str = "beta", names=None) -> Table:
    check_lang(lang)
    if coef not in ("beta", "b"):
        from .._core.errors import DataError

        raise DataError(f"HierarchicalResult.table: coef={coef!r} is not one of ['beta', 'b']")
    name = display_names(names, lang)
    co = res.coefficients
    terms = list(dict.fromkeys(co["term"]))
    if coef == "beta":
        terms = [t for t in terms if t != "(intercept)"]
    steps = list(res.steps["step"])
    row_names = [_l("intercept", lang) if t == "(intercept)" else name(t) for t in terms]
    summary = [("r2", "r2", "r", None), ("adj_r2", "adj_r2", "r", None), ("delta_r2", "delta_r2", "r", None),
               ("f", "f", "stat", "p"), ("f_change", "f_change", "stat", "p_change")]
    index = row_names + [_l(k, lang) for k, *_ in summary]
    frame = pd.DataFrame(index=index)
    kinds, groups = {}, []
    for s in steps:
        est_col = f"{_l('model', lang)} {s} {_l(coef, lang)}"
        t_col = f"{_l('model', lang)} {s} t"
        est, tv = [], []
        for t in terms:
            row = co[(co["step"] == s) & (co["term"] == t)]
            if row.empty:
                est.append(""), tv.append("")
                continue
            r = row.iloc[0]
            est.append(_num(r[coef], "coef") + stars(r["p"]))
            tv.append(_num(r["t"], "stat"))
        st = res.steps[res.steps["step"] == s].iloc[0]
        for _, field_, kind, pcol in summary:
            est.append(_num(st[field_], kind) + (stars(st[pcol]) if pcol else ""))
            tv.append("")
        frame[est_col] = est
        frame[t_col] = tv
        kinds |= {est_col: "r" if coef == "beta" else "coef", t_col: "stat"}
        groups.append((f"{_l('model', lang)} {s}", (est_col, t_col)))
    note = _l(f"hierarchical_note_{coef}", lang, n=res.n) + sentence_gap(lang) + _l("stars_note", lang)
    row_kinds = {_l(k, lang): kind for k, _, kind, _ in summary}
    return Table(title=_l("hierarchical_title", lang, y=name(res.y) if res.y else "—"), frame=frame, note=note,
                 kinds=kinds, row_kinds=row_kinds, groups=tuple(groups), lang=lang, stub="")


def hierarchical_verdict(res, lang: str = "zh", *, names=None) -> str:
    """R² of each model, the ΔR² of each step with its F test, and the predictors significant in
    the last model."""
    check_lang(lang)
    name = display_names(names, lang)
    parts = []
    co = res.coefficients
    for _, st in res.steps.iterrows():
        s = int(st["step"])
        fch = f"F({int(st['df1'])}, {int(st['df2'])}) = {_num(st['f_change'], 'stat')}, p {p_relation(st['p_change'])}"
        if lang == "zh":
            parts.append(f"模型 {s} 的 R² = {_num(st['r2'], 'coef')}，ΔR² = {_num(st['delta_r2'], 'coef')}（{fch}）")
        else:
            parts.append(f"model {s} has R² = {_num(st['r2'], 'coef')}, ΔR² = {_num(st['delta_r2'], 'coef')} ({fch})")
    last = int(res.steps["step"].max())
    fin = co[(co["step"] == last) & (co["term"] != "(intercept)")]
    sig = fin[fin["p"] < 0.05]
    preds = [f"{name(r['term'])}（β = {_num(r['beta'], 'coef')}, p {p_relation(r['p'])}）" if lang == "zh" else
             f"{name(r['term'])} (β = {_num(r['beta'], 'coef')}, p {p_relation(r['p'])})" for _, r in sig.iterrows()]
    if lang == "zh":
        out = "；".join(parts) + "。"
        out += (f"在模型 {last} 中，{_join(preds, lang)}对{_zh(name(res.y)) if res.y else '因变量'}的影响显著（p < 0.05）。"
                if preds else f"在模型 {last} 中没有预测变量在 0.05 水平上显著。")
        return _tidy(out)
    out = "; ".join(parts)
    out = out[0].upper() + out[1:] + ". "
    out += (f"In model {last}, {_join(preds, lang)} significantly predict {name(res.y) if res.y else 'the outcome'} "
            f"(p < 0.05)." if preds else f"In model {last}, no predictor is significant at the 0.05 level.")
    return out


# ---------------------------------------------------------------------------------------------
# reliability and convergent validity


def construct_summary_table(res, lang: str = "zh", *, names=None) -> Table:
    check_lang(lang)
    name = display_names(names, lang)
    c = res.constructs
    frame = pd.DataFrame({
        _l("items", lang): c["k"].astype(int).to_numpy(),
        _l("loading_range", lang): [f"{_num(a, 'coef')}–{_num(b, 'coef')}" for a, b in zip(c["min_loading"], c["max_loading"])],
        _l("alpha", lang): c["alpha"].to_numpy(), _l("cr", lang): c["cr"].to_numpy(), _l("ave", lang): c["ave"].to_numpy(),
        _l("sqrt_ave", lang): np.sqrt(c["ave"].to_numpy()), _l("max_htmt", lang): c["max_htmt"].to_numpy(),
    }, index=[name(i) for i in c.index])
    kinds = {_l("items", lang): "int", _l("loading_range", lang): "r", **{_l(k, lang): "r" for k in
                                                                              ("alpha", "cr", "ave", "sqrt_ave", "max_htmt")}}
    note = _l("construct_summary_note", lang, n=int(c["n"].iloc[0]), **res.thresholds)
    return Table(title=_l("construct_summary_title", lang), frame=frame, note=note, kinds=kinds, lang=lang,
                 stub=_l("construct", lang))


# ---------------------------------------------------------------------------------------------
# mediation


def _mediation_rows(res):
    """(kind, mediator, effect, se, t, p, low, high) per row: total, direct, then indirect."""
    p = res.paths
    rows = []
    for kind in ("total", "direct"):
        r = p[p["path"] == kind].iloc[0]
        rows.append((kind, None, r["estimate"], r["se"], r["t"], r["p"], r["ci_low"], r["ci_high"]))
    for med, e in res.effects.iterrows():
        rows.append(("indirect", med, e["indirect"], e["se_boot"], np.nan, np.nan, e["ci_low"], e["ci_high"]))
    return rows


def mediation_table(res, lang: str = "zh", *, names=None) -> Table:
    check_lang(lang)
    name = display_names(names, lang)
    x, y = name(res.x), name(res.y)
    index, data = [], []
    for kind, med, eff, se, t, p, lo, hi in _mediation_rows(res):
        if kind == "indirect":
            index.append(_l("total_indirect", lang) if med == "total" else
                         _l("indirect_effect", lang, x=x, m=name(med), y=y))
        else:
            index.append(_l(f"{kind}_effect", lang, x=x, y=y))
        data.append([eff, se, t, p, lo, hi, eff / res.total if res.total else np.nan])
    cols = [_l("effect", lang), _l("se", lang), "t", "p", _l("llci", lang), _l("ulci", lang), _l("share", lang)]
    frame = pd.DataFrame(data, index=index, columns=cols)
    kinds = dict(zip(cols, ["coef", "coef", "stat", "p", "coef", "coef", "pct"]))
    note = _l("mediation_note", lang, level=100 * res.level, n_boot=res.n_boot, n=res.n)
    groups = ((_l("ci_level", lang, level=100 * res.level), (_l("llci", lang), _l("ulci", lang))),)
    return Table(title=_l("mediation_title", lang), frame=frame, note=note, kinds=kinds, lang=lang,
                 stub=_l("effect_type", lang), groups=groups)


def mediation_verdict(res, lang: str = "zh", *, names=None) -> str:
    """Each indirect effect with its bootstrap interval, significant when the interval excludes 0
    (Hayes, 2022); with the direct effect, complementary or indirect-only mediation (Zhao, Lynch &
    Chen, 2010)."""
    check_lang(lang)
    name = display_names(names, lang)
    x, y = name(res.x), name(res.y)
    rows = _mediation_rows(res)
    direct = rows[1]
    d_sig = direct[5] < 0.05
    level = f"{100 * res.level:g}%"
    parts = []
    for kind, med, eff, se, t, p, lo, hi in rows[2:]:
        if med == "total" or not np.isfinite(lo):
            continue
        sig = lo > 0 or hi < 0
        ci = f"[{_num(lo, 'coef')}, {_num(hi, 'coef')}]"
        if lang == "zh":
            kind_text = ("且直接效应显著，为部分（互补型）中介" if d_sig else "而直接效应不显著，为完全（仅间接）中介") if sig else ""
            parts.append(f"{_zh(x)}通过{_zh(name(med))}影响{_zh(y)}的间接效应为 {_num(eff, 'coef')}，{level} Bootstrap 置信区间为 {ci}，"
                         + ("不包含 0，中介效应显著" + kind_text if sig else "包含 0，中介效应不显著"))
        else:
            kind_text = ((", and with a significant direct effect the mediation is complementary (partial)" if d_sig
                          else "; the direct effect is not significant, so the mediation is indirect-only (full)")
                         if sig else "")
            parts.append(f"the indirect effect of {x} on {y} through {name(med)} is {_num(eff, 'coef')} with a {level} "
                         f"bootstrap interval of {ci}, which " + ("excludes 0: the mediation is significant" + kind_text
                                                                  if sig else "includes 0: no significant mediation"))
    dtext = (f"直接效应为 {_num(direct[2], 'coef')}（p {p_relation(direct[5])}）" if lang == "zh" else
             f"the direct effect is {_num(direct[2], 'coef')} (p {p_relation(direct[5])})")
    if lang == "zh":
        return _tidy("；".join(parts) + "。" + dtext + "。判断依据：Bootstrap 置信区间不含 0 即间接效应显著（Hayes, 2022）；"
                "中介类型按 Zhao、Lynch 与 Chen（2010）划分。")
    text = "; ".join(parts) + "; " + dtext + "."
    return (text[0].upper() + text[1:] + " An indirect effect is significant when its bootstrap interval excludes 0 "
            "(Hayes, 2022); the type of mediation follows Zhao, Lynch and Chen (2010).")


# ---------------------------------------------------------------------------------------------
# common method bias and sphericity


def harman_verdict(res, lang: str = "zh") -> str:
    """Harman's single-factor test: common method bias is a concern when the first unrotated
    component takes 50 % or more of the variance (Podsakoff et al., 2003)."""
    check_lang(lang)
    share = f"{100 * res.first_factor_share:.2f}%"
    if lang == "zh":
        return (f"对全部 {res.n_items} 个题项做未旋转的主成分分析，第一个成分解释了 {share} 的方差，"
                + ("超过 50% 的临界值，存在较严重的共同方法偏差" if res.common_method_bias else "低于 50% 的临界值，不存在严重的共同方法偏差")
                + "（Podsakoff et al., 2003）。")
    return (f"In an unrotated principal component analysis of all {res.n_items} items the first component explains {share} of the variance, "
            + ("above the 50% threshold: common method bias is a serious concern" if res.common_method_bias
               else "below the 50% threshold: common method bias is not a serious concern")
            + " (Podsakoff et al., 2003).")


def bartlett_verdict(res, lang: str = "zh") -> str:
    """Bartlett's (1951) test of sphericity: significant means the correlation matrix is not an
    identity matrix and the items suit factor analysis."""
    check_lang(lang)
    chi = f"χ²({res.df}) = {_num(res.chi2, 'stat')}, p {p_relation(res.p)}"
    ok = res.p < 0.05
    if lang == "zh":
        return (f"Bartlett 球形检验 {chi}，" + ("达到显著水平，相关矩阵不是单位矩阵，适合进行因子分析" if ok else
                                          "未达到显著水平，不适合进行因子分析") + "（Bartlett, 1951）。")
    return (f"Bartlett's test of sphericity gives {chi}: " + ("the correlation matrix is not an identity matrix and the "
                                                               "items suit factor analysis" if ok else
                                                               "the items do not suit factor analysis") + " (Bartlett, 1951).")


# ---------------------------------------------------------------------------------------------
# OLS regression


def _term(t: str, lang: str, name) -> str:
    return _l("intercept", lang) if t == "(intercept)" else name(t)


def ols_table(res, lang: str = "zh", *, y: str = "", names=None) -> Table:
    check_lang(lang)
    name = display_names(names, lang)
    c = res.coefficients
    cols = [_l("b", lang), _l("se_plain", lang), _l("beta", lang), "t", "p", _l("vif", lang)]
    frame = pd.DataFrame(c[["b", "se", "beta", "t", "p", "vif"]].to_numpy(), columns=cols,
                         index=[_term(t, lang, name) for t in c.index])
    note = _l("ols_note", lang, r2=_num(res.r2, "coef"), adj=_num(res.adj_r2, "coef"), df1=res.df_model,
              df2=res.df_resid, f=_num(res.f, "stat"), p=p_relation(res.f_p), n=res.n)
    if res.weights:
        note += sentence_gap(lang) + _l("ols_note_wls", lang, w=name(res.weights))
    if res.robust:
        note += sentence_gap(lang) + _l("ols_note_robust", lang, type=res.robust)
    note += sentence_gap(lang) + _l("stars_note", lang)
    kinds = dict(zip(cols, ["coef", "coef", "coef", "stat", "p", "stat"]))
    return Table(title=_l("ols_title", lang, y=name(y) if y else "—"), frame=frame, note=note, kinds=kinds,
                 stars={_l("beta", lang): "p"}, lang=lang, stub=_l("term", lang))


def ols_verdict(res, lang: str = "zh", *, y: str = "", names=None) -> str:
    """R², the overall F test, the significant predictors, and VIF against 10 (Hair et al., 2010)."""
    check_lang(lang)
    name = display_names(names, lang)
    c = res.coefficients.drop(index="(intercept)")
    sig = c[c["p"] < 0.05]
    fit = f"R² = {_num(res.r2, 'coef')}, F({res.df_model}, {res.df_resid}) = {_num(res.f, 'stat')}, p {p_relation(res.f_p)}"
    preds = [f"{name(t)}（B = {_num(r['b'], 'coef')}, β = {_num(r['beta'], 'coef')}, p {p_relation(r['p'])}）" if lang == "zh"
             else f"{name(t)} (B = {_num(r['b'], 'coef')}, β = {_num(r['beta'], 'coef')}, p {p_relation(r['p'])})"
             for t, r in sig.iterrows()]
    vmax = float(c["vif"].max()) if len(c) else float("nan")
    target = name(y) if y else ("因变量" if lang == "zh" else "the outcome")
    if lang == "zh":
        out = f"回归模型 {fit}。"
        out += f"{_join(preds, lang)}对{_zh(target)}有显著影响（p < 0.05）。" if preds else "没有预测变量在 0.05 水平上显著。"
        out += (f"最大 VIF 为 {_num(vmax, 'stat')}，" + ("小于 10，不存在严重的多重共线性" if vmax < 10 else "超过 10，存在严重的多重共线性")
                + "（Hair et al., 2010）。")
        return _tidy(out)
    out = f"The model gives {fit}. "
    out += (f"{_join(preds, lang)} significantly predict {target} (p < 0.05). " if preds
            else "No predictor is significant at the 0.05 level. ")
    out += (f"The largest VIF is {_num(vmax, 'stat')}, " + ("below 10: no serious multicollinearity" if vmax < 10
                                                            else "above 10: serious multicollinearity")
            + " (Hair et al., 2010).")
    return out


# ---------------------------------------------------------------------------------------------
# moderation (PROCESS model 1)


_AT = {"-1 SD": "minus_sd", "mean": "at_mean", "+1 SD": "plus_sd"}


def moderation_table(res, lang: str = "zh", *, names=None) -> Table:
    check_lang(lang)
    name = display_names(names, lang)
    terms = list(res.coefficients.index)
    x, w = terms[1], terms[2]
    rows, index = [], []
    for t, r in res.coefficients.iterrows():
        index.append(f"{name(x)} × {name(w)}" if t == f"{x}×{w}" else _term(t, lang, name))
        rows.append([r["b"], r["se"], r["t"], r["p"], np.nan, np.nan])
    for at, r in res.simple_slopes.iterrows():
        index.append(_l("slope_at", lang, x=name(x), w=name(w), at=_l(_AT[at], lang)))
        rows.append([r["slope"], r["se"], r["t"], r["p"], r["ci_low"], r["ci_high"]])
    cols = [_l("coefficient", lang), _l("se_plain", lang), "t", "p", _l("llci_plain", lang), _l("ulci_plain", lang)]
    frame = pd.DataFrame(rows, index=index, columns=cols)
    note = _l("moderation_note", lang, dr2=_num(res.delta_r2_interaction, "coef"), n=res.n)
    if abs(res.level - 0.95) > 1e-12:
        note = note.replace("95%", f"{100 * res.level:g}%")
    kinds = dict(zip(cols, ["coef", "coef", "stat", "p", "coef", "coef"]))
    return Table(title=_l("moderation_title", lang), frame=frame, note=note, kinds=kinds, lang=lang,
                 stub=_l("term", lang))


def moderation_verdict(res, lang: str = "zh", *, names=None) -> str:
    """The interaction's coefficient and ΔR² (Hayes, 2022), the simple slopes at the mean of W ± 1
    SD (Aiken & West, 1991) and the Johnson–Neyman points where the slope of X turns significant."""
    check_lang(lang)
    name = display_names(names, lang)
    terms = list(res.coefficients.index)
    x, w = name(terms[1]), name(terms[2])
    inter = res.coefficients.iloc[3]
    sig = inter["p"] < 0.05
    slopes = res.simple_slopes
    lo, hi = slopes.loc["-1 SD"], slopes.loc["+1 SD"]
    jn = ("、" if lang == "zh" else ", ").join(_num(v, "coef") for v in res.johnson_neyman_in_range)
    outside = len(res.johnson_neyman) - len(res.johnson_neyman_in_range)
    span = f"{_num(res.w_range[0], 'coef')}, {_num(res.w_range[1], 'coef')}"
    if lang == "zh":
        out = (f"交互项 {x} × {w} 的系数为 {_num(inter['b'], 'coef')}（t = {_num(inter['t'], 'stat')}, p {p_relation(inter['p'])}），"
               f"使 R² 增加 {_num(res.delta_r2_interaction, 'coef')}，" + ("调节效应显著" if sig else "调节效应不显著")
               + "（Hayes, 2022）。")
        out += (f"{_zh(w)}较低（均值 − 1 SD）时，{_zh(x)}的简单斜率为 {_num(lo['slope'], 'coef')}（p {p_relation(lo['p'])}）；"
                f"{_zh(w)}较高（均值 + 1 SD）时为 {_num(hi['slope'], 'coef')}（p {p_relation(hi['p'])}）（Aiken & West, 1991）。")
        if jn:
            out += f"Johnson–Neyman 分界点（{_zh(w)}中心化后）为 {jn}。"
        if outside:
            out += f"另有 {outside} 个 Johnson–Neyman 分界点落在{_zh(w)}的观测范围 [{span}] 之外，属于外推，不予解释（Hayes, 2022）。"
        return _tidy(out)
    out = (f"The interaction {x} × {w} has a coefficient of {_num(inter['b'], 'coef')} (t = {_num(inter['t'], 'stat')}, "
           f"p {p_relation(inter['p'])}) and adds {_num(res.delta_r2_interaction, 'coef')} to R²: the moderation is "
           + ("significant" if sig else "not significant") + " (Hayes, 2022). ")
    out += (f"At a low {w} (M − 1 SD) the simple slope of {x} is {_num(lo['slope'], 'coef')} (p {p_relation(lo['p'])}); at a high "
            f"{w} (M + 1 SD) it is {_num(hi['slope'], 'coef')} (p {p_relation(hi['p'])}) (Aiken & West, 1991).")
    if jn:
        out += f" Johnson–Neyman points ({w} centred): {jn}."
    if outside:
        out += (f" {outside} further Johnson–Neyman point{'s' if outside > 1 else ''} lie{'' if outside > 1 else 's'} outside "
                f"the observed range of {w} [{span}] and {'are' if outside > 1 else 'is'} not interpreted (Hayes, 2022).")
    return out


# ---------------------------------------------------------------------------------------------
# conditional process analysis (PROCESS models 4, 6, 7, 8, 14, 58, 59)


def _path_label(path: str, res, lang: str, name) -> str:
    """'x → m1 → m2 → y' with display names, or the total indirect effect's label."""
    if path == "total indirect":
        return _l("total_indirect", lang)
    parts = path.split(" → ")
    return " → ".join(name(v) for v in parts)


def _w_text(v) -> str:
    """A probed value of W: '1' for a 0/1 moderator, else three decimals."""
    return f"{v:g}" if float(v).is_integer() else _num(v, "coef")


def _process_rows(res, lang: str, name):
    """(label, effect, se, t, p, low, high, standardised) per table row: direct (conditional),
    total, indirect (conditional), index of moderated mediation."""
    x, y, w = name(res.x), name(res.y), name(res.w) if res.w else ""
    rows = []
    for _, r in res.direct.iterrows():
        lab = (_l("direct_effect", lang, x=x, y=y) if np.isnan(r["w"]) else
               _l("cond_direct", lang, x=x, y=y, w=w, v=_w_text(r["w"])))
        rows.append((lab, r["effect"], r["se"], r["t"], r["p"], r["ci_low"], r["ci_high"], np.nan))
    for _, r in res.total.iterrows():
        rows.append((_l("total_effect", lang, x=x, y=y), r["effect"], r["se"], r["t"], r["p"], r["ci_low"], r["ci_high"], np.nan))
    for _, r in res.indirect.iterrows():
        path = _path_label(r["path"], res, lang, name)
        if np.isnan(r["w"]):
            mediators = " → ".join(name(v) for v in r["path"].split(" → ")[1:-1])
            lab = path if r["path"] == "total indirect" else _l("indirect_effect", lang, x=x, y=y, m=mediators)
        else:
            lab = _l("cond_indirect", lang, path=path, w=w, v=_w_text(r["w"]))
        rows.append((lab, r["effect"], r["boot_se"], np.nan, np.nan, r["ci_low"], r["ci_high"], r.get("std_effect", np.nan)))
    for _, r in res.index.iterrows():
        rows.append((_l("index_mm", lang, path=_path_label(r["path"], res, lang, name)), r["index"], r["boot_se"],
                     np.nan, np.nan, r["ci_low"], r["ci_high"], np.nan))
    return rows


def process_table(res, lang: str = "zh", *, names=None) -> Table:
    """Effect, SE/BootSE, t, p, LLCI/BootLLCI, ULCI/BootULCI per effect as PROCESS prints them;
    in models 4 and 6 a column of completely standardised indirect effects."""
    check_lang(lang)
    name = display_names(names, lang)
    rows = _process_rows(res, lang, name)
    cols = [_l("effect", lang), _l("se", lang), "t", "p", _l("llci", lang), _l("ulci", lang), _l("std_indirect", lang)]
    frame = pd.DataFrame([r[1:] for r in rows], index=[r[0] for r in rows], columns=cols)
    std = "std_effect" in res.indirect.columns
    if not std:
        frame = frame.drop(columns=cols[-1])
    kinds = dict(zip(cols, ["coef", "coef", "stat", "p", "coef", "coef", "coef"]))
    probe = _l(f"probe.{res.probe}", lang, w=name(res.w) if res.w else "")
    note = _l("process_note", lang, level=100 * res.level, n_boot=res.n_boot, probe=probe, n=res.n)
    if std:
        note += sentence_gap(lang) + _l("process_note_std", lang)
    return Table(title=_l("process_title", lang, model=res.model), frame=frame, note=note,
                 kinds={c: k for c, k in kinds.items() if c in frame.columns}, lang=lang, stub=_l("effect_type", lang))


def process_verdict(res, lang: str = "zh", *, names=None) -> str:
    """Each (conditional) indirect effect judged by whether its percentile bootstrap interval
    excludes 0, the index of moderated mediation likewise (Hayes, 2015), and the (conditional)
    direct effect by its p value (Hayes, 2022)."""
    check_lang(lang)
    name = display_names(names, lang)
    level = f"{100 * res.level:g}%"
    w = name(res.w) if res.w else ""
    parts = []

    def ci(lo, hi):
        return f"[{_num(lo, 'coef')}, {_num(hi, 'coef')}]"

    def _at(v):
        if np.isnan(v):
            return ""
        return f"当{_zh(w)}= {_w_text(v)} 时，" if lang == "zh" else f"at {w} = {_w_text(v)}, "

    for _, r in res.indirect.iterrows():
        if not np.isfinite(r["ci_low"]):
            continue
        sig = r["ci_low"] > 0 or r["ci_high"] < 0
        total = r["path"] == "total indirect"
        path = _path_label(r["path"], res, lang, name)
        at = _at(r["w"])
        if lang == "zh":
            what = "总间接效应" if total else f"{_zh(path)}的{'条件' if at else ''}间接效应"
            parts.append(f"{at}{what}为 {_num(r['effect'], 'coef')}，{level} Bootstrap 置信区间为 "
                         f"{ci(r['ci_low'], r['ci_high'])}，" + ("不包含 0，显著" if sig else "包含 0，不显著"))
        else:
            what = "the total indirect effect" if total else f"the {'conditional ' if at else ''}indirect effect {path}"
            parts.append(f"{at}{what} is {_num(r['effect'], 'coef')} with a "
                         f"{level} bootstrap interval of {ci(r['ci_low'], r['ci_high'])}, which "
                         + ("excludes 0 (significant)" if sig else "includes 0 (not significant)"))
    for _, r in res.index.iterrows():
        if not np.isfinite(r["ci_low"]):
            continue
        sig = r["ci_low"] > 0 or r["ci_high"] < 0
        path = _path_label(r["path"], res, lang, name)
        if lang == "zh":
            parts.append(f"{_zh(path)}的有调节的中介指数为 {_num(r['index'], 'coef')}，{level} Bootstrap 置信区间为 "
                         f"{ci(r['ci_low'], r['ci_high'])}，" + (f"不包含 0，{_zh(w)}对该中介效应的调节作用显著" if sig
                                                                 else f"包含 0，{_zh(w)}对该中介效应的调节作用不显著"))
        else:
            parts.append(f"the index of moderated mediation for {path} is {_num(r['index'], 'coef')} with a {level} "
                         f"bootstrap interval of {ci(r['ci_low'], r['ci_high'])}, which " +
                         (f"excludes 0: {w} moderates the indirect effect" if sig
                          else f"includes 0: no evidence that {w} moderates the indirect effect"))
    for _, r in res.direct.iterrows():
        at = _at(r["w"])
        if lang == "zh":
            parts.append(f"{at}直接效应为 {_num(r['effect'], 'coef')}（p {p_relation(r['p'])}）")
        else:
            parts.append(f"{at}the direct effect is {_num(r['effect'], 'coef')} (p {p_relation(r['p'])})")
    no_index = res.w is not None and res.index.empty
    if lang == "zh":
        out = "；".join(parts) + "。判断依据：Bootstrap 置信区间不含 0 即效应显著（Hayes, 2022）"
        out += ("；本模型中间接效应是调节变量的非线性函数，没有单一的有调节的中介指数，需比较各条件间接效应。" if no_index else
                "；有调节的中介指数见 Hayes（2015）。" if not res.index.empty else "。")
        return _tidy(out)
    text = "; ".join(parts) + "."
    text = text[0].upper() + text[1:] + " An effect is significant when its bootstrap interval excludes 0 (Hayes, 2022)"
    text += ("; in this model the indirect effect is not linear in the moderator, so there is no single index of "
             "moderated mediation and the conditional indirect effects are compared instead." if no_index else
             "; the index of moderated mediation follows Hayes (2015)." if not res.index.empty else ".")
    return text


# ---------------------------------------------------------------------------------------------
# KMO and Bartlett


def kmo_table(kmo, lang: str = "zh", *, bartlett=None) -> Table:
    check_lang(lang)
    rows = [(_l("kmo_row", lang), _num(kmo.overall, "coef"))]
    if bartlett is not None:
        rows += [(_l("bartlett_chi2", lang), _num(bartlett.chi2, "stat")), (_l("bartlett_df", lang), str(int(bartlett.df))),
                 (_l("bartlett_p", lang), format_p(bartlett.p))]
    frame = pd.DataFrame({_l("value", lang): [v for _, v in rows]}, index=[k for k, _ in rows])
    row_kinds = {_l("kmo_row", lang): "r", _l("bartlett_chi2", lang): "stat", _l("bartlett_df", lang): "int",
                 _l("bartlett_p", lang): "p"}
    return Table(title=_l("kmo_title", lang), frame=frame, note=_l("kmo_note", lang), kinds={_l("value", lang): "text"},
                 row_kinds=row_kinds, lang=lang, stub="")


# ---------------------------------------------------------------------------------------------
# screening


def screening_table(res, lang: str = "zh") -> Table:
    """Issued, returned, screened out by each rule, valid: counts and rates (of issued for
    returned, of returned for the rest)."""
    check_lang(lang)
    rows = []
    if res.issued:
        rows.append((_l("issued", lang), res.issued, np.nan))
        rows.append((_l("returned", lang), res.returned, res.returned / res.issued))
    else:
        rows.append((_l("returned", lang), res.returned, np.nan))
    for rule, n in res.reasons().items():
        rows.append((_l("dropped_by", lang, rule=label(rule, lang, ns="screening")), int(n), n / res.returned))
    rows.append((_l("valid", lang), res.valid, res.valid / res.returned))
    frame = pd.DataFrame({_l("questionnaires", lang): [r[1] for r in rows], _l("rate", lang): [r[2] for r in rows]},
                         index=[r[0] for r in rows])
    return Table(title=_l("screening_title", lang), frame=frame, note=_l("screening_note", lang),
                 kinds={_l("questionnaires", lang): "int", _l("rate", lang): "pct"}, lang=lang, stub=_l("stage", lang))


def screening_verdict(res, lang: str = "zh") -> str:
    """The funnel in words, with the count screened out by each rule that dropped any."""
    check_lang(lang)
    why = [(label(r, lang, ns="screening"), int(n)) for r, n in res.reasons().items() if n]
    dropped = res.returned - res.valid
    if lang == "zh":
        out = (f"共发放问卷 {res.issued} 份，回收 {res.returned} 份，回收率 {100 * res.returned / res.issued:.1f}%。" if res.issued
               else f"共回收问卷 {res.returned} 份。")
        out += f"剔除无效问卷 {dropped} 份"
        out += ("（" + "，".join(f"{w} {n} 份" for w, n in why) + "）") if why else ""
        return out + f"，得到有效问卷 {res.valid} 份，有效率 {100 * res.valid / res.returned:.1f}%。"
    out = (f"Of {res.issued} questionnaires issued, {res.returned} were returned ({100 * res.returned / res.issued:.1f}%). "
           if res.issued else f"{res.returned} questionnaires were returned. ")
    out += f"{dropped} were screened out"
    out += (" (" + "; ".join(f"{w.lower()}: {n}" for w, n in why) + ")") if why else ""
    return out + f", leaving {res.valid} valid questionnaires ({100 * res.valid / res.returned:.1f}% of those returned)."
