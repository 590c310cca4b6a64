"""Proximity: induced gap vs m, penetration, pseudospin texture, singlet/triplet."""

from __future__ import annotations

import numpy as np
import pytest

from tsclab.errors import ParameterError
from tsclab.models import ThinFilmModel, bdg_hamiltonian
from tsclab.models.pauli import SX, SY, SZ
from tsclab.proximity import (
    anomalous_amplitude,
    fermi_momentum_top,
    induced_gap,
    induced_gap_vs_thickness,
    layer_ldos,
    layer_resolved_spectrum,
    min_abs_energy_on_grid,
    pseudospin_expectation,
    singlet_triplet,
    singlet_triplet_film,
    singlet_triplet_vs_V,
    spin_texture,
    surface_state_penetration,
)

NP09_C = -0.0068  # C of the NP09 set, eV (mu is quoted relative to it in PHYSICS.md §3.3)


def _film(**kw):
    base = {"delta0": 0.01, "mu": NP09_C + 0.10}
    base.update(kw)
    return ThinFilmModel(**base)


# -- induced gap ----------------------------------------------------------------------------------
def test_induced_gap_regression_np09():
    # PHYSICS.md §3.3 / Appendix A #11 (independent implementation, printed to 3 significant
    # digits): 10.0, 0.427, 0.0426 meV for m = 1..3, k_F ~ 0.0150 1/A. Tolerance: half a unit
    # of the last printed digit.
    ds = induced_gap_vs_thickness(_film(), [1, 2, 3], k_max_invA=0.1, n_coarse=200)
    np.testing.assert_allclose(ds.gap_meV, [10.0, 0.427, 0.0426], rtol=1.2e-3)
    assert ds.gap_meV.attrs["units"] == "meV"
    assert bool(ds.defined.all())
    assert ds.k_invA.sel(m=3) == pytest.approx(0.0150, abs=1e-4)
    assert float(ds.w_top.sel(m=3)) > 0.9


def test_induced_gap_m1_equals_delta0_and_decays_monotonically():
    # m = 1: the whole film is the paired layer, so the gap is Delta0 once mu is in a band.
    ds = induced_gap_vs_thickness(_film(), [1, 2, 3, 4], k_max_invA=0.1, n_coarse=200)
    assert ds.gap_meV.sel(m=1) == pytest.approx(10.0, rel=1e-9)
    assert np.all(np.diff(ds.gap_meV.values) < 0)


def test_induced_gap_bounded_by_perturbative_estimate():
    # Delta_top <~ Delta0 W_1 with W_1 the interface-layer weight of the TSS at k_F (§3.3).
    film = _film(m=3)
    w1 = float(surface_state_penetration(film).bottom_weight)
    gap = induced_gap(film, k_max_invA=0.1, n_coarse=200).gap_meV
    assert gap <= 10.0 * w1 * 1.01
    assert gap >= 10.0 * w1 / 10.0


def test_automatic_scan_range_covers_the_fermi_momenta():
    # mu in the conduction subbands: k_F ~ 0.06 1/A, beyond a fixed 0.05 range
    film = _film(m=4, mu=NP09_C + 0.35)
    auto = induced_gap(film, n_coarse=200)
    assert 0.05 < auto.k_invA < 0.08
    assert "at_scan_edge" not in auto.flags
    short = induced_gap(film, k_max_invA=0.05, n_coarse=200)
    assert short.gap_meV > auto.gap_meV


def test_refinement_beats_grid_minimum():
    film = _film(m=2)
    k = np.linspace(0.0, 0.1, 50)
    grid = 1e3 * min_abs_energy_on_grid(film, k).min()
    refined = induced_gap(film, k_max_invA=0.1, n_coarse=50).gap_meV
    assert refined <= grid + 1e-12


def test_gap_vs_thickness_with_and_without_band_bending():
    ds = induced_gap_vs_thickness(_film(), [2, 3], V_values=[0.0, 0.05], n_coarse=100)
    assert ds.gap_meV.dims == ("V", "m")
    assert ds.V.attrs["units"] == "eV"
    np.testing.assert_allclose(ds.gap_meV.sel(V=0.0), [0.427, 0.0426], rtol=1.2e-3)
    assert not np.allclose(ds.gap_meV.sel(V=0.05), ds.gap_meV.sel(V=0.0), rtol=1e-3)


