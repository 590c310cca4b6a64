"""Topology: FHS Chern numbers, phase diagrams by gap closings, ribbons and chiral edge modes."""

from .chern import ChernResult, chern_number, fhs_flux, hall_conductance_S, resolution_threshold
from .kubo import berry_curvature, kubo_chern_radial
from .phase_diagram import brute_force_phase_diagram, phase_diagram
from .ribbon import (
    EdgeModeCount,
    count_edge_modes,
    ribbon_blocks,
    ribbon_hamiltonian,
    ribbon_spectrum,
)

__all__ = [
    "ChernResult",
    "EdgeModeCount",
    "berry_curvature",
    "brute_force_phase_diagram",
    "chern_number",
    "count_edge_modes",
    "fhs_flux",
    "hall_conductance_S",
    "kubo_chern_radial",
    "phase_diagram",
    "resolution_threshold",
    "ribbon_blocks",
    "ribbon_hamiltonian",
    "ribbon_spectrum",
]
