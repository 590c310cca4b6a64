"""Spectra: k meshes and paths, batched eigen-solvers, gaps on meshes, k-space symmetries."""

from .arpes import arpes_map, fit_dirac_dispersion
from .kgrid import KMesh, clustered_axis, k_path, uniform_axis
from .solvers import (
    GapOnMesh,
    eigh_batched,
    eigvalsh_batched,
    gap_on_mesh,
    hamiltonian_on_k,
    refine_gap,
)
from .symmetry import D4_ELEMENTS, abs_spectrum_symmetries, mesh_orbits

__all__ = [
    "D4_ELEMENTS",
    "GapOnMesh",
    "KMesh",
    "abs_spectrum_symmetries",
    "arpes_map",
    "clustered_axis",
    "eigh_batched",
    "eigvalsh_batched",
    "fit_dirac_dispersion",
    "gap_on_mesh",
    "hamiltonian_on_k",
    "k_path",
    "mesh_orbits",
    "refine_gap",
    "uniform_axis",
]
