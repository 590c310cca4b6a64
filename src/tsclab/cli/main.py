"""The ``tsclab`` command line.

Each area registers its commands from its own module (``theory``, ``inspect_cmd``,
``analyze_*``, ``reproduce``) so that the modules stay independent. A :class:`TsclabError`
becomes one readable line on stderr and exit status 2; a traceback reaches the user only for a
bug.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click
import typer

from .._version import __version__
from ..errors import TsclabError

__all__ = ["app", "main", "run"]

app = typer.Typer(
    name="tsclab",
    help="Interface superconductivity in magnetic topological insulators: theory engine, "
    "instrument-file analysis and the virtual study of Yi et al., Science 383, 634 (2024).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
analyze_app = typer.Typer(
    help="Analyze measurement files (STS, R-T, Hc2) into result records.",
    no_args_is_help=True,
)
app.add_typer(analyze_app, name="analyze")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tsclab {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """tsclab command line."""


def _register() -> None:
    from . import analyze_hc2, analyze_rt, analyze_sts, inspect_cmd, reproduce, theory

    theory.register(app)
    inspect_cmd.register(app)
    reproduce.register(app)
    analyze_sts.register(analyze_app)
    analyze_rt.register(analyze_app)
    analyze_hc2.register(analyze_app)


_register()


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv`` and return the exit status (used by ``main`` and tests)."""
    command = typer.main.get_command(app)
    try:
        rv = command.main(args=list(argv) if argv is not None else None, prog_name="tsclab",
                          standalone_mode=False)  # fmt: skip
    except TsclabError as exc:
        sys.stderr.write(f"tsclab: error: {exc}\n")
        return 2
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        sys.stderr.write("tsclab: aborted\n")
        return 1
    return rv if isinstance(rv, int) else 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())
