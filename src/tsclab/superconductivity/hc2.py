"""Upper critical field H_c2: extraction from R(H), Ginzburg–Landau thin-film fits, angular
dependence (Tinkham 2D vs anisotropic 3D GL), Werthamer–Helfand–Hohenberg (WHH) with Maki
alpha and spin–orbit scattering, and the Pauli (Clogston–Chandrasekhar) limit.

All fields are mu0 H in tesla, temperatures in kelvin, lengths in nanometres. Constants come from
:mod:`tsclab.units`.

References
----------
- M. Tinkham, *Introduction to Superconductivity*, 2nd ed. (McGraw-Hill, 1996), §4.9.
- M. Tinkham, Phys. Rev. 129, 2413 (1963) (angular dependence of H_c2 in thin films).
- N. R. Werthamer, E. Helfand, P. C. Hohenberg, Phys. Rev. 147, 295 (1966).
- K. Maki, Phys. Rev. 148, 362 (1966).
- A. M. Clogston, Phys. Rev. Lett. 9, 266 (1962); B. S. Chandrasekhar, Appl. Phys. Lett. 1, 7
  (1962).

Examples
--------
>>> from tsclab.superconductivity.hc2 import hc2_perp_gl, whh_reduced_field
>>> round(float(hc2_perp_gl(0.0, xi_gl_nm=3.0, tc_K=10.0)), 1)
36.6
>>> round(float(whh_reduced_field(1e-3)), 3)
0.693
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import brentq, least_squares
from scipy.special import digamma, polygamma

from .._noise import add_noise
from ..errors import ParameterError
from ..results import Result
from ..transport._curves import (
    _as_clean_xy,
    _crossing_from_above,
    _local_noise,
    _sorted_unique,
    _split_monotonic,
)
from ..units import FLUX_QUANTUM_WB, K_B_MEV_PER_K, MU_B_MEV_PER_T

__all__ = [
    "PAULI_LIMIT_T_PER_K",
    "WHH_DIRTY_COEFFICIENT",
    "AngularComparison",
    "GLFit",
    "WHHFit",
    "bcs_clogston_coefficient_T_per_K",
    "clogston_limit_T",
    "compare_angular_models",
    "fit_gl_2d",
    "fit_whh",
    "hc2_angle_gl3d",
    "hc2_angle_tinkham",
    "hc2_from_field_sweep",
    "hc2_orbital_whh_T",
    "hc2_par_gl",
    "hc2_perp_gl",
    "hc2_point_from_rt",
    "hc2_slope_at_tc",
    "maki_alpha",
    "pauli_limit_T",
    "pauli_ratio",
    "resistance_vs_field_ohm",
    "whh_hc2_T",
    "whh_reduced_field",
    "xi_gl_of_T_nm",
]

_NM = 1e-9

#: Customary Pauli-limit coefficient mu0 H_P / T_c in T/K (Clogston, PRL 9, 266 (1962), with the
#: BCS gap and g = 2 rounded as usually quoted). The exact BCS value is
#: :func:`bcs_clogston_coefficient_T_per_K` (1.857 T/K).
PAULI_LIMIT_T_PER_K: float = 1.84

#: Dirty-limit WHH orbital coefficient h*(0) = H_c2(0) / (T_c |dH_c2/dT|_Tc)
#: = (pi^2/8) e^{-gamma_E} = 0.6927 (Werthamer, Helfand, Hohenberg, Phys. Rev. 147, 295 (1966)).
WHH_DIRTY_COEFFICIENT: float = (math.pi**2 / 8.0) * math.exp(-np.euler_gamma)


# --------------------------------------------------------------------------------------------
# Ginzburg–Landau thin film
# --------------------------------------------------------------------------------------------


def _check_positive(name: str, value: float) -> float:
    v = float(value)
    if not math.isfinite(v) or v <= 0:
        raise ParameterError(name, value, "must be a positive finite number")
    return v


def hc2_perp_gl(temperature_K: Any, xi_gl_nm: float, tc_K: float) -> np.ndarray:
    """Perpendicular GL upper critical field mu0 H_c2⊥(T) = Φ0 / (2π ξ_GL(0)²) (1 − T/T_c).

    Parameters
    ----------
    temperature_K
        Temperature(s), K. Zero field is returned at and above ``tc_K``.
    xi_gl_nm
        GL coherence length at T = 0 (the GL extrapolation), nm.
    tc_K
        Mean-field critical temperature, K.

    Returns
    -------
    numpy.ndarray
        mu0 H_c2⊥ in tesla.

    References
    ----------
    M. Tinkham, *Introduction to Superconductivity* (McGraw-Hill, 1996), eq. (4.62).

    Examples
    --------
    >>> round(float(hc2_perp_gl(0.0, 3.0, 10.0)), 2)
    36.57
    """
    xi = _check_positive("xi_gl_nm", xi_gl_nm) * _NM
    tc = _check_positive("tc_K", tc_K)
    t = np.asarray(temperature_K, dtype=float)
    return FLUX_QUANTUM_WB / (2 * np.pi * xi**2) * np.clip(1.0 - t / tc, 0.0, None)


def hc2_par_gl(temperature_K: Any, xi_gl_nm: float, d_sc_nm: float, tc_K: float) -> np.ndarray:
    """Parallel thin-film GL field mu0 H_c2∥(T) = Φ0 √12 / (2π ξ_GL(0) d_sc) (1 − T/T_c)^{1/2}.

    Valid only for a film thinner than the coherence length, d_sc < ξ(T) (see
    :func:`xi_gl_of_T_nm`).

    Parameters
    ----------
    temperature_K
        Temperature(s), K.
    xi_gl_nm
        GL coherence length at T = 0, nm.
    d_sc_nm
        Superconducting thickness, nm.
    tc_K
        Critical temperature, K.

    Returns
    -------
    numpy.ndarray
        mu0 H_c2∥ in tesla (0 at and above T_c).

    References
    ----------
    M. Tinkham, *Introduction to Superconductivity* (1996), eq. (4.65).

    Examples
    --------
    >>> round(float(hc2_par_gl(0.0, 3.0, 8.0, 10.0)), 1)
    47.5
    """
    xi = _check_positive("xi_gl_nm", xi_gl_nm) * _NM
    d = _check_positive("d_sc_nm", d_sc_nm) * _NM
    tc = _check_positive("tc_K", tc_K)
    t = np.asarray(temperature_K, dtype=float)
    pref = FLUX_QUANTUM_WB * np.sqrt(12.0) / (2 * np.pi * xi * d)
    return pref * np.sqrt(np.clip(1.0 - t / tc, 0.0, None))


def xi_gl_of_T_nm(temperature_K: Any, xi_gl_nm: float, tc_K: float) -> np.ndarray:
    """GL coherence length ξ(T) = ξ_GL(0) / sqrt(1 − T/T_c), nm (inf at and above T_c).

    Examples
    --------
    >>> round(float(xi_gl_of_T_nm(7.5, 2.0, 10.0)), 3)
    4.0
    """
    xi = _check_positive("xi_gl_nm", xi_gl_nm)
    tc = _check_positive("tc_K", tc_K)
    one_minus_t = 1.0 - np.asarray(temperature_K, dtype=float) / tc
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(one_minus_t > 0, xi / np.sqrt(np.abs(one_minus_t)), np.inf)


@dataclass(frozen=True)
class GLFit:
    """Result of :func:`fit_gl_2d`.

    Attributes
    ----------
    xi_gl_nm, xi_gl_stderr_nm
        ξ_GL(0) and its one-sigma error, nm.
    d_sc_nm, d_sc_stderr_nm
        Superconducting thickness and error, nm (``None`` without parallel data).
    tc_K, tc_stderr_K
        T_c of the fit (``tc_stderr_K`` is 0 when T_c was fixed).
    redchi
        Reduced chi², in units of the given errors (or of the residual scatter without them).
    outside_window
        For each parallel point, True where d_sc ≥ ξ(T): the 2D formula does not apply there.
    success
        False when the optimizer failed; then every record carries ``fit_failed``.
    records
        The result records (``xi_gl_nm``, ``d_sc_nm``, ``tc_gl_K``).
    """

    xi_gl_nm: float | None
    xi_gl_stderr_nm: float | None
    d_sc_nm: float | None
    d_sc_stderr_nm: float | None
    tc_K: float | None
    tc_stderr_K: float | None
    redchi: float | None
    outside_window: np.ndarray
    success: bool
    message: str
    records: list[Result] = field(default_factory=list)


def _linfit(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Weighted straight line y = a + b x; returns (a, b)."""
    W = w**2
    A = np.vstack([np.ones_like(x), x]).T
    coef, *_ = np.linalg.lstsq(A * np.sqrt(W)[:, None], y * np.sqrt(W), rcond=None)
    return float(coef[0]), float(coef[1])


