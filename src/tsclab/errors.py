"""Exception hierarchy of tsclab.

Every error tsclab raises on purpose derives from :class:`TsclabError`, so a caller (and the
CLI, which turns it into one line on stderr) can tell a user mistake or a bad file from a bug.
A failed *fit* is not an exception: it is a result record with a flag (see
:mod:`tsclab.results`).
"""

from __future__ import annotations

from os import PathLike
from typing import Any

__all__ = [
    "FileFormatError",
    "ParameterError",
    "TsclabError",
    "UnresolvedNumericsError",
    "UnsupportedFormatError",
]


class TsclabError(Exception):
    """Base class of every error tsclab raises deliberately."""


class FileFormatError(TsclabError, ValueError):
    """A file could not be read as the format it claims to be.

    Parameters
    ----------
    path
        The file.
    problem
        What is wrong, in words a user can act on.
    line
        1-based line number where the problem is, if known.
    key
        Header key (or binary field) where the problem is, if known.

    Examples
    --------
    >>> str(FileFormatError("run.dat", "no [Data] section", line=12))
    'run.dat, line 12: no [Data] section'
    """

    def __init__(
        self,
        path: str | PathLike[str],
        problem: str,
        *,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        self.path = str(path)
        self.problem = problem
        self.line = line
        self.key = key
        where = self.path
        if line is not None:
            where += f", line {line}"
        if key is not None:
            where += f", key {key!r}"
        super().__init__(f"{where}: {problem}")


class UnsupportedFormatError(FileFormatError):
    """No reader recognizes the file (or it is a known format tsclab refuses, e.g. GWYO)."""


class ParameterError(TsclabError, ValueError):
    """An invalid parameter value (negative thickness, unknown material, T <= 0, ...).

    Examples
    --------
    >>> str(ParameterError("m", -1, "the number of QL must be a positive integer"))
    'invalid m = -1: the number of QL must be a positive integer'
    """

    def __init__(self, name: str, value: Any, problem: str) -> None:
        self.name = name
        self.value = value
        self.problem = problem
        super().__init__(f"invalid {name} = {value!r}: {problem}")


class UnresolvedNumericsError(TsclabError, ArithmeticError):
    """A numerical answer cannot be trusted (e.g. a Chern number whose gap is below the k-mesh
    resolution). Raised only where a caller asked for a confident answer; most APIs return the
    value with a flag instead."""
