"""Segmentation of a logged time series (a PPMS file) into sweeps.

Sweeps are found from the values present, never by rounding to a grid:

* temperature set points are clusters of the logged temperatures (1-D single-linkage: sorted
  values split where a gap exceeds a tolerance estimated from the data's own noise);
* sweep directions come from a hysteresis turning-point detector: the direction reverses only
  after the value has moved back from its running extremum by more than the tolerance, so
  noise on a plateau never creates a sweep.

Points logged while the temperature was between set points (the settle-time transients of a
set-point sequence) are *flagged* in ``settling``, never removed.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import xarray as xr

from ..errors import ParameterError

__all__ = ["cluster_values", "segment_sweeps"]


def _noise(x: np.ndarray) -> float:
    """Robust noise scale of a slowly varying series: MAD of second differences / sqrt(6)
    (for white noise of std s, Var(x[i+1] - 2x[i] + x[i-1]) = 6 s^2; a linear ramp cancels)."""
    x = x[np.isfinite(x)]
    if x.size < 4:
        return 0.0
    d2 = np.diff(x, 2)
    mad = np.median(np.abs(d2 - np.median(d2)))
    return float(1.4826 * mad / np.sqrt(6.0))


def _tolerance(x: np.ndarray, tol: float | None) -> float:
    if tol is not None:
        if not tol > 0:
            raise ParameterError("tol", tol, "must be positive")
        return float(tol)
    finite = x[np.isfinite(x)]
    if finite.size == 0:
        return 1.0
    span = float(np.ptp(finite))
    # 10 sigma of the noise, but at least 0.2 % of the span (resolution of the logger) and
    # never zero (a perfectly constant column).
    return max(10.0 * _noise(finite), 2e-3 * span, 1e-12 + 1e-9 * float(np.max(np.abs(finite))))


def cluster_values(x: np.ndarray, tol: float) -> np.ndarray:
    """1-D single-linkage clusters: label per value (NaN gets -1), ordered by value.

    Examples
    --------
    >>> cluster_values(np.array([2.0, 2.001, 3.0, 2.999, np.nan]), 0.01).tolist()
    [0, 0, 1, 1, -1]
    """
    x = np.asarray(x, float)
    lab = np.full(x.shape, -1, dtype=np.int64)
    ok = np.isfinite(x)
    if not ok.any():
        return lab
    idx = np.flatnonzero(ok)
    order = idx[np.argsort(x[idx], kind="stable")]
    xs = x[order]
    breaks = np.concatenate([[0], np.cumsum(np.diff(xs) > tol)])
    lab[order] = breaks
    return lab


def _directions(x: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Per point: run index and sign (+1 rising, -1 falling, 0 flat), with hysteresis ``tol``.

    A reversal is confirmed once the value has come back by more than ``tol`` from the running
    extremum; the new run starts *at* that extremum (the turning point opens the next branch).
    """
    n = x.size
    # Only the run boundaries are found in the (sequential) loop; arrays are filled after.
    starts: list[int] = [0]
    signs: list[int] = []
    cur = 0
    ext = math.nan
    ext_i = 0
    for i, v in enumerate(x.tolist()):
        if v != v:  # NaN
            continue
        if ext != ext:
            ext, ext_i = v, i
            continue
        if cur == 0:
            if abs(v - ext) > tol:
                cur = 1 if v > ext else -1
                ext, ext_i = v, i
        elif (v - ext) * cur > 0:
            ext, ext_i = v, i
        elif abs(v - ext) > tol:
            signs.append(cur)
            starts.append(ext_i)
            cur = -cur
            ext, ext_i = v, i
    signs.append(cur)
    bounds = np.asarray(starts[1:], dtype=np.int64)
    run = np.zeros(n, dtype=np.int64)
    np.add.at(run, bounds, 1)
    run = np.cumsum(run)
    sign = np.asarray(signs, dtype=np.int8)[run]
    return run, sign


