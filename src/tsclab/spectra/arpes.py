r"""ARPES-like band maps of the thin film (forward model) and their dispersion analysis.

Forward model (PHYSICS.md §3.4): the normal-state spectral function with a photoemission depth
weighting,

.. math::

    A(k, E) = \sum_n \Big[\sum_j |\psi_{n,j}(k)|^2 e^{-d_j/\ell}\Big]\,
              \frac{\eta/\pi}{(E - E_n(k))^2 + \eta^2},

where :math:`d_j` is the depth of site j below the top surface and :math:`\ell` the
photoelectron escape depth (5-10 Å for UV photons); the intensity
:math:`I = A\,f(E, T)` is convolved with Gaussian energy and momentum resolutions. Energies
are relative to the chemical potential (E = 0 at E_F).

Inverse analysis: momentum-distribution-curve (MDC) peaks of the upper Dirac branch in an
energy window, fitted by E = E_D + v k + c k²: the Dirac-point energy and the velocity at the
Dirac point, with standard errors.

References
----------
A. Damascelli, Z. Hussain, Z.-X. Shen, Rev. Mod. Phys. 75, 473 (2003).

Examples
--------
>>> import numpy as np
>>> from tsclab.models import ThinFilmModel
>>> film = ThinFilmModel(material="Bi2Se3-NP09", m=6, mu=0.1)
>>> ds = arpes_map(film, np.linspace(-0.1, 0.1, 41), np.linspace(-0.3, 0.1, 81))
>>> ds.intensity.dims
('energy', 'k')
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy.ndimage import gaussian_filter

from .._version import __version__
from ..errors import ParameterError
from ..results import Result
from ..units import K_B_EV_PER_K

__all__ = ["arpes_map", "fit_dirac_dispersion"]


def arpes_map(
    model,
    k_invA,
    energy_eV,
    *,
    temperature_K: float = 300.0,
    broadening_eV: float = 0.01,
    escape_depth_A: float = 7.0,
    energy_resolution_eV: float = 0.015,
    k_resolution_invA: float = 0.005,
) -> xr.Dataset:
    """Simulated ARPES intensity I(k, E) of a thin film along kx (ky = 0).

    Parameters
    ----------
    model
        A :class:`~tsclab.models.ThinFilmModel` (normal state is used; pairing is ignored).
    k_invA, energy_eV
        Evenly spaced momenta (1/Å) and energies relative to E_F (eV).
    temperature_K
        Sample temperature of the Fermi cut-off (the paper's map is at room temperature).
    broadening_eV
        Lorentzian half-width :math:`\\eta` of the spectral function.
    escape_depth_A
        Photoelectron escape depth, Å.
    energy_resolution_eV, k_resolution_invA
        Gaussian FWHM of the instrument resolution.

    Returns
    -------
    xarray.Dataset
        ``intensity`` (energy, k), arbitrary units, with the model and resolutions in attrs.
    """
    k = np.asarray(k_invA, dtype=float)
    e = np.asarray(energy_eV, dtype=float)
    for name, arr in (("k_invA", k), ("energy_eV", e)):
        if arr.ndim != 1 or arr.size < 3 or np.any(np.diff(arr) <= 0):
            raise ParameterError(name, arr.shape, "need an increasing 1-D grid of >= 3 points")
    for name, v in (
        ("temperature_K", temperature_K),
        ("broadening_eV", broadening_eV),
        ("escape_depth_A", escape_depth_A),
    ):
        if not (np.isfinite(v) and v > 0):
            raise ParameterError(name, v, "must be positive")
    film = model.with_params(delta0=0.0)
    levels, vec = film.spectrum(k, 0.0 * k, bdg=False, vectors=True)  # (k, n), (k, 4N, n)
    w_site = film.layer_weights(vec)  # (k, N_z, n)
    n_sites = w_site.shape[-2]
    depth = (n_sites - 1 - np.arange(n_sites)) * film.a_z_A  # site N_z is the top surface
    w = np.einsum("kjn,j->kn", w_site, np.exp(-depth / escape_depth_A))
    lorentz = (broadening_eV / np.pi) / ((e[:, None, None] - levels[None]) ** 2 + broadening_eV**2)
    spectral = np.einsum("ekn,kn->ek", lorentz, w)
    x = np.clip(e / (K_B_EV_PER_K * temperature_K), -700, 700)
    intensity = spectral / (np.exp(x) + 1.0)[:, None]
    fwhm_to_sigma = 1.0 / (2.0 * np.sqrt(2.0 * np.log(2.0)))
    sig = (
        energy_resolution_eV * fwhm_to_sigma / (e[1] - e[0]),
        k_resolution_invA * fwhm_to_sigma / (k[1] - k[0]),
    )
    intensity = gaussian_filter(intensity, sig, mode="nearest")
    return xr.Dataset(
        {
            "intensity": (
                ("energy", "k"),
                intensity,
                {"units": "arb. units", "long_name": "ARPES intensity"},
            )
        },
        coords={
            "energy": ("energy", e, {"units": "eV", "long_name": "E - E_F"}),
            "k": ("k", k, {"units": "1/Angstrom", "long_name": "k_x"}),
        },
        attrs={
            "material": film.params.name,
            "m": film.m,
            "temperature_K": temperature_K,
            "broadening_eV": broadening_eV,
            "escape_depth_A": escape_depth_A,
            "energy_resolution_eV": energy_resolution_eV,
            "k_resolution_invA": k_resolution_invA,
            "method": "spectra.arpes_map",
            "tsclab_version": __version__,
        },
    )


def fit_dirac_dispersion(
    ds: xr.Dataset, energy_window_eV: tuple[float, float], *, sample: str = ""
) -> list[Result]:
    """Dirac-point energy and velocity from the MDC peaks of the upper Dirac branch.

    In each energy slice of the window, the MDC peak on the k > 0 side is located (parabolic
    refinement), following one branch down from the top slice's strongest peak;
    E = E_D + v k + c k² through the peaks gives
    ``dirac_point_eV`` (relative to E_F) and ``velocity_eV_A`` (the slope at the Dirac point)
    with standard errors.

    Parameters
    ----------
    ds
        Output of :func:`arpes_map` (or a measured map with the same dims and units).
    energy_window_eV
        (E_min, E_max) of the linear part of the upper branch, eV relative to E_F.
    """
    if "intensity" not in ds or set(ds["intensity"].dims) != {"energy", "k"}:
        raise ParameterError("ds", list(ds.data_vars), "need 'intensity' over (energy, k)")
    lo, hi = energy_window_eV
    sub = ds["intensity"].sel(energy=slice(lo, hi)).transpose("energy", "k")
    kpos = sub["k"].values > 0
    if sub.sizes["energy"] < 5 or kpos.sum() < 3:
        raise ParameterError("energy_window_eV", energy_window_eV, "window holds < 5 slices")
    k = sub["k"].values[kpos]
    dk = k[1] - k[0]
    rows = sub.values[:, kpos]
    # Track one branch: start at the top slice's strongest MDC peak, then in each lower slice
    # take the local maximum nearest the previous peak (several bands cross a wide window).
    order = np.argsort(sub["energy"].values)[::-1]
    peaks = np.empty(rows.shape[0])
    previous = None
    for j in order:
        row = rows[j]
        cand = np.flatnonzero((row[1:-1] >= row[:-2]) & (row[1:-1] >= row[2:])) + 1
        if cand.size == 0:
            cand = np.array([int(np.clip(np.argmax(row), 1, row.size - 2))])
        if previous is None:
            i = int(cand[np.argmax(row[cand])])
        else:
            i = int(cand[np.argmin(np.abs(k[cand] - previous))])
        a, b, c = row[i - 1], row[i], row[i + 1]
        denom = a - 2 * b + c
        peaks[j] = k[i] + (0.5 * dk * (a - c) / denom if denom < 0 else 0.0)
        previous = peaks[j]
    kp = np.asarray(peaks)
    en = sub["energy"].values
    # E = E_D + v k + c k^2: the quadratic term (D2-like particle-hole asymmetry) keeps the
    # velocity the slope at the Dirac point, independent of the window
    A = np.column_stack([np.ones_like(kp), kp, kp**2])
    coef, *_ = np.linalg.lstsq(A, en, rcond=None)
    dof = max(kp.size - 3, 1)
    s2 = float(np.sum((A @ coef - en) ** 2)) / dof
    cov = s2 * np.linalg.inv(A.T @ A)
    err = np.sqrt(np.diag(cov))
    flags = () if np.all(np.diff(kp) > 0) else ("non_monotonic_peaks",)
    common = {
        "method": "spectra.fit_dirac_dispersion",
        "sample": sample,
        "criterion": f"MDC peaks, {lo:g} to {hi:g} eV",
        "flags": flags,
        "extra": {"n_slices": int(kp.size)},
    }
    return [
        Result("dirac_point_eV", float(coef[0]), float(err[0]), "eV", **common),
        Result("velocity_eV_A", float(coef[1]), float(err[1]), "eV Angstrom", **common),
    ]
