"""Chinese renders in figures: the font matplotlib actually uses has a glyph for every character."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from fontTools.ttLib import TTFont  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from crm_research.plots.fonts import cjk_font, use_cjk_font  # noqa: E402

TITLE = "客户满意度指数与忠诚度 2026Q3 (0–100)"


def _fonts_used(rc) -> list[str]:
    """The font files matplotlib's per-glyph fallback chain uses for the title, in order."""
    with matplotlib.rc_context(rc):
        fig, ax = plt.subplots()
        t = ax.set_title(TITLE)
        fig.canvas.draw()
        paths = font_manager.fontManager._find_fonts_by_props(t.get_fontproperties())
        plt.close(fig)
    return [str(p) for p in paths]


def _cmap(path: str) -> dict:
    return TTFont(path, fontNumber=0, lazy=True).getBestCmap()


def _has_glyphs(path: str, text: str) -> bool:
    cmap = _cmap(path)
    return all(ord(ch) in cmap for ch in text if not ch.isspace())


@pytest.mark.parametrize("system", [True, False])
def test_chinese_title_has_glyphs(system):
    # system=False ignores installed fonts: the font the package depends on must do on its own
    found = cjk_font(system)
    assert found is not None
    paths = _fonts_used(use_cjk_font(system=system))
    cmaps = [_cmap(p) for p in paths]
    missing = [ch for ch in TITLE if not ch.isspace() and not any(ord(ch) in c for c in cmaps)]
    assert not missing, (paths, missing)
    assert _has_glyphs(paths[0], "客户满意度指数与忠诚度"), paths[0]    # Chinese comes from the first font
    if not system:
        assert "NotoSansCJK" in paths[0]


def test_default_font_lacks_glyphs_so_the_test_can_fail():
    dejavu = font_manager.findfont("DejaVu Sans")
    assert not _has_glyphs(dejavu, "客户")