def fit_gl_2d(
    temperature_perp_K: Any,
    hc2_perp_T: Any,
    temperature_par_K: Any | None = None,
    hc2_par_T: Any | None = None,
    *,
    hc2_perp_err_T: Any | None = None,
    hc2_par_err_T: Any | None = None,
    tc_K: float | None = None,
    sample: str = "",
    source: Mapping[str, Any] | None = None,
) -> GLFit:
    """Fit the 2D GL formulas to H_c2⊥(T) and, if given, H_c2∥(T) with a common T_c.

    The perpendicular data fix ξ_GL(0) (and T_c); the parallel data then fix d_sc. The joint
    weighted least-squares fit has the parameters (ξ_GL, d_sc, T_c); standard errors come from
    the Jacobian at the optimum, scaled by the reduced chi² when no errors are given.

    Parameters
    ----------
    temperature_perp_K, hc2_perp_T
        Perpendicular-field points (T in K, mu0 H_c2 in T). Needs at least 2 points (3 if T_c is
        free).
    temperature_par_K, hc2_par_T
        Parallel-field points, optional.
    hc2_perp_err_T, hc2_par_err_T
        One-sigma errors of the fields; if omitted, equal weights and errors scaled by the
        scatter.
    tc_K
        Fix T_c (K) instead of fitting it.
    sample, source
        Provenance copied into the records.

    Returns
    -------
    GLFit
        The parameters with errors and records ``xi_gl_nm``, ``d_sc_nm``, ``tc_gl_K``. Parallel
        points outside the 2D window d_sc < ξ(T) are flagged (``outside_2d_gl_window``; their
        count is in ``extra``). A failed optimisation gives records with ``fit_failed``.

    References
    ----------
    M. Tinkham, *Introduction to Superconductivity* (1996), §4.9; the validity window is
    discussed in PHYSICS.md §4.3.

    Examples
    --------
    >>> import numpy as np
    >>> T = np.linspace(8.5, 9.8, 6)
    >>> fit = fit_gl_2d(T, hc2_perp_gl(T, 3.0, 10.0), T, hc2_par_gl(T, 3.0, 8.0, 10.0))
    >>> round(fit.xi_gl_nm, 3), round(fit.d_sc_nm, 3)
    (3.0, 8.0)
    """
    src = dict(source or {})
    Tp, Hp, _ = _as_clean_xy(
        temperature_perp_K,
        hc2_perp_T,
        x_name="temperature_perp_K",
        y_name="hc2_perp_T",
        min_points=2,
    )
    sp = _errors_or_ones(hc2_perp_err_T, temperature_perp_K, Tp.size, "hc2_perp_err_T")
    have_par = temperature_par_K is not None and hc2_par_T is not None
    if have_par:
        Tq, Hq, _ = _as_clean_xy(
            temperature_par_K,
            hc2_par_T,
            x_name="temperature_par_K",
            y_name="hc2_par_T",
            min_points=1,
        )
        sq = _errors_or_ones(hc2_par_err_T, temperature_par_K, Tq.size, "hc2_par_err_T")
    else:
        Tq = Hq = sq = np.empty(0)
    fixed_tc = tc_K is not None
    if fixed_tc:
        tc_K = _check_positive("tc_K", tc_K)
    if not fixed_tc and Tp.size < 3:
        raise ParameterError("hc2_perp_T", Tp.size, "need >= 3 perpendicular points to fit T_c")
    if np.any(Hp < 0) or np.any(Hq < 0):
        raise ParameterError("hc2_T", "negative", "fields must be magnitudes mu0|H| >= 0")

    # Starting values from the linearised forms: H⊥ linear in T, H∥² linear in T.
    a, b = _linfit(Tp, Hp, 1 / sp)
    tc0 = float(tc_K) if fixed_tc else (-a / b if b < 0 else float(Tp.max()) * 1.05)
    tc0 = max(tc0, float(np.max(np.concatenate([Tp, Tq]))) * (1 + 1e-3))
    slope = -b if b < 0 else max(float(Hp.max()), 1e-9) / max(tc0 - float(Tp.min()), 1e-9)
    xi0 = math.sqrt(FLUX_QUANTUM_WB / (2 * np.pi * slope * tc0)) / _NM
    d0 = 1.0
    if have_par:
        k2 = float(np.mean(Hq**2 / np.clip(1 - Tq / tc0, 1e-6, None)))
        d0 = FLUX_QUANTUM_WB * np.sqrt(12) / (2 * np.pi * xi0 * _NM * math.sqrt(k2)) / _NM

    def unpack(p: np.ndarray) -> tuple[float, float, float]:
        xi = math.exp(p[0])
        d = math.exp(p[1]) if have_par else 1.0
        tc = float(tc_K) if fixed_tc else p[-1]
        return xi, d, tc

    def resid(p: np.ndarray) -> np.ndarray:
        xi, d, tc = unpack(p)
        tc = max(tc, 1e-6)
        r = (hc2_perp_gl(Tp, xi, tc) - Hp) / sp
        if have_par:
            r = np.concatenate([r, (hc2_par_gl(Tq, xi, d, tc) - Hq) / sq])
        return r

    # log-parametrisation keeps ξ, d positive; T_c enters linearly.
    p0 = [math.log(xi0)] + ([math.log(d0)] if have_par else []) + ([] if fixed_tc else [tc0])
    n_data = Tp.size + Tq.size
    n_par = len(p0)
    try:
        sol = least_squares(
            resid,
            np.asarray(p0, dtype=float),
            method="lm",
            xtol=1e-12,
            ftol=1e-12,
            gtol=1e-12,
            max_nfev=2000,
        )
        ok = bool(sol.success) and np.all(np.isfinite(sol.x))
        message = str(sol.message)
    except (ValueError, np.linalg.LinAlgError) as exc:  # pragma: no cover - defensive
        ok, message, sol = False, str(exc), None

    absolute = hc2_perp_err_T is not None and (not have_par or hc2_par_err_T is not None)
    if ok and sol is not None:
        chi2 = float(np.sum(sol.fun**2))
        dof = n_data - n_par
        redchi = chi2 / dof if dof > 0 else None
        try:
            cov = np.linalg.inv(sol.jac.T @ sol.jac)
        except np.linalg.LinAlgError:
            cov = np.full((n_par, n_par), np.nan)
        if not absolute:
            cov = cov * (redchi if redchi is not None else np.nan)
        xi, d, tc = unpack(sol.x)
        err = np.sqrt(np.clip(np.diag(cov), 0, None))
        xi_err = xi * float(err[0])  # d ln ξ = dξ/ξ
        d_err = d * float(err[1]) if have_par else None
        tc_err = 0.0 if fixed_tc else float(err[-1])
    else:
        redchi = None
        xi = d = tc = None
        xi_err = d_err = tc_err = None

    outside = np.zeros(Tq.shape, dtype=bool)
    flags_common: list[str] = []
    if not ok:
        flags_common.append("fit_failed")
    if ok and have_par:
        xi_T = xi_gl_of_T_nm(Tq, xi, tc)
        outside = ~(d < xi_T)
    extra_common: dict[str, Any] = {
        "redchi": redchi,
        "n_perp": int(Tp.size),
        "n_par": int(Tq.size),
    }
    if ok:
        T_all = np.concatenate([Tp, Tq])
        H_all = np.concatenate([Hp, Hq])
        # GL is a near-T_c theory: say how far below T_c the data reach
        extra_common["reduced_temperature_range"] = [float(T_all.min() / tc),
                                                     float(T_all.max() / tc)]  # fmt: skip
        if np.any((T_all >= tc) & (H_all > 0)):
            # a finite H_c2 at or above the fitted T_c cannot be described by GL
            flags_common.append("points_above_tc")
    records: list[Result] = []
    crit_fix = f"T_c fixed at {tc_K:.4g} K" if fixed_tc else "T_c free"
    records.append(
        Result(
            "xi_gl_nm",
            _finite_or_none(xi),
            _finite_or_none(xi_err),
            unit="nm",
            criterion=f"2D GL: mu0 Hc2perp = Phi0/(2 pi xi^2)(1 - T/Tc); {crit_fix}",
            method="hc2.fit_gl_2d",
            sample=sample,
            source=src,
            flags=tuple(flags_common) if xi is not None else (*flags_common, "fit_failed"),
            extra=extra_common,
        )
    )
    if have_par:
        dflags = list(flags_common)
        if ok and outside.any():
            dflags.append("outside_2d_gl_window")
        records.append(
            Result(
                "d_sc_nm",
                _finite_or_none(d),
                _finite_or_none(d_err),
                unit="nm",
                criterion=(
                    "2D GL: mu0 Hc2par = Phi0 sqrt(12)/(2 pi xi d)(1 - T/Tc)^(1/2), valid for "
                    "d_sc < xi(T)"
                ),
                method="hc2.fit_gl_2d",
                sample=sample,
                source=src,
                flags=tuple(dflags) if d is not None else (*dflags, "fit_failed"),
                extra={**extra_common, "n_outside_2d_gl_window": int(outside.sum())},
            )
        )
    records.append(
        Result(
            "tc_gl_K",
            _finite_or_none(tc),
            _finite_or_none(tc_err),
            unit="K",
            criterion=crit_fix,
            method="hc2.fit_gl_2d",
            sample=sample,
            source=src,
            flags=tuple(flags_common) if tc is not None else (*flags_common, "fit_failed"),
            extra=extra_common,
        )
    )
    return GLFit(
        xi_gl_nm=_finite_or_none(xi),
        xi_gl_stderr_nm=_finite_or_none(xi_err),
        d_sc_nm=_finite_or_none(d) if have_par else None,
        d_sc_stderr_nm=_finite_or_none(d_err),
        tc_K=_finite_or_none(tc),
        tc_stderr_K=_finite_or_none(tc_err),
        redchi=redchi,
        outside_window=outside,
        success=ok,
        message=message,
        records=records,
    )


