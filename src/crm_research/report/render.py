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
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .._core.errors import DataError
from ..io.periods import discover_periods, parse_period
from ..io.warehouse import sha256_file
from .context import SHARED
from .kernels import kernel_count, pool
from .pages import record_runs, to_html, write_index

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


def _execute(nb: Path, target: Path, params: dict, timeout: int, verbose: bool = False, warm: bool = True,
             priority=()) -> float:
    """Execute ``nb`` into ``target``; returns the seconds it took once it had a kernel."""
    # no cwd= here: papermill would chdir the whole process, which is not safe with notebooks
    # running in parallel threads; every path handed to a notebook is absolute instead
    import papermill as pm

    from .engine import register

    kw = dict(parameters=params, kernel_name="python3", progress_bar=False, execution_timeout=timeout, start_timeout=120,
              engine_name=register())
    if warm:
        import threading

        kernels = pool(verbose)
        with kernels.kernel(priority) as km:
            t0 = time.monotonic()
            # nbclient's cell timeout does not fire with a kernel it does not own: a watchdog
            # interrupts the kernel when the notebook as a whole runs longer than ``timeout``
            # seconds (the kernel is then replaced, not reused)
            fired = threading.Event()

            def stop():
                fired.set()
                km.interrupt_kernel()

            dog = threading.Timer(timeout, stop)
            dog.start()
            try:
                pm.execute_notebook(str(nb), str(target), km=km, kc=kernels.client(km), **kw)
            except Exception:
                if fired.is_set():
                    raise TimeoutError(f"the notebook ran longer than {timeout} s and was stopped") from None
                raise
            finally:
                dog.cancel()
        return time.monotonic() - t0
    # a fresh kernel per notebook; its own log (transport warnings) only with --verbose
    t0 = time.monotonic()
    extra = {} if verbose else {"extra_arguments": ["--IPKernelApp.log_level=CRITICAL"]}
    pm.execute_notebook(str(nb), str(target), **kw, **extra)
    return time.monotonic() - t0


def render_period(period: str, *, data: Path, notebooks: list[Path], out: Path, lang: str = "zh",
                  timeout: int = 600, extra: dict | None = None, parallel: int = 2, verbose: bool = False,
                  warm: bool = True, order: int = 0) -> Path:
    """Render every notebook for one period into ``out/<period>/`` (atomically), ``parallel`` at a
    time; ``order`` ranks this period among periods rendered at the same time (smaller first)."""
    from papermill.exceptions import PapermillExecutionError

    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    final = out / period
    notebooks = [Path(nb).resolve() for nb in notebooks]
    started = _dt.datetime.now(_dt.timezone.utc)
    versions = out / VERSIONS
    versions.mkdir(exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{period}-{started.strftime('%Y%m%dT%H%M%S')}-", dir=versions))
    os.chmod(tmp, 0o755)
    data = Path(data).resolve()
    params = {"data_dir": str(data), "period": period, "lang": lang, "out_dir": str(tmp), **(extra or {})}
    status, seconds = {}, {}

    def run_one(nb: Path, rank: int) -> None:
        target = tmp / nb.name
        for attempt in (1, 2):
            try:
                took = _execute(nb, target, params, timeout, verbose, warm, priority=(order, rank))
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
        t0 = time.monotonic()
        to_html(target, target.with_suffix(".html"), period=period, lang=lang)
        status[nb.name] = "ok"
        seconds[nb.name] = round(took + time.monotonic() - t0, 2)

    try:
        # notebooks of one period are independent: ``parallel`` kernels (one per core) take them
        # longest first, so that the kernels finish at about the same time. Every notebook has its
        # own thread waiting for a kernel: a page is exported to HTML while its kernel already runs
        # the next notebook. Waiting notebooks of earlier periods (smaller ``order``) go first.
        from concurrent.futures import ThreadPoolExecutor

        if warm:
            pool(verbose).size = max(1, parallel)
        threads_n = len(notebooks) if warm else max(1, min(parallel, len(notebooks)))
        with ThreadPoolExecutor(max_workers=max(1, threads_n)) as threads:
            for fut in [threads.submit(run_one, nb, rank) for rank, nb in enumerate(longest_first(notebooks, out))]:
                fut.result()
        (tmp / ".record.lock").unlink(missing_ok=True)
        shutil.rmtree(tmp / SHARED, ignore_errors=True)
    except BaseException:
        q = out / "_quarantine" / f"{period}-{started.strftime('%Y%m%dT%H%M%S')}"
        q.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(tmp), str(q))
        raise
    inputs = {p.name: sha256_file(p) for p in sorted(data.iterdir()) if p.is_file()}
    manifest = {"period": period, "parameters": {k: v for k, v in params.items() if k != "out_dir"},
                "inputs_sha256": inputs, "versions": _versions(), "started": started.isoformat(),
                "finished": _dt.datetime.now(_dt.timezone.utc).isoformat(), "notebooks": status,
                "notebook_seconds": seconds}
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    publish(out, period, tmp)
    return final


