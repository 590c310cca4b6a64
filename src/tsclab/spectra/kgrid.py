r"""Momentum meshes: uniform periodic meshes, clustered tensor-product meshes, k paths.

A :class:`KMesh` is a tensor product :math:`\{k_x^i\} \times \{k_y^j\}` of two 1D axes that each
wrap the Brillouin-zone circle :math:`[-\pi, \pi)` (lattice units, lattice constant 1). Any such
mesh is a valid Fukui–Hatsugai–Suzuki mesh, uniform or not (Fukui, Hatsugai, Suzuki, J. Phys.
Soc. Jpn. 74, 1674 (2005)); clustering points near a gap minimum resolves a small gap without
refining the whole zone (PHYSICS.md §3.1).

Examples
--------
>>> mesh = KMesh.uniform(4)
>>> mesh.kx.round(4).tolist()
[-3.1416, -1.5708, 0.0, 1.5708]
>>> round(mesh.dk_max, 4)
1.5708
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError

__all__ = ["KMesh", "clustered_axis", "k_path", "uniform_axis"]

_TWO_PI = 2 * np.pi

#: High-symmetry points of the square lattice (lattice units).
SQUARE_POINTS: dict[str, tuple[float, float]] = {
    "G": (0.0, 0.0),
    "X": (np.pi, 0.0),
    "Y": (0.0, np.pi),
    "M": (np.pi, np.pi),
}


def uniform_axis(n: int) -> np.ndarray:
    """``n`` equally spaced momenta on :math:`[-\\pi, \\pi)`, containing k = 0 for even ``n``.

    Parameters
    ----------
    n
        Number of points (at least 3).
    """
    n = _check_count("nk", n)
    return -np.pi + _TWO_PI * np.arange(n) / n


def clustered_axis(n: int, centers: Sequence[float] = (0.0,), strength: float = 4.0) -> np.ndarray:
    r"""``n`` momenta on :math:`[-\pi, \pi)` clustered near ``centers``.

    Points sit at equal steps of the cumulative distribution of the periodic density
    :math:`\rho(k) \propto 1 + \mathrm{strength}\sum_c \exp[-(1-\cos(k - c))/w^2]`,
    :math:`w = 0.25` rad, so the spacing near a centre is smaller than the uniform spacing by
    about ``1 + strength`` (the share of points near the centres grows with ``strength``).
    The first centre is itself a mesh point.

    Parameters
    ----------
    n
        Number of points.
    centers
        Momenta (rad) where points are concentrated.
    strength
        Extra point density at the centres (0 gives the uniform axis).

    Examples
    --------
    >>> ax = clustered_axis(32, (0.0,), strength=4.0)
    >>> bool(np.diff(ax).min() < 2 * np.pi / 32 / 3)
    True
    """
    n = _check_count("nk", n)
    if not np.isfinite(strength) or strength < 0:
        raise ParameterError("strength", strength, "must be >= 0")
    fine = np.linspace(-np.pi, np.pi, 64 * n + 1)
    width = 0.25  # rad: width of the clustering bump (independent of n, a smooth density)
    rho = 1.0 + strength * sum(
        np.exp(-(1 - np.cos(fine - c)) / width**2) for c in np.atleast_1d(centers)
    )
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (rho[1:] + rho[:-1]) * np.diff(fine))])
    cdf /= cdf[-1]
    # place points at equal steps of the cumulative density, starting at a centre so that the
    # centre itself is a mesh point (e.g. Gamma for k = 0 gap closings)
    c0 = float(np.atleast_1d(centers)[0]) if len(np.atleast_1d(centers)) else -np.pi
    s0 = np.interp(np.mod(c0 + np.pi, _TWO_PI) - np.pi, fine, cdf)
    s = np.mod(s0 + np.arange(n) / n, 1.0)
    k = np.interp(s, cdf, fine)
    k = np.where(k >= np.pi, k - _TWO_PI, k)
    return np.sort(k)


@dataclass(frozen=True)
class KMesh:
    """Tensor-product mesh wrapping the Brillouin zone.

    Attributes
    ----------
    kx, ky
        Strictly increasing 1D momenta (rad, lattice units) in :math:`[-\\pi, \\pi)`.
    """

    kx: np.ndarray
    ky: np.ndarray

    def __post_init__(self) -> None:
        for name in ("kx", "ky"):
            ax = np.asarray(getattr(self, name), dtype=float)
            if ax.ndim != 1 or ax.size < 3:
                raise ParameterError(name, ax.shape, "a mesh axis needs at least 3 points")
            if not np.all(np.diff(ax) > 0) or ax[-1] - ax[0] >= _TWO_PI:
                raise ParameterError(
                    name, "axis", "mesh axes must increase strictly within one period 2 pi"
                )
            object.__setattr__(self, name, ax)

    @classmethod
    def uniform(cls, nk: int, nky: int | None = None) -> KMesh:
        """Uniform ``nk x nky`` mesh (``nky`` defaults to ``nk``)."""
        return cls(uniform_axis(nk), uniform_axis(nk if nky is None else nky))

    @classmethod
    def clustered(
        cls, nk: int, centers: Sequence[tuple[float, float]] = ((0.0, 0.0),), strength: float = 4.0
    ) -> KMesh:
        """Mesh with points concentrated near the given ``(kx, ky)`` points."""
        cx = tuple(c[0] for c in centers)
        cy = tuple(c[1] for c in centers)
        return cls(clustered_axis(nk, cx, strength), clustered_axis(nk, cy, strength))

    @property
    def shape(self) -> tuple[int, int]:
        return (self.kx.size, self.ky.size)

    @property
    def spacings(self) -> tuple[np.ndarray, np.ndarray]:
        """Periodic spacings ``k[i+1] - k[i]`` (the last one wraps through 2 pi)."""
        return tuple(np.diff(np.append(a, a[0] + _TWO_PI)) for a in (self.kx, self.ky))

    @property
    def dk_max(self) -> float:
        """Largest spacing along either axis (rad)."""
        sx, sy = self.spacings
        return float(max(sx.max(), sy.max()))

    def grid(self) -> tuple[np.ndarray, np.ndarray]:
        """``(KX, KY)`` of shape ``(nkx, nky)`` (``indexing="ij"``)."""
        return np.meshgrid(self.kx, self.ky, indexing="ij")

    def is_uniform(self) -> bool:
        sx, sy = self.spacings
        return bool(np.allclose(sx, sx[0]) and np.allclose(sy, sy[0]))


def k_path(
    points: Sequence[str | tuple[float, float]] = ("G", "X", "M", "G"), n: int = 201
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[float, str]]]:
    """Piecewise-straight path through high-symmetry points of the square lattice.

    Parameters
    ----------
    points
        Names (``"G"``, ``"X"``, ``"Y"``, ``"M"``) or ``(kx, ky)`` tuples.
    n
        Total number of points along the path.

    Returns
    -------
    kx, ky
        Momenta along the path (rad), shape ``(n,)``.
    s
        Accumulated path length (rad).
    ticks
        ``(s, label)`` at each vertex.

    Examples
    --------
    >>> kx, ky, s, ticks = k_path(("G", "X"), 3)
    >>> kx.round(4).tolist(), [t[1] for t in ticks]
    ([0.0, 1.5708, 3.1416], ['Γ', 'X'])
    """
    n = _check_count("n", n)
    if len(points) < 2:
        raise ParameterError("path", points, "a path needs at least two points")
    verts, labels = [], []
    for p in points:
        if isinstance(p, str):
            key = p.strip().upper().replace("GAMMA", "G")
            if key not in SQUARE_POINTS:
                raise ParameterError(
                    "path", p, f"unknown point; use {', '.join(SQUARE_POINTS)} or (kx, ky)"
                )
            verts.append(SQUARE_POINTS[key])
            labels.append("Γ" if key == "G" else key)
        else:
            verts.append((float(p[0]), float(p[1])))
            labels.append(f"({p[0]:.3g},{p[1]:.3g})")
    verts_a = np.asarray(verts)
    seg = np.linalg.norm(np.diff(verts_a, axis=0), axis=1)
    if np.any(seg == 0):
        raise ParameterError("path", points, "consecutive points must differ")
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    s = np.linspace(0.0, cum[-1], n)
    kx = np.interp(s, cum, verts_a[:, 0])
    ky = np.interp(s, cum, verts_a[:, 1])
    return kx, ky, s, list(zip(cum.tolist(), labels, strict=True))


def _check_count(name: str, n, minimum: int = 3) -> int:
    """``n`` as an int >= ``minimum``, or a ParameterError (never a bare Type/ValueError)."""
    try:
        ok = not isinstance(n, bool) and int(n) == n and n >= minimum
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ParameterError(name, n, f"must be an integer >= {minimum}")
    return int(n)
