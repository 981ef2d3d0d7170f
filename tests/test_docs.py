"""The user guide (docs/guide.zh-CN.md, docs/guide.en.md): every example in it runs and prints what
the guide shows, and every public function appears in an example of both languages."""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = ["survey", "frequencies", "reliability", "validity", "regression", "sem", "models", "tables", "thesis",
           "value", "evaluation", "audit", "periodic"]


def _guide():
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        import make_guide
    finally:
        sys.path.pop(0)
    return make_guide


def _public_functions() -> list[str]:
    out = []
    for m in MODULES:
        mod = importlib.import_module(f"crm_research.{m}")
        out += [n for n in getattr(mod, "__all__", []) if inspect.isfunction(getattr(mod, n, None))]
    return sorted(set(out))


@pytest.mark.parametrize("name", ["guide.zh-CN.md", "guide.en.md"])
def test_every_public_function_has_an_example(name):
    text = (ROOT / "docs" / name).read_text(encoding="utf-8")
    code = "\n".join(re.findall(r"```python\n(.*?)```", text, re.S))
    missing = [f for f in _public_functions() if not re.search(rf"\b{f}\(", code)]
    assert not missing, f"{name}: no example calls {missing}"


def test_guides_are_what_the_examples_print():
    """Rebuilding runs every example in both languages; the committed guides must match (numbers up
    to their last printed digit)."""
    assert _guide().main(["--check"]) == 0


def test_the_check_notices_a_changed_number():
    g = _guide()
    assert g.same("α = 0.812 (n = 226)", "α = 0.813 (n = 226)")
    assert not g.same("α = 0.812 (n = 226)", "α = 0.852 (n = 226)")
    assert not g.same("α = 0.812 (n = 226)", "α = 0.812 (n = 225)")
    assert not g.same("α = 0.812 good", "α = 0.812 poor")
