"""``tsclab reproduce``: the virtual study of the paper (runs what is built so far)."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add ``reproduce`` to ``app``."""

    @app.command("reproduce")
    def reproduce(
        out: Path = typer.Option(Path("tsclab-results"), "--out", "-o", help="Output folder."),
        seed: int = typer.Option(2024, help="Seed of every random number in the study."),
        quick: bool = typer.Option(
            False, "--quick", help="Coarser grids, for a smoke test (minutes -> seconds)."
        ),
    ) -> None:
        """The virtual study: simulate, write instrument files, analyze, report.

        Simulates the paper's sample series with the forward models, writes them in the
        instruments' formats, analyzes them like real files, runs the theory, and writes
        figures, NetCDF/CSV results and an HTML report into --out.
        """
        from ..study.reproduce import run_study

        outcomes = run_study(out, seed=seed, quick=quick)
        failed = [o.name for o in outcomes if o.status == "failed"]
        if failed:
            typer.echo(f"tsclab: {len(failed)} step(s) failed: {'; '.join(failed)}", err=True)
            raise typer.Exit(1)
