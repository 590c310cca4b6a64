"""Spectra helpers used by the Chern machinery: meshes, chunked solvers, symmetry orbits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from tsclab.errors import ParameterError
from tsclab.models import TwoSurfaceModel, make_model
from tsclab.spectra import (
    KMesh,
    abs_spectrum_symmetries,
    eigh_batched,
    eigvalsh_batched,
    gap_on_mesh,
    k_path,
    mesh_orbits,
    refine_gap,
)


def test_uniform_mesh_contains_gamma_and_wraps():
    mesh = KMesh.uniform(48)
    assert 0.0 in mesh.kx and mesh.kx[0] == -np.pi and mesh.is_uniform()
    sx, _ = mesh.spacings
    assert sx.sum() == pytest.approx(2 * np.pi)


def test_clustered_mesh_is_denser_at_the_centre():
    mesh = KMesh.clustered(40, strength=6.0)
    sx, sy = mesh.spacings
    assert 0.0 in mesh.kx and not mesh.is_uniform()
    i0 = int(np.argmin(np.abs(mesh.kx)))
    assert sx[i0] < 0.5 * 2 * np.pi / 40 < sx.max()
    assert sx.sum() == pytest.approx(2 * np.pi) and sy.sum() == pytest.approx(2 * np.pi)


@pytest.mark.parametrize("bad", [2, 3.5, True])
def test_bad_mesh_size(bad):
    with pytest.raises(ParameterError):
        KMesh.uniform(bad)


def test_k_path_vertices():
    kx, ky, s, ticks = k_path(("G", "X", "M", "G"), 31)
    assert (kx[0], ky[0]) == (0.0, 0.0) and ticks[-1][0] == pytest.approx(s[-1])
    assert s[-1] == pytest.approx(2 * np.pi + np.pi * np.sqrt(2))
    with pytest.raises(ParameterError):
        k_path(("G", "Q"), 5)


def test_chunked_solvers_match_numpy(rng):
    a = rng.normal(size=(37, 8, 8)) + 1j * rng.normal(size=(37, 8, 8))
    h = a + np.conj(np.swapaxes(a, -1, -2))
    np.testing.assert_allclose(eigvalsh_batched(h, chunk_bytes=2048), np.linalg.eigvalsh(h))
    e, v = eigh_batched(h, chunk_bytes=2048)
    np.testing.assert_allclose(h @ v, v * e[..., None, :], atol=1e-10)


def test_gap_on_mesh_and_refinement():
    m = make_model("two-surface", m0=0.2, lam=0.2062, delta_b=0.1)
    g = gap_on_mesh(m, KMesh.uniform(24))
    assert g.min_gap == pytest.approx(0.0499553, abs=1e-6)  # at Gamma: lam - lam_c,-
    best, k = refine_gap(m, [(0.1, 0.0)], 0.2)
    assert best == pytest.approx(g.min_gap, abs=1e-6) and np.hypot(*k) < 1e-3


def test_orbits_partition_the_mesh():
    group = abs_spectrum_symmetries(make_model("two-surface", lam=0.2, delta_b=0.1, mu=0.1))
    assert len(group) == 8
    reps, inverse = mesh_orbits(KMesh.uniform(48), group)
    assert reps.size == 325 and inverse.shape == (48 * 48,)
    assert set(np.unique(inverse)) == set(range(reps.size))


@dataclass(frozen=True)
class _Anisotropic(TwoSurfaceModel):
    """Velocity along x doubled: breaks C4 but keeps C2 and the mirrors of |spec|."""

    def hamiltonian(self, kx, ky):
        h = TwoSurfaceModel.hamiltonian(self, kx, ky)
        extra = TwoSurfaceModel(A=self.A, B=0.0, m0=0.0).hamiltonian(kx, 0 * np.asarray(ky))
        return h + extra


def test_symmetry_detection_drops_broken_rotations():
    group = abs_spectrum_symmetries(_Anisotropic(lam=0.2, delta_b=0.1))
    keys = {tuple(g.ravel()) for g in group}
    assert (0, -1, 1, 0) not in keys and (-1, 0, 0, -1) in keys
    assert len(group) == 4
