r"""BCS gap :math:`\Delta(T)` from the weak-coupling gap equation, and fits of gap data.

The cutoff-free weak-coupling gap equation in Matsubara form (energies in units of
:math:`k_BT_c`, :math:`t = T/T_c`, :math:`\omega_n = \pi t(2n+1)`) is

.. math::

    \ln\frac{1}{t} = 2\pi t\sum_{n\ge 0}\Big[\frac{1}{\omega_n}
        - \frac{1}{\sqrt{\omega_n^2+\delta^2}}\Big],\qquad \delta = \Delta/k_BT_c .

It is solved with Brent's method at each temperature; the sum is taken term by term up to
``n_terms`` and its remainder by the midpoint (Euler–Maclaurin) integral
:math:`\ln\big[(W+\sqrt{W^2+\delta^2})/2W\big]`, :math:`W = 2\pi t\,n_\mathrm{terms}`.
At :math:`T = 0` the gap is :math:`\Delta(0) = \pi e^{-\gamma_E} k_BT_c \approx 1.764\,k_BT_c`.
Below :math:`t = 0.02` the difference from :math:`\Delta(0)`, of order
:math:`\sqrt{2\pi\delta t}\,e^{-\delta/t}`, is below 1e-30 and :math:`\Delta(0)` is returned.

The interpolation :math:`\Delta_0\tanh(1.74\sqrt{T_c/T-1})` (Gross et al.) is available as
:func:`bcs_gap_tanh_meV`; it is an approximation (error up to 1.8 % of :math:`\Delta_0` near
:math:`t = 0.5`), never used by the fits.

References
----------
J. Bardeen, L. N. Cooper, J. R. Schrieffer, Phys. Rev. 108, 1175 (1957);
Matsubara form: e.g. A. A. Abrikosov, L. P. Gor'kov, I. E. Dzyaloshinskii (1963), §34;
interpolation: F. Gross et al., Z. Phys. B 64, 175 (1986).

Examples
--------
>>> from tsclab.units import K_B_MEV_PER_K
>>> round(float(bcs_gap_meV(0.0, tc_K=10.0)) / (K_B_MEV_PER_K * 10.0), 4)
1.7639
>>> round(float(bcs_gap_meV(5.0, tc_K=10.0) / bcs_gap_meV(0.0, tc_K=10.0)), 4)
0.9569
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy import optimize
from scipy.constants import pi
from scipy.interpolate import CubicSpline

from ..errors import ParameterError
from ..results import Result
from ..units import K_B_MEV_PER_K

__all__ = [
    "BCS_RATIO",
    "bcs_gap_meV",
    "bcs_gap_reduced",
    "bcs_gap_tanh_meV",
    "fit_bcs_gap",
]

#: :math:`\Delta(0)/k_BT_c = \pi e^{-\gamma_E}` (weak-coupling BCS).
BCS_RATIO: float = float(pi * np.exp(-np.euler_gamma))

_T_LOW = 0.02


def _gap_equation(delta: float, t: float, n_terms: int) -> float:
    """Right-hand side minus left-hand side of the reduced gap equation (increasing in delta)."""
    w = pi * t * (2.0 * np.arange(n_terms) + 1.0)
    s = np.sum(1.0 / w - 1.0 / np.sqrt(w * w + delta * delta))
    W = 2.0 * pi * t * n_terms
    tail = np.log((W + np.sqrt(W * W + delta * delta)) / (2.0 * W))
    return 2.0 * pi * t * s + tail - np.log(1.0 / t)


def bcs_gap_reduced(t, *, n_terms: int = 4000) -> np.ndarray:
    r"""Reduced BCS gap :math:`\Delta(T)/k_BT_c` at :math:`t = T/T_c` (array; 0 for t >= 1).

    Parameters
    ----------
    t
        Reduced temperature(s) :math:`T/T_c \ge 0`.
    n_terms
        Explicit Matsubara terms; the remainder is added analytically.

    Examples
    --------
    >>> round(float(bcs_gap_reduced(0.9)) / BCS_RATIO, 4)
    0.5263
    """
    t = np.asarray(t, dtype=float)
    if not np.all(np.isfinite(t)) or np.any(t < 0):
        raise ParameterError("t", t, "reduced temperatures must be finite and >= 0")
    out = np.zeros(t.shape)
    flat = out.reshape(-1)
    for i, ti in enumerate(t.reshape(-1)):
        if ti >= 1.0:
            flat[i] = 0.0
        elif ti < _T_LOW:
            flat[i] = BCS_RATIO
        elif _gap_equation(1e-12, ti, n_terms) >= 0.0:  # rounding just below t = 1
            flat[i] = 0.0
        else:
            flat[i] = optimize.brentq(
                _gap_equation, 1e-12, 2.0 * BCS_RATIO, args=(ti, n_terms), xtol=1e-14
            )
    return out


def _check_tc(tc_K: float) -> float:
    tc = float(tc_K)
    if not np.isfinite(tc) or tc <= 0:
        raise ParameterError("tc_K", tc_K, "the critical temperature must be > 0")
    return tc


def bcs_gap_meV(temperature_K, tc_K: float) -> np.ndarray:
    r"""Weak-coupling BCS gap :math:`\Delta(T)` in meV (exact solution of the gap equation).

    Parameters
    ----------
    temperature_K
        Temperature(s), K (>= 0; array).
    tc_K
        Critical temperature, K (> 0).

    Returns
    -------
    numpy.ndarray
        :math:`\Delta(T)`, meV; 0 at and above :math:`T_c`.

    References
    ----------
    J. Bardeen, L. N. Cooper, J. R. Schrieffer, Phys. Rev. 108, 1175 (1957).

    Examples
    --------
    >>> round(float(bcs_gap_meV(0.0, 6.5)), 3)
    0.988
    """
    tc = _check_tc(tc_K)
    T = np.asarray(temperature_K, dtype=float)
    if not np.all(np.isfinite(T)) or np.any(T < 0):
        raise ParameterError("temperature_K", temperature_K, "must be finite and >= 0")
    return K_B_MEV_PER_K * tc * bcs_gap_reduced(T / tc)


def bcs_gap_tanh_meV(temperature_K, tc_K: float, delta0_meV: float | None = None) -> np.ndarray:
    r"""Interpolation :math:`\Delta_0\tanh(1.74\sqrt{T_c/T - 1})` (an approximation).

    Its error against the exact :func:`bcs_gap_meV` is up to about -0.018 :math:`\Delta_0`
    (t = 0.5–0.6, PHYSICS.md §4.1). ``delta0_meV`` defaults to the BCS
    :math:`\pi e^{-\gamma_E} k_BT_c`.

    References
    ----------
    F. Gross et al., Z. Phys. B 64, 175 (1986).

    Examples
    --------
    >>> round(float(bcs_gap_tanh_meV(5.0, 10.0) / bcs_gap_tanh_meV(0.0, 10.0)), 3)
    0.94
    """
    tc = _check_tc(tc_K)
    T = np.asarray(temperature_K, dtype=float)
    d0 = BCS_RATIO * K_B_MEV_PER_K * tc if delta0_meV is None else float(delta0_meV)
    with np.errstate(divide="ignore"):
        arg = np.sqrt(np.clip(tc / np.where(T > 0, T, 0.0) - 1.0, 0.0, None))
    return d0 * np.tanh(1.74 * arg)


@functools.lru_cache(maxsize=1)
def _shape_spline() -> CubicSpline:
    r"""Spline of :math:`(\Delta(t)/\Delta_0)^2/(1-t)`, smooth on [0, 1] (the BCS gap squared is
    analytic in 1 - t near T_c), built once from the exact solution."""
    t = np.concatenate([np.linspace(0.0, 0.2, 9)[:-1], np.linspace(0.2, 0.999, 200)])
    d = bcs_gap_reduced(t) / BCS_RATIO
    # The last point: the known limit d^2/(1-t) -> (3.0633/1.7639)^2, taken from the solution
    # at t = 0.999 (smooth), so the spline is not extrapolated.
    return CubicSpline(t, d * d / (1.0 - t))


def _bcs_shape(t: np.ndarray) -> np.ndarray:
    """Delta(t)/Delta(0) from the spline, 0 for t >= 1 (max. error 2e-5, tested)."""
    t = np.asarray(t, dtype=float)
    inside = t < 1.0
    tc = np.clip(t, 0.0, 0.999)
    val = np.sqrt(np.clip(_shape_spline()(tc) * (1.0 - np.minimum(t, 1.0)), 0.0, None))
    return np.where(inside, val, 0.0)


def fit_bcs_gap(
    temperature_K,
    gap_meV,
    gap_stderr_meV=None,
    *,
    fix_ratio: bool = False,
    sample: str = "",
    source: Mapping[str, Any] | None = None,
) -> list[Result]:
    r"""Fit :math:`\Delta(T) = \Delta_0\,\delta_\mathrm{BCS}(T/T_c)` to measured gaps.

    The shape :math:`\delta_\mathrm{BCS}` is the exact weak-coupling solution; :math:`\Delta_0`
    and :math:`T_c` (the gap-closing temperature) are free, or only :math:`T_c` with
    ``fix_ratio=True`` (:math:`\Delta_0 = 1.764\,k_BT_c`).

    Parameters
    ----------
    temperature_K, gap_meV
        Measured temperatures (K, > 0) and gaps (meV). Points with a zero gap above the
        closing temperature are allowed.
    gap_stderr_meV
        One-sigma errors (weights); without them the residual scatter sets the errors.
    fix_ratio
        Tie :math:`\Delta_0` to :math:`T_c` by the BCS ratio.
    sample, source
        Provenance copied into the records.

    Returns
    -------
    list[Result]
        ``tc_K`` (criterion "gap closing, BCS Delta(T) fit"), ``delta0_meV`` and the ratio
        ``gap_ratio_2delta0_over_kBTc`` (dimensionless). ``extra`` holds ``redchi`` (with
        errors given) or ``residual_rms_meV``. A fit that does not converge gives records with
        ``value=None`` and flag ``fit_failed``; data without any open gap give ``value=None``
        and ``no_gap``; a fit whose highest temperature is below 0.7 T_c is flagged
        ``tc_extrapolated``.

    References
    ----------
    J. Bardeen, L. N. Cooper, J. R. Schrieffer, Phys. Rev. 108, 1175 (1957).

    Examples
    --------
    >>> import numpy as np
    >>> T = np.linspace(0.5, 6.0, 12)
    >>> recs = fit_bcs_gap(T, bcs_gap_meV(T, 6.5))
    >>> round(recs[0].value, 3), recs[0].quantity
    (6.5, 'tc_K')
    """
    T = np.asarray(temperature_K, dtype=float).ravel()
    D = np.asarray(gap_meV, dtype=float).ravel()
    if T.size != D.size:
        raise ParameterError("gap_meV", D.size, f"needs one value per temperature ({T.size})")
    if not (np.all(np.isfinite(T)) and np.all(np.isfinite(D))):
        raise ParameterError("temperature_K/gap_meV", "NaN", "contain NaN or inf")
    if np.any(T <= 0):
        raise ParameterError("temperature_K", T.min(), "temperatures must be > 0")
    if np.any(D < 0):
        raise ParameterError("gap_meV", D.min(), "gaps must be >= 0")
    npar = 1 if fix_ratio else 2
    if T.size <= npar:
        raise ParameterError("temperature_K", T.size, f"need more than {npar} points")
    if gap_stderr_meV is None:
        sig = np.ones_like(D)
        absolute = False
    else:
        sig = np.broadcast_to(np.asarray(gap_stderr_meV, dtype=float), D.shape)
        if not np.all(np.isfinite(sig)) or np.any(sig <= 0):
            raise ParameterError("gap_stderr_meV", gap_stderr_meV, "errors must be > 0")
        absolute = True
    src = dict(source or {})
    criterion = "gap closing, BCS Delta(T) fit"
    method = "superconductivity.bcs.fit_bcs_gap"

    if not np.any(D > 0):
        return [
            Result(q, None, None, u, criterion, method, sample, src, ("no_gap",))
            for q, u in (("tc_K", "K"), ("delta0_meV", "meV"), ("gap_ratio_2delta0_over_kBTc", ""))
        ]
    # Start: Tc just above the highest temperature with a clearly open gap.
    open_ = D > 0.1 * D.max()
    tc0 = 1.1 * float(T[open_].max()) if open_.any() else 1.1 * float(T.max())
    d00 = float(D.max()) if D.max() > 0 else BCS_RATIO * K_B_MEV_PER_K * tc0

    def model(p):
        tc = p[0]
        d0 = BCS_RATIO * K_B_MEV_PER_K * tc if fix_ratio else p[1]
        return d0 * _bcs_shape(T / tc)

    p0 = [tc0] if fix_ratio else [tc0, d00]
    lo = [1e-6 * tc0] + ([] if fix_ratio else [0.0])
    try:
        sol = optimize.least_squares(
            lambda p: (model(p) - D) / sig, p0, bounds=(lo, np.inf), x_scale="jac"
        )
        ok = bool(sol.success) and np.all(np.isfinite(sol.x))
    except (ValueError, np.linalg.LinAlgError):
        ok = False
    if ok:
        dof = T.size - npar
        chi2 = float(np.sum(sol.fun**2))
        redchi = chi2 / dof if dof > 0 else float("nan")
        try:
            cov = np.linalg.inv(sol.jac.T @ sol.jac)
            if not absolute and np.isfinite(redchi):
                cov = cov * redchi
            err = np.sqrt(np.diag(cov))
            ok = bool(np.all(np.isfinite(err)))
        except np.linalg.LinAlgError:
            ok = False
    if not ok:
        flags = ("fit_failed",)
        return [
            Result(q, None, None, u, criterion, method, sample, src, flags)
            for q, u in (("tc_K", "K"), ("delta0_meV", "meV"), ("gap_ratio_2delta0_over_kBTc", ""))
        ]
    tc, tc_err = float(sol.x[0]), float(err[0])
    if fix_ratio:
        d0 = BCS_RATIO * K_B_MEV_PER_K * tc
        d0_err = BCS_RATIO * K_B_MEV_PER_K * tc_err
        ratio, ratio_err = 2 * BCS_RATIO, 0.0
    else:
        d0, d0_err = float(sol.x[1]), float(err[1])
        ratio = 2 * d0 / (K_B_MEV_PER_K * tc)
        c = cov[0, 1]
        # Linear error propagation of 2 d0/(kB tc) with the covariance of (tc, d0).
        rel2 = (d0_err / d0) ** 2 + (tc_err / tc) ** 2 - 2 * c / (d0 * tc) if d0 > 0 else 0.0
        ratio_err = abs(ratio) * float(np.sqrt(max(rel2, 0.0)))
    flags: tuple[str, ...] = ()
    if T.max() < 0.7 * tc:
        flags += ("tc_extrapolated",)
    extra: dict[str, Any] = {"n_points": int(T.size)}
    if absolute:
        extra["redchi"] = redchi if np.isfinite(redchi) else None
    else:  # unweighted: the scatter of the points, meV
        extra["residual_rms_meV"] = float(np.sqrt(redchi)) if np.isfinite(redchi) else None
    return [
        Result("tc_K", tc, tc_err, "K", criterion, method, sample, src, flags, extra),
        Result("delta0_meV", d0, d0_err, "meV", criterion, method, sample, src, flags, extra),
        Result(
            "gap_ratio_2delta0_over_kBTc", ratio, ratio_err, "", criterion, method, sample, src,
            flags, extra,
        ),
    ]  # fmt: skip