def segment_sweeps(
    ds: xr.Dataset,
    by: Literal["temperature", "field"] = "temperature",
    *,
    tol: float | None = None,
    temperature_tol_K: float | None = None,
    min_cluster_points: int = 3,
    angle_tol_deg: float = 0.5,
) -> xr.Dataset:
    """Split a logged series (dimension ``point``) into sweeps.

    Parameters
    ----------
    ds
        A Dataset from :func:`~tsclab.io.read_qd_dat` (needs ``temperature_K``; ``field_T``
        for ``by="field"``).
    by
        ``"temperature"``: runs of monotonic temperature (``direction`` ``"cooling"``,
        ``"warming"``, or ``"stable"`` for a set-point plateau). ``"field"``: field branches
        (``"up"``, ``"down"``; ``"stable"`` at constant field), split as well wherever the
        temperature moves to another set-point cluster (one field loop per temperature).
    tol
        Hysteresis of the direction detector, in the unit of the swept quantity (K or T).
        Default: 10x the data's own noise, at least 0.2 % of its span.
    temperature_tol_K
        Gap that separates temperature set-point clusters; default as ``tol`` from the
        temperature column.
    min_cluster_points
        A temperature cluster with fewer points is a transient between set points: its points
        get ``settling = True``.
    angle_tol_deg
        With ``by="field"``, a change of the rotator angle by more than this starts a new sweep.

    Returns
    -------
    xarray.Dataset
        A copy of ``ds`` with per-point variables ``sweep`` (int, 0-based, in time order),
        ``direction`` (str), ``temperature_cluster`` (int) and ``temperature_setpoint_K``
        (median temperature of the point's cluster), and ``settling`` (bool) OR-ed with the
        reader's flag. Nothing is removed; select a sweep with ``ds.where(ds.sweep == k,
        drop=True)`` or ``ds.groupby("sweep")``.

    Examples
    --------
    >>> seg = segment_sweeps(read_qd_dat("loops.dat"), by="field")  # doctest: +SKIP
    >>> for k, sw in seg.groupby("sweep"): ...  # doctest: +SKIP
    """
    if by not in ("temperature", "field"):
        raise ParameterError("by", by, "choose 'temperature' or 'field'")
    if "point" not in ds.dims:
        raise ParameterError("ds", "Dataset", "needs a 'point' dimension (a logged series)")
    need = "temperature_K" if by == "temperature" else "field_T"
    if need not in ds:
        raise ParameterError("ds", "Dataset", f"has no {need!r} variable to segment by {by}")
    n = ds.sizes["point"]
    out = ds.copy()
    settling = (
        np.asarray(ds["settling"].to_numpy(), bool) if "settling" in ds else np.zeros(n, bool)
    )

    if "temperature_K" in ds:
        T = np.asarray(ds["temperature_K"].to_numpy(), float)
        if temperature_tol_K is not None:
            ttol = _tolerance(T, temperature_tol_K)
        else:
            # Set points sit still: use the point-to-point noise (at least 1 mK per K of
            # temperature scale), not the span of the series.
            scale = float(np.nanmedian(np.abs(T))) if np.isfinite(T).any() else 1.0
            ttol = max(10.0 * _noise(T), 1e-3 * max(1.0, scale))
        tcl = cluster_values(T, ttol)
        setpoint = np.full(n, np.nan)
        counts = np.bincount(tcl[tcl >= 0]) if (tcl >= 0).any() else np.zeros(0, int)
        big = counts >= min_cluster_points
        # Set-point data only when most points sit in populated clusters; in a continuous
        # temperature sweep every value is its own cluster and nothing is a transient.
        setpoint_data = counts.size > 0 and counts[big].sum() > 0.5 * counts.sum()
        if setpoint_data:
            for c in np.flatnonzero(counts):
                members = tcl == c
                if big[c]:
                    setpoint[members] = np.median(T[members])
                else:
                    settling[members] = True
    else:
        tcl = np.zeros(n, dtype=np.int64)
        setpoint = np.full(n, np.nan)
        setpoint_data = False

    x = np.asarray(ds[need].to_numpy(), float)
    xtol = _tolerance(x, tol)
    run, sign = _directions(x, xtol)
    if by == "field":
        # A new sweep also starts where the temperature cluster changes (loop at a new T), or
        # where the rotator moved to another angle (Hc2 versus angle).
        change = np.zeros(n, dtype=np.int64)
        if n > 1:
            moved = (tcl[1:] != tcl[:-1]) & (tcl[1:] >= 0) & (tcl[:-1] >= 0)
            if "angle_deg" in ds:
                acl = cluster_values(np.asarray(ds["angle_deg"].to_numpy(), float), angle_tol_deg)
                moved |= (acl[1:] != acl[:-1]) & (acl[1:] >= 0) & (acl[:-1] >= 0)
            change[1:] = np.cumsum(moved & ~settling[1:])
        key = run * (int(change.max()) + 1) + change
        names = {1: "up", -1: "down", 0: "stable"}
    elif setpoint_data:
        # Temperature set points: one sweep per plateau (consecutive points of one cluster);
        # a transient between plateaus belongs to the plateau it is heading for.
        ok = np.flatnonzero(~settling)
        key_ok = np.concatenate([[0], np.cumsum(tcl[ok][1:] != tcl[ok][:-1])])
        nxt = np.minimum(np.searchsorted(ok, np.arange(n)), max(ok.size - 1, 0))
        key = key_ok[nxt] if ok.size else np.zeros(n, dtype=np.int64)
        sign = np.where(settling, sign, 0).astype(np.int8)
        names = {1: "warming", -1: "cooling", 0: "stable"}
    else:
        key = run
        names = {1: "warming", -1: "cooling", 0: "stable"}
    # Renumber in time order.
    sweep = np.zeros(n, dtype=np.int64)
    if n:
        sweep[1:] = np.cumsum(key[1:] != key[:-1])
    if by == "field" and n:
        # A stub of a few points between a temperature change and the field turning point
        # (field noise at the end of a loop) belongs to the next branch at the same temperature.
        bounds = np.flatnonzero(np.diff(sweep)) + 1
        starts = np.concatenate([[0], bounds])
        ends = np.concatenate([bounds, [n]])
        for a, b in zip(starts, ends, strict=True):
            core = np.flatnonzero(~settling[a:b]) + a
            if core.size >= min_cluster_points:
                continue
            # Context = (temperature set point, angle) group of the stub's own points.
            tc = change[core[0]] if core.size else -2
            if b < n and (core.size == 0 or change[b] == tc):
                sign[a:b], sweep[a:b] = sign[b], sweep[b]
            elif a > 0 and change[a - 1] == tc:
                sign[a:b], sweep[a:b] = sign[a - 1], sweep[a - 1]
            elif b < n:
                sign[a:b], sweep[a:b] = sign[b], sweep[b]
        sweep = np.unique(sweep, return_inverse=True)[1].astype(np.int64)
    direction = np.array([names[-1], names[0], names[1]])[sign.astype(np.int64) + 1]

    out["sweep"] = ("point", sweep, {"long_name": f"sweep index (segmented by {by})"})
    out["direction"] = ("point", direction, {"long_name": f"{by} sweep direction"})
    out["temperature_cluster"] = (
        "point",
        tcl,
        {"long_name": "temperature set-point cluster (-1: no temperature)"},
    )
    out["temperature_setpoint_K"] = (
        "point",
        setpoint,
        {"units": "K", "long_name": "median temperature of the point's cluster"},
    )
    out["settling"] = (
        "point",
        settling,
        {"long_name": "settle-time transient or temperature not at set point (flag, kept)"},
    )
    out.attrs["segmented_by"] = by
    out.attrs["segment_tolerance"] = xtol
    return out
