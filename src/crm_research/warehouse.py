"""The embedded warehouse (kept importable here; it lives in :mod:`crm_research.io.warehouse`)."""

from .io.periods import Period, parse_period
from .io.warehouse import (DEFAULT_PATH, SCHEMA_VERSION, TABLES, connect, ingest, load_table, read_table,
                           sha256_file, status)

__all__ = ["ingest", "status", "load_table", "read_table", "Period", "parse_period", "TABLES", "SCHEMA_VERSION",
           "DEFAULT_PATH", "connect", "sha256_file"]
