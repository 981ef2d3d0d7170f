"""Render the parameterised notebooks with papermill into ``reports/<period>/``.

Each period is rendered into a temporary folder beside the target and renamed into place only
when every notebook succeeded, so a failed run leaves the previous good report untouched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ._errors import DataError

__all__ = ["render_notebook", "render_reports", "to_html"]


def to_html(ipynb: Path, html_path: Path) -> None:
    """Standalone HTML with code cells hidden."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(ipynb, as_version=4)
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    html_path.write_text(body, encoding="utf-8")


def render_notebook(notebook: Path, out_dir: Path, parameters: dict, *, timeout: int = 600) -> Path:
    """Execute ``notebook`` with ``parameters`` into ``out_dir`` (.ipynb and .html)."""
    import papermill as pm

    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / notebook.name
    pm.execute_notebook(str(notebook), str(target), parameters=parameters, kernel_name="python3",
                        progress_bar=False, execution_timeout=timeout, cwd=str(out_dir))
    to_html(target, target.with_suffix(".html"))
    return target


def render_reports(*, period: str | None, all_periods: bool, data: Path, notebooks: Path,
                   out: Path, lang: str = "zh", workers: int = 1) -> list[Path]:
    notebooks = Path(notebooks)
    nbs = sorted(notebooks.glob("*.ipynb"))
    if not nbs:
        raise DataError(f"report: no notebooks (*.ipynb) found in folder {str(notebooks)!r}")
    periods = [period] if period else ["all"]
    written = []
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for per in periods:
        final = out / per
        tmp = Path(tempfile.mkdtemp(prefix=f".{per}-", dir=out))
        try:
            for nb in nbs:
                render_notebook(nb, tmp, {"data_dir": str(Path(data).resolve()), "period": per,
                                          "lang": lang})
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if final.exists():
            old = out / f".{per}.old"
            shutil.rmtree(old, ignore_errors=True)
            os.replace(final, old)
            os.replace(tmp, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, final)
        written.append(final)
    return written
