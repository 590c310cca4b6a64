"""Phase diagrams by gap closings: exhaustive agreement with brute-force FHS, analytic boundaries.

Known answers: brute-force FHS at every grid point (the oracle); the k = 0 closings of
PHYSICS.md §2.3 (critical_exchange) bracket the numerical jumps of N; the N = 1 window of width
|Delta_t - Delta_b| at mu = V = 0 and its absence for equal pairing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pytest

from tsclab.errors import ParameterError
from tsclab.models import TwoSurfaceModel, critical_exchange, make_model
from tsclab.topology import brute_force_phase_diagram, phase_diagram


def _check_equal(model, x, y, nk):
    fast = phase_diagram(model, x, y, nk)
    brute = brute_force_phase_diagram(model, x, y, nk)
    res = fast["resolved"].values
    assert res.mean() > 0.3  # the test must actually test something
    np.testing.assert_array_equal(res, brute["resolved"].values)
    np.testing.assert_array_equal(fast["N"].values[res], brute["N"].values[res])
    np.testing.assert_allclose(
        fast["min_gap"].values, brute["min_gap"].values, rtol=1e-9, atol=1e-12
    )
    assert np.abs(brute["raw"] - np.rint(brute["raw"])).max() < 1e-6
    assert fast.attrs["n_fhs"] < fast["N"].size / 4  # most points need no FHS
    return fast


def test_exhaustive_lam_mu():
    m = make_model("two-surface", m0=0.2, delta_b=0.1)
    ds = _check_equal(m, ("lam", np.linspace(0, 0.6, 16)), ("mu", np.linspace(-0.3, 0.3, 16)), 32)
    assert set(np.unique(ds["N"].values)) >= {0, -1, -2}
    # and the k = 0 analysis of §2.3 predicts N at every resolved point of this map
    lam, mu = ds["lam"].values[:, None], ds["mu"].values[None, :]
    lo, hi = critical_exchange(0.2, 0.0, mu, 0.0, 0.1)
    predicted = -np.sign(lam) * ((np.abs(lam) > lo).astype(int) + (np.abs(lam) > hi))
    res = ds["resolved"].values
    np.testing.assert_array_equal(ds["N"].values[res], predicted[res])


def test_exhaustive_lam_v_with_both_pairings():
    m = make_model("two-surface", m0=0.15, delta_t=0.03, delta_b=0.1, mu=0.02)
    _check_equal(m, ("lam", np.linspace(-0.4, 0.4, 16)), ("V", np.linspace(-0.1, 0.1, 10)), 32)


def test_dataset_layout():
    m = make_model("two-surface", m0=0.2, delta_b=0.1)
    ds = phase_diagram(m, ("lam", np.linspace(0, 0.4, 5)), ("mu", [0.0, 0.1]), 24)
    assert ds["N"].dims == ("lam", "mu") and ds["N"].dtype == np.int64
    assert ds["min_gap"].attrs["units"] == "eV" and ds["resolved"].dtype == bool
    assert ds.attrs["param_m0"] == 0.2 and ds.attrs["nk"] == 24
    assert "lam" not in [k[6:] for k in ds.attrs if k.startswith("param_")]


def _jumps(model, lam, nk=48):
    ds = phase_diagram(model, ("lam", lam), ("delta_t", [float(model.delta_t)]), nk)
    return ds["N"].values[:, 0], ds["resolved"].values[:, 0]


@pytest.mark.parametrize(
    "params",
    [
        dict(m0=0.2, delta_t=0.0, delta_b=0.1),
        dict(m0=0.2, delta_t=0.04, delta_b=0.12),
        dict(m0=0.1, V=0.05, mu=0.03, delta_t=0.05, delta_b=0.1),
    ],
)
def test_numerical_boundaries_match_k0_conditions(params):
    m = TwoSurfaceModel(**params)
    lo, hi = (float(c) for c in m.critical_exchange())
    lam = np.linspace(0.0, 1.5 * hi, 181)
    N, res = _jumps(m, lam)
    step = lam[1] - lam[0]
    for region, expected in (
        (lam < lo - step, 0),
        ((lam > lo + step) & (lam < hi - step), -1),
        (lam > hi + step, -2),
    ):
        sel = region & res
        assert sel.any()
        assert np.all(N[sel] == expected)


def test_n1_window_width_and_absence_for_equal_pairing():
    lam = np.linspace(0.12, 0.3, 181)
    step = lam[1] - lam[0]
    N, res = _jumps(TwoSurfaceModel(m0=0.2, delta_t=0.02, delta_b=0.1), lam, nk=96)
    window = lam[N == -1]
    assert res[N == -1].mean() > 0.5
    lo, hi = critical_exchange(0.2, 0, 0, 0.02, 0.1)
    assert window.max() - window.min() == pytest.approx(0.08, abs=2 * step)  # |dt - db|
    assert lo - step <= window.min() and window.max() <= hi + step
    N_eq, _ = _jumps(TwoSurfaceModel(m0=0.2, delta_t=0.1, delta_b=0.1), lam)
    assert not np.any(N_eq == -1) and {0, -2} <= set(N_eq.tolist())


@dataclass(frozen=True)
class _Squared(TwoSurfaceModel):
    """The two-surface model with lam entering quadratically (a non-affine parameter)."""

    def hamiltonian(self, kx, ky):
        sq = replace(self, lam=np.sign(self.lam) * np.asarray(self.lam) ** 2)
        return TwoSurfaceModel.hamiltonian(sq, kx, ky)

    def with_params(self, **params):
        return replace(self, **params)


def test_non_affine_parameter_falls_back_to_exact():
    m = _Squared(m0=0.2, delta_b=0.1)
    x = ("lam", np.linspace(0.2, 0.65, 8))
    y = ("mu", np.linspace(-0.1, 0.1, 3))
    fast = phase_diagram(m, x, y, 24)
    brute = brute_force_phase_diagram(m, x, y, 24)
    assert fast.attrs["affine_in_swept_parameters"] == 0
    np.testing.assert_array_equal(fast["N"].values, brute["N"].values)


def test_bad_axis_name():
    m = make_model("two-surface")
    with pytest.raises(ParameterError):
        phase_diagram(m, ("nope", [0, 1]), ("mu", [0, 1]), 12)
    with pytest.raises(ParameterError):
        phase_diagram(m, ("mu", [0, 1]), ("mu", [0, 1]), 12)


@dataclass(frozen=True)
class _Anisotropic(TwoSurfaceModel):
    """x velocity doubled: the gap reduction may use only the surviving C2 and mirrors."""

    def hamiltonian(self, kx, ky):
        h = TwoSurfaceModel.hamiltonian(self, kx, ky)
        return h + TwoSurfaceModel(A=self.A, B=0.0, m0=0.0).hamiltonian(kx, 0 * np.asarray(ky))

    def with_params(self, **params):
        return replace(self, **params)


def test_reduced_symmetry_model_matches_brute_force():
    m = _Anisotropic(m0=0.2, delta_t=0.02, delta_b=0.1)
    x, y = ("lam", np.linspace(0.0, 0.5, 8)), ("mu", np.linspace(-0.1, 0.1, 4))
    fast = phase_diagram(m, x, y, 24)
    brute = brute_force_phase_diagram(m, x, y, 24)
    assert fast.attrs["symmetry_order"] == 4
    np.testing.assert_allclose(fast["min_gap"].values, brute["min_gap"].values, rtol=1e-9)
    res = fast["resolved"].values
    np.testing.assert_array_equal(fast["N"].values[res], brute["N"].values[res])


@pytest.mark.slow
def test_exhaustive_cli_workload_half_resolution():
    """The CLI workload (case A, nk = 48) on a 32 x 32 grid, every point against brute force."""
    m = make_model("two-surface", m0=0.2, delta_b=0.1)
    _check_equal(m, ("lam", np.linspace(0, 0.6, 32)), ("mu", np.linspace(-0.3, 0.3, 32)), 48)


def test_normal_state_metallic_points_are_marked_like_the_brute_force():
    """mu outside the gap: a Fermi surface, where the normal-state C is not defined."""
    from tsclab.models import make_model
    from tsclab.topology import brute_force_phase_diagram, phase_diagram

    m = make_model("two-surface", m0=0.2)
    axes = (("lam", np.linspace(0, 0.6, 8)), ("mu", np.linspace(-0.6, 0.6, 8)))
    ds = phase_diagram(m, *axes, nk=24, kind="normal")
    bf = brute_force_phase_diagram(m, *axes, nk=24, kind="normal")
    assert bool((ds.metallic == bf.metallic).all())
    assert bool(ds.metallic.sel(lam=0.0, mu=0.6).item())  # deep in the bands
    assert not bool(ds.metallic.sel(lam=0.0, mu=-0.6 + 1.2 * 4 / 7, method="nearest").item())
    assert not bool((ds.metallic & ds.resolved).any())


def test_structural_parameters_cannot_be_swept_and_units_follow_the_name():
    from tsclab.errors import ParameterError
    from tsclab.models import make_model
    from tsclab.topology import phase_diagram

    film = make_model("thin-film", m=2, inplane="square")
    with pytest.raises(ParameterError, match="cannot be swept"):
        phase_diagram(film, ("m", [2.0, 3.0]), ("mu", [0.0, 0.1]), nk=8, kind="normal")
    ds = phase_diagram(
        film, ("screening_length_A", [5.0, 10.0]), ("mu", [0.0, 0.1]), nk=8, kind="normal"
    )
    assert ds["screening_length_A"].attrs["units"] == "Angstrom"
    assert ds["mu"].attrs["units"] == "eV"
