"""Pick a font that has Chinese glyphs, so zh titles never render as empty boxes."""

from __future__ import annotations

from functools import lru_cache

__all__ = ["cjk_font_name", "use_cjk_font"]

_PREFERRED = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
              "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC", "AR PL UMing CN")


@lru_cache(maxsize=1)
def cjk_font_name() -> str | None:
    """The family name of an installed font with CJK glyphs, or None."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in _PREFERRED:
        if name in names:
            return name
    return None


def use_cjk_font(rc: dict | None = None) -> dict:
    """rcParams (to pass to ``matplotlib.rc_context``) that put a CJK font first."""
    rc = dict(rc or {})
    name = cjk_font_name()
    if name:
        rc["font.family"] = "sans-serif"
        rc["font.sans-serif"] = [name, "DejaVu Sans"]
    rc["axes.unicode_minus"] = False
    return rc
