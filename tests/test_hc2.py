"""Tests of tsclab.superconductivity.hc2 against analytic limits and published numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tsclab.errors import ParameterError
from tsclab.paper_values import paper_value
from tsclab.results import Result
from tsclab.superconductivity import hc2 as h
from tsclab.units import FLUX_QUANTUM_WB

# ------------------------------------------------------------------ GL thin film


def test_gl_known_numbers():
    # PHYSICS.md §4.3 / Appendix A #17 (independent arithmetic): ξ = 2.2 nm -> 68.0 T (⊥),
    # with d = 10.4 nm -> 49.8 T (∥); at 1.5 K with Tc = 12.4 K: 59.8 T and 46.7 T.
    assert float(h.hc2_perp_gl(0.0, 2.2, 12.4)) == pytest.approx(68.0, abs=0.05)
    assert float(h.hc2_par_gl(0.0, 2.2, 10.4, 12.4)) == pytest.approx(49.8, abs=0.05)
    assert float(h.hc2_perp_gl(1.5, 2.2, 12.4)) == pytest.approx(59.8, abs=0.05)
    assert float(h.hc2_par_gl(1.5, 2.2, 10.4, 12.4)) == pytest.approx(46.7, abs=0.05)
    # zero above Tc, not negative
    assert float(h.hc2_perp_gl(13.0, 2.2, 12.4)) == 0.0
    assert float(h.hc2_par_gl(13.0, 2.2, 10.4, 12.4)) == 0.0


def test_gl_flux_quantum_identity():
    # H⊥ ξ² 2π = Φ0 (1 - t) for any ξ: dimension and constant check
    xi = 7.0
    H = float(h.hc2_perp_gl(0.0, xi, 5.0))
    assert H * 2 * math.pi * (xi * 1e-9) ** 2 == pytest.approx(FLUX_QUANTUM_WB, rel=1e-12)


def test_xi_of_t_window():
    # d = ξ(T) exactly at 1 - t = (ξ/d)^2 (PHYSICS.md §4.3: ~0.045 for 2.2/10.4)
    tc = 12.4
    t_edge = tc * (1 - (2.2 / 10.4) ** 2)
    assert float(h.xi_gl_of_T_nm(t_edge, 2.2, tc)) == pytest.approx(10.4, rel=1e-12)
    assert np.isinf(h.xi_gl_of_T_nm(tc, 2.2, tc))


@pytest.mark.parametrize("xi, d, tc", [(2.2, 10.4, 12.4), (8.0, 3.0, 4.0), (15.0, 5.0, 7.2)])
def test_fit_gl_round_trip(rng, xi, d, tc):
    # 1% Gaussian noise on the fields; tolerance 5% (acceptance), errors must cover the truth
    T = np.linspace(0.80 * tc, 0.98 * tc, 10)
    Hp = h.hc2_perp_gl(T, xi, tc)
    Hq = h.hc2_par_gl(T, xi, d, tc)
    Hp_n = Hp * (1 + 0.01 * rng.standard_normal(T.size))
    Hq_n = Hq * (1 + 0.01 * rng.standard_normal(T.size))
    fit = h.fit_gl_2d(T, Hp_n, T, Hq_n, hc2_perp_err_T=0.01 * Hp, hc2_par_err_T=0.01 * Hq)
    assert fit.success
    assert fit.xi_gl_nm == pytest.approx(xi, rel=0.05)
    assert fit.d_sc_nm == pytest.approx(d, rel=0.05)
    assert fit.tc_K == pytest.approx(tc, abs=0.05 * tc)
    assert abs(fit.xi_gl_nm - xi) < 5 * fit.xi_gl_stderr_nm
    assert abs(fit.d_sc_nm - d) < 5 * fit.d_sc_stderr_nm
    q = {r.quantity: r for r in fit.records}
    assert set(q) == {"xi_gl_nm", "d_sc_nm", "tc_gl_K"}
    assert q["xi_gl_nm"].unit == "nm" and q["xi_gl_nm"].stderr > 0


def test_fit_gl_flags_points_outside_2d_window():
    # ξ = 2.2, d = 10.4: only within ~0.55 K of Tc is d < ξ(T)
    tc = 12.4
    T = np.linspace(9.0, 12.3, 12)
    fit = h.fit_gl_2d(T, h.hc2_perp_gl(T, 2.2, tc), T, h.hc2_par_gl(T, 2.2, 10.4, tc))
    expected = 10.4 >= h.xi_gl_of_T_nm(T, 2.2, tc)
    assert np.array_equal(fit.outside_window, expected)
    assert expected.any() and not expected.all()
    d = next(r for r in fit.records if r.quantity == "d_sc_nm")
    assert "outside_2d_gl_window" in d.flags
    assert d.extra["n_outside_2d_gl_window"] == int(expected.sum())
    # and a thin film inside the window is clean
    fit2 = h.fit_gl_2d(T, h.hc2_perp_gl(T, 20.0, tc), T, h.hc2_par_gl(T, 20.0, 3.0, tc))
    assert not fit2.outside_window.any()


def test_fit_gl_perp_only_and_fixed_tc():
    T = np.array([10.0, 11.0, 12.0])
    fit = h.fit_gl_2d(T, h.hc2_perp_gl(T, 3.0, 12.4), tc_K=12.4)
    assert fit.xi_gl_nm == pytest.approx(3.0, rel=1e-6)
    assert fit.d_sc_nm is None
    assert [r.quantity for r in fit.records] == ["xi_gl_nm", "tc_gl_K"]


def test_fit_gl_bad_input():
    with pytest.raises(ParameterError):
        h.fit_gl_2d([1.0, 2.0], [1.0, 0.5])  # Tc free needs 3 points
    with pytest.raises(ParameterError):
        h.fit_gl_2d([1.0, 2.0, 3.0], [1.0, -0.5, 0.2])
    with pytest.raises(ParameterError):
        h.fit_gl_2d([1.0, 2.0], [1.0])
    with pytest.raises(ParameterError):
        h.hc2_perp_gl(1.0, -2.0, 5.0)
    # NaNs are dropped, not propagated
    T = np.array([10.0, np.nan, 11.0, 11.5, 12.0])
    fit = h.fit_gl_2d(T, h.hc2_perp_gl(np.nan_to_num(T), 3.0, 12.4))
    assert fit.xi_gl_nm == pytest.approx(3.0, rel=1e-6)


# ------------------------------------------------------------------ angular


def test_angular_limits_and_cusp():
    hp, hq = 2.0, 12.0
    for fn in (h.hc2_angle_tinkham, h.hc2_angle_gl3d):
        assert fn(0.0, hp, hq) == pytest.approx(hp)
        assert fn(90.0, hp, hq) == pytest.approx(hq)
        assert fn(180.0, hp, hq) == pytest.approx(hp)
    # Tinkham satisfies its defining equation
    th = np.linspace(0, 180, 73)
    H = h.hc2_angle_tinkham(th, hp, hq)
    r = np.deg2rad(th)
    lhs = np.abs(H * np.cos(r) / hp) + (H * np.sin(r) / hq) ** 2
    assert np.allclose(lhs, 1.0, atol=1e-12)
    # the 2D form has a cusp at 90° (finite one-sided slope), the 3D form is smooth
    eps = 1e-3
    s2d = (h.hc2_angle_tinkham(90.0, hp, hq) - h.hc2_angle_tinkham(90 - eps, hp, hq)) / eps
    s3d = (h.hc2_angle_gl3d(90.0, hp, hq) - h.hc2_angle_gl3d(90 - eps, hp, hq)) / eps
    assert s2d > 0.5 and abs(s3d) < 1e-2  # T per degree


@pytest.mark.parametrize("truth", ["tinkham_2d", "gl_3d"])
def test_angular_comparison_picks_the_generating_model(rng, truth):
    th = np.concatenate([np.linspace(0, 80, 9), np.linspace(82, 98, 17), [110, 140, 180]])
    fn = h.hc2_angle_tinkham if truth == "tinkham_2d" else h.hc2_angle_gl3d
    H = fn(th, 2.0, 12.0)
    err = 0.01 * H
    Hn = H + err * rng.standard_normal(th.size)
    cmp = h.compare_angular_models(th, Hn, err)
    assert cmp.preferred == truth
    hp, hq = cmp.params[truth]
    assert hp == pytest.approx(2.0, rel=0.02) and hq == pytest.approx(12.0, rel=0.02)
    assert cmp.records[0].extra["preferred_model"] == truth


def test_angular_isotropic_prefers_gl3d_with_gamma_one(rng):
    # an isotropic H_c2 (as at 1.5 K in the paper) is the γ = 1 case of 3D GL; the Tinkham film
    # form cannot be isotropic
    th = np.linspace(0, 180, 37)
    err = np.full(th.size, 0.2)
    H = 44.0 + err * rng.standard_normal(th.size)
    cmp = h.compare_angular_models(th, H, err)
    assert cmp.preferred == "gl_3d"
    hp, hq = cmp.params["gl_3d"]
    assert hq / hp == pytest.approx(1.0, abs=0.02)


def test_angular_inconclusive_without_data_near_90():
    # data only near the normal cannot see the cusp: both models fit equally
    th = np.linspace(0, 30, 7)
    H = h.hc2_angle_gl3d(th, 2.0, 10.0)
    cmp = h.compare_angular_models(th, H, np.full(th.size, 0.05))
    assert cmp.preferred == "inconclusive"
    assert "model_inconclusive" in cmp.records[0].flags


# ------------------------------------------------------------------ WHH


def test_whh_dirty_coefficient_closed_form():
    # (π²/8) e^{-γ_E} = 0.6927 (WHH 1966)
    assert h.WHH_DIRTY_COEFFICIENT == pytest.approx(0.69267, abs=1e-5)
    assert h.whh_reduced_field(1e-4) == pytest.approx(h.WHH_DIRTY_COEFFICIENT, abs=1e-6)
    assert round(h.whh_reduced_field(1e-3), 3) == 0.693


def test_whh_pauli_known_answer():
    # PHYSICS.md §4.4 / Appendix A #19: α = 2.9, λ_so = 0 -> 0.226
    assert h.whh_reduced_field(1e-3, alpha=2.9) == pytest.approx(0.226, abs=1e-3)
    # strong spin-orbit scattering restores most of the orbital value
    v = h.whh_reduced_field(1e-3, alpha=2.9, lambda_so=50.0)
    assert 0.6 < v < h.WHH_DIRTY_COEFFICIENT


def test_whh_slope_at_tc_is_minus_one():
    # by construction h*(t) ≈ 1 - t near t = 1 (h* is in units of Tc |dHc2/dT|)
    t = 1 - 1e-4
    assert h.whh_reduced_field(t) == pytest.approx(1e-4, rel=2e-3)
    assert h.whh_reduced_field(1.0) == 0.0


@settings(max_examples=25, deadline=None)
@given(
    hbar=st.floats(0.01, 2.0),
    t=st.floats(0.05, 0.99),
    alpha=st.floats(0.0, 4.0),
    lam=st.floats(0.0, 20.0),
)
def test_whh_digamma_equals_direct_sum(hbar, t, alpha, lam):
    # closed digamma form == truncated Matsubara sum + its 1/N tail (independent evaluation)
    n = 20000
    direct = h._whh_sum_direct(hbar, t, alpha, lam, n)
    # tail Σ_{k>2n} 2[(a + ...)/k²] ≈ (a + α²a²/... ) / (2n): leading term of the remainder
    a = hbar / t
    tail = 2 * (a) / (2 * (2 * n))  # Σ_{k odd ≥ K} 2a/k² ≈ a/K, K = 2n+1
    digam = h._whh_sum_digamma(hbar, t, alpha, lam)
    assert digam == pytest.approx(direct + tail, rel=1e-4, abs=1e-6)


def test_whh_degenerate_root_branch():
    # λ_so = 2 α h̄ makes the two roots coincide; the double-root formula must be continuous
    hbar, t, alpha = 0.2, 0.5, 1.0
    lam = 2 * alpha * hbar
    v0 = h._whh_sum_digamma(hbar, t, alpha, lam)
    v1 = h._whh_sum_digamma(hbar, t, alpha, lam * (1 + 1e-6))
    assert v0 == pytest.approx(v1, rel=1e-5)


def test_whh_monotone_and_bad_input():
    t = np.linspace(0.05, 0.95, 7)
    v = h.whh_reduced_field(t, alpha=1.0, lambda_so=2.0)
    assert np.all(np.diff(v) < 0)
    for bad in (0.0, -0.1, 1.5, np.nan):
        with pytest.raises(ParameterError):
            h.whh_reduced_field(bad)
    with pytest.raises(ParameterError):
        h.whh_reduced_field(0.5, alpha=-1)


def test_orbital_estimate_and_maki_alpha_worked_example():
    # PHYSICS.md §4.4 worked example: ξ = 2.2 nm, Tc = 12.4 K -> slope 5.48 T/K,
    # H_orb(0) ≈ 47 T, α ≈ 2.9, Pauli-limited WHH ≈ 15 T
    tc = 12.4
    slope = FLUX_QUANTUM_WB / (2 * math.pi * (2.2e-9) ** 2 * tc)
    assert slope == pytest.approx(5.48, abs=0.01)
    horb = h.hc2_orbital_whh_T(tc, slope)
    assert horb == pytest.approx(47.1, abs=0.1)
    alpha = h.maki_alpha(horb, h.pauli_limit_T(tc, h.bcs_clogston_coefficient_T_per_K()))
    assert alpha == pytest.approx(2.9, abs=0.05)
    hpl = float(h.whh_hc2_T(0.01, tc, slope, alpha=alpha))
    assert 13.0 < hpl < 16.0


def test_slope_at_tc_recovers_line():
    T = np.array([10.0, 10.5, 11.0, 11.5])
    recs = h.hc2_slope_at_tc(T, 3.0 * (12.0 - T))
    assert recs[0].value == pytest.approx(-3.0) and recs[1].value == pytest.approx(12.0)


# ------------------------------------------------------------------ Pauli


def test_pauli_limit_coefficients():
    assert h.pauli_limit_T(1.0) == pytest.approx(1.84)
    # BCS g = 2 value 1.857 T/K (PHYSICS.md §4.4), derived from constants
    assert h.bcs_clogston_coefficient_T_per_K() == pytest.approx(1.857, abs=1e-3)
    # Clogston from Δ0 = 1.764 kB Tc gives the same
    from tsclab.units import K_B_MEV_PER_K

    d0 = math.pi * math.exp(-np.euler_gamma) * K_B_MEV_PER_K * 10.0
    assert h.clogston_limit_T(d0) == pytest.approx(10 * h.bcs_clogston_coefficient_T_per_K())


def test_paper_pauli_consistency():
    # the paper: 1.84 Tc ≈ 23.0 T implies Tc ≈ 12.5 K; Hc2 = 44.5 T at 1.5 K exceeds it
    hp_paper = paper_value("pauli_limit_T").value
    tc_implied = hp_paper / h.PAULI_LIMIT_T_PER_K
    assert tc_implied == pytest.approx(12.5, abs=0.05)
    assert h.pauli_limit_T(12.5) == pytest.approx(hp_paper, abs=0.05)
    hc2 = paper_value("hc2_T").value
    for tc in (paper_value("tc_onset_K", "(8,50)").value, tc_implied):
        recs = h.pauli_ratio(hc2, tc)
        ratio = next(r for r in recs if r.quantity == "hc2_over_pauli")
        assert ratio.value > 1.9
        assert "exceeds_pauli_limit" in ratio.flags


# ------------------------------------------------------------------ extraction from R(H)


def _loop(hc2, width, rn, n=201, noise=0.0, rng=None):
    H = np.concatenate([np.linspace(1, -1, n), np.linspace(-1, 1, n)])
    R = rn / (1 + np.exp(-(np.abs(H) - hc2) / width))
    if noise:
        R = R + noise * rn * rng.standard_normal(H.size)
    return H, R


def test_hc2_from_loop_all_four_halves(rng):
    H, R = _loop(0.45, 0.03, 0.47, noise=0.002, rng=rng)
    recs = h.hc2_from_field_sweep(H, R, fraction=0.5, temperature_K=2.0)
    assert len(recs) == 4
    sweeps = sorted(r.source["sweep"] for r in recs)
    assert sweeps == ["down,+H", "down,-H", "up,+H", "up,-H"]
    # the midpoint of the logistic is at hc2 (R_N slightly underestimated by the median of the
    # top 15%: tolerance 2 widths of 1%)
    for r in recs:
        assert r.value == pytest.approx(0.45, abs=0.005)
        assert r.stderr is not None and r.stderr < 0.01
        assert r.extra["temperature_K"] == 2.0
    # 90% criterion is higher in field
    r90 = h.hc2_from_field_sweep(H, R, fraction=0.9)
    assert all(a.value > b.value for a, b in zip(r90, recs, strict=True))


def test_hc2_from_sweep_bad_input_and_no_transition():
    H = np.linspace(-1, 1, 101)
    flat = np.ones_like(H)
    recs = h.hc2_from_field_sweep(H, flat)
    assert recs and all(r.value is None and "no_transition" in r.flags for r in recs)
    # superconducting at all fields: starts below the criterion at max field
    Rsc = np.where(np.abs(H) > 0.9, 0.2, 0.0)
    recs = h.hc2_from_field_sweep(H, Rsc, r_normal_ohm=1.0)
    assert all("not_normal_at_max_field" in r.flags for r in recs)
    with pytest.raises(ParameterError):
        h.hc2_from_field_sweep(H, flat, fraction=1.5)
    with pytest.raises(ParameterError):
        h.hc2_from_field_sweep(H, flat[:-1])
    Rn = 1 / (1 + np.exp(-(np.abs(H) - 0.5) / 0.02))
    Rn[::7] = np.nan
    recs = h.hc2_from_field_sweep(H, Rn)
    assert all("nan_points_dropped" in r.flags for r in recs)
    assert all(r.value == pytest.approx(0.5, abs=0.01) for r in recs)


# ------------------------------------------------------------------ full round trips


def test_round_trip_rh_loops_to_xi_and_dsc(rng):
    # forward: 2D GL Hc2(T) -> noisy R(H) loops (perp and par) at 8 temperatures near Tc;
    # inverse: Hc2 at 50 % R_N per loop -> joint GL fit; acceptance: xi, d_sc within 5 %
    xi, d, tc = 10.0, 5.0, 7.5
    temps = np.linspace(6.3, 7.3, 8)
    loop = np.concatenate([np.linspace(-1, 1, 401), np.linspace(1, -1, 401)])
    pts = {"perp": [], "par": []}
    for T in temps:
        for orient, fn in (("perp", hc2_perp_gl_T), ("par", hc2_par_gl_T)):
            hc = fn(T, xi, d, tc)
            H = 2.5 * hc * loop  # the sweep goes well into the normal state
            R = h.resistance_vs_field_ohm(
                H, hc, width_T=0.03 * hc + 0.02, r_normal_ohm=100.0, rng=rng, noise_ohm=0.3
            )
            recs = h.hc2_from_field_sweep(H, R, fraction=0.5, temperature_K=T)
            assert len(recs) == 4 and all(r.value is not None for r in recs)
            mean, err = h._mean_hc2(recs)
            pts[orient].append((T, mean, err))
    Tp, Hp, Ep = map(np.array, zip(*pts["perp"], strict=True))
    Tq, Hq, Eq = map(np.array, zip(*pts["par"], strict=True))
    fit = h.fit_gl_2d(Tp, Hp, Tq, Hq, hc2_perp_err_T=Ep, hc2_par_err_T=Eq)
    assert fit.xi_gl_nm == pytest.approx(xi, rel=0.05)
    assert fit.d_sc_nm == pytest.approx(d, rel=0.05)
    assert fit.tc_K == pytest.approx(tc, abs=0.05)


def hc2_perp_gl_T(T, xi, d, tc):
    return float(h.hc2_perp_gl(T, xi, tc))


def hc2_par_gl_T(T, xi, d, tc):
    return float(h.hc2_par_gl(T, xi, d, tc))


def test_hc2_point_from_rt_at_field(rng):
    # R(T) curves at fixed fields whose midpoint follows the GL line -> the GL line back
    xi, tc = 8.0, 6.0
    fields = [0.5, 1.0, 1.5, 2.0]
    T = np.linspace(2, 10, 401)
    pts = []
    for B in fields:
        tcb = tc * (1 - B / float(h.hc2_perp_gl(0.0, xi, tc)))
        R = 50 / (1 + np.exp(-(T - tcb) / 0.1)) + 0.01 * rng.standard_normal(T.size)
        r = h.hc2_point_from_rt(T, R, B)
        assert r.value == B
        pts.append((r.extra["temperature_K"], B))
    Tg, Hg = map(np.array, zip(*pts, strict=True))
    fit = h.fit_gl_2d(Tg, Hg)
    assert fit.xi_gl_nm == pytest.approx(xi, rel=0.02)
    flat = h.hc2_point_from_rt(T, 50 + 0 * T, 1.0)
    assert flat.value is None and "no_transition" in flat.flags


@pytest.mark.parametrize("alpha", [0.0, 1.5])
def test_fit_whh_round_trip(rng, alpha):
    tc, slope = 9.0, 2.5
    T = np.linspace(1.0, 8.5, 10)
    H = h.whh_hc2_T(T, tc, slope, alpha=alpha)
    Hn = H * (1 + 0.005 * rng.standard_normal(T.size))
    fit = h.fit_whh(T, Hn, 0.005 * H, alpha=None if alpha else 0.0)
    assert fit.success
    assert fit.tc_K == pytest.approx(tc, abs=0.05)
    assert fit.slope_T_per_K == pytest.approx(slope, rel=0.03)
    if alpha:
        assert fit.alpha == pytest.approx(alpha, abs=0.15)
        assert any(r.quantity == "maki_alpha" for r in fit.records)
    assert fit.hc2_0_T == pytest.approx(float(h.whh_hc2_T(0.009, tc, slope, alpha)), rel=0.03)


def test_resistance_vs_field_midpoint_and_noise():
    assert float(h.resistance_vs_field_ohm(-0.3, 0.3, 0.01, 8.0)) == pytest.approx(4.0)
    with pytest.raises(ParameterError):
        h.resistance_vs_field_ohm(0.1, 0.3, 0.01, 8.0, noise_ohm=1.0)


def test_fit_gl_flags_points_above_tc_and_reports_t_range():
    T = np.array([10.0, 11.0, 11.5, 12.2])
    H = np.array([4.0, 2.0, 1.0, 0.3])  # the last point: finite field above the fixed T_c
    fit = h.fit_gl_2d(T, H, tc_K=12.0)
    xi = fit.records[0]
    assert "points_above_tc" in xi.flags
    lo, hi = xi.extra["reduced_temperature_range"]
    assert lo == pytest.approx(10.0 / 12.0) and hi == pytest.approx(12.2 / 12.0)


# ------------------------------------------------------------------ mean of the sweep halves


def _hc2_rec(value, err, flags=()):
    return Result("hc2_T", value, err, unit="T", flags=flags)


def test_mean_hc2_one_defined_half_keeps_its_own_error():
    recs = [_hc2_rec(None, None, ("no_transition",)), _hc2_rec(1.2, 0.017)]
    assert h._mean_hc2(recs) == (1.2, 0.017)
    assert h._mean_hc2([_hc2_rec(None, None, ("no_transition",))]) == (None, None)


def test_mean_hc2_halves_of_one_sweep_are_not_averaged_down():
    # four halves agreeing to 1e-5 T, each +-0.017 T: the mean is not known better than that
    vals = [1.00000, 1.00001, 0.99999, 1.00002]
    mean, err = h._mean_hc2([_hc2_rec(v, 0.017) for v in vals])
    assert mean == pytest.approx(np.mean(vals))
    assert err == pytest.approx(0.017)
    # halves that disagree by more than their errors: the scatter term wins
    vals = [1.0, 1.2, 1.0, 1.2]
    mean, err = h._mean_hc2([_hc2_rec(v, 0.001) for v in vals])
    assert err == pytest.approx(np.std(vals, ddof=1) / 2)
    # no per-half errors: the scatter alone
    _, err = h._mean_hc2([_hc2_rec(v, None) for v in vals])
    assert err == pytest.approx(np.std(vals, ddof=1) / 2)
