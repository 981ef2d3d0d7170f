"""Periodic reports: render the parameterised notebooks with papermill into ``reports/<period>/``.

Each period is rendered into a temporary folder beside its target and renamed into place only when
every notebook succeeded, so a failed run leaves the last good report untouched; the partial output
of a failed run goes to ``reports/_quarantine/``. A notebook whose kernel dies or times out is
retried once. Notebooks write their tables and figures through :class:`ReportContext`, which keeps
the files byte-for-byte reproducible (fixed CSV format, XLSX without timestamps, SVG without dates
or random ids), pseudonymises identifiers and suppresses small cells.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import html
import json
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from ._core.errors import DataError
from .warehouse import sha256_file

__all__ = ["check_parameters", "survey_file", "satisfaction_indices", "sql_engine", "wave_comparison", "ReportContext", "ReportError", "render_reports", "render_period", "discover_periods", "pseudonymise",
           "suppress_small", "kpis", "write_index", "to_html"]


class ReportError(DataError):
    """A notebook failed: names the notebook, the cell and the error."""


# ---------------------------------------------------------------------------------------------
# helpers used inside notebooks


def pseudonymise(frame: pd.DataFrame, columns, *, salt: str | None = None, prefix: str = "ID-") -> pd.DataFrame:
    """A copy with identifier ``columns`` replaced by keyed hashes (HMAC-SHA256, 10 hex digits).

    The key is ``salt`` or the environment variable ``CRM_RESEARCH_SALT`` (set it per project to
    keep pseudonyms stable across runs and unlinkable across projects)."""
    key = (salt or os.environ.get("CRM_RESEARCH_SALT") or "crm_research-default-salt").encode()
    out = frame.copy()
    cols = [columns] if isinstance(columns, str) else list(columns)

    def alias(values):
        return [prefix + hmac.new(key, str(v).encode(), hashlib.sha256).hexdigest()[:10] for v in values]

    for c in cols:
        if c == "__index__":
            out.index = alias(out.index)
            continue
        if c not in out.columns:
            raise DataError(f"pseudonymise: column {c!r} not found")
        out[c] = alias(out[c])
    return out


def suppress_small(frame: pd.DataFrame, count_column: str, *, k: int = 5, columns=None) -> pd.DataFrame:
    """A copy where rows counting fewer than ``k`` people have their figures blanked (shown as
    missing) so that no small group can be singled out."""
    if count_column not in frame.columns:
        raise DataError(f"suppress_small: column {count_column!r} not found")
    out = frame.copy()
    small = out[count_column] < k
    cols = list(columns) if columns is not None else [c for c in out.columns if c != count_column]
    out[cols] = out[cols].astype(object)
    out.loc[small, cols] = None
    out[count_column] = out[count_column].astype(object)
    out.loc[small, count_column] = f"<{k}"
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

    def table(self, frame: pd.DataFrame, name: str, title: str = "", *, decimals: int = 4):
        """Write ``frame`` as CSV and XLSX (deterministic) and return a titled three-line table."""
        from IPython.display import HTML

        from .present.table import three_line

        if self.out:
            shown = frame.round(decimals) if decimals is not None else frame
            shown.to_csv(self.out / "tables" / f"{name}.csv", lineterminator="\n", encoding="utf-8")
            _write_xlsx(shown, self.out / "tables" / f"{name}.xlsx", title or name)
        return HTML(three_line(frame, title, lang=self.lang))

    def figure(self, fig, name: str):
        """Save ``fig`` as PNG and SVG with no timestamps or random ids, then close it."""
        import matplotlib
        import matplotlib.pyplot as plt

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


def _write_xlsx(frame: pd.DataFrame, path: Path, title: str) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "table"
    index_name = frame.index.name or ""
    ws.append([index_name] + [str(c) for c in frame.columns])
    for idx, row in frame.iterrows():
        vals = []
        for v in row.tolist():
            vals.append(None if (isinstance(v, float) and pd.isna(v)) else (v.item() if hasattr(v, "item") else v))
        ws.append([str(idx)] + vals)
    fixed = _dt.datetime(2000, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.title = title
    wb.properties.creator = "crm_research"
    wb.save(path)
    _normalise_zip(path, fixed)


def _normalise_zip(path: Path, when: _dt.datetime) -> None:
    """Rewrite a zip container with fixed member timestamps so identical content gives identical bytes."""
    import re
    import zipfile

    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as z:
        members = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            if name == "docProps/core.xml":   # openpyxl stamps the save time into 'modified'
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + stamp + rb"\g<2>", data)
            z.writestr(info, data)
    os.replace(tmp, path)


def check_parameters(*, data_dir: str, period: str, lang: str) -> None:
    """Validate a notebook's parameters cell (papermill only warns about unknown parameters)."""
    from .present.labels import LANGS
    from .warehouse import parse_period

    if lang not in LANGS:
        raise DataError(f"parameter lang={lang!r}: expected one of {list(LANGS)}")
    if not Path(data_dir).is_dir():
        raise DataError(f"parameter data_dir={data_dir!r}: folder not found")
    parse_period(period)


