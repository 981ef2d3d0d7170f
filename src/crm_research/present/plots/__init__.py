"""Figures (presentation only: nothing here computes a statistic).

One submodule per area: ``fonts`` (CJK-capable font selection), and the figures of each analysis
area in its own submodule (e.g. ``crm_research.plots.value``). Titles and axis labels come from
the bilingual catalogue in :mod:`crm_research.labels`.
"""
