r"""Singlet/triplet decomposition of the equal-time pair amplitude (inversion broken).

Anomalous amplitude in tsclab's Nambu convention (PHYSICS.md §3.7; :mod:`tsclab.models.bdg`):

.. math:: F_{\alpha\beta}(k) = \langle c_{k\alpha} c_{-k\beta}\rangle
          = \sum_n u_{n\alpha}(k)\, v^*_{n\beta}(k)\,[1 - f(E_n(k))],

with :math:`(u_n, v_n)` the BdG eigenvectors; at T = 0 the sum runs over :math:`E_n > 0`.
For each 2 x 2 spin block :math:`F_s` (same site, same orbital),
:math:`F_s = (\psi\,\sigma_0 + \mathbf d\cdot\boldsymbol\sigma)\,i\sigma_y`, so
:math:`\psi = \tfrac12\mathrm{Tr}[F_s(-i\sigma_y)]` (singlet, even in k) and
:math:`d_a = \tfrac12\mathrm{Tr}[\sigma_a F_s(-i\sigma_y)]` (triplet, odd in k).
Inter-orbital and inter-site blocks carry further (orbital-triplet / odd-parity) parts; they
are left in the full ``F`` returned by :func:`anomalous_amplitude`.

Analytic test (Gor'kov & Rashba, PRL 87, 037004 (2001)): for
:math:`h = \xi_k + \alpha(k_y\sigma_x - k_x\sigma_y)` with s-wave :math:`\Delta i\sigma_y` at
T = 0, :math:`\psi = \frac{\Delta}{4}(1/E_+ + 1/E_-)`,
:math:`\mathbf d = \frac{\Delta}{4}(1/E_+ - 1/E_-)\,(k_y, -k_x, 0)/k`,
:math:`E_\pm = \sqrt{(\xi_k \pm \alpha k)^2 + \Delta^2}`.

Examples
--------
>>> from tsclab.models import ThinFilmModel
>>> ds = singlet_triplet_film(ThinFilmModel(m=2, delta0=0.01, mu=0.09, V=0.05), 0.015, 0.0)
>>> ds.psi.dims, ds.d.dims
(('layer', 'orbital'), ('layer', 'orbital', 'component'))
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._version import __version__
from ..models.pauli import SX, SY, SZ
from ..models.thin_film import ThinFilmModel
from ..units import K_B_EV_PER_K
from ._common import require_scalar_film

__all__ = [
    "anomalous_amplitude",
    "singlet_triplet",
    "singlet_triplet_film",
    "singlet_triplet_vs_V",
]

_ISY = 1j * SY


def anomalous_amplitude(h_bdg: np.ndarray, temperature_K: float = 0.0) -> np.ndarray:
    """:math:`F_{\\alpha\\beta} = \\sum_n u_{n\\alpha} v^*_{n\\beta}[1 - f(E_n)]`, batched.

    Parameters
    ----------
    h_bdg
        BdG Hamiltonians in tsclab's Nambu order, shape ``(..., 2N, 2N)``, eV.
    temperature_K
        Temperature, K (0: step function, only :math:`E_n > 0`).

    Returns
    -------
    ndarray, shape ``(..., N, N)``

    Examples
    --------
    >>> from tsclab.models.bdg import bdg_hamiltonian
    >>> h = np.diag([0.1, 0.1]).astype(complex)  # xi = 0.1 eV, both spins
    >>> f = anomalous_amplitude(bdg_hamiltonian(h, h, 0.02 * 1j * SY))
    >>> round(float(f[0, 1].real), 4)  # Delta / (2 E) with E = sqrt(xi^2 + Delta^2)
    0.0981
    """
    e, vec = np.linalg.eigh(h_bdg)
    n = h_bdg.shape[-1] // 2
    if temperature_K > 0:
        occ_hole = 0.5 * (1.0 + np.tanh(e / (2 * K_B_EV_PER_K * temperature_K)))  # 1 - f(E)
    else:
        occ_hole = (e > 0).astype(float)
    u, v = vec[..., :n, :], vec[..., n:, :]
    return np.einsum("...an,...bn,...n->...ab", u, v.conj(), occ_hole)


def singlet_triplet(f_spin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split 2 x 2 spin blocks :math:`F_s = (\\psi + \\mathbf d\\cdot\\sigma) i\\sigma_y`.

    Parameters
    ----------
    f_spin
        Shape ``(..., 2, 2)`` (spin indices ↑, ↓).

    Returns
    -------
    psi : ndarray, shape ``(...)``
    d : ndarray, shape ``(..., 3)``

    Examples
    --------
    >>> psi, d = singlet_triplet(0.3 * 1j * SY)
    >>> complex(psi), float(np.abs(d).max())
    ((0.3+0j), 0.0)
    """
    g = f_spin @ (-_ISY)
    psi = 0.5 * np.trace(g, axis1=-2, axis2=-1)
    d = np.stack([0.5 * np.trace(s @ g, axis1=-2, axis2=-1) for s in (SX, SY, SZ)], axis=-1)
    return psi, d


