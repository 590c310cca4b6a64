"""Parameter sets of the four-band model and their validity tests (PHYSICS.md §1.2–1.4)."""

from __future__ import annotations

import math

import pytest

from tsclab.errors import ParameterError
from tsclab.models.materials import (
    MATERIALS,
    check_material,
    get_material,
    interpolate_bst,
    min_sites_per_ql,
)


def test_np09_derived_quantities():
    # E_D = C + D1 M / B1 and v_D = A2 sqrt(1 - (D1/B1)^2) (Liu et al. PRB 82, 045122 (2010)),
    # evaluated by hand from the NP09 numbers: -0.0068 + 1.3*0.28/10, 4.1*sqrt(1 - 0.0169).
    p = get_material("Bi2Se3-NP09")
    assert p.verified
    assert p.dirac_energy_eV == pytest.approx(0.0296, abs=1e-12)
    assert p.dirac_velocity_eVA == pytest.approx(4.1 * math.sqrt(1 - 0.13**2), rel=1e-12)
    assert p.ql_thickness_A == pytest.approx(28.64 / 3)


@pytest.mark.parametrize(
    ("name", "re_k", "im_k"),
    [("Bi2Se3-NP09", (0.111, 0.111), (0.125, -0.125)), ("Bi2Se3-L10", (0.524, 0.078), (0, 0))],
)
def test_decay_constants(name, re_k, im_k):
    # PHYSICS.md §1.3 [V]: NP09 complex pair, L10 real pair.
    k1, k2 = MATERIALS[name].decay_constants_invA
    assert (k1.real, k2.real) == pytest.approx(re_k, abs=1.5e-3)
    assert (k1.imag, k2.imag) == pytest.approx(im_k, abs=1.5e-3)


@pytest.mark.parametrize(
    ("name", "mass"),
    [("Bi2Se3-NP09", -0.159), ("Bi2Se3-L10", -0.021), ("Bi2Te3-L10", 0.192),
     ("Sb2Te3-L10", -0.543)],
)  # fmt: skip
def test_lattice_mass_one_site_per_ql(name, mass):
    assert MATERIALS[name].lattice_mass_eV(1) == pytest.approx(mass, abs=1.5e-3)


def test_marginal_lattice_mass_refused_with_advice():
    with pytest.raises(ParameterError, match=r"z-lattice mass test failed.*use n_sub >= 2"):
        get_material("Bi2Se3-L10", n_sub=1)
    assert get_material("Bi2Se3-L10", n_sub=2).name == "Bi2Se3-L10"
    assert min_sites_per_ql(MATERIALS["Bi2Se3-NP09"]) == 1


def test_surface_state_condition_refuses_bi2te3():
    with pytest.raises(ParameterError, match=r"surface-state test failed: \|D1\|"):
        get_material("Bi2Te3")


def test_band_inversion_refused():
    trivial = MATERIALS["Bi2Se3-NP09"].replace(M=-0.28, name="trivial")
    with pytest.raises(ParameterError, match="band-inversion test failed"):
        check_material(trivial)


def test_square_lattice_test():
    p = MATERIALS["Bi2Se3-NP09"]
    check_material(p, inplane="square")  # 4 B2 / a^2 ~ 13 eV >> M
    with pytest.raises(ParameterError, match="square-lattice test failed"):
        check_material(p, inplane="square", a_inplane_A=40.0)


def test_unknown_material():
    with pytest.raises(ParameterError, match="unknown material"):
        get_material("Unobtainium")
    with pytest.raises(ParameterError, match="BST:x"):
        get_material("BST:abc")


def test_vca_interpolation():
    sb = interpolate_bst(1.0)
    ref = MATERIALS["Sb2Te3-L10"]
    for key in ("M", "A1", "A2", "B1", "B2", "C", "D1", "D2", "a_A", "c_A"):
        assert getattr(sb, key) == pytest.approx(getattr(ref, key))
    mid = interpolate_bst(0.5)
    bi = MATERIALS["Bi2Te3-L10"]
    assert mid.D1 == pytest.approx(0.5 * (bi.D1 + ref.D1))
    # Sb-rich alloys pass (D1/B1 small), Bi-rich ones inherit the Bi2Te3 failure.
    assert get_material("BST:0.9").name.startswith("(Bi0.1Sb0.9)")
    with pytest.raises(ParameterError, match="surface-state"):
        get_material("BST:0.2")
    with pytest.raises(ParameterError, match="Sb fraction"):
        interpolate_bst(1.5)


def test_non_finite_parameter():
    with pytest.raises(ParameterError):
        MATERIALS["Bi2Se3-NP09"].replace(M=float("nan"))
