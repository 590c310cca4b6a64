"""Critical temperatures from R(T): T_c,onset, T_c,mid and T_c,0 with stated criteria.

The normal state is a straight line R_N(T) = a + bT fitted just above the transition and
extrapolated through it; onset and midpoint are where R falls through a fraction of R_N(T) (or,
for the onset, the intersection of R_N(T) with the steepest tangent); T_c,0 is where R falls
below a floor set by the larger of a fraction of R_N and a multiple of the measured noise. A
transition that does not reach the floor gives ``tc_0_K`` with ``value=None``, the flag
``no_zero_resistance`` and the reason, never an extrapolated number. Cooling and warming
branches are analysed separately (:func:`analyze_rt`).

References
----------
The criteria are those in common use, e.g. M. Tinkham, *Introduction to Superconductivity*
(1996), §8.4; the paper's own definitions (Yi et al., Science 383, 634 (2024), supplement) were
not available, so every criterion is a parameter and stated in each record (PHYSICS.md §4.5).

Examples
--------
>>> import numpy as np
>>> T = np.linspace(2, 20, 361)
>>> R = 100 / (1 + np.exp(-(T - 10) / 0.2))
>>> recs = {r.quantity: r for r in tc_criteria(T, R)}
>>> round(recs["tc_mid_K"].value, 2)
10.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np

from ..errors import ParameterError
from ..results import Result
from ._curves import (
    _as_clean_xy,
    _crossing_from_above,
    _local_noise,
    _sorted_unique,
    _split_monotonic,
)

__all__ = ["analyze_rt", "analyze_rt_dataset", "split_branches", "tc_criteria"]


def split_branches(
    temperature_K: Any, *, tol_K: float = 0.1, min_points: int = 8
) -> list[tuple[str, np.ndarray]]:
    """Split a temperature record into cooling and warming branches.

    Parameters
    ----------
    temperature_K
        Temperatures in measurement order, K (NaN allowed: those points are skipped).
    tol_K
        A reversal smaller than this is noise, not a new branch.
    min_points
        Shorter branches are dropped.

    Returns
    -------
    list of (label, index)
        ``label`` is ``"cooling"`` or ``"warming"`` (numbered ``"cooling2"``... when a direction
        repeats); ``index`` indexes the original array.

    Examples
    --------
    >>> T = np.r_[np.linspace(10, 2, 20), np.linspace(2, 10, 20)]
    >>> [lab for lab, _ in split_branches(T)]
    ['cooling', 'warming']
    """
    t = np.asarray(temperature_K, dtype=float).ravel()
    finite = np.nonzero(np.isfinite(t))[0]
    branches = _split_monotonic(t[finite], float(tol_K), min_points=min_points)
    out: list[tuple[str, np.ndarray]] = []
    seen: dict[str, int] = {}
    for br in branches:
        base = "warming" if br.direction > 0 else "cooling"
        seen[base] = seen.get(base, 0) + 1
        label = base if seen[base] == 1 else f"{base}{seen[base]}"
        out.append((label, finite[br.index]))
    return out


def _smooth(y: np.ndarray, w: int) -> np.ndarray:
    """Centred moving average of odd width ``w`` (shrinking at the ends)."""
    if w <= 1 or y.size < w:
        return y.copy()
    k = w // 2
    c = np.concatenate([[0.0], np.cumsum(y)])
    out = np.empty_like(y)
    for i in range(y.size):
        a, b = max(0, i - k), min(y.size, i + k + 1)
        out[i] = (c[b] - c[a]) / (b - a)
    return out


def _normal_window(
    T: np.ndarray, R: np.ndarray, slope_fraction: float, min_width_K: float
) -> tuple[float, float, float, float]:
    """Automatic normal-state window above the steepest point of the transition.

    Returns (T_lo, T_hi, T_steep, steepest slope dR/dT). The window starts where the smoothed
    slope has fallen below ``slope_fraction`` of its maximum and spans 3 times the distance
    from the steepest point (at least ``min_width_K`` and 5 points).
    """
    w = 5 if T.size >= 40 else 3
    Rs = _smooth(R, w)
    dRdT = np.gradient(Rs, T)
    i_s = int(np.argmax(dRdT))
    smax = float(dRdT[i_s])
    T_s = float(T[i_s])
    above = np.nonzero((T > T_s) & (dRdT < slope_fraction * smax))[0]
    if smax <= 0 or above.size == 0:
        # no resistive drop at all: the normal state is the upper third of the data
        T_a = float(T[0] + 2.0 * (T[-1] - T[0]) / 3.0)
        return T_a, float(T[-1]), T_s, smax
    i_a = int(above[0])
    T_a = float(T[i_a])
    width = max(3.0 * (T_a - T_s), min_width_K)
    T_b = T_a + width
    # at least 5 points
    if np.count_nonzero((T >= T_a) & (T <= T_b)) < 5 and T.size - i_a >= 5:
        T_b = float(T[min(i_a + 4, T.size - 1)])
    return T_a, T_b, T_s, smax


def _refine_window(
    T: np.ndarray, R: np.ndarray, T_a: float, T_b: float, order: int = 1, max_iter: int = 8
) -> tuple[float, float]:
    """Move the normal-state window up until no point in it lies clearly below the fitted line.

    A broad transition has a long tail (e.g. a Gaussian distribution of local T_c) that the
    slope criterion alone leaves inside the window and that would bias R_N low. A point is
    "clearly below" when its deficit exceeds max(0.3 %, 3 noise/R_N).
    """
    width = T_b - T_a
    for _ in range(max_iter):
        win = (T >= T_a) & (T <= T_b)
        if win.sum() < order + 2:
            break
        RN = np.polyval(np.polyfit(T[win], R[win], order), T[win])
        if np.any(RN <= 0):
            break
        delta = max(0.003, 3 * _local_noise(R[win]) / float(np.mean(RN)))
        deficit = (RN - R[win]) / RN > delta
        if not deficit.any():
            break
        T_new = float(T[win][deficit].max())
        if T_new <= T_a:
            break
        T_a, T_b = T_new, T_new + width
    return T_a, T_b


def tc_criteria(
    temperature_K: Any,
    resistance_ohm: Any,
    *,
    onset: Literal["fraction", "tangent"] = "fraction",
    onset_fraction: float = 0.9,
    mid_fraction: float = 0.5,
    zero_fraction: float = 1e-3,
    zero_noise_sigma: float = 5.0,
    zero_abs_ohm: float | None = None,
    normal_window_K: tuple[float, float] | None = None,
    normal_slope_fraction: float = 0.05,
    normal_order: int = 1,
    sample: str = "",
    source: Mapping[str, Any] | None = None,
) -> list[Result]:
    """T_c,onset, T_c,mid and T_c,0 of one R(T) branch, each with its criterion.

    Parameters
    ----------
    temperature_K, resistance_ohm
        One branch (any order; sorted internally, repeated temperatures averaged, NaNs
        dropped).
    onset
        ``"fraction"``: R = ``onset_fraction`` × R_N(T); ``"tangent"``: intersection of R_N(T)
        with the tangent at the steepest point.
    onset_fraction, mid_fraction
        Fractions of the extrapolated normal state (0.9 and 0.5 by default).
    zero_fraction, zero_noise_sigma, zero_abs_ohm
        T_c,0 is where R falls below max(zero_fraction × R_N, zero_noise_sigma × noise,
        zero_abs_ohm). The noise is the scatter of R about the normal-state line.
    normal_window_K
        (T_lo, T_hi) for the normal-state fit; automatic by default (just above the steepest
        point, where the slope has fallen below ``normal_slope_fraction`` of its maximum, then
        moved up until no point in it lies clearly below the fit).
    normal_order
        Polynomial order of R_N(T): 1 (straight line, default) or 2 (for a curved normal state
        extrapolated over a broad transition).
    sample, source
        Provenance copied into the records.

    Returns
    -------
    list of Result
        ``tc_onset_K``, ``tc_mid_K``, ``tc_0_K`` and ``r_normal_ohm`` (R_N at the steepest
        point). Undefined values are ``None`` with a flag: ``no_transition``,
        ``no_zero_resistance`` (+ ``partial_transition``), ``no_normal_state``; the reason is in
        ``extra["reason"]``. ``reentrant_resistance`` marks a curve that rises again above the
        floor at lower temperature.

    Examples
    --------
    >>> T = np.linspace(2, 20, 181)
    >>> R = 50 + 0 * T  # no transition
    >>> [r.flags for r in tc_criteria(T, R)][:3]
    [('no_transition',), ('no_transition',), ('no_transition',)]
    """
    for name, f in (
        ("onset_fraction", onset_fraction),
        ("mid_fraction", mid_fraction),
        ("zero_fraction", zero_fraction),
    ):
        if not 0 < f < 1:
            raise ParameterError(name, f, "must be between 0 and 1")
    if onset not in ("fraction", "tangent"):
        raise ParameterError("onset", onset, "use 'fraction' or 'tangent'")
    T0, R0, n_dropped = _as_clean_xy(
        temperature_K, resistance_ohm, x_name="temperature_K", y_name="resistance_ohm",
        min_points=6,
    )  # fmt: skip
    if np.any(T0 <= 0):
        raise ParameterError("temperature_K", float(T0.min()), "temperatures must be > 0 K")
    T, R = _sorted_unique(T0, R0)
    if T.size < 6:
        raise ParameterError(
            "temperature_K", f"{T.size} distinct values", "need >= 6 distinct temperatures"
        )
    src = dict(source or {})
    base_flags: tuple[str, ...] = ("nan_points_dropped",) if n_dropped else ()
    meth = "transport.tc_criteria"

    if normal_window_K is not None:
        T_a, T_b = (float(v) for v in normal_window_K)
        w = 5 if T.size >= 40 else 3
        dRdT = np.gradient(_smooth(R, w), T)
        inside = T < T_a
        i_s = int(np.argmax(np.where(inside, dRdT, -np.inf))) if inside.any() else 0
        T_s, smax = float(T[i_s]), float(dRdT[i_s])
    else:
        T_a, T_b, T_s, smax = _normal_window(T, R, normal_slope_fraction, min_width_K=1.0)
        T_a, T_b = _refine_window(T, R, T_a, T_b, normal_order)
    win = (T >= T_a) & (T <= T_b)

    def undefined(q: str, flag: str, reason: str, crit: str = "") -> Result:
        return Result(q, None, unit="K", criterion=crit, method=meth, sample=sample,
                      source=src, flags=(*base_flags, flag), extra={"reason": reason})  # fmt: skip

    if normal_order not in (1, 2):
        raise ParameterError("normal_order", normal_order, "use 1 (linear) or 2 (quadratic)")
    if win.sum() < normal_order + 1:
        reason = "no points above the transition to define the normal state"
        return [
            undefined(q, "no_normal_state", reason)
            for q in ("tc_onset_K", "tc_mid_K", "tc_0_K")
        ] + [
            Result("r_normal_ohm", None, unit="ohm", method=meth, sample=sample, source=src,
                   flags=(*base_flags, "no_normal_state"), extra={"reason": reason})
        ]  # fmt: skip
    coef = np.polyfit(T[win], R[win], normal_order)
    poly = np.poly1d(coef)
    dpoly = poly.deriv()
    # point-to-point scatter (second differences), blind to the smooth curvature of the
    # normal state (e.g. the Aslamazov–Larkin tail) that a residual about a line would include
    noise = _local_noise(R[win]) if win.sum() >= 8 else _local_noise(R)
    RN = poly(T)
    rn_s = float(poly(T_s))
    kind = "linear" if normal_order == 1 else "quadratic"
    win_txt = f"R_N(T) {kind} fit on {T_a:.4g}-{T_b:.4g} K"
    extra0 = {
        "r_normal_ohm": rn_s,
        "noise_ohm": noise,
        "normal_window_K": [T_a, T_b],
        "normal_poly_coef": [float(c) for c in coef],  # numpy.polyval order, ohm and K
    }
    records: list[Result] = []

    # the extrapolated R_N(T) means something only up to the top of its window: search there
    upto = T <= T_b

    def crossing(frac: float, q: str, crit: str) -> Result:
        tc, slope = _crossing_from_above(T[upto], R[upto], frac * RN[upto])
        if tc is None:
            ratio = R[upto] / RN[upto]
            reason = (
                f"R never falls below {frac:g} R_N(T) (min R/R_N = {np.min(ratio):.3g})"
                if np.any(ratio >= frac)
                else "R is below the criterion at every temperature"
            )
            return Result(q, None, unit="K", criterion=crit, method=meth, sample=sample,
                          source=src, flags=(*base_flags, "no_transition"),
                          extra={**extra0, "reason": reason})  # fmt: skip
        d = slope - frac * float(dpoly(tc)) if slope is not None else 0.0
        err = noise / abs(d) if d != 0 else None
        return Result(q, tc, err, unit="K", criterion=crit, method=meth, sample=sample,
                      source=src, flags=base_flags, extra=extra0)  # fmt: skip

    if rn_s <= 0 or not math.isfinite(rn_s):
        reason = f"extrapolated normal state R_N = {rn_s:.3g} ohm is not positive"
        return [
            undefined(q, "no_normal_state", reason) for q in ("tc_onset_K", "tc_mid_K", "tc_0_K")
        ] + [
            Result("r_normal_ohm", None, unit="ohm", method=meth, sample=sample, source=src,
                   flags=(*base_flags, "no_normal_state"), extra={"reason": reason})
        ]  # fmt: skip

    # ---- onset
    if onset == "fraction":
        rec_on = crossing(
            onset_fraction, "tc_onset_K", f"R = {onset_fraction:g} R_N(T); {win_txt}"
        )
    else:
        crit = f"steepest tangent at {T_s:.4g} K meets R_N(T); {win_txt}"
        rs = float(np.interp(T_s, T, _smooth(R, 5 if T.size >= 40 else 3)))
        tc = None
        if smax > 0 and np.min(R[upto] / RN[upto]) < onset_fraction:
            # intersection of R_N(T) with the tangent rs + smax (T - T_s), nearest above T_s
            diff = poly - np.poly1d([smax, rs - smax * T_s])
            roots = [float(z.real) for z in np.atleast_1d(diff.roots)
                     if abs(z.imag) < 1e-9 and z.real > T_s]  # fmt: skip
            tc = min(roots) if roots else None
        if tc is not None:
            dslope = abs(smax - float(dpoly(tc)))
            records_extra = {**extra0, "tangent_slope_ohm_per_K": smax}
            rec_on = Result("tc_onset_K", tc, noise / dslope if dslope else None, unit="K",
                            criterion=crit, method=meth, sample=sample, source=src,
                            flags=base_flags, extra=records_extra)  # fmt: skip
        else:
            rec_on = undefined("tc_onset_K", "no_transition", "no resistive drop", crit)
    records.append(rec_on)
    rec_mid = crossing(mid_fraction, "tc_mid_K", f"R = {mid_fraction:g} R_N(T); {win_txt}")
    records.append(rec_mid)

    # ---- zero resistance
    floor = max(zero_fraction * rn_s, zero_noise_sigma * noise, float(zero_abs_ohm or 0.0))
    crit0 = (
        f"R < {floor:.3g} ohm = max({zero_fraction:g} R_N, {zero_noise_sigma:g} sigma_noise"
        + (f", {zero_abs_ohm:g} ohm)" if zero_abs_ohm else ")")
    )
    ex0 = {**extra0, "floor_ohm": floor}
    if rec_on.value is None and rec_mid.value is None:
        records.append(
            Result("tc_0_K", None, unit="K", criterion=crit0, method=meth, sample=sample,
                   source=src, flags=(*base_flags, "no_transition"),
                   extra={**ex0, "reason": "no resistive transition"})
        )  # fmt: skip
    else:
        t0, slope0 = _crossing_from_above(T, R, floor)
        if t0 is None:
            i_min = int(np.argmin(R))
            reason = (
                f"R never falls below the floor {floor:.3g} ohm; minimum R = {R[i_min]:.3g} ohm "
                f"= {R[i_min] / rn_s:.3g} R_N at {T[i_min]:.4g} K (lowest T {T[0]:.4g} K)"
            )
            records.append(
                Result("tc_0_K", None, unit="K", criterion=crit0, method=meth, sample=sample,
                       source=src, flags=(*base_flags, "no_zero_resistance",
                                          "partial_transition"),
                       extra={**ex0, "reason": reason, "r_min_ohm": float(R[i_min]),
                              "t_at_r_min_K": float(T[i_min])})
            )  # fmt: skip
        else:
            flags = list(base_flags)
            below = T < t0
            if np.any(R[below] >= floor):
                flags.append("reentrant_resistance")
            # R(T) has a kink where it leaves zero, so linear interpolation between the two
            # bracketing points is biased low by up to their spacing: add it (uniform, /√12)
            i0 = int(np.searchsorted(T, t0))
            lo_T, hi_T = float(T[max(i0 - 1, 0)]), float(T[min(i0, T.size - 1)])
            e_noise = noise / abs(slope0) if slope0 else 0.0
            err = math.hypot(e_noise, (hi_T - lo_T) / math.sqrt(12.0))
            records.append(
                Result("tc_0_K", t0, err, unit="K", criterion=crit0, method=meth,
                       sample=sample, source=src, flags=tuple(flags),
                       extra={**ex0, "bracket_K": [lo_T, hi_T]})
            )  # fmt: skip
    records.append(
        Result("r_normal_ohm", rn_s, noise, unit="ohm", criterion=f"{win_txt}, at {T_s:.4g} K",
               method=meth, sample=sample, source=src, flags=base_flags, extra=extra0)
    )  # fmt: skip
    return records


def analyze_rt(
    temperature_K: Any,
    resistance_ohm: Any,
    *,
    branch_tol_K: float = 0.1,
    sample: str = "",
    source: Mapping[str, Any] | None = None,
    **criteria: Any,
) -> list[Result]:
    """Split an R(T) record into cooling/warming branches and run :func:`tc_criteria` on each.

    Parameters
    ----------
    temperature_K, resistance_ohm
        The record in measurement order.
    branch_tol_K
        Reversal tolerance of :func:`split_branches`.
    **criteria
        Passed to :func:`tc_criteria` (``onset``, ``onset_fraction``, ``zero_fraction``, ...).

    Returns
    -------
    list of Result
        The records of every branch; ``source["sweep"]`` names the branch. A record that is not
        a sweep at all (one temperature) raises :class:`~tsclab.errors.ParameterError`.

    Examples
    --------
    >>> T = np.r_[np.linspace(20, 2, 181), np.linspace(2, 20, 181)]
    >>> R = 100 / (1 + np.exp(-(T - 10) / 0.2))
    >>> sorted({r.source["sweep"] for r in analyze_rt(T, R)})
    ['cooling', 'warming']
    """
    t = np.asarray(temperature_K, dtype=float).ravel()
    r = np.asarray(resistance_ohm, dtype=float).ravel()
    if t.shape != r.shape:
        raise ParameterError("resistance_ohm", f"shape {r.shape}", f"must match {t.shape}")
    branches = split_branches(t, tol_K=branch_tol_K)
    if not branches:
        raise ParameterError(
            "temperature_K", "record", "no temperature sweep (>= 8 points over > tol) found"
        )
    out: list[Result] = []
    for label, idx in branches:
        src = {**dict(source or {}), "sweep": label}
        out.extend(tc_criteria(t[idx], r[idx], sample=sample, source=src, **criteria))
    return out


def analyze_rt_dataset(ds: Any, *, sample: str = "", **criteria: Any) -> list[Result]:
    """:func:`analyze_rt` on an xarray Dataset, for every channel that holds data.

    Accepts a logged series (dim ``point`` with ``temperature_K`` and ``resistance_ohm``
    (point[, channel]), as :func:`tsclab.io.read_qd_dat` returns) or a simulated curve (dim
    ``temperature`` with ``resistance_ohm``, as :func:`tsclab.transport.simulate_rt` returns).
    Provenance: ``source["file"]`` from ``ds.attrs["source_file"]``, ``source["channel"]``
    from the channel label.

    Examples
    --------
    >>> from tsclab.transport import RTModelParams, simulate_rt
    >>> ds = simulate_rt(np.linspace(2, 25, 461), RTModelParams())
    >>> sorted({r.quantity for r in analyze_rt_dataset(ds)})
    ['r_normal_ohm', 'tc_0_K', 'tc_mid_K', 'tc_onset_K']
    """
    if "resistance_ohm" not in ds:
        raise ParameterError("ds", "Dataset", "needs a 'resistance_ohm' variable")
    res = ds["resistance_ohm"]
    if "temperature_K" in ds:
        T = np.asarray(ds["temperature_K"].to_numpy(), dtype=float)
    elif "temperature" in ds.coords:
        T = np.asarray(ds["temperature"].to_numpy(), dtype=float)
    else:
        raise ParameterError("ds", "Dataset", "needs 'temperature_K' or a 'temperature' coord")
    src_file = str(ds.attrs.get("source_file", ""))
    chans = [str(c) for c in res["channel"].to_numpy()] if "channel" in res.dims else [""]
    out: list[Result] = []
    for c in chans:
        R = np.asarray((res.sel(channel=c) if c else res).to_numpy(), dtype=float)
        if T.shape != R.shape:
            raise ParameterError("ds", "Dataset", "resistance_ohm and temperature do not align")
        if not np.isfinite(R).any():
            continue
        out.extend(
            analyze_rt(T, R, sample=sample, source={"file": src_file, "channel": c}, **criteria)
        )
    return out
