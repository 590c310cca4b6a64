r"""Analysis of hysteresis loops (anomalous Hall, RMCD, MFM-derived M/Ms).

Procedure (PHYSICS.md §6.1):

1. split the loop into its up and down sweeps;
2. fit the ordinary (linear) background from the high-field parts where
   :math:`|\mu_0 H| > H_\mathrm{sat}` and subtract it;
3. the zero crossings of the remaining (anomalous) part on the up and down sweeps give
   :math:`H_{c+}, H_{c-}`; coercive field :math:`(H_{c+} - H_{c-})/2`, exchange bias
   :math:`(H_{c+} + H_{c-})/2`;
4. the anomalous amplitude (record ``anomalous_<quantity>``) is half the difference of the
   saturated levels; the remanence (squareness) is the anomalous signal at H = 0 divided by
   that amplitude.

A loop without a sign change on a sweep (paramagnet, shorted Hall voltage in the
zero-resistance state) gives ``coercive_field_T = None`` with the flag ``no_hysteresis``.

References
----------
N. Nagaosa et al., Rev. Mod. Phys. 82, 1539 (2010).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..errors import ParameterError
from ..results import Result

__all__ = ["analyze_loop"]


def _crossing(
    h: np.ndarray, y: np.ndarray, noise: float | None
) -> tuple[float | None, float | None]:
    r"""Field where y changes sign (linear interpolation) and its one-sigma error.

    Several crossings (noise near H_c): their median and the standard error of their spread.
    One crossing: the error of the interpolated zero propagated from the point noise ``noise``
    of the two bracketing points, :math:`\sigma_H = \sigma \sqrt{(1-t)^2 + t^2} / |dy/dH|`
    (``t`` the interpolation fraction), i.e. noise / slope of the signal at the crossing; None
    when the noise is unknown.
    """
    s = np.sign(y)
    idx = np.nonzero(s[:-1] * s[1:] < 0)[0]
    if idx.size == 0:
        return None, None
    dh = h[idx + 1] - h[idx]
    dy = y[idx + 1] - y[idx]
    xs = h[idx] - y[idx] * dh / dy
    if xs.size > 1:
        # Noise can produce several crossings near H_c: report their median and spread.
        return float(np.median(xs)), float(np.std(xs) / np.sqrt(xs.size))
    if noise is None or dh[0] == 0:
        return float(xs[0]), None
    t = -y[idx[0]] / dy[0]
    return float(xs[0]), float(noise * np.hypot(1 - t, t) / abs(dy[0] / dh[0]))


def analyze_loop(
    field_T: np.ndarray,
    signal: np.ndarray,
    sweep: np.ndarray,
    *,
    quantity: str = "hall_resistance_ohm",
    unit: str = "ohm",
    saturation_field_T: float | None = None,
    sample: str = "",
    source: Mapping[str, Any] | None = None,
) -> list[Result]:
    """Coercive field, exchange bias, anomalous amplitude, remanence and background slope.

    Parameters
    ----------
    field_T
        :math:`\\mu_0 H`, tesla.
    signal
        :math:`R_{yx}` (ohm) or RMCD or M/Ms.
    sweep
        "up" or "down" per point.
    quantity, unit
        Name and unit of ``signal`` (the amplitude record is ``anomalous_<quantity>``).
    saturation_field_T
        Above this |field| the magnetization is saturated (background fit). Default: the outer
        25 % of the field range.

    Returns
    -------
    list of Result
        ``coercive_field_T``, ``exchange_bias_T``, ``anomalous_<quantity>`` (e.g.
        ``anomalous_hall_resistance_ohm``, in ``unit``), ``remanence``, ``background_slope``
        (``unit``/T). The stderrs of ``anomalous_<quantity>`` and ``background_slope`` come
        from the least-squares covariance of the background fit (residual variance of the
        saturated parts); those of the crossings from the spread of several noise crossings,
        or, for one clean crossing, the residual noise / |slope of the signal at the
        crossing|. None where not estimable (no saturated region, degenerate fit).

    Examples
    --------
    >>> import numpy as np
    >>> h = np.r_[np.linspace(.2, -.2, 81), np.linspace(-.2, .2, 81)]
    >>> sw = np.array(["down"] * 81 + ["up"] * 81)
    >>> m = np.tanh((h + np.where(sw == "up", -.05, .05)) / .01)
    >>> rec = analyze_loop(h, m, sw, quantity="m", unit="")
    >>> round(rec[0].value, 3)
    0.05
    """
    h = np.asarray(field_T, dtype=float)
    y = np.asarray(signal, dtype=float)
    sw = np.asarray(sweep)
    if h.shape != y.shape or h.shape != sw.shape or h.ndim != 1:
        raise ParameterError("signal", y.shape, "field, signal and sweep must be 1-D, same length")
    good = np.isfinite(h) & np.isfinite(y)
    if good.sum() < 10:
        raise ParameterError("signal", int(good.sum()), "fewer than 10 finite points in the loop")
    h, y, sw = h[good], y[good], sw[good]
    if not set(np.unique(sw)) <= {"up", "down"} or len(set(sw)) < 2:
        raise ParameterError("sweep", sorted(set(sw)), "need both 'up' and 'down' sweeps")
    hmax = np.max(np.abs(h))
    hsat = 0.75 * hmax if saturation_field_T is None else saturation_field_T
    common = {"sample": sample, "source": dict(source or {}), "method": "magnetism.analyze_loop"}

    hi = np.abs(h) >= hsat
    flags: list[str] = []
    slope_err = amp_err = noise = None
    if hi.sum() < 4 or np.ptp(h[hi]) == 0:
        flags.append("no_saturated_region")
        slope, sat_lo, sat_hi = 0.0, np.min(y), np.max(y)
    else:
        # Linear background + saturated offset: y = a H + b sign(H) + c on the high-field parts.
        A = np.column_stack([h[hi], np.sign(h[hi]), np.ones(hi.sum())])
        coef, _, rank, _ = np.linalg.lstsq(A, y[hi], rcond=None)
        slope, amp, _ = (float(c) for c in coef)
        sat_lo, sat_hi = -amp, amp
        dof = A.shape[0] - A.shape[1]
        if rank == A.shape[1] and dof > 0:
            # ordinary least squares: cov = s^2 (A^T A)^-1 with s^2 the residual variance
            # (the point noise is not given, it is estimated from the saturated parts)
            s2 = float(np.sum((y[hi] - A @ coef) ** 2)) / dof
            cov = s2 * np.linalg.inv(A.T @ A)
            slope_err, amp_err = (float(np.sqrt(cov[i, i])) for i in (0, 1))
            noise = float(np.sqrt(s2))
    y_ah = y - slope * h
    y_ah -= np.mean(y_ah[hi]) if hi.any() and not flags else np.mean(y_ah)
    amplitude = 0.5 * (sat_hi - sat_lo)

    res_up = _crossing(*_sorted(h[sw == "up"], y_ah[sw == "up"]), noise)
    res_dn = _crossing(*_sorted(h[sw == "down"], y_ah[sw == "down"]), noise)
    records = []
    if abs(amplitude) <= 3 * (noise or 0.0) or res_up[0] is None or res_dn[0] is None:
        flag = ("no_hysteresis",)
        records += [
            Result(
                "coercive_field_T", None, unit="T", criterion="zero crossing", flags=flag, **common
            ),
            Result(
                "exchange_bias_T", None, unit="T", criterion="zero crossing", flags=flag, **common
            ),
        ]
    else:
        hc_up, e_up = res_up
        hc_dn, e_dn = res_dn
        err = None if e_up is None or e_dn is None else 0.5 * float(np.hypot(e_up, e_dn))
        records += [
            Result(
                "coercive_field_T",
                0.5 * (hc_up - hc_dn),
                err,
                "T",
                "zero crossings of the background-free signal, (H_c+ - H_c-)/2",
                flags=tuple(flags),
                **common,
            ),
            Result(
                "exchange_bias_T",
                0.5 * (hc_up + hc_dn),
                err,
                "T",
                "(H_c+ + H_c-)/2",
                flags=tuple(flags),
                **common,
            ),
        ]
    r0 = [_interp0(*_sorted(h[sw == d], y_ah[sw == d])) for d in ("down", "up")]
    remanence = 0.5 * (r0[0] - r0[1]) / amplitude if amplitude else None
    records += [
        Result(
            f"anomalous_{quantity}",
            float(amplitude),
            amp_err,
            unit,
            "half the difference of the saturated levels",
            flags=tuple(flags),
            **common,
        ),
        Result(
            "remanence",
            None if remanence is None else float(remanence),
            None,
            "",
            "anomalous signal at H = 0 / saturation (squareness)",
            flags=tuple(flags) if remanence is not None else ("zero_amplitude",),
            **common,
        ),
        Result(
            "background_slope",
            float(slope),
            slope_err,
            f"{unit}/T" if unit else "1/T",
            f"linear fit for |H| >= {hsat:.3g} T",
            flags=tuple(flags),
            **common,
        ),
    ]
    return records


def _sorted(h: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(h, kind="stable")
    return h[order], y[order]


def _interp0(h: np.ndarray, y: np.ndarray) -> float:
    return float(np.interp(0.0, h, y))
