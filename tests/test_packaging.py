"""The package installs, imports cleanly, and its environment files agree."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
import warnings
from pathlib import Path

import numpy as np
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _norm(name: str) -> str:
    name = re.sub(r"[-_.]+", "-", name.lower())
    return {"python-duckdb": "duckdb"}.get(name, name)


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    return _norm(m.group(1)), m.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = dict(_split(r) for r in project["dependencies"])
    wanted.update(_split(r) for r in project["optional-dependencies"]["dev"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    have = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for req in dep["pip"]:
                if not req.startswith("-e"):
                    have.update([_split(req)])
        else:
            have.update([_split(dep)])
    have.pop("python", None)
    have.pop("pip", None)
    assert have == wanted


def test_constraints_satisfy_pyproject_ranges():
    from packaging.requirements import Requirement

    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, ver = line.split("==", 1)
            pins[_norm(name)] = ver.strip()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for req in project["dependencies"]:
        r = Requirement(req)
        assert _norm(r.name) in pins, f"{r.name} is not pinned in constraints.txt"
        assert r.specifier.contains(pins[_norm(r.name)]), f"{r.name}=={pins[_norm(r.name)]} outside {r.specifier}"


def test_factor_analyzer_works_with_installed_scikit_learn():
    # factor-analyzer 0.5.1 passes force_all_finite= to sklearn's check_array, removed in 1.8;
    # pyproject pins scikit-learn < 1.8. This runs the real call path.
    import sklearn
    from factor_analyzer import FactorAnalyzer

    major, minor = (int(x) for x in sklearn.__version__.split(".")[:2])
    assert (major, minor) < (1, 8)
    rng = np.random.default_rng(1)
    f = rng.normal(size=(300, 1))
    x = f @ np.full((1, 4), 0.8) + rng.normal(scale=0.6, size=(300, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        fa = FactorAnalyzer(n_factors=1, rotation=None).fit(x)
        fa.transform(x)
    assert np.all(np.abs(fa.loadings_) > 0.5)


def test_import_has_no_side_effects():
    code = (
        "import warnings, logging, pandas as pd\n"
        "before = (list(warnings.filters), pd.get_option('display.max_rows'), logging.root.handlers[:])\n"
        "import crm_research\n"
        "after = (list(warnings.filters), pd.get_option('display.max_rows'), logging.root.handlers[:])\n"
        "assert before == after, (before, after)\n"
        "assert issubclass(crm_research.DataError, ValueError)\n"
        "assert issubclass(crm_research.StatWarning, Warning)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_notebooks_committed_without_outputs_and_with_parameters_cell():
    notebooks = sorted((ROOT / "notebooks").rglob("*.ipynb"))
    assert notebooks, "no notebooks found"
    for path in notebooks:
        if ".ipynb_checkpoints" in path.parts:
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            assert not cell.get("outputs"), f"{path.name} has committed outputs"
            assert not cell.get("execution_count"), f"{path.name} has execution counts"
        tags = [c.get("metadata", {}).get("tags", []) for c in nb["cells"]]
        assert any("parameters" in t for t in tags), f"{path.name} has no cell tagged 'parameters'"


def test_readme_starts_with_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```(?:bash|sh)?\n(.*?)```", text, re.S).group(1)
    commands = [l.strip() for l in first_block.splitlines() if l.strip() and not l.startswith("#")]
    assert commands == ["make report", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text()


@pytest.mark.parametrize("bad", ["nope", 3])
def test_validation_helpers_name_parameter(bad):
    from crm_research import DataError
    from crm_research._core.validation import require_choice

    with pytest.raises(DataError, match=r"f: method=.* is not one of \['a', 'b'\]"):
        require_choice(bad, ["a", "b"], "f", "method")


def test_built_wheel_carries_its_data_and_renders_tables_in_both_languages(tmp_path):
    """Build the wheel, install it into a fresh virtual environment (dependencies taken from this
    one, never the source tree) and render a thesis table in Chinese and English there: a wheel
    without the label catalogue or the instruments fails here, not in a user's notebook."""
    import venv

    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(ROOT)],
                   check=True, cwd=tmp_path)
    wheel = next(dist.glob("crm_research-*.whl"))
    env = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=False).create(env)
    site = next((env / "lib").glob("python*/site-packages"))
    deps = [p for p in sys.path if p.endswith("site-packages")]
    (site / "_deps.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")   # not the editable source
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
                   check=True)
    code = (
        "import crm_research, pandas as pd\n"
        f"assert crm_research.__file__.startswith({str(site)!r}), crm_research.__file__\n"
        "from crm_research.tables import Table\n"
        "from crm_research.survey import load_instrument\n"
        "f = pd.DataFrame({'alpha': [0.81], 'n': [224]}, index=pd.Index(['SQ'], name='construct'))\n"
        "zh, en = Table.build(f, title='t', lang='zh'), Table.build(f, title='t', lang='en')\n"
        "assert list(zh.frame.columns) == ['Cronbach α 系数', '样本量'], list(zh.frame.columns)\n"
        "assert list(en.frame.columns) == [\"Cronbach's α\", 'N'], list(en.frame.columns)\n"
        "assert zh.stub == '构念' and en.stub == 'Construct'\n"
        "assert len(load_instrument('logistics_csl').items) == 50\n"
        "from crm_research.labels import label\n"
        "assert label('missing', 'zh', ns='screening') == '缺答过多'\n"
    )
    clean = {k: v for k, v in __import__("os").environ.items() if k != "PYTHONPATH"}
    subprocess.run([str(env / "bin" / "python"), "-c", code], check=True, cwd=tmp_path, env=clean)


