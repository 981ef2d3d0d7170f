"""Words for tables and interpretations, all from the label catalogue
(``present/labels/evaluation.yaml``, namespace ``evaluation``; sentences under ``evaluation.text``)."""

from __future__ import annotations

from ..present.labels import label


def label_of(key: str, lang: str) -> str:
    """A label of the ``evaluation`` namespace."""
    return label(key, lang, ns="evaluation")


def T(key: str, lang: str, **values) -> str:
    """A sentence template of ``evaluation.text`` filled with ``values``."""
    return label(key, lang, ns="evaluation.text").format(**values)
