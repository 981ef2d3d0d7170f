"""Rendering the periodic reports with papermill: one temporary folder per period, renamed into
place only when every notebook succeeded; failures quarantined; a manifest of inputs and versions.

papermill is the renderer of record: each executed .ipynb is the record of its run.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .._core.errors import DataError
from ..io.warehouse import sha256_file
from .pages import to_html, write_index

__all__ = ["ReportError", "render_period", "render_reports"]


class ReportError(DataError):
    """A notebook failed: names the notebook, the cell and the error."""


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


def _render_one(args):
    period, kw = args
    return render_period(period, **kw)


def render_reports(*, period: str | None, all_periods: bool, data: Path, notebooks: Path, out: Path,
                   lang: str = "zh", workers: int = 1, timeout: int = 600, engine: str = "duckdb",
                   spark_master: str = "", audience: str = "internal") -> list[Path]:
    """Render the top-level notebooks of ``notebooks`` for one period or all of them."""
    from ..io.periods import discover_periods, parse_period

    nbs = sorted(Path(notebooks).resolve().glob("*.ipynb"))
    if not nbs:
        raise DataError(f"report: no notebooks (*.ipynb) found in folder {str(notebooks)!r}")
    if not Path(data).is_dir():
        raise DataError(f"report: data folder {str(data)!r} not found")
    periods = discover_periods(data) if (all_periods or not period) else [parse_period(period).label]
    if engine not in ("duckdb", "spark"):
        raise DataError(f"report: --engine {engine!r} is not one of ['duckdb', 'spark']")
    kw = {"data": Path(data), "notebooks": nbs, "out": Path(out), "lang": lang, "timeout": timeout,
          "extra": {"engine": engine, "spark_master": spark_master, "audience": audience}}
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
