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