def test_every_notebook_is_rendered_by_a_test():
    """Report notebooks are all rendered by tests/test_reports.py (it renders the whole folder);
    every replication notebook must be named in tests/test_replications_notebooks.py."""
    text = (ROOT / "tests" / "test_replications_notebooks.py").read_text(encoding="utf-8")
    for nb in sorted((ROOT / "notebooks" / "replications").glob("*.ipynb")):
        assert f'"{nb.stem}"' in text, f"{nb.name} is not rendered by any test"
    reports = (ROOT / "tests" / "test_reports.py").read_text(encoding="utf-8")
    assert 'NOTEBOOKS = sorted((ROOT / "src" / "crm_research" / "report" / "notebooks").glob("*.ipynb"))' in reports
    shipped = {p.name for p in (ROOT / "src" / "crm_research" / "report" / "notebooks").glob("*.ipynb")}
    tests = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py"))
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert nb.name in shipped or nb.stem in tests, f"{nb.name} is not rendered by any test"


def test_no_dataframe_attrs_in_the_package():
    """Results carry every table as a field: nothing stores values in DataFrame.attrs."""
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "src").rglob("*.py")
                 if re.search(r"\.attrs\b(?!``)", p.read_text(encoding="utf-8"))]
    assert offenders == []


@pytest.mark.parametrize("call, message", [
    (lambda: __import__("crm_research.models", fromlist=["x"]).pls_path(None, {}, scheme="pathx"),
     r"pls_path: scheme='pathx' is not one of \['path', 'factorial', 'centroid'\]"),
    (lambda: __import__("crm_research.regression", fromlist=["x"]).mediation(None, "x", "m", "y", ci=1.5),
     r"mediation: ci=1.5 is not a number between 0 and 1"),
    (lambda: __import__("crm_research.validity", fromlist=["x"]).efa(None, n_factors=0),
     r"efa: n_factors=0 is not a whole number ≥ 1 or None"),
    (lambda: __import__("crm_research.reliability", fromlist=["x"]).cronbach_alpha(None, n_boot=True),
     r"cronbach_alpha: n_boot=True is not a whole number ≥ 1"),
])
def test_declared_parameter_constraints_checked_before_the_data(call, message):
    from crm_research import DataError

    with pytest.raises(DataError, match=message):
        call()