def sql_engine(engine: str = "duckdb", spark_master: str = ""):
    """The engine notebooks pass to the value functions: None (a fresh embedded DuckDB per call)
    for ``"duckdb"``, or one shared Spark session for ``"spark"``."""
    if engine == "duckdb":
        return None
    from .engines import get_engine

    return get_engine(engine, spark_master=spark_master or None)


def survey_file(data_dir, period: str) -> Path | None:
    """The survey wave file of the quarter containing ``period`` (survey_<quarter>.csv), if any."""
    from .warehouse import parse_period

    p = parse_period(period)
    quarter = f"{p.start.year}Q{(p.start.month - 1) // 3 + 1}"
    path = Path(data_dir) / f"survey_{quarter}.csv"
    return path if path.exists() else None


def satisfaction_indices(data_dir, period: str, *, min_duration: float = 120) -> tuple[pd.DataFrame, object]:
    """The 0–100 indices of the logistics model (PLS, as in the satisfaction-index notebook) for the
    period's survey wave, the previous wave and the wave a year before, where they exist; also
    returns the current wave's PLS result (for the importance–performance map)."""
    from .models import logistics_model, pls_path
    from .survey import load_survey
    from .warehouse import parse_period

    per = parse_period(period)
    rows, current = {}, None
    for key, p in (("current", per), ("previous", per.previous()), ("year_before", per.year_before())):
        f = survey_file(data_dir, p.label)
        if f is None or (key != "current" and f == survey_file(data_dir, period)):
            continue
        s = load_survey(f, "logistics_csl")
        keyed = s.keyed().loc[s.screen(min_duration=min_duration).kept.index]
        res = pls_path(keyed, *logistics_model(), scale=(s.instrument.scale_min, s.instrument.scale_max))
        rows[key] = res.index
        if key == "current":
            current = res
    if current is None:
        raise DataError(f"satisfaction_indices: no survey wave for period {period} in {str(data_dir)!r}")
    return pd.DataFrame(rows), current


