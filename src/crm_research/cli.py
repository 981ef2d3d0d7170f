"""Command line: ``crm-research report ...`` (and later ``ingest`` / ``warehouse``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._core.errors import DataError

__all__ = ["main"]


def _build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="crm-research", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("report", help="render the periodic reports with papermill")
    g = r.add_mutually_exclusive_group()
    g.add_argument("--period", help="a quarter (2026Q3) or a month (2026-09)")
    g.add_argument("--all", action="store_true", help="every period the data covers")
    r.add_argument("--data", default="data/sample", help="folder with the input files")
    r.add_argument("--notebooks", default="notebooks", help="folder with the notebooks to render")
    r.add_argument("--out", default="reports", help="output folder")
    r.add_argument("--lang", default="zh", choices=["zh", "en"])
    r.add_argument("--audience", default="internal", choices=["internal", "external"],
                   help="internal: named customers for the firm's staff; external: no names or ids, small groups suppressed")
    r.add_argument("--workers", type=int, default=1)
    r.add_argument("--engine", default="duckdb", choices=["duckdb", "spark"],
                   help="where the transaction-level SQL runs (spark needs pyspark and Java 17+)")
    r.add_argument("--spark-master", default="", help="with --engine spark: local[2], spark://host:7077, yarn")
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


def main(argv: list[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    try:
        if args.command == "report":
            from .report import render_reports

            render_reports(period=args.period, all_periods=args.all, data=Path(args.data),
                           notebooks=Path(args.notebooks), out=Path(args.out), lang=args.lang,
                           workers=args.workers, engine=args.engine, spark_master=args.spark_master,
                           audience=args.audience)
        elif args.command == "ingest":
            from .warehouse import ingest

            log = ingest(args.files, args.period, path=args.warehouse, replace=args.replace)
            print(log[["table", "file", "rows", "sha256"]].to_string(index=False))
        elif args.command == "warehouse":
            from .warehouse import status

            print(status(args.warehouse).to_string(index=False))
    except DataError as exc:
        print(f"crm-research: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
