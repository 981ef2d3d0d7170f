"""Chinese renders in figures: the font matplotlib actually uses has a glyph for every character."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from fontTools.ttLib import TTFont  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from crm_research.plots.fonts import cjk_font, use_cjk_font  # noqa: E402

TITLE = "客户满意度指数与忠诚度"


def _font_used(rc) -> str:
    with matplotlib.rc_context(rc):
        fig, ax = plt.subplots()
        t = ax.set_title(TITLE)
        fig.canvas.draw()
        path = font_manager.findfont(t.get_fontproperties(), fallback_to_default=False)
        plt.close(fig)
    return path


def _has_glyphs(path: str, text: str) -> bool:
    font = TTFont(path, fontNumber=0, lazy=True)
    cmap = font.getBestCmap()
    return all(ord(ch) in cmap for ch in text)


@pytest.mark.parametrize("system", [True, False])
def test_chinese_title_has_glyphs(system):
    # system=False ignores installed fonts: the font the package depends on must do on its own
    found = cjk_font(system)
    assert found is not None
    path = _font_used(use_cjk_font(system=system))
    assert _has_glyphs(path, TITLE), path
    if not system:
        assert "NotoSansCJK" in path


def test_default_font_lacks_glyphs_so_the_test_can_fail():
    dejavu = font_manager.findfont("DejaVu Sans")
    assert not _has_glyphs(dejavu, TITLE)
