"""Lattice-periodic view of a model, as the FHS mesh, the symmetry test and the ribbon need.

tsclab's k meshes are in lattice units (k in rad, period 2 pi). A model whose momenta are in 1/Å
on a square lattice (``inplane == "square"``, ``lattice_constant_A``; e.g. the thin-film model)
is wrapped so that H is evaluated at k / a; a model whose H is not 2 pi-periodic (a continuum
k.p form) is refused, because the FHS sum on a non-periodic mesh is not a Chern number.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ParameterError

__all__ = ["as_lattice_model"]

_PERIOD_TOL = 1e-9


class _LatticeUnits:
    """A model evaluated at k / a (k in rad), delegating everything else."""

    def __init__(self, model: Any, a: float) -> None:
        self._model = model
        self._a = float(a)

    def __getattr__(self, item: str) -> Any:
        return getattr(self._model, item)

    @property
    def unwrapped(self) -> Any:
        return self._model

    def hamiltonian(self, kx, ky):
        return self._model.hamiltonian(np.asarray(kx) / self._a, np.asarray(ky) / self._a)

    def bdg_hamiltonian(self, kx, ky):
        return self._model.bdg_hamiltonian(np.asarray(kx) / self._a, np.asarray(ky) / self._a)

    def with_params(self, **params) -> _LatticeUnits:
        return _LatticeUnits(self._model.with_params(**params), self._a)


def as_lattice_model(model: Any, seed: int = 7) -> Any:
    """The model itself, or a k-rescaled view; raises when H is not lattice-periodic."""
    if isinstance(model, _LatticeUnits):
        return model
    if getattr(model, "inplane", None) == "square" and hasattr(model, "lattice_constant_A"):
        model = _LatticeUnits(model, model.lattice_constant_A)
    k = np.random.default_rng(seed).uniform(-np.pi, np.pi, size=(2, 3))
    h = np.asarray(model.hamiltonian(k[0], k[1]))
    hx = np.asarray(model.hamiltonian(k[0] + 2 * np.pi, k[1]))
    hy = np.asarray(model.hamiltonian(k[0], k[1] + 2 * np.pi))
    scale = max(1.0, float(np.abs(h).max()))
    if max(np.abs(hx - h).max(), np.abs(hy - h).max()) > _PERIOD_TOL * scale:
        raise ParameterError(
            "model", getattr(model, "name", type(model).__name__),
            "Chern numbers and ribbons need a lattice-periodic Bloch Hamiltonian "
            "(two-surface: form='lattice'; thin-film: inplane='square')",
        )  # fmt: skip
    return model
