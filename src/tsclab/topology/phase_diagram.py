r"""Topological phase diagrams over two parameters, by gap closings.

The BdG Chern number N can change only where the gap closes. :func:`phase_diagram` therefore

1. computes the gap :math:`a_p(k) = \min_n|E_n(k)|` at every grid point p and mesh point k
   (eigenvalues only, batched over parameters and k, on one k point per orbit of the symmetry
   group of :math:`|\mathrm{spec}\,H|`, see :mod:`tsclab.spectra.symmetry`);
2. joins neighbouring grid points p, q when the gap provably stays open on the mesh along the
   segment between them. For a Hamiltonian affine in the swept parameters,
   :math:`H(s) = H_p + t\,\Delta H`, Weyl's inequality gives
   :math:`|E_n(s,k) - E_n(p,k)| \le t\,\|\Delta H(k)\|_2`, so no eigenvalue crosses zero at k
   if :math:`a_p(k) + a_q(k) > \|\Delta H(k)\|_2`; the edge is kept when this holds at every
   mesh point;
3. labels the connected regions of that graph and computes the FHS Chern number
   (:mod:`tsclab.topology.chern`) at the resolved point of largest gap of each region, plus a few
   more resolved points as a consistency check (a region whose checks disagree is computed point
   by point);
4. flags every grid point whose gap is not resolved by the mesh (same criterion as
   :func:`~tsclab.topology.chern.chern_number`, after refining the gap minimum on a local grid).

Because the mesh projectors change continuously inside a region, the FHS integer is the same at
every resolved point of the region, which a test checks against :func:`brute_force_phase_diagram`
(FHS at every grid point). Where the Hamiltonian is not affine in a swept parameter (checked
numerically) no edges are drawn and every point is computed, i.e. the method falls back to brute
force.

References
----------
T. Fukui, Y. Hatsugai, H. Suzuki, J. Phys. Soc. Jpn. 74, 1674 (2005); H. Weyl, Math. Ann. 71,
441 (1912) (eigenvalue perturbation bound); PHYSICS.md §3.2.

Examples
--------
>>> import numpy as np
>>> from tsclab.models import make_model
>>> m = make_model("two-surface", m0=0.2, delta_b=0.1)
>>> ds = phase_diagram(m, ("lam", np.linspace(0, 0.4, 5)), ("mu", np.array([0.0])), nk=24)
>>> ds["N"].values[:, 0].tolist()
[0, 0, -1, -2, -2]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr

from ..errors import ParameterError
from ..spectra.kgrid import KMesh
from ..spectra.solvers import DEFAULT_CHUNK_BYTES, Kind, hamiltonian_on_k
from ..spectra.symmetry import D4_ELEMENTS, abs_spectrum_symmetries, mesh_orbits
from ._lattice import as_lattice_model
from .chern import RESOLUTION_FACTOR, fhs_flux

__all__ = ["brute_force_phase_diagram", "phase_diagram"]

_UNITS = "eV"
#: Relative / absolute safety margins of the edge test a_p + a_q > ||Delta H||.
_EDGE_RTOL = 1e-6
_EDGE_ATOL = 1e-12


# ----------------------------------------------------------------------------------------------
# Hamiltonians over (grid point, k point)
# ----------------------------------------------------------------------------------------------
@dataclass
class _Sweep:
    """Evaluates H at arbitrary (x, y) parameter values and k points, batched.

    When H is affine in (x, y) (checked numerically) it is assembled as
    H0(k) + (x - x0) Gx(k) + (y - y0) Gy(k), which is much cheaper than calling the model.
    """

    model: object
    xname: str
    yname: str
    x0: float
    y0: float
    kind: Kind
    affine: bool = False

    def _h(self, xv, yv, kx, ky) -> np.ndarray:
        m = self.model.with_params(**{self.xname: xv, self.yname: yv})
        return hamiltonian_on_k(m, kx, ky, self.kind)

    def check_affine(self, xs: np.ndarray, ys: np.ndarray, rng: np.random.Generator) -> bool:
        k = rng.uniform(-np.pi, np.pi, size=(2, 5))
        sx = float(np.ptp(xs)) or 1.0
        sy = float(np.ptp(ys)) or 1.0
        h0 = self._h(self.x0, self.y0, k[0], k[1])
        gx = (self._h(self.x0 + sx, self.y0, k[0], k[1]) - h0) / sx
        gy = (self._h(self.x0, self.y0 + sy, k[0], k[1]) - h0) / sy
        px = rng.uniform(xs.min(), xs.max(), 4)[:, None]
        py = rng.uniform(ys.min(), ys.max(), 4)[:, None]
        h = self._h(px, py, k[0], k[1])
        pred = h0 + (px - self.x0)[..., None, None] * gx + (py - self.y0)[..., None, None] * gy
        scale = max(1.0, float(np.abs(h).max()))
        self.affine = bool(np.abs(h - pred).max() <= 1e-10 * scale)
        return self.affine

    def prepare(self, kx: np.ndarray, ky: np.ndarray) -> tuple[np.ndarray, ...] | None:
        """(H0, Gx, Gy) on the given k points (affine case) or None."""
        if not self.affine:
            return None
        h0 = self._h(self.x0, self.y0, kx, ky)
        gx = self._h(self.x0 + 1.0, self.y0, kx, ky) - h0
        gy = self._h(self.x0, self.y0 + 1.0, kx, ky) - h0
        return h0, gx, gy

    def hamiltonian(self, xv, yv, kx, ky, parts=None) -> np.ndarray:
        """H at points (xv[i], yv[i]) and every k: shape (P, K..., d, d)."""
        xv = np.asarray(xv, dtype=float)
        yv = np.asarray(yv, dtype=float)
        if parts is not None:
            h0, gx, gy = parts
            ex = (slice(None),) + (None,) * (h0.ndim)
            return h0[None] + (xv - self.x0)[ex] * gx[None] + (yv - self.y0)[ex] * gy[None]
        kdims = np.ndim(kx)
        ex = (slice(None),) + (None,) * kdims
        return self._h(xv[ex], yv[ex], kx, ky)


def _resolve_axis(model, axis) -> tuple[str, np.ndarray]:
    try:
        name, values = axis
    except (TypeError, ValueError):
        raise ParameterError("axis", axis, "give (parameter name, values)") from None
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or values.size < 1 or not np.all(np.isfinite(values)):
        raise ParameterError(name, "values", "a 1D array of finite values is required")
    if name not in model.parameter_names():
        raise ParameterError(
            name, "axis", f"not a parameter of {model.name} (known: {model.parameter_names()})"
        )
    # some parameters fix the matrix structure (m, n_sub, lengths of profiles) and cannot be
    # arrays: probe once with two values instead of failing deep inside NumPy later
    try:
        model.with_params(**{name: values[:2].copy()}).hamiltonian(0.0, 0.0)
    except (TypeError, ValueError) as exc:
        raise ParameterError(name, "axis", f"cannot be swept as an array ({exc})") from None
    return name, values


def _parameter_units(name: str) -> str:
    """Units of a swept parameter: lengths end in _A, ratios and counts are pure numbers,
    every other model parameter is an energy (eV, or eV times powers of the lattice constant
    for A and B of the lattice models)."""
    if name.endswith("_A"):
        return "Angstrom"
    if "ratio" in name or name in ("m", "n_sub", "n_pair_sites"):
        return "1"
    return "eV"


def _velocity(sweep: _Sweep, xv, yv, kx, ky, parts_fn=None, step: float = 1e-4) -> np.ndarray:
    """max_mu ||dH/dk_mu||_2 at one k point per parameter point (central differences)."""
    kxs = np.stack([kx + step, kx - step, kx, kx], axis=-1)
    kys = np.stack([ky, ky, ky + step, ky - step], axis=-1)
    m = sweep.model.with_params(**{sweep.xname: xv[:, None], sweep.yname: yv[:, None]})
    h = hamiltonian_on_k(m, kxs, kys, sweep.kind)
    dx = (h[:, 0] - h[:, 1]) / (2 * step)
    dy = (h[:, 2] - h[:, 3]) / (2 * step)
    return np.maximum(np.linalg.norm(dx, 2, axis=(-2, -1)), np.linalg.norm(dy, 2, axis=(-2, -1)))


def _local_refine(sweep: _Sweep, xv, yv, kx, ky, half_width: float, n: int = 7) -> np.ndarray:
    """min |E| on an n x n local grid of half-width ``half_width`` around (kx, ky), per point."""
    off = np.linspace(-half_width, half_width, n)
    ox, oy = np.meshgrid(off, off, indexing="ij")
    kxs = kx[:, None, None] + ox
    kys = ky[:, None, None] + oy
    out = np.empty(xv.size)
    step = max(1, 4096 // (n * n))
    for i in range(0, xv.size, step):
        sl = slice(i, i + step)
        mm = sweep.model.with_params(
            **{sweep.xname: xv[sl, None, None], sweep.yname: yv[sl, None, None]}
        )
        h = hamiltonian_on_k(mm, kxs[sl], kys[sl], sweep.kind)
        out[sl] = np.abs(np.linalg.eigvalsh(h)).min(axis=(-1, -2, -3))
    return out


_METALLIC_ATTRS = {
    "units": "1",
    "long_name": "Fermi surface on the k mesh (normal state): N is not defined there",
}


def _metallic_points(sweep: _Sweep, xv, yv, mesh: KMesh, chunk_bytes: int) -> np.ndarray:
    """Normal state: True where the number of negative levels changes across the mesh (a
    Fermi surface), eigenvalues only."""
    kx, ky = mesh.grid()
    out = np.zeros(len(xv), dtype=bool)
    if len(xv) == 0:
        return out
    dim = sweep.hamiltonian(xv[:1], yv[:1], kx[:1, :1], ky[:1, :1]).shape[-1]
    step = max(1, chunk_bytes // (kx.size * dim * dim * 16 * 2))
    for i in range(0, len(xv), step):
        sl = slice(i, i + step)
        counts = (np.linalg.eigvalsh(sweep.hamiltonian(xv[sl], yv[sl], kx, ky)) < 0).sum(-1)
        counts = counts.reshape(counts.shape[0], -1)
        out[sl] = np.any(counts != counts[:, :1], axis=1)
    return out


def _fhs_points(
    sweep: _Sweep, xv, yv, mesh: KMesh, chunk_bytes: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Raw FHS sums, max plaquette flux and 'metallic' flags at parameter points (batched)."""
    kx, ky = mesh.grid()
    n_k = kx.size
    raw = np.empty(len(xv))
    max_flux = np.empty(len(xv))
    metallic = np.zeros(len(xv), dtype=bool)
    if len(xv) == 0:
        return raw, max_flux, metallic
    dim = sweep.hamiltonian(xv[:1], yv[:1], kx[:1, :1], ky[:1, :1]).shape[-1]
    step = max(1, chunk_bytes // (n_k * dim * dim * 16 * 3))
    for i in range(0, len(xv), step):
        sl = slice(i, i + step)
        h = sweep.hamiltonian(xv[sl], yv[sl], kx, ky)
        e, v = np.linalg.eigh(h)
        if sweep.kind == "bdg":
            n_occ = dim // 2
        else:
            counts = (e < 0).sum(axis=-1)
            n_occ_each = counts.reshape(counts.shape[0], -1)
            metallic[sl] = np.any(n_occ_each != n_occ_each[:, :1], axis=1)
            # points of one chunk may differ; handle them one by one
            for j in range(counts.shape[0]):
                n_occ = int(n_occ_each[j, 0])
                if n_occ in (0, dim):
                    raw[i + j], max_flux[i + j] = 0.0, 0.0
                    continue
                f, _ = fhs_flux(v[j, ..., :n_occ])
                raw[i + j] = f.sum() / (2 * np.pi)
                max_flux[i + j] = np.abs(f).max()
            continue
        f, _ = fhs_flux(v[..., :n_occ])
        raw[sl] = f.sum(axis=(-2, -1)) / (2 * np.pi)
        max_flux[sl] = np.abs(f).max(axis=(-2, -1))
    return raw, max_flux, metallic


def _setup(model, x, y, nk, mesh, kind):
    if kind not in ("bdg", "normal"):
        raise ParameterError("kind", kind, "use 'bdg' or 'normal'")
    model = as_lattice_model(model)
    xname, xs = _resolve_axis(model, x)
    yname, ys = _resolve_axis(model, y)
    if xname == yname:
        raise ParameterError("y", yname, "the two swept parameters must differ")
    mesh = KMesh.uniform(nk) if mesh is None else mesh
    sweep = _Sweep(model, xname, yname, float(xs[0]), float(ys[0]), kind)
    return model, xname, xs, yname, ys, mesh, sweep


def _gap_resolution(sweep, xv, yv, mesh, a_min, kmin_x, kmin_y, factor):
    """Velocity at the gap minimum, locally refined gap, and the resolved flag, per point."""
    dk = mesh.dk_max
    vel = _velocity(sweep, xv, yv, kmin_x, kmin_y)
    refined = np.minimum(a_min, _local_refine(sweep, xv, yv, kmin_x, kmin_y, dk))
    resolved = refined >= factor * vel * dk
    return vel, refined, resolved


def _attr_value(v):
    """A NetCDF-friendly attribute: float for numbers, str otherwise."""
    try:
        return float(np.asarray(v))
    except (TypeError, ValueError):
        return str(v)


def _dataset(model, xname, xs, yname, ys, mesh, kind, N, a_min, refined, resolved, vel,
             extra_vars, attrs) -> xr.Dataset:  # fmt: skip
    shape = (xs.size, ys.size)
    dims = (xname, yname)
    fixed = {
        p: _attr_value(getattr(model, p))
        for p in model.parameter_names()
        if p not in (xname, yname) and np.ndim(getattr(model, p)) == 0
    }
    ds = xr.Dataset(
        {
            "N": (
                dims,
                N.reshape(shape).astype(np.int64),
                {
                    "units": "1",
                    "long_name": "BdG Chern number"
                    if kind == "bdg"
                    else "Chern number (normal state)",
                },
            ),
            "min_gap": (
                dims,
                2 * a_min.reshape(shape),
                {"units": _UNITS, "long_name": "2 min_k min_n |E_n(k)| on the k mesh"},
            ),
            "min_gap_refined": (
                dims,
                2 * refined.reshape(shape),
                {"units": _UNITS, "long_name": "min_gap refined around its minimum"},
            ),
            "resolved": (
                dims,
                resolved.reshape(shape),
                {
                    "units": "1",
                    "long_name": "gap resolved by the k mesh",
                    "criterion": "min_gap_refined/2 >= resolution_factor*v*dk",
                },
            ),
            "velocity": (
                dims,
                vel.reshape(shape),
                {"units": "eV rad-1", "long_name": "max ||dH/dk|| at the gap minimum"},
            ),
            **{k: (dims, v.reshape(shape), a) for k, (v, a) in extra_vars.items()},
        },
        coords={
            xname: (xname, xs, {"units": _parameter_units(xname), "long_name": xname}),
            yname: (yname, ys, {"units": _parameter_units(yname), "long_name": yname}),
        },
        attrs={
            "model": getattr(model, "name", type(model).__name__),
            "kind": kind,
            "nk": int(mesh.shape[0]) if mesh.shape[0] == mesh.shape[1] else list(mesh.shape),
            "mesh_shape": list(mesh.shape),
            "mesh_uniform": int(mesh.is_uniform()),
            "fixed_parameters": str(fixed),
            **{f"param_{k}": v for k, v in fixed.items()},
            "fhs_orientation": "U_x(k) U_y(k+x) U_x(k+y)* U_y(k)* (Fukui-Hatsugai-Suzuki 2005)",
            **attrs,
        },
    )
    return ds


# ----------------------------------------------------------------------------------------------
def phase_diagram(
    model,
    x: tuple[str, Sequence[float]],
    y: tuple[str, Sequence[float]],
    nk: int = 48,
    *,
    mesh: KMesh | None = None,
    kind: Kind = "bdg",
    resolution_factor: float = RESOLUTION_FACTOR,
    checks_per_region: int = 2,
    use_symmetry: bool = True,
    seed: int = 0,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
) -> xr.Dataset:
    """Chern-number phase diagram over two parameters, by gap closings (module docstring).

    Parameters
    ----------
    model
        Any tsclab model; its other parameters stay fixed.
    x, y
        ``(name, values)`` of the two swept parameters (eV for energies).
    nk
        Uniform ``nk x nk`` BZ mesh per grid point (when ``mesh`` is None).
    mesh
        Any :class:`~tsclab.spectra.KMesh`.
    kind
        ``"bdg"`` (N) or ``"normal"`` (C).
    resolution_factor
        f of the resolution criterion (:mod:`tsclab.topology.chern`).
    checks_per_region
        FHS evaluations per region (the first at the largest gap; more are consistency checks).
    use_symmetry
        Compute gaps on one k point per orbit of the detected k-space symmetry group.
    seed
        Seed of the random probes (symmetry and affinity checks).

    Returns
    -------
    xarray.Dataset
        ``N`` (int), ``min_gap``, ``min_gap_refined`` (eV), ``resolved`` (bool), ``velocity``,
        ``region`` (int) and ``fhs_computed`` (bool) over dims ``(x, y)``; attrs: fixed
        parameters, ``nk``, counts of FHS evaluations.
    """
    model, xname, xs, yname, ys, mesh, sweep = _setup(model, x, y, nk, mesh, kind)
    rng = np.random.default_rng(seed)
    X, Y = np.meshgrid(xs, ys, indexing="ij")
    xv, yv = X.ravel(), Y.ravel()
    n_pts = xv.size
    sweep.check_affine(xs, ys, rng)

    # symmetry group of |spec H| over the whole grid (probe a sample of grid points)
    kx_full, ky_full = mesh.grid()
    if use_symmetry:
        probe = rng.choice(n_pts, size=min(n_pts, 8), replace=False)
        probe = np.unique(np.concatenate([probe, [0, n_pts - 1]]))
        m_probe = model.with_params(**{xname: xv[probe, None], yname: yv[probe, None]})
        group = abs_spectrum_symmetries(m_probe, kind=kind, seed=seed)
    else:
        group = (D4_ELEMENTS[0],)  # identity only
    reps, inverse = mesh_orbits(mesh, group)
    krx, kry = kx_full.ravel()[reps], ky_full.ravel()[reps]

    # 1. gap at every (grid point, orbit representative)
    parts = sweep.prepare(krx, kry)
    probe_h = sweep.hamiltonian(xv[:1], yv[:1], krx[:1], kry[:1])
    dim = probe_h.shape[-1]
    step = max(1, chunk_bytes // (reps.size * dim * dim * 16 * 2))
    a = np.empty((n_pts, reps.size))
    for i in range(0, n_pts, step):
        sl = slice(i, i + step)
        a[sl] = np.abs(np.linalg.eigvalsh(sweep.hamiltonian(xv[sl], yv[sl], krx, kry, parts))).min(
            -1
        )
    amin_idx = a.argmin(axis=1)
    a_min = a[np.arange(n_pts), amin_idx]
    vel, refined, resolved = _gap_resolution(
        sweep, xv, yv, mesh, a_min, krx[amin_idx], kry[amin_idx], resolution_factor
    )

    # 2. edges where the gap provably stays open on the mesh
    edges = []
    if sweep.affine:
        _h0, gx, gy = sweep.prepare(kx_full.ravel(), ky_full.ravel())
        for axis, (g, vals) in enumerate(((gx, xs), (gy, ys))):
            if vals.size < 2:
                continue
            gnorm_full = np.linalg.norm(g, 2, axis=(-2, -1))
            gnorm = np.zeros(reps.size)
            np.maximum.at(gnorm, inverse, gnorm_full)  # worst case over each orbit
            idx = np.arange(n_pts).reshape(xs.size, ys.size)
            p = idx[:-1, :] if axis == 0 else idx[:, :-1]
            q = idx[1:, :] if axis == 0 else idx[:, 1:]
            p, q = p.ravel(), q.ravel()
            delta = np.abs(vals[1:] - vals[:-1])
            dstep = np.repeat(delta, ys.size) if axis == 0 else np.tile(delta, xs.size)
            # a linear crossing saturates Weyl's bound (a_p + a_q == D exactly), so demand a
            # relative margin well above round-off
            bound = dstep[:, None] * gnorm[None, :] * (1 + _EDGE_RTOL) + _EDGE_ATOL
            keep = np.all(a[p] + a[q] > bound, axis=1)
            edges.append((p[keep], q[keep]))

    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    if edges:
        ep = np.concatenate([e[0] for e in edges])
        eq = np.concatenate([e[1] for e in edges])
    else:
        ep = eq = np.zeros(0, dtype=int)
    graph = coo_matrix((np.ones(ep.size), (ep, eq)), shape=(n_pts, n_pts))
    n_regions, region = connected_components(graph, directed=False)

    # 3. FHS at representatives of each region
    N = np.zeros(n_pts, dtype=np.int64)
    computed = np.zeros(n_pts, dtype=bool)
    raw_all = np.full(n_pts, np.nan)
    order = np.argsort(-refined, kind="stable")
    chosen: list[int] = []
    members = [[] for _ in range(n_regions)]
    for p_ in order:
        members[region[p_]].append(p_)
    for mem in members:
        res_mem = [p_ for p_ in mem if resolved[p_]]
        pool = res_mem if res_mem else mem[:1]
        # the largest-gap point, then the smallest-gap resolved point, then random ones
        picks = [pool[0]]
        if len(pool) > 1 and checks_per_region > 1:
            picks.append(pool[-1])
        n_random = min(len(pool) - 2, checks_per_region - 2)
        if n_random > 0:
            picks += [int(e) for e in rng.choice(pool[1:-1], size=n_random, replace=False)]
        chosen.extend(picks)

    def evaluate(points):
        pts = np.asarray(sorted(set(points) - set(np.flatnonzero(computed))), dtype=int)
        if pts.size == 0:
            return
        raw, _, _ = _fhs_points(sweep, xv[pts], yv[pts], mesh, chunk_bytes)
        raw_all[pts] = raw
        computed[pts] = True

    evaluate(chosen)
    n_inconsistent = 0
    for mem in members:
        vals = {round(raw_all[p_]) for p_ in mem if computed[p_] and resolved[p_]}
        if len(vals) > 1:
            n_inconsistent += 1
            evaluate(mem)
            N[mem] = np.rint(raw_all[mem]).astype(np.int64)
            continue
        done = [p_ for p_ in mem if computed[p_]]
        best = max(done, key=lambda p_: refined[p_])
        N[mem] = round(raw_all[best])
        N[np.asarray(done)] = np.rint(raw_all[done]).astype(np.int64)

    extra_vars = {
        "region": (region, {"units": "1", "long_name": "gap-connected region label"}),
        "fhs_computed": (computed, {"units": "1", "long_name": "FHS evaluated at this point"}),
    }
    if kind == "normal":
        # a Fermi surface closes the gap, so metallic points are among the unresolved ones
        metallic = np.zeros(n_pts, dtype=bool)
        unres = np.flatnonzero(~resolved)
        metallic[unres] = _metallic_points(sweep, xv[unres], yv[unres], mesh, chunk_bytes)
        extra_vars["metallic"] = (metallic, _METALLIC_ATTRS)
    attrs = {
        "method": "gap-closing regions + FHS per region",
        "resolution_factor": resolution_factor,
        "n_regions": int(n_regions),
        "n_fhs": int(computed.sum()),
        "n_inconsistent_regions": int(n_inconsistent),
        "symmetry_order": len(group),
        "affine_in_swept_parameters": int(sweep.affine),
    }
    return _dataset(model, xname, xs, yname, ys, mesh, kind, N, a_min, refined, resolved, vel,
                    extra_vars, attrs)  # fmt: skip


def brute_force_phase_diagram(
    model,
    x: tuple[str, Sequence[float]],
    y: tuple[str, Sequence[float]],
    nk: int = 48,
    *,
    mesh: KMesh | None = None,
    kind: Kind = "bdg",
    resolution_factor: float = RESOLUTION_FACTOR,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
) -> xr.Dataset:
    """FHS at every grid point (batched NumPy): the reference for :func:`phase_diagram`.

    Same output as :func:`phase_diagram` plus ``raw`` (the FHS sum before rounding) and
    ``max_flux``; no symmetry reduction, no regions.
    """
    model, xname, xs, yname, ys, mesh, sweep = _setup(model, x, y, nk, mesh, kind)
    X, Y = np.meshgrid(xs, ys, indexing="ij")
    xv, yv = X.ravel(), Y.ravel()
    kx, ky = mesh.grid()
    n_pts = xv.size
    dim = sweep.hamiltonian(xv[:1], yv[:1], kx[:1, :1], ky[:1, :1]).shape[-1]
    raw = np.empty(n_pts)
    metallic = np.zeros(n_pts, dtype=bool)
    max_flux = np.empty(n_pts)
    a_min = np.empty(n_pts)
    kmin_x = np.empty(n_pts)
    kmin_y = np.empty(n_pts)
    step = max(1, chunk_bytes // (kx.size * dim * dim * 16 * 3))
    for i in range(0, n_pts, step):
        sl = slice(i, i + step)
        h = sweep.hamiltonian(xv[sl], yv[sl], kx, ky)
        e, v = np.linalg.eigh(h)
        abse = np.abs(e).min(-1).reshape(h.shape[0], -1)
        j = abse.argmin(axis=1)
        a_min[sl] = abse[np.arange(h.shape[0]), j]
        kmin_x[sl], kmin_y[sl] = kx.ravel()[j], ky.ravel()[j]
        if kind == "bdg":
            f, _ = fhs_flux(v[..., : dim // 2])
            raw[sl] = f.sum(axis=(-2, -1)) / (2 * np.pi)
            max_flux[sl] = np.abs(f).max(axis=(-2, -1))
        else:
            r, mf, met = _fhs_points(sweep, xv[sl], yv[sl], mesh, chunk_bytes)
            raw[sl], max_flux[sl], metallic[sl] = r, mf, met
    vel, refined, resolved = _gap_resolution(
        sweep, xv, yv, mesh, a_min, kmin_x, kmin_y, resolution_factor
    )
    N = np.rint(raw).astype(np.int64)
    extra_vars = {
        "raw": (raw, {"units": "1", "long_name": "FHS sum before rounding"}),
        "max_flux": (max_flux, {"units": "rad", "long_name": "largest |plaquette flux|"}),
    }
    if kind == "normal":
        extra_vars["metallic"] = (metallic, _METALLIC_ATTRS)
    attrs = {"method": "brute-force FHS at every grid point", "n_fhs": int(n_pts),
             "resolution_factor": resolution_factor}  # fmt: skip
    return _dataset(model, xname, xs, yname, ys, mesh, kind, N, a_min, refined, resolved, vel,
                    extra_vars, attrs)  # fmt: skip