def longest_first(notebooks: list[Path], out: Path) -> list[Path]:
    """The notebooks ordered by how long they took in the reports already in ``out`` (mean over
    periods, longest first); notebooks never timed there come first, in name order. With no timed
    report there yet, the larger notebook files first."""
    took: dict[str, list[float]] = {}
    for m in Path(out).glob("*/manifest.json"):
        try:
            for name, secs in json.loads(m.read_text(encoding="utf-8")).get("notebook_seconds", {}).items():
                took.setdefault(name, []).append(float(secs))
        except (OSError, ValueError, AttributeError, TypeError):
            continue
    mean = {k: sum(v) / len(v) for k, v in took.items()}
    if not mean:    # nothing timed yet: the larger notebook (more cells) first
        return sorted(notebooks, key=lambda nb: (-nb.stat().st_size, nb.name))
    return sorted(notebooks, key=lambda nb: (nb.name in mean, -mean.get(nb.name, 0.0), nb.name))


#: where complete period folders live; ``<out>/<period>`` is a symbolic link to one of them
VERSIONS = ".versions"


def publish(out: Path, period: str, folder: Path) -> None:
    """Point ``out/<period>`` at ``folder`` with one rename of a symbolic link, so that at every
    instant ``out/<period>`` is either the previous complete report or the new one; then remove
    the version it replaced. A real folder left by an older version of the package is first moved
    into ``.versions`` (the one step that is not atomic, done once)."""
    final = out / period
    if final.is_dir() and not final.is_symlink():
        legacy = out / VERSIONS / f"{period}-legacy"
        shutil.rmtree(legacy, ignore_errors=True)
        os.replace(final, legacy)
        os.symlink(os.path.relpath(legacy, out), final)
    previous = final.resolve() if final.is_symlink() else None
    link = out / f".{period}.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(folder, out), link)
    os.replace(link, final)
    if previous is not None and previous != folder.resolve() and previous.parent == (out / VERSIONS).resolve():
        shutil.rmtree(previous, ignore_errors=True)


def clean_stale(out: Path) -> list[str]:
    """Remove what killed runs left: version folders no period link points at, stray links and the
    temporary folders of older versions of the package. Call only while holding the output lock."""
    out = Path(out)
    removed = []
    versions = out / VERSIONS
    live = {p.resolve() for p in out.iterdir() if p.is_symlink()}
    for v in (sorted(versions.iterdir()) if versions.is_dir() else []):
        if v.resolve() not in live:
            shutil.rmtree(v, ignore_errors=True)
            removed.append(v.name)
    for p in out.glob(".*"):
        if p.name in (VERSIONS, ".lock"):
            continue
        if p.is_symlink():
            p.unlink()
        elif p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            continue
        removed.append(p.name)
    return removed


class OutputLock:
    """One report run per output folder: a second run is told which process holds the folder."""

    def __init__(self, out: Path):
        self.path = Path(out) / ".lock"

    def __enter__(self):
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(self.path, "a+")
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.fh.seek(0)
            holder = self.fh.read().strip() or "another process"
            self.fh.close()
            raise DataError(f"report: output folder {str(self.path.parent)!r} is being written by {holder}; "
                            f"wait for that run to finish (or choose another --out)") from None
        self.fh.seek(0)
        self.fh.truncate()
        self.fh.write(f"process {os.getpid()} since {_dt.datetime.now().isoformat(timespec='seconds')}")
        self.fh.flush()
        return self

    def __exit__(self, *exc):
        self.fh.close()
        return False


def _warm_worker(verbose: bool, n: int) -> None:
    """Start this worker process's kernels before its first period arrives."""
    pool(verbose).prestart(n)


