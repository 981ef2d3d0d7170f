"""Figures (kept importable here; they live in :mod:`crm_research.present.plots`)."""
