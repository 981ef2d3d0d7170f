"""Reporting periods: quarters (``2026Q3``) and months (``2026-09``), and where a period's files are."""

from __future__ import annotations

import datetime as _dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .._core.errors import DataError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Period", "as_dates", "parse_period", "survey_file", "discover_periods"]


def as_dates(values: "pd.Series") -> "pd.Series":
    """``values`` as timestamps (text that is not a date becomes missing). Typed dates are returned
    as they are: ``pd.to_datetime`` would still walk every value of them to decide whether to cache
    (milliseconds per call, and the reports call it per KPI and period)."""
    import pandas as pd

    return values if pd.api.types.is_datetime64_any_dtype(values) else pd.to_datetime(values, errors="coerce")


@dataclass(frozen=True)
class Period:
    """A reporting period: a quarter (``2026Q3``) or a month (``2026-09``)."""

    label: str
    start: _dt.date
    end: _dt.date  # exclusive

    def contains(self, dates: pd.Series) -> pd.Series:
        import pandas as pd

        d = as_dates(dates)
        return (d >= pd.Timestamp(self.start)) & (d < pd.Timestamp(self.end))

    def previous(self) -> "Period":
        if "Q" in self.label:
            y, q = int(self.label[:4]), int(self.label[-1])
            return parse_period(f"{y - 1}Q4" if q == 1 else f"{y}Q{q - 1}")
        y, m = int(self.label[:4]), int(self.label[5:])
        return parse_period(f"{y - 1}-12" if m == 1 else f"{y}-{m - 1:02d}")

    def quarter(self) -> "Period":
        """The quarter containing this period (itself when it is a quarter)."""
        return parse_period(f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}")

    def year_before(self) -> "Period":
        return parse_period(str(int(self.label[:4]) - 1) + self.label[4:])


def parse_period(text: str) -> Period:
    """``2026Q3`` → 2026-07-01 … 2026-10-01; ``2026-09`` → 2026-09-01 … 2026-10-01."""
    s = str(text).strip() if text is not None else ""
    if not s:
        raise DataError("period is empty: give a quarter like 2026Q3 or a month like 2026-09")
    year = re.match(r"(\d{4})", s)
    if year and int(year.group(1)) < 1900:
        raise DataError(f"period {text!r}: year {year.group(1)} is before 1900; give a quarter like 2026Q3 or a "
                        f"month like 2026-09")
    m = re.fullmatch(r"(\d{4})[-_ ]?Q([1-4])", s, re.I)
    if m:
        y, q = int(m.group(1)), int(m.group(2))
        start = _dt.date(y, 3 * q - 2, 1)
        end = _dt.date(y + 1, 1, 1) if q == 4 else _dt.date(y, 3 * q + 1, 1)
        return Period(f"{y}Q{q}", start, end)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", s)
    if m and 1 <= int(m.group(2)) <= 12:
        y, mo = int(m.group(1)), int(m.group(2))
        end = _dt.date(y + 1, 1, 1) if mo == 12 else _dt.date(y, mo + 1, 1)
        return Period(f"{y}-{mo:02d}", _dt.date(y, mo, 1), end)
    raise DataError(f"period {text!r} is not a quarter like 2026Q3 or a month like 2026-09")


def survey_file(data_dir, period: str) -> Path | None:
    """The survey wave file of the quarter containing ``period`` (survey_<quarter>.csv), if any."""
    path = Path(data_dir) / f"survey_{parse_period(period).quarter().label}.csv"
    return path if path.exists() else None


def discover_periods(data_dir) -> list[str]:
    """Quarters covered by ``shipments.csv`` (ship_date), the survey waves in ``data_dir`` and the
    periods loaded into its warehouse (``warehouse.duckdb``)."""
    data_dir = Path(data_dir)
    periods = set()
    if (data_dir / "warehouse.duckdb").is_file():
        from .warehouse import loaded_periods

        periods |= {parse_period(p).quarter().label for p in loaded_periods(data_dir / "warehouse.duckdb")}
    ship = data_dir / "shipments.csv"
    if ship.exists():
        import pandas as pd

        d = pd.to_datetime(pd.read_csv(ship, usecols=["ship_date"])["ship_date"])
        periods |= set(d.dt.to_period("Q").astype(str))
    skipped = []
    for p in sorted(data_dir.glob("survey_*.csv")):
        m = re.fullmatch(r"survey_(\d{4}Q[1-4])", p.stem)
        if m and int(m.group(1)[:4]) >= 1900:
            periods.add(m.group(1))
        else:
            skipped.append(p.name)
    if skipped:
        logging.getLogger("crm_research").warning(
            "skipped files that do not match the naming scheme survey_<YYYY>Q<1-4>.csv: %s", ", ".join(skipped))
    if not periods:
        raise DataError(f"report: no shipments.csv, survey_<wave>.csv or warehouse.duckdb with loaded periods in "
                        f"data folder {str(data_dir)!r}; nothing to report")
    return sorted(periods)
