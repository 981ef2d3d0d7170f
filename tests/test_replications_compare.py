from __future__ import annotations

import pytest

from crm_research import DataError
from crm_research.replications import compare_published


def test_compare_published_rounding_and_bounds():
    t = compare_published([("β", "0.36", 0.3604), ("F", "29.31", 29.3054), ("R²", "0.46", 0.4651),
                           ("α", "> 0.863", 0.868), ("loading", "> 0.638", 0.62)])
    assert t["ok"].tolist() == [True, True, False, True, False]
    assert t["verdict"].tolist() == ["reproduced", "reproduced", "differs", "bound met", "bound not met"]
    assert t.loc[2, "reproduced_rounded"] == 0.47
    zh = compare_published([("β", "0.36", 0.355)], lang="zh")
    assert zh.loc[0, "verdict"] == "一致"   # 0.355 rounds half-up to 0.36


def test_compare_published_bad_rows():
    with pytest.raises(DataError, match=r"row 0 must be \(label, published, reproduced\)"):
        compare_published([("only two", 1)])
    with pytest.raises(DataError, match=r"row 0 \(x\) published value 'n/a' is not a number or bound"):
        compare_published([("x", "n/a", 1.0)])
