"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    return ROOT / "tests" / "reference"


@pytest.fixture(scope="session")
def spark_engine():
    """One local-mode Spark session for the whole test run (skipped without Java or PySpark)."""
    import shutil

    if shutil.which("java") is None:
        pytest.skip("Spark needs Java")
    pytest.importorskip("pyspark")
    from crm_research.engines import SparkEngine

    engine = SparkEngine("local[1]")
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def random_tx():
    """Random transactions (cust, amt, cost, day): ``random_tx(seed, n, customers)``."""
    import numpy as np
    import pandas as pd

    def make(seed=0, n=3000, customers=200):
        rng = np.random.default_rng(seed)
        return pd.DataFrame({"cust": rng.choice([f"K{i:03d}" for i in range(customers)], n),
                             "amt": np.round(rng.lognormal(3, 1, n), 2),
                             "cost": np.round(rng.lognormal(2.9, 1, n), 2),
                             "day": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 400, n), unit="D")})
    return make


@pytest.fixture()
def report_notebook():
    """``make(folder, name, *code)``: a report notebook of a parameters cell (data_dir, period,
    lang, out_dir) followed by one code cell per ``code``, for tests of the report run itself."""
    import nbformat as nbf

    def make(folder: Path, name: str, *code: str) -> Path:
        params = nbf.v4.new_code_cell('data_dir = ""\nperiod = ""\nlang = "zh"\nout_dir = ""')
        params.metadata["tags"] = ["parameters"]
        nb = nbf.v4.new_notebook()
        nb.cells = [params, *(nbf.v4.new_code_cell(c) for c in code)]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        folder.mkdir(parents=True, exist_ok=True)
        nbf.write(nb, folder / name)
        return folder / name

    return make
