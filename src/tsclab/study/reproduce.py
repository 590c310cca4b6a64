"""The virtual study behind ``tsclab reproduce``.

The study is a list of steps; each writes its figures and NetCDF/CSV results into the output
folder and returns a short summary. Steps whose modules are not built yet are listed as such in
the summary instead of failing, so that ``tsclab reproduce`` always exits 0 on a working install.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from ..results import atomic_write

__all__ = ["StepOutcome", "run_study"]


@dataclass
class StepOutcome:
    """What one step of the study did."""

    name: str
    status: str  # "done" | "not built yet" | "failed"
    files: list[str] = field(default_factory=list)
    summary: str = ""
    seconds: float = 0.0


def _step_two_surface_boundaries(out: Path, seed: int, quick: bool) -> StepOutcome:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from ..models import TwoSurfaceModel

    model = TwoSurfaceModel(A=1.0, B=1.0, m0=0.2, V=0.0, delta_t=0.0, delta_b=0.1)
    mu = np.linspace(-0.3, 0.3, 101 if quick else 301)
    lo, hi = model.with_params(mu=mu).critical_exchange()
    fig, ax = plt.subplots(figsize=(5, 4), layout="constrained")
    ax.plot(lo, mu, label=r"$\lambda_{c,-}$ (N: 0 $\to$ $\mp$1)")
    ax.plot(hi, mu, label=r"$\lambda_{c,+}$ (N: $\mp$1 $\to$ $\mp$2)")
    ax.set_xlabel(r"exchange field $\lambda$ (eV)")
    ax.set_ylabel(r"chemical potential $\mu$ (eV)")
    ax.set_title(
        "Two-surface model: k = 0 gap closings\n"
        r"$m_0$ = 0.2, $\Delta_t$ = 0, $\Delta_b$ = 0.1 eV"
    )
    ax.legend(fontsize=8)
    path = out / "theory" / "two_surface_k0_boundaries.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return StepOutcome(
        "two-surface k = 0 phase boundaries",
        "done",
        [str(path.relative_to(out))],
        f"N = 1 window at mu = 0: {float(lo[len(mu) // 2]):.4f} < |lam| < "
        f"{float(hi[len(mu) // 2]):.4f} eV",
    )


#: The steps of the virtual study, in order. Later issues add theirs here.
STEPS: list[tuple[str, Callable[[Path, int, bool], StepOutcome]]] = [
    ("two-surface k = 0 phase boundaries", _step_two_surface_boundaries),
]

#: Parts of the study that are not built yet (printed by ``tsclab reproduce``).
NOT_BUILT: list[str] = [
    "BdG Chern phase diagram and chiral Majorana ribbon (issue: theory engine)",
    "thin-film induced gap vs m (issue: theory engine)",
    "R-T, Hall, Hc2 and STS forward models + analyses (issue: SC/transport analysis)",
    "instrument-format writers/readers round trip (issue: instrument files)",
    "MFM domains, RMCD, LE-muSR, HTML report",
]


def run_study(out: Path, *, seed: int = 2024, quick: bool = False) -> list[StepOutcome]:
    """Run every step of the virtual study into ``out`` and print a summary.

    Parameters
    ----------
    out
        Output folder (created).
    seed
        Seed for every random number in the study (reproducible output).
    quick
        Coarser grids for a smoke test.
    """
    console = Console(stderr=True)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    outcomes = []
    for name, step in STEPS:
        t0 = time.perf_counter()
        with console.status(f"[bold]{name}[/]"):
            outcome = step(out, seed, quick)
        outcome.seconds = time.perf_counter() - t0
        console.print(f"[green]done[/] {name} ({outcome.seconds:.1f} s): {outcome.summary}")
        outcomes.append(outcome)
    for item in NOT_BUILT:
        console.print(f"[yellow]not built yet[/] {item}")
        outcomes.append(StepOutcome(item, "not built yet"))
    atomic_write(
        out / "summary.json",
        json.dumps([o.__dict__ for o in outcomes], indent=1),
    )
    console.print(f"results in {out}/")
    return outcomes
