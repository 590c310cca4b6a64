"""The virtual study behind ``tsclab reproduce``.

Each step simulates one family of the paper's measurements with the forward models, writes it
in the instrument's own format, reads it back through the reader a user's file takes, analyzes
it with the same pipeline, and adds figures, records and computed-vs-paper rows to the report.
Theory steps run the engine. A step that fails is reported as failed (with its error) and the
study goes on; ``tsclab reproduce`` exits non-zero only when a step failed.
"""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rich.console import Console

from ..results import atomic_write, write_records
from .context import StudyContext

__all__ = ["STEPS", "StepOutcome", "run_study"]


@dataclass
class StepOutcome:
    """What one step of the study did."""

    name: str
    status: str  # "done" | "failed"
    files: list[str] = field(default_factory=list)
    summary: str = ""
    seconds: float = 0.0


def _theory(ctx: StudyContext) -> tuple[str, list[str]]:
    from .theory_study import run_theory

    return run_theory(ctx)


def _transport(ctx: StudyContext) -> tuple[str, list[str]]:
    from .transport_study import run_transport

    summary, files, _ = run_transport(ctx)
    return summary, files


def _magnetism(ctx: StudyContext) -> tuple[str, list[str]]:
    from .magnetism_study import run_magnetism

    return run_magnetism(ctx)


def _hc2(ctx: StudyContext) -> tuple[str, list[str]]:
    from .hc2_study import run_hc2

    return run_hc2(ctx)


def _sts(ctx: StudyContext) -> tuple[str, list[str]]:
    from .sts_study import run_sts

    return run_sts(ctx)


def _musr(ctx: StudyContext) -> tuple[str, list[str]]:
    from .musr_study import run_musr

    return run_musr(ctx)


#: The steps of the virtual study, in order: (name, function(ctx) -> (summary, files)).
STEPS: list[tuple[str, Callable[[StudyContext], tuple[str, list[str]]]]] = [
    ("theory: phase diagram, chiral edges, induced gap vs m", _theory),
    ("transport: R(T), T_c and phases of the (m,n) series", _transport),
    ("magnetism: Hall and RMCD loops, MFM domains", _magnetism),
    ("upper critical field: GL round trip, WHH and Pauli", _hc2),
    ("STS: top-surface gap vs m and T, gap map", _sts),
    ("LE-muSR: depth-resolved magnetic fractions", _musr),
]


def _calibration_section(ctx: StudyContext) -> None:
    rep = ctx.report
    rep.add_section(
        "Calibrations",
        "Forward-model inputs fitted to numbers the paper states. Agreement with the paper on "
        "these targets is by construction; the table shows inputs (targets), fitted parameters "
        "and what the model achieves.",
    )
    rows = []
    for c in ctx.calibrations:
        for k, v in c.targets.items():
            rows.append((c.name, k, v, c.target_sources.get(k, ""), c.achieved.get(k)))
    rep.add_table(["calibration", "target", "paper value", "paper source", "model"], rows)
    rep.add_table(
        ["calibration", "fitted parameters", "residual", "notes"],
        [
            (
                c.name,
                ", ".join(
                    f"{k} = {v:.4g}" if isinstance(v, float) else f"{k} = {v}"
                    for k, v in c.parameters.items()
                ),
                c.residual,
                c.notes,
            )
            for c in ctx.calibrations
        ],
    )


def run_study(out: Path, *, seed: int = 2024, quick: bool = False) -> list[StepOutcome]:
    """Run the virtual study into ``out``: raw instrument files, figures, results, report.

    Parameters
    ----------
    out
        Output folder (created): ``raw/``, ``figures/``, ``results/records.csv``,
        ``report.html``, ``summary.json``.
    seed
        Master seed; every random number of the study derives from it.
    quick
        Coarser grids, for a smoke test.
    """
    console = Console(stderr=True)
    ctx = StudyContext(Path(out), seed=seed, quick=quick)
    ctx.out.mkdir(parents=True, exist_ok=True)
    ctx.report.subtitle = (
        "Virtual study of Yi et al., Science 383, 634 (2024): simulated with tsclab's forward "
        f"models, written in instrument formats, read back and analyzed (seed {seed}"
        f"{', quick grids' if quick else ''})"
    )
    outcomes = []
    for name, step in STEPS:
        t0 = time.perf_counter()
        try:
            with console.status(f"[bold]{name}[/]"):
                summary, files = step(ctx)
            outcome = StepOutcome(name, "done", files, summary)
            console.print(f"[green]done[/] {name} ({time.perf_counter() - t0:.1f} s): {summary}")
        except Exception as exc:  # a failed step is reported; the study goes on
            console.print(f"[red]failed[/] {name}: {exc}")
            outcome = StepOutcome(name, "failed", [], f"{type(exc).__name__}: {exc}")
            ctx.report.add_section(f"{name} (failed)", traceback.format_exc())
        outcome.seconds = time.perf_counter() - t0
        outcomes.append(outcome)
    ctx.report.add_section("Computed vs paper", "")
    ctx.report.add_paper_comparison(ctx.comparisons)
    if ctx.calibrations:
        _calibration_section(ctx)
    ctx.report.add_section("All result records", "")
    ctx.report.add_records(ctx.records)
    if ctx.records:
        write_records(ctx.records, ctx.path("results", "records.csv"))
    report = ctx.report.write(ctx.path("report.html"))
    atomic_write(ctx.path("summary.json"), json.dumps([asdict(o) for o in outcomes], indent=1))
    console.print(f"report: {report}")
    return outcomes