def _errors_or_ones(err: Any, like: Any, n: int, name: str) -> np.ndarray:
    if err is None:
        return np.ones(n)
    e = np.asarray(err, dtype=float).ravel()
    raw = np.asarray(like, dtype=float).ravel()
    if e.size == raw.size and raw.size != n:
        e = e[np.isfinite(raw)]
    if e.size != n or np.any(~np.isfinite(e)) or np.any(e <= 0):
        raise ParameterError(name, "array", "errors must be positive, finite, one per point")
    return e


def _finite_or_none(v: float | None) -> float | None:
    if v is None:
        return None
    v = float(v)
    return v if math.isfinite(v) else None


# --------------------------------------------------------------------------------------------
# Angular dependence
# --------------------------------------------------------------------------------------------


def hc2_angle_tinkham(theta_deg: Any, hc2_perp_T: float, hc2_par_T: float) -> np.ndarray:
    """Tinkham 2D thin-film angular dependence (cusp at θ = 90°).

    Solves |H cosθ / H⊥| + (H sinθ / H∥)² = 1 for H(θ) ≥ 0, θ from the film normal. The root
    is written as H = 2 / (b + sqrt(b² + 4a)), a = sin²θ/H∥², b = |cosθ|/H⊥, which is stable at
    θ = 0 and 90°.

    References
    ----------
    M. Tinkham, Phys. Rev. 129, 2413 (1963).

    Examples
    --------
    >>> [round(float(h), 6) for h in hc2_angle_tinkham([0, 90], 2.0, 10.0)]
    [2.0, 10.0]
    """
    hp = _check_positive("hc2_perp_T", hc2_perp_T)
    hq = _check_positive("hc2_par_T", hc2_par_T)
    th = np.deg2rad(np.asarray(theta_deg, dtype=float))
    a = np.sin(th) ** 2 / hq**2
    b = np.abs(np.cos(th)) / hp
    return 2.0 / (b + np.sqrt(b**2 + 4 * a))


def hc2_angle_gl3d(theta_deg: Any, hc2_perp_T: float, hc2_par_T: float) -> np.ndarray:
    """Anisotropic 3D GL angular dependence H(θ) = H⊥ / sqrt(cos²θ + γ⁻² sin²θ), γ = H∥/H⊥.

    Smooth (no cusp) at θ = 90°; θ from the film normal.

    References
    ----------
    M. Tinkham, *Introduction to Superconductivity* (1996), §9.3 (effective-mass GL).

    Examples
    --------
    >>> [round(float(h), 6) for h in hc2_angle_gl3d([0, 90], 2.0, 10.0)]
    [2.0, 10.0]
    """
    hp = _check_positive("hc2_perp_T", hc2_perp_T)
    hq = _check_positive("hc2_par_T", hc2_par_T)
    th = np.deg2rad(np.asarray(theta_deg, dtype=float))
    return hp / np.sqrt(np.cos(th) ** 2 + (hp / hq) ** 2 * np.sin(th) ** 2)


