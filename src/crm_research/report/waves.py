"""Survey waves for a report: which file holds a period's wave, and the indices over waves."""

from __future__ import annotations

import pandas as pd

from .._core.errors import DataError
from ..io.periods import parse_period, survey_file

__all__ = ["satisfaction_indices"]


def satisfaction_indices(data_dir, period: str, *, instrument="logistics_csl",
                         min_duration: float | None = 120) -> tuple[pd.DataFrame, object]:
    """The 0–100 indices of the logistics model (PLS, as in the satisfaction-index notebook) for the
    period's survey wave, the previous wave and the wave a year before, where they exist; also
    returns the current wave's PLS result (for the importance–performance map)."""
    from ..periodic import comparison_periods, wave_indices
    from ..survey import load_survey

    here = survey_file(data_dir, period)
    if here is None:
        raise DataError(f"satisfaction_indices: no survey wave for period {period}: expected the file "
                        f"survey_{_quarter(period)}.csv in {str(data_dir)!r}")
    waves = {}
    for key, p in comparison_periods(period).items():
        f = survey_file(data_dir, p.label)
        if f is not None and (key == "current" or f != here):
            waves[key] = load_survey(f, instrument)
    indices, fits = wave_indices(waves, min_duration=min_duration)
    return indices, fits["current"]


def _quarter(period: str) -> str:
    p = parse_period(period)
    return f"{p.start.year}Q{(p.start.month - 1) // 3 + 1}"


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