def singlet_triplet_film(
    model: ThinFilmModel, kx: float, ky: float, temperature_K: float = 0.0
) -> xr.Dataset:
    """Layer- and orbital-resolved singlet ψ and triplet d of the film at one k.

    Parameters
    ----------
    model
        Film with pairing.
    kx, ky
        Momentum, 1/Å (e.g. on the Fermi surface of the top state).
    temperature_K
        Temperature, K.

    Returns
    -------
    xarray.Dataset
        ``psi`` (layer, orbital), ``d`` (layer, orbital, component), complex, and
        ``triplet_ratio`` = :math:`|\\mathbf d|/|\\psi|` (0 where ψ = 0, with ``ratio_defined``).
    """
    require_scalar_film(model)
    f = anomalous_amplitude(model.bdg_hamiltonian(kx, ky), temperature_K)
    nz = model.n_sites
    # index = 4 j + 2 s + o  ->  (j, o, s, s')
    blocks = f.reshape(nz, 2, 2, nz, 2, 2)
    j = np.arange(nz)
    diag = blocks[j, :, :, j, :, :]  # (j, s, o, s', o')
    spin = np.stack([diag[:, :, o, :, o] for o in (0, 1)], axis=1)  # (j, o, s, s')
    psi, d = singlet_triplet(spin)
    mag_psi = np.abs(psi)
    mag_d = np.linalg.norm(d, axis=-1)
    defined = mag_psi > 1e-14 * max(float(mag_psi.max()), 1e-300)
    ratio = np.where(defined, mag_d / np.where(defined, mag_psi, 1.0), 0.0)
    return xr.Dataset(
        {
            "psi": (("layer", "orbital"), psi, {"units": "1", "long_name": "singlet amplitude"}),
            "d": (("layer", "orbital", "component"), d,
                  {"units": "1", "long_name": "triplet d vector"}),
            "triplet_ratio": (("layer", "orbital"), ratio, {"units": "1",
                                                            "long_name": "|d|/|psi|"}),
            "ratio_defined": (("layer", "orbital"), defined, {"units": "1"}),
        },
        coords={
            "layer": ("layer", j + 1, {"units": "1", "long_name": "site (1 = FeTe side)"}),
            "orbital": ("orbital", ["P1+", "P2-"]),
            "component": ("component", ["x", "y", "z"]),
        },
        attrs={"kx_invA": float(kx), "ky_invA": float(ky), "temperature_K": temperature_K,
               "material": model.params.name, "m": model.m,
               "method": "proximity.singlet_triplet_film", "tsclab_version": __version__},
    )  # fmt: skip


def singlet_triplet_vs_V(model: ThinFilmModel, V_values, temperature_K: float = 0.0) -> xr.Dataset:
    r"""Layer-resolved singlet/triplet amplitudes at the top-surface Fermi momentum vs V.

    For each band-bending asymmetry V the Fermi momentum of the top surface state is found
    (:func:`tsclab.proximity.fermi_momentum_top`, normal state) and the pair amplitude is
    decomposed there (k along x). The film is isotropic, so :math:`|\psi|` and
    :math:`|\mathbf d|` are the same all around the Fermi circle: the values are also the
    Fermi-surface averages (PHYSICS.md §3.7).

    Parameters
    ----------
    model
        Film with pairing (its V is replaced).
    V_values
        Asymmetries V, eV.
    temperature_K
        Temperature, K.

    Returns
    -------
    xarray.Dataset
        As :func:`singlet_triplet_film` with a leading dim ``V`` and ``k_F_invA`` over V.

    Examples
    --------
    >>> from tsclab.models import ThinFilmModel
    >>> ds = singlet_triplet_vs_V(ThinFilmModel(m=3, delta0=0.01, mu=0.09), [0.0, 0.05])
    >>> ds.triplet_ratio.dims
    ('V', 'layer', 'orbital')
    """
    from .surface_state import fermi_momentum_top

    require_scalar_film(model)
    parts, kfs = [], []
    for v in V_values:
        film = model.with_params(V=float(v))
        kf = fermi_momentum_top(film).k_invA
        kfs.append(kf)
        parts.append(singlet_triplet_film(film, kf, 0.0, temperature_K))
    out = xr.concat(parts, dim="V", combine_attrs="drop_conflicts")
    out = out.assign_coords(
        V=("V", np.asarray(V_values, dtype=float), {"units": "eV", "long_name": "asymmetry"})
    )
    out["k_F_invA"] = ("V", np.array(kfs), {"units": "1/Angstrom", "long_name": "TSS k_F"})
    out.attrs["method"] = "proximity.singlet_triplet_vs_V"
    return out
