"""Kept importable here; the figures live in :mod:`crm_research.present.plots.models`."""

from ..present.plots.models import *  # noqa: F401,F403
from ..present.plots.models import __all__  # noqa: F401
