r"""Chern numbers by the Fukui–Hatsugai–Suzuki (FHS) lattice method.

For a periodic mesh :math:`\{k_{ij}\}` (uniform or any tensor-product mesh wrapping the torus) and
the occupied states :math:`|u_n(k)\rangle` (BdG: the negative-energy half of the bands; normal
state: the bands below :math:`E = 0`, i.e. below :math:`\mu`, since :math:`h` contains
:math:`-\mu`), the link variables are

.. math::

    U_\mu(k) = \det\langle u_m(k)|u_n(k+\hat\mu)\rangle / |\det\ldots|, \qquad \mu = x, y,

the plaquette flux is

.. math::

    F(k) = \arg\left[U_x(k)\,U_y(k+\hat x)\,U_x(k+\hat y)^*\,U_y(k)^*\right] \in (-\pi, \pi],

and :math:`N = \frac{1}{2\pi}\sum_k F(k)`, an integer for any mesh. With this orientation the
two-surface model in its QAH phase has :math:`C = -\mathrm{sign}\,\lambda` (tsclab convention).

Resolution criterion
--------------------
The sum is an integer for any mesh, but it is the Chern number only when no plaquette holds a
flux near :math:`\pm\pi`. A massive Dirac cone of mass :math:`m` (= the gap
:math:`\min|E|`) and velocity :math:`v` concentrates flux :math:`\approx\pi` within
:math:`|k| \lesssim m/v`; if that disc is smaller than a plaquette the flux of one plaquette
approaches :math:`\pi`. Gaps are reported as ``min_gap`` :math:`= 2\min_{k,n}|E_n(k)|`, the
width of the window around :math:`E = 0` free of states (for BdG the quasiparticle excitation
gap). Because a mesh minimum can miss a closing between mesh points (PHYSICS.md §2.3
pitfall), the smallest local minima of :math:`|E|` on the mesh are refined
(:func:`tsclab.spectra.refine_gap`), giving ``min_gap_refined``. A result is flagged
**unresolved** when

.. math::

    \tfrac12\,\mathrm{min\_gap\_refined} < f\, v\, \Delta k,
    \qquad f = 0.25 \text{ (default ``resolution_factor``)},

with :math:`v = \max_\mu \|\partial_{k_\mu} H\|_2` at the mesh point of the smallest gap (an upper
bound of the band velocities there) and :math:`\Delta k` the largest mesh spacing around that
point. At :math:`m = v\,\Delta k/4` a cone centred in a plaquette puts about :math:`0.6\pi` into
it, so resolved results have every plaquette flux well inside :math:`(-\pi, \pi)`. The flag is
conservative for closings at mesh vertices (e.g. :math:`\Gamma` on an even uniform mesh), where
the flux splits over four plaquettes.

References
----------
T. Fukui, Y. Hatsugai, H. Suzuki, J. Phys. Soc. Jpn. 74, 1674 (2005);
X.-L. Qi, T. L. Hughes, S.-C. Zhang, PRB 82, 184516 (2010) (BdG Chern number N, N = 2C).

Examples
--------
>>> from tsclab.models import make_model
>>> r = chern_number(make_model("two-surface", m0=0.2, lam=0.3), nk=48, kind="normal")
>>> r.N, r.resolved
(-1, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ..errors import ParameterError
from ..results import Result
from ..spectra.kgrid import KMesh
from ..spectra.solvers import Kind, eigh_batched, hamiltonian_on_k, refine_gap
from ..units import H_OVER_E2_OHM
from ._lattice import as_lattice_model

__all__ = [
    "ChernResult",
    "chern_number",
    "fhs_flux",
    "hall_conductance_S",
    "resolution_threshold",
]

#: Default factor f of the resolution criterion min_gap < f * v * dk (see module docstring).
RESOLUTION_FACTOR = 0.25
#: Overlap determinants below this magnitude make a link variable undefined (degenerate
#: crossing of occupied and empty states between neighbouring mesh points).
_LINK_FLOOR = 1e-10


def fhs_flux(u: np.ndarray) -> tuple[np.ndarray, float]:
    """FHS plaquette fluxes of occupied states on a periodic mesh, batched.

    Parameters
    ----------
    u
        Occupied eigenvectors as columns, shape ``(..., nkx, nky, dim, n_occ)``; the mesh wraps
        (point ``nkx`` is point 0).

    Returns
    -------
    flux
        :math:`F(k) \\in (-\\pi, \\pi]`, shape ``(..., nkx, nky)``; ``N = flux.sum((-2,-1))/2pi``.
    min_link
        Smallest :math:`|\\det\\langle u(k)|u(k+\\mu)\\rangle|` (near 0: the mesh is too coarse
        or the occupied set changes between neighbours).
    """
    uh = np.conj(np.swapaxes(u, -1, -2))
    ux = np.linalg.det(uh @ np.roll(u, -1, axis=-4))
    uy = np.linalg.det(uh @ np.roll(u, -1, axis=-3))
    min_link = float(min(np.abs(ux).min(), np.abs(uy).min()))
    # normalization is irrelevant for the argument; guard against exact zeros only
    plaq = ux * np.roll(uy, -1, axis=-2) * np.conj(np.roll(ux, -1, axis=-1)) * np.conj(uy)
    return np.angle(plaq), min_link


def resolution_threshold(velocity: float, dk: float, factor: float = RESOLUTION_FACTOR) -> float:
    """Smallest gap (eV) that the FHS mesh resolves: ``factor * velocity * dk``."""
    return float(factor * velocity * dk)


def hall_conductance_S(chern: int) -> float:
    """Hall conductance :math:`\\sigma_{xy} = C e^2/h` in siemens (TKNN, PRL 49, 405 (1982)).

    Examples
    --------
    >>> round(hall_conductance_S(-1) * 1e6, 4)
    -38.7405
    """
    return float(chern / H_OVER_E2_OHM)


@dataclass(frozen=True)
class ChernResult:
    """A Chern number with the numbers needed to trust it.

    Attributes
    ----------
    N
        The rounded Chern number, or None when undefined (normal-state metal, see ``flags``).
    raw
        :math:`\\frac{1}{2\\pi}\\sum F` before rounding.
    min_gap
        :math:`2\\min_{k,n}|E_n(k)|` over the mesh (eV): the gap around E = 0.
    min_gap_refined
        The same after refining the smallest local minima between mesh points (eV).
    gap_k
        ``(kx, ky)`` of the mesh point with the smallest gap (rad).
    velocity
        :math:`\\max_\\mu\\|\\partial_\\mu H\\|_2` at that point (eV rad^-1, lattice units).
    dk
        Largest mesh spacing around that point (rad).
    resolved
        ``min_gap_refined / 2 >= resolution_factor * velocity * dk`` (module docstring).
    max_flux
        Largest :math:`|F|` of a plaquette (rad); near :math:`\\pi` the result is unreliable.
    kind
        ``"bdg"`` (N over the negative-energy BdG bands) or ``"normal"`` (C below E = 0).
    n_occupied
        Number of bands summed.
    mesh_shape
        ``(nkx, nky)``.
    flags
        ``"unresolved"``, ``"metallic"`` (normal state with a Fermi surface on the mesh).
    """

    N: int | None
    raw: float | None
    min_gap: float
    min_gap_refined: float
    gap_k: tuple[float, float]
    velocity: float
    dk: float
    resolved: bool
    max_flux: float | None
    kind: str
    n_occupied: int
    mesh_shape: tuple[int, int]
    flags: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def sigma_xy_S(self) -> float | None:
        """Hall conductance C e^2/h in siemens (normal state; None when undefined)."""
        return None if self.N is None else hall_conductance_S(self.N)

    def to_results(self, sample: str = "") -> list[Result]:
        """Result records ``chern_N`` and ``min_gap_eV`` (conventions: result records)."""
        method = "topology.chern_number"
        crit = (
            f"FHS on {self.mesh_shape[0]}x{self.mesh_shape[1]} mesh, {self.kind}; resolved iff "
            f"min_gap_refined/2 >= {RESOLUTION_FACTOR}*v*dk"
        )
        extra = {
            "raw": self.raw,
            "min_gap_eV": self.min_gap,
            "min_gap_refined_eV": self.min_gap_refined,
            "velocity": self.velocity,
            "dk": self.dk,
            "max_flux": self.max_flux,
            "n_occupied": self.n_occupied,
        }
        flags = self.flags if self.N is not None or self.flags else ("undefined",)
        return [
            Result("chern_N", self.N, unit="", criterion=crit, method=method, sample=sample,
                   flags=flags, extra=extra),
            Result("min_gap_eV", self.min_gap, unit="eV",
                   criterion="2 min_k min_n |E_n(k)| on the mesh", method=method, sample=sample),
        ]  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "N": self.N,
            "raw": self.raw,
            "min_gap": self.min_gap,
            "min_gap_refined": self.min_gap_refined,
            "gap_k": list(self.gap_k),
            "velocity": self.velocity,
            "dk": self.dk,
            "resolved": self.resolved,
            "max_flux": self.max_flux,
            "kind": self.kind,
            "n_occupied": self.n_occupied,
            "mesh": list(self.mesh_shape),
            "flags": list(self.flags),
        }


def _velocity_at(model, kx: float, ky: float, kind: Kind, step: float = 1e-4) -> float:
    """max_mu ||dH/dk_mu||_2 at one k point (central differences; H is smooth in k)."""
    kx_s = np.array([kx + step, kx - step, kx, kx])
    ky_s = np.array([ky, ky, ky + step, ky - step])
    h = hamiltonian_on_k(model, kx_s, ky_s, kind)
    dx = (h[..., 0, :, :] - h[..., 1, :, :]) / (2 * step)
    dy = (h[..., 2, :, :] - h[..., 3, :, :]) / (2 * step)
    return float(max(np.linalg.norm(dx, 2, axis=(-2, -1)).max(),
                     np.linalg.norm(dy, 2, axis=(-2, -1)).max()))  # fmt: skip


def _smallest_local_minima(a: np.ndarray, kx, ky, count: int) -> np.ndarray:
    """(kx, ky) of the ``count`` smallest periodic local minima of ``a`` (nkx, nky)."""
    is_min = np.ones(a.shape, dtype=bool)
    for axis in (0, 1):
        for shift in (1, -1):
            is_min &= a <= np.roll(a, shift, axis=axis)
    idx = np.flatnonzero(is_min)
    idx = idx[np.argsort(a.ravel()[idx])][:count]
    return np.column_stack([kx.ravel()[idx], ky.ravel()[idx]])


def _local_dk(mesh: KMesh, ix: int, iy: int) -> float:
    sx, sy = mesh.spacings
    return float(max(sx[ix], sx[ix - 1], sy[iy], sy[iy - 1]))


def chern_number(
    model,
    nk: int = 120,
    *,
    mesh: KMesh | None = None,
    kind: Literal["bdg", "normal"] = "bdg",
    resolution_factor: float = RESOLUTION_FACTOR,
    n_refine: int = 4,
) -> ChernResult:
    """FHS Chern number of ``model`` (scalar parameters) on a k mesh.

    Parameters
    ----------
    model
        Any tsclab model (protocol of :mod:`tsclab.models.registry`).
    nk
        Uniform ``nk x nk`` mesh, used when ``mesh`` is None.
    mesh
        Any :class:`~tsclab.spectra.KMesh` (e.g. clustered near a gap minimum).
    kind
        ``"bdg"``: BdG Chern number N of the negative-energy bands; ``"normal"``: Chern number C
        of the bands below E = 0 (below :math:`\\mu`).
    resolution_factor
        f of the resolution criterion (module docstring).
    n_refine
        Number of smallest local minima of the gap refined between mesh points.

    Returns
    -------
    ChernResult

    Examples
    --------
    >>> from tsclab.models import make_model
    >>> m = make_model("two-surface", m0=0.2, lam=0.2062, delta_b=0.1)
    >>> r = chern_number(m, nk=60)
    >>> r.N, round(r.min_gap, 3), r.resolved
    (-1, 0.1, True)
    """
    if kind not in ("bdg", "normal"):
        raise ParameterError("kind", kind, "use 'bdg' or 'normal'")
    if (
        not isinstance(resolution_factor, int | float | np.floating)
        or not np.isfinite(resolution_factor)
        or resolution_factor <= 0
    ):
        raise ParameterError("resolution_factor", resolution_factor, "must be > 0")
    model = as_lattice_model(model)
    from ..spectra.kgrid import _check_count

    _check_count("n_refine", n_refine, minimum=1)
    mesh = KMesh.uniform(nk) if mesh is None else mesh
    kx, ky = mesh.grid()
    h = hamiltonian_on_k(model, kx, ky, kind)
    if h.ndim != 4:
        raise ParameterError(
            "model", "array parameters", "chern_number takes scalar parameters; "
            "use tsclab.topology.phase_diagram for sweeps"
        )  # fmt: skip
    e, v = eigh_batched(h)
    abse = np.abs(e).min(axis=-1)
    ix, iy = np.unravel_index(int(abse.argmin()), abse.shape)
    min_abs = float(abse[ix, iy])
    dim = e.shape[-1]
    flags: list[str] = []
    if kind == "bdg":
        n_occ = dim // 2
    else:
        counts = (e < 0).sum(axis=-1)
        n_occ = int(counts.flat[0])
        if np.any(counts != n_occ):
            flags.append("metallic")
    vel = _velocity_at(model, float(kx[ix, iy]), float(ky[ix, iy]), kind)
    dk = _local_dk(mesh, ix, iy)
    centers = _smallest_local_minima(abse, kx, ky, n_refine)
    refined, _ = refine_gap(model, centers, dk, kind)
    refined = min(refined, min_abs)
    resolved = refined >= resolution_threshold(vel, dk, resolution_factor)
    if not resolved:
        flags.append("unresolved")
    common = dict(
        min_gap=2 * min_abs, min_gap_refined=2 * refined,
        gap_k=(float(kx[ix, iy]), float(ky[ix, iy])), velocity=vel, dk=dk, kind=kind,
        n_occupied=n_occ, mesh_shape=mesh.shape,
    )  # fmt: skip
    if "metallic" in flags:
        return ChernResult(N=None, raw=None, resolved=False, max_flux=None, flags=tuple(flags),
                           **common)  # fmt: skip
    if n_occ == 0 or n_occ == dim:
        return ChernResult(N=0, raw=0.0, resolved=resolved, max_flux=0.0, flags=tuple(flags),
                           **common)  # fmt: skip
    flux, min_link = fhs_flux(v[..., :n_occ])
    if min_link < _LINK_FLOOR and "unresolved" not in flags:
        flags.append("unresolved")
        resolved = False
    raw = float(flux.sum() / (2 * np.pi))
    return ChernResult(
        N=round(raw), raw=raw, resolved=resolved, max_flux=float(np.abs(flux).max()),
        flags=tuple(flags), **common,
    )  # fmt: skip