def wave_comparison(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Construct means of two survey waves compared with Welch t tests (and Cohen's d)."""
    from scipy import stats

    rows = []
    for c in current.columns:
        if c not in previous.columns:
            continue
        a, b = current[c].dropna(), previous[c].dropna()
        t = stats.ttest_ind(a, b, equal_var=False)
        sd = ((a.var(ddof=1) + b.var(ddof=1)) / 2) ** 0.5
        rows.append({"construct": c, "current": a.mean(), "previous": b.mean(), "difference": a.mean() - b.mean(),
                     "t": float(t.statistic), "p": float(t.pvalue), "cohens_d": (a.mean() - b.mean()) / sd if sd else float("nan"),
                     "n_current": len(a), "n_previous": len(b)})
    return pd.DataFrame(rows).set_index("construct")


# ---------------------------------------------------------------------------------------------
# service KPIs


def kpis(shipments: pd.DataFrame, complaints: pd.DataFrame, period: str) -> pd.DataFrame:
    """Service KPIs before, during and after the sale for ``period``, the previous period and the
    same period a year before, with the change against the previous period tested: two-proportion
    z tests for on-time and damage rates, Welch t tests for quote response and complaint
    resolution times."""
    from scipy import stats

    from .warehouse import parse_period

    per = parse_period(period)
    pers = {"current": per, "previous": per.previous(), "year_before": per.year_before()}

    def pick(frame, col, p):
        return frame[p.contains(frame[col])]

    rows = []
    spec = [("quote_response_hours", "pre-sale", "mean", "shipments", "quote_response_hours", "ship_date"),
            ("on_time_rate", "in-sale", "rate", "shipments", "on_time", "ship_date"),
            ("damage_rate", "in-sale", "rate", "shipments", "damaged", "ship_date"),
            ("complaint_resolution_hours", "after-sale", "mean", "complaints", "resolution_hours", "opened")]
    for name, stage, kind, table, col, date_col in spec:
        src = shipments if table == "shipments" else complaints
        vals = {k: pick(src, date_col, p)[col].dropna() for k, p in pers.items()}
        row = {"kpi": name, "stage": stage}
        for k, v in vals.items():
            row[k] = float(v.mean()) if len(v) else float("nan")
            row[f"n_{k}"] = int(len(v))
        a, b = vals["current"], vals["previous"]
        if len(a) > 1 and len(b) > 1:
            if kind == "rate":
                p1, p2, n1, n2 = a.mean(), b.mean(), len(a), len(b)
                pool = (a.sum() + b.sum()) / (n1 + n2)
                se = (pool * (1 - pool) * (1 / n1 + 1 / n2)) ** 0.5
                z = (p1 - p2) / se if se > 0 else 0.0
                row["p_change"] = float(2 * stats.norm.sf(abs(z)))
            else:
                row["p_change"] = float(stats.ttest_ind(a, b, equal_var=False).pvalue)
        else:
            row["p_change"] = float("nan")
        rows.append(row)
    return pd.DataFrame(rows).set_index("kpi")


# ---------------------------------------------------------------------------------------------
# rendering


def discover_periods(data_dir) -> list[str]:
    """Quarters covered by ``shipments.csv`` (ship_date) or the survey waves in ``data_dir``."""
    data_dir = Path(data_dir)
    periods = set()
    ship = data_dir / "shipments.csv"
    if ship.exists():
        d = pd.to_datetime(pd.read_csv(ship, usecols=["ship_date"])["ship_date"])
        periods |= set(d.dt.to_period("Q").astype(str))
    for p in data_dir.glob("survey_*.csv"):
        periods.add(p.stem.split("_", 1)[1])
    if not periods:
        raise DataError(f"report: no shipments.csv or survey_<wave>.csv in data folder {str(data_dir)!r}; "
                        f"nothing to report")
    return sorted(periods)


def _versions() -> dict:
    import importlib.metadata as md

    out = {"python": sys.version.split()[0]}
    for pkg in ("crm_research", "pandas", "numpy", "scipy", "statsmodels", "scikit-learn", "factor-analyzer",
                "matplotlib", "papermill", "duckdb"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = None
    return out


def to_html(ipynb: Path, html_path: Path) -> None:
    """Standalone HTML with code hidden and a table of contents built from the headings."""
    import re

    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(ipynb, as_version=4)
    heads = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                m = re.match(r"^(#{1,3})\s+(.*)", line)
                if m:
                    heads.append((len(m.group(1)), m.group(2).strip()))
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    toc = "".join(f"<li style='margin-left:{(lvl - 1) * 1.2}em'><a href='#{html.escape(t.replace(' ', '-'))}'>"
                  f"{html.escape(t)}</a></li>" for lvl, t in heads)
    body = body.replace("<body", "<body", 1)
    body = re.sub(r"(<body[^>]*>)", r"\1<nav class='toc'><h2>Contents</h2><ul>" + toc.replace("\\", "\\\\") + "</ul></nav>",
                  body, count=1)
    html_path.write_text(body, encoding="utf-8")


def _execute(nb: Path, target: Path, params: dict, timeout: int) -> None:
    # no cwd= here: papermill would chdir the whole process, which is not safe with notebooks
    # running in parallel threads; every path handed to a notebook is absolute instead
    import papermill as pm

    pm.execute_notebook(str(nb), str(target), parameters=params, kernel_name="python3", progress_bar=False,
                        execution_timeout=timeout, start_timeout=120)


def render_period(period: str, *, data: Path, notebooks: list[Path], out: Path, lang: str = "zh",
                  timeout: int = 600, extra: dict | None = None, parallel: int = 2) -> Path:
    """Render every notebook for one period into ``out/<period>/`` (atomically), ``parallel`` at a time."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    final = out / period
    notebooks = [Path(nb).resolve() for nb in notebooks]
    tmp = Path(tempfile.mkdtemp(prefix=f".{period}-", dir=out))
    started = _dt.datetime.now(_dt.timezone.utc)
    data = Path(data).resolve()
    params = {"data_dir": str(data), "period": period, "lang": lang, "out_dir": str(tmp), **(extra or {})}
    status = {}

    def run_one(nb: Path) -> None:
        target = tmp / nb.name
        for attempt in (1, 2):
            try:
                _execute(nb, target, params, timeout)
                break
            except PapermillExecutionError as exc:
                status[nb.name] = "failed"
                raise ReportError(f"report {period}: notebook {nb.name} failed in cell {exc.cell_index} "
                                  f"(execution count {exc.exec_count}): {exc.ename}: {exc.evalue}") from None
            except Exception as exc:  # dead or hung kernel: retry once
                if attempt == 2:
                    status[nb.name] = "failed"
                    raise ReportError(f"report {period}: notebook {nb.name}: the kernel failed twice "
                                      f"({type(exc).__name__}: {exc})") from None
        to_html(target, target.with_suffix(".html"))
        status[nb.name] = "ok"

    try:
        # notebooks of one period are independent: run them two at a time (one kernel per core)
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=max(1, min(parallel, len(notebooks)))) as pool:
            for fut in [pool.submit(run_one, nb) for nb in notebooks]:
                fut.result()
        (tmp / ".headline.lock").unlink(missing_ok=True)
    except BaseException:
        q = out / "_quarantine" / f"{period}-{started.strftime('%Y%m%dT%H%M%S')}"
        q.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(tmp), str(q))
        raise
    inputs = {p.name: sha256_file(p) for p in sorted(data.iterdir()) if p.is_file()}
    manifest = {"period": period, "parameters": {k: v for k, v in params.items() if k != "out_dir"},
                "inputs_sha256": inputs, "versions": _versions(), "started": started.isoformat(),
                "finished": _dt.datetime.now(_dt.timezone.utc).isoformat(), "notebooks": status}
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    if final.exists():
        old = out / f".{period}.old-{os.getpid()}"
        os.replace(final, old)
        os.replace(tmp, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, final)
    return final


def write_index(out: Path) -> Path:
    """reports/index.html: every rendered period with its headline figures and links."""
    out = Path(out)
    rows = []
    for d in sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        head = {}
        if (d / "headline.json").exists():
            head = json.loads((d / "headline.json").read_text(encoding="utf-8"))
        links = " · ".join(f"<a href='{d.name}/{h.name}'>{html.escape(h.stem)}</a>" for h in sorted(d.glob("*.html")))
        figs = "; ".join(f"{html.escape(v['label'])}: {v['value']}" for _, v in sorted(head.items()))
        rows.append(f"<tr><td>{html.escape(d.name)}</td><td>{figs}</td><td>{links}</td></tr>")
    page = ("<!doctype html><html><head><meta charset='utf-8'><title>crm_research reports</title></head><body>"
            "<h1>Reports</h1><table border='1' cellpadding='4'><tr><th>Period</th><th>Headline</th><th>Reports</th></tr>"
            + "".join(rows) + "</table></body></html>")
    path = out / "index.html"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, path)
    return path


def _render_one(args):
    period, kw = args
    return render_period(period, **kw)


def render_reports(*, period: str | None, all_periods: bool, data: Path, notebooks: Path, out: Path,
                   lang: str = "zh", workers: int = 1, timeout: int = 600, engine: str = "duckdb",
                   spark_master: str = "") -> list[Path]:
    """Render the top-level notebooks of ``notebooks`` for one period or all of them."""
    from .warehouse import parse_period

    nbs = sorted(Path(notebooks).resolve().glob("*.ipynb"))
    if not nbs:
        raise DataError(f"report: no notebooks (*.ipynb) found in folder {str(notebooks)!r}")
    if not Path(data).is_dir():
        raise DataError(f"report: data folder {str(data)!r} not found")
    periods = discover_periods(data) if (all_periods or not period) else [parse_period(period).label]
    if engine not in ("duckdb", "spark"):
        raise DataError(f"report: --engine {engine!r} is not one of ['duckdb', 'spark']")
    kw = {"data": Path(data), "notebooks": nbs, "out": Path(out), "lang": lang, "timeout": timeout,
          "extra": {"engine": engine, "spark_master": spark_master}}
    done = []
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover
        def tqdm(x, **_):
            return x
    bar = tqdm(total=len(periods), desc="periods", disable=not sys.stderr.isatty())
    try:
        if workers > 1 and len(periods) > 1:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                for path in pool.map(_render_one, [(p, kw) for p in periods]):
                    done.append(path)
                    bar.update(1)
        else:
            for p in periods:
                done.append(render_period(p, **kw))
                bar.update(1)
    finally:
        bar.close()
        write_index(Path(out))
    return done