def test_band_bending_changes_gap_and_flags():
    flat = induced_gap(_film(m=3), k_max_invA=0.1, n_coarse=150)
    bent = induced_gap(_film(m=3, V=0.05), k_max_invA=0.1, n_coarse=150)
    assert bent.gap_meV != pytest.approx(flat.gap_meV, rel=1e-3)
    none = induced_gap(_film(m=3), k_max_invA=0.1, n_coarse=20, w_threshold=1.01)
    assert none.gap_meV is None and none.flags == ("no_top_state",)
    with pytest.raises(ParameterError):
        induced_gap(_film(m=2), top="middle")


@pytest.mark.parametrize("m", [1, 4])  # dense-real path (m = 1) and banded path
def test_min_abs_energy_on_grid_equals_dense(m):
    film = _film(m=m, lam=0.01, V=0.03)
    k = np.linspace(0.0, 0.3, 17)
    dense = np.abs(np.linalg.eigvalsh(film.bdg_hamiltonian(k, 0 * k))).min(axis=-1)
    np.testing.assert_allclose(min_abs_energy_on_grid(film, k), dense, atol=1e-13)


# -- surface state --------------------------------------------------------------------------------
def test_fermi_momentum_matches_dirac_estimate():
    # Thick film, mu slightly above E_D: k_F ~ (mu - E_D)/v_D up to the k^2 term.
    film = ThinFilmModel(m=12, mu=0.0296 + 0.02)
    fc = fermi_momentum_top(film)
    p = film.params
    assert fc.k_invA == pytest.approx(0.02 / p.dirac_velocity_eVA, rel=0.05)
    assert fc.w_top > 0.99
    with pytest.raises(ParameterError, match="no band crosses"):
        fermi_momentum_top(ThinFilmModel(m=12, mu=0.0296), k_max_invA=0.001, n_scan=5)


@pytest.mark.parametrize(
    ("material", "n_sub", "which"), [("Bi2Se3-NP09", 4, 0), ("Bi2Se3-L10", 4, 1)]
)
def test_penetration_matches_semi_infinite_decay(material, n_sub, which):
    # The fit ln|psi|^2 = c - 2 (z_top - z)/ell gives the psi decay length ell, to compare with
    # 1/Re kappa of the semi-infinite solution (PHYSICS.md §1.3): NP09 complex pair
    # (1/Re kappa ~ 9.0 A), L10 real pair, slow component 1/kappa_2 ~ 12.8 A. kappa is the
    # k = 0, E = E_D value, so mu sits 3 meV above E_D (k_F ~ 1e-3 1/A; L10 has E_D close to
    # the band edge, where the decay slows quickly with energy). Tolerance 8 %: the fit window
    # (top half of the film) also sees the fast component near the surface.
    film = ThinFilmModel(material=material, m=8, n_sub=n_sub, mu=film_mu(material))
    ds = surface_state_penetration(film)
    kappa = film.params.decay_constants_invA[which]
    assert float(ds.density.sum()) == pytest.approx(1.0)
    assert bool(ds.decay_fit_ok)
    assert float(ds.decay_length_A) == pytest.approx(1 / kappa.real, rel=0.08)
    assert float(ds.bottom_weight) < 1e-2
    assert ds.z_A.attrs["units"] == "Angstrom"


def film_mu(material):
    """A chemical potential 3 meV above the Dirac point."""
    from tsclab.models.materials import get_material

    return get_material(material, n_sub=4).dirac_energy_eV + 0.003


def test_pseudospin_single_dirac_surface_analytic():
    # h = v (ky sx - kx sy) + lam sz embedded on orbital P1 of one site: <sz> = lam/E,
    # tan(theta) = lam/(v k) (PHYSICS.md §3.5, Appendix A #12).
    v, lam, kx, ky = 3.0, 0.02, 0.01, 0.004
    h = v * (ky * SX - kx * SY) + lam * SZ
    e, u = np.linalg.eigh(h)
    state = np.zeros(4, dtype=complex)
    state[[0, 2]] = u[:, 1]  # upper band
    s = pseudospin_expectation(state, 1)
    k = np.hypot(kx, ky)
    assert s[2] == pytest.approx(lam / e[1], rel=1e-12)
    assert s[2] / np.hypot(s[0], s[1]) == pytest.approx(lam / (v * k), rel=1e-12)
    # spin perpendicular to k (helical): s . k = 0
    assert s[0] * kx + s[1] * ky == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("lam", [0.01, 0.03])
