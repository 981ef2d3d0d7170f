"""Thesis tables and interpretations of SEM results (words from the catalogue, ns="sem")."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..present.labels import check_lang, label
from ..present.table import Table, p_relation
from ..present.text import FIT_KINDS

NS = "sem"

#: fit criteria shown in the fit table: measure → (direction, good, acceptable); Hu & Bentler (1999)
#: for CFI/TLI/RMSEA/SRMR, the values Chinese theses commonly cite for the others
CRITERIA = {
    "chi2": None, "df": None,
    "chi2_df": ("<=", 3.0, 5.0),
    "cfi": (">=", 0.95, 0.90), "tli": (">=", 0.95, 0.90), "nfi": (">=", 0.90, 0.80),
    "ifi": (">=", 0.90, 0.80), "rmsea": ("<=", 0.06, 0.08), "srmr": ("<=", 0.08, 0.10),
    "rmr": ("<=", 0.05, 0.08), "gfi": (">=", 0.90, 0.80), "agfi": (">=", 0.80, 0.80),
    "aic": None, "bic": None,
}
HU_BENTLER = {"cfi": 0.95, "tli": 0.95, "rmsea": 0.06, "srmr": 0.08}


def _l(key, lang):
    return label(key, lang, ns=NS)


def _f(v, d=3):
    return "" if v is None or not np.isfinite(v) else f"{v:.{d}f}".replace("-", "−")


def _kind(op, lhs, rhs):
    return {"=~": "loading", "~": "regression", "~1": "intercept", ":=": "defined"}.get(
        op, "variance" if lhs == rhs else "covariance")


def _path(row, names=None):
    n = (names or {}).get
    lhs, rhs = n(row.lhs, row.lhs), n(row.rhs, row.rhs)
    if row.op == "=~":
        return f"{lhs} → {rhs}"
    if row.op == "~":
        return f"{rhs} → {lhs}"
    if row.op == "~~":
        return lhs if row.lhs == row.rhs else f"{lhs} ↔ {rhs}"
    if row.op == "~1":
        return lhs
    return lhs if row.lhs in (names or {}) else f"{row.lhs} = {row.rhs}"


def estimates_table(res, lang: str = "zh", names=None) -> Table:
    """Free parameters (and defined ones) as AMOS prints them: path, estimate, S.E., C.R., P and
    the standardised estimate; bootstrap CIs when the model was bootstrapped. ``names`` maps
    variable names to the labels shown."""
    check_lang(lang)
    e = res.estimates
    keep = (e["se"] > 0) | (e["op"] == ":=")
    e = e[keep]
    frame = pd.DataFrame({
        "path": [_path(r, names) for r in e.itertuples()],
        "kind": [_l(_kind(r.op, r.lhs, r.rhs), lang) for r in e.itertuples()],
    })
    if res.groups:
        frame["group"] = [str(g) if g != 0 else "" for g in e["group"]]
    for c in ("est", "se", "z", "p", "std_all"):
        frame[c] = e[c].to_numpy()
    kinds = {"path": "text", "kind": "text", "group": "text", "est": "coef", "se": "coef", "z": "stat",
             "p": "p", "std_all": "r"}
    if "bc_low" in e.columns:
        for c in ("bc_low", "bc_high"):
            frame[c] = e[c].to_numpy()
            kinds[c] = "coef"
    note = _l("estimates_note", lang).format(n=res.n)
    return Table.build(frame, title=_l("estimates_title", lang), lang=lang, kinds=kinds, ns=NS, index=False,
                       stars={"std_all": "p"}, note=note)


def _verdict(key, v):
    crit = CRITERIA.get(key)
    if crit is None or not np.isfinite(v):
        return "reference_only"
    op, good, ok = crit
    if op == ">=":
        return "good" if v >= good else "acceptable" if v >= ok else "poor"
    return "good" if v <= good else "acceptable" if v <= ok else "poor"


def fit_table(res, lang: str = "zh") -> Table:
    """The fit indices with their criteria and a verdict for each (Hu & Bentler 1999)."""
    check_lang(lang)
    f = res.fit
    rows = []
    for key in CRITERIA:
        v = f[key]
        if key == "df":
            text = f"{int(v)}"
        elif key in ("chi2", "aic", "bic"):
            text = _f(v, 2)
        else:
            text = _f(v, 3)
        if key == "rmsea":
            text += f" [{_f(f['rmsea_ci_low'])}, {_f(f['rmsea_ci_high'])}]"
        crit = CRITERIA[key]
        ctext = "" if crit is None else (f"{'≥' if crit[0] == '>=' else '≤'} {crit[1]:g}"
                                          + (f" ({_l('acceptable', lang)} {'≥' if crit[0] == '>=' else '≤'} {crit[2]:g})"
                                             if crit[2] != crit[1] else ""))
        rows.append({"measure": _l(key, lang), "value": text, "criterion": ctext,
                     "verdict": _l(_verdict(key, v), lang) if crit else ""})
    frame = pd.DataFrame(rows)
    return Table.build(frame, title=_l("fit_title", lang), lang=lang, ns=NS, index=False,
                       kinds={c: "text" for c in frame.columns}, note=_l("fit_note", lang).format(n=res.n),
                       row_kinds={i: FIT_KINDS.get(k, "text") for i, k in enumerate(CRITERIA)})


def interpret(res, lang: str = "zh", names=None) -> str:
    """Fit judged against Hu & Bentler (1999), then the structural paths and defined effects."""
    check_lang(lang)
    n = (names or {}).get
    f = res.fit
    failed = [k for k, cut in HU_BENTLER.items()
              if not (f[k] >= cut if k in ("cfi", "tli") else f[k] <= cut)]
    if not failed:
        verdict = _l("fit_all_met", lang)
    elif len(failed) == len(HU_BENTLER):
        verdict = _l("fit_none_met", lang)
    else:
        sep = "、" if lang == "zh" else ", "
        verdict = _l("fit_some_met", lang).format(failed=sep.join(k.upper() for k in failed))
    text = _l("interpret_fit", lang).format(chi2_df=_f(f["chi2_df"], 2), cfi=_f(f["cfi"]), tli=_f(f["tli"]),
                                            rmsea=_f(f["rmsea"]), lo=_f(f["rmsea_ci_low"]),
                                            hi=_f(f["rmsea_ci_high"]), srmr=_f(f["srmr"]), verdict=verdict)
    e = res.estimates
    reg = e[(e.op == "~") & (e.se > 0)]
    if len(reg):
        sep = "，" if lang == "zh" else ", "

        def item(r):
            grp = f" [{r.group}]" if res.groups else ""
            a, b = n(r.rhs, r.rhs), n(r.lhs, r.lhs)
            return (f"{a} → {b}{grp}（β = {_f(r.std_all)}）" if lang == "zh"
                    else f"{a} → {b}{grp} (β = {_f(r.std_all)})")

        sig = [item(r) for r in reg.itertuples() if r.p < 0.05]
        ns_ = [item(r) for r in reg.itertuples() if not r.p < 0.05]
        part = ""
        if sig:
            part = _l("interpret_paths", lang).format(sig=sep.join(sig))
        if ns_:
            part += _l("interpret_nonsig", lang).format(ns=sep.join(ns_)) if sig else \
                _l("interpret_nonsig", lang).format(ns=sep.join(ns_)).lstrip("；; ")
        text += " " + part if lang == "en" else part
        defined = e[e.op == ":="]
        if len(defined):
            sep = "，" if lang == "zh" else "; "
            items = sep.join(f"{n(r.lhs, r.lhs)} = {_f(r.est)} (SE = {_f(r.se)}, p {p_relation(r.p)})" for r in defined.itertuples())
            boot = _l("interpret_boot", lang).format(n=res.n_boot) if res.n_boot else ""
            text += _l("interpret_defined", lang).format(items=items, boot=boot)
        text += "。" if lang == "zh" else "."
    return text


def invariance_table(inv, lang: str = "zh") -> Table:
    check_lang(lang)
    t = pd.DataFrame(inv.table).copy()
    t["holds"] = [_l("yes" if h else "no", lang) for h in t["holds"]]
    t.index = pd.Index(list(t.index), name="level")
    kinds = {"chi2": "stat", "df": "int", "cfi": "coef", "tli": "coef", "rmsea": "coef", "srmr": "coef",
             "d_chi2": "stat", "d_df": "int", "p_d_chi2": "p", "d_cfi": "coef", "d_rmsea": "coef", "holds": "text"}
    return Table.build(t, title=_l("invariance_title", lang), lang=lang, kinds=kinds, ns=NS,
                       note=_l("invariance_note", lang))


def interpret_invariance(inv, lang: str = "zh") -> str:
    check_lang(lang)
    t = pd.DataFrame(inv.table)
    levels = list(t.index)
    failed = [lv for lv in levels[1:] if not bool(t.loc[lv, "holds"])]
    if not failed:
        held = _l("invariance_all", lang)
    else:
        first = failed[0]
        before = levels[levels.index(first) - 1]
        held = _l("invariance_upto", lang).format(level=_l(before, lang)) + _l("invariance_fails_at", lang).format(
            level=_l(first, lang), d_cfi=_f(t.loc[first, "d_cfi"]), d_rmsea=_f(t.loc[first, "d_rmsea"]))
    return _l("interpret_invariance", lang).format(group=inv.group, held=held)
