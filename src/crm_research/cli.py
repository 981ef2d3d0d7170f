"""Command line: ``crm-research report | ingest | warehouse | init``.

Exit codes: 0 everything done; 1 some periods failed (``report --keep-going``; the summary names
them); 2 bad input or arguments (the message names the file, column, row or option); 130
interrupted. Add ``--debug`` to see a traceback instead of the one-line message.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

from ._core.errors import DataError

__all__ = ["main", "PROJECT_FILE"]

#: the project file ``crm-research init`` writes; found upward from the working directory
PROJECT_FILE = "crm_research.toml"


def _build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="crm-research", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--debug", action="store_true", help="show a traceback for errors")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("report", help="render the periodic reports with papermill")
    g = r.add_mutually_exclusive_group(required=True)
    g.add_argument("--period", help="a quarter (2026Q3) or a month (2026-09)")
    g.add_argument("--all", action="store_true", help="every period the data covers")
    r.add_argument("--data", help=f"folder with the firm's files; default: data_dir of {PROJECT_FILE} found upward")
    r.add_argument("--notebooks", help="folder with the notebooks to render (default: the report notebooks "
                                       "shipped with the package)")
    r.add_argument("--out", help=f"output folder (default: out_dir of {PROJECT_FILE}, else ./reports)")
    r.add_argument("--lang", default=None, choices=["zh", "en"])
    r.add_argument("--firm", default=None, help=f"the firm's name on every page (default: firm of {PROJECT_FILE}, "
                                                 f"else the data folder's name)")
    r.add_argument("--audience", default="internal", choices=["internal", "external"],
                   help="internal: named customers for the firm's staff; external: no names or ids, small groups suppressed")
    r.add_argument("--workers", type=int, default=1)
    r.add_argument("--keep-going", action="store_true", help="render every period that can be rendered; exit 1 "
                                                              "listing the ones that failed")
    r.add_argument("--engine", default="duckdb", choices=["duckdb", "spark"],
                   help="where the transaction-level SQL runs (spark needs pyspark and Java 17+)")
    r.add_argument("--spark-master", default="", help="with --engine spark: local[2], spark://host:7077, yarn")
    v = r.add_mutually_exclusive_group()
    v.add_argument("--quiet", action="store_true", help="print only errors")
    v.add_argument("--verbose", action="store_true", help="also print what the kernels say")
    i = sub.add_parser("init", help=f"write {PROJECT_FILE} here: where the firm's data and reports live")
    i.add_argument("--data", required=True, help="folder with the firm's files or its warehouse")
    i.add_argument("--out", default="reports")
    i.add_argument("--lang", default="zh", choices=["zh", "en"])
    i.add_argument("--firm", default="", help="the firm's name on every report page")
    _add_warehouse_commands(sub)
    return p


def _add_warehouse_commands(sub) -> None:
    i = sub.add_parser("ingest", help="validate a period's exports and append them to the warehouse")
    i.add_argument("--period", required=True, help="a quarter (2026Q3) or a month (2026-09)")
    i.add_argument("files", nargs="+", help="shipments_*.csv, invoices_*.csv, payments_*.csv, complaints_*.csv, ...")
    i.add_argument("--warehouse", default="data/warehouse.duckdb")
    i.add_argument("--replace", action="store_true", help="load a file again, replacing that period's rows")
    w = sub.add_parser("warehouse", help="inspect the warehouse")
    w.add_argument("action", choices=["status"])
    w.add_argument("--warehouse", default="data/warehouse.duckdb")


def find_project(start: Path | None = None) -> tuple[Path, dict] | None:
    """The nearest crm_research.toml at or above ``start`` (default: the working directory)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        f = folder / PROJECT_FILE
        if f.is_file():
            try:
                return f, tomllib.loads(f.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise DataError(f"{f}: not valid TOML: {exc}") from None
    return None


def _report_settings(args) -> dict:
    proj = find_project()
    conf, base = ({}, Path.cwd()) if proj is None else (proj[1].get("report", proj[1]), proj[0].parent)
    data = args.data or conf.get("data_dir")
    if not data:
        raise DataError(f"report: no data folder: pass --data DIR or run `crm-research init --data DIR` to write "
                        f"{PROJECT_FILE} (none found in {Path.cwd()} or above)")
    data = Path(data) if args.data else base / data
    out = Path(args.out) if args.out else base / conf.get("out_dir", "reports")
    if out.exists() and not out.is_dir():
        raise DataError(f"report: --out {str(out)!r} is a file, not a folder")
    if args.notebooks:
        notebooks = Path(args.notebooks)
    else:
        from importlib import resources

        notebooks = Path(str(resources.files("crm_research") / "report" / "notebooks"))
    return {"data": data, "out": out, "notebooks": notebooks, "lang": args.lang or conf.get("lang", "zh"),
            "firm": args.firm if args.firm is not None else conf.get("firm", "")}


def _report(args) -> int:
    from .io.periods import parse_period

    if args.period is not None:
        parse_period(args.period)           # '' and impossible periods are errors, never "all"
    s = _report_settings(args)
    if args.period is not None or args.workers <= 1:
        # this process renders the periods itself: its kernels start now, in the background,
        # before this process imports pandas, papermill and nbconvert (render_reports reuses them)
        from .report.kernels import kernel_count, pool

        nbs = len(list(Path(s["notebooks"]).glob("*.ipynb")))
        if nbs and Path(s["data"]).is_dir():
            pool(args.verbose).prestart(kernel_count(nbs))
    from .report import render_reports

    say = (lambda m: None) if args.quiet else (lambda m: print(m, file=sys.stderr, flush=True))
    summary = render_reports(period=args.period, all_periods=args.all, data=s["data"], notebooks=s["notebooks"],
                             out=s["out"], lang=s["lang"], workers=args.workers, engine=args.engine,
                             spark_master=args.spark_master, audience=args.audience, keep_going=args.keep_going,
                             log=say, verbose=args.verbose, firm=s["firm"])
    failed = [r for r in summary if r["status"] != "ok"]
    if not args.quiet or failed:
        print(f"{len(summary) - len(failed)} of {len(summary)} periods rendered into {s['out']}"
              + (f"; failed: {', '.join(r['period'] for r in failed)}" if failed else ""), file=sys.stderr)
    return 1 if failed else 0


def _init(args) -> int:
    target = Path.cwd() / PROJECT_FILE
    if target.exists():
        raise DataError(f"init: {target} exists already; edit it instead")
    data = Path(args.data)
    if not data.is_dir():
        raise DataError(f"init: data folder {str(data)!r} not found")
    import json

    # JSON string literals are valid TOML basic strings: quotes and backslashes in paths are escaped
    target.write_text(f'# crm_research project: `crm-research report` run anywhere below this folder uses it\n'
                      f'[report]\ndata_dir = {json.dumps(data.as_posix())}\nout_dir = {json.dumps(Path(args.out).as_posix())}\n'
                      f'lang = "{args.lang}"\nfirm = {json.dumps(args.firm, ensure_ascii=False)}\n', encoding="utf-8")
    print(f"wrote {target}")
    return 0


def _skip_iri_grammars() -> None:
    """jsonschema compiles some forty IRI grammars (rfc3987-syntax, present when JupyterLab is
    installed) the moment nbformat is imported: a second of CPU on every run for a check that
    notebook validation never uses ("iri" formats). This process does not load that package, so
    jsonschema leaves the "iri" format unchecked; kernels and other processes are unaffected."""
    sys.modules.setdefault("rfc3987_syntax", None)


def main(argv: list[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    if args.command == "report" and "jsonschema" not in sys.modules:
        _skip_iri_grammars()
    try:
        if args.command == "report":
            return _report(args)
        if args.command == "init":
            return _init(args)
        if args.command == "ingest":
            from .io.warehouse import ingest

            log = ingest(args.files, args.period, path=args.warehouse, replace=args.replace)
            if log.empty:
                print("nothing to do: every file is already in the warehouse (same SHA-256)", file=sys.stderr)
            else:
                print(log[["table", "file", "rows", "sha256"]].to_string(index=False))
        elif args.command == "warehouse":
            from .io.warehouse import status

            print(status(args.warehouse).to_string(index=False))
    except DataError as exc:
        if args.debug:
            raise
        print(f"crm-research: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