def test_film_spin_texture_tilt(lam):
    film = ThinFilmModel(m=14, lam=lam, mu=0.0296 + 0.04)
    ds = spin_texture(film, n_angles=4)
    kf = ds.attrs["k_F_invA"]
    expected = np.degrees(np.arctan(lam / (film.params.dirac_velocity_eVA * kf)))
    np.testing.assert_allclose(ds.tilt_surface_deg, expected, rtol=0.01)
    np.testing.assert_allclose(np.abs(ds.winding), 90.0, atol=1e-3)  # helical
    np.testing.assert_allclose(ds.sz, ds.sz[0], atol=1e-9)  # isotropic
    assert ds.tilt_deg.attrs["units"] == "deg"


# -- singlet / triplet ----------------------------------------------------------------------------
@pytest.mark.parametrize(("kx", "ky"), [(0.4, 0.3), (-0.2, 0.5), (0.55, 0.0)])
def test_gorkov_rashba(kx, ky):
    t, mu, alpha, delta = 1.0, 0.3, 0.2, 0.05

    def h(qx, qy):
        return (t * (qx**2 + qy**2) - mu) * np.eye(2) + alpha * (qy * SX - qx * SY)

    f = anomalous_amplitude(bdg_hamiltonian(h(kx, ky), h(-kx, -ky), delta * 1j * SY))
    psi, d = singlet_triplet(f)
    k = np.hypot(kx, ky)
    xi = t * k**2 - mu
    ep, em = np.hypot(xi + alpha * k, delta), np.hypot(xi - alpha * k, delta)
    assert psi == pytest.approx(delta / 4 * (1 / ep + 1 / em), abs=1e-12)
    expected_d = delta / 4 * (1 / ep - 1 / em) * np.array([ky, -kx, 0.0]) / k
    np.testing.assert_allclose(d, expected_d, atol=1e-12)


def test_film_pair_amplitude_parity_and_temperature():
    film = ThinFilmModel(m=3, delta0=0.01, mu=0.09, V=0.05)
    a = singlet_triplet_film(film, 0.015, 0.004)
    b = singlet_triplet_film(film, -0.015, -0.004)
    np.testing.assert_allclose(a.psi, b.psi, atol=1e-12)  # singlet even in k
    np.testing.assert_allclose(a.d, -b.d, atol=1e-12)  # triplet odd in k
    assert float(np.abs(a.psi).max()) > 0
    hot = singlet_triplet_film(film, 0.015, 0.004, temperature_K=300.0)
    assert float(np.abs(hot.psi).max()) < float(np.abs(a.psi).max())


# -- LDOS -----------------------------------------------------------------------------------------
def test_ldos_sum_rule():
    # Completeness of the BdG states: int rho_j dE = 4 k_max^2 / (4 pi) per site (four
    # orbitals); outside the window +-8 eV the Lorentzian tails (eta = 4 meV) hold ~3e-4.
    film = ThinFilmModel(m=2, delta0=0.01, mu=0.09)
    e = np.linspace(-8.0, 8.0, 8001)
    ds = layer_ldos(film, e, k_max_invA=0.05, n_k=120, eta_eV=4e-3)
    total = np.trapezoid(ds.ldos.values, e, axis=0)
    np.testing.assert_allclose(total, 4 * 0.05**2 / (4 * np.pi), rtol=1e-3)
    assert ds.ldos.attrs["units"] == "1/(eV Angstrom^2)"


def test_ldos_shows_the_gap_and_flags_coarse_grids():
    film = ThinFilmModel(m=1, delta0=0.01, mu=0.09)
    e = np.linspace(-0.03, 0.03, 61)
    ds = layer_ldos(film, e, k_max_invA=0.05, n_k=3000, eta_eV=2e-4)
    rho = ds.ldos.isel(layer=0)
    assert ds.attrs["under_resolved"] == 0
    # coherence peak at +Delta0 (the state at mu is electron-like), no states inside the gap
    assert float(rho.sel(energy=0.0, method="nearest")) < 0.02 * float(rho.max())
    assert abs(float(e[int(np.argmax(rho.values))])) == pytest.approx(0.010, abs=1.5e-3)
    coarse = layer_ldos(film, e, k_max_invA=0.05, n_k=20, eta_eV=2e-4)
    assert coarse.attrs["under_resolved"] == 1
    with pytest.raises(ParameterError):
        layer_ldos(film, e, eta_eV=0.0)


def test_swept_parameters_refused():
    film = ThinFilmModel(m=2, delta0=0.01, mu=np.array([0.05, 0.09]))
    for fn in (induced_gap, fermi_momentum_top, surface_state_penetration):
        with pytest.raises(ParameterError, match="one film"):
            fn(film)
    with pytest.raises(ParameterError, match="one film"):
        singlet_triplet_film(film, 0.01, 0.0)
    with pytest.raises(ParameterError, match="one film"):
        layer_ldos(film, [0.0])


