"""Hamiltonians: two-surface model, thin-film model, BdG construction."""

from .bdg import SymmetryReport, bdg_hamiltonian, check_bdg_symmetries, particle_hole_operator
from .materials import (
    MATERIALS,
    MaterialParameters,
    check_material,
    get_material,
    interpolate_bst,
    min_sites_per_ql,
)
from .profiles import layer_positions_A, pairing_profile, potential_profile
from .registry import MODELS, make_model
from .thin_film import ThinFilmModel, layer_weights, sites_per_ql_convergence
from .two_surface import TwoSurfaceModel, critical_exchange

__all__ = [
    "MATERIALS",
    "MODELS",
    "MaterialParameters",
    "SymmetryReport",
    "ThinFilmModel",
    "TwoSurfaceModel",
    "bdg_hamiltonian",
    "check_bdg_symmetries",
    "check_material",
    "critical_exchange",
    "get_material",
    "interpolate_bst",
    "layer_positions_A",
    "layer_weights",
    "make_model",
    "min_sites_per_ql",
    "pairing_profile",
    "particle_hole_operator",
    "potential_profile",
    "sites_per_ql_convergence",
]
