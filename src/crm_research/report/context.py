"""What a report notebook uses: its parameters checked, where its tables, figures and headline
figures go (:class:`ReportContext`), and the SQL engine for transaction-level work."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd

from .._core.errors import DataError

__all__ = ["ReportContext", "check_parameters", "sql_engine"]


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Floats to 10 significant digits so that CSV bytes do not depend on the last bit."""
    out = frame.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].map(lambda v: float(f"{v:.10g}") if np.isfinite(v) else v)
    return out


class ReportContext:
    """Where a notebook writes its tables, figures and headline figures.

    With ``out_dir=""`` (working interactively in JupyterLab) nothing is written and the objects
    are only displayed.
    """

    def __init__(self, out_dir: str = "", lang: str = "zh"):
        self.out = Path(out_dir) if out_dir else None
        self.lang = lang
        if self.out:
            (self.out / "tables").mkdir(parents=True, exist_ok=True)
            (self.out / "figures").mkdir(parents=True, exist_ok=True)

    def table(self, obj, name: str, title: str = "", **build):
        """Write a table as CSV (UTF-8 with BOM) and XLSX (one named sheet, localized title and
        headers, number formats), both deterministic, and return it for display.

        ``obj`` is a :class:`crm_research.tables.Table`, a result (its ``table(lang)`` is used) or a
        DataFrame (translated through the catalogue with ``Table.build(..., **build)``)."""
        from ..present.exports import to_csv, to_xlsx
        from ..present.table import Table

        if isinstance(obj, Table):
            table = obj
        elif isinstance(obj, pd.DataFrame):
            table = Table.build(obj, title=title or name, lang=self.lang, **build)
        else:
            table = obj.table(self.lang)
        if title:
            table = dataclasses.replace(table, title=title)
        if self.out:
            to_csv(_rounded(table.frame), self.out / "tables" / f"{name}.csv", index=table.index)
            to_xlsx([table], self.out / "tables" / f"{name}.xlsx")
        return table

    def figure(self, fig, name: str):
        """Save ``fig`` as PNG and SVG with no timestamps or random ids and return it for display."""
        import matplotlib

        if self.out:
            with matplotlib.rc_context({"svg.hashsalt": "crm_research", "svg.fonttype": "path"}):
                fig.savefig(self.out / "figures" / f"{name}.png", dpi=120, bbox_inches="tight",
                            metadata={"Software": None})
                fig.savefig(self.out / "figures" / f"{name}.svg", bbox_inches="tight", metadata={"Date": None})
        return fig

    def headline(self, key: str, value, label: str = ""):
        """Record a headline figure for reports/index.html."""
        if self.out:
            import fcntl

            path = self.out / "headline.json"
            with open(self.out / ".headline.lock", "w") as lock:   # notebooks of a period run in parallel
                fcntl.flock(lock, fcntl.LOCK_EX)
                data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
                data[key] = {"value": value, "label": label or key}
                path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        return value


def check_parameters(*, data_dir: str, period: str, lang: str, audience: str = "internal") -> None:
    """Validate a notebook's parameters cell (papermill only warns about unknown parameters)."""
    from ..io.periods import parse_period
    from ..present.labels import LANGS

    if lang not in LANGS:
        raise DataError(f"parameter lang={lang!r}: expected one of {list(LANGS)}")
    if audience not in ("internal", "external"):
        raise DataError(f"parameter audience={audience!r}: expected 'internal' or 'external'")
    if not Path(data_dir).is_dir():
        raise DataError(f"parameter data_dir={data_dir!r}: folder not found")
    parse_period(period)


def sql_engine(engine: str = "duckdb", spark_master: str = ""):
    """The engine notebooks pass to the value functions: None (a fresh embedded DuckDB per call)
    for ``"duckdb"``, or one shared Spark session for ``"spark"``."""
    if engine == "duckdb":
        return None
    from ..engines import get_engine

    return get_engine(engine, spark_master=spark_master or None)
