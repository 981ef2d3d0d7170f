"""Figures of the satisfaction index and loyalty models (presentation only)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..labels import label
from .fonts import use_cjk_font

__all__ = ["ipma_chart", "loyalty_curve_chart"]


def ipma_chart(ipma, *, target: str, lang: str = "zh", names: dict | None = None):
    """Importance–performance map: total effect on ``target`` against the 0–100 index."""
    import matplotlib

    names = names or {}
    with matplotlib.rc_context(use_cjk_font()):
        fig, ax = plt.subplots(figsize=(6.5, 4.5))
        ax.scatter(ipma["importance"], ipma["performance"], s=60, color="#1f4e79")
        ax.margins(0.18)
        ax.axvline(ipma["importance"].mean(), ls=":", color="grey")
        ax.axhline(ipma["performance"].mean(), ls=":", color="grey")
        ax.set_xlabel(label("chart_importance", lang))
        ax.set_ylabel(label("chart_performance", lang))
        ax.set_title(label("chart_ipma", lang) + f" — {names.get(target, target)}")
        fig.tight_layout()
        from .report import place_labels

        place_labels(ax, ipma["importance"].to_numpy(float), ipma["performance"].to_numpy(float),
                     [names.get(c, c) for c in ipma.index])
    return fig


def loyalty_curve_chart(curve, satisfaction, loyalty, *, lang: str = "zh"):
    """Observed points, the segmented fit and the three zones (defection, indifference, affection)."""
    import matplotlib

    with matplotlib.rc_context(use_cjk_font()):
        fig, ax = plt.subplots(figsize=(6.5, 4.2))
        ax.scatter(satisfaction, loyalty, s=8, alpha=0.35, color="#7f7f7f")
        grid = np.linspace(np.min(satisfaction), np.max(satisfaction), 200)
        ax.plot(grid, curve.predict(grid), color="#c00000", lw=2)
        shades = ["#f4cccc", "#fff2cc", "#d9ead3"]
        for (_, z), col in zip(curve.zones.iterrows(), shades):
            ax.axvspan(z["from"], z["to"], color=col, alpha=0.5, zorder=0)
            ax.text((z["from"] + z["to"]) / 2, ax.get_ylim()[1], label(z["zone"], lang, ns="loyalty"),
                    ha="center", va="top", fontsize=9)
        ax.set_xlabel(label("satisfaction", lang))
        ax.set_ylabel(label("loyalty", lang))
        ax.set_title(label("chart_loyalty_curve", lang))
        fig.tight_layout()
    return fig
