"""FHS (lattice) against radial Kubo integration (continuum): two independent algorithms and
two regularizations of the same two-surface model must give the same Chern numbers
(PHYSICS.md §2.4 and Appendix A #9)."""

from __future__ import annotations

import pytest

from tsclab.errors import ParameterError
from tsclab.models import TwoSurfaceModel
from tsclab.topology import chern_number
from tsclab.topology.kubo import kubo_chern_radial


@pytest.mark.parametrize(
    ("lam", "expected"), [(0.0781, 0), (0.2062, -1), (0.3062, -2), (-0.2062, 1)]
)
def test_case_a_by_kubo(lam, expected):
    m = TwoSurfaceModel(m0=0.2, lam=lam, delta_b=0.1, form="continuum")
    raw = kubo_chern_radial(m)
    assert raw == pytest.approx(expected, abs=1e-4)  # quadrature error ~1e-7


@pytest.mark.parametrize(
    "params",
    [
        {"m0": 0.2, "lam": 0.32, "V": 0.05, "mu": 0.02, "delta_t": 0.03, "delta_b": 0.1},
        {"m0": -0.15, "lam": -0.3, "V": 0.1, "mu": -0.05, "delta_t": 0.0, "delta_b": 0.08},
        {"m0": 0.1, "lam": 0.12, "V": 0.0, "mu": 0.0, "delta_t": 0.02, "delta_b": 0.12},
        {"m0": 0.3, "lam": 0.45, "V": 0.05, "mu": 0.1, "delta_t": 0.05, "delta_b": 0.05},
    ],
)
def test_fhs_lattice_equals_kubo_continuum(params):
    lattice = chern_number(TwoSurfaceModel(**params), nk=120)
    assert lattice.resolved
    raw = kubo_chern_radial(TwoSurfaceModel(**params, form="continuum"))
    assert raw == pytest.approx(round(raw), abs=1e-3)
    assert lattice.N == round(raw)


def test_normal_state_chern_sign_convention():
    # C = -sign(lam) in the QAH phase (tsclab's FHS orientation), by the Kubo sum
    for lam, c in ((0.3, -1), (-0.3, 1), (0.1, 0)):
        m = TwoSurfaceModel(m0=0.2, lam=lam, form="continuum")
        assert kubo_chern_radial(m, kind="normal") == pytest.approx(c, abs=1e-4)


def test_lattice_model_is_refused():
    with pytest.raises(ParameterError, match="continuum"):
        kubo_chern_radial(TwoSurfaceModel(lam=0.3))
