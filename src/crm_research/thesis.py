"""The chain of a survey thesis's results chapter, from a loaded :class:`~crm_research.survey.Survey`
to one Word document: screening (the questionnaire funnel), reliability, KMO/Bartlett and EFA, CFA, reliability and
validity, common method bias, correlations, hierarchical regression and mediation, and optionally
the structural model (SEM or PLS-SEM) — each table followed by its interpretation.

>>> from crm_research.survey import load_survey
>>> from crm_research.thesis import chapter
>>> s = load_survey("问卷星导出.xlsx", "my_instrument.yaml")          # doctest: +SKIP
>>> ch = chapter(s, x="quality", m="satisfaction", y="loyalty", out="第四章.docx")   # doctest: +SKIP

Every step is a public function of the package; this module only calls them in the order a
chapter presents them and collects their tables and interpretations.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import pandas as pd

from ._core.errors import DataError

__all__ = ["chapter", "Chapter"]


@dataclass(frozen=True)
class Chapter:
    """The tables (crm_research Table objects) and the paragraph after each, the screening
    funnel, the warnings raised on the way, and the .docx written (or None)."""

    tables: list
    paragraphs: list
    funnel: str
    warnings: list = field(default_factory=list)
    path: object = None


def chapter(survey, *, x: str, m: str, y: str, controls=(), constructs=None, lang: str = "zh",
            style: str = "thesis-zh", min_duration: float | None = None, n_boot: int = 5000, seed=1,
            structural: str | None = None, out=None) -> Chapter:
    """Run the chain on ``survey`` and, when ``out`` is given, write every table and its
    interpretation to one Word document.

    ``x``, ``m``, ``y`` are constructs of the instrument (predictor, mediator, outcome); the
    hierarchical regression enters ``controls`` (columns of the file, numeric) first, then ``x``,
    then ``m``. ``constructs`` limits the measurement model (default: every construct with at least
    two items). ``min_duration`` (seconds) is passed to :meth:`Survey.screen`.

    ``structural`` ends the chapter with the structural model, fitted on the kept answers:

    - ``"sem"``: the latent mediation model ``m ~ x``, ``y ~ m + x`` with the instrument's items,
      by :func:`crm_research.sem.sem` (ML, as lavaan); lavaan model syntax (any string holding
      ``=~`` or ``~``) or the name of a shipped model (:func:`crm_research.sem.list_models`) the
      same way. Tables: the fit indices with their criteria (Hu & Bentler, 1999) and the estimates
      with the standardised paths starred; then the interpretation.
    - ``"pls"``: PLS-SEM (:func:`crm_research.models.pls_path`) of ``x → m → y`` and ``x → y`` with
      ``n_boot`` bootstrap resamples: reliability and convergent validity (Hair et al., 2019),
      HTMT (Henseler, Ringle & Sarstedt, 2015), the paths with bootstrap intervals; then the
      interpretation.
    """
    from . import regression, reliability, validity
    from .present.thesis import sentence_gap
    from .tables import to_docx

    from .present.table import STYLES

    if style not in STYLES:
        raise DataError(f"chapter: style={style!r} is not one of {list(STYLES)}")
    inst = survey._require_instrument("chapter")
    names = list(constructs) if constructs is not None else [c for c, v in inst.model.items() if len(v) >= 2]
    unknown = [c for c in names + [x, m, y] if c not in inst.constructs]
    if unknown:
        raise DataError(f"chapter: constructs not in instrument {inst.name!r}: {unknown}; its constructs are "
                        f"{list(inst.constructs)}")
    for c in (x, m, y):
        if c not in names:
            names.append(c)
    kind, lavaan = _structural(structural, x, m, y, inst)
    model = {c: list(inst.model[c]) for c in names}
    controls = [controls] if isinstance(controls, str) else list(controls)
    missing = [c for c in controls if c not in survey.responses.columns]
    if missing:
        raise DataError(f"chapter: control variables not in the file: {missing}")
    caught: list = []
    tables, texts = [], []

    def add(table, text=""):
        tables.append(table.styled(style))
        texts.append(text)

    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        screen = survey.screen(min_duration=min_duration)
        add(screen.table(lang), screen.interpret(lang))
        kept = screen.kept.index
        keyed = survey.keyed().loc[kept]
        items = keyed[[i for c in names for i in model[c]]]
        rel = reliability.reliability_table(keyed, model)
        add(rel.table(lang), rel.interpret(lang))
        k, b = validity.kmo(items), validity.bartlett(items)
        efa = validity.efa(items, len(names), rotation="varimax")
        sep = sentence_gap(lang)
        add(efa.table(lang), k.interpret(lang) + sep + b.interpret(lang) + sep + efa.interpret(lang))
        cfa = validity.cfa(keyed, model)
        add(cfa.table(lang), cfa.interpret(lang))
        summary = validity.construct_summary(keyed, model, cfa_result=cfa)
        add(summary.table(lang, names=inst), summary.interpret(lang))
        harman = validity.harman(items)
        scores = survey.scores().loc[kept, names]
        corr = regression.correlation_table(scores, sqrt_ave=cfa)
        add(corr.table(lang, names=inst), harman.interpret(lang) + sep + corr.interpret(lang, names=inst))
        data = pd.concat([scores, survey.responses.loc[kept, controls]], axis=1)
        blocks = ([controls] if controls else []) + [[x], [m]]
        hier = regression.hierarchical(data, y, blocks)
        add(hier.table(lang, names=inst), hier.interpret(lang, names=inst))
        med = regression.mediation(scores, x, m, y, n_boot=n_boot, seed=seed)
        add(med.table(lang, names=inst), med.interpret(lang, names=inst))
        if kind == "sem":
            from .sem import sem

            labels = {c: inst.construct_label(c, lang) for c in inst.constructs}
            fit = sem(keyed, lavaan)
            add(fit.fit_table(lang))
            add(fit.table(lang, names=labels), fit.interpret(lang, names=labels))
        elif kind == "pls":
            from .models import pls_path

            pls = pls_path(keyed, {c: model[c] for c in (x, m, y)}, [(x, [m, y]), (m, y)], n_boot=n_boot, seed=seed)
            add(pls.table(lang, kind="reliability", names=inst))
            add(pls.table(lang, kind="htmt", names=inst))
            add(pls.table(lang, kind="paths", names=inst), pls.interpret(lang, names=inst))
    caught = [str(x_.message) for x_ in w]
    path = to_docx(tables, out, style=style, paragraphs=texts) if out is not None else None
    return Chapter(tables, texts, screen.funnel_text(lang), caught, path)


def _structural(structural, x, m, y, inst):
    """("sem", lavaan syntax), ("pls", None) or (None, None) for ``chapter(structural=...)``."""
    from .sem import list_models, load_model

    if structural is None:
        return None, None
    if not isinstance(structural, str):
        raise DataError(f"chapter: structural must be None, 'sem', 'pls', a shipped model ({', '.join(list_models())}) "
                        f"or lavaan model syntax, got {type(structural).__name__}")
    if structural == "pls":
        return "pls", None
    if structural == "sem":
        lines = [f"{c} =~ {' + '.join(inst.model[c])}" for c in (x, m, y)]
        return "sem", "\n".join(lines + [f"{m} ~ {x}", f"{y} ~ {m} + {x}"])
    if structural in list_models():
        return "sem", load_model(structural)
    if "~" in structural:
        return "sem", structural
    raise DataError(f"chapter: structural={structural!r} is not 'sem', 'pls', a shipped model "
                    f"({', '.join(list_models())}) or lavaan model syntax (lines with =~ or ~)")
