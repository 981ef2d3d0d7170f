"""A path diagram as AMOS draws it: latent variables as ellipses, observed ones as rectangles,
single-headed arrows for loadings and paths, double-headed arcs for covariances, the completely
standardised coefficients on the arrows and R² beside the endogenous variables."""

from __future__ import annotations

from ..present.labels import check_lang, label

__all__ = ["path_diagram"]


def _layers(spec):
    """Column of each latent variable: exogenous ones left, each outcome right of its predictors.
    The first-order factors of a second-order factor are not in a column: they stand left of it."""
    sub = _sub_factors(spec)
    lv = [v for v in spec.latent if v not in sub]
    structural = [(a, b) for a, b in spec.paths]
    depth = {v: 0 for v in lv}
    for a, b in structural:
        depth.setdefault(a, 0)
        depth.setdefault(b, 0)
    for _ in range(len(depth) + 1):
        changed = False
        for a, b in structural:
            if depth[b] < depth[a] + 1:
                depth[b] = depth[a] + 1
                changed = True
        if not changed:
            break
    return depth


def _sub_factors(spec):
    """First-order factor → its second-order factor (those that take part in no structural path)."""
    in_paths = {v for ab in spec.paths for v in ab}
    return {it: f for f, items in spec.measurement.items() for it in items
            if it in spec.measurement and it not in in_paths}


