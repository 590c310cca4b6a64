"""Two-surface model: BdG symmetries (hypothesis) and the analytic k = 0 closings (PHYSICS §2.3).

Known answers: particle-hole symmetry of the Nambu construction; the closed forms of §2.3
(mu = V = 0, bottom-only pairing, equal pairing, decoupled surfaces); det H_BdG(k=0) = 0 at the
critical exchange fields (an independent numerical check of the quartic).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tsclab.models import TwoSurfaceModel, check_bdg_symmetries, critical_exchange, make_model

energy = st.floats(-0.5, 0.5, allow_nan=False, allow_infinity=False)
positive = st.floats(0.01, 0.3, allow_nan=False, allow_infinity=False)


@settings(max_examples=40, deadline=None)
@given(A=st.floats(0.2, 2.0), B=st.floats(-2.0, 2.0), m0=energy, lam=energy, V=energy, mu=energy,
       dt=energy, db=energy, seed=st.integers(0, 2**31 - 1))  # fmt: skip
def test_bdg_hermitian_and_particle_hole(A, B, m0, lam, V, mu, dt, db, seed):
    m = TwoSurfaceModel(A=A, B=B, m0=m0, lam=lam, V=V, mu=mu, delta_t=dt, delta_b=db)
    k = np.random.default_rng(seed).uniform(-np.pi, np.pi, size=(2, 16))
    report = check_bdg_symmetries(m.bdg_hamiltonian, k[0], k[1])
    assert report.ok(1e-10), report


@settings(max_examples=40, deadline=None)
@given(m0=energy, V=energy, mu=energy, dt=positive, db=positive)
def test_k0_closing_is_a_zero_of_the_bdg_determinant(m0, V, mu, dt, db):
    """At lam = lam_c,+- the k = 0 BdG spectrum contains 0 (relative to its scale)."""
    lo, hi = critical_exchange(m0, V, mu, dt, db)
    for lam in (float(lo), float(hi)):
        m = TwoSurfaceModel(m0=m0, lam=lam, V=V, mu=mu, delta_t=dt, delta_b=db)
        e = np.linalg.eigvalsh(m.bdg_hamiltonian(0.0, 0.0))
        assert np.abs(e).min() < 1e-7 * max(1.0, np.abs(e).max())


@pytest.mark.parametrize("m0", [0.2, -0.2, 0.05])
@pytest.mark.parametrize(("dt", "db"), [(0.0, 0.1), (0.03, 0.1), (0.1, 0.1)])
def test_closed_form_mu_v_zero(m0, dt, db):
    lo, hi = critical_exchange(m0, 0.0, 0.0, dt, db)
    centre = np.sqrt(m0**2 + ((dt + db) / 2) ** 2)
    assert lo == pytest.approx(centre - abs(dt - db) / 2, abs=1e-12)
    assert hi == pytest.approx(centre + abs(dt - db) / 2, abs=1e-12)
    assert hi - lo == pytest.approx(abs(dt - db), abs=1e-12)  # N = 1 window width


def test_bottom_only_pairing_product_and_difference():
    lo, hi = critical_exchange(0.2, 0.0, 0.0, 0.0, 0.1)
    assert lo * hi == pytest.approx(0.2**2, rel=1e-12)
    assert hi - lo == pytest.approx(0.1, rel=1e-12)


@pytest.mark.parametrize(("V", "mu"), [(0.0, 0.05), (0.05, 0.0), (0.07, -0.03)])
def test_equal_pairing_closed_form(V, mu):
    d = 0.1
    lo, hi = critical_exchange(0.2, V, mu, d, d)
    r = np.sqrt(0.2**2 + V**2)
    assert lo**2 == pytest.approx((r - abs(mu)) ** 2 + d**2, rel=1e-10)
    assert hi**2 == pytest.approx((r + abs(mu)) ** 2 + d**2, rel=1e-10)


def test_decoupled_surfaces():
    V, mu, dt, db = 0.04, 0.01, 0.05, 0.1
    lo, hi = critical_exchange(0.0, V, mu, dt, db)
    expected = sorted([np.sqrt((V - mu) ** 2 + dt**2), np.sqrt((-V - mu) ** 2 + db**2)])
    assert [float(lo), float(hi)] == pytest.approx(expected, rel=1e-10)


def test_section_2_4_critical_values():
    """Table §2.4 (PHYSICS.md): case A and B critical exchange fields."""
    assert [float(x) for x in critical_exchange(0.2, 0, 0, 0, 0.1)] == pytest.approx(
        [0.15616, 0.25616], abs=1e-5
    )
    assert [float(x) for x in critical_exchange(0.2, 0, 0, 0.1, 0.1)] == pytest.approx(
        [0.22361, 0.22361], abs=1e-5
    )


def test_registry_builds_the_checked_form():
    m = make_model("two-surface", lam=0.3)
    assert m.form == "lattice" and m.n_orbitals == 4


@pytest.mark.parametrize("bad", ["abc", None, 1j, float("nan"), float("inf")])
def test_bad_parameter_values_are_parameter_errors(bad):
    from tsclab.errors import ParameterError

    with pytest.raises(ParameterError, match="lam"):
        TwoSurfaceModel(lam=bad)
