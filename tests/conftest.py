"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator (tests are reproducible)."""
    return np.random.default_rng(20240202)


@pytest.fixture
def data_dir() -> Path:
    """tests/data (real instrument files, see tests/data/SOURCES.md)."""
    return DATA
