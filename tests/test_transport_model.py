"""The two-channel R(T) forward model and the superconductor / anomalous metal / insulator
classifier."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import ndtri

from tsclab.errors import ParameterError
from tsclab.transport import (
    AL_PREFACTOR_S,
    RTModelParams,
    classify_rt,
    fete_resistivity_ohm_m,
    halperin_nelson_factor,
    params_for_thickness,
    sheet_resistance_ohm,
    simulate_rt,
    zero_resistance_temperature_K,
)


def test_al_prefactor():
    # e^2/(16 hbar) = 1.5213e-5 S (PHYSICS.md Appendix A #20)
    assert AL_PREFACTOR_S == pytest.approx(1.5213e-5, rel=1e-4)


def test_fete_semiconducting_above_metallic_below_tn():
    p = RTModelParams()
    T = np.linspace(2, 300, 600)
    rho = fete_resistivity_ohm_m(T, p)
    d = np.gradient(rho, T)
    assert np.all(d[T > p.t_neel_K + 4 * p.neel_width_K] < 0)  # semiconducting
    assert np.all(d[T < p.t_neel_K - 4 * p.neel_width_K] > 0)  # metallic
    # residual resistivity ratio as set
    assert rho[0] / p.rho_n_ohm_m == pytest.approx(p.rho0_over_rhon, rel=0.01)


def test_normal_state_crossover_in_sheet_resistance():
    # the (8,50)-like normal state: a maximum of R near T_N (semiconducting -> metallic)
    p = RTModelParams(n_uc=50)
    T = np.linspace(15, 300, 571)
    R = sheet_resistance_ohm(T, p)
    t_max = T[np.argmax(R)]
    assert abs(t_max - p.t_neel_K) < 2 * p.neel_width_K


@pytest.mark.parametrize("pmax, sigma", [(0.9, 0.6), (0.55, 2.0), (0.7, 1.0)])
def test_emt_zero_resistance_temperature(pmax, sigma):
    # PHYSICS.md §5.2 item 3: T_c,zero = T_c0 - σ Φ^-1(1/(2 p_max))
    p = RTModelParams(p_max=pmax, sigma_tc_K=sigma)
    t0 = zero_resistance_temperature_K(p)
    assert t0 == pytest.approx(p.tc0_K - sigma * ndtri(1 / (2 * pmax)))
    R = sheet_resistance_ohm(np.array([t0 - 0.01, t0 + 0.01]), p)
    assert R[0] == 0.0 and R[1] > 0.0


def test_no_zero_resistance_below_percolation():
    for pmax in (0.499, 0.45, 0.3):
        p = RTModelParams(p_max=pmax)
        assert zero_resistance_temperature_K(p) is None
        assert np.all(sheet_resistance_ohm(np.linspace(1, 30, 50), p) > 0)


def test_emt_limits():
    # p_max = 0 is the normal two-channel parallel sum
    p = RTModelParams(p_max=0.0, al_fluctuations=False)
    T = np.array([5.0, 20.0])
    g_fete = p.n_uc * p.c_uc_nm * 1e-9 / fete_resistivity_ohm_m(T, p)
    assert sheet_resistance_ohm(T, p) == pytest.approx(1 / (g_fete + 1 / p.r_n0_ohm))


def test_halperin_nelson_and_bkt():
    f = halperin_nelson_factor(np.array([7.9, 8.5, 9.5, 10.0, 11.0]), 8.0, 10.0, 1.0)
    assert f[0] == 0 and f[-1] == 1 and f[-2] == 1
    assert 0 < f[1] < f[2] < 1
    # linearization of the simplified form: (d ln R/dT)^(-2/3) is linear in T with
    # intercept T_BKT (PHYSICS.md §4.5) -- check on ln f near T_BKT
    T = np.linspace(8.02, 8.2, 40)
    lnf = np.log(halperin_nelson_factor(T, 8.0, 10.0, 1.0))
    y = np.gradient(lnf, T) ** (-2 / 3)
    c = np.polyfit(T[5:-5], y[5:-5], 1)
    assert -c[1] / c[0] == pytest.approx(8.0, abs=0.02)


def test_noise_needs_generator_and_is_seeded():
    p = RTModelParams()
    T = np.linspace(2, 30, 20)
    with pytest.raises(ParameterError):
        sheet_resistance_ohm(T, p, noise_ohm=1.0)
    a = sheet_resistance_ohm(T, p, rng=np.random.default_rng(3), noise_ohm=1.0)
    b = sheet_resistance_ohm(T, p, rng=np.random.default_rng(3), noise_ohm=1.0)
    assert np.array_equal(a, b)


def test_bad_parameters():
    for kw in ({"p_max": 1.5}, {"sigma_tc_K": 0}, {"t_bkt_K": 20.0}, {"n_uc": -1}):
        with pytest.raises(ParameterError):
            RTModelParams(**kw)
    with pytest.raises(ParameterError):
        sheet_resistance_ohm(np.array([0.0, 1.0]), RTModelParams())
    with pytest.raises(ParameterError):
        params_for_thickness(0)


def test_simulate_rt_dataset():
    ds = simulate_rt(np.linspace(2, 30, 30), RTModelParams(), sample="(8,30)")
    assert ds["resistance_ohm"].dims == ("temperature",)
    assert ds["temperature"].attrs["units"] == "K"
    assert ds.attrs["model_p_max"] == 0.9 and ds.attrs["sample"] == "(8,30)"


# ------------------------------------------------------------------ classifier


def test_thickness_sequence_insulator_anomalous_metal_superconductor(rng):
    # Fig. 1E trend from the illustrative ThicknessLaw: thin FeTe insulating, p_max ~ 1/2
    # anomalous metal, thick superconducting -- with 0.2 % noise
    T = np.arange(2.0, 30.0, 0.1)
    expected = {12: "insulator", 14: "insulator", 16: "anomalous_metal", 18: "superconductor",
                25: "superconductor", 50: "superconductor"}  # fmt: skip
    for n, phase in expected.items():
        R0 = sheet_resistance_ohm(T, params_for_thickness(n))
        R = R0 + rng.normal(0, 2e-3 * R0.max(), T.size)
        c = classify_rt(T, R)
        assert c.phase == phase, (n, c)
        rec = c.to_result(sample=f"(8,{n})")
        assert rec.criterion == f"phase = {phase}"
        assert rec.extra["phase"] == phase


def test_classifier_evidence_numbers():
    T = np.arange(2.0, 30.0, 0.1)
    c = classify_rt(T, sheet_resistance_ohm(T, params_for_thickness(14)))
    assert c.upturn_ratio > 1.2 and c.dlnr_dlnt_low < 0
    assert c.tc_0_K is None and c.tc_onset_K is not None
    c = classify_rt(T, sheet_resistance_ohm(T, params_for_thickness(25)))
    assert c.tc_0_K == pytest.approx(zero_resistance_temperature_K(params_for_thickness(25)),
                                     abs=0.1)  # fmt: skip


def test_classifier_no_transition():
    T = np.linspace(2, 30, 200)
    c = classify_rt(T, 100 + 2 * T)
    assert c.phase == "normal_metal" and "no_transition" in c.flags
    c = classify_rt(T, 100 + 2000 / T)
    assert c.phase == "insulator" and "no_transition" in c.flags


def test_phase_fluctuating_grains_emt():
    # Bruggeman with finite grain conductance G_n/HN: R > 0 between T_BKT and T_perc, zero
    # below T_BKT only above percolation, and the infinite-conductance limit below T_BKT
    base = dict(tc0_K=12.0, sigma_tc_K=0.3, al_fluctuations=False)
    p = RTModelParams(p_max=0.9, t_bkt_K=11.0, **base)
    t_perc = zero_resistance_temperature_K(RTModelParams(p_max=0.9, **base))
    T = np.array([10.9, 11.2, 0.5 * (11.0 + t_perc), t_perc + 0.2])
    R = sheet_resistance_ohm(T, p)
    assert R[0] == 0.0 and np.all(R[1:] > 0)
    # below percolation, phase fluctuations do not matter at T < T_BKT (grains are ideal)
    q = RTModelParams(p_max=0.4, t_bkt_K=11.0, **base)
    r_ideal = sheet_resistance_ohm(np.array([5.0]), RTModelParams(p_max=0.4, **base))
    assert sheet_resistance_ohm(np.array([5.0]), q) == pytest.approx(r_ideal)
    # continuity across T_BKT (no jump from the two branches of the solution)
    Tc = np.array([11.0 + 1e-6, 11.0 + 2e-6])
    ideal = sheet_resistance_ohm(Tc, RTModelParams(p_max=0.4, **base))
    assert sheet_resistance_ohm(Tc, q) == pytest.approx(ideal, rel=1e-6)
