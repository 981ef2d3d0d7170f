"""Figures of the periodic management report: trends over periods, the ABC mix and migration,
churn risk and receivables ageing, and a label placer that keeps point labels from overlapping.
Presentation only: every number comes from a result computed elsewhere."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..labels import label
from ..text import period_name
from .fonts import use_cjk_font

__all__ = ["place_labels", "trend_chart", "kpi_trend_chart", "abc_chart", "migration_chart", "churn_chart",
           "ageing_chart"]

BLUE, ORANGE, GREY, RED, GREEN = "#1f4e79", "#d9822b", "#9aa5b1", "#c0392b", "#2e7d32"


def _t(key: str, lang: str) -> str:
    return label(key, lang, ns="chart")


def place_labels(ax, xs, ys, texts, *, fontsize: int = 9) -> list:
    """Label the points (xs, ys) so that no two labels overlap each other or cover a point.

    Each label tries, in a fixed order, positions around its point at growing distances and takes
    the first free one inside the axes (in display coordinates); a label that had to move away
    from its point gets a thin leader line. Deterministic: the same points give the same picture."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    scale = fig.dpi / 72                                             # display pixels per point
    pts = ax.transData.transform(np.column_stack([xs, ys]))
    taken = [(x - 5, y - 5, x + 5, y + 5) for x, y in pts]          # the markers themselves
    frame = ax.get_window_extent(renderer)
    placed = []
    for i in np.argsort(-pts[:, 1], kind="stable"):                  # top to bottom
        probe = ax.text(0, 0, texts[i], fontsize=fontsize)
        bb = probe.get_window_extent(renderer)
        probe.remove()
        w, h = bb.width, bb.height
        choice = None
        for radius in (5, 10, 18, 28, 40, 55, 72):
            for dx, dy in ((1, 0), (1, 1), (1, -1), (-1, 0), (-1, 1), (-1, -1), (0, 1), (0, -1)):
                x0 = pts[i][0] + (dx * radius * scale if dx > 0 else -w - radius * scale if dx < 0 else -w / 2)
                y0 = pts[i][1] + (dy * radius * scale if dy > 0 else -h - radius * scale if dy < 0 else -h / 2)
                box = (x0, y0, x0 + w, y0 + h)
                inside = frame.x0 <= box[0] and box[2] <= frame.x1 and frame.y0 <= box[1] and box[3] <= frame.y1
                if inside and not any(_overlap(box, o) for o in taken):
                    choice = (box, radius)
                    break
            if choice:
                break
        if choice is None:                                            # crowded: right of the point
            choice = ((pts[i][0] + 5 * scale, pts[i][1], pts[i][0] + 5 * scale + w, pts[i][1] + h), 5)
        box, radius = choice
        offset = ((box[0] - pts[i][0]) / scale, (box[1] - pts[i][1]) / scale)
        arrow = {"arrowstyle": "-", "color": GREY, "lw": 0.6, "shrinkA": 0, "shrinkB": 4} if radius > 10 else None
        placed.append(ax.annotate(texts[i], (xs[i], ys[i]), xytext=offset, textcoords="offset points",
                                  fontsize=fontsize, ha="left", va="bottom", arrowprops=arrow))
        taken.append(box)
    return placed


def _overlap(a, b) -> bool:
    return not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])


def _period_axis(ax, periods, lang):
    ax.set_xticks(range(len(periods)))
    ax.set_xticklabels([period_name(p, lang) for p in periods], rotation=30 if len(periods) > 4 else 0,
                       ha="right" if len(periods) > 4 else "center", fontsize=8)


def trend_chart(frame: pd.DataFrame, *, lang: str = "zh", names: dict | None = None, title: str = "",
                ylabel: str = ""):
    """Lines over periods: ``frame`` has one row per period (index) and one column per series."""
    import matplotlib
    import matplotlib.ticker

    names = names or {}
    with matplotlib.rc_context(use_cjk_font()):
        fig, ax = plt.subplots(figsize=(6.5, 3.6))
        x = np.arange(len(frame))
        for col, colour in zip(frame.columns, (BLUE, ORANGE, GREEN, GREY)):
            y = frame[col].to_numpy(dtype=float)
            ax.plot(x, y, marker="o", color=colour, lw=2, label=names.get(col, col))
            if np.isfinite(y[-1]):
                ax.annotate(f"{y[-1]:.1f}", (x[-1], y[-1]), xytext=(6, 0), textcoords="offset points",
                            va="center", fontsize=9, color=colour)
        _period_axis(ax, list(frame.index), lang)
        ax.set_ylabel(ylabel)
        ax.grid(axis="y", color="#e4e7eb")
        ax.spines[["top", "right"]].set_visible(False)
        if len(frame.columns) > 1:
            ax.legend(frameon=False, fontsize=9)
        ax.set_title(title, loc="left", fontsize=11)
        fig.tight_layout()
    return fig