@dataclass(frozen=True)
class AngularComparison:
    """Result of :func:`compare_angular_models`.

    Attributes
    ----------
    params
        ``{"tinkham_2d": (H⊥, H∥), "gl_3d": (H⊥, H∥)}`` in tesla.
    stderr
        The matching one-sigma errors.
    chi2, aic
        Chi² and Akaike information criterion per model. With given errors AIC = χ² + 2k,
        otherwise n ln(RSS/n) + 2k; both models have k = 2.
    preferred
        ``"tinkham_2d"``, ``"gl_3d"`` or ``"inconclusive"`` (|ΔAIC| < ``aic_threshold``).
    delta_aic
        AIC(gl_3d) − AIC(tinkham_2d): positive favours the 2D (Tinkham) film.
    records
        ``hc2_perp_T`` and ``hc2_par_T`` of the preferred model (of Tinkham when inconclusive),
        with the comparison in ``extra``.
    """

    params: dict[str, tuple[float, float]]
    stderr: dict[str, tuple[float | None, float | None]]
    chi2: dict[str, float]
    aic: dict[str, float]
    preferred: str
    delta_aic: float
    records: list[Result] = field(default_factory=list)


def compare_angular_models(
    theta_deg: Any,
    hc2_T: Any,
    hc2_err_T: Any | None = None,
    *,
    aic_threshold: float = 2.0,
    sample: str = "",
    source: Mapping[str, Any] | None = None,
) -> AngularComparison:
    """Fit H_c2(θ) with the Tinkham 2D formula and with anisotropic 3D GL; say which fits better.

    Both models have two parameters (H⊥, H∥), so the AIC comparison is a chi² comparison; a
    difference below ``aic_threshold`` is reported as ``"inconclusive"``. The cusp of the 2D
    model at θ = 90° is what separates them, so data near 90° decide.

    Parameters
    ----------
    theta_deg
        Angle between field and film normal, degrees.
    hc2_T
        mu0 H_c2(θ), T.
    hc2_err_T
        One-sigma errors (optional).
    aic_threshold
        Minimum |ΔAIC| for a verdict.

    Returns
    -------
    AngularComparison

    References
    ----------
    M. Tinkham, Phys. Rev. 129, 2413 (1963); H. Akaike, IEEE Trans. Autom. Control 19, 716
    (1974).

    Examples
    --------
    >>> import numpy as np
    >>> th = np.linspace(0, 180, 37)
    >>> compare_angular_models(th, hc2_angle_tinkham(th, 2.0, 12.0)).preferred
    'tinkham_2d'
    """
    th, H, _ = _as_clean_xy(theta_deg, hc2_T, x_name="theta_deg", y_name="hc2_T", min_points=4)
    sig = _errors_or_ones(hc2_err_T, theta_deg, th.size, "hc2_err_T")
    if np.any(H <= 0):
        raise ParameterError("hc2_T", "non-positive", "H_c2(θ) must be positive")
    near_perp = np.abs(np.cos(np.deg2rad(th))) > 0.9
    near_par = np.abs(np.cos(np.deg2rad(th))) < 0.1
    hp0 = float(np.median(H[near_perp])) if near_perp.any() else float(H.min())
    hq0 = float(np.median(H[near_par])) if near_par.any() else float(H.max())
    models = {"tinkham_2d": hc2_angle_tinkham, "gl_3d": hc2_angle_gl3d}
    params: dict[str, tuple[float, float]] = {}
    errs: dict[str, tuple[float | None, float | None]] = {}
    chi2: dict[str, float] = {}
    aic: dict[str, float] = {}
    n = th.size
    absolute = hc2_err_T is not None
    failed = False
    for name, fn in models.items():

        def resid(p: np.ndarray, fn=fn) -> np.ndarray:
            return (fn(th, math.exp(p[0]), math.exp(p[1])) - H) / sig

        sol = least_squares(resid, np.log([hp0, max(hq0, hp0 * 1.0001)]), method="lm")
        failed |= not sol.success
        hp, hq = (float(v) for v in np.exp(sol.x))
        c2 = float(np.sum(sol.fun**2))
        dof = max(n - 2, 1)
        try:
            cov = np.linalg.inv(sol.jac.T @ sol.jac) * (1.0 if absolute else c2 / dof)
            e = np.sqrt(np.clip(np.diag(cov), 0, None)) * np.array([hp, hq])
            errs[name] = (_finite_or_none(e[0]), _finite_or_none(e[1]))
        except np.linalg.LinAlgError:
            errs[name] = (None, None)
        params[name] = (hp, hq)
        chi2[name] = c2
        # without errors, a residual at round-off level must not decide: floor it at 1e-9 of
        # the field scale, so that two perfect fits compare equal
        floor = n * (1e-9 * float(np.mean(H))) ** 2
        aic[name] = (c2 if absolute else n * math.log(max(c2, floor) / n)) + 2 * 2
    delta = aic["gl_3d"] - aic["tinkham_2d"]
    if abs(delta) < aic_threshold:
        preferred = "inconclusive"
    else:
        preferred = "tinkham_2d" if delta > 0 else "gl_3d"
    best = "tinkham_2d" if preferred == "inconclusive" else preferred
    flags: tuple[str, ...] = ("fit_failed",) if failed else ()
    if preferred == "inconclusive":
        flags = (*flags, "model_inconclusive")
    extra = {
        "preferred_model": preferred,
        "delta_aic_gl3d_minus_tinkham": delta,
        "chi2_tinkham_2d": chi2["tinkham_2d"],
        "chi2_gl_3d": chi2["gl_3d"],
    }
    src = dict(source or {})
    records = [
        Result(
            q,
            params[best][i],
            errs[best][i],
            unit="T",
            criterion=f"angular fit, {best} (AIC comparison: {preferred})",
            method="hc2.compare_angular_models",
            sample=sample,
            source=src,
            flags=flags,
            extra=extra,
        )
        for i, q in enumerate(("hc2_perp_T", "hc2_par_T"))
    ]
    return AngularComparison(params, errs, chi2, aic, preferred, delta, records)


# --------------------------------------------------------------------------------------------
# WHH
# --------------------------------------------------------------------------------------------


def _whh_sum_digamma(hbar: Any, t: float, alpha: float, lambda_so: float) -> Any:
    """Right-hand side of the WHH equation, Σ_ν {1/|2ν+1| − [...]⁻¹}, in closed digamma form.

    Writing the summand's bracket as (k + c)/((k + r₊)(k + r₋)) with k = |2ν+1|, a = h̄/t,
    c = (h̄ + λ_so)/t, r₊r₋ = ac + (αh̄/t)², r₊ + r₋ = a + c, partial fractions and
    Σ_{n≥0} 2[1/(2n+1) − 1/(2n+1+r)] = ψ(½ + r/2) − ψ(½) give the sum. Complex r± (weak
    spin–orbit scattering) pair into a real result. Vectorized over ``hbar``.
    """
    h = np.asarray(hbar, dtype=float)
    a = h / t
    c = (h + lambda_so) / t
    d = (alpha * h / t) ** 2
    s = a + c
    disc = np.sqrt(((a - c) ** 2 - 4 * d).astype(complex))
    psi_half = float(digamma(0.5))
    double = np.abs(disc) <= 1e-10 * np.maximum(s, 1.0)
    safe = np.where(double, 1.0, disc)  # avoid 0/0 where the double-root formula is used
    rp = (s + safe) / 2
    rm = (s - safe) / 2
    A = (c - rp) / (rm - rp)
    B = (c - rm) / (rp - rm)
    general = np.real(A * digamma(0.5 + rp / 2) + B * digamma(0.5 + rm / 2)) - psi_half
    # double root r: (k + c)/(k + r)² = 1/(k + r) + (c − r)/(k + r)²
    r = s / 2
    dbl = digamma(0.5 + r / 2) - psi_half - (c - r) / 2 * polygamma(1, 0.5 + r / 2)
    out = np.where(double, dbl, general)
    return float(out) if out.ndim == 0 else out


