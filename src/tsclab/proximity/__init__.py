"""Proximity physics of the thin film: induced gap vs thickness, top-surface-state penetration,
pseudospin texture, singlet/triplet pair amplitude, layer-resolved LDOS (PHYSICS.md §3.3,
§3.5–3.7)."""

from .induced_gap import InducedGap, induced_gap, induced_gap_vs_thickness, min_abs_energy_on_grid
from .ldos import layer_ldos
from .pairing import (
    anomalous_amplitude,
    singlet_triplet,
    singlet_triplet_film,
    singlet_triplet_vs_V,
)
from .spectrum import layer_resolved_spectrum
from .surface_state import (
    FermiCrossing,
    fermi_momentum_top,
    pseudospin_expectation,
    spin_texture,
    surface_state_penetration,
)

__all__ = [
    "FermiCrossing",
    "InducedGap",
    "anomalous_amplitude",
    "fermi_momentum_top",
    "induced_gap",
    "induced_gap_vs_thickness",
    "layer_ldos",
    "layer_resolved_spectrum",
    "min_abs_energy_on_grid",
    "pseudospin_expectation",
    "singlet_triplet",
    "singlet_triplet_film",
    "singlet_triplet_vs_V",
    "spin_texture",
    "surface_state_penetration",
]