def _render_one(args):
    period, kw = args
    t0 = time.monotonic()
    try:
        path = render_period(period, **kw)
        took = json.loads((path / "manifest.json").read_text(encoding="utf-8")).get("notebook_seconds", {})
        return {"period": period, "status": "ok", "seconds": time.monotonic() - t0, "output": str(path), "error": "",
                "notebooks": took}
    except DataError as exc:
        return {"period": period, "status": "failed", "seconds": time.monotonic() - t0, "output": "", "error": str(exc)}


def render_reports(*, period: str | None, all_periods: bool, data: Path, notebooks: Path, out: Path,
                   lang: str = "zh", workers: int = 1, timeout: int = 600, engine: str = "duckdb",
                   spark_master: str = "", audience: str = "internal", keep_going: bool = False,
                   log=None, verbose: bool = False, firm: str = "") -> list[dict]:
    """Render the top-level notebooks of ``notebooks`` for one period or all of them.

    Returns one summary row per period (``period``, ``status``, ``seconds``, ``output``, ``error``).
    Without ``keep_going`` the first failed period raises its :class:`ReportError`; with it every
    period that can be rendered is, and the failures are in the summary."""
    log = log or (lambda msg: None)
    nbs = sorted(Path(notebooks).resolve().glob("*.ipynb"))
    if not nbs:
        raise DataError(f"report: no notebooks (*.ipynb) found in folder {str(notebooks)!r}")
    if not Path(data).is_dir():
        raise DataError(f"report: data folder {str(data)!r} not found")
    if engine not in ("duckdb", "spark"):
        raise DataError(f"report: --engine {engine!r} is not one of ['duckdb', 'spark']")
    periods = discover_periods(data) if all_periods else [parse_period(period).label]
    parallel = workers > 1 and len(periods) > 1
    kernels = kernel_count(len(nbs), workers if parallel else 1)
    if not parallel:
        # this process's kernels start (and load the notebooks' modules) while the run sets up
        pool(verbose).prestart(kernels)
    kw = {"data": Path(data), "notebooks": nbs, "out": Path(out), "lang": lang, "timeout": timeout, "parallel": kernels,
          "extra": {"engine": engine, "spark_master": spark_master, "audience": audience,
                    "firm": firm or Path(data).resolve().name}, "verbose": verbose}
    summary = []
    with OutputLock(Path(out)):
        stale = clean_stale(Path(out))
        if stale:
            log(f"removed what interrupted runs left: {', '.join(stale)}")
        try:
            from tqdm.auto import tqdm
        except ImportError:  # pragma: no cover
            def tqdm(x, **_):
                return x
        bar = tqdm(total=len(periods), desc="periods", disable=not sys.stderr.isatty())
        jobs = [(p, {**kw, "order": i}) for i, p in enumerate(periods)]
        try:
            if parallel:        # worker processes, each with its own kernels
                executor = ProcessPoolExecutor(max_workers=workers, initializer=_warm_worker, initargs=(verbose, kernels))
            else:
                # this process's kernels; the next period starts while the last notebooks of the
                # current one still run, so that no kernel waits for the slowest page of a period
                # (an earlier period's notebooks always get a free kernel first)
                from concurrent.futures import ThreadPoolExecutor

                executor = ThreadPoolExecutor(max_workers=max(1, min(2, len(periods))))
            with executor:
                futures = [executor.submit(_render_one, job) for job in jobs]
                stop = False
                for fut in futures:
                    if stop and fut.cancel():       # not started: left out after a failure
                        continue
                    row = fut.result()
                    summary.append(row)
                    _log_row(log, row)
                    bar.update(1)
                    if row["status"] != "ok" and not keep_going:
                        stop = True
        finally:
            bar.close()
            record_runs(Path(out), summary)
            write_index(Path(out), lang=lang, firm=kw["extra"]["firm"])
    failed = [r for r in summary if r["status"] != "ok"]
    if failed and not keep_going:
        raise ReportError(failed[0]["error"])
    return summary


def _log_row(log, row: dict) -> None:
    for name, secs in sorted(row.get("notebooks", {}).items()):
        log(f"{row['period']} {Path(name).stem}: ok in {secs:.1f} s — {Path(row['output']) / Path(name).with_suffix('.html').name}")
    where = row["output"] if row["status"] == "ok" else row["error"]
    log(f"{row['period']}: {row['status']} in {row['seconds']:.1f} s — {where}")
