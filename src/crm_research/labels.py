"""The bilingual label catalogue (kept importable here; it lives in :mod:`crm_research.present.labels`)."""

from .present.labels import LANGS, catalogue, check_lang, has_label, label, rename

__all__ = ["LANGS", "catalogue", "check_lang", "has_label", "label", "rename"]
