"""Base for the small frozen result objects every analysis returns.

Subclasses are declared with :func:`result` (a frozen dataclass without ``__eq__``, since fields
hold DataFrames) and implement :meth:`Result.to_frame`. They get a readable ``repr`` (scalar fields
first, then the table) and ``_repr_html_`` for JupyterLab for free.
"""

from __future__ import annotations

import dataclasses
import html
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Result", "result"]


def result(cls):
    """Declare a result class: ``@result class AlphaResult(Result): alpha: float ...``."""
    return dataclasses.dataclass(frozen=True, eq=False, repr=False)(cls)


def _is_scalar(v: Any) -> bool:
    return isinstance(v, (int, float, str, bool, np.integer, np.floating, type(None))) or (
        isinstance(v, tuple) and len(v) <= 4 and all(isinstance(x, (int, float, np.number)) for x in v)
    )


def _fmt(v: Any) -> str:
    if isinstance(v, (float, np.floating)):
        return f"{v:.4g}"
    if isinstance(v, tuple):
        return "(" + ", ".join(_fmt(x) for x in v) + ")"
    return str(v)


class Result:
    """Mixin: ``to_frame()``, ``table(lang)``, ``interpret(lang)``, ``__repr__`` and ``_repr_html_``.

    The contract of every result: fields are typed and never change type with the input; every
    table is a field (never ``DataFrame.attrs``); no field holds words in a language — words come
    from :mod:`crm_research.present` through ``table(lang)`` and ``interpret(lang)``.
    """

    #: a title used by repr/html; subclasses may override
    title: str = ""

    def to_frame(self) -> pd.DataFrame:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def table(self, lang: str = "zh"):
        """The result as the table a paper prints (a :class:`crm_research.tables.Table`)."""
        raise NotImplementedError(f"{type(self).__name__} has no thesis table yet; use to_frame()")

    def interpret(self, lang: str = "zh") -> str:
        """A paragraph stating the result and judging it against the usual criterion, with its source."""
        raise NotImplementedError(f"{type(self).__name__} has no interpretation yet")

    def _scalars(self) -> dict:
        out = {}
        for f in dataclasses.fields(self):
            if f.name.startswith("_"):
                continue
            v = getattr(self, f.name)
            if _is_scalar(v):
                out[f.name] = v
        return out

    def _title(self) -> str:
        return self.title or type(self).__name__

    def __repr__(self) -> str:
        head = ", ".join(f"{k}={_fmt(v)}" for k, v in self._scalars().items())
        lines = [f"{self._title()}({head})"]
        try:
            frame = self.to_frame()
        except Exception:  # repr must never raise
            frame = None
        if frame is not None and not frame.empty:
            with pd.option_context("display.max_rows", 30, "display.width", 120,
                                   "display.precision", 4):
                lines.append(frame.to_string(max_rows=30))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(_fmt(v))}</td></tr>"
            for k, v in self._scalars().items()
        )
        parts = [f"<h4>{html.escape(self._title())}</h4>"]
        if head:
            parts.append(f"<table>{head}</table>")
        try:
            frame = self.to_frame()
        except Exception:
            frame = None
        if frame is not None and not frame.empty:
            parts.append(frame.to_html(float_format=lambda x: f"{x:.3f}", max_rows=60, border=0))
        return "\n".join(parts)
