r"""LE-muSR asymmetry spectra: forward models and fits (PHYSICS.md §7.1).

Weak transverse field (wTF), for the magnetic volume fraction:

.. math::

    A(t) = A_\mathrm{para}\, e^{-\lambda t} \cos(\gamma_\mu B t + \varphi),

with the magnetic part lost within the dead time in ordered regions, so that
:math:`f_\mathrm{mag} = 1 - A_\mathrm{para}(T)/A_\mathrm{para}(T \gg T_C)`.

Zero field (ZF):

.. math::

    A(t) = A_0\{f_\mathrm{mag}[\alpha e^{-\lambda_T t}\cos(\gamma_\mu B_\mathrm{int} t)
           + (1-\alpha) e^{-\lambda_L t}] + (1 - f_\mathrm{mag}) G_\mathrm{KT}(\sigma, t)\},

with
:math:`G_\mathrm{KT} = 1/3 + (2/3)(1 - \sigma^2 t^2) e^{-\sigma^2 t^2/2}` (Kubo–Toyabe) and
:math:`\alpha = 2/3` for random field orientations.

Muon gyromagnetic ratio from scipy.constants (:math:`\gamma_\mu/2\pi` = 135.54 MHz/T).

References
----------
A. Yaouanc, P. Dalmas de Réotier, *Muon Spin Rotation, Relaxation, and Resonance* (OUP, 2011);
R. Kubo, T. Toyabe (1967); E. Morenzoni et al., J. Phys.: Condens. Matter 16, S4583 (2004)
(low-energy muons).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy import constants as _c
from scipy.optimize import least_squares

from ..errors import ParameterError
from ..results import Result

__all__ = [
    "GAMMA_MU_RAD_PER_US_T",
    "fit_wtf",
    "kubo_toyabe",
    "wtf_asymmetry",
    "zf_asymmetry",
]

#: Muon gyromagnetic ratio, rad / (us T): gamma = 2 |mu_mu| / hbar for spin 1/2.
GAMMA_MU_RAD_PER_US_T: float = 2 * abs(_c.physical_constants["muon mag. mom."][0]) / _c.hbar * 1e-6


def wtf_asymmetry(
    time_us: np.ndarray, a_para: float, relax_per_us: float, field_T: float, phase_rad: float = 0.0
) -> np.ndarray:
    """wTF asymmetry :math:`A_\\mathrm{para} e^{-\\lambda t}\\cos(\\gamma_\\mu B t + \\varphi)`."""
    t = np.asarray(time_us, dtype=float)
    return (
        a_para
        * np.exp(-relax_per_us * t)
        * np.cos(GAMMA_MU_RAD_PER_US_T * field_T * t + phase_rad)
    )


def kubo_toyabe(time_us: np.ndarray, sigma_per_us: float) -> np.ndarray:
    """Static Gaussian Kubo–Toyabe function :math:`G_\\mathrm{KT}(\\sigma, t)`."""
    x = (sigma_per_us * np.asarray(time_us, dtype=float)) ** 2
    return 1 / 3 + 2 / 3 * (1 - x) * np.exp(-x / 2)


def zf_asymmetry(
    time_us: np.ndarray,
    a0: float,
    f_mag: float,
    internal_field_T: float,
    lambda_t_per_us: float,
    lambda_l_per_us: float,
    sigma_kt_per_us: float,
    alpha: float = 2 / 3,
) -> np.ndarray:
    """ZF asymmetry: magnetic fraction (oscillating + longitudinal) plus Kubo–Toyabe rest."""
    t = np.asarray(time_us, dtype=float)
    mag = alpha * np.exp(-lambda_t_per_us * t) * np.cos(
        GAMMA_MU_RAD_PER_US_T * internal_field_T * t
    ) + (1 - alpha) * np.exp(-lambda_l_per_us * t)
    return a0 * (f_mag * mag + (1 - f_mag) * kubo_toyabe(t, sigma_kt_per_us))


def fit_wtf(
    time_us: np.ndarray,
    asymmetry: np.ndarray,
    error: np.ndarray,
    field_T: float,
    *,
    absolute_sigma: bool = True,
    sample: str = "",
    source: Mapping[str, Any] | None = None,
) -> list[Result]:
    """Fit a wTF spectrum; returns ``a_para``, ``relaxation_per_us`` and ``phase_rad`` records.

    The field is fixed (known applied field); the fit is weighted by ``error``.

    Parameters
    ----------
    time_us, asymmetry, error
        Time (us), asymmetry and its one-sigma error, same 1-D shape; non-finite points and
        points with ``error <= 0`` are dropped (at least 8 must remain).
    field_T
        Applied transverse field, T.
    absolute_sigma
        As in :func:`scipy.optimize.curve_fit`. True (default): ``error`` is an absolute
        one-sigma error (muSR counting statistics), the covariance is
        :math:`(J^T J)^{-1}` of the weighted residuals, not rescaled. False: ``error`` only
        sets relative weights, the covariance is scaled by the reduced chi^2.
        ``extra["covariance"]`` says which was used; ``extra["reduced_chi2"]`` lets a user
        judge whether the stated errors are right.

    Returns
    -------
    list of Result
        When the optimizer did not converge (``fit_failed``) or the covariance is singular
        (``singular_covariance``: a parameter not determined by the data, e.g. the phase at
        zero field), every record has ``value=None`` and ``stderr=None``; the optimizer's
        number is kept in ``extra["fit_value"]``.

    References
    ----------
    A. Yaouanc, P. Dalmas de Réotier, *Muon Spin Rotation, Relaxation, and Resonance*
    (OUP, 2011), ch. 6 (wTF magnetic volume fraction).
    """
    t = np.asarray(time_us, dtype=float)
    a = np.asarray(asymmetry, dtype=float)
    e = np.asarray(error, dtype=float)
    if not (t.shape == a.shape == e.shape) or t.ndim != 1:
        raise ParameterError("asymmetry", a.shape, "time, asymmetry and error: same 1-D shape")
    if not np.isfinite(field_T):
        raise ParameterError("field_T", field_T, "must be finite")
    ok = np.isfinite(t) & np.isfinite(a) & np.isfinite(e) & (e > 0)
    if ok.sum() < 8:
        raise ParameterError("asymmetry", int(ok.sum()), "fewer than 8 usable points")
    t, a, e = t[ok], a[ok], e[ok]

    def resid(p):
        return (wtf_asymmetry(t, p[0], p[1], field_T, p[2]) - a) / e

    p0 = [max(np.ptp(a) / 2, 1e-3), 0.1, 0.0]
    sol = least_squares(resid, p0, bounds=([0, 0, -np.pi], [1, 100, np.pi]))
    dof = max(t.size - 3, 1)
    chi2r = float(np.sum(sol.fun**2) / dof)
    flags: tuple[str, ...] = () if sol.success else ("fit_failed",)
    jtj = sol.jac.T @ sol.jac
    err: list[float | None]
    # a rank-deficient J^T J rarely makes inv() raise; test the condition number instead
    if not np.all(np.isfinite(jtj)) or np.linalg.cond(jtj) > 1e12:
        err = [None] * 3
        flags = (*flags, "singular_covariance")
    else:
        cov = np.linalg.inv(jtj) * (1.0 if absolute_sigma else chi2r)
        err = [float(x) for x in np.sqrt(np.abs(np.diag(cov)))]
    failed = bool(flags)
    common = {
        "method": "musr.fit_wtf",
        "sample": sample,
        "source": dict(source or {}),
        "criterion": f"wTF at {field_T} T",
        "flags": flags,
    }
    cov_rule = "absolute sigma" if absolute_sigma else "scaled by reduced chi2"
    names = [("a_para", ""), ("relaxation_per_us", "1/us"), ("phase_rad", "rad")]
    return [
        Result(
            q,
            None if failed else float(v),
            None if failed or s is None else float(s),
            u,
            **common,
            extra={
                "reduced_chi2": chi2r,
                "covariance": cov_rule,
                **({"fit_value": float(v)} if failed else {}),
            },
        )
        for (q, u), v, s in zip(names, sol.x, err, strict=True)
    ]
