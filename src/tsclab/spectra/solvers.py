r"""Batched eigen-solvers and gaps on k meshes.

Spectra are computed with :func:`numpy.linalg.eigh` / :func:`numpy.linalg.eigvalsh` on stacks of
matrices (one LAPACK call per matrix from C, no Python loop per k point), in chunks so that the
memory held at any time stays bounded.

The *gap* of a Hamiltonian at a k point is :math:`\min_n |E_n(k)|`: for a BdG Hamiltonian this is
the quasiparticle gap (half the particle-hole excitation gap); for a normal-state Hamiltonian
(which includes :math:`-\mu`) it is the distance of the nearest band from the Fermi level.

Examples
--------
>>> from tsclab.models import make_model
>>> from tsclab.spectra import KMesh, gap_on_mesh
>>> g = gap_on_mesh(make_model("two-surface", m0=0.2, lam=0.0), KMesh.uniform(8), kind="bdg")
>>> round(g.min_gap, 6)
0.2
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..errors import ParameterError
from .kgrid import KMesh

__all__ = [
    "GapOnMesh",
    "eigh_batched",
    "eigvalsh_batched",
    "gap_on_mesh",
    "hamiltonian_on_k",
    "refine_gap",
]

Kind = Literal["bdg", "normal"]

#: Matrices per chunk: 2**15 matrices of 8 x 8 complex are 32 MiB.
DEFAULT_CHUNK_BYTES = 1 << 25


def _chunk_len(dim: int, chunk_bytes: int) -> int:
    return max(1, chunk_bytes // (16 * dim * dim))


def eigvalsh_batched(h: np.ndarray, chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> np.ndarray:
    """Eigenvalues (ascending) of a stack of Hermitian matrices ``(..., n, n)``, chunked.

    Parameters
    ----------
    h
        Hermitian matrices; only the lower triangle is read (LAPACK convention).
    chunk_bytes
        Upper bound on the bytes of matrices handed to LAPACK at once.
    """
    h = np.asarray(h)
    lead, n = h.shape[:-2], h.shape[-1]
    flat = h.reshape(-1, n, n)
    out = np.empty(flat.shape[:-1], dtype=float)
    step = _chunk_len(n, chunk_bytes)
    for i in range(0, flat.shape[0], step):
        out[i : i + step] = np.linalg.eigvalsh(flat[i : i + step])
    return out.reshape(*lead, n)


def eigh_batched(
    h: np.ndarray, chunk_bytes: int = DEFAULT_CHUNK_BYTES
) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues and eigenvectors (columns) of a stack ``(..., n, n)``, chunked."""
    h = np.asarray(h)
    lead, n = h.shape[:-2], h.shape[-1]
    flat = h.reshape(-1, n, n)
    e = np.empty(flat.shape[:-1], dtype=float)
    v = np.empty(flat.shape, dtype=complex)
    step = _chunk_len(n, chunk_bytes)
    for i in range(0, flat.shape[0], step):
        e[i : i + step], v[i : i + step] = np.linalg.eigh(flat[i : i + step])
    return e.reshape(*lead, n), v.reshape(*lead, n, n)


def hamiltonian_on_k(model, kx, ky, kind: Kind = "bdg") -> np.ndarray:
    """``model.bdg_hamiltonian`` (``kind="bdg"``) or ``model.hamiltonian`` (``"normal"``)."""
    if kind == "bdg":
        return np.asarray(model.bdg_hamiltonian(kx, ky))
    if kind == "normal":
        return np.asarray(model.hamiltonian(kx, ky))
    raise ParameterError("kind", kind, "use 'bdg' or 'normal'")


@dataclass(frozen=True)
class GapOnMesh:
    """Gap :math:`\\min_n |E_n(k)|` on a mesh.

    Attributes
    ----------
    gap_k
        Gap at every mesh point, shape ``(..., nkx, nky)`` (eV); leading dims are parameter dims.
    min_gap
        Minimum over the mesh (eV), shape ``(...)`` (a float for a scalar model).
    argmin
        ``(ix, iy)`` of the minimum, arrays of shape ``(...)``.
    """

    gap_k: np.ndarray
    min_gap: np.ndarray | float
    argmin: tuple[np.ndarray, np.ndarray]


