"""The "published vs reproduced" table that ends every replication notebook."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from .._core.errors import DataError

__all__ = ["compare_published"]

_VERDICTS = {
    "match": {"en": "reproduced", "zh": "一致"},
    "differs": {"en": "differs", "zh": "不一致"},
    "bound_met": {"en": "bound met", "zh": "满足"},
    "bound_missed": {"en": "bound not met", "zh": "不满足"},
}


def _decimals(text: str) -> int:
    text = text.strip().lstrip("<>=≤≥ ")
    return len(text.split(".")[1]) if "." in text else 0


def _round(x: float, d: int) -> float:
    return float(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP))


def compare_published(rows, *, lang: str = "en") -> pd.DataFrame:
    """One row per published figure: what the paper says, what we got, the difference, a verdict.

    ``rows`` is a list of ``(label, published, reproduced)``. ``published`` is a string as printed
    in the paper: a value ("0.36", "29.31") is *reproduced* when ``reproduced`` rounds (half up)
    to it at the printed precision; a bound ("> 0.863", "< 0.05") is *met* when ``reproduced``
    satisfies it.
    """
    if lang not in ("en", "zh"):
        raise DataError(f"compare_published: lang={lang!r} is not one of ['en', 'zh']")
    out = []
    for i, row in enumerate(rows):
        try:
            label, published, reproduced = row
        except (TypeError, ValueError):
            raise DataError(f"compare_published: row {i} must be (label, published, reproduced), got {row!r}") from None
        pub = str(published).strip()
        rep = float(reproduced)
        if not math.isfinite(rep):
            raise DataError(f"compare_published: row {i} ({label}) reproduced value is not a finite number: {reproduced!r}")
        op = next((o for o in (">=", "<=", ">", "<", "≥", "≤") if pub.startswith(o)), None)
        try:
            value = float(pub[len(op):] if op else pub)
        except ValueError:
            raise DataError(f"compare_published: row {i} ({label}) published value {published!r} is not a number or bound") from None
        if op:
            ok = {">": rep > value, "<": rep < value, ">=": rep >= value, "≥": rep >= value,
                  "<=": rep <= value, "≤": rep <= value}[op]
            verdict = "bound_met" if ok else "bound_missed"
            shown = rep
            diff = rep - value
        else:
            d = _decimals(pub)
            shown = _round(rep, d)
            ok = shown == _round(value, d)
            verdict = "match" if ok else "differs"
            diff = rep - value
        out.append({"figure": label, "published": pub, "reproduced": rep,
                    "reproduced_rounded": shown, "difference": diff, "ok": bool(ok),
                    "verdict": _VERDICTS[verdict][lang]})
    return pd.DataFrame(out)
