"""Kept importable here; the figures live in :mod:`crm_research.present.plots.value`."""

from ..present.plots.value import *  # noqa: F401,F403
from ..present.plots.value import __all__  # noqa: F401
