"""A firm's data for one reporting period: every table from the warehouse when it exists, else from
the CSV files of the data folder — survey waves included."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pandas as pd

from .._core.errors import DataError
from ..io.periods import as_dates, parse_period, survey_file
from ..io.warehouse import TABLES, load_table, load_survey_frame

__all__ = ["PeriodData"]


#: survey waves read from files in this process (a report kernel renders many notebooks and
#: periods): (path, size, modification time, instrument) → Survey. A file that changed is read again.
_WAVES: dict = {}
#: PLS fits of those waves by the Survey's id (the Survey is kept beside it, so the id is not reused)
_FITS: dict = {}


#: tables read in this process: (source file, its size and modification time, table) → frame. Each
#: caller gets its own copy, so a notebook that changes its table changes nothing for the next.
_TABLES: dict = {}


def _stamps(src: Path) -> tuple:
    """Path, size and modification time of ``src`` and of DuckDB's write-ahead log beside it
    (while one exists); empty when ``src`` does not exist."""
    stamps = []
    for f in (src, src.with_name(src.name + ".wal")):
        try:
            st = f.stat()
        except OSError:
            continue
        stamps += [str(f.resolve()), st.st_size, st.st_mtime_ns]
    return tuple(stamps)


def _table(data_dir: Path, name: str, warehouse: Path | None) -> pd.DataFrame:
    stamps = _stamps(warehouse if warehouse is not None else data_dir / f"{name}.csv")
    if not stamps:          # no such file: load_table says what it expected
        return load_table(data_dir, name, warehouse=warehouse)
    key = (name, *stamps)
    if key not in _TABLES:
        _TABLES[key] = load_table(data_dir, name, warehouse=warehouse)
    return _TABLES[key].copy()


def _wave(path: Path, instrument):
    from ..survey import load_survey

    key = (*_stamps(Path(path)), str(instrument))
    if key not in _WAVES:
        _WAVES[key] = load_survey(path, instrument)
    return _WAVES[key]


def _warehouse_wave(warehouse: Path, quarter, instrument):
    """The wave of ``quarter`` loaded into the warehouse as a Survey, or None."""
    from ..survey import Survey

    key = (*_stamps(warehouse), quarter.label, str(instrument))
    if key not in _WAVES:
        frame = load_survey_frame(warehouse, quarter)
        _WAVES[key] = None if frame is None else \
            Survey.from_frame(frame, instrument, name=f"warehouse survey {quarter.label}")
    return _WAVES[key]


class PeriodData:
    """Tables of ``data_dir`` up to the end of ``period`` (or within it), read once.

    >>> d = PeriodData("data/sample", "2026Q3")            # doctest: +SKIP
    >>> d.until_end("shipments")                          # every shipment before 2026-10-01
    >>> d.survey("2026Q2", "logistics_csl")               # a wave as a Survey (or None)
    """

    def __init__(self, data_dir, period, *, warehouse=None):
        self.data_dir = Path(data_dir)
        self.period = parse_period(period)
        wh = Path(warehouse) if warehouse else self.data_dir / "warehouse.duckdb"
        self.warehouse = wh if wh.exists() else None
        self._tables: dict[str, pd.DataFrame] = {}
        self._surveys: dict = {}

    @property
    def as_of(self) -> str:
        """The last day of the period (ISO date)."""
        return (pd.Timestamp(self.period.end) - pd.Timedelta(days=1)).date().isoformat()

    def table(self, name: str) -> pd.DataFrame:
        if name not in self._tables:
            self._tables[name] = _table(self.data_dir, name, self.warehouse)
        return self._tables[name]

    def _date_col(self, name: str) -> str:
        col = TABLES[name][0]
        if col is None:
            raise DataError(f"PeriodData: table {name!r} has no date column")
        return col

    def until_end(self, name: str) -> pd.DataFrame:
        t = self.table(name)
        return t[as_dates(t[self._date_col(name)]) < pd.Timestamp(self.period.end)]

    def in_period(self, name: str, period=None) -> pd.DataFrame:
        p = self.period if period is None else parse_period(period)
        t = self.table(name)
        return t[p.contains(t[self._date_col(name)])]

    def survey(self, period, instrument):
        """The survey wave of the quarter containing ``period`` as a checked Survey, or None (read
        and checked once per quarter and instrument)."""
        q = parse_period(period).quarter()
        key = (q.label, str(instrument))
        if key not in self._surveys:
            s = _warehouse_wave(self.warehouse, q, instrument) if self.warehouse is not None else None
            if s is None:
                f = survey_file(self.data_dir, q.label)
                s = _wave(f, instrument) if f is not None else None
            self._surveys[key] = s
        return self._surveys[key]

    def waves(self, instrument) -> dict:
        """The waves a report compares: ``current``, ``previous`` and ``year_before`` (those that
        exist; a previous month in the same quarter is the same wave and left out)."""
        return {key: self.survey(q, instrument) for key, q in self.comparison_quarters(instrument).items()}

    def comparison_quarters(self, instrument) -> dict:
        """The quarter of each wave :meth:`waves` returns (``current`` → ``"2026Q3"``, ...)."""
        from ..periodic import comparison_periods

        out = {}
        for key, p in comparison_periods(self.period).items():
            s = self.survey(p.label, instrument)
            if s is not None and (key == "current" or p.quarter() != self.period.quarter()):
                out[key] = p.quarter().label
        return out

    def survey_history_with_fits(self, instrument) -> tuple[pd.DataFrame, dict]:
        """The 0–100 indices of every wave up to this period (construct × quarter, oldest first) and
        the PLS result of each compared wave (``current``, ``previous``, ``year_before``): each wave
        fitted once (:func:`crm_research.periodic.wave_indices`)."""
        from ..periodic import wave_indices

        roles = self.comparison_quarters(instrument)
        waves = {**self.survey_history(instrument), **{q: self.survey(q, instrument) for q in roles.values()}}
        cols, by_quarter = {}, {}
        for q, s in sorted(waves.items()):
            if id(s) not in _FITS:
                _FITS[id(s)] = (s, wave_indices({q: s})[1][q])
            by_quarter[q] = _FITS[id(s)][1]
            cols[q] = by_quarter[q].index
        return pd.DataFrame(cols), {role: by_quarter[q] for role, q in roles.items()}

    def quarters(self) -> list[str]:
        """Every quarter from the first shipment up to this period's quarter, oldest first."""
        first = as_dates(self.table("shipments")["ship_date"]).min()
        q, out = self.period.quarter(), []
        while pd.Timestamp(q.end) > first:
            out.append(q.label)
            q = q.previous()
        return out[::-1]

    def survey_history(self, instrument) -> dict:
        """Every survey wave up to this period's quarter (quarter label → Survey), oldest first."""
        waves = {q: self.survey(q, instrument) for q in self.quarters()}
        return {q: s for q, s in waves.items() if s is not None}

    @cached_property
    def customers(self) -> pd.DataFrame | None:
        try:
            return self.table("customers").set_index("customer_id")
        except DataError:
            return None
