r"""Point-group symmetries of a spectrum on a k mesh, used to compute gaps on an irreducible wedge.

For every element g of the square-lattice point group :math:`D_4` (as a 2x2 integer matrix acting
on :math:`(k_x, k_y)`), :func:`abs_spectrum_symmetries` tests whether the multiset
:math:`\{|E_n(gk)|\}` equals :math:`\{|E_n(k)|\}`. For a BdG Hamiltonian the particle-hole
symmetry already guarantees it for :math:`g = -1` (:math:`\mathrm{spec}\,H(-k) =
-\mathrm{spec}\,H(k)`); C4 rotations and mirrors (possibly combined with time reversal, which
the exchange field breaks but a mirror restores) add more. The test evaluates the Hamiltonian at
random momenta (and every parameter value the model carries); because the characteristic
polynomial's coefficients are trigonometric polynomials in k, agreement at generic random
points to round-off means the symmetry holds identically. The elements passing the test are
then checked to form a group.

:func:`mesh_orbits` groups the points of a :class:`~tsclab.spectra.KMesh` into orbits of such a
group (only elements that map the mesh onto itself are used), so a k-local quantity that the
symmetry preserves (the gap at each k) needs computing on one point per orbit.

Examples
--------
>>> from tsclab.models import make_model
>>> from tsclab.spectra import KMesh
>>> g = abs_spectrum_symmetries(make_model("two-surface", lam=0.2, delta_b=0.1), seed=0)
>>> len(g)
8
>>> rep, inverse = mesh_orbits(KMesh.uniform(48), g)
>>> rep.size
325
"""

from __future__ import annotations

import numpy as np

from .kgrid import KMesh
from .solvers import Kind, hamiltonian_on_k

__all__ = ["D4_ELEMENTS", "abs_spectrum_symmetries", "mesh_orbits"]

#: The 8 elements of D4 acting on (kx, ky).
D4_ELEMENTS: tuple[np.ndarray, ...] = tuple(
    np.array(m, dtype=int)
    for m in (
        [[1, 0], [0, 1]],
        [[0, -1], [1, 0]],
        [[-1, 0], [0, -1]],
        [[0, 1], [-1, 0]],
        [[-1, 0], [0, 1]],
        [[1, 0], [0, -1]],
        [[0, 1], [1, 0]],
        [[0, -1], [-1, 0]],
    )
)


def abs_spectrum_symmetries(
    model, kind: Kind = "bdg", n_samples: int = 12, seed: int | None = 0, atol: float = 1e-9
) -> tuple[np.ndarray, ...]:
    """Elements g of D4 with ``sorted |spec H(g k)| == sorted |spec H(k)|`` (see module doc).

    Returns at least the identity; the result is closed under composition (otherwise only the
    identity is returned).
    """
    rng = np.random.default_rng(seed)
    k = rng.uniform(-np.pi, np.pi, size=(2, n_samples))
    ref = np.sort(np.abs(np.linalg.eigvalsh(hamiltonian_on_k(model, k[0], k[1], kind))), -1)
    scale = max(1.0, float(np.abs(ref).max()))
    keep = []
    for g in D4_ELEMENTS:
        gk = g @ k
        e = np.sort(np.abs(np.linalg.eigvalsh(hamiltonian_on_k(model, gk[0], gk[1], kind))), -1)
        if np.all(np.abs(e - ref) <= atol * scale):
            keep.append(g)
    keys = {tuple(g.ravel()) for g in keep}
    if not all(tuple((a @ b).ravel()) in keys for a in keep for b in keep):
        return (D4_ELEMENTS[0],)
    return tuple(keep)


def _axis_map(src: np.ndarray, dst: np.ndarray, sign: int) -> np.ndarray | None:
    """Index map i -> j with dst[j] == sign*src[i] (mod 2 pi), or None when not a bijection."""
    target = np.mod(sign * src + np.pi, 2 * np.pi) - np.pi
    ref = np.mod(dst + np.pi, 2 * np.pi) - np.pi
    j = np.abs(target[:, None] - ref[None, :])
    j = np.minimum(j, 2 * np.pi - j)
    idx = j.argmin(axis=1)
    if not np.allclose(j[np.arange(src.size), idx], 0.0, atol=1e-12 * max(1, src.size)):
        return None
    if np.unique(idx).size != src.size:
        return None
    return idx


def mesh_orbits(mesh: KMesh, group: tuple[np.ndarray, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Orbits of the mesh points under the elements of ``group`` that map the mesh to itself.

    Returns
    -------
    representatives
        Flat indices (into ``mesh.grid()`` raveled) of one point per orbit.
    inverse
        For every flat mesh index, the position of its orbit in ``representatives``.
    """
    nx, ny = mesh.shape
    ix, iy = np.meshgrid(np.arange(nx), np.arange(ny), indexing="ij")
    flat = ix * ny + iy
    label = flat.copy()
    same_axes = nx == ny and np.allclose(mesh.kx, mesh.ky)
    for g in group:
        if abs(g[0, 0]) == 1:  # diagonal: kx -> s kx, ky -> t ky
            mx = _axis_map(mesh.kx, mesh.kx, int(g[0, 0]))
            my = _axis_map(mesh.ky, mesh.ky, int(g[1, 1]))
            if mx is None or my is None:
                continue
            image = mx[ix] * ny + my[iy]
        else:  # swap: kx' = g01 ky, ky' = g10 kx
            if not same_axes:
                continue
            mx = _axis_map(mesh.ky, mesh.kx, int(g[0, 1]))
            my = _axis_map(mesh.kx, mesh.ky, int(g[1, 0]))
            if mx is None or my is None:
                continue
            image = mx[iy] * ny + my[ix]
        label = np.minimum(label, image)
    # the group may need several passes to reach the orbit minimum (it is closed, one suffices
    # when all elements are applied to the original points; iterate for safety)
    for _ in range(3):
        label = label.ravel()[label]
    reps, inverse = np.unique(label.ravel(), return_inverse=True)
    return reps, inverse
