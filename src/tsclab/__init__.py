"""tsclab: interface superconductivity in magnetic topological insulators.

Theory engine (thin-film and two-surface BdG models, Chern numbers, phase diagrams, chiral
Majorana edges), analysis of every measurement in Yi et al., Science 383, 634 (2024) from the
instruments' own files, and the virtual study of that paper (``tsclab reproduce``).
"""

from ._version import __version__
from .errors import (
    FileFormatError,
    ParameterError,
    TsclabError,
    UnresolvedNumericsError,
    UnsupportedFormatError,
)
from .io import open
from .results import Result, to_dataframe, write_records

__all__ = [
    "FileFormatError",
    "ParameterError",
    "Result",
    "TsclabError",
    "UnresolvedNumericsError",
    "UnsupportedFormatError",
    "__version__",
    "open",
    "to_dataframe",
    "write_records",
]
