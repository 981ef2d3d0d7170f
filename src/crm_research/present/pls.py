"""Thesis tables and interpretation of a PLS path model, as SmartPLS users report it: the
measurement model (α, ρA, ρC, AVE), discriminant validity (HTMT), and the structural model (β with
its bootstrap t, p and interval, f², VIF, R²), then specific indirect effects. Every number is a
field of :class:`crm_research.models.PLSResult`; criteria and their sources are in the notes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .labels import check_lang
from .table import Table, format_value, p_relation
from .thesis import _join, _l, _tidy, _zh, display_names

__all__ = ["pls_table", "pls_verdict"]

#: criteria of the notes and the interpretation: Hair et al. (2019) for α, ρA, ρC and AVE;
#: Henseler, Ringle & Sarstedt (2015) for HTMT; Cohen (1988) for f²
RELIABILITY_MIN, AVE_MIN, HTMT_MAX = 0.70, 0.50, 0.85
F2_SIZES = ((0.35, "f2_large"), (0.15, "f2_medium"), (0.02, "f2_small"))


def pls_table(res, lang: str = "zh", *, kind: str = "paths", names=None) -> Table:
    """``kind``: "reliability" (α, ρA, ρC, AVE by construct), "htmt" (lower triangle), "paths"
    (β, bootstrap SE, t, p and interval when the model was bootstrapped, f², VIF; R² in the note) or
    "indirect" (specific indirect effects with bootstrap intervals)."""
    check_lang(lang)
    name = display_names(names, lang)
    if kind == "reliability":
        r = res.reliability
        frame = pd.DataFrame({_l(c, lang): r[c].to_numpy() for c in ("alpha", "rho_a", "rho_c", "ave")},
                             index=[name(c) for c in r.index])
        return Table(title=_l("pls_reliability_title", lang), frame=frame, lang=lang, stub=_l("construct", lang),
                     kinds={c: "r" for c in frame.columns},
                     note=_l("pls_reliability_note", lang, rel=RELIABILITY_MIN, ave=AVE_MIN, n=res.n_used) + _plsc(res, lang))
    if kind == "htmt":
        h = res.htmt
        cols = list(h.columns)
        frame = pd.DataFrame({str(j + 1): [format_value(h.iloc[i, j], "coef") if i > j else "" for i in range(len(cols))]
                              for j in range(len(cols) - 1)}, index=[f"{i + 1}. {name(c)}" for i, c in enumerate(cols)])
        return Table(title=_l("pls_htmt_title", lang), frame=frame, lang=lang, stub=_l("construct", lang),
                     kinds={c: "r" for c in frame.columns}, note=_l("pls_htmt_note", lang, cut=HTMT_MAX))
    if kind == "paths":
        p = res.paths.merge(res.f2, on=["from", "to"], how="left").merge(res.vif, on=["from", "to"], how="left")
        frame = pd.DataFrame({_l("beta", lang): p["estimate"].to_numpy()},
                             index=[f"{name(a)} → {name(b)}" for a, b in zip(p["from"], p["to"])])
        kinds, star = {_l("beta", lang): "r"}, {}
        if "se" in p.columns:
            frame[_l("se", lang)] = p["se"].to_numpy()
            frame["t"] = p["t"].to_numpy()
            frame["p"] = p["p"].to_numpy()
            frame[_l("ci", lang)] = [f"[{format_value(lo, 'coef')}, {format_value(hi, 'coef')}]"
                                     for lo, hi in zip(p["ci_low"], p["ci_high"])]
            kinds |= {_l("se", lang): "coef", "t": "stat", "p": "p", _l("ci", lang): "r"}
            star = {_l("beta", lang): "p"}
        frame["f²"] = p["f2"].to_numpy()
        frame["VIF"] = p["vif"].to_numpy()
        kinds |= {"f²": "coef", "VIF": "coef"}
        r2 = _join([f"{name(c)} {format_value(v, 'coef')}" for c, v in res.r2.items()], lang)
        key = "pls_paths_note_boot" if "se" in p.columns else "pls_paths_note"
        return Table(title=_l("pls_paths_title", lang), frame=frame, lang=lang, stub=_l("path", lang), kinds=kinds,
                     stars=star, note=_l(key, lang, r2=r2, n=res.n_used, boot=res.n_boot) + _plsc(res, lang))
    if kind == "indirect":
        if res.bootstrap is None:
            raise ValueError("pls_table: kind='indirect' needs a bootstrapped model (pls_path(..., n_boot=5000))")
        b = res.bootstrap[res.bootstrap["kind"] == "specific_indirect"]
        frame = pd.DataFrame({_l("effect", lang): b["estimate"].to_numpy(), _l("se", lang): b["se"].to_numpy(),
                              "t": b["t"].to_numpy(), "p": b["p"].to_numpy(),
                              _l("ci", lang): [f"[{format_value(lo, 'coef')}, {format_value(hi, 'coef')}]"
                                               for lo, hi in zip(b["ci_low"], b["ci_high"])]},
                             index=[" → ".join(name(v) for v in via.split(" → ")) for via in b["via"]])
        return Table(title=_l("pls_indirect_title", lang), frame=frame, lang=lang, stub=_l("path", lang),
                     kinds={_l("effect", lang): "coef", _l("se", lang): "coef", "t": "stat", "p": "p", _l("ci", lang): "text"},
                     stars={_l("effect", lang): "p"}, note=_l("pls_indirect_note", lang, boot=res.n_boot))
    raise ValueError(f"pls_table: kind={kind!r} is not one of 'reliability', 'htmt', 'paths', 'indirect'")


def pls_verdict(res, lang: str = "zh", *, names=None) -> str:
    """Reliability and convergent validity (Hair et al., 2019), discriminant validity (HTMT,
    Henseler et al., 2015), R², then the paths: significant ones by the bootstrap (when run) with
    their f² (Cohen, 1988)."""
    check_lang(lang)
    name = display_names(names, lang)
    rel = res.reliability
    weak = [name(c) for c in rel.index if min(rel.loc[c, "alpha"], rel.loc[c, "rho_c"]) < RELIABILITY_MIN]
    low_ave = [name(c) for c in rel.index if rel.loc[c, "ave"] < AVE_MIN]
    parts = [_l("pls_rel_ok" if not weak else "pls_rel_weak", lang, lo=format_value(rel["rho_c"].min(), "coef"),
                hi=format_value(rel["rho_c"].max(), "coef"), which=_join(weak, lang), cut=RELIABILITY_MIN)]
    parts.append(_l("pls_ave_ok" if not low_ave else "pls_ave_low", lang, which=_join(low_ave, lang), cut=AVE_MIN))
    h = res.htmt.where(np.tril(np.ones(res.htmt.shape, bool), -1))
    top = h.stack()
    over = [f"{name(b)}–{name(a)}" for (a, b), v in top.items() if v >= HTMT_MAX]
    parts.append(_l("pls_htmt_ok" if not over else "pls_htmt_over", lang, max=format_value(top.max(), "coef"),
                    which=_join(over, lang), cut=HTMT_MAX))
    parts.append(_l("pls_r2", lang, items=_join([f"{_zh(name(c))}{format_value(v, 'coef')}" if lang == "zh"
                                                  else f"{name(c)} {format_value(v, 'coef')}" for c, v in res.r2.items()], lang)))
    p = res.paths.merge(res.f2, on=["from", "to"], how="left")
    if "p" in p.columns:
        sig = p[p["p"] < 0.05]
        items = [f"{name(r['from'])} → {name(r['to'])}（β = {format_value(r['estimate'], 'coef')}，p {p_relation(r['p'])}，"
                 f"f² = {format_value(r['f2'], 'coef')}，{_l(_f2_size(r['f2']), lang)}）" if lang == "zh" else
                 f"{name(r['from'])} → {name(r['to'])} (β = {format_value(r['estimate'], 'coef')}, p {p_relation(r['p'])}, "
                 f"f² = {format_value(r['f2'], 'coef')}, {_l(_f2_size(r['f2']), lang)})" for _, r in sig.iterrows()]
        ns_ = [f"{name(r['from'])} → {name(r['to'])}" for _, r in p[~(p["p"] < 0.05)].iterrows()]
        parts.append(_l("pls_paths_sig", lang, items=_join(items, lang), boot=res.n_boot) if items else "")
        if ns_:
            parts.append(_l("pls_paths_ns", lang, items=_join(ns_, lang)))
    text = "".join(parts) if lang == "zh" else " ".join(x for x in parts if x)
    return _tidy(text) if lang == "zh" else text


def _plsc(res, lang) -> str:
    """The note's sentence on PLSc, for a consistent fit."""
    if not getattr(res, "consistent", False):
        return ""
    return ("" if lang == "zh" else " ") + _l("pls_plsc_note", lang)


def _f2_size(f2) -> str:
    for cut, key in F2_SIZES:
        if f2 >= cut:
            return key
    return "f2_none"
