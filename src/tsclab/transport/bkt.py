"""BKT temperature from the resistive tail of R(T) (Halperin–Nelson linearization).

Above T_BKT the free-vortex density gives R ∝ exp[−b′ (T − T_BKT)^{−1/2}]
(Halperin & Nelson, J. Low Temp. Phys. 36, 599 (1979)), so

    (d ln R / dT)^{−2/3} = (b′/2)^{−2/3} (T − T_BKT),

a straight line in T whose zero is T_BKT (PHYSICS.md §4.5). The fit uses the tail of the
transition, between two fractions of the normal-state resistance.

Examples
--------
>>> import numpy as np
>>> T = np.linspace(8.05, 9.5, 60)
>>> R = 100 * np.exp(-1.5 / np.sqrt(T - 8.0))
>>> round(t_bkt_from_rt(T, R, r_normal_ohm=100.0).value, 3)
8.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..errors import ParameterError
from ..results import Result
from ._curves import _as_clean_xy, _sorted_unique
from .tc import tc_criteria

__all__ = ["t_bkt_from_rt"]


def t_bkt_from_rt(
    temperature_K: Any,
    resistance_ohm: Any,
    *,
    r_normal_ohm: float | None = None,
    r_window: tuple[float, float] = (1e-3, 0.3),
    sample: str = "",
    source: Mapping[str, Any] | None = None,
) -> Result:
    """T_BKT from the Halperin–Nelson linearization of the resistive tail of one branch.

    Parameters
    ----------
    temperature_K, resistance_ohm
        One R(T) branch (sorted internally; NaNs dropped).
    r_normal_ohm
        Normal-state resistance; from :func:`~tsclab.transport.tc.tc_criteria` if omitted.
    r_window
        Use the points with r_window[0] < R/R_N < r_window[1] (the vortex-unbinding tail).

    Returns
    -------
    Result
        ``t_bkt_K`` with the one-sigma error from the line fit; ``value=None`` with
        ``too_few_points`` (fewer than 4 points in the window) or ``fit_failed`` (the
        linearized data do not extrapolate to a zero below the window; the line's zero, if
        any, is then in ``extra["fit_value"]``).
    """
    lo, hi = (float(v) for v in r_window)
    if not 0 < lo < hi < 1:
        raise ParameterError("r_window", r_window, "need 0 < low < high < 1 (fractions of R_N)")
    T0, R0, _ = _as_clean_xy(temperature_K, resistance_ohm, x_name="temperature_K",
                             y_name="resistance_ohm", min_points=6)  # fmt: skip
    T, R = _sorted_unique(T0, R0)
    if r_normal_ohm is None:
        rn = next(r for r in tc_criteria(T, R) if r.quantity == "r_normal_ohm").value
    else:
        rn = float(r_normal_ohm)
    src = dict(source or {})
    crit = f"Halperin-Nelson: (dlnR/dT)^(-2/3) linear in T, {lo:g} < R/R_N < {hi:g}"
    meth = "transport.t_bkt_from_rt"
    if rn is None or rn <= 0:
        return Result("t_bkt_K", None, unit="K", criterion=crit, method=meth, sample=sample,
                      source=src, flags=("no_normal_state",))  # fmt: skip
    # the tail: below the midpoint, above the floor; only the highest-T contiguous stretch
    sel = (R > lo * rn) & (R < hi * rn)
    if sel.sum() >= 2:
        above = np.nonzero(R >= hi * rn)[0]
        if above.size:
            sel &= np.arange(T.size) < above[0]
    idx = np.nonzero(sel)[0]
    if idx.size < 4:
        return Result("t_bkt_K", None, unit="K", criterion=crit, method=meth, sample=sample,
                      source=src, flags=("too_few_points",),
                      extra={"n_points": int(idx.size)})  # fmt: skip
    lnR = np.log(R[idx])
    dlnR = np.gradient(lnR, T[idx])
    ok = dlnR > 0
    if ok.sum() < 4:
        return Result("t_bkt_K", None, unit="K", criterion=crit, method=meth, sample=sample,
                      source=src, flags=("fit_failed",),
                      extra={"reason": "R does not rise with T in the window"})  # fmt: skip
    x = T[idx][ok]
    y = dlnR[ok] ** (-2.0 / 3.0)
    A = np.vstack([np.ones_like(x), x]).T
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    a, b = float(coef[0]), float(coef[1])
    if b <= 0:
        return Result("t_bkt_K", None, unit="K", criterion=crit, method=meth, sample=sample,
                      source=src, flags=("fit_failed",),
                      extra={"reason": "non-increasing linearized data"})  # fmt: skip
    t_bkt = -a / b
    dof = x.size - 2
    err = None
    if dof > 0:
        s2 = float(np.sum((y - A @ coef) ** 2)) / dof
        cov = s2 * np.linalg.inv(A.T @ A)
        g = np.array([-1 / b, a / b**2])
        err = math.sqrt(max(float(g @ cov @ g), 0.0))
    extra = {"n_points": int(x.size), "window_K": [float(x.min()), float(x.max())],
             "b_prime_K05": float(2.0 * b ** (-1.5))}  # fmt: skip
    if t_bkt >= x.min():
        # the line's zero lies inside the window it was fitted on: the tail is not
        # Halperin-Nelson there, and the zero is not a T_BKT; keep the number for inspection
        return Result("t_bkt_K", None, None, unit="K", criterion=crit, method=meth,
                      sample=sample, source=src, flags=("fit_failed",),
                      extra={**extra, "fit_value": float(t_bkt),
                             "reason": "the line's zero lies inside the fit window"})  # fmt: skip
    return Result("t_bkt_K", t_bkt, err, unit="K", criterion=crit, method=meth, sample=sample,
                  source=src, extra=extra)  # fmt: skip
