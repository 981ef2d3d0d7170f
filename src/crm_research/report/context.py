"""What a report notebook uses: its parameters checked, where its tables, figures and headline
figures go (:class:`ReportContext`), and the SQL engine for transaction-level work."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd

from .._core.errors import DataError

__all__ = ["ReportContext", "check_parameters", "sql_engine", "open_page", "SHARED"]

#: folder (inside a period's output while it is being rendered) of results one notebook computed
#: for the others of the same period; removed before the period is published
SHARED = ".shared"


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Floats to 10 significant digits so that CSV bytes do not depend on the last bit."""
    out = frame.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].map(lambda v: float(f"{v:.10g}") if np.isfinite(v) else v)
    return out


def _plain(v):
    """A JSON value: numpy scalars to Python, NaN to None."""
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return float(v) if np.isfinite(v) else None
    return v


def _tight_bbox(fig):
    """The figure's tight bounding box in inches with savefig's padding: what
    ``bbox_inches="tight"`` crops to."""
    import matplotlib

    return fig.get_tightbbox().padded(matplotlib.rcParams["savefig.pad_inches"])


class ReportContext:
    """Where a notebook writes its tables, figures and headline figures.

    With ``out_dir=""`` (working interactively in JupyterLab) nothing is written and the objects
    are only displayed.
    """

    def __init__(self, out_dir: str = "", lang: str = "zh", *, period: str = "", firm: str = "", page: str = ""):
        self.out = Path(out_dir) if out_dir else None
        self.lang = lang
        self.period = period
        self.firm = firm
        self.page = page
        self.audience = "internal"   # "external": counts of fewer than 5 people suppressed (set by open_page)
        self.data = None      # the period's PeriodData (set by open_page)
        self.engine = None    # the SQL engine for the value functions (set by open_page)
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
        if self.audience == "external":
            from .privacy import suppress_counts

            table = suppress_counts(table)
        if self.out:
            to_csv(_rounded(table.frame), self.out / "tables" / f"{name}.csv", index=table.index)
            to_xlsx([table], self.out / "tables" / f"{name}.xlsx")
            self._record("contents.json", lambda d: d.setdefault("tables", {}).__setitem__(name, table.title))
        return table

    def shared(self, name: str, compute):
        """``compute()``, computed once per period and reused by the other notebooks of the same
        run (e.g. the value snapshot both the value page and the management summary show): the
        first notebook to need it stores it beside the period's output, the others read it back.
        Working interactively (no output folder) it is simply computed."""
        import os
        import pickle
        import tempfile

        if not self.out:
            return compute()
        path = self.out / SHARED / f"{name}.pkl"
        try:
            with open(path, "rb") as fh:
                return pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError):
            pass
        value = compute()
        path.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)      # a notebook reading at the same moment sees all of it or nothing
        return value

    def figure(self, fig, name: str):
        """Save ``fig`` as PNG and SVG (no timestamps or random ids) and show the PNG on the page:
        every figure saved is also shown, once."""
        import base64
        import html
        import io

        import matplotlib
        import matplotlib.pyplot as plt
        from IPython.display import display

        # the tight crop is found once and used for both files ("tight" would lay out every
        # figure once more per format before drawing it)
        bbox = _tight_bbox(fig)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=120, bbox_inches=bbox, metadata={"Software": None})
        png = buf.getvalue()
        if self.out:
            (self.out / "figures" / f"{name}.png").write_bytes(png)
            with matplotlib.rc_context({"svg.hashsalt": "crm_research", "svg.fonttype": "path"}):
                fig.savefig(self.out / "figures" / f"{name}.svg", bbox_inches=bbox, metadata={"Date": None})
        titles = (t for ax in fig.axes for t in (ax.get_title("left"), ax.get_title()) if t)
        title = fig.get_suptitle() or next(titles, name)
        self._record("contents.json", lambda d: d.setdefault("figures", {}).__setitem__(name, title))
        plt.close(fig)
        b64 = base64.b64encode(png).decode("ascii")
        display({"text/html": f"<figure class='chart'><img src='data:image/png;base64,{b64}' "
                              f"alt='{html.escape(title, quote=True)}'></figure>",
                 "image/png": b64}, raw=True, metadata={"image/png": {"alt": title}})

    def title(self, summary="") -> None:
        """The page's title block (its name, then firm, period, date generated and language),
        followed by ``summary``: the page's findings in words (a paragraph, or a list of sentences
        shown as a list)."""
        import html

        from IPython.display import HTML, display

        from .pages import title_block

        block = title_block(self.page, lang=self.lang, firm=self.firm, period=self.period)
        if isinstance(summary, (list, tuple)):
            block += "<ul class='summary'>" + "".join(f"<li>{html.escape(s)}</li>" for s in summary) + "</ul>"
        elif summary:
            block += f"<p class='summary'>{html.escape(summary)}</p>"
        display(HTML(block))

    def headlines(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Record every row of :func:`crm_research.periodic.headlines` for the dashboard and return
        them as the page shows them: for ``audience="external"`` a count of people (kind ``int``)
        from 1 to 4 becomes the text "< 5" in every period, so that neither the card, its changes
        nor the summary single anyone out."""
        from ..present.labels import label
        from ..present.text import _finite
        from .privacy import SMALL_COUNT as SMALL

        if self.audience == "external":
            frame = frame.astype({c: object for c in ("current", "previous", "year_before")})
            for key in frame.index[frame["kind"] == "int"]:
                for c in ("current", "previous", "year_before"):
                    v = frame.at[key, c]
                    if _finite(v) and 0 < v < SMALL:
                        frame.at[key, c] = f"< {SMALL}"
        for key, r in frame.iterrows():
            cur = int(r["current"]) if r["kind"] == "int" and _finite(r["current"]) else r["current"]
            self.headline(key, cur, label(key, self.lang, ns="headline"), kind=r["kind"],
                          previous=r["previous"], year_before=r["year_before"], p_previous=r["p_previous"],
                          p_year_before=r["p_year_before"], good=r["good"])
        return frame

    def section(self, key: str) -> None:
        """A section heading (``key`` in the report catalogue), in the page's language."""
        import html

        from IPython.display import HTML, display

        from ..present.labels import label

        display(HTML(f"<h2 id='sec-{html.escape(key)}'>{html.escape(label(key, self.lang, ns='section'))}</h2>"))

    def say(self, text: str) -> None:
        """A paragraph of text (a summary or an interpretation)."""
        import html

        from IPython.display import HTML, display

        if text:
            display(HTML(f"<p class='say'>{html.escape(text)}</p>"))

    def headline(self, key: str, value, label: str = "", **detail):
        """Record a headline figure for reports/index.html: its ``value``, ``label`` and, where
        known, ``kind`` (pct, index, hours, money, int), ``previous``, ``year_before``,
        ``p_previous``, ``p_year_before`` and ``good`` ("up" or "down")."""
        entry = {"value": _plain(value), "label": label or key, **{k: _plain(v) for k, v in detail.items()}}
        self._record("headline.json", lambda data: data.__setitem__(key, entry))
        return value

    def _record(self, name: str, change) -> None:
        """Apply ``change`` to the JSON file ``name`` of the period folder (notebooks of a period run
        in parallel: one at a time under a lock)."""
        if not self.out:
            return
        import fcntl

        path = self.out / name
        with open(self.out / ".record.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
            change(data)
            path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")


def open_page(page: str, *, data_dir: str, period: str, lang: str, out_dir: str = "", audience: str = "internal",
              firm: str = "", engine: str = "duckdb", spark_master: str = "") -> ReportContext:
    """What every report notebook does first: check its parameters, then return its
    :class:`ReportContext` with the period's data (``ctx.data``) and SQL engine (``ctx.engine``).
    ``firm`` defaults to the name of the data folder."""
    from ..io.periods import parse_period
    from .data import PeriodData

    check_parameters(data_dir=data_dir, period=period, lang=lang, audience=audience)
    ctx = ReportContext(out_dir, lang, period=parse_period(period).label, page=page,
                        firm=firm or Path(data_dir).resolve().name)
    ctx.audience = audience
    ctx.data = PeriodData(data_dir, period)
    ctx.engine = sql_engine(engine, spark_master)
    return ctx


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