def kpi_trend_chart(trend: pd.DataFrame, *, lang: str = "zh", good: dict | None = None):
    """Small multiples of the service KPIs over periods (rates in %), the good direction in each title."""
    import matplotlib
    import matplotlib.ticker

    good = good or {}
    cols = list(trend.columns)
    with matplotlib.rc_context(use_cjk_font()):
        fig, axes = plt.subplots(2, (len(cols) + 1) // 2, figsize=(9, 5.2), squeeze=False)
        for ax, col in zip(axes.flat, cols):
            y = trend[col].to_numpy(dtype=float) * (100 if col.endswith("_rate") else 1)
            ax.plot(np.arange(len(y)), y, marker="o", color=BLUE, lw=1.8)
            _period_axis(ax, list(trend.index), lang)
            arrow = {"up": " ↑", "down": " ↓"}.get(good.get(col, ""), "")
            ax.set_title(label(col, lang, ns="report") + (" (%)" if col.endswith("_rate") else "") + arrow,
                         fontsize=10, loc="left")
            ax.grid(axis="y", color="#e4e7eb")
            ax.spines[["top", "right"]].set_visible(False)
        for ax in list(axes.flat)[len(cols):]:
            ax.set_visible(False)
        fig.suptitle(_t("kpi_trend", lang), x=0.01, ha="left", fontsize=11)
        fig.tight_layout()
    return fig


def abc_chart(mix: pd.DataFrame, *, lang: str = "zh"):
    """Share of customers against share of revenue by ABC class."""
    import matplotlib
    import matplotlib.ticker

    with matplotlib.rc_context(use_cjk_font()):
        fig, ax = plt.subplots(figsize=(6.5, 3.4))
        x = np.arange(len(mix))
        for off, col, colour in ((-0.2, "customer_share", GREY), (0.2, "amount_share", BLUE)):
            bars = ax.bar(x + off, mix[col] * 100, width=0.4, color=colour, label=label(col, lang, ns="report"))
            ax.bar_label(bars, labels=[f"{v:.0f}%" for v in mix[col] * 100], fontsize=8, padding=2)
        ax.set_xticks(x)
        ax.set_xticklabels([label(str(c), lang, ns="report") for c in mix.index])
        ax.set_ylabel("%")
        ax.legend(frameon=False, fontsize=9)
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_title(_t("abc_mix", lang), loc="left", fontsize=11)
        fig.tight_layout()
    return fig


def migration_chart(matrix: pd.DataFrame, *, lang: str = "zh", suppress_below: int = 0):
    """The ABC migration matrix (class before → class now) as a heat map with the counts; counts
    from 1 to ``suppress_below`` − 1 are written "< k" (reports shared outside the firm)."""
    import matplotlib
    import matplotlib.ticker

    m = matrix.astype(float)
    with matplotlib.rc_context(use_cjk_font()):
        fig, ax = plt.subplots(figsize=(5.2, 3.8))
        ax.imshow(m.to_numpy(), cmap="Blues")
        top = np.nanmax(m.to_numpy()) if m.size else 0
        for (i, j), v in np.ndenumerate(m.to_numpy()):
            shown = f"< {suppress_below}" if 0 < v < suppress_below else f"{v:.0f}"
            ax.text(j, i, shown, ha="center", va="center", fontsize=9, color="white" if v > top / 2 else "black")
        ax.set_xticks(range(m.shape[1]))
        ax.set_xticklabels([label(str(c), lang, ns="report") for c in m.columns])
        ax.set_yticks(range(m.shape[0]))
        ax.set_yticklabels([label(str(c), lang, ns="report") for c in m.index])
        ax.set_xlabel(label("abc_after", lang, ns="report"))
        ax.set_ylabel(label("abc_before", lang, ns="report"))
        ax.set_title(_t("abc_migration", lang), loc="left", fontsize=11)
        fig.tight_layout()
    return fig


def churn_chart(customers: pd.DataFrame, *, lang: str = "zh"):
    """Customers and yearly value at risk by churn state (at risk, lost)."""
    import matplotlib
    import matplotlib.ticker

    states = ["at_risk", "lost"]
    n = [int((customers["state"] == s).sum()) for s in states]
    v = [float(customers.loc[customers["state"] == s, "value_at_risk"].sum()) for s in states]
    with matplotlib.rc_context(use_cjk_font()):
        fig, ax = plt.subplots(figsize=(6.5, 2.6))
        bars = ax.barh([label(s, lang, ns="report") for s in states], v, color=[ORANGE, RED])
        unit = "位客户" if lang == "zh" else "customers"
        ax.bar_label(bars, labels=[f"{x:,.0f}（{k} {unit}）" if lang == "zh" else f"{x:,.0f} ({k} {unit})"
                                   for x, k in zip(v, n)], fontsize=9, padding=3)
        ax.set_xlabel(label("value_at_risk", lang, ns="report"))
        ax.margins(x=0.35)
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:,.0f}"))
        ax.invert_yaxis()
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_title(_t("churn", lang), loc="left", fontsize=11)
        fig.tight_layout()
    return fig


def ageing_chart(ageing: pd.DataFrame, *, lang: str = "zh"):
    """Receivables outstanding by age band."""
    import matplotlib
    import matplotlib.ticker

    cols = [c for c in ("d0_30", "d31_60", "d61_90", "d90_plus") if c in ageing.columns]
    total = ageing[cols].sum()
    with matplotlib.rc_context(use_cjk_font()):
        fig, ax = plt.subplots(figsize=(6.5, 3.2))
        bars = ax.bar([label(c, lang, ns="report") for c in cols], total.to_numpy(),
                      color=[GREEN, ORANGE, ORANGE, RED][:len(cols)])
        ax.bar_label(bars, labels=[f"{x:,.0f}" for x in total], fontsize=8, padding=2)
        ax.set_ylabel(label("amount", lang, ns="report"))
        ax.spines[["top", "right"]].set_visible(False)
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:,.0f}"))
        ax.set_title(_t("ageing", lang), loc="left", fontsize=11)
        fig.tight_layout()
    return fig
