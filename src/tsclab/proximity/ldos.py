r"""Layer-resolved local density of states of the BdG film (the STM observable).

Electron part, double-counted Nambu convention, sum over **all** 2N BdG states
(PHYSICS.md §3.3):

.. math:: \rho_j(E) = \int\frac{d^2k}{(2\pi)^2} \sum_n \sum_{\alpha\in j}
          |u_{n,j\alpha}(k)|^2\, \delta_\eta(E - E_n(k)),

with :math:`\delta_\eta` a Lorentzian of half-width η. The continuum film is isotropic, so
:math:`\int d^2k/(2\pi)^2 \to \int_0^{k_{max}} k\,dk/(2\pi)` (trapezoid rule on a uniform radial
grid). Resolution rule: the grid must follow every band to better than η,
:math:`\max_n |E_n(k_{i+1}) - E_n(k_i)| < \eta` near the energies of interest; otherwise the
result is flagged ``under_resolved`` (attrs). Sum rule (tested):
:math:`\int\rho_j\,dE = 4\,k_{max}^2/(4\pi)` per site (four orbitals, completeness of the BdG
states), up to the Lorentzian tails outside the energy window.

Thermal broadening for a tunnelling spectrum is applied downstream (convolution with
:math:`-f'`; :mod:`tsclab.superconductivity`).

Examples
--------
>>> from tsclab.models import ThinFilmModel
>>> ds = layer_ldos(ThinFilmModel(m=1, delta0=0.01, mu=0.09), np.linspace(-0.03, 0.03, 7),
...                 k_max_invA=0.05, n_k=400, eta_eV=1e-3)
>>> ds.ldos.dims
('energy', 'layer')
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._version import __version__
from ..errors import ParameterError
from ..models.thin_film import ThinFilmModel
from ._common import require_scalar_film

__all__ = ["layer_ldos"]


def layer_ldos(
    model: ThinFilmModel,
    energies_eV,
    *,
    k_max_invA: float = 0.1,
    n_k: int = 2000,
    eta_eV: float = 1e-4,
    chunk: int | None = None,
) -> xr.Dataset:
    """LDOS :math:`\\rho_j(E)` on every site j of the film (module doc).

    Parameters
    ----------
    model
        Film (continuum in-plane momenta).
    energies_eV
        Energies E (relative to μ), eV.
    k_max_invA
        Radial cutoff, 1/Å (include all Fermi momenta that matter).
    n_k
        Radial grid points.
    eta_eV
        Lorentzian half-width, eV.
    chunk
        k points per batched diagonalization (default: keep the Lorentzian table of one chunk
        below ~2e7 numbers).

    Returns
    -------
    xarray.Dataset
        ``ldos`` (energy, layer) in states / (eV Å²) per site; attrs ``under_resolved`` (0/1)
        and ``max_level_step_eV`` (largest change of a level within η of the window between
        neighbouring k points).
    """
    require_scalar_film(model)
    if model.inplane != "continuum":
        raise ParameterError("inplane", model.inplane, "the radial integral needs 'continuum'")
    if not (eta_eV > 0 and k_max_invA > 0 and n_k >= 2):
        raise ParameterError("eta_eV/k_max_invA/n_k", (eta_eV, k_max_invA, n_k), "must be > 0")
    energies = np.asarray(energies_eV, dtype=float)
    k = np.linspace(0.0, k_max_invA, n_k)
    weights = np.full(n_k, k[1] - k[0]) * k / (2 * np.pi)  # trapezoid x k/(2 pi)
    weights[[0, -1]] *= 0.5
    nz = model.n_sites
    n = 4 * nz
    rho = np.zeros((energies.size, nz))
    if chunk is None:
        chunk = max(1, min(512, int(2e7 // (energies.size * 2 * n))))
    prev_e = None
    step = 0.0
    lo, hi = energies.min() - eta_eV, energies.max() + eta_eV
    for start in range(0, n_k, chunk):
        sl = slice(start, min(start + chunk, n_k))
        e, vec = np.linalg.eigh(model.bdg_hamiltonian(k[sl], 0.0 * k[sl]))
        u2 = np.abs(vec[:, :n, :]) ** 2  # (k, 4 N_z, states)
        w_site = u2.reshape(u2.shape[0], nz, 4, -1).sum(axis=2)  # (k, N_z, states)
        lor = (eta_eV / np.pi) / ((energies[None, :, None] - e[:, None, :]) ** 2 + eta_eV**2)
        rho += np.einsum("k,kes,kjs->ej", weights[sl], lor, w_site)
        # resolution diagnostic: level steps between neighbouring k inside the window
        e_all = e if prev_e is None else np.concatenate([prev_e[None], e])
        inside = (e_all[1:] > lo) & (e_all[1:] < hi)
        if inside.any():
            step = max(step, float(np.abs(np.diff(e_all, axis=0))[inside].max()))
        prev_e = e[-1]
    under = int(step > eta_eV)
    return xr.Dataset(
        {"ldos": (("energy", "layer"), rho,
                  {"units": "1/(eV Angstrom^2)", "long_name": "electron LDOS per site"})},
        coords={
            "energy": ("energy", energies, {"units": "eV", "long_name": "E - mu"}),
            "layer": ("layer", np.arange(1, nz + 1), {"units": "1",
                                                      "long_name": "site (1 = FeTe side)"}),
            "z_A": ("layer", model.z_A(), {"units": "Angstrom"}),
        },
        attrs={"eta_eV": eta_eV, "k_max_invA": k_max_invA, "n_k": n_k,
               "under_resolved": under, "max_level_step_eV": step,
               "material": model.params.name, "m": model.m, "method": "proximity.layer_ldos",
               "tsclab_version": __version__},
    )  # fmt: skip
