"""A font with Chinese glyphs for figures, so zh titles never render as empty boxes.

:func:`cjk_font` prefers a CJK font installed on the machine (Noto/Source Han, WenQuanYi, Droid
Sans Fallback, SimHei, …); when there is none it registers the Noto Sans CJK font that the package
depends on (PyPI ``cvttf-notosanscjk-regular``, SIL Open Font License). Nothing happens on import:
registration happens on first use.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

__all__ = ["cjk_font", "cjk_font_name", "use_cjk_font", "PREFERRED"]

PREFERRED = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Noto Sans CJK TC", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "Droid Sans Fallback", "SimHei", "Microsoft YaHei", "PingFang SC", "AR PL UMing CN")


def _bundled_font_file() -> Path | None:
    try:
        import cvttf_NotoSansCJK_Regular as pkg
    except ImportError:
        return None
    folder = Path(pkg.__file__).parent
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".otf", ".ttf", ".ttc"))
    return files[0] if files else None


@lru_cache(maxsize=2)
def cjk_font(system: bool = True) -> tuple[str, str] | None:
    """(family name, font file) of a font with CJK glyphs: an installed one when ``system`` and
    available, else the bundled Noto Sans CJK (registered with matplotlib). None if neither."""
    from matplotlib import font_manager

    if system:
        by_name = {f.name: f.fname for f in font_manager.fontManager.ttflist}
        for name in PREFERRED:
            if name in by_name:
                return name, by_name[name]
    path = _bundled_font_file()
    if path is None:
        return None
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    return name, str(path)


def cjk_font_name() -> str | None:
    found = cjk_font()
    return found[0] if found else None


def use_cjk_font(rc: dict | None = None, *, system: bool = True) -> dict:
    """rcParams (for ``matplotlib.rc_context``) that put a CJK-capable font first."""
    rc = dict(rc or {})
    found = cjk_font(system)
    if found:
        # a list of families turns on matplotlib's per-glyph fallback: characters the CJK font lacks
        # (Droid Sans Fallback has no ASCII digits) come from DejaVu Sans
        rc["font.family"] = [found[0], "DejaVu Sans"]
    rc["axes.unicode_minus"] = False
    rc["svg.fonttype"] = "path"
    return rc