def path_diagram(result, lang: str = "zh", *, ax=None, group=None, figsize=None, positions=None, names=None):
    """Draw ``result`` (a :class:`crm_research.sem.SEMResult`) and return the matplotlib Figure.

    Standardised coefficients (std.all) label the arrows, with significance stars; R² is printed
    beside each endogenous variable. ``group`` picks the group of a multi-group model (the
    first by default). Chinese labels use a CJK font (``use_cjk_font``). The layout is automatic
    (exogenous variables left, each outcome right of its predictors); ``positions`` maps latent or
    structural variable names to (x, y) to place them by hand (a layer is 3.4 units wide).
    ``names`` maps variable names to the labels drawn (e.g. construct → its name in ``lang``).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Ellipse, FancyArrowPatch, Rectangle

    from ..present.plots.fonts import use_cjk_font
    from ..present.table import stars

    check_lang(lang)
    shown = dict(names or {})
    spec = result.spec
    est = result.estimates
    if result.groups:
        g = result.groups[0] if group is None else group
        est = est[est["group"] == g]
    depth = _layers(spec)
    cols: dict[int, list] = {}
    for v, d in depth.items():
        cols.setdefault(d, []).append(v)
    # observed variables that are not indicators (observed predictors/outcomes) take part in paths
    indicators = {i for items in spec.measurement.values() for i in items}
    obs_struct = [v for v in spec.observed if v not in indicators]
    for v in obs_struct:
        d = depth.get(v, 0)
        cols.setdefault(d, [])
        if v not in cols[d]:
            cols[d].append(v)
    ncol = max(cols) + 1 if cols else 1
    sub = _sub_factors(spec)
    subs_of = {f: [v for v, g in sub.items() if g == f] for f in set(sub.values())}
    pos = {}
    for d, names_d in cols.items():
        y = 0.0
        for v in names_d:
            span = max(3.4, 2.6 * len(subs_of.get(v, ())))
            pos[v] = (3.4 * d, y - span / 2 + 1.7)
            # first-order factors of a second-order factor: a column left of it, centred on it
            for k, s_ in enumerate(subs_of.get(v, ())):
                pos[s_] = (3.4 * d - 3.4, pos[v][1] + ((len(subs_of[v]) - 1) / 2 - k) * 2.6)
            y -= span
    for v, xy in (positions or {}).items():
        if v in pos:
            pos[v] = tuple(xy)
    # indicators: a column of boxes left of the first layer, right of the last, else above
    item_pos = {}
    for f, items in spec.measurement.items():
        obs_items = [i for i in items if i not in spec.measurement]
        if not obs_items or f not in pos:
            continue
        x, y = pos[f]
        d = depth.get(f, -1)
        side = -1 if d <= 0 else (1 if d == ncol - 1 else 0)
        n = len(obs_items)
        for k, it in enumerate(obs_items):
            if side == 0:
                item_pos[it] = (x + (k - (n - 1) / 2) * 0.85, y + 2.1)
            else:
                item_pos[it] = (x + side * 2.1, y + ((n - 1) / 2 - k) * 0.75)
    allpos = {**pos, **item_pos}
    xs = [p[0] for p in allpos.values()] or [0]
    ys = [p[1] for p in allpos.values()] or [0]
    width = max(xs) - min(xs) + 3
    height = max(ys) - min(ys) + 3
    with plt.rc_context(use_cjk_font()):
        if ax is None:
            fig, ax = plt.subplots(figsize=figsize or (max(6, width * 1.1), max(4, height * 0.9)))
        else:
            fig = ax.figure
        ax.set_xlim(min(xs) - 1.5, max(xs) + 1.5)
        ax.set_ylim(min(ys) - 1.5, max(ys) + 1.5)
        ax.set_aspect("equal")
        ax.axis("off")
        for v, (x, y) in pos.items():
            if v in spec.measurement:
                ax.add_patch(Ellipse((x, y), 1.9, 0.95, fill=False, lw=1.2))
            else:
                ax.add_patch(Rectangle((x - 0.75, y - 0.3), 1.5, 0.6, fill=False, lw=1.0))
            ax.text(x, y, shown.get(v, v), ha="center", va="center", fontsize=9)
        for it, (x, y) in item_pos.items():
            ax.add_patch(Rectangle((x - 0.33, y - 0.22), 0.66, 0.44, fill=False, lw=0.8))
            ax.text(x, y, it, ha="center", va="center", fontsize=7)

        def arrow(a, b, text, style="-|>", rad=0.0, fs=7, frac=0.5):
            pa, pb = allpos[a], allpos[b]
            arr = FancyArrowPatch(pa, pb, arrowstyle=style, mutation_scale=9, lw=0.8,
                                  connectionstyle=f"arc3,rad={rad}", shrinkA=16, shrinkB=16)
            ax.add_patch(arr)
            mx, my = pa[0] + frac * (pb[0] - pa[0]), pa[1] + frac * (pb[1] - pa[1])
            if rad:
                dx, dy = pb[0] - pa[0], pb[1] - pa[1]
                mx, my = mx + rad * dy * 0.5, my - rad * dx * 0.5
            ax.text(mx, my, text, fontsize=fs, ha="center", va="center",
                    bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.85))

        for r in est.itertuples():
            coef = f"{r.std_all:.2f}".replace("-", "−") + stars(r.p)
            if r.op == "=~" and r.lhs in allpos and r.rhs in allpos:
                arrow(r.lhs, r.rhs, coef, frac=0.68 if r.rhs in item_pos else 0.5)
            elif r.op == "~" and r.lhs in allpos and r.rhs in allpos:
                pa, pb = allpos[r.rhs], allpos[r.lhs]
                # a path that would cross a variable in between is drawn as an arc
                skip = abs(pb[0] - pa[0]) > 3.5 and abs(pb[1] - pa[1]) < 1e-9
                arrow(r.rhs, r.lhs, coef, fs=8, rad=0.3 if skip else 0.0)
            elif r.op == "~~" and r.lhs != r.rhs and r.lhs in pos and r.rhs in pos:
                arrow(r.lhs, r.rhs, coef, style="<|-|>", rad=0.35)
        r2 = result.r2
        if isinstance(r2.index, __import__("pandas").MultiIndex):
            g = result.groups[0] if group is None else group
            r2 = r2.xs(g, level=0)
        for v, val in r2.items():
            if v in pos:
                x, y = pos[v]
                ax.text(x + 1.0, y - 0.35, f"R² = {val:.2f}", fontsize=7, ha="left", va="top")
        ax.set_title(label("diagram_title", lang, ns="sem"), fontsize=11)
    return fig