def _whh_sum_direct(hbar: float, t: float, alpha: float, lambda_so: float, nmax: int) -> float:
    """The WHH sum over ν truncated at |2ν+1| ≤ 2 nmax − 1 (for cross-checks in tests)."""
    k = 2.0 * np.arange(nmax) + 1.0
    a = hbar / t
    term = 1.0 / k - 1.0 / (k + a + (alpha * a) ** 2 / (k + (hbar + lambda_so) / t))
    return float(2.0 * np.sum(term))  # ν and −ν−1 give the same |2ν+1|


def _whh_hbar(t: float, alpha: float, lambda_so: float) -> float:
    """Largest root h̄ of ln(1/t) = Σ(h̄, t) (the upper boundary of the superconducting state)."""
    target = math.log(1.0 / t)

    def f(h: float) -> float:
        return _whh_sum_digamma(h, t, alpha, lambda_so) - target

    # α = 0: Σ grows monotonically with h̄, one root. Otherwise h̄ never exceeds the orbital
    # (α = 0) value: scan below 1.5× that bound for sign changes and take the largest root.
    h_orb = 1.0
    f0 = _whh_sum_digamma(h_orb, t, 0.0, 0.0) - target
    while f0 < 0:
        h_orb *= 2
        f0 = _whh_sum_digamma(h_orb, t, 0.0, 0.0) - target
    if alpha == 0:
        return float(brentq(f, 1e-12, h_orb, xtol=1e-14, rtol=1e-12))
    hmax = 1.5 * float(
        brentq(lambda h: _whh_sum_digamma(h, t, 0.0, 0.0) - target, 1e-12, h_orb, xtol=1e-14)
    )
    grid = np.geomspace(1e-9, hmax, 300)
    vals = _whh_sum_digamma(grid, t, alpha, lambda_so) - target
    idx = np.nonzero(np.sign(vals[:-1]) != np.sign(vals[1:]))[0]
    if idx.size == 0:
        return 0.0
    i = int(idx[-1])
    return float(brentq(f, grid[i], grid[i + 1], xtol=1e-14, rtol=1e-12))


def whh_reduced_field(reduced_temperature: Any, alpha: float = 0.0, lambda_so: float = 0.0):
    """WHH reduced upper critical field h*(t) = H_c2(T) / (T_c |dH_c2/dT|_{T_c}).

    Solves the dirty-limit WHH equation with Pauli paramagnetism (Maki parameter α) and
    spin–orbit scattering λ_so,

    ln(1/t) = Σ_ν {1/|2ν+1| − [|2ν+1| + h̄/t + (α h̄/t)² / (|2ν+1| + (h̄ + λ_so)/t)]⁻¹},

    with h̄ = (4/π²) H_c2 / (−dH_c2/dt)|_{t=1}, in its closed digamma form, and returns
    h* = (π²/4) h̄. Where the equation has several roots (α ≳ 1.8, λ_so ≈ 0: a first-order
    transition in reality) the largest is returned.

    Parameters
    ----------
    reduced_temperature
        t = T/T_c, 0 < t ≤ 1 (scalar or array).
    alpha
        Maki parameter α = √2 H_c2^orb(0)/H_P(0) ≥ 0.
    lambda_so
        Spin–orbit scattering parameter λ_so ≥ 0.

    Returns
    -------
    float or numpy.ndarray
        h*(t); h*(0⁺) = (π²/8) e^{−γ_E} = 0.693 for α = λ_so = 0.

    References
    ----------
    N. R. Werthamer, E. Helfand, P. C. Hohenberg, Phys. Rev. 147, 295 (1966), eq. (40).

    Examples
    --------
    >>> round(float(whh_reduced_field(1e-3, alpha=1.0)), 3)  # ~ 0.693 / sqrt(1 + alpha^2)
    0.49
    """
    if alpha < 0 or not math.isfinite(alpha):
        raise ParameterError("alpha", alpha, "the Maki parameter must be finite and >= 0")
    if lambda_so < 0 or not math.isfinite(lambda_so):
        raise ParameterError("lambda_so", lambda_so, "must be finite and >= 0")
    t = np.asarray(reduced_temperature, dtype=float)
    if np.any(~np.isfinite(t)) or np.any(t <= 0) or np.any(t > 1):
        raise ParameterError("reduced_temperature", "out of range", "need 0 < t = T/Tc <= 1")
    flat = t.ravel()
    out = np.array(
        [0.0 if ti >= 1.0 else _whh_hbar(float(ti), alpha, lambda_so) for ti in flat]
    ) * (np.pi**2 / 4)
    return float(out[0]) if t.ndim == 0 else out.reshape(t.shape)


def whh_hc2_T(
    temperature_K: Any,
    tc_K: float,
    slope_T_per_K: float,
    alpha: float = 0.0,
    lambda_so: float = 0.0,
):
    """WHH H_c2(T) in tesla from T_c, the initial slope |dH_c2/dT|_{T_c} (T/K), α and λ_so.

    Examples
    --------
    >>> round(float(whh_hc2_T(0.0125, 12.5, 2.0)), 2)  # ≈ 0.693 × 12.5 K × 2 T/K
    17.32
    """
    tc = _check_positive("tc_K", tc_K)
    s = abs(float(slope_T_per_K))
    t = np.asarray(temperature_K, dtype=float) / tc
    return whh_reduced_field(np.clip(t, 1e-6, 1.0), alpha, lambda_so) * tc * s


def hc2_orbital_whh_T(tc_K: float, slope_T_per_K: float) -> float:
    """Dirty-limit orbital estimate mu0 H_c2^orb(0) = 0.693 T_c |dH_c2/dT|_{T_c}, tesla.

    References
    ----------
    Werthamer, Helfand, Hohenberg, Phys. Rev. 147, 295 (1966).

    Examples
    --------
    >>> round(hc2_orbital_whh_T(10.0, 4.0), 1)
    27.7
    """
    return WHH_DIRTY_COEFFICIENT * _check_positive("tc_K", tc_K) * abs(float(slope_T_per_K))