def gap_on_mesh(
    model, mesh: KMesh, kind: Kind = "bdg", chunk_bytes: int = DEFAULT_CHUNK_BYTES
) -> GapOnMesh:
    """Gap at every point of ``mesh`` (eigenvalues only), chunked along kx.

    Parameter arrays of ``model`` broadcast in front of the k dims.
    """
    kx, ky = mesh.kx, mesh.ky
    probe = hamiltonian_on_k(model, kx[:1, None], ky[None, :1], kind)
    dim = probe.shape[-1]
    lead = probe.shape[:-4]
    rows = max(1, _chunk_len(dim, chunk_bytes) // max(1, int(np.prod(lead)) * ky.size))
    gap = np.empty((*lead, kx.size, ky.size))
    for i in range(0, kx.size, rows):
        h = hamiltonian_on_k(model, kx[i : i + rows, None], ky[None, :], kind)
        gap[..., i : i + rows, :] = np.abs(np.linalg.eigvalsh(h)).min(axis=-1)
    flat = gap.reshape(*lead, -1)
    idx = flat.argmin(axis=-1)
    ix, iy = np.unravel_index(idx, mesh.shape)
    ming = np.take_along_axis(flat, idx[..., None], axis=-1)[..., 0]
    return GapOnMesh(gap, float(ming) if ming.ndim == 0 else ming, (ix, iy))


def refine_gap(
    model, centers: np.ndarray, half_width: float, kind: Kind = "bdg", n: int = 9,
    polish: bool = True,
) -> tuple[float, tuple[float, float]]:  # fmt: skip
    """Smallest :math:`\\min_n|E_n(k)|` near the given k points (local grid + polishing).

    A grid minimum over-estimates the true minimum by up to :math:`v\\,\\Delta k/\\sqrt2`, and a
    gap closing on a small ring between mesh points (PHYSICS.md §2.3 pitfall) can be missed
    altogether; a local ``n x n`` grid of half-width ``half_width`` around each centre followed
    by a Nelder–Mead polish of the best point finds it (PHYSICS.md §3.2, step 2).

    Parameters
    ----------
    model
        Model with scalar parameters.
    centers
        ``(m, 2)`` array of ``(kx, ky)`` (rad).
    half_width
        Half-width of the local grids (rad), typically the mesh spacing.
    """
    centers = np.atleast_2d(np.asarray(centers, dtype=float))
    off = np.linspace(-half_width, half_width, n)
    ox, oy = np.meshgrid(off, off, indexing="ij")
    kx = centers[:, 0, None, None] + ox
    ky = centers[:, 1, None, None] + oy
    a = np.abs(np.linalg.eigvalsh(hamiltonian_on_k(model, kx, ky, kind))).min(axis=-1)
    i = np.unravel_index(int(a.argmin()), a.shape)
    best, kbest = float(a[i]), (float(kx[i]), float(ky[i]))
    if polish:
        from scipy.optimize import minimize

        def f(k: np.ndarray) -> float:
            h = hamiltonian_on_k(model, k[0], k[1], kind)
            return float(np.abs(np.linalg.eigvalsh(h)).min())

        step = 2 * half_width / (n - 1)
        simplex = np.array([kbest, (kbest[0] + step, kbest[1]), (kbest[0], kbest[1] + step)])
        res = minimize(f, np.array(kbest), method="Nelder-Mead",
                       options={"initial_simplex": simplex, "xatol": 1e-7, "fatol": 1e-12,
                                "maxiter": 400})  # fmt: skip
        if res.fun < best:
            best, kbest = float(res.fun), (float(res.x[0]), float(res.x[1]))
    return best, kbest
