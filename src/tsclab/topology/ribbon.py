r"""Ribbons (periodic in x, open in y) and their chiral Majorana edge modes.

The ribbon Hamiltonian is built generically from the model's lattice regularization: for a model
with nearest-neighbour range in y,

.. math::

    H(k_x, k_y) = H_0(k_x) + T(k_x)\,e^{ik_y} + T(k_x)^\dagger e^{-ik_y},

and :math:`H_0, T` follow from three samples :math:`k_y = 0, \pi/2, \pi` (a fourth sample checks
the range; longer-range models are refused). The same decomposition of the BdG Hamiltonian gives
the hole block from the model's own ``bdg_hamiltonian`` (no hand-written conjugation). In real
space, with sites :math:`y = 0 \ldots W-1`, :math:`T` is the block in row y, column y+1
(PHYSICS.md §3.8: :math:`A\sin k_y \to (A/2i)\,\tau_z\sigma_x` as the coefficient of
:math:`\psi_{y+1}`; :math:`2B(2-\cos k_x-\cos k_y) \to` on-site :math:`2B(2-\cos k_x)` plus
hopping :math:`-B\tau_x`).

Structure used by :func:`ribbon_spectrum`:

* the ribbon matrix is banded (bandwidth :math:`2d-1` for d orbitals per site); eigenvalues in
  the window :math:`|E| < E_\mathrm{win}` come from LAPACK's banded solver
  (:func:`scipy.linalg.eig_banded` with ``select="v"``), eigenvectors of only those states from
  inverse iteration with a banded LU (block inverse iteration + Rayleigh–Ritz inside degenerate
  clusters);
* the number of eigenvalues in the window is first counted for every kx at once by Sylvester's
  law of inertia on a block LDL^T factorization (a block Sturm sequence, no diagonalization);
  only momenta with states in the window are diagonalized;
* particle–hole symmetry :math:`E(-k_x) = -E(k_x)` (with the same site densities): on a grid
  symmetric about 0 only :math:`k_x \ge 0` is diagonalized.

Chiral edge branches are counted per edge by their spectral flow (:func:`count_edge_modes`):
the velocity-weighted number of edge states passing through an energy window inside the gap,
each branch contributing the sign of its velocity, wherever in k it crosses. The recipe of
PHYSICS.md §3.8 (states with edge weight > 0.7 and 0 < E < Delta, counted at +k0 minus -k0)
is available as ``method="k0"``; it assumes that every branch crosses E = 0 between -k0 and
+k0 (true for the two-surface model, whose branches cross at k = 0; not for the thin film,
whose branches cross at finite k). In an N phase the lower edge gives N and the upper edge -N.

References
----------
X.-L. Qi, T. L. Hughes, S.-C. Zhang, PRB 82, 184516 (2010) (chiral Majorana edge modes, one per
unit of N); LAPACK Users' Guide (zhbevx, zgbtrf); PHYSICS.md §2.4, §3.8.

Examples
--------
>>> from tsclab.models import make_model
>>> m = make_model("two-surface", m0=0.2, lam=0.2062, delta_b=0.1)
>>> c = count_edge_modes(m, width=80)
>>> c.lower, c.upper
(-1, 1)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla
import xarray as xr

from ..errors import ParameterError
from ..spectra.kgrid import KMesh
from ..spectra.solvers import Kind, gap_on_mesh, hamiltonian_on_k
from ._lattice import as_lattice_model

__all__ = [
    "EdgeModeCount",
    "count_edge_modes",
    "ribbon_blocks",
    "ribbon_hamiltonian",
    "ribbon_spectrum",
]

_EDGE_WEIGHT = 0.7
_RANGE_TOL = 1e-10


def ribbon_blocks(model, kx, kind: Kind = "bdg") -> tuple[np.ndarray, np.ndarray]:
    """On-site block :math:`H_0(k_x)` and y-hopping :math:`T(k_x)` (row y, column y+1).

    Parameters
    ----------
    model
        Any tsclab lattice model with nearest-neighbour range in y.
    kx
        Momenta (rad), any shape.

    Returns
    -------
    h0, t
        Shapes ``(*kx.shape, d, d)``.

    Raises
    ------
    ParameterError
        When the model has longer range in y (or is not a lattice model).
    """
    kx = np.asarray(kx, dtype=float)
    model = as_lattice_model(model)

    def h(ky: float) -> np.ndarray:
        return hamiltonian_on_k(model, kx, np.full_like(kx, ky), kind)

    h_0, h_half, h_pi = h(0.0), h(np.pi / 2), h(np.pi)
    h0 = 0.5 * (h_0 + h_pi)
    s = 0.5 * (h_0 - h_pi)  # T + T^dagger
    a = -1j * (h_half - h0)  # T - T^dagger
    t = 0.5 * (s + a)
    probe = 0.7390851332  # a generic ky for the range check
    pred = h0 + t * np.exp(1j * probe) + np.conj(np.swapaxes(t, -1, -2)) * np.exp(-1j * probe)
    err = float(np.abs(h(probe) - pred).max(initial=0.0))
    if err > _RANGE_TOL * max(1.0, float(np.abs(h_0).max(initial=0.0))):
        raise ParameterError(
            "model", getattr(model, "name", "model"),
            "the ribbon needs a lattice model with nearest-neighbour range in y "
            f"(Fourier check failed by {err:.2e})",
        )  # fmt: skip
    return h0, t


def ribbon_hamiltonian(model, kx: float, width: int, kind: Kind = "bdg") -> np.ndarray:
    """Dense ribbon Hamiltonian at one kx, shape ``(width*d, width*d)`` (site-major order)."""
    width = _check_width(width)
    h0, t = ribbon_blocks(model, np.asarray(kx, dtype=float), kind)
    d = h0.shape[-1]
    out = np.zeros((width * d, width * d), dtype=complex)
    for y in range(width):
        out[y * d : (y + 1) * d, y * d : (y + 1) * d] = h0
        if y + 1 < width:
            out[y * d : (y + 1) * d, (y + 1) * d : (y + 2) * d] = t
            out[(y + 1) * d : (y + 2) * d, y * d : (y + 1) * d] = np.conj(t.T)
    return out


def _check_width(width) -> int:
    from ..spectra.kgrid import _check_count

    return _check_count("width", width, minimum=2)


def _upper_band(h0: np.ndarray, t: np.ndarray, width: int) -> np.ndarray:
    """Upper banded storage ab[u + i - j, j] = H[i, j] for a batch of kx, shape (nk, u+1, n)."""
    d = h0.shape[-1]
    n = width * d
    u = 2 * d - 1
    ab = np.zeros((h0.shape[0], u + 1, n), dtype=complex)
    for o in range(u + 1):
        i = np.arange(n - o)
        j = i + o
        al, be = i % d, j % d
        jump = (j // d) - (i // d)  # 0: on-site block, 1: hopping block, 2: outside the band
        vals = np.where(jump[None, :] == 0, h0[:, al, be], t[:, al, be])
        vals = np.where(jump[None, :] <= 1, vals, 0.0)
        ab[:, u - o, o:] = vals
    return ab


def _full_band(ab: np.ndarray) -> np.ndarray:
    """Upper Hermitian band (u+1, n) -> general band (2u+1, n) for LU: gb[u + i - j, j]."""
    u1, n = ab.shape
    u = u1 - 1
    gb = np.zeros((2 * u + 1, n), dtype=complex)
    gb[: u + 1] = ab
    for o in range(1, u + 1):  # lower part: H[j+o, j] = conj(H[j, j+o])
        gb[u + o, : n - o] = np.conj(ab[u - o, o:])
    return gb


def _band_matvec(ab: np.ndarray, x: np.ndarray) -> np.ndarray:
    u = ab.shape[0] - 1
    n = ab.shape[1]
    y = ab[u][:, None] * x
    for o in range(1, u + 1):
        diag = ab[u - o, o:][:, None]  # H[i, i+o], i = 0..n-o-1
        y[: n - o] += diag * x[o:]
        y[o:] += np.conj(diag) * x[: n - o]
    return y


_gbtrf, _gbtrs = sla.get_lapack_funcs(("gbtrf", "gbtrs"), dtype=complex)


def _eigvecs_inverse_iteration(
    ab: np.ndarray, energies: np.ndarray, rng: np.random.Generator, n_iter: int = 2
) -> np.ndarray:
    """Eigenvectors of the banded Hermitian matrix for the given (selected) eigenvalues."""
    u = ab.shape[0] - 1
    n = ab.shape[1]
    gb = _full_band(ab)
    scale = max(1.0, float(np.abs(ab).max()))
    vecs = np.empty((n, energies.size), dtype=complex)
    if energies.size == 0:
        return vecs
    # clusters of (nearly) degenerate eigenvalues are treated as one block
    cut = np.flatnonzero(np.diff(energies) > 1e-7 * scale) + 1
    for block in np.split(np.arange(energies.size), cut):
        sigma = float(energies[block].mean()) + 1e-11 * scale
        lu_ab = np.zeros((3 * u + 1, n), dtype=complex)
        lu_ab[u:] = gb
        lu_ab[2 * u] -= sigma  # the diagonal of H - sigma
        lu, piv, _info = _gbtrf(lu_ab, u, u)
        x = rng.standard_normal((n, block.size)) + 0j
        for _ in range(n_iter):
            x, _info = _gbtrs(lu, u, u, x, piv)
            x, _ = np.linalg.qr(x)
        if block.size > 1:  # Rayleigh-Ritz inside the cluster
            hx = _band_matvec(ab, x)
            _, w = np.linalg.eigh(np.conj(x.T) @ hx)
            x = x @ w
        vecs[:, block] = x
    return vecs


def _diagonalize(ab_k: np.ndarray, window, rng, want_vectors: bool):
    lo, hi = (-window, window) if np.ndim(window) == 0 else window
    w = sla.eig_banded(ab_k, select="v", select_range=(lo, hi), eigvals_only=True,
                       check_finite=False)  # fmt: skip
    if not want_vectors or w.size == 0:
        return w, None
    return w, _eigvecs_inverse_iteration(ab_k, w, rng)


def _negative_count(h0: np.ndarray, t: np.ndarray, width: int, sigma: float) -> np.ndarray:
    """Number of eigenvalues below ``sigma`` of each ribbon (batched over kx), by inertia.

    Block LDL^T of the block-tridiagonal ribbon: D_0 = H_0 - sigma, D_{y+1} = H_0 - sigma -
    T^dagger D_y^{-1} T; by Sylvester's law of inertia the number of negative eigenvalues of
    H - sigma is the sum of those of the D_y (block Sturm sequence).
    """
    eye = np.eye(h0.shape[-1])
    a = h0 - sigma * eye
    th = np.conj(np.swapaxes(t, -1, -2))
    dmat = a
    count = np.zeros(h0.shape[0], dtype=int)
    for _ in range(width - 1):
        count += (np.linalg.eigvalsh(dmat) < 0).sum(axis=-1)
        dmat = a - th @ np.linalg.solve(dmat, t)
        dmat = 0.5 * (dmat + np.conj(np.swapaxes(dmat, -1, -2)))
    count += (np.linalg.eigvalsh(dmat) < 0).sum(axis=-1)
    return count


def _count_in_window(h0: np.ndarray, t: np.ndarray, width: int, window) -> np.ndarray:
    """Eigenvalues in (-window, window) (or (lo, hi)) per kx (Sylvester inertia)."""
    lo, hi = (-window, window) if np.ndim(window) == 0 else window
    return _negative_count(h0, t, width, hi) - _negative_count(h0, t, width, lo)


@dataclass(frozen=True)
class EdgeModeCount:
    """Chiral edge branches per edge (PHYSICS.md §3.8).

    Attributes
    ----------
    lower, upper
        Net chiral branches on the lower (y < W/3) and upper (y >= W - W/3) edge.
    method
        ``"spectral_flow"`` (default) or ``"k0"`` (see :func:`count_edge_modes`).
    raw_lower, raw_upper
        The counts before rounding (spectral flow) or the integer counts (k0).
    energy_window
        Half-width of the energy window of the count (eV).
    bulk_gap
        Bulk quasiparticle gap min|E| on the reference mesh (eV).
    k0
        Momentum of the k0 count (rad), None for the spectral flow.
    """

    lower: int
    upper: int
    method: str
    raw_lower: float
    raw_upper: float
    energy_window: float
    bulk_gap: float
    k0: float | None = None

    def to_dict(self) -> dict:
        return {
            "lower": self.lower,
            "upper": self.upper,
            "method": self.method,
            "raw_lower": self.raw_lower,
            "raw_upper": self.raw_upper,
            "energy_window": self.energy_window,
            "bulk_gap": self.bulk_gap,
            "k0": self.k0,
        }


def _bulk_gap(model, kind: Kind, nk: int = 96) -> tuple[float, float]:
    """Bulk quasiparticle gap min|E| on an nk x nk mesh and the velocity at its minimum.

    The velocity is max(||dH/dkx||_2) at the mesh point of the smallest gap: the scale of the
    edge-branch velocities (which cross zero at the projection of that point).
    """
    mesh = KMesh.uniform(nk)
    g = gap_on_mesh(model, mesh, kind)
    kx0, ky0 = float(mesh.kx[int(g.argmin[0])]), float(mesh.ky[int(g.argmin[1])])
    step = 1e-4
    dh = (hamiltonian_on_k(model, kx0 + step, ky0, kind)
          - hamiltonian_on_k(model, kx0 - step, ky0, kind)) / (2 * step)  # fmt: skip
    return float(g.min_gap), float(np.linalg.norm(dh, 2))


def _edge_weights(vecs: np.ndarray, width: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    dens = (np.abs(vecs) ** 2).reshape(width, d, -1).sum(axis=1)
    third = width // 3
    return dens[:third].sum(axis=0), dens[width - third :].sum(axis=0)


def count_edge_modes(
    model,
    width: int = 80,
    *,
    method: str = "spectral_flow",
    k0: float | None = None,
    weight_threshold: float = _EDGE_WEIGHT,
    bulk_gap: float | None = None,
    samples_per_branch: int = 8,
    seed: int = 0,
) -> EdgeModeCount:
    """Count chiral Majorana branches per edge of a BdG ribbon.

    Two methods:

    ``"spectral_flow"`` (default; works wherever the branches cross E = 0)
        For each edge, :math:`\\nu = \\int dk_x \\sum_n w_n(k)\\,\\partial_k E_n(k)\\,
        f(E_n(k))` with the smooth window
        :math:`f(E) = \\cos^2[\\pi (E - E_c)/2\\epsilon]/\\epsilon` on
        :math:`|E - E_c| < \\epsilon`, :math:`E_c = \\Delta_\\mathrm{qp}/2`,
        :math:`\\epsilon = 0.4\\Delta_\\mathrm{qp}` (:math:`\\int f\\,dE = 1`; away from E = 0,
        where the branches of the two edges meet and hybridize in a finite ribbon) and
        :math:`w_n` the state's weight on that half of the ribbon (y < W/2 or y >= W/2); each
        branch crossing the window contributes :math:`\\pm 1`, a counter-propagating pair 0.
        Velocities from Hellmann–Feynman :math:`\\langle\\psi|\\partial_k H|\\psi\\rangle`;
        the k range is located by inertia counts on a coarse grid and sampled with
        ``samples_per_branch`` points across the window.
    ``"k0"`` (PHYSICS.md §3.8)
        :math:`n_\\mathrm{edge}(0 < E < \\Delta, +k_0) - n_\\mathrm{edge}(0 < E < \\Delta, -k_0)`
        over states with edge weight > ``weight_threshold``; correct only when every branch
        crosses E = 0 between :math:`-k_0` and :math:`k_0` (e.g. at k = 0, the two-surface
        model). Default :math:`k_0` = (1/4, 1/2, 1) :math:`\\Delta/v`, keeping the one that counts
        the most edge states.

    Parameters
    ----------
    model
        Lattice model (BdG).
    width
        Ribbon width in sites (must exceed the edge-state decay length v/gap many times).
    method
        ``"spectral_flow"`` or ``"k0"``.
    k0
        Momentum of the ``"k0"`` count (rad).
    weight_threshold
        Minimum edge weight of a state counted by ``"k0"``.
    bulk_gap
        Bulk quasiparticle gap min|E| (eV); computed on a 96 x 96 mesh when None.
    samples_per_branch
        k points across the energy window per branch (spectral flow; the rounding error per
        branch is about 2 / samples_per_branch).

    Returns
    -------
    EdgeModeCount
    """
    width = _check_width(width)
    if method not in ("spectral_flow", "k0"):
        raise ParameterError("method", method, "use 'spectral_flow' or 'k0'")
    model = as_lattice_model(model)
    gap, vel = _bulk_gap(model, "bdg")
    if bulk_gap is not None:
        gap = float(bulk_gap)
    if not gap > 0:
        raise ParameterError("bulk_gap", gap, "the bulk is gapless: no edge-mode count")
    rng = np.random.default_rng(seed)
    if method == "spectral_flow":
        lo, up = _spectral_flow(model, width, gap, vel, rng, int(samples_per_branch))
        return EdgeModeCount(round(lo), round(up), method, lo, up, 0.9 * gap, gap)
    if k0 is None:
        base = gap / vel if vel > 0 else 0.04
        candidates = [min(f * base, 0.5) for f in (0.25, 0.5, 1.0)]
    else:
        candidates = [k0]
    for k in candidates:
        if not np.isfinite(k) or k <= 0 or k >= np.pi:
            raise ParameterError("k0", k, "must lie in (0, pi)")
    best = None
    for k in candidates:
        lower, upper, n_states = _count_at(model, width, k, gap, weight_threshold, rng)
        if best is None or n_states > best[2]:
            best = (lower, upper, n_states, k)
    return EdgeModeCount(best[0], best[1], method, best[0], best[1], gap, gap, float(best[3]))


def _half_weights(vecs: np.ndarray, width: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """Weights on the lower (y < W/2) and upper half of the ribbon."""
    dens = (np.abs(vecs) ** 2).reshape(width, d, -1).sum(axis=1)
    low = dens[: width // 2].sum(axis=0)
    return low, dens.sum(axis=0) - low


def _spectral_flow(model, width, gap, vel, rng, samples) -> tuple[float, float]:
    """Velocity-weighted edge counts through the window |E| < gap/2 (see count_edge_modes)."""
    if samples < 2:
        raise ParameterError("samples_per_branch", samples, "must be >= 2")
    # window centred at E_c = gap/2, half-width 0.4 gap: inside the gap and away from E = 0,
    # where branches of the two edges meet and hybridize across a finite ribbon
    centre, half = 0.5 * gap, 0.4 * gap
    window = (centre - half, centre + half)
    v = max(vel, 1e-12)
    # coarse grid: spacing <= half / v, so a branch's k range in the window holds >= 2 points
    n_coarse = int(np.clip(np.ceil(2 * np.pi * v / half), 128, 8192))
    coarse = -np.pi + 2 * np.pi * np.arange(n_coarse) / n_coarse
    h0, t = ribbon_blocks(model, coarse, "bdg")
    marked = _count_in_window(h0, t, width, window) > 0
    if not marked.any():
        return 0.0, 0.0
    near = marked | np.roll(marked, 1) | np.roll(marked, -1)
    # one global fine grid (no point counted twice), restricted to the marked coarse cells
    dk = 2 * half / (samples * v)
    n_fine = int(np.ceil(2 * np.pi / dk))
    dk = 2 * np.pi / n_fine
    fine = -np.pi + dk * np.arange(n_fine)
    cell = np.rint((fine + np.pi) / (2 * np.pi / n_coarse)).astype(int) % n_coarse
    fine = fine[near[cell]]
    h0, t = ribbon_blocks(model, fine, "bdg")
    has = _count_in_window(h0, t, width, window) > 0
    fine, h0, t = fine[has], h0[has], t[has]
    step = 1e-6
    hp, tp = ribbon_blocks(model, fine + step, "bdg")
    hm, tm = ribbon_blocks(model, fine - step, "bdg")
    ab = _upper_band(h0, t, width)
    dab = (_upper_band(hp, tp, width) - _upper_band(hm, tm, width)) / (2 * step)
    d = h0.shape[-1] if h0.size else 1
    lower = upper = 0.0
    for ab_k, dab_k in zip(ab, dab, strict=True):
        w, vecs = _diagonalize(ab_k, window, rng, True)
        if w.size == 0:
            continue
        # smooth window f(E) = cos^2(pi E / 2 eps) / eps, integral 1: the k sum of v f(E) over
        # a branch converges fast (a sharp window would leave O(v dk / eps) errors)
        x = w - centre
        f = np.where(np.abs(x) < half, np.cos(np.pi * x / (2 * half)) ** 2 / half, 0.0)
        vn = np.real(np.sum(np.conj(vecs) * _band_matvec(dab_k, vecs), axis=0))
        low, up = _half_weights(vecs, width, d)
        lower += float(np.sum(low * vn * f)) * dk
        upper += float(np.sum(up * vn * f)) * dk
    return lower, upper


def _count_at(model, width, k0, gap, weight_threshold, rng) -> tuple[int, int, int]:
    """Net chiral counts per edge at +-k0 and the number of edge states counted."""
    h0, t = ribbon_blocks(model, np.array([k0, -k0]), "bdg")
    d = h0.shape[-1]
    ab = _upper_band(h0, t, width)
    lower = upper = n_states = 0
    for sign, ab_k in zip((1, -1), ab, strict=True):
        w, v = _diagonalize(ab_k, gap, rng, True)
        if w.size == 0:
            continue
        low, up = _edge_weights(v, width, d)
        pos = (w > 0) & (w < gap)
        n_low = int(np.sum(pos & (low > weight_threshold)))
        n_up = int(np.sum(pos & (up > weight_threshold)))
        lower += sign * n_low
        upper += sign * n_up
        n_states += n_low + n_up
    return lower, upper, n_states


def ribbon_spectrum(
    model,
    width: int = 100,
    nk: int = 201,
    *,
    kx: np.ndarray | None = None,
    kx_max: float = np.pi,
    energy_window: float | None = None,
    use_particle_hole: bool = True,
    count: bool = True,
    seed: int = 0,
) -> xr.Dataset:
    """Low-energy BdG spectrum of a ribbon with edge weights (and the edge-mode count).

    Parameters
    ----------
    model
        Lattice model (BdG).
    width
        Sites across the ribbon.
    nk
        Number of kx points on ``[-kx_max, kx_max]`` (used when ``kx`` is None).
    kx_max
        Half-range of the kx grid (rad); the whole zone by default.
    kx
        Explicit momenta (rad).
    energy_window
        Keep states with :math:`|E|` below it (eV); default twice the bulk quasiparticle gap.
    use_particle_hole
        Diagonalize only :math:`k_x \\ge 0` when the grid is symmetric (E(-k) = -E(k)).
    count
        Also count the chiral edge branches (:func:`count_edge_modes`).

    Returns
    -------
    xarray.Dataset
        Over dim ``state`` (all kept states, flattened): ``kx`` (rad), ``energy`` (eV),
        ``weight_lower``, ``weight_upper``; attrs ``width``, ``bulk_gap`` and the edge counts.

    Examples
    --------
    >>> from tsclab.models import make_model
    >>> ds = ribbon_spectrum(make_model("two-surface", m0=0.2, lam=0.2062, delta_b=0.1),
    ...                      width=80, nk=21)
    >>> int(ds.attrs["edge_modes_lower"]), int(ds.attrs["edge_modes_upper"])
    (-1, 1)
    """
    width = _check_width(width)
    if not np.isfinite(kx_max) or not 0 < kx_max <= np.pi:
        raise ParameterError("kx_max", kx_max, "must lie in (0, pi]")
    kx = np.linspace(-kx_max, kx_max, int(nk)) if kx is None else np.asarray(kx, dtype=float)
    if kx.ndim != 1 or kx.size < 1:
        raise ParameterError("kx", kx.shape, "a 1D array of momenta is required")
    model = as_lattice_model(model)
    gap, _ = _bulk_gap(model, "bdg")
    window = 2 * gap if energy_window is None else float(energy_window)
    if not np.isfinite(window) or window <= 0:
        raise ParameterError("energy_window", energy_window, "must be > 0")
    rng = np.random.default_rng(seed)
    symmetric = use_particle_hole and np.allclose(np.sort(kx), np.sort(-kx), atol=1e-12)
    # partner[i]: the grid index of -kx[i]; a point that is its own partner (kx = 0) is not copied
    partner = np.abs(kx[:, None] + kx[None, :]).argmin(axis=1)
    todo = np.flatnonzero(kx >= kx[partner]) if symmetric else np.arange(kx.size)
    h0, t = ribbon_blocks(model, kx[todo], "bdg")
    d = h0.shape[-1]
    ab = _upper_band(h0, t, width)
    # only kx with states in the window are diagonalized (inertia count first)
    n_in = _count_in_window(h0, t, width, window)
    ks, es, wl, wu = [], [], [], []
    for idx, ab_k, n_k in zip(todo, ab, n_in, strict=True):
        if n_k == 0:
            continue
        w, v = _diagonalize(ab_k, window, rng, True)
        if w.size == 0:
            continue
        low, up = _edge_weights(v, width, d)
        ks.append(np.full(w.size, kx[idx]))
        es.append(w)
        wl.append(low)
        wu.append(up)
        if symmetric and partner[idx] != idx:  # partner at -kx: -E, same site densities
            ks.append(np.full(w.size, kx[partner[idx]]))
            es.append(-w[::-1])
            wl.append(low[::-1])
            wu.append(up[::-1])
    cat = lambda a: np.concatenate(a) if a else np.zeros(0)  # noqa: E731
    attrs = {
        "model": getattr(model, "name", type(model).__name__),
        "width": width,
        "nk": int(kx.size),
        "kx_max": float(np.abs(kx).max()),
        "bulk_gap": gap,
        "energy_window": window,
        "edge_definition": "lower: y < W/3, upper: y >= W - W/3 (W/3 rounded down)",
        "particle_hole_used": int(symmetric),
    }
    if count:
        c = count_edge_modes(model, width, bulk_gap=gap, seed=seed)
        attrs.update(edge_modes_lower=c.lower, edge_modes_upper=c.upper,
                     edge_count_method=c.method, edge_count_raw_lower=c.raw_lower,
                     edge_count_raw_upper=c.raw_upper)  # fmt: skip
    ds = xr.Dataset(
        {
            "energy": ("state", cat(es), {"units": "eV", "long_name": "BdG energy"}),
            "weight_lower": ("state", cat(wl), {"units": "1",
                                                "long_name": "weight on the lower edge"}),
            "weight_upper": ("state", cat(wu), {"units": "1",
                                                "long_name": "weight on the upper edge"}),
        },
        coords={"kx": ("state", cat(ks), {"units": "rad", "long_name": "kx"})},
        attrs=attrs,
    )  # fmt: skip
    return ds.sortby(["kx", "energy"])
