"""Kept importable here; the figures live in :mod:`crm_research.present.plots.fonts`."""

from ..present.plots.fonts import *  # noqa: F401,F403
from ..present.plots.fonts import __all__  # noqa: F401