def hc2_slope_at_tc(
    temperature_K: Any,
    hc2_T: Any,
    *,
    window_K: float | None = None,
    sample: str = "",
    source: Mapping[str, Any] | None = None,
) -> list[Result]:
    """Initial slope dH_c2/dT near T_c and its T_c, from a straight line through H_c2(T).

    Parameters
    ----------
    temperature_K, hc2_T
        H_c2(T) points.
    window_K
        Use only points with T > T_max − window_K (the near-T_c linear regime); all points by
        default.

    Returns
    -------
    list of Result
        ``dhc2_dt_T_per_K`` (negative) and ``tc_linear_K`` (the zero-field intercept).

    Examples
    --------
    >>> recs = hc2_slope_at_tc([10, 11, 12], [4.0, 2.0, 0.0])
    >>> round(recs[0].value, 6), round(recs[1].value, 6)
    (-2.0, 12.0)
    """
    T, H, _ = _as_clean_xy(
        temperature_K, hc2_T, x_name="temperature_K", y_name="hc2_T", min_points=2
    )
    if window_K is not None:
        sel = T > T.max() - float(window_K)
        T, H = T[sel], H[sel]
    src = dict(source or {})
    if T.size < 2 or np.ptp(T) == 0:
        return [
            Result(
                q,
                None,
                unit=u,
                method="hc2.hc2_slope_at_tc",
                sample=sample,
                source=src,
                flags=("too_few_points",),
            )
            for q, u in (("dhc2_dt_T_per_K", "T/K"), ("tc_linear_K", "K"))
        ]
    A = np.vstack([np.ones_like(T), T]).T
    coef, *_ = np.linalg.lstsq(A, H, rcond=None)
    a, b = float(coef[0]), float(coef[1])
    dof = T.size - 2
    if dof > 0:
        s2 = float(np.sum((H - A @ coef) ** 2)) / dof
        cov = s2 * np.linalg.inv(A.T @ A)
        sb = math.sqrt(max(cov[1, 1], 0.0))
        tc = -a / b if b != 0 else None
        # error of the intercept T_c = -a/b by linear propagation
        if tc is not None:
            g = np.array([-1 / b, a / b**2])
            stc = math.sqrt(max(float(g @ cov @ g), 0.0))
        else:
            stc = None
    else:
        sb, stc = None, None
        tc = -a / b if b != 0 else None
    flags: tuple[str, ...] = () if b < 0 else ("non_negative_slope",)
    crit = f"linear fit of Hc2(T) over {T.min():.4g}-{T.max():.4g} K"
    return [
        Result(
            "dhc2_dt_T_per_K",
            b,
            sb,
            unit="T/K",
            criterion=crit,
            method="hc2.hc2_slope_at_tc",
            sample=sample,
            source=src,
            flags=flags,
        ),
        Result(
            "tc_linear_K",
            _finite_or_none(tc),
            stc,
            unit="K",
            criterion=crit,
            method="hc2.hc2_slope_at_tc",
            sample=sample,
            source=src,
            flags=flags if tc is not None else (*flags, "zero_slope"),
        ),
    ]


def maki_alpha(hc2_orbital_T: float, pauli_limit_T: float) -> float:
    """Maki parameter α = √2 H_c2^orb(0) / H_P(0).

    References
    ----------
    K. Maki, Phys. Rev. 148, 362 (1966).

    Examples
    --------
    >>> round(maki_alpha(27.7, 18.4), 2)
    2.13
    """
    return (
        math.sqrt(2.0)
        * abs(float(hc2_orbital_T))
        / _check_positive("pauli_limit_T", pauli_limit_T)
    )


# --------------------------------------------------------------------------------------------
# Pauli limit
# --------------------------------------------------------------------------------------------


def pauli_limit_T(tc_K: float, coefficient_T_per_K: float = PAULI_LIMIT_T_PER_K) -> float:
    """Pauli (Clogston–Chandrasekhar) limit mu0 H_P = 1.84 T/K × T_c, tesla.

    Parameters
    ----------
    tc_K
        Critical temperature, K.
    coefficient_T_per_K
        The coefficient; the customary 1.84 T/K by default, or
        :func:`bcs_clogston_coefficient_T_per_K` for the exact weak-coupling BCS value.

    References
    ----------
    A. M. Clogston, Phys. Rev. Lett. 9, 266 (1962).

    Examples
    --------
    >>> round(pauli_limit_T(10.0), 6)
    18.4
    """
    return float(coefficient_T_per_K) * _check_positive("tc_K", tc_K)


def clogston_limit_T(delta0_meV: float) -> float:
    """Clogston limit from the zero-temperature gap: mu0 H_P = Δ0 / (√2 μ_B), tesla (g = 2).

    Examples
    --------
    >>> round(clogston_limit_T(1.0), 2)
    12.22
    """
    return _check_positive("delta0_meV", delta0_meV) / (math.sqrt(2.0) * MU_B_MEV_PER_T)


def bcs_clogston_coefficient_T_per_K() -> float:
    """Weak-coupling BCS value of mu0 H_P / T_c: Δ0 = π e^{−γ_E} k_B T_c, so 1.857 T/K.

    Examples
    --------
    >>> round(bcs_clogston_coefficient_T_per_K(), 3)
    1.857
    """
    delta0_per_K = math.pi * math.exp(-np.euler_gamma) * K_B_MEV_PER_K  # meV per kelvin of T_c
    return delta0_per_K / (math.sqrt(2.0) * MU_B_MEV_PER_T)


def pauli_ratio(
    hc2_T: float,
    tc_K: float,
    *,
    coefficient_T_per_K: float = PAULI_LIMIT_T_PER_K,
    hc2_stderr_T: float | None = None,
    sample: str = "",
    source: Mapping[str, Any] | None = None,
) -> list[Result]:
    """The Pauli limit for ``tc_K`` and the ratio H_c2/H_P (> 1: the Pauli limit is exceeded).

    Returns
    -------
    list of Result
        ``pauli_limit_T`` and ``hc2_over_pauli`` (flag ``exceeds_pauli_limit`` when > 1).

    Examples
    --------
    >>> [round(r.value, 3) for r in pauli_ratio(18.4, 5.0)]
    [9.2, 2.0]
    """
    hp = pauli_limit_T(tc_K, coefficient_T_per_K)
    ratio = abs(float(hc2_T)) / hp
    crit = f"mu0 H_P = {coefficient_T_per_K:g} T/K x Tc, Tc = {tc_K:g} K"
    src = dict(source or {})
    return [
        Result(
            "pauli_limit_T",
            hp,
            unit="T",
            criterion=crit,
            method="hc2.pauli_ratio",
            sample=sample,
            source=src,
        ),
        Result(
            "hc2_over_pauli",
            ratio,
            None if hc2_stderr_T is None else abs(float(hc2_stderr_T)) / hp,
            unit="",
            criterion=crit,
            method="hc2.pauli_ratio",
            sample=sample,
            source=src,
            flags=("exceeds_pauli_limit",) if ratio > 1 else (),
        ),
    ]


# --------------------------------------------------------------------------------------------
# Extraction from R(H)
# --------------------------------------------------------------------------------------------


