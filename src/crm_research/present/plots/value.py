"""Figures of the customer value indices (presentation only)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..labels import label
from .fonts import use_cjk_font

__all__ = ["pareto_chart", "whale_chart"]


def pareto_chart(classes, *, lang: str = "zh", cutoffs=(0.55, 0.85)):
    """Cumulative % of customers against cumulative % of amount, with the A/B/C bands marked."""
    import matplotlib

    with matplotlib.rc_context(use_cjk_font()):
        fig, ax = plt.subplots(figsize=(6.5, 4.2))
        x = np.arange(1, len(classes) + 1) / len(classes) * 100
        y = classes["cumulative_share"].to_numpy() * 100
        ax.plot(np.r_[0, x], np.r_[0, y], color="#1f4e79", lw=2)
        colors = {"A": "#c00000", "B": "#ed7d31", "C": "#a5a5a5"}
        start = 0.0
        for cls in ("A", "B", "C"):
            sel = classes["abc_class"].to_numpy() == cls
            if sel.any():
                end = x[sel].max()
                ax.axvspan(start, end, color=colors[cls], alpha=0.12)
                ax.text((start + end) / 2, 5, cls, ha="center", fontsize=12, color=colors[cls])
                start = end
        for c in cutoffs:
            ax.axhline(100 * c, ls=":", color="grey", lw=1)
        ax.set_xlabel(label("chart_cum_customers", lang))
        ax.set_ylabel(label("chart_cum_amount", lang))
        ax.set_title(label("chart_pareto", lang))
        ax.set_xlim(0, 100)
        ax.set_ylim(0, 102)
        fig.tight_layout()
    return fig


def whale_chart(whale, *, lang: str = "zh"):
    """Cumulative profit share by customer rank, with the 8/2/2 statement under the title."""
    import matplotlib

    with matplotlib.rc_context(use_cjk_font()):
        fig, ax = plt.subplots(figsize=(6.5, 4.2))
        c = whale.curve
        ax.plot(np.r_[0, c["customer_share"] * 100], np.r_[0, c["cumulative_profit_share"] * 100], color="#1f4e79", lw=2)
        ax.axhline(100, ls=":", color="grey", lw=1)
        ax.axvline(20, ls=":", color="grey", lw=1)
        ax.set_xlabel(label("chart_cum_customers", lang))
        ax.set_ylabel(label("chart_cum_profit", lang))
        ax.set_title(label("chart_whale", lang), fontsize=11, loc="left")
        fig.tight_layout()
    return fig
