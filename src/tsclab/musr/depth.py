r"""Depth-resolved LE-muSR: stopping profiles and layer fractions (PHYSICS.md §7.2).

The measured magnetic fraction at implantation energy E is a stopping-profile-weighted average
of layer values:

.. math::

    f(E) = \sum_\ell f_\ell \int_{z_{\ell-1}}^{z_\ell} p(z; E)\, dz \Big/ \int p(z; E)\, dz .

Stopping profiles should come from TRIM.SP (musrfit ``.rge`` files: depth in Å, particle
counts); tsclab does not read ``.rge`` files, but a TRIM.SP profile is accepted as an array:
wrap it as an ``xr.DataArray`` with dims (energy, depth) and coordinates in keV and nm and pass
it to :func:`layer_weights`. Without them, :func:`gamma_profile` gives a documented stand-in
(its output says so in ``attrs["stopping_profile"]``, carried on to the fit result): a gamma
distribution of depth with mean
:math:`\bar z(E) = z_1 (E/1\,\mathrm{keV})^{n}` and relative width ``rel_width`` — the shape
LE-muSR stopping profiles have (skewed, with a tail to depth), with parameters a user should
take from TRIM.SP for their stack. The layer fractions are fitted by bounded linear least
squares (0 <= f <= 1), as musrfit's ``PDepthProfile`` does.

References
----------
E. Morenzoni et al., Nucl. Instrum. Methods B 192, 245 (2002) (muon implantation profiles);
W. Eckstein, *Computer Simulation of Ion–Solid Interactions* (Springer, 1991) (TRIM.SP).
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy import stats
from scipy.optimize import lsq_linear

from ..errors import ParameterError

__all__ = ["fit_layer_fractions", "gamma_profile", "layer_weights"]

#: ``attrs["stopping_profile"]`` of profiles from :func:`gamma_profile` (and of what they feed).
GAMMA_STAND_IN = "gamma stand-in, not TRIM.SP"


def gamma_profile(
    depth_nm: np.ndarray,
    energy_keV: np.ndarray,
    *,
    mean_depth_1keV_nm: float = 5.0,
    exponent: float = 1.6,
    rel_width: float = 0.45,
) -> xr.DataArray:
    """Stand-in stopping profiles p(z; E) (normalized over ``depth_nm``), dims (energy, depth).

    Parameters
    ----------
    depth_nm
        Depth grid, nm (ascending).
    energy_keV
        Implantation energies, keV.
    mean_depth_1keV_nm, exponent
        Mean depth law :math:`\\bar z = z_1 E^n` (E in keV).
    rel_width
        Standard deviation / mean of the depth distribution.
    """
    z = np.asarray(depth_nm, dtype=float)
    e = np.asarray(energy_keV, dtype=float)
    if np.any(np.diff(z) <= 0) or np.any(e <= 0):
        raise ParameterError("depth_nm", "grid", "depth must increase and energies be positive")
    mean = mean_depth_1keV_nm * e**exponent
    shape = 1 / rel_width**2
    p = stats.gamma.pdf(z[None, :], a=shape, scale=mean[:, None] / shape)
    p /= np.trapezoid(p, z, axis=1)[:, None]
    return xr.DataArray(
        p,
        dims=("energy", "depth"),
        coords={"energy": ("energy", e, {"units": "keV"}), "depth": ("depth", z, {"units": "nm"})},
        name="stopping_profile",
        attrs={
            "units": "1/nm",
            "long_name": "muon stopping profile (gamma stand-in)",
            "stopping_profile": GAMMA_STAND_IN,
        },
    )


def layer_weights(profiles: xr.DataArray, boundaries_nm: np.ndarray) -> xr.DataArray:
    """Fraction of muons stopping in each layer, dims (energy, layer).

    ``boundaries_nm`` are the interfaces (ascending); layers are [0, b0), [b0, b1), ...,
    [b_last, end of grid].
    """
    z = profiles["depth"].values
    b = np.concatenate([[z[0]], np.asarray(boundaries_nm, dtype=float), [z[-1]]])
    if np.any(np.diff(b) <= 0):
        raise ParameterError("boundaries_nm", list(boundaries_nm), "must increase inside the grid")
    p = profiles.transpose("energy", "depth").values
    cum = np.concatenate(
        [np.zeros((p.shape[0], 1)), np.cumsum(0.5 * (p[:, 1:] + p[:, :-1]) * np.diff(z), axis=1)],
        axis=1,
    )
    at = np.stack([np.interp(b, z, c) for c in cum])
    w = np.diff(at, axis=1)
    w /= w.sum(axis=1, keepdims=True)
    return xr.DataArray(
        w,
        dims=("energy", "layer"),
        coords={"energy": profiles["energy"], "layer": np.arange(w.shape[1])},
        name="layer_weight",
        attrs={
            "units": "",
            "stopping_profile": profiles.attrs.get("stopping_profile", "user-supplied"),
        },
    )


def fit_layer_fractions(
    f_measured: np.ndarray, f_error: np.ndarray, weights: xr.DataArray
) -> xr.Dataset:
    """Fit layer values f_l (0..1) to f(E) = sum_l w_l(E) f_l by bounded linear least squares.

    Parameters
    ----------
    f_measured
        Measured fraction per implantation energy, shape (n_energy,); finite.
    f_error
        One-sigma errors of ``f_measured`` (absolute), finite and > 0.
    weights
        Layer weights, dims (energy, layer), from :func:`layer_weights`.

    Returns
    -------
    xarray.Dataset
        ``f_layer`` and ``f_layer_stderr`` (dim ``layer``); ``at_bound`` (bool per layer: the
        value sits on the 0 or 1 bound). The stderr of a layer at a bound is not reported
        (missing, i.e. NaN, the xarray missing-value marker, with ``at_bound`` saying why): the
        unconstrained covariance does not describe an estimate pinned at a bound. Attrs:
        ``reduced_chi2``, ``success`` (bool), ``fit_failed`` (bool: the optimizer did not
        converge, or the covariance is singular, in which case all stderrs are missing),
        ``flags`` (comma-separated: ``fit_failed``, ``singular_covariance``, ``at_bound``)
        and ``stopping_profile`` (from the weights: ``"gamma stand-in, not TRIM.SP"`` for
        :func:`gamma_profile`).

    Raises
    ------
    ParameterError
        Non-finite or mis-shaped ``f_measured``/``f_error``, a non-positive error, or
        non-finite weights.

    Examples
    --------
    >>> z = np.linspace(0, 100, 1001)
    >>> w = layer_weights(gamma_profile(z, np.array([1.0, 3.0, 8.0, 15.0])), [10.0])
    >>> ds = fit_layer_fractions(w.values @ np.array([0.8, 0.2]), np.full(4, 0.01), w)
    >>> np.round(ds.f_layer.values, 3).tolist(), bool(ds.attrs["fit_failed"])
    ([0.8, 0.2], False)

    References
    ----------
    P. B. Stark, R. L. Parker, Comput. Stat. 10, 129 (1995) (bounded-variable least squares);
    musrfit ``PDepthProfile`` (A. Suter, B. M. Wojek, Phys. Procedia 30, 69 (2012)).
    """
    w = weights.transpose("energy", "layer").values
    f = np.asarray(f_measured, dtype=float)
    s = np.asarray(f_error, dtype=float)
    if f.shape != (w.shape[0],):
        raise ParameterError("f_measured", f.shape, f"one value per energy ({w.shape[0]})")
    if not np.all(np.isfinite(f)):
        raise ParameterError(
            "f_measured", f.tolist(), "must be finite (drop the energies without a value)"
        )
    if s.shape != f.shape:
        raise ParameterError("f_error", s.shape, "one error per value of f_measured")
    if not np.all(np.isfinite(s)) or np.any(s <= 0):
        raise ParameterError("f_error", s.tolist(), "errors must be finite and > 0")
    if not np.all(np.isfinite(w)):
        raise ParameterError("weights", "non-finite", "layer weights must be finite")
    jw = w / s[:, None]
    sol = lsq_linear(jw, f / s, bounds=(0, 1), method="bvls")
    flags: list[str] = []
    success = bool(sol.success)
    if not success:
        flags.append("fit_failed")
    try:
        cov = np.linalg.inv(jw.T @ jw)
        diag = np.diag(cov)
        if not np.all(np.isfinite(diag)) or np.any(diag < 0):
            raise np.linalg.LinAlgError("non-positive covariance diagonal")
        err = np.sqrt(diag)
    except np.linalg.LinAlgError:
        err = np.full(w.shape[1], np.nan)
        flags.append("singular_covariance")
    # active bounds: lsq_linear reports them in active_mask (-1 lower, +1 upper)
    at_bound = np.asarray(sol.active_mask) != 0
    at_bound |= (sol.x <= 1e-12) | (sol.x >= 1 - 1e-12)
    if at_bound.any():
        flags.append("at_bound")
        err = np.where(at_bound, np.nan, err)
    fit_failed = "fit_failed" in flags or "singular_covariance" in flags
    chi2r = float(np.sum(sol.fun**2) / max(f.size - w.shape[1], 1))
    return xr.Dataset(
        {
            "f_layer": ("layer", sol.x, {"units": "", "long_name": "layer value"}),
            "f_layer_stderr": (
                "layer",
                err,
                {"units": "", "note": "NaN where at_bound or the covariance is singular"},
            ),
            "at_bound": ("layer", at_bound, {"long_name": "value on the 0 or 1 bound"}),
        },
        coords={"layer": weights["layer"]},
        attrs={
            "reduced_chi2": chi2r,
            "success": int(success),
            "fit_failed": int(fit_failed),
            "flags": ",".join(flags),
            "stopping_profile": weights.attrs.get("stopping_profile", "user-supplied"),
        },
    )