def hc2_from_field_sweep(
    field_T: Any,
    resistance_ohm: Any,
    *,
    fraction: float = 0.5,
    r_normal_ohm: float | None = None,
    normal_fraction_of_range: float = 0.15,
    temperature_K: float | None = None,
    field_tol_T: float | None = None,
    sample: str = "",
    source: Mapping[str, Any] | None = None,
) -> list[Result]:
    """H_c2 from a resistance-vs-field sweep at the criterion R = ``fraction`` × R_N.

    The sweep is split into monotonic branches (up / down), and each branch into its positive-
    and negative-field halves; each half gives one record with mu0|H| where R, coming from the
    normal state at high |H|, falls through fraction × R_N. R_N is ``r_normal_ohm`` or the
    median of R over the top ``normal_fraction_of_range`` of |H| on that half.

    Parameters
    ----------
    field_T
        mu0 H, tesla (NaN points are dropped).
    resistance_ohm
        R, ohm.
    fraction
        Criterion, 0 < fraction < 1 (0.5: midpoint; 0.9: onset-like).
    r_normal_ohm
        Normal-state resistance; estimated per half-branch if omitted.
    normal_fraction_of_range
        Fraction of the |H| range (at the top) used to estimate R_N.
    temperature_K
        Temperature of the sweep, copied into ``extra``.
    field_tol_T
        Reversal tolerance for splitting branches (default: 3 × median |ΔH|).

    Returns
    -------
    list of Result
        ``hc2_T`` records (``source["sweep"]`` like ``"down,+H"``); value ``None`` with flag
        ``no_transition`` where a half never falls below the criterion, or
        ``not_normal_at_max_field`` where it starts below it.

    Examples
    --------
    >>> import numpy as np
    >>> H = np.linspace(-1, 1, 201)
    >>> R = 1 / (1 + np.exp(-(np.abs(H) - 0.5) / 0.02))
    >>> sorted(round(r.value, 3) for r in hc2_from_field_sweep(H, R))
    [0.5, 0.5]
    """
    if not 0 < fraction < 1:
        raise ParameterError("fraction", fraction, "the criterion must be between 0 and 1")
    H, R, n_dropped = _as_clean_xy(
        field_T, resistance_ohm, x_name="field_T", y_name="resistance_ohm"
    )
    src0 = dict(source or {})
    if field_tol_T is None:
        dH = np.abs(np.diff(H))
        dH = dH[dH > 0]
        field_tol_T = 3 * float(np.median(dH)) if dH.size else 0.0
    branches = _split_monotonic(H, field_tol_T)
    if not branches:
        raise ParameterError("field_T", "sweep", "no monotonic field branch with >= 4 points")
    records: list[Result] = []
    for bi, br in enumerate(branches):
        hb, rb = H[br.index], R[br.index]
        label = "up" if br.direction > 0 else "down"
        if len(branches) > 2:
            label += f"{bi}"
        for sign, side in ((1, "+H"), (-1, "-H")):
            sel = sign * hb > 0
            if sel.sum() < 4:
                continue
            x, y = _sorted_unique(np.abs(hb[sel]), rb[sel])
            records.append(
                _hc2_one_side(
                    x,
                    y,
                    fraction,
                    r_normal_ohm,
                    normal_fraction_of_range,
                    temperature_K,
                    n_dropped,
                    sample,
                    {**src0, "sweep": f"{label},{side}"},
                )
            )
    return records


def _hc2_one_side(
    x: np.ndarray,
    y: np.ndarray,
    fraction: float,
    r_normal: float | None,
    top_frac: float,
    temperature_K: float | None,
    n_dropped: int,
    sample: str,
    src: dict[str, Any],
) -> Result:
    top = x >= x.max() - top_frac * np.ptp(x)
    rn = float(r_normal) if r_normal is not None else float(np.median(y[top]))
    noise = _local_noise(y)
    extra: dict[str, Any] = {"r_normal_ohm": rn, "noise_ohm": noise}
    if temperature_K is not None:
        extra["temperature_K"] = float(temperature_K)
    flags: list[str] = ["nan_points_dropped"] if n_dropped else []
    crit = f"R = {fraction:g} R_N (R_N = {rn:.4g} ohm)"
    if rn <= 0:
        return Result(
            "hc2_T",
            None,
            unit="T",
            criterion=crit,
            method="hc2.hc2_from_field_sweep",
            sample=sample,
            source=src,
            flags=(*flags, "no_normal_state"),
            extra=extra,
        )
    hc, slope = _crossing_from_above(x, y, fraction * rn)
    if hc is None:
        reason = "not_normal_at_max_field" if y[-1] < fraction * rn else "no_transition"
        return Result(
            "hc2_T",
            None,
            unit="T",
            criterion=crit,
            method="hc2.hc2_from_field_sweep",
            sample=sample,
            source=src,
            flags=(*flags, reason),
            extra=extra,
        )
    err = noise / abs(slope) if slope else None
    if y.min() > 0.01 * rn:
        flags.append("partial_transition")
    return Result(
        "hc2_T",
        hc,
        err,
        unit="T",
        criterion=crit,
        method="hc2.hc2_from_field_sweep",
        sample=sample,
        source=src,
        flags=tuple(flags),
        extra=extra,
    )


def _mean_hc2(records: Sequence[Result]) -> tuple[float | None, float | None]:
    """Mean of the defined ``hc2_T`` values in ``records`` and its one-sigma error.

    The branches and field polarities of one loop are not independent measurements (same
    sample, thermometer and R_N), so their scatter does not average the per-branch error
    down: the error is max(scatter / sqrt(n), rms of the per-branch errors), with the
    scatter term alone when no branch has an error. With one defined value its own error is
    returned.
    """
    ok = [r for r in records if r.value is not None]
    if not ok:
        return None, None
    v = np.array([r.value for r in ok], dtype=float)
    errs = np.array([r.stderr for r in ok if r.stderr is not None], dtype=float)
    own = float(np.sqrt(np.mean(errs**2))) if errs.size else None
    if v.size == 1:
        return float(v[0]), own
    scatter = float(v.std(ddof=1) / math.sqrt(v.size))
    return float(v.mean()), scatter if own is None else max(scatter, own)


def resistance_vs_field_ohm(
    field_T: Any,
    hc2_T: float,
    width_T: float,
    r_normal_ohm: float,
    *,
    rng: np.random.Generator | None = None,
    noise_ohm: float = 0.0,
) -> np.ndarray:
    """Forward model of an R(H) sweep: a broadened transition centred on H_c2.

    R(H) = R_N / (1 + exp[−(|H| − H_c2)/w]): a phenomenological (logistic) broadening, so that
    the 50 % criterion returns exactly ``hc2_T``; the width stands for the flux-flow and
    inhomogeneity broadening that a real sweep shows.

    Parameters
    ----------
    field_T
        mu0 H, tesla (either sign).
    hc2_T, width_T, r_normal_ohm
        Midpoint field, width (T) and normal-state resistance (ohm).
    rng, noise_ohm
        Gaussian noise from the given generator (required when ``noise_ohm`` > 0).

    Examples
    --------
    >>> float(resistance_vs_field_ohm(0.5, 0.5, 0.02, 10.0))
    5.0
    """
    hc = _check_positive("hc2_T", hc2_T) if hc2_T != 0 else 0.0
    w = _check_positive("width_T", width_T)
    rn = _check_positive("r_normal_ohm", r_normal_ohm)
    H = np.abs(np.asarray(field_T, dtype=float))
    # 0.5 (1 + tanh(x/2)) is the logistic without overflow
    R = rn * 0.5 * (1.0 + np.tanh((H - hc) / (2.0 * w)))
    return add_noise(R, noise_ohm, rng)


def hc2_point_from_rt(
    temperature_K: Any,
    resistance_ohm: Any,
    field_T: float,
    *,
    fraction: float = 0.5,
    sample: str = "",
    source: Mapping[str, Any] | None = None,
    **criteria: Any,
) -> Result:
    """One point of H_c2(T) from an R(T) curve measured at a fixed field.

    The temperature where R falls through ``fraction`` × R_N(T) (the T_c criterion of
    :func:`tsclab.transport.tc_criteria`) is where H_c2(T) = ``field_T``.

    Returns
    -------
    Result
        ``hc2_T`` = |field_T| with ``extra["temperature_K"]`` (and its error); value ``None``
        with the flag of the T_c analysis when the curve has no transition at that criterion.

    Examples
    --------
    >>> T = np.linspace(2, 10, 161)
    >>> R = 1 / (1 + np.exp(-(T - 6) / 0.1))
    >>> r = hc2_point_from_rt(T, R, 1.5)
    >>> r.value, round(r.extra["temperature_K"], 2)
    (1.5, 6.0)
    """
    from ..transport.tc import tc_criteria

    if not 0 < fraction < 1:
        raise ParameterError("fraction", fraction, "the criterion must be between 0 and 1")
    h0 = abs(float(field_T))
    rec = next(
        r
        for r in tc_criteria(temperature_K, resistance_ohm, mid_fraction=fraction,
                             sample=sample, source=source, **criteria)
        if r.quantity == "tc_mid_K"
    )  # fmt: skip
    flags = rec.flags if rec.value is not None else (*rec.flags, "no_transition")
    return Result(
        "hc2_T",
        h0 if rec.value is not None else None,
        None,
        unit="T",
        criterion=f"R = {fraction:g} R_N(T) reached at T = Tc(H); {rec.criterion}",
        method="hc2.hc2_point_from_rt",
        sample=sample,
        source=dict(source or {}),
        flags=tuple(dict.fromkeys(flags)),
        extra={"temperature_K": rec.value, "temperature_stderr_K": rec.stderr},
    )


