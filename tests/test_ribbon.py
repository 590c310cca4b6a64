"""Ribbons: generic y-Fourier decomposition, banded solver, chiral edge-mode counts.

Known answers: the analytic y-hoppings of PHYSICS.md §3.8; dense eigvalsh of the same ribbon;
§2.4 ribbon check (case A, W = 80): lower edge 0, -1, -2, +1 for lam = 0.078, 0.206, 0.306,
-0.206 and the opposite on the upper edge (QHZ 2010: |N| chiral Majorana branches per edge).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from tsclab.errors import ParameterError
from tsclab.models import TwoSurfaceModel, make_model
from tsclab.models.pauli import S0, SX, SZ, kron
from tsclab.topology import count_edge_modes, ribbon_blocks, ribbon_hamiltonian, ribbon_spectrum
from tsclab.topology.ribbon import _count_in_window


def case_a(lam):
    return make_model("two-surface", m0=0.2, lam=lam, delta_b=0.1)


def test_blocks_reproduce_h_and_the_analytic_hopping(rng):
    m = TwoSurfaceModel(A=0.8, B=1.3, m0=0.1, lam=0.2, V=0.05, mu=0.02, delta_t=0.03,
                        delta_b=0.1)  # fmt: skip
    kx = rng.uniform(-np.pi, np.pi, 5)
    h0, t = ribbon_blocks(m, kx)
    for ky in rng.uniform(-np.pi, np.pi, 3):
        pred = h0 + t * np.exp(1j * ky) + np.conj(np.swapaxes(t, -1, -2)) * np.exp(-1j * ky)
        np.testing.assert_allclose(pred, m.bdg_hamiltonian(kx, ky + 0 * kx), atol=1e-12)
    # particle block of T: (A/2i) tau_z sigma_x - B tau_x (PHYSICS.md §3.8)
    t_particle = 0.8 / 2j * kron(SZ, SX) - 1.3 * kron(SX, S0)
    np.testing.assert_allclose(t[0, :4, :4], t_particle, atol=1e-12)


def test_banded_pipeline_matches_dense():
    m = case_a(0.3062)
    ds = ribbon_spectrum(m, width=30, kx=np.array([-0.2, -0.05, 0.05, 0.2]),
                         energy_window=0.3, count=False)  # fmt: skip
    for k in (-0.2, -0.05, 0.05, 0.2):
        e = np.linalg.eigvalsh(ribbon_hamiltonian(m, k, 30))
        got = np.sort(ds["energy"].values[np.isclose(ds["kx"].values, k)])
        np.testing.assert_allclose(got, e[np.abs(e) < 0.3], atol=1e-10)


def test_inertia_count_matches_dense():
    m = case_a(0.2062)
    kx = np.linspace(-0.5, 0.5, 9)
    h0, t = ribbon_blocks(m, kx)
    ref = [int((np.abs(np.linalg.eigvalsh(ribbon_hamiltonian(m, k, 25))) < 0.2).sum())
           for k in kx]  # fmt: skip
    assert _count_in_window(h0, t, 25, 0.2).tolist() == ref


@pytest.mark.parametrize(("lam", "N"), [(0.078, 0), (0.206, -1), (0.306, -2), (-0.206, 1)])
@pytest.mark.parametrize("method", ["spectral_flow", "k0"])
def test_edge_counts_case_a(lam, N, method):
    c = count_edge_modes(case_a(lam), width=80, method=method)
    assert (c.lower, c.upper) == (N, -N)
    assert abs(c.raw_lower - N) < 0.1  # the spectral flow is close to an integer


@pytest.mark.slow
def test_thin_film_branches_crossing_at_finite_k():
    """2 QL film, lam = 0.1 eV: N = -2 and the two branches of an edge cross E = 0 at finite
    kx; the spectral flow still counts -2 / +2."""
    from tsclab.models import ThinFilmModel
    from tsclab.topology import chern_number

    film = ThinFilmModel(material="Bi2Se3-NP09", m=2, lam=0.1, inplane="square", delta0=0.02)
    assert chern_number(film, 64).N == -2
    c = count_edge_modes(film, width=80)
    assert (c.lower, c.upper) == (-2, 2) and abs(c.raw_lower + 2) < 0.1


def test_spectrum_dataset_particle_hole_and_weights():
    ds = ribbon_spectrum(case_a(0.2062), width=80, nk=41, kx_max=0.4)
    assert ds.attrs["edge_modes_lower"] == -1 and ds.attrs["edge_modes_upper"] == 1
    e, k = ds["energy"].values, ds["kx"].values
    assert np.abs(e).max() < ds.attrs["energy_window"]
    pairs = {(round(a, 9), round(b, 9)) for a, b in zip(k, e, strict=True)}
    assert all((round(-a, 9) + 0.0, round(-b, 9) + 0.0) in pairs for a, b in pairs)
    assert np.all(
        (ds["weight_lower"] >= 0) & (ds["weight_lower"] + ds["weight_upper"] <= 1 + 1e-9)
    )


@dataclass(frozen=True)
class _LongRange(TwoSurfaceModel):
    def hamiltonian(self, kx, ky):
        h = TwoSurfaceModel.hamiltonian(self, kx, ky)
        return h + 0.1 * np.sin(2 * np.asarray(ky))[..., None, None] * kron(SZ, SX)


def test_longer_range_is_refused():
    with pytest.raises(ParameterError, match="nearest-neighbour"):
        ribbon_blocks(_LongRange(), np.array([0.1]))


def test_bad_width():
    with pytest.raises(ParameterError):
        count_edge_modes(case_a(0.2), width=1)


def test_particle_hole_reduction_matches_full_grid():
    """The k >= 0 half plus particle-hole partners equals diagonalizing every kx (incl. kx = 0)."""
    m = case_a(0.2062)
    kx = np.linspace(-np.pi, np.pi, 201)
    half = ribbon_spectrum(m, 40, kx=kx, count=False)
    full = ribbon_spectrum(m, 40, kx=kx, count=False, use_particle_hole=False)
    assert half.attrs["particle_hole_used"] == 1 and full.attrs["particle_hole_used"] == 0
    assert half.sizes["state"] == full.sizes["state"]
    np.testing.assert_allclose(half["energy"].values, full["energy"].values, atol=1e-12)
