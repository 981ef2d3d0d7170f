"""Presentation of result tables: the three-line (三线表) style a thesis prints.

Presentation only: nothing here computes a statistic. Rounding and formatting happen here and
nowhere else.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from .labels import rename

__all__ = ["three_line", "format_p", "stars", "THREE_LINE_CSS"]

THREE_LINE_CSS = (
    "table.three-line{border-collapse:collapse;border-top:2px solid #000;border-bottom:2px solid #000;"
    "font-family:'Times New Roman','Noto Serif CJK SC','SimSun',serif;margin:0.5em 0}"
    "table.three-line thead th{border-bottom:1px solid #000;padding:4px 10px;font-weight:normal}"
    "table.three-line td{padding:3px 10px;text-align:center}"
    "table.three-line td:first-child,table.three-line th:first-child{text-align:left}"
    "table.three-line caption{caption-side:top;font-weight:bold;padding-bottom:4px}"
    "p.three-line-note{font-size:0.9em;margin-top:2px}"
)


def stars(p: float) -> str:
    """Significance stars: * p<.05, ** p<.01, *** p<.001."""
    if p is None or not np.isfinite(p):
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


def format_p(p: float) -> str:
    """APA-style p: '< .001' below 0.001, otherwise three decimals without the leading zero."""
    if p is None or not np.isfinite(p):
        return ""
    if p < 0.001:
        return "< .001"
    return f"{p:.3f}".lstrip("0")


def _cell(v, decimals: int) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, (float, np.floating)):
        return f"{v:.{decimals}f}"
    return html.escape(str(v))


def three_line(frame: pd.DataFrame, title: str = "", *, lang: str = "en", decimals: int = 3,
               note: str = "", index: bool = True) -> str:
    """HTML for ``frame`` as a three-line table with labels from the zh/en catalogue."""
    shown = rename(frame, lang)
    cols = list(shown.columns)
    head = ("<th></th>" if index else "") + "".join(f"<th>{html.escape(str(c))}</th>" for c in cols)
    body = []
    for idx, row in shown.iterrows():
        cells = (f"<td>{html.escape(str(idx))}</td>" if index else "") + "".join(
            f"<td>{_cell(v, decimals)}</td>" for v in row.tolist())
        body.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{html.escape(title)}</caption>" if title else ""
    out = (f"<style>{THREE_LINE_CSS}</style><table class='three-line'>{cap}<thead><tr>{head}</tr></thead>"
           f"<tbody>{''.join(body)}</tbody></table>")
    if note:
        out += f"<p class='three-line-note'>{html.escape(note)}</p>"
    return out