@dataclass(frozen=True)
class WHHFit:
    """Result of :func:`fit_whh`: T_c, initial slope, α (and λ_so as given) with errors."""

    tc_K: float | None
    tc_stderr_K: float | None
    slope_T_per_K: float | None
    slope_stderr_T_per_K: float | None
    alpha: float | None
    alpha_stderr: float | None
    lambda_so: float
    hc2_0_T: float | None
    redchi: float | None
    success: bool
    records: list[Result] = field(default_factory=list)


def fit_whh(
    temperature_K: Any,
    hc2_T: Any,
    hc2_err_T: Any | None = None,
    *,
    alpha: float | None = 0.0,
    lambda_so: float = 0.0,
    tc_K: float | None = None,
    sample: str = "",
    source: Mapping[str, Any] | None = None,
) -> WHHFit:
    """Fit the WHH H_c2(T) (T_c, |dH_c2/dT|_Tc and, if ``alpha=None``, the Maki α).

    Parameters
    ----------
    temperature_K, hc2_T, hc2_err_T
        H_c2(T) points (T, mu0 H_c2 in T) and optional one-sigma errors.
    alpha
        Fixed Maki parameter, or ``None`` to fit it (needs points well below T_c).
    lambda_so
        Spin–orbit scattering parameter (fixed).
    tc_K
        Fix T_c instead of fitting it.

    Returns
    -------
    WHHFit
        With records ``tc_whh_K``, ``dhc2_dt_T_per_K`` (negative), ``maki_alpha`` (if fitted)
        and ``hc2_0_whh_T`` (H_c2 at T → 0); ``fit_failed`` when the optimizer fails.

    References
    ----------
    Werthamer, Helfand, Hohenberg, Phys. Rev. 147, 295 (1966).

    Examples
    --------
    >>> T = np.array([2.0, 4.0, 6.0, 8.0, 9.0])
    >>> H = whh_hc2_T(T, 10.0, 2.0)
    >>> fit = fit_whh(T, H)
    >>> round(fit.tc_K, 3), round(fit.slope_T_per_K, 3)
    (10.0, 2.0)
    """
    T, H, _ = _as_clean_xy(temperature_K, hc2_T, x_name="temperature_K", y_name="hc2_T",
                           min_points=3)  # fmt: skip
    sig = _errors_or_ones(hc2_err_T, temperature_K, T.size, "hc2_err_T")
    if np.any(H < 0) or np.any(T <= 0):
        raise ParameterError("hc2_T", "negative", "need T > 0 and mu0 Hc2 >= 0")
    free_alpha = alpha is None
    fixed_tc = tc_K is not None
    # start from the straight line through the points nearest T_c
    a, b = _linfit(T, H, 1 / sig)
    tc0 = float(tc_K) if fixed_tc else (-a / b if b < 0 else float(T.max()) * 1.1)
    tc0 = max(tc0, float(T.max()) * 1.001)
    s0 = -b if b < 0 else float(H.max()) / tc0

    def unpack(p: np.ndarray) -> tuple[float, float, float]:
        i = 0
        tc = float(tc_K) if fixed_tc else float(p[i])
        i += 0 if fixed_tc else 1
        s = math.exp(p[i])
        al = math.exp(p[i + 1]) if free_alpha else float(alpha)
        return tc, s, al

    def resid(p: np.ndarray) -> np.ndarray:
        tc, s, al = unpack(p)
        if tc <= 0:
            return np.full(T.size, 1e6)
        t = np.clip(T / tc, 1e-4, 1.0)
        return (whh_reduced_field(t, al, lambda_so) * tc * s - H) / sig

    p0 = ([] if fixed_tc else [tc0]) + [math.log(s0)] + ([math.log(1.0)] if free_alpha else [])
    try:
        sol = least_squares(resid, np.asarray(p0), method="trf", x_scale="jac", max_nfev=400)
        ok = bool(sol.success)
    except (ValueError, ParameterError):  # pragma: no cover - defensive
        ok, sol = False, None
    src = dict(source or {})
    n_par = len(p0)
    if ok and sol is not None:
        tc, s, al = unpack(sol.x)
        chi2 = float(np.sum(sol.fun**2))
        dof = T.size - n_par
        redchi = chi2 / dof if dof > 0 else None
        try:
            cov = np.linalg.inv(sol.jac.T @ sol.jac)
            if hc2_err_T is None:
                cov = cov * (redchi if redchi is not None else np.nan)
            e = np.sqrt(np.clip(np.diag(cov), 0, None))
        except np.linalg.LinAlgError:
            e = np.full(n_par, np.nan)
        i = 0
        tc_err = 0.0 if fixed_tc else float(e[0])
        i += 0 if fixed_tc else 1
        s_err = s * float(e[i])
        al_err = al * float(e[i + 1]) if free_alpha else None
        h0 = float(whh_reduced_field(1e-3, al, lambda_so)) * tc * s
    else:
        tc = s = al = h0 = tc_err = s_err = al_err = redchi = None
    flags: tuple[str, ...] = () if ok else ("fit_failed",)
    crit = f"WHH dirty limit, lambda_so = {lambda_so:g}" + (
        ", alpha free" if free_alpha else f", alpha = {alpha:g}"
    )
    mk = dict(criterion=crit, method="hc2.fit_whh", sample=sample, source=src,
              extra={"redchi": redchi})  # fmt: skip
    records = [
        Result("tc_whh_K", _finite_or_none(tc), _finite_or_none(tc_err), unit="K",
               flags=flags if tc is not None else ("fit_failed",), **mk),
        Result("dhc2_dt_T_per_K", None if s is None else -s, _finite_or_none(s_err),
               unit="T/K", flags=flags if s is not None else ("fit_failed",), **mk),
        Result("hc2_0_whh_T", _finite_or_none(h0), None, unit="T",
               flags=flags if h0 is not None else ("fit_failed",), **mk),
    ]  # fmt: skip
    if free_alpha:
        records.append(
            Result("maki_alpha", _finite_or_none(al), _finite_or_none(al_err), unit="",
                   flags=flags if al is not None else ("fit_failed",), **mk)
        )  # fmt: skip
    return WHHFit(
        tc_K=_finite_or_none(tc),
        tc_stderr_K=_finite_or_none(tc_err),
        slope_T_per_K=_finite_or_none(s),
        slope_stderr_T_per_K=_finite_or_none(s_err),
        alpha=_finite_or_none(al),
        alpha_stderr=_finite_or_none(al_err),
        lambda_so=float(lambda_so),
        hc2_0_T=_finite_or_none(h0),
        redchi=redchi,
        success=ok,
        records=records,
    )
