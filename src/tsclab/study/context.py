"""Shared state of one run of the virtual study: output folders, seeds, records, the report."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..report import Comparison, Report
from ..report.figures import save_figure
from ..results import Result
from .calibration import Calibration

__all__ = ["StudyContext", "save_figure"]


@dataclass
class StudyContext:
    """What every step of the study reads and writes.

    Attributes
    ----------
    out
        Output folder; steps write instrument files under ``raw/<area>/``, figures under
        ``figures/`` and results under ``results/``.
    seed
        Master seed; :meth:`rng` derives an independent, reproducible stream per step name.
    quick
        Coarser grids for a smoke test.
    """

    out: Path
    seed: int = 2024
    quick: bool = False
    report: Report = field(default_factory=lambda: Report("tsclab virtual study"))
    records: list[Result] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    calibrations: list[Calibration] = field(default_factory=list)
    #: Results one step hands to a later one (e.g. the (8,50) R(T) for the Hall shunting).
    shared: dict = field(default_factory=dict)

    def rng(self, name: str) -> np.random.Generator:
        """Generator seeded from (master seed, step name): steps stay independent."""
        return np.random.default_rng([self.seed, zlib.crc32(name.encode())])

    def path(self, *parts: str) -> Path:
        """A path under the output folder (parent folders created)."""
        p = self.out.joinpath(*parts)
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def rel(self, path: Path) -> str:
        """Path relative to the output folder (for summaries)."""
        return str(Path(path).relative_to(self.out))
