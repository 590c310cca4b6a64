"""FHS Chern numbers: §2.4 test points, N = 2C, sign conventions, unresolved flagging.

Known answers (PHYSICS.md §2, Appendix A #6-#8): two-surface QAH C = -sign(lam) for any signs
of A, B, m0; BdG N = 0, -1, -2, +1 at the §2.4 points; N = 2C at zero pairing; the finite-k
closing of §2.3 (V = 0, Delta_t = Delta_b, mu != 0) must come back flagged, not confident.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tsclab.models import make_model
from tsclab.spectra import KMesh
from tsclab.topology import chern_number, hall_conductance_S
from tsclab.units import H_OVER_E2_OHM

NK = 120  # 2 pi / 120 = 0.052: resolves the 0.1 eV gaps of §2.4 with margin


def two_surface(**kw):
    base = dict(A=1.0, B=1.0, m0=0.2, lam=0.0, V=0.0, mu=0.0, delta_t=0.0, delta_b=0.0)
    return make_model("two-surface", **{**base, **kw})


@pytest.mark.parametrize(
    ("case", "params", "lam", "N", "gap"),
    [
        ("A", dict(m0=0.2, delta_b=0.1), 0.0781, 0, 0.156),
        ("A", dict(m0=0.2, delta_b=0.1), 0.2062, -1, 0.100),
        ("A", dict(m0=0.2, delta_b=0.1), 0.3062, -2, 0.100),
        ("A", dict(m0=0.2, delta_b=0.1), -0.2062, 1, 0.100),
        ("B", dict(m0=0.2, delta_t=0.1, delta_b=0.1), 0.1118, 0, 0.224),
        ("B", dict(m0=0.2, delta_t=0.1, delta_b=0.1), 0.2736, -2, 0.100),
        ("G", dict(m0=-0.2, delta_b=0.1), 0.2062, -1, 0.100),
        ("G", dict(m0=-0.2, delta_b=0.1), 0.3062, -2, 0.100),
    ],
)
def test_section_2_4_points(case, params, lam, N, gap):
    r = chern_number(two_surface(lam=lam, **params), NK)
    assert r.N == N, case
    assert abs(r.raw - round(r.raw)) < 1e-6  # integer before rounding
    assert r.resolved and not r.flags
    assert r.min_gap == pytest.approx(gap, abs=2e-3)  # table gaps are quoted to 3 digits


@pytest.mark.parametrize(("lam", "C"), [(0.1, 0), (0.3, -1), (-0.3, 1)])
def test_normal_state(lam, C):
    r = chern_number(two_surface(lam=lam), 48, kind="normal")
    assert r.N == C and r.resolved
    assert r.sigma_xy_S == pytest.approx(C / H_OVER_E2_OHM)


@pytest.mark.parametrize(("sA", "sB", "sm"), list(itertools.product((1, -1), repeat=3)))
@pytest.mark.parametrize("lam", [0.3, -0.3])
def test_qah_sign_independent_of_A_B_m0(sA, sB, sm, lam):
    r = chern_number(two_surface(A=sA, B=sB, m0=0.2 * sm, lam=lam), 48, kind="normal")
    assert r.N == -int(np.sign(lam))


@pytest.mark.parametrize("lam", [-0.35, -0.1, 0.0, 0.25, 0.4])
@pytest.mark.parametrize("delta", [0.0, 0.005])
def test_zero_pairing_gives_twice_the_normal_chern_number(lam, delta):
    m = two_surface(lam=lam, delta_t=delta, delta_b=delta)
    C = chern_number(m, 48, kind="normal")
    N = chern_number(m, 48)
    assert C.resolved and N.resolved
    assert N.N == 2 * C.N


def test_pitfall_finite_k_closing_is_flagged():
    """§2.3 pitfall: k = 0 analysis predicts an N = 1 window, the gap is ~0 at finite k."""
    m = two_surface(lam=0.2248, mu=0.05, delta_t=0.1, delta_b=0.1)
    for nk in (48, 120):
        r = chern_number(m, nk)
        assert not r.resolved
        assert "unresolved" in r.flags
        assert r.min_gap_refined < 1e-3 * r.min_gap  # the refinement finds the closing
    recs = r.to_results()
    assert recs[0].quantity == "chern_N" and "unresolved" in recs[0].flags
    assert recs[1].quantity == "min_gap_eV" and recs[1].value == pytest.approx(r.min_gap)


def test_small_v_opens_the_pitfall_gap():
    gapped = chern_number(two_surface(lam=0.2248, mu=0.05, V=0.05, delta_t=0.1, delta_b=0.1), 48)
    closed = chern_number(two_surface(lam=0.2248, mu=0.05, V=0.0, delta_t=0.1, delta_b=0.1), 48)
    assert gapped.min_gap_refined > 1e3 * closed.min_gap_refined


def test_clustered_mesh_gives_the_same_answer():
    m = two_surface(lam=0.2062, delta_b=0.1)
    r = chern_number(m, mesh=KMesh.clustered(40, strength=6.0))
    assert r.N == -1 and abs(r.raw + 1) < 1e-6


def test_metallic_normal_state_is_undefined():
    r = chern_number(two_surface(lam=0.3, mu=0.3), 48, kind="normal")
    assert r.N is None and "metallic" in r.flags
    assert r.to_results()[0].value is None


def test_hall_conductance_unit():
    assert hall_conductance_S(1) * H_OVER_E2_OHM == pytest.approx(1.0)


def test_bad_kind():
    from tsclab.errors import ParameterError

    with pytest.raises(ParameterError):
        chern_number(two_surface(), 24, kind="foo")


@pytest.mark.parametrize("lam", [0.1, -0.1])
def test_thin_film_qah_same_convention(lam):
    """The 4-band film (2 QL, square in-plane lattice) is a second, independent model: its QAH
    phase also has C = -sign(lam), and N = 2C at zero pairing."""
    from tsclab.models import ThinFilmModel

    film = ThinFilmModel(material="Bi2Se3-NP09", m=2, lam=lam, inplane="square")
    C = chern_number(film, 48, kind="normal")
    N = chern_number(film, 48)
    assert C.resolved and N.resolved
    assert C.N == -int(np.sign(lam)) and N.N == 2 * C.N


def test_non_periodic_model_is_refused():
    from tsclab.errors import ParameterError
    from tsclab.models import TwoSurfaceModel

    with pytest.raises(ParameterError, match="lattice-periodic"):
        chern_number(TwoSurfaceModel(form="continuum", lam=0.3), 24)


@pytest.mark.parametrize(
    "kw",
    [
        {"nk": "a"},
        {"nk": 2},
        {"n_refine": 0},
        {"resolution_factor": "a"},
        {"resolution_factor": -1.0},
    ],
)
def test_bad_arguments_are_parameter_errors(kw):
    from tsclab.errors import ParameterError
    from tsclab.models import make_model
    from tsclab.topology import chern_number

    with pytest.raises(ParameterError):
        chern_number(make_model("two-surface", lam=0.3, delta_b=0.1), **kw)
