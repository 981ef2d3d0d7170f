"""Survey waves for a report: which file holds a period's wave, and the indices over waves."""

from __future__ import annotations

import pandas as pd

from .._core.errors import DataError
from ..io.periods import parse_period
from .data import PeriodData

__all__ = ["satisfaction_indices"]


def satisfaction_indices(data_dir, period: str, *, instrument="logistics_csl",
                         min_duration: float | None = 120) -> tuple[pd.DataFrame, object]:
    """The 0–100 indices of the instrument's model (PLS) for the period's survey wave, the previous
    wave and the wave a year before, where they exist (warehouse or CSV, as :class:`PeriodData`
    reads them); also returns the current wave's PLS result (for the importance–performance map)."""
    from ..periodic import wave_indices

    waves = PeriodData(data_dir, period).waves(instrument)
    if "current" not in waves:
        raise DataError(f"satisfaction_indices: no survey wave for period {period}: expected the file "
                        f"survey_{parse_period(period).quarter().label}.csv in {str(data_dir)!r} or a survey "
                        f"table in its warehouse")
    indices, fits = wave_indices(waves, min_duration=min_duration)
    return indices, fits["current"]