def test_layer_resolved_spectrum_and_result_record():
    film = ThinFilmModel(m=3, delta0=0.01, mu=0.09, V=0.03)
    k = np.linspace(0.0, 0.05, 5)
    full = layer_resolved_spectrum(film, k)
    near = layer_resolved_spectrum(film, k, n_pairs=2)
    h = full.sizes["band"] // 2
    np.testing.assert_allclose(near.energy_eV, full.energy_eV[:, h - 2 : h + 2], atol=1e-12)
    np.testing.assert_allclose(full.weight.sum("layer"), 1.0)
    assert full.k.attrs["units"] == "1/Angstrom"
    normal = layer_resolved_spectrum(film, k, bdg=False)
    assert normal.sizes["band"] == 12
    rec = induced_gap(_film(m=2), n_coarse=100).to_result(sample="(2,20)")
    assert rec.quantity == "delta_top_meV" and rec.unit == "meV"
    assert rec.value == pytest.approx(0.427, rel=1.2e-3)


def test_film_triplet_is_helical_on_the_top_surface():
    # lam = 0 keeps time reversal: d is in-plane and perpendicular to k (d || g(k) = (ky, -kx)),
    # and on the top layer, where only the helical surface band crosses mu, |d| = |psi|
    # (one spin-momentum-locked band: Gor'kov-Rashba with a single band at the Fermi level).
    ds = singlet_triplet_vs_V(ThinFilmModel(m=5, delta0=0.01, mu=0.0932), [0.02, 0.05])
    d = np.abs(ds.d.values)  # (V, layer, orbital, component), k along x
    assert d[..., 0].max() < 1e-9 * d[..., 1].max()
    assert d[..., 2].max() < 1e-9 * d[..., 1].max()
    top = ds.triplet_ratio.isel(layer=-1)
    np.testing.assert_allclose(top, 1.0, atol=0.02)
    assert ds.k_F_invA.attrs["units"] == "1/Angstrom"
    assert ds.triplet_ratio.dims == ("V", "layer", "orbital")


def test_band_gap_at_mu_is_not_reported_as_an_induced_gap():
    """mu inside a hybridization gap of the film: min |E| of the BdG spectrum is the band gap
    (it is there with the pairing switched off), so no proximity gap is reported."""
    from tsclab.models import ThinFilmModel, get_material
    from tsclab.proximity import induced_gap

    p = get_material("Sb2Te3-L10")
    film = ThinFilmModel(material="Sb2Te3-L10", m=4, delta0=0.01, mu=p.C + 0.05, V=0.1)
    r = induced_gap(film, k_max_invA=0.12, n_coarse=150)
    assert r.gap_meV is None and r.flags == ("normal_state_gap",)


def test_array_pairing_profile_is_checked_like_the_interface_profile():
    """An array pairing profile (delta0 ignored) must give the same gap as the equivalent
    interface profile, and a band gap must still be recognized."""
    import numpy as np

    from tsclab.models import ThinFilmModel, get_material
    from tsclab.proximity import induced_gap

    mu = get_material("Bi2Se3-NP09").C + 0.10
    ref = induced_gap(ThinFilmModel(m=3, delta0=0.01, mu=mu), k_max_invA=0.05, n_coarse=150)
    arr = induced_gap(
        ThinFilmModel(m=3, delta0=0.0, mu=mu, delta_profile=np.array([0.01, 0, 0])),
        k_max_invA=0.05,
        n_coarse=150,
    )
    assert arr.gap_meV == pytest.approx(ref.gap_meV, rel=1e-6)
    p = get_material("Sb2Te3-L10")
    film = ThinFilmModel(
        material="Sb2Te3-L10",
        m=4,
        delta0=0.0,
        mu=p.C + 0.05,
        V=0.1,
        delta_profile=np.array([0.01, 0, 0, 0]),
    )
    assert induced_gap(film, k_max_invA=0.12, n_coarse=150).flags == ("normal_state_gap",)


def test_v_on_an_array_potential_is_refused():
    import numpy as np

    from tsclab.errors import ParameterError
    from tsclab.models import ThinFilmModel

    with pytest.raises(ParameterError, match="array"):
        ThinFilmModel(m=3, V_profile=np.array([-0.01, 0.0, 0.01]), V=0.05).potential()
