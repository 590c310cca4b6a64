"""Private helpers shared by the R(T) and R(H) analyses: cleaning, branch splitting, crossings.

They work on plain NumPy arrays; the public functions in :mod:`tsclab.transport.tc` and
:mod:`tsclab.superconductivity.hc2` wrap them into result records.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError

__all__: list[str] = []


def _as_clean_xy(
    x: np.ndarray, y: np.ndarray, *, x_name: str, y_name: str, min_points: int = 4
) -> tuple[np.ndarray, np.ndarray, int]:
    """Return float copies of ``x``, ``y`` without the points where either is NaN/inf.

    Returns the number of dropped points as well. Raises :class:`ParameterError` for arrays of
    different shapes or too few finite points.
    """
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if x.shape != y.shape:
        raise ParameterError(
            y_name, f"shape {y.shape}", f"must have the shape of {x_name} {x.shape}"
        )
    keep = np.isfinite(x) & np.isfinite(y)
    n_dropped = int(x.size - keep.sum())
    if keep.sum() < min_points:
        raise ParameterError(
            y_name,
            f"{int(keep.sum())} finite points",
            f"need at least {min_points} points where {x_name} and {y_name} are both finite",
        )
    return x[keep], y[keep], n_dropped


@dataclass(frozen=True)
class _Branch:
    """A monotonic run of a swept variable: indices into the cleaned arrays."""

    index: np.ndarray
    direction: int  # +1 increasing, -1 decreasing


def _split_monotonic(x: np.ndarray, tol: float, min_points: int = 4) -> list[_Branch]:
    """Split a sweep into monotonic branches, ignoring reversals smaller than ``tol``.

    A turning point is declared when the sweep moves back from its running extreme by more than
    ``tol`` (hysteresis turn detection), so noise on a slow ramp does not split it. Points on a
    short plateau go with the branch they belong to in time order. Branches with fewer than
    ``min_points`` points are dropped.
    """
    n = x.size
    if n < 2:
        return [_Branch(np.arange(n), 1)] if n >= min_points else []
    cuts = [0]
    direction = 0
    ext_i = 0
    for i in range(1, n):
        if direction == 0:
            if abs(x[i] - x[0]) > tol:
                direction = 1 if x[i] > x[0] else -1
                ext_i = i
            continue
        if (x[i] - x[ext_i]) * direction >= 0:
            ext_i = i
        elif abs(x[i] - x[ext_i]) > tol:
            cuts.append(ext_i + 1)  # the extreme ends the old branch
            direction = -direction
            ext_i = i
    if direction == 0:
        return []  # never moved by more than tol: not a sweep
    cuts.append(n)
    out: list[_Branch] = []
    for a, b in itertools.pairwise(cuts):
        idx = np.arange(a, b)
        if idx.size < min_points:
            continue
        d = 1 if x[idx[-1]] >= x[idx[0]] else -1
        out.append(_Branch(idx, d))
    return out


def _sorted_unique(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort by ``x`` and average ``y`` over repeated ``x`` values."""
    order = np.argsort(x, kind="stable")
    xs, ys = x[order], y[order]
    ux, inv = np.unique(xs, return_inverse=True)
    if ux.size == xs.size:
        return xs, ys
    sums = np.bincount(inv, weights=ys)
    counts = np.bincount(inv)
    return ux, sums / counts


def _crossing_from_above(
    x: np.ndarray, y: np.ndarray, level: np.ndarray | float
) -> tuple[float | None, float | None]:
    """Largest ``x`` where ``y`` (sorted by increasing ``x``) falls through ``level``.

    Scans from the highest ``x`` down to the first point with ``y < level`` and interpolates
    linearly between it and its upper neighbour. Returns ``(x_cross, slope)`` with the local
    slope ``dy/dx`` there, or ``(None, None)`` if ``y`` never goes below ``level`` or already
    starts below it at the highest ``x``.
    """
    lev = np.broadcast_to(np.asarray(level, dtype=float), y.shape)
    below = y < lev
    if not below.any() or below[-1]:
        return None, None
    # last index (highest x) that is below, with an above-level neighbour right after it
    i = int(np.nonzero(below)[0][-1])
    x0, x1 = x[i], x[i + 1]
    d0, d1 = y[i] - lev[i], y[i + 1] - lev[i + 1]
    frac = d0 / (d0 - d1)
    xc = float(x0 + frac * (x1 - x0))
    slope = float((y[i + 1] - y[i]) / (x1 - x0)) if x1 != x0 else None
    return xc, slope


def _local_noise(y: np.ndarray) -> float:
    """Robust point-to-point noise of a smooth curve: MAD of second differences / sqrt(6).

    For white noise sigma, the second difference y[i-1] - 2 y[i] + y[i+1] has standard deviation
    sqrt(6) sigma; the MAD (scaled by 1.4826) makes it insensitive to the transition itself.
    """
    if y.size < 5:
        return 0.0
    d2 = y[:-2] - 2 * y[1:-1] + y[2:]
    mad = float(np.median(np.abs(d2 - np.median(d2))))
    return 1.4826 * mad / np.sqrt(6.0)
