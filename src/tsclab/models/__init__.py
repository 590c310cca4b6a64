"""Hamiltonians: two-surface model, thin-film model, BdG construction."""

from .bdg import SymmetryReport, bdg_hamiltonian, check_bdg_symmetries, particle_hole_operator
from .registry import MODELS, make_model
from .two_surface import TwoSurfaceModel, critical_exchange

__all__ = [
    "MODELS",
    "SymmetryReport",
    "TwoSurfaceModel",
    "bdg_hamiltonian",
    "check_bdg_symmetries",
    "critical_exchange",
    "make_model",
    "particle_hole_operator",
]
